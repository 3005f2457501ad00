/* SPDX-License-Identifier: MIT */
/*
 * The KVM role of guest SVA (seeds/001, "IOASID Lifecycle in Guest SVA",
 * the KVM column): KVM keeps each VM's guest-to-host PASID translation
 * (the table the VMCS points at, which ENQCMD from the guest uses) in step
 * with the IOMMU's binds. It does not call the IOMMU or the VDCM: it
 * listens to the VM's IOASID notifications (the mm chain of the VM's
 * token, seeds/001 step 1) at CPU priority:
 *
 *   BIND   (steps 5-7)   take a reference on the host PASID, then map
 *                        guest PASID (the notification's spid) -> host;
 *   UNBIND (steps 19-21) unmap, then drop the reference;
 *   FREE                 a PASID freed while still mapped: unmap and drop
 *                        (the IOMMU forgot to unbind; KVM must not keep a
 *                        dead PASID in the VMCS).
 *
 * So in the talk's Ref column KVM owns exactly one reference per bound
 * PASID, from BIND to UNBIND. Entries are bounded (KVM_PASID_MAX per
 * table); a BIND that finds the table full takes no reference and maps
 * nothing (counted in kvm_pasid_overflows). Not thread-safe beyond the
 * IOASID core's own lock, which every callback already holds.
 */
#ifndef KVM_KVM_PASID_H
#define KVM_KVM_PASID_H

#include <stdint.h>

struct ioasid_core;
struct kvm_pasid;

#define KVM_PASID_VMS	16		/* VM tokens watched at once */
#define KVM_PASID_MAX	256		/* translations, all VMs */

/* A KVM over core with injected fault (enum kvm_pasid_fault, 0: none);
 * NULL with errno set. */
struct kvm_pasid *kvm_pasid_create(struct ioasid_core *core, int fault);
/* Unwatch every VM, dropping the references of what is still mapped. */
void kvm_pasid_destroy(struct kvm_pasid *k);

/* Start / stop listening to the VM whose IOASID set token is vm. watch:
 * 0, -EEXIST (watched), -ENOSPC (KVM_PASID_VMS). unwatch drops the VM's
 * translations and their references; -ENOENT if not watched. */
int kvm_pasid_watch(struct kvm_pasid *k, void *vm);
int kvm_pasid_unwatch(struct kvm_pasid *k, void *vm);

/* The VMCS view: guest PASID -> host PASID of VM vm; 0 or -ENOENT. */
int kvm_pasid_translate(const struct kvm_pasid *k, const void *vm,
			uint32_t gpasid, uint32_t *hpasid);
uint64_t kvm_pasid_overflows(const struct kvm_pasid *k);

/* Injected faults (DESIGN.md, "Fault"); facet "vdev" in the ref backend. */
#define KVM_PASID_FAULT_LIST(X)						\
	X(UNBIND_KEEPS_REF, "unbind-keeps-ref",				\
	  "UNBIND unmaps the guest PASID but keeps KVM's reference")	\
	X(BIND_NO_REF, "bind-no-ref",					\
	  "BIND maps the guest PASID without taking a reference")	\
	X(WATCH_FAIL_KEEPS_SLOT, "watch-fail-keeps-slot",		\
	  "a watch whose notifier registration fails keeps the VM's slot")

enum kvm_pasid_fault {
	KVM_PASID_FAULT_NONE = 0,
#define KVM_PASID_FAULT_ENUM(code, name, summary) KVM_PASID_FAULT_##code,
	KVM_PASID_FAULT_LIST(KVM_PASID_FAULT_ENUM)
#undef KVM_PASID_FAULT_ENUM
	KVM_PASID_FAULT_COUNT
};

#endif /* KVM_KVM_PASID_H */
