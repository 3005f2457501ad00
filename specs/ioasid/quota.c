/* SPDX-License-Identifier: MIT */
/*
 * IOASID.QUOTA: per-set quota enforcement and set_adjust ("IOASID Set Key
 * APIs": alloc_set's quota, adjust_set).
 */
#include "common.h"

SIOVH_CLAUSE(quota_exact,
	.id = "IOASID.QUOTA.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a set holds exactly its quota of IDs: the next alloc is -EDQUOT",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 3);
	siovh_ioasid_t base = mid_id(check), id;
	int i;

	for (i = 0; i < 3; i++)
		new_id(check, set, base, base + 63, NULL);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base, base + 63, NULL, &id),
		     -EDQUOT);
	/* The quota is the set's: another set still allocates. */
	new_id(check, new_set(check, 1), base, base + 63, NULL);
}

SIOVH_CLAUSE(quota_refusal_changes_nothing,
	.id = "IOASID.QUOTA.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "an alloc refused with -EDQUOT takes no ID and sends no ALLOC",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 1), *other;
	siovh_ioasid_t base = mid_id(check), id;
	struct listener l;
	struct evlog log = { .n = 0 };

	listener_init(&l, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l.nb));
	new_id(check, set, base, base, NULL);
	log.n = 0;
	/* The only free ID of [base, base + 1] is base + 1. */
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base, base + 1, NULL, &id),
		     -EDQUOT);
	EXPECT_EQ(log.n, 0);
	other = new_set(check, 1);
	EXPECT_EQ(new_id(check, other, base + 1, base + 1, NULL), base + 1);
}

SIOVH_CLAUSE(quota_returned_on_reclaim,
	.id = "IOASID.QUOTA.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a reclaimed ID no longer counts against its set's quota",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 2);
	siovh_ioasid_t base = mid_id(check), a, b;
	int round;

	for (round = 0; round < 3; round++) {
		a = new_id(check, set, base, base + 63, NULL);
		b = new_id(check, set, base, base + 63, NULL);
		t->ioasid->free(t, set, a);
		t->ioasid->free(t, set, b);
	}
}

SIOVH_CLAUSE(quota_pending_counts,
	.id = "IOASID.QUOTA.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a free-pending ID counts against the quota until it is reclaimed",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 1);
	siovh_ioasid_t base = mid_id(check), id, id2;

	id = new_id(check, set, base, base + 63, NULL);
	make_pending(check, set, id);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base, base + 63, NULL, &id2),
		     -EDQUOT);
	/* set_adjust counts it too. */
	EXPECT_ERRNO(t->ioasid->set_adjust(t, set, 0), -EINVAL);
	ASSERT_OK(t->ioasid->put(t, set, id));
	EXPECT_OK(t->ioasid->alloc(t, set, base, base + 63, NULL, &id2));
}

SIOVH_CLAUSE(quota_adjust_below_count,
	.id = "IOASID.QUOTA.5", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_adjust below the set's ID count is -EINVAL and leaves the quota unchanged",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	uint32_t avail;
	int i;

	for (i = 0; i < 3; i++)
		new_id(check, set, base, base + 63, NULL);
	avail = avail_of(check);
	EXPECT_ERRNO(t->ioasid->set_adjust(t, set, 2), -EINVAL);
	EXPECT_EQ(avail_of(check), avail);
	/* Still quota 4: one more fits, then -EDQUOT. */
	EXPECT_OK(t->ioasid->alloc(t, set, base, base + 63, NULL, &id));
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base, base + 63, NULL, &id),
		     -EDQUOT);
}

SIOVH_CLAUSE(quota_adjust_pool_limit,
	.id = "IOASID.QUOTA.6", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_adjust beyond what the pool has left is -ENOSPC and leaves the quota unchanged",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	uint32_t avail = avail_of(check);

	EXPECT_ERRNO(t->ioasid->set_adjust(t, set, 4 + avail + 1), -ENOSPC);
	EXPECT_EQ(avail_of(check), avail);
	EXPECT_OK(t->ioasid->set_adjust(t, set, 4 + avail));
	EXPECT_EQ(avail_of(check), 0);
}

SIOVH_CLAUSE(quota_adjust_raise_lower,
	.id = "IOASID.QUOTA.7", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "after set_adjust raises the quota the set allocates more; lowered to its ID count, the next alloc is -EDQUOT",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 2);
	siovh_ioasid_t base = mid_id(check), ids[5], id;
	int i;

	for (i = 0; i < 2; i++)
		ids[i] = new_id(check, set, base, base + 63, NULL);
	ASSERT_ERRNO(t->ioasid->alloc(t, set, base, base + 63, NULL, &id),
		     -EDQUOT);
	ASSERT_OK(t->ioasid->set_adjust(t, set, 5));
	for (i = 2; i < 5; i++)
		ids[i] = new_id(check, set, base, base + 63, NULL);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base, base + 63, NULL, &id),
		     -EDQUOT);
	/* Down to 3 IDs, then to a quota of exactly 3. */
	t->ioasid->free(t, set, ids[0]);
	t->ioasid->free(t, set, ids[3]);
	ASSERT_OK(t->ioasid->set_adjust(t, set, 3));
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base, base + 63, NULL, &id),
		     -EDQUOT);
}
