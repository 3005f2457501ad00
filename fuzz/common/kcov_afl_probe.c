// SPDX-License-Identifier: MIT
/*
 * The probe target of fuzz/kcov_afl_test.sh: the AFL++ driver and the KCOV
 * folding (afl_driver.c, kcov.c, afl_map.c) as the fuzz targets link them,
 * against a "kernel" whose PCs are the input's bytes (fake KCOV,
 * SIOVH_FUZZ_KCOV_FAKE): byte b is PC KBASE + 64 * b. Its own code takes
 * the same branches for every input, so what differs between two inputs'
 * AFL++ maps is what the kernel feedback put there.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/common/fuzz.h"
#include "fuzz/common/kcov.h"

#define KBASE	0xffffffff81000000ul

/* As kernel_target.c's: a kernel target opens KCOV on first use. */
const char *fz_target_spec(void)
{
	static int opened;

	if (!opened) {
		opened = 1;
		fz_kcov_open();
	}
	return "kernel";
}

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("siovh-fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	fz_kcov_begin();
	/* no branch on the data: one loop, its trip count bucketed the same
	 * for the test's inputs (all of 3 bytes) */
	while (i < size)
		fz_kcov_fake_pc(KBASE + 64ul * data[i++]);
	fz_kcov_end();
	return 0;
}
