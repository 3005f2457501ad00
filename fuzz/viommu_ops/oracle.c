// SPDX-License-Identifier: MIT
/*
 * The viommu_ops oracle: what viommu.h lets a request's page come to, and
 * what the unit's caches may hold. It is written from the header's text
 * (the first-stage format, the order of the access checks, what each
 * invalidation drops), not from the unit's code.
 *
 * The caches are modelled by what they MAY hold: every translation, PASID
 * entry and leaf-table pointer a request could have filled since the last
 * invalidation that covers it. Replacement may drop any of them at any
 * time, so a request's page may come to the fresh walk of the tables or
 * to any of those; a translation that never existed is never allowed, and
 * after the right invalidation only the fresh walk is. The model keeps
 * more than the unit can (it adds the fill of every walk it considers),
 * which only makes it more lenient, never wrong.
 */
#include <errno.h>
#include <string.h>

#include "fuzz/common/fuzz.h"
#include "viommu_ops.h"

#define FS_IGNORED_HIGH	0x7ff0000000000000ull

FZ_ORACLE struct dom *vo_dom(uint32_t did)
{
	unsigned int i;

	for (i = 0; did && i < MAX_DOMS; i++)
		if (vo.doms[i].did == did)
			return &vo.doms[i];
	return NULL;
}

FZ_ORACLE int vo_rid_index(uint16_t rid)
{
	int i;

	for (i = 0; i < 4; i++)
		if (vo_rids[i] == rid)
			return i;
	return -1;
}

FZ_ORACLE struct pe_slot *vo_pe(uint16_t rid, uint32_t key)
{
	unsigned int i;

	for (i = 0; i < MAX_ENTRIES; i++)
		if (vo.pes[i].used && vo.pes[i].rid == rid &&
		    vo.pes[i].key == key)
			return &vo.pes[i];
	return NULL;
}

FZ_ORACLE const struct ss_map *vo_ss_find(const struct dom *d, uint64_t pfn)
{
	unsigned int i;

	for (i = 0; d && i < d->nmaps; i++)
		if (d->maps[i].pfn == pfn)
			return &d->maps[i];
	return NULL;
}

/* ---- Walks ---- */

FZ_ORACLE static bool fault(struct outcome *f, uint32_t reason,
			    uint32_t stage, uint64_t gpa)
{
	*f = (struct outcome){ .reason = reason, .stage = stage, .gpa = gpa };
	return false;
}

/* The second stage of a domain at gpa: the map, or a fault (SECOND). */
FZ_ORACLE static const struct ss_map *ss_leaf(uint32_t domain, uint64_t gpa,
					      struct outcome *f)
{
	const struct ss_map *m;

	if (gpa >> vo.cfg.addr_width) {
		fault(f, VIOMMU_FR_ADDR_RANGE, VIOMMU_STAGE_SECOND, gpa);
		return NULL;
	}
	m = vo_ss_find(vo_dom(domain), gpa / PAGE);
	if (!m)
		fault(f, VIOMMU_FR_NOT_PRESENT, VIOMMU_STAGE_SECOND, gpa);
	return m;
}

/* Entry idx of a first-stage table: host tables as they are, guest
 * tables from the shadow (what guest memory must hold), through the
 * second stage, which must grant READ. */
FZ_ORACLE static bool table_read(const struct pe *e, uint64_t table,
				 unsigned int idx, uint64_t *out,
				 struct outcome *f)
{
	const struct ss_map *m;
	uint64_t base = (uint64_t)(uintptr_t)vo.tables;

	if (e->type == VIOMMU_PGTT_FIRST_STAGE) {
		if (table < base || table - base >= T_PAGES * PAGE)
			fz_fail("oracle: a host first-stage walk left the "
				"host tables (%#llx)", (unsigned long long)table);
		memcpy(out, (const uint8_t *)(uintptr_t)table + idx * 8, 8);
		return true;
	}
	m = ss_leaf(e->domain, table, f);
	if (!m)
		return false;
	if (!(m->prot & VIOMMU_PROT_READ))
		return fault(f, VIOMMU_FR_READ_DENIED, VIOMMU_STAGE_SECOND,
			     table);
	memcpy(out, vo.shadow + (uint64_t)m->page * PAGE + idx * 8, 8);
	return true;
}

FZ_ORACLE static uint32_t entry_perm(uint64_t x)
{
	return ((x & VIOMMU_FS_RW) ? FSP_WRITE : 0) |
	       ((x & VIOMMU_FS_US) ? FSP_USER : 0) |
	       ((x & VIOMMU_FS_XD) ? 0 : FSP_EXEC);
}

/*
 * The first-stage walk of va through e, from the root or (start) from a
 * cached leaf table. *reached_l1 and *fill: the leaf-table pointer a
 * walk from the root leaves in the PSC. True and *t on a translation.
 */
FZ_ORACLE static bool fs_walk(const struct pe *e, uint32_t key, uint64_t va,
			      const struct psc *start, struct xl *t,
			      struct outcome *f, bool *reached_l1,
			      struct psc *fill)
{
	unsigned int level = e->levels;
	uint64_t table = e->pgtbl, x = 0, addr;
	uint32_t perm = FSP_ALL;
	const struct ss_map *m;

	*reached_l1 = false;
	if (va >> (12 + 9 * e->levels))
		return fault(f, VIOMMU_FR_ADDR_RANGE, VIOMMU_STAGE_FIRST, 0);
	if (start) {
		table = start->table;
		perm = start->fs_perm;
		level = 1;
	}
	for (;; level--) {
		unsigned int idx = (unsigned int)(va >> (12 + 9 * (level - 1)))
				   & 511;
		bool ps;

		if (level == 1 && !start) {
			*reached_l1 = true;
			*fill = (struct psc){ e->type, e->domain, key,
					      va >> 21, table, perm };
		}
		if (!table_read(e, table, idx, &x, f))
			return false;
		ps = level > 1 && (x & VIOMMU_FS_PS);
		if (!(x & VIOMMU_FS_P))
			return fault(f, VIOMMU_FR_NOT_PRESENT,
				     VIOMMU_STAGE_FIRST, 0);
		if (e->type == VIOMMU_PGTT_NESTED &&
		    (x & VIOMMU_FS_ADDR_MASK) >> vo.cfg.addr_width)
			return fault(f, VIOMMU_FR_FS_RESERVED,
				     VIOMMU_STAGE_FIRST, 0);
		if (ps && (level > 2 || (x & VIOMMU_FS_2M_RSVD_MASK)))
			return fault(f, VIOMMU_FR_FS_RESERVED,
				     VIOMMU_STAGE_FIRST, 0);
		perm &= entry_perm(x);
		if (level == 1 || ps)
			break;
		table = x & VIOMMU_FS_ADDR_MASK;
	}
	addr = level == 2 ? (x & VIOMMU_FS_2M_ADDR_MASK) | (va & 0x1ff000) :
			    x & VIOMMU_FS_ADDR_MASK;
	*t = (struct xl){ .type = e->type, .domain = e->domain, .key = key,
			  .pfn = va / PAGE, .fs_perm = perm };
	if (e->type == VIOMMU_PGTT_FIRST_STAGE) {
		uint64_t base = (uint64_t)(uintptr_t)vo.mem;

		if (addr < base || addr - base >= G_SIZE)
			fz_fail("oracle: a host first-stage leaf outside guest "
				"memory (%#llx)", (unsigned long long)addr);
		t->page = (uint32_t)((addr - base) / PAGE);
		t->prot = VIOMMU_PROT_READ | VIOMMU_PROT_WRITE;
		return true;
	}
	m = ss_leaf(e->domain, addr, f);
	if (!m)
		return false;
	t->page = m->page;
	t->prot = m->prot;
	t->gpa_pfn = addr / PAGE;
	return true;
}

/* A request's access against a translation's rights, in viommu.h's
 * order: supervisor, user, write, execute; then the second stage. */
FZ_ORACLE static bool access_ok(const struct pe *e, const struct xl *t,
				uint32_t access, struct outcome *f)
{
	uint32_t flags = e->type == VIOMMU_PGTT_SECOND_STAGE ? 0 : e->flags;
	bool priv = access & VIOMMU_ACC_PRIV, wr = access & VIOMMU_ACC_WRITE;
	uint64_t gpa = t->type == VIOMMU_PGTT_NESTED ? t->gpa_pfn * PAGE : 0;

	if (t->type != VIOMMU_PGTT_SECOND_STAGE) {
		if (priv && !(flags & VIOMMU_FS_F_SRE))
			return fault(f, VIOMMU_FR_PRIV_DENIED,
				     VIOMMU_STAGE_FIRST, 0);
		if (!priv && !(t->fs_perm & FSP_USER))
			return fault(f, VIOMMU_FR_USER_DENIED,
				     VIOMMU_STAGE_FIRST, 0);
		if (wr && !(t->fs_perm & FSP_WRITE) &&
		    (!priv || (flags & VIOMMU_FS_F_WPE)))
			return fault(f, VIOMMU_FR_WRITE_DENIED,
				     VIOMMU_STAGE_FIRST, 0);
		if ((access & VIOMMU_ACC_EXEC) && !(t->fs_perm & FSP_EXEC))
			return fault(f, VIOMMU_FR_EXEC_DENIED,
				     VIOMMU_STAGE_FIRST, 0);
		if (t->type == VIOMMU_PGTT_FIRST_STAGE)
			return true;
	}
	if (wr && !(t->prot & VIOMMU_PROT_WRITE))
		return fault(f, VIOMMU_FR_WRITE_DENIED, VIOMMU_STAGE_SECOND,
			     gpa);
	if (!wr && !(t->prot & VIOMMU_PROT_READ))
		return fault(f, VIOMMU_FR_READ_DENIED, VIOMMU_STAGE_SECOND,
			     gpa);
	return true;
}

/* ---- What the caches may hold ---- */

FZ_ORACLE static bool pe_eq(const struct pe *a, const struct pe *b)
{
	return a->type == b->type && a->domain == b->domain &&
	       a->pgtbl == b->pgtbl && a->levels == b->levels &&
	       a->flags == b->flags;
}

FZ_ORACLE static bool xl_eq(const struct xl *a, const struct xl *b)
{
	return a->type == b->type && a->domain == b->domain &&
	       a->key == b->key && a->pfn == b->pfn && a->page == b->page &&
	       a->prot == b->prot && a->fs_perm == b->fs_perm &&
	       a->gpa_pfn == b->gpa_pfn;
}

FZ_ORACLE static void may_pc_add(uint16_t rid, uint32_t key,
				 const struct pe *e)
{
	unsigned int i;

	for (i = 0; i < vo.n_pc; i++)
		if (vo.may_pc[i].rid == rid && vo.may_pc[i].key == key &&
		    pe_eq(&vo.may_pc[i].e, e))
			return;
	if (vo.n_pc == MAX_MAY_PC) {
		vo.saturated = true;
		return;
	}
	vo.may_pc[vo.n_pc].rid = rid;
	vo.may_pc[vo.n_pc].key = key;
	vo.may_pc[vo.n_pc++].e = *e;
}

FZ_ORACLE static void may_tlb_add(const struct xl *t)
{
	unsigned int i;

	for (i = 0; i < vo.n_tlb; i++)
		if (xl_eq(&vo.may_tlb[i], t))
			return;
	if (vo.n_tlb == MAX_MAY_TLB) {
		vo.saturated = true;
		return;
	}
	vo.may_tlb[vo.n_tlb++] = *t;
}

FZ_ORACLE static void may_psc_add(const struct psc *p)
{
	unsigned int i;

	for (i = 0; i < vo.n_psc; i++)
		if (!memcmp(&vo.may_psc[i], p, sizeof(*p)))
			return;
	if (vo.n_psc == MAX_MAY_PSC) {
		vo.saturated = true;
		return;
	}
	vo.may_psc[vo.n_psc++] = *p;
}

FZ_ORACLE static void cand_add(struct cands *c, const struct outcome *o)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->o[i].ok == o->ok && c->o[i].page == o->page &&
		    c->o[i].reason == o->reason && c->o[i].stage == o->stage &&
		    c->o[i].gpa == o->gpa)
			return;
	if (c->n == MAX_CAND) {
		vo.saturated = true;
		return;
	}
	c->o[c->n++] = *o;
}

/* A translation the unit may use: its outcome for this access. */
FZ_ORACLE static void cand_xl(struct cands *c, const struct pe *e,
			      const struct xl *t, uint32_t access)
{
	struct outcome o = { .ok = true, .page = t->page };

	if (!access_ok(e, t, access, &o))
		o.ok = false;
	cand_add(c, &o);
}

FZ_ORACLE static void cand_fault(struct cands *c, uint32_t reason,
				 uint32_t stage, uint64_t gpa)
{
	struct outcome o;

	fault(&o, reason, stage, gpa);
	cand_add(c, &o);
}

/* The outcomes through one PASID entry, e (fresh or cached). */
FZ_ORACLE static void cands_entry(const struct pe *e, uint32_t key,
				  uint64_t va, uint32_t access,
				  struct cands *c)
{
	struct xl t, fills[1 + MAX_MAY_PSC];
	unsigned int i, nf = 0;
	struct outcome f;
	struct psc fill;
	bool l1;

	if (e->type == VIOMMU_PGTT_SECOND_STAGE &&
	    va >> vo.cfg.addr_width) {
		cand_fault(c, VIOMMU_FR_ADDR_RANGE, VIOMMU_STAGE_SECOND, 0);
		return;
	}
	if (!vo_dom(e->domain)) {
		cand_fault(c, VIOMMU_FR_NO_PASID_ENTRY, VIOMMU_STAGE_NONE, 0);
		return;
	}
	for (i = 0; i < vo.n_tlb; i++)
		if (vo.may_tlb[i].domain == e->domain &&
		    vo.may_tlb[i].key == key && vo.may_tlb[i].pfn == va / PAGE)
			cand_xl(c, e, &vo.may_tlb[i], access);
	if (e->type == VIOMMU_PGTT_SECOND_STAGE) {
		const struct ss_map *m = vo_ss_find(vo_dom(e->domain),
						    va / PAGE);

		if (!m) {
			cand_fault(c, VIOMMU_FR_NOT_PRESENT,
				   VIOMMU_STAGE_SECOND, 0);
			return;
		}
		t = (struct xl){ .type = e->type, .domain = e->domain,
				 .key = key, .pfn = va / PAGE,
				 .page = m->page, .prot = m->prot };
		cand_xl(c, e, &t, access);
		may_tlb_add(&t);
		return;
	}
	/* from the root, then from every leaf table the PSC may hold */
	if (fs_walk(e, key, va, NULL, &t, &f, &l1, &fill)) {
		cand_xl(c, e, &t, access);
		fills[nf++] = t;
	} else {
		cand_add(c, &f);
	}
	if (l1)
		may_psc_add(&fill);
	for (i = 0; !(va >> (12 + 9 * e->levels)) && i < vo.n_psc; i++) {
		const struct psc *p = &vo.may_psc[i];

		if (p->domain != e->domain || p->key != key ||
		    p->vpn2 != va >> 21)
			continue;
		if (fs_walk(e, key, va, p, &t, &f, &l1, &fill)) {
			cand_xl(c, e, &t, access);
			fills[nf++] = t;
		} else {
			cand_add(c, &f);
		}
	}
	for (i = 0; i < nf; i++)
		may_tlb_add(&fills[i]);
}

FZ_ORACLE void vo_page_cands(uint16_t rid, bool pasid_valid, uint32_t pasid,
			     uint64_t va, uint32_t access, struct cands *c)
{
	uint32_t key = pasid_valid ? pasid : VIOMMU_NO_PASID;
	struct pe es[MAX_MAY_PC + 1];
	unsigned int i, n = 0;
	int ri = vo_rid_index(rid);
	const struct pe_slot *s;

	c->n = 0;
	if (pasid_valid && pasid >> vo.cfg.pasid_bits) {
		cand_fault(c, VIOMMU_FR_PASID_RANGE, VIOMMU_STAGE_NONE, 0);
		return;
	}
	for (i = 0; i < vo.n_pc; i++)
		if (vo.may_pc[i].rid == rid && vo.may_pc[i].key == key)
			es[n++] = vo.may_pc[i].e;
	s = vo_pe(rid, key);
	if (ri < 0 || vo.context[ri] != CTX_YES)
		cand_fault(c, VIOMMU_FR_NO_CONTEXT, VIOMMU_STAGE_NONE, 0);
	if (ri >= 0 && vo.context[ri] != CTX_NO && !s)
		cand_fault(c, VIOMMU_FR_NO_PASID_ENTRY, VIOMMU_STAGE_NONE, 0);
	if (s)
		es[n++] = s->e;
	for (i = 0; i < n; i++)
		cands_entry(&es[i], key, va, access, c);
	if (s)
		may_pc_add(rid, key, &s->e);
}

FZ_ORACLE static bool fs_other(uint32_t a, uint32_t b)
{
	return a != b && a != VIOMMU_PGTT_SECOND_STAGE &&
	       b != VIOMMU_PGTT_SECOND_STAGE;
}

FZ_ORACLE bool vo_fs_mix(uint32_t type, uint32_t domain, uint32_t key)
{
	unsigned int i;

	for (i = 0; i < MAX_ENTRIES; i++)
		if (vo.pes[i].used && vo.pes[i].key == key &&
		    vo.pes[i].e.domain == domain &&
		    fs_other(vo.pes[i].e.type, type))
			return true;
	for (i = 0; i < vo.n_pc; i++)
		if (vo.may_pc[i].key == key &&
		    vo.may_pc[i].e.domain == domain &&
		    fs_other(vo.may_pc[i].e.type, type))
			return true;
	for (i = 0; i < vo.n_psc; i++)
		if (vo.may_psc[i].key == key &&
		    vo.may_psc[i].domain == domain &&
		    fs_other(vo.may_psc[i].type, type))
			return true;
	return false;
}

/* ---- Invalidation ---- */

FZ_ORACLE int vo_inv_expect(const struct viommu_inv *inv)
{
	uint32_t width = vo.cfg.addr_width;

	if (inv->flags & ~(VIOMMU_INV_F_PASID | VIOMMU_INV_F_LEAF))
		return -EINVAL;
	if (inv->cache != VIOMMU_CACHE_IOTLB &&
	    inv->cache != VIOMMU_CACHE_PASID)
		return -EINVAL;
	if (inv->granularity < VIOMMU_INV_GLOBAL ||
	    inv->granularity > VIOMMU_INV_ADDR)
		return -EINVAL;
	if (inv->granularity != VIOMMU_INV_ADDR)
		return 0;
	if (inv->cache == VIOMMU_CACHE_PASID)
		return -EINVAL;
	if ((inv->flags & VIOMMU_INV_F_PASID) && vo.cfg.fs_addr_width > width)
		width = vo.cfg.fs_addr_width;
	if (inv->size_order > width - 12)
		return -EINVAL;
	if (inv->addr & ((1ull << (inv->size_order + 12)) - 1) ||
	    inv->addr >> width)
		return -EINVAL;
	return 0;
}

FZ_ORACLE static bool in_range(const struct viommu_inv *inv, uint64_t pfn)
{
	uint64_t first = inv->addr / PAGE;

	return pfn >= first && pfn - first < (1ull << inv->size_order);
}

FZ_ORACLE static bool pc_drops(const struct pe *e, uint32_t key,
			       const struct viommu_inv *inv)
{
	switch (inv->granularity) {
	case VIOMMU_INV_GLOBAL:
		return true;
	case VIOMMU_INV_DOMAIN:
		return e->domain == inv->domain;
	default:
		return e->domain == inv->domain && key == inv->pasid;
	}
}

FZ_ORACLE static bool tlb_drops(const struct xl *t,
				const struct viommu_inv *inv)
{
	switch (inv->granularity) {
	case VIOMMU_INV_GLOBAL:
		return true;
	case VIOMMU_INV_DOMAIN:
		return t->domain == inv->domain;
	case VIOMMU_INV_PASID:
		return t->domain == inv->domain && t->key == inv->pasid;
	}
	if (t->domain != inv->domain)
		return false;
	if (inv->flags & VIOMMU_INV_F_PASID)
		return t->key == inv->pasid && in_range(inv, t->pfn);
	/* second stage: its entries of the range, and every nested one */
	if (t->type == VIOMMU_PGTT_NESTED)
		return true;
	return t->type == VIOMMU_PGTT_SECOND_STAGE && in_range(inv, t->pfn);
}

FZ_ORACLE static bool psc_drops(const struct psc *p,
				const struct viommu_inv *inv)
{
	uint64_t first, last;

	switch (inv->granularity) {
	case VIOMMU_INV_GLOBAL:
		return true;
	case VIOMMU_INV_DOMAIN:
		return p->domain == inv->domain;
	case VIOMMU_INV_PASID:
		return p->domain == inv->domain && p->key == inv->pasid;
	}
	if (!(inv->flags & VIOMMU_INV_F_PASID) ||
	    (inv->flags & VIOMMU_INV_F_LEAF))
		return false;
	first = inv->addr >> 21;
	last = (inv->addr + (1ull << (inv->size_order + 12)) - 1) >> 21;
	return p->domain == inv->domain && p->key == inv->pasid &&
	       p->vpn2 >= first && p->vpn2 <= last;
}

FZ_ORACLE void vo_model_invalidate(const struct viommu_inv *inv)
{
	unsigned int i, n;

	if (inv->cache == VIOMMU_CACHE_PASID) {
		for (i = n = 0; i < vo.n_pc; i++)
			if (!pc_drops(&vo.may_pc[i].e, vo.may_pc[i].key, inv))
				vo.may_pc[n++] = vo.may_pc[i];
		vo.n_pc = n;
		return;
	}
	for (i = n = 0; i < vo.n_tlb; i++)
		if (!tlb_drops(&vo.may_tlb[i], inv))
			vo.may_tlb[n++] = vo.may_tlb[i];
	vo.n_tlb = n;
	for (i = n = 0; i < vo.n_psc; i++)
		if (!psc_drops(&vo.may_psc[i], inv))
			vo.may_psc[n++] = vo.may_psc[i];
	vo.n_psc = n;
}

/* ---- Fault records ---- */

FZ_ORACLE void vo_fault_expect(const struct want_fault *w)
{
	if (vo.fault_count == vo.cfg.fault_depth) {
		vo.faults_dropped++;
		return;
	}
	vo.faults[(vo.fault_head + vo.fault_count) % MAX_FAULTS] = *w;
	vo.fault_count++;
	vo.faults_recorded++;
}

FZ_ORACLE void vo_fault_pop(void)
{
	struct viommu_fault_record r;
	const struct want_fault *w;
	int ret = viommu_fault_pop(vo.v, &r);
	unsigned int i;

	fz_note_u64((uint64_t)ret);
	if (!vo.fault_count) {
		if (ret != -ENOENT)
			fz_fail("fault_pop on an empty log: %d, not -ENOENT "
				"(reason %s)", ret,
				viommu_fault_reason_name(r.reason));
		return;
	}
	w = &vo.faults[vo.fault_head];
	vo.fault_head = (vo.fault_head + 1) % MAX_FAULTS;
	vo.fault_count--;
	if (ret)
		fz_fail("fault_pop: %d with a record waiting", ret);
	fz_note(&r.reason, sizeof(r.reason));
	if (!strcmp(viommu_fault_reason_name(r.reason), "?") ||
	    strcmp(viommu_fault_reason_name(VIOMMU_FR_FS_RESERVED + 1), "?"))
		fz_fail("fault reason %u has no name, or an unknown one has",
			r.reason);
	if (r.rid != w->rid || r.pasid_valid != w->pasid_valid ||
	    r.pasid != (w->pasid_valid ? w->pasid : 0) || r.addr != w->addr ||
	    r.write != !!(w->access & VIOMMU_ACC_WRITE) ||
	    r.access != w->access)
		fz_fail("fault record rid %#x pasid %d/%#x addr %#llx access "
			"%#x write %d; the faulting request was rid %#x pasid "
			"%d/%#x addr %#llx access %#x", r.rid, r.pasid_valid,
			r.pasid, (unsigned long long)r.addr, r.access, r.write,
			w->rid, w->pasid_valid, w->pasid,
			(unsigned long long)w->addr, w->access);
	for (i = 0; i < w->c.n; i++)
		if (!w->c.o[i].ok && w->c.o[i].reason == r.reason &&
		    w->c.o[i].stage == r.stage && w->c.o[i].gpa == r.gpa)
			return;
	fz_fail("fault record at %#llx: %s stage %u gpa %#llx, which no "
		"state of the tables and caches gives (first allowed: %s "
		"stage %u gpa %#llx)", (unsigned long long)r.addr,
		viommu_fault_reason_name(r.reason), r.stage,
		(unsigned long long)r.gpa,
		viommu_fault_reason_name(w->c.o[0].reason), w->c.o[0].stage,
		(unsigned long long)w->c.o[0].gpa);
}

FZ_ORACLE void vo_check_counts(void)
{
	struct viommu_stats st;
	uint32_t n = viommu_fault_count(vo.v);

	viommu_get_stats(vo.v, &st);
	if (n != vo.fault_count)
		fz_fail("%u fault records waiting, the model has %u (depth "
			"%u)", n, vo.fault_count, vo.cfg.fault_depth);
	if (st.faults != vo.faults_recorded ||
	    st.faults_dropped != vo.faults_dropped)
		fz_fail("stats: %llu faults recorded, %llu dropped; failed "
			"requests say %llu and %llu",
			(unsigned long long)st.faults,
			(unsigned long long)st.faults_dropped,
			(unsigned long long)vo.faults_recorded,
			(unsigned long long)vo.faults_dropped);
	if (st.iotlb_entries > vo.cfg.iotlb_entries)
		fz_fail("stats: %llu IOTLB entries in a %u-entry IOTLB",
			(unsigned long long)st.iotlb_entries,
			vo.cfg.iotlb_entries);
	vo_prq_check();
}
