/* SPDX-License-Identifier: MIT */
/*
 * The queues' guest PASID registers (vdev_regs.h, VDEV_Q_PASID): how a
 * guest turns vSVA on and off for a queue (seeds/000, "Intel Scalable IOV
 * & vSVA": the VDCM translates the guest PASID and programs the ADI;
 * seeds/001: the guest never learns a host PASID). The guest-to-host map
 * is vsva.c's, filled when /dev/iommu attaches the guest PASID.
 */
#include <errno.h>

#include "harness/ref/ioasid/ioasid.h"
#include "vdcm_internal.h"

#define VPASID_CTRL_ENABLE	0x1	/* the virtual PASID capability's */

/*
 * Queue q exists (below CURQ) and its ADI serves no other queue: the VDEV
 * holds an ADI per queue the guest sees (no guest-transparent sharing).
 */
static bool queue_owns_adi(const struct vdcm_vdev *vdev, uint32_t q)
{
	return q < vdev->regs.curq && vdev->regs.curq <= vdev->cur_queues;
}

/* The host PASID a write of val asks for, or -errno to refuse it. */
static int64_t qpasid_resolve(struct vdcm_vdev *vdev, uint32_t q, uint32_t val)
{
	const struct vdcm_queue_regs *r = &vdev->regs.q[q];
	uint32_t gpasid = val & VDEV_QPASID_MASK, hpasid;
	int ret;

	if ((r->ctrl & VDEV_QCTRL_ENABLE) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_QPASID_WHILE_ENABLED))
		return -EBUSY;
	if (!(val & VDEV_QPASID_EN))
		return vdev->pasid;
	if (!(vdev->cfg.pasid_ctrl & VPASID_CTRL_ENABLE) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_QPASID_NO_CAP_CHECK))
		return -EINVAL;
	if (!queue_owns_adi(vdev, q) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_QPASID_BEYOND_CURQ))
		return -EINVAL;
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_QPASID_UNTRANSLATED))
		return gpasid;		/* the bug: the guest's own number */
	ret = vdcm_vdev_gpasid_to_host(vdev->vdcm, vdev, gpasid, &hpasid);
	if (ret == -ENOENT && vdcm_fault(vdev->vdcm, VDCM_FAULT_QPASID_UNKNOWN_OK))
		return vdev->pasid;	/* the bug: "accepted" */
	return ret ? (int64_t)ret : (int64_t)hpasid;
}

/*
 * The VDCM's reference on the host PASID a queue runs on (seeds/001, the
 * lifecycle's steps 10 and 16: find_by_spid's reference, kept while the
 * ADI may carry the PASID, so the PASID cannot be reclaimed under it).
 */
static void qpasid_hold(struct vdcm_vdev *vdev, uint32_t q, uint32_t hpasid)
{
	struct vdcm_queue_regs *r = &vdev->regs.q[q];

	if (!ioasid_get(vdev->vdcm->ioasid, vdev->gpasid_set, hpasid))
		r->held = hpasid;
}

void vdcm_qpasid_clear(struct vdcm_vdev *vdev, uint32_t q)
{
	struct vdcm_queue_regs *r = &vdev->regs.q[q];

	r->pasid = 0;
	if (r->held && vdev->gpasid_set &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_QPASID_REF_LEAK))
		ioasid_put(vdev->vdcm->ioasid, vdev->gpasid_set, r->held);
	r->held = 0;
}

int vdcm_qpasid_write(struct vdcm_vdev *vdev, uint32_t q, uint32_t val)
{
	struct vdcm_queue_regs *r = &vdev->regs.q[q];
	uint32_t adi = vdev_adi_of_queue(vdev, q);
	int64_t hpasid;

	val &= VDEV_QPASID_EN | VDEV_QPASID_MASK;
	hpasid = qpasid_resolve(vdev, q, val);
	if (hpasid < 0) {
		r->status |= VDEV_QSTS_PASID_ERR;
		return 0;		/* refused: the guest sees the status */
	}
	r->status &= ~VDEV_QSTS_PASID_ERR;
	vdcm_qpasid_clear(vdev, q);
	r->pasid = val;
	if (val & VDEV_QPASID_EN && (uint32_t)hpasid != vdev->pasid)
		qpasid_hold(vdev, q, (uint32_t)hpasid);
	if (!(val & VDEV_QPASID_EN) &&
	    vdcm_fault(vdev->vdcm, VDCM_FAULT_QPASID_DISABLE_KEEPS))
		return 0;		/* the bug: the ADI keeps the SVA PASID */
	return vdcm_hw_adi_program_pasid(vdev->vdcm, adi, (uint32_t)hpasid);
}

bool vdcm_qpasid_any(const struct vdcm_vdev *vdev)
{
	uint32_t q;

	for (q = 0; q < vdev_max_queues(vdev); q++)
		if (vdev->regs.q[q].pasid & VDEV_QPASID_EN)
			return true;
	return false;
}
