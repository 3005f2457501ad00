// SPDX-License-Identifier: MIT
/*
 * viommu_ops: the operations on domains, second-stage tables and PASID
 * entries, each with the answer viommu.h gives it from the model's state
 * (the input format and the oracle's summary are in viommu_ops.c).
 */
#include <errno.h>

#include "fuzz/common/fuzz.h"
#include "harness/ref/alloc/alloc.h"
#include "viommu_ops.h"

/* ---- Expectations ---- */

void expect(const char *what, int ret, const int *errs, unsigned int n)
{
	unsigned int i;

	fz_note_u64((uint64_t)(int64_t)ret);
	if (!n && !ret)
		return;
	for (i = 0; i < n; i++)
		if (ret == errs[i])
			return;
	fz_fail("%s: %d, the contract says %d%s", what, ret, n ? errs[0] : 0,
		n > 1 ? " (or another error that applies)" : "");
}

/*
 * Whether the allocation failure armed for this operation (run_op) fired
 * in the call just made: then the call must fail with -ENOMEM and change
 * nothing ("all or nothing"). Disarms.
 */
static bool fired(void)
{
	if (!vo.armed)
		return false;
	vo.armed = false;
	return ref_fail_nth_arm(0) == 0;
}

static void expect_enomem(const char *what, int ret)
{
	fz_note_u64((uint64_t)(int64_t)ret);
	if (ret != -ENOMEM)
		fz_fail("%s: %d when an allocation failed, not -ENOMEM", what,
			ret);
}

static bool range_bad(uint64_t iova, uint64_t size)
{
	uint64_t limit = 1ull << vo.cfg.addr_width;

	return iova >= limit || size > limit - iova;
}

/* ---- Domains and second-stage tables ---- */

void op_dom_alloc(void)
{
	unsigned int i, n = 0, slot = MAX_DOMS;
	uint32_t id = 0;
	int ret;

	for (i = 0; i < MAX_DOMS; i++) {
		if (vo.doms[i].did)
			n++;
		else if (slot == MAX_DOMS)
			slot = i;
	}
	if (slot == MAX_DOMS)
		return;		/* the model follows no more */
	ret = viommu_domain_alloc(vo.v, &id);
	if (fired()) {
		expect_enomem("domain_alloc", ret);
		return;
	}
	if (n == vo.cfg.max_domains) {
		expect("domain_alloc with every DID in use", ret,
		       (int[]){ -ENOSPC }, 1);
		return;
	}
	expect("domain_alloc", ret, NULL, 0);
	if (!id || id > vo.cfg.max_domains || vo_dom(id))
		fz_fail("domain_alloc gave DID %u (max %u, %s)", id,
			vo.cfg.max_domains, vo_dom(id) ? "in use" : "free");
	vo.doms[slot] = (struct dom){ .did = id };
}

void op_dom_free(struct fz *f)
{
	uint32_t did = dom_pick(f);
	struct dom *d = vo_dom(did);
	int ret = viommu_domain_free(vo.v, did);
	struct viommu_inv inv = { .granularity = VIOMMU_INV_DOMAIN,
				  .domain = did };

	if (!d || d->users) {
		expect("domain_free", ret, (int[]){ d ? -EBUSY : -ENOENT }, 1);
		return;
	}
	expect("domain_free", ret, NULL, 0);
	*d = (struct dom){ 0 };
	/* the DID is reused: nothing cached under it survives (faults.h) */
	inv.cache = VIOMMU_CACHE_PASID;
	vo_model_invalidate(&inv);
	inv.cache = VIOMMU_CACHE_IOTLB;
	vo_model_invalidate(&inv);
}

void op_map(struct fz *f)
{
	uint32_t did = dom_pick(f);
	uint64_t iova = gpa_pick(f), size;
	uint32_t n = 1 + fz_u8(f) % 4, page = fz_u8(f) % MAP_PAGES;
	uint32_t prot = fz_u8(f) % 4, i;
	struct dom *d = vo_dom(did);
	int errs[4], ne = 0, ret;

	size = (uint64_t)n * PAGE;
	if (d && d->nmaps + n > MAX_MAPS)
		return;
	if (iova % PAGE || !prot)
		errs[ne++] = -EINVAL;
	if (!d)
		errs[ne++] = -ENOENT;
	if (range_bad(iova, size))
		errs[ne++] = -ERANGE;
	else
		for (i = 0; d && i < n; i++)
			if (vo_ss_find(d, iova / PAGE + i)) {
				errs[ne++] = -EEXIST;
				break;
			}
	ret = viommu_map(vo.v, did, iova, (void *)(uintptr_t)g_addr(page),
			 size, prot);
	if (fired()) {
		expect_enomem("map", ret);
		return;
	}
	expect("map", ret, errs, (unsigned int)ne);
	if (ne)
		return;
	for (i = 0; i < n; i++)
		d->maps[d->nmaps++] = (struct ss_map){ iova / PAGE + i,
						       page + i, prot };
}

/* The model after an unmap; with flush, the driver's invalidation too:
 * the range's second-stage entries and every nested one (viommu.h). */
static uint64_t model_unmap(struct dom *d, uint64_t iova, uint64_t size,
			    bool flush)
{
	uint64_t first = iova / PAGE, pages = size / PAGE, bytes = 0;
	unsigned int i, n = 0;

	for (i = 0; i < d->nmaps; i++) {
		if (d->maps[i].pfn - first < pages)
			bytes += PAGE;
		else
			d->maps[n++] = d->maps[i];
	}
	d->nmaps = n;
	if (!flush)
		return bytes;
	for (i = n = 0; i < vo.n_tlb; i++) {
		const struct xl *t = &vo.may_tlb[i];

		if (t->domain == d->did &&
		    (t->type == VIOMMU_PGTT_NESTED ||
		     (t->type == VIOMMU_PGTT_SECOND_STAGE &&
		      t->pfn - first < pages)))
			continue;
		vo.may_tlb[n++] = *t;
	}
	vo.n_tlb = n;
	return bytes;
}

void op_unmap(struct fz *f, bool flush)
{
	uint32_t did = dom_pick(f);
	uint64_t iova = gpa_pick(f), size, limit = 1ull << vo.cfg.addr_width;
	uint8_t b = fz_u8(f);
	struct dom *d = vo_dom(did);
	int errs[3], ne = 0;
	int64_t ret, want;

	if (b < 0xf0)
		size = (uint64_t)(1 + b % 4) * PAGE;
	else if (b < 0xf8)
		size = iova < limit ? limit - iova : PAGE;
	else
		size = fz_u64(f);
	if (iova % PAGE || size % PAGE || !size)
		errs[ne++] = -EINVAL;
	if (range_bad(iova, size))
		errs[ne++] = -ERANGE;
	if (!d)
		errs[ne++] = -ENOENT;
	ret = flush ? viommu_unmap(vo.v, did, iova, size) :
		      viommu_pt_unmap(vo.v, did, iova, size);
	if (ne || ret < 0) {
		expect(flush ? "unmap" : "pt_unmap", (int)ret, errs,
		       (unsigned int)ne);
		if (ne)
			return;
	}
	want = (int64_t)model_unmap(d, iova, size, flush);
	fz_note_u64((uint64_t)ret);
	if (ret != want)
		fz_fail("%s of %#llx+%#llx: %lld bytes, %lld were mapped",
			flush ? "unmap" : "pt_unmap", (unsigned long long)iova,
			(unsigned long long)size, (long long)ret,
			(long long)want);
}

void op_lookup(struct fz *f)
{
	uint32_t did = dom_pick(f), prot = 0;
	uint64_t iova = gpa_pick(f);
	struct dom *d = vo_dom(did);
	const struct ss_map *m = NULL;
	void *va = NULL;
	bool dirty;
	int ret = viommu_lookup(vo.v, did, iova, &va, &prot, &dirty);

	if (d && !(iova >> vo.cfg.addr_width))
		m = vo_ss_find(d, iova / PAGE);
	if (!m) {
		expect("lookup", ret, (int[]){ -ENOENT, -ERANGE },
		       d && iova >> vo.cfg.addr_width ? 2 : 1);
		return;
	}
	expect("lookup", ret, NULL, 0);
	if ((uint64_t)(uintptr_t)va != g_addr(m->page) + iova % PAGE ||
	    prot != m->prot)
		fz_fail("lookup of %#llx: page %+lld prot %#x; mapped to guest "
			"page %u prot %#x", (unsigned long long)iova,
			(long long)(((uint64_t)(uintptr_t)va - g_addr(0)) / PAGE),
			prot, m->page, m->prot);
}

/* ---- PASID entries ---- */

static struct pe_slot *slot_free(void)
{
	unsigned int i;

	for (i = 0; i < MAX_ENTRIES; i++)
		if (!vo.pes[i].used)
			return &vo.pes[i];
	return NULL;
}

static bool pasid_bad(uint32_t pasid)
{
	return pasid != VIOMMU_NO_PASID && pasid >> vo.cfg.pasid_bits;
}

static void entry_set(uint16_t rid, uint32_t key, const struct pe *e)
{
	struct pe_slot *s = slot_free();

	*s = (struct pe_slot){ .used = true, .rid = rid, .key = key, .e = *e };
	vo_dom(e->domain)->users++;
	vo.context[vo_rid_index(rid)] = CTX_YES;
}

static void ctx_maybe(uint16_t rid)
{
	int i = vo_rid_index(rid);

	if (vo.context[i] == CTX_NO)
		vo.context[i] = CTX_MAYBE;
}

void op_attach(struct fz *f)
{
	uint16_t rid = rid_pick(f);
	uint32_t pasid = pasid_pick(f), did = dom_pick(f);
	int errs[3], ne = 0, ret;

	if (!slot_free())
		return;
	if (pasid_bad(pasid))
		errs[ne++] = -ERANGE;
	if (!vo_dom(did))
		errs[ne++] = -ENOENT;
	if (!pasid_bad(pasid) && vo_pe(rid, pasid))
		errs[ne++] = -EBUSY;
	ret = viommu_attach(vo.v, rid, pasid, did);
	if (fired()) {
		ctx_maybe(rid);
		expect_enomem("attach", ret);
		return;
	}
	expect("attach", ret, errs, (unsigned int)ne);
	if (!ne)
		entry_set(rid, pasid, &(struct pe){
			.type = VIOMMU_PGTT_SECOND_STAGE, .domain = did });
}

void op_bind(struct fz *f)
{
	static const uint32_t types[] = { VIOMMU_PGTT_FIRST_STAGE,
					  VIOMMU_PGTT_NESTED };
	uint16_t rid = rid_pick(f);
	uint32_t pasid = pasid_pick(f);
	struct viommu_fs_bind b = { 0 };
	uint8_t x = fz_u8(f);
	int errs[4], ne = 0, ret;
	bool inval;

	b.type = x & 0x80 ? fz_u8(f) : types[x & 1];
	b.flags = x & 0x40 ? fz_u32(f) : (x >> 1) & VIOMMU_FS_F_ALL;
	b.addr_width = x & 0x20 ? fz_u8(f) : x & 0x10 ? 57 : 48;
	b.domain = dom_pick(f);
	x = fz_u8(f);
	b.pasid_bits = x >= 0xf0 ? fz_u8(f) : 1 + x % vo.cfg.pasid_bits;
	b.reserved = x >= 0xe0 && x < 0xf0 ? x : 0;
	if (b.type == VIOMMU_PGTT_FIRST_STAGE)	/* the host's own table */
		b.pgtbl = t_addr(b.addr_width == 57 ? 5 : 4, fz_u8(f));
	else
		b.pgtbl = gpa_pick(f);
	if (!slot_free())
		return;
	/*
	 * The PSC is keyed by (DID, PASID) only, as VT-d's is, and VT-d
	 * leaves it to software never to give one (DID, PASID) two
	 * first-stage tables. A host that did would have a FIRST_STAGE walk
	 * start from a leaf table a NESTED walk cached, a GPA taken for a
	 * host address: the host (this harness) is trusted not to, so such
	 * a bind is not issued while anything of the other type may be
	 * cached or bound there (an invalidation of the PASID clears it).
	 */
	if ((b.type == VIOMMU_PGTT_FIRST_STAGE ||
	     b.type == VIOMMU_PGTT_NESTED) &&
	    vo_fs_mix(b.type, b.domain, pasid))
		return;
	inval = (b.type != VIOMMU_PGTT_FIRST_STAGE &&
		 b.type != VIOMMU_PGTT_NESTED) ||
		(b.flags & ~VIOMMU_FS_F_ALL) || b.reserved ||
		(b.addr_width != 48 && b.addr_width != 57) ||
		b.addr_width > vo.cfg.fs_addr_width ||
		!b.pasid_bits || b.pasid_bits > vo.cfg.pasid_bits ||
		!b.pgtbl || (b.pgtbl & ~VIOMMU_FS_ADDR_MASK) ||
		(b.type == VIOMMU_PGTT_NESTED &&
		 b.pgtbl >> vo.cfg.addr_width);
	if (inval)
		errs[ne++] = -EINVAL;
	if (pasid_bad(pasid) || (pasid != VIOMMU_NO_PASID &&
				 b.pasid_bits < 32 && pasid >> b.pasid_bits))
		errs[ne++] = -ERANGE;
	if (!vo_dom(b.domain))
		errs[ne++] = -ENOENT;
	if (!pasid_bad(pasid) && vo_pe(rid, pasid))
		errs[ne++] = -EBUSY;
	ret = viommu_bind(vo.v, rid, pasid, &b);
	if (fired()) {
		ctx_maybe(rid);
		expect_enomem("bind", ret);
		return;
	}
	expect("bind", ret, errs, (unsigned int)ne);
	if (!ne)
		entry_set(rid, pasid, &(struct pe){
			.type = b.type, .domain = b.domain, .pgtbl = b.pgtbl,
			.levels = b.addr_width == 57 ? 5 : 4,
			.flags = b.flags });
}

void op_detach(struct fz *f, bool flush)
{
	uint16_t rid = rid_pick(f);
	uint32_t pasid = pasid_pick(f);
	struct pe_slot *s = pasid_bad(pasid) ? NULL : vo_pe(rid, pasid);
	struct viommu_inv inv = { .granularity = VIOMMU_INV_PASID,
				  .pasid = pasid };
	struct dom *d;
	int ret;

	ret = flush ? viommu_detach(vo.v, rid, pasid) :
		      viommu_pt_detach(vo.v, rid, pasid);
	if (!s) {
		expect("detach", ret,
		       (int[]){ pasid_bad(pasid) ? -ERANGE : -ENOENT }, 1);
		return;
	}
	expect("detach", ret, NULL, 0);
	d = vo_dom(s->e.domain);
	if (d)
		d->users--;
	inv.domain = s->e.domain;
	s->used = false;
	if (!flush)
		return;
	inv.cache = VIOMMU_CACHE_PASID;
	vo_model_invalidate(&inv);
	inv.cache = VIOMMU_CACHE_IOTLB;
	vo_model_invalidate(&inv);
}

void op_pasid_get(struct fz *f)
{
	uint16_t rid = rid_pick(f);
	uint32_t pasid = pasid_pick(f);
	const struct pe_slot *s = pasid_bad(pasid) ? NULL : vo_pe(rid, pasid);
	struct viommu_pasid_info in;
	int ret = viommu_pasid_get(vo.v, rid, pasid, &in);

	if (!s) {
		expect("pasid_get", ret,
		       (int[]){ pasid_bad(pasid) ? -ERANGE : -ENOENT }, 1);
		return;
	}
	expect("pasid_get", ret, NULL, 0);
	if (in.type != s->e.type || in.domain != s->e.domain ||
	    (s->e.type != VIOMMU_PGTT_SECOND_STAGE &&
	     (in.fs_pgtbl != s->e.pgtbl || in.fs_flags != s->e.flags ||
	      in.fs_addr_width != (s->e.levels == 5 ? 57u : 48u))))
		fz_fail("pasid_get rid %#x pasid %#x: type %u domain %u flags "
			"%#x width %u; bound type %u domain %u flags %#x "
			"levels %u", rid, pasid, in.type, in.domain,
			in.fs_flags, in.fs_addr_width, s->e.type, s->e.domain,
			s->e.flags, s->e.levels);
}
