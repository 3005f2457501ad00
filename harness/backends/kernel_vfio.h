/* SPDX-License-Identifier: MIT */
/*
 * VFIO device access for the kernel backend, independent of where the
 * device comes from (an mdev the backend created, a PCI function bound to
 * vfio-pci): its two uAPIs, with no policy of their own.
 *
 *  - The device cdev (CONFIG_VFIO_DEVICE_CDEV): /dev/vfio/devices/vfioN,
 *    N found from the device's sysfs directory (its vfio-dev/vfioN entry).
 *    A fresh cdev fd allows only VFIO_DEVICE_BIND_IOMMUFD until it is bound
 *    to an iommufd; then ATTACH/DETACH_IOMMUFD_PT; its close unbinds.
 *  - The legacy group/container path (CONFIG_VFIO_GROUP, VFIO_CONTAINER):
 *    /dev/vfio/<group> (the group number from the device's iommu_group
 *    link), a new container (/dev/vfio/vfio), VFIO_GROUP_SET_CONTAINER,
 *    VFIO_SET_IOMMU type1 (v2 where the container offers it), and
 *    VFIO_GROUP_GET_DEVICE_FD by the device's name. Each open is its own
 *    container: one VM per device.
 *
 * The two paths are exclusive for one device: while its group is open the
 * kernel refuses a cdev bind (-EBUSY), and a bound cdev keeps the group
 * from opening the device. Nothing here binds, unbinds or resets a driver.
 *
 * Every call returns 0 or -errno (the syscall's); fds are O_CLOEXEC.
 *
 * Env: SIOVH_SYSFS_ROOT replaces /sys, SIOVH_DEV_ROOT replaces /dev (tests).
 */
#ifndef SIOVH_BACKENDS_KERNEL_VFIO_H
#define SIOVH_BACKENDS_KERNEL_VFIO_H

#include <stddef.h>
#include <stdint.h>

/* The sysfs and /dev roots ("/sys", "/dev" unless overridden). */
const char *kvfio_sysfs_root(void);
const char *kvfio_dev_root(void);

/*
 * The device's cdev path from its sysfs directory devdir (e.g.
 * /sys/bus/mdev/devices/UUID): -ENOENT when the kernel has no cdev for it
 * (no CONFIG_VFIO_DEVICE_CDEV, or no VFIO driver bound).
 */
int kvfio_cdev_path(const char *devdir, char *path, size_t len);
/* Its IOMMU group number (the iommu_group link's last component). */
int kvfio_group_of(const char *devdir, unsigned int *group);

/* Open the cdev (O_RDWR). */
int kvfio_cdev_open(const char *devdir, int *fd);
/* VFIO_DEVICE_BIND_IOMMUFD of cdev fd to iommufd; *dev_id its object. */
int kvfio_cdev_bind(int fd, int iommufd, uint32_t *dev_id);
/* VFIO_DEVICE_ATTACH_IOMMUFD_PT to pt_id (IOAS or HWPT); *hwpt_id is the
 * HWPT the kernel attached (an IOAS gets an automatic one). */
int kvfio_cdev_attach(int fd, uint32_t pt_id, uint32_t *hwpt_id);
int kvfio_cdev_detach(int fd);

/*
 * A device on its cdev in a /dev/iommu of its own (iommu_path): opened,
 * bound, attached to a new IOAS, which is also that iommufd's VFIO
 * compatibility IOAS with type1v2 set, so that VFIO_IOMMU_* ioctls on
 * iommufd (iommufd's vfio_compat) map into what the device sees: the cdev
 * path's stand-in for a type1 container. On error nothing stays open.
 */
struct kvfio_cdev {
	int iommufd, device;		/* -1 when not open */
	uint32_t dev_id, ioas_id, hwpt_id;
};
int kvfio_cdev_session_open(const char *devdir, const char *iommu_path,
			    struct kvfio_cdev *out);
void kvfio_cdev_session_close(struct kvfio_cdev *s);

/* The legacy path's three fds; -1 when not open. */
struct kvfio_legacy {
	int group, container, device;
};

/*
 * Open the device named name (its sysfs name: a UUID for an mdev, a BDF
 * for a PCI function) through its group, in a container of its own with
 * type1. -ENOENT: the kernel has no group node for it (no VFIO_GROUP);
 * -EBUSY: the group is in use (its cdev bound, or opened elsewhere);
 * -ENODEV: the container offers no type1. On error nothing stays open.
 */
int kvfio_legacy_open(const char *devdir, const char *name,
		      struct kvfio_legacy *out);
/* A further VFIO_GROUP_GET_DEVICE_FD on an open group: a second fd. */
int kvfio_legacy_device_fd(struct kvfio_legacy *l, const char *name,
			   int *fd);
/* Close device, group, container (in that order); all -1 after. */
void kvfio_legacy_close(struct kvfio_legacy *l);

#endif /* SIOVH_BACKENDS_KERNEL_VFIO_H */
