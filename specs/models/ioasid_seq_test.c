/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the IOASID sequence engine (siovh/model.h) against the ref
 * backend: it agrees with the faithful reference, it catches injected
 * faults with a readable report, and it refuses to go on after one. TAP
 * output; exit 1 on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siovh/model.h"
#include "siovh/target.h"

static int n, failed;

static void result(bool ok, const char *desc)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++n, desc);
	if (!ok)
		failed++;
}

static bool open_target(const char *spec_text, struct siovh_target *t)
{
	struct siovh_target_spec spec;
	char err[256];

	if (siovh_target_parse(spec_text, &spec, err, sizeof(err))) {
		printf("# %s: %s\n", spec_text, err);
		return false;
	}
	if (siovh_target_open(&spec, t)) {
		printf("# %s: cannot open\n", spec_text);
		return false;
	}
	return true;
}

/* Run count seeded sequences of ops operations; the first non-0 result. */
static int run_seeds(struct siovh_ioasid_seq *s, int count, size_t ops)
{
	uint8_t buf[256 * SIOVH_IOASID_OP_BYTES];
	size_t len = ops * SIOVH_IOASID_OP_BYTES;
	int i, err;

	if (len > sizeof(buf))
		len = sizeof(buf);
	for (i = 0; i < count; i++) {
		siovh_seq_fill(1000 + (uint64_t)i, buf, len);
		err = siovh_ioasid_seq_run(s, buf, len);
		if (err)
			return err;
	}
	return 0;
}

static void test_faithful(void)
{
	struct siovh_ioasid_seq *s = NULL;
	struct siovh_target t;
	int err = -1;

	if (open_target("ref", &t)) {
		if (!siovh_ioasid_seq_open(&t, NULL, &s)) {
			err = run_seeds(s, 200, 128);
			if (err)
				printf("# %s\n", siovh_ioasid_seq_report(s));
			siovh_ioasid_seq_close(s);
		}
		siovh_target_close(&t);
	}
	result(err == 0, "200 sequences agree with the faithful reference");
}

struct lines {
	int count;
	bool ordered;
	unsigned long last;
};

static void count_line(const char *line, void *data)
{
	struct lines *l = data;
	unsigned long step = strtoul(line + 1, NULL, 10);

	if (line[0] != '#' || step <= l->last)
		l->ordered = false;
	l->last = step;
	l->count++;
}

static void test_trace(void)
{
	struct lines l = { .ordered = true };
	struct siovh_ioasid_seq *s = NULL;
	struct siovh_target t;
	uint8_t buf[40 * SIOVH_IOASID_OP_BYTES + 3];
	bool ok = false;

	siovh_seq_fill(7, buf, sizeof(buf));
	if (open_target("ref", &t)) {
		if (!siovh_ioasid_seq_open(&t, NULL, &s)) {
			siovh_ioasid_seq_trace(s, count_line, &l);
			/* The 3 trailing bytes are no operation. */
			ok = !siovh_ioasid_seq_run(s, buf, sizeof(buf)) &&
			     (uint64_t)l.count == siovh_ioasid_seq_ops(s) &&
			     l.ordered && l.count >= 40;
			printf("# %d trace lines, %llu operations\n", l.count,
			       (unsigned long long)siovh_ioasid_seq_ops(s));
			siovh_ioasid_seq_close(s);
		}
		siovh_target_close(&t);
	}
	result(ok, "every operation is traced once, in step order");
}

static void test_empty(void)
{
	struct siovh_ioasid_seq *s = NULL;
	struct siovh_target t;
	uint8_t b[3] = { 1, 2, 3 };
	bool ok = false;

	if (open_target("ref", &t)) {
		if (!siovh_ioasid_seq_open(&t, NULL, &s)) {
			ok = !siovh_ioasid_seq_run(s, NULL, 0) &&
			     !siovh_ioasid_seq_run(s, b, sizeof(b));
			siovh_ioasid_seq_close(s);
		}
		siovh_target_close(&t);
	}
	result(ok, "empty and partial buffers run (set-up and teardown only)");
}

/* Expect fault to make a run diverge, with a report containing want. */
static void test_fault(const char *fault, const char *want)
{
	char spec[128], desc[192];
	struct siovh_ioasid_seq *s = NULL;
	struct siovh_target t;
	bool ok = false;
	int err;

	snprintf(spec, sizeof(spec), "ref:fault=%s", fault);
	if (open_target(spec, &t)) {
		if (!siovh_ioasid_seq_open(&t, NULL, &s)) {
			err = run_seeds(s, 200, 128);
			ok = err == 1 &&
			     strstr(siovh_ioasid_seq_report(s), "step ") &&
			     strstr(siovh_ioasid_seq_report(s),
				    "last operations:") &&
			     strstr(siovh_ioasid_seq_report(s), want) &&
			     run_seeds(s, 1, 16) == -EIO;
			printf("# %s\n", siovh_ioasid_seq_report(s));
			siovh_ioasid_seq_close(s);
		}
		siovh_target_close(&t);
	}
	snprintf(desc, sizeof(desc),
		 "%s: divergence reported (\"%s\"), engine then refuses", fault,
		 want);
	result(ok, desc);
}

static void test_no_facet(void)
{
	struct siovh_target t = { .ioasid = NULL };
	struct siovh_ioasid_seq *s = NULL;

	result(siovh_ioasid_seq_open(&t, NULL, &s) == -EOPNOTSUPP,
	       "a target without the ioasid facet is -EOPNOTSUPP");
}

int main(void)
{
	printf("1..7\n");
	test_faithful();
	test_trace();
	test_empty();
	test_fault("ioasid-put-no-dec", "references");
	test_fault("ioasid-alloc-ignores-min", "outside");
	test_fault("ioasid-notify-prio-inverted", "deliveries differ");
	test_no_facet();
	return failed ? 1 : 0;
}
