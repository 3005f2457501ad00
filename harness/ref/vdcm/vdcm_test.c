/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the reference VDCM over a real reference platform (IOASID
 * core, viommu, siovdev): the lifecycle errors and what they leave, the
 * release order in the ADI's event log, config space emulation and BAR
 * sizing, memory decode gating, interrupts (mailbox vector, masking and
 * pending), a descriptor through the fast path with its pins, queue
 * re-allocation, a migration round trip and the FSM, dirty tracking, and a
 * handful of injected faults seen to change what they should. Prints TAP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "harness/ref/ioasid/ioasid.h"
#include "harness/ref/tap.h"
#include "harness/ref/siovdev/siovdev.h"
#include "harness/ref/viommu/viommu.h"
#include "vdcm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define RID 0x0100
#define CFG VDEV_REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX)
#define BAR0 VDEV_REGION_OFFSET(VFIO_PCI_BAR0_REGION_INDEX)
#define BAR2 VDEV_REGION_OFFSET(VFIO_PCI_BAR2_REGION_INDEX)
#define BUF_SIZE 0x10000

/* The platform: what the ref backend builds, with one fault. */
struct plat {
	struct ioasid_core *ioasid;
	struct viommu *iommu;
	struct siovdev *dev;
	struct vdcm *vdcm;
};

static int host_dma(void *host, uint32_t pasid, uint64_t addr, void *buf,
		    size_t len, bool write)
{
	struct plat *p = host;

	return viommu_dma(p->iommu, RID, true, pasid, addr, buf, len, write);
}

static void host_msi(void *host, uint64_t addr, uint32_t data)
{
	struct plat *p = host;

	if (p->vdcm)
		vdcm_msi(p->vdcm, addr, data);
}

static const struct siovdev_host_ops host_ops = { host_dma, host_msi, NULL };

static bool plat_up(struct plat *p, int fault)
{
	struct viommu_config ic;
	struct siovdev_config dc;
	struct vdcm_params vp;

	memset(p, 0, sizeof(*p));
	viommu_config_default(&ic);
	siovdev_config_default(&dc);
	p->ioasid = ioasid_core_create(1u << 20, IOASID_FAULT_NONE);
	p->iommu = viommu_create(&ic, VIOMMU_FAULT_NONE);
	p->dev = siovdev_create(&dc, &host_ops, p, SIOVDEV_FAULT_NONE);
	if (!p->ioasid || !p->iommu || !p->dev)
		return false;
	vp = (struct vdcm_params) {
		.parent = p->dev, .iommu = p->iommu, .ioasid = p->ioasid,
		.rid = RID, .fault = fault,
	};
	p->vdcm = vdcm_create(&vp);
	return p->vdcm;
}

static void plat_down(struct plat *p)
{
	vdcm_destroy(p->vdcm);
	siovdev_destroy(p->dev);
	viommu_destroy(p->iommu);
	if (p->ioasid)
		ioasid_core_destroy(p->ioasid);
}

static const uint8_t uuid_a[16] = { 0xa }, uuid_b[16] = { 0xb };

static uint32_t rd32(struct plat *p, struct vdcm_vdev *v, uint64_t off)
{
	uint32_t val = 0xdeadbeef;

	if (vdcm_vdev_pread(p->vdcm, v, &val, 4, off) != 4)
		FAIL("read at %#llx failed", (unsigned long long)off);
	return val;
}

static ssize_t wr32(struct plat *p, struct vdcm_vdev *v, uint64_t off,
		    uint32_t val)
{
	return vdcm_vdev_pwrite(p->vdcm, v, &val, 4, off);
}

static void memory_on(struct plat *p, struct vdcm_vdev *v)
{
	uint16_t cmd = 0x6;

	EXPECT_EQ(vdcm_vdev_pwrite(p->vdcm, v, &cmd, 2, CFG + 4), 2);
}

static uint32_t free_adis(struct plat *p)
{
	struct siovh_parent_probe pp;

	vdcm_parent_probe(p->vdcm, &pp);
	return pp.free_adis;
}

/* Create and open a VDEV of type, memory decode on. */
static struct vdcm_vdev *vdev_up(struct plat *p, const char *type,
				 const uint8_t *uuid)
{
	struct vdcm_vdev *v = NULL;

	if (!EXPECT_EQ(vdcm_vdev_create(p->vdcm, type, uuid, &v), 0) ||
	    !EXPECT_EQ(vdcm_vdev_open(p->vdcm, v), 0))
		return NULL;
	memory_on(p, v);
	return v;
}

static void vdev_down(struct plat *p, struct vdcm_vdev *v)
{
	EXPECT_EQ(vdcm_vdev_release(p->vdcm, v), 0);
	EXPECT_EQ(vdcm_vdev_remove(p->vdcm, v), 0);
}

/* ---- Lifecycle ---- */

static void test_create_errors(void)
{
	struct vdcm_vdev *a, *b, *c, *x = NULL;
	unsigned int n;
	struct plat p;

	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_NONE));
	EXPECT_EQ(vdcm_available_instances(p.vdcm, "siovh-4q", &n), 0);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(vdcm_vdev_create(p.vdcm, "nope", uuid_a, &x), -EINVAL);
	EXPECT_EQ(vdcm_vdev_create(p.vdcm, "siovh-4q", uuid_a, &a), 0);
	EXPECT_EQ(vdcm_vdev_create(p.vdcm, "siovh-1q", uuid_a, &x), -EEXIST);
	EXPECT_EQ(vdcm_vdev_create(p.vdcm, "siovh-4q", uuid_b, &b), 0);
	EXPECT_EQ(free_adis(&p), 0);
	EXPECT_EQ(vdcm_vdev_create(p.vdcm, "siovh-1q", (uint8_t[16]){ 3 }, &c),
		  -ENOSPC);
	EXPECT_EQ(vdcm_vdev_remove(p.vdcm, b), 0);
	EXPECT_EQ(free_adis(&p), 4);
	EXPECT_EQ(vdcm_vdev_remove(p.vdcm, b), -ENODEV);
	EXPECT_EQ(vdcm_vdev_remove(p.vdcm, a), 0);
	EXPECT_EQ(free_adis(&p), 8);
	EXPECT_TRUE(x == NULL);
	plat_down(&p);
}

static void test_open_release_remove(void)
{
	struct siovh_vdev_probe vp;
	struct siovh_ioasid_probe ip;
	struct vdcm_vdev *v;
	struct plat p;
	uint32_t pasid, val;

	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_NONE));
	ASSERT_EQ(vdcm_vdev_create(p.vdcm, "siovh-1q", uuid_a, &v), 0);
	EXPECT_EQ(vdcm_vdev_release(p.vdcm, v), -EINVAL);
	EXPECT_EQ(vdcm_vdev_pread(p.vdcm, v, &val, 4, CFG), -EBADF);
	ASSERT_EQ(vdcm_vdev_open(p.vdcm, v), 0);
	EXPECT_EQ(vdcm_vdev_open(p.vdcm, v), -EBUSY);
	EXPECT_EQ(vdcm_vdev_remove(p.vdcm, v), -EBUSY);
	ASSERT_EQ(vdcm_vdev_probe(p.vdcm, v, &vp), 0);
	pasid = vp.default_pasid;
	EXPECT_TRUE(pasid != 0);
	EXPECT_EQ(ioasid_probe(p.ioasid, pasid, &ip), 0);
	EXPECT_EQ(ip.state, SIOVH_IOASID_STATE_ACTIVE);
	EXPECT_EQ(vdcm_vdev_release(p.vdcm, v), 0);
	EXPECT_EQ(ioasid_probe(p.ioasid, pasid, &ip), 0);
	EXPECT_EQ(ip.state, SIOVH_IOASID_STATE_FREE);
	EXPECT_EQ(vdcm_vdev_open(p.vdcm, v), 0);	/* again, released */
	vdev_down(&p, v);
	plat_down(&p);
}

/* Index of the first event of kind in ev[0..n), or -1. */
static long find_ev(const struct siovh_adi_event *ev, size_t n, uint32_t kind)
{
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == kind)
			return (long)i;
	return -1;
}

/* Release order on the ADI's log: PASID_CLEAR, then RESET, then DETACH. */
static bool release_in_order(int fault)
{
	struct siovh_adi_event ev[256];
	struct siovh_vdev_probe vp;
	struct vdcm_vdev *v;
	long clr, rst, det;
	struct plat p;
	size_t n = 0;
	bool ok;

	if (!plat_up(&p, fault))
		return false;
	v = vdev_up(&p, "siovh-1q", uuid_a);
	vdcm_vdev_probe(p.vdcm, v, &vp);
	vdcm_vdev_release(p.vdcm, v);
	vdcm_adi_trace(p.vdcm, vp.adis[0], ev, ARRAY_SIZE(ev), &n);
	clr = find_ev(ev, n, SIOVH_ADI_EV_PASID_CLEAR);
	rst = find_ev(ev, n, SIOVH_ADI_EV_RESET);
	det = find_ev(ev, n, SIOVH_ADI_EV_PASID_DETACH);
	ok = clr >= 0 && rst > clr && det > rst &&
	     ev[clr].seq < ev[rst].seq && ev[rst].seq < ev[det].seq;
	vdcm_vdev_remove(p.vdcm, v);
	plat_down(&p);
	return ok;
}

static void test_release_order(void)
{
	EXPECT_TRUE(release_in_order(VDCM_FAULT_NONE));
	EXPECT_TRUE(!release_in_order(VDCM_FAULT_RESET_BEFORE_INVALIDATE));
	EXPECT_TRUE(!release_in_order(VDCM_FAULT_FREE_PASID_BEFORE_RESET));
	EXPECT_TRUE(!release_in_order(VDCM_FAULT_RELEASE_NO_DETACH));
	EXPECT_TRUE(!release_in_order(VDCM_FAULT_RELEASE_KEEPS_PASID));
}

/* ---- Config space and BARs ---- */

static void test_config(void)
{
	struct vdcm_vdev *v;
	uint32_t val, ones = 0xffffffff;
	uint16_t dev = 0x1234;
	struct plat p;

	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_NONE));
	ASSERT_EQ(vdcm_vdev_create(p.vdcm, "siovh-4q", uuid_a, &v), 0);
	ASSERT_EQ(vdcm_vdev_open(p.vdcm, v), 0);
	EXPECT_EQ(rd32(&p, v, CFG),
		  VDEV_PCI_DEVICE_ID << 16 | VDEV_PCI_VENDOR_ID);
	EXPECT_EQ(vdcm_vdev_pwrite(p.vdcm, v, &dev, 2, CFG + 2), 2);
	EXPECT_EQ(rd32(&p, v, CFG) >> 16, VDEV_PCI_DEVICE_ID);	/* RO */
	EXPECT_EQ(wr32(&p, v, CFG + 0x10, ones), 4);
	EXPECT_EQ(rd32(&p, v, CFG + 0x10), ~(VDEV_BAR0_SIZE - 1) | 0x4);
	EXPECT_EQ(wr32(&p, v, CFG + 0x18, ones), 4);
	EXPECT_EQ(rd32(&p, v, CFG + 0x18), ~(4 * VDEV_PAGE_SIZE - 1) | 0x4);
	EXPECT_EQ(vdcm_vdev_pread(p.vdcm, v, &val, 4, BAR0), -EIO);
	memory_on(&p, v);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_MAXQ), 4);
	EXPECT_EQ(vdcm_vdev_pread(p.vdcm, v, &val, 4, BAR0 + VDEV_BAR0_SIZE),
		  -EINVAL);
	EXPECT_EQ(vdcm_vdev_pread(p.vdcm, v, &val, 2, BAR0), -EINVAL);
	/* The PASID cap is shown while the parent's is enabled. */
	EXPECT_EQ(rd32(&p, v, CFG + VDEV_ECAP_BASE) & 0xffff, 0x1b);
	EXPECT_EQ(siovdev_cfg_write(p.dev, SIOVDEV_CFG_PASID + 6, 2, 0), 0);
	EXPECT_TRUE((rd32(&p, v, CFG + VDEV_ECAP_BASE) & 0xffff) != 0x1b);
	/* Virtual FLR: command register back to 0. */
	EXPECT_EQ(vdcm_vdev_ioctl(p.vdcm, v, VFIO_DEVICE_RESET, NULL), 0);
	EXPECT_EQ(rd32(&p, v, CFG + 4) & 0xffff, 0);
	vdev_down(&p, v);
	plat_down(&p);
}

static void test_region_info(void)
{
	uint64_t raw[32] = { 0 };	/* info, then the capability chain */
	struct vfio_region_info *info = (void *)raw;
	struct vfio_region_info_cap_sparse_mmap *cap = (void *)(info + 1);
	struct vdcm_vdev *v;
	struct plat p;
	void *map;

	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_NONE));
	v = vdev_up(&p, "siovh-4q", uuid_a);
	ASSERT_TRUE(v != NULL);
	info->argsz = sizeof(raw);
	info->index = VFIO_PCI_BAR2_REGION_INDEX;
	ASSERT_EQ(vdcm_vdev_ioctl(p.vdcm, v, VFIO_DEVICE_GET_REGION_INFO,
				  info), 0);
	EXPECT_EQ(info->size, 4 * VDEV_PAGE_SIZE);
	EXPECT_TRUE(info->flags & VFIO_REGION_INFO_FLAG_MMAP);
	EXPECT_EQ(info->cap_offset, sizeof(*info));
	EXPECT_EQ(cap->nr_areas, 4);
	EXPECT_EQ(cap->areas[3].offset, 3 * VDEV_PAGE_SIZE);
	map = vdcm_vdev_mmap(p.vdcm, v, info->offset + VDEV_PAGE_SIZE,
			     VDEV_PAGE_SIZE);
	EXPECT_TRUE(map != NULL);
	EXPECT_TRUE(!vdcm_vdev_mmap(p.vdcm, v, info->offset + 64, 64));
	EXPECT_EQ(vdcm_vdev_munmap(p.vdcm, v, map, VDEV_PAGE_SIZE), 0);
	vdev_down(&p, v);
	plat_down(&p);
}

/* ---- Interrupts ---- */

static int arm(struct plat *p, struct vdcm_vdev *v, uint32_t vec, int fd)
{
	uint64_t raw[4] = { 0 };
	struct vfio_irq_set *set = (void *)raw;
	int32_t fd32 = fd;

	set->argsz = sizeof(*set) + sizeof(fd32);
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->start = vec;
	set->count = 1;
	memcpy(set->data, &fd32, sizeof(fd32));
	return vdcm_vdev_ioctl(p->vdcm, v, VFIO_DEVICE_SET_IRQS, set);
}

static int mask(struct plat *p, struct vdcm_vdev *v, uint32_t vec, bool on)
{
	struct vfio_irq_set s = {
		.argsz = sizeof(s), .index = VFIO_PCI_MSIX_IRQ_INDEX,
		.flags = VFIO_IRQ_SET_DATA_NONE |
			 (on ? VFIO_IRQ_SET_ACTION_MASK :
			       VFIO_IRQ_SET_ACTION_UNMASK),
		.start = vec, .count = 1,
	};

	return vdcm_vdev_ioctl(p->vdcm, v, VFIO_DEVICE_SET_IRQS, &s);
}

static uint64_t take(int fd)
{
	uint64_t n = 0;

	return read(fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
}

static void test_mailbox_irq(void)
{
	int fd = eventfd(0, EFD_NONBLOCK);
	struct vdcm_vdev *v;
	struct plat p;

	ASSERT_TRUE(fd >= 0);
	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_NONE));
	v = vdev_up(&p, "siovh-4q", uuid_a);
	ASSERT_EQ(arm(&p, v, VDEV_VEC_MBOX, fd), 0);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_CMD,
		       VDEV_MBOX_QUERY_QUEUES), 4);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_DOORBELL, 1), 4);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_MBOX_STATUS), VDEV_MBOX_DONE);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_MBOX_RESP), 4u << 16 | 4);
	EXPECT_EQ(take(fd), 1);
	/* Masked: latched, then delivered once on unmask. */
	EXPECT_EQ(mask(&p, v, VDEV_VEC_MBOX, true), 0);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_DOORBELL, 1), 4);
	EXPECT_EQ(take(fd), 0);
	EXPECT_EQ(mask(&p, v, VDEV_VEC_MBOX, false), 0);
	EXPECT_EQ(take(fd), 1);
	/* SET_QUEUES within and beyond maxQ. */
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_CMD,
		       VDEV_MBOX_SET_QUEUES), 4);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_ARG, 5), 4);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_DOORBELL, 1), 4);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_MBOX_STATUS),
		  VDEV_MBOX_DONE | EINVAL);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_ARG, 2), 4);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_DOORBELL, 1), 4);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_MBOX_STATUS), VDEV_MBOX_DONE);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_CURQ), 2);
	EXPECT_EQ(free_adis(&p), 6);
	vdev_down(&p, v);
	close(fd);
	plat_down(&p);
}

/* ---- The fast path, pins, dirty tracking ---- */

static int map(struct plat *p, struct vdcm_vdev *v, void *buf, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf, .iova = iova, .size = BUF_SIZE,
	};

	return vdcm_container_ioctl(p->vdcm, v, VFIO_IOMMU_MAP_DMA, &m);
}

static int copy(struct plat *p, struct vdcm_vdev *v, uint64_t src,
		uint64_t dst, uint32_t size, uint8_t flags)
{
	struct siovdev_desc d = {
		.opcode = SIOVDEV_OP_MEMCOPY,
		.flags = SIOVDEV_DF_COMPLETION | flags,
		.size = size, .completion = 0xf000, .src = src, .dst = dst,
	};

	return (int)vdcm_vdev_pwrite(p->vdcm, v, &d, sizeof(d), BAR2);
}

/* A VFIO_DEVICE_FEATURE request: the header, then its payload. */
static int feature(struct plat *p, struct vdcm_vdev *v, uint32_t flags,
		   void *payload, size_t len)
{
	uint64_t raw[8] = { 0 };
	struct vfio_device_feature *f = (void *)raw;
	int ret;

	f->argsz = (uint32_t)(sizeof(*f) + len);
	f->flags = flags;
	memcpy(f->data, payload, len);
	ret = vdcm_vdev_ioctl(p->vdcm, v, VFIO_DEVICE_FEATURE, f);
	memcpy(payload, f->data, len);
	return ret;
}

static int dirty_ctl(struct plat *p, struct vdcm_vdev *v, bool start)
{
	struct vfio_device_feature_dma_logging_range range = { 0, BUF_SIZE };
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = 4096, .num_ranges = 1,
		.ranges = (uintptr_t)&range,
	};

	return feature(p, v, VFIO_DEVICE_FEATURE_SET |
		       (start ? VFIO_DEVICE_FEATURE_DMA_LOGGING_START :
				VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP),
		       &c, start ? sizeof(c) : 0);
}

static uint64_t dirty_report(struct plat *p, struct vdcm_vdev *v)
{
	uint64_t bitmap = 0;
	struct vfio_device_feature_dma_logging_report r = {
		.iova = 0, .length = BUF_SIZE, .page_size = 4096,
		.bitmap = (uintptr_t)&bitmap,
	};

	if (feature(p, v, VFIO_DEVICE_FEATURE_GET |
		    VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &r, sizeof(r)))
		FAIL("DMA_LOGGING_REPORT failed");
	return bitmap;
}

static void test_fast_path(void)
{
	uint8_t *buf = aligned_alloc(4096, BUF_SIZE);
	int fd = eventfd(0, EFD_NONBLOCK);
	struct siovh_parent_probe pp;
	struct vdcm_vdev *v;
	struct plat p;

	ASSERT_TRUE(buf && fd >= 0);
	memset(buf, 0, BUF_SIZE);
	memset(buf + 0x1000, 0x5a, 0x1000);
	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_NONE));
	v = vdev_up(&p, "siovh-1q", uuid_a);
	ASSERT_EQ(map(&p, v, buf, 0), 0);
	EXPECT_EQ(map(&p, v, buf, 0x1000), -EEXIST);
	ASSERT_EQ(arm(&p, v, VDEV_VEC_QUEUE(0), fd), 0);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_Q(0), VDEV_QCTRL_ENABLE), 4);
	EXPECT_EQ(dirty_ctl(&p, v, true), 0);
	EXPECT_EQ(copy(&p, v, 0x1000, 0x3000, 0x1800, SIOVDEV_DF_INTERRUPT),
		  64);
	EXPECT_EQ(buf[0xf000], SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(buf[0x3fff], 0x5a);
	EXPECT_EQ(take(fd), 1);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_Q(0) + VDEV_Q_DONE), 1);
	/* Written: 0x3000-0x47ff (pages 3, 4) and the record (page 15). */
	EXPECT_EQ(dirty_report(&p, v), 1u << 3 | 1u << 4 | 1u << 15);
	EXPECT_EQ(dirty_report(&p, v), 0);
	EXPECT_EQ(dirty_ctl(&p, v, false), 0);
	vdcm_parent_probe(p.vdcm, &pp);
	EXPECT_EQ(pp.pinned_pages, 0);
	vdev_down(&p, v);
	close(fd);
	free(buf);
	plat_down(&p);
}

static void test_pin_leak_fault(void)
{
	uint8_t *buf = aligned_alloc(4096, BUF_SIZE);
	struct siovh_parent_probe pp;
	struct vdcm_vdev *v;
	struct plat p;

	ASSERT_TRUE(buf != NULL);
	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_PIN_LEAK));
	v = vdev_up(&p, "siovh-1q", uuid_a);
	ASSERT_EQ(map(&p, v, buf, 0), 0);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_Q(0), VDEV_QCTRL_ENABLE), 4);
	EXPECT_EQ(copy(&p, v, 0x1000, 0x3000, 64, 0), 64);
	vdcm_parent_probe(p.vdcm, &pp);
	EXPECT_EQ(pp.pinned_pages, 3);
	vdev_down(&p, v);
	vdcm_parent_probe(p.vdcm, &pp);
	EXPECT_EQ(pp.pinned_pages, 0);		/* release drops them all */
	free(buf);
	plat_down(&p);
}

/* ---- Migration ---- */

static int mig_set(struct plat *p, struct vdcm_vdev *v, uint32_t state,
		   int *fd)
{
	struct vfio_device_feature_mig_state s = {
		.device_state = state, .data_fd = -1,
	};
	int ret = feature(p, v, VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &s, sizeof(s));

	if (fd)
		*fd = s.data_fd;
	else if (s.data_fd >= 0)
		close(s.data_fd);
	return ret;
}

static void test_migration(void)
{
	struct siovh_vdev_probe sp, dp;
	struct vdcm_vdev *s, *d;
	char blob[16384];
	ssize_t len;
	struct plat p;
	int fd;

	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_NONE));
	s = vdev_up(&p, "siovh-4q", uuid_a);
	d = vdev_up(&p, "siovh-4q", uuid_b);
	ASSERT_TRUE(s && d);
	EXPECT_EQ(wr32(&p, s, BAR0 + VDEV_REG_Q(1) + VDEV_Q_VECTOR, 3), 4);
	EXPECT_EQ(wr32(&p, s, BAR0 + VDEV_REG_MBOX_ARG, 0x5eed), 4);
	EXPECT_EQ(mig_set(&p, s, VFIO_DEVICE_STATE_ERROR, NULL), -EINVAL);
	EXPECT_EQ(mig_set(&p, s, VFIO_DEVICE_STATE_PRE_COPY, NULL), -EINVAL);
	/* A combination arc: RUNNING -> RUNNING_P2P -> STOP -> STOP_COPY. */
	ASSERT_EQ(mig_set(&p, s, VFIO_DEVICE_STATE_STOP_COPY, &fd), 0);
	len = read(fd, blob, sizeof(blob));
	close(fd);
	EXPECT_TRUE(len > 0);
	EXPECT_EQ(wr32(&p, s, BAR0 + VDEV_REG_MBOX_ARG, 1), -EBUSY);
	ASSERT_EQ(mig_set(&p, d, VFIO_DEVICE_STATE_RESUMING, &fd), 0);
	EXPECT_EQ(write(fd, blob, (size_t)len), len);
	close(fd);
	ASSERT_EQ(mig_set(&p, d, VFIO_DEVICE_STATE_RUNNING, NULL), 0);
	EXPECT_EQ(rd32(&p, d, BAR0 + VDEV_REG_Q(1) + VDEV_Q_VECTOR), 3);
	EXPECT_EQ(rd32(&p, d, BAR0 + VDEV_REG_MBOX_ARG), 0x5eed);
	vdcm_vdev_probe(p.vdcm, s, &sp);
	vdcm_vdev_probe(p.vdcm, d, &dp);
	EXPECT_TRUE(sp.default_pasid != dp.default_pasid);
	EXPECT_EQ(dp.migration_state, VFIO_DEVICE_STATE_RUNNING);
	vdev_down(&p, d);
	vdev_down(&p, s);
	plat_down(&p);
}

/* RUNNING_P2P holds what reaches a portal; RUNNING runs it; reset drops. */
static void test_held(void)
{
	uint8_t *buf = aligned_alloc(4096, BUF_SIZE);
	struct siovh_parent_probe pp;
	struct siovh_adi_probe ap;
	struct siovh_vdev_probe vp;
	struct vdcm_vdev *v;
	struct plat p;

	ASSERT_TRUE(buf != NULL);
	memset(buf, 0, BUF_SIZE);
	memset(buf + 0x1000, 0x5a, 0x1000);
	ASSERT_TRUE(plat_up(&p, VDCM_FAULT_NONE));
	v = vdev_up(&p, "siovh-4q", uuid_a);
	ASSERT_EQ(map(&p, v, buf, 0), 0);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_Q(0), VDEV_QCTRL_ENABLE), 4);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_QDEPTH), 16);
	ASSERT_EQ(mig_set(&p, v, VFIO_DEVICE_STATE_RUNNING_P2P, NULL), 0);
	EXPECT_EQ(wr32(&p, v, BAR0 + VDEV_REG_MBOX_ARG, 1), -EBUSY);
	EXPECT_EQ(vdcm_set_cur_queues(p.vdcm, v, 1), -EBUSY);
	EXPECT_EQ(copy(&p, v, 0x1000, 0x3000, 64, 0), 64);
	EXPECT_EQ(buf[0xf000], SIOVDEV_CS_NONE);
	vdcm_vdev_probe(p.vdcm, v, &vp);
	vdcm_adi_probe(p.vdcm, vp.adis[0], &ap);
	EXPECT_EQ(ap.queued, 1);
	vdcm_parent_probe(p.vdcm, &pp);
	EXPECT_EQ(pp.pinned_pages, 3);		/* record, source, dest */
	ASSERT_EQ(mig_set(&p, v, VFIO_DEVICE_STATE_RUNNING, NULL), 0);
	EXPECT_EQ(buf[0xf000], SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(buf[0x303f], 0x5a);
	EXPECT_EQ(rd32(&p, v, BAR0 + VDEV_REG_Q(0) + VDEV_Q_DONE), 1);
	vdcm_parent_probe(p.vdcm, &pp);
	EXPECT_EQ(pp.pinned_pages, 0);
	/* Held again, then reset: dropped, never run, nothing pinned. */
	buf[0xf000] = 0;
	ASSERT_EQ(mig_set(&p, v, VFIO_DEVICE_STATE_RUNNING_P2P, NULL), 0);
	EXPECT_EQ(copy(&p, v, 0x1000, 0x5000, 64, 0), 64);
	EXPECT_EQ(vdcm_vdev_ioctl(p.vdcm, v, VFIO_DEVICE_RESET, NULL), 0);
	vdcm_adi_probe(p.vdcm, vp.adis[0], &ap);
	EXPECT_EQ(ap.queued, 0);
	EXPECT_EQ(ap.pasid_valid, 1);
	vdcm_parent_probe(p.vdcm, &pp);
	EXPECT_EQ(pp.pinned_pages, 0);
	ASSERT_EQ(mig_set(&p, v, VFIO_DEVICE_STATE_RUNNING, NULL), 0);
	EXPECT_EQ(buf[0xf000], SIOVDEV_CS_NONE);
	EXPECT_EQ(buf[0x5000], 0);
	vdev_down(&p, v);
	free(buf);
	plat_down(&p);
}

static const struct tap_test tests[] = {
	{ "create: unknown type, duplicate UUID, exhausted ADIs, no leak",
	  test_create_errors },
	{ "open once, remove only when released, PASID freed at release",
	  test_open_release_remove },
	{ "release order: invalidate, reset, detach (and four faults)",
	  test_release_order },
	{ "config: RO bits, BAR sizing, memory gating, PASID cap, FLR",
	  test_config },
	{ "region info: BAR2 size and sparse mmap areas; mmap bounds",
	  test_region_info },
	{ "mailbox: commands, virtual interrupt, mask/unmask, SET_QUEUES",
	  test_mailbox_irq },
	{ "fast path: copy, completion interrupt, dirty pages, pins",
	  test_fast_path },
	{ "fault pin-leak: pins stay after completion, go at release",
	  test_pin_leak_fault },
	{ "migration: illegal requests, combination arc, round trip",
	  test_migration },
	{ "quiescence: RUNNING_P2P holds, RUNNING runs once, reset drops",
	  test_held },
};

int main(void)
{
	return tap_run(tests, ARRAY_SIZE(tests));
}
