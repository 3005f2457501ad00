// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.OPT 1-3: IOMMU_OPTION, the uAPI's option multiplexer: the
 * global RLIMIT_MODE and the per-IOAS HUGE_PAGES, read with OP_GET and
 * set with OP_SET (linux/iommufd.h, enum iommufd_option, struct
 * iommu_option). No device is needed: the clauses run on any /dev/iommu.
 */
#include "common.h"

#define SRC_OPTION SRC_H("struct iommu_option")
#define SRC_RLIMIT SRC_H("IOMMU_OPTION_RLIMIT_MODE")
#define SRC_HUGE SRC_H("IOMMU_OPTION_HUGE_PAGES")
#define GET IOMMU_OPTION_OP_GET
#define SET IOMMU_OPTION_OP_SET

/* OP_GET of option id on obj, expected to succeed. */
static uint64_t get(struct siovh_check *check, uint32_t id, uint32_t obj)
{
	uint64_t v = 0xee;

	EXPECT_OK(iommu_option(check, id, GET, obj, 0, &v));
	return v;
}

static int set(struct siovh_check *check, uint32_t id, uint32_t obj,
	       uint64_t val)
{
	return iommu_option(check, id, SET, obj, 0, &val);
}

SIOVH_CLAUSE(option_rlimit,
	.id = "IOMMUFD.OPT.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "RLIMIT_MODE is global: GET on a fresh /dev/iommu returns 0 (user-based accounting, the default) and a nonzero object_id is -EOPNOTSUPP; a privileged SET of 1 before any object exists makes GET return 1, SET 0 returns it to 0, and a val64 above 1 is -EINVAL and changes nothing",
	.source = SRC_RLIMIT " (\"Value 0 (default)\", \"Global option, object_id must be 0\"); " SRC_OPTION "; " SRC_ABI,
	.needs = NEEDS_IOMMUFD)
{
	uint64_t v = 0;
	int ret;

	EXPECT_EQ(get(check, IOMMU_OPTION_RLIMIT_MODE, 0), 0);
	EXPECT_ERRNO(iommu_option(check, IOMMU_OPTION_RLIMIT_MODE, GET, 1, 0, &v),
		     -EOPNOTSUPP);
	ret = set(check, IOMMU_OPTION_RLIMIT_MODE, 0, 1);
	if (ret == -EPERM) {
		siovh_note(check, "SET is -EPERM: the caller lacks the privilege the header asks for, so the SET steps were left out");
		return;
	}
	EXPECT_OK(ret);
	EXPECT_EQ(get(check, IOMMU_OPTION_RLIMIT_MODE, 0), 1);
	EXPECT_ERRNO(set(check, IOMMU_OPTION_RLIMIT_MODE, 0, 2), -EINVAL);
	EXPECT_EQ(get(check, IOMMU_OPTION_RLIMIT_MODE, 0), 1);
	EXPECT_OK(set(check, IOMMU_OPTION_RLIMIT_MODE, 0, 0));
	EXPECT_EQ(get(check, IOMMU_OPTION_RLIMIT_MODE, 0), 0);
}

SIOVH_CLAUSE(option_huge_pages,
	.id = "IOMMUFD.OPT.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "HUGE_PAGES is per IOAS: GET on a new IOAS returns 1 (the default); SET 0 on one IOAS makes its GET return 0 and leaves another IOAS at 1, SET 1 restores it; a val64 above 1 is -EINVAL and changes nothing; an object_id naming no IOAS is -ENOENT",
	.source = SRC_HUGE " (\"Value 1 (default)\", \"per-IOAS option, the object_id must be the IOAS ID\"); " SRC_OPTION "; " SRC_ABI " (\"ENOENT\")",
	.needs = NEEDS_IOMMUFD)
{
	uint32_t a = must_ioas(check), b = must_ioas(check);
	uint64_t v = 0;

	EXPECT_EQ(get(check, IOMMU_OPTION_HUGE_PAGES, a), 1);
	EXPECT_EQ(get(check, IOMMU_OPTION_HUGE_PAGES, b), 1);
	EXPECT_OK(set(check, IOMMU_OPTION_HUGE_PAGES, b, 0));
	EXPECT_EQ(get(check, IOMMU_OPTION_HUGE_PAGES, b), 0);
	EXPECT_EQ(get(check, IOMMU_OPTION_HUGE_PAGES, a), 1);
	EXPECT_ERRNO(set(check, IOMMU_OPTION_HUGE_PAGES, b, 2), -EINVAL);
	EXPECT_EQ(get(check, IOMMU_OPTION_HUGE_PAGES, b), 0);
	EXPECT_OK(set(check, IOMMU_OPTION_HUGE_PAGES, b, 1));
	EXPECT_EQ(get(check, IOMMU_OPTION_HUGE_PAGES, b), 1);
	EXPECT_ERRNO(iommu_option(check, IOMMU_OPTION_HUGE_PAGES, GET, 0x7fff,
				  0, &v), -ENOENT);
	EXPECT_ERRNO(iommu_option(check, IOMMU_OPTION_HUGE_PAGES, GET, 0, 0, &v),
		     -ENOENT);
}

SIOVH_CLAUSE(option_refused,
	.id = "IOMMUFD.OPT.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_OPTION with a nonzero __reserved, an unknown option_id, or an op that is neither SET nor GET is -EOPNOTSUPP, for either option, and changes nothing",
	.source = SRC_OPTION " (\"@__reserved: Must be 0\", \"@op: One of enum iommufd_option_ops\"); " SRC_ABI " (\"EOPNOTSUPP\")",
	.needs = NEEDS_IOMMUFD)
{
	uint32_t a = must_ioas(check);
	uint64_t v;

	v = 0;
	EXPECT_ERRNO(iommu_option(check, IOMMU_OPTION_HUGE_PAGES, SET, a, 1, &v),
		     -EOPNOTSUPP);
	EXPECT_ERRNO(iommu_option(check, IOMMU_OPTION_HUGE_PAGES, 2, a, 0, &v),
		     -EOPNOTSUPP);
	EXPECT_EQ(get(check, IOMMU_OPTION_HUGE_PAGES, a), 1);
	v = 1;
	EXPECT_ERRNO(iommu_option(check, IOMMU_OPTION_RLIMIT_MODE, 2, 0, 0, &v),
		     -EOPNOTSUPP);
	EXPECT_ERRNO(iommu_option(check, IOMMU_OPTION_RLIMIT_MODE, GET, 0, 1, &v),
		     -EOPNOTSUPP);
	EXPECT_EQ(get(check, IOMMU_OPTION_RLIMIT_MODE, 0), 0);
	EXPECT_ERRNO(iommu_option(check, 0x7fff, GET, a, 0, &v), -EOPNOTSUPP);
}
