// SPDX-License-Identifier: MIT
/*
 * IOMMU_HWPT_ALLOC: paging HWPTs (a viommu domain whose mappings mirror an
 * IOAS; with DIRTY_TRACKING its dirty bits are readable, dirty.c) and
 * nested HWPTs (a guest's VT-d stage-1 table over a NEST_PARENT
 * paging HWPT, installed with viommu_bind NESTED). The rules are in
 * iommufd.h ("HWPT_ALLOC").
 */
#include <errno.h>
#include <string.h>

#include "harness/ref/viommu/viommu.h"
#include "iommufd_internal.h"

/* The fault hwpt-enomem-keeps-refs: the references are taken before the
 * object exists (a hook, folded away in the coverage build). */
#define EARLY_REFS(ctx) iommufd_fault(ctx, IOMMUFD_FAULT_HWPT_ENOMEM_KEEPS_REFS)

#define PAGING_FLAGS (IOMMU_HWPT_ALLOC_NEST_PARENT | \
		      IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_FAULT_ID_VALID)
#define VTD_S1_FLAGS (IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE)

int iommufd_hwpt_busy(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	(void)ctx;
	return obj->hwpt.users || obj->hwpt.children || obj->hwpt.viommus ?
	       -EBUSY : 0;
}

void iommufd_hwpt_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	struct iommufd_hwpt *h = &obj->hwpt;
	struct iommufd_ioas *ioas;
	struct iommufd_obj *o;

	if (h->fault_id) {
		o = iommufd_get_obj(ctx, h->fault_id, IOMMUFD_OBJ_FAULT);
		if (o && o->fault.users)
			o->fault.users--;
	}
	if (obj->type == IOMMUFD_OBJ_HWPT_NESTED) {
		o = iommufd_get_obj(ctx, h->parent_id, IOMMUFD_OBJ_HWPT_PAGING);
		if (o && o->hwpt.children)
			o->hwpt.children--;
		o = iommufd_get_obj(ctx, h->viommu_id, IOMMUFD_OBJ_VIOMMU);
		if (o && o->viommu.users)
			o->viommu.users--;
		return;
	}
	ioas = iommufd_get_ioas(ctx, h->ioas_id);
	if (ioas) {
		area_mirror_del(&ioas->areas, h->domain);
		ioas->hwpts--;
	}
	viommu_domain_free(ctx->plat.iommu, h->domain);
}

/* The nested HWPT's user data: struct iommu_hwpt_vtd_s1, checked. */
static int copy_vtd_s1(struct iommufd_ctx *ctx,
		       const struct iommu_hwpt_alloc *cmd,
		       struct iommu_hwpt_vtd_s1 *s1)
{
	const struct viommu_config *cfg = viommu_get_config(ctx->plat.iommu);
	const unsigned char *p = (const void *)(uintptr_t)cmd->data_uptr;
	uint32_t i;

	if (cmd->data_type != IOMMU_HWPT_DATA_VTD_S1)
		return -EOPNOTSUPP;
	if (!cmd->data_uptr)
		return -EINVAL;
	if (cmd->data_len < sizeof(*s1) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_DATA_LEN_UNCHECKED))
		return -EINVAL;
	for (i = sizeof(*s1); i < cmd->data_len; i++)
		if (p[i])
			return -E2BIG;
	memset(s1, 0, sizeof(*s1));
	memcpy(s1, p, cmd->data_len < sizeof(*s1) ? cmd->data_len :
		      sizeof(*s1));
	if ((s1->flags & ~(uint64_t)VTD_S1_FLAGS) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_VTD_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	if (s1->__reserved &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_VTD_RESERVED_IGNORED))
		return -EOPNOTSUPP;
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_VTD_WIDTH_UNCHECKED) &&
	    ((s1->addr_width != 48 && s1->addr_width != 57) ||
	     s1->addr_width > cfg->fs_addr_width))
		return -EINVAL;
	if (!s1->pgtbl_addr ||
	    (s1->pgtbl_addr >= 1ull << cfg->addr_width &&
	     !iommufd_fault(ctx, IOMMUFD_FAULT_VTD_PGTBL_BEYOND)) ||
	    (s1->pgtbl_addr % IOMMUFD_PAGE &&
	     !iommufd_fault(ctx, IOMMUFD_FAULT_VTD_PGTBL_UNALIGNED)))
		return -EINVAL;
	return 0;
}

static int alloc_paging(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_ioas *ioas = iommufd_get_ioas(ctx, cmd->pt_id);
	struct iommufd_obj *obj;
	uint32_t domain;
	int ret;

	if (cmd->data_type != IOMMU_HWPT_DATA_NONE &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_PAGING_DATA_IGNORED))
		return -EOPNOTSUPP;
	/* a data_uptr with no data_len is no data (Linux ignores it) */
	if (cmd->data_len &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_PAGING_DATA_IGNORED))
		return -EINVAL;
	if (((cmd->flags & IOMMU_HWPT_FAULT_ID_VALID) ||
	     ((cmd->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	      !ctx->plat.dirty_tracking)) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_PAGING_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	ret = viommu_domain_alloc(ctx->plat.iommu, &domain);
	if (ret)
		return ret;
	/* a new domain tracks nothing until SET_DIRTY_TRACKING enables it */
	if (iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_STARTS_ON))
		viommu_set_dirty_tracking(ctx->plat.iommu, domain, true);
	ret = area_mirror_add(&ioas->areas, domain);
	if (ret)
		goto err_domain;
	if (EARLY_REFS(ctx))
		ioas->hwpts++;	/* the bug: counted before the object */
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_HWPT_PAGING);
	if (!obj) {
		ret = -ENOMEM;
		goto err_mirror;
	}
	obj->hwpt.flags = cmd->flags;
	obj->hwpt.ioas_id = cmd->pt_id;
	obj->hwpt.domain = domain;
	if (!EARLY_REFS(ctx))
		ioas->hwpts++;
	cmd->out_hwpt_id = obj->id;
	ucmd->respond = true;
	return 0;

err_mirror:
	area_mirror_del(&ioas->areas, domain);
err_domain:
	viommu_domain_free(ctx->plat.iommu, domain);
	return ret;
}

static int alloc_nested(struct iommufd_ucmd *ucmd, struct iommufd_obj *parent)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *obj, *fault = NULL;
	struct iommu_hwpt_vtd_s1 s1;
	int ret;

	if ((cmd->flags & ~IOMMU_HWPT_FAULT_ID_VALID) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_NESTED_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	if (parent->type != IOMMUFD_OBJ_HWPT_PAGING ||
	    (!(parent->hwpt.flags & IOMMU_HWPT_ALLOC_NEST_PARENT) &&
	     !iommufd_fault(ctx, IOMMUFD_FAULT_NEST_PARENT_UNCHECKED)))
		return -EINVAL;
	ret = copy_vtd_s1(ctx, cmd, &s1);
	if (ret)
		return ret;
	if (cmd->flags & IOMMU_HWPT_FAULT_ID_VALID) {
		fault = iommufd_get_obj(ctx, cmd->fault_id, IOMMUFD_OBJ_FAULT);
		if (!fault &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_FAULT_ID_UNCHECKED))
			return -ENOENT;
	}
	if (EARLY_REFS(ctx)) {	/* the bug: references before the object */
		parent->hwpt.children++;
		if (fault)
			fault->fault.users++;
	}
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_HWPT_NESTED);
	if (!obj)
		return -ENOMEM;
	obj->hwpt.flags = cmd->flags;
	obj->hwpt.parent_id = parent->id;
	obj->hwpt.ioas_id = parent->hwpt.ioas_id;
	obj->hwpt.domain = parent->hwpt.domain;
	obj->hwpt.s1 = s1;
	if (fault) {
		obj->hwpt.fault_id = fault->id;
		if (!EARLY_REFS(ctx))
			fault->fault.users++;
	}
	if (!EARLY_REFS(ctx))
		parent->hwpt.children++;
	cmd->out_hwpt_id = obj->id;
	ucmd->respond = true;
	return 0;
}

int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *pt;

	if (!ctx->plat.iommu)
		return -ENODEV;
	if (((cmd->flags & ~PAGING_FLAGS) || cmd->__reserved ||
	     cmd->__reserved2) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_HWPT_HDR_IGNORED))
		return -EOPNOTSUPP;
	if (!iommufd_get_device(ctx, cmd->dev_id))
		return -ENOENT;
	pt = iommufd_get_obj(ctx, cmd->pt_id, 0);
	if (!pt)
		return -EINVAL;	/* Linux's answer to a failed pt_id lookup */
	if (pt->type == IOMMUFD_OBJ_IOAS)
		return alloc_paging(ucmd);
	if (iommufd_is_hwpt(pt))
		return alloc_nested(ucmd, pt);
	if (pt->type == IOMMUFD_OBJ_VIOMMU)
		return iommufd_viommu_alloc_nested(ucmd, pt);
	return -EINVAL;
}

/* A nested HWPT's guest stage-1 as the IOMMU's bind request. */
static void s1_bind(struct iommufd_ctx *ctx, const struct iommufd_hwpt *h,
		    struct viommu_fs_bind *b)
{
	const struct viommu_config *cfg = viommu_get_config(ctx->plat.iommu);

	memset(b, 0, sizeof(*b));
	b->type = VIOMMU_PGTT_NESTED;
	b->flags = (h->s1.flags & IOMMU_VTD_S1_SRE ? VIOMMU_FS_F_SRE : 0) |
		   (h->s1.flags & IOMMU_VTD_S1_WPE ? VIOMMU_FS_F_WPE : 0) |
		   (h->fault_id || iommufd_fault(ctx, IOMMUFD_FAULT_PRE_ALWAYS) ?
		    VIOMMU_FS_F_PRE : 0);
	b->domain = h->domain;
	b->addr_width = h->s1.addr_width;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_VTD_57_WALKS_4))
		b->addr_width = 48;
	b->pasid_bits = cfg->pasid_bits;
	b->pgtbl = h->s1.pgtbl_addr;
}

int iommufd_hwpt_install(struct iommufd_ctx *ctx, struct iommufd_obj *hwpt,
			 uint16_t rid, uint32_t hpasid)
{
	struct viommu_fs_bind b;

	if (hwpt->type == IOMMUFD_OBJ_HWPT_PAGING)
		return viommu_attach(ctx->plat.iommu, rid, hpasid,
				     hwpt->hwpt.domain);
	s1_bind(ctx, &hwpt->hwpt, &b);
	return viommu_bind(ctx->plat.iommu, rid, hpasid, &b);
}
