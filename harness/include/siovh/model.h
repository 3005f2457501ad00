/* SPDX-License-Identifier: MIT */
/*
 * Model-based sequences (DESIGN.md, "Model"): the same operations run on a
 * target's facet and on an abstract model, compared after every step. Checks
 * drive the engine with fixed seeds; fuzzers drive it with their bytes.
 *
 * IOASID sequences. A byte buffer decodes into operations on the ioasid
 * facet, SIOVH_IOASID_OP_BYTES bytes per operation (a trailing partial
 * operation is ignored), so that every buffer is a valid sequence:
 *
 *	bytes --decode--> struct siovh_ioasid_op --run--> target + model
 *
 * Operands are small selectors, not raw values, so that random bytes produce
 * meaningful sequences: a set is one of a few slots, an ID is one the
 * sequence has seen (or a window ID, or an edge: 0, capacity - 1, capacity,
 * SIOVH_INVALID_IOASID), ranges and quotas come from short tables. Slots and
 * IDs are resolved when the operation runs; the trace shows the resolved
 * call and its result.
 *
 * After each operation the engine compares: the return value (or -errno;
 * where the contract leaves the errno open any failure will do, and where
 * a call changes nothing either way any result); the returned ID (inside
 * [min, max], neither active nor pending); private data from find; the
 * notifications every engine notifier block received
 * (block, event, ID, spid, set, token, private, in delivery order); the
 * visited IDs of set_for_each; the pool from get_capacity; and, when the
 * target has SIOVH_FEAT_TEST_IOASID, the probed state, references, spid,
 * set and private data of the touched ID and the quota, ID count and
 * references of the touched set. The first difference ends the sequence
 * with a report naming the step, what differed, and the last operations.
 *
 * Every sequence starts from an empty target (no sets, no engine notifiers
 * except one per mm token, registered before any set with that token
 * exists) and ends with a teardown that is itself compared: outstanding
 * references are put, sets are put until they die, mm notifiers are
 * unregistered, and the pool must be whole again.
 *
 * Notifier callbacks of the engine only record; they call nothing.
 */
#ifndef SIOVH_MODEL_H
#define SIOVH_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target.h"

#define SIOVH_IOASID_OP_BYTES	4	/* bytes per decoded operation */
#define SIOVH_IOASID_SEQ_SETS	4	/* set slots */
#define SIOVH_IOASID_SEQ_TOKENS	3	/* mm tokens */
#define SIOVH_IOASID_SEQ_NBS	4	/* free-floating notifier blocks */
#define SIOVH_IOASID_SEQ_PRIVS	4	/* private-data values; 0 is NULL */
#define SIOVH_IOASID_SEQ_SPIDS	15	/* spids 0..14; selector 15 detaches */
#define SIOVH_IOASID_SEQ_TRACE	10	/* operations kept for the report */

enum siovh_ioasid_op_kind {
	SIOVH_IOASID_OP_SET_ALLOC,
	SIOVH_IOASID_OP_SET_ADJUST,
	SIOVH_IOASID_OP_SET_GET,
	SIOVH_IOASID_OP_SET_PUT,
	SIOVH_IOASID_OP_FOR_EACH,
	SIOVH_IOASID_OP_CAPACITY,
	SIOVH_IOASID_OP_ALLOC,
	SIOVH_IOASID_OP_FREE,
	SIOVH_IOASID_OP_GET,
	SIOVH_IOASID_OP_PUT,
	SIOVH_IOASID_OP_FIND,
	SIOVH_IOASID_OP_ATTACH_DATA,
	SIOVH_IOASID_OP_ATTACH_SPID,
	SIOVH_IOASID_OP_FIND_BY_SPID,
	SIOVH_IOASID_OP_NOTIFY,
	SIOVH_IOASID_OP_REGISTER,
	SIOVH_IOASID_OP_UNREGISTER,
	SIOVH_IOASID_OP_NR
};

/* How an operation names its set. */
enum siovh_ioasid_op_setsel {
	SIOVH_IOASID_SETSEL_OWNER,	/* the set owning the ID, else the slot */
	SIOVH_IOASID_SETSEL_SLOT,	/* the slot, whoever owns the ID */
	SIOVH_IOASID_SETSEL_NULL,	/* NULL (find only) */
};

/* How set_alloc forms its (type, token). */
enum siovh_ioasid_op_setkind {
	SIOVH_IOASID_SETKIND_NULL,	/* NULL type, no token */
	SIOVH_IOASID_SETKIND_MM,	/* MM type, token slot */
	SIOVH_IOASID_SETKIND_NULL_TOKEN, /* NULL type with a token: -EINVAL */
	SIOVH_IOASID_SETKIND_MM_NOTOKEN, /* MM type without token: -EINVAL */
	SIOVH_IOASID_SETKIND_BADTYPE,	/* unknown type: -EINVAL */
};

/* Quotas are named, the engine turns them into numbers when it runs. */
enum siovh_ioasid_op_quota {
	SIOVH_IOASID_QUOTA_SMALL,	/* 1 + arg % max_quota */
	SIOVH_IOASID_QUOTA_ZERO,
	SIOVH_IOASID_QUOTA_COUNT,	/* the set's ID count (adjust) */
	SIOVH_IOASID_QUOTA_BELOW,	/* ID count - 1 (adjust) */
	SIOVH_IOASID_QUOTA_POOL,	/* everything the pool has left */
	SIOVH_IOASID_QUOTA_BEYOND,	/* one more than the pool has left */
};

/* Ranges: within the window, or one of a few edges. */
enum siovh_ioasid_op_range {
	SIOVH_IOASID_RANGE_WINDOW,	/* [base + lo, base + lo + len] */
	SIOVH_IOASID_RANGE_ZERO,	/* [0, 0] */
	SIOVH_IOASID_RANGE_TOP,		/* [capacity - 1, capacity - 1] */
	SIOVH_IOASID_RANGE_FULL,	/* [0, capacity - 1] */
	SIOVH_IOASID_RANGE_REVERSED,	/* min > max: -EINVAL */
	SIOVH_IOASID_RANGE_BEYOND,	/* max == capacity: -EINVAL */
};

/* IDs: one the sequence has seen, or a fixed one. */
enum siovh_ioasid_op_idsel {
	SIOVH_IOASID_IDSEL_KNOWN,	/* known[arg % nr_known] */
	SIOVH_IOASID_IDSEL_WINDOW,	/* base + arg % span */
	SIOVH_IOASID_IDSEL_ZERO,
	SIOVH_IOASID_IDSEL_TOP,		/* capacity - 1 */
	SIOVH_IOASID_IDSEL_CAPACITY,	/* capacity: never allocated */
	SIOVH_IOASID_IDSEL_INVALID,	/* SIOVH_INVALID_IOASID */
};

/* One decoded operation; which fields matter depends on kind. */
struct siovh_ioasid_op {
	enum siovh_ioasid_op_kind kind;
	unsigned int slot;		/* set slot */
	enum siovh_ioasid_op_setsel setsel;
	enum siovh_ioasid_op_setkind setkind;
	unsigned int token;		/* token slot (set_alloc, mm chains) */
	enum siovh_ioasid_op_quota quota;
	unsigned int quota_arg;
	enum siovh_ioasid_op_range range;
	unsigned int lo, len;		/* RANGE_WINDOW */
	enum siovh_ioasid_op_idsel idsel;
	unsigned int id_arg;
	unsigned int priv;		/* 0: NULL, else private slot */
	int getter;			/* 0 none, 1 true, 2 false (find) */
	unsigned int spid;		/* < SEQ_SPIDS a spid, else detach */
	uint32_t event;			/* notify: any value, also bad ones */
	unsigned int flags;		/* notify flags, also bad ones */
	bool mm;			/* (un)register: mm chain of token */
	unsigned int nb;		/* (un)register: block slot */
	int priority;
};

/* Decode SIOVH_IOASID_OP_BYTES bytes; every byte pattern is an op. */
void siovh_ioasid_op_decode(const uint8_t bytes[SIOVH_IOASID_OP_BYTES],
			    struct siovh_ioasid_op *op);
/* The op as text, before resolution ("alloc S1 window+3..+7 P2"). */
int siovh_ioasid_op_format(const struct siovh_ioasid_op *op, char *buf,
			   size_t len);

struct siovh_ioasid_seq_config {
	siovh_ioasid_t base;		/* first ID of the window */
	uint32_t span;			/* window size, 1..256 */
	uint32_t max_quota;		/* largest SMALL quota, >= 1 */
	unsigned int nr_sets;		/* slots in use, 1..SIOVH_IOASID_SEQ_SETS */
	bool no_probe;			/* ignore the test facet */
};

struct siovh_ioasid_seq;

/*
 * An engine on target t, whose ioasid facet must be in its initial state
 * with respect to anything the engine touches. cfg may be NULL for the
 * defaults (window [capacity / 2, +32), quota up to 8, 4 sets).
 * 0 or -errno (-EOPNOTSUPP without an ioasid facet).
 */
int siovh_ioasid_seq_open(struct siovh_target *t,
			  const struct siovh_ioasid_seq_config *cfg,
			  struct siovh_ioasid_seq **out);
void siovh_ioasid_seq_close(struct siovh_ioasid_seq *s);

/*
 * Run one sequence: decode buf, run and compare every op, then tear down.
 * 0 when target and model agreed throughout; 1 on the first divergence
 * (siovh_ioasid_seq_report() says where and why); -errno when the engine
 * itself failed. After a divergence the engine cannot be used again: the
 * target's state is unknown.
 */
int siovh_ioasid_seq_run(struct siovh_ioasid_seq *s, const uint8_t *buf,
			 size_t len);
/* The divergence report of the last run ("" when none). */
const char *siovh_ioasid_seq_report(const struct siovh_ioasid_seq *s);
/* Operations run (including teardown) by the engine so far. */
uint64_t siovh_ioasid_seq_ops(const struct siovh_ioasid_seq *s);
/*
 * Hand every finished trace line ("#12 alloc(S1, [8, 9], P2) -> 0, ID 9")
 * to fn as well, for replaying a reproducer step by step; NULL stops it.
 */
void siovh_ioasid_seq_trace(struct siovh_ioasid_seq *s,
			    void (*fn)(const char *line, void *data),
			    void *data);
/*
 * Call fn once per run, after the last operation decoded from buf and
 * before the teardown undoes what they left: where a driver checks the
 * whole state of the operations (a fuzz target's invariant sweep) without
 * doing so after every step. NULL stops it.
 */
void siovh_ioasid_seq_checkpoint(struct siovh_ioasid_seq *s,
				 void (*fn)(void *data), void *data);

/* Fill buf from a seed (splitmix64): the same seed, the same bytes. */
void siovh_seq_fill(uint64_t seed, uint8_t *buf, size_t len);
/* splitmix64 step: the seeded generator behind siovh_seq_fill(). */
uint64_t siovh_seq_next(uint64_t *state);

#endif /* SIOVH_MODEL_H */
