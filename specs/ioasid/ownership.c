/* SPDX-License-Identifier: MIT */
/*
 * IOASID.OWN: an ID belongs to exactly one set, and no call made through
 * another set reaches it ("Problem Statement: Gaps": manage IOASIDs by
 * groups, e.g. enforce ownership).
 */
#include "common.h"

SIOVH_CLAUSE(own_get_put,
	.id = "IOASID.OWN.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "get and put through another set are -EACCES and change no reference; of an unknown ID -ENOENT",
	.source = SRC_GAPS, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 4), *b = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	uint32_t cap = capacity_of(check);

	id = new_id(check, a, base, base, NULL);
	EXPECT_ERRNO(t->ioasid->get(t, b, id), -EACCES);
	EXPECT_ERRNO(t->ioasid->put(t, b, id), -EACCES);
	EXPECT_ERRNO(t->ioasid->put(t, b, id), -EACCES);
	EXPECT_EQ(refs_of(check, id), 1);
	/* Pending, it is still a's. */
	make_pending(check, a, id);
	EXPECT_ERRNO(t->ioasid->put(t, b, id), -EACCES);
	EXPECT_EQ(refs_of(check, id), 1);
	/* IDs of no set at all. */
	EXPECT_ERRNO(t->ioasid->get(t, b, base + 1), -ENOENT);
	EXPECT_ERRNO(t->ioasid->put(t, b, base + 1), -ENOENT);
	EXPECT_ERRNO(t->ioasid->get(t, b, cap), -ENOENT);
	EXPECT_ERRNO(t->ioasid->put(t, b, SIOVH_INVALID_IOASID), -ENOENT);
}

/*
 * Two sets, a and b, each with a recording listener (1 on a, 2 on b), and
 * an ID of a's with private data; for the calls that b must not reach.
 */
struct two_sets {
	struct siovh_ioasid_set *a, *b;
	siovh_ioasid_t id;
	struct listener la, lb;
	struct evlog log;
	char data;
};

static void two_sets_setup(struct siovh_check *check, struct two_sets *c)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t base = mid_id(check);

	c->log = (struct evlog){ .n = 0 };
	c->a = new_set(check, 4);
	c->b = new_set(check, 4);
	listener_init(&c->la, t, &c->log, 1, SIOVH_IOASID_PRIO_DEFAULT,
		      LISTEN_RECORD);
	listener_init(&c->lb, t, &c->log, 2, SIOVH_IOASID_PRIO_DEFAULT,
		      LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier(t, c->a, &c->la.nb));
	ASSERT_OK(t->ioasid->register_notifier(t, c->b, &c->lb.nb));
	c->id = new_id(check, c->a, base, base, &c->data);
	c->log.n = 0;
}

/* Nobody heard anything, and the ID is a's as it was made. */
static void expect_untouched(struct siovh_check *check,
			     const struct two_sets *c)
{
	struct siovh_ioasid_probe p;

	evlog_note(check, "heard (1: a's chain, 2: b's chain)", &c->log);
	EXPECT_EQ(c->log.n, 0);
	p = probe(check, c->id);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_ACTIVE);
	EXPECT_EQ(p.refs, 1);
	EXPECT_PTR_EQ(p.set, c->a);
	EXPECT_PTR_EQ(p.private, &c->data);
}

SIOVH_CLAUSE(own_free,
	.id = "IOASID.OWN.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "free through another set does nothing: the ID stays active with its reference, and no FREE is sent",
	.source = SRC_GAPS, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_sets c;

	two_sets_setup(check, &c);
	t->ioasid->free(t, c.b, c.id);
	expect_untouched(check, &c);
}

SIOVH_CLAUSE(own_find,
	.id = "IOASID.OWN.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find through another set is -EACCES, active or pending, and returns no private data",
	.source = SRC_GAPS, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 4), *b = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	void *p = NULL;
	char data;

	id = new_id(check, a, base, base + 7, &data);
	EXPECT_ERRNO(t->ioasid->find(t, b, id, NULL, &p), -EACCES);
	EXPECT_PTR_EQ(p, NULL);
	make_pending(check, a, id);
	EXPECT_ERRNO(t->ioasid->find(t, b, id, NULL, &p), -EACCES);
	EXPECT_PTR_EQ(p, NULL);
}

SIOVH_CLAUSE(own_attach_spid,
	.id = "IOASID.OWN.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "attach_spid on another set's ID is -EACCES and maps nothing in either set",
	.source = SRC_GAPS, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 4), *b = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;

	id = new_id(check, a, base, base + 7, NULL);
	EXPECT_ERRNO(t->ioasid->attach_spid(t, b, id, 4), -EACCES);
	expect_spid_unmapped(check, b, 4);
	expect_spid_unmapped(check, a, 4);
	EXPECT_ERRNO(t->ioasid->attach_spid(t, b, base + 8, 4), -ENOENT);
}

SIOVH_CLAUSE(own_find_by_spid,
	.id = "IOASID.OWN.5", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find_by_spid never returns another set's ID, whatever spids the other sets use",
	.source = SRC_GAPS, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 8), *b = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check), sp;

	for (sp = 0; sp < 4; sp++) {
		siovh_ioasid_t id = new_id(check, a, base, base + 15, NULL);

		ASSERT_OK(t->ioasid->attach_spid(t, a, id, sp));
	}
	for (sp = 0; sp < 8; sp++)
		expect_spid_unmapped(check, b, sp);
}

SIOVH_CLAUSE(own_attach_data,
	.id = "IOASID.OWN.6", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "attach_data through another set is -EACCES and the owner's private data stays",
	.source = SRC_GAPS, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_sets c;
	char other;

	two_sets_setup(check, &c);
	EXPECT_ERRNO(t->ioasid->attach_data(t, c.b, c.id, &other), -EACCES);
	EXPECT_ERRNO(t->ioasid->attach_data(t, c.b, c.id, NULL), -EACCES);
	expect_untouched(check, &c);
}

SIOVH_CLAUSE(own_notify,
	.id = "IOASID.OWN.7", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "notify through another set is -EACCES and reaches neither set's notifiers",
	.source = SRC_GAPS, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_sets c;

	two_sets_setup(check, &c);
	EXPECT_ERRNO(t->ioasid->notify(t, c.b, c.id, SIOVH_IOASID_NOTIFY_BIND,
				       SIOVH_IOASID_NOTIFY_FLAG_ALL),
		     -EACCES);
	EXPECT_ERRNO(t->ioasid->notify(t, c.b, c.id,
				       SIOVH_IOASID_NOTIFY_UNBIND,
				       SIOVH_IOASID_NOTIFY_FLAG_SET),
		     -EACCES);
	expect_untouched(check, &c);
}

static void never_called(siovh_ioasid_t id, void *data)
{
	(void)id;
	++*(int *)data;
}

SIOVH_CLAUSE(own_null_set,
	.id = "IOASID.OWN.8", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set == NULL is -EINVAL for every call taking a set but find (alloc, get, put, attach_data, attach_spid, find_by_spid, notify, set_adjust, set_for_each, (un)register_notifier) and changes nothing; find with set == NULL searches every set",
	.source = "harness/include/siovh/ioasid.h (contract: \"set == NULL is accepted by find only (-EINVAL elsewhere)\"); " SRC_GAPS,
	.needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t cap, avail, avail_after;
	siovh_ioasid_t out = SIOVH_INVALID_IOASID;
	struct listener extra;
	struct two_sets c;
	void *priv = NULL;
	int calls = 0;
	char other;

	two_sets_setup(check, &c);
	listener_init(&extra, t, &c.log, 3, SIOVH_IOASID_PRIO_DEFAULT,
		      LISTEN_RECORD);
	ASSERT_OK(t->ioasid->get_capacity(t, &cap, &avail));
	EXPECT_ERRNO(t->ioasid->alloc(t, NULL, c.id + 1, c.id + 1, NULL, &out),
		     -EINVAL);
	EXPECT_ERRNO(t->ioasid->get(t, NULL, c.id), -EINVAL);
	EXPECT_ERRNO(t->ioasid->put(t, NULL, c.id), -EINVAL);
	EXPECT_ERRNO(t->ioasid->attach_data(t, NULL, c.id, &other), -EINVAL);
	EXPECT_ERRNO(t->ioasid->attach_spid(t, NULL, c.id, 7), -EINVAL);
	EXPECT_ERRNO(t->ioasid->find_by_spid(t, NULL, 7, &out), -EINVAL);
	EXPECT_ERRNO(t->ioasid->notify(t, NULL, c.id, SIOVH_IOASID_NOTIFY_BIND,
				       SIOVH_IOASID_NOTIFY_FLAG_ALL), -EINVAL);
	EXPECT_ERRNO(t->ioasid->set_adjust(t, NULL, 8), -EINVAL);
	EXPECT_ERRNO(t->ioasid->set_for_each(t, NULL, never_called, &calls),
		     -EINVAL);
	EXPECT_EQ(calls, 0);
	EXPECT_ERRNO(t->ioasid->register_notifier(t, NULL, &extra.nb), -EINVAL);
	EXPECT_ERRNO(t->ioasid->unregister_notifier(t, NULL, &c.la.nb),
		     -EINVAL);
	EXPECT_EQ(out, SIOVH_INVALID_IOASID);
	ASSERT_OK(t->ioasid->get_capacity(t, &cap, &avail_after));
	EXPECT_EQ(avail_after, avail);
	expect_untouched(check, &c);
	/* find is the exception: NULL searches every set. */
	EXPECT_OK(t->ioasid->find(t, NULL, c.id, NULL, &priv));
	EXPECT_PTR_EQ(priv, &c.data);
	/* a's notifier is still registered: a BIND through a reaches it. */
	EXPECT_OK(t->ioasid->notify(t, c.a, c.id, SIOVH_IOASID_NOTIFY_BIND,
				    SIOVH_IOASID_NOTIFY_FLAG_SET));
	EXPECT_EQ(c.log.n, 1);
}
