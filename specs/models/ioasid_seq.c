/* SPDX-License-Identifier: MIT */
/*
 * The IOASID sequence engine (siovh/model.h): bookkeeping, comparison of
 * target and model after each step, the run loop and the teardown. The
 * operations themselves are in ioasid_seq_ops.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioasid_seq.h"
#include "seq_report.h"

/* --- trace and report ---------------------------------------------------- */

void seq_begin(struct siovh_ioasid_seq *s, const char *fmt, ...)
{
	va_list ap;

	s->m.leeway = IOASID_MODEL_EXACT;
	va_start(ap, fmt);
	seq_trace_vbegin(&s->tr, fmt, ap);
	va_end(ap);
}

/* Finish the current line with its result and push it into the trace. */
void seq_result(struct siovh_ioasid_seq *s, const char *fmt, ...)
{
	char res[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res, sizeof(res), fmt, ap);
	va_end(ap);
	seq_trace_donef(&s->tr, "%s", res);
}

void siovh_ioasid_seq_trace(struct siovh_ioasid_seq *s,
			    void (*fn)(const char *line, void *data),
			    void *data)
{
	s->tr.fn = fn;
	s->tr.data = data;
}

void siovh_ioasid_seq_checkpoint(struct siovh_ioasid_seq *s,
				 void (*fn)(void *data), void *data)
{
	s->ckpt = fn;
	s->ckpt_data = data;
}

/*
 * The result of the current call against the model's, within the leeway
 * the model allows for it (the contract leaves some errnos open).
 */
bool seq_cmp_ret(struct siovh_ioasid_seq *s, const char *what, int got,
		 int want)
{
	switch (s->m.leeway) {
	case IOASID_MODEL_ANY_RESULT:
		return true;
	case IOASID_MODEL_ANY_ERRNO:
		if (got < 0 && want < 0)
			return true;
		return seq_diverge(s, "%s returned %d (%s), the model expects "
				   "a failure (such as %s)", what, got,
				   seq_report_errname(got), seq_report_errname(want));
	case IOASID_MODEL_EXACT:
		break;
	}
	if (got == want)
		return true;
	return seq_diverge(s, "%s returned %d (%s), the model expects %d (%s)",
			   what, got, seq_report_errname(got), want,
			   seq_report_errname(want));
}

/* --- small tables -------------------------------------------------------- */

void seq_known_add(struct siovh_ioasid_seq *s, siovh_ioasid_t id)
{
	size_t i;

	for (i = 0; i < s->nr_known; i++)
		if (s->known[i] == id)
			return;
	if (s->nr_known < SEQ_KNOWN) {
		s->known[s->nr_known++] = id;
		return;
	}
	s->known[s->known_next++ % SEQ_KNOWN] = id;
}

void *seq_priv(struct siovh_ioasid_seq *s, unsigned int priv)
{
	return priv ? &s->privs[priv % SIOVH_IOASID_SEQ_PRIVS] : NULL;
}

unsigned int seq_priv_index(const struct siovh_ioasid_seq *s, const void *p)
{
	const char *c = p;

	if (c >= s->privs && c < s->privs + SIOVH_IOASID_SEQ_PRIVS)
		return (unsigned int)(c - s->privs);
	return p ? 99 : 0;
}

bool seq_handle_set(struct siovh_ioasid_seq *s, int mset,
		    struct siovh_ioasid_set *set)
{
	size_t need = (size_t)mset + 1;

	if (need > s->handles_cap) {
		size_t ncap = s->handles_cap ? s->handles_cap * 2 : 16;
		void *p;

		while (ncap < need)
			ncap *= 2;
		p = realloc(s->handles, ncap * sizeof(*s->handles));
		if (!p)
			return seq_diverge(s, "engine out of memory");
		s->handles = p;
		s->handles_cap = ncap;
	}
	s->handles[mset] = set;
	return true;
}

static struct siovh_ioasid_set *handle_of(const struct siovh_ioasid_seq *s,
					  int mset)
{
	return mset >= 0 && (size_t)mset < s->handles_cap ? s->handles[mset] :
							    NULL;
}

/* --- notifications ------------------------------------------------------- */

static int seq_nb_call(struct siovh_ioasid_nb *nb,
		       const struct siovh_ioasid_notification *n)
{
	struct seq_nb *snb = (struct seq_nb *)nb;
	struct siovh_ioasid_seq *s = snb->s;

	if (s->nr_got == s->got_cap) {
		size_t ncap = s->got_cap ? s->got_cap * 2 : 32;
		void *p = realloc(s->got, ncap * sizeof(*s->got));

		if (!p) {
			s->got_oom = true;
			return 0;
		}
		s->got = p;
		s->got_cap = ncap;
	}
	s->got[s->nr_got].nb = snb;
	s->got[s->nr_got].n = *n;
	s->nr_got++;
	return 0;
}

static void nb_init(struct siovh_ioasid_seq *s, struct seq_nb *nb,
		    const char *prefix, unsigned int i, int priority)
{
	nb->nb.call = seq_nb_call;
	nb->nb.priority = priority;
	nb->s = s;
	nb->chains = 0;
	snprintf(nb->name, sizeof(nb->name), "%s%u", prefix, i);
}

/*
 * Deliveries are compared in order, except that the order between IDs is
 * free (the last set_put frees its IDs in any order): both lists are
 * stably sorted by ID first, which leaves single-ID operations untouched.
 */
static void sort_got(struct seq_got *g, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct seq_got x = g[i];

		for (j = i; j > 0 && g[j - 1].n.id > x.n.id; j--)
			g[j] = g[j - 1];
		g[j] = x;
	}
}

static void sort_events(struct ioasid_model_event *e, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct ioasid_model_event x = e[i];

		for (j = i; j > 0 && e[j - 1].id > x.id; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

static int describe_events(const struct siovh_ioasid_seq *s, char *buf,
			   size_t len)
{
	int n = 0;
	size_t i;

	n += snprintf(buf + n, len - n, "expected [");
	for (i = 0; i < s->m.nr_events && i < 8 && (size_t)n < len; i++) {
		const struct ioasid_model_event *e = &s->m.events[i];

		n += snprintf(buf + n, len - n, "%s%s %s %u",
			      i ? ", " : "", ((const struct seq_nb *)e->nb)->name,
			      ioasid_model_event_name(e->event), e->id);
	}
	if ((size_t)n < len)
		n += snprintf(buf + n, len - n, "], got [");
	for (i = 0; i < s->nr_got && i < 8 && (size_t)n < len; i++) {
		const struct seq_got *g = &s->got[i];

		n += snprintf(buf + n, len - n, "%s%s %s %u", i ? ", " : "",
			      g->nb->name, ioasid_model_event_name(g->n.event),
			      g->n.id);
	}
	if ((size_t)n < len)
		n += snprintf(buf + n, len - n, "]");
	return n;
}

static bool event_differs(const struct siovh_ioasid_seq *s,
			  const struct ioasid_model_event *e,
			  const struct seq_got *g, const char **what)
{
	if (e->nb != (const void *)g->nb || e->event != g->n.event ||
	    e->id != g->n.id)
		*what = "deliveries";
	else if (e->spid != g->n.spid)
		*what = "notification spid";
	else if (handle_of(s, e->set) != g->n.set)
		*what = "notification set";
	else if (e->token != g->n.token)
		*what = "notification token";
	else if (e->private != g->n.private)
		*what = "notification private data";
	else
		return false;
	return true;
}

bool seq_check_events(struct siovh_ioasid_seq *s)
{
	const char *what = "deliveries";
	bool same = s->m.nr_events == s->nr_got;
	char buf[1024];
	size_t i;

	if (s->got_oom || s->m.oom)
		return seq_diverge(s, "engine out of memory");
	sort_events(s->m.events, s->m.nr_events);
	sort_got(s->got, s->nr_got);
	for (i = 0; same && i < s->nr_got; i++)
		if (event_differs(s, &s->m.events[i], &s->got[i], &what))
			same = false;
	if (!same) {
		describe_events(s, buf, sizeof(buf));
		if (i && i <= s->nr_got)
			return seq_diverge(s, "%s differ at delivery %zu "
					   "(spid %d/%d, private P%u/P%u): %s",
					   what, i - 1,
					   (int)s->m.events[i - 1].spid,
					   (int)s->got[i - 1].n.spid,
					   seq_priv_index(s, s->m.events[i - 1].private),
					   seq_priv_index(s, s->got[i - 1].n.private),
					   buf);
		return seq_diverge(s, "notifications differ: %s", buf);
	}
	ioasid_model_clear_events(&s->m);
	s->nr_got = 0;
	return true;
}

/* --- probes -------------------------------------------------------------- */

bool seq_check_id(struct siovh_ioasid_seq *s, siovh_ioasid_t id)
{
	const struct ioasid_model_id *rec;
	struct siovh_ioasid_probe p;
	struct siovh_ioasid_set *want_set = NULL;
	enum siovh_ioasid_state want_state = SIOVH_IOASID_STATE_FREE;
	uint32_t want_refs = 0;
	int err;

	if (!s->probe || id >= s->capacity)
		return true;
	memset(&p, 0, sizeof(p));
	err = s->t->test->ioasid_probe(s->t, id, &p);
	if (err)
		return seq_diverge(s, "probe of ID %u failed: %s", id,
				   seq_report_errname(err));
	rec = ioasid_model_id(&s->m, id);
	if (rec) {
		want_state = rec->state;
		want_refs = rec->refs;
		want_set = handle_of(s, rec->set);
	}
	if (p.state != want_state || p.refs != want_refs)
		return seq_diverge(s, "ID %u is %s with %u references, the "
				   "model expects %s with %u", id,
				   ioasid_model_state_name(p.state), p.refs,
				   ioasid_model_state_name(want_state),
				   want_refs);
	if (p.set != want_set)
		return seq_diverge(s, "ID %u belongs to set %p, the model "
				   "expects %p", id, (void *)p.set,
				   (void *)want_set);
	if (!rec)
		return true;
	if (p.spid != rec->spid)
		return seq_diverge(s, "ID %u has spid %u, the model expects %u",
				   id, p.spid, rec->spid);
	if (p.private != rec->private)
		return seq_diverge(s, "ID %u has private P%u, the model "
				   "expects P%u", id,
				   seq_priv_index(s, p.private),
				   seq_priv_index(s, rec->private));
	return true;
}

bool seq_check_set(struct siovh_ioasid_seq *s, unsigned int slot)
{
	const struct seq_slot *sl = &s->slots[slot];
	const struct ioasid_model_set *ms;
	struct siovh_ioasid_set_probe p;
	int err;

	if (!s->probe || !sl->set || !s->t->test->ioasid_set_probe)
		return true;
	ms = ioasid_model_set(&s->m, sl->mset);
	memset(&p, 0, sizeof(p));
	err = s->t->test->ioasid_set_probe(s->t, sl->set, &p);
	if (err)
		return seq_diverge(s, "probe of set S%u failed: %s", slot,
				   seq_report_errname(err));
	if (p.quota != ms->quota || p.nr_ids != ms->nr_ids ||
	    p.refs != ms->refs)
		return seq_diverge(s, "set S%u has quota %u, %u IDs, %u "
				   "references; the model expects quota %u, "
				   "%u IDs, %u references", slot, p.quota,
				   p.nr_ids, p.refs, ms->quota, ms->nr_ids,
				   ms->refs);
	return true;
}

bool seq_check_pool(struct siovh_ioasid_seq *s)
{
	uint32_t cap = 0, avail = 0;
	int err = s->t->ioasid->get_capacity(s->t, &cap, &avail);

	if (err)
		return seq_diverge(s, "get_capacity failed: %s",
				   seq_report_errname(err));
	if (cap != s->capacity || avail != s->m.avail)
		return seq_diverge(s, "pool is %u IDs with %u unreserved, the "
				   "model expects %u with %u", cap, avail,
				   s->capacity, s->m.avail);
	return true;
}

/* --- open, run, teardown ------------------------------------------------- */

static void config_defaults(struct siovh_ioasid_seq_config *cfg,
			    uint32_t capacity)
{
	if (!cfg->span || cfg->span > 256)
		cfg->span = 32;
	if (cfg->span > capacity)
		cfg->span = capacity;
	if (!cfg->base && capacity >= 2 * cfg->span)
		cfg->base = capacity / 2;
	if ((uint64_t)cfg->base + cfg->span > capacity)
		cfg->base = capacity - cfg->span;
	if (!cfg->max_quota)
		cfg->max_quota = 8;
	if (!cfg->nr_sets || cfg->nr_sets > SIOVH_IOASID_SEQ_SETS)
		cfg->nr_sets = SIOVH_IOASID_SEQ_SETS;
}

int siovh_ioasid_seq_open(struct siovh_target *t,
			  const struct siovh_ioasid_seq_config *cfg,
			  struct siovh_ioasid_seq **out)
{
	struct siovh_ioasid_seq *s;
	uint32_t cap, avail;
	unsigned int i;
	int err;

	if (!t->ioasid)
		return -EOPNOTSUPP;
	err = t->ioasid->get_capacity(t, &cap, &avail);
	if (err)
		return err;
	if (!cap)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->t = t;
	/* A ring line quotes at most SEQ_LINE - 80 characters of the call. */
	seq_trace_init(&s->tr, SEQ_LINE, SEQ_LINE - 80,
		       SEQ_TRACE_RING(s->trace), SEQ_REPORT);
	if (cfg)
		s->cfg = *cfg;
	config_defaults(&s->cfg, cap);
	s->capacity = cap;
	s->avail0 = avail;
	s->probe = !s->cfg.no_probe && (t->features & SIOVH_FEAT_TEST_IOASID) &&
		   t->test && t->test->ioasid_probe;
	for (i = 0; i < SIOVH_IOASID_SEQ_SETS; i++)
		nb_init(s, &s->slots[i].rec, "S", i, SIOVH_IOASID_PRIO_DEFAULT);
	for (i = 0; i < SIOVH_IOASID_SEQ_TOKENS; i++)
		nb_init(s, &s->mmrec[i], "M", i, SIOVH_IOASID_PRIO_CPU);
	for (i = 0; i < SIOVH_IOASID_SEQ_NBS; i++)
		nb_init(s, &s->nbs[i], "N", i, SIOVH_IOASID_PRIO_DEFAULT);
	*out = s;
	return 0;
}

void siovh_ioasid_seq_close(struct siovh_ioasid_seq *s)
{
	if (!s)
		return;
	ioasid_model_fini(&s->m);
	free(s->handles);
	free(s->got);
	free(s->visit);
	free(s);
}

const char *siovh_ioasid_seq_report(const struct siovh_ioasid_seq *s)
{
	return s->tr.report;
}

uint64_t siovh_ioasid_seq_ops(const struct siovh_ioasid_seq *s)
{
	return s->tr.ops;
}

static bool run_start(struct siovh_ioasid_seq *s)
{
	unsigned int j;

	ioasid_model_fini(&s->m);
	ioasid_model_init(&s->m, s->capacity, s->avail0);
	seq_trace_restart(&s->tr);
	s->nr_known = s->known_next = 0;
	s->nr_got = 0;
	for (j = 0; j < SIOVH_IOASID_SEQ_TOKENS; j++)
		if (!seq_register(s, &s->mmrec[j], true, j,
				  s->mmrec[j].nb.priority))
			return false;
	return true;
}

/*
 * Teardown, compared like any other step: sets are put until they die
 * (seq_set_put drops the engine's outstanding ID references first), the
 * blocks left on mm chains are unregistered, and the pool must be whole.
 */
static bool run_teardown(struct siovh_ioasid_seq *s)
{
	unsigned int i, j;

	for (i = 0; i < SIOVH_IOASID_SEQ_SETS; i++)
		while (s->slots[i].set)
			if (!seq_set_put(s, i))
				return false;
	for (j = 0; j < SIOVH_IOASID_SEQ_TOKENS; j++) {
		uint32_t bit = 1u << (SIOVH_IOASID_SEQ_SETS + j);

		for (i = 0; i < SIOVH_IOASID_SEQ_NBS; i++)
			if ((s->nbs[i].chains & bit) &&
			    !seq_unregister(s, &s->nbs[i], true, j))
				return false;
		if (!seq_unregister(s, &s->mmrec[j], true, j))
			return false;
	}
	if (s->m.nr_ids)
		return seq_diverge(s, "engine: %zu IDs still allocated after "
				   "teardown", s->m.nr_ids);
	if (s->m.avail != s->avail0)
		return seq_diverge(s, "engine: model pool %u after teardown, "
				   "started with %u", s->m.avail, s->avail0);
	return seq_check_pool(s);
}

int siovh_ioasid_seq_run(struct siovh_ioasid_seq *s, const uint8_t *buf,
			 size_t len)
{
	struct siovh_ioasid_op op;
	size_t off;

	if (s->tr.broken)
		return -EIO;
	if (!run_start(s))
		return 1;
	for (off = 0; off + SIOVH_IOASID_OP_BYTES <= len;
	     off += SIOVH_IOASID_OP_BYTES) {
		siovh_ioasid_op_decode(buf + off, &op);
		if (!seq_exec(s, &op))
			return 1;
	}
	if (s->ckpt)
		s->ckpt(s->ckpt_data);
	return run_teardown(s) ? 0 : 1;
}
