/* SPDX-License-Identifier: MIT */
/*
 * The kernel backend's VFIO-device facet over an mdev parent: see
 * kernel_mdev.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/backends/kernel_mdev.h"
#include "harness/backends/kernel_vfio.h"

#define MDEV_NAME_MAX	64
#define UUID_STR	37		/* 36 characters and the NUL */

/* One mdev this target created (and has not removed). */
struct siovh_vdev {
	struct siovh_vdev *next;
	char uuid[UUID_STR];
	struct kvfio_legacy l;		/* open: l.device, l.container (the
					 * cdev path: its cdev, its iommufd) */
	bool open;
	int cdev;			/* device_ioctl's cdev fd, or -1 */
};

struct kernel_mdev {
	char parent[MDEV_NAME_MAX];
	int iommufd;			/* the target's /dev/iommu, or -1 */
	char iommu_path[PATH_MAX];	/* its path, for a VDEV's own */
	bool cdev;			/* vfio=cdev: open on the cdev path */
	bool pci;			/* parent is a PCI function's BDF, its
					 * one VDEV the function itself */
	int lock;			/* the types directory, flock'd; -1 */
	struct siovh_vdev *vdevs;
};

static int neg_errno(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

static void types_dir(const char *parent, char *buf, size_t len)
{
	snprintf(buf, len, "%s/class/mdev_bus/%s/mdev_supported_types",
		 kvfio_sysfs_root(), parent);
}

static void mdev_dir(const struct kernel_mdev *m, const struct siovh_vdev *v,
		     char *buf, size_t len)
{
	if (m->pci)
		snprintf(buf, len, "%s/bus/pci/devices/%s", kvfio_sysfs_root(),
			 m->parent);
	else
		snprintf(buf, len, "%s/bus/mdev/devices/%s", kvfio_sysfs_root(),
			 v->uuid);
}

/* The device's name for VFIO_GROUP_GET_DEVICE_FD. */
static const char *vdev_name(const struct kernel_mdev *m,
			     const struct siovh_vdev *v)
{
	return m->pci ? m->parent : v->uuid;
}

/* ---- A PCI function as a parent of one fixed instance ---- */

/* Its one type is named after its driver (kernel_mdev.h). */
static int pci_type_ok(const char *type)
{
	return type && !strcmp(type, KERNEL_MDEV_PCI_TYPE) ? 0 : -EINVAL;
}

static int pci_list_types(char *buf, size_t len)
{
	size_t n = sizeof(KERNEL_MDEV_PCI_TYPE);

	if (!buf || len < n + 1)
		return -ENOSPC;
	memcpy(buf, KERNEL_MDEV_PCI_TYPE, n);
	buf[n] = '\0';
	return 0;
}

/* The instance is free while no VDEV of this target stands for it. */
static int pci_create(struct kernel_mdev *m, const char *type,
		      const char *uuid)
{
	if (pci_type_ok(type))
		return -EINVAL;
	if (m->vdevs)
		return strcmp(m->vdevs->uuid, uuid) ? -ENOSPC : -EEXIST;
	return 0;
}

/* A sysfs name: no '/', not "." or "..", only these characters. */
static bool name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= MDEV_NAME_MAX || (s[0] == '.' && (n == 1 ||
	    (n == 2 && s[1] == '.'))))
		return false;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.:-", s[i]) || !s[i])
			return false;
	return true;
}

int siovh_kernel_mdev_check(const char *val, size_t vlen, char *parent,
			    size_t plen, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;

	if (!name_ok(val, vlen) || vlen >= plen) {
		snprintf(err, errlen, "target 'kernel': mdev='%.*s' is not an mdev parent's name (e.g. mdev=mtty: a directory of /sys/class/mdev_bus)",
			 (int)(vlen > 64 ? 64 : vlen), val);
		return -EINVAL;
	}
	memcpy(parent, val, vlen);
	parent[vlen] = '\0';
	types_dir(parent, path, sizeof(path));
	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "target 'kernel': mdev=%s: no such mdev parent (%s: %s)",
			 parent, path, errno ? strerror(errno) : "not a directory");
		return -ENODEV;
	}
	return 0;
}

/* ---- sysfs ---- */

/* Write s to path: 0 or the write's -errno (sysfs answers in write()). */
static int sysfs_write(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd, ret;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	ret = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return ret;
}

static int sysfs_read_uint(const char *path, unsigned int *out)
{
	char buf[32], *end;
	unsigned long v;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v > UINT_MAX)
		return -EPROTO;
	*out = (unsigned int)v;
	return 0;
}

static const char *state_dir(void)
{
	const char *d = getenv("SIOVH_STATE_DIR");

	return d && *d ? d : "/tmp";
}

/* Remove the mdev UUID if it exists: 0, or the write's -errno. */
static int mdev_remove_uuid(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/bus/mdev/devices/%s",
		 kvfio_sysfs_root(), uuid);
	if (access(path, F_OK))
		return 0;
	strncat(path, "/remove", sizeof(path) - strlen(path) - 1);
	return sysfs_write(path, "1");
}

/*
 * The ledger: the UUIDs this parent's checks created, one per line,
 * written before the create. A check that ends early (a fatal failure or
 * a skip _exit()s without closing its target; a timeout kills it) leaves
 * its mdevs behind; the next check's hold removes every one of them that
 * still exists (its fds died with its process, so the remove does not
 * wait), then empties the ledger. Only mdevs siovh created are touched.
 */
static void ledger_sweep(struct kernel_mdev *m)
{
	char buf[4096], *line, *save;
	ssize_t n;

	n = pread(m->lock, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strlen(line) == UUID_STR - 1 && name_ok(line, strlen(line)) &&
		    mdev_remove_uuid(line))
			fprintf(stderr, "siovh: kernel:mdev=%s: could not remove the mdev %s a previous check left\n",
				m->parent, line);
	if (ftruncate(m->lock, 0))
		fprintf(stderr, "siovh: kernel:mdev=%s: cannot empty the ledger: %s\n",
			m->parent, strerror(errno));
}

/* Append uuid; *end is where it starts, for ledger_drop(). */
static int ledger_add(struct kernel_mdev *m, const char *uuid, off_t *end)
{
	char line[UUID_STR + 1];

	*end = lseek(m->lock, 0, SEEK_END);
	snprintf(line, sizeof(line), "%s\n", uuid);
	if (*end < 0 || pwrite(m->lock, line, strlen(line), *end) !=
			       (ssize_t)strlen(line))
		return -EIO;
	return 0;
}

/*
 * A create that failed: its UUID leaves the ledger again (this check
 * holds the flock, so it is the last line). A UUID that was taken
 * (-EEXIST) may name an mdev that is not siovh's: no sweep may remove it.
 */
static void ledger_drop(struct kernel_mdev *m, off_t end)
{
	if (end >= 0 && ftruncate(m->lock, end))
		fprintf(stderr, "siovh: kernel:mdev=%s: cannot trim the ledger: %s\n",
			m->parent, strerror(errno));
}

/*
 * Hold the parent for this check (kernel_mdev.h): an exclusive flock on
 * its ledger file, taken at the first lifecycle call, then the sweep.
 */
static int mdev_hold(struct kernel_mdev *m)
{
	char path[PATH_MAX];
	int ret;

	if (m->lock >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/siovh-mdev-%s.ledger", state_dir(),
		 m->parent);
	m->lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (m->lock < 0)
		return -errno;
	while (flock(m->lock, LOCK_EX))
		if (errno != EINTR) {
			ret = -errno;
			close(m->lock);
			m->lock = -1;
			return ret;
		}
	ledger_sweep(m);
	return 0;
}

/* path of TYPE/file; -EINVAL when type is not one of the parent's. */
static int type_file(struct kernel_mdev *m, const char *type,
		     const char *file, char *path, size_t len)
{
	char dir[PATH_MAX];
	struct stat st;
	int n;

	if (!type || !name_ok(type, strlen(type)))
		return -EINVAL;
	types_dir(m->parent, dir, sizeof(dir));
	n = snprintf(path, len, "%s/%s", dir, type);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return -EINVAL;
	n = snprintf(path, len, "%s/%s/%s", dir, type, file);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* ---- The facet ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The type directory's entries, sorted, NUL-separated, double NUL. */
static int kmdev_list_types(struct siovh_target *t, char *buf, size_t len)
{
	struct kernel_mdev *m = kernel_mdev_of(t);
	char dir[PATH_MAX], *names[64];
	size_t nr = 0, i, off = 0, n;
	struct dirent *e;
	int ret;
	DIR *d;

	ret = mdev_hold(m);
	if (ret)
		return ret;
	if (m->pci)
		return pci_list_types(buf, len);
	types_dir(m->parent, dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!ret && (e = readdir(d)) && nr < 64) {
		if (e->d_name[0] == '.')
			continue;
		names[nr] = strdup(e->d_name);
		if (names[nr])
			nr++;
		else
			ret = -ENOMEM;
	}
	closedir(d);
	qsort(names, nr, sizeof(names[0]), cmp_str);
	for (i = 0; i < nr && !ret; i++) {
		n = strlen(names[i]) + 1;
		if (!buf || off + n + 1 > len)
			ret = -ENOSPC;
		else
			memcpy(buf + off, names[i], n);
		off += n;
	}
	for (i = 0; i < nr; i++)
		free(names[i]);
	if (!ret && (!buf || off + 1 > len))
		ret = -ENOSPC;
	if (!ret)
		buf[off] = '\0';
	return ret;
}

static int kmdev_available_instances(struct siovh_target *t, const char *type,
				     unsigned int *out)
{
	struct kernel_mdev *m = kernel_mdev_of(t);
	char path[PATH_MAX];
	int ret;

	ret = mdev_hold(m);
	if (ret)
		return ret;
	if (m->pci) {
		ret = pci_type_ok(type);
		if (!ret && out)
			*out = m->vdevs ? 0 : 1;
		return ret ? ret : out ? 0 : -EINVAL;
	}
	ret = type_file(m, type, "available_instances", path, sizeof(path));
	if (ret || !out)
		return ret ? ret : -EINVAL;
	return sysfs_read_uint(path, out);
}

static void uuid_str(const uint8_t u[16], char s[UUID_STR])
{
	snprintf(s, UUID_STR,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int kmdev_create(struct siovh_target *t, const char *type,
			const uint8_t uuid[16], struct siovh_vdev **out)
{
	struct kernel_mdev *m = kernel_mdev_of(t);
	char path[PATH_MAX];
	struct siovh_vdev *v;
	off_t end = -1;
	int ret;

	if (!uuid || !out)
		return -EINVAL;
	ret = mdev_hold(m);
	if (ret)
		return ret;
	if (!m->pci) {
		ret = type_file(m, type, "create", path, sizeof(path));
		if (ret)
			return ret;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	uuid_str(uuid, v->uuid);
	v->l.group = v->l.container = v->l.device = -1;
	v->cdev = -1;
	if (m->pci)
		ret = pci_create(m, type, v->uuid);	/* no sysfs state */
	else
		ret = ledger_add(m, v->uuid, &end);
	if (!ret && !m->pci) {
		ret = sysfs_write(path, v->uuid);
		if (ret)
			ledger_drop(m, end);
	}
	if (ret) {
		free(v);
		return ret;
	}
	v->next = m->vdevs;
	m->vdevs = v;
	*out = v;
	return 0;
}

static void vdev_close_fds(struct siovh_vdev *v)
{
	if (v->cdev >= 0)
		close(v->cdev);
	v->cdev = -1;
	kvfio_legacy_close(&v->l);
	v->open = false;
}

static int kmdev_release(struct siovh_target *t, struct siovh_vdev *v)
{
	(void)t;
	if (!v)
		return -EINVAL;
	if (!v->open)
		return -EINVAL;
	vdev_close_fds(v);
	return 0;
}

static void vdev_unlink(struct kernel_mdev *m, struct siovh_vdev *v)
{
	struct siovh_vdev **p;

	for (p = &m->vdevs; *p; p = &(*p)->next)
		if (*p == v) {
			*p = v->next;
			return;
		}
}

static int kmdev_remove(struct siovh_target *t, struct siovh_vdev *v)
{
	struct kernel_mdev *m = kernel_mdev_of(t);
	char path[PATH_MAX];
	int ret;

	if (!v)
		return -EINVAL;
	if (v->open)
		return -EDEADLK;	/* the kernel would wait for the release */
	if (!m->pci) {
		mdev_dir(m, v, path, sizeof(path));
		strncat(path, "/remove", sizeof(path) - strlen(path) - 1);
		ret = sysfs_write(path, "1");
		if (ret)
			return ret;
	}
	if (v->cdev >= 0)
		close(v->cdev);
	vdev_unlink(m, v);
	free(v);
	return 0;
}

/* The cdev path's open: its session's fds become l.device/l.container. */
static int kmdev_open_cdev(struct kernel_mdev *m, struct siovh_vdev *v,
			   const char *dir)
{
	struct kvfio_cdev s;
	int fd, ret;

	if (v->open) {
		/* a second open: the cdev again, bound in the same iommufd */
		ret = kvfio_cdev_open(dir, &fd);
		if (ret)
			return ret;
		ret = kvfio_cdev_bind(fd, v->l.container, NULL);
		close(fd);
		return ret;
	}
	ret = kvfio_cdev_session_open(dir, m->iommu_path, &s);
	if (ret)
		return ret;
	v->l.device = s.device;
	v->l.container = s.iommufd;
	v->l.group = -1;
	return 0;
}

static int kmdev_open(struct siovh_target *t, struct siovh_vdev *v)
{
	struct kernel_mdev *m = kernel_mdev_of(t);
	char dir[PATH_MAX];
	int fd, ret;

	if (!v)
		return -EINVAL;
	mdev_dir(m, v, dir, sizeof(dir));
	if (m->cdev) {
		ret = kmdev_open_cdev(m, v, dir);
	} else if (v->open) {
		/* what the kernel says to a second open (kernel_mdev.h) */
		ret = kvfio_legacy_device_fd(&v->l, vdev_name(m, v), &fd);
		if (!ret)
			close(fd);
		return ret;
	} else {
		ret = kvfio_legacy_open(dir, vdev_name(m, v), &v->l);
	}
	if (!ret)
		v->open = true;
	return ret;
}

static int kmdev_ioctl(struct siovh_target *t, struct siovh_vdev *v,
		       unsigned long cmd, void *arg)
{
	(void)t;
	if (!v || !v->open)
		return -EBADF;
	return neg_errno(ioctl(v->l.device, cmd, arg));
}

/* A region access of an open VDEV at offset: 0, or why not. */
static int kmdev_rw_ok(const struct siovh_vdev *v, uint64_t offset)
{
	if (!v || !v->open)
		return -EBADF;
	return offset > (uint64_t)INT64_MAX ? -EINVAL : 0;
}

static ssize_t kmdev_pread(struct siovh_target *t, struct siovh_vdev *v,
			   void *buf, size_t len, uint64_t offset)
{
	int ret = kmdev_rw_ok(v, offset);
	ssize_t n;

	(void)t;
	if (ret)
		return ret;
	n = pread(v->l.device, buf, len, (off_t)offset);
	return n < 0 ? -errno : n;
}

static ssize_t kmdev_pwrite(struct siovh_target *t, struct siovh_vdev *v,
			    const void *buf, size_t len, uint64_t offset)
{
	int ret = kmdev_rw_ok(v, offset);
	ssize_t n;

	(void)t;
	if (ret)
		return ret;
	n = pwrite(v->l.device, buf, len, (off_t)offset);
	return n < 0 ? -errno : n;
}

static void *kmdev_mmap(struct siovh_target *t, struct siovh_vdev *v,
			uint64_t offset, size_t len)
{
	void *p;

	(void)t;
	if (!v || !v->open || offset > (uint64_t)INT64_MAX) {
		errno = v && v->open ? EINVAL : EBADF;
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, v->l.device,
		 (off_t)offset);
	return p == MAP_FAILED ? NULL : p;
}

static int kmdev_munmap(struct siovh_target *t, struct siovh_vdev *v,
			void *addr, size_t len)
{
	(void)t;
	(void)v;
	return neg_errno(munmap(addr, len));
}

static int kmdev_container_ioctl(struct siovh_target *t, struct siovh_vdev *v,
				 unsigned long cmd, void *arg)
{
	(void)t;
	if (!v || !v->open)
		return -EBADF;
	return neg_errno(ioctl(v->l.container, cmd, arg));
}

static const struct siovh_vfio_device_ops kernel_mdev_ops = {
	.list_types = kmdev_list_types,
	.available_instances = kmdev_available_instances,
	.create = kmdev_create,
	.remove = kmdev_remove,
	.open = kmdev_open,
	.release = kmdev_release,
	.ioctl = kmdev_ioctl,
	.pread = kmdev_pread,
	.pwrite = kmdev_pwrite,
	.mmap = kmdev_mmap,
	.munmap = kmdev_munmap,
	.container_ioctl = kmdev_container_ioctl,
};

/* ---- device_ioctl: the VDEV's cdev ---- */

int kernel_mdev_device_ioctl(struct kernel_mdev *m, struct siovh_vdev *v,
			     unsigned long cmd, void *arg)
{
	struct vfio_device_bind_iommufd *b = arg;
	char dir[PATH_MAX];
	int ret;

	if (!v || !v->open)
		return -EBADF;
	if (v->cdev < 0) {
		mdev_dir(m, v, dir, sizeof(dir));
		ret = kvfio_cdev_open(dir, &v->cdev);
		if (ret)
			return ret == -ENOENT ? -ENOTTY : ret;
	}
	/* any fd >= 0 names the target's one /dev/iommu (target.h) */
	if (cmd == VFIO_DEVICE_BIND_IOMMUFD && b && b->iommufd >= 0)
		b->iommufd = m->iommufd;
	return neg_errno(ioctl(v->cdev, cmd, arg));
}

/* ---- open, close ---- */

int kernel_mdev_open(struct siovh_target *t, const char *parent, int iommufd,
		     const char *iommu_path, bool cdev,
		     struct kernel_mdev **out)
{
	struct kernel_mdev *m;

	*out = NULL;
	if (!name_ok(parent, strlen(parent)))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	snprintf(m->parent, sizeof(m->parent), "%s", parent);
	m->iommufd = iommufd;
	snprintf(m->iommu_path, sizeof(m->iommu_path), "%s", iommu_path);
	m->cdev = cdev;
	m->lock = -1;
	t->vfio_device = &kernel_mdev_ops;
	/* migration is VFIO_DEVICE_FEATURE on the device fd, passed through:
	 * whether a type migrates is its profile's to say (MIG clauses skip
	 * a type without "migration") */
	t->features |= SIOVH_FEAT_VFIO_DEVICE | SIOVH_FEAT_VDEV_MIGRATION;
	*out = m;
	return 0;
}

int kernel_mdev_open_pci(struct siovh_target *t, const char *bdf,
			 int iommufd, const char *iommu_path, bool cdev,
			 struct kernel_mdev **out)
{
	int ret = kernel_mdev_open(t, bdf, iommufd, iommu_path, cdev, out);

	if (ret)
		return ret;
	(*out)->pci = true;
	/* vfio-pci's migration is a variant driver's: none here */
	t->features &= ~SIOVH_FEAT_VDEV_MIGRATION;
	return 0;
}

void kernel_mdev_close(struct kernel_mdev *m)
{
	struct siovh_vdev *v;
	bool left = false;

	if (!m)
		return;
	while ((v = m->vdevs)) {
		m->vdevs = v->next;
		vdev_close_fds(v);
		if (!m->pci && mdev_remove_uuid(v->uuid)) {
			fprintf(stderr, "siovh: kernel:mdev=%s: could not remove the mdev %s this check created\n",
				m->parent, v->uuid);
			left = true;	/* the next hold tries again */
		}
		free(v);
	}
	if (m->lock >= 0) {
		/* all gone: nothing for the next sweep (it copes if not) */
		if (!left && ftruncate(m->lock, 0))
			fprintf(stderr, "siovh: kernel:mdev=%s: cannot empty the ledger: %s\n",
				m->parent, strerror(errno));
		close(m->lock);		/* drops the flock */
	}
	free(m);
}
