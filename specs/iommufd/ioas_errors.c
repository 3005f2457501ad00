// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.IOAS 18-20: the arguments MAP, UNMAP, COPY, IOVA_RANGES and
 * ALLOW_IOVAS refuse before they touch an IOAS: ranges whose arithmetic
 * overflows, IOAS IDs that name nothing, a count with no array
 * (linux/iommufd.h, "General ioctl format": EOVERFLOW, ENOENT, EFAULT).
 * IOMMUFD.IOAS.21: a COPY cannot widen the access its pages were pinned
 * with (EPERM). IOMMUFD.IOAS.22: a MAP or COPY that allows no access at
 * all is refused (EINVAL).
 */
#include <string.h>

#include "common.h"

#define SRC_OVERFLOW SRC_ABI " (\"EOVERFLOW: Mathematics overflowed\")"
#define SRC_ENOENT SRC_ABI " (\"ENOENT: An ID or IOVA provided does not exist\")"

/* A raw IOAS_MAP of [user_va, + length) at a fixed iova. */
static int map_raw(struct siovh_check *check, uint32_t id, uint64_t iova,
		   uint64_t user_va, uint64_t length)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .ioas_id = id, .iova = iova,
		.user_va = user_va, .length = length,
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
	};

	return fd_ioctl(check, IOMMU_IOAS_MAP, &m);
}

SIOVH_CLAUSE(ioas_overflow,
	.id = "IOMMUFD.IOAS.18", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP, UNMAP and COPY whose range arithmetic overflows are -EOVERFLOW and change nothing: an iova (COPY: source or destination) or length of U64_MAX, a user_va + length - 1 or an iova + length - 1 past U64_MAX",
	.source = SRC_OVERFLOW "; " SRC_H("IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP, IOMMU_IOAS_COPY"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check), dst = must_ioas(check);
	uint64_t b = must_base(check, id), iova, top = UINT64_MAX - PG + 1;
	void *buf = must_pages(check, 2);

	EXPECT_ERRNO(map_raw(check, id, UINT64_MAX, (uintptr_t)buf, PG),
		     -EOVERFLOW);
	EXPECT_ERRNO(map_raw(check, id, b, (uintptr_t)buf, UINT64_MAX),
		     -EOVERFLOW);
	/* user memory at the very top: the last byte wraps */
	EXPECT_ERRNO(map_raw(check, id, b, top, 2 * PG), -EOVERFLOW);
	EXPECT_EQ(unmap_all(check, id), 0);

	iova = b;
	ASSERT_OK(ioas_map(check, id, FIXED, buf, 2 * PG, &iova));
	EXPECT_ERRNO(ioas_unmap(check, id, UINT64_MAX, PG, NULL), -EOVERFLOW);
	EXPECT_ERRNO(ioas_unmap(check, id, b, UINT64_MAX, NULL), -EOVERFLOW);
	EXPECT_ERRNO(ioas_unmap(check, id, top, 2 * PG, NULL), -EOVERFLOW);
	EXPECT_ERRNO(ioas_copy(check, dst, id, FIXED, top, 2 * PG, &iova),
		     -EOVERFLOW);
	EXPECT_ERRNO(ioas_copy(check, dst, id, FIXED, b, UINT64_MAX, &iova),
		     -EOVERFLOW);
	EXPECT_ERRNO(ioas_copy(check, dst, id, FIXED, UINT64_MAX, PG, &iova),
		     -EOVERFLOW);
	iova = UINT64_MAX;
	EXPECT_ERRNO(ioas_copy(check, dst, id, FIXED, b, PG, &iova),
		     -EOVERFLOW);
	/* the one real mapping is intact, the copy target still empty */
	EXPECT_EQ(unmap_all(check, dst), 0);
	EXPECT_EQ(unmap_all(check, id), 2 * PG);
}

SIOVH_CLAUSE(ioas_copy_unknown,
	.id = "IOMMUFD.IOAS.19", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "COPY from or to an IOAS ID that names no IOAS (never allocated, destroyed, or another object's) is -ENOENT and maps nothing",
	.source = SRC_ENOENT "; " SRC_H("IOMMU_IOAS_COPY"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t src = must_ioas(check), dst = must_ioas(check);
	uint32_t gone = must_ioas(check), fault_id;
	uint64_t b = must_base(check, src), iova;
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	void *buf = must_pages(check, 1);

	iova = b;
	ASSERT_OK(ioas_map(check, src, FIXED, buf, PG, &iova));
	ASSERT_OK(obj_destroy(check, gone));
	ASSERT_OK(fd_ioctl(check, IOMMU_FAULT_QUEUE_ALLOC, &fa));
	fault_id = fa.out_fault_id;
	iova = b;
	EXPECT_ERRNO(ioas_copy(check, dst, gone, FIXED, b, PG, &iova), -ENOENT);
	EXPECT_ERRNO(ioas_copy(check, dst, fault_id, FIXED, b, PG, &iova),
		     -ENOENT);
	EXPECT_ERRNO(ioas_copy(check, dst, UINT32_MAX, FIXED, b, PG, &iova),
		     -ENOENT);
	EXPECT_ERRNO(ioas_copy(check, gone, src, FIXED, b, PG, &iova), -ENOENT);
	EXPECT_ERRNO(ioas_copy(check, fault_id, src, FIXED, b, PG, &iova),
		     -ENOENT);
	EXPECT_EQ(unmap_all(check, dst), 0);
	EXPECT_EQ(unmap_all(check, src), PG);
}

SIOVH_CLAUSE(ioas_ranges_unknown,
	.id = "IOMMUFD.IOAS.20", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOVA_RANGES and ALLOW_IOVAS of an ID that names no IOAS (destroyed, or another object's) are -ENOENT; a nonzero num_iovas with no array is -EFAULT; the IOAS's ranges are unchanged",
	.source = SRC_ENOENT "; " SRC_ABI " (\"EFAULT\"); " SRC_H("IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_ALLOW_IOVAS"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check), gone = must_ioas(check), fault_id;
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	struct iommu_iova_range v[4];
	struct iommu_ioas_iova_ranges q;
	struct iommu_ioas_allow_iovas al;
	struct ioas_ranges before, after;
	uint32_t bad[2], i;

	must_ranges(check, id, &before);
	ASSERT_OK(obj_destroy(check, gone));
	ASSERT_OK(fd_ioctl(check, IOMMU_FAULT_QUEUE_ALLOC, &fa));
	fault_id = fa.out_fault_id;
	bad[0] = gone;
	bad[1] = fault_id;
	for (i = 0; i < 2; i++) {
		q = (struct iommu_ioas_iova_ranges) {
			.size = sizeof(q), .ioas_id = bad[i], .num_iovas = 4,
			.allowed_iovas = (uintptr_t)v,
		};
		EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q),
			     -ENOENT);
		al = (struct iommu_ioas_allow_iovas) {
			.size = sizeof(al), .ioas_id = bad[i],
		};
		EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_ALLOW_IOVAS, &al),
			     -ENOENT);
	}
	q = (struct iommu_ioas_iova_ranges) {
		.size = sizeof(q), .ioas_id = id, .num_iovas = 4,
	};
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q), -EFAULT);
	al = (struct iommu_ioas_allow_iovas) {
		.size = sizeof(al), .ioas_id = id, .num_iovas = 1,
	};
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_ALLOW_IOVAS, &al), -EFAULT);
	must_ranges(check, id, &after);
	EXPECT_EQ(after.n, before.n);
	EXPECT_EQ(memcmp(after.v, before.v, before.n * sizeof(before.v[0])), 0);
}

/*
 * Found by fuzzing Linux 7.3 (issue 9, vm-images/fuzz-kernel.sh): the
 * IOAS engine's COPY of a read-only mapping as WRITEABLE was -EPERM on the
 * kernel and 0 on the reference and the model. The kernel pins the user
 * memory once, at the MAP, with the MAP's access; a copy shares those
 * pages and cannot widen it.
 */
SIOVH_CLAUSE(ioas_copy_adds_write,
	.id = "IOMMUFD.IOAS.21", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "COPY with WRITEABLE of pages a MAP pinned without WRITEABLE is -EPERM and maps nothing, also through an intermediate read-only copy; a read-only copy of them, and any copy of pages pinned writable, succeed",
	.source = SRC_H("IOMMU_IOAS_COPY: \"the kernel will pin the user memory only once\"") "; " SRC_MAP,
	.needs = NEEDS_IOMMUFD)
{
	uint32_t src = must_ioas(check), dst = must_ioas(check);
	uint64_t b = must_base(check, src), d = must_base(check, dst);
	uint32_t ro = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE;
	uint8_t *buf = must_pages(check, 2);
	uint64_t iova;

	iova = b;
	ASSERT_OK(ioas_map(check, src, ro, buf, PG, &iova));
	iova = b + PG;
	ASSERT_OK(ioas_map(check, src, FIXED, buf + PG, PG, &iova));
	/* read-only pages: no writable copy, over them or spanning them */
	iova = d;
	EXPECT_ERRNO(ioas_copy(check, dst, src, FIXED, b, PG, &iova), -EPERM);
	EXPECT_ERRNO(ioas_copy(check, dst, src, FIXED, b, 2 * PG, &iova),
		     -EPERM);
	EXPECT_EQ(unmap_all(check, dst), 0);
	/* a read-only copy is fine, and does not make its pages writable */
	ASSERT_OK(ioas_copy(check, dst, src, ro, b, PG, &iova));
	iova = b + 16 * PG;
	EXPECT_ERRNO(ioas_copy(check, src, dst, FIXED, d, PG, &iova), -EPERM);
	/* pages pinned writable: a writable copy of a read-only copy */
	iova = d + PG;
	ASSERT_OK(ioas_copy(check, dst, src, ro, b + PG, PG, &iova));
	iova = b + 17 * PG;
	EXPECT_OK(ioas_copy(check, src, dst, FIXED, d + PG, PG, &iova));
	EXPECT_EQ(unmap_all(check, dst), 2 * PG);
	EXPECT_EQ(unmap_all(check, src), 3 * PG);
}

SIOVH_CLAUSE(ioas_map_no_access,
	.id = "IOMMUFD.IOAS.22", .level = SIOVH_SHOULD, .facet = "iommufd",
	.title = "MAP and COPY whose flags grant DMA neither READABLE nor WRITEABLE are -EINVAL (with or without FIXED_IOVA) and map nothing; the same MAP and COPY with READABLE succeed",
	.source = SRC_H("enum iommufd_ioas_map_flags (WRITEABLE: DMA is allowed to write, READABLE: to read)") "; derived: a mapping that allows no DMA serves no device, and Linux's iommufd (6.12, 7.3) refuses it with -EINVAL after the flag and overflow checks",
	.needs = NEEDS_IOMMUFD)
{
	uint32_t src = must_ioas(check), dst = must_ioas(check);
	uint64_t b = must_base(check, src), iova;
	void *buf = must_pages(check, 1);
	struct iommu_ioas_map m = {
		.size = sizeof(m), .ioas_id = src, .iova = b,
		.user_va = (uintptr_t)buf, .length = PG,
	};

	/* no flag at all, and FIXED_IOVA alone */
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_MAP, &m), -EINVAL);
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_MAP, &m), -EINVAL);
	EXPECT_EQ(unmap_all(check, src), 0);
	m.flags |= IOMMU_IOAS_MAP_READABLE;
	ASSERT_OK(fd_ioctl(check, IOMMU_IOAS_MAP, &m));
	iova = b;
	EXPECT_ERRNO(ioas_copy(check, dst, src, IOMMU_IOAS_MAP_FIXED_IOVA, b,
			       PG, &iova), -EINVAL);
	EXPECT_ERRNO(ioas_copy(check, dst, src, 0, b, PG, &iova), -EINVAL);
	EXPECT_EQ(unmap_all(check, dst), 0);
	iova = b;
	EXPECT_OK(ioas_copy(check, dst, src, IOMMU_IOAS_MAP_FIXED_IOVA |
			    IOMMU_IOAS_MAP_READABLE, b, PG, &iova));
	EXPECT_EQ(unmap_all(check, dst), PG);
	EXPECT_EQ(unmap_all(check, src), PG);
}
