/* SPDX-License-Identifier: MIT */
/*
 * Internals of harness/core shared between its files; not a public API.
 *
 * The child -> parent result protocol. The child writes frames to the result
 * pipe: a struct siovh_frame header (host byte order) followed by `len`
 * payload bytes. Frames are written whole, in order, unbuffered, so that what
 * a check recorded before crashing still reaches the parent.
 *
 *	FEATURES  8 bytes: the opened target's feature mask (uint64_t)
 *	MESSAGE   a failure message (text, no NUL)
 *	NOTE      a siovh_note() line
 *	SKIP      the skip reason
 *	ERROR     the runner's own failure reason (the target did not open)
 *	DROPPED   8 bytes: failure messages not sent (beyond the cap)
 *	DONE      empty: the check finished (returned, ASSERTed or SKIPped)
 *
 * A child that exits without DONE did not finish its check.
 */
#ifndef SIOVH_CORE_INTERNAL_H
#define SIOVH_CORE_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "siovh/runner.h"

enum siovh_frame_type {
	SIOVH_FRAME_FEATURES = 1,
	SIOVH_FRAME_MESSAGE = 2,
	SIOVH_FRAME_NOTE = 3,
	SIOVH_FRAME_SKIP = 4,
	SIOVH_FRAME_ERROR = 5,
	SIOVH_FRAME_DROPPED = 6,
	SIOVH_FRAME_DONE = 7,
};

struct siovh_frame {
	uint32_t type;
	uint32_t len;
};

/* Longest text payload a child sends; longer text is cut. */
#define SIOVH_FRAME_TEXT_MAX 4096u
/* Longest payload the parent accepts; more is a protocol error. */
#define SIOVH_FRAME_MAX (SIOVH_FRAME_TEXT_MAX + 64u)

/* The per-check context (spec.h's struct siovh_check), child side only. */
struct siovh_check {
	struct siovh_target *target;
	uint64_t seed;
	int fd;				/* result pipe, write end */
	bool failed;
	size_t nr_messages;
	uint64_t messages_dropped;
};

/*
 * Child side (check.c). Runs clause against a target opened from spec,
 * reporting on fd; never returns.
 */
__attribute__((noreturn))
void siovh_child_run(const struct siovh_target_spec *spec,
		     const struct siovh_clause *clause, uint64_t seed, int fd);

/* Index of the fault name[0..len) in b's table, or -1. */
int siovh_fault_find(const struct siovh_backend *b, const char *name,
		     size_t len);

/*
 * Bounded capture of a child's output (capture.c): the first
 * SIOVH_OUTPUT_HEAD bytes, the last SIOVH_OUTPUT_TAIL bytes, and a count of
 * the bytes in between.
 */
struct siovh_capture {
	char *head;			/* SIOVH_OUTPUT_HEAD bytes */
	char *tail;			/* ring of SIOVH_OUTPUT_TAIL bytes */
	size_t head_len;
	size_t tail_pos;		/* next write position in the ring */
	size_t tail_len;
	uint64_t dropped;
};

int siovh_capture_init(struct siovh_capture *c);
void siovh_capture_reset(struct siovh_capture *c);
void siovh_capture_free(struct siovh_capture *c);
void siovh_capture_add(struct siovh_capture *c, const char *buf, size_t len);
/* The kept text, sanitized, with a dropped-bytes marker when needed. */
char *siovh_capture_text(const struct siovh_capture *c, size_t *len);

/*
 * Copy of buf[0..len) as NUL-terminated valid UTF-8 that is also valid XML
 * 1.0 character data: malformed sequences, control characters other than
 * tab, newline and CR, and U+FFFE/U+FFFF become U+FFFD. NULL on ENOMEM.
 */
char *siovh_text_sanitize(const char *buf, size_t len, size_t *outlen);

/* vasprintf that returns NULL on failure. */
__attribute__((format(printf, 1, 0)))
char *siovh_vstrfmt(const char *fmt, va_list ap);
__attribute__((format(printf, 1, 2)))
char *siovh_strfmt(const char *fmt, ...);

uint64_t siovh_now_ns(void);		/* CLOCK_MONOTONIC */

#endif /* SIOVH_CORE_INTERNAL_H */
