// SPDX-License-Identifier: MIT
/*
 * VSVA.PRQ 1-4: what page responses written to a fault queue do to the
 * device (seed 004, "Page Request/Response"; PCIe 10.4): a response
 * releases exactly the group it names, a queue reset (or VDEV reset)
 * ends a wait so the queue runs again, a guest PASID's request reaches
 * the guest under its own PASID, and a fault queue's destroy completes
 * the groups INVALID. VSVA.PRQ.14: waits a queue reset abandons leave
 * their groups to the host until answered; more of them than the IOMMU
 * has room for must not leave a later wait hanging.
 *
 * The device-level Response Failure (PCIe's FAILURE code) is not here:
 * the uAPI's response codes are SUCCESS and INVALID only, and nothing on
 * the facet's path turns either into FAILURE (iommufd.h, "Fault queues").
 */
#include <string.h>

#include "prq.h"

#define SRC_PCIE_PRI "PCIe 10.4.2 (Page Request Group Response)"
#define GPASID 0x4242u		/* not a host PASID the reference would use */

/* The record of rec[0..n) for fault page k, or NULL. */
static const struct iommu_hwpt_pgfault *
rec_for(const struct iommu_hwpt_pgfault *rec, size_t n, unsigned int k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rec[i].addr == VS_GVA + (PQ_FAULT + k) * PG)
			return &rec[i];
	return NULL;
}

SIOVH_CLAUSE(prq_group_exact,
	.id = "VSVA.PRQ.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "two queues of one VDEV (one PASID) waiting for pages: a response releases only the queue whose group it names; the other keeps waiting until its own response",
	.source = SRC_PRQ "; " SRC_PCIE_PRI,
	.needs = NEEDS_PRQ)
{
	const struct iommu_hwpt_pgfault *r[2];
	struct iommu_hwpt_pgfault rec[2];
	uint32_t adi[2], hi, lo;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 2, 1);
	adi[0] = pq_adi(check, &s, 0);
	adi[1] = pq_adi(check, &s, 1);
	pq_copy(check, &s, 0, PQ_FAULT + 0, 10);
	pq_copy(check, &s, 1, PQ_FAULT + 1, 11);
	ASSERT_EQ(fq_read(check, &q, rec, sizeof(rec)), (ssize_t)sizeof(rec));
	r[0] = rec_for(rec, 2, 0);
	r[1] = rec_for(rec, 2, 1);
	ASSERT_TRUE(r[0] && r[1]);
	EXPECT_NE(r[0]->cookie, r[1]->cookie);
	/* answer the queue on the higher ADI first: a device matching
	 * responses by PASID alone would release the lower one */
	hi = adi[1] > adi[0];
	lo = !hi;
	pq_map(&s, PQ_FAULT + hi);
	EXPECT_EQ(fq_write(check, &q, r[hi]->cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s, hi)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST + hi)[0], PQ_BYTE(hi));
	EXPECT_EQ(pq_cr(&s, lo)->status, SIOVDEV_CS_NONE);
	EXPECT_TRUE(adi_probe(check, adi[lo]).page_wait);
	pq_map(&s, PQ_FAULT + lo);
	EXPECT_EQ(fq_write(check, &q, r[lo]->cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s, lo)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST + lo)[0], PQ_BYTE(lo));
}

/* Queue 0 runs a copy of a present page: its status. */
static uint8_t plain_copy(struct siovh_check *check, struct vs *s)
{
	pq_copy(check, s, 0, 6, 0x600d);
	return pq_cr(s, 0)->status;
}

/* A wait on fault page k of queue 0, its record read: the cookie. */
static uint32_t wait_on(struct siovh_check *check, struct vs *s,
			struct fq *q, unsigned int k)
{
	struct iommu_hwpt_pgfault pf;

	pq_copy(check, s, 0, PQ_FAULT + k, 0x100 + k);
	EXPECT_EQ(pq_cr(s, 0)->status, SIOVDEV_CS_NONE);
	fq_read1(check, q, &pf);
	return pf.cookie;
}

/* A late response to cookie is harmless: -EINVAL or accepted, and queue
 * 0 then waits for nothing and runs new work. */
static void late_response(struct siovh_check *check, struct vs *s,
			  struct fq *q, uint32_t cookie, uint32_t adi)
{
	ssize_t ret = fq_write(check, q, cookie, IOMMUFD_PAGE_RESP_SUCCESS);

	if (ret != -EINVAL && ret != (ssize_t)PR_SZ)
		FAIL("late response: %zd, expected -EINVAL or %zu", ret, PR_SZ);
	EXPECT_FALSE(adi_probe(check, adi).page_wait);
	EXPECT_EQ(plain_copy(check, s), SIOVDEV_CS_SUCCESS);
}

SIOVH_CLAUSE(prq_reset_ends_wait,
	.id = "VSVA.PRQ.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a queue reset (qN_ctrl RESET) or a VDEV reset while a descriptor waits for a page ends the wait without success: the re-enabled queue runs new work, and a late response to the old group changes nothing",
	.source = SRC_PRQ "; " SRC_LIFE("reset") "; " SRC_PCIE_PRI,
	.needs = NEEDS_PRQ)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t adi, cookie;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 1);
	adi = pq_adi(check, &s, 0);
	cookie = wait_on(check, &s, &q, 0);
	pq_qctrl(check, &s, 0, 2);			/* queue reset */
	EXPECT_FALSE(adi_probe(check, adi).page_wait);
	EXPECT_NE(pq_cr(&s, 0)->status, SIOVDEV_CS_SUCCESS);
	q_enable(check, &s.d, 0);
	EXPECT_EQ(plain_copy(check, &s), SIOVDEV_CS_SUCCESS);
	late_response(check, &s, &q, cookie, adi);

	cookie = wait_on(check, &s, &q, 1);
	ASSERT_OK(t->vfio_device->ioctl(t, s.d.v, VFIO_DEVICE_RESET, NULL));
	cfg_wr(check, &s.d, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, 2);
	q_enable(check, &s.d, 0);
	EXPECT_FALSE(adi_probe(check, adi).page_wait);
	EXPECT_NE(pq_cr(&s, 0)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(plain_copy(check, &s), SIOVDEV_CS_SUCCESS);
	late_response(check, &s, &q, cookie, adi);
}

SIOVH_CLAUSE(prq_guest_pasid,
	.id = "VSVA.PRQ.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a page request on a guest PASID is read with PASID_VALID, the guest's PASID (never the host's), LAST_PAGE and a WRITE or READ permission; its SUCCESS response reaches the queue running on that PASID",
	.source = SRC_PRQ "; " SRC_H("struct iommu_hwpt_pgfault") "; " SEED000
		  "\"Intel Scalable IOV & vSVA\"",
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t pasid_cap;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 1);
	pasid_cap = vd_find_ecap(check, &s.d, 0x1b);
	if (!pasid_cap)
		SKIP("the VDEV has no PASID capability");
	cfg_wr(check, &s.d, pasid_cap + 6, 1, 2);
	ASSERT_OK(dev_attach(check, &s.d, true, GPASID, s.nested));
	pq_qctrl(check, &s, 0, 0);
	reg_wr(check, &s.d, must_reg(check, s.d.ty, "q0_pasid"),
	       (1u << 31) | GPASID);
	q_enable(check, &s.d, 0);
	pq_copy(check, &s, 0, PQ_FAULT + 2, 0x6a);
	fq_read1(check, &q, &pf);
	EXPECT_EQ(pf.dev_id, s.dev_id);
	EXPECT_TRUE(pf.flags & IOMMU_PGFAULT_FLAGS_PASID_VALID);
	EXPECT_TRUE(pf.flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	EXPECT_EQ(pf.pasid, GPASID);
	EXPECT_EQ(pf.addr, VS_GVA + (PQ_FAULT + 2) * PG);
	EXPECT_TRUE(pf.perm & IOMMU_PGFAULT_PERM_READ);
	EXPECT_FALSE(pf.perm & IOMMU_PGFAULT_PERM_WRITE);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_NONE);
	pq_map(&s, PQ_FAULT + 2);
	EXPECT_EQ(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, PQ_DST)[0], PQ_BYTE(2));
}

SIOVH_CLAUSE(prq_destroy_invalid,
	.id = "VSVA.PRQ.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "destroying a fault queue answers its outstanding groups INVALID: the waiting device sees an INVALID response (not SUCCESS), stops waiting and runs new work",
	.source = SRC_PRQ " (\"closing the fault channel\"); " SRC_FAULTQ,
	.needs = NEEDS_PRQ)
{
	uint32_t adi;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 1);
	adi = pq_adi(check, &s, 0);
	wait_on(check, &s, &q, 0);
	ASSERT_OK(dev_attach(check, &s.d, false, 0, s.parent));
	ASSERT_OK(obj_destroy(check, s.nested));
	fq_close(&q);
	ASSERT_OK(obj_destroy(check, q.id));
	EXPECT_FALSE(adi_probe(check, adi).page_wait);
	EXPECT_EQ(pq_last_resp(check, adi), SIOVDEV_PR_INVALID);
	/* its completion record (a guest VA) cannot land on the parent;
	 * there a GPA copy runs */
	{
		struct dma_buf b = { .va = vs_page(&s, 0), .iova = vs_gpa(0) };

		memset(vs_page(&s, 6), 0x66, 64);
		EXPECT_EQ(run_copy(check, &s.d, 0, &b, vs_gpa(6), vs_gpa(7),
				   64, vs_gpa(PQ_CR), 0), SIOVDEV_CS_SUCCESS);
	}
	drain_faults(check);
}

/*
 * More waits than a small IOMMU has room for: the reference unit holds 32
 * requests and 32 groups (cfg.prq_depth), a kernel's VT-d queue far more,
 * so on a kernel no wait is ever refused and the rounds below only check
 * that old groups answered late do no harm.
 */
#define PQ_ABANDON 40

/*
 * Round r on queue 0: waits on fault page 2r are reset away unanswered,
 * their records read each time (read_each) or left in the queue, until
 * the 40th or one that found no room. Then every record is read, the page
 * made present and every group answered SUCCESS: no wait may be left
 * with nothing to answer. Then a wait on page 2r + 1 is read and its
 * SUCCESS completes the copy: the queue works again.
 */
static void abandon_round(struct siovh_check *check, struct vs *s,
			  struct fq *q, uint32_t adi, unsigned int r,
			  bool read_each)
{
	uint32_t cookie[2 * PQ_ABANDON], n = 0, i, k;
	unsigned int page = PQ_FAULT + 2 * r;
	struct iommu_hwpt_pgfault pf;
	ssize_t ret;

	for (i = 0; i < PQ_ABANDON; i++) {
		pq_copy(check, s, 0, page, 0x300 + i);
		if (!adi_probe(check, adi).page_wait) {
			/* answered for want of room: the device asked again
			 * until it gave up, and says so */
			EXPECT_EQ(pq_cr(s, 0)->status, SIOVDEV_CS_PAGE_FAULT);
			break;
		}
		if (read_each) {
			if (fq_read(check, q, &pf, PF_SZ) != (ssize_t)PF_SZ)
				break;	/* not read: it must be, below */
			cookie[n++] = pf.cookie;
		}
		if (i + 1 < PQ_ABANDON) {
			pq_qctrl(check, s, 0, 2);	/* ends unanswered */
			q_enable(check, &s->d, 0);
		}
	}
	while (n < 2 * PQ_ABANDON &&
	       fq_read(check, q, &pf, PF_SZ) == (ssize_t)PF_SZ) {
		EXPECT_EQ(pf.addr, VS_GVA + page * PG);
		cookie[n++] = pf.cookie;
	}
	pq_map(s, page);
	/* late answers (-EINVAL or accepted, VSVA.PRQ.2), and the live one */
	for (k = 0; k < n; k++) {
		ret = fq_write(check, q, cookie[k], IOMMUFD_PAGE_RESP_SUCCESS);
		if (ret != -EINVAL && ret != (ssize_t)PR_SZ)
			FAIL("round %u, response %u: %zd, expected -EINVAL or %zu",
			     r, k, ret, PR_SZ);
	}
	if (adi_probe(check, adi).page_wait)
		FAIL_FATAL("round %u (%s): after %u waits, queue 0 still waits for a page although the page is present and all %u page requests the fault queue gave were answered: a request was lost unanswered",
			   r, read_each ? "each read" : "none read", i, n);
	pq_copy(check, s, 0, page + 1, 0x3ff);
	ASSERT_TRUE(adi_probe(check, adi).page_wait);
	fq_read1(check, q, &pf);
	EXPECT_EQ(pf.addr, VS_GVA + (page + 1) * PG);
	pq_map(s, page + 1);
	EXPECT_EQ(fq_write(check, q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(s, 0)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(s, PQ_DST)[0], PQ_BYTE(page + 1 - PQ_FAULT));
}

SIOVH_CLAUSE(prq_abandoned_groups,
	.id = "VSVA.PRQ.14", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a queue whose page waits are reset away 40 times, their groups unanswered (read each time, or never read): a wait the IOMMU has no room for is not left hanging (answered, the descriptor completes with CS_PAGE_FAULT); once the records are read and answered no wait is left, and the queue's next wait is read and its SUCCESS completes the copy",
	.source = SRC_PRQ "; " SRC_PCIE_PRI " (a function waits for the response to its last request); harness/ref/viommu/viommu.h \"Page requests\" (-ENOSPC: a last request that does not fit is answered SUCCESS by the unit, VT-d's overflow rule, and the device asks again); harness/ref/siovdev/siovdev.h \"Page requests\" (SIOVDEV_PR_RETRIES)",
	.needs = NEEDS_PRQ)
{
	uint32_t adi;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 1);
	adi = pq_adi(check, &s, 0);
	abandon_round(check, &s, &q, adi, 0, true);
	abandon_round(check, &s, &q, adi, 1, false);
	drain_faults(check);
}
