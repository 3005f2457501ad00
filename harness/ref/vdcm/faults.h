/* SPDX-License-Identifier: MIT */
/*
 * Injected faults of the reference VDCM (DESIGN.md, "Fault").
 *
 * Each fault is one plausible VDCM bug, switched on for a whole VDCM by
 * vdcm_params.fault and tested at the one place it lives by
 * `if (vdcm_fault(vdcm, VDCM_FAULT_X))`. Each is observable through the
 * vfio_device facet or the test facet's VDCM probes; the ref backend lists
 * them as "vdcm-<name>", facet "vdev".
 *
 *	X(CODE, "name", "the bug, in one line")
 */
#ifndef VDCM_FAULTS_H
#define VDCM_FAULTS_H

#define VDCM_FAULT_LIST(X)						\
	/* Release order (seeds/000, "Release") */			\
	X(RESET_BEFORE_INVALIDATE, "reset-before-invalidate",		\
	  "release resets the ADIs before invalidating their PASID")	\
	X(FREE_PASID_BEFORE_RESET, "free-pasid-before-reset",		\
	  "release frees the PASID before resetting the VDEV")		\
	X(RELEASE_NO_DETACH, "release-no-detach",			\
	  "release never detaches the PASID from the IOMMU")		\
	X(RELEASE_KEEPS_PASID, "release-keeps-pasid",			\
	  "release leaves the PASID valid in the ADIs")			\
	/* Lifecycle */							\
	X(SECOND_OPEN, "second-open",					\
	  "a second open of an open VDEV succeeds")			\
	X(REMOVE_WHILE_OPEN, "remove-while-open",			\
	  "remove of an open VDEV succeeds")				\
	X(DUP_UUID, "dup-uuid",						\
	  "create accepts a UUID already in use")			\
	X(ADI_REUSED, "adi-reused",					\
	  "create hands out an ADI another VDEV still holds")		\
	X(CREATE_LEAKS_ADI, "create-leaks-adi",				\
	  "a create that fails for want of ADIs keeps those it took")	\
	X(UNKNOWN_TYPE, "unknown-type",					\
	  "create of an unknown type makes a 1-ADI VDEV")		\
	X(AVAIL_STALE, "avail-stale",					\
	  "available_instances ignores ADIs held by VDEVs")		\
	X(AVAIL_SHORT, "avail-short",					\
	  "available_instances is one short on an idle parent")		\
	X(AVAIL_UNKNOWN_TYPE, "avail-unknown-type",			\
	  "available_instances of an unknown type is 0, not an error")	\
	X(LIST_TYPES_SHORT, "list-types-short",				\
	  "list_types leaves out the last type")			\
	X(RELEASE_CLOSED_OK, "release-closed-ok",			\
	  "release of a VDEV that is not open succeeds")		\
	X(CLOSED_ACCESS, "closed-access",				\
	  "region accesses work on a VDEV that is not open")		\
	X(CLOSED_MMAP, "closed-mmap",					\
	  "mmap of the fast path works on a VDEV that is not open")	\
	X(REMOVE_LEAKS_ADI, "remove-leaks-adi",				\
	  "remove does not give the VDEV's ADIs back to the pool")	\
	X(NO_PASID_PROGRAMMED, "no-pasid-programmed",			\
	  "open leaves the ADIs without the default PASID")		\
	/* Remove of the VDCM: the parent's driver unbound */		\
	X(UNBIND_SKIPS_RELEASE, "unbind-skips-release",			\
	  "remove of the VDCM tears an open VDEV down unreleased")	\
	X(UNBIND_KEEPS_SET, "unbind-keeps-set",				\
	  "remove of the VDCM keeps its IOASID set and PASID quota")	\
	/* Reset */							\
	X(RESET_KEEPS_IMS_UNMASKED, "reset-keeps-ims-unmasked",		\
	  "reset forgets to mask the IMS entries")			\
	X(RESET_KEEPS_COMMAND, "reset-keeps-command",			\
	  "reset keeps the virtual config's command register")		\
	X(RESET_KEEPS_QUEUES, "reset-keeps-queues",			\
	  "reset leaves the ADIs enabled")				\
	X(RESET_RUNS_HELD, "reset-runs-held",				\
	  "reset drains the work held ADIs keep instead of dropping it")\
	/* Config space and regions */					\
	X(BAR_SIZING, "bar-sizing",					\
	  "BAR0 sizing reads back a mask one page too large")		\
	X(CFG_RO_WRITABLE, "cfg-ro-writable",				\
	  "the virtual device ID accepts writes")			\
	X(COMMAND_IO_WRITABLE, "command-io-writable",			\
	  "the command register's I/O space bit takes writes")		\
	X(ROM_BAR_WRITABLE, "rom-bar-writable",				\
	  "the ROM BAR (not implemented) takes writes")			\
	X(CAP_LIST_LOOP, "cap-list-loop",				\
	  "the MSI-X capability's next pointer loops to the PCIe cap")	\
	X(ATS_CAP_HIDDEN, "ats-cap-hidden",				\
	  "the virtual ATS cap is hidden though the parent's is on")	\
	X(MSIX_TABLE_SIZE, "msix-table-size",				\
	  "the MSI-X table size field is one vector short")		\
	X(FLR_ANY_WRITE, "flr-any-write",				\
	  "any write of device control's upper byte starts a virtual FLR")\
	X(CFG_BEYOND_REGION, "cfg-beyond-region",			\
	  "config reads past the config region return 0")		\
	X(PASID_CAP_ALWAYS, "pasid-cap-always",				\
	  "the virtual PASID cap is shown though the parent's is off")	\
	X(MEMORY_NOT_GATED, "memory-not-gated",				\
	  "BAR access works with the command register's MEMORY clear")	\
	X(READ_BEYOND_REGION, "read-beyond-region",			\
	  "a slow-path read past the end of BAR0 is accepted")		\
	X(SLOW_PATH_MISALIGNED, "slow-path-misaligned",			\
	  "a misaligned slow-path read is rounded down, not refused")	\
	X(RESP_WRITABLE, "resp-writable",				\
	  "the mailbox response register (RO) takes writes")		\
	X(EMPTY_REGION_ACCESS, "empty-region-access",			\
	  "reads of a zero-size region (BAR4) return 0")		\
	X(REGION_INDEX_UNCHECKED, "region-index-unchecked",		\
	  "GET_REGION_INFO answers an index beyond num_regions")	\
	X(REGION_OVERLAP, "region-overlap",				\
	  "region info puts BAR2 inside BAR0's range of the device fd")	\
	X(MMAP_SLOW_PATH, "mmap-slow-path",				\
	  "mmap of the slow path (BAR0) succeeds")			\
	X(MMAP_UNALIGNED, "mmap-unaligned",				\
	  "mmap at an offset inside a page maps that page")		\
	X(REGION_SIZE, "region-size",					\
	  "region info reports BAR2 one page larger than it is")	\
	X(SPARSE_MISALIGNED, "sparse-misaligned",			\
	  "the sparse mmap areas are off by 64 bytes")			\
	X(PORTAL_SHORT_WRITE, "portal-short-write",			\
	  "a portal write shorter than a descriptor is zero-padded and run")\
	/* Interrupts */						\
	X(PBA_EMPTY, "pba-empty",					\
	  "the MSI-X PBA reads 0 while a masked vector is pending")	\
	X(MASKED_SIGNALS, "masked-signals",				\
	  "a masked vector still signals its eventfd")			\
	X(UNMASK_LOSES_PENDING, "unmask-loses-pending",			\
	  "unmask drops the interrupt latched while masked")		\
	X(WRONG_VECTOR, "wrong-vector",					\
	  "queue completions signal the mailbox vector")		\
	X(DOUBLE_SIGNAL, "double-signal",				\
	  "an interrupt adds 2 to its eventfd: two signals")		\
	X(DISARM_IGNORED, "disarm-ignored",				\
	  "an eventfd of -1 leaves the vector armed")			\
	/* Mediation (seeds/002) */					\
	X(SET_QUEUES_UNCHECKED, "set-queues-unchecked",			\
	  "mailbox SET_QUEUES accepts a count beyond maxQ")		\
	X(GROW_UNCHECKED, "grow-unchecked",				\
	  "SET_QUEUES without free ADIs still succeeds and moves CURQ")	\
	X(QUEUE_BEYOND_CURQ, "queue-beyond-curq",			\
	  "a queue at or beyond CURQ can be enabled")			\
	X(MBOX_UNKNOWN_OK, "mbox-unknown-ok",				\
	  "an unknown mailbox command completes without error")		\
	X(MBOX_NO_INTCAUSE, "mbox-no-intcause",				\
	  "a mailbox command does not set INTCAUSE.MBOX")		\
	X(MIG_NO_P2P, "mig-no-p2p",					\
	  "MIGRATION reports STOP_COPY without P2P though P2P works")	\
	X(STOP_ACCEPTS_WRITES, "stop-accepts-writes",			\
	  "register writes and descriptors are taken in STOP")		\
	X(P2P_NOT_QUIESCED, "p2p-not-quiesced",				\
	  "RUNNING_P2P leaves the ADIs running: descriptors DMA at once")\
	X(MIG_DROPS_HELD, "mig-drops-held",				\
	  "the saved state leaves out the descriptors held ADIs keep")	\
	X(RESUME_ACCEPTS_GARBAGE, "resume-accepts-garbage",		\
	  "RESUMING -> STOP succeeds on a malformed state stream")	\
	X(ILLEGAL_ARC, "illegal-arc",					\
	  "a request for PRE_COPY (not supported) is accepted")		\
	X(FAILED_ARC_MOVES, "failed-arc-moves",				\
	  "a refused migration arc still changes the state")		\
	X(RESTORE_LOSES_IMS, "restore-loses-ims",			\
	  "restore does not re-establish the IMS programming")		\
	X(RESTORE_LOSES_REGS, "restore-loses-regs",			\
	  "restore drops the mailbox registers")			\
	X(DIRTY_MISSES_LAST, "dirty-misses-last",			\
	  "the dirty report misses the last page of the range")		\
	X(DIRTY_NOT_CLEARED, "dirty-not-cleared",			\
	  "the dirty report does not clear what it reported")		\
	X(DIRTY_DOUBLE_START, "dirty-double-start",			\
	  "DMA logging can be started a second time")			\
	X(PIN_LEAK, "pin-leak",						\
	  "completion does not unpin the descriptor's pages")		\
	X(MAP_PINS, "map-pins",						\
	  "MAP_DMA pins every page it maps")				\
	X(MAP_OVERLAP, "map-overlap",					\
	  "MAP_DMA accepts a range overlapping an existing mapping")	\
	X(INFO_ARGSZ_UNCHECKED, "info-argsz-unchecked",			\
	  "IOMMU_GET_INFO fills iova_pgsizes past a too-small argsz")	\
	/* Queue PASID registers (qpasid.c) */				\
	X(QPASID_BEYOND_CURQ, "qpasid-beyond-curq",			\
	  "a queue beyond CURQ takes a guest PASID onto a shared ADI")	\
	X(QPASID_UNTRANSLATED, "qpasid-untranslated",			\
	  "the guest PASID is programmed into the ADI as is")		\
	X(QPASID_WHILE_ENABLED, "qpasid-while-enabled",			\
	  "a queue's PASID is switched while the queue is enabled")	\
	X(QPASID_DISABLE_KEEPS, "qpasid-disable-keeps",			\
	  "vSVA disable leaves the ADI on the guest's PASID")		\
	X(QPASID_UNKNOWN_OK, "qpasid-unknown-ok",			\
	  "a guest PASID with no host PASID reads back as accepted")	\
	X(QPASID_NO_CAP_CHECK, "qpasid-no-cap-check",			\
	  "vSVA is turned on with the VDEV's PASID capability disabled") \
	X(QPASID_RESET_KEEPS, "qpasid-reset-keeps",			\
	  "a queue reset leaves the queue's guest PASID register set")	\
	X(QPASID_RESIZE_OK, "qpasid-resize-ok",				\
	  "queues are re-allocated under a queue running on a guest PASID") \
	X(QPASID_REF_LEAK, "qpasid-ref-leak",				\
	  "a queue leaving a guest PASID keeps the VDCM's reference")	\
	/* vSVA (vsva.c) */						\
	X(VSVA_NO_SPID, "vsva-no-spid",					\
	  "a guest PASID is translated without the spid mapping: as itself") \
	X(VSVA_BIND_KEEPS_AUX, "vsva-bind-keeps-aux",			\
	  "iommufd bind leaves the default PASID on the AUX domain")	\
	X(VSVA_UNBIND_KEEPS_REF, "vsva-unbind-keeps-ref",		\
	  "unbind does not drop the bind's reference: never reclaimed")	\
	X(VSVA_HPASID_ANY, "vsva-hpasid-any",				\
	  "a host PASID maps back to the first bound VDEV's first guest PASID") \
	X(IRQ_SET_FLAGS_UNCHECKED, "irq-set-flags-unchecked",		\
	  "SET_IRQS ignores unknown flag bits")				\
	X(IRQ_BOOL_IGNORED, "irq-bool-ignored",				\
	  "SET_IRQS DATA_BOOL acts on every vector, 0 bytes included")	\
	X(UNMAP_ALL_ARGS, "unmap-all-args",				\
	  "UNMAP_DMA with FLAG_ALL ignores a nonzero iova or size")	\
	X(FEATURE_GET_SET, "feature-get-set",				\
	  "DEVICE_FEATURE with GET and SET but no PROBE is taken as a SET") \
	X(MIG_SIZE_ZERO, "mig-size-zero",				\
	  "MIG_DATA_SIZE reports a stop_copy_length of 0")		\
	X(DIRTY_NO_RANGES, "dirty-no-ranges",				\
	  "DMA_LOGGING_START with num_ranges 0 starts logging nothing")	\
	X(DEVICE_INFO_ARGSZ, "device-info-argsz",			\
	  "VFIO_DEVICE_GET_INFO answers an argsz shorter than its struct") \
	X(QUEUE_VECTOR_UNCHECKED, "queue-vector-unchecked",		\
	  "a queue's vector register takes 0 or a value beyond maxQ")	\
	X(DIRTY_ENOMEM_CLEARS, "dirty-enomem-clears",			\
	  "a dirty report that fails for memory has cleared earlier mappings' bits") \
	X(DIRTY_START_ENOMEM_OK, "dirty-start-enomem-ok",		\
	  "DMA_LOGGING_START starts though clearing the old dirty bits failed for memory") \
	X(UNMAP_ARGS_LOOSE, "unmap-args-loose",			\
	  "UNMAP_DMA takes a zero, unaligned or wrapping range as the unmap of the whole mappings inside it") \
	X(DIRTY_FEW_RANGES, "dirty-few-ranges",			\
	  "DMA_LOGGING_START refuses more than 16 ranges (-E2BIG), less than the page of them the core guarantees") \
	X(DIRTY_RANGES_UNCHECKED, "dirty-ranges-unchecked",		\
	  "DMA_LOGGING_START takes ranges not aligned to its page_size, or overlapping") \
	X(DIRTY_REPORT_CLEARS_MAP, "dirty-report-clears-map",		\
	  "a dirty report clears the whole of each mapping it touches, not only its range") \
	X(MAP_FULL_MAPS, "map-full-maps",				\
	  "MAP_DMA beyond the mapping limit maps the range in the IOMMU, then refuses it") \
	X(CREATE_ENOMEM_TAKES_ADIS, "create-enomem-takes-adis",	\
	  "create takes its ADIs before its allocations and keeps them when one fails") \
	X(OPEN_ENOMEM_MARKS_OPEN, "open-enomem-marks-open",		\
	  "open marks the VDEV assigned first and leaves it so when an allocation fails") \
	X(GPASID_ENOMEM_RECORDED, "gpasid-enomem-recorded",		\
	  "a guest PASID is recorded before its spid mapping and stays so when that fails for memory") \
	X(PIN_ENOMEM_RUNS, "pin-enomem-runs",				\
	  "a portal descriptor whose pinning failed for memory still goes to the ADI") \
	X(SET_IRQS_PARTIAL, "set-irqs-partial",				\
	  "SET_IRQS DATA_EVENTFD applies the entries before a bad "	\
	  "descriptor in its list (arms, or de-assigns for -1)")	\
	X(RESUME_LENGTH_LOOSE, "resume-length-loose",			\
	  "RESUMING -> STOP loads a stream with bytes past the state, or cut in its held descriptors") \
	X(RESUME_ANY_TYPE, "resume-any-type",				\
	  "RESUMING -> STOP loads a state saved from a VDEV of another type") \
	X(RESUME_ENOMEM_EINVAL, "resume-enomem-einval",		\
	  "RESUMING -> STOP that runs out of memory reports a malformed stream (-EINVAL)") \
	X(MAP_CHUNK_KEEPS, "map-chunk-keeps",				\
	  "MAP_DMA maps a range across a 2 MiB boundary as two chunks and leaves the first mapped when the second fails for memory") \
	X(RESTORE_LOSES_QUEUE_STATUS, "restore-loses-queue-status",	\
	  "restore re-derives each queue's STATUS from CTRL, dropping a refusal the source reported") \
	X(CFG_MSIX_KEEPS_IMS, "cfg-msix-keeps-ims",			\
	  "clearing MSI-X Enable in config space leaves the ADIs' IMS entries unmasked") \
	X(RESUME_SHORT_OF_ADIS, "resume-short-of-adis",			\
	  "RESUMING -> STOP of a state with more queues than the parent has ADIs for loads it on the ADIs the VDEV holds") \
	X(PIN_ENOMEM_KEEPS_PARTIAL, "pin-enomem-keeps-partial",		\
	  "a descriptor whose pinning failed for memory midway leaves the pages of the span that failed pinned") \
	X(TYPE1_ARGSZ_UNCHECKED, "type1-argsz-unchecked",		\
	  "MAP_DMA and UNMAP_DMA take an argsz short of their struct's size field") \
	X(INFO_PAST_ARGSZ, "info-past-argsz",				\
	  "GET_INFO writes cap_offset although argsz ends before it") \
	X(IRQ_SET_START_UNCHECKED, "irq-set-start-unchecked",		\
	  "SET_IRQS checks only count against the vectors after start, which wraps for a start past the last vector") \
	X(IRQ_SET_EMPTY_RANGE, "irq-set-empty-range",			\
	  "SET_IRQS takes count 0 at a start past the last vector, or on an index with no vectors, so count 0 at start == nr disables the whole index") \
	X(DIRTY_OVERLAP_ONE_SIDED, "dirty-overlap-one-sided",		\
	  "DMA_LOGGING_START refuses a range that lies wholly below an earlier one as overlapping it") \
	X(UNMAP_CUTS_HEAD, "unmap-cuts-head",				\
	  "UNMAP_DMA of a range that starts inside a mapping unmaps the whole mapping") \
	X(UNMAP_ALL_UNADVERTISED, "unmap-all-unadvertised",		\
	  "CHECK_EXTENSION says no to VFIO_UNMAP_ALL although UNMAP_DMA honours FLAG_ALL") \
	X(PBA_HIDES_IMS, "pba-hides-ims",				\
	  "the PBA shows only what the VDCM latched, not a completion an ADI's IMS entry holds behind a masked vector") \
	X(MIG_DROPS_PENDING, "mig-drops-pending",			\
	  "the saved state leaves out the vectors' pending bits: an interrupt latched behind a mask is lost") \
	X(LOAD_KEEPS_PENDING, "load-keeps-pending",			\
	  "a load keeps what the destination latched before it, on top of the state's pending bits") \
	X(REARM_DROPS_PENDING, "rearm-drops-pending",			\
	  "a new eventfd for a vector drops the interrupt the VDCM latched for it") \
	X(NO_MULTIPLEX, "no-multiplex",					\
	  "scaled behind the guest, a virtual queue past curQ drops its descriptors instead of sharing a held ADI") \
	X(HOST_SCALE_SETS_CURQ, "host-scale-sets-curq",			\
	  "host-side scaling writes the guest's CURQ register too, so the guest sees its queues go") \
	X(HOST_SCALE_WHILE_STOPPED, "host-scale-while-stopped",		\
	  "host-side scaling takes ADIs from a VDEV stopped for migration, losing what they hold") \
	X(RETURNED_ADI_KEEPS_LATCH, "returned-adi-keeps-latch",		\
	  "an ADI goes back to the parent with the interrupt its IMS entry latched, which the next VDEV to take it receives")

enum vdcm_fault {
	VDCM_FAULT_NONE = 0,
#define VDCM_FAULT_ENUM(code, name, summary) VDCM_FAULT_##code,
	VDCM_FAULT_LIST(VDCM_FAULT_ENUM)
#undef VDCM_FAULT_ENUM
	VDCM_FAULT_COUNT
};

#endif /* VDCM_FAULTS_H */
