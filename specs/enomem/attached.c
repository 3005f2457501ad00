// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.ENOMEM.4: IOAS_MAP and IOAS_COPY into IOASes that have a device
 * attached, each allocation failing in turn (walk.h). With a device, a
 * map is also a domain's: the pages are pinned and put in its IOMMU page
 * table, so a failure can come after some of them are in. The device is
 * the target's test device where it has one (target.h test_device: the
 * kernel's IOMMUFD_TEST mock, behind its mock IOMMU domain); without one
 * the same walks run on IOASes no device is attached to, and the clause
 * says which in a note.
 */
#include <stdlib.h>
#include <string.h>

#include "specs/iommufd/common.h"
#include "walk.h"

#define SRC_FD_ENOMEM_ATT SRC_ENOMEM_H "; " SRC_ENOMEM_DERIVED "; " SRC_H("IOMMU_IOAS_MAP, IOMMU_IOAS_COPY")
#define ATT_PAGES	16
#define ATT_SIZE	(ATT_PAGES * PG)
/* From a 16 MiB-aligned base: 8 pages below a 2 MiB boundary, 8 above. */
#define ATT_OFF		((2ull << 20) - 8 * PG)

struct att_ctx {
	uint32_t src, dst;
	uint64_t base;		/* of src and dst alike (must_base) */
	uint64_t iova;		/* where the automatic MAP put it */
	void *buf;
};

static int fixed_call(struct siovh_check *check, void *p)
{
	struct att_ctx *c = p;
	uint64_t iova = c->base + ATT_OFF;

	return ioas_map(check, c->src, FIXED, c->buf, ATT_SIZE, &iova);
}

/* Nothing of the range mapped. */
static void fixed_same(struct siovh_check *check, void *p)
{
	struct att_ctx *c = p;

	EXPECT_ERRNO(ioas_unmap(check, c->src, c->base + ATT_OFF, ATT_SIZE,
				NULL), -ENOENT);
}

static void fixed_undo(struct siovh_check *check, void *p)
{
	EXPECT_EQ(unmap_all(check, ((struct att_ctx *)p)->src), ATT_SIZE);
}

static int auto_call(struct siovh_check *check, void *p)
{
	struct att_ctx *c = p;

	c->iova = 0;
	return ioas_map(check, c->dst, RW, c->buf, ATT_SIZE, &c->iova);
}

/* dst held nothing before: it still holds nothing. */
static void auto_same(struct siovh_check *check, void *p)
{
	EXPECT_EQ(unmap_all(check, ((struct att_ctx *)p)->dst), 0);
}

static void auto_undo(struct siovh_check *check, void *p)
{
	EXPECT_EQ(unmap_all(check, ((struct att_ctx *)p)->dst), ATT_SIZE);
}

static int copy_call(struct siovh_check *check, void *p)
{
	struct att_ctx *c = p;
	uint64_t iova = c->base + ATT_OFF;

	return ioas_copy(check, c->dst, c->src, FIXED, c->base + ATT_OFF,
			 ATT_SIZE, &iova);
}

/* Nothing in dst; src keeps all of its mapping (checked at the end). */
static void copy_same(struct siovh_check *check, void *p)
{
	struct att_ctx *c = p;

	EXPECT_ERRNO(ioas_unmap(check, c->dst, c->base + ATT_OFF, ATT_SIZE,
				NULL), -ENOENT);
}

static void copy_undo(struct siovh_check *check, void *p)
{
	struct att_ctx *c = p;
	uint64_t n = 0;

	EXPECT_OK(ioas_unmap(check, c->dst, c->base + ATT_OFF, ATT_SIZE, &n));
	EXPECT_EQ(n, ATT_SIZE);
}

SIOVH_CLAUSE(enomem_attached,
	.id = "IOMMUFD.ENOMEM.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOAS_MAP (16 pages at a fixed IOVA across a 2 MiB boundary, and at an automatic one) and IOAS_COPY of that mapping, into IOASes with a device attached (the target's test device where it has one), whose memory allocation fails (each in turn) return -ENOMEM and map nothing: UNMAP of the range finds nothing, the destination holds nothing; then each succeeds, and the source keeps all of its mapping through the failed copies",
	.source = SRC_FD_ENOMEM_ATT,
	.needs = NEEDS_IOMMUFD | NEEDS_FAIL_NTH)
{
	static const struct enomem_op fixed_op = {
		"IOMMU_IOAS_MAP (fixed, attached)", fixed_call, fixed_same,
		fixed_undo,
	};
	static const struct enomem_op auto_op = {
		"IOMMU_IOAS_MAP (automatic, attached)", auto_call, auto_same,
		auto_undo,
	};
	static const struct enomem_op copy_op = {
		"IOMMU_IOAS_COPY (attached)", copy_call, copy_same, copy_undo,
	};
	struct att_ctx c;
	uint64_t n = 0;
	int a, b;

	memset(&c, 0, sizeof(c));
	c.src = must_ioas(check);
	c.dst = must_ioas(check);
	a = try_attached(check, c.src);
	b = try_attached(check, c.dst);
	if (a || b)
		siovh_note(check, "no test device attached (%d, %d): the walks run on IOASes without one", a, b);
	else if (siovh_check_target(check)->iommufd->test_device)
		siovh_note(check, "the target's test device is attached to both IOASes");
	else
		siovh_note(check, "the target has no test device: the walks run on IOASes without one");
	c.base = must_base(check, c.src);
	EXPECT_EQ(must_base(check, c.dst), c.base);
	c.buf = must_pages(check, ATT_PAGES);
	memset(c.buf, 0x5a, ATT_SIZE);

	enomem_walk(check, &fixed_op, &c);
	enomem_walk(check, &auto_op, &c);
	EXPECT_EQ(unmap_all(check, c.dst), ATT_SIZE);
	enomem_walk(check, &copy_op, &c);
	EXPECT_OK(ioas_unmap(check, c.dst, c.base + ATT_OFF, ATT_SIZE, &n));
	EXPECT_EQ(n, ATT_SIZE);
	/* the source's mapping whole, after every failed copy */
	n = 0;
	EXPECT_OK(ioas_unmap(check, c.src, c.base + ATT_OFF, ATT_SIZE, &n));
	EXPECT_EQ(n, ATT_SIZE);
}
