/* SPDX-License-Identifier: MIT */
/*
 * Config space. Every register is described by three byte arrays: its
 * value, which bits a write may change (wmask) and which bits a write of
 * 1 clears (w1cmask); whatever neither mask covers is read-only. That one
 * rule gives RO fields that ignore writes, RW1C status bits and the BAR
 * sizing protocol (a BAR's low address bits are not in wmask, so writing
 * all-ones reads back the size mask). The few registers whose writes do
 * more than store bits are handled after the store: the DVSEC system page
 * size, Initiate FLR, PRI enable and MSI-X control.
 */
#include <errno.h>
#include <string.h>

#include "siovdev_internal.h"

#define EXT_HDR(id, ver, next) \
	((uint32_t)(id) | (uint32_t)(ver) << 16 | (uint32_t)(next) << 20)

static void put(struct cfg_space *cs, uint32_t off, unsigned int size,
		uint64_t val)
{
	le_put(&cs->val[off], size, val);
}

static void rw(struct cfg_space *cs, uint32_t off, unsigned int size,
	       uint64_t mask)
{
	le_put(&cs->wmask[off], size, mask);
}

static void w1c(struct cfg_space *cs, uint32_t off, unsigned int size,
		uint64_t mask)
{
	le_put(&cs->w1cmask[off], size, mask);
}

uint32_t cfg_get(const struct siovdev *d, uint32_t off, unsigned int size)
{
	return le_get(&d->cs.val[off], size);
}

/* ---- BARs ---- */

static uint64_t pow2_roundup(uint64_t x)
{
	uint64_t p = 1;

	while (p < x)
		p <<= 1;
	return p;
}

uint64_t cfg_page_size(const struct siovdev *d)
{
	uint32_t sps = cfg_get(d, d->cs.dvsec + SIOVDEV_DVSEC_SYS_PGSZ, 4);
	unsigned int bit = 0;

	/* Only a faulty DVSEC holds more than one bit: use the lowest. */
	while (bit < 31 && !(sps & (1u << bit)))
		bit++;
	return 4096ull << bit;
}

uint64_t cfg_bar2_size(const struct siovdev *d)
{
	return pow2_roundup(d->cfg.nr_adis * cfg_page_size(d));
}

/* Make a 64-bit BAR at off decode size bytes: only address bits above
 * the size are writable; the value keeps only those. */
static void bar_set_size(struct cfg_space *cs, uint32_t off, uint64_t size)
{
	uint64_t mask = ~(size - 1) & ~0xfull;
	uint64_t val = le_get64(&cs->val[off]);

	rw(cs, off, 4, mask & 0xffffffff);
	rw(cs, off + 4, 4, mask >> 32);
	put(cs, off, 4, (val & mask & 0xffffffff) | CFG_BAR_MEM64);
	put(cs, off + 4, 4, (val & mask) >> 32);
}

static void bar2_update(struct siovdev *d)
{
	uint64_t size = cfg_bar2_size(d);

	if (siovdev_fault(d, SIOVDEV_FAULT_BAR_SIZE))
		size /= 2;
	bar_set_size(&d->cs, CFG_BAR2, size);
}

/* ---- Layout ---- */

static void header_init(struct siovdev *d)
{
	struct cfg_space *cs = &d->cs;

	put(cs, CFG_VENDOR, 2, SIOVDEV_VENDOR_ID);
	if (siovdev_fault(d, SIOVDEV_FAULT_VENDOR_WRITABLE))
		rw(cs, CFG_VENDOR, 2, 0xffff);
	put(cs, 0x02, 2, SIOVDEV_DEVICE_ID);
	/* Memory space, bus master, parity, SERR#, INTx disable. */
	rw(cs, CFG_COMMAND, 2, 0x0546);
	if (siovdev_fault(d, SIOVDEV_FAULT_COMMAND_RO_WRITABLE))
		rw(cs, CFG_COMMAND, 2, 0x0546 | 0x02b9);
	put(cs, CFG_STATUS, 2, CFG_STS_CAP_LIST);
	if (!siovdev_fault(d, SIOVDEV_FAULT_STATUS_RW1C_STUCK))
		w1c(cs, CFG_STATUS, 2, 0xf900);
	put(cs, 0x08, 4, (uint32_t)SIOVDEV_CLASS << 8 | SIOVDEV_REVISION);
	rw(cs, 0x0c, 1, 0xff);			/* cache line size */
	put(cs, CFG_BAR0, 4, CFG_BAR_MEM64);
	bar_set_size(cs, CFG_BAR0, SIOVDEV_BAR0_SIZE);
	put(cs, CFG_BAR2, 4, CFG_BAR_MEM64);
	put(cs, 0x2c, 2, SIOVDEV_VENDOR_ID);
	put(cs, 0x2e, 2, SIOVDEV_DEVICE_ID);
	put(cs, CFG_CAP_PTR, 1, SIOVDEV_CFG_PCIE |
	    (siovdev_fault(d, SIOVDEV_FAULT_CAP_PTR_RESERVED) ? 0x1 : 0));
	rw(cs, 0x3c, 1, 0xff);			/* interrupt line */
}

static void pcie_init(struct siovdev *d)
{
	struct cfg_space *cs = &d->cs;
	uint32_t at = SIOVDEV_CFG_PCIE;

	put(cs, at, 1, 0x10);
	put(cs, at + 1, 1, SIOVDEV_CFG_MSIX);
	put(cs, at + 2, 2, 0x0002);		/* version 2, endpoint */
	/* DEVCAP: 128 B payload, role-based errors, FLR. */
	put(cs, at + 0x04, 4, (1u << 15) | (1u << 28));
	put(cs, at + PCIE_DEVCTL, 2, 0x2810);
	rw(cs, at + PCIE_DEVCTL, 2, 0x79ff);
	w1c(cs, at + 0x0a, 2, 0x000f);
	put(cs, at + 0x0c, 4, 0x11);		/* LNKCAP: 2.5 GT/s, x1 */
	put(cs, at + 0x12, 2, 0x11);		/* LNKSTA */
	/*
	 * DEVCAP2: a PASID is carried in an End-End TLP Prefix, so a function
	 * with the PASID capability supports them (bit 21; max prefixes 00b =
	 * 4). Linux enables PASID only on a path that has this bit.
	 */
	if (d->cfg.caps & SIOVDEV_HAS_PASID)
		put(cs, at + 0x24, 4, 1u << 21);
}

static void msix_init(struct siovdev *d)
{
	struct cfg_space *cs = &d->cs;
	uint32_t at = SIOVDEV_CFG_MSIX;

	put(cs, at, 1, 0x11);
	put(cs, at + 1, 1, 0);
	put(cs, at + MSIX_CTRL, 2, d->nr_msix - 1);
	rw(cs, at + MSIX_CTRL, 2, MSIX_CTRL_MASKALL | MSIX_CTRL_ENABLE);
	put(cs, at + 4, 4, SIOVDEV_MSIX_TABLE);	/* BIR 0 */
	put(cs, at + 8, 4, SIOVDEV_MSIX_PBA);
}

/* Append an extended capability of size bytes at *at; link it from
 * *prev. Returns its offset. */
static uint32_t ext_add(struct cfg_space *cs, uint32_t *at, uint32_t *prev,
			uint16_t id, uint32_t size)
{
	uint32_t off = *at;

	if (*prev)
		put(cs, *prev, 4, le_get(&cs->val[*prev], 4) |
				  EXT_HDR(0, 0, off));
	put(cs, off, 4, EXT_HDR(id, 1, 0));
	*prev = off;
	*at = off + ((size + 15) & ~15u);
	return off;
}

static void pasid_init(struct siovdev *d, uint32_t at)
{
	uint16_t ctrl_mask = 0x7;	/* enable, execute, privileged */

	/* Execute and privileged modes supported; max width. */
	put(&d->cs, at + 4, 2, 0x6 | (d->cfg.pasid_width & 0x1f) << 8);
	if (siovdev_fault(d, SIOVDEV_FAULT_PASID_ENABLE_RO))
		ctrl_mask &= ~PASID_CTRL_ENABLE;
	rw(&d->cs, at + PASID_CTRL, 2, ctrl_mask);
}

static void ats_init(struct siovdev *d, uint32_t at)
{
	put(&d->cs, at + 4, 2, 0x0020);		/* page aligned request */
	rw(&d->cs, at + 6, 2, 0x801f);		/* enable, STU */
}

static void pri_init(struct siovdev *d, uint32_t at)
{
	struct cfg_space *cs = &d->cs;

	rw(cs, at + PRI_CTRL, 2, PRI_CTRL_ENABLE);
	put(cs, at + PRI_STATUS, 2, PRI_STS_STOPPED | (1u << 15));
	w1c(cs, at + PRI_STATUS, 2, 0x0003);
	put(cs, at + 0x08, 4, 32);		/* capacity */
	rw(cs, at + 0x0c, 4, 0xffffffff);	/* allocation */
}

static void dvsec_init(struct siovdev *d, uint32_t at)
{
	struct cfg_space *cs = &d->cs;
	uint32_t len = SIOVDEV_DVSEC_LEN, id = SIOVDEV_DVSEC_ID;
	uint32_t sup = d->cfg.page_sizes | 1;

	if (siovdev_fault(d, SIOVDEV_FAULT_DVSEC_LENGTH))
		len = 0x14;
	if (siovdev_fault(d, SIOVDEV_FAULT_DVSEC_ID))
		id = 4;
	if (siovdev_fault(d, SIOVDEV_FAULT_DVSEC_NO_4K))
		sup &= ~1u;
	put(cs, at + SIOVDEV_DVSEC_HDR1, 4, SIOVDEV_DVSEC_VENDOR |
	    SIOVDEV_DVSEC_REV << 16 | len << 20);
	put(cs, at + SIOVDEV_DVSEC_HDR2, 2, id);
	put(cs, at + SIOVDEV_DVSEC_FDL, 1, 0);
	put(cs, at + SIOVDEV_DVSEC_FLAGS, 1, SIOVDEV_DVSEC_FLAG_HOMOGENEOUS);
	if (siovdev_fault(d, SIOVDEV_FAULT_DVSEC_FLAGS_WRITABLE))
		rw(cs, at + SIOVDEV_DVSEC_FLAGS, 1, 0xff);
	put(cs, at + SIOVDEV_DVSEC_SUP_PGSZ, 4, sup);
	/* System page size: not in wmask, cfg_write applies its rule. */
	put(cs, at + SIOVDEV_DVSEC_SYS_PGSZ, 4, 1);
	put(cs, at + SIOVDEV_DVSEC_CAP, 4,
	    d->nr_ims ? SIOVDEV_DVSEC_CAP_IMS : 0);
	if (siovdev_fault(d, SIOVDEV_FAULT_DVSEC_CAP_WRITABLE))
		rw(cs, at + SIOVDEV_DVSEC_CAP, 4, 0xffffffff);
}

void cfg_init(struct siovdev *d)
{
	struct cfg_space *cs = &d->cs;
	uint32_t at = 0x100, prev = 0;

	memset(cs, 0, sizeof(*cs));
	header_init(d);
	pcie_init(d);
	msix_init(d);
	if (d->cfg.caps & SIOVDEV_HAS_PASID)
		cs->pasid = ext_add(cs, &at, &prev, SIOVDEV_EXT_ID_PASID, 8);
	if (d->cfg.caps & SIOVDEV_HAS_ATS)
		cs->ats = ext_add(cs, &at, &prev, SIOVDEV_EXT_ID_ATS, 8);
	if (d->cfg.caps & SIOVDEV_HAS_PRI)
		cs->pri = ext_add(cs, &at, &prev, SIOVDEV_EXT_ID_PRI, 16);
	cs->dvsec = ext_add(cs, &at, &prev, SIOVDEV_DVSEC_ID_EXT,
			    SIOVDEV_DVSEC_LEN);
	if (siovdev_fault(d, SIOVDEV_FAULT_EXT_CAP_LOOP))
		put(cs, cs->dvsec, 4, EXT_HDR(SIOVDEV_DVSEC_ID_EXT, 1, 0x100));
	if (cs->pasid)
		pasid_init(d, cs->pasid);
	if (cs->ats)
		ats_init(d, cs->ats);
	if (cs->pri)
		pri_init(d, cs->pri);
	dvsec_init(d, cs->dvsec);
	bar2_update(d);
}

/* ---- State the rest of the device looks at ---- */

bool cfg_memory_enabled(const struct siovdev *d)
{
	return cfg_get(d, CFG_COMMAND, 2) & CFG_CMD_MEMORY;
}

bool cfg_bus_master(const struct siovdev *d)
{
	return cfg_get(d, CFG_COMMAND, 2) & CFG_CMD_MASTER;
}

bool cfg_pasid_enabled(const struct siovdev *d)
{
	return d->cs.pasid &&
	       (cfg_get(d, d->cs.pasid + PASID_CTRL, 2) & PASID_CTRL_ENABLE);
}

bool cfg_pri_enabled(const struct siovdev *d)
{
	return d->cs.pri &&
	       (cfg_get(d, d->cs.pri + PRI_CTRL, 2) & PRI_CTRL_ENABLE);
}

uint32_t cfg_pri_alloc(const struct siovdev *d)
{
	return d->cs.pri ? cfg_get(d, d->cs.pri + PRI_ALLOC, 4) : 0;
}

bool cfg_pri_rf(const struct siovdev *d)
{
	return d->cs.pri &&
	       (cfg_get(d, d->cs.pri + PRI_STATUS, 2) & PRI_STS_RF);
}

void cfg_pri_set_rf(struct siovdev *d)
{
	uint32_t at = d->cs.pri + PRI_STATUS;

	if (d->cs.pri)
		put(&d->cs, at, 2, cfg_get(d, at, 2) | PRI_STS_RF);
}

/* Stopped: disabled with no request outstanding (PCIe 10.5.2.3). */
void cfg_pri_update_stopped(struct siovdev *d)
{
	uint32_t at = d->cs.pri + PRI_STATUS;
	uint16_t sts;

	if (!d->cs.pri)
		return;
	sts = (uint16_t)cfg_get(d, at, 2) & ~PRI_STS_STOPPED;
	if (!cfg_pri_enabled(d) &&
	    (!d->pr_outstanding ||
	     siovdev_fault(d, SIOVDEV_FAULT_PRI_STOPPED_EARLY)))
		sts |= PRI_STS_STOPPED;
	put(&d->cs, at, 2, sts);
}

bool cfg_msix_enabled(const struct siovdev *d)
{
	return cfg_get(d, SIOVDEV_CFG_MSIX + MSIX_CTRL, 2) & MSIX_CTRL_ENABLE;
}

bool cfg_msix_masked(const struct siovdev *d)
{
	return cfg_get(d, SIOVDEV_CFG_MSIX + MSIX_CTRL, 2) &
	       MSIX_CTRL_MASKALL;
}

void cfg_set_status(struct siovdev *d, uint16_t bits)
{
	put(&d->cs, CFG_STATUS, 2, cfg_get(d, CFG_STATUS, 2) | bits);
}

/* ---- Accesses ---- */

static int access_check(uint32_t offset, unsigned int size)
{
	if (size != 1 && size != 2 && size != 4)
		return -EINVAL;
	if (offset % size || offset >= SIOVDEV_CFG_SIZE)
		return -EINVAL;
	return 0;
}

int siovdev_cfg_read(struct siovdev *d, uint32_t offset, unsigned int size,
		     uint32_t *val)
{
	int ret = access_check(offset, size);

	if (ret)
		return ret;
	*val = cfg_get(d, offset, size);
	return 0;
}

/* Whether [off, off + size) overlaps [reg, reg + len). */
static bool touches(uint32_t off, unsigned int size, uint32_t reg,
		    uint32_t len)
{
	return off < reg + len && reg < off + size;
}

/* The written dword at reg (4 bytes): the access's bytes over the old. */
static uint32_t merged(const struct siovdev *d, uint32_t off,
		       unsigned int size, uint32_t val, uint32_t reg)
{
	uint8_t b[4];
	unsigned int i;

	memcpy(b, &d->cs.val[reg], 4);
	for (i = 0; i < size; i++)
		if (off + i >= reg && off + i < reg + 4)
			b[off + i - reg] = (uint8_t)(val >> (8 * i));
	return le_get(b, 4);
}

/*
 * The DVSEC system page size takes a value with exactly one bit, and a
 * supported one; anything else leaves it as it was (the SIOV
 * specification leaves other values undefined, and ignoring them is the
 * behaviour software can test for).
 */
static void sys_page_size_write(struct siovdev *d, uint32_t v)
{
	uint32_t reg = d->cs.dvsec + SIOVDEV_DVSEC_SYS_PGSZ;
	uint32_t sup = cfg_get(d, d->cs.dvsec + SIOVDEV_DVSEC_SUP_PGSZ, 4);
	bool one_bit = v && !(v & (v - 1));
	bool supported = !(v & ~sup);

	if (siovdev_fault(d, SIOVDEV_FAULT_DVSEC_SPS_TWO_BITS))
		one_bit = v && !((v & (v - 1)) & ((v & (v - 1)) - 1));
	if (siovdev_fault(d, SIOVDEV_FAULT_DVSEC_SPS_UNSUPPORTED))
		supported = true;
	if (!one_bit || !supported)
		return;
	put(&d->cs, reg, 4, v);
	bar2_update(d);
}

static void store(struct siovdev *d, uint32_t off, unsigned int size,
		  uint32_t val)
{
	struct cfg_space *cs = &d->cs;
	unsigned int i;

	for (i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t wm = cs->wmask[off + i];
		uint8_t v = (uint8_t)((cs->val[off + i] & ~wm) | (b & wm));

		cs->val[off + i] = (uint8_t)(v & ~(b & cs->w1cmask[off + i]));
	}
}

int siovdev_cfg_write(struct siovdev *d, uint32_t offset, unsigned int size,
		      uint32_t val)
{
	const struct cfg_space *cs = &d->cs;
	uint32_t devctl = SIOVDEV_CFG_PCIE + PCIE_DEVCTL;
	uint32_t sps = cs->dvsec + SIOVDEV_DVSEC_SYS_PGSZ;
	uint32_t msix_ctrl = SIOVDEV_CFG_MSIX + MSIX_CTRL;
	bool flr = false;
	int ret = access_check(offset, size);

	if (ret)
		return ret;
	if (touches(offset, size, devctl, 2))
		flr = merged(d, offset, size, val, devctl) & PCIE_DEVCTL_FLR;
	if (touches(offset, size, sps, 4))
		sys_page_size_write(d, merged(d, offset, size, val, sps));
	store(d, offset, size, val);

	if (cs->pri && touches(offset, size, cs->pri + PRI_CTRL, 2))
		cfg_pri_update_stopped(d);
	if (touches(offset, size, msix_ctrl, 2))
		irq_msix_control_changed(d);
	if (flr)
		siovdev_flr(d);
	return 0;
}

void siovdev_cfg_image(const struct siovdev *d,
		       uint8_t out[SIOVDEV_CFG_SIZE])
{
	memcpy(out, d->cs.val, SIOVDEV_CFG_SIZE);
}

uint32_t siovdev_cfg_ext_offset(const struct siovdev *d, uint16_t cap_id)
{
	switch (cap_id) {
	case SIOVDEV_EXT_ID_PASID:
		return d->cs.pasid;
	case SIOVDEV_EXT_ID_ATS:
		return d->cs.ats;
	case SIOVDEV_EXT_ID_PRI:
		return d->cs.pri;
	case SIOVDEV_DVSEC_ID_EXT:
		return d->cs.dvsec;
	}
	return 0;
}
