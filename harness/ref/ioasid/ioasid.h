/* SPDX-License-Identifier: MIT */
/*
 * The reference IOASID core: the executable form of the IOASID talk
 * (seeds/001_31fd9bc1970018d6.txt, "IOASID Set Key APIs", "IOASID API",
 * "IOASID Notifier API", and the 24-step "IOASID Lifecycle in Guest SVA").
 *
 * Every function mirrors one op of struct siovh_ioasid_ops or
 * struct siovh_test_ops (harness/include/siovh/ioasid.h, test.h) with the
 * core in place of the target: same arguments in the same order, same return
 * values, same errno values. The contract is the one stated there; what it
 * leaves open is settled here:
 *
 *  - A core is an instance: no global state, any number of cores at once.
 *  - Lifecycle of an ID (the talk's Ref column):
 *
 *	FREE --alloc--> ACTIVE (refs 1) --get/put--> ACTIVE (refs n)
 *	ACTIVE --free--> FREE_PENDING: FREE is sent, then the allocation's
 *	                 reference is dropped
 *	FREE_PENDING --last put--> FREE (reclaimed: allocatable again)
 *
 *    put may take an ACTIVE ID to 0 references; it stays ACTIVE and free()
 *    then reclaims it at once. A FREE_PENDING ID keeps its number, its set
 *    and its share of the set's quota until it is reclaimed.
 *  - Errors for an ID that is FREE_PENDING in the caller's set: get, find,
 *    attach_data, attach_spid, find_by_spid and notify return -EBUSY; put
 *    works; a second free is a no-op. An ID out of [0, capacity) is -ENOENT,
 *    like any ID that is neither active nor pending.
 *  - set == NULL means "every set" for find only; the other (set, id) calls
 *    return -EINVAL for it (free, being void, does nothing).
 *  - attach_spid to an ID's current spid is a no-op success; a new spid
 *    replaces the old one; SIOVH_INVALID_IOASID detaches (no-op if none).
 *    The spid mapping goes when the ID is reclaimed. find_by_spid of a spid
 *    that is not mapped is -ENOENT.
 *  - set_adjust accepts any quota from the set's ID count up to what the
 *    pool can cover, 0 included when the set holds no IDs.
 *  - The last set_put frees the set's active IDs (FREE is sent for each),
 *    returns the whole quota to the pool and makes the token reusable at
 *    once. IDs left free-pending keep the set's memory alive, not its
 *    quota, so their holders can still put them through the dead set's
 *    handle (the one use of it that stays valid).
 *  - ALLOC is sent once the ID is in place (a callback can get or find
 *    it). FREE is sent by free() after the ID turns free-pending and
 *    before the allocation's reference is dropped, so callbacks that put
 *    their own references never see the ID reclaimed under them; the
 *    reclaim itself sends nothing.
 *  - Notifications go to the union of the set's chain and its mm token's
 *    chain, higher priority first, equal priority in registration order
 *    (one sequence number per core orders registrations on all chains). A
 *    block registered on both chains hears an event twice. The priority is
 *    read when the block is registered. Callback return values are ignored.
 *    A notification's set is the core's struct ioasid_set, which the ref
 *    backend hands out as the facet's opaque struct siovh_ioasid_set.
 *  - Locking: one recursive mutex per core. Every call takes it, and
 *    callbacks (notifiers, find's getter, set_for_each's fn) run with it
 *    held, so that what a callback sees cannot change under it while it
 *    runs, and a callback may call any function of its own core (the
 *    recursion is why the mutex is recursive). A notifier callback may
 *    unregister itself but no other notifier: that one may be next in the
 *    walk of the chain.
 *
 * Costs at 2^20 live IDs: every ID operation is O(1) (find_by_spid:
 * expected, it hashes) or O(log64 n) (alloc's search), none scans the ID
 * space or a set; set_for_each and the last set_put visit the set's IDs, as
 * they must. About 40 bytes per live ID, 44 with a spid; see
 * ioasid_core_bytes().
 */
#ifndef IOASID_IOASID_H
#define IOASID_IOASID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <siovh/ioasid.h>
#include <siovh/test.h>

#include "faults.h"

struct ioasid_core;
struct ioasid_set;

/*
 * A core owning IDs [0, capacity), capacity >= 1; fault is an enum
 * ioasid_fault (IOASID_FAULT_NONE for the faithful core). NULL with errno
 * set on failure.
 */
struct ioasid_core *ioasid_core_create(uint32_t capacity, int fault);
/* Frees everything, sends nothing. Set handles die with the core. */
void ioasid_core_destroy(struct ioasid_core *core);
/* Bytes the core holds now (its structs, tables and sets). */
size_t ioasid_core_bytes(const struct ioasid_core *core);

/* Sets */
int ioasid_set_alloc(struct ioasid_core *core, void *token, uint32_t quota,
		     enum siovh_ioasid_set_type type, struct ioasid_set **out);
int ioasid_set_adjust(struct ioasid_core *core, struct ioasid_set *set,
		      uint32_t quota);
void ioasid_set_get(struct ioasid_core *core, struct ioasid_set *set);
void ioasid_set_put(struct ioasid_core *core, struct ioasid_set *set);
int ioasid_set_for_each(struct ioasid_core *core, struct ioasid_set *set,
			void (*fn)(siovh_ioasid_t id, void *data), void *data);
int ioasid_get_capacity(struct ioasid_core *core, uint32_t *capacity,
			uint32_t *avail);

/* IDs */
int ioasid_alloc(struct ioasid_core *core, struct ioasid_set *set,
		 siovh_ioasid_t min, siovh_ioasid_t max, void *private,
		 siovh_ioasid_t *out);
void ioasid_free(struct ioasid_core *core, struct ioasid_set *set,
		 siovh_ioasid_t id);
int ioasid_get(struct ioasid_core *core, struct ioasid_set *set,
	       siovh_ioasid_t id);
int ioasid_put(struct ioasid_core *core, struct ioasid_set *set,
	       siovh_ioasid_t id);
int ioasid_find(struct ioasid_core *core, struct ioasid_set *set,
		siovh_ioasid_t id, bool (*getter)(void *private),
		void **private_out);
int ioasid_attach_data(struct ioasid_core *core, struct ioasid_set *set,
		       siovh_ioasid_t id, void *data);
int ioasid_attach_spid(struct ioasid_core *core, struct ioasid_set *set,
		       siovh_ioasid_t id, siovh_ioasid_t spid);
int ioasid_find_by_spid(struct ioasid_core *core, struct ioasid_set *set,
			siovh_ioasid_t spid, siovh_ioasid_t *out);

/* Notifiers */
int ioasid_register_notifier(struct ioasid_core *core, struct ioasid_set *set,
			     struct siovh_ioasid_nb *nb);
int ioasid_unregister_notifier(struct ioasid_core *core,
			       struct ioasid_set *set,
			       struct siovh_ioasid_nb *nb);
int ioasid_register_notifier_mm(struct ioasid_core *core, void *token,
				struct siovh_ioasid_nb *nb);
int ioasid_unregister_notifier_mm(struct ioasid_core *core, void *token,
				  struct siovh_ioasid_nb *nb);
int ioasid_notify(struct ioasid_core *core, struct ioasid_set *set,
		  siovh_ioasid_t id, enum siovh_ioasid_event event,
		  unsigned int flags);

/* Test-only introspection (the test facet). */
int ioasid_probe(struct ioasid_core *core, siovh_ioasid_t id,
		 struct siovh_ioasid_probe *out);
int ioasid_set_probe(struct ioasid_core *core, struct ioasid_set *set,
		     struct siovh_ioasid_set_probe *out);

#endif /* IOASID_IOASID_H */
