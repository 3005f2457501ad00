// SPDX-License-Identifier: MIT
/*
 * KCOV feedback: see kcov.h.
 *
 * One KCOV instance per process, enabled on the first thread that calls
 * fz_kcov_begin() and left enabled (KCOV traces per thread, from
 * KCOV_ENABLE to KCOV_DISABLE); begin only resets the count of recorded
 * PCs, so what end() reads is what the input's syscalls reached and not
 * the fuzzer's own bookkeeping between inputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kcov.h>

#include "fuzz.h"
#include "kcov.h"

#define KCOV_PATH	"/sys/kernel/debug/kcov"
/* PCs per input (words of the trace buffer, the count included): an input
 * of the op-stream targets reaches a few thousand. */
#define KCOV_WORDS	(1u << 18)
#define MAP_BITS	16
#define MAP_SIZE	(1u << MAP_BITS)
_Static_assert(MAP_SIZE == FZ_KCOV_MAP_SIZE, "kcov.h says the map size");

/* libFuzzer's extra counters (kcov.h); gcc builds keep them as a plain
 * array. */
__attribute__((section("__libfuzzer_extra_counters"), used))
static uint8_t kcov_counters[MAP_SIZE];

/* A kernel PC's 64-bit mix; the top MAP_BITS bits index the map. */
static inline uint64_t pc_hash(unsigned long pc)
{
	uint64_t h = pc ^ (pc >> 17);

	return h * 0x9e3779b97f4a7c15ull;
}

/* The same mix, its low bits spread for the PC set's slots. */
static inline uint64_t pc_hash_raw(unsigned long pc)
{
	uint64_t h = pc_hash(pc);

	return h ^ (h >> 29);
}

static struct {
	int fd;				/* -1 until fz_kcov_open succeeds */
	bool fake;			/* SIOVH_FUZZ_KCOV_FAKE: no kernel */
	uint8_t *map;			/* where edges go: kcov_counters, or
					 * AFL++'s map (fz_kcov_map) */
	unsigned long *cover;		/* [0] count, then the PCs */
	pid_t tid;			/* the thread KCOV traces, 0: none yet */
	bool tracing;			/* between begin and end */
	uint64_t edges;
	uint8_t seen[MAP_SIZE / 8];
} kcov = { .fd = -1, .map = kcov_counters };

/*
 * SIOVH_FUZZ_KCOV_FAKE=1 (tests of the feedback on a host without KCOV):
 * the trace buffer is this process's memory, fz_kcov_fake_pc() records
 * into it what the kernel would, and fd is a placeholder.
 */
static int fake_open(void)
{
	void *p = mmap(NULL, KCOV_WORDS * sizeof(unsigned long),
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	kcov.cover = p;
	kcov.fake = true;
	kcov.fd = 0;
	fprintf(stderr, "siovh-fuzz: KCOV faked (SIOVH_FUZZ_KCOV_FAKE)\n");
	return 0;
}

void fz_kcov_fake_pc(unsigned long pc)
{
	unsigned long n;

	if (!kcov.fake || !kcov.tracing)
		return;
	n = kcov.cover[0];
	if (n < KCOV_WORDS - 1) {
		kcov.cover[n + 1] = pc;
		kcov.cover[0] = n + 1;
	}
}

bool fz_kcov_active(void)
{
	return kcov.fd >= 0;
}

void fz_kcov_map(uint8_t *map)
{
	kcov.map = map ? map : kcov_counters;
}

/*
 * SIOVH_FUZZ_KCOV_PCS (kcov.h): the distinct PCs, an open-addressing set
 * (0 is no kernel PC: the empty slot), grown at half full.
 */
static struct {
	const char *path;
	unsigned long *v;
	size_t n, cap;
} pcs;

FZ_ORACLE static void pcs_insert(unsigned long *v, size_t cap, unsigned long pc)
{
	size_t i = (size_t)(pc_hash_raw(pc) & (cap - 1));

	while (v[i] && v[i] != pc)
		i = (i + 1) & (cap - 1);
	v[i] = pc;
}

FZ_ORACLE static bool pcs_has(unsigned long pc)
{
	size_t i = (size_t)(pc_hash_raw(pc) & (pcs.cap - 1));

	while (pcs.v[i]) {
		if (pcs.v[i] == pc)
			return true;
		i = (i + 1) & (pcs.cap - 1);
	}
	return false;
}

FZ_ORACLE static void pcs_add(unsigned long pc)
{
	unsigned long *v;
	size_t cap, i;

	if (!pc || pcs_has(pc))
		return;
	if (2 * (pcs.n + 1) > pcs.cap) {
		cap = pcs.cap * 2;
		v = calloc(cap, sizeof(*v));
		if (!v)
			fz_fail("SIOVH_FUZZ_KCOV_PCS: out of memory for %zu PCs", pcs.n);
		for (i = 0; i < pcs.cap; i++)
			if (pcs.v[i])
				pcs_insert(v, cap, pcs.v[i]);
		free(pcs.v);
		pcs.v = v;
		pcs.cap = cap;
	}
	pcs_insert(pcs.v, pcs.cap, pc);
	pcs.n++;
}

static int pc_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* At exit: the set, sorted, to SIOVH_FUZZ_KCOV_PCS. */
static void pcs_write(void)
{
	size_t i, n = 0;
	FILE *f;

	for (i = 0; i < pcs.cap; i++)
		if (pcs.v[i])
			pcs.v[n++] = pcs.v[i];
	qsort(pcs.v, n, sizeof(*pcs.v), pc_cmp);
	f = fopen(pcs.path, "w");
	if (!f) {
		fprintf(stderr, "siovh-fuzz: SIOVH_FUZZ_KCOV_PCS=%s: %s\n",
			pcs.path, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++)
		fprintf(f, "%lx\n", pcs.v[i]);
	if (fclose(f))
		fprintf(stderr, "siovh-fuzz: writing %s: %s\n", pcs.path,
			strerror(errno));
}

/* A dump asked for and impossible is the run's end, not a silent no. */
static void pcs_open(void)
{
	const char *path = getenv("SIOVH_FUZZ_KCOV_PCS");

	if (!path || !*path)
		return;
	pcs.cap = 1u << 14;
	pcs.v = calloc(pcs.cap, sizeof(*pcs.v));
	if (!pcs.v || atexit(pcs_write))
		fz_fail("SIOVH_FUZZ_KCOV_PCS=%s: cannot set up", path);
	pcs.path = path;
}

int fz_kcov_open(void)
{
	void *p;
	int fd, err;

	if (kcov.fd >= 0)
		return 0;
	if (getenv("SIOVH_FUZZ_KCOV_FAKE"))
		return fake_open();
	fd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "siovh-fuzz: no kernel coverage feedback: %s: %s "
			"(a kernel without CONFIG_KCOV, or debugfs not mounted)\n",
			KCOV_PATH, strerror(errno));
		return err;
	}
	if (ioctl(fd, KCOV_INIT_TRACE, (unsigned long)KCOV_WORDS))
		goto err_close;
	p = mmap(NULL, KCOV_WORDS * sizeof(unsigned long),
		 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto err_close;
	kcov.cover = p;
	kcov.fd = fd;
	pcs_open();
	return 0;

err_close:
	err = -errno;
	fprintf(stderr, "siovh-fuzz: setting up %s: %s\n", KCOV_PATH,
		strerror(errno));
	close(fd);
	return err;
}

void fz_kcov_begin(void)
{
	pid_t tid;

	if (kcov.fd < 0)
		return;
	tid = (pid_t)syscall(SYS_gettid);
	if (kcov.fake) {
		kcov.tid = tid;
	} else if (!kcov.tid) {
		if (ioctl(kcov.fd, KCOV_ENABLE, KCOV_TRACE_PC))
			fz_fail("KCOV_ENABLE: %s", strerror(errno));
		kcov.tid = tid;
	} else if (kcov.tid != tid) {
		fz_fail("KCOV traces thread %d, the input runs on %d",
			(int)kcov.tid, (int)tid);
	}
	__atomic_store_n(&kcov.cover[0], 0, __ATOMIC_RELAXED);
	kcov.tracing = true;
}


/* The feedback's own branches are not the fuzzer's business either: no
 * coverage counters in the folding (FZ_ORACLE). */
FZ_ORACLE static void count(uint32_t i)
{
	if (kcov.map[i] != 0xff)
		kcov.map[i]++;
	if (!(kcov.seen[i / 8] & (1u << (i % 8)))) {
		kcov.seen[i / 8] |= (uint8_t)(1u << (i % 8));
		kcov.edges++;
	}
}

FZ_ORACLE size_t fz_kcov_end(void)
{
	unsigned long n, i;
	uint64_t prev = 0, h;

	if (kcov.fd < 0 || !kcov.tracing)
		return 0;
	kcov.tracing = false;
	n = __atomic_load_n(&kcov.cover[0], __ATOMIC_RELAXED);
	if (n > KCOV_WORDS - 1)
		n = KCOV_WORDS - 1;	/* the buffer filled: the rest is lost */
	/* An edge is a PC and the one before it, as AFL's are. */
	for (i = 0; i < n; i++) {
		if (pcs.path)
			pcs_add(kcov.cover[i + 1]);
		h = pc_hash(kcov.cover[i + 1]);
		count((uint32_t)((h ^ prev) >> (64 - MAP_BITS)));
		prev = h >> 1;
	}
	return n;
}

uint64_t fz_kcov_edges(void)
{
	return kcov.edges;
}
