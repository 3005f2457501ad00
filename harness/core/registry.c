/* SPDX-License-Identifier: MIT */
/*
 * The clause registry and the catalog built from it.
 *
 * Clauses register from constructors, before main() and before any thread,
 * so the registry is a plain intrusive singly linked list. It is the only
 * mutable global state of the runner and is never changed after start-up.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static struct siovh_clause *siovh_registry;

void siovh_clause_register(struct siovh_clause *clause)
{
	clause->next = siovh_registry;
	siovh_registry = clause;
}

const char *siovh_level_name(enum siovh_level level)
{
	switch (level) {
	case SIOVH_MUST:
		return "MUST";
	case SIOVH_SHOULD:
		return "SHOULD";
	case SIOVH_MAY:
		return "MAY";
	}
	return "?";
}

static int clause_cmp(const void *a, const void *b)
{
	const struct siovh_clause *ca = *(const struct siovh_clause *const *)a;
	const struct siovh_clause *cb = *(const struct siovh_clause *const *)b;

	return strverscmp(ca->id, cb->id);
}

static bool clause_matches(const struct siovh_clause *c, const char *glob)
{
	return !glob || fnmatch(glob, c->id, 0) == 0;
}

int siovh_catalog_load(struct siovh_catalog *cat, const char *glob,
		       char *err, size_t errlen)
{
	const struct siovh_clause *c;
	size_t n = 0, i;

	cat->clauses = NULL;
	cat->n = 0;
	for (c = siovh_registry; c; c = c->next)
		n++;
	if (!n)
		return 0;
	cat->clauses = calloc(n, sizeof(*cat->clauses));
	if (!cat->clauses) {
		snprintf(err, errlen, "out of memory loading the catalog");
		return -ENOMEM;
	}
	/* Check IDs over the whole registry, not just the filtered part. */
	for (c = siovh_registry; c; c = c->next)
		cat->clauses[cat->n++] = c;
	qsort(cat->clauses, cat->n, sizeof(*cat->clauses), clause_cmp);
	for (i = 1; i < cat->n; i++) {
		if (strcmp(cat->clauses[i - 1]->id, cat->clauses[i]->id))
			continue;
		snprintf(err, errlen, "clause ID '%s' is defined twice (%s:%d, %s:%d)",
			 cat->clauses[i]->id, cat->clauses[i - 1]->file,
			 cat->clauses[i - 1]->line, cat->clauses[i]->file,
			 cat->clauses[i]->line);
		siovh_catalog_free(cat);
		return -EEXIST;
	}
	n = 0;
	for (i = 0; i < cat->n; i++)
		if (clause_matches(cat->clauses[i], glob))
			cat->clauses[n++] = cat->clauses[i];
	cat->n = n;
	return 0;
}

void siovh_catalog_free(struct siovh_catalog *cat)
{
	free(cat->clauses);
	cat->clauses = NULL;
	cat->n = 0;
}
