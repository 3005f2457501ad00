/* SPDX-License-Identifier: MIT */
/*
 * Shared by the HTML writers (report_html.c: page, summary, matrix, clause
 * details; report_html_kill.c: the fault-kill table, features and skips,
 * coverage; report_index.c: reports/index.html). Everything goes through
 * libxml2's xmlTextWriter, which escapes text and attribute values; the
 * only raw text written is the constant CSS and script of this file's
 * users. Non-void elements are always closed with a full end tag, as HTML
 * needs. Writers return 0 or -EIO on the first libxml2 error (HTRY).
 */
#ifndef SIOVH_CORE_REPORT_HTML_H
#define SIOVH_CORE_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "siovh/report.h"

#define HX(s) ((const xmlChar *)(s))

#define HTRY(expr)			\
	do {				\
		if ((expr) < 0)		\
			return -EIO;	\
	} while (0)

/* What the writers of one conformance page share. */
struct html_page {
	xmlTextWriterPtr w;
	const struct siovh_html_run *runs;
	size_t n;
	const struct siovh_html_opts *opts;
	json_t *by_id;		/* clause id -> clause object (first run's) */
	const char **ids;	/* every clause id, strverscmp() order */
	size_t nr_ids;
	json_t **results;	/* per run: clause id -> result object */
};

/* <tag class="cls"> (cls may be NULL); close with html_end(). */
int html_start(xmlTextWriterPtr w, const char *tag, const char *cls);
int html_end(xmlTextWriterPtr w);
int html_attr(xmlTextWriterPtr w, const char *name, const char *value);
int html_text(xmlTextWriterPtr w, const char *text);
__attribute__((format(printf, 2, 3)))
int html_textf(xmlTextWriterPtr w, const char *fmt, ...);
/* <tag class="cls">text</tag> */
int html_elem(xmlTextWriterPtr w, const char *tag, const char *cls,
	      const char *text);
/* <a href="href">text</a> */
int html_link(xmlTextWriterPtr w, const char *href, const char *text);
/* <a href="#d-ID">ID</a>: the clause's detail entry. */
int html_clause_link(xmlTextWriterPtr w, const char *id);
/* <!DOCTYPE html>, <html>, <head> with title and the CSS, <body>. */
int html_open_doc(xmlTextWriterPtr w, const char *title);
/* The script (when not NULL), then </body></html>. */
int html_close_doc(xmlTextWriterPtr w, const char *script);

/* A string member, or dflt when missing or not a string. */
const char *jstr(const json_t *obj, const char *key, const char *dflt);

/* The writer on f; html_writer_done() flushes and frees it. */
xmlTextWriterPtr html_writer_new(FILE *f);
int html_writer_done(xmlTextWriterPtr w, FILE *f, int ret);

/* report_html_kill.c */
int html_kill_tables(struct html_page *p);
int html_features(struct html_page *p);
int html_coverage(struct html_page *p);
/* The functions trace says clause id reaches, as a list; none: nothing. */
int html_clause_coverage(struct html_page *p, const char *id);

#endif /* SIOVH_CORE_REPORT_HTML_H */
