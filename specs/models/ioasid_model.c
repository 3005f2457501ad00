/* SPDX-License-Identifier: MIT */
/*
 * The abstract IOASID model (see ioasid_model.h). Every rule below is one
 * sentence of the contract in harness/include/siovh/ioasid.h; where the
 * contract leaves a choice open the comment says which one the model makes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ioasid_model.h"

/* Grow *arr (of *cap elements of size sz) to hold n + 1; false on OOM. */
static bool grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

void ioasid_model_init(struct ioasid_model *m, uint32_t capacity,
		       uint32_t avail)
{
	memset(m, 0, sizeof(*m));
	m->capacity = capacity;
	m->avail = avail;
}

void ioasid_model_fini(struct ioasid_model *m)
{
	free(m->sets);
	free(m->ids);
	free(m->nbs);
	free(m->events);
	memset(m, 0, sizeof(*m));
}

bool ioasid_model_set_alive(const struct ioasid_model *m, int set)
{
	return set >= 0 && (size_t)set < m->nr_sets && m->sets[set].alive;
}

const struct ioasid_model_set *ioasid_model_set(const struct ioasid_model *m,
						int set)
{
	if (set < 0 || (size_t)set >= m->nr_sets)
		return NULL;
	return &m->sets[set];
}

static struct ioasid_model_id *lookup(const struct ioasid_model *m,
				      siovh_ioasid_t id)
{
	size_t i;

	for (i = 0; i < m->nr_ids; i++)
		if (m->ids[i].id == id)
			return &m->ids[i];
	return NULL;
}

const struct ioasid_model_id *ioasid_model_id(const struct ioasid_model *m,
					      siovh_ioasid_t id)
{
	return lookup(m, id);
}

/*
 * The ownership rule shared by every (set, id) call: -ENOENT when the ID is
 * neither active nor pending anywhere, -EACCES when another set holds it.
 */
static int owned(const struct ioasid_model *m, int set, siovh_ioasid_t id,
		 struct ioasid_model_id **out)
{
	struct ioasid_model_id *rec = lookup(m, id);

	if (!rec)
		return -ENOENT;
	if (rec->set != set)
		return -EACCES;
	*out = rec;
	return 0;
}

/*
 * The (set, id) calls that need the ID active: the ownership errors, then
 * -EBUSY for a pending ID (only put and free still work on one).
 */
static int owned_active(const struct ioasid_model *m, int set,
			siovh_ioasid_t id, struct ioasid_model_id **out)
{
	int err = owned(m, set, id, out);

	if (!err && (*out)->state != SIOVH_IOASID_STATE_ACTIVE)
		err = -EBUSY;
	return err;
}

/* Results the contract fixes are exact; the functions say where not. */
static int exact(struct ioasid_model *m, int ret)
{
	m->leeway = IOASID_MODEL_EXACT;
	return ret;
}

static int loose(struct ioasid_model *m, int ret,
		 enum ioasid_model_leeway leeway)
{
	m->leeway = leeway;
	return ret;
}

/* --- notifications ------------------------------------------------------ */

static bool nb_hears(const struct ioasid_model_nb *nb, int set,
		     const struct ioasid_model_set *s, unsigned int flags)
{
	if (nb->set >= 0)
		return (flags & SIOVH_IOASID_NOTIFY_FLAG_SET) && nb->set == set;
	return (flags & SIOVH_IOASID_NOTIFY_FLAG_MM) &&
	       s->type == SIOVH_IOASID_SET_TYPE_MM && nb->token == s->token;
}

/* Delivery order: higher priority first, then registration order. */
static bool nb_before(const struct ioasid_model_nb *a,
		      const struct ioasid_model_nb *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	return a->order < b->order;
}

/*
 * Append one delivery per listening block, in delivery order. The blocks
 * are few, so pick the next one by a linear scan each time.
 */
static void emit(struct ioasid_model *m, enum siovh_ioasid_event event,
		 const struct ioasid_model_id *rec, unsigned int flags)
{
	const struct ioasid_model_set *s = &m->sets[rec->set];
	const struct ioasid_model_nb *last = NULL, *next;
	struct ioasid_model_event *ev;
	size_t i;

	for (;;) {
		next = NULL;
		for (i = 0; i < m->nr_nbs; i++) {
			const struct ioasid_model_nb *nb = &m->nbs[i];

			if (!nb_hears(nb, rec->set, s, flags))
				continue;
			if (last && !nb_before(last, nb))
				continue;
			if (!next || nb_before(nb, next))
				next = nb;
		}
		if (!next)
			return;
		if (!grow((void **)&m->events, &m->events_cap, m->nr_events,
			  sizeof(*m->events))) {
			m->oom = true;
			return;
		}
		ev = &m->events[m->nr_events++];
		ev->nb = next->nb;
		ev->event = event;
		ev->id = rec->id;
		ev->spid = rec->spid;
		ev->set = rec->set;
		ev->token = s->token;
		ev->private = rec->private;
		last = next;
	}
}

void ioasid_model_clear_events(struct ioasid_model *m)
{
	m->nr_events = 0;
}

const char *ioasid_model_event_name(uint32_t event)
{
	switch (event) {
	case SIOVH_IOASID_NOTIFY_ALLOC:
		return "ALLOC";
	case SIOVH_IOASID_NOTIFY_FREE:
		return "FREE";
	case SIOVH_IOASID_NOTIFY_BIND:
		return "BIND";
	case SIOVH_IOASID_NOTIFY_UNBIND:
		return "UNBIND";
	}
	return "?";
}

const char *ioasid_model_state_name(enum siovh_ioasid_state state)
{
	switch (state) {
	case SIOVH_IOASID_STATE_FREE:
		return "FREE";
	case SIOVH_IOASID_STATE_ACTIVE:
		return "ACTIVE";
	case SIOVH_IOASID_STATE_FREE_PENDING:
		return "FREE_PENDING";
	}
	return "?";
}

/* --- sets --------------------------------------------------------------- */

static bool token_in_use(const struct ioasid_model *m, void *token)
{
	size_t i;

	for (i = 0; i < m->nr_sets; i++)
		if (m->sets[i].alive &&
		    m->sets[i].type == SIOVH_IOASID_SET_TYPE_MM &&
		    m->sets[i].token == token)
			return true;
	return false;
}

int ioasid_model_set_alloc(struct ioasid_model *m, void *token, uint32_t quota,
			   uint32_t type, int *set)
{
	struct ioasid_model_set *s;

	if (type != SIOVH_IOASID_SET_TYPE_NULL &&
	    type != SIOVH_IOASID_SET_TYPE_MM)
		return exact(m, -EINVAL);
	if (!quota)
		return exact(m, -EINVAL);
	if ((type == SIOVH_IOASID_SET_TYPE_NULL) != !token)
		return exact(m, -EINVAL);
	/* A taken token and a short pool: either error will do. */
	if (type == SIOVH_IOASID_SET_TYPE_MM && token_in_use(m, token))
		return loose(m, -EEXIST, quota > m->avail ?
				 IOASID_MODEL_ANY_ERRNO : IOASID_MODEL_EXACT);
	if (quota > m->avail)
		return exact(m, -ENOSPC);
	if (!grow((void **)&m->sets, &m->sets_cap, m->nr_sets,
		  sizeof(*m->sets))) {
		m->oom = true;
		return exact(m, -ENOMEM);
	}
	s = &m->sets[m->nr_sets];
	memset(s, 0, sizeof(*s));
	s->alive = true;
	s->type = type;
	s->token = token;
	s->quota = quota;
	s->refs = 1;
	m->avail -= quota;
	*set = (int)m->nr_sets++;
	return exact(m, 0);
}

/*
 * Any quota from the set's ID count (pending IDs included) up to what the
 * pool can cover; 0 too when the set holds no IDs (the reference's choice).
 */
int ioasid_model_set_adjust(struct ioasid_model *m, int set, uint32_t quota)
{
	struct ioasid_model_set *s = &m->sets[set];

	if (quota < s->nr_ids)
		return exact(m, -EINVAL);
	if (quota > s->quota && quota - s->quota > m->avail)
		return exact(m, -ENOSPC);
	m->avail = m->avail + s->quota - quota;
	s->quota = quota;
	return exact(m, 0);
}

void ioasid_model_set_get(struct ioasid_model *m, int set)
{
	m->sets[set].refs++;
}

static void drop_nbs_of_set(struct ioasid_model *m, int set)
{
	size_t i = 0;

	while (i < m->nr_nbs) {
		if (m->nbs[i].set == set)
			m->nbs[i] = m->nbs[--m->nr_nbs];
		else
			i++;
	}
}

/*
 * The last put frees every active ID as free() would, in ascending ID order
 * (the target may use any order; the engine compares per ID), then returns
 * the quota. IDs that stay pending keep their dead set's index.
 */
void ioasid_model_set_put(struct ioasid_model *m, int set)
{
	struct ioasid_model_set *s = &m->sets[set];
	siovh_ioasid_t next;
	size_t i;

	if (--s->refs)
		return;
	for (;;) {
		const struct ioasid_model_id *pick = NULL;

		for (i = 0; i < m->nr_ids; i++) {
			const struct ioasid_model_id *r = &m->ids[i];

			if (r->set != set ||
			    r->state != SIOVH_IOASID_STATE_ACTIVE)
				continue;
			if (!pick || r->id < pick->id)
				pick = r;
		}
		if (!pick)
			break;
		next = pick->id;
		ioasid_model_free(m, set, next);
	}
	drop_nbs_of_set(m, set);
	m->avail += s->quota;
	s->alive = false;
}

static int id_cmp(const void *a, const void *b)
{
	siovh_ioasid_t x = *(const siovh_ioasid_t *)a;
	siovh_ioasid_t y = *(const siovh_ioasid_t *)b;

	return (x > y) - (x < y);
}

size_t ioasid_model_for_each(const struct ioasid_model *m, int set,
			     siovh_ioasid_t *ids, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < m->nr_ids && n < max; i++)
		if (m->ids[i].set == set &&
		    m->ids[i].state == SIOVH_IOASID_STATE_ACTIVE)
			ids[n++] = m->ids[i].id;
	qsort(ids, n, sizeof(*ids), id_cmp);
	return n;
}

/* --- IDs ---------------------------------------------------------------- */

static uint64_t busy_in_range(const struct ioasid_model *m, siovh_ioasid_t min,
			      siovh_ioasid_t max)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < m->nr_ids; i++)
		if (m->ids[i].id >= min && m->ids[i].id <= max)
			n++;
	return n;
}

/*
 * -EDQUOT comes before -ENOSPC ("checked before anything is allocated");
 * whether a bad range or a full quota is reported first is left open.
 */
int ioasid_model_alloc_expect(struct ioasid_model *m, int set,
			      siovh_ioasid_t min, siovh_ioasid_t max)
{
	const struct ioasid_model_set *s = &m->sets[set];
	bool full = s->nr_ids >= s->quota;

	if (min > max || max >= m->capacity)
		return loose(m, -EINVAL, full ? IOASID_MODEL_ANY_ERRNO :
						IOASID_MODEL_EXACT);
	if (full)
		return exact(m, -EDQUOT);
	if (busy_in_range(m, min, max) == (uint64_t)max - min + 1)
		return exact(m, -ENOSPC);
	return exact(m, 0);
}

int ioasid_model_alloc_adopt(struct ioasid_model *m, int set,
			     siovh_ioasid_t min, siovh_ioasid_t max,
			     siovh_ioasid_t id, void *private)
{
	struct ioasid_model_id *rec;

	if (id < min || id > max)
		return -ERANGE;
	if (lookup(m, id))
		return -EBUSY;
	if (!grow((void **)&m->ids, &m->ids_cap, m->nr_ids, sizeof(*m->ids))) {
		m->oom = true;
		return -ENOMEM;
	}
	rec = &m->ids[m->nr_ids++];
	rec->id = id;
	rec->state = SIOVH_IOASID_STATE_ACTIVE;
	rec->refs = 1;
	rec->set = set;
	rec->spid = SIOVH_INVALID_IOASID;
	rec->private = private;
	m->sets[set].nr_ids++;
	emit(m, SIOVH_IOASID_NOTIFY_ALLOC, rec, SIOVH_IOASID_NOTIFY_FLAG_ALL);
	return 0;
}

/* The last reference of a freed ID is gone: it becomes allocatable. */
static void reclaim(struct ioasid_model *m, struct ioasid_model_id *rec)
{
	m->sets[rec->set].nr_ids--;
	*rec = m->ids[--m->nr_ids];
}

/*
 * free() drops the allocation's reference (if it is still held: a put may
 * have dropped it already) and notifies FREE while the ID is still pending,
 * so that holders can drop theirs. Wrong set, unknown and pending IDs: no-op.
 */
void ioasid_model_free(struct ioasid_model *m, int set, siovh_ioasid_t id)
{
	struct ioasid_model_id *rec;

	if (owned(m, set, id, &rec))
		return;
	if (rec->state != SIOVH_IOASID_STATE_ACTIVE)
		return;
	rec->state = SIOVH_IOASID_STATE_FREE_PENDING;
	if (rec->refs)
		rec->refs--;
	emit(m, SIOVH_IOASID_NOTIFY_FREE, rec, SIOVH_IOASID_NOTIFY_FLAG_ALL);
	if (!rec->refs)
		reclaim(m, rec);
}

int ioasid_model_get(struct ioasid_model *m, int set, siovh_ioasid_t id)
{
	struct ioasid_model_id *rec;
	int err = owned_active(m, set, id, &rec);

	if (err)
		return exact(m, err);
	rec->refs++;
	return exact(m, 0);
}

int ioasid_model_put(struct ioasid_model *m, int set, siovh_ioasid_t id)
{
	struct ioasid_model_id *rec;
	int err = owned(m, set, id, &rec);

	if (err)
		return exact(m, err);
	if (!rec->refs)
		return exact(m, -EINVAL);
	rec->refs--;
	if (!rec->refs && rec->state == SIOVH_IOASID_STATE_FREE_PENDING)
		reclaim(m, rec);
	return exact(m, 0);
}

/*
 * A pending ID of the caller's set is no longer findable: -EBUSY, as for
 * every (set, id) call on a pending ID but put and free.
 */
int ioasid_model_find(struct ioasid_model *m, int set,
		      siovh_ioasid_t id, enum ioasid_model_getter getter,
		      void **private)
{
	struct ioasid_model_id *rec = lookup(m, id);

	if (!rec)
		return exact(m, -ENOENT);
	if (set >= 0 && rec->set != set)
		return exact(m, -EACCES);
	if (rec->state != SIOVH_IOASID_STATE_ACTIVE)
		return exact(m, -EBUSY);
	if (getter == IOASID_MODEL_GETTER_FALSE)
		return exact(m, -EBUSY);
	*private = rec->private;
	return exact(m, 0);
}

/* Data can no longer be attached to a pending ID (-EBUSY). */
int ioasid_model_attach_data(struct ioasid_model *m, int set,
			     siovh_ioasid_t id, void *data)
{
	struct ioasid_model_id *rec;
	int err = owned_active(m, set, id, &rec);

	if (err)
		return exact(m, err);
	rec->private = data;
	return exact(m, 0);
}

static struct ioasid_model_id *by_spid(const struct ioasid_model *m, int set,
				       siovh_ioasid_t spid)
{
	size_t i;

	if (spid == SIOVH_INVALID_IOASID)
		return NULL;
	for (i = 0; i < m->nr_ids; i++)
		if (m->ids[i].set == set && m->ids[i].spid == spid)
			return &m->ids[i];
	return NULL;
}

/*
 * A pending ID takes no spid changes (-EBUSY); a pending ID
 * keeps its spid until reclaimed, so nobody else in the set can take it
 * (-EEXIST); re-attaching the spid an ID already has changes nothing,
 * whether a target calls that success (the reference) or -EEXIST.
 */
int ioasid_model_attach_spid(struct ioasid_model *m, int set,
			     siovh_ioasid_t id, siovh_ioasid_t spid)
{
	struct ioasid_model_id *rec, *holder;
	int err = owned_active(m, set, id, &rec);

	if (err)
		return exact(m, err);
	holder = by_spid(m, set, spid);
	if (holder && holder != rec)
		return exact(m, -EEXIST);
	if (holder == rec)
		return loose(m, 0, IOASID_MODEL_ANY_RESULT);
	rec->spid = spid;
	return exact(m, 0);
}

/*
 * The spid of a pending ID still maps, but to an ID nobody may take a
 * reference on (-EBUSY). SIOVH_INVALID_IOASID is never a spid (the
 * contract does not say which errno; the reference: -ENOENT).
 */
int ioasid_model_find_by_spid(struct ioasid_model *m, int set,
			      siovh_ioasid_t spid, siovh_ioasid_t *id)
{
	struct ioasid_model_id *rec = by_spid(m, set, spid);

	if (spid == SIOVH_INVALID_IOASID)
		return loose(m, -ENOENT, IOASID_MODEL_ANY_ERRNO);
	if (!rec)
		return exact(m, -ENOENT);
	if (rec->state != SIOVH_IOASID_STATE_ACTIVE)
		return exact(m, -EBUSY);
	rec->refs++;
	*id = rec->id;
	return exact(m, 0);
}

/* --- notifiers ---------------------------------------------------------- */

static struct ioasid_model_nb *find_nb(const struct ioasid_model *m, int set,
				       void *token, const void *nb)
{
	size_t i;

	for (i = 0; i < m->nr_nbs; i++) {
		struct ioasid_model_nb *r = &m->nbs[i];

		if (r->nb != nb || r->set != set)
			continue;
		if (set >= 0 || r->token == token)
			return r;
	}
	return NULL;
}

static int add_nb(struct ioasid_model *m, int set, void *token,
		  const void *nb, int priority)
{
	struct ioasid_model_nb *r;

	if (find_nb(m, set, token, nb))
		return exact(m, -EEXIST);
	if (!grow((void **)&m->nbs, &m->nbs_cap, m->nr_nbs, sizeof(*m->nbs))) {
		m->oom = true;
		return exact(m, -ENOMEM);
	}
	r = &m->nbs[m->nr_nbs++];
	r->nb = nb;
	r->set = set;
	r->token = token;
	r->priority = priority;
	r->order = m->nb_order++;
	return exact(m, 0);
}

static int del_nb(struct ioasid_model *m, int set, void *token, const void *nb)
{
	struct ioasid_model_nb *r = find_nb(m, set, token, nb);

	if (!r)
		return exact(m, -ENOENT);
	*r = m->nbs[--m->nr_nbs];
	return exact(m, 0);
}

int ioasid_model_register(struct ioasid_model *m, int set, const void *nb,
			  int priority)
{
	return add_nb(m, set, NULL, nb, priority);
}

int ioasid_model_unregister(struct ioasid_model *m, int set, const void *nb)
{
	return del_nb(m, set, NULL, nb);
}

/* An mm chain needs a token (any errno; -EINVAL for NULL). */
int ioasid_model_register_mm(struct ioasid_model *m, void *token,
			     const void *nb, int priority)
{
	if (!token)
		return loose(m, -EINVAL, IOASID_MODEL_ANY_ERRNO);
	return add_nb(m, -1, token, nb, priority);
}

int ioasid_model_unregister_mm(struct ioasid_model *m, void *token,
			       const void *nb)
{
	if (!token)
		return loose(m, -EINVAL, IOASID_MODEL_ANY_ERRNO);
	return del_nb(m, -1, token, nb);
}

/*
 * Only BIND and UNBIND (-EINVAL). Flags naming no chain deliver nothing
 * whatever the call returns (the reference: -EINVAL, also for unknown
 * bits). When the arguments and the ID are both wrong, any error will do. A
 * pending ID is not notified (-EBUSY).
 */
int ioasid_model_notify(struct ioasid_model *m, int set, siovh_ioasid_t id,
			uint32_t event, unsigned int flags)
{
	bool bad_event = event != SIOVH_IOASID_NOTIFY_BIND &&
			 event != SIOVH_IOASID_NOTIFY_UNBIND;
	bool no_chain = !(flags & SIOVH_IOASID_NOTIFY_FLAG_ALL);
	bool bad_flags = flags & ~SIOVH_IOASID_NOTIFY_FLAG_ALL;
	struct ioasid_model_id *rec;
	int err = owned(m, set, id, &rec);

	if (bad_event || bad_flags || no_chain) {
		if (err)
			return loose(m, -EINVAL, IOASID_MODEL_ANY_ERRNO);
		if (bad_event)
			return exact(m, -EINVAL);
		if (no_chain)
			return loose(m, -EINVAL, IOASID_MODEL_ANY_RESULT);
		return loose(m, -EINVAL, IOASID_MODEL_ANY_ERRNO);
	}
	if (err)
		return exact(m, err);
	if (rec->state != SIOVH_IOASID_STATE_ACTIVE)
		return exact(m, -EBUSY);
	emit(m, (enum siovh_ioasid_event)event, rec, flags);
	return exact(m, 0);
}
