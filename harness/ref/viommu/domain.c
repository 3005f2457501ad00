/* SPDX-License-Identifier: MIT */
/*
 * Domains and their second-stage mappings, at the driver level: map and
 * unmap with the checks of VFIO_IOMMU_MAP_DMA / UNMAP_DMA, the IOTLB
 * flush after an unmap, and dirty tracking for migration.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/alloc/alloc.h"
#include "viommu_internal.h"

struct viommu_domain *domain_get(const struct viommu *v, uint32_t id)
{
	if (id == 0 || id > v->cfg.max_domains)
		return NULL;
	return v->domains[id - 1];
}

int viommu_domain_alloc(struct viommu *v, uint32_t *id)
{
	struct viommu_domain *dom;
	uint32_t i;

	for (i = 0; i < v->cfg.max_domains && v->domains[i]; i++)
		;
	if (i == v->cfg.max_domains)
		return -ENOSPC;
	dom = ref_calloc(1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	if (pt_init(&dom->pt)) {
		free(dom);
		return -ENOMEM;
	}
	dom->id = i + 1;
	v->domains[i] = dom;
	*id = dom->id;
	return 0;
}

int viommu_domain_free(struct viommu *v, uint32_t id)
{
	struct viommu_domain *dom = domain_get(v, id);
	struct viommu_inv inv = {
		.granularity = VIOMMU_INV_DOMAIN,
		.domain = id,
	};

	if (!dom)
		return -ENOENT;
	if (dom->users)
		return -EBUSY;
	pt_destroy(&dom->pt);
	free(dom);
	v->domains[id - 1] = NULL;
	/* The DID will be reused: nothing cached under it may survive. */
	inv.cache = VIOMMU_CACHE_PASID;
	caches_invalidate(v, &inv);
	inv.cache = VIOMMU_CACHE_IOTLB;
	caches_invalidate(v, &inv);
	return 0;
}

int range_check(const struct viommu *v, uint64_t iova, uint64_t size)
{
	uint64_t mask = VIOMMU_PAGE_SIZE - 1;

	if (!size || (iova & mask) || (size & mask))
		return -EINVAL;
	if (iova >= viommu_addr_limit(v) ||
	    size > viommu_addr_limit(v) - iova)
		return -ERANGE;
	return 0;
}

/* pt_walk callback: count the present leaves it is called for. */
static void count_leaf(uintptr_t *pte, uint64_t iova, void *ctx)
{
	(void)pte;
	(void)iova;
	(*(uint64_t *)ctx)++;
}

/* Clear [iova, iova + n pages) that this call mapped (map's undo). */
static void map_undo(struct viommu_domain *dom, uint64_t iova, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		*pt_leaf(&dom->pt, iova + i * VIOMMU_PAGE_SIZE, false) = 0;
}

int viommu_map(struct viommu *v, uint32_t domain, uint64_t iova, void *vaddr,
	       uint64_t size, uint32_t prot)
{
	struct viommu_domain *dom = domain_get(v, domain);
	uintptr_t flags = 0;
	uint64_t i, pages, present = 0;
	int ret;

	if (!dom)
		return -ENOENT;
	if (!prot || (prot & ~(VIOMMU_PROT_READ | VIOMMU_PROT_WRITE)) ||
	    ((uintptr_t)vaddr & (VIOMMU_PAGE_SIZE - 1)))
		return -EINVAL;
	ret = range_check(v, iova, size);
	if (ret == -ERANGE && viommu_fault(v, VIOMMU_FAULT_MAP_IGNORES_WIDTH))
		ret = 0, iova &= viommu_addr_limit(v) - 1;
	if (ret)
		return ret;

	/* All or nothing: refuse before changing anything. */
	if (!viommu_fault(v, VIOMMU_FAULT_MAP_OVERLAP) &&
	    !viommu_fault(v, VIOMMU_FAULT_MAP_NOT_ATOMIC)) {
		pt_walk(&dom->pt, iova, iova + size, count_leaf, &present);
		if (present)
			return -EEXIST;
	}

	if (prot & VIOMMU_PROT_READ)
		flags |= PTE_READ;
	if (prot & VIOMMU_PROT_WRITE)
		flags |= PTE_WRITE;
	pages = size >> VIOMMU_PAGE_SHIFT;
	for (i = 0; i < pages; i++) {
		uint64_t off = i * VIOMMU_PAGE_SIZE;
		uintptr_t *pte = pt_leaf(&dom->pt, iova + off, true);

		if (!pte) {
			ret = -ENOMEM;
			goto err_undo;
		}
		/* Only a faulty map gets here with a present PTE. */
		if (pte_present(*pte) &&
		    viommu_fault(v, VIOMMU_FAULT_MAP_NOT_ATOMIC))
			return -EEXIST;		/* the bug: no undo */
		*pte = ((uintptr_t)vaddr + off) | flags;
	}
	return 0;

err_undo:
	if (!viommu_fault(v, VIOMMU_FAULT_MAP_ENOMEM_KEEPS))
		map_undo(dom, iova, i);
	return ret;
}

/* pt_walk callback: clear a leaf and count it. */
static void unmap_leaf(uintptr_t *pte, uint64_t iova, void *ctx)
{
	(void)iova;
	if (pte_present(*pte)) {
		*pte = 0;
		(*(uint64_t *)ctx)++;
	}
}

int64_t viommu_pt_unmap(struct viommu *v, uint32_t domain, uint64_t iova,
			uint64_t size)
{
	struct viommu_domain *dom = domain_get(v, domain);
	uint64_t pages = 0;
	int ret;

	if (!dom)
		return -ENOENT;
	ret = range_check(v, iova, size);
	if (ret)
		return ret;
	pt_walk(&dom->pt, iova, iova + size, unmap_leaf, &pages);
	if (viommu_fault(v, VIOMMU_FAULT_UNMAP_COUNTS_HOLES))
		return (int64_t)size;
	return (int64_t)(pages << VIOMMU_PAGE_SHIFT);
}

void domain_flush_range(struct viommu *v, uint32_t domain, uint64_t iova,
			uint64_t size)
{
	uint64_t pfn = iova >> VIOMMU_PAGE_SHIFT;
	uint64_t end = (iova + size) >> VIOMMU_PAGE_SHIFT;
	struct viommu_inv inv = {
		.cache = VIOMMU_CACHE_IOTLB,
		.granularity = VIOMMU_INV_ADDR,
		.flags = VIOMMU_INV_F_LEAF,
		.domain = domain,
	};

	/* The largest aligned power-of-two chunk at pfn that fits. */
	while (pfn < end) {
		uint32_t order = 0;

		while (!(pfn & (1ull << order)) &&
		       pfn + (2ull << order) <= end)
			order++;
		inv.addr = pfn << VIOMMU_PAGE_SHIFT;
		inv.size_order = order;
		caches_invalidate(v, &inv);
		pfn += 1ull << order;
	}
}

int64_t viommu_unmap(struct viommu *v, uint32_t domain, uint64_t iova,
		     uint64_t size)
{
	int64_t ret = viommu_pt_unmap(v, domain, iova, size);

	if (ret < 0)
		return ret;
	if (!viommu_fault(v, VIOMMU_FAULT_UNMAP_NO_FLUSH))
		domain_flush_range(v, domain, iova, size);
	return ret;
}

int viommu_lookup(struct viommu *v, uint32_t domain, uint64_t iova,
		  void **vaddr, uint32_t *prot, bool *dirty)
{
	struct viommu_domain *dom = domain_get(v, domain);
	uintptr_t *pte;

	if (!dom)
		return -ENOENT;
	if (iova >= viommu_addr_limit(v))
		return -ERANGE;
	pte = pt_leaf(&dom->pt, iova, false);
	if (!pte || !pte_present(*pte))
		return -ENOENT;
	if (vaddr)
		*vaddr = (char *)pte_page(*pte) +
			 (iova & (VIOMMU_PAGE_SIZE - 1));
	if (prot)
		*prot = ((*pte & PTE_READ) ? VIOMMU_PROT_READ : 0) |
			((*pte & PTE_WRITE) ? VIOMMU_PROT_WRITE : 0);
	if (dirty)
		*dirty = (*pte & PTE_DIRTY) != 0;
	return 0;
}

int viommu_set_dirty_tracking(struct viommu *v, uint32_t domain, bool enable)
{
	struct viommu_domain *dom = domain_get(v, domain);

	if (!dom)
		return -ENOENT;
	dom->dirty_tracking = enable;
	return 0;
}

struct dirty_walk {
	uint64_t start, last;		/* first and last page's IOVA */
	uint64_t *bitmap;
	bool clear;
	bool cleared;			/* some bit was cleared */
	bool skip_last;			/* the injected off-by-one */
};

static void dirty_leaf(uintptr_t *pte, uint64_t iova, void *ctx)
{
	struct dirty_walk *w = ctx;
	uint64_t bit = (iova - w->start) >> VIOMMU_PAGE_SHIFT;

	if (!(*pte & PTE_DIRTY) || (w->skip_last && iova == w->last))
		return;
	w->bitmap[bit / 64] |= 1ull << (bit % 64);
	if (w->clear) {
		*pte &= ~PTE_DIRTY;
		w->cleared = true;
	}
}

int viommu_read_and_clear_dirty(struct viommu *v, uint32_t domain,
				uint64_t iova, uint64_t size, uint64_t *bitmap,
				uint32_t flags)
{
	struct viommu_domain *dom = domain_get(v, domain);
	struct dirty_walk w = {
		.start = iova,
		.last = iova + size - VIOMMU_PAGE_SIZE,
		.bitmap = bitmap,
		.clear = !(flags & VIOMMU_DIRTY_NO_CLEAR) &&
			 !viommu_fault(v, VIOMMU_FAULT_DIRTY_NOT_CLEARED),
		.skip_last = viommu_fault(v,
					  VIOMMU_FAULT_DIRTY_MISSES_LAST_PAGE),
	};
	uint64_t pages;
	int ret;

	if (!dom)
		return -ENOENT;
	if (flags & ~VIOMMU_DIRTY_NO_CLEAR || !bitmap)
		return -EINVAL;
	ret = range_check(v, iova, size);
	if (ret)
		return ret;
	pages = size >> VIOMMU_PAGE_SHIFT;
	memset(bitmap, 0, (pages + 63) / 64 * sizeof(*bitmap));
	pt_walk(&dom->pt, iova, iova + size, dirty_leaf, &w);
	/*
	 * Cached translations remember that their PTE is dirty and would
	 * not mark it again: flush them so the next write walks and marks.
	 */
	if (w.cleared && !viommu_fault(v, VIOMMU_FAULT_DIRTY_CLEAR_NO_FLUSH))
		domain_flush_range(v, domain, iova, size);
	return 0;
}
