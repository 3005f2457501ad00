// SPDX-License-Identifier: MIT
/*
 * VDCM.DMA and VDCM.PIN: DMA of a VDEV's ADIs goes through its own AUX
 * domain with its default PASID (seed 000, "Recap Intel Scalable IOV
 * technology": PASID granular DMA isolation); a descriptor of VDEV A cannot
 * touch VDEV B's memory and faults instead; the type1 container's map/unmap
 * rules hold; selective pinning (seed 002, "Memory Footprint") is accounted
 * and returns to zero.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define SRC_ISOLATION SEED000 "\"Recap Intel(R) Scalable IOV technology\" (PASID granular DMA isolation)"
#define IOVA_A 0x1000000ull
#define IOVA_B 0x2000000ull

/* A VDEV of ty with queue 0 enabled and a buffer of pages at iova. */
static void dma_vdev(struct siovh_check *check,
		     const struct siovh_profile_type *ty, struct vd *d,
		     unsigned int n, struct dma_buf *b, uint64_t iova,
		     uint64_t pages)
{
	must_portal(check, ty);
	vd_up(check, ty, d, n);
	q_enable(check, d, 0);
	dma_map(check, d, b, iova, pages * PAGE_4K);
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

SIOVH_CLAUSE(dma_copy,
	.id = "VDCM.DMA.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a copy descriptor on the fast path moves the data, writes a SUCCESS completion record with its size and tag, and every DMA carries the default PASID",
	.source = SRC_DESIGN " (Fast path: e.g. work submission interface)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_adi_event ev[256];
	struct siovdev_completion *cr;
	struct siovh_vdev_probe vp;
	struct dma_buf b;
	size_t n, i, dma = 0;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 4);
	for (i = 0; i < 3000; i++)
		b.va[i] = (uint8_t)(i * 7);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x2000, 3000,
			   IOVA_A + 0x3f00, 0), SIOVDEV_CS_SUCCESS);
	cr = cr_at(&b, IOVA_A + 0x3f00);
	EXPECT_EQ(cr->bytes, 3000);
	EXPECT_EQ(cr->tag, 0x7a6);
	EXPECT_EQ(memcmp(b.va, b.va + 0x2000, 3000), 0);
	vp = vdev_probe(check, &d);
	if (!siovh_check_target(check)->test->adi_trace) {
		/* A real endpoint (ref:parent=vfio): only the default
		 * PASID's domain maps IOVA_A (the RID's maps none of it), so
		 * a copy that succeeded was tagged with that PASID. */
		siovh_note(check, "no ADI event log: the PASID is judged by the "
			   "copy reaching memory only its domain maps");
		vd_down(check, &d);
		return;
	}
	n = adi_trace(check, vp.adis[0], ev, 256);
	for (i = 0; i < n; i++) {
		if (ev[i].kind != SIOVH_ADI_EV_DMA)
			continue;
		dma++;
		if (ev[i].arg != vp.default_pasid)
			FAIL("DMA with PASID %u, expected the default PASID %u",
			     ev[i].arg, vp.default_pasid);
	}
	EXPECT_GT(dma, 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_isolation_write,
	.id = "VDCM.DMA.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a descriptor of VDEV A writing to an IOVA only VDEV B has mapped faults (with A's PASID) and B's memory is unchanged",
	.source = SRC_ISOLATION,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_dma_fault f;
	struct dma_buf ba, bb;
	struct vd a, b;
	uint32_t pasid_a;

	dma_vdev(check, &p->types[0], &a, 1, &ba, IOVA_A, 1);
	dma_vdev(check, &p->types[0], &b, 2, &bb, IOVA_B, 1);
	pasid_a = vdev_probe(check, &a).default_pasid;
	EXPECT_NE(pasid_a, vdev_probe(check, &b).default_pasid);
	memset(ba.va, 0xaa, 256);
	memset(bb.va, 0xbb, PAGE_4K);
	drain_faults(check);
	EXPECT_EQ(run_copy(check, &a, 0, &ba, IOVA_A, IOVA_B, 256,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_PAGE_FAULT);
	EXPECT_TRUE(all_bytes(bb.va, PAGE_4K, 0xbb));
	if (dma_fault_record(check, &f)) {
		EXPECT_EQ(f.pasid_valid, 1);
		EXPECT_EQ(f.pasid, pasid_a);
		EXPECT_EQ(f.addr, IOVA_B);
		EXPECT_EQ(f.write, 1);
		EXPECT_NE(f.reason, 0);
	}
	vd_down(check, &b);
	vd_down(check, &a);
}

SIOVH_CLAUSE(dma_isolation_read,
	.id = "VDCM.DMA.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a descriptor of VDEV A reading from an IOVA only VDEV B has mapped faults and moves none of B's data",
	.source = SRC_ISOLATION,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_dma_fault f;
	struct dma_buf ba, bb;
	struct vd a, b;

	dma_vdev(check, &p->types[0], &a, 1, &ba, IOVA_A, 1);
	dma_vdev(check, &p->types[0], &b, 2, &bb, IOVA_B, 1);
	memset(bb.va, 0xbb, PAGE_4K);
	drain_faults(check);
	EXPECT_EQ(run_copy(check, &a, 0, &ba, IOVA_B, IOVA_A, 256,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_PAGE_FAULT);
	EXPECT_TRUE(all_bytes(ba.va, 256, 0));
	if (dma_fault_record(check, &f)) {
		EXPECT_EQ(f.pasid, vdev_probe(check, &a).default_pasid);
		EXPECT_EQ(f.write, 0);
	}
	vd_down(check, &b);
	vd_down(check, &a);
}

SIOVH_CLAUSE(dma_same_iova,
	.id = "VDCM.DMA.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "two VDEVs mapping the same IOVA to different memory each reach only their own, also when alternating (no cross-PASID translation reuse)",
	.source = SRC_ISOLATION,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf ba, bb;
	struct vd a, b;
	int i;

	dma_vdev(check, &p->types[0], &a, 1, &ba, IOVA_A, 2);
	dma_vdev(check, &p->types[0], &b, 2, &bb, IOVA_A, 2);
	for (i = 0; i < 3; i++) {
		memset(ba.va, 0xa0 + i, 64);
		memset(bb.va, 0xb0 + i, 64);
		EXPECT_EQ(run_copy(check, &a, 0, &ba, IOVA_A, IOVA_A + 0x1000,
				   64, IOVA_A + 0x1f00, 0), SIOVDEV_CS_SUCCESS);
		EXPECT_EQ(run_copy(check, &b, 0, &bb, IOVA_A, IOVA_A + 0x1000,
				   64, IOVA_A + 0x1f00, 0), SIOVDEV_CS_SUCCESS);
		EXPECT_TRUE(all_bytes(ba.va + 0x1000, 64, 0xa0 + i));
		EXPECT_TRUE(all_bytes(bb.va + 0x1000, 64, 0xb0 + i));
	}
	vd_down(check, &b);
	vd_down(check, &a);
}

SIOVH_CLAUSE(dma_unmapped,
	.id = "VDCM.DMA.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a copy running into an unmapped page completes with PAGE_FAULT at that page, after exactly the bytes before it, and the IOMMU records the fault with the PASID",
	.source = SRC_ISOLATION,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovdev_completion *cr;
	struct siovh_dma_fault f;
	struct dma_buf b;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 2);
	drain_faults(check);
	/* dst: the last 0x100 bytes of page 1, then unmapped page 2. */
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x1f00, 0x200,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_PAGE_FAULT);
	cr = cr_at(&b, IOVA_A + 0xf00);
	EXPECT_EQ(cr->fault_addr, IOVA_A + 0x2000);
	EXPECT_EQ(cr->bytes, 0x100);
	EXPECT_TRUE(cr->fault_info & SIOVDEV_CR_FAULT_WRITE);
	if (dma_fault_record(check, &f)) {
		EXPECT_EQ(f.addr, IOVA_A + 0x2000);
		EXPECT_EQ(f.pasid_valid, 1);
		EXPECT_EQ(f.pasid, vdev_probe(check, &d).default_pasid);
		EXPECT_GE(parent_probe(check).iommu_faults, 1);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_after_unmap,
	.id = "VDCM.DMA.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "after UNMAP_DMA, DMA to any page of the old range (the last one included) faults and the old memory is unchanged, even if it was just used",
	.source = SRC_VFIO("VFIO_IOMMU_UNMAP_DMA"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf b, w;
	uint32_t pg;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	dma_map(check, &d, &w, IOVA_B, 3 * PAGE_4K);
	for (pg = 0; pg < 3; pg++)
		EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_B + pg *
				   PAGE_4K, 64, IOVA_A + 0xf00, 0),
			  SIOVDEV_CS_SUCCESS);
	ASSERT_EQ(dma_unmap(&d, IOVA_B, 3 * PAGE_4K), 0);
	memset(w.va, 0x77, 3 * PAGE_4K);
	memset(b.va, 0x11, 64);
	for (pg = 0; pg < 3; pg++)
		if (run_copy(check, &d, 0, &b, IOVA_A, IOVA_B + pg * PAGE_4K,
			     64, IOVA_A + 0xf00, 0) != SIOVDEV_CS_PAGE_FAULT)
			FAIL("DMA to page %u of an unmapped range did not "
			     "fault", pg);
	EXPECT_TRUE(all_bytes(w.va, 3 * PAGE_4K, 0x77));
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_fill_exact,
	.id = "VDCM.DMA.7", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a fill descriptor writes exactly its size: the pattern in every byte, the byte after untouched",
	.source = SRC_DESIGN " (Fast path: e.g. work submission interface)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovdev_desc x;
	struct dma_buf b;
	uint32_t i;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 2);
	memset(b.va, 0xee, 2 * PAGE_4K);
	desc_fill(&x, 0x0807060504030201ull, IOVA_A + 0x10, 0x1003,
		  IOVA_A + 0x1f00, SIOVDEV_DF_COMPLETION, 1);
	ASSERT_OK(desc_submit(&d, 0, &x));
	EXPECT_EQ(cr_at(&b, IOVA_A + 0x1f00)->status, SIOVDEV_CS_SUCCESS);
	for (i = 0; i < 0x1003; i++)
		if (b.va[0x10 + i] != i % 8 + 1) {
			FAIL("fill byte %u is %#x, expected %#x", i,
			     b.va[0x10 + i], i % 8 + 1);
			break;
		}
	EXPECT_EQ(b.va[0xf], 0xee);
	EXPECT_EQ(b.va[0x10 + 0x1003], 0xee);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_record_after_data,
	.id = "VDCM.DMA.8", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the completion record is written after the data: a record placed inside the destination survives the copy",
	.source = "derived: a completion record announces finished data (siovdev descriptor format)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf b;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	memset(b.va, 0x55, 0x100);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x800, 0x100,
			   IOVA_A + 0x800, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(cr_at(&b, IOVA_A + 0x800)->tag, 0x7a6);
	EXPECT_TRUE(all_bytes(b.va + 0x820, 0xe0, 0x55));
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_no_page_cross,
	.id = "VDCM.DMA.9", .level = SIOVH_MUST, .facet = "vdev",
	.title = "an ADI's DMA requests never cross a 4 KiB boundary: a copy spanning k pages issues at least one request per page touched",
	.source = "derived: PCIe memory requests must not cross a 4 KiB boundary",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_adi_event ev[256];
	uint64_t mark;
	size_t n, i, dma = 0;
	struct dma_buf b;
	uint32_t adi;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 8);
	adi = vdev_probe(check, &d).adis[0];
	n = adi_trace(check, adi, ev, 256);
	mark = n ? ev[n - 1].seq : 0;
	/* src [0x800, 0x2800): 3 pages; dst [0x4800, 0x6800): 3 pages. */
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A + 0x800, IOVA_A + 0x4800,
			   0x2000, IOVA_A + 0x7f00, 0), SIOVDEV_CS_SUCCESS);
	n = adi_trace(check, adi, ev, 256);
	for (i = 0; i < n; i++)
		if (ev[i].seq > mark && ev[i].kind == SIOVH_ADI_EV_DMA)
			dma++;
	if (dma < 7)
		FAIL("%zu DMA requests for 3 source pages, 3 destination pages "
		     "and a record; expected at least 7", dma);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_map_overlap,
	.id = "VDCM.DMA.10", .level = SIOVH_MUST, .facet = "vdev",
	.title = "MAP_DMA over an existing mapping fails with -EEXIST, maps nothing of the new range, and leaves the old mapping in place",
	.source = SRC_VFIO("VFIO_IOMMU_MAP_DMA"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m) };
	struct dma_buf b, o, spare;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	dma_map(check, &d, &o, IOVA_B + 2 * PAGE_4K, PAGE_4K);
	memset(o.va, 0x42, PAGE_4K);
	spare.va = aligned_alloc(PAGE_4K, 4 * PAGE_4K);
	ASSERT_TRUE(spare.va != NULL);
	memset(spare.va, 0x99, 4 * PAGE_4K);
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	m.vaddr = (uintptr_t)spare.va;
	m.iova = IOVA_B;
	m.size = 4 * PAGE_4K;
	EXPECT_ERRNO(d.t->vfio_device->container_ioctl(d.t, d.v,
						       VFIO_IOMMU_MAP_DMA, &m),
		     -EEXIST);
	/* The old page still reached; the first new page not mapped. */
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_B + 2 * PAGE_4K, IOVA_A, 64,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[0], 0x42);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_B, IOVA_A, 64,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_PAGE_FAULT);
	m.size = 2 * PAGE_4K;
	EXPECT_OK(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_MAP_DMA, &m));
	vd_down(check, &d);
	free(spare.va);
}

SIOVH_CLAUSE(dma_readonly,
	.id = "VDCM.DMA.11", .level = SIOVH_MUST, .facet = "vdev",
	.title = "memory mapped read-only can be read by the device but a DMA write to it faults and leaves it unchanged",
	.source = SRC_VFIO("VFIO_DMA_MAP_FLAG_READ"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m) };
	struct dma_buf b;
	uint8_t *ro;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	ro = aligned_alloc(PAGE_4K, PAGE_4K);
	ASSERT_TRUE(ro != NULL);
	memset(ro, 0x6d, PAGE_4K);
	m.flags = VFIO_DMA_MAP_FLAG_READ;
	m.vaddr = (uintptr_t)ro;
	m.iova = IOVA_B;
	m.size = PAGE_4K;
	ASSERT_OK(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_MAP_DMA, &m));
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_B, IOVA_A, 64,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[63], 0x6d);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A + 0x800, IOVA_B, 64,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_PAGE_FAULT);
	EXPECT_TRUE(all_bytes(ro, PAGE_4K, 0x6d));
	vd_down(check, &d);
	free(ro);
}

SIOVH_CLAUSE(dma_unmap_size,
	.id = "VDCM.DMA.12", .level = SIOVH_MUST, .facet = "vdev",
	.title = "UNMAP_DMA over a range with holes unmaps the mappings inside it and reports only their bytes",
	.source = SRC_VFIO("VFIO_IOMMU_UNMAP_DMA (size: bytes unmapped)"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u) };
	struct dma_buf b1, b2;
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	dma_map(check, &d, &b1, IOVA_B, PAGE_4K);
	dma_map(check, &d, &b2, IOVA_B + 2 * PAGE_4K, PAGE_4K);
	u.iova = IOVA_B;
	u.size = 4 * PAGE_4K;
	ASSERT_OK(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_UNMAP_DMA, &u));
	EXPECT_EQ(u.size, 2 * PAGE_4K);
	u.iova = IOVA_B;
	u.size = 4 * PAGE_4K;
	ASSERT_OK(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_UNMAP_DMA, &u));
	EXPECT_EQ(u.size, 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_map_limits,
	.id = "VDCM.DMA.13", .level = SIOVH_MUST, .facet = "vdev",
	.title = "MAP_DMA refuses unaligned, empty and beyond-the-address-width ranges, and a refused map leaves that IOVA unmapped",
	.source = SRC_VFIO("VFIO_IOMMU_MAP_DMA"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m) };
	struct dma_buf b;
	uint8_t *mem;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	mem = aligned_alloc(PAGE_4K, 2 * PAGE_4K);
	ASSERT_TRUE(mem != NULL);
	memset(mem, 0x31, 2 * PAGE_4K);
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	m.vaddr = (uintptr_t)mem;
	m.size = PAGE_4K;
	m.iova = IOVA_B + 0x10;
	EXPECT_LT(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_MAP_DMA, &m), 0);
	m.iova = IOVA_B;
	m.size = 0;
	EXPECT_LT(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_MAP_DMA, &m), 0);
	m.iova = 1ull << 62;
	m.size = PAGE_4K;
	EXPECT_LT(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_MAP_DMA, &m), 0);
	/* A map of 2^62 must not alias IOVA 0. */
	EXPECT_EQ(run_copy(check, &d, 0, &b, 0, IOVA_A, 64, IOVA_A + 0xf00, 0),
		  SIOVDEV_CS_PAGE_FAULT);
	vd_down(check, &d);
	free(mem);
}

SIOVH_CLAUSE(dma_disabled_queue,
	.id = "VDCM.DMA.14", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a descriptor submitted to a queue the guest has not enabled does no DMA: no data, no completion record",
	.source = SRC_DESIGN " (Fast path: e.g. work submission interface)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	struct siovdev_desc x;
	struct dma_buf b;
	struct vd d;

	dma_vdev(check, ty, &d, 1, &b, IOVA_A, 1);
	memset(b.va, 0x4e, 64);
	desc_copy(&x, IOVA_A, IOVA_A + 0x400, 64, IOVA_A + 0xf00,
		  SIOVDEV_DF_COMPLETION, 1);
	desc_submit(&d, 1, &x);
	EXPECT_NE(b.va[0x400], 0x4e);
	EXPECT_EQ(cr_at(&b, IOVA_A + 0xf00)->status, SIOVDEV_CS_NONE);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_parent_pasid_off,
	.id = "VDCM.DMA.15", .level = SIOVH_MUST, .facet = "vdev",
	.title = "while the parent's PASID capability is disabled, ADIs do no DMA; once re-enabled they do",
	.source = SRC_HW " (PASID capability is required)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pos = parent_find_ecap(check, 0x001b), ctrl;
	struct dma_buf b;
	struct vd d;

	ASSERT_NE(pos, 0);
	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	memset(b.va, 0x4f, 64);
	ctrl = pcfg_rd(check, pos + 6, 2);
	pcfg_wr(check, pos + 6, ctrl & ~1u, 2);
	EXPECT_NE(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x400, 64,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_NE(b.va[0x400], 0x4f);
	pcfg_wr(check, pos + 6, ctrl | 1u, 2);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x400, 64,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[0x400], 0x4f);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_parent_bme_off,
	.id = "VDCM.DMA.18", .level = SIOVH_MUST, .facet = "vdev",
	.title = "while the parent's Bus Master Enable (COMMAND bit 2) is clear, ADIs do no DMA: no data and no completion record; once set again they do",
	.source = "PCI Local Bus 3.0, 6.2.2 Command register (bit 2, Bus Master: 0 disables the function's bus-master accesses); " SRC_HW,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf b;
	uint32_t cmd;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	memset(b.va, 0x5b, 64);
	cmd = pcfg_rd(check, 0x04, 2);
	ASSERT_TRUE(cmd & 0x4);		/* the VDCM turned it on */
	pcfg_wr(check, 0x04, cmd & ~0x4u, 2);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x400, 64,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_NONE);
	EXPECT_NE(b.va[0x400], 0x5b);
	pcfg_wr(check, 0x04, cmd, 2);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x400, 64,
			   IOVA_A + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[0x400], 0x5b);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_invalid_desc,
	.id = "VDCM.DMA.19", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a descriptor with an unknown opcode or flag bit, a nonzero reserved field or a size above the largest transfer moves no data and completes with CS_INVALID and its tag; one whose completion address is not 32-byte aligned does nothing at all, record included",
	.source = "derived: a device does not act on a descriptor it cannot decode, and reports it (siovdev descriptor format, harness/ref/siovdev/siovdev.h \"Execution model\")",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const uint64_t src = IOVA_A, dst = IOVA_A + 0x400, cr = IOVA_A + 0xf00;
	struct siovdev_desc x[7];
	struct dma_buf b;
	struct vd d;
	int i;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	memset(b.va, 0x3c, 64);
	for (i = 0; i < 7; i++)
		desc_copy(&x[i], src, dst, 64, cr, SIOVDEV_DF_COMPLETION,
			  0x7a60 + i);
	x[0].opcode = 0x7f;
	x[1].flags |= 0x80;
	x[2].rsvd0 = 1;
	x[3].rsvd1[2] = 1;
	x[4].size = SIOVDEV_MAX_XFER + 1;
	/* every reserved quadword counts, not only the last */
	x[5].rsvd1[0] = 1;
	x[6].rsvd1[1] = 1ull << 63;
	for (i = 0; i < 7; i++) {
		memset(b.va + 0x400, 0, 64);
		memset(cr_at(&b, cr), 0, SIOVDEV_CR_SIZE);
		ASSERT_OK(desc_submit(&d, 0, &x[i]));
		EXPECT_EQ(cr_at(&b, cr)->status, SIOVDEV_CS_INVALID);
		EXPECT_EQ(cr_at(&b, cr)->tag, 0x7a60 + i);
		EXPECT_EQ(b.va[0x400], 0);
	}
	/* a completion address off its 32-byte alignment: dropped whole */
	desc_copy(&x[0], src, dst, 64, cr + 8, SIOVDEV_DF_COMPLETION, 0x7a6f);
	memset(b.va + 0x400, 0, 64);
	memset(b.va + 0xf00, 0, 0x40);
	ASSERT_OK(desc_submit(&d, 0, &x[0]));
	EXPECT_EQ(b.va[0x400], 0);
	EXPECT_EQ(b.va[0xf08], 0);
	/* the queue still works */
	EXPECT_EQ(run_copy(check, &d, 0, &b, src, dst, 64, cr, 0),
		  SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[0x400], 0x3c);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dma_record_on_request,
	.id = "VDCM.DMA.21", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a copy without the COMPLETION flag moves its data and writes no completion record; a NOP with it writes a SUCCESS record with its tag and moves no data",
	.source = "harness/ref/siovdev/siovdev.h \"Descriptors\" (flags bit 0 COMPLETION: write a completion record; opcode NOP); " SRC_DESIGN " (Fast path: e.g. work submission interface)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const uint64_t src = IOVA_A, dst = IOVA_A + 0x400, cr = IOVA_A + 0xf00;
	struct siovdev_desc x;
	struct dma_buf b;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	memset(b.va, 0x71, 64);
	memset(b.va + 0x400, 0, 64);
	memset(cr_at(&b, cr), 0xee, SIOVDEV_CR_SIZE);
	desc_copy(&x, src, dst, 64, cr, 0, 0x7c01);
	ASSERT_OK(desc_submit(&d, 0, &x));
	EXPECT_TRUE(all_bytes(b.va + 0x400, 64, 0x71));
	EXPECT_TRUE(all_bytes((const uint8_t *)cr_at(&b, cr), SIOVDEV_CR_SIZE,
			      0xee));

	memset(b.va + 0x400, 0, 64);
	memset(cr_at(&b, cr), 0, SIOVDEV_CR_SIZE);
	desc_copy(&x, src, dst, 64, cr, SIOVDEV_DF_COMPLETION, 0x7c02);
	x.opcode = SIOVDEV_OP_NOP;
	ASSERT_OK(desc_submit(&d, 0, &x));
	EXPECT_EQ(cr_at(&b, cr)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(cr_at(&b, cr)->tag, 0x7c02);
	EXPECT_TRUE(all_bytes(b.va + 0x400, 64, 0));
	vd_down(check, &d);
}

/* --- selective pinning ---------------------------------------------------- */

SIOVH_CLAUSE(pin_map_nothing,
	.id = "VDCM.PIN.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "MAP_DMA pins nothing: pinned pages stay 0 for the VDEV and the parent",
	.source = SRC_PINNING,
	.needs = NEEDS_VDEV_PROBE)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf b;
	struct vd d;

	if (!p->types[0].pinning)
		SKIP("the profile does not account selective pinning");
	vd_up(check, &p->types[0], &d, 1);
	dma_map(check, &d, &b, IOVA_A, 64 * PAGE_4K);
	EXPECT_EQ(vdev_probe(check, &d).pinned_pages, 0);
	EXPECT_EQ(parent_probe(check).pinned_pages, 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(pin_returns_zero,
	.id = "VDCM.PIN.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "pages pinned for a descriptor are unpinned at its completion, also when it faults: the counts return to 0",
	.source = SRC_PINNING,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct dma_buf b;
	struct vd d;

	if (!p->types[0].pinning)
		SKIP("the profile does not account selective pinning");
	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 4);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x1800, 0x2000,
			   IOVA_A + 0x3f00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vdev_probe(check, &d).pinned_pages, 0);
	EXPECT_EQ(run_copy(check, &d, 0, &b, IOVA_A, IOVA_A + 0x3800, 0x2000,
			   IOVA_A + 0x3f00, 0), SIOVDEV_CS_PAGE_FAULT);
	EXPECT_EQ(vdev_probe(check, &d).pinned_pages, 0);
	EXPECT_EQ(parent_probe(check).pinned_pages, 0);
	vd_down(check, &d);
	EXPECT_EQ(parent_probe(check).pinned_pages, 0);
}

SIOVH_CLAUSE(dma_iommu_info,
	.id = "VDCM.DMA.16", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_IOMMU_GET_INFO reports VFIO_IOMMU_INFO_PGSIZES with the 4 KiB page size, also with an argsz that ends at iova_pgsizes (the struct before cap_offset), and then writes nothing past it; it refuses an argsz too small to hold iova_pgsizes with -EINVAL",
	.source = SRC_VFIO("VFIO_IOMMU_GET_INFO (struct vfio_iommu_type1_info, argsz)"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_iommu_type1_info info;
	struct dma_buf b;
	struct vd d;

	dma_vdev(check, &p->types[0], &d, 1, &b, IOVA_A, 1);
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	ASSERT_OK(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_IOMMU_INFO_PGSIZES);
	/* DMA of 4 KiB pages works (VDCM.DMA.1), so 4 KiB is a page size. */
	EXPECT_TRUE(info.iova_pgsizes & PAGE_4K);
	/* the struct as it was before capabilities: cap_offset is not
	 * the caller's to receive */
	memset(&info, 0, sizeof(info));
	info.argsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes) +
		     sizeof(info.iova_pgsizes);
	info.cap_offset = 0x5a5a5a5a;
	ASSERT_OK(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_IOMMU_INFO_PGSIZES);
	EXPECT_TRUE(info.iova_pgsizes & PAGE_4K);
	EXPECT_EQ(info.cap_offset, 0x5a5a5a5a);
	memset(&info, 0, sizeof(info));
	info.argsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes);
	EXPECT_EQ(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_IOMMU_GET_INFO, &info),
		  -EINVAL);
	EXPECT_EQ(info.iova_pgsizes, 0);
	vd_down(check, &d);
}

static int unmap_raw(struct vd *d, uint32_t flags, uint64_t iova,
		     uint64_t size, uint64_t *done)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = flags, .iova = iova, .size = size,
	};
	int ret = d->t->vfio_device->container_ioctl(d->t, d->v,
						     VFIO_IOMMU_UNMAP_DMA, &u);

	if (done)
		*done = u.size;
	return ret;
}

/* MAP_DMA with an argsz that ends cut bytes before the end of size. */
static int map_short(struct vd *d, uint32_t flags, uint64_t iova, void *va,
		     uint64_t size, uint32_t cut)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = offsetof(struct vfio_iommu_type1_dma_map, size) +
			 sizeof(m.size) - cut,
		.flags = flags, .iova = iova, .vaddr = (uintptr_t)va,
		.size = size,
	};

	return d->t->vfio_device->container_ioctl(d->t, d->v,
						  VFIO_IOMMU_MAP_DMA, &m);
}

/* UNMAP_DMA of a whole mapping, argsz ending 1 byte into size. */
static int unmap_short(struct vd *d, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = offsetof(struct vfio_iommu_type1_dma_unmap, size) + 1,
		.iova = iova, .size = size,
	};

	return d->t->vfio_device->container_ioctl(d->t, d->v,
						  VFIO_IOMMU_UNMAP_DMA, &u);
}

static int map_raw(struct vd *d, uint32_t flags, uint64_t iova, void *va,
		   uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags, .iova = iova,
		.vaddr = (uintptr_t)va, .size = size,
	};

	return d->t->vfio_device->container_ioctl(d->t, d->v,
						  VFIO_IOMMU_MAP_DMA, &m);
}

/*
 * A range that wraps past 2^64: -EINVAL, which the reference and Linux up
 * to 6.12 return; 7.x's type1 checks it with check_add_overflow() and says
 * -EOVERFLOW (vm-images/README.md, differences): either is a refusal.
 */
static void wrap_refused(struct siovh_check *check, const char *what, int ret)
{
	if (ret != -EINVAL && ret != -EOVERFLOW)
		FAIL("%s gave %d, expected -EINVAL or -EOVERFLOW", what, ret);
	else if (ret == -EOVERFLOW)
		siovh_note(check, "%s is -EOVERFLOW (Linux 7.x), not -EINVAL",
			   what);
}

SIOVH_CLAUSE(dma_type1_args,
	.id = "VDCM.DMA.17", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the type1 container refuses with -EINVAL: MAP_DMA with an unknown flag, neither READ nor WRITE, or a wrapping IOVA or buffer range; MAP_DMA or UNMAP_DMA with an argsz that ends inside their size field; UNMAP_DMA with an unknown flag, FLAG_ALL with an iova or size, a zero size, an iova or size not page-aligned, a wrapping range (-EOVERFLOW too, Linux 7.x), or a range that cuts a mapping in two; all of it changes no mapping, and UNMAP_DMA FLAG_ALL then unmaps every mapping and reports their bytes; CHECK_EXTENSION says yes to TYPE1, TYPE1v2 and UNMAP_ALL (whose FLAG_ALL the container honours) and no to NOIOMMU, an unknown container ioctl is -ENOTTY, and MAP_DMA or UNMAP_DMA with a NULL argument -EFAULT",
	.source = SRC_VFIO("VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA (\"VFIO_DMA_UNMAP_FLAG_ALL ... iova and size must be 0\"), VFIO_CHECK_EXTENSION (VFIO_UNMAP_ALL: \"Supports VFIO_DMA_UNMAP_FLAG_ALL\")") "; Linux drivers/vfio/vfio_iommu_type1.c, vfio_dma_do_map and vfio_dma_do_unmap (6.12, 7.3: a zero size, an iova or size off the IOMMU page size, a wrapping range)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct dma_buf a, b;
	uint64_t done = 0;
	uint8_t *va;
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	dma_map(check, &d, &a, IOVA_A, 2 * PAGE_4K);
	dma_map(check, &d, &b, IOVA_B, PAGE_4K);
	va = a.va;
	EXPECT_ERRNO(map_raw(&d, rw | 1u << 31, IOVA_B + PAGE_4K, va, PAGE_4K),
		     -EINVAL);
	EXPECT_ERRNO(map_raw(&d, 0, IOVA_B + PAGE_4K, va, PAGE_4K), -EINVAL);
	wrap_refused(check, "MAP_DMA of a range that wraps past 2^64",
		     map_raw(&d, rw, UINT64_MAX - PAGE_4K + 1, va,
			     2 * PAGE_4K));
	wrap_refused(check, "MAP_DMA of a buffer that wraps past 2^64",
		     map_raw(&d, rw, IOVA_B + PAGE_4K,
			     (void *)(uintptr_t)(UINT64_MAX - PAGE_4K + 1),
			     2 * PAGE_4K));
	/* argsz must cover the struct up to and including size */
	EXPECT_ERRNO(map_short(&d, rw, IOVA_B + PAGE_4K, va, PAGE_4K, 1),
		     -EINVAL);
	EXPECT_ERRNO(unmap_short(&d, IOVA_B, PAGE_4K), -EINVAL);
	EXPECT_ERRNO(unmap_raw(&d, 1u << 31, IOVA_B, PAGE_4K, NULL), -EINVAL);
	/* type1's unmap: a whole number of pages, at least one */
	EXPECT_ERRNO(unmap_raw(&d, 0, IOVA_B, 0, NULL), -EINVAL);
	EXPECT_ERRNO(unmap_raw(&d, 0, IOVA_B + 512, PAGE_4K, NULL), -EINVAL);
	EXPECT_ERRNO(unmap_raw(&d, 0, IOVA_B, PAGE_4K + 512, NULL), -EINVAL);
	wrap_refused(check, "UNMAP_DMA of a range that wraps past 2^64",
		     unmap_raw(&d, 0, UINT64_MAX - PAGE_4K + 1, 2 * PAGE_4K,
			       NULL));
	EXPECT_ERRNO(unmap_raw(&d, VFIO_DMA_UNMAP_FLAG_ALL, IOVA_B, 0, NULL),
		     -EINVAL);
	EXPECT_ERRNO(unmap_raw(&d, VFIO_DMA_UNMAP_FLAG_ALL, 0, PAGE_4K, NULL),
		     -EINVAL);
	/* the two-page mapping at IOVA_A cut after its head, or before
	 * its tail */
	EXPECT_ERRNO(unmap_raw(&d, 0, IOVA_A, PAGE_4K, NULL), -EINVAL);
	EXPECT_ERRNO(unmap_raw(&d, 0, IOVA_A + PAGE_4K, PAGE_4K, NULL), -EINVAL);
	EXPECT_EQ(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_CHECK_EXTENSION,
						    (void *)(uintptr_t)VFIO_TYPE1_IOMMU),
		  1);
	EXPECT_EQ(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_CHECK_EXTENSION,
						    (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU),
		  1);
	/* FLAG_ALL is used below: the extension that says so */
	EXPECT_EQ(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_CHECK_EXTENSION,
						    (void *)(uintptr_t)VFIO_UNMAP_ALL),
		  1);
	EXPECT_EQ(d.t->vfio_device->container_ioctl(d.t, d.v,
						    VFIO_CHECK_EXTENSION,
						    (void *)(uintptr_t)VFIO_NOIOMMU_IOMMU),
		  0);
	EXPECT_ERRNO(d.t->vfio_device->container_ioctl(d.t, d.v,
						       VFIO_IOMMU_GET_INFO + 99,
						       &done), -ENOTTY);
	EXPECT_ERRNO(d.t->vfio_device->container_ioctl(d.t, d.v,
						       VFIO_IOMMU_MAP_DMA,
						       NULL), -EFAULT);
	EXPECT_ERRNO(d.t->vfio_device->container_ioctl(d.t, d.v,
						       VFIO_IOMMU_UNMAP_DMA,
						       NULL), -EFAULT);
	/* nothing of the above changed a mapping */
	EXPECT_OK(unmap_raw(&d, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &done));
	EXPECT_EQ(done, 3 * PAGE_4K);
	EXPECT_OK(unmap_raw(&d, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &done));
	EXPECT_EQ(done, 0);
	vd_down(check, &d);
	free(a.va);
	free(b.va);
}
