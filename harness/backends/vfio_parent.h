/* SPDX-License-Identifier: MIT */
/*
 * The reference VDCM's hardware over a real SIOV endpoint: the VFIO
 * implementation of struct vdcm_hw_ops (harness/ref/vdcm/vdcm.h), behind
 * the target "ref:parent=vfio:BDF" (ref_vfio.c). The VDCM is the
 * reference's software; the parent is the PCI function BDF (the QEMU
 * endpoint of vm-images/qemu, whose register layout is siovdev.h's), and
 * the IOMMU is the running kernel's, through iommufd:
 *
 *  - the function must already be bound to vfio-pci with a VFIO cdev
 *    (/sys/bus/pci/devices/BDF/vfio-dev/vfioN); nothing is bound, unbound
 *    or reset here beyond what opening the cdev does (vfio-pci resets the
 *    function at open and close: every target starts from a reset device);
 *  - the cdev is bound to a /dev/iommu of its own; the RID is attached to
 *    a PASID-capable HWPT over an IOAS with nothing but the interrupt
 *    page (below) mapped, so DMA without a PASID faults; each AUX domain of the VDCM is an IOAS with a PASID-capable
 *    HWPT over it, attached at the VDEV's PASID with
 *    VFIO_DEVICE_ATTACH_IOMMUFD_PT + VFIO_DEVICE_ATTACH_PASID, and the
 *    VDEV's container mappings are IOMMU_IOAS_MAP of the caller's memory at
 *    fixed IOVAs: the endpoint's PASID-tagged DMA goes through the real
 *    kernel's page tables into this process;
 *  - BAR0 (registers) and BAR2 (portals) through the cdev's region
 *    pread/pwrite; a portal submission is one 64-byte pwrite, and a drop
 *    at the door is seen in the ADI's DROPPED register, told from a drop
 *    at the descriptor's turn by the ADI's state before the write;
 *  - config space: reads from the function's sysfs config file (vfio-pci
 *    hides the PASID capability from its config region); the pci facet's
 *    writes go there as they are, and an FLR among them is followed by the
 *    host's part (100 ms, then the BAR addresses put back: see
 *    vfio_parent_cfg_pwrite); the VDCM's writes below
 *    0x100 (COMMAND, the capabilities' control registers) through the
 *    vfio config region, so that vfio-pci's view of memory enable stays
 *    the device's, and writes above 0x100 through sysfs;
 *  - the parent's configuration is siovdev_config_default's (the QEMU
 *    device's), checked against the device's NR_ADIS, IMS_SIZE and
 *    MAX_QUEUE registers at open; ATS and PRI are left out of it: the
 *    kernel's IOMMU driver owns them (and QEMU's VT-d has no page request
 *    queue), so the VDCM enables only what it may;
 *  - interrupts: the kernel gives user space no IMS, and a message to the
 *    interrupt window from a device the VDCM drives would reach the
 *    guest's interrupt remapping, not the VDCM. So the IMS entries' real
 *    address and data (written in their place) point each entry at its
 *    own 4-byte slot of a page of this process, mapped in the RID's
 *    domain, where the device's message lands as the DWORD write it is;
 *    after each access that can make the device send one, a non-zero slot
 *    is the entry's message, handed (with the address and data the VDCM
 *    programmed, which reads of the entry return) to the callback
 *    vfio_parent_set_msi names (vdcm_msi). Mask and pending bits stay the
 *    device's own;
 *  - the ADI probe is read from the ADI's registers (STATUS, PASID, QSIZE,
 *    IRQ, QUEUED, ERROR, DROPPED, COMPLETED and the IMS entry's CTRL); with
 *    PRI off no descriptor can wait for a page, so page_wait is 0 (with
 *    PRI on the probe is -EOPNOTSUPP). What only the device model's
 *    insides know is not offered: the ADI event log (adi_trace), the
 *    IOMMU's fault records and fault count (the kernel keeps them).
 *
 * One device, one user: vfio_parent_open takes an exclusive flock on the
 * function's sysfs config file before it opens the cdev (the same lock as
 * the kernel target's pci facet, kernel_pci.h), held until close, so
 * checks in parallel children take turns.
 */
#ifndef SIOVH_BACKENDS_VFIO_PARENT_H
#define SIOVH_BACKENDS_VFIO_PARENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness/ref/vdcm/vdcm.h"

struct vfio_parent;

/*
 * Open the function bdf (canonical DDDD:BB:DD.F) as above. 0, or -errno
 * with a one-line reason in why (-ENODEV: no such function, not bound to
 * vfio-pci, or registers that are not the reference endpoint's).
 */
int vfio_parent_open(const char *bdf, struct vfio_parent **out, char *why,
		     size_t whylen);
void vfio_parent_close(struct vfio_parent *p);	/* NULL is a no-op */

/* Where the parent's interrupt messages go (vdcm_msi and its VDCM). */
void vfio_parent_set_msi(struct vfio_parent *p,
			 void (*msi)(void *ctx, uint64_t addr, uint32_t data),
			 void *ctx);

/* The ops, with a struct vfio_parent * as their hw argument. */
extern const struct vdcm_hw_ops vfio_parent_hw_ops;

/* The function's config space through sysfs (the pci facet): bytes or
 * -errno; sizes 1, 2, 4, naturally aligned, below 4096. */
ssize_t vfio_parent_cfg_pread(struct vfio_parent *p, void *buf, size_t len,
			      uint64_t off);
ssize_t vfio_parent_cfg_pwrite(struct vfio_parent *p, const void *buf,
			       size_t len, uint64_t off);

#endif /* SIOVH_BACKENDS_VFIO_PARENT_H */
