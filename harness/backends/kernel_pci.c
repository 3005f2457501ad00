/* SPDX-License-Identifier: MIT */
/*
 * The kernel backend's pci facet: see kernel_pci.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "harness/backends/kernel_pci.h"
#include "harness/backends/pci_host.h"
#include "harness/backends/ref.h"

#define PCI_CFG_SIZE	4096

struct kernel_pci {
	int fd;
	bool held;			/* this check holds the device's flock */
	char profile[PATH_MAX];
};

static const char *sysfs_root(void)
{
	const char *r = getenv("SIOVH_SYSFS_ROOT");

	return r && *r ? r : "/sys";
}

static void config_path(const char *bdf, char *buf, size_t len)
{
	snprintf(buf, len, "%s/bus/pci/devices/%s/config", sysfs_root(), bdf);
}

/* Parse n hex digits of s (exactly n) into *out. */
static int hex_field(const char *s, size_t n, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

/* "DDDD:BB:DD.F" or "BB:DD.F" into its four numbers. */
static int parse_bdf(const char *s, size_t n, unsigned int *dom,
		     unsigned int *bus, unsigned int *dev, unsigned int *fn)
{
	*dom = 0;
	if (n == 12) {
		if (s[4] != ':' || hex_field(s, 4, dom))
			return -EINVAL;
		s += 5;
		n -= 5;
	}
	if (n != 7 || s[2] != ':' || s[5] != '.' || hex_field(s, 2, bus) ||
	    hex_field(s + 3, 2, dev) || hex_field(s + 6, 1, fn) ||
	    *dev > 0x1f || *fn > 7)
		return -EINVAL;
	return 0;
}

int siovh_kernel_pci_check(const char *val, size_t vlen, char *bdf,
			   size_t bdflen, char *err, size_t errlen)
{
	unsigned int dom, bus, dev, fn;
	char path[PATH_MAX];

	if (parse_bdf(val, vlen, &dom, &bus, &dev, &fn) || bdflen < 13) {
		snprintf(err, errlen, "target 'kernel': device='%.*s' is not a PCI address (expected DDDD:BB:DD.F, e.g. 0000:01:00.0)",
			 (int)(vlen > 64 ? 64 : vlen), val);
		return -EINVAL;
	}
	snprintf(bdf, bdflen, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	config_path(bdf, path, sizeof(path));
	if (access(path, F_OK)) {
		snprintf(err, errlen, "target 'kernel': device=%s: no such PCI device (%s: %s)",
			 bdf, path, strerror(errno));
		return -ENODEV;
	}
	return 0;
}

/* Sizes 1, 2 and 4, naturally aligned, inside the 4 KiB config space. */
static bool cfg_access_ok(const void *buf, size_t len, uint64_t offset)
{
	return buf && (len == 1 || len == 2 || len == 4) && !(offset % len) &&
	       offset < PCI_CFG_SIZE;
}

/*
 * Every check opens its own target, but there is one device: a check's
 * first config access takes an exclusive flock on the config file (each
 * open is its own open file description, so checks in parallel children
 * exclude each other), held until its target closes. The checks that
 * touch the device thus run one after the other whatever --jobs says, and
 * one check's FLR or BAR sizing never lands in the middle of another's.
 */
static int kernel_pci_hold(struct kernel_pci *p)
{
	while (!p->held) {
		if (!flock(p->fd, LOCK_EX))
			p->held = true;
		else if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/* A checked access, with the device held: its config fd, or -errno. */
static int kernel_cfg_begin(struct siovh_target *t, const void *buf,
			    size_t len, uint64_t offset)
{
	struct kernel_pci *p = kernel_pci_of(t);
	int ret;

	if (!cfg_access_ok(buf, len, offset))
		return -EINVAL;
	ret = kernel_pci_hold(p);
	return ret ? ret : p->fd;
}

static ssize_t kernel_cfg_read(struct siovh_target *t, void *buf, size_t len,
			       uint64_t offset)
{
	int fd = kernel_cfg_begin(t, buf, len, offset);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = pread(fd, buf, len, (off_t)offset);
	return n < 0 ? -errno : n;
}

static ssize_t kernel_cfg_write(struct siovh_target *t, const void *buf,
				size_t len, uint64_t offset)
{
	int fd = kernel_cfg_begin(t, buf, len, offset);

	if (fd < 0)
		return fd;
	return siovh_pci_host_pwrite(fd, buf, len, offset);
}

static const char *kernel_profile_path(struct siovh_target *t)
{
	return kernel_pci_of(t)->profile;
}

static const struct siovh_pci_ops kernel_pci_ops = {
	.cfg_read = kernel_cfg_read,
	.cfg_write = kernel_cfg_write,
	.profile_path = kernel_profile_path,
};

int kernel_pci_open(struct siovh_target *t, const char *bdf,
		    struct kernel_pci **out)
{
	char path[PATH_MAX];
	struct kernel_pci *p;
	int ret;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	config_path(bdf, path, sizeof(path));
	/* Read-only when writes are not ours to make (not root). */
	p->fd = open(path, O_RDWR | O_CLOEXEC);
	if (p->fd < 0 && (errno == EACCES || errno == EPERM))
		p->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0) {
		ret = -errno;
		goto err_free;
	}
	siovh_ref_profile_path(p->profile, sizeof(p->profile));
	t->pci = &kernel_pci_ops;
	t->features |= SIOVH_FEAT_PCI_CONFIG;
	*out = p;
	return 0;

err_free:
	free(p);
	return ret;
}

void kernel_pci_close(struct kernel_pci *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);		/* drops the flock */
	free(p);
}
