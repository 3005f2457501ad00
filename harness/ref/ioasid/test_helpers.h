/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the IOASID unit tests: probes, and a notifier block
 * that logs what it hears and may act on it.
 */
#ifndef IOASID_TEST_HELPERS_H
#define IOASID_TEST_HELPERS_H

#include "ioasid.h"
#include "harness/ref/tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define INVALID SIOVH_INVALID_IOASID

static inline struct ioasid_core *new_core(uint32_t capacity)
{
	return ioasid_core_create(capacity, IOASID_FAULT_NONE);
}

static inline struct siovh_ioasid_probe probe(struct ioasid_core *core,
					       uint32_t id)
{
	struct siovh_ioasid_probe p = { .state = 99 };

	ioasid_probe(core, id, &p);
	return p;
}

static inline uint32_t refs(struct ioasid_core *core, uint32_t id)
{
	return probe(core, id).refs;
}

static inline enum siovh_ioasid_state state(struct ioasid_core *core,
					     uint32_t id)
{
	return probe(core, id).state;
}

/* A notifier that logs what it hears, and may act on it. */
struct log {
	int n;
	int who[64];
	enum siovh_ioasid_event event[64];
	uint32_t id[64];
	uint32_t spid[64];
};

struct rec {
	struct siovh_ioasid_nb nb;	/* first: the callback casts back */
	int who;
	struct log *log;
	struct ioasid_core *core;
	void (*act)(struct rec *r, const struct siovh_ioasid_notification *n);
};

static inline int rec_call(struct siovh_ioasid_nb *nb,
			   const struct siovh_ioasid_notification *n)
{
	struct rec *r = (struct rec *)nb;
	struct log *log = r->log;

	if (log->n < 64) {
		log->who[log->n] = r->who;
		log->event[log->n] = n->event;
		log->id[log->n] = n->id;
		log->spid[log->n] = n->spid;
		log->n++;
	}
	if (r->act)
		r->act(r, n);
	return 0;
}

#define REC(w, prio, lg) \
	{ .nb = { rec_call, (prio) }, .who = (w), .log = (lg) }

static inline void expect_log(struct log *log, const int *who, int n,
			      int line)
{
	int i;

	if (log->n != n) {
		tap_fail(__FILE__, line, "expected %d notifications, got %d",
			 n, log->n);
		return;
	}
	for (i = 0; i < n; i++) {
		if (log->who[i] != who[i])
			tap_fail(__FILE__, line,
				 "notification %d: expected notifier %d, "
				 "got %d",
				 i, who[i], log->who[i]);
	}
}

#define EXPECT_LOG(log, ...) do {					\
	static const int who_[] = { __VA_ARGS__ };			\
	expect_log(log, who_, (int)ARRAY_SIZE(who_), __LINE__);		\
} while (0)

#endif /* IOASID_TEST_HELPERS_H */
