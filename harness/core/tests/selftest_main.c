/* SPDX-License-Identifier: MIT */
/*
 * runner_selftest's main and the runner, kill-table, catalog and target
 * parsing tests (see selftest.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest.h"

bool tap_ok(struct tap *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	t->failed += !ok;
	fflush(stdout);
	return ok;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

size_t selftest_clauses(const char *facet, const struct siovh_clause **out,
			size_t max)
{
	struct siovh_catalog cat;
	char err[256];
	size_t i, n = 0;

	if (siovh_catalog_load(&cat, NULL, err, sizeof(err)))
		return 0;
	for (i = 0; i < cat.n && n < max; i++)
		if (!strcmp(cat.clauses[i]->facet, facet))
			out[n++] = cat.clauses[i];
	siovh_catalog_free(&cat);
	return n;
}

const struct siovh_clause *selftest_clause(const char *id)
{
	const struct siovh_clause *found = NULL;
	struct siovh_catalog cat;
	char err[256];
	size_t i;

	if (siovh_catalog_load(&cat, NULL, err, sizeof(err)))
		return NULL;
	for (i = 0; i < cat.n && !found; i++)
		if (!strcmp(cat.clauses[i]->id, id))
			found = cat.clauses[i];
	siovh_catalog_free(&cat);
	return found;
}

const struct siovh_result *selftest_find(const struct siovh_run *run,
					 const char *id)
{
	size_t i;

	for (i = 0; i < run->n; i++)
		if (!strcmp(run->results[i].clause->id, id))
			return &run->results[i];
	return NULL;
}

static bool has(const char *s, const char *needle)
{
	return s && strstr(s, needle);
}

static bool eq(const char *s, const char *want)
{
	if (s && !strcmp(s, want))
		return true;
	tap_diag("got '%s', expected '%s'", s ? s : "(null)", want);
	return false;
}

static void diag_result(const struct siovh_result *r)
{
	size_t i;

	tap_diag("%s: status %s, reason '%s', signal %d, exit %d, timed_out %d",
		 r->clause->id, siovh_status_name(r->status),
		 r->reason ? r->reason : "(null)", r->signal, r->exit_status,
		 r->timed_out);
	for (i = 0; i < r->nr_messages && i < 5; i++)
		tap_diag("  message: %s", r->messages[i]);
	tap_diag("  output (%zu bytes): %.200s", r->output_len,
		 r->output ? r->output : "");
}

/* The result with this ID, or a failed test line saying it is missing. */
static const struct siovh_result *get(struct tap *t,
				      const struct siovh_run *run,
				      const char *id)
{
	const struct siovh_result *r = selftest_find(run, id);

	if (!r)
		tap_ok(t, false, "%s has a result", id);
	return r;
}

static void test_crashes(struct tap *t, const struct siovh_run *run)
{
	const struct siovh_result *r;

	if ((r = get(t, run, "SELFTEST.CRASH.SEGV")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && r->signal == SIGSEGV &&
		    eq(r->reason, "killed by signal 11 (SIGSEGV)") &&
		    has(r->output, "about to crash\n"),
		    "a segfault is a FAIL with its signal and captured output"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.CRASH.ABORT")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && r->signal == SIGABRT &&
		    eq(r->reason, "killed by signal 6 (SIGABRT)") &&
		    has(r->output, "about to abort\n"),
		    "an abort is a FAIL with SIGABRT and stderr captured"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.HANG.1")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && r->timed_out &&
		    r->signal == SIGKILL &&
		    eq(r->reason, "timed out after 300 ms") &&
		    r->duration_ns >= 300000000ull &&
		    r->duration_ns < 5000000000ull,
		    "a hang is killed at its 300 ms timeout (took %llu ms)",
		    (unsigned long long)r->duration_ns / 1000000))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.HANG.NOISY")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && r->timed_out &&
		    r->output_dropped > 0 && r->duration_ns < 5000000000ull,
		    "a check printing without pause still times out (%llu bytes dropped)",
		    (unsigned long long)r->output_dropped))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.EXIT.EARLY")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && !r->timed_out &&
		    !r->signal && r->exit_status == 0 &&
		    eq(r->reason, "exited with status 0 before the check finished"),
		    "exit(0) before the end of the check is a FAIL"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.HANG.CLOSED")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && r->timed_out &&
		    eq(r->reason, "timed out after 300 ms") &&
		    r->duration_ns < 5000000000ull,
		    "a check that closes its pipes and loops is timed out"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.ESCAPE.1")) &&
	    !tap_ok(t, r->status == SIOVH_PASS &&
		    r->duration_ns < (ST_ORPHAN_ALARM_S - 2) * 1000000000ull,
		    "a grandchild holding the pipes does not hold up the result (%llu ms)",
		    (unsigned long long)r->duration_ns / 1000000))
		diag_result(r);
	r = selftest_find(run, "SELFTEST.CRASH.ASAN");
	if (r && !tap_ok(t, r->status == SIOVH_FAIL &&
			 has(r->output, "AddressSanitizer") &&
			 has(r->reason, "before the check finished"),
			 "an ASan report lands in the captured output"))
		diag_result(r);
}

static void test_output(struct tap *t, const struct siovh_run *run)
{
	const uint64_t total = (uint64_t)ST_BIG_LINE * ST_BIG_LINES;
	const uint64_t dropped = total - SIOVH_OUTPUT_HEAD - SIOVH_OUTPUT_TAIL;
	const struct siovh_result *r;
	char marker[64], last[32];

	r = get(t, run, "SELFTEST.OUTPUT.BIG");
	if (!r)
		return;
	snprintf(marker, sizeof(marker), "\n[siovh: %llu bytes dropped]\n",
		 (unsigned long long)dropped);
	snprintf(last, sizeof(last), "line %05d x", ST_BIG_LINES - 1);
	tap_ok(t, r->status == SIOVH_PASS, "printing 8 MiB is not a failure");
	tap_ok(t, r->output_dropped == dropped,
	       "8 MiB of output: %llu bytes dropped (expected %llu)",
	       (unsigned long long)r->output_dropped,
	       (unsigned long long)dropped);
	tap_ok(t, r->output_len == SIOVH_OUTPUT_HEAD + strlen(marker) - 1 +
				   SIOVH_OUTPUT_TAIL &&
		  !strncmp(r->output, "line 00000 x", 12) &&
		  has(r->output, marker) &&
		  has(r->output + r->output_len - ST_BIG_LINE, last) &&
		  r->output[r->output_len - 1] == '\n',
	       "the first 64 KiB and the last 16 KiB are kept, with a marker (%zu bytes)",
	       r->output_len);
}

static void test_expect(struct tap *t, const struct siovh_run *run)
{
	const struct siovh_result *r;

	if ((r = get(t, run, "SELFTEST.EXPECT.1")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && !r->reason &&
		    r->nr_messages == 5 &&
		    has(r->messages[0], "harness/core/tests/selftest_clauses.c:") &&
		    has(r->messages[0], ": EXPECT_EQ(value, 2): got 3, expected 2") &&
		    has(r->messages[1], ": EXPECT_OK(ret): got -EBUSY (-16), expected 0") &&
		    has(r->messages[2], ": EXPECT_ERRNO(0, -ENOENT): got 0, expected -ENOENT (-2)") &&
		    has(r->messages[3], ": EXPECT_LT(value, 1): got 3, expected < 1") &&
		    has(r->messages[4], ": EXPECT_GT(zero, max): got 0, expected > 18446744073709551615 (0xffffffffffffffff)") &&
		    r->nr_notes == 1 &&
		    eq(r->notes[0], "after the EXPECTs, failed=1"),
		    "failed EXPECTs say expected and actual, and the check goes on"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.ASSERT.1")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && !r->reason &&
		    r->exit_status == 0 && r->nr_messages == 1 &&
		    has(r->messages[0], ": ASSERT_EQ(value, 2): got 3, expected 2") &&
		    !r->nr_notes && !has(r->output, "not reached"),
		    "a failed ASSERT ends the check as a plain FAIL"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.EXPECT.MANY")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL &&
		    r->nr_messages == SIOVH_MAX_MESSAGES &&
		    r->messages_dropped == 150 - SIOVH_MAX_MESSAGES,
		    "failure messages are capped at %u, the rest counted",
		    SIOVH_MAX_MESSAGES))
		diag_result(r);
}

/* A broken result stream is a FAIL that says so, never a PASS or a hang. */
static void test_garbled(struct tap *t, const struct siovh_run *run)
{
	static const char *const ids[] = {
		"SELFTEST.GARBLED.TYPE", "SELFTEST.GARBLED.LEN",
		"SELFTEST.GARBLED.TAIL",
	};
	const struct siovh_result *r;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if ((r = get(t, run, ids[i])) &&
		    !tap_ok(t, r->status == SIOVH_FAIL && r->exit_status == 0 &&
			    eq(r->reason, "garbled result stream from the check's process"),
			    "%s: a FAIL for a garbled result stream", ids[i]))
			diag_result(r);
	if ((r = get(t, run, "SELFTEST.CUT.KILL")) &&
	    !tap_ok(t, r->status == SIOVH_FAIL && r->signal == SIGKILL &&
		    !r->nr_messages &&
		    eq(r->reason, "killed by signal 9 (SIGKILL)"),
		    "SIGKILL in the middle of a frame: a FAIL with the signal"))
		diag_result(r);
}

static void test_verdicts(struct tap *t, const struct siovh_run *run)
{
	const struct siovh_result *r;

	if ((r = get(t, run, "SELFTEST.PASS.1")) &&
	    !tap_ok(t, r->status == SIOVH_PASS && !r->reason &&
		    eq(r->output, "hello from the check\n") &&
		    r->nr_notes == 1 && eq(r->notes[0], "seed is 1234") &&
		    r->exit_status == 0 && r->duration_ns > 0,
		    "a passing check: PASS, notes, output, the seed"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.SKIP.1")) &&
	    !tap_ok(t, r->status == SIOVH_SKIP &&
		    eq(r->reason, "no widget 7 here") && !r->nr_messages,
		    "SKIP() ends the check as skipped with its reason"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.NEEDS.1")) &&
	    !tap_ok(t, r->status == SIOVH_SKIP &&
		    eq(r->reason, "target lacks feature 'vfio-device'") &&
		    !r->output_len,
		    "a clause needing a missing feature is skipped unrun"))
		diag_result(r);
	if ((r = get(t, run, "SELFTEST.ZZZ.LAST")) &&
	    !tap_ok(t, r->status == SIOVH_PASS,
		    "the run went on past crashes, hangs and failures"))
		diag_result(r);
}

void test_runner(struct tap *t, struct siovh_run *run)
{
	const struct siovh_clause *list[64];
	struct siovh_target_spec spec;
	struct siovh_run_opts opts = {
		.jobs = 2, .seed = 1234, .timeout_scale = 1.0,
	};
	struct siovh_run bad;
	char *prog = NULL;
	size_t n, i, proglen = 0, lines = 0;
	bool ordered = true;
	int ret, fds;

	selftest_spec(&spec, NULL);
	n = selftest_clauses(ST_FACET, list, 64);
	opts.progress = open_memstream(&prog, &proglen);
	fds = selftest_fd_count();
	ret = siovh_run_clauses(&spec, list, n, &opts, run);
	tap_ok(t, fds > 0 && selftest_fd_count() == fds,
	       "no fd leaks across %zu children (%d open before and after)", n,
	       fds);
	fclose(opts.progress);
	if (!tap_ok(t, ret == 0 && run->n == n && n >= 12,
		    "run_clauses ran %zu self-test clauses with 2 jobs", n))
		exit(1);
	for (i = 0; i < n; i++)
		ordered &= run->results[i].clause == list[i];
	tap_ok(t, ordered, "results are stored in clause order");
	tap_ok(t, run->passed + run->failed + run->skipped == n,
	       "counts add up: %zu passed, %zu failed, %zu skipped",
	       run->passed, run->failed, run->skipped);
	tap_ok(t, run->features_known && run->features == SIOVH_FEAT_IOASID,
	       "the target's features are learnt from the children");
	for (i = 0; prog && i < proglen; i++)
		lines += prog[i] == '[' && (!i || prog[i - 1] == '\n');
	tap_ok(t, lines == n && has(prog, "] SKIP SELFTEST.NEEDS.1 (") &&
		  has(prog, "] FAIL SELFTEST.CRASH.SEGV (") &&
		  has(prog, "        killed by signal 11 (SIGSEGV)"),
	       "one progress line per result, failures explained");
	free(prog);
	test_verdicts(t, run);
	test_crashes(t, run);
	test_garbled(t, run);
	test_output(t, run);
	test_expect(t, run);

	selftest_spec(&spec, ST_ARG_FAIL_OPEN);
	ret = siovh_run_clauses(&spec, list, 1, &opts, &bad);
	tap_ok(t, !ret && bad.results[0].status == SIOVH_FAIL &&
		  eq(bad.results[0].reason,
		     "cannot open target 'selftest:fail-open': No such device (-ENODEV)"),
	       "a target that does not open fails the check with the reason");
	if (!ret)
		siovh_run_free(&bad);
}

void test_kill_table(struct tap *t, struct siovh_run *plain,
		     struct siovh_kill_table *kt)
{
	const struct siovh_clause *list[8];
	struct siovh_run_opts opts = { .jobs = 2, .timeout_scale = 1.0 };
	struct siovh_target_spec spec;
	struct siovh_kill_table one;
	struct siovh_run plain1;
	int *faults = NULL, sel = 0;
	size_t n, nr = 0;
	char err[256];
	int ret, fds;

	selftest_spec(&spec, NULL);
	n = selftest_clauses(ST_FACET_KT, list, 8);
	ret = siovh_run_clauses(&spec, list, n, &opts, plain);
	if (!tap_ok(t, !ret && n == 2 && plain->passed == 2,
		    "kill table: both clauses pass on the plain target"))
		exit(1);
	ret = siovh_faults_select(&selftest_backend, "all", &faults, &nr, err,
				  sizeof(err));
	tap_ok(t, !ret && nr == 2 && faults[0] == 0 && faults[1] == 1,
	       "--faults all selects every fault in table order");
	fds = selftest_fd_count();
	ret = siovh_kill_table_build(plain, faults, nr, &opts, NULL, kt);
	free(faults);
	if (!tap_ok(t, !ret && kt->nr_faults == 2, "kill table built"))
		exit(1);
	tap_ok(t, selftest_fd_count() == fds,
	       "no fd leaks across the kill table's runs");
	tap_ok(t, kt->faults[0].nr_killers == 1 && kt->faults[0].killers[0] == 0 &&
		  kt->faults[1].nr_killers == 0 && kt->kills[0] == 1 &&
		  kt->kills[1] == 0,
	       "a failing clause kills its fault; a passing one does not");
	tap_ok(t, !kt->complete && kt->faults_unkilled == 1 &&
		  kt->clauses_killing_nothing == 1,
	       "gaps: one fault unkilled, one clause killing nothing");

	ret = siovh_faults_select(&selftest_backend, "nosuch", &faults, &nr,
				  err, sizeof(err));
	tap_ok(t, ret == -EINVAL && has(err, "unknown fault 'nosuch'") &&
		  has(err, "siovh faults"),
	       "an unknown fault is named: %s", err);
	ret = siovh_faults_select(&selftest_backend, "unkillable,,x", &faults,
				  &nr, err, sizeof(err));
	tap_ok(t, ret == -EINVAL && has(err, "empty fault name"),
	       "an empty fault name is refused: %s", err);
	ret = siovh_faults_select(&selftest_backend, "unkillable,unkillable",
				  &faults, &nr, err, sizeof(err));
	tap_ok(t, !ret && nr == 1 && faults[0] == 1,
	       "a fault named twice is selected once");
	free(faults);

	ret = siovh_run_clauses(&spec, list, 1, &opts, &plain1);
	if (!ret)
		ret = siovh_kill_table_build(&plain1, &sel, 1, &opts, NULL, &one);
	tap_ok(t, !ret && one.complete, "a killed fault and a killing clause: complete");
	if (!ret) {
		siovh_kill_table_free(&one);
		siovh_run_free(&plain1);
	}
}

void test_catalog(struct tap *t)
{
	struct siovh_catalog cat;
	size_t i, i2 = 0, i10 = 0;
	bool sorted = true, crash = true;
	char err[256];
	int ret;

	ret = siovh_catalog_load(&cat, NULL, err, sizeof(err));
	for (i = 0; !ret && i < cat.n; i++) {
		if (i)
			sorted &= strverscmp(cat.clauses[i - 1]->id,
					     cat.clauses[i]->id) < 0;
		if (!strcmp(cat.clauses[i]->id, "SELFTEST.ORDER.2"))
			i2 = i;
		if (!strcmp(cat.clauses[i]->id, "SELFTEST.ORDER.10"))
			i10 = i;
	}
	tap_ok(t, !ret && sorted && i2 && i10 == i2 + 1,
	       "the catalog is sorted by version order (ORDER.2 < ORDER.10)");
	siovh_catalog_free(&cat);
	ret = siovh_catalog_load(&cat, "SELFTEST.CRASH.*", err, sizeof(err));
	for (i = 0; !ret && i < cat.n; i++)
		crash &= !strncmp(cat.clauses[i]->id, "SELFTEST.CRASH.", 15);
	tap_ok(t, !ret && crash && cat.n >= 2,
	       "a glob filter selects by ID (%zu clauses)", cat.n);
	siovh_catalog_free(&cat);
	ret = siovh_catalog_load(&cat, "NO.SUCH.*", err, sizeof(err));
	tap_ok(t, !ret && cat.n == 0, "a glob matching nothing gives 0 clauses");
	siovh_catalog_free(&cat);
}

void test_target_parse(struct tap *t)
{
	struct siovh_target_spec spec;
	char err[512];
	int ret;

	ret = siovh_target_parse("nosuch", &spec, err, sizeof(err));
	tap_ok(t, ret == -EINVAL && has(err, "unknown target 'nosuch'") &&
		  has(err, "ref") && !strchr(err, '\n'),
	       "an unknown backend is named, with the known ones: %s", err);
	ret = siovh_target_parse("ref:fault=nosuch-fault", &spec, err,
				 sizeof(err));
	tap_ok(t, ret == -EINVAL && has(err, "nosuch-fault") &&
		  has(err, "siovh faults"),
	       "an unknown fault is named: %s", err);
	ret = siovh_target_parse("ref:bogus=1", &spec, err, sizeof(err));
	tap_ok(t, ret == -EINVAL && has(err, "unknown option 'bogus=1'"),
	       "an unknown option is named: %s", err);
	ret = siovh_target_parse("ref:", &spec, err, sizeof(err));
	tap_ok(t, ret == -EINVAL, "an empty option is refused: %s", err);
	ret = siovh_target_parse("ref", &spec, err, sizeof(err));
	tap_ok(t, !ret && !strcmp(spec.backend->name, "ref") &&
		  spec.fault == -1 && !strcmp(spec.text, "ref"),
	       "'ref' parses");
	tap_ok(t, eq(siovh_feature_name(SIOVH_FEAT_IOASID), "ioasid") &&
		  eq(siovh_feature_name(SIOVH_FEAT_VFIO_DEVICE), "vfio-device") &&
		  !siovh_feature_name(1ull << 63) && !siovh_feature_name(3),
	       "feature names");
}

int main(int argc, char **argv)
{
	struct siovh_run run, plain;
	struct siovh_kill_table kt;
	struct tap t = { 0 };

	if (argc == 3 && !strcmp(argv[1], "--json-canon"))
		return selftest_json_canon(argv[2]);

	test_catalog(&t);
	test_target_parse(&t);
	test_runner(&t, &run);
	test_kill_table(&t, &plain, &kt);
	test_reports(&t, &run, NULL);
	test_reports(&t, &plain, &kt);
	test_robustness(&t, &run);
	siovh_kill_table_free(&kt);
	siovh_run_free(&plain);
	siovh_run_free(&run);
	printf("1..%d\n", t.n);
	return t.failed ? 1 : 0;
}
