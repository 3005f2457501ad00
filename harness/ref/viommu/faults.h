/* SPDX-License-Identifier: MIT */
/*
 * Injected faults of the reference IOMMU (DESIGN.md, "Fault").
 *
 * Each fault is one plausible implementation bug, switched on for a whole
 * unit by viommu_create(cfg, fault) and tested at the one place it lives
 * by `if (viommu_fault(v, VIOMMU_FAULT_X))`. Each is observable through
 * map/unmap results, DMA results, fault records, dirty bitmaps or the
 * counters, and viommu_test.c (or, for the vSVA faults,
 * viommu_nested_test.c) proves it: every fault fails at least one of its
 * scenarios.
 *
 * Reach: where a target built on this IOMMU can observe the fault.
 *   VDEV  through the VDEVs of the reference VDCM (the vfio_device and
 *         test facets);
 *   UNIT  nowhere above the IOMMU. The VDCM gives every open VDEV its own
 *         domain and its own PASID, attaches each PASID once, tags all DMA
 *         with a PASID and never uses PASID 0; and it frees a VDEV's domain
 *         right after the detach, when the container's unmaps have already
 *         flushed every mapped range and the free flushes the whole domain
 *         ID. So an IOTLB key that lacks the domain still differs (by the
 *         PASID; a key that lacks the PASID does not under iommufd, see
 *         IOMMUFD), a missing detach or domain-selective flush is covered
 *         by the flushes around it, and attach-over-present and untagged
 *         DMA never happen. The unit tests are the proof for these.
 *   IOMMUFD  through the iommufd facet: a nested HWPT's walk of the
 *         guest's stage-1 table in IOAS memory (specs/iommufd/nested_walk.c,
 *         prq_perm.c), IOMMU_HWPT_INVALIDATE, fault queues; and nested
 *         HWPTs over one parent, which share its domain ID, so that only
 *         the PASID tells their IOTLB entries apart (VSVA.WALK.4); and a
 *         full group table: a queue reset ends the device's wait but not
 *         its group, which stays outstanding until answered, so 32 waits
 *         reset away unanswered fill the table (VSVA.PRQ.14).
 *
 * The other first-stage, nesting and page-request faults stay UNIT: the
 * iommufd facet binds only NESTED entries it has sanitized itself, sends
 * only PASID-selective or address invalidations, and answers each page
 * request group once (see harness/ref/UNREACHABLE for the queue).
 * viommu_nested_test.c proves every vSVA fault, whatever its reach.
 *
 * The list is the single source of truth: it makes the enum below, and the
 * ref backend makes its fault table (name "viommu-<name>", facet "vdev" or
 * "iommufd") from it, leaving the UNIT faults out: a fault no facet can
 * reach would only be a permanent gap in the kill table.
 *
 *	X(CODE, "name", REACH, "the bug, in one line")
 */
#ifndef VIOMMU_FAULTS_H
#define VIOMMU_FAULTS_H

#define VIOMMU_FAULT_LIST(X)						\
	/* Page tables */						\
	X(MAP_OVERLAP, "map-overlap", VDEV,				\
	  "map over an existing mapping replaces it instead of -EEXIST")\
	X(MAP_NOT_ATOMIC, "map-not-atomic", VDEV,			\
	  "a map that fails half way leaves its first pages mapped")	\
	X(MAP_ENOMEM_KEEPS, "map-enomem-keeps", IOMMUFD,		\
	  "a map that runs out of table memory half way keeps its first pages") \
	X(MAP_IGNORES_WIDTH, "map-ignores-width", VDEV,			\
	  "map beyond addr_width is accepted (and aliases low IOVAs)")	\
	X(UNMAP_COUNTS_HOLES, "unmap-counts-holes", VDEV,		\
	  "unmap returns the size asked for, holes included")		\
	X(PERM_IGNORED, "perm-ignored", VDEV,				\
	  "DMA ignores the PTE's READ/WRITE permissions")		\
	/* The IOTLB and invalidation */				\
	X(UNMAP_NO_FLUSH, "unmap-no-flush", VDEV,			\
	  "unmap does not invalidate the IOTLB")			\
	X(DETACH_NO_FLUSH, "detach-no-flush", UNIT,			\
	  "detach does not invalidate the PASID's IOTLB entries")	\
	X(IOTLB_IGNORES_PASID, "iotlb-ignores-pasid", IOMMUFD,	\
	  "the IOTLB key lacks the PASID: cross-PASID hits")		\
	X(IOTLB_IGNORES_DOMAIN, "iotlb-ignores-domain", UNIT,		\
	  "the IOTLB key lacks the domain ID: cross-domain hits")	\
	X(INV_ADDR_SHORT, "inv-addr-short", VDEV,			\
	  "address invalidation leaves the range's last page cached")	\
	X(INV_DOMAIN_NOOP, "inv-domain-noop", UNIT,			\
	  "domain-selective invalidation does nothing")			\
	/* PASID tables */						\
	X(ATTACH_REPLACES, "attach-replaces", UNIT,			\
	  "attach over a present entry replaces it instead of -EBUSY")	\
	X(UNTAGGED_USES_PASID0, "untagged-uses-pasid0", UNIT,		\
	  "DMA without PASID uses PASID 0's entry, not the RID's")	\
	/* Faults and dirty tracking */					\
	X(FAULT_NOT_RECORDED, "fault-not-recorded", VDEV,		\
	  "a failed translation is not recorded in the fault log")	\
	X(FAULT_LOSES_PASID, "fault-loses-pasid", VDEV,			\
	  "fault records drop the PASID (pasid_valid false)")		\
	X(DIRTY_MISSES_LAST_PAGE, "dirty-misses-last-page", VDEV,	\
	  "a multi-page DMA write leaves its last page clean")		\
	X(DIRTY_NOT_CLEARED, "dirty-not-cleared", VDEV,			\
	  "read-and-clear leaves the dirty bits set")			\
	X(DIRTY_CLEAR_NO_FLUSH, "dirty-clear-no-flush", VDEV,		\
	  "read-and-clear does not invalidate: later writes stay clean")\
	/* First stage and nesting (vSVA) */\
	X(NESTED_TABLE_UNCHECKED, "nested-table-unchecked", IOMMUFD,	\
	  "nested walk reads first-stage tables without second-stage READ")\
	X(FS_WRITE_IGNORED, "fs-write-ignored", IOMMUFD,		\
	  "the first-stage RW bit is ignored: writes to read-only pages")\
	X(FS_USER_IGNORED, "fs-user-ignored", IOMMUFD,			\
	  "the first-stage US bit is ignored: user access to kernel pages")\
	X(FS_VA_TRUNCATED, "fs-va-truncated", IOMMUFD,			\
	  "the walk drops VA bits above its levels: high VAs alias low ones")\
	X(FS_IGNORED_BITS_RESERVED, "fs-ignored-bits-reserved", IOMMUFD,	\
	  "first-stage entry bits 62:52 (ignored) refused as reserved")	\
	X(FS_LARGE_PAGE_REFUSED, "fs-large-page-refused", IOMMUFD,	\
	  "a 2 MiB first-stage leaf (PS in a level-2 entry) is refused")	\
	X(FAULT_WRONG_STAGE, "fault-wrong-stage", UNIT,			\
	  "second-stage faults are recorded as first-stage ones")\
	X(BIND_PASID_WIDTH, "bind-pasid-width", UNIT,			\
	  "bind accepts a guest PASID width beyond the host's")		\
	X(BIND_RESERVED, "bind-reserved", UNIT,				\
	  "bind accepts nonzero reserved fields and unknown flags")	\
	/* First-stage invalidation */					\
	X(INV_LEAF_DROPS_PSC, "inv-leaf-drops-psc", UNIT,		\
	  "a leaf address invalidation also drops the PSC")		\
	X(INV_NONLEAF_KEEPS_PSC, "inv-nonleaf-keeps-psc", IOMMUFD,	\
	  "a non-leaf address invalidation keeps the PSC (stale tables)")\
	X(INV_SS_KEEPS_NESTED, "inv-ss-keeps-nested", IOMMUFD,		\
	  "a second-stage address invalidation keeps nested entries")	\
	X(INV_ORDER_OFF_BY_ONE, "inv-order-off-by-one", UNIT,		\
	  "size_order one beyond the address width is accepted")	\
	/* Page requests */						\
	X(PRQ_RESPONSE_TWICE, "prq-response-twice", UNIT,		\
	  "a page response is accepted twice (group not completed)")	\
	X(PRQ_UNKNOWN_PRG, "prq-unknown-prg", UNIT,			\
	  "a response to an unknown group is accepted")			\
	X(PRQ_LAST_IGNORED, "prq-last-ignored", UNIT,			\
	  "the last-request flag is ignored: groups answerable early")	\
	X(PRQ_DRAIN_KEEPS_GROUPS, "prq-drain-keeps-groups", UNIT,	\
	  "drain discards requests but leaves their groups outstanding")\
	X(PRQ_OVERFLOW_SILENT, "prq-overflow-silent", IOMMUFD,		\
	  "an overflowing last request is dropped unanswered, uncounted")\
	X(PRQ_PRESENT_ANSWERED, "prq-present-answered", IOMMUFD,	\
	  "a request the tables already grant is answered SUCCESS by the "\
	  "unit, never queued")

enum viommu_fault {
	VIOMMU_FAULT_NONE = 0,
#define VIOMMU_FAULT_ENUM(code, name, reach, summary) VIOMMU_FAULT_##code,
	VIOMMU_FAULT_LIST(VIOMMU_FAULT_ENUM)
#undef VIOMMU_FAULT_ENUM
	VIOMMU_FAULT_COUNT
};

/* The vSVA faults run from here to the end of the list: viommu_test.c
 * proves those before, viommu_nested_test.c these. */
#define VIOMMU_FAULT_FIRST_VSVA	VIOMMU_FAULT_NESTED_TABLE_UNCHECKED

#endif /* VIOMMU_FAULTS_H */
