/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the fuzz targets in fuzz/<name>/<name>.c.
 *
 * Contract of every target: one LLVMFuzzerTestOneInput() that builds what
 * it needs from nothing, runs the input and frees everything before it
 * returns, so that no state (and no leak) carries from one input to the
 * next. A finding is a sanitizer report or an abort() through fz_fail(),
 * whose message says what the oracle expected; returning normally means
 * the input found nothing. The same object links with three drivers:
 * libFuzzer's, AFL++'s persistent loop (afl_driver.c) and the plain replay
 * driver of `make check` (replay.c).
 *
 * struct fz reads the input front to back; past its end every read is
 * zero, so any byte string decodes (a fuzzer never wastes an input on a
 * parse error).
 */
#ifndef SIOVH_FUZZ_H
#define SIOVH_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siovh/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline struct fz fz_init(const uint8_t *data, size_t size)
{
	return (struct fz){ data, size };
}

static inline bool fz_empty(const struct fz *f)
{
	return f->n == 0;
}

uint8_t fz_u8(struct fz *f);
uint16_t fz_u16(struct fz *f);
uint32_t fz_u32(struct fz *f);
uint64_t fz_u64(struct fz *f);
/* Copy len bytes into dst, zero-filled past the end of the input. */
void fz_bytes(struct fz *f, void *dst, size_t len);
/* One of n table entries (n > 0), chosen by the next byte. */
#define fz_pick(f, table) \
	((table)[fz_u8(f) % (sizeof(table) / sizeof((table)[0]))])

/* Print "siovh-fuzz: what" and abort(): the oracle's verdict. */
__attribute__((noreturn, format(printf, 1, 2)))
void fz_fail(const char *fmt, ...);

/* Open a faultless ref target into t; fz_fail() if that fails. */
void fz_ref_open(struct siovh_target *t);

#endif /* SIOVH_FUZZ_H */
