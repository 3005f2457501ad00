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

/* A copy of data page src to page dst with its record in CR slot k. */
static void pw_copy(struct siovh_check *check, struct vs *s, unsigned int src,
		    unsigned int dst, unsigned int k, uint8_t flags,
		    uint64_t tag)
{
	struct siovdev_desc x;

	memset(pq_cr(s, k), 0, SIOVDEV_CR_SIZE);
	memset(vs_page(s, dst), 0, PQ_SIZE);
	desc_copy(&x, VS_GVA + src * PG, VS_GVA + dst * PG, PQ_SIZE,
		  VS_GVA + PQ_CR * PG + k * 64, SIOVDEV_DF_COMPLETION | flags,
		  tag);
	ASSERT_OK(desc_submit(&s->d, 0, &x));
}

SIOVH_CLAUSE(dma_disable_page_wait,
	.id = "VDCM.DMA.22", .level = SIOVH_MUST, .facet = "vdev",
	.title = "disabling a queue whose head waits for a page finishes the work accepted: the head completes with CS_PAGE_FAULT and no data, a copy of a present page behind it runs, and a block-on-fault copy of another absent page behind that completes with CS_PAGE_FAULT instead of waiting; the queue is then idle, and answering the page requests changes nothing",
	.source = SRC_PRQ "; harness/ref/siovdev/siovdev.h \"Execution model\" (CTRL.ENABLE 1->0 first runs the queue: work accepted is finished) and \"Page requests\" (DRAIN and CTRL.ENABLE 1->0 give up on a waiting descriptor)",
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf, more[4];
	struct siovh_adi_probe ap;
	uint32_t adi, k;
	struct fq q;
	struct vs s;
	ssize_t n;

	pq_up(check, &s, &q, 1, 1);
	adi = pq_adi(check, &s, 0);
	/* slot 0: waits for PQ_FAULT + 0; slot 1: a present page; slot 2:
	 * would wait for PQ_FAULT + 1 */
	memset(vs_page(&s, 6), 0x6e, PQ_SIZE);
	pw_copy(check, &s, PQ_FAULT + 0, PQ_DST + 0, 0,
		SIOVDEV_DF_BLOCK_ON_FAULT, 0x2200);
	fq_read1(check, &q, &pf);
	ASSERT_TRUE(adi_probe(check, adi).page_wait);
	pw_copy(check, &s, 6, PQ_DST + 1, 1, 0, 0x2201);
	pw_copy(check, &s, PQ_FAULT + 1, PQ_DST + 2, 2,
		SIOVDEV_DF_BLOCK_ON_FAULT, 0x2202);
	EXPECT_EQ(pq_cr(&s, 1)->status, SIOVDEV_CS_NONE);

	pq_qctrl(check, &s, 0, 0);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_PAGE_FAULT);
	EXPECT_EQ(pq_cr(&s, 0)->tag, 0x2200);
	EXPECT_EQ(vs_page(&s, PQ_DST + 0)[0], 0);
	EXPECT_EQ(pq_cr(&s, 1)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST + 1)[0], 0x6e);
	EXPECT_EQ(pq_cr(&s, 2)->status, SIOVDEV_CS_PAGE_FAULT);
	EXPECT_EQ(pq_cr(&s, 2)->tag, 0x2202);
	EXPECT_EQ(vs_page(&s, PQ_DST + 2)[0], 0);
	ap = adi_probe(check, adi);
	EXPECT_EQ(ap.page_wait, 0);
	EXPECT_EQ(ap.queued, 0);

	/* Whatever page requests are still open to the host: answered
	 * SUCCESS with the pages present, they retry nothing. */
	pq_map(&s, PQ_FAULT + 0);
	pq_map(&s, PQ_FAULT + 1);
	fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS);
	n = fq_read(check, &q, more, sizeof(more));
	for (k = 0; n > 0 && k < (size_t)n / PF_SZ; k++)
		fq_write(check, &q, more[k].cookie, IOMMUFD_PAGE_RESP_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST + 0)[0], 0);
	EXPECT_EQ(vs_page(&s, PQ_DST + 2)[0], 0);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_PAGE_FAULT);
	EXPECT_EQ(pq_cr(&s, 2)->status, SIOVDEV_CS_PAGE_FAULT);
	EXPECT_EQ(adi_probe(check, adi).queued, 0);
	drain_faults(check);
}
