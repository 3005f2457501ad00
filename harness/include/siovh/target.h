/* SPDX-License-Identifier: MIT */
/*
 * The target API: what every check is written against, and what every
 * backend (ref, kernel, plugin:<.so>) implements. See DESIGN.md, "One spec,
 * many targets".
 *
 * A target is one instance of a backend, opened from a target spec string
 * ("ref", "ref:fault=ioasid-put-underflow", later "kernel", "plugin:x.so").
 * It exposes facets, each an ops table that is NULL when the backend lacks
 * it, and a feature mask that says which facets and optional behaviours it
 * has. A clause names the features it needs; the runner skips it, with the
 * missing feature's name as the reason, on a target without them.
 *
 * Facets are shaped like the Linux uAPI so that one check runs unchanged on
 * the in-process reference and on a kernel's file descriptors:
 *  - ioasid:      the IOASID core's C API (it has no uAPI), see ioasid.h
 *  - test:        test-only introspection (like IOMMU_TEST_CMD), see test.h
 *  - vfio_device: a VDEV driven like a VFIO device fd (ioctls with the
 *                 structs of linux/vfio.h, region pread/pwrite), created and
 *                 removed like an mdev through its parent's types
 *  - iommufd:     /dev/iommu: ioctls with the structs of linux/iommufd.h
 *  - pci:         the parent endpoint's config space (sysfs config file)
 *
 * Ownership: a target is opened and closed by the runner, once per check,
 * inside the check's child process. Everything a facet returns (sets,
 * devices) belongs to the target and dies with it.
 */
#ifndef SIOVH_TARGET_H
#define SIOVH_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "ioasid.h"
#include "test.h"

/*
 * PASID attach on a device cdev (the uAPI after 6.12): flag bit 0 of
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT / DETACH_IOMMUFD_PT names a PASID, in a
 * u32 after pt_id (attach) or after flags (detach). 6.12's linux/vfio.h
 * lacks them: these structs have the later uAPI's layout and serve with
 * either header; the first fields are those of 6.12's structs.
 */
#ifndef VFIO_DEVICE_ATTACH_PASID
#define VFIO_DEVICE_ATTACH_PASID	(1 << 0)
#endif
#ifndef VFIO_DEVICE_DETACH_PASID
#define VFIO_DEVICE_DETACH_PASID	(1 << 0)
#endif
struct siovh_vfio_attach_pt {
	uint32_t argsz;
	uint32_t flags;			/* VFIO_DEVICE_ATTACH_PASID */
	uint32_t pt_id;
	uint32_t pasid;
};
struct siovh_vfio_detach_pt {
	uint32_t argsz;
	uint32_t flags;			/* VFIO_DEVICE_DETACH_PASID */
	uint32_t pasid;
};

/* Bumped when struct siovh_target or a facet ops table changes layout. */
#define SIOVH_TARGET_ABI_VERSION 7

/* Features: one bit per facet, then optional behaviours within a facet. */
#define SIOVH_FEAT_IOASID		(1ull << 0)
#define SIOVH_FEAT_TEST_IOASID		(1ull << 1)
#define SIOVH_FEAT_IOASID_THREADS	(1ull << 2) /* ops callable from threads */
#define SIOVH_FEAT_VFIO_DEVICE		(1ull << 8)
#define SIOVH_FEAT_PCI_CONFIG		(1ull << 9)  /* the pci facet */
#define SIOVH_FEAT_TEST_VDEV		(1ull << 10) /* test.h vdev probes */
#define SIOVH_FEAT_VDEV_MIGRATION	(1ull << 11) /* VFIO migration v2 */
#define SIOVH_FEAT_VDEV_DIRTY		(1ull << 12) /* DMA logging */
#define SIOVH_FEAT_REF_ENGINE		(1ull << 13) /* siovdev descriptors */
#define SIOVH_FEAT_PAGE_REQUEST		(1ull << 14) /* the device sends PRI
						      * page requests */
#define SIOVH_FEAT_FAIL_NTH		(1ull << 15) /* test.h fail_nth:
						      * allocations can be
						      * made to fail */
#define SIOVH_FEAT_IOMMUFD		(1ull << 16)
#define SIOVH_FEAT_PARENT_REPROBE	(1ull << 17) /* test.h parent_reprobe:
						      * the VDCM's remove and
						      * probe */

/* Name of a single feature bit ("ioasid", "test-ioasid", ...), or NULL. */
const char *siovh_feature_name(uint64_t bit);

/* Name of a VFIO migration v2 device state (enum vfio_device_mig_state:
 * "STOP", "STOP_COPY", ...), or "?" for a value the uAPI does not have. */
const char *siovh_mig_state_name(uint32_t state);

/*
 * The VFIO-device facet. A VDEV is created from a parent's type by UUID (mdev
 * sysfs "create"), opened (the VMM's open of the device fd, which assigns it:
 * an AUX domain with its default PASID), driven with device ioctls
 * (VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_REGION_INFO, VFIO_DEVICE_GET_IRQ_INFO,
 * VFIO_DEVICE_SET_IRQS, VFIO_DEVICE_RESET, VFIO_DEVICE_FEATURE) and region
 * accesses at the offsets VFIO_DEVICE_GET_REGION_INFO reports (pread/pwrite
 * on the device fd; mmap of the sparse fast-path areas), released (the close
 * of the device fd) and removed (mdev sysfs "remove").
 *
 * Guest memory for the VDEV's DMA is mapped with the VFIO type1 container
 * ioctls (VFIO_IOMMU_MAP_DMA / VFIO_IOMMU_UNMAP_DMA / VFIO_IOMMU_DIRTY_PAGES)
 * on the VDEV's own container: each open VDEV is its own VM. In-process
 * targets take `vaddr` as an address of the calling process.
 *
 * Calls return 0 (or a byte count) or -errno, as the syscalls would.
 */
struct siovh_vdev;		/* opaque, owned by the target */

struct siovh_vfio_device_ops {
	/* Type names of the parent, NUL-separated, double-NUL terminated;
	 * -ENOSPC when len bytes cannot hold them all. */
	int (*list_types)(struct siovh_target *t, char *buf, size_t len);
	/* mdev_supported_types/TYPE/available_instances */
	int (*available_instances)(struct siovh_target *t, const char *type,
				   unsigned int *out);
	int (*create)(struct siovh_target *t, const char *type,
		      const uint8_t uuid[16], struct siovh_vdev **out);
	int (*remove)(struct siovh_target *t, struct siovh_vdev *vdev);
	int (*open)(struct siovh_target *t, struct siovh_vdev *vdev);
	int (*release)(struct siovh_target *t, struct siovh_vdev *vdev);
	/* cmd is a VFIO_DEVICE_* ioctl number; arg its struct. */
	int (*ioctl)(struct siovh_target *t, struct siovh_vdev *vdev,
		     unsigned long cmd, void *arg);
	ssize_t (*pread)(struct siovh_target *t, struct siovh_vdev *vdev,
			 void *buf, size_t len, uint64_t offset);
	ssize_t (*pwrite)(struct siovh_target *t, struct siovh_vdev *vdev,
			  const void *buf, size_t len, uint64_t offset);
	/*
	 * A mapping of the fast-path area at offset (an mmap of the device fd
	 * at a sparse-mmap area): NULL with errno set when offset..+len is not
	 * inside an area that VFIO_REGION_INFO_CAP_SPARSE_MMAP lists.
	 */
	void *(*mmap)(struct siovh_target *t, struct siovh_vdev *vdev,
		      uint64_t offset, size_t len);
	int (*munmap)(struct siovh_target *t, struct siovh_vdev *vdev,
		      void *addr, size_t len);
	/* VFIO_IOMMU_* ioctls on the VDEV's container (type1 structs). */
	int (*container_ioctl)(struct siovh_target *t, struct siovh_vdev *vdev,
			       unsigned long cmd, void *arg);
};

/*
 * The PCI facet: the parent (physical SIOV endpoint)'s configuration space,
 * like pread/pwrite on /sys/bus/pci/devices/BDF/config. Sizes 1, 2 or 4 at
 * naturally aligned offsets below 4096.
 */
struct siovh_pci_ops {
	ssize_t (*cfg_read)(struct siovh_target *t, void *buf, size_t len,
			    uint64_t offset);
	ssize_t (*cfg_write)(struct siovh_target *t, const void *buf, size_t len,
			     uint64_t offset);
	/* The device profile (JSON text) the parent is expected to meet. */
	const char *(*profile_path)(struct siovh_target *t);
};

/*
 * The iommufd facet: one /dev/iommu instance per target; cmd is an IOMMU_*
 * ioctl number and arg its struct, with the uAPI's rules (leading size
 * field, zeroed trailing bytes, unknown flags rejected); IOMMU_IOAS_MAP_FILE
 * takes struct siovh_ioas_map_file (siovh/iommufd_uapi.h) and a fd of the
 * calling process. The VFIO type1 container numbers (VFIO_GET_API_VERSION,
 * CHECK_EXTENSION and SET_IOMMU with an integer arg, VFIO_IOMMU_GET_INFO,
 * MAP_DMA, UNMAP_DMA with their structs) go through ioctl too, as on
 * Linux's /dev/iommu; a non-negative result is the ioctl's return value. Devices to bind
 * come from the vfio_device facet: device_ioctl is an ioctl on the VDEV's
 * cdev (VFIO_DEVICE_BIND_IOMMUFD, whose iommufd field names the target's
 * one instance with any fd >= 0; VFIO_DEVICE_ATTACH/DETACH_IOMMUFD_PT with
 * struct siovh_vfio_attach_pt / siovh_vfio_detach_pt). The VDEV must be
 * open; its release (the cdev's close) unbinds it. fault_read/fault_write
 * are read()/write() on an IOMMU_FAULT_QUEUE_ALLOC out_fault_fd: records
 * struct iommu_hwpt_pgfault / iommu_hwpt_page_response; bytes or -errno
 * (-EAGAIN: nothing to read; -EBADF: not a queue's open fd). out_fault_fd
 * is a descriptor of the calling process that the caller closes with
 * close(2), as with the kernel's; while it is open it holds its queue
 * (IOMMU_DESTROY -EBUSY). Those still open when the target closes go
 * with it.
 *
 * test_device (optional, NULL when the backend has none): bind a test-only
 * device to the target's /dev/iommu and attach it to pt_id (an IOAS, which
 * then gets an automatic paging HWPT, or a paging HWPT), like the kernel's
 * IOMMUFD_TEST mock device. *dev_id gets its device object ID, *hwpt_id
 * the HWPT it is attached to. It stays bound until the target closes. For
 * clauses that need a device attached only so that an IOAS takes on an
 * IOMMU domain's constraints (IOVA alignment, reserved ranges): a target
 * whose IOAS always behaves as attached (the reference, iommufd.h) leaves
 * it NULL. 0 or -errno (-ENOTTY: the kernel has no such device).
 *
 * test_dirty (optional, NULL when the backend has none): what dirty
 * tracking sees of a write by the test device to the page at iova through
 * the paging HWPT hwpt_id (a HWPT of the test device's IOMMU): the page is
 * marked dirty, as the kernel's IOMMUFD_TEST IOMMU_TEST_OP_DIRTY marks a
 * mock domain's entry; no data moves. Only while the HWPT tracks (-EINVAL
 * otherwise, as the mock refuses); -ENOENT when nothing is mapped there.
 * For the dirty-tracking clauses on a target without a DMA engine.
 *
 * test_access_* (optional, all or none; NULL when the backend has none):
 * a test-only in-kernel user of an IOAS, the "access" through which an
 * emulated device (an mdev, a VDCM's slow path: vfio_pin_pages,
 * vfio_dma_rw) reaches user memory without an IOMMU domain, like the
 * kernel's IOMMUFD_TEST access (IOMMU_TEST_OP_CREATE_ACCESS and the ops
 * after it). Its unmap notification behaves as a careful driver's: when
 * UNMAP (or a replace) touches a range it pins, it unpins every pin that
 * meets the range, whole. The handle *access is the backend's (the
 * kernel's test access fd), not an object ID a clause could destroy.
 *  - create: attach a new access to IOAS ioas_id (-ENOENT when that is no
 *    IOAS); flags SIOVH_ACCESS_PIN_PAGES for a user that pins (pin needs
 *    it: -EOPNOTSUPP without), SIOVH_ACCESS_KEEP_PINS for a user whose
 *    unmap notification unpins nothing (a driver bug; a backend that
 *    cannot build one: -EOPNOTSUPP), other bits -EOPNOTSUPP. The access
 *    holds its IOAS: IOMMU_DESTROY of it is -EBUSY until the access is
 *    destroyed or replaced onto another IOAS.
 *  - destroy: the user unpins what it holds, and the access goes.
 *  - replace: move the access to IOAS ioas_id (-ENOENT for no IOAS: the
 *    access stays where it was); its pins in the old IOAS are dropped
 *    through its unmap notification; the same IOAS is a no-op.
 *  - pin: pin [iova, iova + length) (length at most 16 MiB), for writing
 *    with SIOVH_ACCESS_WRITE; *pin_id names it for unpin. When uptr is not
 *    NULL the target checks that the pinned pages are those behind uptr
 *    (-EBADE otherwise, nothing pinned), as the kernel's test compares
 *    struct pages.
 *  - unpin: undo pin pin_id (-ENOENT: no such pin, e.g. one the unmap
 *    notification already dropped).
 *  - rw: copy len bytes (at most 16 MiB) from IOVA iova into buf, or with
 *    SIOVH_ACCESS_WRITE from buf to IOVA iova: the bytes land in (come
 *    from) the user memory mapped there. SIOVH_ACCESS_FOREIGN: the copy
 *    is made as from outside the user's process (an emulation thread's
 *    vfio_dma_rw; the kernel's test takes its slow path, through pinned
 *    pages); the same bytes must move.
 * pin and rw: 0 or -errno as the IOAS's iommufd answers them (iommufd.h
 * of the reference states the rules: -EINVAL, -EOVERFLOW, -ENOENT,
 * -EPERM).
 */
#define SIOVH_ACCESS_PIN_PAGES	(1u << 0)	/* create */
#define SIOVH_ACCESS_KEEP_PINS	(1u << 1)	/* create */
#define SIOVH_ACCESS_WRITE	(1u << 0)	/* pin, rw */
#define SIOVH_ACCESS_FOREIGN	(1u << 1)	/* rw */

/*
 * The vIOMMU (IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC, IOMMU_VEVENTQ_ALLOC
 * and the HWPT_ALLOC / HWPT_INVALIDATE forms on a vIOMMU, Linux 6.13+;
 * structs in siovh/iommufd_viommu.h) goes through ioctl; what the clauses
 * need beyond it (all optional, NULL when the backend has none):
 *
 * viommu_caps: what the target's IOMMU speaks, in struct siovh_viommu_caps
 * (below). 0, or -errno when the target has no vIOMMU: -ENOTTY the
 * /dev/iommu lacks IOMMU_VIOMMU_ALLOC (kernels before 6.13), -ENODEV no
 * device to back one (a kernel without the IOMMUFD_TEST mock).
 *
 * vevent_trigger: make the IOMMU report an event for the device dev_id
 * (a test device of test_device, or a VDEV bound to /dev/iommu) to the
 * vIOMMU of the nested HWPT (allocated on that vIOMMU) the device is
 * attached to at its RID (default PASID), naming the device by its
 * vDEVICE's virt_id, as a translation fault the device's DMA caused
 * would; like the kernel's IOMMU_TEST_OP_TRIGGER_VEVENT. 0 reported;
 * -ENOENT the device is not attached so or has no vDEVICE there (a
 * kernel's mock also for virt_id 0); -EOPNOTSUPP the vIOMMU has no
 * vEVENTQ of caps.veventq_type (the event is dropped).
 *
 * vevent_read: read() on an IOMMU_VEVENTQ_ALLOC out_veventq_fd: headers
 * (struct siovh_vevent_header) each followed by an event's data; bytes or
 * -errno (-EBADF: not a vEVENTQ's open fd). What an empty queue reads is
 * left to the target (the reference -EAGAIN, Linux 0). The fd is the
 * caller's to close(2), as out_fault_fd is.
 *
 * mmap / munmap: mmap(2) of the /dev/iommu fd (MAP_SHARED or not as
 * flags say) at offset, and munmap(2) of such a mapping: for the pages a
 * vIOMMU's type data asked for (caps.mmio_*). NULL with errno set / 0 or
 * -errno. Mappings still there when the target closes go with it.
 *
 * test_replace: move the test device dev_id (of test_device) to pt_id
 * (any HWPT, or an IOAS), like the kernel's mock replace; a target that
 * binds VDEVs only (the reference) leaves it NULL and the clauses attach
 * through the VDEV's cdev. 0 or -errno.
 */
struct siovh_viommu_caps {
	uint32_t viommu_type;		/* IOMMU_VIOMMU_ALLOC type */
	uint32_t nested_type;		/* HWPT_ALLOC data_type on a vIOMMU */
	uint32_t nested_len;		/* bytes of nested */
	uint8_t nested[64];		/* data of a valid nested HWPT */
	uint32_t inv_type;		/* HWPT_INVALIDATE data_type on it */
	uint32_t inv_len;		/* bytes of one entry */
	uint32_t inv_virt_id_off;	/* offset of the entry's u32 virt_id */
	uint8_t inv[64];		/* an entry that flushes the caches of
					 * the vDEVICE at inv_virt_id_off */
	uint32_t veventq_type;		/* what vevent_trigger reports */
	uint32_t vevent_len;		/* data bytes of one event; its
					 * first u32 is the virt_id (low
					 * 32 bits) */
	uint32_t hw_queue_type;		/* IOMMU_HW_QUEUE_ALLOC type; 0: the
					 * IOMMU has no HW queues */
	uint32_t hw_queues;		/* indexes 0..hw_queues-1, allocated
					 * in ascending order */
	uint32_t mmio_data_len;		/* 0: no MMIO page to mmap */
	uint8_t mmio_data[32];		/* VIOMMU_ALLOC type data asking for
					 * the vIOMMU's MMIO page(s) */
	uint32_t mmio_offset_off;	/* where the data gets the u64 mmap
					 * offset back */
	uint32_t mmio_length_off;	/* ... and the u64 length */
};

struct siovh_iommufd_ops {
	int (*ioctl)(struct siovh_target *t, unsigned long cmd, void *arg);
	int (*device_ioctl)(struct siovh_target *t, struct siovh_vdev *vdev,
			    unsigned long cmd, void *arg);
	ssize_t (*fault_read)(struct siovh_target *t, int fd, void *buf,
			      size_t len);
	ssize_t (*fault_write)(struct siovh_target *t, int fd, const void *buf,
			       size_t len);
	int (*test_device)(struct siovh_target *t, uint32_t pt_id,
			   uint32_t *dev_id, uint32_t *hwpt_id);
	int (*test_dirty)(struct siovh_target *t, uint32_t hwpt_id,
			  uint64_t iova);
	int (*test_access_create)(struct siovh_target *t, uint32_t ioas_id,
				  uint32_t flags, int *access);
	int (*test_access_destroy)(struct siovh_target *t, int access);
	int (*test_access_replace)(struct siovh_target *t, int access,
				   uint32_t ioas_id);
	int (*test_access_pin)(struct siovh_target *t, int access,
			       uint64_t iova, uint64_t length, uint32_t flags,
			       const void *uptr, uint32_t *pin_id);
	int (*test_access_unpin)(struct siovh_target *t, int access,
				 uint32_t pin_id);
	int (*test_access_rw)(struct siovh_target *t, int access,
			      uint64_t iova, void *buf, uint64_t len,
			      uint32_t flags);
	/* ABI 7: the vIOMMU (above) */
	int (*viommu_caps)(struct siovh_target *t,
			   struct siovh_viommu_caps *caps);
	int (*vevent_trigger)(struct siovh_target *t, uint32_t dev_id);
	ssize_t (*vevent_read)(struct siovh_target *t, int fd, void *buf,
			       size_t len);
	int (*test_replace)(struct siovh_target *t, uint32_t dev_id,
			    uint32_t pt_id);
	void *(*mmap)(struct siovh_target *t, uint64_t offset, size_t len,
		      int prot, int flags);
	int (*munmap)(struct siovh_target *t, void *addr, size_t len);
};

struct siovh_backend;

struct siovh_target {
	const struct siovh_backend *backend;
	uint64_t features;
	const struct siovh_ioasid_ops *ioasid;
	const struct siovh_test_ops *test;
	const struct siovh_vfio_device_ops *vfio_device;
	const struct siovh_iommufd_ops *iommufd;
	const struct siovh_pci_ops *pci;
	void *priv;			/* backend state */
};

/*
 * A parsed target spec: which backend, and the injected fault (ref only).
 * Parsing happens in the runner's parent so that a bad spec is a usage
 * error (exit 2) before anything runs.
 */
struct siovh_target_spec {
	const struct siovh_backend *backend;
	char text[256];			/* the spec as the user wrote it */
	int fault;			/* index into the backend's faults; -1 none */
	char arg[256];			/* backend argument (plugin path, ...) */
};

/* A named, deliberate deviation of the reference (DESIGN.md, "Fault"). */
struct siovh_fault {
	const char *name;		/* "ioasid-put-underflow" */
	const char *facet;		/* "ioasid" */
	const char *summary;		/* the bug, in one line */
	int code;			/* the module's own fault code */
};

struct siovh_backend {
	const char *name;		/* "ref" */
	const char *summary;
	const struct siovh_fault *faults; /* NULL-name terminated, or NULL */
	/* Fill t (facets, features, priv). 0 or -errno. */
	int (*open)(const struct siovh_target_spec *spec, struct siovh_target *t);
	void (*close)(struct siovh_target *t);
	/*
	 * Optional: why the open target t lacks feature (one bit), in one
	 * line ("no uAPI: the IOASID core is in-kernel"), or NULL. The runner
	 * appends it to the skip reason of a clause that needs the feature.
	 * The string lives at least until close.
	 */
	const char *(*lacks)(const struct siovh_target *t, uint64_t feature);
};

/*
 * Parse "NAME[:key=value,...]". On error returns -EINVAL and writes a
 * one-line message naming the bad part into err.
 */
int siovh_target_parse(const char *text, struct siovh_target_spec *spec,
		       char *err, size_t errlen);
int siovh_target_open(const struct siovh_target_spec *spec,
		      struct siovh_target *t);
void siovh_target_close(struct siovh_target *t);

/* Registered backends, NULL-terminated. */
extern const struct siovh_backend *const siovh_backends[];

#endif /* SIOVH_TARGET_H */
