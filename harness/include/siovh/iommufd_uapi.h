/* SPDX-License-Identifier: MIT */
/*
 * iommufd uAPI that came after the linux-libc-dev siovh builds the
 * reference against (bookworm-backports' 6.12): IOMMU_IOAS_MAP_FILE
 * (Linux 6.13: map a memfd by file offset) and IOMMU_IOAS_CHANGE_PROCESS
 * (Linux 6.15: the MAP_FILE maps' pinned-page accounting moves to the
 * calling process). As with siovh_vfio_attach_pt
 * (target.h), the struct has the later uAPI's layout under a siovh name,
 * so the same code builds with either header; where the header has the
 * real one (a 7.x kernel's headers_install), the static asserts below
 * check that the two agree field by field.
 */
#ifndef SIOVH_IOMMUFD_UAPI_H
#define SIOVH_IOMMUFD_UAPI_H

#include <stddef.h>
#include <stdint.h>

#include <linux/iommufd.h>

/* IOMMUFD_CMD_IOAS_MAP_FILE */
#define SIOVH_IOMMUFD_CMD_IOAS_MAP_FILE 0x8f

/*
 * struct iommu_ioas_map_file: flags, ioas_id, length and iova as for
 * IOMMU_IOAS_MAP; fd the memfd to map, start the byte offset in it.
 */
struct siovh_ioas_map_file {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	int32_t fd;
	uint64_t start __attribute__((aligned(8)));
	uint64_t length __attribute__((aligned(8)));
	uint64_t iova __attribute__((aligned(8)));
};

#define SIOVH_IOMMU_IOAS_MAP_FILE \
	_IO(IOMMUFD_TYPE, SIOVH_IOMMUFD_CMD_IOAS_MAP_FILE)

/* IOMMUFD_CMD_IOAS_CHANGE_PROCESS; struct iommu_ioas_change_process */
#define SIOVH_IOMMUFD_CMD_IOAS_CHANGE_PROCESS 0x92

struct siovh_ioas_change_process {
	uint32_t size;
	uint32_t __reserved;
};

#define SIOVH_IOMMU_IOAS_CHANGE_PROCESS \
	_IO(IOMMUFD_TYPE, SIOVH_IOMMUFD_CMD_IOAS_CHANGE_PROCESS)

#ifdef IOMMU_IOAS_CHANGE_PROCESS
_Static_assert(sizeof(struct siovh_ioas_change_process) ==
	       sizeof(struct iommu_ioas_change_process),
	       "siovh_ioas_change_process size");
_Static_assert(SIOVH_IOMMU_IOAS_CHANGE_PROCESS == IOMMU_IOAS_CHANGE_PROCESS,
	       "IOMMU_IOAS_CHANGE_PROCESS number");
#endif

#ifdef IOMMU_IOAS_MAP_FILE
#define SIOVH_SAME_FIELD(a, b, f) \
	_Static_assert(offsetof(struct a, f) == offsetof(struct b, f), \
		       #a "." #f " moved in linux/iommufd.h")
SIOVH_SAME_FIELD(siovh_ioas_map_file, iommu_ioas_map_file, flags);
SIOVH_SAME_FIELD(siovh_ioas_map_file, iommu_ioas_map_file, ioas_id);
SIOVH_SAME_FIELD(siovh_ioas_map_file, iommu_ioas_map_file, fd);
SIOVH_SAME_FIELD(siovh_ioas_map_file, iommu_ioas_map_file, start);
SIOVH_SAME_FIELD(siovh_ioas_map_file, iommu_ioas_map_file, length);
SIOVH_SAME_FIELD(siovh_ioas_map_file, iommu_ioas_map_file, iova);
#undef SIOVH_SAME_FIELD
_Static_assert(sizeof(struct siovh_ioas_map_file) ==
	       sizeof(struct iommu_ioas_map_file),
	       "siovh_ioas_map_file size");
_Static_assert(SIOVH_IOMMU_IOAS_MAP_FILE == IOMMU_IOAS_MAP_FILE,
	       "IOMMU_IOAS_MAP_FILE number");
#endif

#endif /* SIOVH_IOMMUFD_UAPI_H */
