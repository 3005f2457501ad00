/* SPDX-License-Identifier: MIT */
/*
 * The rig of iommufd_test.c, iommufd_dirty_test.c, iommufd_access_test.c
 * and iommufd_viommu_test.c: a reference IOMMU,
 * a fake device behind struct iommufd_platform (guest PASIDs HP(g) =
 * 0x100 + g, a log of the page responses it received), a context over
 * both, guest memory with a VT-d stage-1 table (4-level, and a PML5 over
 * it) mapped in an IOAS, the uAPI calls the scenarios make, and the fault
 * matrix each program runs. Static inline functions: included by the test
 * programs only, each using some.
 */
#ifndef IOMMUFD_TEST_RIG_H
#define IOMMUFD_TEST_RIG_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/vfio.h>
#include <siovh/target.h>

#include "harness/ref/tap.h"
#include "harness/ref/viommu/viommu.h"
#include "iommufd.h"

#define PG	4096ull
#define RID	0x0100
#define DPASID	7u			/* the fake device's default PASID */
#define HP(g)	(0x100u + (g))		/* host PASID of guest PASID g */
#define GPA	0x10000000ull		/* guest memory in the IOAS */
#define GVA	0x40000000ull		/* PML4[0], PDPT[1], PD[0] */
#define PTE	0x7ull
#define NDATA	8			/* data pages, after 4 table pages */
#define PAGES	(4 + NDATA + 1)		/* and the PML5 */
#define PML5	(GPA + (PAGES - 1) * PG) /* [0], [1] -> the PML4 */
#define GVA57	(1ull << 48)		/* PML5[1]: beyond a 4-level walk */
#define RW	(IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIXED	(IOMMU_IOAS_MAP_FIXED_IOVA | RW)

/* ---- the fake device: guest PASIDs, and responses it received ---- */

#define NGP	32	/* guest PASIDs it backs: more than iommufd's slots */

struct fake {
	struct viommu *v;
	uint32_t gp[NGP];
	bool used[NGP];
	uint32_t nresp;
	struct viommu_page_response resp[16];
	int bind_err;		/* what the next bind returns (0: binds) */
};

static inline int f_bind(void *priv, void *dev, uint16_t *rid, uint32_t *dpasid)
{
	struct fake *f = priv;

	(void)dev;
	if (f->bind_err)
		return f->bind_err;
	*rid = RID;
	*dpasid = DPASID;
	return 0;
}

static inline int f_unbind(void *priv, void *dev)
{
	(void)priv, (void)dev;
	return 0;
}

static inline int gp_slot(struct fake *f, uint32_t g)
{
	int i;

	for (i = 0; i < NGP; i++)
		if (f->used[i] && f->gp[i] == g)
			return i;
	return -1;
}

static inline int f_gp_alloc(void *priv, void *dev, uint32_t g, uint32_t *h)
{
	struct fake *f = priv;
	int i;

	(void)dev;
	for (i = 0; i < NGP && f->used[i]; i++)
		;
	if (g >= 0x1000 || i == NGP || gp_slot(f, g) >= 0)
		return g >= 0x1000 ? -ERANGE : -ENOSPC;
	f->used[i] = true;
	f->gp[i] = g;
	*h = HP(g);
	return 0;
}

/* As the VDCM: the PASID's page requests are drained before it goes. */
static inline int f_gp_free(void *priv, void *dev, uint32_t g)
{
	struct fake *f = priv;
	int i = gp_slot(f, g);

	(void)dev;
	if (i < 0)
		return -ENOENT;
	viommu_prq_drain(f->v, RID, VIOMMU_DRAIN_F_PASID, true, HP(g));
	f->used[i] = false;
	return 0;
}

static inline int f_to_host(void *priv, void *dev, uint32_t g, uint32_t *h)
{
	(void)dev;
	*h = HP(g);
	return gp_slot(priv, g) < 0 ? -ENOENT : 0;
}

static inline int f_to_guest(void *priv, uint32_t h, void **dev, uint32_t *g)
{
	(void)dev;
	*g = h - HP(0);
	return h < HP(0) || gp_slot(priv, *g) < 0 ? -ENOENT : 0;
}

/* The device's side: every response the IOMMU hands it, logged. */
static inline void f_deliver(void *priv)
{
	struct fake *f = priv;
	struct viommu_page_response r;

	while (!viommu_prq_response_pop(f->v, &r))
		if (f->nresp < 16)
			f->resp[f->nresp++] = r;
}

static const struct iommufd_dev_ops fake_ops = {
	.bind = f_bind, .unbind = f_unbind, .gpasid_alloc = f_gp_alloc,
	.gpasid_free = f_gp_free, .gpasid_to_host = f_to_host,
	.host_to_gpasid = f_to_guest, .deliver_responses = f_deliver,
};

/* ---- the rig ---- */

struct rig {
	struct fake f;
	struct iommufd_ctx *ctx;
	uint8_t *mem;			/* guest memory, mapped at GPA */
	uint32_t ioas, dev_id;
	int dev;			/* its address is the device */
};

static inline void rig_fini(struct rig *r)
{
	iommufd_ctx_destroy(r->ctx);
	viommu_destroy(r->f.v);
	if (r->mem)
		munmap(r->mem, PAGES * PG);
}

static inline int ioc(struct rig *r, unsigned long cmd, void *arg)
{
	return iommufd_ioctl(r->ctx, cmd, arg);
}

static inline int map(struct rig *r, uint32_t ioas, uint32_t flags, const void *va,
	       uint64_t len, uint64_t *iova)
{
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = flags,
				    .ioas_id = ioas, .user_va = (uintptr_t)va,
				    .length = len, .iova = *iova };
	int ret = ioc(r, IOMMU_IOAS_MAP, &m);

	*iova = m.iova;
	return ret;
}

static inline int unmap(struct rig *r, uint32_t ioas, uint64_t iova, uint64_t len,
		 uint64_t *done)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas,
				      .iova = iova, .length = len };
	int ret = ioc(r, IOMMU_IOAS_UNMAP, &u);

	*done = ret ? 0 : u.length;
	return ret;
}

static inline int ioas_new(struct rig *r, uint32_t *id)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int ret = ioc(r, IOMMU_IOAS_ALLOC, &a);

	*id = a.out_ioas_id;
	return ret;
}

static inline int destroy(struct rig *r, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return ioc(r, IOMMU_DESTROY, &d);
}

/* A viommu (first stage up to fs_aw bits), a context with fault on a
 * platform with or without dirty tracking, guest memory with a stage-1
 * table (GVA page i -> data page i; GVA57 + the same through PML5) in an
 * IOAS, the device bound. */
static inline bool rig_init_plat(struct rig *r, int fault, uint32_t fs_aw,
			  bool dirty)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct iommufd_platform plat = { .dev_ops = &fake_ops,
					 .dirty_tracking = dirty };
	struct viommu_config cfg;
	uint64_t iova = GPA, *t;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	viommu_config_default(&cfg);
	cfg.fs_addr_width = fs_aw;
	r->f.v = viommu_create(&cfg, VIOMMU_FAULT_NONE);
	r->mem = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!r->f.v || r->mem == MAP_FAILED) {
		r->mem = NULL;
		return false;
	}
	plat.iommu = r->f.v;
	plat.dev_priv = &r->f;
	r->ctx = iommufd_ctx_create(&plat, fault);
	t = (uint64_t *)r->mem;
	t[0] = (GPA + PG) | PTE;
	t[512 + 1] = (GPA + 2 * PG) | PTE;
	t[1024] = (GPA + 3 * PG) | PTE;
	for (i = 0; i < NDATA; i++) {
		t[1536 + i] = (GPA + (4 + i) * PG) | PTE;
		memset(r->mem + (4 + i) * PG, 0x10 + i, PG);
	}
	t[(PAGES - 1) * 512] = GPA | PTE;
	t[(PAGES - 1) * 512 + 1] = GPA | PTE;
	return r->ctx && !ioas_new(r, &r->ioas) &&
	       !map(r, r->ioas, FIXED, r->mem, PAGES * PG, &iova) &&
	       !iommufd_device_ioctl(r->ctx, &r->dev, VFIO_DEVICE_BIND_IOMMUFD,
				     &b) && (r->dev_id = b.out_devid);
}

/* rig_init_plat without dirty tracking. */
static inline bool rig_init(struct rig *r, int fault, uint32_t fs_aw)
{
	return rig_init_plat(r, fault, fs_aw, false);
}

static inline int paging(struct rig *r, uint32_t ioas, uint32_t flags, uint32_t *id)
{
	struct iommu_hwpt_alloc a = { .size = sizeof(a), .flags = flags,
				      .dev_id = r->dev_id, .pt_id = ioas };
	int ret = ioc(r, IOMMU_HWPT_ALLOC, &a);

	*id = a.out_hwpt_id;
	return ret;
}

/* IOMMU_HWPT_ALLOC of a request the caller filled, for the device;
 * out_hwpt_id into *id. */
static inline int hwpt_raw(struct rig *r, struct iommu_hwpt_alloc a, uint32_t *id)
{
	int ret;

	a.size = sizeof(a);
	a.dev_id = r->dev_id;
	ret = ioc(r, IOMMU_HWPT_ALLOC, &a);
	*id = a.out_hwpt_id;
	return ret;
}

static inline int nested_s1(struct rig *r, uint32_t parent,
		     const struct iommu_hwpt_vtd_s1 *s1, uint32_t len,
		     uint32_t fault_id, uint32_t *id)
{
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .dev_id = r->dev_id, .pt_id = parent,
		.flags = fault_id ? IOMMU_HWPT_FAULT_ID_VALID : 0,
		.data_type = IOMMU_HWPT_DATA_VTD_S1, .data_len = len,
		.data_uptr = (uintptr_t)s1, .fault_id = fault_id,
	};
	int ret = ioc(r, IOMMU_HWPT_ALLOC, &a);

	*id = a.out_hwpt_id;
	return ret;
}

static inline int nested(struct rig *r, uint32_t parent, uint32_t fault_id,
		  uint32_t *id)
{
	struct iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = GPA, .addr_width = 48 };

	return nested_s1(r, parent, &s1, sizeof(s1), fault_id, id);
}

/* A device ioctl with a request the caller filled. */
static inline int dev_ioc(struct rig *r, unsigned long cmd, void *arg)
{
	return iommufd_device_ioctl(r->ctx, &r->dev, cmd, arg);
}

static inline int attach(struct rig *r, bool has_pasid, uint32_t pasid, uint32_t pt)
{
	struct siovh_vfio_attach_pt a = {
		.argsz = sizeof(a), .pt_id = pt, .pasid = pasid,
		.flags = has_pasid ? VFIO_DEVICE_ATTACH_PASID : 0,
	};

	return iommufd_device_ioctl(r->ctx, &r->dev,
				    VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
}

static inline int detach(struct rig *r, bool has_pasid, uint32_t pasid)
{
	struct siovh_vfio_detach_pt d = {
		.argsz = sizeof(d), .pasid = pasid,
		.flags = has_pasid ? VFIO_DEVICE_DETACH_PASID : 0,
	};

	return iommufd_device_ioctl(r->ctx, &r->dev,
				    VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

/* NEST_PARENT paging HWPT + nested (fault queue fq), default PASID on it. */
static inline bool nested_up(struct rig *r, uint32_t fq, uint32_t *parent,
		      uint32_t *nest)
{
	return !paging(r, r->ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, parent) &&
	       !nested(r, *parent, fq, nest) && !attach(r, false, 0, *nest);
}

/* The first byte a DMA read at addr by (RID, pasid) gets; -1: it faults. */
static inline int peek(struct rig *r, uint32_t pasid, uint64_t addr)
{
	uint8_t b;

	if (viommu_dma(r->f.v, RID, true, pasid, addr, &b, 1, false))
		return -1;
	return b;
}

static inline uint64_t *pte(struct rig *r, unsigned int i)
{
	return (uint64_t *)(r->mem + 3 * PG) + i;
}

static inline int inv(struct rig *r, uint32_t hwpt, const void *e, uint32_t len,
	       uint32_t n, uint32_t *num)
{
	struct iommu_hwpt_invalidate c = {
		.size = sizeof(c), .hwpt_id = hwpt, .data_uptr = (uintptr_t)e,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = len, .entry_num = n,
	};
	int ret = ioc(r, IOMMU_HWPT_INVALIDATE, &c);

	if (num)
		*num = c.entry_num;
	return ret;
}

static inline int fq_new(struct rig *r, uint32_t *id, int *fd)
{
	struct iommu_fault_alloc c = { .size = sizeof(c) };
	int ret = ioc(r, IOMMU_FAULT_QUEUE_ALLOC, &c);

	*id = c.out_fault_id;
	*fd = (int)c.out_fault_fd;
	return ret;
}

/* The device asks for access perm (VIOMMU_PR_*) to guest VA page i (not
 * present: i >= 8) on pasid in group prg. */
static inline int request_perm(struct rig *r, uint32_t pasid, unsigned int i,
			uint16_t prg, uint32_t perm)
{
	struct viommu_page_request q = {
		.rid = RID, .pasid_valid = true, .pasid = pasid,
		.addr = GVA + i * PG, .perm = perm,
		.prg_index = prg, .last = true,
	};

	return viommu_prq_submit(r->f.v, &q);
}

/* The same for reading. */
static inline int request(struct rig *r, uint32_t pasid, unsigned int i,
		   uint16_t prg)
{
	return request_perm(r, pasid, i, prg, VIOMMU_PR_READ);
}

static inline long answer(struct rig *r, int fd, const uint32_t *cookie, size_t n,
		   uint32_t code)
{
	struct iommu_hwpt_page_response resp[4] = { 0 };
	size_t i;

	for (i = 0; i < n && i < 4; i++)
		resp[i] = (struct iommu_hwpt_page_response) {
			.cookie = cookie[i], .code = code };
	return iommufd_fault_write(r->ctx, fd, resp, n * sizeof(resp[0]));
}

#define PF_SZ sizeof(struct iommu_hwpt_pgfault)
#define PR_SZ sizeof(struct iommu_hwpt_page_response)

/*
 * The faults iommufd_dirty_test.c proves observable (dirty tracking and
 * IOMMU_OPTION, the end of IOMMUFD_FAULT_LIST); iommufd_test.c the rest.
 */
static inline bool rig_dirty_fault(int fault)
{
	return fault >= IOMMUFD_FAULT_DIRTY_NO_CAP &&
	       fault <= IOMMUFD_FAULT_OPTION_HUGE_SHARED;
}

/* The faults iommufd_access_test.c proves observable (accesses). */
static inline bool rig_access_fault(int fault)
{
	return fault >= IOMMUFD_FAULT_ACCESS_RW_FIRST_AREA &&
	       fault <= IOMMUFD_FAULT_ACCESS_PIN_ENOMEM_OK;
}

/* The faults iommufd_viommu_test.c proves observable (vIOMMU, vDEVICE,
 * vEVENTQ). */
static inline bool rig_viommu_fault(int fault)
{
	return fault >= IOMMUFD_FAULT_VIOMMU_ANY_TYPE &&
	       fault <= IOMMUFD_FAULT_MMAP_UNHELD;
}

/* ---- the fault matrix (harness/ref/tap.h) ---- */

__attribute__((unused)) static const char *const rig_fault_names[] = {
	"none",
#define NAME(code, name, reach, summary) name,
	IOMMUFD_FAULT_LIST(NAME)
#undef NAME
};

__attribute__((unused)) static const char *const rig_fault_reach[] = {
	"",
#define REACH(code, name, reach, summary) #reach,
	IOMMUFD_FAULT_LIST(REACH)
#undef REACH
};

/* The fixed tests, the scenarios, then title: every fault proves() takes
 * is seen by a scenario. The program's exit status. */
static inline int rig_run_matrix(const struct tap_test *fixed, size_t nfixed,
				 const struct tap_scenario *scen, size_t nscen,
				 bool (*proves)(int fault), const char *title)
{
	const struct tap_fault_matrix m = {
		.scen = scen, .nscen = nscen,
		.nr_faults = IOMMUFD_FAULT_COUNT, .proves = proves,
		.names = rig_fault_names, .reach = rig_fault_reach,
		.why = tap_why, .title = title,
	};

	return tap_run_matrix(fixed, nfixed, &m);
}

#endif /* IOMMUFD_TEST_RIG_H */
