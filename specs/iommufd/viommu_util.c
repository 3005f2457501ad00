// SPDX-License-Identifier: MIT
/*
 * Helpers of the vIOMMU clauses: viommu.h.
 */
#include <string.h>

#include "viommu.h"

static void vi_caps(struct siovh_check *check, struct vi *x)
{
	struct siovh_target *t = siovh_check_target(check);
	int ret;

	if (!t->iommufd->viommu_caps)
		SKIP("the target's iommufd facet has no vIOMMU operations (viommu_caps)");
	ret = t->iommufd->viommu_caps(t, &x->caps);
	if (ret == -ENOTTY)
		SKIP("/dev/iommu has no IOMMU_VIOMMU_ALLOC (-ENOTTY): the vIOMMU uAPI came in Linux 6.13");
	if (ret)
		SKIP("the target offers no vIOMMU: %s", strerror(-ret));
}

void vi_up(struct siovh_check *check, struct vi *x)
{
	struct siovh_target *t = siovh_check_target(check);
	int ret;

	memset(x, 0, sizeof(*x));
	vi_caps(check, x);
	if (t->iommufd->test_device && t->iommufd->test_replace) {
		x->mock = true;
		x->ioas = must_ioas(check);
		ret = t->iommufd->test_device(t, x->ioas, &x->dev_id, NULL);
		if (ret)
			SKIP("the target's test device did not attach to IOAS %u: %s",
			     x->ioas, strerror(-ret));
	} else if ((t->features & NEEDS_VSVA) == NEEDS_VSVA) {
		vs_up(check, &x->s);
		x->ioas = x->s.ioas;
		x->dev_id = x->s.dev_id;
	} else {
		SKIP("no device to bind to /dev/iommu: the target has neither a test device it can move nor VDEVs with the reference engine");
	}
	ASSERT_OK(hwpt_paging(check, x->dev_id, x->ioas,
			      IOMMU_HWPT_ALLOC_NEST_PARENT, &x->parent));
}

int viommu_alloc(struct siovh_check *check, struct siovh_viommu_alloc *c)
{
	c->size = sizeof(*c);
	return fd_ioctl(check, SIOVH_IOMMU_VIOMMU_ALLOC, c);
}

void vi_up_viommu(struct siovh_check *check, struct vi *x)
{
	struct siovh_viommu_alloc c = { .type = 0 };

	vi_up(check, x);
	c.type = x->caps.viommu_type;
	c.dev_id = x->dev_id;
	c.hwpt_id = x->parent;
	ASSERT_OK(viommu_alloc(check, &c));
	x->viommu = c.out_viommu_id;
}

uint32_t vi_second_dev(struct siovh_check *check, struct vi *x,
		       struct vs *s2)
{
	struct siovh_target *t = siovh_check_target(check);
	const struct siovh_profile *p;
	uint32_t id;
	int ret;

	if (!x->mock) {
		p = must_profile(check);
		vs_up_on(check, s2, &p->types[0], 2, 1);
		return s2->dev_id;
	}
	ret = t->iommufd->test_device(t, x->ioas, &id, NULL);
	if (ret)
		SKIP("a second test device did not attach: %s",
		     strerror(-ret));
	return id;
}

int vdev_alloc(struct siovh_check *check, uint32_t viommu, uint32_t dev_id,
	       uint64_t virt_id, uint32_t *out)
{
	struct siovh_vdevice_alloc c = {
		.size = sizeof(c), .viommu_id = viommu, .dev_id = dev_id,
		.virt_id = virt_id,
	};
	int ret = fd_ioctl(check, SIOVH_IOMMU_VDEVICE_ALLOC, &c);

	if (out)
		*out = c.out_vdevice_id;
	return ret;
}

int veventq_alloc(struct siovh_check *check, struct siovh_veventq_alloc *c)
{
	c->size = sizeof(*c);
	return fd_ioctl(check, SIOVH_IOMMU_VEVENTQ_ALLOC, c);
}

int vi_nested(struct siovh_check *check, const struct vi *x, uint32_t pt_id,
	      uint32_t flags, uint32_t *out)
{
	struct iommu_hwpt_alloc c = {
		.size = sizeof(c), .flags = flags, .dev_id = x->dev_id,
		.pt_id = pt_id, .data_type = x->caps.nested_type,
		.data_len = x->caps.nested_len,
		.data_uptr = (uintptr_t)x->caps.nested,
	};
	int ret = fd_ioctl(check, IOMMU_HWPT_ALLOC, &c);

	if (out)
		*out = c.out_hwpt_id;
	return ret;
}

int vi_attach(struct siovh_check *check, struct vi *x, uint32_t pt_id)
{
	struct siovh_target *t = siovh_check_target(check);

	if (x->mock)
		return t->iommufd->test_replace(t, x->dev_id, pt_id);
	return dev_attach(check, &x->s.d, false, 0, pt_id);
}

int vi_inv(struct siovh_check *check, const struct vi *x, uint32_t viommu,
	   const uint32_t *virt_id, uint32_t n, uint32_t *num)
{
	uint8_t e[4][sizeof(x->caps.inv)];
	struct iommu_hwpt_invalidate c = {
		.size = sizeof(c), .hwpt_id = viommu,
		.data_uptr = (uintptr_t)e, .data_type = x->caps.inv_type,
		.entry_len = x->caps.inv_len, .entry_num = n,
	};
	uint32_t i;
	int ret;

	ASSERT_LE(n, 4u);
	/* entries packed at entry_len */
	for (i = 0; i < n; i++) {
		memcpy((uint8_t *)e + i * x->caps.inv_len, x->caps.inv,
		       x->caps.inv_len);
		memcpy((uint8_t *)e + i * x->caps.inv_len +
		       x->caps.inv_virt_id_off, &virt_id[i], sizeof(uint32_t));
	}
	ret = fd_ioctl(check, IOMMU_HWPT_INVALIDATE, &c);
	if (num)
		*num = c.entry_num;
	return ret;
}

void vi_up_events(struct siovh_check *check, struct vi *x)
{
	uint32_t h;

	ASSERT_OK(vdev_alloc(check, x->viommu, x->dev_id, VI_VIRT_ID, NULL));
	ASSERT_OK(vi_nested(check, x, x->viommu, 0, &h));
	ASSERT_OK(vi_attach(check, x, h));
}

uint32_t vi_veventq(struct siovh_check *check, const struct vi *x,
		    uint32_t depth, int *fd)
{
	struct siovh_veventq_alloc c = {
		.viommu_id = x->viommu, .type = x->caps.veventq_type,
		.veventq_depth = depth,
	};

	ASSERT_OK(veventq_alloc(check, &c));
	*fd = (int)c.out_veventq_fd;
	return c.out_veventq_id;
}
