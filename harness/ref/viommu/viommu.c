/* SPDX-License-Identifier: MIT */
/*
 * The reference IOMMU instance: configuration, life cycle, the
 * invalidation interface, the fault log and the counters. The tables,
 * caches, domains and DMA live in their own files (viommu_internal.h).
 */
#include <errno.h>
#include <stdlib.h>

#include "harness/ref/alloc/alloc.h"
#include "viommu_internal.h"

void viommu_config_default(struct viommu_config *cfg)
{
	*cfg = (struct viommu_config){
		.pasid_bits = 20,
		.addr_width = 48,
		.iotlb_entries = 64,
		.fault_depth = 64,
		.max_domains = 1024,
		.pasid_cache_entries = 16,
		.fs_addr_width = 57,
		.psc_entries = 16,
		.prq_depth = 32,
	};
}

static bool config_valid(const struct viommu_config *cfg)
{
	return cfg->pasid_bits >= 1 && cfg->pasid_bits <= 20 &&
	       cfg->addr_width >= 12 && cfg->addr_width <= 48 &&
	       cfg->iotlb_entries >= 1 && cfg->iotlb_entries <= 65536 &&
	       cfg->fault_depth >= 1 && cfg->fault_depth <= 65536 &&
	       cfg->max_domains >= 1 && cfg->max_domains <= 65535 &&
	       cfg->pasid_cache_entries >= 1 &&
	       cfg->pasid_cache_entries <= 65536 &&
	       (cfg->fs_addr_width == 48 || cfg->fs_addr_width == 57) &&
	       cfg->psc_entries >= 1 && cfg->psc_entries <= 65536 &&
	       cfg->prq_depth >= 1 && cfg->prq_depth <= 65536;
}

struct viommu *viommu_create(const struct viommu_config *cfg, int fault)
{
	struct viommu *v;

	if (!cfg || !config_valid(cfg) || fault < 0 ||
	    fault >= VIOMMU_FAULT_COUNT) {
		errno = EINVAL;
		return NULL;
	}
	v = ref_calloc(1, sizeof(*v));
	if (!v)
		goto err;
	v->cfg = *cfg;
	v->fault = (enum viommu_fault)fault;
	v->domains = ref_calloc(cfg->max_domains, sizeof(*v->domains));
	if (!v->domains)
		goto err_free;
	v->faults = ref_calloc(cfg->fault_depth, sizeof(*v->faults));
	if (!v->faults)
		goto err_domains;
	if (caches_init(v))
		goto err_faults;
	if (prq_init(v))
		goto err_caches;
	return v;

err_caches:
	caches_destroy(v);
err_faults:
	free(v->faults);
err_domains:
	free(v->domains);
err_free:
	free(v);
err:
	errno = ENOMEM;
	return NULL;
}

void viommu_destroy(struct viommu *v)
{
	uint32_t i;

	if (!v)
		return;
	for (i = 0; i < v->cfg.max_domains; i++) {
		if (v->domains[i]) {
			pt_destroy(&v->domains[i]->pt);
			free(v->domains[i]);
		}
	}
	root_table_destroy(&v->root);
	prq_destroy(v);
	caches_destroy(v);
	free(v->faults);
	free(v->domains);
	free(v);
}

const struct viommu_config *viommu_get_config(const struct viommu *v)
{
	return &v->cfg;
}

/* The address width an ADDR request is checked against (viommu.h). */
static uint32_t inv_addr_width(const struct viommu *v,
			       const struct viommu_inv *inv)
{
	uint32_t width = v->cfg.addr_width;

	if ((inv->flags & VIOMMU_INV_F_PASID) && v->cfg.fs_addr_width > width)
		width = v->cfg.fs_addr_width;
	return width;
}

/* The checks a hardware invalidation queue makes of a descriptor. */
static int inv_check(const struct viommu *v, const struct viommu_inv *inv)
{
	uint32_t width = inv_addr_width(v, inv);
	uint32_t max_order = width - VIOMMU_PAGE_SHIFT;
	uint64_t align;

	if (inv->flags & ~(VIOMMU_INV_F_PASID | VIOMMU_INV_F_LEAF))
		return -EINVAL;
	switch (inv->cache) {
	case VIOMMU_CACHE_IOTLB:
	case VIOMMU_CACHE_PASID:
		break;
	default:
		return -EINVAL;
	}
	switch (inv->granularity) {
	case VIOMMU_INV_GLOBAL:
	case VIOMMU_INV_DOMAIN:
	case VIOMMU_INV_PASID:
		return 0;
	case VIOMMU_INV_ADDR:
		break;
	default:
		return -EINVAL;
	}
	if (viommu_fault(v, VIOMMU_FAULT_INV_ORDER_OFF_BY_ONE))
		max_order++;
	if (inv->cache == VIOMMU_CACHE_PASID || inv->size_order > max_order)
		return -EINVAL;
	align = 1ull << (inv->size_order + VIOMMU_PAGE_SHIFT);
	if (inv->addr & (align - 1) || inv->addr >> width)
		return -EINVAL;
	return 0;
}

int viommu_invalidate(struct viommu *v, const struct viommu_inv *inv)
{
	int ret = inv_check(v, inv);

	if (ret)
		return ret;
	caches_invalidate(v, inv);
	return 0;
}

int viommu_fault_pop(struct viommu *v, struct viommu_fault_record *out)
{
	if (!v->fault_count)
		return -ENOENT;
	*out = v->faults[v->fault_head];
	v->fault_head = (v->fault_head + 1) % v->cfg.fault_depth;
	v->fault_count--;
	return 0;
}

uint32_t viommu_fault_count(const struct viommu *v)
{
	return v->fault_count;
}

void viommu_get_stats(const struct viommu *v, struct viommu_stats *out)
{
	*out = v->stats;
}

const char *viommu_fault_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[VIOMMU_FR_NO_CONTEXT] = "no-context",
		[VIOMMU_FR_PASID_RANGE] = "pasid-range",
		[VIOMMU_FR_NO_PASID_ENTRY] = "no-pasid-entry",
		[VIOMMU_FR_ADDR_RANGE] = "addr-range",
		[VIOMMU_FR_NOT_PRESENT] = "not-present",
		[VIOMMU_FR_READ_DENIED] = "read-denied",
		[VIOMMU_FR_WRITE_DENIED] = "write-denied",
		[VIOMMU_FR_USER_DENIED] = "user-denied",
		[VIOMMU_FR_EXEC_DENIED] = "exec-denied",
		[VIOMMU_FR_PRIV_DENIED] = "priv-denied",
		[VIOMMU_FR_FS_RESERVED] = "fs-reserved",
	};

	if (reason >= sizeof(names) / sizeof(names[0]) || !names[reason])
		return "?";
	return names[reason];
}
