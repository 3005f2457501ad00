// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.HWPT 1-7, 11 and VSVA.BIND 1-3: HWPT objects (IOMMU_HWPT_ALLOC):
 * paging HWPTs mirror their IOAS, nested HWPTs carry a guest's VT-d
 * stage-1 table over a NEST_PARENT parent, and the host sanitizes the
 * guest's table binding (seed 004, "bind guest PASID table", "sanitize
 * user requests").
 */
#include <string.h>

#include "vsva.h"

#define SRC_HWPT SRC_H("IOMMU_HWPT_ALLOC")
#define SRC_BIND SRC_VSVA("Bind Guest PASID Table")
#define SRC_SANITIZE SRC_VSVA("Sanitize User Requests")

SIOVH_CLAUSE(hwpt_paging_mirrors,
	.id = "IOMMUFD.HWPT.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a paging HWPT allocated on an IOAS translates the mappings the IOAS already had: a device attached to it DMAs by IOAS IOVA",
	.source = SRC_HWPT " (\"created with the mappings from the given IOAS\")",
	.needs = NEEDS_VSVA)
{
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	memset(vs_page(&s, 0), 0x5a, 256);
	EXPECT_EQ(vs_copy(check, &s, false, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(memcmp(vs_page(&s, 0), vs_page(&s, 1), 256), 0);
}

/* 256 bytes of data page 0 copied to iova (a GPA outside the data pages)
 * through queue 0, the record in data page 2; its status. */
static uint8_t copy_out(struct siovh_check *check, struct vs *s,
			uint64_t iova)
{
	struct dma_buf b = { .va = vs_page(s, 0), .iova = vs_gpa(0) };

	return run_copy(check, &s->d, 0, &b, vs_gpa(0), iova, 256, vs_gpa(2),
			0);
}

SIOVH_CLAUSE(hwpt_unmap_reaches,
	.id = "IOMMUFD.HWPT.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an IOAS unmap reaches the domains of its HWPTs: DMA to the unmapped IOVA faults and leaves the old page untouched",
	.source = SRC_MAP "; " SRC_HWPT,
	.needs = NEEDS_VSVA)
{
	uint64_t iova = VS_GPA + VS_PAGES * PG;
	uint8_t *extra;
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	extra = must_pages(check, 1);
	memset(extra, 0x11, PG);
	ASSERT_OK(ioas_map(check, s.ioas, FIXED, extra, PG, &iova));
	/* the copy's destination is the extra page, after its unmap */
	ASSERT_OK(ioas_unmap(check, s.ioas, iova, PG, NULL));
	EXPECT_NE(copy_out(check, &s, iova), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(extra[0], 0x11);
	drain_faults(check);
}

SIOVH_CLAUSE(hwpt_map_after,
	.id = "IOMMUFD.HWPT.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an IOAS map made after the HWPT was attached is translated for the attached device",
	.source = SRC_MAP "; " SRC_HWPT,
	.needs = NEEDS_VSVA)
{
	uint64_t iova = VS_GPA + VS_PAGES * PG;
	uint8_t *extra;
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	extra = must_pages(check, 1);
	ASSERT_OK(ioas_map(check, s.ioas, FIXED, extra, PG, &iova));
	memset(vs_page(&s, 0), 0x3c, 256);
	EXPECT_EQ(copy_out(check, &s, iova), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(memcmp(extra, vs_page(&s, 0), 256), 0);
}

SIOVH_CLAUSE(hwpt_nest_parent,
	.id = "IOMMUFD.HWPT.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a nested HWPT needs a paging parent allocated with NEST_PARENT: over any other parent HWPT_ALLOC is -EINVAL",
	.source = SRC_HWPT " (\"the parent HWPT must be allocated previously ... NEST_PARENT\")",
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	uint32_t plain, nested;
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	ASSERT_OK(hwpt_paging(check, s.dev_id, s.ioas, 0, &plain));
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, plain, &s1, sizeof(s1), 0, 0,
				 &nested), -EINVAL);
	EXPECT_OK(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
			      0, &nested));
	ASSERT_OK(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
			      0, &nested));
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, nested, &s1, sizeof(s1), 0,
				 0, NULL), -EINVAL);
}

SIOVH_CLAUSE(hwpt_data_len,
	.id = "IOMMUFD.HWPT.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "VTD_S1 data: data_len below the struct is -EINVAL, longer with nonzero trailing bytes -E2BIG, longer with zero bytes accepted; no data_uptr -EINVAL",
	.source = SRC_HWPT "; " SRC_ABI,
	.needs = NEEDS_VSVA)
{
	struct { struct iommu_hwpt_vtd_s1 s1; uint64_t more; } big;
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, s.parent, &s1,
				 sizeof(s1) - 4, 0, 0, NULL), -EINVAL);
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, s.parent, NULL, sizeof(s1),
				 0, 0, NULL), -EINVAL);
	big.s1 = s1;
	big.more = 1;
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, s.parent, &big, sizeof(big),
				 0, 0, NULL), -E2BIG);
	big.more = 0;
	EXPECT_OK(hwpt_nested(check, s.dev_id, s.parent, &big, sizeof(big),
			      0, 0, NULL));
}

SIOVH_CLAUSE(hwpt_vtd_flags,
	.id = "IOMMUFD.HWPT.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "VTD_S1 flags the unit does not support (EAFE here, unknown bits) fail HWPT_ALLOC; SRE and WPE are accepted",
	.source = SRC_SANITIZE "; " SRC_HWPT,
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	s1.flags = IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE;
	EXPECT_OK(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
			      0, NULL));
	s1.flags = 1ull << 7;
	EXPECT_NE(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
			      0, NULL), 0);
	s1.flags = IOMMU_VTD_S1_EAFE;
	EXPECT_NE(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
			      0, NULL), 0);
}

SIOVH_CLAUSE(hwpt_pgtbl,
	.id = "IOMMUFD.HWPT.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a VTD_S1 pgtbl_addr that is zero or not 4 KiB aligned is -EINVAL",
	.source = SRC_SANITIZE "; " SRC_HWPT,
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	s1.pgtbl_addr = VS_GPA + 0x800;
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1),
				 0, 0, NULL), -EINVAL);
	s1.pgtbl_addr = 0;
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1),
				 0, 0, NULL), -EINVAL);
}

/* The unit's first-stage 5-level support, from GET_HW_INFO (VT-d FL5LP). */
static bool fl5lp(struct siovh_check *check, uint32_t dev_id)
{
	struct iommu_hw_info_vtd vtd = { 0 };
	struct iommu_hw_info c = {
		.size = sizeof(c), .dev_id = dev_id, .data_len = sizeof(vtd),
		.data_uptr = (uintptr_t)&vtd,
	};

	ASSERT_OK(fd_ioctl(check, IOMMU_GET_HW_INFO, &c));
	return vtd.cap_reg >> 60 & 1;
}

SIOVH_CLAUSE(bind_addr_width,
	.id = "VSVA.BIND.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a guest table's address width is bound within the host's limits: 48 accepted, 57 only when the unit walks 5 levels (FL5LP), any other width -EINVAL",
	.source = SRC_BIND "; " SRC_SANITIZE,
	.needs = NEEDS_VSVA)
{
	static const uint32_t bad[] = { 0, 39, 47, 56, 64 };
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	struct vs s;
	size_t i;

	vs_up(check, &s);
	vs_paging(check, &s);
	EXPECT_OK(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
			      0, NULL));
	s1.addr_width = 57;
	if (fl5lp(check, s.dev_id))
		EXPECT_OK(hwpt_nested(check, s.dev_id, s.parent, &s1,
				      sizeof(s1), 0, 0, NULL));
	else
		EXPECT_ERRNO(hwpt_nested(check, s.dev_id, s.parent, &s1,
					 sizeof(s1), 0, 0, NULL), -EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s1.addr_width = bad[i];
		if (hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
				0, NULL) != -EINVAL)
			FAIL("addr_width %u accepted, expected -EINVAL", bad[i]);
	}
}

SIOVH_CLAUSE(bind_nested_dma,
	.id = "VSVA.BIND.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "DMA through a nested HWPT goes guest VA -> GPA (IOAS IOVA, by the guest's stage-1 table) -> host page",
	.source = SRC_BIND "; " SRC_HWPT,
	.needs = NEEDS_VSVA)
{
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	memset(vs_page(&s, 5), 0xa5, 256);
	/* guest VA page 0 -> data page 5 */
	*vs_pte(&s, 0) = vs_gpa(5) | VS_PTE_FLAGS;
	EXPECT_EQ(vs_copy(check, &s, true, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(memcmp(vs_page(&s, 1), vs_page(&s, 5), 256), 0);
	/* the guest VA is not a GPA the IOAS maps: only the walk gets there */
	EXPECT_NE(VS_GVA, VS_GPA);
}

SIOVH_CLAUSE(hwpt_unmap_reaches_nested,
	.id = "IOMMUFD.HWPT.11", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an IOAS unmap reaches the nested HWPTs over its parent: a guest VA whose page it took, even one DMA just used, faults and leaves the old page untouched",
	.source = SRC_MAP "; " SRC_HWPT "; " SRC_VSVA("Invalidation Pass-down") " (the host's second-stage changes)",
	.needs = NEEDS_VSVA)
{
	uint64_t iova = VS_GPA + VS_PAGES * PG;
	uint8_t *extra;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	extra = must_pages(check, 1);
	ASSERT_OK(ioas_map(check, s.ioas, FIXED, extra, PG, &iova));
	/* guest VA page 3 -> the extra page; a copy there caches the walk */
	*vs_pte(&s, 3) = iova | VS_PTE_FLAGS;
	memset(vs_page(&s, 0), 0xa5, 256);
	ASSERT_EQ(vs_copy(check, &s, true, 0, 3, 2, 0), SIOVDEV_CS_SUCCESS);
	ASSERT_EQ(extra[0], 0xa5);
	memset(extra, 0x11, PG);
	ASSERT_OK(ioas_unmap(check, s.ioas, iova, PG, NULL));
	EXPECT_NE(vs_copy(check, &s, true, 0, 3, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(extra[0], 0x11);
	drain_faults(check);
}

SIOVH_CLAUSE(bind_default_pasid_leaves_aux,
	.id = "VSVA.BIND.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a VDEV bound to /dev/iommu translates by what iommufd attaches: before an attach its DMA faults, after it DMA uses the HWPT",
	.source = SRC_VSVA_CAPS "; " SRC_VFIO_H("VFIO_DEVICE_BIND_IOMMUFD"),
	.needs = NEEDS_VSVA)
{
	struct vs s;

	vs_up(check, &s);
	EXPECT_NE(vs_copy(check, &s, false, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	drain_faults(check);
	vs_paging(check, &s);
	EXPECT_EQ(vs_copy(check, &s, false, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
}
