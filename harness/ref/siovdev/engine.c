/* SPDX-License-Identifier: MIT */
/*
 * The descriptor engine: NOP, MEMCOPY and MEMFILL. All memory it touches
 * it reaches by DMA through the host, tagged with the ADI's PASID, in
 * requests that never cross a 4 KiB boundary. The order is the one a
 * driver relies on: data, then the completion record, then the
 * interrupt; a driver that sees the record may trust the data.
 */
#include <string.h>

#include "siovdev_internal.h"

#define PAGE		4096u

/* What executing one descriptor is doing, and where it failed. */
struct job {
	struct siovdev *d;
	uint32_t adi;
	uint32_t pasid;			/* what the DMA carries */
	bool block_on_fault;		/* a fault may wait for a page */
	bool wait;			/* ... and does: a page request is out */
	struct siovdev_completion cr;
};

void desc_decode(const uint8_t raw[SIOVDEV_DESC_SIZE],
		 struct siovdev_desc *desc)
{
	unsigned int i;

	desc->opcode = raw[0];
	desc->flags = raw[1];
	desc->rsvd0 = (uint16_t)le_get(raw + 2, 2);
	desc->size = le_get(raw + 4, 4);
	desc->completion = le_get64(raw + 0x08);
	desc->src = le_get64(raw + 0x10);
	desc->dst = le_get64(raw + 0x18);
	desc->tag = le_get64(raw + 0x20);
	for (i = 0; i < 3; i++)
		desc->rsvd1[i] = le_get64(raw + 0x28 + 8 * i);
}

static bool desc_valid(const struct siovdev_desc *desc)
{
	if (desc->opcode > SIOVDEV_OP_MEMFILL)
		return false;
	if (desc->flags & ~(SIOVDEV_DF_COMPLETION | SIOVDEV_DF_INTERRUPT |
			    SIOVDEV_DF_BLOCK_ON_FAULT))
		return false;
	if (desc->rsvd0 || desc->rsvd1[0] || desc->rsvd1[1] ||
	    desc->rsvd1[2])
		return false;
	return desc->size <= SIOVDEV_MAX_XFER;
}

/* One DMA request. A failure is the host's "unsupported request": the
 * device notes the master abort in its STATUS register. */
static int dma(struct job *j, uint64_t addr, void *buf, size_t len,
	       bool write)
{
	struct siovdev *d = j->d;
	int ret;

	adi_event(d, j->adi, SIOVDEV_EV_DMA, j->pasid);
	ret = d->ops.dma(d->host, j->pasid, addr, buf, len, write);
	if (ret)
		cfg_set_status(d, CFG_STS_RMA);
	return ret;
}

/* The longest request at addr that stays inside its 4 KiB page. */
static size_t in_page(uint64_t addr, size_t len)
{
	size_t room = PAGE - (size_t)(addr % PAGE);

	return len < room ? len : room;
}

static void page_fault(struct job *j, uint64_t addr, bool write)
{
	if (j->block_on_fault &&
	    pri_request(j->d, j->adi, j->pasid, addr, write)) {
		j->wait = true;
		j->d->adis[j->adi].pw.bytes = j->cr.bytes;
		return;
	}
	j->cr.status = SIOVDEV_CS_PAGE_FAULT;
	j->cr.fault_addr = addr;
	j->cr.fault_info = write ? SIOVDEV_CR_FAULT_WRITE : 0;
}

static void do_copy(struct job *j, const struct siovdev_desc *desc)
{
	uint8_t buf[PAGE];
	uint32_t done = 0;

	while (done < desc->size) {
		uint64_t src = desc->src + done, dst = desc->dst + done;
		size_t n = desc->size - done;

		if (n > PAGE)
			n = PAGE;
		if (!siovdev_fault(j->d, SIOVDEV_FAULT_COPY_CROSSES_PAGE))
			n = in_page(dst, in_page(src, n));
		if (dma(j, src, buf, n, false)) {
			page_fault(j, src, false);
			return;
		}
		if (dma(j, dst, buf, n, true)) {
			page_fault(j, dst, true);
			return;
		}
		done += (uint32_t)n;
		j->cr.bytes = done;
	}
}

static void do_fill(struct job *j, const struct siovdev_desc *desc)
{
	uint64_t size = desc->size;
	uint8_t buf[PAGE];
	uint64_t done = 0;

	if (siovdev_fault(j->d, SIOVDEV_FAULT_FILL_OVERRUN) && size)
		size++;
	while (done < size) {
		uint64_t dst = desc->dst + done;
		size_t n = in_page(dst, size - done < PAGE ?
				   (size_t)(size - done) : PAGE);
		size_t i;

		/* Byte i of the destination is pattern byte i % 8. */
		for (i = 0; i < n; i++)
			buf[i] = (uint8_t)(desc->src >> (8 * ((done + i) % 8)));
		if (dma(j, dst, buf, n, true)) {
			page_fault(j, dst, true);
			return;
		}
		done += n;
		j->cr.bytes = (uint32_t)(done < desc->size ? done : desc->size);
	}
}

static void write_completion(struct job *j, const struct siovdev_desc *desc)
{
	uint8_t rec[SIOVDEV_CR_SIZE] = { 0 };

	rec[0] = j->cr.status;
	rec[1] = j->cr.fault_info;
	le_put(rec + 0x04, 4, j->cr.bytes);
	le_put(rec + 0x08, 8, j->cr.fault_addr);
	le_put(rec + 0x10, 8, j->cr.tag);
	/* 32-byte aligned: one request, never across a page. */
	if (dma(j, desc->completion, rec, sizeof(rec), true))
		adi_error(j->d, j->adi, SIOVDEV_ERR_COMPLETION_FAULT);
}

/* Why the ADI may not execute at all now (a SIOVDEV_ERR_*), or 0. */
static uint32_t gate(const struct siovdev *d, const struct adi *a,
		     const struct siovdev_desc *desc)
{
	if (!cfg_bus_master(d) &&
	    !siovdev_fault(d, SIOVDEV_FAULT_NO_BUS_MASTER_CHECK))
		return SIOVDEV_ERR_BUS_MASTER;
	if (!cfg_pasid_enabled(d) &&
	    !siovdev_fault(d, SIOVDEV_FAULT_NO_PASID_ENABLE_CHECK))
		return SIOVDEV_ERR_PASID_DISABLED;
	if (!(a->pasid & SIOVDEV_ADI_PASID_VALID))
		return SIOVDEV_ERR_NO_PASID;
	if ((desc->flags & SIOVDEV_DF_COMPLETION) &&
	    desc->completion % SIOVDEV_CR_ALIGN)
		return SIOVDEV_ERR_INVALID;
	return 0;
}

/* Counters, error, completion record, interrupt: the end of a descriptor. */
static void finish(struct job *j, const struct siovdev_desc *desc,
		   bool want_cr)
{
	struct siovdev *d = j->d;
	uint32_t n = j->adi;

	if (j->cr.status == SIOVDEV_CS_PAGE_FAULT &&
	    siovdev_fault(d, SIOVDEV_FAULT_FAULT_REPORTED_SUCCESS))
		j->cr.status = SIOVDEV_CS_SUCCESS;
	d->adis[n].completed++;
	if (j->cr.status == SIOVDEV_CS_PAGE_FAULT)
		adi_error(d, n, SIOVDEV_ERR_DESC_FAULT);
	else if (j->cr.status == SIOVDEV_CS_INVALID)
		adi_error(d, n, SIOVDEV_ERR_DESC_INVALID);

	if (want_cr || siovdev_fault(d, SIOVDEV_FAULT_RECORD_UNREQUESTED))
		write_completion(j, desc);
	if ((desc->flags & SIOVDEV_DF_INTERRUPT) ||
	    siovdev_fault(d, SIOVDEV_FAULT_IRQ_UNREQUESTED)) {
		enum irq_table t;
		uint32_t idx;

		irq_adi_vector(d, n, &t, &idx);
		irq_raise(d, t, idx, (int32_t)n);
	}
}

static void job_init(struct job *j, struct siovdev *d, uint32_t n,
		     const struct siovdev_desc *desc)
{
	*j = (struct job){
		.d = d,
		.adi = n,
		.pasid = d->adis[n].pasid & SIOVDEV_ADI_PASID_MASK,
		.block_on_fault = desc->flags & SIOVDEV_DF_BLOCK_ON_FAULT,
		.cr = { .status = SIOVDEV_CS_SUCCESS, .tag = desc->tag },
	};
	if (siovdev_fault(d, SIOVDEV_FAULT_DMA_PASID_ZERO))
		j->pasid = 0;
}

enum engine_result engine_execute(struct siovdev *d, uint32_t n,
				  const struct siovdev_desc *desc)
{
	bool want_cr = desc->flags & SIOVDEV_DF_COMPLETION;
	uint32_t why = gate(d, &d->adis[n], desc);
	struct job j;

	if (why) {
		adi_drop(d, n, why);
		return ENGINE_DONE;
	}
	job_init(&j, d, n, desc);
	if (want_cr && siovdev_fault(d, SIOVDEV_FAULT_COMPLETION_BEFORE_DATA)) {
		j.cr.bytes = desc->size;
		write_completion(&j, desc);
		want_cr = false;
		j.cr.bytes = 0;
	}

	if (!desc_valid(desc) &&
	    !siovdev_fault(d, SIOVDEV_FAULT_INVALID_DESC_RUNS))
		j.cr.status = SIOVDEV_CS_INVALID;
	else if (desc->opcode == SIOVDEV_OP_MEMCOPY)
		do_copy(&j, desc);
	else if (desc->opcode == SIOVDEV_OP_MEMFILL)
		do_fill(&j, desc);
	if (j.wait)
		return ENGINE_WAIT;	/* retried from the start later */
	finish(&j, desc, want_cr);
	return ENGINE_DONE;
}

void engine_give_up(struct siovdev *d, uint32_t n,
		    const struct siovdev_desc *desc)
{
	const struct adi_page_wait *pw = &d->adis[n].pw;
	struct job j;

	job_init(&j, d, n, desc);
	j.block_on_fault = false;
	j.cr.status = SIOVDEV_CS_PAGE_FAULT;
	j.cr.bytes = pw->bytes;
	j.cr.fault_addr = pw->addr;
	j.cr.fault_info = pw->write ? SIOVDEV_CR_FAULT_WRITE : 0;
	finish(&j, desc, desc->flags & SIOVDEV_DF_COMPLETION);
}
