// SPDX-License-Identifier: MIT
/*
 * The operations of the IOAS sequence engine (ioas_seq.h): decoding,
 * selectors resolved against the model, and one function per operation
 * that runs it on the target and on the model and compares.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ioas_seq_priv.h"

#define UNKNOWN_FLAG	(1u << 30)	/* no IOMMU_IOAS_MAP_* bit */
#define HALF_PAGE	(PG / 2)

/* --- decoding ------------------------------------------------------------ */

#define K(x) IOAS_SEQ_##x
static const uint8_t kinds[2][32] = {
	[IOAS_SEQ_MIX_DEFAULT] = {
		K(MAP_FIXED), K(MAP_FIXED), K(MAP_FIXED), K(MAP_FIXED),
		K(MAP_FIXED), K(MAP_FIXED), K(MAP_FIXED), K(MAP_FIXED),
		K(MAP_AUTO), K(MAP_AUTO), K(MAP_AUTO), K(MAP_AUTO),
		K(UNMAP), K(UNMAP), K(UNMAP), K(UNMAP), K(UNMAP), K(UNMAP),
		K(UNMAP), K(UNMAP_ALL),
		K(COPY_FIXED), K(COPY_FIXED), K(COPY_FIXED), K(COPY_FIXED),
		K(COPY_AUTO), K(COPY_AUTO), K(COPY_AUTO),
		K(ALLOW), K(ALLOW), K(PROBE), K(PROBE), K(PROBE),
	},
	[IOAS_SEQ_MIX_COPY_RO] = {
		K(MAP_FIXED), K(MAP_FIXED), K(MAP_FIXED), K(MAP_FIXED),
		K(MAP_FIXED), K(MAP_FIXED), K(MAP_AUTO), K(MAP_AUTO),
		K(MAP_AUTO), K(UNMAP), K(UNMAP), K(UNMAP), K(UNMAP),
		K(UNMAP), K(UNMAP), K(UNMAP_ALL),
		K(COPY_FIXED), K(COPY_FIXED), K(COPY_FIXED), K(COPY_FIXED),
		K(COPY_FIXED), K(COPY_FIXED), K(COPY_FIXED),
		K(COPY_AUTO), K(COPY_AUTO), K(COPY_AUTO), K(COPY_AUTO),
		K(COPY_AUTO), K(ALLOW), K(PROBE), K(PROBE), K(PROBE),
	},
};
#undef K

void ioas_seq_op_decode(const uint8_t b[IOAS_SEQ_OP_BYTES],
			enum ioas_seq_mix mix, struct ioas_seq_op *op)
{
	op->kind = (enum ioas_seq_kind)kinds[mix == IOAS_SEQ_MIX_COPY_RO]
					    [b[0] & 31];
	op->ioas = ((b[0] >> 5) & 3) == 3;
	op->src = b[0] >> 7 ? !op->ioas : op->ioas;
	op->where = b[1];
	op->len = b[2];
	op->va = b[3];
	op->prot = b[4];
	op->probe = b[5];
	op->shape = b[6];
	op->dst = b[7];
}

/* --- the target's ioctls ------------------------------------------------- */

static int fd_ioctl(struct ioas_seq *s, unsigned long cmd, void *arg)
{
	return s->t->iommufd->ioctl(s->t, cmd, arg);
}

int ioseq_map(struct ioas_seq *s, unsigned int slot, uint32_t flags,
	      uint64_t user_va, uint64_t length, uint64_t *iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = s->ioas[slot].id,
		.user_va = user_va, .length = length, .iova = *iova,
	};
	int ret = fd_ioctl(s, IOMMU_IOAS_MAP, &m);

	*iova = m.iova;
	return ret;
}

int ioseq_unmap(struct ioas_seq *s, unsigned int slot, uint64_t iova,
		uint64_t *length)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = s->ioas[slot].id, .iova = iova,
		.length = *length,
	};
	int ret = fd_ioctl(s, IOMMU_IOAS_UNMAP, &u);

	*length = u.length;
	return ret;
}

static int ioseq_copy(struct ioas_seq *s, unsigned int dst, unsigned int src,
		      uint32_t flags, uint64_t src_iova, uint64_t length,
		      uint64_t *dst_iova)
{
	struct iommu_ioas_copy c = {
		.size = sizeof(c), .flags = flags,
		.dst_ioas_id = s->ioas[dst].id, .src_ioas_id = s->ioas[src].id,
		.length = length, .dst_iova = *dst_iova, .src_iova = src_iova,
	};
	int ret = fd_ioctl(s, IOMMU_IOAS_COPY, &c);

	*dst_iova = c.dst_iova;
	return ret;
}

int ioseq_allow(struct ioas_seq *s, unsigned int slot,
		const struct iommu_iova_range *v, uint32_t n)
{
	struct iommu_ioas_allow_iovas a = {
		.size = sizeof(a), .ioas_id = s->ioas[slot].id,
		.num_iovas = n, .allowed_iovas = (uintptr_t)v,
	};

	return fd_ioctl(s, IOMMU_IOAS_ALLOW_IOVAS, &a);
}

/* --- selectors ----------------------------------------------------------- */

static bool is_cr(const struct ioas_seq *s, unsigned int slot,
		  const struct ioas_model_area *a)
{
	return slot == 0 && s->crpage && a->iova == SEQ_CR_IOVA;
}

const struct ioas_model_area *ioseq_pick_area(const struct ioas_seq *s,
					       unsigned int slot,
					       unsigned int idx)
{
	const struct ioas_model *m = &s->ioas[slot].m;
	size_t i, n = 0;

	for (i = 0; i < m->n; i++)
		n += !is_cr(s, slot, &m->v[i]);
	if (!n)
		return NULL;
	idx %= n;
	for (i = 0; i < m->n; i++)
		if (!is_cr(s, slot, &m->v[i]) && !idx--)
			return &m->v[i];
	return NULL;
}

/* An edge of the platform's IOVA space (k: 0..7 picks how far). */
static uint64_t edge_iova(unsigned int n)
{
	uint64_t k = n >> 3;

	switch (n & 7) {
	case 0:	/* below the interrupt window: long maps reach into it */
		return IOAS_MODEL_MSI_START - PG * (1 + (k & 3));
	case 1:
		return IOAS_MODEL_MSI_START + PG * k;
	case 2:
		return IOAS_MODEL_MSI_LAST + 1 + PG * k;
	case 3:	/* the top of the aperture */
		return IOAS_MODEL_APERTURE - PG * (1 + (k & 3));
	case 4:
		return IOAS_MODEL_APERTURE + PG * k;
	case 5:
		return SEQ_ARENA + PG * k * 8 + HALF_PAGE;
	case 6:	/* where chosen IOVAs land */
		return PG * k;
	default:
		return SEQ_ARENA - PG * (1 + k);
	}
}

/* An edge of area a: its first page, its last, the page after, before. */
static uint64_t area_edge(const struct ioas_model_area *a, unsigned int sub)
{
	switch (sub & 3) {
	case 0:
		return a->iova;
	case 1:
		return a->last + 1 - PG;
	case 2:
		return a->last + 1;
	default:
		return a->iova - PG;
	}
}

uint64_t ioseq_where(const struct ioas_seq *s, unsigned int slot, uint8_t w)
{
	const struct ioas_model_area *a = NULL;
	unsigned int n = w & 63;

	if (w >> 6 == 3)
		return edge_iova(n);
	if (w >> 6 == 1)
		a = ioseq_pick_area(s, slot, n >> 2);
	return a ? area_edge(a, n) : SEQ_ARENA + (uint64_t)n * PG;
}

/* From start to the end of the k-th area ending at or after it; 0 if
 * there is none. */
static uint64_t cover_len(const struct ioas_seq *s, unsigned int slot,
			  uint64_t start, unsigned int k)
{
	const struct ioas_model *m = &s->ioas[slot].m;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].last < start || is_cr(s, slot, &m->v[i]))
			continue;
		if (!k--)
			return m->v[i].last - start + 1;
	}
	return 0;
}

static uint64_t length_of(const struct ioas_seq *s, unsigned int slot,
			  uint64_t start, uint8_t l, bool map)
{
	uint64_t pages = 1 + (l & 15), len;
	unsigned int n = l & 63;

	switch (l >> 6) {
	case 2:
		len = cover_len(s, slot, start, n & 3);
		if (!len || (map && len > SEQ_MAP_PAGES * PG))
			break;
		return len;
	case 3:
		switch (n & 3) {
		case 0:
			return 0;
		case 1:
			return (1 + ((n >> 2) & 7)) * PG + HALF_PAGE;
		case 2:	/* to the end of the IOVA space (maps: user memory
			 * must stay inside the pool) */
			return map ? PG : UINT64_MAX - start;
		default:
			return 2 * PG;
		}
	default:
		break;
	}
	return pages * PG;
}

/*
 * UNMAP and COPY want ranges that cover areas: half their IOVAs are area
 * edges and half their lengths reach the end of an area.
 */
static uint8_t area_bias(uint8_t where)
{
	return (where >> 6) == 2 ? (uint8_t)(0x40 | (where & 63)) : where;
}

static uint8_t cover_bias(uint8_t len)
{
	return (len >> 6) == 1 ? (uint8_t)(0x80 | (len & 63)) : len;
}

/*
 * The source range of a COPY: mostly inside an area of the source IOAS
 * (from its start or an inner page; to its end, to the end of the next
 * area, or a few pages), else the generic selectors with their edges.
 */
static void copy_source(const struct ioas_seq *s, unsigned int slot,
			const struct ioas_seq_op *op, uint64_t *iova,
			uint64_t *length)
{
	const struct ioas_model_area *a = NULL;
	uint64_t pages, left, start;

	if (op->where >> 6 != 3)
		a = ioseq_pick_area(s, slot, op->where & 63);
	if (!a || op->len >> 6 == 3) {
		*iova = ioseq_where(s, slot, area_bias(op->where));
		*length = length_of(s, slot, *iova, cover_bias(op->len),
				    false);
		return;
	}
	pages = (a->last - a->iova + 1) / PG;
	if (!pages) {
		/* shorter than a page: an IOAS whose alignment is below
		 * the page size (a kernel's domainless one) can have it */
		*iova = a->iova;
		*length = a->last - a->iova + 1;
		return;
	}
	start = op->where >> 6 ? (op->len >> 3) % pages : 0;
	left = pages - start;
	*iova = a->iova + start * PG;
	switch (op->len >> 6) {
	case 0:
		*length = left * PG;
		break;
	case 1:	/* adjacent: one range; else a hole, -ENOENT */
		*length = cover_len(s, slot, *iova, 1);
		if (!*length)
			*length = left * PG;
		break;
	default:
		*length = (1 + op->len % left) * PG;
		break;
	}
}

/* A window of the pool for length bytes; 1 in 8 starts mid-page. */
static uint64_t user_of(const struct ioas_seq *s, uint8_t va, uint64_t length)
{
	uint64_t off = (va >> 5) == 7 ? HALF_PAGE : 0;
	uint64_t pages = (length + off + PG - 1) / PG;

	if (!pages)
		pages = 1;
	return (uintptr_t)s->pool +
	       (va % (SEQ_POOL_PAGES - pages + 1)) * PG + off;
}

static uint32_t flags_of(const struct ioas_seq *s, uint8_t prot)
{
	bool ro = s->cfg.mix == IOAS_SEQ_MIX_COPY_RO ? (prot & 3) != 3 :
						       (prot & 3) == 0;
	uint32_t flags = IOMMU_IOAS_MAP_READABLE;

	if (!ro)
		flags |= IOMMU_IOAS_MAP_WRITEABLE;
	if ((prot & 0xf0) == 0xf0)
		flags |= UNKNOWN_FLAG;
	return flags;
}

static const char *prot_name(uint32_t flags)
{
	if (flags & UNKNOWN_FLAG)
		return flags & IOMMU_IOAS_MAP_WRITEABLE ? "rw+bad" : "r+bad";
	return flags & IOMMU_IOAS_MAP_WRITEABLE ? "rw" : "r";
}

static void touch(struct ioas_seq *s, uint64_t iova, uint64_t length)
{
	s->touch = iova;
	s->touch_last = length && iova <= UINT64_MAX - (length - 1) ?
			iova + length - 1 : iova;
}

/* --- operations ---------------------------------------------------------- */

/* A call that failed must leave its out-field as it was passed. */
static bool same_out(struct ioas_seq *s, int got, const char *field,
		     uint64_t out, uint64_t in)
{
	if (got >= 0 || out == in)
		return true;
	return ioseq_diverge(s, "failed but changed %s from %#llx to %#llx",
			     field, (unsigned long long)in,
			     (unsigned long long)out);
}

/*
 * Where the model lets the target choose: judge the choice (placed is
 * what ioas_model_place said of it) or the refusal (-ENOSPC is right only
 * with no room at all).
 */
static bool judge_choice(struct ioas_seq *s, const struct ioas_model *m,
			 int got, int placed, const char *why, uint64_t iova,
			 uint64_t length, uint64_t align, uint64_t user)
{
	uint64_t room;

	if (got == -ENOSPC) {
		if (!ioas_model_has_room_at(m, length, align, user % PG, &room))
			return true;
		return ioseq_diverge(s, "-ENOSPC, but %#llx bytes fit at "
				     "%#llx (alignment %#llx)",
				     (unsigned long long)length,
				     (unsigned long long)room,
				     (unsigned long long)align);
	}
	if (got)
		return ioseq_diverge(s, "returned %d (%s), the model expects a "
				     "chosen IOVA or -ENOSPC", got,
				     seq_report_errname(got));
	if (placed == -EINVAL)
		return ioseq_diverge(s, "chose IOVA %#llx for %#llx bytes "
				     "(alignment %#llx): %s",
				     (unsigned long long)iova,
				     (unsigned long long)length,
				     (unsigned long long)align, why);
	return !placed;		/* else the model is out of memory */
}

static void done_choice(struct ioas_seq *s, int got, uint64_t iova)
{
	s->st.ops_ok += !got;
	if (got)
		ioseq_done(s, "%s", seq_report_errname(got));
	else
		ioseq_done(s, "0, iova %#llx", (unsigned long long)iova);
}

static bool op_map_fixed(struct ioas_seq *s, const struct ioas_seq_op *op)
{
	unsigned int slot = op->ioas;
	struct ioas_model *m = &s->ioas[slot].m;
	uint64_t iova = ioseq_where(s, slot, op->where), out = iova, align;
	uint64_t len = length_of(s, slot, iova, op->len, true);
	uint64_t va = user_of(s, op->va, len);
	uint32_t flags = IOMMU_IOAS_MAP_FIXED_IOVA | flags_of(s, op->prot);
	char u[32];
	int got, want;

	ioseq_user_name(s, va, u, sizeof(u));
	ioseq_begin(s, "map(A%u, %#llx +%#llx, va %s, %s)", slot,
		    (unsigned long long)iova, (unsigned long long)len, u,
		    prot_name(flags));
	got = ioseq_map(s, slot, flags, va, len, &out);
	want = ioas_model_map(m, flags, iova, len, va, &align);
	touch(s, iova, len);
	if (!ioseq_cmp_ret(s, got, want, m->any_err))
		return false;
	if (got)
		return same_out(s, got, "iova", out, iova);
	if (out != iova)
		return ioseq_diverge(s, "a FIXED_IOVA map came back at %#llx",
				     (unsigned long long)out);
	return true;
}

static bool op_map_auto(struct ioas_seq *s, const struct ioas_seq_op *op)
{
	unsigned int slot = op->ioas;
	struct ioas_model *m = &s->ioas[slot].m;
	uint64_t len = length_of(s, slot, 0, op->len, true);
	uint64_t va = user_of(s, op->va, len), iova = 0, align = 0;
	uint32_t flags = flags_of(s, op->prot);
	const char *why = NULL;
	int got, want, placed = 0;
	char u[32];

	ioseq_user_name(s, va, u, sizeof(u));
	ioseq_begin(s, "map(A%u, auto +%#llx, va %s, %s)", slot,
		    (unsigned long long)len, u, prot_name(flags));
	got = ioseq_map(s, slot, flags, va, len, &iova);
	want = ioas_model_map(m, flags, 0, len, va, &align);
	if (want != IOAS_MODEL_CHOOSE) {
		touch(s, SEQ_ARENA, PG);
		return ioseq_cmp_ret(s, got, want, m->any_err) &&
		       same_out(s, got, "iova", iova, 0);
	}
	done_choice(s, got, iova);
	touch(s, got ? SEQ_ARENA : iova, got ? PG : len);
	if (!got)
		placed = ioas_model_place(m, iova, len, align, va, flags, &why);
	return judge_choice(s, m, got, placed, why, iova, len, align, va);
}

static bool op_unmap(struct ioas_seq *s, const struct ioas_seq_op *op)
{
	unsigned int slot = op->ioas;
	struct ioas_model *m = &s->ioas[slot].m;
	bool all = op->kind == IOAS_SEQ_UNMAP_ALL;
	uint64_t iova = all ? 0 : ioseq_where(s, slot, area_bias(op->where));
	uint64_t len = all ? UINT64_MAX :
			     length_of(s, slot, iova, cover_bias(op->len),
				       false);
	uint64_t out = len, bytes = 0;
	int got, want;

	if (all)
		ioseq_begin(s, "unmap(A%u, all)", slot);
	else
		ioseq_begin(s, "unmap(A%u, %#llx +%#llx)", slot,
			    (unsigned long long)iova, (unsigned long long)len);
	got = ioseq_unmap(s, slot, iova, &out);
	want = ioas_model_unmap(m, iova, len, &bytes);
	touch(s, all ? SEQ_ARENA : iova, all ? PG : len);
	if (!ioseq_cmp_ret(s, got, want, m->any_err))
		return false;
	if (got)
		return same_out(s, got, "length", out, len);
	if (out != bytes)
		return ioseq_diverge(s, "reported %#llx bytes unmapped, the "
				     "model removed %#llx",
				     (unsigned long long)out,
				     (unsigned long long)bytes);
	return true;
}

static bool op_copy_fixed(struct ioas_seq *s, const struct ioas_seq_op *op)
{
	unsigned int dst = op->ioas, src = op->src;
	struct ioas_model *dm = &s->ioas[dst].m;
	uint64_t dst_iova = ioseq_where(s, dst, op->dst), out = dst_iova;
	uint64_t src_iova, len;
	uint32_t flags = IOMMU_IOAS_MAP_FIXED_IOVA | flags_of(s, op->prot);
	uint64_t align;
	int got, want;

	copy_source(s, src, op, &src_iova, &len);
	ioseq_begin(s, "copy(A%u %#llx +%#llx -> A%u %#llx, %s)", src,
		    (unsigned long long)src_iova, (unsigned long long)len, dst,
		    (unsigned long long)dst_iova, prot_name(flags));
	got = ioseq_copy(s, dst, src, flags, src_iova, len, &out);
	want = ioas_model_copy(dm, &s->ioas[src].m, flags, src_iova, len,
			       dst_iova, &align);
	touch(s, dst_iova, len);
	if (!ioseq_cmp_ret(s, got, want, dm->any_err))
		return false;
	if (got)
		return same_out(s, got, "dst_iova", out, dst_iova);
	if (out != dst_iova)
		return ioseq_diverge(s, "a FIXED_IOVA copy came back at %#llx",
				     (unsigned long long)out);
	return true;
}

static bool op_copy_auto(struct ioas_seq *s, const struct ioas_seq_op *op)
{
	unsigned int dst = op->ioas, src = op->src;
	struct ioas_model *dm = &s->ioas[dst].m;
	const struct ioas_model *sm = &s->ioas[src].m;
	uint64_t src_iova, len, iova = 0, align = 0, user = 0;
	uint32_t flags = flags_of(s, op->prot), prot;
	const char *why = NULL;
	int got, want, placed = 0;

	copy_source(s, src, op, &src_iova, &len);
	ioseq_begin(s, "copy(A%u %#llx +%#llx -> A%u auto, %s)", src,
		    (unsigned long long)src_iova, (unsigned long long)len, dst,
		    prot_name(flags));
	got = ioseq_copy(s, dst, src, flags, src_iova, len, &iova);
	want = ioas_model_copy(dm, sm, flags, src_iova, len, 0, &align);
	if (want != IOAS_MODEL_CHOOSE) {
		touch(s, SEQ_ARENA, PG);
		return ioseq_cmp_ret(s, got, want, dm->any_err) &&
		       same_out(s, got, "dst_iova", iova, 0);
	}
	done_choice(s, got, iova);
	touch(s, got ? SEQ_ARENA : iova, got ? PG : len);
	if (!got)
		placed = ioas_model_copy_place(dm, sm, src_iova, len, iova,
					       align, flags, &why);
	ioas_model_translate(sm, src_iova, &user, &prot);
	return judge_choice(s, dm, got, placed, why, iova, len, align, user);
}

#define R(a, b) (struct iommu_iova_range){ (a), (b) }

/* The ALLOW_IOVAS list variant va selects (valid ones and broken ones). */
static uint32_t allow_list(uint8_t va, struct iommu_iova_range *v)
{
	uint64_t a = (va >> 3) & 7, w = 8 + ((va >> 6) & 3) * 8;

	switch (va & 7) {
	case 0:	/* clear */
		return 0;
	case 1:
		v[0] = R(SEQ_ARENA + a * 4 * PG,
			 SEQ_ARENA + (a * 4 + w) * PG - 1);
		return 1;
	case 2:
		v[0] = R(SEQ_ARENA, SEQ_ARENA + 8 * PG - 1);
		v[1] = R(SEQ_ARENA + (16 + a * 4) * PG,
			 SEQ_ARENA + (16 + a * 4 + w) * PG - 1);
		return 2;
	case 3:	/* low, where chosen IOVAs land */
		v[0] = R(a * PG, (a + w) * PG - 1);
		return 1;
	case 4:	/* one page: most chosen IOVAs find no room */
		v[0] = R(SEQ_ARENA + a * 8 * PG,
			 SEQ_ARENA + (a * 8 + 1) * PG - 1);
		return 1;
	case 5:	/* inverted */
		v[0] = R(SEQ_ARENA + 8 * PG, SEQ_ARENA - 1);
		return 1;
	case 6:	/* overlapping */
		v[0] = R(SEQ_ARENA, SEQ_ARENA + 16 * PG - 1);
		v[1] = R(SEQ_ARENA + 8 * PG, SEQ_ARENA + 24 * PG - 1);
		return 2;
	default: /* over the interrupt window */
		v[0] = R(IOAS_MODEL_MSI_START - 16 * PG,
			 IOAS_MODEL_MSI_START + 16 * PG - 1);
		return 1;
	}
}

#undef R

static bool op_allow(struct ioas_seq *s, const struct ioas_seq_op *op)
{
	unsigned int slot = op->ioas;
	struct ioas_model *m = &s->ioas[slot].m;
	struct iommu_iova_range v[2];
	uint32_t n = allow_list(op->va, v), i;
	char text[SEQ_LINE / 2] = "none";
	size_t len = 0;
	int got, want;

	for (i = 0; i < n && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s[%#llx, %#llx]", i ? " " : "",
					(unsigned long long)v[i].start,
					(unsigned long long)v[i].last);
	ioseq_begin(s, "allow(A%u, %s)", slot, text);
	got = ioseq_allow(s, slot, n ? v : NULL, n);
	want = ioas_model_allow(m, v, n);
	touch(s, n ? v[0].start : SEQ_ARENA, PG);
	return ioseq_cmp_ret(s, got, want, m->any_err);
}

bool ioseq_op_run(struct ioas_seq *s, const struct ioas_seq_op *op)
{
	switch (op->kind) {
	case IOAS_SEQ_MAP_FIXED:
		return op_map_fixed(s, op);
	case IOAS_SEQ_MAP_AUTO:
		return op_map_auto(s, op);
	case IOAS_SEQ_UNMAP:
	case IOAS_SEQ_UNMAP_ALL:
		return op_unmap(s, op);
	case IOAS_SEQ_COPY_FIXED:
		return op_copy_fixed(s, op);
	case IOAS_SEQ_COPY_AUTO:
		return op_copy_auto(s, op);
	case IOAS_SEQ_ALLOW:
		return op_allow(s, op);
	default:
		ioseq_begin(s, "probe");
		ioseq_done(s, "-");
		touch(s, ioseq_where(s, 0, op->where), PG);
		return true;
	}
}

bool ioseq_ensure_cr(struct ioas_seq *s)
{
	const uint32_t flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOAS_MODEL_PROT;
	struct ioas_model *m = &s->ioas[0].m;
	uint64_t va = (uintptr_t)s->crpage, out = SEQ_CR_IOVA, align;
	int got, want;

	if (!s->crpage || ioas_model_find(m, SEQ_CR_IOVA))
		return true;
	ioseq_begin(s, "map(A0, %#llx +%#llx, va CR, rw) [completion page]",
		    SEQ_CR_IOVA, PG);
	got = ioseq_map(s, 0, flags, va, PG, &out);
	want = ioas_model_map(m, flags, SEQ_CR_IOVA, PG, va, &align);
	if (!ioseq_cmp_ret(s, got, want, m->any_err))
		return false;
	if (want)
		return ioseq_diverge(s, "the completion page's IOVA is taken: "
				     "the engine cannot go on");
	if (out != SEQ_CR_IOVA)
		return ioseq_diverge(s, "a FIXED_IOVA map came back at %#llx",
				     (unsigned long long)out);
	return true;
}
