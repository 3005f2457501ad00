/* SPDX-License-Identifier: MIT */
/*
 * Internals of the reference /dev/iommu: the object table, the IOAS and its
 * ordered interval sets (areas, allowed ranges).
 */
#ifndef IOMMUFD_INTERNAL_H
#define IOMMUFD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/iommufd.h>

#include "iommufd.h"

#define IOMMUFD_PAGE 4096ull
/* The reference IOMMU's address width (viommu_config_default). */
#define IOMMUFD_AW 48

/* One closed interval [start, last]. */
struct iova_span {
	uint64_t start;
	uint64_t last;
};

/* A mapped area: [iova, last] -> user_va, sharing the pages object pages. */
struct iopt_area {
	uint64_t iova;
	uint64_t last;
	uint64_t user_va;
	uint64_t pages;			/* ID of the pinned-pages bookkeeping */
	uint32_t prot;			/* IOMMU_IOAS_MAP_READABLE | WRITEABLE */
};

/*
 * An ordered set of disjoint areas: a sorted array, found by binary search.
 * Disjoint and sorted by iova means sorted by last too.
 */
struct area_set {
	struct iopt_area *v;
	size_t n, cap;
};

/* An ordered set of disjoint spans (the ALLOW_IOVAS list). */
struct span_set {
	struct iova_span *v;
	size_t n;
};

enum iommufd_obj_type { IOMMUFD_OBJ_IOAS = 1 };

struct iommufd_ioas {
	struct area_set areas;
	struct span_set allowed;
};

struct iommufd_obj {
	enum iommufd_obj_type type;
	uint32_t id;
	struct iommufd_ioas ioas;	/* the only type so far */
};

struct iommufd_ctx {
	int fault;
	struct iommufd_obj **objs;	/* objs[id - 1], NULL when free */
	uint32_t nobjs;
	uint32_t last_id;		/* the last ID IOAS_ALLOC handed out */
	uint64_t next_pages;		/* ID of the next pages object */
};

/* The command being executed: its kernel copy and whether to write back. */
struct iommufd_ucmd {
	struct iommufd_ctx *ctx;
	void *cmd;
	bool respond;
};

static inline bool iommufd_fault(const struct iommufd_ctx *ctx, int fault)
{
	return ctx->fault == fault;
}

/* ---- area_set / span_set (iopt.c) ---- */

/* Index of the first area with last >= start (n when none). */
size_t area_lower(const struct area_set *s, uint64_t start);
/* Index of the first area meeting [start, last], or n. */
size_t area_first_in(const struct area_set *s, uint64_t start, uint64_t last);
/* Insert a (disjoint from every area); 0 or -ENOMEM. */
int area_insert(struct area_set *s, const struct iopt_area *a);
void area_remove(struct area_set *s, size_t i);
void area_set_free(struct area_set *s);
/* Does a span of set meet [start, last]? */
bool span_meets(const struct iova_span *v, size_t n, uint64_t start,
		uint64_t last);

/* The reserved IOVAs of every IOAS, sorted. */
extern const struct iova_span iommufd_reserved[];
extern const size_t iommufd_nr_reserved;

/*
 * Pick an IOVA for length bytes (alignment align, a power of two) in ioas:
 * not reserved, not mapped, inside the allowed list when it is not empty.
 * 0 with *iova, or -ENOSPC.
 */
int iopt_alloc_iova(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		    uint64_t length, uint64_t align, uint64_t *iova);
/*
 * May [iova, iova + length) be mapped with FIXED_IOVA? 0, -EINVAL
 * (unaligned or reserved), -EOVERFLOW, -EEXIST (an area is there).
 */
int iopt_check_fixed(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		     uint64_t iova, uint64_t length);

/*
 * Where a mapping of length bytes from user address va goes: with
 * IOMMU_IOAS_MAP_FIXED_IOVA in flags *iova, checked; else an IOVA chosen
 * with the alignment iommufd.h describes, stored in *iova.
 */
int iopt_place(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
	       uint32_t flags, uint64_t length, uint64_t va, uint64_t *iova);

/* ---- objects (main.c) ---- */

/* The IOAS with ID id, or NULL. */
struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ctx, uint32_t id);

/* ---- the IOAS ioctls (ioas.c); each gets the kernel copy of its struct */

int iommufd_ioas_alloc(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map(struct iommufd_ucmd *ucmd);
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd);
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd);
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd);
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd);
/* Unmap everything, remove the lists; the IOAS may be freed after. */
void iommufd_ioas_release(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas);
/* A new object of type in ctx (its lowest free ID); NULL on -ENOMEM. */
struct iommufd_obj *iommufd_obj_new(struct iommufd_ctx *ctx,
				    enum iommufd_obj_type type);

#endif /* IOMMUFD_INTERNAL_H */
