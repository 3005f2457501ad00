// SPDX-License-Identifier: MIT
/*
 * IOMMU_OPTION: the context's RLIMIT_MODE and an IOAS's HUGE_PAGES, each
 * read (OP_GET) or set (OP_SET). The reference pins and accounts nothing
 * and maps every page at 4 KiB, so both values are bookkeeping that the
 * user reads back. The rules are in iommufd.h ("OPTION").
 */
#include <errno.h>

#include "iommufd_internal.h"

/* Does ctx hold any object (RLIMIT_MODE may change only before)? */
static bool ctx_has_objects(const struct iommufd_ctx *ctx)
{
	uint32_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i])
			return true;
	return false;
}

/* Is op OP_SET or OP_GET? (Each option checks it after its object.) */
static bool op_known(struct iommufd_ctx *ctx, uint16_t op)
{
	return op == IOMMU_OPTION_OP_SET || op == IOMMU_OPTION_OP_GET ||
	       iommufd_fault(ctx, IOMMUFD_FAULT_OPTION_HDR_IGNORED);
}

/* RLIMIT_MODE: global (object_id 0); 0 per-user, 1 per-process. */
static int option_rlimit_mode(struct iommufd_ctx *ctx,
			      struct iommu_option *cmd)
{
	if (cmd->object_id &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_OPTION_RLIMIT_OBJECT))
		return -EOPNOTSUPP;
	if (!op_known(ctx, cmd->op))
		return -EOPNOTSUPP;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = ctx->account_mm;
		return 0;
	}
	/* as Linux: the accounting of live objects is not switched under
	 * them */
	if (ctx_has_objects(ctx))
		return -EBUSY;
	if (cmd->val64 > 1 &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_OPTION_RLIMIT_ANY_VALUE))
		return -EINVAL;
	ctx->account_mm = cmd->val64 != 0;
	return 0;
}

/* HUGE_PAGES of the IOAS object_id: 1 (default) combines pages. */
static int option_huge_pages(struct iommufd_ctx *ctx,
			     struct iommu_option *cmd)
{
	struct iommufd_ioas *ioas = iommufd_get_ioas(ctx, cmd->object_id);

	if (!ioas)
		return -ENOENT;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_OPTION_HUGE_SHARED) &&
	    iommufd_get_ioas(ctx, 1))
		ioas = iommufd_get_ioas(ctx, 1);  /* the bug: object 1's */
	if (!op_known(ctx, cmd->op))
		return -EOPNOTSUPP;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = !ioas->no_huge_pages;
		return 0;
	}
	if (cmd->val64 > 1)
		return -EINVAL;
	if (!cmd->val64)
		return iommufd_ioas_disable_huge_pages(ctx, ioas);
	ioas->no_huge_pages = false;
	return 0;
}

int iommufd_option(struct iommufd_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	struct iommufd_ctx *ctx = ucmd->ctx;
	int ret;

	if (cmd->__reserved &&
	    !iommufd_fault(ctx, IOMMUFD_FAULT_OPTION_HDR_IGNORED))
		return -EOPNOTSUPP;
	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		ret = option_rlimit_mode(ctx, cmd);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		ret = option_huge_pages(ctx, cmd);
		break;
	default:
		return -EOPNOTSUPP;
	}
	ucmd->respond = !ret;
	return ret;
}
