// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.INV 1-7 and VSVA.INV 1-2: IOMMU_HWPT_INVALIDATE on a nested
 * HWPT (seed 004, "invalidation pass-down", "sanitize user requests"):
 * every field checked, nothing of a bad request done, entry_num the
 * requests handled, and the guest's stale IOTLB entries gone only after
 * it, at the default PASID and at a guest PASID alike.
 */
#include <string.h>

#include "vsva.h"

#define SRC_INV SRC_H("IOMMU_HWPT_INVALIDATE")
#define SRC_PASSDOWN SRC_VSVA("Invalidation Pass-down")

#define E_SZ sizeof(struct iommu_hwpt_vtd_s1_invalidate)

SIOVH_CLAUSE(inv_probe,
	.id = "IOMMUFD.INV.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "entry_num 0 probes the data type: VTD_S1 succeeds with entry_num 0, an unknown type is -EINVAL, a paging HWPT is -EINVAL",
	.source = SRC_INV " (\"An empty invalidation request array\")",
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_invalidate c = { .size = sizeof(c) };
	uint32_t num = 7;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	EXPECT_OK(vs_inv(check, s.nested, NULL, 0, 0, &num));
	EXPECT_EQ(num, 0);
	c.hwpt_id = s.nested;
	c.data_type = 0x55;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_HWPT_INVALIDATE, &c), -EINVAL);
	EXPECT_ERRNO(vs_inv(check, s.parent, NULL, 0, 0, NULL), -EINVAL);
}

SIOVH_CLAUSE(inv_entry_len,
	.id = "IOMMUFD.INV.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "entry_len below the VTD_S1 entry is -EINVAL; longer with nonzero trailing bytes -E2BIG, with zero bytes accepted; entry_num says how many were handled",
	.source = SRC_INV "; " SRC_ABI,
	.needs = NEEDS_VSVA)
{
	struct { struct iommu_hwpt_vtd_s1_invalidate e; uint64_t more; } v[2];
	uint32_t num;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	memset(v, 0, sizeof(v));
	v[0].e = inv_entry(VS_GVA, 1, 0);
	v[1].e = inv_entry(VS_GVA, 1, 0);
	EXPECT_ERRNO(vs_inv(check, s.nested, v, E_SZ - 8, 1, &num), -EINVAL);
	EXPECT_EQ(num, 0);
	EXPECT_OK(vs_inv(check, s.nested, v, sizeof(v[0]), 2, &num));
	EXPECT_EQ(num, 2);
	v[1].more = 1;
	EXPECT_ERRNO(vs_inv(check, s.nested, v, sizeof(v[0]), 2, &num),
		     -E2BIG);
	EXPECT_EQ(num, 1);
}

SIOVH_CLAUSE(inv_flags,
	.id = "IOMMUFD.INV.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an entry with unknown flags or a nonzero __reserved is rejected; LEAF alone is accepted",
	.source = SRC_INV "; " SRC_VSVA("Sanitize User Requests"),
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	e = inv_entry(VS_GVA, 1, IOMMU_VTD_INV_FLAGS_LEAF);
	EXPECT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
	e.flags = 1u << 5;
	EXPECT_NE(vs_inv(check, s.nested, &e, E_SZ, 1, NULL), 0);
	e = inv_entry(VS_GVA, 1, 0);
	e.__reserved = 1;
	EXPECT_NE(vs_inv(check, s.nested, &e, E_SZ, 1, NULL), 0);
}

SIOVH_CLAUSE(inv_range_fields,
	.id = "IOMMUFD.INV.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an entry whose addr is not 4 KiB aligned, whose npages is 0, or with npages U64_MAX but addr not 0, is -EINVAL; addr 0 with npages U64_MAX (everything) is accepted",
	.source = SRC_H("struct iommu_hwpt_vtd_s1_invalidate"),
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	e = inv_entry(VS_GVA + 0x200, 1, 0);
	EXPECT_ERRNO(vs_inv(check, s.nested, &e, E_SZ, 1, NULL), -EINVAL);
	e = inv_entry(VS_GVA, 0, 0);
	EXPECT_ERRNO(vs_inv(check, s.nested, &e, E_SZ, 1, NULL), -EINVAL);
	e = inv_entry(VS_GVA, UINT64_MAX, 0);
	EXPECT_ERRNO(vs_inv(check, s.nested, &e, E_SZ, 1, NULL), -EINVAL);
	e = inv_entry(0, UINT64_MAX, 0);
	EXPECT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
}

SIOVH_CLAUSE(inv_count,
	.id = "IOMMUFD.INV.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "entry_num comes back as the requests handled before the first failure (3 requests, the second bad: 1)",
	.source = SRC_INV " (\"Output the number of requests successfully handled\")",
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e[3];
	uint32_t num;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	e[0] = inv_entry(VS_GVA, 1, 0);
	e[1] = inv_entry(VS_GVA, 0, 0);
	e[2] = inv_entry(VS_GVA, 1, 0);
	EXPECT_ERRNO(vs_inv(check, s.nested, e, E_SZ, 3, &num), -EINVAL);
	EXPECT_EQ(num, 1);
	EXPECT_OK(vs_inv(check, s.nested, e + 2, E_SZ, 1, &num));
	EXPECT_EQ(num, 1);
}

SIOVH_CLAUSE(inv_args,
	.id = "IOMMUFD.INV.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "HWPT_INVALIDATE with a nonzero __reserved is -EOPNOTSUPP; entries with no data_uptr, an entry_len of 0 or above a page, or more than 2^19 of them are -EINVAL, before the hwpt_id is looked up; a hwpt_id that names no HWPT is -ENOENT; each refusal invalidates nothing and reports entry_num 0",
	.source = SRC_INV " (\"@entry_num: ... Output the number of requests successfully handled\"); " SRC_ABI " (\"EOPNOTSUPP\", \"EINVAL\", \"ENOENT\"); Linux 6.12 and 7.3 iommufd_hwpt_invalidate (make fuzz-kernel)",
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e = inv_entry(VS_GVA, 1, 0);
	const struct iommu_hwpt_invalidate good = {
		.size = sizeof(good), .data_uptr = (uintptr_t)&e,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = E_SZ, .entry_num = 1,
	};
	struct iommu_hwpt_invalidate bad[6];
	const int want[6] = {
		-EOPNOTSUPP, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	};
	struct vs s;
	unsigned int i;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	for (i = 0; i < 6; i++) {
		bad[i] = good;
		bad[i].hwpt_id = s.nested;
	}
	bad[0].__reserved = 1;
	bad[1].data_uptr = 0;
	bad[2].entry_len = 0;
	bad[3].entry_len = 4097;
	bad[4].entry_num = (1u << 19) + 1;
	bad[5].data_uptr = 0;
	bad[5].hwpt_id = 0x7fff;	/* the array first, then the ID */
	for (i = 0; i < 6; i++) {
		EXPECT_ERRNO(fd_ioctl(check, IOMMU_HWPT_INVALIDATE, &bad[i]),
			     want[i]);
		EXPECT_EQ(bad[i].entry_num, 0);
	}
	bad[0] = good;
	bad[0].hwpt_id = 0x7fff;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_HWPT_INVALIDATE, &bad[0]), -ENOENT);
	EXPECT_EQ(bad[0].entry_num, 0);
	/* the HWPT still takes a good request */
	EXPECT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
}

/* Guest VA page 0 reads data page `from`; the copy lands in page 1. */
static uint8_t read_va0(struct siovh_check *check, struct vs *s)
{
	memset(vs_page(s, 1), 0, 256);
	EXPECT_EQ(vs_copy(check, s, true, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	return vs_page(s, 1)[0];
}

SIOVH_CLAUSE(inv_stale_then_new,
	.id = "VSVA.INV.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "after a guest stage-1 PTE change without invalidation a VDEV's DMA still uses the stale IOTLB entry (the old page, which the table no longer names); after the range invalidation it sees the new translation",
	.source = SRC_PASSDOWN "; " SRC_INV,
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e = inv_entry(VS_GVA, 1, 0);
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	memset(vs_page(&s, 6), 0x66, 256);
	memset(vs_page(&s, 7), 0x77, 256);
	*vs_pte(&s, 0) = vs_gpa(6) | VS_PTE_FLAGS;
	EXPECT_EQ(read_va0(check, &s), 0x66);
	*vs_pte(&s, 0) = vs_gpa(7) | VS_PTE_FLAGS;
	EXPECT_EQ(read_va0(check, &s), 0x66);	/* only the IOTLB says 6 */
	ASSERT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
	EXPECT_EQ(read_va0(check, &s), 0x77);
}

SIOVH_CLAUSE(inv_bad_entry_nothing,
	.id = "VSVA.INV.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a rejected entry invalidates nothing, the entries before it did: their pages translate anew, the bad entry's page stays stale",
	.source = SRC_PASSDOWN "; " SRC_INV,
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e[2];
	uint32_t num;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	memset(vs_page(&s, 6), 0x66, 256);
	memset(vs_page(&s, 7), 0x77, 256);
	*vs_pte(&s, 0) = vs_gpa(6) | VS_PTE_FLAGS;
	*vs_pte(&s, 3) = vs_gpa(6) | VS_PTE_FLAGS;
	EXPECT_EQ(read_va0(check, &s), 0x66);
	memset(vs_page(&s, 4), 0, 256);
	EXPECT_EQ(vs_copy(check, &s, true, 3, 4, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, 4)[0], 0x66);
	*vs_pte(&s, 0) = vs_gpa(7) | VS_PTE_FLAGS;
	*vs_pte(&s, 3) = vs_gpa(7) | VS_PTE_FLAGS;
	e[0] = inv_entry(VS_GVA, 1, 0);			/* page 0: good */
	e[1] = inv_entry(VS_GVA + 3 * PG, 1, 1u << 9);	/* page 3: bad flag */
	EXPECT_NE(vs_inv(check, s.nested, e, E_SZ, 2, &num), 0);
	EXPECT_EQ(num, 1);
	EXPECT_EQ(read_va0(check, &s), 0x77);
	memset(vs_page(&s, 4), 0, 256);
	EXPECT_EQ(vs_copy(check, &s, true, 3, 4, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, 4)[0], 0x66);
}

#define INV_GPASID	6u		/* the guest's PASID for queue 0 */
#define ECAP_PASID	0x1b
#define QPASID_ENABLE	(1u << 31)

/* Queue 0's PASID register: the queue disabled, written, enabled again. */
static void q_pasid(struct siovh_check *check, struct vs *s, uint32_t val)
{
	reg_wr(check, &s->d, must_reg(check, s->d.ty, "q0_ctrl"), 0);
	reg_wr(check, &s->d, must_reg(check, s->d.ty, "q0_pasid"), val);
	q_enable(check, &s->d, 0);
}

SIOVH_CLAUSE(inv_guest_pasid,
	.id = "IOMMUFD.INV.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a range invalidation of a nested HWPT reaches every attachment of it: a queue whose DMA runs on a guest PASID attached to the HWPT (the default PASID elsewhere) reads the stale page until the invalidation, and the new one after it",
	.source = SRC_PASSDOWN "; " SRC_INV "; " SEED000 "\"Intel Scalable IOV & vSVA\" (guest PASID -> host PASID)",
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1_invalidate e = inv_entry(VS_GVA, 1, 0);
	uint32_t pasid_ecap;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	/* the default PASID back on the parent: only the guest PASID's
	 * attachment is nested */
	ASSERT_OK(dev_attach(check, &s.d, false, 0, s.parent));
	ASSERT_OK(dev_attach(check, &s.d, true, INV_GPASID, s.nested));
	/* the guest enables PASID on the VDEV and puts queue 0 on it (the
	 * queue disabled meanwhile) */
	pasid_ecap = vd_find_ecap(check, &s.d, ECAP_PASID);
	ASSERT_NE(pasid_ecap, 0);
	cfg_wr(check, &s.d, pasid_ecap + 6, 1, 2);
	q_pasid(check, &s, QPASID_ENABLE | INV_GPASID);
	memset(vs_page(&s, 6), 0x66, 256);
	memset(vs_page(&s, 7), 0x77, 256);
	*vs_pte(&s, 0) = vs_gpa(6) | VS_PTE_FLAGS;
	EXPECT_EQ(read_va0(check, &s), 0x66);
	*vs_pte(&s, 0) = vs_gpa(7) | VS_PTE_FLAGS;
	EXPECT_EQ(read_va0(check, &s), 0x66);	/* only the IOTLB says 6 */
	ASSERT_OK(vs_inv(check, s.nested, &e, E_SZ, 1, NULL));
	EXPECT_EQ(read_va0(check, &s), 0x77);
	q_pasid(check, &s, 0);
	EXPECT_OK(dev_detach(check, &s.d, true, INV_GPASID));
}
