// SPDX-License-Identifier: MIT
/*
 * VDCM.TYPE and VDCM.LIFE: VDEV types and the create / assign (open) /
 * release / remove lifecycle of seed 000, shaped like the mdev sysfs
 * lifecycle; failures leave nothing behind (free ADIs, VDEV count and
 * available_instances back where they started).
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

SIOVH_CLAUSE(type_list,
	.id = "VDCM.TYPE.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "list_types names every VDEV type of the profile, NUL-separated and double-NUL terminated; a buffer too small for the whole list (by one byte, or none) is -ENOSPC",
	.source = SEED000 "\"Design the VDCM\" (Determine the VDEV types); harness/include/siovh/target.h, list_types (-ENOSPC)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	char buf[1024];
	size_t pos = 0, i;
	bool seen[SIOVH_PROFILE_MAX_TYPES] = { false };

	memset(buf, 0x7f, sizeof(buf));
	ASSERT_OK(t->vfio_device->list_types(t, buf, sizeof(buf)));
	while (pos < sizeof(buf) && buf[pos]) {
		size_t len = strnlen(buf + pos, sizeof(buf) - pos);

		ASSERT_LT(pos + len, sizeof(buf));
		for (i = 0; i < p->nr_types; i++)
			if (!strcmp(buf + pos, p->types[i].name))
				seen[i] = true;
		pos += len + 1;
	}
	ASSERT_LT(pos, sizeof(buf));
	for (i = 0; i < p->nr_types; i++)
		if (!seen[i])
			FAIL("type \"%s\" of the profile is not listed",
			     p->types[i].name);
	/* pos + 1 bytes hold the list: one short of that, or none, cannot */
	EXPECT_ERRNO(t->vfio_device->list_types(t, buf, pos), -ENOSPC);
	EXPECT_ERRNO(t->vfio_device->list_types(t, buf, pos - 1), -ENOSPC);
	EXPECT_ERRNO(t->vfio_device->list_types(t, NULL, 0), -ENOSPC);
}

SIOVH_CLAUSE(type_avail_idle,
	.id = "VDCM.TYPE.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "on an idle parent, available_instances of each type is the profile's max_instances",
	.source = SEED000 "\"Design the VDCM\" (Determine the VDEV types)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	unsigned int avail;
	uint32_t i;

	for (i = 0; i < p->nr_types; i++) {
		avail = 0;
		ASSERT_OK(t->vfio_device->available_instances(
			t, p->types[i].name, &avail));
		EXPECT_EQ(avail, p->types[i].max_instances);
	}
}

SIOVH_CLAUSE(type_avail_tracks,
	.id = "VDCM.TYPE.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "available_instances of every type follows the free ADIs as VDEVs of another type are created and removed",
	.source = SRC_LIFE("Create"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	const struct siovh_profile_type *small = &p->types[0];
	uint32_t free_adis = p->parent.adis, i, k;
	struct vd d[4];
	unsigned int avail;

	for (i = 1; i < p->nr_types; i++)
		if (p->types[i].adis < small->adis)
			small = &p->types[i];
	for (k = 0; k < 4 && free_adis >= small->adis; k++) {
		vd_create(check, small, &d[k], 10 + k);
		free_adis -= small->adis;
		for (i = 0; i < p->nr_types; i++) {
			uint32_t want = free_adis / p->types[i].adis;

			if (want > p->types[i].max_instances)
				want = p->types[i].max_instances;
			ASSERT_OK(t->vfio_device->available_instances(
				t, p->types[i].name, &avail));
			if (avail != want)
				FAIL("after %u x %s: available_instances(%s) = "
				     "%u, expected %u (%u free ADIs / %u)",
				     k + 1, small->name, p->types[i].name,
				     avail, want, free_adis, p->types[i].adis);
		}
	}
	while (k--)
		vd_down(check, &d[k]);
}

SIOVH_CLAUSE(type_avail_unknown,
	.id = "VDCM.TYPE.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "available_instances of a type the parent does not have fails",
	.source = "derived: mdev_supported_types has no directory for an unknown type",
	.needs = NEEDS_VDEV)
{
	struct siovh_target *t = siovh_check_target(check);
	unsigned int avail = 0;

	must_profile(check);
	EXPECT_LT(t->vfio_device->available_instances(t, "no-such-type",
						      &avail), 0);
}

SIOVH_CLAUSE(life_unknown_type,
	.id = "VDCM.LIFE.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "create of an unknown type fails with -EINVAL and leaks nothing",
	.source = SRC_LIFE("Create"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_vdev *v = NULL;
	struct leak_snap before;
	uint8_t uuid[16];

	leak_snap(check, p, &before);
	make_uuid(uuid, 1);
	EXPECT_ERRNO(t->vfio_device->create(t, "no-such-type", uuid, &v),
		     -EINVAL);
	EXPECT_ERRNO(t->vfio_device->create(t, "", uuid, &v), -EINVAL);
	leak_expect(check, p, &before, "create of unknown types");
}

SIOVH_CLAUSE(life_dup_uuid,
	.id = "VDCM.LIFE.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "create with a UUID already in use fails with -EEXIST, for any type, and leaks nothing",
	.source = SRC_LIFE("Create"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	struct siovh_vdev *v = NULL;
	struct leak_snap mid;
	struct vd d;
	uint32_t i;

	vd_create(check, &p->types[0], &d, 7);
	leak_snap(check, p, &mid);
	for (i = 0; i < p->nr_types; i++)
		EXPECT_ERRNO(t->vfio_device->create(t, p->types[i].name,
						    d.uuid, &v), -EEXIST);
	leak_expect(check, p, &mid, "create with a duplicate UUID");
	vd_down(check, &d);
}

SIOVH_CLAUSE(life_exhaust,
	.id = "VDCM.LIFE.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "exactly max_instances VDEVs of a type can be created; then available_instances is 0 and create fails with -ENOSPC",
	.source = SRC_LIFE("Create"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	const struct siovh_profile_type *ty = &p->types[0];
	struct vd *d = calloc(ty->max_instances, sizeof(*d));
	struct siovh_vdev *v = NULL;
	struct leak_snap before;
	unsigned int avail = 99;
	uint8_t uuid[16];
	uint32_t i;

	ASSERT_TRUE(d != NULL);
	leak_snap(check, p, &before);
	for (i = 0; i < ty->max_instances; i++)
		vd_create(check, ty, &d[i], 100 + i);
	ASSERT_OK(t->vfio_device->available_instances(t, ty->name, &avail));
	EXPECT_EQ(avail, 0);
	make_uuid(uuid, 99);
	EXPECT_ERRNO(t->vfio_device->create(t, ty->name, uuid, &v), -ENOSPC);
	while (i--)
		vd_down(check, &d[i]);
	leak_expect(check, p, &before, "creating to exhaustion and removing");
	free(d);
}

SIOVH_CLAUSE(life_partial_fail,
	.id = "VDCM.LIFE.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a create that fails for want of ADIs keeps none of the ADIs that were free",
	.source = SRC_LIFE("Create"),
	.needs = NEEDS_VDEV_PROBE)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	const struct siovh_profile_type *big = must_type(check, p, 2);
	const struct siovh_profile_type *small = &p->types[0];
	struct vd d[64];
	struct siovh_vdev *v = NULL;
	struct leak_snap mid;
	uint8_t uuid[16];
	uint32_t n = 0, i;

	for (i = 1; i < p->nr_types; i++)
		if (p->types[i].adis < small->adis)
			small = &p->types[i];
	if (small->adis >= big->adis)
		SKIP("the profile needs a type with fewer ADIs than %s",
		     big->name);
	/* Leave fewer free ADIs than big needs, but some. */
	while (parent_probe(check).free_adis >= big->adis && n < 64) {
		vd_create(check, small, &d[n], 200 + n);
		n++;
	}
	if (!parent_probe(check).free_adis)
		SKIP("%s VDEVs leave no ADIs free short of %s's %u",
		     small->name, big->name, big->adis);
	leak_snap(check, p, &mid);
	make_uuid(uuid, 299);
	EXPECT_ERRNO(t->vfio_device->create(t, big->name, uuid, &v), -ENOSPC);
	leak_expect(check, p, &mid, "a create that ran out of ADIs");
	while (n--)
		vd_down(check, &d[n]);
}

SIOVH_CLAUSE(life_adis_exclusive,
	.id = "VDCM.LIFE.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "each VDEV holds exactly its type's number of ADIs, valid parent ADIs, and no ADI is held by two VDEVs",
	.source = SRC_HW,
	.needs = NEEDS_VDEV_PROBE)
{
	const struct siovh_profile *p = must_profile(check);
	uint8_t owner[SIOVH_PROFILE_MAX_ADIS] = { 0 };
	struct siovh_vdev_probe vp;
	struct vd d[16];
	uint32_t n = 0, i, a, ti = 0;

	/* Fill the parent alternating between types. */
	while (n < 16) {
		const struct siovh_profile_type *ty = &p->types[ti++ %
								p->nr_types];
		struct siovh_target *t = siovh_check_target(check);
		unsigned int avail = 0;

		ASSERT_OK(t->vfio_device->available_instances(t, ty->name,
							      &avail));
		if (!avail) {
			if (ti > 4 * p->nr_types)
				break;
			continue;
		}
		vd_create(check, ty, &d[n], 300 + n);
		n++;
	}
	for (i = 0; i < n; i++) {
		vp = vdev_probe(check, &d[i]);
		EXPECT_EQ(vp.nr_adis, d[i].ty->adis);
		for (a = 0; a < vp.nr_adis; a++) {
			if (vp.adis[a] >= p->parent.adis ||
			    vp.adis[a] >= SIOVH_PROFILE_MAX_ADIS) {
				FAIL("VDEV %u holds ADI %u; the parent has %u",
				     i, vp.adis[a], p->parent.adis);
				continue;
			}
			if (owner[vp.adis[a]])
				FAIL("ADI %u is held by VDEV %u and VDEV %u",
				     vp.adis[a], owner[vp.adis[a]] - 1, i);
			owner[vp.adis[a]] = (uint8_t)(i + 1);
		}
	}
	while (n--)
		vd_down(check, &d[n]);
}

SIOVH_CLAUSE(life_second_open,
	.id = "VDCM.LIFE.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a VDEV is assigned once: a second open while open fails with -EBUSY and the first stays usable",
	.source = SRC_LIFE("Assign"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	EXPECT_ERRNO(d.t->vfio_device->open(d.t, d.v), -EBUSY);
	EXPECT_EQ(cfg_rd(check, &d, CFG_VENDOR, 2), p->types[0].vendor_id);
	vd_down(check, &d);
}

SIOVH_CLAUSE(life_remove_open,
	.id = "VDCM.LIFE.7", .level = SIOVH_MUST, .facet = "vdev",
	.title = "remove of an open VDEV fails with -EBUSY; the VDEV stays open and usable, and is removable after release",
	.source = SRC_LIFE("Remove"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct leak_snap before;
	struct vd d;

	leak_snap(check, p, &before);
	vd_up(check, &p->types[0], &d, 1);
	EXPECT_ERRNO(d.t->vfio_device->remove(d.t, d.v), -EBUSY);
	EXPECT_EQ(cfg_rd(check, &d, CFG_VENDOR, 2), p->types[0].vendor_id);
	vd_down(check, &d);
	leak_expect(check, p, &before, "create, open, refused remove, "
		    "release, remove");
}

SIOVH_CLAUSE(life_release_closed,
	.id = "VDCM.LIFE.8", .level = SIOVH_MUST, .facet = "vdev",
	.title = "release of a VDEV that is not open fails with -EINVAL and changes nothing",
	.source = SRC_LIFE("Release"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct leak_snap mid;
	struct vd d;

	vd_create(check, &p->types[0], &d, 1);
	leak_snap(check, p, &mid);
	EXPECT_ERRNO(d.t->vfio_device->release(d.t, d.v), -EINVAL);
	leak_expect(check, p, &mid, "release of a closed VDEV");
	vd_open(check, &d, false);
	vd_down(check, &d);
}

SIOVH_CLAUSE(life_closed_ops,
	.id = "VDCM.LIFE.9", .level = SIOVH_MUST, .facet = "vdev",
	.title = "device ioctls and region accesses on a VDEV that is not open fail with -EBADF",
	.source = "derived: before open (and after release) there is no device fd",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_device_info info = { .argsz = sizeof(info) };
	uint32_t v = 0;
	struct vd d;

	vd_create(check, &p->types[0], &d, 1);
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v, VFIO_DEVICE_GET_INFO,
					     &info), -EBADF);
	EXPECT_ERRNO((int)d.t->vfio_device->pread(d.t, d.v, &v, 2, 0), -EBADF);
	vd_open(check, &d, false);
	EXPECT_OK(d.t->vfio_device->release(d.t, d.v));
	d.open = false;
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v, VFIO_DEVICE_RESET,
					     NULL), -EBADF);
	EXPECT_ERRNO((int)d.t->vfio_device->pwrite(d.t, d.v, &v, 2, d.off[7]),
		     -EBADF);
	vd_down(check, &d);
}

SIOVH_CLAUSE(life_reuse,
	.id = "VDCM.LIFE.10", .level = SIOVH_MUST, .facet = "vdev",
	.title = "resources are reusable after remove: three rounds of filling the parent with every type, same UUIDs, all succeed",
	.source = SRC_LIFE("Remove"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct leak_snap before;
	struct vd *d;
	uint32_t round, i, k;

	leak_snap(check, p, &before);
	for (round = 0; round < 3; round++)
		for (i = 0; i < p->nr_types; i++) {
			const struct siovh_profile_type *ty = &p->types[i];

			d = calloc(ty->max_instances, sizeof(*d));
			ASSERT_TRUE(d != NULL);
			for (k = 0; k < ty->max_instances; k++) {
				vd_create(check, ty, &d[k], 400 + k);
				if (k % 2)
					vd_open(check, &d[k], true);
			}
			while (k--)
				vd_down(check, &d[k]);
			free(d);
		}
	leak_expect(check, p, &before, "three rounds of create/remove");
}

SIOVH_CLAUSE(life_open_pasid,
	.id = "VDCM.LIFE.11", .level = SIOVH_MUST, .facet = "vdev",
	.title = "open programs the AUX domain's default PASID into every ADI of the VDEV; a created, unopened VDEV's ADIs hold none",
	.source = SEED000 "\"VDCM to support vSVA\" (Non-SVA PASID: AUX domain default PASID)",
	.needs = NEEDS_VDEV_PROBE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	struct siovh_vdev_probe vp;
	struct siovh_adi_probe ap;
	struct vd d;
	uint32_t a;

	vd_create(check, ty, &d, 1);
	vp = vdev_probe(check, &d);
	EXPECT_EQ(vp.open, 0);
	for (a = 0; a < vp.nr_adis; a++)
		EXPECT_EQ(adi_probe(check, vp.adis[a]).pasid_valid, 0);
	vd_open(check, &d, true);
	vp = vdev_probe(check, &d);
	EXPECT_EQ(vp.open, 1);
	for (a = 0; a < vp.nr_adis; a++) {
		ap = adi_probe(check, vp.adis[a]);
		EXPECT_EQ(ap.pasid_valid, 1);
		EXPECT_EQ(ap.pasid, vp.default_pasid);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(life_cycles,
	.id = "VDCM.LIFE.12", .level = SIOVH_MUST, .facet = "vdev",
	.title = "open/release cycles and create/remove of every type leave free ADIs, VDEV count, pins and availability as they were",
	.source = SRC_LIFE("Release"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct leak_snap before, mid;
	struct vd d;
	uint32_t i, k;

	leak_snap(check, p, &before);
	for (i = 0; i < p->nr_types; i++) {
		vd_create(check, &p->types[i], &d, 500 + i);
		leak_snap(check, p, &mid);
		for (k = 0; k < 5; k++) {
			vd_open(check, &d, true);
			EXPECT_OK(d.t->vfio_device->release(d.t, d.v));
			d.open = false;
		}
		leak_expect(check, p, &mid, "five open/release cycles");
		vd_down(check, &d);
	}
	leak_expect(check, p, &before, "create/remove of every type");
}
