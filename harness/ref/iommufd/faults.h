/* SPDX-License-Identifier: MIT */
/*
 * Injected faults of the reference /dev/iommu (DESIGN.md, "Fault").
 *
 * Each fault is one plausible iommufd bug, switched on for a whole context
 * by iommufd_ctx_create(fault) and tested at the one place it lives by
 * `if (iommufd_fault(ctx, IOMMUFD_FAULT_X))`. The reach column says who can
 * observe it: IOMMUFD the iommufd facet (the ref backend lists the fault as
 * "iommufd-<name>", facet "iommufd"), UNIT only the module's unit tests
 * (left out of the backend's table).
 *
 *	X(CODE, "name", REACH, "the bug, in one line")
 */
#ifndef IOMMUFD_FAULTS_H
#define IOMMUFD_FAULTS_H

#define IOMMUFD_FAULT_LIST(X)						\
	/* Objects */							\
	X(ALLOC_SAME_ID, "alloc-same-id", IOMMUFD,			\
	  "IOAS_ALLOC reports the previous IOAS's ID for a new IOAS")	\
	X(DESTROY_UNKNOWN_OK, "destroy-unknown-ok", IOMMUFD,		\
	  "DESTROY of an ID that names no object succeeds")		\
	X(DESTROY_KEEPS_OBJ, "destroy-keeps-obj", IOMMUFD,		\
	  "DESTROY succeeds but the IOAS stays reachable by its ID")	\
	/* IOAS_MAP */							\
	X(FIXED_IGNORED, "fixed-ignored", IOMMUFD,			\
	  "MAP ignores FIXED_IOVA and places the mapping itself")	\
	X(AUTO_OVERLAP, "auto-overlap", IOMMUFD,			\
	  "a chosen IOVA ignores the areas already mapped")		\
	X(AUTO_IN_RESERVED, "auto-in-reserved", IOMMUFD,		\
	  "a chosen IOVA range may cross a reserved one (the MSI window)") \
	X(AUTO_OUTSIDE_ALLOWED, "auto-outside-allowed", IOMMUFD,	\
	  "a chosen IOVA ignores the ALLOW_IOVAS list")			\
	X(MAP_OVERLAP, "map-overlap", IOMMUFD,				\
	  "a FIXED_IOVA map overlapping an area is accepted")		\
	X(MAP_UNALIGNED, "map-unaligned", IOMMUFD,			\
	  "MAP accepts an iova, length or user_va off the alignment")	\
	X(MAP_RESERVED, "map-reserved", IOMMUFD,			\
	  "a FIXED_IOVA map into a reserved range is accepted")		\
	X(MAP_NO_ACCESS_OK, "map-no-access-ok", IOMMUFD,		\
	  "MAP and COPY accept flags with neither READABLE nor WRITEABLE") \
	/* IOAS_UNMAP */						\
	X(UNMAP_HOLE_OK, "unmap-hole-ok", IOMMUFD,			\
	  "UNMAP of a range with no area succeeds, length 0")		\
	X(UNMAP_LENGTH, "unmap-length", IOMMUFD,			\
	  "UNMAP reports the requested length, not the bytes unmapped")	\
	X(UNMAP_SPLITS, "unmap-splits", IOMMUFD,			\
	  "UNMAP silently cuts the covered part out of an area")	\
	X(UNMAP_ALL_ONE, "unmap-all-one", IOMMUFD,			\
	  "UNMAP of 0..U64_MAX removes only the lowest area")		\
	/* IOAS_COPY */							\
	X(COPY_SHARES, "copy-shares", IOMMUFD,				\
	  "a copy shares the source's bookkeeping: unmapping one drops both") \
	X(COPY_HOLE_OK, "copy-hole-ok", IOMMUFD,			\
	  "COPY of a source range with a hole maps the covered part")	\
	X(COPY_ADDS_WRITE, "copy-adds-write", IOMMUFD,			\
	  "a WRITEABLE COPY of pages a MAP pinned read-only succeeds")	\
	/* IOVA ranges */						\
	X(RANGES_NO_COUNT, "ranges-no-count", IOMMUFD,			\
	  "IOVA_RANGES -EMSGSIZE leaves num_iovas at the caller's value") \
	X(RANGES_OVERFLOW, "ranges-overflow", IOMMUFD,			\
	  "IOVA_RANGES writes every range, past the caller's array")	\
	X(ALLOW_BAD_RANGES, "allow-bad-ranges", IOMMUFD,		\
	  "ALLOW_IOVAS accepts inverted and overlapping ranges")	\
	X(ALLOW_RESERVED, "allow-reserved", IOMMUFD,			\
	  "ALLOW_IOVAS accepts a range over a reserved range")		\
	/* IOMMU_VFIO_IOAS */						\
	X(VFIO_IOAS_SET_ANY, "vfio-ioas-set-any", IOMMUFD,		\
	  "VFIO_IOAS SET takes an ID that names no IOAS")		\
	X(VFIO_IOAS_OUTLIVES, "vfio-ioas-outlives", IOMMUFD,		\
	  "VFIO_IOAS GET still names the compat IOAS after its DESTROY") \
	/* IOMMU_IOAS_MAP_FILE (map_file.c; specs/iommufd/map_file.c) */	\
	X(MAP_FILE_BADF_EINVAL, "map-file-badf-einval", IOMMUFD,	\
	  "MAP_FILE of a closed fd is -EINVAL, not -EBADF")		\
	X(MAP_FILE_ANY_FD, "map-file-any-fd", IOMMUFD,			\
	  "MAP_FILE takes a file that is no memfd (not shmem or hugetlbfs)") \
	X(MAP_FILE_PAST_EOF, "map-file-past-eof", IOMMUFD,		\
	  "MAP_FILE takes a range that runs past the end of the file")	\
	X(MAP_FILE_MODE_IGNORED, "map-file-mode-ignored", IOMMUFD,	\
	  "a WRITEABLE MAP_FILE of a fd open read-only succeeds")	\
	X(MAP_FILE_PAGES_WRITABLE, "map-file-pages-writable", IOMMUFD,	\
	  "a read-only MAP_FILE pins its pages writable: a WRITEABLE COPY of it succeeds") \
	X(MAP_FILE_IOVA_UNREPORTED, "map-file-iova-unreported", IOMMUFD, \
	  "MAP_FILE without FIXED_IOVA does not write the chosen IOVA back") \
	X(MAP_FILE_ENOMEM_OK, "map-file-enomem-ok", IOMMUFD,		\
	  "MAP_FILE whose area allocation fails maps nothing but returns 0") \
	X(CHANGE_PROCESS_ANY_MAP, "change-process-any-map", IOMMUFD,	\
	  "CHANGE_PROCESS succeeds while an IOAS holds a MAP (not MAP_FILE) mapping") \
	/* VFIO type1 compatibility (vfio_compat.c; specs/iommufd/vfio_compat.c) */ \
	X(COMPAT_LOWEST_IOAS, "compat-lowest-ioas", IOMMUFD,		\
	  "the type1 ioctls work on the IOAS with ID 1, not the one VFIO_IOAS set") \
	X(COMPAT_NO_UNMAP_ALL, "compat-no-unmap-all", IOMMUFD,		\
	  "CHECK_EXTENSION(VFIO_UNMAP_ALL) is 0 though UNMAP_DMA has FLAG_ALL") \
	X(COMPAT_SET_ANY_TYPE, "compat-set-any-type", IOMMUFD,		\
	  "VFIO_SET_IOMMU takes an IOMMU type other than type1")	\
	X(COMPAT_UNMAP_ALL_FIRST, "compat-unmap-all-first", IOMMUFD,	\
	  "UNMAP_DMA with FLAG_ALL unmaps only the lowest mapping")	\
	X(COMPAT_NO_IOVA_CAP, "compat-no-iova-cap", IOMMUFD,		\
	  "VFIO_IOMMU_GET_INFO's chain lacks the IOVA_RANGE capability") \
	X(COMPAT_CAP_OFFSET, "compat-cap-offset", IOMMUFD,		\
	  "GET_INFO sets cap_offset though argsz cannot hold the chain") \
	X(COMPAT_HOLE_ENOENT, "compat-hole-enoent", IOMMUFD,		\
	  "UNMAP_DMA of a range no mapping meets is -ENOENT, as IOAS_UNMAP") \
	X(COMPAT_TYPE1_NO_CUT, "compat-type1-no-cut", IOMMUFD,		\
	  "UNMAP_DMA under TYPE1 refuses to cut a mapping, as TYPE1v2")	\
	X(HUGE_OFF_MAPPED, "huge-off-mapped", IOMMUFD,			\
	  "large pages go off while a domain holds mappings (HUGE_PAGES 0, TYPE1)") \
	/* The extensibility rules (linux/iommufd.h, "General ioctl format") */ \
	X(SIZE_UNCHECKED, "size-unchecked", IOMMUFD,			\
	  "a size below the struct's first version is zero-extended")	\
	X(TRAILING_IGNORED, "trailing-ignored", IOMMUFD,		\
	  "nonzero bytes past the known struct are ignored")		\
	X(FLAGS_IGNORED, "flags-ignored", IOMMUFD,			\
	  "unknown flag bits of ALLOC, MAP and COPY are ignored")	\
	X(RESERVED_IGNORED, "reserved-ignored", IOMMUFD,		\
	  "a nonzero __reserved field is ignored")			\
	X(UNKNOWN_IOCTL, "unknown-ioctl-einval", IOMMUFD,		\
	  "an unknown ioctl number is -EINVAL instead of -ENOTTY")	\
	X(NULL_ARG_EINVAL, "null-arg-einval", IOMMUFD,			\
	  "an ioctl whose argument pointer is NULL is -EINVAL instead of -EFAULT") \
	/* Object lifetime */						\
	X(DESTROY_BUSY_OK, "destroy-busy-ok", IOMMUFD,			\
	  "DESTROY of an object another one uses reports success")	\
	X(CLOSE_KEEPS_DEVICE, "close-keeps-device", IOMMUFD,		\
	  "the close of a device cdev leaves its device object bound")	\
	X(DESTROY_OPEN_QUEUE, "destroy-open-queue", IOMMUFD,		\
	  "DESTROY of a fault queue whose fd is still open succeeds")	\
	X(BIND_FAIL_KEEPS_OBJ, "bind-fail-keeps-obj", IOMMUFD,		\
	  "a BIND_IOMMUFD the device refuses leaves its device object in the table") \
	/* HWPTs */							\
	X(HWPT_STARTS_EMPTY, "hwpt-starts-empty", IOMMUFD,		\
	  "a HWPT gets only the IOAS mappings made after its allocation") \
	X(HWPT_UNMAP_STALE, "hwpt-unmap-stale", IOMMUFD,		\
	  "an IOAS unmap does not reach the domains of its HWPTs")	\
	X(NEST_PARENT_UNCHECKED, "nest-parent-unchecked", IOMMUFD,	\
	  "a nested HWPT is accepted over a parent without NEST_PARENT") \
	X(DATA_LEN_UNCHECKED, "data-len-unchecked", IOMMUFD,		\
	  "a short VTD_S1 data_len is zero-extended, not -EINVAL")	\
	X(VTD_FLAGS_IGNORED, "vtd-flags-ignored", IOMMUFD,		\
	  "unknown or unsupported (EAFE) VTD_S1 flags are accepted")	\
	X(VTD_WIDTH_UNCHECKED, "vtd-width-unchecked", IOMMUFD,		\
	  "any VTD_S1 addr_width is accepted")				\
	X(VTD_PGTBL_UNALIGNED, "vtd-pgtbl-unaligned", IOMMUFD,		\
	  "an unaligned VTD_S1 pgtbl_addr is accepted")			\
	/* Devices */							\
	X(BIND_TWICE, "bind-twice", IOMMUFD,				\
	  "a second BIND_IOMMUFD of a bound device makes a second object") \
	X(REPLACE_DROPS_OLD, "replace-drops-old", IOMMUFD,		\
	  "a failed replace leaves the device detached")		\
	/* IOMMU_GET_HW_INFO */						\
	X(HWINFO_NO_ZERO, "hwinfo-no-zero", IOMMUFD,			\
	  "GET_HW_INFO leaves a longer buffer's trailing bytes alone")	\
	/* IOMMU_HWPT_INVALIDATE */					\
	X(INV_DEFAULT_PASID_ONLY, "inv-default-pasid-only", IOMMUFD,	\
	  "HWPT_INVALIDATE flushes the HWPT at default PASIDs only, not at the guest PASIDs attached to it") \
	X(INV_SKIPS_RANGE, "inv-skips-range", IOMMUFD,			\
	  "an address-range invalidation flushes no IOTLB entry")	\
	X(INV_FLAGS_IGNORED, "inv-flags-ignored", IOMMUFD,		\
	  "unknown invalidation flags are accepted")			\
	X(INV_UNALIGNED_OK, "inv-unaligned-ok", IOMMUFD,		\
	  "an unaligned invalidation address is rounded down, not -EINVAL") \
	X(INV_LEN_UNCHECKED, "inv-len-unchecked", IOMMUFD,		\
	  "an entry_len below the first version is zero-extended")	\
	X(INV_COUNT_REQUESTED, "inv-count-requested", IOMMUFD,		\
	  "entry_num reports the requested count, not the handled one")	\
	X(INV_REFUSED_KEEPS_NUM, "inv-refused-keeps-num", IOMMUFD,	\
	  "a refused HWPT_INVALIDATE leaves entry_num as the caller's")	\
	/* Fault queues */						\
	X(ANSWER_TWICE, "answer-twice", IOMMUFD,			\
	  "a response to an answered group is accepted again")		\
	X(DETACH_NOWHERE_OK, "detach-nowhere-ok", IOMMUFD,		\
	  "DETACH of a device attached nowhere succeeds")		\
	X(HWINFO_NO_PASID, "hwinfo-no-pasid", IOMMUFD,			\
	  "GET_HW_INFO reports out_max_pasid_log2 0 (no PASID)")	\
	X(INV_TYPE_UNCHECKED, "inv-type-unchecked", IOMMUFD,		\
	  "HWPT_INVALIDATE accepts an unknown data_type")		\
	/* Page requests and responses (fault.c) */			\
	X(PGFAULT_HOST_PASID, "pgfault-host-pasid", IOMMUFD,		\
	  "a guest PASID's record carries the host PASID")		\
	X(PGFAULT_NO_PASID_VALID, "pgfault-no-pasid-valid", IOMMUFD,	\
	  "a guest PASID's record lacks PASID_VALID")			\
	X(WRITE_PARTIAL, "write-partial", IOMMUFD,			\
	  "responses before a bad one in the same write are sent")	\
	X(WRITE_DUP_OK, "write-dup-ok", IOMMUFD,			\
	  "a cookie repeated within one write is not -EINVAL")		\
	X(WRITE_LEN_UNCHECKED, "write-len-unchecked", IOMMUFD,		\
	  "a write length off the record size is cut to whole records")	\
	X(READ_DROPS_REST, "read-drops-rest", IOMMUFD,			\
	  "a short read discards the records it had no room for")	\
	X(DETACH_KEEPS_GROUPS, "detach-keeps-groups", IOMMUFD,		\
	  "a detach leaves the device's page request groups open")	\
	X(DETACH_FORGETS_ALL, "detach-forgets-all", IOMMUFD,		\
	  "a detach completes every group of the fault queue, others' too") \
	X(REPLACE_KEEPS_GROUPS, "replace-keeps-groups", IOMMUFD,	\
	  "a replace leaves the old HWPT's page request groups open")	\
	X(ANSWER_UNREAD, "answer-unread", IOMMUFD,			\
	  "a group gets its cookie, and can be answered, when collected, before the user read it") \
	X(ROUTE_ANY_QUEUE, "route-any-queue", IOMMUFD,			\
	  "page requests go to the first fault queue, not their HWPT's") \
	X(PRE_ALWAYS, "pre-always", IOMMUFD,				\
	  "a nested HWPT without a fault queue takes page requests")	\
	X(VTD_PGTBL_BEYOND, "vtd-pgtbl-beyond-width", IOMMUFD,		\
	  "a VTD_S1 pgtbl_addr beyond the unit's address width is accepted") \
	X(INV_ALL_NOOP, "inv-all-noop", IOMMUFD,			\
	  "the all-pages invalidation (addr 0, npages U64_MAX) flushes nothing") \
	X(INV_RANGE_FIRST, "inv-range-first-page", IOMMUFD,		\
	  "a range invalidation flushes only its first page")		\
	X(PGFAULT_PERM_READ, "pgfault-perm-read", IOMMUFD,		\
	  "every page fault record says READ, whatever the request asked") \
	/* HWPT_ALLOC and attach errors (specs/iommufd/hwpt_errors.c, ...) */ \
	X(HWPT_HDR_IGNORED, "hwpt-hdr-ignored", IOMMUFD,		\
	  "HWPT_ALLOC ignores unknown flags and nonzero __reserved fields") \
	X(PAGING_DATA_IGNORED, "paging-data-ignored", IOMMUFD,		\
	  "a paging HWPT_ALLOC ignores data_type, data_len and data_uptr") \
	X(PAGING_FLAGS_IGNORED, "paging-flags-ignored", IOMMUFD,	\
	  "a paging HWPT_ALLOC accepts DIRTY_TRACKING and FAULT_ID_VALID") \
	X(NESTED_FLAGS_IGNORED, "nested-flags-ignored", IOMMUFD,	\
	  "a nested HWPT_ALLOC accepts flags beyond FAULT_ID_VALID")	\
	X(VTD_RESERVED_IGNORED, "vtd-reserved-ignored", IOMMUFD,	\
	  "a nonzero VTD_S1 __reserved is ignored")			\
	X(FAULT_ID_UNCHECKED, "fault-id-unchecked", IOMMUFD,		\
	  "FAULT_ID_VALID with no such fault queue makes a HWPT without one") \
	X(VTD_57_WALKS_4, "vtd-57-walks-4", IOMMUFD,			\
	  "a 57-bit VTD_S1 table is installed with a 4-level walk")	\
	X(ATTACH_FLAGS_IGNORED, "attach-flags-ignored", IOMMUFD,	\
	  "ATTACH/DETACH_IOMMUFD_PT ignore unknown flag bits")		\
	X(FULL_REFUSES_REPLACE, "full-refuses-replace", IOMMUFD,	\
	  "with every PASID slot taken, a replace is -ENOSPC too")	\
	X(REATTACH_LEAKS, "reattach-leaks", IOMMUFD,			\
	  "re-attaching the HWPT already attached takes another reference") \
	X(CLOSED_FD_READS, "closed-fd-reads", IOMMUFD,			\
	  "read() and write() on a fault queue's closed fd still reach the queue until it is destroyed") \
	X(FAULT_ALLOC_FLAGS, "fault-alloc-flags", IOMMUFD,		\
	  "IOMMU_FAULT_QUEUE_ALLOC ignores unknown flag bits")		\
	X(WRAP_UNCHECKED, "wrap-unchecked", IOMMUFD,			\
	  "MAP, UNMAP and COPY let iova/user_va + length - 1 wrap past U64_MAX") \
	X(COPY_UNKNOWN_SRC_EMPTY, "copy-unknown-src-empty", IOMMUFD,	\
	  "COPY from an unknown src_ioas_id copies nothing and succeeds") \
	X(HWINFO_FLAGS_IGNORED, "hwinfo-flags-ignored", IOMMUFD,	\
	  "GET_HW_INFO ignores unknown flags and nonzero __reserved")	\
	X(CDEV_UNKNOWN_EINVAL, "cdev-unknown-einval", IOMMUFD,		\
	  "an ioctl the VDEV's cdev does not know is -EINVAL, not -ENOTTY") \
	X(INV_RESERVED_IGNORED, "inv-reserved-ignored", IOMMUFD,	\
	  "HWPT_INVALIDATE ignores a nonzero __reserved")		\
	X(RANGES_ANY_IOAS, "ranges-any-ioas", IOMMUFD,			\
	  "IOVA_RANGES of an ID that names no IOAS answers as for a fresh one") \
	/* Allocation failures (specs/enomem) */			\
	X(MAP_ENOMEM_KEEPS_AREA, "map-enomem-keeps-area", IOMMUFD,	\
	  "a MAP that fails for memory keeps its area in the IOAS")	\
	X(HWPT_ENOMEM_KEEPS_REFS, "hwpt-enomem-keeps-refs", IOMMUFD,	\
	  "HWPT_ALLOC takes its IOAS, parent and fault queue references before its object exists and keeps them when that fails") \
	X(MAP_MIRROR_FIRST, "map-mirror-first", IOMMUFD,		\
	  "MAP maps into the HWPTs before it has room for the area, and a failure to make room leaves their mapping") \
	X(COPY_ENOMEM_KEEPS_PIECES, "copy-enomem-keeps-pieces", IOMMUFD, \
	  "a COPY that fails for memory at one of its pieces keeps the pieces inserted before") \
	X(MAP_MIRROR_KEEPS_PARTIAL, "map-mirror-keeps-partial", IOMMUFD, \
	  "a MAP that fails in one of the IOAS's HWPTs leaves its pages in the HWPTs it was mapped into before") \
	/* Dirty tracking (dirty.c; specs/iommufd/dirty.c) */		\
	X(DIRTY_NO_CAP, "dirty-no-cap", IOMMUFD,			\
	  "GET_HW_INFO leaves IOMMU_HW_CAP_DIRTY_TRACKING out though DIRTY_TRACKING HWPTs work") \
	X(DIRTY_SET_FLAGS_IGNORED, "dirty-set-flags-ignored", IOMMUFD,	\
	  "SET_DIRTY_TRACKING ignores unknown flag bits")		\
	X(DIRTY_SET_UNTRACKED_OK, "dirty-set-untracked-ok", IOMMUFD,	\
	  "SET_DIRTY_TRACKING on a HWPT allocated without DIRTY_TRACKING succeeds") \
	X(DIRTY_GET_FLAGS_IGNORED, "dirty-get-flags-ignored", IOMMUFD,	\
	  "GET_DIRTY_BITMAP ignores unknown flags and a nonzero __reserved") \
	X(DIRTY_GET_UNALIGNED, "dirty-get-unaligned", IOMMUFD,		\
	  "GET_DIRTY_BITMAP accepts an iova or length that is not a multiple of page_size") \
	X(DIRTY_GET_UNTRACKED_OK, "dirty-get-untracked-ok", IOMMUFD,	\
	  "GET_DIRTY_BITMAP of a HWPT allocated without DIRTY_TRACKING reads it as clean") \
	X(DIRTY_REPORTS_MAPPED, "dirty-reports-mapped", IOMMUFD,	\
	  "GET_DIRTY_BITMAP reports every mapped page, not only the dirty ones") \
	X(DIRTY_STARTS_ON, "dirty-starts-on", IOMMUFD,			\
	  "a DIRTY_TRACKING HWPT starts with tracking enabled")		\
	X(DIRTY_DISABLE_IGNORED, "dirty-disable-ignored", IOMMUFD,	\
	  "SET_DIRTY_TRACKING without ENABLE leaves tracking on")	\
	X(DIRTY_NO_CLEAR_CLEARS, "dirty-no-clear-clears", IOMMUFD,	\
	  "GET_DIRTY_BITMAP with NO_CLEAR clears the bits it reports")	\
	X(DIRTY_PAGE_SIZE_IGNORED, "dirty-page-size-ignored", IOMMUFD,	\
	  "GET_DIRTY_BITMAP sets one bit per 4 KiB page, whatever page_size") \
	/* IOMMU_OPTION (option.c; specs/iommufd/option.c) */		\
	X(OPTION_HDR_IGNORED, "option-hdr-ignored", IOMMUFD,		\
	  "IOMMU_OPTION ignores a nonzero __reserved and takes an unknown op as SET") \
	X(OPTION_RLIMIT_OBJECT, "option-rlimit-object", IOMMUFD,	\
	  "RLIMIT_MODE, a global option, accepts a nonzero object_id")	\
	X(OPTION_RLIMIT_ANY_VALUE, "option-rlimit-any-value", IOMMUFD,	\
	  "RLIMIT_MODE SET takes any val64 (stored as 1)")		\
	X(OPTION_HUGE_SHARED, "option-huge-shared", IOMMUFD,		\
	  "HUGE_PAGES is one value for every IOAS (object 1's), not per IOAS") \
	/* Accesses (access.c; specs/iommufd/access.c) */		\
	X(ACCESS_RW_FIRST_AREA, "access-rw-first-area", IOMMUFD,	\
	  "an access's rw stops at the end of the first area and reports success") \
	X(ACCESS_RW_AREA_START, "access-rw-area-start", IOMMUFD,	\
	  "an access's rw copies from the start of the area, not from the IOVA's offset in it") \
	X(ACCESS_PIN_UNALIGNED, "access-pin-unaligned", IOMMUFD,	\
	  "an access's pin accepts an IOVA that is not on a page")	\
	X(ACCESS_PIN_AREA_START, "access-pin-area-start", IOMMUFD,	\
	  "an access's pin pins the pages from the start of the area, not those under the IOVA") \
	X(ACCESS_PERM_IGNORED, "access-perm-ignored", IOMMUFD,		\
	  "an access may pin for writing and write through rw an area mapped read-only") \
	X(ACCESS_HOLE_OK, "access-hole-ok", IOMMUFD,			\
	  "an access's pin or rw of a range that runs into a hole succeeds for the mapped part") \
	X(ACCESS_UNMAP_NO_NOTIFY, "access-unmap-no-notify", IOMMUFD,	\
	  "UNMAP removes an area an access pins without notifying the access") \
	X(ACCESS_NOTIFY_ANY_IOAS, "access-notify-any-ioas", IOMMUFD,	\
	  "UNMAP notifies the accesses of every IOAS of its range, not only those of its IOAS") \
	X(ACCESS_REPLACE_KEEPS_PINS, "access-replace-keeps-pins", IOMMUFD, \
	  "replacing an access's IOAS does not notify it: its pins of the old IOAS stay") \
	X(ACCESS_IOAS_NOT_HELD, "access-ioas-not-held", IOMMUFD,	\
	  "an access does not hold its IOAS: DESTROY of it succeeds under the access") \
	X(ACCESS_STUCK_NOT_BARRED, "access-stuck-not-barred", IOMMUFD,	\
	  "an area whose UNMAP failed for a pin left can still be pinned and read") \
	X(CUT_PINNED, "cut-pinned", IOMMUFD,				\
	  "a TYPE1 cut splits a mapping an access has pinned pages of")	\
	X(ACCESS_PIN_ENOMEM_OK, "access-pin-enomem-ok", IOMMUFD,	\
	  "a pin whose bookkeeping cannot be allocated reports success, pinning nothing") \
	/* vIOMMU, vDEVICE, vEVENTQ (viommu_obj.c; specs/iommufd/viommu.c) */ \
	X(VIOMMU_ANY_TYPE, "viommu-any-type", IOMMUFD,			\
	  "VIOMMU_ALLOC accepts a type the IOMMU does not have")	\
	X(VIOMMU_ANY_PARENT, "viommu-any-parent", IOMMUFD,		\
	  "VIOMMU_ALLOC accepts a paging HWPT allocated without NEST_PARENT") \
	X(VIOMMU_DATA_TOO_LONG, "viommu-data-too-long", IOMMUFD,	\
	  "VIOMMU_ALLOC takes type data longer than its struct (the rest ignored)") \
	X(VIOMMU_PARENT_UNHELD, "viommu-parent-unheld", IOMMUFD,	\
	  "a vIOMMU does not hold its parent HWPT: the parent can be destroyed under it") \
	X(VDEV_TWICE, "vdev-twice", IOMMUFD,				\
	  "VDEVICE_ALLOC gives a device that has a vDEVICE a second one") \
	X(VDEV_VIRT_ID_SHARED, "vdev-virt-id-shared", IOMMUFD,		\
	  "VDEVICE_ALLOC accepts a virt_id the vIOMMU already has")	\
	X(VDEV_ENOMEM_KEEPS_SLOT, "vdev-enomem-keeps-slot", IOMMUFD,	\
	  "VDEVICE_ALLOC marks the device as having a vDEVICE before the object exists, and keeps the mark when that fails") \
	X(VDEV_CLOSE_FREES_ID, "vdev-close-frees-id", IOMMUFD,		\
	  "a vDEVICE forced out by its device's close frees its ID for reuse") \
	X(VIOMMU_VDEV_UNCOUNTED, "viommu-vdev-uncounted", IOMMUFD,	\
	  "a vDEVICE does not hold its vIOMMU: DESTROY of the vIOMMU succeeds under it") \
	X(NESTED_VIOMMU_UNHELD, "nested-viommu-unheld", IOMMUFD,	\
	  "a nested HWPT on a vIOMMU does not hold it")			\
	X(ATTACH_NO_VDEV_OK, "attach-no-vdev-ok", IOMMUFD,		\
	  "a device attaches to a vIOMMU's nested HWPT without a vDEVICE on it") \
	X(VIOMMU_INV_ANY_VDEV, "viommu-inv-any-vdev", IOMMUFD,		\
	  "HWPT_INVALIDATE on a vIOMMU accepts a virt_id no vDEVICE has") \
	X(VEVENTQ_DEPTH_UNCHECKED, "veventq-depth-unchecked", IOMMUFD,	\
	  "VEVENTQ_ALLOC accepts depth 0 and depths above 2^19")	\
	X(VEVENTQ_TWO_OF_A_TYPE, "veventq-two-of-a-type", IOMMUFD,	\
	  "VEVENTQ_ALLOC makes a second queue of a type on one vIOMMU")	\
	X(VEVENT_SEQ_STUCK, "vevent-seq-stuck", IOMMUFD,		\
	  "every vEVENT carries sequence index 0")			\
	X(VEVENT_DEPTH_IGNORED, "vevent-depth-ignored", IOMMUFD,	\
	  "a vEVENTQ queues events past its depth")			\
	X(VEVENT_LOST_SILENT, "vevent-lost-silent", IOMMUFD,		\
	  "events lost to a full vEVENTQ leave no LOST_EVENTS header")	\
	X(HWQ_UNMAPPED_OK, "hwq-unmapped-ok", IOMMUFD,			\
	  "HW_QUEUE_ALLOC accepts queue memory the parent IOAS does not map") \
	X(HWQ_ANY_ORDER, "hwq-any-order", IOMMUFD,			\
	  "HW_QUEUE_ALLOC accepts an index whose index - 1 is not allocated") \
	X(HWQ_PREV_UNHELD, "hwq-prev-unheld", IOMMUFD,			\
	  "a HW queue does not hold the queue below it")		\
	X(MMAP_ANY_LENGTH, "mmap-any-length", IOMMUFD,			\
	  "mmap of a vIOMMU's MMIO page takes any length at its offset") \
	X(MMAP_UNHELD, "mmap-unheld", IOMMUFD,				\
	  "a mapping of a vIOMMU's MMIO page does not hold the vIOMMU")

enum iommufd_fault {
	IOMMUFD_FAULT_NONE = 0,
#define IOMMUFD_FAULT_ENUM(code, name, reach, summary) IOMMUFD_FAULT_##code,
	IOMMUFD_FAULT_LIST(IOMMUFD_FAULT_ENUM)
#undef IOMMUFD_FAULT_ENUM
	IOMMUFD_FAULT_COUNT
};

#endif /* IOMMUFD_FAULTS_H */
