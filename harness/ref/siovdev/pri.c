/* SPDX-License-Identifier: MIT */
/*
 * Page requests (PCIe 10.4, "Page Request Services"): the device side.
 * A block-on-fault descriptor whose DMA faults asks the host for the page
 * and waits at the head of its ADI's queue; the response decides whether
 * it retries or completes with the fault. One request per waiting ADI,
 * each the last (and only) request of its group, so a group is an ADI's
 * wait and a PRG index names it. Contract: siovdev.h, "Page requests".
 */
#include "siovdev_internal.h"

/* Is PRG index prg free (no ADI waits in it)? */
static bool prg_free(const struct siovdev *d, uint16_t prg)
{
	uint32_t n;

	for (n = 0; n < d->cfg.nr_adis; n++)
		if (d->adis[n].pw.waiting && d->adis[n].pw.prg == prg)
			return false;
	return true;
}

/* The next free PRG index, round robin; one always is (ADIs < 512). */
static uint16_t prg_alloc(struct siovdev *d)
{
	uint16_t prg = d->pr_next;

	while (!prg_free(d, prg) &&
	       !siovdev_fault(d, SIOVDEV_FAULT_PRI_PRG_REUSE))
		prg = (uint16_t)((prg + 1) % PRI_PRG_INDICES);
	d->pr_next = (uint16_t)((prg + 1) % PRI_PRG_INDICES);
	return prg;
}

/* The capacity the PRI capability reports (cfg.c). */
#define PRI_CAPACITY	32

/* May ADI n send a page request now? */
static bool pri_may_request(const struct siovdev *d, uint32_t n)
{
	if (!d->ops.page_request || siovdev_fault(d, SIOVDEV_FAULT_PRI_NO_WAIT))
		return false;
	/* The bug: neither PRI's presence nor its enable bit is looked at,
	 * only the device's own limits. */
	if (siovdev_fault(d, SIOVDEV_FAULT_PRI_IGNORES_ENABLE))
		return d->pr_outstanding < PRI_CAPACITY &&
		       d->adis[n].pw.responses < SIOVDEV_PR_RETRIES;
	if (!cfg_pri_enabled(d))
		return false;
	if (cfg_pri_rf(d) && !siovdev_fault(d, SIOVDEV_FAULT_PRI_FAILURE_IGNORED))
		return false;
	if (d->pr_outstanding >= cfg_pri_alloc(d))
		return false;
	return d->adis[n].pw.responses < SIOVDEV_PR_RETRIES;
}

bool pri_request(struct siovdev *d, uint32_t n, uint32_t pasid,
		 uint64_t addr, bool write)
{
	struct adi_page_wait *pw = &d->adis[n].pw;
	uint32_t perm = write ? SIOVDEV_PR_WRITE : SIOVDEV_PR_READ;
	uint16_t prg;

	if (!pri_may_request(d, n))
		return false;
	prg = prg_alloc(d);
	if (d->ops.page_request(d->host, pasid, addr & ~0xfffull, perm, prg,
				true))
		return false;
	pw->waiting = true;
	pw->pasid = pasid;
	pw->prg = prg;
	pw->addr = addr;
	pw->write = write;
	d->pr_outstanding++;
	adi_event(d, n, SIOVDEV_EV_PAGE_REQ, prg);
	return true;
}

/* ADI n stops waiting; its group is no longer outstanding. */
static void pw_end(struct siovdev *d, uint32_t n)
{
	d->adis[n].pw.waiting = false;
	d->pr_outstanding--;
	cfg_pri_update_stopped(d);
}

void pri_abandon(struct siovdev *d, uint32_t n, bool complete)
{
	struct adi *a = &d->adis[n];

	if (!a->pw.waiting)
		return;
	if (!complete && siovdev_fault(d, SIOVDEV_FAULT_PRI_RESET_KEEPS_WAIT))
		return;
	pw_end(d, n);
	if (complete && a->q_count) {
		engine_give_up(d, n, &a->queue[a->q_head]);
		adi_pop(d, n);
	}
	a->pw.responses = 0;
}

/* The ADI waiting in group (pasid, prg), or -1. */
static int32_t pw_find(const struct siovdev *d, uint32_t pasid, uint16_t prg)
{
	uint32_t n;

	for (n = 0; n < d->cfg.nr_adis; n++) {
		const struct adi_page_wait *pw = &d->adis[n].pw;

		if (pw->waiting && pw->pasid == pasid &&
		    (pw->prg == prg ||
		     siovdev_fault(d, SIOVDEV_FAULT_PRI_ANY_PRG)))
			return (int32_t)n;
	}
	return -1;
}

void siovdev_page_response(struct siovdev *d, uint32_t pasid,
			   uint16_t prg_index, uint32_t code)
{
	int32_t found = pw_find(d, pasid, prg_index);
	uint32_t n;

	if (found < 0) {
		d->pr_unexpected++;
		return;
	}
	n = (uint32_t)found;
	adi_event(d, n, SIOVDEV_EV_PAGE_RESP, code);
	if (code == SIOVDEV_PR_SUCCESS &&
	    !siovdev_fault(d, SIOVDEV_FAULT_PRI_SUCCESS_NO_RETRY)) {
		pw_end(d, n);
		d->adis[n].pw.responses++;
	} else {
		if (code != SIOVDEV_PR_INVALID && code != SIOVDEV_PR_SUCCESS)
			cfg_pri_set_rf(d);	/* FAILURE, or reserved */
		pri_abandon(d, n, true);
	}
	adi_run(d, n);
}

uint64_t siovdev_pri_unexpected(const struct siovdev *d)
{
	return d->pr_unexpected;
}
