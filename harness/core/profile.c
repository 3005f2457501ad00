// SPDX-License-Identifier: MIT
/*
 * The device-profile reader (siovh/profile.h): a strict walk over a jansson
 * tree. Every accessor takes the JSON path of the value it reads, so that an
 * error names the file and the exact place ("ref.json: $.types[1].adis:
 * expected integer 1..16, got \"four\"").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <linux/vfio.h>

#include "siovh/profile.h"
#include "siovh/target.h"
#include "profile_walk.h"

#define SZ_4K 4096ull

static const struct flag_name cap_names[] = {
	{ "pm", SIOVH_PROFILE_CAP_PM }, { "msi", SIOVH_PROFILE_CAP_MSI },
	{ "pcie", SIOVH_PROFILE_CAP_PCIE }, { "msix", SIOVH_PROFILE_CAP_MSIX },
	{ NULL, 0 }
};

static const struct flag_name ext_cap_names[] = {
	{ "ats", SIOVH_PROFILE_EXT_ATS }, { "pri", SIOVH_PROFILE_EXT_PRI },
	{ "pasid", SIOVH_PROFILE_EXT_PASID },
	{ "dvsec", SIOVH_PROFILE_EXT_DVSEC },
	{ NULL, 0 }
};

static const struct flag_name device_flag_names[] = {
	{ "reset", VFIO_DEVICE_FLAGS_RESET }, { "pci", VFIO_DEVICE_FLAGS_PCI },
	{ "platform", VFIO_DEVICE_FLAGS_PLATFORM },
	{ "caps", VFIO_DEVICE_FLAGS_CAPS },
	{ NULL, 0 }
};

static const struct flag_name region_flag_names[] = {
	{ "read", VFIO_REGION_INFO_FLAG_READ },
	{ "write", VFIO_REGION_INFO_FLAG_WRITE },
	{ "mmap", VFIO_REGION_INFO_FLAG_MMAP },
	{ "caps", VFIO_REGION_INFO_FLAG_CAPS },
	{ NULL, 0 }
};

static const struct flag_name irq_flag_names[] = {
	{ "eventfd", VFIO_IRQ_INFO_EVENTFD },
	{ "maskable", VFIO_IRQ_INFO_MASKABLE },
	{ "automasked", VFIO_IRQ_INFO_AUTOMASKED },
	{ "noresize", VFIO_IRQ_INFO_NORESIZE },
	{ NULL, 0 }
};

static const struct flag_name mig_flag_names[] = {
	{ "stop_copy", VFIO_MIGRATION_STOP_COPY },
	{ "p2p", VFIO_MIGRATION_P2P },
	{ "pre_copy", VFIO_MIGRATION_PRE_COPY },
	{ NULL, 0 }
};

uint16_t siovh_profile_cap_id(uint32_t cap_bit)
{
	switch (cap_bit) {
	case SIOVH_PROFILE_CAP_PM: return 0x01;
	case SIOVH_PROFILE_CAP_MSI: return 0x05;
	case SIOVH_PROFILE_CAP_PCIE: return 0x10;
	case SIOVH_PROFILE_CAP_MSIX: return 0x11;
	}
	return 0;
}

uint16_t siovh_profile_ext_cap_id(uint32_t ext_bit)
{
	switch (ext_bit) {
	case SIOVH_PROFILE_EXT_ATS: return 0x000f;
	case SIOVH_PROFILE_EXT_PRI: return 0x0013;
	case SIOVH_PROFILE_EXT_PASID: return 0x001b;
	case SIOVH_PROFILE_EXT_DVSEC: return 0x0023;
	}
	return 0;
}

/* --- parent -------------------------------------------------------------- */

static int parse_bars(struct pctx *c, const json_t *o, const char *path,
		      const char *key, bool required,
		      struct siovh_profile_bar *bars, uint32_t *nr);

static int parse_dvsec(struct pctx *c, const json_t *o, const char *path,
		       struct siovh_profile_dvsec *d)
{
	static const char *const keys[] = {
		"function_dependency_link", "flags", "supported_page_sizes",
		"system_page_size", "capabilities", NULL
	};
	char p[PATH_MAX_LEN];
	int err;

	if ((err = pw_object_of(c, o, path, keys)) ||
	    (err = GET_U32(c, o, path, "function_dependency_link", 0, 0xff,
			   true, 0, d->function_dependency_link)) ||
	    (err = GET_U32(c, o, path, "flags", 0, 0xff, true, 0, d->flags)) ||
	    (err = GET_U32(c, o, path, "supported_page_sizes", 1, 0xffffffff,
			   true, 0, d->supported_page_sizes)) ||
	    (err = GET_U32(c, o, path, "system_page_size", 1, 0xffffffff,
			   false, 1, d->system_page_size)) ||
	    (err = GET_U32(c, o, path, "capabilities", 0, 0xffffffff, true, 0,
			   d->capabilities)))
		return err;
	pw_child(p, path, "supported_page_sizes");
	if (!(d->supported_page_sizes & 1))
		return pw_perr(c, p, "bit 0 (4 KiB) must be set, got %#x",
			    d->supported_page_sizes);
	pw_child(p, path, "system_page_size");
	if (!pw_is_pow2(d->system_page_size) ||
	    !(d->system_page_size & d->supported_page_sizes))
		return pw_perr(c, p, "expected exactly one bit of "
			    "supported_page_sizes (%#x), got %#x",
			    d->supported_page_sizes, d->system_page_size);
	return 0;
}

/*
 * "siov": false: a parent that is no SIOV endpoint (an mdev parent such as
 * the kernel's mtty sample, a software device): only its assignable units
 * ("adis": mtty's ports) are described, and a PCI key is an error.
 */
static int parse_soft_parent(struct pctx *c, const json_t *o,
			     const char *path, struct siovh_profile_parent *pp)
{
	static const char *const keys[] = { "siov", "adis", NULL };
	int err;

	pp->siov = false;
	if ((err = pw_object_of(c, o, path, keys)))
		return err;
	return GET_U32(c, o, path, "adis", 1, SIOVH_PROFILE_MAX_ADIS, true, 0,
		       pp->adis);
}

static int parse_parent(struct pctx *c, const json_t *o, const char *path,
			struct siovh_profile_parent *pp)
{
	static const char *const keys[] = {
		"siov", "vendor_id", "device_id", "adis", "caps", "ext_caps",
		"pasid", "dvsec", "ims_entries", "bars", NULL
	};
	static const char *const pasid_keys[] = {
		"width", "execute", "privileged", NULL
	};
	char p[PATH_MAX_LEN];
	json_t *v;
	int err;

	if (json_is_object(o) &&
	    (err = pw_get_bool(c, o, path, "siov", true, &pp->siov)))
		return err;
	if (json_is_object(o) && !pp->siov)
		return parse_soft_parent(c, o, path, pp);
	if ((err = pw_object_of(c, o, path, keys)) ||
	    (err = GET_U32(c, o, path, "vendor_id", 0, 0xffff, true, 0,
			   pp->vendor_id)) ||
	    (err = GET_U32(c, o, path, "device_id", 0, 0xffff, true, 0,
			   pp->device_id)) ||
	    (err = GET_U32(c, o, path, "adis", 1, SIOVH_PROFILE_MAX_ADIS, true,
			   0, pp->adis)) ||
	    (err = pw_get_flags(c, o, path, "caps", true, cap_names, &pp->caps)) ||
	    (err = pw_get_flags(c, o, path, "ext_caps", true, ext_cap_names,
			     &pp->ext_caps)) ||
	    (err = GET_U32(c, o, path, "ims_entries", 0, 2048, false, 0,
			   pp->ims_entries)) ||
	    (err = parse_bars(c, o, path, "bars", false, pp->bars,
			      &pp->nr_bars)))
		return err;
	pw_child(p, path, "ext_caps");
	if (!(pp->ext_caps & SIOVH_PROFILE_EXT_DVSEC))
		return pw_perr(c, p, "a SIOV parent must list \"dvsec\"");
	if (!(pp->ext_caps & SIOVH_PROFILE_EXT_PASID))
		return pw_perr(c, p, "a SIOV parent must list \"pasid\"");

	if ((err = pw_member(c, o, path, "pasid", true, &v, p)) ||
	    (err = pw_object_of(c, v, p, pasid_keys)) ||
	    (err = GET_U32(c, v, p, "width", 1, 20, true, 0, pp->pasid_width)) ||
	    (err = pw_get_bool(c, v, p, "execute", false, &pp->pasid_exec)) ||
	    (err = pw_get_bool(c, v, p, "privileged", false, &pp->pasid_priv)))
		return err;
	if ((err = pw_member(c, o, path, "dvsec", true, &v, p)))
		return err;
	return parse_dvsec(c, v, p, &pp->dvsec);
}

/* --- iommu --------------------------------------------------------------- */

/* The reference IOMMU's capabilities; absent: the default unit's. */
static int parse_iommu(struct pctx *c, const json_t *o, const char *path,
		       struct siovh_profile_iommu *io)
{
	static const char *const keys[] = {
		"first_stage_5level", "dirty_tracking", NULL,
	};
	int err;

	io->first_stage_5level = true;
	io->dirty_tracking = true;
	if (!o)
		return 0;
	if ((err = pw_object_of(c, o, path, keys)) ||
	    (err = pw_get_bool(c, o, path, "first_stage_5level", true,
			       &io->first_stage_5level)))
		return err;
	return pw_get_bool(c, o, path, "dirty_tracking", true,
			   &io->dirty_tracking);
}

/* --- types --------------------------------------------------------------- */

static int parse_region(struct pctx *c, const json_t *o, const char *path,
			const struct siovh_profile_type *ty,
			struct siovh_profile_region *r)
{
	static const char *const keys[] = {
		"index", "name", "size", "flags", "fast", NULL
	};
	static const char *const area_keys[] = { "offset", "size", NULL };
	char p[PATH_MAX_LEN], pe[PATH_MAX_LEN];
	json_t *arr, *e;
	size_t i, j;
	int err;

	if ((err = pw_object_of(c, o, path, keys)) ||
	    (err = GET_U32(c, o, path, "index", 0, ty->num_regions - 1, true,
			   0, r->index)) ||
	    (err = pw_get_name(c, o, path, "name", false, r->name)) ||
	    (err = pw_get_uint(c, o, path, "size", 1, 1ull << 40, true, 0,
			    &r->size)) ||
	    (err = pw_get_flags(c, o, path, "flags", true, region_flag_names,
			     &r->flags)) ||
	    (err = pw_get_array(c, o, path, "fast", false, 0,
			     SIOVH_PROFILE_MAX_AREAS, &arr, p)))
		return err;
	if (!arr)
		return 0;
	json_array_foreach(arr, i, e) {
		struct siovh_profile_area *a = &r->fast[i];

		pw_elem(pe, p, i);
		if ((err = pw_object_of(c, e, pe, area_keys)) ||
		    (err = pw_get_uint(c, e, pe, "offset", 0, r->size - 1, true, 0,
				    &a->offset)) ||
		    (err = pw_get_uint(c, e, pe, "size", 1, r->size, true, 0,
				    &a->size)))
			return err;
		if ((a->offset | a->size) & (SZ_4K - 1))
			return pw_perr(c, pe, "offset %#llx and size %#llx must be "
				    "4 KiB aligned",
				    (unsigned long long)a->offset,
				    (unsigned long long)a->size);
		if (a->offset + a->size > r->size)
			return pw_perr(c, pe, "area ends at %#llx, beyond the "
				    "region's size %#llx",
				    (unsigned long long)(a->offset + a->size),
				    (unsigned long long)r->size);
		for (j = 0; j < i; j++)
			if (a->offset < r->fast[j].offset + r->fast[j].size &&
			    r->fast[j].offset < a->offset + a->size)
				return pw_perr(c, pe, "overlaps area [%zu]", j);
		r->nr_fast++;
	}
	if (r->nr_fast && !(r->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		pw_child(pe, path, "flags");
		return pw_perr(c, pe, "a region with fast areas must have \"mmap\"");
	}
	return 0;
}

static int parse_regions(struct pctx *c, const json_t *o, const char *path,
			 struct siovh_profile_type *ty)
{
	char p[PATH_MAX_LEN], pe[PATH_MAX_LEN];
	json_t *arr, *e;
	size_t i, j;
	int err;

	err = pw_get_array(c, o, path, "regions", true, 1,
			SIOVH_PROFILE_MAX_REGIONS, &arr, p);
	if (err)
		return err;
	json_array_foreach(arr, i, e) {
		pw_elem(pe, p, i);
		err = parse_region(c, e, pe, ty, &ty->regions[i]);
		if (err)
			return err;
		for (j = 0; j < i; j++)
			if (ty->regions[j].index == ty->regions[i].index)
				return pw_perr(c, pe, "region %u listed twice",
					    ty->regions[i].index);
		ty->nr_regions++;
	}
	return 0;
}

static int parse_irqs(struct pctx *c, const json_t *o, const char *path,
		      struct siovh_profile_type *ty)
{
	static const char *const keys[] = { "index", "count", "flags", NULL };
	char p[PATH_MAX_LEN], pe[PATH_MAX_LEN];
	json_t *arr, *e;
	size_t i, j;
	int err;

	err = pw_get_array(c, o, path, "irqs", false, 0, SIOVH_PROFILE_MAX_IRQS,
			&arr, p);
	if (err || !arr)
		return err;
	json_array_foreach(arr, i, e) {
		struct siovh_profile_irq *q = &ty->irqs[i];

		pw_elem(pe, p, i);
		if (!ty->num_irqs)
			return pw_perr(c, pe, "num_irqs is 0");
		if ((err = pw_object_of(c, e, pe, keys)) ||
		    (err = GET_U32(c, e, pe, "index", 0, ty->num_irqs - 1, true,
				   0, q->index)) ||
		    (err = GET_U32(c, e, pe, "count", 0, 2048, true, 0,
				   q->count)) ||
		    (err = pw_get_flags(c, e, pe, "flags", true, irq_flag_names,
				     &q->flags)))
			return err;
		for (j = 0; j < i; j++)
			if (ty->irqs[j].index == q->index)
				return pw_perr(c, pe, "IRQ index %u listed twice",
					    q->index);
		ty->nr_irqs++;
	}
	return 0;
}

/* An array of BARs at key (memory, or I/O with "io"): at most one entry
 * per BAR register. */
static int parse_bars(struct pctx *c, const json_t *o, const char *path,
		      const char *key, bool required,
		      struct siovh_profile_bar *bars, uint32_t *nr)
{
	static const char *const bar_keys[] = {
		"bar", "size", "mem64", "prefetchable", "io", NULL
	};
	char p[PATH_MAX_LEN], pe[PATH_MAX_LEN];
	json_t *arr, *e;
	size_t i, j;
	int err;

	err = pw_get_array(c, o, path, key, required, 1, SIOVH_PROFILE_MAX_BARS,
			&arr, p);
	if (err || !arr)
		return err;
	json_array_foreach(arr, i, e) {
		struct siovh_profile_bar *b = &bars[i];

		pw_elem(pe, p, i);
		if ((err = pw_object_of(c, e, pe, bar_keys)) ||
		    (err = GET_U32(c, e, pe, "bar", 0, 5, true, 0, b->bar)) ||
		    (err = pw_get_bool(c, e, pe, "io", false, &b->io)) ||
		    (err = pw_get_uint(c, e, pe, "size", b->io ? 4 : 16,
				    b->io ? 256 : 1ull << 40, true, 0,
				    &b->size)) ||
		    (err = pw_get_bool(c, e, pe, "mem64", false, &b->mem64)) ||
		    (err = pw_get_bool(c, e, pe, "prefetchable", false,
				    &b->prefetchable)))
			return err;
		if (b->io && (b->mem64 || b->prefetchable))
			return pw_perr(c, pe, "an I/O BAR is neither mem64 nor prefetchable");
		if (!pw_is_pow2(b->size))
			return pw_perr(c, pe, "size %#llx is not a power of two",
				    (unsigned long long)b->size);
		if (b->mem64 && b->bar == 5)
			return pw_perr(c, pe, "a 64-bit BAR cannot start at BAR 5");
		for (j = 0; j < i; j++) {
			const struct siovh_profile_bar *o2 = &bars[j];

			if (o2->bar == b->bar ||
			    (o2->mem64 && o2->bar + 1 == b->bar) ||
			    (b->mem64 && b->bar + 1 == o2->bar))
				return pw_perr(c, pe, "BAR %u overlaps BAR %u",
					    b->bar, o2->bar);
		}
		(*nr)++;
	}
	return 0;
}

static int parse_config(struct pctx *c, const json_t *o, const char *path,
			struct siovh_profile_type *ty)
{
	static const char *const keys[] = {
		"vendor_id", "device_id", "class_code", "caps", "ext_caps",
		"bars", "passthrough", NULL
	};
	int err;

	if ((err = pw_object_of(c, o, path, keys)) ||
	    (err = pw_get_bool(c, o, path, "passthrough", false,
			       &ty->cfg_passthrough)) ||
	    (err = GET_U32(c, o, path, "vendor_id", 0, 0xffff, true, 0,
			   ty->vendor_id)) ||
	    (err = GET_U32(c, o, path, "device_id", 0, 0xffff, true, 0,
			   ty->device_id)) ||
	    (err = GET_U32(c, o, path, "class_code", 0, 0xffffff, true, 0,
			   ty->class_code)) ||
	    (err = pw_get_flags(c, o, path, "caps", true, cap_names, &ty->caps)) ||
	    (err = pw_get_flags(c, o, path, "ext_caps", true, ext_cap_names,
			     &ty->ext_caps)))
		return err;
	return parse_bars(c, o, path, "bars", true, ty->bars, &ty->nr_bars);
}

static int parse_regs(struct pctx *c, const json_t *o, const char *path,
		      struct siovh_profile_type *ty)
{
	static const char *const keys[] = {
		"region", "offset", "width", "reset", "writable",
		"side_effects", NULL
	};
	char p[PATH_MAX_LEN], pe[PATH_MAX_LEN];
	const struct siovh_profile_region *r;
	const char *key;
	json_t *regs, *e;
	uint64_t mask;
	int err;

	err = pw_member(c, o, path, "registers", false, &regs, p);
	if (err || !regs)
		return err;
	if (!json_is_object(regs))
		return pw_expected(c, p, regs, "object of registers");
	if (json_object_size(regs) > SIOVH_PROFILE_MAX_REGS)
		return pw_perr(c, p, "more than %d registers",
			    SIOVH_PROFILE_MAX_REGS);
	json_object_foreach(regs, key, e) {
		struct siovh_profile_reg *g = &ty->regs[ty->nr_regs];

		pw_child(pe, p, key);
		if (!*key || strlen(key) >= SIOVH_PROFILE_NAME_MAX)
			return pw_perr(c, pe, "register name of 1..%d characters",
				    SIOVH_PROFILE_NAME_MAX - 1);
		strcpy(g->name, key);
		if ((err = pw_object_of(c, e, pe, keys)) ||
		    (err = GET_U32(c, e, pe, "region", 0, 63, true, 0,
				   g->region)) ||
		    (err = pw_get_uint(c, e, pe, "offset", 0, 1ull << 40, true, 0,
				    &g->offset)) ||
		    (err = GET_U32(c, e, pe, "width", 1, 8, true, 0, g->width)))
			return err;
		if (!pw_is_pow2(g->width)) {
			pw_child(p, pe, "width");
			return pw_perr(c, p, "expected 1, 2, 4 or 8, got %u",
				    g->width);
		}
		mask = g->width == 8 ? ~0ull : (1ull << (8 * g->width)) - 1;
		if ((err = pw_get_uint(c, e, pe, "reset", 0, mask, false, 0,
				    &g->reset)) ||
		    (err = pw_get_uint(c, e, pe, "writable", 0, mask, false, 0,
				    &g->writable)) ||
		    (err = pw_get_bool(c, e, pe, "side_effects", false,
				    &g->side_effects)))
			return err;
		r = siovh_profile_region(ty, g->region);
		if (!r)
			return pw_perr(c, pe, "region %u is not in $.types[].regions",
				    g->region);
		if (g->offset % g->width || g->offset + g->width > r->size)
			return pw_perr(c, pe, "offset %#llx (width %u) is unaligned "
				    "or beyond region %u's size %#llx",
				    (unsigned long long)g->offset, g->width,
				    g->region, (unsigned long long)r->size);
		ty->nr_regs++;
	}
	return 0;
}

/* Optional feature objects: portal, queues, migration, dirty. */
static int parse_features(struct pctx *c, const json_t *o, const char *path,
			  struct siovh_profile_type *ty)
{
	static const char *const portal_keys[] = {
		"region", "offset", "stride", NULL
	};
	static const char *const queue_keys[] = { "max", "default", NULL };
	static const char *const mig_keys[] = { "flags", NULL };
	static const char *const dirty_keys[] = { "page_size", NULL };
	const struct siovh_profile_region *r;
	char p[PATH_MAX_LEN], pf[PATH_MAX_LEN];
	uint32_t i;
	json_t *v;
	int err;

	if ((err = pw_member(c, o, path, "portal", false, &v, p)))
		return err;
	if (v) {
		if ((err = pw_object_of(c, v, p, portal_keys)) ||
		    (err = GET_U32(c, v, p, "region", 0, 63, true, 0,
				   ty->portal_region)) ||
		    (err = pw_get_uint(c, v, p, "offset", 0, 1ull << 40, true, 0,
				    &ty->portal_offset)) ||
		    (err = pw_get_uint(c, v, p, "stride", 64, 1ull << 32, true, 0,
				    &ty->portal_stride)))
			return err;
		r = siovh_profile_region(ty, ty->portal_region);
		for (i = 0; i < ty->adis; i++)
			if (!r || !siovh_profile_is_fast(r, ty->portal_offset +
							 i * ty->portal_stride,
							 64))
				return pw_perr(c, p, "ADI %u's portal is not inside "
					    "a fast area of region %u", i,
					    ty->portal_region);
		ty->has_portal = true;
	}

	if ((err = pw_member(c, o, path, "queues", false, &v, p)))
		return err;
	if (v) {
		if ((err = pw_object_of(c, v, p, queue_keys)) ||
		    (err = GET_U32(c, v, p, "max", 1, 256, true, 0,
				   ty->max_queues)) ||
		    (err = GET_U32(c, v, p, "default", 1, ty->max_queues, false,
				   ty->max_queues, ty->default_queues)))
			return err;
	}

	if ((err = pw_member(c, o, path, "migration", false, &v, p)))
		return err;
	if (v) {
		if ((err = pw_object_of(c, v, p, mig_keys)) ||
		    (err = pw_get_flags(c, v, p, "flags", true, mig_flag_names,
				     &ty->migration_flags)))
			return err;
		if (!(ty->migration_flags & VFIO_MIGRATION_STOP_COPY)) {
			pw_child(pf, p, "flags");
			return pw_perr(c, pf, "migration v2 requires \"stop_copy\"");
		}
	}

	if ((err = pw_member(c, o, path, "dirty", false, &v, p)))
		return err;
	if (v) {
		if ((err = pw_object_of(c, v, p, dirty_keys)) ||
		    (err = pw_get_uint(c, v, p, "page_size", SZ_4K, 1ull << 30,
				    true, 0, &ty->dirty_page_size)))
			return err;
		if (!pw_is_pow2(ty->dirty_page_size)) {
			pw_child(pf, p, "page_size");
			return pw_perr(c, pf, "%#llx is not a power of two",
				    (unsigned long long)ty->dirty_page_size);
		}
	}
	if ((err = pw_get_bool(c, o, path, "mailbox", false, &ty->has_mailbox)))
		return err;
	return pw_get_bool(c, o, path, "pinning", false, &ty->pinning);
}

static int parse_type(struct pctx *c, const json_t *o, const char *path,
		      const struct siovh_profile_parent *pp,
		      struct siovh_profile_type *ty)
{
	static const char *const keys[] = {
		"name", "adis", "max_instances", "device", "regions", "irqs",
		"config", "registers", "portal", "queues", "migration", "dirty",
		"mailbox", "pinning", NULL
	};
	static const char *const dev_keys[] = {
		"flags", "num_regions", "num_irqs", NULL
	};
	char p[PATH_MAX_LEN];
	json_t *v;
	int err;

	if ((err = pw_object_of(c, o, path, keys)) ||
	    (err = pw_get_name(c, o, path, "name", true, ty->name)) ||
	    (err = GET_U32(c, o, path, "adis", 1, SIOVH_VDEV_MAX_ADIS, true, 0,
			   ty->adis)) ||
	    (err = GET_U32(c, o, path, "max_instances", 1,
			   pp->adis / ty->adis ? pp->adis / ty->adis : 1, true,
			   0, ty->max_instances)))
		return err;
	if (ty->adis > pp->adis) {
		pw_child(p, path, "adis");
		return pw_perr(c, p, "%u ADIs per instance, the parent has %u",
			    ty->adis, pp->adis);
	}
	if ((err = pw_member(c, o, path, "device", true, &v, p)) ||
	    (err = pw_object_of(c, v, p, dev_keys)) ||
	    (err = pw_get_flags(c, v, p, "flags", true, device_flag_names,
			     &ty->device_flags)) ||
	    (err = GET_U32(c, v, p, "num_regions", 1, 64, true, 0,
			   ty->num_regions)) ||
	    (err = GET_U32(c, v, p, "num_irqs", 0, 64, true, 0, ty->num_irqs)))
		return err;
	if ((err = parse_regions(c, o, path, ty)) ||
	    (err = parse_irqs(c, o, path, ty)))
		return err;
	if ((err = pw_member(c, o, path, "config", true, &v, p)) ||
	    (err = parse_config(c, v, p, ty)))
		return err;
	if ((err = parse_regs(c, o, path, ty)))
		return err;
	return parse_features(c, o, path, ty);
}

static int parse_root(struct pctx *c, const json_t *root,
		      struct siovh_profile *pr)
{
	static const char *const keys[] = {
		"schema", "name", "description", "parent", "iommu", "types",
		NULL
	};
	char p[PATH_MAX_LEN], pe[PATH_MAX_LEN];
	json_t *v, *arr, *e;
	size_t i, j;
	int err;

	if ((err = pw_object_of(c, root, "$", keys)) ||
	    (err = pw_member(c, root, "$", "schema", true, &v, p)))
		return err;
	if (!json_is_string(v) || strcmp(json_string_value(v),
					 SIOVH_PROFILE_SCHEMA))
		return pw_expected(c, p, v, "\"%s\"", SIOVH_PROFILE_SCHEMA);
	if ((err = pw_get_name(c, root, "$", "name", true, pr->name)) ||
	    (err = pw_member(c, root, "$", "description", false, &v, p)))
		return err;
	if (v && !json_is_string(v))
		return pw_expected(c, p, v, "string");
	if ((err = pw_member(c, root, "$", "parent", true, &v, p)) ||
	    (err = parse_parent(c, v, p, &pr->parent)) ||
	    (err = pw_member(c, root, "$", "iommu", false, &v, p)) ||
	    (err = parse_iommu(c, v, p, &pr->iommu)) ||
	    (err = pw_get_array(c, root, "$", "types", true, 1,
			     SIOVH_PROFILE_MAX_TYPES, &arr, p)))
		return err;
	json_array_foreach(arr, i, e) {
		pw_elem(pe, p, i);
		err = parse_type(c, e, pe, &pr->parent, &pr->types[i]);
		if (err)
			return err;
		for (j = 0; j < i; j++)
			if (!strcmp(pr->types[j].name, pr->types[i].name)) {
				pw_child(p, pe, "name");
				return pw_perr(c, p, "type \"%s\" listed twice",
					    pr->types[i].name);
			}
		pr->nr_types++;
	}
	return 0;
}

/* --- entry points -------------------------------------------------------- */

static int finish(struct pctx *c, json_t *root, const json_error_t *jerr,
		  struct siovh_profile **out)
{
	struct siovh_profile *pr;
	int err;

	if (!root) {
		if (json_error_code(jerr) == json_error_cannot_open_file) {
			snprintf(c->err, c->errlen, "%s: %s", c->file, jerr->text);
			return -ENOENT;
		}
		snprintf(c->err, c->errlen, "%s:%d:%d: invalid JSON: %s",
			 c->file, jerr->line, jerr->column, jerr->text);
		return -EINVAL;
	}
	pr = calloc(1, sizeof(*pr));
	if (!pr) {
		json_decref(root);
		snprintf(c->err, c->errlen, "%s: out of memory", c->file);
		return -ENOMEM;
	}
	snprintf(pr->file, sizeof(pr->file), "%s", c->file);
	err = parse_root(c, root, pr);
	json_decref(root);
	if (err) {
		free(pr);
		return err;
	}
	*out = pr;
	return 0;
}

int siovh_profile_parse(const char *text, size_t len, const char *name,
			struct siovh_profile **out, char *err, size_t errlen)
{
	char dummy[1];
	struct pctx c = {
		.file = name ? name : "(profile)",
		.err = err && errlen ? err : dummy,
		.errlen = err && errlen ? errlen : sizeof(dummy),
	};
	json_error_t jerr;

	*out = NULL;
	c.err[0] = '\0';
	return finish(&c, json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr),
		      &jerr, out);
}

int siovh_profile_load(const char *path, struct siovh_profile **out,
		       char *err, size_t errlen)
{
	char dummy[1];
	struct pctx c = {
		.file = path ? path : "(null)",
		.err = err && errlen ? err : dummy,
		.errlen = err && errlen ? errlen : sizeof(dummy),
	};
	json_error_t jerr;
	FILE *f;
	int ret;

	*out = NULL;
	c.err[0] = '\0';
	if (!path) {
		snprintf(c.err, c.errlen, "no profile path");
		return -ENOENT;
	}
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(c.err, c.errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = finish(&c, json_loadf(f, JSON_REJECT_DUPLICATES, &jerr), &jerr,
		     out);
	fclose(f);
	return ret;
}

void siovh_profile_free(struct siovh_profile *p)
{
	free(p);
}

const char *siovh_profile_path_of(struct siovh_target *t)
{
	const char *env = getenv(SIOVH_PROFILE_ENV);

	if (env && *env)
		return env;
	if (!t || !t->pci || !t->pci->profile_path)
		return NULL;
	return t->pci->profile_path(t);
}

const struct siovh_profile_type *
siovh_profile_type(const struct siovh_profile *p, const char *name)
{
	uint32_t i;

	for (i = 0; p && name && i < p->nr_types; i++)
		if (!strcmp(p->types[i].name, name))
			return &p->types[i];
	return NULL;
}

const struct siovh_profile_region *
siovh_profile_region(const struct siovh_profile_type *ty, uint32_t index)
{
	uint32_t i;

	for (i = 0; ty && i < ty->nr_regions; i++)
		if (ty->regions[i].index == index)
			return &ty->regions[i];
	return NULL;
}

const struct siovh_profile_irq *
siovh_profile_irq(const struct siovh_profile_type *ty, uint32_t index)
{
	uint32_t i;

	for (i = 0; ty && i < ty->nr_irqs; i++)
		if (ty->irqs[i].index == index)
			return &ty->irqs[i];
	return NULL;
}

const struct siovh_profile_reg *
siovh_profile_reg(const struct siovh_profile_type *ty, const char *name)
{
	uint32_t i;

	for (i = 0; ty && name && i < ty->nr_regs; i++)
		if (!strcmp(ty->regs[i].name, name))
			return &ty->regs[i];
	return NULL;
}

const struct siovh_profile_bar *
siovh_profile_bar(const struct siovh_profile_type *ty, uint32_t bar)
{
	uint32_t i;

	for (i = 0; ty && i < ty->nr_bars; i++)
		if (ty->bars[i].bar == bar)
			return &ty->bars[i];
	return NULL;
}

bool siovh_profile_is_fast(const struct siovh_profile_region *r,
			   uint64_t offset, uint64_t len)
{
	uint32_t i;

	for (i = 0; r && i < r->nr_fast; i++)
		if (offset >= r->fast[i].offset && len <= r->fast[i].size &&
		    offset - r->fast[i].offset <= r->fast[i].size - len)
			return true;
	return false;
}
