/* SPDX-License-Identifier: MIT */
/*
 * Reading a results.json back (report.h, siovh_results_load): jansson
 * parses, and the checks below make sure every field the HTML page, merge
 * and diff read has the type report.h documents, so that those readers can
 * trust the document. Errors name the file and the JSON path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "siovh/report.h"

#define SCHEMA_PREFIX "siovh-results/"

struct reader {
	const char *path;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int bad(const struct reader *r, const char *where, const char *fmt,
	       ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s: %s: %s", r->path, where, msg);
	return -EINVAL;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

enum want { W_STR, W_STR_NULL, W_INT, W_NUM, W_BOOL, W_ARR, W_OBJ,
	    W_OBJ_NULL, W_STRV };

static bool type_ok(const json_t *v, enum want w)
{
	size_t i;
	json_t *e;

	switch (w) {
	case W_STR: return json_is_string(v);
	case W_STR_NULL: return json_is_string(v) || json_is_null(v);
	case W_INT: return json_is_integer(v);
	case W_NUM: return json_is_number(v);
	case W_BOOL: return json_is_boolean(v);
	case W_ARR: return json_is_array(v);
	case W_OBJ: return json_is_object(v);
	case W_OBJ_NULL: return json_is_object(v) || json_is_null(v);
	case W_STRV:
		if (!json_is_array(v))
			return false;
		json_array_foreach(v, i, e)
			if (!json_is_string(e))
				return false;
		return true;
	}
	return false;
}

static const char *want_name(enum want w)
{
	static const char *const names[] = {
		[W_STR] = "a string", [W_STR_NULL] = "a string or null",
		[W_INT] = "an integer", [W_NUM] = "a number",
		[W_BOOL] = "a boolean", [W_ARR] = "an array",
		[W_OBJ] = "an object", [W_OBJ_NULL] = "an object or null",
		[W_STRV] = "an array of strings",
	};

	return names[w];
}

/* obj.key has type w; a missing key is an error only when required. */
static int field(const struct reader *r, const json_t *obj, const char *at,
		 const char *key, enum want w, bool required)
{
	const json_t *v = json_object_get(obj, key);
	char where[128];

	snprintf(where, sizeof(where), "%s.%s", at, key);
	if (!v)
		return required ? bad(r, where, "missing (expected %s)",
				      want_name(w)) : 0;
	if (!type_ok(v, w))
		return bad(r, where, "expected %s, got %s", want_name(w),
			   type_name(v));
	return 0;
}

struct field_spec {
	const char *key;
	enum want want;
	bool required;
};

static int fields(const struct reader *r, const json_t *obj, const char *at,
		  const struct field_spec *spec, size_t n)
{
	size_t i;
	int ret;

	if (!json_is_object(obj))
		return bad(r, at, "expected an object, got %s",
			   type_name(obj));
	for (i = 0; i < n; i++) {
		ret = field(r, obj, at, spec[i].key, spec[i].want,
			    spec[i].required);
		if (ret)
			return ret;
	}
	return 0;
}

#define FIELDS(r, obj, at, spec) \
	fields(r, obj, at, spec, sizeof(spec) / sizeof(spec[0]))

static int check_schema(const struct reader *r, const json_t *root)
{
	const char *s = json_string_value(json_object_get(root, "schema"));
	int ret = field(r, root, "$", "schema", W_STR, true);

	if (ret)
		return ret;
	if (strncmp(s, SCHEMA_PREFIX, strlen(SCHEMA_PREFIX)))
		return bad(r, "$.schema", "expected \"%s\", got \"%s\"",
			   SIOVH_RESULTS_SCHEMA, s);
	if (strcmp(s, SIOVH_RESULTS_SCHEMA))
		return bad(r, "$.schema",
			   "\"%s\" is not supported: this siovh reads \"%s\"",
			   s, SIOVH_RESULTS_SCHEMA);
	return 0;
}

static int check_clause(const struct reader *r, const json_t *c, size_t i)
{
	static const struct field_spec spec[] = {
		{ "id", W_STR, true }, { "level", W_STR, true },
		{ "title", W_STR_NULL, false }, { "source", W_STR_NULL, false },
		{ "facet", W_STR_NULL, false }, { "needs", W_STRV, false },
		{ "file", W_STR_NULL, false }, { "line", W_INT, false },
	};
	char at[64];

	snprintf(at, sizeof(at), "$.clauses[%zu]", i);
	return FIELDS(r, c, at, spec);
}

static int check_result(const struct reader *r, const json_t *res,
			const json_t *clause, size_t i)
{
	static const struct field_spec spec[] = {
		{ "id", W_STR, true }, { "status", W_STR, true },
		{ "duration_ms", W_NUM, false }, { "messages", W_STRV, false },
		{ "messages_dropped", W_INT, false }, { "notes", W_STRV, false },
		{ "reason", W_STR_NULL, false },
		{ "skip_reason", W_STR_NULL, false },
		{ "output", W_STR, false }, { "output_dropped", W_INT, false },
		{ "signal", W_INT, false }, { "exit_status", W_INT, false },
		{ "timed_out", W_BOOL, false },
	};
	const char *id, *cid, *status;
	char at[64], where[80];
	int ret;

	snprintf(at, sizeof(at), "$.results[%zu]", i);
	ret = FIELDS(r, res, at, spec);
	if (ret)
		return ret;
	id = json_string_value(json_object_get(res, "id"));
	cid = json_string_value(json_object_get(clause, "id"));
	snprintf(where, sizeof(where), "%s.id", at);
	if (strcmp(id, cid))
		return bad(r, where, "\"%s\" is not clauses[%zu]'s \"%s\"", id,
			   i, cid);
	status = json_string_value(json_object_get(res, "status"));
	snprintf(where, sizeof(where), "%s.status", at);
	if (strcmp(status, "pass") && strcmp(status, "fail") &&
	    strcmp(status, "skip"))
		return bad(r, where,
			   "expected \"pass\", \"fail\" or \"skip\", got \"%s\"",
			   status);
	return 0;
}

static int check_runs(const struct reader *r, const json_t *root)
{
	const json_t *clauses = json_object_get(root, "clauses");
	const json_t *results = json_object_get(root, "results");
	size_t i;
	int ret;

	if (json_array_size(results) != json_array_size(clauses))
		return bad(r, "$.results", "%zu results for %zu clauses",
			   json_array_size(results), json_array_size(clauses));
	for (i = 0; i < json_array_size(clauses); i++) {
		ret = check_clause(r, json_array_get(clauses, i), i);
		if (!ret)
			ret = check_result(r, json_array_get(results, i),
					   json_array_get(clauses, i), i);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_faults(const struct reader *r, const json_t *root)
{
	static const struct field_spec spec[] = {
		{ "name", W_STR, true }, { "facet", W_STR_NULL, false },
		{ "summary", W_STR_NULL, false },
		{ "killed_by", W_STRV, true }, { "ran", W_ARR, false },
	};
	static const struct field_spec kt_spec[] = {
		{ "complete", W_BOOL, true },
		{ "faults_unkilled", W_STRV, true },
		{ "clauses_killing_nothing", W_STRV, true },
	};
	const json_t *faults = json_object_get(root, "faults");
	const json_t *kt = json_object_get(root, "kill_table");
	char at[64];
	size_t i;
	int ret;

	for (i = 0; i < json_array_size(faults); i++) {
		snprintf(at, sizeof(at), "$.faults[%zu]", i);
		ret = FIELDS(r, json_array_get(faults, i), at, spec);
		if (ret)
			return ret;
	}
	return json_is_object(kt) ? FIELDS(r, kt, "$.kill_table", kt_spec) :
				    0;
}

static int check_doc(const struct reader *r, const json_t *root)
{
	static const struct field_spec top[] = {
		{ "tool", W_OBJ, false }, { "started", W_STR, false },
		{ "finished", W_STR, false }, { "target", W_OBJ, true },
		{ "summary", W_OBJ, false }, { "clauses", W_ARR, true },
		{ "results", W_ARR, true }, { "faults", W_ARR, false },
		{ "kill_table", W_OBJ_NULL, false }, { "run", W_OBJ, false },
	};
	static const struct field_spec target[] = {
		{ "spec", W_STR, true }, { "backend", W_STR, false },
		{ "fault", W_STR_NULL, false }, { "features", W_STRV, false },
	};
	static const struct field_spec run[] = {
		{ "host", W_STR, false }, { "kernel", W_STR, false },
		{ "machine", W_STR, false },
		{ "git_revision", W_STR_NULL, false },
	};
	const json_t *meta = json_object_get(root, "run");
	int ret;

	if (!json_is_object(root))
		return bad(r, "$", "expected an object, got %s",
			   type_name(root));
	ret = check_schema(r, root);
	if (!ret)
		ret = FIELDS(r, root, "$", top);
	if (!ret)
		ret = FIELDS(r, json_object_get(root, "target"), "$.target",
			     target);
	if (!ret && meta)
		ret = FIELDS(r, meta, "$.run", run);
	if (!ret)
		ret = check_runs(r, root);
	if (!ret)
		ret = check_faults(r, root);
	return ret;
}

int siovh_results_load(const char *path, json_t **out, char *err,
		       size_t errlen)
{
	struct reader r = { .path = path, .err = err, .errlen = errlen };
	json_error_t jerr;
	json_t *root;
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(-ret));
		return ret;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!root) {
		snprintf(err, errlen, "%s:%d:%d: not JSON: %s", path, jerr.line,
			 jerr.column, jerr.text);
		return -EINVAL;
	}
	ret = check_doc(&r, root);
	if (ret) {
		json_decref(root);
		return ret;
	}
	*out = root;
	return 0;
}
