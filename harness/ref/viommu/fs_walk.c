/* SPDX-License-Identifier: MIT */
/*
 * First-stage walks (viommu.h, "First stage and nested translation"). A
 * FIRST_STAGE entry's tables are host memory; a NESTED entry's are guest
 * memory, so every table read, and the final page, goes through the
 * second stage of the entry's domain first, as in VT-d nesting. Walks
 * read tables only: they never change an entry (no accessed/dirty bits).
 */
#include "viommu_internal.h"

#define FS_INDEX_BITS	9

static unsigned int fs_index(uint64_t va, unsigned int level)
{
	unsigned int shift = VIOMMU_PAGE_SHIFT + (level - 1) * FS_INDEX_BITS;

	return (unsigned int)(va >> shift) & (PT_ENTRIES - 1);
}

static uint32_t fault_at(struct xlate_fault *f, uint32_t reason,
			 uint32_t stage, uint64_t gpa)
{
	*f = (struct xlate_fault){ reason, stage, gpa };
	return reason;
}

/* The stage a second-stage failure is recorded with. */
static uint32_t ss_stage(const struct viommu *v)
{
	if (viommu_fault(v, VIOMMU_FAULT_FAULT_WRONG_STAGE))
		return VIOMMU_STAGE_FIRST;
	return VIOMMU_STAGE_SECOND;
}

/* The second-stage leaf PTE of gpa in the entry's domain. */
static uint32_t ss_leaf(struct viommu *v, const struct pasid_entry *pe,
			uint64_t gpa, uintptr_t *out, struct xlate_fault *f)
{
	struct viommu_domain *dom = domain_get(v, pe->domain);
	uintptr_t *pte = NULL;

	if (gpa >= viommu_addr_limit(v))
		return fault_at(f, VIOMMU_FR_ADDR_RANGE, ss_stage(v), gpa);
	if (dom)
		pte = pt_leaf(&dom->pt, gpa, false);
	if (!pte || !pte_present(*pte))
		return fault_at(f, VIOMMU_FR_NOT_PRESENT, ss_stage(v), gpa);
	*out = *pte;
	return 0;
}

/* Entry `index` of the first-stage table at `table`. */
static uint32_t table_read(struct viommu *v, const struct pasid_entry *pe,
			   uint64_t table, unsigned int index, uint64_t *out,
			   struct xlate_fault *f)
{
	const uint64_t *t = (const uint64_t *)(uintptr_t)table;
	uintptr_t pte;

	if (pe->type == VIOMMU_PGTT_NESTED) {
		if (ss_leaf(v, pe, table, &pte, f))
			return f->reason;
		if (!(pte & PTE_READ) &&
		    !viommu_fault(v, VIOMMU_FAULT_NESTED_TABLE_UNCHECKED))
			return fault_at(f, VIOMMU_FR_READ_DENIED, ss_stage(v),
					table);
		t = pte_page(pte);
	}
	*out = t[index];
	return 0;
}

/* Bits 62:52 of a first-stage entry: ignored by the walk (viommu.h). */
#define FS_IGNORED_HIGH	0x7ff0000000000000ull

/*
 * A first-stage entry of `level` is usable: present, no reserved bit.
 * *leaf says whether it maps the page: every level-1 entry, and a level-2
 * entry with PS (2 MiB). PS above level 2 is reserved: no 1 GiB pages
 * (FL1GP clear), and never at levels 4 and 5.
 */
static uint32_t fs_entry_check(const struct viommu *v,
			       const struct pasid_entry *pe, uint64_t e,
			       unsigned int level, bool *leaf,
			       struct xlate_fault *f)
{
	bool ps = level > 1 && (e & VIOMMU_FS_PS);

	if (!(e & VIOMMU_FS_P))
		return fault_at(f, VIOMMU_FR_NOT_PRESENT, VIOMMU_STAGE_FIRST,
				0);
	/* NESTED: a GPA beyond the unit's address width (VT-d: 51:HAW) */
	if (pe->type == VIOMMU_PGTT_NESTED &&
	    (e & VIOMMU_FS_ADDR_MASK) >> v->cfg.addr_width)
		return fault_at(f, VIOMMU_FR_FS_RESERVED, VIOMMU_STAGE_FIRST,
				0);
	if ((e & FS_IGNORED_HIGH) &&
	    viommu_fault(v, VIOMMU_FAULT_FS_IGNORED_BITS_RESERVED))
		return fault_at(f, VIOMMU_FR_FS_RESERVED, VIOMMU_STAGE_FIRST,
				0);
	if (ps && (level > 2 || (e & VIOMMU_FS_2M_RSVD_MASK) ||
		   viommu_fault(v, VIOMMU_FAULT_FS_LARGE_PAGE_REFUSED)))
		return fault_at(f, VIOMMU_FR_FS_RESERVED, VIOMMU_STAGE_FIRST,
				0);
	*leaf = level == 1 || ps;
	return 0;
}

/* The rights one entry grants (FSP_*). */
static uint32_t fs_entry_perm(uint64_t e)
{
	return ((e & VIOMMU_FS_RW) ? FSP_WRITE : 0) |
	       ((e & VIOMMU_FS_US) ? FSP_USER : 0) |
	       ((e & VIOMMU_FS_XD) ? 0 : FSP_EXEC);
}

static uint32_t pte_prot(uintptr_t pte)
{
	return ((pte & PTE_READ) ? VIOMMU_PROT_READ : 0) |
	       ((pte & PTE_WRITE) ? VIOMMU_PROT_WRITE : 0);
}

/* The translation's output: the page, and NESTED its second stage. */
static uint32_t fs_output(struct viommu *v, const struct pasid_entry *pe,
			  uint64_t addr, struct iotlb_entry *out,
			  struct xlate_fault *f)
{
	uintptr_t pte;

	if (pe->type == VIOMMU_PGTT_FIRST_STAGE) {
		out->page = (void *)(uintptr_t)addr;
		out->prot = VIOMMU_PROT_READ | VIOMMU_PROT_WRITE;
		return 0;
	}
	if (ss_leaf(v, pe, addr, &pte, f))
		return f->reason;
	out->page = pte_page(pte);
	out->prot = pte_prot(pte);
	out->gpa_pfn = addr >> VIOMMU_PAGE_SHIFT;
	out->dirty_marked = (pte & PTE_DIRTY) != 0;
	return 0;
}

/*
 * Whether this walk goes through the PSC: every walk but the one the fault
 * prq-present-answered makes for a page request (use_psc false), which
 * reads the tables only. Tested where the PSC is used, so that the coverage
 * build folds it with the hook (README.md, "Coverage").
 */
#define WALK_USES_PSC(v, use_psc) \
	((use_psc) || !viommu_fault((v), VIOMMU_FAULT_PRQ_PRESENT_ANSWERED))

uint32_t fs_translate(struct viommu *v, const struct pasid_entry *pe,
		      uint32_t key, uint64_t va, bool use_psc,
		      struct iotlb_entry *out, struct xlate_fault *f)
{
	unsigned int level = pe->fs.levels;
	const struct psc_entry *hit = NULL;
	uint64_t table = pe->fs.pgtbl, e = 0;
	uint32_t perm = FSP_ALL;

	if (va >> (VIOMMU_PAGE_SHIFT + level * FS_INDEX_BITS) &&
	    !viommu_fault(v, VIOMMU_FAULT_FS_VA_TRUNCATED))
		return fault_at(f, VIOMMU_FR_ADDR_RANGE, VIOMMU_STAGE_FIRST,
				0);
	if (WALK_USES_PSC(v, use_psc))
		hit = psc_lookup(v, pe->domain, key, va);
	if (hit) {
		table = hit->table;
		perm = hit->fs_perm;
		level = 1;
	}
	for (; level; level--) {
		bool leaf = false;

		if (level == 1 && !hit && WALK_USES_PSC(v, use_psc))
			psc_fill(v, &(struct psc_entry){
				.domain = pe->domain, .pasid = key,
				.vpn2 = va >> 21, .table = table,
				.fs_perm = perm });
		if (table_read(v, pe, table, fs_index(va, level), &e, f) ||
		    fs_entry_check(v, pe, e, level, &leaf, f))
			return f->reason;
		perm &= fs_entry_perm(e);
		if (leaf)
			break;
		table = e & VIOMMU_FS_ADDR_MASK;
	}
	/* the 4 KiB page of va: the leaf's, or its piece of a 2 MiB page */
	table = level == 2 ? (e & VIOMMU_FS_2M_ADDR_MASK) |
			     (va & ((1ull << 21) - 1) & ~(VIOMMU_PAGE_SIZE - 1ull)) :
			     e & VIOMMU_FS_ADDR_MASK;
	*out = (struct iotlb_entry){
		.type = pe->type,
		.domain = pe->domain,
		.pasid = key,
		.pfn = va >> VIOMMU_PAGE_SHIFT,
		.fs_perm = perm,
	};
	return fs_output(v, pe, table, out, f);
}

/* The first-stage checks of viommu.h, in its order; 0 or a reason. */
static uint32_t fs_access_check(const struct viommu *v, uint32_t flags,
				uint32_t perm, uint32_t access)
{
	bool priv = access & VIOMMU_ACC_PRIV;

	if (priv && !(flags & VIOMMU_FS_F_SRE))
		return VIOMMU_FR_PRIV_DENIED;
	if (!priv && !(perm & FSP_USER) &&
	    !viommu_fault(v, VIOMMU_FAULT_FS_USER_IGNORED))
		return VIOMMU_FR_USER_DENIED;
	if ((access & VIOMMU_ACC_WRITE) && !(perm & FSP_WRITE) &&
	    (!priv || (flags & VIOMMU_FS_F_WPE)) &&
	    !viommu_fault(v, VIOMMU_FAULT_FS_WRITE_IGNORED))
		return VIOMMU_FR_WRITE_DENIED;
	if ((access & VIOMMU_ACC_EXEC) && !(perm & FSP_EXEC))
		return VIOMMU_FR_EXEC_DENIED;
	return 0;
}

static uint32_t ss_access_check(const struct viommu *v,
				const struct iotlb_entry *e, uint32_t access,
				struct xlate_fault *f)
{
	uint64_t gpa = e->type == VIOMMU_PGTT_NESTED ?
		       e->gpa_pfn << VIOMMU_PAGE_SHIFT : 0;

	if (viommu_fault(v, VIOMMU_FAULT_PERM_IGNORED))
		return 0;
	if ((access & VIOMMU_ACC_WRITE) && !(e->prot & VIOMMU_PROT_WRITE))
		return fault_at(f, VIOMMU_FR_WRITE_DENIED, ss_stage(v), gpa);
	if (!(access & VIOMMU_ACC_WRITE) && !(e->prot & VIOMMU_PROT_READ))
		return fault_at(f, VIOMMU_FR_READ_DENIED, ss_stage(v), gpa);
	return 0;
}

uint32_t access_check(const struct viommu *v, const struct pasid_entry *pe,
		      const struct iotlb_entry *e, uint32_t access,
		      struct xlate_fault *f)
{
	uint32_t flags = pe->type == VIOMMU_PGTT_SECOND_STAGE ?
			 0 : pe->fs.flags;
	uint32_t reason;

	if (e->type != VIOMMU_PGTT_SECOND_STAGE) {
		reason = fs_access_check(v, flags, e->fs_perm, access);
		if (reason)
			return fault_at(f, reason, VIOMMU_STAGE_FIRST, 0);
		if (e->type == VIOMMU_PGTT_FIRST_STAGE)
			return 0;
	}
	return ss_access_check(v, e, access, f);
}
