// SPDX-License-Identifier: MIT
/*
 * The IOAS sequence engine (ioas_seq.h): set-up, the run loop, the trace
 * and the divergence report, and the compared teardown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "siovh/model.h"
#include "ioas_seq_priv.h"
#include "seq_report.h"

/* --- trace and report ---------------------------------------------------- */

bool ioseq_cmp_ret(struct ioas_seq *s, int got, int want, bool any_err)
{
	ioseq_done(s, "%s", seq_report_errname(got));
	s->st.ops_ok += !got;
	if (got == want || (any_err && got < 0 && want < 0))
		return true;
	return ioseq_diverge(s, "returned %d (%s), the model expects %s%s",
			     got, seq_report_errname(got), seq_report_errname(want),
			     any_err ? " (or any failure)" : "");
}

void ioseq_user_name(const struct ioas_seq *s, uint64_t user, char *buf,
		     size_t len)
{
	uint64_t pool = (uintptr_t)s->pool, cr = (uintptr_t)s->crpage;

	if (s->pool && user >= pool && user - pool < SEQ_POOL_PAGES * PG)
		snprintf(buf, len, "P%llu+%#llx",
			 (unsigned long long)((user - pool) / PG),
			 (unsigned long long)((user - pool) % PG));
	else if (s->crpage && user >= cr && user - cr < PG)
		snprintf(buf, len, "CR+%#llx", (unsigned long long)(user - cr));
	else
		snprintf(buf, len, "%#llx", (unsigned long long)user);
}

/* --- objects ------------------------------------------------------------- */

static int ioas_alloc(struct ioas_seq *s, struct ioas_seq_slot *slot)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int ret;

	ret = s->t->iommufd->ioctl(s->t, IOMMU_IOAS_ALLOC, &a);
	if (ret)
		return ret;
	slot->id = a.out_ioas_id;
	slot->alive = true;
	ioas_model_init(&slot->m);
	return 0;
}

/* cfg.test_device: the test device attached to the slot's IOAS (it stays
 * until the target closes; ioas_seq_close's DESTROY of the IOAS may then
 * be -EBUSY, which the close ignores). */
static int test_device_up(struct ioas_seq *s, struct ioas_seq_slot *slot)
{
	uint32_t dev_id, hwpt_id;

	if (!s->t->iommufd->test_device)
		return -EOPNOTSUPP;
	return s->t->iommufd->test_device(s->t, slot->id, &dev_id, &hwpt_id);
}

/*
 * The model takes the IOAS's IOVA alignment and usable ranges as the
 * target reports them (IOVA_RANGES, before any allowed list): the
 * reference's are fixed (a page; its interrupt window and aperture), a
 * kernel's depend on the domains attached.
 */
static int geometry_from_target(struct ioas_seq *s,
				struct ioas_seq_slot *slot)
{
	struct iommu_iova_range v[IOAS_MODEL_MAX_RESERVED];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = slot->id,
		.num_iovas = IOAS_MODEL_MAX_RESERVED,
		.allowed_iovas = (uintptr_t)v,
	};
	int ret = s->t->iommufd->ioctl(s->t, IOMMU_IOAS_IOVA_RANGES, &q);

	if (ret)
		return ret;	/* -EMSGSIZE too: more holes than modelled */
	if (!q.out_iova_alignment ||
	    (q.out_iova_alignment & (q.out_iova_alignment - 1)))
		return -EPROTO;	/* not a power of two: nothing to model */
	slot->m.align = q.out_iova_alignment;
	slot->m.partial_unmap = s->cfg.partial_unmap;
	return ioas_model_set_usable(&slot->m, v, q.num_iovas);
}

static void obj_destroy(struct ioas_seq *s, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	(void)s->t->iommufd->ioctl(s->t, IOMMU_DESTROY, &d);
}

/*
 * The pool and the completion page, placed at an address aligned to
 * exactly SEQ_POOL_ALIGN (to it, not to twice it): a chosen IOVA's
 * alignment depends on the user address, so a seed must not meet a
 * different layout from one run to the next. Pool pages hold a pattern of
 * their own; the shadow starts equal.
 */
/*
 * Byte i of the pool is i * 7 + (i / PG) * 13 + 1 (mod 256): different in
 * every page, so a DMA to the wrong page shows. i * 7 repeats every 256
 * bytes, so each page is one 256-byte row repeated: built a row at a time
 * rather than byte by byte, which a fuzz target that opens an engine per
 * input paid for with a coverage hook on every byte (perf: a quarter of
 * iommufd_ops' time). The bytes are the same.
 */
static void fill_pool(uint8_t *pool, size_t size)
{
	uint8_t row[256];
	size_t page, off, i;

	for (page = 0; page * PG < size; page++) {
		for (i = 0; i < sizeof(row); i++)
			row[i] = (uint8_t)(i * 7 + page * 13 + 1);
		for (off = 0; off < PG && page * PG + off < size;
		     off += sizeof(row))
			memcpy(pool + page * PG + off, row,
			       size - page * PG - off < sizeof(row) ?
			       size - page * PG - off : sizeof(row));
	}
}

static int memory_up(struct ioas_seq *s)
{
	size_t size = SEQ_POOL_PAGES * PG;
	uintptr_t base;

	s->map_size = 3 * SEQ_POOL_ALIGN + size + PG;
	s->map = mmap(NULL, s->map_size, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->map == MAP_FAILED)
		goto err_map;
	base = ((uintptr_t)s->map + 2 * SEQ_POOL_ALIGN - 1) &
	       ~(uintptr_t)(2 * SEQ_POOL_ALIGN - 1);
	s->pool = (uint8_t *)(base + SEQ_POOL_ALIGN);
	s->crpage = s->pool + size;
	if (mprotect(s->pool, size + PG, PROT_READ | PROT_WRITE))
		goto err_prot;
	s->shadow = malloc(size);
	if (!s->shadow)
		goto err_prot;
	fill_pool(s->pool, size);
	memcpy(s->shadow, s->pool, size);
	return 0;

err_prot:
	munmap(s->map, s->map_size);
err_map:
	s->map = NULL;
	s->pool = s->crpage = NULL;
	return -ENOMEM;
}

static void memory_down(struct ioas_seq *s)
{
	if (s->map)
		munmap(s->map, s->map_size);
	free(s->shadow);
	s->map = NULL;
	s->pool = s->crpage = s->shadow = NULL;
}

/*
 * The completion page at SEQ_CR_IOVA of A0, in target and model. A
 * target that maps it elsewhere is a divergence for the first run to
 * report; one that cannot map it at all leaves the engine without DMA.
 */
static int map_cr(struct ioas_seq *s)
{
	uint64_t iova = SEQ_CR_IOVA, align;
	uint32_t flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOAS_MODEL_PROT;
	int ret;

	ret = ioseq_map(s, 0, flags, (uintptr_t)s->crpage, PG, &iova);
	if (ret)
		return ret;
	if (iova != SEQ_CR_IOVA)
		snprintf(s->setup_err, sizeof(s->setup_err), "the FIXED_IOVA "
			 "map of the completion page at %#llx came back at "
			 "%#llx", SEQ_CR_IOVA, (unsigned long long)iova);
	return ioas_model_map(&s->ioas[0].m, flags, SEQ_CR_IOVA, PG,
			      (uintptr_t)s->crpage, &align);
}

int ioas_seq_open(struct siovh_target *t, const struct ioas_seq_config *cfg,
		  struct ioas_seq **out)
{
	struct ioas_seq *s;
	unsigned int i;
	int ret;

	if (!t->iommufd || !t->iommufd->ioctl)
		return -EOPNOTSUPP;
	if ((!cfg || !cfg->no_dma) &&
	    (!t->vfio_device || !t->iommufd->device_ioctl))
		return -EOPNOTSUPP;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->t = t;
	seq_trace_init(&s->tr, SEQ_LINE, SEQ_LINE, SEQ_TRACE_RING(s->trace),
		       SEQ_REPORT);
	if (cfg)
		s->cfg = *cfg;
	if (!s->cfg.vdev_type)
		s->cfg.vdev_type = "siovh-1q";
	ret = memory_up(s);
	for (i = 0; !ret && i < IOAS_SEQ_SLOTS; i++)
		ret = ioas_alloc(s, &s->ioas[i]);
	for (i = 0; !ret && s->cfg.test_device && i < IOAS_SEQ_SLOTS; i++)
		ret = test_device_up(s, &s->ioas[i]);
	for (i = 0; !ret && i < IOAS_SEQ_SLOTS; i++)
		ret = geometry_from_target(s, &s->ioas[i]);
	if (!ret && !s->cfg.no_dma)
		ret = map_cr(s);
	if (!ret && !s->cfg.no_dma)
		ret = ioseq_dev_up(s);
	if (ret) {
		ioas_seq_close(s);
		return ret;
	}
	s->dma = !s->cfg.no_dma;
	*out = s;
	return 0;
}

void ioas_seq_close(struct ioas_seq *s)
{
	unsigned int i;

	if (!s)
		return;
	ioseq_dev_down(s);
	for (i = 0; i < IOAS_SEQ_SLOTS; i++) {
		if (s->ioas[i].alive)
			obj_destroy(s, s->ioas[i].id);
		ioas_model_release(&s->ioas[i].m);
	}
	memory_down(s);
	free(s);
}

/* --- runs ---------------------------------------------------------------- */

/* Back to the state every run starts from, compared on the way. */
static bool teardown(struct ioas_seq *s)
{
	struct ioas_seq_slot *sl;
	uint64_t length, want_len = 0;
	unsigned int i;
	int got, want;

	for (i = 0; i < IOAS_SEQ_SLOTS; i++) {
		sl = &s->ioas[i];
		ioseq_begin(s, "teardown unmap(A%u, all)", i);
		length = UINT64_MAX;
		got = ioseq_unmap(s, i, 0, &length);
		want = ioas_model_unmap(&sl->m, 0, UINT64_MAX, &want_len);
		if (!ioseq_cmp_ret(s, got, want, false))
			return false;
		if (length != want_len)
			return ioseq_diverge(s, "unmapped %#llx bytes, the "
					     "model removed %#llx",
					     (unsigned long long)length,
					     (unsigned long long)want_len);
		if (!sl->m.nr_allowed)
			continue;
		ioseq_begin(s, "teardown allow(A%u, none)", i);
		got = ioseq_allow(s, i, NULL, 0);
		want = ioas_model_allow(&sl->m, NULL, 0);
		if (!ioseq_cmp_ret(s, got, want, false))
			return false;
	}
	if (!s->dma)
		return true;
	return ioseq_ensure_cr(s) && ioseq_probe_baseline(s);
}

/* An operation stopped: a divergence (1), or the model out of memory. */
static int engine_stop(struct ioas_seq *s)
{
	if (s->tr.broken)
		return 1;
	s->tr.broken = true;
	snprintf(s->tr.report, s->tr.report_size,
		 "step %llu, %s: the model ran out of memory",
		 (unsigned long long)s->tr.step, s->tr.line);
	return -ENOMEM;
}

int ioas_seq_run_bytes(struct ioas_seq *s, const uint8_t *data, size_t len)
{
	struct ioas_seq_op op;
	size_t i;

	if (s->tr.broken)
		return -EINVAL;
	seq_trace_restart(&s->tr);
	if (s->setup_err[0]) {
		ioseq_begin(s, "open: map(A0, %#llx +%#llx, va CR, rw)",
			    SEQ_CR_IOVA, PG);
		ioseq_done(s, "0");
		return !ioseq_diverge(s, "%s", s->setup_err);
	}
	if (s->dma) {
		ioseq_begin(s, "baseline");
		ioseq_done(s, "probe");
		if (!ioseq_probe_baseline(s))
			return 1;
	}
	for (i = 0; i + IOAS_SEQ_OP_BYTES <= len; i += IOAS_SEQ_OP_BYTES) {
		ioas_seq_op_decode(data + i, s->cfg.mix, &op);
		if (!ioseq_op_run(s, &op))
			return engine_stop(s);
		if (s->dma && (!ioseq_ensure_cr(s) ||
			       !ioseq_probe_step(s, &op)))
			return 1;
	}
	return teardown(s) ? 0 : 1;
}

int ioas_seq_run_seed(struct ioas_seq *s, uint64_t seed, size_t nr_ops)
{
	size_t len = nr_ops * IOAS_SEQ_OP_BYTES;
	uint8_t *buf;
	int ret;

	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	siovh_seq_fill(seed, buf, len);
	ret = ioas_seq_run_bytes(s, buf, len);
	free(buf);
	return ret;
}

const char *ioas_seq_report(const struct ioas_seq *s)
{
	return s->tr.report;
}

void ioas_seq_stats(const struct ioas_seq *s, struct ioas_seq_stats *st)
{
	*st = s->st;
	st->ops = s->tr.ops;
}

void ioas_seq_trace(struct ioas_seq *s,
		    void (*fn)(const char *line, void *data), void *data)
{
	s->tr.fn = fn;
	s->tr.data = data;
}
