/* SPDX-License-Identifier: MIT */
/*
 * siovh-bench, the vSVA figures (issue 4, item 6), measured on the
 * reference modules directly so that the facet's dispatch is not in them:
 *
 *  - translations per second through a nested walk (guest first stage over
 *    a second stage), with a warm IOTLB (the same pages again) and a cold
 *    one (IOTLB and paging-structure cache invalidated before each);
 *  - page request -> response round trips per second (device submits,
 *    software pops, answers SUCCESS, the device takes the response);
 *  - IOAS map + unmap pairs per second of 4 KiB and of 2 MiB ranges,
 *    through the iommufd facet of the ref target: on a bare IOAS (area
 *    bookkeeping only: pages are tracked, not pinned) and on an IOAS with
 *    a paging HWPT, whose IOMMU page table takes every page;
 *  - PASID attach + detach pairs per second (VFIO_DEVICE_ATTACH_IOMMUFD_PT
 *    and DETACH with the PASID flag on a bound VDEV's cdev, to a paging
 *    HWPT), the operation siov-pasid-test times in the VM on the real
 *    kernel and the QEMU endpoint (vm-images/guest/siov-pasid-test.c).
 *
 * Each figure is the median over VSVA_BATCHES batches.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iommufd.h>

#include <siovh/target.h>

#include "harness/ref/viommu/viommu.h"

#include "bench.h"

#define VSVA_BATCHES	31u
#define VSVA_BATCH	4096u
#define GUEST_PAGES	64u
#define GPA_BASE	0x40000000ull
#define GUEST_VA	0x7f0000000000ull
#define RID		0x0100
#define PASID		9
#define WARM_PAGES	8u		/* fits the IOTLB */
#define MAP_2M		(2ull << 20)

/* A guest: memory mapped at GPA_BASE, first-stage tables built in it. */
struct guest {
	struct viommu *v;
	uint32_t dom;
	uint8_t *mem;
	unsigned int next;		/* next free guest page */
	uint64_t root;			/* GPA of the first-stage root */
};

static uint64_t *gpa_ptr(struct guest *g, uint64_t gpa)
{
	return (uint64_t *)(g->mem + (gpa - GPA_BASE));
}

static uint64_t guest_page(struct guest *g)
{
	uint64_t gpa = GPA_BASE + (uint64_t)g->next++ * 4096;

	memset(gpa_ptr(g, gpa), 0, 4096);
	return gpa;
}

/* Map guest VA va to a fresh guest page, 4-level first stage. */
static void guest_map(struct guest *g, uint64_t va)
{
	const uint64_t bits = VIOMMU_FS_P | VIOMMU_FS_RW | VIOMMU_FS_US;
	uint64_t table = g->root;

	for (unsigned int level = 4; level >= 1; level--) {
		uint64_t *e = gpa_ptr(g, table) +
			      ((va >> (12 + 9 * (level - 1))) & 511);

		if (level == 1) {
			*e = guest_page(g) | bits;
			return;
		}
		if (!(*e & VIOMMU_FS_P))
			*e = guest_page(g) | bits;
		table = *e & VIOMMU_FS_ADDR_MASK;
	}
}

static int guest_init(struct guest *g)
{
	struct viommu_config cfg;
	struct viommu_fs_bind b = {
		.type = VIOMMU_PGTT_NESTED, .flags = VIOMMU_FS_F_PRE,
		.addr_width = 48, .pasid_bits = 20,
	};
	int ret;

	memset(g, 0, sizeof(*g));
	viommu_config_default(&cfg);
	g->v = viommu_create(&cfg, 0);
	g->mem = aligned_alloc(4096, GUEST_PAGES * 4096);
	if (!g->v || !g->mem)
		return -ENOMEM;
	ret = viommu_domain_alloc(g->v, &g->dom);
	if (!ret)
		ret = viommu_map(g->v, g->dom, GPA_BASE, g->mem,
				 GUEST_PAGES * 4096,
				 VIOMMU_PROT_READ | VIOMMU_PROT_WRITE);
	if (ret)
		return ret;
	g->root = guest_page(g);
	for (unsigned int i = 0; i < WARM_PAGES; i++)
		guest_map(g, GUEST_VA + i * 4096ull);
	b.domain = g->dom;
	b.pgtbl = g->root;
	return viommu_bind(g->v, RID, PASID, &b);
}

static void guest_fini(struct guest *g)
{
	viommu_destroy(g->v);
	free(g->mem);
}

/* Drop every cached translation of the domain: the next walk is cold. */
static int guest_flush(struct guest *g)
{
	struct viommu_inv inv = {
		.cache = VIOMMU_CACHE_IOTLB, .granularity = VIOMMU_INV_DOMAIN,
		.domain = g->dom,
	};

	return viommu_invalidate(g->v, &inv);
}

/* Translations per second; cold: the IOTLB and PSC flushed before each
 * (the flush is inside the timed loop: it is part of a cold walk's cost). */
static double nested_rate(struct guest *g, bool cold)
{
	double rate[VSVA_BATCHES];
	uint64_t word;

	for (unsigned int b = 0; b < VSVA_BATCHES; b++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned int i = 0; i < VSVA_BATCH; i++) {
			uint64_t va = GUEST_VA + (i % WARM_PAGES) * 4096ull;

			if (cold && guest_flush(g))
				return -1;
			if (viommu_dma(g->v, RID, true, PASID, va, &word,
				       sizeof(word), false))
				return -1;
		}
		rate[b] = VSVA_BATCH * 1e9 / (double)(bench_now_ns() - t0);
	}
	return bench_median(rate, VSVA_BATCHES);
}

/* One page request group answered: submit, pop, respond, deliver. */
static int prq_round_trip(struct guest *g, uint16_t prg)
{
	struct viommu_page_request r = {
		.rid = RID, .pasid_valid = true, .pasid = PASID,
		.addr = GUEST_VA + 0x100000, .perm = VIOMMU_PR_READ,
		.prg_index = prg, .last = true,
	};
	struct viommu_page_response resp = {
		.rid = RID, .pasid_valid = true, .pasid = PASID,
		.prg_index = prg, .code = VIOMMU_PR_SUCCESS,
	};
	int ret = viommu_prq_submit(g->v, &r);

	if (!ret)
		ret = viommu_prq_pop(g->v, &r);
	if (!ret)
		ret = viommu_page_response(g->v, &resp);
	if (!ret)
		ret = viommu_prq_response_pop(g->v, &resp);
	return ret;
}

static double prq_rate(struct guest *g)
{
	double rate[VSVA_BATCHES];

	for (unsigned int b = 0; b < VSVA_BATCHES; b++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned int i = 0; i < VSVA_BATCH; i++)
			if (prq_round_trip(g, (uint16_t)(i % 512)))
				return -1;
		rate[b] = VSVA_BATCH * 1e9 / (double)(bench_now_ns() - t0);
	}
	return bench_median(rate, VSVA_BATCHES);
}

/*
 * The ref target with an IOAS, and with hwpt a paging HWPT over it (for a
 * bound VDEV), which every map and unmap is mirrored into: the IOMMU's
 * page table then takes one PTE per 4 KiB.
 */
struct ioas_fixture {
	struct siovh_target t;
	bool open;
	struct siovh_vdev *vdev;
	uint32_t ioas, hwpt;
};

static int ioas_fixture_up(struct ioas_fixture *fx, bool hwpt)
{
	static const uint8_t uuid[16] = { 0xbe, 0x9c, 0x00, 0x02 };
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind), .iommufd = 3,
	};
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_hwpt_alloc h = { .size = sizeof(h) };
	struct siovh_target_spec spec;
	char err[256];
	int ret;

	memset(fx, 0, sizeof(*fx));
	ret = siovh_target_parse("ref", &spec, err, sizeof(err));
	if (!ret)
		ret = siovh_target_open(&spec, &fx->t);
	if (ret)
		return ret;
	fx->open = true;
	ret = fx->t.iommufd->ioctl(&fx->t, IOMMU_IOAS_ALLOC, &a);
	fx->ioas = a.out_ioas_id;
	if (ret || !hwpt)
		return ret;
	ret = fx->t.vfio_device->create(&fx->t, "siovh-1q", uuid, &fx->vdev);
	if (!ret)
		ret = fx->t.vfio_device->open(&fx->t, fx->vdev);
	if (!ret)
		ret = fx->t.iommufd->device_ioctl(&fx->t, fx->vdev,
						  VFIO_DEVICE_BIND_IOMMUFD,
						  &bind);
	h.dev_id = bind.out_devid;
	h.pt_id = fx->ioas;
	if (!ret)
		ret = fx->t.iommufd->ioctl(&fx->t, IOMMU_HWPT_ALLOC, &h);
	fx->hwpt = h.out_hwpt_id;
	return ret;
}

static void ioas_fixture_down(struct ioas_fixture *fx)
{
	if (fx->open)
		siovh_target_close(&fx->t);	/* closes the VDEV's objects */
}

/* IOAS map + unmap pairs per second of len-byte ranges. */
static double ioas_rate(uint64_t len, bool hwpt)
{
	struct ioas_fixture fx;
	double rate[VSVA_BATCHES];
	double med = -1;
	unsigned int n = hwpt && len > 4096 ? VSVA_BATCH / 64 : VSVA_BATCH / 4;
	void *va = aligned_alloc(MAP_2M, len);

	if (!va || ioas_fixture_up(&fx, hwpt))
		goto out;
	for (unsigned int b = 0; b < VSVA_BATCHES; b++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned int i = 0; i < n; i++) {
			struct iommu_ioas_map m = {
				.size = sizeof(m),
				.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
					 IOMMU_IOAS_MAP_READABLE |
					 IOMMU_IOAS_MAP_WRITEABLE,
				.ioas_id = fx.ioas,
				.user_va = (uintptr_t)va, .length = len,
				.iova = 1ull << 32,
			};
			struct iommu_ioas_unmap u = {
				.size = sizeof(u), .ioas_id = fx.ioas,
				.iova = 1ull << 32, .length = len,
			};

			if (fx.t.iommufd->ioctl(&fx.t, IOMMU_IOAS_MAP, &m) ||
			    fx.t.iommufd->ioctl(&fx.t, IOMMU_IOAS_UNMAP, &u))
				goto out;
		}
		rate[b] = n * 1e9 / (double)(bench_now_ns() - t0);
	}
	med = bench_median(rate, VSVA_BATCHES);
out:
	ioas_fixture_down(&fx);
	free(va);
	return med;
}

/* PASID attach + detach pairs per second (the same PASID, one HWPT). */
static double pasid_rate(void)
{
	struct siovh_vfio_detach_pt dt = {
		.argsz = sizeof(dt), .flags = VFIO_DEVICE_DETACH_PASID,
		.pasid = PASID,
	};
	struct siovh_vfio_attach_pt at = {
		.argsz = sizeof(at), .flags = VFIO_DEVICE_ATTACH_PASID,
		.pasid = PASID,
	};
	double rate[VSVA_BATCHES], med = -1;
	struct ioas_fixture fx;

	if (ioas_fixture_up(&fx, true))
		goto out;
	at.pt_id = fx.hwpt;
	for (unsigned int b = 0; b < VSVA_BATCHES; b++) {
		uint64_t t0 = bench_now_ns();

		for (unsigned int i = 0; i < VSVA_BATCH; i++)
			if (fx.t.iommufd->device_ioctl(&fx.t, fx.vdev,
					VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) ||
			    fx.t.iommufd->device_ioctl(&fx.t, fx.vdev,
					VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt))
				goto out;
		rate[b] = VSVA_BATCH * 1e9 / (double)(bench_now_ns() - t0);
	}
	med = bench_median(rate, VSVA_BATCHES);
out:
	ioas_fixture_down(&fx);
	return med;
}

int bench_vsva(json_t *root)
{
	json_t *obj = json_object();
	double warm = 0, cold = 0, prq = 0, m4k, m2m, h4k, h2m, pasid;
	struct guest g;
	int ret = guest_init(&g);

	if (!ret) {
		warm = nested_rate(&g, false);
		cold = nested_rate(&g, true);
		prq = prq_rate(&g);
		ret = warm < 0 || cold < 0 || prq < 0 ? -EIO : 0;
	}
	guest_fini(&g);
	m4k = ioas_rate(4096, false);
	m2m = ioas_rate(MAP_2M, false);
	h4k = ioas_rate(4096, true);
	h2m = ioas_rate(MAP_2M, true);
	pasid = pasid_rate();
	if (!ret && (m4k < 0 || m2m < 0 || h4k < 0 || h2m < 0 || pasid < 0))
		ret = -EIO;
	if (ret) {
		fprintf(stderr, "siovh-bench: vSVA: %s\n", strerror(-ret));
		json_decref(obj);
		return ret;
	}
	printf("reference vIOMMU and /dev/iommu (vSVA; median of %u batches)\n",
	       VSVA_BATCHES);
	printf("  %-14s %12.0f translations/s warm IOTLB, %.0f cold (x%.1f)\n",
	       "nested walk", warm, cold, warm / cold);
	printf("  %-14s %12.0f page request round trips/s\n", "PRI", prq);
	printf("  %-14s %12.0f map+unmap/s of 4 KiB, %.0f of 2 MiB\n",
	       "IOAS", m4k, m2m);
	printf("  %-14s %12.0f map+unmap/s of 4 KiB, %.0f of 2 MiB (x%.0f)\n",
	       "IOAS + HWPT", h4k, h2m, h4k / h2m);
	printf("  %-14s %12.0f attach+detach pairs/s (VFIO_DEVICE_ATTACH_PASID)\n",
	       "PASID attach", pasid);
	json_object_set_new(obj, "pasid_attach_detach_per_s", json_real(pasid));
	json_object_set_new(obj, "nested_warm_per_s", json_real(warm));
	json_object_set_new(obj, "nested_cold_per_s", json_real(cold));
	json_object_set_new(obj, "prq_round_trips_per_s", json_real(prq));
	json_object_set_new(obj, "ioas_map_unmap_4k_per_s", json_real(m4k));
	json_object_set_new(obj, "ioas_map_unmap_2m_per_s", json_real(m2m));
	json_object_set_new(obj, "ioas_hwpt_map_unmap_4k_per_s", json_real(h4k));
	json_object_set_new(obj, "ioas_hwpt_map_unmap_2m_per_s", json_real(h2m));
	json_object_set_new(root, "vsva", obj);
	return 0;
}
