/* SPDX-License-Identifier: MIT */
/*
 * DMA through the reference IOMMU: a request (RID, PASID?) finds its PASID
 * entry, then each page its translation, caches first, as the hardware
 * does. A failed translation becomes an unrecoverable fault record.
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

static uint32_t prot_check(const struct viommu *v, uint32_t prot, bool write)
{
	if (viommu_fault(v, VIOMMU_FAULT_PERM_IGNORED))
		return 0;
	if (write && !(prot & VIOMMU_PROT_WRITE))
		return VIOMMU_FR_WRITE_DENIED;
	if (!write && !(prot & VIOMMU_PROT_READ))
		return VIOMMU_FR_READ_DENIED;
	return 0;
}

/*
 * A write through a cached translation that has not marked its PTE
 * dirty walks the table to do so (the PTE may be gone: a stale entry).
 */
static void mark_dirty(struct viommu_domain *dom, struct iotlb_entry *e)
{
	uintptr_t *pte = pt_leaf(&dom->pt, e->pfn << VIOMMU_PAGE_SHIFT, false);

	if (pte && pte_present(*pte) && pte_page(*pte) == e->page)
		*pte |= PTE_DIRTY;
	e->dirty_marked = true;
}

/* Translate one page for the request: the IOTLB entry, or a reason. */
static uint32_t translate_page(struct viommu *v, const struct pasid_entry *pe,
			       uint32_t key, uint64_t iova, bool write,
			       struct iotlb_entry **out)
{
	struct viommu_domain *dom = domain_get(v, pe->domain);
	uint64_t pfn = iova >> VIOMMU_PAGE_SHIFT;
	struct iotlb_entry *e;
	uintptr_t *pte;
	uint32_t reason;

	if (iova >= viommu_addr_limit(v))
		return VIOMMU_FR_ADDR_RANGE;
	if (!dom)	/* only a faulty unit leaves an entry's domain freed */
		return VIOMMU_FR_NO_PASID_ENTRY;
	e = iotlb_lookup(v, pe->domain, key, pfn);
	if (!e) {
		pte = pt_leaf(&dom->pt, iova, false);
		if (!pte || !pte_present(*pte))
			return VIOMMU_FR_NOT_PRESENT;
		e = iotlb_fill(v, pe->domain, key, pfn, *pte);
	}
	reason = prot_check(v, e->prot, write);
	if (reason)
		return reason;
	if (write && dom->dirty_tracking && !e->dirty_marked)
		mark_dirty(dom, e);
	*out = e;
	return 0;
}

static void fault_record(struct viommu *v, uint16_t rid, bool pasid_valid,
			 uint32_t pasid, uint64_t addr, bool write,
			 uint32_t reason)
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
		.write = write,
		.reason = reason,
	};
	v->fault_count++;
	v->stats.faults++;
}

int viommu_dma(struct viommu *v, uint16_t rid, bool pasid_valid,
	       uint32_t pasid, uint64_t iova, void *buf, size_t len,
	       bool write)
{
	struct pasid_entry pe;
	uint64_t addr = iova;
	uint8_t *p = buf;
	uint32_t key, reason;

	if (!len || !buf || iova + len < iova)
		return -EINVAL;
	/* The PASID entry that translates untagged DMA is the RID's own. */
	key = pasid_valid ? pasid : VIOMMU_NO_PASID;
	if (!pasid_valid && viommu_fault(v, VIOMMU_FAULT_UNTAGGED_USES_PASID0))
		key = 0;
	if (pasid_valid && pasid >= (1u << v->cfg.pasid_bits))
		reason = VIOMMU_FR_PASID_RANGE;
	else
		reason = resolve_entry(v, rid, key, &pe);

	while (!reason && len) {
		uint64_t off = addr & (VIOMMU_PAGE_SIZE - 1);
		size_t n = VIOMMU_PAGE_SIZE - off;
		struct iotlb_entry *e;
		uint8_t *host;

		reason = translate_page(v, &pe, key, addr, write, &e);
		if (reason)
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
	if (!reason)
		return 0;
	fault_record(v, rid, pasid_valid, pasid, addr, write, reason);
	return -EFAULT;
}
