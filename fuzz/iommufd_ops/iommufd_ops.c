// SPDX-License-Identifier: MIT
/*
 * iommufd_ops: bytes -> iommufd-facet work on the ref target (in its
 * initial state, fz_ref_get: no objects, or the IOAS engine's own set-up;
 * warm, because the engines below open a VDEV). Byte 0 picks the driver,
 * the rest is its input:
 *
 *  bits 1-0 = 0  raw: the ioctls below, with fuzzed structs;
 *             1  the IOAS sequence engine of IOMMUFD.SEQ.1
 *                (specs/models/ioas_seq.h), default mix;
 *             3  the same engine in IOMMUFD.SEQ.2's mix (copies and
 *                read-only mappings);
 *             2  the page request sequence engine of VSVA.PRQ.SEQ.1
 *                (specs/models/prq_seq.h).
 * The engines run the bytes on the target and on the IOAS / page request
 * model, compared after every step (one engine, two drivers: the clauses
 * feed it seeded bytes, this target fuzzed ones); any divergence, or an
 * engine error, aborts with the engine's report. The IOAS engines are
 * kept, each on a ref target of its own (ioas_run); the page request
 * engine, whose device does not reuse page request indices (prq_seq.h),
 * is opened and closed per input on the raw mode's target. fz_ref_put's
 * probes decide whether the target is as the input got it, once the DMA
 * faults the engines' probes left in the viommu's queue are drained
 * (drain_dma_faults).
 *
 * Raw mode: a sequence of /dev/iommu ioctls on the iommufd facet,
 * with fuzzed struct contents: the size field
 * (short, exact, longer with a zero or a nonzero tail), flags, reserved
 * fields, object IDs, IOVAs and lengths, and the range arrays.
 *
 * Operations: IOAS_ALLOC, DESTROY, IOAS_MAP, IOAS_UNMAP (a range, or all),
 * IOAS_COPY, IOAS_IOVA_RANGES, IOAS_ALLOW_IOVAS, and a generic one: any
 * IOMMU_* number (or any number at all) with a struct of random size and
 * contents, so that ioctls added to the reference later are reached too.
 *
 * Oracle, besides the sanitizers (linux/iommufd.h, "General ioctl format",
 * and harness/ref/iommufd/iommufd.h):
 *  - a size below the struct's first version is -EINVAL; nonzero bytes
 *    past the known struct are -E2BIG; on any error but IOVA_RANGES'
 *    -EMSGSIZE the caller's struct is left untouched;
 *  - IOAS_ALLOC hands out the lowest free object ID;
 *  - a mapped IOVA is 4 KiB aligned, outside the reserved IOVAs, and the
 *    one asked for with FIXED_IOVA;
 *  - a shadow count of the bytes mapped in each IOAS (MAP and COPY add,
 *    UNMAP takes away what it says it unmapped): an UNMAP never returns
 *    more than is mapped, and unmapping everything returns exactly it;
 *  - IOVA_RANGES lists sorted, disjoint ranges outside the reserved IOVAs.
 * The shadow is exact until a generic ioctl succeeds (it may have created
 * objects this file does not know), after which only the rules that do
 * not depend on it are checked. At the end every IOAS is unmapped and
 * destroyed; the target goes back for the next input only if the shadow
 * was still exact, so that nothing unknown is left (fz_ref_put checks the
 * context is empty too).
 *
 * Pointers the reference dereferences (the range arrays, and 64-bit
 * fields of generic structs) always point at buffers of this file sized
 * for what they describe: a wild pointer would be the kernel's -EFAULT,
 * which an in-process reference cannot see. MAP's user_va is never
 * dereferenced (iommufd.h: pages are tracked, not pinned).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ioctl.h>
#include <linux/iommufd.h>

#include "siovh/profile.h"
#include "specs/models/ioas_seq.h"
#include "specs/models/prq_seq.h"
#include "fuzz/common/fuzz.h"
#include "fuzz/common/trace.h"
#include "raw_trace.h"

#define PAGE		4096ull
#define MAX_OBJS	8
#define MAX_RECENT	8
#define MAX_RANGES	8
#define SCRATCH		(128u << 10)
#define MSI_START	0xfee00000ull
#define MSI_LAST	0xfeefffffull
#define AW_END		(1ull << 48)
#define MAP_FLAGS	(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | \
			 IOMMU_IOAS_MAP_READABLE)
#define OFFSETOFEND(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))

struct area {
	uint32_t ioas;
	uint64_t iova, length;
};

struct run {
	struct siovh_target *t;
	struct fz in;
	uint32_t ids[MAX_OBJS];		/* live IOAS IDs, in creation order */
	uint64_t mapped[MAX_OBJS];	/* bytes mapped in each */
	size_t nr_ids;
	bool exact;			/* no unknown object was created */
	struct area recent[MAX_RECENT];	/* last areas mapped, for UNMAP */
	size_t nr_recent;
	uint8_t *scratch;		/* what generic pointers point at */
	bool scratch_used;		/* ... and some did */
};


enum op { OP_ALLOC, OP_DESTROY, OP_MAP, OP_UNMAP, OP_UNMAP_ALL, OP_COPY,
	  OP_RANGES, OP_ALLOW, OP_GENERIC, OP_NR };

static int find_ioas(const struct run *r, uint32_t id)
{
	size_t i;

	for (i = 0; i < r->nr_ids; i++)
		if (r->ids[i] == id)
			return (int)i;
	return -1;
}

/* An object ID: mostly a live IOAS, sometimes 0, a stale or a wild one. */
static uint32_t pick_id(struct run *r)
{
	uint8_t b = fz_u8(&r->in);

	if (b < 200 && r->nr_ids)
		return r->ids[b % r->nr_ids];
	if (b < 230)
		return b % 12;
	return b < 250 ? fz_u32(&r->in) : UINT32_MAX;
}

/* An IOVA or a length: pages, edges around the reserved IOVAs, raw. */
static uint64_t pick_u64(struct run *r)
{
	static const uint64_t edges[] = {
		0, PAGE, 2 * PAGE, 1ull << 21, MSI_START - PAGE, MSI_START,
		MSI_LAST + 1, AW_END - PAGE, AW_END, UINT64_MAX - PAGE + 1,
		UINT64_MAX, 1,
	};
	uint8_t b = fz_u8(&r->in);

	if (b < 128)
		return (uint64_t)fz_u8(&r->in) * PAGE;
	if (b < 176)
		return (uint64_t)fz_u16(&r->in) * PAGE;
	if (b < 224)
		return fz_pick(&r->in, edges);
	return fz_u64(&r->in);
}

/* Flags: a valid combination of allowed, or (1 in 8) any 32 bits. */
static uint32_t pick_flags(struct run *r, uint32_t allowed)
{
	uint8_t b = fz_u8(&r->in);

	return b < 224 ? (uint32_t)fz_u8(&r->in) & allowed : fz_u32(&r->in);
}

/*
 * The caller's struct: the known one (st, known bytes) laid into a buffer
 * whose size field is exact, short, or longer with a zero or a nonzero
 * tail; the buffer is exactly as long as size says (at least 4 bytes).
 */
static int build(struct run *r, struct call *c, const void *st)
{
	uint8_t shape = fz_u8(&r->in);
	size_t alloc;

	c->size = (uint32_t)c->known;
	if (shape >= 192 && shape < 224)
		c->size = fz_u8(&r->in) % c->known;
	else if (shape >= 224)
		c->size = (uint32_t)c->known + 1 + fz_u8(&r->in) % 64;
	alloc = c->size < 4 ? 4 : c->size;
	c->arg = calloc(1, alloc);
	if (!c->arg)
		return -ENOMEM;
	memcpy(c->arg, st, c->size < c->known ? c->size : c->known);
	if (shape >= 240)
		c->arg[c->known + fz_u8(&r->in) % (c->size - c->known)] =
			fz_u8(&r->in) | 1;
	memcpy(c->arg, &c->size, 4);
	c->rules = true;
	return 0;
}

static bool tail_zero(const uint8_t *p, size_t from, size_t to)
{
	for (; from < to; from++)
		if (p[from])
			return false;
	return true;
}

/*
 * What a failed call may have written: nothing, but HWPT_INVALIDATE's
 * entry_num, which reports the requests handled on failure too (at most
 * those asked for; linux/iommufd.h).
 */
static bool failed_struct_ok(const struct call *c, const uint8_t *before,
			     size_t len)
{
	const size_t at = offsetof(struct iommu_hwpt_invalidate, entry_num);
	uint32_t asked, told;

	if (!memcmp(before, c->arg, len))
		return true;
	if (c->cmd != IOMMU_HWPT_INVALIDATE || len < at + sizeof(told) ||
	    memcmp(before, c->arg, at) ||
	    memcmp(before + at + sizeof(told),
		   (const uint8_t *)c->arg + at + sizeof(told),
		   len - at - sizeof(told)))
		return false;
	memcpy(&asked, before + at, sizeof(asked));
	memcpy(&told, (const uint8_t *)c->arg + at, sizeof(told));
	return told <= asked;
}

/* Run c and apply the rules every ioctl obeys; 0 or -errno. */
static int issue(struct run *r, struct call *c)
{
	size_t alloc = c->size < 4 ? 4 : c->size;
	uint8_t *before = malloc(alloc);
	int ret;

	if (!before)
		fz_fail("out of memory");
	memcpy(before, c->arg, alloc);
	ret = r->t->iommufd->ioctl(r->t, c->cmd, c->arg);
	fz_note_u64(c->cmd);
	fz_note_u64((uint64_t)(int64_t)ret);
	if (ret > 0)
		fz_fail("ioctl %#lx returned %d, not 0 or -errno", c->cmd, ret);
	if (ret && ret != -EMSGSIZE && !failed_struct_ok(c, before, alloc))
		fz_fail("ioctl %#lx failed (%d) but wrote its struct", c->cmd,
			ret);
	if (c->rules && c->size < c->min && ret != -EINVAL)
		fz_fail("ioctl %#lx with size %u (first version %zu) returned "
			"%d, not -EINVAL", c->cmd, c->size, c->min, ret);
	if (c->rules && c->size >= c->min && c->size > c->known &&
	    !tail_zero(before, c->known, c->size) && ret != -E2BIG)
		fz_fail("ioctl %#lx with nonzero bytes past its %zu-byte struct "
			"returned %d, not -E2BIG", c->cmd, c->known, ret);
	free(before);
	return ret;
}

/* The struct as the reference wrote it back, when it had room to. */
static bool readback(const struct call *c, void *st)
{
	if (c->size < c->known)
		return false;
	memcpy(st, c->arg, c->known);
	return true;
}

#define CALL(cmd, type, last) \
	{ (cmd), NULL, 0, sizeof(type), OFFSETOFEND(type, last), false }

static void note_area(struct run *r, uint32_t ioas, uint64_t iova,
		      uint64_t length)
{
	r->recent[r->nr_recent++ % MAX_RECENT] =
		(struct area){ ioas, iova, length };
}

/*
 * A placed [iova, +length) does not wrap; on the reference it is also page
 * aligned, inside the address width and outside the interrupt window. A
 * kernel's IOAS that no domain constrains (raw mode attaches no device)
 * has neither limit and an alignment of 1 (IOVA_RANGES says so).
 */
static void check_iova(uint64_t iova, uint64_t length, const char *what)
{
	uint64_t last = iova + length - 1;
	bool ref = !fz_target_spec();

	if (last < iova || (ref && (iova % PAGE || last >= AW_END ||
				    (iova <= MSI_LAST && last >= MSI_START))))
		fz_fail("%s placed [%#llx, +%#llx): unaligned, wrapping, "
			"reserved or beyond the address width", what,
			(unsigned long long)iova, (unsigned long long)length);
}

static void add_mapped(struct run *r, uint32_t ioas, uint64_t length)
{
	int i = find_ioas(r, ioas);

	if (i >= 0)
		r->mapped[i] += length;
}

static void op_alloc(struct run *r)
{
	struct iommu_ioas_alloc st = { .flags = pick_flags(r, 0) };
	struct call c = CALL(IOMMU_IOAS_ALLOC, __typeof__(st), out_ioas_id);
	uint32_t want = 1;
	int ret;

	if (build(r, &c, &st))
		return;
	while (find_ioas(r, want) >= 0)
		want++;
	ret = issue(r, &c);
	if (!ret && readback(&c, &st))
		fz_trace_obj_new("ioas", st.out_ioas_id);
	fz_trace("ioas_alloc(flags %#x%s) -> %s%s%s", st.flags, size_text(&c),
		 fz_trace_err(ret), !ret && readback(&c, &st) ? " " : "",
		 !ret && readback(&c, &st) ? fz_trace_obj(st.out_ioas_id) : "");
	if (!ret && readback(&c, &st)) {
		fz_note_u64(st.out_ioas_id);
		if (r->exact && st.out_ioas_id != want)
			fz_fail("IOAS_ALLOC gave ID %u, the lowest free is %u",
				st.out_ioas_id, want);
		if (r->nr_ids < MAX_OBJS) {
			r->mapped[r->nr_ids] = 0;
			r->ids[r->nr_ids++] = st.out_ioas_id;
		} else {
			r->exact = false;
		}
	}
	free(c.arg);
}

static void forget(struct run *r, int i)
{
	r->nr_ids--;
	r->ids[i] = r->ids[r->nr_ids];
	r->mapped[i] = r->mapped[r->nr_ids];
}

static void op_destroy(struct run *r)
{
	struct iommu_destroy st = { .id = pick_id(r) };
	struct call c = CALL(IOMMU_DESTROY, __typeof__(st), id);
	int i = find_ioas(r, st.id), ret;
	const char *name;

	if (build(r, &c, &st))
		return;
	name = fz_trace_on ? fz_trace_obj(st.id) : NULL;
	ret = issue(r, &c);
	fz_trace("destroy(%s%s) -> %s", name, size_text(&c), fz_trace_err(ret));
	if (r->exact && c.size == c.known && i < 0 && ret != -ENOENT)
		fz_fail("DESTROY of unknown object %u returned %d", st.id, ret);
	if (!ret && i >= 0)
		forget(r, i);
	free(c.arg);
}

/*
 * A kernel (fz_target_spec) pins the pages at user_va: a page-aligned
 * value below USER_SPAN lands in a buffer of this process, so that MAP
 * reaches the kernel's mapping paths instead of failing with -EFAULT;
 * other values stay wild (the -EFAULT paths). The reference only records
 * user_va, and gets the bytes' value itself.
 */
#define USER_SPAN	(1024 * PAGE)

static uint64_t user_va_of(uint64_t va)
{
	static uint8_t *buf;

	if (!fz_target_spec() || va >= USER_SPAN || va % PAGE)
		return va;
	if (!buf) {
		buf = aligned_alloc(PAGE, USER_SPAN);
		if (!buf)
			fz_fail("no memory for the MAP buffer");
		memset(buf, 0, USER_SPAN);
	}
	return (uintptr_t)buf + va;
}

static void op_map(struct run *r)
{
	struct iommu_ioas_map st = {
		.flags = pick_flags(r, MAP_FLAGS),
		.ioas_id = pick_id(r),
		.__reserved = fz_u8(&r->in) < 240 ? 0 : fz_u32(&r->in),
		.length = pick_u64(r),
		.iova = pick_u64(r),
	};
	struct call c = CALL(IOMMU_IOAS_MAP, __typeof__(st), iova);
	uint64_t asked = st.iova, va;
	char args[256] = "";
	int ret;

	/* user_va is only recorded: any value is fair (see the header). */
	st.user_va = fz_u8(&r->in) < 240 ? (uint64_t)fz_u16(&r->in) * PAGE :
					    fz_u64(&r->in);
	va = st.user_va;
	st.user_va = user_va_of(st.user_va);
	if (build(r, &c, &st))
		return;
	if (fz_trace_on)
		snprintf(args, sizeof(args), "map(%s, flags %#x, iova %s, "
			 "length %#llx, va %#llx%s)", fz_trace_obj(st.ioas_id),
			 st.flags, st.flags & IOMMU_IOAS_MAP_FIXED_IOVA ?
			 fz_trace_iova(st.ioas_id, st.iova) : "-",
			 (unsigned long long)st.length,
			 (unsigned long long)va, size_text(&c));
	ret = issue(r, &c);
	trace_placed(&c, args, ret, st.ioas_id, st.flags, st.iova,
		     st.length);
	if (!ret && readback(&c, &st)) {
		fz_note_u64(st.iova);
		check_iova(st.iova, st.length, "MAP");
		if ((st.flags & IOMMU_IOAS_MAP_FIXED_IOVA) && st.iova != asked)
			fz_fail("MAP with FIXED_IOVA %#llx placed it at %#llx",
				(unsigned long long)asked,
				(unsigned long long)st.iova);
		add_mapped(r, st.ioas_id, st.length);
		note_area(r, st.ioas_id, st.iova, st.length);
	}
	free(c.arg);
}

static void op_copy(struct run *r)
{
	struct iommu_ioas_copy st = {
		.flags = pick_flags(r, MAP_FLAGS),
		.dst_ioas_id = pick_id(r),
		.src_ioas_id = pick_id(r),
		.length = pick_u64(r),
		.dst_iova = pick_u64(r),
		.src_iova = pick_u64(r),
	};
	struct call c = CALL(IOMMU_IOAS_COPY, __typeof__(st), src_iova);
	uint8_t b = fz_u8(&r->in);
	char args[256] = "";
	int ret;

	if (b < 160 && r->nr_recent) {	/* copy (part of) a real area */
		const struct area *a = &r->recent[b % MAX_RECENT %
			(r->nr_recent < MAX_RECENT ? r->nr_recent : MAX_RECENT)];

		st.src_ioas_id = a->ioas;
		st.src_iova = a->iova;
		st.length = b & 1 ? a->length : PAGE;
	}
	if (build(r, &c, &st))
		return;
	if (fz_trace_on)
		snprintf(args, sizeof(args), "copy(%s %s to %s %s, flags %#x, "
			 "length %#llx%s)", fz_trace_obj(st.src_ioas_id),
			 fz_trace_iova(st.src_ioas_id, st.src_iova),
			 fz_trace_obj(st.dst_ioas_id),
			 st.flags & IOMMU_IOAS_MAP_FIXED_IOVA ?
			 fz_trace_iova(st.dst_ioas_id, st.dst_iova) : "-",
			 st.flags, (unsigned long long)st.length,
			 size_text(&c));
	ret = issue(r, &c);
	trace_placed(&c, args, ret, st.dst_ioas_id, st.flags, st.dst_iova,
		     st.length);
	if (!ret && readback(&c, &st)) {
		fz_note_u64(st.dst_iova);
		check_iova(st.dst_iova, st.length, "COPY");
		add_mapped(r, st.dst_ioas_id, st.length);
		note_area(r, st.dst_ioas_id, st.dst_iova, st.length);
	}
	free(c.arg);
}

static void unmapped(struct run *r, uint32_t ioas, uint64_t len, bool all)
{
	int i = find_ioas(r, ioas);

	if (i < 0 || !r->exact)
		return;
	if (len > r->mapped[i] || (all && len != r->mapped[i]))
		fz_fail("UNMAP%s of IOAS %u returned %llu bytes, %llu are "
			"mapped", all ? " of everything" : "", ioas,
			(unsigned long long)len,
			(unsigned long long)r->mapped[i]);
	r->mapped[i] -= len;
}

static void op_unmap(struct run *r, bool all)
{
	struct iommu_ioas_unmap st = {
		.ioas_id = pick_id(r),
		.iova = all ? 0 : pick_u64(r),
		.length = all ? UINT64_MAX : pick_u64(r),
	};
	struct call c = CALL(IOMMU_IOAS_UNMAP, __typeof__(st), length);
	uint8_t b = all ? 255 : fz_u8(&r->in);
	uint64_t out_len = 0;
	char args[160] = "";
	int ret;

	if (b < 160 && r->nr_recent) {	/* hit a real area, or part of it */
		const struct area *a = &r->recent[b % (r->nr_recent < MAX_RECENT ?
						       r->nr_recent : MAX_RECENT)];

		st.ioas_id = a->ioas;
		st.iova = a->iova + (b & 2 ? PAGE : 0);
		st.length = b & 1 ? a->length : PAGE;
	}
	if (build(r, &c, &st))
		return;
	if (fz_trace_on && all)
		snprintf(args, sizeof(args), "unmap(%s, all%s)",
			 fz_trace_obj(st.ioas_id), size_text(&c));
	else if (fz_trace_on)
		snprintf(args, sizeof(args), "unmap(%s, %s, length %#llx%s)",
			 fz_trace_obj(st.ioas_id),
			 fz_trace_iova(st.ioas_id, st.iova),
			 (unsigned long long)st.length, size_text(&c));
	ret = issue(r, &c);
	if (!ret && c.size >= c.known)
		memcpy(&out_len, c.arg + offsetof(__typeof__(st), length),
		       sizeof(out_len));
	if (!ret && c.size >= c.known)
		fz_trace("%s -> 0 length %#llx", args,
			 (unsigned long long)out_len);
	else
		fz_trace("%s -> %s", args, fz_trace_err(ret));
	if (!ret && readback(&c, &st)) {
		fz_note_u64(st.length);
		unmapped(r, st.ioas_id, st.length, all);
	}
	else if (c.size < c.known)
		r->exact = false;	/* unmapped something, length unknown */
	else if (ret == -ENOENT && fz_target_spec())
		/* Linux's UNMAP is not atomic: before the area that crosses
		 * the range's edge fails it, the whole areas below it are
		 * gone (the IOAS model's partial_unmap; found by make
		 * fuzz-kernel on 7.3) */
		r->exact = false;
	free(c.arg);
}

static void check_ranges(const struct iommu_iova_range *v, uint32_t n)
{
	uint32_t i;

	/* the interrupt window is reserved on the reference (check_iova) */
	for (i = 0; i < n; i++) {
		if (v[i].start > v[i].last ||
		    (i && v[i].start <= v[i - 1].last) ||
		    (!fz_target_spec() && v[i].start <= MSI_LAST &&
		     v[i].last >= MSI_START))
			fz_fail("IOVA_RANGES range %u [%#llx, %#llx] is "
				"inverted, unsorted or reserved", i,
				(unsigned long long)v[i].start,
				(unsigned long long)v[i].last);
	}
}

static void op_ranges(struct run *r)
{
	uint32_t max = fz_u8(&r->in) % (MAX_RANGES + 1);
	struct iommu_iova_range *out = max ? calloc(max, sizeof(*out)) : NULL;
	struct iommu_ioas_iova_ranges st = {
		.ioas_id = pick_id(r), .num_iovas = max,
		.__reserved = fz_u8(&r->in) < 240 ? 0 : fz_u32(&r->in),
		.allowed_iovas = (uintptr_t)out,
	};
	struct call c = CALL(IOMMU_IOAS_IOVA_RANGES, __typeof__(st), out_iova_alignment);
	int ret;

	if (max && !out)
		return;
	if (!build(r, &c, &st)) {
		const char *name = fz_trace_on ? fz_trace_obj(st.ioas_id) : "";

		ret = issue(r, &c);
		trace_ranges(&c, name, max, ret, out);
		if ((!ret || ret == -EMSGSIZE) && readback(&c, &st)) {
			/* The reference's is a page; Linux's, for an IOAS
			 * no domain constrains, is 1. */
			if (!st.out_iova_alignment ||
			    st.out_iova_alignment > PAGE ||
			    (st.out_iova_alignment &
			     (st.out_iova_alignment - 1)) ||
			    (!fz_target_spec() &&
			     st.out_iova_alignment != PAGE))
				fz_fail("IOVA_RANGES alignment %llu",
					(unsigned long long)st.out_iova_alignment);
			if ((ret == -EMSGSIZE) != (st.num_iovas > max))
				fz_fail("IOVA_RANGES returned %d for %u ranges "
					"into %u", ret, st.num_iovas, max);
			check_ranges(out, st.num_iovas < max ? st.num_iovas :
							       max);
			fz_note_u64(st.num_iovas);
			fz_note(out, (st.num_iovas < max ? st.num_iovas : max) *
				sizeof(*out));
		}
		free(c.arg);
	}
	free(out);
}

static void op_allow(struct run *r)
{
	uint32_t i, n = fz_u8(&r->in) % (MAX_RANGES + 1);
	struct iommu_iova_range *in = n ? calloc(n, sizeof(*in)) : NULL;
	struct iommu_ioas_allow_iovas st = {
		.ioas_id = pick_id(r), .num_iovas = n,
		.__reserved = fz_u8(&r->in) < 240 ? 0 : fz_u32(&r->in),
		.allowed_iovas = (uintptr_t)in,
	};
	struct call c = CALL(IOMMU_IOAS_ALLOW_IOVAS, __typeof__(st), allowed_iovas);

	if (n && !in)
		return;
	for (i = 0; i < n; i++) {
		in[i].start = pick_u64(r);
		in[i].last = in[i].start + pick_u64(r) - 1;
	}
	if (!build(r, &c, &st)) {
		const char *name = fz_trace_on ? fz_trace_obj(st.ioas_id) : "";
		char text[400] = "";
		size_t len = 0;
		int ret;

		for (i = 0; fz_trace_on && i < n && len < sizeof(text); i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						" [%#llx, %#llx]",
						(unsigned long long)in[i].start,
						(unsigned long long)in[i].last);
		ret = issue(r, &c);
		fz_trace("allow_iovas(%s, %u:%s%s) -> %s", name, n, text,
			 size_text(&c), fz_trace_err(ret));
		free(c.arg);
	}
	free(in);
}

/*
 * Is the 64-bit word at off of cmd's struct a user pointer the reference
 * dereferences? Those get 0 or the scratch buffer only: two small words
 * there made a wild pointer (0x1 as IOVA_RANGES' allowed_iovas crashed
 * the reference, which cannot see the kernel's -EFAULT).
 */
static bool is_user_pointer(unsigned long cmd, uint32_t off)
{
	static const struct {
		unsigned long cmd;
		uint32_t off;
	} ptrs[] = {
		{ IOMMU_IOAS_ALLOW_IOVAS,
		  offsetof(struct iommu_ioas_allow_iovas, allowed_iovas) },
		{ IOMMU_IOAS_IOVA_RANGES,
		  offsetof(struct iommu_ioas_iova_ranges, allowed_iovas) },
		{ IOMMU_HWPT_ALLOC, offsetof(struct iommu_hwpt_alloc, data_uptr) },
		{ IOMMU_GET_HW_INFO, offsetof(struct iommu_hw_info, data_uptr) },
		{ IOMMU_HWPT_INVALIDATE,
		  offsetof(struct iommu_hwpt_invalidate, data_uptr) },
		{ IOMMU_HWPT_GET_DIRTY_BITMAP,
		  offsetof(struct iommu_hwpt_get_dirty_bitmap, data) },
	};
	size_t i;

	for (i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++)
		if (ptrs[i].cmd == cmd && ptrs[i].off == off)
			return true;
	return false;
}

/*
 * A GET_DIRTY_BITMAP's bitmap is as long as length / page_size bits say,
 * which a pointer into the scratch buffer may not hold: the reference
 * writes where the caller points (it cannot see the kernel's -EFAULT), so
 * a bitmap longer than the scratch buffer gets no pointer.
 */
static void fit_dirty_bitmap(struct call *c)
{
	struct iommu_hwpt_get_dirty_bitmap d;

	if (c->cmd != IOMMU_HWPT_GET_DIRTY_BITMAP || c->size < sizeof(d))
		return;
	memcpy(&d, c->arg, sizeof(d));
	if (d.page_size && d.length / d.page_size < (SCRATCH - 256) * 8ull)
		return;
	d.data = 0;
	memcpy(c->arg, &d, sizeof(d));
}

/*
 * Any ioctl number with a struct of any size: u32 words get raw values
 * (the flags word at offset 4 any 32 bits, the others small numbers or
 * live IDs), 64-bit words 0 or a pointer into the scratch buffer.
 */
static void op_generic(struct run *r)
{
	uint8_t b = fz_u8(&r->in);
	struct call c = { .size = 8 + fz_u8(&r->in) % 249 };
	uint32_t off, w;
	uint64_t p;
	int ret;

	c.cmd = b < 224 ? _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + b % 32) :
			  fz_u32(&r->in);
	c.arg = calloc(1, c.size);
	if (!c.arg)
		return;
	memcpy(c.arg, &c.size, 4);
	w = fz_u32(&r->in);
	memcpy(c.arg + 4, &w, 4);
	for (off = 8; off + 8 <= c.size; off += 8) {
		b = fz_u8(&r->in);
		if (b < 96 && !is_user_pointer(c.cmd, off)) { /* two small words */
			w = b & 1 ? pick_id(r) : fz_u8(&r->in);
			memcpy(c.arg + off, &w, 4);
			w = fz_u8(&r->in);
			memcpy(c.arg + off + 4, &w, 4);
		} else if (b < 160) {	/* a pointer to zeroed memory */
			p = (uintptr_t)r->scratch + (fz_u8(&r->in) & ~7u);
			r->scratch_used = true;
			memcpy(c.arg + off, &p, 8);
		}			/* else 0 */
	}
	fit_dirty_bitmap(&c);
	ret = issue(r, &c);
	if (!ret)
		r->exact = false;
	/* A number the VFS answers on a kernel's file before iommufd sees
	 * it is not iommufd's behaviour: shown, not compared (trace.h). */
	fz_trace("ioctl %#lx(size %u) %s %s", c.cmd, c.size,
		 vfs_ioctl(c.cmd) ? "~" : "->", fz_trace_err(ret));
	free(c.arg);
}

/* Everything mapped comes back out, and every IOAS goes. */
static void finish(struct run *r)
{
	while (r->nr_ids) {
		struct iommu_ioas_unmap un = {
			.size = sizeof(un), .ioas_id = r->ids[0], .length = UINT64_MAX,
		};
		struct iommu_destroy d = { .size = sizeof(d), .id = r->ids[0] };
		int ret = r->t->iommufd->ioctl(r->t, IOMMU_IOAS_UNMAP, &un);

		fz_trace("final unmap(%s, all) -> %s length %#llx",
			 fz_trace_obj(un.ioas_id), fz_trace_err(ret),
			 (unsigned long long)un.length);

		if (r->exact && (ret || un.length != r->mapped[0]))
			fz_fail("final UNMAP of everything in IOAS %u: %d, %llu "
				"bytes of %llu", r->ids[0], ret,
				(unsigned long long)un.length,
				(unsigned long long)r->mapped[0]);
		ret = r->t->iommufd->ioctl(r->t, IOMMU_DESTROY, &d);
		fz_trace("final destroy(%s) -> %s", fz_trace_obj(d.id),
			 fz_trace_err(ret));
		if (r->exact && ret)
			fz_fail("final DESTROY of IOAS %u: %d", r->ids[0], ret);
		forget(r, 0);
	}
}

static void run_op(struct run *r, enum op op)
{
	switch (op) {
	case OP_ALLOC: op_alloc(r); break;
	case OP_DESTROY: op_destroy(r); break;
	case OP_MAP: op_map(r); break;
	case OP_UNMAP: op_unmap(r, false); break;
	case OP_UNMAP_ALL: op_unmap(r, true); break;
	case OP_COPY: op_copy(r); break;
	case OP_RANGES: op_ranges(r); break;
	case OP_ALLOW: op_allow(r); break;
	default: op_generic(r); break;
	}
}

/* Raw mode: the ops above; true when the target is left as it was got. */
static bool raw_run(struct siovh_target *t, const uint8_t *data, size_t size)
{
	/* Weighted: maps and unmaps dominate, generic ones are rarer. */
	static const enum op ops[16] = {
		OP_ALLOC, OP_ALLOC, OP_DESTROY, OP_MAP, OP_MAP, OP_MAP,
		OP_UNMAP, OP_UNMAP, OP_UNMAP_ALL, OP_COPY, OP_COPY, OP_RANGES,
		OP_ALLOW, OP_ALLOW, OP_GENERIC, OP_GENERIC,
	};
	/*
	 * Kept for the process and zero at the start of every input (the
	 * reference may write through the pointers into it): 128 KiB is past
	 * ASan's size classes, so one per input would cost an mmap, its page
	 * faults and a munmap every time.
	 */
	static uint8_t *scratch;
	struct run *r;
	bool clean;

	if (!scratch) {
		scratch = calloc(1, SCRATCH);
		if (!scratch)
			fz_fail("out of memory");
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		fz_fail("out of memory");
	r->scratch = scratch;
	r->t = t;
	r->in = fz_init(data, size);
	r->exact = true;
	while (!fz_empty(&r->in))
		run_op(r, ops[fz_u8(&r->in) % 16]);
	finish(r);
	/* Exact: every object this input created was known, and finish()
	 * destroyed it (or failed the input). */
	clean = r->exact;
	if (r->scratch_used)
		memset(scratch, 0, SCRATCH);
	free(r);
	return clean;
}

/*
 * The IOAS engines, one per mix, each kept with a ref target of its own
 * (fz_ref_get_slot): opened as the slot's set-up, closed before its
 * target is. A run that returns 0 ends with the engine's compared
 * teardown, which restores what every run starts from (ioas_seq.h: A0
 * holding only the completion page, A1 empty, no allowed lists; IOMMUFD.SEQ
 * runs 50 sequences on one engine), and fz_ref_put still compares the
 * target, the engine's objects included, with the slot's fresh one.
 * Opening one per input (two IOASes, the completion page, a VDEV created,
 * opened, bound and attached; then all of it torn down) was half of an
 * engine input's time.
 */
static struct ioas_seq *ioas_engines[2];

FZ_ORACLE static void ioas_up(struct siovh_target *t, void *data)
{
	enum ioas_seq_mix mix = (enum ioas_seq_mix)(uintptr_t)data;
	/* Another target (a kernel, fz_target_spec) has no siovh VDEV type:
	 * its engine compares the ioctls' results with the model, no DMA,
	 * on IOASes with the test device attached where it attaches (6.12's
	 * IOMMUFD_TEST mock does not with VT-d on: the IOASes then keep no
	 * domain, whose geometry the model takes as well), UNMAP as Linux
	 * does it (ioas_seq.h). */
	const bool other = fz_target_spec() != NULL;
	struct ioas_seq_config cfg = {
		.mix = mix, .no_dma = other, .test_device = other,
		.partial_unmap = other,
	};
	int ret;

	ret = ioas_seq_open(t, &cfg, &ioas_engines[mix]);
	if (ret && cfg.test_device) {
		cfg.test_device = false;
		ret = ioas_seq_open(t, &cfg, &ioas_engines[mix]);
	}
	if (ret)
		fz_fail("opening the IOAS sequence engine: %d", ret);
}

FZ_ORACLE static void ioas_down(struct siovh_target *t, void *data)
{
	enum ioas_seq_mix mix = (enum ioas_seq_mix)(uintptr_t)data;

	(void)t;
	ioas_seq_close(ioas_engines[mix]);
	ioas_engines[mix] = NULL;
}

static const struct fz_ref_setup ioas_setup[2] = {
	{ ioas_up, ioas_down, (void *)(uintptr_t)IOAS_SEQ_MIX_DEFAULT },
	{ ioas_up, ioas_down, (void *)(uintptr_t)IOAS_SEQ_MIX_COPY_RO },
};

/* The IOAS engine of a mix on data, on that engine's own target. */
static struct siovh_target *ioas_run(const uint8_t *data, size_t size,
				     enum ioas_seq_mix mix)
{
	struct siovh_target *t = fz_ref_get_slot(1 + mix, true,
						 &ioas_setup[mix]);
	struct ioas_seq *s = ioas_engines[mix];
	struct ioas_seq_stats st0, st;
	int ret;

	ioas_seq_stats(s, &st0);
	if (fz_trace_on) {
		/* The engine's set-up differs between the reference (a VDEV,
		 * DMA probes) and another target (the test device, Linux's
		 * UNMAP): the same bytes then resolve to other operands. */
		fz_trace("! engine: %s", fz_target_spec() ?
			 "no-dma test-device partial-unmap" : "dma");
		ioas_seq_trace(s, trace_engine_line, NULL);
	}
	ret = ioas_seq_run_bytes(s, data, size);
	if (fz_trace_on)
		ioas_seq_trace(s, NULL, NULL);
	if (ret)
		fz_fail("reference and IOAS model diverged (%d): %s", ret,
			ioas_seq_report(s)[0] ? ioas_seq_report(s) :
						"engine error");
	/* What this input ran: the engine's counts since open are not. */
	ioas_seq_stats(s, &st);
	st.ops -= st0.ops;
	st.ops_ok -= st0.ops_ok;
	st.probes -= st0.probes;
	st.probes_ok -= st0.probes_ok;
	fz_note(&st, sizeof(st));
	return t;
}

/* The page request engine on data; its close is not compared. */
static bool prq_run(struct siovh_target *t, const uint8_t *data, size_t size)
{
	struct prq_seq *s = NULL;
	int ret;

	ret = prq_seq_open(t, fz_ref_profile_get(), &s);
	if (ret)
		fz_fail("opening the page request sequence engine: %d", ret);
	ret = prq_seq_run_bytes(s, data, size);
	if (ret)
		fz_fail("reference and page request model diverged (%d): %s",
			ret, ret > 0 ? prq_seq_report(s) : "engine error");
	fz_note_u64(prq_seq_ops(s));
	fz_trace("prq_seq(%zu bytes) -> 0 ops %llu", size,
		 (unsigned long long)prq_seq_ops(s));
	prq_seq_close(s);
	return true;
}

/*
 * Empty the viommu's queue of unrecoverable DMA faults. The engines' DMA
 * probes fault on purpose (a probe where nothing is mapped must fault)
 * and judge each by its completion record, never by this queue, so what
 * they leave in it is set-up residue, like the count of faults recorded
 * that fz_ref_put ignores; left there it made fz_ref_put reopen the target
 * after nearly every engine input, and it would fill the queue, whose
 * occupancy decides whether the next fault is dropped. How many were
 * queued goes into the determinism digest.
 */
FZ_ORACLE static void drain_dma_faults(struct siovh_target *t)
{
	struct siovh_dma_fault f;
	uint64_t n = 0;

	if (!t->test || !t->test->dma_fault_pop)
		return;
	while (!t->test->dma_fault_pop(t, &f))
		if (++n > (1u << 20))
			fz_fail("the DMA fault queue does not empty");
	fz_note_u64(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siovh_target *t;
	bool clean = true;

	fz_input_keep(data, size);
	if (fz_trace_on)
		fz_trace_reset();
	if (!size)
		return 0;
	if (data[0] & 1) {
		t = ioas_run(data + 1, size - 1, data[0] & 2 ?
			     IOAS_SEQ_MIX_COPY_RO : IOAS_SEQ_MIX_DEFAULT);
	} else {
		t = fz_ref_get(true);
		if (!t->iommufd)
			fz_fail("the target has no iommufd facet");
		/* A target whose device sends no page requests (a kernel)
		 * has nothing for the page request engine to drive. */
		if (!(data[0] & 2)) {
			clean = raw_run(t, data + 1, size - 1);
		} else {
			fz_trace("! page-requests: %s",
				 t->features & SIOVH_FEAT_PAGE_REQUEST ?
				 "yes" : "no");
			if (t->features & SIOVH_FEAT_PAGE_REQUEST)
				clean = prq_run(t, data + 1, size - 1);
		}
	}
	if (data[0] & 3)
		drain_dma_faults(t);
	fz_ref_put(t, clean);
	return 0;
}
