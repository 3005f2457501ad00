/* SPDX-License-Identifier: MIT */
/*
 * PASID entries at the driver level: attach points (RID, PASID) at a
 * domain; detach clears the entry and then flushes what the hardware may
 * have cached of it, PASID cache first, then the IOTLB, in the order a
 * VT-d driver tears a PASID down.
 */
#include <errno.h>

#include "viommu_internal.h"

/* -ERANGE unless pasid is VIOMMU_NO_PASID or below 2^pasid_bits. */
static int pasid_check(const struct viommu *v, uint32_t pasid)
{
	if (pasid != VIOMMU_NO_PASID && pasid >= (1u << v->cfg.pasid_bits))
		return -ERANGE;
	return 0;
}

int viommu_attach(struct viommu *v, uint16_t rid, uint32_t pasid,
		  uint32_t domain)
{
	struct viommu_domain *dom = domain_get(v, domain);
	struct pasid_entry *pe;
	int ret;

	ret = pasid_check(v, pasid);
	if (ret)
		return ret;
	if (!dom)
		return -ENOENT;
	pe = pasid_entry_find(v, rid, pasid, true);
	if (!pe)
		return -ENOMEM;
	if (pe->type != VIOMMU_PGTT_NONE) {
		struct viommu_domain *old;

		if (!viommu_fault(v, VIOMMU_FAULT_ATTACH_REPLACES))
			return -EBUSY;
		/* The bug: overwrite in place, flush nothing. */
		old = domain_get(v, pe->domain);
		if (old)
			old->users--;
	}
	pe->type = VIOMMU_PGTT_SECOND_STAGE;
	pe->domain = domain;
	dom->users++;
	return 0;
}

int viommu_pt_detach(struct viommu *v, uint16_t rid, uint32_t pasid)
{
	struct viommu_domain *dom;
	struct pasid_entry *pe;
	int ret;

	ret = pasid_check(v, pasid);
	if (ret)
		return ret;
	pe = pasid_entry_find(v, rid, pasid, false);
	if (!pe || pe->type == VIOMMU_PGTT_NONE)
		return -ENOENT;
	dom = domain_get(v, pe->domain);
	if (dom)
		dom->users--;
	*pe = (struct pasid_entry){ .type = VIOMMU_PGTT_NONE };
	return 0;
}

int viommu_detach(struct viommu *v, uint16_t rid, uint32_t pasid)
{
	struct viommu_pasid_info info;
	struct viommu_inv inv = { .granularity = VIOMMU_INV_PASID };
	int ret;

	ret = viommu_pasid_get(v, rid, pasid, &info);
	if (ret)
		return ret;
	ret = viommu_pt_detach(v, rid, pasid);
	if (ret)
		return ret;
	if (viommu_fault(v, VIOMMU_FAULT_DETACH_NO_FLUSH))
		return 0;
	inv.domain = info.domain;
	inv.pasid = pasid;
	inv.cache = VIOMMU_CACHE_PASID;
	caches_invalidate(v, &inv);
	inv.cache = VIOMMU_CACHE_IOTLB;
	caches_invalidate(v, &inv);
	return 0;
}

int viommu_pasid_get(struct viommu *v, uint16_t rid, uint32_t pasid,
		     struct viommu_pasid_info *out)
{
	const struct pasid_entry *pe;
	int ret;

	ret = pasid_check(v, pasid);
	if (ret)
		return ret;
	pe = pasid_entry_find(v, rid, pasid, false);
	if (!pe || pe->type == VIOMMU_PGTT_NONE)
		return -ENOENT;
	*out = (struct viommu_pasid_info){
		.type = pe->type,
		.domain = pe->domain,
	};
	if (pe->type != VIOMMU_PGTT_SECOND_STAGE) {
		out->fs_pgtbl = pe->fs.pgtbl;
		out->fs_addr_width = pe->fs.levels == 5 ? 57 : 48;
		out->fs_flags = pe->fs.flags;
	}
	return 0;
}
