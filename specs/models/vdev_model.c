// SPDX-License-Identifier: MIT
/*
 * The abstract VDEV lifecycle model; see vdev_model.h.
 */
#include <errno.h>
#include <string.h>

#include <linux/vfio.h>

#include "vdev_model.h"

#define CMD_MEMORY	(1u << 1)
#define CMD_MASTER	(1u << 2)
#define QSTS_ENABLED	(1u << 0)
#define QSTS_ERROR	(1u << 1)
#define MBOX_DONE	(1u << 31)

void vdev_model_init(struct vdev_model *m, uint32_t nr_adis)
{
	memset(m, 0, sizeof(*m));
	m->nr_adis = m->free_adis = nr_adis;
}

int vdev_model_add_type(struct vdev_model *m,
			const struct vdev_model_type *type)
{
	if (m->nr_types == VDEV_MODEL_TYPES)
		return -ENOSPC;
	m->types[m->nr_types] = *type;
	return (int)m->nr_types++;
}

static int result(struct vdev_model *m, int ret)
{
	m->leeway = VDEV_MODEL_EXACT;
	return ret;
}

/* Two or more failures apply: any of them will do. */
static int loose(struct vdev_model *m, int ret)
{
	m->leeway = VDEV_MODEL_ANY_ERRNO;
	return ret;
}

static struct vdev_model_vdev *vdev_of(struct vdev_model *m,
				       unsigned int slot)
{
	return slot < VDEV_MODEL_SLOTS ? &m->v[slot] : NULL;
}

/*
 * What reset (and open, and release) return the guest-visible state to.
 * CURQ goes back to maxQ (vdev_regs.h, "Reset values") while the ADIs the
 * VDEV holds stay as SET_QUEUES left them: queues beyond them share ADIs
 * (harness/ref/vdcm/mailbox.c, guest-transparent). The model once kept
 * CURQ at SET_QUEUES' count across a reset, which the vfio_device_ops
 * fuzz target found (fuzz/vfio_device_ops/regressions/reset-restores-curq).
 */
static void defaults(const struct vdev_model *m, struct vdev_model_vdev *v)
{
	v->viewq = m->types[v->type].adis;
	v->command = 0;
	v->arg = 0;
	v->qen = 0;
	memset(v->armed, 0, sizeof(v->armed));
	memset(v->masked, 0, sizeof(v->masked));
	memset(v->pending, 0, sizeof(v->pending));
}

uint32_t vdev_model_available(const struct vdev_model *m, int type)
{
	const struct vdev_model_type *ty = &m->types[type];
	uint32_t n = m->free_adis / ty->adis;

	return n < ty->max_instances ? n : ty->max_instances;
}

uint32_t vdev_model_count(const struct vdev_model *m)
{
	uint32_t i, n = 0;

	for (i = 0; i < VDEV_MODEL_SLOTS; i++)
		n += m->v[i].exists;
	return n;
}

int vdev_model_create(struct vdev_model *m, unsigned int slot, int type,
		      unsigned int uuid)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	unsigned int fails = 0, i;
	int err = 0;

	if (type < 0 || (unsigned int)type >= m->nr_types) {
		err = -EINVAL;
		fails++;
	}
	for (i = 0; i < VDEV_MODEL_SLOTS; i++)
		if (m->v[i].exists && m->v[i].uuid == uuid) {
			if (!err)
				err = -EEXIST;
			fails++;
			break;
		}
	if (!fails && m->free_adis < m->types[type].adis) {
		err = -ENOSPC;
		fails++;
	}
	if (fails > 1)
		return loose(m, err);
	if (fails)
		return result(m, err);
	memset(v, 0, sizeof(*v));
	v->exists = true;
	v->type = type;
	v->uuid = uuid;
	v->curq = m->types[type].default_queues;
	v->viewq = m->types[type].adis;
	v->mig = VFIO_DEVICE_STATE_RUNNING;
	m->free_adis -= v->curq;
	return result(m, 0);
}

int vdev_model_remove(struct vdev_model *m, unsigned int slot)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);

	if (v->open)
		return result(m, -EBUSY);
	m->free_adis += v->curq;
	memset(v, 0, sizeof(*v));
	return result(m, 0);
}

int vdev_model_open(struct vdev_model *m, unsigned int slot)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);

	if (v->open)
		return result(m, -EBUSY);
	v->open = true;
	defaults(m, v);
	v->mig = VFIO_DEVICE_STATE_RUNNING;
	return result(m, 0);
}

int vdev_model_release(struct vdev_model *m, unsigned int slot)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);

	if (!v->open)
		return result(m, -EINVAL);
	v->open = false;
	defaults(m, v);
	memset(v->signals, 0, sizeof(v->signals));
	return result(m, 0);
}

int vdev_model_reset(struct vdev_model *m, unsigned int slot)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);

	if (!v->open)
		return result(m, -EBADF);
	defaults(m, v);
	if (v->mig == VFIO_DEVICE_STATE_ERROR)
		v->mig = VFIO_DEVICE_STATE_RUNNING;
	return result(m, 0);
}

int vdev_model_command(struct vdev_model *m, unsigned int slot, uint32_t val)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);

	if (!v->open)
		return result(m, -EBADF);
	v->command = val & (CMD_MEMORY | CMD_MASTER);
	return result(m, 0);
}

/*
 * Quiesced for migration: RUNNING_P2P or a STOP state. The user must not
 * touch the device then (linux/vfio.h): register writes are refused.
 */
static bool quiesced(const struct vdev_model_vdev *v)
{
	return v->mig == VFIO_DEVICE_STATE_RUNNING_P2P ||
	       v->mig == VFIO_DEVICE_STATE_STOP ||
	       v->mig == VFIO_DEVICE_STATE_STOP_COPY ||
	       v->mig == VFIO_DEVICE_STATE_RESUMING;
}

/* A BAR0 access: -EBADF closed, -EIO memory off, -EBUSY write when
 * quiesced. */
static int bar_access(struct vdev_model *m, struct vdev_model_vdev *v,
		      bool write)
{
	bool off = !(v->command & CMD_MEMORY), busy = write && quiesced(v);

	if (!v->open)
		return result(m, -EBADF);
	if (off && busy)
		return loose(m, -EIO);
	if (off)
		return result(m, -EIO);
	if (busy)
		return result(m, -EBUSY);
	return result(m, 0);
}

int vdev_model_reg_read(struct vdev_model *m, unsigned int slot,
			uint32_t *val)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	int ret = bar_access(m, v, false);

	*val = ret ? 0 : v->arg;
	return ret;
}

int vdev_model_reg_write(struct vdev_model *m, unsigned int slot,
			 uint32_t val)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	int ret = bar_access(m, v, true);

	if (!ret)
		v->arg = val;
	return ret;
}

int vdev_model_read_oob(struct vdev_model *m, unsigned int slot)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);

	if (!v->open)
		return result(m, -EBADF);
	if (!(v->command & CMD_MEMORY))
		return loose(m, -EINVAL);
	return result(m, -EINVAL);
}

int vdev_model_queue_enable(struct vdev_model *m, unsigned int slot,
			    uint32_t q, uint32_t *status)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	int ret = bar_access(m, v, true);

	*status = 0;
	if (ret)
		return ret;
	if (q < v->viewq) {
		v->qen |= 1u << q;
		*status = QSTS_ENABLED;
	} else {
		*status = QSTS_ERROR;
	}
	return ret;
}

/* An interrupt on vector vec: lost, latched or signalled. */
static void raise_irq(struct vdev_model_vdev *v, uint32_t vec)
{
	if (!v->armed[vec])
		return;
	if (v->masked[vec])
		v->pending[vec] = true;
	else
		v->signals[vec]++;
}

int vdev_model_set_queues(struct vdev_model *m, unsigned int slot,
			  uint32_t n, uint32_t *status)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	const struct vdev_model_type *ty;
	int ret = bar_access(m, v, true);

	*status = 0;
	if (ret)
		return ret;
	ty = &m->types[v->type];
	if (!n || n > ty->adis) {
		*status = MBOX_DONE | EINVAL;
	} else if (n > v->curq && m->free_adis < n - v->curq) {
		*status = MBOX_DONE | ENOSPC;
	} else {
		m->free_adis = m->free_adis + v->curq - n;
		v->curq = n;
		v->viewq = n;
		v->qen &= (1u << n) - 1;
		*status = MBOX_DONE;
	}
	v->arg = n;		/* the mailbox argument register */
	raise_irq(v, 0);		/* completion: the virtual interrupt */
	return ret;
}

static int vec_check(struct vdev_model *m, struct vdev_model_vdev *v,
		     uint32_t vec)
{
	if (!v->open)
		return result(m, -EBADF);
	if (vec >= m->types[v->type].vectors || vec >= VDEV_MODEL_VECS)
		return result(m, -EINVAL);
	return 0;
}

int vdev_model_irq_arm(struct vdev_model *m, unsigned int slot, uint32_t vec,
		       bool arm)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	int ret = vec_check(m, v, vec);

	if (ret)
		return ret;
	v->armed[vec] = arm;
	v->pending[vec] = false;
	return result(m, 0);
}

int vdev_model_irq_mask(struct vdev_model *m, unsigned int slot,
			uint32_t vec, bool mask)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	int ret = vec_check(m, v, vec);

	if (ret)
		return ret;
	v->masked[vec] = mask;
	if (!mask && v->pending[vec]) {
		v->pending[vec] = false;
		v->signals[vec]++;
	}
	return result(m, 0);
}

int vdev_model_irq_fire(struct vdev_model *m, unsigned int slot,
			uint32_t vec)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	int ret = vec_check(m, v, vec);

	if (ret)
		return ret;
	raise_irq(v, vec);
	return result(m, 0);
}

static bool mig_supported(uint32_t flags, uint32_t s)
{
	switch (s) {
	case VFIO_DEVICE_STATE_STOP:
	case VFIO_DEVICE_STATE_RUNNING:
	case VFIO_DEVICE_STATE_STOP_COPY:
		return true;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return flags & VFIO_MIGRATION_P2P;
	case VFIO_DEVICE_STATE_PRE_COPY:
		return flags & VFIO_MIGRATION_PRE_COPY;
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return (flags & VFIO_MIGRATION_PRE_COPY) &&
		       (flags & VFIO_MIGRATION_P2P);
	}
	return false;		/* ERROR, RESUMING (needs a stream), unknown */
}

int vdev_model_mig(struct vdev_model *m, unsigned int slot, uint32_t state)
{
	struct vdev_model_vdev *v = vdev_of(m, slot);
	uint32_t flags;

	if (!v->open)
		return result(m, -EBADF);
	flags = m->types[v->type].mig_flags;
	if (!flags)
		return loose(m, -ENOTTY);
	if (!mig_supported(flags, state) || v->mig == VFIO_DEVICE_STATE_ERROR ||
	    (v->mig == VFIO_DEVICE_STATE_STOP_COPY &&
	     (state == VFIO_DEVICE_STATE_PRE_COPY ||
	      state == VFIO_DEVICE_STATE_PRE_COPY_P2P)))
		return result(m, -EINVAL);
	v->mig = state;
	return result(m, 0);
}
