// SPDX-License-Identifier: MIT
/*
 * Work a quiesced VDEV holds. A device in RUNNING_P2P may not initiate
 * peer-to-peer DMA, and one that cannot tell P2P DMA from any other must
 * stop all DMA (linux/vfio.h, the P2P quiescent state); yet its MMIO stays
 * open to peers, so a descriptor can still reach a portal. Such a
 * descriptor waits in its queue, and these clauses follow it: it completes
 * once when the VDEV is RUNNING again (VDCM.MIG.8), a full queue drops the
 * one beyond its depth (VDCM.MIG.9), a saved state carries it to the VDEV
 * it is restored into (VDCM.MIG.10), and a reset (VDCM.RESET.6) or a
 * release (VDCM.REL.6) drops it without ever running it.
 *
 * A device that runs a descriptor at once in RUNNING_P2P (it may, if it
 * can tell P2P DMA apart) holds nothing: VDCM.MIG.8 reports that, the
 * others skip.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "specs/enomem/walk.h"

#define NEEDS_HELD (NEEDS_ENGINE | SIOVH_FEAT_VDEV_MIGRATION)
#define SRC_P2P SRC_VFIO("enum vfio_device_mig_state (P2P quiescent state: " \
	"\"If the device can identify P2P transactions then it can stop " \
	"only P2P DMA, otherwise it must stop all DMA\")")
#define HIOVA 0xd00000ull
#define PATTERN 0x5a

/* The first type with portals and P2P migration, or SKIP. */
static const struct siovh_profile_type *p2p_type(struct siovh_check *check)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t i;

	for (i = 0; i < p->nr_types; i++)
		if (p->types[i].has_portal &&
		    (p->types[i].migration_flags & VFIO_MIGRATION_P2P))
			return &p->types[i];
	SKIP("no type of the profile has portals and P2P migration");
}

/* d (UUID n) up, queue 0 enabled, pages of zeroed memory at HIOVA whose
 * first 64 bytes (the source of every copy) are PATTERN. */
static void held_vdev(struct siovh_check *check,
		      const struct siovh_profile_type *ty, struct vd *d,
		      unsigned int n, struct dma_buf *b, uint64_t pages)
{
	vd_up(check, ty, d, n);
	q_enable(check, d, 0);
	dma_map(check, d, b, HIOVA, pages * PAGE_4K);
	memset(b->va, PATTERN, 64);
}

/* Did the 64-byte copy to dst (IOVA) with its record at cr happen? */
static bool copied(struct dma_buf *b, uint64_t dst, uint64_t cr)
{
	return b->va[dst - b->iova] == PATTERN ||
	       cr_at(b, cr)->status != SIOVDEV_CS_NONE;
}

/*
 * In RUNNING_P2P, copy the 64 source bytes to dst on queue 0, record at
 * cr, and expect it held; SKIP when the device ran it at once.
 */
static void submit_held(struct siovh_check *check, struct vd *d,
			struct dma_buf *b, uint64_t dst, uint64_t cr)
{
	struct siovdev_desc x;

	desc_copy(&x, HIOVA, dst, 64, cr, SIOVDEV_DF_COMPLETION, 0x4e1d);
	ASSERT_OK(desc_submit(d, 0, &x));
	if (copied(b, dst, cr))
		SKIP("the device ran a descriptor at once in RUNNING_P2P: its "
		     "queues hold nothing (VDCM.MIG.8 reports this)");
}

static int do_reset(struct vd *d)
{
	return d->t->vfio_device->ioctl(d->t, d->v, VFIO_DEVICE_RESET, NULL);
}

SIOVH_CLAUSE(held_p2p,
	.id = "VDCM.MIG.8", .level = SIOVH_SHOULD, .facet = "vdev",
	.title = "in RUNNING_P2P a descriptor written to a portal waits: no DMA, no completion record, no interrupt; back in RUNNING it completes, exactly once",
	.source = SRC_P2P,
	.needs = NEEDS_HELD)
{
	const struct siovh_profile_type *ty = p2p_type(check);
	const struct siovh_profile_reg *done = must_reg(check, ty, "q0_done");
	const uint64_t dst = HIOVA + 0x400, cr = HIOVA + 0xf00;
	struct siovdev_desc x;
	uint64_t done0;
	struct dma_buf b;
	int fds[2];
	struct vd d;

	held_vdev(check, ty, &d, 1, &b, 1);
	fds[0] = must_eventfd(check);
	fds[1] = must_eventfd(check);
	ASSERT_OK(irq_trigger(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, fds));
	done0 = reg_rd(check, &d, done);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL));
	desc_copy(&x, HIOVA, dst, 64, cr,
		  SIOVDEV_DF_COMPLETION | SIOVDEV_DF_INTERRUPT, 0x4e1d);
	ASSERT_OK(desc_submit(&d, 0, &x));
	EXPECT_FALSE(copied(&b, dst, cr));
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 0);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	EXPECT_EQ(b.va[dst - b.iova + 63], PATTERN);
	EXPECT_EQ(cr_at(&b, cr)->status, SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 1);
	EXPECT_EQ(reg_rd(check, &d, done), done0 + 1);
	/* Once: another round through RUNNING_P2P runs nothing again. */
	memset(cr_at(&b, cr), 0, SIOVDEV_CR_SIZE);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL));
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	EXPECT_EQ(cr_at(&b, cr)->status, SIOVDEV_CS_NONE);
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 0);
	EXPECT_EQ(reg_rd(check, &d, done), done0 + 1);
	vd_down(check, &d);
}

SIOVH_CLAUSE(held_depth,
	.id = "VDCM.MIG.9", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a held queue takes qdepth descriptors: the one written beyond is dropped and never runs, the others complete back in RUNNING",
	.source = "derived: a work queue of depth N holds N descriptors; a portal write is posted, so one that finds the queue full is dropped, and must not run later (" SRC_HW ")",
	.needs = NEEDS_HELD)
{
	const struct siovh_profile_type *ty = p2p_type(check);
	const struct siovh_profile_reg *qd = must_reg(check, ty, "qdepth");
	uint64_t depth, i, crs, dsts, pages;
	struct siovdev_desc x;
	struct dma_buf b;
	struct vd d;

	vd_up(check, ty, &d, 1);
	depth = reg_rd(check, &d, qd);
	if (!depth || depth > 4096)
		FAIL_FATAL("qdepth reads %llu, expected 1..4096",
		     (unsigned long long)depth);
	/* Records from page 1, fill destinations after them. */
	crs = HIOVA + PAGE_4K;
	dsts = crs + ((depth + 1) * SIOVDEV_CR_SIZE + PAGE_4K - 1) /
		     PAGE_4K * PAGE_4K;
	pages = (dsts - HIOVA) / PAGE_4K +
		((depth + 1) * 8 + PAGE_4K - 1) / PAGE_4K;
	q_enable(check, &d, 0);
	dma_map(check, &d, &b, HIOVA, pages * PAGE_4K);
	memset(b.va, PATTERN, 64);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL));
	submit_held(check, &d, &b, HIOVA + 0x400, crs);
	for (i = 1; i <= depth; i++) {
		desc_fill(&x, 0x0101010101010101ull * PATTERN, dsts + i * 8, 8,
			  crs + i * SIOVDEV_CR_SIZE, SIOVDEV_DF_COMPLETION, i);
		ASSERT_OK(desc_submit(&d, 0, &x));
	}
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	for (i = 0; i < depth; i++)
		if (cr_at(&b, crs + i * SIOVDEV_CR_SIZE)->status !=
		    SIOVDEV_CS_SUCCESS)
			FAIL("descriptor %llu of %llu held did not complete "
			     "(status %u)", (unsigned long long)i + 1,
			     (unsigned long long)depth,
			     cr_at(&b, crs + i * SIOVDEV_CR_SIZE)->status);
	EXPECT_EQ(cr_at(&b, crs + depth * SIOVDEV_CR_SIZE)->status,
		  SIOVDEV_CS_NONE);
	EXPECT_NE(b.va[dsts + depth * 8 - b.iova], PATTERN);
	vd_down(check, &d);
}

/*
 * A VDEV holding one descriptor (dst, cr) saved: its state read into blob
 * (1 MiB) from STOP_COPY; the stream's length. s stays up, in STOP_COPY.
 */
static ssize_t save_held(struct siovh_check *check,
			 const struct siovh_profile_type *ty, struct vd *s,
			 struct dma_buf *b, uint64_t dst, uint64_t cr,
			 uint8_t *blob)
{
	ssize_t len = 0, r;
	int fd = -1;

	held_vdev(check, ty, s, 1, b, 1);
	ASSERT_OK(mig_set(s, VFIO_DEVICE_STATE_RUNNING_P2P, NULL));
	submit_held(check, s, b, dst, cr);
	ASSERT_OK(mig_set(s, VFIO_DEVICE_STATE_STOP_COPY, &fd));
	ASSERT_GE(fd, 0);
	while ((r = read(fd, blob + len, (1 << 20) - len)) > 0)
		len += r;
	close(fd);
	ASSERT_GT(len, 0);
	return len;
}

SIOVH_CLAUSE(held_migrates,
	.id = "VDCM.MIG.10", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a descriptor held when the state is saved completes on the VDEV the state is restored into, once RUNNING, and never on the source, which drops it at release",
	.source = SRC_MIGRATION " (mediate for composing device state); " SRC_P2P,
	.needs = NEEDS_HELD)
{
	const struct siovh_profile_type *ty = p2p_type(check);
	const uint64_t dst = HIOVA + 0x400, cr = HIOVA + 0xf00;
	uint8_t *blob = malloc(1 << 20);
	struct dma_buf b, b2;
	ssize_t len;
	struct vd s, d;
	int fd = -1;

	ASSERT_TRUE(blob != NULL);
	len = save_held(check, ty, &s, &b, dst, cr, blob);
	EXPECT_FALSE(copied(&b, dst, cr));

	/* The destination: its own VDEV, guest memory at the same IOVA with
	 * the same contents (what RAM migration gives it). */
	vd_up(check, ty, &d, 2);
	dma_map(check, &d, &b2, HIOVA, PAGE_4K);
	memcpy(b2.va, b.va, PAGE_4K);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RESUMING, &fd));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, blob, len), len);
	close(fd);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
	EXPECT_FALSE(copied(&b2, dst, cr));
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	EXPECT_EQ(b2.va[dst - b2.iova + 63], PATTERN);
	EXPECT_EQ(cr_at(&b2, cr)->status, SIOVDEV_CS_SUCCESS);

	vd_down(check, &s);
	EXPECT_FALSE(copied(&b, dst, cr));
	vd_down(check, &d);
	free(blob);
}

SIOVH_CLAUSE(held_reset,
	.id = "VDCM.RESET.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_DEVICE_RESET drops what the held queues keep: it does not run during the reset, the ADIs hold nothing after it, and it never runs once the VDEV is RUNNING and working again",
	.source = SRC_LIFE("Reset") "; derived: a function level reset completes no pending request",
	.needs = NEEDS_HELD)
{
	const struct siovh_profile_type *ty = p2p_type(check);
	const uint64_t dst = HIOVA + 0x400, cr = HIOVA + 0xf00;
	struct siovh_vdev_probe vp;
	struct dma_buf b;
	uint32_t a;
	struct vd d;

	held_vdev(check, ty, &d, 1, &b, 1);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL));
	submit_held(check, &d, &b, dst, cr);
	ASSERT_OK(do_reset(&d));
	EXPECT_FALSE(copied(&b, dst, cr));
	vp = vdev_probe(check, &d);
	for (a = 0; a < vp.nr_adis; a++)
		if (adi_probe(check, vp.adis[a]).queued)
			FAIL("ADI %u still holds %u descriptors after the reset",
			     vp.adis[a], adi_probe(check, vp.adis[a]).queued);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	cfg_wr(check, &d, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, 2);
	q_enable(check, &d, 0);
	EXPECT_EQ(run_copy(check, &d, 0, &b, HIOVA, HIOVA + 0x800, 64,
			   HIOVA + 0xe00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_FALSE(copied(&b, dst, cr));
	vd_down(check, &d);
}

SIOVH_CLAUSE(held_release,
	.id = "VDCM.REL.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "release of a VDEV whose queues hold work does no DMA: the held descriptors never run",
	.source = SRC_LIFE("Release") " (invalidate the PASID in the ADI, then reset: no DMA with a stale PASID after close)",
	.needs = NEEDS_HELD)
{
	const struct siovh_profile_type *ty = p2p_type(check);
	const uint64_t dst = HIOVA + 0x400, cr = HIOVA + 0xf00;
	uint64_t mark[SIOVH_VDEV_MAX_ADIS];
	struct siovh_adi_event ev[256];
	struct siovh_vdev_probe vp;
	struct dma_buf b;
	uint32_t a;
	size_t n, i;
	struct vd d;

	held_vdev(check, ty, &d, 1, &b, 1);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL));
	submit_held(check, &d, &b, dst, cr);
	vp = vdev_probe(check, &d);
	for (a = 0; a < vp.nr_adis; a++) {
		n = adi_trace(check, vp.adis[a], ev, 256);
		mark[a] = n ? ev[n - 1].seq : 0;
	}
	ASSERT_OK(d.t->vfio_device->release(d.t, d.v));
	d.open = false;
	EXPECT_FALSE(copied(&b, dst, cr));
	for (a = 0; a < vp.nr_adis; a++) {
		n = adi_trace(check, vp.adis[a], ev, 256);
		for (i = 0; i < n; i++)
			if (ev[i].seq > mark[a] &&
			    ev[i].kind == SIOVH_ADI_EV_DMA)
				FAIL("ADI %u: DMA with PASID %u during release",
				     vp.adis[a], ev[i].arg);
	}
	vd_down(check, &d);
}

/* ---- VDCM.ENOMEM.4: loading held work runs out of memory ---- */

struct resume_ctx {
	struct vd d;
};

static int resume_call(struct siovh_check *check, void *ctx)
{
	(void)check;
	return mig_set(&((struct resume_ctx *)ctx)->d, VFIO_DEVICE_STATE_STOP,
		       NULL);
}

static void resume_same(struct siovh_check *check, void *ctx)
{
	uint32_t st = 0;

	ASSERT_OK(mig_get(&((struct resume_ctx *)ctx)->d, &st));
	EXPECT_EQ(st, VFIO_DEVICE_STATE_RESUMING);
}

SIOVH_CLAUSE(held_resume_enomem,
	.id = "VDCM.ENOMEM.4", .level = SIOVH_SHOULD, .facet = "vdev",
	.title = "RESUMING -> STOP of a state holding a descriptor whose memory allocation fails (each in turn) returns -ENOMEM, not a malformed-stream error, and stays in RESUMING with the stream written, so that a retry loads it: the descriptor then completes once RUNNING",
	.source = SRC_VFIO("VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (a failed arc leaves the original state or one on the path; the user may retry)") "; " SRC_P2P "; " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_HELD | NEEDS_FAIL_NTH)
{
	static const struct enomem_op resume_op = {
		"RESUMING -> STOP", resume_call, resume_same, NULL,
	};
	const struct siovh_profile_type *ty = p2p_type(check);
	const uint64_t dst = HIOVA + 0x400, cr = HIOVA + 0xf00;
	uint8_t *blob = malloc(1 << 20);
	struct resume_ctx c;
	struct dma_buf b, b2;
	ssize_t len;
	struct vd s;
	int fd = -1;

	ASSERT_TRUE(blob != NULL);
	len = save_held(check, ty, &s, &b, dst, cr, blob);
	vd_down(check, &s);

	vd_up(check, ty, &c.d, 2);
	dma_map(check, &c.d, &b2, HIOVA, PAGE_4K);
	memcpy(b2.va, b.va, PAGE_4K);
	ASSERT_OK(mig_set(&c.d, VFIO_DEVICE_STATE_RESUMING, &fd));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, blob, len), len);
	close(fd);
	enomem_walk(check, &resume_op, &c);
	EXPECT_FALSE(copied(&b2, dst, cr));
	ASSERT_OK(mig_set(&c.d, VFIO_DEVICE_STATE_RUNNING, NULL));
	EXPECT_EQ(b2.va[dst - b2.iova + 63], PATTERN);
	EXPECT_EQ(cr_at(&b2, cr)->status, SIOVDEV_CS_SUCCESS);
	vd_down(check, &c.d);
	free(blob);
}
