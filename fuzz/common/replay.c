// SPDX-License-Identifier: MIT
/*
 * The replay driver: runs LLVMFuzzerTestOneInput on files, without any
 * fuzzing engine, so that committed seeds and reproducers are replayed by
 * the sanitizer build of `make check` (harness/scripts/check.sh).
 *
 *	NAME_replay FILE|DIR...          run each file in this process
 *	NAME_replay --tap NAME FILE|DIR...
 *		one TAP result per file: each runs in a child of its own, so a
 *		crash, or a run past TAP_TIMEOUT seconds, is that file's
 *		"not ok" (with the tail of its sanitizer report as
 *		diagnostics) and the others still run
 *	NAME_replay --digest FILE|DIR...
 *		run each file in this process, in the order given, and print
 *		"DIGEST FILE": the hash of what the input observed (fz_note);
 *		the same file must give the same digest in any order and in a
 *		process of its own (fuzz/determinism.sh)
 *	NAME_replay --trace FILE|DIR...
 *		each file in a child of its own, with the per-operation trace
 *		on (trace.h): "== FILE", the file's trace lines, then its
 *		verdict, "= ok" or "= crash (HOW): MESSAGE" (HOW: signal N,
 *		exit N or timeout; MESSAGE the oracle's or sanitizer's last
 *		word). `siovh replay` reads this; exit 1 if any crashed
 *
 * Directories are read one level deep, in name order; files named on the
 * command line stay in command-line order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "fuzz.h"
#include "trace.h"

#define MAX_FILES	4096
#define DIAG_LINES	12
#define TAP_TIMEOUT	60		/* seconds per file in --tap mode */

struct files {
	char *v[MAX_FILES];
	size_t n;
};

static int add(struct files *fs, const char *path)
{
	if (fs->n == MAX_FILES) {
		fprintf(stderr, "replay: more than %d files\n", MAX_FILES);
		return -1;
	}
	fs->v[fs->n] = strdup(path);
	return fs->v[fs->n++] ? 0 : -1;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or the regular files of a directory in name order. */
static int collect(struct files *fs, const char *path)
{
	size_t first = fs->n;
	struct dirent *e;
	struct stat st;
	char sub[4096];
	DIR *d;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add(fs, path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		snprintf(sub, sizeof(sub), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		if (e->d_name[0] == '.' || stat(sub, &st) || !S_ISREG(st.st_mode))
			continue;
		if (add(fs, sub)) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	qsort(fs->v + first, fs->n - first, sizeof(fs->v[0]), cmp);
	return 0;
}

static int run_one(const char *path)
{
	uint8_t *buf = NULL;
	long len;
	FILE *f = fopen(path, "rb");

	fz_digest_take();	/* nothing before the input counts */
	if (!f)
		return 2;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return 2;
	}
	/* Exactly len bytes, so that ASan sees any read past the input. */
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		fclose(f);
		return 2;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

/* The last DIAG_LINES lines of the child's stderr, as TAP diagnostics. */
static void diag_tail(FILE *log)
{
	char lines[DIAG_LINES][256];
	size_t n = 0, i;

	rewind(log);
	while (fgets(lines[n % DIAG_LINES], sizeof(lines[0]), log))
		n++;
	for (i = n > DIAG_LINES ? n - DIAG_LINES : 0; i < n; i++)
		printf("# %s%s", lines[i % DIAG_LINES],
		       strchr(lines[i % DIAG_LINES], '\n') ? "" : "\n");
}

static bool tap_one(const char *name, size_t i, const char *path)
{
	FILE *log = tmpfile();
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = log ? fork() : -1;
	if (pid == 0) {
		dup2(fileno(log), STDERR_FILENO);
		/* A hang is a finding too (regressions/pin-top-page looped
		 * for hours): SIGALRM ends the child, its "not ok" says so. */
		alarm(TAP_TIMEOUT);
		_exit(run_one(path));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		status = -1;
	if (WIFEXITED(status) && !WEXITSTATUS(status)) {
		printf("ok %zu - %s: %s\n", i, name, path);
	} else {
		printf("not ok %zu - %s: %s (%s %d)\n", i, name, path,
		       WIFSIGNALED(status) ? "signal" : "exit",
		       WIFSIGNALED(status) ? WTERMSIG(status) :
					     WEXITSTATUS(status));
		if (log)
			diag_tail(log);
	}
	if (log)
		fclose(log);
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

/*
 * The child's last word on stderr: its last "siovh-fuzz: " line (the
 * oracle's), else a sanitizer's SUMMARY, else its last line; into buf.
 */
static void last_word(FILE *log, char *buf, size_t size)
{
	char line[512], last[512] = "", fz[512] = "", san[512] = "";

	rewind(log);
	while (fgets(line, sizeof(line), log)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		snprintf(last, sizeof(last), "%s", line);
		if (!strncmp(line, "siovh-fuzz: ", 12) &&
		    strncmp(line, "siovh-fuzz: kernel edges", 24) &&
		    strncmp(line, "siovh-fuzz: no kernel coverage", 30) &&
		    strncmp(line, "siovh-fuzz: injected fault", 26))
			snprintf(fz, sizeof(fz), "%s", line + 12);
		else if (!strncmp(line, "SUMMARY: ", 9))
			snprintf(san, sizeof(san), "%s", line + 9);
	}
	snprintf(buf, size, "%s", fz[0] ? fz : san[0] ? san : last);
}

/* --trace: one file in a child, its trace on stdout, then its verdict. */
static bool trace_one(const char *path)
{
	FILE *log = tmpfile();
	char word[512];
	int status = 0;
	pid_t pid;

	printf("== %s\n", path);
	fflush(stdout);
	pid = log ? fork() : -1;
	if (pid == 0) {
		dup2(fileno(log), STDERR_FILENO);
		fz_trace_enable(STDOUT_FILENO);
		alarm(TAP_TIMEOUT);
		_exit(run_one(path));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("= crash (replay failed: %s)\n", strerror(errno));
		if (log)
			fclose(log);
		return false;
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status)) {
		printf("= ok\n");
	} else {
		last_word(log, word, sizeof(word));
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			printf("= crash (timeout %d s)\n", TAP_TIMEOUT);
		else if (WIFSIGNALED(status))
			printf("= crash (signal %d): %s\n", WTERMSIG(status),
			       word);
		else
			printf("= crash (exit %d): %s\n", WEXITSTATUS(status),
			       word);
	}
	fclose(log);
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	struct files fs = { .n = 0 };
	const char *name = NULL;
	int i = 1, failed = 0;
	bool digest = false, trace = false;
	size_t k;

	if (argc > 2 && !strcmp(argv[1], "--tap")) {
		name = argv[2];
		i = 3;
	} else if (argc > 1 && !strcmp(argv[1], "--digest")) {
		digest = fz_digest_on = true;
		i = 2;
	} else if (argc > 1 && !strcmp(argv[1], "--trace")) {
		trace = true;
		i = 2;
	}
	for (; i < argc; i++)
		if (collect(&fs, argv[i]))
			return 2;
	if (name)
		printf("1..%zu\n", fs.n);
	for (k = 0; k < fs.n; k++) {
		if (name)
			failed += !tap_one(name, k + 1, fs.v[k]);
		else if (trace)
			failed += !trace_one(fs.v[k]);
		else if (run_one(fs.v[k]))
			failed++;
		else if (digest)
			printf("%016llx %s\n",
			       (unsigned long long)fz_digest_take(), fs.v[k]);
		free(fs.v[k]);
	}
	return failed ? 1 : 0;
}
