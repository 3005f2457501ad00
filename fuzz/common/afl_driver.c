// SPDX-License-Identifier: MIT
/*
 * The AFL++ driver of every target: a persistent loop over test cases in
 * shared memory (afl-clang-fast's __AFL_FUZZ_INIT / __AFL_LOOP), so one
 * process runs many inputs; LLVMFuzzerTestOneInput starts every input
 * from the same verified state (fuzz.h), which is what makes that sound. Outside afl-fuzz (a
 * reproducer run by hand, afl-tmin, afl-cmin) the same macros read one
 * input from stdin; a file argument is read instead when given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>	/* read(), in the __AFL_FUZZ_* macros */

#include "fuzz.h"

#define MAX_INPUT	(1u << 20)	/* what the .options say, and more */
#define LOOP_COUNT	100000		/* inputs per forked process */

__AFL_FUZZ_INIT();

static int run_file(const char *path)
{
	static uint8_t buf[MAX_INPUT];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	int i, ret = 0;

	if (argc > 1) {
		for (i = 1; i < argc && !ret; i++)
			ret = run_file(argv[i]);
		return ret;
	}
	__AFL_INIT();
	/* Only after the fork server started: the buffer is per child. */
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(LOOP_COUNT))
		LLVMFuzzerTestOneInput(buf, __AFL_FUZZ_TESTCASE_LEN);
	return 0;
}
