/* SPDX-License-Identifier: MIT */
/*
 * The abstract IOASID model: the oracle the sequence engine compares a
 * target's ioasid facet against (harness/include/siovh/ioasid.h gives the
 * contract, 001_31fd9bc1970018d6.txt the behaviour).
 *
 * It is written to be obviously right, not fast: flat arrays, linear
 * searches, no locking. It holds sets (quota, references, token, type,
 * alive), the IDs that are not FREE (state, references, owning set, spid,
 * private data), the registered notifier blocks and the pool, and answers
 * every operation with the value the contract demands.
 *
 * Sets are named by a model index, handed out in allocation order and never
 * reused, so a dead set stays a dead set. Notifier blocks are named by an
 * opaque pointer supplied by the caller (the engine passes its real block).
 *
 * The model does not choose IDs: alloc is split into alloc_expect (may this
 * alloc succeed, and if not with which -errno) and alloc_adopt (validate the
 * target's choice and take it over).
 *
 * Every operation returning a value also sets m->leeway: how far a target's
 * result may stray from it (see enum ioasid_model_leeway).
 *
 * Notifications the target is expected to deliver are appended to an event
 * list, one entry per (notification, receiving block), in delivery order;
 * the caller compares and then clears it.
 */
#ifndef SIOVH_SPECS_IOASID_MODEL_H
#define SIOVH_SPECS_IOASID_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siovh/ioasid.h"
#include "siovh/test.h"

/*
 * How strictly a target's result must match the model's. The contract fixes
 * most results (a free-pending ID's -EBUSY included); where it does not
 * (which error wins when two apply, a NULL token or an invalid spid, flags
 * naming no chain), the model gives the reference's answer and says how
 * much a target may differ from it.
 */
enum ioasid_model_leeway {
	IOASID_MODEL_EXACT = 0,		/* the same value */
	IOASID_MODEL_ANY_ERRNO,		/* a failure, any -errno */
	IOASID_MODEL_ANY_RESULT,	/* success or failure: neither changes
					 * anything (e.g. notify to no chain) */
};

/* find()'s getter as the model sees it. */
enum ioasid_model_getter {
	IOASID_MODEL_GETTER_NONE = 0,
	IOASID_MODEL_GETTER_TRUE,
	IOASID_MODEL_GETTER_FALSE,
};

struct ioasid_model_set {
	bool alive;
	uint32_t type;			/* enum siovh_ioasid_set_type */
	void *token;
	uint32_t quota;
	uint32_t refs;
	uint32_t nr_ids;		/* active + free-pending */
};

/* An ID that is ACTIVE or FREE_PENDING; FREE IDs have no record. */
struct ioasid_model_id {
	siovh_ioasid_t id;
	enum siovh_ioasid_state state;
	uint32_t refs;
	int set;
	siovh_ioasid_t spid;		/* SIOVH_INVALID_IOASID if none */
	void *private;
};

/* A registered notifier block: on a set chain (set >= 0) or an mm chain. */
struct ioasid_model_nb {
	const void *nb;
	int set;			/* -1: the mm chain of token */
	void *token;
	int priority;
	uint64_t order;			/* registration order */
};

/* One delivery of one notification to one block. */
struct ioasid_model_event {
	const void *nb;
	enum siovh_ioasid_event event;
	siovh_ioasid_t id;
	siovh_ioasid_t spid;
	int set;
	void *token;
	void *private;
};

struct ioasid_model {
	uint32_t capacity;
	uint32_t avail;			/* pool not reserved by any set */

	struct ioasid_model_set *sets;
	size_t nr_sets, sets_cap;

	struct ioasid_model_id *ids;
	size_t nr_ids, ids_cap;

	struct ioasid_model_nb *nbs;
	size_t nr_nbs, nbs_cap;
	uint64_t nb_order;

	struct ioasid_model_event *events;
	size_t nr_events, events_cap;

	/* How strictly the last operation's result is to be compared. */
	enum ioasid_model_leeway leeway;
	bool oom;			/* an array could not grow */
};

/* A model of a pool of `capacity` IDs of which `avail` are unreserved. */
void ioasid_model_init(struct ioasid_model *m, uint32_t capacity,
		       uint32_t avail);
void ioasid_model_fini(struct ioasid_model *m);

/* Sets. set_alloc stores the new set's index in *set on success. */
int ioasid_model_set_alloc(struct ioasid_model *m, void *token, uint32_t quota,
			   uint32_t type, int *set);
int ioasid_model_set_adjust(struct ioasid_model *m, int set, uint32_t quota);
void ioasid_model_set_get(struct ioasid_model *m, int set);
void ioasid_model_set_put(struct ioasid_model *m, int set);
/* The active IDs of set, sorted, at most max of them; returns the count. */
size_t ioasid_model_for_each(const struct ioasid_model *m, int set,
			     siovh_ioasid_t *ids, size_t max);
bool ioasid_model_set_alive(const struct ioasid_model *m, int set);
const struct ioasid_model_set *ioasid_model_set(const struct ioasid_model *m,
						int set);

/* IDs. */
int ioasid_model_alloc_expect(struct ioasid_model *m, int set,
			      siovh_ioasid_t min, siovh_ioasid_t max);
/*
 * Adopt the target's choice after alloc_expect said 0: -ERANGE if id is
 * outside [min, max], -EBUSY if it is active or pending, 0 when taken.
 */
int ioasid_model_alloc_adopt(struct ioasid_model *m, int set,
			     siovh_ioasid_t min, siovh_ioasid_t max,
			     siovh_ioasid_t id, void *private);
void ioasid_model_free(struct ioasid_model *m, int set, siovh_ioasid_t id);
int ioasid_model_get(struct ioasid_model *m, int set, siovh_ioasid_t id);
int ioasid_model_put(struct ioasid_model *m, int set, siovh_ioasid_t id);
/* set < 0 searches every set (find with a NULL set). */
int ioasid_model_find(struct ioasid_model *m, int set,
		      siovh_ioasid_t id, enum ioasid_model_getter getter,
		      void **private);
int ioasid_model_attach_data(struct ioasid_model *m, int set,
			     siovh_ioasid_t id, void *data);
int ioasid_model_attach_spid(struct ioasid_model *m, int set,
			     siovh_ioasid_t id, siovh_ioasid_t spid);
int ioasid_model_find_by_spid(struct ioasid_model *m, int set,
			      siovh_ioasid_t spid, siovh_ioasid_t *id);
/* The record of id, NULL when the model holds it FREE. */
const struct ioasid_model_id *ioasid_model_id(const struct ioasid_model *m,
					      siovh_ioasid_t id);

/* Notifiers. */
int ioasid_model_register(struct ioasid_model *m, int set, const void *nb,
			  int priority);
int ioasid_model_unregister(struct ioasid_model *m, int set, const void *nb);
int ioasid_model_register_mm(struct ioasid_model *m, void *token,
			     const void *nb, int priority);
int ioasid_model_unregister_mm(struct ioasid_model *m, void *token,
			       const void *nb);
int ioasid_model_notify(struct ioasid_model *m, int set, siovh_ioasid_t id,
			uint32_t event, unsigned int flags);

/* Expected deliveries since the last clear. */
void ioasid_model_clear_events(struct ioasid_model *m);

/* Names for traces and notes: "FREE_PENDING", "BIND"; "?" if unknown. */
const char *ioasid_model_state_name(enum siovh_ioasid_state state);
const char *ioasid_model_event_name(uint32_t event);

#endif /* SIOVH_SPECS_IOASID_MODEL_H */
