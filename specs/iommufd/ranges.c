// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.IOAS 11-17 and 23: IOMMU_IOAS_COPY, the IOVA ranges (IOVA_RANGES'
 * two-call protocol, ALLOW_IOVAS, a MAP no range can hold) and
 * IOMMU_DESTROY (linux/iommufd.h; seed 003, "IOMMU FD": the container
 * holding multiple I/O address spaces).
 */
#include <string.h>

#include "common.h"

SIOVH_CLAUSE(ioas_copy_independent,
	.id = "IOMMUFD.IOAS.11", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "COPY establishes a mapped range in another IOAS; source and copy are then unmapped independently",
	.source = SRC_H("IOMMU_IOAS_COPY") "; " SEED003 "\"IOMMU FD\" (the container holding multiple I/O address spaces)",
	.needs = NEEDS_IOMMUFD)
{
	uint32_t s = must_ioas(check), d = must_ioas(check);
	uint64_t b = must_base(check, s), b2 = must_base(check, d);
	uint64_t iova = b, dst = b2 + 0x400000, n;
	void *buf = must_pages(check, 4);

	ASSERT_OK(ioas_map(check, s, FIXED, buf, 4 * PG, &iova));
	ASSERT_OK(ioas_copy(check, d, s, FIXED, b, 4 * PG, &dst));
	EXPECT_EQ(dst, b2 + 0x400000);
	EXPECT_OK(ioas_unmap(check, s, b, 4 * PG, &n));
	EXPECT_EQ(n, 4 * PG);
	EXPECT_OK(ioas_unmap(check, d, b2 + 0x400000, 4 * PG, &n));
	EXPECT_EQ(n, 4 * PG);
	iova = b;
	ASSERT_OK(ioas_map(check, s, FIXED, buf, 2 * PG, &iova));
	dst = 0;
	ASSERT_OK(ioas_copy(check, d, s, RW, b, 2 * PG, &dst));
	EXPECT_OK(ioas_unmap(check, d, dst, 2 * PG, &n));
	EXPECT_EQ(n, 2 * PG);
	EXPECT_EQ(unmap_all(check, s), 2 * PG);
}

SIOVH_CLAUSE(ioas_copy_hole,
	.id = "IOMMUFD.IOAS.12", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "COPY of a source range that is not wholly mapped is -ENOENT and maps nothing in the destination",
	.source = SRC_H("IOMMU_IOAS_COPY; \"ENOENT: An ID or IOVA provided does not exist\""),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t s = must_ioas(check), d = must_ioas(check);
	uint64_t b = must_base(check, s), b2 = must_base(check, d), iova, dst;
	void *buf = must_pages(check, 1);

	iova = b;
	ASSERT_OK(ioas_map(check, s, FIXED, buf, PG, &iova));
	iova = b + 2 * PG;
	ASSERT_OK(ioas_map(check, s, FIXED, buf, PG, &iova));
	dst = b2;
	EXPECT_ERRNO(ioas_copy(check, d, s, FIXED, b, 3 * PG, &dst), -ENOENT);
	dst = b2;
	EXPECT_ERRNO(ioas_copy(check, d, s, FIXED, b + 4 * PG, PG, &dst),
		     -ENOENT);
	EXPECT_EQ(unmap_all(check, d), 0);
}

SIOVH_CLAUSE(ioas_ranges_two_call,
	.id = "IOMMUFD.IOAS.13", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOVA_RANGES with too small an array is -EMSGSIZE with num_iovas set to the count; with room it fills sorted, disjoint ranges",
	.source = SRC_H("IOMMU_IOAS_IOVA_RANGES (\"return -EMSGSIZE and set num_iovas to the required value\")"),
	.needs = NEEDS_IOMMUFD)
{
	struct iommu_iova_range v[MAX_RANGES];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = must_ioas(check),
	};
	uint32_t count, i;

	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q), -EMSGSIZE);
	count = q.num_iovas;
	ASSERT_GT(count, 0);
	ASSERT_LE(count, MAX_RANGES);
	q.num_iovas = count;
	q.allowed_iovas = (uintptr_t)v;
	ASSERT_OK(fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q));
	EXPECT_EQ(q.num_iovas, count);
	EXPECT_GE(q.out_iova_alignment, 1);
	EXPECT_LE(q.out_iova_alignment, PG);
	EXPECT_EQ(q.out_iova_alignment & (q.out_iova_alignment - 1), 0);
	for (i = 0; i < count; i++) {
		EXPECT_LE(v[i].start, v[i].last);
		if (i && v[i].start <= v[i - 1].last)
			FAIL("range %u starts at 0x%llx, inside range %u",
			     i, (unsigned long long)v[i].start, i - 1);
	}
	q.num_iovas = MAX_RANGES;
	EXPECT_OK(fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q));
	EXPECT_EQ(q.num_iovas, count);
}

SIOVH_CLAUSE(ioas_ranges_bounded,
	.id = "IOMMUFD.IOAS.14", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOVA_RANGES never writes past num_iovas entries of the caller's array",
	.source = SRC_H("IOMMU_IOAS_IOVA_RANGES (\"filled in as space permits\")"),
	.needs = NEEDS_IOMMUFD)
{
	struct iommu_iova_range v[MAX_RANGES + 1], canary;
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = must_ioas(check),
		.allowed_iovas = (uintptr_t)v,
	};
	uint32_t count, i;
	int ret;

	memset(&canary, 0xa5, sizeof(canary));
	for (i = 0; i <= MAX_RANGES; i++)
		v[i] = canary;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q), -EMSGSIZE);
	count = q.num_iovas;
	ASSERT_LE(count, MAX_RANGES);
	EXPECT_EQ(memcmp(&v[0], &canary, sizeof(canary)), 0);
	q.num_iovas = 1;
	ret = fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q);
	EXPECT_ERRNO(ret, count > 1 ? -EMSGSIZE : 0);
	EXPECT_NE(memcmp(&v[0], &canary, sizeof(canary)), 0);
	for (i = 1; i <= MAX_RANGES; i++)
		if (memcmp(&v[i], &canary, sizeof(canary)))
			FAIL("entry %u of a 1-entry array was written", i);
}

SIOVH_CLAUSE(ioas_allow_restricts,
	.id = "IOMMUFD.IOAS.15", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "after ALLOW_IOVAS (two ranges, given highest first) every IOVA MAP chooses lies in one of the allowed ranges, -ENOSPC once they are full; an empty list lifts the restriction",
	.source = SRC_H("IOMMU_IOAS_ALLOW_IOVAS (\"MAP will only allocate within the allowed IOVAs\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b = must_base(check, id) + 0x1000000, iova;
	/* the list is a set: nothing says it must come sorted */
	struct iommu_iova_range w[2] = {
		{ b + 64 * PG, b + 72 * PG - 1 }, { b, b + 8 * PG - 1 },
	};
	void *buf = must_pages(check, 1);
	int i;

	ASSERT_OK(ioas_allow(check, id, w, 2));
	for (i = 0; i < 16; i++) {
		iova = 0;
		ASSERT_OK(ioas_map(check, id, RW, buf, PG, &iova));
		if ((iova < w[0].start || iova > w[0].last - PG + 1) &&
		    (iova < w[1].start || iova > w[1].last - PG + 1))
			FAIL("map %d chose IOVA 0x%llx, outside the allowed [0x%llx, 0x%llx] and [0x%llx, 0x%llx]",
			     i, (unsigned long long)iova,
			     (unsigned long long)w[1].start,
			     (unsigned long long)w[1].last,
			     (unsigned long long)w[0].start,
			     (unsigned long long)w[0].last);
	}
	iova = 0;
	EXPECT_ERRNO(ioas_map(check, id, RW, buf, PG, &iova), -ENOSPC);
	EXPECT_OK(ioas_allow(check, id, NULL, 0));
	iova = 0;
	EXPECT_OK(ioas_map(check, id, RW, buf, PG, &iova));
	EXPECT_EQ(unmap_all(check, id), 17 * PG);
}

SIOVH_CLAUSE(ioas_allow_invalid,
	.id = "IOMMUFD.IOAS.16", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "ALLOW_IOVAS with an inverted or overlapping range is -EINVAL, and with a range over a reserved IOVA -EADDRINUSE",
	.source = SRC_H("IOMMU_IOAS_ALLOW_IOVAS (\"fail if IOMMU_IOAS_IOVA_RANGES is currently narrower\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	struct iommu_iova_range inv, ov[2], res;
	struct ioas_ranges r;
	uint64_t b;

	try_attached(check, id);	/* a domain reserves IOVAs */
	b = must_base(check, id);
	inv = (struct iommu_iova_range) { b + PG, b };
	ov[0] = (struct iommu_iova_range) { b, b + 2 * PG - 1 };
	ov[1] = (struct iommu_iova_range) { b + PG, b + 3 * PG - 1 };

	EXPECT_ERRNO(ioas_allow(check, id, &inv, 1), -EINVAL);
	EXPECT_ERRNO(ioas_allow(check, id, ov, 2), -EINVAL);
	must_ranges(check, id, &r);
	if (r.v[0].last == UINT64_MAX)
		return;		/* nothing is reserved */
	res = (struct iommu_iova_range) { r.v[0].last - PG + 1,
					  r.v[0].last + PG };
	EXPECT_ERRNO(ioas_allow(check, id, &res, 1), -EADDRINUSE);
}

SIOVH_CLAUSE(ioas_destroy,
	.id = "IOMMUFD.IOAS.17", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "DESTROY of an ID naming no object is -ENOENT; a destroyed IOAS (even with mappings) is gone: its ID is -ENOENT",
	.source = SRC_H("IOMMU_DESTROY; \"ENOENT: An ID or IOVA provided does not exist\""),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b = must_base(check, id), iova = b;
	void *buf = must_pages(check, 1);
	struct ioas_ranges r;

	EXPECT_ERRNO(obj_destroy(check, 0), -ENOENT);
	EXPECT_ERRNO(obj_destroy(check, 0x7ffff000), -ENOENT);
	ASSERT_OK(ioas_map(check, id, FIXED, buf, PG, &iova));
	must_ranges(check, id, &r);
	ASSERT_OK(obj_destroy(check, id));
	iova = b + PG;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, PG, &iova), -ENOENT);
	EXPECT_ERRNO(ioas_unmap(check, id, 0, UINT64_MAX, NULL), -ENOENT);
	EXPECT_ERRNO(obj_destroy(check, id), -ENOENT);
}

SIOVH_CLAUSE(ioas_map_no_room,
	.id = "IOMMUFD.IOAS.23", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP without FIXED_IOVA of a length longer than every IOVA range of the IOAS (a device attached where the target can attach one) fails and maps nothing; a one-page MAP then still succeeds",
	.source = SRC_H("IOMMU_IOAS_IOVA_RANGES (\"Mapping IOVA outside these ranges is not allowed\"), IOMMU_IOAS_MAP (the kernel selects the iova)"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check), i;
	void *buf = must_pages(check, 1);
	uint64_t widest = 0, len, iova = 0;
	struct ioas_ranges r;
	int ret;

	must_attached(check, id);
	must_ranges(check, id, &r);
	for (i = 0; i < r.n; i++)
		if (r.v[i].last - r.v[i].start > widest)
			widest = r.v[i].last - r.v[i].start;
	if (widest > UINT64_MAX / 2)
		SKIP("IOAS %u has an IOVA range of 0x%llx bytes or more: no MAP length exceeds it",
		     id, (unsigned long long)widest);
	/* one alignment unit (a page at least) more than the widest holds */
	len = widest + 1 + (r.align > PG ? r.align : PG);
	ret = ioas_map(check, id, RW, buf, len, &iova);
	if (ret >= 0)
		FAIL("MAP of 0x%llx bytes, more than any IOVA range holds, succeeded at IOVA 0x%llx",
		     (unsigned long long)len, (unsigned long long)iova);
	siovh_note(check, "MAP longer than every IOVA range: %d", ret);
	EXPECT_EQ(unmap_all(check, id), 0);
	iova = 0;
	EXPECT_OK(ioas_map(check, id, RW, buf, PG, &iova));
	EXPECT_EQ(unmap_all(check, id), PG);
}
