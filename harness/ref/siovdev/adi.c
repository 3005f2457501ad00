/* SPDX-License-Identifier: MIT */
/*
 * Assignable Device Interfaces: the per-ADI registers of BAR0, the
 * descriptor queue behind each portal, drain and reset, and the event log
 * a test reads to see what the VDCM did to the hardware and in which
 * order. The execution model is the one siovdev.h states: synchronous,
 * so that every result is reproducible.
 */
#include <errno.h>
#include <stdlib.h>

#include "siovdev_internal.h"

int adi_init(struct siovdev *d)
{
	uint32_t n;

	d->adis = calloc(d->cfg.nr_adis, sizeof(*d->adis));
	if (!d->adis)
		return -1;
	for (n = 0; n < d->cfg.nr_adis; n++) {
		/* One spare slot: room for the queue-overflow fault. */
		d->adis[n].queue = calloc(d->cfg.max_queue + 1,
					  sizeof(*d->adis[n].queue));
		if (!d->adis[n].queue)
			goto err;
	}
	for (n = 0; n < d->cfg.nr_adis; n++)
		adi_reset(d, n);
	/* Power-on is not a logged reset. */
	for (n = 0; n < d->cfg.nr_adis; n++)
		d->adis[n].ev_count = 0;
	d->seq = 0;
	return 0;

err:
	adi_fini(d);
	return -1;
}

void adi_fini(struct siovdev *d)
{
	uint32_t n;

	if (!d->adis)
		return;
	for (n = 0; n < d->cfg.nr_adis; n++)
		free(d->adis[n].queue);
	free(d->adis);
	d->adis = NULL;
}

/* ---- Event log ---- */

void adi_event(struct siovdev *d, uint32_t n, uint32_t kind, uint32_t arg)
{
	struct adi *a = &d->adis[n];
	uint32_t slot = (a->ev_head + a->ev_count) % SIOVDEV_EVENT_DEPTH;

	/* Full: the oldest event makes room for the newest. */
	if (a->ev_count == SIOVDEV_EVENT_DEPTH) {
		a->ev_head = (a->ev_head + 1) % SIOVDEV_EVENT_DEPTH;
		a->ev_count--;
	}
	a->ev[slot] = (struct siovdev_event){
		.kind = kind,
		.arg = arg,
		.seq = ++d->seq,
	};
	a->ev_count++;
}

/* ---- Errors ---- */

void adi_error(struct siovdev *d, uint32_t n, uint32_t code)
{
	struct adi *a = &d->adis[n];

	/* The first error stays until software clears it. */
	if (a->error & SIOVDEV_ADI_ERROR_VALID)
		return;
	a->error = SIOVDEV_ADI_ERROR_VALID | code;
	irq_raise(d, IRQ_MSIX, SIOVDEV_MSIX_VEC_ERROR, -1);
}

void adi_drop(struct siovdev *d, uint32_t n, uint32_t code)
{
	d->adis[n].dropped++;
	adi_error(d, n, code);
}

uint64_t adi_error_summary(const struct siovdev *d)
{
	uint64_t bits = 0;
	uint32_t n;

	for (n = 0; n < d->cfg.nr_adis; n++)
		if (d->adis[n].error & SIOVDEV_ADI_ERROR_VALID)
			bits |= 1ull << n;
	return bits;
}

/* ---- The queue ---- */

void adi_pop(struct siovdev *d, uint32_t n)
{
	struct adi *a = &d->adis[n];

	a->q_head = (a->q_head + 1) % (d->cfg.max_queue + 1);
	a->q_count--;
	a->pw.responses = 0;
}

/*
 * Execute queued descriptors, oldest first, until none is left or the
 * head waits for a page response. The head leaves the queue only when it
 * has completed, so a waiting one is retried from the queue.
 */
void adi_run(struct siovdev *d, uint32_t n)
{
	struct adi *a = &d->adis[n];

	if (a->ctrl & SIOVDEV_ADI_CTRL_HOLD)
		return;
	while (a->q_count && !a->pw.waiting) {
		struct siovdev_desc desc = a->queue[a->q_head];

		if (engine_execute(d, n, &desc) == ENGINE_WAIT)
			break;
		adi_pop(d, n);
	}
}

/* DRAIN and disable: run everything, giving up on a page wait. */
static void adi_run_all(struct siovdev *d, uint32_t n)
{
	struct adi *a = &d->adis[n];

	pri_abandon(d, n, true);
	while (a->q_count) {
		struct siovdev_desc desc = a->queue[a->q_head];

		if (engine_execute(d, n, &desc) == ENGINE_WAIT)
			pri_abandon(d, n, true);
		else
			adi_pop(d, n);
	}
}

static void adi_discard(struct adi *a)
{
	a->q_head = 0;
	a->q_count = 0;
}

int adi_submit(struct siovdev *d, uint32_t n, const struct siovdev_desc *desc)
{
	struct adi *a = &d->adis[n];
	uint32_t cap = d->cfg.max_queue + 1;
	uint32_t limit = a->qsize;

	if (!(a->ctrl & SIOVDEV_ADI_CTRL_ENABLE) &&
	    !siovdev_fault(d, SIOVDEV_FAULT_DISABLED_RUNS)) {
		adi_drop(d, n, SIOVDEV_ERR_DISABLED);
		return -EACCES;
	}
	if (siovdev_fault(d, SIOVDEV_FAULT_QUEUE_OVERFLOW))
		limit++;
	if (a->q_count >= limit) {
		adi_drop(d, n, SIOVDEV_ERR_QUEUE_FULL);
		return -EBUSY;
	}
	a->queue[(a->q_head + a->q_count) % cap] = *desc;
	a->q_count++;
	adi_run(d, n);
	return 0;
}

/* ---- Commands ---- */

static void adi_drain(struct siovdev *d, uint32_t n)
{
	adi_event(d, n, SIOVDEV_EV_DRAIN, 0);
	if (siovdev_fault(d, SIOVDEV_FAULT_DRAIN_DROPS)) {
		pri_abandon(d, n, false);
		adi_discard(&d->adis[n]);
	} else {
		adi_run_all(d, n);
	}
}

/* Reset: queued work goes without DMA, registers to their defaults. */
void adi_reset(struct siovdev *d, uint32_t n)
{
	struct adi *a = &d->adis[n];
	uint32_t pasid = a->pasid;

	adi_event(d, n, SIOVDEV_EV_RESET, 0);
	pri_abandon(d, n, false);
	if (!siovdev_fault(d, SIOVDEV_FAULT_RESET_KEEPS_QUEUE))
		adi_discard(a);
	a->ctrl = 0;
	a->pasid = 0;
	if (siovdev_fault(d, SIOVDEV_FAULT_RESET_KEEPS_PASID))
		a->pasid = pasid;
	a->qsize = d->cfg.max_queue;
	a->irq = d->nr_ims ? n : 0;
	a->error = 0;
	a->dropped = 0;
	a->completed = 0;
}

static void ctrl_write(struct siovdev *d, uint32_t n, uint32_t val)
{
	struct adi *a = &d->adis[n];
	uint32_t old = a->ctrl;
	uint32_t new = val & (SIOVDEV_ADI_CTRL_ENABLE | SIOVDEV_ADI_CTRL_HOLD);
	bool was_on = old & SIOVDEV_ADI_CTRL_ENABLE;
	bool on = new & SIOVDEV_ADI_CTRL_ENABLE;

	/* Disabling finishes the work already accepted first. */
	if (was_on && !on) {
		if (siovdev_fault(d, SIOVDEV_FAULT_DISABLE_DROPS)) {
			pri_abandon(d, n, false);	/* the bug */
			adi_discard(a);
		} else {
			adi_run_all(d, n);
		}
		adi_event(d, n, SIOVDEV_EV_DISABLE, 0);
	}
	a->ctrl = new;
	if (!was_on && on)
		adi_event(d, n, SIOVDEV_EV_ENABLE, 0);
	if (on && (old & SIOVDEV_ADI_CTRL_HOLD) &&
	    !(new & SIOVDEV_ADI_CTRL_HOLD))
		adi_run(d, n);	/* a page wait stays: it is not the hold's */
}

static void pasid_write(struct siovdev *d, uint32_t n, uint32_t val)
{
	struct adi *a = &d->adis[n];
	uint32_t width = d->cs.pasid ? d->cfg.pasid_width : 0;
	uint32_t mask = (1u << width) - 1;

	if (val & SIOVDEV_ADI_PASID_VALID) {
		a->pasid = SIOVDEV_ADI_PASID_VALID | (val & mask);
		adi_event(d, n, SIOVDEV_EV_PASID_SET, val & mask);
		return;
	}
	adi_event(d, n, SIOVDEV_EV_PASID_CLEAR,
		  a->pasid & SIOVDEV_ADI_PASID_MASK);
	if (siovdev_fault(d, SIOVDEV_FAULT_PASID_CLEAR_IGNORED))
		return;
	a->pasid = val & mask;
}

uint32_t adi_reg_read(struct siovdev *d, uint32_t n, uint32_t reg)
{
	const struct adi *a = &d->adis[n];

	switch (reg) {
	case SIOVDEV_ADI_CTRL:
		return a->ctrl;
	case SIOVDEV_ADI_STATUS:
		return ((a->ctrl & SIOVDEV_ADI_CTRL_ENABLE) ?
			SIOVDEV_ADI_STATUS_ENABLED : 0) |
		       ((a->ctrl & SIOVDEV_ADI_CTRL_HOLD) ?
			SIOVDEV_ADI_STATUS_HELD : 0) |
		       ((a->error & SIOVDEV_ADI_ERROR_VALID) ?
			SIOVDEV_ADI_STATUS_ERROR : 0);
	case SIOVDEV_ADI_PASID:
		return a->pasid;
	case SIOVDEV_ADI_QSIZE:
		return a->qsize;
	case SIOVDEV_ADI_IRQ:
		return a->irq;
	case SIOVDEV_ADI_QUEUED:
		return a->q_count;
	case SIOVDEV_ADI_ERROR:
		return a->error;
	case SIOVDEV_ADI_DROPPED:
		return a->dropped;
	case SIOVDEV_ADI_COMPLETED:
		return a->completed;
	}
	return 0;	/* DRAIN, RESET (write-only) and reserved */
}

void adi_reg_write(struct siovdev *d, uint32_t n, uint32_t reg, uint32_t val)
{
	struct adi *a = &d->adis[n];

	switch (reg) {
	case SIOVDEV_ADI_CTRL:
		ctrl_write(d, n, val);
		break;
	case SIOVDEV_ADI_PASID:
		pasid_write(d, n, val);
		break;
	case SIOVDEV_ADI_QSIZE:
		if (!(a->ctrl & SIOVDEV_ADI_CTRL_ENABLE) && val >= 1 &&
		    val <= d->cfg.max_queue)
			a->qsize = val;
		break;
	case SIOVDEV_ADI_IRQ:
		if (val < d->nr_ims)
			a->irq = val;
		break;
	case SIOVDEV_ADI_DRAIN:
		if (val & 1)
			adi_drain(d, n);
		break;
	case SIOVDEV_ADI_RESET:
		if (val & 1)
			adi_reset(d, n);
		break;
	case SIOVDEV_ADI_ERROR:
		if (val & SIOVDEV_ADI_ERROR_VALID)
			a->error = 0;
		break;
	case SIOVDEV_ADI_DROPPED:
		if (siovdev_fault(d, SIOVDEV_FAULT_ADI_COUNTERS_WRITABLE))
			a->dropped = val;
		break;
	case SIOVDEV_ADI_COMPLETED:
		if (siovdev_fault(d, SIOVDEV_FAULT_ADI_COUNTERS_WRITABLE))
			a->completed = val;
		break;
	}
}

/* ---- Introspection ---- */

int siovdev_adi_probe(const struct siovdev *d, uint32_t adi,
		      struct siovdev_adi_probe *out)
{
	const struct adi *a;
	enum irq_table t;
	uint32_t idx;
	const struct irq_entry *e;

	if (adi >= d->cfg.nr_adis)
		return -EINVAL;
	a = &d->adis[adi];
	irq_adi_vector(d, adi, &t, &idx);
	e = t == IRQ_IMS ? &d->ims[idx] : &d->msix[idx];
	*out = (struct siovdev_adi_probe){
		.enabled = a->ctrl & SIOVDEV_ADI_CTRL_ENABLE,
		.held = a->ctrl & SIOVDEV_ADI_CTRL_HOLD,
		.pasid_valid = a->pasid & SIOVDEV_ADI_PASID_VALID,
		.pasid = a->pasid & SIOVDEV_ADI_PASID_MASK,
		.queued = a->q_count,
		.qsize = a->qsize,
		.irq = idx,
		.irq_masked = e->ctrl & SIOVDEV_IRQ_CTRL_MASK,
		.irq_pending = e->pending,
		.error = a->error,
		.dropped = a->dropped,
		.completed = a->completed,
		.page_wait = a->pw.waiting,
		.page_prg = a->pw.prg,
	};
	return 0;
}

int siovdev_adi_trace(const struct siovdev *d, uint32_t adi,
		      struct siovdev_event *ev, size_t max, size_t *n)
{
	const struct adi *a;
	size_t i;

	if (adi >= d->cfg.nr_adis)
		return -EINVAL;
	a = &d->adis[adi];
	for (i = 0; i < a->ev_count && i < max; i++)
		ev[i] = a->ev[(a->ev_head + i) % SIOVDEV_EVENT_DEPTH];
	*n = i;
	return 0;
}
