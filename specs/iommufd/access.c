// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.ACCESS 1-9: in-kernel users of an IOAS ("accesses"), the way an
 * emulated VDEV (an mdev, a VDCM's slow path) reaches guest memory: not
 * through an IOMMU domain but by pinning the pages behind IOVAs
 * (vfio_pin_pages, the "selective pinning" of seed 002) or copying bytes
 * through them (vfio_dma_rw), over iommufd's access API. There is no uAPI
 * for it: the clauses drive the target's test access (target.h
 * test_access_*; a kernel's IOMMUFD_TEST access), whose driver unpins what
 * an UNMAP or a replace tells it to.
 *
 * Layout of each clause's IOAS, from a base IOVA: A (two pages of buffer
 * a) at base, B (two pages of another buffer b) right after it, nothing
 * at base + 4 pages. The buffers are filled with a pattern that changes
 * with every byte, so a copy from the wrong offset shows.
 */
#include <string.h>

#include "common.h"

#define SRC_PINNING "002_8f8460c655ed46df.txt, \"Memory Footprint\" (vfio_pin_pages for selectively pinning guest PFNs)"
#define SRC_RECAP SEED003 "\"VFIO Recap (Cont.)\" (page pinning)"
#define SRC_ACCESS "derived: an emulated VDEV's DMA through iommufd's access (vfio_pin_pages / vfio_dma_rw over iommufd_access_pin_pages / _rw, no uAPI)"
#define SRC_UNMAP SRC_H("IOMMU_IOAS_UNMAP")

#define WR SIOVH_ACCESS_WRITE
#define PIN SIOVH_ACCESS_PIN_PAGES
#define RO (IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE)
#define WO (IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE)

struct ax {
	uint32_t ioas;
	uint64_t base;
	uint8_t *a, *b;		/* A at base, B at base + 2 pages */
};

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

/* n fresh pages filled from seed (touched, so the pages are the user's
 * own, not the shared zero page), mapped at iova of ioas with flags. */
static uint8_t *ax_map(struct siovh_check *check, uint32_t ioas,
		       uint32_t flags, uint64_t iova, unsigned int n,
		       uint8_t seed)
{
	uint8_t *p = must_pages(check, n);
	uint64_t at = iova;

	fill(p, n * PG, seed);
	ASSERT_OK(ioas_map(check, ioas, flags, p, n * PG, &at));
	ASSERT_EQ(at, iova);
	return p;
}

/*
 * dev: with the target's test device attached to the IOAS where it has
 * one (an IOMMU domain holds the pages too: pins then take them from the
 * domain); a target without one, or whose device does not attach, runs
 * the clause on the IOAS alone, which the clauses hold the same for.
 */
static void ax_up(struct siovh_check *check, struct ax *x, bool dev)
{
	if (!siovh_check_target(check)->iommufd->test_access_create)
		SKIP("the target has no test access (target.h test_access_*): no in-kernel user to drive");
	x->ioas = must_ioas(check);
	if (dev)
		(void)try_attached(check, x->ioas);
	x->base = must_base(check, x->ioas);
	x->a = ax_map(check, x->ioas, FIXED, x->base, 2, 0x11);
	x->b = ax_map(check, x->ioas, FIXED, x->base + 2 * PG, 2, 0x5b);
}

/* A new access on ioas; the check SKIPs when the target cannot make one. */
static int ax_access(struct siovh_check *check, uint32_t ioas, uint32_t flags)
{
	struct siovh_target *t = siovh_check_target(check);
	int acc = -1;
	int ret = t->iommufd->test_access_create(t, ioas, flags, &acc);

	if (ret)
		SKIP("the target's test access did not attach to IOAS %u (flags 0x%x): %s",
		     ioas, flags, strerror(-ret));
	return acc;
}

static int x_rw(struct siovh_check *check, int acc, uint64_t iova, void *buf,
		uint64_t len, uint32_t flags)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->test_access_rw(t, acc, iova, buf, len, flags);
}

static int x_pin(struct siovh_check *check, int acc, uint64_t iova,
		 uint64_t len, uint32_t flags, const void *uptr, uint32_t *id)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->test_access_pin(t, acc, iova, len, flags, uptr, id);
}

static int x_unpin(struct siovh_check *check, int acc, uint32_t id)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->test_access_unpin(t, acc, id);
}

static int x_replace(struct siovh_check *check, int acc, uint32_t ioas)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->test_access_replace(t, acc, ioas);
}

static int x_destroy(struct siovh_check *check, int acc)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->test_access_destroy(t, acc);
}

/* Do n bytes at p equal those at q? Says where they first differ. */
static void expect_bytes(struct siovh_check *check, const char *what,
			 const uint8_t *p, const uint8_t *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != q[i]) {
			FAIL("%s: byte %zu is 0x%02x, expected 0x%02x", what,
			     i, p[i], q[i]);
			return;
		}
	}
}

SIOVH_CLAUSE(access_rw,
	.id = "IOMMUFD.ACCESS.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an access's rw reads the bytes the user's memory holds at an IOVA and writes into it, at any offset, across adjacent areas of different buffers, over pinned pages or not, from the user's process or from outside it",
	.source = SRC_ACCESS "; " SRC_RECAP,
	.needs = NEEDS_IOMMUFD)
{
	static const uint32_t how[] = { 0, SIOVH_ACCESS_FOREIGN };
	uint8_t buf[2 * PG + 64], want[sizeof(buf)];
	unsigned int i;
	uint32_t pin;
	struct ax x;
	int acc;

	ax_up(check, &x, true);
	acc = ax_access(check, x.ioas, PIN);
	/* A's pages pinned: a copy through pinned pages and through none */
	ASSERT_OK(x_pin(check, acc, x.base, 2 * PG, 0, NULL, &pin));
	for (i = 0; i < 2; i++) {
		/* 100 bytes before the end of A, 200 into B */
		memset(buf, 0, sizeof(buf));
		ASSERT_OK(x_rw(check, acc, x.base + 2 * PG - 100, buf, 300,
			       how[i]));
		expect_bytes(check, "read across A and B (A's part)", buf,
			     x.a + 2 * PG - 100, 100);
		expect_bytes(check, "read across A and B (B's part)",
			     buf + 100, x.b, 200);
		/* across A's two pinned pages */
		ASSERT_OK(x_rw(check, acc, x.base + 100, buf, PG, how[i]));
		expect_bytes(check, "read across A's pinned pages", buf,
			     x.a + 100, PG);
		/* inside one page, at an odd offset */
		ASSERT_OK(x_rw(check, acc, x.base + PG + 13, buf, 50, how[i]));
		expect_bytes(check, "read at A + 1 page + 13", buf,
			     x.a + PG + 13, 50);
		ASSERT_OK(x_rw(check, acc, x.base + 3 * PG + 9, buf, 50,
			       how[i]));
		expect_bytes(check, "read at B + 1 page + 9", buf,
			     x.b + PG + 9, 50);
		/* a write from A's second page into B's first */
		fill(want, sizeof(want), (uint8_t)(0xc3 + i));
		memcpy(buf, want, sizeof(buf));
		ASSERT_OK(x_rw(check, acc, x.base + PG + 7, buf, 2 * PG,
			       WR | how[i]));
		expect_bytes(check, "write: A's second page from offset 7",
			     x.a + PG + 7, want, PG - 7);
		expect_bytes(check, "write: B's first page", x.b,
			     want + PG - 7, PG + 7);
		/* and into one page */
		ASSERT_OK(x_rw(check, acc, x.base + 3 * PG + 5, buf, 20,
			       WR | how[i]));
		expect_bytes(check, "write into B's second page", x.b + PG + 5,
			     want, 20);
	}
	EXPECT_OK(x_unpin(check, acc, pin));
	EXPECT_OK(x_destroy(check, acc));
}

SIOVH_CLAUSE(access_pin,
	.id = "IOMMUFD.ACCESS.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an access pins the user's own pages under a page-aligned IOVA (any length, across areas, overlapping pins each its own), never another address's (-EBADE); unaligned IOVA and length 0 -EINVAL, a range past U64_MAX -EOVERFLOW, an unknown flag or an access not made to pin -EOPNOTSUPP; unpin once (-ENOENT after)",
	.source = SRC_PINNING "; " SRC_ACCESS,
	.needs = NEEDS_IOMMUFD)
{
	uint32_t p1, p2, p3, id, each[4];
	struct ax x;
	int acc, rw_only;
	unsigned int i;

	ax_up(check, &x, true);
	acc = ax_access(check, x.ioas, PIN);
	/* the pages pinned are those behind the user's address */
	ASSERT_OK(x_pin(check, acc, x.base + PG, PG, 0, x.a + PG, &p1));
	ASSERT_OK(x_pin(check, acc, x.base + 3 * PG, PG, WR, x.b + PG, &p2));
	ASSERT_OK(x_pin(check, acc, x.base + PG, 2 * PG, 0, NULL, &p3));
	EXPECT_NE(p1, p2);
	EXPECT_NE(p2, p3);
	/* not the pages behind another address */
	EXPECT_ERRNO(x_pin(check, acc, x.base + PG, PG, 0, x.a, &id), -EBADE);
	/* every page on its own too, while the others are held */
	for (i = 0; i < 4; i++)
		EXPECT_OK(x_pin(check, acc, x.base + i * PG, PG, WR,
				i < 2 ? x.a + i * PG : x.b + (i - 2) * PG,
				&each[i]));
	for (i = 0; i < 4; i++)
		EXPECT_OK(x_unpin(check, acc, each[i]));
	EXPECT_ERRNO(x_pin(check, acc, x.base, PG, 1u << 3, NULL, &id),
		     -EOPNOTSUPP);
	/* length need not be a page's */
	EXPECT_OK(x_pin(check, acc, x.base, 100, 0, NULL, &id));
	EXPECT_OK(x_unpin(check, acc, id));
	EXPECT_ERRNO(x_pin(check, acc, x.base + 512, PG, 0, NULL, &id),
		     -EINVAL);
	EXPECT_ERRNO(x_pin(check, acc, x.base, 0, 0, NULL, &id), -EINVAL);
	EXPECT_ERRNO(x_pin(check, acc, UINT64_MAX - PG + 1, 2 * PG, 0, NULL,
			   &id), -EOVERFLOW);
	EXPECT_OK(x_unpin(check, acc, p1));
	EXPECT_ERRNO(x_unpin(check, acc, p1), -ENOENT);
	EXPECT_OK(x_unpin(check, acc, p3));
	EXPECT_OK(x_unpin(check, acc, p2));
	rw_only = ax_access(check, x.ioas, 0);
	EXPECT_ERRNO(x_pin(check, rw_only, x.base, PG, 0, NULL, &id),
		     -EOPNOTSUPP);
}

SIOVH_CLAUSE(access_perm,
	.id = "IOMMUFD.ACCESS.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an access may not write where the user mapped read-only, nor read where write-only: pin and rw -EPERM, the user's bytes unchanged; the permitted direction works",
	.source = SRC_ACCESS "; " SRC_H("IOMMU_IOAS_MAP_READABLE / WRITEABLE"),
	.needs = NEEDS_IOMMUFD)
{
	uint8_t buf[64], keep[64];
	uint32_t id, ro_pin = 0, wo_pin = 0;
	uint8_t *ro, *wo;
	uint64_t n = 0;
	struct ax x;
	int acc;

	ax_up(check, &x, false);
	ro = ax_map(check, x.ioas, RO, x.base + 8 * PG, 1, 0x21);
	wo = ax_map(check, x.ioas, WO, x.base + 10 * PG, 1, 0x77);
	acc = ax_access(check, x.ioas, PIN);
	memcpy(keep, ro + 40, sizeof(keep));
	memset(buf, 0xee, sizeof(buf));
	EXPECT_ERRNO(x_rw(check, acc, x.base + 8 * PG + 40, buf, sizeof(buf),
			  WR), -EPERM);
	expect_bytes(check, "read-only page after a refused write", ro + 40,
		     keep, sizeof(keep));
	EXPECT_ERRNO(x_pin(check, acc, x.base + 8 * PG, PG, WR, NULL, &id),
		     -EPERM);
	EXPECT_OK(x_rw(check, acc, x.base + 8 * PG + 40, buf, sizeof(buf), 0));
	expect_bytes(check, "read of the read-only page", buf, ro + 40,
		     sizeof(buf));
	EXPECT_OK(x_pin(check, acc, x.base + 8 * PG, PG, 0, ro, &ro_pin));
	/* write-only */
	EXPECT_ERRNO(x_rw(check, acc, x.base + 10 * PG, buf, sizeof(buf), 0),
		     -EPERM);
	EXPECT_ERRNO(x_pin(check, acc, x.base + 10 * PG, PG, 0, NULL, &id),
		     -EPERM);
	memset(buf, 0x3c, sizeof(buf));
	EXPECT_OK(x_rw(check, acc, x.base + 10 * PG + 8, buf, sizeof(buf), WR));
	expect_bytes(check, "write into the write-only page", wo + 8, buf,
		     sizeof(buf));
	EXPECT_OK(x_pin(check, acc, x.base + 10 * PG, PG, WR, wo, &wo_pin));
	/* UNMAP of the write-only page drops its pin, not the other's */
	EXPECT_OK(ioas_unmap(check, x.ioas, x.base + 10 * PG, PG, &n));
	EXPECT_ERRNO(x_unpin(check, acc, wo_pin), -ENOENT);
	EXPECT_OK(x_unpin(check, acc, ro_pin));
}

SIOVH_CLAUSE(access_holes,
	.id = "IOMMUFD.ACCESS.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an access's pin or rw of a range not wholly mapped is -ENOENT: nothing mapped there, running off the last area into a hole, or starting in a hole before an area; rw of length 0 -EINVAL, past U64_MAX -EOVERFLOW, with an unknown flag -EOPNOTSUPP",
	.source = SRC_ACCESS "; " SRC_MAP,
	.needs = NEEDS_IOMMUFD)
{
	uint8_t buf[2 * PG];
	struct ax x;
	uint32_t id;
	int acc;

	ax_up(check, &x, false);
	(void)ax_map(check, x.ioas, FIXED, x.base + 8 * PG, 1, 0x40);
	acc = ax_access(check, x.ioas, PIN);
	EXPECT_ERRNO(x_rw(check, acc, x.base + 4 * PG, buf, 16, 0), -ENOENT);
	EXPECT_ERRNO(x_pin(check, acc, x.base + 5 * PG, PG, 0, NULL, &id),
		     -ENOENT);
	/* B's last page and the hole after it */
	EXPECT_ERRNO(x_rw(check, acc, x.base + 3 * PG + 100, buf, PG, 0),
		     -ENOENT);
	EXPECT_ERRNO(x_pin(check, acc, x.base + 3 * PG, 2 * PG, 0, NULL, &id),
		     -ENOENT);
	EXPECT_ERRNO(x_pin(check, acc, x.base, 5 * PG, 0, NULL, &id),
		     -ENOENT);
	EXPECT_ERRNO(x_rw(check, acc, x.base, buf, 0, 0), -EINVAL);
	EXPECT_ERRNO(x_rw(check, acc, UINT64_MAX - 7, buf, 16, 0), -EOVERFLOW);
	EXPECT_ERRNO(x_rw(check, acc, x.base, buf, 16, 1u << 3), -EOPNOTSUPP);
	/* the hole before the page at base + 8 pages */
	EXPECT_ERRNO(x_rw(check, acc, x.base + 7 * PG, buf, 2 * PG, 0),
		     -ENOENT);
	EXPECT_ERRNO(x_pin(check, acc, x.base + 7 * PG, 2 * PG, 0, NULL, &id),
		     -ENOENT);
}

SIOVH_CLAUSE(access_unmap,
	.id = "IOMMUFD.ACCESS.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "UNMAP of a range an access pins notifies the access, which unpins every pin meeting it (whole, also one that runs on into the next area), and completes; pins elsewhere stay",
	.source = SRC_UNMAP "; " SRC_PINNING "; " SRC_ACCESS,
	.needs = NEEDS_IOMMUFD)
{
	uint32_t in_a, across, in_b;
	uint64_t n = 0;
	uint8_t buf[16];
	struct ax x;
	int acc;

	ax_up(check, &x, true);
	acc = ax_access(check, x.ioas, PIN);
	ASSERT_OK(x_pin(check, acc, x.base, PG, 0, NULL, &in_a));
	ASSERT_OK(x_pin(check, acc, x.base + PG, 2 * PG, 0, NULL, &across));
	ASSERT_OK(x_pin(check, acc, x.base + 3 * PG, PG, WR, NULL, &in_b));
	ASSERT_OK(ioas_unmap(check, x.ioas, x.base, 2 * PG, &n));
	EXPECT_EQ(n, 2 * PG);
	EXPECT_ERRNO(x_unpin(check, acc, in_a), -ENOENT);
	EXPECT_ERRNO(x_unpin(check, acc, across), -ENOENT);
	EXPECT_ERRNO(x_rw(check, acc, x.base, buf, sizeof(buf), 0), -ENOENT);
	EXPECT_OK(x_rw(check, acc, x.base + 3 * PG, buf, sizeof(buf), 0));
	EXPECT_OK(x_unpin(check, acc, in_b));
	/* and with a pin left, UNMAP of everything */
	ASSERT_OK(x_pin(check, acc, x.base + 2 * PG, 2 * PG, 0, NULL, &in_b));
	EXPECT_EQ(unmap_all(check, x.ioas), 2 * PG);
	EXPECT_ERRNO(x_unpin(check, acc, in_b), -ENOENT);
}

SIOVH_CLAUSE(access_copy,
	.id = "IOMMUFD.ACCESS.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "COPY of a range an access pins works and carries no pin: UNMAP of the copy in another IOAS, at the same IOVAs, notifies that IOAS's access (its pin dropped) but no access of the source, whose pin stays",
	.source = SRC_H("IOMMU_IOAS_COPY") "; " SRC_ACCESS,
	.needs = NEEDS_IOMMUFD)
{
	uint64_t dst, n = 0;
	uint32_t other, p, p2;
	uint8_t buf[32];
	struct ax x;
	int acc, acc2;

	ax_up(check, &x, false);
	acc = ax_access(check, x.ioas, PIN);
	ASSERT_OK(x_pin(check, acc, x.base, 4 * PG, 0, NULL, &p));
	other = must_ioas(check);
	dst = x.base;
	ASSERT_OK(ioas_copy(check, other, x.ioas, FIXED, x.base, 4 * PG, &dst));
	/* the copy's own user is notified; the source's is not */
	acc2 = ax_access(check, other, PIN);
	ASSERT_OK(x_pin(check, acc2, x.base + PG, 2 * PG, 0, NULL, &p2));
	ASSERT_OK(ioas_unmap(check, other, x.base, 4 * PG, &n));
	EXPECT_EQ(n, 4 * PG);
	EXPECT_ERRNO(x_unpin(check, acc2, p2), -ENOENT);
	EXPECT_OK(x_rw(check, acc, x.base + PG, buf, sizeof(buf), 0));
	EXPECT_OK(x_unpin(check, acc, p));
}

SIOVH_CLAUSE(access_replace,
	.id = "IOMMUFD.ACCESS.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "replacing an access's IOAS: onto no IOAS -ENOENT (nothing changes), onto its own a no-op (pins kept), onto another its pins are dropped and its IOVAs are the new IOAS's; the old IOAS is let go",
	.source = SRC_ACCESS "; " SEED003 "\"IOMMU FD\" (IOAS)",
	.needs = NEEDS_IOMMUFD)
{
	uint8_t buf[64], *e;
	uint32_t other, p;
	struct ax x;
	int acc;

	ax_up(check, &x, false);
	other = must_ioas(check);
	e = ax_map(check, other, FIXED, x.base, 2, 0x99);
	acc = ax_access(check, x.ioas, PIN);
	ASSERT_OK(x_pin(check, acc, x.base, PG, 0, NULL, &p));
	EXPECT_ERRNO(x_replace(check, acc, other + 100), -ENOENT);
	EXPECT_OK(x_rw(check, acc, x.base + 3 * PG, buf, sizeof(buf), 0));
	EXPECT_OK(x_replace(check, acc, x.ioas));
	EXPECT_OK(x_unpin(check, acc, p));
	ASSERT_OK(x_pin(check, acc, x.base, PG, 0, NULL, &p));
	ASSERT_OK(x_replace(check, acc, other));
	EXPECT_ERRNO(x_unpin(check, acc, p), -ENOENT);
	EXPECT_OK(x_rw(check, acc, x.base + 5, buf, sizeof(buf), 0));
	expect_bytes(check, "read after the replace (the new IOAS's buffer)",
		     buf, e + 5, sizeof(buf));
	EXPECT_ERRNO(x_rw(check, acc, x.base + 3 * PG, buf, sizeof(buf), 0),
		     -ENOENT);
	/* from outside the user's process too, across the two pages */
	EXPECT_OK(x_rw(check, acc, x.base + PG - 10, buf, 20,
		       SIOVH_ACCESS_FOREIGN));
	expect_bytes(check, "read across E's pages from outside", buf,
		     e + PG - 10, 20);
	EXPECT_OK(x_pin(check, acc, x.base + PG, PG, 0, e + PG, &p));
	EXPECT_ERRNO(obj_destroy(check, other), -EBUSY);
	EXPECT_OK(obj_destroy(check, x.ioas));
}

SIOVH_CLAUSE(access_destroy,
	.id = "IOMMUFD.ACCESS.8", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an access holds its IOAS: IOMMU_DESTROY of it is -EBUSY (mappings intact) until the access is destroyed, then it succeeds, and every op on the destroyed access fails; the access takes an object ID, whose DESTROY is -EBUSY (its driver holds it); an access on no IOAS cannot be made (-ENOENT), nor one with an unknown flag (-EOPNOTSUPP)",
	.source = SRC_H("IOMMU_DESTROY") "; " SRC_ACCESS,
	.needs = NEEDS_IOMMUFD)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t p, probe, id;
	uint8_t buf[32];
	struct ax x;
	int acc, none;

	ax_up(check, &x, false);
	EXPECT_ERRNO(t->iommufd->test_access_create(t, x.ioas + 100, PIN,
						    &none), -ENOENT);
	EXPECT_ERRNO(t->iommufd->test_access_create(t, x.ioas, 1u << 5,
						    &none), -EOPNOTSUPP);
	acc = ax_access(check, x.ioas, PIN);
	ASSERT_OK(x_pin(check, acc, x.base, 2 * PG, 0, NULL, &p));
	/* the access took an object ID (the lowest free, as every object
	 * does): its driver holds it, DESTROY of it is -EBUSY */
	probe = must_ioas(check);
	EXPECT_GT(probe, x.ioas + 1);
	for (id = x.ioas + 1; id < probe; id++)
		EXPECT_ERRNO(obj_destroy(check, id), -EBUSY);
	EXPECT_OK(obj_destroy(check, probe));
	EXPECT_ERRNO(obj_destroy(check, x.ioas), -EBUSY);
	EXPECT_OK(x_rw(check, acc, x.base + 2 * PG + 1, buf, sizeof(buf), 0));
	expect_bytes(check, "read after the refused DESTROY", buf, x.b + 1,
		     sizeof(buf));
	EXPECT_OK(x_destroy(check, acc));
	/* a destroyed access is no access for any op */
	EXPECT_TRUE(x_pin(check, acc, x.base, PG, 0, NULL, &p) < 0);
	EXPECT_TRUE(x_rw(check, acc, x.base, buf, 8, 0) < 0);
	EXPECT_TRUE(x_unpin(check, acc, p) < 0);
	EXPECT_TRUE(x_replace(check, acc, x.ioas) < 0);
	EXPECT_TRUE(x_destroy(check, acc) < 0);
	EXPECT_OK(obj_destroy(check, x.ioas));
	EXPECT_ERRNO(obj_destroy(check, x.ioas), -ENOENT);
}

SIOVH_CLAUSE(access_stuck,
	.id = "IOMMUFD.ACCESS.9", .level = SIOVH_SHOULD, .facet = "iommufd",
	.title = "an access that ignores the unmap notification fails UNMAP with -EDEADLOCK (as Linux after its retries): the areas below the pinned one are gone, the pinned area stays mapped but barred (pin and rw -EINVAL) until it is unpinned, then UNMAP completes",
	.source = SRC_UNMAP "; " SRC_ACCESS,
	.needs = NEEDS_IOMMUFD)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t p, id;
	uint8_t buf[16];
	uint64_t n = 0;
	struct ax x;
	int acc, ret;

	ax_up(check, &x, false);
	ret = t->iommufd->test_access_create(
		t, x.ioas, PIN | SIOVH_ACCESS_KEEP_PINS, &acc);
	if (ret)
		SKIP("the target cannot make an access that ignores unmap notifications (a driver bug; Linux's test access always unpins): %s",
		     strerror(-ret));
	ASSERT_OK(x_pin(check, acc, x.base + 2 * PG, PG, 0, NULL, &p));
	/* from the lowest IOVA up: A goes, B stops it */
	EXPECT_ERRNO(ioas_unmap(check, x.ioas, 0, UINT64_MAX, &n),
		     -EDEADLOCK);
	EXPECT_ERRNO(x_rw(check, acc, x.base, buf, sizeof(buf), 0), -ENOENT);
	EXPECT_ERRNO(ioas_unmap(check, x.ioas, x.base + 2 * PG, 2 * PG, &n),
		     -EDEADLOCK);
	EXPECT_ERRNO(x_rw(check, acc, x.base + 3 * PG, buf, sizeof(buf), 0),
		     -EINVAL);
	EXPECT_ERRNO(x_pin(check, acc, x.base + 2 * PG, PG, 0, NULL, &id),
		     -EINVAL);
	EXPECT_OK(x_unpin(check, acc, p));
	EXPECT_OK(ioas_unmap(check, x.ioas, 0, UINT64_MAX, &n));
	EXPECT_EQ(n, 2 * PG);
}
