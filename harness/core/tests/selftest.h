/* SPDX-License-Identifier: MIT */
/*
 * runner_selftest: the runner, reporters and target parsing tested through
 * their public APIs. The binary links the library but not specs/, so the only
 * clauses registered are the ones in selftest_clauses.c, and they run against
 * the backend in selftest_backend.c.
 *
 * Output is TAP: "ok N description" / "not ok N description" with "# "
 * diagnostics, the plan "1..N" at the end; exit status 1 on any failure.
 */
#ifndef SIOVH_SELFTEST_H
#define SIOVH_SELFTEST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "siovh/report.h"
#include "siovh/runner.h"

struct tap {
	int n;
	int failed;
};

__attribute__((format(printf, 3, 4)))
bool tap_ok(struct tap *t, bool ok, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void tap_diag(const char *fmt, ...);

/* Facets of the test clauses. */
#define ST_FACET "selftest"		/* runner behaviours */
#define ST_FACET_KT "selftest-kt"	/* the kill table */
#define ST_FACET_ORDER "selftest-order"	/* catalog order, never run */
#define ST_FACET_STOP "selftest-stop"	/* signals its runner to stop */

/* SELFTEST.STOP.1 sends this to its runner; selftest_robust.c blocks it. */
#define ST_STOP_SIGNAL SIGUSR1
/* Grandchildren a test expects to be SIGKILLed end themselves this late. */
#define ST_ORPHAN_ALARM_S 5

/* What SELFTEST.OUTPUT.BIG prints: ST_BIG_LINES lines of ST_BIG_LINE bytes. */
#define ST_BIG_LINE 1024
#define ST_BIG_LINES 8192

/* The selftest backend: feature SIOVH_FEAT_IOASID only. */
extern const struct siovh_backend selftest_backend;
/* With spec->arg "fail-open" the backend's open fails with -ENODEV. */
#define ST_ARG_FAIL_OPEN "fail-open"
/* The answer a selftest-kt check reads from t->priv: 42, 43 with fault 0. */
int selftest_answer(struct siovh_target *t);

void selftest_spec(struct siovh_target_spec *spec, const char *arg);
/* The registered clause with this ID, or NULL. */
const struct siovh_clause *selftest_clause(const char *id);
/* The catalog's clauses of one facet, in catalog order. */
size_t selftest_clauses(const char *facet, const struct siovh_clause **out,
			size_t max);
const struct siovh_result *selftest_find(const struct siovh_run *run,
					 const char *id);

void test_runner(struct tap *t, struct siovh_run *run);
void test_kill_table(struct tap *t, struct siovh_run *plain,
		     struct siovh_kill_table *kt);
void test_catalog(struct tap *t);
void test_target_parse(struct tap *t);
void test_reports(struct tap *t, const struct siovh_run *run,
		  const struct siovh_kill_table *kt);
/* ref: test_runner's run, for results to compare with. */
void test_robustness(struct tap *t, const struct siovh_run *ref);
/* Open fds of this process (/proc/self/fd), or -1. */
int selftest_fd_count(void);

/*
 * `runner_selftest --json-canon FILE`: FILE as JSON without the fields that
 * depend on timing (started, finished, duration_ms), for cli_test.sh to
 * compare two runs without python or jq. Exit 1 if FILE is not JSON.
 */
int selftest_json_canon(const char *path);

#endif /* SIOVH_SELFTEST_H */
