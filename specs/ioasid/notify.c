/* SPDX-License-Identifier: MIT */
/*
 * IOASID.NOTIFY: notifier chains per set and per mm token, notify()'s
 * flags and events, and the delivery order ("IOASID Notifier API";
 * "Problem Statement: Keep IOASID users in sync").
 */
#include "common.h"

/* A set with a token, a listener on its chain (1) and on its mm chain (2). */
struct two_chains {
	struct siovh_ioasid_set *set;
	siovh_ioasid_t id;
	struct listener on_set, on_mm;
	struct evlog log;
	char token;
};

static void two_chains_setup(struct siovh_check *check, struct two_chains *c)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t base = mid_id(check);

	c->log = (struct evlog){ .n = 0 };
	c->set = new_mm_set(check, &c->token, 4);
	listener_init(&c->on_set, t, &c->log, 1, SIOVH_IOASID_PRIO_DEFAULT,
		      LISTEN_RECORD);
	listener_init(&c->on_mm, t, &c->log, 2, SIOVH_IOASID_PRIO_DEFAULT,
		      LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier(t, c->set, &c->on_set.nb));
	ASSERT_OK(t->ioasid->register_notifier_mm(t, &c->token, &c->on_mm.nb));
	c->id = new_id(check, c->set, base, base + 7, NULL);
	c->log.n = 0;
}

/*
 * notify(event, flags) on the ID of a two_chains set-up: notifier `hears`
 * (1: on the set's chain, 2: on the mm chain) gets it once, the other one
 * gets nothing.
 */
static void expect_one_chain(struct siovh_check *check,
			     enum siovh_ioasid_event event, unsigned int flags,
			     int hears)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_chains c;

	two_chains_setup(check, &c);
	ASSERT_OK(t->ioasid->notify(t, c.set, c.id, event, flags));
	evlog_note(check, "heard (1: set chain, 2: mm chain)", &c.log);
	EXPECT_EQ(evlog_count(&c.log, hears, event, c.id), 1);
	EXPECT_EQ(evlog_count(&c.log, 3 - hears, 0, SIOVH_INVALID_IOASID), 0);
}

SIOVH_CLAUSE(notify_flag_set,
	.id = "IOASID.NOTIFY.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "notify(BIND, FLAG_SET) reaches the set's chain and not the mm chain",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	expect_one_chain(check, SIOVH_IOASID_NOTIFY_BIND,
			 SIOVH_IOASID_NOTIFY_FLAG_SET, 1);
}

SIOVH_CLAUSE(notify_flag_mm,
	.id = "IOASID.NOTIFY.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "notify(UNBIND, FLAG_MM) reaches the token's mm chain and not the set's chain",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	expect_one_chain(check, SIOVH_IOASID_NOTIFY_UNBIND,
			 SIOVH_IOASID_NOTIFY_FLAG_MM, 2);
}

SIOVH_CLAUSE(notify_flag_all,
	.id = "IOASID.NOTIFY.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "notify(FLAG_ALL) and the core's ALLOC/FREE reach both chains once, with ID, spid, set, token and private data",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_chains c;
	char data;
	int i;

	two_chains_setup(check, &c);
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.id, 77));
	ASSERT_OK(t->ioasid->attach_data(t, c.set, c.id, &data));
	ASSERT_OK(t->ioasid->notify(t, c.set, c.id, SIOVH_IOASID_NOTIFY_BIND,
				    SIOVH_IOASID_NOTIFY_FLAG_ALL));
	t->ioasid->free(t, c.set, c.id);
	evlog_note(check, "heard (1: set chain, 2: mm chain)", &c.log);
	EXPECT_EQ(evlog_count(&c.log, 1, SIOVH_IOASID_NOTIFY_BIND, c.id), 1);
	EXPECT_EQ(evlog_count(&c.log, 2, SIOVH_IOASID_NOTIFY_BIND, c.id), 1);
	EXPECT_EQ(evlog_count(&c.log, 1, SIOVH_IOASID_NOTIFY_FREE, c.id), 1);
	EXPECT_EQ(evlog_count(&c.log, 2, SIOVH_IOASID_NOTIFY_FREE, c.id), 1);
	for (i = 0; i < c.log.n; i++) {
		const struct ev *e = &c.log.e[i];

		EXPECT_EQ(e->spid, 77);
		EXPECT_PTR_EQ(e->set, c.set);
		EXPECT_PTR_EQ(e->token, &c.token);
		EXPECT_PTR_EQ(e->private, &data);
	}
}

SIOVH_CLAUSE(notify_rejects_events,
	.id = "IOASID.NOTIFY.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "notify rejects ALLOC, FREE and unknown events with -EINVAL and delivers nothing",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	static const uint32_t bad[] = {
		SIOVH_IOASID_NOTIFY_ALLOC, SIOVH_IOASID_NOTIFY_FREE, 0, 0x10,
		SIOVH_IOASID_NOTIFY_BIND | SIOVH_IOASID_NOTIFY_UNBIND,
	};
	struct two_chains c;
	size_t i;

	two_chains_setup(check, &c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_ERRNO(t->ioasid->notify(t, c.set, c.id,
					       (enum siovh_ioasid_event)bad[i],
					       SIOVH_IOASID_NOTIFY_FLAG_ALL),
			     -EINVAL);
	/* Flags naming no chain: whatever it returns, nobody hears. */
	t->ioasid->notify(t, c.set, c.id, SIOVH_IOASID_NOTIFY_BIND, 0);
	evlog_note(check, "heard", &c.log);
	EXPECT_EQ(c.log.n, 0);
}

#define PRIO_NBS 4

/*
 * A set with PRIO_NBS recording blocks of the given priorities on its
 * chain, registered in that order (who = index + 1), and an ID allocated
 * after them.
 */
struct prio_chain {
	struct siovh_ioasid_set *set;
	siovh_ioasid_t id;
	struct listener l[PRIO_NBS];
	struct evlog log;
};

static void prio_chain_setup(struct siovh_check *check, struct prio_chain *c,
			     const int prio[PRIO_NBS])
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t base = mid_id(check);
	int i;

	c->log = (struct evlog){ .n = 0 };
	c->set = new_set(check, 4);
	for (i = 0; i < PRIO_NBS; i++) {
		listener_init(&c->l[i], t, &c->log, i + 1, prio[i],
			      LISTEN_RECORD);
		ASSERT_OK(t->ioasid->register_notifier(t, c->set, &c->l[i].nb));
	}
	c->id = new_id(check, c->set, base, base + 7, NULL);
}

/* The order in which `who`s heard the log's deliveries, as "3,1,2". */
static bool order_is(struct siovh_check *check, const struct evlog *log,
		     const int *want, int n)
{
	int i;

	if (log->n != n) {
		FAIL("%d deliveries, expected %d", log->n, n);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (log->e[i].who != want[i]) {
			FAIL("delivery %d went to notifier %d, expected %d",
			     i, log->e[i].who, want[i]);
			return false;
		}
	}
	return true;
}

/* notify(event, FLAG_ALL) on the chain's ID is heard in the order want. */
static void expect_notify_order(struct siovh_check *check,
				struct prio_chain *c,
				enum siovh_ioasid_event event,
				const int want[PRIO_NBS], const char *what)
{
	struct siovh_target *t = siovh_check_target(check);

	c->log.n = 0;
	ASSERT_OK(t->ioasid->notify(t, c->set, c->id, event,
				    SIOVH_IOASID_NOTIFY_FLAG_ALL));
	evlog_note(check, what, &c->log);
	order_is(check, &c->log, want, PRIO_NBS);
}

SIOVH_CLAUSE(notify_priority_order,
	.id = "IOASID.NOTIFY.5", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "notifiers run by priority, DEVICE then CPU then DEFAULT then LAST, whatever the registration order",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	static const int prio[PRIO_NBS] = {
		SIOVH_IOASID_PRIO_LAST, SIOVH_IOASID_PRIO_CPU,
		SIOVH_IOASID_PRIO_DEVICE, SIOVH_IOASID_PRIO_DEFAULT,
	};
	static const int want[PRIO_NBS] = { 3, 2, 4, 1 };
	struct prio_chain c;

	prio_chain_setup(check, &c, prio);
	evlog_note(check, "ALLOC heard (1 LAST, 2 CPU, 3 DEVICE, 4 DEFAULT)",
		   &c.log);
	order_is(check, &c.log, want, PRIO_NBS);
	expect_notify_order(check, &c, SIOVH_IOASID_NOTIFY_UNBIND, want,
			    "UNBIND heard");
}

SIOVH_CLAUSE(notify_equal_priority_fifo,
	.id = "IOASID.NOTIFY.6", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "notifiers of equal priority run in registration order",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	static const int prio[PRIO_NBS] = {
		SIOVH_IOASID_PRIO_CPU, SIOVH_IOASID_PRIO_CPU,
		SIOVH_IOASID_PRIO_DEVICE, SIOVH_IOASID_PRIO_CPU,
	};
	static const int want[PRIO_NBS] = { 3, 1, 2, 4 };
	struct prio_chain c;

	prio_chain_setup(check, &c, prio);
	expect_notify_order(check, &c, SIOVH_IOASID_NOTIFY_BIND, want,
			    "BIND heard (1, 2, 4 CPU in that order; 3 DEVICE)");
}

SIOVH_CLAUSE(notify_union_order,
	.id = "IOASID.NOTIFY.7", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the set's and the mm token's chains are merged into one order: priority first, then registration order",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t base = mid_id(check), id;
	struct siovh_ioasid_set *set;
	struct listener l[5];
	struct evlog log = { .n = 0 };
	char token;

	/* who: 1 mm LAST, 2 mm DEFAULT, 3 set CPU, 4 mm DEVICE, 5 set DEFAULT */
	listener_init(&l[0], t, &log, 1, SIOVH_IOASID_PRIO_LAST, 0);
	listener_init(&l[1], t, &log, 2, SIOVH_IOASID_PRIO_DEFAULT, 0);
	listener_init(&l[2], t, &log, 3, SIOVH_IOASID_PRIO_CPU, 0);
	listener_init(&l[3], t, &log, 4, SIOVH_IOASID_PRIO_DEVICE, 0);
	listener_init(&l[4], t, &log, 5, SIOVH_IOASID_PRIO_DEFAULT, 0);
	ASSERT_OK(t->ioasid->register_notifier_mm(t, &token, &l[0].nb));
	ASSERT_OK(t->ioasid->register_notifier_mm(t, &token, &l[1].nb));
	set = new_mm_set(check, &token, 4);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l[2].nb));
	ASSERT_OK(t->ioasid->register_notifier_mm(t, &token, &l[3].nb));
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l[4].nb));
	id = new_id(check, set, base, base + 7, NULL);
	evlog_note(check, "ALLOC heard", &log);
	order_is(check, &log, (const int[]){ 4, 3, 2, 5, 1 }, 5);
	log.n = 0;
	t->ioasid->free(t, set, id);
	evlog_note(check, "FREE heard", &log);
	order_is(check, &log, (const int[]){ 4, 3, 2, 5, 1 }, 5);
}

SIOVH_CLAUSE(notify_mm_early,
	.id = "IOASID.NOTIFY.8", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "an mm notifier registered before any set with its token exists hears that set's events",
	.source = SRC_LIFECYCLE, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t base = mid_id(check), id;
	struct siovh_ioasid_set *set;
	struct listener kvm;
	struct evlog log = { .n = 0 };
	char token;

	listener_init(&kvm, t, &log, 1, SIOVH_IOASID_PRIO_CPU, LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier_mm(t, &token, &kvm.nb));
	set = new_mm_set(check, &token, 4);
	id = new_id(check, set, base, base + 7, NULL);
	ASSERT_OK(t->ioasid->notify(t, set, id, SIOVH_IOASID_NOTIFY_BIND,
				    SIOVH_IOASID_NOTIFY_FLAG_MM));
	t->ioasid->free(t, set, id);
	evlog_note(check, "KVM heard", &log);
	EXPECT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_ALLOC, id), 1);
	EXPECT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_BIND, id), 1);
	EXPECT_EQ(evlog_count(&log, 1, SIOVH_IOASID_NOTIFY_FREE, id), 1);
}

SIOVH_CLAUSE(notify_unregister_stops,
	.id = "IOASID.NOTIFY.9", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "after unregister (set or mm chain) a notifier hears nothing more; the others still hear",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_chains c;
	struct listener other;

	two_chains_setup(check, &c);
	listener_init(&other, t, &c.log, 3, SIOVH_IOASID_PRIO_LAST, 0);
	ASSERT_OK(t->ioasid->register_notifier(t, c.set, &other.nb));
	ASSERT_OK(t->ioasid->unregister_notifier(t, c.set, &c.on_set.nb));
	ASSERT_OK(t->ioasid->unregister_notifier_mm(t, &c.token,
						    &c.on_mm.nb));
	ASSERT_OK(t->ioasid->notify(t, c.set, c.id, SIOVH_IOASID_NOTIFY_BIND,
				    SIOVH_IOASID_NOTIFY_FLAG_ALL));
	t->ioasid->free(t, c.set, c.id);
	evlog_note(check, "heard (1, 2 unregistered; 3 registered)", &c.log);
	EXPECT_EQ(evlog_count(&c.log, 1, 0, SIOVH_INVALID_IOASID), 0);
	EXPECT_EQ(evlog_count(&c.log, 2, 0, SIOVH_INVALID_IOASID), 0);
	EXPECT_EQ(evlog_count(&c.log, 3, 0, SIOVH_INVALID_IOASID), 2);
}

SIOVH_CLAUSE(notify_register_errors,
	.id = "IOASID.NOTIFY.10", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "registering a block twice on one chain is -EEXIST; unregistering one that is not there is -ENOENT",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a, *b;
	struct listener l;
	struct evlog log = { .n = 0 };
	char token, other;

	a = new_mm_set(check, &token, 4);
	b = new_set(check, 4);
	listener_init(&l, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, 0);
	ASSERT_OK(t->ioasid->register_notifier(t, a, &l.nb));
	EXPECT_ERRNO(t->ioasid->register_notifier(t, a, &l.nb), -EEXIST);
	EXPECT_ERRNO(t->ioasid->unregister_notifier(t, b, &l.nb), -ENOENT);
	EXPECT_OK(t->ioasid->unregister_notifier(t, a, &l.nb));
	EXPECT_ERRNO(t->ioasid->unregister_notifier(t, a, &l.nb), -ENOENT);

	ASSERT_OK(t->ioasid->register_notifier_mm(t, &token, &l.nb));
	EXPECT_ERRNO(t->ioasid->register_notifier_mm(t, &token, &l.nb),
		     -EEXIST);
	EXPECT_ERRNO(t->ioasid->unregister_notifier_mm(t, &other, &l.nb),
		     -ENOENT);
	EXPECT_OK(t->ioasid->unregister_notifier_mm(t, &token, &l.nb));
	EXPECT_ERRNO(t->ioasid->unregister_notifier_mm(t, &token, &l.nb),
		     -ENOENT);
}

SIOVH_CLAUSE(notify_pending_busy,
	.id = "IOASID.NOTIFY.11", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "notify on a free-pending ID is -EBUSY and reaches no chain: its users have heard FREE",
	.source = SRC_SYNC, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_chains c;

	two_chains_setup(check, &c);
	make_pending(check, c.set, c.id);
	c.log.n = 0;
	EXPECT_ERRNO(t->ioasid->notify(t, c.set, c.id, SIOVH_IOASID_NOTIFY_BIND,
				       SIOVH_IOASID_NOTIFY_FLAG_ALL),
		     -EBUSY);
	EXPECT_ERRNO(t->ioasid->notify(t, c.set, c.id,
				       SIOVH_IOASID_NOTIFY_UNBIND,
				       SIOVH_IOASID_NOTIFY_FLAG_MM),
		     -EBUSY);
	evlog_note(check, "heard after free (1: set chain, 2: mm chain)",
		   &c.log);
	EXPECT_EQ(c.log.n, 0);
}
