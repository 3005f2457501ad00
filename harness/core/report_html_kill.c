/* SPDX-License-Identifier: MIT */
/*
 * Sections of the conformance page that read more than one clause at a
 * time: the fault-kill table of each run (fault -> killing clauses, clause
 * -> faults killed, gaps highlighted), each run's declared features and
 * its skips grouped by reason, and the coverage traceability (trace.json,
 * schema "siovh-trace/1", written by `siovh report trace`).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"

/* ---- fault-kill table --------------------------------------------------- */

static int clause_links(xmlTextWriterPtr w, const json_t *ids)
{
	size_t i;
	json_t *e;

	json_array_foreach(ids, i, e) {
		if (i)
			HTRY(html_text(w, " "));
		HTRY(html_clause_link(w, json_string_value(e)));
	}
	return 0;
}

static int fault_rows(xmlTextWriterPtr w, const json_t *faults)
{
	static const char *const cols[] = { "fault", "facet", "what it breaks",
					    "killed by" };
	size_t i, k;
	json_t *f;

	HTRY(html_start(w, "table", NULL));
	HTRY(html_start(w, "tr", NULL));
	for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		HTRY(html_elem(w, "th", NULL, cols[k]));
	HTRY(html_end(w));
	json_array_foreach(faults, i, f) {
		const json_t *by = json_object_get(f, "killed_by");

		HTRY(html_start(w, "tr", json_array_size(by) ? NULL : "gap"));
		HTRY(html_elem(w, "td", NULL, jstr(f, "name", "")));
		HTRY(html_elem(w, "td", NULL, jstr(f, "facet", "")));
		HTRY(html_elem(w, "td", NULL, jstr(f, "summary", "")));
		HTRY(html_start(w, "td", NULL));
		if (!json_array_size(by))
			HTRY(html_text(w, "GAP: no clause kills this fault"));
		HTRY(clause_links(w, by));
		HTRY(html_end(w));
		HTRY(html_end(w));
	}
	return html_end(w);
}

/* clause id -> [fault names it kills], over every fault of the run. */
static json_t *kills_by_clause(const json_t *faults)
{
	json_t *map = json_object(), *f, *c, *list;
	size_t i, k;

	json_array_foreach(faults, i, f) {
		json_array_foreach(json_object_get(f, "killed_by"), k, c) {
			const char *id = json_string_value(c);

			list = json_object_get(map, id);
			if (!list) {
				list = json_array();
				if (json_object_set_new(map, id, list))
					goto err;
			}
			if (json_array_append_new(list, json_string(
					jstr(f, "name", ""))))
				goto err;
		}
	}
	return map;
err:
	json_decref(map);
	return NULL;
}

static int clause_kill_row(xmlTextWriterPtr w, const char *id,
			   const json_t *killed)
{
	size_t i;
	json_t *e;

	HTRY(html_start(w, "tr", killed ? NULL : "gap"));
	HTRY(html_start(w, "td", NULL));
	HTRY(html_clause_link(w, id));
	HTRY(html_end(w));
	HTRY(html_start(w, "td", "num"));
	HTRY(html_textf(w, "%zu", json_array_size(killed)));
	HTRY(html_end(w));
	HTRY(html_start(w, "td", NULL));
	if (!killed)
		HTRY(html_text(w, "GAP: passes on the plain target, kills no fault"));
	json_array_foreach(killed, i, e)
		HTRY(html_textf(w, "%s%s", i ? ", " : "", json_string_value(e)));
	HTRY(html_end(w));
	return html_end(w);
}

/* Clauses that passed on the plain target: killers and non-killers. */
static int clause_rows(struct html_page *p, size_t r, const json_t *kills)
{
	static const char *const cols[] = { "clause", "kills", "faults killed" };
	const json_t *doc = p->runs[r].doc;
	const json_t *res = json_object_get(doc, "results");
	xmlTextWriterPtr w = p->w;
	size_t i, k;
	json_t *e;

	HTRY(html_start(w, "table", NULL));
	HTRY(html_start(w, "tr", NULL));
	for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		HTRY(html_elem(w, "th", NULL, cols[k]));
	HTRY(html_end(w));
	json_array_foreach(res, i, e) {
		const char *id = jstr(e, "id", "");

		if (strcmp(jstr(e, "status", ""), "pass"))
			continue;
		HTRY(clause_kill_row(w, id, json_object_get(kills, id)));
	}
	return html_end(w);
}

static int kill_table(struct html_page *p, size_t r)
{
	const json_t *doc = p->runs[r].doc;
	const json_t *faults = json_object_get(doc, "faults");
	const json_t *kt = json_object_get(doc, "kill_table");
	xmlTextWriterPtr w = p->w;
	json_t *kills;
	int ret;

	HTRY(html_elem(w, "h3", NULL, p->runs[r].label));
	if (!json_is_object(kt))
		return html_elem(w, "p", "muted",
				 "No fault-kill table in this run (siovh run --faults all builds one).");
	HTRY(html_start(w, "p", json_is_true(json_object_get(kt, "complete")) ?
			"pass" : "fail"));
	HTRY(html_textf(w, "%zu faults; %s: %zu killed by no clause, %zu passing clauses kill nothing.",
			json_array_size(faults),
			json_is_true(json_object_get(kt, "complete")) ?
			"complete" : "INCOMPLETE",
			json_array_size(json_object_get(kt, "faults_unkilled")),
			json_array_size(json_object_get(kt,
					"clauses_killing_nothing"))));
	HTRY(html_end(w));
	HTRY(html_elem(w, "h4", NULL, "Fault -> clauses that kill it"));
	HTRY(fault_rows(w, faults));
	HTRY(html_elem(w, "h4", NULL, "Clause -> faults it kills"));
	kills = kills_by_clause(faults);
	if (!kills)
		return -ENOMEM;
	ret = clause_rows(p, r, kills);
	json_decref(kills);
	return ret;
}

int html_kill_tables(struct html_page *p)
{
	size_t r;

	HTRY(html_start(p->w, "section", NULL));
	HTRY(html_attr(p->w, "id", "faults"));
	HTRY(html_elem(p->w, "h2", NULL, "Fault-kill table"));
	for (r = 0; r < p->n; r++)
		HTRY(kill_table(p, r));
	return html_end(p->w);
}

/* ---- features and skips ------------------------------------------------- */

/* reason -> [clause ids] for the run's skips. */
static json_t *skips_by_reason(const json_t *doc)
{
	json_t *map = json_object(), *e, *list;
	size_t i;

	json_array_foreach(json_object_get(doc, "results"), i, e) {
		const char *why = jstr(e, "skip_reason", "(no reason given)");

		if (strcmp(jstr(e, "status", ""), "skip"))
			continue;
		list = json_object_get(map, why);
		if (!list) {
			list = json_array();
			if (json_object_set_new(map, why, list))
				goto err;
		}
		if (json_array_append_new(list, json_string(jstr(e, "id", ""))))
			goto err;
	}
	return map;
err:
	json_decref(map);
	return NULL;
}

static int run_features(struct html_page *p, size_t r)
{
	const json_t *doc = p->runs[r].doc;
	const json_t *feat = json_object_get(json_object_get(doc, "target"),
					     "features");
	xmlTextWriterPtr w = p->w;
	const char *why;
	json_t *skips, *ids, *e;
	size_t i;

	HTRY(html_elem(w, "h3", NULL, p->runs[r].label));
	HTRY(html_start(w, "p", NULL));
	HTRY(html_text(w, "Declared features:"));
	if (!json_array_size(feat))
		HTRY(html_text(w, " none (the target never opened, or reports none)"));
	json_array_foreach(feat, i, e)
		HTRY(html_textf(w, "%s %s", i ? "," : "", json_string_value(e)));
	HTRY(html_end(w));
	skips = skips_by_reason(doc);
	if (!skips)
		return -ENOMEM;
	if (!json_object_size(skips))
		HTRY(html_elem(w, "p", "muted", "No clause was skipped."));
	HTRY(html_start(w, "ul", NULL));
	json_object_foreach(skips, why, ids) {
		HTRY(html_start(w, "li", NULL));
		HTRY(html_textf(w, "%s (%zu): ", why, json_array_size(ids)));
		HTRY(clause_links(w, ids));
		HTRY(html_end(w));
	}
	json_decref(skips);
	return html_end(w);
}

int html_features(struct html_page *p)
{
	size_t r;

	HTRY(html_start(p->w, "section", NULL));
	HTRY(html_attr(p->w, "id", "features"));
	HTRY(html_elem(p->w, "h2", NULL, "Target features and skipped clauses"));
	for (r = 0; r < p->n; r++)
		HTRY(run_features(p, r));
	return html_end(p->w);
}

/* ---- coverage traceability ---------------------------------------------- */

/* href of a source line in the lcov (genhtml) report. */
static void line_href(const struct html_page *p, const char *file,
		      json_int_t line, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s.gcov.html#%lld", p->opts->coverage_href,
		 file, (long long)line);
}

static int function_item(struct html_page *p, const json_t *fn,
			 const char *cls)
{
	xmlTextWriterPtr w = p->w;
	char href[512], text[512];
	json_int_t line = json_integer_value(json_object_get(fn, "line"));

	snprintf(text, sizeof(text), "%s (%s:%lld)", jstr(fn, "name", "?"),
		 jstr(fn, "file", "?"), (long long)line);
	HTRY(html_start(w, "li", cls));
	if (p->opts->coverage_href) {
		line_href(p, jstr(fn, "file", ""), line, href, sizeof(href));
		HTRY(html_link(w, href, text));
	} else {
		HTRY(html_text(w, text));
	}
	return html_end(w);
}

int html_clause_coverage(struct html_page *p, const char *id)
{
	const json_t *trace = p->opts->trace;
	const json_t *fns = json_object_get(trace, "functions");
	const json_t *idx = json_object_get(json_object_get(trace, "clauses"),
					    id);
	xmlTextWriterPtr w = p->w;
	size_t i;
	json_t *e;

	if (!trace)
		return 0;
	HTRY(html_start(w, "div", "run"));
	HTRY(html_textf(w, "Reaches %zu function%s of %s beyond the %zu every clause reaches (opening and closing the target):",
			json_array_size(idx),
			json_array_size(idx) == 1 ? "" : "s",
			jstr(trace, "scope", "the reference"),
			json_array_size(json_object_get(trace,
							"common_functions"))));
	HTRY(html_start(w, "ul", "fns"));
	json_array_foreach(idx, i, e) {
		const json_t *fn = json_array_get(fns,
						  (size_t)json_integer_value(e));

		if (fn)
			HTRY(function_item(p, fn, NULL));
	}
	HTRY(html_end(w));
	return html_end(w);
}

static int figure_row(xmlTextWriterPtr w, const json_t *fig, const char *what,
		      const char *hit, const char *total)
{
	json_int_t h = json_integer_value(json_object_get(fig, hit));
	json_int_t t = json_integer_value(json_object_get(fig, total));

	HTRY(html_start(w, "tr", NULL));
	HTRY(html_elem(w, "th", NULL, what));
	HTRY(html_start(w, "td", "num"));
	HTRY(html_textf(w, "%lld / %lld", (long long)h, (long long)t));
	HTRY(html_end(w));
	HTRY(html_start(w, "td", "num"));
	HTRY(html_textf(w, "%.1f%%", t ? 100.0 * (double)h / (double)t : 0.0));
	HTRY(html_end(w));
	return html_end(w);
}

static int unreached(struct html_page *p)
{
	const json_t *trace = p->opts->trace;
	const json_t *fns = json_object_get(trace, "functions");
	const json_t *un = json_object_get(trace, "unreached_functions");
	const json_t *gaps = json_object_get(trace, "gaps");
	const json_t *listed = json_object_get(trace, "unreachable");
	const json_t *stale = json_object_get(trace, "unreachable_stale");
	xmlTextWriterPtr w = p->w;
	size_t i;
	json_t *e;

	/* A trace without the split: every unreached function is a gap. */
	if (!gaps)
		gaps = un;
	HTRY(html_start(w, "h3", NULL));
	HTRY(html_textf(w, "Functions no clause reaches and no reason explains: GAPS (%zu of %zu unreached)",
			json_array_size(gaps), json_array_size(un)));
	HTRY(html_end(w));
	HTRY(html_start(w, "ul", "fns"));
	json_array_foreach(gaps, i, e) {
		const json_t *fn = json_array_get(fns,
						  (size_t)json_integer_value(e));

		if (fn)
			HTRY(function_item(p, fn, "gap"));
	}
	HTRY(html_end(w));
	HTRY(html_start(w, "h3", NULL));
	HTRY(html_textf(w, "Functions unreachable from the target API, with the reason (%zu; harness/ref/UNREACHABLE)",
			json_array_size(listed)));
	HTRY(html_end(w));
	HTRY(html_start(w, "ul", "fns"));
	json_array_foreach(listed, i, e) {
		const json_t *fn = json_array_get(fns, (size_t)json_integer_value(
				json_object_get(e, "function")));

		if (!fn)
			continue;
		HTRY(html_start(w, "li", NULL));
		HTRY(html_textf(w, "%s (%s:%lld): %s", jstr(fn, "name", "?"),
				jstr(fn, "file", "?"),
				(long long)json_integer_value(json_object_get(fn,
								"line")),
				jstr(e, "reason", "?")));
		HTRY(html_end(w));
	}
	HTRY(html_end(w));
	if (!json_array_size(stale))
		return 0;
	HTRY(html_elem(w, "h3", NULL, "Out-of-date entries of the unreachable list"));
	HTRY(html_start(w, "ul", "fns"));
	json_array_foreach(stale, i, e)
		HTRY(html_elem(w, "li", "gap", json_string_value(e)));
	return html_end(w);
}

static int unreached_branches(struct html_page *p)
{
	const json_t *br = json_object_get(p->opts->trace, "unreached_branches");
	xmlTextWriterPtr w = p->w;
	char href[512], text[512];
	size_t i;
	json_t *e;

	HTRY(html_start(w, "h3", NULL));
	HTRY(html_textf(w, "Source lines with a branch no clause takes (%zu)",
			json_array_size(br)));
	HTRY(html_end(w));
	HTRY(html_start(w, "ul", "fns"));
	json_array_foreach(br, i, e) {
		json_int_t line = json_integer_value(json_object_get(e, "line"));

		snprintf(text, sizeof(text), "%s:%lld (%lld of %lld)",
			 jstr(e, "file", "?"), (long long)line,
			 (long long)json_integer_value(json_object_get(e,
							"untaken")),
			 (long long)json_integer_value(json_object_get(e,
							"branches")));
		HTRY(html_start(w, "li", NULL));
		if (p->opts->coverage_href) {
			line_href(p, jstr(e, "file", ""), line, href,
				  sizeof(href));
			HTRY(html_link(w, href, text));
		} else {
			HTRY(html_text(w, text));
		}
		HTRY(html_end(w));
	}
	return html_end(w);
}

int html_coverage(struct html_page *p)
{
	const json_t *fig = json_object_get(p->opts->trace, "figures");
	xmlTextWriterPtr w = p->w;

	if (!p->opts->trace)
		return 0;
	HTRY(html_start(w, "section", NULL));
	HTRY(html_attr(w, "id", "coverage"));
	HTRY(html_elem(w, "h2", NULL, "Coverage of the reference by clause"));
	if (p->opts->coverage_href) {
		HTRY(html_start(w, "p", NULL));
		HTRY(html_link(w, p->opts->coverage_href,
			       "The lcov report (lines, functions, branches)"));
		HTRY(html_end(w));
	}
	HTRY(html_start(w, "table", NULL));
	HTRY(figure_row(w, fig, "functions reached by some clause",
			"functions_reached", "functions"));
	HTRY(figure_row(w, fig, "lines run by some clause", "lines_hit",
			"lines"));
	HTRY(figure_row(w, fig, "branches taken by some clause",
			"branches_taken", "branches"));
	HTRY(html_end(w));
	HTRY(unreached(p));
	HTRY(unreached_branches(p));
	return html_end(w);
}
