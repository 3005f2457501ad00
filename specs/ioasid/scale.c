/* SPDX-License-Identifier: MIT */
/*
 * IOASID.SCALE: the core at the size of a 20-bit PASID space (2^20 live
 * IDs), where any operation that scans would show as a timeout.
 */
#include <stdlib.h>

#include "common.h"

#define SCALE_IDS (1u << 20)
#define SCALE_SAMPLE 4099u	/* prime stride: a sample across the space */

struct bitmap {
	uint64_t *w;
};

static bool bit_test_set(struct bitmap *b, uint32_t i)
{
	uint64_t m = 1ull << (i % 64);
	bool was = b->w[i / 64] & m;

	b->w[i / 64] |= m;
	return was;
}

/*
 * Fill one set with SCALE_IDS IDs over [0, SCALE_IDS); fails the check on
 * the first duplicate or stray. Returns the set.
 */
static struct siovh_ioasid_set *fill(struct siovh_check *check, void *priv)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = NULL;
	struct bitmap seen;
	uint32_t i;
	int err;

	if (capacity_of(check) < SCALE_IDS)
		FAIL_FATAL("capacity %u is below 2^20", capacity_of(check));
	ASSERT_OK(t->ioasid->set_alloc(t, NULL, SCALE_IDS,
				       SIOVH_IOASID_SET_TYPE_NULL, &set));
	seen.w = calloc(SCALE_IDS / 64, sizeof(uint64_t));
	ASSERT_TRUE(seen.w != NULL);
	for (i = 0; i < SCALE_IDS; i++) {
		siovh_ioasid_t id = SIOVH_INVALID_IOASID;

		err = t->ioasid->alloc(t, set, 0, SCALE_IDS - 1, priv, &id);
		if (err) {
			FAIL("alloc %u of 2^20 failed: %d", i, err);
			break;
		}
		if (id >= SCALE_IDS) {
			FAIL("alloc %u returned ID %u, outside [0, 2^20)", i, id);
			break;
		}
		if (bit_test_set(&seen, id)) {
			FAIL("alloc %u returned ID %u, already live", i, id);
			break;
		}
	}
	free(seen.w);
	if (siovh_check_failed(check))
		FAIL_FATAL("could not fill the space");
	return set;
}

SIOVH_CLAUSE(scale_million_live,
	.id = "IOASID.SCALE.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "one set holds 2^20 live IDs, distinct and in range; the next alloc is -EDQUOT, a taken [x, x] -ENOSPC, find still works",
	.source = "derived: DESIGN.md, \"ref/ioasid\": it must hold 2^20 live IDs",
	.needs = NEEDS_IOASID, .timeout_ms = 60000)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set;
	siovh_ioasid_t id, x = 12345;
	void *p = NULL;
	char data;
	uint32_t i;

	set = fill(check, &data);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, 0, SCALE_IDS - 1, NULL, &id),
		     -EDQUOT);
	for (i = 0; i < SCALE_IDS; i += SCALE_SAMPLE) {
		p = NULL;
		if (!EXPECT_OK(t->ioasid->find(t, set, i, NULL, &p)) ||
		    !EXPECT_PTR_EQ(p, &data))
			break;
	}
	/* One free ID, x: only [x, x] (or a range holding it) gets it. */
	t->ioasid->free(t, set, x);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, x + 1, x + 1, NULL, &id),
		     -ENOSPC);
	EXPECT_ERRNO(t->ioasid->alloc(t, set, SCALE_IDS - 16, SCALE_IDS - 1,
				      NULL, &id),
		     -ENOSPC);
	id = SIOVH_INVALID_IOASID;
	if (EXPECT_OK(t->ioasid->alloc(t, set, 0, SCALE_IDS - 1, NULL, &id)))
		EXPECT_EQ(id, x);
}

static void count_id(siovh_ioasid_t id, void *data)
{
	uint32_t *n = data;

	(void)id;
	(*n)++;
}

SIOVH_CLAUSE(scale_walk_and_release,
	.id = "IOASID.SCALE.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "with 2^20 live IDs set_for_each visits them all and spids map; after freeing all, none is visited and set_put returns the pool",
	.source = "derived: DESIGN.md, \"ref/ioasid\": it must hold 2^20 live IDs",
	.needs = NEEDS_IOASID, .timeout_ms = 60000)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t avail = avail_of(check), n = 0, i;
	struct siovh_ioasid_set *set;
	siovh_ioasid_t got;

	set = fill(check, NULL);
	ASSERT_OK(t->ioasid->set_for_each(t, set, count_id, &n));
	EXPECT_EQ(n, SCALE_IDS);
	for (i = 0; i < SCALE_IDS; i += SCALE_SAMPLE)
		ASSERT_OK(t->ioasid->attach_spid(t, set, i, i / SCALE_SAMPLE));
	for (i = 0; i < SCALE_IDS; i += SCALE_SAMPLE) {
		got = SIOVH_INVALID_IOASID;
		if (!EXPECT_OK(t->ioasid->find_by_spid(t, set, i / SCALE_SAMPLE,
						       &got)) ||
		    !EXPECT_EQ(got, i))
			break;
		ASSERT_OK(t->ioasid->put(t, set, got));
	}
	for (i = 0; i < SCALE_IDS; i++)
		t->ioasid->free(t, set, i);
	n = 0;
	ASSERT_OK(t->ioasid->set_for_each(t, set, count_id, &n));
	EXPECT_EQ(n, 0);
	t->ioasid->set_put(t, set);
	EXPECT_EQ(avail_of(check), avail);
}
