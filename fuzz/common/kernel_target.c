// SPDX-License-Identifier: MIT
/*
 * Fuzzing a target other than the in-process reference (issue 9): with
 * SIOVH_FUZZ_TARGET=SPEC in the environment (a target spec in siovh
 * --target's syntax; "kernel" in the VM, make fuzz-kernel) fz_ref_get and
 * fz_ref_get_slot hand out that target, opened for each input, and
 * fz_ref_put closes it (fuzz.h, fz_target_spec).
 *
 * Why not kept across inputs as ref_cache.c keeps the reference: nothing
 * to gain (opening the kernel target is an open of /dev/iommu, and its
 * close frees every object the input made), and a kernel's state cannot
 * be probed the way ref_cache.c compares the reference's with a fresh
 * one. The warm-up is the reference's (its VDCM's PASID set); a kernel
 * has nothing like it. A set-up (an engine) is opened on every target and
 * closed before it, so fz_ref_generation() changes with every input.
 *
 * KCOV (kcov.h) records from before the open to after the close: the
 * kernel's teardown of what an input built is that input's coverage too.
 *
 * One reference spec is taken as well: ref:parent=vfio:BDF, the reference
 * VDCM over a real SIOV endpoint through the running kernel's VFIO and
 * iommufd (harness/backends/vfio_parent.h), where every VDEV open is a
 * VFIO_DEVICE_ATTACH_PASID and every DMA map an IOMMU_IOAS_MAP with the
 * endpoint's PASID-tagged DMA behind them. Its VDCM is the reference's,
 * so ref_cache.c keeps it across inputs like the in-process one (an open
 * resets the function through vfio-pci, ~0.2 s: per input it would be the
 * whole rate) and fz_target_is_ref() says so; ref_cache.c brackets each
 * input with KCOV. Every other reference option is refused: a fault is
 * SIOVH_FUZZ_FAULT's business (appended to this spec by fz_ref_open), the
 * profile the compiled-in one.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "harness/backends/ref.h"
#include "kcov.h"

static struct {
	struct siovh_target t;
	const struct fz_ref_setup *setup;
	bool open;
	unsigned long generation;
} other;

/* At exit, what KCOV saw (fuzz-kernel.sh reads this line). */
static void say_edges(void)
{
	fprintf(stderr, "siovh-fuzz: kernel edges %llu\n",
		(unsigned long long)fz_kcov_edges());
}

static struct {
	bool read;
	const char *text;		/* NULL: the in-process reference */
	bool ref;			/* ref:parent=vfio:BDF */
	struct siovh_target_spec spec;
} want;

/* Parse SIOVH_FUZZ_TARGET once; fz_fail() on a spec not taken here. */
static void want_read(void)
{
	const char *text = getenv("SIOVH_FUZZ_TARGET");
	char err[256];

	want.read = true;
	if (!text || !*text || !strcmp(text, "ref"))
		return;
	if (siovh_target_parse(text, &want.spec, err, sizeof(err)))
		fz_fail("SIOVH_FUZZ_TARGET=%s: %s", text, err);
	want.ref = want.spec.backend == &siovh_ref_backend;
	if (want.ref && (!siovh_ref_parent_bdf(&want.spec) ||
			 want.spec.fault >= 0))
		fz_fail("SIOVH_FUZZ_TARGET=%s: of the reference's options only "
			"parent=vfio:BDF is taken (a fault is SIOVH_FUZZ_FAULT's "
			"business, the profile is the compiled-in one)", text);
	want.text = text;
	/* No KCOV: said, and no kernel feedback. */
	if (!fz_kcov_open() && atexit(say_edges))
		fz_fail("atexit failed");
}

const char *fz_target_spec(void)
{
	if (!want.read)
		want_read();
	return want.text;
}

bool fz_target_is_ref(void)
{
	return !fz_target_spec() || want.ref;
}

FZ_ORACLE struct siovh_target *fz_other_get(const struct fz_ref_setup *setup)
{
	const char *text = fz_target_spec();
	int ret;

	if (!text || want.ref)
		fz_fail("fz_other_get: %s is kept by ref_cache.c",
			text ? text : "the reference");
	if (other.open)
		fz_fail("fz_ref_get: the %s target is already handed out "
			"(one per input)", text);
	fz_kcov_begin();
	memset(&other.t, 0, sizeof(other.t));
	ret = siovh_target_open(&want.spec, &other.t);
	if (ret)
		fz_fail("opening the %s target: %s", text, strerror(-ret));
	other.open = true;
	other.setup = setup;
	other.generation++;
	if (setup && setup->up)
		setup->up(&other.t, setup->data);
	return &other.t;
}

FZ_ORACLE void fz_other_put(struct siovh_target *t)
{
	if (!other.open || t != &other.t)
		fz_fail("fz_ref_put of a target fz_ref_get did not hand out");
	if (other.setup && other.setup->down)
		other.setup->down(t, other.setup->data);
	siovh_target_close(t);
	other.open = false;
	fz_kcov_end();
}

unsigned long fz_other_generation(void)
{
	return other.generation;
}

/*
 * fz_input_keep's record, at offset 0 of the mapping:
 *	0	"SIOVHIN1"
 *	8	u32 length of the input, or KEEP_TORN while it is being written
 *	12	u32 sequence number (inputs kept so far, this one included)
 *	16	the input's bytes
 * Little-endian (x86). vm-images/fuzz-kernel.sh reads it after a crash.
 */
#define KEEP_MAGIC	"SIOVHIN1"
#define KEEP_HDR	16
#define KEEP_TORN	0xffffffffu

static struct {
	uint8_t *map;
	size_t len;
	uint32_t seq;
	bool tried;
} keep;

static void keep_open(void)
{
	const char *path = getenv("SIOVH_FUZZ_INPUT_MAP");
	struct stat st;
	void *p;
	int fd;

	keep.tried = true;
	if (!path || !*path)
		return;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || st.st_size < KEEP_HDR + 4096)
		fz_fail("SIOVH_FUZZ_INPUT_MAP=%s: cannot open a mapping of at "
			"least %d bytes", path, KEEP_HDR + 4096);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		fz_fail("SIOVH_FUZZ_INPUT_MAP=%s: mmap failed", path);
	keep.map = p;
	keep.len = (size_t)st.st_size;
	memcpy(keep.map, KEEP_MAGIC, 8);
}

FZ_ORACLE void fz_input_keep(const uint8_t *data, size_t size)
{
	uint32_t n = KEEP_TORN;

	if (!keep.tried)
		keep_open();
	if (!keep.map)
		return;
	if (size > keep.len - KEEP_HDR)
		size = keep.len - KEEP_HDR;	/* the head of a longer one */
	memcpy(keep.map + 8, &n, 4);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	memcpy(keep.map + KEEP_HDR, data, size);
	keep.seq++;
	memcpy(keep.map + 12, &keep.seq, 4);
	n = (uint32_t)size;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	memcpy(keep.map + 8, &n, 4);
}
