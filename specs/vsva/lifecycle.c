/* SPDX-License-Identifier: MIT */
/*
 * VSVA.FLOW: the guest-SVA lifecycle of seeds/001 ("IOASID Lifecycle in
 * Guest SVA", 24 steps with the Ref column) replayed across the roles of
 * the target: VFIO/IOMMU (a PASID attach of the VDEV allocates the host
 * PASID and binds it), KVM (it hears BIND/UNBIND and keeps the guest's
 * translation), the VDCM (a queue pointed at the guest PASID finds the host
 * PASID by spid and holds it). The host PASID's references are read with
 * the test facet's IOASID probe after each step:
 *
 *   attach (steps 1-7)      alloc 1 + bind 1 + KVM 1             = 3
 *   queue on (steps 8-11)   + the VDCM's                         = 4
 *   queue off (14-16)       - the VDCM's                         = 3
 *   detach (17-23)          UNBIND: - KVM's, - bind's, free      reclaimed
 */
#include <string.h>

#include "common.h"

#define GPASID		9u
#define NEEDS_FLOW	(NEEDS_SVA | SIOVH_FEAT_TEST_IOASID)
#define SRC_FLOW	SEED001V "\"BACKUP: IOASID Lifecycle in Guest SVA\""

static struct siovh_ioasid_probe id_probe(struct siovh_check *check,
					  uint32_t id)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_probe p = { 0 };
	int ret = t->test->ioasid_probe(t, id, &p);

	if (ret == -ENOENT)
		p.state = SIOVH_IOASID_STATE_FREE;
	else
		ASSERT_OK(ret);
	return p;
}

/* Queue 0 on GPASID (attached first); the host PASID its ADI carries. */
static uint32_t flow_queue_on(struct siovh_check *check, struct sva *s)
{
	uint32_t adi = sva_adi(check, s, 0);

	qpasid_wr(check, s, 0, QPASID_EN | GPASID);
	ASSERT_EQ(qstatus(check, s, 0) & QSTS_PASID_ERR, 0);
	return adi_probe(check, adi).pasid;
}

SIOVH_CLAUSE(vsva_flow_refs, .id = "VSVA.FLOW.1", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_FLOW,
	     .title = "the guest-SVA lifecycle keeps the talk's reference counts: 3 while attached (alloc, bind, KVM), 4 while a queue runs on it, 3 when it leaves, and the host PASID is reclaimed at detach",
	     .source = SRC_FLOW)
{
	struct siovh_ioasid_probe p;
	struct sva s;
	uint32_t h;

	must_sva(check, &s, 1, true);
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	h = flow_queue_on(check, &s);
	p = id_probe(check, h);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_ACTIVE);
	EXPECT_EQ(p.spid, GPASID);
	EXPECT_EQ(p.refs, 4);
	qpasid_wr(check, &s, 0, 0);
	EXPECT_EQ(id_probe(check, h).refs, 3);
	ASSERT_OK(sva_pasid_detach(check, &s, GPASID));
	p = id_probe(check, h);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(p.refs, 0);
}

SIOVH_CLAUSE(vsva_flow_busy, .id = "VSVA.FLOW.2", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_FLOW,
	     .title = "detaching a guest PASID that a queue still runs on stops the queue first: its reference goes with the unbind's and KVM's, and the host PASID is reclaimed at once, not left free-pending",
	     .source = SRC_FLOW)
{
	struct siovh_ioasid_probe p;
	struct sva s;
	uint32_t h;

	must_sva(check, &s, 1, true);
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	h = flow_queue_on(check, &s);
	q_enable(check, &s.d, 0);
	ASSERT_OK(sva_pasid_detach(check, &s, GPASID));
	p = id_probe(check, h);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(qpasid_rd(check, &s, 0), 0);
}

SIOVH_CLAUSE(vsva_flow_again, .id = "VSVA.FLOW.3", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_FLOW,
	     .title = "a new life cycle after the first: the guest PASID attached again maps to a live host PASID with 3 references, and a queue's DMA on it works",
	     .source = SRC_FLOW)
{
	struct sva s;
	uint32_t h1, h2;

	must_sva(check, &s, 1, true);
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	h1 = flow_queue_on(check, &s);
	ASSERT_OK(sva_pasid_detach(check, &s, GPASID));
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	h2 = flow_queue_on(check, &s);
	EXPECT_EQ(id_probe(check, h2).refs, 4);
	EXPECT_EQ(id_probe(check, h2).state, SIOVH_IOASID_STATE_ACTIVE);
	if (h2 != h1)
		EXPECT_EQ(id_probe(check, h1).state, SIOVH_IOASID_STATE_FREE);
	q_enable(check, &s.d, 0);
	memset(s.buf.va, 0x5a, PG);
	EXPECT_EQ(run_copy(check, &s.d, 0, &s.buf, s.buf.iova,
			   s.buf.iova + PG, 64, s.buf.iova + 2 * PG, 0),
		  SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(last_dma_pasid(check, sva_adi(check, &s, 0)), (int64_t)h2);
}

SIOVH_CLAUSE(vsva_flow_reset, .id = "VSVA.FLOW.4", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_FLOW,
	     .title = "a VDEV reset takes every queue off its guest PASID and drops the VDCM's references: the attached host PASID is back to 3",
	     .source = SRC_FLOW)
{
	struct sva s;
	uint32_t h;

	must_sva(check, &s, 1, true);
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	h = flow_queue_on(check, &s);
	ASSERT_OK(s.d.t->vfio_device->ioctl(s.d.t, s.d.v, VFIO_DEVICE_RESET,
					    NULL));
	EXPECT_EQ(id_probe(check, h).refs, 3);
	cfg_wr(check, &s.d, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, 2);
	EXPECT_EQ(qpasid_rd(check, &s, 0), 0);
	EXPECT_NE(adi_probe(check, sva_adi(check, &s, 0)).pasid, h);
}
