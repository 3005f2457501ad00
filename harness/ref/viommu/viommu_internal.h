/* SPDX-License-Identifier: MIT */
/*
 * The reference IOMMU's insides, shared by its modules:
 *
 *   pgtable.c      second-stage page tables (4 levels x 512 entries)
 *   pasid_table.c  root/context tables and the per-RID PASID tables
 *   cache.c        the PASID cache, the IOTLB and the PSC, and their
 *                  invalidation
 *   fs_walk.c      first-stage and nested table walks
 *   bind.c         first-stage binds and their checks
 *   prq.c          the page request queue and page responses
 *   dma.c          DMA: the caches, then the walks; the fault log
 *   viommu.c       instances, the invalidation interface, the counters
 */
#ifndef VIOMMU_INTERNAL_H
#define VIOMMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "viommu.h"

/* ---- Page tables ---- */

#define PT_LEVELS	4
#define PT_ENTRIES	512
#define PT_INDEX_BITS	9

/*
 * A table is one 4 KiB page of 512 entries, as in hardware. An entry of
 * an upper level is the address of the next table (0: absent). A leaf
 * entry is the host page address with the flags below in its low bits
 * (a page address has 12 zero bits).
 */
#define PTE_READ	((uintptr_t)1 << 0)
#define PTE_WRITE	((uintptr_t)1 << 1)
#define PTE_DIRTY	((uintptr_t)1 << 9)
#define PTE_FLAGS	((uintptr_t)VIOMMU_PAGE_SIZE - 1)

struct pt_table {
	uintptr_t e[PT_ENTRIES];
};

struct pt_root {
	struct pt_table *top;		/* level 4 */
};

int pt_init(struct pt_root *pt);
void pt_destroy(struct pt_root *pt);
/* The leaf entry of iova; with alloc, missing tables are made (NULL only
 * on ENOMEM); without, NULL when any table on the way is absent. */
uintptr_t *pt_leaf(struct pt_root *pt, uint64_t iova, bool alloc);
/* Call fn for every present leaf in [start, end), in IOVA order, skipping
 * absent tables whole (an unmap of the whole space costs what is mapped). */
typedef void pt_leaf_fn(uintptr_t *pte, uint64_t iova, void *ctx);
void pt_walk(struct pt_root *pt, uint64_t start, uint64_t end,
	     pt_leaf_fn *fn, void *ctx);

static inline bool pte_present(uintptr_t pte)
{
	return pte != 0;
}

static inline void *pte_page(uintptr_t pte)
{
	return (void *)(pte & ~PTE_FLAGS);
}

/* ---- PASID tables ---- */

/* A PASID entry: a tagged union on the translation type (viommu.h). */
struct pasid_entry {
	enum viommu_pgtt type;
	uint32_t domain;		/* DID: tags the caches */
	union {
		/*
		 * VIOMMU_PGTT_SECOND_STAGE: the table is the domain's. It is
		 * found through the DID at each walk rather than by pointer,
		 * so that a stale cached entry can never reach freed tables.
		 */
		struct {
			uint32_t reserved;
		} ss;
		/* FIRST_STAGE and NESTED: the bound first stage. */
		struct {
			uint64_t pgtbl;		/* root: host address/GPA */
			uint32_t levels;	/* 4 or 5 */
			uint32_t flags;		/* VIOMMU_FS_F_* */
		} fs;
	};
};

#define PASID_LEAF_BITS		6
#define PASID_LEAF_ENTRIES	(1u << PASID_LEAF_BITS)

struct pasid_leaf {
	struct pasid_entry e[PASID_LEAF_ENTRIES];
};

/* A device's PASID table: the untagged entry and a directory of leaves. */
struct pasid_table {
	struct pasid_entry untagged;
	uint32_t nr_dir;
	struct pasid_leaf **dir;
};

/* Root (bus) -> context (devfn) -> PASID table, as in VT-d. */
struct context_table {
	struct pasid_table *dev[256];
};

struct root_table {
	struct context_table *bus[256];
};

void root_table_destroy(struct root_table *rt);
/* The entry for (rid, pasid); pasid VIOMMU_NO_PASID is the untagged one.
 * With alloc, missing tables are made (NULL only on ENOMEM); without, NULL
 * when absent. The caller has checked pasid's range. */
struct pasid_entry *pasid_entry_find(struct viommu *v, uint16_t rid,
				     uint32_t pasid, bool alloc);
/* Whether rid has a PASID table at all. */
bool pasid_table_exists(const struct viommu *v, uint16_t rid);

/* ---- Caches ---- */

struct pasid_cache_entry {
	bool valid;
	uint16_t rid;
	uint32_t pasid;			/* VIOMMU_NO_PASID: untagged */
	struct pasid_entry entry;	/* a copy, as hardware caches it */
};

/* A first-stage walk's rights, accumulated over its levels. */
#define FSP_WRITE	(1u << 0)	/* RW at every level */
#define FSP_USER	(1u << 1)	/* US at every level */
#define FSP_EXEC	(1u << 2)	/* XD at no level */
#define FSP_ALL		0x7u

struct iotlb_entry {
	bool valid;
	bool dirty_marked;		/* the PTE's DIRTY bit is known set */
	enum viommu_pgtt type;		/* the entry type that filled it */
	uint32_t domain;
	uint32_t pasid;
	uint64_t pfn;			/* IOVA (VA) >> 12 */
	uint64_t gpa_pfn;		/* NESTED: the page's GPA >> 12 */
	void *page;			/* host page */
	uint32_t prot;			/* second stage: VIOMMU_PROT_* */
	uint32_t fs_perm;		/* first stage: FSP_* */
};

/* A cached pointer to a first-stage leaf table (level 1). */
struct psc_entry {
	bool valid;
	uint32_t domain;
	uint32_t pasid;
	uint64_t vpn2;			/* VA >> 21 */
	uint64_t table;			/* host address or GPA */
	uint32_t fs_perm;		/* FSP_* of the levels above */
};

struct cache_set {
	uint32_t size;
	uint32_t next;			/* round robin: next slot to fill */
};

int caches_init(struct viommu *v);
void caches_destroy(struct viommu *v);
const struct pasid_entry *pasid_cache_lookup(struct viommu *v, uint16_t rid,
					     uint32_t pasid);
void pasid_cache_fill(struct viommu *v, uint16_t rid, uint32_t pasid,
		      const struct pasid_entry *pe);
struct iotlb_entry *iotlb_lookup(struct viommu *v, uint32_t domain,
				 uint32_t pasid, uint64_t pfn);
struct iotlb_entry *iotlb_fill(struct viommu *v, uint32_t domain,
			       uint32_t pasid, uint64_t pfn, uintptr_t pte);
/* Fill a first-stage or nested translation: e's key, type, page, prot,
 * fs_perm and gpa_pfn are copied. */
struct iotlb_entry *iotlb_fill_fs(struct viommu *v,
				  const struct iotlb_entry *e);
const struct psc_entry *psc_lookup(struct viommu *v, uint32_t domain,
				   uint32_t pasid, uint64_t va);
void psc_fill(struct viommu *v, const struct psc_entry *pe);
/* The invalidation itself, request already checked. */
void caches_invalidate(struct viommu *v, const struct viommu_inv *inv);

/* ---- First-stage walks (fs_walk.c) ---- */

/* Where a translation failed: a reason, its stage, the GPA (NESTED). */
struct xlate_fault {
	uint32_t reason;
	uint32_t stage;
	uint64_t gpa;
};

/*
 * Translate va through a FIRST_STAGE or NESTED entry, from the tables
 * (with use_psc, starting from a PSC hit and filling the PSC on a miss;
 * only the fault prq-present-answered walks without).
 * On success 0 and *out holds the translation, keyed (domain, key, va),
 * ready for iotlb_fill_fs; its rights are not yet checked against a
 * request. Else the fault in *f and its reason.
 */
uint32_t fs_translate(struct viommu *v, const struct pasid_entry *pe,
		      uint32_t key, uint64_t va, bool use_psc,
		      struct iotlb_entry *out, struct xlate_fault *f);
/* Check a request's access (VIOMMU_ACC_*) against a translation's
 * rights, first stage then second; 0 or the reason, stage in *f. */
uint32_t access_check(const struct viommu *v, const struct pasid_entry *pe,
		      const struct iotlb_entry *e, uint32_t access,
		      struct xlate_fault *f);

/* ---- Page requests (prq.c) ---- */

struct prq_group {
	bool used;
	bool outstanding;		/* last request seen: answerable */
	bool pasid_valid;
	uint16_t rid;
	uint32_t pasid;
	uint16_t prg_index;
};

struct prq_state {
	struct viommu_page_request *req;	/* ring of prq_depth */
	uint32_t req_head, req_count;
	struct prq_group *groups;		/* prq_depth slots */
	struct viommu_page_response *resp;	/* ring of prq_depth */
	uint32_t resp_head, resp_count;
};

int prq_init(struct viommu *v);
void prq_destroy(struct viommu *v);

/* ---- The instance ---- */

struct viommu_domain {
	uint32_t id;
	uint32_t users;			/* PASID entries pointing here */
	bool dirty_tracking;
	struct pt_root pt;
};

struct viommu {
	struct viommu_config cfg;
	enum viommu_fault fault;
	struct viommu_domain **domains;	/* index: DID - 1 */
	struct root_table root;
	struct pasid_cache_entry *pasid_cache;
	struct cache_set pasid_cache_set;
	struct iotlb_entry *iotlb;
	struct cache_set iotlb_set;
	struct psc_entry *psc;
	struct cache_set psc_set;
	struct prq_state prq;
	struct viommu_fault_record *faults; /* a ring of cfg.fault_depth */
	uint32_t fault_head, fault_count;
	struct viommu_stats stats;
};

/* Off in the coverage build: README.md, "Coverage". */
#ifdef SIOVH_NO_FAULT_HOOKS
#define viommu_fault(v, fault)	((void)(v), (void)(fault), false)
#else
static inline bool viommu_fault(const struct viommu *v,
				enum viommu_fault fault)
{
	return v->fault == fault;
}
#endif

/* The domain with that DID, NULL if none. */
struct viommu_domain *domain_get(const struct viommu *v, uint32_t id);
/* Invalidate [iova, iova + size) of a domain in the IOTLB, in aligned
 * power-of-two chunks, as a driver's range flush does. */
void domain_flush_range(struct viommu *v, uint32_t domain, uint64_t iova,
			uint64_t size);
/* Check a range against the rules of map/unmap: 0, -EINVAL, -ERANGE. */
int range_check(const struct viommu *v, uint64_t iova, uint64_t size);

static inline uint64_t viommu_addr_limit(const struct viommu *v)
{
	return 1ull << v->cfg.addr_width;
}

#endif /* VIOMMU_INTERNAL_H */
