// SPDX-License-Identifier: MIT
/*
 * Unit tests of the IOAS sequence engine (ioas_seq.h) against the ref
 * backend: it agrees with the faithful reference (with and without DMA),
 * it catches injected faults with a report that names the step and the
 * last operations, it is deterministic, and it refuses to go on after a
 * divergence. TAP output; exit 1 on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/ref/tap.h"
#include "siovh/target.h"
#include "ioas_seq.h"

#define OPS	200

/* Faults of the reference the engine must catch within a few seeds. */
static const char *const faults[] = {
	"iommufd-fixed-ignored", "iommufd-auto-overlap",
	"iommufd-auto-outside-allowed", "iommufd-map-overlap",
	"iommufd-map-unaligned", "iommufd-map-reserved",
	"iommufd-unmap-hole-ok", "iommufd-unmap-length",
	"iommufd-unmap-splits", "iommufd-unmap-all-one",
	"iommufd-copy-shares", "iommufd-copy-hole-ok",
	"iommufd-allow-bad-ranges", "iommufd-allow-reserved",
	"iommufd-flags-ignored", "iommufd-hwpt-starts-empty",
	"iommufd-hwpt-unmap-stale", "viommu-perm-ignored",
	"viommu-unmap-no-flush", "siovdev-fill-overrun",
	"siovdev-copy-crosses-page",
};

static bool open_target(const char *text, struct siovh_target *t)
{
	struct siovh_target_spec spec;
	char err[256];

	if (siovh_target_parse(text, &spec, err, sizeof(err))) {
		FAIL("%s: %s", text, err);
		return false;
	}
	if (siovh_target_open(&spec, t)) {
		FAIL("%s: cannot open", text);
		return false;
	}
	return true;
}

/* count sequences from seed base on a fresh engine; the first non-0. */
static int run_target(const char *text, const struct ioas_seq_config *cfg,
		      int count, uint64_t base, struct ioas_seq_stats *st,
		      char *report, size_t len)
{
	struct siovh_target t;
	struct ioas_seq *s;
	int i, ret;

	if (!open_target(text, &t))
		return -ENODEV;
	ret = ioas_seq_open(&t, cfg, &s);
	if (ret) {
		siovh_target_close(&t);
		return ret;
	}
	for (i = 0; i < count && !ret; i++)
		ret = ioas_seq_run_seed(s, base + (uint64_t)i, OPS);
	if (st)
		ioas_seq_stats(s, st);
	if (report)
		snprintf(report, len, "%s", ioas_seq_report(s));
	if (ret > 0 && ioas_seq_run_seed(s, base, OPS) != -EINVAL)
		ret = -EPROTO;		/* a diverged engine must refuse */
	ioas_seq_close(s);
	siovh_target_close(&t);
	return ret;
}

static void test_faithful(void)
{
	static const struct ioas_seq_config ro = {
		.mix = IOAS_SEQ_MIX_COPY_RO,
	};
	struct ioas_seq_stats st;
	char report[4096];

	EXPECT_EQ(run_target("ref", NULL, 20, 100, &st, report,
			     sizeof(report)), 0);
	EXPECT_EQ(report[0], '\0');
	/* Both outcomes of a DMA show up, and most operations are kept. */
	EXPECT_TRUE(st.probes_ok > st.probes / 10);
	EXPECT_TRUE(st.probes_ok < st.probes);
	EXPECT_TRUE(st.ops_ok > st.ops / 5);
	NOTE("%llu ops (%llu ok), %llu probes (%llu SUCCESS)",
	     (unsigned long long)st.ops, (unsigned long long)st.ops_ok,
	     (unsigned long long)st.probes, (unsigned long long)st.probes_ok);
	EXPECT_EQ(run_target("ref", &ro, 20, 200, NULL, NULL, 0), 0);
}

static void test_no_dma(void)
{
	static const struct ioas_seq_config cfg = { .no_dma = true };
	struct ioas_seq_stats st;

	EXPECT_EQ(run_target("ref", &cfg, 10, 300, &st, NULL, 0), 0);
	EXPECT_EQ(st.probes, 0);
}

static void test_short_input(void)
{
	static const uint8_t one[IOAS_SEQ_OP_BYTES - 1] = { 0 };
	struct siovh_target t;
	struct ioas_seq *s;

	if (!open_target("ref", &t))
		return;
	if (!EXPECT_EQ(ioas_seq_open(&t, NULL, &s), 0)) {
		siovh_target_close(&t);
		return;
	}
	EXPECT_EQ(ioas_seq_run_bytes(s, NULL, 0), 0);
	EXPECT_EQ(ioas_seq_run_bytes(s, one, sizeof(one)), 0);
	EXPECT_EQ(ioas_seq_run_seed(s, 7, 1), 0);
	ioas_seq_close(s);
	siovh_target_close(&t);
}

static void test_deterministic(void)
{
	struct ioas_seq_stats a, b;

	EXPECT_EQ(run_target("ref", NULL, 3, 42, &a, NULL, 0), 0);
	EXPECT_EQ(run_target("ref", NULL, 3, 42, &b, NULL, 0), 0);
	EXPECT_EQ(a.ops, b.ops);
	EXPECT_EQ(a.ops_ok, b.ops_ok);
	EXPECT_EQ(a.probes_ok, b.probes_ok);
}

static void test_faults(void)
{
	char text[128], report[4096];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		snprintf(text, sizeof(text), "ref:fault=%s", faults[i]);
		ret = run_target(text, NULL, 20, 1, NULL, report,
				 sizeof(report));
		if (ret != 1) {
			FAIL("%s: the engine returned %d, expected a "
			     "divergence", faults[i], ret);
			continue;
		}
		EXPECT_TRUE(!strncmp(report, "step ", 5));
		EXPECT_TRUE(strstr(report, "last operations:") != NULL);
	}
}

int main(void)
{
	static const struct tap_test tests[] = {
		{ "agrees with the faithful reference", test_faithful },
		{ "agrees without DMA", test_no_dma },
		{ "short inputs are empty sequences", test_short_input },
		{ "a seed gives the same sequence", test_deterministic },
		{ "catches injected faults with a report", test_faults },
	};

	return tap_run(tests, sizeof(tests) / sizeof(tests[0]));
}
