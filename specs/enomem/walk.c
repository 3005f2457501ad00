// SPDX-License-Identifier: MIT
/*
 * The fail-nth walk (walk.h).
 */
#include <errno.h>

#include "siovh/target.h"
#include "walk.h"

static void arm(struct siovh_check *check, unsigned int n, unsigned int *left)
{
	struct siovh_target *t = siovh_check_target(check);

	ASSERT_OK(t->test->fail_nth(t, n, left));
}

unsigned int enomem_walk(struct siovh_check *check,
			 const struct enomem_op *op, void *ctx)
{
	struct siovh_target *t = siovh_check_target(check);
	bool failed_before = siovh_check_failed(check);
	unsigned int n, left, other = 0;
	int ret;

	if (!t->test || !t->test->fail_nth)
		SKIP("the test facet has no fail_nth");
	for (n = 1; n <= ENOMEM_MAX_N; n++) {
		arm(check, n, NULL);
		ret = op->call(check, ctx);
		arm(check, 0, &left);
		if (left) {
			/* Allocation n was never made: nothing failed. */
			if (ret)
				FAIL_FATAL("%s with no allocation failing: %d, expected 0",
					   op->what, ret);
			if (other)
				siovh_note(check, "%s: %u allocation(s) failed in turn (%u of them at the target's fault points that are no allocation, with their own errno)",
					   op->what, n - 1, other);
			else
				siovh_note(check, "%s: %u allocation(s) failed in turn",
					   op->what, n - 1);
			return n - 1;
		}
		if (!ret && op->undo) {
			op->undo(check, ctx);
			continue;
		}
		if (ret && ret != -ENOMEM && t->test->fail_nth_other &&
		    t->test->fail_nth_other(t, ret))
			other++;
		else if (ret != -ENOMEM)
			FAIL("%s with its allocation %u failing: %d, expected -ENOMEM (%d)",
			     op->what, n, ret, -ENOMEM);
		if (!ret)
			FAIL_FATAL("%s succeeded with allocation %u failing: nothing can be checked after that",
				   op->what, n);
		if (op->unchanged)
			op->unchanged(check, ctx);
		if (!failed_before && siovh_check_failed(check))
			FAIL_FATAL("%s: the walk stops at allocation %u (what failed is above)",
				   op->what, n);
	}
	FAIL_FATAL("%s still reaches an allocation after %u failed",
		   op->what, ENOMEM_MAX_N);
	return ENOMEM_MAX_N;
}
