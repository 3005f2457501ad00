/* SPDX-License-Identifier: MIT */
/*
 * siovdev_cfg_validate: what a careful driver (or a conformance check)
 * verifies of a SIOV endpoint's config space before it trusts it. It
 * reads nothing but the image, so it works on any device's bytes: the
 * reference's, a VDEV's virtual config space, or a fuzzer's output.
 *
 * Every walk is bounded and every pointer checked before use; a byte of
 * the space can belong to one capability only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "siovdev_internal.h"

#define EXT_START	0x100
#define LEGACY_CAP_PCIE	0x10
#define LEGACY_CAP_MSIX	0x11
#define OWNED		1	/* the byte belongs to a capability */
#define CAP_START	2	/* ... and a capability starts there */

struct vstate {
	const uint8_t *cfg;
	uint8_t owner[SIOVDEV_CFG_SIZE];	/* OWNED / CAP_START */
	char *why;
	size_t len;
	uint32_t pcie, msix, pasid, dvsec;	/* offsets found, 0: none */
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

static uint32_t rd(const struct vstate *s, uint32_t off, unsigned int size)
{
	return le_get(&s->cfg[off], size);
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

static uint32_t legacy_size(uint8_t id)
{
	switch (id) {
	case LEGACY_CAP_PCIE:
		return 0x3c;
	case LEGACY_CAP_MSIX:
		return 12;
	}
	return 2;	/* unknown: at least its ID and next pointer */
}

static int walk_legacy(struct vstate *s)
{
	uint32_t off = rd(s, 0x34, 1), hops = 0;
	int ret;

	if (!(rd(s, 0x06, 2) & CFG_STS_CAP_LIST))
		return fail(s, "STATUS lacks the capabilities-list bit");
	while (off) {
		uint8_t id;

		if (off < 0x40 || off > 0xfc || off % 4)
			return fail(s, "capability pointer 0x%x is outside "
				    "0x40..0xfc or not dword aligned", off);
		if (++hops > 48)
			return fail(s, "capability list does not end");
		id = s->cfg[off];
		ret = claim(s, off, legacy_size(id), 0x100);
		if (ret)
			return ret;
		if (id == LEGACY_CAP_PCIE)
			s->pcie = off;
		if (id == LEGACY_CAP_MSIX)
			s->msix = off;
		off = s->cfg[off + 1];
	}
	if (!s->pcie)
		return fail(s, "no PCI Express capability");
	if (!s->msix)
		return fail(s, "no MSI-X capability");
	return 0;
}

/* The size an extended capability claims, from its ID (and, for a
 * DVSEC, its length field, checked to be at least the header). */
static int ext_size(struct vstate *s, uint32_t off, uint16_t id,
		    uint32_t *size)
{
	switch (id) {
	case SIOVDEV_EXT_ID_PASID:
	case SIOVDEV_EXT_ID_ATS:
		*size = 8;
		return 0;
	case SIOVDEV_EXT_ID_PRI:
		*size = 16;
		return 0;
	case SIOVDEV_DVSEC_ID_EXT:
		if (off + 8 > SIOVDEV_CFG_SIZE)
			return fail(s, "DVSEC at 0x%x runs past 4 KiB", off);
		*size = rd(s, off + SIOVDEV_DVSEC_HDR1, 4) >> 20;
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
		if (++hops > (SIOVDEV_CFG_SIZE - EXT_START) / 4)
			return fail(s, "extended capability chain loops");
		hdr = rd(s, off, 4);
		id = (uint16_t)(hdr & 0xffff);
		ret = ext_size(s, off, id, &size);
		if (!ret)
			ret = claim(s, off, size, SIOVDEV_CFG_SIZE);
		if (ret)
			return ret;
		if (id == SIOVDEV_EXT_ID_PASID)
			s->pasid = off;
		if (id == SIOVDEV_DVSEC_ID_EXT &&
		    rd(s, off + SIOVDEV_DVSEC_HDR1, 2) ==
		    SIOVDEV_DVSEC_VENDOR &&
		    rd(s, off + SIOVDEV_DVSEC_HDR2, 2) == SIOVDEV_DVSEC_ID) {
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
	hdr1 = rd(s, at + SIOVDEV_DVSEC_HDR1, 4);
	if ((hdr >> 16 & 0xf) != SIOVDEV_DVSEC_VERSION)
		return fail(s, "DVSEC cap version %u, expected 1",
			    hdr >> 16 & 0xf);
	if ((hdr1 >> 16 & 0xf) != SIOVDEV_DVSEC_REV)
		return fail(s, "DVSEC revision %u, expected 0",
			    hdr1 >> 16 & 0xf);
	if (hdr1 >> 20 != SIOVDEV_DVSEC_LEN)
		return fail(s, "DVSEC length 0x%x, expected 0x18", hdr1 >> 20);
	flags = rd(s, at + SIOVDEV_DVSEC_FLAGS, 1);
	if (flags & ~SIOVDEV_DVSEC_FLAG_HOMOGENEOUS)
		return fail(s, "DVSEC flags 0x%x: reserved bits set", flags);
	sup = rd(s, at + SIOVDEV_DVSEC_SUP_PGSZ, 4);
	sys = rd(s, at + SIOVDEV_DVSEC_SYS_PGSZ, 4);
	if (!(sup & 1))
		return fail(s, "DVSEC supported page sizes 0x%x lack 4 KiB",
			    sup);
	if (!sys || (sys & (sys - 1)))
		return fail(s, "DVSEC system page size 0x%x is not exactly "
			    "one bit", sys);
	if (sys & ~sup)
		return fail(s, "DVSEC system page size 0x%x is not among the "
			    "supported 0x%x", sys, sup);
	if (rd(s, at + SIOVDEV_DVSEC_CAP, 4) & ~SIOVDEV_DVSEC_CAP_IMS)
		return fail(s, "DVSEC capabilities 0x%x: reserved bits set",
			    rd(s, at + SIOVDEV_DVSEC_CAP, 4));
	return 0;
}

static int check_pasid(struct vstate *s)
{
	uint32_t width;

	if (!s->pasid)
		return fail(s, "no PASID capability: SIOV requires one");
	width = rd(s, s->pasid + 4, 2) >> 8 & 0x1f;
	if (width < 1 || width > 20)
		return fail(s, "PASID max width %u outside 1..20", width);
	return 0;
}

int siovdev_cfg_validate(const uint8_t cfg[SIOVDEV_CFG_SIZE], char *why,
			 size_t len)
{
	struct vstate s = { .cfg = cfg, .why = why, .len = len };
	int ret;

	if (len)
		why[0] = '\0';
	if (rd(&s, 0x00, 2) == 0xffff || rd(&s, 0x00, 2) == 0)
		return fail(&s, "no function: vendor ID 0x%04x",
			    rd(&s, 0x00, 2));
	if ((rd(&s, 0x0e, 1) & 0x7f) != 0)
		return fail(&s, "header type %u, expected 0 (endpoint)",
			    rd(&s, 0x0e, 1) & 0x7f);
	memset(s.owner, OWNED, 0x40);		/* the header is taken */
	ret = walk_legacy(&s);
	if (!ret)
		ret = walk_ext(&s);
	if (!ret)
		ret = check_dvsec(&s);
	if (!ret)
		ret = check_pasid(&s);
	return ret;
}
