/* SPDX-License-Identifier: MIT */
/*
 * Internals of the IOAS sequence engine (public API: ioas_seq.h), shared
 * by ioas_seq.c (engine, trace, comparison, teardown), ioas_seq_ops.c
 * (decoding, selectors, one function per operation) and ioas_seq_dma.c
 * (the VDEV and the DMA probes).
 */
#ifndef SIOVH_SPECS_IOAS_SEQ_PRIV_H
#define SIOVH_SPECS_IOAS_SEQ_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "ioas_model.h"
#include "ioas_seq.h"
#include "seq_report.h"

#define PG		IOAS_MODEL_PAGE
#define SEQ_LINE	200
#define SEQ_REPORT	3584		/* fits a check message with room */

/*
 * The IOVA layout the selectors draw from. The arena is where fixed maps
 * collide; chosen IOVAs land low (from 0) or in allowed windows; the
 * completion page sits apart, where no selector reaches.
 */
#define SEQ_ARENA	0x40000000ull
#define SEQ_ARENA_PAGES	64
#define SEQ_CR_IOVA	0xc0000000ull
#define SEQ_POOL_PAGES	32		/* user memory the maps draw from */
#define SEQ_MAP_PAGES	16		/* the longest map */
#define SEQ_SCRATCH	2048		/* read probes land here, CR page */
#define SEQ_POOL_ALIGN	(2ull << 20)	/* the pool's own alignment */

struct ioas_seq_slot {
	uint32_t id;
	bool alive;
	struct ioas_model m;
};

struct ioas_seq_dev {
	struct siovh_vdev *v;
	bool open;
	uint32_t devid, hwpt;
	uint64_t cfg_off, bar0_off, bar2_off;
};

struct ioas_seq {
	struct siovh_target *t;
	struct ioas_seq_config cfg;
	struct ioas_seq_slot ioas[IOAS_SEQ_SLOTS];
	struct ioas_seq_dev dev;
	bool dma;			/* the VDEV is up: probe after steps */

	void *map;			/* the reservation holding both */
	size_t map_size;
	uint8_t *pool, *shadow;		/* user memory and what it must hold */
	uint8_t *crpage;		/* completion record + read scratch */

	/* The range the current operation touched, for the first probe. */
	uint64_t touch, touch_last;

	struct ioas_seq_stats st;	/* but ops: tr.ops */
	/* A set-up step that disagreed: the first run reports it. */
	char setup_err[SEQ_LINE];
	struct seq_trace tr;		/* step, call, report; ring trace */
	char trace[IOAS_SEQ_TRACE][SEQ_LINE + 64];
};

/* The call's text, its result line, a divergence (false): seq_report.h. */
#define ioseq_begin(s, ...)	seq_trace_begin(&(s)->tr, __VA_ARGS__)
#define ioseq_done(s, ...)	seq_trace_donef(&(s)->tr, __VA_ARGS__)
#define ioseq_diverge(s, ...)	seq_trace_diverge(&(s)->tr, __VA_ARGS__)

/* ioas_seq.c */
/* Compare a return value with the model's (any_err: any failure will do);
 * ends the trace line. */
bool ioseq_cmp_ret(struct ioas_seq *s, int got, int want, bool any_err);
/* "P5+0x800" for a pool address, else the hex address. */
void ioseq_user_name(const struct ioas_seq *s, uint64_t user, char *buf,
		     size_t len);

/* ioas_seq_ops.c */
bool ioseq_op_run(struct ioas_seq *s, const struct ioas_seq_op *op);
/* MAP/UNMAP on the target: 0 or -errno; the struct's out-field back. */
int ioseq_map(struct ioas_seq *s, unsigned int slot, uint32_t flags,
	      uint64_t user_va, uint64_t length, uint64_t *iova);
int ioseq_unmap(struct ioas_seq *s, unsigned int slot, uint64_t iova,
		uint64_t *length);
int ioseq_allow(struct ioas_seq *s, unsigned int slot,
		const struct iommu_iova_range *v, uint32_t n);
/* Area idx (mod the count) of slot, the completion page left out; NULL
 * when there is none. */
const struct ioas_model_area *ioseq_pick_area(const struct ioas_seq *s,
					      unsigned int slot,
					      unsigned int idx);
/*
 * An IOVA of slot from a selector: an arena page, an edge of one of the
 * model's areas (the completion page left out), or an edge of the platform.
 */
uint64_t ioseq_where(const struct ioas_seq *s, unsigned int slot, uint8_t w);
/* Map the completion page again if an UNMAP took it (compared). */
bool ioseq_ensure_cr(struct ioas_seq *s);

/* ioas_seq_dma.c */
int ioseq_dev_up(struct ioas_seq *s);
void ioseq_dev_down(struct ioas_seq *s);
/* The two probes after an operation; true when both agreed. */
bool ioseq_probe_step(struct ioas_seq *s, const struct ioas_seq_op *op);
/* A fill where nothing is mapped: the completion record must say so. */
bool ioseq_probe_baseline(struct ioas_seq *s);

#endif /* SIOVH_SPECS_IOAS_SEQ_PRIV_H */
