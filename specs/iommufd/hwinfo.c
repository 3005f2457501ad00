// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.HWINFO 1-3: IOMMU_GET_HW_INFO, the unit's capabilities a VMM
 * mirrors in its virtual IOMMU (seed 004, "capability exposure").
 */
#include <string.h>

#include "vsva.h"

#define SRC_HWINFO SRC_H("IOMMU_GET_HW_INFO")

SIOVH_CLAUSE(hwinfo_vtd,
	.id = "IOMMUFD.HWINFO.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "GET_HW_INFO of a bound device reports VT-d data with data_len its length, PASID support up to 20 bits, and nesting and PASID in ecap_reg",
	.source = SRC_HWINFO "; " SRC_VSVA("Capability Exposure"),
	.needs = NEEDS_VSVA)
{
	struct iommu_hw_info_vtd vtd;
	struct iommu_hw_info c = { .size = sizeof(c) };
	struct vs s;

	vs_up(check, &s);
	c.dev_id = s.dev_id;
	c.data_len = sizeof(vtd);
	c.data_uptr = (uintptr_t)&vtd;
	ASSERT_OK(fd_ioctl(check, IOMMU_GET_HW_INFO, &c));
	EXPECT_EQ(c.out_data_type, IOMMU_HW_INFO_TYPE_INTEL_VTD);
	EXPECT_EQ(c.data_len, sizeof(vtd));
	EXPECT_GT(c.out_max_pasid_log2, 0);
	EXPECT_LE(c.out_max_pasid_log2, 20);
	EXPECT_TRUE(vtd.ecap_reg >> 40 & 1);	/* PASID */
	EXPECT_TRUE(vtd.ecap_reg >> 26 & 1);	/* NEST */
	c.dev_id = 0x7fff;
	EXPECT_NE(fd_ioctl(check, IOMMU_GET_HW_INFO, &c), 0);
}

SIOVH_CLAUSE(hwinfo_data_len,
	.id = "IOMMUFD.HWINFO.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "GET_HW_INFO data_len: a shorter buffer gets a truncated copy and nothing past it; a longer one has its trailing bytes zeroed; data_len comes back as the kernel's length, also for a data_len of 0 with no buffer (a length query)",
	.source = SRC_HWINFO " (\"Trailing bytes will be zeroed\")",
	.needs = NEEDS_VSVA)
{
	struct iommu_hw_info c = { .size = sizeof(c) };
	uint8_t buf[64], full[64];
	uint32_t len;
	size_t i;
	struct vs s;

	vs_up(check, &s);
	c.dev_id = s.dev_id;
	memset(full, 0xee, sizeof(full));
	c.data_len = sizeof(full);
	c.data_uptr = (uintptr_t)full;
	ASSERT_OK(fd_ioctl(check, IOMMU_GET_HW_INFO, &c));
	len = c.data_len;
	ASSERT_LT(len, sizeof(full));
	for (i = len; i < sizeof(full); i++)
		if (full[i]) {
			FAIL("byte %zu past data_len %u is 0x%x, expected 0",
			     i, len, full[i]);
			break;
		}
	memset(buf, 0xee, sizeof(buf));
	c.data_len = 8;
	c.data_uptr = (uintptr_t)buf;
	ASSERT_OK(fd_ioctl(check, IOMMU_GET_HW_INFO, &c));
	EXPECT_EQ(c.data_len, len);
	EXPECT_EQ(memcmp(buf, full, 8), 0);
	EXPECT_EQ(buf[8], 0xee);
	/* no buffer at all: only the length comes back */
	c.data_len = 0;
	c.data_uptr = 0;
	ASSERT_OK(fd_ioctl(check, IOMMU_GET_HW_INFO, &c));
	EXPECT_EQ(c.data_len, len);
}

SIOVH_CLAUSE(hwinfo_args,
	.id = "IOMMUFD.HWINFO.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "GET_HW_INFO with an unknown flag or a nonzero __reserved is -EOPNOTSUPP, of a dev_id that names no device -ENOENT, with data_len but no data_uptr -EFAULT; none of them writes the user buffer",
	.source = SRC_HWINFO "; " SRC_ABI " (\"EOPNOTSUPP\", \"ENOENT\", \"EFAULT\")",
	.needs = NEEDS_IOMMUFD)
{
	struct iommu_hw_info c;
	uint8_t buf[64], ones[64];
	struct vs s;
	int i;

	vs_any_dev(check, &s);
	memset(ones, 0xee, sizeof(ones));
	memcpy(buf, ones, sizeof(buf));
	for (i = 0; i < 4; i++) {
		c = (struct iommu_hw_info) {
			.size = sizeof(c), .dev_id = s.dev_id,
			.data_len = sizeof(buf), .data_uptr = (uintptr_t)buf,
		};
		if (i == 3)
			c.flags = 1u << 31;
		else
			c.__reserved[i] = 1;
		EXPECT_ERRNO(fd_ioctl(check, IOMMU_GET_HW_INFO, &c),
			     -EOPNOTSUPP);
	}
	c = (struct iommu_hw_info) {
		.size = sizeof(c), .dev_id = s.ioas, .data_len = sizeof(buf),
		.data_uptr = (uintptr_t)buf,
	};
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_GET_HW_INFO, &c), -ENOENT);
	c.dev_id = 0x7fff;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_GET_HW_INFO, &c), -ENOENT);
	c.dev_id = s.dev_id;
	c.data_uptr = 0;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_GET_HW_INFO, &c), -EFAULT);
	EXPECT_EQ(memcmp(buf, ones, sizeof(buf)), 0);
}
