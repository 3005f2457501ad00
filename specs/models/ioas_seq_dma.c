// SPDX-License-Identifier: MIT
/*
 * The DMA side of the IOAS sequence engine (ioas_seq.h): a reference VDEV
 * bound to the target's /dev/iommu and attached to a paging HWPT over A0,
 * and the probes that check every DMA result against the model's
 * translation. The VDEV layout is harness/ref/vdcm/vdev_regs.h's, the
 * descriptor format harness/ref/siovdev/siovdev.h's; only their constants
 * and structs are used, every access goes through the target's facets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "harness/ref/siovdev/siovdev.h"
#include "harness/ref/vdcm/vdev_regs.h"
#include "siovh/model.h"
#include "ioas_seq_priv.h"

#define READ_SIZE	64u		/* a read probe's bytes */
#define SCRATCH_FILL	0xa5

/* The VDEV's UUID: "ioas-seq" in the first bytes, distinct from the
 * clauses' make_uuid() numbering. */
static const uint8_t seq_uuid[16] = {
	'i', 'o', 'a', 's', '-', 's', 'e', 'q', 0x5e, 0x90, 0, 0, 0, 0, 0, 1,
};

/* --- the VDEV ------------------------------------------------------------ */

static int dev_rw(struct ioas_seq *s, bool write, uint64_t off, void *val,
		  size_t len)
{
	const struct siovh_vfio_device_ops *vf = s->t->vfio_device;
	ssize_t r;

	r = write ? vf->pwrite(s->t, s->dev.v, val, len, off) :
		    vf->pread(s->t, s->dev.v, val, len, off);
	if (r < 0)
		return (int)r;
	return (size_t)r == len ? 0 : -EIO;
}

static int region_off(struct ioas_seq *s, uint32_t index, uint64_t *off)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };
	int ret;

	ret = s->t->vfio_device->ioctl(s->t, s->dev.v,
				       VFIO_DEVICE_GET_REGION_INFO, &ri);
	if (!ret)
		*off = ri.offset;
	return ret;
}

static int dev_regions(struct ioas_seq *s)
{
	struct ioas_seq_dev *d = &s->dev;
	int ret;

	ret = region_off(s, VFIO_PCI_CONFIG_REGION_INDEX, &d->cfg_off);
	if (!ret)
		ret = region_off(s, VFIO_PCI_BAR0_REGION_INDEX, &d->bar0_off);
	if (!ret)
		ret = region_off(s, VFIO_PCI_BAR2_REGION_INDEX, &d->bar2_off);
	return ret;
}

/* Bind to /dev/iommu, a paging HWPT over A0 (its areas are mapped by
 * then: a HWPT must start with them), attach the VDEV's RID to it. */
static int dev_attach(struct ioas_seq *s)
{
	const struct siovh_iommufd_ops *fd = s->t->iommufd;
	struct ioas_seq_dev *d = &s->dev;
	struct vfio_device_bind_iommufd b = {
		.argsz = sizeof(b), .iommufd = 3,
	};
	struct iommu_hwpt_alloc h = { .size = sizeof(h) };
	struct siovh_vfio_attach_pt a = { .argsz = sizeof(a) };
	int ret;

	ret = fd->device_ioctl(s->t, d->v, VFIO_DEVICE_BIND_IOMMUFD, &b);
	if (ret)
		return ret;
	d->devid = b.out_devid;
	h.dev_id = d->devid;
	h.pt_id = s->ioas[0].id;
	ret = fd->ioctl(s->t, IOMMU_HWPT_ALLOC, &h);
	if (ret)
		return ret;
	d->hwpt = h.out_hwpt_id;
	a.pt_id = d->hwpt;
	return fd->device_ioctl(s->t, d->v, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
}

static int queue_enable(struct ioas_seq *s)
{
	uint64_t q = s->dev.bar0_off + VDEV_REG_Q(0);
	uint32_t val = VDEV_QCTRL_ENABLE;
	int ret;

	ret = dev_rw(s, true, q + VDEV_Q_CTRL, &val, 4);
	if (!ret)
		ret = dev_rw(s, false, q + VDEV_Q_STATUS, &val, 4);
	if (!ret && !(val & VDEV_QSTS_ENABLED))
		ret = -EIO;
	return ret;
}

int ioseq_dev_up(struct ioas_seq *s)
{
	const struct siovh_vfio_device_ops *vf = s->t->vfio_device;
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	int ret;

	ret = vf->create(s->t, s->cfg.vdev_type, seq_uuid, &s->dev.v);
	if (ret)
		return ret;
	ret = vf->open(s->t, s->dev.v);
	if (ret)
		goto err;
	s->dev.open = true;
	ret = dev_regions(s);
	if (!ret)
		ret = dev_rw(s, true, s->dev.cfg_off + PCI_COMMAND, &cmd, 2);
	if (!ret)
		ret = dev_attach(s);
	if (!ret)
		ret = queue_enable(s);
	if (ret)
		goto err;
	return 0;
err:
	ioseq_dev_down(s);
	return ret;
}

void ioseq_dev_down(struct ioas_seq *s)
{
	const struct siovh_vfio_device_ops *vf = s->t->vfio_device;
	struct ioas_seq_dev *d = &s->dev;
	struct iommu_destroy x = { .size = sizeof(x), .id = d->hwpt };

	if (!d->v)
		return;
	/* The cdev's close detaches and unbinds; then the HWPT is free. */
	if (d->open)
		(void)vf->release(s->t, d->v);
	(void)vf->remove(s->t, d->v);
	if (d->hwpt)
		(void)s->t->iommufd->ioctl(s->t, IOMMU_DESTROY, &x);
	memset(d, 0, sizeof(*d));
}

/* --- prediction ---------------------------------------------------------- */

/* What the model says a probe must do. */
struct expect {
	uint8_t status;			/* SIOVDEV_CS_* */
	uint32_t bytes;
	uint64_t fault_addr;
	bool fault_write;
	struct {
		uint64_t off;		/* into the pool */
		uint32_t n, from;	/* bytes, offset in the descriptor */
	} piece[2];			/* the pool bytes written or read */
	size_t np;
};

static bool in_pool(const struct ioas_seq *s, uint64_t user, uint64_t n)
{
	uint64_t pool = (uintptr_t)s->pool;

	return user >= pool && user - pool <= SEQ_POOL_PAGES * PG - n;
}

/*
 * A DMA of size bytes at iova (a fill writes there, a read copies from
 * there), in the device's 4 KiB pieces: each page mapped with the
 * permission takes its piece; the first that is not stops the descriptor
 * with a page fault at that piece. False if a piece lands outside the
 * pool (the completion page): not a probe the engine can judge.
 */
static bool predict(const struct ioas_seq *s, uint64_t iova, uint32_t size,
		    bool write, struct expect *e)
{
	const struct ioas_model *m = &s->ioas[0].m;
	uint32_t need = write ? IOMMU_IOAS_MAP_WRITEABLE :
				IOMMU_IOAS_MAP_READABLE;
	uint32_t done = 0, n, prot;
	uint64_t addr, user;

	memset(e, 0, sizeof(*e));
	e->status = SIOVDEV_CS_SUCCESS;
	while (done < size) {
		addr = iova + done;
		n = size - done;
		if (n > PG - addr % PG)
			n = (uint32_t)(PG - addr % PG);
		if (!ioas_model_translate(m, addr, &user, &prot) ||
		    !(prot & need)) {
			e->status = SIOVDEV_CS_PAGE_FAULT;
			e->fault_addr = addr;
			e->fault_write = write;
			break;
		}
		if (!in_pool(s, user, n) || e->np == 2)
			return false;
		e->piece[e->np].off = user - (uintptr_t)s->pool;
		e->piece[e->np].n = n;
		e->piece[e->np++].from = done;
		done += n;
	}
	e->bytes = done;
	return true;
}

/* "0x40003000 -> P5+0x0 rw, 0x40004000 unmapped": the pages of a probe. */
static void describe(const struct ioas_seq *s, uint64_t iova, uint32_t size,
		     char *buf, size_t len)
{
	uint64_t page[2] = { iova & ~(PG - 1), (iova + size - 1) & ~(PG - 1) };
	size_t at = 0, i, np = page[1] != page[0] ? 2 : 1;
	uint64_t user;
	uint32_t prot;
	char u[32];

	buf[0] = '\0';
	for (i = 0; i < np && at < len; i++) {
		if (!ioas_model_translate(&s->ioas[0].m, page[i], &user,
					  &prot)) {
			at += (size_t)snprintf(buf + at, len - at,
					       "%s%#llx unmapped",
					       i ? ", " : "",
					       (unsigned long long)page[i]);
			continue;
		}
		ioseq_user_name(s, user, u, sizeof(u));
		at += (size_t)snprintf(buf + at, len - at, "%s%#llx -> %s %s",
				       i ? ", " : "",
				       (unsigned long long)page[i], u,
				       prot & IOMMU_IOAS_MAP_WRITEABLE ? "rw" :
				       prot ? "r" : "none");
	}
}

/* --- probes -------------------------------------------------------------- */

static const char *status_name(uint8_t st)
{
	switch (st) {
	case SIOVDEV_CS_NONE:
		return "NONE (no completion record)";
	case SIOVDEV_CS_SUCCESS:
		return "SUCCESS";
	case SIOVDEV_CS_PAGE_FAULT:
		return "PAGE_FAULT";
	case SIOVDEV_CS_INVALID:
		return "INVALID";
	default:
		return "?";
	}
}

static bool record_ok(const struct siovdev_completion *cr,
		      const struct expect *e, uint64_t tag)
{
	if (cr->status != e->status || cr->bytes != e->bytes || cr->tag != tag)
		return false;
	if (e->status != SIOVDEV_CS_PAGE_FAULT)
		return true;
	return cr->fault_addr == e->fault_addr &&
	       !!(cr->fault_info & SIOVDEV_CR_FAULT_WRITE) == e->fault_write;
}

static bool bad_record(struct ioas_seq *s, const char *what,
		       const struct siovdev_completion *cr,
		       const struct expect *e, uint64_t tag, const char *tr)
{
	return ioseq_diverge(s, "%s: the completion record says %s, %u bytes, "
			     "fault at %#llx (%s), tag %llu; the model expects "
			     "%s, %u bytes, fault at %#llx (%s), tag %llu [%s]",
			     what, status_name(cr->status), cr->bytes,
			     (unsigned long long)cr->fault_addr,
			     cr->fault_info & SIOVDEV_CR_FAULT_WRITE ?
			     "write" : "read", (unsigned long long)cr->tag,
			     status_name(e->status), e->bytes,
			     (unsigned long long)e->fault_addr,
			     e->fault_write ? "write" : "read",
			     (unsigned long long)tag, tr);
}

/* The pool must equal the shadow (which holds what the model predicts). */
static bool pool_ok(struct ioas_seq *s, const char *what, const char *tr)
{
	size_t i;

	if (!memcmp(s->pool, s->shadow, SEQ_POOL_PAGES * PG))
		return true;
	for (i = 0; s->pool[i] == s->shadow[i]; i++)
		;
	return ioseq_diverge(s, "%s: user memory P%llu+%#llx holds %#x, the "
			     "model expects %#x (nothing else writes there) "
			     "[%s]", what, (unsigned long long)(i / PG),
			     (unsigned long long)(i % PG), s->pool[i],
			     s->shadow[i], tr);
}

static void apply_fill(struct ioas_seq *s, const struct expect *e,
		       uint64_t pattern)
{
	uint32_t k, i;

	for (k = 0; k < e->np; k++)
		for (i = 0; i < e->piece[k].n; i++)
			s->shadow[e->piece[k].off + i] = (uint8_t)
				(pattern >> (8 * ((e->piece[k].from + i) % 8)));
}

/* The scratch must hold the pieces read, and its fill past them. */
static bool read_ok(struct ioas_seq *s, const struct expect *e,
		    const uint8_t *scratch, const char *what, const char *tr)
{
	uint8_t want[READ_SIZE];
	size_t k;

	memset(want, SCRATCH_FILL, sizeof(want));
	for (k = 0; k < e->np; k++)
		memcpy(want + e->piece[k].from, s->shadow + e->piece[k].off,
		       e->piece[k].n);
	if (!memcmp(scratch, want, sizeof(want)))
		return true;
	return ioseq_diverge(s, "%s: the bytes read are not those at the user "
			     "addresses the model translates to [%s]", what,
			     tr);
}

static bool probe(struct ioas_seq *s, uint64_t iova, bool read,
		  uint32_t size)
{
	struct siovdev_completion cr;
	struct siovdev_desc d;
	struct expect e;
	uint64_t tag, pattern, st;
	uint8_t *scratch = s->crpage + SEQ_SCRATCH;
	char what[96], tr[160];
	int ret;

	if (!predict(s, iova, size, !read, &e))
		return true;
	tag = st = ++s->st.probes;
	pattern = siovh_seq_next(&st);
	snprintf(what, sizeof(what), "DMA %s of %u bytes at %#llx",
		 read ? "read" : "fill", size, (unsigned long long)iova);
	describe(s, iova, size, tr, sizeof(tr));

	memset(s->crpage, 0, SIOVDEV_CR_SIZE);
	memset(scratch, SCRATCH_FILL, READ_SIZE);
	memset(&d, 0, sizeof(d));
	d.opcode = read ? SIOVDEV_OP_MEMCOPY : SIOVDEV_OP_MEMFILL;
	d.flags = SIOVDEV_DF_COMPLETION;
	d.size = size;
	d.completion = SEQ_CR_IOVA;
	d.src = read ? iova : pattern;
	d.dst = read ? SEQ_CR_IOVA + SEQ_SCRATCH : iova;
	d.tag = tag;
	ret = dev_rw(s, true, s->dev.bar2_off, &d, sizeof(d));
	if (ret)
		return ioseq_diverge(s, "%s: the portal write failed (%d)",
				     what, ret);
	memcpy(&cr, s->crpage, sizeof(cr));
	if (!record_ok(&cr, &e, tag))
		return bad_record(s, what, &cr, &e, tag, tr);
	s->st.probes_ok += e.status == SIOVDEV_CS_SUCCESS;
	if (!read)
		apply_fill(s, &e, pattern);
	if (!pool_ok(s, what, tr))
		return false;
	if (!read)
		return true;
	return read_ok(s, &e, scratch, what, tr);
}

bool ioseq_probe_baseline(struct ioas_seq *s)
{
	return probe(s, SEQ_ARENA, false, 64);
}

/* The page of iova, kept clear of the very top (a probe must not wrap). */
static uint64_t page_of(uint64_t iova)
{
	uint64_t page = iova & ~(PG - 1);

	return page > UINT64_MAX - 2 * PG ? IOAS_MODEL_APERTURE : page;
}

/*
 * The second probe's IOVA: three in four inside or just after one of A0's
 * areas (start, last page, middle page, the page after), else an arena
 * page.
 */
static uint64_t probe_iova(const struct ioas_seq *s, uint8_t p)
{
	const struct ioas_model_area *a = NULL;
	uint64_t pages;

	if ((p >> 6) != 3)
		a = ioseq_pick_area(s, 0, p >> 2);
	if (!a)
		return SEQ_ARENA + (uint64_t)(p & 63) * PG;
	pages = (a->last - a->iova + 1) / PG;
	switch (p & 3) {
	case 0:
		return a->iova;
	case 1:
		return a->last + 1 - PG;
	case 2:
		return a->iova + pages / 2 * PG;
	default:
		return a->last + 1;
	}
}

bool ioseq_probe_step(struct ioas_seq *s, const struct ioas_seq_op *op)
{
	static const uint16_t offs[8] = {
		0, 64, 1024, 2048, 4032, 4064, 3968, 512,
	};
	unsigned int sh = op->shape;
	uint64_t page, off;
	uint32_t size;
	bool read;

	switch (sh & 3) {
	case 0:
		page = page_of(s->touch);
		break;
	case 1:
		page = page_of(s->touch_last);
		break;
	case 2:
		page = page_of(page_of(s->touch_last) + PG);
		break;
	default:
		page = page_of(page_of(s->touch) - PG);
		break;
	}
	read = sh & 4;
	off = offs[(sh >> 3) & 7];
	size = read ? READ_SIZE : sh & 0x80 ? 128 : 64;
	if (!probe(s, page + off, read, size))
		return false;

	page = page_of(probe_iova(s, op->probe));
	read = sh & 0x40;
	off = offs[((sh >> 3) + 3) & 7];
	return probe(s, page + off, read, read ? READ_SIZE : 64);
}
