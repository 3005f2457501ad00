// SPDX-License-Identifier: MIT
/*
 * VSVA.WALK 1-6: what the host's walk of a guest's stage-1 table through
 * a nested HWPT refuses, that it is the table of the device's own nested
 * HWPT, and that a non-leaf invalidation makes it read the upper levels
 * anew. The guest's table is the guest's (seed 004,
 * "Bind Guest PASID Table"), but every page the walk reads and the page
 * it ends at are reached through the IOAS's second stage, with the rights
 * the IOAS mapping gave them (linux/iommufd.h, IOMMU_IOAS_MAP_READABLE /
 * WRITEABLE); and the entries are the VT-d first-stage (x86 4-level)
 * format IOMMU_HWPT_DATA_VTD_S1 names, whose checks a guest relies on.
 *
 * Every refusal is a DMA fault: the engine's completion record says
 * PAGE_FAULT and the destination is untouched. After each, the guest
 * repairs its table and invalidates as it must, and the same copy
 * succeeds, so the refusal was the checked entry's and nothing else's.
 */
#include <string.h>

#include "vsva.h"

#define SRC_BIND SRC_VSVA("Bind Guest PASID Table")
#define SRC_MAP_PROT SRC_H("IOMMU_IOAS_MAP (IOMMU_IOAS_MAP_READABLE, IOMMU_IOAS_MAP_WRITEABLE)")
#define SRC_S1 SRC_H("IOMMU_HWPT_DATA_VTD_S1") " (VT-d first-stage, x86 4-level paging entries)"

#define W_EXTRA		(VS_GPA + VS_PAGES * PG)	/* GPA of extra pages */
#define W_PD1		(VS_GVA + (2ull << 20))		/* via PD[1] */
#define W_CR		2	/* data page of the completion record */
#define W_LEN		256

/* One extra page of guest memory at GPA iova, with IOAS flags. */
static uint8_t *extra_page(struct siovh_check *check, struct vs *s,
			   uint64_t iova, uint32_t flags)
{
	uint8_t *p = must_pages(check, 1);

	ASSERT_OK(ioas_map(check, s->ioas, IOMMU_IOAS_MAP_FIXED_IOVA | flags,
			   p, PG, &iova));
	return p;
}

/* Copy W_LEN bytes from guest VA src to guest VA dst; the status. */
static uint8_t w_copy(struct siovh_check *check, struct vs *s, uint64_t src,
		      uint64_t dst)
{
	struct dma_buf b = { .va = vs_page(s, 0), .iova = VS_GVA,
			     .size = VS_DATA * PG };

	return run_copy(check, &s->d, 0, &b, src, dst, W_LEN,
			VS_GVA + W_CR * PG, 0);
}

static uint64_t gva(unsigned int data_page)
{
	return VS_GVA + data_page * PG;
}

/* Invalidate the guest's whole address space at the default PASID. */
static void w_inv_all(struct siovh_check *check, struct vs *s)
{
	struct iommu_hwpt_vtd_s1_invalidate e = inv_entry(0, UINT64_MAX, 0);

	ASSERT_OK(vs_inv(check, s->nested, &e, sizeof(e), 1, NULL));
}

static bool all_of(const uint8_t *p, size_t n, uint8_t v)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

SIOVH_CLAUSE(walk_table_read,
	.id = "VSVA.WALK.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "the host walks a guest's stage-1 table through the second stage and needs READ there: a table page the IOAS maps WRITEABLE only is not walked (a DMA write through it faults, its target untouched); mapped READABLE it is",
	.source = SRC_BIND "; " SRC_MAP_PROT "; " SRC_S1,
	.needs = NEEDS_VSVA)
{
	uint64_t *pd, *t;
	uint64_t iova = W_EXTRA;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	/* a second page table, for guest VAs W_PD1.., at a GPA the IOAS
	 * maps write-only: its entry 0 -> data page 1 */
	t = (uint64_t *)extra_page(check, &s, W_EXTRA,
				   IOMMU_IOAS_MAP_WRITEABLE);
	t[0] = vs_gpa(1) | VS_PTE_FLAGS;
	pd = (uint64_t *)(s.mem + 2 * PG);
	pd[1] = W_EXTRA | VS_PTE_FLAGS;
	memset(vs_page(&s, 0), 0x5a, W_LEN);
	memset(vs_page(&s, 1), 0x11, PG);
	drain_faults(check);
	EXPECT_EQ(w_copy(check, &s, gva(0), W_PD1), SIOVDEV_CS_PAGE_FAULT);
	EXPECT_TRUE(all_of(vs_page(&s, 1), PG, 0x11));
	drain_faults(check);
	/* the same table page, readable now: the walk goes through it */
	ASSERT_OK(ioas_unmap(check, s.ioas, W_EXTRA, PG, NULL));
	ASSERT_OK(ioas_map(check, s.ioas, FIXED, t, PG, &iova));
	w_inv_all(check, &s);
	EXPECT_EQ(w_copy(check, &s, gva(0), W_PD1), SIOVDEV_CS_SUCCESS);
	EXPECT_TRUE(all_of(vs_page(&s, 1), W_LEN, 0x5a));
}

SIOVH_CLAUSE(walk_ss_read,
	.id = "VSVA.WALK.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a guest VA whose page the IOAS maps WRITEABLE only takes DMA writes through a nested HWPT but not reads: a copy from it faults (a read fault) and moves nothing, a copy into it lands",
	.source = SRC_MAP_PROT "; " SRC_BIND,
	.needs = NEEDS_VSVA)
{
	struct siovh_dma_fault f;
	uint8_t *wo;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	wo = extra_page(check, &s, W_EXTRA, IOMMU_IOAS_MAP_WRITEABLE);
	memset(wo, 0x77, PG);
	*vs_pte(&s, 3) = W_EXTRA | VS_PTE_FLAGS;	/* guest VA page 3 */
	memset(vs_page(&s, 1), 0x11, PG);
	drain_faults(check);
	EXPECT_EQ(w_copy(check, &s, gva(3), gva(1)), SIOVDEV_CS_PAGE_FAULT);
	EXPECT_TRUE(all_of(vs_page(&s, 1), PG, 0x11));
	if (dma_fault_record(check, &f)) {
		EXPECT_EQ(f.write, 0);
		EXPECT_NE(f.reason, 0);
	}
	drain_faults(check);
	memset(vs_page(&s, 0), 0x5a, W_LEN);
	EXPECT_EQ(w_copy(check, &s, gva(0), gva(3)), SIOVDEV_CS_SUCCESS);
	EXPECT_TRUE(all_of(wo, W_LEN, 0x5a));
	EXPECT_TRUE(all_of(wo + W_LEN, PG - W_LEN, 0x77));
}

/* One refused walk: after the guest's invalidation of its change (its
 * old entries may be cached until then), a copy from data page 0 to guest
 * VA dst faults and leaves data page 1 (the page every dst here ends at,
 * or would) as it was. */
static void w_refused(struct siovh_check *check, struct vs *s, uint64_t dst,
		      const char *what)
{
	uint8_t st;

	w_inv_all(check, s);
	memset(vs_page(s, 1), 0x11, PG);
	drain_faults(check);
	st = w_copy(check, s, gva(0), dst);
	if (st != SIOVDEV_CS_PAGE_FAULT)
		FAIL("%s: completion status %u, expected PAGE_FAULT (%u)",
		     what, st, SIOVDEV_CS_PAGE_FAULT);
	if (!all_of(vs_page(s, 1), PG, 0x11))
		FAIL("%s: the DMA wrote memory", what);
	drain_faults(check);
}

/* The repaired table: the copy to guest VA dst (ending at data page 1)
 * lands. */
static void w_lands(struct siovh_check *check, struct vs *s, uint64_t dst,
		    const char *what)
{
	uint8_t st;

	w_inv_all(check, s);
	memset(vs_page(s, 1), 0x11, PG);
	st = w_copy(check, s, gva(0), dst);
	if (st != SIOVDEV_CS_SUCCESS || !all_of(vs_page(s, 1), W_LEN, 0x5a))
		FAIL("after %s repaired: status %u, the copy did not land",
		     what, st);
}

SIOVH_CLAUSE(walk_entry_checks,
	.id = "VSVA.WALK.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "the walk of a 4-level guest table refuses a guest VA beyond its 48-bit input range (bit 48 set), a PML4 entry with PS (reserved there) or naming a table at a GPA the IOAS does not map, a leaf GPA no IOAS mapping covers (2^51), a DMA write to a leaf without R/W and, for the engine's user-level DMA, a leaf without U/S (a supervisor page); each DMA faults and writes nothing, and the repaired table works",
	.source = SRC_S1 "; " SRC_BIND "; " SRC_VSVA("Sanitize User Requests"),
	.needs = NEEDS_VSVA)
{
	uint64_t *pml4, *leaf, hi = (1ull << 39) | gva(1);
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	pml4 = (uint64_t *)s.mem;
	leaf = vs_pte(&s, 1);
	memset(vs_page(&s, 0), 0x5a, W_LEN);
	/* the guest VA of data page 1 with bit 48 set: not canonical, and
	 * beyond what PML4 indexes (bits 47:39) */
	w_refused(check, &s, (1ull << 48) | gva(1), "VA bit 48");
	w_lands(check, &s, gva(1), "nothing");
	/* PML4[1] (guest VAs from 2^39; the completion record stays under
	 * PML4[0]) -> the same PDPT, with PS */
	pml4[1] = pml4[0] | 1ull << 7;
	w_refused(check, &s, hi, "PML4 entry with PS");
	pml4[1] = pml4[0];
	w_lands(check, &s, hi, "the PML4 entry");
	/* a table at a GPA the IOAS does not map */
	pml4[1] = (W_EXTRA + 64 * PG) | VS_PTE_FLAGS;
	w_refused(check, &s, hi, "PDPT at an unmapped GPA");
	pml4[1] = pml4[0];
	w_lands(check, &s, hi, "the PDPT address");
	*leaf = (1ull << 51) | VS_PTE_FLAGS;
	w_refused(check, &s, gva(1), "leaf GPA 2^51");
	*leaf = vs_gpa(1) | VS_PTE_FLAGS;
	w_lands(check, &s, gva(1), "the leaf GPA");
	*leaf = vs_gpa(1) | (VS_PTE_FLAGS & ~2ull);
	w_refused(check, &s, gva(1), "leaf without R/W");
	*leaf = vs_gpa(1) | VS_PTE_FLAGS;
	w_lands(check, &s, gva(1), "the leaf's R/W");
	*leaf = vs_gpa(1) | (VS_PTE_FLAGS & ~4ull);
	w_refused(check, &s, gva(1), "leaf without U/S");
	*leaf = vs_gpa(1) | VS_PTE_FLAGS;
	w_lands(check, &s, gva(1), "the leaf's U/S");
}

#define W_PS		(1ull << 7)		/* PS: a large page */
#define W_IGNORED	(0x7ffull << 52)	/* bits 62:52: ignored */
#define W_FL1GP		(1ull << 56)		/* cap_reg: 1 GiB FS pages */

SIOVH_CLAUSE(walk_large_page,
	.id = "VSVA.WALK.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "the walk of a guest's stage-1 table takes a 2 MiB page (a PD entry with PS): a guest VA inside it reaches the guest page at the same offset; it ignores bits 62:52 of every entry (a 2 MiB or 4 KiB leaf with them set translates as without); it refuses a 2 MiB entry with any of bits 20:13 set and, on a unit without FL1GP, a PDPT entry with PS; each refused DMA faults and writes nothing",
	.source = SRC_S1 "; derived: the VT-d first stage is x86-64 paging, in which a PDE with PS maps 2 MiB (bits 20:13 reserved), bits 62:52 are ignored, and PS in a PDPTE maps 1 GiB only where the unit reports FL1GP (cap_reg bit 56)",
	.needs = NEEDS_VSVA)
{
	struct iommu_hw_info_vtd vtd = { 0 };
	struct iommu_hw_info c = {
		.size = sizeof(c), .data_len = sizeof(vtd),
		.data_uptr = (uintptr_t)&vtd,
	};
	uint64_t *pdpt, *pd, *leaf, big;
	/* data page 1 is guest page 5: 5 pages into the 2 MiB at VS_GPA */
	const uint64_t dst = W_PD1 + 5 * PG, hi = (1ull << 30) + gva(1);
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	c.dev_id = s.dev_id;
	ASSERT_OK(fd_ioctl(check, IOMMU_GET_HW_INFO, &c));
	pdpt = (uint64_t *)(s.mem + PG);
	pd = (uint64_t *)(s.mem + 2 * PG);
	leaf = vs_pte(&s, 1);
	memset(vs_page(&s, 0), 0x5a, W_LEN);
	/* PD[1]: the 2 MiB of guest memory from VS_GPA (2 MiB aligned) */
	big = VS_GPA | VS_PTE_FLAGS | W_PS;
	pd[1] = big;
	w_lands(check, &s, dst, "the 2 MiB page");
	pd[1] = big | W_IGNORED;
	w_lands(check, &s, dst, "a 2 MiB entry with bits 62:52");
	*leaf |= W_IGNORED;
	w_lands(check, &s, gva(1), "a 4 KiB leaf with bits 62:52");
	*leaf &= ~W_IGNORED;
	pd[1] = big | 1ull << 13;
	w_refused(check, &s, dst, "2 MiB entry with bit 13");
	pd[1] = big | 1ull << 20;
	w_refused(check, &s, dst, "2 MiB entry with bit 20");
	pd[1] = big;
	w_lands(check, &s, dst, "the 2 MiB entry's bits 20:13");
	/* PDPT[2] (guest VAs from VS_GVA + 1 GiB; the completion record
	 * stays under PDPT[1]) -> the same PD, with PS: no 1 GiB pages on
	 * this unit, so reserved */
	if (vtd.cap_reg & W_FL1GP)
		SKIP("the unit has 1 GiB first-stage pages (cap_reg FL1GP): PS in a PDPT entry is not reserved on it");
	pdpt[2] = pdpt[1] | W_PS;
	w_refused(check, &s, hi, "PDPT entry with PS");
	pdpt[2] = pdpt[1];
	w_lands(check, &s, hi, "the PDPT entry's PS");
}

/* Copy W_LEN bytes from guest VA page 0 to page 1 on device d, whose
 * guest VA pages 0.. are data pages first.. (completion in page 2). */
static uint8_t w_copy_on(struct siovh_check *check, struct vs *s,
			 struct vd *d, unsigned int first)
{
	struct dma_buf b = { .va = vs_page(s, first), .iova = VS_GVA,
			     .size = (VS_DATA - first) * PG };

	return run_copy(check, d, 0, &b, gva(0), gva(1), W_LEN,
			VS_GVA + W_CR * PG, 0);
}

#define W2_FIRST	8	/* device B's guest VA page i -> data page 8 + i */

SIOVH_CLAUSE(walk_two_tables,
	.id = "VSVA.WALK.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "two devices on nested HWPTs over one parent (one IOAS, as a VM's two devices) with different guest tables translate the same guest VAs each by its own table, also alternating: neither's cached translations or table walks serve the other, and an invalidation through one's HWPT moves that one's translation only",
	.source = SRC_BIND "; " SRC_H("IOMMU_HWPT_ALLOC") " (nested HWPTs sharing a NEST_PARENT parent)",
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	struct iommu_hwpt_vtd_s1_invalidate e;
	uint32_t dev_b, nested_b;
	uint64_t *t, iova = W_EXTRA;
	unsigned int i, round;
	uint8_t *mem;
	struct vd b;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	/* device B's guest table, 4 pages at GPA W_EXTRA (PML4[0],
	 * PDPT[1], PD[0] as in vsva.h), its PT mapping guest VA page i to
	 * data page W2_FIRST + i */
	mem = must_pages(check, 4);
	t = (uint64_t *)mem;
	t[0] = (W_EXTRA + PG) | VS_PTE_FLAGS;
	t[512 + 1] = (W_EXTRA + 2 * PG) | VS_PTE_FLAGS;
	t[1024] = (W_EXTRA + 3 * PG) | VS_PTE_FLAGS;
	for (i = 0; i < VS_DATA - W2_FIRST; i++)
		t[1536 + i] = vs_gpa(W2_FIRST + i) | VS_PTE_FLAGS;
	ASSERT_OK(ioas_map(check, s.ioas, FIXED, mem, 4 * PG, &iova));
	vd_up(check, s.d.ty, &b, 2);
	q_enable(check, &b, 0);
	ASSERT_OK(dev_bind(check, &b, &dev_b));
	s1.pgtbl_addr = W_EXTRA;
	ASSERT_OK(hwpt_nested(check, dev_b, s.parent, &s1, sizeof(s1), 0, 0,
			      &nested_b));
	ASSERT_OK(dev_attach(check, &b, false, 0, nested_b));
	for (round = 0; round < 3; round++) {
		memset(vs_page(&s, 0), 0xa0 + round, W_LEN);
		memset(vs_page(&s, W2_FIRST), 0xb0 + round, W_LEN);
		memset(vs_page(&s, 1), 0, PG);
		memset(vs_page(&s, W2_FIRST + 1), 0, PG);
		EXPECT_EQ(w_copy_on(check, &s, &s.d, 0), SIOVDEV_CS_SUCCESS);
		EXPECT_EQ(w_copy_on(check, &s, &b, W2_FIRST),
			  SIOVDEV_CS_SUCCESS);
		EXPECT_TRUE(all_of(vs_page(&s, 1), W_LEN, 0xa0 + round));
		EXPECT_TRUE(all_of(vs_page(&s, W2_FIRST + 1), W_LEN,
				   0xb0 + round));
	}
	/* B's guest moves its guest VA page 1 and invalidates it through
	 * B's HWPT: B's copy follows, A's (same VA, same domain) does not */
	t[1536 + 1] = vs_gpa(W2_FIRST + 3) | VS_PTE_FLAGS;
	e = inv_entry(gva(1), 1, 0);
	ASSERT_OK(vs_inv(check, nested_b, &e, sizeof(e), 1, NULL));
	memset(vs_page(&s, 1), 0, PG);
	memset(vs_page(&s, W2_FIRST + 1), 0, PG);
	memset(vs_page(&s, W2_FIRST + 3), 0, PG);
	EXPECT_EQ(w_copy_on(check, &s, &b, W2_FIRST), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(w_copy_on(check, &s, &s.d, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_TRUE(all_of(vs_page(&s, W2_FIRST + 3), W_LEN, 0xb2));
	EXPECT_TRUE(all_of(vs_page(&s, W2_FIRST + 1), PG, 0));
	EXPECT_TRUE(all_of(vs_page(&s, 1), W_LEN, 0xa2));
	EXPECT_OK(dev_detach(check, &b, false, 0));
	vd_down(check, &b);
}

/*
 * VSVA.WALK.6: an invalidation request without IOMMU_VTD_INV_FLAGS_LEAF
 * covers every level of the paging-structure caches for its range, not
 * only the leaf PTEs (linux/iommufd.h, struct
 * iommu_hwpt_vtd_s1_invalidate; VT-d's PASID-based IOTLB invalidation
 * with IH clear). A guest that replaces a page table (re-points a PD entry
 * at a new PT, as when it frees one and allocates another) invalidates
 * the range so, and then relies on the walk taking the new table.
 */
SIOVH_CLAUSE(walk_nonleaf_inv,
	.id = "VSVA.WALK.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "after the guest re-points a page-directory entry at a new page table and invalidates a page of that range without IOMMU_VTD_INV_FLAGS_LEAF, DMA to that guest VA goes through the new table, not the cached old one; the guest VAs of another 2 MiB region, walked before, still reach their pages",
	.source = SRC_S1 "; " SRC_H("struct iommu_hwpt_vtd_s1_invalidate (IOMMU_VTD_INV_FLAGS_LEAF)"),
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e;
	uint64_t *pd, *pt, iova = W_EXTRA;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	/* two page tables at GPA W_EXTRA: the first's entry 0 maps data
	 * page 1, the second's data page 5; PD[1] points at the first */
	pt = must_pages(check, 2);
	pt[0] = vs_gpa(1) | VS_PTE_FLAGS;
	pt[512] = vs_gpa(5) | VS_PTE_FLAGS;
	ASSERT_OK(ioas_map(check, s.ioas, FIXED, pt, 2 * PG, &iova));
	pd = (uint64_t *)(s.mem + 2 * PG);
	pd[1] = W_EXTRA | VS_PTE_FLAGS;
	memset(vs_page(&s, 0), 0x61, W_LEN);
	memset(vs_page(&s, 1), 0, PG);
	memset(vs_page(&s, 5), 0, PG);
	EXPECT_EQ(w_copy(check, &s, gva(0), W_PD1), SIOVDEV_CS_SUCCESS);
	EXPECT_TRUE(all_of(vs_page(&s, 1), W_LEN, 0x61));
	/* the guest's PD[1] now names the second table: non-leaf request */
	pd[1] = (W_EXTRA + PG) | VS_PTE_FLAGS;
	e = inv_entry(W_PD1, 1, 0);
	ASSERT_OK(vs_inv(check, s.nested, &e, sizeof(e), 1, NULL));
	memset(vs_page(&s, 0), 0x62, W_LEN);
	memset(vs_page(&s, 1), 0, PG);
	EXPECT_EQ(w_copy(check, &s, gva(0), W_PD1), SIOVDEV_CS_SUCCESS);
	EXPECT_TRUE(all_of(vs_page(&s, 5), W_LEN, 0x62));
	EXPECT_TRUE(all_of(vs_page(&s, 1), PG, 0));
}
