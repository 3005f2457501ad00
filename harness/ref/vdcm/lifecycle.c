/* SPDX-License-Identifier: MIT */
/*
 * VDEV lifecycle management (seeds/000, "VDEV lifecycle management with
 * VDCM"): create, assign (open), release and remove, the VDEV types and the
 * ADI pool they draw from. Run-time access and reset live in bar.c, cfg.c
 * and ioctl.c; the contract is in vdcm.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/ioasid/ioasid.h"
#include "harness/ref/viommu/viommu.h"
#include "vdcm_internal.h"

/* Determine the VDEV types: the services a VDEV provides (seeds/000). */
static const struct vdcm_type vdcm_types[] = {
	{ "siovh-1q", "1 work queue (1 ADI)", 1 },
	{ "siovh-4q", "4 work queues (4 ADIs)", 4 },
};

const struct vdcm_type *vdcm_type_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(vdcm_types); i++)
		if (!strcmp(vdcm_types[i].name, name))
			return &vdcm_types[i];
	return NULL;
}

/* ---- The VDCM ---- */

struct vdcm *vdcm_create(const struct vdcm_params *params)
{
	struct vdcm *vdcm;
	int ret;

	if (!params || !params->ioasid ||
	    (params->hw_ops ? !params->hw :
	     !params->parent || !params->iommu) ||
	    params->fault < 0 || params->fault >= VDCM_FAULT_COUNT) {
		errno = EINVAL;
		return NULL;
	}
	vdcm = ref_calloc(1, sizeof(*vdcm));
	if (!vdcm)
		return NULL;
	vdcm->parent = params->parent;
	vdcm->iommu = params->iommu;
	vdcm->hw_ops = params->hw_ops ? params->hw_ops : &vdcm_inproc_hw_ops;
	vdcm->hw = params->hw_ops ? params->hw : vdcm;
	vdcm->ioasid = params->ioasid;
	vdcm->rid = params->rid;
	vdcm->fault = params->fault;
	vdcm->nr_adis = vdcm_hw_nr_adis(vdcm);
	ret = -EINVAL;
	if (vdcm->nr_adis > VDCM_MAX_ADIS)
		goto err_free;
	ret = vdcm_hw_enable(vdcm);
	if (ret)
		goto err_free;
	return vdcm;

err_free:
	free(vdcm);
	errno = -ret;
	return NULL;
}

/*
 * Remove (the parent's driver unbound): as mdev_unregister_parent, every
 * VDEV goes; an open one is released first, in release's order, since its
 * user is gone with it. Then the VDCM's IOASID set goes, and with it the
 * share of the system's PASID space it reserved.
 */
void vdcm_destroy(struct vdcm *vdcm)
{
	if (!vdcm)
		return;
	while (vdcm->vdevs) {
		if (vdcm_fault(vdcm, VDCM_FAULT_UNBIND_SKIPS_RELEASE))
			vdcm->vdevs->open = false; /* the bug: torn down as closed */
		if (vdcm->vdevs->open)
			vdcm_vdev_release(vdcm, vdcm->vdevs);
		vdcm_vdev_remove(vdcm, vdcm->vdevs);
	}
	if (vdcm->pasids && !vdcm_fault(vdcm, VDCM_FAULT_UNBIND_KEEPS_SET))
		ioasid_set_put(vdcm->ioasid, vdcm->pasids);
	free(vdcm);
}

/* Is vdev one of ours? Handles are checked, never trusted. */
static bool vdev_known(struct vdcm *vdcm, const struct vdcm_vdev *vdev)
{
	const struct vdcm_vdev *v;

	for (v = vdcm->vdevs; v; v = v->next)
		if (v == vdev)
			return true;
	return false;
}

int vdcm_vdev_check(struct vdcm *vdcm, struct vdcm_vdev *vdev, bool open)
{
	if (!vdcm || !vdev_known(vdcm, vdev))
		return -ENODEV;
	if (open && !vdev->open)
		return -EBADF;
	return 0;
}

/* For region accesses: open, or (a fault) merely created. */
int vdcm_vdev_check_access(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	int ret = vdcm_vdev_check(vdcm, vdev, true);

	if (ret == -EBADF && vdcm_fault(vdcm, VDCM_FAULT_CLOSED_ACCESS))
		return 0;
	return ret;
}

/* The host's walk over the VDEVs (vdcm.h). */
struct vdcm_vdev *vdcm_vdev_next(struct vdcm *vdcm, struct vdcm_vdev *prev)
{
	if (!vdcm)
		return NULL;
	return prev ? prev->next : vdcm->vdevs;
}

/* ---- Types (mdev_supported_types) ---- */

int vdcm_list_types(struct vdcm *vdcm, char *buf, size_t len)
{
	size_t i, off = 0, n, nr = ARRAY_SIZE(vdcm_types);

	if (vdcm_fault(vdcm, VDCM_FAULT_LIST_TYPES_SHORT))
		nr--;
	for (i = 0; i < nr; i++) {
		n = strlen(vdcm_types[i].name) + 1;
		if (!buf || off + n + 1 > len)
			return -ENOSPC;
		memcpy(buf + off, vdcm_types[i].name, n);
		off += n;
	}
	if (!buf || off + 1 > len)
		return -ENOSPC;
	buf[off] = '\0';
	return 0;
}

static uint32_t adis_free(const struct vdcm *vdcm)
{
	uint32_t i, n = 0;

	for (i = 0; i < vdcm->nr_adis; i++)
		if (!vdcm->adi_owner[i] && !vdcm_adi_leaked(vdcm, i))
			n++;
	return n;
}

int vdcm_available_instances(struct vdcm *vdcm, const char *type,
			     unsigned int *out)
{
	const struct vdcm_type *ty = vdcm_type_find(type);
	uint32_t free_adis = adis_free(vdcm);

	if (!ty && out && vdcm_fault(vdcm, VDCM_FAULT_AVAIL_UNKNOWN_TYPE)) {
		*out = 0;
		return 0;
	}
	if (!ty || !out)
		return -EINVAL;
	if (vdcm_fault(vdcm, VDCM_FAULT_AVAIL_STALE))
		free_adis = vdcm->nr_adis;
	*out = free_adis / ty->nr_adis;
	if (vdcm_fault(vdcm, VDCM_FAULT_AVAIL_SHORT) && *out)
		(*out)--;
	return 0;
}

/* ---- The ADI pool ---- */

static bool adi_takeable(const struct vdcm *vdcm, uint32_t adi)
{
	if (vdcm_fault(vdcm, VDCM_FAULT_ADI_REUSED))
		return true;	/* the bug: ownership is not looked at */
	return !vdcm->adi_owner[adi] && !vdcm_adi_leaked(vdcm, adi);
}

/*
 * Give vdev n more ADIs, all or none: -ENOSPC, holding nothing new, when
 * the pool is short.
 */
int vdcm_adis_take(struct vdcm *vdcm, struct vdcm_vdev *vdev, uint32_t n)
{
	uint32_t adi, got = 0, first = vdev->cur_queues;

	for (adi = 0; adi < vdcm->nr_adis && got < n; adi++) {
		if (!adi_takeable(vdcm, adi))
			continue;
		vdcm->adi_owner[adi] = vdev;
		vdev->adi[first + got++] = adi;
	}
	if (got == n) {
		vdev->cur_queues += n;
		return 0;
	}
	while (got--) {
		adi = vdev->adi[first + got];
		vdcm->adi_owner[adi] = NULL;
		if (vdcm_fault(vdcm, VDCM_FAULT_CREATE_LEAKS_ADI))
			vdcm->leaked |= 1ull << adi;
	}
	return -ENOSPC;
}

/* Return vdev's last n ADIs to the pool, reset, for the next VDEV. */
void vdcm_adis_return(struct vdcm *vdcm, struct vdcm_vdev *vdev, uint32_t n)
{
	uint32_t adi;

	while (n-- && vdev->cur_queues) {
		adi = vdev->adi[--vdev->cur_queues];
		vdcm_pin_retire_all(vdev, adi);
		vdcm_hw_adi_quiesce(vdcm, adi);
		vdcm_hw_adi_ims_mask(vdcm, adi, true);
		/* Its entry may hold this VDEV's interrupt: not the next's. */
		if (!vdcm_fault(vdcm, VDCM_FAULT_RETURNED_ADI_KEEPS_LATCH))
			vdcm_irq_drop_latched_adi(vdev, adi);
		if (vdcm->adi_owner[adi] == vdev)
			vdcm->adi_owner[adi] = NULL;
		if (!vdev->open &&
		    vdcm_fault(vdcm, VDCM_FAULT_REMOVE_LEAKS_ADI))
			vdcm->leaked |= 1ull << adi;
	}
}

/* ---- Create and remove ---- */

static struct vdcm_vdev *vdev_by_uuid(struct vdcm *vdcm, const uint8_t *uuid)
{
	struct vdcm_vdev *v;

	for (v = vdcm->vdevs; v; v = v->next)
		if (!memcmp(v->uuid, uuid, sizeof(v->uuid)))
			return v;
	return NULL;
}

/* Guest-visible defaults, as after create, reset and release. */
void vdcm_vdev_defaults(struct vdcm_vdev *vdev)
{
	vdcm_cfg_init(vdev);
	vdcm_regs_init(vdev);
	vdcm_irq_init(vdev);
}

/* A new VDEV's resources: its in-flight table (the caller frees it on
 * failure), then its ADIs. */
static int pin_then_adis(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	int ret = vdcm_pin_init(vdev);

	return ret ? ret : vdcm_adis_take(vdcm, vdev, vdev->type->nr_adis);
}

/* Fault create-enomem-takes-adis: ADIs first, and an allocation failing
 * after that leaves them taken (by no VDEV: lost to the pool). */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static int adis_then_pin(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	uint32_t i;
	int ret = vdcm_adis_take(vdcm, vdev, vdev->type->nr_adis);

	if (ret)
		return ret;
	ret = vdcm_pin_init(vdev);
	for (i = 0; ret && i < vdev->cur_queues; i++) {
		vdcm->adi_owner[vdev->adi[i]] = NULL;
		vdcm->leaked |= 1ull << vdev->adi[i];
	}
	return ret;
}
/* LCOV_EXCL_STOP */

int vdcm_vdev_create(struct vdcm *vdcm, const char *type,
		     const uint8_t uuid[16], struct vdcm_vdev **out)
{
	const struct vdcm_type *ty = vdcm_type_find(type);
	struct vdcm_vdev *vdev;
	int ret;

	if (!ty && vdcm_fault(vdcm, VDCM_FAULT_UNKNOWN_TYPE) && type)
		ty = &vdcm_types[0];
	if (!ty || !uuid || !out)
		return -EINVAL;
	if (vdev_by_uuid(vdcm, uuid) && !vdcm_fault(vdcm, VDCM_FAULT_DUP_UUID))
		return -EEXIST;
	vdev = ref_calloc(1, sizeof(*vdev));
	if (!vdev)
		return -ENOMEM;
	vdev->vdcm = vdcm;
	vdev->type = ty;
	memcpy(vdev->uuid, uuid, sizeof(vdev->uuid));
	if (vdcm_fault(vdcm, VDCM_FAULT_CREATE_ENOMEM_TAKES_ADIS))
		ret = adis_then_pin(vdcm, vdev);
	else
		ret = pin_then_adis(vdcm, vdev);
	if (ret)
		goto err_free;
	vdcm_vdev_defaults(vdev);
	vdev->next = vdcm->vdevs;
	vdcm->vdevs = vdev;
	vdcm->nr_vdevs++;
	*out = vdev;
	return 0;

err_free:
	vdcm_pin_fini(vdev);
	free(vdev);
	return ret;
}

static void vdev_unlink(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	struct vdcm_vdev **p;

	for (p = &vdcm->vdevs; *p; p = &(*p)->next) {
		if (*p == vdev) {
			*p = vdev->next;
			vdcm->nr_vdevs--;
			return;
		}
	}
}

int vdcm_vdev_remove(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	int ret = vdcm_vdev_check(vdcm, vdev, false);

	if (ret)
		return ret;
	if (vdev->open) {
		if (!vdcm_fault(vdcm, VDCM_FAULT_REMOVE_WHILE_OPEN))
			return -EBUSY;
		vdcm_vdev_release(vdcm, vdev);	/* the bug hides itself */
	}
	vdcm_adis_return(vdcm, vdev, vdev->cur_queues);
	vdev_unlink(vdcm, vdev);
	vdcm_pin_fini(vdev);
	free(vdev);
	return 0;
}

/* ---- Assign (open) ---- */

/*
 * The VDCM's IOASID set, made at the first open rather than at probe so
 * that a VDCM that never assigns a VDEV reserves nothing of the system's
 * PASID space. One default PASID per open VDEV, and a VDEV holds at least
 * one ADI: the ADI count bounds the quota.
 */
static int vdcm_pasid_set(struct vdcm *vdcm)
{
	if (vdcm->pasids)
		return 0;
	return ioasid_set_alloc(vdcm->ioasid, NULL, vdcm->nr_adis,
				SIOVH_IOASID_SET_TYPE_NULL, &vdcm->pasids);
}

static uint32_t pasid_max(struct vdcm *vdcm)
{
	uint32_t width = (vdcm_hw_pasid_cap(vdcm) >> 8) & 0x1f;
	uint32_t cap = 0, avail = 0;

	if (ioasid_get_capacity(vdcm->ioasid, &cap, &avail) || !cap)
		return 0;
	if (!width || width >= 32 || (1u << width) > cap)
		return cap - 1;
	return (1u << width) - 1;
}

/* Program the default PASID into every ADI the VDEV holds. */
int vdcm_vdev_program_pasid(struct vdcm_vdev *vdev)
{
	uint32_t i;
	int ret;

	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_NO_PASID_PROGRAMMED))
		return 0;
	for (i = 0; i < vdev->cur_queues; i++) {
		ret = vdcm_hw_adi_program_pasid(vdev->vdcm, vdev->adi[i],
						vdev->pasid);
		if (ret)
			return ret;
	}
	return 0;
}

static void vdev_invalidate_pasid(struct vdcm_vdev *vdev)
{
	uint32_t i;

	for (i = 0; i < vdev->cur_queues; i++)
		vdcm_hw_adi_invalidate_pasid(vdev->vdcm, vdev->adi[i]);
}

static void vdev_open_state(struct vdcm_vdev *vdev)
{
	uint32_t i;

	for (i = 0; i < ARRAY_SIZE(vdev->vec); i++)
		vdev->vec[i].fd = -1;
	vdev->nr_maps = 0;
	vdev->nr_inflight = 0;
	memset(&vdev->dirty, 0, sizeof(vdev->dirty));
	vdcm_mig_init(vdev);
}

/*
 * Assign: the AUX domain with its default PASID (seeds/000, "VDCM to
 * support vSVA": "Non-SVA PASID: AUX domain default PASID"). The PASID
 * comes from the VDCM's IOASID set, the domain is attached at that PASID
 * on the parent's RID, and every ADI of the VDEV is programmed with it:
 * from here on the ADIs' DMA is translated by this VDEV's domain only.
 */
int vdcm_vdev_open(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	uint32_t pasid;
	int ret = vdcm_vdev_check(vdcm, vdev, false);

	if (ret)
		return ret;
	if (vdev->open)
		return vdcm_fault(vdcm, VDCM_FAULT_SECOND_OPEN) ? 0 : -EBUSY;
	if (vdcm_fault(vdcm, VDCM_FAULT_OPEN_ENOMEM_MARKS_OPEN))
		vdev->open = true;	/* the bug: never undone below */
	ret = vdcm_pasid_set(vdcm);
	if (ret)
		return ret;
	ret = ioasid_alloc(vdcm->ioasid, vdcm->pasids, 1, pasid_max(vdcm),
			   vdev, &pasid);
	if (ret)
		return ret;
	vdev->pasid = pasid;
	ret = vdcm_hw_domain_alloc(vdcm, &vdev->domain);
	if (ret)
		goto err_free_pasid;
	ret = vdcm_hw_attach(vdcm, pasid, vdev->domain);
	if (ret)
		goto err_free_domain;
	vdev_open_state(vdev);
	vdcm_vdev_defaults(vdev);
	ret = vdcm_vdev_program_pasid(vdev);
	if (!ret)
		ret = vdcm_irq_ims_sync(vdev);
	if (ret)
		goto err_invalidate;
	vdev->open = true;
	return 0;

err_invalidate:
	vdev_invalidate_pasid(vdev);
	vdcm_hw_detach(vdcm, pasid);
err_free_domain:
	vdcm_hw_domain_free(vdcm, vdev->domain);
err_free_pasid:
	ioasid_free(vdcm->ioasid, vdcm->pasids, pasid);
	vdev->pasid = 0;
	vdev->domain = 0;
	return ret;
}

/* ---- Release ---- */

/* Log an IOMMU event against each of the VDEV's ADIs (adi_trace). */
static void vdev_log(struct vdcm_vdev *vdev, uint32_t kind, uint32_t arg)
{
	struct vdcm *vdcm = vdev->vdcm;
	struct vdcm_adi_log *log;
	uint32_t i;

	for (i = 0; i < vdev->cur_queues; i++) {
		log = &vdcm->log[vdev->adi[i]];
		if (log->nr == VDCM_ADI_LOG) {
			memmove(log->ev, log->ev + 1,
				sizeof(log->ev[0]) * (VDCM_ADI_LOG - 1));
			log->nr--;
		}
		log->ev[log->nr].after = vdcm_hw_adi_last_seq(vdcm,
							      vdev->adi[i]);
		log->ev[log->nr].kind = kind;
		log->ev[log->nr].arg = arg;
		log->nr++;
	}
}

/*
 * Reset the VDEV: quiesce every ADI and return to the defaults. How the
 * ADIs lose the work they still hold (only a held ADI holds any: the
 * device runs an unheld queue at once) is the caller's choice:
 *  - release (discard false) disables and drains before the reset, after
 *    it has invalidated the PASID (seeds/000, "Release"): what the disable
 *    flushes out is dropped by the device for want of a PASID, so nothing
 *    reaches memory;
 *  - VDEV reset (discard true) is a function level reset: the guest's
 *    pending work is discarded, never run, and the PASID stays, so the
 *    ADIs are reset without being drained first (the device's RESET
 *    discards the queue without DMA).
 */
void vdcm_vdev_quiesce(struct vdcm_vdev *vdev, bool discard)
{
	struct vdcm *vdcm = vdev->vdcm;
	uint32_t i, adi;

	if (vdcm_fault(vdcm, VDCM_FAULT_RESET_RUNS_HELD))
		discard = false;	/* the bug: FLR drains held work */
	for (i = 0; i < vdev->cur_queues; i++) {
		adi = vdev->adi[i];
		vdcm_pin_retire_all(vdev, adi);
		if (vdcm_fault(vdcm, VDCM_FAULT_RESET_KEEPS_QUEUES))
			continue;
		if (discard)
			vdcm_hw_adi_reset(vdcm, adi);
		else
			vdcm_hw_adi_quiesce(vdcm, adi);
	}
	vdcm_irq_disarm_all(vdev);
	vdcm_vdev_defaults(vdev);
	/* Disarmed vectors: every IMS entry masked (unless that is the bug). */
	if (!vdcm_fault(vdev->vdcm, VDCM_FAULT_RESET_KEEPS_IMS_UNMASKED))
		vdcm_irq_ims_sync(vdev);
}

/* Detach the PASID from the IOMMU and give it back to the IOASID set. */
static void vdev_free_pasid(struct vdcm_vdev *vdev)
{
	struct vdcm *vdcm = vdev->vdcm;

	if (!vdcm_fault(vdcm, VDCM_FAULT_RELEASE_NO_DETACH) &&
	    !vdcm_hw_detach(vdcm, vdev->pasid))
		vdev_log(vdev, SIOVH_ADI_EV_PASID_DETACH, vdev->pasid);
	ioasid_free(vdcm->ioasid, vdcm->pasids, vdev->pasid);
}

/* Clean up what open allocated (the PASID aside). */
static void vdev_cleanup(struct vdcm_vdev *vdev)
{
	struct vdcm *vdcm = vdev->vdcm;

	vdcm_dirty_cleanup(vdev);
	vdcm_mig_cleanup(vdev);
	vdcm_bar_munmap_all(vdev);
	vdcm_pin_release(vdev);
	vdcm_container_unmap_all(vdev);
	/* With the detach skipped (a fault) the domain is still in use and
	 * stays allocated: the leak is part of that bug. */
	vdcm_hw_domain_free(vdcm, vdev->domain);
	vdev->domain = 0;
	vdev->pasid = 0;
}

/*
 * Release (seeds/000, "release"):
 *   1. invalidate the PASID in each ADI,
 *   2. reset the VDEV to ensure no further activity in hardware,
 *   3. clean up what was allocated after opening.
 * In this order the ADIs can issue no DMA once step 1 is done, so nothing
 * the reset flushes out, and nothing after, can reach memory through a
 * PASID that step 3 is about to free and hand to someone else.
 */
int vdcm_vdev_release(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	int ret = vdcm_vdev_check(vdcm, vdev, false);

	if (ret)
		return ret;
	if (!vdev->open)
		return vdcm_fault(vdcm, VDCM_FAULT_RELEASE_CLOSED_OK) ? 0 :
		       -EINVAL;
	if (vdev->iommu_bound)
		vdcm_vsva_release(vdev);
	if (vdcm_fault(vdcm, VDCM_FAULT_RESET_BEFORE_INVALIDATE)) {
		vdcm_vdev_quiesce(vdev, false);
		vdev_invalidate_pasid(vdev);
	} else if (vdcm_fault(vdcm, VDCM_FAULT_FREE_PASID_BEFORE_RESET)) {
		vdev_invalidate_pasid(vdev);
		vdev_free_pasid(vdev);
		vdcm_vdev_quiesce(vdev, false);
	} else {
		if (!vdcm_fault(vdcm, VDCM_FAULT_RELEASE_KEEPS_PASID))
			vdev_invalidate_pasid(vdev);
		vdcm_vdev_quiesce(vdev, false);
	}
	if (!vdcm_fault(vdcm, VDCM_FAULT_FREE_PASID_BEFORE_RESET))
		vdev_free_pasid(vdev);
	vdev_cleanup(vdev);
	vdev->open = false;
	return 0;
}
