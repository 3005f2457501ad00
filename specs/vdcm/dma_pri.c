// SPDX-License-Identifier: MIT
/*
 * A work queue is in order, also across a page wait: a block-on-fault
 * descriptor that waits for a page response stays at the head of its
 * queue, and what the guest submitted behind it waits with it (seed 004
 * "Page Request/Response": the device stalls on the fault; siovdev.h
 * "Execution model": an ADI runs its queue oldest first). A device that
 * ran the later work first would complete descriptors out of the order
 * the guest's driver counts them in.
 */
#include <string.h>

#include "specs/iommufd/prq.h"

SIOVH_CLAUSE(dma_order_page_wait,
	.id = "VDCM.DMA.20", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a descriptor submitted behind one that waits for a page does not run while the head waits; after the page response the head completes, then it does",
	.source = SRC_PRQ "; harness/ref/siovdev/siovdev.h \"Execution model\" (a queue runs oldest first)",
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf;
	struct siovdev_completion *cr2;
	struct siovdev_desc x;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 1);
	pq_copy(check, &s, 0, PQ_FAULT + 0, 0x2000);
	fq_read1(check, &q, &pf);

	/* Behind it: a copy of a present page, its record in slot 1. */
	cr2 = pq_cr(&s, 1);
	memset(cr2, 0, SIOVDEV_CR_SIZE);
	memset(vs_page(&s, 6), 0x5e, PQ_SIZE);
	memset(vs_page(&s, PQ_DST + 1), 0, PQ_SIZE);
	desc_copy(&x, VS_GVA + 6 * PG, VS_GVA + (PQ_DST + 1) * PG, PQ_SIZE,
		  VS_GVA + PQ_CR * PG + 64, SIOVDEV_DF_COMPLETION, 0x2001);
	ASSERT_OK(desc_submit(&s.d, 0, &x));
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_NONE);
	EXPECT_EQ(cr2->status, SIOVDEV_CS_NONE);
	EXPECT_EQ(vs_page(&s, PQ_DST + 1)[0], 0);

	pq_map(&s, PQ_FAULT + 0);
	EXPECT_EQ(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST + 0)[0], PQ_BYTE(0));
	EXPECT_EQ(cr2->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(cr2->tag, 0x2001);
	EXPECT_EQ(vs_page(&s, PQ_DST + 1)[0], 0x5e);
}
