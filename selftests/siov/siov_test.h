/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every generated siov_<facet>.c program is made of: one kselftest
 * test per siovh clause, run through the bridge (siov_bridge.h).
 *
 * kselftest_harness.h is the kernel tree's own, found on the include path at
 * build time (never copied into siovh), hence this file's licence.
 *
 *	SIOV_CLAUSE(IOMMUFD_IOAS_1, "IOMMUFD.IOAS.1", 30)
 *
 * is the test "siov.IOMMUFD_IOAS_1": it runs the clause and passes, fails
 * (with the clause's evidence as "# " lines) or skips with the clause's
 * reason. The last argument is the harness's timeout in seconds, above the
 * clause's own deadline, which siovh's runner enforces first.
 *
 * Exit code: kselftest_harness.h exits 0 when no test failed, even when every
 * test skipped. A kselftest program that ran nothing should say so with
 * KSFT_SKIP (4), so an exit handler turns "no pass, no fail, some skips"
 * into exit code 4. It reads the counters kselftest.h keeps in this
 * translation unit (ksft_cnt), which is why it lives here.
 */
#ifndef SIOV_TEST_H
#define SIOV_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "siov_bridge.h"

FIXTURE(siov) {
	int unused;
};

FIXTURE_SETUP(siov)
{
}

FIXTURE_TEARDOWN(siov)
{
}

static void siov_run(struct __test_metadata *_metadata, const char *id)
{
	char reason[512];
	enum siov_verdict v;

	v = siov_bridge_run(id, stdout, reason, sizeof(reason));
	switch (v) {
	case SIOV_PASS:
		return;
	case SIOV_SKIP:
		SKIP(return, "%s: %s", id, reason);
	case SIOV_FAIL:
		if (reason[0])
			ksft_print_msg("%s: %s\n", id, reason);
		break;
	case SIOV_ERROR:
		ksft_print_msg("%s: cannot run: %s\n", id, reason);
		break;
	}
	EXPECT_EQ(SIOV_PASS, v) TH_LOG("clause %s did not pass", id);
}

#define SIOV_CLAUSE(name, id, timeout_s)				\
	TEST_F_TIMEOUT(siov, name, timeout_s)				\
	{								\
		siov_run(_metadata, id);				\
	}

/* All skipped and nothing else: KSFT_SKIP (see the header comment). */
static void siov_exit_skip(void)
{
	if (!ksft_cnt.ksft_pass && !ksft_cnt.ksft_fail &&
	    !ksft_cnt.ksft_xfail && ksft_cnt.ksft_xskip) {
		fflush(NULL);
		_exit(KSFT_SKIP);
	}
}

static void __attribute__((constructor)) siov_exit_setup(void)
{
	atexit(siov_exit_skip);
}

#endif /* SIOV_TEST_H */
