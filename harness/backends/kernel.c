/* SPDX-License-Identifier: MIT */
/*
 * The kernel backend: see kernel.h.
 *
 * One target is one open of /dev/iommu (O_RDWR | O_CLOEXEC), made in the
 * check's child like every target, so every check starts from an empty
 * iommufd context and the kernel frees all its objects at the close. The
 * iommufd ops are the syscalls themselves: ioctl(2), read(2), write(2),
 * with -errno for -1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/backends/kernel.h"
#include "harness/backends/kernel_fail_nth.h"
#include "harness/backends/kernel_mdev.h"
#include "harness/backends/kernel_mock.h"
#include "harness/backends/kernel_pci.h"
#include "harness/backends/kernel_vfio_pci.h"

#define KERNEL_IOMMU_DEV "/dev/iommu"

struct kernel_target {
	int iommufd;			/* -1 when /dev/iommu did not open */
	char iommufd_why[160];		/* why not, for the skip reasons */
	int mock;			/* kernel_mock_probe(): 0 = usable */
	/* the mock devices made: device object ID -> test object ID */
	struct { uint32_t dev_id, test_obj; } mockdev[16];
	unsigned int nmockdev;
	struct kernel_pci *pci;		/* device=BDF, or NULL */
	struct kernel_mdev *mdev;	/* mdev=PARENT, or NULL */
	int fail_nth;			/* /proc/thread-self/fail-nth, or -1 */
	char fail_nth_why[240];		/* why not, for the skip reasons */
};

static struct kernel_target *kernel_of(const struct siovh_target *t)
{
	return t->priv;
}

struct kernel_pci *kernel_pci_of(struct siovh_target *t)
{
	return kernel_of(t)->pci;
}

struct kernel_mdev *kernel_mdev_of(struct siovh_target *t)
{
	return kernel_of(t)->mdev;
}

static int neg_errno(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

/* ---- The iommufd facet: /dev/iommu ---- */

static int kernel_iommufd_ioctl(struct siovh_target *t, unsigned long cmd,
				void *arg)
{
	return neg_errno(ioctl(kernel_of(t)->iommufd, cmd, arg));
}

/* Devices come from the vfio_device facet: an mdev's cdev
 * (kernel_mdev.h); -ENODEV without one. */
static int kernel_iommufd_device_ioctl(struct siovh_target *t,
				       struct siovh_vdev *vdev,
				       unsigned long cmd, void *arg)
{
	struct kernel_target *k = kernel_of(t);

	if (!k->mdev)
		return -ENODEV;
	return kernel_mdev_device_ioctl(k->mdev, vdev, cmd, arg);
}

static ssize_t kernel_fault_read(struct siovh_target *t, int fd, void *buf,
				 size_t len)
{
	ssize_t n;

	(void)t;
	n = read(fd, buf, len);
	return n < 0 ? -errno : n;
}

static ssize_t kernel_fault_write(struct siovh_target *t, int fd,
				  const void *buf, size_t len)
{
	ssize_t n;

	(void)t;
	n = write(fd, buf, len);
	return n < 0 ? -errno : n;
}

/* The IOMMUFD_TEST mock device (kernel_mock.h); the probe's -errno
 * (-ENOTTY: no CONFIG_IOMMUFD_TEST) when the kernel has none. */
static int kernel_test_device(struct siovh_target *t, uint32_t pt_id,
			      uint32_t *dev_id, uint32_t *hwpt_id)
{
	struct kernel_target *k = kernel_of(t);

	uint32_t obj, dev;
	int ret;

	if (k->mock)
		return k->mock;
	ret = kernel_mock_new(k->iommufd, pt_id, &obj, &dev, hwpt_id);
	if (ret)
		return ret;
	if (dev_id)
		*dev_id = dev;
	if (k->nmockdev < sizeof(k->mockdev) / sizeof(k->mockdev[0])) {
		k->mockdev[k->nmockdev].dev_id = dev;
		k->mockdev[k->nmockdev++].test_obj = obj;
	}
	return 0;
}

/* The vIOMMU ops (target.h): the mock's numbers, TRIGGER_VEVENT, read(),
 * the mock's replace. */
static int kernel_viommu_caps(struct siovh_target *t,
			      struct siovh_viommu_caps *caps)
{
	struct kernel_target *k = kernel_of(t);

	if (k->mock)
		return -ENODEV;
	return kernel_mock_viommu_caps(k->iommufd, caps);
}

static int kernel_vevent_trigger(struct siovh_target *t, uint32_t dev_id)
{
	struct kernel_target *k = kernel_of(t);

	return k->mock ? k->mock : kernel_mock_trigger_vevent(k->iommufd,
							      dev_id);
}

static void *kernel_iommufd_mmap(struct siovh_target *t, uint64_t offset,
				 size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, kernel_of(t)->iommufd,
		       (off_t)offset);

	return p == MAP_FAILED ? NULL : p;
}

static int kernel_iommufd_munmap(struct siovh_target *t, void *addr,
				 size_t len)
{
	(void)t;
	return munmap(addr, len) ? -errno : 0;
}

static int kernel_test_replace(struct siovh_target *t, uint32_t dev_id,
			       uint32_t pt_id)
{
	struct kernel_target *k = kernel_of(t);
	unsigned int i;

	for (i = 0; i < k->nmockdev; i++)
		if (k->mockdev[i].dev_id == dev_id)
			return kernel_mock_replace(k->iommufd,
						   k->mockdev[i].test_obj,
						   pt_id);
	return -ENOENT;
}

/* A mock domain's page marked dirty (kernel_mock.h). */
static int kernel_test_dirty(struct siovh_target *t, uint32_t hwpt_id,
			     uint64_t iova)
{
	struct kernel_target *k = kernel_of(t);

	if (k->mock)
		return k->mock;
	return kernel_mock_dirty(k->iommufd, hwpt_id, iova);
}

/*
 * The mock's test access (kernel_mock.h): the handle is its fd. The
 * create flags go to the mock as they are (PIN_PAGES is its bit 0): its
 * user always unpins when notified, and it refuses KEEP_PINS or any other
 * bit itself (-EOPNOTSUPP).
 */
_Static_assert(SIOVH_ACCESS_PIN_PAGES == 1u,
	       "the mock's MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES is bit 0");

static int kernel_access_create(struct siovh_target *t, uint32_t ioas_id,
				uint32_t flags, int *access)
{
	struct kernel_target *k = kernel_of(t);

	if (k->mock)
		return k->mock;
	return kernel_mock_access_new(k->iommufd, ioas_id, flags, access);
}

static int kernel_access_destroy(struct siovh_target *t, int access)
{
	(void)t;
	return close(access) ? -errno : 0;
}

static int kernel_access_replace(struct siovh_target *t, int access,
				 uint32_t ioas_id)
{
	return kernel_mock_access_replace(kernel_of(t)->iommufd, access,
					  ioas_id);
}

static int kernel_access_pin(struct siovh_target *t, int access,
			     uint64_t iova, uint64_t length, uint32_t flags,
			     const void *uptr, uint32_t *pin_id)
{
	if (flags & ~SIOVH_ACCESS_WRITE)
		return -EOPNOTSUPP;
	return kernel_mock_access_pin(kernel_of(t)->iommufd, access, iova,
				      length, flags & SIOVH_ACCESS_WRITE,
				      uptr, pin_id);
}

static int kernel_access_unpin(struct siovh_target *t, int access,
			       uint32_t pin_id)
{
	return kernel_mock_access_unpin(kernel_of(t)->iommufd, access, pin_id);
}

static int kernel_access_rw(struct siovh_target *t, int access, uint64_t iova,
			    void *buf, uint64_t len, uint32_t flags)
{
	if (flags & ~(SIOVH_ACCESS_WRITE | SIOVH_ACCESS_FOREIGN))
		return -EOPNOTSUPP;
	return kernel_mock_access_rw(kernel_of(t)->iommufd, access, iova, buf,
				     len, flags & SIOVH_ACCESS_WRITE,
				     flags & SIOVH_ACCESS_FOREIGN);
}

static const struct siovh_iommufd_ops kernel_iommufd_ops = {
	.ioctl = kernel_iommufd_ioctl,
	.device_ioctl = kernel_iommufd_device_ioctl,
	.fault_read = kernel_fault_read,
	.fault_write = kernel_fault_write,
	.test_device = kernel_test_device,
	.test_dirty = kernel_test_dirty,
	.test_access_create = kernel_access_create,
	.test_access_destroy = kernel_access_destroy,
	.test_access_replace = kernel_access_replace,
	.test_access_pin = kernel_access_pin,
	.test_access_unpin = kernel_access_unpin,
	.test_access_rw = kernel_access_rw,
	.viommu_caps = kernel_viommu_caps,
	.vevent_trigger = kernel_vevent_trigger,
	.vevent_read = kernel_fault_read,	/* read(2) either way */
	.test_replace = kernel_test_replace,
	.mmap = kernel_iommufd_mmap,
	.munmap = kernel_iommufd_munmap,
};

/* ---- The test facet: fail_nth only (kernel_fail_nth.h) ---- */

static int kernel_fail_nth(struct siovh_target *t, unsigned int nth,
			   unsigned int *left)
{
	return kfail_nth_arm(kernel_of(t)->fail_nth, nth, left);
}

/*
 * CONFIG_IOMMUFD_TEST (the mock probe answers) adds iommufd's own fault
 * points (iommufd_should_fail(): fail_iommufd), which fail-nth counts too:
 * an object lookup fails with -ENOENT, a page pin with -EFAULT, an
 * xarray store or a reserved-region read with -EINVAL (drivers/iommu/
 * iommufd/main.c, pages.c, io_pagetable.c, 6.12 and 7.x).
 */
static bool kernel_fail_nth_other(struct siovh_target *t, int err)
{
	if (kernel_of(t)->mock)
		return false;
	return err == -ENOENT || err == -EFAULT || err == -EINVAL;
}

static const struct siovh_test_ops kernel_test_ops = {
	.fail_nth = kernel_fail_nth,
	.fail_nth_other = kernel_fail_nth_other,
};

/* ---- Open, close, skip reasons ---- */

static const char *iommu_dev_path(void)
{
	const char *p = getenv("SIOVH_KERNEL_IOMMU_DEV");

	return p && *p ? p : KERNEL_IOMMU_DEV;
}

/* Open the iommufd facet; its absence is a skip reason, not an error. */
static void kernel_open_iommufd(struct siovh_target *t, struct kernel_target *k)
{
	const char *path = iommu_dev_path();

	k->mock = -ENODEV;
	k->iommufd = open(path, O_RDWR | O_CLOEXEC);
	if (k->iommufd < 0) {
		snprintf(k->iommufd_why, sizeof(k->iommufd_why),
			 "%s: %s (kernel without CONFIG_IOMMUFD, or no access)",
			 path, strerror(errno));
		return;
	}
	t->iommufd = &kernel_iommufd_ops;
	t->features |= SIOVH_FEAT_IOMMUFD;
	k->mock = kernel_mock_probe(k->iommufd);
}

static void kernel_close(struct siovh_target *t);

/*
 * device=BDF,vfio=PATH: the function as a VFIO device. It must be bound
 * to vfio-pci already (`siovh run` binds it, kernel_vfio_pci.h): a check's
 * target never binds or unbinds anything.
 */
static int kernel_open_pci_vfio(const struct siovh_target_spec *spec,
				struct siovh_target *t, struct kernel_target *k)
{
	char drv[64];
	int ret;

	ret = kvpci_driver_of(spec->arg, drv, sizeof(drv));
	if (!ret && strcmp(drv, KVPCI_DRIVER)) {
		fprintf(stderr, "siovh: target '%s': %s is bound to %s, not %s (siovh run binds it; --force if it has another driver)\n",
			spec->text, spec->arg, *drv ? drv : "no driver",
			KVPCI_DRIVER);
		return -ENODEV;
	}
	if (!ret)
		ret = kernel_mdev_open_pci(t, spec->arg, k->iommufd,
					   iommu_dev_path(),
					   !strcmp(spec->arg + SIOVH_KERNEL_ARG_VFIO,
						   "cdev"), &k->mdev);
	if (ret)
		fprintf(stderr, "siovh: target '%s': %s as a VFIO device: %s\n",
			spec->text, spec->arg, strerror(-ret));
	return ret;
}

static int kernel_open(const struct siovh_target_spec *spec,
		       struct siovh_target *t)
{
	struct kernel_target *k;
	int ret;

	if (spec->fault >= 0)
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	t->priv = k;
	t->features = 0;
	kernel_open_iommufd(t, k);
	k->fail_nth = kfail_nth_open(k->fail_nth_why, sizeof(k->fail_nth_why));
	if (k->fail_nth >= 0) {
		t->test = &kernel_test_ops;
		t->features |= SIOVH_FEAT_FAIL_NTH;
	}
	/* device=BDF (spec->arg, checked when the spec was parsed) */
	if (spec->arg[0]) {
		ret = kernel_pci_open(t, spec->arg, &k->pci);
		if (ret) {
			fprintf(stderr, "siovh: target '%s': %s/config: %s\n",
				spec->text, spec->arg, strerror(-ret));
			kernel_close(t);
			return ret;
		}
		if (spec->arg[SIOVH_KERNEL_ARG_VFIO] &&
		    !spec->arg[SIOVH_KERNEL_ARG_MDEV]) {
			ret = kernel_open_pci_vfio(spec, t, k);
			if (ret) {
				kernel_close(t);
				return ret;
			}
		}
	}
	/* mdev=PARENT (checked when the spec was parsed) */
	if (spec->arg[SIOVH_KERNEL_ARG_MDEV]) {
		ret = kernel_mdev_open(t, spec->arg + SIOVH_KERNEL_ARG_MDEV,
				       k->iommufd, iommu_dev_path(),
				       !strcmp(spec->arg + SIOVH_KERNEL_ARG_VFIO,
					       "cdev"), &k->mdev);
		if (ret) {
			fprintf(stderr, "siovh: target '%s': mdev=%s: %s\n",
				spec->text, spec->arg + SIOVH_KERNEL_ARG_MDEV,
				strerror(-ret));
			kernel_close(t);
			return ret;
		}
	}
	return 0;
}

static void kernel_close(struct siovh_target *t)
{
	struct kernel_target *k = kernel_of(t);

	if (!k)
		return;
	/* the mdevs first: their cdevs may be bound to the iommufd */
	kernel_mdev_close(k->mdev);
	if (k->iommufd >= 0)
		close(k->iommufd);
	if (k->fail_nth >= 0)
		close(k->fail_nth);
	kernel_pci_close(k->pci);
	free(k);
	t->priv = NULL;
}

static const char *kernel_lacks(const struct siovh_target *t, uint64_t feature)
{
	switch (feature) {
	case SIOVH_FEAT_IOASID:
	case SIOVH_FEAT_IOASID_THREADS:
		return "no uAPI: the IOASID core is in-kernel";
	case SIOVH_FEAT_TEST_IOASID:
		return "no uAPI: test-only introspection of the IOASID core, which is in-kernel";
	case SIOVH_FEAT_TEST_VDEV:
		return "test-only introspection of a VDEV's internals; the kernel exposes none";
	case SIOVH_FEAT_REF_ENGINE:
	case SIOVH_FEAT_PAGE_REQUEST:
		return "the reference SIOV endpoint's descriptor engine; no kernel device has it";
	case SIOVH_FEAT_IOMMUFD:
		return kernel_of(t)->iommufd_why;
	case SIOVH_FEAT_VFIO_DEVICE:
		return "the kernel backend drives no VFIO device (name an mdev parent: --target kernel:mdev=NAME, one of /sys/class/mdev_bus; or a PCI function for vfio-pci: --target kernel:device=BDF,vfio=cdev)";
	case SIOVH_FEAT_VDEV_MIGRATION:
		return kernel_of(t)->mdev ? "vfio-pci has no migration (a variant driver's); VFIO migration runs on VDEVs of an mdev parent (--target kernel:mdev=NAME)" : "VFIO migration runs on VDEVs of an mdev parent (--target kernel:mdev=NAME)";
	case SIOVH_FEAT_VDEV_DIRTY:
		return "the kernel backend does not drive VFIO DMA logging yet";
	case SIOVH_FEAT_FAIL_NTH:
		return kernel_of(t)->fail_nth_why;
	case SIOVH_FEAT_PCI_CONFIG:
		return "the kernel backend touches no PCI device (name one: --target kernel:device=DDDD:BB:DD.F)";
	case SIOVH_FEAT_PARENT_REPROBE:
		return "the kernel backend does not unbind and re-bind a parent's driver (its form: echo BDF > /sys/bus/pci/drivers/DRV/unbind, then bind, of a parent the user names)";
	}
	return NULL;
}

const struct siovh_backend siovh_kernel_backend = {
	.name = "kernel",
	.summary = "the running kernel's uAPI: /dev/iommu (iommufd, with the IOMMUFD_TEST mock device where built in); with device=BDF, that PCI function's config space through sysfs; with mdev=PARENT, that mdev parent's VDEVs (sysfs lifecycle, vfio group/container and cdev); with device=BDF,vfio=cdev|group, that function through vfio-pci (siovh run binds it; --force, --dry-run)",
	.faults = NULL,
	.open = kernel_open,
	.close = kernel_close,
	.lacks = kernel_lacks,
};
