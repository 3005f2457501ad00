// SPDX-License-Identifier: MIT
/*
 * VDCM.REGION and VDCM.BAR: what VFIO_DEVICE_GET_INFO / GET_REGION_INFO say
 * about the VDEV (against the profile), and run-time access to its virtual
 * BARs: fast path mapped (sparse mmap areas, 4 KiB aligned), slow path
 * trapped and emulated, within bounds, gated by the command register.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

SIOVH_CLAUSE(region_device_info,
	.id = "VDCM.REGION.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_DEVICE_GET_INFO reports the profile's device flags, number of regions and number of IRQs",
	.source = SRC_VFIO("VFIO_DEVICE_GET_INFO"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_device_info info;
	uint32_t i;
	struct vd d;

	for (i = 0; i < p->nr_types; i++) {
		vd_up(check, &p->types[i], &d, 1 + i);
		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		ASSERT_OK(d.t->vfio_device->ioctl(d.t, d.v,
						  VFIO_DEVICE_GET_INFO, &info));
		EXPECT_EQ(info.flags & ~VFIO_DEVICE_FLAGS_CAPS,
			  d.ty->device_flags & ~VFIO_DEVICE_FLAGS_CAPS);
		EXPECT_EQ(info.num_regions, d.ty->num_regions);
		EXPECT_EQ(info.num_irqs, d.ty->num_irqs);
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(region_device_ioctl_args,
	.id = "VDCM.REGION.7", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_DEVICE_GET_INFO with an argsz shorter than struct vfio_device_info is -EINVAL and writes nothing back; an ioctl the device does not know is -ENOTTY; a known one with no argument is -EFAULT",
	.source = SRC_VFIO("VFIO_DEVICE_GET_INFO (argsz)") "; derived: ioctl(2) fails with ENOTTY for a request the object does not support, EFAULT for an argument it cannot read",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_device_info info;
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	memset(&info, 0, sizeof(info));
	info.argsz = offsetof(struct vfio_device_info, num_irqs);
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v, VFIO_DEVICE_GET_INFO,
					     &info), -EINVAL);
	EXPECT_EQ(info.flags, 0);
	EXPECT_EQ(info.num_regions, 0);
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v, VFIO_DEVICE_GET_INFO +
					     64, &info), -ENOTTY);
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v, VFIO_DEVICE_GET_INFO,
					     NULL), -EFAULT);
	vd_down(check, &d);
}

SIOVH_CLAUSE(region_info,
	.id = "VDCM.REGION.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "every region has the profile's size and flags; regions the profile does not list have size 0",
	.source = SRC_DESIGN " (The virtual bar regions)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_region *r;
	struct vfio_region_info *ri;
	uint32_t i, k;
	struct vd d;

	for (i = 0; i < p->nr_types; i++) {
		vd_up(check, &p->types[i], &d, 1 + i);
		for (k = 0; k < d.ty->num_regions; k++) {
			ri = vd_region_info(check, &d, k);
			r = siovh_profile_region(d.ty, k);
			EXPECT_EQ(ri->index, k);
			if (r && (ri->size != r->size || ri->flags != r->flags))
				FAIL("%s region %u: size %#llx flags %#x, "
				     "expected %#llx %#x", d.ty->name, k,
				     (unsigned long long)ri->size, ri->flags,
				     (unsigned long long)r->size, r->flags);
			if (!r && ri->size)
				FAIL("%s region %u (not in the profile): size "
				     "%#llx, expected 0", d.ty->name, k,
				     (unsigned long long)ri->size);
			free(ri);
		}
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(region_index_range,
	.id = "VDCM.REGION.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "GET_REGION_INFO of an index at or beyond num_regions fails with -EINVAL; a short argsz fails too",
	.source = SRC_VFIO("VFIO_DEVICE_GET_REGION_INFO"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct vfio_region_info ri;
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	memset(&ri, 0, sizeof(ri));
	ri.argsz = sizeof(ri);
	ri.index = d.ty->num_regions;
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v,
					     VFIO_DEVICE_GET_REGION_INFO, &ri),
		     -EINVAL);
	ri.index = 0xffffffff;
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v,
					     VFIO_DEVICE_GET_REGION_INFO, &ri),
		     -EINVAL);
	ri.index = 0;
	ri.argsz = 8;
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v,
					     VFIO_DEVICE_GET_REGION_INFO, &ri),
		     -EINVAL);
	vd_down(check, &d);
}

SIOVH_CLAUSE(region_disjoint,
	.id = "VDCM.REGION.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "non-empty regions occupy disjoint ranges of the device fd",
	.source = SRC_VFIO("VFIO_DEVICE_GET_REGION_INFO"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t i, j;
	struct vd d;

	vd_up(check, &p->types[p->nr_types - 1], &d, 1);
	for (i = 0; i < VD_REGIONS && i < d.ty->num_regions; i++)
		for (j = i + 1; j < VD_REGIONS && j < d.ty->num_regions; j++)
			if (d.size[i] && d.size[j] &&
			    d.off[i] < d.off[j] + d.size[j] &&
			    d.off[j] < d.off[i] + d.size[i])
				FAIL("regions %u [%#llx, +%#llx) and %u [%#llx, "
				     "+%#llx) overlap", i,
				     (unsigned long long)d.off[i],
				     (unsigned long long)d.size[i], j,
				     (unsigned long long)d.off[j],
				     (unsigned long long)d.size[j]);
	vd_down(check, &d);
}

SIOVH_CLAUSE(region_sparse,
	.id = "VDCM.REGION.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the sparse-mmap areas of each region are the profile's fast-path areas: 4 KiB aligned and inside the region",
	.source = SRC_DESIGN " (Fast path: e.g. work submission interface)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct vfio_region_info_cap_sparse_mmap *s;
	const struct siovh_profile_region *r;
	struct vfio_region_info *ri;
	uint32_t i, k, a;
	struct vd d;

	for (i = 0; i < p->nr_types; i++) {
		vd_up(check, &p->types[i], &d, 1 + i);
		for (k = 0; k < d.ty->nr_regions; k++) {
			r = &d.ty->regions[k];
			ri = vd_region_info(check, &d, r->index);
			s = sparse_of(ri);
			if (!r->nr_fast) {
				if (s && s->nr_areas)
					FAIL("%s region %u lists %u sparse areas;"
					     " the profile has none", d.ty->name,
					     r->index, s->nr_areas);
				free(ri);
				continue;
			}
			if (!s) {
				FAIL("%s region %u has no sparse-mmap "
				     "capability", d.ty->name, r->index);
				free(ri);
				continue;
			}
			EXPECT_EQ(s->nr_areas, r->nr_fast);
			for (a = 0; a < s->nr_areas && a < r->nr_fast; a++) {
				uint64_t o = s->areas[a].offset;
				uint64_t z = s->areas[a].size;

				if ((o | z) % PAGE_4K || o + z > ri->size ||
				    o != r->fast[a].offset ||
				    z != r->fast[a].size)
					FAIL("%s region %u area %u [%#llx, "
					     "+%#llx): expected [%#llx, +%#llx), "
					     "4 KiB aligned inside %#llx",
					     d.ty->name, r->index, a,
					     (unsigned long long)o,
					     (unsigned long long)z,
					     (unsigned long long)r->fast[a].offset,
					     (unsigned long long)r->fast[a].size,
					     (unsigned long long)ri->size);
			}
			free(ri);
		}
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(region_mmap,
	.id = "VDCM.REGION.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "mmap succeeds on each fast-path area and on a mappable region without sparse areas, and fails on the slow path, across an area's end, at an offset that is not page aligned and with length 0",
	.source = SRC_DESIGN " (Fast path mapped, slow path trapped); derived: mmap(2) fails with EINVAL for a length of 0 or an offset that is not a multiple of the page size",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_region *r;
	uint32_t k, a;
	void *m;
	struct vd d;

	vd_up(check, &p->types[p->nr_types - 1], &d, 1);
	for (k = 0; k < d.ty->nr_regions; k++) {
		r = &d.ty->regions[k];
		for (a = 0; a < r->nr_fast; a++) {
			uint64_t o = d.off[r->index] + r->fast[a].offset;

			m = d.t->vfio_device->mmap(d.t, d.v, o, r->fast[a].size);
			if (!m) {
				FAIL("mmap of region %u area %u failed",
				     r->index, a);
				continue;
			}
			EXPECT_OK(d.t->vfio_device->munmap(d.t, d.v, m,
							   r->fast[a].size));
			EXPECT_PTR_EQ(d.t->vfio_device->mmap(d.t, d.v, o,
					r->fast[a].size + PAGE_4K), NULL);
			EXPECT_PTR_EQ(d.t->vfio_device->mmap(d.t, d.v, o + 64,
					PAGE_4K), NULL);
			EXPECT_PTR_EQ(d.t->vfio_device->mmap(d.t, d.v, o, 0),
				      NULL);
		}
		if (r->nr_fast)
			continue;
		/*
		 * No fast areas: a region without FLAG_MMAP is all slow path
		 * and must not map; one with FLAG_MMAP and no sparse-mmap
		 * capability is mappable as a whole (vfio.h: the areas, when
		 * specified, are what the user should map), as vfio-pci's
		 * BARs are.
		 */
		m = d.t->vfio_device->mmap(d.t, d.v, d.off[r->index], PAGE_4K);
		if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
			EXPECT_PTR_EQ(m, NULL);
		} else if (!m) {
			FAIL("mmap of region %u (mmap, no sparse areas) failed",
			     r->index);
		} else {
			EXPECT_OK(d.t->vfio_device->munmap(d.t, d.v, m,
							   PAGE_4K));
		}
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(region_mmap_closed,
	.id = "VDCM.REGION.8", .level = SIOVH_MUST, .facet = "vdev",
	.title = "mmap of a fast-path area on a VDEV that is not open fails with EBADF, also after a release that left a mapping in place; once open again the area maps",
	.source = "derived: before open (and after release) there is no device fd to mmap; " SRC_DESIGN " (Fast path mapped)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_region *r = NULL;
	uint32_t i, k;
	uint64_t o;
	void *m;
	struct vd d;

	for (i = 0; i < p->nr_types && !r; i++)
		for (k = 0; k < p->types[i].nr_regions && !r; k++)
			if (p->types[i].regions[k].nr_fast)
				r = &p->types[i].regions[k];
	if (!r)
		SKIP("no type of the profile has a fast-path area");
	vd_up(check, &p->types[i - 1], &d, 1);
	o = d.off[r->index] + r->fast[0].offset;
	m = d.t->vfio_device->mmap(d.t, d.v, o, r->fast[0].size);
	ASSERT_TRUE(m != NULL);
	/* Released with the mapping still there: the VMM's close of the
	 * device fd does not wait for munmap. */
	ASSERT_OK(d.t->vfio_device->release(d.t, d.v));
	d.open = false;
	errno = 0;
	EXPECT_PTR_EQ(d.t->vfio_device->mmap(d.t, d.v, o, r->fast[0].size),
		      NULL);
	EXPECT_EQ(errno, EBADF);
	vd_open(check, &d, true);
	m = d.t->vfio_device->mmap(d.t, d.v, o, r->fast[0].size);
	EXPECT_TRUE(m != NULL);
	if (m)
		EXPECT_OK(d.t->vfio_device->munmap(d.t, d.v, m,
						   r->fast[0].size));
	vd_down(check, &d);
}

/* SKIP when no type of the profile names a register to judge. */
static void must_some_reg(struct siovh_check *check,
			  const struct siovh_profile *p)
{
	uint32_t i;

	for (i = 0; i < p->nr_types; i++)
		if (p->types[i].nr_regs)
			return;
	SKIP("the profile lists no registers");
}

SIOVH_CLAUSE(bar_regs_reset,
	.id = "VDCM.BAR.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "after open every register the profile lists reads its reset value",
	.source = SRC_DESIGN " (Slow path: e.g. config, control)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t i, k;
	uint64_t v;
	struct vd d;

	must_some_reg(check, p);

	for (i = 0; i < p->nr_types; i++) {
		vd_up(check, &p->types[i], &d, 1 + i);
		for (k = 0; k < d.ty->nr_regs; k++) {
			const struct siovh_profile_reg *g = &d.ty->regs[k];

			v = reg_rd(check, &d, g);
			if (v != g->reset)
				FAIL("%s register %s reads %#llx, expected its "
				     "reset value %#llx", d.ty->name, g->name,
				     (unsigned long long)v,
				     (unsigned long long)g->reset);
		}
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(bar_regs_rw,
	.id = "VDCM.BAR.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "slow-path registers keep exactly their writable bits: RO bits ignore writes, RW bits read back what was written",
	.source = SRC_DESIGN " (Slow path: e.g. config, control)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	uint64_t pat[2] = { 0xa5a5a5a5a5a5a5a5ull, 0x5a5a5a5a5a5a5a5aull };
	uint32_t k, j;
	uint64_t v, want, mask;
	struct vd d;

	must_some_reg(check, p);

	vd_up(check, &p->types[0], &d, 1);
	for (k = 0; k < d.ty->nr_regs; k++) {
		const struct siovh_profile_reg *g = &d.ty->regs[k];

		if (g->side_effects)
			continue;
		mask = g->width == 8 ? ~0ull : (1ull << (8 * g->width)) - 1;
		for (j = 0; j < 2; j++) {
			/* An RO register may refuse the write or ignore it. */
			vd_write(&d, g->region, g->offset, &pat[j], g->width);
			v = reg_rd(check, &d, g);
			want = ((pat[j] & g->writable) |
				(g->reset & ~g->writable)) & mask;
			if (v != want)
				FAIL("register %s (writable %#llx): wrote "
				     "%#llx, read %#llx, expected %#llx",
				     g->name, (unsigned long long)g->writable,
				     (unsigned long long)(pat[j] & mask),
				     (unsigned long long)v,
				     (unsigned long long)want);
		}
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(bar_bounds,
	.id = "VDCM.BAR.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "slow-path accesses at or past the end of a region fail with -EINVAL; the last word of a slow-path region reads",
	.source = SRC_LIFE("Run-time access"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_region *r;
	uint32_t v = 0, k;
	struct vd d;

	/*
	 * No step for an access that straddles the end: vfio.h defines a
	 * region by its offset and size alone and says nothing of one, and
	 * vfio-pci (vfio_pci_bar_rw) truncates it to a short count where a
	 * VDCM may refuse it; the reference refuses it by its width rule
	 * (VDCM.BAR.4).
	 */
	vd_up(check, &p->types[0], &d, 1);
	for (k = 0; k < d.ty->nr_regions; k++) {
		r = &d.ty->regions[k];
		if (r->index == VFIO_PCI_CONFIG_REGION_INDEX)
			continue;
		EXPECT_ERRNO(vd_read(&d, r->index, r->size, &v, 4), -EINVAL);
		EXPECT_ERRNO(vd_read(&d, r->index, r->size + 0x1000, &v, 4),
			     -EINVAL);
		EXPECT_ERRNO(vd_write(&d, r->index, r->size, &v, 4), -EINVAL);
		if (!r->nr_fast)
			EXPECT_OK(vd_read(&d, r->index, r->size - 4, &v, 4));
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(bar_align,
	.id = "VDCM.BAR.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "misaligned or odd-sized slow-path register accesses fail with -EINVAL",
	.source = SRC_LIFE("Run-time access"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_reg *g;
	uint8_t buf[8] = { 0 };
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	g = must_reg(check, d.ty, "version");
	EXPECT_ERRNO(vd_read(&d, g->region, g->offset + 1, buf, g->width),
		     -EINVAL);
	EXPECT_ERRNO(vd_read(&d, g->region, g->offset, buf, 3), -EINVAL);
	EXPECT_ERRNO(vd_write(&d, g->region, g->offset + 2, buf, g->width),
		     -EINVAL);
	EXPECT_ERRNO(vd_read(&d, g->region, g->offset, buf, 0), -EINVAL);
	vd_down(check, &d);
}

SIOVH_CLAUSE(bar_memory_gate,
	.id = "VDCM.BAR.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "with the command register's MEMORY bit clear, BAR accesses fail (-EIO) and change nothing; set, they work",
	.source = "derived: memory space disabled means BAR accesses are unsupported requests (PCI command register)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_reg *g;
	uint32_t v = 0, pat = 0x1234;
	struct vd d;

	vd_create(check, &p->types[0], &d, 1);
	vd_open(check, &d, false);
	g = must_reg(check, d.ty, "mbox_arg");
	EXPECT_ERRNO(vd_read(&d, g->region, g->offset, &v, 4), -EIO);
	EXPECT_ERRNO(vd_write(&d, g->region, g->offset, &pat, 4), -EIO);
	cfg_wr(check, &d, CFG_COMMAND, CMD_MEMORY, 2);
	EXPECT_EQ(reg_rd(check, &d, g), g->reset);
	EXPECT_OK(vd_write(&d, g->region, g->offset, &pat, 4));
	EXPECT_EQ(reg_rd(check, &d, g), pat & g->writable);
	vd_down(check, &d);
}

SIOVH_CLAUSE(bar_outside,
	.id = "VDCM.BAR.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "accesses at device-fd offsets outside every region, or in a zero-size region, fail with -EINVAL",
	.source = SRC_VFIO("VFIO_DEVICE_GET_REGION_INFO (offset)"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t v = 0, k;
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	/*
	 * A hole (GET_REGION_INFO refused the index) has no offset on the
	 * fd: vfio.h places a region only by its info, so there is nothing
	 * to probe there (the refusal itself is VDCM.REGION.2's).
	 */
	for (k = 0; k < d.ty->num_regions && k < VD_REGIONS; k++)
		if (!d.size[k] && !d.hole[k])
			EXPECT_ERRNO(vd_read(&d, k, 0, &v, 4), -EINVAL);
	EXPECT_ERRNO((int)d.t->vfio_device->pread(d.t, d.v, &v, 4,
						  0xfff0000000000000ull),
		     -EINVAL);
	vd_down(check, &d);
}
