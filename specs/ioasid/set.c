/* SPDX-License-Identifier: MIT */
/*
 * IOASID.SET: creating sets (token, type, quota), their reference count and
 * death (which leaves free-pending IDs to their holders), and walking
 * their IDs ("IOASID Set Key APIs").
 */
#include "common.h"

SIOVH_CLAUSE(set_alloc_rejects_bad_args,
	.id = "IOASID.SET.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_alloc rejects a quota of 0 and an unknown set type with -EINVAL",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = NULL;
	uint32_t avail = avail_of(check);

	EXPECT_ERRNO(t->ioasid->set_alloc(t, NULL, 0,
					  SIOVH_IOASID_SET_TYPE_NULL, &set),
		     -EINVAL);
	EXPECT_ERRNO(t->ioasid->set_alloc(t, NULL, 4,
					  (enum siovh_ioasid_set_type)0, &set),
		     -EINVAL);
	EXPECT_ERRNO(t->ioasid->set_alloc(t, NULL, 4,
					  (enum siovh_ioasid_set_type)3, &set),
		     -EINVAL);
	/* A refusal reserves nothing. */
	EXPECT_EQ(avail_of(check), avail);
}

SIOVH_CLAUSE(set_alloc_null_with_token,
	.id = "IOASID.SET.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_alloc rejects a NULL-type set with a token (-EINVAL)",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = NULL;
	char token;

	EXPECT_ERRNO(t->ioasid->set_alloc(t, &token, 4,
					  SIOVH_IOASID_SET_TYPE_NULL, &set),
		     -EINVAL);
	/* Without the token the same call is fine. */
	EXPECT_OK(t->ioasid->set_alloc(t, NULL, 4, SIOVH_IOASID_SET_TYPE_NULL,
				       &set));
}

SIOVH_CLAUSE(set_alloc_mm_without_token,
	.id = "IOASID.SET.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_alloc rejects an MM-type set without a token (-EINVAL)",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = NULL;
	char token;

	EXPECT_ERRNO(t->ioasid->set_alloc(t, NULL, 4, SIOVH_IOASID_SET_TYPE_MM,
					  &set),
		     -EINVAL);
	EXPECT_OK(t->ioasid->set_alloc(t, &token, 4, SIOVH_IOASID_SET_TYPE_MM,
				       &set));
}

SIOVH_CLAUSE(set_mm_token_unique,
	.id = "IOASID.SET.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "two live MM sets never share a token (-EEXIST); the token is free again after the last set_put",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a, *b = NULL, *c = NULL;
	uint32_t avail;
	char token, other;

	a = new_mm_set(check, &token, 4);
	avail = avail_of(check);
	EXPECT_ERRNO(t->ioasid->set_alloc(t, &token, 4,
					  SIOVH_IOASID_SET_TYPE_MM, &b),
		     -EEXIST);
	EXPECT_EQ(avail_of(check), avail);
	EXPECT_OK(t->ioasid->set_alloc(t, &other, 4, SIOVH_IOASID_SET_TYPE_MM,
				       &b));
	t->ioasid->set_put(t, a);
	EXPECT_OK(t->ioasid->set_alloc(t, &token, 4, SIOVH_IOASID_SET_TYPE_MM,
				       &c));
}

SIOVH_CLAUSE(set_get_keeps_alive,
	.id = "IOASID.SET.5", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a set_get keeps the set alive through one set_put: its IDs stay active and it can allocate",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id, id2;
	char data;
	void *p = NULL;

	id = new_id(check, set, base, base + 7, &data);
	t->ioasid->set_get(t, set);
	t->ioasid->set_put(t, set);
	EXPECT_OK(t->ioasid->find(t, set, id, NULL, &p));
	EXPECT_PTR_EQ(p, &data);
	ASSERT_OK(t->ioasid->alloc(t, set, base, base + 7, NULL, &id2));
	/* The last put now frees both. */
	t->ioasid->set_put(t, set);
	EXPECT_ERRNO(t->ioasid->find(t, NULL, id, NULL, &p), -ENOENT);
	EXPECT_ERRNO(t->ioasid->find(t, NULL, id2, NULL, &p), -ENOENT);
}

SIOVH_CLAUSE(set_put_frees_ids,
	.id = "IOASID.SET.6", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the last set_put frees every active ID of the set: none is findable and all can be allocated again",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4), *other;
	siovh_ioasid_t base = mid_id(check), ids[4], id;
	void *p;
	int i;

	for (i = 0; i < 4; i++)
		ids[i] = new_id(check, set, base, base + 3, NULL);
	t->ioasid->set_put(t, set);
	for (i = 0; i < 4; i++)
		EXPECT_ERRNO(t->ioasid->find(t, NULL, ids[i], NULL, &p),
			     -ENOENT);
	/* [base, base + 3] is whole again: another set gets all of it. */
	other = new_set(check, 4);
	for (i = 0; i < 4; i++) {
		if (!EXPECT_OK(t->ioasid->alloc(t, other, base, base + 3,
						NULL, &id)))
			break;
	}
}

SIOVH_CLAUSE(set_put_notifies_free,
	.id = "IOASID.SET.7", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the last set_put sends FREE for each active ID of the set, once",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), ids[3];
	struct listener l;
	struct evlog log = { .n = 0 };
	int i;

	listener_init(&l, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l.nb));
	for (i = 0; i < 3; i++)
		ids[i] = new_id(check, set, base, base + 7, NULL);
	log.n = 0;
	t->ioasid->set_put(t, set);
	evlog_note(check, "heard at set_put", &log);
	EXPECT_EQ(log.n, 3);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_FREE,
				      ids[i]), 1);
}

SIOVH_CLAUSE(set_put_holders_drop,
	.id = "IOASID.SET.8", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "at the last set_put, IDs held by notifier users are reclaimed once the users drop their references on FREE",
	.source = SRC_SYNC, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 2), *other;
	siovh_ioasid_t base = mid_id(check), a, b, id;
	struct listener kvm;
	struct evlog log = { .n = 0 };

	listener_init(&kvm, t, &log, 1, SIOVH_IOASID_PRIO_CPU, LISTEN_HOLD);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &kvm.nb));
	a = new_id(check, set, base, base + 1, NULL);
	b = new_id(check, set, base, base + 1, NULL);
	/* KVM takes a reference on each at BIND. */
	ASSERT_OK(t->ioasid->notify(t, set, a, SIOVH_IOASID_NOTIFY_BIND,
				    SIOVH_IOASID_NOTIFY_FLAG_ALL));
	ASSERT_OK(t->ioasid->notify(t, set, b, SIOVH_IOASID_NOTIFY_BIND,
				    SIOVH_IOASID_NOTIFY_FLAG_ALL));
	ASSERT_EQ(kvm.held, 2);
	t->ioasid->set_put(t, set);
	evlog_note(check, "KVM heard", &log);
	EXPECT_EQ(kvm.held, 0);
	EXPECT_OK(kvm.err);
	other = new_set(check, 2);
	EXPECT_OK(t->ioasid->alloc(t, other, base, base + 1, NULL, &id));
	EXPECT_OK(t->ioasid->alloc(t, other, base, base + 1, NULL, &id));
}

/* set_for_each's callback: count visits per ID of a small window. */
struct visits {
	siovh_ioasid_t base;
	int n[16];
	int outside;
	int total;
};

static void count_visit(siovh_ioasid_t id, void *data)
{
	struct visits *v = data;

	v->total++;
	if (id >= v->base && id < v->base + 16)
		v->n[id - v->base]++;
	else
		v->outside++;
}

SIOVH_CLAUSE(set_for_each_active,
	.id = "IOASID.SET.9", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_for_each visits each active ID of the set exactly once, and no other set's IDs",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 8), *b = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check);
	bool mine[16] = { false };
	struct visits v = { .base = base };
	int i;

	for (i = 0; i < 10; i++) {
		siovh_ioasid_t id = new_id(check, i % 2 ? b : a, base,
					   base + 15, NULL);

		mine[id - base] = !(i % 2);
	}
	ASSERT_OK(t->ioasid->set_for_each(t, a, count_visit, &v));
	EXPECT_EQ(v.total, 5);
	EXPECT_EQ(v.outside, 0);
	for (i = 0; i < 16; i++)
		if (v.n[i] != (mine[i] ? 1 : 0))
			FAIL("ID %u: visited %d times, expected %d",
			     base + i, v.n[i], mine[i] ? 1 : 0);
}

SIOVH_CLAUSE(set_for_each_skips_pending,
	.id = "IOASID.SET.10", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_for_each does not visit free-pending IDs",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check), a, b;
	struct visits v = { .base = base };

	a = new_id(check, set, base, base + 15, NULL);
	b = new_id(check, set, base, base + 15, NULL);
	make_pending(check, set, b);
	ASSERT_OK(t->ioasid->set_for_each(t, set, count_visit, &v));
	siovh_note(check, "active ID %u, pending ID %u", a, b);
	EXPECT_EQ(v.total, 1);
	EXPECT_EQ(v.n[a - base], 1);
	EXPECT_EQ(v.n[b - base], 0);
}

/* set_for_each's callback that frees, on its first call, every ID of
 * its window (the one it is called with too), counting its calls. */
struct free_all {
	struct siovh_target *t;
	struct siovh_ioasid_set *set;
	siovh_ioasid_t ids[4];
	int calls;
	bool stale;		/* called with an ID already freed */
};

static void free_all_visit(siovh_ioasid_t id, void *data)
{
	struct free_all *f = data;
	int i;

	for (i = 0; i < 4; i++)
		if (id == f->ids[i] && f->calls)
			f->stale = true;
	if (f->calls++)
		return;
	for (i = 0; i < 4; i++)
		f->t->ioasid->free(f->t, f->set, f->ids[i]);
}

SIOVH_CLAUSE(set_for_each_freed_under,
	.id = "IOASID.SET.12", .level = SIOVH_SHOULD, .facet = "ioasid",
	.title = "set_for_each whose callback frees every ID of the set on its first call visits no ID after that: an ID freed (and reclaimed) before its turn is no longer active, so it is not visited; the set is empty afterwards",
	.source = SRC_SET_API " (set_for_each: calls fn for each active ID of the set); derived: callbacks may call the core's operations (ioasid.h: callbacks may call any ID or set operation), and a freed ID is no longer active",
	.needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check);
	struct free_all f = { .t = t, .set = set };
	struct visits v = { .base = base };
	int i;

	for (i = 0; i < 4; i++)
		f.ids[i] = new_id(check, set, base, base + 15, NULL);
	ASSERT_OK(t->ioasid->set_for_each(t, set, free_all_visit, &f));
	EXPECT_EQ(f.calls, 1);
	EXPECT_FALSE(f.stale);
	ASSERT_OK(t->ioasid->set_for_each(t, set, count_visit, &v));
	EXPECT_EQ(v.total, 0);
	/* reclaimed, not pending: the quota and the IDs are back */
	for (i = 0; i < 4; i++)
		EXPECT_EQ(new_id(check, set, f.ids[i], f.ids[i], NULL),
			  f.ids[i]);
}

/* A FREE listener that frees the other ID of its pair (a user tearing
 * down two related IDs together), counting the FREEs it hears per ID. */
struct pair_nb {
	struct siovh_ioasid_nb nb;	/* first: the callback casts back */
	struct siovh_target *t;
	struct siovh_ioasid_set *set;
	siovh_ioasid_t ids[2];
	int frees[2];
	int other;			/* FREEs of IDs not in the pair */
};

static int pair_call(struct siovh_ioasid_nb *nb,
		     const struct siovh_ioasid_notification *n)
{
	struct pair_nb *p = (struct pair_nb *)nb;
	int i;

	if (n->event != SIOVH_IOASID_NOTIFY_FREE)
		return 0;
	for (i = 0; i < 2; i++)
		if (n->id == p->ids[i])
			break;
	if (i == 2) {
		p->other++;
		return 0;
	}
	p->frees[i]++;
	p->t->ioasid->free(p->t, p->set, p->ids[!i]);
	return 0;
}

SIOVH_CLAUSE(set_put_frees_under,
	.id = "IOASID.SET.13", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the last set_put of a set whose FREE listener frees the other ID of a pair while it hears the first: each ID is freed once (one FREE each, none for anything else), both are reclaimed at once (allocatable in another set) and the set's quota returns to the pool",
	.source = SRC_SET_API " (the last put frees the set's IDs); " SRC_NOTIFIER_API " (FREE is sent so that users let go; callbacks may call ID operations)",
	.needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set, *other;
	siovh_ioasid_t base = mid_id(check), id;
	struct pair_nb p = { .nb = { .call = pair_call }, .t = t };
	uint32_t avail = avail_of(check);
	int i;

	set = new_set(check, 4);
	p.set = set;
	ASSERT_OK(t->ioasid->register_notifier(t, set, &p.nb));
	for (i = 0; i < 2; i++)
		p.ids[i] = new_id(check, set, base + (unsigned int)i,
				  base + (unsigned int)i, NULL);
	t->ioasid->set_put(t, set);
	EXPECT_EQ(p.frees[0], 1);
	EXPECT_EQ(p.frees[1], 1);
	EXPECT_EQ(p.other, 0);
	EXPECT_EQ(avail_of(check), avail);
	other = new_set(check, 4);
	for (i = 0; i < 2; i++) {
		EXPECT_OK(t->ioasid->alloc(t, other, p.ids[i], p.ids[i], NULL,
					   &id));
	}
}

SIOVH_CLAUSE(set_put_leaves_pending,
	.id = "IOASID.SET.11", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the last set_put does not free a free-pending ID again: no second FREE, the ID stays out of reach of alloc while its holder keeps its reference, and the holder's put reclaims it",
	.source = SRC_SET_API "; " SRC_LIFECYCLE " (free before the last put: the ID is reclaimed at the last put)",
	.needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4), *other;
	siovh_ioasid_t base = mid_id(check), a, b, id;
	struct evlog log = { .n = 0 };
	struct listener l;

	listener_init(&l, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l.nb));
	a = new_id(check, set, base, base, NULL);
	b = new_id(check, set, base + 1, base + 1, NULL);
	make_pending(check, set, a);
	EXPECT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_FREE, a), 1);
	log.n = 0;
	t->ioasid->set_put(t, set);
	evlog_note(check, "heard at set_put", &log);
	EXPECT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_FREE, a), 0);
	EXPECT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_FREE, b), 1);
	/* b is back; a is still held (its set lives on while it does) */
	other = new_set(check, 4);
	EXPECT_OK(t->ioasid->alloc(t, other, base + 1, base + 1, NULL, &id));
	EXPECT_NE(t->ioasid->alloc(t, other, base, base, NULL, &id), 0);
	EXPECT_OK(t->ioasid->put(t, set, a));
	EXPECT_OK(t->ioasid->alloc(t, other, base, base, NULL, &id));
	EXPECT_EQ(id, a);
}
