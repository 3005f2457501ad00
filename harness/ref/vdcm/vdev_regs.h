/* SPDX-License-Identifier: MIT */
/*
 * The guest-visible layout of a reference VDEV: what a VMM (and so a check)
 * sees through the VFIO-device facet. This header is the contract between
 * the reference VDCM (harness/ref/vdcm) and the clauses of specs/vdcm; a
 * vendor's VDCM has its own layout, described by its device profile.
 *
 * Design (seeds/000, "Design the VDCM"): a VDEV is composed of ADIs of one
 * parent. Its resources are organised into
 *
 *  - a virtual config space, fully emulated (VFIO_PCI_CONFIG_REGION_INDEX);
 *  - BAR0, the slow path: control registers the VDCM traps and emulates,
 *    mapping each virtual queue's settings onto the physical ADI behind it
 *    (VFIO_PCI_BAR0_REGION_INDEX, read/write only, never mmap);
 *  - BAR2, the fast path: one 4 KiB portal per virtual queue, each the
 *    physical ADI's portal mapped straight through (VFIO_PCI_BAR2_REGION_INDEX,
 *    mmap-able areas listed by VFIO_REGION_INFO_CAP_SPARSE_MMAP);
 *  - interrupts: MSI-X vector 0 is the VDCM's virtual interrupt (mailbox
 *    completion); vectors 1..maxQ are ADI completion interrupts, delivered
 *    from the IMS entries the VDCM programs.
 *
 * The guest never sees a host PASID: the VDCM programs the AUX domain's
 * default PASID into every ADI itself, and a queue's guest PASID (vSVA,
 * VDEV_Q_PASID) is translated to a host PASID before it reaches an ADI.
 *
 * Region offsets: region N starts at N << VDEV_REGION_SHIFT of the device
 * fd (the vfio-pci convention). Checks must take offsets from
 * VFIO_DEVICE_GET_REGION_INFO, not from this constant.
 */
#ifndef VDCM_VDEV_REGS_H
#define VDCM_VDEV_REGS_H

#include <stdint.h>

#include <linux/vfio.h>

#define VDEV_REGION_SHIFT	40
#define VDEV_REGION_OFFSET(index) ((uint64_t)(index) << VDEV_REGION_SHIFT)

/* At most this many queues (ADIs) per VDEV: the test facet's limit. */
#define VDEV_MAX_QUEUES		16
#define VDEV_PAGE_SIZE		4096u

/*
 * VFIO_DEVICE_GET_INFO: flags VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET,
 * num_regions VFIO_PCI_NUM_REGIONS (9), num_irqs VFIO_PCI_NUM_IRQS (5).
 *
 * Regions (VFIO_DEVICE_GET_REGION_INFO):
 *   index        size                 flags
 *   BAR0         VDEV_BAR0_SIZE       READ | WRITE
 *   BAR1         0 (upper half of the 64-bit BAR0)
 *   BAR2         maxQ * 4 KiB         READ | WRITE | MMAP | CAPS (sparse mmap:
 *                                     maxQ areas {q * 4096, 4096})
 *   BAR3         0 (upper half of the 64-bit BAR2)
 *   BAR4, BAR5, ROM, VGA   0, flags 0
 *   CONFIG       VDEV_CFG_SIZE        READ | WRITE
 *
 * Access rules (pread/pwrite):
 *   CONFIG: 1, 2 or 4 bytes, naturally aligned, inside the region.
 *   BAR0:   4 bytes, 4-byte aligned, inside the region; only while the
 *           config command register has MEMORY set (else -EIO).
 *   BAR2:   a write of one 64-byte descriptor (struct siovdev_desc,
 *           harness/ref/siovdev/siovdev.h) at a 64-byte-aligned offset of a
 *           portal submits it to the ADI behind that queue (posted: the
 *           outcome is in the completion record); reads of 4 or 8 bytes
 *           return the portal's all-ones; only while MEMORY is set (else
 *           -EIO). mmap of a sparse area gives a read-only view.
 *   Beyond a region, a zero-size region, or a misaligned or odd-sized
 *   access: -EINVAL. A region access on a VDEV that is not open: -EBADF.
 *   While the migration state is RUNNING_P2P, STOP, STOP_COPY or RESUMING,
 *   BAR0 writes are -EBUSY (the user must not touch the device, and the
 *   device must not change state); in STOP, STOP_COPY and RESUMING portal
 *   submissions are -EBUSY too. In RUNNING_P2P a portal submission is
 *   taken and held: no DMA, no completion record, no interrupt until the
 *   VDEV is RUNNING again (or, if the state is saved meanwhile, until the
 *   VDEV it is restored into is). Config space and SET_IRQS keep working.
 */
#define VDEV_BAR0_SIZE		0x1000u
#define VDEV_CFG_SIZE		0x1000u

/* ---- BAR0: the slow path (all registers 32-bit) ---- */

#define VDEV_REG_VERSION	0x000	/* RO: VDEV_VERSION */
#define   VDEV_VERSION		0x00010000u /* 1.0 */
#define VDEV_REG_CAP		0x004	/* RO: VDEV_CAP_* */
#define   VDEV_CAP_MAILBOX	(1u << 0)
#define   VDEV_CAP_SET_QUEUES	(1u << 1) /* guest-cooperated re-allocation */
#define VDEV_REG_MAXQ		0x008	/* RO: queues the type has (maxQ) */
#define VDEV_REG_CURQ		0x00c	/* RO: queues usable now (guest view) */
#define VDEV_REG_INTCAUSE	0x010	/* RW1C: VDEV_INTCAUSE_* */
#define   VDEV_INTCAUSE_MBOX	(1u << 0)	/* mailbox command completed */
#define   VDEV_INTCAUSE_QUEUE(q) (1u << (1 + (q))) /* queue q completed */
/*
 * RO: descriptors a queue holds at most (queues that share an ADI after a
 * guest-transparent re-allocation share them). A portal write to a queue
 * that holds this many, which it can only while held (RUNNING_P2P), is
 * dropped and never runs.
 */
#define VDEV_REG_QDEPTH		0x014

/*
 * The mailbox: the VDEV-VDCM communication channel (seeds/000, "Design the
 * VDCM (Cont'd)", "Mailbox MMIO"). The guest writes CMD and ARG, then any
 * value to DOORBELL; the VDCM executes the command before the write returns,
 * sets STATUS (DONE | result) and RESP, sets INTCAUSE.MBOX and signals
 * MSI-X vector VDEV_VEC_MBOX.
 */
#define VDEV_REG_MBOX_CMD	0x040	/* RW: VDEV_MBOX_* */
#define VDEV_REG_MBOX_ARG	0x044	/* RW */
#define VDEV_REG_MBOX_STATUS	0x048	/* RO */
#define   VDEV_MBOX_DONE	(1u << 31)
#define   VDEV_MBOX_ERR_MASK	0xffffu	/* 0, or a positive errno value */
#define VDEV_REG_MBOX_RESP	0x04c	/* RO */
#define VDEV_REG_MBOX_DOORBELL	0x050	/* WO: execute CMD; reads 0 */

#define VDEV_MBOX_GET_VERSION	0x1	/* RESP = VDEV_VERSION */
#define VDEV_MBOX_QUERY_QUEUES	0x2	/* RESP = maxQ << 16 | curQ */
/*
 * SET_QUEUES(ARG = n): guest-cooperated re-allocation (seeds/002, "Resource
 * Scaling"): n in [1, maxQ], else EINVAL; ENOSPC when the parent has no
 * free ADI to grow into. On success CURQ = n and RESP = n. Queues >= n are
 * disabled; their portals drop submissions.
 */
#define VDEV_MBOX_SET_QUEUES	0x3
/* Any other command: STATUS = DONE | EOPNOTSUPP. */

/* Per-queue registers: queue q's block at VDEV_REG_Q(q). */
#define VDEV_REG_Q_BASE		0x100
#define VDEV_REG_Q_STRIDE	0x20
#define VDEV_REG_Q(q)		(VDEV_REG_Q_BASE + (q) * VDEV_REG_Q_STRIDE)
#define VDEV_Q_CTRL		0x00	/* RW: VDEV_QCTRL_* */
#define   VDEV_QCTRL_ENABLE	(1u << 0) /* enable the queue (the ADI) */
#define   VDEV_QCTRL_RESET	(1u << 1) /* WO, self-clearing: drain+reset */
#define VDEV_Q_STATUS		0x04	/* RO: VDEV_QSTS_* */
#define   VDEV_QSTS_ENABLED	(1u << 0)
#define   VDEV_QSTS_ERROR	(1u << 1) /* enable refused (queue >= CURQ) */
#define   VDEV_QSTS_PASID_ERR	(1u << 2) /* a Q_PASID write was refused */
#define VDEV_Q_VECTOR		0x08	/* RW: MSI-X vector, 1..maxQ */
#define VDEV_Q_DONE		0x0c	/* RO: descriptors completed */
/*
 * vSVA (seeds/000, "Intel Scalable IOV & vSVA"; seeds/001): the queue's
 * PASID, a guest PASID. With PASID_EN clear (the reset value) the queue's
 * DMA carries the AUX domain's default PASID (non-SVA DMA, translated by
 * the VDEV's IOAS); with PASID_EN set it carries the host PASID the VDCM
 * maps the guest PASID to (vdcm_vdev_gpasid_to_host: the guest PASID must
 * have been attached through /dev/iommu first). The VDCM programs the ADI
 * behind the queue at the write. A write is refused (register unchanged,
 * STATUS.PASID_ERR set; a successful write clears it) while the queue is
 * enabled, when PASID_EN is set and the VDEV's PASID capability is not
 * enabled, while the ADI behind the queue serves other queues too (curQ
 * below maxQ after a guest-transparent re-allocation), or when the guest
 * PASID has no host PASID. Queue reset, VDEV reset and release return it
 * to 0; a guest PASID freed through /dev/iommu clears PASID_EN of the
 * queues that used it (their queues are reset by the free). While any
 * queue has PASID_EN the VDEV's ADIs are not re-allocated: SET_QUEUES
 * and the VDCM's own re-allocation fail with EBUSY. Not migrated: the
 * destination's guest PASIDs must be attached again.
 */
#define VDEV_Q_PASID		0x10	/* RW */
#define   VDEV_QPASID_MASK	0x000fffffu
#define   VDEV_QPASID_EN	(1u << 31)

/*
 * MSI-X table and PBA, inside BAR0 (the MSI-X capability points here). The
 * table is emulated storage: delivery follows VFIO_DEVICE_SET_IRQS, as with
 * vfio-pci. 16 bytes per entry, maxQ + 1 entries.
 */
#define VDEV_MSIX_TABLE		0x800
#define VDEV_MSIX_PBA		0xc00

/* Reset values: CTRL 0, STATUS 0, VECTOR q + 1, DONE 0, CURQ = maxQ. */

/* ---- Interrupts (VFIO_DEVICE_GET_IRQ_INFO / SET_IRQS) ---- */

/*
 * Only VFIO_PCI_MSIX_IRQ_INDEX has vectors: count maxQ + 1, flags
 * EVENTFD | MASKABLE | NORESIZE. INTX, MSI, ERR and REQ: count 0.
 * SET_IRQS on MSIX: ACTION_TRIGGER with DATA_EVENTFD (fd -1 disarms a
 * vector), DATA_NONE (count 0: disarm all; count > 0: fire), DATA_BOOL;
 * ACTION_MASK / ACTION_UNMASK with DATA_NONE or DATA_BOOL. A masked vector
 * latches its interrupt as pending and signals once on unmask; an interrupt
 * for a vector without an eventfd is lost. Arming any vector with an
 * eventfd sets the MSI-X capability's enable bit; disabling the index
 * (TRIGGER, DATA_NONE, count 0) clears it. An ADI's IMS entry is unmasked
 * exactly while that bit is set and its queue's vector is unmasked.
 */
#define VDEV_VEC_MBOX		0	/* the virtual interrupt */
#define VDEV_VEC_QUEUE(q)	(1 + (q)) /* default vector of queue q */

/* ---- Virtual config space (VFIO_PCI_CONFIG_REGION_INDEX) ---- */

#define VDEV_PCI_VENDOR_ID	0x8086
#define VDEV_PCI_DEVICE_ID	0x0d5e
#define VDEV_PCI_REVISION	0x01
#define VDEV_PCI_CLASS		0x088000 /* system peripheral, other */
/* Subsystem vendor = VDEV_PCI_VENDOR_ID, subsystem ID = maxQ. */

/*
 * Standard header (type 0):
 *   0x04 command: MEMORY (bit 1), MASTER (bit 2) and INTX_DISABLE (bit 10)
 *        are RW, all else reads 0. MEMORY gates BAR0/BAR2 access; reset
 *        value 0, so a VMM sets it before touching a BAR.
 *   0x06 status: CAP_LIST set, RO.
 *   0x10 BAR0: 64-bit memory, non-prefetchable, size VDEV_BAR0_SIZE.
 *   0x18 BAR2: 64-bit memory, non-prefetchable, size maxQ * 4 KiB rounded
 *        up to a power of two. BAR sizing: writing all ones reads back the
 *        size mask with the type bits; the address bits are RW.
 *   0x20 BAR4, 0x24 BAR5, 0x30 ROM: unimplemented, read 0, ignore writes.
 *   0x34 capability pointer: VDEV_CAP_PCIE. 0x3c interrupt line RW, pin 0.
 *   Everything else RO.
 */
#define VDEV_CAP_PCIE		0x40	/* PCIe cap v2, endpoint, FLR capable */
#define VDEV_CAP_MSIX		0x80	/* MSI-X, table in BAR0 (below) */
/*
 * Extended capabilities from 0x100, in this order, each present only while
 * the parent has the same capability enabled (seeds/000, "VDCM to support
 * vSVA (Cont.)"): PASID (0x1b), ATS (0x0f), PRI (0x13). They are packed at
 * VDEV_ECAP_STRIDE steps from 0x100; with none present the dword at 0x100
 * reads 0. Their control registers are RW as on hardware and start at 0.
 *
 * Virtual FLR: PCIe device control bit 15 (Initiate FLR) does what
 * VFIO_DEVICE_RESET does.
 */
#define VDEV_ECAP_BASE		0x100
#define VDEV_ECAP_STRIDE	0x10

#endif /* VDCM_VDEV_REGS_H */
