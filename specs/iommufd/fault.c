// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.FAULT 1-3: fault queues (IOMMU_FAULT_QUEUE_ALLOC): a VDEV's page
 * request read from the queue, answered by a response that reaches the
 * device, or completed by a replace (seed 004, "fault reporting", "page
 * request/response"; the kernel's behaviour at replace).
 */
#include <string.h>

#include "prq.h"

/*
 * A nested VDEV whose guest VA page 8 is not present, with a
 * block-on-fault copy from it waiting for the page: the record is in *pf.
 */
static void fault_setup(struct siovh_check *check, struct vs *s, struct fq *q,
			struct iommu_hwpt_pgfault *pf)
{
	vs_up(check, s);
	must_fault_queue(check, q);
	vs_nested(check, s, q->id);
	*vs_pte(s, 8) = 0;
	memset(vs_page(s, 6), 0x66, 256);
	memset(vs_page(s, 2), 0, 64);
	EXPECT_EQ(vs_copy(check, s, true, 8, 1, 2, SIOVDEV_DF_BLOCK_ON_FAULT),
		  SIOVDEV_CS_NONE);
	ASSERT_EQ(fq_read(check, q, pf, PF_SZ), (ssize_t)PF_SZ);
}

static uint8_t cr_status(struct vs *s)
{
	return vs_page(s, 2)[0];
}

SIOVH_CLAUSE(fault_round_trip,
	.id = "IOMMUFD.FAULT.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a VDEV's page request on a nested HWPT with a fault queue is read as one record (dev_id, address, READ, last page, no PASID for the default PASID); a SUCCESS response reaches the device, which retries and completes",
	.source = SRC_PRQ "; " SRC_FAULTQ,
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf, more[2];
	struct fq q;
	struct vs s;

	fault_setup(check, &s, &q, &pf);
	EXPECT_EQ(pf.dev_id, s.dev_id);
	EXPECT_EQ(pf.addr, VS_GVA + 8 * PG);
	EXPECT_TRUE(pf.perm & IOMMU_PGFAULT_PERM_READ);
	EXPECT_TRUE(pf.flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	EXPECT_FALSE(pf.flags & IOMMU_PGFAULT_FLAGS_PASID_VALID);
	EXPECT_ERRNO(fq_read(check, &q, more, sizeof(more)), -EAGAIN);
	EXPECT_ERRNO(fq_read(check, &q, more, PF_SZ - 4), -EINVAL);
	EXPECT_EQ(cr_status(&s), SIOVDEV_CS_NONE);
	*vs_pte(&s, 8) = vs_gpa(6) | VS_PTE_FLAGS;
	EXPECT_EQ(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(cr_status(&s), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(vs_page(&s, 1)[0], 0x66);
}

SIOVH_CLAUSE(fault_bad_responses,
	.id = "IOMMUFD.FAULT.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "responses with an unknown cookie, a bad code or an already answered cookie are -EINVAL and deliver nothing; an INVALID response completes the device's request with a page fault",
	.source = SRC_PRQ "; " SRC_H("struct iommu_hwpt_page_response"),
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf;
	struct fq q;
	struct vs s;

	fault_setup(check, &s, &q, &pf);
	EXPECT_ERRNO(fq_write(check, &q, pf.cookie + 100,
			      IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	EXPECT_ERRNO(fq_write(check, &q, pf.cookie, 7), -EINVAL);
	EXPECT_EQ(cr_status(&s), SIOVDEV_CS_NONE);
	EXPECT_EQ(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_INVALID),
		  (ssize_t)PR_SZ);
	EXPECT_EQ(cr_status(&s), SIOVDEV_CS_PAGE_FAULT);
	EXPECT_ERRNO(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		     -EINVAL);
	drain_faults(check);
}

SIOVH_CLAUSE(fault_destroy_completes,
	.id = "IOMMUFD.FAULT.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "replacing the HWPT of a device with a read, unanswered page request completes it: the waiting device request ends, a late response to its cookie is -EINVAL, and the fault queue can go once no HWPT refers to it and its fd is closed (-EBUSY before)",
	.source = SRC_PRQ "; " SRC_FAULTQ "; Linux drivers/iommu/iommufd (6.12 fault.c, 7.x device.c: a replace answers the old attachment's groups INVALID; 6.12 fault.c, 7.x eventq.c: the open fd holds a users reference on the queue)",
	.needs = NEEDS_PRQ)
{
	struct iommu_hwpt_pgfault pf;
	struct fq q;
	struct vs s;

	uint32_t adi;

	fault_setup(check, &s, &q, &pf);
	adi = vdev_probe(check, &s.d).adis[0];
	EXPECT_ERRNO(obj_destroy(check, q.id), -EBUSY);
	EXPECT_TRUE(adi_probe(check, adi).page_wait);
	ASSERT_OK(dev_attach(check, &s.d, false, 0, s.parent));
	/* its record cannot land (the guest VA means nothing now): the ADI
	 * stops waiting, the request completed */
	EXPECT_FALSE(adi_probe(check, adi).page_wait);
	EXPECT_ERRNO(fq_write(check, &q, pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS),
		     -EINVAL);
	ASSERT_OK(obj_destroy(check, s.nested));
	/* no HWPT refers to it now, but its open fd still holds it */
	EXPECT_ERRNO(obj_destroy(check, q.id), -EBUSY);
	fq_close(&q);
	EXPECT_OK(obj_destroy(check, q.id));
	drain_faults(check);
}
