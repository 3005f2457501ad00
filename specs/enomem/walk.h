/* SPDX-License-Identifier: MIT */
/*
 * The fail-nth walk of the *.ENOMEM clauses (specs/enomem): make the 1st,
 * 2nd, ... allocation of one target operation fail (test.h fail_nth) until
 * the operation gets through without reaching the armed one, and check each
 * failure. This is how the kernel's iommufd selftests reach the error
 * paths of an ioctl (tools/testing/selftests/iommu/iommufd_fail_nth.c does
 * it with /proc/thread-self/fail-nth); the clauses state what those paths
 * must do: return -ENOMEM and leave no partial object behind.
 */
#ifndef SIOVH_SPECS_ENOMEM_WALK_H
#define SIOVH_SPECS_ENOMEM_WALK_H

#include <stdbool.h>

#include "siovh/spec.h"

#define NEEDS_FAIL_NTH (SIOVH_FEAT_FAIL_NTH)
#define SRC_ENOMEM_H "linux/iommufd.h, \"General ioctl format\" (\"ENOMEM: Out of memory\")"
#define SRC_ENOMEM_DERIVED "derived: an operation that fails changes nothing (the kernel's iommufd selftests, iommufd_fail_nth.c, check every ioctl's allocation failures this way)"

/* Allocations the walk tries at most before it calls the op endless. */
#define ENOMEM_MAX_N 256

struct enomem_op {
	const char *what;		/* "IOMMU_IOAS_MAP", for messages */
	/* The operation: 0 or -errno. */
	int (*call)(struct siovh_check *check, void *ctx);
	/*
	 * After a failed call: EXPECT the state to be what it was before.
	 * NULL when the call that finally succeeds is what shows it (a
	 * report that must still give everything the failed ones did not).
	 */
	void (*unchanged)(struct siovh_check *check, void *ctx);
	/*
	 * After a call that succeeded although an allocation failed (it
	 * could do without it): undo it, so the next n starts from the same
	 * state. NULL: such a success is a failure of the clause.
	 */
	void (*undo)(struct siovh_check *check, void *ctx);
};

/*
 * Walk op: for n = 1, 2, ... arm the nth allocation, call, disarm. A call
 * that reached the armed allocation must fail with -ENOMEM (or succeed
 * with an undo), and then unchanged() runs; the first call that did not
 * reach it must succeed, and is left in place (the op has been done once).
 * On a target whose armed points include some that are no allocation
 * (test.h fail_nth_other: a kernel with CONFIG_IOMMUFD_TEST), a failure
 * with the errno such a point gives is taken as -ENOMEM is.
 * Returns how many allocations failed along the way; the check ends when
 * the walk does not finish within ENOMEM_MAX_N. SKIPs on a target without
 * the fail_nth op.
 */
unsigned int enomem_walk(struct siovh_check *check,
			 const struct enomem_op *op, void *ctx);

#endif /* SIOVH_SPECS_ENOMEM_WALK_H */
