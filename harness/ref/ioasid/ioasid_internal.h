/* SPDX-License-Identifier: MIT */
/*
 * Inside the reference IOASID core: the structures shared by ioasid.c (IDs),
 * ioasid_set.c (sets and the pool) and ioasid_notify.c (notifiers). Not for
 * use outside harness/ref/ioasid.
 *
 * Where the state lives:
 *
 *   core - used: id_bitmap      which IDs are taken (active or pending)
 *        - ids: id_table        ID -> entry (state, refs, owner, links)
 *        - sets: ioasid_set     live sets, and dead ones that still own
 *                               free-pending IDs
 *        - mm_root: ioasid_mm   one per token that has an MM set or an
 *                               mm notifier
 *   set  - first: its IDs, linked through entry->set_prev/set_next
 *        - spids: spid -> ID, chained through entry->spid_next
 *        - chain: its notifiers; mm: its token's notifiers
 */
#ifndef IOASID_INTERNAL_H
#define IOASID_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "faults.h"
#include "id_bitmap.h"
#include "id_table.h"
#include "ioasid.h"
#include "spid_map.h"

/* One registration of a notifier block on one chain. */
struct ioasid_nb_reg {
	struct siovh_ioasid_nb *nb;
	int priority;			/* nb->priority when registered */
	uint64_t seq;			/* registration order, core-wide */
	struct ioasid_nb_reg *next;
};

/* A chain is kept in delivery order (see ioasid_notify.c). */
struct ioasid_chain {
	struct ioasid_nb_reg *first;
};

/*
 * An mm token: its notifier chain, and how many live MM sets hold it (one,
 * but for the MM_DUP_TOKEN fault). Exists while either is non-empty.
 */
struct ioasid_mm {
	void *token;
	uint32_t nr_sets;
	struct ioasid_chain chain;
};

struct ioasid_set {
	void *token;
	enum siovh_ioasid_set_type type;
	uint32_t quota;			/* IDs reserved from the pool */
	uint32_t nr_ids;		/* active + free-pending IDs */
	uint32_t refs;			/* set_get/set_put; 0 once dead */
	uint32_t pins;			/* walks that need it alive */
	uint32_t first;			/* its newest ID, or ID_NONE */
	struct spid_map spids;
	/* SPID_REPLACE_KEEPS_OLD only: the spid a replace left mapped. */
	uint32_t left_spid, left_id;
	struct ioasid_chain chain;
	struct ioasid_mm *mm;		/* token's chain; NULL if none */
	struct ioasid_set *prev, *next;	/* the core's list of sets */
};

struct ioasid_core {
	pthread_mutex_t lock;		/* recursive: see ioasid.h */
	enum ioasid_fault fault;
	uint32_t capacity;
	uint64_t reserved;		/* sum of live sets' quotas */
	struct id_bitmap used;
	struct id_table ids;
	struct ioasid_set *sets;
	void *mm_root;			/* tsearch(3) tree of ioasid_mm */
	uint32_t nr_mm;
	uint64_t nr_regs;		/* registrations on all chains */
	uint64_t nb_seq;		/* last registration's sequence */
};

/* Off in the coverage build: README.md, "Coverage". */
#ifdef SIOVH_NO_FAULT_HOOKS
#define ioasid_fault(core, fault)	((void)(core), (void)(fault), false)
#else
/* Is this core built with the given bug? */
static inline bool ioasid_fault(const struct ioasid_core *core,
				enum ioasid_fault fault)
{
	return core->fault == fault;
}
#endif

static inline void ioasid_lock(struct ioasid_core *core)
{
	pthread_mutex_lock(&core->lock);
}

static inline void ioasid_unlock(struct ioasid_core *core)
{
	pthread_mutex_unlock(&core->lock);
}

static inline struct ioasid_entry *ioasid_entry(struct ioasid_core *core,
						uint32_t id)
{
	return id_table_lookup(&core->ids, id);
}

/* ioasid.c */
/*
 * The entry of an ID that is active or pending, in the caller's set unless
 * set is NULL or the core has the fault no_owner (the caller's fault that
 * skips the owner check). 0, -ENOENT or -EACCES.
 */
int ioasid_lookup(struct ioasid_core *core, struct ioasid_set *set,
		  uint32_t id, enum ioasid_fault no_owner,
		  struct ioasid_entry **out);
/* Free every active ID of a dying set, each with its FREE event. */
void ioasid_free_set_ids(struct ioasid_core *core, struct ioasid_set *set);

/* ioasid_set.c */
void ioasid_set_release_if_unused(struct ioasid_core *core,
				  struct ioasid_set *set);
void ioasid_set_destroy_all(struct ioasid_core *core);
size_t ioasid_sets_bytes(const struct ioasid_core *core);

/* ioasid_notify.c */
void ioasid_send(struct ioasid_core *core, enum siovh_ioasid_event event,
		 uint32_t id, const struct ioasid_entry *e, unsigned int flags);
struct ioasid_mm *ioasid_mm_find(struct ioasid_core *core, void *token);
struct ioasid_mm *ioasid_mm_get(struct ioasid_core *core, void *token);
void ioasid_mm_release_if_unused(struct ioasid_core *core,
				 struct ioasid_mm *mm);
void ioasid_mm_destroy_all(struct ioasid_core *core);
void ioasid_chain_destroy(struct ioasid_core *core,
			  struct ioasid_chain *chain);
size_t ioasid_notify_bytes(const struct ioasid_core *core);

#endif /* IOASID_INTERNAL_H */
