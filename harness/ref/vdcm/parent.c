/* SPDX-License-Identifier: MIT */
/*
 * Everything the VDCM asks of the physical device, in one place: the
 * parent driver's half of a VDCM (seeds/000, "What's missing? - Discover
 * Intel scalable IOV capability!"). It speaks to the reference endpoint
 * through its config space and BAR0 registers only (siovdev.h), as a host
 * driver speaks to hardware, so the rest of the VDCM never touches a
 * register of the parent. Every access goes through the VDCM's
 * vdcm_hw_ops (vdcm.h): the in-process siovdev and viommu below, or the
 * real endpoint through VFIO (harness/backends/vfio_parent.c).
 */
#include <errno.h>
#include <string.h>

#include "harness/ref/siovdev/siovdev.h"
#include "harness/ref/viommu/viommu.h"
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

/* ---- The in-process hardware: siovdev behind viommu (hw is the vdcm) ---- */

static struct vdcm *inproc(void *hw)
{
	return hw;
}

static const struct siovdev_config *inproc_config(void *hw)
{
	return siovdev_get_config(inproc(hw)->parent);
}

static int inproc_cfg_read(void *hw, uint32_t off, unsigned int size,
			   uint32_t *val)
{
	return siovdev_cfg_read(inproc(hw)->parent, off, size, val);
}

static int inproc_cfg_write(void *hw, uint32_t off, unsigned int size,
			    uint32_t val)
{
	return siovdev_cfg_write(inproc(hw)->parent, off, size, val);
}

static int inproc_bar_read(void *hw, unsigned int bar, uint64_t off,
			   void *buf, size_t len)
{
	return siovdev_bar_read(inproc(hw)->parent, bar, off, buf, len);
}

static int inproc_bar_write(void *hw, unsigned int bar, uint64_t off,
			    const void *buf, size_t len)
{
	return siovdev_bar_write(inproc(hw)->parent, bar, off, buf, len);
}

static uint64_t inproc_portal_offset(void *hw, uint32_t adi)
{
	return siovdev_portal_offset(inproc(hw)->parent, adi);
}

static int inproc_submit(void *hw, uint32_t adi, const struct siovdev_desc *d)
{
	return siovdev_submit(inproc(hw)->parent, adi, d);
}

static int inproc_adi_probe(void *hw, uint32_t adi,
			    struct siovdev_adi_probe *out)
{
	return siovdev_adi_probe(inproc(hw)->parent, adi, out);
}

static int inproc_adi_trace(void *hw, uint32_t adi, struct siovdev_event *ev,
			    size_t max, size_t *n)
{
	return siovdev_adi_trace(inproc(hw)->parent, adi, ev, max, n);
}

static int inproc_domain_alloc(void *hw, uint32_t *domain)
{
	return viommu_domain_alloc(inproc(hw)->iommu, domain);
}

static void inproc_domain_free(void *hw, uint32_t domain)
{
	viommu_domain_free(inproc(hw)->iommu, domain);
}

static int inproc_attach(void *hw, uint16_t rid, uint32_t pasid,
			 uint32_t domain)
{
	return viommu_attach(inproc(hw)->iommu, rid, pasid, domain);
}

static int inproc_detach(void *hw, uint16_t rid, uint32_t pasid)
{
	return viommu_detach(inproc(hw)->iommu, rid, pasid);
}

static int inproc_map(void *hw, uint32_t domain, uint64_t iova, void *vaddr,
		      uint64_t size, uint32_t prot)
{
	return viommu_map(inproc(hw)->iommu, domain, iova, vaddr, size, prot);
}

static int64_t inproc_unmap(void *hw, uint32_t domain, uint64_t iova,
			    uint64_t size)
{
	return viommu_unmap(inproc(hw)->iommu, domain, iova, size);
}

static int inproc_iommu_faults(void *hw, uint64_t *count)
{
	struct viommu_stats st;

	viommu_get_stats(inproc(hw)->iommu, &st);
	*count = st.faults;
	return 0;
}

static int inproc_fault_pop(void *hw, struct siovh_dma_fault *out)
{
	struct viommu_fault_record rec;
	int ret;

	ret = viommu_fault_pop(inproc(hw)->iommu, &rec);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->pasid = rec.pasid;
	out->pasid_valid = rec.pasid_valid;
	out->addr = rec.addr;
	out->write = rec.write;
	out->reason = rec.reason;
	return 0;
}

const struct vdcm_hw_ops vdcm_inproc_hw_ops = {
	.config = inproc_config,
	.cfg_read = inproc_cfg_read,
	.cfg_write = inproc_cfg_write,
	.bar_read = inproc_bar_read,
	.bar_write = inproc_bar_write,
	.portal_offset = inproc_portal_offset,
	.submit = inproc_submit,
	.adi_probe = inproc_adi_probe,
	.adi_trace = inproc_adi_trace,
	.domain_alloc = inproc_domain_alloc,
	.domain_free = inproc_domain_free,
	.attach = inproc_attach,
	.detach = inproc_detach,
	.map = inproc_map,
	.unmap = inproc_unmap,
	.iommu_faults = inproc_iommu_faults,
	.fault_pop = inproc_fault_pop,
};

/* ---- The VDCM's view: the ops of its hardware ---- */

static const struct siovdev_config *hw_config(struct vdcm *vdcm)
{
	return vdcm->hw_ops->config(vdcm->hw);
}

static int cfg_rd(struct vdcm *vdcm, uint32_t off, unsigned int size,
		  uint32_t *val)
{
	return vdcm->hw_ops->cfg_read(vdcm->hw, off, size, val);
}

static int cfg_wr(struct vdcm *vdcm, uint32_t off, unsigned int size,
		  uint32_t val)
{
	return vdcm->hw_ops->cfg_write(vdcm->hw, off, size, val);
}

static int reg_rd(struct vdcm *vdcm, uint64_t off, uint32_t *val)
{
	return vdcm->hw_ops->bar_read(vdcm->hw, 0, off, val, sizeof(*val));
}

static int reg_wr(struct vdcm *vdcm, uint64_t off, uint32_t val)
{
	return vdcm->hw_ops->bar_write(vdcm->hw, 0, off, &val, sizeof(val));
}

static int hw_adi_probe(struct vdcm *vdcm, uint32_t adi,
			struct siovdev_adi_probe *p)
{
	return vdcm->hw_ops->adi_probe(vdcm->hw, adi, p);
}

int vdcm_hw_domain_alloc(struct vdcm *vdcm, uint32_t *domain)
{
	return vdcm->hw_ops->domain_alloc(vdcm->hw, domain);
}

void vdcm_hw_domain_free(struct vdcm *vdcm, uint32_t domain)
{
	vdcm->hw_ops->domain_free(vdcm->hw, domain);
}

int vdcm_hw_attach(struct vdcm *vdcm, uint32_t pasid, uint32_t domain)
{
	return vdcm->hw_ops->attach(vdcm->hw, vdcm->rid, pasid, domain);
}

int vdcm_hw_detach(struct vdcm *vdcm, uint32_t pasid)
{
	return vdcm->hw_ops->detach(vdcm->hw, vdcm->rid, pasid);
}

int vdcm_hw_map(struct vdcm *vdcm, uint32_t domain, uint64_t iova,
		void *vaddr, uint64_t size, uint32_t prot)
{
	return vdcm->hw_ops->map(vdcm->hw, domain, iova, vaddr, size, prot);
}

int64_t vdcm_hw_unmap(struct vdcm *vdcm, uint32_t domain, uint64_t iova,
		      uint64_t size)
{
	return vdcm->hw_ops->unmap(vdcm->hw, domain, iova, size);
}

int vdcm_hw_iommu_faults(struct vdcm *vdcm, uint64_t *count)
{
	if (!vdcm->hw_ops->iommu_faults)
		return -EOPNOTSUPP;
	return vdcm->hw_ops->iommu_faults(vdcm->hw, count);
}

int vdcm_hw_fault_pop(struct vdcm *vdcm, struct siovh_dma_fault *out)
{
	if (!vdcm->hw_ops->fault_pop)
		return -EOPNOTSUPP;
	return vdcm->hw_ops->fault_pop(vdcm->hw, out);
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
	const struct siovdev_config *cfg = hw_config(vdcm);
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
	return hw_config(vdcm)->nr_adis;
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

/* The entry latched a message while masked (IMS shows it in CTRL). */
bool vdcm_hw_adi_ims_pending(struct vdcm *vdcm, uint32_t adi)
{
	uint32_t ctrl = 0;

	return !reg_rd(vdcm, ims_reg(adi_ims_entry(vdcm, adi),
				     SIOVDEV_IRQ_CTRL), &ctrl) &&
	       (ctrl & SIOVDEV_IRQ_CTRL_PENDING);
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
	ret = vdcm->hw_ops->submit(vdcm->hw, adi, &d);
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

	if (hw_adi_probe(vdcm, adi, &p))
		return 0;
	return (uint64_t)p.completed + p.dropped - vdcm->submit_drops[adi];
}

/* How many the ADI will have retired once a descriptor submitted now is. */
uint64_t vdcm_hw_adi_ticket(struct vdcm *vdcm, uint32_t adi)
{
	struct siovdev_adi_probe p;

	if (hw_adi_probe(vdcm, adi, &p))
		return 0;
	return vdcm_hw_adi_retired(vdcm, adi) + p.queued + 1;
}

/* Descriptors the ADI ran since its reset. */
uint64_t vdcm_hw_adi_completed(struct vdcm *vdcm, uint32_t adi)
{
	struct siovdev_adi_probe p;

	if (hw_adi_probe(vdcm, adi, &p))
		return 0;
	return p.completed;
}

ssize_t vdcm_hw_adi_portal_read(struct vdcm *vdcm, uint32_t adi, void *buf,
			size_t len, uint64_t offset)
{
	uint64_t base = vdcm->hw_ops->portal_offset(vdcm->hw, adi);
	int ret;

	ret = vdcm->hw_ops->bar_read(vdcm->hw, 2, base + offset, buf, len);
	return ret ? ret : (ssize_t)len;
}

int vdcm_hw_adi_probe(struct vdcm *vdcm, uint32_t adi,
		      struct siovh_adi_probe *out)
{
	struct siovdev_adi_probe p;
	int ret;

	ret = hw_adi_probe(vdcm, adi, &p);
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

	if (!vdcm->hw_ops->adi_trace ||
	    vdcm->hw_ops->adi_trace(vdcm->hw, adi, ev, SIOVDEV_EVENT_DEPTH,
				    &n) || !n)
		return 0;
	return ev[n - 1].seq;
}

int vdcm_hw_adi_device_trace(struct vdcm *vdcm, uint32_t adi,
		     struct siovh_adi_event *ev, size_t max, size_t *n)
{
	struct siovdev_event dev[SIOVDEV_EVENT_DEPTH];
	size_t i, got = 0;
	int ret;

	if (!vdcm->hw_ops->adi_trace)
		return -EOPNOTSUPP;	/* the hardware keeps no event log */
	if (max > SIOVDEV_EVENT_DEPTH)
		max = SIOVDEV_EVENT_DEPTH;
	ret = vdcm->hw_ops->adi_trace(vdcm->hw, adi, dev, max, &got);
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
