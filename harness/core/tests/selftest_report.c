/* SPDX-License-Identifier: MIT */
/*
 * Reporter tests: write every report of a run into a temporary directory,
 * read them back (results.json with jansson, junit.xml with libxml2's parser,
 * the KTAP files as text), and check that a failed write leaves the previous
 * file intact and no temporary file behind.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "selftest.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (m) {
		while ((c = fgetc(f)) != EOF)
			fputc(c, m);
		fclose(m);
	}
	fclose(f);
	return buf;
}

static size_t count_lines(const char *text, const char *prefix,
			  const char *infix)
{
	size_t n = 0, plen = strlen(prefix);
	const char *p = text, *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		if (!strncmp(p, prefix, plen) && (!infix || (strstr(p, infix) &&
		    (!nl || strstr(p, infix) < nl))))
			n++;
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

static bool no_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool ok = true;

	if (!d)
		return false;
	while ((e = readdir(d)))
		ok &= !strstr(e->d_name, ".tmp-") && !strstr(e->d_name, "probe");
	closedir(d);
	return ok;
}

static bool json_str_is(json_t *obj, const char *key, const char *want)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s && want && !strcmp(s, want);
}

static bool json_results_match(const struct siovh_run *run, json_t *results)
{
	size_t i;

	if (json_array_size(results) != run->n)
		return false;
	for (i = 0; i < run->n; i++) {
		const struct siovh_result *r = &run->results[i];
		json_t *j = json_array_get(results, i);

		if (!json_str_is(j, "id", r->clause->id) ||
		    !json_str_is(j, "status", siovh_status_name(r->status)) ||
		    json_integer_value(json_object_get(j, "signal")) != r->signal ||
		    json_is_true(json_object_get(j, "timed_out")) != r->timed_out ||
		    (uint64_t)json_integer_value(json_object_get(j,
				"output_dropped")) != r->output_dropped ||
		    json_array_size(json_object_get(j, "messages")) !=
				r->nr_messages ||
		    json_string_length(json_object_get(j, "output")) !=
				r->output_len)
			return false;
		if (r->status == SIOVH_SKIP &&
		    !json_str_is(j, "skip_reason", r->reason))
			return false;
		if (r->status == SIOVH_FAIL && r->reason &&
		    !json_str_is(j, "reason", r->reason))
			return false;
	}
	return true;
}

static void check_json(struct tap *t, const char *dir,
		       const struct siovh_run *run,
		       const struct siovh_kill_table *kt)
{
	char path[4096];
	json_error_t jerr;
	json_t *root, *kill, *faults;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	root = json_load_file(path, 0, &jerr);
	if (!tap_ok(t, root != NULL, "results.json parses")) {
		tap_diag("%s:%d: %s", path, jerr.line, jerr.text);
		return;
	}
	tap_ok(t, json_str_is(root, "schema", SIOVH_RESULTS_SCHEMA) &&
		  json_str_is(json_object_get(root, "tool"), "version",
			      SIOVH_VERSION) &&
		  json_integer_value(json_object_get(root, "seed")) ==
			(json_int_t)run->seed &&
		  json_str_is(json_object_get(root, "target"), "spec",
			      run->spec.text) &&
		  json_is_string(json_object_get(root, "started")) &&
		  json_array_size(json_object_get(root, "clauses")) == run->n,
	       "results.json: schema, version, seed, target, clauses");
	tap_ok(t, json_results_match(run, json_object_get(root, "results")),
	       "results.json: every result in order, with its fields");
	kill = json_object_get(root, "kill_table");
	faults = json_object_get(root, "faults");
	if (!kt) {
		tap_ok(t, json_is_null(kill) && json_array_size(faults) == 0,
		       "results.json without faults: kill_table null");
	} else {
		json_t *killers = json_object_get(json_array_get(faults, 0),
						  "killed_by");

		tap_ok(t, json_is_false(json_object_get(kill, "complete")) &&
			  json_array_size(faults) == kt->nr_faults &&
			  json_array_size(killers) == 1 &&
			  !strcmp(json_string_value(json_array_get(killers, 0)),
				  "SELFTEST.KT.1") &&
			  !strcmp(json_string_value(json_array_get(
				  json_object_get(kill, "faults_unkilled"), 0)),
				  "unkillable"),
		       "results.json: faults, killers and gaps");
	}
	json_decref(root);
}

/* Drop what depends on timing, at any depth. */
static void json_drop_timing(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_del(j, "started");
		json_object_del(j, "finished");
		json_object_del(j, "duration_ms");
		json_object_foreach(j, key, v)
			json_drop_timing(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			json_drop_timing(v);
	}
}

int selftest_json_canon(const char *path)
{
	json_error_t jerr;
	json_t *root;
	int ret;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
		return 1;
	}
	json_drop_timing(root);
	ret = json_dumpf(root, stdout, JSON_INDENT(1));
	json_decref(root);
	if (ret || putchar('\n') == EOF || fflush(stdout))
		return 1;
	return 0;
}

static void count_elements(xmlNode *node, size_t *cases, size_t *failures,
			   size_t *skipped)
{
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		*cases += !xmlStrcmp(node->name, (const xmlChar *)"testcase");
		*failures += !xmlStrcmp(node->name, (const xmlChar *)"failure");
		*skipped += !xmlStrcmp(node->name, (const xmlChar *)"skipped");
		count_elements(node->children, cases, failures, skipped);
	}
}

static void check_junit(struct tap *t, const char *dir,
			const struct siovh_run *run)
{
	size_t cases = 0, failures = 0, skipped = 0;
	char path[4096];
	xmlDoc *doc;

	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
				      XML_PARSE_HUGE);
	if (!tap_ok(t, doc != NULL, "junit.xml is well-formed XML"))
		return;
	count_elements(xmlDocGetRootElement(doc), &cases, &failures, &skipped);
	tap_ok(t, cases == run->n && failures == run->failed &&
		  skipped == run->skipped,
	       "junit.xml: %zu testcases, %zu failures, %zu skipped", cases,
	       failures, skipped);
	xmlFreeDoc(doc);
}

static void check_ktap(struct tap *t, const char *dir,
		       const struct siovh_run *run,
		       const struct siovh_kill_table *kt)
{
	char path[4096], plan[64];
	char *text;

	snprintf(path, sizeof(path), "%s/results.ktap", dir);
	text = slurp(path);
	snprintf(plan, sizeof(plan), "KTAP version 1\n1..%zu\n", run->n);
	tap_ok(t, text && !strncmp(text, plan, strlen(plan)) &&
		  count_lines(text, "not ok ", NULL) == run->failed &&
		  count_lines(text, "ok ", "# SKIP ") == run->skipped &&
		  !strstr(text, " \n"),
	       "results.ktap: version, plan right after it, a line per result, no trailing blank");
	if (selftest_find(run, "SELFTEST.NEEDS.1"))
		tap_ok(t, text && strstr(text, " SELFTEST.NEEDS.1 needs a feature the target lacks # SKIP target lacks feature 'vfio-device'\n"),
		       "results.ktap: a skip is 'ok', then the SKIP directive and its reason");
	free(text);
	snprintf(path, sizeof(path), "%s/faults.ktap", dir);
	if (!kt) {
		tap_ok(t, access(path, F_OK) != 0,
		       "no faults.ktap without a kill table");
		return;
	}
	text = slurp(path);
	snprintf(plan, sizeof(plan), "KTAP version 1\n1..%zu\n",
		 kt->nr_faults + run->n);
	tap_ok(t, text && !strncmp(text, plan, strlen(plan)) &&
		  strstr(text, "\nok 1 fault answer-off-by-one killed by SELFTEST.KT.1\n") &&
		  strstr(text, "\nnot ok 2 fault unkillable killed by no clause\n") &&
		  strstr(text, "\nnot ok 4 clause SELFTEST.KT.2 kills no fault\n"),
	       "faults.ktap: a line per fault, then per clause");
	free(text);
}

static int write_garbage_then_fail(FILE *f, const void *arg)
{
	(void)arg;
	fputs("{ \"half\": ", f);
	return -EIO;
}

static void check_atomic(struct tap *t, const char *dir)
{
	char path[4096], bad[4096], err[512];
	char *before, *after;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	before = slurp(path);
	ret = siovh_write_atomic(path, write_garbage_then_fail, NULL, err,
				 sizeof(err));
	after = slurp(path);
	tap_ok(t, ret == -EIO && before && after && !strcmp(before, after) &&
		  strstr(err, "results.json") && no_temp_files(dir),
	       "a failed write leaves the old file and no temp file: %s", err);
	free(before);
	free(after);

	snprintf(bad, sizeof(bad), "%s/plain-file", dir);
	f = fopen(bad, "w");
	if (f)
		fclose(f);
	snprintf(bad, sizeof(bad), "%s/plain-file/reports", dir);
	ret = siovh_report_dir_prepare(bad, err, sizeof(err));
	tap_ok(t, ret == -ENOTDIR && strstr(err, bad) && !strchr(err, '\n'),
	       "a report dir under a regular file is refused: %s", err);
	snprintf(bad, sizeof(bad), "%s/plain-file", dir);
	ret = siovh_report_dir_prepare(bad, err, sizeof(err));
	tap_ok(t, ret == -ENOTDIR, "a regular file is no report dir: %s", err);
	unlink(bad);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void test_reports(struct tap *t, const struct siovh_run *run,
		  const struct siovh_kill_table *kt)
{
	char top[] = "/tmp/siovh-selftest-XXXXXX";
	char dir[256], err[512];
	int ret;

	if (!tap_ok(t, mkdtemp(top) != NULL, "temporary directory"))
		return;
	snprintf(dir, sizeof(dir), "%s/nested/reports", top);
	ret = siovh_report_dir_prepare(dir, err, sizeof(err));
	tap_ok(t, !ret && no_temp_files(dir),
	       "the report dir is created with its parents");
	ret = siovh_report_write(dir, run, kt, err, sizeof(err));
	if (tap_ok(t, !ret, "reports written%s%s", ret ? ": " : "",
		   ret ? err : "")) {
		tap_ok(t, no_temp_files(dir), "no temporary file is left");
		check_json(t, dir, run, kt);
		check_junit(t, dir, run);
		check_ktap(t, dir, run, kt);
		check_atomic(t, dir);
	}
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
