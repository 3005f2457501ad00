/* SPDX-License-Identifier: MIT */
/*
 * What the three files of the viommu_ops fuzz target share: the state of
 * the input in flight (the unit, the fake memories, the model of what the
 * unit may hold) and the oracle's entry points. The input format and the
 * operations are in viommu_ops.c; the translation model (walks, what the
 * caches may hold) in oracle.c; the page request model in oracle_prq.c.
 */
#ifndef VIOMMU_OPS_H
#define VIOMMU_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/ref/viommu/viommu.h"

#define PAGE		4096u
/*
 * Guest memory: 2 MiB, 2 MiB aligned, so that a first-stage 2 MiB leaf
 * (host addresses) can name it whole. Second-stage maps use its first
 * MAP_PAGES pages; a 2 MiB leaf reaches any of its pages.
 */
#define G_PAGES		512u
#define G_SIZE		(G_PAGES * PAGE)
#define MAP_PAGES	64u
/* Host first-stage tables: T_PER_LEVEL pages per level 1..5. Entries are
 * written by the harness only (the host's own tables are trusted), each
 * pointing at a table of the level below or at a guest page. */
#define T_PER_LEVEL	2u
#define T_PAGES		(5 * T_PER_LEVEL)

#define MAX_DOMS	6	/* domains the model follows */
#define MAX_MAPS	64	/* second-stage pages per domain */
#define MAX_ENTRIES	32	/* present PASID entries */
#define MAX_MAY_PC	96	/* PASID-cache entries that may be cached */
#define MAX_MAY_TLB	256	/* IOTLB entries that may be cached */
#define MAX_MAY_PSC	128	/* PSC entries that may be cached */
#define MAX_CAND	24	/* outcomes of one page of a request */
#define MAX_FAULTS	256	/* fault records the model follows */
#define MAX_PRQ		64	/* page-request depth the model follows */

/* ---- The model's second stage ---- */

struct ss_map {
	uint64_t pfn;			/* IOVA >> 12 */
	uint32_t page;			/* guest memory page */
	uint32_t prot;			/* VIOMMU_PROT_* */
};

struct dom {
	uint32_t did;			/* 0: slot free */
	uint32_t users;			/* PASID entries pointing here */
	uint32_t nmaps;
	struct ss_map maps[MAX_MAPS];
};

/* ---- PASID entries, as bound ---- */

struct pe {
	uint32_t type;			/* enum viommu_pgtt */
	uint32_t domain;
	uint64_t pgtbl;
	uint32_t levels;		/* 4 or 5 */
	uint32_t flags;			/* VIOMMU_FS_F_* */
};

struct pe_slot {
	bool used;
	uint16_t rid;
	uint32_t key;			/* PASID, VIOMMU_NO_PASID untagged */
	struct pe e;
};

/* A translation as the walks make it (and the IOTLB holds it). */
struct xl {
	uint32_t type;			/* the entry type that made it */
	uint32_t domain, key;
	uint64_t pfn;			/* VA >> 12 */
	uint32_t page;			/* guest memory page (host page) */
	uint32_t prot;			/* second stage's VIOMMU_PROT_* */
	uint32_t fs_perm;		/* FSP_* below */
	uint64_t gpa_pfn;		/* NESTED */
};
#define FSP_WRITE	(1u << 0)
#define FSP_USER	(1u << 1)
#define FSP_EXEC	(1u << 2)
#define FSP_ALL		7u

struct psc {
	uint32_t type;			/* the entry type whose walk made it */
	uint32_t domain, key;
	uint64_t vpn2;			/* VA >> 21 */
	uint64_t table;
	uint32_t fs_perm;
};

/* One possible outcome of one page of a request. */
struct outcome {
	bool ok;
	uint32_t page;			/* ok: guest memory page reached */
	uint32_t reason, stage;		/* else the fault */
	uint64_t gpa;
};

struct cands {
	unsigned int n;
	struct outcome o[MAX_CAND];
};

/* A fault record the model expects, with the outcomes it may carry. */
struct want_fault {
	uint16_t rid;
	bool pasid_valid;
	uint32_t pasid;
	uint64_t addr;
	uint32_t access;
	struct cands c;
};

/* ---- The page request model (oracle_prq.c) ---- */

struct group {
	bool used, outstanding;
	bool pasid_valid;
	uint16_t rid;
	uint32_t pasid;
	uint16_t prg_index;
};

struct prq_model {
	struct viommu_page_request req[MAX_PRQ];
	uint32_t req_head, req_count;
	struct group groups[MAX_PRQ];
	struct viommu_page_response resp[MAX_PRQ];
	uint32_t resp_head, resp_count;
	uint64_t queued, overflows, auto_responses;
};

/* The state of one input, shared by the files. */
struct vo_state {
	struct viommu *v;
	struct viommu_config cfg;
	uint8_t *mem;			/* guest memory, G_SIZE */
	uint8_t *shadow;		/* what it must hold */
	uint8_t *tables;		/* host first-stage tables, T_PAGES */
	uint8_t touched[G_PAGES];	/* pages to restore after the input */
	bool tables_touched;
	struct dom doms[MAX_DOMS];
	struct pe_slot pes[MAX_ENTRIES];
	uint8_t context[4];		/* per RID of vo_rids: CTX_* */
	bool armed;			/* an allocation failure is armed */
	struct { uint16_t rid; uint32_t key; struct pe e; } may_pc[MAX_MAY_PC];
	unsigned int n_pc;
	struct xl may_tlb[MAX_MAY_TLB];
	unsigned int n_tlb;
	struct psc may_psc[MAX_MAY_PSC];
	unsigned int n_psc;
	struct want_fault faults[MAX_FAULTS];
	uint32_t fault_head, fault_count;
	uint64_t faults_recorded, faults_dropped;
	bool saturated;			/* a model table is full: stop */
	struct prq_model prq;
};
extern struct vo_state vo;

/* Whether a RID has a PASID table: an attach or bind that ran out of
 * memory may have made it before failing. */
enum { CTX_NO, CTX_MAYBE, CTX_YES };

extern const uint16_t vo_rids[4];

static inline uint64_t g_addr(uint32_t page)
{
	return (uint64_t)(uintptr_t)vo.mem + (uint64_t)page * PAGE;
}

/* The host address of first-stage table page k of a level (1..5). */
static inline uint64_t t_addr(unsigned int level, unsigned int k)
{
	return (uint64_t)(uintptr_t)vo.tables +
	       ((uint64_t)(level - 1) * T_PER_LEVEL + k % T_PER_LEVEL) * PAGE;
}

/* viommu_ops.c: operands from the input. */
struct fz;
uint16_t rid_pick(struct fz *f);
uint32_t pasid_pick(struct fz *f);
uint32_t dom_pick(struct fz *f);
uint64_t gpa_pick(struct fz *f);

/* ops.c: ret is 0 when no error of errs applies (n == 0), else one of
 * those that do; and the operations on domains and PASID entries. */
void expect(const char *what, int ret, const int *errs, unsigned int n);
void op_dom_alloc(void);
void op_dom_free(struct fz *f);
void op_map(struct fz *f);
void op_unmap(struct fz *f, bool flush);
void op_lookup(struct fz *f);
void op_attach(struct fz *f);
void op_bind(struct fz *f);
void op_detach(struct fz *f, bool flush);
void op_pasid_get(struct fz *f);

/* oracle.c: the model of the tables and caches. */
struct dom *vo_dom(uint32_t did);
struct pe_slot *vo_pe(uint16_t rid, uint32_t key);
int vo_rid_index(uint16_t rid);
const struct ss_map *vo_ss_find(const struct dom *d, uint64_t pfn);
/* The outcomes a request's page at va may have (and what it may leave
 * cached, added to the model). */
void vo_page_cands(uint16_t rid, bool pasid_valid, uint32_t pasid,
		   uint64_t va, uint32_t access, struct cands *c);
/* Whether binding type under (domain, key) would mix FIRST_STAGE and
 * NESTED walks there (see op_bind). */
bool vo_fs_mix(uint32_t type, uint32_t domain, uint32_t key);
/* The model's caches under an invalidation request (already accepted). */
void vo_model_invalidate(const struct viommu_inv *inv);
/* The contract's answer to an invalidation request: 0 or -EINVAL. */
int vo_inv_expect(const struct viommu_inv *inv);
void vo_fault_expect(const struct want_fault *w);
void vo_fault_pop(void);
void vo_check_counts(void);

/* oracle_prq.c */
void vo_prq_submit(const struct viommu_page_request *r);
void vo_prq_pop(void);
void vo_prq_response(const struct viommu_page_response *r);
void vo_prq_drain(uint16_t rid, uint32_t flags, bool pasid_valid,
		  uint32_t pasid);
void vo_prq_response_pop(void);
void vo_prq_check(void);
/* The open or outstanding group n (mod their number), for responses
 * that match; false when there is none. */
bool vo_prq_group(unsigned int n, struct viommu_page_response *r);

#endif /* VIOMMU_OPS_H */
