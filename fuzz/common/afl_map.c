// SPDX-License-Identifier: MIT
/*
 * AFL++'s map: see afl_map.h. Compiled with plain clang, never with the
 * AFL++ pass, and linked only into the AFL++ builds (fuzz.mk).
 */
#include <stdlib.h>

#include "afl_map.h"

/* AFL++'s runtime (afl-compiler-rt): the map, its size as the fork server
 * announces it, and one past the last edge ID the pass gave out. */
extern uint8_t *__afl_area_ptr;
extern uint32_t __afl_map_size;
extern uint32_t __afl_final_loc;

/* The most a fork server's hello can announce (AFL++'s FS_OPT_MAX_MAPSIZE). */
#define AFL_MAX_MAP	(1u << 23)

long fz_afl_map_reserve(uint32_t n)
{
	uint32_t base;

	/* Outside afl-fuzz the runtime's buffer is its own, sized as is. */
	if (!getenv("__AFL_SHM_ID"))
		return -1;
	base = (__afl_map_size + 63) & ~63u;	/* a cache line of its own */
	if (base < __afl_map_size || base > AFL_MAX_MAP - n)
		return -1;
	__afl_map_size = base + n;
	if (__afl_final_loc < __afl_map_size)
		__afl_final_loc = __afl_map_size;
	return base;
}

uint8_t *fz_afl_map(void)
{
	return __afl_area_ptr;
}
