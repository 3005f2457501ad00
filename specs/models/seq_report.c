/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>

#include "seq_report.h"

void seq_report_divergence(char *report, size_t size, uint64_t step,
			   const char *line, const char *ring, size_t stride,
			   size_t cap, size_t n, const char *fmt, va_list ap)
{
	size_t shown = n < cap ? n : cap, first = n - shown, i;
	size_t len;

	len = (size_t)snprintf(report, size, "step %llu, %s: ",
			       (unsigned long long)step, line);
	if (len < size)
		len += (size_t)vsnprintf(report + len, size - len, fmt, ap);
	for (i = first; i < n && len < size; i++)
		len += (size_t)snprintf(report + len, size - len, "%s%s",
					i == first ? "\nlast operations:\n  " :
						     "\n  ",
					ring + (i % cap) * stride);
}

void seq_trace_init(struct seq_trace *t, size_t line_size, int shown,
		    char *ring, size_t stride, size_t cap, size_t report_size)
{
	t->line_size = line_size < sizeof(t->line) ? line_size :
						     sizeof(t->line);
	t->shown = shown;
	t->ring = ring;
	t->stride = stride;
	t->cap = cap;
	t->report_size = report_size < sizeof(t->report) ? report_size :
							   sizeof(t->report);
}

void seq_trace_restart(struct seq_trace *t)
{
	t->step = 0;
	t->n = 0;
	t->report[0] = '\0';
}

void seq_trace_vbegin(struct seq_trace *t, const char *fmt, va_list ap)
{
	t->step++;
	t->ops++;
	vsnprintf(t->line, t->line_size, fmt, ap);
}

void seq_trace_begin(struct seq_trace *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	seq_trace_vbegin(t, fmt, ap);
	va_end(ap);
}

/* "#step line<sep>" and fmt after it into the next ring line. */
static void trace_push(struct seq_trace *t, const char *sep, const char *fmt,
		       va_list ap)
{
	char *slot = t->ring + (t->n++ % t->cap) * t->stride;
	size_t len;

	len = (size_t)snprintf(slot, t->stride, "#%llu %.*s%s",
			       (unsigned long long)t->step, t->shown, t->line,
			       sep);
	if (len < t->stride)
		vsnprintf(slot + len, t->stride - len, fmt, ap);
	if (t->fn)
		t->fn(slot, t->data);
}

void seq_trace_donef(struct seq_trace *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_push(t, " -> ", fmt, ap);
	va_end(ap);
}

void seq_trace_done(struct seq_trace *t, long ret)
{
	seq_trace_donef(t, "%ld", ret);
}

void seq_trace_note(struct seq_trace *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_push(t, "", fmt, ap);
	va_end(ap);
}

bool seq_trace_diverge(struct seq_trace *t, const char *fmt, ...)
{
	va_list ap;

	if (t->broken)
		return false;
	t->broken = true;
	va_start(ap, fmt);
	seq_report_divergence(t->report, t->report_size, t->step, t->line,
			      t->ring, t->stride, t->cap, t->n, fmt, ap);
	va_end(ap);
	return false;
}

const char *seq_report_errname(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ 0, "0" }, { -EINVAL, "-EINVAL" }, { -ENOENT, "-ENOENT" },
		{ -EACCES, "-EACCES" }, { -EBUSY, "-EBUSY" },
		{ -EEXIST, "-EEXIST" }, { -ENOSPC, "-ENOSPC" },
		{ -EDQUOT, "-EDQUOT" }, { -ENOMEM, "-ENOMEM" },
		{ -ERANGE, "-ERANGE" }, { -EOPNOTSUPP, "-EOPNOTSUPP" },
		{ -EPERM, "-EPERM" }, { -EOVERFLOW, "-EOVERFLOW" },
		{ -EADDRINUSE, "-EADDRINUSE" }, { -E2BIG, "-E2BIG" },
		{ -ENOTTY, "-ENOTTY" }, { -EFAULT, "-EFAULT" },
		{ -ENODEV, "-ENODEV" }, { -EAGAIN, "-EAGAIN" },
		{ -EBADF, "-EBADF" }, { -EIO, "-EIO" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return err < 0 ? "-E?" : "?";
}
