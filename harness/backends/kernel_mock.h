/* SPDX-License-Identifier: MIT */
/*
 * The IOMMUFD_TEST mock device of the kernel backend (kernel.h): a device
 * the kernel's CONFIG_IOMMUFD_TEST creates on request through the
 * IOMMU_TEST_CMD ioctl of /dev/iommu, bound to that iommufd and attached to
 * an IOAS or HWPT, behind the kernel's mock IOMMU driver. It lets clauses
 * that need an attached device (the IOVA alignment and reserved ranges an
 * attached domain imposes) run on a kernel without touching any real
 * device.
 *
 * The selftest header that defines IOMMU_TEST_CMD is not uAPI (it lives in
 * the kernel's drivers/iommu/iommufd/); kernel_mock.c declares the few
 * fields it uses itself. Their layout and operation numbers are the same on
 * 6.12 and 7.x.
 */
#ifndef SIOVH_BACKENDS_KERNEL_MOCK_H
#define SIOVH_BACKENDS_KERNEL_MOCK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Does the iommufd fd have IOMMU_TEST_CMD? 0 yes; -ENOTTY when the kernel
 * was built without CONFIG_IOMMUFD_TEST; -EPROTO when the ioctl does not
 * answer like the selftest's; another -errno otherwise.
 */
int kernel_mock_probe(int iommufd);

/*
 * A mock device bound to iommufd and attached to pt_id (an IOAS, which
 * gets an automatic paging HWPT, or a paging HWPT): *dev_id is its device
 * object, *hwpt_id the HWPT it is attached to. It is destroyed with the
 * iommufd (or by IOMMU_DESTROY of its test object, which the caller does
 * not see). 0 or -errno as the ioctl returned it.
 */
int kernel_mock_attach(int iommufd, uint32_t pt_id, uint32_t *dev_id,
		       uint32_t *hwpt_id);

/*
 * Mark the mock IO page (2 KiB) at iova of the mock paging HWPT hwpt_id
 * dirty, as a write by the mock device would (IOMMU_TEST_OP_DIRTY). 0;
 * -EINVAL while the HWPT does not track, or hwpt_id is not a mock domain;
 * -ENOENT when nothing is mapped there (the mock marks no page); another
 * -errno as the ioctl returned it.
 */
int kernel_mock_dirty(int iommufd, uint32_t hwpt_id, uint64_t iova);

/*
 * The selftest's access (target.h test_access_*): an in-kernel user of
 * IOAS ioas_id whose unmap notification unpins every pin meeting the
 * range. access_new returns it as *fd, an fd of the process (its close
 * unpins everything and destroys the access); flags bit 0 makes a user
 * that pins (the mock refuses other bits, -EOPNOTSUPP); pin pins a range, checking the pages against uptr when it is not
 * NULL (-EBADE); unpin drops pin pin_id (-ENOENT); rw copies len bytes
 * between IOVA iova and buf (write: buf to the IOVA; slow: by the path
 * a caller outside the user's mm takes, through pinned pages); replace
 * moves it
 * onto IOAS ioas_id. 0 or -errno as the ioctl returned it (-EBADFD: fd
 * is no access).
 */
int kernel_mock_access_new(int iommufd, uint32_t ioas_id, uint32_t flags,
			   int *fd);
int kernel_mock_access_replace(int iommufd, int fd, uint32_t ioas_id);
int kernel_mock_access_pin(int iommufd, int fd, uint64_t iova,
			   uint64_t length, bool write, const void *uptr,
			   uint32_t *pin_id);
int kernel_mock_access_unpin(int iommufd, int fd, uint32_t pin_id);
int kernel_mock_access_rw(int iommufd, int fd, uint64_t iova, void *buf,
			  uint64_t len, bool write, bool slow);
/* kernel_mock_attach that also returns the test object (*test_obj, the
 * handle of kernel_mock_replace). */
int kernel_mock_new(int iommufd, uint32_t pt_id, uint32_t *test_obj,
		    uint32_t *dev_id, uint32_t *hwpt_id);

/* Move the mock device of test_obj to pt_id (an IOAS or any HWPT; for a
 * vIOMMU's nested HWPT the mock driver wants the device's vDEVICE there:
 * -ENOENT). 0 or -errno (IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE). */
int kernel_mock_replace(int iommufd, uint32_t test_obj, uint32_t pt_id);

/* The mock IOMMU reports an event for the mock device dev_id to its
 * vIOMMU (IOMMU_TEST_OP_TRIGGER_VEVENT, 6.15+): 0; -ENOENT the device is
 * not attached to a vIOMMU's nested HWPT or its vDEVICE's virt_id is 0;
 * -EOPNOTSUPP no vEVENTQ of the selftest type. */
int kernel_mock_trigger_vevent(int iommufd, uint32_t dev_id);

struct siovh_viommu_caps;
/* The mock IOMMU's vIOMMU numbers (target.h, viommu_caps): 0; -ENOTTY
 * when the kernel has no IOMMU_VIOMMU_ALLOC (before 6.13); another
 * -errno as the probe's ioctl returned it. */
int kernel_mock_viommu_caps(int iommufd, struct siovh_viommu_caps *caps);

#endif /* SIOVH_BACKENDS_KERNEL_MOCK_H */
