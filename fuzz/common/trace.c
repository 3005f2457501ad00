// SPDX-License-Identifier: MIT
/* The per-operation trace (trace.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"

#define MAX_OBJS	64
#define MAX_CHOSEN	64
#define NAME_LEN	48

bool fz_trace_on;

static struct {
	int fd;
	struct { uint32_t raw; char kind[16]; unsigned int n; } objs[MAX_OBJS];
	size_t nr_objs;
	struct { uint32_t obj; uint64_t iova, length; } chosen[MAX_CHOSEN];
	size_t nr_chosen;
} tr = { .fd = 1 };

/* The names handed out (fz_trace_obj, fz_trace_iova), in rotation. */
static char bufs[FZ_TRACE_BUFS][NAME_LEN];
static unsigned int buf_next;

void fz_trace_enable(int fd)
{
	tr.fd = fd;
	fz_trace_on = true;
}

void fz_trace_reset(void)
{
	tr.nr_objs = 0;
	tr.nr_chosen = 0;
}

static char *next_buf(void)
{
	return bufs[buf_next++ % FZ_TRACE_BUFS];
}

void fz_trace_line(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	size_t len, off = 0;
	ssize_t n;

	va_start(ap, fmt);
	len = (size_t)vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	while (off < len) {
		n = write(tr.fd, line + off, len - off);
		if (n <= 0 && errno != EINTR)
			return;		/* a trace reader gone: nothing to do */
		if (n > 0)
			off += (size_t)n;
	}
}

const char *fz_trace_err(int ret)
{
	const char *name = ret < 0 ? strerrorname_np(-ret) : NULL;
	char *b;

	if (!ret)
		return "0";
	if (name)
		return name;
	b = next_buf();
	snprintf(b, NAME_LEN, "%d", ret);
	return b;
}

void fz_trace_obj_new(const char *kind, uint32_t raw)
{
	unsigned int n = 1;
	size_t i, len;

	if (tr.nr_objs == MAX_OBJS)
		return;		/* later ones print as id:N on both targets */
	for (i = 0; i < tr.nr_objs; i++)
		if (!strcmp(tr.objs[i].kind, kind))
			n++;
	len = strnlen(kind, sizeof(tr.objs[0].kind) - 1);
	tr.objs[tr.nr_objs].raw = raw;
	memcpy(tr.objs[tr.nr_objs].kind, kind, len);
	tr.objs[tr.nr_objs].kind[len] = '\0';
	tr.objs[tr.nr_objs++].n = n;
}

const char *fz_trace_obj(uint32_t raw)
{
	char *b = next_buf();
	size_t i;

	/* The newest object of that ID: an ID may be reused after DESTROY. */
	for (i = tr.nr_objs; i-- > 0;) {
		if (tr.objs[i].raw == raw) {
			snprintf(b, NAME_LEN, "%s#%u", tr.objs[i].kind,
				 tr.objs[i].n);
			return b;
		}
	}
	snprintf(b, NAME_LEN, "id:%u", raw);
	return b;
}

void fz_trace_iova_chosen(uint32_t obj, uint64_t iova, uint64_t length)
{
	if (tr.nr_chosen == MAX_CHOSEN)
		return;
	tr.chosen[tr.nr_chosen].obj = obj;
	tr.chosen[tr.nr_chosen].iova = iova;
	tr.chosen[tr.nr_chosen++].length = length;
}

const char *fz_trace_iova(uint32_t obj, uint64_t iova)
{
	char *b = next_buf();
	size_t i;

	for (i = tr.nr_chosen; i-- > 0;) {
		uint64_t off = iova - tr.chosen[i].iova;

		/* inside, or a page past its start: where an input aims
		 * at an area it mapped (iommufd_ops: its start, the page
		 * after) */
		if (tr.chosen[i].obj != obj || iova < tr.chosen[i].iova ||
		    (off >= tr.chosen[i].length && off > FZ_TRACE_PAGE))
			continue;
		if (off)
			snprintf(b, NAME_LEN, "auto#%zu+%#llx", i + 1,
				 (unsigned long long)off);
		else
			snprintf(b, NAME_LEN, "auto#%zu", i + 1);
		return b;
	}
	snprintf(b, NAME_LEN, "%#llx", (unsigned long long)iova);
	return b;
}
