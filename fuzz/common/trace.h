/* SPDX-License-Identifier: MIT */
/*
 * Per-operation trace of an op-stream fuzz target (issue 9, differential
 * replay): what an input did, one text line per operation, so that the
 * same input run on two targets (the reference and a kernel, or the
 * reference with and without an injected fault) can be compared line by
 * line (`siovh replay --diff`, harness/core/cli_replay.c).
 *
 * Off unless the replay driver asks (replay --trace); off, every call
 * site costs one test of fz_trace_on, like fz_note.
 *
 * The contract of a trace, which the comparer relies on:
 *  - An operation line: "OP ARGS -> RESULT[ OUTPUTS]". RESULT is "0" or
 *    the errno's name ("EINVAL"; fz_trace_err). ARGS are the operands the
 *    input chose, as the input chose them (a user address before the
 *    target-specific translation of the target's own buffer).
 *  - Object IDs are never raw: the Nth object of a kind the input
 *    created is "KIND#N" (fz_trace_obj_new, from 1, in creation order);
 *    an ID that names no object of this input is "id:N" (a wild one).
 *    Two targets that number objects differently give the same lines.
 *  - Values a target legitimately chooses differently are normalised:
 *    an IOVA the target chose (MAP or COPY without FIXED_IOVA) is
 *    "auto#K" (the Kth chosen range of the input) and an IOVA inside one
 *    is "auto#K+OFF" (fz_trace_iova); addresses of the harness's own
 *    buffers never appear.
 *  - What follows " ~ " on an operation line is shown, not compared: an
 *    output that is the target's to choose and that the operations that
 *    follow do not depend on (an IOAS's reported geometry), or a result
 *    that is not the facet's (an ioctl number of another type, which a
 *    kernel's VFS answers for any file). "->" is never inside the
 *    operands (a line's result is after its last " -> ").
 *  - A note line starts with "! KEY: VALUE": a fact about the target the
 *    operations depend on (an IOAS's geometry, a feature the target
 *    lacks). Notes are not operations: the comparer does not compare them
 *    line by line, but when both traces have a note KEY with different
 *    values the input is not comparable on the two targets (the same
 *    bytes drive different operations), and it says so with the KEY.
 *  - The replay driver ends each file's trace with a verdict line,
 *    "= ok" or "= crash (...)" (replay.c): an oracle's abort or a
 *    sanitizer report is part of what the input observed.
 * Lines are written with one write(2) each, unbuffered, so that a trace
 * ends at the operation that crashed (an abort loses no stdio buffer).
 */
#ifndef SIOVH_FUZZ_TRACE_H
#define SIOVH_FUZZ_TRACE_H

#include <stdbool.h>
#include <stdint.h>

extern bool fz_trace_on;

/* Send trace lines to fd (default 1) and turn the trace on. */
void fz_trace_enable(int fd);
/* A new input: no objects, no chosen ranges. */
void fz_trace_reset(void);

__attribute__((format(printf, 1, 2)))
void fz_trace_line(const char *fmt, ...);
#define fz_trace(...) \
	do { if (fz_trace_on) fz_trace_line(__VA_ARGS__); } while (0)

/* "0", or an errno's name for -errno ("EINVAL"); a number otherwise. */
const char *fz_trace_err(int ret);

/* The input created an object of kind with this raw ID. */
void fz_trace_obj_new(const char *kind, uint32_t raw);
/* raw's name: "KIND#N" or "id:N" (in one of FZ_TRACE_BUFS rotating
 * buffers: up to that many names may be used in one line). */
const char *fz_trace_obj(uint32_t raw);

/* The target chose [iova, +length) (keyed by the object it lives in):
 * its name "auto#K" from now on. */
void fz_trace_iova_chosen(uint32_t obj, uint64_t iova, uint64_t length);
/* An IOVA of object obj: "auto#K[+OFF]" inside a chosen range (or at
 * most FZ_TRACE_PAGE past its start), else hex. */
#define FZ_TRACE_PAGE	4096u
const char *fz_trace_iova(uint32_t obj, uint64_t iova);

#define FZ_TRACE_BUFS	8

#endif /* SIOVH_FUZZ_TRACE_H */
