/* SPDX-License-Identifier: MIT */
/*
 * IOASID sets and the system pool: the talk's "IOASID Set Key APIs" slide
 * (alloc_set, adjust_set, set_get/put, set_for_each_ioasid), plus the
 * capacity query and the set probe. The contract is in ioasid.h.
 *
 * The pool is the ID space, shared out as reservations: a set's quota is
 * taken from it when the set is made and given back when the set dies.
 * A dead set's memory lives on while it still owns free-pending IDs (their
 * entries point at it); it is freed by whoever drops the last of them.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "ioasid_internal.h"

/* IDs not yet reserved by any live set. */
static uint32_t pool_avail(const struct ioasid_core *core)
{
	if (core->reserved >= core->capacity)
		return 0;
	return (uint32_t)(core->capacity - core->reserved);
}

static int check_set_args(struct ioasid_core *core, void *token,
			  uint32_t quota, enum siovh_ioasid_set_type type)
{
	if (quota == 0 &&
	    !ioasid_fault(core, IOASID_FAULT_SET_ALLOC_QUOTA_ZERO))
		return -EINVAL;
	switch (type) {
	case SIOVH_IOASID_SET_TYPE_NULL:
		if (token && !ioasid_fault(core, IOASID_FAULT_NULL_SET_TOKEN))
			return -EINVAL;
		return 0;
	case SIOVH_IOASID_SET_TYPE_MM:
		if (!token && !ioasid_fault(core, IOASID_FAULT_MM_NULL_TOKEN))
			return -EINVAL;
		return 0;
	}
	/* The bug: an unknown type goes through, making a set of no type. */
	if (ioasid_fault(core, IOASID_FAULT_SET_ALLOC_ANY_TYPE))
		return 0;
	return -EINVAL;
}

static bool token_taken(struct ioasid_core *core, void *token)
{
	struct ioasid_mm *mm = ioasid_mm_find(core, token);

	return mm && mm->nr_sets;
}

/*
 * Give an MM set its token's notifier chain. The chain may already exist:
 * mm notifiers can be registered before the set (step 1 of the lifecycle).
 */
static int attach_mm(struct ioasid_core *core, struct ioasid_set *set)
{
	struct ioasid_mm *mm = ioasid_mm_find(core, set->token);
	bool early = mm != NULL;

	if (!mm)
		mm = ioasid_mm_get(core, set->token);
	if (!mm)
		return -ENOMEM;
	mm->nr_sets++;
	/* The bug: only a chain the set created itself is attached. */
	if (early && ioasid_fault(core, IOASID_FAULT_MM_EARLY_NOT_ATTACHED))
		return 0;
	set->mm = mm;
	return 0;
}

/* The set dies: its token is free for a new set, its chain may go. */
static void detach_mm(struct ioasid_core *core, struct ioasid_set *set)
{
	struct ioasid_mm *mm;

	if (set->type != SIOVH_IOASID_SET_TYPE_MM || !set->token)
		return;
	mm = ioasid_mm_find(core, set->token);
	set->mm = NULL;
	if (!mm)
		return;
	mm->nr_sets--;
	ioasid_mm_release_if_unused(core, mm);
}

static void link_set(struct ioasid_core *core, struct ioasid_set *set)
{
	set->prev = NULL;
	set->next = core->sets;
	if (core->sets)
		core->sets->prev = set;
	core->sets = set;
}

static void unlink_set(struct ioasid_core *core, struct ioasid_set *set)
{
	if (set->prev)
		set->prev->next = set->next;
	else
		core->sets = set->next;
	if (set->next)
		set->next->prev = set->prev;
}

static void free_set(struct ioasid_core *core, struct ioasid_set *set)
{
	spid_map_destroy(&set->spids);
	ioasid_chain_destroy(core, &set->chain);
	free(set);
}

static int set_alloc_locked(struct ioasid_core *core, void *token,
			    uint32_t quota, enum siovh_ioasid_set_type type,
			    struct ioasid_set **out)
{
	struct ioasid_set *set;
	int err;

	if (type == SIOVH_IOASID_SET_TYPE_MM && token &&
	    token_taken(core, token) &&
	    !ioasid_fault(core, IOASID_FAULT_MM_DUP_TOKEN))
		return -EEXIST;
	if (quota > pool_avail(core) &&
	    !ioasid_fault(core, IOASID_FAULT_SET_ALLOC_IGNORES_POOL))
		return -ENOSPC;

	set = ref_calloc(1, sizeof(*set));
	if (!set)
		return -ENOMEM;
	set->token = token;
	set->type = type;
	set->quota = quota;
	set->refs = 1;
	set->first = ID_NONE;
	set->left_id = ID_NONE;
	if (type == SIOVH_IOASID_SET_TYPE_MM && token) {
		err = attach_mm(core, set);
		if (err)
			goto err_free_set;
	}
	core->reserved += quota;
	link_set(core, set);
	*out = set;
	return 0;

err_free_set:
	free(set);
	return err;
}

int ioasid_set_alloc(struct ioasid_core *core, void *token, uint32_t quota,
		     enum siovh_ioasid_set_type type, struct ioasid_set **out)
{
	int err;

	if (!out)
		return -EINVAL;
	err = check_set_args(core, token, quota, type);
	if (err)
		return err;
	ioasid_lock(core);
	err = set_alloc_locked(core, token, quota, type, out);
	ioasid_unlock(core);
	return err;
}

int ioasid_set_adjust(struct ioasid_core *core, struct ioasid_set *set,
		      uint32_t quota)
{
	int err = 0;

	if (!set)
		return -EINVAL;
	ioasid_lock(core);
	if (quota < set->nr_ids &&
	    !ioasid_fault(core, IOASID_FAULT_ADJUST_BELOW_COUNT)) {
		err = -EINVAL;
	} else if (quota > set->quota &&
		   quota - set->quota > pool_avail(core) &&
		   !ioasid_fault(core, IOASID_FAULT_ADJUST_IGNORES_POOL)) {
		err = -ENOSPC;
	} else {
		/* The bug: a lowered quota leaves its old reservation. */
		if (quota > set->quota ||
		    !ioasid_fault(core, IOASID_FAULT_ADJUST_KEEPS_RESERVE))
			core->reserved = core->reserved - set->quota + quota;
		set->quota = quota;
	}
	ioasid_unlock(core);
	return err;
}

void ioasid_set_get(struct ioasid_core *core, struct ioasid_set *set)
{
	if (!set)
		return;
	ioasid_lock(core);
	if (!ioasid_fault(core, IOASID_FAULT_SET_GET_NOOP))
		set->refs++;
	ioasid_unlock(core);
}

/* The last reference is gone: free the IDs, give back quota and token. */
static void kill_set(struct ioasid_core *core, struct ioasid_set *set)
{
	/* Pinned, or reclaiming its last ID would free it under our feet. */
	set->pins++;
	if (!ioasid_fault(core, IOASID_FAULT_SET_PUT_LEAVES_IDS))
		ioasid_free_set_ids(core, set);
	if (!ioasid_fault(core, IOASID_FAULT_SET_PUT_KEEPS_QUOTA))
		core->reserved -= set->quota;
	detach_mm(core, set);
	set->pins--;
	ioasid_set_release_if_unused(core, set);
}

void ioasid_set_put(struct ioasid_core *core, struct ioasid_set *set)
{
	if (!set)
		return;
	ioasid_lock(core);
	/* refs is 0 while the set dies, if a FREE callback puts it again. */
	if (set->refs && --set->refs == 0)
		kill_set(core, set);
	ioasid_unlock(core);
}

void ioasid_set_release_if_unused(struct ioasid_core *core,
				  struct ioasid_set *set)
{
	if (set->refs || set->nr_ids || set->pins)
		return;
	unlink_set(core, set);
	free_set(core, set);
}

void ioasid_set_destroy_all(struct ioasid_core *core)
{
	while (core->sets) {
		struct ioasid_set *set = core->sets;

		unlink_set(core, set);
		free_set(core, set);
	}
}

/* Does set_for_each report this entry? */
static bool reported(struct ioasid_core *core, struct ioasid_set *set,
		     const struct ioasid_entry *e)
{
	if (ioasid_fault(core, IOASID_FAULT_FOR_EACH_STALE))
		return true;	/* the bug: the snapshot is trusted */
	if (e->set != set)
		return false;
	if (e->state == SIOVH_IOASID_STATE_FREE_PENDING)
		return ioasid_fault(core, IOASID_FAULT_FOR_EACH_PENDING);
	return e->state == SIOVH_IOASID_STATE_ACTIVE;
}

/* Copy the set's IDs out, so that fn may free or allocate as it goes. */
static int snapshot_ids(struct ioasid_core *core, struct ioasid_set *set,
			uint32_t **out, uint32_t *count)
{
	uint32_t *ids;
	uint32_t id = set->first;
	uint32_t n = 0;

	ids = ref_malloc((set->nr_ids ? set->nr_ids : 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	if (id != ID_NONE &&
	    ioasid_fault(core, IOASID_FAULT_FOR_EACH_SKIPS_ONE))
		id = ioasid_entry(core, id)->set_next;
	while (id != ID_NONE && n < set->nr_ids) {
		ids[n++] = id;
		id = ioasid_entry(core, id)->set_next;
	}
	*out = ids;
	*count = n;
	return 0;
}

int ioasid_set_for_each(struct ioasid_core *core, struct ioasid_set *set,
			void (*fn)(siovh_ioasid_t id, void *data), void *data)
{
	uint32_t *ids;
	uint32_t i, n;
	int err;

	if (!set || !fn)
		return -EINVAL;
	ioasid_lock(core);
	err = snapshot_ids(core, set, &ids, &n);
	if (err)
		goto out_unlock;
	/* Each ID is checked again: an earlier fn may have freed it. */
	for (i = 0; i < n; i++) {
		if (reported(core, set, ioasid_entry(core, ids[i])))
			fn(ids[i], data);
	}
	free(ids);
out_unlock:
	ioasid_unlock(core);
	return err;
}

int ioasid_get_capacity(struct ioasid_core *core, uint32_t *capacity,
			uint32_t *avail)
{
	ioasid_lock(core);
	if (capacity)
		*capacity = core->capacity;
	if (avail) {
		*avail = pool_avail(core);
		if (ioasid_fault(core, IOASID_FAULT_CAPACITY_IGNORES_RESERVED))
			*avail = core->capacity;
	}
	ioasid_unlock(core);
	return 0;
}

int ioasid_set_probe(struct ioasid_core *core, struct ioasid_set *set,
		     struct siovh_ioasid_set_probe *out)
{
	if (!set || !out)
		return -EINVAL;
	ioasid_lock(core);
	*out = (struct siovh_ioasid_set_probe){
		.quota = set->quota,
		.nr_ids = set->nr_ids,
		.refs = set->refs,
	};
	ioasid_unlock(core);
	return 0;
}

size_t ioasid_sets_bytes(const struct ioasid_core *core)
{
	const struct ioasid_set *set;
	size_t bytes = 0;

	for (set = core->sets; set; set = set->next)
		bytes += sizeof(*set) + spid_map_bytes(&set->spids);
	return bytes;
}
