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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "siovh/report.h"

struct run_args {
	const char *target;
	const char *filter;
	const char *report;
	const char *faults;
	struct siovh_run_opts opts;
};

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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t v;
	int c;

	a->target = "ref";
	a->opts.jobs = cpus > 0 ? (unsigned int)cpus : 1;
	a->opts.seed = 1;
	while ((c = getopt_long(argc, argv, ":t:f:j:r:s:T:F:h", opts,
				NULL)) != -1) {
		switch (c) {
		case 't':
			a->target = optarg;
			break;
		case 'f':
			a->filter = optarg;
			break;
		case 'j':
			if (parse_jobs(optarg, &a->opts.jobs))
				return SIOVH_EXIT_USAGE;
			break;
		case 'r':
			if (!*optarg)
				return siovh_cli_usage_error("--report wants a directory, got ''");
			a->report = optarg;
			break;
		case 's':
			if (!siovh_cli_parse_u64(optarg, 0, UINT64_MAX, &v))
				return siovh_cli_usage_error("--seed wants an unsigned integer, got '%s'",
							     optarg);
			a->opts.seed = v;
			break;
		case 'T':
			if (!siovh_cli_parse_u64(optarg, 1, 86400000, &v))
				return siovh_cli_usage_error("--timeout wants milliseconds between 1 and 86400000, got '%s'",
							     optarg);
			a->opts.timeout_ms = (unsigned int)v;
			break;
		case 'F':
			a->faults = optarg;
			break;
		case 'h':
			fputs(siovh_usage_text, stdout);
			return -1;
		default:
			return siovh_cli_bad_option("run", c, optopt, argv,
						    optind);
		}
	}
	if (optind < argc)
		return siovh_cli_usage_error("unexpected argument '%s' for 'run'",
					     argv[optind]);
	return parse_env_scale();
}

struct run_state {
	struct siovh_target_spec spec;
	struct siovh_catalog cat;
	int *faults;
	size_t nr_faults;
	struct siovh_run run;
	struct siovh_kill_table kt;
	bool have_run, have_kt;
};

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
	if (!st->cat.n)
		return siovh_cli_internal_error("no clause is registered");
	if (a->report && siovh_report_dir_prepare(a->report, err, sizeof(err)))
		return siovh_cli_usage_error("bad --report: %s", err);
	return 0;
}

static int run_faults(const struct run_args *a, struct run_state *st)
{
	int ret;

	printf("fault-kill table: %zu fault%s of target %s\n", st->nr_faults,
	       st->nr_faults == 1 ? "" : "s", st->spec.backend->name);
	ret = siovh_kill_table_build(&st->run, st->faults, st->nr_faults,
				     &a->opts, stdout, &st->kt);
	if (ret)
		return siovh_cli_internal_error("building the fault-kill table failed: %s",
						strerror(-ret));
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
		return siovh_cli_internal_error("running the checks failed: %s",
						strerror(-ret));
	st->have_run = true;
	if (a->faults) {
		ret = run_faults(a, st);
		if (ret)
			return ret;
	}
	if (a->report) {
		if (siovh_report_write(a->report, &st->run,
				       st->have_kt ? &st->kt : NULL, err,
				       sizeof(err)))
			return siovh_cli_internal_error("%s", err);
		printf("reports written to %s/\n", a->report);
	}
	printf("%zu passed, %zu failed, %zu skipped\n", st->run.passed,
	       st->run.failed, st->run.skipped);
	if (fflush(stdout))
		return siovh_cli_internal_error("cannot write to stdout");
	if (st->run.failed || (st->have_kt && !st->kt.complete))
		return SIOVH_EXIT_FAIL;
	return SIOVH_EXIT_OK;
}

int siovh_cli_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct run_state st = { 0 };
	int ret;

	ret = parse_run_args(argc, argv, &a);
	if (ret)
		return ret < 0 ? SIOVH_EXIT_OK : ret;
	ret = run_prepare(&a, &st);
	if (!ret)
		ret = run_execute(&a, &st);
	if (st.have_kt)
		siovh_kill_table_free(&st.kt);
	if (st.have_run)
		siovh_run_free(&st.run);
	free(st.faults);
	siovh_catalog_free(&st.cat);
	return ret;
}
