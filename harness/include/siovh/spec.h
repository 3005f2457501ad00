/* SPDX-License-Identifier: MIT */
/*
 * Writing clauses and their checks.
 *
 * A clause is one checkable statement with a stable ID; its check is C code
 * written only against the target API (target.h). Each check runs in its own
 * child process with a fresh target and a timeout, so a crash or hang is a
 * result, not the end of the run.
 *
 *	SIOVH_CLAUSE(alloc_in_range,
 *		.id = "IOASID.ALLOC.1", .level = SIOVH_MUST, .facet = "ioasid",
 *		.title = "alloc returns an ID inside [min, max]",
 *		.source = "001_31fd9bc1970018d6.txt, \"IOASID API\"",
 *		.needs = SIOVH_FEAT_IOASID)
 *	{
 *		struct siovh_target *t = siovh_check_target(check);
 *		...
 *		EXPECT_EQ(id, 5);
 *		ASSERT_OK(t->ioasid->alloc(t, set, 5, 5, NULL, &id));
 *	}
 *
 * EXPECT_* record a failure and go on; ASSERT_* record it and end the check.
 * SKIP() ends the check as skipped with a reason. Every failure message says
 * what was expected and what came back. The check function's parameter is
 * named `check`; the macros use it.
 */
#ifndef SIOVH_SPEC_H
#define SIOVH_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "target.h"

enum siovh_level {
	SIOVH_MUST = 0,
	SIOVH_SHOULD = 1,
	SIOVH_MAY = 2,
};

struct siovh_check;		/* per-run context, owned by the runner */

struct siovh_clause {
	const char *id;		/* "IOASID.REF.3": FACET.GROUP.N, stable */
	const char *title;	/* the statement, one line */
	enum siovh_level level;
	const char *source;	/* "SEED, \"slide title\"" or "derived: why" */
	const char *facet;	/* "ioasid" */
	uint64_t needs;		/* SIOVH_FEAT_* the check cannot run without */
	unsigned int timeout_ms; /* 0: the runner's default */
	void (*fn)(struct siovh_check *check);
	const char *file;
	int line;
	struct siovh_clause *next; /* registry link, owned by the runner */
};

/* Called from SIOVH_CLAUSE's constructor; not for direct use. */
void siovh_clause_register(struct siovh_clause *clause);

#define SIOVH_CLAUSE(name, ...)						\
	static void name(struct siovh_check *check);			\
	static struct siovh_clause name##_clause = {			\
		.fn = name, .file = __FILE__, .line = __LINE__,	\
		__VA_ARGS__						\
	};								\
	__attribute__((constructor)) static void name##_register(void)	\
	{								\
		siovh_clause_register(&name##_clause);			\
	}								\
	static void name(struct siovh_check *check)

/* The check's target (opened by the runner for this check). */
struct siovh_target *siovh_check_target(struct siovh_check *check);
/* The run's seed (--seed), for checks that draw random sequences. */
uint64_t siovh_check_seed(struct siovh_check *check);

/* Evidence: a line that goes into the result whatever the verdict. */
__attribute__((format(printf, 2, 3)))
void siovh_note(struct siovh_check *check, const char *fmt, ...);

/* Record a failure at file:line; with fatal, end the check now. */
__attribute__((format(printf, 5, 6)))
void siovh_fail(struct siovh_check *check, bool fatal, const char *file,
		int line, const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3)))
void siovh_skip(struct siovh_check *check, const char *fmt, ...);

/* Has the check failed so far? Lets a loop stop after the first mismatch. */
bool siovh_check_failed(const struct siovh_check *check);

/* Comparison helpers behind the macros. */
enum siovh_cmp { SIOVH_EQ, SIOVH_NE, SIOVH_LT, SIOVH_LE, SIOVH_GT, SIOVH_GE };
bool siovh_cmp_int(struct siovh_check *check, bool fatal, const char *file,
		   int line, const char *lhs, const char *rhs, enum siovh_cmp op,
		   long long a, long long b);
bool siovh_cmp_uint(struct siovh_check *check, bool fatal, const char *file,
		    int line, const char *lhs, const char *rhs,
		    enum siovh_cmp op, unsigned long long a,
		    unsigned long long b);
/* Like siovh_cmp_int(EQ) but prints both sides as -errno names. */
bool siovh_cmp_errno(struct siovh_check *check, bool fatal, const char *file,
		     int line, const char *expr, long long got,
		     long long expected);
bool siovh_cmp_ptr(struct siovh_check *check, bool fatal, const char *file,
		   int line, const char *lhs, const char *rhs, bool equal,
		   const void *a, const void *b);
bool siovh_cmp_true(struct siovh_check *check, bool fatal, const char *file,
		    int line, const char *expr, bool expected, bool value);

/*
 * As C compares them: unsigned when either side is an unsigned type as
 * wide as long long (a u64 of U64_MAX is not -1), else signed.
 */
#define SIOVH__U64(x)							\
	((__typeof__(x))-1 > (__typeof__(x))0 &&			\
	 sizeof(x) >= sizeof(long long))
#define SIOVH__CMP(fatal, op, a, b) ({				\
	bool siovh__ok = SIOVH__U64(a) || SIOVH__U64(b) ?		\
	 siovh_cmp_uint(check, fatal, __FILE__, __LINE__, #a, #b, op,	\
			(unsigned long long)(a), (unsigned long long)(b)) : \
	 siovh_cmp_int(check, fatal, __FILE__, __LINE__, #a, #b, op,	\
		       (long long)(a), (long long)(b));		\
	siovh__ok;							\
})

#define EXPECT_EQ(a, b) SIOVH__CMP(false, SIOVH_EQ, a, b)
#define EXPECT_NE(a, b) SIOVH__CMP(false, SIOVH_NE, a, b)
#define EXPECT_LT(a, b) SIOVH__CMP(false, SIOVH_LT, a, b)
#define EXPECT_LE(a, b) SIOVH__CMP(false, SIOVH_LE, a, b)
#define EXPECT_GT(a, b) SIOVH__CMP(false, SIOVH_GT, a, b)
#define EXPECT_GE(a, b) SIOVH__CMP(false, SIOVH_GE, a, b)
#define ASSERT_EQ(a, b) SIOVH__CMP(true, SIOVH_EQ, a, b)
#define ASSERT_NE(a, b) SIOVH__CMP(true, SIOVH_NE, a, b)
#define ASSERT_LT(a, b) SIOVH__CMP(true, SIOVH_LT, a, b)
#define ASSERT_LE(a, b) SIOVH__CMP(true, SIOVH_LE, a, b)
#define ASSERT_GT(a, b) SIOVH__CMP(true, SIOVH_GT, a, b)
#define ASSERT_GE(a, b) SIOVH__CMP(true, SIOVH_GE, a, b)

/* expr returns 0 or -errno: expect success / a given -errno. */
#define EXPECT_OK(expr) \
	siovh_cmp_errno(check, false, __FILE__, __LINE__, #expr, (expr), 0)
#define ASSERT_OK(expr) \
	siovh_cmp_errno(check, true, __FILE__, __LINE__, #expr, (expr), 0)
#define EXPECT_ERRNO(expr, err) \
	siovh_cmp_errno(check, false, __FILE__, __LINE__, #expr, (expr), (err))
#define ASSERT_ERRNO(expr, err) \
	siovh_cmp_errno(check, true, __FILE__, __LINE__, #expr, (expr), (err))

#define EXPECT_TRUE(e) \
	siovh_cmp_true(check, false, __FILE__, __LINE__, #e, true, (e))
#define EXPECT_FALSE(e) \
	siovh_cmp_true(check, false, __FILE__, __LINE__, #e, false, (e))
#define ASSERT_TRUE(e) \
	siovh_cmp_true(check, true, __FILE__, __LINE__, #e, true, (e))
#define ASSERT_FALSE(e) \
	siovh_cmp_true(check, true, __FILE__, __LINE__, #e, false, (e))

#define EXPECT_PTR_EQ(a, b) \
	siovh_cmp_ptr(check, false, __FILE__, __LINE__, #a, #b, true, (a), (b))
#define ASSERT_PTR_EQ(a, b) \
	siovh_cmp_ptr(check, true, __FILE__, __LINE__, #a, #b, true, (a), (b))
#define EXPECT_PTR_NE(a, b) \
	siovh_cmp_ptr(check, false, __FILE__, __LINE__, #a, #b, false, (a), (b))

/* Free-form failure with a message (expected vs actual in your words). */
#define FAIL(...) siovh_fail(check, false, __FILE__, __LINE__, __VA_ARGS__)
#define FAIL_FATAL(...) siovh_fail(check, true, __FILE__, __LINE__, __VA_ARGS__)
#define SKIP(...) siovh_skip(check, __VA_ARGS__)

#endif /* SIOVH_SPEC_H */
