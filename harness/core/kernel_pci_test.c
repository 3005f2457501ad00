// SPDX-License-Identifier: MIT
/*
 * Unit tests of the kernel backend's pci facet (kernel_pci.h) against a
 * fake sysfs: $SIOVH_SYSFS_ROOT/bus/pci/devices/0000:01:00.0/config holds
 * a dump of the reference parent's config space. The device option is
 * checked at parse time (canonical address; a malformed address, a
 * missing device, a second device or a target other than kernel are each
 * -EINVAL with a message naming the option); the opened target reads the
 * reference's bytes at every size, refuses bad sizes and offsets, writes
 * through to the file, names the reference profile, and without a device
 * says how to name one; a check's first access takes the device's flock,
 * its close releases it. TAP output; exit 1 on any failure.
 *
 *   kernel_pci_test [--dump FILE]   (--dump: write the reference's 4 KiB
 *                                    config space to FILE and exit)
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

#define BDF	"0000:01:00.0"
#define CFG	4096

static int n, failed;
static char root[64] = "/tmp/siovh-kpci.XXXXXX";
static char cfg_path[256];
static uint8_t ref_cfg[CFG];

static void result(bool ok, const char *what, const char *detail)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++n, what);
	if (!ok) {
		printf("# %s\n", detail ? detail : "");
		failed++;
	}
}

/* The reference parent's config space, dword by dword. */
static int dump_ref(uint8_t *out)
{
	struct siovh_target_spec spec;
	struct siovh_target t;
	char err[256];
	uint32_t off;

	if (siovh_target_parse("ref", &spec, err, sizeof(err)) ||
	    siovh_target_open(&spec, &t))
		return -1;
	for (off = 0; off < CFG; off += 4)
		if (t.pci->cfg_read(&t, out + off, 4, off) != 4) {
			siovh_target_close(&t);
			return -1;
		}
	siovh_target_close(&t);
	return 0;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fwrite(buf, 1, len, f) == len ? 0 : -1;
	if (fclose(f))
		ret = -1;
	return ret;
}

static int make_sysfs(void)
{
	char dir[200];

	if (!mkdtemp(root))
		return -1;
	snprintf(dir, sizeof(dir), "%s/bus", root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/bus/pci", root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices", root);
	mkdir(dir, 0755);
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices/" BDF, root);
	if (mkdir(dir, 0755))
		return -1;
	snprintf(cfg_path, sizeof(cfg_path), "%s/config", dir);
	setenv("SIOVH_SYSFS_ROOT", root, 1);
	return write_file(cfg_path, ref_cfg, CFG);
}

/* spec must be refused, the message containing needle. */
static void bad_spec(const char *spec_text, const char *needle)
{
	struct siovh_target_spec spec;
	char err[512] = "", what[300];
	int ret;

	ret = siovh_target_parse(spec_text, &spec, err, sizeof(err));
	snprintf(what, sizeof(what), "'%s' refused naming '%s'", spec_text,
		 needle);
	result(ret == -EINVAL && strstr(err, needle) && !strchr(err, '\n'),
	       what, err);
}

static void test_parse(void)
{
	struct siovh_target_spec spec;
	char err[512] = "";

	result(!siovh_target_parse("kernel:device=" BDF, &spec, err,
				   sizeof(err)) && !strcmp(spec.arg, BDF),
	       "kernel:device=" BDF " parses", err);
	result(!siovh_target_parse("kernel:device=01:00.0", &spec, err,
				   sizeof(err)) && !strcmp(spec.arg, BDF),
	       "kernel:device=01:00.0 is domain 0000", err);
	bad_spec("kernel:device=0000:01:00", "device='0000:01:00' is not a PCI address");
	bad_spec("kernel:device=0000:01:20.0", "device='0000:01:20.0' is not a PCI address");
	bad_spec("kernel:device=0000:01:00.8", "device='0000:01:00.8' is not a PCI address");
	bad_spec("kernel:device=000g:01:00.0", "device='000g:01:00.0' is not a PCI address");
	bad_spec("kernel:device=", "device='' is not a PCI address");
	bad_spec("kernel:device=0000:02:00.0", "device=0000:02:00.0: no such PCI device");
	bad_spec("kernel:device=" BDF ",device=" BDF, "more than one device");
	bad_spec("ref:device=" BDF, "only kernel");
}

static uint32_t rd(struct siovh_target *t, size_t len, uint32_t off,
		   ssize_t *ret)
{
	uint32_t v = 0;

	*ret = t->pci->cfg_read(t, &v, len, off);
	return v;
}

static void test_access(void)
{
	struct siovh_target_spec spec;
	struct siovh_target t;
	char err[512] = "", msg[300] = "";
	uint32_t off, v, want, bad = 0;
	const char *prof;
	ssize_t ret;
	size_t len;

	if (siovh_target_parse("kernel:device=" BDF, &spec, err, sizeof(err)) ||
	    siovh_target_open(&spec, &t)) {
		result(false, "the kernel target with a device opens", err);
		return;
	}
	result(t.pci && (t.features & SIOVH_FEAT_PCI_CONFIG),
	       "with a device it has the pci facet", NULL);
	for (len = 1; len <= 4; len *= 2)
		for (off = 0; off < CFG; off += len) {
			want = 0;
			memcpy(&want, ref_cfg + off, len);
			v = rd(&t, len, off, &ret);
			if (ret != (ssize_t)len || v != want) {
				if (!bad++)
					snprintf(msg, sizeof(msg), "%zu bytes at %#x: ret %zd, %#x, expected %#x",
						 len, off, ret, v, want);
			}
		}
	result(!bad, "every 1-, 2- and 4-byte read is the reference's config space", msg);
	rd(&t, 3, 0, &ret);
	result(ret == -EINVAL, "a 3-byte read is -EINVAL", NULL);
	rd(&t, 4, 2, &ret);
	result(ret == -EINVAL, "an unaligned read is -EINVAL", NULL);
	rd(&t, 4, CFG, &ret);
	result(ret == -EINVAL, "a read at 4096 is -EINVAL", NULL);
	v = 0x5a5a1234;
	ret = t.pci->cfg_write(&t, &v, 4, 0x10);
	result(ret == 4 && rd(&t, 4, 0x10, &ret) == 0x5a5a1234,
	       "a write goes to the config file and reads back", NULL);
	prof = t.pci->profile_path(&t);
	result(prof && strstr(prof, "specs/profiles/ref.json") &&
	       !access(prof, R_OK),
	       "the device is judged by the reference's profile", prof);
	siovh_target_close(&t);

	if (!siovh_target_parse("kernel", &spec, err, sizeof(err)) &&
	    !siovh_target_open(&spec, &t)) {
		const char *why = t.backend->lacks(&t, SIOVH_FEAT_PCI_CONFIG);

		result(!t.pci && !(t.features & SIOVH_FEAT_PCI_CONFIG) && why &&
		       strstr(why, "kernel:device="),
		       "without a device: no pci facet, the skip says how to name one",
		       why);
		siovh_target_close(&t);
	} else {
		result(false, "the kernel target without a device opens", err);
	}
}

/* A check's first access locks the device until its target closes. */
static void test_lock(void)
{
	struct siovh_target_spec spec;
	struct siovh_target t;
	char err[512] = "";
	int fd = open(cfg_path, O_RDONLY), locked;
	ssize_t ret;

	if (fd < 0 || siovh_target_parse("kernel:device=" BDF, &spec, err,
					 sizeof(err)) ||
	    siovh_target_open(&spec, &t)) {
		result(false, "the device lock: target opens", err);
		result(false, "the device lock: released at close", NULL);
		if (fd >= 0)
			close(fd);
		return;
	}
	locked = flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	rd(&t, 4, 0, &ret);
	result(!locked && ret == 4 && flock(fd, LOCK_EX | LOCK_NB) &&
	       errno == EWOULDBLOCK,
	       "the first config access takes the device's flock (not the open)", NULL);
	siovh_target_close(&t);
	result(!flock(fd, LOCK_EX | LOCK_NB),
	       "closing the target releases the device's flock", NULL);
	close(fd);
}

/* Not root: a read-only config file opens, its writes are -EBADF. */
static void test_read_only(void)
{
	struct siovh_target_spec spec;
	struct siovh_target t;
	char err[512] = "";
	uint32_t v = 0;
	ssize_t ret;

	if (!geteuid()) {
		printf("ok %d - read-only config file # SKIP root writes any file\n", ++n);
		return;
	}
	chmod(cfg_path, 0444);
	if (siovh_target_parse("kernel:device=" BDF, &spec, err, sizeof(err)) ||
	    siovh_target_open(&spec, &t)) {
		result(false, "a read-only config file opens", err);
		return;
	}
	ret = t.pci->cfg_write(&t, &v, 4, 0x10);
	result(ret == -EBADF && rd(&t, 2, 0, &ret) == 0x8086,
	       "a read-only config file reads, and its writes are -EBADF", NULL);
	siovh_target_close(&t);
}

static void cleanup(void)
{
	char dir[200];

	unlink(cfg_path);
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices/" BDF, root);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices", root);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/bus/pci", root);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/bus", root);
	rmdir(dir);
	rmdir(root);
}

int main(int argc, char **argv)
{
	if (dump_ref(ref_cfg)) {
		fprintf(stderr, "kernel_pci_test: the reference target did not open\n");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "--dump"))
		return write_file(argv[2], ref_cfg, CFG) ? 1 : 0;
	printf("TAP version 13\n1..21\n");
	if (make_sysfs()) {
		printf("Bail out! cannot make a fake sysfs under %s\n", root);
		return 1;
	}
	test_parse();
	test_access();
	test_lock();
	test_read_only();
	cleanup();
	return failed ? 1 : 0;
}
