// SPDX-License-Identifier: MIT
/*
 * IOMMU_HWPT_INVALIDATE on a nested HWPT (VT-d stage 1): each request of
 * the array becomes PASID-based IOTLB (and paging-structure cache)
 * invalidations of the IOMMU for every (device, host PASID) the HWPT is
 * attached at. The rules are in iommufd.h ("HWPT_INVALIDATE").
 */
#include <errno.h>
#include <string.h>

#include "harness/ref/viommu/viommu.h"
#include "iommufd_internal.h"

/* Check one request before anything of it is done: 0 or -errno. */
static int check_entry(struct iommufd_ctx *ctx,
		       const struct iommu_hwpt_vtd_s1_invalidate *e)
{
	if ((e->flags & ~(uint32_t)IOMMU_VTD_INV_FLAGS_LEAF) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_INV_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	if (e->__reserved)
		return -EOPNOTSUPP;
	if (e->addr % IOMMUFD_PAGE &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_INV_UNALIGNED_OK))
		return -EINVAL;
	if (!e->npages)
		return -EINVAL;
	if (e->npages == UINT64_MAX && e->addr)
		return -EINVAL;
	return 0;
}

/* Invalidate [addr, addr + npages pages) of (domain, hpasid), in aligned
 * power-of-two chunks, clamped to the stage-1 input width. */
static void inv_range(struct iommufd_ctx *ctx, uint32_t domain,
		      uint32_t hpasid, uint32_t width,
		      const struct iommu_hwpt_vtd_s1_invalidate *e)
{
	uint64_t first = (e->addr & ~(IOMMUFD_PAGE - 1)) >> 12;
	uint64_t limit = 1ull << (width - 12), n = e->npages, order;
	struct viommu_inv inv = {
		.cache = VIOMMU_CACHE_IOTLB, .granularity = VIOMMU_INV_PASID,
		.domain = domain, .pasid = hpasid,
	};

	if (e->npages == UINT64_MAX) {		/* everything */
		if (!iommufd_fault(ctx, IOMMUFD_FAULT_INV_ALL_NOOP))
			viommu_invalidate(ctx->plat.iommu, &inv);
		return;
	}
	if (iommufd_fault(ctx, IOMMUFD_FAULT_INV_SKIPS_RANGE))
		return;
	if (first >= limit)
		return;
	if (n > limit - first)
		n = limit - first;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_INV_RANGE_FIRST))
		n = 1;
	inv.granularity = VIOMMU_INV_ADDR;
	inv.flags = VIOMMU_INV_F_PASID |
		    (e->flags & IOMMU_VTD_INV_FLAGS_LEAF ? VIOMMU_INV_F_LEAF : 0);
	while (n) {
		for (order = 0; order < 63; order++)
			if ((first & (1ull << order)) ||
			    (2ull << order) > n)
				break;
		inv.addr = first << 12;
		inv.size_order = (uint32_t)order;
		viommu_invalidate(ctx->plat.iommu, &inv);
		first += 1ull << order;
		n -= 1ull << order;
	}
}

/* Every (device, host PASID) hwpt_id is attached at. */
static void inv_entry(struct iommufd_ctx *ctx, const struct iommufd_obj *hw,
		      const struct iommu_hwpt_vtd_s1_invalidate *e)
{
	const struct iommufd_device *d;
	uint32_t i, k;

	for (i = 0; i < ctx->nobjs; i++) {
		if (!ctx->objs[i] || ctx->objs[i]->type != IOMMUFD_OBJ_DEVICE)
			continue;
		d = &ctx->objs[i]->idev;
		if (d->def.used && d->def.hwpt_id == hw->id)
			inv_range(ctx, hw->hwpt.domain, d->default_pasid,
				  hw->hwpt.s1.addr_width, e);
		for (k = 0; k < IOMMUFD_MAX_PASIDS; k++)
			if (d->pasids[k].used &&
			    d->pasids[k].hwpt_id == hw->id &&
			    !iommufd_fault(ctx,
					   IOMMUFD_FAULT_INV_DEFAULT_PASID_ONLY))
				inv_range(ctx, hw->hwpt.domain,
					  d->pasids[k].hpasid,
					  hw->hwpt.s1.addr_width, e);
	}
}

/* Requests one call may carry (Linux's IOMMU_HWPT_INVALIDATE_ENTRY_NUM_MAX). */
#define INV_ENTRY_NUM_MAX	(1u << 19)

/*
 * The request array's bounds, checked before the HWPT is looked up (as
 * Linux does: 6.12 and 7.3 agree): entries need an array, an entry_len
 * of at most a page and at most INV_ENTRY_NUM_MAX of them (a bound on
 * the work one call may ask for).
 */
static int check_array(const struct iommu_hwpt_invalidate *cmd)
{
	if (!cmd->entry_num)
		return 0;
	if (!cmd->data_uptr || !cmd->entry_len ||
	    cmd->entry_len > IOMMUFD_PAGE ||
	    cmd->entry_num > INV_ENTRY_NUM_MAX)
		return -EINVAL;
	return 0;
}

/* Everything but the entries: 0, or why the call fails. */
static int check_invalidate(struct iommufd_ctx *ctx,
			    const struct iommu_hwpt_invalidate *cmd,
			    struct iommufd_obj **hw)
{
	int ret;

	if (cmd->__reserved &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_INV_RESERVED_IGNORED))
		return -EOPNOTSUPP;
	ret = check_array(cmd);
	if (ret)
		return ret;
	*hw = iommufd_get_obj(ctx, cmd->hwpt_id, 0);
	if (!*hw)
		return -ENOENT;
	if ((*hw)->type == IOMMUFD_OBJ_VIOMMU)
		return 0;	/* its own entries: viommu_obj.c */
	if ((*hw)->type != IOMMUFD_OBJ_HWPT_NESTED)
		return -EINVAL;
	if (cmd->data_type != IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_INV_TYPE_UNCHECKED))
		return -EINVAL;
	if (cmd->entry_num && cmd->entry_len < sizeof(struct
	    iommu_hwpt_vtd_s1_invalidate) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_INV_LEN_UNCHECKED))
		return -EINVAL;
	return 0;
}

/*
 * entry_num always comes back as the requests handled: 0 when the call
 * is refused before the first (linux/iommufd.h: "Output the number of
 * requests successfully handled by kernel").
 */
int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_invalidate *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommu_hwpt_vtd_s1_invalidate e;
	const size_t esz = sizeof(e);
	const unsigned char *p;
	struct iommufd_obj *hw = NULL;
	uint32_t i, want = cmd->entry_num, done = 0;
	size_t k;
	int ret;

	ret = check_invalidate(ctx, cmd, &hw);
	if (ret) {
		if (!iommufd_fault(ctx, IOMMUFD_FAULT_INV_REFUSED_KEEPS_NUM)) {
			cmd->entry_num = 0;
			ucmd->respond = true;
		}
		return ret;
	}
	if (hw->type == IOMMUFD_OBJ_VIOMMU)
		return iommufd_viommu_invalidate(ucmd, hw);
	ucmd->respond = true;
	cmd->entry_num = 0;
	p = (const void *)(uintptr_t)cmd->data_uptr;
	for (i = 0; i < want; i++, p += cmd->entry_len) {
		for (k = esz; k < cmd->entry_len; k++)
			if (p[k])
				break;
		if (k < cmd->entry_len) {
			ret = -E2BIG;
			break;
		}
		memset(&e, 0, esz);
		memcpy(&e, p, cmd->entry_len < esz ? cmd->entry_len : esz);
		ret = check_entry(ctx, &e);
		if (ret)
			break;
		inv_entry(ctx, hw, &e);
		done++;
	}
	cmd->entry_num = iommufd_fault(ctx, IOMMUFD_FAULT_INV_COUNT_REQUESTED) ?
			 want : done;
	return ret;
}
