/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the vSVA clauses of the iommufd facet (hwpt.c, device.c,
 * hwinfo.c, invalidate.c, fault.c, lifetime.c): a VDEV bound to /dev/iommu
 * with guest memory in an IOAS, paging and nested HWPTs, a guest VT-d
 * stage-1 table in that memory, and DMA by the reference engine's
 * descriptors (specs/vdcm/engine.h) through the VDEV's fast path.
 *
 * Guest memory: VS_PAGES pages of user memory mapped at GPA (IOAS IOVA)
 * VS_GPA. Pages 0-3 hold a 4-level stage-1 table (PML4, PDPT, PD, PT);
 * data page i (page 4 + i) is mapped at guest VA VS_GVA + i * 4 KiB.
 */
#ifndef SIOVH_SPECS_IOMMUFD_VSVA_H
#define SIOVH_SPECS_IOMMUFD_VSVA_H

#include "specs/vdcm/engine.h"
#include "common.h"

#define SEED004 "004_d7665fa33c8ab8d9.txt, "
#define SRC_VSVA(x) SEED004 "\"" x "\""
#define SRC_VFIO_H(x) "linux/vfio.h, " x
#define NEEDS_VSVA (NEEDS_IOMMUFD | NEEDS_ENGINE)
/* ... and a device that sends page requests: a parent with PRI. */
#define NEEDS_PRQ (NEEDS_VSVA | SIOVH_FEAT_PAGE_REQUEST)

#define VS_PAGES	20
#define VS_DATA		(VS_PAGES - 4)	/* data pages */
#define VS_GPA		0x10000000ull
#define VS_GVA		0x40000000ull	/* PML4[0], PDPT[1], PD[0] */
#define VS_PTE_FLAGS	0x7ull		/* P | RW | US */

struct vs {
	struct vd d;
	uint8_t *mem;
	uint32_t ioas, dev_id, parent, nested;
};

/* VFIO device cdev ioctls (iommufd facet's device_ioctl). */
int dev_bind(struct siovh_check *check, struct vd *d, uint32_t *dev_id);
int dev_attach(struct siovh_check *check, struct vd *d, bool has_pasid,
	       uint32_t pasid, uint32_t pt_id);
int dev_detach(struct siovh_check *check, struct vd *d, bool has_pasid,
	       uint32_t pasid);

/* IOMMU_HWPT_ALLOC: paging on an IOAS; nested (VTD_S1) on a parent. */
int hwpt_paging(struct siovh_check *check, uint32_t dev_id, uint32_t ioas,
		uint32_t flags, uint32_t *out);
int hwpt_nested(struct siovh_check *check, uint32_t dev_id, uint32_t parent,
		const void *data, uint32_t data_len, uint32_t flags,
		uint32_t fault_id, uint32_t *out);
/* The VTD_S1 data of the guest table of vs.h's layout. */
struct iommu_hwpt_vtd_s1 vs_s1(void);

/*
 * A VDEV (queue 0 enabled) bound to /dev/iommu, guest memory mapped in a
 * fresh IOAS; SKIP without the facets. The stage-1 table is written in
 * guest memory. Nothing attached yet.
 */
void vs_up(struct siovh_check *check, struct vs *s);
/*
 * For a clause that needs only a bound device's dev_id and an IOAS
 * (s->dev_id, s->ioas): the target's test device attached to a fresh IOAS
 * where it has one (a kernel's IOMMUFD_TEST mock), else vs_up's VDEV;
 * SKIP without either.
 */
void vs_any_dev(struct siovh_check *check, struct vs *s);
/* The same on a VDEV of type ty (UUID number uuid), queues 0..queues-1
 * enabled. */
void vs_up_on(struct siovh_check *check, struct vs *s,
	      const struct siovh_profile_type *ty, unsigned int uuid,
	      uint32_t queues);
/* + a NEST_PARENT paging HWPT on the IOAS, attached at the default PASID. */
void vs_paging(struct siovh_check *check, struct vs *s);
/* + a nested HWPT (fault_id if nonzero) over it, attached instead. */
void vs_nested(struct siovh_check *check, struct vs *s, uint32_t fault_id);

/* Data page i in host memory; the stage-1 PTE of guest VA page i. */
uint8_t *vs_page(struct vs *s, unsigned int i);
uint64_t *vs_pte(struct vs *s, unsigned int i);
uint64_t vs_gpa(unsigned int data_page);

/*
 * Copy size bytes from data page src to data page dst with the completion
 * record in data page cr; addresses are guest VAs when nested, else GPAs.
 * Returns the completion status (SIOVDEV_CS_*), CS_NONE if none written.
 */
uint8_t vs_copy(struct siovh_check *check, struct vs *s, bool nested,
		unsigned int src, unsigned int dst, unsigned int cr,
		uint8_t flags);

/* IOMMU_HWPT_INVALIDATE of n VTD_S1 entries of entry_len bytes each
 * (entries packed at that stride); *num gets entry_num back. */
int vs_inv(struct siovh_check *check, uint32_t hwpt, const void *entries,
	   uint32_t entry_len, uint32_t n, uint32_t *num);
/* One well-formed entry. */
struct iommu_hwpt_vtd_s1_invalidate inv_entry(uint64_t addr, uint64_t npages,
					      uint32_t flags);

#endif /* SIOVH_SPECS_IOMMUFD_VSVA_H */
