/* SPDX-License-Identifier: MIT */
/*
 * The VFIO-device facet of the kernel backend over an mdev parent
 * ("--target kernel:mdev=PARENT", e.g. kernel:mdev=mtty): struct
 * siovh_vfio_device_ops on the kernel's mdev sysfs lifecycle and its VFIO
 * device files.
 *
 *  - list_types: the entries of /sys/class/mdev_bus/PARENT/
 *    mdev_supported_types (sorted); available_instances: TYPE/
 *    available_instances. A type that is not one of them is -EINVAL, like
 *    the reference's (the kernel has no file to answer for it).
 *  - create: the UUID (lower-case 8-4-4-4-12) written to TYPE/create; the
 *    write's errno as the kernel gives it (-EEXIST duplicate UUID, the
 *    parent driver's own for exhaustion: mtty says -ENOSPC).
 *  - remove: "1" written to /sys/bus/mdev/devices/UUID/remove. A VDEV this
 *    target holds open is -EDEADLK without writing: the kernel's remove of
 *    an open mdev does not fail, it blocks until the device fd closes
 *    (vfio_unregister_group_dev() waits for the release), so the write
 *    would never return in the check that holds the fd. -EDEADLK, not the
 *    -EBUSY a VDCM gives (VDCM.LIFE.7), so that the clause reports the
 *    kernel's behaviour instead of the backend's refusal.
 *  - open: the legacy path (kernel_vfio.h): the mdev's group, a container
 *    of its own with type1, the device fd by UUID; container_ioctl runs on
 *    that container. A second open of an open VDEV asks the kernel for a
 *    second device fd of the same group and returns what the kernel says
 *    (the fd itself, if it gives one, is closed at once). With vfio=cdev
 *    ("kernel:mdev=mtty,vfio=cdev") the cdev path instead: the VDEV's cdev
 *    bound to a /dev/iommu of its own and attached to an IOAS, whose VFIO
 *    compatibility (iommufd's type1 emulation) container_ioctl drives; a
 *    second open opens and binds the cdev again, in that iommufd.
 *  - release: closes the device fd, the group and the container.
 *  - ioctl / pread / pwrite / mmap: on the device fd, at the offsets the
 *    kernel's VFIO_DEVICE_GET_REGION_INFO gives; -errno as returned.
 *  - device_ioctl (the iommufd facet's, kernel_mdev_device_ioctl): on the
 *    VDEV's cdev (/dev/vfio/devices/vfioN), opened at the first call; a
 *    VFIO_DEVICE_BIND_IOMMUFD names the target's /dev/iommu whatever fd
 *    the caller wrote. While the VDEV is open through its group the kernel
 *    refuses the bind (-EBUSY): the two paths are exclusive.
 *
 * One parent for every check: the first lifecycle call of a check takes an
 * exclusive flock(2) on the parent's ledger ($SIOVH_STATE_DIR, default
 * /tmp, siovh-mdev-PARENT.ledger), held until its target closes, so
 * parallel checks never see each other's instances. The ledger lists every
 * UUID created (written before the create); at close, every VDEV the target
 * created and did not remove is released and removed, and a check that
 * ended without closing its target (a fatal failure, a skip, a timeout)
 * has its mdevs removed by the next check's first lifecycle call: a check
 * starts from the parent as it was.
 *
 * Safety: the backend touches the named parent's mdevs that it created
 * itself, nothing else: no driver is bound or unbound.
 *
 * Env: SIOVH_SYSFS_ROOT replaces /sys, SIOVH_DEV_ROOT /dev (tests).
 */
#ifndef SIOVH_BACKENDS_KERNEL_MDEV_H
#define SIOVH_BACKENDS_KERNEL_MDEV_H

#include <stdbool.h>
#include <stddef.h>

#include <siovh/target.h>

/* Where in siovh_target_spec.arg the parser puts the parent's name (the
 * PCI address of device= is at 0), and the path of vfio= ("cdev",
 * "group", or empty: group). */
#define SIOVH_KERNEL_ARG_MDEV	16
#define SIOVH_KERNEL_ARG_VFIO	96

/*
 * Check the value of the mdev option (val, vlen bytes, not terminated): a
 * sysfs name ([A-Za-z0-9_.:-], 1..63 characters) of a parent listed under
 * /sys/class/mdev_bus with mdev_supported_types. On success copies it to
 * parent (NUL-terminated) and returns 0; otherwise -EINVAL (malformed) or
 * -ENODEV (no such parent) with a one-line message naming the option.
 */
int siovh_kernel_mdev_check(const char *val, size_t vlen, char *parent,
			    size_t plen, char *err, size_t errlen);

struct kernel_mdev;

/* Fill t->vfio_device, SIOVH_FEAT_VFIO_DEVICE and SIOVH_FEAT_VDEV_MIGRATION
 * (VFIO_DEVICE_FEATURE passes through) for parent; iommufd is the
 * target's /dev/iommu fd (-1 without), iommu_path its path; cdev: open
 * VDEVs on the cdev path. 0 or -errno (*out NULL). */
int kernel_mdev_open(struct siovh_target *t, const char *parent, int iommufd,
		     const char *iommu_path, bool cdev,
		     struct kernel_mdev **out);
/*
 * The same facet over one PCI function bound to vfio-pci (bdf; "--target
 * kernel:device=BDF,vfio=cdev|group", the binding is kernel_vfio_pci.h's,
 * done by `siovh run`): a parent of one type, KERNEL_MDEV_PCI_TYPE, with
 * one instance, the function itself. create and remove touch no sysfs
 * file: create names the function (-ENOSPC while this target has it,
 * -EEXIST for the same UUID again), remove gives it up; open, ioctl,
 * region access and container_ioctl go to the kernel as for an mdev (its
 * group or cdev, found from /sys/bus/pci/devices/BDF). The lifecycle
 * clauses (VDCM.TYPE.*, VDCM.LIFE.*) thus judge this stand-in, apart from
 * their open/release steps: a PCI function has no VDEV lifecycle.
 */
#define KERNEL_MDEV_PCI_TYPE	"vfio-pci"
int kernel_mdev_open_pci(struct siovh_target *t, const char *bdf,
			 int iommufd, const char *iommu_path, bool cdev,
			 struct kernel_mdev **out);
/* Release and remove what the target left; free. NULL is fine. */
void kernel_mdev_close(struct kernel_mdev *m);

/* The iommufd facet's device_ioctl for a VDEV of this facet. */
int kernel_mdev_device_ioctl(struct kernel_mdev *m, struct siovh_vdev *vdev,
			     unsigned long cmd, void *arg);

/* The target's kernel_mdev (kernel.c owns t->priv). */
struct kernel_mdev *kernel_mdev_of(struct siovh_target *t);

#endif /* SIOVH_BACKENDS_KERNEL_MDEV_H */
