/* SPDX-License-Identifier: MIT */
/*
 * VSVA.QPASID: how a guest turns vSVA on and off for one queue of a VDEV
 * (seeds/000, "Intel Scalable IOV & vSVA": the VDCM translates a guest
 * PASID through the IOASID core and programs the ADI; seeds/001: the
 * guest never sees a host PASID). The guest PASID is attached through
 * /dev/iommu first (a PASID attach of the VDEV), then written to the
 * queue's PASID register.
 */
#include <string.h>

#include "common.h"

#define GPASID		5u
#define GPASID_NONE	77u

/* Queue 0 on guest PASID GPASID; returns its ADI. */
static uint32_t sva_queue_on(struct siovh_check *check, struct sva *s)
{
	ASSERT_OK(sva_pasid_attach(check, s, GPASID, s->hwpt));
	qpasid_wr(check, s, 0, QPASID_EN | GPASID);
	ASSERT_EQ(qstatus(check, s, 0) & QSTS_PASID_ERR, 0);
	return sva_adi(check, s, 0);
}

/* A copy inside the buffer through queue 0; returns its status. */
static uint8_t sva_copy(struct siovh_check *check, struct sva *s)
{
	memset(s->buf.va, 0x3c, PG);
	return run_copy(check, &s->d, 0, &s->buf, s->buf.iova,
			s->buf.iova + PG, 256, s->buf.iova + 2 * PG, 0);
}

SIOVH_CLAUSE(vsva_qpasid_translated, .id = "VSVA.QPASID.1",
	     .level = SIOVH_MUST, .facet = "vdev", .needs = NEEDS_SVA,
	     .title = "a queue switched to a guest PASID has its ADI programmed with the host PASID the guest PASID maps to, never the guest PASID, and its DMA carries it",
	     .source = SRC_VSVA)
{
	struct sva s;
	struct siovh_adi_probe a;
	uint32_t adi;

	must_sva(check, &s, 1, true);
	adi = sva_queue_on(check, &s);
	a = adi_probe(check, adi);
	EXPECT_TRUE(a.pasid_valid);
	EXPECT_NE(a.pasid, GPASID);
	EXPECT_NE(a.pasid, s.default_pasid);
	EXPECT_EQ(qpasid_rd(check, &s, 0), QPASID_EN | GPASID);
	q_enable(check, &s.d, 0);
	EXPECT_EQ(sva_copy(check, &s), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(last_dma_pasid(check, adi), (int64_t)a.pasid);
}

SIOVH_CLAUSE(vsva_qpasid_off, .id = "VSVA.QPASID.2", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_SVA,
	     .title = "clearing a queue's PASID_EN switches its ADI back to the AUX domain's default PASID: no DMA carries the guest's host PASID afterwards",
	     .source = SRC_VSVA)
{
	struct sva s;
	uint32_t adi;

	must_sva(check, &s, 1, true);
	adi = sva_queue_on(check, &s);
	qpasid_wr(check, &s, 0, 0);
	EXPECT_EQ(qstatus(check, &s, 0) & QSTS_PASID_ERR, 0);
	EXPECT_EQ(adi_probe(check, adi).pasid, s.default_pasid);
	q_enable(check, &s.d, 0);
	EXPECT_EQ(sva_copy(check, &s), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(last_dma_pasid(check, adi), (int64_t)s.default_pasid);
}

SIOVH_CLAUSE(vsva_qpasid_enabled, .id = "VSVA.QPASID.3",
	     .level = SIOVH_MUST, .facet = "vdev", .needs = NEEDS_SVA,
	     .title = "a queue's PASID cannot be switched while the queue is enabled: the write is refused (PASID_ERR) and the ADI keeps its PASID",
	     .source = SRC_VSVA)
{
	struct sva s;
	uint32_t adi;

	must_sva(check, &s, 1, true);
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	q_enable(check, &s.d, 0);
	adi = sva_adi(check, &s, 0);
	qpasid_wr(check, &s, 0, QPASID_EN | GPASID);
	EXPECT_EQ(qstatus(check, &s, 0) & QSTS_PASID_ERR, QSTS_PASID_ERR);
	EXPECT_EQ(qpasid_rd(check, &s, 0), 0);
	EXPECT_EQ(adi_probe(check, adi).pasid, s.default_pasid);
}

SIOVH_CLAUSE(vsva_qpasid_unknown, .id = "VSVA.QPASID.4",
	     .level = SIOVH_MUST, .facet = "vdev", .needs = NEEDS_SVA,
	     .title = "a guest PASID that was never attached through /dev/iommu is refused: the guest cannot reach a PASID the host did not give it",
	     .source = SRC_SVA_FLOW)
{
	struct sva s;
	uint32_t adi;

	must_sva(check, &s, 1, true);
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	adi = sva_adi(check, &s, 0);
	qpasid_wr(check, &s, 0, QPASID_EN | GPASID_NONE);
	EXPECT_EQ(qstatus(check, &s, 0) & QSTS_PASID_ERR, QSTS_PASID_ERR);
	EXPECT_EQ(qpasid_rd(check, &s, 0), 0);
	EXPECT_EQ(adi_probe(check, adi).pasid, s.default_pasid);
}

SIOVH_CLAUSE(vsva_qpasid_cap, .id = "VSVA.QPASID.5", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_SVA,
	     .title = "vSVA needs the VDEV's PASID capability enabled: PASID_EN is refused while the virtual PASID control's enable bit is clear",
	     .source = SEED000V "\"VDCM to support vSVA (Cont.)\"")
{
	struct sva s;

	must_sva(check, &s, 1, false);
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	qpasid_wr(check, &s, 0, QPASID_EN | GPASID);
	EXPECT_EQ(qstatus(check, &s, 0) & QSTS_PASID_ERR, QSTS_PASID_ERR);
	EXPECT_EQ(qpasid_rd(check, &s, 0), 0);
	EXPECT_EQ(adi_probe(check, sva_adi(check, &s, 0)).pasid,
		  s.default_pasid);
}

SIOVH_CLAUSE(vsva_qpasid_reset, .id = "VSVA.QPASID.6", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_SVA,
	     .title = "a queue reset returns the queue to the default PASID: the register reads 0 and the ADI carries the default PASID",
	     .source = SRC_VSVA)
{
	struct sva s;
	uint32_t adi;

	must_sva(check, &s, 1, true);
	adi = sva_queue_on(check, &s);
	reg_wr(check, &s.d, must_reg(check, s.d.ty, "q0_ctrl"), 2);
	EXPECT_EQ(qpasid_rd(check, &s, 0), 0);
	EXPECT_EQ(adi_probe(check, adi).pasid, s.default_pasid);
}

SIOVH_CLAUSE(vsva_qpasid_free, .id = "VSVA.QPASID.7", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_SVA,
	     .title = "detaching a guest PASID in use by a queue resets that queue's ADI off the PASID first and clears its PASID_EN: nothing can DMA with the freed PASID",
	     .source = SRC_SVA_FLOW)
{
	struct sva s;
	struct siovh_adi_probe a;
	uint32_t adi, hpasid;

	must_sva(check, &s, 1, true);
	adi = sva_queue_on(check, &s);
	hpasid = adi_probe(check, adi).pasid;
	q_enable(check, &s.d, 0);
	ASSERT_OK(sva_pasid_detach(check, &s, GPASID));
	a = adi_probe(check, adi);
	EXPECT_TRUE(!a.pasid_valid || a.pasid != hpasid);
	EXPECT_EQ(qpasid_rd(check, &s, 0) & QPASID_EN, 0);
	/* Attaching the guest PASID again does not revive the queue. */
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	EXPECT_EQ(qpasid_rd(check, &s, 0) & QPASID_EN, 0);
}

SIOVH_CLAUSE(vsva_qpasid_scaling, .id = "VSVA.QPASID.8",
	     .level = SIOVH_MUST, .facet = "vdev", .needs = NEEDS_SVA,
	     .title = "while a queue runs on a guest PASID its ADI is not re-allocated: SET_QUEUES fails with EBUSY and CURQ and the ADI's PASID stay",
	     .source = SEED002V "\"Resource Scaling\"")
{
	struct sva s;
	uint32_t adi, hpasid, resp = 0;

	must_sva(check, &s, 2, true);
	adi = sva_queue_on(check, &s);
	hpasid = adi_probe(check, adi).pasid;
	EXPECT_EQ(mbox(check, &s.d, MBOX_SET_QUEUES, 1, &resp) & MBOX_ERR_MASK,
		  EBUSY);
	EXPECT_EQ(reg_rd(check, &s.d, must_reg(check, s.d.ty, "curq")),
		  s.d.ty->default_queues);
	EXPECT_EQ(adi_probe(check, adi).pasid, hpasid);
	/* Back on the default PASID, the guest may shrink again. */
	qpasid_wr(check, &s, 0, 0);
	EXPECT_EQ(mbox(check, &s.d, MBOX_SET_QUEUES, 1, &resp),
		  MBOX_DONE);
}
