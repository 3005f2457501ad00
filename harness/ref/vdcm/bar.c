/* SPDX-License-Identifier: MIT */
/*
 * The VDEV's virtual BARs (seeds/000, "Design the VDCM": "the virtual bar
 * regions"), as VFIO regions:
 *
 *  - BAR0, the slow path: every access is trapped here and emulated. The
 *    guest's queue settings are applied to the physical ADIs behind the
 *    queues (mailbox.c), never passed through as register writes, so the
 *    guest cannot name a PASID, an IMS entry or another VDEV's ADI.
 *  - BAR2, the fast path: one page per queue, the physical ADI's portal.
 *    A descriptor written there goes to the ADI unchanged; the VDCM only
 *    pins the pages it will touch on the way (pin.c).
 *
 * While the VDEV is quiesced for migration (vdcm_internal.h) the slow path
 * takes no writes: in RUNNING_P2P, as in the STOP states, the user must not
 * touch the device (linux/vfio.h), and a queue disabled or reset now would
 * run the work its held ADI keeps, DMA the state forbids. The fast path is
 * the device's own MMIO, which peers may still write in RUNNING_P2P (that
 * is what P2P quiescence is for): a descriptor arriving then is queued by
 * the held ADI and runs when the VDEV is RUNNING again. In the STOP states
 * portal writes are refused as well.
 *
 * The register layout is in vdev_regs.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vdcm_internal.h"

#define DESC_SIZE	64

static uint64_t bar2_size(const struct vdcm_vdev *vdev)
{
	return (uint64_t)vdev_max_queues(vdev) * VDEV_PAGE_SIZE;
}

/* ---- Region info ---- */

static void region_set(struct vfio_region_info *info, uint64_t size,
		       uint32_t flags)
{
	info->offset = VDEV_REGION_OFFSET(info->index);
	info->size = size;
	info->flags = flags;
	info->cap_offset = 0;
}

/*
 * The fast path's sparse-mmap capability: one area per queue, each a page.
 * Like the kernel, when argsz is too small for it, say how much is needed
 * in argsz and write no chain.
 */
static int region_sparse_cap(struct vdcm_vdev *vdev,
			     struct vfio_region_info *info)
{
	struct vfio_region_info_cap_sparse_mmap *cap;
	uint32_t i, n = vdev_max_queues(vdev);
	uint64_t shift = 0;
	size_t need = sizeof(*info) + sizeof(*cap) + n * sizeof(cap->areas[0]);

	info->flags |= VFIO_REGION_INFO_FLAG_CAPS;
	if (info->argsz < need) {
		info->argsz = (uint32_t)need;
		return 0;
	}
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_SPARSE_MISALIGNED))
		shift = 64;
	cap = (void *)((char *)info + sizeof(*info));
	memset(cap, 0, need - sizeof(*info));
	cap->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	cap->header.version = 1;
	cap->header.next = 0;
	cap->nr_areas = n;
	for (i = 0; i < n; i++) {
		cap->areas[i].offset = i * VDEV_PAGE_SIZE + shift;
		cap->areas[i].size = VDEV_PAGE_SIZE;
	}
	info->cap_offset = sizeof(*info);
	return 0;
}

int vdcm_bar_region_info(struct vdcm_vdev *vdev, struct vfio_region_info *info)
{
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ |
			    VFIO_REGION_INFO_FLAG_WRITE;
	uint64_t size;

	if (info->argsz < sizeof(*info))
		return -EINVAL;
	if (info->index >= VFIO_PCI_NUM_REGIONS) {
		if (info->index >= 64 || !vdcm_fault(vdev->vdcm,
					VDCM_FAULT_REGION_INDEX_UNCHECKED))
			return -EINVAL;
		region_set(info, 0, 0);		/* the bug: answers anyway */
		return 0;
	}
	switch (info->index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		region_set(info, VDEV_CFG_SIZE, rw);
		return 0;
	case VFIO_PCI_BAR0_REGION_INDEX:
		region_set(info, VDEV_BAR0_SIZE, rw);
		return 0;
	case VFIO_PCI_BAR2_REGION_INDEX:
		size = bar2_size(vdev);
		if (vdcm_fault(vdev->vdcm, VDCM_FAULT_REGION_SIZE))
			size += VDEV_PAGE_SIZE;
		region_set(info, size, rw | VFIO_REGION_INFO_FLAG_MMAP);
		if (vdcm_fault(vdev->vdcm, VDCM_FAULT_REGION_OVERLAP))
			info->offset = VDEV_BAR0_SIZE / 2; /* inside BAR0 */
		return region_sparse_cap(vdev, info);
	default:
		region_set(info, 0, 0);
		return 0;
	}
}

/* ---- BAR0: the slow path ---- */

static uint32_t msix_read(struct vdcm_vdev *vdev, uint64_t off)
{
	uint32_t val;

	memcpy(&val, vdev->regs.msix + off, sizeof(val));
	return val;
}

/* The PBA: one bit per vector, set while an interrupt is latched, by the
 * VDCM or by an IMS entry of the vector's ADIs (vdcm_irq_pending). */
static bool pba_bit(struct vdcm_vdev *vdev, uint32_t vector)
{
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_PBA_HIDES_IMS))
		return vdev->vec[vector].pending; /* the bug: the VDCM's only */
	return vdcm_irq_pending(vdev, vector);
}

static uint32_t pba_read(struct vdcm_vdev *vdev, uint64_t off)
{
	uint32_t i, val = 0;

	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_PBA_EMPTY))
		return 0;	/* the bug: pending bits never shown */
	for (i = 0; i < vdev_nr_vectors(vdev); i++)
		if (i / 32 == off / 4 && pba_bit(vdev, i))
			val |= 1u << (i % 32);
	return val;
}

static uint32_t queue_reg_read(struct vdcm_vdev *vdev, uint32_t q,
			       uint32_t reg)
{
	const struct vdcm_queue_regs *r = &vdev->regs.q[q];

	switch (reg) {
	case VDEV_Q_CTRL:
		return r->ctrl;
	case VDEV_Q_STATUS:
		return r->status;
	case VDEV_Q_VECTOR:
		return r->vector;
	case VDEV_Q_DONE:
		return r->done;
	case VDEV_Q_PASID:
		return r->pasid;
	}
	return 0;
}

static uint32_t reg_read(struct vdcm_vdev *vdev, uint64_t off)
{
	const struct vdcm_regs *r = &vdev->regs;
	uint32_t msix_end = VDEV_MSIX_TABLE +
			    vdev_nr_vectors(vdev) * VDEV_MSIX_ENTRY_SIZE;
	uint32_t q_end = VDEV_REG_Q(vdev_max_queues(vdev));
	uint64_t qoff = off - VDEV_REG_Q_BASE;

	if (off >= VDEV_REG_Q_BASE && off < q_end)
		return queue_reg_read(vdev, qoff / VDEV_REG_Q_STRIDE,
				      qoff % VDEV_REG_Q_STRIDE);
	if (off >= VDEV_MSIX_TABLE && off < msix_end)
		return msix_read(vdev, off - VDEV_MSIX_TABLE);
	if (off >= VDEV_MSIX_PBA && off < VDEV_MSIX_PBA + 8)
		return pba_read(vdev, off - VDEV_MSIX_PBA);
	switch (off) {
	case VDEV_REG_VERSION:
		return VDEV_VERSION;
	case VDEV_REG_CAP:
		return VDEV_CAP_MAILBOX | VDEV_CAP_SET_QUEUES;
	case VDEV_REG_MAXQ:
		return vdev_max_queues(vdev);
	case VDEV_REG_QDEPTH:
		return vdev->vdcm->queue_depth;
	case VDEV_REG_CURQ:
		return r->curq;
	case VDEV_REG_INTCAUSE:
		return r->intcause;
	case VDEV_REG_MBOX_CMD:
		return r->mbox_cmd;
	case VDEV_REG_MBOX_ARG:
		return r->mbox_arg;
	case VDEV_REG_MBOX_STATUS:
		return r->mbox_status;
	case VDEV_REG_MBOX_RESP:
		return r->mbox_resp;
	}
	return 0;			/* reserved: reads 0 */
}

static int queue_reg_write(struct vdcm_vdev *vdev, uint32_t q, uint32_t reg,
			   uint32_t val)
{
	struct vdcm_queue_regs *r = &vdev->regs.q[q];

	switch (reg) {
	case VDEV_Q_CTRL:
		r->ctrl = val & VDEV_QCTRL_ENABLE;
		if (val & VDEV_QCTRL_RESET)
			return vdcm_queue_reset(vdev, q);
		return vdcm_queue_apply(vdev, q);
	case VDEV_Q_VECTOR:
		if ((val < 1 || val > vdev_max_queues(vdev)) &&
		    !vdcm_fault(vdev->vdcm, VDCM_FAULT_QUEUE_VECTOR_UNCHECKED))
			return 0;	/* out of range: ignored */
		r->vector = val;
		return vdcm_irq_ims_sync(vdev);
	case VDEV_Q_PASID:
		return vdcm_qpasid_write(vdev, q, val);
	}
	return 0;			/* RO or reserved */
}

static int reg_write(struct vdcm_vdev *vdev, uint64_t off, uint32_t val)
{
	struct vdcm_regs *r = &vdev->regs;
	uint32_t msix_end = VDEV_MSIX_TABLE +
			    vdev_nr_vectors(vdev) * VDEV_MSIX_ENTRY_SIZE;
	uint32_t q_end = VDEV_REG_Q(vdev_max_queues(vdev));
	uint64_t qoff = off - VDEV_REG_Q_BASE;

	if (off >= VDEV_REG_Q_BASE && off < q_end)
		return queue_reg_write(vdev, qoff / VDEV_REG_Q_STRIDE,
				       qoff % VDEV_REG_Q_STRIDE, val);
	if (off >= VDEV_MSIX_TABLE && off < msix_end) {
		/* The index first: r->msix + off would point past the table
		 * (undefined, and UBSan's bounds check said so: found by the
		 * vfio_device_ops fuzz target, fuzz/vfio_device_ops/
		 * regressions/msix-write-index). */
		memcpy(r->msix + (off - VDEV_MSIX_TABLE), &val, sizeof(val));
		return 0;
	}
	switch (off) {
	case VDEV_REG_INTCAUSE:
		r->intcause &= ~val;		/* RW1C */
		break;
	case VDEV_REG_MBOX_CMD:
		r->mbox_cmd = val;
		break;
	case VDEV_REG_MBOX_ARG:
		r->mbox_arg = val;
		break;
	case VDEV_REG_MBOX_DOORBELL:
		vdcm_mbox_doorbell(vdev);
		break;
	case VDEV_REG_MBOX_RESP:
		if (vdcm_fault(vdev->vdcm, VDCM_FAULT_RESP_WRITABLE))
			r->mbox_resp = val;	/* the bug: RO takes it */
		break;
	}
	return 0;
}

void vdcm_regs_init(struct vdcm_vdev *vdev)
{
	uint32_t q, v;

	for (q = 0; q < vdev_max_queues(vdev); q++)
		vdcm_qpasid_clear(vdev, q);	/* its references */
	memset(&vdev->regs, 0, sizeof(vdev->regs));
	vdev->regs.curq = vdev_max_queues(vdev);
	for (q = 0; q < vdev_max_queues(vdev); q++)
		vdev->regs.q[q].vector = VDEV_VEC_QUEUE(q);
	/* MSI-X vector control: masked until the guest says otherwise. */
	for (v = 0; v < vdev_nr_vectors(vdev); v++)
		vdev->regs.msix[v * VDEV_MSIX_ENTRY_SIZE + 12] = 1;
}

static ssize_t bar0_access(struct vdcm_vdev *vdev, void *buf, size_t len,
			   uint64_t off, bool write)
{
	uint32_t val;
	int ret;

	if (!write && len == 4 && off % 4 && off < VDEV_BAR0_SIZE &&
	    vdcm_fault(vdev->vdcm, VDCM_FAULT_SLOW_PATH_MISALIGNED)) {
		val = reg_read(vdev, off & ~3ull);
		memcpy(buf, &val, len);		/* the bug: rounded down */
		return (ssize_t)len;
	}
	if (len != 4 || off % 4)
		return -EINVAL;
	if (off >= VDEV_BAR0_SIZE) {
		if (write || !vdcm_fault(vdev->vdcm,
					 VDCM_FAULT_READ_BEYOND_REGION))
			return -EINVAL;
		memset(buf, 0xff, len);		/* the bug: reads "work" */
		return (ssize_t)len;
	}
	if (!write) {
		val = reg_read(vdev, off);
		memcpy(buf, &val, sizeof(val));
		return (ssize_t)len;
	}
	if (vdev_quiesced(vdev) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_STOP_ACCEPTS_WRITES))
		return -EBUSY;
	memcpy(&val, buf, sizeof(val));
	ret = reg_write(vdev, off, val);
	return ret ? ret : (ssize_t)len;
}

/* ---- BAR2: the fast path ---- */

/*
 * A descriptor through queue q's portal, to the ADI serving q. An unheld
 * ADI has run it when this returns; a held one keeps it (pinned) until it
 * is let go. A descriptor the ADI drops at the door is unpinned at once.
 */
int vdcm_portal_submit(struct vdcm_vdev *vdev, uint32_t q, const void *desc)
{
	struct vdcm *vdcm = vdev->vdcm;
	uint32_t adi = vdev_adi_of_queue(vdev, q);
	uint64_t done = vdcm_hw_adi_completed(vdcm, adi);
	int ret;

	if (q >= vdev->regs.curq)
		return 0;		/* queue not provided: dropped */
	if (q >= vdev->cur_queues && vdcm_fault(vdcm, VDCM_FAULT_NO_MULTIPLEX))
		return 0;		/* the bug: no ADI of its own, dropped */
	ret = vdcm_pin_submit(vdev, q, adi, desc);
	if (ret == -ENOMEM && vdcm_fault(vdcm, VDCM_FAULT_PIN_ENOMEM_RUNS))
		vdcm_hw_adi_submit(vdcm, adi, desc);	/* the bug: unpinned */
	if (ret)
		return ret;
	ret = vdcm_hw_adi_submit(vdcm, adi, desc);
	if (ret) {
		vdcm_pin_cancel(vdev);
		return ret < 0 ? ret : 0;	/* dropped: still posted */
	}
	vdcm_pin_complete(vdev, adi, done);
	return 0;
}

static ssize_t bar2_access(struct vdcm_vdev *vdev, void *buf, size_t len,
			   uint64_t off, bool write)
{
	uint32_t q = (uint32_t)(off / VDEV_PAGE_SIZE);
	uint64_t in_page = off % VDEV_PAGE_SIZE;
	uint8_t pad[DESC_SIZE];
	int ret;

	if (off >= bar2_size(vdev) || len > bar2_size(vdev) - off)
		return -EINVAL;
	if (!write) {
		if ((len != 4 && len != 8) || off % len)
			return -EINVAL;
		return vdcm_hw_adi_portal_read(vdev->vdcm,
					       vdev_adi_of_queue(vdev, q),
					       buf, len, in_page);
	}
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_PORTAL_SHORT_WRITE) &&
	    len < DESC_SIZE && !(off % DESC_SIZE)) {
		/* the bug: half a descriptor is taken for a whole one */
		memset(pad, 0, sizeof(pad));
		memcpy(pad, buf, len);
		buf = pad;
		len = DESC_SIZE;
	}
	if (len != DESC_SIZE || off % DESC_SIZE)
		return -EINVAL;
	if (vdev_stopped(vdev) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_STOP_ACCEPTS_WRITES))
		return -EBUSY;
	ret = vdcm_portal_submit(vdev, q, buf);
	return ret ? ret : (ssize_t)len;
}

/* A BAR region access at the region's own offset. */
ssize_t vdcm_bar_access(struct vdcm_vdev *vdev, uint32_t index, void *buf,
		   size_t len, uint64_t off, bool write)
{
	if (!vdcm_cfg_memory_enabled(vdev))
		return -EIO;		/* memory decode off: unsupported */
	if (index == VFIO_PCI_BAR0_REGION_INDEX)
		return bar0_access(vdev, buf, len, off, write);
	return bar2_access(vdev, buf, len, off, write);
}

/* ---- mmap of the fast path ---- */

void *vdcm_bar_mmap(struct vdcm_vdev *vdev, uint64_t offset, size_t len)
{
	uint64_t base = VDEV_REGION_OFFSET(VFIO_PCI_BAR2_REGION_INDEX);
	uint64_t off = offset - base, in_page = off % VDEV_PAGE_SIZE;
	void *p;

	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MMAP_SLOW_PATH) &&
	    offset < VDEV_BAR0_SIZE)
		off = in_page = 0;	/* the bug: BAR0 maps like a portal */
	else if (offset < base)
		off = UINT64_MAX;
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MMAP_UNALIGNED))
		in_page = 0;	/* the bug: rounded down to the page */
	if (off >= bar2_size(vdev) || !len || in_page ||
	    len > VDEV_PAGE_SIZE || vdev->nr_mmaps == VDCM_MAX_MMAPS) {
		errno = EINVAL;
		return NULL;
	}
	/* A read-only view: in-process, a store cannot reach the device. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0xff, len);
	if (mprotect(p, len, PROT_READ)) {
		munmap(p, len);
		return NULL;
	}
	vdev->mmaps[vdev->nr_mmaps].addr = p;
	vdev->mmaps[vdev->nr_mmaps].len = len;
	vdev->nr_mmaps++;
	return p;
}

int vdcm_bar_munmap(struct vdcm_vdev *vdev, void *addr, size_t len)
{
	uint32_t i;

	for (i = 0; i < vdev->nr_mmaps; i++) {
		if (vdev->mmaps[i].addr != addr || vdev->mmaps[i].len != len)
			continue;
		munmap(addr, len);
		vdev->mmaps[i] = vdev->mmaps[--vdev->nr_mmaps];
		return 0;
	}
	return -EINVAL;
}

void vdcm_bar_munmap_all(struct vdcm_vdev *vdev)
{
	while (vdev->nr_mmaps) {
		vdev->nr_mmaps--;
		munmap(vdev->mmaps[vdev->nr_mmaps].addr,
		       vdev->mmaps[vdev->nr_mmaps].len);
	}
}
