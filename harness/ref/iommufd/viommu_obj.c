// SPDX-License-Identifier: MIT
/*
 * vIOMMU objects of the reference /dev/iommu (iommufd.h, "vIOMMU"): the
 * guest's view of the reference IOMMU that vSVA nests under (seed 004,
 * "vSVA": the guest owns the first stage, the host the second). A vIOMMU
 * sits over a NEST_PARENT paging HWPT; a vDEVICE gives a bound device its
 * guest ID (the vRID) on one vIOMMU; nested HWPTs allocated on the vIOMMU
 * are the guest's stage-1 tables over its parent; HWPT_INVALIDATE on the
 * vIOMMU flushes what it caches for a vDEVICE; a vEVENTQ carries the
 * IOMMU's events for the vIOMMU's vDEVICEs to the VMM (linux/iommufd.h:
 * struct iommu_viommu_alloc, iommu_vdevice_alloc, iommu_veventq_alloc,
 * iommufd_vevent_header). The structs are siovh/iommufd_viommu.h's.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/viommu/viommu.h"
#include "iommufd_internal.h"
#include <siovh/iommufd_viommu.h>

/* Linux's bound on veventq_depth (eventq.c, VEVENTQ_MAX_DEPTH). */
#define VEVENTQ_MAX_DEPTH	(1u << 19)

static struct iommufd_obj *viommu_get(struct iommufd_ctx *ctx, uint32_t id)
{
	return iommufd_get_obj(ctx, id, IOMMUFD_OBJ_VIOMMU);
}

static void viommu_put(struct iommufd_ctx *ctx, uint32_t id)
{
	struct iommufd_obj *v = viommu_get(ctx, id);

	if (v && v->viommu.users)
		v->viommu.users--;
}

/* ---- IOMMU_VIOMMU_ALLOC ---- */

/*
 * The type data (struct iommufd_ref_viommu_data), as Linux's
 * iommu_copy_struct_from_user takes a driver's data (include/linux/
 * iommu.h, 7.3): at least up to __reserved, at most the struct (a longer
 * one is -EINVAL whatever its bytes: not the -E2BIG of the ioctl structs).
 */
static int viommu_data_in(struct iommufd_ctx *ctx,
			  const struct siovh_viommu_alloc *cmd,
			  struct iommufd_ref_viommu_data *d)
{
	const uint8_t *p = (const void *)(uintptr_t)cmd->data_uptr;

	memset(d, 0, sizeof(*d));
	if (!cmd->data_len)
		return 0;
	if (cmd->data_len < offsetof(struct iommufd_ref_viommu_data,
				     out_mmap_offset) ||
	    (cmd->data_len > sizeof(*d) &&
	     !iommufd_fault(ctx, IOMMUFD_FAULT_VIOMMU_DATA_TOO_LONG)))
		return -EINVAL;
	if (!p)
		return -EFAULT;
	memcpy(d, p, cmd->data_len < sizeof(*d) ? cmd->data_len : sizeof(*d));
	return (d->flags & ~IOMMUFD_REF_VIOMMU_MMIO) || d->__reserved ?
	       -EOPNOTSUPP : 0;
}

/* The out fields back into the user's data, as far as data_len reaches. */
static void viommu_data_out(const struct siovh_viommu_alloc *cmd,
			    const struct iommufd_ref_viommu_data *d)
{
	memcpy((void *)(uintptr_t)cmd->data_uptr, d,
	       cmd->data_len < sizeof(*d) ? cmd->data_len : sizeof(*d));
}

int iommufd_viommu_alloc(struct iommufd_ucmd *ucmd)
{
	struct siovh_viommu_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_ref_viommu_data data;
	struct iommufd_obj *obj, *parent;
	int ret;

	/* (no IOMMU: no device binds, dev_id below is -ENOENT) */
	if (cmd->flags || cmd->__reserved ||
	    cmd->type == SIOVH_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!iommufd_get_device(ctx, cmd->dev_id))
		return -ENOENT;
	/* the reference IOMMU has one vIOMMU type */
	if (cmd->type != IOMMUFD_VIOMMU_TYPE_REF &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_VIOMMU_ANY_TYPE))
		return -EOPNOTSUPP;
	parent = iommufd_get_obj(ctx, cmd->hwpt_id, IOMMUFD_OBJ_HWPT_PAGING);
	if (!parent)
		return -ENOENT;
	if (!(parent->hwpt.flags & IOMMU_HWPT_ALLOC_NEST_PARENT) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_VIOMMU_ANY_PARENT))
		return -EINVAL;
	ret = viommu_data_in(ctx, cmd, &data);
	if (ret)
		return ret;
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_VIOMMU);
	if (!obj)
		return -ENOMEM;
	if (data.flags & IOMMUFD_REF_VIOMMU_MMIO) {
		data.out_mmap_length = IOMMUFD_PAGE;
		ret = iommufd_mmap_alloc(ctx, obj->id, data.out_mmap_length,
					 &data.out_mmap_offset);
		if (ret) {
			iommufd_obj_remove(ctx, obj);
			return ret;
		}
		viommu_data_out(cmd, &data);
	}
	obj->viommu.type = cmd->type;
	obj->viommu.hwpt_id = parent->id;
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_VIOMMU_PARENT_UNHELD))
		parent->hwpt.viommus++;
	cmd->out_viommu_id = obj->id;
	ucmd->respond = true;
	return 0;
}

/* ---- IOMMU_VDEVICE_ALLOC ---- */

static struct iommufd_obj *vdev_by_virt_id(struct iommufd_ctx *ctx,
					   uint32_t viommu_id,
					   uint64_t virt_id)
{
	struct iommufd_obj *o;
	uint32_t i;

	for (i = 0; i < ctx->nobjs; i++) {
		o = ctx->objs[i];
		if (o && o->type == IOMMUFD_OBJ_VDEVICE &&
		    o->vdev.viommu_id == viommu_id &&
		    o->vdev.virt_id == virt_id)
			return o;
	}
	return NULL;
}

int iommufd_vdevice_alloc(struct iommufd_ucmd *ucmd)
{
	struct siovh_vdevice_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *obj, *v = viommu_get(ctx, cmd->viommu_id);
	struct iommufd_device *idev;

	if (!v)
		return -ENOENT;
	idev = iommufd_get_device(ctx, cmd->dev_id);
	if (!idev)
		return -ENOENT;
	/* one vDEVICE per device, one device per virt_id of a vIOMMU */
	if (idev->vdev_id && !iommufd_fault(ctx, IOMMUFD_FAULT_VDEV_TWICE))
		return -EEXIST;
	if (vdev_by_virt_id(ctx, v->id, cmd->virt_id) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_VDEV_VIRT_ID_SHARED))
		return -EEXIST;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_VDEV_ENOMEM_KEEPS_SLOT))
		idev->vdev_id = UINT32_MAX;	/* the bug: marked too early */
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_VDEVICE);
	if (!obj)
		return -ENOMEM;
	obj->vdev.viommu_id = v->id;
	obj->vdev.dev_id = cmd->dev_id;
	obj->vdev.virt_id = cmd->virt_id;
	idev->vdev_id = obj->id;
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_VIOMMU_VDEV_UNCOUNTED))
		v->viommu.users++;
	cmd->out_vdevice_id = obj->id;
	ucmd->respond = true;
	return 0;
}

static void vdevice_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	struct iommufd_device *idev = iommufd_get_device(ctx,
							 obj->vdev.dev_id);

	if (idev && idev->vdev_id == obj->id)
		idev->vdev_id = 0;
	viommu_put(ctx, obj->vdev.viommu_id);
}

/*
 * linux/iommufd.h (struct iommu_vdevice_alloc): a vDEVICE left when its
 * device goes "would be forcibly destroyed on physical device destruction,
 * its vdevice_id would be permanently leaked (unremovable & unreusable)
 * until iommu fd closed".
 */
void iommufd_vdevice_force_out(struct iommufd_ctx *ctx,
			       struct iommufd_device *idev)
{
	struct iommufd_obj *obj = iommufd_get_obj(ctx, idev->vdev_id,
						  IOMMUFD_OBJ_VDEVICE);

	if (!obj)
		return;
	vdevice_release(ctx, obj);
	if (iommufd_fault(ctx, IOMMUFD_FAULT_VDEV_CLOSE_FREES_ID)) {
		iommufd_obj_remove(ctx, obj);
		return;
	}
	obj->type = IOMMUFD_OBJ_TOMBSTONE;
}

/* ---- vEVENTQ ---- */

static void veventq_free_events(struct iommufd_veventq *q)
{
	struct iommufd_vevent *e;

	while ((e = q->head)) {
		q->head = e->next;
		free(e);
	}
	q->tail = NULL;
	q->n = 0;
	q->lost = false;
}

static struct iommufd_obj *veventq_of_type(struct iommufd_ctx *ctx,
					   uint32_t viommu_id, uint32_t type)
{
	struct iommufd_obj *o;
	uint32_t i;

	for (i = 0; i < ctx->nobjs; i++) {
		o = ctx->objs[i];
		if (o && o->type == IOMMUFD_OBJ_VEVENTQ &&
		    o->veventq.viommu_id == viommu_id &&
		    o->veventq.type == type)
			return o;
	}
	return NULL;
}

int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd)
{
	struct siovh_veventq_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *obj, *v;
	int sv[2];

	if (cmd->flags || cmd->__reserved ||
	    cmd->type == SIOVH_VEVENTQ_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if ((!cmd->veventq_depth || cmd->veventq_depth > VEVENTQ_MAX_DEPTH) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_VEVENTQ_DEPTH_UNCHECKED))
		return -EINVAL;
	v = viommu_get(ctx, cmd->viommu_id);
	if (!v)
		return -ENOENT;
	/* "confined to one per @type" */
	if (veventq_of_type(ctx, v->id, cmd->type) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_VEVENTQ_TWO_OF_A_TYPE))
		return -EEXIST;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_VEVENTQ);
	if (!obj) {
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	obj->veventq.own = sv[0];
	obj->veventq.fd = sv[1];
	obj->veventq.viommu_id = v->id;
	obj->veventq.type = cmd->type;
	obj->veventq.depth = cmd->veventq_depth;
	v->viommu.users++;
	cmd->out_veventq_id = obj->id;
	cmd->out_veventq_fd = (uint32_t)sv[1];
	ucmd->respond = true;
	return 0;
}

static bool veventq_fd_open(const struct iommufd_veventq *q)
{
	struct pollfd p = { .fd = q->own, .events = POLLIN };

	/* Nothing is ever sent: readable or hung up means closed. */
	return poll(&p, 1, 0) == 0;
}

static void veventq_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	struct iommufd_veventq *q = &obj->veventq;

	veventq_free_events(q);
	viommu_put(ctx, q->viommu_id);
	if (veventq_fd_open(q))
		close(q->fd);
	close(q->own);
}

/*
 * The IOMMU reports an event of type for viommu: queued with the next
 * sequence index; with the queue full, it is lost and the LOST_EVENTS
 * header takes that index at the tail.
 */
static int vevent_report(struct iommufd_ctx *ctx, struct iommufd_obj *v,
			 uint32_t type, const void *data, uint32_t len)
{
	struct iommufd_obj *o = veventq_of_type(ctx, v->id, type);
	struct iommufd_veventq *q;
	struct iommufd_vevent *e;

	if (!o)
		return -EOPNOTSUPP;	/* nobody takes it: dropped */
	q = &o->veventq;
	if (q->n == q->depth &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_VEVENT_DEPTH_IGNORED)) {
		if (!iommufd_fault(ctx, IOMMUFD_FAULT_VEVENT_LOST_SILENT)) {
			q->lost = true;
			q->lost_seq = q->seq;
		}
		goto out_seq;
	}
	e = ref_calloc(1, sizeof(*e) + len);
	if (!e)
		return -ENOMEM;
	e->seq = q->seq;
	e->len = len;
	memcpy(e->data, data, len);
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	q->n++;
	q->lost = false;	/* the gap before e tells the loss now */
out_seq:
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_VEVENT_SEQ_STUCK))
		q->seq = (q->seq + 1) & SIOVH_VEVENT_SEQ_MASK;
	return 0;
}

static struct iommufd_veventq *veventq_by_fd(struct iommufd_ctx *ctx, int fd)
{
	struct iommufd_obj *o;
	uint32_t i;

	for (i = 0; i < ctx->nobjs; i++) {
		o = ctx->objs[i];
		if (o && o->type == IOMMUFD_OBJ_VEVENTQ &&
		    o->veventq.fd == fd && veventq_fd_open(&o->veventq))
			return &o->veventq;
	}
	return NULL;
}

long iommufd_vevent_read(struct iommufd_ctx *ctx, int fd, void *buf,
			 size_t len)
{
	struct iommufd_veventq *q = veventq_by_fd(ctx, fd);
	struct siovh_vevent_header h;
	struct iommufd_vevent *e;
	uint8_t *p = buf;
	size_t done = 0;

	if (!q)
		return -EBADF;
	if (len < sizeof(h))
		return -EINVAL;
	while ((e = q->head)) {
		if (sizeof(h) + e->len > len - done)
			/* whole events only; none fits: the buffer is short */
			return done ? (long)done : -EINVAL;
		h.flags = 0;
		h.sequence = e->seq;
		memcpy(p + done, &h, sizeof(h));
		memcpy(p + done + sizeof(h), e->data, e->len);
		done += sizeof(h) + e->len;
		q->head = e->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
		free(e);
	}
	if (q->lost && len - done >= sizeof(h)) {
		h.flags = SIOVH_VEVENTQ_FLAG_LOST_EVENTS;
		h.sequence = q->lost_seq;
		memcpy(p + done, &h, sizeof(h));
		done += sizeof(h);
		q->lost = false;
	}
	return done ? (long)done : -EAGAIN;
}

/*
 * The device dev_id makes a DMA its IOMMU cannot translate (the last page
 * of the 64-bit space, past any address width, at its default PASID);
 * the IOMMU records the fault, and iommufd reports the record as an event of
 * IOMMUFD_VEVENTQ_TYPE_REF to the vIOMMU of the nested HWPT the device is
 * attached to, naming the device by its vDEVICE's virt_id.
 */
int iommufd_viommu_trigger(struct iommufd_ctx *ctx, uint32_t dev_id)
{
	struct iommufd_device *idev = iommufd_get_device(ctx, dev_id);
	struct iommufd_ref_vevent ev = { 0 };
	struct viommu_fault_record rec;
	struct iommufd_obj *h, *vd;
	uint8_t b = 0;
	int ret;

	h = idev && idev->def.used ?
	    iommufd_get_obj(ctx, idev->def.hwpt_id, IOMMUFD_OBJ_HWPT_NESTED) :
	    NULL;
	vd = idev ? iommufd_get_obj(ctx, idev->vdev_id, IOMMUFD_OBJ_VDEVICE) :
	     NULL;
	if (!h || !h->hwpt.viommu_id || !vd ||
	    vd->vdev.viommu_id != h->hwpt.viommu_id)
		return -ENOENT;
	/* no table reaches the address: the DMA faults */
	viommu_dma(ctx->plat.iommu, idev->rid, true, idev->default_pasid,
		   IOMMUFD_TRIGGER_IOVA, &b, 1, false);
	/* the IOMMU's fault log, up to this DMA's record */
	do
		ret = viommu_fault_pop(ctx->plat.iommu, &rec);
	while (!ret && (rec.rid != idev->rid ||
			rec.addr != IOMMUFD_TRIGGER_IOVA));
	ev.virt_id = (uint32_t)vd->vdev.virt_id;
	ev.reason = rec.reason;
	ev.addr = rec.addr;
	return ret ? ret : vevent_report(ctx, viommu_get(ctx,
							 h->hwpt.viommu_id),
					 IOMMUFD_VEVENTQ_TYPE_REF, &ev,
					 sizeof(ev));
}

/* ---- nested HWPTs on a vIOMMU, invalidation through it ---- */

int iommufd_viommu_alloc_nested(struct iommufd_ucmd *ucmd,
				struct iommufd_obj *v)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_obj *parent, *obj;
	int ret;

	if (cmd->flags & ~IOMMU_HWPT_FAULT_ID_VALID)
		return -EOPNOTSUPP;
	/* a vIOMMU's HWPTs are the guest's tables: data is required */
	if (!cmd->data_len)
		return -EOPNOTSUPP;
	parent = iommufd_get_obj(ctx, v->viommu.hwpt_id,
				 IOMMUFD_OBJ_HWPT_PAGING);
	/* the nested path (hwpt.c) checks the VTD_S1 data over the parent */
	cmd->pt_id = parent->id;
	ret = iommufd_hwpt_alloc(ucmd);
	cmd->pt_id = v->id;
	if (ret)
		return ret;
	obj = iommufd_get_obj(ctx, cmd->out_hwpt_id, IOMMUFD_OBJ_HWPT_NESTED);
	obj->hwpt.viommu_id = v->id;
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_NESTED_VIOMMU_UNHELD))
		v->viommu.users++;
	return 0;
}

int iommufd_viommu_attach_check(struct iommufd_ctx *ctx,
				const struct iommufd_device *idev,
				const struct iommufd_obj *hwpt)
{
	const struct iommufd_obj *vd;

	if (hwpt->type != IOMMUFD_OBJ_HWPT_NESTED || !hwpt->hwpt.viommu_id ||
	    iommufd_fault(ctx, IOMMUFD_FAULT_ATTACH_NO_VDEV_OK))
		return 0;
	vd = iommufd_get_obj(ctx, idev->vdev_id, IOMMUFD_OBJ_VDEVICE);
	return vd && vd->vdev.viommu_id == hwpt->hwpt.viommu_id ? 0 : -ENOENT;
}

/* Flush the IOTLB and paging-structure caches of every (domain, host
 * PASID) the device is attached at. */
static void inv_device(struct iommufd_ctx *ctx,
		       const struct iommufd_device *idev)
{
	struct viommu_inv inv = {
		.cache = VIOMMU_CACHE_IOTLB, .granularity = VIOMMU_INV_PASID,
	};
	const struct iommufd_attach *at;
	struct iommufd_obj *h;
	uint32_t k;

	for (k = 0; k <= IOMMUFD_MAX_PASIDS; k++) {
		at = k < IOMMUFD_MAX_PASIDS ? &idev->pasids[k] : &idev->def;
		h = iommufd_get_obj(ctx, at->hwpt_id, 0);
		if (!at->used || !h)
			continue;
		inv.domain = h->hwpt.domain;
		inv.pasid = k < IOMMUFD_MAX_PASIDS ? at->hpasid :
			    idev->default_pasid;
		viommu_invalidate(ctx->plat.iommu, &inv);
	}
}

/*
 * One struct iommufd_ref_viommu_inv per entry (a shorter entry_len
 * zero-extends it, as Linux's copy_struct_from_user does), checked in
 * order and done as checked: flags beyond those defined -EOPNOTSUPP, a
 * virt_id no vDEVICE of the vIOMMU has -EINVAL. entry_num comes back as
 * the entries done (the dispatcher writes it back).
 */
int iommufd_viommu_invalidate(struct iommufd_ucmd *ucmd,
			      struct iommufd_obj *v)
{
	struct iommu_hwpt_invalidate *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	const uint8_t *p = (const void *)(uintptr_t)cmd->data_uptr;
	struct iommufd_ref_viommu_inv e;
	struct iommufd_obj *vd;
	uint32_t want = cmd->entry_num, i;
	size_t k;

	cmd->entry_num = 0;
	ucmd->respond = true;
	if (cmd->data_type != IOMMUFD_VIOMMU_INVALIDATE_DATA_REF)
		return -EINVAL;
	for (i = 0; i < want; i++, p += cmd->entry_len) {
		for (k = sizeof(e); k < cmd->entry_len; k++)
			if (p[k])
				return -E2BIG;
		/* a shorter entry reads as zero-extended */
		memset(&e, 0, sizeof(e));
		memcpy(&e, p, cmd->entry_len < sizeof(e) ? cmd->entry_len :
			      sizeof(e));
		if (e.flags)
			return -EOPNOTSUPP;
		vd = vdev_by_virt_id(ctx, v->id, e.virt_id);
		if (!vd &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_VIOMMU_INV_ANY_VDEV))
			return -EINVAL;
		if (vd)
			inv_device(ctx, iommufd_get_device(ctx,
							   vd->vdev.dev_id));
		cmd->entry_num++;
	}
	return 0;
}

/* ---- DESTROY ---- */

bool iommufd_viommu_obj_busy(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	switch (obj->type) {
	case IOMMUFD_OBJ_VIOMMU:
		/* a mapping of its MMIO page holds it too */
		return obj->viommu.users || iommufd_mmap_held(ctx, obj->id);
	case IOMMUFD_OBJ_VEVENTQ:
		/* its open fd holds it, as the kernel's file does */
		return veventq_fd_open(&obj->veventq);
	case IOMMUFD_OBJ_HW_QUEUE:
		return obj->hwq.next;	/* the next index depends on it */
	default:
		return false;	/* a vDEVICE goes any time */
	}
}

void iommufd_viommu_obj_release(struct iommufd_ctx *ctx,
				struct iommufd_obj *obj)
{
	struct iommufd_obj *parent;

	switch (obj->type) {
	case IOMMUFD_OBJ_VIOMMU:
		parent = iommufd_get_obj(ctx, obj->viommu.hwpt_id,
					 IOMMUFD_OBJ_HWPT_PAGING);
		if (parent && parent->hwpt.viommus)
			parent->hwpt.viommus--;
		iommufd_mmap_free_owner(ctx, obj->id);
		break;
	case IOMMUFD_OBJ_VDEVICE:
		vdevice_release(ctx, obj);
		break;
	case IOMMUFD_OBJ_VEVENTQ:
		veventq_release(ctx, obj);
		break;
	case IOMMUFD_OBJ_HW_QUEUE:
		iommufd_hw_queue_release(ctx, obj);
		break;
	default:
		break;		/* a tombstone holds nothing */
	}
}
