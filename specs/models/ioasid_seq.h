/* SPDX-License-Identifier: MIT */
/*
 * Internals of the IOASID sequence engine (public API: siovh/model.h),
 * shared by ioasid_seq.c (engine, comparison, teardown) and
 * ioasid_seq_ops.c (one function per operation).
 */
#ifndef SIOVH_SPECS_IOASID_SEQ_H
#define SIOVH_SPECS_IOASID_SEQ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siovh/model.h"
#include "ioasid_model.h"
#include "seq_report.h"

#define SEQ_KNOWN	32		/* IDs the ID selector draws from */
#define SEQ_LINE	192		/* one trace line */
#define SEQ_REPORT	4096

/*
 * An engine notifier block. Chains it is on: bit i < SEQ_SETS is the set
 * chain of slot i, bit SEQ_SETS + j the mm chain of token j.
 */
struct seq_nb {
	struct siovh_ioasid_nb nb;	/* what the target sees */
	struct siovh_ioasid_seq *s;
	char name[8];			/* "S0" (slot recorder), "M1", "N2" */
	uint32_t chains;
};

struct seq_slot {
	struct siovh_ioasid_set *set;	/* NULL: empty */
	int mset;			/* the model's index of the set */
	struct seq_nb rec;		/* recorder on the set's chain */
};

/* One notification one engine block received. */
struct seq_got {
	const struct seq_nb *nb;
	struct siovh_ioasid_notification n;
};

struct siovh_ioasid_seq {
	struct siovh_target *t;
	struct siovh_ioasid_seq_config cfg;
	uint32_t capacity;
	uint32_t avail0;		/* pool at open: each run must restore it */
	bool probe;			/* the test facet is usable */

	struct ioasid_model m;
	struct seq_slot slots[SIOVH_IOASID_SEQ_SETS];
	struct siovh_ioasid_set **handles; /* by model set index */
	size_t handles_cap;

	struct seq_nb mmrec[SIOVH_IOASID_SEQ_TOKENS];
	struct seq_nb nbs[SIOVH_IOASID_SEQ_NBS];
	char tokens[SIOVH_IOASID_SEQ_TOKENS];
	char privs[SIOVH_IOASID_SEQ_PRIVS];

	siovh_ioasid_t known[SEQ_KNOWN];
	size_t nr_known, known_next;

	struct seq_got *got;
	size_t nr_got, got_cap;
	bool got_oom;

	siovh_ioasid_t *visit;		/* set_for_each's IDs */
	size_t nr_visit, visit_cap;
	bool visit_oom;

	void (*ckpt)(void *data);	/* after the last op, or NULL */
	void *ckpt_data;

	struct seq_trace tr;		/* step, call, report; ring trace */
	char trace[SIOVH_IOASID_SEQ_TRACE][SEQ_LINE];
};

/* ioasid_seq.c: bookkeeping and comparison, false after a divergence. */
__attribute__((format(printf, 2, 3)))
void seq_begin(struct siovh_ioasid_seq *s, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void seq_result(struct siovh_ioasid_seq *s, const char *fmt, ...);
#define seq_diverge(s, ...)	seq_trace_diverge(&(s)->tr, __VA_ARGS__)
bool seq_cmp_ret(struct siovh_ioasid_seq *s, const char *what, int got,
		 int want);
bool seq_check_events(struct siovh_ioasid_seq *s);
bool seq_check_id(struct siovh_ioasid_seq *s, siovh_ioasid_t id);
bool seq_check_set(struct siovh_ioasid_seq *s, unsigned int slot);
bool seq_check_pool(struct siovh_ioasid_seq *s);
void seq_known_add(struct siovh_ioasid_seq *s, siovh_ioasid_t id);
void *seq_priv(struct siovh_ioasid_seq *s, unsigned int priv);
unsigned int seq_priv_index(const struct siovh_ioasid_seq *s, const void *p);
bool seq_handle_set(struct siovh_ioasid_seq *s, int mset,
		    struct siovh_ioasid_set *set);

/* ioasid_seq_ops.c */
bool seq_exec(struct siovh_ioasid_seq *s, const struct siovh_ioasid_op *op);
bool seq_set_put(struct siovh_ioasid_seq *s, unsigned int slot);
bool seq_unregister(struct siovh_ioasid_seq *s, struct seq_nb *nb, bool mm,
		    unsigned int where);
bool seq_register(struct siovh_ioasid_seq *s, struct seq_nb *nb, bool mm,
		  unsigned int where, int priority);
int seq_live_slot(const struct siovh_ioasid_seq *s, unsigned int slot);

#endif /* SIOVH_SPECS_IOASID_SEQ_H */
