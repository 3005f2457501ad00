// SPDX-License-Identifier: MIT
/*
 * viommu_ops: the reference IOMMU (harness/ref/viommu) driven through its
 * own API with guest data: guest first-stage tables written into guest
 * memory (walked through the second stage, NESTED), host first-stage
 * tables (FIRST_STAGE), PASID entries of every type bound with fuzzed
 * bind requests, DMA with every request attribute at addresses across
 * level and 2 MiB boundaries, invalidation descriptors of every cache,
 * granularity and flag (and malformed ones), page requests, responses and
 * drains, fault records. A vIOMMU's guest is the input.
 *
 * Input (struct fz: any byte string decodes):
 *   byte 0     configuration: bit 0 clear is viommu_config_default()
 *              (max_domains capped to the model's 6); set reads widths and
 *              small cache, log and queue sizes (read_config); bit 7
 *              first tries a bad one, which viommu_create must refuse;
 *              bit 6 first creates the unit with its nth allocation
 *              failing (create_enomem)
 *   then ops, one byte each (% NR_OPS, enum below) and its operands (the
 *   *_pick helpers), to the end or until a model table is full; a byte
 *   0xf8..0xff before an op arms an allocation failure for it (run_op).
 *
 * Memory: guest memory is 2 MiB of this process, 2 MiB aligned; second-
 * stage maps point into its first 64 pages; guest (NESTED) tables hold
 * any bytes the input writes, addresses being GPAs. Host (FIRST_STAGE)
 * tables are the host's own and trusted (viommu.h), so the harness writes
 * their entries itself: flags, ignored and reserved bits from the input,
 * addresses always a table of the level below or guest memory. Every page
 * starts with a pattern of its own, so that the bytes a DMA moves tell
 * which page it reached.
 *
 * Oracle, besides ASan/UBSan (oracle.c, oracle_prq.c; the faults of
 * harness/ref/viommu/faults.h that show each can fail are in
 * fuzz/viommu_ops/kills):
 *  - every operation's return is the one viommu.h gives for its arguments
 *    and the model's state (for several errors, any of them), and a
 *    refused one changes nothing the later operations can see; one whose
 *    armed allocation failed returns -ENOMEM and changes nothing either
 *    (map-enomem-keeps); a bad configuration is refused;
 *  - each page of a DMA comes to an outcome some state of the tables and
 *    caches allows: the fresh walk, or a translation, PASID entry or leaf
 *    table that may still be cached (never one that never existed, and
 *    after the right invalidation only the fresh one); a read returns
 *    that page's bytes, a write changes that page only, and the pages
 *    after a failed one move nothing;
 *  - a failed request leaves one fault record (or counts a drop when the
 *    log is full) with its RID, PASID, address and access, and a reason,
 *    stage and GPA one of its allowed outcomes gives; counters agree;
 *  - page requests: every answer, queued request, response toward the
 *    device (the unit's own answers included), drain count and counter
 *    as the page request model says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/common/fuzz.h"
#include "harness/ref/alloc/alloc.h"
#include "viommu_ops.h"

struct vo_state vo;

const uint16_t vo_rids[4] = { 0x0000, 0x0008, 0x0100, 0xffff };

/* Addresses across level boundaries: 4 KiB, 2 MiB, 1 GiB, the 48-bit
 * and 57-bit limits, bit 47. */
static const uint64_t vas[16] = {
	0x0, 0x1000, 0x3000, 0x1ff000, 0x200000, 0x201000, 0x3ff000,
	0x40000000, 0x7fffffe00000, 0x7ffffffff000, 0x800000000000,
	0xfffffffff000, 0x1000000000000, 0xfffffffffff000,
	0x100000000000000, 0x200000000000000,
};

/* ---- The injected fault (SIOVH_FUZZ_FAULT, fuzz/oracle_check.sh) ---- */

static const char *const fault_names[] = {
#define FAULT_NAME(code, name, reach, summary) "viommu-" name,
	VIOMMU_FAULT_LIST(FAULT_NAME)
#undef FAULT_NAME
};

/* SIOVH_FUZZ_FAULT=viommu-NAME: the unit is created with that fault (UNIT
 * faults included: this target drives the unit itself). */
static int fault_get(void)
{
	return fz_unit_fault(fault_names,
			     sizeof(fault_names) / sizeof(fault_names[0]),
			     "viommu unit");
}

/* ---- Memory ---- */

static uint64_t pattern(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void page_reset(uint32_t p)
{
	uint64_t w;
	uint32_t j;

	for (j = 0; j < PAGE / 8; j++) {
		w = pattern((uint64_t)p << 9 | j);
		memcpy(vo.mem + (uint64_t)p * PAGE + j * 8, &w, 8);
	}
	memcpy(vo.shadow + (uint64_t)p * PAGE, vo.mem + (uint64_t)p * PAGE,
	       PAGE);
	vo.touched[p] = 0;
}

static void memory_init(void)
{
	uint32_t p;

	if (!vo.mem) {
		vo.mem = aligned_alloc(G_SIZE, G_SIZE);
		vo.shadow = malloc(G_SIZE);
		vo.tables = aligned_alloc(PAGE, T_PAGES * PAGE);
		if (!vo.mem || !vo.shadow || !vo.tables)
			fz_fail("out of memory for the guest memory");
		for (p = 0; p < G_PAGES; p++)
			page_reset(p);
		memset(vo.tables, 0, T_PAGES * PAGE);
		return;
	}
	for (p = 0; p < G_PAGES; p++)
		if (vo.touched[p])
			page_reset(p);
	if (vo.tables_touched)
		memset(vo.tables, 0, T_PAGES * PAGE);
	vo.tables_touched = false;
}

/* ---- Operands ---- */

uint16_t rid_pick(struct fz *f)
{
	return vo_rids[fz_u8(f) % 4];
}

/* A PASID: mostly 0..7, sometimes the untagged entry, or any. */
uint32_t pasid_pick(struct fz *f)
{
	uint8_t b = fz_u8(f);

	if (b < 0xe0)
		return b % 8;
	return b < 0xf0 ? VIOMMU_NO_PASID : fz_u32(f);
}

/* A DID: one the model has, one it has not, or any. */
uint32_t dom_pick(struct fz *f)
{
	uint8_t b = fz_u8(f);
	uint32_t i = b % (MAX_DOMS + 1), did;

	if (b >= 0xf0)
		return fz_u32(f);
	if (i < MAX_DOMS && vo.doms[i].did)
		return vo.doms[i].did;
	for (did = 1; vo_dom(did); did++)
		;
	return did;
}

/* An IOVA or GPA: a page of the mapped window, a boundary, or any. */
uint64_t gpa_pick(struct fz *f)
{
	uint8_t b = fz_u8(f);

	if (b < 0xf0)
		return (uint64_t)(b % MAP_PAGES) * PAGE;
	if (b < 0xf8)
		return vas[fz_u8(f) % 16];
	return fz_u64(f);
}

/* A VA for requests: a boundary plus up to 16 pages, or any. */
static uint64_t va_pick(struct fz *f)
{
	uint8_t b = fz_u8(f);

	if (b < 0xf0)
		return vas[b % 16] + fz_u16(f);
	return fz_u64(f);
}

/* A table index: the one a boundary VA uses at a level, or any. */
static unsigned int idx_pick(struct fz *f, unsigned int level)
{
	uint8_t b = fz_u8(f);

	if (b & 0x80) {
		if (!level)
			level = 1 + ((b >> 4) & 7) % 5;
		return (unsigned int)(vas[b & 15] >> (12 + 9 * (level - 1))) &
		       511;
	}
	return (b | (unsigned int)fz_u8(f) << 7) & 511;
}

/*
 * A first-stage entry's flags and extra bits from a flags byte: bit 0 P,
 * 1 RW, 2 US, 3 PS, 4 XD, 5 bits 62:52 (ignored) from a u16, 6 bits 20:13
 * (reserved in a 2 MiB leaf) from a u8.
 */
static uint64_t entry_bits(struct fz *f, uint8_t fl)
{
	uint64_t x = 0;

	x |= fl & 1 ? VIOMMU_FS_P : 0;
	x |= fl & 2 ? VIOMMU_FS_RW : 0;
	x |= fl & 4 ? VIOMMU_FS_US : 0;
	x |= fl & 8 ? VIOMMU_FS_PS : 0;
	x |= fl & 16 ? VIOMMU_FS_XD : 0;
	if (fl & 32)
		x |= ((uint64_t)fz_u16(f) & 0x7ff) << 52;
	if (fl & 64)
		x |= ((uint64_t)fz_u8(f) << 13) & VIOMMU_FS_2M_RSVD_MASK;
	return x;
}

/* A guest (NESTED) entry: a GPA of the window, any page, or raw bytes. */
static uint64_t guest_entry(struct fz *f)
{
	uint8_t fl = fz_u8(f), g;
	uint64_t x;

	if (fl & 0x80)
		return fz_u64(f);
	x = entry_bits(f, fl);
	g = fz_u8(f);
	if (g >= 0xf0)
		return x | (((uint64_t)fz_u32(f) << 12) & VIOMMU_FS_ADDR_MASK);
	if (fl & 8)
		return x | (uint64_t)((g >> 6) & 3) << 21;
	return x | (uint64_t)(g % MAP_PAGES) * PAGE;
}

/* A host (FIRST_STAGE) entry of a table of `level`: its address is the
 * harness's, a table of the level below or guest memory. */
static uint64_t host_entry(struct fz *f, unsigned int level)
{
	uint8_t fl = fz_u8(f), g = fz_u8(f);
	uint64_t x = entry_bits(f, fl);

	if (level == 1)
		return x | g_addr(g % MAP_PAGES);
	if (level == 2 && (x & VIOMMU_FS_PS))
		return x | g_addr(0);
	/* a table's address: bits 20:13 are its own, not reserved ones */
	return (x & ~VIOMMU_FS_2M_RSVD_MASK) | t_addr(level - 1, g);
}

/* ---- Table writes: the guest's and the host's ---- */

static void op_guest_write(struct fz *f)
{
	uint32_t page = fz_u8(f) % MAP_PAGES;
	unsigned int idx = idx_pick(f, 0);
	uint64_t x = guest_entry(f), off = (uint64_t)page * PAGE + idx * 8;

	memcpy(vo.mem + off, &x, 8);
	memcpy(vo.shadow + off, &x, 8);
	vo.touched[page] = 1;
}

static void op_host_write(struct fz *f)
{
	uint8_t b = fz_u8(f);
	unsigned int level = 1 + b % 5, idx = idx_pick(f, level);
	uint64_t x = host_entry(f, level);

	memcpy((uint8_t *)(uintptr_t)t_addr(level, b / 5) + idx * 8, &x, 8);
	vo.tables_touched = true;
}

/* ---- Invalidation ---- */

static void op_invalidate(struct fz *f)
{
	static const uint32_t caches[] = { VIOMMU_CACHE_IOTLB,
					   VIOMMU_CACHE_PASID,
					   VIOMMU_CACHE_IOTLB };
	struct viommu_inv inv = { 0 };
	uint8_t b = fz_u8(f), g = fz_u8(f), o;
	int want, ret;

	inv.cache = b % 4 < 3 ? caches[b % 4] : fz_u8(f);
	inv.granularity = g % 6 < 4 ? 1 + g % 6 : g % 6 == 4 ?
			  VIOMMU_INV_ADDR : fz_u8(f);
	inv.flags = b & 0x80 ? fz_u32(f) : (b >> 2) & 3;
	inv.domain = dom_pick(f);
	inv.pasid = pasid_pick(f);
	o = fz_u8(f);
	inv.size_order = o < 0xe0 ? o % 12 : o < 0xf0 ? 36 + o % 12 : fz_u8(f);
	b = fz_u8(f);
	if (b < 0xf0 && inv.size_order < 52)
		inv.addr = vas[b % 16] & ~((1ull << (inv.size_order + 12)) - 1);
	else
		inv.addr = fz_u64(f);
	want = vo_inv_expect(&inv);
	ret = viommu_invalidate(vo.v, &inv);
	fz_note_u64((uint64_t)ret);
	if (ret != want)
		fz_fail("invalidate cache %u granularity %u flags %#x addr "
			"%#llx order %u: %d, the contract says %d", inv.cache,
			inv.granularity, inv.flags,
			(unsigned long long)inv.addr, inv.size_order, ret, want);
	if (!ret)
		vo_model_invalidate(&inv);
}

/* ---- DMA ---- */

#define DMA_MAX		(3 * PAGE)	/* at most 4 pages */

/* A first byte for a piece that none of its pages holds at off. */
static uint8_t sentinel(const struct cands *c, uint64_t off)
{
	bool seen[256] = { false };
	unsigned int i, v;

	for (i = 0; i < c->n; i++)
		if (c->o[i].ok)
			seen[vo.shadow[(uint64_t)c->o[i].page * PAGE + off]] =
				true;
	for (v = 0; seen[v]; v++)
		;
	return (uint8_t)v;
}

static bool cands_fault(const struct cands *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (!c->o[i].ok)
			return true;
	return false;
}

/* The page of a read piece whose bytes buf holds, or -1. */
static int read_match(const struct cands *c, uint64_t off, const uint8_t *buf,
		      size_t n)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->o[i].ok &&
		    !memcmp(buf, vo.shadow + (uint64_t)c->o[i].page * PAGE + off,
			    n))
			return (int)c->o[i].page;
	return -1;
}

/* The page a write piece changed (its first byte), or -1; -2: several. */
static int write_landed(const struct cands *c, uint64_t off)
{
	unsigned int i;
	int hit = -1;

	for (i = 0; i < c->n; i++) {
		uint64_t at = (uint64_t)c->o[i].page * PAGE + off;

		if (c->o[i].ok && vo.mem[at] != vo.shadow[at])
			hit = hit == -1 ? (int)c->o[i].page : -2;
	}
	return hit;
}

static void op_dma(struct fz *f)
{
	static const size_t lens[] = { 1, 8, 64, 4095, 4096, 4097, 8192,
				       DMA_MAX, 0 };
	static uint8_t buf[DMA_MAX];
	static struct cands c[4];
	uint16_t rid = rid_pick(f);
	uint8_t fl = fz_u8(f);
	bool pv = fl & 1;
	uint32_t access = fl & 0x10 ? fz_u8(f) : (fl >> 1) & 7;
	uint32_t pasid = pasid_pick(f);
	uint64_t va = va_pick(f), off;
	size_t len = fz_pick(f, lens), n, pos;
	bool wr = access & VIOMMU_ACC_WRITE;
	struct want_fault w;
	unsigned int np = 0, i, k;
	int ret, page;

	if (wr && len > PAGE - va % PAGE)	/* writes: one page */
		len = PAGE - va % PAGE;
	if (!len || va + len < va || (access & ~VIOMMU_ACC_ALL) ||
	    (wr && (access & VIOMMU_ACC_EXEC))) {
		ret = viommu_dma_access(vo.v, rid, pv, pasid, va, buf, len,
					access);
		expect("dma", ret, (int[]){ -EINVAL }, 1);
		return;
	}
	if (wr)
		fz_bytes(f, buf, len);
	for (pos = 0; pos < len; pos += n, np++) {
		off = (va + pos) % PAGE;
		n = PAGE - off < len - pos ? PAGE - off : len - pos;
		vo_page_cands(rid, pv, pasid, va + pos, access, &c[np]);
		buf[pos] = sentinel(&c[np], off);
	}
	if (vo.saturated)
		return;
	if (fl & 0x20 && !(access & ~VIOMMU_ACC_WRITE))	/* the old call */
		ret = viommu_dma(vo.v, rid, pv, pasid, va, buf, len, wr);
	else
		ret = viommu_dma_access(vo.v, rid, pv, pasid, va, buf, len,
					access);
	fz_note_u64((uint64_t)ret);
	if (ret && ret != -EFAULT)
		fz_fail("dma at %#llx: %d, neither 0 nor -EFAULT",
			(unsigned long long)va, ret);
	for (pos = 0, k = 0; k < np; pos += n, k++) {
		off = (va + pos) % PAGE;
		n = PAGE - off < len - pos ? PAGE - off : len - pos;
		if (wr) {
			page = write_landed(&c[k], off);
			if (page == -1)
				break;
			if (page < 0 || memcmp(vo.mem + (uint64_t)page * PAGE +
					       off, buf + pos, n))
				fz_fail("dma write at %#llx reached its pages "
					"wrongly (%d)", (unsigned long long)va,
					page);
			memcpy(vo.shadow + (uint64_t)page * PAGE + off,
			       buf + pos, n);
			vo.touched[page] = 1;
			if (memcmp(vo.mem + (uint64_t)page * PAGE,
				   vo.shadow + (uint64_t)page * PAGE, PAGE))
				fz_fail("dma write at %#llx changed bytes of "
					"guest page %d outside its range",
					(unsigned long long)va, page);
			continue;
		}
		if (buf[pos] == sentinel(&c[k], off))
			break;
		if (read_match(&c[k], off, buf + pos, n) < 0)
			fz_fail("dma read at %#llx (rid %#x pasid %d/%#x access "
				"%#x): the bytes of no page that state of the "
				"tables and caches maps (%u allowed outcomes)",
				(unsigned long long)(va + pos), rid, pv, pasid,
				access, c[k].n);
	}
	for (i = k + 1; !wr && i < np; i++) {
		pos = PAGE * i - va % PAGE;
		if (buf[pos] != sentinel(&c[i], (va + pos) % PAGE))
			fz_fail("dma read at %#llx moved bytes after a page "
				"that failed", (unsigned long long)va);
	}
	if (!ret) {
		if (k < np)
			fz_fail("dma at %#llx (rid %#x pasid %d/%#x access %#x) "
				"succeeded but page %u moved no bytes",
				(unsigned long long)va, rid, pv, pasid, access,
				k);
		return;
	}
	if (k == np || !cands_fault(&c[k]))
		fz_fail("dma at %#llx (rid %#x pasid %d/%#x access %#x) "
			"failed, but its page %u has a translation in every "
			"state of the tables and caches", (unsigned long long)va,
			rid, pv, pasid, access, k);
	w = (struct want_fault){ .rid = rid, .pasid_valid = pv,
				 .pasid = pasid, .access = access,
				 .addr = k ? va - va % PAGE + PAGE * k : va,
				 .c = c[k] };
	vo_fault_expect(&w);
}

/* ---- Page requests ---- */

static void op_prq_submit(struct fz *f)
{
	struct viommu_page_request r = { 0 };
	uint8_t fl = fz_u8(f), b;

	r.rid = rid_pick(f);
	r.pasid_valid = fl & 1;
	r.last = fl & 2;
	r.perm = fl & 0x40 ? fz_u32(f) : (fl >> 2) & 0xf;
	r.pasid = pasid_pick(f);
	b = fz_u8(f);
	r.addr = b < 0xf0 ? vas[b % 16] + (uint64_t)(fz_u8(f) % 16) * PAGE :
		 fz_u64(f);
	r.prg_index = fz_u16(f) % 520;
	r.private_data = fz_u8(f);
	vo_prq_submit(&r);
}

static void op_prq_response(struct fz *f)
{
	static const uint32_t codes[] = { VIOMMU_PR_SUCCESS,
					  VIOMMU_PR_INVALID,
					  VIOMMU_PR_FAILURE };
	struct viommu_page_response r = { 0 };
	uint8_t b = fz_u8(f), c = fz_u8(f);

	if (!(b & 1) || !vo_prq_group(b >> 1, &r)) {
		r.rid = rid_pick(f);
		r.pasid_valid = b & 2;
		r.pasid = pasid_pick(f);
		r.prg_index = fz_u16(f) % 512;
	}
	r.code = c % 4 < 3 ? codes[c % 4] : c;
	vo_prq_response(&r);
}

static void op_prq_drain(struct fz *f)
{
	uint16_t rid = rid_pick(f);
	uint8_t fl = fz_u8(f);
	uint32_t flags = fl & 0x80 ? fz_u32(f) : fl & 1;

	vo_prq_drain(rid, flags, fl & 2, pasid_pick(f));
}

/* ---- The input ---- */

enum { OP_DOM_ALLOC, OP_DOM_FREE, OP_MAP, OP_UNMAP, OP_PT_UNMAP, OP_ATTACH,
       OP_BIND, OP_DETACH, OP_PT_DETACH, OP_PASID_GET, OP_GUEST_WRITE,
       OP_HOST_WRITE, OP_DMA, OP_INVALIDATE, OP_PRQ_SUBMIT, OP_PRQ_POP,
       OP_PRQ_RESPONSE, OP_PRQ_DRAIN, OP_RESPONSE_POP, OP_FAULT_POP,
       OP_LOOKUP, NR_OPS };

/*
 * One operation; an op byte of 0xf8 or more first arms the failure of the
 * 1st..8th allocation the next operation makes (harness/ref/alloc), as
 * the kernel's fail-nth does.
 */
static void run_op(struct fz *f)
{
	uint8_t b = fz_u8(f);

	if (b >= 0xf8) {
		ref_fail_nth_arm(1 + (b & 7));
		vo.armed = true;
		b = fz_u8(f);
	}
	switch (b % NR_OPS) {
	case OP_DOM_ALLOC:	op_dom_alloc(); break;
	case OP_DOM_FREE:	op_dom_free(f); break;
	case OP_MAP:		op_map(f); break;
	case OP_UNMAP:		op_unmap(f, true); break;
	case OP_PT_UNMAP:	op_unmap(f, false); break;
	case OP_ATTACH:		op_attach(f); break;
	case OP_BIND:		op_bind(f); break;
	case OP_DETACH:		op_detach(f, true); break;
	case OP_PT_DETACH:	op_detach(f, false); break;
	case OP_PASID_GET:	op_pasid_get(f); break;
	case OP_GUEST_WRITE:	op_guest_write(f); break;
	case OP_HOST_WRITE:	op_host_write(f); break;
	case OP_DMA:		op_dma(f); break;
	case OP_INVALIDATE:	op_invalidate(f); break;
	case OP_PRQ_SUBMIT:	op_prq_submit(f); break;
	case OP_PRQ_POP:	vo_prq_pop(); break;
	case OP_PRQ_RESPONSE:	op_prq_response(f); break;
	case OP_PRQ_DRAIN:	op_prq_drain(f); break;
	case OP_RESPONSE_POP:	vo_prq_response_pop(); break;
	case OP_FAULT_POP:	vo_fault_pop(); break;
	default:		op_lookup(f); break;
	}
	if (vo.armed) {		/* an operation that allocates nothing */
		vo.armed = false;
		ref_fail_nth_arm(0);
	}
	vo_check_counts();
}

/* viommu_create whose nth allocation fails: NULL, errno ENOMEM (else it
 * made fewer, and the unit is fine). */
static void create_enomem(const struct viommu_config *cfg, unsigned int nth)
{
	struct viommu *v;

	ref_fail_nth_arm(nth);
	errno = 0;
	v = viommu_create(cfg, VIOMMU_FAULT_NONE);
	if (ref_fail_nth_arm(0) != 0) {		/* it did not fire */
		if (!v)
			fz_fail("viommu_create failed with no allocation "
				"failing (errno %d)", errno);
		viommu_destroy(v);
		return;
	}
	if (v || errno != ENOMEM) {
		viommu_destroy(v);
		fz_fail("viommu_create with allocation %u failing: %s, errno "
			"%d", nth, v ? "created" : "refused", errno);
	}
}

/* viommu_create refuses a configuration with one field out of range. */
static void config_refused(const struct viommu_config *good, uint8_t which)
{
	struct viommu_config cfg = *good;
	struct viommu *v;

	switch (which % 6) {
	case 0: cfg.pasid_bits = which & 8 ? 0 : 21; break;
	case 1: cfg.addr_width = which & 8 ? 11 : 49; break;
	case 2: cfg.fs_addr_width = 52; break;
	case 3: cfg.iotlb_entries = which & 8 ? 0 : 65537; break;
	case 4: cfg.max_domains = 0; break;
	default: cfg.prq_depth = 0; break;
	}
	errno = 0;
	v = viommu_create(&cfg, VIOMMU_FAULT_NONE);
	if (v || errno != EINVAL) {
		viommu_destroy(v);
		fz_fail("viommu_create of a bad configuration (%u): %s, errno "
			"%d", which % 6, v ? "created" : "refused", errno);
	}
	viommu_destroy(NULL);	/* a no-op */
	if (viommu_create(good, VIOMMU_FAULT_COUNT) || errno != EINVAL)
		fz_fail("viommu_create with an unknown fault: not EINVAL");
}

/* Byte 0 bit 0: small caches, logs and queues, and other widths; bit 7
 * first a configuration viommu_create must refuse. True with bit 6: the
 * first create runs out of memory (create_enomem). */
static bool read_config(struct fz *f, struct viommu_config *cfg)
{
	uint8_t b = fz_u8(f);

	viommu_config_default(cfg);
	cfg->max_domains = MAX_DOMS;
	if (b & 0x80)
		config_refused(cfg, fz_u8(f));
	if (!(b & 1))
		return b & 0x40;
	cfg->pasid_bits = 1 + fz_u8(f) % 20;
	cfg->addr_width = b & 2 ? 48 : b & 4 ? 39 : 12 + fz_u8(f) % 37;
	cfg->fs_addr_width = b & 8 ? 48 : 57;
	cfg->iotlb_entries = 1 + fz_u8(f) % 16;
	cfg->fault_depth = 1 + fz_u8(f) % 8;
	cfg->max_domains = 1 + fz_u8(f) % MAX_DOMS;
	cfg->pasid_cache_entries = 1 + fz_u8(f) % 8;
	cfg->psc_entries = 1 + fz_u8(f) % 8;
	cfg->prq_depth = 1 + fz_u8(f) % 8;
	return b & 0x40;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t *mem, *shadow, *tables;

	memory_init();
	mem = vo.mem;
	shadow = vo.shadow;
	tables = vo.tables;
	memset(&vo, 0, sizeof(vo));
	vo.mem = mem;
	vo.shadow = shadow;
	vo.tables = tables;
	if (read_config(&f, &vo.cfg))
		create_enomem(&vo.cfg, 1 + fz_u8(&f) % 12);
	vo.v = viommu_create(&vo.cfg, fault_get());
	if (!vo.v)
		fz_fail("viommu_create of a valid configuration failed");
	if (memcmp(viommu_get_config(vo.v), &vo.cfg, sizeof(vo.cfg)))
		fz_fail("viommu_get_config differs from the configuration");
	while (!fz_empty(&f) && !vo.saturated)
		run_op(&f);
	viommu_destroy(vo.v);
	vo.v = NULL;
	return 0;
}
