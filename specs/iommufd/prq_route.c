// SPDX-License-Identifier: MIT
/*
 * VSVA.PRQ 5-7, 9-12: where page requests go (seed 004, "Fault Reporting",
 * "Page Request/Response"): only to the fault queue of the HWPT the
 * requester is attached to, never to the user without one, and a detach
 * completes what the detached requester still waits for, and only that
 * when HWPTs share a fault queue; and none at all from a parent whose PRI
 * capability is absent or disabled.
 */
#include <string.h>

#include "prq.h"

#define SRC_REPORT SRC_VSVA("Fault Reporting")

SIOVH_CLAUSE(prq_no_queue,
	.id = "VSVA.PRQ.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a nested HWPT without a fault queue takes no page requests: a block-on-fault descriptor on a page the guest has not mapped completes with a page fault at once, and no fault queue gets a record",
	.source = SRC_REPORT "; " SRC_H("IOMMU_HWPT_FAULT_ID_VALID"),
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t adi;
	struct fq q;
	struct vs s;

	must_fault_queue(check, &q);	/* exists, but no HWPT names it */
	vs_up(check, &s);
	vs_nested(check, &s, 0);
	*vs_pte(&s, PQ_FAULT) = 0;
	adi = pq_adi(check, &s, 0);
	pq_copy(check, &s, 0, PQ_FAULT, 0x5);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_PAGE_FAULT);
	EXPECT_FALSE(adi_probe(check, adi).page_wait);
	EXPECT_ERRNO(fq_read(check, &q, &pf, PF_SZ), -EAGAIN);
	drain_faults(check);
}

SIOVH_CLAUSE(prq_route_own_queue,
	.id = "VSVA.PRQ.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "two VDEVs on nested HWPTs with fault queues of their own: each one's page request is read from its own queue only, with its own dev_id, and answering it releases that VDEV alone",
	.source = SRC_REPORT "; " SRC_FAULTQ,
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf[2], more;
	struct fq q[2];
	struct vs s[2];
	int i;

	for (i = 0; i < 2; i++)
		pq_up(check, &s[i], &q[i], 1, 1 + (unsigned int)i);
	for (i = 0; i < 2; i++) {
		pq_copy(check, &s[i], 0, PQ_FAULT + (unsigned int)i, 0x70);
		EXPECT_EQ(pq_cr(&s[i], 0)->status, SIOVDEV_CS_NONE);
	}
	for (i = 0; i < 2; i++) {
		fq_read1(check, &q[i], &pf[i]);
		EXPECT_EQ(pf[i].dev_id, s[i].dev_id);
		EXPECT_EQ(pf[i].addr, VS_GVA + (PQ_FAULT + i) * PG);
		EXPECT_ERRNO(fq_read(check, &q[i], &more, PF_SZ), -EAGAIN);
	}
	EXPECT_NE(s[0].dev_id, s[1].dev_id);
	pq_map(&s[1], PQ_FAULT + 1);
	EXPECT_EQ(fq_write(check, &q[1], pf[1].cookie,
			   IOMMUFD_PAGE_RESP_SUCCESS), (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s[1], 0)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(pq_cr(&s[0], 0)->status, SIOVDEV_CS_NONE);
	EXPECT_EQ(fq_write(check, &q[0], pf[0].cookie,
			   IOMMUFD_PAGE_RESP_INVALID), (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s[0], 0)->status, SIOVDEV_CS_PAGE_FAULT);
	drain_faults(check);
}

SIOVH_CLAUSE(prq_detach_completes,
	.id = "VSVA.PRQ.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "detaching a device from a HWPT with a fault queue completes the groups it waits on: the device sees INVALID and completes with a page fault, and the group's cookie is unknown afterwards (-EINVAL)",
	.source = SRC_PRQ "; " SRC_VFIO_H("VFIO_DEVICE_DETACH_IOMMUFD_PT"),
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t adi;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 1);
	adi = pq_adi(check, &s, 0);
	pq_copy(check, &s, 0, PQ_FAULT, 0x7);
	fq_read1(check, &q, &pf);
	EXPECT_TRUE(adi_probe(check, adi).page_wait);
	ASSERT_OK(dev_detach(check, &s.d, false, 0));
	EXPECT_FALSE(adi_probe(check, adi).page_wait);
	EXPECT_EQ(pq_last_resp(check, adi), SIOVDEV_PR_INVALID);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_PAGE_FAULT);
	EXPECT_ERRNO(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		     -EINVAL);
	drain_faults(check);
}

SIOVH_CLAUSE(prq_detach_shared_queue,
	.id = "VSVA.PRQ.12", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "two VDEVs on nested HWPTs that share one fault queue, each waiting for a page, their records not yet read: detaching one completes only its own group (it sees INVALID and completes with a page fault, its record is gone); the other still waits, its record is the one read from the queue, and its SUCCESS completes its copy",
	.source = SRC_PRQ "; " SRC_VFIO_H("VFIO_DEVICE_DETACH_IOMMUFD_PT") "; " SRC_H("IOMMU_HWPT_FAULT_ID_VALID (one fault queue for several HWPTs)"),
	.needs = NEEDS_PRQ)
{
	const struct siovh_profile *p = must_profile(check);
	struct iommu_hwpt_pgfault pf, more;
	uint32_t adi[2];
	struct fq q;
	struct vs s[2];
	int i;

	pq_up(check, &s[0], &q, 1, 1);
	/* the second VDEV's nested HWPT names the first one's queue */
	vs_up_on(check, &s[1], must_type(check, p, 1), 2, 1);
	vs_nested(check, &s[1], q.id);
	*vs_pte(&s[1], PQ_FAULT) = 0;
	memset(vs_page(&s[1], PQ_FAULT), PQ_BYTE(0), PG);
	for (i = 0; i < 2; i++) {
		adi[i] = pq_adi(check, &s[i], 0);
		pq_copy(check, &s[i], 0, PQ_FAULT, 0x7c);
		EXPECT_TRUE(adi_probe(check, adi[i]).page_wait);
	}
	ASSERT_OK(dev_detach(check, &s[0].d, false, 0));
	EXPECT_FALSE(adi_probe(check, adi[0]).page_wait);
	EXPECT_EQ(pq_last_resp(check, adi[0]), SIOVDEV_PR_INVALID);
	EXPECT_EQ(pq_cr(&s[0], 0)->status, SIOVDEV_CS_PAGE_FAULT);
	EXPECT_TRUE(adi_probe(check, adi[1]).page_wait);
	EXPECT_EQ(pq_cr(&s[1], 0)->status, SIOVDEV_CS_NONE);
	fq_read1(check, &q, &pf);
	EXPECT_EQ(pf.dev_id, s[1].dev_id);
	EXPECT_ERRNO(fq_read(check, &q, &more, PF_SZ), -EAGAIN);
	pq_map(&s[1], PQ_FAULT);
	EXPECT_EQ(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(pq_cr(&s[1], 0)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s[1], PQ_DST)[0], PQ_BYTE(0));
	drain_faults(check);
}

/* The parent's PRI control register (PCIe 7.8.9.2), 0 if it has no PRI. */
#define PRI_CTRL	0x04
#define PRI_CTRL_ENABLE	0x0001

SIOVH_CLAUSE(prq_pri_off,
	.id = "VSVA.PRQ.9", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a parent whose PRI capability is absent or disabled sends no page request: a block-on-fault descriptor on a page the guest has not mapped completes with a page fault at once, and the HWPT's fault queue stays empty",
	.source = "PCIe 10.5.2.2 (PRI Control Register: Enable — the function may not issue page requests while it is clear); " SRC_REPORT,
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t adi, pri, ctrl = 0;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 1);
	pri = parent_find_ecap(check, 0x13);
	if (pri) {	/* present: turn it off for the descriptor */
		ctrl = pcfg_rd(check, pri + PRI_CTRL, 2);
		pcfg_wr(check, pri + PRI_CTRL, ctrl & ~PRI_CTRL_ENABLE, 2);
	}
	adi = pq_adi(check, &s, 0);
	pq_copy(check, &s, 0, PQ_FAULT, 0x9);
	EXPECT_EQ(pq_cr(&s, 0)->status, SIOVDEV_CS_PAGE_FAULT);
	EXPECT_FALSE(adi_probe(check, adi).page_wait);
	EXPECT_ERRNO(fq_read(check, &q, &pf, PF_SZ), -EAGAIN);
	if (pri)
		pcfg_wr(check, pri + PRI_CTRL, ctrl, 2);
	drain_faults(check);
}

#define PQ_GPASID	5	/* a guest PASID for queue 0 */
#define QPASID_EN	(1u << 31)

SIOVH_CLAUSE(prq_gpasid_detach,
	.id = "VSVA.PRQ.10", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "detaching a guest PASID whose queue waits for a page ends the wait first: the queue's ADI leaves its page wait and the PASID, and the page request it raised can no longer be answered",
	.source = "001_31fd9bc1970018d6.txt, \"IOASID Lifecycle in Guest SVA\" (steps 14-24: free before unbind; drain in-flight page requests); " SRC_PRQ,
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf;
	struct siovh_adi_probe a;
	uint32_t adi, cap, hpasid;
	struct fq q;
	struct vs s;

	pq_up(check, &s, &q, 1, 0x61);
	cap = vd_find_ecap(check, &s.d, 0x1b);		/* PASID */
	ASSERT_NE(cap, 0);
	cfg_wr(check, &s.d, cap + 6, 1, 2);		/* enable */
	ASSERT_OK(dev_attach(check, &s.d, true, PQ_GPASID, s.nested));
	pq_qctrl(check, &s, 0, 0);
	reg_wr(check, &s.d, must_reg(check, s.d.ty, "q0_pasid"),
	       QPASID_EN | PQ_GPASID);
	pq_qctrl(check, &s, 0, 1);
	adi = pq_adi(check, &s, 0);
	hpasid = adi_probe(check, adi).pasid;
	ASSERT_NE(hpasid, PQ_GPASID);	/* the ADI carries the host PASID */
	pq_copy(check, &s, 0, PQ_FAULT, 0xa);
	fq_read1(check, &q, &pf);
	EXPECT_EQ(pf.pasid, PQ_GPASID);
	ASSERT_TRUE(adi_probe(check, adi).page_wait);
	ASSERT_OK(dev_detach(check, &s.d, true, PQ_GPASID));
	a = adi_probe(check, adi);
	EXPECT_FALSE(a.page_wait);
	EXPECT_TRUE(!a.pasid_valid || a.pasid != hpasid);
	EXPECT_ERRNO(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		     -EINVAL);
	EXPECT_ERRNO(fq_read(check, &q, &pf, PF_SZ), -EAGAIN);
	drain_faults(check);
}

/* Queue 0 of s onto guest PASID gpasid, attached to s's nested HWPT. */
static void pq_on_gpasid(struct siovh_check *check, struct vs *s,
			 uint32_t gpasid)
{
	uint32_t cap = vd_find_ecap(check, &s->d, 0x1b);	/* PASID */

	if (!cap)
		SKIP("the VDEV has no PASID capability");
	cfg_wr(check, &s->d, cap + 6, 1, 2);			/* enable */
	ASSERT_OK(dev_attach(check, &s->d, true, gpasid, s->nested));
	pq_qctrl(check, s, 0, 0);
	reg_wr(check, &s->d, must_reg(check, s->d.ty, "q0_pasid"),
	       QPASID_EN | gpasid);
	pq_qctrl(check, s, 0, 1);
}

/*
 * The vdev facet's, as VSVA.ENOMEM.1 is: what it checks beyond PRQ.3 is the
 * VDCM's side, its guest PASID of a host PASID among several VDEVs.
 */
SIOVH_CLAUSE(prq_gpasid_route,
	.id = "VSVA.PRQ.11", .level = SIOVH_MUST, .facet = "vdev",
	.title = "two VDEVs on guest PASIDs of their own (different numbers, each its own host PASID) with fault queues of their own, beside a VDEV not bound to /dev/iommu: each page request is read from its own VDEV's queue only, with that VDEV's guest PASID and dev_id, and its SUCCESS completes that VDEV's copy",
	.source = SRC_REPORT "; " SRC_PRQ "; " SEED000 "\"Intel Scalable IOV & vSVA\" (guest PASID -> host PASID)",
	.needs = NEEDS_PRQ)
{
	const struct siovh_profile *p = must_profile(check);
	struct iommu_hwpt_pgfault pf[2], more;
	uint32_t gpasid[2] = { PQ_GPASID, PQ_GPASID + 2 };
	struct fq q[2];
	struct vs s[2];
	struct vd other;
	int i;

	for (i = 0; i < 2; i++)
		pq_up(check, &s[i], &q[i], 1, 0x71 + (unsigned int)i);
	/* the newest VDEV, opened but never bound to /dev/iommu */
	vd_up(check, &p->types[0], &other, 0x73);
	for (i = 0; i < 2; i++)
		pq_on_gpasid(check, &s[i], gpasid[i]);
	/* the older VDEV's first: the newer one is looked at before it */
	for (i = 0; i < 2; i++) {
		pq_copy(check, &s[i], 0, PQ_FAULT + (unsigned int)i, 0x7b);
		fq_read1(check, &q[i], &pf[i]);
		EXPECT_EQ(pf[i].dev_id, s[i].dev_id);
		EXPECT_TRUE(pf[i].flags & IOMMU_PGFAULT_FLAGS_PASID_VALID);
		EXPECT_EQ(pf[i].pasid, gpasid[i]);
		EXPECT_EQ(pf[i].addr, VS_GVA + (PQ_FAULT + i) * PG);
		EXPECT_ERRNO(fq_read(check, &q[i], &more, PF_SZ), -EAGAIN);
	}
	for (i = 0; i < 2; i++) {
		pq_map(&s[i], PQ_FAULT + (unsigned int)i);
		EXPECT_EQ(fq_write(check, &q[i], pf[i].cookie,
				   IOMMUFD_PAGE_RESP_SUCCESS), (ssize_t)PR_SZ);
		EXPECT_EQ(pq_cr(&s[i], 0)->status, SIOVDEV_CS_SUCCESS);
		EXPECT_EQ(vs_page(&s[i], PQ_DST)[0], PQ_BYTE(i));
	}
	vd_down(check, &other);
}
