// SPDX-License-Identifier: MIT
/*
 * Page request helpers of the iommufd clauses; see prq.h.
 */
#include <string.h>
#include <unistd.h>

#include "prq.h"

void must_fault_queue(struct siovh_check *check, struct fq *q)
{
	struct siovh_target *t = siovh_check_target(check);
	struct iommu_fault_alloc c = { .size = sizeof(c) };

	if (!t->iommufd || !t->iommufd->fault_read ||
	    !t->iommufd->fault_write)
		SKIP("the iommufd facet has no fault_read/fault_write");
	ASSERT_OK(fd_ioctl(check, IOMMU_FAULT_QUEUE_ALLOC, &c));
	q->id = c.out_fault_id;
	q->fd = (int)c.out_fault_fd;
}

void fq_close(struct fq *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

ssize_t fq_read(struct siovh_check *check, const struct fq *q, void *buf,
		size_t len)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->fault_read(t, q->fd, buf, len);
}

ssize_t fq_write_raw(struct siovh_check *check, const struct fq *q,
		     const void *buf, size_t len)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->iommufd->fault_write(t, q->fd, buf, len);
}

ssize_t fq_write(struct siovh_check *check, const struct fq *q,
		 uint32_t cookie, uint32_t code)
{
	struct iommu_hwpt_page_response r = { .cookie = cookie, .code = code };

	return fq_write_raw(check, q, &r, sizeof(r));
}

void fq_read1(struct siovh_check *check, const struct fq *q,
	      struct iommu_hwpt_pgfault *pf)
{
	ASSERT_EQ(fq_read(check, q, pf, PF_SZ), (ssize_t)PF_SZ);
}

void pq_map(struct vs *s, unsigned int i)
{
	*vs_pte(s, i) = vs_gpa(i) | VS_PTE_FLAGS;
}

void pq_up(struct siovh_check *check, struct vs *s, struct fq *q,
	   uint32_t queues, unsigned int uuid)
{
	const struct siovh_profile *p = must_profile(check);
	unsigned int k;

	must_fault_queue(check, q);
	vs_up_on(check, s, must_type(check, p, queues), uuid, queues);
	vs_nested(check, s, q->id);
	for (k = 0; k < PQ_NFAULT; k++) {
		*vs_pte(s, PQ_FAULT + k) = 0;
		memset(vs_page(s, PQ_FAULT + k), PQ_BYTE(k), PG);
	}
}

struct siovdev_completion *pq_cr(struct vs *s, uint32_t q)
{
	return (struct siovdev_completion *)(vs_page(s, PQ_CR) + q * 64);
}

void pq_copy(struct siovh_check *check, struct vs *s, uint32_t q,
	     unsigned int src, uint64_t tag)
{
	struct siovdev_desc x;

	memset(pq_cr(s, q), 0, SIOVDEV_CR_SIZE);
	memset(vs_page(s, PQ_DST + q), 0, PQ_SIZE);
	desc_copy(&x, VS_GVA + src * PG, VS_GVA + (PQ_DST + q) * PG, PQ_SIZE,
		  VS_GVA + PQ_CR * PG + q * 64,
		  SIOVDEV_DF_COMPLETION | SIOVDEV_DF_BLOCK_ON_FAULT, tag);
	ASSERT_OK(desc_submit(&s->d, q, &x));
}

uint32_t pq_adi(struct siovh_check *check, struct vs *s, uint32_t q)
{
	struct siovh_vdev_probe p = vdev_probe(check, &s->d);

	ASSERT_LT(q, p.nr_adis);
	return p.adis[q];
}

int64_t pq_last_resp(struct siovh_check *check, uint32_t adi)
{
	struct siovh_adi_event ev[SIOVDEV_EVENT_DEPTH];
	size_t n = adi_trace(check, adi, ev, SIOVDEV_EVENT_DEPTH);

	while (n--)
		if (ev[n].kind == SIOVH_ADI_EV_PAGE_RESP)
			return ev[n].arg;
	return -1;
}

void pq_qctrl(struct siovh_check *check, struct vs *s, uint32_t q,
	      uint32_t val)
{
	reg_wr(check, &s->d, must_reg(check, s->d.ty, "q%u_ctrl", q), val);
}
