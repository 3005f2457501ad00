/* SPDX-License-Identifier: MIT */
/*
 * IOASID.ALLOC: ioasid_alloc(set, min, max, private) of the "IOASID API"
 * slide: IDs inside [min, max], the edges of the ID space, the errors, and
 * the ALLOC notification.
 */
#include "common.h"

SIOVH_CLAUSE(alloc_in_range,
	.id = "IOASID.ALLOC.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "alloc returns an ID inside [min, max]",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 64);
	siovh_ioasid_t base = mid_id(check), id;
	static const uint32_t ranges[][2] = {
		{ 10, 20 }, { 100, 100 }, { 7, 9 }, { 1000, 1063 }, { 5, 6 },
	};
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		siovh_ioasid_t min = base + ranges[i][0];
		siovh_ioasid_t max = base + ranges[i][1];
		int k;

		for (k = 0; k < 2 && min + k <= max; k++) {
			id = SIOVH_INVALID_IOASID;
			if (!EXPECT_OK(t->ioasid->alloc(t, set, min, max, NULL,
							&id)))
				continue;
			if (id < min || id > max)
				FAIL("alloc in [%u, %u] returned ID %u", min,
				     max, id);
		}
	}
}

SIOVH_CLAUSE(alloc_single,
	.id = "IOASID.ALLOC.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "alloc with min == max returns exactly that ID",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check), id;
	int i;

	for (i = 0; i < 4; i++) {
		siovh_ioasid_t want = base + 3 * (uint32_t)i + 1;

		id = SIOVH_INVALID_IOASID;
		if (EXPECT_OK(t->ioasid->alloc(t, set, want, want, NULL, &id)))
			EXPECT_EQ(id, want);
	}
}

SIOVH_CLAUSE(alloc_edges,
	.id = "IOASID.ALLOC.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "the edges of the ID space are allocatable: [0, 0] and [capacity - 1, capacity - 1]",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	uint32_t cap = capacity_of(check);
	siovh_ioasid_t id = SIOVH_INVALID_IOASID;

	if (EXPECT_OK(t->ioasid->alloc(t, set, cap - 1, cap - 1, NULL, &id)))
		EXPECT_EQ(id, cap - 1);
	id = SIOVH_INVALID_IOASID;
	if (EXPECT_OK(t->ioasid->alloc(t, set, 0, 0, NULL, &id)))
		EXPECT_EQ(id, 0);
	/* Both edges taken: the ranges around them are full. */
	EXPECT_ERRNO(t->ioasid->alloc(t, set, 0, 0, NULL, &id), -ENOSPC);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, cap - 1, cap - 1, NULL, &id),
		     -ENOSPC);
}

SIOVH_CLAUSE(alloc_min_gt_max,
	.id = "IOASID.ALLOC.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "alloc with min > max is -EINVAL",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;

	EXPECT_ERRNO(t->ioasid->alloc(t, set, base + 1, base, NULL, &id),
		     -EINVAL);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base + 100, base, NULL, &id),
		     -EINVAL);
}

SIOVH_CLAUSE(alloc_beyond_capacity,
	.id = "IOASID.ALLOC.5", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "alloc with max >= capacity is -EINVAL, even when [min, capacity) has free IDs",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	uint32_t cap = capacity_of(check);
	siovh_ioasid_t id;

	EXPECT_ERRNO(t->ioasid->alloc(t, set, cap - 1, cap, NULL, &id),
		     -EINVAL);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, cap, cap, NULL, &id), -EINVAL);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, 0, SIOVH_INVALID_IOASID, NULL,
				      &id),
		     -EINVAL);
}

SIOVH_CLAUSE(alloc_range_full,
	.id = "IOASID.ALLOC.6", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "alloc is -ENOSPC when every ID of [min, max] is taken, although the quota allows more",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 8), *b = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check), id;

	new_id(check, a, base, base + 2, NULL);
	new_id(check, a, base, base + 2, NULL);
	new_id(check, a, base, base + 2, NULL);
	EXPECT_ERRNO(t->ioasid->alloc(t, a, base, base + 2, NULL, &id),
		     -ENOSPC);
	/* IDs taken by one set are taken for every set. */
	EXPECT_ERRNO(t->ioasid->alloc(t, b, base, base + 2, NULL, &id),
		     -ENOSPC);
	EXPECT_ERRNO(t->ioasid->alloc(t, b, base + 1, base + 1, NULL, &id),
		     -ENOSPC);
}

SIOVH_CLAUSE(alloc_fills_range,
	.id = "IOASID.ALLOC.7", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "live IDs are distinct: allocating |[min, max]| times returns every ID of the range once",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 32);
	siovh_ioasid_t base = mid_id(check) + 37, id;
	int seen[32] = { 0 }, i;

	for (i = 0; i < 32; i++) {
		id = SIOVH_INVALID_IOASID;
		ASSERT_OK(t->ioasid->alloc(t, set, base, base + 31, NULL, &id));
		if (id < base || id > base + 31) {
			FAIL("alloc %d in [%u, %u] returned ID %u", i, base,
			     base + 31, id);
			continue;
		}
		if (seen[id - base]++)
			FAIL("alloc %d returned ID %u, which is already live",
			     i, id);
	}
}

SIOVH_CLAUSE(alloc_notifies,
	.id = "IOASID.ALLOC.8", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "alloc sends ALLOC to the set's notifiers with the ID, set, token, private data and no spid",
	.source = SRC_NOTIFIER_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t base = mid_id(check), id;
	struct siovh_ioasid_set *set;
	struct listener l;
	struct evlog log = { .n = 0 };
	char token, data;

	set = new_mm_set(check, &token, 4);
	listener_init(&l, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l.nb));
	id = new_id(check, set, base, base + 7, &data);
	evlog_note(check, "heard", &log);
	ASSERT_EQ(log.n, 1);
	EXPECT_EQ(log.e[0].event, SIOVH_IOASID_NOTIFY_ALLOC);
	EXPECT_EQ(log.e[0].id, id);
	EXPECT_EQ(log.e[0].spid, SIOVH_INVALID_IOASID);
	EXPECT_PTR_EQ(log.e[0].set, set);
	EXPECT_PTR_EQ(log.e[0].token, &token);
	EXPECT_PTR_EQ(log.e[0].private, &data);
}

SIOVH_CLAUSE(alloc_errors_silent,
	.id = "IOASID.ALLOC.9", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "a refused alloc (-EINVAL, -ENOSPC) takes no ID and sends no ALLOC",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 8);
	siovh_ioasid_t base = mid_id(check), id;
	uint32_t cap = capacity_of(check);
	struct listener l;
	struct evlog log = { .n = 0 };

	listener_init(&l, t, &log, 1, SIOVH_IOASID_PRIO_DEFAULT, LISTEN_RECORD);
	ASSERT_OK(t->ioasid->register_notifier(t, set, &l.nb));
	new_id(check, set, base, base, NULL);
	log.n = 0;
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base + 2, base + 1, NULL, &id),
		     -EINVAL);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, cap - 2, cap, NULL, &id),
		     -EINVAL);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, base, base, NULL, &id), -ENOSPC);
	evlog_note(check, "heard", &log);
	EXPECT_EQ(log.n, 0);
	/* Nothing was taken: the quota still has 7 IDs, the edges are free. */
	EXPECT_EQ(new_id(check, set, cap - 2, cap - 2, NULL), cap - 2);
	EXPECT_EQ(new_id(check, set, cap - 1, cap - 1, NULL), cap - 1);
	EXPECT_EQ(new_id(check, set, base + 1, base + 1, NULL), base + 1);
}
