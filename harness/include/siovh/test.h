/* SPDX-License-Identifier: MIT */
/*
 * The test-only introspection facet: what a check may look at but a real
 * user of the API cannot, like the kernel's IOMMU_TEST_CMD. A check that needs
 * it declares SIOVH_FEAT_TEST_IOASID and is skipped on targets without it.
 */
#ifndef SIOVH_TEST_H
#define SIOVH_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "ioasid.h"

enum siovh_ioasid_state {
	SIOVH_IOASID_STATE_FREE = 0,	/* allocatable */
	SIOVH_IOASID_STATE_ACTIVE = 1,
	SIOVH_IOASID_STATE_FREE_PENDING = 2, /* freed, references outstanding */
};

struct siovh_ioasid_probe {
	enum siovh_ioasid_state state;
	uint32_t refs;
	siovh_ioasid_t spid;		/* SIOVH_INVALID_IOASID if none */
	struct siovh_ioasid_set *set;	/* NULL when FREE */
	void *private;
};

struct siovh_ioasid_set_probe {
	uint32_t quota;
	uint32_t nr_ids;		/* active + free-pending IDs */
	uint32_t refs;
};

/*
 * The hardware under a VDCM, as only a test can see it: what each ADI of
 * the parent holds, the order in which the VDCM programmed it, and what
 * the IOMMU recorded. Needs SIOVH_FEAT_TEST_VDEV.
 */
#define SIOVH_VDEV_MAX_ADIS 16

struct siovh_parent_probe {
	uint32_t nr_adis;		/* ADIs the parent has */
	uint32_t free_adis;		/* not held by any VDEV */
	uint32_t nr_vdevs;		/* created, not removed */
	uint32_t pasid_enabled;		/* parent PASID capability enabled */
	uint64_t pinned_pages;		/* pages pinned by all VDEVs */
	uint64_t iommu_faults;		/* unrecoverable faults recorded */
};

struct siovh_vdev_probe {
	uint32_t open;			/* assigned: between open and release */
	uint32_t nr_adis;
	uint32_t adis[SIOVH_VDEV_MAX_ADIS]; /* parent ADI indices it holds */
	uint32_t default_pasid;		/* AUX domain's PASID (open only) */
	uint32_t cur_queues, max_queues;/* resource scaling (002) */
	uint64_t pinned_pages;
	uint32_t migration_state;	/* enum vfio_device_mig_state */
};

struct siovh_adi_probe {
	uint32_t enabled;
	uint32_t pasid_valid;		/* the ADI's PASID register is live */
	uint32_t pasid;
	uint32_t queued;		/* descriptors waiting */
	uint32_t ims_masked;		/* bit n: IMS entry n of the ADI masked */
	uint32_t page_wait;		/* a descriptor waits for a page response */
};

/* The hardware operations an ADI saw, oldest first (a bounded log). */
enum siovh_adi_event_kind {
	SIOVH_ADI_EV_PASID_SET = 1,	/* arg: the PASID */
	SIOVH_ADI_EV_PASID_CLEAR,	/* the PASID invalidated in the ADI */
	SIOVH_ADI_EV_ENABLE,
	SIOVH_ADI_EV_DISABLE,
	SIOVH_ADI_EV_DRAIN,
	SIOVH_ADI_EV_RESET,
	SIOVH_ADI_EV_DMA,		/* arg: the PASID the DMA carried */
	SIOVH_ADI_EV_IRQ,		/* arg: the IMS entry */
	SIOVH_ADI_EV_PASID_DETACH,	/* IOMMU: PASID entry torn down; arg */
	SIOVH_ADI_EV_PAGE_REQ,		/* PRI request sent; arg: PRG index */
	SIOVH_ADI_EV_PAGE_RESP,		/* PRI response taken; arg: its code */
};

struct siovh_adi_event {
	uint32_t kind;			/* enum siovh_adi_event_kind */
	uint32_t arg;
	uint64_t seq;			/* global order across ADIs */
};

/* An unrecoverable DMA fault the IOMMU recorded. */
struct siovh_dma_fault {
	uint32_t pasid;
	uint32_t pasid_valid;
	uint64_t addr;
	uint32_t write;
	uint32_t reason;		/* backend-defined, nonzero */
};

struct siovh_vdev;

struct siovh_test_ops {
	/* Any ID in [0, capacity); -EINVAL beyond. */
	int (*ioasid_probe)(struct siovh_target *t, siovh_ioasid_t id,
			    struct siovh_ioasid_probe *out);
	int (*ioasid_set_probe)(struct siovh_target *t,
				struct siovh_ioasid_set *set,
				struct siovh_ioasid_set_probe *out);

	/* VDCM introspection (SIOVH_FEAT_TEST_VDEV). */
	int (*parent_probe)(struct siovh_target *t,
			    struct siovh_parent_probe *out);
	int (*vdev_probe)(struct siovh_target *t, struct siovh_vdev *vdev,
			  struct siovh_vdev_probe *out);
	int (*adi_probe)(struct siovh_target *t, uint32_t adi,
			 struct siovh_adi_probe *out);
	/* Copy up to max events of the ADI's log; *n gets how many. */
	int (*adi_trace)(struct siovh_target *t, uint32_t adi,
			 struct siovh_adi_event *ev, size_t max, size_t *n);
	/* Pop the oldest recorded DMA fault; -ENOENT when none. */
	int (*dma_fault_pop)(struct siovh_target *t,
			     struct siovh_dma_fault *out);

	/*
	 * Allocation-failure injection (SIOVH_FEAT_FAIL_NTH), the target's
	 * form of the kernel's /proc/thread-self/fail-nth: the nth memory
	 * allocation the target makes for the calling thread from now on
	 * fails (1: the next one); nth 0 disarms. *left (when not NULL) gets
	 * what remained of the previous arming: 0 when that allocation did
	 * fail (or nothing was armed), else how many it still waited for.
	 * An operation whose allocation fails must fail with -ENOMEM and
	 * leave no partial object: that is what the clauses that use this
	 * check (the *.ENOMEM.* clauses). 0 or -errno.
	 *
	 * The reference counts the allocations of its modules (harness/ref/
	 * alloc/alloc.h). The kernel backend maps it onto a read and a write
	 * of /proc/thread-self/fail-nth (harness/backends/kernel_fail_nth.h),
	 * as the kernel's iommufd selftests do: there every fault-injection
	 * point the thread passes counts (slab allocations, page allocations
	 * of order >= 1), in whatever syscall the op makes, and an op may
	 * succeed after one failed when the kernel has a fallback.
	 */
	int (*fail_nth)(struct siovh_target *t, unsigned int nth,
			unsigned int *left);

	/*
	 * Remove the VDCM from its parent and probe it again
	 * (SIOVH_FEAT_PARENT_REPROBE): the driver model's unbind then bind of
	 * the parent's driver (echo BDF > /sys/bus/pci/drivers/DRV/unbind,
	 * then .../bind). The VDCM is a driver bound to the parent: its probe
	 * "registers parent operations to mdev core driver" (seeds/000,
	 * "What's missing?"), its remove unregisters them, which "will unbind
	 * and destroy all the created mdevs" (the kernel's
	 * Documentation/driver-api/vfio-mediated-device.rst,
	 * mdev_unregister_parent). So remove takes every VDEV away: an open
	 * one is released first (vfio_unregister_group_dev waits for the
	 * user's close of the device fd; an in-process target closes it for
	 * the user, which also unbinds it from /dev/iommu, destroying its
	 * iommufd device object), then removed, and every siovh_vdev handle
	 * from before is stale: like a closed fd's number, a later create may
	 * hand the value out again; until then the facet's calls on it fail
	 * with -ENODEV.
	 *
	 * Then probe: 0, the parent has a VDCM again (its types, an idle
	 * ADI pool); or -errno, the probe failed and, as the driver model
	 * requires of a probe() that fails ("it should have released all
	 * resources it allocated", Documentation/driver-api/driver-model/
	 * driver.rst), left the parent with no VDCM: list_types,
	 * available_instances and create fail with -ENODEV, and so do the
	 * test facet's parent_probe, adi_probe and adi_trace. A later call
	 * probes again (its remove has nothing to take away).
	 *
	 * The kernel backend leaves it NULL: its form would be that sysfs
	 * unbind and bind of a parent the user named (--target
	 * kernel:device=BDF), which it does not do.
	 */
	int (*parent_reprobe)(struct siovh_target *t);

	/*
	 * Optional: is err what an armed point that is no memory allocation
	 * gives? A kernel built with CONFIG_IOMMUFD_TEST has such points of
	 * its own in iommufd (its fail_iommufd attribute, which fail-nth
	 * counts like any other: an object lookup that fails with -ENOENT,
	 * a page pin with -EFAULT, an xarray store with -EINVAL). A walk
	 * takes err from such a point as it takes -ENOMEM: the call must
	 * still leave nothing behind. NULL: every point is an allocation.
	 */
	bool (*fail_nth_other)(struct siovh_target *t, int err);

	/*
	 * Optional: the VDCM's host-side, guest-transparent queue scaling
	 * (seeds/002, "Resource Scaling"): the VDEV keeps its maxQ queues
	 * and its CURQ register, as the guest knows them, while curQ, the
	 * ADIs it holds, becomes n; virtual queue v then runs on held ADI
	 * v mod n. -EINVAL for n outside [1, maxQ], -ENOSPC when the parent
	 * has too few free ADIs (nothing changed), -EBUSY while the VDEV is
	 * quiesced for migration (not RUNNING) or a queue runs on a guest
	 * PASID (such a queue owns its ADI). A real VDCM offers this through
	 * its own management interface (sysfs, a vendor tool), which has no
	 * common form: the kernel backend leaves it NULL.
	 */
	int (*vdev_set_queues)(struct siovh_target *t, struct siovh_vdev *vdev,
			       uint32_t n);
};

#endif /* SIOVH_TEST_H */
