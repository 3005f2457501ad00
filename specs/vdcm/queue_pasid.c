// SPDX-License-Identifier: MIT
/*
 * VDCM.QUEUE and vSVA together: a queue the guest gave up with SET_QUEUES
 * (at or beyond CURQ, seed 002 "Resource Scaling") has no ADI of its own
 * any more. Were its PASID register still honoured, the write would land
 * on whatever ADI now serves it, one that runs another queue's work, and
 * move that queue to a guest PASID behind its back.
 */
#include <string.h>

#include "specs/vsva/common.h"

#define GPASID	6u

SIOVH_CLAUSE(queue_pasid_beyond_curq,
	.id = "VDCM.QUEUE.9", .level = SIOVH_MUST, .facet = "vdev",
	.title = "after SET_QUEUES(1), switching queue 1 (beyond CURQ) to an attached guest PASID is refused (PASID_ERR, the register stays 0) and queue 0's ADI keeps the default PASID; queue 0 itself can switch",
	.source = SRC_SCALING "; " SRC_VSVA,
	.needs = NEEDS_SVA)
{
	struct siovh_adi_probe a;
	uint32_t adi0;
	struct sva s;

	must_sva(check, &s, 2, true);
	if (!s.d.ty->max_queues || !s.d.ty->has_mailbox)
		SKIP("type %s has no mailbox queue re-allocation in the "
		     "profile", s.d.ty->name);
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	ASSERT_EQ(mbox(check, &s.d, MBOX_SET_QUEUES, 1, NULL), MBOX_DONE);
	adi0 = sva_adi(check, &s, 0);

	qpasid_wr(check, &s, 1, QPASID_EN | GPASID);
	EXPECT_EQ(qstatus(check, &s, 1) & QSTS_PASID_ERR, QSTS_PASID_ERR);
	EXPECT_EQ(qpasid_rd(check, &s, 1), 0);
	a = adi_probe(check, adi0);
	EXPECT_TRUE(a.pasid_valid);
	EXPECT_EQ(a.pasid, s.default_pasid);

	/* The refusal is CURQ's: queue 0 switches. */
	qpasid_wr(check, &s, 0, QPASID_EN | GPASID);
	EXPECT_EQ(qstatus(check, &s, 0) & QSTS_PASID_ERR, 0);
	a = adi_probe(check, adi0);
	EXPECT_NE(a.pasid, s.default_pasid);
}

/*
 * A guest PASID means something only through the VM's /dev/iommu: the
 * VDCM translates it with the IOASID spid mapping of the VDEV's bind
 * (seed 000 "Intel Scalable IOV & vSVA", seed 001 "Guest SVA"). A VDEV
 * the VMM drives through the type1 container alone has no such space, so
 * there is nothing to switch a queue to.
 */
SIOVH_CLAUSE(queue_pasid_unbound,
	.id = "VDCM.QUEUE.10", .level = SIOVH_MUST, .facet = "vdev",
	.title = "on a VDEV not bound to /dev/iommu (type1 container only), switching a queue to a guest PASID is refused (PASID_ERR, the register stays 0) and its ADI keeps the default PASID, which its DMA still carries",
	.source = SRC_VSVA "; " SRC_SVA_FLOW,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	const struct siovh_profile_reg *qp, *qs;
	struct siovh_vdev_probe vp;
	struct siovh_adi_probe a;
	struct dma_buf b;
	uint32_t cap;
	struct vd d;

	must_portal(check, ty);
	qp = must_reg(check, ty, "q0_pasid");
	qs = must_reg(check, ty, "q0_status");
	vd_up(check, ty, &d, 1);
	cap = vd_find_ecap(check, &d, ECAP_PASID_ID);
	if (!cap)
		SKIP("type %s shows no PASID capability", ty->name);
	cfg_wr(check, &d, cap + 6, 1, 2);		/* PASID enable */
	vp = vdev_probe(check, &d);

	reg_wr(check, &d, qp, QPASID_EN | GPASID);
	EXPECT_EQ(reg_rd(check, &d, qs) & QSTS_PASID_ERR, QSTS_PASID_ERR);
	EXPECT_EQ(reg_rd(check, &d, qp), 0);
	a = adi_probe(check, vp.adis[0]);
	EXPECT_TRUE(a.pasid_valid);
	EXPECT_EQ(a.pasid, vp.default_pasid);

	/* Only the default PASID's domain maps the buffer: a copy that
	 * reaches it carried that PASID. */
	q_enable(check, &d, 0);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	memset(b.va, 0x5a, 64);
	EXPECT_EQ(run_copy(check, &d, 0, &b, b.iova, b.iova + 0x400, 64,
			   b.iova + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[0x400], 0x5a);
	vd_down(check, &d);
}
