/* SPDX-License-Identifier: MIT */
/*
 * iommufd_ops' raw mode: the call it builds, and the lines its operations
 * write into the per-operation trace (raw_trace.c; the line format is
 * fuzz/common/trace.h's). Private to fuzz/iommufd_ops/.
 */
#ifndef SIOVH_FUZZ_IOMMUFD_OPS_RAW_TRACE_H
#define SIOVH_FUZZ_IOMMUFD_OPS_RAW_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One ioctl: its struct as built, and how its size was shaped. */
struct call {
	unsigned long cmd;
	uint8_t *arg;			/* max(size, 4) bytes */
	uint32_t size;
	size_t known, min;
	bool rules;			/* the size rules apply */
};

/* ", size N" when the caller's size is not the struct's ("" when it is;
 * one static buffer). */
const char *size_text(const struct call *c);
/* A MAP's or COPY's line (args: its call as text) after it returned ret. */
void trace_placed(const struct call *c, const char *args, int ret,
		  uint32_t ioas, uint32_t flags, uint64_t iova_in,
		  uint64_t length);
/* IOVA_RANGES' line: out holds the ranges the call wrote (room max). */
struct iommu_iova_range;
void trace_ranges(const struct call *c, const char *name, uint32_t max,
		  int ret, const struct iommu_iova_range *out);
/* Does Linux's VFS answer cmd for any file before iommufd sees it? */
bool vfs_ioctl(unsigned long cmd);
/* An IOAS engine's finished call as a trace line (ioas_seq_trace). */
void trace_engine_line(const char *line, void *data);

#endif /* SIOVH_FUZZ_IOMMUFD_OPS_RAW_TRACE_H */
