/* SPDX-License-Identifier: MIT */
/*
 * The runner: the clause catalog, running checks in isolated children, and
 * the fault-kill table. Public to siovh's CLI, the benchmark and the tests.
 *
 * Catalog. Clauses register themselves from constructors (SIOVH_CLAUSE in
 * spec.h). siovh_catalog_load() returns them sorted by ID with strverscmp()
 * ("X.2" before "X.10"), optionally filtered by an fnmatch() glob on the ID.
 * The order depends only on the IDs, never on link or constructor order.
 *
 * Isolation. Every check runs in its own fork()ed child, in its own process
 * group, with stdin on /dev/null and stdout+stderr captured through a pipe.
 * The child opens the target, skips the check (without running it) when the
 * target lacks a feature the clause needs, runs the check, closes the target
 * and reports over a second pipe. The parent runs up to `jobs` children at
 * once, multiplexed with poll() over the pipes and a pidfd per child. A check
 * that outlives its deadline has its process group SIGKILLed. A crash, a
 * timeout, or an exit before the check finished is a FAIL with the reason;
 * a failed ASSERT is an ordinary FAIL (the check ended as it asked to).
 *
 * Determinism. results[i] belongs to clauses[i] whatever --jobs is; only the
 * progress lines come in completion order.
 *
 * Parallelism. --jobs is an upper bound: when starting one more child fails
 * for want of file descriptors or processes (EMFILE, ENFILE, EAGAIN, ENOMEM)
 * while others run, the runner waits for one of them to finish and tries
 * again, so a low RLIMIT_NOFILE slows a run down instead of failing it.
 *
 * Stopping. With opts->stop_signals, those signals (which the caller has
 * blocked) are watched through a signalfd. When one is pending, every running
 * check's process group is SIGKILLed and reaped and siovh_run_clauses()
 * returns -EINTR, leaving the signal pending so that the caller can clean up
 * and then unblock it to die of it.
 *
 * Timeouts. A check's deadline is clause->timeout_ms, else opts->timeout_ms,
 * else SIOVH_DEFAULT_TIMEOUT_MS, multiplied by opts->timeout_scale (0 means:
 * the environment variable SIOVH_TIMEOUT_SCALE if it is a positive number,
 * else 1), e.g. for slow sanitizer builds.
 *
 * Ownership. Everything in a struct siovh_run is owned by it and freed by
 * siovh_run_free(); clause pointers point into the registry (static storage).
 * Functions returning int return 0 or -errno.
 */
#ifndef SIOVH_RUNNER_H
#define SIOVH_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "spec.h"
#include "target.h"

#ifndef SIOVH_VERSION
#define SIOVH_VERSION "0.1.0"
#endif

#define SIOVH_DEFAULT_TIMEOUT_MS 10000u
/* Captured output: the first HEAD and the last TAIL bytes are kept. */
#define SIOVH_OUTPUT_HEAD (64u * 1024)
#define SIOVH_OUTPUT_TAIL (16u * 1024)
/* Failure messages kept per check; further ones are counted. */
#define SIOVH_MAX_MESSAGES 100u

/* ---- catalog ---------------------------------------------------------- */

struct siovh_catalog {
	const struct siovh_clause **clauses;	/* sorted by ID */
	size_t n;
};

/*
 * Every registered clause whose ID matches glob (NULL: all), sorted.
 * -EEXIST (with the ID in err) if two clauses share an ID, -ENOMEM.
 * A glob matching nothing is not an error here: cat->n is 0.
 */
int siovh_catalog_load(struct siovh_catalog *cat, const char *glob,
		       char *err, size_t errlen);
void siovh_catalog_free(struct siovh_catalog *cat);

const char *siovh_level_name(enum siovh_level level);	/* "MUST", ... */

/* ---- running ---------------------------------------------------------- */

enum siovh_status {
	SIOVH_PASS = 0,
	SIOVH_FAIL = 1,
	SIOVH_SKIP = 2,
};

const char *siovh_status_name(enum siovh_status status); /* "pass", ... */

struct siovh_result {
	const struct siovh_clause *clause;
	enum siovh_status status;
	/*
	 * SKIP: why. FAIL: the runner's reason when the check did not end
	 * normally ("timed out after 300 ms", "killed by signal 11 (SIGSEGV)",
	 * "exited with status 0 before the check finished", "cannot open
	 * target ..."); NULL when it failed only through EXPECT/ASSERT/FAIL.
	 */
	char *reason;
	char **messages;		/* failure messages, "file:line: ..." */
	size_t nr_messages;
	size_t messages_dropped;	/* beyond SIOVH_MAX_MESSAGES */
	char **notes;			/* siovh_note() evidence */
	size_t nr_notes;
	/*
	 * Captured stdout+stderr as valid UTF-8 text (invalid bytes and control
	 * characters other than tab/newline/CR become U+FFFD). When bytes were
	 * dropped, a line "[siovh: N bytes dropped]" sits between head and tail.
	 */
	char *output;
	size_t output_len;
	uint64_t output_dropped;	/* raw bytes not kept */
	int signal;			/* terminating signal, 0 if none */
	int exit_status;		/* exit status, -1 if killed by a signal */
	bool timed_out;
	uint64_t duration_ns;		/* fork to reap, CLOCK_MONOTONIC */
};

/* Called in the parent as each result completes (completion order). */
typedef void (*siovh_result_cb)(const struct siovh_result *result,
				size_t index, size_t done, size_t total,
				void *arg);

struct siovh_run_opts {
	unsigned int jobs;		/* children at once; 0 means 1 */
	uint64_t seed;			/* siovh_check_seed() */
	unsigned int timeout_ms;	/* default deadline; 0: the default */
	double timeout_scale;		/* 0: $SIOVH_TIMEOUT_SCALE or 1 */
	FILE *progress;			/* a line per result, or NULL */
	siovh_result_cb on_result;	/* optional */
	void *arg;
	const sigset_t *stop_signals;	/* blocked by the caller; or NULL */
};

struct siovh_run {
	struct siovh_target_spec spec;
	const struct siovh_clause **clauses;	/* copy of the list run */
	struct siovh_result *results;		/* results[i] for clauses[i] */
	size_t n;
	uint64_t seed;
	uint64_t features;		/* as reported by an opened target */
	bool features_known;
	struct timespec started, finished;	/* CLOCK_REALTIME */
	size_t passed, failed, skipped;
};

/*
 * Run clauses[0..n) against spec. 0 when every check produced a result
 * (whatever the verdicts), -EINTR when a stop signal came, -errno when the
 * runner itself failed (pipe, fork, memory); on any error no child is left
 * and *run holds nothing that needs freeing.
 */
int siovh_run_clauses(const struct siovh_target_spec *spec,
		      const struct siovh_clause *const *clauses, size_t n,
		      const struct siovh_run_opts *opts, struct siovh_run *run);
void siovh_run_free(struct siovh_run *run);

/* The deadline run_clauses uses for a clause, in ms. */
unsigned int siovh_clause_timeout_ms(const struct siovh_clause *clause,
				     const struct siovh_run_opts *opts);

/* Default progress printer (what opts->progress uses). */
void siovh_print_result(FILE *f, const struct siovh_result *result,
			size_t done, size_t total);

/* ---- fault-kill table ------------------------------------------------- */

/*
 * For each selected fault of the backend, every clause of the fault's facet
 * that PASSED on the plain target is run against "BACKEND:fault=NAME". The
 * fault is killed by each such clause that FAILs there (a SKIP is not a
 * kill; a clause that did not pass on the plain target cannot kill, since
 * its failure would prove nothing). The table is complete when every fault
 * is killed by at least one clause and every clause that passed on the plain
 * target kills at least one fault.
 */
struct siovh_fault_run {
	const struct siovh_fault *fault;
	int index;			/* into the backend's faults */
	struct siovh_run run;		/* the clauses run against this fault */
	size_t *killers;		/* indices into plain->clauses */
	size_t nr_killers;
};

struct siovh_kill_table {
	const struct siovh_run *plain;	/* not owned */
	struct siovh_fault_run *faults;
	size_t nr_faults;
	size_t *kills;			/* per plain clause: faults it kills */
	bool *eligible;			/* per plain clause: passed on plain */
	size_t faults_unkilled;		/* gaps: faults nobody kills */
	size_t clauses_killing_nothing;	/* gaps: eligible, kill nothing */
	bool complete;
};

/*
 * Parse "all" or "NAME[,NAME...]" against backend's fault table into a
 * malloc()ed array of indices (in table order for "all", in the order given
 * otherwise, duplicates removed). -EINVAL with a one-line err naming the bad
 * part (an unknown fault, an empty name, a backend without faults).
 */
int siovh_faults_select(const struct siovh_backend *backend, const char *list,
			int **out, size_t *nr, char *err, size_t errlen);

/*
 * Build the table. opts as for siovh_run_clauses (its progress stream is
 * not used for the per-check lines); a line per fault goes to progress
 * ("[fault 3/40] NAME: killed by 4 clauses") when it is not NULL. -EINTR
 * when a stop signal came (opts->stop_signals), with nothing to free.
 */
int siovh_kill_table_build(const struct siovh_run *plain, const int *faults,
			   size_t nr_faults, const struct siovh_run_opts *opts,
			   FILE *progress, struct siovh_kill_table *kt);
void siovh_kill_table_free(struct siovh_kill_table *kt);
/* Print the gaps, one per line; nothing when complete. */
void siovh_kill_table_print_gaps(FILE *f, const struct siovh_kill_table *kt);

#endif /* SIOVH_RUNNER_H */
