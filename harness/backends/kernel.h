/* SPDX-License-Identifier: MIT */
/*
 * The kernel backend ("--target kernel"): the running kernel's uAPI behind
 * the target API. This slice has the iommufd facet only: ioctls passed
 * through to one open /dev/iommu, 0 or -errno as the kernel returns them,
 * and its test_device op backed by the kernel's IOMMUFD_TEST mock device
 * when the kernel has one (kernel_mock.h; -ENOTTY otherwise).
 *
 * Features: SIOVH_FEAT_IOMMUFD when /dev/iommu opens, SIOVH_FEAT_PCI_CONFIG
 * with a device, SIOVH_FEAT_VFIO_DEVICE with an mdev parent,
 * SIOVH_FEAT_FAIL_NTH when the thread's /proc/thread-self/fail-nth is
 * writable and failslab counts GFP_KERNEL allocations (the test facet,
 * whose only op is then fail_nth: kernel_fail_nth.h), nothing else.
 * Every other facet is NULL, so its clauses skip with the backend's reason
 * (struct siovh_backend.lacks): the IOASID facet because the IOASID core
 * has no uAPI, the others because this backend does not drive them yet.
 *
 * With device=BDF ("--target kernel:device=0000:01:00.0") it also has the
 * pci facet (kernel_pci.h): that function's config space through sysfs,
 * and SIOVH_FEAT_PCI_CONFIG, judged by the reference's device profile.
 *
 * With mdev=PARENT ("--target kernel:mdev=mtty") it has the vfio_device
 * facet (kernel_mdev.h) and SIOVH_FEAT_VFIO_DEVICE: that mdev parent's
 * types, VDEVs created and removed through sysfs, opened through their
 * group and a type1 container of their own, and device_ioctl on their
 * cdev (kernel_vfio.h). The profile that judges them is $SIOVH_PROFILE
 * (specs/profiles/mtty.json for the mtty sample); without it the VDEV
 * clauses skip saying so. Both options may be given together.
 *
 * With device=BDF,vfio=cdev|group it has that facet over the function
 * itself, bound to vfio-pci (kernel_mdev.h's kernel_mdev_open_pci): one
 * type, "vfio-pci", of one instance, opened on its cdev or group like a
 * VDEV; judged by $SIOVH_PROFILE (specs/profiles/edu.json for QEMU's edu).
 * A check's target binds nothing: it fails to open unless the function is
 * vfio-pci's; `siovh run` binds it once for the run and gives it back
 * (kernel_vfio_pci.h: --force, --dry-run).
 *
 * Safety: the backend opens /dev/iommu, the config file of the one
 * device named, and the mdevs it creates itself on the one parent named,
 * nothing else; a check's target binds and unbinds no driver (the mock
 * device is a software device of the kernel's selftest driver, gone with
 * the iommufd). The pci clauses write that device's config registers
 * (restoring them, and an FLR): name only a device that is yours to test.
 *
 * Env: SIOVH_KERNEL_IOMMU_DEV overrides the /dev/iommu path (tests).
 */
#ifndef SIOVH_BACKENDS_KERNEL_H
#define SIOVH_BACKENDS_KERNEL_H

#include <siovh/target.h>

extern const struct siovh_backend siovh_kernel_backend;

#endif /* SIOVH_BACKENDS_KERNEL_H */
