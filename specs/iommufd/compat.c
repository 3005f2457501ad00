// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.COMPAT 1-2: IOMMU_VFIO_IOAS, the choice of the one IOAS that the
 * VFIO type1 compatibility of a /dev/iommu works on (VFIO's ioctls carry no
 * IOAS ID). What the header leaves open is left open here: the errno of a
 * GET with no compatibility IOAS, and whether the choice holds the IOAS.
 */
#include "common.h"

#define SRC_VFIO_IOAS SRC_H("IOMMU_VFIO_IOAS (\"Set or Get the IOAS that VFIO compatibility will use\")")
#define SRC_ENOENT SRC_ABI " (\"ENOENT: An ID or IOVA provided does not exist\")"
#define SRC_EOPNOTSUPP SRC_ABI " (\"EOPNOTSUPP: ... a known field has a value the kernel does not understand\")"

/* IOMMU_VFIO_IOAS with op, ioas_id (SET) and __reserved; 0 or -errno. */
static int vfio_ioas(struct siovh_check *check, uint16_t op, uint32_t *id,
		     uint16_t reserved)
{
	struct iommu_vfio_ioas v = {
		.size = sizeof(v), .ioas_id = *id, .op = op,
		.__reserved = reserved,
	};
	int ret = fd_ioctl(check, IOMMU_VFIO_IOAS, &v);

	if (!ret && op == IOMMU_VFIO_IOAS_GET)
		*id = v.ioas_id;
	return ret;
}

/* GET: the compatibility IOAS's ID, or 0 when GET fails (there is none). */
static uint32_t compat_get(struct siovh_check *check)
{
	uint32_t id = 0;

	return vfio_ioas(check, IOMMU_VFIO_IOAS_GET, &id, 0) ? 0 : id;
}

static int compat_set(struct siovh_check *check, uint32_t id)
{
	return vfio_ioas(check, IOMMU_VFIO_IOAS_SET, &id, 0);
}

SIOVH_CLAUSE(compat_vfio_ioas,
	.id = "IOMMUFD.COMPAT.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_VFIO_IOAS: a new context has no compatibility IOAS (GET fails); SET of an IOAS makes GET return it, SET of another replaces it, CLEAR leaves none; SET of an ID that names no IOAS (never allocated, or another object's) is -ENOENT and keeps the choice; an unknown op or a nonzero __reserved is -EOPNOTSUPP",
	.source = SRC_VFIO_IOAS "; " SRC_ENOENT "; " SRC_EOPNOTSUPP,
	.needs = NEEDS_IOMMUFD)
{
	uint32_t a = must_ioas(check), b = must_ioas(check), id;
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };

	id = 0;
	EXPECT_LT(vfio_ioas(check, IOMMU_VFIO_IOAS_GET, &id, 0), 0);
	ASSERT_OK(compat_set(check, a));
	EXPECT_EQ(compat_get(check), a);
	EXPECT_OK(compat_set(check, b));
	EXPECT_EQ(compat_get(check), b);

	ASSERT_OK(fd_ioctl(check, IOMMU_FAULT_QUEUE_ALLOC, &fa));
	EXPECT_ERRNO(compat_set(check, fa.out_fault_id), -ENOENT);
	EXPECT_ERRNO(compat_set(check, UINT32_MAX), -ENOENT);
	EXPECT_ERRNO(compat_set(check, 0), -ENOENT);
	EXPECT_EQ(compat_get(check), b);

	id = a;
	EXPECT_ERRNO(vfio_ioas(check, IOMMU_VFIO_IOAS_CLEAR + 1, &id, 0),
		     -EOPNOTSUPP);
	EXPECT_ERRNO(vfio_ioas(check, IOMMU_VFIO_IOAS_SET, &id, 1),
		     -EOPNOTSUPP);
	EXPECT_EQ(compat_get(check), b);

	id = 0;
	EXPECT_OK(vfio_ioas(check, IOMMU_VFIO_IOAS_CLEAR, &id, 0));
	EXPECT_LT(vfio_ioas(check, IOMMU_VFIO_IOAS_GET, &id, 0), 0);
}

SIOVH_CLAUSE(compat_vfio_ioas_destroy,
	.id = "IOMMUFD.COMPAT.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "once the compatibility IOAS is destroyed (when DESTROY takes it; else after CLEAR), IOMMU_VFIO_IOAS GET no longer names it, also when a new IOAS takes its ID",
	.source = SRC_VFIO_IOAS "; " SRC_ENOENT,
	.needs = NEEDS_IOMMUFD)
{
	uint32_t a = must_ioas(check), id = 0;
	int ret;

	ASSERT_OK(compat_set(check, a));
	ret = obj_destroy(check, a);
	if (ret == -EBUSY) {
		/* the choice holds the IOAS: CLEAR must let it go */
		siovh_note(check, "DESTROY of the compatibility IOAS is -EBUSY; destroyed after CLEAR");
		ASSERT_OK(vfio_ioas(check, IOMMU_VFIO_IOAS_CLEAR, &id, 0));
		ret = obj_destroy(check, a);
	}
	ASSERT_OK(ret);
	EXPECT_LT(vfio_ioas(check, IOMMU_VFIO_IOAS_GET, &id, 0), 0);
	/* a new IOAS, which may reuse the ID, is not the compat one */
	must_ioas(check);
	id = 0;
	EXPECT_LT(vfio_ioas(check, IOMMU_VFIO_IOAS_GET, &id, 0), 0);
}
