// SPDX-License-Identifier: MIT
/*
 * VDCM.DMA.23: the VDEV's type1 container holds a bounded number of
 * mappings. Linux's type1 counts them against dma_entry_limit and refuses
 * the one beyond with -ENOSPC (drivers/vfio/vfio_iommu_type1.c,
 * vfio_dma_do_map: "if (!iommu->dma_avail) ... -ENOSPC"); the reference
 * VDCM has a table of its own. A refused map must map nothing: the IOMMU
 * may not keep what the container forgot, or the VMM could neither use
 * nor unmap it.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define CIOVA		0x3000000ull	/* the working buffer */
#define MIOVA		0x4000000ull	/* the many mappings, every other page */
#define MAP_PROBE	1024		/* how far to look for the limit */

static int map_page(struct vd *d, uint64_t iova, void *va)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = iova, .vaddr = (uintptr_t)va, .size = PAGE_4K,
	};

	return d->t->vfio_device->container_ioctl(d->t, d->v,
						  VFIO_IOMMU_MAP_DMA, &m);
}

SIOVH_CLAUSE(dma_map_limit,
	.id = "VDCM.DMA.23", .level = SIOVH_MUST, .facet = "vdev",
	.title = "MAP_DMA beyond the number of mappings the container holds fails with -ENOSPC and maps nothing (DMA to it faults); the mappings it holds still work, and unmapping one makes room for it",
	.source = SRC_VFIO("VFIO_IOMMU_MAP_DMA") "; Linux drivers/vfio/vfio_iommu_type1.c, vfio_dma_do_map (6.12, 7.3: -ENOSPC once dma_entry_limit mappings exist)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	const uint64_t cr = CIOVA + 0xf00;
	uint64_t refused;
	struct dma_buf b;
	unsigned int n;
	uint8_t *pg;
	struct vd d;
	int ret = 0;

	must_portal(check, ty);
	vd_up(check, ty, &d, 1);
	q_enable(check, &d, 0);
	dma_map(check, &d, &b, CIOVA, PAGE_4K);
	memset(b.va, 0x3c, 64);
	pg = aligned_alloc(PAGE_4K, PAGE_4K);
	ASSERT_TRUE(pg != NULL);
	memset(pg, 0, PAGE_4K);

	/* One page, mapped again and again at IOVAs that never touch. */
	for (n = 0; n < MAP_PROBE; n++) {
		ret = map_page(&d, MIOVA + 2ull * n * PAGE_4K, pg);
		if (ret)
			break;
	}
	if (!ret)
		SKIP("%u mappings and no limit reached (Linux's type1 allows "
		     "65535 by default, iommufd's compat none)", MAP_PROBE + 1);
	siovh_note(check, "the container holds %u mappings", n + 1);
	EXPECT_ERRNO(ret, -ENOSPC);
	refused = MIOVA + 2ull * n * PAGE_4K;

	drain_faults(check);
	EXPECT_EQ(run_copy(check, &d, 0, &b, CIOVA, refused, 64, cr, 0),
		  SIOVDEV_CS_PAGE_FAULT);
	EXPECT_EQ(pg[0], 0);
	drain_faults(check);
	/* the first and the last of those it holds */
	EXPECT_EQ(run_copy(check, &d, 0, &b, CIOVA, MIOVA, 64, cr, 0),
		  SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(pg[0], 0x3c);
	memset(pg, 0, 64);
	if (n)
		EXPECT_EQ(run_copy(check, &d, 0, &b, CIOVA, refused - 2 * PAGE_4K,
				   64, cr, 0), SIOVDEV_CS_SUCCESS);
	memset(pg, 0, 64);

	ASSERT_OK(dma_unmap(&d, MIOVA, PAGE_4K));
	EXPECT_OK(map_page(&d, refused, pg));
	EXPECT_EQ(run_copy(check, &d, 0, &b, CIOVA, refused, 64, cr, 0),
		  SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(pg[0], 0x3c);
	vd_down(check, &d);
	free(pg);
}
