// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.ABI: the extensibility rules every /dev/iommu ioctl follows
 * (linux/iommufd.h, "General ioctl format"): the leading size field, zeroed
 * trailing bytes, unknown flags and reserved fields, unknown ioctl numbers,
 * an argument pointer that points nowhere.
 */
#include <stddef.h>
#include <string.h>

#include "common.h"

#define OFFSETOFEND(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

/* Run cmd on a zeroed, 8-byte aligned buffer of size bytes. */
static int sized(struct siovh_check *check, unsigned long cmd, uint32_t size)
{
	uint64_t buf[16] = { 0 };

	memcpy(buf, &size, sizeof(size));
	return fd_ioctl(check, cmd, buf);
}

SIOVH_CLAUSE(abi_size_short,
	.id = "IOMMUFD.ABI.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "every IOAS ioctl and DESTROY with size below its struct's first version is -EINVAL",
	.source = SRC_ABI " (\"providing the size of the structure in the first u32\")",
	.needs = NEEDS_IOMMUFD)
{
	static const struct { unsigned long cmd; uint32_t min; } c[] = {
		{ IOMMU_DESTROY, OFFSETOFEND(struct iommu_destroy, id) },
		{ IOMMU_IOAS_ALLOC,
		  OFFSETOFEND(struct iommu_ioas_alloc, out_ioas_id) },
		{ IOMMU_IOAS_ALLOW_IOVAS,
		  OFFSETOFEND(struct iommu_ioas_allow_iovas, allowed_iovas) },
		{ IOMMU_IOAS_COPY, OFFSETOFEND(struct iommu_ioas_copy, src_iova) },
		{ IOMMU_IOAS_IOVA_RANGES,
		  OFFSETOFEND(struct iommu_ioas_iova_ranges,
			      out_iova_alignment) },
		{ IOMMU_IOAS_MAP, OFFSETOFEND(struct iommu_ioas_map, iova) },
		{ IOMMU_IOAS_UNMAP, OFFSETOFEND(struct iommu_ioas_unmap, length) },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		EXPECT_ERRNO(sized(check, c[i].cmd, 0), -EINVAL);
		EXPECT_ERRNO(sized(check, c[i].cmd, c[i].min - 4), -EINVAL);
	}
}

SIOVH_CLAUSE(abi_trailing,
	.id = "IOMMUFD.ABI.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a larger struct is accepted when its bytes past the known struct are zero, and is -E2BIG (doing nothing) when one is not",
	.source = SRC_ABI " (\"E2BIG: ... non-zero in a part the kernel does not understand\")",
	.needs = NEEDS_IOMMUFD)
{
	struct big_alloc {
		struct iommu_ioas_alloc a;
		uint32_t pad[5];
	} ba = { .a.size = sizeof(ba) };
	struct big_map {
		struct iommu_ioas_map m;
		uint64_t ext[2];
	} bm;
	void *buf = must_pages(check, 1);
	uint32_t id;
	uint64_t b;

	ASSERT_OK(fd_ioctl(check, IOMMU_IOAS_ALLOC, &ba));
	id = ba.a.out_ioas_id;
	EXPECT_NE(id, 0);
	ba.pad[4] = 1;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_ALLOC, &ba), -E2BIG);
	b = must_base(check, id);
	bm = (struct big_map) { .m = {
		.size = sizeof(bm), .flags = FIXED, .ioas_id = id,
		.user_va = (uintptr_t)buf, .length = PG, .iova = b,
	} };
	bm.ext[1] = 1ull << 40;
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_MAP, &bm), -E2BIG);
	EXPECT_EQ(unmap_all(check, id), 0);
	bm.ext[1] = 0;
	EXPECT_OK(fd_ioctl(check, IOMMU_IOAS_MAP, &bm));
	EXPECT_EQ(bm.m.iova, b);
	EXPECT_EQ(unmap_all(check, id), PG);
}

SIOVH_CLAUSE(abi_flags,
	.id = "IOMMUFD.ABI.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an unknown flag bit in IOAS_ALLOC, IOAS_MAP or IOAS_COPY is -EOPNOTSUPP and does nothing",
	.source = SRC_ABI " (\"EOPNOTSUPP: ... a known field has a value the kernel does not understand\")",
	.needs = NEEDS_IOMMUFD)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a), .flags = 1 };
	uint32_t id = must_ioas(check), d = must_ioas(check);
	uint64_t b = must_base(check, id), iova, dst;
	void *buf = must_pages(check, 1);

	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_ALLOC, &a), -EOPNOTSUPP);
	iova = b;
	EXPECT_ERRNO(ioas_map(check, id, FIXED | 1u << 3, buf, PG, &iova),
		     -EOPNOTSUPP);
	iova = b;
	EXPECT_ERRNO(ioas_map(check, id, FIXED | 1u << 31, buf, PG, &iova),
		     -EOPNOTSUPP);
	EXPECT_EQ(unmap_all(check, id), 0);
	iova = b;
	ASSERT_OK(ioas_map(check, id, FIXED, buf, PG, &iova));
	dst = b;
	EXPECT_ERRNO(ioas_copy(check, d, id, FIXED | 1u << 3, b, PG, &dst),
		     -EOPNOTSUPP);
	EXPECT_EQ(unmap_all(check, d), 0);
}

SIOVH_CLAUSE(abi_reserved,
	.id = "IOMMUFD.ABI.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a nonzero __reserved field of IOAS_MAP, IOAS_IOVA_RANGES or IOAS_ALLOW_IOVAS is -EOPNOTSUPP",
	.source = SRC_H("IOMMU_IOAS_MAP, IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_ALLOW_IOVAS (\"@__reserved: Must be 0\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b = must_base(check, id);
	void *buf = must_pages(check, 1);
	struct iommu_iova_range v[MAX_RANGES];
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = FIXED, .ioas_id = id,
		.__reserved = 1, .user_va = (uintptr_t)buf, .length = PG,
		.iova = b,
	};
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = id, .num_iovas = MAX_RANGES,
		.__reserved = 1, .allowed_iovas = (uintptr_t)v,
	};
	struct iommu_ioas_allow_iovas al = {
		.size = sizeof(al), .ioas_id = id, .__reserved = 1,
	};

	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_MAP, &m), -EOPNOTSUPP);
	EXPECT_EQ(unmap_all(check, id), 0);
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_IOVA_RANGES, &q), -EOPNOTSUPP);
	EXPECT_ERRNO(fd_ioctl(check, IOMMU_IOAS_ALLOW_IOVAS, &al), -EOPNOTSUPP);
}

SIOVH_CLAUSE(abi_unknown_ioctl,
	.id = "IOMMUFD.ABI.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an ioctl number /dev/iommu does not have is -ENOTTY",
	.source = SRC_ABI " (\"ENOTTY: The IOCTL number itself is not supported at all\")",
	.needs = NEEDS_IOMMUFD)
{
	static const unsigned long bad[] = {
		_IO(IOMMUFD_TYPE, 0x7f), _IO(IOMMUFD_TYPE, 0xff),
		_IO('x', IOMMUFD_CMD_IOAS_ALLOC),
		_IOWR(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC,
		      struct iommu_ioas_alloc),
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_ERRNO(sized(check, bad[i], 16), -ENOTTY);
}

SIOVH_CLAUSE(abi_null_arg,
	.id = "IOMMUFD.ABI.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "every ioctl /dev/iommu has, called with a NULL argument pointer, is -EFAULT and does nothing: the IOAS made before has nothing mapped and can be destroyed",
	.source = SRC_ABI " (\"Each ioctl is passed in a structure pointer as the argument\"); Linux drivers/iommu/iommufd/main.c, iommufd_fops_ioctl (6.12, 7.3: get_user() of the size field, -EFAULT)",
	.needs = NEEDS_IOMMUFD)
{
	static const unsigned long cmds[] = {
		IOMMU_DESTROY, IOMMU_IOAS_ALLOC, IOMMU_IOAS_ALLOW_IOVAS,
		IOMMU_IOAS_COPY, IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_MAP,
		IOMMU_IOAS_UNMAP, IOMMU_HWPT_ALLOC, IOMMU_GET_HW_INFO,
		IOMMU_HWPT_INVALIDATE, IOMMU_FAULT_QUEUE_ALLOC,
	};
	uint32_t id = must_ioas(check);
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int ret = fd_ioctl(check, cmds[i], NULL);

		if (ret != -EFAULT)
			FAIL("ioctl %#lx (nr %#lx) with a NULL argument: %d, expected -EFAULT (%d)",
			     cmds[i], (unsigned long)_IOC_NR(cmds[i]), ret,
			     -EFAULT);
	}
	EXPECT_EQ(unmap_all(check, id), 0);
	EXPECT_OK(obj_destroy(check, id));
}
