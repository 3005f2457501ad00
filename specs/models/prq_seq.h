/* SPDX-License-Identifier: MIT */
/*
 * The page request sequence engine (DESIGN.md, "Model"): bytes decode into
 * page request operations on one VDEV bound to /dev/iommu, PRQ_SEQ_OP_BYTES
 * bytes each (a trailing partial operation is ignored), so every buffer is
 * a valid sequence:
 *
 *	bytes --decode--> struct prq_seq_op --run--> target + prq_model
 *
 * The set-up (prq_seq_open): a VDEV of the first profile type with a
 * portal (the one with the most queues, up to 4), open, bus master, every
 * queue enabled, bound to the target's /dev/iommu; guest memory (a 4-level
 * VT-d stage-1 table and data pages) mapped in a fresh IOAS; a NEST_PARENT
 * paging HWPT, a fault queue and a nested HWPT with it, attached at the
 * default PASID. Pages 0..3 of the model are guest VA pages the guest maps
 * and unmaps; each queue has a completion record and a destination page.
 *
 * Operations: a block-on-fault MEMCOPY from a page (READ) or MEMFILL into
 * it (WRITE) on a queue that does not wait; a read of 1-3 records (or a
 * length off the record size); a SUCCESS response (the page mapped first)
 * or an INVALID one to a read group; a bogus write (unknown, answered or
 * repeated cookie, bad code, bad length, a good record with a bad one); a
 * queue reset (qN_ctrl RESET, then ENABLE); a guest unmap (PTE cleared and
 * the page invalidated) or map; and replacing the fault queue (a new queue
 * and nested HWPT, the device moved over, the old two destroyed).
 *
 * After each operation it compares the return value, every record read
 * (dev_id, address, READ/WRITE, LAST_PAGE without PASID_VALID, a cookie no
 * other read group holds), each queue's completion record (status and
 * tag), the data a successful descriptor moved, and with the test facet
 * each queue's ADI page-wait state. The first difference ends the run with
 * a report naming the step and the last operations. An engine makes at
 * most PRQ_SEQ_MAX_REQUESTS page requests (the device's PRG indices are
 * not reused before then); later faulting submissions are skipped.
 */
#ifndef SIOVH_SPECS_PRQ_SEQ_H
#define SIOVH_SPECS_PRQ_SEQ_H

#include <stddef.h>
#include <stdint.h>

#include "siovh/profile.h"
#include "siovh/target.h"

#define PRQ_SEQ_OP_BYTES	3
#define PRQ_SEQ_TRACE		12	/* operations kept for the report */
#define PRQ_SEQ_MAX_REQUESTS	400

enum prq_seq_op_kind {
	PRQ_OP_READ_PAGE,		/* a: queue, b: page */
	PRQ_OP_WRITE_PAGE,		/* a: queue, b: page */
	PRQ_OP_FQ_READ,			/* a: records - 1, b % 8 == 7: bad len */
	PRQ_OP_SUCCESS,			/* a: which read group */
	PRQ_OP_INVALID,			/* a: which read group */
	PRQ_OP_BOGUS,			/* a: kind, b: which */
	PRQ_OP_RESET,			/* a: queue */
	PRQ_OP_UNMAP,			/* a: page */
	PRQ_OP_MAP,			/* a: page */
	PRQ_OP_REQUEUE,
	PRQ_OP_NR
};

struct prq_seq_op {
	enum prq_seq_op_kind kind;
	unsigned int a, b;
};

void prq_seq_op_decode(const uint8_t bytes[PRQ_SEQ_OP_BYTES],
		       struct prq_seq_op *op);

struct prq_seq;

/*
 * An engine on target t judged against profile p (which must outlive it).
 * 0 or -errno: -EOPNOTSUPP without the vfio_device and iommufd facets
 * (device_ioctl, fault_read/fault_write), -ENODEV if no profile type has
 * a portal and qN_ctrl registers; any failing set-up call's error.
 */
int prq_seq_open(struct siovh_target *t, const struct siovh_profile *p,
		 struct prq_seq **out);
/* Tears the set-up down (objects destroyed, VDEV released and removed). */
void prq_seq_close(struct prq_seq *s);
/* 0 agreed throughout; 1 diverged (see the report; the engine is then
 * unusable); -errno for a failure outside the comparison. */
int prq_seq_run_bytes(struct prq_seq *s, const uint8_t *buf, size_t len);
const char *prq_seq_report(const struct prq_seq *s);
uint64_t prq_seq_ops(const struct prq_seq *s);

#endif /* SIOVH_SPECS_PRQ_SEQ_H */
