/* SPDX-License-Identifier: MIT */
/*
 * `siovh report trace`: read lcov tracefiles (geninfo's line format: SF,
 * FN, FNDA, DA, BRDA, end_of_record) and build the function -> clauses map
 * documented in report_trace.h, with jansson.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "report_trace.h"
#include "siovh/report.h"

struct trace {
	json_t *functions;	/* [ { file, name, line, clauses } ] */
	json_t *by_key;		/* "file\tname" -> index */
	json_t *clauses;	/* id -> [index] */
	json_t *branches;	/* "file\tline" -> [branches, untaken] */
	json_t *reasons;	/* "file\tname" -> { reason, used } (--unreachable) */
	json_int_t lines, lines_hit, branches_total, branches_taken;
};

/* The path from "harness/ref/" on, or NULL when out of scope. */
static const char *in_scope(const char *sf)
{
	const char *s = strstr(sf, SIOVH_TRACE_SCOPE);
	size_t n;

	if (!s || (s != sf && s[-1] != '/'))
		return NULL;
	n = strlen(s);
	if (n > 7 && !strcmp(s + n - 7, "_test.c"))
		return NULL;
	return s;
}

static void key_of(char *buf, size_t len, const char *file, const char *name)
{
	snprintf(buf, len, "%s\t%s", file, name);
}

/* total: FN lines declare the functions. */
static int add_function(struct trace *t, const char *file, const char *fn)
{
	char key[PATH_MAX + 256], name[256];
	long line;

	if (sscanf(fn, "%ld,%255s", &line, name) != 2)
		return 0;
	key_of(key, sizeof(key), file, name);
	if (json_object_get(t->by_key, key))
		return 0;
	if (json_object_set_new(t->by_key, key, json_integer(
			(json_int_t)json_array_size(t->functions))) ||
	    json_array_append_new(t->functions, json_pack(
			"{s:s, s:s, s:I, s:[]}", "file", file, "name", name,
			"line", (json_int_t)line, "clauses")))
		return -ENOMEM;
	return 0;
}

static int add_branch(struct trace *t, const char *file, const char *brda)
{
	char key[PATH_MAX + 32], taken[32];
	long line, block, branch;
	json_t *v;

	if (sscanf(brda, "%ld,%ld,%ld,%31s", &line, &block, &branch,
		   taken) != 4)
		return 0;
	t->branches_total++;
	snprintf(key, sizeof(key), "%s\t%ld", file, line);
	v = json_object_get(t->branches, key);
	if (!v) {
		v = json_pack("{s:s, s:I, s:I, s:I}", "file", file, "line",
			      (json_int_t)line, "branches", (json_int_t)0,
			      "untaken", (json_int_t)0);
		if (json_object_set_new(t->branches, key, v))
			return -ENOMEM;
	}
	json_object_set_new(v, "branches", json_integer(1 + json_integer_value(
			json_object_get(v, "branches"))));
	if (strcmp(taken, "-") && strcmp(taken, "0")) {
		t->branches_taken++;
		return 0;
	}
	json_object_set_new(v, "untaken", json_integer(1 + json_integer_value(
			json_object_get(v, "untaken"))));
	return 0;
}

/* A clause's FNDA line: it reached the function when the count is > 0. */
static int add_hit(struct trace *t, const char *id, const char *file,
		   const char *fnda)
{
	char key[PATH_MAX + 256], name[256];
	unsigned long long count;
	json_t *idx, *fn, *list;

	if (sscanf(fnda, "%llu,%255s", &count, name) != 2 || !count)
		return 0;
	key_of(key, sizeof(key), file, name);
	idx = json_object_get(t->by_key, key);
	if (!idx)
		return 0;	/* not in the total: not ours to map */
	fn = json_array_get(t->functions, (size_t)json_integer_value(idx));
	list = json_object_get(t->clauses, id);
	if (!list) {
		list = json_array();
		if (json_object_set_new(t->clauses, id, list))
			return -ENOMEM;
	}
	if (json_array_append(list, idx) ||
	    json_array_append_new(json_object_get(fn, "clauses"),
				  json_string(id)))
		return -ENOMEM;
	return 0;
}

/* Every record of path; id NULL for the total. */
static int read_info(struct trace *t, const char *path, const char *id)
{
	char *line = NULL, file[PATH_MAX] = "";
	size_t cap = 0;
	ssize_t len;
	int ret = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (!ret && (len = getline(&line, &cap, f)) >= 0) {
		const char *scoped;

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!strncmp(line, "SF:", 3)) {
			scoped = in_scope(line + 3);
			snprintf(file, sizeof(file), "%s", scoped ? scoped : "");
		} else if (!*file) {
			continue;
		} else if (id) {
			if (!strncmp(line, "FNDA:", 5))
				ret = add_hit(t, id, file, line + 5);
		} else if (!strncmp(line, "FN:", 3)) {
			ret = add_function(t, file, line + 3);
		} else if (!strncmp(line, "BRDA:", 5)) {
			ret = add_branch(t, file, line + 5);
		} else if (!strncmp(line, "DA:", 3)) {
			long long nr, count;

			t->lines++;
			t->lines_hit += sscanf(line + 3, "%lld,%lld", &nr,
					       &count) == 2 && count > 0;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

/*
 * The --unreachable list (report_trace.h): "FILE FUNCTION REASON..." per
 * line, FILE relative to harness/ref/; blank lines and '#' comments skipped.
 * -EINVAL with err naming the line when one is malformed.
 */
static int read_unreachable(struct trace *t, const char *path, char *err,
			    size_t errlen)
{
	char *line = NULL, key[sizeof(SIOVH_TRACE_SCOPE) + PATH_MAX + 256];
	size_t cap = 0;
	ssize_t len;
	long nr = 0;
	int ret = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return snprintf(err, errlen, "%s: %s", path, strerror(errno)),
		       -errno;
	while (!ret && (len = getline(&line, &cap, f)) >= 0) {
		char file[PATH_MAX], name[256];
		int off = 0;
		const char *reason;

		nr++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == ' ' ||
			       line[len - 1] == '\t'))
			line[--len] = '\0';
		reason = line + strspn(line, " \t");
		if (!*reason || *reason == '#')
			continue;
		if (sscanf(line, "%4095s %255s %n", file, name, &off) != 2 ||
		    !off || !line[off]) {
			snprintf(err, errlen, "%s:%ld: expected FILE FUNCTION REASON",
				 path, nr);
			ret = -EINVAL;
			break;
		}
		snprintf(key, sizeof(key), "%s%s\t%s", SIOVH_TRACE_SCOPE, file,
			 name);
		if (json_object_get(t->reasons, key)) {
			snprintf(err, errlen, "%s:%ld: %.200s %.100s listed twice",
				 path, nr, file, name);
			ret = -EINVAL;
			break;
		}
		if (json_object_set_new(t->reasons, key, json_pack(
				"{s:s, s:s, s:s, s:I}", "file", file, "name",
				name, "reason", line + off, "line",
				(json_int_t)nr)))
			ret = -ENOMEM;
	}
	free(line);
	fclose(f);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	return ret;
}

/* Every DIR/ID.info, in ID order. */
static int read_clauses(struct trace *t, const char *dir, size_t *nr)
{
	struct dirent **ents;
	char path[PATH_MAX], id[256];
	int n, i, ret = 0;

	n = scandir(dir, &ents, NULL, versionsort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);

		if (!ret && len > 5 && len < sizeof(id) &&
		    !strcmp(ents[i]->d_name + len - 5, ".info")) {
			snprintf(id, sizeof(id), "%.*s", (int)(len - 5),
				 ents[i]->d_name);
			snprintf(path, sizeof(path), "%s/%s", dir,
				 ents[i]->d_name);
			ret = read_info(t, path, id);
			(*nr)++;
		}
		free(ents[i]);
	}
	free(ents);
	return ret;
}

/*
 * Unreached functions, split by the --unreachable list: out (every one),
 * listed ({ function, reason } for those with a reason, which functions[i]
 * then carries as "unreachable") and gaps (those without). stale: entries
 * of the list that name no function, or one that a clause reaches.
 */
static int unreached_fns(const struct trace *t, json_int_t *reached,
			 json_t *out, json_t *listed, json_t *gaps,
			 json_t *stale)
{
	char key[PATH_MAX + 512];
	const char *k;
	json_t *fn, *r;
	size_t i;

	json_array_foreach(t->functions, i, fn) {
		key_of(key, sizeof(key), json_string_value(json_object_get(fn,
			"file")), json_string_value(json_object_get(fn, "name")));
		r = json_object_get(t->reasons, key);
		if (r && json_object_set_new(r, "seen", json_true()))
			return -ENOMEM;
		if (json_array_size(json_object_get(fn, "clauses"))) {
			(*reached)++;
			if (r && json_array_append_new(stale, json_sprintf(
					"%s %s: listed as unreachable, but %zu clause%s reach%s it",
					json_string_value(json_object_get(r, "file")),
					json_string_value(json_object_get(r, "name")),
					json_array_size(json_object_get(fn, "clauses")),
					json_array_size(json_object_get(fn, "clauses")) == 1 ? "" : "s",
					json_array_size(json_object_get(fn, "clauses")) == 1 ? "es" : "")))
				return -ENOMEM;
			continue;
		}
		if (json_array_append_new(out, json_integer((json_int_t)i)))
			return -ENOMEM;
		if (!r) {
			if (json_array_append_new(gaps, json_integer((json_int_t)i)))
				return -ENOMEM;
			continue;
		}
		if (json_object_set(fn, "unreachable", json_object_get(r,
								"reason")) ||
		    json_array_append_new(listed, json_pack("{s:I, s:O}",
				"function", (json_int_t)i, "reason",
				json_object_get(r, "reason"))))
			return -ENOMEM;
	}
	json_object_foreach(t->reasons, k, r)
		if (!json_object_get(r, "seen") &&
		    json_array_append_new(stale, json_sprintf(
				"%s %s: listed as unreachable, but no such function in %s",
				json_string_value(json_object_get(r, "file")),
				json_string_value(json_object_get(r, "name")),
				SIOVH_TRACE_SCOPE)))
			return -ENOMEM;
	return 0;
}

static int cmp_branch(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "file")),
		       json_string_value(json_object_get(y, "file")));

	if (c)
		return c;
	return (int)(json_integer_value(json_object_get(x, "line")) -
		     json_integer_value(json_object_get(y, "line")));
}

static json_t *branch_list(const struct trace *t)
{
	size_t n = json_object_size(t->branches), i = 0;
	json_t **v = calloc(n + 1, sizeof(*v)), *out = json_array(), *e;
	const char *key;

	if (!v || !out)
		goto err;
	json_object_foreach(t->branches, key, e)
		if (json_integer_value(json_object_get(e, "untaken")))
			v[i++] = e;
	n = i;
	qsort(v, n, sizeof(*v), cmp_branch);
	for (i = 0; i < n; i++)
		if (json_array_append(out, v[i]))
			goto err;
	free(v);
	return out;
err:
	free(v);
	json_decref(out);
	return NULL;
}

/*
 * The functions every traced clause reaches (target open and close), out
 * of each clause's list, so that the list says what is the clause's own.
 */
static json_t *split_common(struct trace *t, size_t nr_clauses)
{
	json_t *common = json_array(), *fn, *list, *idx;
	const char *id;
	size_t i, k;

	json_array_foreach(t->functions, i, fn)
		if (nr_clauses && json_array_size(json_object_get(fn,
				"clauses")) == nr_clauses &&
		    json_array_append_new(common, json_integer((json_int_t)i)))
			return json_decref(common), NULL;
	json_object_foreach(t->clauses, id, list) {
		for (k = json_array_size(list); k-- > 0;) {
			idx = json_array_get(list, k);
			fn = json_array_get(t->functions,
					    (size_t)json_integer_value(idx));
			if (json_array_size(json_object_get(fn, "clauses")) ==
			    nr_clauses)
				json_array_remove(list, k);
		}
	}
	return common;
}

static json_t *trace_doc(struct trace *t, size_t nr_clauses)
{
	json_int_t reached = 0;
	json_t *un = json_array(), *listed = json_array(), *gaps = json_array();
	json_t *stale = json_array(), *br = branch_list(t);
	json_t *common = split_common(t, nr_clauses);

	if (!un || !listed || !gaps || !stale || !br || !common ||
	    unreached_fns(t, &reached, un, listed, gaps, stale)) {
		json_decref(un);
		json_decref(listed);
		json_decref(gaps);
		json_decref(stale);
		json_decref(br);
		json_decref(common);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I}, s:O, s:O, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "schema", "siovh-trace/1", "scope", SIOVH_TRACE_SCOPE,
			 "figures",
			 "functions", (json_int_t)json_array_size(t->functions),
			 "functions_reached", reached,
			 "lines", t->lines, "lines_hit", t->lines_hit,
			 "branches", t->branches_total,
			 "branches_taken", t->branches_taken,
			 "clauses_traced", (json_int_t)nr_clauses,
			 "functions_unreachable",
			 (json_int_t)json_array_size(listed),
			 "functions_gaps", (json_int_t)json_array_size(gaps),
			 "functions", t->functions, "clauses", t->clauses,
			 "unreached_functions", un, "unreached_branches", br,
			 "common_functions", common, "unreachable", listed,
			 "gaps", gaps, "unreachable_stale", stale);
}

/* ---- summary.json ------------------------------------------------------- */

struct figures {
	json_int_t lines, lines_hit, fns, fns_hit, br, br_taken;
};

static void count_line(struct figures *g, const char *line)
{
	const char *comma = strrchr(line, ',');
	bool hit = comma && strcmp(comma, ",0") && strcmp(comma, ",-");
	long long nr, count;

	if (!strncmp(line, "DA:", 3)) {
		/* DA:line,count[,checksum] */
		g->lines++;
		g->lines_hit += sscanf(line + 3, "%lld,%lld", &nr, &count) == 2 &&
				count > 0;
	} else if (!strncmp(line, "FNDA:", 5)) {
		g->fns++;
		g->fns_hit += strncmp(line + 5, "0,", 2) != 0;
	} else if (!strncmp(line, "BRDA:", 5)) {
		g->br++;
		g->br_taken += hit;
	}
}

/* Line, function and branch figures of path's files in scope. */
static int info_figures(const char *path, struct figures *g)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool scoped = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	memset(g, 0, sizeof(*g));
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!strncmp(line, "SF:", 3))
			scoped = in_scope(line + 3) != NULL;
		else if (scoped)
			count_line(g, line);
	}
	free(line);
	fclose(f);
	return 0;
}

static double pct(json_int_t hit, json_int_t total)
{
	return total ? 100.0 * (double)hit / (double)total : 0.0;
}

static json_t *figures_json(const struct figures *g)
{
	return json_pack("{s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "lines", pct(g->lines_hit, g->lines),
			 "functions", pct(g->fns_hit, g->fns),
			 "branches", pct(g->br_taken, g->br),
			 "lines_hit", g->lines_hit, "lines_total", g->lines,
			 "functions_hit", g->fns_hit, "functions_total", g->fns,
			 "branches_taken", g->br_taken, "branches_total", g->br);
}

static json_t *host_json(void)
{
	char host[256] = "", when[32] = "";
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	if (gethostname(host, sizeof(host) - 1))
		host[0] = '\0';
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:s, s:s, s:s, s:s?}", "date", when, "host", host,
			 "kernel", u.release,
			 "git_revision", getenv("SIOVH_GIT_REVISION"));
}

static int dump(FILE *f, const void *arg);

/* ["FILE:LINE NAME"] of the gaps: unreached, with no reason. */
static json_t *gap_names(const json_t *trace)
{
	const json_t *fns = json_object_get(trace, "functions");
	json_t *out = json_array(), *e, *fn;
	size_t i;

	json_array_foreach(json_object_get(trace, "gaps"), i, e) {
		fn = json_array_get(fns, (size_t)json_integer_value(e));
		if (out && json_array_append_new(out, json_sprintf("%s:%lld %s",
				json_string_value(json_object_get(fn, "file")),
				(long long)json_integer_value(json_object_get(fn,
								"line")),
				json_string_value(json_object_get(fn, "name")))))
			return json_decref(out), NULL;
	}
	return out;
}

/* Whether the counted build kept the reference's fault hooks: the
 * coverage build compiles them out (README.md, "Coverage"). */
#ifdef SIOVH_NO_FAULT_HOOKS
#define FAULT_HOOKS_COUNTED	0
#else
#define FAULT_HOOKS_COUNTED	1
#endif

/* summary.json (report_trace.h). */
static int summary_write(const struct siovh_trace_args *a, const json_t *trace)
{
	struct figures specs, corpora;
	const json_t *fig = json_object_get(trace, "figures");
	char err[512];
	json_t *doc;
	int ret;

	ret = info_figures(a->total, &specs);
	if (!ret && a->corpora)
		ret = info_figures(a->corpora, &corpora);
	if (ret)
		return siovh_cli_usage_error("%s: %s", a->corpora && !ret ?
					     a->corpora : a->total,
					     strerror(-ret));
	if (!a->corpora)
		corpora = specs;
	doc = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s?, s:b, s:{s:O, s:O, s:O, s:I, s:O, s:O, s:o, s:I, s:I}}",
			"schema", "siovh-coverage/1", "scope", SIOVH_TRACE_SCOPE,
			"run", host_json(), "specs", figures_json(&specs),
			"specs_corpora", figures_json(&corpora),
			"note", a->corpora ? NULL :
			"no fuzz corpora (fuzz/*/seeds) yet: specs + corpora is specs only",
			"fault_hooks", FAULT_HOOKS_COUNTED,
			"traceability",
			"functions", json_object_get(fig, "functions"),
			"functions_reached", json_object_get(fig, "functions_reached"),
			"clauses_traced", json_object_get(fig, "clauses_traced"),
			"unreached_functions", (json_int_t)json_array_size(
				json_object_get(trace, "unreached_functions")),
			"unreachable_listed", json_object_get(fig,
				"functions_unreachable"),
			"unreached_gaps", json_object_get(fig, "functions_gaps"),
			"gap_functions", gap_names(trace),
			"unreachable_stale", (json_int_t)json_array_size(
				json_object_get(trace, "unreachable_stale")),
			"unreached_branch_lines", (json_int_t)json_array_size(
				json_object_get(trace, "unreached_branches")));
	if (!doc)
		return siovh_cli_internal_error("out of memory");
	ret = siovh_write_atomic(a->summary, dump, doc, err, sizeof(err));
	if (!ret)
		printf("%s: %s lines %.1f%%, functions %.1f%%, branches %.1f%% (specs only); lines %.1f%% with corpora\n",
		       a->summary, SIOVH_TRACE_SCOPE,
		       pct(specs.lines_hit, specs.lines),
		       pct(specs.fns_hit, specs.fns),
		       pct(specs.br_taken, specs.br),
		       pct(corpora.lines_hit, corpora.lines));
	json_decref(doc);
	return ret ? siovh_cli_internal_error("%s", err) : 0;
}

static int dump(FILE *f, const void *arg)
{
	if (json_dumpf(arg, f, JSON_INDENT(1)) || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

static int trace_write(struct trace *t, size_t nr,
		       const struct siovh_trace_args *a)
{
	const char *out = a->out;
	json_t *doc = trace_doc(t, nr);
	const json_t *fig;
	char err[512];
	int ret;

	if (!doc)
		return siovh_cli_internal_error("out of memory");
	ret = siovh_write_atomic(out, dump, doc, err, sizeof(err));
	fig = json_object_get(doc, "figures");
	if (!ret)
		printf("wrote %s: %lld of %lld functions of %s reached by %zu clauses\n",
		       out, (long long)json_integer_value(json_object_get(fig,
							"functions_reached")),
		       (long long)json_integer_value(json_object_get(fig,
							"functions")),
		       SIOVH_TRACE_SCOPE, nr);
	if (!ret) {
		const json_t *stale = json_object_get(doc, "unreachable_stale");
		const json_t *fns = json_object_get(doc, "functions"), *e;
		size_t i;

		printf("  unreached: %lld listed unreachable with a reason%s, %lld with no reason (gaps)\n",
		       (long long)json_integer_value(json_object_get(fig,
						"functions_unreachable")),
		       a->unreachable ? "" : " (no --unreachable list)",
		       (long long)json_integer_value(json_object_get(fig,
						"functions_gaps")));
		json_array_foreach(json_object_get(doc, "gaps"), i, e) {
			const json_t *fn = json_array_get(fns,
					(size_t)json_integer_value(e));

			printf("  gap: %s:%lld %s\n",
			       json_string_value(json_object_get(fn, "file")),
			       (long long)json_integer_value(json_object_get(fn,
								"line")),
			       json_string_value(json_object_get(fn, "name")));
		}
		json_array_foreach(stale, i, e)
			printf("  stale: %s\n", json_string_value(e));
	}
	if (ret)
		ret = siovh_cli_internal_error("%s", err);
	else if (a->summary)
		ret = summary_write(a, doc);
	json_decref(doc);
	return ret;
}

int siovh_trace_main(const struct siovh_trace_args *a)
{
	struct trace t = {
		.functions = json_array(), .by_key = json_object(),
		.clauses = json_object(), .branches = json_object(),
		.reasons = json_object(),
	};
	size_t nr = 0;
	int ret;

	if (!t.functions || !t.by_key || !t.clauses || !t.branches ||
	    !t.reasons) {
		ret = siovh_cli_internal_error("out of memory");
		goto out;
	}
	ret = read_info(&t, a->total, NULL);
	if (ret) {
		ret = siovh_cli_usage_error("--total %s: %s", a->total,
					    strerror(-ret));
		goto out;
	}
	if (a->unreachable) {
		char err[PATH_MAX + 128];

		ret = read_unreachable(&t, a->unreachable, err, sizeof(err));
		if (ret) {
			ret = ret == -ENOMEM ?
				siovh_cli_internal_error("%s", err) :
				siovh_cli_usage_error("--unreachable %s", err);
			goto out;
		}
	}
	ret = read_clauses(&t, a->dir, &nr);
	if (ret) {
		ret = siovh_cli_usage_error("%s: %s", a->dir, strerror(-ret));
		goto out;
	}
	ret = trace_write(&t, nr, a);
out:
	json_decref(t.functions);
	json_decref(t.by_key);
	json_decref(t.clauses);
	json_decref(t.branches);
	json_decref(t.reasons);
	return ret;
}
