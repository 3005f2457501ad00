// SPDX-License-Identifier: MIT
/*
 * The kernel backend's fail_nth: see kernel_fail_nth.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/backends/kernel_fail_nth.h"

static const char *env_or(const char *name, const char *dflt)
{
	const char *p = getenv(name);

	return p && *p ? p : dflt;
}

/* What the fail-nth file holds now: 0 or -errno. */
static int read_left(int fd, unsigned int *left)
{
	char buf[32], *end;
	unsigned long v;
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPROTO;
	buf[n] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v > ~0u)
		return -EPROTO;
	*left = (unsigned int)v;
	return 0;
}

int kfail_nth_arm(int fd, unsigned int nth, unsigned int *left)
{
	char buf[16];
	int len, ret;

	/*
	 * Read first: the read itself passes no fault-injection point (no
	 * allocation; copy_to_user counts only with FAULT_INJECTION_USERCOPY,
	 * which the value is formatted before), so it reports the op's count.
	 */
	if (left) {
		ret = read_left(fd, left);
		if (ret)
			return ret;
	}
	len = snprintf(buf, sizeof(buf), "%u", nth);
	if (pwrite(fd, buf, (size_t)len, 0) != len)
		return errno ? -errno : -EIO;
	return 0;
}

/* Does failslab count allocations that may sleep (GFP_KERNEL)? */
static int failslab_counts_sleeping(char *why, size_t len)
{
	const char *dir = env_or("SIOVH_KERNEL_FAILSLAB_DIR",
				 KFAIL_FAILSLAB_DIR);
	char path[256], v[8] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/ignore-gfp-wait", dir);
	f = fopen(path, "re");
	if (!f) {
		snprintf(why, len, "%s: %s (a kernel without CONFIG_FAILSLAB and its debugfs, or debugfs not mounted): fail-nth would fail no GFP_KERNEL allocation",
			 path, strerror(errno));
		return -1;
	}
	if (!fgets(v, sizeof(v), f))
		v[0] = '\0';
	fclose(f);
	if (v[0] != 'N') {
		snprintf(why, len, "%s is not N: failslab ignores GFP_KERNEL allocations, so fail-nth would fail almost none of iommufd's (write N there)",
			 path);
		return -1;
	}
	return 0;
}

int kfail_nth_open(char *why, size_t len)
{
	const char *path = env_or("SIOVH_KERNEL_FAIL_NTH", KFAIL_NTH_PATH);
	unsigned int left = ~0u;
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s (a kernel without CONFIG_FAULT_INJECTION, or no access)",
			 path, strerror(errno));
		return -1;
	}
	ret = kfail_nth_arm(fd, 0, NULL);
	if (!ret)
		ret = read_left(fd, &left);
	if (!ret && left)
		ret = -EPROTO;
	if (ret) {
		snprintf(why, len, "%s: disarming it: %s", path, strerror(-ret));
		close(fd);
		return -1;
	}
	if (failslab_counts_sleeping(why, len)) {
		close(fd);
		return -1;
	}
	return fd;
}
