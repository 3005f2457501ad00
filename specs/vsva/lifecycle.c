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

/*
 * Step 2's allocation (seeds/001: ioasid_alloc(set, min, max) in the VM's
 * set) is bounded twice. By the VM's quota, which the IOASID core
 * reserves: another set that takes every ID it can still leaves the VM
 * its PASIDs. And by the device: a host PASID must fit the parent's PASID
 * capability (its Max PASID Width), or the ADI could not carry it; with
 * every ID below that width taken elsewhere, the attach has none to give,
 * quota or not. Which of the two the parent shows depends on its width
 * against the IOASID space (the reference: 20 bits, the whole space;
 * ref-lite: 16 bits).
 */
SIOVH_CLAUSE(vsva_flow_space, .id = "VSVA.FLOW.5", .level = SIOVH_MUST,
	     .facet = "vdev", .needs = NEEDS_FLOW | SIOVH_FEAT_IOASID,
	     .title = "another IOASID set that takes every host PASID it can (all its quota allows, below the parent's PASID width) leaves the VM its guest PASIDs when the width spans the IOASID space; when it does not, the attach fails and attaches nothing until one of those IDs is freed, and then takes that one; either way the attached guest PASID's host PASID fits the width and a queue's DMA carries it",
	     .source = SRC_FLOW " (step 2: ioasid_alloc(set, min, max)); " SEED001V "\"IOASID Core APIs\" (ownership, quota); 004_d7665fa33c8ab8d9.txt, \"Exposing IOMMU Capabilities to User Space\" (Supported Pasid width); derived: the PCIe PASID capability's Max PASID Width bounds the PASIDs a function carries")
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	uint32_t cap = 0, avail = 0, pmax, id, last = 0, n = 0, h;
	struct siovh_ioasid_set *set = NULL;
	struct siovh_ioasid_probe ip;
	bool narrow;
	struct sva s;
	int ret;

	if (!p->parent.pasid_width || p->parent.pasid_width > 20)
		SKIP("the profile gives no PASID width for the parent");
	must_sva(check, &s, 1, true);
	ASSERT_OK(t->ioasid->get_capacity(t, &cap, &avail));
	ASSERT_GT(cap, 1);
	narrow = (1ull << p->parent.pasid_width) < cap;
	pmax = narrow ? (1u << p->parent.pasid_width) - 1 : cap - 1;
	ASSERT_OK(t->ioasid->set_alloc(t, NULL, avail,
				       SIOVH_IOASID_SET_TYPE_NULL, &set));
	while (!(ret = t->ioasid->alloc(t, set, 1, pmax, NULL, &id))) {
		last = id;
		n++;
	}
	ASSERT_GT(n, 0);
	siovh_note(check, "took %u IDs in [1, %u] (quota %u): then %d", n,
		   pmax, avail, ret);
	if (narrow) {
		ASSERT_EQ(ret, -ENOSPC);
		ret = sva_pasid_attach(check, &s, GPASID, s.hwpt);
		if (!ret)
			FAIL("the guest PASID attached with no host PASID in [1, %u] free",
			     pmax);
		EXPECT_ERRNO(sva_pasid_detach(check, &s, GPASID), -ENOENT);
		t->ioasid->free(t, set, last);
	} else {
		ASSERT_EQ(ret, -EDQUOT);
	}
	ASSERT_OK(sva_pasid_attach(check, &s, GPASID, s.hwpt));
	h = flow_queue_on(check, &s);
	EXPECT_LE(h, pmax);
	if (narrow)
		EXPECT_EQ(h, last);
	ip = id_probe(check, h);
	EXPECT_EQ(ip.state, SIOVH_IOASID_STATE_ACTIVE);
	EXPECT_EQ(ip.spid, GPASID);
	q_enable(check, &s.d, 0);
	memset(s.buf.va, 0x5a, PG);
	EXPECT_EQ(run_copy(check, &s.d, 0, &s.buf, s.buf.iova,
			   s.buf.iova + PG, 64, s.buf.iova + 2 * PG, 0),
		  SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(last_dma_pasid(check, sva_adi(check, &s, 0)), (int64_t)h);
}
