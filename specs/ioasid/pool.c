/* SPDX-License-Identifier: MIT */
/*
 * IOASID.POOL: the system pool of IDs shared out between sets as quota
 * reservations, as get_capacity reports it.
 */
#include "common.h"

SIOVH_CLAUSE(pool_reserve_on_alloc,
	.id = "IOASID.POOL.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_alloc reserves its quota from the pool: get_capacity's avail drops by exactly the quota",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	uint32_t cap = capacity_of(check), before = avail_of(check);

	siovh_note(check, "capacity %u, avail %u", cap, before);
	EXPECT_LE(before, cap);
	new_set(check, 100);
	EXPECT_EQ(avail_of(check), before - 100);
	new_set(check, 1);
	EXPECT_EQ(avail_of(check), before - 101);
}

SIOVH_CLAUSE(pool_return_on_put,
	.id = "IOASID.POOL.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the last set_put returns the set's whole quota to the pool, IDs or not",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t before = avail_of(check);
	struct siovh_ioasid_set *a = new_set(check, 64), *b = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check);

	new_id(check, b, base, base + 7, NULL);
	new_id(check, b, base, base + 7, NULL);
	t->ioasid->set_put(t, a);
	EXPECT_EQ(avail_of(check), before - 8);
	t->ioasid->set_put(t, b);
	EXPECT_EQ(avail_of(check), before);
}

SIOVH_CLAUSE(pool_adjust_moves_reservation,
	.id = "IOASID.POOL.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_adjust moves the reservation: avail changes by the difference of the quotas",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t before = avail_of(check);
	struct siovh_ioasid_set *set = new_set(check, 10);

	ASSERT_OK(t->ioasid->set_adjust(t, set, 30));
	EXPECT_EQ(avail_of(check), before - 30);
	ASSERT_OK(t->ioasid->set_adjust(t, set, 5));
	EXPECT_EQ(avail_of(check), before - 5);
}

SIOVH_CLAUSE(pool_set_alloc_nospc,
	.id = "IOASID.POOL.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "set_alloc is -ENOSPC when the pool cannot cover the quota, and reserves nothing",
	.source = SRC_SET_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = NULL;
	uint32_t avail = avail_of(check);

	ASSERT_GT(avail, 1);
	EXPECT_ERRNO(t->ioasid->set_alloc(t, NULL, avail + 1,
					  SIOVH_IOASID_SET_TYPE_NULL, &set),
		     -ENOSPC);
	EXPECT_EQ(avail_of(check), avail);
	/* Exactly what is left is fine; then nothing is left. */
	new_set(check, avail - 1);
	EXPECT_ERRNO(t->ioasid->set_alloc(t, NULL, 2,
					  SIOVH_IOASID_SET_TYPE_NULL, &set),
		     -ENOSPC);
	EXPECT_OK(t->ioasid->set_alloc(t, NULL, 1, SIOVH_IOASID_SET_TYPE_NULL,
				       &set));
	EXPECT_EQ(avail_of(check), 0);
}
