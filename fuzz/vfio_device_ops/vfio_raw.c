// SPDX-License-Identifier: MIT
/*
 * Raw VFIO-device facet operations for the vfio_device_ops target
 * (vfio_raw.h). Pointers the reference follows (IRQ eventfds, DMA logging
 * ranges and bitmaps, the vaddr of container maps) always name resources
 * of this file, sized for what the call describes: a wild one would be
 * the kernel's -EFAULT/-EBADF, which an in-process reference cannot see.
 *
 * The ADI accounting of the teardown (every ADI free again, no VDEV left)
 * is the reference's test facet's (parent_probe): a kernel target has
 * none, and is held to what its uAPI shows, each type's
 * available_instances back to where it started.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "fuzz/common/fuzz.h"
#include "vfio_raw.h"

#define SLOTS		3
#define NR_EFD		4
#define MAX_TYPES	8
#define TYPE_LEN	64
#define PAGE		4096u
#define GUEST		(16 * PAGE)	/* guest memory for container maps */
#define BITMAP		4096u		/* DMA logging report bitmap bytes */
#define MAX_IRQS	20
#define REGION_SHIFT	40		/* offset = index << 40 | offset */

struct raw {
	struct siovh_target *t;
	const struct siovh_vfio_device_ops *ops;
	struct fz in;
	struct siovh_vdev *v[SLOTS];
	bool open[SLOTS];
	char types[MAX_TYPES][TYPE_LEN];
	unsigned int avail0[MAX_TYPES];
	unsigned int nr_types;
	int efd[NR_EFD];		/* shared() */
	uint8_t *guest;			/* page aligned; shared() */
	uint8_t bitmap[BITMAP];
};

/* -errno, or a count within [0, len]. */
static void check_count(ssize_t r, size_t len, const char *what)
{
	fz_note_u64((uint64_t)(int64_t)r);
	if (r > (ssize_t)len || (r < 0 && r < -4095))
		fz_fail("%s of %zu bytes returned %zd", what, len, r);
}

static void check_ret(int r, const char *what)
{
	fz_note_u64((uint64_t)(int64_t)r);
	if (r > 0 || r < -4095)
		fz_fail("%s returned %d, not 0 or -errno", what, r);
}

static int slot(struct raw *r)
{
	return fz_u8(&r->in) % SLOTS;
}

static uint32_t small(struct raw *r)
{
	uint8_t b = fz_u8(&r->in);

	return b < 240 ? b % 24 : fz_u32(&r->in);
}

/* ---- lifecycle ---- */

static void op_create(struct raw *r)
{
	int i = slot(r), ret;
	uint8_t sel = fz_u8(&r->in), uuid[16];
	const char *type = r->nr_types && sel < 240 ?
			   r->types[sel % r->nr_types] : "siovh-bogus";

	memset(uuid, 0xa5, sizeof(uuid));
	uuid[15] = fz_u8(&r->in) % 5;
	if (r->v[i])
		return;
	ret = r->ops->create(r->t, type, uuid, &r->v[i]);
	check_ret(ret, "create");
	if (ret)
		r->v[i] = NULL;
}

static void op_remove(struct raw *r, int i)
{
	int ret;

	if (!r->v[i])
		return;
	ret = r->ops->remove(r->t, r->v[i]);
	check_ret(ret, "remove");
	if (!ret)
		r->v[i] = NULL;
}

static void op_open(struct raw *r, int i)
{
	int ret;

	if (!r->v[i])
		return;
	ret = r->ops->open(r->t, r->v[i]);
	check_ret(ret, "open");
	if (!ret)
		r->open[i] = true;
}

static void op_release(struct raw *r, int i)
{
	int ret;

	if (!r->v[i] || !r->open[i])
		return;
	ret = r->ops->release(r->t, r->v[i]);
	check_ret(ret, "release");
	if (!ret)
		r->open[i] = false;
}

/* ---- region access ---- */

static uint64_t pick_offset(struct raw *r)
{
	uint8_t b = fz_u8(&r->in);
	uint64_t index = b % 10;

	if (b < 224)
		return index << REGION_SHIFT | (fz_u16(&r->in) % 0x2000);
	return fz_u64(&r->in);
}

static void op_rw(struct raw *r, bool write)
{
	static const size_t lens[] = { 1, 2, 3, 4, 4, 4, 8, 16, 64, 4096, 4097 };
	int i = slot(r);
	uint64_t off = pick_offset(r);
	size_t len = fz_pick(&r->in, lens);
	uint8_t *buf;
	ssize_t ret;

	if (!r->v[i])
		return;
	buf = malloc(len);	/* exactly len: ASan sees any overrun */
	if (!buf)
		return;
	fz_bytes(&r->in, buf, len);
	ret = write ? r->ops->pwrite(r->t, r->v[i], buf, len, off) :
		      r->ops->pread(r->t, r->v[i], buf, len, off);
	check_count(ret, len, write ? "pwrite" : "pread");
	free(buf);
}

static void op_mmap(struct raw *r)
{
	int i = slot(r);
	uint64_t off = pick_offset(r) & ~(uint64_t)(PAGE - 1);
	size_t len = (size_t)(1 + fz_u8(&r->in) % 3) * PAGE;
	const volatile uint8_t *p;
	volatile uint8_t sink;

	if (!r->v[i])
		return;
	p = r->ops->mmap(r->t, r->v[i], off, len);
	if (!p)
		return;
	/* The whole range is really there (read only: vdcm.h's view is). */
	sink = p[0] ^ p[len - 1];
	(void)sink;
	check_ret(r->ops->munmap(r->t, r->v[i], (void *)p, len), "munmap");
}

/* ---- device ioctls ---- */

/*
 * An info ioctl: argsz fuzzed (shorter, exact, or with room for
 * capabilities); the buffer holds the larger of argsz and the struct.
 */
static void op_info(struct raw *r)
{
	static const struct { unsigned long cmd; size_t size; } infos[] = {
		{ VFIO_DEVICE_GET_INFO, sizeof(struct vfio_device_info) },
		{ VFIO_DEVICE_GET_REGION_INFO, sizeof(struct vfio_region_info) },
		{ VFIO_DEVICE_GET_IRQ_INFO, sizeof(struct vfio_irq_info) },
	};
	int i = slot(r);
	unsigned int k = fz_u8(&r->in) % 3;
	uint32_t argsz = fz_u8(&r->in) < 128 ? infos[k].size :
			 fz_u16(&r->in) % 1024;
	size_t alloc = argsz > infos[k].size ? argsz : infos[k].size;
	uint8_t *buf;

	if (!r->v[i])
		return;
	buf = calloc(1, alloc);
	if (!buf)
		return;
	memcpy(buf, &argsz, 4);
	/* flags, then index (region, IRQ) */
	buf[8] = (uint8_t)small(r);
	check_ret(r->ops->ioctl(r->t, r->v[i], infos[k].cmd, buf), "info");
	free(buf);
}

static void op_set_irqs(struct raw *r)
{
	static const uint32_t types[] = {
		VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL,
		VFIO_IRQ_SET_DATA_EVENTFD, VFIO_IRQ_SET_DATA_EVENTFD,
	};
	static const uint32_t actions[] = {
		VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK,
		VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	int i = slot(r);
	uint8_t b = fz_u8(&r->in);
	uint32_t flags = b < 240 ? fz_pick(&r->in, types) |
				   fz_pick(&r->in, actions) : fz_u32(&r->in);
	uint32_t count = fz_u8(&r->in) % (MAX_IRQS + 1), k;
	size_t need = sizeof(struct vfio_irq_set) + count * sizeof(int32_t);
	uint32_t argsz = fz_u8(&r->in) < 224 ? (uint32_t)need : fz_u16(&r->in);
	struct vfio_irq_set *set;
	int32_t fd;

	if (!r->v[i])
		return;
	set = calloc(1, argsz > need ? argsz : need);
	if (!set)
		return;
	set->argsz = argsz;
	set->flags = flags;
	set->index = small(r) % 8;
	set->start = small(r);
	set->count = count;
	for (k = 0; k < count; k++) {
		b = fz_u8(&r->in);
		if (flags & VFIO_IRQ_SET_DATA_BOOL)
			set->data[k] = b & 1;
		fd = b < 200 ? r->efd[b % NR_EFD] : -1;
		if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
			memcpy(set->data + k * sizeof(fd), &fd, sizeof(fd));
	}
	check_ret(r->ops->ioctl(r->t, r->v[i], VFIO_DEVICE_SET_IRQS, set),
		  "SET_IRQS");
	free(set);
}

static void op_reset(struct raw *r)
{
	int i = slot(r);

	if (r->v[i])
		check_ret(r->ops->ioctl(r->t, r->v[i], VFIO_DEVICE_RESET, NULL),
			  "RESET");
}

/* The payload of one VFIO_DEVICE_FEATURE; pointers into r's buffers. */
static size_t feature_data(struct raw *r, uint32_t feature, uint8_t *d,
			   struct vfio_device_feature_dma_logging_range *rg)
{
	struct vfio_device_feature_dma_logging_control *ctl = (void *)d;
	struct vfio_device_feature_dma_logging_report *rep = (void *)d;
	struct vfio_device_feature_mig_state *ms = (void *)d;
	static const uint64_t psz[] = { PAGE, 2 * PAGE, 1u << 21, 1, 0 };
	uint32_t k;

	switch (feature) {
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		ms->device_state = small(r) % 10;
		ms->data_fd = -1;
		return sizeof(*ms);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
		ctl->page_size = fz_pick(&r->in, psz);
		ctl->num_ranges = fz_u8(&r->in) % 5;
		for (k = 0; k < ctl->num_ranges; k++) {
			rg[k].iova = (uint64_t)fz_u8(&r->in) * PAGE;
			rg[k].length = (uint64_t)fz_u8(&r->in) * PAGE;
		}
		ctl->ranges = (uintptr_t)rg;
		return sizeof(*ctl);
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
		rep->page_size = fz_pick(&r->in, psz);
		rep->iova = (uint64_t)fz_u8(&r->in) * PAGE;
		/* No more pages than the bitmap has bits, at 4 KiB or more. */
		rep->length = (uint64_t)fz_u16(&r->in) * PAGE %
			      ((uint64_t)BITMAP * 8 * PAGE);
		rep->bitmap = (uintptr_t)r->bitmap;
		return sizeof(*rep);
	default:
		fz_bytes(&r->in, d, 16);
		return 16;
	}
}

static void op_feature(struct raw *r)
{
	static const uint32_t features[] = {
		VFIO_DEVICE_FEATURE_MIGRATION,
		VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
		VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
		VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
		VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, 0, 11, 0xffff,
	};
	static const uint32_t dirs[] = {
		VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_SET,
		VFIO_DEVICE_FEATURE_PROBE, VFIO_DEVICE_FEATURE_SET |
		VFIO_DEVICE_FEATURE_GET,
	};
	struct vfio_device_feature_dma_logging_range rg[4];
	uint8_t buf[sizeof(struct vfio_device_feature) + 64];
	struct vfio_device_feature *f = (void *)buf;
	struct vfio_device_feature_mig_state *ms = (void *)f->data;
	int i = slot(r), ret;
	uint32_t feature = fz_pick(&r->in, features);
	size_t len;

	if (!r->v[i])
		return;
	memset(buf, 0, sizeof(buf));
	f->flags = fz_pick(&r->in, dirs) | feature;
	if (fz_u8(&r->in) >= 240)
		f->flags = fz_u32(&r->in);
	len = feature_data(r, feature, f->data, rg);
	f->argsz = (uint32_t)(sizeof(*f) + len);
	if (fz_u8(&r->in) >= 224)	/* any argsz the buffer can hold */
		f->argsz = fz_u8(&r->in) % sizeof(buf);
	ret = r->ops->ioctl(r->t, r->v[i], VFIO_DEVICE_FEATURE, f);
	check_ret(ret, "FEATURE");
	/* A migration state change may hand out a data fd: ours to close. */
	if (!ret && (f->flags & VFIO_DEVICE_FEATURE_MASK) ==
		    VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE &&
	    (f->flags & VFIO_DEVICE_FEATURE_SET) && ms->data_fd >= 0)
		close(ms->data_fd);
}

/* ---- the VDEV's type1 container ---- */

static void op_container(struct raw *r)
{
	int i = slot(r);
	uint8_t b = fz_u8(&r->in);
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	uint32_t first = fz_u8(&r->in) % (GUEST / PAGE);

	if (!r->v[i])
		return;
	switch (b % 3) {
	case 0:	/* guest memory is r->guest: vaddr and size stay inside */
		map.flags = fz_u8(&r->in) < 240 ? VFIO_DMA_MAP_FLAG_READ |
			    VFIO_DMA_MAP_FLAG_WRITE : fz_u8(&r->in) & 3;
		map.vaddr = (uintptr_t)r->guest + first * PAGE;
		map.size = (uint64_t)(1 + fz_u8(&r->in) % (GUEST / PAGE - first)) *
			   PAGE;
		map.iova = (uint64_t)fz_u16(&r->in) * PAGE;
		check_ret(r->ops->container_ioctl(r->t, r->v[i],
						  VFIO_IOMMU_MAP_DMA, &map),
			  "MAP_DMA");
		break;
	case 1:	/* no dirty bitmap: it would carry a pointer */
		unmap.flags = fz_u8(&r->in) & VFIO_DMA_UNMAP_FLAG_ALL;
		unmap.iova = (uint64_t)fz_u16(&r->in) * PAGE;
		unmap.size = (uint64_t)fz_u8(&r->in) * PAGE;
		check_ret(r->ops->container_ioctl(r->t, r->v[i],
						  VFIO_IOMMU_UNMAP_DMA, &unmap),
			  "UNMAP_DMA");
		break;
	default:
		check_ret(r->ops->container_ioctl(r->t, r->v[i],
						  VFIO_IOMMU_GET_INFO, &info),
			  "IOMMU_GET_INFO");
		break;
	}
}

/*
 * Any VFIO ioctl number but SET_IRQS and FEATURE (which carry fds and
 * pointers, and have ops of their own), with a random struct whose argsz
 * is its size.
 */
static void op_generic(struct raw *r)
{
	int i = slot(r);
	uint8_t b = fz_u8(&r->in);
	unsigned long cmd = b < 224 ? _IO(VFIO_TYPE, VFIO_BASE + b % 24) :
				      fz_u32(&r->in);
	uint32_t size = 8 + fz_u8(&r->in) % 120;
	uint8_t *buf;

	if (!r->v[i] || cmd == VFIO_DEVICE_SET_IRQS ||
	    cmd == VFIO_DEVICE_FEATURE)
		return;
	buf = calloc(1, size);
	if (!buf)
		return;
	fz_bytes(&r->in, buf, size);
	memcpy(buf, &size, 4);
	check_ret(r->ops->ioctl(r->t, r->v[i], cmd, buf), "ioctl");
	free(buf);
}

static void op_avail(struct raw *r)
{
	unsigned int n = 0;
	uint8_t sel = fz_u8(&r->in);

	if (r->nr_types)
		check_ret(r->ops->available_instances(r->t,
				r->types[sel % r->nr_types], &n),
			  "available_instances");
}

/* ---- setup, teardown, oracle ---- */

static void list_types(struct raw *r)
{
	char buf[MAX_TYPES * TYPE_LEN + 1];
	const char *p;
	int ret;

	memset(buf, 0, sizeof(buf));
	ret = r->ops->list_types(r->t, buf, sizeof(buf) - 1);
	if (ret < 0)
		fz_fail("list_types: %d", ret);
	for (p = buf; *p && r->nr_types < MAX_TYPES; p += strlen(p) + 1) {
		snprintf(r->types[r->nr_types], TYPE_LEN, "%.*s", TYPE_LEN - 1, p);
		if (r->ops->available_instances(r->t, p,
						&r->avail0[r->nr_types]))
			fz_fail("available_instances(%s) at start", p);
		r->nr_types++;
	}
}

/* The parent's ADI accounting; false when the target reports none. */
static bool parent(struct raw *r, struct siovh_parent_probe *pp)
{
	memset(pp, 0, sizeof(*pp));
	if (!r->t->test || !r->t->test->parent_probe)
		return false;
	if (r->t->test->parent_probe(r->t, pp))
		fz_fail("parent probe failed");
	return true;
}

static void teardown(struct raw *r, const struct siovh_parent_probe *pp0)
{
	struct siovh_parent_probe pp;
	unsigned int n, k;
	int i;

	for (i = 0; i < SLOTS; i++) {
		op_release(r, i);
		op_remove(r, i);
		if (r->v[i])
			fz_fail("VDEV slot %d: remove after release refused", i);
	}
	if (parent(r, &pp) &&
	    (pp.free_adis != pp0->free_adis || pp.nr_vdevs != pp0->nr_vdevs))
		fz_fail("after every VDEV was removed the parent has %u free "
			"ADIs and %u VDEVs, it started with %u and %u",
			pp.free_adis, pp.nr_vdevs, pp0->free_adis,
			pp0->nr_vdevs);
	for (k = 0; k < r->nr_types; k++) {
		if (r->ops->available_instances(r->t, r->types[k], &n) ||
		    n != r->avail0[k])
			fz_fail("type %s: %u available instances after "
				"teardown, %u at start", r->types[k], n,
				r->avail0[k]);
	}
}

static void run_op(struct raw *r, uint8_t op)
{
	switch (op % 16) {
	case 0: case 1: op_create(r); break;
	case 2: op_remove(r, slot(r)); break;
	case 3: case 4: op_open(r, slot(r)); break;
	case 5: op_release(r, slot(r)); break;
	case 6: op_rw(r, false); break;
	case 7: case 8: op_rw(r, true); break;
	case 9: op_info(r); break;
	case 10: op_set_irqs(r); break;
	case 11: op_reset(r); break;
	case 12: op_feature(r); break;
	case 13: op_mmap(r); break;
	case 14: op_container(r); break;
	default: (op & 0x10 ? op_generic : op_avail)(r); break;
	}
}

/*
 * The guest memory and the eventfds, kept for the process and put back as
 * new at the start of every input (zeroed, counters read to 0): making
 * them per input was a third of a short input's time (64 KiB of fresh
 * pages under ASan, four eventfd() and close() calls). The reference
 * holds on to neither past the input: it has no VDEVs then (teardown),
 * so no container maps and no IRQ triggers.
 */
static void shared(struct raw *r)
{
	static uint8_t *guest;
	static int efd[NR_EFD];
	uint64_t count;
	int k;

	if (!guest) {
		guest = aligned_alloc(PAGE, GUEST);
		if (!guest)
			fz_fail("out of memory");
		for (k = 0; k < NR_EFD; k++) {
			efd[k] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
			if (efd[k] < 0)
				fz_fail("eventfd: %s", strerror(errno));
		}
	}
	memset(guest, 0, GUEST);
	r->guest = guest;
	for (k = 0; k < NR_EFD; k++) {
		/* Non-blocking: EAGAIN when it is 0 already. */
		if (read(efd[k], &count, sizeof(count)) < 0 && errno != EAGAIN)
			fz_fail("eventfd read: %s", strerror(errno));
		r->efd[k] = efd[k];
	}
}

void vfio_raw_run(struct siovh_target *t, const uint8_t *data, size_t size)
{
	struct siovh_parent_probe pp0;
	struct raw *r = calloc(1, sizeof(*r));

	if (!r)
		fz_fail("out of memory");
	r->t = t;
	r->ops = t->vfio_device;
	r->in = fz_init(data, size);
	shared(r);
	list_types(r);
	(void)parent(r, &pp0);
	while (!fz_empty(&r->in))
		run_op(r, fz_u8(&r->in));
	teardown(r, &pp0);
	free(r);
}
