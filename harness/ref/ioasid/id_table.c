/* SPDX-License-Identifier: MIT */
/*
 * ID -> entry directory; see id_table.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "id_table.h"

_Static_assert(sizeof(void *) != 8 || sizeof(struct ioasid_entry) == 40,
	       "an entry is 40 bytes on LP64: keep the per-ID budget");

int id_table_init(struct id_table *tbl, uint32_t capacity)
{
	uint64_t chunks = ((uint64_t)capacity + ID_TABLE_CHUNK_IDS - 1) >>
			  ID_TABLE_CHUNK_SHIFT;

	if (capacity == 0)
		return -EINVAL;
	*tbl = (struct id_table){
		.capacity = capacity,
		.nr_chunks = (uint32_t)chunks,
	};
	tbl->dir = ref_calloc(tbl->nr_chunks, sizeof(*tbl->dir));
	return tbl->dir ? 0 : -ENOMEM;
}

void id_table_destroy(struct id_table *tbl)
{
	uint32_t i;

	/* Chunks are allocated lazily: skip the holes (free(NULL) is not
	 * free under ASan, and a fuzz target destroys a core per input). */
	for (i = 0; i < tbl->nr_chunks && tbl->dir; i++)
		if (tbl->dir[i])
			free(tbl->dir[i]);
	free(tbl->dir);
	*tbl = (struct id_table){ 0 };
}

void id_entry_reset(struct ioasid_entry *e)
{
	*e = (struct ioasid_entry){
		.state = SIOVH_IOASID_STATE_FREE,
		.spid = SIOVH_INVALID_IOASID,
		.spid_next = ID_NONE,
		.set_prev = ID_NONE,
		.set_next = ID_NONE,
	};
}

struct ioasid_entry *id_table_lookup(const struct id_table *tbl, uint32_t id)
{
	struct ioasid_entry *chunk;

	if (id >= tbl->capacity)
		return NULL;
	chunk = tbl->dir[id >> ID_TABLE_CHUNK_SHIFT];
	return chunk ? &chunk[id & (ID_TABLE_CHUNK_IDS - 1)] : NULL;
}

static struct ioasid_entry *chunk_alloc(void)
{
	struct ioasid_entry *chunk;
	uint32_t i;

	chunk = ref_malloc(ID_TABLE_CHUNK_IDS * sizeof(*chunk));
	if (!chunk)
		return NULL;
	for (i = 0; i < ID_TABLE_CHUNK_IDS; i++)
		id_entry_reset(&chunk[i]);
	return chunk;
}

struct ioasid_entry *id_table_get(struct id_table *tbl, uint32_t id)
{
	struct ioasid_entry **slot;

	if (id >= tbl->capacity)
		return NULL;
	slot = &tbl->dir[id >> ID_TABLE_CHUNK_SHIFT];
	if (!*slot) {
		*slot = chunk_alloc();
		if (!*slot)
			return NULL;
		tbl->nr_allocated++;
	}
	return &(*slot)[id & (ID_TABLE_CHUNK_IDS - 1)];
}

size_t id_table_bytes(const struct id_table *tbl)
{
	return (size_t)tbl->nr_chunks * sizeof(*tbl->dir) +
	       (size_t)tbl->nr_allocated * ID_TABLE_CHUNK_IDS *
	       sizeof(struct ioasid_entry);
}
