// SPDX-License-Identifier: MIT
/*
 * mig_stream: the VFIO migration v2 stream of the reference VDCM as user
 * data. A VMM writes whatever it likes into the RESUMING data fd, and the
 * VDEV must take it or refuse it on RESUMING -> STOP; this target owns
 * those bytes. Input (any byte string decodes: fuzz.h):
 *
 *   byte 0   bit 0: the VDEV type (the reference profile's types[0] or [1])
 *            bit 1: the stream is saved from a source VDEV the input drives
 *                   first, then edited; clear: the stream is input bytes
 *            bit 2: (with bit 1) the source is of the other type
 *            bit 3: a third VDEV ("hog", types[0]) takes a free ADI after
 *                   A shrank, so loading may run out of ADIs
 *   byte 1   A's queue count before (mailbox SET_QUEUES, 1 + b % maxQ)
 *   byte 2   low 4 bits: arm the test facet's fail_nth (the nth allocation
 *            fails) for the request that leaves RESUMING; 0: none
 *   byte 3   the state requested out of RESUMING (b % 10: any state value,
 *            ERROR, PRE_COPY and unknown ones included)
 *   source   (bit 1) a guest-op list run on B (below), then B's saved
 *            stream, then an edit list: n (b % 8) edits of kind b % 4
 *            (xor a byte / set a 32-bit word / cut / append), u16 offset
 *            (modulo the places: from the end when bit 15 is set; the
 *            append's count, % 256), u8 or u32 value
 *   raw      (no bit 1) u16 length (% 4096), then that many bytes
 *   cuts     n (b % 4) u16 chunk lengths: the stream goes to the data fd
 *            in those writes, the rest in one
 *   post     a guest-op list run on A after its stream was judged
 *
 * A guest-op list is a count (b % 16) and ops of kind b % 10: a BAR0 write,
 * a config write, a mailbox command, a queue's CTRL or VECTOR, MSI-X
 * eventfds for every vector, a vector (un)masked, a descriptor written to
 * a portal, DMA logging (START, REPORT, STOP), a request for RUNNING,
 * RUNNING_P2P or STOP.
 *
 * VDEV A (the destination) and B (the same type, or the source's) are
 * created and opened; A shrinks to its queue count and gets interrupt
 * line 0x5a in config space, so its state before loading is never B's.
 * A goes to RESUMING (from RUNNING: the kernel's combination of arcs), the
 * stream is written, the state requested. The oracle, from linux/vfio.h
 * ("VFIO migration v2") and what vdcm.h and vdev_regs.h promise:
 *
 *  - a request for a state that is not one of the device's (ERROR,
 *    PRE_COPY without VFIO_MIGRATION_PRE_COPY, unknown) fails with
 *    -EINVAL and leaves RESUMING; RESUMING itself is a no-op;
 *  - a refused stream fails the SET_STATE ("must fail the SET_STATE
 *    ioctl") with -EINVAL, or -ENOMEM only while an allocation was made
 *    to fail, and leaves RESUMING or ERROR; -EINVAL is the stream's
 *    verdict: asking again refuses again, and B (whose state before is
 *    another) refuses it too unless the hog left it short of ADIs; after
 *    -ENOMEM asking again gives the verdict;
 *  - a stream saved from a VDEV of another type is refused (vdcm.h);
 *  - an empty stream loads nothing (vdcm.h): A shows what it showed
 *    before;
 *  - an accepted stream gives the state it describes, whatever the VDEV
 *    held before: B, loading the same stream and taking the same request,
 *    shows the same config space, BAR0 registers (MSI-X table included),
 *    queue accounting and per-ADI held descriptors, IMS masks and enables,
 *    and saves the same bytes; the state saved again loads into B and
 *    saves to the same bytes (save(load(x)) is a fixed point); in a state
 *    where nothing has run (not RUNNING) the saved stream is exactly as
 *    long as the one loaded (one whole state: bytes past it or a cut are
 *    malformed, vdcm.h); and a stream that is the source's save, unedited,
 *    loads (unless the hog took the ADIs it needs) and gives the source's
 *    visible state, its held descriptors included;
 *  - MIGRATION reports STOP_COPY, and RUNNING_P2P only with P2P; in
 *    RUNNING_P2P a portal write makes no DMA (linux/vfio.h: a device that
 *    cannot tell P2P DMA from other DMA stops all of it; nothing is mapped,
 *    so any DMA is a recorded fault); outside RUNNING a BAR0 write is
 *    refused (vdev_regs.h); MIG_DATA_SIZE in STOP is no smaller than the
 *    stream STOP_COPY gives;
 *  - teardown: every VDEV released and removed gives the parent all its
 *    ADIs back; nothing crashes or leaks under ASan/UBSan.
 *
 * Faults the seeds kill: the kills file. The reference only (the private
 * layout of vdev_regs.h is read); SIOVH_FUZZ_TARGET is refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "siovh/profile.h"
#include "mig_stream.h"

#define CMD_MEMORY	0x2
#define CMD_MASTER	0x4
#define A_MARK		0x5a	/* A's interrupt line before it loads */
#define RAW_MAX		4096
#define MAX_CUTS	4

struct ctx {
	struct siovh_target *t;
	struct fz in;
	struct ms_vdev a, b, h;
	bool hog;			/* H holds an ADI */
	bool p2p;			/* MIGRATION reports P2P */
	struct ms_stream x, y, z;	/* loaded, saved, saved again */
};

/* ---- VDEVs ---- */

static void vdev_up(struct ctx *c, struct ms_vdev *d, char name,
		    const struct siovh_profile_type *ty, bool must)
{
	uint8_t uuid[16] = { 0x6d, 0x69, 0x67 };
	uint16_t cmd = CMD_MEMORY | CMD_MASTER;
	int ret, i;

	memset(d, 0, sizeof(*d));
	d->t = c->t;
	d->name = name;
	d->type = ty->name;
	d->maxq = ty->adis;
	for (i = 0; i <= VDEV_MAX_QUEUES; i++)
		d->efd[i] = -1;
	uuid[15] = (uint8_t)name;
	ret = c->t->vfio_device->create(c->t, ty->name, uuid, &d->v);
	if (ret) {
		if (must)
			fz_fail("VDEV %c: create %s failed: %d", name, ty->name,
				ret);
		d->v = NULL;
		return;
	}
	ret = c->t->vfio_device->open(c->t, d->v);
	if (ret)
		fz_fail("VDEV %c: open failed: %d", name, ret);
	d->open = true;
	if (ms_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, 0x04, &cmd, 2,
			 true) != 2)
		fz_fail("VDEV %c: writing the command register failed", name);
}

static void vdev_down(struct ms_vdev *d)
{
	int i, ret;

	if (!d->v)
		return;			/* never created: no eventfds either */
	for (i = 0; i <= VDEV_MAX_QUEUES; i++)
		if (d->efd[i] >= 0)
			close(d->efd[i]);
	ret = d->t->vfio_device->release(d->t, d->v);
	if (ret)
		fz_fail("VDEV %c: release failed: %d", d->name, ret);
	ret = d->t->vfio_device->remove(d->t, d->v);
	if (ret)
		fz_fail("VDEV %c: remove failed: %d", d->name, ret);
	d->v = NULL;
}

static void bar0_wr(struct ms_vdev *d, uint32_t off, uint32_t val)
{
	ssize_t r = ms_region_rw(d, VFIO_PCI_BAR0_REGION_INDEX, off, &val, 4,
				 true);
	uint32_t s;

	fz_note_u64((uint64_t)r);
	if (r == 4 && (s = ms_mig_get(d)) != VFIO_DEVICE_STATE_RUNNING)
		fz_fail("VDEV %c: a BAR0 write at %#x was taken in %s",
			d->name, off, siovh_mig_state_name(s));
}

static void mailbox(struct ms_vdev *d, uint32_t cmd, uint32_t arg)
{
	bar0_wr(d, VDEV_REG_MBOX_CMD, cmd);
	bar0_wr(d, VDEV_REG_MBOX_ARG, arg);
	bar0_wr(d, VDEV_REG_MBOX_DOORBELL, 1);
}

/* ---- guest operations ---- */

static void op_cfg_write(struct ctx *c, struct ms_vdev *d)
{
	static const uint8_t sizes[] = { 1, 2, 4 };
	uint8_t size = fz_pick(&c->in, sizes);
	uint32_t off = fz_u16(&c->in) % 0x140, val = fz_u32(&c->in);

	off &= ~(uint32_t)(size - 1);
	fz_note_u64((uint64_t)ms_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX,
					   off, &val, size, true));
}

static void op_msix_arm(struct ms_vdev *d)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + 4 * (VDEV_MAX_QUEUES + 1)];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;
	uint32_t i, n = d->maxq + 1;

	for (i = 0; i < n; i++)
		if (d->efd[i] < 0 &&
		    (d->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
			fz_fail("eventfd: %s", strerror(errno));
	memset(buf, 0, sizeof(buf));
	s->argsz = (uint32_t)(sizeof(*s) + 4 * n);
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = VFIO_PCI_MSIX_IRQ_INDEX;
	s->count = n;
	memcpy(s->data, d->efd, 4 * n);
	fz_note_u64((uint64_t)d->t->vfio_device->ioctl(d->t, d->v,
						      VFIO_DEVICE_SET_IRQS, s));
}

/* A vector (un)masked, with no data, a bool, or an eventfd (which only
 * TRIGGER takes). */
static void op_mask(struct ctx *c, struct ms_vdev *d)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + 4];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;
	uint8_t b = fz_u8(&c->in), data = b >> 5 & 3;
	static const uint32_t types[] = {
		VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL,
		VFIO_IRQ_SET_DATA_BOOL, VFIO_IRQ_SET_DATA_EVENTFD,
	};
	int ret, fd;

	memset(buf, 0, sizeof(buf));
	s->argsz = sizeof(buf);
	s->flags = types[data] | (b & 0x80 ? VFIO_IRQ_SET_ACTION_UNMASK :
					     VFIO_IRQ_SET_ACTION_MASK);
	s->index = VFIO_PCI_MSIX_IRQ_INDEX;
	s->start = (b & 0x1f) % (d->maxq + 1);
	s->count = 1;
	if (data == 1)
		s->data[0] = 1;
	fd = d->efd[s->start];
	if (data == 3)
		memcpy(s->data, &fd, sizeof(fd));
	ret = d->t->vfio_device->ioctl(d->t, d->v, VFIO_DEVICE_SET_IRQS, s);
	fz_note_u64((uint64_t)ret);
}

/*
 * DMA logging, the dirty tracking a VMM runs beside the stream: START with
 * up to two ranges (IOVA and length in pages, 0 included) and a page size,
 * REPORT of a range into a bitmap, or STOP. Its results go to the digest;
 * feature() holds them to 0 or -errno.
 */
static void op_dirty(struct ctx *c, struct ms_vdev *d)
{
	static const uint64_t page_sizes[] = { 4096, 0, 8192, 4097 };
	uint8_t buf[sizeof(struct vfio_device_feature) +
		    sizeof(struct vfio_device_feature_dma_logging_report)];
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	struct vfio_device_feature_dma_logging_range r[2];
	struct vfio_device_feature_dma_logging_control *ctl = (void *)f->data;
	struct vfio_device_feature_dma_logging_report *rep = (void *)f->data;
	uint8_t kind = fz_u8(&c->in), bitmap[64];
	uint32_t i;
	int ret;

	memset(buf, 0, sizeof(buf));
	memset(r, 0, sizeof(r));
	f->argsz = sizeof(buf);
	switch (kind % 3) {
	case 0:
		f->flags = VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_START;
		ctl->page_size = page_sizes[kind >> 2 & 3];
		ctl->num_ranges = (kind >> 4 & 3) % 3;	/* r[] holds 2 */
		ctl->ranges = (uintptr_t)r;
		for (i = 0; i < 2; i++) {
			r[i].iova = (uint64_t)fz_u8(&c->in) << 12;
			r[i].length = (uint64_t)fz_u8(&c->in) << 12;
		}
		break;
	case 1:
		f->flags = VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT;
		rep->iova = (uint64_t)fz_u8(&c->in) << 12;
		rep->length = (uint64_t)(fz_u8(&c->in) % 64) << 12;
		rep->page_size = page_sizes[kind >> 2 & 3];
		rep->bitmap = (uintptr_t)bitmap;
		break;
	default:
		f->flags = VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP;
		f->argsz = sizeof(*f);
		break;
	}
	ret = d->t->vfio_device->ioctl(d->t, d->v, VFIO_DEVICE_FEATURE, f);
	if (ret > 0 || ret < -4095)
		fz_fail("VDEV %c: a DMA logging feature returned %d", d->name,
			ret);
	fz_note_u64((uint64_t)ret);
}

/* A descriptor to queue q's portal. Nothing is mapped for the VDEVs, so
 * any DMA it makes is a recorded fault: none may come in RUNNING_P2P. */
static void op_submit(struct ctx *c, struct ms_vdev *d)
{
	uint8_t desc[64];
	uint32_t q = fz_u8(&c->in) % d->maxq, s = ms_mig_get(d);
	uint32_t slot = fz_u8(&c->in) % (VDEV_PAGE_SIZE / 64);
	struct siovh_parent_probe before, after;
	ssize_t r;

	/* opcode, flags, size, completion; source and destination 0 */
	memset(desc, 0, sizeof(desc));
	fz_bytes(&c->in, desc, 16);
	desc[0] %= 3;			/* NOP, MEMCOPY, MEMFILL */
	if (c->t->test->parent_probe(c->t, &before))
		fz_fail("parent_probe failed");
	r = ms_region_rw(d, VFIO_PCI_BAR2_REGION_INDEX,
			 q * VDEV_PAGE_SIZE + slot * 64u, desc,
			 sizeof(desc), true);
	fz_note_u64((uint64_t)r);
	if (c->t->test->parent_probe(c->t, &after))
		fz_fail("parent_probe failed");
	if (s != VFIO_DEVICE_STATE_RUNNING &&
	    after.iommu_faults != before.iommu_faults)
		fz_fail("VDEV %c: a descriptor written to portal %u in %s made "
			"DMA (%llu faults recorded)", d->name, q,
			siovh_mig_state_name(s),
			(unsigned long long)(after.iommu_faults -
					     before.iommu_faults));
	if (r == (ssize_t)sizeof(desc) && s != VFIO_DEVICE_STATE_RUNNING &&
	    s != VFIO_DEVICE_STATE_RUNNING_P2P)
		fz_fail("VDEV %c: a descriptor was taken in %s", d->name,
			siovh_mig_state_name(s));
}

static void op_state(struct ctx *c, struct ms_vdev *d)
{
	static const uint32_t states[] = {
		VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P,
		VFIO_DEVICE_STATE_STOP,
	};
	uint32_t to = fz_pick(&c->in, states), now;
	int ret = ms_mig_set(d, to, NULL);

	now = ms_mig_get(d);
	if (!ret && now != to)
		fz_fail("VDEV %c: SET_STATE %s succeeded, the device is in %s",
			d->name, siovh_mig_state_name(to), siovh_mig_state_name(now));
	if (!ret && to == VFIO_DEVICE_STATE_RUNNING_P2P && !c->p2p)
		fz_fail("VDEV %c: RUNNING_P2P taken, MIGRATION does not report "
			"VFIO_MIGRATION_P2P", d->name);
	if (ret && c->p2p)
		fz_fail("VDEV %c: SET_STATE %s from a state of a supported "
			"migration failed: %d", d->name, siovh_mig_state_name(to),
			ret);
}

static void guest_ops(struct ctx *c, struct ms_vdev *d)
{
	unsigned int n = fz_u8(&c->in) % 16;
	uint32_t q, v;

	while (n--) {
		switch (fz_u8(&c->in) % 10) {
		case 0:
			v = fz_u16(&c->in) % VDEV_BAR0_SIZE & ~3u;
			bar0_wr(d, v, fz_u32(&c->in));
			break;
		case 1:
			op_cfg_write(c, d);
			break;
		case 2:
			v = fz_u8(&c->in);
			mailbox(d, v % 5, fz_u8(&c->in));
			break;
		case 3:
			q = fz_u8(&c->in) % d->maxq;
			v = fz_u8(&c->in) & 3;
			bar0_wr(d, VDEV_REG_Q(q) + VDEV_Q_CTRL, v);
			break;
		case 4:
			q = fz_u8(&c->in) % d->maxq;
			v = fz_u8(&c->in);
			bar0_wr(d, VDEV_REG_Q(q) + VDEV_Q_VECTOR, v);
			break;
		case 5:
			op_msix_arm(d);
			break;
		case 6:
			op_mask(c, d);
			break;
		case 7:
			op_submit(c, d);
			break;
		case 8:
			op_dirty(c, d);
			break;
		default:
			op_state(c, d);
			break;
		}
	}
}

/* ---- the stream ---- */

/*
 * Where an edit of width bytes at off goes in a stream of len >= width
 * bytes: off's low 15 bits modulo the places there are, counted from the
 * start, or from the end when bit 15 is set (a stream's tail holds
 * whatever follows its fixed part).
 */
static size_t edit_at(size_t len, uint16_t off, size_t width)
{
	size_t k = (off & 0x7fff) % (len - width + 1);

	return off & 0x8000 ? len - width - k : k;
}

static void stream_edit(struct ctx *c, struct ms_stream *s)
{
	unsigned int n = fz_u8(&c->in) % 8;
	uint8_t kind, v8;
	uint16_t off;
	uint32_t v;

	while (n--) {
		kind = fz_u8(&c->in) % 4;
		off = fz_u16(&c->in);
		switch (kind) {
		case 0:
			v8 = fz_u8(&c->in) | 1;
			if (s->len)
				s->p[edit_at(s->len, off, 1)] ^= v8;
			break;
		case 1:
			v = fz_u32(&c->in);
			if (s->len >= 4)
				memcpy(s->p + edit_at(s->len, off, 4), &v, 4);
			break;
		case 2:
			s->len = edit_at(s->len, off, 0);
			break;
		default:
			v8 = fz_u8(&c->in);
			off %= 256;
			if (s->len + off > RAW_MAX * 4)
				break;
			memset(s->p + s->len, v8, off);
			s->len += off;
			break;
		}
	}
}

static void stream_raw(struct ctx *c, struct ms_stream *s)
{
	s->len = fz_u16(&c->in) % RAW_MAX;
	fz_bytes(&c->in, s->p, s->len);
}

static size_t read_cuts(struct ctx *c, uint16_t cuts[MAX_CUTS])
{
	size_t i, n = fz_u8(&c->in) % MAX_CUTS;

	for (i = 0; i < n; i++)
		cuts[i] = fz_u16(&c->in);
	return n;
}

static bool state_valid(uint32_t s)
{
	return s == VFIO_DEVICE_STATE_STOP || s == VFIO_DEVICE_STATE_RUNNING ||
	       s == VFIO_DEVICE_STATE_STOP_COPY ||
	       s == VFIO_DEVICE_STATE_RESUMING ||
	       s == VFIO_DEVICE_STATE_RUNNING_P2P;
}

/*
 * d is in RESUMING with the stream written: request `to` with fail_nth
 * armed at nth (0: not armed). The verdict: 0 accepted (d in `to`, the
 * STOP_COPY stream in s when `to` is STOP_COPY), -EINVAL refused, or
 * -ENOMEM (only while an allocation was made to fail), checked here.
 */
static int leave_resuming(struct ctx *c, struct ms_vdev *d, uint32_t to,
			  unsigned int nth, struct ms_stream *s)
{
	unsigned int left = 1;
	uint32_t now;
	int ret, fd = -1;

	if (nth && c->t->test->fail_nth(c->t, nth, NULL))
		fz_fail("fail_nth(%u) failed", nth);
	ret = ms_mig_set(d, to, &fd);
	if (nth && c->t->test->fail_nth(c->t, 0, &left))
		fz_fail("fail_nth(0) failed");
	now = ms_mig_get(d);
	if (!ret) {
		if (now != to)
			fz_fail("VDEV %c: RESUMING -> %s succeeded, the device "
				"is in %s", d->name, siovh_mig_state_name(to),
				siovh_mig_state_name(now));
		if (to == VFIO_DEVICE_STATE_STOP_COPY)
			ms_read_stream(d, fd, s);
		else if (fd >= 0)
			close(fd);
		return 0;
	}
	if (ret != -EINVAL && !(ret == -ENOMEM && nth && !left))
		fz_fail("VDEV %c: RESUMING -> %s failed with %d: a refused "
			"stream is -EINVAL (-ENOMEM only when an allocation "
			"failed)", d->name, siovh_mig_state_name(to), ret);
	if (now != VFIO_DEVICE_STATE_RESUMING && now != VFIO_DEVICE_STATE_ERROR)
		fz_fail("VDEV %c: RESUMING -> %s failed (%d) and left the "
			"device in %s, neither RESUMING nor ERROR", d->name,
			siovh_mig_state_name(to), ret, siovh_mig_state_name(now));
	return ret;
}

/* Move d from `to` (where an accepted stream put it) to STOP, saving on
 * the way: the state it holds, in s (unless `to` was STOP_COPY, whose
 * stream s already is). */
static void save_from(struct ms_vdev *d, uint32_t to, struct ms_stream *s)
{
	int ret;

	if (to != VFIO_DEVICE_STATE_STOP_COPY) {
		ms_save(d, s);
		return;
	}
	ret = ms_mig_set(d, VFIO_DEVICE_STATE_STOP, NULL);
	if (ret)
		fz_fail("VDEV %c: STOP_COPY -> STOP failed: %d", d->name, ret);
}

/*
 * B (the same type as A, no hog in the way) loads s and takes the request
 * `to`: it must accept, show vis (when given) and save to want (when
 * given; else into out).
 */
static void b_loads(struct ctx *c, const struct ms_stream *s, uint32_t to,
		    const struct ms_vis *vis, const struct ms_stream *want,
		    struct ms_stream *out, const char *what)
{
	struct ms_vis got;
	int ret;

	ms_resume_write(&c->b, s, NULL, 0);
	ret = leave_resuming(c, &c->b, to, 0, out);
	if (ret && c->hog)
		return;			/* short of ADIs: allowed */
	if (ret)
		fz_fail("%s: B refused (%d) what A accepted", what, ret);
	if (vis) {
		ms_vis_take(&c->b, &got);
		ms_vis_expect_same(vis, &got, what);
	}
	save_from(&c->b, to, out);
	if (want)
		ms_stream_expect_same(want, out, what);
}

/* A refused with -EINVAL and stayed in RESUMING: the verdict stands. */
static void refused_again(struct ctx *c, uint32_t to)
{
	int ret = leave_resuming(c, &c->a, to, 0, &c->y);

	if (ret != -EINVAL)
		fz_fail("a stream refused with -EINVAL was %s when asked "
			"again (%d)", ret ? "refused otherwise" : "accepted",
			ret);
}

/* ---- one input ---- */

static void run(struct ctx *c)
{
	const struct siovh_profile *p = fz_ref_profile_get();
	uint8_t cfg = fz_u8(&c->in), qa = fz_u8(&c->in);
	unsigned int nth = fz_u8(&c->in) & 15;
	uint32_t exit = fz_u8(&c->in) % 10, now;
	const struct siovh_profile_type *ta, *tb;
	bool source = cfg & 2, foreign = source && (cfg & 4), exact = false;
	struct ms_vis vis_src, vis_a, vis_before;
	uint16_t cuts[MAX_CUTS];
	size_t ncuts;
	uint64_t flags;
	int ret;

	ta = &p->types[(cfg & 1) % p->nr_types];
	tb = foreign ? &p->types[((cfg & 1) + 1) % p->nr_types] : ta;
	vdev_up(c, &c->a, 'A', ta, true);
	vdev_up(c, &c->b, 'B', tb, true);
	if (foreign && ta == tb)
		foreign = false;
	mailbox(&c->a, VDEV_MBOX_SET_QUEUES, 1 + qa % c->a.maxq);
	ms_region_rw(&c->a, VFIO_PCI_CONFIG_REGION_INDEX, 0x3c,
		     &(uint8_t){ A_MARK }, 1, true);
	if (cfg & 8) {
		vdev_up(c, &c->h, 'H', &p->types[0], false);
		c->hog = c->h.v != NULL;
	}
	flags = ms_mig_flags(&c->a);
	if (!(flags & VFIO_MIGRATION_STOP_COPY))
		fz_fail("MIGRATION reports %#llx: no VFIO_MIGRATION_STOP_COPY",
			(unsigned long long)flags);
	c->p2p = flags & VFIO_MIGRATION_P2P;

	if (source) {
		guest_ops(c, &c->b);
		ms_save(&c->b, &c->x);
		ms_vis_take(&c->b, &vis_src);
		c->y.len = c->x.len;
		memcpy(c->y.p, c->x.p, c->x.len);
		stream_edit(c, &c->x);
		exact = c->x.len == c->y.len &&
			!memcmp(c->x.p, c->y.p, c->x.len);
	} else {
		stream_raw(c, &c->x);
	}
	ncuts = read_cuts(c, cuts);

	ms_vis_take(&c->a, &vis_before);
	ms_resume_write(&c->a, &c->x, cuts, ncuts);
	if (!state_valid(exit) || exit == VFIO_DEVICE_STATE_RESUMING) {
		ret = ms_mig_set(&c->a, exit, NULL);
		now = ms_mig_get(&c->a);
		if (exit == VFIO_DEVICE_STATE_RESUMING ? ret : ret != -EINVAL)
			fz_fail("RESUMING -> %s (%u) returned %d",
				siovh_mig_state_name(exit), exit, ret);
		if (now != VFIO_DEVICE_STATE_RESUMING)
			fz_fail("RESUMING -> %s (%u) returned %d and left the "
				"device in %s", siovh_mig_state_name(exit), exit, ret,
				siovh_mig_state_name(now));
		exit = VFIO_DEVICE_STATE_STOP;
	}
	ret = leave_resuming(c, &c->a, exit, nth, &c->y);
	if (ret == -ENOMEM)		/* no verdict: ask again for one */
		ret = leave_resuming(c, &c->a, exit, 0, &c->y);
	else if (ret && ms_mig_get(&c->a) == VFIO_DEVICE_STATE_RESUMING)
		refused_again(c, exit);
	if (ret && exact && !foreign && !c->hog)
		fz_fail("B's saved state, unedited, did not load into A (%d)",
			ret);
	if (ret) {
		/* Refused: by the stream, not by what A held before. */
		if (!foreign && !c->hog) {
			ms_resume_write(&c->b, &c->x, NULL, 0);
			if (!leave_resuming(c, &c->b, exit, 0, &c->y))
				fz_fail("a stream A refused (%d) loaded into B",
					ret);
		}
		return;
	}
	ms_vis_take(&c->a, &vis_a);
	if (!c->x.len) {
		/* Nothing written, nothing loaded (vdcm.h): A is as it was. */
		ms_vis_expect_same(&vis_before, &vis_a, "A, after an empty "
				   "stream, against A before");
		save_from(&c->a, exit, &c->y);
		if (!foreign)
			b_loads(c, &c->y, VFIO_DEVICE_STATE_STOP, NULL, &c->y,
				&c->z, "B, loaded with A's saved state, "
				"against A's");
		return;
	}
	if (foreign)
		fz_fail("a state saved from a %s VDEV loaded into a %s VDEV",
			tb->name, ta->name);
	if (exact && exit != VFIO_DEVICE_STATE_RUNNING)
		ms_vis_expect_same(&vis_src, &vis_a,
				   "A, loaded with B's saved state, against B");
	save_from(&c->a, exit, &c->y);
	if (exit != VFIO_DEVICE_STATE_RUNNING && c->y.len != c->x.len)
		fz_fail("a stream of %zu bytes was accepted, and the state it "
			"gave saves to %zu", c->x.len, c->y.len);
	/* The same stream, the same state, whatever B held before; and
	 * what A saved loads again and saves to the same bytes. */
	b_loads(c, &c->x, exit, &vis_a, &c->y, &c->z,
		"B, loaded with the stream A accepted, against A");
	b_loads(c, &c->y, VFIO_DEVICE_STATE_STOP, NULL, &c->y, &c->z,
		"B, loaded with A's saved state, against A's");

	guest_ops(c, &c->a);
	ms_save(&c->a, &c->y);
	b_loads(c, &c->y, VFIO_DEVICE_STATE_STOP, NULL, &c->y, &c->z,
		"B, loaded with A's state after guest operations, against A's");
}

/* Teardown: every VDEV gone, the parent has all its ADIs back. */
static bool teardown(struct ctx *c)
{
	struct siovh_parent_probe pp;
	struct siovh_dma_fault f;

	vdev_down(&c->a);
	vdev_down(&c->b);
	vdev_down(&c->h);
	while (!c->t->test->dma_fault_pop(c->t, &f))
		;
	if (c->t->test->parent_probe(c->t, &pp))
		fz_fail("parent_probe failed");
	if (pp.nr_vdevs || pp.free_adis != pp.nr_adis || pp.pinned_pages)
		fz_fail("after every VDEV was removed the parent has %u VDEVs, "
			"%u of %u ADIs free, %llu pages pinned", pp.nr_vdevs,
			pp.free_adis, pp.nr_adis,
			(unsigned long long)pp.pinned_pages);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bufs[3][MS_STREAM_MAX];
	struct ctx c;

	if (fz_target_spec() && !fz_target_is_ref())
		fz_fail("mig_stream runs on the in-process reference only, not "
			"%s", fz_target_spec());
	memset(&c, 0, sizeof(c));
	c.in = fz_init(data, size);
	c.x.p = bufs[0];
	c.y.p = bufs[1];
	c.z.p = bufs[2];
	c.t = fz_ref_get(true);
	if (!c.t->vfio_device || !c.t->test || !c.t->test->fail_nth)
		fz_fail("the ref target lacks the vfio_device or test facet");
	run(&c);
	fz_ref_put(c.t, teardown(&c));
	return 0;
}
