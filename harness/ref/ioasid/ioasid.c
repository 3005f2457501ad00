/* SPDX-License-Identifier: MIT */
/*
 * The reference IOASID core: the core's lifetime and the ID operations
 * (alloc, free, get, put, find, attach_data, attach_spid, find_by_spid) of
 * the talk's "IOASID API" slide. Sets are in ioasid_set.c, notifiers in
 * ioasid_notify.c; the contract is in ioasid.h.
 *
 * Each public function takes the lock, does its work in small helpers that
 * expect the lock held, and drops it. Injected faults (faults.h) sit where
 * the bug would be, as `if (ioasid_fault(core, IOASID_FAULT_X))`.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "ioasid_internal.h"

static int init_recursive_mutex(pthread_mutex_t *lock)
{
	pthread_mutexattr_t attr;
	int err;

	err = pthread_mutexattr_init(&attr);
	if (err)
		return -err;
	err = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	if (!err)
		err = pthread_mutex_init(lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return -err;
}

struct ioasid_core *ioasid_core_create(uint32_t capacity, int fault)
{
	struct ioasid_core *core;
	int err;

	if (capacity == 0 || fault < 0 || fault >= IOASID_FAULT_COUNT) {
		errno = EINVAL;
		return NULL;
	}
	core = ref_calloc(1, sizeof(*core));
	if (!core)
		return NULL;
	core->capacity = capacity;
	core->fault = (enum ioasid_fault)fault;

	err = id_bitmap_init(&core->used, capacity);
	if (err)
		goto err_free_core;
	err = id_table_init(&core->ids, capacity);
	if (err)
		goto err_free_bitmap;
	err = init_recursive_mutex(&core->lock);
	if (err)
		goto err_free_table;
	return core;

err_free_table:
	id_table_destroy(&core->ids);
err_free_bitmap:
	id_bitmap_destroy(&core->used);
err_free_core:
	free(core);
	errno = -err;
	return NULL;
}

void ioasid_core_destroy(struct ioasid_core *core)
{
	if (!core)
		return;
	ioasid_set_destroy_all(core);
	ioasid_mm_destroy_all(core);
	id_table_destroy(&core->ids);
	id_bitmap_destroy(&core->used);
	pthread_mutex_destroy(&core->lock);
	free(core);
}

size_t ioasid_core_bytes(const struct ioasid_core *core)
{
	/* The lock is state we may take from a const view. */
	struct ioasid_core *locked = (struct ioasid_core *)core;
	size_t bytes;

	ioasid_lock(locked);
	bytes = sizeof(*core) + id_bitmap_bytes(&core->used) +
		id_table_bytes(&core->ids) + ioasid_sets_bytes(core) +
		ioasid_notify_bytes(core);
	ioasid_unlock(locked);
	return bytes;
}

static bool is_pending(const struct ioasid_entry *e)
{
	return e->state == SIOVH_IOASID_STATE_FREE_PENDING;
}

int ioasid_lookup(struct ioasid_core *core, struct ioasid_set *set,
		  uint32_t id, enum ioasid_fault no_owner,
		  struct ioasid_entry **out)
{
	struct ioasid_entry *e = ioasid_entry(core, id);

	if (!e || e->state == SIOVH_IOASID_STATE_FREE)
		return -ENOENT;
	if (set && !ioasid_fault(core, no_owner) && e->set != set)
		return -EACCES;
	*out = e;
	return 0;
}

/* The set's IDs form a list through the entries, newest first. */
static void set_link(struct ioasid_core *core, struct ioasid_set *set,
		     struct ioasid_entry *e, uint32_t id)
{
	e->set_prev = ID_NONE;
	e->set_next = set->first;
	if (set->first != ID_NONE)
		ioasid_entry(core, set->first)->set_prev = id;
	set->first = id;
}

static void set_unlink(struct ioasid_core *core, struct ioasid_set *set,
		       struct ioasid_entry *e)
{
	if (e->set_prev != ID_NONE)
		ioasid_entry(core, e->set_prev)->set_next = e->set_next;
	else
		set->first = e->set_next;
	if (e->set_next != ID_NONE)
		ioasid_entry(core, e->set_next)->set_prev = e->set_prev;
	e->set_prev = ID_NONE;
	e->set_next = ID_NONE;
}

static void drop_spid(struct ioasid_core *core, struct ioasid_entry *e,
		      uint32_t id)
{
	if (e->spid == SIOVH_INVALID_IOASID)
		return;
	spid_map_remove(&e->set->spids, &core->ids, id);
	e->spid = SIOVH_INVALID_IOASID;
}

/* Take an ID out of its set and make its entry FREE (the bitmap aside). */
static void detach(struct ioasid_core *core, struct ioasid_entry *e,
		   uint32_t id)
{
	struct ioasid_set *set = e->set;

	set_unlink(core, set, e);
	/* The bug: the map keeps pointing at the ID after its reuse. */
	if (!ioasid_fault(core, IOASID_FAULT_SPID_STALE))
		drop_spid(core, e, id);
	if (!ioasid_fault(core, IOASID_FAULT_QUOTA_NOT_RETURNED))
		set->nr_ids--;
	e->set = NULL;
	e->private = NULL;
	e->refs = 0;
	e->state = SIOVH_IOASID_STATE_FREE;
}

/* The last reference of a pending ID is gone: it may be allocated again. */
static void reclaim(struct ioasid_core *core, struct ioasid_entry *e,
		    uint32_t id)
{
	struct ioasid_set *set = e->set;

	if (ioasid_fault(core, IOASID_FAULT_FREE_NOTIFIED_LATE))
		ioasid_send(core, SIOVH_IOASID_NOTIFY_FREE, id, e,
			    SIOVH_IOASID_NOTIFY_FLAG_ALL);
	detach(core, e, id);
	id_bitmap_clear(&core->used, id);
	ioasid_set_release_if_unused(core, set);
}

/* Make a free ID active in set, holding the allocation's reference. */
static void claim(struct ioasid_core *core, struct ioasid_set *set,
		  struct ioasid_entry *e, uint32_t id, void *private)
{
	if ((ioasid_fault(core, IOASID_FAULT_ALLOC_RACE) ||
	     ioasid_fault(core, IOASID_FAULT_PENDING_REALLOCATED)) &&
	    e->state != SIOVH_IOASID_STATE_FREE) {
		/*
		 * Only these faults hand out an ID in use: it is taken from
		 * its owner, as the buggy code would. Detaching first keeps
		 * the lists consistent.
		 */
		struct ioasid_set *owner = e->set;

		detach(core, e, id);
		ioasid_set_release_if_unused(core, owner);
	}
	id_bitmap_set(&core->used, id);
	e->set = set;
	e->private = private;
	/* The bug: the allocation's reference is not counted. */
	e->refs = ioasid_fault(core, IOASID_FAULT_ALLOC_REFS_ZERO) ? 0 : 1;
	e->state = SIOVH_IOASID_STATE_ACTIVE;
	set_link(core, set, e, id);
	set->nr_ids++;
}

static bool quota_exhausted(struct ioasid_core *core, struct ioasid_set *set)
{
	if (ioasid_fault(core, IOASID_FAULT_QUOTA_OFF_BY_ONE))
		return set->nr_ids > set->quota;
	return set->nr_ids >= set->quota;
}

static bool range_valid(struct ioasid_core *core, uint32_t min, uint32_t max)
{
	if (min > max && !ioasid_fault(core, IOASID_FAULT_ALLOC_MIN_GT_MAX))
		return false;
	if (ioasid_fault(core, IOASID_FAULT_ALLOC_ACCEPTS_CAPACITY))
		return max <= core->capacity;
	return max < core->capacity;
}

static int alloc_locked(struct ioasid_core *core, struct ioasid_set *set,
			uint32_t min, uint32_t max, void *private,
			uint32_t *out)
{
	struct ioasid_entry *e;
	uint32_t id;

	if (!range_valid(core, min, max))
		return -EINVAL;
	/* Before anything is taken, so that a refusal changes nothing. */
	if (quota_exhausted(core, set))
		return -EDQUOT;

	if (ioasid_fault(core, IOASID_FAULT_ALLOC_IGNORES_MIN))
		min = 0;
	if (ioasid_fault(core, IOASID_FAULT_ALLOC_IGNORES_MAX))
		max = core->capacity - 1;
	id = id_bitmap_find_clear(&core->used, min, max);
	if (id == ID_NONE)
		return -ENOSPC;

	if (ioasid_fault(core, IOASID_FAULT_ALLOC_RACE)) {
		/*
		 * The bug: the lock is dropped between search and claim (as
		 * if to allocate memory), so two threads can find the same
		 * ID. Yielding widens the window so that a test sees it.
		 */
		ioasid_unlock(core);
		sched_yield();
		ioasid_lock(core);
	}

	if (ioasid_fault(core, IOASID_FAULT_ALLOC_ENOMEM_LOSES_ID))
		id_bitmap_set(&core->used, id);	/* the bug: before the entry */
	e = id_table_get(&core->ids, id);
	if (!e)
		return -ENOMEM;
	claim(core, set, e, id, private);
	*out = id;
	return 0;
}

int ioasid_alloc(struct ioasid_core *core, struct ioasid_set *set,
		 siovh_ioasid_t min, siovh_ioasid_t max, void *private,
		 siovh_ioasid_t *out)
{
	uint32_t id;
	int err;

	if (!set || !out)
		return -EINVAL;
	ioasid_lock(core);
	err = alloc_locked(core, set, min, max, private, &id);
	if (!err) {
		*out = id;
		if (!ioasid_fault(core, IOASID_FAULT_NO_ALLOC_NOTIFY))
			ioasid_send(core, SIOVH_IOASID_NOTIFY_ALLOC, id,
				    ioasid_entry(core, id),
				    SIOVH_IOASID_NOTIFY_FLAG_ALL);
	}
	ioasid_unlock(core);
	return err;
}

/*
 * free(), first half: the ID turns free-pending, so that nobody takes a new
 * reference, and its users hear FREE so that they drop theirs. The
 * allocation's reference is still held, so the ID stays put meanwhile.
 * set_put: freed by its set's last put (ioasid_free_set_ids).
 */
static void start_free(struct ioasid_core *core, struct ioasid_entry *e,
		       uint32_t id, bool set_put)
{
	e->state = SIOVH_IOASID_STATE_FREE_PENDING;
	if (ioasid_fault(core, IOASID_FAULT_PENDING_REALLOCATED))
		id_bitmap_clear(&core->used, id);
	/* The bug set-put-silent: the IDs a set's last put frees go quietly. */
	if (!(set_put && ioasid_fault(core, IOASID_FAULT_SET_PUT_SILENT)) &&
	    !ioasid_fault(core, IOASID_FAULT_FREE_NOTIFIED_LATE))
		ioasid_send(core, SIOVH_IOASID_NOTIFY_FREE, id, e,
			    SIOVH_IOASID_NOTIFY_FLAG_ALL);
}

/*
 * free(), second half: drop the allocation's reference (already gone if a
 * put took the ID to 0) and reclaim the ID if it was the last. set: the
 * set free() (or the set's last put) was called with.
 */
static void finish_free(struct ioasid_core *core, struct ioasid_set *set,
			struct ioasid_entry *e, uint32_t id)
{
	/* A FREE listener whose puts took it to 0 has reclaimed it. */
	if (!is_pending(e)) {
		/* The bug: the reclaimed ID leaves its set's count twice. */
		if (ioasid_fault(core, IOASID_FAULT_FREE_RECOUNTS_RECLAIMED))
			set->nr_ids--;
		return;
	}
	if (ioasid_fault(core, IOASID_FAULT_FREE_IGNORES_REFS))
		e->refs = 0;
	else if (e->refs)
		e->refs--;
	if (!e->refs)
		reclaim(core, e, id);
}

void ioasid_free(struct ioasid_core *core, struct ioasid_set *set,
		 siovh_ioasid_t id)
{
	struct ioasid_entry *e;

	if (!set)
		return;
	ioasid_lock(core);
	if (ioasid_lookup(core, set, id, IOASID_FAULT_FREE_NO_OWNER, &e))
		goto out_unlock;
	if (!is_pending(e)) {
		start_free(core, e, id, false);
		finish_free(core, set, e, id);
	} else if (ioasid_fault(core, IOASID_FAULT_DOUBLE_FREE_DROPS_REF)) {
		finish_free(core, set, e, id);
	}
out_unlock:
	ioasid_unlock(core);
}

void ioasid_free_set_ids(struct ioasid_core *core, struct ioasid_set *set)
{
	uint32_t id = set->first;

	while (id != ID_NONE) {
		struct ioasid_entry *e = ioasid_entry(core, id);
		uint32_t next;

		/* Callbacks reclaimed this one under the walk: start over. */
		if (e->set != set) {
			id = set->first;
			continue;
		}
		if (is_pending(e) &&
		    !ioasid_fault(core, IOASID_FAULT_SET_PUT_REFREES_PENDING)) {
			id = e->set_next;
			continue;
		}
		start_free(core, e, id, true);
		/*
		 * The next ID is read after the FREE callbacks, which may
		 * reclaim IDs of the set, and before finish_free() unlinks
		 * this one. Pending IDs are skipped quickly on a restart.
		 */
		next = e->set == set ? e->set_next : set->first;
		finish_free(core, set, e, id);
		id = next;
	}
}

/*
 * Take a new reference on an ID, for get and find_by_spid (which refuse a
 * free-pending ID first, -EBUSY: its users are letting go): -EOVERFLOW
 * when the count is full. no_inc is the caller's fault that does not count
 * it.
 */
static int take_ref(struct ioasid_core *core, struct ioasid_entry *e,
		    enum ioasid_fault no_inc)
{
	if (e->refs == UINT32_MAX)
		return -EOVERFLOW;
	if (!ioasid_fault(core, no_inc))
		e->refs++;
	return 0;
}

int ioasid_get(struct ioasid_core *core, struct ioasid_set *set,
	       siovh_ioasid_t id)
{
	struct ioasid_entry *e;
	int err;

	if (!set && !ioasid_fault(core, IOASID_FAULT_NULL_SET_ANY))
		return -EINVAL;
	ioasid_lock(core);
	err = ioasid_lookup(core, set, id, IOASID_FAULT_GET_PUT_NO_OWNER, &e);
	if (!err && is_pending(e) &&
	    !ioasid_fault(core, IOASID_FAULT_GET_ON_PENDING))
		err = -EBUSY;
	if (!err)
		err = take_ref(core, e, IOASID_FAULT_GET_NO_INC);
	ioasid_unlock(core);
	return err;
}

int ioasid_put(struct ioasid_core *core, struct ioasid_set *set,
	       siovh_ioasid_t id)
{
	struct ioasid_entry *e;
	int err;

	if (!set && !ioasid_fault(core, IOASID_FAULT_NULL_SET_ANY))
		return -EINVAL;
	ioasid_lock(core);
	err = ioasid_lookup(core, set, id, IOASID_FAULT_GET_PUT_NO_OWNER, &e);
	if (err || ioasid_fault(core, IOASID_FAULT_PUT_NO_DEC))
		goto out_unlock;
	if (e->refs == 0 && !ioasid_fault(core, IOASID_FAULT_PUT_UNDERFLOW)) {
		err = -EINVAL;
		goto out_unlock;
	}
	e->refs--;
	/* An active ID stays active at 0 references; free() reclaims it. */
	if (!e->refs && is_pending(e))
		reclaim(core, e, id);
out_unlock:
	ioasid_unlock(core);
	return err;
}

/* Does the getter refuse this ID's private data? */
static bool getter_refuses(struct ioasid_core *core,
			   bool (*getter)(void *private), void *private)
{
	if (!getter || ioasid_fault(core, IOASID_FAULT_FIND_SKIPS_GETTER))
		return false;
	/* The bug: a first call to "check", a second to "use". */
	if (ioasid_fault(core, IOASID_FAULT_GETTER_CALLED_TWICE))
		getter(private);
	return !getter(private) &&
	       !ioasid_fault(core, IOASID_FAULT_FIND_IGNORES_GETTER);
}

int ioasid_find(struct ioasid_core *core, struct ioasid_set *set,
		siovh_ioasid_t id, bool (*getter)(void *private),
		void **private_out)
{
	struct ioasid_entry *e;
	int err;

	ioasid_lock(core);
	err = ioasid_lookup(core, set, id, IOASID_FAULT_FIND_NO_OWNER, &e);
	if (err)
		goto out_unlock;
	if (is_pending(e) && !ioasid_fault(core, IOASID_FAULT_FIND_PENDING)) {
		err = -EBUSY;
		/* The bug: a pending ID reported as if it were gone. */
		if (ioasid_fault(core, IOASID_FAULT_PENDING_ENOENT))
			err = -ENOENT;
		goto out_unlock;
	}
	/* Under the lock, so the data cannot be freed while the getter runs. */
	if (getter_refuses(core, getter, e->private)) {
		err = -EBUSY;
		goto out_unlock;
	}
	if (private_out)
		*private_out = e->private;
out_unlock:
	ioasid_unlock(core);
	return err;
}

/* The active ID of the caller's set, for the calls that change an ID. */
static int lookup_active(struct ioasid_core *core, struct ioasid_set *set,
			 uint32_t id, enum ioasid_fault no_owner,
			 struct ioasid_entry **out)
{
	int err = ioasid_lookup(core, set, id, no_owner, out);

	if (!err && is_pending(*out) &&
	    !ioasid_fault(core, IOASID_FAULT_ATTACH_PENDING))
		err = -EBUSY;
	return err;
}

int ioasid_attach_data(struct ioasid_core *core, struct ioasid_set *set,
		       siovh_ioasid_t id, void *data)
{
	struct ioasid_entry *e;
	int err;

	if (!set)
		return -EINVAL;
	ioasid_lock(core);
	err = lookup_active(core, set, id,
			    IOASID_FAULT_ATTACH_DATA_NO_OWNER, &e);
	if (!err && !ioasid_fault(core, IOASID_FAULT_ATTACH_DATA_NOOP))
		e->private = data;
	ioasid_unlock(core);
	return err;
}

/* Map spid to the ID in its owner's spid map, replacing any old spid. */
static int set_spid(struct ioasid_core *core, struct ioasid_entry *e,
		    uint32_t id, uint32_t spid)
{
	struct spid_map *map = &e->set->spids;
	int err;

	if (e->spid == spid)
		return 0;
	if (spid_map_lookup(map, &core->ids, spid) != ID_NONE &&
	    !ioasid_fault(core, IOASID_FAULT_ATTACH_SPID_DUP))
		return -EEXIST;
	/* The only step that can fail goes first: then nothing to undo. */
	err = spid_map_reserve(map, &core->ids);
	if (err)
		return err;
	/* The bug: the old spid goes on mapping to the ID. */
	if (e->spid != SIOVH_INVALID_IOASID &&
	    ioasid_fault(core, IOASID_FAULT_SPID_REPLACE_KEEPS_OLD)) {
		e->set->left_spid = e->spid;
		e->set->left_id = id;
	}
	drop_spid(core, e, id);
	e->spid = spid;
	spid_map_insert(map, &core->ids, id);
	return 0;
}

int ioasid_attach_spid(struct ioasid_core *core, struct ioasid_set *set,
		       siovh_ioasid_t id, siovh_ioasid_t spid)
{
	struct ioasid_entry *e;
	int err;

	if (!set)
		return -EINVAL;
	ioasid_lock(core);
	err = lookup_active(core, set, id,
			    IOASID_FAULT_ATTACH_SPID_NO_OWNER, &e);
	if (err)
		goto out_unlock;
	if (spid != SIOVH_INVALID_IOASID)
		err = set_spid(core, e, id, spid);
	else if (!ioasid_fault(core, IOASID_FAULT_SPID_DETACH_IGNORED))
		drop_spid(core, e, id);
out_unlock:
	ioasid_unlock(core);
	return err;
}

/* The bug of FIND_BY_SPID_ANY_SET: other live sets' spids leak in. */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static uint32_t find_spid_anywhere(struct ioasid_core *core, uint32_t spid)
{
	struct ioasid_set *set;
	uint32_t id;

	for (set = core->sets; set; set = set->next) {
		if (!set->refs)
			continue;
		id = spid_map_lookup(&set->spids, &core->ids, spid);
		if (id != ID_NONE)
			return id;
	}
	return ID_NONE;
}
/* LCOV_EXCL_STOP */

/* The bug of SPID_REPLACE_KEEPS_OLD: a replaced spid still finds its ID. */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
static uint32_t find_spid_left(struct ioasid_core *core,
			       struct ioasid_set *set, uint32_t spid)
{
	const struct ioasid_entry *e;

	if (set->left_id == ID_NONE || set->left_spid != spid)
		return ID_NONE;
	e = ioasid_entry(core, set->left_id);
	return e && e->set == set ? set->left_id : ID_NONE;
}
/* LCOV_EXCL_STOP */

int ioasid_find_by_spid(struct ioasid_core *core, struct ioasid_set *set,
			siovh_ioasid_t spid, siovh_ioasid_t *out)
{
	struct ioasid_entry *e;
	uint32_t id;
	int err = 0;

	if (!set || !out)
		return -EINVAL;
	ioasid_lock(core);
	id = spid_map_lookup(&set->spids, &core->ids, spid);
	if (id == ID_NONE &&
	    ioasid_fault(core, IOASID_FAULT_FIND_BY_SPID_ANY_SET))
		id = find_spid_anywhere(core, spid);
	if (id == ID_NONE &&
	    ioasid_fault(core, IOASID_FAULT_SPID_REPLACE_KEEPS_OLD))
		id = find_spid_left(core, set, spid);
	if (id == ID_NONE) {
		err = -ENOENT;
		goto out_unlock;
	}
	/*
	 * The map holds only this set's IDs, active or pending. Step 10 of
	 * the lifecycle: the caller gets a reference.
	 */
	e = ioasid_entry(core, id);
	err = is_pending(e) ? -EBUSY :
	      take_ref(core, e, IOASID_FAULT_FIND_BY_SPID_NO_REF);
	if (!err)
		*out = id;
out_unlock:
	ioasid_unlock(core);
	return err;
}

int ioasid_probe(struct ioasid_core *core, siovh_ioasid_t id,
		 struct siovh_ioasid_probe *out)
{
	const struct ioasid_entry *e;

	if (!out || id >= core->capacity)
		return -EINVAL;
	ioasid_lock(core);
	e = ioasid_entry(core, id);
	if (e) {
		*out = (struct siovh_ioasid_probe){
			.state = e->state,
			.refs = e->refs,
			.spid = e->spid,
			.set = (struct siovh_ioasid_set *)e->set,
			.private = e->private,
		};
	} else {
		*out = (struct siovh_ioasid_probe){
			.state = SIOVH_IOASID_STATE_FREE,
			.spid = SIOVH_INVALID_IOASID,
		};
	}
	ioasid_unlock(core);
	return 0;
}
