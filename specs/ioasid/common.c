/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the IOASID clauses; see common.h.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "specs/models/ioasid_model.h"

static struct siovh_ioasid_set *alloc_set(struct siovh_check *check,
					  void *token, uint32_t quota,
					  enum siovh_ioasid_set_type type)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set *set = NULL;

	ASSERT_OK(t->ioasid->set_alloc(t, token, quota, type, &set));
	ASSERT_TRUE(set != NULL);
	return set;
}

struct siovh_ioasid_set *new_set(struct siovh_check *check, uint32_t quota)
{
	return alloc_set(check, NULL, quota, SIOVH_IOASID_SET_TYPE_NULL);
}

struct siovh_ioasid_set *new_mm_set(struct siovh_check *check, void *token,
				    uint32_t quota)
{
	return alloc_set(check, token, quota, SIOVH_IOASID_SET_TYPE_MM);
}

siovh_ioasid_t new_id(struct siovh_check *check, struct siovh_ioasid_set *set,
		      siovh_ioasid_t min, siovh_ioasid_t max, void *private)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t id = SIOVH_INVALID_IOASID;

	ASSERT_OK(t->ioasid->alloc(t, set, min, max, private, &id));
	ASSERT_GE(id, min);
	ASSERT_LE(id, max);
	return id;
}

void make_pending(struct siovh_check *check, struct siovh_ioasid_set *set,
		  siovh_ioasid_t id)
{
	struct siovh_target *t = siovh_check_target(check);

	ASSERT_OK(t->ioasid->get(t, set, id));
	t->ioasid->free(t, set, id);
}

uint32_t capacity_of(struct siovh_check *check)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t cap = 0, avail = 0;

	ASSERT_OK(t->ioasid->get_capacity(t, &cap, &avail));
	ASSERT_GT(cap, 0);
	return cap;
}

uint32_t avail_of(struct siovh_check *check)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t cap = 0, avail = 0;

	ASSERT_OK(t->ioasid->get_capacity(t, &cap, &avail));
	return avail;
}

siovh_ioasid_t mid_id(struct siovh_check *check)
{
	return capacity_of(check) / 2;
}

bool expect_spid_maps(struct siovh_check *check, struct siovh_ioasid_set *set,
		      siovh_ioasid_t spid, siovh_ioasid_t want)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t got = SIOVH_INVALID_IOASID;

	if (EXPECT_OK(t->ioasid->find_by_spid(t, set, spid, &got)) &&
	    EXPECT_EQ(got, want))
		return true;
	siovh_note(check, "find_by_spid of spid %u: ID %d, expected ID %u",
		   spid, (int)got, want);
	return false;
}

bool expect_spid_unmapped(struct siovh_check *check,
			  struct siovh_ioasid_set *set, siovh_ioasid_t spid)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t got = SIOVH_INVALID_IOASID;

	if (EXPECT_ERRNO(t->ioasid->find_by_spid(t, set, spid, &got), -ENOENT))
		return true;
	siovh_note(check, "find_by_spid of spid %u: ID %d, expected none",
		   spid, (int)got);
	return false;
}

struct siovh_ioasid_probe probe(struct siovh_check *check, siovh_ioasid_t id)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_probe p;

	memset(&p, 0, sizeof(p));
	ASSERT_OK(t->test->ioasid_probe(t, id, &p));
	return p;
}

struct siovh_ioasid_set_probe set_probe(struct siovh_check *check,
					struct siovh_ioasid_set *set)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_ioasid_set_probe p;

	memset(&p, 0, sizeof(p));
	ASSERT_OK(t->test->ioasid_set_probe(t, set, &p));
	return p;
}

uint32_t refs_of(struct siovh_check *check, siovh_ioasid_t id)
{
	return probe(check, id).refs;
}

enum siovh_ioasid_state state_of(struct siovh_check *check, siovh_ioasid_t id)
{
	return probe(check, id).state;
}

/* --- notifier blocks ----------------------------------------------------- */

static void keep_err(struct listener *l, int err)
{
	if (err && !l->err)
		l->err = err;
}

void listener_take(struct listener *l, siovh_ioasid_t id)
{
	int i, slot = -1;

	for (i = 0; i < LISTEN_IDS; i++) {
		if (l->holds[i].n && l->holds[i].id == id) {
			slot = i;
			break;
		}
		if (!l->holds[i].n && slot < 0)
			slot = i;
	}
	if (slot < 0) {
		keep_err(l, -ENOSPC);	/* the test holds too many IDs */
		return;
	}
	l->holds[slot].id = id;
	l->holds[slot].n++;
	l->held++;
}

bool listener_drop(struct listener *l, siovh_ioasid_t id)
{
	int i;

	for (i = 0; i < LISTEN_IDS; i++) {
		if (l->holds[i].n && l->holds[i].id == id) {
			l->holds[i].n--;
			l->held--;
			return true;
		}
	}
	return false;
}

/*
 * A user of the ID: takes a reference when bound and drops it when unbound
 * (LISTEN_BIND_REF), and drops every reference it holds on the ID when the
 * ID is freed under it (LISTEN_DROP_ON_FREE).
 */
static void hold(struct listener *l, const struct siovh_ioasid_notification *n)
{
	struct siovh_target *t = l->t;
	int err;

	switch (n->event) {
	case SIOVH_IOASID_NOTIFY_BIND:
		if (!(l->role & LISTEN_BIND_REF))
			break;
		err = t->ioasid->get(t, n->set, n->id);
		keep_err(l, err);
		if (!err)
			listener_take(l, n->id);
		break;
	case SIOVH_IOASID_NOTIFY_UNBIND:
		if ((l->role & LISTEN_BIND_REF) && listener_drop(l, n->id))
			keep_err(l, t->ioasid->put(t, n->set, n->id));
		break;
	case SIOVH_IOASID_NOTIFY_FREE:
		while ((l->role & LISTEN_DROP_ON_FREE) &&
		       listener_drop(l, n->id))
			keep_err(l, t->ioasid->put(t, n->set, n->id));
		break;
	case SIOVH_IOASID_NOTIFY_ALLOC:
		break;
	}
}

static int listener_call(struct siovh_ioasid_nb *nb,
			 const struct siovh_ioasid_notification *n)
{
	struct listener *l = (struct listener *)nb;
	struct evlog *log = l->log;
	struct ev *e;

	if (log->n >= EVLOG_MAX) {
		log->lost++;
	} else {
		e = &log->e[log->n++];
		memset(e, 0, sizeof(*e));
		e->who = l->who;
		e->event = n->event;
		e->id = n->id;
		e->spid = n->spid;
		e->set = n->set;
		e->token = n->token;
		e->private = n->private;
		if ((l->role & LISTEN_PROBE) && l->t->test) {
			struct siovh_ioasid_probe p;

			memset(&p, 0, sizeof(p));
			keep_err(l, l->t->test->ioasid_probe(l->t, n->id, &p));
			e->state = p.state;
			e->refs = p.refs;
		}
	}
	hold(l, n);
	return 0;
}

void listener_init(struct listener *l, struct siovh_target *t,
		   struct evlog *log, int who, int priority, unsigned int role)
{
	memset(l, 0, sizeof(*l));
	l->nb.call = listener_call;
	l->nb.priority = priority;
	l->who = who;
	l->role = role;
	l->log = log;
	l->t = t;
}

int evlog_count(const struct evlog *log, int who, uint32_t event,
		siovh_ioasid_t id)
{
	int i, n = 0;

	for (i = 0; i < log->n; i++) {
		const struct ev *e = &log->e[i];

		if ((who < 0 || e->who == who) &&
		    (!event || e->event == event) &&
		    (id == SIOVH_INVALID_IOASID || e->id == id))
			n++;
	}
	return n;
}

const char *evlog_text(const struct evlog *log, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < log->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%d:%s:%u",
				i ? ", " : "", log->e[i].who,
				ioasid_model_event_name(log->e[i].event),
				log->e[i].id);
	if (!log->n)
		snprintf(buf, len, "(nothing)");
	return buf;
}

void evlog_note(struct siovh_check *check, const char *what,
		const struct evlog *log)
{
	char buf[1024];

	siovh_note(check, "%s: %s", what, evlog_text(log, buf, sizeof(buf)));
}
