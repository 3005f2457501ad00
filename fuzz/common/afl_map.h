/* SPDX-License-Identifier: MIT */
/*
 * AFL++'s coverage map, for the feedback that is not the compiler pass's
 * (the kernel's edges through KCOV, kcov.h), in the AFL++ builds.
 *
 * afl_map.c is compiled without AFL++'s pass (fuzz.mk): the pass declares
 * its runtime's globals (__afl_area_ptr, __afl_final_loc) in every module
 * it instruments and renames a declaration it finds there, so a file it
 * compiles cannot name them.
 */
#ifndef SIOVH_FUZZ_AFL_MAP_H
#define SIOVH_FUZZ_AFL_MAP_H

#include <stdint.h>

/*
 * Under afl-fuzz (its map's shared memory in the environment), grow the
 * map the fork server will announce by n bytes above the instrumentation's
 * edges and return their offset; -1 when not under afl-fuzz (the runtime's
 * own buffer then has no room to spare) or when the map would exceed what
 * the fork server can announce. Before __AFL_INIT(): the size is sent in
 * the fork server's hello, and afl-fuzz's map (its first shared memory is
 * the largest map size) already covers it.
 */
long fz_afl_map_reserve(uint32_t n);
/* The map (__afl_area_ptr): valid after the fork server started. */
uint8_t *fz_afl_map(void);

#endif /* SIOVH_FUZZ_AFL_MAP_H */
