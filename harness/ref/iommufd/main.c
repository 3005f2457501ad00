// SPDX-License-Identifier: MIT
/*
 * The reference /dev/iommu: the context, its object table, IOMMU_DESTROY
 * and the one ioctl dispatcher that applies the uAPI's extensibility rules
 * (linux/iommufd.h, "General ioctl format") before any handler runs.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ioctl.h>

#include "harness/ref/alloc/alloc.h"
#include "iommufd_internal.h"
#include <siovh/iommufd_viommu.h>

#define OFFSETOFEND(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

struct iommufd_ctx *iommufd_ctx_create(const struct iommufd_platform *plat,
				       int fault)
{
	struct iommufd_ctx *ctx;

	if (fault < IOMMUFD_FAULT_NONE || fault >= IOMMUFD_FAULT_COUNT) {
		errno = EINVAL;
		return NULL;
	}
	ctx = ref_calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->fault = fault;
	ctx->next_pages = 1;
	if (plat)
		ctx->plat = *plat;
	return ctx;
}

/* The type's release: what the object holds, not the object itself. */
static void obj_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	switch (obj->type) {
	case IOMMUFD_OBJ_IOAS:
		if (ctx->vfio_ioas_id == obj->id &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_VFIO_IOAS_OUTLIVES))
			ctx->vfio_ioas_id = 0;
		if (iommufd_fault(ctx, IOMMUFD_FAULT_ACCESS_IOAS_NOT_HELD))
			iommufd_access_ioas_gone(ctx, &obj->ioas);
		iommufd_ioas_release(ctx, &obj->ioas);
		break;
	case IOMMUFD_OBJ_HWPT_PAGING:
	case IOMMUFD_OBJ_HWPT_NESTED:
		iommufd_hwpt_release(ctx, obj);
		break;
	case IOMMUFD_OBJ_DEVICE:
		iommufd_device_release(ctx, obj);
		break;
	case IOMMUFD_OBJ_FAULT:
		iommufd_fault_release(ctx, obj);
		break;
	case IOMMUFD_OBJ_ACCESS:
		iommufd_access_release(ctx, obj);
		break;
	case IOMMUFD_OBJ_VIOMMU:
	case IOMMUFD_OBJ_VDEVICE:
	case IOMMUFD_OBJ_VEVENTQ:
	case IOMMUFD_OBJ_HW_QUEUE:
	case IOMMUFD_OBJ_TOMBSTONE:
		iommufd_viommu_obj_release(ctx, obj);
		break;
	}
}

void iommufd_obj_remove(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	ctx->objs[obj->id - 1] = NULL;
	free(obj);
}

/*
 * The close: objects go in dependency order, users before what they use:
 * accesses (their pins dropped), devices (each detached and unbound),
 * nested HWPTs, vDEVICEs, vEVENTQs, HW queues, vIOMMUs, paging HWPTs,
 * fault queues (their outstanding groups completed), IOASes, and the
 * tombstones of forced-out vDEVICEs.
 */
void iommufd_ctx_destroy(struct iommufd_ctx *ctx)
{
	static const enum iommufd_obj_type order[] = {
		IOMMUFD_OBJ_ACCESS, IOMMUFD_OBJ_DEVICE, IOMMUFD_OBJ_HWPT_NESTED,
		IOMMUFD_OBJ_VDEVICE, IOMMUFD_OBJ_VEVENTQ, IOMMUFD_OBJ_HW_QUEUE,
		IOMMUFD_OBJ_VIOMMU,
		IOMMUFD_OBJ_HWPT_PAGING, IOMMUFD_OBJ_FAULT, IOMMUFD_OBJ_IOAS,
		IOMMUFD_OBJ_TOMBSTONE,
	};
	struct iommufd_obj *obj;
	uint32_t i, k;

	if (!ctx)
		return;
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (i = 0; i < ctx->nobjs; i++) {
			obj = ctx->objs[i];
			if (!obj || obj->type != order[k])
				continue;
			obj_release(ctx, obj);
			iommufd_obj_remove(ctx, obj);
		}
	}
	iommufd_file_maps_release(ctx);
	free(ctx->objs);
	free(ctx->mmaps);
	free(ctx);
}

/* ---- Objects ---- */

static struct iommufd_obj *obj_get(struct iommufd_ctx *ctx, uint32_t id)
{
	if (!id || id > ctx->nobjs)
		return NULL;
	/* a tombstone's ID is taken but names nothing */
	if (ctx->objs[id - 1] &&
	    ctx->objs[id - 1]->type == IOMMUFD_OBJ_TOMBSTONE)
		return NULL;
	return ctx->objs[id - 1];
}

struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ctx, uint32_t id)
{
	struct iommufd_obj *obj = obj_get(ctx, id);

	return obj && obj->type == IOMMUFD_OBJ_IOAS ? &obj->ioas : NULL;
}

struct iommufd_obj *iommufd_get_obj(struct iommufd_ctx *ctx, uint32_t id,
				    enum iommufd_obj_type type)
{
	struct iommufd_obj *obj = obj_get(ctx, id);

	return obj && (!type || obj->type == type) ? obj : NULL;
}

/* The lowest free slot, growing the table by one if all are taken. */
static int obj_slot(struct iommufd_ctx *ctx, uint32_t *slot)
{
	struct iommufd_obj **objs;
	uint32_t i;

	for (i = 0; i < ctx->nobjs; i++) {
		if (!ctx->objs[i]) {
			*slot = i;
			return 0;
		}
	}
	if (ctx->nobjs == INT32_MAX)	/* IDs are 31-bit, like the kernel's */
		return -ENOSPC;
	objs = ref_realloc(ctx->objs, (ctx->nobjs + 1) * sizeof(*objs));
	if (!objs)
		return -ENOMEM;
	ctx->objs = objs;
	ctx->objs[ctx->nobjs] = NULL;
	*slot = ctx->nobjs++;
	return 0;
}

struct iommufd_obj *iommufd_obj_new(struct iommufd_ctx *ctx,
				    enum iommufd_obj_type type)
{
	struct iommufd_obj *obj;
	uint32_t slot;

	if (obj_slot(ctx, &slot))
		return NULL;
	obj = ref_calloc(1, sizeof(*obj));
	if (!obj)
		return NULL;
	obj->type = type;
	obj->id = slot + 1;
	if (type == IOMMUFD_OBJ_IOAS) {
		obj->ioas.mirror.iommu = ctx->plat.iommu;
		obj->ioas.mirror.skip_unmap =
			iommufd_fault(ctx, IOMMUFD_FAULT_HWPT_UNMAP_STALE);
		obj->ioas.mirror.mirror_first =
			iommufd_fault(ctx, IOMMUFD_FAULT_MAP_MIRROR_FIRST);
		obj->ioas.mirror.keep_partial =
			iommufd_fault(ctx, IOMMUFD_FAULT_MAP_MIRROR_KEEPS_PARTIAL);
		obj->ioas.mirror.starts_empty =
			iommufd_fault(ctx, IOMMUFD_FAULT_HWPT_STARTS_EMPTY);
		obj->ioas.areas.mirror = &obj->ioas.mirror;
	}
	ctx->objs[slot] = obj;
	return obj;
}

/* Is obj in use by another object? Then it cannot be destroyed. */
static bool obj_busy(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	switch (obj->type) {
	case IOMMUFD_OBJ_IOAS:
		/* an access holds its IOAS, as Linux's takes a user ref */
		return obj->ioas.hwpts ||
		       (obj->ioas.accesses &&
			!iommufd_fault(ctx, IOMMUFD_FAULT_ACCESS_IOAS_NOT_HELD));
	case IOMMUFD_OBJ_HWPT_PAGING:
	case IOMMUFD_OBJ_HWPT_NESTED:
		return iommufd_hwpt_busy(ctx, obj);
	case IOMMUFD_OBJ_FAULT:
		/* its open fd holds it too, as the kernel's file does */
		return obj->fault.users ||
		       (iommufd_fault_fd_open(&obj->fault) &&
			!iommufd_fault(ctx, IOMMUFD_FAULT_DESTROY_OPEN_QUEUE));
	case IOMMUFD_OBJ_DEVICE:
		return true;	/* the device cdev owns it: unbind by close */
	case IOMMUFD_OBJ_ACCESS:
		return true;	/* its driver holds it until it destroys it */
	case IOMMUFD_OBJ_VIOMMU:
	case IOMMUFD_OBJ_VDEVICE:
	case IOMMUFD_OBJ_VEVENTQ:
	case IOMMUFD_OBJ_HW_QUEUE:
	case IOMMUFD_OBJ_TOMBSTONE:
		return iommufd_viommu_obj_busy(ctx, obj);
	}
	return false;
}

/* IOMMU_DESTROY: any object by ID; -EBUSY while another one uses it. */
static int iommufd_destroy(struct iommufd_ucmd *ucmd)
{
	struct iommu_destroy *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *obj = obj_get(ctx, cmd->id);

	if (!obj)
		return iommufd_fault(ctx, IOMMUFD_FAULT_DESTROY_UNKNOWN_OK) ?
		       0 : -ENOENT;
	if (obj_busy(ctx, obj))
		return iommufd_fault(ctx, IOMMUFD_FAULT_DESTROY_BUSY_OK) ?
		       0 : -EBUSY;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_DESTROY_KEEPS_OBJ))
		return 0;
	obj_release(ctx, obj);
	iommufd_obj_remove(ctx, obj);
	return 0;
}

/* ---- The dispatcher ---- */

union ucmd_buffer {
	struct iommu_destroy destroy;
	struct iommu_ioas_alloc alloc;
	struct iommu_ioas_allow_iovas allow_iovas;
	struct iommu_ioas_copy copy;
	struct iommu_ioas_iova_ranges iova_ranges;
	struct iommu_ioas_map map;
	struct iommu_ioas_unmap unmap;
	struct iommu_hwpt_alloc hwpt_alloc;
	struct iommu_hw_info hw_info;
	struct iommu_hwpt_invalidate invalidate;
	struct iommu_fault_alloc fault_alloc;
	struct iommu_vfio_ioas vfio_ioas;
	struct iommu_hwpt_set_dirty_tracking set_dirty;
	struct iommu_hwpt_get_dirty_bitmap get_dirty;
	struct iommu_option option;
	struct siovh_ioas_map_file map_file;
	struct siovh_ioas_change_process change_process;
	struct siovh_viommu_alloc viommu_alloc;
	struct siovh_vdevice_alloc vdevice_alloc;
	struct siovh_veventq_alloc veventq_alloc;
	struct siovh_hw_queue_alloc hw_queue_alloc;
};

struct iommufd_ioctl_op {
	unsigned long cmd;
	size_t size;		/* the struct this reference knows */
	size_t min_size;	/* its first version: up to its last v1 field */
	int (*fn)(struct iommufd_ucmd *ucmd);
};

#define IOCTL_OP(cmd, type, last, handler) \
	[_IOC_NR(cmd) - IOMMUFD_CMD_BASE] = { cmd, sizeof(type), \
					      OFFSETOFEND(type, last), handler }

static const struct iommufd_ioctl_op iommufd_ops[] = {
	IOCTL_OP(IOMMU_DESTROY, struct iommu_destroy, id, iommufd_destroy),
	IOCTL_OP(IOMMU_IOAS_ALLOC, struct iommu_ioas_alloc, out_ioas_id,
		 iommufd_ioas_alloc),
	IOCTL_OP(IOMMU_IOAS_ALLOW_IOVAS, struct iommu_ioas_allow_iovas,
		 allowed_iovas, iommufd_ioas_allow_iovas),
	IOCTL_OP(IOMMU_IOAS_COPY, struct iommu_ioas_copy, src_iova,
		 iommufd_ioas_copy),
	IOCTL_OP(IOMMU_IOAS_IOVA_RANGES, struct iommu_ioas_iova_ranges,
		 out_iova_alignment, iommufd_ioas_iova_ranges),
	IOCTL_OP(IOMMU_IOAS_MAP, struct iommu_ioas_map, iova,
		 iommufd_ioas_map),
	IOCTL_OP(IOMMU_IOAS_UNMAP, struct iommu_ioas_unmap, length,
		 iommufd_ioas_unmap),
	IOCTL_OP(IOMMU_HWPT_ALLOC, struct iommu_hwpt_alloc, __reserved,
		 iommufd_hwpt_alloc),
	IOCTL_OP(IOMMU_GET_HW_INFO, struct iommu_hw_info, __reserved,
		 iommufd_get_hw_info),
	IOCTL_OP(IOMMU_HWPT_INVALIDATE, struct iommu_hwpt_invalidate,
		 __reserved, iommufd_hwpt_invalidate),
	IOCTL_OP(IOMMU_FAULT_QUEUE_ALLOC, struct iommu_fault_alloc,
		 out_fault_fd, iommufd_fault_alloc),
	IOCTL_OP(IOMMU_VFIO_IOAS, struct iommu_vfio_ioas, __reserved,
		 iommufd_vfio_ioas),
	IOCTL_OP(IOMMU_HWPT_SET_DIRTY_TRACKING,
		 struct iommu_hwpt_set_dirty_tracking, __reserved,
		 iommufd_hwpt_set_dirty_tracking),
	IOCTL_OP(IOMMU_OPTION, struct iommu_option, val64, iommufd_option),
	IOCTL_OP(IOMMU_HWPT_GET_DIRTY_BITMAP,
		 struct iommu_hwpt_get_dirty_bitmap, data,
		 iommufd_hwpt_get_dirty_bitmap),
	IOCTL_OP(SIOVH_IOMMU_IOAS_MAP_FILE, struct siovh_ioas_map_file, iova,
		 iommufd_ioas_map_file),
	IOCTL_OP(SIOVH_IOMMU_IOAS_CHANGE_PROCESS,
		 struct siovh_ioas_change_process, __reserved,
		 iommufd_ioas_change_process),
	IOCTL_OP(SIOVH_IOMMU_VIOMMU_ALLOC, struct siovh_viommu_alloc,
		 data_uptr, iommufd_viommu_alloc),
	IOCTL_OP(SIOVH_IOMMU_VDEVICE_ALLOC, struct siovh_vdevice_alloc,
		 virt_id, iommufd_vdevice_alloc),
	IOCTL_OP(SIOVH_IOMMU_VEVENTQ_ALLOC, struct siovh_veventq_alloc,
		 __reserved, iommufd_veventq_alloc),
	IOCTL_OP(SIOVH_IOMMU_HW_QUEUE_ALLOC, struct siovh_hw_queue_alloc,
		 length, iommufd_hw_queue_alloc),
};

#define NR_OPS (sizeof(iommufd_ops) / sizeof(iommufd_ops[0]))

static const struct iommufd_ioctl_op *op_of(unsigned long cmd)
{
	unsigned long nr = _IOC_NR(cmd);
	const struct iommufd_ioctl_op *op;

	if (nr < IOMMUFD_CMD_BASE || nr - IOMMUFD_CMD_BASE >= NR_OPS)
		return NULL;
	op = &iommufd_ops[nr - IOMMUFD_CMD_BASE];
	return op->fn && op->cmd == cmd ? op : NULL;
}

/* Are the bytes of arg in [from, to) all zero? */
static bool zero_tail(const void *arg, size_t from, size_t to)
{
	const unsigned char *p = arg;

	for (; from < to; from++)
		if (p[from])
			return false;
	return true;
}

/*
 * The kernel copy of arg in buf: -EINVAL for a size below the first
 * version, -E2BIG for nonzero bytes past the known struct; fields the
 * caller's (older, shorter) struct lacks read as zero.
 */
static int copy_struct(struct iommufd_ctx *ctx,
		       const struct iommufd_ioctl_op *op, const void *arg,
		       uint32_t usize, union ucmd_buffer *buf)
{
	if (usize < op->min_size &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_SIZE_UNCHECKED))
		return -EINVAL;
	if (usize > op->size && !zero_tail(arg, op->size, usize) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_TRAILING_IGNORED))
		return -E2BIG;
	memset(buf, 0, sizeof(*buf));
	memcpy(buf, arg, usize < op->size ? usize : op->size);
	return 0;
}

int iommufd_ioctl(struct iommufd_ctx *ctx, unsigned long cmd, void *arg)
{
	const struct iommufd_ioctl_op *op = op_of(cmd);
	struct iommufd_ucmd ucmd = { .ctx = ctx };
	union ucmd_buffer buf;
	uint32_t usize;
	int ret;

	/* VFIO's type1 numbers: same type, below IOMMUFD_CMD_BASE */
	if (!op && _IOC_TYPE(cmd) == IOMMUFD_TYPE &&
	    _IOC_NR(cmd) < IOMMUFD_CMD_BASE)
		return iommufd_vfio_ioctl(ctx, cmd, arg);
	if (!op)
		return iommufd_fault(ctx, IOMMUFD_FAULT_UNKNOWN_IOCTL) ?
		       -EINVAL : -ENOTTY;
	if (!arg)	/* the kernel's get_user() of the size faults */
		return iommufd_fault(ctx, IOMMUFD_FAULT_NULL_ARG_EINVAL) ?
		       -EINVAL : -EFAULT;
	memcpy(&usize, arg, sizeof(usize));
	ret = copy_struct(ctx, op, arg, usize, &buf);
	if (ret)
		return ret;
	ucmd.cmd = &buf;
	ret = op->fn(&ucmd);
	if (ucmd.respond)
		memcpy(arg, &buf, usize < op->size ? usize : op->size);
	return ret;
}
