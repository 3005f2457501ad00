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
#include <sys/ioctl.h>

#include <linux/iommufd.h>

#include "harness/backends/kernel_mock.h"

/* _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32): the selftest's ioctl. */
#define KMOCK_CMD		_IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)
#define KMOCK_OP_NEW_DEVICE	2	/* create, bind, attach to id */
#define KMOCK_OP_ACCESS_NEW	5	/* an access on IOAS id: its fd */
#define KMOCK_OP_ACCESS_UNPIN	6	/* access fd id: drop pin n */
#define KMOCK_OP_ACCESS_PIN	7	/* access fd id: pin a range */
#define KMOCK_OP_ACCESS_RW	8	/* access fd id: copy a range */
#define KMOCK_OP_ACCESS_REPLACE	11	/* access fd id: onto another IOAS */
#define KMOCK_ACCESS_WRITE	1u	/* ACCESS_PIN, ACCESS_RW */
#define KMOCK_ACCESS_SLOW	4u	/* ACCESS_RW: as from another mm */
#define KMOCK_OP_DIRTY		13	/* mark pages of mock HWPT id dirty */
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
	struct kmock_cmd c = {
		.size = sizeof(c), .op = KMOCK_OP_NEW_DEVICE, .id = pt_id,
	};

	if (ioctl(iommufd, KMOCK_CMD, &c))
		return -errno;
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
