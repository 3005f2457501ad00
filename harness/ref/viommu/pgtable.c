/* SPDX-License-Identifier: MIT */
/*
 * Second-stage page tables: 4 levels of 512-entry tables, 4 KiB leaves.
 * IOVA bits 47:39 index level 4, 38:30 level 3, 29:21 level 2 and 20:12
 * the leaf table, as in VT-d's 4-level second stage. Tables are made on
 * demand by map and freed when the domain goes; an unmap only clears
 * leaves (as most drivers do, keeping the tables for the next map).
 */
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "viommu_internal.h"

static unsigned int pt_index(uint64_t iova, unsigned int level)
{
	unsigned int shift = VIOMMU_PAGE_SHIFT + (level - 1) * PT_INDEX_BITS;

	return (unsigned int)(iova >> shift) & (PT_ENTRIES - 1);
}

int pt_init(struct pt_root *pt)
{
	pt->top = ref_calloc(1, sizeof(*pt->top));
	return pt->top ? 0 : -1;
}

/* Free a table of `level` and every table below it. */
static void pt_free_level(struct pt_table *t, unsigned int level)
{
	unsigned int i;

	if (level > 1) {
		for (i = 0; i < PT_ENTRIES; i++)
			if (t->e[i])
				pt_free_level((struct pt_table *)t->e[i],
					      level - 1);
	}
	free(t);
}

void pt_destroy(struct pt_root *pt)
{
	if (pt->top)
		pt_free_level(pt->top, PT_LEVELS);
	pt->top = NULL;
}

uintptr_t *pt_leaf(struct pt_root *pt, uint64_t iova, bool alloc)
{
	struct pt_table *t = pt->top;
	unsigned int level;

	for (level = PT_LEVELS; level > 1; level--) {
		uintptr_t *slot = &t->e[pt_index(iova, level)];

		if (!*slot) {
			struct pt_table *next;

			if (!alloc)
				return NULL;
			next = ref_calloc(1, sizeof(*next));
			if (!next)
				return NULL;
			*slot = (uintptr_t)next;
		}
		t = (struct pt_table *)*slot;
	}
	return &t->e[pt_index(iova, 1)];
}

static void pt_walk_level(struct pt_table *t, unsigned int level,
			  uint64_t base, uint64_t start, uint64_t end,
			  pt_leaf_fn *fn, void *ctx)
{
	unsigned int shift = VIOMMU_PAGE_SHIFT + (level - 1) * PT_INDEX_BITS;
	uint64_t span = 1ull << shift;
	unsigned int i = start > base ? (unsigned int)((start - base) >> shift)
				      : 0;

	for (; i < PT_ENTRIES; i++) {
		uint64_t at = base + (uint64_t)i * span;

		if (at >= end)
			break;
		if (!t->e[i])
			continue;
		if (level == 1)
			fn(&t->e[i], at, ctx);
		else
			pt_walk_level((struct pt_table *)t->e[i], level - 1,
				      at, start, end, fn, ctx);
	}
}

void pt_walk(struct pt_root *pt, uint64_t start, uint64_t end,
	     pt_leaf_fn *fn, void *ctx)
{
	pt_walk_level(pt->top, PT_LEVELS, 0, start, end, fn, ctx);
}
