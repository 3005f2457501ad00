// SPDX-License-Identifier: MIT
/*
 * The oracle of the siovdev_mmio fuzz target: what siovdev.h's contract
 * says each guest access may and must do, checked against the device's
 * answers, its probes, its event log, the fake host's DMA requests and
 * messages. Which property each check holds, and the siovdev fault that
 * shows it can fail, is in siovdev_mmio.c's header comment. Everything
 * here is FZ_ORACLE: the fuzzer steers by the device's code, not ours.
 */
#include <string.h>

#include "fuzz/common/fuzz.h"
#include "siovdev_mmio.h"

/* A single descriptor's request: inside its ranges, the record last. */
FZ_ORACLE static void mo_dma_single(uint64_t addr, size_t len, bool write)
{
	const struct siovdev_desc *dc = &mm.cur.desc;
	bool want_cr = dc->flags & SIOVDEV_DF_COMPLETION;
	bool data_r = mm.cur.desc_valid && dc->opcode == SIOVDEV_OP_MEMCOPY &&
		      !write && inside(addr, len, dc->src, dc->size);
	bool data_w = mm.cur.desc_valid && dc->opcode != SIOVDEV_OP_NOP &&
		      write && inside(addr, len, dc->dst, dc->size);
	bool record = write && len == SIOVDEV_CR_SIZE &&
		      addr == dc->completion;

	if (mm.cur.record_seen)
		fz_fail("DMA (%#llx, %zu) after the completion record",
			(unsigned long long)addr, len);
	if (record && !data_w) {
		if (!want_cr)
			fz_fail("a completion record at %#llx without the "
				"COMPLETION flag", (unsigned long long)addr);
		mm.cur.record_seen = true;
		return;
	}
	if (!data_r && !data_w)
		fz_fail("%s DMA (%#llx, %zu) outside the descriptor's %s "
			"(op %u, size %u, src %#llx, dst %#llx)",
			write ? "write" : "read", (unsigned long long)addr,
			len, mm.cur.desc_valid ? "ranges" : "record (invalid "
			"descriptor)", dc->opcode, dc->size,
			(unsigned long long)dc->src,
			(unsigned long long)dc->dst);
}

/* One DMA request of the access in flight (mm.cur). */
FZ_ORACLE void mo_dma_check(uint32_t pasid, uint64_t addr, size_t len,
			    bool write)
{
	if (mm.cur.adi < 0)
		fz_fail("DMA (%#llx, %zu) from an access that runs no ADI queue",
			(unsigned long long)addr, len);
	if (!mm.cur.gate)
		fz_fail("ADI %d DMAs with %s", mm.cur.adi, mm.cur.shut);
	if (pasid != mm.cur.pasid)
		fz_fail("ADI %d DMAs with PASID %#x, its PASID is %#x",
			mm.cur.adi, pasid, mm.cur.pasid);
	if (!len || len > PAGE || addr / PAGE != (addr + len - 1) / PAGE)
		fz_fail("DMA request (%#llx, %zu) crosses a 4 KiB boundary",
			(unsigned long long)addr, len);
	if (mm.cur.strict)
		mo_dma_single(addr, len, write);
}

FZ_ORACLE void mo_probe_all(struct siovdev_adi_probe *p)
{
	uint32_t n;

	for (n = 0; n < mm.cfg.nr_adis; n++)
		if (siovdev_adi_probe(mm.d, n, &p[n]))
			fz_fail("adi_probe(%u) failed", n);
}

/* The ADI state a guest can change (not its interrupt entry's bits). */
FZ_ORACLE static bool mo_same_adi(const struct siovdev_adi_probe *a,
				  const struct siovdev_adi_probe *b)
{
	return a->enabled == b->enabled && a->held == b->held &&
	       a->pasid_valid == b->pasid_valid && a->pasid == b->pasid &&
	       a->queued == b->queued && a->qsize == b->qsize &&
	       a->error == b->error && a->dropped == b->dropped &&
	       a->completed == b->completed;
}

FZ_ORACLE void mo_reset_values(uint32_t n, const char *what)
{
	const struct siovdev_adi_probe *p = &mm.p1[n];

	if (p->enabled || p->held || p->pasid_valid || p->pasid ||
	    p->queued || p->qsize != mm.cfg.max_queue || p->error ||
	    p->dropped || p->completed)
		fz_fail("after %s ADI %u is not at its reset values: enabled "
			"%d held %d PASID %#x valid %d queued %u qsize %u "
			"error %#x dropped %u completed %u", what, n,
			p->enabled, p->held, p->pasid, p->pasid_valid,
			p->queued, p->qsize, p->error, p->dropped,
			p->completed);
}

FZ_ORACLE static uint64_t mo_total(const struct siovdev_adi_probe *p)
{
	return (uint64_t)p->queued + p->dropped + p->completed;
}

/*
 * The counters of ADI n after an access that submitted `sub` descriptors
 * to it (0 or 1) and did not reset it: every descriptor is queued,
 * dropped (at the door or at the turn) or completed, and only once; an
 * enabled, unheld ADI's queue is empty; with the gate shut nothing
 * completes.
 */
FZ_ORACLE void mo_counters(uint32_t n, unsigned int sub, bool gate)
{
	const struct siovdev_adi_probe *a = &mm.p0[n], *b = &mm.p1[n];

	if (mo_total(b) != mo_total(a) + sub)
		fz_fail("ADI %u: queued+dropped+completed went from %llu to "
			"%llu with %u descriptor(s) submitted", n,
			(unsigned long long)mo_total(a),
			(unsigned long long)mo_total(b), sub);
	if (b->queued > b->qsize)
		fz_fail("ADI %u queues %u descriptors, QSIZE %u", n,
			b->queued, b->qsize);
	if (b->enabled && !b->held && !b->page_wait && b->queued)
		fz_fail("ADI %u is enabled, not held, and keeps %u queued", n,
			b->queued);
	if (!gate && b->completed != a->completed)
		fz_fail("ADI %u completed a descriptor with %s", n,
			mm.cur.shut);
}

/* Is message i the one entry e holds? */
FZ_ORACLE static bool is_msg(unsigned int i, const struct entry *e)
{
	return mm.msg[i].addr == ((uint64_t)e->addr_hi << 32 | e->addr_lo) &&
	       mm.msg[i].data == e->data;
}

/* Every message came from an entry that is unmasked now. */
FZ_ORACLE void mo_msgs(void)
{
	unsigned int i, n = mm.nmsg < MAX_MSGS ? mm.nmsg : MAX_MSGS;
	uint32_t k;

	for (i = 0; i < n; i++) {
		bool from = false;

		for (k = 0; k < mm.nr_msix && !from; k++)
			from = mm_unmasked(false, &mm.msix[k]) &&
			       is_msg(i, &mm.msix[k]);
		for (k = 0; k < mm.nr_ims && !from; k++)
			from = mm_unmasked(true, &mm.ims[k]) &&
			       is_msg(i, &mm.ims[k]);
		if (!from)
			fz_fail("message (%#llx, %#x) from no unmasked entry",
				(unsigned long long)mm.msg[i].addr,
				mm.msg[i].data);
	}
}

FZ_ORACLE static bool mo_sent(const struct entry *e)
{
	unsigned int i, n = mm.nmsg < MAX_MSGS ? mm.nmsg : MAX_MSGS;

	for (i = 0; i < n; i++)
		if (is_msg(i, e))
			return true;
	return false;
}

/* The sequence number of ADI n's newest event (0: none). */
FZ_ORACLE uint64_t mo_newest_event(uint32_t n)
{
	size_t cnt = 0;

	siovdev_adi_trace(mm.d, n, mm.ev, SIOVDEV_EVENT_DEPTH, &cnt);
	return cnt ? mm.ev[cnt - 1].seq : 0;
}

/*
 * ADI n's events of this access: IRQs only when asked, only through its
 * entry. (A message held pending and sent by a later access to the
 * tables is logged then, with the entry it was raised on: not looked at.)
 */
FZ_ORACLE static void mo_events(uint32_t n)
{
	uint32_t want = mm.nr_ims ? mm.irq[n] : 1 + n;
	size_t i, cnt = 0;

	siovdev_adi_trace(mm.d, n, mm.ev, SIOVDEV_EVENT_DEPTH, &cnt);
	for (i = 0; i < cnt; i++) {
		const struct siovdev_event *e = &mm.ev[i];

		if (e->seq <= mm.seq || e->kind != SIOVDEV_EV_IRQ)
			continue;
		if (!mm.asked[n])
			fz_fail("ADI %u interrupted, and no descriptor it got "
				"asked for one", n);
		if (e->arg != want)
			fz_fail("ADI %u interrupted through entry %u, its IRQ "
				"is %u", n, e->arg, want);
	}
}

/* After any access: other ADIs unchanged, messages from unmasked entries. */
FZ_ORACLE void mo_after(int32_t adi)
{
	uint32_t n;

	mo_probe_all(mm.p1);
	for (n = 0; n < mm.cfg.nr_adis; n++)
		if ((int32_t)n != adi && !mo_same_adi(&mm.p0[n], &mm.p1[n]))
			fz_fail("an access to ADI %d changed ADI %u", adi, n);
	mo_msgs();
	if (adi >= 0)
		mo_events((uint32_t)adi);
}

/* What BAR0 must read at off (4 bytes, aligned), from the model. */
FZ_ORACLE void mo_bar0_read32(uint32_t off, uint32_t got)
{
	const struct siovdev_adi_probe *p;
	uint32_t want = 0, n, reg, idx;
	const struct entry *e;
	uint64_t sum = 0;

	if (off < SIOVDEV_REG_ADI_BASE) {
		for (n = 0; n < mm.cfg.nr_adis; n++)
			if (mm.p1[n].error & SIOVDEV_ADI_ERROR_VALID)
				sum |= 1ull << n;
		switch (off) {
		case SIOVDEV_REG_VERSION: want = 0x00010000; break;
		case SIOVDEV_REG_NR_ADIS: want = mm.cfg.nr_adis; break;
		case SIOVDEV_REG_IMS_SIZE: want = mm.nr_ims; break;
		case SIOVDEV_REG_MAX_QUEUE: want = mm.cfg.max_queue; break;
		case SIOVDEV_REG_ERR_SUMMARY: want = (uint32_t)sum; break;
		case SIOVDEV_REG_ERR_SUMMARY + 4:
			want = (uint32_t)(sum >> 32);
			break;
		}
	} else if (off < SIOVDEV_MSIX_TABLE) {
		n = (off - SIOVDEV_REG_ADI_BASE) / SIOVDEV_REG_ADI_STRIDE;
		reg = off % SIOVDEV_REG_ADI_STRIDE;
		p = &mm.p1[n];
		if (n >= mm.cfg.nr_adis)
			reg = 0xff;
		switch (reg) {
		case SIOVDEV_ADI_CTRL:
			want = p->enabled | p->held << 1;
			break;
		case SIOVDEV_ADI_STATUS:
			want = p->enabled | p->held << 1 |
			       !!(p->error & SIOVDEV_ADI_ERROR_VALID) << 2;
			break;
		case SIOVDEV_ADI_PASID:
			want = p->pasid | (p->pasid_valid ?
					   SIOVDEV_ADI_PASID_VALID : 0);
			break;
		case SIOVDEV_ADI_QSIZE: want = p->qsize; break;
		case SIOVDEV_ADI_IRQ:
			want = mm.irq[n];
			if (mm.nr_ims && p->irq != mm.irq[n])
				fz_fail("ADI %u's IRQ register is %u, it "
					"interrupts through IMS entry %u", n,
					mm.irq[n], p->irq);
			break;
		case SIOVDEV_ADI_QUEUED: want = p->queued; break;
		case SIOVDEV_ADI_ERROR: want = p->error; break;
		case SIOVDEV_ADI_DROPPED: want = p->dropped; break;
		case SIOVDEV_ADI_COMPLETED: want = p->completed; break;
		}
	} else if (off < SIOVDEV_MSIX_PBA || off >= SIOVDEV_IMS_TABLE) {
		bool ims = off >= SIOVDEV_IMS_TABLE;

		idx = (off - (ims ? SIOVDEV_IMS_TABLE : SIOVDEV_MSIX_TABLE)) / 16;
		e = mm_entry(ims, idx);
		if (e) {
			switch (off % 16) {
			case SIOVDEV_IRQ_ADDR_LO: want = e->addr_lo; break;
			case SIOVDEV_IRQ_ADDR_HI: want = e->addr_hi; break;
			case SIOVDEV_IRQ_DATA: want = e->data; break;
			default:
				/* IMS shows its pending bit (a message
				 * raised while masked, or bus master off),
				 * MSI-X keeps it in the PBA. */
				want = e->masked | (ims ? got &
					SIOVDEV_IRQ_CTRL_PENDING : 0);
			}
		}
	} else {
		idx = (off - SIOVDEV_MSIX_PBA) * 8;
		for (n = 0; n < 32 && idx + n < mm.nr_msix; n++)
			want |= got & (1u << n);
	}
	if (got != want)
		fz_fail("BAR0 %#x reads %#x, the model holds %#x", off, got,
			want);
}

/* A pending entry the access unmasked was sent (and is pending no more). */
FZ_ORACLE void mo_unmask(bool ims, uint32_t idx, bool was_pending)
{
	const struct entry *e = mm_entry(ims, idx);

	if (e && was_pending && mm_unmasked(ims, e) && !mo_sent(e))
		fz_fail("%s entry %u was pending and is unmasked, its message "
			"was not sent", ims ? "IMS" : "MSI-X", idx);
}

/* The register semantics of one 4-byte write to ADI n's register reg. */
FZ_ORACLE void mo_adi_write(uint32_t n, uint32_t reg, uint32_t val)
{
	const struct siovdev_adi_probe *a = &mm.p0[n], *b = &mm.p1[n];
	uint32_t mask = (1u << mm.width) - 1;
	struct siovdev_adi_probe want = *a;
	bool reset = reg == SIOVDEV_ADI_RESET && (val & 1);

	if (reset) {
		mo_reset_values(n, "RESET");
		return;
	}
	mo_counters(n, 0, mm.cur.gate);
	switch (reg) {
	case SIOVDEV_ADI_CTRL:
		if (b->enabled != (val & 1) || b->held != !!(val & 2))
			fz_fail("ADI %u CTRL written %#x, reads enabled %d "
				"held %d", n, val, b->enabled, b->held);
		if (a->enabled && !(val & 1) && b->queued)
			fz_fail("ADI %u disabled with %u still queued", n,
				b->queued);
		return;
	case SIOVDEV_ADI_PASID:
		want.pasid_valid = val & SIOVDEV_ADI_PASID_VALID;
		want.pasid = val & mask;
		break;
	case SIOVDEV_ADI_QSIZE:
		if (!a->enabled && val >= 1 && val <= mm.cfg.max_queue)
			want.qsize = val;
		break;
	case SIOVDEV_ADI_DRAIN:
		if ((val & 1) && b->queued)
			fz_fail("ADI %u drained, %u still queued", n,
				b->queued);
		if (val & 1)
			return;	/* counters checked above */
		break;
	case SIOVDEV_ADI_ERROR:
		if (val & SIOVDEV_ADI_ERROR_VALID)
			want.error = 0;
		break;
	}
	if (!mo_same_adi(&want, b))
		fz_fail("ADI %u register %#x written %#x: PASID %#x valid %d "
			"qsize %u error %#x dropped %u completed %u queued %u "
			"(before: PASID %#x valid %d qsize %u error %#x dropped "
			"%u completed %u queued %u)", n, reg, val, b->pasid,
			b->pasid_valid, b->qsize, b->error, b->dropped,
			b->completed, b->queued, a->pasid, a->pasid_valid,
			a->qsize, a->error, a->dropped, a->completed,
			a->queued);
}

/* A descriptor's status in its completion record, as the model says. */
FZ_ORACLE void mo_single(uint32_t n)
{
	const struct siovdev_desc *dc = &mm.cur.desc;
	uint8_t want = !mm.cur.desc_valid ? SIOVDEV_CS_INVALID :
		       mm.cur.dma_failed ? SIOVDEV_CS_PAGE_FAULT :
		       SIOVDEV_CS_SUCCESS;
	const uint8_t *rec;
	uint32_t bytes;

	if (mm.p1[n].completed != mm.p0[n].completed + 1)
		fz_fail("ADI %u ran one descriptor, COMPLETED went %u -> %u",
			n, mm.p0[n].completed, mm.p1[n].completed);
	/* The record as written: only where the memory took it. */
	if (!mm.cur.record_seen || !mm.cur.record_ok ||
	    dc->completion > MEM_SIZE - SIOVDEV_CR_SIZE)
		return;
	rec = &mm.mem[dc->completion];
	bytes = (uint32_t)rec[4] | rec[5] << 8 | rec[6] << 16 |
		(uint32_t)rec[7] << 24;
	if (rec[0] != want)
		fz_fail("ADI %u: completion status %u, expected %u (%s)", n,
			rec[0], want, mm.cur.dma_failed ? "a request failed" :
			"no request failed");
	if (want == SIOVDEV_CS_SUCCESS && dc->opcode != SIOVDEV_OP_NOP &&
	    bytes != dc->size)
		fz_fail("ADI %u: completion says %u bytes of %u", n, bytes,
			dc->size);
}
