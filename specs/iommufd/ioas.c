// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.IOAS 1-10: IOAS objects and IOMMU_IOAS_MAP / UNMAP on /dev/iommu
 * (seed 003, "IOMMU FD": an IOAS is allocated via iommufd and DMA is
 * mapped and unmapped from userspace; linux/iommufd.h for the rules).
 */
#include <sys/mman.h>

#include "common.h"

SIOVH_CLAUSE(ioas_alloc_distinct,
	.id = "IOMMUFD.IOAS.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOAS_ALLOC returns a nonzero ID, distinct for every live IOAS, and each names a usable IOAS",
	.source = SRC_IOAS "; " SRC_H("IOMMU_IOAS_ALLOC"),
	.needs = NEEDS_IOMMUFD)
{
	struct ioas_ranges r;
	uint32_t id[4];
	int i, j;

	for (i = 0; i < 4; i++) {
		id[i] = must_ioas(check);
		EXPECT_NE(id[i], 0);
		for (j = 0; j < i; j++)
			EXPECT_NE(id[i], id[j]);
	}
	for (i = 0; i < 4; i++)
		must_ranges(check, id[i], &r);
}

SIOVH_CLAUSE(ioas_map_fixed,
	.id = "IOMMUFD.IOAS.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP with FIXED_IOVA maps exactly at iova; UNMAP of that range gives its length back; a second UNMAP is -ENOENT",
	.source = SRC_MAP "; " SRC_H("IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t base = must_base(check, id), iova = base + 0x200000, n;
	void *buf = must_pages(check, 4);

	ASSERT_OK(ioas_map(check, id, FIXED, buf, 4 * PG, &iova));
	EXPECT_EQ(iova, base + 0x200000);
	EXPECT_OK(ioas_unmap(check, id, base + 0x200000, 4 * PG, &n));
	EXPECT_EQ(n, 4 * PG);
	EXPECT_ERRNO(ioas_unmap(check, id, base + 0x200000, 4 * PG, NULL),
		     -ENOENT);
}

/*
 * On a fresh IOAS (nothing attached: nothing pinned), an automatic MAP a
 * page longer than the lowest IOVA range, which therefore cannot fit below
 * the first reserved hole: where it lands must be one range's. The user
 * memory is address space only (MAP_NORESERVE, never touched). Without a
 * reserved hole (a kernel IOAS before any device is attached has none)
 * there is nothing to place past.
 */
static void map_past_hole(struct siovh_check *check)
{
	uint32_t id = must_ioas(check);
	struct ioas_ranges r;
	uint64_t len, iova = 0;
	void *buf;
	int ret;

	bool room = false;
	uint32_t i;

	must_ranges(check, id, &r);
	if (r.n < 2)
		return;
	len = (r.v[0].last - r.v[0].start + 1 + PG) & ~(uint64_t)(PG - 1);
	for (i = 1; i < r.n; i++)
		room |= r.v[i].last - r.v[i].start >= len - 1 + r.align;
	if (!room)
		return;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (buf == MAP_FAILED)
		SKIP("no address space for a %llu-byte MAP",
		     (unsigned long long)len);
	ret = ioas_map(check, id, RW, buf, len, &iova);
	if (EXPECT_OK(ret) && !in_ranges(&r, iova, len))
		FAIL("a %llu-byte MAP was placed at 0x%llx, not inside one IOVA range",
		     (unsigned long long)len, (unsigned long long)iova);
	munmap(buf, len);
	EXPECT_OK(obj_destroy(check, id));
}

SIOVH_CLAUSE(ioas_map_auto,
	.id = "IOMMUFD.IOAS.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP without FIXED_IOVA returns an IOVA inside the IOVA ranges, aligned to out_iova_alignment, overlapping no existing mapping; a mapping longer than the lowest range is placed wholly inside a higher one, not across the reserved IOVAs between them",
	.source = SRC_H("IOMMU_IOAS_MAP (\"a suitable location ... automatically selected\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t iova[9], len[9];
	struct ioas_ranges r;
	void *buf = must_pages(check, 16);
	int i, j;

	try_attached(check, id);	/* narrower ranges, real alignment */
	must_ranges(check, id, &r);
	iova[0] = r.v[0].start;
	len[0] = 4 * PG;
	ASSERT_OK(ioas_map(check, id, FIXED, buf, len[0], &iova[0]));
	for (i = 1; i < 9; i++) {
		len[i] = (uint64_t)(i % 4 + 1) * PG;
		iova[i] = 0;
		ASSERT_OK(ioas_map(check, id, RW, buf, len[i], &iova[i]));
		EXPECT_TRUE(in_ranges(&r, iova[i], len[i]));
		EXPECT_EQ(iova[i] % r.align, 0);
		for (j = 0; j < i; j++)
			if (iova[i] < iova[j] + len[j] &&
			    iova[j] < iova[i] + len[i])
				FAIL("chosen IOVA 0x%llx+0x%llx overlaps mapping %d at 0x%llx+0x%llx",
				     (unsigned long long)iova[i],
				     (unsigned long long)len[i], j,
				     (unsigned long long)iova[j],
				     (unsigned long long)len[j]);
	}
	map_past_hole(check);
}

SIOVH_CLAUSE(ioas_map_overlap,
	.id = "IOMMUFD.IOAS.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP with FIXED_IOVA over any part of an existing mapping is -EEXIST; right next to it succeeds",
	.source = SRC_H("IOMMU_IOAS_MAP (\"existing IOVA cannot be replaced\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b = must_base(check, id), iova = b;
	void *buf = must_pages(check, 4);

	ASSERT_OK(ioas_map(check, id, FIXED, buf, 4 * PG, &iova));
	iova = b;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, 4 * PG, &iova), -EEXIST);
	iova = b + PG;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, PG, &iova), -EEXIST);
	iova = b - PG;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, 2 * PG, &iova), -EEXIST);
	iova = b + 3 * PG;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, 2 * PG, &iova), -EEXIST);
	iova = b + 4 * PG;
	EXPECT_OK(ioas_map(check, id, FIXED, buf, PG, &iova));
	EXPECT_EQ(unmap_all(check, id), 5 * PG);
}

SIOVH_CLAUSE(ioas_map_unaligned,
	.id = "IOMMUFD.IOAS.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP with an iova or iova + length off out_iova_alignment is -EINVAL and maps nothing",
	.source = SRC_H("IOMMU_IOAS_IOVA_RANGES (out_iova_alignment)"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b, iova;
	void *buf = must_pages(check, 2);
	struct ioas_ranges r;

	must_attached(check, id);
	b = must_base(check, id);
	must_ranges(check, id, &r);
	if (r.align <= 1)
		SKIP("out_iova_alignment is 1: every IOVA is allowed");
	iova = b + r.align / 2;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, PG, &iova), -EINVAL);
	iova = b;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, PG + r.align / 2, &iova),
		     -EINVAL);
	EXPECT_EQ(unmap_all(check, id), 0);
}

SIOVH_CLAUSE(ioas_map_reserved,
	.id = "IOMMUFD.IOAS.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP with FIXED_IOVA into or across an IOVA outside the IOVA ranges is -EINVAL",
	.source = SRC_H("IOMMU_IOAS_IOVA_RANGES (\"Mapping IOVA outside these ranges is not allowed\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	void *buf = must_pages(check, 2);
	struct ioas_ranges r;
	uint64_t gap, iova;

	must_attached(check, id);
	must_ranges(check, id, &r);
	if (r.v[0].last == UINT64_MAX)
		SKIP("the IOVA ranges cover every IOVA");
	gap = r.v[0].last + 1;
	if (gap % PG)
		SKIP("the first range ends off a page boundary");
	iova = gap;
	EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, PG, &iova), -EINVAL);
	if (gap >= PG) {
		iova = gap - PG;
		EXPECT_ERRNO(ioas_map(check, id, FIXED, buf, 2 * PG, &iova),
			     -EINVAL);
	}
	EXPECT_EQ(unmap_all(check, id), 0);
}

SIOVH_CLAUSE(ioas_unmap_hole,
	.id = "IOMMUFD.IOAS.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "UNMAP of a range holding no mapping is -ENOENT and leaves the mappings elsewhere alone",
	.source = SRC_H("\"ENOENT: An ID or IOVA provided does not exist\"; IOMMU_IOAS_UNMAP"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b = must_base(check, id), iova = b, n;
	void *buf = must_pages(check, 2);

	EXPECT_ERRNO(ioas_unmap(check, id, b, PG, NULL), -ENOENT);
	ASSERT_OK(ioas_map(check, id, FIXED, buf, 2 * PG, &iova));
	EXPECT_ERRNO(ioas_unmap(check, id, b + 0x100000, 4 * PG, NULL),
		     -ENOENT);
	EXPECT_ERRNO(ioas_unmap(check, id, b + 2 * PG, PG, NULL), -ENOENT);
	EXPECT_OK(ioas_unmap(check, id, b, 2 * PG, &n));
	EXPECT_EQ(n, 2 * PG);
}

SIOVH_CLAUSE(ioas_unmap_length,
	.id = "IOMMUFD.IOAS.8", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "UNMAP of a range covering whole mappings and holes unmaps them all and returns the bytes unmapped in length",
	.source = SRC_H("IOMMU_IOAS_UNMAP (\"return back the bytes unmapped\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b = must_base(check, id), iova, n;
	void *buf = must_pages(check, 2);

	iova = b;
	ASSERT_OK(ioas_map(check, id, FIXED, buf, PG, &iova));
	iova = b + 3 * PG;
	ASSERT_OK(ioas_map(check, id, FIXED, buf, 2 * PG, &iova));
	EXPECT_OK(ioas_unmap(check, id, b, 8 * PG, &n));
	EXPECT_EQ(n, 3 * PG);
	EXPECT_EQ(unmap_all(check, id), 0);
}

SIOVH_CLAUSE(ioas_unmap_no_split,
	.id = "IOMMUFD.IOAS.9", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "UNMAP of a range that would split or truncate a mapping is -ENOENT and the mapping stays whole",
	.source = SRC_H("IOMMU_IOAS_UNMAP (\"Splitting or truncating ranges is not allowed\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b = must_base(check, id), iova = b, n;
	void *buf = must_pages(check, 4);

	ASSERT_OK(ioas_map(check, id, FIXED, buf, 4 * PG, &iova));
	EXPECT_ERRNO(ioas_unmap(check, id, b + PG, 2 * PG, NULL), -ENOENT);
	EXPECT_ERRNO(ioas_unmap(check, id, b, 2 * PG, NULL), -ENOENT);
	EXPECT_ERRNO(ioas_unmap(check, id, b + 2 * PG, 4 * PG, NULL),
		     -ENOENT);
	EXPECT_ERRNO(ioas_unmap(check, id, b - PG, 2 * PG, NULL), -ENOENT);
	EXPECT_OK(ioas_unmap(check, id, b, 4 * PG, &n));
	EXPECT_EQ(n, 4 * PG);
}

SIOVH_CLAUSE(ioas_unmap_all,
	.id = "IOMMUFD.IOAS.10", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "UNMAP with iova 0 and length U64_MAX unmaps every mapping and reports their total; on an empty IOAS it succeeds with 0",
	.source = SRC_H("IOMMU_IOAS_UNMAP (\"The values 0 to U64_MAX will unmap everything\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b = must_base(check, id), at[3], iova;
	void *buf = must_pages(check, 4);
	int i;

	at[0] = b;
	at[1] = b + 0x100000;
	at[2] = b + 0x2000000;
	for (i = 0; i < 3; i++) {
		iova = at[i];
		ASSERT_OK(ioas_map(check, id, FIXED, buf, (i + 1) * PG, &iova));
	}
	EXPECT_EQ(unmap_all(check, id), 6 * PG);
	for (i = 0; i < 3; i++)
		EXPECT_ERRNO(ioas_unmap(check, id, at[i], (i + 1) * PG, NULL),
			     -ENOENT);
	EXPECT_EQ(unmap_all(check, id), 0);
}
