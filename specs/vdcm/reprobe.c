// SPDX-License-Identifier: MIT
/*
 * VDCM.LIFE 13-14 and VDCM.ENOMEM.5: the VDCM is a driver bound to its
 * parent, and its remove and probe (the parent's driver unbound and bound
 * again: test.h parent_reprobe) are a lifecycle of their own. Probe
 * "registers parent operations to mdev core driver" (seed 000); remove
 * unregisters them, which "will unbind and destroy all the created mdevs"
 * (the kernel's vfio-mediated-device.rst, mdev_unregister_parent), an open
 * one only after its release (vfio_unregister_group_dev waits for the
 * user's close). After a probe the parent is idle again: no VDEV, every
 * ADI free and quiet, the VDCM's share of the PASID space given back, the
 * types and their availability the profile's, and a new VDEV works. A
 * probe that fails leaves no VDCM behind (driver.rst), and the next one
 * succeeds.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "specs/enomem/walk.h"

#define NEEDS_REPROBE (NEEDS_VDEV_PROBE | SIOVH_FEAT_PARENT_REPROBE)
#define SRC_PROBE SEED000 "\"What's missing? - Discover Intel(R) scalable IOV capability!\" (Software: registers parent operations to mdev core driver)"
#define SRC_MDEV_REMOVE "Documentation/driver-api/vfio-mediated-device.rst, mdev_unregister_parent (\"will unbind and destroy all the created mdevs\")"
#define SRC_PROBE_FAIL "Documentation/driver-api/driver-model/driver.rst, probe() (a probe that fails \"should have released all resources it allocated\")"
#define TYPES_MAX 1024

static int reprobe(struct siovh_check *check)
{
	struct siovh_target *t = siovh_check_target(check);

	return t->test->parent_reprobe(t);
}

/* What the idle parent offers, before the clause's VDEVs. */
struct idle {
	struct leak_snap snap;
	char types[TYPES_MAX];
	uint32_t pasids_avail;		/* IOASID get_capacity's avail */
};

static bool has(struct siovh_check *check, uint64_t feature)
{
	return (siovh_check_target(check)->features & feature) == feature;
}

static void idle_snap(struct siovh_check *check,
		      const struct siovh_profile *p, struct idle *s)
{
	struct siovh_target *t = siovh_check_target(check);
	uint32_t cap;

	memset(s, 0, sizeof(*s));
	leak_snap(check, p, &s->snap);
	ASSERT_OK(t->vfio_device->list_types(t, s->types, sizeof(s->types)));
	if (has(check, SIOVH_FEAT_IOASID))
		ASSERT_OK(t->ioasid->get_capacity(t, &cap, &s->pasids_avail));
}

/*
 * After the probe: as idle as before the VDEVs (what says after what),
 * every ADI disabled with no PASID, and the PASID space's unreserved part
 * back where it was.
 */
static void expect_idle(struct siovh_check *check,
			const struct siovh_profile *p, const struct idle *s,
			const char *what)
{
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_parent_probe pp = parent_probe(check);
	struct siovh_adi_probe ap;
	char types[TYPES_MAX] = { 0 };
	uint32_t a, cap, avail;

	ASSERT_OK(t->vfio_device->list_types(t, types, sizeof(types)));
	if (memcmp(types, s->types, sizeof(types)))
		FAIL("after %s the parent lists other types than before", what);
	leak_expect(check, p, &s->snap, what);
	EXPECT_EQ(pp.nr_vdevs, 0);
	EXPECT_EQ(pp.free_adis, pp.nr_adis);
	EXPECT_EQ(pp.pasid_enabled, 1);
	for (a = 0; a < pp.nr_adis; a++) {
		ap = adi_probe(check, a);
		if (ap.enabled || ap.pasid_valid)
			FAIL("after %s ADI %u is %s with PASID %s %u; expected "
			     "disabled with no PASID", what, a,
			     ap.enabled ? "enabled" : "disabled",
			     ap.pasid_valid ? "valid" : "invalid", ap.pasid);
	}
	if (!has(check, SIOVH_FEAT_IOASID))
		return;
	ASSERT_OK(t->ioasid->get_capacity(t, &cap, &avail));
	if (avail != s->pasids_avail)
		FAIL("after %s %u PASIDs are unreserved, expected %u as before "
		     "the VDCM reserved any", what, avail, s->pasids_avail);
}

/* d was removed with the VDCM: every call on its handle is -ENODEV. */
static void expect_gone(struct siovh_check *check, struct vd *d)
{
	struct siovh_target *t = d->t;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct siovh_vdev_probe vp;
	uint32_t v = 0;

	EXPECT_ERRNO(t->test->vdev_probe(t, d->v, &vp), -ENODEV);
	EXPECT_ERRNO(t->vfio_device->open(t, d->v), -ENODEV);
	EXPECT_ERRNO(t->vfio_device->ioctl(t, d->v, VFIO_DEVICE_GET_INFO,
					   &info), -ENODEV);
	EXPECT_ERRNO((int)t->vfio_device->pread(t, d->v, &v, 2, 0), -ENODEV);
	EXPECT_ERRNO(t->vfio_device->release(t, d->v), -ENODEV);
	EXPECT_ERRNO(t->vfio_device->remove(t, d->v), -ENODEV);
	d->v = NULL;
	d->open = false;
}

/* A VDEV created and opened after the probe; with the engine, its copy
 * reaches memory through its own PASID. */
static void expect_fresh(struct siovh_check *check,
			 const struct siovh_profile *p, unsigned int n)
{
	const struct siovh_profile_type *ty = &p->types[0];
	struct dma_buf b;
	struct vd d;
	uint32_t i;

	vd_up(check, ty, &d, n);
	if (!ty->has_portal || !has(check, SIOVH_FEAT_REF_ENGINE)) {
		siovh_note(check, "the new VDEV is judged by create and open "
			   "only: no descriptor engine to DMA with");
		vd_down(check, &d);
		return;
	}
	q_enable(check, &d, 0);
	dma_map(check, &d, &b, 0x400000, PAGE_4K);
	for (i = 0; i < 256; i++)
		b.va[i] = (uint8_t)(i ^ 0x5a);
	EXPECT_EQ(run_copy(check, &d, 0, &b, b.iova, b.iova + 0x800, 256,
			   b.iova + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(memcmp(b.va, b.va + 0x800, 256), 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(life_reprobe_idle,
	.id = "VDCM.LIFE.13", .level = SIOVH_MUST, .facet = "vdev",
	.title = "remove of the VDCM (the parent's driver unbound) and a new probe: every VDEV created before is gone (its handle -ENODEV), every ADI free, disabled, with no PASID, the VDCM's PASID reservation given back, the types and available_instances as on the idle parent, and a new VDEV creates, opens and does DMA",
	.source = SRC_PROBE "; " SRC_MDEV_REMOVE "; " SRC_LIFE("Remove"),
	.needs = NEEDS_REPROBE)
{
	const struct siovh_profile *p = must_profile(check);
	struct idle idle;
	struct vd d[2];

	idle_snap(check, p, &idle);
	vd_create(check, &p->types[0], &d[0], 1);
	vd_up(check, &p->types[0], &d[1], 2);
	EXPECT_OK(d[1].t->vfio_device->release(d[1].t, d[1].v));
	d[1].open = false;
	ASSERT_OK(reprobe(check));
	expect_gone(check, &d[0]);
	expect_gone(check, &d[1]);
	expect_idle(check, p, &idle, "remove and probe");
	expect_fresh(check, p, 3);
}

/* An open VDEV at remove: bound to /dev/iommu where the target has one. */
struct busy {
	struct vd d;
	struct siovh_vdev_probe vp;
	uint64_t mark[SIOVH_VDEV_MAX_ADIS];	/* each ADI's last event */
	uint32_t dev_id;			/* iommufd device, 0: none */
};

static uint64_t last_seq(struct siovh_check *check, uint32_t adi)
{
	struct siovh_adi_event ev[256];
	size_t n;

	if (!siovh_check_target(check)->test->adi_trace)
		return 0;
	n = adi_trace(check, adi, ev, 256);
	return n ? ev[n - 1].seq : 0;
}

static void busy_up(struct siovh_check *check, const struct siovh_profile *p,
		    struct busy *b, unsigned int n)
{
	const struct siovh_profile_type *ty = &p->types[0];
	struct siovh_target *t = siovh_check_target(check);
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind), .iommufd = 3,
	};
	struct dma_buf buf;
	uint32_t a;

	memset(b, 0, sizeof(*b));
	vd_up(check, ty, &b->d, n);
	if (ty->has_portal && has(check, SIOVH_FEAT_REF_ENGINE)) {
		q_enable(check, &b->d, 0);
		dma_map(check, &b->d, &buf, 0x300000, PAGE_4K);
		EXPECT_EQ(run_copy(check, &b->d, 0, &buf, buf.iova,
				   buf.iova + 0x400, 64, buf.iova + 0xf00, 0),
			  SIOVDEV_CS_SUCCESS);
	}
	b->vp = vdev_probe(check, &b->d);
	for (a = 0; a < b->vp.nr_adis && a < SIOVH_VDEV_MAX_ADIS; a++)
		b->mark[a] = last_seq(check, b->vp.adis[a]);
	if (!has(check, SIOVH_FEAT_IOMMUFD) || !t->iommufd->device_ioctl)
		return;
	ASSERT_OK(t->iommufd->device_ioctl(t, b->d.v, VFIO_DEVICE_BIND_IOMMUFD,
					   &bind));
	b->dev_id = bind.out_devid;
}

/*
 * The open VDEV b was released before it went: per ADI, its PASID was
 * invalidated before the ADI's reset and no DMA came after that (release,
 * seed 000), the PASID is free, and the cdev's iommufd device is gone.
 */
static void expect_released(struct siovh_check *check, struct busy *b)
{
	struct siovh_target *t = siovh_check_target(check);
	struct iommu_destroy destroy = { .size = sizeof(destroy) };
	struct siovh_adi_event ev[256];
	struct siovh_ioasid_probe ip;
	long clr, rst;
	size_t n, i;
	uint32_t a;
	int ret;

	for (a = 0; a < b->vp.nr_adis && t->test->adi_trace; a++) {
		n = adi_trace(check, b->vp.adis[a], ev, 256);
		clr = rst = -1;
		for (i = 0; i < n; i++) {
			if (ev[i].seq <= b->mark[a])
				continue;
			if (ev[i].kind == SIOVH_ADI_EV_PASID_CLEAR && clr < 0)
				clr = (long)i;
			if (ev[i].kind == SIOVH_ADI_EV_RESET && rst < 0)
				rst = (long)i;
			if (ev[i].kind == SIOVH_ADI_EV_DMA && clr >= 0)
				FAIL("ADI %u: DMA with PASID %u after its PASID "
				     "was invalidated at remove",
				     b->vp.adis[a], ev[i].arg);
		}
		if (clr < 0 || rst < 0 || clr > rst)
			FAIL("ADI %u at remove: PASID_CLEAR at #%ld, RESET at "
			     "#%ld; expected its release: the PASID "
			     "invalidated, then the reset", b->vp.adis[a], clr,
			     rst);
	}
	if (!t->test->adi_trace)
		siovh_note(check, "no ADI event log: the release at remove is "
			   "judged by the ADIs' state and the PASID");
	if (has(check, SIOVH_FEAT_TEST_IOASID)) {
		ret = t->test->ioasid_probe(t, b->vp.default_pasid, &ip);
		if (ret != -ENOENT) {
			ASSERT_OK(ret);
			EXPECT_EQ(ip.state, SIOVH_IOASID_STATE_FREE);
		}
	}
	if (b->dev_id) {
		destroy.id = b->dev_id;
		EXPECT_ERRNO(t->iommufd->ioctl(t, IOMMU_DESTROY, &destroy),
			     -ENOENT);
	}
}

SIOVH_CLAUSE(life_reprobe_open,
	.id = "VDCM.LIFE.14", .level = SIOVH_MUST, .facet = "vdev",
	.title = "remove of the VDCM with a VDEV open (after DMA, bound to /dev/iommu where the target has one) releases it first, in release's order: per ADI the PASID invalidated before the reset and no DMA after, its default PASID freed, its iommufd device gone; then the parent is idle and a new VDEV does DMA",
	.source = SRC_MDEV_REMOVE "; drivers/vfio/vfio_main.c, vfio_unregister_group_dev (waits for the user's close); " SRC_LIFE("Release"),
	.needs = NEEDS_REPROBE)
{
	const struct siovh_profile *p = must_profile(check);
	struct idle idle;
	struct busy b;

	idle_snap(check, p, &idle);
	busy_up(check, p, &b, 1);
	ASSERT_OK(reprobe(check));
	expect_gone(check, &b.d);
	expect_released(check, &b);
	expect_idle(check, p, &idle, "remove with an open VDEV and probe");
	expect_fresh(check, p, 2);
}

/* ---- VDCM.ENOMEM.5: the probe's allocations fail in turn ---- */

struct probe_ctx {
	const struct siovh_profile *p;
	struct vd closed;
	struct busy open;
};

static int probe_call(struct siovh_check *check, void *ctx)
{
	(void)ctx;
	return reprobe(check);
}

/*
 * A failed probe leaves the parent with no VDCM (driver.rst): no types,
 * no availability, no create; no VDCM to probe. Not the state before the
 * call, whose remove went through: what a probe() that fails must leave.
 */
static void probe_unbound(struct siovh_check *check, void *ctx)
{
	struct probe_ctx *c = ctx;
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_parent_probe pp;
	struct siovh_vdev *v = NULL;
	char types[TYPES_MAX];
	unsigned int avail;
	uint8_t uuid[16];
	uint32_t i;

	EXPECT_ERRNO(t->vfio_device->list_types(t, types, sizeof(types)),
		     -ENODEV);
	for (i = 0; i < c->p->nr_types; i++)
		EXPECT_ERRNO(t->vfio_device->available_instances(
				     t, c->p->types[i].name, &avail), -ENODEV);
	make_uuid(uuid, 9);
	EXPECT_ERRNO(t->vfio_device->create(t, c->p->types[0].name, uuid, &v),
		     -ENODEV);
	EXPECT_ERRNO(t->test->parent_probe(t, &pp), -ENODEV);
	EXPECT_ERRNO(t->vfio_device->remove(t, c->closed.v), -ENODEV);
}

SIOVH_CLAUSE(enomem_reprobe,
	.id = "VDCM.ENOMEM.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a VDCM probe whose memory allocation fails (each in turn; its remove took a closed and an open VDEV away) returns -ENOMEM and leaves the parent with no VDCM: list_types, available_instances, create and the parent probe -ENODEV; the next probe succeeds, the parent is idle and a new VDEV does DMA",
	.source = SRC_PROBE_FAIL "; " SRC_PROBE "; " SRC_ENOMEM_DERIVED,
	.needs = NEEDS_REPROBE | NEEDS_FAIL_NTH)
{
	static const struct enomem_op op = {
		"the parent's remove and probe", probe_call, probe_unbound,
		NULL,
	};
	struct probe_ctx c = { .p = must_profile(check) };
	struct idle idle;

	idle_snap(check, c.p, &idle);
	vd_create(check, &c.p->types[0], &c.closed, 1);
	busy_up(check, c.p, &c.open, 2);
	enomem_walk(check, &op, &c);
	expect_gone(check, &c.closed);
	expect_gone(check, &c.open.d);
	expect_released(check, &c.open);
	expect_idle(check, c.p, &idle, "remove, probes failing for memory, "
		    "and a probe");
	expect_fresh(check, c.p, 3);
}
