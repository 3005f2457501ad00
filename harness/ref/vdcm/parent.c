/* SPDX-License-Identifier: MIT */
/*
 * Everything the VDCM asks of the physical device, in one place: the
 * parent driver's half of a VDCM (seeds/000, "What's missing? - Discover
 * Intel scalable IOV capability!"). It speaks to the reference endpoint
 * through its config space and BAR0 registers only (siovdev.h), as a host
 * driver speaks to hardware, so the rest of the VDCM never touches a
 * register of the parent.
 */
#include <errno.h>
#include <string.h>

#include "harness/ref/siovdev/siovdev.h"
#include "vdcm_internal.h"

#define CFG_COMMAND		0x04
#define   CMD_MEMORY		0x0002
#define   CMD_MASTER		0x0004

#define ECAP_PASID		0x001b
#define ECAP_ATS		0x000f
#define ECAP_PRI		0x0013
#define PASID_CTRL_ENABLE	0x0001
#define ATS_CTRL_ENABLE		0x8000
#define PRI_CTRL_ENABLE		0x0001
#define PRI_CAPACITY		0x08	/* outstanding requests */
#define PRI_ALLOCATION		0x0c

/* Interrupt messages of IMS entries the VDCM programs go to this address;
 * the data names the ADI and the VDEV's MSI-X vector (vdcm_msi). */
#define VDCM_MSI_ADDR		0xfee00000u
#define MSI_DATA(adi, vector)	((adi) << 16 | (vector))

static int cfg_rd(struct vdcm *vdcm, uint32_t off, unsigned int size,
		  uint32_t *val)
{
	return siovdev_cfg_read(vdcm->parent, off, size, val);
}

static int cfg_wr(struct vdcm *vdcm, uint32_t off, unsigned int size,
		  uint32_t val)
{
	return siovdev_cfg_write(vdcm->parent, off, size, val);
}

static int reg_rd(struct vdcm *vdcm, uint64_t off, uint32_t *val)
{
	return siovdev_bar_read(vdcm->parent, 0, off, val, sizeof(*val));
}

static int reg_wr(struct vdcm *vdcm, uint64_t off, uint32_t val)
{
	return siovdev_bar_write(vdcm->parent, 0, off, &val, sizeof(val));
}

static int adi_wr(struct vdcm *vdcm, uint32_t adi, uint32_t reg, uint32_t val)
{
	return reg_wr(vdcm, SIOVDEV_REG_ADI(adi, reg), val);
}

/*
 * Offset of extended capability id in the parent's chain, 0 if absent. The
 * walk is bounded (a chain has at most (4096 - 256) / 4 entries) so that a
 * looping chain cannot hang the VDCM.
 */
static uint32_t parent_find_ecap(struct vdcm *vdcm, uint16_t id)
{
	uint32_t off = 0x100, hdr;
	int guard;

	for (guard = 0; off >= 0x100 && guard < 960; guard++) {
		if (cfg_rd(vdcm, off, 4, &hdr) || !hdr)
			return 0;
		if ((hdr & 0xffff) == id)
			return off;
		off = (hdr >> 20) & 0xffc;
	}
	return 0;
}

bool vdcm_hw_ecap_enabled(struct vdcm *vdcm, uint16_t id)
{
	uint32_t off = parent_find_ecap(vdcm, id), ctrl;
	uint32_t reg = id == ECAP_PRI ? 4 : 6;
	uint32_t bit = id == ECAP_PASID ? PASID_CTRL_ENABLE :
		       id == ECAP_ATS ? ATS_CTRL_ENABLE : PRI_CTRL_ENABLE;

	if (!off || cfg_rd(vdcm, off + reg, 2, &ctrl))
		return false;
	return ctrl & bit;
}

bool vdcm_hw_pasid_enabled(struct vdcm *vdcm)
{
	return vdcm_hw_ecap_enabled(vdcm, ECAP_PASID);
}

uint32_t vdcm_hw_pasid_cap(struct vdcm *vdcm)
{
	uint32_t off = parent_find_ecap(vdcm, ECAP_PASID), cap = 0;

	if (off && cfg_rd(vdcm, off + 4, 2, &cap))
		cap = 0;
	return cap;
}

/* Set bit in the 16-bit control register at reg of capability id. */
static int parent_ecap_enable(struct vdcm *vdcm, uint16_t id, uint32_t reg,
			      uint32_t bit)
{
	uint32_t off = parent_find_ecap(vdcm, id), ctrl;
	int ret;

	if (!off)
		return -ENODEV;
	ret = cfg_rd(vdcm, off + reg, 2, &ctrl);
	if (!ret)
		ret = cfg_wr(vdcm, off + reg, 2, ctrl | bit);
	return ret;
}

/*
 * PRI: the outstanding-request allocation (all the capacity: the VDCM is
 * the only user of the parent) must be set before the enable bit.
 */
static int parent_pri_enable(struct vdcm *vdcm)
{
	uint32_t off = parent_find_ecap(vdcm, ECAP_PRI), cap;
	int ret;

	if (!off)
		return -ENODEV;
	ret = cfg_rd(vdcm, off + PRI_CAPACITY, 4, &cap);
	if (!ret)
		ret = cfg_wr(vdcm, off + PRI_ALLOCATION, 4, cap);
	if (!ret)
		ret = parent_ecap_enable(vdcm, ECAP_PRI, 4, PRI_CTRL_ENABLE);
	return ret;
}

/*
 * Probe: turn the device on (memory space, bus mastering) and enable PASID
 * — required, since under SIOV every DMA of an ADI is PASID-tagged — and
 * ATS and PRI where the parent has them, before any ADI is handed out.
 */
int vdcm_hw_enable(struct vdcm *vdcm)
{
	const struct siovdev_config *cfg = siovdev_get_config(vdcm->parent);
	uint32_t cmd;
	int ret;

	if (!(cfg->caps & SIOVDEV_HAS_PASID))
		return -ENODEV;
	ret = cfg_rd(vdcm, CFG_COMMAND, 2, &cmd);
	if (!ret)
		ret = cfg_wr(vdcm, CFG_COMMAND, 2,
			     cmd | CMD_MEMORY | CMD_MASTER);
	if (!ret)
		ret = parent_ecap_enable(vdcm, ECAP_PASID, 6,
					 PASID_CTRL_ENABLE);
	if (!ret && (cfg->caps & SIOVDEV_HAS_ATS))
		ret = parent_ecap_enable(vdcm, ECAP_ATS, 6, ATS_CTRL_ENABLE);
	if (!ret && (cfg->caps & SIOVDEV_HAS_PRI))
		ret = parent_pri_enable(vdcm);
	/* ADI interrupts come from IMS: the VDCM needs an entry per ADI. */
	if (!ret)
		ret = reg_rd(vdcm, SIOVDEV_REG_IMS_SIZE, &vdcm->nr_ims);
	/* The VDCM leaves every ADI's QSIZE at its reset value, the largest
	 * depth the device has; the guest reads it in QDEPTH. */
	if (!ret)
		ret = reg_rd(vdcm, SIOVDEV_REG_MAX_QUEUE, &vdcm->queue_depth);
	if (ret)
		return ret;
	if (vdcm->nr_ims < vdcm->nr_adis)
		return -ENODEV;
	return vdcm_hw_pasid_enabled(vdcm) ? 0 : -ENODEV;
}

uint32_t vdcm_hw_nr_adis(struct vdcm *vdcm)
{
	return siovdev_get_config(vdcm->parent)->nr_adis;
}

/* ---- One ADI ---- */

int vdcm_hw_adi_program_pasid(struct vdcm *vdcm, uint32_t adi, uint32_t pasid)
{
	return adi_wr(vdcm, adi, SIOVDEV_ADI_PASID,
		      (pasid & SIOVDEV_ADI_PASID_MASK) |
		      SIOVDEV_ADI_PASID_VALID);
}

/* Clear PASID-valid: from now on the ADI cannot DMA at all. */
int vdcm_hw_adi_invalidate_pasid(struct vdcm *vdcm, uint32_t adi)
{
	return adi_wr(vdcm, adi, SIOVDEV_ADI_PASID, 0);
}

/*
 * ENABLE and HOLD together, in one CTRL write. A held ADI queues what is
 * submitted and runs none of it; clearing HOLD (or ENABLE) runs the queue.
 */
int vdcm_hw_adi_ctrl(struct vdcm *vdcm, uint32_t adi, bool enable, bool hold)
{
	return adi_wr(vdcm, adi, SIOVDEV_ADI_CTRL,
		      (enable ? SIOVDEV_ADI_CTRL_ENABLE : 0) |
		      (hold ? SIOVDEV_ADI_CTRL_HOLD : 0));
}

/*
 * Reset alone: the device discards what the ADI has queued, without any
 * DMA, and returns its registers to their defaults (PASID invalid).
 */
int vdcm_hw_adi_reset(struct vdcm *vdcm, uint32_t adi)
{
	vdcm->submit_drops[adi] = 0;	/* the device clears DROPPED */
	return adi_wr(vdcm, adi, SIOVDEV_ADI_RESET, 1);
}

/*
 * Quiesce: disable (the device finishes what it accepted, held or not),
 * drain what is left, and reset the ADI to its defaults. After this the
 * ADI holds no work, no PASID and no error. Work the ADI runs here DMAs
 * with the PASID it holds: a caller that must not run it invalidates the
 * PASID first (release), or resets instead (vdcm_hw_adi_reset).
 */
int vdcm_hw_adi_quiesce(struct vdcm *vdcm, uint32_t adi)
{
	int ret;

	ret = vdcm_hw_adi_ctrl(vdcm, adi, false, false);
	if (!ret)
		ret = adi_wr(vdcm, adi, SIOVDEV_ADI_DRAIN, 1);
	if (!ret)
		ret = vdcm_hw_adi_reset(vdcm, adi);
	return ret;
}

/* The IMS entry the ADI interrupts through (its IRQ register). */
/*
 * The IMS entry the VDCM gives an ADI. IMS is the device's storage, not the
 * ADI's: the host driver hands entries out, here from the top of the table
 * down, and points the ADI's IRQ register at its entry when it programs it.
 */
static uint32_t adi_ims_entry(const struct vdcm *vdcm, uint32_t adi)
{
	return vdcm->nr_ims - 1 - adi;
}

static uint64_t ims_reg(uint32_t entry, uint32_t reg)
{
	return SIOVDEV_IMS_TABLE + (uint64_t)entry * SIOVDEV_IRQ_ENTRY_SIZE +
	       reg;
}

/* Point the ADI's IMS entry at the VDCM, naming the VDEV's vector. */
int vdcm_hw_adi_ims_program(struct vdcm *vdcm, uint32_t adi, uint32_t vector)
{
	uint32_t entry = adi_ims_entry(vdcm, adi);
	int ret;

	ret = adi_wr(vdcm, adi, SIOVDEV_ADI_IRQ, entry);
	if (!ret)
		ret = reg_wr(vdcm, ims_reg(entry, SIOVDEV_IRQ_ADDR_LO),
			     VDCM_MSI_ADDR);
	if (!ret)
		ret = reg_wr(vdcm, ims_reg(entry, SIOVDEV_IRQ_ADDR_HI), 0);
	if (!ret)
		ret = reg_wr(vdcm, ims_reg(entry, SIOVDEV_IRQ_DATA),
			     MSI_DATA(adi, vector));
	return ret;
}

int vdcm_hw_adi_ims_mask(struct vdcm *vdcm, uint32_t adi, bool masked)
{
	return reg_wr(vdcm, ims_reg(adi_ims_entry(vdcm, adi), SIOVDEV_IRQ_CTRL),
		      masked ? SIOVDEV_IRQ_CTRL_MASK : 0);
}

bool vdcm_hw_adi_ims_masked(struct vdcm *vdcm, uint32_t adi)
{
	uint32_t ctrl = 0;

	return !reg_rd(vdcm, ims_reg(adi_ims_entry(vdcm, adi),
				     SIOVDEV_IRQ_CTRL), &ctrl) &&
	       (ctrl & SIOVDEV_IRQ_CTRL_MASK);
}

/* An interrupt message from the parent: find the VDEV and its vector. */
void vdcm_msi(struct vdcm *vdcm, uint64_t addr, uint32_t data)
{
	uint32_t adi = data >> 16;
	struct vdcm_vdev *vdev;

	if (addr != VDCM_MSI_ADDR || adi >= vdcm->nr_adis)
		return;			/* not one of ours: dropped */
	vdev = vdcm->adi_owner[adi];
	if (vdev && vdev->open)
		vdcm_irq_deliver(vdev, data & 0xffff);
}

/*
 * Submit one descriptor to the ADI, as the VDEV's portal write would. The
 * portal write is posted: the guest learns the outcome from the completion
 * record, so only a register failure (memory space off) is an error here;
 * a descriptor the ADI dropped at the door (queue full, ADI disabled) is 1,
 * for the VDCM's own accounting: it will never run.
 */
int vdcm_hw_adi_submit(struct vdcm *vdcm, uint32_t adi, const void *desc)
{
	struct siovdev_desc d;
	int ret;

	memcpy(&d, desc, sizeof(d));
	ret = siovdev_submit(vdcm->parent, adi, &d);
	if (ret == -EBUSY || ret == -EACCES) {
		vdcm->submit_drops[adi]++;
		return 1;
	}
	return ret == -EIO || ret == -EINVAL ? ret : 0;
}

/*
 * Descriptors the ADI has finished with since its reset, in queue order:
 * executed, or dropped when their turn came (no PASID, bad completion
 * address). Those dropped at submission never had a turn: not counted.
 */
uint64_t vdcm_hw_adi_retired(struct vdcm *vdcm, uint32_t adi)
{
	struct siovdev_adi_probe p;

	if (siovdev_adi_probe(vdcm->parent, adi, &p))
		return 0;
	return (uint64_t)p.completed + p.dropped - vdcm->submit_drops[adi];
}

/* How many the ADI will have retired once a descriptor submitted now is. */
uint64_t vdcm_hw_adi_ticket(struct vdcm *vdcm, uint32_t adi)
{
	struct siovdev_adi_probe p;

	if (siovdev_adi_probe(vdcm->parent, adi, &p))
		return 0;
	return vdcm_hw_adi_retired(vdcm, adi) + p.queued + 1;
}

/* Descriptors the ADI ran since its reset. */
uint64_t vdcm_hw_adi_completed(struct vdcm *vdcm, uint32_t adi)
{
	struct siovdev_adi_probe p;

	if (siovdev_adi_probe(vdcm->parent, adi, &p))
		return 0;
	return p.completed;
}

ssize_t vdcm_hw_adi_portal_read(struct vdcm *vdcm, uint32_t adi, void *buf,
			size_t len, uint64_t offset)
{
	uint64_t base = siovdev_portal_offset(vdcm->parent, adi);
	int ret;

	ret = siovdev_bar_read(vdcm->parent, 2, base + offset, buf, len);
	return ret ? ret : (ssize_t)len;
}

int vdcm_hw_adi_probe(struct vdcm *vdcm, uint32_t adi,
		      struct siovh_adi_probe *out)
{
	struct siovdev_adi_probe p;
	int ret;

	ret = siovdev_adi_probe(vdcm->parent, adi, &p);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->enabled = p.enabled;
	out->pasid_valid = p.pasid_valid;
	out->pasid = p.pasid;
	out->queued = p.queued;
	out->page_wait = p.page_wait;
	/* An ADI has one entry: the one the VDCM gave it. */
	out->ims_masked = vdcm_hw_adi_ims_masked(vdcm, adi);
	return 0;
}

/* The newest sequence number in the ADI's event log, 0 if none. */
uint64_t vdcm_hw_adi_last_seq(struct vdcm *vdcm, uint32_t adi)
{
	struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
	size_t n = 0;

	if (siovdev_adi_trace(vdcm->parent, adi, ev, SIOVDEV_EVENT_DEPTH, &n) ||
	    !n)
		return 0;
	return ev[n - 1].seq;
}

int vdcm_hw_adi_device_trace(struct vdcm *vdcm, uint32_t adi,
		     struct siovh_adi_event *ev, size_t max, size_t *n)
{
	struct siovdev_event dev[SIOVDEV_EVENT_DEPTH];
	size_t i, got = 0;
	int ret;

	if (max > SIOVDEV_EVENT_DEPTH)
		max = SIOVDEV_EVENT_DEPTH;
	ret = siovdev_adi_trace(vdcm->parent, adi, dev, max, &got);
	if (ret)
		return ret;
	for (i = 0; i < got; i++) {
		ev[i].kind = dev[i].kind;
		ev[i].arg = dev[i].arg;
		ev[i].seq = dev[i].seq;
	}
	*n = got;
	return 0;
}
