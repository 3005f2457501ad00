/* SPDX-License-Identifier: MIT */
/*
 * The divergence report both sequence engines (ioasid_seq, vdev_seq) write
 * when target and model disagree: the step, the call being run, what
 * differed, then the last lines of the engine's trace ring, oldest first.
 */
#ifndef SIOVH_SEQ_REPORT_H
#define SIOVH_SEQ_REPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * ring holds cap lines of stride bytes each; n lines were ever written
 * (line i lives at i % cap). The report is always NUL-terminated.
 */
void seq_report_divergence(char *report, size_t size, uint64_t step,
			   const char *line, const char *ring, size_t stride,
			   size_t cap, size_t n, const char *fmt, va_list ap);

/* "0", "-EINVAL", ...: a return value as the engines' traces show it. */
const char *seq_report_errname(int err);

#endif /* SIOVH_SEQ_REPORT_H */
