/* SPDX-License-Identifier: MIT */
/*
 * Descriptors of the reference engine (harness/ref/siovdev/siovdev.h, the
 * documented 64-byte descriptor and 32-byte completion record; nothing else
 * of the reference is used) submitted through a VDEV's fast path, and the
 * siovh VDEV register protocol a profile type opts into (queue control,
 * mailbox; specs/profiles/README.md). Clauses using these need
 * SIOVH_FEAT_REF_ENGINE.
 */
#ifndef SIOVH_SPECS_VDCM_ENGINE_H
#define SIOVH_SPECS_VDCM_ENGINE_H

#include "harness/ref/siovdev/siovdev.h"
#include "common.h"

/* The siovh VDEV register protocol (README of specs/profiles). */
#define QCTRL_ENABLE		(1u << 0)
#define QSTS_ENABLED		(1u << 0)
#define QSTS_ERROR		(1u << 1)
#define MBOX_DONE		(1u << 31)
#define MBOX_ERR_MASK		0xffffu
#define MBOX_GET_VERSION	0x1
#define MBOX_QUERY_QUEUES	0x2
#define MBOX_SET_QUEUES		0x3
#define INTCAUSE_MBOX		(1u << 0)
#define VEC_MBOX		0u
#define VEC_QUEUE(q)		(1u + (q))

/* The profile's portal layout, or SKIP. */
void must_portal(struct siovh_check *check, const struct siovh_profile_type *ty);
/* Enable queue q (its qN_ctrl ENABLE), expecting qN_status ENABLED. */
void q_enable(struct siovh_check *check, struct vd *d, uint32_t q);
/* pwrite of one descriptor at queue q's portal: 0 or -errno. */
int desc_submit(struct vd *d, uint32_t q, const struct siovdev_desc *desc);

void desc_copy(struct siovdev_desc *x, uint64_t src, uint64_t dst,
	       uint32_t size, uint64_t cr, uint8_t flags, uint64_t tag);
void desc_fill(struct siovdev_desc *x, uint64_t pattern, uint64_t dst,
	       uint32_t size, uint64_t cr, uint8_t flags, uint64_t tag);
/* The completion record at IOVA cr of buffer b. */
struct siovdev_completion *cr_at(struct dma_buf *b, uint64_t cr);

/*
 * Copy size bytes src -> dst (IOVAs) on queue q with a completion record
 * at IOVA cr inside b; ASSERT the submission worked; returns the record's
 * status (SIOVDEV_CS_*).
 */
uint8_t run_copy(struct siovh_check *check, struct vd *d, uint32_t q,
		 struct dma_buf *b, uint64_t src, uint64_t dst, uint32_t size,
		 uint64_t cr, uint8_t flags);

/* Mailbox command: returns STATUS (DONE | error) and *resp. */
uint32_t mbox(struct siovh_check *check, struct vd *d, uint32_t cmd,
	      uint32_t arg, uint32_t *resp);

#endif /* SIOVH_SPECS_VDCM_ENGINE_H */
