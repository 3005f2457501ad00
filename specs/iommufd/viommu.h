/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the vIOMMU clauses (viommu.c, veventq.c): a device bound to
 * /dev/iommu with a NEST_PARENT paging HWPT for it, a vIOMMU over that
 * parent, vDEVICEs, nested HWPTs and invalidation on the vIOMMU with the
 * data the target's IOMMU speaks (the iommufd facet's viommu_caps), and
 * vEVENTQs. The device: the target's test device where it has one and can
 * move it between HWPTs (a kernel's IOMMUFD_TEST mock: test_device,
 * test_replace), else a VDEV bound to /dev/iommu (vsva.h) attached
 * through its cdev. The uAPI structs: siovh/iommufd_viommu.h.
 */
#ifndef SIOVH_SPECS_IOMMUFD_VIOMMU_H
#define SIOVH_SPECS_IOMMUFD_VIOMMU_H

#include <siovh/iommufd_viommu.h>

#include "vsva.h"

#define SRC_VIOMMU_H(x) "linux/iommufd.h (7.x), " x
#define SRC_VIOMMU SRC_VIOMMU_H("struct iommu_viommu_alloc")
#define SRC_VDEVICE SRC_VIOMMU_H("struct iommu_vdevice_alloc")
#define SRC_VEVENTQ SRC_VIOMMU_H("struct iommu_veventq_alloc")
#define SRC_VEVENT_HDR SRC_VIOMMU_H("struct iommufd_vevent_header")
#define SRC_NEST_VSVA SRC_VSVA("vSVA")

/* A virt_id the clauses use (nonzero: a kernel's mock reports no event
 * for a vDEVICE whose virt_id is 0). */
#define VI_VIRT_ID	0x42u

struct vi {
	struct vs s;		/* the VDEV path (mock false) */
	bool mock;		/* the target's test device */
	struct siovh_viommu_caps caps;
	uint32_t ioas, dev_id, parent, viommu;
};

/* caps, a device and its NEST_PARENT parent; SKIP without them. */
void vi_up(struct siovh_check *check, struct vi *x);
/* vi_up + the vIOMMU (x->viommu) of the target's type over the parent. */
void vi_up_viommu(struct siovh_check *check, struct vi *x);
/* A second device bound to the same /dev/iommu (s2 for the VDEV path). */
uint32_t vi_second_dev(struct siovh_check *check, struct vi *x,
		       struct vs *s2);

int viommu_alloc(struct siovh_check *check, struct siovh_viommu_alloc *c);
int vdev_alloc(struct siovh_check *check, uint32_t viommu, uint32_t dev_id,
	       uint64_t virt_id, uint32_t *out);
int veventq_alloc(struct siovh_check *check, struct siovh_veventq_alloc *c);
/* A nested HWPT with the target's data on pt_id, flags as given. */
int vi_nested(struct siovh_check *check, const struct vi *x, uint32_t pt_id,
	      uint32_t flags, uint32_t *out);
/* Attach the device (at its RID) to pt_id. */
int vi_attach(struct siovh_check *check, struct vi *x, uint32_t pt_id);
/* HWPT_INVALIDATE on viommu of n entries, entry i naming virt_id[i]. */
int vi_inv(struct siovh_check *check, const struct vi *x, uint32_t viommu,
	   const uint32_t *virt_id, uint32_t n, uint32_t *num);
/* A vDEVICE (VI_VIRT_ID), a nested HWPT on the vIOMMU, the device
 * attached to it: the IOMMU can report events for it. */
void vi_up_events(struct siovh_check *check, struct vi *x);
/* A vEVENTQ of caps.veventq_type of depth on x->viommu; *fd its fd. */
uint32_t vi_veventq(struct siovh_check *check, const struct vi *x,
		    uint32_t depth, int *fd);

#endif /* SIOVH_SPECS_IOMMUFD_VIOMMU_H */
