/* SPDX-License-Identifier: MIT */
/*
 * The vIOMMU part of the iommufd uAPI (Linux 6.13 and later: the
 * IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC, IOMMU_VEVENTQ_ALLOC and
 * IOMMU_HW_QUEUE_ALLOC ioctls, the vEVENT read format), for builds
 * against an older linux/iommufd.h.
 *
 * The host build uses bookworm-backports' 6.12 headers, which predate the
 * vIOMMU; a VM build uses the kernel's own (vm-images/vm.mk). So the
 * harness names these structs itself, siovh_-prefixed, with the layout
 * the uAPI defines (documented field by field in linux/iommufd.h of 7.x:
 * "struct iommu_viommu_alloc", "struct iommu_vdevice_alloc", "struct
 * iommu_veventq_alloc", "struct iommufd_vevent_header"); when the header
 * has them, the sizes and offsets are checked against it at compile time,
 * so a uAPI change breaks the build instead of the clauses.
 */
#ifndef SIOVH_IOMMUFD_VIOMMU_H
#define SIOVH_IOMMUFD_VIOMMU_H

#include <stddef.h>
#include <stdint.h>

#include <linux/iommufd.h>

/* The command numbers (enum iommufd_cmd of the later headers). */
#define SIOVH_CMD_VIOMMU_ALLOC		0x90
#define SIOVH_CMD_VDEVICE_ALLOC		0x91
#define SIOVH_CMD_VEVENTQ_ALLOC		0x93
#define SIOVH_CMD_HW_QUEUE_ALLOC	0x94

#define SIOVH_IOMMU_VIOMMU_ALLOC	_IO(IOMMUFD_TYPE, SIOVH_CMD_VIOMMU_ALLOC)
#define SIOVH_IOMMU_VDEVICE_ALLOC	_IO(IOMMUFD_TYPE, SIOVH_CMD_VDEVICE_ALLOC)
#define SIOVH_IOMMU_VEVENTQ_ALLOC	_IO(IOMMUFD_TYPE, SIOVH_CMD_VEVENTQ_ALLOC)
#define SIOVH_IOMMU_HW_QUEUE_ALLOC	_IO(IOMMUFD_TYPE, SIOVH_CMD_HW_QUEUE_ALLOC)

/* Type 0 of enum iommu_viommu_type and enum iommu_veventq_type is
 * IOMMU_*_TYPE_DEFAULT, "reserved for future use": never a valid type. */
#define SIOVH_VIOMMU_TYPE_DEFAULT	0
#define SIOVH_VEVENTQ_TYPE_DEFAULT	0
#define SIOVH_HW_QUEUE_TYPE_DEFAULT	0

/* IOMMU_VEVENTQ_FLAG_LOST_EVENTS of struct iommufd_vevent_header. */
#define SIOVH_VEVENTQ_FLAG_LOST_EVENTS	(1u << 0)
/* Sequence indexes run over [0, INT_MAX], then start at 0 again. */
#define SIOVH_VEVENT_SEQ_MASK		0x7fffffffu

/* IOMMU_VIOMMU_ALLOC: a vIOMMU of type over the nesting parent hwpt_id,
 * backed by dev_id's physical IOMMU. */
struct siovh_viommu_alloc {
	uint32_t size;
	uint32_t flags;			/* must be 0 */
	uint32_t type;
	uint32_t dev_id;
	uint32_t hwpt_id;
	uint32_t out_viommu_id;
	uint32_t data_len;		/* type-specific data */
	uint32_t __reserved;		/* must be 0 */
	uint64_t data_uptr;
};

/* IOMMU_VDEVICE_ALLOC: dev_id's virtual instance on viommu_id, known to
 * the guest by virt_id (VT-d: the vRID). */
struct siovh_vdevice_alloc {
	uint32_t size;
	uint32_t viommu_id;
	uint32_t dev_id;
	uint32_t out_vdevice_id;
	uint64_t virt_id;
};

/* IOMMU_VEVENTQ_ALLOC: the vIOMMU's queue of events of one type. */
struct siovh_veventq_alloc {
	uint32_t size;
	uint32_t flags;			/* must be 0 */
	uint32_t viommu_id;
	uint32_t type;
	uint32_t veventq_depth;
	uint32_t out_veventq_id;
	uint32_t out_veventq_fd;
	uint32_t __reserved;		/* must be 0 */
};

/* IOMMU_HW_QUEUE_ALLOC (7.x): a queue the IOMMU hardware reads straight
 * from guest memory at nesting_parent_iova (an IOVA of the vIOMMU's
 * parent), one per index and type of a vIOMMU. */
struct siovh_hw_queue_alloc {
	uint32_t size;
	uint32_t flags;			/* must be 0 */
	uint32_t viommu_id;
	uint32_t type;
	uint32_t index;
	uint32_t out_hw_queue_id;
	uint64_t nesting_parent_iova;
	uint64_t length;
};

/* What read() of out_veventq_fd returns before each event's data. */
struct siovh_vevent_header {
	uint32_t flags;			/* SIOVH_VEVENTQ_FLAG_* */
	uint32_t sequence;
};

/* Where the kernel's headers have the structs, ours must match them. */
#define SIOVH_SAME_FIELD(a, b, f) \
	_Static_assert(offsetof(struct a, f) == offsetof(struct b, f), \
		       #a "." #f " moved in linux/iommufd.h")
#ifdef IOMMU_VIOMMU_ALLOC
_Static_assert(sizeof(struct siovh_viommu_alloc) ==
	       sizeof(struct iommu_viommu_alloc), "iommu_viommu_alloc");
SIOVH_SAME_FIELD(siovh_viommu_alloc, iommu_viommu_alloc, data_uptr);
SIOVH_SAME_FIELD(siovh_viommu_alloc, iommu_viommu_alloc, out_viommu_id);
_Static_assert(sizeof(struct siovh_vdevice_alloc) ==
	       sizeof(struct iommu_vdevice_alloc), "iommu_vdevice_alloc");
SIOVH_SAME_FIELD(siovh_vdevice_alloc, iommu_vdevice_alloc, virt_id);
_Static_assert(SIOVH_IOMMU_VIOMMU_ALLOC == IOMMU_VIOMMU_ALLOC, "number");
_Static_assert(SIOVH_IOMMU_VDEVICE_ALLOC == IOMMU_VDEVICE_ALLOC, "number");
#endif
#ifdef IOMMU_VEVENTQ_ALLOC
_Static_assert(sizeof(struct siovh_veventq_alloc) ==
	       sizeof(struct iommu_veventq_alloc), "iommu_veventq_alloc");
SIOVH_SAME_FIELD(siovh_veventq_alloc, iommu_veventq_alloc, out_veventq_fd);
_Static_assert(sizeof(struct siovh_vevent_header) ==
	       sizeof(struct iommufd_vevent_header), "iommufd_vevent_header");
_Static_assert(SIOVH_IOMMU_VEVENTQ_ALLOC == IOMMU_VEVENTQ_ALLOC, "number");
#endif

#ifdef IOMMU_HW_QUEUE_ALLOC
_Static_assert(sizeof(struct siovh_hw_queue_alloc) ==
	       sizeof(struct iommu_hw_queue_alloc), "iommu_hw_queue_alloc");
SIOVH_SAME_FIELD(siovh_hw_queue_alloc, iommu_hw_queue_alloc, length);
_Static_assert(SIOVH_IOMMU_HW_QUEUE_ALLOC == IOMMU_HW_QUEUE_ALLOC, "number");
#endif
#undef SIOVH_SAME_FIELD

#endif /* SIOVH_IOMMUFD_VIOMMU_H */
