// SPDX-License-Identifier: MIT
/*
 * The page request model; see prq_model.h.
 */
#include <errno.h>
#include <string.h>

#include "prq_model.h"

void prq_model_init(struct prq_model *m, uint32_t nq, uint32_t npages)
{
	memset(m, 0, sizeof(*m));
	m->nq = nq < 1 ? 1 : nq > PRQ_MODEL_QUEUES ? PRQ_MODEL_QUEUES : nq;
	m->npages = npages < 1 ? 1 :
		    npages > PRQ_MODEL_PAGES ? PRQ_MODEL_PAGES : npages;
}

uint32_t prq_model_live(const struct prq_model *m)
{
	uint32_t i, n = 0;

	for (i = 0; i < PRQ_MODEL_GROUPS; i++)
		n += m->g[i].used;
	return n;
}

static int group_new(struct prq_model *m)
{
	int i;

	for (i = 0; i < PRQ_MODEL_GROUPS; i++)
		if (!m->g[i].used)
			return i;
	return -1;
}

int prq_model_submit(struct prq_model *m, uint32_t q, uint32_t page,
		     bool write, uint64_t tag)
{
	struct prq_model_queue *mq = &m->q[q % m->nq];
	int gi = group_new(m);

	page %= m->npages;
	if (mq->waiting)
		return -EBUSY;
	if (!m->present[page] && gi < 0)
		return -ENOSPC;
	*mq = (struct prq_model_queue) { .page = page, .write = write,
					 .tag = tag };
	if (m->present[page]) {
		mq->status = PRQ_ST_SUCCESS;
		return 0;
	}
	m->g[gi] = (struct prq_model_group) {
		.used = true, .queue = q % m->nq, .page = page,
		.write = write, .seq = m->seq++,
	};
	mq->waiting = true;
	mq->group = (uint32_t)gi;
	m->requests++;
	return 1;
}

int prq_model_next_unread(const struct prq_model *m)
{
	int i, best = -1;

	for (i = 0; i < PRQ_MODEL_GROUPS; i++)
		if (m->g[i].used && !m->g[i].read &&
		    (best < 0 || m->g[i].seq < m->g[best].seq))
			best = i;
	return best;
}

int prq_model_find_cookie(const struct prq_model *m, uint32_t cookie)
{
	int i;

	for (i = 0; i < PRQ_MODEL_GROUPS; i++)
		if (m->g[i].used && m->g[i].read && m->g[i].cookie == cookie)
			return i;
	return -1;
}

int prq_model_read(struct prq_model *m, int gi, uint32_t cookie)
{
	if (prq_model_find_cookie(m, cookie) >= 0)
		return -EEXIST;
	m->g[gi].read = true;
	m->g[gi].cookie = cookie;
	return 0;
}

int prq_model_pick_read(const struct prq_model *m, uint32_t k)
{
	int i, n = 0;

	for (i = 0; i < PRQ_MODEL_GROUPS; i++)
		n += m->g[i].used && m->g[i].read;
	if (!n)
		return -1;
	k %= (uint32_t)n;
	for (i = 0; i < PRQ_MODEL_GROUPS; i++)
		if (m->g[i].used && m->g[i].read && !k--)
			return i;
	return -1;
}

/* Queue q's descriptor completes with status. */
static void complete(struct prq_model *m, uint32_t q, uint8_t status)
{
	m->q[q].waiting = false;
	m->q[q].status = status;
	m->q[q].leeway = false;
}

int prq_model_respond(struct prq_model *m, uint32_t cookie, bool success)
{
	int gi = prq_model_find_cookie(m, cookie);
	struct prq_model_group *g;

	if (gi < 0)
		return -EINVAL;
	g = &m->g[gi];
	if (!g->orphan)
		complete(m, g->queue, success && m->present[g->page] ?
				      PRQ_ST_SUCCESS : PRQ_ST_FAULT);
	m->answered[m->nanswered++ % PRQ_MODEL_ANSWERED] = cookie;
	g->used = false;
	return 0;
}

bool prq_model_answered(const struct prq_model *m, uint32_t k,
			uint32_t *cookie)
{
	uint32_t n = m->nanswered < PRQ_MODEL_ANSWERED ? m->nanswered :
			PRQ_MODEL_ANSWERED;
	uint32_t i, c;

	for (i = 0; i < n; i++) {
		c = m->answered[(k + i) % n];
		if (prq_model_find_cookie(m, c) < 0) {
			*cookie = c;
			return true;
		}
	}
	return false;
}

void prq_model_reset(struct prq_model *m, uint32_t q)
{
	struct prq_model_queue *mq = &m->q[q % m->nq];

	if (!mq->waiting)
		return;
	m->g[mq->group].orphan = true;
	mq->waiting = false;
	mq->status = PRQ_ST_FAULT;
	mq->leeway = true;
}

void prq_model_requeue(struct prq_model *m)
{
	uint32_t q;

	for (q = 0; q < m->nq; q++)
		if (m->q[q].waiting)
			complete(m, q, PRQ_ST_FAULT);
	memset(m->g, 0, sizeof(m->g));
	m->nanswered = 0;
}

void prq_model_map(struct prq_model *m, uint32_t page)
{
	m->present[page % m->npages] = true;
}

void prq_model_unmap(struct prq_model *m, uint32_t page)
{
	m->present[page % m->npages] = false;
}
