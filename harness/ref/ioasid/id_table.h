/* SPDX-License-Identifier: MIT */
/*
 * ID -> entry: a directory of lazily allocated chunks of inline entries.
 *
 * An entry is the whole per-ID state of the core, 40 bytes on LP64. IDs are
 * looked up by two shifts and a load; no tree, no hashing. A chunk is
 * allocated the first time one of its IDs is handed out and is kept until the
 * table is destroyed, so an entry pointer stays valid for the table's life
 * (the set list and spid chains link entries by ID, and a stale link can then
 * never point into freed memory) and churn at a chunk boundary does not churn
 * malloc. The directory itself is one pointer per chunk: 8 KiB for 2^20 IDs.
 */
#ifndef IOASID_ID_TABLE_H
#define IOASID_ID_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <siovh/test.h>

#include "id_bitmap.h"

struct ioasid_set;

/* Links between entries are IDs; ID_NONE (from id_bitmap.h) ends a list. */
struct ioasid_entry {
	struct ioasid_set *set;		/* owner; NULL when free */
	void *private;			/* alloc's or attach_data's */
	enum siovh_ioasid_state state;
	uint32_t refs;
	uint32_t spid;			/* SIOVH_INVALID_IOASID if none */
	uint32_t spid_next;		/* next ID in its spid bucket */
	uint32_t set_prev;		/* neighbours in the set's ID list */
	uint32_t set_next;
};

#define ID_TABLE_CHUNK_SHIFT 10
#define ID_TABLE_CHUNK_IDS (1u << ID_TABLE_CHUNK_SHIFT)

struct id_table {
	uint32_t capacity;
	uint32_t nr_chunks;		/* directory slots */
	uint32_t nr_allocated;		/* chunks allocated */
	struct ioasid_entry **dir;
};

int id_table_init(struct id_table *tbl, uint32_t capacity);
void id_table_destroy(struct id_table *tbl);

/* The entry of id, or NULL when id >= capacity or its chunk never existed. */
struct ioasid_entry *id_table_lookup(const struct id_table *tbl, uint32_t id);

/* Like lookup, but allocates the chunk (free entries) if needed. */
struct ioasid_entry *id_table_get(struct id_table *tbl, uint32_t id);

/* Return an entry to the free state, as a new chunk has it. */
void id_entry_reset(struct ioasid_entry *e);

size_t id_table_bytes(const struct id_table *tbl);

#endif /* IOASID_ID_TABLE_H */
