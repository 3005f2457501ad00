// SPDX-License-Identifier: MIT
/*
 * VSVA.BIND 6-7: the host limits a VMM learns from IOMMU_GET_HW_INFO are
 * the limits a bind is held to (seed 004, "Bind Guest PASID Table",
 * "Capability Exposure", "Sanitize User Requests").
 */
#include <string.h>

#include "vsva.h"

#define SRC_BIND SRC_VSVA("Bind Guest PASID Table")
#define SRC_CAPS SRC_VSVA("Capability Exposure")
#define SRC_SANITIZE SRC_VSVA("Sanitize User Requests")

/* GET_HW_INFO of dev_id with its VT-d registers. */
static void hw_info(struct siovh_check *check, uint32_t dev_id,
		    struct iommu_hw_info *c, struct iommu_hw_info_vtd *vtd)
{
	memset(vtd, 0, sizeof(*vtd));
	*c = (struct iommu_hw_info) {
		.size = sizeof(*c), .dev_id = dev_id,
		.data_len = sizeof(*vtd), .data_uptr = (uintptr_t)vtd,
	};
	ASSERT_OK(fd_ioctl(check, IOMMU_GET_HW_INFO, c));
	ASSERT_EQ(c->out_data_type, IOMMU_HW_INFO_TYPE_INTEL_VTD);
}

SIOVH_CLAUSE(bind_pasid_log2,
	.id = "VSVA.BIND.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "out_max_pasid_log2 of GET_HW_INFO is the guest PASID limit: PASID 2^log2 - 1 attaches to a nested HWPT, 2^log2 is refused",
	.source = SRC_BIND " (PASID width); " SRC_CAPS "; " SRC_H("IOMMU_GET_HW_INFO"),
	.needs = NEEDS_VSVA)
{
	struct iommu_hw_info_vtd vtd;
	struct iommu_hw_info c;
	uint32_t top;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	hw_info(check, s.dev_id, &c, &vtd);
	ASSERT_LE(c.out_max_pasid_log2, 31);
	top = 1u << c.out_max_pasid_log2;
	EXPECT_OK(dev_attach(check, &s.d, true, top - 1, s.nested));
	EXPECT_NE(dev_attach(check, &s.d, true, top, s.nested), 0);
}

SIOVH_CLAUSE(bind_pgtbl_width,
	.id = "VSVA.BIND.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a VTD_S1 pgtbl_addr at or beyond the unit's address width (cap_reg MGAW) is -EINVAL; the last page below it is accepted",
	.source = SRC_SANITIZE "; " SRC_H("struct iommu_hwpt_vtd_s1"),
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	struct iommu_hw_info_vtd vtd;
	struct iommu_hw_info c;
	uint32_t mgaw;
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	hw_info(check, s.dev_id, &c, &vtd);
	mgaw = (uint32_t)((vtd.cap_reg >> 16) & 0x3f) + 1;
	ASSERT_GE(mgaw, 39);
	ASSERT_LE(mgaw, 52);
	s1.pgtbl_addr = 1ull << mgaw;
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1),
				 0, 0, NULL), -EINVAL);
	s1.pgtbl_addr = 1ull << 51;
	EXPECT_ERRNO(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1),
				 0, 0, NULL), -EINVAL);
	s1.pgtbl_addr = (1ull << mgaw) - PG;
	EXPECT_OK(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
			      0, NULL));
}
