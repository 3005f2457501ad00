/* SPDX-License-Identifier: MIT */
/*
 * A minimal TAP producer for the IOASID unit tests: one test function per
 * result line, EXPECT_* record a diagnostic and go on, ASSERT_* also return
 * from the test function. Diagnostics ("# file:line: ...") follow the
 * "not ok" line they explain.
 */
#ifndef IOASID_TAP_H
#define IOASID_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct tap_test {
	const char *name;
	void (*fn)(void);
};

static bool tap_failed;
static char tap_diag[2048];

/* Append "# <prefix><message>" to the current test's diagnostics. */
static void tap_vdiag(const char *prefix, const char *fmt, va_list ap)
{
	size_t len = strlen(tap_diag);
	int n;

	n = snprintf(tap_diag + len, sizeof(tap_diag) - len, "# %s", prefix);
	if (n < 0 || (size_t)n >= sizeof(tap_diag) - len)
		return;
	len += (size_t)n;
	n = vsnprintf(tap_diag + len, sizeof(tap_diag) - len, fmt, ap);
	if (n >= 0 && (size_t)n < sizeof(tap_diag) - len - 1)
		strcat(tap_diag, "\n");
}

__attribute__((format(printf, 3, 4)))
static void tap_fail(const char *file, int line, const char *fmt, ...)
{
	char prefix[128];
	va_list ap;

	tap_failed = true;
	snprintf(prefix, sizeof(prefix), "%s:%d: ", file, line);
	va_start(ap, fmt);
	tap_vdiag(prefix, fmt, ap);
	va_end(ap);
}

/* A diagnostic that is not a failure (a measurement, say). */
__attribute__((format(printf, 1, 2), unused))
static void tap_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag("", fmt, ap);
	va_end(ap);
}

#define FAIL(...) tap_fail(__FILE__, __LINE__, __VA_ARGS__)
#define NOTE(...) tap_note(__VA_ARGS__)

#define EXPECT_EQ(got, want) ({						\
	long long got_ = (long long)(got), want_ = (long long)(want);	\
	if (got_ != want_)						\
		FAIL("%s: expected %lld, got %lld", #got, want_, got_);	\
	got_ == want_;							\
})
#define EXPECT_TRUE(cond) ({						\
	bool ok_ = (cond);						\
	if (!ok_)							\
		FAIL("expected %s", #cond);				\
	ok_;								\
})
#define ASSERT_EQ(got, want) do {					\
	if (!EXPECT_EQ(got, want))					\
		return;							\
} while (0)
#define ASSERT_TRUE(cond) do {						\
	if (!EXPECT_TRUE(cond))						\
		return;							\
} while (0)

/* Run test number `number` and print its result line; 1 if it failed. */
static int tap_run_one(size_t number, const struct tap_test *test)
{
	tap_failed = false;
	tap_diag[0] = '\0';
	test->fn();
	printf("%sok %zu - %s\n", tap_failed ? "not " : "", number,
	       test->name);
	fputs(tap_diag, stdout);
	fflush(stdout);
	return tap_failed;
}

/* Run the tests, print TAP, return the exit status (1 if any failed). */
__attribute__((unused))
static int tap_run(const struct tap_test *tests, size_t n)
{
	int failures = 0;
	size_t i;

	printf("1..%zu\n", n);
	fflush(stdout);
	for (i = 0; i < n; i++)
		failures += tap_run_one(i + 1, &tests[i]);
	return failures ? 1 : 0;
}

#endif /* IOASID_TAP_H */
