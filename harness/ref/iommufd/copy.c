// SPDX-License-Identifier: MIT
/*
 * IOMMU_IOAS_COPY: the pages behind a mapped source range established again
 * in a destination IOAS (the same or another). The source range may span
 * adjacent areas or be part of one, but must have no hole; each covered
 * piece becomes its own destination area, sharing the source area's pages
 * object but nothing else. The pages were pinned once, by the MAP, with
 * that MAP's access: a writable copy of pages pinned read-only would hand
 * the device write access the user never gave, and is -EPERM.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "iommufd_internal.h"

#define COPY_FLAGS (IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | \
		    IOMMU_IOAS_MAP_READABLE)
#define COPY_PROT (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)

/* The source's pieces, as destination areas relative to offset 0. */
struct copy_pieces {
	struct iopt_area *v;
	size_t n;
};

/* Does the area list leave a gap before piece start next? */
static bool gap(struct iommufd_ctx *ctx, uint64_t iova, uint64_t next)
{
	return iova > next && !iommufd_fault(ctx, IOMMUFD_FAULT_COPY_HOLE_OK);
}

/*
 * Collect the pieces of src covering [start, last] (iova = offset from
 * start): -ENOENT if a hole is left, -ENOMEM.
 */
static int collect(struct iommufd_ctx *ctx, const struct iommufd_ioas *src,
		   uint64_t start, uint64_t last, struct copy_pieces *p)
{
	size_t i = area_first_in(&src->areas, start, last), n = src->areas.n;
	const struct iopt_area *a;
	uint64_t next = start, lo, hi;

	p->v = ref_calloc(n - i + 1, sizeof(*p->v));
	if (!p->v)
		return -ENOMEM;
	for (p->n = 0; i < n && src->areas.v[i].iova <= last; i++) {
		a = &src->areas.v[i];
		lo = a->iova > start ? a->iova : start;
		hi = a->last < last ? a->last : last;
		if (gap(ctx, lo, next))
			return -ENOENT;
		p->v[p->n++] = (struct iopt_area) {
			.iova = lo - start, .last = hi - start,
			.user_va = a->user_va + (lo - a->iova),
			.pages = a->pages,
			.pages_writable = a->pages_writable,
		};
		next = hi + 1;
	}
	if (!p->n || (next - 1 != last && gap(ctx, last, next - 1)))
		return -ENOENT;
	return 0;
}

/* Insert the pieces at dst_iova; on failure remove what was inserted. */
static int insert_pieces(struct iommufd_ctx *ctx, struct iommufd_ioas *dst,
			 const struct copy_pieces *p, uint64_t dst_iova,
			 uint64_t length, uint32_t prot)
{
	struct iopt_area a;
	size_t i, k;
	int ret;

	for (i = 0; i < p->n; i++) {
		a = p->v[i];
		a.iova += dst_iova;
		a.last += dst_iova;
		a.prot = prot;
		ret = area_insert(&dst->areas, &a);
		if (ret)
			goto undo;
	}
	return 0;
undo:
	if (iommufd_fault(ctx, IOMMUFD_FAULT_COPY_ENOMEM_KEEPS_PIECES))
		return ret;	/* the bug: the pieces before stay mapped */
	while ((k = area_first_in(&dst->areas, dst_iova,
				  dst_iova + length - 1)) != dst->areas.n)
		area_remove(&dst->areas, k);
	return ret;
}

static int check_copy(struct iommufd_ctx *ctx,
		      const struct iommu_ioas_copy *cmd)
{
	if ((cmd->flags & ~COPY_FLAGS) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	if (cmd->length >= UINT64_MAX || cmd->src_iova >= UINT64_MAX ||
	    cmd->dst_iova >= UINT64_MAX)
		return -EOVERFLOW;
	if (iommufd_check_map_prot(ctx, cmd->flags))
		return -EINVAL;
	if (!cmd->length || (cmd->length | cmd->src_iova) % IOMMUFD_PAGE)
		return -EINVAL;
	if (cmd->src_iova > UINT64_MAX - (cmd->length - 1) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_WRAP_UNCHECKED))
		return -EOVERFLOW;
	return 0;
}

/* Would the copy give write access to pages pinned read-only? */
static bool adds_write(struct iommufd_ctx *ctx, const struct copy_pieces *p,
		       uint32_t flags)
{
	size_t i;

	if (!(flags & IOMMU_IOAS_MAP_WRITEABLE) ||
	    iommufd_fault(ctx, IOMMUFD_FAULT_COPY_ADDS_WRITE))
		return false;
	for (i = 0; i < p->n; i++)
		if (!p->v[i].pages_writable)
			return true;
	return false;
}

static int copy_into(struct iommufd_ucmd *ucmd, const struct copy_pieces *p)
{
	struct iommu_ioas_copy *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommufd_ioas *dst = iommufd_get_ioas(ctx, cmd->dst_ioas_id);
	uint64_t iova = cmd->dst_iova;
	int ret;

	if (!dst)
		return -ENOENT;
	ret = iopt_place(ctx, dst, cmd->flags, cmd->length, p->v[0].user_va,
			 &iova);
	/* after the placement, as Linux checks it when inserting the area */
	if (!ret && adds_write(ctx, p, cmd->flags))
		ret = -EPERM;
	if (!ret)
		ret = insert_pieces(ctx, dst, p, iova, cmd->length,
				    cmd->flags & COPY_PROT);
	if (ret)
		return ret;
	cmd->dst_iova = iova;
	ucmd->respond = true;
	return 0;
}

int iommufd_ioas_copy(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_copy *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct copy_pieces p = { 0 };
	struct iommufd_ioas *src;
	int ret;

	ret = check_copy(ctx, cmd);
	if (ret)
		return ret;
	src = iommufd_get_ioas(ctx, cmd->src_ioas_id);
	if (!src && iommufd_fault(ctx, IOMMUFD_FAULT_COPY_UNKNOWN_SRC_EMPTY))
		return 0;	/* the bug: nothing to copy, "done" */
	if (!src)
		return -ENOENT;
	ret = collect(ctx, src, cmd->src_iova,
		      cmd->src_iova + cmd->length - 1, &p);
	if (!ret)
		ret = copy_into(ucmd, &p);
	free(p.v);
	return ret;
}
