// SPDX-License-Identifier: MIT
/*
 * Device objects: VFIO_DEVICE_BIND_IOMMUFD, ATTACH_IOMMUFD_PT (default
 * PASID or a guest PASID, attach or replace) and DETACH_IOMMUFD_PT on a
 * device cdev, and the cdev's close (iommufd_device_close). The rules are
 * in iommufd.h ("Devices").
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/vfio.h>
#include <siovh/target.h>

#include "harness/ref/viommu/viommu.h"
#include "iommufd_internal.h"

#define OFFSETOFEND(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

struct iommufd_device *iommufd_get_device(struct iommufd_ctx *ctx,
					  uint32_t dev_id)
{
	struct iommufd_obj *o = iommufd_get_obj(ctx, dev_id, IOMMUFD_OBJ_DEVICE);

	return o ? &o->idev : NULL;
}

static struct iommufd_obj *device_of(struct iommufd_ctx *ctx, void *dev)
{
	uint32_t i;

	for (i = 0; dev && i < ctx->nobjs; i++)
		if (ctx->objs[i] && ctx->objs[i]->type == IOMMUFD_OBJ_DEVICE &&
		    ctx->objs[i]->idev.dev == dev)
			return ctx->objs[i];
	return NULL;
}

static void hwpt_put(struct iommufd_ctx *ctx, uint32_t hwpt_id)
{
	struct iommufd_obj *h = iommufd_get_obj(ctx, hwpt_id, 0);

	if (iommufd_is_hwpt(h) && h->hwpt.users)
		h->hwpt.users--;
}

/* ---- Bind ---- */

static int device_bind(struct iommufd_ctx *ctx, void *dev, void *arg)
{
	const size_t minsz = OFFSETOFEND(struct vfio_device_bind_iommufd,
					 out_devid);
	struct vfio_device_bind_iommufd bind;
	struct iommufd_obj *obj, *prev;
	uint16_t rid;
	uint32_t dpasid;
	int ret;

	memcpy(&bind, arg, minsz);
	if (bind.argsz < minsz || bind.flags || bind.iommufd < 0)
		return -EINVAL;
	prev = device_of(ctx, dev);
	if (prev && !iommufd_fault(ctx, IOMMUFD_FAULT_BIND_TWICE))
		return -EINVAL;
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_DEVICE);
	if (!obj)
		return -ENOMEM;
	if (prev && iommufd_fault(ctx, IOMMUFD_FAULT_BIND_TWICE)) {
		/* the bug: a second object for one device */
		rid = prev->idev.rid;
		dpasid = prev->idev.default_pasid;
	} else {
		ret = ctx->plat.dev_ops->bind(ctx->plat.dev_priv, dev, &rid,
					      &dpasid);
		if (ret) {
			if (!iommufd_fault(ctx, IOMMUFD_FAULT_BIND_FAIL_KEEPS_OBJ))
				iommufd_obj_remove(ctx, obj);
			return ret;
		}
	}
	obj->idev.dev = dev;
	obj->idev.rid = rid;
	obj->idev.default_pasid = dpasid;
	bind.out_devid = obj->id;
	memcpy(arg, &bind, minsz);
	return 0;
}

/* ---- Attach ---- */

/* The attachment of idev at pasid (default: def), or a free slot (NULL if
 * none and want_free). */
static struct iommufd_attach *attach_slot(struct iommufd_device *idev,
					  bool has_pasid, uint32_t pasid,
					  bool want_free)
{
	struct iommufd_attach *free_slot = NULL;
	uint32_t i;

	if (!has_pasid)
		return &idev->def;
	for (i = 0; i < IOMMUFD_MAX_PASIDS; i++) {
		if (idev->pasids[i].used && idev->pasids[i].pasid == pasid)
			return &idev->pasids[i];
		if (!idev->pasids[i].used && !free_slot)
			free_slot = &idev->pasids[i];
	}
	return want_free ? free_slot : NULL;
}

/*
 * Move at (used) from its HWPT to hwpt, atomically: the old entry is torn
 * down, the new one installed, and on failure the old one installed again.
 */
static int replace(struct iommufd_ctx *ctx, struct iommufd_device *idev,
		   struct iommufd_attach *at, struct iommufd_obj *hwpt)
{
	struct iommufd_obj *old = iommufd_get_obj(ctx, at->hwpt_id, 0);
	int ret;

	if (old == hwpt && iommufd_fault(ctx, IOMMUFD_FAULT_REATTACH_LEAKS))
		hwpt->hwpt.users++;
	if (old == hwpt)
		return 0;
	/* requests made under the old HWPT go to its fault queue */
	iommufd_fault_collect(ctx);
	viommu_detach(ctx->plat.iommu, idev->rid, at->hpasid);
	ret = iommufd_hwpt_install(ctx, hwpt, idev->rid, at->hpasid);
	if (ret) {
		if (old)
			iommufd_hwpt_install(ctx, old, idev->rid, at->hpasid);
		return ret;
	}
	hwpt_put(ctx, at->hwpt_id);
	at->hwpt_id = hwpt->id;
	hwpt->hwpt.users++;
	/* the groups made under the old HWPT are answered now */
	iommufd_fault_replaced(ctx, idev->rid, at->hpasid);
	return 0;
}

static int device_attach(struct iommufd_ctx *ctx, struct iommufd_device *idev,
			 void *arg)
{
	struct siovh_vfio_attach_pt a = { 0 };
	struct iommufd_attach *at;
	struct iommufd_obj *hwpt;
	bool has_pasid;
	uint32_t hpasid;
	int ret;

	memcpy(&a, arg, OFFSETOFEND(struct siovh_vfio_attach_pt, pt_id));
	if (a.argsz < OFFSETOFEND(struct siovh_vfio_attach_pt, pt_id) ||
	    ((a.flags & ~VFIO_DEVICE_ATTACH_PASID) &&
	     !iommufd_fault(ctx, IOMMUFD_FAULT_ATTACH_FLAGS_IGNORED)))
		return -EINVAL;
	has_pasid = a.flags & VFIO_DEVICE_ATTACH_PASID;
	if (has_pasid) {
		if (a.argsz < sizeof(a))
			return -EINVAL;
		memcpy(&a.pasid, (char *)arg + offsetof(struct siovh_vfio_attach_pt, pasid),
		       sizeof(a.pasid));
	}
	at = attach_slot(idev, has_pasid, a.pasid, true);
	if (has_pasid && !attach_slot(idev, true, UINT32_MAX, true) &&
	    iommufd_fault(ctx, IOMMUFD_FAULT_FULL_REFUSES_REPLACE))
		return -ENOSPC;
	if (!at)
		return -ENOSPC;
	if (at->used && iommufd_fault(ctx, IOMMUFD_FAULT_REPLACE_DROPS_OLD)) {
		/* the bug: the old attachment goes before the new is known */
		viommu_detach(ctx->plat.iommu, idev->rid, at->hpasid);
		hwpt_put(ctx, at->hwpt_id);
		if (has_pasid)
			ctx->plat.dev_ops->gpasid_free(ctx->plat.dev_priv,
						       idev->dev, at->pasid);
		at->used = false;
	}
	hwpt = iommufd_get_obj(ctx, a.pt_id, 0);
	if (!hwpt)
		return -ENOENT;
	if (hwpt->type == IOMMUFD_OBJ_IOAS)
		return -EOPNOTSUPP;	/* no automatic domains */
	if (!iommufd_is_hwpt(hwpt))
		return -EINVAL;
	ret = iommufd_viommu_attach_check(ctx, idev, hwpt);
	if (ret)
		return ret;
	if (at->used)
		return replace(ctx, idev, at, hwpt);
	if (has_pasid) {
		ret = ctx->plat.dev_ops->gpasid_alloc(ctx->plat.dev_priv,
						      idev->dev, a.pasid,
						      &hpasid);
		if (ret)
			return ret;
	} else {
		hpasid = idev->default_pasid;
	}
	ret = iommufd_hwpt_install(ctx, hwpt, idev->rid, hpasid);
	if (ret) {
		if (has_pasid)
			ctx->plat.dev_ops->gpasid_free(ctx->plat.dev_priv,
						       idev->dev, a.pasid);
		return ret;
	}
	*at = (struct iommufd_attach) { .used = true, .hwpt_id = hwpt->id,
					.pasid = a.pasid, .hpasid = hpasid };
	hwpt->hwpt.users++;
	return 0;
}

/* ---- Detach ---- */

/*
 * Tear at down. Its page request groups are completed first (INVALID).
 * A guest PASID goes in the talk's free-before-unbind order: the host
 * PASID is looked up through the guest -> host mapping, freed by the VDCM
 * (which quiesces the ADIs and drains the page requests on it first), and
 * only then is the IOMMU's entry torn down.
 */
static void detach(struct iommufd_ctx *ctx, struct iommufd_device *idev,
		   struct iommufd_attach *at, bool has_pasid)
{
	const struct iommufd_dev_ops *ops = ctx->plat.dev_ops;
	uint32_t hpasid = at->hpasid;

	if (has_pasid && ops->gpasid_to_host(ctx->plat.dev_priv, idev->dev,
					     at->pasid, &hpasid))
		hpasid = at->hpasid;
	iommufd_fault_detach(ctx, idev->rid, hpasid);
	if (has_pasid)
		ops->gpasid_free(ctx->plat.dev_priv, idev->dev, at->pasid);
	viommu_detach(ctx->plat.iommu, idev->rid, hpasid);
	hwpt_put(ctx, at->hwpt_id);
	memset(at, 0, sizeof(*at));
}

static int device_detach(struct iommufd_ctx *ctx, struct iommufd_device *idev,
			 void *arg)
{
	struct siovh_vfio_detach_pt d = { 0 };
	struct iommufd_attach *at;
	bool has_pasid;

	memcpy(&d, arg, OFFSETOFEND(struct siovh_vfio_detach_pt, flags));
	if (d.argsz < OFFSETOFEND(struct siovh_vfio_detach_pt, flags) ||
	    ((d.flags & ~VFIO_DEVICE_DETACH_PASID) &&
	     !iommufd_fault(ctx, IOMMUFD_FAULT_ATTACH_FLAGS_IGNORED)))
		return -EINVAL;
	has_pasid = d.flags & VFIO_DEVICE_DETACH_PASID;
	if (has_pasid) {
		if (d.argsz < sizeof(d))
			return -EINVAL;
		memcpy(&d.pasid, (char *)arg + offsetof(struct siovh_vfio_detach_pt, pasid),
		       sizeof(d.pasid));
	}
	at = attach_slot(idev, has_pasid, d.pasid, false);
	if (!at || !at->used)
		return iommufd_fault(ctx, IOMMUFD_FAULT_DETACH_NOWHERE_OK) ?
		       0 : -ENOENT;
	detach(ctx, idev, at, has_pasid);
	return 0;
}

int iommufd_device_ioctl(struct iommufd_ctx *ctx, void *dev,
			 unsigned long cmd, void *arg)
{
	struct iommufd_obj *obj;

	if (cmd != VFIO_DEVICE_BIND_IOMMUFD &&
	    cmd != VFIO_DEVICE_ATTACH_IOMMUFD_PT &&
	    cmd != VFIO_DEVICE_DETACH_IOMMUFD_PT)
		return iommufd_fault(ctx, IOMMUFD_FAULT_CDEV_UNKNOWN_EINVAL) ?
		       -EINVAL : -ENOTTY;
	if (!arg)
		return -EFAULT;
	if (!ctx->plat.iommu || !ctx->plat.dev_ops)
		return -ENODEV;
	if (cmd == VFIO_DEVICE_BIND_IOMMUFD)
		return device_bind(ctx, dev, arg);
	obj = device_of(ctx, dev);
	if (!obj)
		return -EINVAL;		/* not bound: no access granted */
	if (cmd == VFIO_DEVICE_ATTACH_IOMMUFD_PT)
		return device_attach(ctx, &obj->idev, arg);
	return device_detach(ctx, &obj->idev, arg);
}

/* Detach everything (PASIDs first, then the default) and unbind. */
void iommufd_device_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	struct iommufd_device *idev = &obj->idev;
	uint32_t i;

	for (i = 0; i < IOMMUFD_MAX_PASIDS; i++)
		if (idev->pasids[i].used)
			detach(ctx, idev, &idev->pasids[i], true);
	if (idev->def.used)
		detach(ctx, idev, &idev->def, false);
	iommufd_vdevice_force_out(ctx, idev);
	ctx->plat.dev_ops->unbind(ctx->plat.dev_priv, idev->dev);
}

void iommufd_device_close(struct iommufd_ctx *ctx, void *dev)
{
	struct iommufd_obj *obj;

	if (!ctx || iommufd_fault(ctx, IOMMUFD_FAULT_CLOSE_KEEPS_DEVICE))
		return;
	while ((obj = device_of(ctx, dev))) {
		iommufd_device_release(ctx, obj);
		iommufd_obj_remove(ctx, obj);
	}
}
