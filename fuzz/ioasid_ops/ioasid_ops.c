// SPDX-License-Identifier: MIT
/*
 * ioasid_ops: bytes -> IOASID operation sequence, run on the ref target
 * (in its initial state: fz_ref_get) and on the IOASID model by the
 * sequence engine the IOASID.SEQ clauses use (siovh/model.h): one engine,
 * two drivers. Any difference between reference and model aborts with the
 * engine's report.
 *
 * Input: byte 0 picks the engine configuration (bit 0: the tight one of
 * IOASID.SEQ.2, 3 sets in a 4-ID window with quotas up to 3, where
 * exhaustion and pending IDs are common); the rest is the operation
 * stream, SIOVH_IOASID_OP_BYTES per operation.
 *
 * After every step the engine compares with the model what the step
 * touched: its result, the notifications, the ID, its set and the pool
 * (the per-step delta). On top of that the target's own state must be
 * coherent across the whole window (probes of the test facet), checked
 * by a sweep every SWEEP_EVERY steps, after the last operation
 * (siovh_ioasid_seq_checkpoint) and after the teardown:
 *  - a free ID has no references, no set and no spid;
 *  - an active or free-pending ID has a set and at most 65535
 *    references (more means a count went below zero); a free-pending one
 *    has at least one (else it would have been reclaimed);
 *  - a live set holds no more IDs than its quota, and at least the IDs
 *    of the window it owns.
 * After the engine's compared teardown every ID probed is free again, or
 * the target is not reused for the next input (fz_ref_put).
 *
 * Why not a sweep after every step: it is 34 probes, and perf on the
 * libFuzzer binary put it at a quarter of the time (ASan, UBSan and
 * coverage on every probe). State the reference corrupts outside what a
 * step touched stays corrupt until the next sweep (nothing repairs it),
 * so the sweep still sees it, at most SWEEP_EVERY steps late; the step it
 * happened in is in the report's trace. fuzz/oracle_check.sh shows that
 * the sweeps still catch the reference's injected IOASID faults.
 *
 * The two engines (default and tight) are kept across inputs: a run that
 * returns 0 leaves its engine ready for the next (siovh/model.h), and
 * opening one (a trace ring and report, ~7 KiB of fresh memory each
 * time under ASan) cost more than a short input's operations. An engine
 * is reopened whenever fz_ref_get hands out a new target.
 */
#include <errno.h>
#include <string.h>

#include "siovh/model.h"
#include "fuzz/common/fuzz.h"

#define MAX_REFS	0xffffu
#define MAX_SETS	16
#define SWEEP_EVERY	8	/* steps between two sweeps of the window */

struct inv {
	struct siovh_target *t;
	siovh_ioasid_t base;
	uint32_t span, capacity;
	unsigned int steps;		/* since the last sweep */
	const char *last;		/* the last step's line, for reports */
};

struct set_count {
	struct siovh_ioasid_set *set;
	uint32_t ids;
};

FZ_ORACLE static void check_id(siovh_ioasid_t id,
		     const struct siovh_ioasid_probe *p, const char *line)
{
	if (p->state == SIOVH_IOASID_STATE_FREE) {
		if (p->refs || p->set || p->spid != SIOVH_INVALID_IOASID)
			fz_fail("after \"%s\": free ID %u has %u references, "
				"set %p, spid %u", line, id, p->refs,
				(void *)p->set, p->spid);
		return;
	}
	if (!p->set || p->refs > MAX_REFS ||
	    (p->state == SIOVH_IOASID_STATE_FREE_PENDING && !p->refs))
		fz_fail("after \"%s\": %s ID %u has %u references and set %p",
			line, p->state == SIOVH_IOASID_STATE_ACTIVE ?
			"active" : "free-pending", id, p->refs,
			(void *)p->set);
}

FZ_ORACLE static void count_set(struct set_count *c, size_t *n,
		      struct siovh_ioasid_set *set)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (c[i].set == set) {
			c[i].ids++;
			return;
		}
	}
	if (*n < MAX_SETS)
		c[(*n)++] = (struct set_count){ set, 1 };
}

FZ_ORACLE static void check_sets(const struct inv *v, const struct set_count *c,
		       size_t n, const char *line)
{
	struct siovh_ioasid_set_probe sp;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&sp, 0, sizeof(sp));
		if (v->t->test->ioasid_set_probe(v->t, c[i].set, &sp) ||
		    !sp.refs)
			continue;	/* a dead set: its quota went back */
		if (sp.nr_ids > sp.quota || sp.nr_ids < c[i].ids)
			fz_fail("after \"%s\": set %p has %u IDs (%u in the "
				"window) with quota %u", line,
				(void *)c[i].set, sp.nr_ids, c[i].ids,
				sp.quota);
	}
}

/* The i-th ID the invariants look at: the window, then 0 and the top. */
FZ_ORACLE static siovh_ioasid_t probed_id(const struct inv *v, uint32_t i)
{
	return i < v->span ? v->base + i : i == v->span ? 0 : v->capacity - 1;
}

/* The whole window, 0 and the top: the invariants of every ID and set. */
FZ_ORACLE static void sweep(struct inv *v, const char *line)
{
	struct set_count sets[MAX_SETS];
	struct siovh_ioasid_probe p;
	size_t nsets = 0;
	uint32_t i;
	int err;

	v->steps = 0;
	for (i = 0; i < v->span + 2; i++) {
		siovh_ioasid_t id = probed_id(v, i);

		memset(&p, 0, sizeof(p));
		err = v->t->test->ioasid_probe(v->t, id, &p);
		if (err)
			fz_fail("after \"%s\": probe of ID %u: %d", line, id,
				err);
		check_id(id, &p, line);
		if (p.state != SIOVH_IOASID_STATE_FREE && i < v->span)
			count_set(sets, &nsets, p.set);
	}
	check_sets(v, sets, nsets, line);
}

/* The engine's trace hook: runs after every step, before the next. */
FZ_ORACLE static void step_done(const char *line, void *data)
{
	struct inv *v = data;

	/* The line has the resolved call, its result and the ID returned:
	 * what the input observed, for the determinism digest. */
	fz_note(line, strlen(line));
	v->last = line;
	if (++v->steps == SWEEP_EVERY)
		sweep(v, line);
}

/* The engine's checkpoint: after the last operation, before teardown. */
FZ_ORACLE static void ops_done(void *data)
{
	struct inv *v = data;

	if (v->steps)
		sweep(v, v->last ? v->last : "the start");
}

/* After the teardown: is every ID the invariants look at free again? */
FZ_ORACLE static bool all_free(const struct inv *v)
{
	struct siovh_ioasid_probe p;
	uint32_t i;

	for (i = 0; i < v->span + 2; i++) {
		memset(&p, 0, sizeof(p));
		if (v->t->test->ioasid_probe(v->t, probed_id(v, i), &p) ||
		    p.state != SIOVH_IOASID_STATE_FREE)
			return false;
	}
	return true;
}

static const struct siovh_ioasid_seq_config tight_cfg = {
	.span = 4, .max_quota = 3, .nr_sets = 3,
};

static struct {
	struct siovh_ioasid_seq *s;
	unsigned long gen;		/* fz_ref_generation() at open */
} engines[2];				/* default, tight */

static void engine_open(struct siovh_target *t, bool tight)
{
	int ret;

	siovh_ioasid_seq_close(engines[tight].s);
	engines[tight].s = NULL;
	ret = siovh_ioasid_seq_open(t, tight ? &tight_cfg : NULL,
				    &engines[tight].s);
	if (ret)
		fz_fail("opening the IOASID sequence engine: %d", ret);
	engines[tight].gen = fz_ref_generation();
}

/* The engine of a configuration, kept while the target is the same. */
static struct siovh_ioasid_seq *engine_get(struct siovh_target *t,
					   bool tight)
{
	if (!engines[tight].s || engines[tight].gen != fz_ref_generation())
		engine_open(t, tight);
	return engines[tight].s;
}

/*
 * A target reopened by fz_ref_put makes the kept engines stale: they are
 * replaced in the same input, so that libFuzzer's per-input malloc and
 * free counts stay balanced (-detect_leaks).
 */
static void engines_refresh(struct siovh_target *t)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (engines[i].s && engines[i].gen != fz_ref_generation())
			engine_open(t, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siovh_ioasid_seq *s;
	struct siovh_target *t;
	struct inv v;
	uint32_t avail;
	bool tight;
	int ret;

	if (!size)
		return 0;
	tight = data[0] & 1;
	t = fz_ref_get(false);
	s = engine_get(t, tight);
	v = (struct inv){ .t = t };
	if (t->ioasid->get_capacity(t, &v.capacity, &avail))
		fz_fail("get_capacity failed");
	/* The engine's defaults (siovh/model.h), which both configs keep. */
	v.span = tight ? tight_cfg.span : 32;
	v.base = v.capacity / 2;
	siovh_ioasid_seq_trace(s, step_done, &v);
	siovh_ioasid_seq_checkpoint(s, ops_done, &v);
	ret = siovh_ioasid_seq_run(s, data + 1, size - 1);
	if (ret)
		fz_fail("reference and IOASID model diverged (%d): %s", ret,
			ret > 0 ? siovh_ioasid_seq_report(s) : "engine error");
	siovh_ioasid_seq_trace(s, NULL, NULL);
	siovh_ioasid_seq_checkpoint(s, NULL, NULL);
	/* The engine's teardown put every set and reference it held and
	 * compared the pool with the one it started from. */
	fz_ref_put(t, all_free(&v));
	engines_refresh(t);
	return 0;
}
