// SPDX-License-Identifier: MIT
/*
 * VDCM.RESET and VDCM.REL: VDEV reset (VFIO_DEVICE_RESET) returns virtual
 * config and registers to their defaults and quiesces ADIs and interrupts;
 * release follows the seed's order - invalidate the PASID in the ADI, reset
 * the VDEV, clean up - so no DMA with a stale PASID is possible after close
 * (seed 000, "VDEV lifecycle management with VDCM", Reset and Release).
 */
#include <string.h>

#include "engine.h"

static int do_reset(struct vd *d)
{
	return d->t->vfio_device->ioctl(d->t, d->v, VFIO_DEVICE_RESET, NULL);
}

/*
 * VFIO_DEVICE_RESET, which must succeed on a device that advertises
 * VFIO_DEVICE_FLAGS_RESET ("Device supports reset", vfio.h; the profile's
 * device flags are exact, VDCM.REGION.1). One that does not advertise it
 * may refuse: the check then skips, naming the errno (QEMU's edu through
 * vfio-pci: no FLR, no PM reset, nothing above it to reset its bus). One
 * that refuses nothing is judged like the others (mtty resets without
 * advertising it).
 */
static void reset_or_skip(struct siovh_check *check, struct vd *d)
{
	int ret = do_reset(d);

	if (ret && !(d->ty->device_flags & VFIO_DEVICE_FLAGS_RESET))
		SKIP("the device does not advertise VFIO_DEVICE_FLAGS_RESET "
		     "(profile %s) and refuses VFIO_DEVICE_RESET (%d): no "
		     "reset to judge", d->ty->name, ret);
	ASSERT_OK(ret);
}

SIOVH_CLAUSE(reset_command,
	.id = "VDCM.RESET.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_DEVICE_RESET returns the virtual command register to 0 (memory and bus master off)",
	.source = SRC_LIFE("Reset"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	ASSERT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & CMD_MEMORY, CMD_MEMORY);
	reset_or_skip(check, &d);
	if (d.ty->cfg_passthrough)
		SKIP("type %s passes its function's config space through "
		     "(profile config.passthrough): the reset succeeded, and the "
		     "command register is the function's, which vfio-pci saves "
		     "and restores around it (pci_try_reset_function); the rule "
		     "is a VDEV's (the seed's reset of a virtual config space)",
		     d.ty->name);
	EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & (CMD_MEMORY | CMD_MASTER),
		  0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(reset_regs,
	.id = "VDCM.RESET.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "after registers are written, VFIO_DEVICE_RESET returns every profile register to its reset value",
	.source = SRC_LIFE("Reset"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_reg *g;
	uint32_t i, k, v;
	struct vd d;

	for (i = 0; i < p->nr_types; i++) {
		vd_up(check, &p->types[i], &d, 1 + i);
		for (k = 0; k < d.ty->nr_regs; k++) {
			g = &d.ty->regs[k];
			if (!g->side_effects && g->writable)
				reg_wr(check, &d, g, ~g->reset & g->writable);
		}
		for (k = 0; k < d.ty->adis; k++) {
			g = must_reg(check, d.ty, "q%u_vector", k);
			v = k ? 1 : d.ty->adis;	/* another valid vector */
			reg_wr(check, &d, g, v);
		}
		reset_or_skip(check, &d);
		cfg_wr(check, &d, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, 2);
		for (k = 0; k < d.ty->nr_regs; k++) {
			g = &d.ty->regs[k];
			if (reg_rd(check, &d, g) != g->reset)
				FAIL("%s register %s reads %#llx after reset, "
				     "expected %#llx", d.ty->name, g->name,
				     (unsigned long long)reg_rd(check, &d, g),
				     (unsigned long long)g->reset);
		}
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(reset_quiesce,
	.id = "VDCM.RESET.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "reset quiesces the VDEV's ADIs: every enabled queue is disabled (hardware and virtual status) and each ADI logs a RESET",
	.source = SRC_LIFE("Reset"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	struct siovh_adi_event ev[256];
	struct siovh_vdev_probe vp;
	uint64_t mark = 0;
	uint32_t q, a;
	size_t n, i;
	bool reset;
	struct vd d;

	must_portal(check, ty);
	vd_up(check, ty, &d, 1);
	for (q = 0; q < ty->adis; q++)
		q_enable(check, &d, q);
	vp = vdev_probe(check, &d);
	for (a = 0; a < vp.nr_adis; a++) {
		ASSERT_EQ(adi_probe(check, vp.adis[a]).enabled, 1);
		n = adi_trace(check, vp.adis[a], ev, 256);
		if (n && ev[n - 1].seq > mark)
			mark = ev[n - 1].seq;
	}
	reset_or_skip(check, &d);
	for (a = 0; a < vp.nr_adis; a++) {
		EXPECT_EQ(adi_probe(check, vp.adis[a]).enabled, 0);
		n = adi_trace(check, vp.adis[a], ev, 256);
		reset = false;
		for (i = 0; i < n; i++)
			if (ev[i].seq > mark && ev[i].kind == SIOVH_ADI_EV_RESET)
				reset = true;
		if (!reset)
			FAIL("ADI %u logged no RESET during VFIO_DEVICE_RESET",
			     vp.adis[a]);
	}
	cfg_wr(check, &d, CFG_COMMAND, CMD_MEMORY, 2);
	for (q = 0; q < ty->adis; q++)
		EXPECT_EQ(reg_rd(check, &d, must_reg(check, ty, "q%u_status",
						     q)) & QSTS_ENABLED, 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(reset_ims,
	.id = "VDCM.RESET.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "reset masks the IMS entries of the VDEV's ADIs again, as they were before the guest armed its interrupts",
	.source = SRC_LIFE("Reset"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	uint32_t masked[SIOVH_VDEV_MAX_ADIS], a, q, n;
	struct siovh_vdev_probe vp;
	int fds[17];
	struct vd d;

	must_portal(check, ty);
	vd_up(check, ty, &d, 1);
	vp = vdev_probe(check, &d);
	for (a = 0; a < vp.nr_adis; a++)
		masked[a] = adi_probe(check, vp.adis[a]).ims_masked;
	n = ty->adis + 1 < 17 ? ty->adis + 1 : 17;
	for (q = 0; q < n; q++)
		fds[q] = must_eventfd(check);
	ASSERT_OK(irq_trigger(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, n, fds));
	for (q = 0; q < ty->adis; q++)
		q_enable(check, &d, q);
	reset_or_skip(check, &d);
	for (a = 0; a < vp.nr_adis; a++) {
		uint32_t now = adi_probe(check, vp.adis[a]).ims_masked;

		if ((now & masked[a]) != masked[a])
			FAIL("ADI %u: IMS mask bits %#x after reset, expected "
			     "at least %#x (as after open)", vp.adis[a], now,
			     masked[a]);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(reset_keeps_domain,
	.id = "VDCM.RESET.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "reset keeps the assignment: ADIs get the default PASID again and DMA through existing mappings works",
	.source = SRC_LIFE("Reset"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	struct siovh_vdev_probe vp;
	struct siovh_adi_probe ap;
	struct dma_buf b;
	struct vd d;

	must_portal(check, ty);
	vd_up(check, ty, &d, 1);
	dma_map(check, &d, &b, 0x200000, PAGE_4K);
	reset_or_skip(check, &d);
	vp = vdev_probe(check, &d);
	ap = adi_probe(check, vp.adis[0]);
	EXPECT_EQ(ap.pasid_valid, 1);
	EXPECT_EQ(ap.pasid, vp.default_pasid);
	cfg_wr(check, &d, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, 2);
	q_enable(check, &d, 0);
	memset(b.va, 0x3c, 64);
	EXPECT_EQ(run_copy(check, &d, 0, &b, b.iova, b.iova + 0x400, 64,
			   b.iova + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(b.va[0x400 + 63], 0x3c);
	vd_down(check, &d);
}

/* --- release ------------------------------------------------------------- */

/* The events of the ADI after seq mark, into out; returns how many. */
static size_t events_after(struct siovh_check *check, uint32_t adi,
			   uint64_t mark, struct siovh_adi_event *out)
{
	struct siovh_adi_event ev[256];
	size_t n = adi_trace(check, adi, ev, 256), i, m = 0;

	for (i = 0; i < n; i++)
		if (ev[i].seq > mark)
			out[m++] = ev[i];
	return m;
}

static uint64_t last_seq(struct siovh_check *check, uint32_t adi)
{
	struct siovh_adi_event ev[256];
	size_t n = adi_trace(check, adi, ev, 256);

	return n ? ev[n - 1].seq : 0;
}

/* Release d after some DMA; per ADI the release events and the old PASID. */
struct rel_log {
	uint32_t nr, adis[SIOVH_VDEV_MAX_ADIS], pasid;
	size_t n[SIOVH_VDEV_MAX_ADIS];
	struct siovh_adi_event ev[SIOVH_VDEV_MAX_ADIS][256];
};

static void release_logged(struct siovh_check *check, struct vd *d,
			   struct rel_log *log)
{
	struct siovh_vdev_probe vp = vdev_probe(check, d);
	uint64_t mark[SIOVH_VDEV_MAX_ADIS];
	uint32_t a;

	log->nr = vp.nr_adis;
	log->pasid = vp.default_pasid;
	for (a = 0; a < vp.nr_adis; a++) {
		log->adis[a] = vp.adis[a];
		mark[a] = last_seq(check, vp.adis[a]);
	}
	ASSERT_OK(d->t->vfio_device->release(d->t, d->v));
	d->open = false;
	for (a = 0; a < vp.nr_adis; a++)
		log->n[a] = events_after(check, vp.adis[a], mark[a],
					 log->ev[a]);
}

static void busy_vdev(struct siovh_check *check,
		      const struct siovh_profile_type *ty, struct vd *d)
{
	struct dma_buf b;
	uint32_t q;

	vd_up(check, ty, d, 1);
	if (!ty->has_portal || !(d->t->features & SIOVH_FEAT_REF_ENGINE))
		return;
	dma_map(check, d, &b, 0x300000, PAGE_4K);
	for (q = 0; q < ty->adis; q++) {
		q_enable(check, d, q);
		run_copy(check, d, q, &b, b.iova, b.iova + 0x400, 256,
			 b.iova + 0xf00, 0);
	}
}

static long find_ev(const struct siovh_adi_event *ev, size_t n, uint32_t kind)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ev[i].kind == kind)
			return (long)i;
	return -1;
}

SIOVH_CLAUSE(rel_order,
	.id = "VDCM.REL.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "release, per ADI: the PASID is invalidated in the ADI, then the ADI is reset, then the PASID is detached from the IOMMU",
	.source = SRC_LIFE("Release"),
	.needs = NEEDS_VDEV_PROBE)
{
	const struct siovh_profile *p = must_profile(check);
	struct rel_log log;
	long clr, rst, det;
	uint32_t a;
	struct vd d;

	busy_vdev(check, p->types[p->nr_types - 1].adis > 1 ?
		  &p->types[p->nr_types - 1] : &p->types[0], &d);
	release_logged(check, &d, &log);
	for (a = 0; a < log.nr; a++) {
		clr = find_ev(log.ev[a], log.n[a], SIOVH_ADI_EV_PASID_CLEAR);
		rst = find_ev(log.ev[a], log.n[a], SIOVH_ADI_EV_RESET);
		det = find_ev(log.ev[a], log.n[a], SIOVH_ADI_EV_PASID_DETACH);
		if (clr < 0 || rst < 0 || det < 0 || !(clr < rst && rst < det))
			FAIL("ADI %u at release: PASID_CLEAR at #%ld, RESET at "
			     "#%ld, PASID_DETACH at #%ld of %zu events; "
			     "expected all three in this order", log.adis[a],
			     clr, rst, det, log.n[a]);
		else if (log.ev[a][clr].arg != log.pasid)
			FAIL("ADI %u cleared PASID %u, expected the default "
			     "PASID %u", log.adis[a], log.ev[a][clr].arg,
			     log.pasid);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(rel_no_stale_dma,
	.id = "VDCM.REL.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "no ADI of a released VDEV issues DMA after its PASID was invalidated, and after release its PASID is invalid and it is disabled",
	.source = SRC_LIFE("Release"),
	.needs = NEEDS_VDEV_PROBE)
{
	const struct siovh_profile *p = must_profile(check);
	struct rel_log log;
	struct siovh_adi_probe ap;
	long clr;
	size_t i;
	uint32_t a;
	struct vd d;

	busy_vdev(check, &p->types[p->nr_types - 1], &d);
	release_logged(check, &d, &log);
	for (a = 0; a < log.nr; a++) {
		clr = find_ev(log.ev[a], log.n[a], SIOVH_ADI_EV_PASID_CLEAR);
		for (i = clr < 0 ? 0 : (size_t)clr; i < log.n[a]; i++)
			if (log.ev[a][i].kind == SIOVH_ADI_EV_DMA)
				FAIL("ADI %u: DMA with PASID %u at release, "
				     "after the PASID was invalidated",
				     log.adis[a], log.ev[a][i].arg);
		ap = adi_probe(check, log.adis[a]);
		EXPECT_EQ(ap.pasid_valid, 0);
		EXPECT_EQ(ap.enabled, 0);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(rel_cleanup,
	.id = "VDCM.REL.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "release cleans up what open allocated: the VDEV is closed, pins are zero, and a reopen starts with no DMA mappings",
	.source = SRC_LIFE("Release"),
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	struct siovh_vdev_probe vp;
	struct dma_buf b, b2;
	struct vd d;

	must_portal(check, ty);
	vd_up(check, ty, &d, 1);
	dma_map(check, &d, &b, 0x400000, PAGE_4K);
	q_enable(check, &d, 0);
	EXPECT_EQ(run_copy(check, &d, 0, &b, 0x400000, 0x400800, 64,
			   0x400f00, 0), SIOVDEV_CS_SUCCESS);
	ASSERT_OK(d.t->vfio_device->release(d.t, d.v));
	d.open = false;
	vp = vdev_probe(check, &d);
	EXPECT_EQ(vp.open, 0);
	EXPECT_EQ(vp.pinned_pages, 0);
	EXPECT_EQ(parent_probe(check).pinned_pages, 0);
	vd_open(check, &d, true);
	/* The old IOVA is unmapped: a fresh map of it works, DMA faults
	 * before that. */
	q_enable(check, &d, 0);
	drain_faults(check);
	memset(b.va, 0x11, PAGE_4K);
	dma_map(check, &d, &b2, 0x500000, PAGE_4K);
	EXPECT_EQ(run_copy(check, &d, 0, &b2, 0x400000, b2.iova, 64,
			   b2.iova + 0xf00, 0), SIOVDEV_CS_PAGE_FAULT);
	EXPECT_NE(b2.va[0], 0x11);
	vd_down(check, &d);
}

SIOVH_CLAUSE(rel_reopen,
	.id = "VDCM.REL.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a released VDEV reopens with defaults: command register 0, registers at reset values, default PASID programmed",
	.source = SRC_LIFE("Release"),
	.needs = NEEDS_VDEV_PROBE)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_vdev_probe vp;
	uint32_t k, a;
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	for (k = 0; k < d.ty->nr_regs; k++)
		if (!d.ty->regs[k].side_effects && d.ty->regs[k].writable)
			reg_wr(check, &d, &d.ty->regs[k],
			       ~d.ty->regs[k].reset & d.ty->regs[k].writable);
	ASSERT_OK(d.t->vfio_device->release(d.t, d.v));
	d.open = false;
	vd_open(check, &d, false);
	EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & (CMD_MEMORY | CMD_MASTER),
		  0);
	cfg_wr(check, &d, CFG_COMMAND, CMD_MEMORY, 2);
	for (k = 0; k < d.ty->nr_regs; k++)
		EXPECT_EQ(reg_rd(check, &d, &d.ty->regs[k]),
			  d.ty->regs[k].reset);
	vp = vdev_probe(check, &d);
	for (a = 0; a < vp.nr_adis; a++) {
		EXPECT_EQ(adi_probe(check, vp.adis[a]).pasid_valid, 1);
		EXPECT_EQ(adi_probe(check, vp.adis[a]).pasid, vp.default_pasid);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(rel_adis_free,
	.id = "VDCM.REL.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "after remove the VDEV's ADIs are free again, hold no PASID, and are disabled",
	.source = SRC_LIFE("Remove"),
	.needs = NEEDS_VDEV_PROBE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[p->nr_types - 1];
	struct siovh_vdev_probe vp;
	uint32_t before, a;
	struct vd d;

	before = parent_probe(check).free_adis;
	busy_vdev(check, ty, &d);
	vp = vdev_probe(check, &d);
	EXPECT_EQ(parent_probe(check).free_adis, before - ty->adis);
	vd_down(check, &d);
	EXPECT_EQ(parent_probe(check).free_adis, before);
	for (a = 0; a < vp.nr_adis; a++) {
		EXPECT_EQ(adi_probe(check, vp.adis[a]).pasid_valid, 0);
		EXPECT_EQ(adi_probe(check, vp.adis[a]).enabled, 0);
	}
}
