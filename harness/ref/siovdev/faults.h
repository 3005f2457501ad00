/* SPDX-License-Identifier: MIT */
/*
 * Injected faults of the reference SIOV endpoint (DESIGN.md, "Fault").
 *
 * Each fault is one plausible implementation bug, switched on for a whole
 * device by siovdev_create(..., fault) and tested at the one place it
 * lives by `if (siovdev_fault(d, SIOVDEV_FAULT_X))`. Each is observable
 * through config space, region accesses, DMA results, interrupts or the
 * ADI probe and event log, and siovdev_test.c / siovdev_cfg_test.c prove
 * it: every fault fails at least one of their scenarios.
 *
 * Reach: where a target built on this device can observe the fault.
 *   PCI   the parent's config space (the target's pci facet);
 *   VDEV  through the VDEVs the reference VDCM composes (the vfio_device
 *         and test facets): some VDCM behaviour exercises the bug;
 *   IOMMUFD through a VDEV bound to /dev/iommu (page requests reach the
 *         user's fault queue, responses come back from it);
 *   UNIT  nowhere above the device, because the faithful VDCM never drives
 *         the hardware into the state the bug needs: its quiesce disables
 *         an ADI (which runs the queue) before it drains, so DRAIN never
 *         meets work; nothing can send the device a FAILURE page response
 *         (the iommufd uAPI has SUCCESS and INVALID only); nor makes
 *         BAR0 accesses other than the aligned ones to the registers it
 *         programs. The unit tests are the proof for these, and the
 *         device-model fuzzer fuzz/siovdev_mmio, which drives the device
 *         as a guest would, kills them too (its kills file). (What an ADI reset does to its PASID is
 *         seen after a parent FLR through the pci facet: VDEV.)
 *
 * The list is the single source of truth: it makes the enum below, and the
 * ref backend makes its fault table (name "siovdev-<name>", facet from the
 * reach) from it, leaving the UNIT faults out: a fault no facet can reach
 * would only be a permanent gap in the kill table.
 *
 *	X(CODE, "name", REACH, "the bug, in one line")
 */
#ifndef SIOVDEV_FAULTS_H
#define SIOVDEV_FAULTS_H

#define SIOVDEV_FAULT_LIST(X)						\
	/* Config space */						\
	X(DVSEC_FLAGS_WRITABLE, "dvsec-flags-writable", PCI,		\
	  "the DVSEC flags byte (RO) takes writes")			\
	X(DVSEC_CAP_WRITABLE, "dvsec-cap-writable", PCI,		\
	  "the DVSEC capabilities dword (RO) takes writes")		\
	X(DVSEC_SPS_TWO_BITS, "dvsec-sps-two-bits", PCI,		\
	  "system page size accepts a value with two supported bits")	\
	X(DVSEC_SPS_UNSUPPORTED, "dvsec-sps-unsupported", PCI,		\
	  "system page size accepts an unsupported page size")		\
	X(DVSEC_NO_4K, "dvsec-no-4k", PCI,				\
	  "supported page sizes lacks 4 KiB (bit 0)")			\
	X(DVSEC_LENGTH, "dvsec-length", PCI,				\
	  "the DVSEC length field says 0x14 instead of 0x18")		\
	X(DVSEC_ID, "dvsec-id", PCI,					\
	  "the DVSEC ID is 4 instead of 5")				\
	X(EXT_CAP_LOOP, "ext-cap-loop", PCI,				\
	  "the last extended capability points back to 0x100")		\
	X(CAP_PTR_RESERVED, "cap-ptr-reserved", PCI,			\
	  "the capabilities pointer (0x34) has its reserved bits 1:0 set") \
	X(BAR_SIZE, "bar-size", PCI,					\
	  "BAR2 sizing reports half the BAR's real size")		\
	X(COMMAND_RO_WRITABLE, "command-ro-writable", PCI,		\
	  "reserved COMMAND bits (I/O space, 3..5, 7, 9) take writes")	\
	X(STATUS_RW1C_STUCK, "status-rw1c-stuck", PCI,			\
	  "writing 1 to a set RW1C STATUS bit does not clear it")	\
	X(PASID_ENABLE_RO, "pasid-enable-ro", PCI,			\
	  "the PASID enable bit ignores writes")			\
	X(VENDOR_WRITABLE, "vendor-writable", PCI,			\
	  "the vendor ID (RO) takes writes")				\
	/* Interrupts */						\
	X(IMS_MASK_IGNORED, "ims-mask-ignored", VDEV,			\
	  "a masked IMS entry still sends its message")			\
	X(IMS_PENDING_LOST, "ims-pending-lost", VDEV,			\
	  "unmasking an IMS entry drops its pending message")		\
	X(IRQ_WRONG_ENTRY, "irq-wrong-entry", VDEV,			\
	  "completion interrupts use IMS entry n, ignoring ADI IRQ")	\
	X(IRQ_UNREQUESTED, "irq-unrequested", VDEV,			\
	  "every completion interrupts, asked for or not")		\
	X(IRQ_NO_BUS_MASTER, "irq-no-bus-master", VDEV,			\
	  "interrupt messages are sent while COMMAND.Bus Master Enable is clear") \
	/* ADI control */						\
	X(RESET_KEEPS_PASID, "reset-keeps-pasid", VDEV,			\
	  "ADI reset leaves the PASID register valid")			\
	X(RESET_KEEPS_QUEUE, "reset-keeps-queue", VDEV,			\
	  "ADI reset keeps queued descriptors, which run later")	\
	X(DRAIN_DROPS, "drain-drops", UNIT,				\
	  "drain discards queued descriptors instead of running them")	\
	X(DISABLE_DROPS, "disable-drops", VDEV,				\
	  "clearing CTRL.ENABLE discards queued work instead of running it") \
	X(PASID_CLEAR_IGNORED, "pasid-clear-ignored", VDEV,		\
	  "clearing PASID_VALID leaves the ADI using its old PASID")	\
	X(DISABLED_RUNS, "disabled-runs", VDEV,				\
	  "a disabled ADI accepts and runs descriptors")		\
	X(QUEUE_OVERFLOW, "queue-overflow", VDEV,			\
	  "a held ADI queues one descriptor more than QSIZE")		\
	X(NO_PASID_ENABLE_CHECK, "no-pasid-enable-check", VDEV,		\
	  "ADIs DMA while the PASID capability is disabled")		\
	X(NO_BUS_MASTER_CHECK, "no-bus-master-check", VDEV,		\
	  "ADIs DMA while COMMAND.Bus Master Enable is clear")		\
	X(NO_MEMORY_CHECK, "no-memory-check", VDEV,			\
	  "portal writes reach the ADIs while COMMAND.Memory Space is clear") \
	X(INVALID_DESC_RUNS, "invalid-desc-runs", VDEV,			\
	  "a descriptor with an unknown opcode, flag or reserved field runs") \
	/* BAR accesses (bar.c) */					\
	X(BAR_UNALIGNED, "bar-unaligned", UNIT,				\
	  "BAR0 takes accesses that are not naturally aligned")	\
	X(ADI_COUNTERS_WRITABLE, "adi-counters-writable", UNIT,		\
	  "the ADI DROPPED and COMPLETED registers (RO) take writes")	\
	/* The engine */						\
	X(COMPLETION_BEFORE_DATA, "completion-before-data", VDEV,	\
	  "the completion record is written before the data")		\
	X(RECORD_UNREQUESTED, "record-unrequested", VDEV,		\
	  "a completion record is written without the COMPLETION flag")	\
	X(DMA_PASID_ZERO, "dma-pasid-zero", VDEV,			\
	  "DMA carries PASID 0 instead of the ADI's PASID")		\
	X(FILL_OVERRUN, "fill-overrun", VDEV,				\
	  "MEMFILL writes one byte past the end")			\
	X(FAULT_REPORTED_SUCCESS, "fault-reported-success", VDEV,	\
	  "a descriptor that hit a DMA fault completes with SUCCESS")	\
	X(COPY_CROSSES_PAGE, "copy-crosses-page", VDEV,			\
	  "DMA requests cross 4 KiB boundaries")				\
	X(FLR_KEEPS_CONFIG, "flr-keeps-config", PCI,			\
	  "a function level reset leaves config space as it was")	\
	/* Page requests (pri.c) */					\
	X(PRI_NO_WAIT, "pri-no-wait", IOMMUFD,				\
	  "a block-on-fault descriptor completes with the fault at once") \
	X(PRI_ANY_PRG, "pri-any-prg", IOMMUFD,				\
	  "a page response is matched on the PASID, not the PRG index")	\
	X(PRI_SUCCESS_NO_RETRY, "pri-success-no-retry", IOMMUFD,		\
	  "a SUCCESS response completes the descriptor with the fault")	\
	X(PRI_FAILURE_IGNORED, "pri-failure-ignored", UNIT,		\
	  "Response Failure does not stop further page requests")	\
	X(PRI_RESET_KEEPS_WAIT, "pri-reset-keeps-wait", IOMMUFD,		\
	  "an ADI reset leaves the page wait: the queue stays stopped")	\
	X(PRI_IGNORES_ENABLE, "pri-ignores-enable", IOMMUFD,		\
	  "page requests are sent while PRI is disabled or absent")	\
	X(PRI_STOPPED_EARLY, "pri-stopped-early", IOMMUFD,		\
	  "Stopped is set once Enable is clear, requests outstanding or not")\
	X(PRI_PRG_REUSE, "pri-prg-reuse", IOMMUFD,			\
	  "PRG indices go round robin over outstanding groups too")

enum siovdev_fault {
	SIOVDEV_FAULT_NONE = 0,
#define SIOVDEV_FAULT_ENUM(code, name, reach, summary) SIOVDEV_FAULT_##code,
	SIOVDEV_FAULT_LIST(SIOVDEV_FAULT_ENUM)
#undef SIOVDEV_FAULT_ENUM
	SIOVDEV_FAULT_COUNT
};

#endif /* SIOVDEV_FAULTS_H */
