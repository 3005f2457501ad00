// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.DEV 5-7: the error and edge paths of ATTACH/DETACH_IOMMUFD_PT
 * on a VDEV's cdev: malformed requests refused without a change, a device
 * out of PASID slots (the refused PASID gets nothing, a replace still
 * works), and an attach of the HWPT already attached (a no-op that takes
 * no second reference).
 */
#include <stddef.h>
#include <string.h>

#include "vsva.h"

#define SRC_ATTACH SRC_VFIO_H("VFIO_DEVICE_ATTACH_IOMMUFD_PT")
#define SRC_DETACH SRC_VFIO_H("VFIO_DEVICE_DETACH_IOMMUFD_PT")
#define SRC_GPASID SEED000 "\"Intel Scalable IOV & vSVA\" (guest PASID -> host PASID)"

/* The device ioctl with a request the caller filled. */
static int dev_raw(struct siovh_check *check, struct vd *d, unsigned long cmd,
		   void *arg)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->device_ioctl(t, d->v, cmd, arg);
}

SIOVH_CLAUSE(dev_attach_args,
	.id = "IOMMUFD.DEV.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "ATTACH/DETACH_IOMMUFD_PT with an unknown flag, an argsz short of the first version (pt_id, flags), or the PASID flag and an argsz short of pasid, is -EINVAL, as is an attach whose pt_id names a device; a NULL argument is -EFAULT; none of them changes what the device is attached to",
	.source = SRC_ATTACH "; " SRC_DETACH " (\"argsz\", \"flags\"); Linux drivers/vfio/device_cdev.c, vfio_df_ioctl_attach_pt, vfio_df_ioctl_detach_pt (6.12, 7.3: copy_from_user of the first version, then argsz)",
	.needs = NEEDS_VSVA)
{
	struct siovh_vfio_attach_pt a;
	struct siovh_vfio_detach_pt x;
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	a = (struct siovh_vfio_attach_pt) { .argsz = sizeof(a),
					    .flags = 1u << 1,
					    .pt_id = s.parent };
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a),
		     -EINVAL);
	a.flags = VFIO_DEVICE_ATTACH_PASID | 1u << 1;
	a.pasid = 5;
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a),
		     -EINVAL);
	a.flags = VFIO_DEVICE_ATTACH_PASID;
	a.argsz = offsetof(struct siovh_vfio_attach_pt, pasid);
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a),
		     -EINVAL);
	EXPECT_ERRNO(dev_attach(check, &s.d, false, 0, s.dev_id), -EINVAL);
	a = (struct siovh_vfio_attach_pt) {
		.argsz = offsetof(struct siovh_vfio_attach_pt, pt_id),
		.pt_id = s.parent };
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a),
		     -EINVAL);
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, NULL),
		     -EFAULT);
	x = (struct siovh_vfio_detach_pt) { .argsz = sizeof(x),
					    .flags = 1u << 1 };
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &x),
		     -EINVAL);
	x.flags = VFIO_DEVICE_DETACH_PASID;
	x.argsz = offsetof(struct siovh_vfio_detach_pt, pasid);
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &x),
		     -EINVAL);
	x = (struct siovh_vfio_detach_pt) {
		.argsz = offsetof(struct siovh_vfio_detach_pt, flags) };
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &x),
		     -EINVAL);
	EXPECT_ERRNO(dev_raw(check, &s.d, VFIO_DEVICE_DETACH_IOMMUFD_PT, NULL),
		     -EFAULT);
	/* the default PASID still translates by the parent, PASID 5 is
	 * attached nowhere */
	EXPECT_EQ(vs_copy(check, &s, false, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_ERRNO(dev_detach(check, &s.d, true, 5), -ENOENT);
	drain_faults(check);
}

#define SLOT_PROBE 64	/* PASIDs tried before giving up on a limit */

SIOVH_CLAUSE(dev_pasid_slots_full,
	.id = "IOMMUFD.DEV.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a device that cannot back another guest PASID refuses its attach with -ENOSPC and attaches nothing; a replace of a PASID it holds still succeeds, and a detach makes room for the refused one",
	.source = SRC_ATTACH " (PASID); " SRC_GPASID,
	.needs = NEEDS_VSVA)
{
	uint32_t p, n = 0;
	int ret = 0;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	for (p = 1; p <= SLOT_PROBE; p++) {
		ret = dev_attach(check, &s.d, true, p, s.nested);
		if (ret)
			break;
		n++;
	}
	if (!ret)
		SKIP("%u guest PASIDs attached without reaching a limit",
		     SLOT_PROBE);
	ASSERT_GE(n, 1);
	EXPECT_ERRNO(ret, -ENOSPC);
	/* the refused PASID holds nothing */
	EXPECT_ERRNO(dev_detach(check, &s.d, true, p), -ENOENT);
	/* replacing an attached PASID needs no new slot */
	EXPECT_OK(dev_attach(check, &s.d, true, 1, s.parent));
	EXPECT_OK(dev_attach(check, &s.d, true, n, s.parent));
	/* the default PASID is no slot of the guest's */
	EXPECT_EQ(vs_copy(check, &s, true, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	ASSERT_OK(dev_detach(check, &s.d, true, 1));
	EXPECT_OK(dev_attach(check, &s.d, true, p, s.nested));
	EXPECT_ERRNO(dev_attach(check, &s.d, true, p + 1, s.nested),
		     -ENOSPC);
}

SIOVH_CLAUSE(dev_reattach_same,
	.id = "IOMMUFD.DEV.7", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "an attach of the HWPT a PASID is already attached to succeeds and changes nothing: DMA still translates, and one detach leaves the HWPT unused (DESTROY succeeds)",
	.source = SRC_ATTACH " (\"replace\"); " SRC_H("IOMMU_DESTROY"),
	.needs = NEEDS_VSVA)
{
	struct iommu_hwpt_vtd_s1 s1 = vs_s1();
	uint32_t nested;
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	ASSERT_OK(hwpt_nested(check, s.dev_id, s.parent, &s1, sizeof(s1), 0,
			      0, &nested));
	ASSERT_OK(dev_attach(check, &s.d, true, 5, nested));
	EXPECT_OK(dev_attach(check, &s.d, true, 5, nested));
	EXPECT_OK(dev_attach(check, &s.d, false, 0, s.parent));
	EXPECT_EQ(vs_copy(check, &s, false, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_ERRNO(obj_destroy(check, nested), -EBUSY);
	ASSERT_OK(dev_detach(check, &s.d, true, 5));
	EXPECT_OK(obj_destroy(check, nested));
	/* the default PASID's HWPT likewise: one detach leaves it unused */
	ASSERT_OK(dev_detach(check, &s.d, false, 0));
	EXPECT_OK(obj_destroy(check, s.parent));
}
