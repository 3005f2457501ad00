/* SPDX-License-Identifier: MIT */
/*
 * The reference /dev/iommu: one in-process iommufd context per target,
 * driven with the ioctls and structs of linux/iommufd.h. This part holds
 * the IOAS objects (IOMMU_IOAS_ALLOC / MAP / UNMAP / COPY / IOVA_RANGES /
 * ALLOW_IOVAS) and IOMMU_DESTROY; every other IOMMU_* number is -ENOTTY.
 *
 * Semantics (where the header leaves room, what the reference decided):
 *  - Every ioctl goes through one dispatcher that applies the uAPI's
 *    extensibility rules: `size` (the first u32 of arg) below the struct's
 *    first-version size is -EINVAL; bytes of arg past the known struct, up
 *    to `size`, must be zero (-E2BIG); an unknown ioctl number is -ENOTTY.
 *    Handlers reject unknown flag bits and nonzero __reserved fields with
 *    -EOPNOTSUPP. On success (and on IOVA_RANGES' -EMSGSIZE) the known
 *    struct is written back; on any other error arg is left untouched.
 *  - Object IDs start at 1; the lowest free ID is handed out (IDs of
 *    destroyed objects are reused, as with the kernel's xarray).
 *  - The platform: every IOAS behaves as if the reference IOMMU (viommu,
 *    48-bit addresses) were attached, with the x86 interrupt window
 *    reserved: reserved IOVAs are [0xfee00000, 0xfeefffff] and
 *    [2^48, U64_MAX]; IOVA_RANGES reports the two holes between them, and
 *    out_iova_alignment is 4096. MAP/COPY need iova (with FIXED_IOVA),
 *    length and user_va (for COPY: src_iova) 4096-aligned (-EINVAL).
 *  - FIXED_IOVA into a reserved IOVA is -EINVAL, over an existing area
 *    -EEXIST. Without FIXED_IOVA the reference picks the lowest free IOVA
 *    aligned to min(roundup_pow_of_two(length), user_va's alignment) (at
 *    least 4096) inside the ALLOW_IOVAS list, or anywhere not reserved when
 *    the list is empty; none is -ENOSPC. ALLOW_IOVAS governs only chosen
 *    IOVAs, as the header says; a FIXED_IOVA map outside it is allowed.
 *  - UNMAP: iova 0 with length U64_MAX unmaps everything (an empty IOAS:
 *    success, length 0). Otherwise the range must cover whole areas:
 *    one it would split or truncate is -ENOENT and nothing is unmapped
 *    (the reference checks before it removes anything); a range with no
 *    area is -ENOENT; length comes back as the bytes unmapped.
 *  - COPY: the source range must be fully mapped (any number of adjacent
 *    areas, or part of one; a hole is -ENOENT). Each covered piece becomes
 *    an area of its own in the destination, with COPY's flags as its
 *    permissions; it shares the source's pages object but not its area:
 *    the two are unmapped independently.
 *  - ALLOW_IOVAS replaces the list; num_iovas 0 clears it. A range with
 *    start > last, or ranges that overlap, are -EINVAL; one that touches a
 *    reserved IOVA is -EADDRINUSE.
 *  - DESTROY takes any object ID (-ENOENT for none). An IOAS is destroyed
 *    with its mappings; -EBUSY (an object still in use) arrives with the
 *    objects that can hold an IOAS (HWPTs, attached devices).
 *
 * Pages are tracked, not pinned: an area remembers its user_va and its
 * pages object; nothing is read from or written to user memory but the
 * ioctl structs and the range arrays IOVA_RANGES / ALLOW_IOVAS point at.
 * Not thread-safe: one caller per context.
 */
#ifndef IOMMUFD_REF_H
#define IOMMUFD_REF_H

#include <stdint.h>

#include "faults.h"

struct iommufd_ctx;

/* A fresh /dev/iommu opening with fault (IOMMUFD_FAULT_*, NONE for
 * none) switched on; NULL with errno set on failure. */
struct iommufd_ctx *iommufd_ctx_create(int fault);
/* The close of the opening: every object is destroyed. NULL is a no-op. */
void iommufd_ctx_destroy(struct iommufd_ctx *ctx);

/*
 * ioctl(fd, cmd, arg): arg points at the command's struct, at least `size`
 * bytes long (size is its first u32). 0 or -errno.
 */
int iommufd_ioctl(struct iommufd_ctx *ctx, unsigned long cmd, void *arg);

#endif /* IOMMUFD_REF_H */
