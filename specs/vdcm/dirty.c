// SPDX-License-Identifier: MIT
/*
 * VDCM.DIRTY: DMA logging of a VDEV for live migration (seed 002, "Live
 * Migration": dirty page bitmap) with the VFIO_DEVICE_FEATURE_DMA_LOGGING_*
 * uAPI of linux/vfio.h: reports set exactly the pages DMA wrote and clear
 * them, the start/stop protocol, and the arguments START and REPORT refuse.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* --- dirty tracking ------------------------------------------------------- */

static const struct siovh_profile_type *dirty_type(struct siovh_check *check,
						   const struct siovh_profile *p)
{
	if (!p->types[0].dirty_page_size)
		SKIP("type %s has no dirty tracking in the profile",
		     p->types[0].name);
	return &p->types[0];
}

#define DPAGES 8
#define DIOVA 0xc00000ull

static void dirty_vdev(struct siovh_check *check,
		       const struct siovh_profile_type *ty, struct vd *d,
		       struct dma_buf *b)
{
	must_portal(check, ty);
	vd_up(check, ty, d, 1);
	q_enable(check, d, 0);
	dma_map(check, d, b, DIOVA, DPAGES * PAGE_4K);
	ASSERT_OK(dma_log_start(d, DIOVA, DPAGES * PAGE_4K, PAGE_4K));
}

static uint64_t report(struct siovh_check *check, struct vd *d)
{
	uint64_t bm = 0;

	ASSERT_OK(dma_log_report(d, DIOVA, DPAGES * PAGE_4K, PAGE_4K, &bm));
	return bm;
}

SIOVH_CLAUSE(dirty_exact,
	.id = "VDCM.DIRTY.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the dirty report sets exactly the pages DMA wrote, the last page of the range and of a multi-page write included, and no page it only read",
	.source = SRC_MIGRATION " (GET dirty page bitmap)",
	.needs = NEEDS_ENGINE | SIOVH_FEAT_VDEV_DIRTY)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf b;
	uint64_t bm;
	struct vd d;

	dirty_vdev(check, dirty_type(check, p), &d, &b);
	report(check, &d);
	/* src page 0 (read), dst pages 2..4, record in page 7 (last). */
	EXPECT_EQ(run_copy(check, &d, 0, &b, DIOVA, DIOVA + 0x2800, 0x2000,
			   DIOVA + 7 * PAGE_4K + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	bm = report(check, &d);
	if (bm != (0x1cull | 0x80))
		FAIL("dirty bitmap %#llx, expected %#llx (pages 2-4 and 7)",
		     (unsigned long long)bm, 0x9cull);
	ASSERT_OK(dma_log_stop(&d));
	vd_down(check, &d);
}

SIOVH_CLAUSE(dirty_clears,
	.id = "VDCM.DIRTY.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a report clears what it reported, and a page written again afterwards is reported again",
	.source = SRC_VFIO("VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT (read back and clear)"),
	.needs = NEEDS_ENGINE | SIOVH_FEAT_VDEV_DIRTY)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf b;
	struct vd d;

	dirty_vdev(check, dirty_type(check, p), &d, &b);
	report(check, &d);
	EXPECT_EQ(run_copy(check, &d, 0, &b, DIOVA, DIOVA + 0x1000, 64,
			   DIOVA + 0x1f00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(report(check, &d), 0x2);
	EXPECT_EQ(report(check, &d), 0);
	EXPECT_EQ(run_copy(check, &d, 0, &b, DIOVA, DIOVA + 0x1000, 64,
			   DIOVA + 0x1f00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(report(check, &d), 0x2);
	ASSERT_OK(dma_log_stop(&d));
	vd_down(check, &d);
}

SIOVH_CLAUSE(dirty_protocol,
	.id = "VDCM.DIRTY.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "DMA logging cannot be started twice, and reporting without logging started fails",
	.source = SRC_VFIO("VFIO_DEVICE_FEATURE_DMA_LOGGING_START"),
	.needs = NEEDS_VDEV | SIOVH_FEAT_VDEV_DIRTY)
{
	const struct siovh_profile *p = must_profile(check);
	uint64_t bm = 0;
	struct vd d;

	dirty_type(check, p);
	vd_up(check, &p->types[0], &d, 1);
	EXPECT_LT(dma_log_report(&d, DIOVA, PAGE_4K, PAGE_4K, &bm), 0);
	ASSERT_OK(dma_log_start(&d, DIOVA, PAGE_4K, PAGE_4K));
	EXPECT_LT(dma_log_start(&d, DIOVA, PAGE_4K, PAGE_4K), 0);
	EXPECT_OK(dma_log_stop(&d));
	EXPECT_LT(dma_log_report(&d, DIOVA, PAGE_4K, PAGE_4K, &bm), 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dirty_args,
	.id = "VDCM.DIRTY.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "DMA_LOGGING_START with no ranges, with neither GET nor SET, or with an argsz short of its control struct, and DMA_LOGGING_REPORT with a page size of 0, below 4 KiB or not a power of two, a range not aligned to it, empty, outside the logged ranges or wrapping past 2^64 (-EOVERFLOW too, as Linux's VFIO core says), or no bitmap are -EINVAL; GET of START and SET of REPORT are -EINVAL; a PROBE succeeds; none of them stops or starts logging",
	.source = SRC_VFIO("VFIO_DEVICE_FEATURE_DMA_LOGGING_START, VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT (page_size, iova, length, bitmap); VFIO_DEVICE_FEATURE (\"Without PROBE one of GET or SET must be requested\", argsz covers the feature's data)"),
	.needs = NEEDS_VDEV | SIOVH_FEAT_VDEV_DIRTY)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_device_feature_dma_logging_control c = { 0 };
	struct vfio_device_feature_dma_logging_report r = { 0 };
	const uint32_t start = VFIO_DEVICE_FEATURE_DMA_LOGGING_START;
	const uint32_t report = VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT;
	uint64_t bm[4] = { 0 };
	struct vd d;
	int ret;

	struct vfio_device_feature_dma_logging_range one = {
		.iova = DIOVA, .length = PAGE_4K,
	};

	dirty_type(check, p);
	vd_up(check, &p->types[0], &d, 1);
	c.page_size = PAGE_4K;
	c.ranges = (uintptr_t)&one;	/* an array, but num_ranges 0 */
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_SET | start, &c,
				 sizeof(c), sizeof(c)), -EINVAL);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA, PAGE_4K, PAGE_4K, bm), -EINVAL);
	/* a good START, but neither GET nor SET (and no PROBE), or with an
	 * argsz that ends before its control struct does */
	c.num_ranges = 1;
	EXPECT_ERRNO(feature_raw(&d, start, &c, sizeof(c), sizeof(c)), -EINVAL);
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_SET | start, &c,
				 sizeof(c), sizeof(c) - 8), -EINVAL);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA, PAGE_4K, PAGE_4K, bm), -EINVAL);
	c.num_ranges = 0;
	EXPECT_OK(feature_raw(&d, VFIO_DEVICE_FEATURE_PROBE |
			      VFIO_DEVICE_FEATURE_SET | start, &c, sizeof(c),
			      sizeof(c)));
	ASSERT_OK(dma_log_start(&d, DIOVA, 4 * PAGE_4K, PAGE_4K));
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_GET | start, &c,
				 sizeof(c), sizeof(c)), -EINVAL);
	r = (struct vfio_device_feature_dma_logging_report) {
		.iova = DIOVA, .length = PAGE_4K, .page_size = PAGE_4K,
		.bitmap = (uintptr_t)bm,
	};
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_SET | report, &r,
				 sizeof(r), sizeof(r)), -EINVAL);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA, PAGE_4K, 0, bm), -EINVAL);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA, PAGE_4K, 2048, bm), -EINVAL);
	ret = dma_log_report(&d, UINT64_MAX - PAGE_4K + 1, 2 * PAGE_4K,
			     PAGE_4K, bm);
	if (ret != -EINVAL && ret != -EOVERFLOW)
		FAIL("a report of a range that wraps past 2^64 gave %d, "
		     "expected -EINVAL or -EOVERFLOW", ret);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA, 3 * PAGE_4K, 3 * PAGE_4K, bm),
		     -EINVAL);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA + 512, PAGE_4K, PAGE_4K, bm),
		     -EINVAL);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA, 0, PAGE_4K, bm), -EINVAL);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA + 64 * PAGE_4K, PAGE_4K, PAGE_4K,
				    bm), -EINVAL);
	EXPECT_ERRNO(dma_log_report(&d, DIOVA, PAGE_4K, PAGE_4K, NULL), -EINVAL);
	/* still logging: a good report works, and a second START is refused */
	EXPECT_OK(dma_log_report(&d, DIOVA, 4 * PAGE_4K, PAGE_4K, bm));
	EXPECT_LT(dma_log_start(&d, DIOVA, PAGE_4K, PAGE_4K), 0);
	EXPECT_OK(dma_log_stop(&d));
	vd_down(check, &d);
}

/* DMA_LOGGING_START (SET) of n ranges, asking for 4 KiB pages. */
static int log_start_n(struct vd *d,
		       const struct vfio_device_feature_dma_logging_range *r,
		       uint32_t n)
{
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = PAGE_4K, .num_ranges = n, .ranges = (uintptr_t)r,
	};

	return feature_raw(d, VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &c,
			   sizeof(c), sizeof(c));
}

/* One page of ranges: what the core guarantees (linux/vfio.h). */
#define LOG_PAGE_RANGES \
	(4096 / sizeof(struct vfio_device_feature_dma_logging_range))

SIOVH_CLAUSE(dirty_ranges,
	.id = "VDCM.DIRTY.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "DMA_LOGGING_START takes one page's worth of ranges (256) and logs each of them, the last included, and ranges listed in any order (highest first too); it refuses 257 ranges (-E2BIG), ranges not aligned to the page size asked for or overlapping (-EINVAL) and a range that wraps past 2^64 (-EOVERFLOW); a refused start starts no logging",
	.source = SRC_VFIO("struct vfio_device_feature_dma_logging_control (\"The core kernel code guarantees to support by minimum num_ranges that fit into a single kernel page\")") "; Linux drivers/vfio/vfio_main.c, vfio_ioctl_device_feature_logging_start (6.12, 7.3: -EINVAL for a range not aligned to page_size or overlapping another, -EOVERFLOW for one that wraps)",
	.needs = NEEDS_VDEV | SIOVH_FEAT_VDEV_DIRTY)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_device_feature_dma_logging_range *r, bad[2];
	uint64_t bm[1] = { 0 };
	uint32_t i, last;
	struct vd d;

	dirty_type(check, p);
	r = calloc(LOG_PAGE_RANGES + 1, sizeof(*r));
	ASSERT_TRUE(r != NULL);
	/* every other page: no two ranges touch */
	for (i = 0; i <= LOG_PAGE_RANGES; i++)
		r[i] = (struct vfio_device_feature_dma_logging_range) {
			.iova = DIOVA + 2 * i * PAGE_4K, .length = PAGE_4K,
		};
	last = LOG_PAGE_RANGES - 1;
	vd_up(check, &p->types[0], &d, 1);
	bad[0] = (struct vfio_device_feature_dma_logging_range) {
		.iova = DIOVA + 512, .length = PAGE_4K,
	};
	EXPECT_ERRNO(log_start_n(&d, bad, 1), -EINVAL);
	bad[0].iova = DIOVA;
	bad[0].length = PAGE_4K + 512;
	EXPECT_ERRNO(log_start_n(&d, bad, 1), -EINVAL);
	/* the second range starts inside the first */
	bad[0].length = 2 * PAGE_4K;
	bad[1] = (struct vfio_device_feature_dma_logging_range) {
		.iova = DIOVA + PAGE_4K, .length = 4 * PAGE_4K,
	};
	EXPECT_ERRNO(log_start_n(&d, bad, 2), -EINVAL);
	bad[0] = (struct vfio_device_feature_dma_logging_range) {
		.iova = UINT64_MAX - PAGE_4K + 1, .length = 2 * PAGE_4K,
	};
	EXPECT_ERRNO(log_start_n(&d, bad, 1), -EOVERFLOW);
	/* one range more than a page holds: the kernel's core caps a START
	 * at LOG_MAX_RANGES, one page of them (vfio_main.c, -E2BIG) */
	EXPECT_ERRNO(log_start_n(&d, r, LOG_PAGE_RANGES + 1), -E2BIG);
	/* none of them started logging */
	EXPECT_ERRNO(dma_log_report(&d, DIOVA, PAGE_4K, PAGE_4K, bm), -EINVAL);
	EXPECT_OK(log_start_n(&d, r, LOG_PAGE_RANGES));
	/* the first and the last range can be reported: both are logged */
	EXPECT_OK(dma_log_report(&d, r[0].iova, PAGE_4K, PAGE_4K, bm));
	EXPECT_OK(dma_log_report(&d, r[last].iova, PAGE_4K, PAGE_4K, bm));
	EXPECT_OK(dma_log_stop(&d));
	/* the order is the user's: the higher range first, apart */
	bad[0] = (struct vfio_device_feature_dma_logging_range) {
		.iova = DIOVA + 4 * PAGE_4K, .length = 2 * PAGE_4K,
	};
	bad[1] = (struct vfio_device_feature_dma_logging_range) {
		.iova = DIOVA, .length = PAGE_4K,
	};
	EXPECT_OK(log_start_n(&d, bad, 2));
	EXPECT_OK(dma_log_report(&d, bad[0].iova, 2 * PAGE_4K, PAGE_4K, bm));
	EXPECT_OK(dma_log_report(&d, bad[1].iova, PAGE_4K, PAGE_4K, bm));
	EXPECT_OK(dma_log_stop(&d));
	vd_down(check, &d);
	free(r);
}

SIOVH_CLAUSE(dirty_partial,
	.id = "VDCM.DIRTY.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a report over part of the logged ranges reads and clears that part only: pages written elsewhere, in the same mapping or in another, stay dirty until a report covers them; a report with a larger page size sets the bit of every chunk a write touched",
	.source = SRC_VFIO("VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT (\"the dirty bitmap of the range iova/length ... Any tracked dirty data is cleared\": of that range; page_size is the bitmap's granularity)"),
	.needs = NEEDS_ENGINE | SIOVH_FEAT_VDEV_DIRTY)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = dirty_type(check, p);
	const uint64_t biova = DIOVA + DPAGES * PAGE_4K, cr = DIOVA + 0xf00;
	struct vfio_device_feature_dma_logging_range r[2] = {
		{ .iova = DIOVA, .length = DPAGES * PAGE_4K },
		{ .iova = biova, .length = 2 * PAGE_4K },
	};
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = PAGE_4K, .num_ranges = 2, .ranges = (uintptr_t)r,
	};
	struct dma_buf a, b;
	uint64_t bm;
	struct vd d;

	must_portal(check, ty);
	vd_up(check, ty, &d, 1);
	q_enable(check, &d, 0);
	dma_map(check, &d, &a, DIOVA, DPAGES * PAGE_4K);
	dma_map(check, &d, &b, biova, 2 * PAGE_4K);
	ASSERT_OK(feature_raw(&d, VFIO_DEVICE_FEATURE_SET |
			      VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &c,
			      sizeof(c), sizeof(c)));

	/* pages 2 and 5 of the first mapping (the record in page 0 too),
	 * page 1 of the second */
	EXPECT_EQ(run_copy(check, &d, 0, &a, DIOVA, DIOVA + 2 * PAGE_4K, 64,
			   cr, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(run_copy(check, &d, 0, &a, DIOVA, DIOVA + 5 * PAGE_4K, 64,
			   cr, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(run_copy(check, &d, 0, &a, DIOVA, biova + PAGE_4K, 64, cr,
			   0), SIOVDEV_CS_SUCCESS);

	bm = 0;
	ASSERT_OK(dma_log_report(&d, DIOVA, 4 * PAGE_4K, PAGE_4K, &bm));
	EXPECT_EQ(bm, 0x5);			/* pages 0 and 2 */
	bm = 0;
	ASSERT_OK(dma_log_report(&d, biova, 2 * PAGE_4K, PAGE_4K, &bm));
	EXPECT_EQ(bm, 0x2);			/* its page 1 */
	bm = 0;
	ASSERT_OK(dma_log_report(&d, DIOVA, DPAGES * PAGE_4K, PAGE_4K, &bm));
	EXPECT_EQ(bm, 0x20);			/* page 5 only: 0, 2 cleared */
	bm = 0;
	ASSERT_OK(dma_log_report(&d, biova, 2 * PAGE_4K, PAGE_4K, &bm));
	EXPECT_EQ(bm, 0);

	/* 16 KiB chunks: a write to page 5 is chunk 1's, page 0's chunk 0 */
	EXPECT_EQ(run_copy(check, &d, 0, &a, DIOVA, DIOVA + 5 * PAGE_4K, 64,
			   cr, 0), SIOVDEV_CS_SUCCESS);
	bm = 0;
	ASSERT_OK(dma_log_report(&d, DIOVA, DPAGES * PAGE_4K, 4 * PAGE_4K,
				 &bm));
	EXPECT_EQ(bm, 0x3);
	ASSERT_OK(dma_log_stop(&d));
	vd_down(check, &d);
}
