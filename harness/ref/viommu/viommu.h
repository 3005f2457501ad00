/* SPDX-License-Identifier: MIT */
/*
 * The reference IOMMU: a VT-d scalable-mode-like translation unit, first part
 * (DESIGN.md, "What the reference implementations are"; issue 3, item 2).
 * It gives PASID-granular DMA isolation to the software SIOV endpoint
 * (harness/ref/siovdev) under the reference VDCM (harness/ref/vdcm).
 *
 * Memory model. An I/O virtual address (IOVA) translates to a host virtual
 * address of this process: the VMM maps guest memory the way it does with
 * VFIO_IOMMU_MAP_DMA {vaddr, iova, size}, and a DMA then really reads or
 * writes that process memory. Pages are 4 KiB; nothing larger is mapped.
 *
 * The structures, as in VT-d scalable mode:
 *
 *   requester ID (bus:devfn, 16 bits)
 *     -> root table (256 buses) -> context (256 devfns): the device's
 *        PASID table, allocated on first attach
 *        -> the RID's untagged entry (DMA without a PASID prefix: VT-d's
 *           RID_PASID entry), and
 *        -> a PASID directory of 64-entry leaf tables, PASIDs in
 *           [0, 2^pasid_bits)
 *           -> a PASID entry, a tagged union on its translation type:
 *                SECOND_STAGE  a domain's host page table (this issue)
 *                FIRST_STAGE   a guest/SVA table   (the vSVA issue)
 *                NESTED        first over second   (the vSVA issue)
 *
 *   domain (ID in [1, max_domains], the VT-d DID): a second-stage page table,
 *     4 levels x 512 entries, 4 KiB leaves, addresses below 2^addr_width;
 *     a PTE holds the page's host address, READ/WRITE and a DIRTY bit.
 *
 *   Two caches, both bounded with round-robin replacement (deterministic:
 *   the same requests leave the same contents), both consulted before
 *   any table, neither updated by a table change: only an invalidation
 *   removes an entry.
 *     PASID cache: present PASID entries keyed by (RID, PASID), tagged
 *       with the entry's domain ID. It gives a request its domain.
 *     IOTLB: leaf translations keyed by (domain ID, PASID, IOVA page).
 *   A missing invalidation is therefore observable: after a page-table-only
 *   unmap (viommu_pt_unmap) a DMA to the old IOVA still reaches the old
 *   page, and after viommu_pt_detach the PASID still translates through
 *   its old domain, until viommu_invalidate covers them.
 *
 * Two layers. viommu_pt_* change the tables only, as hardware sees a
 * driver's memory writes; viommu_map/unmap/attach/detach are the driver
 * level and issue the invalidations a real IOMMU driver issues (unmap:
 * address-range invalidation of the domain; detach: PASID-selective
 * invalidation). Injected faults skip some of them (faults.h).
 *
 * DMA (viommu_dma) translates page by page and moves the bytes of a page
 * only after that page translated. On a translation failure it records an
 * unrecoverable fault (struct viommu_fault_record) in a bounded fault log
 * and returns -EFAULT: bytes of earlier pages have been transferred, none
 * of the faulting page or beyond. When the log is full a new record is
 * dropped and counted (VT-d's primary fault overflow).
 *
 * Not thread-safe: one caller at a time (the VDCM's lock, or QEMU's BQL).
 * No global state: any number of instances.
 *
 * Errors are negative errno values: -EINVAL malformed argument, -ERANGE
 * address or PASID beyond the unit's widths, -ENOENT no such domain/entry,
 * -EEXIST already mapped, -EBUSY in use, -ENOSPC out of IDs, -ENOMEM.
 */
#ifndef VIOMMU_VIOMMU_H
#define VIOMMU_VIOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults.h"

#define VIOMMU_PAGE_SHIFT	12
#define VIOMMU_PAGE_SIZE	(1ull << VIOMMU_PAGE_SHIFT)

/* The PASID value that names a RID's untagged entry (DMA without PASID). */
#define VIOMMU_NO_PASID		UINT32_MAX

struct viommu;

struct viommu_config {
	uint32_t pasid_bits;	/* 1..20: PASIDs in [0, 2^pasid_bits) */
	uint32_t addr_width;	/* 12..48: IOVAs in [0, 2^addr_width) */
	uint32_t iotlb_entries;	/* 1..65536 cached translations */
	uint32_t fault_depth;	/* 1..65536 fault records kept */
	uint32_t max_domains;	/* 1..65535 domain IDs */
	uint32_t pasid_cache_entries; /* 1..65536 cached PASID entries */
};

/* pasid_bits 20, addr_width 48, 64 IOTLB entries, 64 faults, 1024 DIDs,
 * 16 PASID-cache entries. */
void viommu_config_default(struct viommu_config *cfg);

/*
 * A new unit; fault is an enum viommu_fault (VIOMMU_FAULT_NONE for the
 * faithful one). NULL with errno EINVAL (bad config or fault) or ENOMEM.
 */
struct viommu *viommu_create(const struct viommu_config *cfg, int fault);
/* Frees every table, entry and domain. NULL is a no-op. */
void viommu_destroy(struct viommu *v);
const struct viommu_config *viommu_get_config(const struct viommu *v);

/* ---- Domains: second-stage page tables ---- */

/* A new, empty domain; *id gets its DID. -ENOSPC when all are in use. */
int viommu_domain_alloc(struct viommu *v, uint32_t *id);
/* -EBUSY while any PASID entry points at it; frees its page table. */
int viommu_domain_free(struct viommu *v, uint32_t id);

#define VIOMMU_PROT_READ	(1u << 0)
#define VIOMMU_PROT_WRITE	(1u << 1)

/*
 * Map [iova, iova + size) to [vaddr, vaddr + size) with prot (READ and/or
 * WRITE, at least one). iova, vaddr and size must be page aligned and size
 * nonzero (-EINVAL); the range must lie below 2^addr_width (-ERANGE); no
 * page of it may be mapped already (-EEXIST). All or nothing: on error the
 * table is unchanged. A new mapping needs no invalidation (nothing caches
 * an absent translation).
 */
int viommu_map(struct viommu *v, uint32_t domain, uint64_t iova, void *vaddr,
	       uint64_t size, uint32_t prot);
/*
 * Unmap every mapped page in [iova, iova + size) (holes are fine), then
 * invalidate the domain's IOTLB entries for the range (address-range
 * invalidations, all PASIDs). Returns the bytes unmapped (0 if nothing was
 * mapped), -EINVAL unaligned or zero size, -ERANGE beyond addr_width.
 */
int64_t viommu_unmap(struct viommu *v, uint32_t domain, uint64_t iova,
		     uint64_t size);
/* viommu_unmap without the invalidation: the table edit alone. */
int64_t viommu_pt_unmap(struct viommu *v, uint32_t domain, uint64_t iova,
			uint64_t size);

/* A walk of the table (no IOTLB): 0 and the page's host address, prot and
 * dirty bit; -ENOENT when unmapped. */
int viommu_lookup(struct viommu *v, uint32_t domain, uint64_t iova,
		  void **vaddr, uint32_t *prot, bool *dirty);

/*
 * Dirty tracking (migration). While enabled, a DMA write sets the DIRTY
 * bit of every PTE it writes through (IOTLB hits included: a cached entry
 * that has not yet marked its PTE walks the table to do so). Enabling or
 * disabling leaves existing bits alone.
 */
int viommu_set_dirty_tracking(struct viommu *v, uint32_t domain, bool enable);

#define VIOMMU_DIRTY_NO_CLEAR	(1u << 0)	/* read, leave bits set */

/*
 * Report the dirty pages of [iova, iova + size) into bitmap: bit i (bit
 * i % 64 of word i / 64) stands for page iova + i * 4 KiB; the bitmap,
 * DIV_ROUND_UP(size / 4 KiB, 64) words, is written whole (unmapped and
 * clean pages read 0). Unless NO_CLEAR, the bits are cleared and the
 * range's IOTLB entries invalidated, so the next write marks again.
 * Alignment and range errors as for viommu_unmap; -EINVAL on unknown flags.
 */
int viommu_read_and_clear_dirty(struct viommu *v, uint32_t domain,
				uint64_t iova, uint64_t size, uint64_t *bitmap,
				uint32_t flags);

/* ---- PASID tables ---- */

enum viommu_pgtt {			/* PASID entry translation type */
	VIOMMU_PGTT_NONE = 0,		/* not present: DMA faults */
	VIOMMU_PGTT_SECOND_STAGE,	/* IOVA -> host, domain's table */
	VIOMMU_PGTT_FIRST_STAGE,	/* reserved for the vSVA issue */
	VIOMMU_PGTT_NESTED,		/* reserved for the vSVA issue */
};

/* What a PASID entry holds, for callers and tests. */
struct viommu_pasid_info {
	enum viommu_pgtt type;
	uint32_t domain;		/* DID the IOTLB tags entries with */
};

/*
 * Point (rid, pasid) at a domain's second-stage table; pasid is
 * VIOMMU_NO_PASID for the RID's untagged entry. -ERANGE pasid >=
 * 2^pasid_bits, -ENOENT no such domain, -EBUSY the entry is present
 * (detach first).
 */
int viommu_attach(struct viommu *v, uint16_t rid, uint32_t pasid,
		  uint32_t domain);
/*
 * Clear the entry, then invalidate the PASID cache and the IOTLB for
 * (domain, pasid), as a driver does when it tears a PASID entry down.
 * -ENOENT when not present.
 */
int viommu_detach(struct viommu *v, uint16_t rid, uint32_t pasid);
/* viommu_detach without the invalidation. */
int viommu_pt_detach(struct viommu *v, uint16_t rid, uint32_t pasid);
/* 0 and the entry; -ENOENT when not present, -ERANGE bad pasid. */
int viommu_pasid_get(struct viommu *v, uint16_t rid, uint32_t pasid,
		     struct viommu_pasid_info *out);

/* ---- Invalidation ---- */

enum viommu_inv_cache {
	VIOMMU_CACHE_IOTLB = 1,
	VIOMMU_CACHE_PASID,	/* the PASID cache: no ADDR granularity */
};

enum viommu_inv_granularity {
	VIOMMU_INV_GLOBAL = 1,	/* every entry */
	VIOMMU_INV_DOMAIN,	/* every entry of domain */
	VIOMMU_INV_PASID,	/* every entry of (domain, pasid) */
	VIOMMU_INV_ADDR,	/* domain's entries in the address range */
};

#define VIOMMU_INV_F_PASID	(1u << 0) /* ADDR: only this pasid's */
#define VIOMMU_INV_F_LEAF	(1u << 1) /* only leaf PTEs changed (a hint:
					   * there is no paging-structure
					   * cache to keep) */

/*
 * One invalidation request, like a VT-d PASID-cache, IOTLB or
 * PASID-based-IOTLB invalidation descriptor. ADDR covers the 2^size_order
 * pages from addr: addr must be aligned to that size and size_order <=
 * addr_width - 12. pasid is VIOMMU_NO_PASID for untagged entries. Fields a
 * granularity does not use are ignored. The PASID cache takes GLOBAL,
 * DOMAIN and PASID only.
 */
struct viommu_inv {
	uint32_t cache;		/* enum viommu_inv_cache */
	uint32_t granularity;	/* enum viommu_inv_granularity */
	uint32_t flags;		/* VIOMMU_INV_F_* */
	uint32_t domain;
	uint32_t pasid;
	uint64_t addr;
	uint32_t size_order;
};

/* 0, or -EINVAL for an unknown cache, granularity or flag, or a bad
 * range. */
int viommu_invalidate(struct viommu *v, const struct viommu_inv *inv);

/* ---- DMA ---- */

/*
 * A DMA of len bytes between buf and [iova, iova + len) by requester rid,
 * with a PASID prefix when pasid_valid. The request's PASID entry comes
 * from the PASID cache, or (on a miss) the RID's PASID table, which fills
 * it; then each page is translated through the IOTLB, or (on a miss) the
 * domain's table, which fills it. 0 on success, -EFAULT on a
 * translation failure (one fault record, as described at the top), -EINVAL
 * for len 0 or a wrapping range.
 */
int viommu_dma(struct viommu *v, uint16_t rid, bool pasid_valid,
	       uint32_t pasid, uint64_t iova, void *buf, size_t len,
	       bool write);

/* ---- Unrecoverable faults ---- */

enum viommu_fault_reason {
	VIOMMU_FR_NO_CONTEXT = 1,	/* RID has no PASID table */
	VIOMMU_FR_PASID_RANGE,		/* PASID >= 2^pasid_bits */
	VIOMMU_FR_NO_PASID_ENTRY,	/* PASID (or untagged) entry absent */
	VIOMMU_FR_ADDR_RANGE,		/* IOVA >= 2^addr_width */
	VIOMMU_FR_NOT_PRESENT,		/* no PTE for the page */
	VIOMMU_FR_READ_DENIED,		/* PTE lacks READ */
	VIOMMU_FR_WRITE_DENIED,		/* PTE lacks WRITE */
};

struct viommu_fault_record {
	uint16_t rid;
	bool pasid_valid;
	uint32_t pasid;			/* 0 when !pasid_valid */
	uint64_t addr;			/* the faulting IOVA (byte address) */
	bool write;
	uint32_t reason;		/* enum viommu_fault_reason */
};

/* Pop the oldest record into out; -ENOENT when the log is empty. */
int viommu_fault_pop(struct viommu *v, struct viommu_fault_record *out);
/* Records waiting in the log. */
uint32_t viommu_fault_count(const struct viommu *v);

/* ---- Counters, for tests and benchmarks ---- */

struct viommu_stats {
	uint64_t pasid_cache_hits;
	uint64_t pasid_cache_misses;
	uint64_t iotlb_hits;
	uint64_t iotlb_misses;
	uint64_t iotlb_evictions;	/* valid entries replaced */
	uint64_t iotlb_entries;		/* valid entries now */
	uint64_t invalidations;		/* viommu_invalidate calls, incl.
					 * the driver level's own */
	uint64_t faults;		/* faults recorded */
	uint64_t faults_dropped;	/* faults lost: log full */
	uint64_t dma_bytes;		/* bytes transferred */
};

void viommu_get_stats(const struct viommu *v, struct viommu_stats *out);

/* Name of an enum viommu_fault_reason ("not-present"), "?" if unknown. */
const char *viommu_fault_reason_name(uint32_t reason);

#endif /* VIOMMU_VIOMMU_H */
