// SPDX-License-Identifier: MIT
/*
 * The AFL++ driver of every target: a persistent loop over test cases in
 * shared memory (afl-clang-fast's __AFL_FUZZ_INIT / __AFL_LOOP), so one
 * process runs many inputs; LLVMFuzzerTestOneInput starts every input
 * from the same verified state (fuzz.h), which is what makes that sound. Outside afl-fuzz (a
 * reproducer run by hand, afl-tmin, afl-cmin) the same macros read one
 * input from stdin; a file argument is read instead when given.
 *
 * afl-fuzz puts its fork servers (this binary, and the CmpLog build of it)
 * in sessions of their own, so the SIGKILL that stops a campaign's process
 * group does not reach them, and once afl-fuzz is gone they wait forever
 * (a persistent child stopped before its next input). So the fork server
 * asks to be killed when the process that started it dies, and each child
 * when its fork server does (die_with_parent).
 *
 * Against a kernel (SIOVH_FUZZ_TARGET, with KCOV) the kernel's edges are
 * AFL++ feedback too: before the fork server starts, the driver grows the
 * map it announces by FZ_KCOV_MAP_SIZE bytes above the instrumentation's
 * edges (afl_map.h) and kcov.c folds each input's kernel PCs there
 * instead of into libFuzzer's counters. KCOV is opened here, before the
 * fork, so every child traces through the same buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>	/* read(), in the __AFL_FUZZ_* macros */

#include "afl_map.h"
#include "fuzz.h"
#include "kcov.h"

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

/* SIGKILL when parent exits; gone at once if it already has. */
static void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	pid_t self = getpid();
	int i, ret = 0;
	long kmap;

	if (argc > 1) {
		for (i = 1; i < argc && !ret; i++)
			ret = run_file(argv[i]);
		return ret;
	}
	die_with_parent(getppid());
	/* Opens KCOV when the target is a kernel (kernel_target.c). */
	(void)fz_target_spec();
	kmap = fz_kcov_active() ? fz_afl_map_reserve(FZ_KCOV_MAP_SIZE) : -1;
	__AFL_INIT();
	if (kmap >= 0) {
		fz_kcov_map(fz_afl_map() + kmap);
		/* (afl-fuzz shows a child's stderr with AFL_DEBUG_CHILD) */
		fprintf(stderr, "siovh-fuzz: kernel edges in AFL++'s map at "
			"[%ld, +%u)\n", kmap, FZ_KCOV_MAP_SIZE);
	}
	/* In a child of the fork server (not when run without one). */
	if (getpid() != self)
		die_with_parent(self);
	/* Only after the fork server started: the buffer is per child. */
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(LOOP_COUNT))
		LLVMFuzzerTestOneInput(buf, __AFL_FUZZ_TESTCASE_LEN);
	return 0;
}
