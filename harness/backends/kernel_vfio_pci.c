/* SPDX-License-Identifier: MIT */
/*
 * Claiming a PCI function for vfio-pci: see kernel_vfio_pci.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/backends/kernel_vfio.h"
#include "harness/backends/kernel_vfio_pci.h"

#define PROBE_WAIT_MS	1000

int kvpci_driver_of(const char *bdf, char *drv, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX], *base;
	size_t dlen;
	ssize_t n;
	int w;

	w = snprintf(link, sizeof(link), "%s/bus/pci/devices/%s/driver",
		     kvfio_sysfs_root(), bdf);
	if (w < 0 || (size_t)w >= sizeof(link))
		return -ENAMETOOLONG;
	dlen = (size_t)w - strlen("/driver");
	link[dlen] = '\0';
	if (access(link, F_OK))
		return -errno;
	link[dlen] = '/';
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			return -errno;
		drv[0] = '\0';		/* no driver link: unbound */
		return 0;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(drv, base);
	return 0;
}

/*
 * One sysfs write of the claim: logged, made unless this is a dry run,
 * checked. The message in err names the file.
 */
static int claim_write(struct kvpci_claim *c, const char *path,
		       const char *val, char *err, size_t errlen)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, ret;

	if (c->log)
		fprintf(c->log, "siovh: %s '%s' to %s\n",
			c->dry_run ? "would write" : "writing",
			strcmp(val, "\n") ? val : "\\n", path);
	if (c->dry_run)
		return 0;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto err;
	}
	n = write(fd, val, len);
	ret = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret)
		return 0;
err:
	snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	return ret;
}

static void dev_file(const struct kvpci_claim *c, const char *file,
		     char *buf, size_t len)
{
	snprintf(buf, len, "%s/bus/pci/devices/%s/%s", kvfio_sysfs_root(),
		 c->bdf, file);
}

static void drv_file(const char *drv, const char *file, char *buf,
		     size_t len)
{
	snprintf(buf, len, "%s/bus/pci/drivers/%s/%s", kvfio_sysfs_root(),
		 drv, file);
}

/* Wait (a bounded poll) until bdf's driver is want ("" unbound). */
static int wait_driver(const char *bdf, const char *want, char *now,
		       size_t len)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i, ret;

	for (i = 0; i <= PROBE_WAIT_MS / 10; i++) {
		ret = kvpci_driver_of(bdf, now, len);
		if (ret || !strcmp(now, want))
			return ret;
		nanosleep(&ts, NULL);
	}
	return -EIO;
}

/* vfio-pci's driver_override and a probe; then it must be vfio-pci's. */
static int claim_bind(struct kvpci_claim *c, char *err, size_t errlen)
{
	char path[PATH_MAX], now[64];
	int ret;

	dev_file(c, "driver_override", path, sizeof(path));
	ret = claim_write(c, path, KVPCI_DRIVER, err, errlen);
	if (ret)
		return ret;
	c->bound = true;	/* from here the release undoes the override */
	snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe",
		 kvfio_sysfs_root());
	ret = claim_write(c, path, c->bdf, err, errlen);
	if (ret || c->dry_run)
		return ret;
	ret = wait_driver(c->bdf, KVPCI_DRIVER, now, sizeof(now));
	if (ret) {
		snprintf(err, errlen, "%s did not bind to %s (driver now: %s; is CONFIG_VFIO_PCI built in or loaded?)",
			 c->bdf, KVPCI_DRIVER, *now ? now : "none");
		return -ENODEV;
	}
	return 0;
}

int kvpci_claim(const char *bdf, bool force, bool dry_run, FILE *log,
		struct kvpci_claim *c, char *err, size_t errlen)
{
	char path[PATH_MAX], msg[256];
	int ret;

	memset(c, 0, sizeof(*c));
	c->dry_run = dry_run;
	c->log = log;
	if (strlen(bdf) >= sizeof(c->bdf)) {
		snprintf(err, errlen, "'%s' is not a PCI address", bdf);
		return -EINVAL;
	}
	strcpy(c->bdf, bdf);
	ret = kvpci_driver_of(bdf, c->orig, sizeof(c->orig));
	if (ret) {
		snprintf(err, errlen, "%s/bus/pci/devices/%s: %s",
			 kvfio_sysfs_root(), bdf, strerror(-ret));
		return ret;
	}
	if (!strcmp(c->orig, KVPCI_DRIVER)) {
		c->orig[0] = '\0';
		if (log)
			fprintf(log, "siovh: %s is bound to %s already: nothing to bind, nothing to restore\n",
				bdf, KVPCI_DRIVER);
		return 0;
	}
	if (c->orig[0] && !force) {
		snprintf(err, errlen, "%s is bound to the driver '%s', not %s: siovh unbinds it only with --force (and binds '%s' back when done)",
			 bdf, c->orig, KVPCI_DRIVER, c->orig);
		return -EBUSY;
	}
	if (c->orig[0]) {
		drv_file(c->orig, "unbind", path, sizeof(path));
		ret = claim_write(c, path, bdf, err, errlen);
		if (ret)
			return ret;
	}
	ret = claim_bind(c, err, errlen);
	if (ret && !c->dry_run) {
		/* give it back as it was; the first error is the one told */
		kvpci_release(c, msg, sizeof(msg));
	}
	return ret;
}

int kvpci_release(struct kvpci_claim *c, char *err, size_t errlen)
{
	char path[PATH_MAX], now[64], msg[256];
	int ret = 0, r;

	if (!c->bound && !c->orig[0])
		return 0;
	/* vfio-pci lets go only if the probe bound it: read, don't guess */
	if (c->dry_run || (!kvpci_driver_of(c->bdf, now, sizeof(now)) &&
			   !strcmp(now, KVPCI_DRIVER))) {
		drv_file(KVPCI_DRIVER, "unbind", path, sizeof(path));
		ret = claim_write(c, path, c->bdf, err, errlen);
	}
	if (c->bound) {
		dev_file(c, "driver_override", path, sizeof(path));
		r = claim_write(c, path, "\n", ret ? msg : err,
				ret ? sizeof(msg) : errlen);
		ret = ret ? ret : r;
	}
	if (c->orig[0]) {
		drv_file(c->orig, "bind", path, sizeof(path));
		r = claim_write(c, path, c->bdf, ret ? msg : err,
				ret ? sizeof(msg) : errlen);
		ret = ret ? ret : r;
	}
	c->bound = false;
	c->orig[0] = '\0';
	return ret;
}
