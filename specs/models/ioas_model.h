/* SPDX-License-Identifier: MIT */
/*
 * An abstract model of one IOAS of /dev/iommu: the oracle of the IOAS
 * sequence engine (ioas_seq.h). Written from the contract, not from an
 * implementation: linux/iommufd.h for the uAPI, and for the points where
 * the header leaves room, what the reference decided (harness/ref/iommufd/
 * iommufd.h, "Semantics"):
 *
 *  - Pages are 4096 bytes. Reserved IOVAs: [0xfee00000, 0xfeefffff] (the
 *    x86 interrupt window) and [2^48, U64_MAX] (beyond the aperture).
 *  - MAP needs length and user_va aligned to the IOAS's IOVA alignment
 *    (struct ioas_model, align: a page unless told), length nonzero
 *    (-EINVAL). With FIXED_IOVA the iova must be aligned (-EINVAL), must
 *    not meet a reserved IOVA (-EINVAL) nor an area (-EEXIST). Without it
 *    the target chooses: the model cannot, so it judges the choice
 *    (ioas_model_place): aligned, free, not reserved, and inside the
 *    ALLOW_IOVAS list when there is one; -ENOSPC is right only when no such IOVA aligned to
 *    ioas_model_auto_align() exists (ioas_model_has_room): the reference
 *    and Linux with transparent huge pages align so, Linux without them
 *    only to a page.
 *  - UNMAP of iova 0, length U64_MAX unmaps everything. Otherwise it removes
 *    whole areas only: a range that would split or truncate one, or that
 *    meets none, is -ENOENT and changes nothing; length 0 is -EINVAL. It
 *    reports the bytes unmapped.
 *  - COPY needs length and src_iova aligned and nonzero length (-EINVAL);
 *    the source range must be fully mapped (-ENOENT for a hole); each
 *    covered piece becomes an area of its own at the same offset from
 *    dst_iova, with COPY's permissions; the destination is placed as MAP
 *    places (FIXED_IOVA or chosen; ioas_model_has_room's alignment is the
 *    first piece's user address's).
 *  - ALLOW_IOVAS replaces the list (0 ranges clear it): an inverted range
 *    or two that overlap are -EINVAL, one meeting a reserved IOVA
 *    -EADDRINUSE. It governs chosen IOVAs only.
 *  - Unknown flag bits are -EOPNOTSUPP. A value of U64_MAX, or a range
 *    that wraps, fails (the uAPI says -EOVERFLOW; the model accepts any
 *    failure there, see below).
 *
 * Results: each call returns what the target must return, 0 or -errno.
 * When more than one rule is broken the contract does not say which errno
 * wins: the call then sets any_err, and any failure is as good as the
 * returned one. A call that fails changes nothing.
 *
 * Areas are a sorted array of disjoint, page-aligned ranges; every
 * operation is a linear walk, which is plenty for sequences of hundreds of
 * operations and easy to check by eye. Not thread-safe.
 */
#ifndef SIOVH_SPECS_IOAS_MODEL_H
#define SIOVH_SPECS_IOAS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/iommufd.h>

#define IOAS_MODEL_PAGE		4096ull
#define IOAS_MODEL_APERTURE	(1ull << 48)
#define IOAS_MODEL_MSI_START	0xfee00000ull
#define IOAS_MODEL_MSI_LAST	0xfeefffffull
#define IOAS_MODEL_MAX_ALLOWED	8	/* the model's limit, not the uAPI's */
#define IOAS_MODEL_MAX_RESERVED	8
#define IOAS_MODEL_PROT (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define IOAS_MODEL_FLAGS (IOMMU_IOAS_MAP_FIXED_IOVA | IOAS_MODEL_PROT)

/* A call without FIXED_IOVA whose arguments are fine: the target picks. */
#define IOAS_MODEL_CHOOSE	1

struct ioas_model_area {
	uint64_t iova, last;		/* inclusive, page aligned */
	uint64_t user_va;		/* the user address of iova */
	uint32_t prot;			/* IOMMU_IOAS_MAP_READABLE, WRITEABLE */
	bool pages_writable;		/* pinned by a MAP with WRITEABLE; a
					 * copy keeps its source's */
};

struct ioas_model_span {
	uint64_t start, last;		/* inclusive */
};

struct ioas_model {
	struct ioas_model_area *v;	/* sorted by iova, disjoint */
	size_t n, cap;
	struct ioas_model_span allowed[IOAS_MODEL_MAX_ALLOWED]; /* sorted */
	size_t nr_allowed;
	bool any_err;			/* last call: any failure would do */
	/*
	 * The IOAS's IOVA alignment (IOVA_RANGES out_iova_alignment): MAP's
	 * iova, user_va and length, COPY's length and src_iova must be
	 * multiples (-EINVAL). A page after ioas_model_init; the reference's
	 * is always a page, Linux's the largest minimum page size of the
	 * domains attached (1 with none; 2048 with the IOMMUFD_TEST mock's).
	 */
	uint64_t align;
	/*
	 * The IOVAs no mapping may meet (MAP, COPY: -EINVAL; ALLOW_IOVAS:
	 * -EADDRINUSE), sorted: the reference's interrupt window and what
	 * lies beyond its aperture after ioas_model_init, or the complement
	 * of the usable ranges a target reports (ioas_model_set_usable).
	 */
	struct ioas_model_span reserved[IOAS_MODEL_MAX_RESERVED];
	size_t nr_reserved;
	/*
	 * An UNMAP that would split or truncate an area is -ENOENT; the
	 * reference then has changed nothing, Linux (7.3) has removed the
	 * whole areas of the range below that one, in IOVA order (found by
	 * make fuzz-kernel; vm-images/README.md). Set: the model does as
	 * Linux does. Kept by ioas_model_release.
	 */
	bool partial_unmap;
};

void ioas_model_init(struct ioas_model *m);
/* Frees the areas; the model is empty (and usable) afterwards, with its
 * alignment kept. */
void ioas_model_release(struct ioas_model *m);

/* Does [start, last] meet a reserved IOVA of m? */
bool ioas_model_reserved(const struct ioas_model *m, uint64_t start,
			 uint64_t last);
/*
 * The reserved IOVAs become the complement of v[0..n) (IOVA_RANGES of an
 * IOAS with no allowed list: sorted, disjoint). 0, -EINVAL if v is not
 * sorted and disjoint, -E2BIG past IOAS_MODEL_MAX_RESERVED holes.
 */
int ioas_model_set_usable(struct ioas_model *m,
			  const struct iommu_iova_range *v, size_t n);
/*
 * The alignment of a chosen IOVA for length bytes at user address va:
 * roundup_pow_of_two(length), lowered to va's own alignment, at least a
 * page.
 */
uint64_t ioas_model_auto_align(uint64_t length, uint64_t va);

/*
 * IOMMU_IOAS_MAP. With FIXED_IOVA: 0 (recorded) or -errno. Without: an
 * -errno for bad arguments, or IOAS_MODEL_CHOOSE with *align set: the
 * target's answer is then judged by ioas_model_place / has_room.
 */
int ioas_model_map(struct ioas_model *m, uint32_t flags, uint64_t iova,
		   uint64_t length, uint64_t user_va, uint64_t *align);
/*
 * A target chose iova for length bytes (aligned to align): 0 and the area
 * recorded if the choice keeps the contract, else -EINVAL and *why says
 * which rule it breaks.
 */
int ioas_model_place(struct ioas_model *m, uint64_t iova, uint64_t length,
		     uint64_t align, uint64_t user_va, uint32_t prot,
		     const char **why);
/*
 * Is there an IOVA a target could choose? With *where the lowest found.
 * Allowed ranges count one by one, so that a target that does not place
 * across two adjacent ones may say -ENOSPC.
 */
bool ioas_model_has_room(const struct ioas_model *m, uint64_t length,
			 uint64_t align, uint64_t *where);
/*
 * The same for a chosen IOVA that must sit at offset in its page (a user
 * address inside a page, on an IOAS whose alignment allows one). Neither
 * looks in the first or the last page of the IOVA space: Linux never
 * chooses an IOVA there, so -ENOSPC is right when only they are free.
 */
bool ioas_model_has_room_at(const struct ioas_model *m, uint64_t length,
			    uint64_t align, uint64_t offset, uint64_t *where);

/* IOMMU_IOAS_UNMAP: 0 and *unmapped, or -errno. */
int ioas_model_unmap(struct ioas_model *m, uint64_t iova, uint64_t length,
		     uint64_t *unmapped);

/*
 * IOMMU_IOAS_COPY from src into dst (the same model or another). With
 * FIXED_IOVA: 0 (recorded in dst) or -errno. Without: -errno or
 * IOAS_MODEL_CHOOSE with *align; then ioas_model_copy_place.
 */
int ioas_model_copy(struct ioas_model *dst, const struct ioas_model *src,
		    uint32_t flags, uint64_t src_iova, uint64_t length,
		    uint64_t dst_iova, uint64_t *align);
/* The destination a target chose for a copy: as ioas_model_place. */
int ioas_model_copy_place(struct ioas_model *dst,
			  const struct ioas_model *src, uint64_t src_iova,
			  uint64_t length, uint64_t dst_iova, uint64_t align,
			  uint32_t prot, const char **why);

/* IOMMU_IOAS_ALLOW_IOVAS with n ranges (n <= IOAS_MODEL_MAX_ALLOWED). */
int ioas_model_allow(struct ioas_model *m, const struct iommu_iova_range *v,
		     size_t n);

/* The translation of iova: true with the user address and prot, or false
 * when nothing maps it. */
bool ioas_model_translate(const struct ioas_model *m, uint64_t iova,
			  uint64_t *user, uint32_t *prot);
/* The area containing iova, or NULL. */
const struct ioas_model_area *ioas_model_find(const struct ioas_model *m,
					      uint64_t iova);
/* Bytes mapped. */
uint64_t ioas_model_mapped(const struct ioas_model *m);

#endif /* SIOVH_SPECS_IOAS_MODEL_H */
