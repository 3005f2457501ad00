/* SPDX-License-Identifier: MIT */
/*
 * `siovh run`: validate everything (target, faults, filter, report
 * directory, numbers) before running anything, run the plain target, build
 * the fault-kill table if asked, write the reports, and end with the line
 * "N passed, N failed, N skipped" for the plain target's clauses.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "harness/backends/kernel.h"
#include "harness/backends/kernel_mdev.h"
#include "harness/backends/kernel_vfio_pci.h"
#include "siovh/report.h"

struct run_args {
	const char *target;
	const char *filter;
	const char *report;
	const char *faults;
	const char *exclude;
	bool force, dry_run;		/* the driver claim (kernel_vfio_pci.h) */
	struct siovh_run_opts opts;
};

enum { OPT_EXCLUDE = SIOVH_CLI_LONG_ONLY, OPT_FORCE, OPT_DRY_RUN };

static int parse_jobs(const char *s, unsigned int *out)
{
	uint64_t v;

	if (!siovh_cli_parse_u64(s, 1, 4096, &v))
		return siovh_cli_usage_error("--jobs wants a positive integer (at most 4096), got '%s'",
					     s);
	*out = (unsigned int)v;
	return 0;
}

static int parse_env_scale(void)
{
	const char *env = getenv("SIOVH_TIMEOUT_SCALE");
	char *end;
	double v;

	if (!env)
		return 0;
	errno = 0;
	v = strtod(env, &end);
	if (!*env || errno || *end || !(v > 0) || !isfinite(v))
		return siovh_cli_usage_error("SIOVH_TIMEOUT_SCALE wants a positive number, got '%s'",
					     env);
	return 0;
}

static int run_opt(int opt, const char *arg, void *ctx)
{
	struct run_args *a = ctx;
	uint64_t v;

	switch (opt) {
	case 't':
		a->target = arg;
		return siovh_cli_nonempty(arg, "target", SIOVH_CLI_WANT_TARGET);
	case 'f':
		a->filter = arg;
		return siovh_cli_nonempty(arg, "filter", SIOVH_CLI_WANT_GLOB);
	case 'j':
		return parse_jobs(arg, &a->opts.jobs);
	case 'r':
		a->report = arg;
		return siovh_cli_nonempty(arg, "report", "a directory");
	case 's':
		if (!siovh_cli_parse_u64(arg, 0, UINT64_MAX, &v))
			return siovh_cli_usage_error("--seed wants an unsigned 64-bit integer, got '%s'",
						     arg);
		a->opts.seed = v;
		return 0;
	case 'T':
		if (!siovh_cli_parse_u64(arg, 1, 86400000, &v))
			return siovh_cli_usage_error("--timeout wants milliseconds between 1 and 86400000, got '%s'",
						     arg);
		a->opts.timeout_ms = (unsigned int)v;
		return 0;
	case 'F':
		a->faults = arg;
		return siovh_cli_nonempty(arg, "faults", "'all' or fault names");
	case OPT_EXCLUDE:
		a->exclude = arg;
		return siovh_cli_nonempty(arg, "exclude", "a file");
	case OPT_FORCE:
		a->force = true;
		return 0;
	case OPT_DRY_RUN:
		a->dry_run = true;
		return 0;
	}
	return siovh_cli_internal_error("option %d of 'run' is not handled", opt);
}

/* 0, -1 after --help, or SIOVH_EXIT_USAGE. */
static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "filter", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "report", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "faults", required_argument, NULL, 'F' },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int ret;

	a->target = "ref";
	a->opts.jobs = cpus > 0 ? (unsigned int)cpus : 1;
	a->opts.seed = 1;
	ret = siovh_cli_getopt(argc, argv, opts, run_opt, a);
	if (ret)
		return ret;
	return parse_env_scale();
}

struct run_state {
	struct siovh_target_spec spec;
	struct siovh_catalog cat;
	int *faults;
	size_t nr_faults;
	struct siovh_run run;
	struct siovh_kill_table kt;
	bool have_run, have_kt, reports_written;
	struct kvpci_claim claim;	/* device=BDF,vfio=: what to give back */
	bool claimed;
	sigset_t stop;			/* the signals that stop the run */
};

/*
 * The signals that stop a run: SIGINT, SIGTERM and SIGHUP, unless whoever
 * started siovh ignores or blocks them. They stay blocked while siovh runs
 * and the runner watches them, so that a stopped run kills its checks'
 * process groups (PR_SET_PDEATHSIG reaches the checks, not their children)
 * and never leaves a temporary report file; siovh then dies of the signal.
 */
static void stop_signals_block(sigset_t *stop, sigset_t *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	sigemptyset(stop);
	sigprocmask(SIG_BLOCK, NULL, old);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigismember(old, sigs[i]) == 1 ||
		    sigaction(sigs[i], NULL, &sa) || sa.sa_handler == SIG_IGN)
			continue;
		sigaddset(stop, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, stop, NULL);
}

/* The pending stop signal, or 0. */
static int stop_pending(const sigset_t *stop)
{
	sigset_t pending;
	int sig;

	if (sigpending(&pending))
		return 0;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(stop, sig) == 1 &&
		    sigismember(&pending, sig) == 1)
			return sig;
	return 0;
}

/* Die of the pending stop signal sig, once everything is cleaned up. */
static int stopped(int sig, bool reports_written, const sigset_t *old)
{
	siovh_cli_internal_error("stopped by SIG%s%s", sigabbrev_np(sig),
				 reports_written ? "" :
				 "; checks killed, no report written");
	fflush(stdout);
	sigprocmask(SIG_SETMASK, old, NULL);	/* delivers it: not ignored */
	return SIOVH_EXIT_INTERNAL;
}

/* Is id one of the n sorted clauses? */
static bool catalog_has(const struct siovh_clause *const *c, size_t n,
			const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i]->id, id))
			return true;
	return false;
}

/* Take the clause id out of cat (if it is there). */
static void catalog_drop(struct siovh_catalog *cat, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < cat->n; i++)
		if (strcmp(cat->clauses[i]->id, id))
			cat->clauses[n++] = cat->clauses[i];
	cat->n = n;
}

/*
 * --exclude FILE: the clause IDs it lists (one per line; blank lines and
 * lines starting with '#' ignored) leave the catalog. The VM tier uses it
 * to run, in a fresh VM, the clauses a crashed kernel left. An ID that no
 * registered clause has is a usage error naming FILE:LINE (a typo would
 * otherwise run what was meant to be left out).
 */
static int catalog_exclude(struct siovh_catalog *cat, const char *path)
{
	struct siovh_catalog all = { 0 };
	char line[512], err[512];
	unsigned int lineno = 0;
	int ret = 0;
	size_t len;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return siovh_cli_usage_error("--exclude %s: %s", path, strerror(errno));
	if (siovh_catalog_load(&all, NULL, err, sizeof(err))) {
		ret = siovh_cli_internal_error("%s", err);
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {
			ret = siovh_cli_usage_error("%s:%u: line too long", path, lineno);
			goto out;
		}
		if (!len || line[0] == '#')
			continue;
		if (!catalog_has(all.clauses, all.n, line)) {
			ret = siovh_cli_usage_error("%s:%u: no clause '%s'", path, lineno, line);
			goto out;
		}
		catalog_drop(cat, line);
	}
	if (ferror(f))
		ret = siovh_cli_usage_error("--exclude %s: read error", path);
out:
	siovh_catalog_free(&all);
	fclose(f);
	return ret;
}

/* Everything that can be wrong with the input, checked up front. */
static int run_prepare(const struct run_args *a, struct run_state *st)
{
	char err[512];
	int ret;

	if (siovh_target_parse(a->target, &st->spec, err, sizeof(err)))
		return siovh_cli_usage_error("%s", err);
	if (a->faults && st->spec.fault >= 0)
		return siovh_cli_usage_error("--faults needs a target without a fault, got '%s'",
					     a->target);
	if (a->faults && siovh_faults_select(st->spec.backend, a->faults,
					     &st->faults, &st->nr_faults, err,
					     sizeof(err)))
		return siovh_cli_usage_error("%s", err);
	ret = siovh_catalog_load(&st->cat, a->filter, err, sizeof(err));
	if (ret)
		return siovh_cli_internal_error("%s", err);
	if (!st->cat.n && a->filter)
		return siovh_cli_usage_error("no clause matches --filter '%s'",
					     a->filter);
	if (a->exclude) {
		ret = catalog_exclude(&st->cat, a->exclude);
		if (ret)
			return ret;
		if (!st->cat.n)
			return siovh_cli_usage_error("--exclude %s leaves no clause to run",
						     a->exclude);
	}
	if (!st->cat.n)
		return siovh_cli_internal_error("no clause is registered");
	if (a->report && siovh_report_dir_prepare(a->report, err, sizeof(err)))
		return siovh_cli_usage_error("bad --report: %s", err);
	return 0;
}

/* kernel:device=BDF,vfio=...: the one target that binds a driver. */
static bool spec_claims_device(const struct siovh_target_spec *spec)
{
	return spec->backend == &siovh_kernel_backend && spec->arg[0] &&
	       spec->arg[SIOVH_KERNEL_ARG_VFIO] &&
	       !spec->arg[SIOVH_KERNEL_ARG_MDEV];
}

/*
 * Bind the named function to vfio-pci for the run (kernel_vfio_pci.h),
 * once, before any check opens it. With --dry-run: list the writes and
 * stop (-1). --force and --dry-run mean nothing for other targets: a
 * usage error, not silence.
 */
static int run_claim(const struct run_args *a, struct run_state *st)
{
	char err[512];

	if (!spec_claims_device(&st->spec)) {
		if (a->force || a->dry_run)
			return siovh_cli_usage_error("--%s applies to --target kernel:device=BDF,vfio=cdev|group only (the one target that binds a driver), got '%s'",
						     a->force ? "force" : "dry-run",
						     a->target);
		return 0;
	}
	if (kvpci_claim(st->spec.arg, a->force, a->dry_run, stdout,
			&st->claim, err, sizeof(err)))
		return siovh_cli_usage_error("target '%s': %s", a->target,
					     err);
	if (!a->dry_run) {
		st->claimed = true;
		return 0;
	}
	kvpci_release(&st->claim, err, sizeof(err));	/* lists, no writes */
	printf("dry run: nothing written, no clause run\n");
	return fflush(stdout) || ferror(stdout) ?
	       siovh_cli_internal_error("cannot write to stdout") : -1;
}

/* The function back as run_claim() found it; ret unless that fails. */
static int run_unclaim(struct run_state *st, int ret)
{
	char err[512];

	if (!st->claimed)
		return ret;
	st->claimed = false;
	if (!kvpci_release(&st->claim, err, sizeof(err)))
		return ret;
	fprintf(stderr, "siovh: could not give %s back as it was: %s\n",
		st->claim.bdf, err);
	return SIOVH_EXIT_INTERNAL;
}

/* A runner error as an exit status; for a stop, stopped() speaks later. */
static int runner_failed(int ret, const char *what)
{
	if (ret == -EINTR)
		return SIOVH_EXIT_INTERNAL;
	return siovh_cli_internal_error("%s failed: %s", what, strerror(-ret));
}

static int run_faults(const struct run_args *a, struct run_state *st)
{
	int ret;

	printf("fault-kill table: %zu fault%s of target %s\n", st->nr_faults,
	       st->nr_faults == 1 ? "" : "s", st->spec.backend->name);
	ret = siovh_kill_table_build(&st->run, st->faults, st->nr_faults,
				     &a->opts, stdout, &st->kt);
	if (ret)
		return runner_failed(ret, "building the fault-kill table");
	st->have_kt = true;
	if (st->kt.complete) {
		printf("fault-kill table: complete\n");
		return 0;
	}
	printf("fault-kill table: INCOMPLETE: %zu fault%s killed by no clause, %zu clause%s killing no fault\n",
	       st->kt.faults_unkilled, st->kt.faults_unkilled == 1 ? "" : "s",
	       st->kt.clauses_killing_nothing,
	       st->kt.clauses_killing_nothing == 1 ? "" : "s");
	siovh_kill_table_print_gaps(stdout, &st->kt);
	return 0;
}

static int run_execute(const struct run_args *a, struct run_state *st)
{
	struct siovh_run_opts opts = a->opts;
	char err[512];
	int ret;

	printf("siovh %s: %zu clause%s on target %s, %u job%s, seed %llu\n",
	       SIOVH_VERSION, st->cat.n, st->cat.n == 1 ? "" : "s",
	       st->spec.text, opts.jobs, opts.jobs == 1 ? "" : "s",
	       (unsigned long long)opts.seed);
	opts.progress = stdout;
	ret = siovh_run_clauses(&st->spec, st->cat.clauses, st->cat.n, &opts,
				&st->run);
	if (ret)
		return runner_failed(ret, "running the checks");
	st->have_run = true;
	if (a->faults) {
		ret = run_faults(a, st);
		if (ret)
			return ret;
	}
	if (stop_pending(&st->stop))
		return SIOVH_EXIT_INTERNAL;	/* no report of a stopped run */
	if (a->report) {
		if (siovh_report_write(a->report, &st->run,
				       st->have_kt ? &st->kt : NULL, err,
				       sizeof(err)))
			return siovh_cli_internal_error("%s", err);
		st->reports_written = true;
		printf("reports written to %s/\n", a->report);
	}
	printf("%zu passed, %zu failed, %zu skipped\n", st->run.passed,
	       st->run.failed, st->run.skipped);
	if (fflush(stdout) || ferror(stdout))
		return siovh_cli_internal_error("cannot write to stdout");
	if (st->run.failed || (st->have_kt && !st->kt.complete))
		return SIOVH_EXIT_FAIL;
	return SIOVH_EXIT_OK;
}

int siovh_cli_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct run_state st = { 0 };
	sigset_t old;
	int ret, sig;

	ret = parse_run_args(argc, argv, &a);
	if (ret)
		return ret < 0 ? SIOVH_EXIT_OK : ret;
	stop_signals_block(&st.stop, &old);
	a.opts.stop_signals = &st.stop;
	ret = run_prepare(&a, &st);
	if (!ret)
		ret = run_claim(&a, &st);
	if (!ret)
		ret = run_execute(&a, &st);
	ret = ret < 0 ? SIOVH_EXIT_OK : run_unclaim(&st, ret);
	if (st.have_kt)
		siovh_kill_table_free(&st.kt);
	if (st.have_run)
		siovh_run_free(&st.run);
	free(st.faults);
	siovh_catalog_free(&st.cat);
	sig = stop_pending(&st.stop);
	if (sig)
		return stopped(sig, st.reports_written, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
