// SPDX-License-Identifier: MIT
/*
 * Unit tests of the reference /dev/iommu's dirty tracking (dirty.c:
 * IOMMU_HW_CAP_DIRTY_TRACKING, HWPT_ALLOC DIRTY_TRACKING,
 * SET_DIRTY_TRACKING, GET_DIRTY_BITMAP) and IOMMU_OPTION (option.c), on
 * the rig of iommufd_test_rig.h with a platform that tracks dirty pages;
 * DMA writes go straight to the reference IOMMU (viommu_dma). Like
 * iommufd_test.c, tap_run_matrix runs the scenarios on the faithful module
 * and against the faults it proves (rig_dirty_fault). TAP; exit 1 on any
 * failure.
 */
#include "harness/ref/tap.h"
#include "iommufd_test_rig.h"

/* ---- scenarios: false at the first thing not as iommufd.h says ---- */

/* SET_DIRTY_TRACKING / GET_DIRTY_BITMAP on a platform that tracks. */
static int set_dirty(struct rig *r, uint32_t hwpt, uint32_t flags)
{
	struct iommu_hwpt_set_dirty_tracking c = {
		.size = sizeof(c), .flags = flags, .hwpt_id = hwpt,
	};

	return ioc(r, IOMMU_HWPT_SET_DIRTY_TRACKING, &c);
}

/* The dirty bits of [GPA, GPA + 8 pages) at page_size ps into *bm. */
static int get_dirty(struct rig *r, uint32_t hwpt, uint64_t iova,
		     uint64_t ps, uint32_t flags, uint64_t *bm)
{
	struct iommu_hwpt_get_dirty_bitmap c = {
		.size = sizeof(c), .hwpt_id = hwpt, .flags = flags,
		.iova = iova, .length = 8 * PG, .page_size = ps,
		.data = (uintptr_t)bm,
	};

	*bm = 0;
	return ioc(r, IOMMU_HWPT_GET_DIRTY_BITMAP, &c);
}

/* A one-byte DMA write to data page i through the default PASID. */
static bool poke(struct rig *r, unsigned int i)
{
	uint8_t b = 0x5a;

	return !viommu_dma(r->f.v, RID, true, DPASID, GPA + (4 + i) * PG, &b,
			   1, true);
}

static bool s_dirty(int fault)
{
	struct iommu_hw_info hi = { .size = sizeof(hi) };
	uint32_t plain, h;
	uint64_t bm;
	struct rig r;
	bool ok = false;

	CHECK(rig_init_plat(&r, fault, 57, true));
	hi.dev_id = r.dev_id;
	CHECK(!ioc(&r, IOMMU_GET_HW_INFO, &hi) &&
	      hi.out_capabilities == IOMMU_HW_CAP_DIRTY_TRACKING);
	CHECK(!paging(&r, r.ioas, 0, &plain) &&
	      !paging(&r, r.ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &h));
	CHECK(set_dirty(&r, plain, IOMMU_HWPT_DIRTY_TRACKING_ENABLE) ==
	      -EOPNOTSUPP);
	CHECK(set_dirty(&r, h, 3) == -EOPNOTSUPP);
	CHECK(get_dirty(&r, plain, GPA, PG, 0, &bm) == -EOPNOTSUPP);
	CHECK(get_dirty(&r, h, GPA, PG, 2, &bm) == -EOPNOTSUPP);
	CHECK(get_dirty(&r, h, GPA + PG, 2 * PG, 0, &bm) == -EINVAL);
	CHECK(!attach(&r, false, 0, h) && poke(&r, 1));	/* tracking off */
	CHECK(!get_dirty(&r, h, GPA, PG, 0, &bm) && bm == 0);
	CHECK(!set_dirty(&r, h, IOMMU_HWPT_DIRTY_TRACKING_ENABLE) &&
	      poke(&r, 1));
	CHECK(!get_dirty(&r, h, GPA, PG, 1, &bm) && bm == 1u << 5);
	CHECK(!get_dirty(&r, h, GPA, 2 * PG, 1, &bm) && bm == 1u << 2);
	CHECK(!get_dirty(&r, h, GPA, PG, 0, &bm) && bm == 1u << 5);
	CHECK(!get_dirty(&r, h, GPA, PG, 0, &bm) && bm == 0);
	CHECK(!set_dirty(&r, h, 0) && poke(&r, 2));
	CHECK(!get_dirty(&r, h, GPA, PG, 0, &bm) && bm == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* IOMMU_OPTION option_id/op on object obj with __reserved rsv; val64 in
 * and out through *val. */
static int opt(struct iommufd_ctx *ctx, uint32_t id, uint16_t op,
	       uint32_t obj, uint16_t rsv, uint64_t *val)
{
	struct iommu_option o = {
		.size = sizeof(o), .option_id = id, .op = op,
		.__reserved = rsv, .object_id = obj, .val64 = *val,
	};
	int ret = iommufd_ioctl(ctx, IOMMU_OPTION, &o);

	*val = o.val64;
	return ret;
}

static bool s_option(int fault)
{
	struct iommufd_ctx *ctx = iommufd_ctx_create(NULL, fault);
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	uint32_t i1, i2;
	uint64_t v;
	bool ok = false;

	CHECK(ctx);
	v = 2;
	CHECK(opt(ctx, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, 0,
		  &v) == -EINVAL);
	v = 1;
	CHECK(opt(ctx, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 1, 0,
		  &v) == -EOPNOTSUPP);
	CHECK(opt(ctx, IOMMU_OPTION_RLIMIT_MODE, 7, 0, 0, &v) == -EOPNOTSUPP);
	CHECK(opt(ctx, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_SET, 0, 1,
		  &v) == -EOPNOTSUPP);
	CHECK(!opt(ctx, IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_OP_GET, 0, 0,
		   &v) && v == 0);
	CHECK(!iommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &a) && (i1 = a.out_ioas_id));
	CHECK(!iommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, &a) && (i2 = a.out_ioas_id));
	v = 0;
	CHECK(!opt(ctx, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, i2, 0,
		   &v));
	CHECK(!opt(ctx, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, i1, 0,
		   &v) && v == 1);
	CHECK(!opt(ctx, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, i2, 0,
		   &v) && v == 0);
	ok = true;
out:
	iommufd_ctx_destroy(ctx);
	return ok;
}

static const struct tap_scenario scenarios[] = {
	{ "dirty tracking: capability, errors, bits", s_dirty },
	{ "IOMMU_OPTION: RLIMIT_MODE, HUGE_PAGES per IOAS", s_option },
};

/* A platform without dirty tracking reports no capability and refuses
 * DIRTY_TRACKING HWPTs. */
static void test_no_dirty(void)
{
	struct iommu_hw_info hi = { .size = sizeof(hi) };
	uint32_t plain, id;
	struct rig r;

	ASSERT_TRUE(rig_init(&r, IOMMUFD_FAULT_NONE, 57));
	hi.dev_id = r.dev_id;
	EXPECT_EQ(ioc(&r, IOMMU_GET_HW_INFO, &hi), 0);
	EXPECT_EQ(hi.out_capabilities, 0);
	EXPECT_EQ(paging(&r, r.ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &id),
		  -EOPNOTSUPP);
	EXPECT_EQ(paging(&r, r.ioas, 0, &plain), 0);
	EXPECT_EQ(set_dirty(&r, plain, IOMMU_HWPT_DIRTY_TRACKING_ENABLE),
		  -EOPNOTSUPP);
	rig_fini(&r);
}

int main(void)
{
	static const struct tap_test fixed[] = {
		{ "no dirty tracking on a platform without it", test_no_dirty },
	};
	return rig_run_matrix(fixed, sizeof(fixed) / sizeof(fixed[0]),
			      scenarios,
			      sizeof(scenarios) / sizeof(scenarios[0]),
			      rig_dirty_fault,
			      "every dirty-tracking and option fault is observable");
}
