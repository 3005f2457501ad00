// SPDX-License-Identifier: MIT
/*
 * siov-pasid-test: the guest side of the SIOV endpoint profile (issue 8).
 *
 * Runs inside the VM (vm-images/init.sh, profile "siov") on a kernel that
 * sees QEMU's siov-testdev (vm-images/qemu/siov-testdev.c, the reference
 * device core harness/ref/siovdev behind QEMU's scalable-mode VT-d), and
 * checks, end to end through the real kernel:
 *
 *   enumerate       a PCI function 8086:5107 exists
 *   config-sysfs    its config space (sysfs) passes cfg_image_validate
 *                   (the specs' checker, specs/dvsec/cfg_image.h):
 *                   a well-formed capability chain, the SIOV DVSEC with
 *                   every field as the DVSEC table says, a PASID capability
 *   vfio-bind       driver_override + bind gives it to vfio-pci, and its
 *                   cdev /dev/vfio/devices/vfioN opens
 *   iommufd-bind    VFIO_DEVICE_BIND_IOMMUFD on /dev/iommu
 *   pasid-enabled   the PASID capability's enable bit is set (the IOMMU
 *                   driver enables PASID on a capable device)
 *   dvsec-vfio      the DVSEC is visible in the config region vfio-pci
 *                   gives the user, with vendor 0x8086, ID 5, length 0x18
 *   rid-dma         RID attached to a HWPT of IOAS R; an ADI on PASID 0
 *                   (the RID's PASID) fills a buffer: the data and the
 *                   completion land in R's memory
 *   msix-error-irq  MSI-X vector 0 wired to an eventfd (VFIO_DEVICE_SET_IRQS):
 *                   an ADI's DMA to an unmapped IOVA sets its ERROR and
 *                   the device's error interrupt reaches the eventfd
 *                   (QEMU: msi_send_message through VT-d's interrupt
 *                   remapping); a clean descriptor fires nothing
 *   pasid-attach    (kernels with VFIO_DEVICE_ATTACH_PASID) PASIDs 1 and
 *                   4097 attached to HWPTs of IOAS P1 and P2, the same IOVA
 *                   mapped to different memory in R, P1 and P2
 *   pasid-dma-N     an ADI on PASID N fills the IOVA: the pattern lands in
 *                   N's memory only, R and the other PASID's stay untouched
 *   pasid-unattached an ADI on PASID 7 (never attached): the DMA faults
 *                   (ADI ERROR), no memory changes
 *   pasid-detached  after VFIO_DEVICE_DETACH_PASID of PASID 1, its ADI's
 *                   DMA faults and P1's memory stays as it was
 *
 * Figures (measured, never asserted; "# bench ..." lines): descriptors per
 * second through the RID's and a PASID's domain (64-byte MEMFILLs, each a
 * vfio-pci portal write that returns when the device has finished it), and
 * PASID attach+detach pairs per second.
 *
 * Output: TAP version 13 on stdout, diagnostics as "# " lines; a result
 * the kernel cannot give (no PASID attach uAPI in its headers) is a SKIP
 * naming the reason. Exit 0 when nothing failed, 1 otherwise.
 *
 * Built by vm-images/vm.mk against the VM kernel's `make headers_install`,
 * statically, with the specs' config-image checker (specs/dvsec/cfg_image.c,
 * which needs nothing but libc).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "harness/ref/siovdev/siovdev.h"
#include "specs/dvsec/cfg_image.h"

#define IOVA		0x100000ull	/* the same IOVA in every IOAS */
#define BUF_SIZE	0x2000		/* data page + completion page */
#define CR_OFF		0x1000
#define FILL_LEN	0xF00		/* the rest of the page must stay 0 */
#define NR_PASIDS	2

static int tests, failures;

static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!ok)
		failures++;
	printf("%s %d %s", ok ? "ok" : "not ok", tests, name);
	if (fmt && *fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

static void __attribute__((unused)) skip(const char *name, const char *why)
{
	tests++;
	printf("ok %d %s # SKIP %s\n", tests, name, why);
	fflush(stdout);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static unsigned long read_hex(const char *dir, const char *name)
{
	char path[512], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return ~0ul;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoul(buf, NULL, 16);
}

/* The first 8086:5107 function's BDF into bdf; false if none. */
static bool find_device(char *bdf, size_t len)
{
	const char *root = "/sys/bus/pci/devices";
	char dir[512];
	struct dirent *e;
	DIR *d = opendir(root);
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name);
		if (read_hex(dir, "vendor") == SIOVDEV_VENDOR_ID &&
		    read_hex(dir, "device") == SIOVDEV_DEVICE_ID) {
			snprintf(bdf, len, "%s", e->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

static int read_config_sysfs(const char *bdf, uint8_t cfg[SIOVDEV_CFG_SIZE])
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	memset(cfg, 0, SIOVDEV_CFG_SIZE);
	n = pread(fd, cfg, SIOVDEV_CFG_SIZE, 0);
	close(fd);
	if (n != SIOVDEV_CFG_SIZE)
		return n < 0 ? -errno : -EIO;
	return 0;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Offset of the extended capability id (with DVSEC ID dvsec if id is
 * the DVSEC's), 0 if the chain has none. Bounded: at most 1024 steps. */
static uint32_t find_ext(const uint8_t *cfg, uint16_t id, int dvsec)
{
	uint32_t at = 0x100, hdr;
	int steps;

	for (steps = 0; steps < 1024 && at >= 0x100 && at < 0x1000; steps++) {
		hdr = get32(cfg + at);
		if ((hdr & 0xffff) == id &&
		    (dvsec < 0 || (cfg[at + 8] | cfg[at + 9] << 8) == dvsec))
			return at;
		at = (hdr >> 20) & 0xffc;
		if (!at)
			break;
	}
	return 0;
}

/* Bind bdf to vfio-pci and open its cdev. */
static int vfio_bind(const char *bdf)
{
	char path[512], dev[300] = "";
	struct dirent *e;
	DIR *d;
	int ret, fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	ret = write_file(path, "vfio-pci");
	if (ret) {
		diag("writing %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = write_file("/sys/bus/pci/drivers_probe", bdf);
	if (ret) {
		diag("drivers_probe %s: %s", bdf, strerror(-ret));
		return ret;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(path);
	if (!d) {
		diag("%s: %s (not bound to vfio-pci, or no VFIO cdev)", path,
		     strerror(errno));
		return -ENODEV;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4))
			snprintf(dev, sizeof(dev), "/dev/vfio/devices/%s",
				 e->d_name);
	closedir(d);
	if (!dev[0])
		return -ENODEV;
	fd = open(dev, O_RDWR);
	if (fd < 0) {
		diag("open %s: %s", dev, strerror(errno));
		return -errno;
	}
	diag("%s bound to vfio-pci: %s", bdf, dev);
	return fd;
}

struct dev {
	int fd, iommufd;
	uint32_t dev_id;
	uint64_t cfg_off, bar0_off, bar2_off;
};

static int region_offset(int fd, uint32_t index, uint64_t *off)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };

	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return -errno;
	*off = ri.offset;
	return 0;
}

static int rd32(struct dev *d, uint64_t base, uint64_t off, uint32_t *v)
{
	return pread(d->fd, v, 4, base + off) == 4 ? 0 : -EIO;
}

static int wr32(struct dev *d, uint64_t base, uint64_t off, uint32_t v)
{
	return pwrite(d->fd, &v, 4, base + off) == 4 ? 0 : -EIO;
}

/* An IOAS with buf mapped at IOVA, and a HWPT over it (PASID-capable when
 * the uAPI has the flag). */
static int make_domain(struct dev *d, void *buf, uint32_t *hwpt)
{
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)buf, .length = BUF_SIZE, .iova = IOVA,
	};
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha) };

	if (ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &ia))
		return -errno;
	map.ioas_id = ia.out_ioas_id;
	if (ioctl(d->iommufd, IOMMU_IOAS_MAP, &map))
		return -errno;
	ha.dev_id = d->dev_id;
	ha.pt_id = ia.out_ioas_id;
#ifdef VFIO_DEVICE_ATTACH_PASID
	ha.flags = IOMMU_HWPT_ALLOC_PASID;
#endif
	if (ioctl(d->iommufd, IOMMU_HWPT_ALLOC, &ha))
		return -errno;
	*hwpt = ha.out_hwpt_id;
	return 0;
}

/*
 * ADI adi on PASID pasid (0: the RID's) fills FILL_LEN bytes at IOVA with
 * pattern and writes its completion record at IOVA + CR_OFF. Returns the
 * ADI's ERROR register (0: no error) or a negative errno.
 */
static int64_t adi_fill_at(struct dev *d, uint32_t adi, uint32_t pasid,
			   uint64_t pattern, uint64_t dst)
{
	struct siovdev_desc desc = {
		.opcode = SIOVDEV_OP_MEMFILL,
		.flags = SIOVDEV_DF_COMPLETION,
		.size = FILL_LEN,
		.completion = IOVA + CR_OFF,
		.src = pattern,
		.dst = dst,
		.tag = pattern,
	};
	uint32_t err;

	if (wr32(d, d->bar0_off, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_RESET), 1) ||
	    wr32(d, d->bar0_off, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_PASID),
		 pasid | SIOVDEV_ADI_PASID_VALID) ||
	    wr32(d, d->bar0_off, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_CTRL),
		 SIOVDEV_ADI_CTRL_ENABLE))
		return -EIO;
	/* One 64-byte portal write (vfio-pci splits it; the device joins). */
	if (pwrite(d->fd, &desc, sizeof(desc),
		   d->bar2_off + (uint64_t)adi * 4096) != sizeof(desc))
		return -errno;
	if (rd32(d, d->bar0_off, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_ERROR),
		 &err))
		return -EIO;
	return err;
}

static int64_t adi_fill(struct dev *d, uint32_t adi, uint32_t pasid,
			uint64_t pattern)
{
	return adi_fill_at(d, adi, pasid, pattern, IOVA);
}

/* Did efd fire within a second? Consumes the count. */
static bool fired(int efd)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t n;

	if (poll(&p, 1, 1000) != 1)
		return false;
	return read(efd, &n, sizeof(n)) == sizeof(n) && n > 0;
}

/*
 * The device's error interrupt (MSI-X vector 0) through vfio-pci: a fault
 * fires it, a clean descriptor does not. (Masking cannot be driven from
 * here: vfio-pci keeps the MSI-X table away from the user.)
 */
static void msix_test(struct dev *d)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (void *)buf;
	int efd = eventfd(0, EFD_NONBLOCK);
	int64_t err;
	bool one, quiet;

	*set = (struct vfio_irq_set) {
		.argsz = sizeof(buf), .index = VFIO_PCI_MSIX_IRQ_INDEX,
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		.start = SIOVDEV_MSIX_VEC_ERROR, .count = 1,
	};
	memcpy(set->data, &efd, sizeof(efd));
	if (efd < 0 || ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set)) {
		result(false, "msix-error-irq", "VFIO_DEVICE_SET_IRQS: %s",
		       strerror(errno));
		return;
	}
	/* 0x900000: mapped in no IOAS, so the fill faults. */
	err = adi_fill_at(d, 0, 0, 0x33, 0x900000);
	one = fired(efd);
	/* A descriptor that completes without error must not fire it. */
	quiet = adi_fill(d, 0, 0, 0x35) == 0 && !fired(efd);
	result(err > 0 && one && quiet, "msix-error-irq", "fault: ERROR 0x%llx, "
	       "interrupt %s; clean descriptor: %s", (long long)err,
	       one ? "delivered" : "NOT delivered",
	       quiet ? "no interrupt" : "an interrupt or an error");
	set->flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->count = 0;
	set->argsz = sizeof(*set);
	ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set);
	close(efd);
	adi_fill(d, 0, 0, 0);	/* back on IOVA, ERROR clear */
}

/* Every byte of the fill area holds the pattern, none after it was
 * written, and the record says done. */
static bool filled(const uint8_t *buf, uint64_t pattern)
{
	const struct siovdev_completion *cr = (const void *)(buf + CR_OFF);
	size_t i;

	for (i = 0; i < FILL_LEN; i++)
		if (buf[i] != (uint8_t)(pattern >> (8 * (i % 8))))
			return false;
	for (; i < CR_OFF; i++)
		if (buf[i])
			return false;
	return cr->status == SIOVDEV_CS_SUCCESS && cr->tag == pattern;
}

static bool __attribute__((unused)) untouched(const uint8_t *buf)
{
	size_t i;

	for (i = 0; i < BUF_SIZE; i++)
		if (buf[i])
			return false;
	return true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define BENCH_DESCS	2000
#define BENCH_ATTACH	200

/* Descriptors per second on an enabled ADI: 64-byte fills, no record. */
static void bench_descriptors(struct dev *d, uint32_t adi, const char *what)
{
	struct siovdev_desc desc = {
		.opcode = SIOVDEV_OP_MEMFILL, .size = 64, .dst = IOVA,
		.src = 0x4242424242424242ull,
	};
	uint64_t portal = d->bar2_off + (uint64_t)adi * 4096;
	uint32_t done0 = 0, done1 = 0;
	double t0, t;
	int i;

	rd32(d, d->bar0_off, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_COMPLETED), &done0);
	t0 = now_s();
	for (i = 0; i < BENCH_DESCS; i++)
		if (pwrite(d->fd, &desc, sizeof(desc), portal) != sizeof(desc))
			break;
	t = now_s() - t0;
	rd32(d, d->bar0_off, SIOVDEV_REG_ADI(adi, SIOVDEV_ADI_COMPLETED), &done1);
	printf("# bench descriptors-%s: %u of %d completed in %.3f s, %.0f "
	       "descriptors/s\n", what, done1 - done0, BENCH_DESCS, t,
	       (done1 - done0) / t);
}

static void *alloc_buf(void)
{
	void *p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int setup(const char *bdf, struct dev *d)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	uint8_t cfg[SIOVDEV_CFG_SIZE];
	uint32_t dv, pasid_at;
	char why[256];
	int ret;

	ret = read_config_sysfs(bdf, cfg);
	if (!ret)
		ret = cfg_image_validate(cfg, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "reading config: %s", strerror(-ret));
	result(!ret, "config-sysfs", ret ? "%s" : "chain, SIOV DVSEC and PASID "
	       "capability as the DVSEC table states", why);

	d->fd = vfio_bind(bdf);
	result(d->fd >= 0, "vfio-bind", d->fd < 0 ? "%s" : "",
	       d->fd < 0 ? strerror(-d->fd) : "");
	if (d->fd < 0)
		return -1;
	d->iommufd = open("/dev/iommu", O_RDWR);
	bind.iommufd = d->iommufd;
	ret = d->iommufd < 0 || ioctl(d->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ?
	      -errno : 0;
	d->dev_id = bind.out_devid;
	result(!ret, "iommufd-bind", ret ? "%s" : "", strerror(-ret));
	if (ret)
		return -1;

	/* The IOMMU driver enabled PASID when it probed the device. */
	pasid_at = 0;
	if (!read_config_sysfs(bdf, cfg))
		pasid_at = find_ext(cfg, SIOVDEV_EXT_ID_PASID, -1);
	result(pasid_at && (cfg[pasid_at + 6] & 1), "pasid-enabled",
	       pasid_at ? "PASID capability at 0x%x, control 0x%02x" :
	       "no PASID capability in sysfs config", pasid_at,
	       pasid_at ? cfg[pasid_at + 6] : 0);

	if (region_offset(d->fd, VFIO_PCI_CONFIG_REGION_INDEX, &d->cfg_off) ||
	    region_offset(d->fd, VFIO_PCI_BAR0_REGION_INDEX, &d->bar0_off) ||
	    region_offset(d->fd, VFIO_PCI_BAR2_REGION_INDEX, &d->bar2_off)) {
		result(false, "regions", "VFIO_DEVICE_GET_REGION_INFO: %s",
		       strerror(errno));
		return -1;
	}
	memset(cfg, 0, sizeof(cfg));
	ret = pread(d->fd, cfg, sizeof(cfg), d->cfg_off) == sizeof(cfg) ?
	      0 : -EIO;
	dv = ret ? 0 : find_ext(cfg, SIOVDEV_DVSEC_ID_EXT, SIOVDEV_DVSEC_ID);
	result(dv && get32(cfg + dv + SIOVDEV_DVSEC_HDR1) ==
	       (SIOVDEV_DVSEC_VENDOR | SIOVDEV_DVSEC_REV << 16 |
		(uint32_t)SIOVDEV_DVSEC_LEN << 20), "dvsec-vfio",
	       dv ? "DVSEC at 0x%x, header1 0x%08x" : "no DVSEC ID 5 in the "
	       "vfio config region", dv, dv ? get32(cfg + dv + 4) : 0);

	/* Memory space and bus master, through vfio's virtual COMMAND. */
	{
		uint16_t cmd = 0;

		if (pread(d->fd, &cmd, 2, d->cfg_off + 4) != 2)
			return -1;
		cmd |= 0x6;
		if (pwrite(d->fd, &cmd, 2, d->cfg_off + 4) != 2)
			return -1;
	}
	return 0;
}

static int attach(struct dev *d, uint32_t hwpt, uint32_t pasid, bool with)
{
#ifdef VFIO_DEVICE_ATTACH_PASID
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at), .pt_id = hwpt, .pasid = pasid,
		.flags = with ? VFIO_DEVICE_ATTACH_PASID : 0,
	};
#else
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at), .pt_id = hwpt,
	};

	if (with)
		return -EOPNOTSUPP;
	(void)pasid;
#endif
	return ioctl(d->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) ? -errno : 0;
}

static void pasid_tests(struct dev *d, uint8_t *rbuf)
{
#ifdef VFIO_DEVICE_ATTACH_PASID
	static const uint32_t pasids[NR_PASIDS] = { 1, 4097 };
	struct vfio_device_detach_iommufd_pt det = {
		.argsz = sizeof(det), .flags = VFIO_DEVICE_DETACH_PASID,
		.pasid = pasids[0],
	};
	uint8_t *pbuf[NR_PASIDS];
	uint32_t hwpt[NR_PASIDS];
	int64_t err;
	int i, j, ret = 0;
	bool ok;

	for (i = 0; i < NR_PASIDS && !ret; i++) {
		pbuf[i] = alloc_buf();
		ret = pbuf[i] ? make_domain(d, pbuf[i], &hwpt[i]) : -ENOMEM;
		if (!ret)
			ret = attach(d, hwpt[i], pasids[i], true);
	}
	if (ret) {
		result(false, "pasid-attach", "PASID %u: %s", pasids[i - 1],
		       strerror(-ret));
		return;
	}
	result(true, "pasid-attach", "PASIDs %u and %u on HWPTs %u and %u",
	       pasids[0], pasids[1], hwpt[0], hwpt[1]);
	memset(rbuf, 0, BUF_SIZE);
	for (i = 0; i < NR_PASIDS; i++) {
		uint64_t pat = 0x5a5a000000000000ull | pasids[i] << 8 | (0x11 + i);
		char name[32];

		err = adi_fill(d, 1 + i, pasids[i], pat);
		ok = err == 0 && filled(pbuf[i], pat) && untouched(rbuf);
		for (j = 0; j < NR_PASIDS; j++)
			if (j != i)
				ok = ok && untouched(pbuf[j]);
		snprintf(name, sizeof(name), "pasid-dma-%u", pasids[i]);
		result(ok, name, "ADI %d: ERROR 0x%llx, own domain %s, RID "
		       "domain %s", 1 + i, (long long)err,
		       filled(pbuf[i], pat) ? "filled" : "NOT filled",
		       untouched(rbuf) ? "untouched" : "WRITTEN");
		memset(pbuf[i], 0, BUF_SIZE);
	}

	bench_descriptors(d, 1, "pasid");
	memset(pbuf[0], 0, BUF_SIZE);
	{
		struct vfio_device_detach_iommufd_pt dt = {
			.argsz = sizeof(dt), .flags = VFIO_DEVICE_DETACH_PASID,
			.pasid = 9,
		};
		double t0 = now_s();

		for (j = 0; j < BENCH_ATTACH; j++)
			if (attach(d, hwpt[1], 9, true) ||
			    ioctl(d->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt))
				break;
		printf("# bench pasid-attach-detach: %d pairs in %.3f s, %.0f "
		       "pairs/s\n", j, now_s() - t0, j / (now_s() - t0));
	}

	err = adi_fill(d, 3, 7, 0x77);
	ok = err > 0 && untouched(rbuf) && untouched(pbuf[0]) &&
	     untouched(pbuf[1]);
	result(ok, "pasid-unattached", "ADI 3 on PASID 7: ERROR 0x%llx (code "
	       "%lld), memory %s", (long long)err,
	       err > 0 ? (long long)(err & SIOVDEV_ADI_ERROR_CODE) : 0ll,
	       untouched(rbuf) && untouched(pbuf[0]) && untouched(pbuf[1]) ?
	       "untouched" : "WRITTEN");

	ret = ioctl(d->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &det) ? -errno : 0;
	err = ret ? 0 : adi_fill(d, 1, pasids[0], 0x1111);
	if (ret) {
		result(false, "pasid-detached", "VFIO_DEVICE_DETACH_IOMMUFD_PT: "
		       "%s", strerror(-ret));
		return;
	}
	ok = err > 0 && untouched(pbuf[0]) && untouched(rbuf);
	result(ok, "pasid-detached", "ADI 1 on detached PASID 1: ERROR 0x%llx, "
	       "memory %s", (long long)err,
	       untouched(pbuf[0]) && untouched(rbuf) ? "untouched" : "WRITTEN");
#else
	(void)d;
	(void)rbuf;
	skip("pasid-attach", "the kernel's uAPI has no VFIO_DEVICE_ATTACH_PASID "
	     "(linux/vfio.h of this kernel; 7.x has it)");
#endif
}

int main(void)
{
	struct dev d = { .fd = -1, .iommufd = -1 };
	char bdf[300];
	uint8_t *rbuf;
	uint32_t hwpt = 0;
	int64_t err;
	int ret;

	printf("TAP version 13\n");
	if (!find_device(bdf, sizeof(bdf))) {
		result(false, "enumerate", "no PCI function %04x:%04x",
		       SIOVDEV_VENDOR_ID, SIOVDEV_DEVICE_ID);
		goto out;
	}
	result(true, "enumerate", "%s", bdf);
	if (setup(bdf, &d))
		goto out;

	rbuf = alloc_buf();
	ret = rbuf ? make_domain(&d, rbuf, &hwpt) : -ENOMEM;
	if (!ret)
		ret = attach(&d, hwpt, 0, false);
	if (ret) {
		result(false, "rid-dma", "RID domain: %s", strerror(-ret));
		goto out;
	}
	err = adi_fill(&d, 0, 0, 0x0123456789abcdefull);
	result(err == 0 && filled(rbuf, 0x0123456789abcdefull), "rid-dma",
	       "ADI 0 on the RID's PASID 0: ERROR 0x%llx, RID domain %s",
	       (long long)err, filled(rbuf, 0x0123456789abcdefull) ?
	       "filled" : "NOT filled");
	bench_descriptors(&d, 0, "rid");
	msix_test(&d);
	memset(rbuf, 0, BUF_SIZE);
	pasid_tests(&d, rbuf);
out:
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
