/* SPDX-License-Identifier: MIT */
/*
 * The reference VDCM (Virtual Device Composition Module): the executable form
 * of seeds/000 ("Design the VDCM", "VDEV lifecycle management with VDCM") and
 * of the mediation services of seeds/002 (resource scaling, live migration,
 * selective pinning), over one reference SIOV endpoint (harness/ref/siovdev),
 * the reference IOMMU (harness/ref/viommu) and the IOASID core
 * (harness/ref/ioasid), which supplies the PASIDs.
 *
 * Every vdcm_* call below mirrors one op of struct siovh_vfio_device_ops or
 * struct siovh_test_ops (harness/include/siovh/target.h, test.h) with the
 * VDCM in place of the target; same arguments, same return values (0, a byte
 * count, or -errno). The guest-visible layout is in vdev_regs.h. What the
 * facet leaves open is settled here:
 *
 *  - Probe (vdcm_create): the parent's PASID capability is enabled, and ATS
 *    and PRI when the parent has them, before any ADI can be handed out
 *    (DESIGN.md, "SIOV DVSEC"). A parent without PASID, or with fewer IMS
 *    entries than ADIs, is refused: -ENODEV. The VDCM gives ADI n the IMS
 *    entry IMS_SIZE - 1 - n and points the ADI's IRQ register at it.
 *
 *  - VDEV types (mdev_supported_types): "siovh-1q" (1 ADI) and "siovh-4q"
 *    (4 ADIs); available_instances = free ADIs / ADIs of the type.
 *
 *  - create(type, uuid): an unknown type is -EINVAL (mdev: no such
 *    supported_types directory is -ENOENT at the sysfs level; the create
 *    write itself fails -EINVAL); a UUID already in use -EEXIST; not enough
 *    free ADIs -ENOSPC. On failure nothing is held. A created VDEV holds its
 *    ADIs (exclusively: an ADI belongs to at most one VDEV) but no PASID.
 *
 *  - open (assign): once; a second open while open is -EBUSY. It allocates
 *    the default PASID from the VDCM's IOASID set (a NULL-type set with a
 *    quota of the parent's ADI count, made at the first open so that an
 *    idle VDCM reserves nothing), creates the AUX domain
 *    (an IOMMU domain; the VDEV's type1 container maps into it), attaches it
 *    at that PASID on the parent's RID, and programs the PASID into every ADI
 *    the VDEV holds. Every failure unwinds in reverse.
 *
 *  - release, in the talk's order (seeds/000, "Release"):
 *      1. invalidate the PASID in each ADI (PASID-valid cleared),
 *      2. reset the VDEV (each ADI disabled, drained, reset; registers,
 *         config and interrupts to their defaults),
 *      3. clean up what open allocated: detach the PASID from the IOMMU,
 *         free the domain (and every container mapping), free the PASID,
 *         drop every pin.
 *    So no DMA with a stale PASID can happen after close. Release of a VDEV
 *    that is not open: -EINVAL.
 *
 *  - remove: only when released (-EBUSY while open). Its ADIs return to the
 *    parent's free pool, reset, and may be handed to the next create. The
 *    handle is dead after a successful remove.
 *
 *  - Handles: a struct vdcm_vdev * not created by this VDCM (or already
 *    removed) is -ENODEV for every call. ioctl/pread/pwrite/mmap/
 *    container_ioctl on a VDEV that is not open are -EBADF (no fd exists).
 *
 *  - Reset (VFIO_DEVICE_RESET, or virtual FLR through the PCIe device
 *    control register): virtual config and BAR0 registers return to their
 *    reset values, every ADI is reset, which discards the work it holds
 *    without running it (an FLR completes no pending request), and gets
 *    the default PASID programmed again; IMS entries are masked, MSI-X
 *    vectors are disarmed (eventfds released, masks and pending bits
 *    cleared). Kept: the AUX domain and its DMA mappings, the PASID, the
 *    queue allocation (curQ: a resource assignment, not a register), the
 *    migration state (ERROR aside: reset leaves it for RUNNING).
 *
 *  - Queue re-allocation (seeds/002, "Resource Scaling"): a VDEV has maxQ
 *    (its type's ADIs) and curQ (ADIs it holds now, 1..maxQ).
 *    Guest-transparent: vdcm_set_cur_queues() moves curQ behind the guest,
 *    which still sees maxQ queues; virtual queue v is served by held ADI
 *    v mod curQ. Guest-cooperated: mailbox SET_QUEUES, within [1, maxQ],
 *    also updates the guest-visible CURQ register. Shrinking resets and
 *    returns the dropped ADIs; growing takes free ADIs (-ENOSPC if none).
 *
 *  - Migration (VFIO migration v2): VFIO_MIGRATION_STOP_COPY |
 *    VFIO_MIGRATION_P2P. Arcs: RUNNING<->RUNNING_P2P, RUNNING_P2P<->STOP,
 *    STOP<->STOP_COPY, STOP<->RESUMING; any other pair of these five states
 *    is reached, as in the kernel, by the shortest combination of arcs that
 *    does not pass through STOP_COPY or RESUMING (RUNNING->STOP_COPY walks
 *    RUNNING_P2P, STOP, STOP_COPY). A state to itself is a no-op success
 *    (data_fd -1). ERROR, PRE_COPY, PRE_COPY_P2P and unknown states cannot
 *    be requested, and nothing but VFIO_DEVICE_RESET (to RUNNING) leaves
 *    ERROR: -EINVAL, state unchanged. The data fd of STOP_COPY is a memfd
 *    holding the whole serialized state; that of RESUMING takes the state
 *    by write() and is loaded on RESUMING->STOP (nothing written: nothing
 *    loaded; a malformed or foreign-type stream: -EINVAL, state stays
 *    RESUMING). The state carries config space (so the MSI-X enable bit),
 *    BAR0 registers, queue configuration, the MSI-X table, vector masks
 *    and pending bits (the PBA: latched by the VDCM or by the ADIs' IMS
 *    entries), the IMS programming they imply, curQ, and the descriptors
 *    the held ADIs keep; the PASID is not carried: the destination
 *    programs its own. A load replaces what the destination had latched;
 *    a pending bit it restores is sent once the vector is unmasked (or
 *    MSI-X enabled again).
 *    Quiescence: outside RUNNING every ADI of the VDEV is held. The
 *    reference cannot tell peer-to-peer DMA from other DMA, so RUNNING_P2P
 *    stops all of it (linux/vfio.h), and the STOP states allow none. In
 *    RUNNING_P2P a portal submission (a peer may still write the device's
 *    MMIO) is taken and waits; it runs once, on this VDEV when it is
 *    RUNNING again, or on the VDEV the saved state is loaded into. While
 *    RUNNING_P2P, STOP, STOP_COPY or RESUMING, BAR0 writes are -EBUSY (the
 *    user must not touch the device); in STOP, STOP_COPY and RESUMING so
 *    are portal submissions. Release and reset drop held work unrun.
 *
 *  - Dirty tracking: VFIO_DEVICE_FEATURE_DMA_LOGGING_START/STOP/REPORT on
 *    the IOMMU's dirty bits of the AUX domain; REPORT reads and clears,
 *    sets exactly the bits of pages DMA wrote inside [iova, iova+length).
 *
 *  - Selective pinning (seeds/002, "Memory Footprint"): MAP_DMA pins
 *    nothing; a descriptor submitted through the fast path has the mapped
 *    pages it will DMA (completion record, source, destination) pinned at
 *    submission and unpinned at completion. The parent runs a descriptor
 *    before the portal write returns (siovdev.h, "Execution model") unless
 *    the ADI is held, so outside migration the counts are back to zero
 *    when pwrite returns; they are counted per VDEV and per parent (the
 *    probes) and drop to zero at release.
 *
 *  - Fast path in-process: a descriptor reaches the ADI by pwrite() of
 *    64 bytes at a 64-byte-aligned offset of a portal (that is the write
 *    the VDCM mediates, for pinning); mmap() of a sparse area returns a
 *    read-only view (the portal reads all-ones), since a store to process
 *    memory cannot reach the in-process device.
 *
 *  - Event log (adi_trace): the parent's events of the ADI, merged with
 *    the IOMMU's PASID_DETACH events the VDCM records at release; seq
 *    numbers are the parent's doubled, a VDCM event taking the odd number
 *    after the last parent event of that ADI, so the order is preserved.
 *
 * Locking: none; a VDCM is driven by one thread (the check's child).
 * State: none global; any number of VDCMs at once.
 */
#ifndef VDCM_VDCM_H
#define VDCM_VDCM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <siovh/test.h>

#include "faults.h"
#include "vdev_regs.h"

struct ioasid_core;
struct siovdev;
struct viommu;
struct vdcm;
struct vdcm_vdev;

struct siovdev_adi_probe;
struct siovdev_config;
struct siovdev_desc;
struct siovdev_event;

/*
 * Everything the VDCM asks of the hardware under it, in one table: the
 * parent function (config space, BAR registers, portal submissions, the
 * ADI probes of the test facet) and the IOMMU in front of it (the VDEVs'
 * AUX domains, attached at their default PASIDs on the parent's RID).
 * Two implementations: the in-process one (parent.c: siovdev and viommu,
 * used when vdcm_params.hw_ops is NULL) and the VFIO one
 * (harness/backends/vfio_parent.h: the real endpoint bound to vfio-pci,
 * its BARs through the vfio cdev, the AUX domains IOAS/HWPTs of the real
 * kernel's iommufd attached with VFIO_DEVICE_ATTACH_PASID). Each op has
 * the siovdev_* / viommu_* call's contract it stands for. Optional (NULL:
 * the hardware cannot say, and the test facet reports -EOPNOTSUPP):
 * adi_trace, iommu_faults, fault_pop. vSVA and dirty tracking need the
 * in-process IOMMU (vdcm.iommu): without it they are -EOPNOTSUPP.
 */
struct vdcm_hw_ops {
	/* The parent's configuration (siovdev_get_config): what it has. */
	const struct siovdev_config *(*config)(void *hw);
	int (*cfg_read)(void *hw, uint32_t off, unsigned int size,
			uint32_t *val);
	int (*cfg_write)(void *hw, uint32_t off, unsigned int size,
			 uint32_t val);
	int (*bar_read)(void *hw, unsigned int bar, uint64_t off, void *buf,
			size_t len);
	int (*bar_write)(void *hw, unsigned int bar, uint64_t off,
			 const void *buf, size_t len);
	uint64_t (*portal_offset)(void *hw, uint32_t adi);
	/* siovdev_submit: 0, -EBUSY/-EACCES dropped at the door, -EIO. */
	int (*submit)(void *hw, uint32_t adi, const struct siovdev_desc *d);
	int (*adi_probe)(void *hw, uint32_t adi, struct siovdev_adi_probe *out);
	int (*adi_trace)(void *hw, uint32_t adi, struct siovdev_event *ev,
			 size_t max, size_t *n);

	int (*domain_alloc)(void *hw, uint32_t *domain);
	void (*domain_free)(void *hw, uint32_t domain);
	int (*attach)(void *hw, uint16_t rid, uint32_t pasid, uint32_t domain);
	int (*detach)(void *hw, uint16_t rid, uint32_t pasid);
	/* prot: VIOMMU_PROT_*; -EEXIST a page is mapped already. */
	int (*map)(void *hw, uint32_t domain, uint64_t iova, void *vaddr,
		   uint64_t size, uint32_t prot);
	/* Bytes unmapped, or -errno. */
	int64_t (*unmap)(void *hw, uint32_t domain, uint64_t iova,
			 uint64_t size);
	int (*iommu_faults)(void *hw, uint64_t *count);
	int (*fault_pop)(void *hw, struct siovh_dma_fault *out);
};

/*
 * What a VDCM runs over; none of it is owned by the VDCM. In-process:
 * parent and iommu, hw_ops NULL. Over other hardware: hw_ops and hw, parent
 * and iommu NULL.
 */
struct vdcm_params {
	struct siovdev *parent;		/* the SIOV endpoint */
	struct viommu *iommu;		/* the IOMMU the parent sits behind */
	struct ioasid_core *ioasid;	/* the system's PASID space */
	uint16_t rid;			/* the parent's requester ID */
	int fault;			/* enum vdcm_fault; VDCM_FAULT_NONE */
	const struct vdcm_hw_ops *hw_ops; /* NULL: parent + iommu */
	void *hw;			/* hw_ops' first argument */
};

/*
 * The host's wiring, which the VDCM does not own: the parent's DMA goes
 * to viommu_dma(iommu, rid, true, pasid, ...), and every interrupt message
 * of the parent (siovdev_host_ops.msi) must be handed to vdcm_msi(), which
 * routes the messages of the IMS entries it programmed to the VDEVs'
 * eventfds and drops the rest.
 */
void vdcm_msi(struct vdcm *vdcm, uint64_t addr, uint32_t data);

/*
 * Probe the parent and become its VDCM. NULL with errno set (ENODEV: the
 * parent has no PASID capability; ENOMEM).
 */
struct vdcm *vdcm_create(const struct vdcm_params *params);
/*
 * Remove: releases (if open) and removes every VDEV, gives back the VDCM's
 * IOASID set, then frees the VDCM. NULL: nothing to do. The host first
 * drops what it holds of each VDEV (vdcm_vdev_next): the ref backend
 * unbinds an open VDEV's cdev from /dev/iommu, as the cdev's close would.
 */
void vdcm_destroy(struct vdcm *vdcm);
/* The VDEVs in turn: prev NULL gives the first, NULL comes after the
 * last (and from a NULL vdcm). prev is the previous call's answer, with no
 * VDEV created or removed since. */
struct vdcm_vdev *vdcm_vdev_next(struct vdcm *vdcm, struct vdcm_vdev *prev);

/* The facet's ops (target.h, struct siovh_vfio_device_ops). */
int vdcm_list_types(struct vdcm *vdcm, char *buf, size_t len);
int vdcm_available_instances(struct vdcm *vdcm, const char *type,
			     unsigned int *out);
int vdcm_vdev_create(struct vdcm *vdcm, const char *type,
		     const uint8_t uuid[16], struct vdcm_vdev **out);
int vdcm_vdev_remove(struct vdcm *vdcm, struct vdcm_vdev *vdev);
int vdcm_vdev_open(struct vdcm *vdcm, struct vdcm_vdev *vdev);
int vdcm_vdev_release(struct vdcm *vdcm, struct vdcm_vdev *vdev);
int vdcm_vdev_ioctl(struct vdcm *vdcm, struct vdcm_vdev *vdev,
		    unsigned long cmd, void *arg);
ssize_t vdcm_vdev_pread(struct vdcm *vdcm, struct vdcm_vdev *vdev, void *buf,
			size_t len, uint64_t offset);
ssize_t vdcm_vdev_pwrite(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			 const void *buf, size_t len, uint64_t offset);
void *vdcm_vdev_mmap(struct vdcm *vdcm, struct vdcm_vdev *vdev,
		     uint64_t offset, size_t len);
int vdcm_vdev_munmap(struct vdcm *vdcm, struct vdcm_vdev *vdev, void *addr,
		     size_t len);
int vdcm_container_ioctl(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			 unsigned long cmd, void *arg);

/* Guest-transparent queue re-allocation: curQ in [1, maxQ]. */
int vdcm_set_cur_queues(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			unsigned int cur);

/*
 * vSVA: PASID management of a VDEV bound to /dev/iommu (issue 4, item 3;
 * seeds/000 "Intel Scalable IOV & vSVA", seeds/001 guest-SVA lifecycle).
 * The iommufd layer (harness/ref/iommufd) calls these; the guest side (the
 * VDEV's per-queue PASID registers, vdev_regs.h) uses the same table.
 *
 *  - iommu_bind: the VDEV (open) is bound to an iommufd: its default PASID
 *    leaves the AUX domain (detached from it) and is steered by iommufd
 *    attach from now on; *rid and *default_pasid say where. A second bind
 *    is -EBUSY, a VDEV not open -EBADF. iommu_unbind frees every guest
 *    PASID (as gpasid_free), re-attaches the AUX domain; -EINVAL if not
 *    bound. Release of a bound VDEV unbinds first.
 *  - gpasid_alloc: a guest PASID of the VDEV gets a host PASID from the
 *    VDEV's own IOASID set (made at bind, the VDEV as its token: one VM's
 *    PASID namespace) with spid = gpasid, so guest -> host is
 *    ioasid_find_by_spid and the guest never sees a host PASID. -EEXIST if gpasid already has one, -ERANGE gpasid >= 2^20,
 *    -EINVAL not bound, -ENOSPC out of PASIDs. The caller attaches or
 *    binds the host PASID in the IOMMU.
 *  - gpasid_free, in the talk's free-before-unbind order: every ADI of the
 *    VDEV running on that host PASID is disabled, drained and reset (its
 *    queue falls back to the default PASID), the page requests of the
 *    PASID are drained, then the host PASID is freed. The caller detaches
 *    it in the IOMMU after. -ENOENT if gpasid has none.
 *  - gpasid_to_host / host_to_gpasid: the two directions of the mapping
 *    (the ADI programming path and the fault forwarding path); -ENOENT.
 */
int vdcm_vdev_iommu_bind(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			 uint16_t *rid, uint32_t *default_pasid);
int vdcm_vdev_iommu_unbind(struct vdcm *vdcm, struct vdcm_vdev *vdev);
int vdcm_vdev_gpasid_alloc(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			   uint32_t gpasid, uint32_t *hpasid);
int vdcm_vdev_gpasid_free(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			  uint32_t gpasid);
int vdcm_vdev_gpasid_to_host(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			     uint32_t gpasid, uint32_t *hpasid);
int vdcm_host_to_gpasid(struct vdcm *vdcm, uint32_t hpasid,
			struct vdcm_vdev **vdev, uint32_t *gpasid);

/* The test facet's VDCM probes (test.h). */
int vdcm_parent_probe(struct vdcm *vdcm, struct siovh_parent_probe *out);
int vdcm_vdev_probe(struct vdcm *vdcm, struct vdcm_vdev *vdev,
		    struct siovh_vdev_probe *out);
int vdcm_adi_probe(struct vdcm *vdcm, uint32_t adi,
		   struct siovh_adi_probe *out);
int vdcm_adi_trace(struct vdcm *vdcm, uint32_t adi,
		   struct siovh_adi_event *ev, size_t max, size_t *n);
int vdcm_dma_fault_pop(struct vdcm *vdcm, struct siovh_dma_fault *out);

#endif /* VDCM_VDCM_H */
