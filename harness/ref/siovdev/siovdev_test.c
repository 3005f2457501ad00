/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the reference SIOV endpoint, part 2: ADIs and the engine.
 * Copy and fill through portals with completion records and interrupts,
 * page faults, IMS and MSI-X masking with pending bits, queues with hold,
 * drain and overflow, ADI reset, the PASID and bus-master gates, the event
 * log; then the ADI, interrupt and engine faults. TAP.
 */
#include "siovdev_test_helpers.h"

#define ERR(code)	(SIOVDEV_ADI_ERROR_VALID | SIOVDEV_ERR_##code)

/* A descriptor as the bytes a portal write carries (little-endian). */
static void portal_submit(struct siovdev *d, uint32_t adi,
			  const struct siovdev_desc *desc)
{
	uint8_t b[SIOVDEV_DESC_SIZE] = { 0 };
	uint64_t q[] = { desc->completion, desc->src, desc->dst, desc->tag };
	size_t i, k;

	b[0] = desc->opcode;
	b[1] = desc->flags;
	for (k = 0; k < 4; k++)
		b[4 + k] = (uint8_t)(desc->size >> 8 * k);
	for (i = 0; i < 4; i++)
		for (k = 0; k < 8; k++)
			b[8 + 8 * i + k] = (uint8_t)(q[i] >> 8 * k);
	siovdev_bar_write(d, 2, siovdev_portal_offset(d, adi), b, sizeof(b));
}

static uint8_t *at(struct host *h, uint64_t addr)
{
	return &h->mem[addr - MEM_BASE];
}

/* Every DMA request carried pasid and stayed inside one 4 KiB page. */
static bool requests_ok(const struct host *h, uint32_t pasid)
{
	size_t i;

	for (i = 0; i < h->nlog; i++) {
		const struct dma_req *r = &h->log[i];

		if (r->pasid != pasid || !r->len ||
		    r->addr / 4096 != (r->addr + r->len - 1) / 4096)
			return false;
	}
	return true;
}

static size_t trace(struct siovdev *d, uint32_t adi,
		    struct siovdev_event *ev)
{
	size_t n = 0;

	siovdev_adi_trace(d, adi, ev, SIOVDEV_EVENT_DEPTH, &n);
	return n;
}

static bool s_copy(int fault)
{
	static struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = copy_desc(MEM_BASE + 0x100,
					     MEM_BASE + 0x5080, 0x2100,
					     SIOVDEV_DF_COMPLETION |
					     SIOVDEV_DF_INTERRUPT);
	const struct dma_req *last;
	struct siovdev_adi_probe p;
	size_t i, n;
	bool ok = false;

	CHECK(d);
	for (i = 0; i < desc.size; i++)
		*at(&h, desc.src + i) = (uint8_t)(i * 13 + 1);
	portal_submit(d, 2, &desc);
	CHECK(memcmp(at(&h, desc.dst), at(&h, desc.src), desc.size) == 0);
	CHECK(*at(&h, desc.dst - 1) == 0 && *at(&h, desc.dst + desc.size) == 0);
	CHECK(crec(&h)[0] == SIOVDEV_CS_SUCCESS && crec(&h)[1] == 0);
	CHECK(le64(crec(&h) + 4) % (1ull << 32) == desc.size);
	CHECK(le64(crec(&h) + 8) == 0 && le64(crec(&h) + 16) == desc.tag);
	CHECK(requests_ok(&h, PASID_OF(2)));
	/* Data first, the record last, then the interrupt. */
	last = &h.log[h.nlog - 1];
	CHECK(last->addr == desc.completion && last->write && last->len == 32);
	for (i = 0; i + 1 < h.nlog; i++)
		CHECK(h.log[i].addr != desc.completion);
	CHECK(h.nmsi == 1 && h.msi[0].addr == 0xfee00008 &&
	      h.msi[0].data == 0x102);
	CHECK(siovdev_adi_probe(d, 2, &p) == 0);
	CHECK(p.completed == 1 && p.queued == 0 && p.error == 0);
	/* The log: PASID, enable, one DMA event per request, the IRQ. */
	n = trace(d, 2, ev);
	CHECK(n == 2 + h.nlog + 1);
	CHECK(ev[0].kind == SIOVDEV_EV_PASID_SET && ev[0].arg == PASID_OF(2));
	CHECK(ev[1].kind == SIOVDEV_EV_ENABLE);
	for (i = 2; i < n - 1; i++)
		CHECK(ev[i].kind == SIOVDEV_EV_DMA &&
		      ev[i].arg == PASID_OF(2) && ev[i].seq > ev[i - 1].seq);
	CHECK(ev[n - 1].kind == SIOVDEV_EV_IRQ && ev[n - 1].arg == 2);
	/* One sequence across ADIs: ADI 7 was set up after ADI 2. */
	CHECK(trace(d, 7, ev) == 2 && ev[0].seq > 2 && ev[1].seq < 100);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_fill(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = {
		.opcode = SIOVDEV_OP_MEMFILL,
		.flags = SIOVDEV_DF_COMPLETION,
		.size = 0x1006,
		.completion = MEM_BASE + 0xff00,
		.src = 0x0807060504030201ull,
		.dst = MEM_BASE + 0x3ffd,
	};
	size_t i;
	bool ok = false;

	CHECK(d);
	CHECK(siovdev_submit(d, 1, &desc) == 0);
	for (i = 0; i < desc.size; i++)
		CHECK(*at(&h, desc.dst + i) == i % 8 + 1);
	CHECK(*at(&h, desc.dst - 1) == 0 && *at(&h, desc.dst + desc.size) == 0);
	CHECK(crec(&h)[0] == SIOVDEV_CS_SUCCESS);
	CHECK((uint32_t)le64(crec(&h) + 4) == desc.size);
	CHECK(requests_ok(&h, PASID_OF(1)) && h.nmsi == 0);

	/* NOP: just the record. */
	h.nlog = 0;
	desc = (struct siovdev_desc){ .opcode = SIOVDEV_OP_NOP,
		.flags = SIOVDEV_DF_COMPLETION, .completion = MEM_BASE + 0xfe00,
		.tag = 9 };
	CHECK(siovdev_submit(d, 1, &desc) == 0);
	CHECK(h.nlog == 1 && h.mem[0xfe00] == SIOVDEV_CS_SUCCESS);
	CHECK(le64(&h.mem[0xfe10]) == 9);
	/* Invalid: no data DMA, status INVALID, ERROR says so. */
	h.nlog = 0;
	desc.opcode = 7;
	CHECK(siovdev_submit(d, 1, &desc) == 0);
	CHECK(h.nlog == 1 && h.mem[0xfe00] == SIOVDEV_CS_INVALID);
	CHECK(rr(d, ADI(1, ERROR)) == ERR(DESC_INVALID));
	rw(d, ADI(1, ERROR), SIOVDEV_ADI_ERROR_VALID);
	/* Misaligned record address: dropped, no DMA at all. */
	h.nlog = 0;
	desc.opcode = SIOVDEV_OP_NOP;
	desc.completion += 8;
	CHECK(siovdev_submit(d, 1, &desc) == 0);
	CHECK(h.nlog == 0 && rr(d, ADI(1, ERROR)) == ERR(INVALID));
	CHECK(rr(d, ADI(1, DROPPED)) == 1 && rr(d, ADI(1, COMPLETED)) == 3);
	/* Without COMPLETION: the data, and no record. */
	h.nlog = 0;
	memset(&h.mem[0xfd00], 0xee, 32);
	desc = (struct siovdev_desc){ .opcode = SIOVDEV_OP_MEMFILL,
		.size = 8, .completion = MEM_BASE + 0xfd00,
		.src = 0x4242424242424242ull, .dst = MEM_BASE + 0x9000 };
	CHECK(siovdev_submit(d, 1, &desc) == 0);
	CHECK(h.nlog == 1 && h.mem[0x9000] == 0x42 && h.mem[0xfd00] == 0xee);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_page_fault(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = copy_desc(MEM_BASE, MEM_BASE + 0x5800,
					     0x1000, SIOVDEV_DF_COMPLETION);
	bool ok = false;

	CHECK(d);
	h.deny_lo = MEM_BASE + 0x6000;
	h.deny_hi = MEM_BASE + 0x7000;
	CHECK(siovdev_submit(d, 3, &desc) == 0);
	CHECK(crec(&h)[0] == SIOVDEV_CS_PAGE_FAULT);
	CHECK(crec(&h)[1] == SIOVDEV_CR_FAULT_WRITE);
	CHECK((uint32_t)le64(crec(&h) + 4) == 0x800);
	CHECK(le64(crec(&h) + 8) == MEM_BASE + 0x6000);
	CHECK(rr(d, ADI(3, ERROR)) == ERR(DESC_FAULT));
	CHECK(rr(d, ADI(3, STATUS)) == (SIOVDEV_ADI_STATUS_ENABLED |
					SIOVDEV_ADI_STATUS_ERROR));
	CHECK(rr(d, SIOVDEV_REG_ERR_SUMMARY) == 1u << 3);
	rw(d, ADI(3, ERROR), SIOVDEV_ADI_ERROR_VALID);
	CHECK(rr(d, ADI(3, ERROR)) == 0 && rr(d, SIOVDEV_REG_ERR_SUMMARY) == 0);
	/* A read fault names the source. */
	desc = copy_desc(MEM_BASE + 0x6ff0, MEM_BASE, 0x20,
			 SIOVDEV_DF_COMPLETION);
	CHECK(siovdev_submit(d, 3, &desc) == 0);
	CHECK(crec(&h)[0] == SIOVDEV_CS_PAGE_FAULT && crec(&h)[1] == 0);
	CHECK(le64(crec(&h) + 8) == MEM_BASE + 0x6ff0);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_ims(int fault)
{
	static struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc nop = { .opcode = SIOVDEV_OP_NOP,
				    .flags = SIOVDEV_DF_INTERRUPT };
	struct siovdev_adi_probe p;
	size_t n;
	bool ok = false;

	CHECK(d);
	rw(d, IMS(20, ADDR_LO), 0xfee01000);
	rw(d, IMS(20, DATA), 0x55);
	rw(d, ADI(1, IRQ), 20);
	rw(d, ADI(1, IRQ), 32);			/* no such entry: ignored */
	CHECK(rr(d, ADI(1, IRQ)) == 20);
	CHECK(rr(d, IMS(20, CTRL)) == SIOVDEV_IRQ_CTRL_MASK);
	/* Masked: held pending, not sent. */
	CHECK(siovdev_submit(d, 1, &nop) == 0);
	CHECK(h.nmsi == 0);
	CHECK(rr(d, IMS(20, CTRL)) == (SIOVDEV_IRQ_CTRL_MASK |
				       SIOVDEV_IRQ_CTRL_PENDING));
	CHECK(siovdev_adi_probe(d, 1, &p) == 0);
	CHECK(p.irq == 20 && p.irq_masked && p.irq_pending);
	/* Unmasked: sent once, pending gone. */
	rw(d, IMS(20, CTRL), 0);
	CHECK(h.nmsi == 1 && h.msi[0].addr == 0xfee01000 &&
	      h.msi[0].data == 0x55);
	CHECK(rr(d, IMS(20, CTRL)) == 0);
	rw(d, IMS(20, CTRL), 0);
	CHECK(h.nmsi == 1);
	n = trace(d, 1, ev);
	CHECK(n && ev[n - 1].kind == SIOVDEV_EV_IRQ && ev[n - 1].arg == 20);
	/* Not asked for: no interrupt. Asked for: entry 20's message. */
	nop.flags = 0;
	CHECK(siovdev_submit(d, 1, &nop) == 0);
	CHECK(h.nmsi == 1);
	nop.flags = SIOVDEV_DF_INTERRUPT;
	CHECK(siovdev_submit(d, 1, &nop) == 0);
	CHECK(h.nmsi == 2 && h.msi[1].data == 0x55);
	/* Bus master off: the message waits too. */
	cw(d, 0x04, 2, 0x2);
	rw(d, IMS(20, CTRL), 1);
	CHECK(siovdev_submit(d, 1, &nop) == 0);
	CHECK(h.nmsi == 2);
	/* Latched with bus master on, unmasked with it off: still no
	 * message; masked and unmasked again with it on: sent. */
	cw(d, 0x04, 2, 0x6);
	CHECK(siovdev_submit(d, 1, &nop) == 0);
	CHECK(h.nmsi == 2);
	cw(d, 0x04, 2, 0x2);
	rw(d, IMS(20, CTRL), 0);
	CHECK(h.nmsi == 2);
	cw(d, 0x04, 2, 0x6);
	rw(d, IMS(20, CTRL), 1);
	rw(d, IMS(20, CTRL), 0);
	CHECK(h.nmsi == 3 && h.msi[2].data == 0x55);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_msix(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc nop = { .opcode = SIOVDEV_OP_NOP };
	bool ok = false;

	CHECK(d);
	rw(d, SIOVDEV_MSIX_TABLE + SIOVDEV_IRQ_ADDR_LO, 0xfee0f000);
	rw(d, SIOVDEV_MSIX_TABLE + SIOVDEV_IRQ_DATA, 0x99);
	rw(d, SIOVDEV_MSIX_TABLE + SIOVDEV_IRQ_CTRL, 0);
	/* An error while MSI-X is off: pending in the PBA. */
	rw(d, ADI(3, CTRL), 0);
	CHECK(siovdev_submit(d, 3, &nop) == -EACCES);
	CHECK(rr(d, ADI(3, ERROR)) == ERR(DISABLED));
	CHECK(h.nmsi == 0 && rr(d, SIOVDEV_MSIX_PBA) == 1);
	cw(d, SIOVDEV_CFG_MSIX + 2, 2, 0xc000);	/* enabled, all masked */
	CHECK(h.nmsi == 0);
	cw(d, SIOVDEV_CFG_MSIX + 2, 2, 0x8000);
	CHECK(h.nmsi == 1 && h.msi[0].data == 0x99);
	CHECK(rr(d, SIOVDEV_MSIX_PBA) == 0);
	/* The first error stays; later ones only count. */
	CHECK(siovdev_submit(d, 3, &nop) == -EACCES);
	CHECK(h.nmsi == 1 && rr(d, ADI(3, DROPPED)) == 2);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static struct siovdev_desc fill_desc(uint64_t dst, uint8_t byte)
{
	return (struct siovdev_desc){ .opcode = SIOVDEV_OP_MEMFILL,
		.size = 16, .src = byte * 0x0101010101010101ull, .dst = dst };
}

static bool s_queue(int fault)
{
	static struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc;
	size_t n;
	bool ok = false;
	int i;

	CHECK(d);
	rw(d, ADI(4, QSIZE), 3);		/* enabled: ignored */
	CHECK(rr(d, ADI(4, QSIZE)) == 16);
	rw(d, ADI(4, CTRL), 0);
	rw(d, ADI(4, QSIZE), 0);		/* out of range: ignored */
	rw(d, ADI(4, QSIZE), 3);
	CHECK(rr(d, ADI(4, QSIZE)) == 3);
	rw(d, ADI(4, CTRL), SIOVDEV_ADI_CTRL_ENABLE | SIOVDEV_ADI_CTRL_HOLD);
	CHECK(rr(d, ADI(4, STATUS)) == (SIOVDEV_ADI_STATUS_ENABLED |
					SIOVDEV_ADI_STATUS_HELD));
	for (i = 0; i < 3; i++) {
		desc = fill_desc(MEM_BASE + 0x100 * (uint64_t)i, 0x11);
		CHECK(siovdev_submit(d, 4, &desc) == 0);
	}
	desc = fill_desc(MEM_BASE + 0x300, 0x11);
	CHECK(siovdev_submit(d, 4, &desc) == -EBUSY);
	CHECK(rr(d, ADI(4, QUEUED)) == 3 && rr(d, ADI(4, DROPPED)) == 1);
	CHECK(rr(d, ADI(4, ERROR)) == ERR(QUEUE_FULL));
	CHECK(h.nlog == 0);
	/* Drain: all three run, held or not. */
	rw(d, ADI(4, DRAIN), 1);
	CHECK(rr(d, ADI(4, QUEUED)) == 0 && rr(d, ADI(4, COMPLETED)) == 3);
	CHECK(h.mem[0x000] == 0x11 && h.mem[0x10f] == 0x11 &&
	      h.mem[0x20f] == 0x11 && h.mem[0x300] == 0);
	n = trace(d, 4, ev);
	CHECK(n == 8 && ev[4].kind == SIOVDEV_EV_DRAIN &&
	      ev[7].kind == SIOVDEV_EV_DMA);
	/* Releasing the hold runs the queue too. */
	desc = fill_desc(MEM_BASE + 0x400, 0x22);
	CHECK(siovdev_submit(d, 4, &desc) == 0 && h.mem[0x400] == 0);
	rw(d, ADI(4, CTRL), SIOVDEV_ADI_CTRL_ENABLE);
	CHECK(h.mem[0x400] == 0x22 && rr(d, ADI(4, QUEUED)) == 0);
	/* Disabling finishes accepted work, then refuses new work. */
	rw(d, ADI(4, CTRL), SIOVDEV_ADI_CTRL_ENABLE | SIOVDEV_ADI_CTRL_HOLD);
	desc = fill_desc(MEM_BASE + 0x500, 0x33);
	CHECK(siovdev_submit(d, 4, &desc) == 0);
	rw(d, ADI(4, CTRL), 0);
	CHECK(h.mem[0x500] == 0x33);
	n = trace(d, 4, ev);
	CHECK(ev[n - 1].kind == SIOVDEV_EV_DISABLE &&
	      ev[n - 2].kind == SIOVDEV_EV_DMA);
	rw(d, ADI(4, ERROR), SIOVDEV_ADI_ERROR_VALID);
	h.nlog = 0;
	desc = fill_desc(MEM_BASE + 0x600, 0x44);
	CHECK(siovdev_submit(d, 4, &desc) == -EACCES);
	portal_submit(d, 4, &desc);
	CHECK(h.nlog == 0 && rr(d, ADI(4, DROPPED)) == 3);
	CHECK(rr(d, ADI(4, ERROR)) == ERR(DISABLED));
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_reset(int fault)
{
	static struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = fill_desc(MEM_BASE, 0x55);
	struct siovdev_adi_probe p;
	size_t n;
	bool ok = false;

	CHECK(d);
	rw(d, ADI(5, CTRL), SIOVDEV_ADI_CTRL_ENABLE | SIOVDEV_ADI_CTRL_HOLD);
	rw(d, ADI(5, IRQ), 9);
	CHECK(siovdev_submit(d, 5, &desc) == 0);
	CHECK(siovdev_submit(d, 5, &desc) == 0);
	rw(d, ADI(5, RESET), 1);
	CHECK(rr(d, ADI(5, RESET)) == 0);
	CHECK(siovdev_adi_probe(d, 5, &p) == 0);
	CHECK(!p.enabled && !p.held && !p.pasid_valid && p.pasid == 0);
	CHECK(p.queued == 0 && p.qsize == 16 && p.irq == 5);
	CHECK(p.error == 0 && p.dropped == 0 && p.completed == 0);
	CHECK(h.nlog == 0);
	n = trace(d, 5, ev);
	CHECK(n && ev[n - 1].kind == SIOVDEV_EV_RESET);
	/* Reprogrammed: only new work runs. */
	rw(d, ADI(5, PASID), SIOVDEV_ADI_PASID_VALID | 0x99);
	rw(d, ADI(5, CTRL), SIOVDEV_ADI_CTRL_ENABLE);
	desc = fill_desc(MEM_BASE + 0x100, 0x66);
	CHECK(siovdev_submit(d, 5, &desc) == 0);
	CHECK(rr(d, ADI(5, COMPLETED)) == 1 && h.mem[0] == 0);
	CHECK(h.mem[0x100] == 0x66 && requests_ok(&h, 0x99));
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static bool s_pasid(int fault)
{
	static struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = fill_desc(MEM_BASE, 0x77);
	uint32_t pasid_ctrl, dropped;
	size_t n;
	bool ok = false;

	CHECK(d);
	pasid_ctrl = siovdev_cfg_ext_offset(d, SIOVDEV_EXT_ID_PASID) + 6;
	rw(d, ADI(6, PASID), SIOVDEV_ADI_PASID_VALID | 0xfffffff);
	CHECK(rr(d, ADI(6, PASID)) == (SIOVDEV_ADI_PASID_VALID | 0xfffff));
	rw(d, ADI(6, PASID), SIOVDEV_ADI_PASID_VALID | 0x4242);
	CHECK(siovdev_submit(d, 6, &desc) == 0);
	CHECK(h.nlog == 1 && requests_ok(&h, 0x4242));
	/* Invalidated: accepted, but no DMA. */
	rw(d, ADI(6, PASID), 0);
	n = trace(d, 6, ev);
	CHECK(ev[n - 1].kind == SIOVDEV_EV_PASID_CLEAR &&
	      ev[n - 1].arg == 0x4242);
	CHECK(siovdev_submit(d, 6, &desc) == 0);
	CHECK(h.nlog == 1 && rr(d, ADI(6, ERROR)) == ERR(NO_PASID));
	CHECK(rr(d, ADI(6, DROPPED)) == 1);
	/* The parent's PASID capability disabled: no DMA either. */
	rw(d, ADI(6, PASID), SIOVDEV_ADI_PASID_VALID | 0x4242);
	rw(d, ADI(6, ERROR), SIOVDEV_ADI_ERROR_VALID);
	cw(d, pasid_ctrl, 2, 0);
	CHECK(siovdev_submit(d, 6, &desc) == 0);
	CHECK(h.nlog == 1 && rr(d, ADI(6, ERROR)) == ERR(PASID_DISABLED));
	/* Nor with bus master off. */
	cw(d, pasid_ctrl, 2, 1);
	rw(d, ADI(6, ERROR), SIOVDEV_ADI_ERROR_VALID);
	cw(d, 0x04, 2, 0x2);
	CHECK(siovdev_submit(d, 6, &desc) == 0);
	CHECK(h.nlog == 1 && rr(d, ADI(6, ERROR)) == ERR(BUS_MASTER));
	cw(d, 0x04, 2, 0x6);
	CHECK(siovdev_submit(d, 6, &desc) == 0 && h.nlog == 2);
	/* Memory space off: the portal write is not claimed at all, so
	 * the ADI neither runs nor drops it. */
	dropped = rr(d, ADI(6, DROPPED));
	cw(d, 0x04, 2, 0x4);
	CHECK(siovdev_submit(d, 6, &desc) == -EIO && h.nlog == 2);
	cw(d, 0x04, 2, 0x6);
	CHECK(rr(d, ADI(6, DROPPED)) == dropped);
	CHECK(siovdev_submit(d, 6, &desc) == 0 && h.nlog == 3);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

/* PRI on, as a parent driver enables it; returns the PRI status offset. */
static uint32_t pri_on(struct siovdev *d)
{
	uint32_t pri = siovdev_cfg_ext_offset(d, SIOVDEV_EXT_ID_PRI);

	cw(d, pri + 0x0c, 4, cr(d, pri + 0x08, 4));	/* allocation */
	cw(d, pri + 4, 2, 1);
	return pri + 6;
}

/*
 * Block-on-fault: the fault becomes a page request and the descriptor
 * waits at the head; SUCCESS retries it, INVALID completes it with the
 * fault, FAILURE too and stops page requests; reset forgets the wait.
 */
static bool s_pri(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = copy_desc(MEM_BASE, MEM_BASE + 0x6000,
					     0x100, SIOVDEV_DF_COMPLETION |
					     SIOVDEV_DF_BLOCK_ON_FAULT);
	struct siovdev_desc next = fill_desc(MEM_BASE + 0x100, 0x55);
	struct siovdev_adi_probe p;
	uint32_t sts;
	bool ok = false;

	CHECK(d);
	sts = pri_on(d);
	CHECK(!(cr(d, sts, 2) & 0x100));	/* enabled: not stopped */
	h.deny_lo = MEM_BASE + 0x6000;
	h.deny_hi = MEM_BASE + 0x7000;
	CHECK(siovdev_submit(d, 2, &desc) == 0);
	CHECK(siovdev_submit(d, 2, &next) == 0);
	CHECK(h.npr == 1 && h.pr[0].pasid == PASID_OF(2) && h.pr[0].last);
	CHECK(h.pr[0].addr == MEM_BASE + 0x6000 &&
	      h.pr[0].perm == SIOVDEV_PR_WRITE);
	CHECK(crec(&h)[0] == SIOVDEV_CS_NONE && rr(d, ADI(2, QUEUED)) == 2);
	CHECK(siovdev_adi_probe(d, 2, &p) == 0 && p.page_wait &&
	      p.page_prg == h.pr[0].prg);
	/* Wrong group, then the right one after the page is made present. */
	siovdev_page_response(d, PASID_OF(2), (uint16_t)(h.pr[0].prg + 1),
			      SIOVDEV_PR_SUCCESS);
	CHECK(rr(d, ADI(2, QUEUED)) == 2 && siovdev_pri_unexpected(d) == 1);
	h.deny_lo = h.deny_hi = 0;
	siovdev_page_response(d, PASID_OF(2), h.pr[0].prg, SIOVDEV_PR_SUCCESS);
	CHECK(crec(&h)[0] == SIOVDEV_CS_SUCCESS && rr(d, ADI(2, QUEUED)) == 0);
	CHECK(h.mem[0x6000] == h.mem[0] && h.mem[0x100] == 0x55);
	/* INVALID: completed with the fault, the next one runs. */
	h.deny_lo = MEM_BASE + 0x6000;
	h.deny_hi = MEM_BASE + 0x7000;
	memset(&h.mem[0xff00], 0, 32);
	CHECK(siovdev_submit(d, 2, &desc) == 0 && h.npr == 2);
	siovdev_page_response(d, PASID_OF(2), h.pr[1].prg, SIOVDEV_PR_INVALID);
	CHECK(crec(&h)[0] == SIOVDEV_CS_PAGE_FAULT &&
	      le64(crec(&h) + 8) == MEM_BASE + 0x6000);
	CHECK(rr(d, ADI(2, ERROR)) == ERR(DESC_FAULT) &&
	      !(cr(d, sts, 2) & 1));
	/* Reset forgets the wait; the queue runs again afterwards. */
	CHECK(siovdev_submit(d, 2, &desc) == 0 && h.npr == 3);
	rw(d, ADI(2, RESET), 1);
	rw(d, ADI(2, PASID), SIOVDEV_ADI_PASID_VALID | PASID_OF(2));
	rw(d, ADI(2, CTRL), SIOVDEV_ADI_CTRL_ENABLE);
	CHECK(siovdev_submit(d, 2, &next) == 0 && rr(d, ADI(2, QUEUED)) == 0);
	siovdev_page_response(d, PASID_OF(2), h.pr[2].prg, SIOVDEV_PR_SUCCESS);
	CHECK(siovdev_pri_unexpected(d) == 2);
	/* FAILURE: the fault completes it and page requests stop. */
	CHECK(siovdev_submit(d, 2, &desc) == 0 && h.npr == 4);
	siovdev_page_response(d, PASID_OF(2), h.pr[3].prg, SIOVDEV_PR_FAILURE);
	CHECK(crec(&h)[0] == SIOVDEV_CS_PAGE_FAULT && (cr(d, sts, 2) & 1));
	memset(&h.mem[0xff00], 0, 32);
	CHECK(siovdev_submit(d, 2, &desc) == 0 && h.npr == 4);
	CHECK(crec(&h)[0] == SIOVDEV_CS_PAGE_FAULT);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

/* A host that keeps answering SUCCESS without mapping: bounded retries;
 * DRAIN gives up on a wait; PRI off and idle reads "stopped". */
static bool s_pri_retry(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = copy_desc(MEM_BASE + 0x6000, MEM_BASE,
					     0x40, SIOVDEV_DF_COMPLETION |
					     SIOVDEV_DF_BLOCK_ON_FAULT);
	uint32_t sts, i;
	bool ok = false;

	CHECK(d);
	sts = pri_on(d);
	h.deny_lo = MEM_BASE + 0x6000;
	h.deny_hi = MEM_BASE + 0x7000;
	CHECK(siovdev_submit(d, 5, &desc) == 0);
	for (i = 0; i < SIOVDEV_PR_RETRIES; i++) {
		CHECK(h.npr == i + 1 && h.pr[i].perm == SIOVDEV_PR_READ);
		siovdev_page_response(d, PASID_OF(5), h.pr[i].prg,
				      SIOVDEV_PR_SUCCESS);
	}
	CHECK(h.npr == SIOVDEV_PR_RETRIES && rr(d, ADI(5, QUEUED)) == 0);
	CHECK(crec(&h)[0] == SIOVDEV_CS_PAGE_FAULT && crec(&h)[1] == 0);
	/* DRAIN while waiting: completed with the fault. */
	memset(&h.mem[0xff00], 0, 32);
	CHECK(siovdev_submit(d, 5, &desc) == 0 &&
	      h.npr == SIOVDEV_PR_RETRIES + 1);
	cw(d, sts - 2, 2, 0);			/* PRI off, one outstanding */
	CHECK(!(cr(d, sts, 2) & 0x100));
	rw(d, ADI(5, DRAIN), 1);
	CHECK(crec(&h)[0] == SIOVDEV_CS_PAGE_FAULT && (cr(d, sts, 2) & 0x100));
	/* A host that refuses the request: the fault is unrecoverable. */
	pri_on(d);
	h.pr_ret = -ENOSPC;
	memset(&h.mem[0xff00], 0, 32);
	CHECK(siovdev_submit(d, 5, &desc) == 0 &&
	      crec(&h)[0] == SIOVDEV_CS_PAGE_FAULT);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

/* A PRG index is never that of an outstanding group: ADI 3 sends more
 * requests than there are indices while ADI 2's group is outstanding. */
static bool s_pri_prg(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc desc = copy_desc(MEM_BASE + 0x6000, MEM_BASE,
					     0x40, SIOVDEV_DF_COMPLETION |
					     SIOVDEV_DF_BLOCK_ON_FAULT);
	uint16_t held;
	uint32_t i;
	bool ok = false;

	CHECK(d);
	pri_on(d);
	h.deny_lo = MEM_BASE + 0x6000;
	h.deny_hi = MEM_BASE + 0x7000;
	CHECK(siovdev_submit(d, 2, &desc) == 0 && h.npr == 1);
	held = h.pr[0].prg;
	for (i = 0; i <= 512; i++) {
		h.npr = 0;
		CHECK(siovdev_submit(d, 3, &desc) == 0 && h.npr == 1);
		CHECK(h.pr[0].prg != held);
		siovdev_page_response(d, PASID_OF(3), h.pr[0].prg,
				      SIOVDEV_PR_INVALID);
		CHECK(rr(d, ADI(3, QUEUED)) == 0);
	}
	CHECK(rr(d, ADI(2, QUEUED)) == 1);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

/* The log keeps the newest SIOVDEV_EVENT_DEPTH events. */
/*
 * BAR0 as a guest sees it: RO registers ignore writes, accesses that are
 * not naturally aligned (or of another size) are -EINVAL and change
 * nothing, ERR_SUMMARY and the PBA follow the ADIs' errors.
 */
static bool s_bar0(int fault)
{
	struct host h;
	struct siovdev *d = setup(&h, fault);
	struct siovdev_desc nop = { .opcode = SIOVDEV_OP_NOP };
	uint8_t b[8] = { 1, 0, 0, 0, 1, 0, 0, 0 };
	bool ok = false;

	CHECK(d);
	CHECK(siovdev_submit(d, 5, &nop) == 0);
	CHECK(rr(d, ADI(5, COMPLETED)) == 1 && rr(d, ADI(5, DROPPED)) == 0);
	rw(d, ADI(5, COMPLETED), 7);
	rw(d, ADI(5, DROPPED), 9);
	rw(d, ADI(5, QUEUED), 3);
	rw(d, SIOVDEV_REG_NR_ADIS, 1);
	CHECK(rr(d, ADI(5, COMPLETED)) == 1 && rr(d, ADI(5, DROPPED)) == 0);
	CHECK(rr(d, ADI(5, QUEUED)) == 0 && rr(d, SIOVDEV_REG_NR_ADIS) == 8);
	/* Unaligned: refused, and the write does not reset ADI 6. */
	CHECK(siovdev_bar_read(d, 0, SIOVDEV_REG_NR_ADIS + 2, b, 4) ==
	      -EINVAL);
	CHECK(siovdev_bar_write(d, 0, ADI(6, RESET) - 4, b, 8) == -EINVAL);
	CHECK(siovdev_bar_write(d, 0, ADI(6, RESET) + 1, b, 4) == -EINVAL);
	CHECK(siovdev_bar_write(d, 0, ADI(6, RESET), b, 2) == -EINVAL);
	CHECK(rr(d, ADI(6, CTRL)) == SIOVDEV_ADI_CTRL_ENABLE);
	/* An error: ERR_SUMMARY bit 6, and vector 0 pending (MSI-X off). */
	rw(d, ADI(6, CTRL), 0);
	CHECK(siovdev_submit(d, 6, &nop) == -EACCES);
	CHECK(siovdev_bar_read(d, 0, SIOVDEV_REG_ERR_SUMMARY, b, 8) == 0);
	CHECK(b[0] == 1u << 6 && !b[1] && !b[4]);
	CHECK(rr(d, SIOVDEV_MSIX_PBA) == 1);
	ok = true;
out:
	siovdev_destroy(d);
	return ok;
}

static void test_event_ring(void)
{
	static struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
	struct host h;
	struct siovdev *d = setup(&h, 0);
	size_t n, i;

	ASSERT_TRUE(d != NULL);
	for (i = 0; i < SIOVDEV_EVENT_DEPTH + 10; i++)
		rw(d, ADI(0, DRAIN), 1);
	n = trace(d, 0, ev);
	EXPECT_EQ(n, SIOVDEV_EVENT_DEPTH);
	for (i = 0; i < n; i++)
		EXPECT_EQ(ev[i].kind, SIOVDEV_EV_DRAIN);
	EXPECT_EQ(ev[n - 1].seq - ev[0].seq, n - 1);
	EXPECT_EQ(siovdev_adi_trace(d, 8, ev, 1, &n), -EINVAL);
	EXPECT_EQ(siovdev_adi_trace(d, 0, ev, 2, &n), 0);
	EXPECT_EQ(n, 2);
	siovdev_destroy(d);
}

int main(void)
{
	static const struct tap_test fixed[] = {
		{ "event log ring", test_event_ring },
	};
	static const struct tap_scenario scen[] = {
		{ "engine: copy", s_copy },
		{ "engine: fill, nop, invalid", s_fill },
		{ "engine: page faults", s_page_fault },
		{ "IMS masking and pending", s_ims },
		{ "MSI-X error vector", s_msix },
		{ "queue, hold, drain, disable", s_queue },
		{ "ADI reset", s_reset },
		{ "PASID and bus-master gates", s_pasid },
		{ "BAR0: RO registers, alignment, ERR_SUMMARY", s_bar0 },
		{ "PRI: page wait and responses", s_pri },
		{ "PRI: retries, drain, refusal", s_pri_retry },
		{ "PRI: group indices stay unique", s_pri_prg },
	};

	return run_all(fixed, sizeof(fixed) / sizeof(fixed[0]), scen,
		       sizeof(scen) / sizeof(scen[0]), false);
}
