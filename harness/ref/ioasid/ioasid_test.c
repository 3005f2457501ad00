/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the reference IOASID core and its data structures: the
 * hierarchical bitmap (range ends, word and level boundaries, full ranges,
 * against a naive model), the entry directory, the spid hash and its growth,
 * the API's contract (ioasid.h) including the talk's 24-step lifecycle, the
 * notification order and re-entrant callbacks, threads, and a fill of 2^20
 * live IDs with the bytes they cost. Prints TAP.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "id_bitmap.h"
#include "id_table.h"
#include "ioasid.h"
#include "spid_map.h"
#include "harness/ref/tap.h"
#include "test_helpers.h"

/* A deterministic PRNG for the randomised tests (xorshift64*). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t bound)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32) % bound;
}

/* ---- id_bitmap ---- */

static void test_bitmap_levels(void)
{
	static const struct { uint32_t bits; unsigned int levels; } cases[] = {
		{ 1, 1 }, { 64, 1 }, { 65, 2 }, { 4096, 2 }, { 4097, 3 },
		{ 1u << 18, 3 }, { (1u << 18) + 1, 4 }, { 1u << 20, 4 },
	};
	struct id_bitmap bm;
	size_t i;

	EXPECT_EQ(id_bitmap_init(&bm, 0), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(id_bitmap_init(&bm, cases[i].bits), 0);
		EXPECT_EQ(bm.levels, cases[i].levels);
		id_bitmap_destroy(&bm);
	}
}

static void test_bitmap_range_ends(void)
{
	const uint32_t n = 4097;	/* 3 levels, one bit in the last word */
	struct id_bitmap bm;

	ASSERT_EQ(id_bitmap_init(&bm, n), 0);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, n - 1), 0);
	EXPECT_EQ(id_bitmap_find_clear(&bm, n - 1, n - 1), n - 1);
	EXPECT_EQ(id_bitmap_find_clear(&bm, n, UINT32_MAX - 1), ID_NONE);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 5, 4), ID_NONE);
	id_bitmap_set(&bm, n - 1);
	EXPECT_EQ(id_bitmap_find_clear(&bm, n - 1, UINT32_MAX - 1), ID_NONE);
	EXPECT_TRUE(id_bitmap_test(&bm, n - 1));
	id_bitmap_set(&bm, 0);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, 0), ID_NONE);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, 1), 1);
	id_bitmap_destroy(&bm);
}

static void test_bitmap_boundaries(void)
{
	struct id_bitmap bm;
	uint32_t i;

	ASSERT_EQ(id_bitmap_init(&bm, 1u << 20), 0);
	/* One full word: the search must move to the next word. */
	for (i = 0; i < 64; i++)
		id_bitmap_set(&bm, i);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, 1000), 64);
	EXPECT_EQ(bm.words[1][0] & 1, 1);
	id_bitmap_clear(&bm, 63);
	EXPECT_EQ(bm.words[1][0] & 1, 0);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, 1000), 63);
	/* 64 full words make a full level-1 word: level 2 must say so. */
	for (i = 0; i < 4096; i++)
		id_bitmap_set(&bm, i);
	EXPECT_EQ(bm.words[2][0] & 1, 1);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, UINT32_MAX), 4096);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, 4095), ID_NONE);
	id_bitmap_clear(&bm, 2048);
	EXPECT_EQ(bm.words[2][0] & 1, 0);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, UINT32_MAX), 2048);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 2049, UINT32_MAX), 4096);
	/* Set twice, clear once: a bitmap, not a counter. */
	id_bitmap_set(&bm, 2048);
	id_bitmap_set(&bm, 2048);
	id_bitmap_clear(&bm, 2048);
	EXPECT_EQ(id_bitmap_find_clear(&bm, 0, UINT32_MAX), 2048);
	id_bitmap_destroy(&bm);
}

static void test_bitmap_full(void)
{
	static const uint32_t sizes[] = { 1, 63, 64, 65, 4095, 4097, 262145 };
	struct id_bitmap bm;
	size_t s;
	uint32_t i, n, hole;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		n = sizes[s];
		ASSERT_EQ(id_bitmap_init(&bm, n), 0);
		for (i = 0; i < n; i++)
			id_bitmap_set(&bm, i);
		/* The tail past n must never be found. */
		EXPECT_EQ(id_bitmap_find_clear(&bm, 0, UINT32_MAX - 1),
			  ID_NONE);
		hole = n / 2;
		id_bitmap_clear(&bm, hole);
		EXPECT_EQ(id_bitmap_find_clear(&bm, 0, UINT32_MAX - 1), hole);
		EXPECT_EQ(id_bitmap_find_clear(&bm, hole + 1, UINT32_MAX - 1),
			  ID_NONE);
		id_bitmap_destroy(&bm);
	}
}

static uint32_t naive_find(const unsigned char *used, uint32_t n,
			   uint32_t from, uint32_t to)
{
	uint32_t i;

	for (i = from; i <= to && i < n; i++) {
		if (!used[i])
			return i;
	}
	return ID_NONE;
}

static void test_bitmap_random(void)
{
	const uint32_t n = 300000;	/* 4 levels */
	unsigned char *used = calloc(n, 1);
	struct id_bitmap bm;
	uint32_t round, from, to, got, want;

	ASSERT_TRUE(used);
	ASSERT_EQ(id_bitmap_init(&bm, n), 0);
	for (round = 0; round < 20000; round++) {
		/* Dense clusters so that whole words and levels fill up. */
		uint32_t base = rnd(n);
		uint32_t len = rnd(8192);
		uint32_t i;

		for (i = base; i < base + len && i < n; i++) {
			bool set = rnd(16) != 0;

			used[i] = set;
			if (set)
				id_bitmap_set(&bm, i);
			else
				id_bitmap_clear(&bm, i);
		}
		from = rnd(n);
		to = from + rnd(n - from);
		got = id_bitmap_find_clear(&bm, from, to);
		want = naive_find(used, n, from, to);
		if (got != want) {
			FAIL("find_clear(%u, %u): expected %u, got %u", from,
			     to, want, got);
			break;
		}
	}
	id_bitmap_destroy(&bm);
	free(used);
}

/* ---- id_table ---- */

static void test_table(void)
{
	const size_t chunk_bytes = ID_TABLE_CHUNK_IDS *
				   sizeof(struct ioasid_entry);
	struct id_table tbl;
	struct ioasid_entry *a, *b;
	size_t base;

	EXPECT_EQ(id_table_init(&tbl, 0), -EINVAL);
	ASSERT_EQ(id_table_init(&tbl, 1500), 0);
	base = id_table_bytes(&tbl);
	EXPECT_EQ(tbl.nr_chunks, 2);
	EXPECT_TRUE(id_table_lookup(&tbl, 0) == NULL);
	EXPECT_TRUE(id_table_get(&tbl, 1500) == NULL);
	EXPECT_TRUE(id_table_lookup(&tbl, INVALID) == NULL);

	a = id_table_get(&tbl, ID_TABLE_CHUNK_IDS - 1);
	ASSERT_TRUE(a != NULL);
	EXPECT_EQ(a->state, SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(a->spid, INVALID);
	EXPECT_EQ(a->set_next, ID_NONE);
	EXPECT_EQ(id_table_bytes(&tbl), base + chunk_bytes);
	EXPECT_TRUE(id_table_lookup(&tbl, 0) == a - (ID_TABLE_CHUNK_IDS - 1));
	/* The next ID is in the next chunk, not yet allocated. */
	EXPECT_TRUE(id_table_lookup(&tbl, ID_TABLE_CHUNK_IDS) == NULL);
	b = id_table_get(&tbl, 1499);
	ASSERT_TRUE(b != NULL);
	EXPECT_TRUE(id_table_lookup(&tbl, ID_TABLE_CHUNK_IDS) == b - 475);
	EXPECT_EQ(id_table_bytes(&tbl), base + 2 * chunk_bytes);
	/* Chunks stay: the same entry comes back. */
	EXPECT_TRUE(id_table_get(&tbl, ID_TABLE_CHUNK_IDS - 1) == a);
	id_table_destroy(&tbl);
}

/* ---- spid_map ---- */

static void test_spid_map(void)
{
	const uint32_t n = 5000;
	struct spid_map map = { 0 };
	struct id_table tbl;
	uint32_t id, bad = 0;

	ASSERT_EQ(id_table_init(&tbl, n), 0);
	EXPECT_EQ(spid_map_lookup(&map, &tbl, 7), ID_NONE);
	EXPECT_EQ(spid_map_bytes(&map), 0);
	for (id = 0; id < n; id++) {
		struct ioasid_entry *e = id_table_get(&tbl, id);

		ASSERT_TRUE(e != NULL);
		ASSERT_EQ(spid_map_reserve(&map, &tbl), 0);
		/* spids that collide in a small table: multiples of 2^16. */
		e->spid = id << 16 | 3;
		spid_map_insert(&map, &tbl, id);
	}
	EXPECT_EQ(map.count, n);
	/* Grown to hold one spid per bucket at most: 8192 buckets. */
	EXPECT_EQ(map.bits, 13);
	EXPECT_EQ(spid_map_bytes(&map), 8192 * sizeof(uint32_t));
	for (id = 0; id < n; id++)
		bad += spid_map_lookup(&map, &tbl, id << 16 | 3) != id;
	EXPECT_EQ(bad, 0);
	for (id = 0; id < n; id += 2)
		EXPECT_TRUE(spid_map_remove(&map, &tbl, id));
	EXPECT_TRUE(!spid_map_remove(&map, &tbl, 0));
	for (id = 0; id < n; id++) {
		uint32_t want = id % 2 ? id : ID_NONE;

		bad += spid_map_lookup(&map, &tbl, id << 16 | 3) != want;
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(map.count, n / 2);
	EXPECT_EQ(spid_map_lookup(&map, &tbl, 4), ID_NONE);
	spid_map_destroy(&map);
	id_table_destroy(&tbl);
}

/* ---- the core: sets and the pool ---- */

static void test_create(void)
{
	struct ioasid_core *core;

	errno = 0;
	EXPECT_TRUE(ioasid_core_create(0, IOASID_FAULT_NONE) == NULL);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_TRUE(ioasid_core_create(16, IOASID_FAULT_COUNT) == NULL);
	EXPECT_TRUE(ioasid_core_create(16, -1) == NULL);
	core = new_core(16);
	ASSERT_TRUE(core != NULL);
	EXPECT_TRUE(ioasid_core_bytes(core) > 0);
	ioasid_core_destroy(core);
	ioasid_core_destroy(NULL);
}

static void test_set_alloc(void)
{
	struct ioasid_core *core = new_core(64);
	struct ioasid_set *a, *b;
	uint32_t cap, avail;
	int mm1, mm2;

	ASSERT_TRUE(core != NULL);
	EXPECT_EQ(ioasid_set_alloc(core, NULL, 0, SIOVH_IOASID_SET_TYPE_NULL,
				   &a), -EINVAL);
	EXPECT_EQ(ioasid_set_alloc(core, NULL, 1, 7, &a), -EINVAL);
	EXPECT_EQ(ioasid_set_alloc(core, &mm1, 1, SIOVH_IOASID_SET_TYPE_NULL,
				   &a), -EINVAL);
	EXPECT_EQ(ioasid_set_alloc(core, NULL, 1, SIOVH_IOASID_SET_TYPE_MM,
				   &a), -EINVAL);
	EXPECT_EQ(ioasid_set_alloc(core, NULL, 1, SIOVH_IOASID_SET_TYPE_NULL,
				   NULL), -EINVAL);
	ASSERT_EQ(ioasid_set_alloc(core, &mm1, 40, SIOVH_IOASID_SET_TYPE_MM,
				   &a), 0);
	EXPECT_EQ(ioasid_set_alloc(core, &mm1, 1, SIOVH_IOASID_SET_TYPE_MM,
				   &b), -EEXIST);
	EXPECT_EQ(ioasid_set_alloc(core, &mm2, 25, SIOVH_IOASID_SET_TYPE_MM,
				   &b), -ENOSPC);
	ASSERT_EQ(ioasid_set_alloc(core, &mm2, 24, SIOVH_IOASID_SET_TYPE_MM,
				   &b), 0);
	EXPECT_EQ(ioasid_get_capacity(core, &cap, &avail), 0);
	EXPECT_EQ(cap, 64);
	EXPECT_EQ(avail, 0);
	/* The last put returns the quota and frees the token. */
	ioasid_set_put(core, a);
	EXPECT_EQ(ioasid_get_capacity(core, &cap, &avail), 0);
	EXPECT_EQ(avail, 40);
	ASSERT_EQ(ioasid_set_alloc(core, &mm1, 40, SIOVH_IOASID_SET_TYPE_MM,
				   &a), 0);
	ioasid_set_put(core, a);
	ioasid_set_put(core, b);
	ioasid_core_destroy(core);
}

static void test_set_adjust(void)
{
	struct ioasid_core *core = new_core(64);
	struct siovh_ioasid_set_probe sp;
	struct ioasid_set *a, *b;
	uint32_t id, avail;

	ASSERT_TRUE(core != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 10, SIOVH_IOASID_SET_TYPE_NULL,
				   &a), 0);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 50, SIOVH_IOASID_SET_TYPE_NULL,
				   &b), 0);
	ASSERT_EQ(ioasid_alloc(core, a, 0, 63, NULL, &id), 0);
	ASSERT_EQ(ioasid_alloc(core, a, 0, 63, NULL, &id), 0);
	EXPECT_EQ(ioasid_set_adjust(core, a, 1), -EINVAL);
	EXPECT_EQ(ioasid_set_adjust(core, a, 15), -ENOSPC);
	EXPECT_EQ(ioasid_set_adjust(core, a, 14), 0);
	ioasid_get_capacity(core, NULL, &avail);
	EXPECT_EQ(avail, 0);
	EXPECT_EQ(ioasid_set_adjust(core, a, 2), 0);
	ioasid_get_capacity(core, NULL, &avail);
	EXPECT_EQ(avail, 12);
	EXPECT_EQ(ioasid_alloc(core, a, 0, 63, NULL, &id), -EDQUOT);
	EXPECT_EQ(ioasid_set_probe(core, a, &sp), 0);
	EXPECT_EQ(sp.quota, 2);
	EXPECT_EQ(sp.nr_ids, 2);
	EXPECT_EQ(sp.refs, 1);
	EXPECT_EQ(ioasid_set_adjust(core, NULL, 2), -EINVAL);
	ioasid_set_put(core, a);
	ioasid_set_put(core, b);
	ioasid_core_destroy(core);
}

static void test_set_refs(void)
{
	struct ioasid_core *core = new_core(64);
	struct siovh_ioasid_set_probe sp;
	struct ioasid_set *s;
	uint32_t id;

	ASSERT_TRUE(core != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 4, SIOVH_IOASID_SET_TYPE_NULL,
				   &s), 0);
	ASSERT_EQ(ioasid_alloc(core, s, 0, 63, NULL, &id), 0);
	ioasid_set_get(core, s);
	ioasid_set_probe(core, s, &sp);
	EXPECT_EQ(sp.refs, 2);
	ioasid_set_put(core, s);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_ACTIVE);
	ioasid_set_put(core, s);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_FREE);
	ioasid_core_destroy(core);
}

/* ---- the core: IDs ---- */

static void test_alloc_range(void)
{
	struct ioasid_core *core = new_core(100);
	struct ioasid_set *s;
	uint32_t id, i;

	ASSERT_TRUE(core != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 100, SIOVH_IOASID_SET_TYPE_NULL,
				   &s), 0);
	EXPECT_EQ(ioasid_alloc(core, s, 6, 5, NULL, &id), -EINVAL);
	EXPECT_EQ(ioasid_alloc(core, s, 0, 100, NULL, &id), -EINVAL);
	EXPECT_EQ(ioasid_alloc(core, NULL, 0, 9, NULL, &id), -EINVAL);
	EXPECT_EQ(ioasid_alloc(core, s, 99, 99, NULL, &id), 0);
	EXPECT_EQ(id, 99);
	EXPECT_EQ(ioasid_alloc(core, s, 99, 99, NULL, &id), -ENOSPC);
	for (i = 10; i <= 20; i++) {
		EXPECT_EQ(ioasid_alloc(core, s, 10, 20, NULL, &id), 0);
		EXPECT_EQ(id, i);
	}
	EXPECT_EQ(ioasid_alloc(core, s, 10, 20, NULL, &id), -ENOSPC);
	EXPECT_EQ(ioasid_alloc(core, s, 15, 30, NULL, &id), 0);
	EXPECT_EQ(id, 21);
	EXPECT_EQ(ioasid_alloc(core, s, 0, 0, NULL, &id), 0);
	EXPECT_EQ(id, 0);
	ioasid_set_put(core, s);
	ioasid_core_destroy(core);
}

static void test_free_pending(void)
{
	struct ioasid_core *core = new_core(16);
	struct ioasid_set *s;
	void *priv;
	uint32_t id, other;

	ASSERT_TRUE(core != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 2, SIOVH_IOASID_SET_TYPE_NULL,
				   &s), 0);
	ASSERT_EQ(ioasid_alloc(core, s, 3, 3, &priv, &id), 0);
	EXPECT_EQ(ioasid_get(core, s, id), 0);
	EXPECT_EQ(refs(core, id), 2);
	ioasid_free(core, s, id);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_FREE_PENDING);
	EXPECT_EQ(refs(core, id), 1);
	EXPECT_EQ(ioasid_get(core, s, id), -EBUSY);
	EXPECT_EQ(ioasid_find(core, s, id, NULL, &priv), -EBUSY);
	EXPECT_EQ(ioasid_attach_data(core, s, id, NULL), -EBUSY);
	EXPECT_EQ(ioasid_attach_spid(core, s, id, 1), -EBUSY);
	ioasid_free(core, s, id);		/* a no-op */
	EXPECT_EQ(refs(core, id), 1);
	/* Pending: not reusable, and still counted against the quota. */
	EXPECT_EQ(ioasid_alloc(core, s, 3, 3, NULL, &other), -ENOSPC);
	EXPECT_EQ(ioasid_alloc(core, s, 0, 15, NULL, &other), 0);
	EXPECT_EQ(ioasid_alloc(core, s, 0, 15, NULL, &other), -EDQUOT);
	EXPECT_EQ(ioasid_put(core, s, id), 0);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(ioasid_put(core, s, id), -ENOENT);
	EXPECT_EQ(ioasid_alloc(core, s, 3, 3, NULL, &id), 0);
	/* put may take an active ID to 0; free then reclaims at once. */
	EXPECT_EQ(ioasid_put(core, s, id), 0);
	EXPECT_EQ(ioasid_put(core, s, id), -EINVAL);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_ACTIVE);
	ioasid_free(core, s, id);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(ioasid_get(core, s, 100), -ENOENT);
	ioasid_set_put(core, s);
	ioasid_core_destroy(core);
}

static bool getter_calls_ok(void *private);
static int getter_calls;

static bool getter_calls_ok(void *private)
{
	getter_calls++;
	return private != NULL;
}

static void test_ownership_and_find(void)
{
	struct ioasid_core *core = new_core(16);
	struct ioasid_set *a, *b;
	int data1, data2;
	void *priv = NULL;
	uint32_t id, out;

	ASSERT_TRUE(core != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 4, SIOVH_IOASID_SET_TYPE_NULL,
				   &a), 0);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 4, SIOVH_IOASID_SET_TYPE_NULL,
				   &b), 0);
	ASSERT_EQ(ioasid_alloc(core, a, 0, 15, &data1, &id), 0);
	EXPECT_EQ(ioasid_get(core, b, id), -EACCES);
	EXPECT_EQ(ioasid_put(core, b, id), -EACCES);
	EXPECT_EQ(ioasid_find(core, b, id, NULL, &priv), -EACCES);
	EXPECT_EQ(ioasid_attach_data(core, b, id, NULL), -EACCES);
	EXPECT_EQ(ioasid_attach_spid(core, b, id, 5), -EACCES);
	EXPECT_EQ(ioasid_notify(core, b, id, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL), -EACCES);
	ioasid_free(core, b, id);		/* not b's: nothing happens */
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_ACTIVE);
	EXPECT_EQ(refs(core, id), 1);

	EXPECT_EQ(ioasid_find(core, NULL, id, NULL, &priv), 0);
	EXPECT_TRUE(priv == &data1);
	EXPECT_EQ(ioasid_attach_data(core, a, id, &data2), 0);
	EXPECT_EQ(ioasid_find(core, a, id, NULL, &priv), 0);
	EXPECT_TRUE(priv == &data2);
	EXPECT_TRUE(probe(core, id).private == &data2);
	getter_calls = 0;
	EXPECT_EQ(ioasid_find(core, a, id, getter_calls_ok, NULL), 0);
	EXPECT_EQ(ioasid_attach_data(core, a, id, NULL), 0);
	EXPECT_EQ(ioasid_find(core, a, id, getter_calls_ok, NULL), -EBUSY);
	EXPECT_EQ(getter_calls, 2);
	EXPECT_EQ(ioasid_find(core, a, 9, NULL, NULL), -ENOENT);
	EXPECT_EQ(ioasid_find(core, a, INVALID, NULL, NULL), -ENOENT);
	EXPECT_EQ(ioasid_find_by_spid(core, a, 5, &out), -ENOENT);
	ioasid_set_put(core, a);
	ioasid_set_put(core, b);
	ioasid_core_destroy(core);
}

static void test_spid(void)
{
	struct ioasid_core *core = new_core(64);
	struct ioasid_set *a, *b;
	uint32_t x, y, z, out = 0;

	ASSERT_TRUE(core != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 8, SIOVH_IOASID_SET_TYPE_NULL,
				   &a), 0);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 8, SIOVH_IOASID_SET_TYPE_NULL,
				   &b), 0);
	ASSERT_EQ(ioasid_alloc(core, a, 0, 63, NULL, &x), 0);
	ASSERT_EQ(ioasid_alloc(core, a, 0, 63, NULL, &y), 0);
	ASSERT_EQ(ioasid_alloc(core, b, 0, 63, NULL, &z), 0);
	EXPECT_EQ(ioasid_attach_spid(core, a, x, 100), 0);
	EXPECT_EQ(ioasid_attach_spid(core, a, x, 100), 0);
	EXPECT_EQ(ioasid_attach_spid(core, a, y, 100), -EEXIST);
	/* The same spid in another set is another mapping. */
	EXPECT_EQ(ioasid_attach_spid(core, b, z, 100), 0);
	EXPECT_EQ(ioasid_find_by_spid(core, a, 100, &out), 0);
	EXPECT_EQ(out, x);
	EXPECT_EQ(refs(core, x), 2);
	EXPECT_EQ(ioasid_find_by_spid(core, b, 100, &out), 0);
	EXPECT_EQ(out, z);
	EXPECT_EQ(ioasid_find_by_spid(core, b, 101, &out), -ENOENT);
	/* Replace, then detach. */
	EXPECT_EQ(ioasid_attach_spid(core, a, x, 7), 0);
	EXPECT_EQ(ioasid_find_by_spid(core, a, 100, &out), -ENOENT);
	EXPECT_EQ(probe(core, x).spid, 7);
	EXPECT_EQ(ioasid_attach_spid(core, a, x, INVALID), 0);
	EXPECT_EQ(ioasid_find_by_spid(core, a, 7, &out), -ENOENT);
	EXPECT_EQ(probe(core, x).spid, INVALID);
	/* Pending: not findable; reclaimed: mapping gone. */
	EXPECT_EQ(ioasid_attach_spid(core, a, y, 9), 0);
	EXPECT_EQ(ioasid_get(core, a, y), 0);
	ioasid_free(core, a, y);
	EXPECT_EQ(ioasid_find_by_spid(core, a, 9, &out), -EBUSY);
	EXPECT_EQ(ioasid_put(core, a, y), 0);
	EXPECT_EQ(ioasid_find_by_spid(core, a, 9, &out), -ENOENT);
	EXPECT_EQ(probe(core, y).spid, INVALID);
	ioasid_set_put(core, a);
	ioasid_set_put(core, b);
	ioasid_core_destroy(core);
}

/* ---- threads ---- */

#define THREADS 4
#define PER_THREAD 4000
#define THREAD_CAPACITY (1u << 16)

struct worker {
	struct ioasid_core *core;
	struct ioasid_set *set;
	uint32_t ids[PER_THREAD];
	int errors;
};

static void *alloc_worker(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		if (ioasid_alloc(w->core, w->set, 0, THREAD_CAPACITY - 1, w,
				 &w->ids[i]))
			w->ids[i] = INVALID;
		w->errors += ioasid_get(w->core, w->set, w->ids[i]) != 0;
		w->errors += ioasid_find(w->core, w->set, w->ids[i], NULL,
					 NULL) != 0;
		w->errors += ioasid_put(w->core, w->set, w->ids[i]) != 0;
	}
	return NULL;
}

static void *free_worker(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < PER_THREAD; i++)
		ioasid_free(w->core, w->set, w->ids[i]);
	return NULL;
}

static int run_workers(struct worker *w, void *(*fn)(void *))
{
	pthread_t tid[THREADS];
	int i, started, err = 0;

	for (started = 0; started < THREADS; started++) {
		err = pthread_create(&tid[started], NULL, fn, &w[started]);
		if (err)
			break;
	}
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	return err;
}

static void test_threads(void)
{
	const uint32_t cap = THREAD_CAPACITY;
	struct ioasid_core *core = new_core(cap);
	static struct worker w[THREADS];
	struct siovh_ioasid_set_probe sp;
	unsigned char *seen = calloc(cap, 1);
	struct ioasid_set *s;
	int i, j, dups = 0, errors = 0;

	ASSERT_TRUE(core != NULL && seen != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, cap, SIOVH_IOASID_SET_TYPE_NULL,
				   &s), 0);
	for (i = 0; i < THREADS; i++)
		w[i] = (struct worker){ .core = core, .set = s };
	ASSERT_EQ(run_workers(w, alloc_worker), 0);
	for (i = 0; i < THREADS; i++) {
		errors += w[i].errors;
		for (j = 0; j < PER_THREAD; j++) {
			if (w[i].ids[j] >= cap || seen[w[i].ids[j]]++)
				dups++;
		}
	}
	EXPECT_EQ(errors, 0);
	EXPECT_EQ(dups, 0);
	ioasid_set_probe(core, s, &sp);
	EXPECT_EQ(sp.nr_ids, THREADS * PER_THREAD);
	ASSERT_EQ(run_workers(w, free_worker), 0);
	ioasid_set_probe(core, s, &sp);
	EXPECT_EQ(sp.nr_ids, 0);
	ioasid_set_put(core, s);
	ioasid_core_destroy(core);
	free(seen);
}

/* ---- scale: 2^20 live IDs ---- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint32_t spid_of(uint32_t id)
{
	return id * 2654435761u;	/* a bijection: every spid distinct */
}

static void test_fill_2_20(void)
{
	const uint32_t cap = 1u << 20;
	struct ioasid_core *core = new_core(cap);
	struct siovh_ioasid_set_probe sp;
	struct ioasid_set *s;
	uint32_t i, id, bad = 0;
	double t0, t_alloc, t_spid, t_find;
	size_t bytes;

	ASSERT_TRUE(core != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, cap, SIOVH_IOASID_SET_TYPE_NULL,
				   &s), 0);
	t0 = now_ns();
	for (i = 0; i < cap; i++) {
		if (ioasid_alloc(core, s, 0, cap - 1, NULL, &id) || id != i)
			bad++;
	}
	t_alloc = now_ns() - t0;
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(ioasid_alloc(core, s, 0, cap - 1, NULL, &id), -EDQUOT);
	ASSERT_EQ(ioasid_set_adjust(core, s, cap), 0);

	t0 = now_ns();
	for (i = 0; i < cap; i++)
		bad += ioasid_attach_spid(core, s, i, spid_of(i)) != 0;
	t_spid = now_ns() - t0;
	EXPECT_EQ(bad, 0);

	bytes = ioasid_core_bytes(core);
	NOTE("%zu bytes for 2^20 live IDs with spids: %.1f bytes per ID",
	     bytes, (double)bytes / cap);
	EXPECT_TRUE(bytes <= 64ull * cap);

	t0 = now_ns();
	for (i = 0; i < cap; i++) {
		if (ioasid_find_by_spid(core, s, spid_of(i), &id) || id != i)
			bad++;
		else
			bad += ioasid_put(core, s, id) != 0;
	}
	t_find = now_ns() - t0;
	EXPECT_EQ(bad, 0);

	/* Churn: free and reallocate one ID at a time in a full space. */
	for (i = 0; i < 1000; i++) {
		uint32_t victim = rnd(cap);

		ioasid_free(core, s, victim);
		if (ioasid_alloc(core, s, 0, cap - 1, NULL, &id) ||
		    id != victim)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	NOTE("ns per op (any build): alloc %.0f, attach_spid %.0f, "
	     "find_by_spid+put %.0f", t_alloc / cap, t_spid / cap,
	     t_find / cap);

	for (i = 0; i < cap; i++)
		ioasid_free(core, s, i);
	ioasid_set_probe(core, s, &sp);
	EXPECT_EQ(sp.nr_ids, 0);
	EXPECT_EQ(ioasid_alloc(core, s, cap - 1, cap - 1, NULL, &id), 0);
	ioasid_set_put(core, s);
	ioasid_core_destroy(core);
}

static const struct tap_test tests[] = {
	{ "bitmap: level count for word and level boundaries",
	  test_bitmap_levels },
	{ "bitmap: range ends, empty and inverted ranges",
	  test_bitmap_range_ends },
	{ "bitmap: full words and levels propagate up and down",
	  test_bitmap_boundaries },
	{ "bitmap: full ranges of odd sizes, tail never found",
	  test_bitmap_full },
	{ "bitmap: random clusters agree with a naive scan",
	  test_bitmap_random },
	{ "table: lazy chunks, boundaries, bytes", test_table },
	{ "spid map: growth, collisions, removal", test_spid_map },
	{ "core: create rejects bad capacity and fault", test_create },
	{ "sets: argument checks, token uniqueness, pool", test_set_alloc },
	{ "sets: adjust within count and pool", test_set_adjust },
	{ "sets: get/put, last put frees the IDs", test_set_refs },
	{ "alloc: inside [min, max], lowest first, errors",
	  test_alloc_range },
	{ "free: pending until the last put, never reallocated",
	  test_free_pending },
	{ "ownership, find, getter, attach_data",
	  test_ownership_and_find },
	{ "spid: attach, unique per set, replace, detach, reclaim",
	  test_spid },
	{ "threads: concurrent alloc/get/find/put/free, no duplicates",
	  test_threads },
	{ "scale: 2^20 live IDs with spids, <= 64 bytes per ID",
	  test_fill_2_20 },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}
