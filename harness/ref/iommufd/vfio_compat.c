// SPDX-License-Identifier: MIT
/*
 * The VFIO type1 container ioctls on /dev/iommu: a VMM written for a VFIO
 * container drives the IOAS that IOMMU_VFIO_IOAS names (the "compat
 * IOAS") with them. VFIO's numbers share iommufd's type (';') below
 * IOMMUFD_CMD_BASE, so the dispatcher hands every number it has no
 * iommufd handler for here (iommufd.h, "VFIO compatibility"). MAP_DMA and
 * UNMAP_DMA are IOAS_MAP (FIXED_IOVA) and IOAS_UNMAP on the compat IOAS:
 * the same areas, the same rules.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/vfio.h>

#include "iommufd_internal.h"

/* Room for the usable ranges: one below each reserved range. */
#define IOMMUFD_NR_RESERVED_MAX 8

/* Size of a struct up to and including member m (the uAPI's minsz). */
#define MINSZ(type, m) (offsetof(type, m) + sizeof(((type *)0)->m))

/* The compat IOAS's ID, or 0 (then the ioctl is -ENODEV). */
static uint32_t compat_ioas(struct iommufd_ctx *ctx)
{
	if (iommufd_fault(ctx, IOMMUFD_FAULT_COMPAT_LOWEST_IOAS))
		return ctx->nobjs && iommufd_get_ioas(ctx, 1) ? 1 : 0;
	return iommufd_get_ioas(ctx, ctx->vfio_ioas_id) ? ctx->vfio_ioas_id : 0;
}

static int check_extension(struct iommufd_ctx *ctx, unsigned long ext)
{
	switch (ext) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
		return 1;
	case VFIO_UNMAP_ALL:
		return !iommufd_fault(ctx, IOMMUFD_FAULT_COMPAT_NO_UNMAP_ALL);
	case VFIO_DMA_CC_IOMMU:
		/* the reference IOMMU's DMA is always cache coherent */
		return compat_ioas(ctx) ? 1 : -ENODEV;
	}
	return 0;
}

/*
 * TYPE1 differs from TYPE1v2 in that UNMAP_DMA may cut a mapping: the
 * compat IOAS turns large pages off for it, and its UNMAP_DMA cuts
 * wherever they are off (unmap_dma).
 */
static int set_iommu(struct iommufd_ctx *ctx, unsigned long type)
{
	uint32_t id;

	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_COMPAT_SET_ANY_TYPE))
		return -EINVAL;
	id = compat_ioas(ctx);
	if (!id)
		return -ENODEV;
	if (type != VFIO_TYPE1_IOMMU)
		return 0;
	return iommufd_ioas_disable_huge_pages(ctx, iommufd_get_ioas(ctx, id));
}

/* IOAS_MAP with FIXED_IOVA on the compat IOAS. */
static int map_dma(struct iommufd_ctx *ctx, void *arg)
{
	const uint32_t known = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct vfio_iommu_type1_dma_map m;
	struct iommu_ioas_map map = { .size = sizeof(map) };
	struct iommufd_ucmd ucmd = { .ctx = ctx, .cmd = &map };

	memcpy(&m, arg, MINSZ(struct vfio_iommu_type1_dma_map, size));
	if (m.argsz < MINSZ(struct vfio_iommu_type1_dma_map, size) ||
	    (m.flags & ~known))
		return -EINVAL;
	map.ioas_id = compat_ioas(ctx);
	if (!map.ioas_id)
		return -ENODEV;
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
		    (m.flags & VFIO_DMA_MAP_FLAG_READ ?
		     IOMMU_IOAS_MAP_READABLE : 0) |
		    (m.flags & VFIO_DMA_MAP_FLAG_WRITE ?
		     IOMMU_IOAS_MAP_WRITEABLE : 0);
	map.user_va = m.vaddr;
	map.length = m.size;
	map.iova = m.iova;
	return iommufd_ioas_map(&ucmd);
}

/*
 * With large pages off, an UNMAP_DMA may cut a mapping: the areas are cut
 * at the range's last IOVA, then right below its first (no cut below 0),
 * as Linux's order; a cut made stays if the next one fails.
 */
static int cut_ends(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		    uint64_t iova, uint64_t size)
{
	int ret;

	if (!ioas->no_huge_pages ||
	    iommufd_fault(ctx, IOMMUFD_FAULT_COMPAT_TYPE1_NO_CUT))
		return 0;
	ret = iommufd_ioas_cut(ctx, ioas, iova + size - 1);
	if (!ret && iova)
		ret = iommufd_ioas_cut(ctx, ioas, iova - 1);
	return ret;
}

/* Does no area of ioas meet [iova, iova + size) (size > 0, no wrap)? */
static bool meets_nothing(const struct iommufd_ioas *ioas, uint64_t iova,
			  uint64_t size)
{
	return size && iova <= UINT64_MAX - (size - 1) &&
	       area_first_in(&ioas->areas, iova, iova + size - 1) ==
	       ioas->areas.n;
}

/*
 * IOAS_UNMAP on the compat IOAS; size comes back as the bytes unmapped
 * (0 on failure). A range no mapping meets is 0 bytes unmapped, not
 * IOAS_UNMAP's -ENOENT (type1's answer, and Linux's compat).
 */
static int unmap_dma(struct iommufd_ctx *ctx, void *arg)
{
	const size_t minsz = MINSZ(struct vfio_iommu_type1_dma_unmap, size);
	struct vfio_iommu_type1_dma_unmap u;
	struct iommu_ioas_unmap unmap = { .size = sizeof(unmap) };
	struct iommufd_ucmd ucmd = { .ctx = ctx, .cmd = &unmap };
	struct iommufd_ioas *ioas;
	int ret = 0;

	memcpy(&u, arg, minsz);
	if (u.argsz < minsz || (u.flags & ~VFIO_DMA_UNMAP_FLAG_ALL))
		return -EINVAL;
	unmap.ioas_id = compat_ioas(ctx);
	if (!unmap.ioas_id)
		return -ENODEV;
	ioas = iommufd_get_ioas(ctx, unmap.ioas_id);
	if (u.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (u.iova || u.size)
			return -EINVAL;
		unmap.length = UINT64_MAX;
		if (iommufd_fault(ctx, IOMMUFD_FAULT_COMPAT_UNMAP_ALL_FIRST) &&
		    ioas->areas.n) {
			unmap.iova = ioas->areas.v[0].iova;
			unmap.length = ioas->areas.v[0].last - unmap.iova + 1;
		}
	} else {
		ret = cut_ends(ctx, ioas, u.iova, u.size);
		if (ret)
			return ret;	/* as Linux: size not written back */
		unmap.iova = u.iova;
		unmap.length = u.size;
		if (meets_nothing(ioas, u.iova, u.size) &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_COMPAT_HOLE_ENOENT))
			unmap.length = 0;
	}
	if (unmap.length)
		ret = iommufd_ioas_unmap(&ucmd);
	u.size = ret ? 0 : unmap.length;
	memcpy(arg, &u, minsz);
	return ret;
}

/* ---- VFIO_IOMMU_GET_INFO and its capability chain ---- */

/* Where the chain is written: the user's struct, argsz bytes of it. */
struct cap_buf {
	unsigned char *base;
	uint32_t argsz;
	uint32_t total;		/* bytes the whole chain needs */
	uint32_t last;		/* offset of the last cap, 0 for none */
};

/*
 * Append a capability of len bytes (header first): written only when it
 * fits in argsz, and linked from the one before when that one's next field
 * does; the total grows either way (8-byte aligned, as the kernel's).
 */
static void cap_add(struct cap_buf *b, void *cap, uint32_t len)
{
	struct vfio_info_cap_header *prev;
	uint32_t off = b->total;

	if (off + len <= b->argsz)
		memcpy(b->base + off, cap, len);
	if (b->last && b->last + sizeof(*prev) <= b->argsz) {
		prev = (struct vfio_info_cap_header *)(b->base + b->last);
		prev->next = off;
	}
	b->last = off;
	b->total = (off + len + 7) & ~7u;
}

/* DMA_AVAIL: the reference limits no mappings (as Linux's iommufd, which
 * reports U32_MAX: its limit is the memory cgroup's). */
static void cap_dma_avail(struct cap_buf *b)
{
	struct vfio_iommu_type1_info_dma_avail c = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL,
			    .version = 1 },
		.avail = UINT32_MAX,
	};

	cap_add(b, &c, sizeof(c));
}

/* IOVA_RANGE: the usable IOVAs, the holes between the reserved ones
 * (what IOMMU_IOAS_IOVA_RANGES reports). */
static void cap_iova_range(struct cap_buf *b)
{
	struct vfio_iommu_type1_info_cap_iova_range c = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
			    .version = 1 },
	};
	struct vfio_iova_range r;
	uint64_t buf[(sizeof(c) + IOMMUFD_NR_RESERVED_MAX * sizeof(r)) / 8];
	uint64_t pos = 0;
	size_t i;

	for (i = 0; i < iommufd_nr_reserved && i < IOMMUFD_NR_RESERVED_MAX;
	     i++) {
		r.start = pos;
		r.end = iommufd_reserved[i].start - 1;
		memcpy((char *)buf + sizeof(c) + i * sizeof(r), &r, sizeof(r));
		pos = iommufd_reserved[i].last + 1;
	}
	c.nr_iovas = i;
	memcpy(buf, &c, sizeof(c));
	cap_add(b, buf, sizeof(c) + i * sizeof(r));
}

static int get_info(struct iommufd_ctx *ctx, void *arg)
{
	const size_t minsz = MINSZ(struct vfio_iommu_type1_info, iova_pgsizes);
	struct vfio_iommu_type1_info info = { 0 };
	struct cap_buf b = { .base = arg, .total = sizeof(info) };

	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return -EINVAL;
	if (!compat_ioas(ctx))
		return -ENODEV;
	b.argsz = info.argsz;
	cap_dma_avail(&b);
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_COMPAT_NO_IOVA_CAP))
		cap_iova_range(&b);
	info.flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
	info.iova_pgsizes = IOMMUFD_PAGE;	/* every page is mapped at 4 KiB */
	info.cap_offset = info.argsz >= b.total ||
			  iommufd_fault(ctx, IOMMUFD_FAULT_COMPAT_CAP_OFFSET) ?
			  sizeof(info) : 0;
	memcpy(arg, &info, info.argsz < sizeof(info) ? info.argsz :
						       sizeof(info));
	((struct vfio_iommu_type1_info *)arg)->argsz = b.total;
	return 0;
}

int iommufd_vfio_ioctl(struct iommufd_ctx *ctx, unsigned long cmd, void *arg)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return check_extension(ctx, (uintptr_t)arg);
	case VFIO_SET_IOMMU:
		return set_iommu(ctx, (uintptr_t)arg);
	}
	if (cmd != VFIO_IOMMU_GET_INFO && cmd != VFIO_IOMMU_MAP_DMA &&
	    cmd != VFIO_IOMMU_UNMAP_DMA)
		return -ENOTTY;
	if (!arg)
		return -EFAULT;
	switch (cmd) {
	case VFIO_IOMMU_GET_INFO:
		return get_info(ctx, arg);
	case VFIO_IOMMU_MAP_DMA:
		return map_dma(ctx, arg);
	}
	return unmap_dma(ctx, arg);
}
