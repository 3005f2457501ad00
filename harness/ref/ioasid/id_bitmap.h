/* SPDX-License-Identifier: MIT */
/*
 * A hierarchical bitmap of used IDs: find the first free ID at or above a
 * bound in O(log64 n), without scanning the ID space.
 *
 * Level 0 has one bit per ID, set when the ID is in use. Each level above has
 * one bit per word of the level below, set when that word is full. So a clear
 * bit at level k + 1 promises a clear bit somewhere in the matching word of
 * level k, and a search climbs until it finds a non-full word, then takes the
 * first clear bit on the way down. The top level is a single word.
 *
 * Bits past the end of a level (the tail of its last word) are kept set, so
 * they look like used IDs and are never found.
 */
#ifndef IOASID_ID_BITMAP_H
#define IOASID_ID_BITMAP_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* No ID: the result of a failed search. */
#define ID_NONE UINT32_MAX

/* 2^32 bits need 6 levels of 64-bit words: 2^26, 2^20, 2^14, 2^8, 4, 1. */
#define ID_BITMAP_MAX_LEVELS 6

struct id_bitmap {
	uint32_t nbits;
	unsigned int levels;
	uint32_t nwords[ID_BITMAP_MAX_LEVELS];
	/* words[0] has one bit per ID, words[k + 1] one per word of [k]. */
	uint64_t *words[ID_BITMAP_MAX_LEVELS];
};

/* An empty bitmap of nbits (1 .. UINT32_MAX) bits. 0, -EINVAL or -ENOMEM. */
int id_bitmap_init(struct id_bitmap *bm, uint32_t nbits);
void id_bitmap_destroy(struct id_bitmap *bm);

bool id_bitmap_test(const struct id_bitmap *bm, uint32_t bit);
void id_bitmap_set(struct id_bitmap *bm, uint32_t bit);
void id_bitmap_clear(struct id_bitmap *bm, uint32_t bit);

/* The first clear bit in [from, to], or ID_NONE. */
uint32_t id_bitmap_find_clear(const struct id_bitmap *bm, uint32_t from,
			      uint32_t to);

/* Bytes of the words (the bitmap struct itself is not counted). */
size_t id_bitmap_bytes(const struct id_bitmap *bm);

#endif /* IOASID_ID_BITMAP_H */
