/* SPDX-License-Identifier: MIT */
/*
 * Interrupts of a VDEV (seeds/000, "Design the VDCM": "ADI Interrupt from
 * IMS", "Virtual interrupt"). The VMM arms MSI-X vectors with eventfds
 * through VFIO_DEVICE_SET_IRQS, as for any vfio-pci device:
 *
 *  - vector 0 is virtual: the VDCM itself signals it when a mailbox command
 *    completes;
 *  - vectors 1..maxQ are the queues' completion interrupts. They are not
 *    emulated: the VDCM programs each ADI's IMS entry with a message that
 *    names the ADI and the vector, and the parent's message arrives at
 *    vdcm_msi() (parent.c), which signals the eventfd.
 *
 * Masking is mediated down to the hardware: an ADI's IMS entry is unmasked
 * exactly while MSI-X is enabled and the vector it targets is unmasked
 * (vdcm_irq_ims_sync), so a message raised while masked is latched in the
 * entry's pending bit by the device and sent on unmask. The VDCM latches
 * the same way for what it signals itself (vdcm_irq_signal). A message for
 * a vector without an eventfd is dropped, as vfio-pci drops it.
 *
 * "MSI-X enabled" is the virtual config's MSI-X enable bit: arming vectors
 * with eventfds sets it and disabling the index (count 0) clears it, as
 * vfio-pci does; being config space, it is reset by FLR and carried by
 * migration along with the vector masks.
 *
 * A vector is pending (the PBA's bit) while the VDCM latches an interrupt
 * for it or an IMS entry of its ADIs holds one. Migration carries the
 * pending bits: the destination latches them itself (its own ADIs' entries
 * start empty), and delivers each once the vector may signal again.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "vdcm_internal.h"

void vdcm_irq_init(struct vdcm_vdev *vdev)
{
	uint32_t i;

	for (i = 0; i < ARRAY_SIZE(vdev->vec); i++) {
		vdev->vec[i].fd = -1;
		vdev->vec[i].masked = false;
		vdev->vec[i].pending = false;
	}
}

static void vec_disarm(struct vdcm_vector *vec)
{
	if (vec->fd >= 0)
		close(vec->fd);
	vec->fd = -1;
	vec->pending = false;
}

void vdcm_irq_disarm_all(struct vdcm_vdev *vdev)
{
	uint32_t i;

	for (i = 0; i < ARRAY_SIZE(vdev->vec); i++)
		vec_disarm(&vdev->vec[i]);
}

/* The vector the queue served by the vdev's i-th ADI interrupts through. */
static uint32_t adi_vector(const struct vdcm_vdev *vdev, uint32_t i)
{
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_WRONG_VECTOR))
		return VDEV_VEC_MBOX;
	return vdev->regs.q[i].vector;
}

/* The vector the i-th ADI's IMS entry names: its queue's, when valid. */
static uint32_t adi_msg_vector(const struct vdcm_vdev *vdev, uint32_t i)
{
	uint32_t vector = adi_vector(vdev, i);

	return vector < vdev_nr_vectors(vdev) ? vector : VDEV_VEC_QUEUE(i);
}

/* Is vector pending: latched by the VDCM, or by an IMS entry of its ADIs? */
bool vdcm_irq_pending(struct vdcm_vdev *vdev, uint32_t vector)
{
	uint32_t i;

	if (vdev->vec[vector].pending)
		return true;
	for (i = 0; i < vdev->cur_queues; i++)
		if (adi_msg_vector(vdev, i) == vector &&
		    vdcm_hw_adi_ims_pending(vdev->vdcm, vdev->adi[i]))
			return true;
	return false;
}

/* The MSI-X capability's message control register, enable bit. */
#define MSIX_CTRL_OFF		(VDEV_CAP_MSIX + 2)
#define MSIX_CTRL_ENABLE	0x8000

static bool msix_enabled(const struct vdcm_vdev *vdev)
{
	const uint8_t *b = vdev->cfg.bytes + MSIX_CTRL_OFF;

	return (b[0] | b[1] << 8) & MSIX_CTRL_ENABLE;
}

static void msix_set_enabled(struct vdcm_vdev *vdev, bool on)
{
	uint8_t *hi = vdev->cfg.bytes + MSIX_CTRL_OFF + 1;

	*hi = (uint8_t)(on ? *hi | MSIX_CTRL_ENABLE >> 8 :
			     *hi & ~(MSIX_CTRL_ENABLE >> 8));
}

static bool ims_should_mask(const struct vdcm_vdev *vdev, uint32_t vector)
{
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MASKED_SIGNALS))
		return !msix_enabled(vdev);
	return !msix_enabled(vdev) || vdev->vec[vector].masked;
}

static void vec_fire(struct vdcm_vdev *vdev, struct vdcm_vector *vec)
{
	uint64_t one = 1;

	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_DOUBLE_SIGNAL))
		one = 2;
	if (vec->fd >= 0 && write(vec->fd, &one, sizeof(one)) < 0)
		vec->pending = true;	/* counter full: try again later */
}

/*
 * Make every ADI's IMS entry say what the VDEV's vectors say: the message
 * (which vector) and the mask. With guest-transparent multiplexing an ADI
 * serves several virtual queues; it interrupts through the vector of the
 * first of them (vdev_adi_of_queue).
 */
int vdcm_irq_ims_sync(struct vdcm_vdev *vdev)
{
	struct vdcm *vdcm = vdev->vdcm;
	uint32_t i, vector;
	bool mask;
	int ret;

	for (i = 0; i < vdev->cur_queues; i++) {
		vector = adi_msg_vector(vdev, i);
		mask = ims_should_mask(vdev, vector);
		ret = vdcm_hw_adi_ims_program(vdcm, vdev->adi[i], vector);
		if (!ret)
			ret = vdcm_hw_adi_ims_mask(vdcm, vdev->adi[i], mask);
		if (ret)
			return ret;
	}
	/* What the VDCM latches for a vector that may signal now goes out, as
	 * the entries' latches just did: a pending bit a load restored, once
	 * MSI-X is enabled again; a signal the full counter refused. */
	for (vector = 0; vector < vdev_nr_vectors(vdev); vector++) {
		if (!vdev->vec[vector].pending || ims_should_mask(vdev, vector))
			continue;
		vdev->vec[vector].pending = false;
		vec_fire(vdev, &vdev->vec[vector]);
	}
	return 0;
}

/*
 * Swallow what the IMS entry of vdev's ADI adi latched: unmasked for a
 * moment with every message dropped, then masked again. The hardware has
 * no other way to clear a pending bit. For an ADI going back to the
 * parent (the next VDEV must not get its interrupt) and for a load,
 * which replaces the whole device state.
 */
void vdcm_irq_drop_latched_adi(struct vdcm_vdev *vdev, uint32_t adi)
{
	vdev->drop_irqs = true;
	vdcm_hw_adi_ims_mask(vdev->vdcm, adi, false);
	vdcm_hw_adi_ims_mask(vdev->vdcm, adi, true);
	vdev->drop_irqs = false;
}

void vdcm_irq_drop_latched(struct vdcm_vdev *vdev)
{
	uint32_t i;

	for (i = 0; i < vdev->cur_queues; i++)
		vdcm_irq_drop_latched_adi(vdev, vdev->adi[i]);
}

/* Signal vector: now, or latched until unmask when masked. */
void vdcm_irq_signal(struct vdcm_vdev *vdev, uint32_t vector)
{
	struct vdcm_vector *vec;

	if (vector >= vdev_nr_vectors(vdev))
		return;
	vec = &vdev->vec[vector];
	if (vec->fd < 0 || vdev->drop_irqs)
		return;			/* not armed: the interrupt is lost */
	if (vec->masked && !vdcm_fault(vdev->vdcm, VDCM_FAULT_MASKED_SIGNALS)) {
		vec->pending = true;
		return;
	}
	vec_fire(vdev, vec);
}

/*
 * A message from an ADI's IMS entry. The entry did the masking (it is
 * masked exactly while the vector is, and latched what came meanwhile), so
 * the VDCM passes the message on as it is.
 */
void vdcm_irq_deliver(struct vdcm_vdev *vdev, uint32_t vector)
{
	if (vector < vdev_nr_vectors(vdev) && !vdev->drop_irqs)
		vec_fire(vdev, &vdev->vec[vector]);
}

int vdcm_irq_get_info(struct vdcm_vdev *vdev, struct vfio_irq_info *info)
{
	if (info->argsz < sizeof(*info))
		return -EINVAL;
	if (info->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info->flags = 0;
	info->count = 0;
	if (info->index == VFIO_PCI_MSIX_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_NORESIZE;
		info->count = vdev_nr_vectors(vdev);
	}
	return 0;
}

/*
 * Bytes of data that follow struct vfio_irq_set for these flags, which name
 * exactly one data type (irq_set_check asks one_of first).
 */
static size_t irq_set_data_size(uint32_t flags, uint32_t count)
{
	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_BOOL:
		return count * sizeof(uint8_t);
	case VFIO_IRQ_SET_DATA_EVENTFD:
		return count * sizeof(int32_t);
	}
	return 0;			/* VFIO_IRQ_SET_DATA_NONE */
}

/* Is exactly one bit of mask set in flags? */
static bool one_of(uint32_t flags, uint32_t mask)
{
	uint32_t f = flags & mask;

	return f && !(f & (f - 1));
}

static int irq_set_check(struct vdcm_vdev *vdev, const struct vfio_irq_set *s)
{
	const uint32_t known = VFIO_IRQ_SET_DATA_TYPE_MASK |
			       VFIO_IRQ_SET_ACTION_TYPE_MASK;
	uint32_t nr;

	if (s->argsz < sizeof(*s) ||
	    ((s->flags & ~known) &&
	     !vdcm_fault(vdev->vdcm, VDCM_FAULT_IRQ_SET_FLAGS_UNCHECKED)) ||
	    !one_of(s->flags, VFIO_IRQ_SET_DATA_TYPE_MASK) ||
	    !one_of(s->flags, VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	if (s->argsz < sizeof(*s) + irq_set_data_size(s->flags, s->count))
		return -EINVAL;
	if (s->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	/*
	 * [start, start + count) must name vectors that exist, and start must
	 * be one of them even when count is 0: an index without vectors (all
	 * but MSI-X here) takes no SET_IRQS at all, and count 0 disables the
	 * index only from a start inside it. Linux's common check for every
	 * VFIO bus driver (vfio_set_irqs_validate_and_prepare) refuses the
	 * same.
	 */
	nr = s->index == VFIO_PCI_MSIX_IRQ_INDEX ? vdev_nr_vectors(vdev) : 0;
	if (s->start > nr &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_IRQ_SET_START_UNCHECKED))
		return -EINVAL;
	if (s->start == nr &&
	    !(vdcm_fault(vdev->vdcm, VDCM_FAULT_IRQ_SET_EMPTY_RANGE) &&
	      !s->count))
		return -EINVAL;
	if (s->count > nr - s->start)
		return -EINVAL;
	return 0;
}

/* DATA_BOOL: act on vector i only where the i-th byte is nonzero. */
static bool irq_selected(const struct vdcm_vdev *vdev,
			 const struct vfio_irq_set *s, uint32_t i)
{
	if ((s->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) != VFIO_IRQ_SET_DATA_BOOL ||
	    vdcm_fault(vdev->vdcm, VDCM_FAULT_IRQ_BOOL_IGNORED))
		return true;
	return s->data[i];
}

/* ACTION_TRIGGER, DATA_EVENTFD: arm (fd >= 0) or disarm (-1) each vector. */
static int irq_set_eventfds(struct vdcm_vdev *vdev,
			    const struct vfio_irq_set *s)
{
	int32_t fds[VDEV_MAX_VECTORS];
	int dups[VDEV_MAX_VECTORS];
	uint32_t i;

	memcpy(fds, s->data, s->count * sizeof(int32_t));
	for (i = 0; i < s->count; i++) {
		dups[i] = -1;
		if (fds[i] < -1)
			goto err_close;
		if (fds[i] >= 0) {
			dups[i] = dup(fds[i]);
			if (dups[i] < 0)
				goto err_close;
		}
	}
	for (i = 0; i < s->count; i++) {
		struct vdcm_vector *vec = &vdev->vec[s->start + i];
		bool pending = vec->pending;

		if (dups[i] < 0 &&
		    vdcm_fault(vdev->vdcm, VDCM_FAULT_DISARM_IGNORED))
			continue;		/* the bug: -1 does nothing */
		vec_disarm(vec);
		vec->fd = dups[i];
		if (dups[i] < 0)
			continue;
		/* A new eventfd is a new route for the same vector: what the
		 * VDCM latched for it stays, to go out on unmask (a VMM arms
		 * its eventfds again after a load). */
		vec->pending = pending &&
			       !vdcm_fault(vdev->vdcm,
					   VDCM_FAULT_REARM_DROPS_PENDING);
		msix_set_enabled(vdev, true);
	}
	return vdcm_irq_ims_sync(vdev);

err_close:
	while (i--) {
		if (vdcm_fault(vdev->vdcm, VDCM_FAULT_SET_IRQS_PARTIAL)) {
			vec_disarm(&vdev->vec[s->start + i]);	/* the bug */
			vdev->vec[s->start + i].fd = dups[i];
		} else if (dups[i] >= 0) {
			close(dups[i]);
		}
	}
	return -EINVAL;
}

static int irq_trigger(struct vdcm_vdev *vdev, const struct vfio_irq_set *s)
{
	uint32_t i;

	uint32_t data = s->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	if (data == VFIO_IRQ_SET_DATA_EVENTFD)
		return irq_set_eventfds(vdev, s);
	if (!s->count && (s->flags & VFIO_IRQ_SET_DATA_NONE)) {
		/* count 0: disable the index */
		vdcm_irq_disarm_all(vdev);
		msix_set_enabled(vdev, false);
		return vdcm_irq_ims_sync(vdev);
	}
	for (i = 0; i < s->count; i++)		/* loopback: fire */
		if (irq_selected(vdev, s, i))
			vdcm_irq_signal(vdev, s->start + i);
	return 0;
}

static int irq_mask(struct vdcm_vdev *vdev, const struct vfio_irq_set *s,
		    bool mask)
{
	struct vdcm_vector *vec;
	uint32_t i;
	int ret;

	for (i = 0; i < s->count; i++) {
		if (!irq_selected(vdev, s, i))
			continue;
		vec = &vdev->vec[s->start + i];
		vec->masked = mask;
		if (mask || !vec->pending)
			continue;
		vec->pending = false;
		if (!vdcm_fault(vdev->vdcm, VDCM_FAULT_UNMASK_LOSES_PENDING))
			vec_fire(vdev, vec);
	}
	if (!mask && vdcm_fault(vdev->vdcm, VDCM_FAULT_UNMASK_LOSES_PENDING)) {
		/* The bug: the device's latched messages are swallowed
		 * while the entries are unmasked. */
		vdev->drop_irqs = true;
		ret = vdcm_irq_ims_sync(vdev);
		vdev->drop_irqs = false;
		return ret;
	}
	return vdcm_irq_ims_sync(vdev);
}

int vdcm_irq_set(struct vdcm_vdev *vdev, struct vfio_irq_set *s)
{
	int ret = irq_set_check(vdev, s);

	if (ret || s->index != VFIO_PCI_MSIX_IRQ_INDEX)
		return ret;
	switch (s->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		return irq_trigger(vdev, s);
	case VFIO_IRQ_SET_ACTION_MASK:
		if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD)
			return -EINVAL;
		return irq_mask(vdev, s, true);
	default:
		if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD)
			return -EINVAL;
		return irq_mask(vdev, s, false);
	}
}
