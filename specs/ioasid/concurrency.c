/* SPDX-License-Identifier: MIT */
/*
 * IOASID.CONC: the core used from several threads at once (the facet's
 * contract: every operation is thread-safe). Threads fight over a narrow
 * range so that a lock dropped anywhere between search and claim shows up
 * as one ID handed to two threads.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "common.h"

#define CONC_THREADS	4
#define CONC_SPAN	16
#define CONC_ROUNDS	3000

struct conc {
	struct siovh_target *t;
	struct siovh_ioasid_set *set;
	siovh_ioasid_t base;
	siovh_ioasid_t id;		/* the shared ID of the ref tests */
	atomic_int owner[CONC_SPAN];	/* 0 or the owning thread + 1 */
	atomic_int duplicates;
	atomic_int outside;
	atomic_int errors;
	atomic_int last_err;
	atomic_int allocs;
};

struct worker {
	struct conc *c;
	int index;
	pthread_t thread;
};

static void conc_error(struct conc *c, int err)
{
	atomic_fetch_add(&c->errors, 1);
	atomic_store(&c->last_err, err);
}

/* Alloc in the shared range, own the ID for a moment, give it back. */
static void *alloc_free_worker(void *arg)
{
	struct worker *w = arg;
	struct conc *c = w->c;
	struct siovh_target *t = c->t;
	int i;

	for (i = 0; i < CONC_ROUNDS; i++) {
		siovh_ioasid_t id = SIOVH_INVALID_IOASID;
		int expected = 0, err;

		err = t->ioasid->alloc(t, c->set, c->base,
				       c->base + CONC_SPAN - 1, NULL, &id);
		if (err == -ENOSPC)
			continue;
		if (err) {
			conc_error(c, err);
			continue;
		}
		atomic_fetch_add(&c->allocs, 1);
		if (id < c->base || id >= c->base + CONC_SPAN) {
			atomic_fetch_add(&c->outside, 1);
			continue;
		}
		if (!atomic_compare_exchange_strong(&c->owner[id - c->base],
						    &expected, w->index + 1)) {
			atomic_fetch_add(&c->duplicates, 1);
			continue;
		}
		/* Hold it across a yield, then release before free. */
		sched_yield();
		atomic_store(&c->owner[id - c->base], 0);
		t->ioasid->free(t, c->set, id);
	}
	return NULL;
}

static void run_workers(struct siovh_check *check, struct conc *c,
			void *(*fn)(void *))
{
	struct worker w[CONC_THREADS];
	int i, started = 0;

	for (i = 0; i < CONC_THREADS; i++) {
		w[i].c = c;
		w[i].index = i;
		if (pthread_create(&w[i].thread, NULL, fn, &w[i])) {
			FAIL("pthread_create failed for worker %d", i);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
}

static void conc_setup(struct siovh_check *check, struct conc *c,
		       uint32_t quota)
{
	memset(c, 0, sizeof(*c));
	c->t = siovh_check_target(check);
	c->set = new_set(check, quota);
	c->base = mid_id(check);
}

/* For the reference counting clauses: one shared ID, refs 1. */
static void conc_setup_shared(struct siovh_check *check, struct conc *c)
{
	conc_setup(check, c, 4);
	c->id = new_id(check, c->set, c->base, c->base, NULL);
}

/* No worker met an unexpected error; the last one is noted if some did. */
static void expect_no_errors(struct siovh_check *check, struct conc *c)
{
	int errors = atomic_load(&c->errors);

	if (!EXPECT_EQ(errors, 0))
		siovh_note(check, "last unexpected error %d",
			   atomic_load(&c->last_err));
}

SIOVH_CLAUSE(conc_no_duplicates,
	.id = "IOASID.CONC.1", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "concurrent alloc and free from 4 threads never hand out a live ID twice, nor one outside [min, max]",
	.source = "derived: the facet's contract, every operation is thread-safe",
	.needs = NEEDS_IOASID | SIOVH_FEAT_IOASID_THREADS,
	.timeout_ms = 60000)
{
	int duplicates, outside, allocs;
	struct conc c;

	conc_setup(check, &c, 64);
	run_workers(check, &c, alloc_free_worker);
	duplicates = atomic_load(&c.duplicates);
	outside = atomic_load(&c.outside);
	allocs = atomic_load(&c.allocs);
	siovh_note(check, "%d allocations by %d threads in %u IDs", allocs,
		   CONC_THREADS, CONC_SPAN);
	EXPECT_EQ(duplicates, 0);
	EXPECT_EQ(outside, 0);
	expect_no_errors(check, &c);
	EXPECT_GT(allocs, 0);
}

SIOVH_CLAUSE(conc_nothing_lost,
	.id = "IOASID.CONC.2", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "after concurrent alloc and free nothing is lost: every ID of the range and of the quota can be allocated again",
	.source = "derived: the facet's contract, every operation is thread-safe",
	.needs = NEEDS_IOASID | SIOVH_FEAT_IOASID_THREADS,
	.timeout_ms = 60000)
{
	struct siovh_target *t = siovh_check_target(check);
	siovh_ioasid_t id;
	struct conc c;
	int i;

	/* Quota == span: a single ID still counted would show. */
	conc_setup(check, &c, CONC_SPAN);
	run_workers(check, &c, alloc_free_worker);
	for (i = 0; i < CONC_SPAN; i++) {
		if (!EXPECT_OK(t->ioasid->alloc(t, c.set, c.base,
						c.base + CONC_SPAN - 1, NULL,
						&id))) {
			siovh_note(check, "only %d of %u IDs allocatable", i,
				   CONC_SPAN);
			break;
		}
	}
	EXPECT_ERRNO(t->ioasid->alloc(t, c.set, 0, capacity_of(check) - 1,
				      NULL, &id),
		     -EDQUOT);
}

/* get/put pairs on the shared ID; each worker keeps one reference. */
static void *get_put_worker(void *arg)
{
	struct worker *w = arg;
	struct conc *c = w->c;
	struct siovh_target *t = c->t;
	int i, err;

	for (i = 0; i < CONC_ROUNDS; i++) {
		err = t->ioasid->get(t, c->set, c->id);
		if (!err)
			err = t->ioasid->put(t, c->set, c->id);
		if (err)
			conc_error(c, err);
	}
	err = t->ioasid->get(t, c->set, c->id);
	if (err)
		conc_error(c, err);
	return NULL;
}

SIOVH_CLAUSE(conc_refs_exact,
	.id = "IOASID.CONC.3", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "concurrent get/put pairs from 4 threads keep an ID's reference count exact",
	.source = "derived: the facet's contract, every operation is thread-safe",
	.needs = NEEDS_PROBE | SIOVH_FEAT_IOASID_THREADS,
	.timeout_ms = 60000)
{
	struct conc c;

	conc_setup_shared(check, &c);
	run_workers(check, &c, get_put_worker);
	expect_no_errors(check, &c);
	EXPECT_EQ(refs_of(check, c.id), 1 + CONC_THREADS);
}

/* find_by_spid (a reference) then put, as many VDCMs translating at once. */
static void *spid_worker(void *arg)
{
	struct worker *w = arg;
	struct conc *c = w->c;
	struct siovh_target *t = c->t;
	siovh_ioasid_t got;
	int i, err;

	for (i = 0; i < CONC_ROUNDS; i++) {
		got = SIOVH_INVALID_IOASID;
		err = t->ioasid->find_by_spid(t, c->set, 9, &got);
		if (!err && got != c->id)
			err = -ERANGE;
		if (!err)
			err = t->ioasid->put(t, c->set, c->id);
		if (err)
			conc_error(c, err);
	}
	return NULL;
}

SIOVH_CLAUSE(conc_find_by_spid,
	.id = "IOASID.CONC.4", .level = SIOVH_MUST, .facet = "ioasid",
	.title = "concurrent find_by_spid/put pairs from 4 threads all succeed and leave the count where it was",
	.source = "derived: the facet's contract, every operation is thread-safe",
	.needs = NEEDS_PROBE | SIOVH_FEAT_IOASID_THREADS,
	.timeout_ms = 60000)
{
	struct siovh_target *t = siovh_check_target(check);
	struct conc c;

	conc_setup_shared(check, &c);
	ASSERT_OK(t->ioasid->attach_spid(t, c.set, c.id, 9));
	run_workers(check, &c, spid_worker);
	expect_no_errors(check, &c);
	EXPECT_EQ(refs_of(check, c.id), 1);
}
