// SPDX-License-Identifier: MIT
/*
 * IOMMU_IOAS_IOVA_RANGES (the IOVAs that may be mapped: everything not
 * reserved, with the two-call protocol for the caller's array) and
 * IOMMU_IOAS_ALLOW_IOVAS (the list chosen IOVAs must come from).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/alloc/alloc.h"
#include "iommufd_internal.h"

/*
 * Hole n of the reserved list (the n-th usable range); false past the end.
 * The list (iopt.c) is sorted, its spans apart, and the last one ends at
 * UINT64_MAX (everything above the address width), so every hole lies
 * below some span and ends where it starts.
 */
static bool usable_range(size_t n, struct iommu_iova_range *out)
{
	uint64_t pos = 0;
	size_t i;

	for (i = 0; i < iommufd_nr_reserved; i++) {
		if (!n--) {
			out->start = pos;
			out->last = iommufd_reserved[i].start - 1;
			return true;
		}
		pos = iommufd_reserved[i].last + 1;
	}
	return false;
}

int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_iova_ranges *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	struct iommu_iova_range r, *out;
	uint32_t max = cmd->num_iovas, n;

	if (cmd->__reserved &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_RESERVED_IGNORED))
		return -EOPNOTSUPP;
	if (!iommufd_get_ioas(ctx, cmd->ioas_id) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_RANGES_ANY_IOAS))
		return -ENOENT;
	out = (struct iommu_iova_range *)(uintptr_t)cmd->allowed_iovas;
	if (max && !out)
		return -EFAULT;
	for (n = 0; usable_range(n, &r); n++) {
		if (out && (n < max ||
			    iommufd_fault(ctx, IOMMUFD_FAULT_RANGES_OVERFLOW)))
			memcpy(&out[n], &r, sizeof(r));
	}
	if (n <= max || !iommufd_fault(ctx, IOMMUFD_FAULT_RANGES_NO_COUNT))
		cmd->num_iovas = n;
	cmd->out_iova_alignment = IOMMUFD_PAGE;
	ucmd->respond = true;
	return n > max ? -EMSGSIZE : 0;
}

static int span_cmp(const void *a, const void *b)
{
	const struct iova_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort v and check it: -EINVAL inverted or overlapping, -EADDRINUSE. */
static int check_allowed(struct iommufd_ctx *ctx, struct iova_span *v,
			 size_t n)
{
	bool bad = false;
	size_t i;

	if (n > 1)
		qsort(v, n, sizeof(*v), span_cmp);
	for (i = 0; i < n; i++)
		if (v[i].start > v[i].last ||
		    (i && v[i].start <= v[i - 1].last))
			bad = true;
	if (bad && !iommufd_fault(ctx, IOMMUFD_FAULT_ALLOW_BAD_RANGES))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (span_meets(iommufd_reserved, iommufd_nr_reserved,
			       v[i].start, v[i].last) &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_ALLOW_RESERVED))
			return -EADDRINUSE;
	return 0;
}

int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_allow_iovas *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	const struct iommu_iova_range *in;
	struct iommufd_ioas *ioas;
	struct iova_span *v = NULL;
	uint32_t i, n = cmd->num_iovas;
	int ret;

	if (cmd->__reserved &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_RESERVED_IGNORED))
		return -EOPNOTSUPP;
	ioas = iommufd_get_ioas(ctx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	in = (const struct iommu_iova_range *)(uintptr_t)cmd->allowed_iovas;
	if (n && !in)
		return -EFAULT;
	if (n) {
		v = ref_calloc(n, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		v[i] = (struct iova_span) { in[i].start, in[i].last };
	ret = check_allowed(ctx, v, n);
	if (ret) {
		free(v);
		return ret;
	}
	free(ioas->allowed.v);
	ioas->allowed = (struct span_set) { v, n };
	return 0;
}
