/* SPDX-License-Identifier: MIT */
/*
 * Run-time access to an open VDEV (seeds/000, "Run-time access", "Reset"):
 * the VFIO device ioctls and the region reads and writes a VMM issues on
 * the device fd, dispatched to the files that emulate each part.
 */
#include <errno.h>
#include <string.h>

#include "vdcm_internal.h"

static int get_info(struct vdcm_vdev *vdev, struct vfio_device_info *info)
{
	if (info->argsz < sizeof(*info) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_DEVICE_INFO_ARGSZ))
		return -EINVAL;
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_PCI_NUM_REGIONS;
	info->num_irqs = VFIO_PCI_NUM_IRQS;
	info->cap_offset = 0;
	return 0;
}

/*
 * Reset (VFIO_DEVICE_RESET, virtual FLR): reset the ADIs, discarding the
 * work they hold without running it (a function level reset completes no
 * pending request), return the guest-visible state to its defaults, then
 * make the ADIs usable again on the same default PASID. They stay
 * disabled, as the queues now are, until the guest enables a queue, which
 * it cannot do while the VDEV is quiesced for migration; the migration
 * state is kept. The AUX domain and its mappings stay: they are the VMM's,
 * not the device's. A device in migration ERROR is RUNNING after a reset
 * (linux/vfio.h).
 */
int vdcm_vdev_reset(struct vdcm_vdev *vdev)
{
	struct vdcm_cfg keep = vdev->cfg;
	int ret;

	vdcm_vdev_quiesce(vdev, true);
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_RESET_KEEPS_COMMAND))
		memcpy(vdev->cfg.bytes + 0x04, keep.bytes + 0x04, 2);
	ret = vdcm_vdev_program_pasid(vdev);
	if (vdev->mig.state == VFIO_DEVICE_STATE_ERROR)
		vdev->mig.state = VFIO_DEVICE_STATE_RUNNING;
	return ret;
}

static int device_feature(struct vdcm_vdev *vdev,
			  struct vfio_device_feature *f)
{
	const uint32_t known = VFIO_DEVICE_FEATURE_MASK |
			       VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_SET |
			       VFIO_DEVICE_FEATURE_PROBE;
	int ret;

	if (f->argsz < sizeof(*f) || (f->flags & ~known))
		return -EINVAL;
	/* GET and SET together only with PROBE (linux/vfio.h). */
	if ((f->flags & VFIO_DEVICE_FEATURE_GET) &&
	    (f->flags & VFIO_DEVICE_FEATURE_SET) &&
	    !(f->flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    !vdcm_fault(vdev->vdcm, VDCM_FAULT_FEATURE_GET_SET))
		return -EINVAL;
	ret = vdcm_mig_feature(vdev, f);
	if (ret == -ENOTTY)
		ret = vdcm_dirty_feature(vdev, f);
	return ret;
}

int vdcm_vdev_ioctl(struct vdcm *vdcm, struct vdcm_vdev *vdev,
		    unsigned long cmd, void *arg)
{
	int ret = vdcm_vdev_check(vdcm, vdev, true);

	if (ret)
		return ret;
	if (!arg && cmd != VFIO_DEVICE_RESET)
		return -EFAULT;
	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return get_info(vdev, arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vdcm_bar_region_info(vdev, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vdcm_irq_get_info(vdev, arg);
	case VFIO_DEVICE_SET_IRQS:
		return vdcm_irq_set(vdev, arg);
	case VFIO_DEVICE_RESET:
		return vdcm_vdev_reset(vdev);
	case VFIO_DEVICE_FEATURE:
		return device_feature(vdev, arg);
	}
	return -ENOTTY;
}

/* Split a device fd offset into region index and offset in the region. */
static int region_of(uint64_t offset, uint32_t *index, uint64_t *off)
{
	*index = (uint32_t)(offset >> VDEV_REGION_SHIFT);
	*off = offset & ((1ull << VDEV_REGION_SHIFT) - 1);
	return *index < VFIO_PCI_NUM_REGIONS ? 0 : -EINVAL;
}

static ssize_t region_access(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			     void *buf, size_t len, uint64_t offset,
			     bool write)
{
	uint32_t index;
	uint64_t off;
	int ret = vdcm_vdev_check_access(vdcm, vdev);

	if (ret)
		return ret;
	if (!buf || region_of(offset, &index, &off))
		return -EINVAL;
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return write ? vdcm_cfg_write(vdev, buf, len, off) :
			       vdcm_cfg_read(vdev, buf, len, off);
	case VFIO_PCI_BAR0_REGION_INDEX:
	case VFIO_PCI_BAR2_REGION_INDEX:
		return vdcm_bar_access(vdev, index, buf, len, off, write);
	}
	if (!write && vdcm_fault(vdcm, VDCM_FAULT_EMPTY_REGION_ACCESS)) {
		memset(buf, 0, len);	/* the bug: an empty region "reads" */
		return (ssize_t)len;
	}
	return -EINVAL;			/* a zero-size region */
}

ssize_t vdcm_vdev_pread(struct vdcm *vdcm, struct vdcm_vdev *vdev, void *buf,
			size_t len, uint64_t offset)
{
	return region_access(vdcm, vdev, buf, len, offset, false);
}

ssize_t vdcm_vdev_pwrite(struct vdcm *vdcm, struct vdcm_vdev *vdev,
			 const void *buf, size_t len, uint64_t offset)
{
	/* The write paths never write through buf. */
	return region_access(vdcm, vdev, (void *)buf, len, offset, true);
}

void *vdcm_vdev_mmap(struct vdcm *vdcm, struct vdcm_vdev *vdev,
		     uint64_t offset, size_t len)
{
	int ret = vdcm_vdev_check(vdcm, vdev, true);

	if (ret == -EBADF && vdcm_fault(vdcm, VDCM_FAULT_CLOSED_MMAP))
		ret = 0;	/* the bug: no device fd, yet a mapping */
	if (ret) {
		errno = -ret;
		return NULL;
	}
	return vdcm_bar_mmap(vdev, offset, len);
}

int vdcm_vdev_munmap(struct vdcm *vdcm, struct vdcm_vdev *vdev, void *addr,
		     size_t len)
{
	int ret = vdcm_vdev_check(vdcm, vdev, true);

	return ret ? ret : vdcm_bar_munmap(vdev, addr, len);
}
