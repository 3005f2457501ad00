/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML (junit.xml), written with libxml2's xmlTextWriter.
 *
 *	<testsuites name="siovh" tests failures skipped time>
 *	  <testsuite name="FACET" tests failures skipped errors time timestamp>
 *	    <properties> target, seed, version </properties>
 *	    <testcase name="ID" classname="FACET" time file line>
 *	      <properties><property name="note" value="..."/></properties>
 *	      <failure message="first line" type="expect|timeout|signal|exit|error">
 *	        every message and the reason</failure>
 *	      <skipped message="reason"/>
 *	      <system-out>captured output</system-out>
 *	    </testcase>
 *
 * Test suites are the facets in name order; test cases keep catalog order.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "siovh/report.h"

#define X(s) ((const xmlChar *)(s))

/* Bail out of a writer function on the first libxml2 error. */
#define TRY(expr)			\
	do {				\
		if ((expr) < 0)		\
			return -EIO;	\
	} while (0)

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, X(name), X(value ? value : ""));
}

__attribute__((format(printf, 3, 4)))
static int attrf(xmlTextWriterPtr w, const char *name, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = xmlTextWriterWriteVFormatAttribute(w, X(name), fmt, ap);
	va_end(ap);
	return ret;
}

static const char *failure_type(const struct siovh_result *res)
{
	if (res->timed_out)
		return "timeout";
	if (res->signal)
		return "signal";
	if (res->reason && strstr(res->reason, "exited with status"))
		return "exit";
	if (res->reason)
		return "error";
	return "expect";
}

static int put_failure(xmlTextWriterPtr w, const struct siovh_result *res)
{
	const char *first = res->nr_messages ? res->messages[0] : res->reason;
	size_t i;

	TRY(xmlTextWriterStartElement(w, X("failure")));
	TRY(attr(w, "message", first));
	TRY(attr(w, "type", failure_type(res)));
	for (i = 0; i < res->nr_messages; i++) {
		TRY(xmlTextWriterWriteString(w, X(res->messages[i])));
		TRY(xmlTextWriterWriteString(w, X("\n")));
	}
	if (res->messages_dropped)
		TRY(xmlTextWriterWriteFormatString(w,
			"(%zu more failures not shown)\n",
			res->messages_dropped));
	if (res->reason) {
		TRY(xmlTextWriterWriteString(w, X(res->reason)));
		TRY(xmlTextWriterWriteString(w, X("\n")));
	}
	TRY(xmlTextWriterEndElement(w));
	return 0;
}

static int put_testcase(xmlTextWriterPtr w, const struct siovh_result *res)
{
	const struct siovh_clause *c = res->clause;
	size_t i;

	TRY(xmlTextWriterStartElement(w, X("testcase")));
	TRY(attr(w, "name", c->id));
	TRY(attr(w, "classname", c->facet));
	TRY(attrf(w, "time", "%.6f", res->duration_ns / 1e9));
	TRY(attr(w, "file", c->file));
	TRY(attrf(w, "line", "%d", c->line));
	TRY(xmlTextWriterStartElement(w, X("properties")));
	TRY(xmlTextWriterStartElement(w, X("property")));
	TRY(attr(w, "name", "title"));
	TRY(attr(w, "value", c->title));
	TRY(xmlTextWriterEndElement(w));
	for (i = 0; i < res->nr_notes; i++) {
		TRY(xmlTextWriterStartElement(w, X("property")));
		TRY(attr(w, "name", "note"));
		TRY(attr(w, "value", res->notes[i]));
		TRY(xmlTextWriterEndElement(w));
	}
	TRY(xmlTextWriterEndElement(w));
	if (res->status == SIOVH_FAIL && put_failure(w, res))
		return -EIO;
	if (res->status == SIOVH_SKIP) {
		TRY(xmlTextWriterStartElement(w, X("skipped")));
		TRY(attr(w, "message", res->reason));
		TRY(xmlTextWriterEndElement(w));
	}
	if (res->output_len)
		TRY(xmlTextWriterWriteElement(w, X("system-out"),
					      X(res->output)));
	TRY(xmlTextWriterEndElement(w));
	return 0;
}

struct tally {
	size_t tests, failures, skipped;
	double time;
};

static bool facet_is(const struct siovh_result *res, const char *facet)
{
	const char *f = res->clause->facet ? res->clause->facet : "";

	return !strcmp(f, facet);
}

static void tally_add(struct tally *t, const struct siovh_result *res)
{
	t->tests++;
	t->failures += res->status == SIOVH_FAIL;
	t->skipped += res->status == SIOVH_SKIP;
	t->time += res->duration_ns / 1e9;
}

static int put_counts(xmlTextWriterPtr w, const struct tally *t)
{
	TRY(attrf(w, "tests", "%zu", t->tests));
	TRY(attrf(w, "failures", "%zu", t->failures));
	TRY(attr(w, "errors", "0"));
	TRY(attrf(w, "skipped", "%zu", t->skipped));
	TRY(attrf(w, "time", "%.6f", t->time));
	return 0;
}

static int put_property(xmlTextWriterPtr w, const char *name,
			const char *value)
{
	TRY(xmlTextWriterStartElement(w, X("property")));
	TRY(attr(w, "name", name));
	TRY(attr(w, "value", value));
	TRY(xmlTextWriterEndElement(w));
	return 0;
}

static int put_suite(xmlTextWriterPtr w, const struct siovh_run *run,
		     const char *facet, const char *stamp)
{
	struct tally t = { 0 };
	char seed[32];
	size_t i;

	for (i = 0; i < run->n; i++)
		if (facet_is(&run->results[i], facet))
			tally_add(&t, &run->results[i]);
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)run->seed);
	TRY(xmlTextWriterStartElement(w, X("testsuite")));
	TRY(attr(w, "name", facet));
	TRY(put_counts(w, &t));
	TRY(attr(w, "timestamp", stamp));
	TRY(xmlTextWriterStartElement(w, X("properties")));
	TRY(put_property(w, "target", run->spec.text));
	TRY(put_property(w, "seed", seed));
	TRY(put_property(w, "siovh.version", SIOVH_VERSION));
	TRY(xmlTextWriterEndElement(w));
	for (i = 0; i < run->n; i++)
		if (facet_is(&run->results[i], facet))
			TRY(put_testcase(w, &run->results[i]));
	TRY(xmlTextWriterEndElement(w));
	return 0;
}

static int facet_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct facets of the run, sorted; *n of them. */
static const char **run_facets(const struct siovh_run *run, size_t *n)
{
	const char **v = calloc(run->n ? run->n : 1, sizeof(*v));
	size_t i, k = 0;

	if (!v)
		return NULL;
	for (i = 0; i < run->n; i++) {
		const char *f = run->results[i].clause->facet;

		v[k++] = f ? f : "";
	}
	qsort(v, k, sizeof(*v), facet_cmp);
	*n = 0;
	for (i = 0; i < k; i++)
		if (!*n || strcmp(v[*n - 1], v[i]))
			v[(*n)++] = v[i];
	return v;
}

static int put_document(xmlTextWriterPtr w, const struct siovh_run *run,
			const char **facets, size_t nr_facets)
{
	struct tally t = { 0 };
	char stamp[32];
	struct tm tm;
	size_t i;

	gmtime_r(&run->started.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (i = 0; i < run->n; i++)
		tally_add(&t, &run->results[i]);
	TRY(xmlTextWriterSetIndent(w, 1));
	TRY(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	TRY(xmlTextWriterStartElement(w, X("testsuites")));
	TRY(attr(w, "name", "siovh"));
	TRY(put_counts(w, &t));
	for (i = 0; i < nr_facets; i++)
		TRY(put_suite(w, run, facets[i], stamp));
	TRY(xmlTextWriterEndElement(w));
	TRY(xmlTextWriterEndDocument(w));
	return 0;
}

int siovh_report_junit(FILE *f, const struct siovh_run *run)
{
	xmlOutputBufferPtr out;
	xmlTextWriterPtr w;
	const char **facets;
	size_t nr_facets = 0;
	int ret;

	facets = run_facets(run, &nr_facets);
	if (!facets)
		return -ENOMEM;
	out = xmlOutputBufferCreateFile(f, NULL);
	if (!out) {
		ret = -ENOMEM;
		goto out_facets;
	}
	w = xmlNewTextWriter(out);	/* owns out from here on */
	if (!w) {
		xmlOutputBufferClose(out);
		ret = -ENOMEM;
		goto out_facets;
	}
	ret = put_document(w, run, facets, nr_facets);
	if (!ret && xmlTextWriterFlush(w) < 0)
		ret = -EIO;
	xmlFreeTextWriter(w);
out_facets:
	free(facets);
	return ret ? ret : (ferror(f) ? -EIO : 0);
}
