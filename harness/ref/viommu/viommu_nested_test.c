/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the reference IOMMU's second part (the vSVA issue): first-
 * stage and nested translation, binds and their checks, first-stage
 * invalidation with the PSC and the leaf flag, the page request queue and
 * page responses, and the vSVA injected faults: each must make at least
 * one of the scenarios below fail (faults.h: for the UNIT ones this is
 * their only proof). Prints TAP.
 *
 * A guest here is GUEST_PAGES pages of host memory mapped at GPA_BASE in
 * a domain; the test builds first-stage tables in it as a guest kernel
 * would, from a bump allocator of guest pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/tap.h"
#include "viommu.h"

#define PAGE		4096u
#define GUEST_PAGES	32
#define GPA_BASE	0x40000000ull
#define RID_A		0x0100
#define RID_B		0x0208
#define PASID		5
#define VA		0x7f0000200000ull	/* a user address */

static const uint64_t UPPER = VIOMMU_FS_P | VIOMMU_FS_RW | VIOMMU_FS_US;
static const uint32_t RW = VIOMMU_PROT_READ | VIOMMU_PROT_WRITE;

/* A unit, a domain, and guest memory in it. nested: tables hold GPAs;
 * else host addresses (a FIRST_STAGE bind). */
struct rig {
	struct viommu *v;
	uint32_t dom;
	uint8_t *mem;
	bool nested;
	unsigned int next;		/* next free guest page */
	uint64_t root;			/* the root table's address */
};

static uint64_t page_addr(const struct rig *r, unsigned int i)
{
	return r->nested ? GPA_BASE + (uint64_t)i * PAGE :
			   (uint64_t)(uintptr_t)(r->mem + (size_t)i * PAGE);
}

static uint8_t *page_host(const struct rig *r, uint64_t addr)
{
	if (!r->nested)
		return (uint8_t *)(uintptr_t)addr;
	return r->mem + (addr - GPA_BASE);
}

/* A zeroed guest page; its address. */
static uint64_t page_alloc(struct rig *r)
{
	uint64_t addr = page_addr(r, r->next++);

	memset(page_host(r, addr), 0, PAGE);
	return addr;
}

static bool rig_init_cfg(struct rig *r, int fault, bool nested,
			 const struct viommu_config *cfg)
{
	memset(r, 0, sizeof(*r));
	r->nested = nested;
	r->v = viommu_create(cfg, fault);
	r->mem = aligned_alloc(PAGE, GUEST_PAGES * PAGE);
	if (!r->v || !r->mem || viommu_domain_alloc(r->v, &r->dom))
		return false;
	if (viommu_map(r->v, r->dom, GPA_BASE, r->mem, GUEST_PAGES * PAGE,
		       RW))
		return false;
	r->root = page_alloc(r);
	return true;
}

static bool rig_init(struct rig *r, int fault, bool nested)
{
	struct viommu_config cfg;

	viommu_config_default(&cfg);
	return rig_init_cfg(r, fault, nested, &cfg);
}

static void rig_fini(struct rig *r)
{
	viommu_destroy(r->v);
	free(r->mem);
}

static uint64_t *entry_at(struct rig *r, uint64_t table, uint64_t va,
			  unsigned int level)
{
	unsigned int idx = (unsigned int)(va >> (12 + 9 * (level - 1))) & 511;

	return (uint64_t *)page_host(r, table) + idx;
}

/* The level-`level` entry of va (4-level tables), making upper tables. */
static uint64_t *fs_entry(struct rig *r, uint64_t va, unsigned int level)
{
	uint64_t table = r->root;
	unsigned int l;

	for (l = 4; l > level; l--) {
		uint64_t *e = entry_at(r, table, va, l);

		if (!(*e & VIOMMU_FS_P))
			*e = page_alloc(r) | UPPER;
		table = *e & VIOMMU_FS_ADDR_MASK;
	}
	return entry_at(r, table, va, level);
}

/* Map va to a new guest page with the leaf bits; the page's address. */
static uint64_t fs_map(struct rig *r, uint64_t va, uint64_t bits)
{
	uint64_t page = page_alloc(r);

	*fs_entry(r, va, 1) = page | bits;
	return page;
}

static int bind(struct rig *r, uint32_t pasid, uint32_t flags)
{
	struct viommu_fs_bind b = {
		.type = r->nested ? VIOMMU_PGTT_NESTED :
				    VIOMMU_PGTT_FIRST_STAGE,
		.flags = flags,
		.domain = r->dom,
		.addr_width = 48,
		.pasid_bits = 20,
		.pgtbl = r->root,
	};

	return viommu_bind(r->v, RID_A, pasid, &b);
}

static int dma(struct rig *r, uint64_t va, void *buf, uint32_t access)
{
	return viommu_dma_access(r->v, RID_A, true, PASID, va, buf, 8, access);
}

/* The only fault record: its reason and stage must be these. */
static bool fault_is(struct rig *r, uint32_t reason, uint32_t stage,
		     struct viommu_fault_record *out)
{
	struct viommu_fault_record rec;

	if (viommu_fault_pop(r->v, &rec) || viommu_fault_count(r->v))
		return false;
	if (out)
		*out = rec;
	return rec.reason == reason && rec.stage == stage &&
	       rec.pasid_valid && rec.pasid == PASID;
}

static int inv(struct rig *r, uint32_t granularity, uint32_t flags,
	       uint64_t addr, uint32_t order)
{
	struct viommu_inv i = {
		.cache = VIOMMU_CACHE_IOTLB,
		.granularity = granularity,
		.flags = flags,
		.domain = r->dom,
		.pasid = PASID,
		.addr = addr,
		.size_order = order,
	};

	return viommu_invalidate(r->v, &i);
}

/* ---- Scenarios: true when the unit behaves as viommu.h says ---- */

/* Nested DMA; faults of both stages; a second-stage unmap flushes the
 * nested entries built on it. */
static bool s_nested_dma(int fault)
{
	struct viommu_fault_record rec;
	uint64_t data, got = 0, val = 0x1122334455667788ull;
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, true))
		goto out;
	data = fs_map(&r, VA, UPPER);
	CHECK(bind(&r, PASID, 0) == 0);
	CHECK(dma(&r, VA + 8, &val, VIOMMU_ACC_WRITE) == 0);
	CHECK(memcmp(page_host(&r, data) + 8, &val, 8) == 0);
	CHECK(dma(&r, VA + 8, &got, 0) == 0 && got == val);

	/* No first-stage entry: a first-stage fault. */
	CHECK(dma(&r, VA + PAGE, &got, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_NOT_PRESENT, VIOMMU_STAGE_FIRST, &rec));
	CHECK(rec.addr == VA + PAGE && rec.gpa == 0);

	/* The page gone from the second stage (the driver's unmap flushes
	 * the range without F_PASID): a second-stage fault at its GPA. */
	CHECK(viommu_unmap(r.v, r.dom, data, PAGE) == PAGE);
	CHECK(dma(&r, VA, &got, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_NOT_PRESENT, VIOMMU_STAGE_SECOND, &rec));
	CHECK(rec.gpa == data);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Each first-stage table is read through the second stage, which must
 * grant READ on it. */
static bool s_nested_table_read(int fault)
{
	struct viommu_fault_record rec;
	struct rig r;
	uint64_t got;
	bool ok = false;

	if (!rig_init(&r, fault, true))
		goto out;
	fs_map(&r, VA, UPPER);
	CHECK(bind(&r, PASID, 0) == 0);
	/* The root table becomes write-only in the second stage. */
	CHECK(viommu_unmap(r.v, r.dom, r.root, PAGE) == PAGE);
	CHECK(viommu_map(r.v, r.dom, r.root, page_host(&r, r.root), PAGE,
			 VIOMMU_PROT_WRITE) == 0);
	CHECK(dma(&r, VA, &got, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_READ_DENIED, VIOMMU_STAGE_SECOND, &rec));
	CHECK(rec.gpa == r.root && rec.addr == VA);
	/* Gone altogether. */
	CHECK(viommu_unmap(r.v, r.dom, r.root, PAGE) == PAGE);
	CHECK(dma(&r, VA, &got, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_NOT_PRESENT, VIOMMU_STAGE_SECOND, &rec));
	CHECK(rec.gpa == r.root);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* First-stage rights: RW, US, XD, SRE and WPE, in viommu.h's order. */
static bool s_fs_rights(int fault)
{
	const uint64_t ro = VIOMMU_FS_P | VIOMMU_FS_US;
	const uint64_t kern = VIOMMU_FS_P | VIOMMU_FS_RW;
	const uint32_t W = VIOMMU_ACC_WRITE, P = VIOMMU_ACC_PRIV;
	uint64_t buf = 0;
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, false))
		goto out;
	fs_map(&r, VA, ro);
	fs_map(&r, VA + PAGE, kern);
	fs_map(&r, VA + 2 * PAGE, UPPER | VIOMMU_FS_XD);
	CHECK(bind(&r, PASID, 0) == 0);

	CHECK(dma(&r, VA, &buf, 0) == 0);
	CHECK(dma(&r, VA, &buf, W) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_WRITE_DENIED, VIOMMU_STAGE_FIRST, NULL));
	CHECK(dma(&r, VA + PAGE, &buf, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_USER_DENIED, VIOMMU_STAGE_FIRST, NULL));
	CHECK(dma(&r, VA + 2 * PAGE, &buf, VIOMMU_ACC_EXEC) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_EXEC_DENIED, VIOMMU_STAGE_FIRST, NULL));
	CHECK(dma(&r, VA, &buf, VIOMMU_ACC_EXEC) == 0);
	/* A VA beyond the table's levels does not alias the low one. */
	CHECK(dma(&r, VA | 1ull << 48, &buf, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_ADDR_RANGE, VIOMMU_STAGE_FIRST, NULL));
	/* Supervisor requests need SRE. */
	CHECK(dma(&r, VA + PAGE, &buf, P) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_PRIV_DENIED, VIOMMU_STAGE_FIRST, NULL));
	CHECK(viommu_detach(r.v, RID_A, PASID) == 0);
	CHECK(bind(&r, PASID, VIOMMU_FS_F_SRE) == 0);
	CHECK(dma(&r, VA + PAGE, &buf, P | W) == 0);
	CHECK(dma(&r, VA, &buf, P | W) == 0);	/* no WPE: RW not needed */
	CHECK(viommu_detach(r.v, RID_A, PASID) == 0);
	CHECK(bind(&r, PASID, VIOMMU_FS_F_SRE | VIOMMU_FS_F_WPE) == 0);
	CHECK(dma(&r, VA, &buf, P | W) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_WRITE_DENIED, VIOMMU_STAGE_FIRST, NULL));
	/* Bits 62:52 are ignored; PS in the PML4 entry is reserved (a VA
	 * of another 2 MiB region: the PSC holds VA's leaf table). */
	*fs_entry(&r, VA + 3 * PAGE, 1) = page_alloc(&r) | UPPER | (1ull << 60);
	CHECK(dma(&r, VA + 3 * PAGE, &buf, 0) == 0);
	fs_map(&r, VA + (4ull << 20), UPPER);
	*fs_entry(&r, VA, 4) |= VIOMMU_FS_PS;
	CHECK(dma(&r, VA + (4ull << 20), &buf, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_FS_RESERVED, VIOMMU_STAGE_FIRST, NULL));
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/*
 * A level-2 entry with PS maps a 2 MiB page (bits 20:13 reserved, PS
 * above level 2 reserved); an invalidation of the 2 MiB (size order 9)
 * drops every cached piece of it.
 */
static bool s_fs_large(int fault)
{
	const uint64_t VB = VA + (2ull << 20), PS = VIOMMU_FS_PS;
	const uint32_t FP = VIOMMU_INV_F_PASID | VIOMMU_INV_F_LEAF;
	uint64_t *pde, got = 0;
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, true))
		goto out;
	pde = fs_entry(&r, VB, 2);
	/* GPA_BASE is 2 MiB aligned; guest page 30 is its 31st 4 KiB */
	*pde = GPA_BASE | UPPER | PS | (1ull << 60);	/* 62:52 ignored */
	memset(r.mem + 30 * PAGE, 0x30, PAGE);
	CHECK(bind(&r, PASID, 0) == 0);
	CHECK(dma(&r, VB + 30 * PAGE + 8, &got, 0) == 0);
	CHECK(got == 0x3030303030303030ull);
	/* the guest unmaps the 2 MiB page and invalidates all of it */
	*pde = 0;
	CHECK(dma(&r, VB + 30 * PAGE, &got, 0) == 0);	/* stale, cached */
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP, VB, 9) == 0);
	CHECK(dma(&r, VB + 30 * PAGE, &got, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_NOT_PRESENT, VIOMMU_STAGE_FIRST, NULL));
	/* reserved: an address beyond the host address width (48 bits) */
	*pde = (1ull << 48) | UPPER | PS;
	CHECK(dma(&r, VB, &got, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_FS_RESERVED, VIOMMU_STAGE_FIRST, NULL));
	/* reserved: bits 20:13 of a 2 MiB leaf, PS at level 3 */
	*pde = GPA_BASE | UPPER | PS | (1ull << 13);
	CHECK(dma(&r, VB, &got, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_FS_RESERVED, VIOMMU_STAGE_FIRST, NULL));
	*pde = GPA_BASE | UPPER | PS;
	*fs_entry(&r, VB, 3) |= PS;
	CHECK(dma(&r, VB, &got, 0) == -EFAULT);
	CHECK(fault_is(&r, VIOMMU_FR_FS_RESERVED, VIOMMU_STAGE_FIRST, NULL));
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Every field of a bind is checked before anything changes. */
static bool s_bind_checks(int fault)
{
	struct viommu_pasid_info info;
	struct viommu_config cfg;
	struct viommu_fs_bind good, b;
	uint32_t spare;
	struct rig r;
	bool ok = false;

	viommu_config_default(&cfg);
	cfg.fs_addr_width = 48;
	if (!rig_init_cfg(&r, fault, true, &cfg))
		goto out;
	good = (struct viommu_fs_bind){
		.type = VIOMMU_PGTT_NESTED, .flags = VIOMMU_FS_F_PRE,
		.domain = r.dom, .addr_width = 48, .pasid_bits = 10,
		.pgtbl = r.root,
	};
#define BAD(field, value, err) do {					\
		b = good;						\
		b.field = value;					\
		CHECK(viommu_bind(r.v, RID_A, PASID, &b) == (err));	\
		CHECK(viommu_pasid_get(r.v, RID_A, PASID, &info) ==	\
		      -ENOENT);						\
	} while (0)
	BAD(type, VIOMMU_PGTT_SECOND_STAGE, -EINVAL);
	BAD(flags, 1u << 5, -EINVAL);
	BAD(reserved, 1, -EINVAL);
	BAD(addr_width, 39, -EINVAL);
	BAD(addr_width, 57, -EINVAL);		/* beyond this host */
	BAD(pasid_bits, 21, -EINVAL);		/* beyond the host's 20 */
	BAD(pasid_bits, 0, -EINVAL);
	BAD(pgtbl, r.root + 8, -EINVAL);
	BAD(pgtbl, 0, -EINVAL);
	BAD(pgtbl, 1ull << 48, -EINVAL);	/* beyond the second stage */
	BAD(domain, 999, -ENOENT);
#undef BAD
	CHECK(viommu_bind(r.v, RID_A, 1u << 10, &good) == -ERANGE);
	CHECK(viommu_bind(r.v, RID_A, 1u << 20, &good) == -ERANGE);
	CHECK(viommu_bind(r.v, RID_A, PASID, &good) == 0);
	CHECK(viommu_bind(r.v, RID_A, PASID, &good) == -EBUSY);
	CHECK(viommu_pasid_get(r.v, RID_A, PASID, &info) == 0);
	CHECK(info.type == VIOMMU_PGTT_NESTED && info.domain == r.dom);
	CHECK(info.fs_pgtbl == r.root && info.fs_addr_width == 48);
	CHECK(info.fs_flags == VIOMMU_FS_F_PRE);
	CHECK(viommu_domain_free(r.v, r.dom) == -EBUSY);
	CHECK(viommu_detach(r.v, RID_A, PASID) == 0);
	CHECK(viommu_domain_alloc(r.v, &spare) == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/*
 * A stale first-stage IOTLB entry stays until invalidated; a leaf
 * invalidation drops it and keeps the PSC (a changed upper entry is not
 * seen), a non-leaf one drops the PSC too.
 */
static bool s_fs_inv_leaf(int fault)
{
	struct viommu_stats st0, st1;
	uint64_t p1, p2, p3, lt2, got;
	const uint32_t FP = VIOMMU_INV_F_PASID;
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, true))
		goto out;
	p1 = fs_map(&r, VA, UPPER);
	p2 = page_alloc(&r);
	memset(page_host(&r, p1), 1, PAGE);
	memset(page_host(&r, p2), 2, PAGE);
	CHECK(bind(&r, PASID, 0) == 0);
	CHECK(dma(&r, VA, &got, 0) == 0 && (uint8_t)got == 1);

	/* The guest remaps the leaf: stale until invalidated. */
	*fs_entry(&r, VA, 1) = p2 | UPPER;
	CHECK(dma(&r, VA, &got, 0) == 0 && (uint8_t)got == 1);
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP | VIOMMU_INV_F_LEAF, VA, 0) == 0);
	viommu_get_stats(r.v, &st0);
	CHECK(dma(&r, VA, &got, 0) == 0 && (uint8_t)got == 2);
	viommu_get_stats(r.v, &st1);
	CHECK(st1.psc_hits == st0.psc_hits + 1);	/* PSC kept */

	/* The guest points the level-2 entry at a new leaf table. */
	lt2 = page_alloc(&r);
	p3 = page_alloc(&r);
	memset(page_host(&r, p3), 3, PAGE);
	*entry_at(&r, lt2, VA, 1) = p3 | UPPER;
	*fs_entry(&r, VA, 2) = lt2 | UPPER;
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP | VIOMMU_INV_F_LEAF, VA, 0) == 0);
	CHECK(dma(&r, VA, &got, 0) == 0 && (uint8_t)got == 2);
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP, VA, 0) == 0);
	CHECK(dma(&r, VA, &got, 0) == 0 && (uint8_t)got == 3);

	/* PASID granularity drops the PSC as well. */
	CHECK(inv(&r, VIOMMU_INV_PASID, 0, 0, 0) == 0);
	viommu_get_stats(r.v, &st0);
	CHECK(dma(&r, VA, &got, 0) == 0);
	viommu_get_stats(r.v, &st1);
	CHECK(st1.psc_misses == st0.psc_misses + 1);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Address widths and size orders of first- and second-stage requests. */
static bool s_fs_inv_checks(int fault)
{
	const uint32_t FP = VIOMMU_INV_F_PASID;
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, true))
		goto out;
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP, 0, 45) == 0);	/* 57 bits */
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP, 0, 46) == -EINVAL);
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP, 1ull << 57, 0) == -EINVAL);
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP, 1ull << 50, 0) == 0);
	CHECK(inv(&r, VIOMMU_INV_ADDR, 0, 0, 36) == 0);		/* 48 bits */
	CHECK(inv(&r, VIOMMU_INV_ADDR, 0, 0, 37) == -EINVAL);
	CHECK(inv(&r, VIOMMU_INV_ADDR, 0, 1ull << 50, 0) == -EINVAL);
	CHECK(inv(&r, VIOMMU_INV_ADDR, FP, PAGE, 1) == -EINVAL);
	CHECK(inv(&r, 7, FP, 0, 0) == -EINVAL);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static struct viommu_page_request preq(uint16_t prg, bool last, uint64_t va)
{
	return (struct viommu_page_request){
		.rid = RID_A, .pasid_valid = true, .pasid = PASID,
		.addr = va, .perm = VIOMMU_PR_READ | VIOMMU_PR_WRITE,
		.prg_index = prg, .last = last, .private_data = 0xabcd + prg,
	};
}

static struct viommu_page_response presp(uint16_t prg, uint32_t code)
{
	return (struct viommu_page_response){
		.rid = RID_A, .pasid_valid = true, .pasid = PASID,
		.prg_index = prg, .code = code,
	};
}

/* The device's next response must be this group's, with this code. */
static bool device_got(struct rig *r, uint16_t prg, uint32_t code)
{
	struct viommu_page_response got;

	return !viommu_prq_response_pop(r->v, &got) && got.rid == RID_A &&
	       got.prg_index == prg && got.code == code;
}

/* A group's round trip: queued requests, a response once, after the
 * last request only, matched exactly. */
static bool s_prq_roundtrip(int fault)
{
	struct viommu_page_request req, got;
	struct viommu_page_response resp;
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, true))
		goto out;
	fs_map(&r, VA, UPPER);
	CHECK(bind(&r, PASID, VIOMMU_FS_F_PRE) == 0);

	req = preq(3, false, VA + PAGE);
	CHECK(viommu_prq_submit(r.v, &req) == 0);
	resp = presp(3, VIOMMU_PR_SUCCESS);
	CHECK(viommu_page_response(r.v, &resp) == -EINVAL);	/* open */
	req = preq(3, true, VA + 2 * PAGE);
	CHECK(viommu_prq_submit(r.v, &req) == 0);
	CHECK(viommu_prq_pop(r.v, &got) == 0);
	CHECK(got.addr == VA + PAGE && !got.last && got.prg_index == 3);
	CHECK(viommu_prq_pop(r.v, &got) == 0);
	CHECK(got.last && got.private_data == 0xabcd + 3);
	CHECK(got.perm == (VIOMMU_PR_READ | VIOMMU_PR_WRITE));
	CHECK(viommu_prq_pop(r.v, &got) == -ENOENT);

	resp.pasid = PASID + 1;					/* wrong PASID */
	CHECK(viommu_page_response(r.v, &resp) == -EINVAL);
	resp = presp(4, VIOMMU_PR_SUCCESS);			/* unknown PRG */
	CHECK(viommu_page_response(r.v, &resp) == -EINVAL);
	resp = presp(3, 2);					/* bad code */
	CHECK(viommu_page_response(r.v, &resp) == -EINVAL);
	CHECK(viommu_prq_response_pop(r.v, &resp) == -ENOENT);
	resp = presp(3, VIOMMU_PR_FAILURE);
	CHECK(viommu_page_response(r.v, &resp) == 0);
	CHECK(viommu_page_response(r.v, &resp) == -EINVAL);	/* twice */
	CHECK(device_got(&r, 3, VIOMMU_PR_FAILURE));
	CHECK(viommu_prq_response_pop(r.v, &resp) == -ENOENT);
	CHECK(viommu_prq_groups(r.v) == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* What the unit answers itself: entries without PRE, malformed requests;
 * a request the tables already grant (a stale cached translation) is
 * queued for software, not answered. */
static bool s_prq_unit_answers(int fault)
{
	struct viommu_page_request req;
	struct viommu_stats st;
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, true))
		goto out;
	fs_map(&r, VA, UPPER);
	CHECK(bind(&r, PASID, VIOMMU_FS_F_PRE) == 0);
	CHECK(bind(&r, PASID + 1, 0) == 0);
	req = preq(1, true, VA);				/* present */
	CHECK(viommu_prq_submit(r.v, &req) == 0);
	CHECK(viommu_prq_response_pop(r.v, &(struct viommu_page_response){
				      }) == -ENOENT);
	CHECK(viommu_prq_pop(r.v, &req) == 0 && req.addr == VA);
	req.pasid = PASID + 1;					/* no PRE */
	CHECK(viommu_prq_submit(r.v, &req) == -ENOENT);
	CHECK(viommu_prq_response_pop(r.v, &(struct viommu_page_response){
				      }) == 0);
	req = preq(1, true, VA + 1);				/* unaligned */
	CHECK(viommu_prq_submit(r.v, &req) == -EINVAL);
	req = preq(512, true, VA);
	CHECK(viommu_prq_submit(r.v, &req) == -EINVAL);
	req = preq(1, true, VA);
	req.perm = VIOMMU_PR_PRIV;
	CHECK(viommu_prq_submit(r.v, &req) == -EINVAL);
	CHECK(viommu_prq_response_pop(r.v, &(struct viommu_page_response){
				      }) == -ENOENT);
	viommu_get_stats(r.v, &st);
	CHECK(st.prq_queued == 1 && st.prq_auto_responses == 1);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* Drain: a device's (or a PASID's) requests discarded, its groups
 * completed INVALID, other devices' kept. */
static bool s_prq_drain(int fault)
{
	struct viommu_page_request req, got;
	struct rig r;
	bool ok = false;

	if (!rig_init(&r, fault, true))
		goto out;
	CHECK(bind(&r, PASID, VIOMMU_FS_F_PRE) == 0);
	CHECK(viommu_attach(r.v, RID_B, PASID, r.dom) == 0);
	{
		struct viommu_fs_bind b = {
			.type = VIOMMU_PGTT_NESTED, .flags = VIOMMU_FS_F_PRE,
			.domain = r.dom, .addr_width = 48, .pasid_bits = 20,
			.pgtbl = r.root,
		};

		CHECK(viommu_bind(r.v, RID_B, PASID + 1, &b) == 0);
	}
	req = preq(1, false, VA);
	CHECK(viommu_prq_submit(r.v, &req) == 0);	/* open */
	req = preq(2, true, VA);
	CHECK(viommu_prq_submit(r.v, &req) == 0);	/* outstanding */
	req = preq(1, true, VA);
	req.rid = RID_B;
	req.pasid = PASID + 1;
	CHECK(viommu_prq_submit(r.v, &req) == 0);
	CHECK(viommu_prq_drain(r.v, RID_A, 1u << 4, false, 0) == -EINVAL);
	CHECK(viommu_prq_drain(r.v, RID_A, 0, false, 0) == 2);
	CHECK(device_got(&r, 1, VIOMMU_PR_INVALID));
	CHECK(device_got(&r, 2, VIOMMU_PR_INVALID));
	CHECK(viommu_prq_groups(r.v) == 1);
	CHECK(viommu_prq_pop(r.v, &got) == 0 && got.rid == RID_B);
	CHECK(viommu_prq_pop(r.v, &got) == -ENOENT);
	/* PASID-selective: another PASID of RID_B stays untouched. */
	CHECK(viommu_prq_drain(r.v, RID_B, VIOMMU_DRAIN_F_PASID, true,
			       PASID) == 0);
	CHECK(viommu_prq_drain(r.v, RID_B, VIOMMU_DRAIN_F_PASID, true,
			       PASID + 1) == 1);
	CHECK(viommu_prq_groups(r.v) == 0);
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

/* A full queue loses requests, counts them, and answers a lost last
 * request SUCCESS so that the device retries. */
static bool s_prq_overflow(int fault)
{
	struct viommu_page_request req;
	struct viommu_config cfg;
	struct viommu_stats st;
	struct rig r;
	bool ok = false;

	viommu_config_default(&cfg);
	cfg.prq_depth = 2;
	if (!rig_init_cfg(&r, fault, true, &cfg))
		goto out;
	CHECK(bind(&r, PASID, VIOMMU_FS_F_PRE) == 0);
	req = preq(1, false, VA);
	CHECK(viommu_prq_submit(r.v, &req) == 0);
	CHECK(viommu_prq_submit(r.v, &req) == 0);
	req = preq(1, true, VA);
	CHECK(viommu_prq_submit(r.v, &req) == -ENOSPC);
	viommu_get_stats(r.v, &st);
	CHECK(st.prq_overflows == 1 && st.prq_queued == 2);
	CHECK(device_got(&r, 1, VIOMMU_PR_SUCCESS));
	CHECK(viommu_prq_groups(r.v) == 0);	/* answered: forgotten */
	ok = true;
out:
	rig_fini(&r);
	return ok;
}

static const struct tap_scenario scenarios[] = {
	{ "nested dma and both stages' faults", s_nested_dma },
	{ "nested table reads through the second stage", s_nested_table_read },
	{ "first-stage rights", s_fs_rights },
	{ "first-stage 2 MiB pages", s_fs_large },
	{ "bind sanitizes every field", s_bind_checks },
	{ "first-stage invalidation, PSC and leaf flag", s_fs_inv_leaf },
	{ "invalidation widths and size orders", s_fs_inv_checks },
	{ "page request round trip", s_prq_roundtrip },
	{ "page requests the unit answers", s_prq_unit_answers },
	{ "page request drain", s_prq_drain },
	{ "page request overflow", s_prq_overflow },
};

#define NSCEN (sizeof(scenarios) / sizeof(scenarios[0]))

/* ---- TAP tests ---- */

static void test_config(void)
{
	struct viommu_config cfg;

	viommu_config_default(&cfg);
	EXPECT_EQ(cfg.fs_addr_width, 57);
	cfg.fs_addr_width = 52;
	EXPECT_TRUE(viommu_create(&cfg, 0) == NULL && errno == EINVAL);
	viommu_config_default(&cfg);
	cfg.prq_depth = 0;
	EXPECT_TRUE(viommu_create(&cfg, 0) == NULL);
	viommu_config_default(&cfg);
	cfg.psc_entries = 65537;
	EXPECT_TRUE(viommu_create(&cfg, 0) == NULL);
	EXPECT_TRUE(strcmp(viommu_fault_reason_name(VIOMMU_FR_FS_RESERVED),
			   "fs-reserved") == 0);
}

static const char *const fault_names[] = {
	"none",
#define NAME(code, name, reach, summary) name,
	VIOMMU_FAULT_LIST(NAME)
#undef NAME
};

/* This binary proves the vSVA faults (faults.h), UNIT or not. */
static bool proves(int fault)
{
	return fault >= VIOMMU_FAULT_FIRST_VSVA;
}

int main(void)
{
	static const struct tap_test fixed[] = {
		{ "config: first stage, PSC, page requests", test_config },
	};
	const struct tap_fault_matrix m = {
		.scen = scenarios, .nscen = NSCEN,
		.nr_faults = VIOMMU_FAULT_COUNT, .proves = proves,
		.names = fault_names, .reach = NULL, .why = tap_why,
		.title = "every vSVA fault is observable",
	};

	return tap_run_matrix(fixed, sizeof(fixed) / sizeof(fixed[0]), &m);
}
