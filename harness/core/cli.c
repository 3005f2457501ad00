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
"          Run the clauses' checks against a target, each in its own\n"
"          process; with --faults, then build the fault-kill table.\n"
"  faults  [--target SPEC] [--format text|json]\n"
"          List the faults the target can inject.\n"
"\n"
"Options:\n"
"  -t, --target SPEC   BACKEND[:fault=NAME] (default: ref)\n"
"  -f, --filter GLOB   only clauses whose ID matches GLOB, e.g. 'IOASID.*'\n"
"  -j, --jobs N        checks run in parallel (default: online CPUs)\n"
"  -r, --report DIR    write results.ktap, junit.xml, results.json (and\n"
"                      faults.ktap) into DIR, created if missing\n"
"  -s, --seed N        seed for checks drawing random sequences (default: 1)\n"
"  -T, --timeout MS    per-check timeout unless the clause sets its own\n"
"                      (default: 10000); $SIOVH_TIMEOUT_SCALE multiplies\n"
"                      every timeout\n"
"  -F, --faults LIST   'all' or fault names; see 'siovh faults'\n"
"      --format FMT    text or json\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 nothing failed (skips allowed), 1 a clause failed or the\n"
"fault-kill table has gaps, 2 bad usage or input, 3 internal error.\n";

static void vmsg(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("siovh: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int siovh_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return SIOVH_EXIT_USAGE;
}

int siovh_cli_internal_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return SIOVH_EXIT_INTERNAL;
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

int siovh_cli_bad_option(const char *cmd, int opt, int optopt, char **argv,
			 int optind)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		return siovh_cli_usage_error("option '%s' of '%s' needs an argument",
					     arg, cmd);
	if (!strncmp(arg, "--", 2) || !optopt)
		return siovh_cli_usage_error("unknown option '%.*s' for '%s' (see 'siovh --help')",
					     (int)strcspn(arg, "="), arg, cmd);
	return siovh_cli_usage_error("unknown option '-%c' for '%s' (see 'siovh --help')",
				     optopt, cmd);
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

static int extra_args(const char *cmd, int argc, char **argv)
{
	if (optind < argc)
		return siovh_cli_usage_error("unexpected argument '%s' for '%s'",
					     argv[optind], cmd);
	return 0;
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
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'o' },
		{ "filter", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct siovh_catalog cat;
	enum format fmt = FORMAT_TEXT;
	const char *filter = NULL;
	char err[256];
	int c, ret;

	while ((c = getopt_long(argc, argv, ":f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (parse_format(optarg, &fmt))
				return SIOVH_EXIT_USAGE;
			break;
		case 'f':
			filter = optarg;
			break;
		case 'h':
			fputs(siovh_usage_text, stdout);
			return SIOVH_EXIT_OK;
		default:
			return siovh_cli_bad_option("list", c, optopt, argv,
						    optind);
		}
	}
	if (extra_args("list", argc, argv))
		return SIOVH_EXIT_USAGE;
	ret = siovh_catalog_load(&cat, filter, err, sizeof(err));
	if (ret)
		return siovh_cli_internal_error("%s", err);
	if (filter && !cat.n) {
		siovh_catalog_free(&cat);
		return siovh_cli_usage_error("no clause matches --filter '%s'",
					     filter);
	}
	if (fmt == FORMAT_JSON)
		ret = siovh_catalog_json(stdout, &cat);
	else
		list_text(&cat);
	siovh_catalog_free(&cat);
	if (ret || fflush(stdout))
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
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct siovh_target_spec spec;
	const char *target = "ref";
	enum format fmt = FORMAT_TEXT;
	char err[512];
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, ":t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'o':
			if (parse_format(optarg, &fmt))
				return SIOVH_EXIT_USAGE;
			break;
		case 'h':
			fputs(siovh_usage_text, stdout);
			return SIOVH_EXIT_OK;
		default:
			return siovh_cli_bad_option("faults", c, optopt, argv,
						    optind);
		}
	}
	if (extra_args("faults", argc, argv))
		return SIOVH_EXIT_USAGE;
	if (siovh_target_parse(target, &spec, err, sizeof(err)))
		return siovh_cli_usage_error("%s", err);
	if (fmt == FORMAT_JSON)
		ret = siovh_faults_json(stdout, spec.backend);
	else
		faults_text(spec.backend);
	if (ret || fflush(stdout))
		return siovh_cli_internal_error("cannot write the fault list");
	return SIOVH_EXIT_OK;
}
