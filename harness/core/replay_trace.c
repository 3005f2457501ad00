// SPDX-License-Identifier: MIT
/* The comparer of `siovh replay --diff` (replay_trace.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "replay_trace.h"

/* One file's trace: its lines, split in place. */
struct ftrace {
	const char *file;
	char **ops;			/* operation and verdict lines */
	size_t nr_ops;
	char **notes;			/* "KEY: VALUE", without the "! " */
	size_t nr_notes;
};

struct traces {
	struct ftrace *v;
	size_t n;
};

static int push(char ***v, size_t *n, char *line)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = line;
	*v = nv;
	return 0;
}

static void traces_free(struct traces *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].ops);
		free(t->v[i].notes);
	}
	free(t->v);
}

/* Split a driver's output (modified in place) into files. */
static int split(char *text, struct traces *t)
{
	struct ftrace *f = NULL, *nv;
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "== ", 3)) {
			nv = realloc(t->v, (t->n + 1) * sizeof(*t->v));
			if (!nv)
				return -ENOMEM;
			t->v = nv;
			f = &t->v[t->n++];
			memset(f, 0, sizeof(*f));
			f->file = line + 3;
		} else if (!f) {
			continue;	/* nothing before the first file */
		} else if (!strncmp(line, "! ", 2)) {
			if (push(&f->notes, &f->nr_notes, line + 2))
				return -ENOMEM;
		} else if (push(&f->ops, &f->nr_ops, line)) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* The compared part of an operation line: up to " ~ " (trace.h). */
static size_t compared_len(const char *line)
{
	const char *tilde = strstr(line, " ~ ");

	return tilde ? (size_t)(tilde - line) : strlen(line);
}

/* Verdicts compare by their first word: each target words its crash. */
static bool line_eq(const char *a, const char *b)
{
	size_t la, lb;

	if (a[0] == '=' && b[0] == '=')
		return strcspn(a + 2, " ") == strcspn(b + 2, " ") &&
		       !strncmp(a + 2, b + 2, strcspn(a + 2, " "));
	la = compared_len(a);
	lb = compared_len(b);
	return la == lb && !strncmp(a, b, la);
}

/* The last " -> " of line (before any " ~ "), or NULL. */
static const char *result_arrow(const char *line)
{
	const char *p, *last = NULL;
	size_t len = compared_len(line);

	for (p = strstr(line, " -> "); p && (size_t)(p - line) < len;
	     p = strstr(p + 1, " -> "))
		last = p;
	return last;
}

/* "NAME: RESULT" parts of an operation line, for the signature. */
static void op_parts(const char *line, char *name, size_t nsize, char *res,
		     size_t rsize)
{
	const char *arrow;
	size_t len;

	if (!line) {
		snprintf(name, nsize, "(end)");
		snprintf(res, rsize, "-");
		return;
	}
	if (line[0] == '=') {
		snprintf(name, nsize, "verdict");
		snprintf(res, rsize, "%.*s", (int)strcspn(line + 2, " "),
			 line + 2);
		return;
	}
	/* "map", "seq map", "final unmap": the words before the operands */
	arrow = result_arrow(line);
	len = strcspn(line, "(");
	if (arrow && (size_t)(arrow - line) < len)
		len = (size_t)(arrow - line);
	snprintf(name, nsize, "%.*s", (int)len, line);
	if (!arrow && strstr(line, " ~ "))
		snprintf(res, rsize, "~");	/* nothing compared: shown */
	else
		snprintf(res, rsize, "%.*s",
			 arrow ? (int)strcspn(arrow + 4, " ") : 1,
			 arrow ? arrow + 4 : "?");
}

static void signature(const char *a, const char *b, char *sig, size_t size)
{
	char na[48], ra[24], nb[48], rb[24];

	op_parts(a, na, sizeof(na), ra, sizeof(ra));
	op_parts(b, nb, sizeof(nb), rb, sizeof(rb));
	/* ENOTTY is a call one target lacks: what the other answers is
	 * detail (it varies with the operands), not another difference */
	if (!strcmp(ra, "ENOTTY") && strcmp(rb, "ENOTTY"))
		snprintf(rb, sizeof(rb), "implemented");
	else if (!strcmp(rb, "ENOTTY") && strcmp(ra, "ENOTTY"))
		snprintf(ra, sizeof(ra), "implemented");
	if (!strcmp(na, nb))
		snprintf(sig, size, "%s: %s | %s", na, ra, rb);
	else
		snprintf(sig, size, "%s %s | %s %s", na, ra, nb, rb);
}

/* The note of a's whose value b contradicts, or NULL. */
static const char *contradiction(const struct ftrace *a,
				 const struct ftrace *b, const char **other)
{
	size_t i, j, klen;

	for (i = 0; i < a->nr_notes; i++) {
		klen = strcspn(a->notes[i], ":");
		for (j = 0; j < b->nr_notes; j++) {
			if (strncmp(a->notes[i], b->notes[j], klen + 1) ||
			    !strcmp(a->notes[i], b->notes[j]))
				continue;
			*other = b->notes[j];
			return a->notes[i];
		}
	}
	return NULL;
}

static void print_diff(FILE *f, const char *name_a, const struct ftrace *a,
		       const char *name_b, const struct ftrace *b, size_t at)
{
	size_t i = at > REPLAY_CONTEXT ? at - REPLAY_CONTEXT : 0;

	fprintf(f, "  first difference at operation %zu:\n", at + 1);
	for (; i < at; i++)
		fprintf(f, "    %4zu  %s\n", i + 1, a->ops[i]);
	fprintf(f, "  - %s: %s\n", name_a,
		at < a->nr_ops ? a->ops[at] : "(trace ends)");
	fprintf(f, "  + %s: %s\n", name_b,
		at < b->nr_ops ? b->ops[at] : "(trace ends)");
}

/* spec as a file name: [A-Za-z0-9_.-], others '_'. */
static void tag_of(const char *spec, char *tag, size_t size)
{
	size_t i;

	for (i = 0; spec[i] && i + 1 < size; i++)
		tag[i] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"0123456789_.-", spec[i]) ? spec[i] : '_';
	tag[i] = '\0';
}

static int write_trace(const char *path, const struct ftrace *t)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return -errno;
	for (i = 0; i < t->nr_notes; i++)
		fprintf(f, "! %s\n", t->notes[i]);
	for (i = 0; i < t->nr_ops; i++)
		fprintf(f, "%s\n", t->ops[i]);
	return fclose(f) ? -errno : 0;
}

/* out_dir/<base name of the file>[.N]/: both traces, diff.txt, signature. */
static int save(const char *out_dir, const char *name_a,
		const struct ftrace *a, const char *name_b,
		const struct ftrace *b, size_t at, const char *sig)
{
	const char *base = strrchr(a->file, '/') ? strrchr(a->file, '/') + 1 :
						   a->file;
	char dir[4096], path[4400], tag[128];
	unsigned int n = 1;
	FILE *f;
	int ret;

	if (mkdir(out_dir, 0777) && errno != EEXIST)
		return -errno;
	snprintf(dir, sizeof(dir), "%s/%s", out_dir, base);
	while (mkdir(dir, 0777)) {
		if (errno != EEXIST || ++n > 1000)
			return -errno;
		snprintf(dir, sizeof(dir), "%s/%s.%u", out_dir, base, n);
	}
	tag_of(name_a, tag, sizeof(tag));
	snprintf(path, sizeof(path), "%s/%s.trace", dir, tag);
	ret = write_trace(path, a);
	tag_of(name_b, tag, sizeof(tag));
	snprintf(path, sizeof(path), "%s/%s.trace", dir, tag);
	if (!ret)
		ret = write_trace(path, b);
	snprintf(path, sizeof(path), "%s/diff.txt", dir);
	f = ret ? NULL : fopen(path, "w");
	if (!ret && !f)
		ret = -errno;
	if (f) {
		fprintf(f, "%s\nsignature: %s\n", a->file, sig);
		print_diff(f, name_a, a, name_b, b, at);
		if (fclose(f))
			ret = -errno;
	}
	snprintf(path, sizeof(path), "%s/signature", dir);
	f = ret ? NULL : fopen(path, "w");
	if (!ret && !f)
		ret = -errno;
	if (f) {
		fprintf(f, "%s\n", sig);
		if (fclose(f))
			ret = -errno;
	}
	return ret;
}

int replay_trace_compare(const char *name_a, const char *out_a,
			 const char *name_b, const char *out_b,
			 const char *out_dir)
{
	struct traces ta = { NULL, 0 }, tb = { NULL, 0 };
	char *ca = strdup(out_a), *cb = strdup(out_b), sig[256];
	size_t i, k, same = 0, differ = 0, incomparable = 0;
	const char *note, *other;
	int ret = SIOVH_EXIT_OK;

	if (!ca || !cb || split(ca, &ta) || split(cb, &tb)) {
		ret = siovh_cli_internal_error("replay: out of memory");
		goto out;
	}
	if (ta.n != tb.n) {
		ret = siovh_cli_internal_error("replay: %s traced %zu files, "
					       "%s %zu", name_a, ta.n, name_b,
					       tb.n);
		goto out;
	}
	for (i = 0; i < ta.n; i++) {
		struct ftrace *a = &ta.v[i], *b = &tb.v[i];

		if (strcmp(a->file, b->file)) {
			ret = siovh_cli_internal_error("replay: the traces "
				"pair %s with %s", a->file, b->file);
			goto out;
		}
		note = contradiction(a, b, &other);
		if (note) {
			printf("incomparable %s: %s | %s\n", a->file, note,
			       other + strcspn(other, ":") + 2);
			incomparable++;
			continue;
		}
		for (k = 0; k < a->nr_ops && k < b->nr_ops &&
			    line_eq(a->ops[k], b->ops[k]); k++)
			;
		if (k == a->nr_ops && k == b->nr_ops) {
			printf("same %s (%zu operations)\n", a->file, k);
			same++;
			continue;
		}
		signature(k < a->nr_ops ? a->ops[k] : NULL,
			  k < b->nr_ops ? b->ops[k] : NULL, sig, sizeof(sig));
		printf("differ %s: %s\n", a->file, sig);
		print_diff(stdout, name_a, a, name_b, b, k);
		differ++;
		ret = SIOVH_EXIT_FAIL;
		if (out_dir && save(out_dir, name_a, a, name_b, b, k, sig)) {
			ret = siovh_cli_internal_error("replay: writing %s: %s",
						       out_dir, strerror(errno));
			goto out;
		}
	}
	printf("replay %s vs %s: %zu files, %zu same, %zu differ, %zu "
	       "incomparable\n", name_a, name_b, ta.n, same, differ,
	       incomparable);
out:
	traces_free(&ta);
	traces_free(&tb);
	free(ca);
	free(cb);
	return ret;
}
