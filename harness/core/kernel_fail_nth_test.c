// SPDX-License-Identifier: MIT
/*
 * Unit tests of the kernel backend's fail_nth (kernel_fail_nth.h) against
 * stand-ins for /proc/thread-self/fail-nth (a regular file) and failslab's
 * debugfs directory (SIOVH_KERNEL_FAIL_NTH, SIOVH_KERNEL_FAILSLAB_DIR):
 * without the file, or with failslab ignoring sleeping allocations (or no
 * failslab), the target lacks SIOVH_FEAT_FAIL_NTH with a reason naming
 * what is missing; with both, fail_nth writes the armed count and returns
 * what the file holds before it as left (the kernel's count down: 0 once
 * the armed point failed), and a file that holds no number is -EPROTO.
 * TAP output; exit 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "siovh/target.h"
#include "siovh/test.h"

static int n, failed;
static char root[64] = "/tmp/siovh-kfail.XXXXXX";
static char nth_path[128], gfp_path[192];

static void result(bool ok, const char *what, const char *detail)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++n, what);
	if (!ok) {
		printf("# %s\n", detail ? detail : "");
		failed++;
	}
}

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
	}
}

static int open_kernel(struct siovh_target *t)
{
	struct siovh_target_spec spec;
	char err[256];

	if (siovh_target_parse("kernel", &spec, err, sizeof(err)))
		return -1;
	return siovh_target_open(&spec, t);
}

/* The target lacks the feature, and says so with words from want. */
static void expect_lacks(const char *what, const char *want)
{
	struct siovh_target t;
	const char *why;

	if (open_kernel(&t)) {
		result(false, what, "the kernel target did not open");
		return;
	}
	why = t.backend->lacks(&t, SIOVH_FEAT_FAIL_NTH);
	result(!(t.features & SIOVH_FEAT_FAIL_NTH) && why &&
	       strstr(why, want), what, why);
	siovh_target_close(&t);
}

static void test_armed(void)
{
	struct siovh_target t;
	unsigned int left = 99;
	char buf[32];
	int ret;

	if (open_kernel(&t)) {
		result(false, "with failslab counting GFP_KERNEL: the target opens", NULL);
		return;
	}
	result((t.features & SIOVH_FEAT_FAIL_NTH) && t.test && t.test->fail_nth,
	       "fail-nth writable, ignore-gfp-wait N: SIOVH_FEAT_FAIL_NTH",
	       t.backend->lacks(&t, SIOVH_FEAT_FAIL_NTH));
	if (!t.test || !t.test->fail_nth) {
		siovh_target_close(&t);
		return;
	}
	ret = t.test->fail_nth(&t, 7, NULL);
	get(nth_path, buf, sizeof(buf));
	result(!ret && !strcmp(buf, "7"), "arming 7 writes 7", buf);
	/* the op passed two points: the kernel counted 7 down to 5 */
	put(nth_path, "5\n");
	ret = t.test->fail_nth(&t, 0, &left);
	get(nth_path, buf, sizeof(buf));
	result(!ret && left == 5 && !strcmp(buf, "0"),
	       "disarming reads left 5 (not reached) and writes 0", buf);
	t.test->fail_nth(&t, 1, NULL);
	put(nth_path, "0\n");		/* the armed point failed */
	left = 99;
	ret = t.test->fail_nth(&t, 0, &left);
	result(!ret && left == 0, "left 0 once the armed point failed", NULL);
	put(nth_path, "x\n");
	ret = t.test->fail_nth(&t, 0, &left);
	result(ret == -EPROTO, "a file that holds no number: -EPROTO", NULL);
	siovh_target_close(&t);
}

int main(void)
{
	char dir[96];

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(nth_path, sizeof(nth_path), "%s/fail-nth", root);
	snprintf(dir, sizeof(dir), "%s/failslab", root);
	snprintf(gfp_path, sizeof(gfp_path), "%s/ignore-gfp-wait", dir);
	setenv("SIOVH_KERNEL_IOMMU_DEV", "/nonexistent/iommu", 1);
	setenv("SIOVH_KERNEL_FAIL_NTH", nth_path, 1);
	setenv("SIOVH_KERNEL_FAILSLAB_DIR", dir, 1);
	printf("TAP version 13\n1..8\n");

	expect_lacks("no fail-nth file: lacks it, naming the file", "fail-nth");
	put(nth_path, "0\n");
	expect_lacks("no failslab: lacks it, naming ignore-gfp-wait",
		     "ignore-gfp-wait");
	mkdir(dir, 0700);
	put(gfp_path, "Y\n");
	expect_lacks("failslab ignores GFP_KERNEL: lacks it, saying so",
		     "is not N");
	put(gfp_path, "N\n");
	test_armed();

	unlink(gfp_path);
	rmdir(dir);
	unlink(nth_path);
	rmdir(root);
	return failed ? 1 : 0;
}
