/* SPDX-License-Identifier: MIT */
/*
 * The reference VDCM's insides, shared by its files:
 *
 *   lifecycle.c  types, create/remove, open (assign)/release, probes
 *   parent.c     everything the VDCM asks of the physical device (siovdev)
 *   cfg.c        the virtual config space
 *   bar.c        region info and access: BAR0 slow path, BAR2 fast path
 *   mailbox.c    the VDEV-VDCM mailbox, queue re-allocation
 *   irq.c        IRQ info, SET_IRQS, IMS programming, signalling
 *   ioctl.c      VFIO_DEVICE_* dispatch, reset
 *   container.c  the type1 container (VFIO_IOMMU_*) over the AUX domain
 *   migration.c  VFIO migration v2: states, quiescence, save and load
 *   dirty.c      DMA logging on the IOMMU's dirty bits
 *   pin.c        selective pinning, the descriptors in flight, completions
 *   vsva.c       vSVA: iommufd binding, guest PASID -> host PASID
 *
 * A VDEV's state splits in two. What create makes lives until remove: the
 * type, the UUID, the ADIs held. What open makes lives until release: the
 * PASID, the AUX domain, the container's mappings, the eventfds, the pins.
 * The guest-visible registers and config are (re)set to their defaults at
 * create, at reset and at release.
 */
#ifndef VDCM_VDCM_INTERNAL_H
#define VDCM_VDCM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vfio.h>

#include "vdcm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The MSI-X vectors of a VDEV: the mailbox's, then one per queue. */
#define VDEV_MAX_VECTORS	(VDEV_MAX_QUEUES + 1)
#define VDEV_MSIX_ENTRY_SIZE	16

/* At most this many ADIs a parent may have under the reference VDCM. */
#define VDCM_MAX_ADIS		64

struct vdcm_type {
	const char *name;		/* mdev type name */
	const char *description;
	unsigned int nr_adis;		/* maxQ */
};

/* A virtual MSI-X vector: its trigger and its mask, as SET_IRQS left them. */
struct vdcm_vector {
	int fd;				/* our own dup of the eventfd; -1 */
	bool masked;
	bool pending;			/* signalled while masked */
};

/* One virtual queue's registers (vdev_regs.h, VDEV_REG_Q). */
struct vdcm_queue_regs {
	uint32_t ctrl;
	uint32_t status;
	uint32_t vector;
	uint32_t done;
	uint32_t pasid;			/* VDEV_Q_PASID: guest PASID, EN */
	uint32_t held;			/* host PASID the VDCM holds a
					 * reference on for it; 0: none */
};

/* BAR0's register file, guest view. */
struct vdcm_regs {
	uint32_t intcause;
	uint32_t curq;			/* guest-cooperated queue count */
	uint32_t mbox_cmd, mbox_arg, mbox_status, mbox_resp;
	struct vdcm_queue_regs q[VDEV_MAX_QUEUES];
	uint8_t msix[VDEV_MAX_VECTORS * VDEV_MSIX_ENTRY_SIZE];
};

/* The virtual config space: stored bytes and the bits writes may change. */
struct vdcm_cfg {
	uint8_t bytes[VDEV_CFG_SIZE];
	uint8_t wmask[VDEV_CFG_SIZE];
	/* Control registers of the extended caps, kept apart because the
	 * caps come and go with the parent's (cfg.c). */
	uint16_t pasid_ctrl, ats_ctrl, pri_ctrl;
	uint32_t pri_alloc;
};

/* One type1 mapping of the container. */
struct vdcm_map {
	uint64_t iova, size;
	void *vaddr;
	uint32_t prot;			/* VIOMMU_PROT_* */
};

#define VDCM_MAX_MAPS		64
#define VDCM_MAX_MMAPS		16
/*
 * DMA logging ranges one START takes: one 4 KiB page of them, the number
 * linux/vfio.h (struct vfio_device_feature_dma_logging_control) says the
 * core guarantees; more is -E2BIG, as the kernel's core answers.
 */
#define VDCM_MAX_DIRTY_RANGES \
	(4096 / sizeof(struct vfio_device_feature_dma_logging_range))
/* Guest PASIDs a bound VDEV may have at once (vsva.c). */
#define VDCM_MAX_GPASIDS	16

struct vdcm_dirty {
	bool on;
	uint32_t nr_ranges;
	struct vfio_device_feature_dma_logging_range
		ranges[VDCM_MAX_DIRTY_RANGES];
};

/* One pinned IOVA page and how many in-flight descriptors hold it. */
struct vdcm_pin {
	uint64_t iova;			/* page address */
	uint32_t count;
};

struct vdcm_pins {
	uint32_t nr, cap;		/* distinct pinned pages, room */
	struct vdcm_pin *pin;
};

/*
 * A descriptor between submission and completion: the queue it came
 * through, the descriptor itself (held work is part of the migration
 * state) and what it pinned. It is done when its ADI has retired
 * (executed, or dropped when it came to run) `ticket` descriptors since
 * the ADI's last reset.
 */
struct vdcm_span {
	uint64_t iova, len;
};

#define VDCM_DESC_SIZE		64
#define VDCM_DESC_SPANS		3	/* completion record, source, dest */

struct vdcm_inflight {
	uint32_t adi;
	uint32_t q;			/* the virtual queue it came by */
	uint64_t ticket;
	uint32_t nr;
	struct vdcm_span span[VDCM_DESC_SPANS];
	uint8_t desc[VDCM_DESC_SIZE];
};

struct vdcm_mig {
	uint32_t state;			/* enum vfio_device_mig_state */
	int resume_fd;			/* RESUMING: the memfd written to */
};

struct vdcm_vdev {
	struct vdcm *vdcm;
	struct vdcm_vdev *next;		/* the VDCM's list */
	const struct vdcm_type *type;
	uint8_t uuid[16];

	/* Held from create to remove: adi[0..cur_queues). */
	uint32_t cur_queues;
	uint32_t adi[VDEV_MAX_QUEUES];

	/* Set up by open, torn down by release. */
	bool open;
	uint32_t pasid;			/* the AUX domain's default PASID */
	uint32_t domain;		/* the AUX domain (IOMMU DID) */
	uint32_t nr_maps;
	struct vdcm_map maps[VDCM_MAX_MAPS];
	struct vdcm_vector vec[VDEV_MAX_VECTORS];
	bool drop_irqs;			/* a fault's window (irq.c) */
	uint32_t nr_mmaps;		/* fast-path views handed out */
	struct { void *addr; size_t len; } mmaps[VDCM_MAX_MMAPS];
	struct vdcm_pins pins;
	/* In flight: at most maxQ x queue depth wait in the ADIs, plus the
	 * one a full queue is about to drop (allocated at create). */
	uint32_t nr_inflight, max_inflight;
	struct vdcm_inflight *inflight;
	struct vdcm_dirty dirty;
	struct vdcm_mig mig;

	/* vSVA (vsva.c): bound to /dev/iommu, from bind to unbind. The
	 * guest PASIDs' host PASIDs come from the VDEV's own IOASID set (an
	 * MM set whose token is the VDEV, the VM's PASID namespace): the
	 * spid of each is its guest PASID. gp[] lists them for unbind and
	 * the reverse direction; guest -> host goes through find_by_spid. */
	bool iommu_bound;
	struct ioasid_set *gpasid_set;
	uint32_t nr_gpasids;
	struct { uint32_t gpasid, hpasid; } gp[VDCM_MAX_GPASIDS];

	/* Guest-visible device state (defaults at create/reset/release). */
	struct vdcm_cfg cfg;
	struct vdcm_regs regs;
};

/* An IOMMU event the VDCM logs for an ADI (the device logs the rest). */
struct vdcm_adi_event {
	uint64_t after;			/* the device's last seq before it */
	uint32_t kind, arg;
};

#define VDCM_ADI_LOG		16

struct vdcm_adi_log {
	uint32_t nr;			/* newest VDCM_ADI_LOG kept */
	struct vdcm_adi_event ev[VDCM_ADI_LOG];
};

struct vdcm {
	struct siovdev *parent;		/* in-process only; NULL otherwise */
	struct viommu *iommu;		/* in-process only; NULL otherwise */
	const struct vdcm_hw_ops *hw_ops; /* the hardware: always set */
	void *hw;
	struct ioasid_core *ioasid;
	struct ioasid_set *pasids;	/* the default PASIDs come from here */
	int fault;

	uint16_t rid;			/* the parent's requester ID */
	uint32_t nr_adis;
	uint32_t nr_ims;		/* IMS entries of the parent */
	uint32_t queue_depth;		/* an ADI's queue holds this many */
	/* Per ADI, since its last reset: descriptors dropped at submission
	 * (queue full, ADI disabled), which never queue and never run. */
	uint32_t submit_drops[VDCM_MAX_ADIS];
	struct vdcm_adi_log log[VDCM_MAX_ADIS];
	struct vdcm_vdev *adi_owner[VDCM_MAX_ADIS]; /* NULL: free */
	uint64_t leaked;		/* bit n: ADI n lost (a fault) */
	struct vdcm_vdev *vdevs;	/* created, not removed */
	uint32_t nr_vdevs;
	uint64_t pinned_pages;		/* sum over the VDEVs */
};

/* Off in the coverage build: README.md, "Coverage". */
#ifdef SIOVH_NO_FAULT_HOOKS
#define vdcm_fault(vdcm, f)	((void)(vdcm), (void)(f), false)
#else
static inline bool vdcm_fault(const struct vdcm *vdcm, enum vdcm_fault f)
{
	return vdcm->fault == (int)f;
}
#endif

/* Whether ADI n is lost to the pool. Only faults lose one, so this is the
 * hooks' state and folds with them in the coverage build. */
#ifdef SIOVH_NO_FAULT_HOOKS
#define vdcm_adi_leaked(vdcm, n)	((void)(vdcm), (void)(n), false)
#else
static inline bool vdcm_adi_leaked(const struct vdcm *vdcm, uint32_t n)
{
	return vdcm->leaked >> n & 1;
}
#endif

static inline uint32_t vdev_max_queues(const struct vdcm_vdev *vdev)
{
	return vdev->type->nr_adis;
}

static inline uint32_t vdev_nr_vectors(const struct vdcm_vdev *vdev)
{
	return vdev_max_queues(vdev) + 1;
}

/* STOP, STOP_COPY, RESUMING: the user must not touch the device. */
static inline bool vdev_stopped(const struct vdcm_vdev *vdev)
{
	return vdev->mig.state == VFIO_DEVICE_STATE_STOP ||
	       vdev->mig.state == VFIO_DEVICE_STATE_STOP_COPY ||
	       vdev->mig.state == VFIO_DEVICE_STATE_RESUMING;
}

/*
 * Quiesced for migration: RUNNING_P2P or stopped. The device initiates no
 * DMA (the reference cannot tell peer-to-peer DMA from any other, so P2P
 * quiescence stops all of it: linux/vfio.h), so its ADIs are held.
 */
static inline bool vdev_quiesced(const struct vdcm_vdev *vdev)
{
	return vdev->mig.state == VFIO_DEVICE_STATE_RUNNING_P2P ||
	       vdev_stopped(vdev);
}

/* The ADI serving virtual queue q (guest-transparent multiplexing). */
static inline uint32_t vdev_adi_of_queue(const struct vdcm_vdev *vdev,
					 uint32_t q)
{
	return vdev->adi[q % vdev->cur_queues];
}

/* lifecycle.c */
const struct vdcm_type *vdcm_type_find(const char *name);
int vdcm_vdev_check(struct vdcm *vdcm, struct vdcm_vdev *vdev, bool open);
int vdcm_vdev_check_access(struct vdcm *vdcm, struct vdcm_vdev *vdev);
void vdcm_vdev_defaults(struct vdcm_vdev *vdev);
void vdcm_vdev_quiesce(struct vdcm_vdev *vdev, bool discard);
int vdcm_vdev_program_pasid(struct vdcm_vdev *vdev);
int vdcm_adis_take(struct vdcm *vdcm, struct vdcm_vdev *vdev, uint32_t n);
void vdcm_adis_return(struct vdcm *vdcm, struct vdcm_vdev *vdev, uint32_t n);

/* parent.c: the physical device, through siovdev. */
int vdcm_hw_enable(struct vdcm *vdcm);
uint32_t vdcm_hw_nr_adis(struct vdcm *vdcm);
bool vdcm_hw_pasid_enabled(struct vdcm *vdcm);
bool vdcm_hw_ecap_enabled(struct vdcm *vdcm, uint16_t cap_id);
uint32_t vdcm_hw_pasid_cap(struct vdcm *vdcm);	/* the PASID cap register */
int vdcm_hw_adi_program_pasid(struct vdcm *vdcm, uint32_t adi, uint32_t pasid);
int vdcm_hw_adi_invalidate_pasid(struct vdcm *vdcm, uint32_t adi);
/* CTRL: enable, and hold (queue what is submitted, run nothing). */
int vdcm_hw_adi_ctrl(struct vdcm *vdcm, uint32_t adi, bool enable, bool hold);
/* disable (runs what is queued), drain, reset */
int vdcm_hw_adi_quiesce(struct vdcm *vdcm, uint32_t adi);
/* reset alone: what is queued is discarded without DMA */
int vdcm_hw_adi_reset(struct vdcm *vdcm, uint32_t adi);
int vdcm_hw_adi_ims_program(struct vdcm *vdcm, uint32_t adi, uint32_t vector);
int vdcm_hw_adi_ims_mask(struct vdcm *vdcm, uint32_t adi, bool masked);
bool vdcm_hw_adi_ims_masked(struct vdcm *vdcm, uint32_t adi);
bool vdcm_hw_adi_ims_pending(struct vdcm *vdcm, uint32_t adi);
/* 0 queued (and run, unless held), 1 dropped (full or disabled), -errno */
int vdcm_hw_adi_submit(struct vdcm *vdcm, uint32_t adi, const void *desc);
uint64_t vdcm_hw_adi_retired(struct vdcm *vdcm, uint32_t adi);
uint64_t vdcm_hw_adi_ticket(struct vdcm *vdcm, uint32_t adi);
uint64_t vdcm_hw_adi_completed(struct vdcm *vdcm, uint32_t adi);
ssize_t vdcm_hw_adi_portal_read(struct vdcm *vdcm, uint32_t adi, void *buf,
			size_t len, uint64_t offset);
int vdcm_hw_adi_probe(struct vdcm *vdcm, uint32_t adi,
		      struct siovh_adi_probe *out);
uint64_t vdcm_hw_adi_last_seq(struct vdcm *vdcm, uint32_t adi);
int vdcm_hw_adi_device_trace(struct vdcm *vdcm, uint32_t adi,
		     struct siovh_adi_event *ev, size_t max, size_t *n);

/* parent.c: the IOMMU in front of the parent (vdcm_hw_ops). */
int vdcm_hw_domain_alloc(struct vdcm *vdcm, uint32_t *domain);
void vdcm_hw_domain_free(struct vdcm *vdcm, uint32_t domain);
int vdcm_hw_attach(struct vdcm *vdcm, uint32_t pasid, uint32_t domain);
int vdcm_hw_detach(struct vdcm *vdcm, uint32_t pasid);
int vdcm_hw_map(struct vdcm *vdcm, uint32_t domain, uint64_t iova,
		void *vaddr, uint64_t size, uint32_t prot);
int64_t vdcm_hw_unmap(struct vdcm *vdcm, uint32_t domain, uint64_t iova,
		      uint64_t size);
/* -EOPNOTSUPP: the hardware cannot say. */
int vdcm_hw_iommu_faults(struct vdcm *vdcm, uint64_t *count);
int vdcm_hw_fault_pop(struct vdcm *vdcm, struct siovh_dma_fault *out);
/* The in-process hardware (vdcm_params.hw_ops NULL): hw is the vdcm. */
extern const struct vdcm_hw_ops vdcm_inproc_hw_ops;

/* cfg.c */
void vdcm_cfg_init(struct vdcm_vdev *vdev);
ssize_t vdcm_cfg_read(struct vdcm_vdev *vdev, void *buf, size_t len,
		 uint64_t off);
ssize_t vdcm_cfg_write(struct vdcm_vdev *vdev, const void *buf, size_t len,
		  uint64_t off);
bool vdcm_cfg_memory_enabled(const struct vdcm_vdev *vdev);

/* bar.c */
int vdcm_bar_region_info(struct vdcm_vdev *vdev, struct vfio_region_info *info);
ssize_t vdcm_bar_access(struct vdcm_vdev *vdev, uint32_t index, void *buf,
		   size_t len, uint64_t off, bool write);
void *vdcm_bar_mmap(struct vdcm_vdev *vdev, uint64_t offset, size_t len);
int vdcm_bar_munmap(struct vdcm_vdev *vdev, void *addr, size_t len);
void vdcm_bar_munmap_all(struct vdcm_vdev *vdev);
void vdcm_regs_init(struct vdcm_vdev *vdev);
int vdcm_portal_submit(struct vdcm_vdev *vdev, uint32_t q, const void *desc);

/* mailbox.c */
void vdcm_mbox_doorbell(struct vdcm_vdev *vdev);
int vdcm_queues_resize(struct vdcm_vdev *vdev, uint32_t n);
int vdcm_queue_apply(struct vdcm_vdev *vdev, uint32_t q);
int vdcm_queue_reset(struct vdcm_vdev *vdev, uint32_t q);

/* qpasid.c: the queues' guest PASID registers (vdev_regs.h, VDEV_Q_PASID) */
int vdcm_qpasid_write(struct vdcm_vdev *vdev, uint32_t q, uint32_t val);
/* Does any queue run on a guest PASID (PASID_EN)? */
bool vdcm_qpasid_any(const struct vdcm_vdev *vdev);
/* Queue q leaves its guest PASID (reset paths): register 0, reference
 * dropped. The caller programs the ADI. */
void vdcm_qpasid_clear(struct vdcm_vdev *vdev, uint32_t q);
int vdcm_queues_sync(struct vdcm_vdev *vdev);

/* irq.c */
void vdcm_irq_init(struct vdcm_vdev *vdev);
void vdcm_irq_disarm_all(struct vdcm_vdev *vdev);
int vdcm_irq_get_info(struct vdcm_vdev *vdev, struct vfio_irq_info *info);
int vdcm_irq_set(struct vdcm_vdev *vdev, struct vfio_irq_set *set);
void vdcm_irq_signal(struct vdcm_vdev *vdev, uint32_t vector);
void vdcm_irq_deliver(struct vdcm_vdev *vdev, uint32_t vector);
int vdcm_irq_ims_sync(struct vdcm_vdev *vdev);
bool vdcm_irq_pending(struct vdcm_vdev *vdev, uint32_t vector);
void vdcm_irq_drop_latched_adi(struct vdcm_vdev *vdev, uint32_t adi);
void vdcm_irq_drop_latched(struct vdcm_vdev *vdev);


/* ioctl.c */
int vdcm_vdev_reset(struct vdcm_vdev *vdev);

/* vsva.c */
void vdcm_vsva_release(struct vdcm_vdev *vdev);

/* container.c */
void vdcm_container_unmap_all(struct vdcm_vdev *vdev);
const struct vdcm_map *vdcm_container_find(const struct vdcm_vdev *vdev,
				      uint64_t iova);

/* migration.c */
void vdcm_mig_init(struct vdcm_vdev *vdev);
void vdcm_mig_cleanup(struct vdcm_vdev *vdev);
int vdcm_mig_feature(struct vdcm_vdev *vdev, struct vfio_device_feature *f);

/* dirty.c */
int vdcm_dirty_feature(struct vdcm_vdev *vdev, struct vfio_device_feature *f);
void vdcm_dirty_cleanup(struct vdcm_vdev *vdev);

/* pin.c */
int vdcm_pin_init(struct vdcm_vdev *vdev);
void vdcm_pin_fini(struct vdcm_vdev *vdev);
int vdcm_pin_submit(struct vdcm_vdev *vdev, uint32_t q, uint32_t adi,
		    const void *desc);
void vdcm_pin_cancel(struct vdcm_vdev *vdev);
int vdcm_pin_mapping(struct vdcm_vdev *vdev, uint64_t iova, uint64_t size);
void vdcm_pin_complete(struct vdcm_vdev *vdev, uint32_t adi,
		       uint64_t completed_before);
void vdcm_pin_retire_all(struct vdcm_vdev *vdev, uint32_t adi);
void vdcm_pin_release(struct vdcm_vdev *vdev);

#endif /* VDCM_VDCM_INTERNAL_H */
