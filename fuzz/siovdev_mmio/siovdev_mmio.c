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

#include "fuzz/common/fuzz.h"
#include "siovdev_mmio.h"

struct mmio_state mm;

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
	return fz_unit_fault(fault_names,
			     sizeof(fault_names) / sizeof(fault_names[0]),
			     "siovdev device model");
}

/* ---- The host: fake memory, per-PASID translation, MSI log ---- */

static const struct map *map_of(uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < mm.nmaps; i++)
		if (mm.maps[i].pasid == pasid)
			return &mm.maps[i];
	return NULL;
}

static int host_dma(void *host, uint32_t pasid, uint64_t addr, void *buf,
		    size_t len, bool write)
{
	const struct map *m = map_of(pasid);
	uint64_t page = addr / PAGE;
	bool ok;

	(void)host;
	mo_dma_check(pasid, addr, len, write);
	ok = m && addr < MEM_SIZE && len <= MEM_SIZE - addr &&
	     (m->present >> page & 1) &&
	     (!write || (m->writable >> page & 1));
	if (mm.cur.record_seen && mm.cur.single)
		mm.cur.record_ok = ok;
	if (!ok) {
		if (!mm.cur.record_seen)	/* a data request */
			mm.cur.dma_failed = true;
		return -EFAULT;
	}
	if (write)
		memcpy(&mm.mem[addr], buf, len);
	else
		memcpy(buf, &mm.mem[addr], len);
	return 0;
}

static void host_msi(void *host, uint64_t addr, uint32_t data)
{
	(void)host;
	if (mm.nmsg < MAX_MSGS) {
		mm.msg[mm.nmsg].addr = addr;
		mm.msg[mm.nmsg].data = data;
	}
	mm.nmsg++;
}

static const struct siovdev_host_ops host_ops = {
	.dma = host_dma,
	.msi = host_msi,
};

/* ---- Shadows of what the guest wrote ---- */

FZ_ORACLE static void irq_shadow_reset(void)
{
	uint32_t i;

	for (i = 0; i < mm.nr_msix; i++)
		mm.msix[i] = (struct entry){ .masked = true };
	for (i = 0; i < mm.nr_ims; i++)
		mm.ims[i] = (struct entry){ .masked = true };
	for (i = 0; i < mm.cfg.nr_adis; i++)
		mm.irq[i] = mm.nr_ims ? i : 0;
}

static uint32_t cfg_rd(uint32_t off, unsigned int size)
{
	uint32_t v = 0;

	if (siovdev_cfg_read(mm.d, off, size, &v))
		fz_fail("cfg_read(%#x, %u) of a valid register failed", off,
			size);
	return v;
}

FZ_ORACLE static void cfg_shadow(void)
{
	uint32_t cmd = cfg_rd(CFG_COMMAND, 2);
	uint32_t pasid = siovdev_cfg_ext_offset(mm.d, SIOVDEV_EXT_ID_PASID);
	uint32_t msix = cfg_rd(CFG_MSIX_CTRL, 2);

	mm.mem_on = cmd & CMD_MEMORY;
	mm.bme = cmd & CMD_MASTER;
	mm.pasid_on = pasid && (cfg_rd(pasid + 6, 2) & 1);
	mm.msix_on = msix & MSIX_ENABLE;
	mm.msix_mask = msix & MSIX_MASKALL;
}

/* Entry idx of a table, as the guest programmed it; NULL past its end. */
FZ_ORACLE struct entry *mm_entry(bool ims, uint32_t idx)
{
	if (ims)
		return idx < mm.nr_ims ? &mm.ims[idx] : NULL;
	return idx < mm.nr_msix ? &mm.msix[idx] : NULL;
}

FZ_ORACLE bool mm_unmasked(bool ims, const struct entry *e)
{
	if (e->masked || !mm.bme)
		return false;
	return ims || (mm.msix_on && !mm.msix_mask);
}

/* One 32-bit BAR0 write the device took: what it did to the shadows. */
FZ_ORACLE static void shadow_write32(uint32_t off, uint32_t val)
{
	struct entry *e = NULL;
	uint32_t n;

	if (off >= SIOVDEV_REG_ADI_BASE && off < SIOVDEV_MSIX_TABLE) {
		n = (off - SIOVDEV_REG_ADI_BASE) / SIOVDEV_REG_ADI_STRIDE;
		if (n >= mm.cfg.nr_adis)
			return;
		off %= SIOVDEV_REG_ADI_STRIDE;
		if (off == SIOVDEV_ADI_IRQ && val < mm.nr_ims)
			mm.irq[n] = val;
		if (off == SIOVDEV_ADI_RESET && (val & 1))
			mm.irq[n] = mm.nr_ims ? n : 0;
		return;
	}
	if (off >= SIOVDEV_MSIX_TABLE && off < SIOVDEV_MSIX_PBA)
		e = mm_entry(false, (off - SIOVDEV_MSIX_TABLE) / 16);
	else if (off >= SIOVDEV_IMS_TABLE)
		e = mm_entry(true, (off - SIOVDEV_IMS_TABLE) / 16);
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

/* ---- Accesses ---- */

/* The start of an access that may run ADI adi's queue (-1: none). */
FZ_ORACLE static void begin(int32_t adi)
{
	mm.cur = (struct inflight){ .adi = adi };
	mm.nmsg = 0;
	mo_probe_all(mm.p0);
	if (adi < 0)
		return;
	mm.seq = mo_newest_event((uint32_t)adi);
	mm.cur.pasid = mm.p0[adi].pasid;
	mm.cur.gate = mm.bme && mm.pasid_on && mm.p0[adi].pasid_valid;
	mm.cur.shut = !mm.bme ? "bus master off" :
		     !mm.pasid_on ? "PASID disabled" : "PASID_VALID clear";
}

FZ_ORACLE static bool desc_ok(const struct siovdev_desc *dc)
{
	return dc->opcode <= SIOVDEV_OP_MEMFILL &&
	       !(dc->flags & ~(SIOVDEV_DF_COMPLETION | SIOVDEV_DF_INTERRUPT |
			       SIOVDEV_DF_BLOCK_ON_FAULT)) &&
	       !dc->rsvd0 && !dc->rsvd1[0] && !dc->rsvd1[1] &&
	       !dc->rsvd1[2] && dc->size <= SIOVDEV_MAX_XFER;
}

/* The answer the contract gives a BAR access ("BAR0", "BAR2"). */
FZ_ORACLE static int bar_answer(unsigned int bar, uint64_t off, size_t len,
				 bool write)
{
	uint64_t size = siovdev_bar_size(mm.d, bar);

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
	return mm.mem_on ? 0 : -EIO;
}

FZ_ORACLE static bool pending(bool ims, uint32_t idx)
{
	uint8_t b[4] = { 0 };
	uint32_t off = ims ? SIOVDEV_IMS_TABLE + idx * 16 + SIOVDEV_IRQ_CTRL :
		       SIOVDEV_MSIX_PBA + idx / 32 * 4;

	if (!mm.mem_on || !mm_entry(ims, idx) ||
	    siovdev_bar_read(mm.d, 0, off, b, 4))
		return false;
	if (ims)
		return b[0] & SIOVDEV_IRQ_CTRL_PENDING;
	return b[idx % 32 / 8] >> (idx % 8) & 1;
}

/* Which ADI a BAR0 write at off may run (its queue), -1 for none. */
static int32_t adi_at(uint32_t off)
{
	uint32_t n = (off - SIOVDEV_REG_ADI_BASE) / SIOVDEV_REG_ADI_STRIDE;

	if (off < SIOVDEV_REG_ADI_BASE || off >= SIOVDEV_MSIX_TABLE ||
	    n >= mm.cfg.nr_adis)
		return -1;
	return (int32_t)n;
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
	ret = write ? siovdev_bar_write(mm.d, 0, off, buf, len) :
		      siovdev_bar_read(mm.d, 0, off, buf, len);
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
	mo_after(mm.cur.adi);
	if (ret)
		return;
	if (!write) {
		fz_note(buf, len);
		for (i = 0; i < len; i += 4)
			mo_bar0_read32(off + (uint32_t)i,
					  (uint32_t)buf[i] | buf[i + 1] << 8 |
					  buf[i + 2] << 16 |
					  (uint32_t)buf[i + 3] << 24);
		return;
	}
	if (irq_ctrl)
		mo_unmask(ims, idx, was_pending);
	if (adi >= 0 && len == 4)
		mo_adi_write((uint32_t)adi, off % SIOVDEV_REG_ADI_STRIDE,
				(uint32_t)buf[0] | buf[1] << 8 |
				buf[2] << 16 | (uint32_t)buf[3] << 24);
	else if (adi >= 0 && off % SIOVDEV_REG_ADI_STRIDE == SIOVDEV_ADI_RESET &&
		 (buf[0] & 1))
		mo_reset_values((uint32_t)adi, "RESET (8-byte write)");
	else if (adi >= 0)
		mo_counters((uint32_t)adi, 0, mm.cur.gate);
}

/* The expected answer of a submission to ADI n (door drops included). */
FZ_ORACLE static int submit_answer(uint32_t n)
{
	const struct siovdev_adi_probe *p = &mm.p0[n];

	if (!p->enabled)
		return -EACCES;
	if (p->queued >= p->qsize)
		return -EBUSY;
	return 0;
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
FZ_ORACLE static bool apart(const struct siovdev_desc *dc)
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
		n = (uint32_t)(off / siovdev_portal_offset(mm.d, 1) <
			       mm.cfg.nr_adis ?
			       off / siovdev_portal_offset(mm.d, 1) :
			       mm.cfg.nr_adis);
	exists = n < mm.cfg.nr_adis;
	if (portal)
		want = bar_answer(2, off, SIOVDEV_DESC_SIZE, true);
	else
		want = !exists ? -EINVAL : mm.mem_on ? 0 : -EIO;
	if (!want && exists && dc->flags & SIOVDEV_DF_INTERRUPT)
		mm.asked[n]++;
	begin(!want && exists ? (int32_t)n : -1);
	if (mm.cur.adi >= 0) {
		mm.cur.desc = *dc;
		mm.cur.desc_valid = desc_ok(dc);
		mm.cur.single = !mm.p0[n].queued && mm.p0[n].enabled &&
			       !mm.p0[n].held && !mm.p0[n].page_wait;
		/* A misaligned record address drops it at the turn. */
		if (mm.cur.single && (dc->flags & SIOVDEV_DF_COMPLETION) &&
		    dc->completion % SIOVDEV_CR_ALIGN) {
			mm.cur.gate = false;
			mm.cur.shut = "a misaligned completion address";
		}
		mm.cur.strict = mm.cur.single && apart(dc);
		if (!portal)
			want = submit_answer(n);
	}
	if (portal) {
		desc_bytes(dc, raw);
		ret = siovdev_bar_write(mm.d, 2, off, raw, sizeof(raw));
	} else {
		ret = siovdev_submit(mm.d, n, dc);
	}
	fz_note_u64((uint64_t)(int64_t)ret);
	if (ret != want)
		fz_fail("%s to ADI %u: %d, the contract says %d",
			portal ? "portal write" : "submit", n, ret, want);
	mo_after(mm.cur.adi);
	if (mm.cur.adi < 0)
		return;
	mo_counters(n, 1, mm.cur.gate);
	want = submit_answer(n);
	if (want && (mm.p1[n].queued != mm.p0[n].queued ||
		     mm.p1[n].dropped != mm.p0[n].dropped + 1))
		fz_fail("ADI %u: a descriptor dropped at the door (%d) left "
			"QUEUED %u -> %u, DROPPED %u -> %u", n, want,
			mm.p0[n].queued, mm.p1[n].queued, mm.p0[n].dropped,
			mm.p1[n].dropped);
	if (!want && mm.cur.single && mm.cur.gate && mm.cur.strict)
		mo_single(n);
}

/* A descriptor to ADI n: through a 64-byte slot of its portal, or submit. */
static void submit(struct fz *f, bool portal)
{
	uint32_t n = fz_u8(f) % (mm.cfg.nr_adis + 1);
	uint64_t off = siovdev_portal_offset(mm.d, n) +
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
	for (i = 0; i < mm.nr_msix; i++)
		pend[i] = msix && pending(false, i);
	begin(-1);
	ret = write ? siovdev_cfg_write(mm.d, off, size, val) :
		      siovdev_cfg_read(mm.d, off, size, &got);
	fz_note_u64((uint64_t)(int64_t)ret);
	fz_note_u64(got);
	if (ret != want)
		fz_fail("cfg %s(%#x, %u): %d, the contract says %d",
			write ? "write" : "read", off, size, ret, want);
	if (flr)
		irq_shadow_reset();
	cfg_shadow();
	if (!flr) {
		mo_after(-1);
		for (i = 0; i < mm.nr_msix; i++)
			mo_unmask(false, i, pend[i]);
		return;
	}
	/* FLR: config space, every ADI and both tables as at power-on. */
	mo_probe_all(mm.p1);
	mo_msgs();
	for (n = 0; n < mm.cfg.nr_adis; n++)
		mo_reset_values(n, "a function level reset");
	{
		uint8_t img[SIOVDEV_CFG_SIZE];

		siovdev_cfg_image(mm.d, img);
		for (i = 0; i < SIOVDEV_CFG_SIZE; i++)
			if (img[i] != mm.fresh[i])
				fz_fail("after a function level reset config "
					"byte %#x is %#x, %#x at power-on", i,
					img[i], mm.fresh[i]);
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
		return SIOVDEV_REG_ADI(n % (mm.cfg.nr_adis + 1),
				       adi_regs[kind / 8 % 16]);
	case 3:
		return SIOVDEV_MSIX_TABLE + (n % (mm.nr_msix + 1)) * 16 +
		       (kind / 8 % 4) * 4;
	case 4:
		return SIOVDEV_MSIX_PBA + (n % 4) * 4;
	default:
		return SIOVDEV_IMS_TABLE + (n % (mm.nr_ims + 2)) * 16 +
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
		off = off % (siovdev_bar_size(mm.d, bar) + 1) &
		      ~(uint64_t)(len ? len - 1 : 0);
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
	ret = write ? siovdev_bar_write(mm.d, bar, off, buf, len) :
		      siovdev_bar_read(mm.d, bar, off, got, len);
	fz_note_u64((uint64_t)(int64_t)ret);
	if (ret != want)
		fz_fail("BAR%u %s at %#llx, %zu bytes: %d, the contract says "
			"%d", bar, write ? "write" : "read",
			(unsigned long long)off, len, ret, want);
	mo_after(-1);
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
	uint32_t pasid = siovdev_cfg_ext_offset(mm.d, SIOVDEV_EXT_ID_PASID);

	if (b & 1)
		siovdev_cfg_write(mm.d, CFG_COMMAND, 2, CMD_MEMORY | CMD_MASTER);
	if ((b & 2) && pasid)
		siovdev_cfg_write(mm.d, pasid + 6, 2, 1);
	if (b & 4)
		siovdev_cfg_write(mm.d, CFG_MSIX_CTRL, 2, MSIX_ENABLE);
	cfg_shadow();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	unsigned int i;

	read_config(&f, &mm.cfg);
	mm.d = siovdev_create(&mm.cfg, &host_ops, NULL, fault_get());
	fz_note_u64(mm.d != NULL);
	if (!mm.d)
		return 0;
	mm.nr_ims = mm.cfg.caps & SIOVDEV_HAS_IMS ? mm.cfg.ims_entries : 0;
	mm.nr_msix = 1 + (mm.nr_ims ? 0 : mm.cfg.nr_adis);
	mm.width = mm.cfg.caps & SIOVDEV_HAS_PASID ? mm.cfg.pasid_width : 0;
	siovdev_cfg_image(mm.d, mm.fresh);
	memset(mm.mem, 0, sizeof(mm.mem));
	memset(mm.asked, 0, sizeof(mm.asked));
	mm.cur = (struct inflight){ .adi = -1 };
	irq_shadow_reset();
	boot(&f);
	mm.nmaps = fz_u8(&f) % (MAX_MAPS + 1);
	for (i = 0; i < mm.nmaps; i++) {
		mm.maps[i].pasid = fz_u32(&f) & SIOVDEV_ADI_PASID_MASK;
		mm.maps[i].present = fz_u16(&f);
		mm.maps[i].writable = fz_u16(&f);
	}
	while (!fz_empty(&f))
		run_op(&f);
	fz_note(mm.mem, sizeof(mm.mem));
	siovdev_destroy(mm.d);
	mm.d = NULL;
	return 0;
}
