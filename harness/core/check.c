/* SPDX-License-Identifier: MIT */
/*
 * The child side of a check: spec.h's functions (EXPECT/ASSERT/SKIP and
 * notes) and the sequence open target -> feature check -> check -> close,
 * reported to the parent over the result pipe (protocol in internal.h).
 *
 * A fatal failure or a skip ends the check with _exit() right where it
 * happens, without closing the target: the check may be deep inside a target
 * callback holding the target's locks, and the process dies with everything
 * it holds anyway. Stdio is flushed first so the check's output is captured.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

/*
 * Coverage builds (gcc --coverage, `make coverage`): libgcov's entry points,
 * weak so that other builds link without them (they are NULL there). A
 * check child starts from zero counters (what the parent counted is the
 * parent's to write) and dumps them before it _exit()s, which skips
 * libgcov's atexit handler. With $SIOVH_COVERAGE_DIR set, the child writes
 * its .gcda files under DIR/CLAUSE-ID (GCOV_PREFIX; the caller sets
 * GCOV_PREFIX_STRIP) instead of merging them into the build's, so that
 * each clause's coverage can be read on its own (coverage.sh).
 */
extern void __gcov_dump(void) __attribute__((weak));
extern void __gcov_reset(void) __attribute__((weak));

static void coverage_start(const struct siovh_clause *clause)
{
	const char *dir = getenv("SIOVH_COVERAGE_DIR");
	char prefix[4096];

	if (!__gcov_dump || !__gcov_reset)
		return;
	__gcov_reset();
	if (!dir || !*dir)
		return;
	snprintf(prefix, sizeof(prefix), "%s/%s", dir, clause->id);
	setenv("GCOV_PREFIX", prefix, 1);
}

static void coverage_dump(void)
{
	if (__gcov_dump)
		__gcov_dump();
}

static void frame_send(int fd, uint32_t type, const void *data, size_t len)
{
	struct siovh_frame hdr = { .type = type, .len = (uint32_t)len };
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	struct iovec *v = iov;
	int cnt = 2;

	while (cnt) {
		ssize_t ret = writev(fd, v, cnt);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return;		/* the parent is gone; nothing to tell */
		}
		while (cnt && (size_t)ret >= v->iov_len) {
			ret -= (ssize_t)v->iov_len;
			v++;
			cnt--;
		}
		if (cnt) {
			v->iov_base = (char *)v->iov_base + ret;
			v->iov_len -= (size_t)ret;
		}
	}
}

__attribute__((format(printf, 3, 0)))
static void frame_vtext(int fd, uint32_t type, const char *fmt, va_list ap)
{
	char buf[SIOVH_FRAME_TEXT_MAX + 1];
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (len < 0)
		len = snprintf(buf, sizeof(buf), "(unformattable message '%s')",
			       fmt);
	if ((size_t)len > SIOVH_FRAME_TEXT_MAX)
		len = SIOVH_FRAME_TEXT_MAX;
	frame_send(fd, type, buf, (size_t)len);
}

__attribute__((format(printf, 3, 4)))
static void frame_text(int fd, uint32_t type, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	frame_vtext(fd, type, fmt, ap);
	va_end(ap);
}

__attribute__((noreturn))
static void check_finish(struct siovh_check *check)
{
	fflush(NULL);
	coverage_dump();
	if (check->messages_dropped)
		frame_send(check->fd, SIOVH_FRAME_DROPPED,
			   &check->messages_dropped,
			   sizeof(check->messages_dropped));
	frame_send(check->fd, SIOVH_FRAME_DONE, NULL, 0);
	_exit(0);
}

struct siovh_target *siovh_check_target(struct siovh_check *check)
{
	return check->target;
}

uint64_t siovh_check_seed(struct siovh_check *check)
{
	return check->seed;
}

bool siovh_check_failed(const struct siovh_check *check)
{
	return check->failed;
}

void siovh_note(struct siovh_check *check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	frame_vtext(check->fd, SIOVH_FRAME_NOTE, fmt, ap);
	va_end(ap);
}

/* Record a complete failure message; end the check when fatal. */
static void check_failed(struct siovh_check *check, bool fatal,
			 const char *file, int line, const char *fmt, va_list ap)
{
	char msg[SIOVH_FRAME_TEXT_MAX + 1];

	check->failed = true;
	if (check->nr_messages >= SIOVH_MAX_MESSAGES) {
		check->messages_dropped++;
	} else {
		if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
			snprintf(msg, sizeof(msg), "(unformattable message)");
		frame_text(check->fd, SIOVH_FRAME_MESSAGE, "%s:%d: %s", file,
			   line, msg);
		check->nr_messages++;
	}
	if (fatal)
		check_finish(check);
}

void siovh_fail(struct siovh_check *check, bool fatal, const char *file,
		int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_failed(check, fatal, file, line, fmt, ap);
	va_end(ap);
}

void siovh_skip(struct siovh_check *check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	frame_vtext(check->fd, SIOVH_FRAME_SKIP, fmt, ap);
	va_end(ap);
	check_finish(check);
}

/* printf-style failure recording for the comparison helpers. */
__attribute__((format(printf, 5, 6)))
static void cmp_failed(struct siovh_check *check, bool fatal, const char *file,
		       int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_failed(check, fatal, file, line, fmt, ap);
	va_end(ap);
}

static const char *macro_prefix(bool fatal)
{
	return fatal ? "ASSERT" : "EXPECT";
}

/* "42", or "1048576 (0x100000)" for big values. */
static void fmt_int(char *buf, size_t len, long long v)
{
	if (v > 0xffff)
		snprintf(buf, len, "%lld (%#llx)", v, (unsigned long long)v);
	else
		snprintf(buf, len, "%lld", v);
}

/* "0", "-EBUSY (-16)", or the plain number. */
static void fmt_errno(char *buf, size_t len, long long v)
{
	const char *name = NULL;

	if (v < 0 && v >= -4095)
		name = strerrorname_np((int)-v);
	if (name)
		snprintf(buf, len, "-%s (%lld)", name, v);
	else
		fmt_int(buf, len, v);
}

static void fmt_uint(char *buf, size_t len, unsigned long long v)
{
	if (v > 0xffff)
		snprintf(buf, len, "%llu (%#llx)", v, v);
	else
		snprintf(buf, len, "%llu", v);
}

/*
 * Does a relation op hold between two values whose order is `order`
 * (negative, 0, positive)? If not, the failure message names the
 * comparison, both expressions and both values (already formatted).
 */
static bool cmp_order(struct siovh_check *check, bool fatal, const char *file,
		      int line, const char *lhs, const char *rhs,
		      enum siovh_cmp op, int order, const char *got,
		      const char *want)
{
	static const char *const names[] = {
		[SIOVH_EQ] = "EQ", [SIOVH_NE] = "NE", [SIOVH_LT] = "LT",
		[SIOVH_LE] = "LE", [SIOVH_GT] = "GT", [SIOVH_GE] = "GE",
	};
	static const char *const rel[] = {
		[SIOVH_EQ] = "", [SIOVH_NE] = "!= ", [SIOVH_LT] = "< ",
		[SIOVH_LE] = "<= ", [SIOVH_GT] = "> ", [SIOVH_GE] = ">= ",
	};
	bool ok;

	switch (op) {
	case SIOVH_EQ: ok = order == 0; break;
	case SIOVH_NE: ok = order != 0; break;
	case SIOVH_LT: ok = order < 0; break;
	case SIOVH_LE: ok = order <= 0; break;
	case SIOVH_GT: ok = order > 0; break;
	case SIOVH_GE: ok = order >= 0; break;
	default:
		cmp_failed(check, fatal, file, line,
			   "bad comparison %d of %s and %s", (int)op, lhs, rhs);
		return false;
	}
	if (!ok)
		cmp_failed(check, fatal, file, line,
			   "%s_%s(%s, %s): got %s, expected %s%s",
			   macro_prefix(fatal), names[op], lhs, rhs, got,
			   rel[op], want);
	return ok;
}

bool siovh_cmp_int(struct siovh_check *check, bool fatal, const char *file,
		   int line, const char *lhs, const char *rhs, enum siovh_cmp op,
		   long long a, long long b)
{
	char got[64], want[64];

	fmt_int(got, sizeof(got), a);
	fmt_int(want, sizeof(want), b);
	return cmp_order(check, fatal, file, line, lhs, rhs, op,
			 (a > b) - (a < b), got, want);
}

bool siovh_cmp_uint(struct siovh_check *check, bool fatal, const char *file,
		    int line, const char *lhs, const char *rhs,
		    enum siovh_cmp op, unsigned long long a,
		    unsigned long long b)
{
	char got[64], want[64];

	fmt_uint(got, sizeof(got), a);
	fmt_uint(want, sizeof(want), b);
	return cmp_order(check, fatal, file, line, lhs, rhs, op,
			 (a > b) - (a < b), got, want);
}

bool siovh_cmp_errno(struct siovh_check *check, bool fatal, const char *file,
		     int line, const char *expr, long long got,
		     long long expected)
{
	char g[64], e[64];

	if (got == expected)
		return true;
	fmt_errno(g, sizeof(g), got);
	fmt_errno(e, sizeof(e), expected);
	if (expected == 0) {
		cmp_failed(check, fatal, file, line, "%s_OK(%s): got %s, expected 0",
			   macro_prefix(fatal), expr, g);
	} else {
		const char *name = expected < 0 && expected >= -4095 ?
				   strerrorname_np((int)-expected) : NULL;
		char arg[64];

		if (name)
			snprintf(arg, sizeof(arg), "-%s", name);
		else
			snprintf(arg, sizeof(arg), "%lld", expected);
		cmp_failed(check, fatal, file, line,
			   "%s_ERRNO(%s, %s): got %s, expected %s",
			   macro_prefix(fatal), expr, arg, g, e);
	}
	return false;
}

bool siovh_cmp_ptr(struct siovh_check *check, bool fatal, const char *file,
		   int line, const char *lhs, const char *rhs, bool equal,
		   const void *a, const void *b)
{
	if ((a == b) == equal)
		return true;
	if (equal)
		cmp_failed(check, fatal, file, line,
			   "%s_PTR_EQ(%s, %s): got %p, expected %p",
			   macro_prefix(fatal), lhs, rhs, a, b);
	else
		cmp_failed(check, fatal, file, line,
			   "%s_PTR_NE(%s, %s): got %p, expected any other pointer",
			   macro_prefix(fatal), lhs, rhs, a);
	return false;
}

bool siovh_cmp_true(struct siovh_check *check, bool fatal, const char *file,
		    int line, const char *expr, bool expected, bool value)
{
	if (value == expected)
		return true;
	cmp_failed(check, fatal, file, line, "%s_%s(%s): got %s, expected %s",
		   macro_prefix(fatal), expected ? "TRUE" : "FALSE", expr,
		   value ? "true" : "false", expected ? "true" : "false");
	return false;
}

static const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "?";
}

void siovh_child_run(const struct siovh_target_spec *spec,
		     const struct siovh_clause *clause, uint64_t seed, int fd)
{
	struct siovh_target target;
	struct siovh_check check = {
		.target = &target, .seed = seed, .fd = fd,
	};
	uint64_t missing;
	int ret;

	coverage_start(clause);
	ret = siovh_target_open(spec, &target);
	if (ret) {
		frame_text(fd, SIOVH_FRAME_ERROR,
			   "cannot open target '%s': %s (-%s)", spec->text,
			   strerror(-ret), errno_name(-ret));
		check_finish(&check);
	}
	frame_send(fd, SIOVH_FRAME_FEATURES, &target.features,
		   sizeof(target.features));
	missing = clause->needs & ~target.features;
	if (missing) {
		uint64_t bit = missing & -missing;
		const char *name = siovh_feature_name(bit);
		const char *why = target.backend->lacks ?
				  target.backend->lacks(&target, bit) : NULL;

		if (name)
			frame_text(fd, SIOVH_FRAME_SKIP,
				   "target lacks feature '%s'%s%s", name,
				   why ? ": " : "", why ? why : "");
		else
			frame_text(fd, SIOVH_FRAME_SKIP,
				   "target lacks feature bit %d%s%s",
				   __builtin_ctzll(bit), why ? ": " : "",
				   why ? why : "");
		siovh_target_close(&target);
		check_finish(&check);
	}
	clause->fn(&check);
	siovh_target_close(&target);
	check_finish(&check);
}
