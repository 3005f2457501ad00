/* SPDX-License-Identifier: MIT */
/*
 * The config-image checker (cfg_image.h): the rules, and why they are
 * checked the way they are. Every walk is bounded and every pointer checked
 * before use; a byte of the space can belong to one capability only
 * (owner[]), which is also how a loop is caught at the first revisit.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cfg_image.h"

/* Standard config-space layout (PCI Express Base, "Configuration Space"). */
#define CFG_VENDOR	0x00
#define CFG_STATUS	0x06
#define STATUS_CAP_LIST	(1u << 4)
#define CFG_HDR_TYPE	0x0e
#define CFG_CAP_PTR	0x34
#define HEADER_END	0x40
#define EXT_START	0x100
#define LEGACY_CAP_PCIE	0x10
#define LEGACY_CAP_MSI	0x05
#define LEGACY_CAP_MSIX	0x11
#define MSI_CTRL_64BIT	(1u << 7)
#define MSI_CTRL_MASKING (1u << 8)
#define EXT_ID_ATS	0x0f
#define EXT_ID_PRI	0x13
#define EXT_ID_PASID	0x1b
#define PASID_CAPREG	0x04

/* The SIOV DVSEC (seed 000's table), offsets from its start. */
#define DVSEC_EXT_ID	0x23	/* extended capability ID */
#define DVSEC_VERSION	1
#define DVSEC_VENDOR	0x8086
#define DVSEC_REV	0
#define DVSEC_LEN	0x18
#define DVSEC_ID	5	/* DVSEC ID for Scalable IOV */
#define DVSEC_HDR1	0x04	/* vendor, revision, length */
#define DVSEC_HDR2	0x08	/* DVSEC ID */
#define DVSEC_FLAGS	0x0b
#define DVSEC_FLAG_HOMOGENEOUS	0x01
#define DVSEC_SUP_PGSZ	0x0c
#define DVSEC_SYS_PGSZ	0x10
#define DVSEC_CAP	0x14
#define DVSEC_CAP_IMS	0x01

#define OWNED		1	/* the byte belongs to a capability */
#define CAP_START	2	/* ... and a capability starts there */

struct vstate {
	const uint8_t *cfg;
	uint8_t owner[CFG_IMAGE_SIZE];	/* OWNED / CAP_START */
	char *why;
	size_t len;
	uint32_t pcie, msi, pasid, dvsec;	/* offsets found, 0: none */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct vstate *s, const char *fmt, ...)
{
	va_list ap;

	if (s->len) {
		va_start(ap, fmt);
		vsnprintf(s->why, s->len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A little-endian field of the image, whatever the host's byte order. */
static uint32_t rd(const struct vstate *s, uint32_t off, unsigned int size)
{
	uint32_t v = 0;

	while (size--)
		v = v << 8 | s->cfg[off + size];
	return v;
}

/* Claim [off, off + size) for the capability at off, or fail. */
static int claim(struct vstate *s, uint32_t off, uint32_t size,
		 uint32_t limit)
{
	uint32_t i;

	if (s->owner[off] == CAP_START)
		return fail(s, "capability chain loops back to 0x%x", off);
	if (off + size > limit)
		return fail(s, "capability at 0x%x (%u bytes) runs past 0x%x",
			    off, size, limit);
	for (i = off; i < off + size; i++) {
		if (s->owner[i])
			return fail(s, "capability at 0x%x overlaps another "
				    "at byte 0x%x", off, i);
		s->owner[i] = OWNED;
	}
	s->owner[off] = CAP_START;
	return 0;
}

/* The size a capability claims: MSI's from its Message Control (64-bit
 * address, per-vector masking), the fixed ones from their ID. */
static uint32_t legacy_size(const struct vstate *s, uint32_t off, uint8_t id)
{
	uint32_t ctrl;

	switch (id) {
	case LEGACY_CAP_PCIE:
		return 0x3c;
	case LEGACY_CAP_MSIX:
		return 12;
	case LEGACY_CAP_MSI:
		ctrl = rd(s, off + 2, 2);
		return 10 + ((ctrl & MSI_CTRL_64BIT) ? 4 : 0) +
		       ((ctrl & MSI_CTRL_MASKING) ? 10 : 0);
	}
	return 2;	/* unknown: at least its ID and next pointer */
}

static int walk_legacy(struct vstate *s)
{
	uint32_t off = rd(s, CFG_CAP_PTR, 1), hops = 0;
	int ret;

	if (!(rd(s, CFG_STATUS, 2) & STATUS_CAP_LIST))
		return fail(s, "STATUS lacks the capabilities-list bit");
	while (off) {
		uint8_t id;

		if (off < HEADER_END || off > 0xfc || off % 4)
			return fail(s, "capability pointer 0x%x is outside "
				    "0x40..0xfc or not dword aligned", off);
		if (++hops > 48)
			return fail(s, "capability list does not end");
		id = s->cfg[off];
		ret = claim(s, off, legacy_size(s, off, id), EXT_START);
		if (ret)
			return ret;
		if (id == LEGACY_CAP_PCIE)
			s->pcie = off;
		if (id == LEGACY_CAP_MSI || id == LEGACY_CAP_MSIX)
			s->msi = off;
		off = s->cfg[off + 1];
	}
	if (!s->pcie)
		return fail(s, "no PCI Express capability");
	/* PCIe: a function that interrupts has MSI or MSI-X (or both). */
	if (!s->msi)
		return fail(s, "no MSI or MSI-X capability");
	return 0;
}

/* The size an extended capability claims, from its ID (and, for a
 * DVSEC, its length field, checked to be at least the header). */
static int ext_size(struct vstate *s, uint32_t off, uint16_t id,
		    uint32_t *size)
{
	switch (id) {
	case EXT_ID_PASID:
	case EXT_ID_ATS:
		*size = 8;
		return 0;
	case EXT_ID_PRI:
		*size = 16;
		return 0;
	case DVSEC_EXT_ID:
		if (off + 8 > CFG_IMAGE_SIZE)
			return fail(s, "DVSEC at 0x%x runs past 4 KiB", off);
		*size = rd(s, off + DVSEC_HDR1, 4) >> 20;
		if (*size < 0x0a)
			return fail(s, "DVSEC at 0x%x: length 0x%x is shorter "
				    "than its header", off, *size);
		return 0;
	}
	*size = 4;
	return 0;
}

static int walk_ext(struct vstate *s)
{
	uint32_t off = EXT_START, hops = 0;
	int ret;

	if (!rd(s, EXT_START, 4))
		return fail(s, "no extended capabilities at 0x100");
	while (off) {
		uint32_t hdr, size = 4;
		uint16_t id;

		if (off < EXT_START || off > 0xffc || off % 4)
			return fail(s, "extended capability offset 0x%x is "
				    "outside 0x100..0xffc or not aligned",
				    off);
		if (++hops > (CFG_IMAGE_SIZE - EXT_START) / 4)
			return fail(s, "extended capability chain loops");
		hdr = rd(s, off, 4);
		id = (uint16_t)(hdr & 0xffff);
		ret = ext_size(s, off, id, &size);
		if (!ret)
			ret = claim(s, off, size, CFG_IMAGE_SIZE);
		if (ret)
			return ret;
		if (id == EXT_ID_PASID)
			s->pasid = off;
		if (id == DVSEC_EXT_ID &&
		    rd(s, off + DVSEC_HDR1, 2) ==
		    DVSEC_VENDOR &&
		    rd(s, off + DVSEC_HDR2, 2) == DVSEC_ID) {
			if (s->dvsec)
				return fail(s, "two SIOV DVSECs (0x%x, 0x%x)",
					    s->dvsec, off);
			s->dvsec = off;
		}
		off = hdr >> 20;
	}
	return 0;
}

static int check_dvsec(struct vstate *s)
{
	uint32_t at = s->dvsec, hdr, hdr1, flags, sup, sys;

	if (!at)
		return fail(s, "no SIOV DVSEC (ext ID 0x23, vendor 0x8086, "
			    "DVSEC ID 5)");
	hdr = rd(s, at, 4);
	hdr1 = rd(s, at + DVSEC_HDR1, 4);
	if ((hdr >> 16 & 0xf) != DVSEC_VERSION)
		return fail(s, "DVSEC cap version %u, expected 1",
			    hdr >> 16 & 0xf);
	if ((hdr1 >> 16 & 0xf) != DVSEC_REV)
		return fail(s, "DVSEC revision %u, expected 0",
			    hdr1 >> 16 & 0xf);
	if (hdr1 >> 20 != DVSEC_LEN)
		return fail(s, "DVSEC length 0x%x, expected 0x18", hdr1 >> 20);
	flags = rd(s, at + DVSEC_FLAGS, 1);
	if (flags & ~DVSEC_FLAG_HOMOGENEOUS)
		return fail(s, "DVSEC flags 0x%x: reserved bits set", flags);
	sup = rd(s, at + DVSEC_SUP_PGSZ, 4);
	sys = rd(s, at + DVSEC_SYS_PGSZ, 4);
	if (!(sup & 1))
		return fail(s, "DVSEC supported page sizes 0x%x lack 4 KiB",
			    sup);
	if (!sys || (sys & (sys - 1)))
		return fail(s, "DVSEC system page size 0x%x is not exactly "
			    "one bit", sys);
	if (sys & ~sup)
		return fail(s, "DVSEC system page size 0x%x is not among the "
			    "supported 0x%x", sys, sup);
	if (rd(s, at + DVSEC_CAP, 4) & ~DVSEC_CAP_IMS)
		return fail(s, "DVSEC capabilities 0x%x: reserved bits set",
			    rd(s, at + DVSEC_CAP, 4));
	return 0;
}

static int check_pasid(struct vstate *s)
{
	uint32_t width;

	if (!s->pasid)
		return fail(s, "no PASID capability: SIOV requires one");
	width = rd(s, s->pasid + PASID_CAPREG, 2) >> 8 & 0x1f;
	if (width < 1 || width > 20)
		return fail(s, "PASID max width %u outside 1..20", width);
	return 0;
}

/* The state of a fresh check: nothing claimed yet but the header. */
static void vstate_init(struct vstate *s, const uint8_t *img, char *why,
			size_t len)
{
	memset(s, 0, sizeof(*s));
	s->cfg = img;
	s->why = why;
	s->len = len;
	if (len)
		why[0] = '\0';
	memset(s->owner, OWNED, HEADER_END);	/* the header is taken */
}

int cfg_image_ext_chain(const uint8_t img[CFG_IMAGE_SIZE], char *why,
			size_t len)
{
	struct vstate s;

	vstate_init(&s, img, why, len);
	return walk_ext(&s);
}

int cfg_image_validate(const uint8_t img[CFG_IMAGE_SIZE], char *why,
		       size_t len)
{
	struct vstate s;
	uint32_t vendor;
	int ret;

	vstate_init(&s, img, why, len);
	vendor = rd(&s, CFG_VENDOR, 2);
	if (vendor == 0xffff || vendor == 0)
		return fail(&s, "no function: vendor ID 0x%04x", vendor);
	if ((rd(&s, CFG_HDR_TYPE, 1) & 0x7f) != 0)
		return fail(&s, "header type %u, expected 0 (endpoint)",
			    rd(&s, CFG_HDR_TYPE, 1) & 0x7f);
	ret = walk_legacy(&s);
	if (!ret)
		ret = walk_ext(&s);
	if (!ret)
		ret = check_dvsec(&s);
	if (!ret)
		ret = check_pasid(&s);
	return ret;
}
