/* SPDX-License-Identifier: MIT */
/*
 * The page request model (DESIGN.md, "Model"): the abstract state of a
 * VDEV's page request groups as a fault queue's user sees them, per the
 * contracts of the reference IOMMU's page request queue, of /dev/iommu's
 * fault queues (linux/iommufd.h, IOMMU_FAULT_QUEUE_ALLOC) and of the
 * device side of PRI (PCIe 10.4):
 *
 *  - queue q runs one block-on-fault descriptor at a time on guest page
 *    `page`; a page not present makes it wait in a new group (one request,
 *    the group's last) which the fault queue holds unread, in order;
 *  - a read hands out the oldest unread groups, each with a cookie that no
 *    other read, unanswered group has;
 *  - a response names a read, unanswered group by cookie (else -EINVAL and
 *    nothing happens); SUCCESS (the page made present first) lets the
 *    descriptor complete with success, INVALID with a page fault;
 *  - a queue reset ends a wait without success (the descriptor completes
 *    with a page fault or not at all); the group stays, an orphan whose
 *    response reaches nobody;
 *  - replacing the fault queue (a new one in, the old destroyed) completes
 *    every waiting descriptor with a page fault and forgets every group.
 *
 * Pure C, no I/O: the sequence engine (prq_seq.h) is its only user besides
 * its unit test.
 */
#ifndef SIOVH_SPECS_PRQ_MODEL_H
#define SIOVH_SPECS_PRQ_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define PRQ_MODEL_QUEUES	4
#define PRQ_MODEL_PAGES		4
#define PRQ_MODEL_GROUPS	16	/* live groups, orphans included */
#define PRQ_MODEL_ANSWERED	8	/* answered cookies remembered */

/* A descriptor's completion, as its record's status field reads. */
enum prq_model_status {
	PRQ_ST_NONE = 0,		/* not written (yet) */
	PRQ_ST_SUCCESS = 1,
	PRQ_ST_FAULT = 2,		/* completed with a page fault */
};

struct prq_model_queue {
	bool waiting;
	uint32_t group;			/* while waiting */
	uint32_t page;
	bool write;
	uint64_t tag;			/* of the last descriptor */
	uint8_t status;			/* enum prq_model_status expected */
	bool leeway;			/* NONE or FAULT (a reset gave up) */
};

struct prq_model_group {
	bool used;
	bool read;			/* its record was read */
	bool orphan;			/* its requester no longer waits */
	uint32_t queue, page;
	bool write;
	uint32_t cookie;		/* once read */
	uint64_t seq;			/* submission order */
};

struct prq_model {
	uint32_t nq, npages;
	bool present[PRQ_MODEL_PAGES];
	struct prq_model_queue q[PRQ_MODEL_QUEUES];
	struct prq_model_group g[PRQ_MODEL_GROUPS];
	uint32_t answered[PRQ_MODEL_ANSWERED];
	uint32_t nanswered;		/* ever; ring of the last ones */
	uint64_t seq;
	uint64_t requests;		/* page requests ever made */
};

/* nq queues (1..PRQ_MODEL_QUEUES), npages pages (1..PRQ_MODEL_PAGES),
 * none present, no descriptor run. */
void prq_model_init(struct prq_model *m, uint32_t nq, uint32_t npages);

/* Live groups (orphans included). */
uint32_t prq_model_live(const struct prq_model *m);
/*
 * Queue q (not waiting) runs a descriptor on page (write: it writes the
 * page) tagged tag: 0 it completed (SUCCESS), 1 it waits; -EBUSY q is
 * waiting, -ENOSPC no room for a group (the caller skips then).
 */
int prq_model_submit(struct prq_model *m, uint32_t q, uint32_t page,
		     bool write, uint64_t tag);
/* The oldest unread group's index, or -1. */
int prq_model_next_unread(const struct prq_model *m);
/* Group gi was read with cookie: 0, or -EEXIST when another read,
 * unanswered group has that cookie (a divergence). */
int prq_model_read(struct prq_model *m, int gi, uint32_t cookie);
/* The read, unanswered group with cookie: its index, or -1. */
int prq_model_find_cookie(const struct prq_model *m, uint32_t cookie);
/* The k-th (mod count) read, unanswered group's index, or -1 if none. */
int prq_model_pick_read(const struct prq_model *m, uint32_t k);
/* Answer the group with cookie (success: page present first, the caller
 * made it so): 0, or -EINVAL as the fault queue answers. */
int prq_model_respond(struct prq_model *m, uint32_t cookie, bool success);
/* An answered cookie no read group has now (k-th of those remembered),
 * or false if there is none. */
bool prq_model_answered(const struct prq_model *m, uint32_t k,
			uint32_t *cookie);
/* Queue q is reset (and enabled again). */
void prq_model_reset(struct prq_model *m, uint32_t q);
/* The fault queue is replaced by a new one. */
void prq_model_requeue(struct prq_model *m);
void prq_model_map(struct prq_model *m, uint32_t page);
void prq_model_unmap(struct prq_model *m, uint32_t page);

#endif /* SIOVH_SPECS_PRQ_MODEL_H */
