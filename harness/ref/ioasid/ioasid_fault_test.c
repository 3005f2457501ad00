/* SPDX-License-Identifier: MIT */
/*
 * Every injected fault of the IOASID core is observable. A battery of
 * scenarios drives a core only through the API and the probes (what the
 * ioasid and test facets offer a check) and records every result into a
 * trace; each faulty core must leave a trace that differs from the faithful
 * core's. This says nothing about which clause kills which fault (that is
 * the conformance run's table), only that some check could. Prints TAP.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "ioasid.h"
#include "harness/ref/alloc/alloc.h"
#include "harness/ref/tap.h"
#include "test_helpers.h"

#define TRACE_MAX 512

struct trace {
	int n;
	long long v[TRACE_MAX];
};

static struct trace *tr;	/* the trace being recorded */

static void rec_value(long long v)
{
	if (tr->n < TRACE_MAX)
		tr->v[tr->n++] = v;
}

static void rec_probe(struct ioasid_core *core, uint32_t id)
{
	struct siovh_ioasid_probe p = probe(core, id);

	rec_value(p.state);
	rec_value(p.refs);
	rec_value(p.spid);
	rec_value(p.set != NULL);
}

/* A notifier that writes what it hears into the trace. */
static int trace_call(struct siovh_ioasid_nb *nb,
		      const struct siovh_ioasid_notification *n)
{
	rec_value(1000 * nb->priority + n->event);
	rec_value(n->id);
	rec_value(n->spid);
	return 0;
}

static struct ioasid_set *new_set(struct ioasid_core *core, void *token,
				  uint32_t quota)
{
	enum siovh_ioasid_set_type type = token ? SIOVH_IOASID_SET_TYPE_MM :
						  SIOVH_IOASID_SET_TYPE_NULL;
	struct ioasid_set *set = NULL;

	rec_value(ioasid_set_alloc(core, token, quota, type, &set));
	return set;
}

static uint32_t alloc(struct ioasid_core *core, struct ioasid_set *set,
		      uint32_t min, uint32_t max)
{
	uint32_t id = INVALID;

	rec_value(ioasid_alloc(core, set, min, max, NULL, &id));
	rec_value(id);
	return id;
}

static uint32_t rec_avail(struct ioasid_core *core)
{
	uint32_t avail = 0;

	ioasid_get_capacity(core, NULL, &avail);
	rec_value(avail);
	return avail;
}

/* Try a set_alloc that should fail; clean up if it did not. */
static void try_set(struct ioasid_core *core, void *token, uint32_t quota,
		    enum siovh_ioasid_set_type type)
{
	struct ioasid_set *set;
	int err = ioasid_set_alloc(core, token, quota, type, &set);

	rec_value(err);
	if (!err)
		ioasid_set_put(core, set);
}

static void scenario_sets(struct ioasid_core *core)
{
	static int token;
	struct ioasid_set *a, *s;
	struct siovh_ioasid_set_probe sp;
	uint32_t ids[3], avail;
	int i;

	try_set(core, NULL, 0, SIOVH_IOASID_SET_TYPE_NULL);
	try_set(core, &token, 4, SIOVH_IOASID_SET_TYPE_NULL);
	try_set(core, NULL, 4, SIOVH_IOASID_SET_TYPE_MM);
	try_set(core, NULL, 4, (enum siovh_ioasid_set_type)3);
	a = new_set(core, &token, 8);
	try_set(core, &token, 8, SIOVH_IOASID_SET_TYPE_MM);
	avail = rec_avail(core);
	try_set(core, NULL, avail + 1, SIOVH_IOASID_SET_TYPE_NULL);
	for (i = 0; i < 3; i++)
		ids[i] = alloc(core, a, 0, 63);
	rec_value(ioasid_set_adjust(core, a, 2));
	rec_value(ioasid_set_adjust(core, a, 8 + avail + 1));
	ioasid_set_probe(core, a, &sp);
	rec_value(sp.quota);
	rec_avail(core);
	rec_value(ioasid_set_adjust(core, a, 4));
	rec_avail(core);
	ioasid_set_put(core, a);
	rec_avail(core);
	for (i = 0; i < 3; i++)
		rec_probe(core, ids[i]);
	s = new_set(core, &token, 8);	/* the token is free again */
	if (s)
		ioasid_set_put(core, s);
}

static void scenario_alloc(struct ioasid_core *core)
{
	struct ioasid_set *s = new_set(core, NULL, 4);
	struct siovh_ioasid_set_probe sp;
	uint32_t first, capacity = 0;
	int i;

	ioasid_get_capacity(core, &capacity, NULL);
	alloc(core, s, 10, 5);
	alloc(core, s, 0, capacity);
	first = alloc(core, s, 100, 200);
	alloc(core, s, 100, 100);
	for (i = 0; i < 5; i++)
		alloc(core, s, 0, 255);
	ioasid_free(core, s, first);
	alloc(core, s, 0, 255);
	ioasid_set_probe(core, s, &sp);
	rec_value(sp.nr_ids);
}

static int getter_calls;

static bool refuse(void *private)
{
	(void)private;
	getter_calls++;
	return false;
}

static void scenario_refs(struct ioasid_core *core)
{
	struct ioasid_set *s = new_set(core, NULL, 16);
	struct ioasid_set *s2 = new_set(core, NULL, 16);
	static int obj;
	uint32_t id, id2, id3;
	void *p = NULL;

	id = alloc(core, s, 0, 63);
	rec_value(ioasid_get(core, s, id));
	rec_probe(core, id);
	ioasid_free(core, s, id);
	rec_probe(core, id);
	rec_value(ioasid_get(core, s, id));
	rec_value(ioasid_find(core, s, id, NULL, NULL));
	rec_value(ioasid_attach_data(core, s, id, &obj));
	alloc(core, s, id, id);
	ioasid_free(core, s, id);
	rec_probe(core, id);
	rec_value(ioasid_put(core, s, id));
	rec_probe(core, id);

	id2 = alloc(core, s, 0, 63);
	rec_value(ioasid_put(core, s, id2));
	rec_value(ioasid_put(core, s, id2));
	rec_probe(core, id2);

	id3 = alloc(core, s2, 0, 63);
	rec_value(ioasid_get(core, s, id3));
	rec_value(ioasid_put(core, s, id3));
	rec_probe(core, id3);
	/* set == NULL: refused by all but find */
	rec_value(ioasid_get(core, NULL, id3));
	rec_value(ioasid_put(core, NULL, id3));
	rec_probe(core, id3);
	rec_value(ioasid_find(core, s, id3, NULL, &p));
	rec_value(ioasid_attach_spid(core, s, id3, 7));
	rec_value(ioasid_find(core, s2, id3, refuse, NULL));
	rec_value(getter_calls);
	rec_value(ioasid_attach_data(core, s2, id3, &obj));
	ioasid_find(core, s2, id3, NULL, &p);
	rec_value(p == &obj);
	rec_value(ioasid_attach_data(core, s, id3, NULL));
	rec_value(ioasid_notify(core, s, id3, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL));
	ioasid_free(core, s, id3);
	rec_probe(core, id3);
}

static void scenario_spid(struct ioasid_core *core)
{
	struct ioasid_set *s1 = new_set(core, NULL, 16);
	struct ioasid_set *s2 = new_set(core, NULL, 16);
	uint32_t a, b, c, out = INVALID;

	a = alloc(core, s1, 0, 63);
	b = alloc(core, s1, 0, 63);
	rec_value(ioasid_attach_spid(core, s1, a, 5));
	rec_value(ioasid_attach_spid(core, s1, b, 5));
	rec_value(ioasid_find_by_spid(core, s1, 5, &out));
	rec_value(out);
	rec_probe(core, a);
	ioasid_put(core, s1, out);
	rec_value(ioasid_find_by_spid(core, s2, 5, &out));
	rec_value(ioasid_attach_spid(core, s1, a, INVALID));
	rec_probe(core, a);
	c = alloc(core, s1, 0, 63);
	rec_value(ioasid_attach_spid(core, s1, c, 9));
	ioasid_free(core, s1, c);
	rec_value(ioasid_find_by_spid(core, s1, 9, &out));
	rec_probe(core, c);
	/* A replaced spid maps nowhere. */
	rec_value(ioasid_attach_spid(core, s1, b, 10));
	rec_value(ioasid_attach_spid(core, s1, b, 11));
	rec_value(ioasid_find_by_spid(core, s1, 10, &out));
}

static void scenario_notify(struct ioasid_core *core)
{
	static int token;
	/* The priority identifies the notifier in the trace: all distinct
	 * but for the two at DEFAULT, which test registration order. */
	struct siovh_ioasid_nb m1 = { trace_call, 1 };
	struct siovh_ioasid_nb s1 = { trace_call, 1 };
	struct siovh_ioasid_nb s2 = { trace_call, 3 };
	struct siovh_ioasid_nb m2 = { trace_call, 2 };
	struct siovh_ioasid_nb s3 = { trace_call, 0 };
	struct siovh_ioasid_nb m3 = { trace_call, 4 };
	struct ioasid_set *s;
	uint32_t id;

	rec_value(ioasid_register_notifier_mm(core, &token, &m1));
	s = new_set(core, &token, 16);
	rec_value(ioasid_register_notifier(core, s, &s1));
	rec_value(ioasid_register_notifier(core, s, &s2));
	rec_value(ioasid_register_notifier_mm(core, &token, &m2));
	rec_value(ioasid_register_notifier(core, s, &s3));
	rec_value(ioasid_register_notifier_mm(core, &token, &m3));
	/* Tell the two DEFAULT notifiers apart by order: m1 first. */
	m1.priority = 5;
	rec_value(-1);
	id = alloc(core, s, 0, 63);
	rec_value(-2);
	rec_value(ioasid_notify(core, s, id, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_SET));
	rec_value(ioasid_notify(core, s, id, SIOVH_IOASID_NOTIFY_ALLOC,
				SIOVH_IOASID_NOTIFY_FLAG_ALL));
	rec_value(ioasid_register_notifier(core, s, &s1));
	rec_value(ioasid_unregister_notifier(core, s, &s3));
	rec_value(ioasid_notify(core, s, id, SIOVH_IOASID_NOTIFY_UNBIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL));
	rec_value(ioasid_get(core, s, id));
	rec_value(-3);
	ioasid_free(core, s, id);
	rec_value(-4);
	rec_value(ioasid_notify(core, s, id, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL));
	rec_value(ioasid_put(core, s, id));
	rec_value(-5);
	alloc(core, s, 0, 63);
	rec_value(-6);
	ioasid_set_put(core, s);
}

static void collect(siovh_ioasid_t id, void *data)
{
	(void)data;
	rec_value(id);
}

/* A FREE listener that puts its ID twice: its own reference and the
 * allocation's, which free() has not dropped yet. */
struct overput {
	struct siovh_ioasid_nb nb;	/* first */
	struct ioasid_core *core;
	struct ioasid_set *set;
	uint32_t id;
};

static int overput_call(struct siovh_ioasid_nb *nb,
			const struct siovh_ioasid_notification *n)
{
	struct overput *o = (struct overput *)nb;

	if (n->event == SIOVH_IOASID_NOTIFY_FREE && n->id == o->id) {
		rec_value(ioasid_put(o->core, o->set, n->id));
		rec_value(ioasid_put(o->core, o->set, n->id));
	}
	return 0;
}

static void scenario_free_overput(struct ioasid_core *core)
{
	struct overput o = { .nb = { .call = overput_call }, .core = core };
	struct siovh_ioasid_set_probe sp;

	o.set = new_set(core, NULL, 4);
	o.id = alloc(core, o.set, 0, 63);
	alloc(core, o.set, 0, 63);
	rec_value(ioasid_get(core, o.set, o.id));
	rec_value(ioasid_register_notifier(core, o.set, &o.nb));
	ioasid_free(core, o.set, o.id);
	rec_probe(core, o.id);
	rec_value(ioasid_set_probe(core, o.set, &sp));
	rec_value(sp.nr_ids);
}

static void scenario_set_refs(struct ioasid_core *core)
{
	struct ioasid_set *s = new_set(core, NULL, 16);
	uint32_t a, b, c;

	a = alloc(core, s, 0, 63);
	b = alloc(core, s, 0, 63);
	c = alloc(core, s, 0, 63);
	ioasid_get(core, s, b);
	ioasid_free(core, s, b);	/* b pending: keeps s's memory */
	rec_value(ioasid_set_for_each(core, s, collect, NULL));
	ioasid_set_get(core, s);
	ioasid_set_put(core, s);
	rec_probe(core, a);
	ioasid_set_put(core, s);
	rec_probe(core, a);
	rec_probe(core, b);
	rec_probe(core, c);
	rec_value(ioasid_put(core, s, b));
}

/* set_for_each's fn: on its first call, free every ID of the set
 * (data: the set and its three IDs); record each call. */
struct free_under {
	struct ioasid_core *core;
	struct ioasid_set *set;
	uint32_t ids[3];
	int calls;
};

static void free_under_visit(siovh_ioasid_t id, void *data)
{
	struct free_under *f = data;
	int i;

	rec_value(id);
	if (f->calls++)
		return;
	for (i = 0; i < 3; i++)
		ioasid_free(f->core, f->set, f->ids[i]);
}

static void scenario_for_each_frees(struct ioasid_core *core)
{
	struct free_under f = { .core = core };
	int i;

	f.set = new_set(core, NULL, 8);
	for (i = 0; i < 3; i++)
		f.ids[i] = alloc(core, f.set, 0, 63);
	rec_value(ioasid_set_for_each(core, f.set, free_under_visit, &f));
	rec_value(f.calls);
	ioasid_set_put(core, f.set);
}

/* Two threads allocate at once; record only whether IDs were duplicated. */
#define RACE_IDS 300

struct racer {
	struct ioasid_core *core;
	struct ioasid_set *set;
	uint32_t ids[RACE_IDS];
};

static void *race(void *arg)
{
	struct racer *r = arg;
	int i;

	for (i = 0; i < RACE_IDS; i++) {
		if (ioasid_alloc(r->core, r->set, 0, 4095, NULL, &r->ids[i]))
			r->ids[i] = INVALID;
	}
	return NULL;
}

static bool race_once(struct ioasid_core *core)
{
	static struct racer r[2];
	static unsigned char seen[4096];
	struct ioasid_set *set;
	pthread_t tid;
	bool dup = false;
	int i, j;

	if (ioasid_set_alloc(core, NULL, 4096, SIOVH_IOASID_SET_TYPE_NULL,
			     &set))
		return false;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 2; i++)
		r[i] = (struct racer){ .core = core, .set = set };
	if (pthread_create(&tid, NULL, race, &r[0]))
		return false;
	race(&r[1]);
	pthread_join(tid, NULL);
	for (i = 0; i < 2; i++) {
		for (j = 0; j < RACE_IDS; j++) {
			if (r[i].ids[j] < 4096 && seen[r[i].ids[j]]++)
				dup = true;
		}
	}
	ioasid_set_put(core, set);
	return dup;
}

static void scenario_threads(struct ioasid_core *core)
{
	bool dup = false;
	int round;

	/* A race may need a few tries to show; a faithful core never. */
	for (round = 0; round < 20 && !dup; round++)
		dup = race_once(core);
	rec_value(dup);
}

/*
 * Allocation failure (ref/alloc/alloc.h): each allocation of an alloc in
 * a single-ID range far from the others fails in turn; the ID must come
 * out in the end, and a failed try must leave it free.
 */
static void scenario_enomem(struct ioasid_core *core)
{
	struct ioasid_set *set = new_set(core, NULL, 4);
	uint32_t n, id = INVALID;
	int ret = -ENOMEM;

	for (n = 1; n < 8 && ret == -ENOMEM; n++) {
		ref_fail_nth_arm(n);
		ret = ioasid_alloc(core, set, 4000, 4000, NULL, &id);
		ref_fail_nth_arm(0);
		rec_value(ret);
		rec_probe(core, 4000);
	}
	rec_value(id);
	ioasid_set_put(core, set);
}

static const struct {
	const char *name;
	void (*run)(struct ioasid_core *core);
} scenarios[] = {
	{ "sets", scenario_sets },
	{ "alloc", scenario_alloc },
	{ "refs", scenario_refs },
	{ "spid", scenario_spid },
	{ "notify", scenario_notify },
	{ "set-refs", scenario_set_refs },
	{ "free-overput", scenario_free_overput },
	{ "for-each-frees", scenario_for_each_frees },
	{ "threads", scenario_threads },
	{ "enomem", scenario_enomem },
};

#define NR_SCENARIOS ARRAY_SIZE(scenarios)

/* Run every scenario on a fresh core with the fault; 0 or -errno. */
static int run_battery(int fault, struct trace *traces)
{
	size_t i;

	for (i = 0; i < NR_SCENARIOS; i++) {
		struct ioasid_core *core = ioasid_core_create(4096, fault);

		if (!core)
			return -errno;
		tr = &traces[i];
		tr->n = 0;
		getter_calls = 0;
		scenarios[i].run(core);
		ioasid_core_destroy(core);
	}
	return 0;
}

static struct trace faithful[NR_SCENARIOS];

static void test_faithful(void)
{
	static struct trace again[NR_SCENARIOS];
	size_t i;

	ASSERT_EQ(run_battery(IOASID_FAULT_NONE, faithful), 0);
	ASSERT_EQ(run_battery(IOASID_FAULT_NONE, again), 0);
	for (i = 0; i < NR_SCENARIOS; i++) {
		EXPECT_TRUE(faithful[i].n < TRACE_MAX);
		if (memcmp(&faithful[i], &again[i], sizeof(again[i])))
			FAIL("scenario %s: two faithful runs differ",
			     scenarios[i].name);
	}
}

static const char *const fault_names[] = {
	[IOASID_FAULT_NONE] = "none",
#define FAULT_NAME(c, n, s) [IOASID_FAULT_##c] = "ioasid-" n,
	IOASID_FAULT_LIST(FAULT_NAME)
#undef FAULT_NAME
};

static int current_fault;

static void test_fault(void)
{
	static struct trace faulty[NR_SCENARIOS];
	size_t i;
	int k;

	ASSERT_EQ(run_battery(current_fault, faulty), 0);
	for (i = 0; i < NR_SCENARIOS; i++) {
		for (k = 0; k < faulty[i].n || k < faithful[i].n; k++) {
			if (k < faulty[i].n && k < faithful[i].n &&
			    faulty[i].v[k] == faithful[i].v[k])
				continue;
			NOTE("seen in scenario %s, value %d: faithful %lld, "
			     "faulty %lld", scenarios[i].name, k,
			     k < faithful[i].n ? faithful[i].v[k] : -999,
			     k < faulty[i].n ? faulty[i].v[k] : -999);
			return;
		}
	}
	FAIL("%s: expected a trace unlike the faithful core's, got the same",
	     fault_names[current_fault]);
}

int main(void)
{
	static const struct tap_test first = {
		"faithful core: the battery runs and repeats", test_faithful,
	};
	int fault, failures;

	printf("1..%d\n", IOASID_FAULT_COUNT);
	failures = tap_run_one(1, &first);
	for (fault = 1; fault < IOASID_FAULT_COUNT; fault++) {
		char name[160];
		struct tap_test t = { name, test_fault };

		snprintf(name, sizeof(name), "%s is observable",
			 fault_names[fault]);
		current_fault = fault;
		failures += tap_run_one(fault + 1, &t);
	}
	return failures ? 1 : 0;
}
