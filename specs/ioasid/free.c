/* SPDX-License-Identifier: MIT */
/*
 * IOASID.FREE: ioasid_free() and the free-pending state between free and
 * the last put ("IOASID API"; "Problem Statement: Keep IOASID users in
 * sync": users must hear that an ID is freed and drop it before it can be
 * reused).
 */
#include <string.h>

#include "common.h"

SIOVH_CLAUSE(free_unreferenced_reclaims,
	.id = "IOASID.FREE.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "free of an ID nobody else references reclaims it at once: the same set can allocate it again",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 1);
	siovh_ioasid_t want = mid_id(check), id;
	int round;

	for (round = 0; round < 3; round++) {
		id = new_id(check, set, want, want, NULL);
		t->ioasid->free(t, set, id);
	}
	if (EXPECT_OK(t->ioasid->alloc(t, set, want, want, NULL, &id)))
		EXPECT_EQ(id, want);
}

SIOVH_CLAUSE(free_referenced_pending,
	.id = "IOASID.FREE.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "free of a referenced ID leaves it FREE_PENDING with one reference less",
	.source = SRC_API, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	struct siovh_ioasid_probe p;

	id = new_id(check, set, base, base + 7, NULL);
	ASSERT_OK(t->ioasid->get(t, set, id));
	ASSERT_OK(t->ioasid->get(t, set, id));
	t->ioasid->free(t, set, id);
	p = probe(check, id);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_FREE_PENDING);
	EXPECT_EQ(p.refs, 2);
	EXPECT_PTR_EQ(p.set, set);
}

SIOVH_CLAUSE(free_pending_not_reallocated,
	.id = "IOASID.FREE.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a free-pending ID is never reallocated, even when it is the only ID of [min, max] (-ENOSPC)",
	.source = SRC_SYNC, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4), *other;
	siovh_ioasid_t want = mid_id(check), id, id2;

	id = new_id(check, set, want, want, NULL);
	make_pending(check, set, id);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, want, want, NULL, &id2), -ENOSPC);
	other = new_set(check, 4);
	EXPECT_ERRNO(t->ioasid->alloc(t, other, want, want, NULL, &id2),
		     -ENOSPC);
	/* A wider range must go around it. */
	id2 = new_id(check, other, want, want + 1, NULL);
	EXPECT_EQ(id2, want + 1);
}

SIOVH_CLAUSE(free_pending_get_busy,
	.id = "IOASID.FREE.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "get on a free-pending ID is -EBUSY and takes no reference",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id, id2;

	id = new_id(check, set, base, base, NULL);
	make_pending(check, set, id);
	EXPECT_ERRNO(t->ioasid->get(t, set, id), -EBUSY);
	/* One put reclaims it: the refused get took nothing. */
	ASSERT_OK(t->ioasid->put(t, set, id));
	EXPECT_OK(t->ioasid->alloc(t, set, id, id, NULL, &id2));
}

static bool getter_yes(void *private)
{
	(void)private;
	return true;
}

/* A free-pending ID of [mid, mid + 7] with private data and spid 42. */
static siovh_ioasid_t pending_with_spid(struct siovh_check *check,
					struct siovh_ioasid_set *set,
					void *data)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t base = mid_id(check);
	siovh_ioasid_t id = new_id(check, set, base, base + 7, data);

	ASSERT_OK(t->ioasid->attach_spid(t, set, id, 42));
	make_pending(check, set, id);
	return id;
}

SIOVH_CLAUSE(free_pending_not_findable,
	.id = "IOASID.FREE.5", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a free-pending ID is not findable: find (any set, any getter) and find_by_spid are -EBUSY",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t id, got;
	void *p = NULL;
	char data;

	id = pending_with_spid(check, set, &data);
	/* -EBUSY by the contract: it is still there, but going away. */
	p = NULL;
	got = SIOVH_INVALID_IOASID;
	EXPECT_ERRNO(t->ioasid->find(t, set, id, NULL, &p), -EBUSY);
	EXPECT_ERRNO(t->ioasid->find(t, NULL, id, NULL, &p), -EBUSY);
	EXPECT_ERRNO(t->ioasid->find(t, set, id, getter_yes, &p), -EBUSY);
	EXPECT_PTR_EQ(p, NULL);
	EXPECT_ERRNO(t->ioasid->find_by_spid(t, set, 42, &got), -EBUSY);
	/* ... and find_by_spid took no reference: one put reclaims it. */
	ASSERT_OK(t->ioasid->put(t, set, id));
	EXPECT_OK(t->ioasid->alloc(t, set, id, id, NULL, &got));
}

SIOVH_CLAUSE(free_reclaim_at_last_put,
	.id = "IOASID.FREE.6", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a free-pending ID is reclaimed by its last put and can then be allocated again",
	.source = SRC_LIFECYCLE, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id, id2;
	struct siovh_ioasid_probe p;

	id = new_id(check, set, base, base, NULL);
	ASSERT_OK(t->ioasid->get(t, set, id));
	ASSERT_OK(t->ioasid->get(t, set, id));
	t->ioasid->free(t, set, id);
	ASSERT_OK(t->ioasid->put(t, set, id));
	EXPECT_EQ(state_of(check, id), SIOVH_IOASID_STATE_FREE_PENDING);
	ASSERT_OK(t->ioasid->put(t, set, id));
	p = probe(check, id);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(p.refs, 0);
	EXPECT_PTR_EQ(p.set, NULL);
	EXPECT_EQ(set_probe(check, set).nr_ids, 0);
	if (EXPECT_OK(t->ioasid->alloc(t, set, id, id, NULL, &id2)))
		EXPECT_EQ(id2, id);
}

SIOVH_CLAUSE(free_double_noop,
	.id = "IOASID.FREE.7", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a second free of a free-pending ID is a no-op: references unchanged, no second FREE",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id, id2;
	struct listener l;
	struct evlog log = { .n = 0 };

	listener_init(&l, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l.nb));
	id = new_id(check, set, base, base, NULL);
	ASSERT_OK(t->ioasid->get(t, set, id));
	ASSERT_OK(t->ioasid->get(t, set, id));
	t->ioasid->free(t, set, id);
	t->ioasid->free(t, set, id);
	t->ioasid->free(t, set, id);
	evlog_note(check, "heard", &log);
	EXPECT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_FREE, id), 1);
	/* Two references are left: the first put does not reclaim it. */
	ASSERT_OK(t->ioasid->put(t, set, id));
	EXPECT_ERRNO(t->ioasid->alloc(t, set, id, id, NULL, &id2), -ENOSPC);
	ASSERT_OK(t->ioasid->put(t, set, id));
	EXPECT_OK(t->ioasid->alloc(t, set, id, id, NULL, &id2));
}

SIOVH_CLAUSE(free_notified_at_free,
	.id = "IOASID.FREE.8", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "FREE is sent when free() is called, while the ID is still free-pending, not at reclaim",
	.source = SRC_SYNC, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	struct listener l;
	struct evlog log = { .n = 0 };

	listener_init(&l, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, LISTEN_PROBE);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l.nb));
	id = new_id(check, set, base, base + 7, NULL);
	ASSERT_OK(t->ioasid->get(t, set, id));
	log.n = 0;
	t->ioasid->free(t, set, id);
	evlog_note(check, "heard at free()", &log);
	ASSERT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_FREE, id), 1);
	EXPECT_EQ(log.e[0].state, SIOVH_IOASID_STATE_FREE_PENDING);
	EXPECT_OK(l.err);
	log.n = 0;
	ASSERT_OK(t->ioasid->put(t, set, id));
	evlog_note(check, "heard at the last put", &log);
	EXPECT_EQ(log.n, 0);
}

SIOVH_CLAUSE(free_holders_drop,
	.id = "IOASID.FREE.9", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "users that drop their references when they hear FREE get the ID reclaimed within free()",
	.source = SRC_SYNC, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t want = mid_id(check), id, id2;
	struct listener kvm, vdcm;
	struct evlog log = { .n = 0 };

	listener_init(&vdcm, t, &log, 1, SIOVH_IOASID_PRIO_DEVICE, LISTEN_HOLD);
	listener_init(&kvm, t, &log, 2, SIOVH_IOASID_PRIO_CPU, LISTEN_HOLD);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &vdcm.nb));
	ASSERT_OK(t->ioasid->register_notifier(t, set, &kvm.nb));
	id = new_id(check, set, want, want, NULL);
	ASSERT_OK(t->ioasid->notify(t, set, id, SIOVH_IOASID_NOTIFY_BIND,
				    SIOVH_IOASID_NOTIFY_FLAG_SET));
	ASSERT_EQ(kvm.held + vdcm.held, 2);
	t->ioasid->free(t, set, id);
	evlog_note(check, "heard", &log);
	EXPECT_EQ(kvm.held + vdcm.held, 0);
	EXPECT_OK(kvm.err);
	EXPECT_OK(vdcm.err);
	if (EXPECT_OK(t->ioasid->alloc(t, set, want, want, NULL, &id2)))
		EXPECT_EQ(id2, want);
}

SIOVH_CLAUSE(free_pending_unchangeable,
	.id = "IOASID.FREE.10", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a free-pending ID takes no new private data or spid: attach_data and attach_spid are -EBUSY and change nothing",
	.source = SRC_API, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id, got;
	struct siovh_ioasid_probe p;
	char data, other;

	id = pending_with_spid(check, set, &data);
	EXPECT_ERRNO(t->ioasid->attach_data(t, set, id, &other), -EBUSY);
	EXPECT_ERRNO(t->ioasid->attach_spid(t, set, id, 43), -EBUSY);
	EXPECT_ERRNO(t->ioasid->attach_spid(t, set, id, SIOVH_INVALID_IOASID),
		     -EBUSY);
	p = probe(check, id);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_FREE_PENDING);
	EXPECT_PTR_EQ(p.private, &data);
	EXPECT_EQ(p.spid, 42);
	/* The spid it would have taken is still free in the set. */
	got = new_id(check, set, base, base + 7, NULL);
	EXPECT_OK(t->ioasid->attach_spid(t, set, got, 43));
}

/*
 * A FREE listener that puts the ID nputs times: one reference more than
 * it took, so that its last put drops the allocation's reference, which
 * free() has not dropped yet ("free() drops the allocation's reference"),
 * and the ID's count reaches 0 inside the callback.
 */
struct overput {
	struct siovh_ioasid_nb nb;	/* first: the callback casts back */
	struct siovh_target *t;
	struct siovh_ioasid_set *set;
	siovh_ioasid_t id;
	unsigned int nputs, frees;
	int put[3];
};

static int overput_call(struct siovh_ioasid_nb *nb,
			const struct siovh_ioasid_notification *n)
{
	struct overput *o = (struct overput *)nb;
	unsigned int i;

	if (n->event != SIOVH_IOASID_NOTIFY_FREE)
		return 0;
	o->frees++;
	for (i = 0; n->id == o->id && i < o->nputs; i++)
		o->put[i] = o->t->ioasid->put(o->t, o->set, n->id);
	return 0;
}

static void overput_init(struct overput *o, struct siovh_target *t,
			 struct siovh_ioasid_set *set, siovh_ioasid_t id,
			 unsigned int nputs)
{
	memset(o, 0, sizeof(*o));
	o->nb.call = overput_call;
	o->nb.priority = SIOVH_IOASID_PRIO_DEFAULT;
	o->t = t;
	o->set = set;
	o->id = id;
	o->nputs = nputs;
}

SIOVH_CLAUSE(free_listener_overputs,
	.id = "IOASID.FREE.11", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a FREE listener whose puts also drop the allocation's reference reclaims the ID at the put that takes it to 0, and free() (or the set's last put) then drops nothing more: one FREE, the set's ID count down by one, a further put -ENOENT, the ID allocatable again",
	.source = SRC_API " (put drops a reference; the last put of a free-pending ID reclaims it); " SRC_SYNC,
	.needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4), *other;
	siovh_ioasid_t want = mid_id(check), id, got;
	uint32_t avail, nr;
	struct overput o;

	/* free(): refs 2 (the allocation's and a get); the listener puts 3 */
	id = new_id(check, set, want, want, NULL);
	new_id(check, set, want + 1, want + 1, NULL);
	ASSERT_OK(t->ioasid->get(t, set, id));
	overput_init(&o, t, set, id, 3);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &o.nb));
	nr = set_probe(check, set).nr_ids;
	t->ioasid->free(t, set, id);
	EXPECT_EQ(o.frees, 1);
	EXPECT_OK(o.put[0]);
	EXPECT_OK(o.put[1]);		/* 0 references: reclaimed here */
	EXPECT_ERRNO(o.put[2], -ENOENT);
	EXPECT_EQ(state_of(check, id), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(set_probe(check, set).nr_ids, nr - 1);
	EXPECT_ERRNO(t->ioasid->put(t, set, id), -ENOENT);
	if (EXPECT_OK(t->ioasid->alloc(t, set, want, want, NULL, &got)))
		EXPECT_EQ(got, want);
	EXPECT_EQ(set_probe(check, set).nr_ids, nr);
	EXPECT_OK(t->ioasid->unregister_notifier(t, set, &o.nb));

	/* the set's last put frees it: the listener puts 2 (while it is
	 * pending, as a dead set's handle may) */
	ASSERT_OK(t->ioasid->get(t, set, want));
	overput_init(&o, t, set, want, 2);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &o.nb));
	avail = avail_of(check);
	t->ioasid->set_put(t, set);
	EXPECT_EQ(o.frees, 2);		/* want and want + 1, once each */
	EXPECT_OK(o.put[0]);
	EXPECT_OK(o.put[1]);
	EXPECT_EQ(state_of(check, want), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(state_of(check, want + 1), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(avail_of(check), avail + 4);
	other = new_set(check, 2);
	new_id(check, other, want, want, NULL);
	new_id(check, other, want + 1, want + 1, NULL);
}
