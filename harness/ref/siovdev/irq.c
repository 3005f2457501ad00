/* SPDX-License-Identifier: MIT */
/*
 * Interrupt messages: the MSI-X table (in BAR0, announced by the MSI-X
 * capability) and Interrupt Message Storage (IMS: the SIOV device's own,
 * larger table for ADI interrupts, also in BAR0, same entry layout).
 *
 * An entry's message is sent only when nothing masks it: the entry's mask
 * bit, bus master enable (a message is a memory write), and for MSI-X the
 * capability's enable and function mask. A message that cannot be sent is
 * remembered as pending, and sent when its entry is unmasked. That is how
 * a guest masking an interrupt delays it without losing it.
 */
#include <stdlib.h>

#include "siovdev_internal.h"

int irq_init(struct siovdev *d)
{
	d->msix = calloc(d->nr_msix, sizeof(*d->msix));
	if (!d->msix)
		return -1;
	if (d->nr_ims) {
		d->ims = calloc(d->nr_ims, sizeof(*d->ims));
		if (!d->ims) {
			free(d->msix);
			d->msix = NULL;
			return -1;
		}
	}
	irq_reset(d);
	return 0;
}

void irq_fini(struct siovdev *d)
{
	free(d->ims);
	free(d->msix);
}

static void entries_reset(struct irq_entry *e, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		e[i] = (struct irq_entry){
			.ctrl = SIOVDEV_IRQ_CTRL_MASK,
			.adi = -1,
		};
}

void irq_reset(struct siovdev *d)
{
	entries_reset(d->msix, d->nr_msix);
	entries_reset(d->ims, d->nr_ims);
}

static struct irq_entry *entry(struct siovdev *d, enum irq_table t,
			       uint32_t idx)
{
	if (t == IRQ_MSIX)
		return idx < d->nr_msix ? &d->msix[idx] : NULL;
	return idx < d->nr_ims ? &d->ims[idx] : NULL;
}

static bool masked(const struct siovdev *d, enum irq_table t,
		   const struct irq_entry *e)
{
	bool entry_masked = e->ctrl & SIOVDEV_IRQ_CTRL_MASK;

	if (t == IRQ_IMS && siovdev_fault(d, SIOVDEV_FAULT_IMS_MASK_IGNORED))
		entry_masked = false;
	/* MSI and MSI-X are memory writes: Bus Master Enable clear stops
	 * them too (PCIe 7.5.1.1.3). */
	if (entry_masked || (!cfg_bus_master(d) &&
			     !siovdev_fault(d, SIOVDEV_FAULT_IRQ_NO_BUS_MASTER)))
		return true;
	return t == IRQ_MSIX && (!cfg_msix_enabled(d) || cfg_msix_masked(d));
}

static void send(struct siovdev *d, uint32_t idx, struct irq_entry *e)
{
	uint64_t addr = (uint64_t)e->addr_hi << 32 | e->addr_lo;

	e->pending = false;
	d->ops.msi(d->host, addr, e->data);
	if (e->adi >= 0)
		adi_event(d, (uint32_t)e->adi, SIOVDEV_EV_IRQ, idx);
}

void irq_raise(struct siovdev *d, enum irq_table t, uint32_t idx, int32_t adi)
{
	struct irq_entry *e = entry(d, t, idx);

	if (!e)
		return;
	e->adi = adi;
	if (masked(d, t, e))
		e->pending = true;
	else
		send(d, idx, e);
}

/* Something that masked entry idx may have gone: send if pending. */
static void unmasked(struct siovdev *d, enum irq_table t, uint32_t idx)
{
	struct irq_entry *e = entry(d, t, idx);

	if (!e->pending || masked(d, t, e))
		return;
	if (t == IRQ_IMS && siovdev_fault(d, SIOVDEV_FAULT_IMS_PENDING_LOST)) {
		e->pending = false;
		return;
	}
	send(d, idx, e);
}

void irq_msix_control_changed(struct siovdev *d)
{
	uint32_t i;

	for (i = 0; i < d->nr_msix; i++)
		unmasked(d, IRQ_MSIX, i);
}

uint32_t irq_reg_read(struct siovdev *d, enum irq_table t, uint32_t off)
{
	struct irq_entry *e = entry(d, t, off / SIOVDEV_IRQ_ENTRY_SIZE);

	if (!e)
		return 0;
	switch (off % SIOVDEV_IRQ_ENTRY_SIZE) {
	case SIOVDEV_IRQ_ADDR_LO:
		return e->addr_lo;
	case SIOVDEV_IRQ_ADDR_HI:
		return e->addr_hi;
	case SIOVDEV_IRQ_DATA:
		return e->data;
	}
	/* MSI-X keeps pending bits in the PBA; IMS shows them here. */
	if (t == IRQ_IMS && e->pending)
		return e->ctrl | SIOVDEV_IRQ_CTRL_PENDING;
	return e->ctrl;
}

void irq_reg_write(struct siovdev *d, enum irq_table t, uint32_t off,
		   uint32_t val)
{
	uint32_t idx = off / SIOVDEV_IRQ_ENTRY_SIZE;
	struct irq_entry *e = entry(d, t, idx);

	if (!e)
		return;
	switch (off % SIOVDEV_IRQ_ENTRY_SIZE) {
	case SIOVDEV_IRQ_ADDR_LO:
		e->addr_lo = val & ~3u;		/* dword aligned */
		break;
	case SIOVDEV_IRQ_ADDR_HI:
		e->addr_hi = val;
		break;
	case SIOVDEV_IRQ_DATA:
		e->data = val;
		break;
	default:
		e->ctrl = val & SIOVDEV_IRQ_CTRL_MASK;
		unmasked(d, t, idx);
		break;
	}
}

uint32_t irq_pba_read(struct siovdev *d, uint32_t off)
{
	uint32_t first = off * 8, v = 0, i;

	for (i = 0; i < 32 && first + i < d->nr_msix; i++)
		if (d->msix[first + i].pending)
			v |= 1u << i;
	return v;
}

void irq_adi_vector(const struct siovdev *d, uint32_t n, enum irq_table *t,
		    uint32_t *idx)
{
	if (!d->nr_ims) {
		*t = IRQ_MSIX;
		*idx = 1 + n;
		return;
	}
	*t = IRQ_IMS;
	*idx = d->adis[n].irq;
	if (siovdev_fault(d, SIOVDEV_FAULT_IRQ_WRONG_ENTRY))
		*idx = n;
}
