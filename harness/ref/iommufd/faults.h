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
	X(AUTO_OUTSIDE_ALLOWED, "auto-outside-allowed", IOMMUFD,	\
	  "a chosen IOVA ignores the ALLOW_IOVAS list")			\
	X(MAP_OVERLAP, "map-overlap", IOMMUFD,				\
	  "a FIXED_IOVA map overlapping an area is accepted")		\
	X(MAP_UNALIGNED, "map-unaligned", IOMMUFD,			\
	  "MAP accepts an iova, length or user_va off the alignment")	\
	X(MAP_RESERVED, "map-reserved", IOMMUFD,			\
	  "a FIXED_IOVA map into a reserved range is accepted")		\
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
	/* IOVA ranges */						\
	X(RANGES_NO_COUNT, "ranges-no-count", IOMMUFD,			\
	  "IOVA_RANGES -EMSGSIZE leaves num_iovas at the caller's value") \
	X(RANGES_OVERFLOW, "ranges-overflow", IOMMUFD,			\
	  "IOVA_RANGES writes every range, past the caller's array")	\
	X(ALLOW_BAD_RANGES, "allow-bad-ranges", IOMMUFD,		\
	  "ALLOW_IOVAS accepts inverted and overlapping ranges")	\
	X(ALLOW_RESERVED, "allow-reserved", IOMMUFD,			\
	  "ALLOW_IOVAS accepts a range over a reserved range")		\
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
	  "an unknown ioctl number is -EINVAL instead of -ENOTTY")

enum iommufd_fault {
	IOMMUFD_FAULT_NONE = 0,
#define IOMMUFD_FAULT_ENUM(code, name, reach, summary) IOMMUFD_FAULT_##code,
	IOMMUFD_FAULT_LIST(IOMMUFD_FAULT_ENUM)
#undef IOMMUFD_FAULT_ENUM
	IOMMUFD_FAULT_COUNT
};

#endif /* IOMMUFD_FAULTS_H */
