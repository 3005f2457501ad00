// SPDX-License-Identifier: MIT
/*
 * VSVA.BIND 9: guest PASID management errors seen through PASID detach: a
 * guest PASID the VMM never attached is unknown to the host, and its
 * detach touches none of the guest PASIDs it does know (seed 000, guest
 * PASID -> host PASID; seed 004, "Sanitize User Requests").
 */
#include "vsva.h"

#define SRC_DETACH SRC_VFIO_H("VFIO_DEVICE_DETACH_IOMMUFD_PT (PASID)")
#define SRC_GPASID SEED000 "\"Intel Scalable IOV & vSVA\" (guest PASID -> host PASID)"
#define SRC_SANITIZE SRC_VSVA("Sanitize User Requests")

SIOVH_CLAUSE(bind_gpasid_detach_unknown,
	.id = "VSVA.BIND.9", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "the detach of a guest PASID not attached (never, or already detached) is -ENOENT and leaves the device's other guest PASIDs and its default PASID attached",
	.source = SRC_GPASID "; " SRC_DETACH "; " SRC_SANITIZE,
	.needs = NEEDS_VSVA)
{
	struct vs s;

	vs_up(check, &s);
	vs_nested(check, &s, 0);
	ASSERT_OK(dev_attach(check, &s.d, true, 5, s.nested));
	ASSERT_OK(dev_attach(check, &s.d, true, 6, s.parent));
	EXPECT_ERRNO(dev_detach(check, &s.d, true, 7), -ENOENT);
	EXPECT_ERRNO(dev_detach(check, &s.d, true, (1u << 20) - 1), -ENOENT);
	ASSERT_OK(dev_detach(check, &s.d, true, 6));
	EXPECT_ERRNO(dev_detach(check, &s.d, true, 6), -ENOENT);
	/* PASID 5 and the default PASID are still where they were */
	EXPECT_EQ(vs_copy(check, &s, true, 0, 1, 2, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_OK(dev_detach(check, &s.d, true, 5));
	EXPECT_OK(dev_detach(check, &s.d, false, 0));
}
