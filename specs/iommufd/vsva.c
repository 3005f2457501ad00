// SPDX-License-Identifier: MIT
/*
 * vSVA helpers of the iommufd clauses; see vsva.h.
 */
#include <stddef.h>
#include <string.h>

#include "vsva.h"

int dev_bind(struct siovh_check *check, struct vd *d, uint32_t *dev_id)
{
	struct siovh_target *t = siovh_check_target(check);
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = 3 };
	int ret;

	if (!t->iommufd->device_ioctl)
		SKIP("the iommufd facet has no device_ioctl");
	ret = t->iommufd->device_ioctl(t, d->v, VFIO_DEVICE_BIND_IOMMUFD, &b);
	if (!ret && dev_id)
		*dev_id = b.out_devid;
	return ret;
}

int dev_attach(struct siovh_check *check, struct vd *d, bool has_pasid,
	       uint32_t pasid, uint32_t pt_id)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_vfio_attach_pt a = {
		.argsz = sizeof(a), .pt_id = pt_id, .pasid = pasid,
		.flags = has_pasid ? VFIO_DEVICE_ATTACH_PASID : 0,
	};

	return t->iommufd->device_ioctl(t, d->v, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
					&a);
}

int dev_detach(struct siovh_check *check, struct vd *d, bool has_pasid,
	       uint32_t pasid)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_vfio_detach_pt x = {
		.argsz = sizeof(x), .pasid = pasid,
		.flags = has_pasid ? VFIO_DEVICE_DETACH_PASID : 0,
	};

	return t->iommufd->device_ioctl(t, d->v, VFIO_DEVICE_DETACH_IOMMUFD_PT,
					&x);
}

int hwpt_paging(struct siovh_check *check, uint32_t dev_id, uint32_t ioas,
		uint32_t flags, uint32_t *out)
{
	struct iommu_hwpt_alloc c = {
		.size = sizeof(c), .flags = flags, .dev_id = dev_id,
		.pt_id = ioas,
	};
	int ret = fd_ioctl(check, IOMMU_HWPT_ALLOC, &c);

	if (!ret && out)
		*out = c.out_hwpt_id;
	return ret;
}

int hwpt_nested(struct siovh_check *check, uint32_t dev_id, uint32_t parent,
		const void *data, uint32_t data_len, uint32_t flags,
		uint32_t fault_id, uint32_t *out)
{
	struct iommu_hwpt_alloc c = {
		.size = sizeof(c), .flags = flags, .dev_id = dev_id,
		.pt_id = parent, .data_type = IOMMU_HWPT_DATA_VTD_S1,
		.data_len = data_len, .data_uptr = (uintptr_t)data,
		.fault_id = fault_id,
	};
	int ret = fd_ioctl(check, IOMMU_HWPT_ALLOC, &c);

	if (!ret && out)
		*out = c.out_hwpt_id;
	return ret;
}

struct iommu_hwpt_vtd_s1 vs_s1(void)
{
	return (struct iommu_hwpt_vtd_s1) { .pgtbl_addr = VS_GPA,
					    .addr_width = 48 };
}

uint64_t vs_gpa(unsigned int data_page)
{
	return VS_GPA + (4 + data_page) * PG;
}

uint8_t *vs_page(struct vs *s, unsigned int i)
{
	return s->mem + (4 + i) * PG;
}

uint64_t *vs_pte(struct vs *s, unsigned int i)
{
	return (uint64_t *)(s->mem + 3 * PG) + i;
}

void vs_up(struct siovh_check *check, struct vs *s)
{
	const struct siovh_profile *p = must_profile(check);

	vs_up_on(check, s, &p->types[0], 1, 1);
}

void vs_any_dev(struct siovh_check *check, struct vs *s)
{
	struct siovh_target *t = siovh_check_target(check);
	int ret;

	if (t->iommufd && t->iommufd->test_device) {
		memset(s, 0, sizeof(*s));
		s->ioas = must_ioas(check);
		ret = t->iommufd->test_device(t, s->ioas, &s->dev_id, NULL);
		if (ret)
			SKIP("the target's test device did not attach to IOAS %u: %s",
			     s->ioas, strerror(-ret));
		return;
	}
	if ((t->features & NEEDS_VSVA) != NEEDS_VSVA)
		SKIP("no device to bind to /dev/iommu: the target has neither a test device nor VDEVs with the reference engine");
	vs_up(check, s);
}

void vs_up_on(struct siovh_check *check, struct vs *s,
	      const struct siovh_profile_type *ty, unsigned int uuid,
	      uint32_t queues)
{
	struct siovh_target *t = siovh_check_target(check);
	uint64_t iova = VS_GPA, *tbl;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (!t->iommufd || !t->iommufd->device_ioctl)
		SKIP("the iommufd facet has no device_ioctl");
	must_portal(check, ty);
	vd_up(check, ty, &s->d, uuid);
	for (i = 0; i < queues; i++)
		q_enable(check, &s->d, i);
	s->mem = must_pages(check, VS_PAGES);
	tbl = (uint64_t *)s->mem;
	tbl[0] = (VS_GPA + 1 * PG) | VS_PTE_FLAGS;		/* PML4[0] */
	tbl[512 + 1] = (VS_GPA + 2 * PG) | VS_PTE_FLAGS;	/* PDPT[1] */
	tbl[1024] = (VS_GPA + 3 * PG) | VS_PTE_FLAGS;		/* PD[0] */
	for (i = 0; i < VS_DATA; i++)
		*vs_pte(s, i) = vs_gpa(i) | VS_PTE_FLAGS;
	s->ioas = must_ioas(check);
	ASSERT_OK(ioas_map(check, s->ioas, FIXED, s->mem, VS_PAGES * PG,
			   &iova));
	ASSERT_OK(dev_bind(check, &s->d, &s->dev_id));
}

void vs_paging(struct siovh_check *check, struct vs *s)
{
	ASSERT_OK(hwpt_paging(check, s->dev_id, s->ioas,
			      IOMMU_HWPT_ALLOC_NEST_PARENT, &s->parent));
	ASSERT_OK(dev_attach(check, &s->d, false, 0, s->parent));
}

void vs_nested(struct siovh_check *check, struct vs *s, uint32_t fault_id)
{
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();

	vs_paging(check, s);
	ASSERT_OK(hwpt_nested(check, s->dev_id, s->parent, &s1, sizeof(s1),
			      fault_id ? IOMMU_HWPT_FAULT_ID_VALID : 0,
			      fault_id, &s->nested));
	ASSERT_OK(dev_attach(check, &s->d, false, 0, s->nested));
}

uint8_t vs_copy(struct siovh_check *check, struct vs *s, bool nested,
		unsigned int src, unsigned int dst, unsigned int cr,
		uint8_t flags)
{
	struct dma_buf b = { .va = vs_page(s, 0),
			     .iova = nested ? VS_GVA : vs_gpa(0),
			     .size = VS_DATA * PG };

	return run_copy(check, &s->d, 0, &b, b.iova + src * PG,
			b.iova + dst * PG, 256, b.iova + cr * PG, flags);
}

int vs_inv(struct siovh_check *check, uint32_t hwpt, const void *entries,
	   uint32_t entry_len, uint32_t n, uint32_t *num)
{
	struct iommu_hwpt_invalidate c = {
		.size = sizeof(c), .hwpt_id = hwpt,
		.data_uptr = (uintptr_t)entries,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = entry_len, .entry_num = n,
	};
	int ret = fd_ioctl(check, IOMMU_HWPT_INVALIDATE, &c);

	if (num)
		*num = c.entry_num;
	return ret;
}

struct iommu_hwpt_vtd_s1_invalidate inv_entry(uint64_t addr, uint64_t npages,
					      uint32_t flags)
{
	return (struct iommu_hwpt_vtd_s1_invalidate) {
		.addr = addr, .npages = npages, .flags = flags };
}
