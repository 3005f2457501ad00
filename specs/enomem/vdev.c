// SPDX-License-Identifier: MIT
/*
 * VDCM.ENOMEM 1-3: VDEV operations whose memory allocation fails (each in
 * turn, walk.h) return -ENOMEM and leave nothing behind: create leaves no
 * VDEV and holds no ADI, open leaves the VDEV closed with no PASID
 * programmed, MAP_DMA pins and maps nothing, dirty tracking neither starts
 * nor loses the dirty bits a later report must give.
 */
#include <stdlib.h>
#include <string.h>

#include "specs/vdcm/common.h"
#include "specs/vdcm/engine.h"
#include "walk.h"

#define SRC_VD_ENOMEM SRC_ENOMEM_DERIVED
#define NEEDS_VD_ENOMEM (NEEDS_VDEV_PROBE | NEEDS_FAIL_NTH)

/* ---- VDCM.ENOMEM.1: create and open ---- */

struct life_ctx {
	const struct siovh_profile *p;
	struct leak_snap before;
	struct vd d;
};

static int create_call(struct siovh_check *check, void *ctx)
{
	struct life_ctx *c = ctx;
	struct siovh_target *t = siovh_check_target(check);

	return t->vfio_device->create(t, c->d.ty->name, c->d.uuid,
				      &c->d.v);
}

static void create_same(struct siovh_check *check, void *ctx)
{
	struct life_ctx *c = ctx;

	leak_expect(check, c->p, &c->before, "a create that failed for memory");
}

static int open_call(struct siovh_check *check, void *ctx)
{
	struct life_ctx *c = ctx;
	struct siovh_target *t = siovh_check_target(check);

	return t->vfio_device->open(t, c->d.v);
}

/* Closed, and its ADIs hold no PASID: nothing of the assignment is left. */
static void open_same(struct siovh_check *check, void *ctx)
{
	struct life_ctx *c = ctx;
	struct siovh_vdev_probe v = vdev_probe(check, &c->d);
	uint32_t i;

	EXPECT_EQ(v.open, 0);
	for (i = 0; i < v.nr_adis && i < SIOVH_VDEV_MAX_ADIS; i++) {
		EXPECT_EQ(adi_probe(check, v.adis[i]).pasid_valid, 0);
		EXPECT_EQ(adi_probe(check, v.adis[i]).enabled, 0);
	}
	leak_expect(check, c->p, &c->before, "an open that failed for memory");
}

static void open_undo(struct siovh_check *check, void *ctx)
{
	struct life_ctx *c = ctx;
	struct siovh_target *t = siovh_check_target(check);

	EXPECT_OK(t->vfio_device->release(t, c->d.v));
}

SIOVH_CLAUSE(enomem_vdev_life,
	.id = "VDCM.ENOMEM.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a VDEV create or open whose memory allocation fails (each in turn) returns -ENOMEM and leaves nothing: no VDEV, no ADI taken, available_instances as before, the UUID free to create again; the VDEV stays closed with no PASID in its ADIs and opens afterwards",
	.source = SRC_LIFE("create, open") "; " SRC_VD_ENOMEM,
	.needs = NEEDS_VD_ENOMEM)
{
	static const struct enomem_op create_op = {
		"create", create_call, create_same, NULL,
	};
	static const struct enomem_op open_op = {
		"open", open_call, open_same, open_undo,
	};
	struct life_ctx c;

	memset(&c, 0, sizeof(c));
	c.p = must_profile(check);
	c.d.t = siovh_check_target(check);
	c.d.ty = must_type(check, c.p, 1);
	make_uuid(c.d.uuid, 1);
	leak_snap(check, c.p, &c.before);
	enomem_walk(check, &create_op, &c);
	leak_snap(check, c.p, &c.before);
	enomem_walk(check, &open_op, &c);
	c.d.open = true;
	EXPECT_EQ(vdev_probe(check, &c.d).open, 1);
	vd_down(check, &c.d);
}

/* ---- VDCM.ENOMEM.2: MAP_DMA and DMA logging ---- */

#define EIOVA 0x40000000ull	/* 1 GiB: page tables of its own */
#define EPAGES 4

struct dma_ctx {
	const struct siovh_profile *p;
	struct leak_snap before;
	struct vd d;
	uint8_t *va;
	struct dma_buf a, b;	/* two maps, both logged */
	uint64_t want;		/* pages the report must give */
};

static int map_call(struct siovh_check *check, void *ctx)
{
	struct dma_ctx *c = ctx;
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)c->va, .iova = EIOVA,
		.size = EPAGES * PAGE_4K,
	};

	(void)check;
	return c->d.t->vfio_device->container_ioctl(c->d.t, c->d.v,
						    VFIO_IOMMU_MAP_DMA, &m);
}

/* Nothing mapped at EIOVA, nothing more pinned. */
static void map_same(struct siovh_check *check, void *ctx)
{
	struct dma_ctx *c = ctx;
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = EIOVA, .size = EPAGES * PAGE_4K,
	};

	EXPECT_OK(c->d.t->vfio_device->container_ioctl(c->d.t, c->d.v,
						       VFIO_IOMMU_UNMAP_DMA,
						       &u));
	EXPECT_EQ(u.size, 0);
	leak_expect(check, c->p, &c->before, "a MAP_DMA that failed for memory");
}

static void map_undo(struct siovh_check *check, void *ctx)
{
	struct dma_ctx *c = ctx;

	EXPECT_OK(dma_unmap(&c->d, EIOVA, EPAGES * PAGE_4K));
}

/* Logging covers both maps: [a.iova, b.iova + b.size). */
static int log_start_call(struct siovh_check *check, void *ctx)
{
	struct dma_ctx *c = ctx;

	(void)check;
	return dma_log_start(&c->d, c->a.iova,
			     c->b.iova + c->b.size - c->a.iova, PAGE_4K);
}

static void log_start_same(struct siovh_check *check, void *ctx)
{
	struct dma_ctx *c = ctx;
	uint64_t bm[2] = { 0 };

	/* not started: no report, and stop has nothing to stop */
	EXPECT_LT(dma_log_report(&c->d, c->a.iova,
				 c->b.iova + c->b.size - c->a.iova, PAGE_4K,
				 bm), 0);
}

static int log_report_call(struct siovh_check *check, void *ctx)
{
	struct dma_ctx *c = ctx;
	uint64_t bm[2] = { 0 };
	int ret;

	ret = dma_log_report(&c->d, c->a.iova,
			     c->b.iova + c->b.size - c->a.iova, PAGE_4K, bm);
	if (!ret)
		EXPECT_EQ(bm[0], c->want);
	(void)check;
	return ret;
}

SIOVH_CLAUSE(enomem_vdev_dma,
	.id = "VDCM.ENOMEM.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "MAP_DMA, DMA logging start and a dirty report whose memory allocation fails (each in turn) return -ENOMEM: nothing mapped or pinned, logging not started, and no dirty bit lost: the report that then succeeds gives every page written since the start",
	.source = SRC_PINNING "; " SRC_MIGRATION " (GET dirty page bitmap); " SRC_VD_ENOMEM,
	.needs = NEEDS_ENGINE | SIOVH_FEAT_VDEV_DIRTY | NEEDS_FAIL_NTH)
{
	static const struct enomem_op map_op = {
		"VFIO_IOMMU_MAP_DMA", map_call, map_same, map_undo,
	};
	static const struct enomem_op start_op = {
		"DMA_LOGGING_START", log_start_call, log_start_same, NULL,
	};
	static const struct enomem_op report_op = {
		/* a failed report must clear nothing: the report that
		 * finally succeeds checks that every page is still there */
		"DMA_LOGGING_REPORT", log_report_call, NULL, NULL,
	};
	const struct siovh_profile_type *ty;
	struct dma_ctx c;

	memset(&c, 0, sizeof(c));
	c.p = must_profile(check);
	ty = &c.p->types[0];
	if (!ty->dirty_page_size)
		SKIP("type %s has no dirty tracking in the profile", ty->name);
	must_portal(check, ty);
	vd_up(check, ty, &c.d, 1);
	q_enable(check, &c.d, 0);
	c.va = aligned_alloc(PAGE_4K, EPAGES * PAGE_4K);
	ASSERT_TRUE(c.va != NULL);
	leak_snap(check, c.p, &c.before);
	enomem_walk(check, &map_op, &c);
	EXPECT_OK(dma_unmap(&c.d, EIOVA, EPAGES * PAGE_4K));

	dma_map(check, &c.d, &c.a, 0xc00000ull, 4 * PAGE_4K);
	dma_map(check, &c.d, &c.b, 0xc04000ull, 4 * PAGE_4K);
	enomem_walk(check, &start_op, &c);
	/* a page of each map written (pages 1 and 5), then reported */
	EXPECT_EQ(run_copy(check, &c.d, 0, &c.b, c.a.iova, c.a.iova + 0x1000,
			   0x100, c.b.iova + 0x1f00, 0), SIOVDEV_CS_SUCCESS);
	c.want = 1ull << 1 | 1ull << 5;
	enomem_walk(check, &report_op, &c);
	EXPECT_OK(dma_log_stop(&c.d));
	free(c.va);
	vd_down(check, &c.d);
}

/* ---- VDCM.ENOMEM.3: pinning a portal descriptor's pages ---- */

#define PIOVA 0x800000ull
/* The largest transfer: its source and destination pages (512 of them)
 * outgrow any small pin table, so pinning fails midway, too. */
#define PBIG SIOVDEV_MAX_XFER

struct pin_ctx {
	const struct siovh_profile *p;
	struct leak_snap before;
	struct vd d;
	struct dma_buf b;
	uint64_t span;		/* source at PIOVA, destination at + span,
				 * the record at + 2 * span */
	uint32_t len;		/* bytes copied */
};

static int pin_call(struct siovh_check *check, void *ctx)
{
	struct pin_ctx *c = ctx;
	struct siovdev_desc x;

	(void)check;
	memset(cr_at(&c->b, PIOVA + 2 * c->span), 0, SIOVDEV_CR_SIZE);
	desc_copy(&x, PIOVA, PIOVA + c->span, c->len, PIOVA + 2 * c->span,
		  SIOVDEV_DF_COMPLETION, 0x9e11);
	return desc_submit(&c->d, 0, &x);
}

/* Refused before the device saw it: no DMA, no record, nothing pinned. */
static void pin_same(struct siovh_check *check, void *ctx)
{
	struct pin_ctx *c = ctx;

	EXPECT_EQ(c->b.va[c->span], 0);
	EXPECT_EQ(c->b.va[c->span + c->len - 1], 0);
	EXPECT_EQ(cr_at(&c->b, PIOVA + 2 * c->span)->status, SIOVDEV_CS_NONE);
	leak_expect(check, c->p, &c->before,
		    "a descriptor whose pinning failed for memory");
}

/* Walk the copy of len bytes, span apart; it runs at last. */
static void pin_walk(struct siovh_check *check, struct pin_ctx *c,
		     uint64_t span, uint32_t len)
{
	static const struct enomem_op pin_op = {
		"portal write", pin_call, pin_same, NULL,
	};

	c->span = span;
	c->len = len;
	memset(c->b.va, 0, c->b.size);
	memset(c->b.va, 0x5a, len);
	leak_snap(check, c->p, &c->before);
	enomem_walk(check, &pin_op, c);
	EXPECT_EQ(c->b.va[span], 0x5a);
	EXPECT_EQ(c->b.va[span + len - 1], 0x5a);
	EXPECT_EQ(cr_at(&c->b, PIOVA + 2 * span)->status, SIOVDEV_CS_SUCCESS);
}

SIOVH_CLAUSE(enomem_vdev_pin,
	.id = "VDCM.ENOMEM.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a portal descriptor whose pages cannot be pinned for lack of memory (each allocation in turn; a 64-byte copy, and a copy of the largest transfer, 512 pages, which can fail after hundreds are pinned) is refused with -ENOMEM before the device sees it: no DMA, no completion record, nothing left pinned; the same descriptor then runs",
	.source = SRC_PINNING " (pin on submission); " SRC_VD_ENOMEM,
	.needs = NEEDS_ENGINE | NEEDS_FAIL_NTH)
{
	struct pin_ctx c;

	memset(&c, 0, sizeof(c));
	c.p = must_profile(check);
	must_portal(check, &c.p->types[0]);
	vd_up(check, &c.p->types[0], &c.d, 1);
	q_enable(check, &c.d, 0);
	dma_map(check, &c.d, &c.b, PIOVA, 2 * PBIG + PAGE_4K);
	pin_walk(check, &c, PAGE_4K, 64);
	pin_walk(check, &c, PBIG, PBIG);
	vd_down(check, &c.d);
}
