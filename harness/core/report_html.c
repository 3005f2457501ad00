/* SPDX-License-Identifier: MIT */
/*
 * The HTML conformance page (report.h, siovh_report_html): one static file,
 * no external assets. Sections: the runs and their counts; the matrix of
 * clauses (grouped by facet, with level, title and source) x runs; every
 * clause's evidence per run (messages, reason, notes, captured output,
 * duration, and with coverage traceability the functions it reaches); the
 * fault-kill tables; declared features and skip reasons; coverage. A small
 * inline script adds a text filter and a status filter; without it the
 * page shows everything.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_html.h"

static const char css[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 3em;color:#222}"
"h1{font-size:1.5em;margin:.8em 0 .2em}h2{margin-top:1.6em;"
"border-bottom:2px solid #ddd}h3{margin:1.2em 0 .3em}"
"table{border-collapse:collapse;margin:.4em 0}"
"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;"
"vertical-align:top}th{background:#f3f3f3}"
"td.pass,span.pass{background:#d9f2d9;color:#145214}"
"td.fail,span.fail{background:#f9d0d0;color:#7a0c0c;font-weight:bold}"
"td.skip,span.skip{background:#fff1c2;color:#6b5200}"
"td.none{color:#999}tr.facet th{background:#e4e9f2;font-size:1.05em}"
"tr.gap td,li.gap{background:#fde2e2}"
"span.pass,span.fail,span.skip,span.none{padding:0 4px;"
"border-radius:3px;margin-right:4px}"
"pre{background:#f7f7f7;border:1px solid #ddd;padding:4px;"
"max-height:20em;overflow:auto;white-space:pre-wrap}"
"details.clause{border-top:1px solid #eee;padding:2px 0}"
"details.clause>summary{cursor:pointer}"
"div.run{margin:.3em 0 .6em 1.2em}.muted{color:#777}"
"nav a{margin-right:1em}#filters{margin:.5em 0}"
"#filters input{width:22em}[hidden]{display:none!important}"
"td.num{text-align:right}ul.fns{columns:2;font-family:monospace}";

/*
 * Text filter over the matrix rows and details entries, status filter.
 * Written without '<' or '&' so that the page stays well-formed XML, which
 * the tests check with xmllint.
 */
static const char script[] =
"(function(){"
"var q=document.getElementById('q'),st=document.getElementById('st'),"
"box=document.getElementById('filters'),out=document.getElementById('shown');"
"if(!q||!st||!box)return;box.hidden=false;"
"function match(el){var t=q.value.toLowerCase(),s=st.value;"
"if(t)if(el.getAttribute('data-text').indexOf(t)===-1)return false;"
"return !s||(' '+el.getAttribute('data-status')+' ').indexOf(' '+s+' ')!==-1;}"
"function apply(){var n=0;"
"document.querySelectorAll('tr.clause').forEach(function(r){"
"r.hidden=!match(r);if(!r.hidden)n++;});"
"document.querySelectorAll('details.clause').forEach(function(d){"
"d.hidden=!match(d);});out.textContent=n+' clauses shown';}"
"q.addEventListener('input',apply);st.addEventListener('change',apply);"
"apply();})();";

/* ---- writer helpers ----------------------------------------------------- */

int html_start(xmlTextWriterPtr w, const char *tag, const char *cls)
{
	HTRY(xmlTextWriterStartElement(w, HX(tag)));
	if (cls)
		HTRY(xmlTextWriterWriteAttribute(w, HX("class"), HX(cls)));
	return 0;
}

int html_end(xmlTextWriterPtr w)
{
	return xmlTextWriterFullEndElement(w) < 0 ? -EIO : 0;
}

int html_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, HX(name), HX(value ? value : ""))
	       < 0 ? -EIO : 0;
}

int html_text(xmlTextWriterPtr w, const char *text)
{
	return xmlTextWriterWriteString(w, HX(text ? text : "")) < 0 ? -EIO : 0;
}

int html_textf(xmlTextWriterPtr w, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = xmlTextWriterWriteVFormatString(w, fmt, ap);
	va_end(ap);
	return ret < 0 ? -EIO : 0;
}

int html_elem(xmlTextWriterPtr w, const char *tag, const char *cls,
	      const char *text)
{
	HTRY(html_start(w, tag, cls));
	HTRY(html_text(w, text));
	return html_end(w);
}

int html_link(xmlTextWriterPtr w, const char *href, const char *text)
{
	HTRY(html_start(w, "a", NULL));
	HTRY(html_attr(w, "href", href));
	HTRY(html_text(w, text));
	return html_end(w);
}

int html_clause_link(xmlTextWriterPtr w, const char *id)
{
	char href[256];

	snprintf(href, sizeof(href), "#d-%s", id);
	return html_link(w, href, id);
}

int html_open_doc(xmlTextWriterPtr w, const char *title)
{
	HTRY(xmlTextWriterWriteDTD(w, HX("html"), NULL, NULL, NULL));
	HTRY(html_start(w, "html", NULL));
	HTRY(html_attr(w, "lang", "en"));
	HTRY(html_start(w, "head", NULL));
	HTRY(html_start(w, "meta", NULL));
	HTRY(html_attr(w, "charset", "utf-8"));
	HTRY(xmlTextWriterEndElement(w));	/* void: <meta .../> */
	HTRY(html_start(w, "meta", NULL));
	HTRY(html_attr(w, "name", "viewport"));
	HTRY(html_attr(w, "content", "width=device-width, initial-scale=1"));
	HTRY(xmlTextWriterEndElement(w));
	HTRY(html_elem(w, "title", NULL, title));
	HTRY(html_start(w, "style", NULL));
	HTRY(xmlTextWriterWriteRaw(w, HX(css)));	/* constant, ours */
	HTRY(html_end(w));
	HTRY(html_end(w));			/* head */
	HTRY(html_start(w, "body", NULL));
	return html_elem(w, "h1", NULL, title);
}

int html_close_doc(xmlTextWriterPtr w, const char *js)
{
	if (js) {
		HTRY(html_start(w, "script", NULL));
		HTRY(xmlTextWriterWriteRaw(w, HX(js)));	/* constant, ours */
		HTRY(html_end(w));
	}
	HTRY(html_end(w));	/* body */
	HTRY(html_end(w));	/* html */
	HTRY(xmlTextWriterEndDocument(w));
	return 0;
}

const char *jstr(const json_t *obj, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : dflt;
}

xmlTextWriterPtr html_writer_new(FILE *f)
{
	xmlOutputBufferPtr out = xmlOutputBufferCreateFile(f, NULL);
	xmlTextWriterPtr w;

	if (!out)
		return NULL;
	w = xmlNewTextWriter(out);	/* owns out from here on */
	if (!w)
		xmlOutputBufferClose(out);
	return w;
}

int html_writer_done(xmlTextWriterPtr w, FILE *f, int ret)
{
	if (!ret && xmlTextWriterFlush(w) < 0)
		ret = -EIO;
	xmlFreeTextWriter(w);
	return ret ? ret : (ferror(f) ? -EIO : 0);
}

/* ---- the clause index --------------------------------------------------- */

static int cmp_ids(const void *a, const void *b)
{
	return strverscmp(*(const char *const *)a, *(const char *const *)b);
}

/* by_id, ids and results over every run's clauses. */
static int page_index(struct html_page *p)
{
	const char *key;
	json_t *v;
	size_t r, i;

	p->by_id = json_object();
	p->results = calloc(p->n ? p->n : 1, sizeof(*p->results));
	if (!p->by_id || !p->results)
		return -ENOMEM;
	for (r = 0; r < p->n; r++) {
		const json_t *doc = p->runs[r].doc;
		const json_t *res = json_object_get(doc, "results");

		p->results[r] = json_object();
		if (!p->results[r])
			return -ENOMEM;
		json_array_foreach(json_object_get(doc, "clauses"), i, v) {
			key = jstr(v, "id", "");
			if (!json_object_get(p->by_id, key) &&
			    json_object_set(p->by_id, key, v))
				return -ENOMEM;
			if (json_object_set(p->results[r], key,
					    json_array_get(res, i)))
				return -ENOMEM;
		}
	}
	p->ids = calloc(json_object_size(p->by_id) + 1, sizeof(*p->ids));
	if (!p->ids)
		return -ENOMEM;
	json_object_foreach(p->by_id, key, v)
		p->ids[p->nr_ids++] = key;
	qsort(p->ids, p->nr_ids, sizeof(*p->ids), cmp_ids);
	return 0;
}

static void page_free(struct html_page *p)
{
	size_t r;

	for (r = 0; p->results && r < p->n; r++)
		json_decref(p->results[r]);
	free(p->results);
	free(p->ids);
	json_decref(p->by_id);
}

static const json_t *result_of(const struct html_page *p, size_t run,
			       const char *id)
{
	return json_object_get(p->results[run], id);
}

/* "pass fail" etc.: the statuses id has over the runs, for the filter. */
static void statuses_of(const struct html_page *p, const char *id, char *buf,
			size_t len)
{
	size_t r, off = 0;

	buf[0] = '\0';
	for (r = 0; r < p->n && off < len; r++) {
		const json_t *res = result_of(p, r, id);
		const char *s = res ? jstr(res, "status", "none") : "none";

		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? " " : "", s);
	}
}

/* Lower-cased "id title source facet" for the text filter. */
static void text_of(const json_t *c, char *buf, size_t len)
{
	char *s;

	snprintf(buf, len, "%s %s %s %s", jstr(c, "id", ""),
		 jstr(c, "title", ""), jstr(c, "source", ""),
		 jstr(c, "facet", ""));
	for (s = buf; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int filter_attrs(const struct html_page *p, const json_t *c,
			const char *id)
{
	char buf[1024];

	text_of(c, buf, sizeof(buf));
	HTRY(html_attr(p->w, "data-text", buf));
	statuses_of(p, id, buf, sizeof(buf));
	return html_attr(p->w, "data-status", buf);
}

/* ---- summary ------------------------------------------------------------ */

static int summary_cell_int(xmlTextWriterPtr w, const json_t *sum,
			    const char *key)
{
	HTRY(html_start(w, "td", "num"));
	HTRY(html_textf(w, "%lld", (long long)json_integer_value(
				json_object_get(sum, key))));
	return html_end(w);
}

static int kill_cell(xmlTextWriterPtr w, const json_t *doc)
{
	const json_t *kt = json_object_get(doc, "kill_table");

	if (!json_is_object(kt))
		return html_elem(w, "td", "none", "not built");
	if (json_is_true(json_object_get(kt, "complete")))
		return html_elem(w, "td", "pass", "complete");
	HTRY(html_start(w, "td", "fail"));
	HTRY(html_textf(w, "%zu faults unkilled, %zu clauses kill nothing",
			json_array_size(json_object_get(kt, "faults_unkilled")),
			json_array_size(json_object_get(kt,
					"clauses_killing_nothing"))));
	return html_end(w);
}

static int summary_row(struct html_page *p, size_t r)
{
	static const char *const counts[] = { "total", "passed", "failed",
					      "skipped" };
	const json_t *doc = p->runs[r].doc;
	const json_t *t = json_object_get(doc, "target");
	const json_t *run = json_object_get(doc, "run");
	const json_t *sum = json_object_get(doc, "summary");
	xmlTextWriterPtr w = p->w;
	size_t i;

	HTRY(html_start(w, "tr", NULL));
	HTRY(html_elem(w, "th", NULL, p->runs[r].label));
	HTRY(html_elem(w, "td", NULL, jstr(t, "spec", "")));
	HTRY(html_elem(w, "td", NULL, p->runs[r].path ? p->runs[r].path : ""));
	HTRY(html_elem(w, "td", NULL, jstr(doc, "started", "")));
	HTRY(html_elem(w, "td", NULL, jstr(run, "host", "?")));
	HTRY(html_elem(w, "td", NULL, jstr(run, "kernel", "?")));
	HTRY(html_elem(w, "td", NULL, jstr(run, "git_revision", "?")));
	HTRY(html_elem(w, "td", NULL,
		       jstr(json_object_get(doc, "tool"), "version", "?")));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		HTRY(summary_cell_int(w, sum, counts[i]));
	HTRY(kill_cell(w, doc));
	return html_end(w);
}

static int header_row(xmlTextWriterPtr w, const char *const *cols, size_t n)
{
	size_t i;

	HTRY(html_start(w, "tr", NULL));
	for (i = 0; i < n; i++)
		HTRY(html_elem(w, "th", NULL, cols[i]));
	return html_end(w);
}

static int summary(struct html_page *p)
{
	static const char *const cols[] = {
		"run", "target", "results file", "started (UTC)", "host",
		"kernel", "git revision", "siovh", "total", "passed", "failed",
		"skipped", "fault-kill table",
	};
	xmlTextWriterPtr w = p->w;
	size_t r;

	HTRY(html_start(w, "section", NULL));
	HTRY(html_attr(w, "id", "summary"));
	HTRY(html_elem(w, "h2", NULL, "Runs"));
	HTRY(html_start(w, "table", NULL));
	HTRY(header_row(w, cols, sizeof(cols) / sizeof(cols[0])));
	for (r = 0; r < p->n; r++)
		HTRY(summary_row(p, r));
	HTRY(html_end(w));
	return html_end(w);
}

/* ---- matrix ------------------------------------------------------------- */

static int status_cell(struct html_page *p, size_t r, const char *id)
{
	const json_t *res = result_of(p, r, id);
	char href[256];

	if (!res)
		return html_elem(p->w, "td", "none", "-");
	HTRY(html_start(p->w, "td", jstr(res, "status", "")));
	snprintf(href, sizeof(href), "#d-%s", id);
	HTRY(html_link(p->w, href, jstr(res, "status", "")));
	return html_end(p->w);
}

static int matrix_row(struct html_page *p, const char *id)
{
	const json_t *c = json_object_get(p->by_id, id);
	xmlTextWriterPtr w = p->w;
	size_t r;

	HTRY(html_start(w, "tr", "clause"));
	HTRY(filter_attrs(p, c, id));
	HTRY(html_start(w, "td", NULL));
	HTRY(html_clause_link(w, id));
	HTRY(html_end(w));
	HTRY(html_elem(w, "td", NULL, jstr(c, "level", "")));
	HTRY(html_elem(w, "td", NULL, jstr(c, "title", "")));
	HTRY(html_elem(w, "td", "muted", jstr(c, "source", "")));
	for (r = 0; r < p->n; r++)
		HTRY(status_cell(p, r, id));
	return html_end(w);
}

/* The facets in order of first appearance in the sorted IDs. */
static int facet_list(const struct html_page *p, const char ***out,
		      size_t *nr)
{
	const char **v = calloc(p->nr_ids + 1, sizeof(*v));
	size_t i, k;

	if (!v)
		return -ENOMEM;
	*nr = 0;
	for (i = 0; i < p->nr_ids; i++) {
		const char *f = jstr(json_object_get(p->by_id, p->ids[i]),
				     "facet", "(none)");

		for (k = 0; k < *nr && strcmp(v[k], f); k++)
			;
		if (k == *nr)
			v[(*nr)++] = f;
	}
	*out = v;
	return 0;
}

static int facet_group(struct html_page *p, const char *facet)
{
	xmlTextWriterPtr w = p->w;
	char span[16];
	size_t i, n = 0;

	for (i = 0; i < p->nr_ids; i++)
		n += !strcmp(jstr(json_object_get(p->by_id, p->ids[i]),
				  "facet", "(none)"), facet);
	HTRY(html_start(w, "tbody", NULL));
	HTRY(html_start(w, "tr", "facet"));
	HTRY(html_start(w, "th", NULL));
	snprintf(span, sizeof(span), "%zu", 4 + p->n);
	HTRY(html_attr(w, "colspan", span));
	HTRY(html_textf(w, "%s (%zu clause%s)", facet, n, n == 1 ? "" : "s"));
	HTRY(html_end(w));
	HTRY(html_end(w));
	for (i = 0; i < p->nr_ids; i++)
		if (!strcmp(jstr(json_object_get(p->by_id, p->ids[i]), "facet",
				 "(none)"), facet))
			HTRY(matrix_row(p, p->ids[i]));
	return html_end(w);
}

static int filters(xmlTextWriterPtr w)
{
	static const char *const opts[][2] = {
		{ "", "any status" }, { "fail", "failed somewhere" },
		{ "skip", "skipped somewhere" }, { "pass", "passed somewhere" },
	};
	size_t i;

	HTRY(html_start(w, "div", NULL));
	HTRY(html_attr(w, "id", "filters"));
	HTRY(html_attr(w, "hidden", "hidden"));	/* the script shows it */
	HTRY(html_start(w, "input", NULL));
	HTRY(html_attr(w, "id", "q"));
	HTRY(html_attr(w, "type", "search"));
	HTRY(html_attr(w, "placeholder", "filter: ID, title, source, facet"));
	HTRY(xmlTextWriterEndElement(w));	/* void */
	HTRY(html_text(w, " "));
	HTRY(html_start(w, "select", NULL));
	HTRY(html_attr(w, "id", "st"));
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		HTRY(html_start(w, "option", NULL));
		HTRY(html_attr(w, "value", opts[i][0]));
		HTRY(html_text(w, opts[i][1]));
		HTRY(html_end(w));
	}
	HTRY(html_end(w));
	HTRY(html_text(w, " "));
	HTRY(html_start(w, "span", "muted"));
	HTRY(html_attr(w, "id", "shown"));
	HTRY(html_end(w));
	return html_end(w);
}

static int matrix_table(struct html_page *p, const char **facets,
			size_t nr_facets)
{
	static const char *const cols[] = { "clause", "level", "title",
					    "source" };
	xmlTextWriterPtr w = p->w;
	size_t i;

	HTRY(html_start(w, "table", "matrix"));
	HTRY(html_start(w, "thead", NULL));
	HTRY(html_start(w, "tr", NULL));
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		HTRY(html_elem(w, "th", NULL, cols[i]));
	for (i = 0; i < p->n; i++)
		HTRY(html_elem(w, "th", NULL, p->runs[i].label));
	HTRY(html_end(w));
	HTRY(html_end(w));
	for (i = 0; i < nr_facets; i++)
		HTRY(facet_group(p, facets[i]));
	return html_end(w);
}

static int matrix(struct html_page *p)
{
	const char **facets;
	size_t nr;
	int ret;

	HTRY(html_start(p->w, "section", NULL));
	HTRY(html_attr(p->w, "id", "matrix"));
	HTRY(html_elem(p->w, "h2", NULL, "Conformance matrix"));
	HTRY(filters(p->w));
	ret = facet_list(p, &facets, &nr);
	if (ret)
		return ret;
	ret = matrix_table(p, facets, nr);
	free(facets);
	return ret ? ret : html_end(p->w);
}

/* ---- clause details ----------------------------------------------------- */

static int strv_list(xmlTextWriterPtr w, const json_t *v, const char *title)
{
	size_t i;
	json_t *e;

	if (!json_array_size(v))
		return 0;
	HTRY(html_elem(w, "div", "muted", title));
	HTRY(html_start(w, "ul", NULL));
	json_array_foreach(v, i, e)
		HTRY(html_elem(w, "li", NULL, json_string_value(e)));
	return html_end(w);
}

static int run_evidence(struct html_page *p, size_t r, const json_t *res)
{
	xmlTextWriterPtr w = p->w;
	const char *status = jstr(res, "status", "");
	const char *out = jstr(res, "output", "");
	json_int_t dropped;

	HTRY(html_start(w, "div", "run"));
	HTRY(html_start(w, "div", NULL));
	HTRY(html_elem(w, "span", status, status));
	HTRY(html_textf(w, " %s, %.3f ms", p->runs[r].label,
			json_number_value(json_object_get(res,
						"duration_ms"))));
	HTRY(html_end(w));
	if (json_is_string(json_object_get(res, "reason")))
		HTRY(html_elem(w, "div", NULL, jstr(res, "reason", "")));
	if (json_is_string(json_object_get(res, "skip_reason")))
		HTRY(html_elem(w, "div", NULL, jstr(res, "skip_reason", "")));
	HTRY(strv_list(w, json_object_get(res, "messages"), "messages"));
	dropped = json_integer_value(json_object_get(res, "messages_dropped"));
	if (dropped)
		HTRY(html_textf(w, "(%lld more messages dropped)",
				(long long)dropped));
	HTRY(strv_list(w, json_object_get(res, "notes"), "notes"));
	if (*out) {
		HTRY(html_elem(w, "div", "muted", "captured output"));
		HTRY(html_elem(w, "pre", NULL, out));
	}
	return html_end(w);
}

static int clause_facts(xmlTextWriterPtr w, const json_t *c)
{
	const json_t *needs = json_object_get(c, "needs");
	size_t i;
	json_t *e;

	HTRY(html_start(w, "div", "muted"));
	HTRY(html_textf(w, "%s, facet %s, source: %s; %s:%lld",
			jstr(c, "level", ""), jstr(c, "facet", "-"),
			jstr(c, "source", "-"), jstr(c, "file", "?"),
			(long long)json_integer_value(json_object_get(c,
								      "line"))));
	if (json_array_size(needs))
		HTRY(html_text(w, "; needs:"));
	json_array_foreach(needs, i, e)
		HTRY(html_textf(w, " %s", json_string_value(e)));
	return html_end(w);
}

static int clause_details(struct html_page *p, const char *id)
{
	const json_t *c = json_object_get(p->by_id, id);
	xmlTextWriterPtr w = p->w;
	char anchor[256], st[256];
	size_t r;

	statuses_of(p, id, st, sizeof(st));
	HTRY(html_start(w, "details", "clause"));
	snprintf(anchor, sizeof(anchor), "d-%s", id);
	HTRY(html_attr(w, "id", anchor));
	HTRY(filter_attrs(p, c, id));
	if (strstr(st, "fail"))
		HTRY(html_attr(w, "open", "open"));
	HTRY(html_start(w, "summary", NULL));
	for (r = 0; r < p->n; r++) {
		const json_t *res = result_of(p, r, id);
		const char *s = res ? jstr(res, "status", "") : "none";

		HTRY(html_elem(w, "span", s, s));
	}
	HTRY(html_textf(w, " %s: %s", id, jstr(c, "title", "")));
	HTRY(html_end(w));
	HTRY(clause_facts(w, c));
	for (r = 0; r < p->n; r++)
		if (result_of(p, r, id))
			HTRY(run_evidence(p, r, result_of(p, r, id)));
	HTRY(html_clause_coverage(p, id));
	return html_end(w);
}

static int details(struct html_page *p)
{
	size_t i;

	HTRY(html_start(p->w, "section", NULL));
	HTRY(html_attr(p->w, "id", "details"));
	HTRY(html_elem(p->w, "h2", NULL, "Clauses: evidence per run"));
	HTRY(html_elem(p->w, "p", "muted",
		       "Failing clauses are open; click a clause to see its messages, notes, captured output and duration."));
	for (i = 0; i < p->nr_ids; i++)
		HTRY(clause_details(p, p->ids[i]));
	return html_end(p->w);
}

/* ---- the page ----------------------------------------------------------- */

/* "TEXT=HREF" (siovh_html_opts.link; the CLI checked the "="). */
static int extra_link(xmlTextWriterPtr w, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char text[256];

	if (!eq)
		return -EINVAL;
	snprintf(text, sizeof(text), "%.*s", (int)(eq - spec), spec);
	return html_link(w, eq + 1, text);
}

static int nav(struct html_page *p)
{
	static const char *const links[][2] = {
		{ "#summary", "Runs" }, { "#matrix", "Matrix" },
		{ "#details", "Evidence" }, { "#faults", "Fault-kill table" },
		{ "#features", "Features and skips" },
	};
	xmlTextWriterPtr w = p->w;
	size_t i;

	HTRY(html_start(w, "nav", NULL));
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		HTRY(html_link(w, links[i][0], links[i][1]));
	if (p->opts->trace)
		HTRY(html_link(w, "#coverage", "Coverage"));
	if (p->opts->link)
		HTRY(extra_link(w, p->opts->link));
	HTRY(html_end(w));
	return html_elem(w, "p", "muted", "Generated by siovh " SIOVH_VERSION
			 " from results.json (schema " SIOVH_RESULTS_SCHEMA
			 "); static page, works offline.");
}

static int page(struct html_page *p)
{
	const char *title = p->opts->title ? p->opts->title :
			    "siovh conformance";

	HTRY(html_open_doc(p->w, title));
	HTRY(nav(p));
	HTRY(summary(p));
	HTRY(matrix(p));
	HTRY(details(p));
	HTRY(html_kill_tables(p));
	HTRY(html_features(p));
	HTRY(html_coverage(p));
	return html_close_doc(p->w, script);
}

int siovh_report_html(FILE *f, const struct siovh_html_run *runs, size_t n,
		      const struct siovh_html_opts *opts)
{
	static const struct siovh_html_opts none;
	struct html_page p = { .runs = runs, .n = n,
			       .opts = opts ? opts : &none };
	int ret;

	ret = page_index(&p);
	if (!ret) {
		p.w = html_writer_new(f);
		ret = p.w ? page(&p) : -ENOMEM;
		ret = p.w ? html_writer_done(p.w, f, ret) : ret;
	}
	page_free(&p);
	return ret;
}

struct html_args {
	const struct siovh_html_run *runs;
	size_t n;
	const struct siovh_html_opts *opts;
};

static int write_html(FILE *f, const void *arg)
{
	const struct html_args *a = arg;

	return siovh_report_html(f, a->runs, a->n, a->opts);
}

int siovh_report_html_write(const char *path,
			    const struct siovh_html_run *runs, size_t n,
			    const struct siovh_html_opts *opts, char *err,
			    size_t errlen)
{
	struct html_args a = { .runs = runs, .n = n, .opts = opts };
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (*dir && mkdir(dir, 0777) && errno != EEXIST) {
			int ret = -errno;

			snprintf(err, errlen, "cannot create '%s': %s", dir,
				 strerror(-ret));
			return ret;
		}
	}
	return siovh_write_atomic(path, write_html, &a, err, errlen);
}
