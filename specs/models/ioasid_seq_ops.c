/* SPDX-License-Identifier: MIT */
/*
 * The operations of the IOASID sequence engine: each resolves its
 * selectors, runs the call on the model and on the target, and compares the
 * results, the notifications and the probed state it touched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ioasid_seq.h"

#define T(s) ((s)->t)
#define OPS(s) ((s)->t->ioasid)

int seq_live_slot(const struct siovh_ioasid_seq *s, unsigned int slot)
{
	unsigned int i, n = s->cfg.nr_sets;

	for (i = 0; i < n; i++) {
		unsigned int k = (slot + i) % n;

		if (s->slots[k].set)
			return (int)k;
	}
	return -1;
}

static int slot_of_mset(const struct siovh_ioasid_seq *s, int mset)
{
	unsigned int i;

	for (i = 0; i < s->cfg.nr_sets; i++)
		if (s->slots[i].set && s->slots[i].mset == mset)
			return (int)i;
	return -1;
}

static siovh_ioasid_t resolve_id(const struct siovh_ioasid_seq *s,
				 const struct siovh_ioasid_op *op)
{
	switch (op->idsel) {
	case SIOVH_IOASID_IDSEL_KNOWN:
		/* Mostly an ID that is in use now, else one seen before. */
		if (op->id_arg < 128 && s->m.nr_ids)
			return s->m.ids[op->id_arg % s->m.nr_ids].id;
		if (s->nr_known)
			return s->known[op->id_arg % s->nr_known];
		/* fall through */
	case SIOVH_IOASID_IDSEL_WINDOW:
		return s->cfg.base + op->id_arg % s->cfg.span;
	case SIOVH_IOASID_IDSEL_ZERO:
		return 0;
	case SIOVH_IOASID_IDSEL_TOP:
		return s->capacity - 1;
	case SIOVH_IOASID_IDSEL_CAPACITY:
		return s->capacity;
	case SIOVH_IOASID_IDSEL_INVALID:
		break;
	}
	return SIOVH_INVALID_IOASID;
}

/* The slot an ID operation names, or -1 for the NULL set (find). */
static int resolve_set(const struct siovh_ioasid_seq *s,
		       const struct siovh_ioasid_op *op, siovh_ioasid_t id)
{
	const struct ioasid_model_id *rec;
	int slot;

	if (op->setsel == SIOVH_IOASID_SETSEL_NULL)
		return -1;
	if (op->setsel == SIOVH_IOASID_SETSEL_OWNER) {
		rec = ioasid_model_id(&s->m, id);
		slot = rec ? slot_of_mset(s, rec->set) : -1;
		if (slot >= 0)
			return slot;
	}
	return seq_live_slot(s, op->slot);
}

static bool getter_true(void *private)
{
	(void)private;
	return true;
}

static bool getter_false(void *private)
{
	(void)private;
	return false;
}

/* The checks after an ID operation: notifications, the ID, its set. */
static bool after_id_op(struct siovh_ioasid_seq *s, siovh_ioasid_t id,
			int slot)
{
	if (!seq_check_events(s) || !seq_check_id(s, id))
		return false;
	return slot < 0 || seq_check_set(s, (unsigned int)slot);
}

/* --- notifier blocks ----------------------------------------------------- */

static uint32_t chain_bit(bool mm, unsigned int where)
{
	return 1u << (mm ? SIOVH_IOASID_SEQ_SETS + where : where);
}

bool seq_register(struct siovh_ioasid_seq *s, struct seq_nb *nb, bool mm,
		  unsigned int where, int priority)
{
	struct seq_slot *sl = &s->slots[where % SIOVH_IOASID_SEQ_SETS];
	int want, got;

	/* A block's priority is only changed while it is on no chain. */
	if (!nb->chains)
		nb->nb.priority = priority;
	seq_begin(s, "register%s(%s, %s%u, prio %d)", mm ? "_mm" : "",
		  nb->name, mm ? "M" : "S", where, nb->nb.priority);
	if (mm) {
		void *token = &s->tokens[where];

		want = ioasid_model_register_mm(&s->m, token, nb,
						nb->nb.priority);
		got = OPS(s)->register_notifier_mm(T(s), token, &nb->nb);
	} else {
		want = ioasid_model_register(&s->m, sl->mset, nb,
					     nb->nb.priority);
		got = OPS(s)->register_notifier(T(s), sl->set, &nb->nb);
	}
	seq_result(s, "%s", seq_report_errname(got));
	if (!seq_cmp_ret(s, "register", got, want))
		return false;
	if (!got)
		nb->chains |= chain_bit(mm, where);
	return seq_check_events(s);
}

bool seq_unregister(struct siovh_ioasid_seq *s, struct seq_nb *nb, bool mm,
		    unsigned int where)
{
	struct seq_slot *sl = &s->slots[where % SIOVH_IOASID_SEQ_SETS];
	int want, got;

	seq_begin(s, "unregister%s(%s, %s%u)", mm ? "_mm" : "", nb->name,
		  mm ? "M" : "S", where);
	if (mm) {
		void *token = &s->tokens[where];

		want = ioasid_model_unregister_mm(&s->m, token, nb);
		got = OPS(s)->unregister_notifier_mm(T(s), token, &nb->nb);
	} else {
		want = ioasid_model_unregister(&s->m, sl->mset, nb);
		got = OPS(s)->unregister_notifier(T(s), sl->set, &nb->nb);
	}
	seq_result(s, "%s", seq_report_errname(got));
	if (!seq_cmp_ret(s, "unregister", got, want))
		return false;
	if (!got)
		nb->chains &= ~chain_bit(mm, where);
	return seq_check_events(s);
}

static bool op_register(struct siovh_ioasid_seq *s,
			const struct siovh_ioasid_op *op, bool reg)
{
	struct seq_nb *nb = &s->nbs[op->nb % SIOVH_IOASID_SEQ_NBS];
	unsigned int where = op->token % SIOVH_IOASID_SEQ_TOKENS;

	if (!op->mm) {
		int slot = seq_live_slot(s, op->slot);

		if (slot < 0)
			return true;
		where = (unsigned int)slot;
	}
	if (reg)
		return seq_register(s, nb, op->mm, where, op->priority);
	return seq_unregister(s, nb, op->mm, where);
}

/* --- sets ---------------------------------------------------------------- */

static uint32_t resolve_quota(const struct siovh_ioasid_seq *s,
			      const struct siovh_ioasid_op *op,
			      const struct ioasid_model_set *ms)
{
	uint32_t base = ms ? ms->quota : 0;

	switch (op->quota) {
	case SIOVH_IOASID_QUOTA_ZERO:
		return 0;
	case SIOVH_IOASID_QUOTA_COUNT:
		return ms ? ms->nr_ids : 1;
	case SIOVH_IOASID_QUOTA_BELOW:
		return ms && ms->nr_ids ? ms->nr_ids - 1 : 0;
	case SIOVH_IOASID_QUOTA_POOL:
		return base + s->m.avail;
	case SIOVH_IOASID_QUOTA_BEYOND:
		return base + s->m.avail + 1;
	case SIOVH_IOASID_QUOTA_SMALL:
		break;
	}
	return 1 + op->quota_arg % s->cfg.max_quota;
}

static int free_slot(const struct siovh_ioasid_seq *s, unsigned int slot)
{
	unsigned int i, n = s->cfg.nr_sets;

	for (i = 0; i < n; i++) {
		unsigned int k = (slot + i) % n;

		if (!s->slots[k].set)
			return (int)k;
	}
	return -1;
}

static bool op_set_alloc(struct siovh_ioasid_seq *s,
			 const struct siovh_ioasid_op *op)
{
	uint32_t type = SIOVH_IOASID_SET_TYPE_NULL, quota;
	struct siovh_ioasid_set *set = NULL;
	void *token = NULL;
	int slot = free_slot(s, op->slot), mset = -1, want, got;

	if (slot < 0)
		return true;	/* every slot in use: nothing to do */
	switch (op->setkind) {
	case SIOVH_IOASID_SETKIND_MM:
		type = SIOVH_IOASID_SET_TYPE_MM;
		token = &s->tokens[op->token % SIOVH_IOASID_SEQ_TOKENS];
		break;
	case SIOVH_IOASID_SETKIND_NULL_TOKEN:
		token = &s->tokens[op->token % SIOVH_IOASID_SEQ_TOKENS];
		break;
	case SIOVH_IOASID_SETKIND_MM_NOTOKEN:
		type = SIOVH_IOASID_SET_TYPE_MM;
		break;
	case SIOVH_IOASID_SETKIND_BADTYPE:
		type = op->token & 1 ? 0 : 3;
		break;
	case SIOVH_IOASID_SETKIND_NULL:
		break;
	}
	quota = resolve_quota(s, op, NULL);
	if (token)
		seq_begin(s, "set_alloc(S%d, type %u, token M%u, quota %u)",
			  slot, type, op->token, quota);
	else
		seq_begin(s, "set_alloc(S%d, type %u, no token, quota %u)",
			  slot, type, quota);
	want = ioasid_model_set_alloc(&s->m, token, quota, type, &mset);
	got = OPS(s)->set_alloc(T(s), token, quota,
				(enum siovh_ioasid_set_type)type, &set);
	seq_result(s, "%s", seq_report_errname(got));
	if (!seq_cmp_ret(s, "set_alloc", got, want))
		return false;
	if (!got && !set)
		return seq_diverge(s, "set_alloc succeeded without a set");
	if (!got) {
		s->slots[slot].set = set;
		s->slots[slot].mset = mset;
		if (!seq_handle_set(s, mset, set))
			return false;
	}
	if (!seq_check_events(s) || !seq_check_pool(s))
		return false;
	if (got)
		return true;
	if (!seq_check_set(s, (unsigned int)slot))
		return false;
	return seq_register(s, &s->slots[slot].rec, false, (unsigned int)slot,
			    SIOVH_IOASID_PRIO_DEFAULT);
}

/* With no live set, an operation that needs one makes one first. */
static bool ensure_set(struct siovh_ioasid_seq *s, unsigned int slot)
{
	struct siovh_ioasid_op op = {
		.kind = SIOVH_IOASID_OP_SET_ALLOC,
		.slot = slot,
		.setkind = SIOVH_IOASID_SETKIND_NULL,
		.quota = SIOVH_IOASID_QUOTA_SMALL,
		.quota_arg = s->cfg.max_quota - 1,
	};

	if (seq_live_slot(s, slot) >= 0)
		return true;
	return op_set_alloc(s, &op);
}

static bool op_set_adjust(struct siovh_ioasid_seq *s,
			  const struct siovh_ioasid_op *op)
{
	int slot = seq_live_slot(s, op->slot), want, got;
	struct seq_slot *sl;
	uint32_t quota;

	if (slot < 0)
		return true;
	sl = &s->slots[slot];
	quota = resolve_quota(s, op, ioasid_model_set(&s->m, sl->mset));
	seq_begin(s, "set_adjust(S%d, %u)", slot, quota);
	want = ioasid_model_set_adjust(&s->m, sl->mset, quota);
	got = OPS(s)->set_adjust(T(s), sl->set, quota);
	seq_result(s, "%s", seq_report_errname(got));
	return seq_cmp_ret(s, "set_adjust", got, want) &&
	       seq_check_events(s) && seq_check_set(s, (unsigned int)slot) &&
	       seq_check_pool(s);
}

static bool op_set_get(struct siovh_ioasid_seq *s,
		       const struct siovh_ioasid_op *op)
{
	int slot = seq_live_slot(s, op->slot);

	if (slot < 0)
		return true;
	seq_begin(s, "set_get(S%d)", slot);
	ioasid_model_set_get(&s->m, s->slots[slot].mset);
	OPS(s)->set_get(T(s), s->slots[slot].set);
	seq_result(s, "void");
	return seq_check_events(s) && seq_check_set(s, (unsigned int)slot);
}

static bool call_put(struct siovh_ioasid_seq *s, int slot, siovh_ioasid_t id)
{
	struct seq_slot *sl = &s->slots[slot];
	int want, got;

	seq_begin(s, "put(S%d, %u)", slot, id);
	want = ioasid_model_put(&s->m, sl->mset, id);
	got = OPS(s)->put(T(s), sl->set, id);
	seq_result(s, "%s", seq_report_errname(got));
	return seq_cmp_ret(s, "put", got, want) && after_id_op(s, id, slot);
}

/*
 * Before a set's last put, the engine drops the references it took with
 * get and find_by_spid, as a user would: the contract leaves pending IDs of
 * a dead set to the implementation, so sequences do not go there.
 */
static bool drain_refs(struct siovh_ioasid_seq *s, int slot)
{
	int mset = s->slots[slot].mset;
	size_t i;

	for (i = 0; i < s->m.nr_ids;) {
		const struct ioasid_model_id *r = &s->m.ids[i];
		uint32_t keep = r->state == SIOVH_IOASID_STATE_ACTIVE;

		if (r->set != mset || r->refs <= keep) {
			i++;
			continue;
		}
		if (!call_put(s, slot, r->id))
			return false;
		i = 0;		/* a reclaim reorders the model's IDs */
	}
	return true;
}

bool seq_set_put(struct siovh_ioasid_seq *s, unsigned int slot)
{
	struct seq_slot *sl = &s->slots[slot];
	const struct ioasid_model_set *ms = ioasid_model_set(&s->m, sl->mset);
	siovh_ioasid_t *owned = NULL;
	size_t n = 0, i;
	bool last = ms->refs == 1, ok;
	unsigned int k;

	if (last) {
		if (!drain_refs(s, (int)slot))
			return false;
		owned = malloc((s->m.nr_ids + 1) * sizeof(*owned));
		if (!owned)
			return seq_diverge(s, "engine out of memory");
		for (i = 0; i < s->m.nr_ids; i++)
			if (s->m.ids[i].set == sl->mset)
				owned[n++] = s->m.ids[i].id;
	}
	seq_begin(s, "set_put(S%u)%s", slot, last ? " last" : "");
	ioasid_model_set_put(&s->m, sl->mset);
	OPS(s)->set_put(T(s), sl->set);
	seq_result(s, "void");
	ok = seq_check_events(s);
	if (last) {
		sl->set = NULL;
		for (k = 0; k < SIOVH_IOASID_SEQ_NBS; k++)
			s->nbs[k].chains &= ~chain_bit(false, slot);
		sl->rec.chains = 0;
		ok = ok && seq_check_pool(s);
		for (i = 0; ok && i < n; i++)
			ok = seq_check_id(s, owned[i]);
	} else {
		ok = ok && seq_check_set(s, slot);
	}
	free(owned);
	return ok;
}

static void visit(siovh_ioasid_t id, void *data)
{
	struct siovh_ioasid_seq *s = data;

	if (s->nr_visit == s->visit_cap) {
		size_t ncap = s->visit_cap ? s->visit_cap * 2 : 64;
		void *p = realloc(s->visit, ncap * sizeof(*s->visit));

		if (!p) {
			s->visit_oom = true;
			return;
		}
		s->visit = p;
		s->visit_cap = ncap;
	}
	s->visit[s->nr_visit++] = id;
}

static int id_cmp(const void *a, const void *b)
{
	siovh_ioasid_t x = *(const siovh_ioasid_t *)a;
	siovh_ioasid_t y = *(const siovh_ioasid_t *)b;

	return (x > y) - (x < y);
}

static bool compare_visits(struct siovh_ioasid_seq *s, int slot)
{
	siovh_ioasid_t *want = malloc((s->m.nr_ids + 1) * sizeof(*want));
	size_t n, i;
	bool ok = true;

	if (!want || s->visit_oom) {
		free(want);
		return seq_diverge(s, "engine out of memory");
	}
	n = ioasid_model_for_each(&s->m, s->slots[slot].mset, want,
				  s->m.nr_ids);
	if (s->nr_visit > 1)
		qsort(s->visit, s->nr_visit, sizeof(*s->visit), id_cmp);
	if (s->nr_visit != n)
		ok = seq_diverge(s, "set_for_each visited %zu IDs, the model "
				 "has %zu active IDs in the set", s->nr_visit,
				 n);
	for (i = 0; ok && i < n; i++)
		if (s->visit[i] != want[i])
			ok = seq_diverge(s, "set_for_each visited ID %u, the "
					 "model expects ID %u (sorted "
					 "position %zu)", s->visit[i],
					 want[i], i);
	free(want);
	return ok;
}

static bool op_for_each(struct siovh_ioasid_seq *s,
			const struct siovh_ioasid_op *op)
{
	int slot = seq_live_slot(s, op->slot), got;

	if (slot < 0)
		return true;
	seq_begin(s, "set_for_each(S%d)", slot);
	s->nr_visit = 0;
	s->visit_oom = false;
	got = OPS(s)->set_for_each(T(s), s->slots[slot].set, visit, s);
	seq_result(s, "%s, %zu IDs", seq_report_errname(got), s->nr_visit);
	return seq_cmp_ret(s, "set_for_each", got, 0) &&
	       compare_visits(s, slot) && seq_check_events(s);
}

static bool op_capacity(struct siovh_ioasid_seq *s)
{
	seq_begin(s, "get_capacity()");
	seq_result(s, "checked");
	return seq_check_pool(s);
}

/* --- IDs ----------------------------------------------------------------- */

static void resolve_range(const struct siovh_ioasid_seq *s,
			  const struct siovh_ioasid_op *op,
			  siovh_ioasid_t *min, siovh_ioasid_t *max)
{
	uint32_t top = s->capacity - 1;

	switch (op->range) {
	case SIOVH_IOASID_RANGE_WINDOW:
		/* Inside the window, so that it fills up. */
		*min = s->cfg.base + op->lo % s->cfg.span;
		*max = *min + op->len;
		if (*max > s->cfg.base + s->cfg.span - 1)
			*max = s->cfg.base + s->cfg.span - 1;
		return;
	case SIOVH_IOASID_RANGE_ZERO:
		*min = *max = 0;
		return;
	case SIOVH_IOASID_RANGE_TOP:
		*min = *max = top;
		return;
	case SIOVH_IOASID_RANGE_FULL:
		*min = 0;
		*max = top;
		return;
	case SIOVH_IOASID_RANGE_REVERSED:
		*min = s->cfg.base + 1;
		*max = s->cfg.base;
		return;
	case SIOVH_IOASID_RANGE_BEYOND:
		*min = top;
		*max = s->capacity;
		return;
	}
}

static bool op_alloc(struct siovh_ioasid_seq *s,
		     const struct siovh_ioasid_op *op)
{
	siovh_ioasid_t min = 0, max = 0, id = SIOVH_INVALID_IOASID;
	void *priv = seq_priv(s, op->priv);
	struct seq_slot *sl;
	int slot, want, got, err;

	if (!ensure_set(s, op->slot))
		return false;
	slot = seq_live_slot(s, op->slot);
	if (slot < 0)
		return true;
	sl = &s->slots[slot];
	resolve_range(s, op, &min, &max);
	seq_begin(s, "alloc(S%d, [%u, %u], P%u)", slot, min, max, op->priv);
	want = ioasid_model_alloc_expect(&s->m, sl->mset, min, max);
	got = OPS(s)->alloc(T(s), sl->set, min, max, priv, &id);
	if (got)
		seq_result(s, "%s", seq_report_errname(got));
	else
		seq_result(s, "0, ID %u", id);
	if (!seq_cmp_ret(s, "alloc", got, want))
		return false;
	if (got)
		return seq_check_events(s) && seq_check_set(s, slot);
	err = ioasid_model_alloc_adopt(&s->m, sl->mset, min, max, id, priv);
	if (err == -ERANGE)
		return seq_diverge(s, "alloc returned ID %u outside [%u, %u]",
				   id, min, max);
	if (err == -EBUSY)
		return seq_diverge(s, "alloc returned ID %u, which the model "
				   "holds %s", id,
				   ioasid_model_id(&s->m, id)->state ==
				   SIOVH_IOASID_STATE_ACTIVE ?
				   "active" : "free-pending");
	if (err)
		return seq_diverge(s, "engine: adopting ID %u: %s", id,
				   seq_report_errname(err));
	seq_known_add(s, id);
	return after_id_op(s, id, slot);
}

/* Resolve (slot, id) for an ID operation; false: nothing to run. */
static bool id_op_args(struct siovh_ioasid_seq *s,
		       const struct siovh_ioasid_op *op, int *slot,
		       siovh_ioasid_t *id)
{
	if (!ensure_set(s, op->slot) || s->tr.broken)
		return false;
	*id = resolve_id(s, op);
	*slot = resolve_set(s, op, *id);
	return *slot >= 0 || op->setsel == SIOVH_IOASID_SETSEL_NULL;
}

static bool op_free(struct siovh_ioasid_seq *s,
		    const struct siovh_ioasid_op *op)
{
	siovh_ioasid_t id;
	int slot;

	if (!id_op_args(s, op, &slot, &id))
		return !s->tr.broken;
	seq_begin(s, "free(S%d, %u)", slot, id);
	ioasid_model_free(&s->m, s->slots[slot].mset, id);
	OPS(s)->free(T(s), s->slots[slot].set, id);
	seq_result(s, "void");
	return after_id_op(s, id, slot);
}

static bool op_get(struct siovh_ioasid_seq *s,
		   const struct siovh_ioasid_op *op)
{
	siovh_ioasid_t id;
	int slot, want, got;

	if (!id_op_args(s, op, &slot, &id))
		return !s->tr.broken;
	seq_begin(s, "get(S%d, %u)", slot, id);
	want = ioasid_model_get(&s->m, s->slots[slot].mset, id);
	got = OPS(s)->get(T(s), s->slots[slot].set, id);
	seq_result(s, "%s", seq_report_errname(got));
	return seq_cmp_ret(s, "get", got, want) && after_id_op(s, id, slot);
}

static bool op_put(struct siovh_ioasid_seq *s,
		   const struct siovh_ioasid_op *op)
{
	siovh_ioasid_t id;
	int slot;

	if (!id_op_args(s, op, &slot, &id))
		return !s->tr.broken;
	return call_put(s, slot, id);
}

static bool op_find(struct siovh_ioasid_seq *s,
		    const struct siovh_ioasid_op *op)
{
	static bool (*const getters[3])(void *) = {
		NULL, getter_true, getter_false,
	};
	void *sentinel = &s->tr.report, *priv = sentinel, *want_priv = sentinel;
	siovh_ioasid_t id;
	int slot, want, got;

	if (!id_op_args(s, op, &slot, &id))
		return !s->tr.broken;
	seq_begin(s, "find(%s%d, %u, getter %d)", slot < 0 ? "NULL" : "S",
		  slot < 0 ? 0 : slot, id, op->getter);
	want = ioasid_model_find(&s->m, slot < 0 ? -1 : s->slots[slot].mset,
				 id, (enum ioasid_model_getter)op->getter,
				 &want_priv);
	got = OPS(s)->find(T(s), slot < 0 ? NULL : s->slots[slot].set, id,
			   getters[op->getter % 3], &priv);
	seq_result(s, "%s, P%u", seq_report_errname(got), got ? 0 :
		   seq_priv_index(s, priv));
	if (!seq_cmp_ret(s, "find", got, want))
		return false;
	if (!got && priv != want_priv)
		return seq_diverge(s, "find returned private P%u, the model "
				   "expects P%u", seq_priv_index(s, priv),
				   seq_priv_index(s, want_priv));
	return after_id_op(s, id, slot);
}

static bool op_attach_data(struct siovh_ioasid_seq *s,
			   const struct siovh_ioasid_op *op)
{
	void *priv = seq_priv(s, op->priv);
	siovh_ioasid_t id;
	int slot, want, got;

	if (!id_op_args(s, op, &slot, &id))
		return !s->tr.broken;
	seq_begin(s, "attach_data(S%d, %u, P%u)", slot, id, op->priv);
	want = ioasid_model_attach_data(&s->m, s->slots[slot].mset, id, priv);
	got = OPS(s)->attach_data(T(s), s->slots[slot].set, id, priv);
	seq_result(s, "%s", seq_report_errname(got));
	return seq_cmp_ret(s, "attach_data", got, want) &&
	       after_id_op(s, id, slot);
}

static siovh_ioasid_t resolve_spid(const struct siovh_ioasid_op *op)
{
	return op->spid < SIOVH_IOASID_SEQ_SPIDS ? op->spid :
						   SIOVH_INVALID_IOASID;
}

static bool op_attach_spid(struct siovh_ioasid_seq *s,
			   const struct siovh_ioasid_op *op)
{
	siovh_ioasid_t id, spid = resolve_spid(op);
	int slot, want, got;

	if (!id_op_args(s, op, &slot, &id))
		return !s->tr.broken;
	seq_begin(s, "attach_spid(S%d, %u, spid %d)", slot, id, (int)spid);
	want = ioasid_model_attach_spid(&s->m, s->slots[slot].mset, id, spid);
	got = OPS(s)->attach_spid(T(s), s->slots[slot].set, id, spid);
	seq_result(s, "%s", seq_report_errname(got));
	return seq_cmp_ret(s, "attach_spid", got, want) &&
	       after_id_op(s, id, slot);
}

static bool op_find_by_spid(struct siovh_ioasid_seq *s,
			    const struct siovh_ioasid_op *op)
{
	siovh_ioasid_t spid = resolve_spid(op), id = SIOVH_INVALID_IOASID;
	siovh_ioasid_t want_id = SIOVH_INVALID_IOASID;
	int slot, want, got;

	if (!ensure_set(s, op->slot))
		return false;
	slot = seq_live_slot(s, op->slot);
	if (slot < 0)
		return true;
	seq_begin(s, "find_by_spid(S%d, spid %d)", slot, (int)spid);
	want = ioasid_model_find_by_spid(&s->m, s->slots[slot].mset, spid,
					 &want_id);
	got = OPS(s)->find_by_spid(T(s), s->slots[slot].set, spid, &id);
	if (got)
		seq_result(s, "%s", seq_report_errname(got));
	else
		seq_result(s, "0, ID %u", id);
	if (!seq_cmp_ret(s, "find_by_spid", got, want))
		return false;
	if (!got && id != want_id)
		return seq_diverge(s, "find_by_spid returned ID %u, the model "
				   "expects ID %u", id, want_id);
	return after_id_op(s, got ? SIOVH_INVALID_IOASID : id, slot);
}

static bool op_notify(struct siovh_ioasid_seq *s,
		      const struct siovh_ioasid_op *op)
{
	siovh_ioasid_t id;
	int slot, want, got;

	if (!id_op_args(s, op, &slot, &id))
		return !s->tr.broken;
	seq_begin(s, "notify(S%d, %u, event %#x, flags %#x)", slot, id,
		  op->event, op->flags);
	want = ioasid_model_notify(&s->m, s->slots[slot].mset, id, op->event,
				   op->flags);
	got = OPS(s)->notify(T(s), s->slots[slot].set, id,
			     (enum siovh_ioasid_event)op->event, op->flags);
	seq_result(s, "%s", seq_report_errname(got));
	return seq_cmp_ret(s, "notify", got, want) && after_id_op(s, id, slot);
}

bool seq_exec(struct siovh_ioasid_seq *s, const struct siovh_ioasid_op *op)
{
	int slot;

	switch (op->kind) {
	case SIOVH_IOASID_OP_SET_ALLOC:
		return op_set_alloc(s, op);
	case SIOVH_IOASID_OP_SET_ADJUST:
		return op_set_adjust(s, op);
	case SIOVH_IOASID_OP_SET_GET:
		return op_set_get(s, op);
	case SIOVH_IOASID_OP_SET_PUT:
		slot = seq_live_slot(s, op->slot);
		return slot < 0 || seq_set_put(s, (unsigned int)slot);
	case SIOVH_IOASID_OP_FOR_EACH:
		return op_for_each(s, op);
	case SIOVH_IOASID_OP_CAPACITY:
		return op_capacity(s);
	case SIOVH_IOASID_OP_ALLOC:
		return op_alloc(s, op);
	case SIOVH_IOASID_OP_FREE:
		return op_free(s, op);
	case SIOVH_IOASID_OP_GET:
		return op_get(s, op);
	case SIOVH_IOASID_OP_PUT:
		return op_put(s, op);
	case SIOVH_IOASID_OP_FIND:
		return op_find(s, op);
	case SIOVH_IOASID_OP_ATTACH_DATA:
		return op_attach_data(s, op);
	case SIOVH_IOASID_OP_ATTACH_SPID:
		return op_attach_spid(s, op);
	case SIOVH_IOASID_OP_FIND_BY_SPID:
		return op_find_by_spid(s, op);
	case SIOVH_IOASID_OP_NOTIFY:
		return op_notify(s, op);
	case SIOVH_IOASID_OP_REGISTER:
		return op_register(s, op, true);
	case SIOVH_IOASID_OP_UNREGISTER:
		return op_register(s, op, false);
	case SIOVH_IOASID_OP_NR:
		break;
	}
	return true;
}
