/* SPDX-License-Identifier: MIT */
/*
 * IOASID.LIFE: the talk's "IOASID Lifecycle in Guest SVA" table, replayed
 * step by step. The actors:
 *
 *   VFIO/IOMMU  the check itself: alloc, bind_gpasid (attach_spid +
 *               iommu_bind's get), notify(BIND/UNBIND), unbind's put, free
 *   KVM         a notifier on the mm token's chain (CPU priority): get on
 *               BIND, put on UNBIND (steps 6 and 21)
 *   VDCM        a notifier on the set's chain (DEVICE priority), which also
 *               translates the guest PASID with find_by_spid (step 10) and
 *               puts it when the guest clears it (step 16)
 *
 * Both notifiers drop whatever they hold when they hear FREE, which is what
 * makes the free-before-unbind order of LIFE.3 safe.
 */
#include "common.h"

#define GPASID 0x55		/* the guest's PASID: the spid */

struct guest_sva {
	struct siovh_target *t;
	struct siovh_ioasid_set *set;
	siovh_ioasid_t hpasid;
	struct listener kvm, vdcm;
	struct evlog log;
	char token;		/* the VM's mm */
};

/* Step 1: KVM and the VDCM register; the set (the VM) is made. */
static void step1_register(struct siovh_check *check, struct guest_sva *g)
{
	struct siovh_target *t = g->t;

	listener_init(&g->kvm, t, &g->log, 1, SIOVH_IOASID_PRIO_CPU,
		      LISTEN_HOLD);
	listener_init(&g->vdcm, t, &g->log, 2, SIOVH_IOASID_PRIO_DEVICE,
		      LISTEN_DROP_ON_FREE);
	ASSERT_OK(t->ioasid->register_notifier_mm(t, &g->token, &g->kvm.nb));
	g->set = new_mm_set(check, &g->token, 4);
	ASSERT_OK(t->ioasid->register_notifier(t, g->set, &g->vdcm.nb));
}

/* Steps 2-11: alloc, bind, BIND, find_by_spid; the ID is in use. */
static void steps_2_to_11(struct siovh_check *check, struct guest_sva *g,
			  bool probe_refs)
{
	struct siovh_target *t = g->t;
	siovh_ioasid_t base = mid_id(check), got = SIOVH_INVALID_IOASID;

	/* 2: ioasid_alloc() */
	g->hpasid = new_id(check, g->set, base, base + 15, NULL);
	if (probe_refs)
		EXPECT_EQ(refs_of(check, g->hpasid), 1);
	/* 3: bind_gpasid(): the guest PASID becomes the ID's spid. */
	ASSERT_OK(t->ioasid->attach_spid(t, g->set, g->hpasid, GPASID));
	/* 4: iommu_bind() -> ioasid_get() */
	ASSERT_OK(t->ioasid->get(t, g->set, g->hpasid));
	if (probe_refs)
		EXPECT_EQ(refs_of(check, g->hpasid), 2);
	/* 5: ioasid_notify(BIND), 6: -> KVM's ioasid_get(), 7: vmcs update */
	ASSERT_OK(t->ioasid->notify(t, g->set, g->hpasid,
				    SIOVH_IOASID_NOTIFY_BIND,
				    SIOVH_IOASID_NOTIFY_FLAG_ALL));
	EXPECT_EQ(g->kvm.held, 1);
	EXPECT_OK(g->kvm.err);
	if (probe_refs)
		EXPECT_EQ(refs_of(check, g->hpasid), 3);
	/* 8: mdev_write(gpasid), 10: hpasid = find_by_spid(gpasid) */
	ASSERT_OK(t->ioasid->find_by_spid(t, g->set, GPASID, &got));
	ASSERT_EQ(got, g->hpasid);
	listener_take(&g->vdcm, got);	/* the VDCM now holds that reference */
	if (probe_refs)
		EXPECT_EQ(refs_of(check, g->hpasid), 4);
	/* 11: vdev_write(hpasid); 12-13: the guest's DMA. */
}

/* Steps 14-23: the guest clears, unbinds and frees its PASID. */
static void steps_14_to_23(struct siovh_check *check, struct guest_sva *g,
			   bool probe_refs)
{
	struct siovh_target *t = g->t;

	/* 14: mdev_clear(gpasid), 15: vdev_clear, 16: ioasid_put() */
	ASSERT_OK(t->ioasid->put(t, g->set, g->hpasid));
	listener_drop(&g->vdcm, g->hpasid);
	if (probe_refs)
		EXPECT_EQ(refs_of(check, g->hpasid), 3);
	/* 17: unbind_gpasid, 18: iommu_unbind, 19: notify(UNBIND) */
	ASSERT_OK(t->ioasid->notify(t, g->set, g->hpasid,
				    SIOVH_IOASID_NOTIFY_UNBIND,
				    SIOVH_IOASID_NOTIFY_FLAG_ALL));
	/* 20: vmcs update, 21: KVM's ioasid_put() */
	EXPECT_EQ(g->kvm.held, 0);
	if (probe_refs)
		EXPECT_EQ(refs_of(check, g->hpasid), 2);
	/* 22: the IOMMU's ioasid_put() */
	ASSERT_OK(t->ioasid->put(t, g->set, g->hpasid));
	if (probe_refs)
		EXPECT_EQ(refs_of(check, g->hpasid), 1);
	/* 23: ioasid_free() drops the last reference; 24: reclaimed */
	t->ioasid->free(t, g->set, g->hpasid);
}

SIOVH_CLAUSE(life_refcounts,
	.id = "IOASID.LIFE.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the guest-SVA lifecycle's references are 1, 2, 3, 4, 3, 2, 1, 0 at steps 2, 4, 6, 10, 16, 21, 22, 23",
	.source = SRC_LIFECYCLE, .needs = NEEDS_PROBE)
{
	struct guest_sva g = { .t = siovh_check_target(check) };
	struct siovh_ioasid_probe p;

	step1_register(check, &g);
	steps_2_to_11(check, &g, true);
	steps_14_to_23(check, &g, true);
	p = probe(check, g.hpasid);
	EXPECT_EQ(p.refs, 0);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_FREE);
	EXPECT_OK(g.kvm.err);
	EXPECT_OK(g.vdcm.err);
	evlog_note(check, "heard (1: KVM, 2: VDCM)", &g.log);
}

SIOVH_CLAUSE(life_new_cycle,
	.id = "IOASID.LIFE.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "after the lifecycle the ID is reclaimed and a new life cycle begins: alloc gets it again, spid-free",
	.source = SRC_LIFECYCLE, .needs = NEEDS_IOASID)
{
	struct guest_sva g = { .t = siovh_check_target(check) };
	struct siovh_target *t = g.t;
	siovh_ioasid_t id = SIOVH_INVALID_IOASID;

	step1_register(check, &g);
	ASSERT_OK(t->ioasid->set_adjust(t, g.set, 1));
	steps_2_to_11(check, &g, false);
	steps_14_to_23(check, &g, false);
	/* New Life Cycle Begin, 1: ioasid_alloc(), in a set of quota 1. */
	if (EXPECT_OK(t->ioasid->alloc(t, g.set, g.hpasid, g.hpasid, NULL,
				       &id)))
		EXPECT_EQ(id, g.hpasid);
	expect_spid_unmapped(check, g.set, GPASID);
	/* And it can be bound again. */
	EXPECT_OK(t->ioasid->attach_spid(t, g.set, id, GPASID));
}

SIOVH_CLAUSE(life_free_before_unbind,
	.id = "IOASID.LIFE.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a guest that frees while bound leaves the ID free-pending: FREE makes KVM and the VDCM drop their references, the IOMMU's last put reclaims it",
	.source = SRC_LIFECYCLE, .needs = NEEDS_PROBE)
{
	struct guest_sva g = { .t = siovh_check_target(check) };
	struct siovh_target *t = g.t;
	siovh_ioasid_t id, got;
	struct siovh_ioasid_probe p;
	void *priv;

	step1_register(check, &g);
	steps_2_to_11(check, &g, false);
	/* The guest frees its PASID while the device may still use it. */
	g.log.n = 0;
	t->ioasid->free(t, g.set, g.hpasid);
	evlog_note(check, "heard at free (1: KVM, 2: VDCM)", &g.log);
	EXPECT_EQ(evlog_count(&g.log, 1, SIOVH_IOASID_NOTIFY_FREE, g.hpasid),
		  1);
	EXPECT_EQ(evlog_count(&g.log, 2, SIOVH_IOASID_NOTIFY_FREE, g.hpasid),
		  1);
	EXPECT_EQ(g.kvm.held + g.vdcm.held, 0);
	/* Only the IOMMU's reference (step 4) is left. */
	p = probe(check, g.hpasid);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_FREE_PENDING);
	EXPECT_EQ(p.refs, 1);
	/*
	 * Pending: not findable, not re-bindable, not reallocatable (-EBUSY
	 * by the contract, -ENOSPC for the range holding only it).
	 */
	EXPECT_ERRNO(t->ioasid->find(t, g.set, g.hpasid, NULL, &priv), -EBUSY);
	EXPECT_ERRNO(t->ioasid->find_by_spid(t, g.set, GPASID, &got), -EBUSY);
	EXPECT_ERRNO(t->ioasid->get(t, g.set, g.hpasid), -EBUSY);
	EXPECT_ERRNO(t->ioasid->notify(t, g.set, g.hpasid,
				       SIOVH_IOASID_NOTIFY_BIND,
				       SIOVH_IOASID_NOTIFY_FLAG_ALL),
		     -EBUSY);
	EXPECT_ERRNO(t->ioasid->alloc(t, g.set, g.hpasid, g.hpasid, NULL, &id),
		     -ENOSPC);
	/* The IOMMU unbinds: its put is the last, and reclaims the ID. */
	ASSERT_OK(t->ioasid->put(t, g.set, g.hpasid));
	EXPECT_EQ(state_of(check, g.hpasid), SIOVH_IOASID_STATE_FREE);
	EXPECT_OK(t->ioasid->alloc(t, g.set, g.hpasid, g.hpasid, NULL, &id));
	EXPECT_OK(g.kvm.err);
	EXPECT_OK(g.vdcm.err);
}

SIOVH_CLAUSE(life_bind_order,
	.id = "IOASID.LIFE.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "in the lifecycle the VDCM (DEVICE) hears BIND, UNBIND and FREE before KVM (CPU), across the two chains",
	.source = SRC_LIFECYCLE, .needs = NEEDS_IOASID)
{
	struct guest_sva g = { .t = siovh_check_target(check) };
	struct siovh_target *t = g.t;
	int i;

	step1_register(check, &g);
	g.log.n = 0;
	steps_2_to_11(check, &g, false);
	ASSERT_OK(t->ioasid->notify(t, g.set, g.hpasid,
				    SIOVH_IOASID_NOTIFY_UNBIND,
				    SIOVH_IOASID_NOTIFY_FLAG_ALL));
	t->ioasid->free(t, g.set, g.hpasid);
	evlog_note(check, "heard (1: KVM, 2: VDCM)", &g.log);
	/* ALLOC, BIND, UNBIND, FREE: each to the VDCM, then to KVM. */
	ASSERT_EQ(g.log.n, 8);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(g.log.e[i].who, i % 2 ? 1 : 2);
}
