// SPDX-License-Identifier: MIT
/*
 * IOMMU_HW_QUEUE_ALLOC of the reference /dev/iommu (iommufd.h, "vIOMMU"):
 * a queue of the guest's that the IOMMU reads straight from guest memory
 * (the reference's: its invalidation queue, IOMMUFD_HW_QUEUE_TYPE_REF),
 * IOMMUFD_REF_HW_QUEUES of them per vIOMMU, allocated from index 0 up and
 * destroyed from the last down (each holds the one below it), over guest
 * memory the vIOMMU's parent IOAS maps contiguously (linux/iommufd.h of
 * 7.x, "struct iommu_hw_queue_alloc").
 */
#include <errno.h>

#include <siovh/iommufd_viommu.h>

#include "iommufd_internal.h"

/* The queue below index on v (index > 0), or NULL. */
static struct iommufd_obj *hwq_at(struct iommufd_ctx *ctx, uint32_t viommu_id,
				  uint32_t type, uint32_t index)
{
	struct iommufd_obj *o;
	uint32_t i;

	for (i = 0; i < ctx->nobjs; i++) {
		o = ctx->objs[i];
		if (o && o->type == IOMMUFD_OBJ_HW_QUEUE &&
		    o->hwq.viommu_id == viommu_id && o->hwq.type == type &&
		    o->hwq.index == index)
			return o;
	}
	return NULL;
}

/*
 * Is [first, last] (whole pages) mapped in ioas by areas whose user
 * memory runs on without a break (the hardware reads it as one range)?
 * 0, -ENOENT (a hole), -EFAULT (not contiguous).
 */
static int hwq_mapped(struct iommufd_ioas *ioas, uint64_t first,
		      uint64_t last)
{
	size_t i = area_first_in(&ioas->areas, first, last);
	const struct iopt_area *a;
	uint64_t at = first, va = 0;

	for (; i < ioas->areas.n && at <= last; i++) {
		a = &ioas->areas.v[i];
		if (a->iova > at)
			return -ENOENT;
		if (at != first && a->user_va + (at - a->iova) != va)
			return -EFAULT;
		va = a->user_va + (a->last - a->iova) + 1;
		if (a->last >= last)
			return 0;
		at = a->last + 1;
	}
	return -ENOENT;
}

int iommufd_hw_queue_alloc(struct iommufd_ucmd *ucmd)
{
	struct siovh_hw_queue_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *v, *parent, *prev = NULL, *obj;
	uint64_t first, last;
	int ret;

	if (cmd->flags || cmd->type == SIOVH_HW_QUEUE_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (__builtin_add_overflow(cmd->nesting_parent_iova, cmd->length - 1,
				   &last))
		return -EOVERFLOW;
	v = iommufd_get_obj(ctx, cmd->viommu_id, IOMMUFD_OBJ_VIOMMU);
	if (!v)
		return -ENOENT;
	if (cmd->type != IOMMUFD_HW_QUEUE_TYPE_REF)
		return -EOPNOTSUPP;
	parent = iommufd_get_obj(ctx, v->viommu.hwpt_id,
				 IOMMUFD_OBJ_HWPT_PAGING);
	first = cmd->nesting_parent_iova & ~(IOMMUFD_PAGE - 1);
	last |= IOMMUFD_PAGE - 1;
	ret = hwq_mapped(iommufd_get_ioas(ctx, parent->hwpt.ioas_id), first,
			 last);
	if (ret && !iommufd_fault(ctx, IOMMUFD_FAULT_HWQ_UNMAPPED_OK))
		return ret;
	/* the IOMMU's queues: from index 0 up, each once */
	if (cmd->index >= IOMMUFD_REF_HW_QUEUES)
		return -EINVAL;
	if (hwq_at(ctx, v->id, cmd->type, cmd->index))
		return -EEXIST;
	if (cmd->index) {
		prev = hwq_at(ctx, v->id, cmd->type, cmd->index - 1);
		if (!prev && !iommufd_fault(ctx, IOMMUFD_FAULT_HWQ_ANY_ORDER))
			return -EIO;
	}
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_HW_QUEUE);
	if (!obj)
		return -ENOMEM;
	obj->hwq.viommu_id = v->id;
	obj->hwq.type = cmd->type;
	obj->hwq.index = cmd->index;
	obj->hwq.iova = cmd->nesting_parent_iova;
	obj->hwq.length = cmd->length;
	v->viommu.users++;
	if (prev && !iommufd_fault(ctx, IOMMUFD_FAULT_HWQ_PREV_UNHELD))
		prev->hwq.next = true;
	cmd->out_hw_queue_id = obj->id;
	ucmd->respond = true;
	return 0;
}

void iommufd_hw_queue_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	struct iommufd_obj *v = iommufd_get_obj(ctx, obj->hwq.viommu_id,
						IOMMUFD_OBJ_VIOMMU);
	struct iommufd_obj *prev = NULL;

	if (obj->hwq.index)
		prev = hwq_at(ctx, obj->hwq.viommu_id, obj->hwq.type,
			      obj->hwq.index - 1);
	if (prev)
		prev->hwq.next = false;
	if (v && v->viommu.users)
		v->viommu.users--;
}
