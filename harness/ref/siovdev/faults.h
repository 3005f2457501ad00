/* SPDX-License-Identifier: MIT */
/*
 * Injected faults of the reference SIOV endpoint (DESIGN.md, "Fault").
 *
 * Each fault is one plausible implementation bug, switched on for a whole
 * device by siovdev_create(..., fault) and tested at the one place it
 * lives by `if (siovdev_fault(d, SIOVDEV_FAULT_X))`. Each is observable
 * through config space, region accesses, DMA results, interrupts or the
 * ADI probe and event log.
 *
 * The list is the single source of truth: it makes the enum below, and the
 * ref backend makes its fault table (name "siovdev-<name>") from it.
 *
 *	X(CODE, "name", "the bug, in one line")
 */
#ifndef SIOVDEV_FAULTS_H
#define SIOVDEV_FAULTS_H

#define SIOVDEV_FAULT_LIST(X)						\
	/* Config space */						\
	X(DVSEC_FLAGS_WRITABLE, "dvsec-flags-writable",			\
	  "the DVSEC flags byte (RO) takes writes")			\
	X(DVSEC_CAP_WRITABLE, "dvsec-cap-writable",			\
	  "the DVSEC capabilities dword (RO) takes writes")		\
	X(DVSEC_SPS_TWO_BITS, "dvsec-sps-two-bits",			\
	  "system page size accepts a value with two supported bits")	\
	X(DVSEC_SPS_UNSUPPORTED, "dvsec-sps-unsupported",		\
	  "system page size accepts an unsupported page size")		\
	X(DVSEC_NO_4K, "dvsec-no-4k",					\
	  "supported page sizes lacks 4 KiB (bit 0)")			\
	X(DVSEC_LENGTH, "dvsec-length",					\
	  "the DVSEC length field says 0x14 instead of 0x18")		\
	X(DVSEC_ID, "dvsec-id",						\
	  "the DVSEC ID is 4 instead of 5")				\
	X(EXT_CAP_LOOP, "ext-cap-loop",					\
	  "the last extended capability points back to 0x100")		\
	X(BAR_SIZE, "bar-size",						\
	  "BAR2 sizing reports half the BAR's real size")		\
	X(COMMAND_RO_WRITABLE, "command-ro-writable",			\
	  "reserved COMMAND bits (I/O space, 3..5, 7, 9) take writes")	\
	X(STATUS_RW1C_STUCK, "status-rw1c-stuck",			\
	  "writing 1 to a set RW1C STATUS bit does not clear it")	\
	X(PASID_ENABLE_RO, "pasid-enable-ro",				\
	  "the PASID enable bit ignores writes")			\
	X(VENDOR_WRITABLE, "vendor-writable",				\
	  "the vendor ID (RO) takes writes")				\
	/* Interrupts */						\
	X(IMS_MASK_IGNORED, "ims-mask-ignored",				\
	  "a masked IMS entry still sends its message")			\
	X(IMS_PENDING_LOST, "ims-pending-lost",				\
	  "unmasking an IMS entry drops its pending message")		\
	X(IRQ_WRONG_ENTRY, "irq-wrong-entry",				\
	  "completion interrupts use IMS entry n, ignoring ADI IRQ")	\
	X(IRQ_UNREQUESTED, "irq-unrequested",				\
	  "every completion interrupts, asked for or not")		\
	/* ADI control */						\
	X(RESET_KEEPS_PASID, "reset-keeps-pasid",			\
	  "ADI reset leaves the PASID register valid")			\
	X(RESET_KEEPS_QUEUE, "reset-keeps-queue",			\
	  "ADI reset keeps queued descriptors, which run later")	\
	X(DRAIN_DROPS, "drain-drops",					\
	  "drain discards queued descriptors instead of running them")	\
	X(PASID_CLEAR_IGNORED, "pasid-clear-ignored",			\
	  "clearing PASID_VALID leaves the ADI using its old PASID")	\
	X(DISABLED_RUNS, "disabled-runs",				\
	  "a disabled ADI accepts and runs descriptors")		\
	X(QUEUE_OVERFLOW, "queue-overflow",				\
	  "a held ADI queues one descriptor more than QSIZE")		\
	X(NO_PASID_ENABLE_CHECK, "no-pasid-enable-check",		\
	  "ADIs DMA while the PASID capability is disabled")		\
	/* The engine */						\
	X(COMPLETION_BEFORE_DATA, "completion-before-data",		\
	  "the completion record is written before the data")		\
	X(DMA_PASID_ZERO, "dma-pasid-zero",				\
	  "DMA carries PASID 0 instead of the ADI's PASID")		\
	X(FILL_OVERRUN, "fill-overrun",					\
	  "MEMFILL writes one byte past the end")			\
	X(FAULT_REPORTED_SUCCESS, "fault-reported-success",		\
	  "a descriptor that hit a DMA fault completes with SUCCESS")	\
	X(COPY_CROSSES_PAGE, "copy-crosses-page",			\
	  "DMA requests cross 4 KiB boundaries")

enum siovdev_fault {
	SIOVDEV_FAULT_NONE = 0,
#define SIOVDEV_FAULT_ENUM(code, name, summary) SIOVDEV_FAULT_##code,
	SIOVDEV_FAULT_LIST(SIOVDEV_FAULT_ENUM)
#undef SIOVDEV_FAULT_ENUM
	SIOVDEV_FAULT_COUNT
};

#endif /* SIOVDEV_FAULTS_H */
