/* SPDX-License-Identifier: MIT */
/*
 * A minimal TAP producer for the reference modules' unit tests: one test
 * function per result line, EXPECT_* record a diagnostic and go on,
 * ASSERT_* also return from the test function. Diagnostics
 * ("# file:line: ...") follow the "not ok" line they explain.
 *
 * tap_run_matrix() adds the fault matrix the modules share: scenarios that
 * each return false at the first thing not as the contract says, run on the
 * faithful module, then against every injected fault the test binary
 * proves. A fault no scenario notices is a failure: for faults no target
 * facet reaches (reach UNIT) this is the only proof there is.
 */
#ifndef SIOVH_REF_TAP_H
#define SIOVH_REF_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct tap_test {
	const char *name;
	void (*fn)(void);
};

static bool tap_failed;
static char tap_diag[16384];	/* a matrix notes every fault */

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

/*
 * In a scenario body (struct tap_scenario): at the first condition that
 * does not hold, CHECK records it and its line in tap_why, which the
 * scenario runner prints, and jumps to the body's `out:` label.
 */
__attribute__((unused)) static char tap_why[512];

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		snprintf(tap_why, sizeof(tap_why), "line %d: %s",	\
			 __LINE__, #cond);				\
		goto out;						\
	}								\
} while (0)

struct tap_scenario {
	const char *name;
	bool (*fn)(int fault);		/* false: not as the contract says */
};

struct tap_fault_matrix {
	const struct tap_scenario *scen;
	size_t nscen;
	int nr_faults;			/* fault codes 1 .. nr_faults - 1 */
	bool (*proves)(int fault);	/* the faults this binary proves */
	const char *const *names;	/* by fault code */
	const char *const *reach;	/* by fault code, or NULL */
	char *why;			/* what the failing scenario saw
					 * (tap_why, unless set) */
	const char *title;		/* of the observability test */
};

static const struct tap_fault_matrix *tap_matrix;
static size_t tap_current;

static void tap_test_scenario(void)
{
	const struct tap_scenario *s = &tap_matrix->scen[tap_current];

	tap_matrix->why[0] = '\0';
	if (!s->fn(0))
		FAIL("%s: %s", s->name, tap_matrix->why);
}

static void tap_test_faults_observable(void)
{
	const struct tap_fault_matrix *m = tap_matrix;
	const char *reach;
	size_t s;
	int f;

	for (f = 1; f < m->nr_faults; f++) {
		int killed = 0;

		if (!m->proves(f))
			continue;
		reach = m->reach ? m->reach[f] : "";
		for (s = 0; s < m->nscen; s++)
			killed += !m->scen[s].fn(f);
		if (!killed)
			FAIL("fault %s %s is not observable", m->names[f], reach);
		else
			NOTE("%-24s %-4s fails %d of %zu scenarios",
			     m->names[f], reach, killed, m->nscen);
	}
}

/*
 * TAP: the fixed tests, each scenario on the faithful module (fault 0),
 * then the matrix's faults against all scenarios. The exit status.
 */
__attribute__((unused))
static int tap_run_matrix(const struct tap_test *fixed, size_t nfixed,
			  const struct tap_fault_matrix *m)
{
	const struct tap_test obs = { m->title, tap_test_faults_observable };
	size_t i, n = 0;
	int failures = 0;

	tap_matrix = m;
	printf("1..%zu\n", nfixed + m->nscen + 1);
	for (i = 0; i < nfixed; i++)
		failures += tap_run_one(++n, &fixed[i]);
	for (i = 0; i < m->nscen; i++) {
		struct tap_test t = { m->scen[i].name, tap_test_scenario };

		tap_current = i;
		failures += tap_run_one(++n, &t);
	}
	failures += tap_run_one(++n, &obs);
	return failures ? 1 : 0;
}

#endif /* SIOVH_REF_TAP_H */
