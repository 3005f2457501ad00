/* SPDX-License-Identifier: MIT */
/*
 * siovh-bench: the speed and memory figures of issue 2, measured, never
 * asserted (the machines are shared and noisy; a benchmark reports, a test
 * decides).
 *
 *  - median ns per operation of the reference IOASID core at 1, 2^10 and
 *    2^20 live IDs: alloc+free pair, get+put pair, find, find_by_spid;
 *  - bytes per live ID with 2^20 live IDs, each with a spid;
 *  - the runner's overhead per check: fork to reap of an empty check;
 *  - the reference VDCM, through the VFIO-device facet as a check drives it
 *    (issue 3): VDEV create+open+release+remove cycles per second, the
 *    median time from a descriptor's portal write to its completion record
 *    (fast path), and slow-path region reads and writes per second;
 *  - the vSVA figures of issue 4 (bench_vsva.c);
 *  - the device core's descriptor rate, the in-process counterpart of the
 *    SIOV endpoint's figure in the VM (issue 8, bench_siovdev.c).
 *
 * Each figure is the median over BATCHES batches of BATCH operations timed
 * with CLOCK_MONOTONIC; random IDs are drawn before the clock starts. The
 * table goes to stdout and, with --report DIR, to DIR/bench.json.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <siovh/report.h>
#include <siovh/runner.h>
#include <siovh/spec.h>

#include "harness/ref/ioasid/ioasid.h"
#include "harness/ref/siovdev/siovdev.h"
#include "harness/ref/vdcm/vdev_regs.h"

#include "bench.h"

#define BATCH 4096u
#define BATCHES 31u
#define EMPTY_CHECKS 201u
#define SPID_BASE 0x40000000u

/* The check whose cost is the runner's own: nothing to do. */
SIOVH_CLAUSE(bench_empty,
	.id = "BENCH.EMPTY.1", .title = "an empty check", .level = SIOVH_MAY,
	.source = "derived: runner overhead benchmark", .facet = "bench")
{
	(void)check;
}

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A core with `live` IDs [0, live) allocated in one set, each with a spid. */
struct fixture {
	struct ioasid_core *core;
	struct ioasid_set *set;
	uint32_t live;
	siovh_ioasid_t picks[BATCH];	/* random live IDs for one batch */
	uint64_t rng;
};

static int fixture_init(struct fixture *fx, uint32_t capacity, uint32_t live)
{
	siovh_ioasid_t id;
	int ret;

	memset(fx, 0, sizeof(*fx));
	fx->rng = 0x9e3779b97f4a7c15ull;
	fx->live = live;
	fx->core = ioasid_core_create(capacity, IOASID_FAULT_NONE);
	if (!fx->core)
		return -errno;
	ret = ioasid_set_alloc(fx->core, NULL, capacity,
			       SIOVH_IOASID_SET_TYPE_NULL, &fx->set);
	if (ret)
		goto err_core;
	for (uint32_t i = 0; i < live; i++) {
		ret = ioasid_alloc(fx->core, fx->set, 0, capacity - 1, NULL, &id);
		if (!ret)
			ret = ioasid_attach_spid(fx->core, fx->set, id,
						 SPID_BASE + id);
		if (ret)
			goto err_core;
	}
	return 0;

err_core:
	ioasid_core_destroy(fx->core);
	return ret;
}

static void fixture_pick(struct fixture *fx)
{
	for (unsigned int i = 0; i < BATCH; i++)
		fx->picks[i] = (siovh_ioasid_t)(xorshift64(&fx->rng) % fx->live);
}

enum op { OP_ALLOC_FREE, OP_GET_PUT, OP_FIND, OP_FIND_BY_SPID, NR_OPS };

static const char *const op_names[NR_OPS] = {
	"alloc+free", "get+put", "find", "find_by_spid",
};

/* One timed batch of op; returns ns per operation, or -1 on an error. */
static double run_batch(struct fixture *fx, enum op op)
{
	uint32_t cap, avail;
	siovh_ioasid_t id;
	void *priv;
	uint64_t t0, t1;
	int err = 0;

	ioasid_get_capacity(fx->core, &cap, &avail);
	fixture_pick(fx);
	t0 = bench_now_ns();
	for (unsigned int i = 0; i < BATCH; i++) {
		siovh_ioasid_t pick = fx->picks[i];

		switch (op) {
		case OP_ALLOC_FREE:
			err |= ioasid_alloc(fx->core, fx->set, 0, cap - 1,
					    NULL, &id);
			ioasid_free(fx->core, fx->set, id);
			break;
		case OP_GET_PUT:
			err |= ioasid_get(fx->core, fx->set, pick);
			err |= ioasid_put(fx->core, fx->set, pick);
			break;
		case OP_FIND:
			err |= ioasid_find(fx->core, fx->set, pick, NULL, &priv);
			break;
		case OP_FIND_BY_SPID:
			err |= ioasid_find_by_spid(fx->core, fx->set,
						   SPID_BASE + pick, &id);
			break;
		case NR_OPS:
			break;
		}
	}
	t1 = bench_now_ns();
	/* find_by_spid took a reference per call: give them back, untimed. */
	for (unsigned int i = 0; op == OP_FIND_BY_SPID && i < BATCH; i++)
		err |= ioasid_put(fx->core, fx->set, fx->picks[i]);
	return err ? -1 : (double)(t1 - t0) / BATCH;
}

static int bench_ops(uint32_t live, json_t *rows)
{
	double samples[BATCHES];
	struct fixture fx;
	int ret;

	/* Room above the live IDs so that alloc+free can run at 2^20 live. */
	ret = fixture_init(&fx, 1u << 21, live);
	if (ret) {
		fprintf(stderr, "siovh-bench: fixture of %u IDs: %s\n", live,
			strerror(-ret));
		return ret;
	}
	for (enum op op = 0; op < NR_OPS; op++) {
		for (unsigned int b = 0; b < BATCHES; b++) {
			samples[b] = run_batch(&fx, op);
			if (samples[b] < 0) {
				fprintf(stderr, "siovh-bench: %s failed at %u live IDs\n",
					op_names[op], live);
				ret = -EIO;
				goto out;
			}
		}
		double med = bench_median(samples, BATCHES);

		printf("  %-14s %9u live  %8.1f ns\n", op_names[op], live, med);
		json_array_append_new(rows, json_pack("{s:s,s:I,s:f,s:i,s:i}",
			"op", op_names[op], "live_ids", (json_int_t)live,
			"median_ns", med, "batch", BATCH, "batches", BATCHES));
	}
out:
	ioasid_core_destroy(fx.core);
	return ret;
}

/* Bytes per live ID with the ID space full, each ID carrying a spid. */
static int bench_memory(json_t *root)
{
	const uint32_t live = 1u << 20;
	struct mallinfo2 before = mallinfo2(), after;
	struct fixture fx;
	size_t core_bytes, heap_bytes;
	int ret;

	ret = fixture_init(&fx, live, live);
	if (ret)
		return ret;
	after = mallinfo2();
	core_bytes = ioasid_core_bytes(fx.core);
	heap_bytes = (after.uordblks + after.hblkhd) -
		     (before.uordblks + before.hblkhd);
	printf("  %-14s %9u live  %8.1f bytes/ID (core's count)  %.1f (heap)\n",
	       "memory", live, (double)core_bytes / live,
	       (double)heap_bytes / live);
	json_object_set_new(root, "memory", json_pack("{s:I,s:f,s:f}",
		"live_ids", (json_int_t)live,
		"bytes_per_id_core", (double)core_bytes / live,
		"bytes_per_id_heap", (double)heap_bytes / live));
	ioasid_core_destroy(fx.core);
	return 0;
}

/* Fork-to-reap time of an empty check, one job at a time. */
static int bench_runner(json_t *root)
{
	const struct siovh_clause *list[EMPTY_CHECKS];
	struct siovh_run_opts opts = { .jobs = 1, .seed = 1 };
	struct siovh_target_spec spec;
	struct siovh_catalog cat;
	struct siovh_run run;
	double samples[EMPTY_CHECKS];
	char err[256];
	int ret;

	ret = siovh_target_parse("ref", &spec, err, sizeof(err));
	if (!ret)
		ret = siovh_catalog_load(&cat, "BENCH.EMPTY.1", err, sizeof(err));
	if (ret) {
		fprintf(stderr, "siovh-bench: %s\n", err);
		return ret;
	}
	for (unsigned int i = 0; i < EMPTY_CHECKS; i++)
		list[i] = cat.clauses[0];
	ret = siovh_run_clauses(&spec, list, EMPTY_CHECKS, &opts, &run);
	siovh_catalog_free(&cat);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < EMPTY_CHECKS; i++)
		samples[i] = (double)run.results[i].duration_ns / 1e6;
	double med = bench_median(samples, EMPTY_CHECKS);

	printf("  %-14s %9u checks %8.3f ms per check (median, fork to reap)\n",
	       "runner", EMPTY_CHECKS, med);
	json_object_set_new(root, "runner", json_pack("{s:i,s:f,s:I}",
		"checks", EMPTY_CHECKS, "median_ms_per_check", med,
		"passed", (json_int_t)run.passed));
	ret = run.passed == EMPTY_CHECKS ? 0 : -EIO;
	siovh_run_free(&run);
	return ret;
}

/* ---- The reference VDCM, through the VFIO-device facet ---- */

#define VDCM_CYCLES 256u		/* lifecycle cycles per batch */
#define VDCM_BATCHES 15u
#define VDCM_DESCS 1024u		/* descriptors per batch */
#define VDCM_REGS 4096u			/* region accesses per batch */
#define VDCM_BUF (64u << 10)

static const uint8_t bench_uuid[16] = { 0xbe, 0x9c, 0x00, 0x01 };

/* One create+open+release+remove cycle of a 1-queue VDEV. */
static int vdev_cycle(struct siovh_target *t)
{
	const struct siovh_vfio_device_ops *ops = t->vfio_device;
	struct siovh_vdev *vdev;
	int ret;

	ret = ops->create(t, "siovh-1q", bench_uuid, &vdev);
	if (ret)
		return ret;
	ret = ops->open(t, vdev);
	if (!ret)
		ret = ops->release(t, vdev);
	if (ops->remove(t, vdev) && !ret)
		ret = -EIO;
	return ret;
}

static int bench_vdev_cycles(struct siovh_target *t, json_t *obj)
{
	double samples[VDCM_BATCHES];
	uint64_t t0;
	int ret = 0;

	for (unsigned int b = 0; b < VDCM_BATCHES; b++) {
		t0 = bench_now_ns();
		for (unsigned int i = 0; !ret && i < VDCM_CYCLES; i++)
			ret = vdev_cycle(t);
		if (ret)
			return ret;
		samples[b] = VDCM_CYCLES * 1e9 / (double)(bench_now_ns() - t0);
	}
	double med = bench_median(samples, VDCM_BATCHES);

	printf("  %-14s %9u cycles %8.0f per second (create+open+release+remove)\n",
	       "vdev-lifecycle", VDCM_CYCLES, med);
	json_object_set_new(obj, "lifecycle_cycles_per_s", json_real(med));
	return 0;
}

/* An open 1-queue VDEV with memory decode on, queue 0 enabled, and buf
 * mapped at IOVA 0 in its container. */
struct vdcm_fixture {
	struct siovh_target *t;
	struct siovh_vdev *vdev;
	uint64_t bar0, bar2;
	uint8_t *buf;
};

static int region_offset(struct vdcm_fixture *fx, uint32_t index,
			 uint64_t *off)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };
	int ret;

	ret = fx->t->vfio_device->ioctl(fx->t, fx->vdev,
					VFIO_DEVICE_GET_REGION_INFO, &info);
	*off = info.offset;
	return ret;
}

static int reg_write(struct vdcm_fixture *fx, uint64_t off, uint32_t val)
{
	ssize_t n = fx->t->vfio_device->pwrite(fx->t, fx->vdev, &val,
					       sizeof(val), off);

	return n == sizeof(val) ? 0 : -EIO;
}

static int vdcm_fixture_up(struct siovh_target *t, struct vdcm_fixture *fx)
{
	const struct siovh_vfio_device_ops *ops = t->vfio_device;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.size = VDCM_BUF,
	};
	uint64_t cfg;
	uint16_t cmd = 0x6;		/* memory space, bus master */
	int ret;

	memset(fx, 0, sizeof(*fx));
	fx->t = t;
	fx->buf = aligned_alloc(4096, VDCM_BUF);
	if (!fx->buf)
		return -ENOMEM;
	memset(fx->buf, 0, VDCM_BUF);
	map.vaddr = (uintptr_t)fx->buf;
	ret = ops->create(t, "siovh-1q", bench_uuid, &fx->vdev);
	if (!ret)
		ret = ops->open(t, fx->vdev);
	if (!ret)
		ret = ops->container_ioctl(t, fx->vdev, VFIO_IOMMU_MAP_DMA, &map);
	if (!ret)
		ret = region_offset(fx, VFIO_PCI_CONFIG_REGION_INDEX, &cfg);
	if (!ret && ops->pwrite(t, fx->vdev, &cmd, 2, cfg + 4) != 2)
		ret = -EIO;
	if (!ret)
		ret = region_offset(fx, VFIO_PCI_BAR0_REGION_INDEX, &fx->bar0);
	if (!ret)
		ret = region_offset(fx, VFIO_PCI_BAR2_REGION_INDEX, &fx->bar2);
	if (!ret)
		ret = reg_write(fx, fx->bar0 + VDEV_REG_Q(0) + VDEV_Q_CTRL,
				VDEV_QCTRL_ENABLE);
	return ret;
}

static void vdcm_fixture_down(struct vdcm_fixture *fx)
{
	if (fx->vdev) {
		fx->t->vfio_device->release(fx->t, fx->vdev);
		fx->t->vfio_device->remove(fx->t, fx->vdev);
	}
	free(fx->buf);
}

/* One 64-byte copy through the portal; ns from the write to the record. */
static double descriptor_once(struct vdcm_fixture *fx)
{
	volatile uint8_t *status = fx->buf + 0x8000;
	struct siovdev_desc d = {
		.opcode = SIOVDEV_OP_MEMCOPY,
		.flags = SIOVDEV_DF_COMPLETION,
		.size = 64,
		.completion = 0x8000,
		.src = 0x0,
		.dst = 0x1000,
	};
	uint64_t t0;

	*status = 0;
	t0 = bench_now_ns();
	if (fx->t->vfio_device->pwrite(fx->t, fx->vdev, &d, sizeof(d),
				       fx->bar2) != sizeof(d))
		return -1;
	while (*status == SIOVDEV_CS_NONE)
		;			/* the reference completes in the write */
	return *status == SIOVDEV_CS_SUCCESS ? (double)(bench_now_ns() - t0) : -1;
}

static int bench_descriptors(struct vdcm_fixture *fx, json_t *obj)
{
	static double samples[VDCM_DESCS];

	for (unsigned int i = 0; i < VDCM_DESCS; i++) {
		samples[i] = descriptor_once(fx);
		if (samples[i] < 0)
			return -EIO;
	}
	double med = bench_median(samples, VDCM_DESCS);

	printf("  %-14s %9u descs  %8.1f ns submit to completion (median)\n",
	       "fast-path", VDCM_DESCS, med);
	json_object_set_new(obj, "descriptor_median_ns", json_real(med));
	return 0;
}

static int bench_slow_path(struct vdcm_fixture *fx, json_t *obj)
{
	double rd[VDCM_BATCHES], wr[VDCM_BATCHES];
	uint32_t val;
	uint64_t t0;

	for (unsigned int b = 0; b < VDCM_BATCHES; b++) {
		t0 = bench_now_ns();
		for (unsigned int i = 0; i < VDCM_REGS; i++)
			if (fx->t->vfio_device->pread(fx->t, fx->vdev, &val, 4,
					fx->bar0 + VDEV_REG_MAXQ) != 4)
				return -EIO;
		rd[b] = VDCM_REGS * 1e9 / (double)(bench_now_ns() - t0);
		t0 = bench_now_ns();
		for (unsigned int i = 0; i < VDCM_REGS; i++)
			if (reg_write(fx, fx->bar0 + VDEV_REG_MBOX_ARG, i))
				return -EIO;
		wr[b] = VDCM_REGS * 1e9 / (double)(bench_now_ns() - t0);
	}
	double mrd = bench_median(rd, VDCM_BATCHES), mwr = bench_median(wr, VDCM_BATCHES);

	printf("  %-14s %9u ops    %8.0f reads/s  %.0f writes/s (BAR0)\n",
	       "slow-path", VDCM_REGS, mrd, mwr);
	json_object_set_new(obj, "slow_path_reads_per_s", json_real(mrd));
	json_object_set_new(obj, "slow_path_writes_per_s", json_real(mwr));
	return 0;
}

static int bench_vdcm(json_t *root)
{
	struct siovh_target_spec spec;
	struct vdcm_fixture fx;
	struct siovh_target t;
	json_t *obj = json_object();
	char err[256];
	int ret;

	ret = siovh_target_parse("ref", &spec, err, sizeof(err));
	if (!ret)
		ret = siovh_target_open(&spec, &t);
	if (ret) {
		json_decref(obj);
		return ret;
	}
	printf("reference VDCM (VFIO-device facet; median of batches)\n");
	ret = bench_vdev_cycles(&t, obj);
	if (!ret) {
		ret = vdcm_fixture_up(&t, &fx);
		if (!ret)
			ret = bench_descriptors(&fx, obj);
		if (!ret)
			ret = bench_slow_path(&fx, obj);
		vdcm_fixture_down(&fx);
	}
	siovh_target_close(&t);
	if (ret)
		fprintf(stderr, "siovh-bench: VDCM: %s\n", strerror(-ret));
	json_object_set_new(root, "vdcm", obj);
	return ret;
}

/* Where and when the figures were taken: they mean nothing without it. */
static json_t *bench_host(void)
{
	char host[256] = "", when[32] = "";
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:s,s:s,s:s,s:I,s:s?}", "host", host,
			 "kernel", u.release, "date", when,
			 "cpus", (json_int_t)sysconf(_SC_NPROCESSORS_ONLN),
			 "git_revision", getenv("SIOVH_GIT_REVISION"));
}

static int dump_json(FILE *f, const void *arg)
{
	return json_dumpf(arg, f, JSON_INDENT(2) | JSON_SORT_KEYS) ? -EIO : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *report = NULL;
	char err[512], path[4096];
	json_t *root, *rows;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			report = optarg;
			break;
		case 'h':
			printf("usage: siovh-bench [--report DIR]\n");
			return 0;
		default:
			fprintf(stderr, "usage: siovh-bench [--report DIR]\n");
			return 2;
		}
	}
	if (report && siovh_report_dir_prepare(report, err, sizeof(err))) {
		fprintf(stderr, "siovh-bench: %s\n", err);
		return 2;
	}

	root = json_pack("{s:s,s:s}", "schema", "siovh-bench/1",
			 "version", SIOVH_VERSION);
	json_object_set_new(root, "run", bench_host());
	rows = json_array();
	json_object_set(root, "ioasid_ops", rows);
	printf("reference IOASID core (median of %u batches of %u ops)\n",
	       BATCHES, BATCH);
	for (unsigned int shift = 0; !ret && shift <= 20; shift += 10)
		ret = bench_ops(1u << shift, rows);
	if (!ret)
		ret = bench_memory(root);
	if (!ret)
		ret = bench_runner(root);
	if (!ret)
		ret = bench_vdcm(root);
	if (!ret)
		ret = bench_vsva(root);
	if (!ret)
		ret = bench_siovdev(root);
	json_decref(rows);

	if (!ret && report) {
		snprintf(path, sizeof(path), "%s/bench.json", report);
		ret = siovh_write_atomic(path, dump_json, root, err, sizeof(err));
		if (ret)
			fprintf(stderr, "siovh-bench: %s\n", err);
		else
			printf("wrote %s\n", path);
	}
	json_decref(root);
	return ret ? 3 : 0;
}
