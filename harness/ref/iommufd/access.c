// SPDX-License-Identifier: MIT
/*
 * Accesses: in-kernel users of an IOAS that reach user memory without an
 * IOMMU domain (an mdev's vfio_pin_pages / vfio_dma_rw, a VDCM's slow
 * path), and the driver modelled behind each, the kernel's test user: its
 * pins and its unmap notification. The rules are in iommufd.h
 * ("Accesses"); they follow Linux's iommufd_access_* (device.c) and
 * iopt_unmap_iova_range (io_pagetable.c) of 6.12 and 7.x.
 *
 * A pin is kept as a range of the access's IOAS, not as a count in the
 * areas: whether an area is pinned is asked of the accesses attached to
 * its IOAS. So a COPY's areas, which share pages but not IOVAs, are never
 * pinned by the source's pins.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/alloc/alloc.h"
#include "iommufd_internal.h"

#define CREATE_FLAGS (IOMMUFD_ACCESS_PIN_PAGES | IOMMUFD_ACCESS_KEEP_PINS)

static struct iommufd_access *access_get(struct iommufd_ctx *ctx, uint32_t id)
{
	struct iommufd_obj *obj = iommufd_get_obj(ctx, id, IOMMUFD_OBJ_ACCESS);

	return obj ? &obj->access : NULL;
}

static bool meets(const struct iommufd_pin *p, uint64_t start, uint64_t last)
{
	return p->iova <= last && start <= p->last;
}

bool iommufd_access_pinned(struct iommufd_ctx *ctx,
			   const struct iommufd_ioas *ioas, uint64_t start,
			   uint64_t last)
{
	const struct iommufd_access *acc;
	uint32_t id;
	size_t i;

	for (id = 1; ioas->accesses && id <= ctx->nobjs; id++) {
		acc = access_get(ctx, id);
		if (!acc || acc->ioas != ioas)
			continue;
		for (i = 0; i < acc->npins; i++)
			if (meets(&acc->pins[i], start, last))
				return true;
	}
	return false;
}

static void pin_remove(struct iommufd_access *acc, size_t i)
{
	memmove(&acc->pins[i], &acc->pins[i + 1],
		(acc->npins - i - 1) * sizeof(acc->pins[0]));
	acc->npins--;
}

/*
 * The driver's unmap notification: it stops using [start, last], unpinning
 * every pin that meets it, whole. A KEEP_PINS driver ignores it.
 */
static void access_unmap(struct iommufd_access *acc, uint64_t start,
			 uint64_t last)
{
	size_t i;

	if (acc->flags & IOMMUFD_ACCESS_KEEP_PINS)
		return;
	for (i = 0; i < acc->npins;) {
		if (meets(&acc->pins[i], start, last))
			pin_remove(acc, i);
		else
			i++;
	}
}

int iommufd_access_notify_unmap(struct iommufd_ctx *ctx,
				struct iommufd_ioas *ioas,
				struct iopt_area *a)
{
	struct iommufd_access *acc;
	uint32_t id;

	/* (the fault notify-any-ioas: every access is told, pinned or not) */
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_ACCESS_NOTIFY_ANY_IOAS) &&
	    !iommufd_access_pinned(ctx, ioas, a->iova, a->last))
		return 0;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_ACCESS_UNMAP_NO_NOTIFY))
		return 0;	/* the bug: the pins outlive the area */
	a->prevent_access = true;
	for (id = 1; id <= ctx->nobjs; id++) {
		acc = access_get(ctx, id);
		if (acc && (acc->ioas == ioas ||
			    iommufd_fault(ctx,
					  IOMMUFD_FAULT_ACCESS_NOTIFY_ANY_IOAS)))
			access_unmap(acc, a->iova, a->last);
	}
	/* Linux retries, then gives up with a WARN: the driver is broken. */
	if (iommufd_access_pinned(ctx, ioas, a->iova, a->last))
		return -EDEADLOCK;
	return 0;
}

/* ---- attach, replace, destroy ---- */

int iommufd_access_create(struct iommufd_ctx *ctx, uint32_t ioas_id,
			  uint32_t flags, uint32_t *access_id)
{
	struct iommufd_ioas *ioas;
	struct iommufd_obj *obj;

	if (flags & ~CREATE_FLAGS)
		return -EOPNOTSUPP;
	ioas = iommufd_get_ioas(ctx, ioas_id);
	if (!ioas)
		return -ENOENT;
	obj = iommufd_obj_new(ctx, IOMMUFD_OBJ_ACCESS);
	if (!obj)
		return -ENOMEM;
	obj->access.flags = flags;
	obj->access.ioas = ioas;
	ioas->accesses++;
	*access_id = obj->id;
	return 0;
}

/* The access leaves its IOAS (its pins already gone or forgotten). */
static void access_detach(struct iommufd_ctx *ctx, struct iommufd_access *acc)
{
	if (iommufd_fault(ctx, IOMMUFD_FAULT_ACCESS_IOAS_NOT_HELD) &&
	    !acc->ioas)
		return;		/* its IOAS went under it */
	acc->ioas->accesses--;
	acc->ioas = NULL;
}

void iommufd_access_release(struct iommufd_ctx *ctx, struct iommufd_obj *obj)
{
	struct iommufd_access *acc = &obj->access;

	free(acc->pins);
	acc->pins = NULL;
	acc->npins = acc->cap = 0;
	access_detach(ctx, acc);
}

/* The fault access-ioas-not-held: ioas goes under its accesses, which are
 * left attached to nothing (pin and rw then -ENOENT, as Linux's detached
 * access answers). */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
void iommufd_access_ioas_gone(struct iommufd_ctx *ctx,
			      struct iommufd_ioas *ioas)
{
	struct iommufd_access *acc;
	uint32_t id;

	for (id = 1; id <= ctx->nobjs; id++) {
		acc = access_get(ctx, id);
		if (acc && acc->ioas == ioas)
			acc->ioas = NULL;
	}
	ioas->accesses = 0;
}
/* LCOV_EXCL_STOP */

int iommufd_access_destroy(struct iommufd_ctx *ctx, uint32_t access_id)
{
	struct iommufd_obj *obj = iommufd_get_obj(ctx, access_id,
						  IOMMUFD_OBJ_ACCESS);

	if (!obj)
		return -ENOENT;
	iommufd_access_release(ctx, obj);
	iommufd_obj_remove(ctx, obj);
	return 0;
}

int iommufd_access_replace(struct iommufd_ctx *ctx, uint32_t access_id,
			   uint32_t ioas_id)
{
	struct iommufd_access *acc = access_get(ctx, access_id);
	struct iommufd_ioas *ioas;

	if (!acc)
		return -ENOENT;
	ioas = iommufd_get_ioas(ctx, ioas_id);
	if (!ioas)
		return -ENOENT;
	if (ioas == acc->ioas)
		return 0;
	ioas->accesses++;		/* the new IOAS is held first */
	if (!iommufd_fault(ctx, IOMMUFD_FAULT_ACCESS_REPLACE_KEEPS_PINS)) {
		access_unmap(acc, 0, UINT64_MAX);
		acc->npins = 0;		/* what a broken driver kept */
	}
	access_detach(ctx, acc);
	acc->ioas = ioas;
	return 0;
}

/* ---- pin and rw: a walk over the areas covering a range ---- */

/* What a walk does at each piece [cur, last] of area a. */
struct walk {
	struct iommufd_ctx *ctx;
	uint32_t flags;			/* IOMMUFD_ACCESS_RW_WRITE */
	bool pin;			/* pin: pages must start the range */
	uint8_t *buf;			/* rw: the caller's bytes, or NULL */
	const uint8_t *uptr;		/* pin: the user's view, or NULL */
	uint64_t iova;			/* the range's start */
};

/* -EPERM unless a was mapped with what the flags need. */
static int check_prot(const struct walk *w, const struct iopt_area *a)
{
	uint32_t need = w->flags & IOMMUFD_ACCESS_RW_WRITE ?
			IOMMU_IOAS_MAP_WRITEABLE : IOMMU_IOAS_MAP_READABLE;

	if (!(a->prot & need) &&
	    !iommufd_fault(w->ctx, IOMMUFD_FAULT_ACCESS_PERM_IGNORED))
		return -EPERM;
	return 0;
}

/* The user address of IOVA cur in area a. */
static uint8_t *user_at(const struct walk *w, const struct iopt_area *a,
			uint64_t cur)
{
	if (iommufd_fault(w->ctx, w->pin ? IOMMUFD_FAULT_ACCESS_PIN_AREA_START :
					  IOMMUFD_FAULT_ACCESS_RW_AREA_START))
		cur = a->iova;	/* the bug: the offset into the area is lost */
	return (uint8_t *)(uintptr_t)(a->user_va + (cur - a->iova));
}

/* One piece: checked, then (rw) copied or (pin with uptr) compared. */
static int walk_piece(const struct walk *w, const struct iopt_area *a,
		      uint64_t cur, uint64_t last)
{
	uint64_t n = last - cur + 1;
	uint8_t *u;
	int ret;

	if (a->prevent_access &&
	    !iommufd_fault(w->ctx, IOMMUFD_FAULT_ACCESS_STUCK_NOT_BARRED))
		return -EINVAL;
	if (w->pin && cur % IOMMUFD_PAGE &&
	    !iommufd_fault(w->ctx, IOMMUFD_FAULT_ACCESS_PIN_UNALIGNED))
		return -EINVAL;
	ret = check_prot(w, a);
	if (ret)
		return ret;
	u = user_at(w, a, cur);
	if (w->uptr && u != w->uptr + (cur - w->iova))
		return -EBADE;
	if (!w->buf)
		return 0;
	if (w->flags & IOMMUFD_ACCESS_RW_WRITE)
		memcpy(u, w->buf + (cur - w->iova), n);
	else
		memcpy(w->buf + (cur - w->iova), u, n);
	return 0;
}

/*
 * Walk [iova, last] of ioas area by area: -ENOENT when an area is missing
 * at the start or after one (a hole), else the first piece's error.
 */
static int walk(const struct walk *w, const struct iommufd_ioas *ioas,
		uint64_t last)
{
	const struct area_set *s = &ioas->areas;
	size_t i = area_lower(s, w->iova);
	uint64_t cur = w->iova, end;
	int ret;

	for (; i < s->n && s->v[i].iova <= cur; i++) {
		end = s->v[i].last < last ? s->v[i].last : last;
		ret = walk_piece(w, &s->v[i], cur, end);
		if (ret)
			return ret;
		if (end == last)
			return 0;
		if (iommufd_fault(w->ctx, IOMMUFD_FAULT_ACCESS_RW_FIRST_AREA) &&
		    w->buf)
			return 0;	/* the bug: the rest is not copied */
		cur = end + 1;
	}
	return iommufd_fault(w->ctx, IOMMUFD_FAULT_ACCESS_HOLE_OK) &&
	       cur != w->iova ? 0 : -ENOENT;
}

/* The common argument checks of pin and rw; *acc and *last on success. */
static int access_range(struct iommufd_ctx *ctx, uint32_t access_id,
			uint64_t iova, uint64_t length, uint32_t flags,
			struct iommufd_access **acc, uint64_t *last)
{
	*acc = access_get(ctx, access_id);
	if (!*acc)
		return -ENOENT;
	if (flags & ~IOMMUFD_ACCESS_RW_WRITE)
		return -EOPNOTSUPP;
	if (!length)
		return -EINVAL;
	if (iova > UINT64_MAX - (length - 1))
		return -EOVERFLOW;
	*last = iova + length - 1;
	if (iommufd_fault(ctx, IOMMUFD_FAULT_ACCESS_IOAS_NOT_HELD) &&
	    !(*acc)->ioas)
		return -ENOENT;	/* its IOAS went under it */
	return 0;
}

int iommufd_access_pin(struct iommufd_ctx *ctx, uint32_t access_id,
		       uint64_t iova, uint64_t length, uint32_t flags,
		       const void *uptr, uint32_t *pin_id)
{
	struct walk w = { .ctx = ctx, .flags = flags, .pin = true,
			  .uptr = uptr, .iova = iova };
	struct iommufd_access *acc;
	struct iommufd_pin *v;
	uint64_t last;
	int ret;

	ret = access_range(ctx, access_id, iova, length, flags, &acc, &last);
	if (ret)
		return ret;
	if (!(acc->flags & IOMMUFD_ACCESS_PIN_PAGES))
		return -EOPNOTSUPP;
	ret = walk(&w, acc->ioas, last);
	if (ret)
		return ret;
	if (acc->npins == acc->cap) {
		v = ref_realloc(acc->pins, (acc->cap ? acc->cap * 2 : 4) *
					   sizeof(*v));
		if (!v) {
			/* the bug: a pin nobody will unpin, or none at all */
			if (iommufd_fault(ctx, IOMMUFD_FAULT_ACCESS_PIN_ENOMEM_OK))
				return 0;
			return -ENOMEM;
		}
		acc->pins = v;
		acc->cap = acc->cap ? acc->cap * 2 : 4;
	}
	acc->pins[acc->npins++] = (struct iommufd_pin) {
		.id = acc->next_pin, .iova = iova, .last = last,
	};
	*pin_id = acc->next_pin++;
	return 0;
}

int iommufd_access_unpin(struct iommufd_ctx *ctx, uint32_t access_id,
			 uint32_t pin_id)
{
	struct iommufd_access *acc = access_get(ctx, access_id);
	size_t i;

	if (!acc)
		return -ENOENT;
	for (i = 0; i < acc->npins; i++) {
		if (acc->pins[i].id == pin_id) {
			pin_remove(acc, i);
			return 0;
		}
	}
	return -ENOENT;
}

int iommufd_access_rw(struct iommufd_ctx *ctx, uint32_t access_id,
		      uint64_t iova, void *buf, uint64_t len, uint32_t flags)
{
	struct walk w = { .ctx = ctx, .flags = flags, .buf = buf,
			  .iova = iova };
	struct iommufd_access *acc;
	uint64_t last;
	int ret;

	ret = access_range(ctx, access_id, iova, len,
			   flags & ~IOMMUFD_ACCESS_RW_FOREIGN, &acc, &last);
	if (ret)
		return ret;
	return walk(&w, acc->ioas, last);
}
