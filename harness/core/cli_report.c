/* SPDX-License-Identifier: MIT */
/*
 * `siovh report ...`: work on results.json files after the runs.
 *
 *	report html RESULTS.json... -o DIR [--trace TRACE.json]
 *		[--coverage-href URL] [--title TEXT] [--link TEXT=HREF]
 *		DIR/conformance/index.html, a column per file
 *	report merge A.json B.json... -o DIR
 *		DIR/index.html (one matrix over the runs) and DIR/merged.json
 *		(schema "siovh-merged/1", below)
 *	report diff OLD.json NEW.json
 *		what changed, a line per clause; exit 1 on a regression
 *	report index DIR
 *		DIR/index.html, linking the reports found in DIR
 *	report trace -o TRACE.json --total TOTAL.info [--corpora C.info]
 *		[--summary SUMMARY.json] [--unreachable LIST] CLAUSES_DIR
 *		coverage traceability from lcov tracefiles (report_trace.h)
 *
 * diff: "regressed" is a clause that fails in NEW and passed or was skipped
 * in OLD; "fixed" failed in OLD and passes in NEW; "skip" changed between
 * skipped and not skipped otherwise; "appeared"/"disappeared" are in one
 * file only (never a regression by themselves). Exit 1 when anything
 * regressed, else 0.
 *
 * merged.json: { schema "siovh-merged/1", tool { name, version },
 * runs [ { label, file, target (as in results.json), started str?,
 * run obj?, summary obj?, kill_table_complete bool? (null: no table) } ],
 * clauses [ { id, title str?, level, source str?, facet str?,
 * status [ "pass"|"fail"|"skip"|null (not in that run), one per run ] } ]
 * in strverscmp() order of the IDs, summary { clauses, same, differ } }
 * (differ: clauses whose status is not the same in every run).
 *
 * Every input file is read with siovh_results_load(); a bad one is a usage
 * error (exit 2) naming the file and the field.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "report_trace.h"
#include "siovh/report.h"

static const char report_usage[] =
"Usage: siovh report html RESULTS.json... -o DIR [--trace TRACE.json]\n"
"                         [--coverage-href URL] [--title TEXT]\n"
"                         [--link TEXT=HREF]\n"
"       siovh report merge A.json B.json... -o DIR [--title TEXT]\n"
"                          [--link TEXT=HREF]\n"
"       siovh report diff OLD.json NEW.json\n"
"       siovh report index DIR\n"
"       siovh report trace -o TRACE.json --total TOTAL.info\n"
"                          [--corpora C.info] [--summary S.json]\n"
"                          [--unreachable LIST] CLAUSES_DIR\n"
"\n"
"html writes DIR/conformance/index.html (a column per results file);\n"
"merge writes DIR/index.html and DIR/merged.json; diff lists regressed,\n"
"fixed, skip-changed, appeared and disappeared clauses and exits 1 when a\n"
"clause regressed (fails in NEW, passed or was skipped in OLD); index\n"
"writes DIR/index.html; trace maps the reference's functions to the\n"
"clauses reaching them (CLAUSES_DIR holds one ID.info lcov file each) and\n"
"splits the functions no clause reaches into those LIST gives a reason for\n"
"(\"FILE FUNCTION REASON\" per line) and gaps.\n";

#define MAX_POS 64

struct report_args {
	const char *cmd;
	const char *out, *trace, *href, *title, *link, *total, *corpora, *summary;
	const char *unreachable;
	const char *pos[MAX_POS];
	size_t nr_pos;
};

enum { OPT_TRACE = SIOVH_CLI_LONG_ONLY, OPT_HREF, OPT_TITLE, OPT_LINK, OPT_TOTAL,
       OPT_CORPORA, OPT_SUMMARY, OPT_UNREACHABLE };

static int report_opt(int opt, const char *arg, void *ctx)
{
	struct report_args *a = ctx;

	switch (opt) {
	case 'o': a->out = arg; return siovh_cli_nonempty(arg, "output", "a path");
	case OPT_TRACE: a->trace = arg; return siovh_cli_nonempty(arg, "trace", "a file");
	case OPT_HREF: a->href = arg; return 0;
	case OPT_TITLE: a->title = arg; return 0;
	case OPT_LINK:
		a->link = arg;
		if (!strchr(arg, '=') || arg[0] == '=' || !strchr(arg, '=')[1])
			return siovh_cli_usage_error("--link '%s': expected TEXT=HREF", arg);
		return 0;
	case OPT_TOTAL: a->total = arg; return siovh_cli_nonempty(arg, "total", "a file");
	case OPT_CORPORA: a->corpora = arg; return siovh_cli_nonempty(arg, "corpora", "a file");
	case OPT_SUMMARY: a->summary = arg; return siovh_cli_nonempty(arg, "summary", "a file");
	case OPT_UNREACHABLE: a->unreachable = arg; return siovh_cli_nonempty(arg, "unreachable", "a file");
	}
	return siovh_cli_internal_error("option %d of 'report' is not handled",
					opt);
}

/*
 * Split argv into options (with their values: every option but --help takes
 * one) and positional arguments, then parse the options strictly with
 * siovh_cli_getopt. 0, -1 after --help, or SIOVH_EXIT_USAGE.
 */
static int parse_report_args(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "coverage-href", required_argument, NULL, OPT_HREF },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "link", required_argument, NULL, OPT_LINK },
		{ "total", required_argument, NULL, OPT_TOTAL },
		{ "corpora", required_argument, NULL, OPT_CORPORA },
		{ "summary", required_argument, NULL, OPT_SUMMARY },
		{ "unreachable", required_argument, NULL, OPT_UNREACHABLE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *ov[2 * MAX_POS + 2];
	int oc = 1, i;
	bool dashdash = false;

	ov[0] = argv[0];
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		bool opt = !dashdash && s[0] == '-' && s[1];

		if (opt && !strcmp(s, "--")) {
			dashdash = true;
			continue;
		}
		if (opt && (!strcmp(s, "--help") || !strcmp(s, "-h"))) {
			fputs(report_usage, stdout);
			return -1;
		}
		if (!opt) {
			if (a->nr_pos == MAX_POS || oc >= 2 * MAX_POS)
				return siovh_cli_usage_error("too many arguments for 'report %s' (at most %d)",
							     a->cmd, MAX_POS);
			a->pos[a->nr_pos++] = s;
			continue;
		}
		if (oc >= 2 * MAX_POS)
			return siovh_cli_usage_error("too many options for 'report %s'",
						     a->cmd);
		ov[oc++] = argv[i];
		/* "--opt VALUE" and "-o VALUE" take the next argument. */
		if (!strchr(s, '=') && (s[1] == '-' || !s[2]) && i + 1 < argc)
			ov[oc++] = argv[++i];
	}
	ov[oc] = NULL;
	optind = 0;
	return siovh_cli_getopt(oc, ov, opts, report_opt, a);
}

/* ---- loading ------------------------------------------------------------ */

struct loaded {
	json_t **docs;
	struct siovh_html_run *cols;
	char **labels;
	size_t n;
};

static void loaded_free(struct loaded *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		json_decref(l->docs[i]);
		free(l->labels[i]);
	}
	free(l->docs);
	free(l->cols);
	free(l->labels);
}

/* Column labels: the target spec, with "#k" when two runs share one. */
static int label_runs(struct loaded *l)
{
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		const char *spec = json_string_value(json_object_get(
				json_object_get(l->docs[i], "target"), "spec"));
		bool dup = false;

		for (k = 0; k < l->n; k++)
			dup |= k != i && !strcmp(spec, json_string_value(
				json_object_get(json_object_get(l->docs[k],
						"target"), "spec")));
		if (asprintf(&l->labels[i], dup ? "%s #%zu" : "%s", spec,
			     i + 1) < 0) {
			l->labels[i] = NULL;
			return -ENOMEM;
		}
		l->cols[i].label = l->labels[i];
	}
	return 0;
}

/* Every file, or exit status 2 naming the first bad one. */
static int load_all(const char *const *paths, size_t n, struct loaded *l)
{
	char err[512];
	size_t i;

	l->docs = calloc(n, sizeof(*l->docs));
	l->cols = calloc(n, sizeof(*l->cols));
	l->labels = calloc(n, sizeof(*l->labels));
	if (!l->docs || !l->cols || !l->labels)
		return siovh_cli_internal_error("out of memory");
	for (i = 0; i < n; i++) {
		if (siovh_results_load(paths[i], &l->docs[i], err, sizeof(err)))
			return siovh_cli_usage_error("%s", err);
		l->n = i + 1;
		l->cols[i].path = paths[i];
		l->cols[i].doc = l->docs[i];
	}
	if (label_runs(l))
		return siovh_cli_internal_error("out of memory");
	return 0;
}

static int need_pos(const struct report_args *a, size_t min, size_t max,
		    const char *what)
{
	if (a->nr_pos < min)
		return siovh_cli_usage_error("'report %s' needs %s", a->cmd,
					     what);
	if (a->nr_pos > max)
		return siovh_cli_usage_error("unexpected argument '%s' for 'report %s'",
					     a->pos[max], a->cmd);
	return 0;
}

static int need_out(const struct report_args *a)
{
	if (a->out)
		return 0;
	return siovh_cli_usage_error("'report %s' needs -o DIR", a->cmd);
}

/* ---- html --------------------------------------------------------------- */

static int cmd_html(const struct report_args *a)
{
	struct siovh_html_opts o = { .title = a->title, .coverage_href = a->href,
				     .link = a->link };
	struct loaded l = { 0 };
	char path[PATH_MAX], err[512];
	json_error_t jerr;
	json_t *trace = NULL;
	int ret;

	ret = need_pos(a, 1, MAX_POS, "at least one RESULTS.json");
	if (!ret)
		ret = need_out(a);
	if (!ret && a->trace) {
		trace = json_load_file(a->trace, 0, &jerr);
		if (!trace)
			ret = siovh_cli_usage_error("--trace %s: %s", a->trace,
						    jerr.text);
	}
	if (!ret)
		ret = load_all(a->pos, a->nr_pos, &l);
	if (!ret && siovh_report_dir_prepare(a->out, err, sizeof(err)))
		ret = siovh_cli_usage_error("bad -o: %s", err);
	o.trace = trace;
	snprintf(path, sizeof(path), "%s/conformance/index.html", a->out);
	if (!ret && siovh_report_html_write(path, l.cols, l.n, &o, err,
					    sizeof(err)))
		ret = siovh_cli_internal_error("%s", err);
	if (!ret)
		printf("wrote %s\n", path);
	json_decref(trace);
	loaded_free(&l);
	return ret;
}

/* ---- merge -------------------------------------------------------------- */

static int cmp_ids(const void *x, const void *y)
{
	return strverscmp(*(const char *const *)x, *(const char *const *)y);
}

static json_t *run_entry(const struct loaded *l, size_t i)
{
	const json_t *doc = l->docs[i];
	const json_t *kt = json_object_get(doc, "kill_table");

	return json_pack("{s:s, s:s, s:O, s:O?, s:O?, s:O?, s:O}",
			 "label", l->labels[i], "file", l->cols[i].path,
			 "target", json_object_get(doc, "target"),
			 "started", json_object_get(doc, "started"),
			 "run", json_object_get(doc, "run"),
			 "summary", json_object_get(doc, "summary"),
			 "kill_table_complete", json_is_object(kt) ?
			 json_object_get(kt, "complete") : json_null());
}

/* id -> [status per run], and id -> clause object of the first run. */
static int status_map(const struct loaded *l, json_t *status, json_t *first)
{
	size_t r, i, k;
	json_t *c;

	for (r = 0; r < l->n; r++) {
		const json_t *res = json_object_get(l->docs[r], "results");

		json_array_foreach(json_object_get(l->docs[r], "clauses"), i,
				   c) {
			const char *id = json_string_value(json_object_get(c, "id"));
			json_t *v = json_object_get(status, id);

			if (!v) {
				v = json_array();
				for (k = 0; v && k < l->n; k++)
					json_array_append_new(v, json_null());
				if (json_object_set_new(status, id, v) ||
				    json_object_set(first, id, c))
					return -ENOMEM;
			}
			json_array_set(v, r, json_object_get(
				json_array_get(res, i), "status"));
		}
	}
	return 0;
}

static bool all_same(const json_t *v)
{
	size_t i;

	for (i = 1; i < json_array_size(v); i++)
		if (!json_equal(json_array_get(v, i), json_array_get(v, 0)))
			return false;
	return true;
}

static json_t *merged_clauses(json_t *status, json_t *first, size_t *differ)
{
	size_t n = json_object_size(status), i = 0;
	const char **ids = calloc(n + 1, sizeof(*ids));
	json_t *out = json_array(), *v;
	const char *id;

	if (!ids || !out)
		goto err;
	json_object_foreach(status, id, v)
		ids[i++] = id;
	qsort(ids, n, sizeof(*ids), cmp_ids);
	for (i = 0; i < n; i++) {
		const json_t *c = json_object_get(first, ids[i]);

		v = json_object_get(status, ids[i]);
		*differ += !all_same(v);
		if (json_array_append_new(out, json_pack(
				"{s:s, s:O?, s:O, s:O?, s:O?, s:O}",
				"id", ids[i], "title", json_object_get(c, "title"),
				"level", json_object_get(c, "level"),
				"source", json_object_get(c, "source"),
				"facet", json_object_get(c, "facet"),
				"status", v)))
			goto err;
	}
	free(ids);
	return out;
err:
	free(ids);
	json_decref(out);
	return NULL;
}

static json_t *merged_doc(const struct loaded *l)
{
	json_t *status = json_object(), *first = json_object();
	json_t *runs = json_array(), *clauses = NULL;
	size_t i, differ = 0;

	for (i = 0; runs && i < l->n; i++)
		if (json_array_append_new(runs, run_entry(l, i)))
			goto err;
	if (!status || !first || !runs || status_map(l, status, first))
		goto err;
	clauses = merged_clauses(status, first, &differ);
	if (!clauses)
		goto err;
	json_decref(status);
	json_decref(first);
	return json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:I, s:I, s:I}, s:o}",
			 "schema", "siovh-merged/1", "tool", "name", "siovh",
			 "version", SIOVH_VERSION, "runs", runs, "summary",
			 "clauses", (json_int_t)json_array_size(clauses),
			 "same", (json_int_t)(json_array_size(clauses) - differ),
			 "differ", (json_int_t)differ, "clauses", clauses);
err:
	json_decref(status);
	json_decref(first);
	json_decref(runs);
	return NULL;
}

static int dump_json(FILE *f, const void *arg)
{
	if (json_dumpf(arg, f, JSON_INDENT(2)) || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

static int merge_write(const struct report_args *a, const struct loaded *l)
{
	struct siovh_html_opts o = { .title = a->title ? a->title :
				     "siovh conformance: merged runs",
				     .link = a->link };
	char path[PATH_MAX], err[512];
	json_t *doc = merged_doc(l);
	int ret;

	if (!doc)
		return siovh_cli_internal_error("out of memory");
	snprintf(path, sizeof(path), "%s/merged.json", a->out);
	ret = siovh_write_atomic(path, dump_json, doc, err, sizeof(err));
	if (!ret) {
		printf("wrote %s: %lld clauses, %lld differ between runs\n",
		       path, (long long)json_integer_value(json_object_get(
			       json_object_get(doc, "summary"), "clauses")),
		       (long long)json_integer_value(json_object_get(
			       json_object_get(doc, "summary"), "differ")));
		snprintf(path, sizeof(path), "%s/index.html", a->out);
		ret = siovh_report_html_write(path, l->cols, l->n, &o, err,
					      sizeof(err));
	}
	json_decref(doc);
	if (ret)
		return siovh_cli_internal_error("%s", err);
	printf("wrote %s\n", path);
	return 0;
}

static int cmd_merge(const struct report_args *a)
{
	struct loaded l = { 0 };
	char err[512];
	int ret;

	ret = need_pos(a, 1, MAX_POS, "at least one RESULTS.json");
	if (!ret)
		ret = need_out(a);
	if (!ret)
		ret = load_all(a->pos, a->nr_pos, &l);
	if (!ret && siovh_report_dir_prepare(a->out, err, sizeof(err)))
		ret = siovh_cli_usage_error("bad -o: %s", err);
	if (!ret)
		ret = merge_write(a, &l);
	loaded_free(&l);
	return ret;
}

/* ---- diff --------------------------------------------------------------- */

enum change { SAME, REGRESSED, FIXED, SKIP_CHANGED, APPEARED, DISAPPEARED,
	      NR_CHANGES };

static const char *const change_names[] = {
	[REGRESSED] = "regressed", [FIXED] = "fixed",
	[SKIP_CHANGED] = "skip", [APPEARED] = "appeared",
	[DISAPPEARED] = "disappeared",
};

static enum change classify(const char *old, const char *new)
{
	if (!old)
		return APPEARED;
	if (!new)
		return DISAPPEARED;
	if (!strcmp(old, new))
		return SAME;
	if (!strcmp(new, "fail"))
		return REGRESSED;
	if (!strcmp(old, "fail") && !strcmp(new, "pass"))
		return FIXED;
	return SKIP_CHANGED;
}

/* The first message, the reason or the skip reason of a result. */
static const char *why(const json_t *res)
{
	const json_t *msgs = json_object_get(res, "messages");
	const char *s = json_string_value(json_array_get(msgs, 0));

	if (!s)
		s = json_string_value(json_object_get(res, "reason"));
	if (!s)
		s = json_string_value(json_object_get(res, "skip_reason"));
	return s;
}

static void diff_line(enum change ch, const char *id, const json_t *o,
		      const json_t *n)
{
	const char *os = json_string_value(json_object_get(o, "status"));
	const char *ns = json_string_value(json_object_get(n, "status"));
	const char *w = n ? why(n) : NULL;

	printf("%-11s %s  %s -> %s%s%s\n", change_names[ch], id,
	       os ? os : "(absent)", ns ? ns : "(absent)", w ? ": " : "",
	       w ? w : "");
}

/* id -> result object. */
static json_t *results_by_id(const json_t *doc)
{
	json_t *map = json_object(), *r;
	size_t i;

	json_array_foreach(json_object_get(doc, "results"), i, r)
		if (!map || json_object_set(map, json_string_value(
				json_object_get(r, "id")), r))
			return json_decref(map), NULL;
	return map;
}

static void diff_count(const struct loaded *l, json_t *om, json_t *nm,
		       size_t *count)
{
	static const size_t order[] = { 1, 0 };
	size_t j, k, i;
	json_t *r;

	/* NEW's clauses in its order, then those only OLD had. */
	for (j = 0; j < 2; j++) {
		k = order[j];
		json_array_foreach(json_object_get(l->docs[k], "results"), i, r) {
			const char *id = json_string_value(json_object_get(r, "id"));
			const json_t *o = json_object_get(om, id);
			const json_t *n = json_object_get(nm, id);
			enum change ch;

			if (k == 0 && n)
				continue;
			ch = classify(json_string_value(json_object_get(o, "status")),
				      json_string_value(json_object_get(n, "status")));
			count[ch]++;
			if (ch != SAME)
				diff_line(ch, id, o, n);
		}
	}
}

static int cmd_diff(const struct report_args *a)
{
	size_t count[NR_CHANGES] = { 0 };
	struct loaded l = { 0 };
	json_t *om = NULL, *nm = NULL;
	int ret;

	ret = need_pos(a, 2, 2, "OLD.json and NEW.json");
	if (!ret && a->out)
		ret = siovh_cli_usage_error("'report diff' takes no -o");
	if (!ret)
		ret = load_all(a->pos, 2, &l);
	if (!ret) {
		om = results_by_id(l.docs[0]);
		nm = results_by_id(l.docs[1]);
		if (!om || !nm)
			ret = siovh_cli_internal_error("out of memory");
	}
	if (!ret) {
		diff_count(&l, om, nm, count);
		printf("%zu regressed, %zu fixed, %zu skip changes, %zu appeared, %zu disappeared, %zu unchanged\n",
		       count[REGRESSED], count[FIXED], count[SKIP_CHANGED],
		       count[APPEARED], count[DISAPPEARED], count[SAME]);
		ret = count[REGRESSED] ? SIOVH_EXIT_FAIL : SIOVH_EXIT_OK;
	}
	json_decref(om);
	json_decref(nm);
	loaded_free(&l);
	return ret;
}

/* ---- index, trace, dispatch --------------------------------------------- */

static int cmd_index(const struct report_args *a)
{
	char err[512];
	int ret;

	ret = need_pos(a, 1, 1, "a report directory");
	if (!ret && a->out)
		ret = siovh_cli_usage_error("'report index' takes no -o");
	if (ret)
		return ret;
	if (siovh_report_dir_prepare(a->pos[0], err, sizeof(err)))
		return siovh_cli_usage_error("%s", err);
	if (siovh_report_index_write(a->pos[0], err, sizeof(err)))
		return siovh_cli_internal_error("%s", err);
	printf("wrote %s/index.html\n", a->pos[0]);
	return 0;
}

static int cmd_trace(const struct report_args *a)
{
	int ret = need_pos(a, 1, 1, "a directory of per-clause .info files");

	if (!ret)
		ret = need_out(a);
	if (!ret && !a->total)
		ret = siovh_cli_usage_error("'report trace' needs --total TOTAL.info");
	if (ret)
		return ret;
	return siovh_trace_main(&(struct siovh_trace_args){
		.dir = a->pos[0], .total = a->total, .corpora = a->corpora,
		.out = a->out, .summary = a->summary,
		.unreachable = a->unreachable });
}

int siovh_cli_report(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct report_args *a);
	} cmds[] = {
		{ "html", cmd_html }, { "merge", cmd_merge },
		{ "diff", cmd_diff }, { "index", cmd_index },
		{ "trace", cmd_trace },
	};
	struct report_args a = { 0 };
	size_t i;
	int ret;

	if (argc < 2)
		return siovh_cli_usage_error("'report' needs html, merge, diff, index or trace (see 'siovh report --help')");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(report_usage, stdout);
		return SIOVH_EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		return siovh_cli_usage_error("unknown report '%s' (html, merge, diff, index or trace)",
					     argv[1]);
	a.cmd = argv[1];
	ret = parse_report_args(argc - 1, argv + 1, &a);
	if (ret)
		return ret < 0 ? SIOVH_EXIT_OK : ret;
	return cmds[i].fn(&a);
}
