/* SPDX-License-Identifier: MIT */
/*
 * The reference VDCM's hardware over a real endpoint through VFIO and
 * iommufd: see vfio_parent.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include <siovh/target.h>

#include "harness/backends/pci_host.h"
#include "harness/backends/vfio_parent.h"
#include "harness/ref/siovdev/siovdev.h"
#include "harness/ref/viommu/viommu.h"

/*
 * IOMMU_HWPT_ALLOC_PASID of the uAPI after 6.12 (a HWPT that may be
 * attached at a PASID; the RID's HWPT must be one too once a PASID is
 * attached). An enum member there, so it cannot be tested with #ifdef;
 * a kernel without it refuses the flag (-EOPNOTSUPP), and open says so.
 */
#define VP_HWPT_ALLOC_PASID	(1u << 3)

#define VP_MAX_DOMAINS		64
/*
 * Where the IMS entries really point (vfio_parent.h, "Interrupts"): a page
 * of this process mapped at this IOVA in the RID's domain, one 4-byte slot
 * per entry. Far above the IOVAs the clauses use, inside a 39-bit space.
 */
#define VP_MSI_IOVA		0x1000000000ull
#define VP_PAGE			4096u
#define VP_CFG_SIZE		4096
#define VP_ECAP_PRI		0x0013
#define VP_PRI_CTRL		0x04
#define VP_PRI_ENABLE		0x0001

struct vp_domain {
	bool used;
	uint32_t ioas, hwpt;
};

struct vfio_parent {
	char bdf[16];
	int cfg_fd;			/* sysfs config, flock held */
	int dev_fd;			/* the VFIO cdev */
	int iommufd;
	uint32_t dev_id;
	uint32_t rid_ioas, rid_hwpt;	/* the RID's: nothing mapped */
	uint64_t cfg_off;		/* vfio config region */
	uint64_t bar_off[3], bar_size[3];	/* BAR0 and BAR2 used */
	uint32_t dvsec;			/* SIOV DVSEC offset in config */
	struct siovdev_config cfg;
	/* IMS: the messages the VDCM programmed, and where they really go. */
	volatile uint32_t *msi_page;	/* mapped at VP_MSI_IOVA (RID) */
	uint32_t ims_msg[SIOVDEV_MAX_IMS][3];	/* ADDR_LO, ADDR_HI, DATA */
	void (*msi)(void *ctx, uint64_t addr, uint32_t data);
	void *msi_ctx;
	struct vp_domain dom[VP_MAX_DOMAINS];	/* domain id = index + 1 */
};

static void vp_deliver(struct vfio_parent *p);

static struct vfio_parent *vp_of(void *hw)
{
	return hw;
}

static void why_set(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void why_set(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* ---- Config space ---- */

static bool cfg_ok(size_t len, uint64_t off)
{
	return (len == 1 || len == 2 || len == 4) && !(off % len) &&
	       off < VP_CFG_SIZE;
}

ssize_t vfio_parent_cfg_pread(struct vfio_parent *p, void *buf, size_t len,
			      uint64_t off)
{
	ssize_t n;

	if (!buf || !cfg_ok(len, off))
		return -EINVAL;
	n = pread(p->cfg_fd, buf, len, (off_t)off);
	return n < 0 ? -errno : n;
}

/* The pci facet's write: see siovh_pci_host_pwrite (pci_host.h). */
ssize_t vfio_parent_cfg_pwrite(struct vfio_parent *p, const void *buf,
			       size_t len, uint64_t off)
{
	if (!buf || !cfg_ok(len, off))
		return -EINVAL;
	return siovh_pci_host_pwrite(p->cfg_fd, buf, len, off);
}

static int vp_cfg_read(void *hw, uint32_t off, unsigned int size,
		       uint32_t *val)
{
	ssize_t n;

	*val = 0;
	n = vfio_parent_cfg_pread(vp_of(hw), val, size, off);
	return n == (ssize_t)size ? 0 : n < 0 ? (int)n : -EIO;
}

/*
 * Below 0x100 through vfio-pci's config region: it keeps a virtual COMMAND
 * (and MSI-X control) that gates its BAR accesses, and passes the bits to
 * the device. Above, through sysfs: vfio-pci hides PASID there.
 */
static int vp_cfg_write(void *hw, uint32_t off, unsigned int size,
			uint32_t val)
{
	struct vfio_parent *p = vp_of(hw);
	ssize_t n;

	if (!cfg_ok(size, off))
		return -EINVAL;
	if (off < 0x100)
		n = pwrite(p->dev_fd, &val, size, (off_t)(p->cfg_off + off));
	else
		n = pwrite(p->cfg_fd, &val, size, (off_t)off);
	n = n == (ssize_t)size ? 0 : n < 0 ? -errno : -EIO;
	vp_deliver(p);
	return (int)n;
}

/* Offset of extended capability id (and DVSEC ID dvsec_id if >= 0). */
static uint32_t vp_find_ecap(struct vfio_parent *p, uint16_t id, int dvsec_id)
{
	uint32_t off = 0x100, hdr, h2;
	int guard;

	for (guard = 0; off >= 0x100 && off < VP_CFG_SIZE && guard < 960;
	     guard++) {
		if (vp_cfg_read(p, off, 4, &hdr) || !hdr || hdr == ~0u)
			return 0;
		if ((hdr & 0xffff) == id &&
		    (dvsec_id < 0 ||
		     (!vp_cfg_read(p, off + SIOVDEV_DVSEC_HDR2, 2, &h2) &&
		      h2 == (uint32_t)dvsec_id)))
			return off;
		off = (hdr >> 20) & 0xffc;
	}
	return 0;
}

/* ---- BARs ---- */

static int vp_bar_rw(struct vfio_parent *p, unsigned int bar, uint64_t off,
		     void *buf, size_t len, bool write)
{
	ssize_t n;

	if ((bar != 0 && bar != 2) || !len || off >= p->bar_size[bar] ||
	    len > p->bar_size[bar] - off)
		return -EINVAL;
	n = write ? pwrite(p->dev_fd, buf, len, (off_t)(p->bar_off[bar] + off))
		  : pread(p->dev_fd, buf, len, (off_t)(p->bar_off[bar] + off));
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

/*
 * The IMS message register (ADDR_LO, ADDR_HI, DATA) at BAR0 offset off, as
 * *entry and *reg (0..2); false for anything else (CTRL included: masking
 * and pending stay the device's own).
 */
static bool vp_ims_msg_reg(const struct vfio_parent *p, uint64_t off,
			   uint32_t *entry, uint32_t *reg)
{
	uint64_t rel;

	if (off < SIOVDEV_IMS_TABLE || (off & 3))
		return false;
	rel = off - SIOVDEV_IMS_TABLE;
	if (rel >= (uint64_t)p->cfg.ims_entries * SIOVDEV_IRQ_ENTRY_SIZE)
		return false;
	*entry = (uint32_t)(rel / SIOVDEV_IRQ_ENTRY_SIZE);
	*reg = (uint32_t)(rel % SIOVDEV_IRQ_ENTRY_SIZE) / 4;
	return *reg < 3;
}

/* The device's own value for IMS message register reg of entry e. */
static uint32_t vp_ims_real(uint32_t e, uint32_t reg)
{
	uint64_t slot = VP_MSI_IOVA + 4ull * e;

	return reg == 0 ? (uint32_t)slot : reg == 1 ? (uint32_t)(slot >> 32) :
	       e + 1;
}

/*
 * Interrupts: every message an IMS entry sent since the last look is a
 * non-zero slot of the page; hand the message the VDCM programmed to it
 * (vdcm_msi), as the in-process parent's host does, and clear the slot.
 * Called after every access that can make the device send one (a portal
 * submission, a register write), so delivery is as synchronous as the
 * device's execution. Two messages of one entry inside one access are one.
 */
static void vp_deliver(struct vfio_parent *p)
{
	uint32_t e;

	if (!p->msi_page)
		return;
	for (e = 0; e < p->cfg.ims_entries; e++) {
		if (!p->msi_page[e])
			continue;
		p->msi_page[e] = 0;
		if (p->msi)
			p->msi(p->msi_ctx, (uint64_t)p->ims_msg[e][1] << 32 |
			       p->ims_msg[e][0], p->ims_msg[e][2]);
	}
}

/* 4-byte pieces of BAR0 in the IMS table, the rest as it comes. */
static int vp_bar_read(void *hw, unsigned int bar, uint64_t off, void *buf,
		       size_t len)
{
	struct vfio_parent *p = vp_of(hw);
	uint32_t e, reg;
	int ret;

	ret = vp_bar_rw(p, bar, off, buf, len, false);
	if (!ret && bar == 0 && len == 4 && vp_ims_msg_reg(p, off, &e, &reg))
		memcpy(buf, &p->ims_msg[e][reg], 4);
	return ret;
}

static int vp_bar_write(void *hw, unsigned int bar, uint64_t off,
			const void *buf, size_t len)
{
	struct vfio_parent *p = vp_of(hw);
	uint32_t e, reg, val;
	int ret;

	if (bar == 0 && len == 4 && vp_ims_msg_reg(p, off, &e, &reg)) {
		memcpy(&p->ims_msg[e][reg], buf, 4);
		val = vp_ims_real(e, reg);
		ret = vp_bar_rw(p, 0, off, &val, 4, true);
	} else if (bar == 0 && off < SIOVDEV_IMS_TABLE +
		   (uint64_t)p->cfg.ims_entries * SIOVDEV_IRQ_ENTRY_SIZE &&
		   off + len > SIOVDEV_IMS_TABLE && (len != 4 || (off & 3))) {
		return -EINVAL;		/* the VDCM writes IMS in dwords */
	} else {
		ret = vp_bar_rw(p, bar, off, (void *)buf, len, true);
	}
	vp_deliver(p);
	return ret;
}

static int vp_reg(struct vfio_parent *p, uint64_t off, uint32_t *val)
{
	return vp_bar_rw(p, 0, off, val, sizeof(*val), false);
}

static const struct siovdev_config *vp_config(void *hw)
{
	return &vp_of(hw)->cfg;
}

/* ADI n's portal is page n of BAR2, in the DVSEC's system page size. */
static uint64_t vp_portal_offset(void *hw, uint32_t adi)
{
	struct vfio_parent *p = vp_of(hw);
	uint32_t sps = 1;
	unsigned int bit = 0;

	if (p->dvsec)
		vp_cfg_read(p, p->dvsec + SIOVDEV_DVSEC_SYS_PGSZ, 4, &sps);
	while (bit < 20 && !(sps >> bit & 1))
		bit++;
	if (bit == 20)
		bit = 0;
	return (uint64_t)adi << (12 + bit);
}

/*
 * A portal write is posted: the device says nothing. DROPPED counts both
 * kinds of drop (siovdev.h, "Execution model"): at the door (ADI disabled,
 * queue full), and when a queued descriptor's turn comes with its gates
 * shut (bus master, PASID). The device runs an unheld queue inside the
 * write, so a rise of DROPPED alone cannot tell them apart. The ADI's
 * state before the write can: only a disabled ADI or a full queue drops
 * at the door, and only the VDCM changes that state. A descriptor
 * dropped at its turn was accepted (0), as siovdev_submit answers.
 */
static int vp_door(struct vfio_parent *p, uint32_t adi, int *door)
{
	uint32_t st, queued, qsize;
	int ret;

	ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_STATUS), &st);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_QUEUED),
			     &queued);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_QSIZE),
			     &qsize);
	if (ret)
		return ret;
	if (!(st & SIOVDEV_ADI_STATUS_ENABLED))
		*door = -EACCES;
	else if (queued >= qsize)
		*door = -EBUSY;
	else
		*door = 0;
	return 0;
}

static int vp_submit(void *hw, uint32_t adi, const struct siovdev_desc *d)
{
	struct vfio_parent *p = vp_of(hw);
	uint64_t reg = SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_DROPPED);
	uint32_t before, after;
	int door = 0, ret;

	if (adi >= p->cfg.nr_adis)
		return -EINVAL;
	ret = vp_door(p, adi, &door);
	if (!ret)
		ret = vp_reg(p, reg, &before);
	if (!ret)
		ret = vp_bar_rw(p, 2, vp_portal_offset(p, adi), (void *)d,
				sizeof(*d), true);
	if (!ret)
		ret = vp_reg(p, reg, &after);
	vp_deliver(p);
	if (ret)
		return -EIO;
	return after != before ? door : 0;
}

static bool vp_pri_enabled(struct vfio_parent *p)
{
	uint32_t pri = vp_find_ecap(p, VP_ECAP_PRI, -1), ctrl = 0;

	return pri && !vp_cfg_read(p, pri + VP_PRI_CTRL, 2, &ctrl) &&
	       (ctrl & VP_PRI_ENABLE);
}

static int vp_adi_probe(void *hw, uint32_t adi, struct siovdev_adi_probe *out)
{
	struct vfio_parent *p = vp_of(hw);
	uint32_t st = 0, pasid = 0, ictrl = 0;
	int ret;

	if (adi >= p->cfg.nr_adis)
		return -EINVAL;
	if (vp_pri_enabled(p))
		return -EOPNOTSUPP;	/* a page wait is not in a register */
	memset(out, 0, sizeof(*out));
	ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_STATUS), &st);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_PASID), &pasid);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_QSIZE),
			     &out->qsize);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_IRQ), &out->irq);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_QUEUED),
			     &out->queued);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_ERROR),
			     &out->error);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_DROPPED),
			     &out->dropped);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_COMPLETED),
			     &out->completed);
	if (!ret && out->irq < p->cfg.ims_entries)
		ret = vp_reg(p, SIOVDEV_IMS_TABLE +
			     (uint64_t)out->irq * SIOVDEV_IRQ_ENTRY_SIZE +
			     SIOVDEV_IRQ_CTRL, &ictrl);
	if (ret)
		return ret;
	out->enabled = st & SIOVDEV_ADI_STATUS_ENABLED;
	out->held = st & SIOVDEV_ADI_STATUS_HELD;
	out->pasid_valid = pasid & SIOVDEV_ADI_PASID_VALID;
	out->pasid = pasid & SIOVDEV_ADI_PASID_MASK;
	out->irq_masked = ictrl & SIOVDEV_IRQ_CTRL_MASK;
	out->irq_pending = ictrl & SIOVDEV_IRQ_CTRL_PENDING;
	return 0;
}

/* ---- The IOMMU: the kernel's iommufd ---- */

static int vp_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static void vp_destroy_obj(struct vfio_parent *p, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	if (id)
		vp_ioctl(p->iommufd, IOMMU_DESTROY, &d);
}

/* An IOAS and a PASID-capable paging HWPT over it, for this device. */
static int vp_hwpt_new(struct vfio_parent *p, uint32_t *ioas, uint32_t *hwpt)
{
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha) };
	int ret;

	ret = vp_ioctl(p->iommufd, IOMMU_IOAS_ALLOC, &ia);
	if (ret)
		return ret;
	ha.flags = VP_HWPT_ALLOC_PASID;
	ha.dev_id = p->dev_id;
	ha.pt_id = ia.out_ioas_id;
	ret = vp_ioctl(p->iommufd, IOMMU_HWPT_ALLOC, &ha);
	if (ret) {
		vp_destroy_obj(p, ia.out_ioas_id);
		return ret;
	}
	*ioas = ia.out_ioas_id;
	*hwpt = ha.out_hwpt_id;
	return 0;
}

static struct vp_domain *vp_domain(struct vfio_parent *p, uint32_t id)
{
	if (!id || id > VP_MAX_DOMAINS || !p->dom[id - 1].used)
		return NULL;
	return &p->dom[id - 1];
}

static int vp_domain_alloc(void *hw, uint32_t *domain)
{
	struct vfio_parent *p = vp_of(hw);
	uint32_t i;
	int ret;

	for (i = 0; i < VP_MAX_DOMAINS && p->dom[i].used; i++)
		;
	if (i == VP_MAX_DOMAINS)
		return -ENOSPC;
	ret = vp_hwpt_new(p, &p->dom[i].ioas, &p->dom[i].hwpt);
	if (ret)
		return ret;
	p->dom[i].used = true;
	*domain = i + 1;
	return 0;
}

/* The HWPT goes first (it holds the IOAS); a HWPT still attached stays. */
static void vp_domain_free(void *hw, uint32_t domain)
{
	struct vfio_parent *p = vp_of(hw);
	struct vp_domain *d = vp_domain(p, domain);
	struct iommu_destroy hd;

	if (!d)
		return;
	hd = (struct iommu_destroy) { .size = sizeof(hd), .id = d->hwpt };
	if (vp_ioctl(p->iommufd, IOMMU_DESTROY, &hd))
		return;			/* busy: attached (a VDCM fault) */
	vp_destroy_obj(p, d->ioas);
	memset(d, 0, sizeof(*d));
}

static int vp_attach(void *hw, uint16_t rid, uint32_t pasid, uint32_t domain)
{
	struct vfio_parent *p = vp_of(hw);
	struct vp_domain *d = vp_domain(p, domain);
	struct siovh_vfio_attach_pt at = {
		.argsz = sizeof(at), .flags = VFIO_DEVICE_ATTACH_PASID,
		.pasid = pasid,
	};

	(void)rid;			/* the cdev is the RID */
	if (!d)
		return -ENOENT;
	at.pt_id = d->hwpt;
	return vp_ioctl(p->dev_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

static int vp_detach(void *hw, uint16_t rid, uint32_t pasid)
{
	struct vfio_parent *p = vp_of(hw);
	struct siovh_vfio_detach_pt dt = {
		.argsz = sizeof(dt), .flags = VFIO_DEVICE_DETACH_PASID,
		.pasid = pasid,
	};

	(void)rid;
	return vp_ioctl(p->dev_fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt);
}

static int vp_map(void *hw, uint32_t domain, uint64_t iova, void *vaddr,
		  uint64_t size, uint32_t prot)
{
	struct vfio_parent *p = vp_of(hw);
	struct vp_domain *d = vp_domain(p, domain);
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = IOMMU_IOAS_MAP_FIXED_IOVA,
		.user_va = (uintptr_t)vaddr, .length = size, .iova = iova,
	};

	if (!d)
		return -ENOENT;
	if (prot & VIOMMU_PROT_READ)
		m.flags |= IOMMU_IOAS_MAP_READABLE;
	if (prot & VIOMMU_PROT_WRITE)
		m.flags |= IOMMU_IOAS_MAP_WRITEABLE;
	m.ioas_id = d->ioas;
	return vp_ioctl(p->iommufd, IOMMU_IOAS_MAP, &m);
}

static int64_t vp_unmap(void *hw, uint32_t domain, uint64_t iova,
			uint64_t size)
{
	struct vfio_parent *p = vp_of(hw);
	struct vp_domain *d = vp_domain(p, domain);
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .iova = iova, .length = size,
	};
	int ret;

	if (!d)
		return -ENOENT;
	u.ioas_id = d->ioas;
	ret = vp_ioctl(p->iommufd, IOMMU_IOAS_UNMAP, &u);
	return ret ? ret : (int64_t)u.length;
}

const struct vdcm_hw_ops vfio_parent_hw_ops = {
	.config = vp_config,
	.cfg_read = vp_cfg_read,
	.cfg_write = vp_cfg_write,
	.bar_read = vp_bar_read,
	.bar_write = vp_bar_write,
	.portal_offset = vp_portal_offset,
	.submit = vp_submit,
	.adi_probe = vp_adi_probe,
	.domain_alloc = vp_domain_alloc,
	.domain_free = vp_domain_free,
	.attach = vp_attach,
	.detach = vp_detach,
	.map = vp_map,
	.unmap = vp_unmap,
};

/* ---- Open and close ---- */

/* Hold the function: the flock every user of its config file takes. */
static int vp_open_config(struct vfio_parent *p, char *why, size_t whylen)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", p->bdf);
	p->cfg_fd = open(path, O_RDWR | O_CLOEXEC);
	if (p->cfg_fd < 0) {
		why_set(why, whylen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? -ENODEV : -errno;
	}
	while (flock(p->cfg_fd, LOCK_EX))
		if (errno != EINTR) {
			why_set(why, whylen, "flock %s: %s", path,
				strerror(errno));
			return -errno;
		}
	return 0;
}

static int vp_open_cdev(struct vfio_parent *p, char *why, size_t whylen)
{
	char path[PATH_MAX], dev[PATH_MAX] = "";
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev",
		 p->bdf);
	d = opendir(path);
	if (!d) {
		why_set(why, whylen, "%s has no VFIO cdev (%s): bind it to "
			"vfio-pci first", p->bdf, strerror(errno));
		return -ENODEV;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4))
			snprintf(dev, sizeof(dev), "/dev/vfio/devices/%s",
				 e->d_name);
	closedir(d);
	if (!dev[0]) {
		why_set(why, whylen, "%s: no vfioN entry", path);
		return -ENODEV;
	}
	p->dev_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (p->dev_fd < 0) {
		why_set(why, whylen, "open %s: %s", dev, strerror(errno));
		return -errno;
	}
	return 0;
}

/* The IMS slots' page, at VP_MSI_IOVA in the RID's (otherwise empty) IOAS. */
static int vp_map_msi_page(struct vfio_parent *p, char *why, size_t whylen)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.length = VP_PAGE, .iova = VP_MSI_IOVA,
	};
	void *page = aligned_alloc(VP_PAGE, VP_PAGE);
	int ret;

	if (!page)
		return -ENOMEM;
	memset(page, 0, VP_PAGE);
	p->msi_page = page;
	m.ioas_id = p->rid_ioas;
	m.user_va = (uintptr_t)page;
	ret = vp_ioctl(p->iommufd, IOMMU_IOAS_MAP, &m);
	if (ret)
		why_set(why, whylen, "mapping the IMS slots' page: %s",
			strerror(-ret));
	return ret;
}

/* Bind to a /dev/iommu of our own; the RID on an empty PASID-capable HWPT. */
static int vp_bind(struct vfio_parent *p, char *why, size_t whylen)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	int ret;

	p->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (p->iommufd < 0) {
		why_set(why, whylen, "/dev/iommu: %s", strerror(errno));
		return -errno;
	}
	bind.iommufd = p->iommufd;
	ret = vp_ioctl(p->dev_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (ret) {
		why_set(why, whylen, "VFIO_DEVICE_BIND_IOMMUFD: %s",
			strerror(-ret));
		return ret;
	}
	p->dev_id = bind.out_devid;
	ret = vp_hwpt_new(p, &p->rid_ioas, &p->rid_hwpt);
	if (ret) {
		why_set(why, whylen, "IOMMU_HWPT_ALLOC with "
			"IOMMU_HWPT_ALLOC_PASID: %s (a kernel with PASID "
			"attach is needed)", strerror(-ret));
		return ret;
	}
	at.pt_id = p->rid_hwpt;
	ret = vp_ioctl(p->dev_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
	if (ret) {
		why_set(why, whylen, "attaching the RID: %s", strerror(-ret));
		return ret;
	}
	return vp_map_msi_page(p, why, whylen);
}

static int vp_region(struct vfio_parent *p, uint32_t index, uint64_t *off,
		     uint64_t *size)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };
	int ret = vp_ioctl(p->dev_fd, VFIO_DEVICE_GET_REGION_INFO, &ri);

	if (ret)
		return ret;
	*off = ri.offset;
	if (size)
		*size = ri.size;
	return 0;
}

/* Is it the reference endpoint, configured as siovdev_config_default? */
static int vp_check_device(struct vfio_parent *p, char *why, size_t whylen)
{
	uint32_t nr = 0, ims = 0, depth = 0;
	int ret;

	ret = vp_region(p, VFIO_PCI_CONFIG_REGION_INDEX, &p->cfg_off, NULL);
	if (!ret)
		ret = vp_region(p, VFIO_PCI_BAR0_REGION_INDEX, &p->bar_off[0],
				&p->bar_size[0]);
	if (!ret)
		ret = vp_region(p, VFIO_PCI_BAR2_REGION_INDEX, &p->bar_off[2],
				&p->bar_size[2]);
	if (ret) {
		why_set(why, whylen, "VFIO_DEVICE_GET_REGION_INFO: %s",
			strerror(-ret));
		return ret;
	}
	/* Memory space on, through vfio's COMMAND, to read the registers. */
	ret = vp_cfg_read(p, 0x04, 2, &nr);
	if (!ret)
		ret = vp_cfg_write(p, 0x04, 2, nr | 0x2);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_NR_ADIS, &nr);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_IMS_SIZE, &ims);
	if (!ret)
		ret = vp_reg(p, SIOVDEV_REG_MAX_QUEUE, &depth);
	if (ret) {
		why_set(why, whylen, "reading BAR0: %s", strerror(-ret));
		return ret;
	}
	siovdev_config_default(&p->cfg);
	if (nr != p->cfg.nr_adis || ims != p->cfg.ims_entries ||
	    depth != p->cfg.max_queue) {
		why_set(why, whylen, "%s has %u ADIs, %u IMS entries, queues "
			"of %u: not the reference endpoint's %u, %u, %u",
			p->bdf, nr, ims, depth, p->cfg.nr_adis,
			p->cfg.ims_entries, p->cfg.max_queue);
		return -ENODEV;
	}
	/* The kernel's IOMMU driver owns ATS and PRI (vfio_parent.h). */
	p->cfg.caps &= ~(uint32_t)(SIOVDEV_HAS_ATS | SIOVDEV_HAS_PRI);
	p->dvsec = vp_find_ecap(p, SIOVDEV_DVSEC_ID_EXT, SIOVDEV_DVSEC_ID);
	return 0;
}

int vfio_parent_open(const char *bdf, struct vfio_parent **out, char *why,
		     size_t whylen)
{
	struct vfio_parent *p;
	int ret;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->cfg_fd = p->dev_fd = p->iommufd = -1;
	snprintf(p->bdf, sizeof(p->bdf), "%s", bdf);
	ret = vp_open_config(p, why, whylen);
	if (!ret)
		ret = vp_open_cdev(p, why, whylen);
	if (!ret)
		ret = vp_bind(p, why, whylen);
	if (!ret)
		ret = vp_check_device(p, why, whylen);
	if (ret) {
		vfio_parent_close(p);
		return ret;
	}
	*out = p;
	return 0;
}

/*
 * Closing the cdev detaches every PASID and the RID and unbinds; the
 * iommufd's close frees its objects; the config file's close drops the
 * flock, last, when the device is back with vfio-pci alone.
 */
void vfio_parent_close(struct vfio_parent *p)
{
	if (!p)
		return;
	if (p->dev_fd >= 0)
		close(p->dev_fd);
	if (p->iommufd >= 0)
		close(p->iommufd);
	if (p->cfg_fd >= 0)
		close(p->cfg_fd);
	free((void *)p->msi_page);
	free(p);
}

void vfio_parent_set_msi(struct vfio_parent *p,
			 void (*msi)(void *ctx, uint64_t addr, uint32_t data),
			 void *ctx)
{
	p->msi = msi;
	p->msi_ctx = ctx;
}
