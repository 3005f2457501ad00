// SPDX-License-Identifier: MIT
/*
 * IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP: a paging
 * HWPT allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING (on a platform whose
 * IOMMU offers it) exposes the second-stage dirty bits of its viommu
 * domain, the IOAS's areas mirrored in it. The rules are in iommufd.h
 * ("Dirty tracking").
 */
#include <errno.h>

#include "harness/ref/viommu/viommu.h"
#include "iommufd_internal.h"

/* Pages read from the IOMMU per call, so the bits fit on the stack. */
#define CHUNK_PAGES 4096u

/* Where the dirty pages go: data NULL discards them (enable's clear). */
struct dirty_out {
	uint64_t *data;			/* the user's bitmap, u64 words */
	uint64_t iova;			/* its bit 0's IOVA */
	uint64_t page_size;		/* IOVA bytes per bit, a power of two */
};

/* Set the bits of out that the dirty 4 KiB page at IOVA page meets. */
static void set_bits(struct iommufd_ctx *ctx, const struct dirty_out *out,
		     uint64_t page)
{
	uint64_t first = (page - out->iova) / out->page_size;
	uint64_t last = (page + IOMMUFD_PAGE - 1 - out->iova) / out->page_size;

	if (iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_PAGE_SIZE_IGNORED))
		first = last = (page - out->iova) / IOMMUFD_PAGE;
	for (; first <= last; first++)
		out->data[first / 64] |= 1ull << (first % 64);
}

/*
 * Read the dirty bits of [start, last] of domain (pages of one area, all
 * mapped there) into out, clearing them unless vflags has
 * VIOMMU_DIRTY_NO_CLEAR.
 */
static int read_span(struct iommufd_ctx *ctx, uint32_t domain,
		     uint64_t start, uint64_t last, uint32_t vflags,
		     const struct dirty_out *out)
{
	uint64_t words[CHUNK_PAGES / 64];
	uint64_t size, i;
	int ret;

	while (start <= last) {
		size = last - start + 1;
		if (size > CHUNK_PAGES * IOMMUFD_PAGE)
			size = CHUNK_PAGES * IOMMUFD_PAGE;
		ret = viommu_read_and_clear_dirty(ctx->plat.iommu, domain,
						  start, size, words, vflags);
		if (ret)
			return ret;
		for (i = 0; out->data && i < size / IOMMUFD_PAGE; i++)
			if ((words[i / 64] >> (i % 64) & 1) ||
			    iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_REPORTS_MAPPED))
				set_bits(ctx, out, start + i * IOMMUFD_PAGE);
		start += size;
	}
	return 0;
}

/* read_span over the parts of [iova, last] the IOAS's areas cover:
 * IOVAs no area maps are clean. */
static int read_areas(struct iommufd_ctx *ctx, const struct iommufd_ioas *ioas,
		      uint32_t domain, uint64_t iova, uint64_t last,
		      uint32_t vflags, const struct dirty_out *out)
{
	const struct area_set *s = &ioas->areas;
	const struct iopt_area *a;
	size_t i;
	int ret;

	for (i = area_first_in(s, iova, last);
	     i < s->n && s->v[i].iova <= last; i++) {
		a = &s->v[i];
		ret = read_span(ctx, domain, a->iova > iova ? a->iova : iova,
				a->last < last ? a->last : last, vflags, out);
		if (ret)
			return ret;
	}
	return 0;
}

/* The paging HWPT hwpt_id's IOAS: it exists while the HWPT does (a paging
 * HWPT keeps its IOAS from DESTROY). */
static struct iommufd_ioas *hwpt_ioas(struct iommufd_ctx *ctx,
				      const struct iommufd_obj *hwpt)
{
	return iommufd_get_ioas(ctx, hwpt->hwpt.ioas_id);
}

int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_set_dirty_tracking *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	const struct dirty_out discard = { 0 };
	struct iommufd_obj *obj;
	int ret;

	if (((cmd->flags & ~(uint32_t)IOMMU_HWPT_DIRTY_TRACKING_ENABLE) ||
	     cmd->__reserved) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_SET_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	obj = iommufd_get_obj(ctx, cmd->hwpt_id, IOMMUFD_OBJ_HWPT_PAGING);
	if (!obj)
		return -ENOENT;
	if (!(obj->hwpt.flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_SET_UNTRACKED_OK))
		return -EOPNOTSUPP;
	if (!(cmd->flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE))
		return iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_DISABLE_IGNORED) ?
		       0 : viommu_set_dirty_tracking(ctx->plat.iommu,
						     obj->hwpt.domain, false);
	/* a clean snapshot: what was marked before this enable is not news */
	ret = read_areas(ctx, hwpt_ioas(ctx, obj), obj->hwpt.domain, 0,
			 UINT64_MAX, 0, &discard);
	if (ret)
		return ret;
	return viommu_set_dirty_tracking(ctx->plat.iommu, obj->hwpt.domain,
					 true);
}

/* The bitmap's range and granularity: 0, -EINVAL or -EOVERFLOW. */
static int check_range(struct iommufd_ctx *ctx,
		       const struct iommu_hwpt_get_dirty_bitmap *cmd)
{
	uint64_t ps = cmd->page_size, end;

	if (!cmd->length)
		return -EINVAL;
	if (cmd->iova + (cmd->length - 1) < cmd->iova)
		return -EOVERFLOW;
	end = cmd->iova + cmd->length;	/* 0 when the range ends at 2^64 */
	if ((cmd->iova | end) % IOMMUFD_PAGE)
		return -EINVAL;
	if (!ps || (ps & (ps - 1)))
		return -EINVAL;
	if (((cmd->iova | end) & (ps - 1)) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_GET_UNALIGNED))
		return -EINVAL;
	return 0;
}

int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_get_dirty_bitmap *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *obj;
	struct dirty_out out;
	uint32_t vflags = 0;
	int ret;

	if (((cmd->flags & ~(uint32_t)IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) ||
	     cmd->__reserved) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_GET_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	obj = iommufd_get_obj(ctx, cmd->hwpt_id, IOMMUFD_OBJ_HWPT_PAGING);
	if (!obj)
		return -ENOENT;
	ret = check_range(ctx, cmd);
	if (ret)
		return ret;
	if (!(obj->hwpt.flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
		return iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_GET_UNTRACKED_OK) ?
		       0 : -EOPNOTSUPP;
	if (!cmd->data)
		return -EFAULT;
	if ((cmd->flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_NO_CLEAR_CLEARS))
		vflags = VIOMMU_DIRTY_NO_CLEAR;
	out = (struct dirty_out) {
		.data = (uint64_t *)(uintptr_t)cmd->data, .iova = cmd->iova,
		.page_size = cmd->page_size,
	};
	return read_areas(ctx, hwpt_ioas(ctx, obj), obj->hwpt.domain,
			  cmd->iova, cmd->iova + (cmd->length - 1), vflags,
			  &out);
}
