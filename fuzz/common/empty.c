// SPDX-License-Identifier: MIT
/*
 * The empty target of `make bench-fuzz`: the engines' own cost per input,
 * built with the same flags as the real targets, which are measured
 * against it.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile uint8_t sink = 0;

	if (size)
		sink = data[0];
	(void)sink;
	return 0;
}
