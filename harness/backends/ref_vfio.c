/* SPDX-License-Identifier: MIT */
/*
 * ref:parent=vfio:BDF: the reference VDCM over a real SIOV endpoint and the
 * running kernel's IOMMU (harness/backends/vfio_parent.h). The IOASID core
 * and the VDCM are the reference's; the parent and its IOMMU are the
 * vfio_parent ops. Facets: vfio_device (the VDCM's, as in ref.c), test
 * (the probes the device's registers answer: no ADI event log, no IOMMU
 * fault records) and pci (the function's sysfs config); no ioasid and no
 * iommufd (see ref_vfio_lacks). Only vdcm faults apply (target.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/backends/ref.h"
#include "harness/backends/ref_internal.h"
#include "harness/backends/vfio_parent.h"
#include "harness/ref/ioasid/ioasid.h"
#include "harness/ref/vdcm/vdcm.h"

#define REF_VFIO_FEATURES (SIOVH_FEAT_VFIO_DEVICE | SIOVH_FEAT_PCI_CONFIG | \
			   SIOVH_FEAT_TEST_VDEV | SIOVH_FEAT_VDEV_MIGRATION | \
			   SIOVH_FEAT_REF_ENGINE)

const char *siovh_ref_parent_bdf(const struct siovh_target_spec *spec)
{
	return spec->backend == &siovh_ref_backend && !spec->arg[0] &&
	       spec->arg[1] ? spec->arg + 1 : NULL;
}

static ssize_t ref_vfio_cfg_read(struct siovh_target *t, void *buf,
				 size_t len, uint64_t offset)
{
	return vfio_parent_cfg_pread(ref_of(t)->vfio, buf, len, offset);
}

static ssize_t ref_vfio_cfg_write(struct siovh_target *t, const void *buf,
				  size_t len, uint64_t offset)
{
	return vfio_parent_cfg_pwrite(ref_of(t)->vfio, buf, len, offset);
}

static const struct siovh_pci_ops ref_vfio_pci_ops = {
	.cfg_read = ref_vfio_cfg_read,
	.cfg_write = ref_vfio_cfg_write,
	.profile_path = ref_profile_path,
};

/* No event log and no fault records: the kernel's IOMMU keeps those. */
static const struct siovh_test_ops ref_vfio_test_ops = {
	.parent_probe = ref_parent_probe,
	.vdev_probe = ref_vdev_probe,
	.adi_probe = ref_adi_probe,
	.vdev_set_queues = ref_vdev_set_queues,
};

static void ref_vfio_msi(void *ctx, uint64_t addr, uint32_t data)
{
	vdcm_msi(ctx, addr, data);
}

/*
 * The IOASID core supplies the VDCM's PASIDs (the device's PASID space is
 * this process's to use: the kernel attaches whichever it is given).
 */
int ref_vfio_open(const struct siovh_target_spec *spec,
		  const struct ref_faults *f, struct siovh_target *t)
{
	struct vdcm_params params;
	struct ref_target *ref;
	int ret;

	ref = calloc(1, sizeof(*ref));
	if (!ref)
		return -ENOMEM;
	ret = -errno;
	ref->ioasid = ioasid_core_create(REF_IOASID_CAPACITY, f->ioasid);
	if (!ref->ioasid)
		goto err;
	ret = vfio_parent_open(siovh_ref_parent_bdf(spec), &ref->vfio,
			       ref->why, sizeof(ref->why));
	if (ret) {
		fprintf(stderr, "siovh: target '%s': %s\n", spec->text,
			ref->why);
		goto err;
	}
	params = (struct vdcm_params) {
		.ioasid = ref->ioasid, .fault = f->vdcm,
		.hw_ops = &vfio_parent_hw_ops, .hw = ref->vfio,
	};
	ref->vdcm = vdcm_create(&params);
	ret = -errno;
	if (!ref->vdcm)
		goto err;
	vfio_parent_set_msi(ref->vfio, ref_vfio_msi, ref->vdcm);
	siovh_ref_profile_path(ref->profile, sizeof(ref->profile));
	t->priv = ref;
	t->features = REF_VFIO_FEATURES;
	t->test = &ref_vfio_test_ops;
	t->vfio_device = &ref_vfio_device_ops;
	t->pci = &ref_vfio_pci_ops;
	return 0;

err:
	ref_destroy(ref);
	return ret ? ret : -EIO;
}

/* Why the vfio flavour lacks a feature the in-process one has. */
const char *ref_vfio_lacks(uint64_t feature)
{
	switch (feature) {
	case SIOVH_FEAT_IOASID:
	case SIOVH_FEAT_TEST_IOASID:
	case SIOVH_FEAT_IOASID_THREADS:
		return "ref:parent=vfio judges the VDCM over a real endpoint; its IOASID core is the in-process one (the kernel's has no uAPI)";
	case SIOVH_FEAT_IOMMUFD:
		return "ref:parent=vfio: the VDEVs are the reference VDCM's, not kernel devices, so they cannot be bound to the kernel's /dev/iommu";
	case SIOVH_FEAT_VDEV_DIRTY:
		return "ref:parent=vfio: DMA logging needs the in-process IOMMU's dirty bits";
	case SIOVH_FEAT_PAGE_REQUEST:
		return "ref:parent=vfio: PRI belongs to the kernel's IOMMU driver (and QEMU's VT-d has no page request queue)";
	case SIOVH_FEAT_PARENT_REPROBE:
		return "ref:parent=vfio does not re-probe its VDCM: the endpoint stays bound to vfio-pci for the whole run";
	}
	return NULL;
}
