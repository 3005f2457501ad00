// SPDX-License-Identifier: MIT
/*
 * Descriptor and register-protocol helpers; see engine.h.
 */
#include <string.h>

#include "engine.h"

void must_portal(struct siovh_check *check, const struct siovh_profile_type *ty)
{
	if (!ty->has_portal)
		SKIP("type %s of the profile has no \"portal\"", ty->name);
	must_reg(check, ty, "q0_ctrl");
	must_reg(check, ty, "q0_status");
}

void q_enable(struct siovh_check *check, struct vd *d, uint32_t q)
{
	reg_wr(check, d, must_reg(check, d->ty, "q%u_ctrl", q), QCTRL_ENABLE);
	ASSERT_EQ(reg_rd(check, d, must_reg(check, d->ty, "q%u_status", q)) &
		  (QSTS_ENABLED | QSTS_ERROR), QSTS_ENABLED);
}

int desc_submit(struct vd *d, uint32_t q, const struct siovdev_desc *desc)
{
	return vd_write(d, d->ty->portal_region,
			d->ty->portal_offset + q * d->ty->portal_stride, desc,
			SIOVDEV_DESC_SIZE);
}

void desc_copy(struct siovdev_desc *x, uint64_t src, uint64_t dst,
	       uint32_t size, uint64_t cr, uint8_t flags, uint64_t tag)
{
	memset(x, 0, sizeof(*x));
	x->opcode = SIOVDEV_OP_MEMCOPY;
	x->flags = flags;
	x->size = size;
	x->completion = cr;
	x->src = src;
	x->dst = dst;
	x->tag = tag;
}

void desc_fill(struct siovdev_desc *x, uint64_t pattern, uint64_t dst,
	       uint32_t size, uint64_t cr, uint8_t flags, uint64_t tag)
{
	desc_copy(x, pattern, dst, size, cr, flags, tag);
	x->opcode = SIOVDEV_OP_MEMFILL;
}

struct siovdev_completion *cr_at(struct dma_buf *b, uint64_t cr)
{
	return (struct siovdev_completion *)(b->va + (cr - b->iova));
}

uint8_t run_copy(struct siovh_check *check, struct vd *d, uint32_t q,
		 struct dma_buf *b, uint64_t src, uint64_t dst, uint32_t size,
		 uint64_t cr, uint8_t flags)
{
	struct siovdev_desc x;

	memset(cr_at(b, cr), 0, SIOVDEV_CR_SIZE);
	desc_copy(&x, src, dst, size, cr, SIOVDEV_DF_COMPLETION | flags,
		  0x7a6);
	ASSERT_OK(desc_submit(d, q, &x));
	return cr_at(b, cr)->status;
}

uint32_t mbox(struct siovh_check *check, struct vd *d, uint32_t cmd,
	      uint32_t arg, uint32_t *resp)
{
	const struct siovh_profile_type *ty = d->ty;

	if (!ty->has_mailbox)
		SKIP("type %s of the profile has no mailbox", ty->name);
	reg_wr(check, d, must_reg(check, ty, "mbox_cmd"), cmd);
	reg_wr(check, d, must_reg(check, ty, "mbox_arg"), arg);
	reg_wr(check, d, must_reg(check, ty, "mbox_doorbell"), 1);
	if (resp)
		*resp = (uint32_t)reg_rd(check, d,
					 must_reg(check, ty, "mbox_resp"));
	return (uint32_t)reg_rd(check, d, must_reg(check, ty, "mbox_status"));
}
