/* SPDX-License-Identifier: MIT */
/*
 * The kernel backend ("--target kernel"): the running kernel's uAPI behind
 * the target API. This slice has the iommufd facet only: ioctls passed
 * through to one open /dev/iommu, 0 or -errno as the kernel returns them,
 * and its test_device op backed by the kernel's IOMMUFD_TEST mock device
 * when the kernel has one (kernel_mock.h; -ENOTTY otherwise).
 *
 * Features: SIOVH_FEAT_IOMMUFD when /dev/iommu opens, nothing else. Every
 * other facet is NULL, so its clauses skip with the backend's reason
 * (struct siovh_backend.lacks): the IOASID facet because the IOASID core
 * has no uAPI, the others because this backend does not drive them yet.
 *
 * Safety: the backend opens /dev/iommu and nothing else; it touches no
 * device, binds and unbinds no driver (the mock device is a software
 * device of the kernel's selftest driver, gone with the iommufd).
 *
 * Env: SIOVH_KERNEL_IOMMU_DEV overrides the /dev/iommu path (tests).
 */
#ifndef SIOVH_BACKENDS_KERNEL_H
#define SIOVH_BACKENDS_KERNEL_H

#include <siovh/target.h>

extern const struct siovh_backend siovh_kernel_backend;

#endif /* SIOVH_BACKENDS_KERNEL_H */
