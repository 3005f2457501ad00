/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the reference IOMMU: configuration, page-table map/unmap
 * edges, DMA and its fault records, the PASID cache and IOTLB (stale
 * without invalidation, correct with it), every invalidation granularity,
 * dirty tracking, and the injected faults: each must make at least one of
 * the scenarios below fail. Prints TAP.
 *
 * The scenarios return false at the first thing that is not as viommu.h
 * says, leaving the line in `tap_why`; that lets the same code check the
 * faithful unit and every faulty one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/tap.h"
#include "viommu.h"

#define PAGE		4096u
#define NPAGES		16
#define RID_A		0x0100		/* 01:00.0 */
#define RID_B		0x0208		/* 02:01.0 */

/* A unit, two domains and NPAGES pages of host memory per domain. */
struct rig {
	struct viommu *v;
	uint32_t da, db;
	uint8_t *mem_a, *mem_b;
};

static bool rig_init(struct rig *r, int fault, uint32_t addr_width)
{
	struct viommu_config cfg;

	memset(r, 0, sizeof(*r));
	viommu_config_default(&cfg);
	cfg.addr_width = addr_width;
	r->v = viommu_create(&cfg, fault);
	r->mem_a = aligned_alloc(PAGE, NPAGES * PAGE);
	r->mem_b = aligned_alloc(PAGE, NPAGES * PAGE);
	if (!r->v || !r->mem_a || !r->mem_b)
		return false;
	memset(r->mem_a, 0xaa, NPAGES * PAGE);
	memset(r->mem_b, 0xbb, NPAGES * PAGE);
	return !viommu_domain_alloc(r->v, &r->da) &&
	       !viommu_domain_alloc(r->v, &r->db);
}

static void rig_fini(struct rig *r)
{
	viommu_destroy(r->v);
	free(r->mem_a);
	free(r->mem_b);
}

static const uint32_t RW = VIOMMU_PROT_READ | VIOMMU_PROT_WRITE;

/* ---- Scenarios: true when the unit behaves as viommu.h says ---- */

static bool s_map_edges(int fault)
{
	struct rig r;
	bool ok = false;
	int ret;

	if (!rig_init(&r, fault, 39))
		goto out;
	CHECK(viommu_map(r.v, r.da, 1, r.mem_a, PAGE, RW) == -EINVAL);
	CHECK(viommu_map(r.v, r.da, 0, r.mem_a + 1, PAGE, RW) == -EINVAL);
	CHECK(viommu_map(r.v, r.da, 0, r.mem_a, 100, RW) == -EINVAL);
	CHECK(viommu_map(r.v, r.da, 0, r.mem_a, 0, RW) == -EINVAL);
	CHECK(viommu_map(r.v, r.da, 0, r.mem_a, PAGE, 0) == -EINVAL);
	CHECK(viommu_map(r.v, r.da, 0, r.mem_a, PAGE, 4) == -EINVAL);
	CHECK(viommu_map(r.v, 999, 0, r.mem_a, PAGE, RW) == -ENOENT);
	CHECK(viommu_map(r.v, r.da, 1ull << 39, r.mem_a, PAGE, RW) ==
	      -ERANGE);
	CHECK(viommu_map(r.v, r.da, (1ull << 39) - PAGE, r.mem_a, 2 * PAGE,
			 RW) == -ERANGE);
	/* The last page of the space is fine. */
	CHECK(viommu_map(r.v, r.da, (1ull << 39) - PAGE, r.mem_a, PAGE,
			 RW) == 0);
	/* Nothing aliased onto IOVA 0 by the refused maps. */
	CHECK(viommu_lookup(r.v, r.da, 0, NULL, NULL, NULL) == -ENOENT);

	/* Overlap: -EEXIST, and the table as it was (all or nothing). */
	CHECK(viommu_map(r.v, r.da, 0x10000 + 2 * PAGE, r.mem_a, PAGE,
			 VIOMMU_PROT_READ) == 0);
	CHECK(viommu_map(r.v, r.da, 0x10000, r.mem_b, 4 * PAGE, RW) ==
	      -EEXIST);
	CHECK(viommu_lookup(r.v, r.da, 0x10000, NULL, NULL, NULL) == -ENOENT);
	{
		void *va;
		uint32_t prot;

		CHECK(viommu_lookup(r.v, r.da, 0x10000 + 2 * PAGE + 5, &va,
				    &prot, NULL) == 0);
		CHECK(va == r.mem_a + 5);
		CHECK(prot == VIOMMU_PROT_READ);
	}
	/* Out of table memory for the second 2 MiB half (the first half's
	 * table exists): all or nothing. */
	ref_fail_nth_arm(1);
	ret = viommu_map(r.v, r.da, (2ull << 20) - 2 * PAGE, r.mem_a,
			 4 * PAGE, RW);
	ref_fail_nth_arm(0);
	CHECK(ret == -ENOMEM);
	CHECK(viommu_lookup(r.v, r.da, (2ull << 20) - 2 * PAGE, NULL, NULL,
			    NULL) == -ENOENT);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_unmap(int fault)
{
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, 48))
		goto out;
	CHECK(viommu_map(r.v, r.da, 0x100000, r.mem_a, 2 * PAGE, RW) == 0);
	CHECK(viommu_map(r.v, r.da, 0x100000 + 5 * PAGE, r.mem_a, PAGE,
			 RW) == 0);
	CHECK(viommu_unmap(r.v, r.da, 0x100000 + 1, PAGE) == -EINVAL);
	CHECK(viommu_unmap(r.v, r.da, 0x100000, 0) == -EINVAL);
	CHECK(viommu_unmap(r.v, r.da, 1ull << 48, PAGE) == -ERANGE);
	/* Holes count nothing: 3 of 8 pages were mapped. */
	CHECK(viommu_unmap(r.v, r.da, 0x100000, 8 * PAGE) == 3 * PAGE);
	CHECK(viommu_unmap(r.v, r.da, 0x100000, 8 * PAGE) == 0);
	/* The whole space costs what is mapped, not 2^36 pages. */
	CHECK(viommu_map(r.v, r.da, 0x7f0000000000ull, r.mem_a, PAGE,
			 RW) == 0);
	CHECK(viommu_unmap(r.v, r.da, 0, 1ull << 48) == PAGE);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_dma_basic(int fault)
{
	struct rig r;
	uint8_t buf[3 * PAGE], back[3 * PAGE];
	bool ok = false;
	size_t i;

	if (!rig_init(&r, fault, 48))
		goto out;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	CHECK(viommu_map(r.v, r.da, 0x200000, r.mem_a, 4 * PAGE, RW) == 0);
	CHECK(viommu_attach(r.v, RID_A, 5, r.da) == 0);
	/* Unaligned, three pages' worth, across four pages. */
	CHECK(viommu_dma(r.v, RID_A, true, 5, 0x200000 + 100, buf,
			 sizeof(buf), true) == 0);
	CHECK(memcmp(r.mem_a + 100, buf, sizeof(buf)) == 0);
	CHECK(r.mem_a[99] == 0xaa && r.mem_a[100 + sizeof(buf)] == 0xaa);
	CHECK(viommu_dma(r.v, RID_A, true, 5, 0x200000 + 100, back,
			 sizeof(back), false) == 0);
	CHECK(memcmp(back, buf, sizeof(buf)) == 0);
	CHECK(viommu_fault_count(r.v) == 0);
	CHECK(viommu_dma(r.v, RID_A, true, 5, 0, buf, 0, false) == -EINVAL);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* One DMA that must fault with these fields. */
static bool expect_fault(struct viommu *v, uint16_t rid, bool pv,
			 uint32_t pasid, uint64_t iova, bool write,
			 uint32_t reason)
{
	struct viommu_fault_record f;
	uint8_t b[8] = { 0 };

	if (viommu_dma(v, rid, pv, pasid, iova, b, sizeof(b), write) !=
	    -EFAULT)
		return false;
	if (viommu_fault_pop(v, &f))
		return false;
	return f.rid == rid && f.pasid_valid == pv &&
	       f.pasid == (pv ? pasid : 0) && f.addr == iova &&
	       f.write == write && f.reason == reason;
}

static bool s_fault_records(int fault)
{
	struct rig r;
	struct viommu_fault_record f;
	struct viommu_stats st;
	uint8_t buf[2 * PAGE];
	bool ok = false;

	if (!rig_init(&r, fault, 39))
		goto out;
	CHECK(expect_fault(r.v, RID_A, true, 1, 0, false,
			   VIOMMU_FR_NO_CONTEXT));
	CHECK(viommu_map(r.v, r.da, 0x3000, r.mem_a, PAGE,
			 VIOMMU_PROT_READ) == 0);
	CHECK(viommu_map(r.v, r.da, 0x4000, r.mem_a + PAGE, PAGE,
			 VIOMMU_PROT_WRITE) == 0);
	CHECK(viommu_attach(r.v, RID_A, 1, r.da) == 0);
	CHECK(expect_fault(r.v, RID_A, true, 2, 0x3000, false,
			   VIOMMU_FR_NO_PASID_ENTRY));
	CHECK(expect_fault(r.v, RID_A, false, 0, 0x3000, false,
			   VIOMMU_FR_NO_PASID_ENTRY));
	CHECK(expect_fault(r.v, RID_A, true, 1u << 20, 0x3000, false,
			   VIOMMU_FR_PASID_RANGE));
	CHECK(expect_fault(r.v, RID_A, true, 1, 0x5000, true,
			   VIOMMU_FR_NOT_PRESENT));
	CHECK(expect_fault(r.v, RID_A, true, 1, 0x3008, true,
			   VIOMMU_FR_WRITE_DENIED));
	CHECK(expect_fault(r.v, RID_A, true, 1, 0x4010, false,
			   VIOMMU_FR_READ_DENIED));
	CHECK(expect_fault(r.v, RID_A, true, 1, 1ull << 39, false,
			   VIOMMU_FR_ADDR_RANGE));
	CHECK(viommu_fault_pop(r.v, &f) == -ENOENT);

	/* A DMA across into a read-only page: the first page is written,
	 * the faulting one untouched, the record names its first byte. */
	memset(buf, 0x11, sizeof(buf));
	CHECK(viommu_map(r.v, r.da, 0x6000, r.mem_b, PAGE, RW) == 0);
	CHECK(viommu_map(r.v, r.da, 0x7000, r.mem_b + PAGE, PAGE,
			 VIOMMU_PROT_READ) == 0);
	CHECK(viommu_dma(r.v, RID_A, true, 1, 0x6800, buf, PAGE, true) ==
	      -EFAULT);
	CHECK(r.mem_b[0x800] == 0x11 && r.mem_b[0xfff] == 0x11);
	CHECK(r.mem_b[0x7ff] == 0xbb);
	CHECK(r.mem_b[PAGE] == 0xbb);
	CHECK(viommu_fault_pop(r.v, &f) == 0);
	CHECK(f.addr == 0x7000 && f.reason == VIOMMU_FR_WRITE_DENIED);
	viommu_get_stats(r.v, &st);
	CHECK(st.faults == 9 && st.faults_dropped == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_fault_overflow(int fault)
{
	struct viommu_config cfg;
	struct viommu_fault_record f;
	struct viommu_stats st;
	struct viommu *v;
	uint8_t b = 0;
	bool ok = false;
	uint32_t i;

	viommu_config_default(&cfg);
	cfg.fault_depth = 4;
	v = viommu_create(&cfg, fault);
	if (!v)
		goto out;
	for (i = 0; i < 6; i++)
		CHECK(viommu_dma(v, RID_A, true, 1, i * PAGE, &b, 1, true) ==
		      -EFAULT);
	viommu_get_stats(v, &st);
	CHECK(st.faults == 4 && st.faults_dropped == 2);
	/* The oldest are kept; the newest were dropped. */
	for (i = 0; i < 4; i++) {
		CHECK(viommu_fault_pop(v, &f) == 0);
		CHECK(f.addr == i * PAGE);
	}
	CHECK(viommu_fault_pop(v, &f) == -ENOENT);
	ok = true;
out:
	viommu_destroy(v);
	return ok;
}

/* Read one byte through the IOMMU: the byte, or -1 on a fault. */
static int peek(struct viommu *v, uint16_t rid, bool pv, uint32_t pasid,
		uint64_t iova)
{
	struct viommu_fault_record f;
	uint8_t b;

	if (viommu_dma(v, rid, pv, pasid, iova, &b, 1, false)) {
		viommu_fault_pop(v, &f);
		return -1;
	}
	return b;
}

static bool s_iotlb_stale(int fault)
{
	struct rig r;
	struct viommu_stats st;
	struct viommu_inv inv = {
		.cache = VIOMMU_CACHE_IOTLB,
		.granularity = VIOMMU_INV_ADDR,
	};
	bool ok = false;

	if (!rig_init(&r, fault, 48))
		goto out;
	CHECK(viommu_map(r.v, r.da, 0x8000, r.mem_a, 4 * PAGE, RW) == 0);
	CHECK(viommu_attach(r.v, RID_A, 7, r.da) == 0);
	CHECK(peek(r.v, RID_A, true, 7, 0x8000) == 0xaa);
	CHECK(peek(r.v, RID_A, true, 7, 0x8000) == 0xaa);
	viommu_get_stats(r.v, &st);
	CHECK(st.iotlb_hits == 1 && st.iotlb_misses == 1);

	/* Table edit alone: the cached translation keeps working. */
	CHECK(viommu_pt_unmap(r.v, r.da, 0x8000, PAGE) == PAGE);
	CHECK(peek(r.v, RID_A, true, 7, 0x8000) == 0xaa);
	inv.domain = r.da;
	inv.addr = 0x8000;
	CHECK(viommu_invalidate(r.v, &inv) == 0);
	CHECK(peek(r.v, RID_A, true, 7, 0x8000) == -1);

	/* The driver-level unmap flushes by itself. */
	CHECK(peek(r.v, RID_A, true, 7, 0x9000) == 0xaa);
	CHECK(viommu_unmap(r.v, r.da, 0x9000, PAGE) == PAGE);
	CHECK(peek(r.v, RID_A, true, 7, 0x9000) == -1);
	/* A three-page unmap flushes all three (chunks 1 + 2). */
	CHECK(viommu_map(r.v, r.da, 0x9000, r.mem_a, PAGE, RW) == 0);
	CHECK(peek(r.v, RID_A, true, 7, 0x9000) == 0xaa);
	CHECK(peek(r.v, RID_A, true, 7, 0xa000) == 0xaa);
	CHECK(peek(r.v, RID_A, true, 7, 0xb000) == 0xaa);
	CHECK(viommu_unmap(r.v, r.da, 0x9000, 3 * PAGE) == 3 * PAGE);
	CHECK(peek(r.v, RID_A, true, 7, 0x9000) == -1);
	CHECK(peek(r.v, RID_A, true, 7, 0xa000) == -1);
	CHECK(peek(r.v, RID_A, true, 7, 0xb000) == -1);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_detach(int fault)
{
	struct rig r;
	struct viommu_pasid_info info;
	bool ok = false;

	if (!rig_init(&r, fault, 48))
		goto out;
	CHECK(viommu_map(r.v, r.da, 0, r.mem_a, PAGE, RW) == 0);
	CHECK(viommu_attach(r.v, RID_A, 3, r.da) == 0);
	CHECK(viommu_attach(r.v, RID_A, 3, r.db) == -EBUSY);
	CHECK(viommu_attach(r.v, RID_A, 1u << 20, r.da) == -ERANGE);
	CHECK(viommu_attach(r.v, RID_A, 4, 999) == -ENOENT);
	CHECK(viommu_pasid_get(r.v, RID_A, 3, &info) == 0);
	CHECK(info.type == VIOMMU_PGTT_SECOND_STAGE && info.domain == r.da);
	CHECK(viommu_domain_free(r.v, r.da) == -EBUSY);
	CHECK(peek(r.v, RID_A, true, 3, 0) == 0xaa);

	/* Entry cleared without flushing: the caches still translate. */
	CHECK(viommu_pt_detach(r.v, RID_A, 3) == 0);
	CHECK(peek(r.v, RID_A, true, 3, 0) == 0xaa);
	CHECK(viommu_attach(r.v, RID_A, 3, r.da) == 0);

	/* The driver-level detach flushes: DMA faults at once. */
	CHECK(viommu_detach(r.v, RID_A, 3) == 0);
	CHECK(viommu_detach(r.v, RID_A, 3) == -ENOENT);
	CHECK(viommu_pasid_get(r.v, RID_A, 3, &info) == -ENOENT);
	CHECK(peek(r.v, RID_A, true, 3, 0) == -1);
	CHECK(viommu_domain_free(r.v, r.da) == 0);
	CHECK(viommu_domain_free(r.v, r.da) == -ENOENT);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Same IOVA, two PASIDs in two domains, and two RIDs untagged: each
 * request reaches its own domain's page, cache or no cache. */
static bool s_isolation(int fault)
{
	struct rig r;
	bool ok = false;
	int i;

	if (!rig_init(&r, fault, 48))
		goto out;
	CHECK(viommu_map(r.v, r.da, 0x1000, r.mem_a, PAGE, RW) == 0);
	CHECK(viommu_map(r.v, r.db, 0x1000, r.mem_b, PAGE, RW) == 0);
	CHECK(viommu_attach(r.v, RID_A, 1, r.da) == 0);
	CHECK(viommu_attach(r.v, RID_A, 2, r.db) == 0);
	CHECK(viommu_attach(r.v, RID_A, VIOMMU_NO_PASID, r.da) == 0);
	CHECK(viommu_attach(r.v, RID_B, VIOMMU_NO_PASID, r.db) == 0);
	CHECK(viommu_attach(r.v, RID_B, 0, r.da) == 0);
	for (i = 0; i < 2; i++) {	/* cold, then cached */
		CHECK(peek(r.v, RID_A, true, 1, 0x1000) == 0xaa);
		CHECK(peek(r.v, RID_A, true, 2, 0x1000) == 0xbb);
		CHECK(peek(r.v, RID_A, false, 0, 0x1000) == 0xaa);
		CHECK(peek(r.v, RID_B, false, 0, 0x1000) == 0xbb);
		CHECK(peek(r.v, RID_B, true, 0, 0x1000) == 0xaa);
		CHECK(peek(r.v, RID_B, true, 1, 0x1000) == -1);
	}
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Prime four cached pages of (da, pasid 1), (da, pasid 2), (db, 1). */
static bool prime(struct rig *r)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (peek(r->v, RID_A, true, 1, (uint64_t)i * PAGE) != 0xaa ||
		    peek(r->v, RID_A, true, 2, (uint64_t)i * PAGE) != 0xaa ||
		    peek(r->v, RID_B, true, 1, (uint64_t)i * PAGE) != 0xbb)
			return false;
	}
	return true;
}

/* Which of the primed translations still work after a pt_unmap of
 * pages 0..3 in both domains and then inv: bit 4*k + page. */
static int survivors(struct rig *r, const struct viommu_inv *inv)
{
	int bits = 0, i;

	if (viommu_invalidate(r->v, inv))
		return -1;
	for (i = 0; i < 4; i++) {
		if (peek(r->v, RID_A, true, 1, (uint64_t)i * PAGE) >= 0)
			bits |= 1 << i;
		if (peek(r->v, RID_A, true, 2, (uint64_t)i * PAGE) >= 0)
			bits |= 1 << (4 + i);
		if (peek(r->v, RID_B, true, 1, (uint64_t)i * PAGE) >= 0)
			bits |= 1 << (8 + i);
	}
	return bits;
}

static bool s_invalidation(int fault)
{
	static const struct {
		uint32_t gran, flags, pasid, order;
		uint64_t addr;
		bool dom_b;
		int left;
	} cases[] = {
		{ VIOMMU_INV_GLOBAL, 0, 0, 0, 0, false, 0x000 },
		{ VIOMMU_INV_DOMAIN, 0, 0, 0, 0, false, 0xf00 },
		{ VIOMMU_INV_DOMAIN, 0, 0, 0, 0, true, 0x0ff },
		{ VIOMMU_INV_PASID, 0, 2, 0, 0, false, 0xf0f },
		{ VIOMMU_INV_ADDR, 0, 0, 1, 2 * PAGE, false, 0xf33 },
		{ VIOMMU_INV_ADDR, 0, 0, 0, 3 * PAGE, false, 0xf77 },
		{ VIOMMU_INV_ADDR, 0, 0, 2, 0, false, 0xf00 },
		{ VIOMMU_INV_ADDR, VIOMMU_INV_F_PASID, 1, 1, 0, false, 0xffc },
	};
	bool ok = false;
	size_t c;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct viommu_inv inv = {
			.cache = VIOMMU_CACHE_IOTLB,
			.granularity = cases[c].gran,
			.flags = cases[c].flags,
			.pasid = cases[c].pasid,
			.addr = cases[c].addr,
			.size_order = cases[c].order,
		};
		struct rig r;
		bool good;

		if (!rig_init(&r, fault, 48))
			goto fail;
		inv.domain = cases[c].dom_b ? r.db : r.da;
		good = !viommu_map(r.v, r.da, 0, r.mem_a, 4 * PAGE, RW) &&
		       !viommu_map(r.v, r.db, 0, r.mem_b, 4 * PAGE, RW) &&
		       !viommu_attach(r.v, RID_A, 1, r.da) &&
		       !viommu_attach(r.v, RID_A, 2, r.da) &&
		       !viommu_attach(r.v, RID_B, 1, r.db) && prime(&r) &&
		       viommu_pt_unmap(r.v, r.da, 0, 4 * PAGE) == 4 * PAGE &&
		       viommu_pt_unmap(r.v, r.db, 0, 4 * PAGE) == 4 * PAGE &&
		       survivors(&r, &inv) == cases[c].left;
		rig_fini(&r);
		if (!good) {
			snprintf(tap_why, sizeof(tap_why), "invalidation case %zu", c);
			goto fail;
		}
	}
	ok = true;
fail:
	return ok;
}

/* Requests a hardware queue would reject. */
static bool s_inv_rejects(int fault)
{
	struct viommu_inv bad = {
		.cache = VIOMMU_CACHE_IOTLB,
		.granularity = 9,
	};
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, 48))
		goto out;
	CHECK(viommu_invalidate(r.v, &bad) == -EINVAL);
	bad.granularity = VIOMMU_INV_ADDR;
	bad.addr = PAGE;
	bad.size_order = 1;			/* misaligned for 2 pages */
	CHECK(viommu_invalidate(r.v, &bad) == -EINVAL);
	bad.addr = 0;
	bad.size_order = 37;			/* beyond addr_width */
	CHECK(viommu_invalidate(r.v, &bad) == -EINVAL);
	bad.size_order = 0;
	bad.flags = 1u << 7;
	CHECK(viommu_invalidate(r.v, &bad) == -EINVAL);
	bad.flags = 0;
	bad.cache = VIOMMU_CACHE_PASID;		/* no ADDR for PASID cache */
	CHECK(viommu_invalidate(r.v, &bad) == -EINVAL);
	bad.cache = 0;
	bad.granularity = VIOMMU_INV_GLOBAL;
	CHECK(viommu_invalidate(r.v, &bad) == -EINVAL);
	bad.cache = VIOMMU_CACHE_IOTLB;
	CHECK(viommu_invalidate(r.v, &bad) == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static bool s_dirty(int fault)
{
	struct rig r;
	uint64_t bm[1];
	uint8_t buf[2 * PAGE] = { 0 };
	bool ok = false;

	if (!rig_init(&r, fault, 48))
		goto out;
	CHECK(viommu_map(r.v, r.da, 0, r.mem_a, 8 * PAGE, RW) == 0);
	CHECK(viommu_attach(r.v, RID_A, 1, r.da) == 0);
	/* Not tracking: nothing is marked. */
	CHECK(viommu_dma(r.v, RID_A, true, 1, 0, buf, 1, true) == 0);
	CHECK(viommu_read_and_clear_dirty(r.v, r.da, 0, 8 * PAGE, bm, 0) ==
	      0);
	CHECK(bm[0] == 0);
	CHECK(viommu_set_dirty_tracking(r.v, r.da, true) == 0);
	/* Page 0 cached clean, pages 5-6 by a two-page write, 7 read. */
	CHECK(viommu_dma(r.v, RID_A, true, 1, 0, buf, 1, true) == 0);
	CHECK(viommu_dma(r.v, RID_A, true, 1, 5 * PAGE, buf, 2 * PAGE,
			 true) == 0);
	CHECK(viommu_dma(r.v, RID_A, true, 1, 7 * PAGE, buf, 1, false) == 0);
	CHECK(viommu_read_and_clear_dirty(r.v, r.da, 0, 8 * PAGE, bm,
					  VIOMMU_DIRTY_NO_CLEAR) == 0);
	CHECK(bm[0] == 0x61);
	CHECK(viommu_read_and_clear_dirty(r.v, r.da, 0, 8 * PAGE, bm, 0) ==
	      0);
	CHECK(bm[0] == 0x61);
	CHECK(viommu_read_and_clear_dirty(r.v, r.da, 0, 8 * PAGE, bm, 0) ==
	      0);
	CHECK(bm[0] == 0);
	/* Written again through the (flushed) IOTLB: marked again. */
	CHECK(viommu_dma(r.v, RID_A, true, 1, 6 * PAGE, buf, 1, true) == 0);
	CHECK(viommu_read_and_clear_dirty(r.v, r.da, 0, 8 * PAGE, bm, 0) ==
	      0);
	CHECK(bm[0] == 0x40);
	/* A sub-range: bit 0 is its first page. */
	CHECK(viommu_dma(r.v, RID_A, true, 1, 3 * PAGE, buf, 1, true) == 0);
	CHECK(viommu_read_and_clear_dirty(r.v, r.da, 2 * PAGE, 2 * PAGE, bm,
					  0) == 0);
	CHECK(bm[0] == 0x2);
	CHECK(viommu_read_and_clear_dirty(r.v, r.da, 0, PAGE, bm, 2) ==
	      -EINVAL);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* The IOTLB is bounded: more pages than entries evict, and a domain's
 * DID reused after free shows nothing of the old domain. */
static bool s_bounds(int fault)
{
	struct rig r;
	struct viommu_stats st;
	uint32_t did;
	bool ok = false;
	int i;

	if (!rig_init(&r, fault, 48))
		goto out;
	CHECK(viommu_map(r.v, r.db, 0, r.mem_b, NPAGES * PAGE, RW) == 0);
	CHECK(viommu_attach(r.v, RID_A, 1, r.db) == 0);
	for (i = 0; i < 100; i++)
		CHECK(peek(r.v, RID_A, true, 1, (uint64_t)(i % NPAGES) *
			   PAGE) == 0xbb);
	viommu_get_stats(r.v, &st);
	CHECK(st.iotlb_hits == 100 - NPAGES && st.iotlb_entries == NPAGES);
	for (i = 0; i < 70; i++)
		CHECK(viommu_map(r.v, r.da, 0x100000 + (uint64_t)i * PAGE,
				 r.mem_a, PAGE, RW) == 0);
	CHECK(viommu_attach(r.v, RID_A, 2, r.da) == 0);
	for (i = 0; i < 70; i++)
		CHECK(peek(r.v, RID_A, true, 2, 0x100000 + (uint64_t)i *
			   PAGE) == 0xaa);
	viommu_get_stats(r.v, &st);
	CHECK(st.iotlb_entries == 64 && st.iotlb_evictions == NPAGES + 6);

	/* Free db and take its DID again: the new domain is empty. */
	CHECK(viommu_detach(r.v, RID_A, 1) == 0);
	CHECK(viommu_domain_free(r.v, r.db) == 0);
	CHECK(viommu_domain_alloc(r.v, &did) == 0 && did == r.db);
	CHECK(viommu_attach(r.v, RID_A, 1, did) == 0);
	CHECK(peek(r.v, RID_A, true, 1, 0) == -1);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static const struct tap_scenario scenarios[] = {
	{ "map edges", s_map_edges },
	{ "unmap", s_unmap },
	{ "dma", s_dma_basic },
	{ "fault records", s_fault_records },
	{ "fault overflow", s_fault_overflow },
	{ "iotlb stale until invalidated", s_iotlb_stale },
	{ "detach", s_detach },
	{ "isolation", s_isolation },
	{ "invalidation granularities", s_invalidation },
	{ "invalidation requests checked", s_inv_rejects },
	{ "dirty tracking", s_dirty },
	{ "bounds and DID reuse", s_bounds },
};

#define NSCEN (sizeof(scenarios) / sizeof(scenarios[0]))

/* ---- TAP tests ---- */

static void test_config(void)
{
	struct viommu_config cfg;
	struct viommu *v;

	viommu_config_default(&cfg);
	cfg.pasid_bits = 21;
	EXPECT_TRUE(viommu_create(&cfg, 0) == NULL && errno == EINVAL);
	viommu_config_default(&cfg);
	cfg.addr_width = 49;
	EXPECT_TRUE(viommu_create(&cfg, 0) == NULL);
	viommu_config_default(&cfg);
	cfg.iotlb_entries = 0;
	EXPECT_TRUE(viommu_create(&cfg, 0) == NULL);
	viommu_config_default(&cfg);
	EXPECT_TRUE(viommu_create(&cfg, VIOMMU_FAULT_COUNT) == NULL);
	EXPECT_TRUE(viommu_create(&cfg, -1) == NULL);
	v = viommu_create(&cfg, 0);
	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(viommu_get_config(v)->pasid_bits, 20);
	viommu_destroy(v);
	viommu_destroy(NULL);
	EXPECT_TRUE(strcmp(viommu_fault_reason_name(VIOMMU_FR_NOT_PRESENT),
			   "not-present") == 0);
	EXPECT_TRUE(strcmp(viommu_fault_reason_name(99), "?") == 0);
}

static void test_domains_exhaust(void)
{
	struct viommu_config cfg;
	struct viommu *v;
	uint32_t id, i;

	viommu_config_default(&cfg);
	cfg.max_domains = 3;
	v = viommu_create(&cfg, 0);
	ASSERT_TRUE(v != NULL);
	for (i = 1; i <= 3; i++) {
		EXPECT_EQ(viommu_domain_alloc(v, &id), 0);
		EXPECT_EQ(id, i);
	}
	EXPECT_EQ(viommu_domain_alloc(v, &id), -ENOSPC);
	EXPECT_EQ(viommu_domain_free(v, 2), 0);
	EXPECT_EQ(viommu_domain_alloc(v, &id), 0);
	EXPECT_EQ(id, 2);
	viommu_destroy(v);
}

static const char *const fault_names[] = {
	"none",
#define NAME(code, name, reach, summary) name,
	VIOMMU_FAULT_LIST(NAME)
#undef NAME
};

/* Each fault's reach (faults.h) as a word: "VDEV" or "UNIT". */
static const char *const fault_reach[] = {
	"",
#define REACH(code, name, reach, summary) #reach,
	VIOMMU_FAULT_LIST(REACH)
#undef REACH
};

/*
 * This binary proves every fault before the vSVA ones
 * (viommu_nested_test.c proves those).
 */
static bool proves(int fault)
{
	return fault < VIOMMU_FAULT_FIRST_VSVA;
}

int main(void)
{
	static const struct tap_test fixed[] = {
		{ "config and create", test_config },
		{ "domain IDs exhaust and reuse", test_domains_exhaust },
	};
	const struct tap_fault_matrix m = {
		.scen = scenarios, .nscen = NSCEN,
		.nr_faults = VIOMMU_FAULT_COUNT, .proves = proves,
		.names = fault_names, .reach = fault_reach, .why = tap_why,
		.title = "every injected fault is observable",
	};

	return tap_run_matrix(fixed, sizeof(fixed) / sizeof(fixed[0]), &m);
}
