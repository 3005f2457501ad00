/* SPDX-License-Identifier: MIT */
/*
 * Test clauses that misbehave on purpose: crash, abort, hang, exit early,
 * print megabytes, fail EXPECTs and ASSERTs, skip, need a missing feature.
 * selftest_main.c and selftest_robust.c state what the runner must make of
 * each.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/internal.h"	/* the result frames */
#include "selftest.h"
#include "siovh/spec.h"

#if defined(__SANITIZE_ADDRESS__)
#define ST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ST_ASAN 1
#endif
#endif

SIOVH_CLAUSE(st_pass, .id = "SELFTEST.PASS.1", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "passes, with a note and output",
	     .source = "derived: runner self-test",
	     .needs = SIOVH_FEAT_IOASID)
{
	printf("hello from the check\n");
	siovh_note(check, "seed is %llu",
		   (unsigned long long)siovh_check_seed(check));
	EXPECT_TRUE(siovh_check_target(check) != NULL);
}

SIOVH_CLAUSE(st_segv, .id = "SELFTEST.CRASH.SEGV", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "dies of SIGSEGV",
	     .source = "derived: runner self-test")
{
	volatile uintptr_t addr = 16;	/* opaque to the compiler */
	volatile int *bad = (int *)addr;

	(void)check;
	printf("about to crash\n");
	/* A sanitizer's SEGV handler would turn this into an exit(1). */
	signal(SIGSEGV, SIG_DFL);
	*bad = 1;
}

SIOVH_CLAUSE(st_abort, .id = "SELFTEST.CRASH.ABORT", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "aborts",
	     .source = "derived: runner self-test")
{
	(void)check;
	fprintf(stderr, "about to abort\n");
	abort();
}

SIOVH_CLAUSE(st_hang, .id = "SELFTEST.HANG.1", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "hangs past its timeout, with a child",
	     .source = "derived: runner self-test", .timeout_ms = 300)
{
	(void)check;
	/* A grandchild holding the pipes must die with the group. */
	if (fork() == 0)
		for (;;)
			pause();
	for (;;)
		pause();
}

SIOVH_CLAUSE(st_noisy, .id = "SELFTEST.HANG.NOISY", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "prints without pause past its timeout",
	     .source = "derived: runner self-test", .timeout_ms = 300)
{
	(void)check;
	for (;;)
		fputs("noise noise noise noise noise noise noise noise\n", stdout);
}

SIOVH_CLAUSE(st_exit, .id = "SELFTEST.EXIT.EARLY", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "calls exit(0) before finishing",
	     .source = "derived: runner self-test")
{
	(void)check;
	exit(0);
}

SIOVH_CLAUSE(st_big, .id = "SELFTEST.OUTPUT.BIG", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "prints 8 MiB to stdout",
	     .source = "derived: runner self-test")
{
	char line[ST_BIG_LINE + 1];
	int i, n;

	(void)check;
	for (i = 0; i < ST_BIG_LINES; i++) {
		n = snprintf(line, sizeof(line), "line %05d ", i);
		memset(line + n, 'x', ST_BIG_LINE - 1 - (size_t)n);
		line[ST_BIG_LINE - 1] = '\n';
		fwrite(line, 1, ST_BIG_LINE, stdout);
	}
}

SIOVH_CLAUSE(st_expect, .id = "SELFTEST.EXPECT.1", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "fails EXPECTs and goes on",
	     .source = "derived: runner self-test")
{
	int value = 3, ret = -EBUSY;
	uint64_t zero = 0, max = UINT64_MAX;

	EXPECT_EQ(value, 2);
	EXPECT_OK(ret);
	EXPECT_ERRNO(0, -ENOENT);
	EXPECT_LT(value, 1);
	EXPECT_LE(zero, max);		/* holds: compared as unsigned */
	EXPECT_GT(zero, max);
	siovh_note(check, "after the EXPECTs, failed=%d",
		   siovh_check_failed(check));
}

SIOVH_CLAUSE(st_assert, .id = "SELFTEST.ASSERT.1", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "fails an ASSERT, which ends it",
	     .source = "derived: runner self-test")
{
	int value = 3;

	ASSERT_EQ(value, 2);
	printf("not reached\n");
	siovh_note(check, "not reached");
}

SIOVH_CLAUSE(st_many, .id = "SELFTEST.EXPECT.MANY", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "fails 150 EXPECTs",
	     .source = "derived: runner self-test")
{
	int i;

	for (i = 0; i < 150; i++)
		EXPECT_EQ(i, -1);
}

SIOVH_CLAUSE(st_skip, .id = "SELFTEST.SKIP.1", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "skips with a reason",
	     .source = "derived: runner self-test")
{
	SKIP("no widget %d here", 7);
	FAIL("reached past SKIP");
}

SIOVH_CLAUSE(st_needs, .id = "SELFTEST.NEEDS.1", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "needs a feature the target lacks",
	     .source = "derived: runner self-test",
	     .needs = SIOVH_FEAT_IOASID | SIOVH_FEAT_VFIO_DEVICE)
{
	printf("ran anyway\n");
	FAIL("a check whose feature is missing ran");
}

#ifdef ST_ASAN
SIOVH_CLAUSE(st_asan, .id = "SELFTEST.CRASH.ASAN", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "overflows a heap buffer",
	     .source = "derived: runner self-test")
{
	size_t len = 8 + (siovh_check_seed(check) != 0);	/* 9: one too many */
	char *p = malloc(8);

	memset(p, 1, len);
	printf("%d\n", p[0]);	/* keeps the memset */
	free(p);
}
#endif

/* Sorted last: the run went on past everything above. */
SIOVH_CLAUSE(st_last, .id = "SELFTEST.ZZZ.LAST", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "passes after all of the above",
	     .source = "derived: runner self-test")
{
	EXPECT_EQ(siovh_check_seed(check), 1234);
}

/* ---- the kill table ---------------------------------------------------- */

SIOVH_CLAUSE(st_kt_answer, .id = "SELFTEST.KT.1", .level = SIOVH_MUST,
	     .facet = ST_FACET_KT, .title = "the answer is 42",
	     .source = "derived: runner self-test")
{
	EXPECT_EQ(selftest_answer(siovh_check_target(check)), 42);
}

SIOVH_CLAUSE(st_kt_blind, .id = "SELFTEST.KT.2", .level = SIOVH_MUST,
	     .facet = ST_FACET_KT, .title = "checks nothing",
	     .source = "derived: runner self-test")
{
	EXPECT_TRUE(true);
}

/* ---- catalog order: registered, never run ------------------------------ */

SIOVH_CLAUSE(st_order10, .id = "SELFTEST.ORDER.10", .level = SIOVH_MAY,
	     .facet = ST_FACET_ORDER, .title = "sorts after ORDER.2",
	     .source = "derived: runner self-test")
{
	(void)check;
}

SIOVH_CLAUSE(st_order2, .id = "SELFTEST.ORDER.2", .level = SIOVH_SHOULD,
	     .facet = ST_FACET_ORDER, .title = "sorts before ORDER.10",
	     .source = "derived: runner self-test")
{
	(void)check;
}

/* ---- a broken result stream, escapes, closed pipes --------------------- */

/* Write raw bytes to the result pipe, as a buggy or hostile check could. */
static void raw_result(const void *buf, size_t len)
{
	if (write(3, buf, len) != (ssize_t)len)
		abort();
}

SIOVH_CLAUSE(st_garbled_type, .id = "SELFTEST.GARBLED.TYPE",
	     .level = SIOVH_MUST, .facet = ST_FACET,
	     .title = "sends a frame of an unknown type, then finishes",
	     .source = "derived: runner self-test")
{
	struct siovh_frame f = { .type = 99, .len = 0 };

	(void)check;
	raw_result(&f, sizeof(f));
}

SIOVH_CLAUSE(st_garbled_len, .id = "SELFTEST.GARBLED.LEN",
	     .level = SIOVH_MUST, .facet = ST_FACET,
	     .title = "sends a frame claiming 4 GiB, then finishes",
	     .source = "derived: runner self-test")
{
	struct siovh_frame f = { .type = SIOVH_FRAME_MESSAGE, .len = ~0u };

	(void)check;
	raw_result(&f, sizeof(f));
}

SIOVH_CLAUSE(st_garbled_tail, .id = "SELFTEST.GARBLED.TAIL",
	     .level = SIOVH_MUST, .facet = ST_FACET,
	     .title = "sends DONE and half a frame, exits 0",
	     .source = "derived: runner self-test")
{
	struct siovh_frame f = { .type = SIOVH_FRAME_DONE, .len = 0 };

	(void)check;
	raw_result(&f, sizeof(f));
	raw_result(&f, 3);
	_exit(0);
}

SIOVH_CLAUSE(st_cut_kill, .id = "SELFTEST.CUT.KILL", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "is SIGKILLed in the middle of a frame",
	     .source = "derived: runner self-test")
{
	struct siovh_frame f = { .type = SIOVH_FRAME_MESSAGE, .len = 100 };

	(void)check;
	raw_result(&f, sizeof(f));
	raw_result("0123456789", 10);
	raise(SIGKILL);
}

SIOVH_CLAUSE(st_closed, .id = "SELFTEST.HANG.CLOSED", .level = SIOVH_MUST,
	     .facet = ST_FACET, .title = "closes all its pipes, then loops",
	     .source = "derived: runner self-test", .timeout_ms = 300)
{
	(void)check;
	close(1);
	close(2);
	close(3);
	for (;;)
		pause();
}

/*
 * A grandchild in a session of its own escapes the process-group kill and
 * holds the pipes open: the runner must not wait for their EOF.
 */
SIOVH_CLAUSE(st_escape, .id = "SELFTEST.ESCAPE.1", .level = SIOVH_MUST,
	     .facet = ST_FACET,
	     .title = "leaves a grandchild holding its pipes, passes",
	     .source = "derived: runner self-test")
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		setsid();
		alarm(ST_ORPHAN_ALARM_S);
		for (;;)
			pause();
	}
}

/* Its runner is told to stop while it and a grandchild hang. */
SIOVH_CLAUSE(st_stop, .id = "SELFTEST.STOP.1", .level = SIOVH_MUST,
	     .facet = ST_FACET_STOP,
	     .title = "signals its runner to stop, then hangs with a child",
	     .source = "derived: runner self-test", .timeout_ms = 20000)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		alarm(ST_ORPHAN_ALARM_S);
		for (;;)
			pause();
	}
	kill(getppid(), ST_STOP_SIGNAL);
	for (;;)
		pause();
}
