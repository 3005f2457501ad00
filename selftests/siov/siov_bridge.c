/* SPDX-License-Identifier: MIT */
/*
 * The selftests' bridge to siovh's runner: see siov_bridge.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <siovh/runner.h>

#include "siov_bridge.h"

#define SIOV_DEFAULT_TARGET "kernel"
#define SIOV_BUNDLED_PROFILE "src/specs/profiles/ref.json"

/*
 * The ref target finds its device profile relative to siovh's tree, which a
 * bundle in a kernel tree is not. For a ref target, and unless the user set
 * $SIOVH_PROFILE, point it at the bundle's copy next to the program, else at
 * the siovh tree the program was built from (SIOV_REF_PROFILE).
 */
static void ref_profile_default(const struct siovh_target_spec *spec)
{
	char path[PATH_MAX];
	char *slash;
	ssize_t n;

	if (strcmp(spec->backend->name, "ref") || getenv("SIOVH_PROFILE"))
		return;
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		slash = strrchr(path, '/');
		if (slash && (size_t)(slash + 1 - path) +
			     sizeof(SIOV_BUNDLED_PROFILE) <= sizeof(path)) {
			strcpy(slash + 1, SIOV_BUNDLED_PROFILE);
			if (!access(path, R_OK)) {
				setenv("SIOVH_PROFILE", path, 0);
				return;
			}
		}
	}
#ifdef SIOV_REF_PROFILE
	setenv("SIOVH_PROFILE", SIOV_REF_PROFILE, 0);
#endif
}

/* Every line of text as a "# prefix..." KTAP diagnostic line. */
static void log_lines(FILE *log, const char *prefix, const char *text)
{
	const char *nl;

	while (text && *text) {
		nl = strchr(text, '\n');
		fprintf(log, "# %s%.*s\n", prefix,
			(int)(nl ? (size_t)(nl - text) : strlen(text)), text);
		text = nl ? nl + 1 : NULL;
	}
}

static void log_result(FILE *log, const struct siovh_result *r)
{
	size_t i;

	for (i = 0; i < r->nr_messages; i++)
		log_lines(log, "", r->messages[i]);
	if (r->messages_dropped)
		fprintf(log, "# (%zu more failure messages dropped)\n",
			r->messages_dropped);
	for (i = 0; i < r->nr_notes; i++)
		log_lines(log, "note: ", r->notes[i]);
	if (r->status == SIOVH_FAIL && r->output_len)
		log_lines(log, "output| ", r->output);
	fflush(log);
}

static uint64_t seed_from_env(void)
{
	const char *s = getenv("SIOV_SEED");
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return 1;
	errno = 0;
	v = strtoull(s, &end, 0);
	return errno || *end ? 1 : v;
}

/* The clause whose ID is exactly id (the glob could match others). */
static const struct siovh_clause *find_clause(const struct siovh_catalog *cat,
					      const char *id)
{
	size_t i;

	for (i = 0; i < cat->n; i++)
		if (!strcmp(cat->clauses[i]->id, id))
			return cat->clauses[i];
	return NULL;
}

static enum siov_verdict run_one(const struct siovh_target_spec *spec,
				 const struct siovh_clause *clause, FILE *log,
				 char *reason, size_t len)
{
	struct siovh_run_opts opts = { .jobs = 1, .seed = seed_from_env() };
	struct siovh_run run;
	const struct siovh_result *r;
	enum siov_verdict v;
	int ret;

	ret = siovh_run_clauses(spec, &clause, 1, &opts, &run);
	if (ret) {
		snprintf(reason, len, "siovh runner: %s", strerror(-ret));
		return SIOV_ERROR;
	}
	r = &run.results[0];
	log_result(log, r);
	if (r->reason)
		snprintf(reason, len, "%s", r->reason);
	v = r->status == SIOVH_PASS ? SIOV_PASS :
	    r->status == SIOVH_SKIP ? SIOV_SKIP : SIOV_FAIL;
	siovh_run_free(&run);
	return v;
}

enum siov_verdict siov_bridge_run(const char *id, FILE *log, char *reason,
				  size_t len)
{
	const char *target = getenv("SIOV_TARGET");
	struct siovh_target_spec spec;
	struct siovh_catalog cat;
	const struct siovh_clause *clause;
	enum siov_verdict v;
	char err[256];
	int ret;

	reason[0] = '\0';
	if (!target || !*target)
		target = SIOV_DEFAULT_TARGET;
	if (siovh_target_parse(target, &spec, err, sizeof(err))) {
		snprintf(reason, len, "SIOV_TARGET: %s", err);
		return SIOV_ERROR;
	}
	ref_profile_default(&spec);
	ret = siovh_catalog_load(&cat, id, err, sizeof(err));
	if (ret) {
		snprintf(reason, len, "siovh catalog: %s (%s)", strerror(-ret),
			 err);
		return SIOV_ERROR;
	}
	clause = find_clause(&cat, id);
	if (!clause) {
		snprintf(reason, len,
			 "clause %s is not in this build's catalog (stale generated test list?)",
			 id);
		v = SIOV_ERROR;
		goto out;
	}
	v = run_one(&spec, clause, log, reason, len);
out:
	siovh_catalog_free(&cat);
	return v;
}
