// SPDX-License-Identifier: MIT
/*
 * IOMMUFD.MAPFILE 1-6: IOMMU_IOAS_MAP_FILE, the map of a memfd range by fd
 * and offset (a VMM's guest RAM held as a memfd; seed 003, "DMA map/unmap
 * from userspace"). linux/iommufd.h: "All other arguments and semantics
 * match those of IOMMU_IOAS_MAP". The file's own rules are those of the
 * pin of its pages, which a kernel does at map time once a domain is
 * attached: the clauses attach the target's test device first (a target
 * whose IOAS always behaves as attached, the reference, needs none).
 * Kernels before 6.13 lack the ioctl: the clauses skip there. MAPFILE.6
 * is IOMMU_IOAS_CHANGE_PROCESS (6.15), which only MAP_FILE maps allow;
 * the accounting it moves is not observed (the reference has none).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common.h"
#include "siovh/iommufd_uapi.h"
#include "specs/enomem/walk.h"

#define SRC_MAP_FILE SRC_H("IOMMU_IOAS_MAP_FILE (\"Set an IOVA mapping from a memfd file\"; \"All other arguments and semantics match those of IOMMU_IOAS_MAP\")")
#define SRC_ERRNOS SRC_ABI " (\"EOPNOTSUPP\", \"EINVAL\", \"ENOENT\", \"EOVERFLOW\")"
#define RO IOMMU_IOAS_MAP_READABLE
#define MF_PAGES 16
#define MF_SIZE (MF_PAGES * PG)

/* Magic numbers of statfs(2)'s f_type (linux/magic.h). */
#define TMPFS_MAGIC_NR		0x01021994
#define HUGETLBFS_MAGIC_NR	0x958458f6

/* IOMMU_IOAS_MAP_FILE; *iova in and (on success) out. */
static int map_file(struct siovh_check *check, uint32_t id, uint32_t flags,
		    int fd, uint64_t start, uint64_t len, uint64_t *iova)
{
	struct siovh_ioas_map_file m = {
		.size = sizeof(m), .flags = flags, .ioas_id = id, .fd = fd,
		.start = start, .length = len, .iova = *iova,
	};
	int ret = fd_ioctl(check, SIOVH_IOMMU_IOAS_MAP_FILE, &m);

	if (!ret)
		*iova = m.iova;
	return ret;
}

/* Skip unless the target has IOMMU_IOAS_MAP_FILE (-ENOTTY: no such
 * ioctl; a MAP_FILE granting no access is refused before it looks at
 * anything else). */
static void must_map_file(struct siovh_check *check)
{
	uint64_t iova = 0;
	int ret = map_file(check, 0, 0, -1, 0, PG, &iova);

	if (ret == -ENOTTY)
		SKIP("the kernel lacks IOMMU_IOAS_MAP_FILE (Linux 6.13): -ENOTTY");
}

/* A memfd of npages pages, page i filled with 0x40 + i. */
static int must_memfd(struct siovh_check *check, unsigned int npages)
{
	unsigned char page[PG];
	unsigned int i;
	int fd = memfd_create("siovh-mapfile", MFD_CLOEXEC);

	if (fd < 0)
		FAIL_FATAL("memfd_create: %s", strerror(errno));
	for (i = 0; i < npages; i++) {
		memset(page, 0x40 + i, sizeof(page));
		if (pwrite(fd, page, PG, (off_t)(i * PG)) != (ssize_t)PG)
			FAIL_FATAL("pwrite to the memfd: %s", strerror(errno));
	}
	return fd;
}

/* The file of fd opened again (through /proc/self/fd) with flags. */
static int must_reopen(struct siovh_check *check, int fd, int flags)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = open(path, flags | O_CLOEXEC);
	if (ret < 0)
		SKIP("cannot open %s again: %s", path, strerror(errno));
	return ret;
}

SIOVH_CLAUSE(map_file_args,
	.id = "IOMMUFD.MAPFILE.1", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP_FILE refuses, mapping nothing: unknown flags -EOPNOTSUPP, neither READABLE nor WRITEABLE -EINVAL, an ioas_id that names no IOAS -ENOENT, length 0 -EINVAL, start + length - 1 past U64_MAX -EOVERFLOW, a fd that is not open -EBADF, start or length off out_iova_alignment -EINVAL",
	.source = SRC_MAP_FILE "; " SRC_ERRNOS "; " SRC_H("IOMMU_IOAS_IOVA_RANGES (out_iova_alignment)"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b, iova;
	struct ioas_ranges r;
	int mfd, bad;

	must_map_file(check);
	must_attached(check, id);
	b = must_base(check, id);
	must_ranges(check, id, &r);
	mfd = must_memfd(check, 4);
	bad = dup(mfd);
	ASSERT_GE(bad, 0);
	close(bad);		/* a descriptor that is not open */

	iova = b;
	EXPECT_ERRNO(map_file(check, id, FIXED | (1u << 20), mfd, 0, PG,
			      &iova), -EOPNOTSUPP);
	EXPECT_ERRNO(map_file(check, id, IOMMU_IOAS_MAP_FIXED_IOVA, mfd, 0,
			      PG, &iova), -EINVAL);
	EXPECT_ERRNO(map_file(check, UINT32_MAX, FIXED, mfd, 0, PG, &iova),
		     -ENOENT);
	EXPECT_ERRNO(map_file(check, id, FIXED, mfd, 0, 0, &iova), -EINVAL);
	EXPECT_ERRNO(map_file(check, id, FIXED, mfd, UINT64_MAX - PG + 1,
			      2 * PG, &iova), -EOVERFLOW);
	EXPECT_ERRNO(map_file(check, id, FIXED, bad, 0, PG, &iova), -EBADF);
	if (r.align > 1) {
		EXPECT_ERRNO(map_file(check, id, FIXED, mfd, r.align / 2, PG,
				      &iova), -EINVAL);
		EXPECT_ERRNO(map_file(check, id, FIXED, mfd, 0,
				      PG + r.align / 2, &iova), -EINVAL);
	} else {
		siovh_note(check, "out_iova_alignment is 1: no start or length is off it");
	}
	EXPECT_EQ(unmap_all(check, id), 0);
	close(mfd);
}

SIOVH_CLAUSE(map_file_kind,
	.id = "IOMMUFD.MAPFILE.2", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP_FILE of a fd that is no memfd (a pipe; a regular file outside tmpfs and hugetlbfs) is -EINVAL, and so is a range that runs past the end of the memfd (also after the memfd is truncated); nothing is mapped",
	.source = SRC_MAP_FILE " (\"the memfd ... file to map\", \"byte offset from start of the file\"); " SRC_ERRNOS,
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	int mfd, p[2], exe;
	struct statfs sf;
	uint64_t iova;

	must_map_file(check);
	must_attached(check, id);
	iova = must_base(check, id);
	mfd = must_memfd(check, 2);
	ASSERT_OK(pipe(p) ? -errno : 0);

	EXPECT_ERRNO(map_file(check, id, FIXED, p[0], 0, PG, &iova), -EINVAL);
	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0 || fstatfs(exe, &sf)) {
		siovh_note(check, "/proc/self/exe: %s; the regular file is not tried", strerror(errno));
	} else if ((uint32_t)sf.f_type == TMPFS_MAGIC_NR ||
		   (uint32_t)sf.f_type == HUGETLBFS_MAGIC_NR) {
		siovh_note(check, "/proc/self/exe is on tmpfs or hugetlbfs (a file MAP_FILE may take): not tried");
	} else {
		EXPECT_ERRNO(map_file(check, id, RO | IOMMU_IOAS_MAP_FIXED_IOVA,
				      exe, 0, PG, &iova), -EINVAL);
	}
	EXPECT_ERRNO(map_file(check, id, FIXED, mfd, PG, 2 * PG, &iova),
		     -EINVAL);
	EXPECT_ERRNO(map_file(check, id, FIXED, mfd, 2 * PG, PG, &iova),
		     -EINVAL);
	ASSERT_OK(ftruncate(mfd, 0) ? -errno : 0);
	EXPECT_ERRNO(map_file(check, id, FIXED, mfd, 0, PG, &iova), -EINVAL);
	EXPECT_EQ(unmap_all(check, id), 0);
	if (exe >= 0)
		close(exe);
	close(p[0]);
	close(p[1]);
	close(mfd);
}

SIOVH_CLAUSE(map_file_like_map,
	.id = "IOMMUFD.MAPFILE.3", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "a MAP_FILE mapping is a MAP's: FIXED_IOVA maps at iova (an overlap is -EEXIST), without it the chosen IOVA is returned, inside the IOVA ranges, aligned, clear of other mappings; UNMAP removes it and reports its length; COPY takes it to another IOAS, which keeps it after the source is unmapped; a WRITEABLE COPY of a READABLE-only MAP_FILE is -EPERM",
	.source = SRC_MAP_FILE "; " SRC_H("IOMMU_IOAS_COPY"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check), dst = must_ioas(check);
	uint64_t b, db, iova, n;
	struct ioas_ranges r;
	int mfd;

	must_map_file(check);
	must_attached(check, id);
	must_attached(check, dst);
	b = must_base(check, id);
	db = must_base(check, dst);
	must_ranges(check, id, &r);
	mfd = must_memfd(check, 4);

	iova = b;
	ASSERT_OK(map_file(check, id, FIXED, mfd, 0, 2 * PG, &iova));
	EXPECT_EQ(iova, b);
	iova = b + PG;
	EXPECT_ERRNO(map_file(check, id, FIXED, mfd, 2 * PG, PG, &iova),
		     -EEXIST);

	/* the input iova (over the mapping above) is ignored without FIXED */
	iova = b;
	ASSERT_OK(map_file(check, id, RW, mfd, 2 * PG, PG, &iova));
	EXPECT_TRUE(in_ranges(&r, iova, PG));
	if (r.align)
		EXPECT_EQ(iova % r.align, 0);
	EXPECT_TRUE(iova + PG <= b || iova >= b + 2 * PG);
	EXPECT_OK(ioas_unmap(check, id, iova, PG, &n));
	EXPECT_EQ(n, PG);

	iova = db;
	EXPECT_OK(ioas_copy(check, dst, id, FIXED, b, 2 * PG, &iova));
	EXPECT_OK(ioas_unmap(check, id, b, 2 * PG, &n));
	EXPECT_EQ(n, 2 * PG);

	/* pinned for reading only: no writable copy of it */
	iova = b + 4 * PG;
	ASSERT_OK(map_file(check, id, RO | IOMMU_IOAS_MAP_FIXED_IOVA, mfd,
			   3 * PG, PG, &iova));
	iova = db + 4 * PG;
	EXPECT_ERRNO(ioas_copy(check, dst, id, FIXED, b + 4 * PG, PG, &iova),
		     -EPERM);
	iova = db + 4 * PG;
	EXPECT_OK(ioas_copy(check, dst, id, RO | IOMMU_IOAS_MAP_FIXED_IOVA,
			    b + 4 * PG, PG, &iova));
	EXPECT_EQ(unmap_all(check, id), PG);
	EXPECT_EQ(unmap_all(check, dst), 3 * PG);
	close(mfd);
}

SIOVH_CLAUSE(map_file_mode,
	.id = "IOMMUFD.MAPFILE.4", .level = SIOVH_SHOULD, .facet = "iommufd",
	.title = "MAP_FILE grants a device no more than the fd grants: through a fd of the memfd open read-only, a READABLE map succeeds and a WRITEABLE one fails (as mmap(2) of it MAP_SHARED with PROT_WRITE does)",
	.source = SRC_MAP_FILE "; " SRC_H("IOMMU_IOAS_MAP (\"READABLE/WRITEABLE\")") "; mmap(2) (\"EACCES ... MAP_SHARED was requested and PROT_WRITE is set, but fd is not open in read/write (O_RDWR) mode\")",
	.needs = NEEDS_IOMMUFD)
{
	uint32_t id = must_ioas(check);
	uint64_t b, iova;
	int mfd, ro, ret;

	must_map_file(check);
	must_attached(check, id);
	b = must_base(check, id);
	mfd = must_memfd(check, 2);
	ro = must_reopen(check, mfd, O_RDONLY);

	iova = b;
	EXPECT_OK(map_file(check, id, RO | IOMMU_IOAS_MAP_FIXED_IOVA, ro, 0,
			   PG, &iova));
	iova = b + PG;
	ret = map_file(check, id, FIXED, ro, PG, PG, &iova);
	EXPECT_LT(ret, 0);
	if (!ret)
		siovh_note(check, "a WRITEABLE map through the read-only fd succeeded: the device may write what the fd may not");
	EXPECT_EQ(unmap_all(check, id), ret ? PG : 2 * PG);
	close(ro);
	close(mfd);
}

/* ---- IOMMUFD.MAPFILE.5: allocation failures (specs/enomem/walk.h) ---- */

struct mf_ctx {
	uint32_t id;
	uint64_t base, iova;
	int mfd;
	bool fixed;
};

static int mf_call(struct siovh_check *check, void *p)
{
	struct mf_ctx *c = p;

	c->iova = c->base;
	return map_file(check, c->id, c->fixed ? FIXED : RW, c->mfd, 0,
			MF_SIZE, &c->iova);
}

/* The IOAS held nothing before: it still holds nothing. */
static void mf_same(struct siovh_check *check, void *p)
{
	EXPECT_EQ(unmap_all(check, ((struct mf_ctx *)p)->id), 0);
}

static void mf_undo(struct siovh_check *check, void *p)
{
	EXPECT_EQ(unmap_all(check, ((struct mf_ctx *)p)->id), MF_SIZE);
}

SIOVH_CLAUSE(map_file_enomem,
	.id = "IOMMUFD.MAPFILE.5", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "MAP_FILE of 16 memfd pages (at a fixed IOVA across a 2 MiB boundary, and at an automatic one) into an IOAS with a device attached (the target's test device where it has one), whose memory allocation fails (each in turn), returns -ENOMEM and maps nothing; then it succeeds and UNMAP reports the whole range",
	.source = SRC_MAP_FILE "; " SRC_ENOMEM_H "; " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_IOMMUFD | NEEDS_FAIL_NTH)
{
	static const struct enomem_op op = {
		"IOMMU_IOAS_MAP_FILE (attached)", mf_call, mf_same, mf_undo,
	};
	struct mf_ctx c = { 0 };

	must_map_file(check);
	c.id = must_ioas(check);
	if (try_attached(check, c.id))
		siovh_note(check, "no test device attached: the walk runs on an IOAS without one");
	c.base = must_base(check, c.id) + (2ull << 20) - 8 * PG;
	c.mfd = must_memfd(check, MF_PAGES);
	c.fixed = true;
	enomem_walk(check, &op, &c);
	EXPECT_EQ(c.iova, c.base);
	EXPECT_EQ(unmap_all(check, c.id), MF_SIZE);
	c.fixed = false;
	enomem_walk(check, &op, &c);
	EXPECT_EQ(unmap_all(check, c.id), MF_SIZE);
	close(c.mfd);
}

/* ---- IOMMUFD.MAPFILE.6: IOMMU_IOAS_CHANGE_PROCESS ---- */

static int change_process(struct siovh_check *check, uint32_t reserved)
{
	struct siovh_ioas_change_process c = {
		.size = sizeof(c), .__reserved = reserved,
	};

	return fd_ioctl(check, SIOVH_IOMMU_IOAS_CHANGE_PROCESS, &c);
}

SIOVH_CLAUSE(map_file_change_process,
	.id = "IOMMUFD.MAPFILE.6", .level = SIOVH_MUST, .facet = "iommufd",
	.title = "IOMMU_IOAS_CHANGE_PROCESS: a nonzero __reserved is -EOPNOTSUPP; with MAP_FILE mappings only (in two IOASes, one a COPY of the other's) it succeeds and they stay mapped; while any IOAS also holds a MAP of user memory (or a COPY of one) it is -EINVAL, also after the MAP_FILE mappings go, and succeeds again once that mapping is unmapped",
	.source = SRC_H("IOMMU_IOAS_CHANGE_PROCESS (\"This only supports maps created with IOMMU_IOAS_MAP_FILE, and returns EINVAL if other maps are present. If the ioctl returns a failure status, then nothing is changed.\")"),
	.needs = NEEDS_IOMMUFD)
{
	uint32_t a = must_ioas(check), b = must_ioas(check);
	void *buf = must_pages(check, 1);
	uint64_t ba, bb, iova;
	int mfd, ret;

	ret = change_process(check, 0);
	if (ret == -ENOTTY)
		SKIP("the kernel lacks IOMMU_IOAS_CHANGE_PROCESS (Linux 6.15): -ENOTTY");
	EXPECT_OK(ret);
	must_map_file(check);
	must_attached(check, a);
	must_attached(check, b);
	ba = must_base(check, a);
	bb = must_base(check, b);
	mfd = must_memfd(check, 2);
	EXPECT_ERRNO(change_process(check, 1), -EOPNOTSUPP);

	iova = ba;
	ASSERT_OK(map_file(check, a, FIXED, mfd, 0, 2 * PG, &iova));
	iova = bb;
	ASSERT_OK(ioas_copy(check, b, a, FIXED, ba, PG, &iova));
	EXPECT_OK(change_process(check, 0));
	EXPECT_EQ(unmap_all(check, b), PG);

	iova = bb + 8 * PG;
	ASSERT_OK(ioas_map(check, b, FIXED, buf, PG, &iova));
	EXPECT_ERRNO(change_process(check, 0), -EINVAL);
	iova = ba + 8 * PG;
	ASSERT_OK(ioas_copy(check, a, b, FIXED, bb + 8 * PG, PG, &iova));
	EXPECT_OK(ioas_unmap(check, b, bb + 8 * PG, PG, NULL));
	EXPECT_ERRNO(change_process(check, 0), -EINVAL);	/* the copy */
	EXPECT_EQ(unmap_all(check, a), 3 * PG);
	EXPECT_OK(change_process(check, 0));
	close(mfd);
}
