/* SPDX-License-Identifier: MIT */
/*
 * The mig_stream target's shared pieces (mig_stream.c says what the target
 * does and what its oracle holds the reference to): a VDEV as this target
 * drives it, the migration requests of linux/vfio.h's v2 uAPI, the saved
 * stream, and the guest-visible state the oracle compares (oracle.c).
 */
#ifndef SIOVH_FUZZ_MIG_STREAM_H
#define SIOVH_FUZZ_MIG_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vfio.h>

#include "harness/ref/vdcm/vdev_regs.h"
#include "siovh/test.h"
#include "fuzz/common/fuzz.h"

/* A saved stream is a few KiB; a fuzzed one is cut at this. */
#define MS_STREAM_MAX	(64 * 1024)

struct ms_vdev {
	struct siovh_target *t;
	struct siovh_vdev *v;
	const char *type;
	uint32_t maxq;
	bool open;
	char name;			/* 'A', 'B', 'H': in verdicts */
	int efd[VDEV_MAX_QUEUES + 1];	/* MSI-X eventfds, -1 when unarmed */
};

struct ms_stream {
	uint8_t *p;
	size_t len;
};

/*
 * What the guest (and a test) sees of a VDEV: the config space and BAR0
 * words a driver reads (with each read's result), the VDCM's queue
 * accounting and, per ADI it holds, in order, what the ADI keeps, and
 * the PBA (pending bits are part of the migrated state, vdcm.h). Not the
 * PASID an ADI carries: each VDEV has its own.
 */
#define MS_CFG_WORDS	((0x40 + 0x80 + 0x40) / 4)
#define MS_BAR0_WORDS	(0x60 / 4 + VDEV_MAX_QUEUES * 8 + \
			 (VDEV_MAX_QUEUES + 1) * 4)
struct ms_vis {
	uint32_t cfg[MS_CFG_WORDS];
	int32_t cfg_ret[MS_CFG_WORDS];
	uint32_t bar0[MS_BAR0_WORDS];
	int32_t bar0_ret[MS_BAR0_WORDS];
	uint32_t nr_bar0;
	uint32_t pba;			/* vectors 0-31 */
	int32_t pba_ret;
	uint32_t cur_queues, max_queues, nr_adis;
	struct {
		uint32_t enabled, pasid_valid, queued, ims_masked, page_wait;
	} adi[SIOVH_VDEV_MAX_ADIS];
};

/* ---- oracle.c ---- */

/* VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE SET: 0 or -errno; the data fd the
 * request hands out in *fd (or closed when fd is NULL). */
int ms_mig_set(struct ms_vdev *d, uint32_t state, int *fd);
/* The current state (GET); fz_fail()s if the GET fails. */
uint32_t ms_mig_get(struct ms_vdev *d);
/* MIG_DATA_SIZE's stop_copy_length; fz_fail()s if the GET fails. */
uint64_t ms_mig_data_size(struct ms_vdev *d);
/* MIGRATION's flags; fz_fail()s if the GET fails. */
uint64_t ms_mig_flags(struct ms_vdev *d);

/*
 * Save d: request STOP_COPY (from any state), read the whole stream into
 * s, request STOP. The oracle's checks on the way: the arcs succeed, the
 * data fd reads to its end, MIG_DATA_SIZE in STOP is no smaller than the
 * stream (linux/vfio.h: its estimate "required to complete stop copy").
 */
void ms_save(struct ms_vdev *d, struct ms_stream *s);

/* Read a STOP_COPY data fd (fz_fail() when there is none) to its end into
 * s, and close it. */
void ms_read_stream(struct ms_vdev *d, int fd, struct ms_stream *s);

/* Request RESUMING (from any state) and write s to the data fd in the
 * chunks cuts[0..n) gives (each a length; the rest in one last write). */
void ms_resume_write(struct ms_vdev *d, const struct ms_stream *s,
		     const uint16_t *cuts, size_t n);

/* Take and compare the visible state; fz_fail() naming what differs. */
void ms_vis_take(struct ms_vdev *d, struct ms_vis *v);
void ms_vis_expect_same(const struct ms_vis *want, const struct ms_vis *got,
			const char *what);
/* Two saved streams must be byte-for-byte the same. */
void ms_stream_expect_same(const struct ms_stream *want,
			   const struct ms_stream *got, const char *what);

/* Region access: pread/pwrite of len bytes at region index, offset off. */
ssize_t ms_region_rw(struct ms_vdev *d, uint32_t index, uint64_t off,
		     void *buf, size_t len, bool write);

#endif /* SIOVH_FUZZ_MIG_STREAM_H */
