// SPDX-License-Identifier: MIT
/*
 * VDCM.ENOMEM.6: VFIO_IOMMU_MAP_DMA into an open VDEV's container whose
 * memory allocation fails (each in turn, walk.h) returns -ENOMEM and maps
 * nothing, judged through the container's own uAPI only (UNMAP_DMA's byte
 * count), so that it runs on every target with a VFIO device: the
 * reference's VDCM, and on a kernel the type1 container of an mdev
 * (vfio_iommu_type1.c), iommufd's type1 compatibility on the cdev path
 * (vfio_compat.c, io_pagetable.c) and, for a device behind a real IOMMU
 * (QEMU's edu through vfio-pci), the pinning and the domain's page tables
 * (pages.c, the IOMMU driver's map).
 */
#include <stdlib.h>
#include <string.h>

#include "specs/vdcm/common.h"
#include "walk.h"

/* Crosses a 2 MiB boundary 1 GiB up, away from other mappings: the
 * IOMMU's tables for it are new, the second half's after the first's. */
#define CMAP_IOVA	(0x40000000ull + 0x200000ull - 8 * PAGE_4K)
#define CMAP_PAGES	16
#define CMAP_SIZE	(CMAP_PAGES * PAGE_4K)
/* A mapping right below CMAP_IOVA for the second walk. */
#define CNEXT_IOVA	(CMAP_IOVA - CMAP_SIZE)

struct cmap_ctx {
	struct vd d;
	uint8_t *va;		/* CMAP_PAGES pages, touched */
	uint64_t iova;		/* where the walked map goes */
	uint64_t next;		/* a mapping kept beside it, or 0 */
};

static int cmap_unmap(struct cmap_ctx *c, uint64_t iova, uint64_t *size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = *size,
	};
	int ret;

	ret = c->d.t->vfio_device->container_ioctl(c->d.t, c->d.v,
						   VFIO_IOMMU_UNMAP_DMA, &u);
	*size = ret ? 0 : u.size;
	return ret;
}

static int cmap_call(struct siovh_check *check, void *p)
{
	struct cmap_ctx *c = p;
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)c->va, .iova = c->iova, .size = CMAP_SIZE,
	};

	(void)check;
	return c->d.t->vfio_device->container_ioctl(c->d.t, c->d.v,
						    VFIO_IOMMU_MAP_DMA, &m);
}

/* Nothing of it mapped: UNMAP_DMA of its range finds 0 bytes. */
static void cmap_same(struct siovh_check *check, void *p)
{
	struct cmap_ctx *c = p;
	uint64_t size = CMAP_SIZE;

	EXPECT_OK(cmap_unmap(c, c->iova, &size));
	EXPECT_EQ(size, 0);
}

/* Mapped although an allocation failed: all of it, and unmapped again. */
static void cmap_undo(struct siovh_check *check, void *p)
{
	struct cmap_ctx *c = p;
	uint64_t size = CMAP_SIZE;

	EXPECT_OK(cmap_unmap(c, c->iova, &size));
	EXPECT_EQ(size, CMAP_SIZE);
}

SIOVH_CLAUSE(enomem_vdev_container,
	.id = "VDCM.ENOMEM.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_IOMMU_MAP_DMA into an open VDEV's container whose memory allocation fails (each in turn; 16 pages across a 2 MiB boundary far from other mappings, then the same range right above a mapping) returns -ENOMEM and maps nothing: UNMAP_DMA of its range unmaps 0 bytes; the map then succeeds, UNMAP_DMA gives back exactly its size, and the mapping beside it keeps all of its own",
	.source = SRC_VFIO("VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA") "; " SRC_PINNING "; " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_VDEV | NEEDS_FAIL_NTH)
{
	static const struct enomem_op map_op = {
		"VFIO_IOMMU_MAP_DMA", cmap_call, cmap_same, cmap_undo,
	};
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf next;
	struct cmap_ctx c;
	uint64_t size;

	memset(&c, 0, sizeof(c));
	c.va = aligned_alloc(PAGE_4K, CMAP_SIZE);
	ASSERT_TRUE(c.va != NULL);
	/* touched now, so the walk counts no fault-in of the caller's pages */
	memset(c.va, 0x5a, CMAP_SIZE);
	vd_up(check, &p->types[0], &c.d, 1);
	c.iova = CMAP_IOVA;
	enomem_walk(check, &map_op, &c);
	size = CMAP_SIZE;
	EXPECT_OK(cmap_unmap(&c, c.iova, &size));
	EXPECT_EQ(size, CMAP_SIZE);

	/* the same range again, now right above another mapping */
	dma_map(check, &c.d, &next, CNEXT_IOVA, CMAP_SIZE);
	enomem_walk(check, &map_op, &c);
	size = CMAP_SIZE;
	EXPECT_OK(cmap_unmap(&c, c.iova, &size));
	EXPECT_EQ(size, CMAP_SIZE);
	size = CMAP_SIZE;
	EXPECT_OK(cmap_unmap(&c, CNEXT_IOVA, &size));
	EXPECT_EQ(size, CMAP_SIZE);
	free(next.va);
	vd_down(check, &c.d);
	free(c.va);
}
