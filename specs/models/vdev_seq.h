/* SPDX-License-Identifier: MIT */
/*
 * The VDEV sequence engine (DESIGN.md, "Model"): a byte buffer decodes into
 * VDEV lifecycle operations, SIOVH_VDEV_OP_BYTES bytes each (a trailing
 * partial operation is ignored), so every buffer is a valid sequence:
 *
 *	bytes --decode--> struct siovh_vdev_op --run--> target + vdev_model
 *
 * Operations work on a few VDEV slots: create (type or an unknown one, a
 * UUID from a small set, so duplicates happen), remove, open, release,
 * VFIO_DEVICE_RESET, the config command register, a read/write of a RW
 * slow-path register, a read past BAR0's end, queue enable, mailbox
 * SET_QUEUES, MSI-X arm/disarm/mask/unmask/fire, migration state changes
 * and available_instances. Operands are selectors resolved when the op
 * runs; an op on an empty slot is a create into it (or a no-op for
 * remove), so random bytes make meaningful sequences.
 *
 * After each operation the engine compares the return value (any failure
 * where the model allows leeway), the value read, queue and mailbox
 * status, the signals every armed eventfd received, available_instances
 * of every type, and with SIOVH_FEAT_TEST_VDEV the parent's free ADIs and
 * VDEV count and the touched VDEV's open flag, ADIs held, curQ and
 * migration state. The first difference ends the sequence with a report
 * naming the step and the last operations. Each sequence ends with a
 * compared teardown (release and remove everything); the parent must then
 * be as it was at open.
 */
#ifndef SIOVH_SPECS_VDEV_SEQ_H
#define SIOVH_SPECS_VDEV_SEQ_H

#include <stddef.h>
#include <stdint.h>

#include "siovh/profile.h"
#include "siovh/target.h"

#define SIOVH_VDEV_OP_BYTES	4
#define SIOVH_VDEV_SEQ_TRACE	12	/* operations kept for the report */

enum siovh_vdev_op_kind {
	SIOVH_VDEV_OP_CREATE,
	SIOVH_VDEV_OP_REMOVE,
	SIOVH_VDEV_OP_OPEN,
	SIOVH_VDEV_OP_RELEASE,
	SIOVH_VDEV_OP_RESET,
	SIOVH_VDEV_OP_COMMAND,
	SIOVH_VDEV_OP_REG_READ,
	SIOVH_VDEV_OP_REG_WRITE,
	SIOVH_VDEV_OP_READ_OOB,
	SIOVH_VDEV_OP_QUEUE_ENABLE,
	SIOVH_VDEV_OP_SET_QUEUES,
	SIOVH_VDEV_OP_IRQ_ARM,
	SIOVH_VDEV_OP_IRQ_MASK,
	SIOVH_VDEV_OP_IRQ_FIRE,
	SIOVH_VDEV_OP_MIG,
	SIOVH_VDEV_OP_AVAIL,
	SIOVH_VDEV_OP_NR
};

struct siovh_vdev_op {
	enum siovh_vdev_op_kind kind;
	unsigned int slot;		/* % slots */
	unsigned int a;			/* selector: type, vector, queue... */
	unsigned int b;			/* selector: uuid, value, on/off... */
};

void siovh_vdev_op_decode(const uint8_t bytes[SIOVH_VDEV_OP_BYTES],
			  struct siovh_vdev_op *op);

struct siovh_vdev_seq_config {
	unsigned int slots;		/* 1..6 VDEV slots (default 4) */
	unsigned int uuids;		/* 1..8 UUIDs to draw from (default 5) */
	bool no_probe;			/* ignore the test facet */
};

struct siovh_vdev_seq;

/*
 * An engine on target t (its VDCM idle: no VDEVs) judged against profile
 * p, which must outlive the engine. cfg may be NULL. 0 or -errno
 * (-EOPNOTSUPP without a vfio_device facet, -EINVAL if the profile lacks
 * the registers the engine uses: mbox_arg, qN_ctrl, qN_status, and the
 * mailbox ones when it has a mailbox).
 */
int siovh_vdev_seq_open(struct siovh_target *t, const struct siovh_profile *p,
			const struct siovh_vdev_seq_config *cfg,
			struct siovh_vdev_seq **out);
void siovh_vdev_seq_close(struct siovh_vdev_seq *s);
/* 0 agreed throughout; 1 diverged (see report; engine unusable); -errno. */
int siovh_vdev_seq_run(struct siovh_vdev_seq *s, const uint8_t *buf,
		       size_t len);
const char *siovh_vdev_seq_report(const struct siovh_vdev_seq *s);
uint64_t siovh_vdev_seq_ops(const struct siovh_vdev_seq *s);

#endif /* SIOVH_SPECS_VDEV_SEQ_H */
