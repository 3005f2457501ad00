/* SPDX-License-Identifier: MIT */
/*
 * Reports of a run (DESIGN.md, "Outputs").
 *
 * In a report directory:
 *	results.ktap	KTAP v1: one line per clause of the plain run
 *	faults.ktap	KTAP v1: the fault-kill table (only with faults)
 *	junit.xml	JUnit XML: a testsuite per facet, a testcase per clause
 *	results.json	JSON, schema "siovh-results/1" (SIOVH_RESULTS_SCHEMA)
 *	conformance/index.html  the HTML conformance page (report_html.c)
 *	index.html	links to the reports found in the directory
 *
 * Every file is written atomically: into a temporary file in the same
 * directory, flushed, fsync()ed and renamed over the old one. On any error
 * the temporary file is removed and the previous file stays as it was, so a
 * killed or failed run never leaves a half-written report behind.
 *
 * KTAP v1 (Documentation/dev-tools/ktap.rst): the version line, the plan
 * "1..N" right after it, then per clause its "# " diagnostics followed by
 * "ok N ID TITLE", "not ok N ID TITLE" or "ok N ID TITLE # SKIP REASON".
 *
 * JSON schema "siovh-results/1". Within one schema version fields are only
 * ever added, never renamed, removed or retyped; consumers ignore fields
 * they do not know. A breaking change bumps the number. Key order is as
 * listed. "str?" is a string or null.
 *
 *	schema		"siovh-results/1"
 *	tool		{ name "siovh", version str }
 *	started, finished  UTC, "YYYY-MM-DDTHH:MM:SS.mmmZ"
 *	seed		integer; a decimal string when above 2^63-1
 *	target		{ spec str (as given), backend str, fault str?,
 *			  features [str] (what the opened target reported;
 *			  "bit N" for an unnamed bit; [] if it never opened) }
 *	summary		{ total, passed, failed, skipped: integers }
 *	clauses		[ { id, title str?, level "MUST"|"SHOULD"|"MAY",
 *			    source str?, facet str?, needs [str], file str?,
 *			    line int, timeout_ms int (0: the run's default) } ]
 *			in catalog order (IDs in strverscmp() order)
 *	results		[ { id, status "pass"|"fail"|"skip", duration_ms number,
 *			    messages [str] (EXPECT/ASSERT/FAIL, at most
 *			    SIOVH_MAX_MESSAGES), messages_dropped int,
 *			    notes [str], reason str? (why a FAIL did not end
 *			    normally: timeout, signal, early exit, ...),
 *			    skip_reason str?, output str (captured, UTF-8),
 *			    output_dropped int, signal int (0: none),
 *			    exit_status int (-1: killed), timed_out bool } ]
 *			results[i] is clauses[i]'s, whatever --jobs was
 *	faults		[ { name, facet str?, summary str?, killed_by [clause
 *			    id], ran [ { id, status } ] } ] in selection order;
 *			[] without a kill table
 *	kill_table	null without a kill table, else { complete bool,
 *			  faults_unkilled [fault name],
 *			  clauses_killing_nothing [clause id] }
 *	run		(added later, additive) where the run was made:
 *			{ host str (gethostname), kernel str (uname release),
 *			  machine str (uname machine), git_revision str?
 *			  ($SIOVH_GIT_REVISION, set by the Makefile) }; the
 *			same names as bench.json's "run"
 *
 * Only started, finished and duration_ms depend on when and how fast the run
 * went; for a deterministic target everything else is a function of the
 * catalog, the target and the seed.
 *
 * `siovh list --format json`: { schema "siovh-catalog/1", version str,
 * clauses [as in results.json] }. `siovh faults --format json`: { schema
 * "siovh-faults/1", target str, faults [ { name, facet str?, summary str? } ] }.
 *
 * JSON goes through jansson and XML through libxml2's xmlTextWriter; no
 * escaping is done by hand. All text from checks is already valid UTF-8
 * (runner.h). Functions return 0 or -errno; those taking err write a
 * one-line message naming the file or directory on failure.
 */
#ifndef SIOVH_REPORT_H
#define SIOVH_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "runner.h"

#define SIOVH_RESULTS_SCHEMA "siovh-results/1"
#define SIOVH_CATALOG_SCHEMA "siovh-catalog/1"
#define SIOVH_FAULTS_SCHEMA "siovh-faults/1"

/*
 * Make sure dir exists (creating missing parents) and that files can be
 * created in it, by creating and removing a probe file. Existing files are
 * not touched. Meant to run before anything else, so that a bad --report is
 * a usage error rather than a lost run.
 */
int siovh_report_dir_prepare(const char *dir, char *err, size_t errlen);

/*
 * Write every report of the run into dir (faults.ktap only when kt, whose
 * kt->plain must be run).
 */
int siovh_report_write(const char *dir, const struct siovh_run *run,
		       const struct siovh_kill_table *kt, char *err,
		       size_t errlen);

/*
 * Atomic replacement of path by what fn writes to f. fn returns 0 or
 * -errno; stream errors are caught after it returns.
 */
typedef int (*siovh_write_fn)(FILE *f, const void *arg);
int siovh_write_atomic(const char *path, siovh_write_fn fn, const void *arg,
		       char *err, size_t errlen);

/* The individual formats, to any stream. */
int siovh_report_ktap(FILE *f, const struct siovh_run *run);
int siovh_report_faults_ktap(FILE *f, const struct siovh_kill_table *kt);
int siovh_report_junit(FILE *f, const struct siovh_run *run);
/* kt may be NULL: "faults" is then [] and "kill_table" null. */
int siovh_report_json(FILE *f, const struct siovh_run *run,
		      const struct siovh_kill_table *kt);

/* `siovh list --format json` and `siovh faults --format json`. */
int siovh_catalog_json(FILE *f, const struct siovh_catalog *cat);
int siovh_faults_json(FILE *f, const struct siovh_backend *backend);

/*
 * The results.json document of a run as a jansson object (what
 * siovh_report_json() serializes); NULL without memory. json_decref() it.
 */
struct json_t;
struct json_t *siovh_report_json_doc(const struct siovh_run *run,
				     const struct siovh_kill_table *kt);

/* ---- reading results back (report_read.c) ------------------------------ */

/*
 * Read a results.json and check what every reader relies on: "schema" is
 * "siovh-results/1" (any other major version is refused by name), target
 * has a "spec" string, clauses[i] has an "id" and a "level", results[i] has
 * the same "id" as clauses[i] and a "status" of pass, fail or skip; every
 * other field the reports use has its documented type when present. On
 * error, -errno (unreadable) or -EINVAL (bad content) and err says
 * "FILE: $.json.path: what was expected, what came".
 */
int siovh_results_load(const char *path, struct json_t **out, char *err,
		       size_t errlen);

/* ---- HTML (report_html*.c) --------------------------------------------- */

/* One column of the conformance matrix. */
struct siovh_html_run {
	const char *label;		/* column heading */
	const char *path;		/* the results.json, or NULL */
	const struct json_t *doc;	/* a siovh-results/1 document */
};

struct siovh_html_opts {
	const char *title;		/* NULL: "siovh conformance" */
	/* Coverage traceability ("siovh-trace/1", coverage.sh) or NULL. */
	const struct json_t *trace;
	const char *coverage_href;	/* the lcov report, relative, or NULL */
	/* One more link in the page's navigation ("TEXT=HREF"), or NULL. */
	const char *link;
};

/*
 * The conformance page: one self-contained HTML5 file (inline CSS and a
 * small optional script, no external assets). All text goes through
 * libxml2's xmlTextWriter, which escapes it.
 */
int siovh_report_html(FILE *f, const struct siovh_html_run *runs, size_t n,
		      const struct siovh_html_opts *opts);

/* Atomically write the conformance page to path (creating its directory). */
int siovh_report_html_write(const char *path,
			    const struct siovh_html_run *runs, size_t n,
			    const struct siovh_html_opts *opts, char *err,
			    size_t errlen);

/*
 * dir/index.html: links to what dir holds of conformance/index.html,
 * coverage/index.html (with coverage/summary.json's figures), bench.json,
 * fuzz/ reports, each with when and on what it was produced (from
 * results.json's and bench.json's run metadata).
 */
int siovh_report_index_write(const char *dir, char *err, size_t errlen);

#endif /* SIOVH_REPORT_H */
