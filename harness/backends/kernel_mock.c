/* SPDX-License-Identifier: MIT */
/*
 * The IOMMUFD_TEST mock device: see kernel_mock.h.
 *
 * IOMMU_TEST_CMD takes one struct: a size, an operation number, an object
 * ID the operation acts on, a reserved word, then a union of per-operation
 * arguments, then a trailing word the kernel uses as the end of the
 * smallest struct it accepts. Only the operation creating a mock device
 * (number 2: bind it to this iommufd, attach it to the ID given) is used
 * here; its union member returns the test object, the attached HWPT and
 * the device object IDs, in that order. The access operations (5-8, 11)
 * name their access by the fd operation 5 returned, in `id`. The union is sized for the
 * largest member of the kernels we build (six 64-bit words after a
 * 32-bit one), so that `size` matches theirs; the kernel rejects a size
 * below its struct and nonzero bytes past it.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/iommufd.h>

#include "harness/backends/kernel_mock.h"
#include <siovh/iommufd_viommu.h>
#include <siovh/target.h>

/* _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32): the selftest's ioctl. */
#define KMOCK_CMD		_IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)
#define KMOCK_OP_NEW_DEVICE	2	/* create, bind, attach to id */
#define KMOCK_OP_ACCESS_NEW	5	/* an access on IOAS id: its fd */
#define KMOCK_OP_ACCESS_UNPIN	6	/* access fd id: drop pin n */
#define KMOCK_OP_ACCESS_PIN	7	/* access fd id: pin a range */
#define KMOCK_OP_ACCESS_RW	8	/* access fd id: copy a range */
#define KMOCK_OP_REPLACE	10	/* move test object id to pt_id */
#define KMOCK_OP_ACCESS_REPLACE	11	/* access fd id: onto another IOAS */
#define KMOCK_OP_DIRTY		13	/* mark pages of mock HWPT id dirty */
#define KMOCK_OP_TRIGGER_VEVENT	17	/* its vIOMMU reports an event */
#define KMOCK_ACCESS_WRITE	1u	/* ACCESS_PIN, ACCESS_RW */
#define KMOCK_ACCESS_SLOW	4u	/* ACCESS_RW: as from another mm */
#define KMOCK_IO_PAGE		2048u	/* the mock domain's page: PAGE_SIZE / 2 */

struct kmock_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;			/* the IOAS or HWPT to attach to */
	uint32_t reserved;
	union {
		struct {
			uint32_t out_test_obj;	/* destroys the device */
			uint32_t out_hwpt;
			uint32_t out_dev;	/* the iommufd device object */
		} new_device;
		struct {
			uint32_t out_fd;
			uint32_t flags;
		} access_new;
		uint32_t access_unpin;	/* the pin's ID */
		struct {
			uint32_t flags;
			uint32_t out_id;
			uint64_t iova;
			uint64_t length;
			uint64_t uptr;	/* the user's view: checked */
		} access_pin;
		struct {
			uint64_t iova;
			uint64_t length;
			uint64_t uptr;
			uint32_t flags;
		} access_rw;
		uint32_t access_replace;	/* the IOAS */
		struct {
			uint32_t flags;
			uint32_t pad;
			uint64_t iova;
			uint64_t length;
			uint64_t page_size;
			uint64_t uptr;		/* bit i: mark page i */
			uint64_t out_nr_dirty;
		} dirty;
		struct {
			uint32_t pt_id;
		} replace;
		struct {
			uint32_t dev_id;
		} trigger_vevent;
		uint64_t pad[6];
	};
	uint32_t last;
} __attribute__((aligned(8)));

int kernel_mock_probe(int iommufd)
{
	struct kmock_cmd c = { .size = sizeof(c), .op = 0 };

	/* Operation 0 is none: -EOPNOTSUPP proves the ioctl exists. */
	if (ioctl(iommufd, KMOCK_CMD, &c) == 0)
		return -EPROTO;		/* not the selftest ioctl we know */
	return errno == EOPNOTSUPP ? 0 : -errno;
}

int kernel_mock_attach(int iommufd, uint32_t pt_id, uint32_t *dev_id,
		       uint32_t *hwpt_id)
{
	return kernel_mock_new(iommufd, pt_id, NULL, dev_id, hwpt_id);
}

int kernel_mock_new(int iommufd, uint32_t pt_id, uint32_t *test_obj,
		    uint32_t *dev_id, uint32_t *hwpt_id)
{
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_NEW_DEVICE, .id = pt_id,
	};

	if (ioctl(iommufd, KMOCK_CMD, &c))
		return -errno;
	if (test_obj)
		*test_obj = c.new_device.out_test_obj;
	if (dev_id)
		*dev_id = c.new_device.out_dev;
	if (hwpt_id)
		*hwpt_id = c.new_device.out_hwpt;
	return 0;
}

int kernel_mock_dirty(int iommufd, uint32_t hwpt_id, uint64_t iova)
{
	uint64_t first = 1;		/* the range's one page */
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_DIRTY, .id = hwpt_id,
		.dirty = { .iova = iova, .length = KMOCK_IO_PAGE,
			   .page_size = KMOCK_IO_PAGE,
			   .uptr = (uintptr_t)&first },
	};

	if (ioctl(iommufd, KMOCK_CMD, &c))
		return -errno;
	return c.dirty.out_nr_dirty ? 0 : -ENOENT;
}

int kernel_mock_access_new(int iommufd, uint32_t ioas_id, uint32_t flags,
			   int *fd)
{
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_ACCESS_NEW, .id = ioas_id,
		.access_new.flags = flags,
	};

	if (ioctl(iommufd, KMOCK_CMD, &c))
		return -errno;
	*fd = (int)c.access_new.out_fd;
	return 0;
}

int kernel_mock_access_replace(int iommufd, int fd, uint32_t ioas_id)
{
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_ACCESS_REPLACE,
		.id = (uint32_t)fd, .access_replace = ioas_id,
	};

	return ioctl(iommufd, KMOCK_CMD, &c) ? -errno : 0;
}

int kernel_mock_access_pin(int iommufd, int fd, uint64_t iova,
			   uint64_t length, bool write, const void *uptr,
			   uint32_t *pin_id)
{
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_ACCESS_PIN, .id = (uint32_t)fd,
		.access_pin = { .flags = write ? KMOCK_ACCESS_WRITE : 0,
				.iova = iova, .length = length,
				.uptr = (uintptr_t)uptr },
	};

	if (ioctl(iommufd, KMOCK_CMD, &c))
		return -errno;
	*pin_id = c.access_pin.out_id;
	return 0;
}

int kernel_mock_access_unpin(int iommufd, int fd, uint32_t pin_id)
{
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_ACCESS_UNPIN,
		.id = (uint32_t)fd, .access_unpin = pin_id,
	};

	return ioctl(iommufd, KMOCK_CMD, &c) ? -errno : 0;
}

int kernel_mock_access_rw(int iommufd, int fd, uint64_t iova, void *buf,
			  uint64_t len, bool write, bool slow)
{
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_ACCESS_RW, .id = (uint32_t)fd,
		.access_rw = { .iova = iova, .length = len,
			       .uptr = (uintptr_t)buf,
			       .flags = (write ? KMOCK_ACCESS_WRITE : 0) |
					(slow ? KMOCK_ACCESS_SLOW : 0) },
	};

	return ioctl(iommufd, KMOCK_CMD, &c) ? -errno : 0;
}
int kernel_mock_replace(int iommufd, uint32_t test_obj, uint32_t pt_id)
{
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_REPLACE, .id = test_obj,
		.replace = { .pt_id = pt_id },
	};

	return ioctl(iommufd, KMOCK_CMD, &c) ? -errno : 0;
}

int kernel_mock_trigger_vevent(int iommufd, uint32_t dev_id)
{
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_TRIGGER_VEVENT,
		.trigger_vevent = { .dev_id = dev_id },
	};

	return ioctl(iommufd, KMOCK_CMD, &c) ? -errno : 0;
}

/*
 * The selftest's vIOMMU numbers (drivers/iommu/iommufd/iommufd_test.h, 7.x):
 * IOMMU_VIOMMU_TYPE_SELFTEST, IOMMU_HWPT_DATA_SELFTEST with struct
 * iommu_hwpt_selftest { iotlb, pagetable_type } (iotlb
 * IOMMU_TEST_IOTLB_DEFAULT), IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST with
 * struct iommu_viommu_invalidate_selftest { flags, vdev_id, cache_id },
 * IOMMU_VEVENTQ_TYPE_SELFTEST with struct iommu_viommu_event_selftest
 * { virt_id }, IOMMU_HW_QUEUE_TYPE_SELFTEST with IOMMU_TEST_HW_QUEUE_MAX
 * queues.
 */
#define KMOCK_VIOMMU_TYPE	0xdeadbeefu
#define KMOCK_HWPT_DATA		0xdeadu
#define KMOCK_IOTLB_DEFAULT	0xbadbeefu
#define KMOCK_VIOMMU_INV_DATA	0xdeadbeefu
#define KMOCK_VEVENTQ_TYPE	0xbeefbeefu
#define KMOCK_HW_QUEUE_TYPE	0xdeadbeefu	/* IOMMU_HW_QUEUE_TYPE_SELFTEST */
#define KMOCK_HW_QUEUES		2u		/* IOMMU_TEST_HW_QUEUE_MAX */

int kernel_mock_viommu_caps(int iommufd, struct siovh_viommu_caps *caps)
{
	struct siovh_viommu_alloc probe = { .size = sizeof(probe), .flags = 1 };
	const uint32_t nested[2] = { KMOCK_IOTLB_DEFAULT, 0 };
	const uint32_t inv[3] = { 0, 0, 0 };
	/* struct iommu_viommu_selftest: in_data, out_data, out_mmap_offset,
	 * out_mmap_length; with it the mock maps two pages */
	const uint32_t mmio[6] = { 0x5a5a0001, 0, 0, 0, 0, 0 };

	/* flags 1 is refused by a kernel that has the ioctl, before anything */
	if (ioctl(iommufd, SIOVH_IOMMU_VIOMMU_ALLOC, &probe) == 0)
		return -EPROTO;
	if (errno != EOPNOTSUPP)
		return -errno;
	memset(caps, 0, sizeof(*caps));
	caps->viommu_type = KMOCK_VIOMMU_TYPE;
	caps->nested_type = KMOCK_HWPT_DATA;
	caps->nested_len = sizeof(nested);
	memcpy(caps->nested, nested, sizeof(nested));
	caps->inv_type = KMOCK_VIOMMU_INV_DATA;
	caps->inv_len = sizeof(inv);
	caps->inv_virt_id_off = sizeof(uint32_t);
	memcpy(caps->inv, inv, sizeof(inv));
	caps->veventq_type = KMOCK_VEVENTQ_TYPE;
	caps->vevent_len = sizeof(uint32_t);
	caps->hw_queue_type = KMOCK_HW_QUEUE_TYPE;
	caps->hw_queues = KMOCK_HW_QUEUES;
	caps->mmio_data_len = sizeof(mmio);
	memcpy(caps->mmio_data, mmio, sizeof(mmio));
	caps->mmio_offset_off = 8;	/* out_mmap_offset */
	caps->mmio_length_off = 16;	/* out_mmap_length */
	return 0;
}
