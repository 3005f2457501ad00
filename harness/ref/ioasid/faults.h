/* SPDX-License-Identifier: MIT */
/*
 * Injected faults of the reference IOASID core (DESIGN.md, "Fault").
 *
 * Each fault is one plausible implementation bug, switched on for a whole
 * core by ioasid_core_create(capacity, fault) and tested at the one place it
 * lives by `if (ioasid_fault(core, IOASID_FAULT_X))`. Every clause of
 * specs/ioasid must be failed by at least one of them, and every one of them
 * is observable through the ioasid or test facet.
 *
 * The list is the single source of truth: it makes the enum below, and the
 * ref backend makes its fault table (name "ioasid-<name>") from it.
 *
 *	X(CODE, "name", "the bug, in one line")
 */
#ifndef IOASID_FAULTS_H
#define IOASID_FAULTS_H

#define IOASID_FAULT_LIST(X)						\
	/* Sets and the pool */						\
	X(SET_ALLOC_IGNORES_POOL, "set-alloc-ignores-pool",		\
	  "set_alloc reserves a quota larger than the pool has left")	\
	X(SET_ALLOC_QUOTA_ZERO, "set-alloc-quota-zero",			\
	  "set_alloc accepts a quota of 0")				\
	X(SET_ALLOC_ANY_TYPE, "set-alloc-any-type",			\
	  "set_alloc accepts an unknown set type")			\
	X(MM_NULL_TOKEN, "mm-null-token",				\
	  "set_alloc accepts an MM set without a token")		\
	X(NULL_SET_TOKEN, "null-set-token",				\
	  "set_alloc accepts a token for a NULL-type set")		\
	X(MM_DUP_TOKEN, "mm-dup-token",					\
	  "set_alloc accepts a second live MM set with the same token")	\
	X(ADJUST_BELOW_COUNT, "adjust-below-count",			\
	  "set_adjust lowers the quota below the set's ID count")	\
	X(ADJUST_IGNORES_POOL, "adjust-ignores-pool",			\
	  "set_adjust raises the quota beyond what the pool has left")	\
	X(ADJUST_KEEPS_RESERVE, "adjust-keeps-reserve",			\
	  "set_adjust to a lower quota keeps the old one reserved")	\
	X(SET_GET_NOOP, "set-get-noop",					\
	  "set_get takes no reference: the set dies one put early")	\
	X(SET_PUT_LEAVES_IDS, "set-put-leaves-ids",			\
	  "the last set_put leaves the set's IDs active")		\
	X(SET_PUT_KEEPS_QUOTA, "set-put-keeps-quota",			\
	  "the last set_put does not return the quota to the pool")	\
	X(SET_PUT_SILENT, "set-put-silent",				\
	  "the last set_put frees the set's IDs without FREE events")	\
	X(FOR_EACH_PENDING, "for-each-pending",				\
	  "set_for_each also reports free-pending IDs")			\
	X(FOR_EACH_SKIPS_ONE, "for-each-skips-one",			\
	  "set_for_each skips the set's most recent ID")		\
	X(FOR_EACH_STALE, "for-each-stale",				\
	  "set_for_each reports IDs its callback freed before their turn") \
	X(CAPACITY_IGNORES_RESERVED, "capacity-ignores-reserved",	\
	  "get_capacity reports the whole ID space as available")	\
	/* Allocation */						\
	X(QUOTA_OFF_BY_ONE, "quota-off-by-one",				\
	  "alloc hands out quota + 1 IDs")				\
	X(QUOTA_NOT_RETURNED, "quota-not-returned",			\
	  "a reclaimed ID still counts against its set's quota")	\
	X(ALLOC_IGNORES_MIN, "alloc-ignores-min",			\
	  "alloc searches from 0, returning IDs below min")		\
	X(ALLOC_IGNORES_MAX, "alloc-ignores-max",			\
	  "alloc searches to the end of the space, past max")		\
	X(ALLOC_ACCEPTS_CAPACITY, "alloc-accepts-capacity",		\
	  "alloc accepts max == capacity (off by one)")			\
	X(ALLOC_MIN_GT_MAX, "alloc-min-gt-max",				\
	  "alloc with min > max is -ENOSPC instead of -EINVAL")		\
	X(ALLOC_RACE, "alloc-race",					\
	  "alloc drops the lock between search and claim: duplicates")	\
	X(PENDING_REALLOCATED, "pending-reallocated",			\
	  "free() releases the ID number at once, while still pending")	\
	X(ALLOC_REFS_ZERO, "alloc-refs-zero",				\
	  "a new ID starts with no reference instead of one")		\
	/* References */						\
	X(FREE_IGNORES_REFS, "free-ignores-refs",			\
	  "free() reclaims at once although references remain")		\
	X(DOUBLE_FREE_DROPS_REF, "double-free-drops-ref",		\
	  "a second free() of a pending ID drops another reference")	\
	X(PUT_UNDERFLOW, "put-underflow",				\
	  "put on an ID with no references succeeds and wraps")		\
	X(GET_ON_PENDING, "get-on-pending",				\
	  "get on a free-pending ID succeeds")				\
	X(GET_NO_INC, "get-no-inc",					\
	  "get succeeds without taking a reference")			\
	X(PUT_NO_DEC, "put-no-dec",					\
	  "put succeeds without dropping a reference")			\
	X(GET_PUT_NO_OWNER, "get-put-no-owner",				\
	  "get and put work on another set's ID")			\
	X(FREE_NO_OWNER, "free-no-owner",				\
	  "free() through another set frees its ID")			\
	/* find and private data */					\
	X(FIND_PENDING, "find-pending",					\
	  "find returns a free-pending ID")				\
	X(PENDING_ENOENT, "pending-enoent",				\
	  "find on a free-pending ID is -ENOENT instead of -EBUSY")	\
	X(FIND_NO_OWNER, "find-no-owner",				\
	  "find returns another set's ID")				\
	X(FIND_IGNORES_GETTER, "find-ignores-getter",			\
	  "find succeeds although the getter returned false")		\
	X(FIND_SKIPS_GETTER, "find-skips-getter",			\
	  "find never calls the getter")				\
	X(GETTER_CALLED_TWICE, "getter-called-twice",			\
	  "find calls the getter twice")				\
	X(ATTACH_DATA_NOOP, "attach-data-noop",				\
	  "attach_data succeeds but keeps the old private data")	\
	X(ATTACH_DATA_NO_OWNER, "attach-data-no-owner",			\
	  "attach_data works on another set's ID")			\
	X(ATTACH_PENDING, "attach-pending",				\
	  "attach_data and attach_spid change a free-pending ID")	\
	/* Set-private IDs */						\
	X(ATTACH_SPID_DUP, "attach-spid-dup",				\
	  "attach_spid maps one spid to two IDs of a set")		\
	X(ATTACH_SPID_NO_OWNER, "attach-spid-no-owner",			\
	  "attach_spid works on another set's ID")			\
	X(SPID_STALE, "spid-stale",					\
	  "a reclaimed ID keeps its spid mapping")			\
	X(SPID_DETACH_IGNORED, "spid-detach-ignored",			\
	  "attach_spid(INVALID) keeps the old spid")			\
	X(SPID_REPLACE_KEEPS_OLD, "spid-replace-keeps-old",		\
	  "attaching a new spid leaves the old one mapped too")		\
	X(FIND_BY_SPID_NO_REF, "find-by-spid-no-ref",			\
	  "find_by_spid takes no reference")				\
	X(FIND_BY_SPID_ANY_SET, "find-by-spid-any-set",			\
	  "find_by_spid falls back to other sets' spids")		\
	/* Notifiers */							\
	X(NOTIFY_PRIO_INVERTED, "notify-prio-inverted",			\
	  "notifiers are called lowest priority first")			\
	X(NOTIFY_EQUAL_LIFO, "notify-equal-lifo",			\
	  "equal-priority notifiers are called newest first")		\
	X(NOTIFY_NO_MM_CHAIN, "notify-no-mm-chain",			\
	  "events never reach the mm token's chain")			\
	X(NOTIFY_NO_SET_CHAIN, "notify-no-set-chain",			\
	  "events never reach the set's chain")				\
	X(MM_EARLY_NOT_ATTACHED, "mm-early-not-attached",		\
	  "a set does not hear mm notifiers registered before it")	\
	X(FREE_NOTIFIED_LATE, "free-notified-late",			\
	  "FREE is sent at reclaim instead of when free() is called")	\
	X(NO_ALLOC_NOTIFY, "no-alloc-notify",				\
	  "alloc sends no ALLOC event")					\
	X(NOTIFY_FLAGS_IGNORED, "notify-flags-ignored",			\
	  "notify(FLAG_SET) also reaches the mm chain")			\
	X(NOTIFY_ACCEPTS_ALLOC, "notify-accepts-alloc",			\
	  "notify() accepts and sends an ALLOC event")			\
	X(NOTIFY_NO_OWNER, "notify-no-owner",				\
	  "notify() works on another set's ID")				\
	X(NOTIFY_PENDING, "notify-pending",				\
	  "notify() on a free-pending ID delivers instead of -EBUSY")	\
	X(UNREGISTER_NOOP, "unregister-noop",				\
	  "unregister succeeds but the notifier stays registered")	\
	X(REGISTER_DUP, "register-dup",					\
	  "registering a block twice on one chain succeeds")		\
	X(NULL_SET_ANY, "null-set-any",					\
	  "get and put with set == NULL reach any set's ID")		\
	X(SET_PUT_REFREES_PENDING, "set-put-refrees-pending",		\
	  "the last set_put frees its free-pending IDs again: a second FREE, the holder's reference dropped") \
	X(ALLOC_ENOMEM_LOSES_ID, "alloc-enomem-loses-id",		\
	  "alloc marks the ID used before its entry exists and leaves it so when that allocation fails") \
	X(FREE_RECOUNTS_RECLAIMED, "free-recounts-reclaimed",		\
	  "free() takes an ID that a FREE listener's puts reclaimed off its set's ID count a second time")

enum ioasid_fault {
	IOASID_FAULT_NONE = 0,
#define IOASID_FAULT_ENUM(code, name, summary) IOASID_FAULT_##code,
	IOASID_FAULT_LIST(IOASID_FAULT_ENUM)
#undef IOASID_FAULT_ENUM
	IOASID_FAULT_COUNT
};

#endif /* IOASID_FAULTS_H */
