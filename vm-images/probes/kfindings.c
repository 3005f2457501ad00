// SPDX-License-Identifier: MIT
/*
 * kfindings: the kernel's side of every known difference between a
 * kernel's /dev/iommu (fault queues, HWPT_ALLOC, dirty tracking) and the
 * reference's, measured in the VM with the IOMMUFD_TEST mock device (KTAP on stdout, one result each).
 *
 *   kfindings          (in the guest; init.sh writes /out/findings.ktap)
 *
 * Each result asserts what the kernel's source says it does (6.12
 * fault.c, 7.x eventq.c/device.c), so that a kernel that changes shows up
 * as a failure here, and its description says what the reference does:
 * either the same (a reference bug fixed against the kernel) or not (a
 * kernel finding, listed in vm-images/README.md). The mock device is
 * created with IOMMU_TEST_CMD, declared here in our own words as in
 * harness/backends/kernel_mock.c (not uAPI; same numbers on 6.12 and 7.x).
 *
 * Set-up: IOAS, mock device attached to it (automatic HWPT), a NEST_PARENT
 * paging HWPT, a fault queue, a nested selftest-format HWPT using it, the
 * device moved there; page requests are raised with the mock's trigger.
 * hwpt-reserved2 allocates a paging HWPT on the rig's IOAS for the
 * device. The dirty-tracking results use a second IOAS and mock device (the mock
 * tracks dirty pages) with a DIRTY_TRACKING paging HWPT over a mapped
 * buffer (7.x hw_pagetable.c/io_pagetable.c; 6.12 has the same code).
 * Exit: 0 all ok or skipped, 1 a result failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>

#define TEST_CMD		_IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)
#define OP_NEW_DEVICE		2	/* create, bind, attach to id */
#define OP_REPLACE		10	/* move the device to pt_id */
#define OP_TRIGGER_PR		15	/* a page request from the device */
#define DATA_SELFTEST		0xdead	/* the mock's nested HWPT format */
#define SELFTEST_IOTLB		0xbadbeef

struct test_cmd {
	uint32_t size, op, id, reserved;
	union {
		struct {
			uint32_t out_test_obj, out_hwpt, out_dev;
		} new_device;
		struct {
			uint32_t pt_id;
		} replace;
		struct {
			uint32_t dev_id, pasid, grpid, perm;
			uint64_t addr;
		} trigger;
		uint64_t pad[6];
	};
	uint32_t last;
} __attribute__((aligned(8)));

#define REC	sizeof(struct iommu_hwpt_pgfault)
#define RESP	sizeof(struct iommu_hwpt_page_response)

struct rig {
	int fd, qfd;
	uint32_t ioas, dev, test_obj, parent, iopf, fq;
};

static const char *const names[] = {
	"read-empty", "read-length", "cookie-at-read", "write-length",
	"write-partial", "write-dup", "replace-answers", "hwpt-reserved2",
	"dirty-reserved", "dirty-null-bitmap",
};
#define NR_RIG_TESTS	8	/* the results on the rig, before the dirty ones */
#define NR_TESTS (int)(sizeof(names) / sizeof(names[0]))

static int nr, failed;

static void result(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d %s # ", ok ? "ok" : "not ok", ++nr, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed += !ok;
}

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

static int test_cmd(struct rig *r, struct test_cmd *c)
{
	c->size = sizeof(*c);
	return (int)sys_ret(ioctl(r->fd, TEST_CMD, c));
}

static int trigger(struct rig *r, uint32_t grpid)
{
	struct test_cmd c = { .op = OP_TRIGGER_PR };

	c.trigger.dev_id = r->dev;
	c.trigger.grpid = grpid;
	c.trigger.perm = IOMMU_PGFAULT_PERM_READ;
	c.trigger.addr = 0x100000ull * grpid;
	return test_cmd(r, &c);
}

static int replace(struct rig *r, uint32_t pt_id)
{
	struct test_cmd c = { .op = OP_REPLACE, .id = r->test_obj };

	c.replace.pt_id = pt_id;
	return test_cmd(r, &c);
}

static long respond(struct rig *r, const uint32_t *cookies, size_t n)
{
	struct iommu_hwpt_page_response resp[4] = { 0 };
	size_t i;

	for (i = 0; i < n && i < 4; i++)
		resp[i].cookie = cookies[i];	/* code 0: SUCCESS */
	return sys_ret(write(r->qfd, resp, n * RESP));
}

static long read_one(struct rig *r, struct iommu_hwpt_pgfault *pf)
{
	return sys_ret(read(r->qfd, pf, REC));
}

/* The set-up of the header comment; a message and false on failure. */
static bool rig_up(struct rig *r, const char **why)
{
	struct test_cmd nd = { .op = OP_NEW_DEVICE };
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha) };
	/* the selftest format's first field only: 6.12 refuses a data_len
	 * above its struct (-EINVAL) even with a zero tail; 7.x's is longer */
	uint32_t data[1] = { SELFTEST_IOTLB };
	int ret;

	*why = "IOAS_ALLOC";
	if (ioctl(r->fd, IOMMU_IOAS_ALLOC, &ia))
		return false;
	r->ioas = ia.out_ioas_id;
	nd.id = r->ioas;
	ret = test_cmd(r, &nd);
	if (ret) {
		*why = ret == -ENOTTY ? "no IOMMU_TEST_CMD (kernel without CONFIG_IOMMUFD_TEST)" :
		       "the mock device did not attach (6.12 attaches it only with intel_iommu=off)";
		errno = -ret;
		return false;
	}
	r->dev = nd.new_device.out_dev;
	r->test_obj = nd.new_device.out_test_obj;
	*why = "HWPT_ALLOC (NEST_PARENT)";
	ha.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	ha.dev_id = r->dev;
	ha.pt_id = r->ioas;
	if (ioctl(r->fd, IOMMU_HWPT_ALLOC, &ha))
		return false;
	r->parent = ha.out_hwpt_id;
	*why = "FAULT_QUEUE_ALLOC";
	if (ioctl(r->fd, IOMMU_FAULT_QUEUE_ALLOC, &fa))
		return false;
	r->fq = fa.out_fault_id;
	r->qfd = (int)fa.out_fault_fd;
	*why = "HWPT_ALLOC (nested, selftest format, FAULT_ID_VALID)";
	ha = (struct iommu_hwpt_alloc) {
		.size = sizeof(ha), .flags = IOMMU_HWPT_FAULT_ID_VALID,
		.dev_id = r->dev, .pt_id = r->parent,
		.data_type = DATA_SELFTEST, .data_len = sizeof(data),
		.data_uptr = (uintptr_t)data, .fault_id = r->fq,
	};
	if (ioctl(r->fd, IOMMU_HWPT_ALLOC, &ha))
		return false;
	r->iopf = ha.out_hwpt_id;
	*why = "replace onto the nested HWPT";
	ret = replace(r, r->iopf);
	if (ret) {
		errno = -ret;
		return false;
	}
	return true;
}

/* 1-2: read() of an empty queue and of a length off the record size. */
static void t_read(struct rig *r)
{
	uint8_t buf[2 * REC];
	long n;

	n = sys_ret(read(r->qfd, buf, REC));
	result(n == 0, "read-empty",
	       "read of an empty queue returned %ld (kernel: 0; reference: -EAGAIN: kernel finding)", n);
	n = sys_ret(read(r->qfd, buf, REC + 1));
	result(n == -ESPIPE, "read-length",
	       "read of a length off the record size returned %ld (kernel: -ESPIPE; reference: -EINVAL: kernel finding)", n);
}

/* 3: a group raised but not read has no cookie yet. */
static void t_cookie_at_read(struct rig *r, uint32_t *c1)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t c, accepted = 0;
	long n;

	if (trigger(r, 1)) {
		result(false, "cookie-at-read", "trigger: %s", strerror(errno));
		return;
	}
	for (c = 1; c <= 16 && !accepted; c++)
		if (respond(r, &c, 1) != -EINVAL)
			accepted = c;
	n = read_one(r, &pf);
	*c1 = pf.cookie;
	result(!accepted && n == (long)REC, "cookie-at-read",
	       "responses to cookies 1..16 before the read: %s; read %ld bytes, cookie %u (kernel: cookie allocated in read(); reference: the same since this session, it gave one at collection before)",
	       accepted ? "one accepted" : "all -EINVAL", n, pf.cookie);
}

/* 4-6: write() length, a bad record after a good one, a repeated cookie. */
static void t_write(struct rig *r, uint32_t c1)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t w[2];
	long n, again;
	uint8_t junk[RESP + 1] = { 0 };

	n = sys_ret(write(r->qfd, junk, sizeof(junk)));
	result(n == -ESPIPE, "write-length",
	       "write of a length off the record size returned %ld (kernel: -ESPIPE; reference: -EINVAL: kernel finding)", n);
	w[0] = c1;
	w[1] = 0x7fffffff;
	n = respond(r, w, 2);
	again = respond(r, &c1, 1);
	result(n == (long)RESP && again == -EINVAL, "write-partial",
	       "a good response then an unknown cookie: write returned %ld, the good one again %ld (kernel: short write, the good one answered; reference: -EINVAL, nothing answered, per seed 004 \"Sanitize User Requests\": kernel finding)",
	       n, again);
	if (trigger(r, 2) || read_one(r, &pf) != (long)REC) {
		result(false, "write-dup", "trigger/read: %s", strerror(errno));
		return;
	}
	w[0] = w[1] = pf.cookie;
	n = respond(r, w, 2);
	result(n == (long)RESP, "write-dup",
	       "one cookie twice in a write returned %ld (kernel: short write, answered once; reference: -EINVAL, nothing answered: kernel finding)", n);
}

/* 7: replace answers the groups made under the old HWPT. */
static void t_replace(struct rig *r)
{
	struct iommu_hwpt_pgfault pf;
	long late, left;
	int ret;

	if (trigger(r, 3) || read_one(r, &pf) != (long)REC || trigger(r, 4)) {
		result(false, "replace-answers", "trigger/read: %s", strerror(errno));
		return;
	}
	ret = replace(r, r->parent);
	late = respond(r, &pf.cookie, 1);
	left = read_one(r, &pf);
	result(!ret && late == -EINVAL && left == 0, "replace-answers",
	       "after a replace: the read group's response %ld, a read %ld (kernel: both groups answered INVALID at replace, read and unread; reference: the same since this session, it kept them before)",
	       late, left);
}

/*
 * The dirty-tracking rig: an IOAS with 16 pages mapped, a second mock
 * device on it, a paging HWPT allocated with DIRTY_TRACKING. Its ID, or 0
 * and *why on failure.
 */
#define DIRTY_IOVA	(1ull << 24)	/* inside the mock's aperture */
#define DIRTY_LEN	(16ull * 4096)

static uint32_t dirty_rig_up(struct rig *r, const char **why)
{
	struct test_cmd nd = { .op = OP_NEW_DEVICE };
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	struct iommu_ioas_map map = { .size = sizeof(map) };
	struct iommu_hwpt_alloc ha = { .size = sizeof(ha) };
	void *buf;
	int ret;

	*why = "IOAS_ALLOC";
	if (ioctl(r->fd, IOMMU_IOAS_ALLOC, &ia))
		return 0;
	*why = "mmap";
	buf = mmap(NULL, DIRTY_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 0;
	*why = "IOAS_MAP";
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		    IOMMU_IOAS_MAP_WRITEABLE;
	map.ioas_id = ia.out_ioas_id;
	map.user_va = (uintptr_t)buf;
	map.length = DIRTY_LEN;
	map.iova = DIRTY_IOVA;
	if (ioctl(r->fd, IOMMU_IOAS_MAP, &map))
		return 0;
	nd.id = ia.out_ioas_id;
	ret = test_cmd(r, &nd);
	if (ret) {
		*why = "the second mock device did not attach";
		errno = -ret;
		return 0;
	}
	*why = "HWPT_ALLOC (DIRTY_TRACKING)";
	ha.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	ha.dev_id = nd.new_device.out_dev;
	ha.pt_id = ia.out_ioas_id;
	if (ioctl(r->fd, IOMMU_HWPT_ALLOC, &ha))
		return 0;
	return ha.out_hwpt_id;
}

/* 8-9: argument checks the dirty-tracking ioctls skip. */
static void t_dirty(struct rig *r, uint32_t hwpt)
{
	struct iommu_hwpt_set_dirty_tracking set = {
		.size = sizeof(set), .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
		.hwpt_id = hwpt, .__reserved = 1,
	};
	struct iommu_hwpt_get_dirty_bitmap get = {
		.size = sizeof(get), .hwpt_id = hwpt, .iova = DIRTY_IOVA,
		.length = DIRTY_LEN, .page_size = 4096, .data = 0,
	};
	long n;

	n = sys_ret(ioctl(r->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &set));
	result(n == 0, "dirty-reserved",
	       "SET_DIRTY_TRACKING with __reserved 1 returned %ld (kernel: 0, hw_pagetable.c checks only flags; reference: -EOPNOTSUPP, as iommufd.h's \"must be 0\" and every other iommufd ioctl: kernel finding)", n);
	n = sys_ret(ioctl(r->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get));
	result(n == 0, "dirty-null-bitmap",
	       "GET_DIRTY_BITMAP of a mapped range into data 0 returned %ld (kernel: 0, iommu_read_and_clear_dirty() drops iova_bitmap_for_each()'s -EFAULT; reference: -EFAULT: kernel finding)", n);
}

/* 8: HWPT_ALLOC's second reserved field. */
static void t_hwpt_reserved2(struct rig *r)
{
	struct iommu_hwpt_alloc ha = {
		.size = sizeof(ha), .dev_id = r->dev, .pt_id = r->ioas,
		.__reserved2 = 1,
	};
	struct iommu_destroy d = { .size = sizeof(d) };
	long n;

	n = sys_ret(ioctl(r->fd, IOMMU_HWPT_ALLOC, &ha));
	result(n == 0, "hwpt-reserved2",
	       "HWPT_ALLOC of a paging HWPT with __reserved2 1 returned %ld (kernel: 0, iommufd_hwpt_alloc checks only __reserved; reference: -EOPNOTSUPP, as iommufd.h's \"must be 0\": kernel finding)", n);
	if (!n) {
		d.id = ha.out_hwpt_id;
		ioctl(r->fd, IOMMU_DESTROY, &d);
	}
}

static void skip_from(int from, int to, const char *what, int e)
{
	for (nr = from; nr < to; nr++)
		printf("ok %d %s # SKIP %s: %s\n", nr + 1, names[nr], what,
		       strerror(e));
}

int main(void)
{
	const char *path = getenv("SIOVH_KERNEL_IOMMU_DEV");
	struct rig r = { .qfd = -1 };
	const char *why;
	uint32_t c1 = 0, hwpt;

	printf("KTAP version 1\n1..%d\n", NR_TESTS);
	r.fd = open(path && *path ? path : "/dev/iommu", O_RDWR | O_CLOEXEC);
	if (r.fd < 0 || !rig_up(&r, &why)) {
		skip_from(0, NR_TESTS, r.fd < 0 ? "/dev/iommu" : why, errno);
		return 0;
	}
	t_read(&r);
	t_cookie_at_read(&r, &c1);
	t_write(&r, c1);
	t_replace(&r);
	close(r.qfd);
	t_hwpt_reserved2(&r);
	hwpt = dirty_rig_up(&r, &why);
	if (hwpt)
		t_dirty(&r, hwpt);
	else
		skip_from(NR_RIG_TESTS, NR_TESTS, why, errno);
	close(r.fd);
	return failed ? 1 : 0;
}
