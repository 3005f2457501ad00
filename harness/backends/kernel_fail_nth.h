/* SPDX-License-Identifier: MIT */
/*
 * The kernel backend's fail_nth (test.h; kernel.h): the kernel's own
 * per-thread allocation-failure injection, /proc/thread-self/fail-nth
 * (CONFIG_FAULT_INJECTION), the way the kernel's iommufd selftests use it
 * (tools/testing/selftests/iommu/iommufd_fail_nth.c).
 *
 * Writing N there makes the Nth fault-injection point the thread passes
 * from then on fail (each pass counts one down); reading gives what is
 * left: 0 once that point failed (or nothing is armed), else how many it
 * still waits for. That is test.h's nth/left contract as it stands: arm
 * is a write, left is the read before the next write.
 *
 * The points that count are those of the fault attributes the kernel has:
 * failslab (every slab allocation) and fail_page_alloc (page allocations
 * of order >= its min-order, 1 by default, so the user-page faults of the
 * caller's own buffers do not count). By default both ignore allocations
 * that may sleep (GFP_KERNEL: nearly all of iommufd's and VFIO's), so the
 * op is only offered when failslab counts them: its debugfs attribute
 * ignore-gfp-wait reads N (vm-images/init.sh sets it, and fail_page_alloc's,
 * and `verbose` 0 so that an injected failure prints nothing on the
 * console that the VM launcher could take for a kernel bug report).
 *
 * The calling thread must be the one that opened the file (a check's
 * child is single-threaded); the fd stays open for the target's life.
 */
#ifndef SIOVH_BACKENDS_KERNEL_FAIL_NTH_H
#define SIOVH_BACKENDS_KERNEL_FAIL_NTH_H

#include <stddef.h>

/* Env: SIOVH_KERNEL_FAIL_NTH and SIOVH_KERNEL_FAILSLAB_DIR override the
 * two paths (tests). */
#define KFAIL_NTH_PATH		"/proc/thread-self/fail-nth"
#define KFAIL_FAILSLAB_DIR	"/sys/kernel/debug/failslab"

/*
 * Open and probe the fail-nth file of the calling thread: it must be
 * writable (disarming it, "0", succeeds and reads back 0) and failslab
 * must count sleeping allocations. The fd (>= 0), or -1 with why (len
 * bytes) saying what is missing: the skip reason of SIOVH_FEAT_FAIL_NTH.
 */
int kfail_nth_open(char *why, size_t len);

/*
 * test.h fail_nth on the fd kfail_nth_open gave: *left (if not NULL)
 * gets what the previous arming still waited for, then nth is armed
 * (0 disarms). 0 or -errno.
 */
int kfail_nth_arm(int fd, unsigned int nth, unsigned int *left);

#endif /* SIOVH_BACKENDS_KERNEL_FAIL_NTH_H */
