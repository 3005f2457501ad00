/* SPDX-License-Identifier: MIT */
/*
 * IOASID.REF: per-ID reference counting with ioasid_get/put ("IOASID API";
 * "Proposed Solutions": reference counting for life cycle alignment among
 * users).
 */
#include "common.h"

SIOVH_CLAUSE(ref_alloc_one,
	.id = "IOASID.REF.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a new ID is ACTIVE with one reference, in its set, with the private data given",
	.source = SRC_LIFECYCLE, .needs = NEEDS_PROBE)
{
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t want = mid_id(check) + 5, id;
	struct siovh_ioasid_probe p;
	char data;

	id = new_id(check, set, want, want, &data);
	p = probe(check, id);
	EXPECT_EQ(p.state, SIOVH_IOASID_STATE_ACTIVE);
	EXPECT_EQ(p.refs, 1);
	EXPECT_PTR_EQ(p.set, set);
	EXPECT_PTR_EQ(p.private, &data);
	EXPECT_EQ(p.spid, SIOVH_INVALID_IOASID);
	/* Its neighbours are untouched. */
	EXPECT_EQ(state_of(check, want - 1), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(state_of(check, want + 1), SIOVH_IOASID_STATE_FREE);
}

SIOVH_CLAUSE(ref_get_increments,
	.id = "IOASID.REF.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "get takes a reference: the count goes up by one per get",
	.source = SRC_API, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check);
	siovh_ioasid_t id = new_id(check, set, base, base + 7, NULL);
	uint32_t i;

	for (i = 2; i <= 4; i++) {
		ASSERT_OK(t->ioasid->get(t, set, id));
		EXPECT_EQ(refs_of(check, id), i);
	}
}

SIOVH_CLAUSE(ref_put_decrements,
	.id = "IOASID.REF.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "put drops a reference: the count goes down by one per put, and an active ID stays active at 0",
	.source = SRC_API, .needs = NEEDS_PROBE)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check);
	siovh_ioasid_t id = new_id(check, set, base, base + 7, NULL);
	uint32_t i;

	for (i = 0; i < 3; i++)
		ASSERT_OK(t->ioasid->get(t, set, id));
	for (i = 3; i-- > 0;) {
		ASSERT_OK(t->ioasid->put(t, set, id));
		EXPECT_EQ(refs_of(check, id), i + 1);
	}
	ASSERT_OK(t->ioasid->put(t, set, id));
	EXPECT_EQ(refs_of(check, id), 0);
	EXPECT_EQ(state_of(check, id), SIOVH_IOASID_STATE_ACTIVE);
}

SIOVH_CLAUSE(ref_counts_gate_reclaim,
	.id = "IOASID.REF.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "an ID freed with n extra references is reclaimed by the n-th put, not before",
	.source = SRC_SOLUTIONS, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id, id2;
	int i;

	id = new_id(check, set, base, base, NULL);
	for (i = 0; i < 3; i++)
		ASSERT_OK(t->ioasid->get(t, set, id));
	t->ioasid->free(t, set, id);
	for (i = 0; i < 3; i++) {
		/* Still held: [id, id] has no free ID. */
		if (!EXPECT_ERRNO(t->ioasid->alloc(t, set, id, id, NULL, &id2),
				  -ENOSPC))
			siovh_note(check, "reclaimed after %d of 3 puts", i);
		ASSERT_OK(t->ioasid->put(t, set, id));
	}
	EXPECT_OK(t->ioasid->alloc(t, set, id, id, NULL, &id2));
}

SIOVH_CLAUSE(ref_put_at_zero,
	.id = "IOASID.REF.5", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "put on an ID with no references is -EINVAL and leaves it at 0; put on a reclaimed ID is -ENOENT",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id, id2;

	id = new_id(check, set, base, base, NULL);
	ASSERT_OK(t->ioasid->put(t, set, id));	/* the allocation's */
	EXPECT_ERRNO(t->ioasid->put(t, set, id), -EINVAL);
	EXPECT_ERRNO(t->ioasid->put(t, set, id), -EINVAL);
	/* Still at 0: one get and one put balance, free reclaims at once. */
	ASSERT_OK(t->ioasid->get(t, set, id));
	ASSERT_OK(t->ioasid->put(t, set, id));
	t->ioasid->free(t, set, id);
	EXPECT_OK(t->ioasid->alloc(t, set, id, id, NULL, &id2));
	t->ioasid->free(t, set, id2);
	EXPECT_ERRNO(t->ioasid->put(t, set, id), -ENOENT);
}
