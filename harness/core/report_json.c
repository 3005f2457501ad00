/* SPDX-License-Identifier: MIT */
/*
 * JSON documents, built and serialized with jansson.
 *
 * results.json, schema "siovh-results/1":
 *	{ schema, tool {name, version}, started, finished (UTC, ISO 8601),
 *	  seed, target {spec, backend, fault, features[]},
 *	  summary {total, passed, failed, skipped},
 *	  clauses [{id, title, level, source, facet, needs[], file, line,
 *		    timeout_ms}],
 *	  results [{id, status, duration_ms, messages[], messages_dropped,
 *		    notes[], reason, skip_reason, output, output_dropped,
 *		    signal, exit_status, timed_out}],
 *	  faults [{name, facet, summary, killed_by[], ran[{id, status}]}],
 *	  kill_table null | {complete, faults_unkilled[],
 *			     clauses_killing_nothing[]} }
 * `reason` is the runner's reason for a FAIL (timeout, signal, ...),
 * `skip_reason` the reason of a SKIP; each null otherwise. A seed above
 * INT64_MAX is written as a decimal string.
 *
 * `siovh list --format json`: { schema "siovh-catalog/1", version,
 * clauses [as above] }. `siovh faults --format json`: { schema
 * "siovh-faults/1", target, faults [{name, facet, summary}] }.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "siovh/report.h"

static json_t *strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		if (json_array_append_new(a, json_string(v[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
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

static json_t *clauses_json(const struct siovh_clause *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		if (json_array_append_new(a, clause_json(v[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
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

static json_t *results_json(const struct siovh_run *run)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < run->n; i++) {
		if (json_array_append_new(a, result_json(&run->results[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
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

static json_t *faults_run_json(const struct siovh_kill_table *kt)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && kt && i < kt->nr_faults; i++) {
		if (json_array_append_new(a, fault_json(kt, &kt->faults[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
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

int siovh_report_json(FILE *f, const struct siovh_run *run,
		      const struct siovh_kill_table *kt)
{
	char started[64], finished[64];

	iso_time(&run->started, started, sizeof(started));
	iso_time(&run->finished, finished, sizeof(finished));
	return dump(f, json_pack(
		"{s:s, s:{s:s, s:s}, s:s, s:s, s:o, s:o, "
		"s:{s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:o}",
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
		"results", results_json(run),
		"faults", faults_run_json(kt),
		"kill_table", kt ? kill_table_json(kt) : json_null()));
}

int siovh_catalog_json(FILE *f, const struct siovh_catalog *cat)
{
	return dump(f, json_pack("{s:s, s:s, s:o}",
				 "schema", SIOVH_CATALOG_SCHEMA,
				 "version", SIOVH_VERSION,
				 "clauses", clauses_json(cat->clauses, cat->n)));
}

int siovh_faults_json(FILE *f, const struct siovh_backend *backend)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && backend->faults && backend->faults[i].name; i++) {
		const struct siovh_fault *ft = &backend->faults[i];

		if (json_array_append_new(a, json_pack("{s:s, s:s?, s:s?}",
				"name", ft->name, "facet", ft->facet,
				"summary", ft->summary))) {
			json_decref(a);
			return -ENOMEM;
		}
	}
	return dump(f, json_pack("{s:s, s:s, s:o}",
				 "schema", SIOVH_FAULTS_SCHEMA,
				 "target", backend->name, "faults", a));
}
