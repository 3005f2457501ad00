/* SPDX-License-Identifier: MIT */
/*
 * DMA through the reference IOMMU: a request (RID, PASID?) finds its PASID
 * entry, then each page its translation, caches first, as the hardware
 * does: second-stage entries walk their domain's table, first-stage and
 * nested ones go through fs_walk.c. A failed translation becomes an
 * unrecoverable fault record, with the stage that failed.
 */
#include <errno.h>
#include <string.h>

#include "viommu_internal.h"

/* The PASID entry for the request, from the PASID cache or the table;
 * 0, or a fault reason. */
static uint32_t resolve_entry(struct viommu *v, uint16_t rid, uint32_t key,
			      struct pasid_entry *out)
{
	const struct pasid_entry *pe;

	pe = pasid_cache_lookup(v, rid, key);
	if (pe) {
		*out = *pe;
		return 0;
	}
	if (!pasid_table_exists(v, rid))
		return VIOMMU_FR_NO_CONTEXT;
	pe = pasid_entry_find(v, rid, key, false);
	if (!pe || pe->type == VIOMMU_PGTT_NONE)
		return VIOMMU_FR_NO_PASID_ENTRY;
	pasid_cache_fill(v, rid, key, pe);
	*out = *pe;
	return 0;
}

/*
 * A write through a cached translation that has not marked its PTE
 * dirty walks the second-stage table to do so (the PTE may be gone: a
 * stale entry). NESTED marks the page's GPA; FIRST_STAGE has no second
 * stage to mark.
 */
static void mark_dirty(struct viommu_domain *dom, struct iotlb_entry *e)
{
	uint64_t pfn = e->type == VIOMMU_PGTT_NESTED ? e->gpa_pfn : e->pfn;
	uintptr_t *pte = pt_leaf(&dom->pt, pfn << VIOMMU_PAGE_SHIFT, false);

	if (pte && pte_present(*pte) && pte_page(*pte) == e->page)
		*pte |= PTE_DIRTY;
	e->dirty_marked = true;
}

/* An IOTLB miss of a second-stage entry: walk the domain's table. */
static uint32_t ss_fill(struct viommu *v, struct viommu_domain *dom,
			const struct pasid_entry *pe, uint32_t key,
			uint64_t iova, struct iotlb_entry **out,
			struct xlate_fault *f)
{
	uintptr_t *pte = pt_leaf(&dom->pt, iova, false);

	if (!pte || !pte_present(*pte))
		return f->reason = VIOMMU_FR_NOT_PRESENT;
	*out = iotlb_fill(v, pe->domain, key, iova >> VIOMMU_PAGE_SHIFT, *pte);
	return 0;
}

/* An IOTLB miss of a first-stage or nested entry: walk its tables. */
static uint32_t fs_fill(struct viommu *v, const struct pasid_entry *pe,
			uint32_t key, uint64_t va, struct iotlb_entry **out,
			struct xlate_fault *f)
{
	struct iotlb_entry e;

	if (fs_translate(v, pe, key, va, true, &e, f))
		return f->reason;
	*out = iotlb_fill_fs(v, &e);
	return 0;
}

/* Translate one page for the request: the IOTLB entry, or a reason. */
static uint32_t translate_page(struct viommu *v, const struct pasid_entry *pe,
			       uint32_t key, uint64_t iova, uint32_t access,
			       struct iotlb_entry **out, struct xlate_fault *f)
{
	struct viommu_domain *dom = domain_get(v, pe->domain);
	bool ss = pe->type == VIOMMU_PGTT_SECOND_STAGE;
	struct iotlb_entry *e;

	*f = (struct xlate_fault){ 0, VIOMMU_STAGE_SECOND, 0 };
	if (ss && iova >= viommu_addr_limit(v))
		return f->reason = VIOMMU_FR_ADDR_RANGE;
	if (!dom) {	/* only a faulty unit leaves an entry's domain freed */
		f->stage = VIOMMU_STAGE_NONE;
		return f->reason = VIOMMU_FR_NO_PASID_ENTRY;
	}
	e = iotlb_lookup(v, pe->domain, key, iova >> VIOMMU_PAGE_SHIFT);
	if (!e && (ss ? ss_fill(v, dom, pe, key, iova, &e, f) :
			fs_fill(v, pe, key, iova, &e, f)))
		return f->reason;
	if (access_check(v, pe, e, access, f))
		return f->reason;
	if ((access & VIOMMU_ACC_WRITE) && dom->dirty_tracking &&
	    !e->dirty_marked && e->type != VIOMMU_PGTT_FIRST_STAGE)
		mark_dirty(dom, e);
	*out = e;
	return 0;
}

static void fault_record(struct viommu *v, uint16_t rid, bool pasid_valid,
			 uint32_t pasid, uint64_t addr, uint32_t access,
			 const struct xlate_fault *f)
{
	struct viommu_fault_record *r;

	if (viommu_fault(v, VIOMMU_FAULT_FAULT_NOT_RECORDED))
		return;
	if (v->fault_count == v->cfg.fault_depth) {
		v->stats.faults_dropped++;
		return;
	}
	if (viommu_fault(v, VIOMMU_FAULT_FAULT_LOSES_PASID))
		pasid_valid = false;
	r = &v->faults[(v->fault_head + v->fault_count) % v->cfg.fault_depth];
	*r = (struct viommu_fault_record){
		.rid = rid,
		.pasid_valid = pasid_valid,
		.pasid = pasid_valid ? pasid : 0,
		.addr = addr,
		.write = (access & VIOMMU_ACC_WRITE) != 0,
		.reason = f->reason,
		.stage = f->stage,
		.access = access,
		.gpa = f->gpa,
	};
	v->fault_count++;
	v->stats.faults++;
}

int viommu_dma_access(struct viommu *v, uint16_t rid, bool pasid_valid,
		      uint32_t pasid, uint64_t iova, void *buf, size_t len,
		      uint32_t access)
{
	struct xlate_fault f = { 0, VIOMMU_STAGE_NONE, 0 };
	bool write = access & VIOMMU_ACC_WRITE;
	struct pasid_entry pe;
	uint64_t addr = iova;
	uint8_t *p = buf;
	uint32_t key;

	if (!len || !buf || iova + len < iova || (access & ~VIOMMU_ACC_ALL) ||
	    (write && (access & VIOMMU_ACC_EXEC)))
		return -EINVAL;
	/* The PASID entry that translates untagged DMA is the RID's own. */
	key = pasid_valid ? pasid : VIOMMU_NO_PASID;
	if (!pasid_valid && viommu_fault(v, VIOMMU_FAULT_UNTAGGED_USES_PASID0))
		key = 0;
	if (pasid_valid && pasid >= (1u << v->cfg.pasid_bits))
		f.reason = VIOMMU_FR_PASID_RANGE;
	else
		f.reason = resolve_entry(v, rid, key, &pe);

	while (!f.reason && len) {
		uint64_t off = addr & (VIOMMU_PAGE_SIZE - 1);
		size_t n = VIOMMU_PAGE_SIZE - off;
		struct iotlb_entry *e = NULL;
		uint8_t *host;

		if (translate_page(v, &pe, key, addr, access, &e, &f))
			break;
		if (n > len)
			n = len;
		host = (uint8_t *)e->page + off;
		if (write)
			memcpy(host, p, n);
		else
			memcpy(p, host, n);
		v->stats.dma_bytes += n;
		addr += n;
		p += n;
		len -= n;
	}
	if (!f.reason)
		return 0;
	fault_record(v, rid, pasid_valid, pasid, addr, access, &f);
	return -EFAULT;
}

int viommu_dma(struct viommu *v, uint16_t rid, bool pasid_valid,
	       uint32_t pasid, uint64_t iova, void *buf, size_t len,
	       bool write)
{
	return viommu_dma_access(v, rid, pasid_valid, pasid, iova, buf, len,
				 write ? VIOMMU_ACC_WRITE : 0);
}
