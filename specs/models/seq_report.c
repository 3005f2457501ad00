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
