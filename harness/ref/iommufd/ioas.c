// SPDX-License-Identifier: MIT
/*
 * The IOAS ioctls: IOMMU_IOAS_ALLOC, MAP, UNMAP, COPY, IOVA_RANGES and
 * ALLOW_IOVAS. Each handler gets the dispatcher's kernel copy of its struct
 * (sizes and trailing bytes already checked), validates its fields, and
 * sets ucmd->respond when the struct is to be written back. The semantics
 * the reference decided are in iommufd.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommufd_internal.h"

#define MAP_FLAGS (IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | \
		   IOMMU_IOAS_MAP_READABLE)
#define MAP_PROT (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)

/* -EOPNOTSUPP for flag bits outside known. */
static int check_flags(struct iommufd_ctx *ctx, uint32_t flags,
		       uint32_t known)
{
	if ((flags & ~known) && !iommufd_fault(ctx, IOMMUFD_FAULT_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	return 0;
}

/*
 * -EINVAL for a MAP or COPY that grants DMA neither READ nor WRITE: a
 * mapping no device could use (Linux refuses it the same way, after the
 * flag and overflow checks and before it looks the IOAS up).
 */
int iommufd_check_map_prot(struct iommufd_ctx *ctx, uint32_t flags)
{
	if (!(flags & MAP_PROT) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_MAP_NO_ACCESS_OK))
		return -EINVAL;
	return 0;
}

/* -EOPNOTSUPP for a nonzero __reserved field. */
static int check_reserved(struct iommufd_ctx *ctx, uint32_t reserved)
{
	if (reserved && !iommufd_fault(ctx, IOMMUFD_FAULT_RESERVED_IGNORED))
		return -EOPNOTSUPP;
	return 0;
}

int iommufd_ioas_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *obj;
	uint32_t prev = ctx->last_id;
	int ret;

	ret = check_flags(ctx, cmd->flags, 0);
	if (ret)
		return ret;
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_IOAS);
	if (!obj)
		return -ENOMEM;
	ctx->last_id = obj->id;
	cmd->out_ioas_id = obj->id;
	if (prev && iommufd_fault(ctx, IOMMUFD_FAULT_ALLOC_SAME_ID))
		cmd->out_ioas_id = prev;
	ucmd->respond = true;
	return 0;
}

void iommufd_ioas_release(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas)
{
	(void)ctx;
	area_set_free(&ioas->areas);
	free(ioas->allowed.v);
	ioas->allowed = (struct span_set) { 0 };
}

/*
 * IOMMU_VFIO_IOAS: which IOAS the VFIO type1 compatibility of this
 * /dev/iommu works on. SET names one without holding it: the IOAS can
 * still be destroyed, and then there is none (obj_release), so a later
 * IOAS that reuses the ID is not taken for it.
 */
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd)
{
	struct iommu_vfio_ioas *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	int ret;

	ret = check_reserved(ctx, cmd->__reserved);
	if (ret)
		return ret;
	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		if (!ctx->vfio_ioas_id)
			return -ENODEV;
		cmd->ioas_id = ctx->vfio_ioas_id;
		ucmd->respond = true;
		return 0;
	case IOMMU_VFIO_IOAS_SET:
		if (!iommufd_get_ioas(ctx, cmd->ioas_id) &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_VFIO_IOAS_SET_ANY))
			return -ENOENT;
		ctx->vfio_ioas_id = cmd->ioas_id;
		return 0;
	case IOMMU_VFIO_IOAS_CLEAR:
		ctx->vfio_ioas_id = 0;
		return 0;
	}
	return -EOPNOTSUPP;
}

/* ---- large pages ---- */

/*
 * HUGE_PAGES 0 and VFIO's SET_IOMMU of TYPE1 turn large pages off, so that
 * a mapping can be cut later (iommufd_ioas_cut). Refused while a domain
 * holds mappings (a paging HWPT and an area), as Linux's
 * iopt_disable_large_pages: what a domain mapped with a large page cannot
 * be cut.
 */
int iommufd_ioas_disable_huge_pages(struct iommufd_ctx *ctx,
				    struct iommufd_ioas *ioas)
{
	if (ioas->no_huge_pages)
		return 0;
	if (ioas->hwpts && ioas->areas.n &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_HUGE_OFF_MAPPED))
		return -EINVAL;
	ioas->no_huge_pages = true;
	return 0;
}

/*
 * Cut the area holding iova so that iova ends its lower part (Linux's
 * iopt_area_split). Nothing to do where no area holds iova or it is an
 * end already; an area an UNMAP found pinned is -EBUSY; a cut off a page
 * boundary, or in an area an access has pages of, is -EINVAL (which part
 * a pin would belong to is not tracked).
 */
int iommufd_ioas_cut(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		     uint64_t iova)
{
	size_t i = area_first_in(&ioas->areas, iova, iova);
	const struct iopt_area *a;

	if (i == ioas->areas.n)
		return 0;
	a = &ioas->areas.v[i];
	if (iova == a->iova || iova == a->last)
		return 0;
	if (a->prevent_access)
		return -EBUSY;
	if ((iova + 1) % IOMMUFD_PAGE)
		return -EINVAL;
	if (iommufd_access_pinned(ctx, ioas, a->iova, a->last) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_CUT_PINNED))
		return -EINVAL;
	return area_split(&ioas->areas, i, iova);
}

/* ---- MAP ---- */

/* length and user_va of a MAP: nonzero, aligned, no wrap. */
static int check_user_range(struct iommufd_ctx *ctx, uint64_t va,
			    uint64_t length)
{
	if (!length)
		return -EINVAL;
	if ((va | length) % IOMMUFD_PAGE &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_MAP_UNALIGNED))
		return -EINVAL;
	if (va > UINT64_MAX - (length - 1) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_WRAP_UNCHECKED))
		return -EOVERFLOW;
	return 0;
}

/* Fault map-enomem-keeps-area: the area goes in unmirrored after all. */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static void map_keep_area(struct iommufd_ioas *ioas, const struct iopt_area *a)
{
	struct area_mirror *m = ioas->areas.mirror;

	ioas->areas.mirror = NULL;
	area_insert(&ioas->areas, a);
	ioas->areas.mirror = m;
}
/* LCOV_EXCL_STOP */

int iommufd_ioas_map(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_map *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_ioas *ioas;
	struct iopt_area a;
	uint64_t iova = cmd->iova;
	int ret;

	ret = check_flags(ctx, cmd->flags, MAP_FLAGS);
	if (!ret)
		ret = check_reserved(ctx, cmd->__reserved);
	if (ret)
		return ret;
	if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX)
		return -EOVERFLOW;
	ret = iommufd_check_map_prot(ctx, cmd->flags);
	if (ret)
		return ret;
	ioas = iommufd_get_ioas(ctx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	ret = check_user_range(ctx, cmd->user_va, cmd->length);
	if (!ret)
		ret = iopt_place(ctx, ioas, cmd->flags, cmd->length,
				 cmd->user_va, &iova);
	if (ret)
		return ret;
	a = (struct iopt_area) {
		.iova = iova, .last = iova + cmd->length - 1,
		.user_va = cmd->user_va, .pages = ctx->next_pages++,
		.prot = cmd->flags & MAP_PROT,
		.pages_writable = cmd->flags & IOMMU_IOAS_MAP_WRITEABLE,
	};
	ret = area_insert(&ioas->areas, &a);
	if (ret == -ENOMEM &&
	    iommufd_fault(ctx, IOMMUFD_FAULT_MAP_ENOMEM_KEEPS_AREA))
		map_keep_area(ioas, &a);	/* the bug */
	if (ret)
		return ret;
	cmd->iova = iova;
	ucmd->respond = true;
	return 0;
}

/* ---- UNMAP ---- */

/* Remove every area of every IOAS that uses the pages object pages. */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static void drop_pages(struct iommufd_ctx *ctx, uint64_t pages)
{
	struct iommufd_ioas *ioas;
	uint32_t id;
	size_t i;

	for (id = 1; id <= ctx->nobjs; id++) {
		ioas = iommufd_get_ioas(ctx, id);
		for (i = 0; ioas && i < ioas->areas.n;) {
			if (ioas->areas.v[i].pages == pages)
				area_remove(&ioas->areas, i);
			else
				i++;
		}
	}
}
/* LCOV_EXCL_STOP */

/* Remove area i of ioas; its bytes. */
static uint64_t drop_area(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
			  size_t i)
{
	struct iopt_area a = ioas->areas.v[i];

	area_remove(&ioas->areas, i);
	if (iommufd_fault(ctx, IOMMUFD_FAULT_COPY_SHARES))
		drop_pages(ctx, a.pages);
	return a.last - a.iova + 1;
}

/*
 * The fault unmap-splits: put back the parts of a that lie outside
 * [start, last]; return the bytes of a inside.
 */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static uint64_t keep_outside(struct iommufd_ioas *ioas, struct iopt_area a,
			     uint64_t start, uint64_t last)
{
	struct iopt_area part;
	uint64_t lo = a.iova > start ? a.iova : start;
	uint64_t hi = a.last < last ? a.last : last;

	if (a.iova < start) {
		part = a;
		part.last = start - 1;
		(void)area_insert(&ioas->areas, &part);
	}
	if (a.last > last) {
		part = a;
		part.iova = last + 1;
		part.user_va = a.user_va + (last + 1 - a.iova);
		(void)area_insert(&ioas->areas, &part);
	}
	return hi - lo + 1;
}
/* LCOV_EXCL_STOP */

/* Does an area meeting [start, last] stick out of it? */
static bool would_split(const struct iommufd_ioas *ioas, size_t i,
			uint64_t start, uint64_t last)
{
	for (; i < ioas->areas.n && ioas->areas.v[i].iova <= last; i++)
		if (ioas->areas.v[i].iova < start ||
		    ioas->areas.v[i].last > last)
			return true;
	return false;
}

static int unmap_range(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		       uint64_t start, uint64_t last, uint64_t *unmapped)
{
	struct iopt_area a;
	size_t i = area_first_in(&ioas->areas, start, last);
	int ret;

	*unmapped = 0;
	if (i == ioas->areas.n)
		return iommufd_fault(ctx, IOMMUFD_FAULT_UNMAP_HOLE_OK) ?
		       0 : -ENOENT;
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_UNMAP_SPLITS) &&
	    would_split(ioas, i, start, last))
		return -ENOENT;
	while ((i = area_first_in(&ioas->areas, start, last)) !=
	       ioas->areas.n) {
		a = ioas->areas.v[i];
		/* Only with unmap-splits does an area stick out here. */
		if (iommufd_fault(ctx, IOMMUFD_FAULT_UNMAP_SPLITS) &&
		    (a.iova < start || a.last > last)) {
			area_remove(&ioas->areas, i);
			*unmapped += keep_outside(ioas, a, start, last);
			continue;
		}
		ret = iommufd_access_notify_unmap(ctx, ioas,
						  &ioas->areas.v[i]);
		if (ret)
			return ret;
		*unmapped += drop_area(ctx, ioas, i);
	}
	return 0;
}

/*
 * Everything, in Linux's order: from the lowest area up, each one's
 * accesses notified before it goes; an area a pin still holds stops the
 * unmap there, the areas below it gone, it and those above it kept. The
 * notifications run first and the removals after (from the top of what
 * goes, so that a full unmap moves no area).
 */
static int unmap_all(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		     uint64_t *unmapped)
{
	size_t n;
	int ret = 0;

	*unmapped = 0;
	if (ioas->areas.n && iommufd_fault(ctx, IOMMUFD_FAULT_UNMAP_ALL_ONE)) {
		*unmapped = drop_area(ctx, ioas, 0);
		return 0;
	}
	for (n = 0; n < ioas->areas.n; n++) {
		ret = iommufd_access_notify_unmap(ctx, ioas,
						  &ioas->areas.v[n]);
		if (ret)
			break;
	}
	while (n)
		*unmapped += drop_area(ctx, ioas, --n);
	return ret;
}

int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_unmap *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_ioas *ioas;
	uint64_t unmapped;
	int ret;

	ioas = iommufd_get_ioas(ctx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		ret = unmap_all(ctx, ioas, &unmapped);
		if (ret)
			return ret;
	} else {
		if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX)
			return -EOVERFLOW;
		if (!cmd->length)
			return -EINVAL;
		if (cmd->iova > UINT64_MAX - (cmd->length - 1) &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_WRAP_UNCHECKED))
			return -EOVERFLOW;
		ret = unmap_range(ctx, ioas, cmd->iova,
				  cmd->iova + cmd->length - 1, &unmapped);
		if (ret)
			return ret;
	}
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_UNMAP_LENGTH))
		cmd->length = unmapped;
	ucmd->respond = true;
	return 0;
}
