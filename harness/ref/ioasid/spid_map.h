/* SPDX-License-Identifier: MIT */
/*
 * A set's spid -> ID map: an intrusive chained hash table.
 *
 * The chains run through the entries themselves (entry->spid_next, by ID),
 * so the map owns nothing but its bucket array: 4 bytes per bucket, at most
 * one bucket per mapped spid after growth. The table doubles when it would
 * hold more spids than buckets; if that allocation fails the map keeps its
 * size and chains get longer, so only the very first insert can fail.
 */
#ifndef IOASID_SPID_MAP_H
#define IOASID_SPID_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "id_table.h"

struct spid_map {
	uint32_t *buckets;	/* first ID of each chain, ID_NONE if empty */
	unsigned int bits;	/* 2^bits buckets, once there are any */
	uint32_t count;		/* IDs linked in */
};

void spid_map_destroy(struct spid_map *map);

/* Make room for one more spid (grows the table). 0 or -ENOMEM. */
int spid_map_reserve(struct spid_map *map, struct id_table *ids);

/* Link id in under its entry's spid; spid_map_reserve() must come first. */
void spid_map_insert(struct spid_map *map, struct id_table *ids, uint32_t id);

/* Unlink id from the chain of its entry's spid; false if it was not there. */
bool spid_map_remove(struct spid_map *map, struct id_table *ids, uint32_t id);

/* The first ID mapped from spid, or ID_NONE. */
uint32_t spid_map_lookup(const struct spid_map *map,
			 const struct id_table *ids, uint32_t spid);

size_t spid_map_bytes(const struct spid_map *map);

#endif /* IOASID_SPID_MAP_H */
