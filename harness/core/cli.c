/* SPDX-License-Identifier: MIT */
/*
 * CLI helpers and the small subcommands: usage text, errors, number
 * parsing, `siovh list` and `siovh faults`.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "siovh/report.h"

const char siovh_usage_text[] =
"Usage: siovh COMMAND [OPTIONS]\n"
"\n"
"Conformance and fault-injection harness for Scalable I/O Virtualization\n"
"and vSVA.\n"
"\n"
"Commands:\n"
"  list    [--format text|json] [--filter GLOB]\n"
"          List the clauses, sorted by ID.\n"
"  run     [--target SPEC] [--filter GLOB] [--jobs N] [--report DIR]\n"
"          [--seed N] [--timeout MS] [--faults all|NAME[,NAME...]]\n"
"          [--exclude FILE] [--force] [--dry-run]\n"
"          Run the clauses' checks against a target, each in its own\n"
"          process; with --faults, then build the fault-kill table.\n"
"  faults  [--target SPEC] [--format text|json]\n"
"          List the faults the target can inject.\n"
"  report  html|merge|diff|index ...\n"
"          Render, merge and compare results.json files\n"
"          (siovh report --help).\n"
"  replay  [--target SPEC] [--fuzz NAME] FILE|DIR...\n"
"          Replay a fuzz target's inputs on a target (SIOVH_FUZZ_TARGET=SPEC;\n"
"          ref:fault=NAME injects a fault): each operation's trace, then\n"
"          the verdict (ok, or crash and why). Exit 1 if any crashed.\n"
"  replay  --diff SPEC,SPEC [--fuzz NAME] [--out DIR] FILE|DIR...\n"
"          (or two --target) Replay on both and compare the traces\n"
"          operation by operation: exit 0 same (or incomparable: a\n"
"          target fact the operands depend on differs), 1 a file differs\n"
"          (its first differing operation is printed; --out DIR keeps\n"
"          both traces), 2 bad usage or input.\n"
"          NAME is inferred from a path under fuzz/NAME/ or a finding\n"
"          directory's 'target' file. The driver NAME_replay is looked\n"
"          for in this siovh's directory's fuzz/ (a build tree: make\n"
"          fuzz-replay), then beside siovh (the VM image's /bin), or in\n"
"          $SIOVH_FUZZ_REPLAY_DIR.\n"
"\n"
"Options:\n"
"  -t, --target SPEC   BACKEND[:fault=NAME] (default: ref),\n"
"                      ref:profile=PATH[,fault=NAME] (the reference's\n"
"                      parent built from a device profile),\n"
"                      kernel[:device=BDF][,mdev=PARENT] (the running\n"
"                      kernel: /dev/iommu, a PCI function's config space,\n"
"                      an mdev parent's VDEVs; vfio=cdev|group picks their\n"
"                      VFIO path), kernel:device=BDF,vfio=cdev|group (that\n"
"                      function as a VFIO device: run binds it to vfio-pci\n"
"                      and restores its driver after), or\n"
"                      plugin:PATH[:ARG], a shared object implementing the\n"
"                      target API (ARG goes to the plug-in)\n"
"  -f, --filter GLOB   only clauses whose ID matches GLOB, e.g. 'IOASID.*'\n"
"  -j, --jobs N        checks run in parallel (default: online CPUs)\n"
"  -r, --report DIR    write results.ktap, junit.xml, results.json (and\n"
"                      faults.ktap) into DIR, created if missing\n"
"  -s, --seed N        seed for checks drawing random sequences (default: 1)\n"
"  -T, --timeout MS    per-check timeout unless the clause sets its own\n"
"                      (default: 10000); $SIOVH_TIMEOUT_SCALE multiplies\n"
"                      every timeout\n"
"  -F, --faults LIST   'all' or fault names; see 'siovh faults'\n"
"      --force         (device=BDF,vfio=) unbind the function's driver if it\n"
"                      is not vfio-pci's; it is bound back after the run\n"
"      --dry-run       (device=BDF,vfio=) list the sysfs writes the run\n"
"                      would make to bind and restore, make none, run nothing\n"
"      --exclude FILE  leave out the clauses FILE lists (one ID per line;\n"
"                      '#' comments), e.g. those a crashed run finished\n"
"      --format FMT    text or json\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 nothing failed (skips allowed), 1 a clause failed or the\n"
"fault-kill table has gaps, 2 bad usage or input, 3 internal error.\n"
"SIGINT, SIGTERM or SIGHUP during a run kill its checks; siovh then dies\n"
"of the signal without touching the previous reports.\n";

int siovh_cli_error(enum siovh_exit status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);		/* keep stdout and stderr in order */
	fputs("siovh: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int siovh_cli_nonempty(const char *arg, const char *opt, const char *what)
{
	if (*arg)
		return 0;
	return siovh_cli_usage_error("--%s wants %s, got ''", opt, what);
}

bool siovh_cli_parse_u64(const char *s, uint64_t min, uint64_t max,
			 uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* getopt_long's "unknown option" / "missing argument" as one line. */
static int bad_option(const char *cmd, int opt, char **argv)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		return siovh_cli_usage_error("option '%s' of '%s' needs an argument",
					     arg, cmd);
	/* glibc sets optopt for a known long option given "=ARG" it lacks. */
	if (!strncmp(arg, "--", 2) && optopt)
		return siovh_cli_usage_error("option '%.*s' of '%s' takes no argument",
					     (int)strcspn(arg, "="), arg, cmd);
	if (!strncmp(arg, "--", 2) || !optopt)
		return siovh_cli_usage_error("unknown option '%.*s' for '%s' (see 'siovh --help')",
					     (int)strcspn(arg, "="), arg, cmd);
	return siovh_cli_usage_error("unknown option '-%c' for '%s' (see 'siovh --help')",
				     optopt, cmd);
}

/* ":" (report missing arguments as ':'), then each short option. */
static void short_opts(const struct option *opts, char *buf)
{
	*buf++ = ':';
	for (; opts->name; opts++) {
		if (opts->val >= SIOVH_CLI_LONG_ONLY)
			continue;
		*buf++ = (char)opts->val;
		if (opts->has_arg == required_argument)
			*buf++ = ':';
	}
	*buf = '\0';
}

static const struct option *opt_by_val(const struct option *opts, int val)
{
	for (; opts->name; opts++)
		if (opts->val == val)
			return opts;
	return NULL;
}

int siovh_cli_getopt(int argc, char **argv, const struct option *opts,
		     siovh_cli_opt_fn fn, void *ctx)
{
	const struct option *o;
	size_t nr_opts = 0, k;
	char shorts[64];
	int seen[32];
	int c, ret;

	for (o = opts; o->name; o++)
		nr_opts++;
	if (nr_opts > sizeof(seen) / sizeof(seen[0]) ||
	    3 * nr_opts + 2 > sizeof(shorts))
		return siovh_cli_internal_error("too many options for '%s'",
						argv[0]);
	short_opts(opts, shorts);
	memset(seen, 0, sizeof(seen));
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		o = opt_by_val(opts, c);
		if (!o)
			return bad_option(argv[0], c, argv);
		if (!strcmp(o->name, "help")) {
			fputs(siovh_usage_text, stdout);
			return -1;
		}
		/* A second --filter or --jobs would silently win: refuse it. */
		k = (size_t)(o - opts);
		if (seen[k]++)
			return siovh_cli_usage_error("option '--%s' given twice",
						     o->name);
		ret = fn(c, optarg, ctx);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return siovh_cli_usage_error("unexpected argument '%s' for '%s'",
					     argv[optind], argv[0]);
	return 0;
}

enum format { FORMAT_TEXT, FORMAT_JSON };

static int parse_format(const char *s, enum format *out)
{
	if (!strcmp(s, "text"))
		*out = FORMAT_TEXT;
	else if (!strcmp(s, "json"))
		*out = FORMAT_JSON;
	else
		return siovh_cli_usage_error("--format wants 'text' or 'json', got '%s'",
					     s);
	return 0;
}

/* The options of `list` and `faults`: --format and one of their own. */
struct listing_args {
	const char *value;		/* --filter or --target */
	enum format fmt;
};

#define OPT_FORMAT SIOVH_CLI_LONG_ONLY

static int listing_opt(int opt, const char *arg, void *ctx)
{
	struct listing_args *a = ctx;

	if (opt == OPT_FORMAT)
		return parse_format(arg, &a->fmt);
	a->value = arg;
	if (opt == 'f')
		return siovh_cli_nonempty(arg, "filter", SIOVH_CLI_WANT_GLOB);
	return siovh_cli_nonempty(arg, "target", SIOVH_CLI_WANT_TARGET);
}

/* Parse `siovh CMD [--format FMT] [--NAME VALUE]`; as siovh_cli_getopt. */
static int listing_args(int argc, char **argv, const char *name, int val,
			struct listing_args *a)
{
	const struct option opts[] = {
		{ name, required_argument, NULL, val },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	return siovh_cli_getopt(argc, argv, opts, listing_opt, a);
}

static void list_text(const struct siovh_catalog *cat)
{
	int w = 0, n;
	size_t i;

	for (i = 0; i < cat->n; i++) {
		n = (int)strlen(cat->clauses[i]->id);
		w = n > w ? n : w;
	}
	for (i = 0; i < cat->n; i++) {
		const struct siovh_clause *c = cat->clauses[i];

		printf("%-*s  %-6s  %-10s  %s\n", w, c->id,
		       siovh_level_name(c->level), c->facet ? c->facet : "-",
		       c->title ? c->title : "");
	}
}

int siovh_cli_list(int argc, char **argv)
{
	struct listing_args a = { .fmt = FORMAT_TEXT };
	struct siovh_catalog cat;
	char err[256];
	int ret;

	ret = listing_args(argc, argv, "filter", 'f', &a);
	if (ret)
		return ret < 0 ? SIOVH_EXIT_OK : ret;
	ret = siovh_catalog_load(&cat, a.value, err, sizeof(err));
	if (ret)
		return siovh_cli_internal_error("%s", err);
	if (a.value && !cat.n) {
		siovh_catalog_free(&cat);
		return siovh_cli_usage_error("no clause matches --filter '%s'",
					     a.value);
	}
	if (a.fmt == FORMAT_JSON)
		ret = siovh_catalog_json(stdout, &cat);
	else
		list_text(&cat);
	siovh_catalog_free(&cat);
	/* ferror too: a write that failed at an earlier buffer flush may
	 * leave fflush nothing to fail on (the buffer it could not write
	 * is gone), depending on where the output ends. */
	if (ret || fflush(stdout) || ferror(stdout))
		return siovh_cli_internal_error("cannot write the catalog");
	return SIOVH_EXIT_OK;
}

static void faults_text(const struct siovh_backend *b)
{
	int wn = 0, wf = 0, n;
	size_t i;

	if (!b->faults || !b->faults[0].name) {
		printf("target '%s' has no faults to inject\n", b->name);
		return;
	}
	for (i = 0; b->faults[i].name; i++) {
		n = (int)strlen(b->faults[i].name);
		wn = n > wn ? n : wn;
		n = b->faults[i].facet ? (int)strlen(b->faults[i].facet) : 0;
		wf = n > wf ? n : wf;
	}
	for (i = 0; b->faults[i].name; i++)
		printf("%-*s  %-*s  %s\n", wn, b->faults[i].name, wf,
		       b->faults[i].facet ? b->faults[i].facet : "",
		       b->faults[i].summary ? b->faults[i].summary : "");
}

int siovh_cli_faults(int argc, char **argv)
{
	struct listing_args a = { .value = "ref", .fmt = FORMAT_TEXT };
	struct siovh_target_spec spec;
	char err[512];
	int ret;

	ret = listing_args(argc, argv, "target", 't', &a);
	if (ret)
		return ret < 0 ? SIOVH_EXIT_OK : ret;
	if (siovh_target_parse(a.value, &spec, err, sizeof(err)))
		return siovh_cli_usage_error("%s", err);
	if (a.fmt == FORMAT_JSON)
		ret = siovh_faults_json(stdout, spec.backend);
	else
		faults_text(spec.backend);
	if (ret || fflush(stdout) || ferror(stdout))
		return siovh_cli_internal_error("cannot write the fault list");
	return SIOVH_EXIT_OK;
}
