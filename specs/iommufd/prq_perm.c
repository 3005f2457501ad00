/* SPDX-License-Identifier: MIT */
/*
 * VSVA.PRQ.8: a page request for a right the guest did not grant (seed
 * 004, "Page Request/Response": a request carries the access it needs).
 * The page is present in the guest's stage 1, but read-only: a device
 * write to it faults, the record asks for WRITE, and once the guest makes
 * the page writable and invalidates, SUCCESS lets the retried write land.
 *
 * VSVA.PRQ.13: the same write after the guest has made the page writable
 * but before it invalidates, while the unit still caches the read-only
 * translation. The page request is the device's and the guest's business
 * (seed 004: requests are reported to the guest, which answers them): the
 * host reports it even though the guest's table now grants the write, as
 * VT-d does (the unit queues every page request of a PASID entry with PRE,
 * it does not walk the tables for it) and as Linux does (intel/prq.c hands
 * each queued request to the fault handler, which queues it to the
 * HWPT's fault queue). A unit that answered it SUCCESS itself would send
 * the device back to its stale translation until its retries run out,
 * and the guest would never learn it has to invalidate.
 */
#include <string.h>

#include "prq.h"

#define FS_RW (1ull << 1)	/* stage-1 PTE: writable */

/* Queue 0's copy stalled on a page request for WRITE at its destination,
 * nothing written there yet; the request read from the fault queue. */
static void expect_write_request(struct siovh_check *check, struct vs *s,
				 const struct fq *q,
				 struct iommu_hwpt_pgfault *pf)
{
	EXPECT_EQ(pq_cr(s, 0)->status, SIOVDEV_CS_NONE);
	fq_read1(check, q, pf);
	EXPECT_EQ(pf->addr, VS_GVA + PQ_DST * PG);
	EXPECT_EQ(pf->perm & (IOMMU_PGFAULT_PERM_READ |
			      IOMMU_PGFAULT_PERM_WRITE),
		  IOMMU_PGFAULT_PERM_WRITE);
	EXPECT_EQ(vs_page(s, PQ_DST)[0], 0);
}

/* SUCCESS for that request completes queue 0's copy of byte. */
static void expect_write_completes(struct siovh_check *check, struct vs *s,
				   const struct fq *q, uint32_t cookie,
				   uint8_t byte)
{
	EXPECT_EQ(fq_write(check, q, cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(s, 0)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(s, PQ_DST)[0], byte);
	EXPECT_EQ(vs_page(s, PQ_DST)[PQ_SIZE - 1], byte);
}

SIOVH_CLAUSE(prq_write_perm,
	.id = "VSVA.PRQ.8", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a device write to a page the guest mapped read-only raises a page request for WRITE at that page; after the guest makes it writable and invalidates, SUCCESS completes the write",
	.source = SRC_PRQ,
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_vtd_s1_invalidate e;
	struct iommu_hwpt_pgfault pf;
	struct fq q;
	struct vs s;
	unsigned int src = PQ_DST + 1;

	pq_up(check, &s, &q, 1, 8);
	*vs_pte(&s, PQ_DST) &= ~FS_RW;
	e = inv_entry(VS_GVA + PQ_DST * PG, 1, 0);
	ASSERT_OK(vs_inv(check, s.nested, &e, sizeof(e), 1, NULL));
	memset(vs_page(&s, src), 0x6e, PQ_SIZE);
	pq_copy(check, &s, 0, src, 0x77);
	expect_write_request(check, &s, &q, &pf);
	*vs_pte(&s, PQ_DST) |= FS_RW;
	ASSERT_OK(vs_inv(check, s.nested, &e, sizeof(e), 1, NULL));
	expect_write_completes(check, &s, &q, pf.cookie, 0x6e);
}

SIOVH_CLAUSE(prq_stale_write,
	.id = "VSVA.PRQ.13", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a device write through a cached read-only translation, after the guest made the page writable but before it invalidated, either lands (the unit re-walked) or raises a page request for WRITE that reaches the fault queue, although the guest's table already grants it; the guest's invalidation and SUCCESS then complete the write",
	.source = SRC_PRQ "; " SRC_H("struct iommu_hwpt_pgfault"),
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_vtd_s1_invalidate e;
	struct iommu_hwpt_pgfault pf, more;
	struct fq q;
	struct vs s;
	unsigned int src = PQ_DST + 2;

	pq_up(check, &s, &q, 2, 9);
	*vs_pte(&s, PQ_DST) &= ~FS_RW;
	e = inv_entry(VS_GVA + PQ_DST * PG, 1, 0);
	ASSERT_OK(vs_inv(check, s.nested, &e, sizeof(e), 1, NULL));
	/* Queue 1 reads queue 0's destination: the unit caches it read-only. */
	memset(vs_page(&s, PQ_DST), 0x31, PG);
	pq_copy(check, &s, 1, PQ_DST, 0x78);
	ASSERT_EQ(pq_cr(&s, 1)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST + 1)[0], 0x31);
	/* The guest grants the write and has not invalidated yet. */
	*vs_pte(&s, PQ_DST) |= FS_RW;
	memset(vs_page(&s, src), 0x6f, PQ_SIZE);
	pq_copy(check, &s, 0, src, 0x79);
	if (pq_cr(&s, 0)->status == SIOVDEV_CS_SUCCESS) {
		/* No stale translation used: no request to report. */
		EXPECT_EQ(vs_page(&s, PQ_DST)[0], 0x6f);
		EXPECT_ERRNO(fq_read(check, &q, &more, PF_SZ), -EAGAIN);
		return;
	}
	expect_write_request(check, &s, &q, &pf);
	ASSERT_OK(vs_inv(check, s.nested, &e, sizeof(e), 1, NULL));
	expect_write_completes(check, &s, &q, pf.cookie, 0x6f);
	EXPECT_ERRNO(fq_read(check, &q, &more, PF_SZ), -EAGAIN);
}
