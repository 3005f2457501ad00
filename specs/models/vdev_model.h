/* SPDX-License-Identifier: MIT */
/*
 * The abstract VDEV lifecycle model: the oracle the VDEV sequence engine
 * (vdev_seq.h) compares a target's vfio_device facet against. It follows
 * seed 000's lifecycle (create <type/uuid>, assign, run-time access, reset,
 * release, remove) and seed 002's queue re-allocation and migration states,
 * with the semantics of target.h, linux/vfio.h and the profile.
 *
 * It is written to be obviously right: a few slots, flat state, no
 * allocation. Each operation returns the result a correct target gives
 * (0 or -errno; for mailbox commands the STATUS word) and updates the
 * model; leeway says how strictly the target's result must match.
 *
 * What it tracks per VDEV: existence, type, UUID, open, the command
 * register's MEMORY/MASTER bits, one RW register (the mailbox argument),
 * curQ, which queues are enabled, the migration state, and per MSI-X
 * vector whether it is armed, masked and has an interrupt pending; and how
 * many signals each armed vector's eventfd should have seen.
 */
#ifndef SIOVH_SPECS_VDEV_MODEL_H
#define SIOVH_SPECS_VDEV_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define VDEV_MODEL_SLOTS	6
#define VDEV_MODEL_TYPES	8
#define VDEV_MODEL_VECS		17
#define VDEV_MODEL_UUIDS	8

enum vdev_model_leeway {
	VDEV_MODEL_EXACT = 0,		/* the same value */
	VDEV_MODEL_ANY_ERRNO,		/* a failure, any -errno */
};

struct vdev_model_type {
	uint32_t adis;			/* maxQ */
	uint32_t max_instances;
	uint32_t default_queues;
	uint32_t vectors;		/* MSI-X vectors */
	uint32_t mig_flags;		/* VFIO_MIGRATION_* */
};

struct vdev_model_vdev {
	bool exists, open;
	int type;
	unsigned int uuid;
	uint32_t command;		/* MEMORY | MASTER bits only */
	uint32_t arg;			/* the RW register */
	uint32_t curq;			/* ADIs held (the VDCM's cur_queues) */
	uint32_t viewq;			/* CURQ: queues the guest may enable */
	uint32_t qen;			/* bit q: queue q enabled */
	uint32_t mig;			/* enum vfio_device_mig_state */
	bool armed[VDEV_MODEL_VECS], masked[VDEV_MODEL_VECS];
	bool pending[VDEV_MODEL_VECS];
	uint32_t signals[VDEV_MODEL_VECS]; /* expected, not yet consumed */
};

struct vdev_model {
	uint32_t nr_adis, free_adis;
	unsigned int nr_types;
	struct vdev_model_type types[VDEV_MODEL_TYPES];
	struct vdev_model_vdev v[VDEV_MODEL_SLOTS];
	enum vdev_model_leeway leeway;	/* of the last operation */
};

void vdev_model_init(struct vdev_model *m, uint32_t nr_adis);
/* Returns the type index. */
int vdev_model_add_type(struct vdev_model *m,
			const struct vdev_model_type *type);

/* type -1: a type the parent does not have. */
int vdev_model_create(struct vdev_model *m, unsigned int slot, int type,
		      unsigned int uuid);
int vdev_model_remove(struct vdev_model *m, unsigned int slot);
int vdev_model_open(struct vdev_model *m, unsigned int slot);
int vdev_model_release(struct vdev_model *m, unsigned int slot);
int vdev_model_reset(struct vdev_model *m, unsigned int slot);
/* Config command register write (MEMORY/MASTER kept, rest ignored). */
int vdev_model_command(struct vdev_model *m, unsigned int slot, uint32_t v);
/* The RW slow-path register: read (into *val) and write. */
int vdev_model_reg_read(struct vdev_model *m, unsigned int slot,
			uint32_t *val);
int vdev_model_reg_write(struct vdev_model *m, unsigned int slot,
			 uint32_t val);
/* A slow-path read past the region's end. */
int vdev_model_read_oob(struct vdev_model *m, unsigned int slot);
/* Queue q enable: 0 and *status (ENABLED or ERROR bits), or -errno. */
int vdev_model_queue_enable(struct vdev_model *m, unsigned int slot,
			    uint32_t q, uint32_t *status);
/* Mailbox SET_QUEUES(n): 0 and *status (DONE | errno), or -errno. */
int vdev_model_set_queues(struct vdev_model *m, unsigned int slot,
			  uint32_t n, uint32_t *status);
/* MSI-X: arm/disarm, mask/unmask, fire (loopback). */
int vdev_model_irq_arm(struct vdev_model *m, unsigned int slot, uint32_t vec,
		       bool arm);
int vdev_model_irq_mask(struct vdev_model *m, unsigned int slot,
			uint32_t vec, bool mask);
int vdev_model_irq_fire(struct vdev_model *m, unsigned int slot,
			uint32_t vec);
/* Migration: set the device state (no data transfer). */
int vdev_model_mig(struct vdev_model *m, unsigned int slot, uint32_t state);
/* available_instances of type. */
uint32_t vdev_model_available(const struct vdev_model *m, int type);
/* VDEVs that exist. */
uint32_t vdev_model_count(const struct vdev_model *m);

#endif /* SIOVH_SPECS_VDEV_MODEL_H */
