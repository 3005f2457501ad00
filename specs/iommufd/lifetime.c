// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.LIFE 1-2 and IOMMUFD.ABI.6: object lifetime (destroy of an
 * object in use fails, teardown in dependency order works) and the size
 * rules on the vSVA ioctls.
 */
#include <string.h>
#include <unistd.h>

#include "vsva.h"

#define SRC_DESTROY SRC_H("IOMMU_DESTROY")

SIOVH_CLAUSE(life_busy,
	.id = "IOMMUFD.LIFE.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_DESTROY of an object in use is -EBUSY: an IOAS with a HWPT, a parent with a nested child, an attached HWPT, a fault queue a HWPT refers to, a bound device",
	.source = SRC_DESTROY "; " SEED003 "\"IOMMU FD\"",
	.needs = NEEDS_VSVA)
{
	struct iommu_fault_alloc f = { .size = sizeof(f) };
	struct vs s;

	vs_up(check, &s);
	ASSERT_OK(fd_ioctl(check, IOMMU_FAULT_QUEUE_ALLOC, &f));
	vs_nested(check, &s, f.out_fault_id);
	EXPECT_ERRNO(obj_destroy(check, s.ioas), -EBUSY);
	EXPECT_ERRNO(obj_destroy(check, s.parent), -EBUSY);
	EXPECT_ERRNO(obj_destroy(check, s.nested), -EBUSY);
	EXPECT_ERRNO(obj_destroy(check, f.out_fault_id), -EBUSY);
	EXPECT_ERRNO(obj_destroy(check, s.dev_id), -EBUSY);
}

SIOVH_CLAUSE(life_order,
	.id = "IOMMUFD.LIFE.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "detached, the objects go in dependency order (nested HWPT, parent, fault queue with its fd closed, IOAS), each ID then unknown (-ENOENT)",
	.source = SRC_DESTROY,
	.needs = NEEDS_VSVA)
{
	struct iommu_fault_alloc f = { .size = sizeof(f) };
	uint32_t ids[4];
	struct vs s;
	int i;

	vs_up(check, &s);
	ASSERT_OK(fd_ioctl(check, IOMMU_FAULT_QUEUE_ALLOC, &f));
	vs_nested(check, &s, f.out_fault_id);
	ASSERT_OK(dev_detach(check, &s.d, false, 0));
	close((int)f.out_fault_fd);	/* its fd holds the queue too */
	ids[0] = s.nested;
	ids[1] = s.parent;
	ids[2] = f.out_fault_id;
	ids[3] = s.ioas;
	for (i = 0; i < 4; i++) {
		EXPECT_OK(obj_destroy(check, ids[i]));
		EXPECT_ERRNO(obj_destroy(check, ids[i]), -ENOENT);
	}
}

SIOVH_CLAUSE(abi_vsva_sizes,
	.id = "IOMMUFD.ABI.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "HWPT_ALLOC, GET_HW_INFO, HWPT_INVALIDATE and FAULT_QUEUE_ALLOC: a size below the first version is -EINVAL, nonzero bytes past the struct -E2BIG",
	.source = SRC_ABI,
	.needs = NEEDS_IOMMUFD)
{
	static const struct { unsigned long cmd; uint32_t size, min; } c[] = {
		{ IOMMU_HWPT_ALLOC, sizeof(struct iommu_hwpt_alloc), 24 },
		{ IOMMU_GET_HW_INFO, sizeof(struct iommu_hw_info), 32 },
		{ IOMMU_HWPT_INVALIDATE, sizeof(struct iommu_hwpt_invalidate),
		  32 },
		{ IOMMU_FAULT_QUEUE_ALLOC, sizeof(struct iommu_fault_alloc),
		  16 },
	};
	uint8_t buf[128];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(buf, 0, sizeof(buf));
		*(uint32_t *)buf = c[i].min - 4;
		if (fd_ioctl(check, c[i].cmd, buf) != -EINVAL)
			FAIL("ioctl 0x%lx with size %u: expected -EINVAL",
			     c[i].cmd, c[i].min - 4);
		memset(buf, 0, sizeof(buf));
		*(uint32_t *)buf = c[i].size + 8;
		buf[c[i].size + 3] = 1;
		if (fd_ioctl(check, c[i].cmd, buf) != -E2BIG)
			FAIL("ioctl 0x%lx with a nonzero byte past the struct: expected -E2BIG",
			     c[i].cmd);
	}
}
