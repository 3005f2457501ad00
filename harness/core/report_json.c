/* SPDX-License-Identifier: MIT */
/*
 * JSON documents, built and serialized with jansson. The schemas (fields,
 * types, order, stability rules) are documented in siovh/report.h; change
 * both together.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "siovh/report.h"

/* The array [elem(arg, 0), ..., elem(arg, n - 1)]; NULL if any is NULL. */
typedef json_t *(*elem_fn)(const void *arg, size_t i);

static json_t *array_of(size_t n, elem_fn elem, const void *arg)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		/* Takes the element's reference, and fails on NULL. */
		if (json_array_append_new(a, elem(arg, i))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *strv_elem(const void *arg, size_t i)
{
	return json_string(((char *const *)arg)[i]);
}

static json_t *strv_json(char *const *v, size_t n)
{
	return array_of(n, strv_elem, v);
}

static json_t *features_json(uint64_t mask)
{
	json_t *a = json_array();
	char buf[16];
	int bit;

	for (bit = 0; a && bit < 64; bit++) {
		const char *name;

		if (!(mask & (1ull << bit)))
			continue;
		name = siovh_feature_name(1ull << bit);
		if (!name) {
			snprintf(buf, sizeof(buf), "bit %d", bit);
			name = buf;
		}
		if (json_array_append_new(a, json_string(name))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *clause_json(const struct siovh_clause *c)
{
	return json_pack("{s:s, s:s?, s:s, s:s?, s:s?, s:o, s:s?, s:i, s:I}",
			 "id", c->id, "title", c->title,
			 "level", siovh_level_name(c->level),
			 "source", c->source, "facet", c->facet,
			 "needs", features_json(c->needs),
			 "file", c->file, "line", c->line,
			 "timeout_ms", (json_int_t)c->timeout_ms);
}

static json_t *clause_elem(const void *arg, size_t i)
{
	return clause_json(((const struct siovh_clause *const *)arg)[i]);
}

static json_t *clauses_json(const struct siovh_clause *const *v, size_t n)
{
	return array_of(n, clause_elem, v);
}

static json_t *result_json(const struct siovh_result *r)
{
	const char *fail_reason = r->status == SIOVH_FAIL ? r->reason : NULL;
	const char *skip_reason = r->status == SIOVH_SKIP ? r->reason : NULL;

	return json_pack("{s:s, s:s, s:f, s:o, s:I, s:o, s:s?, s:s?, s:s%, "
			 "s:I, s:i, s:i, s:b}",
			 "id", r->clause->id,
			 "status", siovh_status_name(r->status),
			 "duration_ms", r->duration_ns / 1e6,
			 "messages", strv_json(r->messages, r->nr_messages),
			 "messages_dropped", (json_int_t)r->messages_dropped,
			 "notes", strv_json(r->notes, r->nr_notes),
			 "reason", fail_reason, "skip_reason", skip_reason,
			 "output", r->output ? r->output : "", r->output_len,
			 "output_dropped", (json_int_t)r->output_dropped,
			 "signal", r->signal, "exit_status", r->exit_status,
			 "timed_out", r->timed_out);
}

static json_t *result_elem(const void *arg, size_t i)
{
	return result_json(&((const struct siovh_run *)arg)->results[i]);
}

static json_t *fault_json(const struct siovh_kill_table *kt,
			  const struct siovh_fault_run *fr)
{
	json_t *killers = json_array(), *ran = json_array();
	size_t i;
	int err = !killers || !ran;

	for (i = 0; !err && i < fr->nr_killers; i++)
		err = json_array_append_new(killers, json_string(
				kt->plain->clauses[fr->killers[i]]->id));
	for (i = 0; !err && i < fr->run.n; i++)
		err = json_array_append_new(ran, json_pack("{s:s, s:s}",
				"id", fr->run.clauses[i]->id, "status",
				siovh_status_name(fr->run.results[i].status)));
	if (err) {
		json_decref(killers);
		json_decref(ran);
		return NULL;
	}
	return json_pack("{s:s, s:s?, s:s?, s:o, s:o}",
			 "name", fr->fault->name, "facet", fr->fault->facet,
			 "summary", fr->fault->summary, "killed_by", killers,
			 "ran", ran);
}

static json_t *fault_run_elem(const void *arg, size_t i)
{
	const struct siovh_kill_table *kt = arg;

	return fault_json(kt, &kt->faults[i]);
}

static json_t *kill_table_json(const struct siovh_kill_table *kt)
{
	json_t *faults = json_array(), *clauses = json_array();
	size_t i;
	int err = !faults || !clauses;

	for (i = 0; !err && i < kt->nr_faults; i++)
		if (!kt->faults[i].nr_killers)
			err = json_array_append_new(faults,
				json_string(kt->faults[i].fault->name));
	for (i = 0; !err && i < kt->plain->n; i++)
		if (kt->eligible[i] && !kt->kills[i])
			err = json_array_append_new(clauses,
				json_string(kt->plain->clauses[i]->id));
	if (err) {
		json_decref(faults);
		json_decref(clauses);
		return NULL;
	}
	return json_pack("{s:b, s:o, s:o}", "complete", kt->complete,
			 "faults_unkilled", faults,
			 "clauses_killing_nothing", clauses);
}

static void iso_time(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	char base[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03uZ", base,
		 (unsigned int)(ts->tv_nsec / 1000000) % 1000u);
}

static json_t *seed_json(uint64_t seed)
{
	char buf[32];

	if (seed <= INT64_MAX)
		return json_integer((json_int_t)seed);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)seed);
	return json_string(buf);
}

static json_t *target_json(const struct siovh_run *run)
{
	const struct siovh_target_spec *s = &run->spec;
	const char *fault = s->fault >= 0 ? s->backend->faults[s->fault].name :
			    NULL;

	return json_pack("{s:s, s:s, s:s?, s:o}", "spec", s->text,
			 "backend", s->backend->name, "fault", fault,
			 "features", features_json(run->features));
}

static int dump(FILE *f, json_t *root)
{
	int ret;

	if (!root)
		return -ENOMEM;
	ret = json_dumpf(root, f, JSON_INDENT(2));
	json_decref(root);
	if (ret || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

/* Where the run was made (report.h, "run"): bench.json's names. */
static json_t *run_host_json(void)
{
	char host[256] = "";
	struct utsname u;

	if (gethostname(host, sizeof(host) - 1))
		host[0] = '\0';
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	return json_pack("{s:s, s:s, s:s, s:s?}", "host", host,
			 "kernel", u.release, "machine", u.machine,
			 "git_revision", getenv("SIOVH_GIT_REVISION"));
}

json_t *siovh_report_json_doc(const struct siovh_run *run,
			      const struct siovh_kill_table *kt)
{
	char started[64], finished[64];

	iso_time(&run->started, started, sizeof(started));
	iso_time(&run->finished, finished, sizeof(finished));
	return json_pack(
		"{s:s, s:{s:s, s:s}, s:s, s:s, s:o, s:o, "
		"s:{s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:o, s:o}",
		"schema", SIOVH_RESULTS_SCHEMA,
		"tool", "name", "siovh", "version", SIOVH_VERSION,
		"started", started, "finished", finished,
		"seed", seed_json(run->seed),
		"target", target_json(run),
		"summary", "total", (json_int_t)run->n,
		"passed", (json_int_t)run->passed,
		"failed", (json_int_t)run->failed,
		"skipped", (json_int_t)run->skipped,
		"clauses", clauses_json(run->clauses, run->n),
		"results", array_of(run->n, result_elem, run),
		"faults", kt ? array_of(kt->nr_faults, fault_run_elem, kt) :
			  json_array(),
		"kill_table", kt ? kill_table_json(kt) : json_null(),
		"run", run_host_json());
}

int siovh_report_json(FILE *f, const struct siovh_run *run,
		      const struct siovh_kill_table *kt)
{
	return dump(f, siovh_report_json_doc(run, kt));
}

int siovh_catalog_json(FILE *f, const struct siovh_catalog *cat)
{
	return dump(f, json_pack("{s:s, s:s, s:o}",
				 "schema", SIOVH_CATALOG_SCHEMA,
				 "version", SIOVH_VERSION,
				 "clauses", clauses_json(cat->clauses, cat->n)));
}

static json_t *fault_elem(const void *arg, size_t i)
{
	const struct siovh_backend *b = arg;
	const struct siovh_fault *ft = &b->faults[i];

	return json_pack("{s:s, s:s?, s:s?}", "name", ft->name, "facet",
			 ft->facet, "summary", ft->summary);
}

int siovh_faults_json(FILE *f, const struct siovh_backend *backend)
{
	size_t n = 0;

	while (backend->faults && backend->faults[n].name)
		n++;
	return dump(f, json_pack("{s:s, s:s, s:o}",
				 "schema", SIOVH_FAULTS_SCHEMA,
				 "target", backend->name,
				 "faults", array_of(n, fault_elem, backend)));
}
