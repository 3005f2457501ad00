/* SPDX-License-Identifier: MIT */
/*
 * vSVA in the reference VDCM (seeds/000, "Intel Scalable IOV & vSVA" and
 * "VDCM to support vSVA"; seeds/001, "IOASID Lifecycle in Guest SVA"):
 * a VDEV bound to /dev/iommu, and the PASID management of its guest
 * PASIDs. The contract is in vdcm.h ("vSVA").
 *
 * The guest never sees a host PASID. Each guest PASID of a VDEV is backed
 * by a host PASID allocated from the VDEV's own IOASID set (an MM set, the
 * VDEV as its token: the VM's PASID namespace, as the talk's per-VM
 * ioasid_set), with the guest PASID as the host PASID's spid. So the
 * guest -> host direction is ioasid_find_by_spid in that set (the ADI
 * programming path of the guest's PASID registers), which takes a
 * reference that is put at once; host -> guest (fault forwarding) is
 * ioasid_find's private data (the VDEV) and the VDEV's small table.
 *
 * References, the talk's Ref column: alloc 1; the bind's own +1 and its
 * BIND notification, on which KVM (harness/ref/kvm) takes +1; a queue the
 * guest points at the PASID, +1 held by the VDCM (qpasid.c) until the
 * queue leaves it. So an attached guest PASID has 3, 4 while a queue runs
 * on it.
 *
 * Free-before-unbind (seeds/001, steps 14-24): gpasid_free quiesces the
 * ADIs running on the host PASID (disable, drain, reset: vdcm_queue_reset,
 * which also gives the queue its default PASID back and drops the VDCM's
 * reference), completes the PASID's page request groups
 * (viommu_prq_drain), sends UNBIND (KVM drops its reference) and drops
 * the bind's, and only then frees the host PASID, which is reclaimed at
 * once; the caller (iommufd) tears the IOMMU's PASID entry down after.
 */
#include <errno.h>
#include <string.h>

#include "harness/ref/ioasid/ioasid.h"
#include "harness/ref/viommu/viommu.h"
#include "vdcm_internal.h"

/* The guest's PASID space: 20 bits (PCIe). */
#define VSVA_GPASID_LIMIT	(1u << 20)

/* The highest host PASID the parent can carry (its PASID capability's
 * width) within the IOASID core's space; as open uses for the default. */
static uint32_t vsva_pasid_max(struct vdcm *vdcm)
{
	uint32_t width = (vdcm_hw_pasid_cap(vdcm) >> 8) & 0x1f;
	uint32_t cap = 0, avail = 0;

	if (ioasid_get_capacity(vdcm->ioasid, &cap, &avail) || !cap)
		return 0;
	if (!width || width >= 32 || (1u << width) > cap)
		return cap - 1;
	return (1u << width) - 1;
}

static int vsva_check(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	int ret = vdcm_vdev_check(vdcm, vdev, false);

	if (ret)
		return ret;
	return vdev->iommu_bound ? 0 : -EINVAL;
}

/* Index of gpasid in the VDEV's table, or -1. */
static int gp_index(const struct vdcm_vdev *vdev, uint32_t gpasid)
{
	uint32_t i;

	for (i = 0; i < vdev->nr_gpasids; i++)
		if (vdev->gp[i].gpasid == gpasid)
			return (int)i;
	return -1;
}

int vdcm_vdev_iommu_bind(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			 uint16_t *rid, uint32_t *default_pasid)
{
	int ret = vdcm_vdev_check(vdcm, vdev, true);

	if (ret)
		return ret;
	if (vdev->iommu_bound)
		return -EBUSY;
	/* vSVA steers PASIDs in the in-process IOMMU (vdcm_hw_ops). */
	if (!vdcm->iommu)
		return -EOPNOTSUPP;
	ret = ioasid_set_alloc(vdcm->ioasid, vdev, VDCM_MAX_GPASIDS,
			       SIOVH_IOASID_SET_TYPE_MM, &vdev->gpasid_set);
	if (ret)
		return ret;
	/* The default PASID leaves the AUX domain: iommufd steers it. */
	if (!vdcm_fault(vdcm, VDCM_FAULT_VSVA_BIND_KEEPS_AUX)) {
		ret = viommu_detach(vdcm->iommu, vdcm->rid, vdev->pasid);
		if (ret) {
			ioasid_set_put(vdcm->ioasid, vdev->gpasid_set);
			vdev->gpasid_set = NULL;
			return ret;
		}
	}
	vdev->iommu_bound = true;
	vdev->nr_gpasids = 0;
	if (rid)
		*rid = vdcm->rid;
	if (default_pasid)
		*default_pasid = vdev->pasid;
	return 0;
}

/* Quiesce the ADIs of vdev whose PASID register holds hpasid. */
static void vsva_quiesce_adis(struct vdcm_vdev *vdev, uint32_t hpasid)
{
	struct siovh_adi_probe p;
	uint32_t q;

	for (q = 0; q < vdev->cur_queues; q++) {
		if (vdcm_hw_adi_probe(vdev->vdcm, vdev->adi[q], &p))
			continue;
		if (p.pasid_valid && p.pasid == hpasid)
			vdcm_queue_reset(vdev, q);
	}
}

/*
 * The bind's side of the talk's lifecycle (seeds/001, "IOASID Lifecycle in
 * Guest SVA"): the allocation holds reference 1 (step 2); the IOMMU bind
 * takes its own (step 4) and tells the VM's listeners (step 5), KVM among
 * them, which takes one more (step 6). Unbind undoes it in reverse (steps
 * 17-22) and the free that follows reclaims the PASID (step 23).
 */
static void vsva_bind_notify(struct vdcm_vdev *vdev, uint32_t hpasid)
{
	struct vdcm *vdcm = vdev->vdcm;

	if (ioasid_get(vdcm->ioasid, vdev->gpasid_set, hpasid))
		return;		/* a fresh active ID: cannot fail */
	ioasid_notify(vdcm->ioasid, vdev->gpasid_set, hpasid,
		      SIOVH_IOASID_NOTIFY_BIND, SIOVH_IOASID_NOTIFY_FLAG_ALL);
}

static void vsva_unbind_notify(struct vdcm_vdev *vdev, uint32_t hpasid)
{
	struct vdcm *vdcm = vdev->vdcm;

	ioasid_notify(vdcm->ioasid, vdev->gpasid_set, hpasid,
		      SIOVH_IOASID_NOTIFY_UNBIND, SIOVH_IOASID_NOTIFY_FLAG_ALL);
	if (!vdcm_fault(vdcm, VDCM_FAULT_VSVA_UNBIND_KEEPS_REF))
		ioasid_put(vdcm->ioasid, vdev->gpasid_set, hpasid);
}

/*
 * Free-before-unbind: the device stops using the PASID (its queues are
 * reset, dropping the VDCM's references, steps 14-16) and its page
 * requests are completed before the unbind's notifications and puts, and
 * only then is the PASID freed, with no reference left to keep it.
 */
static void gp_free_at(struct vdcm_vdev *vdev, int i)
{
	struct vdcm *vdcm = vdev->vdcm;
	uint32_t hpasid = vdev->gp[i].hpasid;

	vsva_quiesce_adis(vdev, hpasid);
	viommu_prq_drain(vdcm->iommu, vdcm->rid, VIOMMU_DRAIN_F_PASID, true,
			 hpasid);
	vsva_unbind_notify(vdev, hpasid);
	ioasid_free(vdcm->ioasid, vdev->gpasid_set, hpasid);
	vdev->gp[i] = vdev->gp[--vdev->nr_gpasids];
}

int vdcm_vdev_iommu_unbind(struct vdcm *vdcm, struct vdcm_vdev *vdev)
{
	int ret = vsva_check(vdcm, vdev);

	if (ret)
		return ret;
	while (vdev->nr_gpasids)
		gp_free_at(vdev, (int)vdev->nr_gpasids - 1);
	ioasid_set_put(vdcm->ioasid, vdev->gpasid_set);
	vdev->gpasid_set = NULL;
	vdev->iommu_bound = false;
	/* Back on the AUX domain; iommufd detached the default PASID. */
	if (!vdcm_fault(vdcm, VDCM_FAULT_VSVA_BIND_KEEPS_AUX))
		viommu_attach(vdcm->iommu, vdcm->rid, vdev->pasid,
			      vdev->domain);
	return 0;
}

/* Release of a bound VDEV (lifecycle.c): unbind first. */
void vdcm_vsva_release(struct vdcm_vdev *vdev)
{
	/* iommufd has normally detached the default PASID already (it
	 * unbinds its device object before the release); if not, tear the
	 * entry down so the AUX domain can take it back. */
	struct viommu_pasid_info info;
	struct vdcm *vdcm = vdev->vdcm;

	if (!viommu_pasid_get(vdcm->iommu, vdcm->rid, vdev->pasid, &info) &&
	    info.domain != vdev->domain)
		viommu_detach(vdcm->iommu, vdcm->rid, vdev->pasid);
	vdcm_vdev_iommu_unbind(vdcm, vdev);
}

int vdcm_vdev_gpasid_alloc(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			   uint32_t gpasid, uint32_t *hpasid)
{
	uint32_t h;
	int ret = vsva_check(vdcm, vdev);

	if (ret)
		return ret;
	if (gpasid >= VSVA_GPASID_LIMIT)
		return -ERANGE;
	if (gp_index(vdev, gpasid) >= 0)
		return -EEXIST;
	if (vdev->nr_gpasids == VDCM_MAX_GPASIDS)
		return -ENOSPC;
	ret = ioasid_alloc(vdcm->ioasid, vdev->gpasid_set, 1,
			   vsva_pasid_max(vdcm), vdev, &h);
	if (ret == -EDQUOT)
		ret = -ENOSPC;
	if (ret)
		return ret;
	if (!vdcm_fault(vdcm, VDCM_FAULT_VSVA_NO_SPID)) {
		ret = ioasid_attach_spid(vdcm->ioasid, vdev->gpasid_set, h,
					 gpasid);
		if (ret == -ENOMEM &&
		    vdcm_fault(vdcm, VDCM_FAULT_GPASID_ENOMEM_RECORDED))
			vdev->gp[vdev->nr_gpasids++].gpasid = gpasid; /* bug */
		if (ret) {
			ioasid_free(vdcm->ioasid, vdev->gpasid_set, h);
			return ret;
		}
	}
	vsva_bind_notify(vdev, h);
	vdev->gp[vdev->nr_gpasids].gpasid = gpasid;
	vdev->gp[vdev->nr_gpasids].hpasid = h;
	vdev->nr_gpasids++;
	if (hpasid)
		*hpasid = h;
	return 0;
}

int vdcm_vdev_gpasid_free(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			  uint32_t gpasid)
{
	int i, ret = vsva_check(vdcm, vdev);

	if (ret)
		return ret == -EINVAL ? -ENOENT : ret;
	i = gp_index(vdev, gpasid);
	if (i < 0)
		return -ENOENT;
	gp_free_at(vdev, i);
	return 0;
}

int vdcm_vdev_gpasid_to_host(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			     uint32_t gpasid, uint32_t *hpasid)
{
	siovh_ioasid_t h;
	int ret = vsva_check(vdcm, vdev);

	if (ret)
		return ret == -EINVAL ? -ENOENT : ret;
	if (vdcm_fault(vdcm, VDCM_FAULT_VSVA_NO_SPID)) {
		/* The bug: the guest's number is used as the host's. */
		if (gp_index(vdev, gpasid) < 0)
			return -ENOENT;
		if (hpasid)
			*hpasid = gpasid;
		return 0;
	}
	ret = ioasid_find_by_spid(vdcm->ioasid, vdev->gpasid_set, gpasid, &h);
	if (ret)
		return -ENOENT;
	ioasid_put(vdcm->ioasid, vdev->gpasid_set, h);	/* find's reference */
	if (hpasid)
		*hpasid = h;
	return 0;
}

int vdcm_host_to_gpasid(struct vdcm *vdcm, uint32_t hpasid,
			struct vdcm_vdev **vdev, uint32_t *gpasid)
{
	struct vdcm_vdev *v;
	uint32_t i;

	if (!vdcm)
		return -ENODEV;
	for (v = vdcm->vdevs; v; v = v->next) {
		if (!v->iommu_bound)
			continue;
		for (i = 0; i < v->nr_gpasids; i++) {
			if (v->gp[i].hpasid != hpasid &&
			    !vdcm_fault(vdcm, VDCM_FAULT_VSVA_HPASID_ANY))
				continue;	/* (the bug: any guest PASID) */
			if (vdev)
				*vdev = v;
			if (gpasid)
				*gpasid = v->gp[i].gpasid;
			return 0;
		}
	}
	return -ENOENT;
}
