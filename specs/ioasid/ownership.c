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
	ASSERT_OK(t->ioasid->get(t, a, id));
	t->ioasid->free(t, a, id);
	EXPECT_ERRNO(t->ioasid->put(t, b, id), -EACCES);
	EXPECT_EQ(refs_of(check, id), 1);
	/* IDs of no set at all. */
	EXPECT_ERRNO(t->ioasid->get(t, b, base + 1), -ENOENT);
	EXPECT_ERRNO(t->ioasid->put(t, b, base + 1), -ENOENT);
	EXPECT_ERRNO(t->ioasid->get(t, b, cap), -ENOENT);
	EXPECT_ERRNO(t->ioasid->put(t, b, SIOVH_INVALID_IOASID), -ENOENT);
}

SIOVH_CLAUSE(own_free_attach_notify,
	.id = "IOASID.OWN.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "free, attach_data and notify through another set do nothing (-EACCES where they return)",
	.source = SRC_GAPS, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 4), *b = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	struct siovh_ioasid_probe p;
	struct listener la, lb;
	struct evlog log = { .n = 0 };
	char data, other;

	listener_init(&la, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, 0);
	listener_init(&lb, t, &log, 2, SIOVH_IOASID_PRIO_DEFAULT, 0);
	ASSERT_OK(t->ioasid->register_notifier(t, a, &la.nb));
	ASSERT_OK(t->ioasid->register_notifier(t, b, &lb.nb));
	id = new_id(check, a, base, base, &data);
	log.n = 0;
	t->ioasid->free(t, b, id);
	EXPECT_ERRNO(t->ioasid->attach_data(t, b, id, &other), -EACCES);
	EXPECT_ERRNO(t->ioasid->notify(t, b, id, SIOVH_IOASID_NOTIFY_BIND,
				       SIOVH_IOASID_NOTIFY_FLAG_ALL),
		     -EACCES);
	/* get works for the owner only. */
	EXPECT_ERRNO(t->ioasid->get(t, b, id), -EACCES);
	evlog_note(check, "heard", &log);
	EXPECT_EQ(log.n, 0);
	p = probe(check, id);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_ACTIVE);
	EXPECT_EQ(p.refs, 1);
	EXPECT_PTR_EQ(p.set, a);
	EXPECT_PTR_EQ(p.private, &data);
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
	ASSERT_OK(t->ioasid->get(t, a, id));
	t->ioasid->free(t, a, id);
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
	siovh_ioasid_t base = mid_id(check), id, got;

	id = new_id(check, a, base, base + 7, NULL);
	EXPECT_ERRNO(t->ioasid->attach_spid(t, b, id, 4), -EACCES);
	EXPECT_ERRNO(t->ioasid->find_by_spid(t, b, 4, &got), -ENOENT);
	EXPECT_ERRNO(t->ioasid->find_by_spid(t, a, 4, &got), -ENOENT);
	EXPECT_ERRNO(t->ioasid->attach_spid(t, b, base + 8, 4), -ENOENT);
}

SIOVH_CLAUSE(own_find_by_spid,
	.id = "IOASID.OWN.5", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find_by_spid never returns another set's ID, whatever spids the other sets use",
	.source = SRC_GAPS, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 8), *b = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check), got;
	siovh_ioasid_t sp;

	for (sp = 0; sp < 4; sp++) {
		siovh_ioasid_t id = new_id(check, a, base, base + 15, NULL);

		ASSERT_OK(t->ioasid->attach_spid(t, a, id, sp));
	}
	for (sp = 0; sp < 8; sp++) {
		got = SIOVH_INVALID_IOASID;
		if (!EXPECT_ERRNO(t->ioasid->find_by_spid(t, b, sp, &got),
				  -ENOENT))
			siovh_note(check, "set b, spid %u: got ID %u", sp, got);
	}
}
