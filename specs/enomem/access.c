// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.ACCESS.10: the allocation failures of an in-kernel user's
 * access (specs/iommufd/access.c): attaching it to an IOAS, pinning a range
 * across two areas, and a write through it. Each allocation of the call
 * is made to fail in turn (walk.h). What a failed pin must not leave is a
 * pin: at the end, with the one pin that succeeded undone, UNMAP of
 * everything must get through. Where the target can make an access that
 * ignores unmap notifications (target.h SIOVH_ACCESS_KEEP_PINS) the pins
 * are made through one, so that a pin left behind blocks that UNMAP
 * (-EDEADLOCK) instead of being dropped by the notification; Linux's
 * own bookkeeping blocks it the same way (io_pagetable.c retries while
 * an area counts an access).
 */
#include <string.h>

#include "specs/iommufd/common.h"
#include "walk.h"

#define SRC_ACCESS_ENOMEM "derived: an emulated VDEV's DMA through iommufd's access (vfio_pin_pages / vfio_dma_rw over iommufd_access_*); " SRC_ENOMEM_H "; " SRC_ENOMEM_DERIVED

struct acc_ctx {
	uint32_t ioas, spare;	/* spare: the IOAS the create walk uses */
	uint64_t base;		/* A: 2 pages at base, B: 2 after it */
	uint8_t *mem;
	int acc, made;
	uint32_t pin;
	uint8_t buf[3 * PG];
};

static struct siovh_target *tgt(struct siovh_check *check)
{
	return siovh_check_target(check);
}

static int create_call(struct siovh_check *check, void *p)
{
	struct acc_ctx *c = p;

	return tgt(check)->iommufd->test_access_create(
		tgt(check), c->spare, SIOVH_ACCESS_PIN_PAGES, &c->made);
}

/* A failed create holds no IOAS: spare can be destroyed (then a new one). */
static void create_same(struct siovh_check *check, void *p)
{
	struct acc_ctx *c = p;

	EXPECT_OK(obj_destroy(check, c->spare));
	c->spare = must_ioas(check);
}

static int pin_call(struct siovh_check *check, void *p)
{
	struct acc_ctx *c = p;

	return tgt(check)->iommufd->test_access_pin(
		tgt(check), c->acc, c->base + PG, 2 * PG, 0, NULL, &c->pin);
}

/* After a failed pin the range still reads as the user's bytes. */
static void pin_same(struct siovh_check *check, void *p)
{
	struct acc_ctx *c = p;

	EXPECT_OK(tgt(check)->iommufd->test_access_rw(
		tgt(check), c->acc, c->base + PG, c->buf, 2 * PG, 0));
	if (memcmp(c->buf, c->mem + PG, 2 * PG))
		FAIL("after a failed pin, a read of the range differs from the user's bytes");
}

/* A pin that got through without the failed allocation (Linux's pfn
 * batches fall back to a buffer on the stack): unpin it. */
static void pin_undo(struct siovh_check *check, void *p)
{
	struct acc_ctx *c = p;

	EXPECT_OK(tgt(check)->iommufd->test_access_unpin(tgt(check), c->acc,
							 c->pin));
}

static int rw_call(struct siovh_check *check, void *p)
{
	struct acc_ctx *c = p;

	return tgt(check)->iommufd->test_access_rw(
		tgt(check), c->acc, c->base + 100, c->buf, 3 * PG,
		SIOVH_ACCESS_WRITE);
}

/* A write that got through without the failed allocation: it leaves no
 * state, and the next call writes the same bytes again. */
static void rw_undo(struct siovh_check *check, void *p)
{
	(void)check;
	(void)p;
}

SIOVH_CLAUSE(access_enomem,
	.id = "IOMMUFD.ACCESS.10", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an access's attach to an IOAS, a pin across two areas and an rw write whose memory allocation fails (each in turn) return -ENOMEM and leave nothing: no access holding the IOAS (it can be destroyed), no pin (UNMAP of everything gets through once the one good pin is undone); the write then lands",
	.source = SRC_ACCESS_ENOMEM,
	.needs = NEEDS_IOMMUFD | NEEDS_FAIL_NTH)
{
	static const struct enomem_op create_op = {
		"test_access_create", create_call, create_same, NULL,
	};
	static const struct enomem_op pin_op = {
		"test_access_pin", pin_call, pin_same, pin_undo,
	};
	static const struct enomem_op rw_op = {
		"test_access_rw", rw_call, NULL, rw_undo,
	};
	struct siovh_target *t = tgt(check);
	struct acc_ctx *c;
	uint64_t iova;
	size_t i;

	if (!t->iommufd->test_access_create)
		SKIP("the target has no test access (target.h test_access_*): no in-kernel user to drive");
	c = must_pages(check, 4);	/* the context: too big for a stack */
	memset(c, 0, sizeof(*c));
	c->ioas = must_ioas(check);
	c->spare = must_ioas(check);
	c->base = must_base(check, c->ioas);
	c->mem = must_pages(check, 4);
	for (i = 0; i < 4 * PG; i++)
		c->mem[i] = (uint8_t)(i * 5 + (i >> 9));
	for (i = 0; i < 2; i++) {
		iova = c->base + 2 * i * PG;
		ASSERT_OK(ioas_map(check, c->ioas, FIXED, c->mem + 2 * i * PG,
				   2 * PG, &iova));
	}
	enomem_walk(check, &create_op, c);
	EXPECT_OK(t->iommufd->test_access_destroy(t, c->made));
	EXPECT_OK(obj_destroy(check, c->spare));
	if (t->iommufd->test_access_create(t, c->ioas, SIOVH_ACCESS_PIN_PAGES |
					   SIOVH_ACCESS_KEEP_PINS, &c->acc))
		ASSERT_OK(t->iommufd->test_access_create(
			t, c->ioas, SIOVH_ACCESS_PIN_PAGES, &c->acc));
	enomem_walk(check, &pin_op, c);
	EXPECT_OK(t->iommufd->test_access_unpin(t, c->acc, c->pin));
	for (i = 0; i < sizeof(c->buf); i++)
		c->buf[i] = (uint8_t)(0xa5 ^ i);
	enomem_walk(check, &rw_op, c);
	if (memcmp(c->mem + 100, c->buf, 3 * PG))
		FAIL("the write that got through is not in the user's memory");
	EXPECT_EQ(unmap_all(check, c->ioas), 4 * PG);
}
