/* SPDX-License-Identifier: MIT */
/*
 * IOASID.SPID: set-private IDs ("Proposed Solutions": ioasid_set private
 * IDs used as guest IOASIDs; "IOASID API": attach_spid, find_by_spid).
 */
#include "common.h"

/* A set of quota 4 with two IDs, a and b, neither with a spid yet. */
struct two_ids {
	struct siovh_ioasid_set *set;
	siovh_ioasid_t a, b;
};

static void two_ids_setup(struct siovh_check *check, struct two_ids *c)
{
	siovh_ioasid_t base = mid_id(check);

	c->set = new_set(check, 4);
	c->a = new_id(check, c->set, base, base + 7, NULL);
	c->b = new_id(check, c->set, base, base + 7, NULL);
}

SIOVH_CLAUSE(spid_find_takes_ref,
	.id = "IOASID.SPID.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find_by_spid maps an attached spid to its ID and takes a reference",
	.source = SRC_LIFECYCLE, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;

	id = new_id(check, set, base, base + 7, NULL);
	ASSERT_OK(t->ioasid->attach_spid(t, set, id, 7));
	EXPECT_EQ(probe(check, id).spid, 7);
	expect_spid_maps(check, set, 7, id);
	EXPECT_EQ(refs_of(check, id), 2);
	expect_spid_maps(check, set, 7, id);
	EXPECT_EQ(refs_of(check, id), 3);
}

SIOVH_CLAUSE(spid_ref_holds_pending,
	.id = "IOASID.SPID.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the reference find_by_spid takes keeps a freed ID from being reclaimed until it is put",
	.source = SRC_LIFECYCLE, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t want = mid_id(check), id, got, id2;

	id = new_id(check, set, want, want, NULL);
	ASSERT_OK(t->ioasid->attach_spid(t, set, id, 3));
	ASSERT_OK(t->ioasid->find_by_spid(t, set, 3, &got));
	ASSERT_EQ(got, id);
	t->ioasid->free(t, set, id);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, want, want, NULL, &id2),
		     -ENOSPC);
	EXPECT_OK(t->ioasid->put(t, set, got));
	EXPECT_OK(t->ioasid->alloc(t, set, want, want, NULL, &id2));
}

SIOVH_CLAUSE(spid_unique_in_set,
	.id = "IOASID.SPID.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a spid is unique within a set: attaching it to a second ID is -EEXIST and the mapping stays",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_ids c;

	two_ids_setup(check, &c);
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.a, 9));
	EXPECT_ERRNO(t->ioasid->attach_spid(t, c.set, c.b, 9), -EEXIST);
	expect_spid_maps(check, c.set, 9, c.a);
	/* b did not get it on the side: with a detached, 9 maps nowhere. */
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.a, SIOVH_INVALID_IOASID));
	if (!expect_spid_unmapped(check, c.set, 9))
		siovh_note(check, "a is ID %u, b is ID %u", c.a, c.b);
}

SIOVH_CLAUSE(spid_detach,
	.id = "IOASID.SPID.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "attach_spid(SIOVH_INVALID_IOASID) detaches: the spid is no longer found and another ID can take it",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_ids c;

	two_ids_setup(check, &c);
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.a, 5));
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.a, SIOVH_INVALID_IOASID));
	expect_spid_unmapped(check, c.set, 5);
	EXPECT_OK(t->ioasid->attach_spid(t, c.set, c.b, 5));
	expect_spid_maps(check, c.set, 5, c.b);
	/* Detaching an ID without a spid is harmless. */
	EXPECT_OK(t->ioasid->attach_spid(t, c.set, c.a, SIOVH_INVALID_IOASID));
}

SIOVH_CLAUSE(spid_replace,
	.id = "IOASID.SPID.5", .level = SIOVH_SHOULD, .facet = "ioasid",
	.title = "attaching a new spid to an ID that has one replaces it: the old spid is no longer found",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct two_ids c;

	two_ids_setup(check, &c);
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.a, 5));
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.a, 6));
	expect_spid_unmapped(check, c.set, 5);
	expect_spid_maps(check, c.set, 6, c.a);
	/* The old spid is free for another ID; detach then drops the new. */
	EXPECT_OK(t->ioasid->attach_spid(t, c.set, c.b, 5));
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.a, SIOVH_INVALID_IOASID));
	expect_spid_unmapped(check, c.set, 6);
}

SIOVH_CLAUSE(spid_sets_independent,
	.id = "IOASID.SPID.6", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "spid spaces of sets are independent: one spid maps to each set's own ID, and never to another set's",
	.source = SRC_SOLUTIONS, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 4), *b = new_set(check, 4);
	struct siovh_ioasid_set *c = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), ia, ib;

	ia = new_id(check, a, base, base + 7, NULL);
	ib = new_id(check, b, base, base + 7, NULL);
	new_id(check, c, base, base + 7, NULL);
	ASSERT_OK(t->ioasid->attach_spid(t, a, ia, 1));
	EXPECT_OK(t->ioasid->attach_spid(t, b, ib, 1));
	expect_spid_maps(check, a, 1, ia);
	expect_spid_maps(check, b, 1, ib);
	/* c has no spid 1: another set's must not leak in. */
	if (!expect_spid_unmapped(check, c, 1))
		siovh_note(check, "a's ID is %u, b's %u", ia, ib);
}

SIOVH_CLAUSE(spid_gone_at_reclaim,
	.id = "IOASID.SPID.7", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a reclaimed ID's spid is gone: find_by_spid is -ENOENT and a new ID can take the spid",
	.source = SRC_LIFECYCLE, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t want = mid_id(check), id;

	id = new_id(check, set, want, want, NULL);
	ASSERT_OK(t->ioasid->attach_spid(t, set, id, 11));
	t->ioasid->free(t, set, id);
	expect_spid_unmapped(check, set, 11);
	/* Even when the same ID number comes back. */
	new_id(check, set, want, want, NULL);
	expect_spid_unmapped(check, set, 11);
	id = new_id(check, set, want + 1, want + 1, NULL);
	EXPECT_OK(t->ioasid->attach_spid(t, set, id, 11));
}

SIOVH_CLAUSE(spid_unknown,
	.id = "IOASID.SPID.8", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find_by_spid of a spid nobody has is -ENOENT and takes no reference",
	.source = SRC_API, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4), *other;
	siovh_ioasid_t base = mid_id(check), id, got;

	id = new_id(check, set, base, base + 7, NULL);
	ASSERT_OK(t->ioasid->attach_spid(t, set, id, 2));
	other = new_set(check, 4);
	expect_spid_unmapped(check, set, 3);
	expect_spid_unmapped(check, other, 2);
	/* INVALID is no spid: any error (the reference: -ENOENT). */
	EXPECT_FAILS(t->ioasid->find_by_spid(t, set, SIOVH_INVALID_IOASID,
					     &got));
	EXPECT_EQ(refs_of(check, id), 1);
}
