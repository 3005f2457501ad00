/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the reference IOASID core's notifiers and lifecycles: the
 * talk's 24-step "IOASID Lifecycle in Guest SVA" table, delivery order over
 * the set and mm chains, when ALLOC and FREE are sent, callbacks that call
 * back into the core, and set teardown. Prints TAP.
 */
#include <errno.h>
#include <stdlib.h>

#include "ioasid.h"
#include "harness/ref/tap.h"
#include "test_helpers.h"

static int token_a, token_b;	/* two address spaces */

static struct ioasid_set *mm_set(struct ioasid_core *core, void *token,
				 uint32_t quota)
{
	struct ioasid_set *set = NULL;

	if (ioasid_set_alloc(core, token, quota, SIOVH_IOASID_SET_TYPE_MM,
			     &set))
		return NULL;
	return set;
}

static void test_order(void)
{
	struct ioasid_core *core = new_core(64);
	struct log log = { 0 };
	/* who = expected position; registered in a different order. */
	struct rec m4 = REC(4, SIOVH_IOASID_PRIO_DEFAULT, &log);
	struct rec s5 = REC(5, SIOVH_IOASID_PRIO_DEFAULT, &log);
	struct rec s1 = REC(1, SIOVH_IOASID_PRIO_DEVICE, &log);
	struct rec m3 = REC(3, SIOVH_IOASID_PRIO_CPU, &log);
	struct rec m2 = REC(2, SIOVH_IOASID_PRIO_DEVICE, &log);
	struct rec s6 = REC(6, SIOVH_IOASID_PRIO_LAST, &log);
	struct rec m7 = REC(7, -5, &log);
	struct ioasid_set *set;
	uint32_t id;

	ASSERT_TRUE(core != NULL);
	/* Registered before the set exists: must still hear its events. */
	ASSERT_EQ(ioasid_register_notifier_mm(core, &token_a, &m4.nb), 0);
	set = mm_set(core, &token_a, 8);
	ASSERT_TRUE(set != NULL);
	ASSERT_EQ(ioasid_register_notifier(core, set, &s5.nb), 0);
	ASSERT_EQ(ioasid_register_notifier(core, set, &s1.nb), 0);
	ASSERT_EQ(ioasid_register_notifier_mm(core, &token_a, &m3.nb), 0);
	ASSERT_EQ(ioasid_register_notifier_mm(core, &token_a, &m2.nb), 0);
	ASSERT_EQ(ioasid_register_notifier(core, set, &s6.nb), 0);
	ASSERT_EQ(ioasid_register_notifier_mm(core, &token_a, &m7.nb), 0);

	ASSERT_EQ(ioasid_alloc(core, set, 0, 63, NULL, &id), 0);
	EXPECT_LOG(&log, 1, 2, 3, 4, 5, 6, 7);
	EXPECT_EQ(log.event[0], SIOVH_IOASID_NOTIFY_ALLOC);
	log.n = 0;
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL), 0);
	EXPECT_LOG(&log, 1, 2, 3, 4, 5, 6, 7);
	log.n = 0;
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_UNBIND,
				SIOVH_IOASID_NOTIFY_FLAG_SET), 0);
	EXPECT_LOG(&log, 1, 5, 6);
	log.n = 0;
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_UNBIND,
				SIOVH_IOASID_NOTIFY_FLAG_MM), 0);
	EXPECT_LOG(&log, 2, 3, 4, 7);
	log.n = 0;
	ioasid_free(core, set, id);
	EXPECT_LOG(&log, 1, 2, 3, 4, 5, 6, 7);
	EXPECT_EQ(log.event[6], SIOVH_IOASID_NOTIFY_FREE);
	ioasid_set_put(core, set);
	ioasid_core_destroy(core);
}

static void test_notify_args(void)
{
	struct ioasid_core *core = new_core(64);
	struct log log = { 0 };
	struct rec r = REC(1, 0, &log);
	struct siovh_ioasid_nb bad = { NULL, 0 };
	struct ioasid_set *set;
	uint32_t id;

	ASSERT_TRUE(core != NULL);
	set = mm_set(core, &token_a, 8);
	ASSERT_TRUE(set != NULL);
	ASSERT_EQ(ioasid_alloc(core, set, 0, 63, NULL, &id), 0);
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_ALLOC,
				SIOVH_IOASID_NOTIFY_FLAG_ALL), -EINVAL);
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_FREE,
				SIOVH_IOASID_NOTIFY_FLAG_ALL), -EINVAL);
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_BIND, 0),
		  -EINVAL);
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_BIND, 4),
		  -EINVAL);
	EXPECT_EQ(ioasid_notify(core, set, 40, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL), -ENOENT);
	EXPECT_EQ(ioasid_register_notifier(core, set, &bad), -EINVAL);
	EXPECT_EQ(ioasid_register_notifier(core, NULL, &r.nb), -EINVAL);
	EXPECT_EQ(ioasid_register_notifier_mm(core, NULL, &r.nb), -EINVAL);
	EXPECT_EQ(ioasid_register_notifier(core, set, &r.nb), 0);
	EXPECT_EQ(ioasid_register_notifier(core, set, &r.nb), -EEXIST);
	/* Another chain is another registration: heard twice. */
	EXPECT_EQ(ioasid_register_notifier_mm(core, &token_a, &r.nb), 0);
	EXPECT_EQ(ioasid_register_notifier_mm(core, &token_a, &r.nb),
		  -EEXIST);
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL), 0);
	EXPECT_EQ(log.n, 2);
	EXPECT_EQ(ioasid_unregister_notifier(core, set, &r.nb), 0);
	EXPECT_EQ(ioasid_unregister_notifier(core, set, &r.nb), -ENOENT);
	EXPECT_EQ(ioasid_unregister_notifier_mm(core, &token_a, &r.nb), 0);
	EXPECT_EQ(ioasid_unregister_notifier_mm(core, &token_a, &r.nb),
		  -ENOENT);
	EXPECT_EQ(ioasid_unregister_notifier_mm(core, &token_b, &r.nb),
		  -ENOENT);
	log.n = 0;
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL), 0);
	EXPECT_EQ(log.n, 0);
	EXPECT_EQ(ioasid_get(core, set, id), 0);
	ioasid_free(core, set, id);
	EXPECT_EQ(ioasid_notify(core, set, id, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_ALL), -EBUSY);
	ioasid_set_put(core, set);
	ioasid_core_destroy(core);
}

/* What a callback saw of the core when it ran. */
static struct ioasid_core *seen_core;
static int seen_find, seen_get;
static enum siovh_ioasid_state seen_state;
static void *seen_token, *seen_private;
static uint32_t seen_spid;

static void look(struct rec *r, const struct siovh_ioasid_notification *n)
{
	(void)r;
	seen_find = ioasid_find(seen_core, (struct ioasid_set *)n->set, n->id,
				NULL, NULL);
	seen_get = ioasid_get(seen_core, (struct ioasid_set *)n->set, n->id);
	if (!seen_get)
		ioasid_put(seen_core, (struct ioasid_set *)n->set, n->id);
	seen_state = state(seen_core, n->id);
	seen_token = n->token;
	seen_private = n->private;
	seen_spid = n->spid;
}

static void test_alloc_free_timing(void)
{
	struct ioasid_core *core = new_core(64);
	struct log log = { 0 };
	struct rec r = REC(1, 0, &log);
	struct ioasid_set *set;
	int data;
	uint32_t id;

	ASSERT_TRUE(core != NULL);
	seen_core = core;
	r.act = look;
	set = mm_set(core, &token_a, 8);
	ASSERT_TRUE(set != NULL);
	ASSERT_EQ(ioasid_register_notifier_mm(core, &token_a, &r.nb), 0);
	/* ALLOC: after the ID is in place, so the callback can use it. */
	ASSERT_EQ(ioasid_alloc(core, set, 0, 63, &data, &id), 0);
	EXPECT_EQ(log.n, 1);
	EXPECT_EQ(log.id[0], id);
	EXPECT_EQ(seen_find, 0);
	EXPECT_EQ(seen_get, 0);
	EXPECT_TRUE(seen_token == &token_a);
	EXPECT_TRUE(seen_private == &data);
	EXPECT_EQ(seen_spid, INVALID);
	EXPECT_EQ(ioasid_attach_spid(core, set, id, 42), 0);
	/* FREE: at free(), while a reference is still out, ID pending. */
	EXPECT_EQ(ioasid_get(core, set, id), 0);
	ioasid_free(core, set, id);
	EXPECT_EQ(log.n, 2);
	EXPECT_EQ(log.event[1], SIOVH_IOASID_NOTIFY_FREE);
	EXPECT_EQ(seen_state, SIOVH_IOASID_STATE_FREE_PENDING);
	EXPECT_EQ(seen_get, -EBUSY);
	EXPECT_EQ(seen_find, -EBUSY);
	EXPECT_EQ(seen_spid, 42);
	EXPECT_EQ(ioasid_put(core, set, id), 0);
	EXPECT_EQ(log.n, 2);		/* reclaim sends nothing */
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_FREE);
	ioasid_set_put(core, set);
	ioasid_core_destroy(core);
}

/*
 * The talk's "IOASID Lifecycle in Guest SVA": VFIO allocates, the IOMMU
 * driver binds (get), KVM hears BIND (get) and UNBIND (put), the VDCM maps
 * the guest PASID (find_by_spid takes a reference) and drops it; the Ref
 * column is checked after each step.
 */
struct kvm {
	struct rec rec;
	struct ioasid_core *core;
	int errors;
};

static void kvm_act(struct rec *r, const struct siovh_ioasid_notification *n)
{
	struct kvm *kvm = (struct kvm *)r;
	struct ioasid_set *set = (struct ioasid_set *)n->set;

	if (n->event == SIOVH_IOASID_NOTIFY_BIND)	/* steps 6-7 */
		kvm->errors += ioasid_get(kvm->core, set, n->id) != 0;
	if (n->event == SIOVH_IOASID_NOTIFY_UNBIND)	/* steps 20-21 */
		kvm->errors += ioasid_put(kvm->core, set, n->id) != 0;
}

static void test_lifecycle_table(void)
{
	const uint32_t gpasid = 7;
	struct ioasid_core *core = new_core(1u << 20);
	struct log log = { 0 };
	struct kvm kvm = { .rec = REC(1, SIOVH_IOASID_PRIO_CPU, &log) };
	struct ioasid_set *vm;
	uint32_t id, hpasid, again;

	ASSERT_TRUE(core != NULL);
	kvm.core = core;
	kvm.rec.act = kvm_act;
	/* 1: KVM registers on the guest's mm before anything else. */
	ASSERT_EQ(ioasid_register_notifier_mm(core, &token_a, &kvm.rec.nb), 0);
	vm = mm_set(core, &token_a, 16);
	ASSERT_TRUE(vm != NULL);
	/* 2: VFIO allocates on the guest's behalf. */
	ASSERT_EQ(ioasid_alloc(core, vm, 1, (1u << 20) - 1, NULL, &id), 0);
	EXPECT_EQ(refs(core, id), 1);
	EXPECT_EQ(ioasid_attach_spid(core, vm, id, gpasid), 0);
	/* 3-4: bind_gpasid: the IOMMU driver takes a reference. */
	EXPECT_EQ(ioasid_get(core, vm, id), 0);
	EXPECT_EQ(refs(core, id), 2);
	/* 5-7: BIND: KVM takes one and updates the VMCS. */
	EXPECT_EQ(ioasid_notify(core, vm, id, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_MM), 0);
	EXPECT_EQ(refs(core, id), 3);
	/* 8-11: the guest writes gpasid; the VDCM maps it to hpasid. */
	EXPECT_EQ(ioasid_find_by_spid(core, vm, gpasid, &hpasid), 0);
	EXPECT_EQ(hpasid, id);
	EXPECT_EQ(refs(core, id), 4);
	/* 12-16: DMA; the guest clears the PASID; the VDCM puts. */
	EXPECT_EQ(ioasid_put(core, vm, hpasid), 0);
	EXPECT_EQ(refs(core, id), 3);
	/* 17-21: unbind: UNBIND, KVM puts. */
	EXPECT_EQ(ioasid_notify(core, vm, id, SIOVH_IOASID_NOTIFY_UNBIND,
				SIOVH_IOASID_NOTIFY_FLAG_MM), 0);
	EXPECT_EQ(refs(core, id), 2);
	/* 22: the IOMMU driver puts. */
	EXPECT_EQ(ioasid_put(core, vm, id), 0);
	EXPECT_EQ(refs(core, id), 1);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_ACTIVE);
	/* 23-24: VFIO frees: 0 references, reclaimed. */
	ioasid_free(core, vm, id);
	EXPECT_EQ(refs(core, id), 0);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(kvm.errors, 0);
	EXPECT_EQ(log.n, 4);		/* ALLOC, BIND, UNBIND, FREE */
	/* A new life cycle: the ID is allocatable again. */
	EXPECT_EQ(ioasid_alloc(core, vm, id, id, NULL, &again), 0);
	EXPECT_EQ(refs(core, again), 1);
	ioasid_set_put(core, vm);
	ioasid_core_destroy(core);
}

/* A user that drops its reference when it hears FREE. */
static void put_on_free(struct rec *r,
			const struct siovh_ioasid_notification *n)
{
	if (n->event == SIOVH_IOASID_NOTIFY_FREE)
		ioasid_put(r->core, (struct ioasid_set *)n->set, n->id);
}

static void test_reentrant_free(void)
{
	struct ioasid_core *core = new_core(64);
	struct log log = { 0 };
	struct rec r = REC(1, 0, &log);
	struct ioasid_set *set;
	uint32_t id;

	ASSERT_TRUE(core != NULL);
	r.core = core;
	r.act = put_on_free;
	set = mm_set(core, &token_a, 8);
	ASSERT_TRUE(set != NULL);
	ASSERT_EQ(ioasid_register_notifier(core, set, &r.nb), 0);
	ASSERT_EQ(ioasid_alloc(core, set, 0, 63, NULL, &id), 0);
	EXPECT_EQ(ioasid_get(core, set, id), 0);
	/* The callback drops the user's reference: free() reclaims. */
	ioasid_free(core, set, id);
	EXPECT_EQ(state(core, id), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(refs(core, id), 0);
	ioasid_set_put(core, set);
	ioasid_core_destroy(core);
}

/* A callback that drops the set's last reference mid-delivery. */
static void kill_on_bind(struct rec *r,
			 const struct siovh_ioasid_notification *n)
{
	if (n->event == SIOVH_IOASID_NOTIFY_BIND)
		ioasid_set_put(r->core, (struct ioasid_set *)n->set);
}

static void test_set_teardown(void)
{
	struct ioasid_core *core = new_core(64);
	struct log log = { 0 };
	struct rec killer = REC(1, SIOVH_IOASID_PRIO_DEVICE, &log);
	struct rec late = REC(2, SIOVH_IOASID_PRIO_LAST, &log);
	struct rec user = REC(3, SIOVH_IOASID_PRIO_DEFAULT, &log);
	struct ioasid_set *set, *again;
	uint32_t a, b, c;
	uint32_t avail;

	ASSERT_TRUE(core != NULL);
	killer.core = core;
	killer.act = kill_on_bind;
	user.core = core;
	user.act = put_on_free;
	set = mm_set(core, &token_a, 8);
	ASSERT_TRUE(set != NULL);
	ASSERT_EQ(ioasid_alloc(core, set, 0, 63, NULL, &a), 0);
	ASSERT_EQ(ioasid_alloc(core, set, 0, 63, NULL, &b), 0);
	ASSERT_EQ(ioasid_alloc(core, set, 0, 63, NULL, &c), 0);
	EXPECT_EQ(ioasid_get(core, set, b), 0);	/* b: held by a user */
	EXPECT_EQ(ioasid_get(core, set, c), 0);	/* c: held, freed */
	ioasid_free(core, set, c);
	ASSERT_EQ(ioasid_register_notifier(core, set, &killer.nb), 0);
	ASSERT_EQ(ioasid_register_notifier(core, set, &late.nb), 0);
	ASSERT_EQ(ioasid_register_notifier_mm(core, &token_a, &user.nb), 0);

	/* The set dies inside the BIND delivery; the walk must go on. */
	EXPECT_EQ(ioasid_notify(core, set, a, SIOVH_IOASID_NOTIFY_BIND,
				SIOVH_IOASID_NOTIFY_FLAG_SET), 0);
	/* BIND to 1 and 2; FREE of a and b to 1, 3, 2 (c was pending). */
	EXPECT_LOG(&log, 1, 1, 3, 2, 1, 3, 2, 2);
	EXPECT_EQ(state(core, a), SIOVH_IOASID_STATE_FREE);
	/*
	 * The user put on each FREE: b's own reference, and for a the
	 * allocation's, so a was reclaimed inside the callback and the
	 * teardown walk had to survive that. c is still held: pending.
	 */
	EXPECT_EQ(state(core, b), SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(state(core, c), SIOVH_IOASID_STATE_FREE_PENDING);
	/* Quota and token come back at once. */
	ioasid_get_capacity(core, NULL, &avail);
	EXPECT_EQ(avail, 64);
	again = mm_set(core, &token_a, 8);
	EXPECT_TRUE(again != NULL);
	/* The dead handle still reaches its pending ID; the put frees all. */
	EXPECT_EQ(ioasid_put(core, set, c), 0);
	EXPECT_EQ(state(core, c), SIOVH_IOASID_STATE_FREE);
	ioasid_set_put(core, again);
	ioasid_core_destroy(core);
}

struct walk {
	struct ioasid_core *core;
	struct ioasid_set *set;
	int n;
	uint32_t sum;
};

static void walk_and_free(siovh_ioasid_t id, void *data)
{
	struct walk *w = data;

	w->n++;
	w->sum += id;
	/* Freeing as we go, even IDs not yet visited, is allowed. */
	ioasid_free(w->core, w->set, id);
	ioasid_free(w->core, w->set, id ^ 1);
}

static void test_for_each(void)
{
	struct ioasid_core *core = new_core(64);
	struct walk w = { 0 };
	struct ioasid_set *set;
	uint32_t id, i;

	ASSERT_TRUE(core != NULL);
	ASSERT_EQ(ioasid_set_alloc(core, NULL, 16, SIOVH_IOASID_SET_TYPE_NULL,
				   &set), 0);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(ioasid_alloc(core, set, 0, 63, NULL, &id), 0);
	EXPECT_EQ(ioasid_get(core, set, 9), 0);
	ioasid_free(core, set, 9);		/* pending: not reported */
	w.core = core;
	w.set = set;
	EXPECT_EQ(ioasid_set_for_each(core, set, NULL, &w), -EINVAL);
	EXPECT_EQ(ioasid_set_for_each(core, set, walk_and_free, &w), 0);
	/* Newest first: 8 (its pair 9 is pending), 7 frees 6, 5 frees 4... */
	EXPECT_EQ(w.n, 5);
	EXPECT_EQ(w.sum, 8 + 7 + 5 + 3 + 1);
	w.n = 0;
	EXPECT_EQ(ioasid_set_for_each(core, set, walk_and_free, &w), 0);
	EXPECT_EQ(w.n, 0);
	ioasid_set_put(core, set);
	ioasid_core_destroy(core);
}

static const struct tap_test tests[] = {
	{ "notify: union of set and mm chains, priority then registration",
	  test_order },
	{ "notify: argument checks, duplicates, unregister",
	  test_notify_args },
	{ "notify: ALLOC after alloc, FREE at free() while held",
	  test_alloc_free_timing },
	{ "lifecycle: the talk's 24 steps, Ref column after each",
	  test_lifecycle_table },
	{ "re-entrancy: a FREE callback puts, free() reclaims",
	  test_reentrant_free },
	{ "teardown: set dies inside a callback, FREE per active ID",
	  test_set_teardown },
	{ "for_each: active IDs only, fn may free", test_for_each },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}
