// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.DIRTY 1-5: IOMMU dirty tracking through /dev/iommu, the "I/O
 * page table dirty bit" seed 003 names among the reasons for IOMMU FD and
 * the dirty bitmap live migration reads (seed 002): the capability
 * (IOMMU_HW_CAP_DIRTY_TRACKING) against HWPT_ALLOC's DIRTY_TRACKING,
 * IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP with their
 * argument errors, and which pages the bitmap reports.
 *
 * The device: the target's test device where it has one (a kernel's
 * IOMMUFD_TEST mock, whose domains track dirty pages and which marks pages
 * written, test_dirty, but does no DMA) or else a VDEV bound to /dev/iommu
 * (vsva.h), whose DMA by the reference engine writes through the HWPT.
 * DIRTY.4's writes with tracking off need real DMA (the mock marks only
 * while tracking): left out elsewhere, with a note.
 */
#include <string.h>

#include "vsva.h"

#define SRC_CAP SRC_H("IOMMU_HW_CAP_DIRTY_TRACKING")
#define SRC_ALLOC SRC_H("IOMMU_HWPT_ALLOC_DIRTY_TRACKING")
#define SRC_SET SRC_H("IOMMU_HWPT_SET_DIRTY_TRACKING")
#define SRC_GET SRC_H("IOMMU_HWPT_GET_DIRTY_BITMAP")
#define SRC_DIRTY_BIT SEED003 "\"Challenges for Supporting new IOMMU Features\" (I/O page table dirty bit)"
#define SRC_MIGRATION_BITMAP "002_8f8460c655ed46df.txt, \"Live Migration\" (GET dirty page bitmap)"

#define DT_PAGES 8		/* pages mapped for the test device */
#define BM_WORDS 4		/* room for the bitmaps of either range */
#define ENABLE IOMMU_HWPT_DIRTY_TRACKING_ENABLE
#define NO_CLEAR IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR

/* A device bound to /dev/iommu and a range of user memory in its IOAS. */
struct dt {
	struct vs s;		/* the VDEV path: VDEV, guest memory, IOAS */
	bool dma;		/* the reference engine writes through HWPTs */
	uint32_t ioas, dev_id;
	uint32_t plain;		/* a paging HWPT without DIRTY_TRACKING */
	uint64_t base, len;	/* the mapped range */
	uint64_t caps;		/* GET_HW_INFO out_capabilities */
	uint64_t align;		/* IOVA_RANGES out_iova_alignment */
};

static uint64_t dt_caps(struct siovh_check *check, uint32_t dev_id)
{
	struct iommu_hw_info c = { .size = sizeof(c), .dev_id = dev_id };

	ASSERT_OK(fd_ioctl(check, IOMMU_GET_HW_INFO, &c));
	return c.out_capabilities;
}

/*
 * IOMMU_OPTION_HUGE_PAGES 0 on IOAS id: "everything is mapped to
 * PAGE_SIZE", so the IOMMU's dirty bits are per page and a write marks its
 * own page only (an IOMMU that maps a range with a larger leaf reports the
 * whole leaf dirty).
 */
static void dt_small_pages(struct siovh_check *check, uint32_t id)
{
	struct iommu_option o = {
		.size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET, .object_id = id, .val64 = 0,
	};

	ASSERT_OK(fd_ioctl(check, IOMMU_OPTION, &o));
}

/* The test device on a fresh IOAS with DT_PAGES mapped at PAGE_SIZE: its
 * automatic HWPT is the plain one. */
static void dt_up_test_device(struct siovh_check *check, struct dt *x)
{
	struct siovh_target *t = siovh_check_target(check);
	uint64_t iova;
	void *mem;
	int ret;

	x->ioas = must_ioas(check);
	ret = t->iommufd->test_device(t, x->ioas, &x->dev_id, &x->plain);
	if (ret)
		SKIP("the target's test device did not attach to IOAS %u: %s",
		     x->ioas, strerror(-ret));
	dt_small_pages(check, x->ioas);	/* before anything is mapped */
	mem = must_pages(check, DT_PAGES);
	x->base = iova = must_base(check, x->ioas);
	x->len = DT_PAGES * PG;
	ASSERT_OK(ioas_map(check, x->ioas, FIXED, mem, x->len, &iova));
}

/* A VDEV bound with guest memory mapped (vs_up) at PAGE_SIZE, and a
 * flags-0 paging HWPT on its IOAS. */
static void dt_up_vdev(struct siovh_check *check, struct dt *x)
{
	vs_up(check, &x->s);
	dt_small_pages(check, x->s.ioas);	/* before any domain */
	x->dma = true;
	x->ioas = x->s.ioas;
	x->dev_id = x->s.dev_id;
	x->base = VS_GPA;
	x->len = VS_PAGES * PG;
	ASSERT_OK(hwpt_paging(check, x->dev_id, x->ioas, 0, &x->plain));
}

static void dt_up(struct siovh_check *check, struct dt *x)
{
	struct siovh_target *t = siovh_check_target(check);
	struct ioas_ranges r;

	memset(x, 0, sizeof(*x));
	if (t->iommufd->test_device)
		dt_up_test_device(check, x);
	else if ((t->features & NEEDS_VSVA) == NEEDS_VSVA)
		dt_up_vdev(check, x);
	else
		SKIP("no device to bind to /dev/iommu: the target has neither a test device nor VDEVs with the reference engine");
	x->caps = dt_caps(check, x->dev_id);
	must_ranges(check, x->ioas, &r);
	x->align = r.align;
}

static bool dt_has_cap(const struct dt *x)
{
	return x->caps & IOMMU_HW_CAP_DIRTY_TRACKING;
}

/* A paging HWPT with DIRTY_TRACKING on the IOAS, or SKIP. */
static uint32_t dt_tracked(struct siovh_check *check, const struct dt *x)
{
	uint32_t id;

	if (!dt_has_cap(x))
		SKIP("the IOMMU reports no IOMMU_HW_CAP_DIRTY_TRACKING");
	ASSERT_OK(hwpt_paging(check, x->dev_id, x->ioas,
			      IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &id));
	return id;
}

static int set_dirty(struct siovh_check *check, uint32_t hwpt, uint32_t flags)
{
	struct iommu_hwpt_set_dirty_tracking c = {
		.size = sizeof(c), .flags = flags, .hwpt_id = hwpt,
	};

	return fd_ioctl(check, IOMMU_HWPT_SET_DIRTY_TRACKING, &c);
}

static int get_dirty(struct siovh_check *check,
		     struct iommu_hwpt_get_dirty_bitmap *c)
{
	c->size = sizeof(*c);
	return fd_ioctl(check, IOMMU_HWPT_GET_DIRTY_BITMAP, c);
}

/* GET_DIRTY_BITMAP of the whole mapped range into bm (zeroed first). */
static int read_dirty(struct siovh_check *check, const struct dt *x,
		      uint32_t hwpt, uint64_t page_size, uint32_t flags,
		      uint64_t bm[BM_WORDS])
{
	struct iommu_hwpt_get_dirty_bitmap c = {
		.hwpt_id = hwpt, .flags = flags, .iova = x->base,
		.length = x->len, .page_size = page_size,
		.data = (uintptr_t)bm,
	};

	memset(bm, 0, BM_WORDS * sizeof(*bm));
	return get_dirty(check, &c);
}

/* The read succeeds and reports exactly the pages (bits) in want. */
static void expect_dirty(struct siovh_check *check, const struct dt *x,
			 uint32_t hwpt, uint64_t page_size, uint32_t flags,
			 uint64_t want, const char *when)
{
	uint64_t bm[BM_WORDS];
	int i;

	if (!EXPECT_OK(read_dirty(check, x, hwpt, page_size, flags, bm)))
		return;
	if (bm[0] != want)
		FAIL("%s: bitmap word 0 is 0x%llx, expected 0x%llx", when,
		     (unsigned long long)bm[0], (unsigned long long)want);
	for (i = 1; i < BM_WORDS; i++)
		if (bm[i])
			FAIL("%s: bitmap word %d is 0x%llx, expected 0", when,
			     i, (unsigned long long)bm[i]);
}

SIOVH_CLAUSE(dirty_cap,
	.id = "IOMMUFD.DIRTY.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "GET_HW_INFO reports IOMMU_HW_CAP_DIRTY_TRACKING exactly when a paging HWPT_ALLOC with DIRTY_TRACKING works for the device: with the capability it makes a HWPT, without it the allocation is -EOPNOTSUPP and makes none",
	.source = SRC_CAP " (\"If available, it means the following APIs are supported\"); " SRC_ALLOC,
	.needs = NEEDS_IOMMUFD)
{
	uint32_t ioas2, h = 0;
	struct dt x;
	int ret;

	dt_up(check, &x);
	siovh_note(check, "out_capabilities 0x%llx",
		   (unsigned long long)x.caps);
	ioas2 = must_ioas(check);
	ret = hwpt_paging(check, x.dev_id, ioas2,
			  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &h);
	if (dt_has_cap(&x)) {
		EXPECT_OK(ret);
		if (!ret)
			EXPECT_OK(obj_destroy(check, h));
	} else {
		EXPECT_ERRNO(ret, -EOPNOTSUPP);
	}
	/* no HWPT is left holding the IOAS */
	EXPECT_OK(obj_destroy(check, ioas2));
}

SIOVH_CLAUSE(dirty_set_errors,
	.id = "IOMMUFD.DIRTY.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "SET_DIRTY_TRACKING of a hwpt_id that names no paging HWPT (none, an IOAS) is -ENOENT, of a paging HWPT allocated without DIRTY_TRACKING -EOPNOTSUPP (enabling and disabling), with an unknown flag -EOPNOTSUPP; a HWPT allocated with DIRTY_TRACKING takes enable and disable",
	.source = SRC_SET "; " SRC_ALLOC " (\"enforced\"); " SRC_ABI,
	.needs = NEEDS_IOMMUFD)
{
	struct dt x;
	uint32_t h;

	dt_up(check, &x);
	EXPECT_ERRNO(set_dirty(check, 0x7fff, ENABLE), -ENOENT);
	EXPECT_ERRNO(set_dirty(check, x.ioas, ENABLE), -ENOENT);
	EXPECT_ERRNO(set_dirty(check, x.plain, ENABLE), -EOPNOTSUPP);
	EXPECT_ERRNO(set_dirty(check, x.plain, 0), -EOPNOTSUPP);
	if (!dt_has_cap(&x)) {
		siovh_note(check, "no IOMMU_HW_CAP_DIRTY_TRACKING: no HWPT to enable");
		return;
	}
	h = dt_tracked(check, &x);
	EXPECT_ERRNO(set_dirty(check, h, ENABLE | 1u << 31), -EOPNOTSUPP);
	EXPECT_OK(set_dirty(check, h, ENABLE));
	EXPECT_OK(set_dirty(check, h, 0));
}

SIOVH_CLAUSE(dirty_get_errors,
	.id = "IOMMUFD.DIRTY.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "GET_DIRTY_BITMAP refuses, writing nothing: a hwpt_id naming no paging HWPT (-ENOENT), length 0 or page_size 0 (-EINVAL), iova + length - 1 past 2^64 (-EOVERFLOW), an iova or length off out_iova_alignment or off page_size (-EINVAL), a HWPT allocated without DIRTY_TRACKING (-EOPNOTSUPP), an unknown flag or a nonzero __reserved (-EOPNOTSUPP)",
	.source = SRC_GET " (\"page size granularity of each bit\"); " SRC_H("IOMMU_IOAS_IOVA_RANGES (out_iova_alignment)") "; " SRC_ABI,
	.needs = NEEDS_IOMMUFD)
{
	uint64_t bm[BM_WORDS], ones[BM_WORDS];
	struct iommu_hwpt_get_dirty_bitmap c, ok;
	struct dt x;
	uint32_t h;

	dt_up(check, &x);
	memset(ones, 0xee, sizeof(ones));
	memcpy(bm, ones, sizeof(bm));
	ok = (struct iommu_hwpt_get_dirty_bitmap) {
		.hwpt_id = x.plain, .iova = x.base, .length = x.len,
		.page_size = PG, .data = (uintptr_t)bm,
	};
	c = ok;
	c.hwpt_id = 0x7fff;
	EXPECT_ERRNO(get_dirty(check, &c), -ENOENT);
	c.hwpt_id = x.ioas;
	EXPECT_ERRNO(get_dirty(check, &c), -ENOENT);
	c = ok;
	c.length = 0;
	EXPECT_ERRNO(get_dirty(check, &c), -EINVAL);
	c = ok;
	c.iova = x.base + PG;
	c.length = UINT64_MAX - c.iova + 2;	/* the last byte at 2^64 */
	EXPECT_ERRNO(get_dirty(check, &c), -EOVERFLOW);
	c = ok;
	c.page_size = 0;
	EXPECT_ERRNO(get_dirty(check, &c), -EINVAL);
	if (x.align > 1) {
		c = ok;
		c.iova += x.align / 2;
		c.length -= x.align;
		EXPECT_ERRNO(get_dirty(check, &c), -EINVAL);
		c = ok;
		c.length -= x.align / 2;
		EXPECT_ERRNO(get_dirty(check, &c), -EINVAL);
	}
	if (x.align && PG % x.align == 0) {	/* IOVAs in whole 4 KiB pages are */
		c = ok;			/* aligned: only page_size is off */
		c.page_size = 2 * PG;
		c.iova += PG;
		c.length = 2 * PG;
		EXPECT_ERRNO(get_dirty(check, &c), -EINVAL);
		c.iova = x.base;
		c.length = PG;
		EXPECT_ERRNO(get_dirty(check, &c), -EINVAL);
	}
	c = ok;
	EXPECT_ERRNO(get_dirty(check, &c), -EOPNOTSUPP);
	if (dt_has_cap(&x)) {
		h = dt_tracked(check, &x);
		c = ok;
		c.hwpt_id = h;
		c.flags = 1u << 31;
		EXPECT_ERRNO(get_dirty(check, &c), -EOPNOTSUPP);
		c.flags = 0;
		c.__reserved = 1;
		EXPECT_ERRNO(get_dirty(check, &c), -EOPNOTSUPP);
	} else {
		siovh_note(check, "no IOMMU_HW_CAP_DIRTY_TRACKING: the flag checks need a HWPT that tracks");
	}
	EXPECT_EQ(memcmp(bm, ones, sizeof(bm)), 0);
}

SIOVH_CLAUSE(dirty_clean,
	.id = "IOMMUFD.DIRTY.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a DIRTY_TRACKING HWPT reports no page that was not written while tracking was on: fresh (also with NO_CLEAR), just enabled, and after DMA writes made before the first enable or after a disable; every read succeeds with every bit clear",
	.source = SRC_GET "; " SRC_SET " (\"Toggle dirty tracking\"); " SRC_DIRTY_BIT,
	.needs = NEEDS_IOMMUFD)
{
	struct dt x;
	uint32_t h;

	dt_up(check, &x);
	h = dt_tracked(check, &x);
	expect_dirty(check, &x, h, PG, 0, 0, "fresh, tracking off");
	expect_dirty(check, &x, h, PG, NO_CLEAR, 0,
		     "fresh, tracking off, NO_CLEAR");
	if (x.dma) {
		ASSERT_OK(dev_attach(check, &x.s.d, false, 0, h));
		EXPECT_EQ(vs_copy(check, &x.s, false, 0, 1, 2, 0),
			  SIOVDEV_CS_SUCCESS);
		expect_dirty(check, &x, h, PG, 0, 0,
			     "DMA written before tracking was enabled");
	}
	ASSERT_OK(set_dirty(check, h, ENABLE));
	expect_dirty(check, &x, h, PG, 0, 0, "enabled, nothing written since");
	if (!x.dma) {
		siovh_note(check, "no DMA engine: the steps that write through the HWPT were left out");
		return;
	}
	ASSERT_OK(set_dirty(check, h, 0));
	EXPECT_EQ(vs_copy(check, &x.s, false, 0, 3, 2, 0), SIOVDEV_CS_SUCCESS);
	expect_dirty(check, &x, h, PG, 0, 0,
		     "DMA written after tracking was disabled");
}

/*
 * Page n of the mapped range written through HWPT h: by the reference
 * engine, a 256-byte copy from data page 0 (GPA page 4, only read) into it
 * with the completion record in the same page; else the test device's
 * mark. n in 5..7.
 */
static void dt_write(struct siovh_check *check, struct dt *x, uint32_t h,
		     unsigned int n)
{
	struct siovh_target *t = siovh_check_target(check);
	struct dma_buf b = { .va = vs_page(&x->s, 0), .iova = vs_gpa(0),
			     .size = VS_DATA * PG };
	uint64_t dst = x->base + n * PG;

	if (x->dma)
		EXPECT_EQ(run_copy(check, &x->s.d, 0, &b, vs_gpa(0), dst, 256,
				   dst + PG / 2, 0), SIOVDEV_CS_SUCCESS);
	else
		EXPECT_OK(t->iommufd->test_dirty(t, h, dst));
}

SIOVH_CLAUSE(dirty_written,
	.id = "IOMMUFD.DIRTY.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "with tracking on and the IOAS mapped at PAGE_SIZE (HUGE_PAGES 0), GET_DIRTY_BITMAP reports exactly the pages written through the HWPT (not those DMA only read), one bit per page_size; a read with NO_CLEAR leaves them to be read again, one without it clears them, and a later write marks its page again",
	.source = SRC_GET " (\"by default clear any dirty bit metadata\", NO_CLEAR); " SRC_H("IOMMU_OPTION_HUGE_PAGES (\"everything is mapped to PAGE_SIZE\")") "; " SRC_DIRTY_BIT "; " SRC_MIGRATION_BITMAP,
	.needs = NEEDS_IOMMUFD)
{
	struct siovh_target *t = siovh_check_target(check);
	struct dt x;
	uint32_t h;

	dt_up(check, &x);
	if (!x.dma && !t->iommufd->test_dirty)
		SKIP("nothing writes through a HWPT here: neither the reference engine's DMA nor a test device that marks pages");
	h = dt_tracked(check, &x);
	if (x.dma)
		ASSERT_OK(dev_attach(check, &x.s.d, false, 0, h));
	ASSERT_OK(set_dirty(check, h, ENABLE));
	dt_write(check, &x, h, 5);
	dt_write(check, &x, h, 6);
	expect_dirty(check, &x, h, PG, NO_CLEAR, 1u << 5 | 1u << 6,
		     "first NO_CLEAR read");
	expect_dirty(check, &x, h, PG, NO_CLEAR, 1u << 5 | 1u << 6,
		     "second NO_CLEAR read");
	/* 8 KiB a bit: pages 5 and 6 are bits 2 and 3 */
	expect_dirty(check, &x, h, 2 * PG, NO_CLEAR, 1u << 2 | 1u << 3,
		     "NO_CLEAR read, page_size 8 KiB");
	expect_dirty(check, &x, h, PG, 0, 1u << 5 | 1u << 6, "clearing read");
	expect_dirty(check, &x, h, PG, 0, 0, "read after the clearing read");
	/* page 5 again (its translation may be cached) and a new one */
	dt_write(check, &x, h, 5);
	dt_write(check, &x, h, 7);
	expect_dirty(check, &x, h, PG, 0, 1u << 5 | 1u << 7,
		     "after writing pages 5 and 7");
}
