/* SPDX-License-Identifier: MIT */
/*
 * Internals of the page request sequence engine: its state, and the
 * target side of it (prq_seq_setup.c: set-up, teardown and the calls the
 * operations make). The descriptor and completion-record layouts are the
 * reference engine's documented ones (SIOVH_FEAT_REF_ENGINE; the clauses'
 * specs/vdcm/engine.h): the models library sees only the public API.
 */
#ifndef SIOVH_SPECS_PRQ_SEQ_INTERNAL_H
#define SIOVH_SPECS_PRQ_SEQ_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/iommufd.h>

#include "prq_model.h"
#include "prq_seq.h"
#include "seq_report.h"

#define PS_PG		4096ull
#define PS_GPA		0x10000000ull	/* guest memory in the IOAS */
#define PS_GVA		0x40000000ull	/* PML4[0], PDPT[1], PD[0] */
#define PS_PTE		0x7ull		/* P | RW | US */
#define PS_TABLES	4		/* PML4, PDPT, PD, PT */
#define PS_CR_PAGE	PRQ_MODEL_PAGES	/* data pages: model pages, CR, */
#define PS_DST_PAGE	(PS_CR_PAGE + 1) /* one destination per queue */
#define PS_DATA		(PS_DST_PAGE + PRQ_MODEL_QUEUES)
#define PS_PAGES	(PS_TABLES + PS_DATA)
#define PS_SIZE		64		/* bytes a descriptor moves */
#define PS_LINE		160

/* The reference engine's descriptor (64 bytes) and record (32 bytes). */
struct ps_desc {
	uint8_t opcode;
	uint8_t flags;
	uint16_t rsvd0;
	uint32_t size;
	uint64_t completion, src, dst, tag;
	uint64_t rsvd1[3];
};
struct ps_record {
	uint8_t status;
	uint8_t fault_info;
	uint16_t rsvd0;
	uint32_t bytes;
	uint64_t fault_addr, tag, rsvd1;
};
#define PS_OP_MEMCOPY		1
#define PS_OP_MEMFILL		2
#define PS_DF_COMPLETION	(1u << 0)
#define PS_DF_BLOCK_ON_FAULT	(1u << 2)

struct prq_seq {
	struct siovh_target *t;
	const struct siovh_profile_type *ty;
	struct siovh_vdev *v;
	bool open;
	uint64_t off[16];		/* region offsets */
	const struct siovh_profile_reg *qctrl[PRQ_MODEL_QUEUES];
	uint8_t *mem;
	uint32_t ioas, dev_id, parent, nested, fq_id;
	int fq_fd;
	bool probe;
	uint32_t adi[PRQ_MODEL_QUEUES];

	struct prq_model m;
	uint8_t page_byte[PRQ_MODEL_PAGES];	/* first byte of each page */
	bool verified[PRQ_MODEL_QUEUES];	/* SUCCESS data checked */
	uint64_t tag;

	struct seq_trace tr;		/* step, call, report; ring trace */
	char trace[PRQ_SEQ_TRACE][PS_LINE + 48];
};

/* ---- prq_seq_setup.c ---- */
int ps_setup(struct prq_seq *s, const struct siovh_profile *p);
void ps_teardown(struct prq_seq *s);
int ps_ioctl(struct prq_seq *s, unsigned long cmd, void *arg);
/* Data page i in memory; its stage-1 PTE; queue q's completion record. */
uint8_t *ps_page(struct prq_seq *s, unsigned int i);
uint64_t *ps_pte(struct prq_seq *s, unsigned int i);
struct ps_record *ps_record(struct prq_seq *s, uint32_t q);
/* qN_ctrl write; a descriptor to queue q's portal: 0 or -errno. */
int ps_qctrl(struct prq_seq *s, uint32_t q, uint32_t val);
int ps_submit(struct prq_seq *s, uint32_t q, const struct ps_desc *d);
/* Invalidate guest VA page i of the nested HWPT. */
int ps_inv_page(struct prq_seq *s, unsigned int i);
/* A fault queue; a nested HWPT on it; attach the default PASID there. */
int ps_fault_alloc(struct prq_seq *s, uint32_t *id, int *fd);
int ps_nested(struct prq_seq *s, uint32_t fault_id, uint32_t *out);
int ps_attach(struct prq_seq *s, uint32_t pt_id);
int ps_destroy(struct prq_seq *s, uint32_t id);

#endif /* SIOVH_SPECS_PRQ_SEQ_INTERNAL_H */
