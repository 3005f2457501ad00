/* SPDX-License-Identifier: MIT */
/*
 * The fault-kill table (runner.h): which injected faults each clause
 * detects. A fault no clause kills is a behaviour nobody checks; a clause
 * that kills no fault has never been seen to fail.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static size_t faults_count(const struct siovh_backend *b)
{
	size_t n = 0;

	while (b->faults && b->faults[n].name)
		n++;
	return n;
}

static bool idx_seen(const int *v, size_t n, int idx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == idx)
			return true;
	return false;
}

int siovh_faults_select(const struct siovh_backend *backend, const char *list,
			int **out, size_t *nr, char *err, size_t errlen)
{
	size_t total = faults_count(backend), n = 0, len;
	const char *p = list, *end;
	int *v, idx;

	*out = NULL;
	*nr = 0;
	if (!total) {
		snprintf(err, errlen, "target '%s' has no faults to inject",
			 backend->name);
		return -EINVAL;
	}
	v = calloc(total, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!strcmp(list, "all")) {
		for (n = 0; n < total; n++)
			v[n] = (int)n;
		goto out;
	}
	for (;;) {
		end = strchrnul(p, ',');
		len = (size_t)(end - p);
		if (!len) {
			snprintf(err, errlen, "empty fault name in --faults '%s'",
				 list);
			goto err_free;
		}
		if (len == 3 && !strncmp(p, "all", 3)) {
			snprintf(err, errlen, "'all' stands alone in --faults, got '%s'",
				 list);
			goto err_free;
		}
		idx = siovh_fault_find(backend, p, len);
		if (idx < 0) {
			snprintf(err, errlen, "unknown fault '%.*s' for target '%s' (see 'siovh faults')",
				 (int)len, p, backend->name);
			goto err_free;
		}
		if (!idx_seen(v, n, idx))
			v[n++] = idx;
		if (!*end)
			break;
		p = end + 1;
	}
out:
	*out = v;
	*nr = n;
	return 0;

err_free:
	free(v);
	return -EINVAL;
}

static bool same_facet(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Run the eligible clauses of fr's facet against fr's fault. */
static int fault_run(const struct siovh_kill_table *kt,
		     struct siovh_fault_run *fr,
		     const struct siovh_run_opts *opts)
{
	const struct siovh_run *plain = kt->plain;
	const struct siovh_clause **list;
	struct siovh_run_opts inner = *opts;
	struct siovh_target_spec spec = plain->spec;
	size_t *map, m = 0, i;
	int ret, n;

	list = calloc(plain->n ? plain->n : 1, sizeof(*list));
	map = calloc(plain->n ? plain->n : 1, sizeof(*map));
	fr->killers = calloc(plain->n ? plain->n : 1, sizeof(*fr->killers));
	if (!list || !map || !fr->killers) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < plain->n; i++) {
		if (!kt->eligible[i] ||
		    !same_facet(plain->clauses[i]->facet, fr->fault->facet))
			continue;
		map[m] = i;
		list[m++] = plain->clauses[i];
	}
	spec.fault = fr->index;
	/* The plain run's options (a profile) stay: the fault is one more.
	 * A text too long for the field is cut (it only labels reports). */
	n = snprintf(spec.text, sizeof(spec.text), "%.*s%sfault=%s",
		     (int)(sizeof(spec.text) / 2), plain->spec.text,
		     strchr(plain->spec.text, ':') ? "," : ":",
		     fr->fault->name);
	(void)n;
	inner.progress = NULL;
	inner.on_result = NULL;
	ret = siovh_run_clauses(&spec, list, m, &inner, &fr->run);
	if (ret)
		goto out;
	for (i = 0; i < m; i++) {
		if (fr->run.results[i].status != SIOVH_FAIL)
			continue;
		fr->killers[fr->nr_killers++] = map[i];
		kt->kills[map[i]]++;
	}
out:
	free(list);
	free(map);
	return ret;
}

static void kill_table_gaps(struct siovh_kill_table *kt)
{
	size_t i;

	kt->faults_unkilled = 0;
	kt->clauses_killing_nothing = 0;
	for (i = 0; i < kt->nr_faults; i++)
		kt->faults_unkilled += !kt->faults[i].nr_killers;
	for (i = 0; i < kt->plain->n; i++)
		kt->clauses_killing_nothing += kt->eligible[i] && !kt->kills[i];
	kt->complete = !kt->faults_unkilled && !kt->clauses_killing_nothing;
}

int siovh_kill_table_build(const struct siovh_run *plain, const int *faults,
			   size_t nr_faults, const struct siovh_run_opts *opts,
			   FILE *progress, struct siovh_kill_table *kt)
{
	const struct siovh_backend *b = plain->spec.backend;
	size_t n = plain->n ? plain->n : 1, i;
	int ret = -ENOMEM;

	memset(kt, 0, sizeof(*kt));
	kt->plain = plain;
	kt->faults = calloc(nr_faults ? nr_faults : 1, sizeof(*kt->faults));
	kt->kills = calloc(n, sizeof(*kt->kills));
	kt->eligible = calloc(n, sizeof(*kt->eligible));
	if (!kt->faults || !kt->kills || !kt->eligible)
		goto err;
	for (i = 0; i < plain->n; i++)
		kt->eligible[i] = plain->results[i].status == SIOVH_PASS;
	for (i = 0; i < nr_faults; i++) {
		struct siovh_fault_run *fr = &kt->faults[i];

		fr->fault = &b->faults[faults[i]];
		fr->index = faults[i];
		kt->nr_faults = i + 1;
		ret = fault_run(kt, fr, opts);
		if (ret)
			goto err;
		if (!progress)
			continue;
		if (fr->nr_killers)
			fprintf(progress, "[fault %zu/%zu] %s: killed by %zu clause%s\n",
				i + 1, nr_faults, fr->fault->name,
				fr->nr_killers, fr->nr_killers == 1 ? "" : "s");
		else
			fprintf(progress, "[fault %zu/%zu] %s: NOT KILLED (%zu clause%s of facet '%s' ran)\n",
				i + 1, nr_faults, fr->fault->name, fr->run.n,
				fr->run.n == 1 ? "" : "s", fr->fault->facet);
		fflush(progress);
	}
	kill_table_gaps(kt);
	return 0;

err:
	siovh_kill_table_free(kt);
	return ret;
}

void siovh_kill_table_free(struct siovh_kill_table *kt)
{
	size_t i;

	for (i = 0; kt->faults && i < kt->nr_faults; i++) {
		siovh_run_free(&kt->faults[i].run);
		free(kt->faults[i].killers);
	}
	free(kt->faults);
	free(kt->kills);
	free(kt->eligible);
	memset(kt, 0, sizeof(*kt));
}

void siovh_kill_table_print_gaps(FILE *f, const struct siovh_kill_table *kt)
{
	size_t i;

	for (i = 0; i < kt->nr_faults; i++)
		if (!kt->faults[i].nr_killers)
			fprintf(f, "gap: fault '%s' (facet %s) is killed by no clause\n",
				kt->faults[i].fault->name,
				kt->faults[i].fault->facet);
	for (i = 0; i < kt->plain->n; i++)
		if (kt->eligible[i] && !kt->kills[i])
			fprintf(f, "gap: clause %s kills no fault\n",
				kt->plain->clauses[i]->id);
}
