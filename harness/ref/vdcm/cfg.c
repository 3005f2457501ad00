/* SPDX-License-Identifier: MIT */
/*
 * The VDEV's virtual config space (seeds/000, "Design the VDCM": "the
 * virtual config space"). Nothing of it reaches the parent: it is emulated
 * from two arrays, the bytes and a mask of the bits a write may change, so
 * RO bits ignore writes and the BAR sizing protocol falls out of the BAR's
 * mask (writing all ones reads back ~(size - 1) with the RO type bits).
 *
 * The extended capabilities (PASID, ATS, PRI) are not stored: they are laid
 * out afresh at each access from the parent's state, because the VDEV may
 * show a capability only while the parent has it enabled (seeds/000, "VDCM
 * to support vSVA (Cont.)"). Only their guest-written control registers are
 * kept. The layout is in vdev_regs.h.
 */
#include <errno.h>
#include <string.h>

#include "vdcm_internal.h"

/* Standard config register offsets and bits used here. */
#define CFG_VENDOR		0x00
#define CFG_DEVICE		0x02
#define CFG_COMMAND		0x04
#define   CMD_IO		0x0001
#define   CMD_MEMORY		0x0002
#define   CMD_MASTER		0x0004
#define   CMD_INTX_DISABLE	0x0400
#define CFG_STATUS		0x06
#define   STS_CAP_LIST		0x0010
#define CFG_REVISION		0x08
#define CFG_CACHE_LINE		0x0c
#define CFG_BAR0		0x10
#define CFG_BAR2		0x18
#define   BAR_MEM_64		0x4
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_ROM			0x30
#define CFG_CAP_PTR		0x34
#define CFG_INT_LINE		0x3c

/* PCIe capability (at VDEV_CAP_PCIE). */
#define PCIE_CAP_ID		0x10
#define PCIE_FLAGS		0x02	/* version 2, endpoint */
#define PCIE_DEVCAP		0x04
#define   DEVCAP_FLR		(1u << 28)
#define PCIE_DEVCTL		0x08
#define   DEVCTL_FLR		0x8000
#define PCIE_CAP_LEN		0x3c

/* MSI-X capability (at VDEV_CAP_MSIX). */
#define MSIX_CAP_ID		0x11
#define MSIX_CTRL		0x02
#define   MSIX_CTRL_ENABLE	0x8000
#define   MSIX_CTRL_MASKALL	0x4000
#define MSIX_TABLE		0x04
#define MSIX_PBA		0x08

/* Extended capabilities. */
#define ECAP_PASID		0x001b
#define ECAP_ATS		0x000f
#define ECAP_PRI		0x0013
#define PASID_CTRL_RW		0x0007	/* enable, execute, privileged */
#define ATS_CTRL_RW		0x801f	/* enable, smallest translation unit */
#define PRI_CTRL_RW		0x0001	/* enable (bit 1, reset, reads 0) */
#define PRI_OUTSTANDING		32	/* page requests the VDEV may have */

static void put8(uint8_t *p, uint32_t off, uint8_t v)
{
	p[off] = v;
}

static void put16(uint8_t *p, uint32_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t off, uint32_t v)
{
	put16(p, off, (uint16_t)v);
	put16(p, off + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *p, uint32_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

/* A BAR's size: a power of two covering what it holds. */
static uint64_t bar_size(const struct vdcm_vdev *vdev, int bar)
{
	uint64_t size = VDEV_PAGE_SIZE;

	if (bar == 0)
		return VDEV_BAR0_SIZE;
	while (size < (uint64_t)vdev_max_queues(vdev) * VDEV_PAGE_SIZE)
		size <<= 1;
	return size;
}

/* A 64-bit memory BAR at off: address bits RW, size and type bits RO. */
static void cfg_init_bar(struct vdcm_vdev *vdev, uint32_t off, uint64_t size)
{
	uint64_t mask = ~(size - 1);

	/* Fault: the mask answers a BAR twice the real size. */
	if (off == CFG_BAR0 && vdcm_fault(vdev->vdcm, VDCM_FAULT_BAR_SIZING))
		mask = ~(2 * size - 1);
	put32(vdev->cfg.bytes, off, BAR_MEM_64);
	put32(vdev->cfg.bytes, off + 4, 0);
	put32(vdev->cfg.wmask, off, (uint32_t)mask & ~0xfu);
	put32(vdev->cfg.wmask, off + 4, (uint32_t)(mask >> 32));
}

static void cfg_init_header(struct vdcm_vdev *vdev)
{
	uint8_t *b = vdev->cfg.bytes, *w = vdev->cfg.wmask;

	put16(b, CFG_VENDOR, VDEV_PCI_VENDOR_ID);
	put16(b, CFG_DEVICE, VDEV_PCI_DEVICE_ID);
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_CFG_RO_WRITABLE))
		put16(w, CFG_DEVICE, 0xffff);
	put16(w, CFG_COMMAND, CMD_MEMORY | CMD_MASTER | CMD_INTX_DISABLE);
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_COMMAND_IO_WRITABLE))
		put16(w, CFG_COMMAND, CMD_IO | CMD_MEMORY | CMD_MASTER |
				      CMD_INTX_DISABLE);
	put16(b, CFG_STATUS, STS_CAP_LIST);
	put32(b, CFG_REVISION, VDEV_PCI_CLASS << 8 | VDEV_PCI_REVISION);
	put8(w, CFG_CACHE_LINE, 0xff);
	cfg_init_bar(vdev, CFG_BAR0, bar_size(vdev, 0));
	cfg_init_bar(vdev, CFG_BAR2, bar_size(vdev, 2));
	put16(b, CFG_SUBSYS_VENDOR, VDEV_PCI_VENDOR_ID);
	put16(b, CFG_SUBSYS_ID, (uint16_t)vdev_max_queues(vdev));
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_ROM_BAR_WRITABLE))
		put32(w, CFG_ROM, 0xfffff801);
	put8(b, CFG_CAP_PTR, VDEV_CAP_PCIE);
	put8(w, CFG_INT_LINE, 0xff);
}

static void cfg_init_pcie(struct vdcm_vdev *vdev)
{
	uint8_t *b = vdev->cfg.bytes + VDEV_CAP_PCIE;
	uint8_t *w = vdev->cfg.wmask + VDEV_CAP_PCIE;

	put8(b, 0, PCIE_CAP_ID);
	put8(b, 1, VDEV_CAP_MSIX);
	put16(b, PCIE_FLAGS, 0x0002);
	put32(b, PCIE_DEVCAP, DEVCAP_FLR);
	/* Device control: the ordinary bits are storage; FLR is a command
	 * (cfg_write catches it) and always reads 0. */
	put16(w, PCIE_DEVCTL, 0x7fff);
}

static void cfg_init_msix(struct vdcm_vdev *vdev)
{
	uint8_t *b = vdev->cfg.bytes + VDEV_CAP_MSIX;
	uint8_t *w = vdev->cfg.wmask + VDEV_CAP_MSIX;

	put8(b, 0, MSIX_CAP_ID);
	put8(b, 1, 0);			/* the end of the list */
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_CAP_LIST_LOOP))
		put8(b, 1, VDEV_CAP_PCIE);
	put16(b, MSIX_CTRL, (uint16_t)(vdev_nr_vectors(vdev) - 1));
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MSIX_TABLE_SIZE))
		put16(b, MSIX_CTRL, (uint16_t)(vdev_nr_vectors(vdev) - 2));
	put16(w, MSIX_CTRL, MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	put32(b, MSIX_TABLE, VDEV_MSIX_TABLE | 0);	/* BIR 0 */
	put32(b, MSIX_PBA, VDEV_MSIX_PBA | 0);
}

/* The reset state of the whole virtual config space. */
void vdcm_cfg_init(struct vdcm_vdev *vdev)
{
	memset(&vdev->cfg, 0, sizeof(vdev->cfg));
	cfg_init_header(vdev);
	cfg_init_pcie(vdev);
	cfg_init_msix(vdev);
}

bool vdcm_cfg_memory_enabled(const struct vdcm_vdev *vdev)
{
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_MEMORY_NOT_GATED))
		return true;
	return get16(vdev->cfg.bytes, CFG_COMMAND) & CMD_MEMORY;
}

/* Where the extended caps sit right now; 0 for a cap not shown. */
struct ecap_layout {
	uint32_t pasid, ats, pri;
};

static bool show_pasid(struct vdcm_vdev *vdev)
{
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_PASID_CAP_ALWAYS))
		return true;
	return vdcm_hw_ecap_enabled(vdev->vdcm, ECAP_PASID);
}

static void ecap_place(uint8_t *b, uint32_t *prev, uint32_t off, uint16_t id)
{
	/* Header: ID, version 1, next 0; then link the previous one here. */
	put32(b, off, (uint32_t)id | 1u << 16);
	if (*prev)
		put32(b, *prev, get16(b, *prev) | 1u << 16 | off << 20);
	*prev = off;
}

/* Lay the extended caps into the stored bytes and masks, from scratch. */
static struct ecap_layout cfg_build_ecaps(struct vdcm_vdev *vdev)
{
	struct ecap_layout at = { 0 };
	uint8_t *b = vdev->cfg.bytes, *w = vdev->cfg.wmask;
	uint32_t off = VDEV_ECAP_BASE, prev = 0;

	memset(b + VDEV_ECAP_BASE, 0, 3 * VDEV_ECAP_STRIDE);
	memset(w + VDEV_ECAP_BASE, 0, 3 * VDEV_ECAP_STRIDE);
	if (show_pasid(vdev)) {
		at.pasid = off;
		ecap_place(b, &prev, off, ECAP_PASID);
		/* Capability: the parent's widths and modes, as host limits. */
		put16(b, off + 4, (uint16_t)vdcm_hw_pasid_cap(vdev->vdcm));
		put16(b, off + 6, vdev->cfg.pasid_ctrl);
		put16(w, off + 6, PASID_CTRL_RW);
		off += VDEV_ECAP_STRIDE;
	}
	if (vdcm_hw_ecap_enabled(vdev->vdcm, ECAP_ATS) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_ATS_CAP_HIDDEN)) {
		at.ats = off;
		ecap_place(b, &prev, off, ECAP_ATS);
		put16(b, off + 6, vdev->cfg.ats_ctrl);
		put16(w, off + 6, ATS_CTRL_RW);
		off += VDEV_ECAP_STRIDE;
	}
	if (vdcm_hw_ecap_enabled(vdev->vdcm, ECAP_PRI)) {
		at.pri = off;
		ecap_place(b, &prev, off, ECAP_PRI);
		put16(b, off + 4, vdev->cfg.pri_ctrl);
		put16(w, off + 4, PRI_CTRL_RW);
		put32(b, off + 8, PRI_OUTSTANDING);
		put32(b, off + 12, vdev->cfg.pri_alloc);
		put32(w, off + 12, 0xffffffff);
	}
	return at;
}

/* Keep what the guest wrote to the extended caps' control registers. */
static void cfg_save_ecaps(struct vdcm_vdev *vdev, struct ecap_layout at)
{
	const uint8_t *b = vdev->cfg.bytes;

	if (at.pasid)
		vdev->cfg.pasid_ctrl = get16(b, at.pasid + 6);
	if (at.ats)
		vdev->cfg.ats_ctrl = get16(b, at.ats + 6);
	if (at.pri) {
		vdev->cfg.pri_ctrl = get16(b, at.pri + 4);
		vdev->cfg.pri_alloc = (uint32_t)get16(b, at.pri + 12) |
				      (uint32_t)get16(b, at.pri + 14) << 16;
	}
}

static bool cfg_access_ok(size_t len, uint64_t off)
{
	if (len != 1 && len != 2 && len != 4)
		return false;
	if (off % len || off >= VDEV_CFG_SIZE || off + len > VDEV_CFG_SIZE)
		return false;
	return true;
}

ssize_t vdcm_cfg_read(struct vdcm_vdev *vdev, void *buf, size_t len,
		      uint64_t off)
{
	if (!cfg_access_ok(len, off)) {
		if (off >= VDEV_CFG_SIZE && !(off % 4) && len == 4 &&
		    vdcm_fault(vdev->vdcm, VDCM_FAULT_CFG_BEYOND_REGION)) {
			memset(buf, 0, len);	/* the bug: reads "work" */
			return (ssize_t)len;
		}
		return -EINVAL;
	}
	if (off >= VDEV_ECAP_BASE)
		cfg_build_ecaps(vdev);
	memcpy(buf, vdev->cfg.bytes + off, len);
	return (ssize_t)len;
}

#define FLR_BYTE	(VDEV_CAP_PCIE + PCIE_DEVCTL + 1)
/* The byte of the MSI-X message control that holds ENABLE. */
#define MSIX_ENABLE_BYTE (VDEV_CAP_MSIX + MSIX_CTRL + 1)

/* Does the write [off, off + len) reach the device control byte of FLR? */
static bool cfg_flr_byte(size_t len, uint64_t off)
{
	return off <= FLR_BYTE && FLR_BYTE < off + len;
}

/* A write to the PCIe device control register may start a virtual FLR. */
static bool cfg_flr_requested(const uint8_t *buf, size_t len, uint64_t off)
{
	return cfg_flr_byte(len, off) &&
	       (buf[FLR_BYTE - off] & (DEVCTL_FLR >> 8));
}

ssize_t vdcm_cfg_write(struct vdcm_vdev *vdev, const void *buf, size_t len,
		  uint64_t off)
{
	const uint8_t *src = buf;
	struct ecap_layout at = { 0 };
	uint8_t *b = vdev->cfg.bytes;
	const uint8_t *w = vdev->cfg.wmask;
	size_t i;
	int ret;

	if (!cfg_access_ok(len, off))
		return -EINVAL;
	/* A virtual FLR (the fault's bug: any write of its byte is one). */
	if (cfg_flr_requested(src, len, off) ||
	    (vdcm_fault(vdev->vdcm, VDCM_FAULT_FLR_ANY_WRITE) &&
	     cfg_flr_byte(len, off))) {
		ret = vdcm_vdev_reset(vdev);
		return ret ? ret : (ssize_t)len;
	}
	if (off >= VDEV_ECAP_BASE)
		at = cfg_build_ecaps(vdev);
	for (i = 0; i < len; i++)
		b[off + i] = (uint8_t)((b[off + i] & ~w[off + i]) |
				       (src[i] & w[off + i]));
	if (off >= VDEV_ECAP_BASE)
		cfg_save_ecaps(vdev, at);
	/* The MSI-X enable bit gates every ADI's IMS entry (vdev_regs.h):
	 * the guest's driver turning MSI-X off must mask them now, not at
	 * the next SET_IRQS or restore. */
	if (off <= MSIX_ENABLE_BYTE && MSIX_ENABLE_BYTE < off + len &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_CFG_MSIX_KEEPS_IMS)) {
		ret = vdcm_irq_ims_sync(vdev);
		if (ret)
			return ret;
	}
	return (ssize_t)len;
}
