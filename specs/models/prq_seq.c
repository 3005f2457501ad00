// SPDX-License-Identifier: MIT
/*
 * The page request sequence engine (prq_seq.h): decode, run each
 * operation on the target and the model (prq_model.h), compare.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prq_seq_internal.h"
#include "seq_report.h"

#define PF_SZ sizeof(struct iommu_hwpt_pgfault)
#define PR_SZ sizeof(struct iommu_hwpt_page_response)
#define QCTRL_ENABLE 1u
#define QCTRL_RESET 2u

void prq_seq_op_decode(const uint8_t bytes[PRQ_SEQ_OP_BYTES],
		       struct prq_seq_op *op)
{
	op->kind = (enum prq_seq_op_kind)(bytes[0] % PRQ_OP_NR);
	op->a = bytes[1];
	op->b = bytes[2];
}

/* ---- trace and report (seq_report.h) ---- */

#define begin(s, ...)	seq_trace_begin(&(s)->tr, __VA_ARGS__)
#define done(s, ret)	seq_trace_done(&(s)->tr, ret)
#define diverge(s, ...)	seq_trace_diverge(&(s)->tr, __VA_ARGS__)

static bool cmp_ret(struct prq_seq *s, long got, long want)
{
	done(s, got);
	return got == want ||
	       diverge(s, "returned %ld, the model expects %ld", got, want);
}

/* ---- the device's view: completion records, data, page waits ---- */

/* Queue q completed with success: did its data move? */
static bool check_data(struct prq_seq *s, uint32_t q)
{
	const struct prq_model_queue *mq = &s->m.q[q];
	uint8_t got, want;

	if (mq->write) {
		got = ps_page(s, mq->page)[0];
		want = (uint8_t)(0x10 + mq->tag % 0xe0);
		s->page_byte[mq->page] = want;
	} else {
		got = ps_page(s, PS_DST_PAGE + q)[0];
		want = s->page_byte[mq->page];
	}
	s->verified[q] = true;
	return got == want ||
	       diverge(s, "queue %u completed but moved 0x%02x, expected 0x%02x",
		       q, got, want);
}

static bool check_queue(struct prq_seq *s, uint32_t q)
{
	const struct prq_model_queue *mq = &s->m.q[q];
	const struct ps_record *r = ps_record(s, q);
	struct siovh_adi_probe p;

	if (mq->waiting && r->status != PRQ_ST_NONE)
		return diverge(s, "queue %u should wait, but its record has status %u",
			       q, r->status);
	if (!mq->waiting && mq->leeway && r->status != PRQ_ST_NONE &&
	    r->status != PRQ_ST_FAULT)
		return diverge(s, "queue %u was reset while waiting, but its record has status %u",
			       q, r->status);
	if (!mq->waiting && !mq->leeway && r->status != mq->status)
		return diverge(s, "queue %u: record status %u, the model expects %u",
			       q, r->status, mq->status);
	if (r->status != PRQ_ST_NONE && r->tag != mq->tag)
		return diverge(s, "queue %u: record tag %llu, expected %llu", q,
			       (unsigned long long)r->tag,
			       (unsigned long long)mq->tag);
	if (r->status == PRQ_ST_SUCCESS && !s->verified[q] &&
	    !check_data(s, q))
		return false;
	if (!s->probe)
		return true;
	if (s->t->test->adi_probe(s->t, s->adi[q], &p))
		return diverge(s, "adi_probe of ADI %u failed", s->adi[q]);
	return !p.page_wait == !mq->waiting ||
	       diverge(s, "queue %u's ADI %s for a page, the model says it %s",
		       q, p.page_wait ? "waits" : "does not wait",
		       mq->waiting ? "waits" : "does not");
}

static bool check_queues(struct prq_seq *s)
{
	uint32_t q;

	for (q = 0; q < s->m.nq; q++)
		if (!check_queue(s, q))
			return false;
	return true;
}

/* ---- operations ---- */

static bool skip(struct prq_seq *s, const char *why)
{
	seq_trace_note(&s->tr, ": skipped (%s)", why);
	return true;
}

/* A queue that does not wait, from q on; -1 if all wait. */
static int free_queue(const struct prq_seq *s, uint32_t q)
{
	uint32_t i;

	for (i = 0; i < s->m.nq; i++)
		if (!s->m.q[(q + i) % s->m.nq].waiting)
			return (int)((q + i) % s->m.nq);
	return -1;
}

static bool op_submit(struct prq_seq *s, unsigned int a, unsigned int b,
		      bool write)
{
	int q = free_queue(s, a % s->m.nq);
	uint32_t page = b % s->m.npages;
	struct ps_desc d = { .size = PS_SIZE,
			     .flags = PS_DF_COMPLETION | PS_DF_BLOCK_ON_FAULT };
	uint64_t tag = ++s->tag, va = PS_GVA + page * PS_PG;
	int want;

	begin(s, "%s page %u on queue %d", write ? "fill" : "copy from",
	      page, q);
	if (q < 0)
		return skip(s, "every queue waits");
	if (!s->m.present[page] &&
	    (prq_model_live(&s->m) >= PRQ_MODEL_GROUPS ||
	     s->m.requests >= PRQ_SEQ_MAX_REQUESTS))
		return skip(s, "no room for another group");
	d.opcode = write ? PS_OP_MEMFILL : PS_OP_MEMCOPY;
	d.completion = PS_GVA + PS_CR_PAGE * PS_PG + (uint32_t)q * 64;
	d.src = write ? 0x0101010101010101ull * (0x10 + tag % 0xe0) : va;
	d.dst = write ? va : PS_GVA + (PS_DST_PAGE + (uint32_t)q) * PS_PG;
	d.tag = tag;
	memset(ps_record(s, (uint32_t)q), 0, sizeof(struct ps_record));
	s->verified[q] = false;
	want = prq_model_submit(&s->m, (uint32_t)q, page, write, tag);
	if (want < 0)
		return skip(s, "model full");
	return cmp_ret(s, ps_submit(s, (uint32_t)q, &d), 0);
}

/* One record read against the model's oldest unread group. */
static bool check_record(struct prq_seq *s, const struct iommu_hwpt_pgfault *r)
{
	int gi = prq_model_next_unread(&s->m);
	const struct prq_model_group *g;
	bool w;

	if (gi < 0)
		return diverge(s, "a record the model does not have");
	g = &s->m.g[gi];
	w = r->perm & IOMMU_PGFAULT_PERM_WRITE;
	if (r->dev_id != s->dev_id || r->addr != PS_GVA + g->page * PS_PG ||
	    w != g->write || (!w && !(r->perm & IOMMU_PGFAULT_PERM_READ)))
		return diverge(s, "record dev_id %u addr 0x%llx perm 0x%x, expected dev_id %u addr 0x%llx %s",
			       r->dev_id, (unsigned long long)r->addr, r->perm,
			       s->dev_id,
			       (unsigned long long)(PS_GVA + g->page * PS_PG),
			       g->write ? "WRITE" : "READ");
	if (!(r->flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE) ||
	    (r->flags & IOMMU_PGFAULT_FLAGS_PASID_VALID))
		return diverge(s, "record flags 0x%x, expected LAST_PAGE only",
			       r->flags);
	if (prq_model_read(&s->m, gi, r->cookie))
		return diverge(s, "cookie %u is already an unanswered group's",
			       r->cookie);
	return true;
}

static bool op_read(struct prq_seq *s, unsigned int a, unsigned int b)
{
	struct iommu_hwpt_pgfault rec[3];
	size_t n = 1 + a % 3, unread = 0, i;
	long ret;
	int gi;

	begin(s, "read %zu records%s", n, b % 8 == 7 ? " (bad length)" : "");
	if (b % 8 == 7)
		return cmp_ret(s, s->t->iommufd->fault_read(s->t, s->fq_fd, rec,
							    n * PF_SZ - 1),
			       -EINVAL);
	for (gi = 0; gi < PRQ_MODEL_GROUPS; gi++)
		unread += s->m.g[gi].used && !s->m.g[gi].read;
	ret = s->t->iommufd->fault_read(s->t, s->fq_fd, rec, n * PF_SZ);
	if (!cmp_ret(s, ret, unread ? (long)((n < unread ? n : unread) *
					    PF_SZ) : -EAGAIN))
		return false;
	for (i = 0; ret > 0 && i < (size_t)ret / PF_SZ; i++)
		if (!check_record(s, &rec[i]))
			return false;
	return true;
}

static long fq_write(struct prq_seq *s, const void *buf, size_t len)
{
	return s->t->iommufd->fault_write(s->t, s->fq_fd, buf, len);
}

static bool op_respond(struct prq_seq *s, unsigned int a, bool success)
{
	int gi = prq_model_pick_read(&s->m, a);
	struct iommu_hwpt_page_response r = {
		.code = success ? IOMMUFD_PAGE_RESP_SUCCESS :
				  IOMMUFD_PAGE_RESP_INVALID,
	};

	begin(s, "respond %s to read group #%u", success ? "SUCCESS" :
	      "INVALID", a);
	if (gi < 0)
		return skip(s, "no read group");
	r.cookie = s->m.g[gi].cookie;
	if (success) {		/* the page first, as a guest would */
		*ps_pte(s, s->m.g[gi].page) =
			(PS_GPA + (PS_TABLES + s->m.g[gi].page) * PS_PG) |
			PS_PTE;
		prq_model_map(&s->m, s->m.g[gi].page);
	}
	prq_model_respond(&s->m, r.cookie, success);
	return cmp_ret(s, fq_write(s, &r, sizeof(r)), (long)PR_SZ);
}

/* A cookie no read group has (beyond what the target hands out soon). */
static uint32_t unknown_cookie(const struct prq_seq *s, unsigned int b)
{
	uint32_t c = 0x7fff0000u + b;

	while (prq_model_find_cookie(&s->m, c) >= 0)
		c++;
	return c;
}

static bool op_bogus(struct prq_seq *s, unsigned int a, unsigned int b)
{
	static const char *const what[] = { "unknown cookie", "answered cookie",
		"bad code", "bad length", "repeated cookie", "good + unknown" };
	struct iommu_hwpt_page_response r[2] = {
		{ .code = IOMMUFD_PAGE_RESP_SUCCESS },
		{ .code = IOMMUFD_PAGE_RESP_SUCCESS },
	};
	unsigned int kind = a % 6;
	int gi = prq_model_pick_read(&s->m, b);
	size_t len = PR_SZ;

	r[0].cookie = gi >= 0 ? s->m.g[gi].cookie : unknown_cookie(s, b);
	r[1].cookie = r[0].cookie;
	if (kind == 1 && !prq_model_answered(&s->m, b, &r[0].cookie))
		kind = 0;
	if (kind >= 2 && gi < 0)
		kind = 0;
	begin(s, "bogus write: %s", what[kind]);
	switch (kind) {
	case 0:
		r[0].cookie = unknown_cookie(s, b);
		break;
	case 2:
		r[0].code = b & 1 ? 2 : 0xf;
		break;
	case 3:
		len = PR_SZ + 1 + b % 7;
		break;
	case 4:
		len = 2 * PR_SZ;
		break;
	case 5:
		r[1].cookie = unknown_cookie(s, b);
		len = 2 * PR_SZ;
		break;
	}
	return cmp_ret(s, fq_write(s, r, len), -EINVAL);
}

static bool op_reset(struct prq_seq *s, unsigned int a)
{
	uint32_t q = a % s->m.nq;
	int ret;

	begin(s, "reset queue %u", q);
	prq_model_reset(&s->m, q);
	ret = ps_qctrl(s, q, QCTRL_RESET);
	if (!ret)
		ret = ps_qctrl(s, q, QCTRL_ENABLE);
	return cmp_ret(s, ret, 0);
}

static bool op_map(struct prq_seq *s, unsigned int a, bool map)
{
	uint32_t page = a % s->m.npages;

	begin(s, "%s page %u", map ? "map" : "unmap", page);
	if (map) {
		*ps_pte(s, page) = (PS_GPA + (PS_TABLES + page) * PS_PG) |
				   PS_PTE;
		prq_model_map(&s->m, page);
		return cmp_ret(s, 0, 0);
	}
	*ps_pte(s, page) = 0;
	prq_model_unmap(&s->m, page);
	return cmp_ret(s, ps_inv_page(s, page), 0);
}

/*
 * A new fault queue and nested HWPT, the device moved, the old gone. What
 * was made before a step failed is undone; once the device is on the new
 * pair, the pair is the sequence's whatever happens to the old one, so
 * that teardown releases every object and fd either way.
 */
static bool op_requeue(struct prq_seq *s)
{
	uint32_t fq_id = 0, nested = 0, old_fq, old_nested;
	int fd = -1, old_fd, ret, err;

	begin(s, "replace the fault queue %u", s->fq_id);
	prq_model_requeue(&s->m);
	ret = ps_fault_alloc(s, &fq_id, &fd);
	if (ret)
		return cmp_ret(s, ret, 0);
	ret = ps_nested(s, fq_id, &nested);
	if (ret)
		goto err_fq;
	ret = ps_attach(s, nested);
	if (ret)
		goto err_nested;

	old_nested = s->nested;
	old_fq = s->fq_id;
	old_fd = s->fq_fd;
	s->nested = nested;
	s->fq_id = fq_id;
	s->fq_fd = fd;
	ret = ps_destroy(s, old_nested);
	/* the old queue's fd holds it (the kernel's file does) */
	close(old_fd);
	err = ps_destroy(s, old_fq);
	return cmp_ret(s, ret ? ret : err, 0);

err_nested:
	ps_destroy(s, nested);
err_fq:
	close(fd);
	ps_destroy(s, fq_id);
	return cmp_ret(s, ret, 0);
}

static bool run_op(struct prq_seq *s, const struct prq_seq_op *op)
{
	switch (op->kind) {
	case PRQ_OP_READ_PAGE:
	case PRQ_OP_WRITE_PAGE:
		return op_submit(s, op->a, op->b,
				 op->kind == PRQ_OP_WRITE_PAGE);
	case PRQ_OP_FQ_READ:
		return op_read(s, op->a, op->b);
	case PRQ_OP_SUCCESS:
	case PRQ_OP_INVALID:
		return op_respond(s, op->a, op->kind == PRQ_OP_SUCCESS);
	case PRQ_OP_BOGUS:
		return op_bogus(s, op->a, op->b);
	case PRQ_OP_RESET:
		return op_reset(s, op->a);
	case PRQ_OP_UNMAP:
	case PRQ_OP_MAP:
		return op_map(s, op->a, op->kind == PRQ_OP_MAP);
	default:
		return op_requeue(s);
	}
}

/* ---- the engine ---- */

int prq_seq_open(struct siovh_target *t, const struct siovh_profile *p,
		 struct prq_seq **out)
{
	struct prq_seq *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->t = t;
	s->fq_fd = -1;
	seq_trace_init(&s->tr, PS_LINE, PS_LINE, SEQ_TRACE_RING(s->trace),
		       SEQ_TRACE_REPORT);
	ret = ps_setup(s, p);
	if (ret) {
		prq_seq_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

void prq_seq_close(struct prq_seq *s)
{
	if (!s)
		return;
	ps_teardown(s);
	free(s);
}

int prq_seq_run_bytes(struct prq_seq *s, const uint8_t *buf, size_t len)
{
	struct prq_seq_op op;
	size_t i;

	if (s->tr.broken)
		return 1;
	for (i = 0; i + PRQ_SEQ_OP_BYTES <= len; i += PRQ_SEQ_OP_BYTES) {
		prq_seq_op_decode(buf + i, &op);
		if (!run_op(s, &op) || !check_queues(s))
			return 1;
	}
	return 0;
}

const char *prq_seq_report(const struct prq_seq *s)
{
	return s->tr.report;
}

uint64_t prq_seq_ops(const struct prq_seq *s)
{
	return s->tr.ops;
}
