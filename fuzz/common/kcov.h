/* SPDX-License-Identifier: MIT */
/*
 * Kernel coverage as fuzzer feedback (issue 9), for the fuzz targets
 * running against a real kernel in a VM (SIOVH_FUZZ_TARGET, kernel_target.c).
 *
 * KCOV (CONFIG_KCOV, /sys/kernel/debug/kcov) records the kernel PCs that
 * the syscalls of one thread reach. fz_kcov_begin() starts recording for
 * the calling thread, fz_kcov_end() stops it and folds the PCs into the
 * fuzzer's map as edges (hash of each PC with its predecessor), so that
 * an input reaching a new kernel edge is "new coverage" to the fuzzer like
 * a new edge of the harness is:
 *  - libFuzzer: a block of 8-bit counters in the section libFuzzer scans
 *    for extra counters (__libfuzzer_extra_counters); libFuzzer clears
 *    them before each input and reads them after it;
 *  - the plain replay driver: nothing reads the counters; fz_kcov_edges()
 *    still counts what the inputs reached (for `make fuzz-kernel`'s stats).
 *  - AFL++: MAP_SIZE bytes of its shared map that the driver reserved
 *    above the instrumentation's edges before the fork server started
 *    (afl_driver.c, afl_map.h); afl-fuzz clears the whole map before each
 *    input and reads it after, the kernel's region included.
 *
 * With SIOVH_FUZZ_KCOV_PCS=FILE in the environment, the distinct kernel
 * PCs the process's inputs reached are also written to FILE at exit (hex,
 * one per line, ascending): what vm-images/kernel-seeds.sh picks the
 * committed kernel seeds by, one process per corpus file.
 *
 * Without KCOV (a kernel built without it, no debugfs) fz_kcov_open()
 * says why once and the calls below do nothing: the fuzzer then sees only
 * the harness's own coverage, which is what it says.
 */
#ifndef SIOVH_FUZZ_KCOV_H
#define SIOVH_FUZZ_KCOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of the map the kernel's edges are folded into. */
#define FZ_KCOV_MAP_SIZE	65536u

/* Open KCOV for this process: 0, or -errno with the reason on stderr. */
int fz_kcov_open(void);
/* Record the calling thread's kernel PCs from now (after fz_kcov_open). */
void fz_kcov_begin(void);
/* Stop recording and fold the PCs into the map; the number of PCs. */
size_t fz_kcov_end(void);
/* Distinct map entries (kernel edges, modulo collisions) hit so far. */
uint64_t fz_kcov_edges(void);
/* KCOV (or its fake) is open: fz_kcov_end() will fold edges. */
bool fz_kcov_active(void);
/* Fold into map (FZ_KCOV_MAP_SIZE bytes; AFL++'s) from now; NULL: back to
 * libFuzzer's extra counters. */
void fz_kcov_map(uint8_t *map);
/*
 * Test hook: with SIOVH_FUZZ_KCOV_FAKE=1 in the environment, fz_kcov_open
 * succeeds without a kernel and this records pc as KCOV would have for
 * the input being traced (between begin and end); a no-op otherwise.
 */
void fz_kcov_fake_pc(unsigned long pc);

#endif /* SIOVH_FUZZ_KCOV_H */
