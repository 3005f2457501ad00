/* SPDX-License-Identifier: MIT */
/*
 * The two memory BARs: BAR0's control registers (the slow path a VDCM
 * traps and emulates) and BAR2's ADI portals (the fast path a VDCM maps
 * into a VDEV). The layout is in siovdev.h.
 */
#include <errno.h>
#include <string.h>

#include "siovdev_internal.h"

#define ADI_END	(SIOVDEV_REG_ADI_BASE + \
		 SIOVDEV_MAX_ADIS * SIOVDEV_REG_ADI_STRIDE)

uint64_t siovdev_bar_size(const struct siovdev *d, unsigned int bar)
{
	if (bar == 0)
		return SIOVDEV_BAR0_SIZE;
	if (bar == 2)
		return cfg_bar2_size(d);
	return 0;
}

uint64_t siovdev_portal_offset(const struct siovdev *d, uint32_t adi)
{
	return adi * cfg_page_size(d);
}

static uint32_t dev_reg_read(const struct siovdev *d, uint32_t off)
{
	switch (off) {
	case SIOVDEV_REG_VERSION:
		return 0x00010000;
	case SIOVDEV_REG_NR_ADIS:
		return d->cfg.nr_adis;
	case SIOVDEV_REG_IMS_SIZE:
		return d->nr_ims;
	case SIOVDEV_REG_MAX_QUEUE:
		return d->cfg.max_queue;
	case SIOVDEV_REG_ERR_SUMMARY:
		return (uint32_t)adi_error_summary(d);
	case SIOVDEV_REG_ERR_SUMMARY + 4:
		return (uint32_t)(adi_error_summary(d) >> 32);
	}
	return 0;
}

static uint32_t bar0_read32(struct siovdev *d, uint32_t off)
{
	uint32_t n = (off - SIOVDEV_REG_ADI_BASE) / SIOVDEV_REG_ADI_STRIDE;

	if (off < SIOVDEV_REG_ADI_BASE)
		return dev_reg_read(d, off);
	if (off < ADI_END)
		return n < d->cfg.nr_adis ?
		       adi_reg_read(d, n, off % SIOVDEV_REG_ADI_STRIDE) : 0;
	if (off < SIOVDEV_MSIX_PBA)
		return irq_reg_read(d, IRQ_MSIX, off - SIOVDEV_MSIX_TABLE);
	if (off < SIOVDEV_IMS_TABLE)
		return irq_pba_read(d, off - SIOVDEV_MSIX_PBA);
	return irq_reg_read(d, IRQ_IMS, off - SIOVDEV_IMS_TABLE);
}

/* Device registers and the PBA are read-only. */
static void bar0_write32(struct siovdev *d, uint32_t off, uint32_t val)
{
	uint32_t n = (off - SIOVDEV_REG_ADI_BASE) / SIOVDEV_REG_ADI_STRIDE;

	if (off < SIOVDEV_REG_ADI_BASE)
		return;
	if (off < ADI_END) {
		if (n < d->cfg.nr_adis)
			adi_reg_write(d, n, off % SIOVDEV_REG_ADI_STRIDE, val);
	} else if (off < SIOVDEV_MSIX_PBA) {
		irq_reg_write(d, IRQ_MSIX, off - SIOVDEV_MSIX_TABLE, val);
	} else if (off >= SIOVDEV_IMS_TABLE) {
		irq_reg_write(d, IRQ_IMS, off - SIOVDEV_IMS_TABLE, val);
	}
}

/* -EINVAL unless bar is 0 or 2 and the access is in it, naturally
 * aligned, of an allowed size; -EIO when memory space is off. */
static int access_check(const struct siovdev *d, unsigned int bar,
			uint64_t off, size_t len, bool write)
{
	uint64_t size = siovdev_bar_size(d, bar);

	if (!size || !len || off >= size || len > size - off)
		return -EINVAL;
	if (bar == 0 && len != 4 && len != 8)
		return -EINVAL;
	if (bar == 2 && write && len != SIOVDEV_DESC_SIZE)
		return -EINVAL;
	if (bar == 2 && !write && len != 1 && len != 2 && len != 4 &&
	    len != 8)
		return -EINVAL;
	if (off % len &&
	    !(bar == 0 && siovdev_fault(d, SIOVDEV_FAULT_BAR_UNALIGNED)))
		return -EINVAL;
	if (!cfg_memory_enabled(d))
		return -EIO;
	return 0;
}

int siovdev_bar_read(struct siovdev *d, unsigned int bar, uint64_t offset,
		     void *buf, size_t len)
{
	int ret = access_check(d, bar, offset, len, false);
	uint32_t off = (uint32_t)offset;

	if (ret)
		return ret;
	if (bar == 2) {
		memset(buf, 0xff, len);		/* portals are write-only */
		return 0;
	}
	le_put(buf, 4, bar0_read32(d, off));
	if (len == 8)
		le_put((uint8_t *)buf + 4, 4, bar0_read32(d, off + 4));
	return 0;
}

int siovdev_bar_write(struct siovdev *d, unsigned int bar, uint64_t offset,
		      const void *buf, size_t len)
{
	int ret = access_check(d, bar, offset, len, true);
	struct siovdev_desc desc;
	uint64_t adi;

	if (ret)
		return ret;
	if (bar == 0) {
		bar0_write32(d, (uint32_t)offset, le_get(buf, 4));
		if (len == 8)
			bar0_write32(d, (uint32_t)offset + 4,
				     le_get((const uint8_t *)buf + 4, 4));
		return 0;
	}
	/* A posted write: whatever becomes of the descriptor, no answer. */
	adi = offset / cfg_page_size(d);
	if (adi < d->cfg.nr_adis) {
		desc_decode(buf, &desc);
		adi_submit(d, (uint32_t)adi, &desc);
	}
	return 0;
}

int siovdev_submit(struct siovdev *d, uint32_t adi,
		   const struct siovdev_desc *desc)
{
	if (adi >= d->cfg.nr_adis)
		return -EINVAL;
	/* A portal write is a memory write to BAR2: memory decode off, and
	 * the function does not claim it. */
	if (!cfg_memory_enabled(d) &&
	    !siovdev_fault(d, SIOVDEV_FAULT_NO_MEMORY_CHECK))
		return -EIO;
	return adi_submit(d, adi, desc);
}
