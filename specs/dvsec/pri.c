// SPDX-License-Identifier: MIT
/*
 * The parent's Page Request Interface as host software programs it through
 * the pci facet (PCIe 10.5.2, the PRI extended capability): the
 * Outstanding Page Request Allocation bounds how many page requests the
 * function may have outstanding at once (SIOV.DVSEC.24), and the Stopped
 * bit tells software, once it has cleared Enable, when the last
 * outstanding request has completed (SIOV.DVSEC.25); a group index is
 * never that of a group still outstanding (SIOV.DVSEC.26). The page requests
 * come from ADIs whose block-on-fault descriptors touch absent pages of a
 * vSVA VDEV (specs/iommufd/prq.h); the fault queue shows what was sent.
 *
 * Only what PCIe fixes is asserted: a request the allocation does not
 * allow is not sent, but whether the descriptor then waits for a slot or
 * completes with the fault is the device's choice; Stopped is undefined
 * while Enable is set.
 */
#include <errno.h>
#include <string.h>

#include "specs/iommufd/prq.h"

#define PRI_ECAP	0x0013
#define PRI_CTRL	0x04
#define PRI_ENABLE	(1u << 0)
#define PRI_STATUS	0x06
#define PRI_STOPPED	(1u << 8)
#define PRI_CAPACITY	0x08
#define PRI_ALLOCATION	0x0c

#define SRC_PRI_ALLOC "PCIe Base 10.5.2.5 (Outstanding Page Request Allocation: the number of page requests the function may have outstanding)"
#define SRC_PRI_STOPPED "PCIe Base 10.5.2.3 (Page Request Status, Stopped: set once Enable is clear and every outstanding page request has completed)"

/* The parent's PRI capability, or SKIP. */
static uint32_t must_parent_pri(struct siovh_check *check)
{
	uint32_t pri = parent_find_ecap(check, PRI_ECAP);

	if (!pri)
		SKIP("the parent has no PRI capability");
	return pri;
}

/* Set the allocation the way PCIe asks: with Enable clear. */
static void pri_allocate(struct siovh_check *check, uint32_t pri,
			 uint32_t alloc)
{
	uint32_t ctrl = pcfg_rd(check, pri + PRI_CTRL, 2);

	pcfg_wr(check, pri + PRI_CTRL, ctrl & ~PRI_ENABLE, 2);
	pcfg_wr(check, pri + PRI_ALLOCATION, alloc, 4);
	ASSERT_EQ(pcfg_rd(check, pri + PRI_ALLOCATION, 4), alloc);
	pcfg_wr(check, pri + PRI_CTRL, ctrl | PRI_ENABLE, 2);
}

SIOVH_CLAUSE(pri_allocation,
	.id = "SIOV.DVSEC.24", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "with the parent's PRI Outstanding Page Request Allocation set to 1, two queues faulting on absent pages send one page request between them; once it is answered its queue completes",
	.source = SRC_PRI_ALLOC "; " SRC_PRQ,
	.needs = NEEDS_PRQ | NEEDS_PCI)
{
	struct iommu_hwpt_pgfault rec[2];
	uint32_t pri, cap;
	unsigned int first;
	struct fq q;
	struct vs s;
	ssize_t n;

	pq_up(check, &s, &q, 2, 1);
	pri = must_parent_pri(check);
	cap = pcfg_rd(check, pri + PRI_CAPACITY, 4);
	if (cap < 2)
		SKIP("the parent's PRI capacity is %u: nothing to limit", cap);
	pri_allocate(check, pri, 1);

	pq_copy(check, &s, 0, PQ_FAULT + 0, 0x2400);
	pq_copy(check, &s, 1, PQ_FAULT + 1, 0x2401);
	n = fq_read(check, &q, rec, sizeof(rec));
	ASSERT_EQ(n, (ssize_t)PF_SZ);
	first = rec[0].addr == VS_GVA + (PQ_FAULT + 1) * PG;
	siovh_note(check, "the one request came from queue %u; the other "
		   "queue's completion status is %u", first,
		   pq_cr(&s, !first)->status);
	EXPECT_EQ(fq_read(check, &q, rec, sizeof(rec)), -EAGAIN);

	pq_map(&s, PQ_FAULT + first);
	EXPECT_EQ(fq_write(check, &q, rec[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s, first)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST + first)[0], PQ_BYTE(first));
}

SIOVH_CLAUSE(pri_stopped,
	.id = "SIOV.DVSEC.25", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "clearing the parent's PRI Enable with a page request outstanding leaves Stopped clear until that request's response arrives; then Stopped is set",
	.source = SRC_PRI_STOPPED "; " SRC_PRQ,
	.needs = NEEDS_PRQ | NEEDS_PCI)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t pri, ctrl;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 1);
	pri = must_parent_pri(check);
	ctrl = pcfg_rd(check, pri + PRI_CTRL, 2);
	ASSERT_TRUE(ctrl & PRI_ENABLE);
	pq_copy(check, &s, 0, PQ_FAULT + 0, 0x2500);
	fq_read1(check, &q, &pf);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_NONE);

	pcfg_wr(check, pri + PRI_CTRL, ctrl & ~PRI_ENABLE, 2);
	EXPECT_EQ(pcfg_rd(check, pri + PRI_STATUS, 2) & PRI_STOPPED, 0);
	pq_map(&s, PQ_FAULT + 0);
	EXPECT_EQ(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pcfg_rd(check, pri + PRI_STATUS, 2) & PRI_STOPPED,
		  PRI_STOPPED);
}

SIOVH_CLAUSE(pri_prg_unique,
	.id = "SIOV.DVSEC.26", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "while one queue's page request group is outstanding, the parent never gives another request that group's index: 513 requests of a second queue, each answered, all carry other indices; the first group is then answered and its queue completes",
	.source = "PCIe Base 10.4.1 (Page Request Message: the Page Request Group Index names an outstanding group, matched by the response); " SRC_PRQ,
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf, first;
	unsigned int i, same = 0;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 2, 1);
	pq_copy(check, &s, 0, PQ_FAULT + 0, 0x2600);
	fq_read1(check, &q, &first);

	/* More requests than there are 9-bit indices: a device that hands
	 * them out round robin comes back to the outstanding one. */
	for (i = 0; i < 513; i++) {
		pq_copy(check, &s, 1, PQ_FAULT + 1, 0x2700 + i);
		fq_read1(check, &q, &pf);
		if (pf.grpid == first.grpid && same++ < 3)
			FAIL("request %u of queue 1 has the outstanding group "
			     "index %u of queue 0", i, first.grpid);
		ASSERT_EQ(fq_write(check, &q, pf.cookie,
				   IOMMUFD_PAGE_RESP_INVALID), (ssize_t)PR_SZ);
		ASSERT_EQ(pq_cr(&s, 1)->status, SIOVDEV_CS_PAGE_FAULT);
	}
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_NONE);
	pq_map(&s, PQ_FAULT + 0);
	EXPECT_EQ(fq_write(check, &q, first.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST + 0)[0], PQ_BYTE(0));
}
