// SPDX-License-Identifier: MIT
/*
 * The parent's ADI portals as a VDEV shows them: each queue's portal is a
 * page of the fast-path BAR that the VDCM maps straight to the ADI. A
 * portal is a write-only submission register; software that reads one
 * through the device fd (a VMM that does not mmap the fast path, a debug
 * dump) must not submit anything by doing so, and the read obeys the
 * command register's MEMORY bit like every BAR access. A write submits
 * exactly one whole descriptor (64 bytes at a 64-byte boundary, as
 * MOVDIR64B does): anything else is refused, never padded or split.
 */
#include <string.h>

#include "engine.h"

#define PIOVA	0xc00000ull

/* The newest event sequence number of each ADI of the VDEV. */
static void trace_marks(struct siovh_check *check,
			const struct siovh_vdev_probe *vp, uint64_t *mark)
{
	struct siovh_adi_event ev[256];
	uint32_t a;
	size_t n;

	for (a = 0; a < vp->nr_adis; a++) {
		n = adi_trace(check, vp->adis[a], ev, 256);
		mark[a] = n ? ev[n - 1].seq : 0;
	}
}

/*
 * A VDEV of type ty with queue 0 enabled and a page mapped at PIOVA: what
 * each clause here submits through. Returns queue 0's DONE register.
 */
static const struct siovh_profile_reg *
portal_up(struct siovh_check *check, const struct siovh_profile_type *ty,
	  struct vd *d, struct dma_buf *b)
{
	const struct siovh_profile_reg *done;

	must_portal(check, ty);
	done = must_reg(check, ty, "q0_done");
	vd_up(check, ty, d, 1);
	q_enable(check, d, 0);
	dma_map(check, d, b, PIOVA, PAGE_4K);
	return done;
}

SIOVH_CLAUSE(portal_read,
	.id = "VDCM.BAR.7", .level = SIOVH_MUST, .facet = "vdev",
	.title = "reading a queue's portal (fast path) through the device fd submits nothing and changes no ADI; with the command register's MEMORY bit clear the read fails with -EIO",
	.source = SRC_DESIGN " (Fast path: e.g. work submission interface); derived: a portal is a write-only submission register, and memory space disabled makes BAR accesses unsupported requests (PCI command register)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	uint64_t before[SIOVH_VDEV_MAX_ADIS], after[SIOVH_VDEV_MAX_ADIS];
	const struct siovh_profile_reg *done;
	struct siovh_vdev_probe vp;
	uint64_t v8, off, done0;
	struct dma_buf b;
	uint32_t q, a, v4;
	struct vd d;

	done = portal_up(check, ty, &d, &b);
	vp = vdev_probe(check, &d);
	trace_marks(check, &vp, before);
	done0 = reg_rd(check, &d, done);

	/* The first and the last quadword of every ADI's 64-byte portal. */
	for (q = 0; q < ty->adis; q++) {
		off = ty->portal_offset + q * ty->portal_stride;
		EXPECT_OK(vd_read(&d, ty->portal_region, off, &v4, 4));
		EXPECT_OK(vd_read(&d, ty->portal_region,
				  off + SIOVDEV_DESC_SIZE - 8, &v8, 8));
		if (!q)
			siovh_note(check, "portal 0 reads %#x (4 bytes), "
				   "%#llx (8 bytes)", v4,
				   (unsigned long long)v8);
	}
	trace_marks(check, &vp, after);
	for (a = 0; a < vp.nr_adis; a++) {
		if (after[a] != before[a])
			FAIL("ADI %u logged %llu events during portal reads",
			     vp.adis[a],
			     (unsigned long long)(after[a] - before[a]));
		if (adi_probe(check, vp.adis[a]).queued)
			FAIL("ADI %u holds a descriptor after portal reads",
			     vp.adis[a]);
	}
	EXPECT_EQ(reg_rd(check, &d, done), done0);

	/* The queue works as before: one copy, one completion. */
	EXPECT_EQ(run_copy(check, &d, 0, &b, PIOVA, PIOVA + 0x400, 64,
			   PIOVA + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(reg_rd(check, &d, done), done0 + 1);

	cfg_wr(check, &d, CFG_COMMAND, CMD_MASTER, 2);
	EXPECT_ERRNO(vd_read(&d, ty->portal_region, ty->portal_offset, &v4, 4),
		     -EIO);
	cfg_wr(check, &d, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, 2);
	vd_down(check, &d);
}

SIOVH_CLAUSE(portal_write_shape,
	.id = "VDCM.BAR.8", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a portal write through the device fd that is not one whole 64-byte descriptor at a 64-byte boundary (half a descriptor, two at once, or one 8 bytes off) fails with -EINVAL and runs nothing; the queue works afterwards",
	.source = SRC_DESIGN " (Fast path: e.g. work submission interface); harness/ref/siovdev/siovdev.h \"BAR2: ADI portals\" (a 64-byte, 64-byte-aligned write submits one descriptor, like MOVDIR64B; other accesses are -EINVAL)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	const uint64_t src = PIOVA, dst = PIOVA + 0x400, cr = PIOVA + 0xf00;
	const struct siovh_profile_reg *done;
	struct siovdev_desc x[2];
	uint64_t off, done0;
	struct dma_buf b;
	struct vd d;

	done = portal_up(check, ty, &d, &b);
	memset(b.va, 0x6d, 64);
	memset(b.va + 0x400, 0, 64);
	memset(cr_at(&b, cr), 0, SIOVDEV_CR_SIZE);
	desc_copy(&x[0], src, dst, 64, cr, SIOVDEV_DF_COMPLETION, 0x7b01);
	desc_copy(&x[1], src, dst, 64, cr, SIOVDEV_DF_COMPLETION, 0x7b02);
	off = ty->portal_offset;
	done0 = reg_rd(check, &d, done);

	/* The first 32 bytes name opcode, size, completion, source and
	 * destination: a device that took them would copy. */
	EXPECT_ERRNO(vd_write(&d, ty->portal_region, off, &x[0],
			      SIOVDEV_DESC_SIZE / 2), -EINVAL);
	EXPECT_ERRNO(vd_write(&d, ty->portal_region, off, x,
			      2 * SIOVDEV_DESC_SIZE), -EINVAL);
	EXPECT_ERRNO(vd_write(&d, ty->portal_region, off + 8, &x[0],
			      SIOVDEV_DESC_SIZE), -EINVAL);
	EXPECT_EQ(b.va[0x400], 0);
	EXPECT_EQ(cr_at(&b, cr)->status, 0);
	EXPECT_EQ(reg_rd(check, &d, done), done0);

	EXPECT_EQ(run_copy(check, &d, 0, &b, src, dst, 64, cr, 0),
		  SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[0x400], 0x6d);
	EXPECT_EQ(reg_rd(check, &d, done), done0 + 1);
	vd_down(check, &d);
}

SIOVH_CLAUSE(portal_parent_memory_off,
	.id = "VDCM.BAR.9", .level = SIOVH_MUST, .facet = "vdev",
	.title = "while the parent's Memory Space Enable (COMMAND bit 1) is clear, a descriptor written to a VDEV's portal runs nothing, then or later: no data, no completion record, no queue count, no ADI holds it; once set again the next descriptor runs",
	.source = "PCI Local Bus 3.0, 6.2.2 Command register (bit 1, Memory Space: 0 disables the function's response to memory space accesses); " SRC_DESIGN " (Fast path: the VDEV's portal is the parent's ADI portal, a page of its BAR)",
	.needs = NEEDS_ENGINE | NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	const uint64_t src = PIOVA, cr0 = PIOVA + 0xe00, cr1 = PIOVA + 0xf00;
	const struct siovh_profile_reg *done;
	struct siovh_vdev_probe vp;
	struct siovdev_desc x;
	uint64_t done0;
	struct dma_buf b;
	uint32_t cmd, a;
	struct vd d;
	int ret;

	done = portal_up(check, ty, &d, &b);
	memset(b.va, 0x4d, 64);
	memset(b.va + 0x400, 0, 0x200);
	memset(cr_at(&b, cr0), 0, SIOVDEV_CR_SIZE);
	memset(cr_at(&b, cr1), 0, SIOVDEV_CR_SIZE);
	done0 = reg_rd(check, &d, done);
	vp = vdev_probe(check, &d);

	cmd = pcfg_rd(check, CFG_COMMAND, 2);
	ASSERT_TRUE(cmd & CMD_MEMORY);	/* the VDCM's parent decodes */
	pcfg_wr(check, CFG_COMMAND, cmd & ~CMD_MEMORY, 2);
	desc_copy(&x, src, PIOVA + 0x400, 64, cr0, SIOVDEV_DF_COMPLETION,
		  0x7c01);
	ret = desc_submit(&d, 0, &x);
	siovh_note(check, "the portal write with the parent's memory space "
		   "off returned %d", ret);
	EXPECT_EQ(b.va[0x400], 0);
	EXPECT_EQ(cr_at(&b, cr0)->status, SIOVDEV_CS_NONE);

	/* Decode back on (the ADIs' own state is behind the parent's BARs,
	 * on a real endpoint): the descriptor is not waiting anywhere. */
	pcfg_wr(check, CFG_COMMAND, cmd, 2);
	for (a = 0; a < vp.nr_adis; a++)
		if (adi_probe(check, vp.adis[a]).queued)
			FAIL("ADI %u holds the descriptor written while the "
			     "parent's memory space was off", vp.adis[a]);
	EXPECT_EQ(reg_rd(check, &d, done), done0);
	EXPECT_EQ(b.va[0x400], 0);
	EXPECT_EQ(cr_at(&b, cr0)->status, SIOVDEV_CS_NONE);
	EXPECT_EQ(run_copy(check, &d, 0, &b, src, PIOVA + 0x500, 64, cr1, 0),
		  SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[0x500], 0x4d);
	EXPECT_EQ(b.va[0x400], 0);
	EXPECT_EQ(cr_at(&b, cr0)->status, SIOVDEV_CS_NONE);
	EXPECT_EQ(reg_rd(check, &d, done), done0 + 1);
	vd_down(check, &d);
}
