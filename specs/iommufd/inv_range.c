// SPDX-License-Identifier: MIT
/*
 * VSVA.INV 3-5: the granularities of IOMMU_HWPT_INVALIDATE on a nested
 * HWPT (seed 004, "Invalidation Pass-down"): every page of the guest's
 * stage 1 (addr 0, npages U64_MAX), a range of pages, and a range that
 * runs past the guest's mapped VAs. Each is shown the way VSVA.INV.1
 * shows one page: pages read once (cached), their PTEs re-pointed without
 * invalidation (still stale), then after the request read anew. Pages 2
 * (completion records), 6, 7 and 15 (below) are never re-pointed.
 */
#include <string.h>

#include "vsva.h"

#define SRC_INV SRC_H("IOMMU_HWPT_INVALIDATE")
#define SRC_PASSDOWN SRC_VSVA("Invalidation Pass-down")
#define E_SZ sizeof(struct iommu_hwpt_vtd_s1_invalidate)

#define OLD_PAGE 6		/* data pages the PTEs point at */
#define NEW_PAGE 7
#define DST_PAGE 15		/* where reads land */

/* The first byte DMA reads at guest VA page i. */
static uint8_t read_va(struct siovh_check *check, struct vs *s,
		       unsigned int i)
{
	vs_page(s, DST_PAGE)[0] = 0;
	EXPECT_EQ(vs_copy(check, s, true, i, DST_PAGE, 2, 0),
		  SIOVDEV_CS_SUCCESS);
	return vs_page(s, DST_PAGE)[0];
}

/* Guest VA pages [first, first + n) read through (and cached as) OLD_PAGE,
 * then their PTEs re-pointed at NEW_PAGE, still stale. */
static void stale_pages(struct siovh_check *check, struct vs *s,
			unsigned int first, unsigned int n)
{
	unsigned int i;

	memset(vs_page(s, OLD_PAGE), 0x66, 256);
	memset(vs_page(s, NEW_PAGE), 0x77, 256);
	for (i = first; i < first + n; i++) {
		*vs_pte(s, i) = vs_gpa(OLD_PAGE) | VS_PTE_FLAGS;
		EXPECT_EQ(read_va(check, s, i), 0x66);
	}
	for (i = first; i < first + n; i++)
		*vs_pte(s, i) = vs_gpa(NEW_PAGE) | VS_PTE_FLAGS;
	EXPECT_EQ(read_va(check, s, first), 0x66);	/* the IOTLB's */
}

/* After the invalidation: each page of [first, first + n) reads NEW. */
static void expect_fresh(struct siovh_check *check, struct vs *s,
			 unsigned int first, unsigned int n)
{
	unsigned int i;

	for (i = first; i < first + n; i++)
		if (read_va(check, s, i) != 0x77)
			FAIL("guest VA page %u still reads the stale page", i);
}

SIOVH_CLAUSE(inv_all_pages,
	.id = "VSVA.INV.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an invalidation of every page (addr 0, npages U64_MAX) drops every stale translation of the nested HWPT",
	.source = SRC_PASSDOWN "; " SRC_H("struct iommu_hwpt_vtd_s1_invalidate"),
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e = inv_entry(0, UINT64_MAX, 0);
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	stale_pages(check, &s, 9, 4);
	ASSERT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
	expect_fresh(check, &s, 9, 4);
}

SIOVH_CLAUSE(inv_range_pages,
	.id = "VSVA.INV.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an invalidation of npages pages from an address that is not aligned to the range's size drops the stale translation of every page in it, not only the first",
	.source = SRC_PASSDOWN "; " SRC_INV,
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e = inv_entry(VS_GVA + 9 * PG, 5,
							  0);
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	stale_pages(check, &s, 9, 5);	/* chunks 9, 10-11, 12-13 */
	ASSERT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
	expect_fresh(check, &s, 9, 5);
}

SIOVH_CLAUSE(inv_range_crossing,
	.id = "VSVA.INV.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a range that starts below the guest's mapped VAs or runs past their end is accepted and drops the stale translations of the mapped pages it covers; ranges running past the top of the stage-1 input width (48 bits) or starting above it are accepted too, and the entries after them handled",
	.source = SRC_PASSDOWN "; " SRC_INV,
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e, v[3];
	uint32_t num = 0;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	stale_pages(check, &s, 0, 2);
	e = inv_entry(VS_GVA - 4 * PG, 6, 0);	/* 4 unmapped, then 0-1 */
	ASSERT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
	expect_fresh(check, &s, 0, 2);
	stale_pages(check, &s, 9, 2);
	e = inv_entry(VS_GVA + 9 * PG, 1024, IOMMU_VTD_INV_FLAGS_LEAF);
	ASSERT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
	expect_fresh(check, &s, 9, 2);
	/* nothing bounds addr by the guest's width (vs_s1: 48 bits) */
	stale_pages(check, &s, 12, 2);
	v[0] = inv_entry((1ull << 48) - PG, 2, 0);
	v[1] = inv_entry(1ull << 50, 4, 0);
	v[2] = inv_entry(VS_GVA + 12 * PG, 2, 0);
	EXPECT_OK(vs_inv(check, s.nested, v, E_SZ, 3, &num));
	EXPECT_EQ(num, 3);
	expect_fresh(check, &s, 12, 2);
}
