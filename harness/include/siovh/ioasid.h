/* SPDX-License-Identifier: MIT */
/*
 * The ioasid facet of the target API: the IOASID core of
 * 001_31fd9bc1970018d6.txt ("IOASID Set Key APIs", "IOASID API",
 * "IOASID Notifier API"), as a C API. The IOASID core has no uAPI in the
 * talks, so its C API is the facet.
 *
 * Contract (what every implementation of this facet promises; the clauses in
 * specs/ioasid/ check it):
 *
 *  - The core owns the ID space [0, capacity). A system pool of that size is
 *    shared out between sets: set_alloc reserves `quota` IDs from the pool
 *    (-ENOSPC when the pool cannot cover it), set_adjust changes the
 *    reservation (-EINVAL below the set's current ID count, -ENOSPC beyond
 *    what the pool has left).
 *  - Set types: SET_TYPE_NULL takes no token (token must be NULL), SET_TYPE_MM
 *    takes a non-NULL token identifying an address space; two live MM sets
 *    never share a token (-EEXIST). quota 0 or an unknown type is -EINVAL.
 *  - A set starts with one reference (set_get/set_put). When the last
 *    reference goes, every active ID of the set is freed as by free(), the
 *    quota returns to the pool and an MM token becomes reusable. Afterwards
 *    the handle may only be used to put references on the set's IDs that
 *    are still free-pending (their holders must be able to let go).
 *  - alloc(set, min, max) returns an ID in [min, max] that is neither active
 *    nor free-pending, with one reference held; -EINVAL for min > max or
 *    max >= capacity, -EDQUOT when the set's quota is used up (checked before
 *    anything is allocated), -ENOSPC when [min, max] has no free ID.
 *  - An ID belongs to exactly one set. Every call taking (set, id) returns
 *    -EACCES when the ID is active or pending in another set, and -ENOENT when
 *    it is neither active nor pending anywhere (IDs beyond capacity included).
 *    set == NULL is accepted by find only (-EINVAL elsewhere).
 *  - get/put take and drop references. free() drops the allocation's
 *    reference and always succeeds: the ID turns free-pending (no longer
 *    findable, get returns -EBUSY, a second free is a no-op) and is reclaimed,
 *    becoming allocatable again, only when its last reference is put. The
 *    FREE notification is sent when free() is called, so that users can drop
 *    their references. put on an ID with no references is -EINVAL. On a
 *    free-pending ID, get, find, attach_data, attach_spid, find_by_spid and
 *    notify return -EBUSY; put works.
 *  - find returns the private data of an active ID; with a getter, the getter
 *    is called on the private data under the core's lock and find fails with
 *    -EBUSY when it returns false. set == NULL searches every set.
 *  - attach_spid gives an active ID a set-private ID (spid), unique within
 *    the set (-EEXIST), SIOVH_INVALID_IOASID detaches it. find_by_spid maps a
 *    spid to the ID in that set only, and takes a reference on success.
 *  - Notifiers: per set, and per mm token (which may be registered before the
 *    set with that token exists). ALLOC and FREE are sent by the core; BIND and
 *    UNBIND by notify(). A notification goes to the union of the ID's set
 *    chain and its token's chain, ordered by priority (higher first; equal
 *    priority in registration order). Callbacks may call any ID or set
 *    operation except (un)registering notifiers. Registering the same block
 *    twice on one chain is -EEXIST; unregistering one that is not there is
 *    -ENOENT.
 *  - Every operation is thread-safe.
 */
#ifndef SIOVH_IOASID_H
#define SIOVH_IOASID_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t siovh_ioasid_t;
#define SIOVH_INVALID_IOASID ((siovh_ioasid_t)~0u)

enum siovh_ioasid_set_type {
	SIOVH_IOASID_SET_TYPE_NULL = 1,	/* no token */
	SIOVH_IOASID_SET_TYPE_MM = 2,	/* token identifies an address space */
};

enum siovh_ioasid_event {
	SIOVH_IOASID_NOTIFY_ALLOC = 1 << 0,
	SIOVH_IOASID_NOTIFY_FREE = 1 << 1,
	SIOVH_IOASID_NOTIFY_BIND = 1 << 2,
	SIOVH_IOASID_NOTIFY_UNBIND = 1 << 3,
};

/* notify() flags: which chains hear a BIND/UNBIND. */
#define SIOVH_IOASID_NOTIFY_FLAG_SET (1u << 0)
#define SIOVH_IOASID_NOTIFY_FLAG_MM (1u << 1)
#define SIOVH_IOASID_NOTIFY_FLAG_ALL \
	(SIOVH_IOASID_NOTIFY_FLAG_SET | SIOVH_IOASID_NOTIFY_FLAG_MM)

/*
 * Notifier priorities, higher first: the device stops DMA on the PASID first
 * (VDCM), then the CPU side drops its translation (KVM), then other users,
 * and the IOMMU driver tears the PASID entry down last.
 */
enum siovh_ioasid_prio {
	SIOVH_IOASID_PRIO_LAST = 0,
	SIOVH_IOASID_PRIO_DEFAULT = 1,
	SIOVH_IOASID_PRIO_CPU = 2,
	SIOVH_IOASID_PRIO_DEVICE = 3,
};

struct siovh_ioasid_set;	/* opaque, owned by the target */

struct siovh_ioasid_notification {
	enum siovh_ioasid_event event;
	siovh_ioasid_t id;
	siovh_ioasid_t spid;		/* SIOVH_INVALID_IOASID if none */
	struct siovh_ioasid_set *set;
	void *token;			/* the set's token (NULL for NULL sets) */
	void *private;			/* the ID's private data */
};

struct siovh_ioasid_nb {
	int (*call)(struct siovh_ioasid_nb *nb,
		    const struct siovh_ioasid_notification *n);
	int priority;			/* enum siovh_ioasid_prio or any int */
};

struct siovh_target;

struct siovh_ioasid_ops {
	/* Sets */
	int (*set_alloc)(struct siovh_target *t, void *token, uint32_t quota,
			 enum siovh_ioasid_set_type type,
			 struct siovh_ioasid_set **out);
	int (*set_adjust)(struct siovh_target *t, struct siovh_ioasid_set *set,
			  uint32_t quota);
	void (*set_get)(struct siovh_target *t, struct siovh_ioasid_set *set);
	void (*set_put)(struct siovh_target *t, struct siovh_ioasid_set *set);
	/* Calls fn for each active ID of the set, in no particular order. */
	int (*set_for_each)(struct siovh_target *t, struct siovh_ioasid_set *set,
			    void (*fn)(siovh_ioasid_t id, void *data), void *data);
	/* The ID space: IDs live in [0, *capacity); *avail not yet reserved. */
	int (*get_capacity)(struct siovh_target *t, uint32_t *capacity,
			    uint32_t *avail);

	/* IDs */
	int (*alloc)(struct siovh_target *t, struct siovh_ioasid_set *set,
		     siovh_ioasid_t min, siovh_ioasid_t max, void *private,
		     siovh_ioasid_t *out);
	void (*free)(struct siovh_target *t, struct siovh_ioasid_set *set,
		     siovh_ioasid_t id);
	int (*get)(struct siovh_target *t, struct siovh_ioasid_set *set,
		   siovh_ioasid_t id);
	int (*put)(struct siovh_target *t, struct siovh_ioasid_set *set,
		   siovh_ioasid_t id);
	int (*find)(struct siovh_target *t, struct siovh_ioasid_set *set,
		    siovh_ioasid_t id, bool (*getter)(void *private),
		    void **private_out);
	int (*attach_data)(struct siovh_target *t, struct siovh_ioasid_set *set,
			   siovh_ioasid_t id, void *data);
	int (*attach_spid)(struct siovh_target *t, struct siovh_ioasid_set *set,
			   siovh_ioasid_t id, siovh_ioasid_t spid);
	int (*find_by_spid)(struct siovh_target *t, struct siovh_ioasid_set *set,
			    siovh_ioasid_t spid, siovh_ioasid_t *out);

	/* Notifiers */
	int (*register_notifier)(struct siovh_target *t,
				 struct siovh_ioasid_set *set,
				 struct siovh_ioasid_nb *nb);
	int (*unregister_notifier)(struct siovh_target *t,
				   struct siovh_ioasid_set *set,
				   struct siovh_ioasid_nb *nb);
	int (*register_notifier_mm)(struct siovh_target *t, void *token,
				    struct siovh_ioasid_nb *nb);
	int (*unregister_notifier_mm)(struct siovh_target *t, void *token,
				      struct siovh_ioasid_nb *nb);
	/* BIND or UNBIND only (-EINVAL otherwise); flags: NOTIFY_FLAG_*. */
	int (*notify)(struct siovh_target *t, struct siovh_ioasid_set *set,
		      siovh_ioasid_t id, enum siovh_ioasid_event event,
		      unsigned int flags);
};

#endif /* SIOVH_IOASID_H */
