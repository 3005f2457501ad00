/* SPDX-License-Identifier: MIT */
/*
 * A set's spid -> ID map; see spid_map.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "spid_map.h"

#define SPID_MAP_MIN_BITS 4
#define SPID_MAP_MAX_BITS 31

/* Fibonacci hashing: the top bits of spid * 2^32 / phi spread any pattern. */
static uint32_t bucket_of(uint32_t spid, unsigned int bits)
{
	return (uint32_t)(spid * 0x9e3779b9u) >> (32 - bits);
}

void spid_map_destroy(struct spid_map *map)
{
	free(map->buckets);
	*map = (struct spid_map){ 0 };
}

/* Move every chain into a table of 2^bits buckets. */
static int rehash(struct spid_map *map, struct id_table *ids,
		  unsigned int bits)
{
	uint32_t old_size = map->buckets ? 1u << map->bits : 0;
	uint32_t size = 1u << bits;
	uint32_t *buckets;
	uint32_t b, i;

	buckets = ref_malloc(size * sizeof(*buckets));
	if (!buckets)
		return -ENOMEM;
	for (b = 0; b < size; b++)
		buckets[b] = ID_NONE;

	for (b = 0; b < old_size; b++) {
		uint32_t id = map->buckets[b];

		while (id != ID_NONE) {
			struct ioasid_entry *e = id_table_lookup(ids, id);
			uint32_t next = e->spid_next;

			i = bucket_of(e->spid, bits);
			e->spid_next = buckets[i];
			buckets[i] = id;
			id = next;
		}
	}
	free(map->buckets);
	map->buckets = buckets;
	map->bits = bits;
	return 0;
}

int spid_map_reserve(struct spid_map *map, struct id_table *ids)
{
	if (!map->buckets)
		return rehash(map, ids, SPID_MAP_MIN_BITS);
	if (map->count < 1u << map->bits || map->bits == SPID_MAP_MAX_BITS)
		return 0;
	/* Growing is an optimisation: on failure, longer chains will do. */
	(void)rehash(map, ids, map->bits + 1);
	return 0;
}

void spid_map_insert(struct spid_map *map, struct id_table *ids, uint32_t id)
{
	struct ioasid_entry *e = id_table_lookup(ids, id);
	uint32_t *head = &map->buckets[bucket_of(e->spid, map->bits)];

	e->spid_next = *head;
	*head = id;
	map->count++;
}

bool spid_map_remove(struct spid_map *map, struct id_table *ids, uint32_t id)
{
	struct ioasid_entry *e = id_table_lookup(ids, id);
	uint32_t *link;

	if (!map->buckets)
		return false;
	link = &map->buckets[bucket_of(e->spid, map->bits)];
	while (*link != ID_NONE && *link != id)
		link = &id_table_lookup(ids, *link)->spid_next;
	if (*link == ID_NONE)
		return false;
	*link = e->spid_next;
	e->spid_next = ID_NONE;
	map->count--;
	return true;
}

uint32_t spid_map_lookup(const struct spid_map *map,
			 const struct id_table *ids, uint32_t spid)
{
	uint32_t id;

	if (!map->buckets)
		return ID_NONE;
	id = map->buckets[bucket_of(spid, map->bits)];
	while (id != ID_NONE) {
		const struct ioasid_entry *e = id_table_lookup(ids, id);

		if (e->spid == spid)
			return id;
		id = e->spid_next;
	}
	return ID_NONE;
}

size_t spid_map_bytes(const struct spid_map *map)
{
	return map->buckets ? ((size_t)1 << map->bits) * sizeof(uint32_t) : 0;
}
