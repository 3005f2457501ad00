/* SPDX-License-Identifier: MIT */
/*
 * Live migration (seeds/002, "Live Migration": "Mediate for composing device
 * state", "State transition (running, stopped, etc.)", "GET/SET device
 * state"), as today's VFIO migration v2: VFIO_DEVICE_FEATURE_MIGRATION and
 * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE with the state machine of
 * linux/vfio.h, the device state streamed over a data fd.
 *
 * Quiescence. Outside RUNNING the VDEV's ADIs are held (vdev_quiesced): in
 * RUNNING_P2P the device may not initiate peer-to-peer DMA, and since the
 * reference cannot tell such DMA from any other it must stop all of it
 * (linux/vfio.h, "The optional peer to peer (P2P) quiescent state"); in the
 * STOP states it may do no DMA at all. The reference engine runs an unheld
 * queue to empty before a submission returns, so holding leaves nothing
 * outstanding behind. A descriptor that reaches a portal in RUNNING_P2P (a
 * peer's write) waits in its held ADI: no DMA, no completion record, no
 * interrupt. It runs when the VDEV is RUNNING again, or, if the state is
 * saved meanwhile, on the VDEV the state is loaded into: held work is part
 * of the device state, so it completes once, wherever the guest resumes.
 * (Draining it on the way to STOP_COPY instead would be DMA in a STOP state,
 * after the VMM may already have taken its last dirty bitmap.)
 *
 * The device state is what the VDCM composes, not a copy of hardware: the
 * guest-visible config and registers, the queue configuration and the
 * interrupt programming with each vector's pending bit (an interrupt latched
 * behind a mask must reach the guest once, wherever it resumes), curQ, and
 * the descriptors the held ADIs keep,
 * each with its queue. Host resources are not in it: the destination is
 * another VDEV with its own ADIs and its own default PASID, and loading
 * re-establishes the ADIs' programming on those and queues the held
 * descriptors again, through the same portals.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/ref/alloc/alloc.h"
#include "vdcm_internal.h"

#define MIG_MAGIC	0x4d444356u	/* "VCDM" */
#define MIG_VERSION	3

/*
 * The serialized device state (host byte order: in-process only): a
 * struct mig_blob, then nr_held struct mig_held, oldest first.
 */
struct mig_blob {
	uint32_t magic, version;
	char type[32];
	uint32_t max_queues;
	uint32_t cur_queues;		/* ADIs held */
	uint8_t cfg[VDEV_CFG_SIZE];
	uint16_t pasid_ctrl, ats_ctrl, pri_ctrl;
	uint32_t pri_alloc;
	struct vdcm_regs regs;
	uint8_t vec_masked[VDEV_MAX_VECTORS];
	uint8_t vec_pending[VDEV_MAX_VECTORS];	/* the PBA */
	uint32_t nr_held;
};

/* A descriptor a held ADI keeps, and the queue it came through. */
struct mig_held {
	uint32_t q;
	uint8_t desc[VDCM_DESC_SIZE];
};

void vdcm_mig_init(struct vdcm_vdev *vdev)
{
	vdev->mig.state = VFIO_DEVICE_STATE_RUNNING;
	vdev->mig.resume_fd = -1;
}

void vdcm_mig_cleanup(struct vdcm_vdev *vdev)
{
	if (vdev->mig.resume_fd >= 0)
		close(vdev->mig.resume_fd);
	vdcm_mig_init(vdev);
}

/* ---- Save and load ---- */

/*
 * The descriptors the held ADIs keep, oldest first: every descriptor in
 * flight, since a held ADI runs nothing (the bug of VDCM_FAULT_MIG_DROPS_HELD
 * leaves them out).
 */
static uint32_t mig_nr_held(const struct vdcm_vdev *vdev)
{
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MIG_DROPS_HELD))
		return 0;
	return vdev->nr_inflight;
}

static void mig_save(struct vdcm_vdev *vdev, struct mig_blob *b)
{
	uint32_t i;

	memset(b, 0, sizeof(*b));
	b->magic = MIG_MAGIC;
	b->version = MIG_VERSION;
	strncpy(b->type, vdev->type->name, sizeof(b->type) - 1);
	b->max_queues = vdev_max_queues(vdev);
	b->cur_queues = vdev->cur_queues;
	memcpy(b->cfg, vdev->cfg.bytes, sizeof(b->cfg));
	b->pasid_ctrl = vdev->cfg.pasid_ctrl;
	b->ats_ctrl = vdev->cfg.ats_ctrl;
	b->pri_ctrl = vdev->cfg.pri_ctrl;
	b->pri_alloc = vdev->cfg.pri_alloc;
	b->regs = vdev->regs;
	for (i = 0; i < VDEV_MAX_VECTORS; i++)
		b->vec_masked[i] = vdev->vec[i].masked;
	for (i = 0; i < vdev_nr_vectors(vdev); i++)
		b->vec_pending[i] =
			!vdcm_fault(vdev->vdcm, VDCM_FAULT_MIG_DROPS_PENDING) &&
			vdcm_irq_pending(vdev, i);
	b->nr_held = mig_nr_held(vdev);
}

static int mig_check(const struct vdcm_vdev *vdev, const struct mig_blob *b,
		     const struct mig_held *held)
{
	uint32_t i;

	if (b->magic != MIG_MAGIC || b->version != MIG_VERSION ||
	    (!vdcm_fault(vdev->vdcm, VDCM_FAULT_RESUME_ANY_TYPE) &&
	     (strncmp(b->type, vdev->type->name, sizeof(b->type)) ||
	      b->max_queues != vdev_max_queues(vdev))) || !b->cur_queues ||
	    b->cur_queues > b->max_queues || !b->regs.curq ||
	    b->regs.curq > b->max_queues || b->nr_held >= vdev->max_inflight)
		return -EINVAL;
	for (i = 0; i < b->nr_held; i++)
		if (held[i].q >= b->regs.curq)
			return -EINVAL;
	return 0;
}

/*
 * Make this VDEV the one the blob describes, on its own ADIs and PASID.
 * Whatever this VDEV's ADIs held is not part of the new state: reset away
 * without DMA (the VDEV is stopped), and so are the interrupts it latched:
 * the state's pending bits replace them, latched by the VDCM. The held descriptors of the state go
 * to the portals they came through, to ADIs that hold them again, since
 * the VDEV is still quiesced: they run once it is RUNNING.
 */
static int mig_load(struct vdcm_vdev *vdev, const struct mig_blob *b,
		    const struct mig_held *held)
{
	uint32_t i;
	int ret;

	ret = mig_check(vdev, b, held);
	if (ret)
		return ret;
	for (i = 0; i < vdev->cur_queues; i++) {
		vdcm_pin_retire_all(vdev, vdev->adi[i]);
		vdcm_hw_adi_reset(vdev->vdcm, vdev->adi[i]);
		vdcm_hw_adi_ims_mask(vdev->vdcm, vdev->adi[i], true);
	}
	if (!vdcm_fault(vdev->vdcm, VDCM_FAULT_LOAD_KEEPS_PENDING))
		vdcm_irq_drop_latched(vdev);
	/* The bug of VDCM_FAULT_RESUME_SHORT_OF_ADIS drops this check: the
	 * state then runs its queues on fewer ADIs than it says. */
	ret = vdcm_queues_resize(vdev, b->cur_queues);
	if (ret && !vdcm_fault(vdev->vdcm, VDCM_FAULT_RESUME_SHORT_OF_ADIS))
		return ret;
	memcpy(vdev->cfg.bytes, b->cfg, sizeof(b->cfg));
	vdev->cfg.pasid_ctrl = b->pasid_ctrl;
	vdev->cfg.ats_ctrl = b->ats_ctrl;
	vdev->cfg.pri_ctrl = b->pri_ctrl;
	vdev->cfg.pri_alloc = b->pri_alloc;
	vdev->regs = b->regs;
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_RESTORE_LOSES_REGS)) {
		vdev->regs.mbox_cmd = 0;	/* the bug: mailbox not moved */
		vdev->regs.mbox_arg = 0;
		vdev->regs.mbox_resp = 0;
	}
	for (i = 0; i < VDEV_MAX_VECTORS; i++) {
		vdev->vec[i].masked = b->vec_masked[i];
		if (!vdcm_fault(vdev->vdcm, VDCM_FAULT_LOAD_KEEPS_PENDING))
			vdev->vec[i].pending = false;
	}
	ret = vdcm_vdev_program_pasid(vdev);
	if (ret)
		return ret;
	if (!vdcm_fault(vdev->vdcm, VDCM_FAULT_RESTORE_LOSES_IMS)) {
		ret = vdcm_irq_ims_sync(vdev);
		if (ret)
			return ret;
	}
	for (i = 0; i < vdev_max_queues(vdev); i++) {
		ret = vdcm_queue_apply(vdev, i);
		if (ret)
			return ret;
		/* Applying re-derives ENABLED; what the last CTRL and
		 * Q_PASID writes reported stays until the next one, as on
		 * the source (the guest may not have read it yet). */
		if (!vdcm_fault(vdev->vdcm,
				VDCM_FAULT_RESTORE_LOSES_QUEUE_STATUS))
			vdev->regs.q[i].status |= b->regs.q[i].status &
				(VDEV_QSTS_ERROR | VDEV_QSTS_PASID_ERR);
	}
	for (i = 0; i < b->nr_held; i++) {
		ret = vdcm_portal_submit(vdev, held[i].q, held[i].desc);
		if (ret)
			return ret;
	}
	/* Every held descriptor must be held again: one the state's own
	 * queues drop (its queue disabled, or full) makes it inconsistent,
	 * and loading it would lose work the stream says is in flight. */
	if (vdev->nr_inflight != b->nr_held)
		return -EINVAL;
	/* Last, so that nothing on the way signals in a STOP state: each goes
	 * out on unmask (or when MSI-X is enabled again, vdcm_irq_ims_sync). */
	for (i = 0; i < vdev_nr_vectors(vdev); i++)
		vdev->vec[i].pending |= b->vec_pending[i] != 0;
	return 0;
}

/* STOP -> STOP_COPY: the whole state, in a fresh memfd, read from 0. */
static int mig_save_fd(struct vdcm_vdev *vdev)
{
	struct mig_blob b;
	struct mig_held h;
	uint32_t i;
	int fd;

	mig_save(vdev, &b);
	fd = memfd_create("siovh-vdev-state", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, &b, sizeof(b)) != (ssize_t)sizeof(b))
		goto err;
	for (i = 0; i < b.nr_held; i++) {
		memset(&h, 0, sizeof(h));
		h.q = vdev->inflight[i].q;
		memcpy(h.desc, vdev->inflight[i].desc, sizeof(h.desc));
		if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h))
			goto err;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		goto err;
	return fd;

err:
	close(fd);
	return -EIO;
}

/* STOP -> RESUMING: a memfd for the VMM to write into; we keep our own. */
static int mig_resume_fd(struct vdcm_vdev *vdev)
{
	int fd, user;

	fd = memfd_create("siovh-vdev-resume", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	user = dup(fd);
	if (user < 0) {
		close(fd);
		return -errno;
	}
	vdev->mig.resume_fd = fd;
	return user;
}

/* Read and load a stream of size bytes from fd: 0, or -errno. */
static int mig_load_fd(struct vdcm_vdev *vdev, int fd, off_t size)
{
	struct mig_held *held = NULL;
	struct mig_blob b;
	size_t len;
	int ret = -EINVAL;

	if (size < (off_t)sizeof(b) ||
	    pread(fd, &b, sizeof(b), 0) != (ssize_t)sizeof(b) ||
	    b.nr_held >= vdev->max_inflight)
		return -EINVAL;
	len = b.nr_held * sizeof(*held);
	if (size != (off_t)(sizeof(b) + len) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_RESUME_LENGTH_LOOSE))
		return -EINVAL;
	if (len) {
		held = ref_malloc(len);
		if (!held)
			return -ENOMEM;
		if (pread(fd, held, len, sizeof(b)) != (ssize_t)len)
			goto out;
	}
	ret = mig_load(vdev, &b, held);
out:
	free(held);
	return ret;
}

/*
 * RESUMING -> STOP: load what the VMM wrote. Nothing written is nothing to
 * load (the device keeps its state); anything else must be one whole,
 * consistent state of this VDEV's type.
 */
static int mig_resume_end(struct vdcm_vdev *vdev)
{
	struct stat st;
	int fd = vdev->mig.resume_fd, ret;

	if (fstat(fd, &st))
		return -errno;
	ret = st.st_size ? mig_load_fd(vdev, fd, st.st_size) : 0;
	/* Out of memory is no verdict on the stream: the VDEV stays in
	 * RESUMING with what was written, and the VMM may retry. */
	if (ret == -ENOMEM &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_RESUME_ENOMEM_EINVAL))
		return ret;
	if (ret && !vdcm_fault(vdev->vdcm, VDCM_FAULT_RESUME_ACCEPTS_GARBAGE))
		return -EINVAL;
	close(fd);
	vdev->mig.resume_fd = -1;
	return 0;
}

/* ---- The state machine ---- */

/*
 * The FSM arcs of linux/vfio.h for a device with STOP_COPY and P2P. A
 * request names a target state; as in the kernel, a target that is not one
 * arc away is reached by a combination of arcs, shortest first, that does
 * not pass through STOP_COPY or RESUMING on the way (those start and end
 * data sessions). ERROR, the PRE_COPY states (not supported) and unknown
 * states cannot be requested.
 */
static bool arc(uint32_t from, uint32_t to)
{
	static const struct { uint32_t from, to; } arcs[] = {
		{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P },
		{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_RUNNING },
		{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_STOP },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING_P2P },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY },
		{ VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RESUMING },
		{ VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_STOP },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(arcs); i++)
		if (arcs[i].from == from && arcs[i].to == to)
			return true;
	return false;
}

static bool requestable(uint32_t s)
{
	return s == VFIO_DEVICE_STATE_RUNNING ||
	       s == VFIO_DEVICE_STATE_RUNNING_P2P ||
	       s == VFIO_DEVICE_STATE_STOP ||
	       s == VFIO_DEVICE_STATE_STOP_COPY ||
	       s == VFIO_DEVICE_STATE_RESUMING;
}

static bool session_state(uint32_t s)
{
	return s == VFIO_DEVICE_STATE_STOP_COPY ||
	       s == VFIO_DEVICE_STATE_RESUMING;
}

/*
 * The path from -> to as a list of states after from (breadth-first over
 * the five requestable states); its length, or 0 when there is none.
 */
static size_t mig_path(uint32_t from, uint32_t to,
		       uint32_t path[VFIO_DEVICE_STATE_NR])
{
	uint32_t prev[VFIO_DEVICE_STATE_NR], queue[VFIO_DEVICE_STATE_NR];
	bool seen[VFIO_DEVICE_STATE_NR] = { false };
	size_t head = 0, tail = 0, n = 0;
	uint32_t s, next;

	queue[tail++] = from;
	seen[from] = true;
	while (head < tail) {
		s = queue[head++];
		if (s == to)
			break;
		if (s != from && session_state(s))
			continue;	/* never pass through a session */
		for (next = 0; next < VFIO_DEVICE_STATE_NR; next++) {
			if (seen[next] || !arc(s, next))
				continue;
			seen[next] = true;
			prev[next] = s;
			queue[tail++] = next;
		}
	}
	if (!seen[to])
		return 0;
	for (s = to; s != from; s = prev[s])
		n++;
	for (s = to, head = n; s != from; s = prev[s])
		path[--head] = s;
	return n;
}

/*
 * Take one arc; the new data fd (or -1) in *fd. Into RUNNING_P2P from
 * RUNNING the ADIs are held before the arc completes; into RUNNING they are
 * let go and run what they held (vdcm_queues_sync).
 */
static int mig_arc(struct vdcm_vdev *vdev, uint32_t to, int *fd)
{
	uint32_t from = vdev->mig.state;
	bool was_quiesced = vdev_quiesced(vdev);
	int ret = 0;

	*fd = -1;
	if (to == VFIO_DEVICE_STATE_STOP_COPY)
		ret = *fd = mig_save_fd(vdev);
	else if (to == VFIO_DEVICE_STATE_RESUMING)
		ret = *fd = mig_resume_fd(vdev);
	else if (from == VFIO_DEVICE_STATE_RESUMING)
		ret = mig_resume_end(vdev);
	if (ret < 0) {
		*fd = -1;
		return ret;
	}
	vdev->mig.state = to;
	if (vdev_quiesced(vdev) != was_quiesced)
		return vdcm_queues_sync(vdev);
	return 0;
}

/* A request: walk the arcs to `to`; the data fd of the last one in *fd. */
static int mig_request(struct vdcm_vdev *vdev, uint32_t to, int *fd)
{
	uint32_t path[VFIO_DEVICE_STATE_NR];
	size_t i, n = 0;
	int ret;

	*fd = -1;
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_ILLEGAL_ARC) &&
	    to == VFIO_DEVICE_STATE_PRE_COPY) {
		vdev->mig.state = to;	/* the bug: no such state here */
		return 0;
	}
	if (to == vdev->mig.state && requestable(to))
		return 0;		/* nothing to do, as in the kernel */
	if (requestable(to) && vdev->mig.state != VFIO_DEVICE_STATE_ERROR)
		n = mig_path(vdev->mig.state, to, path);
	if (!n) {
		if (vdcm_fault(vdev->vdcm, VDCM_FAULT_FAILED_ARC_MOVES) &&
		    to < VFIO_DEVICE_STATE_NR)
			vdev->mig.state = to;
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (*fd >= 0)
			close(*fd);	/* a session the request passed */
		ret = mig_arc(vdev, path[i], fd);
		if (ret)
			return ret;
	}
	return 0;
}

static int mig_device_state(struct vdcm_vdev *vdev,
			    struct vfio_device_feature *f, bool set)
{
	struct vfio_device_feature_mig_state *ms = (void *)f->data;
	int fd, ret;

	if (!set) {
		ms->device_state = vdev->mig.state;
		ms->data_fd = -1;
		return 0;
	}
	ret = mig_request(vdev, ms->device_state, &fd);
	ms->data_fd = fd;
	return ret;
}

/* The migration features; -ENOTTY for any other. */
int vdcm_mig_feature(struct vdcm_vdev *vdev, struct vfio_device_feature *f)
{
	uint32_t which = f->flags & VFIO_DEVICE_FEATURE_MASK;
	bool get = f->flags & VFIO_DEVICE_FEATURE_GET;
	bool set = f->flags & VFIO_DEVICE_FEATURE_SET;
	size_t need = sizeof(*f);

	switch (which) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
		need += sizeof(struct vfio_device_feature_migration);
		if (set)
			return -EINVAL;
		break;
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		need += sizeof(struct vfio_device_feature_mig_state);
		break;
	case VFIO_DEVICE_FEATURE_MIG_DATA_SIZE:
		need += sizeof(struct vfio_device_feature_mig_data_size);
		if (set)
			return -EINVAL;
		break;
	default:
		return -ENOTTY;
	}
	if (f->flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if ((!get && !set) || f->argsz < need)
		return -EINVAL;
	switch (which) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
		((struct vfio_device_feature_migration *)f->data)->flags =
			VFIO_MIGRATION_STOP_COPY |
			(vdcm_fault(vdev->vdcm, VDCM_FAULT_MIG_NO_P2P) ? 0 :
			 VFIO_MIGRATION_P2P);
		return 0;
	case VFIO_DEVICE_FEATURE_MIG_DATA_SIZE:
		((struct vfio_device_feature_mig_data_size *)f->data)
			->stop_copy_length =
			vdcm_fault(vdev->vdcm, VDCM_FAULT_MIG_SIZE_ZERO) ? 0 :
			sizeof(struct mig_blob) +
			mig_nr_held(vdev) * sizeof(struct mig_held);
		return 0;
	default:
		return mig_device_state(vdev, f, set);
	}
}
