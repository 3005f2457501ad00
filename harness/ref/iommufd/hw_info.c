// SPDX-License-Identifier: MIT
/*
 * IOMMU_GET_HW_INFO: the VT-d capability and extended capability
 * registers of the IOMMU behind a bound device, synthesized from the
 * reference IOMMU's configuration (VT-d spec 11.4.2 and 11.4.3), so that
 * a VMM can shape its virtual IOMMU after it (seed 004, "capability
 * exposure"). The rules are in iommufd.h ("GET_HW_INFO").
 */
#include <errno.h>
#include <string.h>

#include "harness/ref/viommu/viommu.h"
#include "iommufd_internal.h"

/* The register bits the reference sets; VT-d spec field names. */
#define CAP_ND(x)	((uint64_t)(x) << 0)	/* 2^(4 + 2 ND) domain IDs */
#define CAP_SAGAW_4L	(1ull << 10)		/* 4-level second stage */
#define CAP_MGAW(x)	((uint64_t)((x) - 1) << 16)
#define CAP_FL5LP	(1ull << 60)		/* first-stage 5-level */
#define ECAP_QI		(1ull << 1)
#define ECAP_DT		(1ull << 2)
#define ECAP_NEST	(1ull << 26)
#define ECAP_PRS	(1ull << 29)
#define ECAP_SRS	(1ull << 31)
#define ECAP_PSS(x)	((uint64_t)((x) - 1) << 35)
#define ECAP_PASID	(1ull << 40)
#define ECAP_SMTS	(1ull << 43)
#define ECAP_SLTS	(1ull << 46)
#define ECAP_FLTS	(1ull << 47)

void iommufd_vtd_regs(const struct viommu_config *cfg,
		      struct iommu_hw_info_vtd *vtd)
{
	uint32_t nd = 0;

	while (nd < 6 && (1u << (4 + 2 * (nd + 1))) <= cfg->max_domains + 1)
		nd++;
	memset(vtd, 0, sizeof(*vtd));
	vtd->cap_reg = CAP_ND(nd) | CAP_SAGAW_4L | CAP_MGAW(cfg->addr_width) |
		       (cfg->fs_addr_width >= 57 ? CAP_FL5LP : 0);
	vtd->ecap_reg = ECAP_QI | ECAP_DT | ECAP_NEST | ECAP_PRS | ECAP_SRS |
			ECAP_PSS(cfg->pasid_bits) | ECAP_PASID | ECAP_SMTS |
			ECAP_SLTS | ECAP_FLTS;
}

int iommufd_get_hw_info(struct iommufd_ucmd *ucmd)
{
	struct iommu_hw_info *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	const struct viommu_config *cfg;
	struct iommu_hw_info_vtd vtd;
	uint32_t len = sizeof(vtd);
	unsigned char *p;

	if ((cmd->flags || cmd->__reserved[0] || cmd->__reserved[1] ||
	     cmd->__reserved[2]) &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_HWINFO_FLAGS_IGNORED))
		return -EOPNOTSUPP;
	if (!ctx->plat.iommu || !iommufd_get_device(ctx, cmd->dev_id))
		return -ENOENT;
	if (cmd->data_len && !cmd->data_uptr)
		return -EFAULT;
	cfg = viommu_get_config(ctx->plat.iommu);
	iommufd_vtd_regs(cfg, &vtd);
	p = (void *)(uintptr_t)cmd->data_uptr;
	if (cmd->data_len) {
		memcpy(p, &vtd, cmd->data_len < len ? cmd->data_len : len);
		if (cmd->data_len > len &&
		    !iommufd_fault(ctx, IOMMUFD_FAULT_HWINFO_NO_ZERO))
			memset(p + len, 0, cmd->data_len - len);
	}
	cmd->data_len = len;
	cmd->out_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	cmd->out_max_pasid_log2 = iommufd_fault(ctx, IOMMUFD_FAULT_HWINFO_NO_PASID) ?
				   0 : (uint8_t)cfg->pasid_bits;
	cmd->out_capabilities =
		ctx->plat.dirty_tracking &&
		!iommufd_fault(ctx, IOMMUFD_FAULT_DIRTY_NO_CAP) ?
		IOMMU_HW_CAP_DIRTY_TRACKING : 0;
	ucmd->respond = true;
	return 0;
}
