// SPDX-License-Identifier: MIT
/*
 * The ref backend's vIOMMU operations of the iommufd facet (target.h,
 * "The vIOMMU"): the reference IOMMU's vIOMMU type and data
 * (harness/ref/iommufd/iommufd.h, "vIOMMU"), its event trigger and the
 * vEVENTQ read, mmap of a vIOMMU's MMIO page. The reference binds VDEVs
 * only, so test_replace stays NULL.
 */
#include <string.h>

#include <linux/iommufd.h>

#include "harness/backends/ref_internal.h"
#include "harness/ref/iommufd/iommufd.h"

/* Where the clauses' guest stage-1 table would sit: any page the
 * reference accepts as a VTD_S1 pgtbl_addr (4 KiB aligned, below 2^48). */
#define REF_VIOMMU_PGTBL	0x10000000ull

int ref_viommu_caps(struct siovh_target *t, struct siovh_viommu_caps *caps)
{
	const struct iommu_hwpt_vtd_s1 s1 = {
		.pgtbl_addr = REF_VIOMMU_PGTBL, .addr_width = 48,
	};
	const struct iommufd_ref_viommu_inv inv = { 0 };
	const struct iommufd_ref_viommu_data data = {
		.flags = IOMMUFD_REF_VIOMMU_MMIO,
	};

	(void)t;
	memset(caps, 0, sizeof(*caps));
	caps->viommu_type = IOMMUFD_VIOMMU_TYPE_REF;
	caps->nested_type = IOMMU_HWPT_DATA_VTD_S1;
	caps->nested_len = sizeof(s1);
	memcpy(caps->nested, &s1, sizeof(s1));
	caps->inv_type = IOMMUFD_VIOMMU_INVALIDATE_DATA_REF;
	caps->inv_len = sizeof(inv);
	caps->inv_virt_id_off = offsetof(struct iommufd_ref_viommu_inv,
					 virt_id);
	memcpy(caps->inv, &inv, sizeof(inv));
	caps->veventq_type = IOMMUFD_VEVENTQ_TYPE_REF;
	caps->vevent_len = sizeof(struct iommufd_ref_vevent);
	caps->hw_queue_type = IOMMUFD_HW_QUEUE_TYPE_REF;
	caps->hw_queues = IOMMUFD_REF_HW_QUEUES;
	caps->mmio_data_len = sizeof(data);
	memcpy(caps->mmio_data, &data, sizeof(data));
	caps->mmio_offset_off = offsetof(struct iommufd_ref_viommu_data,
					 out_mmap_offset);
	caps->mmio_length_off = offsetof(struct iommufd_ref_viommu_data,
					 out_mmap_length);
	return 0;
}

int ref_vevent_trigger(struct siovh_target *t, uint32_t dev_id)
{
	return iommufd_viommu_trigger(ref_of(t)->iommufd, dev_id);
}

ssize_t ref_vevent_read(struct siovh_target *t, int fd, void *buf,
			size_t len)
{
	return iommufd_vevent_read(ref_of(t)->iommufd, fd, buf, len);
}

void *ref_iommufd_mmap(struct siovh_target *t, uint64_t offset, size_t len,
		       int prot, int flags)
{
	return iommufd_mmap(ref_of(t)->iommufd, offset, len, prot, flags);
}

int ref_iommufd_munmap(struct siovh_target *t, void *addr, size_t len)
{
	return iommufd_munmap(ref_of(t)->iommufd, addr, len);
}
