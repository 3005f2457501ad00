/* SPDX-License-Identifier: MIT */
/* The KVM role of guest SVA: contract in kvm_pasid.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/ioasid/ioasid.h"
#include "kvm_pasid.h"

struct kvm_vm {
	struct siovh_ioasid_nb nb;	/* first: the callback finds us */
	struct kvm_pasid *k;
	void *token;			/* NULL: slot free */
};

struct kvm_xlate {
	const void *vm;			/* NULL: slot free */
	struct ioasid_set *set;
	uint32_t gpasid, hpasid;
};

struct kvm_pasid {
	struct ioasid_core *core;
	int fault;
	struct kvm_vm vms[KVM_PASID_VMS];
	struct kvm_xlate xl[KVM_PASID_MAX];
	uint64_t overflows;
};

/* Is this KVM built with the given bug? Constant false in the coverage
 * build, which folds the hooks away (README.md, "Coverage"). */
#ifdef SIOVH_NO_FAULT_HOOKS
#define kvm_fault(k, fault)	((void)(k), (void)(fault), false)
#else
static inline bool kvm_fault(const struct kvm_pasid *k,
			     enum kvm_pasid_fault fault)
{
	return k->fault == (int)fault;
}
#endif

static struct kvm_xlate *xl_find(struct kvm_pasid *k, const void *vm,
				 uint32_t hpasid)
{
	for (unsigned int i = 0; i < KVM_PASID_MAX; i++)
		if (k->xl[i].vm == vm && k->xl[i].hpasid == hpasid)
			return &k->xl[i];
	return NULL;
}

/* Steps 5-7: reference first, then the translation goes live. */
static void kvm_bind(struct kvm_pasid *k, const void *vm,
		     const struct siovh_ioasid_notification *n)
{
	struct kvm_xlate *x = xl_find(k, vm, n->id);

	if (x) {			/* a re-bind: new guest PASID */
		x->gpasid = n->spid;
		return;
	}
	for (unsigned int i = 0; !x && i < KVM_PASID_MAX; i++)
		if (!k->xl[i].vm)
			x = &k->xl[i];
	if (!x) {
		k->overflows++;
		return;
	}
	if (!kvm_fault(k, KVM_PASID_FAULT_BIND_NO_REF) &&
	    ioasid_get(k->core, (struct ioasid_set *)n->set, n->id))
		return;			/* not gettable: do not map it */
	*x = (struct kvm_xlate){ .vm = vm, .set = (struct ioasid_set *)n->set,
				 .gpasid = n->spid, .hpasid = n->id };
}

/* Steps 19-21 (and a FREE without UNBIND): unmap, then drop. */
static void kvm_drop(struct kvm_pasid *k, struct kvm_xlate *x)
{
	struct kvm_xlate old = *x;

	x->vm = NULL;
	if (!kvm_fault(k, KVM_PASID_FAULT_UNBIND_KEEPS_REF))
		ioasid_put(k->core, old.set, old.hpasid);
}

static int kvm_notified(struct siovh_ioasid_nb *nb,
			const struct siovh_ioasid_notification *n)
{
	struct kvm_vm *vm = (struct kvm_vm *)nb;
	struct kvm_xlate *x;

	switch (n->event) {
	case SIOVH_IOASID_NOTIFY_BIND:
		if (n->spid != SIOVH_INVALID_IOASID)
			kvm_bind(vm->k, vm->token, n);
		break;
	case SIOVH_IOASID_NOTIFY_UNBIND:
	case SIOVH_IOASID_NOTIFY_FREE:
		x = xl_find(vm->k, vm->token, n->id);
		if (x)
			kvm_drop(vm->k, x);
		break;
	default:
		break;
	}
	return 0;
}

struct kvm_pasid *kvm_pasid_create(struct ioasid_core *core, int fault)
{
	struct kvm_pasid *k;

	if (!core || fault < 0 || fault >= KVM_PASID_FAULT_COUNT) {
		errno = EINVAL;
		return NULL;
	}
	k = ref_calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->core = core;
	k->fault = fault;
	return k;
}

void kvm_pasid_destroy(struct kvm_pasid *k)
{
	if (!k)
		return;
	for (unsigned int i = 0; i < KVM_PASID_VMS; i++)
		if (k->vms[i].token)
			kvm_pasid_unwatch(k, k->vms[i].token);
	free(k);
}

static struct kvm_vm *vm_find(struct kvm_pasid *k, const void *token)
{
	for (unsigned int i = 0; i < KVM_PASID_VMS; i++)
		if (k->vms[i].token == token)
			return &k->vms[i];
	return NULL;
}

int kvm_pasid_watch(struct kvm_pasid *k, void *vm)
{
	struct kvm_vm *slot;
	int ret;

	if (!vm)
		return -EINVAL;
	if (vm_find(k, vm))
		return -EEXIST;
	slot = vm_find(k, NULL);
	if (!slot)
		return -ENOSPC;
	*slot = (struct kvm_vm){
		.nb = { .call = kvm_notified,
			.priority = SIOVH_IOASID_PRIO_CPU },
		.k = k, .token = vm,
	};
	ret = ioasid_register_notifier_mm(k->core, vm, &slot->nb);
	if (ret && !kvm_fault(k, KVM_PASID_FAULT_WATCH_FAIL_KEEPS_SLOT))
		slot->token = NULL;
	return ret;
}

int kvm_pasid_unwatch(struct kvm_pasid *k, void *vm)
{
	struct kvm_vm *slot = vm ? vm_find(k, vm) : NULL;

	if (!slot)
		return -ENOENT;
	ioasid_unregister_notifier_mm(k->core, vm, &slot->nb);
	for (unsigned int i = 0; i < KVM_PASID_MAX; i++)
		if (k->xl[i].vm == vm)
			kvm_drop(k, &k->xl[i]);
	slot->token = NULL;
	return 0;
}

int kvm_pasid_translate(const struct kvm_pasid *k, const void *vm,
			uint32_t gpasid, uint32_t *hpasid)
{
	for (unsigned int i = 0; vm && i < KVM_PASID_MAX; i++)
		if (k->xl[i].vm == vm && k->xl[i].gpasid == gpasid) {
			*hpasid = k->xl[i].hpasid;
			return 0;
		}
	return -ENOENT;
}

uint64_t kvm_pasid_overflows(const struct kvm_pasid *k)
{
	return k->overflows;
}
