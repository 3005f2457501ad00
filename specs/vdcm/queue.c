// SPDX-License-Identifier: MIT
/*
 * VDCM.QUEUE: resource scaling (seed 002, "Resource Scaling": maxQ vs curQ,
 * guest-cooperated re-allocation) through the VDEV-VDCM mailbox (seed 000,
 * "Design the VDCM (Cont'd)": mailbox MMIO), with the profile's registers
 * and the siovh mailbox protocol.
 */
#include <string.h>

#include "engine.h"

static void queue_vdev(struct siovh_check *check,
		       const struct siovh_profile_type *ty, struct vd *d,
		       unsigned int n)
{
	if (!ty->max_queues)
		SKIP("type %s has no queue re-allocation in the profile",
		     ty->name);
	if (!ty->has_mailbox)
		SKIP("type %s has no mailbox in the profile", ty->name);
	vd_up(check, ty, d, n);
}

static uint32_t curq(struct siovh_check *check, struct vd *d)
{
	return (uint32_t)reg_rd(check, d, must_reg(check, d->ty, "curq"));
}

SIOVH_CLAUSE(queue_regs,
	.id = "VDCM.QUEUE.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the guest sees maxQ (the type's queues) and curQ (the profile's default) in its registers and through QUERY_QUEUES",
	.source = SRC_SCALING,
	.needs = NEEDS_VDEV | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t resp = 0, i;
	struct vd d;

	for (i = 0; i < p->nr_types; i++) {
		queue_vdev(check, &p->types[i], &d, 1 + i);
		EXPECT_EQ(reg_rd(check, &d, must_reg(check, d.ty, "maxq")),
			  d.ty->max_queues);
		EXPECT_EQ(curq(check, &d), d.ty->default_queues);
		EXPECT_EQ(mbox(check, &d, MBOX_QUERY_QUEUES, 0, &resp),
			  MBOX_DONE);
		EXPECT_EQ(resp, d.ty->max_queues << 16 | d.ty->default_queues);
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(queue_limits,
	.id = "VDCM.QUEUE.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "SET_QUEUES outside [1, maxQ] fails with EINVAL and leaves curQ and the ADIs held unchanged",
	.source = SRC_SCALING,
	.needs = NEEDS_VDEV_PROBE | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const uint32_t bad[] = { 0, 0, 0xffffffff };
	uint32_t i, before, held;
	struct vd d;

	queue_vdev(check, must_type(check, p, 2), &d, 1);
	before = curq(check, &d);
	held = vdev_probe(check, &d).nr_adis;
	for (i = 0; i < 3; i++) {
		uint32_t n = i == 1 ? d.ty->max_queues + 1 : bad[i];
		uint32_t st = mbox(check, &d, MBOX_SET_QUEUES, n, NULL);

		if (st != (MBOX_DONE | EINVAL))
			FAIL("SET_QUEUES(%u) with maxQ %u: status %#x, expected "
			     "DONE | EINVAL", n, d.ty->max_queues, st);
		EXPECT_EQ(curq(check, &d), before);
		EXPECT_EQ(vdev_probe(check, &d).nr_adis, held);
		EXPECT_EQ(vdev_probe(check, &d).cur_queues, before);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(queue_shrink_grow,
	.id = "VDCM.QUEUE.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "SET_QUEUES(n) for every n in [1, maxQ] sets curQ to n and holds n ADIs; dropped ADIs go back to the parent with no valid PASID",
	.source = SRC_SCALING,
	.needs = NEEDS_VDEV_PROBE | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t n, resp, free0;
	struct siovh_vdev_probe vp;
	struct vd d;

	queue_vdev(check, must_type(check, p, 2), &d, 1);
	free0 = parent_probe(check).free_adis;
	vp = vdev_probe(check, &d);
	ASSERT_EQ(mbox(check, &d, MBOX_SET_QUEUES, 1, NULL), MBOX_DONE);
	{
		struct siovh_vdev_probe now = vdev_probe(check, &d);
		uint32_t a, k, valid = 0;

		for (a = 0; a < vp.nr_adis; a++) {
			bool kept = false;

			for (k = 0; k < now.nr_adis; k++)
				kept |= now.adis[k] == vp.adis[a];
			if (!kept && adi_probe(check, vp.adis[a]).pasid_valid)
				FAIL("ADI %u was returned to the parent with "
				     "its PASID still valid", vp.adis[a]);
			valid += kept;
		}
		EXPECT_EQ(valid, 1);
	}
	for (n = 1; n <= d.ty->max_queues; n++) {
		EXPECT_EQ(mbox(check, &d, MBOX_SET_QUEUES, n, &resp), MBOX_DONE);
		EXPECT_EQ(resp, n);
		EXPECT_EQ(curq(check, &d), n);
		vp = vdev_probe(check, &d);
		EXPECT_EQ(vp.cur_queues, n);
		EXPECT_EQ(vp.max_queues, d.ty->max_queues);
		EXPECT_EQ(vp.nr_adis, n);
		EXPECT_EQ(parent_probe(check).free_adis,
			  free0 + d.ty->default_queues - n);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(queue_enospc,
	.id = "VDCM.QUEUE.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "growing curQ when the parent has no free ADI fails with ENOSPC and changes nothing",
	.source = SRC_SCALING,
	.needs = NEEDS_VDEV_PROBE | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	const struct siovh_profile_type *small = &p->types[0];
	struct vd d, fill[64];
	uint32_t n = 0, st;

	queue_vdev(check, ty, &d, 1);
	ASSERT_EQ(mbox(check, &d, MBOX_SET_QUEUES, 1, NULL), MBOX_DONE);
	while (parent_probe(check).free_adis >= small->adis && n < 64) {
		vd_create(check, small, &fill[n], 100 + n);
		n++;
	}
	if (parent_probe(check).free_adis)
		SKIP("cannot use up the parent's free ADIs with %s",
		     small->name);
	st = mbox(check, &d, MBOX_SET_QUEUES, 2, NULL);
	EXPECT_EQ(st, MBOX_DONE | ENOSPC);
	EXPECT_EQ(curq(check, &d), 1);
	EXPECT_EQ(vdev_probe(check, &d).nr_adis, 1);
	while (n--)
		vd_down(check, &fill[n]);
	EXPECT_EQ(mbox(check, &d, MBOX_SET_QUEUES, 2, NULL), MBOX_DONE);
	vd_down(check, &d);
}

SIOVH_CLAUSE(queue_enable_beyond,
	.id = "VDCM.QUEUE.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a queue at or beyond curQ cannot be enabled (status ERROR), queues below curQ can",
	.source = SRC_SCALING " (Guest-cooperated way)",
	.needs = NEEDS_VDEV | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t st;
	struct vd d;

	queue_vdev(check, must_type(check, p, 2), &d, 1);
	ASSERT_EQ(mbox(check, &d, MBOX_SET_QUEUES, 1, NULL), MBOX_DONE);
	reg_wr(check, &d, must_reg(check, d.ty, "q1_ctrl"), QCTRL_ENABLE);
	st = (uint32_t)reg_rd(check, &d, must_reg(check, d.ty, "q1_status"));
	EXPECT_EQ(st & (QSTS_ENABLED | QSTS_ERROR), QSTS_ERROR);
	q_enable(check, &d, 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(queue_mbox_basic,
	.id = "VDCM.QUEUE.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the mailbox answers GET_VERSION with the version register's value and an unknown command with EOPNOTSUPP",
	.source = SRC_DESIGN2 " (Mailbox MMIO)",
	.needs = NEEDS_VDEV | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t resp = 0;
	struct vd d;

	queue_vdev(check, &p->types[0], &d, 1);
	EXPECT_EQ(mbox(check, &d, MBOX_GET_VERSION, 0, &resp), MBOX_DONE);
	EXPECT_EQ(resp, reg_rd(check, &d, must_reg(check, d.ty, "version")));
	EXPECT_EQ(mbox(check, &d, 0x7777, 0, NULL), MBOX_DONE | EOPNOTSUPP);
	vd_down(check, &d);
}

SIOVH_CLAUSE(queue_mbox_irq,
	.id = "VDCM.QUEUE.7", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a mailbox command signals the virtual interrupt (vector 0) only and sets INTCAUSE.MBOX, which write-1 clears",
	.source = SRC_DESIGN " (Virtual interrupt)",
	.needs = NEEDS_VDEV | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_reg *cause;
	int fds[2];
	struct vd d;

	queue_vdev(check, &p->types[0], &d, 1);
	cause = must_reg(check, d.ty, "intcause");
	fds[0] = must_eventfd(check);
	fds[1] = must_eventfd(check);
	ASSERT_OK(irq_trigger(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, fds));
	EXPECT_EQ(mbox(check, &d, MBOX_GET_VERSION, 0, NULL), MBOX_DONE);
	EXPECT_EQ(efd_take(fds[VEC_MBOX]), 1);
	EXPECT_EQ(efd_take(fds[1]), 0);
	EXPECT_TRUE(reg_rd(check, &d, cause) & INTCAUSE_MBOX);
	reg_wr(check, &d, cause, INTCAUSE_MBOX);
	EXPECT_EQ(reg_rd(check, &d, cause) & INTCAUSE_MBOX, 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(queue_transparent_portals,
	.id = "VDCM.QUEUE.8", .level = SIOVH_MUST, .facet = "vdev",
	.title = "with curQ shrunk, queues below curQ still run descriptors; submissions to a dropped queue do no DMA",
	.source = SRC_SCALING,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf b;
	struct vd d;

	queue_vdev(check, must_type(check, p, 2), &d, 1);
	must_portal(check, d.ty);
	dma_map(check, &d, &b, 0x800000, PAGE_4K);
	q_enable(check, &d, 0);
	q_enable(check, &d, 1);
	ASSERT_EQ(mbox(check, &d, MBOX_SET_QUEUES, 1, NULL), MBOX_DONE);
	EXPECT_EQ(run_copy(check, &d, 0, &b, b.iova, b.iova + 0x400, 64,
			   b.iova + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	b.va[0x800] = 0x5a;
	run_copy(check, &d, 1, &b, b.iova + 0x800, b.iova + 0xc00, 64,
		 b.iova + 0xf00, 0);
	EXPECT_NE(b.va[0xc00], 0x5a);
	vd_down(check, &d);
}

/* The target's host-side scaling (test.h vdev_set_queues), or a SKIP. */
static int set_queues(struct siovh_check *check, struct vd *d, uint32_t n)
{
	const struct siovh_test_ops *tops = d->t->test;

	if (!tops || !tops->vdev_set_queues)
		SKIP("the target has no host-side queue scaling (test.h "
		     "vdev_set_queues): a real VDCM offers it through its own "
		     "management interface, which has no common form");
	return tops->vdev_set_queues(d->t, d->v, n);
}

/* Every virtual queue below maxQ copies 64 bytes through its portal. */
static void copy_on_every_queue(struct siovh_check *check, struct vd *d,
				struct dma_buf *b, uint32_t cur)
{
	uint32_t q;

	for (q = 0; q < d->ty->max_queues; q++) {
		memset(b->va + 0x800, 0x40 + q, 64);
		memset(b->va + 0xc00, 0, 64);
		if (run_copy(check, d, q, b, b->iova + 0x800, b->iova + 0xc00,
			     64, b->iova + 0xf00, 0) != SIOVDEV_CS_SUCCESS ||
		    b->va[0xc00] != 0x40 + q || b->va[0xc00 + 63] != 0x40 + q)
			FAIL("curQ %u behind the guest: virtual queue %u of %u "
			     "did not run its copy", cur, q, d->ty->max_queues);
	}
}

SIOVH_CLAUSE(queue_transparent_host,
	.id = "VDCM.QUEUE.11", .level = SIOVH_MUST, .facet = "vdev",
	.title = "host-side, guest-transparent scaling: with curQ moved behind the guest to any n in [1, maxQ], the VDEV holds n ADIs, its CURQ register still reads what the guest set, and every one of its maxQ virtual queues still runs descriptors; n outside [1, maxQ] is -EINVAL and changes nothing; while stopped for migration it is -EBUSY",
	.source = SRC_SCALING,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t n, q, free0, curq0;
	struct siovh_vdev_probe vp;
	struct dma_buf b;
	struct vd d;

	queue_vdev(check, must_type(check, p, 2), &d, 1);
	must_portal(check, d.ty);
	if (d.ty->max_queues < 2)
		SKIP("type %s has one queue: nothing to multiplex", d.ty->name);
	dma_map(check, &d, &b, 0x800000, PAGE_4K);
	ASSERT_EQ(mbox(check, &d, MBOX_SET_QUEUES, d.ty->max_queues, NULL),
		  MBOX_DONE);
	for (q = 0; q < d.ty->max_queues; q++)
		q_enable(check, &d, q);
	curq0 = curq(check, &d);
	free0 = parent_probe(check).free_adis;
	for (n = 1; n <= d.ty->max_queues; n++) {
		ASSERT_OK(set_queues(check, &d, n));
		vp = vdev_probe(check, &d);
		EXPECT_EQ(vp.cur_queues, n);
		EXPECT_EQ(vp.nr_adis, n);
		EXPECT_EQ(vp.max_queues, d.ty->max_queues);
		EXPECT_EQ(parent_probe(check).free_adis,
			  free0 + d.ty->max_queues - n);
		EXPECT_EQ(curq(check, &d), curq0);
		copy_on_every_queue(check, &d, &b, n);
	}
	EXPECT_ERRNO(set_queues(check, &d, 0), -EINVAL);
	EXPECT_ERRNO(set_queues(check, &d, d.ty->max_queues + 1), -EINVAL);
	EXPECT_EQ(vdev_probe(check, &d).nr_adis, d.ty->max_queues);
	if (d.ty->migration_flags) {
		ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
		EXPECT_ERRNO(set_queues(check, &d, 1), -EBUSY);
		EXPECT_EQ(vdev_probe(check, &d).nr_adis, d.ty->max_queues);
		ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	}
	vd_down(check, &d);
}
