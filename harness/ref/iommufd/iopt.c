// SPDX-License-Identifier: MIT
/*
 * The IOVA space of an IOAS: ordered interval sets of areas (a sorted array
 * with binary search), the platform's reserved IOVAs, and the two ways an
 * IOVA is had for a mapping: chosen by the reference, or given with
 * FIXED_IOVA and checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/viommu/viommu.h"
#include "iommufd_internal.h"

/*
 * The x86 interrupt window and everything beyond the 48-bit aperture:
 * sorted, apart, the first above 0 and the last ending at UINT64_MAX, so
 * that every usable range lies right below a span (ranges.c relies on it).
 */
const struct iova_span iommufd_reserved[] = {
	{ 0xfee00000ull, 0xfeefffffull },
	{ 1ull << IOMMUFD_AW, UINT64_MAX },
};
const size_t iommufd_nr_reserved =
	sizeof(iommufd_reserved) / sizeof(iommufd_reserved[0]);

size_t area_lower(const struct area_set *s, uint64_t start)
{
	size_t lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid].last < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t area_first_in(const struct area_set *s, uint64_t start, uint64_t last)
{
	size_t i = area_lower(s, start);

	return i < s->n && s->v[i].iova <= last ? i : s->n;
}

static int area_grow(struct area_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 8;
	struct iopt_area *v;

	v = ref_realloc(s->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	s->cap = cap;
	return 0;
}

static uint32_t area_prot(const struct iopt_area *a)
{
	return (a->prot & IOMMU_IOAS_MAP_READABLE ? VIOMMU_PROT_READ : 0) |
	       (a->prot & IOMMU_IOAS_MAP_WRITEABLE ? VIOMMU_PROT_WRITE : 0);
}

/* Map a into the first n domains of m; on failure unmap what was mapped. */
static int mirror_map(struct area_mirror *m, const struct iopt_area *a,
		      uint32_t n)
{
	uint64_t size = a->last - a->iova + 1;
	uint32_t i;
	int ret;

	if (!area_prot(a))
		return 0;	/* no access: nothing a domain could grant */
	for (i = 0; i < n; i++) {
		ret = viommu_map(m->iommu, m->dom[i], a->iova,
				 (void *)(uintptr_t)a->user_va, size,
				 area_prot(a));
		if (ret) {
			/* the bug: the domains before keep their mapping */
			if (mirror_fault(m, keep_partial))
				return ret;
			while (i--)
				viommu_unmap(m->iommu, m->dom[i], a->iova,
					     size);
			return ret;
		}
	}
	return 0;
}

int area_mirror_add(struct area_set *s, uint32_t domain)
{
	struct area_mirror *m = s->mirror;
	const struct iopt_area *a;
	size_t i;
	int ret;

	if (m->n == IOMMUFD_MAX_DOMAINS)
		return -ENOSPC;
	/* the bug hwpt-starts-empty: the areas mapped already are not */
	for (i = 0; !mirror_fault(m, starts_empty) && i < s->n; i++) {
		a = &s->v[i];
		if (!area_prot(a))
			continue;
		ret = viommu_map(m->iommu, domain, a->iova,
				 (void *)(uintptr_t)a->user_va,
				 a->last - a->iova + 1, area_prot(a));
		if (ret) {
			viommu_unmap(m->iommu, domain, 0, 1ull << IOMMUFD_AW);
			return ret;
		}
	}
	m->dom[m->n++] = domain;
	return 0;
}

void area_mirror_del(struct area_set *s, uint32_t domain)
{
	struct area_mirror *m = s->mirror;
	uint32_t i;

	for (i = 0; i < m->n; i++) {
		if (m->dom[i] != domain)
			continue;
		viommu_unmap(m->iommu, domain, 0, 1ull << IOMMUFD_AW);
		m->dom[i] = m->dom[--m->n];
		return;
	}
}

int area_insert(struct area_set *s, const struct iopt_area *a)
{
	size_t i;
	int ret;

	/*
	 * Room for the area first: once the domains map it, nothing may fail,
	 * or a device could reach an IOVA its IOAS does not have. (The fault
	 * map-mirror-first has the order the other way round.)
	 */
	if (s->n == s->cap && !mirror_fault(s->mirror, mirror_first)) {
		ret = area_grow(s);
		if (ret)
			return ret;
	}
	if (s->mirror && s->mirror->n) {
		ret = mirror_map(s->mirror, a, s->mirror->n);
		if (ret)
			return ret;
	}
	if (mirror_fault(s->mirror, mirror_first) && s->n == s->cap) {
		ret = area_grow(s);
		if (ret)
			return ret;
	}
	for (i = area_lower(s, a->iova); i < s->n && s->v[i].iova < a->iova;)
		i++;		/* only when a fault let areas overlap */
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*a));
	s->v[i] = *a;
	s->n++;
	return 0;
}

void area_remove(struct area_set *s, size_t i)
{
	struct area_mirror *m = s->mirror;
	uint32_t k;

	for (k = 0; m && !mirror_fault(m, skip_unmap) && k < m->n; k++)
		viommu_unmap(m->iommu, m->dom[k], s->v[i].iova,
			     s->v[i].last - s->v[i].iova + 1);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(s->v[0]));
	s->n--;
}

int area_split(struct area_set *s, size_t i, uint64_t iova)
{
	struct iopt_area *lhs;
	int ret;

	if (s->n == s->cap) {
		ret = area_grow(s);
		if (ret)
			return ret;
	}
	memmove(&s->v[i + 2], &s->v[i + 1], (s->n - i - 1) * sizeof(s->v[0]));
	lhs = &s->v[i];
	s->v[i + 1] = *lhs;
	s->v[i + 1].iova = iova + 1;
	s->v[i + 1].user_va = lhs->user_va + (iova + 1 - lhs->iova);
	lhs->last = iova;
	s->n++;
	return 0;
}

void area_set_free(struct area_set *s)
{
	struct area_mirror *m = s->mirror;

	free(s->v);
	*s = (struct area_set) { .mirror = m };
}

bool span_meets(const struct iova_span *v, size_t n, uint64_t start,
		uint64_t last)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].start <= last && start <= v[i].last)
			return true;
	return false;
}

/* *out = x rounded up to align (a power of two); false on overflow. */
static bool align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	if (x > UINT64_MAX - (align - 1))
		return false;
	*out = (x + align - 1) & ~(align - 1);
	return true;
}

/*
 * The last IOVA of something in the way of [start, last] (a reserved span
 * or an area), or false when nothing is.
 */
static bool obstacle(struct iommufd_ctx *ctx, const struct iommufd_ioas *ioas,
		     uint64_t start, uint64_t last, uint64_t *end)
{
	size_t i;

	for (i = 0; i < iommufd_nr_reserved; i++) {
		if (iommufd_fault(ctx, IOMMUFD_FAULT_AUTO_IN_RESERVED))
			break;	/* the bug: only areas are in the way */
		if (iommufd_reserved[i].start <= last &&
		    start <= iommufd_reserved[i].last) {
			*end = iommufd_reserved[i].last;
			return true;
		}
	}
	if (iommufd_fault(ctx, IOMMUFD_FAULT_AUTO_OVERLAP))
		return false;
	i = area_first_in(&ioas->areas, start, last);
	if (i == ioas->areas.n)
		return false;
	*end = ioas->areas.v[i].last;
	return true;
}

/* The lowest fit for length bytes inside window w; false if none. */
static bool fit_in(struct iommufd_ctx *ctx, const struct iommufd_ioas *ioas,
		   const struct iova_span *w, uint64_t length, uint64_t align,
		   uint64_t *iova)
{
	uint64_t pos, end;

	if (!align_up(w->start, align, &pos))
		return false;
	for (;;) {
		if (pos > w->last || w->last - pos < length - 1)
			return false;
		if (!obstacle(ctx, ioas, pos, pos + length - 1, &end)) {
			*iova = pos;
			return true;
		}
		if (end == UINT64_MAX || !align_up(end + 1, align, &pos))
			return false;
	}
}

int iopt_alloc_iova(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		    uint64_t length, uint64_t align, uint64_t *iova)
{
	static const struct iova_span all = { 0, UINT64_MAX };
	const struct iova_span *w = &all;
	size_t i, n = 1;

	if (ioas->allowed.n &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_AUTO_OUTSIDE_ALLOWED)) {
		w = ioas->allowed.v;
		n = ioas->allowed.n;
	}
	for (i = 0; i < n; i++)
		if (fit_in(ctx, ioas, &w[i], length, align, iova))
			return 0;
	return -ENOSPC;
}

int iopt_check_fixed(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		     uint64_t iova, uint64_t length)
{
	uint64_t last;

	if (iova % IOMMUFD_PAGE &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_MAP_UNALIGNED))
		return -EINVAL;
	if (iova > UINT64_MAX - (length - 1))
		return -EOVERFLOW;
	last = iova + length - 1;
	if (span_meets(iommufd_reserved, iommufd_nr_reserved, iova, last) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_MAP_RESERVED))
		return -EINVAL;
	if (area_first_in(&ioas->areas, iova, last) != ioas->areas.n &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_MAP_OVERLAP))
		return -EEXIST;
	return 0;
}

/* The alignment of a chosen IOVA for length bytes at user address va. */
static uint64_t auto_align(uint64_t length, uint64_t va)
{
	uint64_t a = 1;

	while (a < length && a < (1ull << 63))
		a <<= 1;
	if (va && (va & -va) < a)
		a = va & -va;
	return a < IOMMUFD_PAGE ? IOMMUFD_PAGE : a;
}

int iopt_place(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
	       uint32_t flags, uint64_t length, uint64_t va, uint64_t *iova)
{
	if ((flags & IOMMU_IOAS_MAP_FIXED_IOVA) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_FIXED_IGNORED))
		return iopt_check_fixed(ctx, ioas, *iova, length);
	return iopt_alloc_iova(ctx, ioas, length, auto_align(length, va), iova);
}
