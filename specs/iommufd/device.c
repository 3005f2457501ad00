// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.DEV 1-4, 8 and VSVA.BIND 4-5: device objects on a VDEV's cdev
 * (VFIO_DEVICE_BIND_IOMMUFD, ATTACH/DETACH_IOMMUFD_PT, PASID attach of a
 * guest PASID, which the VDCM backs with a host PASID).
 */
#include <stddef.h>
#include <string.h>

#include "vsva.h"

#define SRC_ATTACH SRC_VFIO_H("VFIO_DEVICE_ATTACH_IOMMUFD_PT")
#define SRC_DETACH SRC_VFIO_H("VFIO_DEVICE_DETACH_IOMMUFD_PT")
#define SRC_BIND SRC_VSVA("Bind Guest PASID Table")
#define SRC_GPASID SEED000 "\"Intel Scalable IOV & vSVA\" (guest PASID -> host PASID)"

SIOVH_CLAUSE(dev_bind_once,
	.id = "IOMMUFD.DEV.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "BIND_IOMMUFD gives the device a nonzero dev_id; a second bind of the bound device is -EINVAL; flags, a negative iommufd or an argsz short of out_devid are -EINVAL, a NULL argument -EFAULT",
	.source = SRC_VFIO_H("VFIO_DEVICE_BIND_IOMMUFD") "; Linux drivers/vfio/device_cdev.c, vfio_df_ioctl_bind_iommufd (6.12, 7.3: copy_from_user, then argsz, flags, iommufd)",
	.needs = NEEDS_VSVA)
{
	struct siovh_target *t = siovh_check_target(check);
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = 3 };
	struct vs s;

	vs_up(check, &s);
	EXPECT_NE(s.dev_id, 0);
	EXPECT_ERRNO(dev_bind(check, &s.d, NULL), -EINVAL);
	b.flags = 1;
	EXPECT_ERRNO(t->iommufd->device_ioctl(t, s.d.v,
					      VFIO_DEVICE_BIND_IOMMUFD, &b),
		     -EINVAL);
	b.flags = 0;
	b.iommufd = -1;
	EXPECT_ERRNO(t->iommufd->device_ioctl(t, s.d.v,
					      VFIO_DEVICE_BIND_IOMMUFD, &b),
		     -EINVAL);
	b.iommufd = 3;
	b.argsz = offsetof(struct vfio_device_bind_iommufd, out_devid);
	EXPECT_ERRNO(t->iommufd->device_ioctl(t, s.d.v,
					      VFIO_DEVICE_BIND_IOMMUFD, &b),
		     -EINVAL);
	EXPECT_ERRNO(t->iommufd->device_ioctl(t, s.d.v,
					      VFIO_DEVICE_BIND_IOMMUFD, NULL),
		     -EFAULT);
}

SIOVH_CLAUSE(dev_replace_atomic,
	.id = "IOMMUFD.DEV.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "attach of an attached device replaces its HWPT; a replace that fails (no such pt_id) leaves the old attachment translating",
	.source = SRC_ATTACH " (\"replace\")",
	.needs = NEEDS_VSVA)
{
	uint32_t other_ioas, other;
	uint64_t iova = VS_GPA;
	uint8_t *alt;
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	EXPECT_ERRNO(dev_attach(check, &s.d, false, 0, 0x7fff), -ENOENT);
	EXPECT_EQ(vs_copy(check, &s, false, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	/* a second IOAS where the same GPAs are other pages */
	other_ioas = must_ioas(check);
	alt = must_pages(check, VS_PAGES);
	memset(alt + 4 * PG, 0x77, 256);
	ASSERT_OK(ioas_map(check, other_ioas, FIXED, alt, VS_PAGES * PG,
			   &iova));
	ASSERT_OK(hwpt_paging(check, s.dev_id, other_ioas, 0, &other));
	ASSERT_OK(dev_attach(check, &s.d, false, 0, other));
	vs_copy(check, &s, false, 0, 1, 2, 0);	/* its record lands in alt */
	EXPECT_EQ(alt[6 * PG], SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(alt[5 * PG], 0x77);	/* data page 1 of the other IOAS */
	EXPECT_EQ(vs_page(&s, 1)[0], 0);
}

SIOVH_CLAUSE(dev_detach_faults,
	.id = "IOMMUFD.DEV.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "after DETACH_IOMMUFD_PT the device's DMA faults; a detach of a device attached nowhere is an error",
	.source = SRC_DETACH,
	.needs = NEEDS_VSVA)
{
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	ASSERT_OK(dev_detach(check, &s.d, false, 0));
	EXPECT_NE(vs_copy(check, &s, false, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_NE(dev_detach(check, &s.d, false, 0), 0);
	drain_faults(check);
}

SIOVH_CLAUSE(dev_release_unbinds,
	.id = "IOMMUFD.DEV.4", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "the close (release) of a bound VDEV unbinds it: its HWPT is no longer in use, and the reopened VDEV binds again",
	.source = SRC_VFIO_H("VFIO_DEVICE_BIND_IOMMUFD (\"until the device fd is closed\")"),
	.needs = NEEDS_VSVA)
{
	struct siovh_target *t = siovh_check_target(check);
	struct vs s;

	vs_up(check, &s);
	vs_paging(check, &s);
	ASSERT_OK(t->vfio_device->release(t, s.d.v));
	s.d.open = false;
	EXPECT_OK(obj_destroy(check, s.parent));
	vd_open(check, &s.d, true);
	EXPECT_OK(dev_bind(check, &s.d, NULL));
}

SIOVH_CLAUSE(bind_gpasid_lifecycle,
	.id = "VSVA.BIND.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a guest PASID can be attached, detached and attached again to a nested HWPT, any number of times",
	.source = SRC_GPASID "; " SRC_ATTACH " (PASID)",
	.needs = NEEDS_VSVA)
{
	int i;
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	for (i = 0; i < 3; i++) {
		ASSERT_OK(dev_attach(check, &s.d, true, 5, s.nested));
		ASSERT_OK(dev_detach(check, &s.d, true, 5));
	}
	EXPECT_NE(dev_detach(check, &s.d, true, 5), 0);
}

SIOVH_CLAUSE(bind_gpasid_limit,
	.id = "VSVA.BIND.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "guest PASIDs are backed within the host's limit: PASID 2^20 - 1 attaches, 2^20 is refused",
	.source = SRC_BIND " (PASID width); " SRC_GPASID,
	.needs = NEEDS_VSVA)
{
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	EXPECT_OK(dev_attach(check, &s.d, true, (1u << 20) - 1, s.nested));
	EXPECT_NE(dev_attach(check, &s.d, true, 1u << 20, s.nested), 0);
	EXPECT_OK(dev_attach(check, &s.d, true, 1, s.parent));
	/* the same guest PASID twice: a replace, not a second one */
	EXPECT_OK(dev_attach(check, &s.d, true, 1, s.nested));
	EXPECT_OK(dev_detach(check, &s.d, true, 1));
	EXPECT_NE(dev_detach(check, &s.d, true, 1), 0);
}

SIOVH_CLAUSE(dev_unbound_cdev,
	.id = "IOMMUFD.DEV.8", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "on a VDEV's cdev not bound to iommufd, ATTACH and DETACH_IOMMUFD_PT are -EINVAL (no access granted) and reach no HWPT; an ioctl the cdev does not know is -ENOTTY, bound or not",
	.source = SRC_VFIO_H("VFIO_DEVICE_BIND_IOMMUFD (\"User is restricted from accessing the device before the binding operation is completed\")") "; " SRC_ATTACH,
	.needs = NEEDS_VSVA)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	const unsigned long unknown = _IO(';', 100 + 99);
	uint32_t ioas = must_ioas(check), dev_id;
	struct vd d;
	int dummy = 0;

	vd_up(check, &p->types[0], &d, 0x51);
	EXPECT_ERRNO(dev_attach(check, &d, false, 0, ioas), -EINVAL);
	EXPECT_ERRNO(dev_detach(check, &d, false, 0), -EINVAL);
	EXPECT_ERRNO(t->iommufd->device_ioctl(t, d.v, unknown, &dummy),
		     -ENOTTY);
	ASSERT_OK(dev_bind(check, &d, &dev_id));
	EXPECT_ERRNO(t->iommufd->device_ioctl(t, d.v, unknown, &dummy),
		     -ENOTTY);
	/* an IOAS nothing is attached to can be destroyed */
	EXPECT_OK(obj_destroy(check, ioas));
	vd_down(check, &d);
}
