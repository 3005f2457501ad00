/* SPDX-License-Identifier: MIT */
/*
 * The trace and divergence report the sequence engines (ioasid_seq,
 * vdev_seq, ioas_seq, prq_seq) keep: the call being run, a ring of the
 * last finished calls ("#step call -> result") and, when target and model
 * disagree, a report naming the step, the call, what differed, then the
 * ring's lines, oldest first.
 */
#ifndef SIOVH_SEQ_REPORT_H
#define SIOVH_SEQ_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * ring holds cap lines of stride bytes each; n lines were ever written
 * (line i lives at i % cap). The report is always NUL-terminated.
 */
void seq_report_divergence(char *report, size_t size, uint64_t step,
			   const char *line, const char *ring, size_t stride,
			   size_t cap, size_t n, const char *fmt, va_list ap);

#define SEQ_TRACE_LINE		200	/* the largest line_size */
#define SEQ_TRACE_REPORT	4096	/* the largest report */

/*
 * One engine's trace, embedded in the engine and set up by seq_trace_init
 * (on zeroed memory). The sizes are the engine's own: its call text keeps
 * line_size - 1 characters, a ring line quotes at most shown of them, the
 * report keeps report_size - 1; the ring is the engine's array of cap
 * lines of stride bytes.
 */
struct seq_trace {
	uint64_t step;			/* in this run */
	uint64_t ops;			/* since open */
	bool broken;			/* diverged: the target is unknown */
	char line[SEQ_TRACE_LINE];	/* the call being run */
	size_t line_size;
	int shown;
	char *ring;
	size_t stride, cap;
	size_t n;			/* ring lines ever written */
	char report[SEQ_TRACE_REPORT];
	size_t report_size;
	void (*fn)(const char *line, void *data); /* sees every ring line */
	void *data;
};

/* An engine's char ring[cap][stride], as seq_trace_init takes it. */
#define SEQ_TRACE_RING(ring) \
	(ring)[0], sizeof((ring)[0]), sizeof(ring) / sizeof((ring)[0])

void seq_trace_init(struct seq_trace *t, size_t line_size, int shown,
		    char *ring, size_t stride, size_t cap, size_t report_size);
/* A new run: step 0, the ring and the report empty. */
void seq_trace_restart(struct seq_trace *t);
/* The next step: count it, format its call into line. */
__attribute__((format(printf, 2, 3)))
void seq_trace_begin(struct seq_trace *t, const char *fmt, ...);
__attribute__((format(printf, 2, 0)))
void seq_trace_vbegin(struct seq_trace *t, const char *fmt, va_list ap);
/* Finish the call into the ring: "#step line -> <fmt...>". */
__attribute__((format(printf, 2, 3)))
void seq_trace_donef(struct seq_trace *t, const char *fmt, ...);
/* The same with a number: "#step line -> ret". */
void seq_trace_done(struct seq_trace *t, long ret);
/* A ring line with its own ending: "#step line<fmt...>". */
__attribute__((format(printf, 2, 3)))
void seq_trace_note(struct seq_trace *t, const char *fmt, ...);
/*
 * The first divergence marks the trace broken and writes the report
 * (seq_report_divergence); later ones change nothing. Returns false.
 */
__attribute__((format(printf, 2, 3)))
bool seq_trace_diverge(struct seq_trace *t, const char *fmt, ...);

/* "0", "-EINVAL", ...: a return value as the engines' traces show it. */
const char *seq_report_errname(int err);

#endif /* SIOVH_SEQ_REPORT_H */
