// SPDX-License-Identifier: MIT
/*
 * Helpers shared by the VDCM and DVSEC clauses; see common.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common.h"

struct siovh_profile *must_profile(struct siovh_check *check)
{
	struct siovh_target *t = siovh_check_target(check);
	const char *path = siovh_profile_path_of(t);
	struct siovh_profile *p = NULL;
	char err[512];
	int ret;

	if (!path)
		SKIP("the target names no device profile (set $%s)",
		     SIOVH_PROFILE_ENV);
	ret = siovh_profile_load(path, &p, err, sizeof(err));
	if (ret)
		FAIL_FATAL("device profile unusable: %s", err);
	return p;
}

const struct siovh_profile_type *must_type(struct siovh_check *check,
					   const struct siovh_profile *p,
					   uint32_t min_adis)
{
	uint32_t i;

	for (i = 0; i < p->nr_types; i++)
		if (p->types[i].adis >= min_adis)
			return &p->types[i];
	SKIP("the profile has no VDEV type with %u or more ADIs", min_adis);
}

/* --- VDEV handles -------------------------------------------------------- */

void make_uuid(uint8_t uuid[16], unsigned int n)
{
	static const uint8_t base[16] = {
		0x5e, 0x1d, 0x0a, 0x7c, 0x3b, 0x21, 0x4c, 0x11,
		0x9a, 0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};

	memcpy(uuid, base, 16);
	uuid[12] = (uint8_t)(n >> 24);
	uuid[13] = (uint8_t)(n >> 16);
	uuid[14] = (uint8_t)(n >> 8);
	uuid[15] = (uint8_t)n;
}

void vd_create(struct siovh_check *check, const struct siovh_profile_type *ty,
	       struct vd *d, unsigned int n)
{
	struct siovh_target *t = siovh_check_target(check);

	memset(d, 0, sizeof(*d));
	d->t = t;
	d->ty = ty;
	make_uuid(d->uuid, n);
	ASSERT_OK(t->vfio_device->create(t, ty->name, d->uuid, &d->v));
	ASSERT_TRUE(d->v != NULL);
}

void vd_open(struct siovh_check *check, struct vd *d, bool mem)
{
	struct vfio_region_info ri;
	uint32_t i;

	ASSERT_OK(d->t->vfio_device->open(d->t, d->v));
	d->open = true;
	for (i = 0; i < VD_REGIONS && i < d->ty->num_regions; i++) {
		int ret;

		memset(&ri, 0, sizeof(ri));
		ri.argsz = sizeof(ri);
		ri.index = i;
		ret = d->t->vfio_device->ioctl(d->t, d->v,
					       VFIO_DEVICE_GET_REGION_INFO, &ri);
		/*
		 * An index below num_regions that the profile does not list
		 * may be a hole: vfio-pci counts its VGA region (index 8) in
		 * every device's num_regions and answers -EINVAL for it on a
		 * device that is no VGA device. A listed one must answer.
		 */
		if (ret == -EINVAL && !siovh_profile_region(d->ty, i)) {
			d->off[i] = d->size[i] = 0;
			d->hole[i] = true;
			continue;
		}
		ASSERT_OK(ret);
		d->hole[i] = false;
		d->off[i] = ri.offset;
		d->size[i] = ri.size;
	}
	if (mem)
		cfg_wr(check, d, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, 2);
}

void vd_up(struct siovh_check *check, const struct siovh_profile_type *ty,
	   struct vd *d, unsigned int n)
{
	vd_create(check, ty, d, n);
	vd_open(check, d, true);
}

void vd_down(struct siovh_check *check, struct vd *d)
{
	if (d->open) {
		EXPECT_OK(d->t->vfio_device->release(d->t, d->v));
		d->open = false;
	}
	EXPECT_OK(d->t->vfio_device->remove(d->t, d->v));
	d->v = NULL;
}

/* --- region access ------------------------------------------------------- */

static uint64_t region_off(struct vd *d, uint32_t region)
{
	return region < VD_REGIONS ? d->off[region] : 0;
}

int vd_read(struct vd *d, uint32_t region, uint64_t off, void *val,
	    size_t len)
{
	ssize_t r = d->t->vfio_device->pread(d->t, d->v, val, len,
					     region_off(d, region) + off);

	if (r < 0)
		return (int)r;
	return (size_t)r == len ? 0 : -EIO;
}

int vd_write(struct vd *d, uint32_t region, uint64_t off, const void *val,
	     size_t len)
{
	ssize_t r = d->t->vfio_device->pwrite(d->t, d->v, val, len,
					      region_off(d, region) + off);

	if (r < 0)
		return (int)r;
	return (size_t)r == len ? 0 : -EIO;
}

uint32_t cfg_rd(struct siovh_check *check, struct vd *d, uint32_t off,
		size_t len)
{
	uint32_t v = 0;

	ASSERT_OK(vd_read(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v, len));
	return v;
}

void cfg_wr(struct siovh_check *check, struct vd *d, uint32_t off,
	    uint32_t val, size_t len)
{
	ASSERT_OK(vd_write(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &val, len));
}

const struct siovh_profile_reg *must_reg(struct siovh_check *check,
					 const struct siovh_profile_type *ty,
					 const char *fmt, ...)
{
	const struct siovh_profile_reg *r;
	char name[SIOVH_PROFILE_NAME_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	r = siovh_profile_reg(ty, name);
	if (!r)
		SKIP("type %s of the profile has no register \"%s\"", ty->name,
		     name);
	return r;
}

uint64_t reg_rd(struct siovh_check *check, struct vd *d,
		const struct siovh_profile_reg *r)
{
	uint64_t v = 0;

	ASSERT_OK(vd_read(d, r->region, r->offset, &v, r->width));
	return v;
}

void reg_wr(struct siovh_check *check, struct vd *d,
	    const struct siovh_profile_reg *r, uint64_t val)
{
	ASSERT_OK(vd_write(d, r->region, r->offset, &val, r->width));
}

uint32_t vd_find_cap(struct siovh_check *check, struct vd *d, uint8_t id)
{
	uint32_t pos, n;

	if (!(cfg_rd(check, d, CFG_STATUS, 2) & STATUS_CAP_LIST))
		return 0;
	pos = cfg_rd(check, d, CFG_CAP_PTR, 1) & 0xfc;
	for (n = 0; pos >= 0x40 && n < 48; n++) {
		if (cfg_rd(check, d, pos, 1) == id)
			return pos;
		pos = cfg_rd(check, d, pos + 1, 1) & 0xfc;
	}
	return 0;
}

bool vd_pba_pending(struct siovh_check *check, struct vd *d, uint32_t vec)
{
	uint32_t cap = vd_find_cap(check, d, 0x11);	/* PCI_CAP_ID_MSIX */
	uint32_t pba, val = 0;

	if (!cap)
		SKIP("the VDEV has no MSI-X capability");
	pba = cfg_rd(check, d, cap + 8, 4);
	ASSERT_OK(vd_read(d, pba & 7, (pba & ~7u) + vec / 32 * 4, &val, 4));
	return val & (1u << (vec % 32));
}

uint32_t vd_find_ecap(struct siovh_check *check, struct vd *d, uint16_t id)
{
	uint32_t pos = ECAP_START, hdr, n;

	for (n = 0; pos >= ECAP_START && pos < 0x1000 && n < 960; n++) {
		hdr = cfg_rd(check, d, pos, 4);
		if (!hdr)
			return 0;
		if ((hdr & 0xffff) == id)
			return pos;
		pos = (hdr >> 20) & 0xffc;
	}
	return 0;
}

struct vfio_region_info *vd_region_info(struct siovh_check *check,
					struct vd *d, uint32_t index)
{
	struct vfio_region_info *ri = calloc(1, sizeof(*ri));
	uint32_t need;

	ASSERT_TRUE(ri != NULL);
	ri->argsz = sizeof(*ri);
	ri->index = index;
	ASSERT_OK(d->t->vfio_device->ioctl(d->t, d->v,
					   VFIO_DEVICE_GET_REGION_INFO, ri));
	need = ri->argsz;
	if (need > sizeof(*ri)) {
		ASSERT_LE(need, 65536);
		free(ri);
		ri = calloc(1, need);
		ASSERT_TRUE(ri != NULL);
		ri->argsz = need;
		ri->index = index;
		ASSERT_OK(d->t->vfio_device->ioctl(d->t, d->v,
						   VFIO_DEVICE_GET_REGION_INFO,
						   ri));
	}
	return ri;
}

const struct vfio_region_info_cap_sparse_mmap *
sparse_of(const struct vfio_region_info *info)
{
	const struct vfio_info_cap_header *h;
	uint32_t off, n;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	for (off = info->cap_offset, n = 0; off && n < 16; n++) {
		if (off < sizeof(*info) || off + sizeof(*h) > info->argsz)
			return NULL;
		h = (const void *)((const char *)info + off);
		if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			const struct vfio_region_info_cap_sparse_mmap *s =
				(const void *)h;

			if (off + sizeof(*s) + s->nr_areas * sizeof(s->areas[0]) >
			    info->argsz)
				return NULL;
			return s;
		}
		off = h->next;
	}
	return NULL;
}

/* --- parent config space ------------------------------------------------- */

uint32_t pcfg_rd(struct siovh_check *check, uint32_t off, size_t len)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t v = 0;

	ASSERT_EQ(t->pci->cfg_read(t, &v, len, off), (long long)len);
	return v;
}

void pcfg_wr(struct siovh_check *check, uint32_t off, uint32_t val,
	     size_t len)
{
	struct siovh_target *t = siovh_check_target(check);

	ASSERT_EQ(t->pci->cfg_write(t, &val, len, off), (long long)len);
}

uint32_t parent_find_cap(struct siovh_check *check, uint8_t id)
{
	uint32_t pos, n;

	if (!(pcfg_rd(check, CFG_STATUS, 2) & STATUS_CAP_LIST))
		return 0;
	pos = pcfg_rd(check, CFG_CAP_PTR, 1) & 0xfc;
	for (n = 0; pos >= 0x40 && n < 48; n++) {
		if (pcfg_rd(check, pos, 1) == id)
			return pos;
		pos = pcfg_rd(check, pos + 1, 1) & 0xfc;
	}
	return 0;
}

static uint32_t ecap_walk(struct siovh_check *check, uint16_t id, bool siov)
{
	uint32_t pos = ECAP_START, hdr, n;

	for (n = 0; pos >= ECAP_START && pos < 0x1000 && n < 960; n++) {
		hdr = pcfg_rd(check, pos, 4);
		if (!hdr)
			return 0;
		if ((hdr & 0xffff) == id &&
		    (!siov || ((pcfg_rd(check, pos + 4, 4) & 0xffff) == 0x8086 &&
			       pcfg_rd(check, pos + 8, 2) == 5)))
			return pos;
		pos = (hdr >> 20) & 0xffc;
	}
	return 0;
}

uint32_t parent_find_ecap(struct siovh_check *check, uint16_t id)
{
	return ecap_walk(check, id, false);
}

uint32_t parent_siov_dvsec(struct siovh_check *check)
{
	uint32_t pos = ecap_walk(check, 0x23, true);

	if (!pos)
		FAIL_FATAL("the parent has no SIOV DVSEC (ext cap 0x23, vendor "
			   "0x8086, DVSEC ID 5) in its extended capability "
			   "chain");
	return pos;
}

/* --- probes -------------------------------------------------------------- */

struct siovh_parent_probe parent_probe(struct siovh_check *check)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_parent_probe p;

	memset(&p, 0, sizeof(p));
	ASSERT_OK(t->test->parent_probe(t, &p));
	return p;
}

struct siovh_vdev_probe vdev_probe(struct siovh_check *check, struct vd *d)
{
	struct siovh_vdev_probe p;

	memset(&p, 0, sizeof(p));
	ASSERT_OK(d->t->test->vdev_probe(d->t, d->v, &p));
	ASSERT_LE(p.nr_adis, SIOVH_VDEV_MAX_ADIS);
	return p;
}

struct siovh_adi_probe adi_probe(struct siovh_check *check, uint32_t adi)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_adi_probe p;

	memset(&p, 0, sizeof(p));
	ASSERT_OK(t->test->adi_probe(t, adi, &p));
	return p;
}

size_t adi_trace(struct siovh_check *check, uint32_t adi,
		 struct siovh_adi_event *ev, size_t max)
{
	struct siovh_target *t = siovh_check_target(check);
	size_t n = 0;

	if (!t->test->adi_trace)
		SKIP("the target cannot read an ADI's event log (the device "
		     "keeps it inside: a real endpoint's is not observable)");
	ASSERT_OK(t->test->adi_trace(t, adi, ev, max, &n));
	ASSERT_LE(n, max);
	return n;
}

unsigned int drain_faults(struct siovh_check *check)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_dma_fault f;
	unsigned int n = 0;

	while (t->test->dma_fault_pop && n < 100000 &&
	       !t->test->dma_fault_pop(t, &f))
		n++;
	return n;
}

bool dma_fault_record(struct siovh_check *check, struct siovh_dma_fault *f)
{
	struct siovh_target *t = siovh_check_target(check);

	if (!t->test->dma_fault_pop) {
		siovh_note(check, "the target's IOMMU keeps its fault records "
			   "(the kernel's): the fault is judged by the "
			   "device's completion record and memory alone");
		return false;
	}
	memset(f, 0, sizeof(*f));
	ASSERT_OK(t->test->dma_fault_pop(t, f));
	return true;
}

void leak_snap(struct siovh_check *check, const struct siovh_profile *p,
	       struct leak_snap *s)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_parent_probe pp;
	uint32_t i;

	memset(s, 0, sizeof(*s));
	if (t->test && t->test->parent_probe &&
	    (t->features & SIOVH_FEAT_TEST_VDEV)) {
		pp = parent_probe(check);
		s->free_adis = pp.free_adis;
		s->nr_vdevs = pp.nr_vdevs;
		s->pinned = pp.pinned_pages;
	}
	for (i = 0; i < p->nr_types; i++)
		ASSERT_OK(t->vfio_device->available_instances(
			t, p->types[i].name, &s->avail[i]));
}

void leak_expect(struct siovh_check *check, const struct siovh_profile *p,
		 const struct leak_snap *before, const char *what)
{
	struct leak_snap now;
	uint32_t i;

	leak_snap(check, p, &now);
	if (now.free_adis != before->free_adis ||
	    now.nr_vdevs != before->nr_vdevs || now.pinned != before->pinned)
		FAIL("after %s: free ADIs %u, VDEVs %u, pinned pages %llu; "
		     "expected %u, %u, %llu as before", what, now.free_adis,
		     now.nr_vdevs, (unsigned long long)now.pinned,
		     before->free_adis, before->nr_vdevs,
		     (unsigned long long)before->pinned);
	for (i = 0; i < p->nr_types; i++)
		if (now.avail[i] != before->avail[i])
			FAIL("after %s: available_instances(%s) = %u, expected "
			     "%u as before", what, p->types[i].name,
			     now.avail[i], before->avail[i]);
}

/* --- interrupts ---------------------------------------------------------- */

int must_eventfd(struct siovh_check *check)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_GE(fd, 0);
	return fd;
}

uint64_t efd_take(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
}

int set_irqs_raw(struct vd *d, uint32_t flags, uint32_t index,
		 uint32_t start, uint32_t count, const void *data, size_t dlen,
		 size_t argsz_data)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + 64 * sizeof(int)];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;

	if (dlen > 64 * sizeof(int))
		return -E2BIG;
	memset(buf, 0, sizeof(buf));
	s->argsz = (uint32_t)(sizeof(*s) + argsz_data);
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (dlen)
		memcpy(s->data, data, dlen);
	return d->t->vfio_device->ioctl(d->t, d->v, VFIO_DEVICE_SET_IRQS, s);
}

static int set_irqs(struct vd *d, uint32_t flags, uint32_t index,
		    uint32_t start, uint32_t count, const void *data,
		    size_t dlen)
{
	return set_irqs_raw(d, flags, index, start, count, data, dlen, dlen);
}

int irq_trigger(struct vd *d, uint32_t index, uint32_t start, uint32_t count,
		const int *fds)
{
	return set_irqs(d, VFIO_IRQ_SET_DATA_EVENTFD |
			VFIO_IRQ_SET_ACTION_TRIGGER, index, start, count, fds,
			count * sizeof(int));
}

int irq_mask(struct vd *d, uint32_t index, uint32_t vec, bool mask)
{
	return set_irqs(d, VFIO_IRQ_SET_DATA_NONE |
			(mask ? VFIO_IRQ_SET_ACTION_MASK :
				VFIO_IRQ_SET_ACTION_UNMASK), index, vec, 1,
			NULL, 0);
}

int irq_fire(struct vd *d, uint32_t index, uint32_t vec)
{
	return set_irqs(d, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			index, vec, 1, NULL, 0);
}

/* --- DMA ----------------------------------------------------------------- */

void dma_map(struct siovh_check *check, struct vd *d, struct dma_buf *b,
	     uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = iova,
		.size = size,
	};

	b->va = aligned_alloc(PAGE_4K, size);
	ASSERT_TRUE(b->va != NULL);
	memset(b->va, 0, size);
	b->iova = iova;
	b->size = size;
	m.vaddr = (uintptr_t)b->va;
	ASSERT_OK(d->t->vfio_device->container_ioctl(d->t, d->v,
						     VFIO_IOMMU_MAP_DMA, &m));
}

int dma_unmap(struct vd *d, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = iova,
		.size = size,
	};

	return d->t->vfio_device->container_ioctl(d->t, d->v,
						  VFIO_IOMMU_UNMAP_DMA, &u);
}

/* --- migration and dirty tracking --------------------------------------- */

static int feature(struct vd *d, uint32_t flags, void *data, size_t len)
{
	uint8_t buf[sizeof(struct vfio_device_feature) + 64];
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	int ret;

	if (len > 64)
		return -E2BIG;
	memset(buf, 0, sizeof(buf));
	f->argsz = (uint32_t)(sizeof(*f) + len);
	f->flags = flags;
	memcpy(f->data, data, len);
	ret = d->t->vfio_device->ioctl(d->t, d->v, VFIO_DEVICE_FEATURE, f);
	memcpy(data, f->data, len);
	return ret;
}

int mig_get(struct vd *d, uint32_t *state)
{
	struct vfio_device_feature_mig_state s = { .data_fd = -1 };
	int ret = feature(d, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &s, sizeof(s));

	*state = s.device_state;
	return ret;
}

int mig_set(struct vd *d, uint32_t state, int *data_fd)
{
	struct vfio_device_feature_mig_state s = {
		.device_state = state, .data_fd = -1,
	};
	int ret = feature(d, VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &s, sizeof(s));

	if (data_fd)
		*data_fd = ret ? -1 : s.data_fd;
	else if (!ret && s.data_fd >= 0)
		close(s.data_fd);
	return ret;
}

int dma_log_start(struct vd *d, uint64_t iova, uint64_t len,
		  uint64_t page_size)
{
	struct vfio_device_feature_dma_logging_range r = {
		.iova = iova, .length = len,
	};
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = page_size, .num_ranges = 1,
		.ranges = (uintptr_t)&r,
	};

	return feature(d, VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &c, sizeof(c));
}

int dma_log_stop(struct vd *d)
{
	uint8_t none[1] = { 0 };

	return feature(d, VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, none, 0);
}

int dma_log_report(struct vd *d, uint64_t iova, uint64_t len,
		   uint64_t page_size, uint64_t *bitmap)
{
	struct vfio_device_feature_dma_logging_report r = {
		.iova = iova, .length = len, .page_size = page_size,
		.bitmap = (uintptr_t)bitmap,
	};

	return feature(d, VFIO_DEVICE_FEATURE_GET |
		       VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &r, sizeof(r));
}

int feature_raw(struct vd *d, uint32_t flags, void *data, size_t len,
		       size_t argsz_data)
{
	uint8_t buf[sizeof(struct vfio_device_feature) + 64];
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	int ret;

	memset(buf, 0, sizeof(buf));
	if (len > 64)
		return -E2BIG;
	f->argsz = (uint32_t)(sizeof(*f) + argsz_data);
	f->flags = flags;
	memcpy(f->data, data, len);
	ret = d->t->vfio_device->ioctl(d->t, d->v, VFIO_DEVICE_FEATURE, f);
	memcpy(data, f->data, len);
	return ret;
}
