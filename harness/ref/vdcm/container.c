/* SPDX-License-Identifier: MIT */
/*
 * The VDEV's type1 container: the VMM maps guest memory for the VDEV's DMA
 * with VFIO_IOMMU_MAP_DMA / UNMAP_DMA, and the mappings go into the AUX
 * domain, which the ADIs reach through the default PASID. Each open VDEV
 * is its own VM, so the container lives from open to release.
 *
 * The rules are type1 (v2)'s: page-aligned iova, vaddr and size; no
 * overlap with an existing mapping (-EEXIST); an unmap may cover whole
 * mappings and holes but may not split a mapping (-EINVAL); UNMAP_DMA
 * reports the bytes it unmapped in size. Mapping pins nothing (pin.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/ref/viommu/viommu.h"
#include "vdcm_internal.h"

#define PAGE_MASK_4K	(VDEV_PAGE_SIZE - 1)

/* Size of a struct up to and including member m (the uAPI's minsz). */
#define MINSZ(type, m) (offsetof(type, m) + sizeof(((type *)0)->m))

const struct vdcm_map *vdcm_container_find(const struct vdcm_vdev *vdev,
				      uint64_t iova)
{
	uint32_t i;

	for (i = 0; i < vdev->nr_maps; i++)
		if (iova >= vdev->maps[i].iova &&
		    iova - vdev->maps[i].iova < vdev->maps[i].size)
			return &vdev->maps[i];
	return NULL;
}

static bool overlaps(const struct vdcm_map *m, uint64_t iova, uint64_t size)
{
	return iova < m->iova + m->size && m->iova < iova + size;
}

/*
 * What VDCM_FAULT_MAP_CHUNK_KEEPS does wrong: map a range that crosses a
 * 2 MiB boundary as two chunks, as a driver mapping per contiguous run
 * would, and return the second chunk's error without unmapping the first.
 */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static int map_chunks_keep(struct vdcm_vdev *vdev,
			   const struct vfio_iommu_type1_dma_map *m,
			   uint32_t prot)
{
	const uint64_t chunk = 2ull << 20;
	uint64_t cut = (m->iova | (chunk - 1)) + 1;
	uint64_t first = cut - m->iova;
	int ret;

	if (cut <= m->iova || cut >= m->iova + m->size)
		return vdcm_hw_map(vdev->vdcm, vdev->domain, m->iova,
				   (void *)(uintptr_t)m->vaddr, m->size, prot);
	ret = vdcm_hw_map(vdev->vdcm, vdev->domain, m->iova,
			  (void *)(uintptr_t)m->vaddr, first, prot);
	if (ret)
		return ret;
	return vdcm_hw_map(vdev->vdcm, vdev->domain, cut,
			   (void *)(uintptr_t)(m->vaddr + first),
			   m->size - first, prot);	/* the bug: no undo */
}
/* LCOV_EXCL_STOP */

static int map_dma(struct vdcm_vdev *vdev, struct vfio_iommu_type1_dma_map *m)
{
	const uint32_t known = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	uint32_t prot = 0;
	int ret;

	if ((m->argsz < MINSZ(struct vfio_iommu_type1_dma_map, size) &&
	     !vdcm_fault(vdev->vdcm, VDCM_FAULT_TYPE1_ARGSZ_UNCHECKED)) ||
	    (m->flags & ~known) || !m->size)
		return -EINVAL;
	if ((m->iova | m->vaddr | m->size) & PAGE_MASK_4K)
		return -EINVAL;
	if (m->iova + m->size < m->iova || m->vaddr + m->size < m->vaddr)
		return -EINVAL;			/* wraps */
	if (m->flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= VIOMMU_PROT_READ;
	if (m->flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= VIOMMU_PROT_WRITE;
	if (!prot)
		return -EINVAL;
	if (vdev->nr_maps == VDCM_MAX_MAPS) {
		if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MAP_FULL_MAPS))
			vdcm_hw_map(vdev->vdcm, vdev->domain, m->iova,
				    (void *)(uintptr_t)m->vaddr, m->size,
				    prot);	/* the bug: mapped, then refused */
		return -ENOSPC;
	}
	/* The IOMMU refuses a page that is mapped already: -EEXIST. */
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MAP_CHUNK_KEEPS))
		ret = map_chunks_keep(vdev, m, prot);
	else
		ret = vdcm_hw_map(vdev->vdcm, vdev->domain, m->iova,
				  (void *)(uintptr_t)m->vaddr, m->size, prot);
	if (ret == -EEXIST && vdcm_fault(vdev->vdcm, VDCM_FAULT_MAP_OVERLAP))
		return 0;		/* the bug: the refusal is swallowed */
	if (ret)
		return ret == -ERANGE ? -EINVAL : ret;
	vdev->maps[vdev->nr_maps++] = (struct vdcm_map) {
		.iova = m->iova, .size = m->size,
		.vaddr = (void *)(uintptr_t)m->vaddr, .prot = prot,
	};
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MAP_PINS))
		return vdcm_pin_mapping(vdev, m->iova, m->size);
	return 0;
}

/* Unmap mapping i from the domain and forget it. */
static uint64_t map_remove(struct vdcm_vdev *vdev, uint32_t i)
{
	uint64_t size = vdev->maps[i].size;

	vdcm_hw_unmap(vdev->vdcm, vdev->domain, vdev->maps[i].iova, size);
	vdev->maps[i] = vdev->maps[--vdev->nr_maps];
	return size;
}

/*
 * Unmap the mappings inside [iova, end) with one IOMMU unmap over the span
 * they cover (holes between them included), and report the bytes the
 * IOMMU says it unmapped.
 */
static int64_t unmap_range(struct vdcm_vdev *vdev, uint64_t iova,
			   uint64_t end)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	uint32_t i;

	for (i = vdev->nr_maps; i--;) {
		const struct vdcm_map *m = &vdev->maps[i];

		if (!overlaps(m, iova, end - iova))
			continue;
		lo = m->iova < lo ? m->iova : lo;
		hi = m->iova + m->size > hi ? m->iova + m->size : hi;
		vdev->maps[i] = vdev->maps[--vdev->nr_maps];
	}
	if (lo >= hi)
		return 0;
	return vdcm_hw_unmap(vdev->vdcm, vdev->domain, lo, hi - lo);
}

static int unmap_dma(struct vdcm_vdev *vdev,
		     struct vfio_iommu_type1_dma_unmap *u)
{
	bool all = u->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	uint64_t done = 0, end = u->iova + u->size;
	int64_t n;
	uint32_t i;

	if ((u->argsz < MINSZ(struct vfio_iommu_type1_dma_unmap, size) &&
	     !vdcm_fault(vdev->vdcm, VDCM_FAULT_TYPE1_ARGSZ_UNCHECKED)) ||
	    (u->flags & ~VFIO_DMA_UNMAP_FLAG_ALL))
		return -EINVAL;
	if (all && (u->iova || u->size) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_UNMAP_ALL_ARGS))
		return -EINVAL;
	if (!all && (!u->size || ((u->iova | u->size) & PAGE_MASK_4K) ||
		     end < u->iova) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_UNMAP_ARGS_LOOSE))
		return -EINVAL;
	/* type1 v2: no mapping may be cut in two. */
	for (i = 0; !all && i < vdev->nr_maps; i++) {
		const struct vdcm_map *m = &vdev->maps[i];

		if (overlaps(m, u->iova, u->size) &&
		    ((m->iova < u->iova &&
		      !vdcm_fault(vdev->vdcm, VDCM_FAULT_UNMAP_CUTS_HEAD)) ||
		     m->iova + m->size > end))
			return -EINVAL;
	}
	if (!all) {
		n = unmap_range(vdev, u->iova, end);
		if (n < 0)
			return (int)n;
		u->size = (uint64_t)n;
		return 0;
	}
	while (vdev->nr_maps)
		done += map_remove(vdev, vdev->nr_maps - 1);
	u->size = done;
	return 0;
}

static int get_info(struct vdcm_vdev *vdev, struct vfio_iommu_type1_info *info)
{
	if (info->argsz < MINSZ(struct vfio_iommu_type1_info, iova_pgsizes) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_INFO_ARGSZ_UNCHECKED))
		return -EINVAL;
	info->flags = VFIO_IOMMU_INFO_PGSIZES;
	info->iova_pgsizes = VDEV_PAGE_SIZE;
	if (info->argsz >= MINSZ(struct vfio_iommu_type1_info, cap_offset) ||
	    vdcm_fault(vdev->vdcm, VDCM_FAULT_INFO_PAST_ARGSZ))
		info->cap_offset = 0;
	return 0;
}

void vdcm_container_unmap_all(struct vdcm_vdev *vdev)
{
	while (vdev->nr_maps)
		map_remove(vdev, vdev->nr_maps - 1);
}

int vdcm_container_ioctl(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			 unsigned long cmd, void *arg)
{
	int ret = vdcm_vdev_check(vdcm, vdev, true);

	if (ret)
		return ret;
	if (cmd == VFIO_CHECK_EXTENSION) {	/* arg is the extension */
		uintptr_t ext = (uintptr_t)arg;

		/* VFIO_UNMAP_ALL: "Supports VFIO_DMA_UNMAP_FLAG_ALL", which
		 * unmap_dma does */
		return ext == VFIO_TYPE1_IOMMU || ext == VFIO_TYPE1v2_IOMMU ||
		       (ext == VFIO_UNMAP_ALL &&
			!vdcm_fault(vdcm, VDCM_FAULT_UNMAP_ALL_UNADVERTISED));
	}
	if (!arg)
		return -EFAULT;
	switch (cmd) {
	case VFIO_IOMMU_MAP_DMA:
		return map_dma(vdev, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return unmap_dma(vdev, arg);
	case VFIO_IOMMU_GET_INFO:
		return get_info(vdev, arg);
	}
	return -ENOTTY;
}
