// SPDX-License-Identifier: MIT
/*
 * Helpers of the iommufd clauses; see common.h.
 */
#include <string.h>
#include <sys/mman.h>

#include "common.h"

int fd_ioctl(struct siovh_check *check, unsigned long cmd, void *arg)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->ioctl(t, cmd, arg);
}

int ioas_alloc(struct siovh_check *check, uint32_t *id)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int ret = fd_ioctl(check, IOMMU_IOAS_ALLOC, &a);

	*id = ret ? 0 : a.out_ioas_id;
	return ret;
}

int ioas_map(struct siovh_check *check, uint32_t id, uint32_t flags,
	     const void *va, uint64_t len, uint64_t *iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = id,
		.user_va = (uintptr_t)va, .length = len, .iova = *iova,
	};
	int ret = fd_ioctl(check, IOMMU_IOAS_MAP, &m);

	if (!ret)
		*iova = m.iova;
	return ret;
}

int ioas_unmap(struct siovh_check *check, uint32_t id, uint64_t iova,
	       uint64_t len, uint64_t *unmapped)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = id, .iova = iova, .length = len,
	};
	int ret = fd_ioctl(check, IOMMU_IOAS_UNMAP, &u);

	if (unmapped)
		*unmapped = ret ? 0 : u.length;
	return ret;
}

int ioas_copy(struct siovh_check *check, uint32_t dst, uint32_t src,
	      uint32_t flags, uint64_t src_iova, uint64_t len,
	      uint64_t *dst_iova)
{
	struct iommu_ioas_copy c = {
		.size = sizeof(c), .flags = flags, .dst_ioas_id = dst,
		.src_ioas_id = src, .length = len, .dst_iova = *dst_iova,
		.src_iova = src_iova,
	};
	int ret = fd_ioctl(check, IOMMU_IOAS_COPY, &c);

	if (!ret)
		*dst_iova = c.dst_iova;
	return ret;
}

int ioas_allow(struct siovh_check *check, uint32_t id,
	       const struct iommu_iova_range *v, uint32_t n)
{
	struct iommu_ioas_allow_iovas a = {
		.size = sizeof(a), .ioas_id = id, .num_iovas = n,
		.allowed_iovas = (uintptr_t)v,
	};

	return fd_ioctl(check, IOMMU_IOAS_ALLOW_IOVAS, &a);
}

int obj_destroy(struct siovh_check *check, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return fd_ioctl(check, IOMMU_DESTROY, &d);
}

uint32_t must_ioas(struct siovh_check *check)
{
	uint32_t id;

	ASSERT_OK(ioas_alloc(check, &id));
	return id;
}

void *must_pages(struct siovh_check *check, unsigned int n)
{
	void *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		FAIL_FATAL("mmap of %u pages failed", n);
	return p;
}

void must_ranges(struct siovh_check *check, uint32_t id,
		 struct ioas_ranges *r)
{
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = id, .num_iovas = MAX_RANGES,
		.allowed_iovas = (uintptr_t)r->v,
	};

	memset(r, 0, sizeof(*r));
	ASSERT_OK(fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q));
	ASSERT_GT(q.num_iovas, 0);
	r->n = q.num_iovas;
	r->align = q.out_iova_alignment;
}

uint64_t must_base(struct siovh_check *check, uint32_t id)
{
	const uint64_t mb16 = 16ull << 20;
	struct ioas_ranges r;
	uint64_t base;
	uint32_t i;

	must_ranges(check, id, &r);
	for (i = 0; i < r.n; i++) {
		if (r.v[i].start > UINT64_MAX - 2 * mb16)
			continue;
		base = (r.v[i].start + mb16) & ~(mb16 - 1);
		if (r.v[i].last >= base && r.v[i].last - base >= 4 * mb16)
			return base;
	}
	FAIL_FATAL("no IOVA range of IOAS %u has 64 MiB of room", id);
	return 0;
}

int iommu_option(struct siovh_check *check, uint32_t id, uint16_t op,
		 uint32_t obj, uint16_t rsv, uint64_t *val)
{
	struct iommu_option o = {
		.size = sizeof(o), .option_id = id, .op = op,
		.__reserved = rsv, .object_id = obj, .val64 = *val,
	};
	int ret = fd_ioctl(check, IOMMU_OPTION, &o);

	if (!ret)
		*val = o.val64;
	return ret;
}

uint64_t unmap_all(struct siovh_check *check, uint32_t id)
{
	uint64_t n = 0;

	EXPECT_OK(ioas_unmap(check, id, 0, UINT64_MAX, &n));
	return n;
}

bool in_ranges(const struct ioas_ranges *r, uint64_t iova, uint64_t len)
{
	uint32_t i;

	for (i = 0; i < r->n; i++)
		if (iova >= r->v[i].start && len &&
		    iova + len - 1 >= iova && iova + len - 1 <= r->v[i].last)
			return true;
	return false;
}

int try_attached(struct siovh_check *check, uint32_t id)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t dev_id, hwpt_id;

	if (!t->iommufd->test_device)
		return 0;
	return t->iommufd->test_device(t, id, &dev_id, &hwpt_id);
}

void must_attached(struct siovh_check *check, uint32_t id)
{
	int ret = try_attached(check, id);

	if (ret == -ENOTTY)
		SKIP("the target has no test device to attach (-ENOTTY), and an IOAS no device is attached to has no IOMMU domain's constraints");
	if (ret)
		SKIP("the target's test device did not attach to IOAS %u: %s",
		     id, strerror(-ret));
}
