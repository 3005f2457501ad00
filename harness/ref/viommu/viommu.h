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
 *                FIRST_STAGE   a first-stage (SVA) table in host memory
 *                NESTED        a guest's first-stage table, walked
 *                              through a domain's second stage
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
 *     First-stage paging-structure cache (PSC): for FIRST_STAGE and
 *       NESTED entries, the address of the leaf table covering a 2 MiB
 *       region of input addresses, keyed by (domain ID, PASID, VA >> 21).
 *   A missing invalidation is therefore observable: after a page-table-only
 *   unmap (viommu_pt_unmap) a DMA to the old IOVA still reaches the old
 *   page, and after viommu_pt_detach the PASID still translates through
 *   its old domain, until viommu_invalidate covers them.
 *
 *   The IOTLB and PSC keys carry no RID: DIDs are software's to assign
 *   (VT-d leaves it to the driver), and it is software's rule that PASID
 *   entries on different RIDs that share a (DID, PASID) translate
 *   alike: same type, first-stage root and controls, same second stage.
 *   Entries that break it share cached translations and leaf tables (a
 *   walk of one may start from a table the other cached). viommu_attach
 *   and viommu_bind do not check it. Linux keeps it by a DID per domain,
 *   a nested one included (intel/iommu.c domain_attach_iommu);
 *   ref/iommufd tags a nested HWPT with its parent's DID and keeps it by
 *   host PASIDs that come from one space and so never repeat across RIDs.
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
 * First stage and nesting (the vSVA issue, item 1) are described with
 * viommu_bind; the page request queue with viommu_prq_submit.
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
	uint32_t fs_addr_width;	/* 48 or 57: widest first stage walked */
	uint32_t psc_entries;	/* 1..65536 cached leaf-table pointers */
	uint32_t prq_depth;	/* 1..65536 queued page requests */
};

/* pasid_bits 20, addr_width 48, 64 IOTLB entries, 64 faults, 1024 DIDs,
 * 16 PASID-cache entries, first stage up to 57 bits, 16 PSC entries, 32
 * page requests. */
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
 * clean pages read 0). Unless NO_CLEAR, the bits are cleared, and when
 * any was, the range's IOTLB entries are invalidated so the next write
 * through them marks again. A call that clears nothing invalidates
 * nothing: a cached translation of a clean PTE marks it on its next write
 * anyway. (Linux gathers only the PTEs it found dirty for the sync that
 * follows a clear; NO_CLEAR neither clears nor invalidates.)
 * Alignment and range errors as for viommu_unmap; -EINVAL on unknown flags.
 */
int viommu_read_and_clear_dirty(struct viommu *v, uint32_t domain,
				uint64_t iova, uint64_t size, uint64_t *bitmap,
				uint32_t flags);

/* ---- PASID tables ---- */

enum viommu_pgtt {			/* PASID entry translation type */
	VIOMMU_PGTT_NONE = 0,		/* not present: DMA faults */
	VIOMMU_PGTT_SECOND_STAGE,	/* IOVA -> host, domain's table */
	VIOMMU_PGTT_FIRST_STAGE,	/* VA -> host, first stage (bind) */
	VIOMMU_PGTT_NESTED,		/* VA -> GPA -> host (bind) */
};

/* What a PASID entry holds, for callers and tests. */
struct viommu_pasid_info {
	enum viommu_pgtt type;
	uint32_t domain;		/* DID the IOTLB tags entries with */
	/* FIRST_STAGE and NESTED: as bound (struct viommu_fs_bind). */
	uint64_t fs_pgtbl;
	uint32_t fs_addr_width;
	uint32_t fs_flags;
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

/* ---- First stage and nested translation (the vSVA issue) ---- */

/*
 * The first-stage table format, x86-64 paging as VT-d's first stage uses
 * it: 4 levels (48-bit input) or 5 levels (57-bit), 512 64-bit entries per
 * 4 KiB table, VA bits 56:48 / 47:39 / 38:30 / 29:21 / 20:12 indexing the
 * levels top down. Leaves are 4 KiB pages (a level-1 entry) or 2 MiB
 * pages (a level-2 entry with PS); the unit reports no 1 GiB first-stage
 * pages (cap_reg FL1GP clear), so PS is reserved in every entry above
 * level 2, as it is at levels 4 and 5 in any VT-d first stage. Every entry:
 *
 *   bit 0      P    present; an absent entry at any level: NOT_PRESENT
 *   bit 1      RW   writable
 *   bit 2      US   user-accessible
 *   bit 7      PS   level 2: the entry maps a 2 MiB page; levels 3-5:
 *                   reserved (FS_RESERVED fault); level 1: PAT, ignored
 *   bits 51:12      address of the next table or of the 4 KiB page;
 *                   a 2 MiB leaf: bits 51:21 the page, bits 20:13
 *                   reserved (FS_RESERVED), bit 12 PAT (ignored);
 *                   NESTED: bits 51:cfg.addr_width reserved (VT-d's
 *                   bits 51:HAW; here the second stage's input width),
 *                   FS_RESERVED rather than a second-stage fault
 *   bits 62:52      ignored (software-available, or x86 protection keys,
 *                   which VT-d's first stage does not use)
 *   bit 63     XD   execute disable
 *   bits 11:8, 6:3  ignored (the unit sets no accessed/dirty bits)
 *
 * The IOTLB caches a 2 MiB translation as the 4 KiB pieces that were
 * used; an address invalidation drops the pieces it covers, so software
 * invalidates a 2 MiB page with a size order of at least 9, as VT-d asks
 * of it ("when invalidating mapping for a 2MB page, software must specify
 * an address mask value of at least 9").
 *
 * The rights of a translation are those of its whole walk: writable and
 * user only if every level says so, execute-disabled if any level says so.
 * A request (VIOMMU_ACC_*) is checked against them in this order:
 *   - a supervisor request (ACC_PRIV) needs the bind's SRE flag;
 *   - a user request needs US;
 *   - a write needs RW, for a supervisor request only with the WPE flag
 *     (x86's CR0.WP);
 *   - an execute request needs XD clear.
 * Then, NESTED, the second stage must grant the access (READ for reads
 * and executes, WRITE for writes) to the page.
 *
 * Addresses in entries (and the bound root, fs_pgtbl) are:
 *   FIRST_STAGE  host addresses of this process (host SVA: the tables
 *                are the host's own and trusted);
 *   NESTED       guest physical addresses: each table is read through
 *                the second stage of the entry's domain (READ needed), as
 *                is the final page. A second-stage failure during the
 *                walk is a fault of stage SECOND whose gpa is the table's.
 *
 * Table reads do not go through the IOTLB. The IOTLB caches the whole
 * translation (VA page -> host page, with the rights of both stages)
 * under (domain, PASID, VA page); the PSC caches the leaf table's address
 * and the rights of the levels above it.
 */
#define VIOMMU_FS_P		(1ull << 0)
#define VIOMMU_FS_RW		(1ull << 1)
#define VIOMMU_FS_US		(1ull << 2)
#define VIOMMU_FS_PS		(1ull << 7)
#define VIOMMU_FS_XD		(1ull << 63)
#define VIOMMU_FS_ADDR_MASK	0x000ffffffffff000ull
/* A 2 MiB leaf: its page address, and its reserved bits 20:13. */
#define VIOMMU_FS_2M_ADDR_MASK	0x000fffffffe00000ull
#define VIOMMU_FS_2M_RSVD_MASK	0x00000000001fe000ull

/* Bind flags: the PASID entry's first-stage controls. */
#define VIOMMU_FS_F_SRE		(1u << 0) /* supervisor requests allowed */
#define VIOMMU_FS_F_WPE		(1u << 1) /* supervisor writes honour RW */
#define VIOMMU_FS_F_PRE		(1u << 2) /* page requests allowed */
#define VIOMMU_FS_F_ALL		0x7u

/*
 * A bind request: the host's sanitized form of a guest's "bind guest
 * PASID table" (the user request a VMM passes down). Every field is
 * checked against the unit before anything changes:
 *   type        FIRST_STAGE or NESTED, else -EINVAL;
 *   flags       VIOMMU_FS_F_* only, else -EINVAL;
 *   addr_width  48 or 57 and <= cfg.fs_addr_width, else -EINVAL;
 *   pasid_bits  the PASID width of the guest's table (its vIOMMU's): 1..
 *               cfg.pasid_bits, else -EINVAL (the host could not back
 *               every guest PASID); the bound pasid must lie below it;
 *   reserved    0, else -EINVAL;
 *   pgtbl       page aligned, nonzero, within bits 51:12, and NESTED
 *               below 2^cfg.addr_width, else -EINVAL;
 *   domain      an allocated domain, else -ENOENT: NESTED walks its
 *               second stage; both types tag the caches with its DID
 *               (software keeps entries that share a DID and PASID
 *               alike: see the caches above; not checked here).
 */
struct viommu_fs_bind {
	uint32_t type;		/* enum viommu_pgtt */
	uint32_t flags;		/* VIOMMU_FS_F_* */
	uint32_t domain;
	uint32_t addr_width;	/* 48 (4 levels) or 57 (5 levels) */
	uint32_t pasid_bits;
	uint32_t reserved;
	uint64_t pgtbl;		/* root table: host address or GPA */
};

/*
 * Point (rid, pasid) at a first-stage table. Errors as listed above, and
 * as viommu_attach: -ERANGE pasid beyond the unit's width (or the
 * guest's), -EBUSY the entry is present. On any error nothing changed.
 * viommu_detach (or viommu_pt_detach) unbinds; its PASID-selective
 * invalidation also drops the PASID's PSC entries.
 */
int viommu_bind(struct viommu *v, uint16_t rid, uint32_t pasid,
		const struct viommu_fs_bind *b);

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
#define VIOMMU_INV_F_LEAF	(1u << 1) /* ADDR: only leaf entries
					   * changed: keep the PSC */

/*
 * One invalidation request, like a VT-d PASID-cache, IOTLB or
 * PASID-based-IOTLB invalidation descriptor. ADDR covers the 2^size_order
 * pages from addr: addr must be aligned to that size and below the
 * address width, and size_order <= width - 12, where the width is
 * addr_width, or with F_PASID the wider of addr_width and fs_addr_width.
 * pasid is VIOMMU_NO_PASID for untagged entries. Fields a granularity
 * does not use are ignored. The PASID cache takes GLOBAL, DOMAIN and PASID
 * only.
 *
 * What an IOTLB-cache request drops:
 *   GLOBAL, DOMAIN, PASID  IOTLB and PSC entries of that scope;
 *   ADDR with F_PASID      (first-stage, PASID-based) the (domain, pasid)
 *                          IOTLB entries of the range, and unless F_LEAF
 *                          the PSC entries whose 2 MiB overlaps it;
 *   ADDR without F_PASID   (second-stage) the domain's second-stage IOTLB
 *                          entries of the range (all PASIDs) and every
 *                          NESTED entry of the domain, which is keyed by
 *                          VA and so cannot be matched by GPA (as VT-d
 *                          flushes combined mappings); first-stage-only
 *                          entries and the PSC (which holds guest
 *                          addresses) stay.
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

#define VIOMMU_ACC_WRITE	(1u << 0)	/* else a read */
#define VIOMMU_ACC_PRIV		(1u << 1)	/* supervisor request */
#define VIOMMU_ACC_EXEC		(1u << 2)	/* instruction fetch (a read) */
#define VIOMMU_ACC_ALL		0x7u

/*
 * viommu_dma with the request's attributes (VIOMMU_ACC_*; unknown bits
 * -EINVAL; WRITE with EXEC -EINVAL). PRIV and EXEC matter to first-stage
 * translation only; second-stage-only entries check READ/WRITE.
 */
int viommu_dma_access(struct viommu *v, uint16_t rid, bool pasid_valid,
		      uint32_t pasid, uint64_t iova, void *buf, size_t len,
		      uint32_t access);

/* ---- Unrecoverable faults ---- */

enum viommu_fault_reason {
	VIOMMU_FR_NO_CONTEXT = 1,	/* RID has no PASID table */
	VIOMMU_FR_PASID_RANGE,		/* PASID >= 2^pasid_bits */
	VIOMMU_FR_NO_PASID_ENTRY,	/* PASID (or untagged) entry absent */
	VIOMMU_FR_ADDR_RANGE,		/* IOVA >= 2^addr_width */
	VIOMMU_FR_NOT_PRESENT,		/* no PTE for the page */
	VIOMMU_FR_READ_DENIED,		/* PTE lacks READ */
	VIOMMU_FR_WRITE_DENIED,		/* PTE lacks WRITE */
	VIOMMU_FR_USER_DENIED,		/* first stage: user request, !US */
	VIOMMU_FR_EXEC_DENIED,		/* first stage: execute, XD set */
	VIOMMU_FR_PRIV_DENIED,		/* supervisor request, no SRE */
	VIOMMU_FR_FS_RESERVED,		/* first-stage entry: reserved bit */
};

/* The translation stage a fault happened in. */
enum viommu_stage {
	VIOMMU_STAGE_NONE = 0,		/* before any table: context/PASID */
	VIOMMU_STAGE_FIRST,
	VIOMMU_STAGE_SECOND,
};

struct viommu_fault_record {
	uint16_t rid;
	bool pasid_valid;
	uint32_t pasid;			/* 0 when !pasid_valid */
	uint64_t addr;			/* the faulting IOVA (byte address) */
	bool write;
	uint32_t reason;		/* enum viommu_fault_reason */
	uint32_t stage;			/* enum viommu_stage */
	uint32_t access;		/* VIOMMU_ACC_* of the request */
	uint64_t gpa;			/* NESTED, stage SECOND: the guest
					 * physical address that failed (a
					 * first-stage table's or the
					 * page's); else 0 */
};

/* Pop the oldest record into out; -ENOENT when the log is empty. */
int viommu_fault_pop(struct viommu *v, struct viommu_fault_record *out);
/* Records waiting in the log. */
uint32_t viommu_fault_count(const struct viommu *v);

/* ---- Page requests: recoverable faults (the vSVA issue) ---- */

/*
 * A device that finds a page not present asks for it with a page request
 * (PCIe PRI); requests come in page request groups (PRGs) named by
 * (rid, PASID-valid, PASID, PRG index), the group's last request carrying
 * the last-request flag. Software reads the requests from the unit's page
 * request queue, makes the pages present, and answers each group once
 * with a page response; the unit hands the response to the device, which
 * reads it with viommu_prq_response_pop.
 *
 * viommu_prq_submit checks a request and its PASID entry, in this order
 * (it does not walk the page tables: as in VT-d, a request is queued even
 * when the tables already grant it, e.g. from a device that used a stale
 * cached translation; software, which alone can invalidate, answers it):
 *   -EINVAL  malformed: no READ/WRITE/EXEC in perm, unknown perm bits,
 *            WRITE with EXEC, addr not page aligned, prg_index > 511,
 *            PASID beyond the unit's width. Nothing happens.
 *   -ENOENT  no present PASID entry for it, or one without
 *            VIOMMU_FS_F_PRE (second-stage entries never have it): not
 *            queued; if last, the unit answers the group INVALID.
 *   -ENOSPC  the queue (cfg.prq_depth requests) or the group table
 *            (cfg.prq_depth groups) is full: the request is lost and
 *            counted (stats.prq_overflows); if last, the unit answers
 *            the group SUCCESS and forgets it (VT-d's overflow rule: the
 *            device retries and asks again).
 *   0        queued. The first request opens its group; the last one
 *            makes the group outstanding: only then may it be answered.
 *
 * viommu_page_response answers an outstanding group: the response must
 * name it exactly (rid, pasid_valid, pasid, prg_index) and carry a known
 * code, else -EINVAL and nothing happens. An open group (last request not
 * yet seen), an answered group, an unknown one: -EINVAL. The accepted
 * response completes the group, which is forgotten, and goes to the
 * device.
 *
 * viommu_prq_drain closes the channel for a device (or, with
 * VIOMMU_DRAIN_F_PASID, one of its PASIDs): its queued requests are
 * discarded and each of its groups, open or outstanding, is completed
 * with VIOMMU_PR_INVALID toward the device. Returns the groups completed.
 * Detach does not drain: the driver drains before it unbinds.
 *
 * Responses wait for the device in a ring of cfg.prq_depth; when it is
 * full the oldest is dropped (the device has stopped listening).
 */
#define VIOMMU_PR_READ		(1u << 0)
#define VIOMMU_PR_WRITE		(1u << 1)
#define VIOMMU_PR_EXEC		(1u << 2)
#define VIOMMU_PR_PRIV		(1u << 3)	/* privileged-mode request */
#define VIOMMU_PR_ALL		0xfu

#define VIOMMU_PRG_INDEX_MAX	511		/* 9 bits */

struct viommu_page_request {
	uint16_t rid;
	bool pasid_valid;
	uint32_t pasid;			/* ignored when !pasid_valid */
	uint64_t addr;			/* page address */
	uint32_t perm;			/* VIOMMU_PR_* */
	uint16_t prg_index;
	bool last;			/* last request of its group */
	uint64_t private_data;		/* returned to software as is */
};

enum viommu_pr_code {
	VIOMMU_PR_SUCCESS = 0,		/* pages present: retry */
	VIOMMU_PR_INVALID = 1,		/* invalid request: do not retry */
	VIOMMU_PR_FAILURE = 0xf,	/* response failure: stop PRI */
};

struct viommu_page_response {
	uint16_t rid;
	bool pasid_valid;
	uint32_t pasid;
	uint16_t prg_index;
	uint32_t code;			/* enum viommu_pr_code */
};

/* A device issues a page request: 0 queued, or as described above. */
int viommu_prq_submit(struct viommu *v, const struct viommu_page_request *r);
/* Software takes the oldest queued request; -ENOENT when none. */
int viommu_prq_pop(struct viommu *v, struct viommu_page_request *out);
/* Software answers an outstanding group: 0, or -EINVAL. */
int viommu_page_response(struct viommu *v,
			 const struct viommu_page_response *resp);

#define VIOMMU_DRAIN_F_PASID	(1u << 0)	/* only (pasid_valid, pasid) */

/* Complete rid's groups with INVALID (see above); -EINVAL bad flags. */
int viommu_prq_drain(struct viommu *v, uint16_t rid, uint32_t flags,
		     bool pasid_valid, uint32_t pasid);
/* The device takes the oldest response sent to any device; -ENOENT. */
int viommu_prq_response_pop(struct viommu *v,
			    struct viommu_page_response *out);
/* Groups open or outstanding (for tests). */
uint32_t viommu_prq_groups(const struct viommu *v);

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
	uint64_t psc_hits;
	uint64_t psc_misses;
	uint64_t prq_queued;		/* page requests queued */
	uint64_t prq_overflows;		/* page requests lost: queue full */
	uint64_t prq_auto_responses;	/* groups the unit answered itself */
};

void viommu_get_stats(const struct viommu *v, struct viommu_stats *out);

/* Name of an enum viommu_fault_reason ("not-present"), "?" if unknown. */
const char *viommu_fault_reason_name(uint32_t reason);

#endif /* VIOMMU_VIOMMU_H */
