/* SPDX-License-Identifier: MIT */
/*
 * The IOAS sequence engine (DESIGN.md, "Model"; issue 4: "every DMA result
 * equals the translation the current tables give"). A byte buffer decodes
 * into IOAS operations, IOAS_SEQ_OP_BYTES bytes each (a trailing partial
 * operation is ignored), so every buffer is a valid sequence:
 *
 *	bytes --decode--> struct ioas_seq_op --run--> target + ioas_model
 *
 * The target side is the iommufd facet (linux/iommufd.h structs); the
 * model is ioas_model.h, one per IOAS. The engine owns two IOASes: A0,
 * which a reference VDEV's DMA goes through, and A1, a second address
 * space to copy from and to. Operations: MAP with FIXED_IOVA and without,
 * UNMAP of a range, UNMAP of everything, COPY with and without FIXED_IOVA
 * (within an IOAS or across), ALLOW_IOVAS (valid lists, an empty one,
 * inverted, overlapping and reserved ranges) and a bare DMA probe. Operands
 * are selectors resolved against the model when the operation runs: an
 * IOVA is an arena page, an edge of an area already mapped (start, last
 * page, just after, just before), or an edge of the platform (the
 * interrupt window, the top of the aperture, low IOVAs where chosen ones
 * land, an unaligned one); a length is a page count, the span up to the
 * end of the k-th area from the start, or an edge (0, unaligned, to the
 * end of the IOVA space); UNMAP and COPY lean to ranges that cover areas
 * (a COPY source mostly lies inside an area of the source IOAS); user
 * memory is a window of a pool of pages the engine owns, placed at an
 * address of fixed alignment so that a seed runs the same way every time
 * (a chosen IOVA's alignment depends on the user address).
 *
 * After each operation the engine compares the return value (any failure
 * where the model allows leeway), the out-fields (a FIXED_IOVA map or copy
 * reports its own IOVA; a chosen IOVA must keep the contract, and -ENOSPC
 * is right only when the model finds no room; UNMAP's length is the bytes
 * the model removed; a failed call leaves its struct alone). Then, unless
 * cfg->no_dma, it checks DMA: the VDEV (bound to /dev/iommu, attached to a
 * paging HWPT over A0, queue 0 enabled) runs a MEMFILL or a MEMCOPY (a
 * read) at two probe IOVAs, one at the range the operation touched and
 * one chosen over A0's areas and holes. The completion record (written to
 * a page the engine maps at a fixed IOVA of A0 and maps again only when
 * an UNMAP took it) must say what the model's translation predicts
 * (mapped with the right permission: SUCCESS and every byte; otherwise
 * PAGE_FAULT at the first page that is not, after the bytes before it),
 * the pool must hold exactly the bytes the model predicts (a shadow copy
 * is compared whole: a write anywhere else is caught), and a read must
 * bring back the bytes at the user address the model gives.
 *
 * Every run starts with A0 holding only the completion page, A1 empty and
 * no allowed lists (and with a fill probe where nothing is mapped: the
 * device must reach the completion page and fault), and ends with a
 * compared teardown that restores that state (UNMAP of everything,
 * allowed lists cleared). The first difference ends the run with a
 * report: the step, the operation, expected vs actual, and the last
 * IOAS_SEQ_TRACE operations.
 *
 * Needs the iommufd facet; with DMA also the vfio_device facet, a VDEV
 * type laid out as harness/ref/vdcm/vdev_regs.h says, and the reference
 * descriptor engine (harness/ref/siovdev/siovdev.h): SIOVH_FEAT_IOMMUFD |
 * VFIO_DEVICE | REF_ENGINE. Only those headers' constants and structs are
 * used; every access goes through the target's facets.
 */
#ifndef SIOVH_SPECS_IOAS_SEQ_H
#define SIOVH_SPECS_IOAS_SEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siovh/target.h"

#define IOAS_SEQ_OP_BYTES	8
#define IOAS_SEQ_TRACE		16	/* operations kept for the report */
#define IOAS_SEQ_SLOTS		2	/* IOASes: A0 (DMA) and A1 */

enum ioas_seq_kind {
	IOAS_SEQ_MAP_FIXED,
	IOAS_SEQ_MAP_AUTO,
	IOAS_SEQ_UNMAP,
	IOAS_SEQ_UNMAP_ALL,
	IOAS_SEQ_COPY_FIXED,
	IOAS_SEQ_COPY_AUTO,
	IOAS_SEQ_ALLOW,
	IOAS_SEQ_PROBE,
	IOAS_SEQ_NR
};

/* How often each kind and permission comes out of the bytes. */
enum ioas_seq_mix {
	IOAS_SEQ_MIX_DEFAULT,		/* maps and unmaps, mostly writeable */
	IOAS_SEQ_MIX_COPY_RO,		/* copies and read-only mappings */
};

/*
 * One decoded operation. Byte 0: kind (low 5 bits through the mix's
 * table), IOAS (bits 5-6 both set: A1, else A0), copy source (bit 7: the
 * other IOAS); then the selectors, each one byte.
 */
struct ioas_seq_op {
	enum ioas_seq_kind kind;
	unsigned int ioas;		/* destination / target IOAS slot */
	unsigned int src;		/* COPY: source IOAS slot */
	uint8_t where;			/* IOVA (COPY: source IOVA) */
	uint8_t len;			/* length */
	uint8_t va;			/* MAP: user address; ALLOW: variant */
	uint8_t prot;			/* permission, unknown flag bits */
	uint8_t probe;			/* the second DMA probe's IOVA */
	uint8_t shape;			/* both probes' kind, offset, size */
	uint8_t dst;			/* COPY FIXED_IOVA: destination IOVA */
};

void ioas_seq_op_decode(const uint8_t bytes[IOAS_SEQ_OP_BYTES],
			enum ioas_seq_mix mix, struct ioas_seq_op *op);

struct ioas_seq_config {
	enum ioas_seq_mix mix;
	const char *vdev_type;		/* NULL: "siovh-1q" */
	bool no_dma;			/* ioctl results only: no VDEV */
	/*
	 * Attach the target's test device (siovh_iommufd_ops.test_device,
	 * the IOMMUFD_TEST mock on a kernel) to both IOASes at open: their
	 * paging domain makes the IOVA alignment a page, as a VDEV's does;
	 * an IOAS with no domain may have a smaller one (Linux: 1), which
	 * the model does not describe. -EOPNOTSUPP without one.
	 */
	bool test_device;
	/* The target's UNMAP is Linux's, not atomic (ioas_model.h). */
	bool partial_unmap;
};

struct ioas_seq;

/*
 * An engine on target t: allocates its two IOASes, maps the completion
 * page and (unless no_dma) creates, opens, binds and attaches its VDEV.
 * cfg may be NULL. 0 or -errno (-EOPNOTSUPP without the facets).
 */
int ioas_seq_open(struct siovh_target *t, const struct ioas_seq_config *cfg,
		  struct ioas_seq **out);
/* Release the VDEV, destroy the objects, free the engine. NULL: no-op. */
void ioas_seq_close(struct ioas_seq *s);

/*
 * Run one sequence: decode data, run and compare every operation, then
 * tear down. 0 when target and model agreed throughout; 1 on the first
 * divergence (ioas_seq_report() says where and why; the target's state is
 * unknown, and every later run returns -EINVAL); -errno when the engine
 * itself failed.
 */
int ioas_seq_run_bytes(struct ioas_seq *s, const uint8_t *data, size_t len);
/* The seeded driver: nr_ops operations from siovh_seq_fill(seed, ...). */
int ioas_seq_run_seed(struct ioas_seq *s, uint64_t seed, size_t nr_ops);

/* The divergence report of the last run ("" when none). */
const char *ioas_seq_report(const struct ioas_seq *s);
/* What the engine ran since open. */
struct ioas_seq_stats {
	uint64_t ops;			/* operations, engine steps included */
	uint64_t ops_ok;		/* ... that returned 0 */
	uint64_t probes;		/* DMA probes compared */
	uint64_t probes_ok;		/* ... that completed with SUCCESS */
};
void ioas_seq_stats(const struct ioas_seq *s, struct ioas_seq_stats *st);
/* Hand every finished trace line to fn as well; NULL stops it. */
void ioas_seq_trace(struct ioas_seq *s,
		    void (*fn)(const char *line, void *data), void *data);

#endif /* SIOVH_SPECS_IOAS_SEQ_H */
