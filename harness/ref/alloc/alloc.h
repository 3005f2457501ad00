/* SPDX-License-Identifier: MIT */
/*
 * Memory allocation for the reference modules, with injectable failure.
 *
 * Every allocation a reference module makes while serving a target
 * operation goes through ref_malloc / ref_calloc / ref_realloc, so that a
 * check can make the nth of them fail and see the operation fail cleanly:
 * -ENOMEM and no partial object (the target API's test facet, fail_nth in
 * test.h). This is the reference's form of the kernel's per-task
 * /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION with CONFIG_FAILSLAB),
 * which the kernel's own iommufd selftests use to walk every error path of
 * an ioctl: arm n, call, and repeat with n + 1 until the call succeeds.
 *
 * Like the kernel's counter, the arming is per thread: allocations of other
 * threads neither count nor fail. siovdev does not use this wrapper (it is
 * compiled into QEMU too, and allocates only when the parent is created).
 */
#ifndef SIOVH_REF_ALLOC_H
#define SIOVH_REF_ALLOC_H

#include <stddef.h>

/*
 * Arm: the nth allocation of this thread from now on fails (1: the next
 * one); 0 disarms. Returns what was left of the previous arming: 0 when it
 * fired (or nothing was armed), else how many allocations it still waited
 * for — the value a read of /proc/thread-self/fail-nth gives.
 */
unsigned int ref_fail_nth_arm(unsigned int nth);

/* malloc, calloc, realloc; NULL (errno ENOMEM) when the armed one fires. */
void *ref_malloc(size_t size);
void *ref_calloc(size_t nmemb, size_t size);
void *ref_realloc(void *ptr, size_t size);

#endif /* SIOVH_REF_ALLOC_H */
