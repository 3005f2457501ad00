// SPDX-License-Identifier: MIT
/*
 * Unit tests of the reference /dev/iommu's accesses (access.c; iommufd.h,
 * "Accesses"): rw and pin over an IOAS-only context whose areas map
 * memory of this process, the unmap notification, COPY, replace and
 * destroy. Like iommufd_test.c, tap_run_matrix runs the scenarios on the
 * faithful module and against the faults it proves (rig_access_fault).
 * TAP; exit 1 on any failure.
 */
#include "harness/ref/alloc/alloc.h"
#include "harness/ref/tap.h"
#include "iommufd_test_rig.h"

#define BASE	0x100000ull		/* A: 2 pages, B: 2 pages after */
#define PIN	IOMMUFD_ACCESS_PIN_PAGES
#define WR	IOMMUFD_ACCESS_RW_WRITE
#define RO	(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE)

/* A context with IOAS *ioas mapping a (A) and b (B), adjacent. */
struct ar {
	struct iommufd_ctx *ctx;
	uint32_t ioas;
	uint8_t *a, *b;
};

static void ar_fini(struct ar *r)
{
	iommufd_ctx_destroy(r->ctx);
	if (r->a)
		munmap(r->a, 4 * PG);
}

static int ar_ioas(struct ar *r, uint32_t *id)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int ret = iommufd_ioctl(r->ctx, IOMMU_IOAS_ALLOC, &a);

	*id = a.out_ioas_id;
	return ret;
}

static int ar_map(struct ar *r, uint32_t ioas, uint32_t flags, void *va,
		  uint64_t iova, uint64_t len)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = ioas,
		.user_va = (uintptr_t)va, .length = len, .iova = iova,
	};

	return iommufd_ioctl(r->ctx, IOMMU_IOAS_MAP, &m);
}

static int ar_unmap(struct ar *r, uint32_t ioas, uint64_t iova, uint64_t len,
		    uint64_t *n)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova,
		.length = len,
	};
	int ret = iommufd_ioctl(r->ctx, IOMMU_IOAS_UNMAP, &u);

	*n = u.length;
	return ret;
}

static int ar_destroy(struct ar *r, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return iommufd_ioctl(r->ctx, IOMMU_DESTROY, &d);
}

static bool ar_init(struct ar *r, int fault)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->ctx = iommufd_ctx_create(NULL, fault);
	if (!r->ctx)
		return false;
	r->a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->a == MAP_FAILED) {
		r->a = NULL;
		return false;
	}
	/* b is a's upper half, but mapped as an area of its own */
	r->b = r->a + 2 * PG;
	for (i = 0; i < 4 * PG; i++)
		r->a[i] = (uint8_t)(i * 7 + (i >> 8));
	return !ar_ioas(r, &r->ioas) &&
	       !ar_map(r, r->ioas, FIXED, r->a, BASE, 2 * PG) &&
	       !ar_map(r, r->ioas, FIXED, r->b, BASE + 2 * PG, 2 * PG);
}

/* ---- scenarios: false at the first thing not as iommufd.h says ---- */

static bool s_rw(int fault)
{
	static uint8_t buf[2 * PG];	/* a failed rw copies what it had */
	uint32_t acc, ro_ioas, p;
	uint8_t w[64];
	struct ar r;
	bool ok = false;

	CHECK(ar_init(&r, fault));
	CHECK(!iommufd_access_create(r.ctx, r.ioas, 0, &acc));
	memset(buf, 0, sizeof(buf));
	CHECK(!iommufd_access_rw(r.ctx, acc, BASE + 2 * PG - 100, buf, 300,
				 0));
	CHECK(!memcmp(buf, r.a + 2 * PG - 100, 300));
	memset(w, 0xc3, sizeof(w));
	CHECK(!iommufd_access_rw(r.ctx, acc, BASE + PG + 9, w, sizeof(w), WR));
	CHECK(!memcmp(r.a + PG + 9, w, sizeof(w)));
	CHECK(iommufd_access_rw(r.ctx, acc, BASE + 3 * PG, buf, 2 * PG, 0) ==
	      -ENOENT);
	CHECK(iommufd_access_rw(r.ctx, acc, BASE, buf, 0, 0) == -EINVAL);
	CHECK(iommufd_access_rw(r.ctx, acc, UINT64_MAX, buf, 2, 0) ==
	      -EOVERFLOW);
	CHECK(iommufd_access_rw(r.ctx, acc, BASE, buf, 1, 4) == -EOPNOTSUPP);
	CHECK(iommufd_access_rw(r.ctx, acc + 1, BASE, buf, 1, 0) == -ENOENT);
	CHECK(iommufd_access_create(r.ctx, r.ioas, 4, &acc) == -EOPNOTSUPP);
	/* a read-only area refuses a write */
	CHECK(!ar_ioas(&r, &ro_ioas) &&
	      !ar_map(&r, ro_ioas, RO, r.a, BASE, PG) &&
	      !iommufd_access_create(r.ctx, ro_ioas, PIN, &acc));
	CHECK(iommufd_access_rw(r.ctx, acc, BASE, w, 8, WR) == -EPERM);
	CHECK(iommufd_access_pin(r.ctx, acc, BASE, PG, WR, NULL, &p) ==
	      -EPERM);
	ok = true;
out:
	ar_fini(&r);
	return ok;
}

static bool s_pin(int fault)
{
	uint32_t acc, plain, p, q;
	struct ar r;
	bool ok = false;

	CHECK(ar_init(&r, fault));
	CHECK(!iommufd_access_create(r.ctx, r.ioas, PIN, &acc));
	CHECK(!iommufd_access_create(r.ctx, r.ioas, 0, &plain));
	ref_fail_nth_arm(1);		/* the first pin's bookkeeping */
	q = (uint32_t)iommufd_access_pin(r.ctx, acc, BASE, PG, 0, NULL, &p);
	ref_fail_nth_arm(0);
	CHECK(q == (uint32_t)-ENOMEM);
	CHECK(!iommufd_access_pin(r.ctx, acc, BASE + PG, 100, 0, r.a + PG,
				  &p));
	CHECK(!iommufd_access_pin(r.ctx, acc, BASE + PG, 2 * PG, 0, NULL, &q) &&
	      p != q);
	CHECK(iommufd_access_pin(r.ctx, acc, BASE + PG, PG, 0, r.a, &q) ==
	      -EBADE);
	CHECK(iommufd_access_pin(r.ctx, acc, BASE + 8, PG, 0, NULL, &q) ==
	      -EINVAL);
	CHECK(iommufd_access_pin(r.ctx, acc, BASE + 3 * PG, 2 * PG, 0, NULL,
				 &q) == -ENOENT);
	CHECK(iommufd_access_pin(r.ctx, plain, BASE, PG, 0, NULL, &q) ==
	      -EOPNOTSUPP);
	CHECK(!iommufd_access_unpin(r.ctx, acc, p));
	CHECK(iommufd_access_unpin(r.ctx, acc, p) == -ENOENT);
	CHECK(iommufd_access_unpin(r.ctx, 99, p) == -ENOENT);
	ok = true;
out:
	ar_fini(&r);
	return ok;
}

static bool s_unmap(int fault)
{
	uint32_t acc, other, p, q;
	uint64_t n, dst = BASE;
	struct ar r;
	bool ok = false;

	CHECK(ar_init(&r, fault));
	CHECK(!iommufd_access_create(r.ctx, r.ioas, PIN, &acc));
	/* a COPY elsewhere at the same IOVAs is not pinned */
	CHECK(!iommufd_access_pin(r.ctx, acc, BASE, PG, 0, NULL, &p));
	CHECK(!ar_ioas(&r, &other));
	{
		struct iommu_ioas_copy c = {
			.size = sizeof(c), .flags = FIXED,
			.dst_ioas_id = other, .src_ioas_id = r.ioas,
			.length = 2 * PG, .dst_iova = dst, .src_iova = BASE,
		};

		CHECK(!iommufd_ioctl(r.ctx, IOMMU_IOAS_COPY, &c));
	}
	CHECK(!ar_unmap(&r, other, BASE, 2 * PG, &n) && n == 2 * PG);
	CHECK(!iommufd_access_unpin(r.ctx, acc, p));
	CHECK(!iommufd_access_pin(r.ctx, acc, BASE, PG, 0, NULL, &p));
	CHECK(!iommufd_access_pin(r.ctx, acc, BASE + PG, 2 * PG, 0, NULL, &q));
	/* UNMAP of A drops both pins that meet it */
	CHECK(!ar_unmap(&r, r.ioas, BASE, 2 * PG, &n) && n == 2 * PG);
	CHECK(iommufd_access_unpin(r.ctx, acc, p) == -ENOENT);
	CHECK(iommufd_access_unpin(r.ctx, acc, q) == -ENOENT);
	ok = true;
out:
	ar_fini(&r);
	return ok;
}

static bool s_stuck(int fault)
{
	uint8_t buf[8];
	uint32_t acc, p;
	uint64_t n;
	struct ar r;
	bool ok = false;

	CHECK(ar_init(&r, fault));
	CHECK(!iommufd_access_create(r.ctx, r.ioas,
				     PIN | IOMMUFD_ACCESS_KEEP_PINS, &acc));
	CHECK(!iommufd_access_pin(r.ctx, acc, BASE + 2 * PG, PG, 0, NULL, &p));
	CHECK(ar_unmap(&r, r.ioas, 0, UINT64_MAX, &n) == -EDEADLOCK);
	/* A, below the pinned B, went */
	CHECK(iommufd_access_rw(r.ctx, acc, BASE, buf, 8, 0) == -ENOENT);
	CHECK(iommufd_access_rw(r.ctx, acc, BASE + 2 * PG, buf, 8, 0) ==
	      -EINVAL);
	CHECK(!iommufd_access_unpin(r.ctx, acc, p));
	CHECK(!ar_unmap(&r, r.ioas, 0, UINT64_MAX, &n) && n == 2 * PG);
	ok = true;
out:
	ar_fini(&r);
	return ok;
}

static bool s_replace_destroy(int fault)
{
	uint32_t acc, other, p;
	uint8_t buf[8];
	struct ar r;
	bool ok = false;

	CHECK(ar_init(&r, fault));
	CHECK(!ar_ioas(&r, &other) &&
	      !ar_map(&r, other, FIXED, r.b, BASE, PG));
	CHECK(!iommufd_access_create(r.ctx, r.ioas, PIN, &acc));
	CHECK(iommufd_access_create(r.ctx, 77, PIN, &p) == -ENOENT);
	CHECK(!iommufd_access_pin(r.ctx, acc, BASE, PG, 0, NULL, &p));
	CHECK(ar_destroy(&r, r.ioas) == -EBUSY);
	CHECK(ar_destroy(&r, acc) == -EBUSY);
	CHECK(iommufd_access_replace(r.ctx, acc, 77) == -ENOENT);
	CHECK(iommufd_access_replace(r.ctx, 77, other) == -ENOENT);
	CHECK(!iommufd_access_replace(r.ctx, acc, r.ioas));
	CHECK(!iommufd_access_replace(r.ctx, acc, other));
	CHECK(iommufd_access_unpin(r.ctx, acc, p) == -ENOENT);
	CHECK(!iommufd_access_rw(r.ctx, acc, BASE, buf, 8, 0) &&
	      !memcmp(buf, r.b, 8));
	CHECK(!ar_destroy(&r, r.ioas));
	CHECK(ar_destroy(&r, other) == -EBUSY);
	CHECK(!iommufd_access_destroy(r.ctx, acc));
	CHECK(iommufd_access_destroy(r.ctx, acc) == -ENOENT);
	CHECK(!ar_destroy(&r, other));
	ok = true;
out:
	ar_fini(&r);
	return ok;
}

/* VFIO TYPE1's unmap inside a mapping: no cut where an access pins. */
static bool s_type1_cut(int fault)
{
	struct iommu_vfio_ioas v = {
		.size = sizeof(v), .op = IOMMU_VFIO_IOAS_SET,
	};
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = BASE + PG, .size = PG,
	};
	uint32_t acc, p;
	struct ar r;
	bool ok = false;

	CHECK(ar_init(&r, fault));
	v.ioas_id = r.ioas;
	CHECK(!iommufd_ioctl(r.ctx, IOMMU_VFIO_IOAS, &v));
	CHECK(!iommufd_ioctl(r.ctx, VFIO_SET_IOMMU,
			     (void *)(uintptr_t)VFIO_TYPE1_IOMMU));
	CHECK(!iommufd_access_create(r.ctx, r.ioas, PIN, &acc));
	CHECK(!iommufd_access_pin(r.ctx, acc, BASE, PG, 0, NULL, &p));
	CHECK(iommufd_ioctl(r.ctx, VFIO_IOMMU_UNMAP_DMA, &u) == -EINVAL);
	CHECK(!iommufd_access_unpin(r.ctx, acc, p));
	CHECK(!iommufd_ioctl(r.ctx, VFIO_IOMMU_UNMAP_DMA, &u) &&
	      u.size == PG);
	ok = true;
out:
	ar_fini(&r);
	return ok;
}

static const struct tap_scenario scenarios[] = {
	{ "rw: bytes, errors, permissions", s_rw },
	{ "pin: pages, alignment, holes", s_pin },
	{ "UNMAP notifies; COPY carries no pin", s_unmap },
	{ "a pin the driver keeps: -EDEADLOCK, barred", s_stuck },
	{ "replace and destroy", s_replace_destroy },
	{ "TYPE1 unmap: no cut in a pinned mapping", s_type1_cut },
};

/* The context's close takes accesses with pins (leak-checked by ASan). */
static void test_close_with_pins(void)
{
	uint32_t acc, p;
	struct ar r;

	ASSERT_TRUE(ar_init(&r, IOMMUFD_FAULT_NONE));
	EXPECT_EQ(iommufd_access_create(r.ctx, r.ioas, PIN, &acc), 0);
	EXPECT_EQ(iommufd_access_pin(r.ctx, acc, BASE, PG, 0, NULL, &p), 0);
	ar_fini(&r);
}

int main(void)
{
	static const struct tap_test fixed[] = {
		{ "close with pinned accesses", test_close_with_pins },
	};
	return rig_run_matrix(fixed, sizeof(fixed) / sizeof(fixed[0]),
			      scenarios,
			      sizeof(scenarios) / sizeof(scenarios[0]),
			      rig_access_fault,
			      "every access fault is observable");
}
