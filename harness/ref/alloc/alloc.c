// SPDX-License-Identifier: MIT
/*
 * The reference's allocator with fail-nth injection; contract in alloc.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "alloc.h"

/*
 * Allocations still to go before the armed one fails; 0: disarmed. Thread
 * local because the kernel's fail-nth is per task: a check's own threads
 * (SIOVH_FEAT_IOASID_THREADS) must not consume each other's arming.
 */
static _Thread_local unsigned int fail_countdown;

unsigned int ref_fail_nth_arm(unsigned int nth)
{
	unsigned int left = fail_countdown;

	fail_countdown = nth;
	return left;
}

/* Count one allocation; true when it is the one armed to fail. */
static bool fail_this_one(void)
{
	if (!fail_countdown)
		return false;
	if (--fail_countdown)
		return false;
	errno = ENOMEM;
	return true;
}

void *ref_malloc(size_t size)
{
	return fail_this_one() ? NULL : malloc(size);
}

void *ref_calloc(size_t nmemb, size_t size)
{
	return fail_this_one() ? NULL : calloc(nmemb, size);
}

void *ref_realloc(void *ptr, size_t size)
{
	return fail_this_one() ? NULL : realloc(ptr, size);
}
