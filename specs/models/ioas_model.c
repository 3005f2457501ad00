// SPDX-License-Identifier: MIT
/*
 * The IOAS model (ioas_model.h): a sorted array of areas, an allowed list,
 * and the contract's rules, each stated once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ioas_model.h"

#define PAGE IOAS_MODEL_PAGE

/* The reference's reserved IOVAs, an IOAS's until the target's are set. */
static const struct ioas_model_span ref_reserved[] = {
	{ IOAS_MODEL_MSI_START, IOAS_MODEL_MSI_LAST },
	{ IOAS_MODEL_APERTURE, UINT64_MAX },
};
#define NR_REF_RESERVED (sizeof(ref_reserved) / sizeof(ref_reserved[0]))

/*
 * The rules an operation breaks: the first one's errno, and how many. Two
 * or more, or one whose errno the contract leaves open, and any failure
 * will do.
 */
struct verdict {
	int err;
	unsigned int n;
};

static void rule(struct verdict *v, bool broken, int err)
{
	if (broken && !v->n++)
		v->err = err;
}

/* A rule whose errno is not the contract's to fix: any failure. */
static void rule_any(struct verdict *v, bool broken, int err)
{
	if (!broken)
		return;
	if (!v->n)
		v->err = err;
	v->n += 2;
}

static int verdict(struct ioas_model *m, const struct verdict *v)
{
	m->any_err = v->n > 1;
	return v->n ? v->err : 0;
}

static bool wraps(uint64_t start, uint64_t length)
{
	return length && start > UINT64_MAX - (length - 1);
}

static bool meets(uint64_t s1, uint64_t l1, uint64_t s2, uint64_t l2)
{
	return s1 <= l2 && s2 <= l1;
}

void ioas_model_init(struct ioas_model *m)
{
	memset(m, 0, sizeof(*m));
	m->align = PAGE;
	memcpy(m->reserved, ref_reserved, sizeof(ref_reserved));
	m->nr_reserved = NR_REF_RESERVED;
}

void ioas_model_release(struct ioas_model *m)
{
	struct ioas_model_span res[IOAS_MODEL_MAX_RESERVED];
	bool partial = m->partial_unmap;
	uint64_t align = m->align;
	size_t nr = m->nr_reserved;

	/* the IOAS's properties stay, its areas go */
	memcpy(res, m->reserved, sizeof(res));
	free(m->v);
	ioas_model_init(m);
	m->align = align;
	memcpy(m->reserved, res, sizeof(res));
	m->nr_reserved = nr;
	m->partial_unmap = partial;
}

bool ioas_model_reserved(const struct ioas_model *m, uint64_t start,
			 uint64_t last)
{
	size_t i;

	for (i = 0; i < m->nr_reserved; i++)
		if (meets(start, last, m->reserved[i].start,
			  m->reserved[i].last))
			return true;
	return false;
}

int ioas_model_set_usable(struct ioas_model *m,
			  const struct iommu_iova_range *v, size_t n)
{
	struct ioas_model_span res[IOAS_MODEL_MAX_RESERVED];
	uint64_t next = 0;	/* the lowest IOVA not yet accounted for */
	bool top = false;	/* U64_MAX is usable */
	size_t i, nr = 0;

	for (i = 0; i < n; i++) {
		if (v[i].start > v[i].last || (i && v[i].start <= v[i - 1].last))
			return -EINVAL;
		if (v[i].start > next) {
			if (nr == IOAS_MODEL_MAX_RESERVED)
				return -E2BIG;
			res[nr++] = (struct ioas_model_span) { next,
							       v[i].start - 1 };
		}
		top = v[i].last == UINT64_MAX;
		next = v[i].last + 1;
	}
	if (!top) {
		if (nr == IOAS_MODEL_MAX_RESERVED)
			return -E2BIG;
		res[nr++] = (struct ioas_model_span) { next, UINT64_MAX };
	}
	memcpy(m->reserved, res, nr * sizeof(res[0]));
	m->nr_reserved = nr;
	return 0;
}

uint64_t ioas_model_auto_align(uint64_t length, uint64_t va)
{
	uint64_t a = 1;

	while (a < length && a < (1ull << 63))
		a <<= 1;
	if (va && (va & -va) < a)
		a = va & -va;
	return a < PAGE ? PAGE : a;
}

/*
 * A chosen IOVA's alignment on m: ioas_model_auto_align() for a page
 * aligned user address; for one inside a page (an IOAS whose alignment is
 * below a page, as Linux's with the IOMMUFD_TEST mock) the length's
 * power of two lowered to the address's, as Linux does, the IOVA then
 * keeping the address's offset in its page (ioas_model_has_room_at).
 * Never below the IOAS's own.
 */
static uint64_t auto_align(const struct ioas_model *m, uint64_t length,
			   uint64_t va)
{
	uint64_t a = ioas_model_auto_align(length, va);

	if (va % PAGE) {
		for (a = 1; a < length && a < (va & -va); a <<= 1)
			;
	}
	return a < m->align ? m->align : a;
}

/* The first area meeting [start, last], or NULL. */
static const struct ioas_model_area *area_meeting(const struct ioas_model *m,
						  uint64_t start,
						  uint64_t last)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (meets(start, last, m->v[i].iova, m->v[i].last))
			return &m->v[i];
	return NULL;
}

static int area_add(struct ioas_model *m, const struct ioas_model_area *a)
{
	struct ioas_model_area *v;
	size_t i, cap;

	if (m->n == m->cap) {
		cap = m->cap ? m->cap * 2 : 16;
		v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	for (i = m->n; i && m->v[i - 1].iova > a->iova; i--)
		m->v[i] = m->v[i - 1];
	m->v[i] = *a;
	m->n++;
	return 0;
}

static void area_del(struct ioas_model *m, size_t i)
{
	memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(m->v[0]));
	m->n--;
}

/* The rules of a FIXED_IOVA destination [iova, iova + length). */
static void check_fixed(const struct ioas_model *m, struct verdict *v,
			uint64_t iova, uint64_t length)
{
	uint64_t last;

	rule(v, iova % m->align, -EINVAL);
	if (!length)
		return;
	if (wraps(iova, length)) {
		rule_any(v, true, -EOVERFLOW);
		return;
	}
	last = iova + length - 1;
	rule(v, ioas_model_reserved(m, iova, last), -EINVAL);
	rule(v, area_meeting(m, iova, last), -EEXIST);
}

int ioas_model_map(struct ioas_model *m, uint32_t flags, uint64_t iova,
		   uint64_t length, uint64_t user_va, uint64_t *align)
{
	bool fixed = flags & IOMMU_IOAS_MAP_FIXED_IOVA;
	struct ioas_model_area a;
	struct verdict v = { 0 };

	rule(&v, flags & ~IOAS_MODEL_FLAGS, -EOPNOTSUPP);
	rule_any(&v, length == UINT64_MAX || (fixed && iova == UINT64_MAX),
		 -EOVERFLOW);
	rule(&v, !(flags & IOAS_MODEL_PROT), -EINVAL);	/* no access */
	rule(&v, !length || (length | user_va) % m->align, -EINVAL);
	rule_any(&v, wraps(user_va, length), -EOVERFLOW);
	if (fixed)
		check_fixed(m, &v, iova, length);
	if (v.n)
		return verdict(m, &v);
	m->any_err = false;
	if (!fixed) {
		*align = auto_align(m, length, user_va);
		return IOAS_MODEL_CHOOSE;
	}
	a = (struct ioas_model_area) {
		.iova = iova, .last = iova + length - 1, .user_va = user_va,
		.prot = flags & IOAS_MODEL_PROT,
		.pages_writable = flags & IOMMU_IOAS_MAP_WRITEABLE,
	};
	return area_add(m, &a);
}

/* Is [start, last] inside the allowed list (adjacent ranges join)? */
static bool inside_allowed(const struct ioas_model *m, uint64_t start,
			   uint64_t last)
{
	uint64_t pos = start;
	size_t i;

	for (i = 0; i < m->nr_allowed; i++) {
		if (m->allowed[i].last < pos)
			continue;
		if (m->allowed[i].start > pos)
			return false;
		if (m->allowed[i].last >= last)
			return true;
		pos = m->allowed[i].last + 1;
	}
	return false;
}

/*
 * The part of a user address's offset a chosen IOVA keeps: its offset in
 * its page; on an IOAS whose alignment is below a page (Linux's with the
 * IOMMUFD_TEST mock, 2 KiB pages, or without a domain) Linux aligns a
 * placement only to the length's power of two lowered to the address's,
 * so a 2 KiB COPY of a page-aligned source may land mid-page (seen by
 * make fuzz-kernel on 7.3): only that much of the offset is kept.
 */
static uint64_t granule(const struct ioas_model *m, uint64_t length,
			uint64_t user_va)
{
	uint64_t g = 1;

	if (m->align >= PAGE)
		return PAGE;
	while (g < length && g < PAGE)
		g <<= 1;
	if (user_va && (user_va & -user_va) < g)
		g = user_va & -user_va;
	return g;
}

/*
 * Does a chosen [iova, iova + length) keep the contract? The IOAS's IOVA
 * alignment is the contract; the larger one ioas_model_auto_align() gives is a
 * choice (Linux aligns so only with CONFIG_TRANSPARENT_HUGEPAGE, up to
 * 2 MiB; without it, to a page: seen on 7.3 by make fuzz-kernel), so it
 * only bounds when -ENOSPC is right (ioas_model_has_room).
 */
static const char *judge(const struct ioas_model *m, uint64_t iova,
			 uint64_t length, uint64_t align, uint64_t user_va)
{
	uint64_t last, g;

	(void)align;
	if (iova % m->align)
		return "not aligned to the IOAS's IOVA alignment";
	g = granule(m, length, user_va);
	if (iova % g != user_va % g)
		return "not at the user address's offset in its page";
	if (wraps(iova, length))
		return "wraps around the IOVA space";
	last = iova + length - 1;
	if (ioas_model_reserved(m, iova, last))
		return "meets a reserved IOVA";
	if (area_meeting(m, iova, last))
		return "overlaps an area already mapped";
	if (m->nr_allowed && !inside_allowed(m, iova, last))
		return "outside the ALLOW_IOVAS list";
	return NULL;
}

int ioas_model_place(struct ioas_model *m, uint64_t iova, uint64_t length,
		     uint64_t align, uint64_t user_va, uint32_t prot,
		     const char **why)
{
	struct ioas_model_area a;

	*why = judge(m, iova, length, align, user_va);
	if (*why)
		return -EINVAL;
	a = (struct ioas_model_area) {
		.iova = iova, .last = iova + length - 1, .user_va = user_va,
		.prot = prot & IOAS_MODEL_PROT,
		.pages_writable = prot & IOMMU_IOAS_MAP_WRITEABLE,
	};
	return area_add(m, &a);
}

/* *out = x rounded up to align (a power of two); false on overflow. */
static bool align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	if (x > UINT64_MAX - (align - 1))
		return false;
	*out = (x + align - 1) & ~(align - 1);
	return true;
}

/* Is [start, last] in the way of something? *end: that thing's last. */
static bool blocked(const struct ioas_model *m, uint64_t start,
		    uint64_t last, uint64_t *end)
{
	const struct ioas_model_area *a;
	size_t i;

	for (i = 0; i < m->nr_reserved; i++) {
		if (meets(start, last, m->reserved[i].start,
			  m->reserved[i].last)) {
			*end = m->reserved[i].last;
			return true;
		}
	}
	a = area_meeting(m, start, last);
	if (a)
		*end = a->last;
	return a;
}

/*
 * The lowest aligned fit inside w. Skipping to past whatever blocks a
 * candidate loses nothing: every candidate before that end meets it too.
 */
static bool fit_in(const struct ioas_model *m, const struct ioas_model_span *w,
		   uint64_t length, uint64_t align, uint64_t offset,
		   uint64_t *where)
{
	uint64_t pos, end;

	if (!align_up(w->start, align, &pos))
		return false;
	pos |= offset;
	for (;;) {
		if (pos > w->last || w->last - pos < length - 1)
			return false;
		if (!blocked(m, pos, pos + length - 1, &end)) {
			*where = pos;
			return true;
		}
		if (end >= w->last || !align_up(end + 1, align, &pos))
			return false;
		pos |= offset;
	}
}

bool ioas_model_has_room_at(const struct ioas_model *m, uint64_t length,
			    uint64_t align, uint64_t offset, uint64_t *where)
{
	/* Linux never chooses an IOVA in the first or the last page. */
	const struct ioas_model_span all = { PAGE, UINT64_MAX - PAGE };
	struct ioas_model_span w;
	uint64_t dummy;
	size_t i;

	if (!where)
		where = &dummy;
	if (!length)
		return false;
	if (!m->nr_allowed)
		return fit_in(m, &all, length, align, offset, where);
	for (i = 0; i < m->nr_allowed; i++) {
		w = m->allowed[i];
		if (w.start < all.start)
			w.start = all.start;
		if (w.last > all.last)
			w.last = all.last;
		if (w.start <= w.last &&
		    fit_in(m, &w, length, align, offset, where))
			return true;
	}
	return false;
}

bool ioas_model_has_room(const struct ioas_model *m, uint64_t length,
			 uint64_t align, uint64_t *where)
{
	return ioas_model_has_room_at(m, length, align, 0, where);
}

/* partial_unmap: the whole areas of [iova, last] below the first one it
 * would split go (m->v is sorted by IOVA). */
static void unmap_before_split(struct ioas_model *m, uint64_t iova,
			       uint64_t last)
{
	size_t i = 0;

	while (i < m->n) {
		if (!meets(iova, last, m->v[i].iova, m->v[i].last)) {
			i++;
			continue;
		}
		if (m->v[i].iova < iova || m->v[i].last > last)
			return;
		area_del(m, i);
	}
}

int ioas_model_unmap(struct ioas_model *m, uint64_t iova, uint64_t length,
		     uint64_t *unmapped)
{
	struct verdict v = { 0 };
	bool found = false, split = false;
	uint64_t last, bytes = 0;
	size_t i;

	if (iova == 0 && length == UINT64_MAX) {
		*unmapped = ioas_model_mapped(m);
		m->n = 0;
		m->any_err = false;
		return 0;
	}
	rule_any(&v, iova == UINT64_MAX || length == UINT64_MAX, -EOVERFLOW);
	rule(&v, !length, -EINVAL);
	rule_any(&v, wraps(iova, length), -EOVERFLOW);
	if (v.n)
		return verdict(m, &v);
	last = iova + length - 1;
	for (i = 0; i < m->n; i++) {
		if (!meets(iova, last, m->v[i].iova, m->v[i].last))
			continue;
		found = true;
		split |= m->v[i].iova < iova || m->v[i].last > last;
		bytes += m->v[i].last - m->v[i].iova + 1;
	}
	m->any_err = false;
	if (split && m->partial_unmap)
		unmap_before_split(m, iova, last);
	if (!found || split)
		return -ENOENT;
	for (i = 0; i < m->n;) {
		if (meets(iova, last, m->v[i].iova, m->v[i].last))
			area_del(m, i);
		else
			i++;
	}
	*unmapped = bytes;
	return 0;
}

/* Is every byte of [start, last] mapped in m? */
static bool covered(const struct ioas_model *m, uint64_t start, uint64_t last)
{
	uint64_t pos = start;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].last < pos)
			continue;
		if (m->v[i].iova > pos)
			return false;
		if (m->v[i].last >= last)
			return true;
		pos = m->v[i].last + 1;
	}
	return false;
}

/*
 * Insert the pieces of src's [src_iova, +length) at dst_iova of dst. The
 * pieces are taken first: src may be dst.
 */
static int insert_copy(struct ioas_model *dst, const struct ioas_model *src,
		       uint64_t src_iova, uint64_t length, uint64_t dst_iova,
		       uint32_t prot)
{
	uint64_t last = src_iova + length - 1, lo, hi;
	struct ioas_model_area *p;
	size_t i, n = 0;
	int ret = 0;

	p = calloc(src->n ? src->n : 1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (i = 0; i < src->n; i++) {
		const struct ioas_model_area *a = &src->v[i];

		if (!meets(src_iova, last, a->iova, a->last))
			continue;
		lo = a->iova > src_iova ? a->iova : src_iova;
		hi = a->last < last ? a->last : last;
		p[n++] = (struct ioas_model_area) {
			.iova = dst_iova + (lo - src_iova),
			.last = dst_iova + (hi - src_iova),
			.user_va = a->user_va + (lo - a->iova),
			.prot = prot & IOAS_MODEL_PROT,
			.pages_writable = a->pages_writable,
		};
	}
	for (i = 0; i < n && !ret; i++)
		ret = area_add(dst, &p[i]);
	free(p);
	return ret;
}

/* A WRITEABLE copy of [start, start + length) over pages pinned read-only:
 * -EPERM (the pages were pinned once, by the MAP, with its access). */
static bool adds_write(const struct ioas_model *src, uint64_t start,
		       uint64_t length, uint32_t flags)
{
	uint64_t last = start + length - 1;
	size_t i;

	if (!(flags & IOMMU_IOAS_MAP_WRITEABLE))
		return false;
	for (i = 0; i < src->n; i++)
		if (meets(start, last, src->v[i].iova, src->v[i].last) &&
		    !src->v[i].pages_writable)
			return true;
	return false;
}

int ioas_model_copy(struct ioas_model *dst, const struct ioas_model *src,
		    uint32_t flags, uint64_t src_iova, uint64_t length,
		    uint64_t dst_iova, uint64_t *align)
{
	bool fixed = flags & IOMMU_IOAS_MAP_FIXED_IOVA;
	struct verdict v = { 0 };
	uint64_t user = 0;
	uint32_t prot;

	rule(&v, flags & ~IOAS_MODEL_FLAGS, -EOPNOTSUPP);
	rule_any(&v, length == UINT64_MAX || src_iova == UINT64_MAX ||
		 (fixed && dst_iova == UINT64_MAX), -EOVERFLOW);
	rule(&v, !(flags & IOAS_MODEL_PROT), -EINVAL);	/* no access */
	rule(&v, !length || length % dst->align || src_iova % src->align,
	     -EINVAL);
	if (wraps(src_iova, length))
		rule_any(&v, true, -EOVERFLOW);
	else if (length)
		rule(&v, !covered(src, src_iova, src_iova + length - 1),
		     -ENOENT);
	if (fixed)
		check_fixed(dst, &v, dst_iova, length);
	/* Linux places the copy first: an automatic placement within an
	 * allowed list may fail first, with its own errno. */
	if (!wraps(src_iova, length) && length) {
		if (fixed || !dst->nr_allowed)
			rule(&v, adds_write(src, src_iova, length, flags),
			     -EPERM);
		else
			rule_any(&v, adds_write(src, src_iova, length, flags),
				 -EPERM);
	}
	if (v.n)
		return verdict(dst, &v);
	dst->any_err = false;
	if (!fixed) {
		ioas_model_translate(src, src_iova, &user, &prot);
		*align = auto_align(dst, length, user);
		return IOAS_MODEL_CHOOSE;
	}
	return insert_copy(dst, src, src_iova, length, dst_iova, flags);
}

int ioas_model_copy_place(struct ioas_model *dst,
			  const struct ioas_model *src, uint64_t src_iova,
			  uint64_t length, uint64_t dst_iova, uint64_t align,
			  uint32_t prot, const char **why)
{
	uint64_t user = 0;
	uint32_t p;

	ioas_model_translate(src, src_iova, &user, &p);
	*why = judge(dst, dst_iova, length, align, user);
	if (*why)
		return -EINVAL;
	return insert_copy(dst, src, src_iova, length, dst_iova, prot);
}

static int span_cmp(const void *a, const void *b)
{
	const struct ioas_model_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int ioas_model_allow(struct ioas_model *m, const struct iommu_iova_range *v,
		     size_t n)
{
	struct ioas_model_span s[IOAS_MODEL_MAX_ALLOWED];
	struct verdict vd = { 0 };
	bool bad = false, res = false;
	size_t i;

	if (n > IOAS_MODEL_MAX_ALLOWED) {
		m->any_err = true;	/* beyond the model: cannot judge */
		return -E2BIG;
	}
	for (i = 0; i < n; i++)
		s[i] = (struct ioas_model_span) { v[i].start, v[i].last };
	qsort(s, n, sizeof(s[0]), span_cmp);
	for (i = 0; i < n; i++) {
		if (s[i].start > s[i].last) {
			bad = true;
			continue;
		}
		bad |= i && s[i].start <= s[i - 1].last;
		res |= ioas_model_reserved(m, s[i].start, s[i].last);
	}
	rule(&vd, bad, -EINVAL);
	rule(&vd, res, -EADDRINUSE);
	if (vd.n)
		return verdict(m, &vd);
	memcpy(m->allowed, s, n * sizeof(s[0]));
	m->nr_allowed = n;
	m->any_err = false;
	return 0;
}

const struct ioas_model_area *ioas_model_find(const struct ioas_model *m,
					      uint64_t iova)
{
	return area_meeting(m, iova, iova);
}

bool ioas_model_translate(const struct ioas_model *m, uint64_t iova,
			  uint64_t *user, uint32_t *prot)
{
	const struct ioas_model_area *a = ioas_model_find(m, iova);

	if (!a)
		return false;
	*user = a->user_va + (iova - a->iova);
	*prot = a->prot;
	return true;
}

uint64_t ioas_model_mapped(const struct ioas_model *m)
{
	uint64_t bytes = 0;
	size_t i;

	for (i = 0; i < m->n; i++)
		bytes += m->v[i].last - m->v[i].iova + 1;
	return bytes;
}
