/* SPDX-License-Identifier: MIT */
/*
 * What the ref backend's files share (ref.c, the in-process platform;
 * ref_vfio.c, ref:parent=vfio:BDF, the reference VDCM over a real
 * endpoint): the target's state and the facet ops both flavours use.
 */
#ifndef SIOVH_BACKENDS_REF_INTERNAL_H
#define SIOVH_BACKENDS_REF_INTERNAL_H

#include <limits.h>
#include <stdint.h>

#include <siovh/target.h>

/* The talk's PASID space: 20 bits. */
#define REF_IOASID_CAPACITY (1u << 20)

struct ioasid_core;
struct viommu;
struct siovdev;
struct vdcm;
struct iommufd_ctx;
struct kvm_pasid;
struct vfio_parent;

struct ref_target {
	struct ioasid_core *ioasid;
	struct viommu *iommu;
	struct siovdev *parent;
	struct vdcm *vdcm;
	struct iommufd_ctx *iommufd;
	struct kvm_pasid *kvm;
	struct vfio_parent *vfio;	/* ref:parent=vfio, else NULL */
	int vdcm_fault;			/* the VDCM's, for each probe */
	char profile[PATH_MAX];
	char why[256];			/* why the vfio parent did not open */
};

/* The injected fault of each module (its NONE when the spec names none). */
struct ref_faults {
	int ioasid, siovdev, viommu, vdcm, iommufd, kvm;
};

static inline struct ref_target *ref_of(struct siovh_target *t)
{
	return t->priv;
}

/* ref.c */
extern const struct siovh_vfio_device_ops ref_vfio_device_ops;
int ref_parent_probe(struct siovh_target *t, struct siovh_parent_probe *out);
int ref_vdev_probe(struct siovh_target *t, struct siovh_vdev *vdev,
		   struct siovh_vdev_probe *out);
int ref_vdev_set_queues(struct siovh_target *t, struct siovh_vdev *vdev,
			uint32_t n);
int ref_adi_probe(struct siovh_target *t, uint32_t adi,
		  struct siovh_adi_probe *out);
const char *ref_profile_path(struct siovh_target *t);
/* The iommufd facet's vIOMMU ops (ref_viommu.c). */
int ref_viommu_caps(struct siovh_target *t, struct siovh_viommu_caps *caps);
int ref_vevent_trigger(struct siovh_target *t, uint32_t dev_id);
ssize_t ref_vevent_read(struct siovh_target *t, int fd, void *buf,
			size_t len);
void *ref_iommufd_mmap(struct siovh_target *t, uint64_t offset, size_t len,
		       int prot, int flags);
int ref_iommufd_munmap(struct siovh_target *t, void *addr, size_t len);
/* Frees what is there (any member may be NULL) and ref itself. */
void ref_destroy(struct ref_target *ref);

/* ref_vfio.c: open the vfio flavour into t; why it lacks a feature. */
int ref_vfio_open(const struct siovh_target_spec *spec,
		  const struct ref_faults *f, struct siovh_target *t);
const char *ref_vfio_lacks(uint64_t feature);

#endif /* SIOVH_BACKENDS_REF_INTERNAL_H */
