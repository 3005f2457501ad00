/* SPDX-License-Identifier: MIT */
/*
 * IOASID.FIND: ioasid_find(set, id, getter) and ioasid_attach_data() of the
 * "IOASID API" slide.
 */
#include "common.h"

SIOVH_CLAUSE(find_private_data,
	.id = "IOASID.FIND.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find returns the ID's current private data: alloc's, then attach_data's; unknown IDs are -ENOENT",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	char d1, d2;
	void *p = NULL;

	id = new_id(check, set, base, base, &d1);
	if (EXPECT_OK(t->ioasid->find(t, set, id, NULL, &p)))
		EXPECT_PTR_EQ(p, &d1);
	ASSERT_OK(t->ioasid->attach_data(t, set, id, &d2));
	p = NULL;
	if (EXPECT_OK(t->ioasid->find(t, set, id, NULL, &p)))
		EXPECT_PTR_EQ(p, &d2);
	ASSERT_OK(t->ioasid->attach_data(t, set, id, NULL));
	p = &d1;
	if (EXPECT_OK(t->ioasid->find(t, set, id, NULL, &p)))
		EXPECT_PTR_EQ(p, NULL);
	EXPECT_ERRNO(t->ioasid->find(t, set, base + 1, NULL, &p), -ENOENT);
	EXPECT_ERRNO(t->ioasid->find(t, NULL, capacity_of(check), NULL, &p),
		     -ENOENT);
}

SIOVH_CLAUSE(find_null_set,
	.id = "IOASID.FIND.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find with a NULL set finds an ID of any set; with a set, only that set's IDs (-EACCES otherwise)",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *a = new_set(check, 4), *b = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), ia, ib;
	char da, db;
	void *p = NULL;

	ia = new_id(check, a, base, base + 7, &da);
	ib = new_id(check, b, base, base + 7, &db);
	if (EXPECT_OK(t->ioasid->find(t, NULL, ia, NULL, &p)))
		EXPECT_PTR_EQ(p, &da);
	if (EXPECT_OK(t->ioasid->find(t, NULL, ib, NULL, &p)))
		EXPECT_PTR_EQ(p, &db);
	p = NULL;
	EXPECT_ERRNO(t->ioasid->find(t, b, ia, NULL, &p), -EACCES);
	EXPECT_ERRNO(t->ioasid->find(t, a, ib, NULL, &p), -EACCES);
	EXPECT_PTR_EQ(p, NULL);
}

/* The getter's record of its calls lives in the private data it is given. */
struct getter_data {
	int calls;
	bool answer;
};

static bool getter(void *private)
{
	struct getter_data *g = private;

	if (!g)
		return false;
	g->calls++;
	return g->answer;
}

SIOVH_CLAUSE(find_calls_getter,
	.id = "IOASID.FIND.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find calls the getter once with the ID's private data, and succeeds when it returns true",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	struct getter_data g = { .answer = true };
	void *p = NULL;

	id = new_id(check, set, base, base + 7, &g);
	if (EXPECT_OK(t->ioasid->find(t, set, id, getter, &p)))
		EXPECT_PTR_EQ(p, &g);
	EXPECT_EQ(g.calls, 1);
	if (EXPECT_OK(t->ioasid->find(t, NULL, id, getter, &p)))
		EXPECT_PTR_EQ(p, &g);
	EXPECT_EQ(g.calls, 2);
	/* No getter, no call. */
	EXPECT_OK(t->ioasid->find(t, set, id, NULL, &p));
	EXPECT_EQ(g.calls, 2);
}

SIOVH_CLAUSE(find_getter_refuses,
	.id = "IOASID.FIND.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "find is -EBUSY when the getter returns false",
	.source = SRC_API, .needs = NEEDS_IOASID)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = new_set(check, 4);
	siovh_ioasid_t base = mid_id(check), id;
	struct getter_data g = { .answer = false };
	void *p = NULL;

	id = new_id(check, set, base, base + 7, &g);
	EXPECT_ERRNO(t->ioasid->find(t, set, id, getter, &p), -EBUSY);
	EXPECT_ERRNO(t->ioasid->find(t, NULL, id, getter, &p), -EBUSY);
	EXPECT_EQ(g.calls, 2);
	/* The ID itself is fine. */
	EXPECT_OK(t->ioasid->find(t, set, id, NULL, &p));
}
