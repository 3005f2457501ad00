/* SPDX-License-Identifier: MIT */
/*
 * Results: decoding a child's frames, the verdict, freeing, and the default
 * progress line.
 *
 * Verdict, first match wins: timed out; killed by a signal; garbled result
 * stream (a malformed frame, or a partial one left at the end); exited
 * before the DONE frame; exited non-zero after it; target did not open
 * (ERROR frame) -> FAIL with that reason. Garbled comes before "exited
 * early" because a malformed frame hides the DONE frames after it: the
 * check's process did finish, but its report cannot be trusted. Otherwise
 * any failure message -> FAIL (a check that failed and then skipped still
 * failed); a skip reason -> SKIP; else PASS.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "result.h"

void siovh_collect_init(struct siovh_collect *col, struct siovh_result *res,
			const struct siovh_clause *clause)
{
	memset(col, 0, offsetof(struct siovh_collect, buf));
	memset(res, 0, sizeof(*res));
	res->clause = clause;
	res->exit_status = -1;
	col->res = res;
}

static int strv_push(char ***v, size_t *n, const char *data, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	char *s;

	if (!nv)
		return -ENOMEM;
	*v = nv;
	s = siovh_text_sanitize(data, len, NULL);
	if (!s)
		return -ENOMEM;
	nv[(*n)++] = s;
	return 0;
}

static int set_text(char **dst, const char *data, size_t len)
{
	if (*dst)
		return 0;	/* the first one stands */
	*dst = siovh_text_sanitize(data, len, NULL);
	return *dst ? 0 : -ENOMEM;
}

static uint64_t frame_u64(const struct siovh_frame *f, const char *p,
			  bool *ok)
{
	uint64_t v = 0;

	*ok = f->len == sizeof(v);
	if (*ok)
		memcpy(&v, p, sizeof(v));
	return v;
}

static int frame_handle(struct siovh_collect *col, struct siovh_run *run,
			const struct siovh_frame *f, const char *p)
{
	struct siovh_result *res = col->res;
	bool ok = true;
	uint64_t v;

	switch (f->type) {
	case SIOVH_FRAME_FEATURES:
		v = frame_u64(f, p, &ok);
		if (ok && !run->features_known) {
			run->features = v;
			run->features_known = true;
		}
		break;
	case SIOVH_FRAME_MESSAGE:
		if (res->nr_messages >= SIOVH_MAX_MESSAGES) {
			res->messages_dropped++;
			break;
		}
		return strv_push(&res->messages, &res->nr_messages, p, f->len);
	case SIOVH_FRAME_NOTE:
		if (res->nr_notes >= SIOVH_MAX_MESSAGES) {
			col->notes_dropped++;
			break;
		}
		return strv_push(&res->notes, &res->nr_notes, p, f->len);
	case SIOVH_FRAME_SKIP:
		return set_text(&col->skip, p, f->len);
	case SIOVH_FRAME_ERROR:
		return set_text(&col->error, p, f->len);
	case SIOVH_FRAME_DROPPED:
		res->messages_dropped += frame_u64(f, p, &ok);
		break;
	case SIOVH_FRAME_DONE:
		ok = f->len == 0;
		col->done = ok;
		break;
	default:
		ok = false;
		break;
	}
	col->garbled |= !ok;
	return 0;
}

int siovh_collect_read(struct siovh_collect *col, struct siovh_run *run,
		       int fd)
{
	struct siovh_frame f;
	size_t off = 0;
	ssize_t n;
	int ret = 0;

	n = read(fd, col->buf + col->len, sizeof(col->buf) - col->len);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -EPIPE;
	if (col->garbled)
		return 0;
	col->len += (size_t)n;
	while (!ret && col->len - off >= sizeof(f)) {
		memcpy(&f, col->buf + off, sizeof(f));
		if (f.len > SIOVH_FRAME_MAX) {
			col->garbled = true;
			break;
		}
		if (col->len - off < sizeof(f) + f.len)
			break;
		ret = frame_handle(col, run, &f, col->buf + off + sizeof(f));
		off += sizeof(f) + f.len;
	}
	memmove(col->buf, col->buf + off, col->len - off);
	col->len -= off;
	return ret;
}

static const char *signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

static char *verdict_reason(struct siovh_collect *col, unsigned int timeout_ms)
{
	struct siovh_result *res = col->res;
	char name[32];

	if (col->timed_out)
		return siovh_strfmt("timed out after %u ms", timeout_ms);
	if (res->signal)
		return siovh_strfmt("killed by signal %d (%s)", res->signal,
				    signal_name(res->signal, name, sizeof(name)));
	if (col->garbled)
		return siovh_strfmt("garbled result stream from the check's process");
	if (!col->done)
		return siovh_strfmt("exited with status %d before the check finished",
				    res->exit_status);
	if (res->exit_status)
		return siovh_strfmt("exited with status %d after the check finished",
				    res->exit_status);
	if (col->error)
		return strdup(col->error);
	return NULL;
}

int siovh_collect_finish(struct siovh_collect *col,
			 const struct siovh_capture *cap, int status,
			 unsigned int timeout_ms)
{
	struct siovh_result *res = col->res;
	int ret = -ENOMEM;

	res->duration_ns = col->end_ns - col->start_ns;
	res->timed_out = col->timed_out;
	if (col->len)		/* a frame cut short: the stream is not whole */
		col->garbled = true;
	if (WIFSIGNALED(status)) {
		res->signal = WTERMSIG(status);
		res->exit_status = -1;
	} else {
		res->exit_status = WEXITSTATUS(status);
	}
	res->output = siovh_capture_text(cap, &res->output_len);
	res->output_dropped = cap->dropped;
	if (!res->output)
		goto out;
	if (col->notes_dropped) {
		char *s = siovh_strfmt("[siovh: %zu more notes dropped]",
				       col->notes_dropped);

		if (!s || strv_push(&res->notes, &res->nr_notes, s, strlen(s))) {
			free(s);
			goto out;
		}
		free(s);
	}
	res->status = SIOVH_FAIL;
	if (col->timed_out || res->signal || !col->done || res->exit_status ||
	    col->garbled || col->error) {
		res->reason = verdict_reason(col, timeout_ms);
		if (!res->reason)
			goto out;
	} else if (!res->nr_messages && !res->messages_dropped) {
		res->status = col->skip ? SIOVH_SKIP : SIOVH_PASS;
		res->reason = col->skip;
		col->skip = NULL;
	}
	ret = 0;
out:
	free(col->skip);
	free(col->error);
	col->skip = col->error = NULL;
	return ret;
}

void siovh_run_count(struct siovh_run *run)
{
	size_t i;

	run->passed = run->failed = run->skipped = 0;
	for (i = 0; i < run->n; i++) {
		switch (run->results[i].status) {
		case SIOVH_PASS:
			run->passed++;
			break;
		case SIOVH_FAIL:
			run->failed++;
			break;
		case SIOVH_SKIP:
			run->skipped++;
			break;
		}
	}
}

const char *siovh_status_name(enum siovh_status status)
{
	switch (status) {
	case SIOVH_PASS:
		return "pass";
	case SIOVH_FAIL:
		return "fail";
	case SIOVH_SKIP:
		return "skip";
	}
	return "?";
}

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void result_free(struct siovh_result *res)
{
	free(res->reason);
	strv_free(res->messages, res->nr_messages);
	strv_free(res->notes, res->nr_notes);
	free(res->output);
	memset(res, 0, sizeof(*res));
}

void siovh_run_free(struct siovh_run *run)
{
	size_t i;

	for (i = 0; run->results && i < run->n; i++)
		result_free(&run->results[i]);
	free(run->results);
	free(run->clauses);
	run->results = NULL;
	run->clauses = NULL;
	run->n = 0;
}

/* Print the last `max` lines of text, indented. */
static void print_tail(FILE *f, const char *text, size_t len, int max)
{
	const char *end = text + len, *p = end, *nl;
	int lines = 0;

	if (p > text && p[-1] == '\n')
		p--;
	while (p > text) {
		if (p[-1] == '\n' && ++lines == max)
			break;
		p--;
	}
	if (p > text)
		fprintf(f, "        | [...]\n");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		fprintf(f, "        | %.*s\n", (int)(nl - p), p);
		p = nl < end ? nl + 1 : end;
	}
}

void siovh_print_result(FILE *f, const struct siovh_result *res, size_t done,
			size_t total)
{
	static const char *const tag[] = {
		[SIOVH_PASS] = "ok  ", [SIOVH_FAIL] = "FAIL",
		[SIOVH_SKIP] = "SKIP",
	};
	size_t i;

	fprintf(f, "[%*zu/%zu] %s %s (%llu ms)", (int)snprintf(NULL, 0, "%zu",
		total), done, total, tag[res->status], res->clause->id,
		(unsigned long long)(res->duration_ns / 1000000));
	if (res->status == SIOVH_SKIP)
		fprintf(f, ": %s", res->reason);
	fputc('\n', f);
	if (res->status != SIOVH_FAIL)
		goto out;
	for (i = 0; i < res->nr_messages; i++)
		fprintf(f, "        %s\n", res->messages[i]);
	if (res->messages_dropped)
		fprintf(f, "        (%zu more failures not shown)\n",
			res->messages_dropped);
	if (res->reason) {
		fprintf(f, "        %s\n", res->reason);
		if (res->output_len)
			print_tail(f, res->output, res->output_len, 20);
	}
out:
	fflush(f);
}
