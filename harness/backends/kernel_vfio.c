/* SPDX-License-Identifier: MIT */
/*
 * VFIO device access for the kernel backend: see kernel_vfio.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "harness/backends/kernel_vfio.h"

static const char *env_root(const char *var, const char *dflt)
{
	const char *r = getenv(var);

	return r && *r ? r : dflt;
}

const char *kvfio_sysfs_root(void)
{
	return env_root("SIOVH_SYSFS_ROOT", "/sys");
}

const char *kvfio_dev_root(void)
{
	return env_root("SIOVH_DEV_ROOT", "/dev");
}

static int neg_errno(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

/* The single "vfioN" entry of devdir/vfio-dev. */
int kvfio_cdev_path(const char *devdir, char *path, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/vfio-dev", devdir);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "vfio", 4) || !e->d_name[4])
			continue;
		if ((size_t)snprintf(path, len, "%s/vfio/devices/%s",
				     kvfio_dev_root(), e->d_name) >= len)
			ret = -ENAMETOOLONG;
		else
			ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

int kvfio_group_of(const char *devdir, unsigned int *group)
{
	char link[PATH_MAX], target[PATH_MAX], *base, *end;
	ssize_t n;
	unsigned long v;

	snprintf(link, sizeof(link), "%s/iommu_group", devdir);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	errno = 0;
	v = strtoul(base, &end, 10);
	if (errno || end == base || *end || v > UINT_MAX)
		return -EINVAL;
	*group = (unsigned int)v;
	return 0;
}

int kvfio_cdev_open(const char *devdir, int *fd)
{
	char path[PATH_MAX];
	int ret = kvfio_cdev_path(devdir, path, sizeof(path));

	if (ret)
		return ret;
	*fd = open(path, O_RDWR | O_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

int kvfio_cdev_bind(int fd, int iommufd, uint32_t *dev_id)
{
	struct vfio_device_bind_iommufd b = {
		.argsz = sizeof(b),
		.iommufd = iommufd,
	};
	int ret = neg_errno(ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &b));

	if (!ret && dev_id)
		*dev_id = b.out_devid;
	return ret;
}

int kvfio_cdev_attach(int fd, uint32_t pt_id, uint32_t *hwpt_id)
{
	struct vfio_device_attach_iommufd_pt a = {
		.argsz = sizeof(a),
		.pt_id = pt_id,
	};
	int ret = neg_errno(ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a));

	if (!ret && hwpt_id)
		*hwpt_id = a.pt_id;
	return ret;
}

int kvfio_cdev_detach(int fd)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };

	return neg_errno(ioctl(fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d));
}

/* ---- A cdev session: its own iommufd, IOAS, compat type1 ---- */

static int session_ioas(struct kvfio_cdev *s)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_vfio_ioas c = {
		.size = sizeof(c),
		.op = IOMMU_VFIO_IOAS_SET,
	};
	int ret;

	ret = neg_errno(ioctl(s->iommufd, IOMMU_IOAS_ALLOC, &a));
	if (ret)
		return ret;
	s->ioas_id = c.ioas_id = a.out_ioas_id;
	ret = neg_errno(ioctl(s->iommufd, IOMMU_VFIO_IOAS, &c));
	if (ret)
		return ret;
	return neg_errno(ioctl(s->iommufd, VFIO_SET_IOMMU,
			       (unsigned long)VFIO_TYPE1v2_IOMMU));
}

int kvfio_cdev_session_open(const char *devdir, const char *iommu_path,
			    struct kvfio_cdev *out)
{
	struct kvfio_cdev s = { .iommufd = -1, .device = -1 };
	int ret;

	s.iommufd = open(iommu_path, O_RDWR | O_CLOEXEC);
	if (s.iommufd < 0) {
		ret = -errno;
		goto err;
	}
	ret = session_ioas(&s);
	if (ret)
		goto err;
	ret = kvfio_cdev_open(devdir, &s.device);
	if (ret)
		goto err;
	ret = kvfio_cdev_bind(s.device, s.iommufd, &s.dev_id);
	if (ret)
		goto err;
	ret = kvfio_cdev_attach(s.device, s.ioas_id, &s.hwpt_id);
	if (ret)
		goto err;
	*out = s;
	return 0;

err:
	kvfio_cdev_session_close(&s);
	return ret;
}

void kvfio_cdev_session_close(struct kvfio_cdev *s)
{
	/* the cdev's close unbinds; the iommufd's frees the IOAS */
	if (s->device >= 0)
		close(s->device);
	if (s->iommufd >= 0)
		close(s->iommufd);
	s->device = s->iommufd = -1;
}

/* ---- The legacy group/container path ---- */

static int legacy_group_open(const char *devdir, int *fd)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[PATH_MAX];
	unsigned int group;
	int ret;

	ret = kvfio_group_of(devdir, &group);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/vfio/%u", kvfio_dev_root(), group);
	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	ret = neg_errno(ioctl(*fd, VFIO_GROUP_GET_STATUS, &st));
	if (!ret && !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		ret = -EBUSY;	/* a device of the group is not VFIO's */
	if (ret) {
		close(*fd);
		*fd = -1;
	}
	return ret;
}

/* A new container with the group in it and type1 (v2 when offered). */
static int legacy_container(struct kvfio_legacy *l)
{
	char path[PATH_MAX];
	long type;
	int ret;

	snprintf(path, sizeof(path), "%s/vfio/vfio", kvfio_dev_root());
	l->container = open(path, O_RDWR | O_CLOEXEC);
	if (l->container < 0)
		return -errno;
	if (ioctl(l->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return -EPROTO;
	ret = neg_errno(ioctl(l->group, VFIO_GROUP_SET_CONTAINER,
			      &l->container));
	if (ret)
		return ret;
	if (ioctl(l->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		type = VFIO_TYPE1v2_IOMMU;
	else if (ioctl(l->container, VFIO_CHECK_EXTENSION,
		       VFIO_TYPE1_IOMMU) > 0)
		type = VFIO_TYPE1_IOMMU;
	else
		return -ENODEV;
	return neg_errno(ioctl(l->container, VFIO_SET_IOMMU, type));
}

int kvfio_legacy_device_fd(struct kvfio_legacy *l, const char *name, int *fd)
{
	*fd = ioctl(l->group, VFIO_GROUP_GET_DEVICE_FD, name);
	return *fd < 0 ? -errno : 0;
}

int kvfio_legacy_open(const char *devdir, const char *name,
		      struct kvfio_legacy *out)
{
	struct kvfio_legacy l = { .group = -1, .container = -1, .device = -1 };
	int ret;

	ret = legacy_group_open(devdir, &l.group);
	if (ret)
		goto err;
	ret = legacy_container(&l);
	if (ret)
		goto err;
	ret = kvfio_legacy_device_fd(&l, name, &l.device);
	if (ret)
		goto err;
	*out = l;
	return 0;

err:
	kvfio_legacy_close(&l);
	return ret;
}

void kvfio_legacy_close(struct kvfio_legacy *l)
{
	if (l->device >= 0)
		close(l->device);
	if (l->group >= 0)
		close(l->group);
	if (l->container >= 0)
		close(l->container);
	l->device = l->group = l->container = -1;
}
