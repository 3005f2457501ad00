/* SPDX-License-Identifier: MIT */
/*
 * Dirty page tracking for live migration (seeds/002, "Live Migration":
 * "GET dirty page bitmap"), as VFIO's device DMA logging:
 * VFIO_DEVICE_FEATURE_DMA_LOGGING_START / STOP / REPORT. The log is the
 * IOMMU's: while logging, every DMA write through the AUX domain sets the
 * dirty bit of the PTE it wrote through (viommu.h), and REPORT reads and
 * clears those bits. So exactly the pages DMA wrote are reported, once.
 *
 * Settled here: the logging page size is 4 KiB (START's page_size hint is
 * answered with 4096); REPORT takes any power-of-two page_size >= 4 KiB,
 * iova and length aligned to it, inside one of the ranges given to START;
 * START clears what earlier logging left, so a session starts clean.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/viommu/viommu.h"
#include "vdcm_internal.h"

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* Pages of the largest mapping: one scratch bitmap serves them all. */
static uint64_t max_map_pages(const struct vdcm_vdev *vdev)
{
	uint64_t pages = 0;
	uint32_t i;

	for (i = 0; i < vdev->nr_maps; i++)
		if (vdev->maps[i].size / VDEV_PAGE_SIZE > pages)
			pages = vdev->maps[i].size / VDEV_PAGE_SIZE;
	return pages;
}

/*
 * The scratch bitmap of a report or a clear, for max_map_pages pages.
 * Allocated before any dirty bit is read and cleared, so that a report
 * that fails for memory has cleared nothing: the next report still gives
 * every page (a page lost from the log is a page migration never copies).
 * NULL with *ret -ENOMEM on failure; *ret 0 and NULL when there is no map.
 */
static uint64_t *scratch_alloc(const struct vdcm_vdev *vdev, int *ret)
{
	uint64_t pages = max_map_pages(vdev), *bits;

	*ret = 0;
	if (!pages)
		return NULL;
	bits = ref_calloc((pages + 63) / 64, sizeof(*bits));
	if (!bits)
		*ret = -ENOMEM;
	return bits;
}

/* Read (and clear, unless told not to) the dirty bits of one mapping's
 * pages inside [iova, iova + len), OR-ing them into the report bitmap;
 * bits is a scratch of max_map_pages pages. */
static int report_map(struct vdcm_vdev *vdev, const struct vdcm_map *m,
		      const struct vfio_device_feature_dma_logging_report *r,
		      uint64_t *bits, uint64_t *out)
{
	uint64_t lo = m->iova > r->iova ? m->iova : r->iova;
	uint64_t hi = m->iova + m->size < r->iova + r->length ?
		      m->iova + m->size : r->iova + r->length;
	uint64_t pages, i, page, last = r->iova + r->length - VDEV_PAGE_SIZE;
	uint32_t flags = 0;
	int ret;

	if (lo >= hi)
		return 0;
	pages = (hi - lo) / VDEV_PAGE_SIZE;
	memset(bits, 0, (pages + 63) / 64 * sizeof(*bits));
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_DIRTY_NOT_CLEARED))
		flags = VIOMMU_DIRTY_NO_CLEAR;
	ret = viommu_read_and_clear_dirty(vdev->vdcm->iommu, vdev->domain, lo,
					  hi - lo, bits, flags);
	for (i = 0; !ret && i < pages; i++) {
		if (!(bits[i / 64] >> (i % 64) & 1))
			continue;
		page = lo + i * VDEV_PAGE_SIZE;
		if (page == last &&
		    vdcm_fault(vdev->vdcm, VDCM_FAULT_DIRTY_MISSES_LAST))
			continue;
		page = (page - r->iova) / r->page_size;
		out[page / 64] |= 1ull << (page % 64);
	}
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_DIRTY_REPORT_CLEARS_MAP))
		viommu_read_and_clear_dirty(vdev->vdcm->iommu, vdev->domain,
					    m->iova, m->size, bits, 0);
	return ret;
}

static bool in_a_range(const struct vdcm_dirty *d, uint64_t iova,
		       uint64_t len)
{
	uint32_t i;

	for (i = 0; i < d->nr_ranges; i++)
		if (iova >= d->ranges[i].iova &&
		    iova + len <= d->ranges[i].iova + d->ranges[i].length)
			return true;
	return false;
}

static int dirty_report(struct vdcm_vdev *vdev,
			struct vfio_device_feature_dma_logging_report *r)
{
	uint64_t *out = (uint64_t *)(uintptr_t)r->bitmap, *bits = NULL;
	uint32_t i;
	int ret = 0;

	if (!vdev->dirty.on)
		return -EINVAL;
	if (!pow2(r->page_size) || r->page_size < VDEV_PAGE_SIZE ||
	    !r->length || (r->iova | r->length) & (r->page_size - 1) ||
	    r->iova + r->length < r->iova || !out ||
	    !in_a_range(&vdev->dirty, r->iova, r->length))
		return -EINVAL;
	for (i = 0; !ret && i < vdev->nr_maps; i++) {
		/* the bug: a scratch per mapping, so a failure after the
		 * first has already cleared that one's bits */
		if (!bits || vdcm_fault(vdev->vdcm,
					VDCM_FAULT_DIRTY_ENOMEM_CLEARS)) {
			free(bits);
			bits = scratch_alloc(vdev, &ret);
			if (ret)
				break;
		}
		ret = report_map(vdev, &vdev->maps[i], r, bits, out);
	}
	free(bits);
	return ret;
}

/* Start clean: drop what the domain's dirty bits hold from before. */
static int dirty_clear(struct vdcm_vdev *vdev)
{
	struct vdcm_map *m;
	uint64_t *scratch;
	uint32_t i;
	int ret;

	scratch = scratch_alloc(vdev, &ret);
	if (ret)
		return ret;
	for (i = 0; i < vdev->nr_maps; i++) {
		m = &vdev->maps[i];
		viommu_read_and_clear_dirty(vdev->vdcm->iommu, vdev->domain,
					    m->iova, m->size, scratch, 0);
	}
	free(scratch);
	return 0;
}

static bool ranges_overlap(struct vdcm *vdcm,
			   const struct vfio_device_feature_dma_logging_range *a,
			   const struct vfio_device_feature_dma_logging_range *b)
{
	return a->iova < b->iova + b->length &&
	       (b->iova < a->iova + a->length ||
		vdcm_fault(vdcm, VDCM_FAULT_DIRTY_OVERLAP_ONE_SIDED));
}

/*
 * The ranges of a START, as the kernel's VFIO core checks them before any
 * driver sees them (vfio_main.c): each aligned to the page size asked
 * for, none wrapping past 2^64 (-EOVERFLOW), no two overlapping. Empty
 * ranges are refused too: they log nothing. n <= VDCM_MAX_DIRTY_RANGES,
 * so the pairwise overlap test stays small.
 */
static int ranges_check(struct vdcm_vdev *vdev, uint64_t page_size,
			const struct vfio_device_feature_dma_logging_range *r,
			uint32_t n)
{
	uint32_t i, k;

	for (i = 0; i < n; i++) {
		if (!r[i].length)
			return -EINVAL;
		if (r[i].iova + r[i].length < r[i].iova)
			return -EOVERFLOW;
		if (vdcm_fault(vdev->vdcm, VDCM_FAULT_DIRTY_RANGES_UNCHECKED))
			continue;
		/* page_size is a hint, but ranges must be aligned to it */
		if (pow2(page_size) &&
		    (r[i].iova | r[i].length) & (page_size - 1))
			return -EINVAL;
		for (k = 0; k < i; k++)
			if (ranges_overlap(vdev->vdcm, &r[i], &r[k]))
				return -EINVAL;
	}
	return 0;
}

static int dirty_start(struct vdcm_vdev *vdev,
		       struct vfio_device_feature_dma_logging_control *c)
{
	const struct vfio_device_feature_dma_logging_range *ranges;
	int ret;

	if (vdev->dirty.on &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_DIRTY_DOUBLE_START))
		return -EBUSY;
	ranges = (const void *)(uintptr_t)c->ranges;
	if ((!c->num_ranges &&
	     !vdcm_fault(vdev->vdcm, VDCM_FAULT_DIRTY_NO_RANGES)) || !ranges)
		return -EINVAL;
	if (c->num_ranges > VDCM_MAX_DIRTY_RANGES ||
	    (c->num_ranges > 16 &&
	     vdcm_fault(vdev->vdcm, VDCM_FAULT_DIRTY_FEW_RANGES)))
		return -E2BIG;
	ret = ranges_check(vdev, c->page_size, ranges, c->num_ranges);
	if (ret)
		return ret;
	ret = dirty_clear(vdev);
	if (ret && !vdcm_fault(vdev->vdcm, VDCM_FAULT_DIRTY_START_ENOMEM_OK))
		return ret;
	ret = viommu_set_dirty_tracking(vdev->vdcm->iommu, vdev->domain, true);
	if (ret)
		return ret;
	memcpy(vdev->dirty.ranges, ranges, c->num_ranges * sizeof(*ranges));
	vdev->dirty.nr_ranges = c->num_ranges;
	vdev->dirty.on = true;
	c->page_size = VDEV_PAGE_SIZE;		/* what the device logs at */
	return 0;
}

void vdcm_dirty_cleanup(struct vdcm_vdev *vdev)
{
	if (vdev->dirty.on && vdev->vdcm->iommu)
		viommu_set_dirty_tracking(vdev->vdcm->iommu, vdev->domain,
					  false);
	memset(&vdev->dirty, 0, sizeof(vdev->dirty));
}

/* The DMA logging features; -ENOTTY for any other. */
int vdcm_dirty_feature(struct vdcm_vdev *vdev, struct vfio_device_feature *f)
{
	uint32_t which = f->flags & VFIO_DEVICE_FEATURE_MASK;
	bool get = f->flags & VFIO_DEVICE_FEATURE_GET;
	bool set = f->flags & VFIO_DEVICE_FEATURE_SET;
	size_t need = sizeof(*f);

	/* Dirty bits are the in-process IOMMU's (vdcm_hw_ops): elsewhere the
	 * device has no DMA logging, as a device without it answers. */
	if (!vdev->vdcm->iommu)
		return -ENOTTY;
	switch (which) {
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
		need += sizeof(struct vfio_device_feature_dma_logging_control);
		/* fall through */
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP:
		if (get)
			return -EINVAL;
		break;
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
		if (set)
			return -EINVAL;
		need += sizeof(struct vfio_device_feature_dma_logging_report);
		break;
	default:
		return -ENOTTY;
	}
	if (f->flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!get && !set)
		return -EINVAL;
	if (f->argsz < need)
		return -EINVAL;
	switch (which) {
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
		return dirty_start(vdev, (void *)f->data);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP:
		if (!vdev->dirty.on)
			return -EINVAL;
		vdcm_dirty_cleanup(vdev);
		return 0;
	default:
		return dirty_report(vdev, (void *)f->data);
	}
}
