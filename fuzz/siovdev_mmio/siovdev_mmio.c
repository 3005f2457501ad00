// SPDX-License-Identifier: MIT
/*
 * siovdev_mmio: the reference SIOV endpoint (harness/ref/siovdev) driven
 * the way a guest driver drives the emulated device of the QEMU binding
 * (vm-images/qemu): config-space reads and writes, BAR0 register and
 * MSI-X/IMS table accesses, BAR2 portal writes and siovdev_submit, at
 * fuzzed offsets and sizes, aligned or not, in range or not. A malicious
 * or buggy guest driver is the input; the device model must stay inside
 * the contract siovdev.h states ("BAR0", "BAR2", "Execution model").
 *
 * Input (struct fz: any byte string decodes):
 *   byte 0      device configuration (config_space's encoding: bit 0
 *               clear is the default configuration, set reads nr_adis,
 *               caps, IMS entries, max queue, PASID width, page sizes)
 *   byte 1      boot: bit 0 memory space + bus master, bit 1 PASID
 *               enable, bit 2 MSI-X enable
 *   byte 2      number of PASID mappings (% 5), then per mapping: u32
 *               PASID, u16 present pages, u16 writable pages of the fake
 *               memory (16 pages of 4 KiB at IOVA 0; the same memory for
 *               every PASID, the translation per PASID decides what a
 *               request may touch; anything else faults)
 *   then ops, one byte each (% NR_OPS) and its operands, to the end.
 *
 * The device is created per input and destroyed at its end: nothing is
 * carried over (no device cache: creating one is cheap next to an
 * input's accesses, bench-fuzz measures it).
 *
 * Oracle, besides ASan/UBSan (each property names the siovdev fault that
 * shows it can fail: fuzz/siovdev_mmio/kills, fuzz/oracle_check.sh):
 *  - DMA: only while an ADI's queue may run, and then only with bus
 *    master, PASID enable and that ADI's PASID_VALID (no-bus-master-check,
 *    no-pasid-enable-check), carrying the ADI's PASID (dma-pasid-zero),
 *    1..4096 bytes never crossing a 4 KiB boundary (copy-crosses-page);
 *    for a descriptor that runs alone: no data DMA for an invalid one
 *    (invalid-desc-runs), writes only inside its destination
 *    (fill-overrun) or its completion record, the record only when asked
 *    (record-unrequested) and last (completion-before-data), its status
 *    PAGE_FAULT exactly when a request failed (fault-reported-success);
 *  - counters: QUEUED + COMPLETED + DROPPED of an ADI grows by exactly
 *    the descriptors submitted to it (drain-drops), a door drop counts in
 *    DROPPED with QUEUED unchanged, a drop at the turn when the gate is
 *    shut (COMPLETED unchanged), QUEUED never above QSIZE
 *    (queue-overflow); siovdev_submit's answer is the documented one
 *    (disabled-runs); an unheld ADI's queue is empty after every access;
 *  - registers: a write does what its register says and RO registers
 *    and other ADIs do not change (adi-counters-writable,
 *    pasid-clear-ignored); every BAR0 read returns what the model holds;
 *    ADI RESET and FLR restore the reset values (reset-keeps-pasid,
 *    reset-keeps-queue, flr-keeps-config);
 *  - accesses: the return of every config and BAR access is the one the
 *    contract gives for its BAR, offset, size and alignment and the
 *    memory space bit (bar-unaligned), and a refused one changes nothing;
 *  - interrupts: every message comes from an entry that is unmasked
 *    (ims-mask-ignored), an ADI interrupts only through its IRQ entry
 *    (irq-wrong-entry) and only when a descriptor asked (irq-unrequested),
 *    and unmasking a pending entry sends it (ims-pending-lost).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/siovdev/siovdev.h"
#include "fuzz/common/fuzz.h"

#define PAGE		4096u
#define MEM_PAGES	16
#define MEM_SIZE	(MEM_PAGES * PAGE)
#define MAX_MAPS	4
#define MAX_MSGS	64
#define MAX_MSIX	(1 + SIOVDEV_MAX_ADIS)

/* Config-space offsets the oracle looks at (siovdev.h). */
#define CFG_COMMAND	0x04
#define CMD_MEMORY	(1u << 1)
#define CMD_MASTER	(1u << 2)
#define CFG_DEVCTL	(SIOVDEV_CFG_PCIE + 0x08)
#define CFG_MSIX_CTRL	(SIOVDEV_CFG_MSIX + 0x02)
#define MSIX_MASKALL	(1u << 14)
#define MSIX_ENABLE	(1u << 15)

struct map {
	uint32_t pasid;
	uint16_t present, writable;	/* one bit per page */
};

struct entry {				/* an MSI-X or IMS entry as written */
	uint32_t addr_lo, addr_hi, data;
	bool masked;
};

/* What the access in flight may do by DMA. */
struct inflight {
	int32_t adi;			/* whose queue may run; -1: none */
	bool gate;			/* BME, PASID enable, PASID_VALID */
	const char *shut;		/* ... else which of them is off */
	uint32_t pasid;
	bool single;			/* exactly desc runs */
	bool strict;			/* ... and its ranges do not overlap */
	struct siovdev_desc desc;
	bool desc_valid;
	bool dma_failed, record_seen, record_ok;
};

static struct st {
	struct siovdev *d;
	struct siovdev_config cfg;
	uint32_t nr_ims, nr_msix, width;
	uint8_t fresh[SIOVDEV_CFG_SIZE];	/* the power-on image */
	uint8_t mem[MEM_SIZE];
	struct map maps[MAX_MAPS];
	unsigned int nmaps;
	struct { uint64_t addr; uint32_t data; } msg[MAX_MSGS];
	unsigned int nmsg;
	struct entry msix[MAX_MSIX], ims[SIOVDEV_MAX_IMS];
	uint32_t irq[SIOVDEV_MAX_ADIS];		/* ADI IRQ registers */
	uint32_t asked[SIOVDEV_MAX_ADIS];	/* INTERRUPT descriptors */
	uint64_t seq;			/* newest event of the ADI at begin */
	bool mem_on, bme, pasid_on, msix_on, msix_mask;
	struct inflight cur;
	struct siovdev_adi_probe p0[SIOVDEV_MAX_ADIS];
	struct siovdev_adi_probe p1[SIOVDEV_MAX_ADIS];
	struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
} s;

/* ---- The injected fault (SIOVH_FUZZ_FAULT, fuzz/oracle_check.sh) ---- */

static const char *const fault_names[] = {
#define FAULT_NAME(code, name, reach, summary) "siovdev-" name,
	SIOVDEV_FAULT_LIST(FAULT_NAME)
#undef FAULT_NAME
};

/*
 * SIOVH_FUZZ_FAULT=siovdev-NAME: the device is created with that fault
 * (UNIT faults included: this target drives the device itself). Any other
 * name is refused the way fz_ref_open refuses a bad spec, which
 * oracle_check.sh reports as "no such fault".
 */
static int fault_get(void)
{
	static int fault = -1;
	const char *name;
	size_t i;

	if (fault >= 0)
		return fault;
	fault = SIOVDEV_FAULT_NONE;
	name = getenv("SIOVH_FUZZ_FAULT");
	if (!name || !*name)
		return fault;
	for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
		if (!strcmp(name, fault_names[i]))
			fault = (int)i + 1;
	if (fault == SIOVDEV_FAULT_NONE)
		fz_fail("target spec \"ref:fault=%s\": not a fault of the "
			"siovdev device model", name);
	fprintf(stderr, "siovh-fuzz: injected fault %s (SIOVH_FUZZ_FAULT)\n",
		name);
	return fault;
}

/* ---- The host: fake memory, per-PASID translation, MSI log ---- */

static const struct map *map_of(uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < s.nmaps; i++)
		if (s.maps[i].pasid == pasid)
			return &s.maps[i];
	return NULL;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static bool inside(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

/* A single descriptor's request: inside its ranges, the record last. */
FZ_ORACLE static void dma_check_single(uint64_t addr, size_t len, bool write)
{
	const struct siovdev_desc *dc = &s.cur.desc;
	bool want_cr = dc->flags & SIOVDEV_DF_COMPLETION;
	bool data_r = s.cur.desc_valid && dc->opcode == SIOVDEV_OP_MEMCOPY &&
		      !write && inside(addr, len, dc->src, dc->size);
	bool data_w = s.cur.desc_valid && dc->opcode != SIOVDEV_OP_NOP &&
		      write && inside(addr, len, dc->dst, dc->size);
	bool record = write && len == SIOVDEV_CR_SIZE &&
		      addr == dc->completion;

	if (s.cur.record_seen)
		fz_fail("DMA (%#llx, %zu) after the completion record",
			(unsigned long long)addr, len);
	if (record && !data_w) {
		if (!want_cr)
			fz_fail("a completion record at %#llx without the "
				"COMPLETION flag", (unsigned long long)addr);
		s.cur.record_seen = true;
		return;
	}
	if (!data_r && !data_w)
		fz_fail("%s DMA (%#llx, %zu) outside the descriptor's %s "
			"(op %u, size %u, src %#llx, dst %#llx)",
			write ? "write" : "read", (unsigned long long)addr,
			len, s.cur.desc_valid ? "ranges" : "record (invalid "
			"descriptor)", dc->opcode, dc->size,
			(unsigned long long)dc->src,
			(unsigned long long)dc->dst);
}

FZ_ORACLE static void dma_check(uint32_t pasid, uint64_t addr, size_t len,
				bool write)
{
	if (s.cur.adi < 0)
		fz_fail("DMA (%#llx, %zu) from an access that runs no ADI queue",
			(unsigned long long)addr, len);
	if (!s.cur.gate)
		fz_fail("ADI %d DMAs with %s", s.cur.adi, s.cur.shut);
	if (pasid != s.cur.pasid)
		fz_fail("ADI %d DMAs with PASID %#x, its PASID is %#x",
			s.cur.adi, pasid, s.cur.pasid);
	if (!len || len > PAGE || addr / PAGE != (addr + len - 1) / PAGE)
		fz_fail("DMA request (%#llx, %zu) crosses a 4 KiB boundary",
			(unsigned long long)addr, len);
	if (s.cur.strict)
		dma_check_single(addr, len, write);
}

static int host_dma(void *host, uint32_t pasid, uint64_t addr, void *buf,
		    size_t len, bool write)
{
	const struct map *m = map_of(pasid);
	uint64_t page = addr / PAGE;
	bool ok;

	(void)host;
	dma_check(pasid, addr, len, write);
	ok = m && addr < MEM_SIZE && len <= MEM_SIZE - addr &&
	     (m->present >> page & 1) &&
	     (!write || (m->writable >> page & 1));
	if (s.cur.record_seen && s.cur.single)
		s.cur.record_ok = ok;
	if (!ok) {
		s.cur.dma_failed = !s.cur.record_seen;
		return -EFAULT;
	}
	if (write)
		memcpy(&s.mem[addr], buf, len);
	else
		memcpy(buf, &s.mem[addr], len);
	return 0;
}

static void host_msi(void *host, uint64_t addr, uint32_t data)
{
	(void)host;
	if (s.nmsg < MAX_MSGS) {
		s.msg[s.nmsg].addr = addr;
		s.msg[s.nmsg].data = data;
	}
	s.nmsg++;
}

static const struct siovdev_host_ops host_ops = {
	.dma = host_dma,
	.msi = host_msi,
};

/* ---- Shadows of what the guest wrote ---- */

static void irq_shadow_reset(void)
{
	uint32_t i;

	for (i = 0; i < s.nr_msix; i++)
		s.msix[i] = (struct entry){ .masked = true };
	for (i = 0; i < s.nr_ims; i++)
		s.ims[i] = (struct entry){ .masked = true };
	for (i = 0; i < s.cfg.nr_adis; i++)
		s.irq[i] = s.nr_ims ? i : 0;
}

static uint32_t cfg_rd(uint32_t off, unsigned int size)
{
	uint32_t v = 0;

	if (siovdev_cfg_read(s.d, off, size, &v))
		fz_fail("cfg_read(%#x, %u) of a valid register failed", off,
			size);
	return v;
}

static void cfg_shadow(void)
{
	uint32_t cmd = cfg_rd(CFG_COMMAND, 2);
	uint32_t pasid = siovdev_cfg_ext_offset(s.d, SIOVDEV_EXT_ID_PASID);
	uint32_t msix = cfg_rd(CFG_MSIX_CTRL, 2);

	s.mem_on = cmd & CMD_MEMORY;
	s.bme = cmd & CMD_MASTER;
	s.pasid_on = pasid && (cfg_rd(pasid + 6, 2) & 1);
	s.msix_on = msix & MSIX_ENABLE;
	s.msix_mask = msix & MSIX_MASKALL;
}

/* Entry idx of a table, as the guest programmed it; NULL past its end. */
static struct entry *entry_of(bool ims, uint32_t idx)
{
	if (ims)
		return idx < s.nr_ims ? &s.ims[idx] : NULL;
	return idx < s.nr_msix ? &s.msix[idx] : NULL;
}

static bool unmasked(bool ims, const struct entry *e)
{
	if (e->masked || !s.bme)
		return false;
	return ims || (s.msix_on && !s.msix_mask);
}

/* One 32-bit BAR0 write the device took: what it did to the shadows. */
static void shadow_write32(uint32_t off, uint32_t val)
{
	struct entry *e = NULL;
	uint32_t n;

	if (off >= SIOVDEV_REG_ADI_BASE && off < SIOVDEV_MSIX_TABLE) {
		n = (off - SIOVDEV_REG_ADI_BASE) / SIOVDEV_REG_ADI_STRIDE;
		if (n >= s.cfg.nr_adis)
			return;
		off %= SIOVDEV_REG_ADI_STRIDE;
		if (off == SIOVDEV_ADI_IRQ && val < s.nr_ims)
			s.irq[n] = val;
		if (off == SIOVDEV_ADI_RESET && (val & 1))
			s.irq[n] = s.nr_ims ? n : 0;
		return;
	}
	if (off >= SIOVDEV_MSIX_TABLE && off < SIOVDEV_MSIX_PBA)
		e = entry_of(false, (off - SIOVDEV_MSIX_TABLE) / 16);
	else if (off >= SIOVDEV_IMS_TABLE)
		e = entry_of(true, (off - SIOVDEV_IMS_TABLE) / 16);
	if (!e)
		return;
	switch (off % 16) {
	case SIOVDEV_IRQ_ADDR_LO:
		e->addr_lo = val & ~3u;
		break;
	case SIOVDEV_IRQ_ADDR_HI:
		e->addr_hi = val;
		break;
	case SIOVDEV_IRQ_DATA:
		e->data = val;
		break;
	default:
		e->masked = val & SIOVDEV_IRQ_CTRL_MASK;
		break;
	}
}

/* ---- Checks after an access ---- */

FZ_ORACLE static void probe_all(struct siovdev_adi_probe *p)
{
	uint32_t n;

	for (n = 0; n < s.cfg.nr_adis; n++)
		if (siovdev_adi_probe(s.d, n, &p[n]))
			fz_fail("adi_probe(%u) failed", n);
}

/* The ADI state a guest can change (not its interrupt entry's bits). */
static bool same_adi(const struct siovdev_adi_probe *a,
		     const struct siovdev_adi_probe *b)
{
	return a->enabled == b->enabled && a->held == b->held &&
	       a->pasid_valid == b->pasid_valid && a->pasid == b->pasid &&
	       a->queued == b->queued && a->qsize == b->qsize &&
	       a->error == b->error && a->dropped == b->dropped &&
	       a->completed == b->completed;
}

FZ_ORACLE static void check_reset_values(uint32_t n, const char *what)
{
	const struct siovdev_adi_probe *p = &s.p1[n];

	if (p->enabled || p->held || p->pasid_valid || p->pasid ||
	    p->queued || p->qsize != s.cfg.max_queue || p->error ||
	    p->dropped || p->completed)
		fz_fail("after %s ADI %u is not at its reset values: enabled "
			"%d held %d PASID %#x valid %d queued %u qsize %u "
			"error %#x dropped %u completed %u", what, n,
			p->enabled, p->held, p->pasid, p->pasid_valid,
			p->queued, p->qsize, p->error, p->dropped,
			p->completed);
}

static uint64_t total(const struct siovdev_adi_probe *p)
{
	return (uint64_t)p->queued + p->dropped + p->completed;
}

/*
 * The counters of ADI n after an access that submitted `sub` descriptors
 * to it (0 or 1) and, if `reset`, reset it: every descriptor is queued,
 * dropped or completed, and only once; an unheld ADI's queue is empty;
 * with the gate shut nothing completes.
 */
FZ_ORACLE static void check_counters(uint32_t n, unsigned int sub,
				     bool gate)
{
	const struct siovdev_adi_probe *a = &s.p0[n], *b = &s.p1[n];

	if (total(b) != total(a) + sub)
		fz_fail("ADI %u: queued+dropped+completed went from %llu to "
			"%llu with %u descriptor(s) submitted", n,
			(unsigned long long)total(a),
			(unsigned long long)total(b), sub);
	if (b->queued > b->qsize)
		fz_fail("ADI %u queues %u descriptors, QSIZE %u", n,
			b->queued, b->qsize);
	if (b->enabled && !b->held && !b->page_wait && b->queued)
		fz_fail("ADI %u is enabled, not held, and keeps %u queued", n,
			b->queued);
	if (!gate && b->completed != a->completed)
		fz_fail("ADI %u completed a descriptor with %s", n,
			s.cur.shut);
}

/* Every message came from an entry that is unmasked now. */
FZ_ORACLE static void check_msgs(void)
{
	unsigned int i, n = s.nmsg < MAX_MSGS ? s.nmsg : MAX_MSGS;
	uint32_t k;

	for (i = 0; i < n; i++) {
		bool from = false;

		for (k = 0; k < s.nr_msix && !from; k++)
			from = unmasked(false, &s.msix[k]) &&
			       s.msg[i].addr == ((uint64_t)s.msix[k].addr_hi << 32 |
						 s.msix[k].addr_lo) &&
			       s.msg[i].data == s.msix[k].data;
		for (k = 0; k < s.nr_ims && !from; k++)
			from = unmasked(true, &s.ims[k]) &&
			       s.msg[i].addr == ((uint64_t)s.ims[k].addr_hi << 32 |
						 s.ims[k].addr_lo) &&
			       s.msg[i].data == s.ims[k].data;
		if (!from)
			fz_fail("message (%#llx, %#x) from no unmasked entry",
				(unsigned long long)s.msg[i].addr,
				s.msg[i].data);
	}
}

static bool sent(const struct entry *e)
{
	uint64_t addr = (uint64_t)e->addr_hi << 32 | e->addr_lo;
	unsigned int i, n = s.nmsg < MAX_MSGS ? s.nmsg : MAX_MSGS;

	for (i = 0; i < n; i++)
		if (s.msg[i].addr == addr && s.msg[i].data == e->data)
			return true;
	return false;
}

/* The sequence number of ADI n's newest event (0: none). */
FZ_ORACLE static uint64_t newest_event(uint32_t n)
{
	size_t cnt = 0;

	siovdev_adi_trace(s.d, n, s.ev, SIOVDEV_EVENT_DEPTH, &cnt);
	return cnt ? s.ev[cnt - 1].seq : 0;
}

/*
 * ADI n's events of this access: IRQs only when asked, only through its
 * entry. (A message held pending and sent by a later access to the
 * tables is logged then, with the entry it was raised on: not looked at.)
 */
FZ_ORACLE static void check_events(uint32_t n)
{
	uint32_t want = s.nr_ims ? s.irq[n] : 1 + n;
	size_t i, cnt = 0;

	siovdev_adi_trace(s.d, n, s.ev, SIOVDEV_EVENT_DEPTH, &cnt);
	for (i = 0; i < cnt; i++) {
		const struct siovdev_event *e = &s.ev[i];

		if (e->seq <= s.seq || e->kind != SIOVDEV_EV_IRQ)
			continue;
		if (!s.asked[n])
			fz_fail("ADI %u interrupted, and no descriptor it got "
				"asked for one", n);
		if (e->arg != want)
			fz_fail("ADI %u interrupted through entry %u, its IRQ "
				"is %u", n, e->arg, want);
	}
}

/* After any access: other ADIs unchanged, messages from unmasked entries. */
FZ_ORACLE static void after(int32_t adi)
{
	uint32_t n;

	probe_all(s.p1);
	for (n = 0; n < s.cfg.nr_adis; n++)
		if ((int32_t)n != adi && !same_adi(&s.p0[n], &s.p1[n]))
			fz_fail("an access to ADI %d changed ADI %u", adi, n);
	check_msgs();
	if (adi >= 0)
		check_events((uint32_t)adi);
}

/* ---- Accesses ---- */

static void begin(int32_t adi)
{
	s.cur = (struct inflight){ .adi = adi };
	s.nmsg = 0;
	probe_all(s.p0);
	if (adi < 0)
		return;
	s.seq = newest_event((uint32_t)adi);
	s.cur.pasid = s.p0[adi].pasid;
	s.cur.gate = s.bme && s.pasid_on && s.p0[adi].pasid_valid;
	s.cur.shut = !s.bme ? "bus master off" :
		     !s.pasid_on ? "PASID disabled" : "PASID_VALID clear";
}

static bool desc_ok(const struct siovdev_desc *dc)
{
	return dc->opcode <= SIOVDEV_OP_MEMFILL &&
	       !(dc->flags & ~(SIOVDEV_DF_COMPLETION | SIOVDEV_DF_INTERRUPT |
			       SIOVDEV_DF_BLOCK_ON_FAULT)) &&
	       !dc->rsvd0 && !dc->rsvd1[0] && !dc->rsvd1[1] &&
	       !dc->rsvd1[2] && dc->size <= SIOVDEV_MAX_XFER;
}

/* The answer the contract gives a BAR access ("BAR0", "BAR2"). */
static int bar_answer(unsigned int bar, uint64_t off, size_t len, bool write)
{
	uint64_t size = siovdev_bar_size(s.d, bar);

	if (!size || !len || off >= size || len > size - off)
		return -EINVAL;
	if (bar == 0 && len != 4 && len != 8)
		return -EINVAL;
	if (bar == 2 && write && len != SIOVDEV_DESC_SIZE)
		return -EINVAL;
	if (bar == 2 && !write && len != 1 && len != 2 && len != 4 &&
	    len != 8)
		return -EINVAL;
	if (off % len)
		return -EINVAL;
	return s.mem_on ? 0 : -EIO;
}

/* What BAR0 must read at off (4 bytes, aligned), from the model. */
FZ_ORACLE static void check_bar0_read32(uint32_t off, uint32_t got)
{
	const struct siovdev_adi_probe *p;
	uint32_t want = 0, n, reg, idx;
	const struct entry *e;
	uint64_t sum = 0;

	if (off < SIOVDEV_REG_ADI_BASE) {
		for (n = 0; n < s.cfg.nr_adis; n++)
			if (s.p1[n].error & SIOVDEV_ADI_ERROR_VALID)
				sum |= 1ull << n;
		switch (off) {
		case SIOVDEV_REG_VERSION: want = 0x00010000; break;
		case SIOVDEV_REG_NR_ADIS: want = s.cfg.nr_adis; break;
		case SIOVDEV_REG_IMS_SIZE: want = s.nr_ims; break;
		case SIOVDEV_REG_MAX_QUEUE: want = s.cfg.max_queue; break;
		case SIOVDEV_REG_ERR_SUMMARY: want = (uint32_t)sum; break;
		case SIOVDEV_REG_ERR_SUMMARY + 4:
			want = (uint32_t)(sum >> 32);
			break;
		}
	} else if (off < SIOVDEV_MSIX_TABLE) {
		n = (off - SIOVDEV_REG_ADI_BASE) / SIOVDEV_REG_ADI_STRIDE;
		reg = off % SIOVDEV_REG_ADI_STRIDE;
		p = &s.p1[n];
		if (n >= s.cfg.nr_adis)
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
			want = s.irq[n];
			if (s.nr_ims && p->irq != s.irq[n])
				fz_fail("ADI %u's IRQ register is %u, it "
					"interrupts through IMS entry %u", n,
					s.irq[n], p->irq);
			break;
		case SIOVDEV_ADI_QUEUED: want = p->queued; break;
		case SIOVDEV_ADI_ERROR: want = p->error; break;
		case SIOVDEV_ADI_DROPPED: want = p->dropped; break;
		case SIOVDEV_ADI_COMPLETED: want = p->completed; break;
		}
	} else if (off < SIOVDEV_MSIX_PBA || off >= SIOVDEV_IMS_TABLE) {
		bool ims = off >= SIOVDEV_IMS_TABLE;

		idx = (off - (ims ? SIOVDEV_IMS_TABLE : SIOVDEV_MSIX_TABLE)) / 16;
		e = entry_of(ims, idx);
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
		for (n = 0; n < 32 && idx + n < s.nr_msix; n++)
			want |= got & (1u << n);
	}
	if (got != want)
		fz_fail("BAR0 %#x reads %#x, the model holds %#x", off, got,
			want);
}

/* A pending entry the access unmasked was sent (and is pending no more). */
FZ_ORACLE static void check_unmask(bool ims, uint32_t idx, bool was_pending)
{
	const struct entry *e = entry_of(ims, idx);

	if (e && was_pending && unmasked(ims, e) && !sent(e))
		fz_fail("%s entry %u was pending and is unmasked, its message "
			"was not sent", ims ? "IMS" : "MSI-X", idx);
}

static bool pending(bool ims, uint32_t idx)
{
	uint8_t b[4] = { 0 };
	uint32_t off = ims ? SIOVDEV_IMS_TABLE + idx * 16 + SIOVDEV_IRQ_CTRL :
		       SIOVDEV_MSIX_PBA + idx / 32 * 4;

	if (!s.mem_on || !entry_of(ims, idx) ||
	    siovdev_bar_read(s.d, 0, off, b, 4))
		return false;
	return ims ? b[0] & SIOVDEV_IRQ_CTRL_PENDING : b[idx % 32 / 8] >> (idx % 8) & 1;
}

/* Which ADI a BAR0 write at off may run (its queue), -1 for none. */
static int32_t adi_at(uint32_t off)
{
	uint32_t n = (off - SIOVDEV_REG_ADI_BASE) / SIOVDEV_REG_ADI_STRIDE;

	if (off < SIOVDEV_REG_ADI_BASE || off >= SIOVDEV_MSIX_TABLE ||
	    n >= s.cfg.nr_adis)
		return -1;
	return (int32_t)n;
}

/* The register semantics of one 4-byte write to ADI n's register reg. */
FZ_ORACLE static void check_adi_write(uint32_t n, uint32_t reg, uint32_t val)
{
	const struct siovdev_adi_probe *a = &s.p0[n], *b = &s.p1[n];
	uint32_t mask = (1u << s.width) - 1;
	struct siovdev_adi_probe want = *a;
	bool reset = reg == SIOVDEV_ADI_RESET && (val & 1);

	if (reset) {
		check_reset_values(n, "RESET");
		return;
	}
	check_counters(n, 0, s.cur.gate);
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
		if (!a->enabled && val >= 1 && val <= s.cfg.max_queue)
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
	if (!same_adi(&want, b))
		fz_fail("ADI %u register %#x written %#x: PASID %#x valid %d "
			"qsize %u error %#x dropped %u completed %u queued %u "
			"(before: PASID %#x valid %d qsize %u error %#x dropped "
			"%u completed %u queued %u)", n, reg, val, b->pasid,
			b->pasid_valid, b->qsize, b->error, b->dropped,
			b->completed, b->queued, a->pasid, a->pasid_valid,
			a->qsize, a->error, a->dropped, a->completed,
			a->queued);
}

static void bar0_access(struct fz *f, uint32_t off, size_t len, bool write)
{
	uint8_t buf[8] = { 0 };
	int32_t adi = write ? adi_at(off) : -1;
	int ret, want = bar_answer(0, off, len, write);
	bool ims = off >= SIOVDEV_IMS_TABLE;
	uint32_t idx = (off - (ims ? SIOVDEV_IMS_TABLE : SIOVDEV_MSIX_TABLE)) / 16;
	bool irq_ctrl = write && off >= SIOVDEV_MSIX_TABLE &&
			(off < SIOVDEV_MSIX_PBA || ims) && off % 16 == 0xC;
	bool was_pending = irq_ctrl && !want && pending(ims, idx);
	size_t i;

	if (write)
		fz_bytes(f, buf, len);
	begin(want ? -1 : adi);
	ret = write ? siovdev_bar_write(s.d, 0, off, buf, len) :
		      siovdev_bar_read(s.d, 0, off, buf, len);
	fz_note_u64((uint64_t)(int64_t)ret);
	if (ret != want)
		fz_fail("BAR0 %s at %#x, %zu bytes: %d, the contract says %d",
			write ? "write" : "read", off, len, ret, want);
	if (!ret && write)
		for (i = 0; i < len; i += 4)
			shadow_write32(off + (uint32_t)i,
				       (uint32_t)buf[i] | buf[i + 1] << 8 |
				       buf[i + 2] << 16 |
				       (uint32_t)buf[i + 3] << 24);
	after(s.cur.adi);
	if (ret)
		return;
	if (!write) {
		fz_note(buf, len);
		for (i = 0; i < len; i += 4)
			check_bar0_read32(off + (uint32_t)i,
					  (uint32_t)buf[i] | buf[i + 1] << 8 |
					  buf[i + 2] << 16 |
					  (uint32_t)buf[i + 3] << 24);
		return;
	}
	if (irq_ctrl)
		check_unmask(ims, idx, was_pending);
	if (adi >= 0 && len == 4)
		check_adi_write((uint32_t)adi, off % SIOVDEV_REG_ADI_STRIDE,
				(uint32_t)buf[0] | buf[1] << 8 |
				buf[2] << 16 | (uint32_t)buf[3] << 24);
	else if (adi >= 0 && off % SIOVDEV_REG_ADI_STRIDE == SIOVDEV_ADI_RESET &&
		 (buf[0] & 1))
		check_reset_values((uint32_t)adi, "RESET (8-byte write)");
	else if (adi >= 0)
		check_counters((uint32_t)adi, 0, s.cur.gate);
}

/* The expected answer of a submission to ADI n (door drops included). */
static int submit_answer(uint32_t n)
{
	const struct siovdev_adi_probe *p = &s.p0[n];

	if (!p->enabled)
		return -EACCES;
	if (p->queued >= p->qsize)
		return -EBUSY;
	return 0;
}

/* A descriptor's status in its completion record, as the model says. */
FZ_ORACLE static void check_single(uint32_t n)
{
	const struct siovdev_desc *dc = &s.cur.desc;
	uint8_t want = !s.cur.desc_valid ? SIOVDEV_CS_INVALID :
		       s.cur.dma_failed ? SIOVDEV_CS_PAGE_FAULT :
		       SIOVDEV_CS_SUCCESS;
	const uint8_t *rec;
	uint32_t bytes;

	if (s.p1[n].completed != s.p0[n].completed + 1)
		fz_fail("ADI %u ran one descriptor, COMPLETED went %u -> %u",
			n, s.p0[n].completed, s.p1[n].completed);
	/* The record as written: only where the memory took it. */
	if (!s.cur.record_seen || !s.cur.record_ok ||
	    dc->completion > MEM_SIZE - SIOVDEV_CR_SIZE)
		return;
	rec = &s.mem[dc->completion];
	bytes = (uint32_t)rec[4] | rec[5] << 8 | rec[6] << 16 |
		(uint32_t)rec[7] << 24;
	if (rec[0] != want)
		fz_fail("ADI %u: completion status %u, expected %u (%s)", n,
			rec[0], want, s.cur.dma_failed ? "a request failed" :
			"no request failed");
	if (want == SIOVDEV_CS_SUCCESS && dc->opcode != SIOVDEV_OP_NOP &&
	    bytes != dc->size)
		fz_fail("ADI %u: completion says %u bytes of %u", n, bytes,
			dc->size);
}

static void read_desc(struct fz *f, struct siovdev_desc *dc)
{
	uint8_t shape = fz_u8(f);

	memset(dc, 0, sizeof(*dc));
	dc->opcode = fz_u8(f) % 4;
	dc->flags = fz_u8(f) & (shape & 0x80 ? 0xff : 0x7);
	dc->size = shape & 1 ? fz_u32(f) : fz_u16(f) % (3 * PAGE);
	dc->completion = shape & 2 ? fz_u64(f) : fz_u16(f) & ~31u;
	dc->src = shape & 4 ? fz_u64(f) : fz_u16(f);
	dc->dst = shape & 8 ? fz_u64(f) : fz_u16(f);
	dc->tag = fz_u8(f);
	if (shape & 0x10)
		dc->rsvd0 = fz_u8(f) | 1;
	if (shape & 0x20) {
		unsigned int k = fz_u8(f) % 3;

		dc->rsvd1[k] = fz_u8(f) | 1;
	}
	if (dc->opcode == SIOVDEV_OP_MEMFILL && (shape & 0x40))
		dc->src = fz_u64(f);
}

static void desc_bytes(const struct siovdev_desc *dc, uint8_t *b)
{
	uint64_t q[] = { dc->completion, dc->src, dc->dst, dc->tag,
			 dc->rsvd1[0], dc->rsvd1[1], dc->rsvd1[2] };
	unsigned int i, k;

	memset(b, 0, SIOVDEV_DESC_SIZE);
	b[0] = dc->opcode;
	b[1] = dc->flags;
	b[2] = (uint8_t)dc->rsvd0;
	b[3] = (uint8_t)(dc->rsvd0 >> 8);
	for (k = 0; k < 4; k++)
		b[4 + k] = (uint8_t)(dc->size >> 8 * k);
	for (i = 0; i < 7; i++)
		for (k = 0; k < 8; k++)
			b[8 + 8 * i + k] = (uint8_t)(q[i] >> 8 * k);
}

/* The descriptor's ranges: data, record, all apart? */
static bool apart(const struct siovdev_desc *dc)
{
	uint64_t sz = dc->size;

	if (dc->completion > MEM_SIZE || dc->src > MEM_SIZE ||
	    dc->dst > MEM_SIZE)
		return true;	/* outside memory: every request faults */
	return !overlaps(dc->completion, SIOVDEV_CR_SIZE, dc->dst, sz) &&
	       (dc->opcode != SIOVDEV_OP_MEMCOPY ||
		!overlaps(dc->src, sz, dc->dst, sz));
}

/* A descriptor from the 64 bytes of a portal write (siovdev.h layout). */
static void desc_from(const uint8_t *b, struct siovdev_desc *dc)
{
	uint64_t q[7];
	unsigned int i, k;

	for (i = 0; i < 7; i++)
		for (q[i] = 0, k = 0; k < 8; k++)
			q[i] |= (uint64_t)b[8 + 8 * i + k] << 8 * k;
	*dc = (struct siovdev_desc){
		.opcode = b[0], .flags = b[1],
		.rsvd0 = (uint16_t)(b[2] | b[3] << 8),
		.size = (uint32_t)b[4] | b[5] << 8 | b[6] << 16 |
			(uint32_t)b[7] << 24,
		.completion = q[0], .src = q[1], .dst = q[2], .tag = q[3],
		.rsvd1 = { q[4], q[5], q[6] },
	};
}

/*
 * Descriptor dc to ADI n: a portal write at BAR2 offset off (posted: the
 * ADI is the portal's page, n ignored) or siovdev_submit(n).
 */
static void submit_desc(bool portal, uint32_t n, uint64_t off,
			const struct siovdev_desc *dc)
{
	uint8_t raw[SIOVDEV_DESC_SIZE];
	int ret, want;
	bool exists;

	if (portal)
		n = (uint32_t)(off / siovdev_portal_offset(s.d, 1) <
			       s.cfg.nr_adis ?
			       off / siovdev_portal_offset(s.d, 1) :
			       s.cfg.nr_adis);
	exists = n < s.cfg.nr_adis;
	if (portal)
		want = bar_answer(2, off, SIOVDEV_DESC_SIZE, true);
	else
		want = !exists ? -EINVAL : s.mem_on ? 0 : -EIO;
	if (!want && exists && dc->flags & SIOVDEV_DF_INTERRUPT)
		s.asked[n]++;
	begin(!want && exists ? (int32_t)n : -1);
	if (s.cur.adi >= 0) {
		s.cur.desc = *dc;
		s.cur.desc_valid = desc_ok(dc);
		s.cur.single = !s.p0[n].queued && s.p0[n].enabled &&
			       !s.p0[n].held && !s.p0[n].page_wait;
		/* A misaligned record address drops it at the turn. */
		if (s.cur.single && (dc->flags & SIOVDEV_DF_COMPLETION) &&
		    dc->completion % SIOVDEV_CR_ALIGN) {
			s.cur.gate = false;
			s.cur.shut = "a misaligned completion address";
		}
		s.cur.strict = s.cur.single && apart(dc);
		if (!portal)
			want = submit_answer(n);
	}
	if (portal) {
		desc_bytes(dc, raw);
		ret = siovdev_bar_write(s.d, 2, off, raw, sizeof(raw));
	} else {
		ret = siovdev_submit(s.d, n, dc);
	}
	fz_note_u64((uint64_t)(int64_t)ret);
	if (ret != want)
		fz_fail("%s to ADI %u: %d, the contract says %d",
			portal ? "portal write" : "submit", n, ret, want);
	after(s.cur.adi);
	if (s.cur.adi < 0)
		return;
	check_counters(n, 1, s.cur.gate);
	want = submit_answer(n);
	if (want && (s.p1[n].queued != s.p0[n].queued ||
		     s.p1[n].dropped != s.p0[n].dropped + 1))
		fz_fail("ADI %u: a descriptor dropped at the door (%d) left "
			"QUEUED %u -> %u, DROPPED %u -> %u", n, want,
			s.p0[n].queued, s.p1[n].queued, s.p0[n].dropped,
			s.p1[n].dropped);
	if (!want && s.cur.single && s.cur.gate && s.cur.strict)
		check_single(n);
}

/* A descriptor to ADI n: through a 64-byte slot of its portal, or submit. */
static void submit(struct fz *f, bool portal)
{
	uint32_t n = fz_u8(f) % (s.cfg.nr_adis + 1);
	uint64_t off = siovdev_portal_offset(s.d, n) +
		       (uint64_t)(fz_u8(f) % 64) * SIOVDEV_DESC_SIZE;
	struct siovdev_desc dc;

	read_desc(f, &dc);
	submit_desc(portal, n, off, &dc);
}

/* ---- Config space ---- */

static const uint16_t cfg_regs[] = {
	CFG_COMMAND, 0x06, CFG_DEVCTL, CFG_MSIX_CTRL, 0x10, 0x18, 0x1c,
	0x100, 0x106, 0x110, 0x120, 0x124, 0x12c, 0x130, 0x140, 0x0c,
};

static void cfg_access(struct fz *f, bool write)
{
	static const unsigned int sizes[] = { 1, 2, 4, 4, 3, 8 };
	unsigned int size = fz_pick(f, sizes);
	uint8_t pick = fz_u8(f);
	uint32_t off = pick & 0x80 ? fz_u16(f) : cfg_regs[pick % 16] + (pick >> 4 & 3);
	uint32_t val = fz_u32(f), got = 0;
	uint32_t n, i;
	bool flr = false, msix, pend[MAX_MSIX];
	int ret, want;

	want = (size == 1 || size == 2 || size == 4) && !(off % size) &&
	       off < SIOVDEV_CFG_SIZE ? 0 : -EINVAL;
	/* Initiate FLR: bit 15 of DEVCTL, the byte at +1. */
	for (i = 0; write && !want && i < size; i++)
		if (off + i == CFG_DEVCTL + 1 && (val >> 8 * i & 0x80))
			flr = true;
	/* Unmasking by MSI-X control sends what is pending. */
	msix = write && !want && off < CFG_MSIX_CTRL + 2 &&
	       CFG_MSIX_CTRL < off + size;
	for (i = 0; i < s.nr_msix; i++)
		pend[i] = msix && pending(false, i);
	begin(-1);
	ret = write ? siovdev_cfg_write(s.d, off, size, val) :
		      siovdev_cfg_read(s.d, off, size, &got);
	fz_note_u64((uint64_t)(int64_t)ret);
	fz_note_u64(got);
	if (ret != want)
		fz_fail("cfg %s(%#x, %u): %d, the contract says %d",
			write ? "write" : "read", off, size, ret, want);
	if (flr)
		irq_shadow_reset();
	cfg_shadow();
	if (!flr) {
		after(-1);
		for (i = 0; i < s.nr_msix; i++)
			check_unmask(false, i, pend[i]);
		return;
	}
	/* FLR: config space, every ADI and both tables as at power-on. */
	probe_all(s.p1);
	check_msgs();
	for (n = 0; n < s.cfg.nr_adis; n++)
		check_reset_values(n, "a function level reset");
	{
		uint8_t img[SIOVDEV_CFG_SIZE];

		siovdev_cfg_image(s.d, img);
		for (i = 0; i < SIOVDEV_CFG_SIZE; i++)
			if (img[i] != s.fresh[i])
				fz_fail("after a function level reset config "
					"byte %#x is %#x, %#x at power-on", i,
					img[i], s.fresh[i]);
	}
}

/* ---- Ops ---- */

static const uint16_t adi_regs[] = {
	SIOVDEV_ADI_CTRL, SIOVDEV_ADI_STATUS, SIOVDEV_ADI_PASID,
	SIOVDEV_ADI_QSIZE, SIOVDEV_ADI_IRQ, SIOVDEV_ADI_DRAIN,
	SIOVDEV_ADI_RESET, SIOVDEV_ADI_QUEUED, SIOVDEV_ADI_ERROR,
	SIOVDEV_ADI_DROPPED, SIOVDEV_ADI_COMPLETED, 0x2C, 0x3C,
	SIOVDEV_ADI_PASID, SIOVDEV_ADI_CTRL, SIOVDEV_ADI_ERROR,
};

/* A register of BAR0 in the guest's terms: device, ADI, MSI-X, PBA, IMS. */
static uint32_t bar0_offset(struct fz *f)
{
	uint8_t kind = fz_u8(f);
	uint32_t n = fz_u8(f);

	switch (kind % 6) {
	case 0:
		return (n % 6) * 4;
	case 1:
	case 2:
		return SIOVDEV_REG_ADI(n % (s.cfg.nr_adis + 1),
				       adi_regs[kind / 8 % 16]);
	case 3:
		return SIOVDEV_MSIX_TABLE + (n % (s.nr_msix + 1)) * 16 +
		       (kind / 8 % 4) * 4;
	case 4:
		return SIOVDEV_MSIX_PBA + (n % 4) * 4;
	default:
		return SIOVDEV_IMS_TABLE + (n % (s.nr_ims + 2)) * 16 +
		       (kind / 8 % 4) * 4;
	}
}

/*
 * Any BAR, any offset, any size: the contract's answers. What the device
 * takes on BAR0, or as a portal write, goes through the checks of the
 * structured accesses; BAR2 reads read all-ones.
 */
static void bar_raw(struct fz *f)
{
	static const unsigned int bars[] = { 0, 2, 0, 2, 1, 3, 4, 6 };
	static const size_t lens[] = { 4, 8, 1, 2, 64, 3, 0, 16, 4, 8, 32 };
	unsigned int bar = fz_pick(f, bars);
	size_t len = fz_pick(f, lens);
	uint8_t how = fz_u8(f);
	uint64_t off = how & 1 ? fz_u64(f) : how & 2 ? fz_u32(f) : fz_u16(f);
	bool write = how & 4;
	uint8_t buf[64], got[64];
	struct siovdev_desc dc;
	int ret, want;
	size_t i;

	if (how & 8)		/* aligned, in range: mostly taken */
		off = off % (siovdev_bar_size(s.d, bar) + 1) & ~(uint64_t)(len ? len - 1 : 0);
	want = bar_answer(bar, off, len, write);
	if (!want && bar == 0) {
		bar0_access(f, (uint32_t)off, len, write);
		return;
	}
	if (write)
		fz_bytes(f, buf, len);
	if (!want && bar == 2 && write) {
		desc_from(buf, &dc);
		submit_desc(true, 0, off, &dc);
		return;
	}
	begin(-1);
	memset(got, 0x5a, sizeof(got));
	ret = write ? siovdev_bar_write(s.d, bar, off, buf, len) :
		      siovdev_bar_read(s.d, bar, off, got, len);
	fz_note_u64((uint64_t)(int64_t)ret);
	if (ret != want)
		fz_fail("BAR%u %s at %#llx, %zu bytes: %d, the contract says "
			"%d", bar, write ? "write" : "read",
			(unsigned long long)off, len, ret, want);
	after(-1);
	for (i = 0; !ret && !write && i < len; i++)
		if (got[i] != 0xff)
			fz_fail("BAR2 read at %#llx byte %zu is %#x, portals "
				"read all-ones", (unsigned long long)off, i,
				got[i]);
}

enum { OP_CFG_WRITE, OP_CFG_READ, OP_BAR0_WRITE, OP_BAR0_READ, OP_PORTAL,
       OP_SUBMIT, OP_RAW, OP_BAR0_WRITE8, NR_OPS };

static void run_op(struct fz *f)
{
	uint32_t off;
	size_t len;
	uint8_t op = fz_u8(f);
	switch (op % NR_OPS) {
	case OP_CFG_WRITE:
		cfg_access(f, true);
		break;
	case OP_CFG_READ:
		cfg_access(f, false);
		break;
	case OP_BAR0_WRITE:
		bar0_access(f, bar0_offset(f), 4, true);
		break;
	case OP_BAR0_READ:
		off = bar0_offset(f);
		len = fz_u8(f) & 1 ? 8 : 4;
		bar0_access(f, len == 8 ? off & ~7u : off, len, false);
		break;
	case OP_PORTAL:
		submit(f, true);
		break;
	case OP_SUBMIT:
		submit(f, false);
		break;
	case OP_RAW:
		bar_raw(f);
		break;
	default:
		bar0_access(f, bar0_offset(f) & ~7u, 8, true);
		break;
	}
}

/* ---- The input ---- */

static void read_config(struct fz *f, struct siovdev_config *cfg)
{
	uint8_t b = fz_u8(f);

	siovdev_config_default(cfg);
	if (b & 1) {
		cfg->nr_adis = fz_u8(f) % (SIOVDEV_MAX_ADIS + 2);
		cfg->caps = fz_u8(f) & 0xf;
		cfg->ims_entries = cfg->caps & SIOVDEV_HAS_IMS ?
				   cfg->nr_adis + fz_u8(f) : 0;
		cfg->max_queue = 1 + fz_u8(f);
		cfg->pasid_width = fz_u8(f) % 22;
		cfg->page_sizes = fz_u8(f) & 2 ? fz_u32(f) :
				  1u | (fz_u8(f) << 4);
	}
}

static void boot(struct fz *f)
{
	uint8_t b = fz_u8(f);
	uint32_t pasid = siovdev_cfg_ext_offset(s.d, SIOVDEV_EXT_ID_PASID);

	if (b & 1)
		siovdev_cfg_write(s.d, CFG_COMMAND, 2, CMD_MEMORY | CMD_MASTER);
	if ((b & 2) && pasid)
		siovdev_cfg_write(s.d, pasid + 6, 2, 1);
	if (b & 4)
		siovdev_cfg_write(s.d, CFG_MSIX_CTRL, 2, MSIX_ENABLE);
	cfg_shadow();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	unsigned int i;

	read_config(&f, &s.cfg);
	s.d = siovdev_create(&s.cfg, &host_ops, NULL, fault_get());
	fz_note_u64(s.d != NULL);
	if (!s.d)
		return 0;
	s.nr_ims = s.cfg.caps & SIOVDEV_HAS_IMS ? s.cfg.ims_entries : 0;
	s.nr_msix = 1 + (s.nr_ims ? 0 : s.cfg.nr_adis);
	s.width = s.cfg.caps & SIOVDEV_HAS_PASID ? s.cfg.pasid_width : 0;
	siovdev_cfg_image(s.d, s.fresh);
	memset(s.mem, 0, sizeof(s.mem));
	memset(s.asked, 0, sizeof(s.asked));
	s.cur = (struct inflight){ .adi = -1 };
	irq_shadow_reset();
	boot(&f);
	s.nmaps = fz_u8(&f) % (MAX_MAPS + 1);
	for (i = 0; i < s.nmaps; i++) {
		s.maps[i].pasid = fz_u32(&f) & SIOVDEV_ADI_PASID_MASK;
		s.maps[i].present = fz_u16(&f);
		s.maps[i].writable = fz_u16(&f);
	}
	while (!fz_empty(&f))
		run_op(&f);
	fz_note(s.mem, sizeof(s.mem));
	siovdev_destroy(s.d);
	s.d = NULL;
	return 0;
}
