// SPDX-License-Identifier: MIT
/*
 * Unit tests of the page request model (prq_model.h), and of its engine
 * (prq_seq.h) against the ref backend: the faithful reference agrees, an
 * injected fault diverges with a report. TAP; exit 1 on any failure.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/ref/tap.h"
#include "siovh/model.h"
#include "siovh/test.h"
#include "prq_model.h"
#include "prq_seq.h"

static void test_wait_and_answer(void)
{
	struct prq_model m;
	int gi;

	prq_model_init(&m, 2, 2);
	EXPECT_EQ(prq_model_submit(&m, 0, 0, false, 1), 1);
	EXPECT_EQ(prq_model_submit(&m, 0, 1, false, 2), -EBUSY);
	prq_model_map(&m, 1);
	EXPECT_EQ(prq_model_submit(&m, 1, 1, true, 3), 0);
	EXPECT_EQ(m.q[1].status, PRQ_ST_SUCCESS);
	gi = prq_model_next_unread(&m);
	ASSERT_TRUE(gi >= 0);
	EXPECT_EQ(prq_model_respond(&m, 9, true), -EINVAL);	/* unread */
	EXPECT_EQ(prq_model_read(&m, gi, 9), 0);
	EXPECT_EQ(prq_model_next_unread(&m), -1);
	EXPECT_EQ(prq_model_respond(&m, 9, false), 0);
	EXPECT_EQ(m.q[0].status, PRQ_ST_FAULT);
	EXPECT_EQ(prq_model_respond(&m, 9, false), -EINVAL);	/* answered */
	EXPECT_EQ(prq_model_live(&m), 0);
}

static void test_reset_and_requeue(void)
{
	struct prq_model m;
	uint32_t c;
	int gi;

	prq_model_init(&m, 2, 2);
	EXPECT_EQ(prq_model_submit(&m, 0, 0, false, 1), 1);
	prq_model_reset(&m, 0);
	EXPECT_TRUE(!m.q[0].waiting && m.q[0].leeway);
	gi = prq_model_next_unread(&m);
	ASSERT_TRUE(gi >= 0 && m.g[gi].orphan);
	EXPECT_EQ(prq_model_read(&m, gi, 4), 0);
	EXPECT_EQ(prq_model_submit(&m, 0, 1, false, 2), 1);
	EXPECT_EQ(prq_model_read(&m, prq_model_next_unread(&m), 4), -EEXIST);
	EXPECT_EQ(prq_model_respond(&m, 4, true), 0);	/* the orphan */
	EXPECT_TRUE(m.q[0].waiting);
	EXPECT_TRUE(prq_model_answered(&m, 0, &c) && c == 4);
	prq_model_requeue(&m);
	EXPECT_TRUE(!m.q[0].waiting && m.q[0].status == PRQ_ST_FAULT);
	EXPECT_EQ(prq_model_live(&m), 0);
	EXPECT_TRUE(!prq_model_answered(&m, 0, &c));
}

static bool open_ref(const char *text, struct siovh_target *t)
{
	struct siovh_target_spec spec;
	char err[256];

	return !siovh_target_parse(text, &spec, err, sizeof(err)) &&
	       !siovh_target_open(&spec, t);
}

/* 10 seeded sequences of 120 operations on target text: the first
 * non-0 result of the engine. */
static int run_on(const char *text, char *report, size_t len)
{
	const char *path;
	struct siovh_profile *p = NULL;
	struct siovh_target t;
	struct prq_seq *s;
	uint8_t buf[120 * PRQ_SEQ_OP_BYTES];
	int i, ret = -EINVAL;

	if (!open_ref(text, &t))
		return -ENODEV;
	path = siovh_profile_path_of(&t);
	if (!path || siovh_profile_load(path, &p, report, len))
		goto out;
	for (i = 0, ret = 0; !ret && i < 10; i++) {
		siovh_seq_fill(77 + (uint64_t)i, buf, sizeof(buf));
		ret = prq_seq_open(&t, p, &s);
		if (ret)
			break;
		ret = prq_seq_run_bytes(s, buf, sizeof(buf));
		snprintf(report, len, "%s", prq_seq_report(s));
		prq_seq_close(s);
	}
out:
	siovh_profile_free(p);
	siovh_target_close(&t);
	return ret;
}

static void test_engine(void)
{
	char report[4096] = "";

	EXPECT_EQ(run_on("ref", report, sizeof(report)), 0);
	EXPECT_EQ(run_on("ref:fault=iommufd-write-partial", report,
			 sizeof(report)), 1);
	EXPECT_TRUE(strstr(report, "last operations") != NULL);
}

/* Entries of /proc/self/fd (with . and .. and the walk's own fd): only
 * ever compared with another count. */
static int fds_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * A requeue whose nth allocation fails undoes what it made: walking n up
 * until the requeue no longer hits the armed failure, every engine closes
 * with the fds it opened with, and the next requeue on a fresh engine works.
 */
static void test_requeue_unwinds(void)
{
	const uint8_t op[PRQ_SEQ_OP_BYTES] = { PRQ_OP_REQUEUE };
	struct siovh_profile *p = NULL;
	struct siovh_target t;
	struct prq_seq *s;
	unsigned int nth, left = 0, fired = 0;
	char err[256];
	int before;

	ASSERT_TRUE(open_ref("ref", &t));
	if (!EXPECT_TRUE(siovh_profile_path_of(&t) &&
			 !siovh_profile_load(siovh_profile_path_of(&t), &p,
					     err, sizeof(err))))
		goto out;
	before = fds_open();
	for (nth = 1; nth < 64; nth++) {
		if (!EXPECT_EQ(prq_seq_open(&t, p, &s), 0))
			break;
		t.test->fail_nth(&t, nth, NULL);
		prq_seq_run_bytes(s, op, sizeof(op));
		t.test->fail_nth(&t, 0, &left);
		prq_seq_close(s);
		if (!EXPECT_EQ(fds_open(), before))
			break;
		if (left)	/* not reached: the requeue needs fewer */
			break;
		fired++;
	}
	/* the queue's and the nested HWPT's allocations both failed once */
	EXPECT_TRUE(fired >= 2);
	EXPECT_TRUE(left > 0);
	if (EXPECT_EQ(prq_seq_open(&t, p, &s), 0)) {
		EXPECT_EQ(prq_seq_run_bytes(s, op, sizeof(op)), 0);
		prq_seq_close(s);
	}
out:
	siovh_profile_free(p);
	siovh_target_close(&t);
}

int main(void)
{
	static const struct tap_test tests[] = {
		{ "a wait, a read, an answer", test_wait_and_answer },
		{ "reset orphans, requeue forgets", test_reset_and_requeue },
		{ "engine: ref agrees, a fault diverges", test_engine },
		{ "engine: a failed requeue leaks no fd", test_requeue_unwinds },
	};

	return tap_run(tests, sizeof(tests) / sizeof(tests[0]));
}
