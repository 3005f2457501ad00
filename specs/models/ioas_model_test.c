// SPDX-License-Identifier: MIT
/*
 * Unit tests of the IOAS model (the oracle must itself be right) and of
 * the IOAS sequence decoder. Each test states a rule of the contract in
 * ioas_model.h with hand-computed numbers. TAP output; exit 1 on failure.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/ref/tap.h"
#include "ioas_model.h"
#include "ioas_seq.h"

#define P IOAS_MODEL_PAGE
#define RW IOAS_MODEL_PROT
#define RO IOMMU_IOAS_MAP_READABLE
#define FIX IOMMU_IOAS_MAP_FIXED_IOVA
#define BASE 0x40000000ull
#define VA 0x7f0000000000ull		/* user addresses: never touched */

static uint64_t align_out;

static int map(struct ioas_model *m, uint64_t iova, uint64_t len,
	       uint64_t va, uint32_t prot)
{
	return ioas_model_map(m, FIX | prot, iova, len, va, &align_out);
}

static void test_map_fixed(void)
{
	struct ioas_model m;
	uint64_t user;
	uint32_t prot;

	ioas_model_init(&m);
	EXPECT_EQ(map(&m, BASE, 2 * P, VA, RW), 0);
	EXPECT_EQ(m.n, 1);
	EXPECT_EQ(map(&m, BASE + P, P, VA, RW), -EEXIST);
	EXPECT_EQ(map(&m, BASE - P, 2 * P, VA, RW), -EEXIST);
	EXPECT_EQ(map(&m, BASE + 2 * P, P, VA + 8 * P, RO), 0);
	EXPECT_TRUE(ioas_model_translate(&m, BASE + P + 5, &user, &prot));
	EXPECT_EQ(user, VA + P + 5);
	EXPECT_EQ(prot, RW);
	EXPECT_TRUE(ioas_model_translate(&m, BASE + 2 * P, &user, &prot));
	EXPECT_EQ(user, VA + 8 * P);
	EXPECT_EQ(prot, RO);
	EXPECT_TRUE(!ioas_model_translate(&m, BASE + 3 * P, &user, &prot));
	EXPECT_TRUE(!ioas_model_translate(&m, BASE - 1, &user, &prot));
	EXPECT_EQ(ioas_model_mapped(&m), 3 * P);
	EXPECT_TRUE(!m.any_err);
	ioas_model_release(&m);
}

static void test_map_errors(void)
{
	struct ioas_model m;

	ioas_model_init(&m);
	EXPECT_EQ(map(&m, BASE + 1, P, VA, RW), -EINVAL);
	EXPECT_EQ(map(&m, BASE, P + 1, VA, RW), -EINVAL);
	EXPECT_EQ(map(&m, BASE, P, VA + 8, RW), -EINVAL);
	EXPECT_EQ(map(&m, BASE, 0, VA, RW), -EINVAL);
	EXPECT_TRUE(!m.any_err);
	/* Reserved: the interrupt window and beyond the aperture. */
	EXPECT_EQ(map(&m, IOAS_MODEL_MSI_START - P, 2 * P, VA, RW), -EINVAL);
	EXPECT_EQ(map(&m, IOAS_MODEL_MSI_LAST + 1, P, VA, RW), 0);
	EXPECT_EQ(map(&m, IOAS_MODEL_APERTURE - P, P, VA, RW), 0);
	EXPECT_EQ(map(&m, IOAS_MODEL_APERTURE - P, 2 * P, VA, RW), -EINVAL);
	EXPECT_EQ(ioas_model_map(&m, FIX | RW | (1u << 30), BASE, P, VA,
				 &align_out), -EOPNOTSUPP);
	EXPECT_TRUE(!m.any_err);
	/* Two rules broken: the contract leaves the errno open. */
	EXPECT_EQ(map(&m, IOAS_MODEL_APERTURE - P, P + 1, VA, RW), -EINVAL);
	EXPECT_TRUE(m.any_err);
	/* Overflow: a failure, whichever errno. */
	EXPECT_EQ(map(&m, UINT64_MAX - P + 1, 2 * P, VA, RW), -EOVERFLOW);
	EXPECT_TRUE(m.any_err);
	EXPECT_EQ(m.n, 2);	/* the two good ones only */
	ioas_model_release(&m);
}

static void test_auto_align(void)
{
	EXPECT_EQ(ioas_model_auto_align(P, 0), P);
	EXPECT_EQ(ioas_model_auto_align(3 * P, 0), 4 * P);
	EXPECT_EQ(ioas_model_auto_align(3 * P, VA + P), P);
	EXPECT_EQ(ioas_model_auto_align(3 * P, VA + 2 * P), 2 * P);
	EXPECT_EQ(ioas_model_auto_align(100, 0), P);
	EXPECT_EQ(ioas_model_auto_align(1ull << 21, 1ull << 30), 1ull << 21);
}

static void test_place(void)
{
	struct ioas_model m;
	const char *why = NULL;
	uint64_t align = 0, where = 0;

	ioas_model_init(&m);
	EXPECT_EQ(ioas_model_map(&m, RW, 0, 3 * P, VA, &align),
		  IOAS_MODEL_CHOOSE);
	EXPECT_EQ(align, 4 * P);
	EXPECT_EQ(m.n, 0);	/* nothing recorded until judged */
	/* page alignment is the contract, align only bounds -ENOSPC */
	EXPECT_EQ(ioas_model_place(&m, 2 * P + 8, 3 * P, align, VA, RW, &why),
		  -EINVAL);
	EXPECT_TRUE(why != NULL);
	EXPECT_EQ(ioas_model_place(&m, IOAS_MODEL_MSI_START, 3 * P, align,
				   VA, RW, &why), -EINVAL);
	EXPECT_EQ(ioas_model_place(&m, 0, 3 * P, align, VA, RW, &why), 0);
	EXPECT_EQ(ioas_model_place(&m, 0, 3 * P, align, VA, RW, &why),
		  -EINVAL);	/* overlaps the first */
	EXPECT_TRUE(ioas_model_has_room(&m, 3 * P, align, &where));
	EXPECT_EQ(where, 4 * P);
	/* Argument errors come before any choice. */
	EXPECT_EQ(ioas_model_map(&m, RW, 0, 0, VA, &align), -EINVAL);
	ioas_model_release(&m);
}

static void test_allowed(void)
{
	struct iommu_iova_range two[2] = {
		{ BASE + 8 * P, BASE + 9 * P - 1 },	/* one page */
		{ BASE, BASE + 4 * P - 1 },		/* four, given 2nd */
	};
	struct ioas_model m;
	const char *why;
	uint64_t where = 0;

	ioas_model_init(&m);
	EXPECT_EQ(ioas_model_allow(&m, two, 2), 0);
	EXPECT_EQ(m.nr_allowed, 2);
	EXPECT_EQ(m.allowed[0].start, BASE);	/* kept sorted */
	EXPECT_TRUE(ioas_model_has_room(&m, 4 * P, 4 * P, &where));
	EXPECT_EQ(where, BASE);
	EXPECT_TRUE(!ioas_model_has_room(&m, 5 * P, P, NULL));
	EXPECT_EQ(ioas_model_place(&m, 0, P, P, VA, RW, &why), -EINVAL);
	EXPECT_EQ(ioas_model_place(&m, BASE + 8 * P, P, P, VA, RW, &why), 0);
	EXPECT_TRUE(ioas_model_has_room(&m, P, P, &where));
	EXPECT_EQ(where, BASE);
	/* A FIXED_IOVA map is not governed by the list. */
	EXPECT_EQ(map(&m, 0, P, VA, RW), 0);
	/* Only the single-page window was full: no room for 8 pages. */
	EXPECT_TRUE(!ioas_model_has_room(&m, 8 * P, P, NULL));
	EXPECT_EQ(ioas_model_allow(&m, NULL, 0), 0);
	EXPECT_EQ(m.nr_allowed, 0);
	EXPECT_TRUE(ioas_model_has_room(&m, 8 * P, P, NULL));
	ioas_model_release(&m);
}

static void test_allowed_adjacent(void)
{
	struct iommu_iova_range v[2] = {
		{ BASE, BASE + 2 * P - 1 }, { BASE + 2 * P, BASE + 4 * P - 1 },
	};
	struct ioas_model m;
	const char *why;

	ioas_model_init(&m);
	EXPECT_EQ(ioas_model_allow(&m, v, 2), 0);
	/* Room counts ranges one by one; a placement across both is fine. */
	EXPECT_TRUE(!ioas_model_has_room(&m, 4 * P, P, NULL));
	EXPECT_EQ(ioas_model_place(&m, BASE, 4 * P, P, VA, RW, &why), 0);
	ioas_model_release(&m);
}

static void test_allow_errors(void)
{
	struct iommu_iova_range inv = { BASE + P, BASE };
	struct iommu_iova_range ovl[2] = {
		{ BASE, BASE + 2 * P - 1 }, { BASE + P, BASE + 3 * P - 1 },
	};
	struct iommu_iova_range res = { IOAS_MODEL_MSI_LAST - P,
					IOAS_MODEL_MSI_LAST + P };
	struct iommu_iova_range both[2] = {
		{ BASE + P, BASE }, { IOAS_MODEL_APERTURE, UINT64_MAX },
	};
	struct iommu_iova_range ok = { BASE, BASE + P - 1 };
	struct ioas_model m;

	ioas_model_init(&m);
	EXPECT_EQ(ioas_model_allow(&m, &ok, 1), 0);
	EXPECT_EQ(ioas_model_allow(&m, &inv, 1), -EINVAL);
	EXPECT_EQ(ioas_model_allow(&m, ovl, 2), -EINVAL);
	EXPECT_EQ(ioas_model_allow(&m, &res, 1), -EADDRINUSE);
	EXPECT_TRUE(!m.any_err);
	EXPECT_EQ(ioas_model_allow(&m, both, 2), -EINVAL);
	EXPECT_TRUE(m.any_err);
	EXPECT_EQ(m.nr_allowed, 1);	/* failures change nothing */
	EXPECT_EQ(m.allowed[0].start, BASE);
	ioas_model_release(&m);
}

static void test_unmap(void)
{
	struct ioas_model m;
	uint64_t bytes = 0;

	ioas_model_init(&m);
	ASSERT_EQ(map(&m, BASE, 2 * P, VA, RW), 0);
	ASSERT_EQ(map(&m, BASE + 4 * P, P, VA, RW), 0);
	ASSERT_EQ(map(&m, BASE + 5 * P, 3 * P, VA, RW), 0);
	/* Splitting or truncating an area: -ENOENT, nothing removed. */
	EXPECT_EQ(ioas_model_unmap(&m, BASE + P, P, &bytes), -ENOENT);
	EXPECT_EQ(ioas_model_unmap(&m, BASE, 6 * P, &bytes), -ENOENT);
	EXPECT_EQ(ioas_model_unmap(&m, BASE + 4 * P, 2 * P, &bytes), -ENOENT);
	EXPECT_EQ(m.n, 3);
	/* No area at all. */
	EXPECT_EQ(ioas_model_unmap(&m, BASE + 2 * P, 2 * P, &bytes), -ENOENT);
	EXPECT_EQ(ioas_model_unmap(&m, BASE, 0, &bytes), -EINVAL);
	/* Whole areas across a hole; the hole does not count. */
	EXPECT_EQ(ioas_model_unmap(&m, BASE - P, 6 * P, &bytes), 0);
	EXPECT_EQ(bytes, 3 * P);
	EXPECT_EQ(m.n, 1);
	ASSERT_EQ(map(&m, 0, P, VA, RO), 0);
	EXPECT_EQ(ioas_model_unmap(&m, 0, UINT64_MAX, &bytes), 0);
	EXPECT_EQ(bytes, 4 * P);
	EXPECT_EQ(m.n, 0);
	/* Everything of nothing: success, 0 bytes; a range: -ENOENT. */
	EXPECT_EQ(ioas_model_unmap(&m, 0, UINT64_MAX, &bytes), 0);
	EXPECT_EQ(bytes, 0);
	EXPECT_EQ(ioas_model_unmap(&m, 0, UINT64_MAX - 1, &bytes), -ENOENT);
	EXPECT_EQ(ioas_model_unmap(&m, 5, UINT64_MAX, &bytes), -EOVERFLOW);
	EXPECT_TRUE(m.any_err);
	ioas_model_release(&m);
}

static void test_copy(void)
{
	struct ioas_model a, b;
	uint64_t user, bytes, align = 0;
	uint32_t prot;

	ioas_model_init(&a);
	ioas_model_init(&b);
	ASSERT_EQ(map(&a, BASE, 2 * P, VA, RW), 0);
	ASSERT_EQ(map(&a, BASE + 2 * P, 2 * P, VA + 10 * P, RO), 0);
	/* Across two adjacent areas, part of each: two pieces. */
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RO, BASE + P, 2 * P, 0,
				  &align), 0);
	EXPECT_EQ(b.n, 2);
	EXPECT_TRUE(ioas_model_translate(&b, 0, &user, &prot));
	EXPECT_EQ(user, VA + P);
	EXPECT_EQ(prot, RO);	/* COPY's flags, not the source's */
	EXPECT_TRUE(ioas_model_translate(&b, P, &user, &prot));
	EXPECT_EQ(user, VA + 10 * P);
	/* Pieces are areas of their own: unmap one, keep the other. */
	EXPECT_EQ(ioas_model_unmap(&b, 0, P, &bytes), 0);
	EXPECT_EQ(b.n, 1);
	/* Unmapping the source leaves the copy. */
	EXPECT_EQ(ioas_model_unmap(&a, BASE + 2 * P, 2 * P, &bytes), 0);
	EXPECT_TRUE(ioas_model_translate(&b, P, &user, &prot));
	/* A hole in the source: -ENOENT. */
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE, 3 * P, BASE,
				  &align), -ENOENT);
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE - P, P, BASE,
				  &align), -ENOENT);
	/* Destination rules as for MAP. */
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE, P, P, &align),
		  -EEXIST);
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE, P, 1, &align),
		  -EINVAL);
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE, P + 8, BASE,
				  &align), -EINVAL);
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE + 8, P, BASE,
				  &align), -EINVAL);
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE, P,
				  IOAS_MODEL_MSI_START, &align), -EINVAL);
	EXPECT_EQ(b.n, 1);
	ioas_model_release(&a);
	ioas_model_release(&b);
}

/* Pages keep the access of the MAP that pinned them: no writable copy of
 * read-only pages, directly or through a read-only copy; a writable copy
 * of a read-only copy of writable pages is fine. */
static void test_copy_adds_write(void)
{
	struct ioas_model a, b;
	uint64_t align = 0;

	ioas_model_init(&a);
	ioas_model_init(&b);
	ASSERT_EQ(map(&a, BASE, P, VA, RO), 0);
	ASSERT_EQ(map(&a, BASE + P, P, VA + P, RW), 0);
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE, P, BASE, &align),
		  -EPERM);
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RW, BASE, 2 * P, BASE,
				  &align), -EPERM);
	EXPECT_EQ(b.n, 0);
	EXPECT_EQ(ioas_model_copy(&b, &a, FIX | RO, BASE, 2 * P, BASE,
				  &align), 0);
	EXPECT_EQ(ioas_model_copy(&a, &b, FIX | RW, BASE, P, BASE + 8 * P,
				  &align), -EPERM);
	EXPECT_EQ(ioas_model_copy(&a, &b, FIX | RW, BASE + P, P,
				  BASE + 8 * P, &align), 0);
	ioas_model_release(&a);
	ioas_model_release(&b);
}

/* A target's geometry: its usable ranges and IOVA alignment. */
static void test_geometry(void)
{
	struct iommu_iova_range use[2] = {
		{ 0, 0xfedfffff }, { 0xfef00000, (1ull << 39) - 1 },
	};
	struct iommu_iova_range bad[2] = { { 8 * P, 9 * P }, { 0, P } };
	struct ioas_model m;
	uint64_t align = 0;

	ioas_model_init(&m);
	EXPECT_TRUE(ioas_model_reserved(&m, 1ull << 48, 1ull << 48));
	EXPECT_TRUE(!ioas_model_reserved(&m, 1ull << 40, 1ull << 40));
	EXPECT_EQ(ioas_model_set_usable(&m, use, 2), 0);
	EXPECT_EQ(m.nr_reserved, 2);
	EXPECT_TRUE(ioas_model_reserved(&m, 1ull << 40, 1ull << 40));
	EXPECT_TRUE(ioas_model_reserved(&m, 0xfee00000, 0xfee00000));
	EXPECT_TRUE(!ioas_model_reserved(&m, 0, P - 1));
	EXPECT_EQ(ioas_model_set_usable(&m, bad, 2), -EINVAL);
	EXPECT_EQ(m.nr_reserved, 2);	/* unchanged */
	/* a sub-page alignment: MAP at half a page is fine */
	m.align = P / 2;
	EXPECT_EQ(ioas_model_map(&m, FIX | RW, BASE + P / 2, P / 2, VA + P / 2,
				 &align), 0);
	EXPECT_EQ(ioas_model_map(&m, FIX | RW, BASE + P / 4, P / 2, VA,
				 &align), -EINVAL);
	ioas_model_release(&m);
	EXPECT_EQ(m.align, P / 2);	/* the IOAS's, kept */
	EXPECT_EQ(m.nr_reserved, 2);
	EXPECT_EQ(ioas_model_set_usable(&m, NULL, 0), 0);
	EXPECT_TRUE(ioas_model_reserved(&m, 0, 0));
	ioas_model_release(&m);
}

/* Linux's UNMAP: the whole areas below the one it would split go. */
static void test_partial_unmap(void)
{
	struct ioas_model m;
	uint64_t bytes = 0;

	ioas_model_init(&m);
	ASSERT_EQ(map(&m, BASE, P, VA, RW), 0);
	ASSERT_EQ(map(&m, BASE + P, 4 * P, VA, RW), 0);
	ASSERT_EQ(map(&m, BASE + 8 * P, P, VA, RW), 0);
	EXPECT_EQ(ioas_model_unmap(&m, BASE, 3 * P, &bytes), -ENOENT);
	EXPECT_EQ(m.n, 3);		/* the reference's: nothing changed */
	m.partial_unmap = true;
	EXPECT_EQ(ioas_model_unmap(&m, BASE, 3 * P, &bytes), -ENOENT);
	EXPECT_EQ(m.n, 2);		/* [BASE, +P) went, the split one stays */
	EXPECT_EQ(ioas_model_unmap(&m, BASE + 2 * P, 8 * P, &bytes), -ENOENT);
	EXPECT_EQ(m.n, 2);		/* the first one it meets is split */
	ioas_model_release(&m);
	EXPECT_TRUE(m.partial_unmap);
}

static void test_copy_same_and_auto(void)
{
	struct ioas_model a;
	const char *why;
	uint64_t user, align = 0;
	uint32_t prot;

	ioas_model_init(&a);
	ASSERT_EQ(map(&a, BASE, 4 * P, VA + P, RW), 0);
	/* Within one IOAS, onto free IOVAs. */
	EXPECT_EQ(ioas_model_copy(&a, &a, FIX | RW, BASE, 4 * P, 0, &align),
		  0);
	EXPECT_EQ(a.n, 2);
	/* Chosen: aligned for the first piece's user address (VA + 2P). */
	EXPECT_EQ(ioas_model_copy(&a, &a, RW, BASE + P, 2 * P, 0, &align),
		  IOAS_MODEL_CHOOSE);
	EXPECT_EQ(align, 2 * P);
	EXPECT_EQ(ioas_model_copy_place(&a, &a, BASE + P, 2 * P, 2 * P,
					align, RW, &why), -EINVAL);
	EXPECT_EQ(ioas_model_copy_place(&a, &a, BASE + P, 2 * P, 4 * P,
					align, RW, &why), 0);
	EXPECT_TRUE(ioas_model_translate(&a, 5 * P, &user, &prot));
	EXPECT_EQ(user, VA + 3 * P);
	ioas_model_release(&a);
}

static void test_decode(void)
{
	uint8_t b[IOAS_SEQ_OP_BYTES] = { 0 };
	unsigned int seen[2][IOAS_SEQ_NR] = { { 0 } };
	struct ioas_seq_op op;
	unsigned int mix, v, k;

	for (mix = 0; mix < 2; mix++) {
		for (v = 0; v < 256; v++) {
			b[0] = (uint8_t)v;
			ioas_seq_op_decode(b, (enum ioas_seq_mix)mix, &op);
			if (op.kind >= IOAS_SEQ_NR || op.ioas > 1 ||
			    op.src > 1) {
				FAIL("byte %#x decodes to kind %d, IOAS %u/%u",
				     v, op.kind, op.ioas, op.src);
				return;
			}
			seen[mix][op.kind]++;
		}
		for (k = 0; k < IOAS_SEQ_NR; k++)
			EXPECT_TRUE(seen[mix][k] > 0);
	}
	/* The read-only mix favours copies. */
	EXPECT_TRUE(seen[1][IOAS_SEQ_COPY_FIXED] >
		    seen[0][IOAS_SEQ_COPY_FIXED]);
	b[0] = 0x60;		/* bits 5-6: A1; bit 7 clear: same source */
	b[1] = 1, b[2] = 2, b[3] = 3, b[4] = 4, b[5] = 5, b[6] = 6, b[7] = 7;
	ioas_seq_op_decode(b, IOAS_SEQ_MIX_DEFAULT, &op);
	EXPECT_EQ(op.ioas, 1);
	EXPECT_EQ(op.src, 1);
	EXPECT_EQ(op.where + op.len + op.va + op.prot, 1 + 2 + 3 + 4);
	EXPECT_EQ(op.probe + op.shape + op.dst, 5 + 6 + 7);
}

int main(void)
{
	static const struct tap_test tests[] = {
		{ "MAP FIXED_IOVA records an area", test_map_fixed },
		{ "MAP errors: alignment, reserved, flags", test_map_errors },
		{ "alignment of a chosen IOVA", test_auto_align },
		{ "a chosen IOVA is judged, not chosen", test_place },
		{ "ALLOW_IOVAS governs chosen IOVAs and room", test_allowed },
		{ "adjacent allowed ranges", test_allowed_adjacent },
		{ "ALLOW_IOVAS errors change nothing", test_allow_errors },
		{ "UNMAP whole areas only; everything", test_unmap },
		{ "COPY pieces across IOASes", test_copy },
		{ "a target's usable ranges and IOVA alignment", test_geometry },
		{ "Linux's UNMAP is not atomic (partial_unmap)", test_partial_unmap },
		{ "COPY keeps the pages' access (-EPERM)", test_copy_adds_write },
		{ "COPY within an IOAS, chosen", test_copy_same_and_auto },
		{ "decoding: every byte is an operation", test_decode },
	};

	return tap_run(tests, sizeof(tests) / sizeof(tests[0]));
}
