/* SPDX-License-Identifier: MIT */
/*
 * siovdev: a software Scalable IOV endpoint, the reference device of siovh
 * (DESIGN.md, "What the reference implementations are"; issue 3, item 1;
 * seeds/000_6bc20b151d18e797.txt, "What's new in hardware?" and the
 * "Intel Scalable IOV capability" DVSEC table).
 *
 * The device has N Assignable Device Interfaces (ADIs): dedicated work
 * queues, each with a 4 KiB-aligned portal in BAR2 (the fast path: a VDCM
 * maps it straight into a VDEV) and a register block in BAR0 (the slow
 * path: PASID, enable, drain, reset; a VDCM emulates it). Completion
 * interrupts come from Interrupt Message Storage (IMS) in BAR0. Every DMA
 * an ADI issues carries the ADI's PASID: under SIOV even non-SVA DMA is
 * PASID-tagged, and the PASID is what the IOMMU isolates ADIs by.
 *
 * Host independence. The device core knows nothing of its host: DMA and
 * interrupt messages leave through struct siovdev_host_ops, so the same
 * core runs in-process over harness/ref/viommu and inside QEMU. It uses
 * only the C library (malloc, memcpy), keeps no global state, and is not
 * thread-safe: the host serialises calls (a VDCM lock, QEMU's BQL) and the
 * callbacks must not call into the same device.
 *
 * Identity: vendor 0x8086, device SIOVDEV_DEVICE_ID (0x5107, "SIOV": the
 * siovh reference device, not a product), class 0x088000 (system
 * peripheral), revision 1.
 *
 * ======================================================================
 * Configuration space (4 KiB, PCIe extended; little-endian)
 * ======================================================================
 *
 *   0x000 type-0 header
 *         0x00 vendor/device        RO
 *         0x04 COMMAND              RW: bit 1 memory space, 2 bus master,
 *                                   6 parity error response, 8 SERR#,
 *                                   10 INTx disable; others RO 0 (no I/O
 *                                   BAR: bit 0 is hardwired 0)
 *         0x06 STATUS               RO bit 4 (capabilities list = 1);
 *                                   RW1C bits 8, 11..15. The device sets
 *                                   bit 13 (received master abort) when
 *                                   a DMA request it issued failed.
 *         0x08 revision, class      RO
 *         0x0C cache line size      RW (byte); latency, header type 0,
 *                                   BIST: RO 0
 *         0x10 BAR0 (64-bit, with 0x14)  control registers, 32 KiB
 *         0x18 BAR2 (64-bit, with 0x1C)  ADI portals (size: see BAR2)
 *         0x20 BAR4, 0x24 BAR5      not implemented: RO 0
 *         0x2C subsystem vendor/ID  RO 0x8086 / 0x5107
 *         0x34 capabilities ptr     RO 0x40
 *         0x3C interrupt line       RW; interrupt pin RO 0 (no INTx)
 *     BAR sizing: a BAR register keeps only the address bits above the
 *     BAR's size (low dword bits 3:0 read 0b0100: memory, 64-bit,
 *     non-prefetchable), so writing all-ones and reading back returns
 *     ~(size - 1) with the type bits, across both dwords.
 *   0x040 PCI Express capability (ID 0x10, version 2, endpoint), next 0x80
 *         +0x04 DEVCAP  RO: max payload 128 B, FLR capable (bit 28)
 *         +0x08 DEVCTL  RW mask 0x79FF (phantom functions and aux power
 *                       RO 0); bit 15 written 1 starts a Function Level
 *                       Reset (siovdev_flr), reads 0
 *         +0x0A DEVSTA  RW1C bits 3:0 (the device never sets them)
 *         +0x24 DEVCAP2 RO: bit 21 End-End TLP Prefix supported (which
 *                       carries the PASID) when PASID is configured
 *         everything else RO
 *   0x080 MSI-X capability (ID 0x11), next 0x00
 *         +0x02 message control: table size RO (vectors - 1), bit 14
 *               function mask RW, bit 15 enable RW
 *         +0x04 table: BAR0 + SIOVDEV_MSIX_TABLE; +0x08 PBA: BAR0 +
 *               SIOVDEV_MSIX_PBA
 *   Extended capabilities are packed from 0x100 in the order PASID, ATS,
 *   PRI, DVSEC, leaving out those the configuration lacks (so the first is
 *   always at 0x100, as PCIe requires); with all of them present they sit
 *   at the offsets below. siovdev_cfg_ext_offset() finds them.
 *   0x100 PASID (ext ID 0x1B, v1), if configured
 *         +0x04 capability RO: bit 1 execute permission supported, bit 2
 *               privileged mode supported, bits 12:8 max PASID width
 *         +0x06 control: bit 0 PASID enable RW; bits 1, 2 RW when the
 *               matching capability bit is set, else RO 0
 *   0x110 ATS (ext ID 0x0F, v1), if configured
 *         +0x04 capability RO: invalidate queue depth 0 (= 32), page
 *               aligned request (bit 5)
 *         +0x06 control: bit 15 enable RW, bits 4:0 smallest translation
 *               unit RW
 *   0x120 PRI (ext ID 0x13, v1), if configured
 *         +0x04 control: bit 0 enable RW, bit 1 reset (write 1, reads 0)
 *         +0x06 status: bits 0, 1 RW1C; bit 8 stopped RO (1 while
 *               disabled); bit 15 PRG response PASID required RO 1
 *         +0x08 outstanding page request capacity RO (32)
 *         +0x0C outstanding page request allocation RW
 *   0x130 SIOV DVSEC (ext ID 0x23, v1), always; the last in the chain
 *         +0x04 DVSEC vendor 0x8086 [15:0], revision 0 [19:16], length
 *               0x18 [31:20]                                       RO
 *         +0x08 DVSEC ID 5                                         RO
 *         +0x0A function dependency link: 0 (the function itself, no
 *               dependency)                                        RO
 *         +0x0B flags: bit 0 homogeneous (all ADIs alike) = 1      RO
 *         +0x0C supported page sizes: bit n = 2^(n+12) bytes, bit 0
 *               (4 KiB) always set                                 RO
 *         +0x10 system page size: exactly one bit, default 1 (4 KiB).
 *               A write (of any size: the bytes are merged into the
 *               dword first) takes effect only if the merged value has
 *               exactly one bit set and that bit is supported; any other
 *               write is ignored and the old value stays.          RW
 *         +0x14 capabilities: bit 0 IMS supported                  RO
 *   The chain from 0x100 always ends at the DVSEC (next 0). RO fields
 *   ignore writes; reserved and unused bytes read 0.
 *
 * Accesses: size 1, 2 or 4, naturally aligned, offset < 4096; -EINVAL
 * otherwise.
 *
 * ======================================================================
 * BAR0: control registers (slow path), 32 KiB; accesses 4 or 8 bytes,
 * naturally aligned (an 8-byte access is two 4-byte ones, low first).
 * ======================================================================
 *
 *   0x0000 VERSION      RO32  0x00010000
 *   0x0004 NR_ADIS      RO32
 *   0x0008 IMS_SIZE     RO32  IMS entries (0: no IMS)
 *   0x000C MAX_QUEUE    RO32  the largest QSIZE
 *   0x0010 ERR_SUMMARY  RO64  bit n: ADI n's ERROR is valid
 *   0x1000 + n * 0x40   ADI n's register block (SIOVDEV_ADI_*):
 *     +0x00 CTRL        RW32  bit 0 ENABLE, bit 1 HOLD
 *     +0x04 STATUS      RO32  bit 0 enabled, bit 1 held, bit 2 error
 *     +0x08 PASID       RW32  bits 19:0 PASID (bits at and above the
 *                             PASID capability's max width read 0),
 *                             bit 31 PASID_VALID
 *     +0x0C QSIZE       RW32  queue depth, 1..MAX_QUEUE, default
 *                             MAX_QUEUE; ignored while enabled or out of
 *                             range
 *     +0x10 IRQ         RW32  the IMS entry for completion interrupts,
 *                             default n; writes >= IMS_SIZE ignored.
 *                             Without IMS: RO 0, and ADI n interrupts
 *                             through MSI-X vector 1 + n
 *     +0x14 DRAIN       WO32  write 1: execute every queued descriptor
 *     +0x18 RESET       WO32  write 1: reset the ADI (below)
 *     +0x1C QUEUED      RO32  descriptors waiting
 *     +0x20 ERROR       RW1C32 bits 7:0 first error (SIOVDEV_ERR_*), bit
 *                             31 valid; writing bit 31 clears the register
 *     +0x24 DROPPED     RO32  descriptors not executed since reset
 *     +0x28 COMPLETED   RO32  descriptors executed since reset
 *   0x2000 MSI-X table  16 B per vector: +0 address low, +4 address high,
 *                       +8 data, +0xC vector control (bit 0 mask, default
 *                       1). Vector 0: an ADI's ERROR became valid.
 *   0x3000 MSI-X PBA    RO, one bit per vector
 *   0x4000 IMS table    16 B per entry, same layout as MSI-X; vector
 *                       control bit 0 MASK (RW, default 1), bit 1
 *                       PENDING (RO). At most SIOVDEV_MAX_IMS entries.
 *
 * ======================================================================
 * BAR2: ADI portals (fast path)
 * ======================================================================
 *
 *   ADI n's portal is the page at n * S, where S is the DVSEC system page
 *   size (4 KiB by default): every portal is aligned to the page size the
 *   system maps with, so each can go to a different VDEV. BAR2's size is
 *   N * S rounded up to a power of two. A 64-byte, 64-byte-aligned write
 *   anywhere in a portal submits one descriptor to that ADI (a posted
 *   write, like MOVDIR64B: no answer; a descriptor the ADI cannot take is
 *   dropped and reported in its ERROR/DROPPED registers). Reads return
 *   all-ones. Other accesses are -EINVAL.
 *
 * With memory space (COMMAND bit 1) clear, BAR accesses fail with -EIO
 * (an unsupported request) and change nothing.
 *
 * ======================================================================
 * Descriptors (64 bytes, little-endian) and completion records (32 bytes)
 * ======================================================================
 *
 *   +0x00 u8  opcode     SIOVDEV_OP_NOP / MEMCOPY / MEMFILL
 *   +0x01 u8  flags      bit 0 COMPLETION (write a completion record to
 *                        +0x08), bit 1 INTERRUPT (interrupt on completion),
 *                        bit 2 BLOCK_ON_FAULT (a translation fault waits
 *                        for a page response: "Page requests" below)
 *   +0x02 u16 reserved   0
 *   +0x04 u32 size       bytes to copy or fill, <= SIOVDEV_MAX_XFER
 *   +0x08 u64 completion record address, 32-byte aligned
 *   +0x10 u64 source address (MEMCOPY) or 8-byte pattern (MEMFILL: byte i
 *             of the destination gets pattern byte i % 8)
 *   +0x18 u64 destination address
 *   +0x20 u64 tag, copied into the completion record
 *   +0x28..0x3F reserved, 0
 *
 *   Completion record: +0x00 u8 status (SIOVDEV_CS_*), +0x01 u8 bit 0:
 *   the fault was on a write, +0x04 u32 bytes completed, +0x08 u64 the
 *   faulting address, +0x10 u64 tag, the rest 0. It is written after the
 *   data, and the interrupt is sent after the record.
 *
 * ======================================================================
 * Execution model (deterministic, synchronous)
 * ======================================================================
 *
 *  - Submission: a descriptor to a disabled ADI is dropped (ERR_DISABLED);
 *    to a full queue (QUEUED == QSIZE) dropped (ERR_QUEUE_FULL). Otherwise
 *    it is queued and, unless the ADI is held (CTRL.HOLD), the queue is run
 *    to empty before the submitting call returns. So an enabled, unheld
 *    ADI has finished a descriptor when its portal write returns.
 *  - Execution, in submission order. No DMA at all (ERROR set, DROPPED++)
 *    when bus master (COMMAND bit 2) or PASID enable (PASID control bit
 *    0) is clear, or the ADI's PASID_VALID is clear: ERR_BUS_MASTER,
 *    ERR_PASID_DISABLED, ERR_NO_PASID. An invalid descriptor (unknown
 *    opcode or flag, nonzero reserved field, size too large) does no data
 *    DMA and completes with CS_INVALID; a misaligned completion address
 *    drops it (ERR_INVALID). Otherwise the data moves in DMA requests that
 *    never cross a 4 KiB boundary (the PCIe rule), each through
 *    host_ops->dma with the ADI's PASID; the first failing request stops
 *    the descriptor with CS_PAGE_FAULT and that request's address. Then
 *    the completion record (if asked), then the interrupt (if asked).
 *    COMPLETED++ for every executed descriptor; a status other than
 *    SUCCESS also sets ERROR (ERR_DESC_FAULT / ERR_DESC_INVALID).
 *  - PASID register writes take effect for every descriptor executed
 *    afterwards, queued ones included.
 *  - CTRL: ENABLE 0->1 enables; 1->0 first runs the queue (work accepted
 *    is finished), then disables. HOLD 1->0 runs the queue.
 *  - DRAIN runs the queue to empty, held or not.
 *  - RESET discards queued descriptors without any DMA and returns the
 *    ADI's registers to their defaults (disabled, not held, PASID 0
 *    invalid, QSIZE MAX_QUEUE, IRQ n, ERROR and counters 0). The IMS
 *    table is the device's, not the ADI's: reset leaves it alone.
 *  - Interrupts: a message (address, data) goes to host_ops->msi if bus
 *    master is set and the entry is unmasked (MSI-X also needs enable set
 *    and function mask clear); otherwise the entry's pending bit is set,
 *    and unmasking an entry with its pending bit set sends the message and
 *    clears the bit.
 *  - Function Level Reset (DEVCTL bit 15, siovdev_flr): every ADI is reset
 *    (one RESET event each), IMS and MSI-X entries return to masked and
 *    zero, and config space returns to its defaults.
 *
 * ======================================================================
 * Page requests (PRI, PCIe 10.4; pri.c)
 * ======================================================================
 *
 *  - A descriptor with BLOCK_ON_FAULT whose DMA request fails, while PRI
 *    is enabled (PRI control bit 0), Response Failure (PRI status bit 0)
 *    is clear, fewer requests are outstanding than the PRI allocation
 *    register allows and the host takes page requests, does not complete:
 *    the device sends one page request (host_ops->page_request: the
 *    faulting page, READ or WRITE, the ADI's PASID, a PRG index of its
 *    own, last set) and the descriptor stays at the head of the ADI's
 *    queue, which stops there ("page wait"). Otherwise the fault completes
 *    the descriptor with CS_PAGE_FAULT as above.
 *  - siovdev_page_response for that (PASID, PRG index): SUCCESS retries
 *    the descriptor from its start (copy and fill are idempotent), and a
 *    descriptor that needs more than SIOVDEV_PR_RETRIES responses gives
 *    up with CS_PAGE_FAULT; INVALID completes it with CS_PAGE_FAULT;
 *    FAILURE does too and sets Response Failure, which stops all page
 *    requests until software clears it. Then the queue runs on (unless
 *    the ADI is held). A response that matches no waiting group is
 *    ignored and counted (siovdev_pri_unexpected).
 *  - DRAIN and CTRL.ENABLE 1->0 give up on a waiting descriptor
 *    (CS_PAGE_FAULT) before they run the rest; RESET and FLR discard it;
 *    a later response to its group is unexpected. PRI status "stopped"
 *    (bit 8) reads 1 when PRI is disabled and nothing is outstanding.
 *
 * Event log: each ADI keeps its newest SIOVDEV_EVENT_DEPTH events, with a
 * sequence number from one counter per device, so logs of different ADIs
 * interleave into one order. Kinds and values match SIOVH_ADI_EV_* of
 * harness/include/siovh/test.h. PASID_SET is logged for every PASID write
 * with PASID_VALID set (arg: the PASID), PASID_CLEAR for every write with
 * it clear (arg: the PASID it held); ENABLE/DISABLE on transitions of
 * CTRL.ENABLE; DRAIN and RESET per command; DMA per DMA request (arg: the
 * PASID it carried); IRQ per message sent (arg: the IMS entry or MSI-X
 * vector).
 */
#ifndef SIOVDEV_SIOVDEV_H
#define SIOVDEV_SIOVDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults.h"

#define SIOVDEV_VENDOR_ID	0x8086
#define SIOVDEV_DEVICE_ID	0x5107
#define SIOVDEV_CLASS		0x088000
#define SIOVDEV_REVISION	0x01

#define SIOVDEV_CFG_SIZE	4096
#define SIOVDEV_MAX_ADIS	64
#define SIOVDEV_MAX_IMS		1024
#define SIOVDEV_MAX_QUEUE	256
#define SIOVDEV_MAX_XFER	(1u << 20)
#define SIOVDEV_EVENT_DEPTH	256
#define SIOVDEV_PR_RETRIES	4	/* responses per descriptor */

/* Config space: where the capabilities live (ext caps: all present). */
#define SIOVDEV_CFG_PCIE	0x40
#define SIOVDEV_CFG_MSIX	0x80
#define SIOVDEV_CFG_PASID	0x100
#define SIOVDEV_CFG_ATS		0x110
#define SIOVDEV_CFG_PRI		0x120
#define SIOVDEV_CFG_DVSEC	0x130
#define SIOVDEV_EXT_ID_PASID	0x1B
#define SIOVDEV_EXT_ID_ATS	0x0F
#define SIOVDEV_EXT_ID_PRI	0x13

/* The SIOV DVSEC, offsets from its start. */
#define SIOVDEV_DVSEC_ID_EXT	0x23	/* extended capability ID */
#define SIOVDEV_DVSEC_VERSION	1
#define SIOVDEV_DVSEC_VENDOR	0x8086
#define SIOVDEV_DVSEC_REV	0
#define SIOVDEV_DVSEC_LEN	0x18
#define SIOVDEV_DVSEC_ID	5	/* DVSEC ID for Scalable IOV */
#define SIOVDEV_DVSEC_HDR1	0x04	/* vendor, rev, length */
#define SIOVDEV_DVSEC_HDR2	0x08	/* DVSEC ID */
#define SIOVDEV_DVSEC_FDL	0x0A	/* function dependency link */
#define SIOVDEV_DVSEC_FLAGS	0x0B
#define SIOVDEV_DVSEC_FLAG_HOMOGENEOUS	0x01
#define SIOVDEV_DVSEC_SUP_PGSZ	0x0C
#define SIOVDEV_DVSEC_SYS_PGSZ	0x10
#define SIOVDEV_DVSEC_CAP	0x14
#define SIOVDEV_DVSEC_CAP_IMS	0x01

/* BAR0 registers. */
#define SIOVDEV_BAR0_SIZE	0x8000
#define SIOVDEV_REG_VERSION	0x0000
#define SIOVDEV_REG_NR_ADIS	0x0004
#define SIOVDEV_REG_IMS_SIZE	0x0008
#define SIOVDEV_REG_MAX_QUEUE	0x000C
#define SIOVDEV_REG_ERR_SUMMARY	0x0010
#define SIOVDEV_REG_ADI_BASE	0x1000
#define SIOVDEV_REG_ADI_STRIDE	0x40
#define SIOVDEV_REG_ADI(n, reg)	\
	(SIOVDEV_REG_ADI_BASE + (n) * SIOVDEV_REG_ADI_STRIDE + (reg))
#define SIOVDEV_ADI_CTRL	0x00
#define SIOVDEV_ADI_CTRL_ENABLE		(1u << 0)
#define SIOVDEV_ADI_CTRL_HOLD		(1u << 1)
#define SIOVDEV_ADI_STATUS	0x04
#define SIOVDEV_ADI_STATUS_ENABLED	(1u << 0)
#define SIOVDEV_ADI_STATUS_HELD		(1u << 1)
#define SIOVDEV_ADI_STATUS_ERROR	(1u << 2)
#define SIOVDEV_ADI_PASID	0x08
#define SIOVDEV_ADI_PASID_MASK		0x000FFFFFu
#define SIOVDEV_ADI_PASID_VALID		(1u << 31)
#define SIOVDEV_ADI_QSIZE	0x0C
#define SIOVDEV_ADI_IRQ		0x10
#define SIOVDEV_ADI_DRAIN	0x14
#define SIOVDEV_ADI_RESET	0x18
#define SIOVDEV_ADI_QUEUED	0x1C
#define SIOVDEV_ADI_ERROR	0x20
#define SIOVDEV_ADI_ERROR_CODE		0xFFu
#define SIOVDEV_ADI_ERROR_VALID		(1u << 31)
#define SIOVDEV_ADI_DROPPED	0x24
#define SIOVDEV_ADI_COMPLETED	0x28
#define SIOVDEV_MSIX_TABLE	0x2000
#define SIOVDEV_MSIX_PBA	0x3000
#define SIOVDEV_IMS_TABLE	0x4000
#define SIOVDEV_IRQ_ENTRY_SIZE	16	/* MSI-X and IMS entries */
#define SIOVDEV_IRQ_ADDR_LO	0x0
#define SIOVDEV_IRQ_ADDR_HI	0x4
#define SIOVDEV_IRQ_DATA	0x8
#define SIOVDEV_IRQ_CTRL	0xC
#define SIOVDEV_IRQ_CTRL_MASK		(1u << 0)
#define SIOVDEV_IRQ_CTRL_PENDING	(1u << 1)	/* IMS only */
#define SIOVDEV_MSIX_VEC_ERROR	0

/* ADI error codes (ERROR bits 7:0). */
enum siovdev_adi_error {
	SIOVDEV_ERR_NONE = 0,
	SIOVDEV_ERR_DISABLED,		/* dropped: ADI not enabled */
	SIOVDEV_ERR_QUEUE_FULL,		/* dropped: QUEUED == QSIZE */
	SIOVDEV_ERR_BUS_MASTER,		/* not run: COMMAND.BME clear */
	SIOVDEV_ERR_PASID_DISABLED,	/* not run: PASID cap not enabled */
	SIOVDEV_ERR_NO_PASID,		/* not run: PASID_VALID clear */
	SIOVDEV_ERR_INVALID,		/* not run: bad completion address */
	SIOVDEV_ERR_DESC_FAULT,		/* ran: completed with a page fault */
	SIOVDEV_ERR_DESC_INVALID,	/* ran: completed with CS_INVALID */
	SIOVDEV_ERR_COMPLETION_FAULT,	/* the completion record DMA failed */
};

/* Descriptors. */
#define SIOVDEV_DESC_SIZE	64
#define SIOVDEV_OP_NOP		0
#define SIOVDEV_OP_MEMCOPY	1
#define SIOVDEV_OP_MEMFILL	2
#define SIOVDEV_DF_COMPLETION	(1u << 0)
#define SIOVDEV_DF_INTERRUPT	(1u << 1)
#define SIOVDEV_DF_BLOCK_ON_FAULT (1u << 2)	/* page requests (PRI) */

struct siovdev_desc {
	uint8_t opcode;
	uint8_t flags;
	uint16_t rsvd0;
	uint32_t size;
	uint64_t completion;
	uint64_t src;			/* MEMFILL: the pattern */
	uint64_t dst;
	uint64_t tag;
	uint64_t rsvd1[3];
};

#define SIOVDEV_CR_SIZE		32
#define SIOVDEV_CR_ALIGN	32
enum siovdev_completion_status {
	SIOVDEV_CS_NONE = 0,		/* never written: "not yet" */
	SIOVDEV_CS_SUCCESS = 1,
	SIOVDEV_CS_PAGE_FAULT = 2,
	SIOVDEV_CS_INVALID = 3,
};
#define SIOVDEV_CR_FAULT_WRITE	(1u << 0)

struct siovdev_completion {
	uint8_t status;
	uint8_t fault_info;
	uint16_t rsvd0;
	uint32_t bytes;
	uint64_t fault_addr;
	uint64_t tag;
	uint64_t rsvd1;
};

/* ---- The host ---- */

struct siovdev_host_ops {
	/*
	 * One DMA request of len (1..4096) bytes at addr, never crossing a
	 * 4 KiB boundary, tagged with pasid; write: buf -> memory. 0, or a
	 * negative errno for a request that failed (translation fault,
	 * unsupported request): the device then treats it as a page fault.
	 */
	int (*dma)(void *host, uint32_t pasid, uint64_t addr, void *buf,
		   size_t len, bool write);
	/* One interrupt message: a DWORD write of data to addr. */
	void (*msi)(void *host, uint64_t addr, uint32_t data);
	/*
	 * One PRI page request (PCIe 10.4.1) for the page at addr, tagged with
	 * pasid, perm SIOVDEV_PR_READ/WRITE, in group prg_index; last closes the
	 * group. 0 sent; a negative errno: not sent (the device treats the
	 * fault as unrecoverable). NULL: the host takes no page requests.
	 * The answer comes back through siovdev_page_response().
	 */
	int (*page_request)(void *host, uint32_t pasid, uint64_t addr,
			    uint32_t perm, uint16_t prg_index, bool last);
};

/*
 * A PRI page response (PCIe 10.4.2) for group prg_index of pasid, code
 * SIOVDEV_PR_SUCCESS / INVALID / FAILURE. A response that matches no
 * waiting group is ignored and counted. See "Page requests".
 */
#define SIOVDEV_PR_READ		(1u << 0)	/* = VIOMMU_PR_READ */
#define SIOVDEV_PR_WRITE	(1u << 1)	/* = VIOMMU_PR_WRITE */
#define SIOVDEV_PR_SUCCESS	0x0
#define SIOVDEV_PR_INVALID	0x1
#define SIOVDEV_PR_FAILURE	0xf

struct siovdev;
void siovdev_page_response(struct siovdev *d, uint32_t pasid,
			   uint16_t prg_index, uint32_t code);
/* Responses ignored because they matched no waiting group. */
uint64_t siovdev_pri_unexpected(const struct siovdev *d);

#define SIOVDEV_HAS_PASID	(1u << 0)
#define SIOVDEV_HAS_ATS		(1u << 1)
#define SIOVDEV_HAS_PRI		(1u << 2)
#define SIOVDEV_HAS_IMS		(1u << 3)

struct siovdev_config {
	uint32_t nr_adis;	/* 1..SIOVDEV_MAX_ADIS */
	uint32_t ims_entries;	/* nr_adis..SIOVDEV_MAX_IMS with IMS, else 0 */
	uint32_t max_queue;	/* 1..SIOVDEV_MAX_QUEUE */
	uint32_t caps;		/* SIOVDEV_HAS_* */
	uint32_t pasid_width;	/* 1..20, with SIOVDEV_HAS_PASID */
	uint32_t page_sizes;	/* DVSEC supported page sizes; must have
				 * bit 0, bits 0..19 only (up to 2 GiB) */
};

/* 8 ADIs, 32 IMS entries, queues of 16, PASID (20 bits) + ATS + PRI +
 * IMS, page sizes 4 KiB, 64 KiB and 2 MiB. */
void siovdev_config_default(struct siovdev_config *cfg);

/*
 * A new device in its power-on state; fault is an enum siovdev_fault
 * (SIOVDEV_FAULT_NONE for the faithful device). ops->dma and ops->msi are
 * required. NULL with errno EINVAL (bad config, ops or fault) or ENOMEM.
 */
struct siovdev *siovdev_create(const struct siovdev_config *cfg,
			       const struct siovdev_host_ops *ops, void *host,
			       int fault);
void siovdev_destroy(struct siovdev *d);	/* NULL is a no-op */
const struct siovdev_config *siovdev_get_config(const struct siovdev *d);

/* ---- Config space ---- */

int siovdev_cfg_read(struct siovdev *d, uint32_t offset, unsigned int size,
		     uint32_t *val);
int siovdev_cfg_write(struct siovdev *d, uint32_t offset, unsigned int size,
		      uint32_t val);
/* Offset of the extended capability with that ID (SIOVDEV_EXT_ID_*, or
 * SIOVDEV_DVSEC_ID_EXT), 0 if the device has none. */
uint32_t siovdev_cfg_ext_offset(const struct siovdev *d, uint16_t cap_id);
/* The whole space as reads see it (a snapshot, for checkers such as
 * specs/dvsec/cfg_image.h). */
void siovdev_cfg_image(const struct siovdev *d,
		       uint8_t out[SIOVDEV_CFG_SIZE]);

/* Function Level Reset (what DEVCTL bit 15 does). */
void siovdev_flr(struct siovdev *d);

/* ---- BARs ---- */

/* BAR index 0 or 2; 0 for others. */
uint64_t siovdev_bar_size(const struct siovdev *d, unsigned int bar);
/* Offset of ADI adi's portal in BAR2 (follows the system page size). */
uint64_t siovdev_portal_offset(const struct siovdev *d, uint32_t adi);

/*
 * Region accesses as the BAR sections describe. 0, or -EINVAL (no such
 * BAR, bad size, alignment or offset), -EIO (memory space disabled).
 */
int siovdev_bar_read(struct siovdev *d, unsigned int bar, uint64_t offset,
		     void *buf, size_t len);
int siovdev_bar_write(struct siovdev *d, unsigned int bar, uint64_t offset,
		      const void *buf, size_t len);

/*
 * Submit a descriptor to an ADI as a portal write would, but with an
 * answer (like ENQCMD's): 0 accepted (run, or queued if held), -EBUSY
 * queue full, -EACCES ADI disabled (both also counted in DROPPED and
 * ERROR), -EINVAL no such ADI, -EIO memory space disabled.
 */
int siovdev_submit(struct siovdev *d, uint32_t adi,
		   const struct siovdev_desc *desc);

/* ---- Test introspection ---- */

struct siovdev_adi_probe {
	bool enabled;
	bool held;
	bool pasid_valid;
	uint32_t pasid;
	uint32_t queued;
	uint32_t qsize;
	uint32_t irq;		/* IMS entry (MSI-X vector without IMS) */
	bool irq_masked;	/* that entry's mask bit */
	bool irq_pending;	/* that entry's pending bit */
	uint32_t error;		/* ERROR register */
	uint32_t dropped;
	uint32_t completed;
	bool page_wait;		/* head descriptor waits for a response */
	uint32_t page_prg;	/* ... in this page request group */
};

/* -EINVAL for no such ADI. */
int siovdev_adi_probe(const struct siovdev *d, uint32_t adi,
		      struct siovdev_adi_probe *out);

/* Values equal SIOVH_ADI_EV_* (harness/include/siovh/test.h). */
enum siovdev_event_kind {
	SIOVDEV_EV_PASID_SET = 1,	/* arg: the PASID */
	SIOVDEV_EV_PASID_CLEAR,		/* arg: the PASID it held */
	SIOVDEV_EV_ENABLE,
	SIOVDEV_EV_DISABLE,
	SIOVDEV_EV_DRAIN,
	SIOVDEV_EV_RESET,
	SIOVDEV_EV_DMA,			/* arg: the PASID the DMA carried */
	SIOVDEV_EV_IRQ,			/* arg: IMS entry / MSI-X vector */
	SIOVDEV_EV_PAGE_REQ = 10,	/* arg: the PRG index (9 is the
					 * VDCM's PASID_DETACH) */
	SIOVDEV_EV_PAGE_RESP,		/* arg: the response code */
};

struct siovdev_event {
	uint32_t kind;			/* enum siovdev_event_kind */
	uint32_t arg;
	uint64_t seq;			/* device-wide order, from 1 */
};

/*
 * Copy up to max of the ADI's logged events, oldest first, into ev; *n
 * gets how many were copied. -EINVAL for no such ADI.
 */
int siovdev_adi_trace(const struct siovdev *d, uint32_t adi,
		      struct siovdev_event *ev, size_t max, size_t *n);

/* Name of an enum siovdev_adi_error / siovdev_event_kind, "?" if none. */
const char *siovdev_error_name(uint32_t code);
const char *siovdev_event_name(uint32_t kind);

#endif /* SIOVDEV_SIOVDEV_H */
