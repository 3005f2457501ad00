/* SPDX-License-Identifier: MIT */
/*
 * The PASID cache, the IOTLB and the first-stage paging-structure cache
 * (PSC). All are small arrays searched linearly
 * (they are bounded, and clarity beats speed here) and replaced round
 * robin, so what they hold after a given sequence of requests is
 * deterministic. Neither ever looks at the tables to check itself: a
 * cached entry lives until an invalidation matches it or it is replaced.
 */
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "viommu_internal.h"

int caches_init(struct viommu *v)
{
	v->pasid_cache = ref_calloc(v->cfg.pasid_cache_entries,
				sizeof(*v->pasid_cache));
	if (!v->pasid_cache)
		goto err;
	v->pasid_cache_set.size = v->cfg.pasid_cache_entries;
	v->iotlb = ref_calloc(v->cfg.iotlb_entries, sizeof(*v->iotlb));
	if (!v->iotlb)
		goto err_pasid_cache;
	v->iotlb_set.size = v->cfg.iotlb_entries;
	v->psc = ref_calloc(v->cfg.psc_entries, sizeof(*v->psc));
	if (!v->psc)
		goto err_iotlb;
	v->psc_set.size = v->cfg.psc_entries;
	return 0;

err_iotlb:
	free(v->iotlb);
	v->iotlb = NULL;
err_pasid_cache:
	free(v->pasid_cache);
	v->pasid_cache = NULL;
err:
	return -1;
}

void caches_destroy(struct viommu *v)
{
	free(v->psc);
	free(v->iotlb);
	free(v->pasid_cache);
}

/* The slot the next fill takes. */
static uint32_t cache_victim(struct cache_set *set)
{
	uint32_t slot = set->next;

	set->next = (set->next + 1) % set->size;
	return slot;
}

/* ---- PASID cache ---- */

const struct pasid_entry *pasid_cache_lookup(struct viommu *v, uint16_t rid,
					     uint32_t pasid)
{
	uint32_t i;

	for (i = 0; i < v->pasid_cache_set.size; i++) {
		const struct pasid_cache_entry *e = &v->pasid_cache[i];

		if (e->valid && e->rid == rid && e->pasid == pasid) {
			v->stats.pasid_cache_hits++;
			return &e->entry;
		}
	}
	v->stats.pasid_cache_misses++;
	return NULL;
}

void pasid_cache_fill(struct viommu *v, uint16_t rid, uint32_t pasid,
		      const struct pasid_entry *pe)
{
	struct pasid_cache_entry *e;

	e = &v->pasid_cache[cache_victim(&v->pasid_cache_set)];
	e->valid = true;
	e->rid = rid;
	e->pasid = pasid;
	e->entry = *pe;
}

/* ---- IOTLB ---- */

static bool iotlb_key_match(const struct viommu *v,
			    const struct iotlb_entry *e, uint32_t domain,
			    uint32_t pasid, uint64_t pfn)
{
	if (!e->valid || e->pfn != pfn)
		return false;
	if (e->domain != domain &&
	    !viommu_fault(v, VIOMMU_FAULT_IOTLB_IGNORES_DOMAIN))
		return false;
	if (e->pasid != pasid &&
	    !viommu_fault(v, VIOMMU_FAULT_IOTLB_IGNORES_PASID))
		return false;
	return true;
}

struct iotlb_entry *iotlb_lookup(struct viommu *v, uint32_t domain,
				 uint32_t pasid, uint64_t pfn)
{
	uint32_t i;

	for (i = 0; i < v->iotlb_set.size; i++) {
		struct iotlb_entry *e = &v->iotlb[i];

		if (iotlb_key_match(v, e, domain, pasid, pfn)) {
			v->stats.iotlb_hits++;
			return e;
		}
	}
	v->stats.iotlb_misses++;
	return NULL;
}

/* The slot the next fill takes, counted. */
static struct iotlb_entry *iotlb_victim(struct viommu *v)
{
	struct iotlb_entry *e = &v->iotlb[cache_victim(&v->iotlb_set)];

	if (e->valid)
		v->stats.iotlb_evictions++;
	else
		v->stats.iotlb_entries++;
	return e;
}

struct iotlb_entry *iotlb_fill(struct viommu *v, uint32_t domain,
			       uint32_t pasid, uint64_t pfn, uintptr_t pte)
{
	struct iotlb_entry *e = iotlb_victim(v);

	*e = (struct iotlb_entry){
		.valid = true,
		.dirty_marked = (pte & PTE_DIRTY) != 0,
		.type = VIOMMU_PGTT_SECOND_STAGE,
		.domain = domain,
		.pasid = pasid,
		.pfn = pfn,
		.page = pte_page(pte),
		.prot = ((pte & PTE_READ) ? VIOMMU_PROT_READ : 0) |
			((pte & PTE_WRITE) ? VIOMMU_PROT_WRITE : 0),
	};
	return e;
}

struct iotlb_entry *iotlb_fill_fs(struct viommu *v,
				  const struct iotlb_entry *from)
{
	struct iotlb_entry *e = iotlb_victim(v);

	*e = *from;
	e->valid = true;
	return e;
}

/* ---- PSC ---- */

const struct psc_entry *psc_lookup(struct viommu *v, uint32_t domain,
				   uint32_t pasid, uint64_t va)
{
	uint32_t i;

	for (i = 0; i < v->psc_set.size; i++) {
		const struct psc_entry *e = &v->psc[i];

		if (e->valid && e->domain == domain && e->pasid == pasid &&
		    e->vpn2 == va >> 21) {
			v->stats.psc_hits++;
			return e;
		}
	}
	v->stats.psc_misses++;
	return NULL;
}

void psc_fill(struct viommu *v, const struct psc_entry *pe)
{
	struct psc_entry *e = &v->psc[cache_victim(&v->psc_set)];

	*e = *pe;
	e->valid = true;
}

/* ---- Invalidation ---- */

static bool pasid_cache_inv_match(const struct pasid_cache_entry *e,
				  const struct viommu_inv *inv)
{
	switch (inv->granularity) {
	case VIOMMU_INV_GLOBAL:
		return true;
	case VIOMMU_INV_DOMAIN:
		return e->entry.domain == inv->domain;
	case VIOMMU_INV_PASID:
		return e->entry.domain == inv->domain &&
		       e->pasid == inv->pasid;
	}
	return false;
}

/* Whether an address invalidation covers pfn. */
static bool iotlb_inv_covers(const struct viommu *v,
			     const struct viommu_inv *inv, uint64_t pfn)
{
	uint64_t first = inv->addr >> VIOMMU_PAGE_SHIFT;
	uint64_t pages = 1ull << inv->size_order;

	if (viommu_fault(v, VIOMMU_FAULT_INV_ADDR_SHORT))
		pages--;	/* the last page taken for the end */
	return pfn >= first && pfn - first < pages;
}

/*
 * A second-stage address invalidation: the domain's second-stage entries
 * of the range, and all of its nested ones, which are keyed by VA and so
 * cannot be matched by GPA.
 */
static bool iotlb_inv_ss_addr(const struct viommu *v,
			      const struct iotlb_entry *e,
			      const struct viommu_inv *inv)
{
	switch (e->type) {
	case VIOMMU_PGTT_NESTED:
		return !viommu_fault(v, VIOMMU_FAULT_INV_SS_KEEPS_NESTED);
	case VIOMMU_PGTT_FIRST_STAGE:
		return false;
	default:
		return iotlb_inv_covers(v, inv, e->pfn);
	}
}

static bool iotlb_inv_match(const struct viommu *v,
			    const struct iotlb_entry *e,
			    const struct viommu_inv *inv)
{
	switch (inv->granularity) {
	case VIOMMU_INV_GLOBAL:
		return true;
	case VIOMMU_INV_DOMAIN:
		if (viommu_fault(v, VIOMMU_FAULT_INV_DOMAIN_NOOP))
			return false;
		return e->domain == inv->domain;
	case VIOMMU_INV_PASID:
		return e->domain == inv->domain && e->pasid == inv->pasid;
	case VIOMMU_INV_ADDR:
		if (e->domain != inv->domain)
			return false;
		if (!(inv->flags & VIOMMU_INV_F_PASID))
			return iotlb_inv_ss_addr(v, e, inv);
		return e->pasid == inv->pasid &&
		       iotlb_inv_covers(v, inv, e->pfn);
	}
	return false;
}

/* Whether the PSC entry's 2 MiB region overlaps an address range. */
static bool psc_inv_overlaps(const struct psc_entry *e,
			     const struct viommu_inv *inv)
{
	uint64_t first = inv->addr >> 21;
	uint64_t last = (inv->addr +
			 (1ull << (inv->size_order + VIOMMU_PAGE_SHIFT)) - 1) >>
			21;

	return e->vpn2 >= first && e->vpn2 <= last;
}

/* Whether a first-stage address invalidation drops the PSC's entries:
 * not for leaf-only changes. */
static bool psc_inv_addr_applies(const struct viommu *v,
				 const struct viommu_inv *inv)
{
	if (!(inv->flags & VIOMMU_INV_F_PASID))
		return false;	/* second stage: the PSC holds guest state */
	if (inv->flags & VIOMMU_INV_F_LEAF)
		return viommu_fault(v, VIOMMU_FAULT_INV_LEAF_DROPS_PSC);
	return !viommu_fault(v, VIOMMU_FAULT_INV_NONLEAF_KEEPS_PSC);
}

static bool psc_inv_match(const struct viommu *v, const struct psc_entry *e,
			  const struct viommu_inv *inv)
{
	switch (inv->granularity) {
	case VIOMMU_INV_GLOBAL:
		return true;
	case VIOMMU_INV_DOMAIN:
		return e->domain == inv->domain;
	case VIOMMU_INV_PASID:
		return e->domain == inv->domain && e->pasid == inv->pasid;
	case VIOMMU_INV_ADDR:
		return psc_inv_addr_applies(v, inv) &&
		       e->domain == inv->domain && e->pasid == inv->pasid &&
		       psc_inv_overlaps(e, inv);
	}
	return false;
}

void caches_invalidate(struct viommu *v, const struct viommu_inv *inv)
{
	uint32_t i;

	v->stats.invalidations++;
	if (inv->cache == VIOMMU_CACHE_PASID) {
		for (i = 0; i < v->pasid_cache_set.size; i++)
			if (v->pasid_cache[i].valid &&
			    pasid_cache_inv_match(&v->pasid_cache[i], inv))
				v->pasid_cache[i].valid = false;
		return;
	}
	for (i = 0; i < v->iotlb_set.size; i++) {
		struct iotlb_entry *e = &v->iotlb[i];

		if (e->valid && iotlb_inv_match(v, e, inv)) {
			e->valid = false;
			v->stats.iotlb_entries--;
		}
	}
	for (i = 0; i < v->psc_set.size; i++)
		if (v->psc[i].valid && psc_inv_match(v, &v->psc[i], inv))
			v->psc[i].valid = false;
}
