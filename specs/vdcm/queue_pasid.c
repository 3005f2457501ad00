// SPDX-License-Identifier: MIT
/*
 * VDCM.QUEUE and vSVA together: a queue the guest gave up with SET_QUEUES
 * (at or beyond CURQ, seed 002 "Resource Scaling") has no ADI of its own
 * any more. Were its PASID register still honoured, the write would land
 * on whatever ADI now serves it, one that runs another queue's work, and
 * move that queue to a guest PASID behind its back.
 */
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
