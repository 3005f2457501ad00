// SPDX-License-Identifier: MIT
/*
 * Unit tests of the kernel backend's mdev lifecycle (kernel_mdev.h) against
 * a fake sysfs ($SIOVH_SYSFS_ROOT) shaped like the kernel's mtty sample:
 * class/mdev_bus/mtty/mdev_supported_types/{mtty-1,mtty-2} with their
 * available_instances and create files, and bus/mdev/devices/UUID/remove
 * for the devices the test makes appear. The mdev option is checked at
 * parse time; list_types, available_instances, create (the UUID written to
 * the type's create file, and to the ledger first) and remove (1 written
 * to the device's remove file) act on those files; unknown types are
 * -EINVAL, a VDEV that is not open refuses ioctls and region accesses; the
 * first lifecycle call holds the ledger's flock until close, and sweeps the
 * mdevs a previous check left in the ledger. Opening a VDEV needs a real
 * kernel (the VM tier). TAP output; exit 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "siovh/target.h"

#define TYPES	"/class/mdev_bus/mtty/mdev_supported_types"
#define U1	"5e1d0a7c-3b21-4c11-9a60-000000000001"
#define ULEFT	"5e1d0a7c-3b21-4c11-9a60-0000000000ff"

static int n, failed;
static char root[64] = "/tmp/siovh-kmdev.XXXXXX";

static void result(bool ok, const char *what, const char *detail)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++n, what);
	if (!ok) {
		printf("# %s\n", detail ? detail : "");
		failed++;
	}
}

static int put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void get(const char *rel, char *buf, size_t len)
{
	char path[512];
	FILE *f;
	size_t got = 0;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return;
	got = fread(buf, 1, len - 1, f);
	buf[got] = '\0';
	fclose(f);
}

static int mkdirs(const char *rel)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s%s'", root, rel);
	return system(cmd);
}

static int setup(void)
{
	if (!mkdtemp(root) ||
	    mkdirs(TYPES "/mtty-1") || mkdirs(TYPES "/mtty-2") ||
	    mkdirs("/bus/mdev/devices/" U1) ||
	    mkdirs("/bus/mdev/devices/" ULEFT) ||
	    put(TYPES "/mtty-1/available_instances", "24\n") ||
	    put(TYPES "/mtty-2/available_instances", "12\n") ||
	    put(TYPES "/mtty-1/create", "") || put(TYPES "/mtty-2/create", "") ||
	    put("/bus/mdev/devices/" U1 "/remove", "") ||
	    put("/bus/mdev/devices/" ULEFT "/remove", ""))
		return -1;
	setenv("SIOVH_SYSFS_ROOT", root, 1);
	setenv("SIOVH_STATE_DIR", root, 1);
	return 0;
}

static void bad_spec(const char *text, const char *needle)
{
	struct siovh_target_spec spec;
	char err[512] = "", what[300];
	int ret = siovh_target_parse(text, &spec, err, sizeof(err));

	snprintf(what, sizeof(what), "%s is refused, naming the option", text);
	result(ret == -EINVAL && strstr(err, needle), what, err);
}

static void test_parse(void)
{
	struct siovh_target_spec spec;
	char err[256] = "";

	result(!siovh_target_parse("kernel:mdev=mtty", &spec, err,
				   sizeof(err)) &&
	       !strcmp(spec.arg + 16, "mtty") && !spec.arg[0],
	       "kernel:mdev=mtty parses", err);
	bad_spec("kernel:mdev=../mtty", "mdev='../mtty' is not an mdev parent");
	bad_spec("kernel:mdev=", "mdev='' is not an mdev parent");
	bad_spec("kernel:mdev=nope", "mdev=nope: no such mdev parent");
	bad_spec("kernel:mdev=mtty,mdev=mtty", "more than one mdev parent");
	bad_spec("ref:mdev=mtty", "only kernel");
	result(!siovh_target_parse("kernel:mdev=mtty,vfio=cdev", &spec, err,
				   sizeof(err)) &&
	       !strcmp(spec.arg + 96, "cdev"),
	       "kernel:mdev=mtty,vfio=cdev parses", err);
	bad_spec("kernel:mdev=mtty,vfio=vfio", "vfio='vfio': expected one vfio=cdev or vfio=group");
	bad_spec("kernel:mdev=mtty,vfio=cdev,vfio=group", "expected one vfio=cdev");
	bad_spec("ref:vfio=cdev", "only kernel");
	bad_spec("kernel:vfio=cdev", "name exactly one of them");
}

/* mtty-1/create as a directory (writes fail with EISDIR, even as root),
 * or back to a file. */
static void break_create(bool broken)
{
	char path[512], saved[520];

	snprintf(path, sizeof(path), "%s%s", root, TYPES "/mtty-1/create");
	snprintf(saved, sizeof(saved), "%s.file", path);
	if (broken ? rename(path, saved) || mkdir(path, 0755) :
		     rmdir(path) || rename(saved, path))
		printf("# %s: %s\n", path, strerror(errno));
}

static int ledger_locked(void)
{
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/siovh-mdev-mtty.ledger", root);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	ret = flock(fd, LOCK_EX | LOCK_NB) ? errno == EWOULDBLOCK : 0;
	close(fd);
	return ret;
}

static void test_lifecycle(struct siovh_target *t)
{
	static const uint8_t u1[16] = {
		0x5e, 0x1d, 0x0a, 0x7c, 0x3b, 0x21, 0x4c, 0x11,
		0x9a, 0x60, 0, 0, 0, 0, 0, 1,
	};
	const struct siovh_vfio_device_ops *ops = t->vfio_device;
	char buf[64], small[8], text[128];
	struct siovh_vdev *v = NULL;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	unsigned int avail = 0;

	result(ops && (t->features & SIOVH_FEAT_VFIO_DEVICE),
	       "the target has the vfio_device facet", NULL);
	if (!ops)
		return;
	/* a previous check left ULEFT in the ledger */
	put("/siovh-mdev-mtty.ledger", ULEFT "\n");
	memset(buf, 0x55, sizeof(buf));
	result(!ops->list_types(t, buf, sizeof(buf)) &&
	       !memcmp(buf, "mtty-1\0mtty-2\0\0", 15),
	       "list_types: mtty-1, mtty-2, sorted, double-NUL", NULL);
	get("/bus/mdev/devices/" ULEFT "/remove", text, sizeof(text));
	result(!strcmp(text, "1"), "the first lifecycle call removed the mdev the ledger held", text);
	get("/siovh-mdev-mtty.ledger", text, sizeof(text));
	result(!text[0], "and emptied the ledger", text);
	result(ledger_locked() == 1, "the check holds the parent's ledger flock", NULL);
	result(ops->list_types(t, small, sizeof(small)) == -ENOSPC,
	       "list_types into 8 bytes is -ENOSPC", NULL);
	result(!ops->available_instances(t, "mtty-2", &avail) && avail == 12,
	       "available_instances(mtty-2) reads the type's file", NULL);
	result(ops->available_instances(t, "nope", &avail) == -EINVAL &&
	       ops->available_instances(t, "../mtty-1", &avail) == -EINVAL &&
	       ops->create(t, "nope", u1, &v) == -EINVAL,
	       "an unknown type is -EINVAL (available_instances, create)", NULL);
	/* a create the kernel refuses leaves no trace in the ledger */
	break_create(true);
	result(ops->create(t, "mtty-1", u1, &v) < 0 && !v,
	       "create fails when the create file refuses the write", NULL);
	get("/siovh-mdev-mtty.ledger", text, sizeof(text));
	result(!text[0],
	       "a failed create's UUID leaves the ledger again", text);
	break_create(false);
	result(!ops->create(t, "mtty-1", u1, &v) && v,
	       "create(mtty-1, uuid) succeeds", NULL);
	get(TYPES "/mtty-1/create", text, sizeof(text));
	result(!strcmp(text, U1), "the UUID went to mtty-1/create", text);
	get("/siovh-mdev-mtty.ledger", text, sizeof(text));
	result(!strcmp(text, U1 "\n"), "and to the ledger", text);
	if (!v)
		return;
	result(ops->ioctl(t, v, VFIO_DEVICE_GET_INFO, &info) == -EBADF &&
	       ops->pread(t, v, buf, 4, 0) == -EBADF &&
	       ops->release(t, v) == -EINVAL,
	       "a VDEV not open: ioctl/pread -EBADF, release -EINVAL", NULL);
	result(ops->open(t, v) < 0, "open without a kernel behind fails", NULL);
	result(!ops->remove(t, v), "remove succeeds", NULL);
	get("/bus/mdev/devices/" U1 "/remove", text, sizeof(text));
	result(!strcmp(text, "1"), "remove wrote 1 to the device's remove file", text);
}

int main(void)
{
	struct siovh_target_spec spec;
	struct siovh_target t;
	char err[256];
	const char *why;

	printf("TAP version 13\n");
	if (setup()) {
		printf("1..0 # SKIP cannot build the fake sysfs\n");
		return 0;
	}
	test_parse();
	if (siovh_target_parse("kernel:mdev=mtty", &spec, err, sizeof(err)) ||
	    siovh_target_open(&spec, &t)) {
		result(false, "kernel:mdev=mtty opens", err);
	} else {
		test_lifecycle(&t);
		siovh_target_close(&t);
		result(ledger_locked() == 0, "close drops the ledger flock", NULL);
	}
	if (!siovh_target_parse("kernel", &spec, err, sizeof(err)) &&
	    !siovh_target_open(&spec, &t)) {
		why = t.backend->lacks(&t, SIOVH_FEAT_VFIO_DEVICE);
		result(!t.vfio_device && why && strstr(why, "kernel:mdev="),
		       "without mdev= the facet is absent and the reason says how to name one",
		       why);
		siovh_target_close(&t);
	}
	snprintf(err, sizeof(err), "rm -rf '%s'", root);
	if (system(err))
		printf("# could not remove %s\n", root);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
