/* SPDX-License-Identifier: MIT */
/*
 * The guest's queue controls mapped onto ADIs, the VDEV-VDCM mailbox
 * (seeds/000, "Design the VDCM (Cont'd)": "Mailbox MMIO"), and queue
 * re-allocation (seeds/002, "Resource Scaling": maxQ vs. curQ, guest-
 * transparent and guest-cooperated).
 *
 * A VDEV has maxQ virtual queues (its type) and holds curQ ADIs, 1..maxQ.
 * Virtual queue v is served by ADI adi[v mod curQ]: when the VDCM takes
 * ADIs away behind the guest's back, the guest still sees and drives maxQ
 * queues, several of them now sharing an ADI. When the guest cooperates
 * (SET_QUEUES) it is told the new count in CURQ and uses only those.
 */
#include <errno.h>

#include "vdcm_internal.h"

/* Does any enabled virtual queue use the vdev's i-th ADI? */
static bool adi_wanted(const struct vdcm_vdev *vdev, uint32_t i)
{
	uint32_t q;

	for (q = i; q < vdev->regs.curq; q += vdev->cur_queues)
		if (vdev->regs.q[q].ctrl & VDEV_QCTRL_ENABLE)
			return true;
	return false;
}

/*
 * Bring the ADIs in line with the queues' ENABLE bits and the migration
 * state: while the VDEV is quiesced every ADI is held, so what reaches it
 * waits in its queue (vdcm_internal.h, vdev_quiesced). A CTRL write that
 * clears HOLD or ENABLE makes the device run the queue: what ran is
 * credited and unpinned here.
 */
static int queues_sync(struct vdcm_vdev *vdev)
{
	struct vdcm *vdcm = vdev->vdcm;
	bool hold = vdev_quiesced(vdev) &&
		    !vdcm_fault(vdcm, VDCM_FAULT_P2P_NOT_QUIESCED);
	uint64_t before;
	uint32_t i, adi;
	int ret;

	for (i = 0; i < vdev->cur_queues; i++) {
		adi = vdev->adi[i];
		before = vdcm_hw_adi_completed(vdcm, adi);
		ret = vdcm_hw_adi_ctrl(vdcm, adi, adi_wanted(vdev, i), hold);
		vdcm_pin_complete(vdev, adi, before);
		if (ret)
			return ret;
	}
	return 0;
}

/* The migration state moved into or out of quiescence (migration.c). */
int vdcm_queues_sync(struct vdcm_vdev *vdev)
{
	return queues_sync(vdev);
}

/* The guest wrote queue q's ENABLE bit: only queues below CURQ exist. */
int vdcm_queue_apply(struct vdcm_vdev *vdev, uint32_t q)
{
	struct vdcm_queue_regs *r = &vdev->regs.q[q];

	r->status = 0;
	if ((r->ctrl & VDEV_QCTRL_ENABLE) && q >= vdev->regs.curq &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_QUEUE_BEYOND_CURQ)) {
		r->ctrl &= ~VDEV_QCTRL_ENABLE;
		r->status = VDEV_QSTS_ERROR;
		return 0;
	}
	if (r->ctrl & VDEV_QCTRL_ENABLE)
		r->status = VDEV_QSTS_ENABLED;
	return queues_sync(vdev);
}

/*
 * Queue reset: quiesce the ADI behind q and make it usable again (its
 * PASID and IMS message back). With multiplexing this resets the queues
 * sharing the ADI too, which is what hardware would do.
 */
int vdcm_queue_reset(struct vdcm_vdev *vdev, uint32_t q)
{
	struct vdcm *vdcm = vdev->vdcm;
	uint32_t adi = vdev_adi_of_queue(vdev, q);
	int ret;

	vdcm_pin_retire_all(vdev, adi);
	if (!vdcm_fault(vdcm, VDCM_FAULT_QPASID_RESET_KEEPS))
		vdcm_qpasid_clear(vdev, q);	/* back to the default PASID */
	ret = vdcm_hw_adi_quiesce(vdcm, adi);
	if (!ret && !vdcm_fault(vdcm, VDCM_FAULT_NO_PASID_PROGRAMMED))
		ret = vdcm_hw_adi_program_pasid(vdcm, adi, vdev->pasid);
	if (!ret)
		ret = vdcm_irq_ims_sync(vdev);
	if (!ret)
		ret = vdcm_queue_apply(vdev, q);
	return ret;
}

/* Program newly taken ADIs [from, cur_queues) for this open VDEV. */
static int queues_setup_new(struct vdcm_vdev *vdev, uint32_t from)
{
	struct vdcm *vdcm = vdev->vdcm;
	uint32_t i;
	int ret;

	for (i = from; vdev->open && i < vdev->cur_queues; i++) {
		ret = vdcm_hw_adi_program_pasid(vdcm, vdev->adi[i],
						vdev->pasid);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Re-allocate: the VDEV holds n ADIs afterwards. Shrinking quiesces and
 * returns the last ADIs; growing takes free ones, all or none.
 */
int vdcm_queues_resize(struct vdcm_vdev *vdev, uint32_t n)
{
	struct vdcm *vdcm = vdev->vdcm;
	uint32_t old = vdev->cur_queues;
	int ret;

	if (n < 1 || n > vdev_max_queues(vdev))
		return -EINVAL;
	/* A queue on a guest PASID owns its ADI (qpasid.c): no sharing. */
	if (n != old && vdcm_qpasid_any(vdev) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_QPASID_RESIZE_OK))
		return -EBUSY;
	if (n < old) {
		for (uint32_t i = n; i < old; i++)
			vdcm_hw_adi_invalidate_pasid(vdcm, vdev->adi[i]);
		vdcm_adis_return(vdcm, vdev, old - n);
	} else if (n > old) {
		ret = vdcm_adis_take(vdcm, vdev, n - old);
		if (ret)
			return ret;
		ret = queues_setup_new(vdev, old);
		if (ret)
			return ret;
	}
	ret = vdcm_irq_ims_sync(vdev);
	return ret ? ret : queues_sync(vdev);
}

/*
 * Behind the guest's back, but not while the VDEV is quiesced for
 * migration: a shrink would run or lose the work its held ADIs keep, and
 * the device must not change then (-EBUSY).
 */
int vdcm_set_cur_queues(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			unsigned int cur)
{
	int ret = vdcm_vdev_check(vdcm, vdev, false);

	if (ret)
		return ret;
	if (vdev->open && vdev_quiesced(vdev) &&
	    !vdcm_fault(vdcm, VDCM_FAULT_HOST_SCALE_WHILE_STOPPED))
		return -EBUSY;
	ret = vdcm_queues_resize(vdev, cur);
	if (!ret && vdcm_fault(vdcm, VDCM_FAULT_HOST_SCALE_SETS_CURQ))
		vdev->regs.curq = cur;	/* the bug: the guest is told */
	return ret;
}

/* SET_QUEUES: the guest-cooperated way; CURQ tells the guest. */
static uint32_t mbox_set_queues(struct vdcm_vdev *vdev, uint32_t n)
{
	uint32_t q;
	int ret;

	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_SET_QUEUES_UNCHECKED) &&
	    n > vdev_max_queues(vdev)) {
		vdev->regs.curq = n;	/* the bug: believes the guest */
		vdev->regs.mbox_resp = n;
		return 0;
	}
	if (n < 1 || n > vdev_max_queues(vdev))
		return EINVAL;
	ret = vdcm_queues_resize(vdev, n);
	if (ret == -ENOSPC &&
	    vdcm_fault(vdev->vdcm, VDCM_FAULT_GROW_UNCHECKED))
		ret = 0;	/* the bug: CURQ promises missing ADIs */
	if (ret)
		return (uint32_t)-ret;
	vdev->regs.curq = n;
	for (q = n; q < vdev_max_queues(vdev); q++) {
		vdev->regs.q[q].ctrl = 0;
		vdev->regs.q[q].status = 0;
	}
	vdev->regs.mbox_resp = n;
	ret = queues_sync(vdev);
	return ret ? (uint32_t)-ret : 0;
}

/* Execute the mailbox command, then raise the virtual interrupt. */
void vdcm_mbox_doorbell(struct vdcm_vdev *vdev)
{
	struct vdcm_regs *r = &vdev->regs;
	uint32_t err = 0;

	r->mbox_resp = 0;
	switch (r->mbox_cmd) {
	case VDEV_MBOX_GET_VERSION:
		r->mbox_resp = VDEV_VERSION;
		break;
	case VDEV_MBOX_QUERY_QUEUES:
		r->mbox_resp = vdev_max_queues(vdev) << 16 | r->curq;
		break;
	case VDEV_MBOX_SET_QUEUES:
		err = mbox_set_queues(vdev, r->mbox_arg);
		break;
	default:
		if (!vdcm_fault(vdev->vdcm, VDCM_FAULT_MBOX_UNKNOWN_OK))
			err = EOPNOTSUPP;
		break;
	}
	r->mbox_status = VDEV_MBOX_DONE | (err & VDEV_MBOX_ERR_MASK);
	if (!vdcm_fault(vdev->vdcm, VDCM_FAULT_MBOX_NO_INTCAUSE))
		r->intcause |= VDEV_INTCAUSE_MBOX;
	vdcm_irq_signal(vdev, VDEV_VEC_MBOX);
}
