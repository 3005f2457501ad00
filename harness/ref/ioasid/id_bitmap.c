/* SPDX-License-Identifier: MIT */
/*
 * Hierarchical bitmap of used IDs; see id_bitmap.h for the layout.
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "id_bitmap.h"

#define WORD_BITS 64u
#define FULL_WORD UINT64_MAX

static uint32_t words_for(uint32_t bits)
{
	return bits / WORD_BITS + (bits % WORD_BITS != 0);
}

/* Set the bits past the end of a level so that searches never return them. */
static void set_tail(uint64_t *words, uint32_t bits)
{
	uint32_t used = bits % WORD_BITS;

	if (used)
		words[bits / WORD_BITS] |= FULL_WORD << used;
}

int id_bitmap_init(struct id_bitmap *bm, uint32_t nbits)
{
	uint32_t bits = nbits;
	unsigned int lvl;
	int err = -ENOMEM;

	if (nbits == 0)
		return -EINVAL;

	*bm = (struct id_bitmap){ .nbits = nbits };
	for (lvl = 0; lvl < ID_BITMAP_MAX_LEVELS; lvl++) {
		bm->nwords[lvl] = words_for(bits);
		bm->words[lvl] = ref_calloc(bm->nwords[lvl], sizeof(uint64_t));
		if (!bm->words[lvl])
			goto err_free;
		bm->levels = lvl + 1;
		set_tail(bm->words[lvl], bits);
		if (bm->nwords[lvl] == 1)
			return 0;
		/* The next level has one bit per word of this one. */
		bits = bm->nwords[lvl];
	}
	/* Unreachable: 2^32 bits fit in ID_BITMAP_MAX_LEVELS levels. */
	err = -EOVERFLOW;
err_free:
	id_bitmap_destroy(bm);
	return err;
}

void id_bitmap_destroy(struct id_bitmap *bm)
{
	unsigned int lvl;

	for (lvl = 0; lvl < bm->levels; lvl++)
		free(bm->words[lvl]);
	*bm = (struct id_bitmap){ 0 };
}

bool id_bitmap_test(const struct id_bitmap *bm, uint32_t bit)
{
	return bm->words[0][bit / WORD_BITS] >> (bit % WORD_BITS) & 1;
}

void id_bitmap_set(struct id_bitmap *bm, uint32_t bit)
{
	unsigned int lvl;

	/* Setting the last clear bit of a word makes the word full above. */
	for (lvl = 0; lvl < bm->levels; lvl++) {
		uint64_t *word = &bm->words[lvl][bit / WORD_BITS];

		*word |= 1ull << (bit % WORD_BITS);
		if (*word != FULL_WORD)
			return;
		bit /= WORD_BITS;
	}
}

void id_bitmap_clear(struct id_bitmap *bm, uint32_t bit)
{
	unsigned int lvl;

	/* Clearing a bit of a full word makes it non-full above. */
	for (lvl = 0; lvl < bm->levels; lvl++) {
		uint64_t *word = &bm->words[lvl][bit / WORD_BITS];
		bool was_full = *word == FULL_WORD;

		*word &= ~(1ull << (bit % WORD_BITS));
		if (!was_full)
			return;
		bit /= WORD_BITS;
	}
}

/*
 * The first clear bit at or after `from` in level `lvl`, or ID_NONE. If the
 * word holding `from` has none, ask the level above for the next non-full
 * word: one word per level up, one word per level down.
 */
static uint32_t find_clear(const struct id_bitmap *bm, unsigned int lvl,
			   uint32_t from)
{
	uint32_t word = from / WORD_BITS;
	uint64_t clear;

	if (word >= bm->nwords[lvl])
		return ID_NONE;
	clear = ~bm->words[lvl][word] & (FULL_WORD << (from % WORD_BITS));
	if (clear)
		return word * WORD_BITS + (uint32_t)__builtin_ctzll(clear);
	if (lvl + 1 == bm->levels)
		return ID_NONE;

	word = find_clear(bm, lvl + 1, word + 1);
	if (word == ID_NONE)
		return ID_NONE;
	/* A clear bit above promises a clear bit in this word. */
	clear = ~bm->words[lvl][word];
	return word * WORD_BITS + (uint32_t)__builtin_ctzll(clear);
}

uint32_t id_bitmap_find_clear(const struct id_bitmap *bm, uint32_t from,
			      uint32_t to)
{
	uint32_t bit;

	if (from > to)
		return ID_NONE;
	bit = find_clear(bm, 0, from);
	return bit <= to ? bit : ID_NONE;
}

size_t id_bitmap_bytes(const struct id_bitmap *bm)
{
	size_t bytes = 0;
	unsigned int lvl;

	for (lvl = 0; lvl < bm->levels; lvl++)
		bytes += (size_t)bm->nwords[lvl] * sizeof(uint64_t);
	return bytes;
}
