/* SPDX-License-Identifier: MIT */
/*
 * Where a request's PASID entry lives, as in VT-d scalable mode: the root
 * table indexed by bus, a context table indexed by devfn, and the device's
 * PASID table. The untagged entry (VT-d's RID_PASID entry) translates DMA
 * without a PASID prefix. PASIDs go through a directory of 64-entry leaf
 * tables, so a device with a few PASIDs in a 2^20 space costs a few leaves,
 * not a megabyte-sized table.
 */
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "viommu_internal.h"

static void pasid_table_free(struct pasid_table *pt)
{
	uint32_t i;

	/* Most leaves were never allocated; skipping them matters under
	 * ASan, whose free() interceptor is costly even for NULL. */
	for (i = 0; i < pt->nr_dir; i++)
		if (pt->dir[i])
			free(pt->dir[i]);
	free(pt->dir);
	free(pt);
}

void root_table_destroy(struct root_table *rt)
{
	unsigned int bus, devfn;

	for (bus = 0; bus < 256; bus++) {
		struct context_table *ct = rt->bus[bus];

		if (!ct)
			continue;
		for (devfn = 0; devfn < 256; devfn++)
			if (ct->dev[devfn])
				pasid_table_free(ct->dev[devfn]);
		free(ct);
		rt->bus[bus] = NULL;
	}
}

static struct pasid_table *pasid_table_alloc(const struct viommu *v)
{
	uint32_t bits = v->cfg.pasid_bits;
	struct pasid_table *pt;

	pt = ref_calloc(1, sizeof(*pt));
	if (!pt)
		return NULL;
	/* At least one leaf, even for fewer than 64 PASIDs. */
	pt->nr_dir = bits > PASID_LEAF_BITS ?
		     1u << (bits - PASID_LEAF_BITS) : 1;
	pt->dir = ref_calloc(pt->nr_dir, sizeof(*pt->dir));
	if (!pt->dir) {
		free(pt);
		return NULL;
	}
	return pt;
}

/* The device's PASID table, made on demand with alloc. */
static struct pasid_table *pasid_table_get(struct viommu *v, uint16_t rid,
					   bool alloc)
{
	struct context_table **ct = &v->root.bus[rid >> 8];
	struct pasid_table **pt;

	if (!*ct) {
		if (!alloc)
			return NULL;
		*ct = ref_calloc(1, sizeof(**ct));
		if (!*ct)
			return NULL;
	}
	pt = &(*ct)->dev[rid & 0xff];
	if (!*pt && alloc)
		*pt = pasid_table_alloc(v);
	return *pt;
}

bool pasid_table_exists(const struct viommu *v, uint16_t rid)
{
	const struct context_table *ct = v->root.bus[rid >> 8];

	return ct && ct->dev[rid & 0xff];
}

struct pasid_entry *pasid_entry_find(struct viommu *v, uint16_t rid,
				     uint32_t pasid, bool alloc)
{
	struct pasid_table *pt = pasid_table_get(v, rid, alloc);
	struct pasid_leaf **leaf;

	if (!pt)
		return NULL;
	if (pasid == VIOMMU_NO_PASID)
		return &pt->untagged;
	leaf = &pt->dir[pasid >> PASID_LEAF_BITS];
	if (!*leaf) {
		if (!alloc)
			return NULL;
		*leaf = ref_calloc(1, sizeof(**leaf));
		if (!*leaf)
			return NULL;
	}
	return &(*leaf)->e[pasid & (PASID_LEAF_ENTRIES - 1)];
}
