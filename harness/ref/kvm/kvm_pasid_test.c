/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the KVM role (kvm_pasid.h): the reference it owns from
 * BIND to UNBIND, the translation it keeps, FREE without UNBIND, and that
 * each injected fault makes a scenario fail. Prints TAP.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/ioasid/ioasid.h"
#include "harness/ref/tap.h"
#include "kvm_pasid.h"

#define GPASID	7

struct rig {
	struct ioasid_core *core;
	struct kvm_pasid *k;
	struct ioasid_set *set;
	char vm;			/* its address is the VM's token */
	siovh_ioasid_t id;
};

static bool rig_init(struct rig *r, int fault)
{
	memset(r, 0, sizeof(*r));
	r->core = ioasid_core_create(1u << 10, 0);
	r->k = r->core ? kvm_pasid_create(r->core, fault) : NULL;
	return r->k && !kvm_pasid_watch(r->k, &r->vm) &&
	       !ioasid_set_alloc(r->core, &r->vm, 8, SIOVH_IOASID_SET_TYPE_MM,
				 &r->set) &&
	       !ioasid_alloc(r->core, r->set, 1, 100, NULL, &r->id) &&
	       !ioasid_attach_spid(r->core, r->set, r->id, GPASID);
}

static void rig_fini(struct rig *r)
{
	kvm_pasid_destroy(r->k);
	if (r->core)
		ioasid_core_destroy(r->core);
}

static uint32_t refs(struct rig *r)
{
	struct siovh_ioasid_probe p;

	return ioasid_probe(r->core, r->id, &p) ? 0 : p.refs;
}

static int notify(struct rig *r, enum siovh_ioasid_event ev)
{
	return ioasid_notify(r->core, r->set, r->id, ev,
			     SIOVH_IOASID_NOTIFY_FLAG_MM);
}

/* BIND: one reference and the translation; UNBIND: both gone. */
static bool s_bind_unbind(int fault)
{
	struct rig r;
	uint32_t h = 0;
	bool ok = false;

	CHECK(rig_init(&r, fault));
	CHECK(refs(&r) == 1);
	CHECK(notify(&r, SIOVH_IOASID_NOTIFY_BIND) == 0);
	CHECK(refs(&r) == 2);
	CHECK(kvm_pasid_translate(r.k, &r.vm, GPASID, &h) == 0 && h == r.id);
	CHECK(notify(&r, SIOVH_IOASID_NOTIFY_UNBIND) == 0);
	CHECK(refs(&r) == 1);
	CHECK(kvm_pasid_translate(r.k, &r.vm, GPASID, &h) == -ENOENT);
	ioasid_free(r.core, r.set, r.id);
	CHECK(refs(&r) == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* FREE while bound: KVM drops its translation and reference, so the ID is
 * reclaimed; unwatch drops what is left. */
static bool s_free_bound(int fault)
{
	struct siovh_ioasid_probe p;
	struct rig r;
	uint32_t h;
	bool ok = false;

	CHECK(rig_init(&r, fault));
	CHECK(notify(&r, SIOVH_IOASID_NOTIFY_BIND) == 0 && refs(&r) == 2);
	ioasid_free(r.core, r.set, r.id);
	CHECK(ioasid_probe(r.core, r.id, &p) == -ENOENT ||
	      p.state == SIOVH_IOASID_STATE_FREE);
	CHECK(kvm_pasid_translate(r.k, &r.vm, GPASID, &h) == -ENOENT);
	CHECK(kvm_pasid_unwatch(r.k, &r.vm) == 0);
	CHECK(kvm_pasid_unwatch(r.k, &r.vm) == -ENOENT);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static void test_watch(void)
{
	struct ioasid_core *core = ioasid_core_create(64, 0);
	struct kvm_pasid *k = core ? kvm_pasid_create(core, 0) : NULL;
	char vms[KVM_PASID_VMS + 1];
	unsigned int i;

	ASSERT_TRUE(k != NULL);
	EXPECT_EQ(kvm_pasid_watch(k, NULL), -EINVAL);
	for (i = 0; i < KVM_PASID_VMS; i++)
		EXPECT_EQ(kvm_pasid_watch(k, &vms[i]), 0);
	EXPECT_EQ(kvm_pasid_watch(k, &vms[0]), -EEXIST);
	EXPECT_EQ(kvm_pasid_watch(k, &vms[KVM_PASID_VMS]), -ENOSPC);
	EXPECT_TRUE(kvm_pasid_create(core, KVM_PASID_FAULT_COUNT) == NULL);
	kvm_pasid_destroy(k);
	ioasid_core_destroy(core);
}

/* A watch that cannot register its notifier (no memory) leaves the VM
 * unwatched: the watch can be tried again, there is nothing to unwatch. */
static bool s_watch_enomem(int fault)
{
	char vm2;
	struct rig r;
	bool ok = false;
	int ret;

	CHECK(rig_init(&r, fault));
	ref_fail_nth_arm(1);
	ret = kvm_pasid_watch(r.k, &vm2);
	ref_fail_nth_arm(0);
	CHECK(ret == -ENOMEM);
	CHECK(kvm_pasid_unwatch(r.k, &vm2) == -ENOENT);
	CHECK(kvm_pasid_watch(r.k, &vm2) == 0);
	CHECK(kvm_pasid_unwatch(r.k, &vm2) == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static const struct tap_scenario scenarios[] = {
	{ "a watch that fails for memory leaves no slot", s_watch_enomem },
	{ "BIND takes a reference and maps, UNBIND undoes both", s_bind_unbind },
	{ "FREE while bound drops KVM's reference", s_free_bound },
};

static const char *const fault_names[] = {
	"none",
#define NAME(code, name, summary) name,
	KVM_PASID_FAULT_LIST(NAME)
#undef NAME
};

static bool proves(int fault)
{
	(void)fault;
	return true;
}

int main(void)
{
	static const struct tap_test fixed[] = {
		{ "watch limits", test_watch },
	};
	const struct tap_fault_matrix m = {
		.scen = scenarios,
		.nscen = sizeof(scenarios) / sizeof(scenarios[0]),
		.nr_faults = KVM_PASID_FAULT_COUNT, .proves = proves,
		.names = fault_names, .why = tap_why,
		.title = "every injected fault is observable",
	};

	return tap_run_matrix(fixed, 1, &m);
}
