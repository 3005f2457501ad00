/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the iommufd clauses (specs/iommufd): the IOAS ioctls
 * wrapped with their structs filled, user memory to map, and the IOVA
 * ranges of an IOAS. The wrappers return what the ioctl returned (0 or
 * -errno); helpers named must_* end the check when the set-up fails.
 * Every helper takes the check as `check`, so spec.h's macros work inside.
 */
#ifndef SIOVH_SPECS_IOMMUFD_COMMON_H
#define SIOVH_SPECS_IOMMUFD_COMMON_H

#include <errno.h>
#include <stdint.h>

#include <linux/iommufd.h>

#include "siovh/spec.h"

#define SEED003 "003_222a486c75d01bfb.txt, "
#define SRC_IOAS SEED003 "\"IOMMU FD\" (IOAS)"
#define SRC_MAP SEED003 "\"IOMMU FD\" (DMA map/unmap from userspace)"
#define SRC_H(x) "linux/iommufd.h, " x
#define SRC_ABI SRC_H("\"General ioctl format\"")

#define NEEDS_IOMMUFD SIOVH_FEAT_IOMMUFD
#define PG 4096ull
#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIXED (IOMMU_IOAS_MAP_FIXED_IOVA | RW)
#define MAX_RANGES 64

/* The usable IOVA ranges of an IOAS (IOMMU_IOAS_IOVA_RANGES). */
struct ioas_ranges {
	struct iommu_iova_range v[MAX_RANGES];
	uint32_t n;
	uint64_t align;		/* out_iova_alignment */
};

int fd_ioctl(struct siovh_check *check, unsigned long cmd, void *arg);
int ioas_alloc(struct siovh_check *check, uint32_t *id);
int ioas_map(struct siovh_check *check, uint32_t id, uint32_t flags,
	     const void *va, uint64_t len, uint64_t *iova);
int ioas_unmap(struct siovh_check *check, uint32_t id, uint64_t iova,
	       uint64_t len, uint64_t *unmapped);
int ioas_copy(struct siovh_check *check, uint32_t dst, uint32_t src,
	      uint32_t flags, uint64_t src_iova, uint64_t len,
	      uint64_t *dst_iova);
int ioas_allow(struct siovh_check *check, uint32_t id,
	       const struct iommu_iova_range *v, uint32_t n);
int obj_destroy(struct siovh_check *check, uint32_t id);

/* A fresh IOAS (the check ends if IOAS_ALLOC fails). */
uint32_t must_ioas(struct siovh_check *check);
/* n pages of anonymous user memory, page aligned. */
void *must_pages(struct siovh_check *check, unsigned int n);
/* The IOVA ranges of id, by the two-call protocol. */
void must_ranges(struct siovh_check *check, uint32_t id,
		 struct ioas_ranges *r);
/*
 * A 16 MiB-aligned IOVA inside a usable range of id with at least 64 MiB
 * from there to the range's end: room for the clauses' fixed mappings.
 */
uint64_t must_base(struct siovh_check *check, uint32_t id);
/*
 * Attach the target's test device (iommufd facet's test_device) to IOAS
 * id, so that the IOAS takes on an attached IOMMU domain's IOVA alignment
 * and reserved ranges. A target without the op (the reference, whose IOAS
 * always behaves as attached) is left as is; one that has it but cannot
 * attach SKIPs the check, the reason naming the error.
 */
void must_attached(struct siovh_check *check, uint32_t id);
/*
 * The same where the clause holds with or without a device attached (it
 * then checks whatever constraints the IOAS reports): 0 attached or the
 * target has no test device op, else the -errno of the failed attach.
 */
int try_attached(struct siovh_check *check, uint32_t id);
/* Bytes an unmap of everything (0..U64_MAX) reports for id. */
uint64_t unmap_all(struct siovh_check *check, uint32_t id);
/* IOMMU_OPTION (option id, op, object_id, __reserved): val64 in and out
 * through *val (left alone on error). */
int iommu_option(struct siovh_check *check, uint32_t id, uint16_t op,
		 uint32_t obj, uint16_t rsv, uint64_t *val);
/* Is [iova, iova + len) inside one of r's ranges? */
bool in_ranges(const struct ioas_ranges *r, uint64_t iova, uint64_t len);

#endif /* SIOVH_SPECS_IOMMUFD_COMMON_H */
