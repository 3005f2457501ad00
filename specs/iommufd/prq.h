/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the page request clauses (fault.c, fault_io.c, prq_*.c): fault
 * queues read and written through the iommufd facet, and block-on-fault
 * descriptors of the reference engine on any queue of a VDEV whose
 * default PASID is attached to a nested HWPT with a fault queue.
 *
 * Guest VA layout (vsva.h): data page PQ_CR holds one completion record
 * per queue (queue q at offset q * 64); data pages PQ_FAULT + k (k <
 * PQ_NFAULT) are the pages the guest has not made present (their stage-1
 * PTEs are 0), each filled with byte PQ_BYTE(k) in memory; data page
 * PQ_DST + q is queue q's destination.
 */
#ifndef SIOVH_SPECS_IOMMUFD_PRQ_H
#define SIOVH_SPECS_IOMMUFD_PRQ_H

#include <sys/types.h>

#include "vsva.h"

#define SRC_PRQ SRC_VSVA("Page Request/Response")
#define SRC_FAULTQ SRC_H("IOMMU_FAULT_QUEUE_ALLOC, struct iommu_hwpt_pgfault")
#define SRC_PRESP SRC_H("struct iommu_hwpt_page_response")
#define PF_SZ sizeof(struct iommu_hwpt_pgfault)
#define PR_SZ sizeof(struct iommu_hwpt_page_response)

#define PQ_CR		2
#define PQ_DST		12	/* + queue: 12..15 */
#define PQ_FAULT	8
#define PQ_NFAULT	4
#define PQ_BYTE(k)	(0x80 + (k))
#define PQ_SIZE		256	/* bytes each copy moves */

struct fq {
	uint32_t id;
	int fd;
};

/* IOMMU_FAULT_QUEUE_ALLOC; SKIP without fault_read/fault_write. */
void must_fault_queue(struct siovh_check *check, struct fq *q);
ssize_t fq_read(struct siovh_check *check, const struct fq *q, void *buf,
		size_t len);
/* One response record; n records; raw bytes. */
ssize_t fq_write(struct siovh_check *check, const struct fq *q,
		 uint32_t cookie, uint32_t code);
ssize_t fq_write_raw(struct siovh_check *check, const struct fq *q,
		     const void *buf, size_t len);
/*
 * close(2) the queue's fd, as a VMM does before it destroys the queue:
 * an open fd holds the queue (IOMMU_DESTROY -EBUSY), as the kernel's file
 * holds a reference on its object.
 */
void fq_close(struct fq *q);
/* Read exactly one record into pf (ASSERTed). */
void fq_read1(struct siovh_check *check, const struct fq *q,
	      struct iommu_hwpt_pgfault *pf);

/*
 * vs_up_on (UUID uuid) on the first profile type with at least `queues`
 * queues, all enabled, a fresh fault queue *q, and the default PASID
 * attached to a nested HWPT with it; the fault pages are not present.
 */
void pq_up(struct siovh_check *check, struct vs *s, struct fq *q,
	   uint32_t queues, unsigned int uuid);
/* Make data page i present again (guest VA page i -> data page i). */
void pq_map(struct vs *s, unsigned int i);
/*
 * Submit to queue q a block-on-fault copy of PQ_SIZE bytes from data page
 * src to queue q's destination (guest VAs), its completion record
 * cleared first; the submission must be accepted.
 */
void pq_copy(struct siovh_check *check, struct vs *s, uint32_t q,
	     unsigned int src, uint64_t tag);
/* Queue q's completion record. */
struct siovdev_completion *pq_cr(struct vs *s, uint32_t q);
/* The parent ADI behind queue q (test facet). */
uint32_t pq_adi(struct siovh_check *check, struct vs *s, uint32_t q);
/* The code of the ADI's newest page response event; -1 if none. */
int64_t pq_last_resp(struct siovh_check *check, uint32_t adi);
/* Write qN_ctrl (ENABLE bit 0, RESET bit 1). */
void pq_qctrl(struct siovh_check *check, struct vs *s, uint32_t q,
	      uint32_t val);

#endif /* SIOVH_SPECS_IOMMUFD_PRQ_H */
