/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the IOASID model (the oracle must itself be right) and of
 * the sequence decoder and generator. TAP output; exit 1 on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siovh/model.h"
#include "ioasid_model.h"

struct tap {
	int n;
	int failed;
	bool ok;		/* the current test so far */
};

#define CHECK_EQ(tp, a, b) check_eq(tp, __LINE__, #a, #b, (long long)(a), \
				    (long long)(b))

static void check_eq(struct tap *tp, int line, const char *as, const char *bs,
		     long long a, long long b)
{
	if (a == b)
		return;
	printf("# line %d: %s == %lld, expected %s == %lld\n", line, as, a,
	       bs, b);
	tp->ok = false;
}

static void tap_end(struct tap *tp, const char *desc)
{
	tp->n++;
	printf("%sok %d - %s\n", tp->ok ? "" : "not ", tp->n, desc);
	if (!tp->ok)
		tp->failed++;
	tp->ok = true;
}

static char tok_a, tok_b, priv_a;
static char nb1, nb2, nb3, nb4;

/* A model with one NULL set of quota q; returns the set's index. */
static int setup(struct ioasid_model *m, uint32_t cap, uint32_t q)
{
	int set = -1;

	ioasid_model_init(m, cap, cap);
	if (ioasid_model_set_alloc(m, NULL, q, SIOVH_IOASID_SET_TYPE_NULL,
				   &set))
		abort();
	return set;
}

static siovh_ioasid_t alloc(struct ioasid_model *m, int set,
			    siovh_ioasid_t id)
{
	if (ioasid_model_alloc_expect(m, set, id, id) ||
	    ioasid_model_alloc_adopt(m, set, id, id, id, NULL))
		abort();
	return id;
}

static uint32_t refs(const struct ioasid_model *m, siovh_ioasid_t id)
{
	const struct ioasid_model_id *r = ioasid_model_id(m, id);

	return r ? r->refs : 0;
}

static void test_set_alloc(struct tap *tp)
{
	struct ioasid_model m;
	int s = -1, s2 = -1;

	ioasid_model_init(&m, 100, 100);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, NULL, 0, 1, &s), -EINVAL);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, NULL, 1, 7, &s), -EINVAL);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, &tok_a, 1, 1, &s), -EINVAL);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, NULL, 1, 2, &s), -EINVAL);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, NULL, 101, 1, &s), -ENOSPC);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, &tok_a, 60, 2, &s), 0);
	CHECK_EQ(tp, m.avail, 40);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, &tok_a, 1, 2, &s2), -EEXIST);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, &tok_b, 41, 2, &s2), -ENOSPC);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, &tok_b, 40, 2, &s2), 0);
	CHECK_EQ(tp, m.avail, 0);
	ioasid_model_set_put(&m, s);
	CHECK_EQ(tp, m.avail, 60);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, &tok_a, 1, 2, &s), 0);
	ioasid_model_fini(&m);
	tap_end(tp, "set_alloc: errors in contract order, pool, token reuse");
}

static void test_adjust(struct tap *tp)
{
	struct ioasid_model m;
	int s = setup(&m, 100, 4);

	alloc(&m, s, 10);
	alloc(&m, s, 11);
	CHECK_EQ(tp, ioasid_model_set_adjust(&m, s, 1), -EINVAL);
	CHECK_EQ(tp, ioasid_model_set_adjust(&m, s, 2), 0);
	CHECK_EQ(tp, m.avail, 98);
	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, 0, 99), -EDQUOT);
	CHECK_EQ(tp, ioasid_model_set_adjust(&m, s, 101), -ENOSPC);
	CHECK_EQ(tp, ioasid_model_set_adjust(&m, s, 100), 0);
	CHECK_EQ(tp, m.avail, 0);
	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, 0, 99), 0);
	ioasid_model_free(&m, s, 10);
	ioasid_model_free(&m, s, 11);
	CHECK_EQ(tp, ioasid_model_set_adjust(&m, s, 0), 0);
	ioasid_model_fini(&m);
	tap_end(tp, "set_adjust: below count, pool limit, raise, zero if empty");
}

static void test_alloc(struct tap *tp)
{
	struct ioasid_model m;
	int s = setup(&m, 16, 16);

	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, 5, 4), -EINVAL);
	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, 0, 16), -EINVAL);
	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, 15, 15), 0);
	CHECK_EQ(tp, ioasid_model_alloc_adopt(&m, s, 3, 5, 6, NULL), -ERANGE);
	CHECK_EQ(tp, ioasid_model_alloc_adopt(&m, s, 3, 5, 4, &priv_a), 0);
	CHECK_EQ(tp, ioasid_model_alloc_adopt(&m, s, 3, 5, 4, NULL), -EBUSY);
	alloc(&m, s, 3);
	alloc(&m, s, 5);
	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, 3, 5), -ENOSPC);
	CHECK_EQ(tp, refs(&m, 4), 1);
	ioasid_model_fini(&m);
	tap_end(tp, "alloc: -EINVAL, -ENOSPC, adopt validates the choice");
}

static void test_lifecycle(struct tap *tp)
{
	static const uint32_t want[] = { 2, 3, 4, 3, 2, 1 };
	struct ioasid_model m;
	int s = setup(&m, 64, 8), i;
	siovh_ioasid_t id = alloc(&m, s, 7), found = 0;
	int step = 0;

	CHECK_EQ(tp, ioasid_model_attach_spid(&m, s, id, 33), 0);
	CHECK_EQ(tp, ioasid_model_get(&m, s, id), 0);	/* iommu_bind */
	CHECK_EQ(tp, refs(&m, id), want[step++]);
	CHECK_EQ(tp, ioasid_model_get(&m, s, id), 0);	/* KVM on BIND */
	CHECK_EQ(tp, refs(&m, id), want[step++]);
	CHECK_EQ(tp, ioasid_model_find_by_spid(&m, s, 33, &found), 0);
	CHECK_EQ(tp, found, id);
	CHECK_EQ(tp, refs(&m, id), want[step++]);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(tp, ioasid_model_put(&m, s, id), 0);
		CHECK_EQ(tp, refs(&m, id), want[step++]);
	}
	ioasid_model_free(&m, s, id);
	CHECK_EQ(tp, ioasid_model_id(&m, id) == NULL, 1);
	CHECK_EQ(tp, ioasid_model_find_by_spid(&m, s, 33, &found), -ENOENT);
	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, id, id), 0);
	ioasid_model_fini(&m);
	tap_end(tp, "the 24-step lifecycle: 1,2,3,4,3,2,1,0, reclaimed");
}

static void test_pending(struct tap *tp)
{
	struct ioasid_model m;
	int s = setup(&m, 64, 8);
	siovh_ioasid_t id = alloc(&m, s, 9), found;
	void *p;

	CHECK_EQ(tp, ioasid_model_attach_spid(&m, s, id, 1), 0);
	CHECK_EQ(tp, ioasid_model_get(&m, s, id), 0);
	ioasid_model_free(&m, s, id);
	CHECK_EQ(tp, ioasid_model_id(&m, id)->state,
		 SIOVH_IOASID_STATE_FREE_PENDING);
	CHECK_EQ(tp, refs(&m, id), 1);
	ioasid_model_free(&m, s, id);		/* double free: no-op */
	CHECK_EQ(tp, refs(&m, id), 1);
	CHECK_EQ(tp, ioasid_model_get(&m, s, id), -EBUSY);
	CHECK_EQ(tp, ioasid_model_find(&m, s, id, 0, &p), -EBUSY);
	CHECK_EQ(tp, ioasid_model_find_by_spid(&m, s, 1, &found), -EBUSY);
	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, id, id), -ENOSPC);
	CHECK_EQ(tp, ioasid_model_set(&m, s)->nr_ids, 1);
	CHECK_EQ(tp, ioasid_model_put(&m, s, id), 0);
	CHECK_EQ(tp, ioasid_model_id(&m, id) == NULL, 1);
	CHECK_EQ(tp, ioasid_model_put(&m, s, id), -ENOENT);
	CHECK_EQ(tp, ioasid_model_set(&m, s)->nr_ids, 0);
	CHECK_EQ(tp, ioasid_model_alloc_expect(&m, s, id, id), 0);
	ioasid_model_fini(&m);
	tap_end(tp, "free while referenced: pending, unusable, reclaimed at put");
}

static void test_put_zero(struct tap *tp)
{
	struct ioasid_model m;
	int s = setup(&m, 64, 8);
	siovh_ioasid_t id = alloc(&m, s, 2);

	CHECK_EQ(tp, ioasid_model_put(&m, s, id), 0);
	CHECK_EQ(tp, ioasid_model_id(&m, id)->state, SIOVH_IOASID_STATE_ACTIVE);
	CHECK_EQ(tp, ioasid_model_put(&m, s, id), -EINVAL);
	ioasid_model_free(&m, s, id);
	CHECK_EQ(tp, ioasid_model_id(&m, id) == NULL, 1);
	ioasid_model_fini(&m);
	tap_end(tp, "put at zero is -EINVAL; free of a 0-ref ID reclaims");
}

static void test_ownership(struct tap *tp)
{
	struct ioasid_model m;
	int a = setup(&m, 64, 8), b = -1;
	siovh_ioasid_t id, found;
	void *p;

	CHECK_EQ(tp, ioasid_model_set_alloc(&m, NULL, 8, 1, &b), 0);
	id = alloc(&m, a, 4);
	alloc(&m, b, 5);
	CHECK_EQ(tp, ioasid_model_get(&m, b, id), -EACCES);
	CHECK_EQ(tp, ioasid_model_put(&m, b, id), -EACCES);
	CHECK_EQ(tp, ioasid_model_find(&m, b, id, 0, &p), -EACCES);
	CHECK_EQ(tp, ioasid_model_find(&m, -1, id, 0, &p), 0);
	CHECK_EQ(tp, ioasid_model_attach_data(&m, b, id, &priv_a), -EACCES);
	CHECK_EQ(tp, ioasid_model_attach_spid(&m, b, id, 1), -EACCES);
	CHECK_EQ(tp, ioasid_model_notify(&m, b, id, SIOVH_IOASID_NOTIFY_BIND,
					 SIOVH_IOASID_NOTIFY_FLAG_ALL),
		 -EACCES);
	CHECK_EQ(tp, ioasid_model_get(&m, b, 30), -ENOENT);
	ioasid_model_free(&m, b, id);
	CHECK_EQ(tp, refs(&m, id), 1);
	CHECK_EQ(tp, ioasid_model_attach_spid(&m, a, id, 1), 0);
	CHECK_EQ(tp, ioasid_model_attach_spid(&m, b, 5, 1), 0);
	CHECK_EQ(tp, ioasid_model_find_by_spid(&m, b, 1, &found), 0);
	CHECK_EQ(tp, found, 5);
	CHECK_EQ(tp, ioasid_model_attach_spid(&m, a, 4, 1), 0);
	alloc(&m, a, 6);
	CHECK_EQ(tp, ioasid_model_attach_spid(&m, a, 6, 1), -EEXIST);
	CHECK_EQ(tp, ioasid_model_attach_spid(&m, a, 4, SIOVH_INVALID_IOASID),
		 0);
	CHECK_EQ(tp, ioasid_model_attach_spid(&m, a, 6, 1), 0);
	ioasid_model_fini(&m);
	tap_end(tp, "ownership: -EACCES/-ENOENT, spid spaces per set");
}

static void test_notify_order(struct tap *tp)
{
	struct ioasid_model m;
	int s = -1;
	siovh_ioasid_t id = 3;

	ioasid_model_init(&m, 64, 64);
	CHECK_EQ(tp, ioasid_model_register_mm(&m, &tok_a, &nb1, 1), 0);
	CHECK_EQ(tp, ioasid_model_set_alloc(&m, &tok_a, 4, 2, &s), 0);
	CHECK_EQ(tp, ioasid_model_register(&m, s, &nb2, 0), 0);
	CHECK_EQ(tp, ioasid_model_register(&m, s, &nb3, 3), 0);
	CHECK_EQ(tp, ioasid_model_register(&m, s, &nb4, 1), 0);
	CHECK_EQ(tp, ioasid_model_register(&m, s, &nb4, 1), -EEXIST);
	CHECK_EQ(tp, ioasid_model_unregister_mm(&m, &tok_b, &nb1), -ENOENT);
	alloc(&m, s, id);
	CHECK_EQ(tp, m.nr_events, 4);
	if (m.nr_events == 4) {
		CHECK_EQ(tp, m.events[0].nb == &nb3, 1);
		CHECK_EQ(tp, m.events[1].nb == &nb1, 1);
		CHECK_EQ(tp, m.events[2].nb == &nb4, 1);
		CHECK_EQ(tp, m.events[3].nb == &nb2, 1);
		CHECK_EQ(tp, m.events[0].event, SIOVH_IOASID_NOTIFY_ALLOC);
	}
	ioasid_model_clear_events(&m);
	CHECK_EQ(tp, ioasid_model_notify(&m, s, id, SIOVH_IOASID_NOTIFY_BIND,
					 SIOVH_IOASID_NOTIFY_FLAG_MM), 0);
	CHECK_EQ(tp, m.nr_events, 1);
	CHECK_EQ(tp, m.nr_events && m.events[0].nb == &nb1, 1);
	ioasid_model_clear_events(&m);
	CHECK_EQ(tp, ioasid_model_notify(&m, s, id, SIOVH_IOASID_NOTIFY_FREE,
					 SIOVH_IOASID_NOTIFY_FLAG_ALL),
		 -EINVAL);
	CHECK_EQ(tp, ioasid_model_unregister(&m, s, &nb3), 0);
	ioasid_model_set_put(&m, s);
	CHECK_EQ(tp, m.nr_events, 3);	/* FREE to nb1, nb4, nb2 */
	CHECK_EQ(tp, m.nr_events && m.events[0].event ==
		 SIOVH_IOASID_NOTIFY_FREE, 1);
	CHECK_EQ(tp, m.nr_nbs, 1);	/* the mm chain outlives the set */
	ioasid_model_fini(&m);
	tap_end(tp, "notifications: priority, registration order, chains");
}

static void test_for_each(struct tap *tp)
{
	struct ioasid_model m;
	int s = setup(&m, 64, 8);
	siovh_ioasid_t ids[8];

	alloc(&m, s, 9);
	alloc(&m, s, 1);
	alloc(&m, s, 5);
	ioasid_model_get(&m, s, 5);
	ioasid_model_free(&m, s, 5);
	CHECK_EQ(tp, ioasid_model_for_each(&m, s, ids, 8), 2);
	CHECK_EQ(tp, ids[0], 1);
	CHECK_EQ(tp, ids[1], 9);
	ioasid_model_fini(&m);
	tap_end(tp, "for_each: the active IDs only, sorted");
}

static void test_decode(struct tap *tp)
{
	uint8_t buf[4096], again[4096];
	int seen[SIOVH_IOASID_OP_NR] = { 0 };
	struct siovh_ioasid_op op;
	char text[160];
	size_t i;

	siovh_seq_fill(42, buf, sizeof(buf));
	siovh_seq_fill(42, again, sizeof(again));
	CHECK_EQ(tp, memcmp(buf, again, sizeof(buf)), 0);
	siovh_seq_fill(43, again, sizeof(again));
	CHECK_EQ(tp, memcmp(buf, again, sizeof(buf)) != 0, 1);
	for (i = 0; i + 4 <= sizeof(buf); i += 4) {
		siovh_ioasid_op_decode(buf + i, &op);
		if (op.kind < SIOVH_IOASID_OP_NR)
			seen[op.kind]++;
		CHECK_EQ(tp, siovh_ioasid_op_format(&op, text, sizeof(text)) > 0,
			 1);
	}
	for (i = 0; i < SIOVH_IOASID_OP_NR; i++)
		CHECK_EQ(tp, seen[i] > 0, 1);
	tap_end(tp, "decode: deterministic generator, every op kind reachable");
}

int main(void)
{
	struct tap tp = { .ok = true };

	printf("1..10\n");
	test_set_alloc(&tp);
	test_adjust(&tp);
	test_alloc(&tp);
	test_lifecycle(&tp);
	test_pending(&tp);
	test_put_zero(&tp);
	test_ownership(&tp);
	test_notify_order(&tp);
	test_for_each(&tp);
	test_decode(&tp);
	return tp.failed ? 1 : 0;
}
