// SPDX-License-Identifier: MIT
/*
 * SIOV.DVSEC: the parent endpoint's Scalable IOV DVSEC and the capabilities
 * SIOV depends on, read and written through the pci facet (the parent's
 * config space, like its sysfs config file). Expected values come from the
 * device profile's "parent" object; the layout from the seed's DVSEC table.
 * The rules every SIOV config space obeys whatever the profile says (both
 * capability lists well formed, every capability fitting in its space, the
 * DVSEC table, a PASID capability) are the config-image checker's
 * (cfg_image.h), applied to the parent's space as the facet reads it
 * (SIOV.DVSEC.1 and .27).
 */
#include <string.h>

#include "specs/vdcm/engine.h"
#include "cfg_image.h"

/* DVSEC field offsets (seed 000, "Intel Scalable IOV capability"). */
#define DV_HDR		0x00
#define DV_HDR1		0x04
#define DV_HDR2		0x08
#define DV_FDL		0x0a
#define DV_FLAGS	0x0b
#define DV_SUP_PGSZ	0x0c
#define DV_SYS_PGSZ	0x10
#define DV_CAP		0x14

#define PASID_ECAP	0x001b
#define PASID_CAPREG	0x04
#define PASID_CTRL	0x06

/* Every extended capability header from 0x100: offsets into out. */
static unsigned int ecap_list(struct siovh_check *check, uint32_t *out,
			      unsigned int max)
{
	uint32_t pos = ECAP_START, hdr, next;
	unsigned int n = 0, i;

	while (pos) {
		if (pos < ECAP_START || pos > 0xffc || (pos & 3)) {
			FAIL("extended capability pointer %#x: expected a "
			     "dword-aligned offset in [0x100, 0xffc]", pos);
			return n;
		}
		for (i = 0; i < n; i++)
			if (out[i] == pos) {
				FAIL("extended capability chain loops back to "
				     "%#x after %u capabilities", pos, n);
				return n;
			}
		hdr = pcfg_rd(check, pos, 4);
		if (!hdr && pos == ECAP_START)
			return 0;
		if (n == max) {
			FAIL("more than %u extended capabilities", max);
			return n;
		}
		out[n++] = pos;
		next = hdr >> 20;
		pos = next;
	}
	return n;
}

/* The parent's whole config space, a dword at a time through the facet
 * (as a driver reads the sysfs config file), in the image's byte order. */
static void parent_image(struct siovh_check *check,
			 uint8_t img[CFG_IMAGE_SIZE])
{
	uint32_t off, v;

	for (off = 0; off < CFG_IMAGE_SIZE; off += 4) {
		v = pcfg_rd(check, off, 4);
		img[off] = (uint8_t)v;
		img[off + 1] = (uint8_t)(v >> 8);
		img[off + 2] = (uint8_t)(v >> 16);
		img[off + 3] = (uint8_t)(v >> 24);
	}
}

SIOVH_CLAUSE(dvsec_chain,
	.id = "SIOV.DVSEC.1", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent's extended capability chain from 0x100 is well formed: aligned, in bounds, no loop, terminated, every capability fits below 4 KiB and overlaps no other",
	.source = SRC_DVSEC "; the sizes of the PASID (8), ATS (8) and PRI (16) capabilities and a DVSEC's own length: PCI Express Base, \"Extended Capabilities\"",
	.needs = NEEDS_PCI)
{
	uint8_t img[CFG_IMAGE_SIZE];
	char why[160];

	must_profile(check);
	parent_image(check, img);
	if (cfg_image_ext_chain(img, why, sizeof(why)))
		FAIL("the parent's extended capability chain: %s", why);
}

SIOVH_CLAUSE(dvsec_present,
	.id = "SIOV.DVSEC.2", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent has exactly one SIOV DVSEC: extended capability ID 0x23 with DVSEC vendor 0x8086 and DVSEC ID 5",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	uint32_t pos[64];
	unsigned int n, i, found = 0, dvsecs = 0;

	must_profile(check);
	n = ecap_list(check, pos, 64);
	for (i = 0; i < n; i++) {
		if (pcfg_rd(check, pos[i], 2) != 0x23)
			continue;
		dvsecs++;
		if ((pcfg_rd(check, pos[i] + DV_HDR1, 4) & 0xffff) == 0x8086 &&
		    pcfg_rd(check, pos[i] + DV_HDR2, 2) == 5)
			found++;
		else
			siovh_note(check, "DVSEC at %#x: vendor %#x, ID %u",
				   pos[i], pcfg_rd(check, pos[i] + DV_HDR1, 2),
				   pcfg_rd(check, pos[i] + DV_HDR2, 2));
	}
	if (found != 1)
		FAIL("%u SIOV DVSECs (vendor 0x8086, ID 5) among %u DVSECs; "
		     "expected exactly 1", found, dvsecs);
}

SIOVH_CLAUSE(dvsec_version,
	.id = "SIOV.DVSEC.3", .level = SIOVH_MUST, .facet = "pci",
	.title = "the SIOV DVSEC's extended capability header has capability version 1",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	uint32_t pos;

	must_profile(check);
	pos = parent_siov_dvsec(check);
	EXPECT_EQ((pcfg_rd(check, pos, 4) >> 16) & 0xf, 1);
}

SIOVH_CLAUSE(dvsec_header1,
	.id = "SIOV.DVSEC.4", .level = SIOVH_MUST, .facet = "pci",
	.title = "DVSEC header 1 (+0x04): vendor 0x8086, revision 0, length 0x18",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	uint32_t pos, h;

	must_profile(check);
	pos = parent_siov_dvsec(check);
	h = pcfg_rd(check, pos + DV_HDR1, 4);
	EXPECT_EQ(h & 0xffff, 0x8086);
	EXPECT_EQ((h >> 16) & 0xf, 0);
	EXPECT_EQ(h >> 20, 0x18);
}

SIOVH_CLAUSE(dvsec_fdl_flags,
	.id = "SIOV.DVSEC.5", .level = SIOVH_MUST, .facet = "pci",
	.title = "function dependency link (+0x0A) and flags (+0x0B, bit 0 homogeneous) read the profile's values",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pos = parent_siov_dvsec(check);

	EXPECT_EQ(pcfg_rd(check, pos + DV_FDL, 1),
		  p->parent.dvsec.function_dependency_link);
	EXPECT_EQ(pcfg_rd(check, pos + DV_FLAGS, 1), p->parent.dvsec.flags);
	EXPECT_EQ(pcfg_rd(check, pos + DV_HDR2, 4) >> 16,
		  p->parent.dvsec.function_dependency_link |
		  (uint32_t)p->parent.dvsec.flags << 8);
}

SIOVH_CLAUSE(dvsec_sup_pgsz,
	.id = "SIOV.DVSEC.6", .level = SIOVH_MUST, .facet = "pci",
	.title = "supported page sizes (+0x0C) read the profile's value and always include 4 KiB (bit 0)",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t sup = pcfg_rd(check, parent_siov_dvsec(check) + DV_SUP_PGSZ, 4);

	EXPECT_TRUE(sup & 1);
	EXPECT_EQ(sup, p->parent.dvsec.supported_page_sizes);
}

SIOVH_CLAUSE(dvsec_sys_pgsz_default,
	.id = "SIOV.DVSEC.7", .level = SIOVH_MUST, .facet = "pci",
	.title = "system page size (+0x10) reads the profile's default: exactly one bit, a supported size",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pos = parent_siov_dvsec(check);
	uint32_t sys = pcfg_rd(check, pos + DV_SYS_PGSZ, 4);
	uint32_t sup = pcfg_rd(check, pos + DV_SUP_PGSZ, 4);

	EXPECT_EQ(sys, p->parent.dvsec.system_page_size);
	EXPECT_EQ(__builtin_popcount(sys), 1);
	EXPECT_EQ(sys & ~sup, 0);
}

SIOVH_CLAUSE(dvsec_sys_pgsz_each,
	.id = "SIOV.DVSEC.8", .level = SIOVH_MUST, .facet = "pci",
	.title = "system page size takes every supported size written as a single bit, and reads it back",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pos = parent_siov_dvsec(check), bit, got;
	uint32_t sup = p->parent.dvsec.supported_page_sizes;

	for (bit = 1; bit; bit <<= 1) {
		if (!(sup & bit))
			continue;
		pcfg_wr(check, pos + DV_SYS_PGSZ, bit, 4);
		got = pcfg_rd(check, pos + DV_SYS_PGSZ, 4);
		if (got != bit)
			FAIL("wrote system page size %#x (supported %#x), read "
			     "back %#x", bit, sup, got);
	}
	pcfg_wr(check, pos + DV_SYS_PGSZ, p->parent.dvsec.system_page_size, 4);
}

/* Write v to the system page size; it must keep its old value. */
static void expect_sps_ignored(struct siovh_check *check, uint32_t pos,
			       uint32_t v, const char *why)
{
	uint32_t before = pcfg_rd(check, pos + DV_SYS_PGSZ, 4), after;

	pcfg_wr(check, pos + DV_SYS_PGSZ, v, 4);
	after = pcfg_rd(check, pos + DV_SYS_PGSZ, 4);
	if (after != before)
		FAIL("system page size %#x (%s) was taken: read back %#x, "
		     "expected the old %#x", v, why, after, before);
}

SIOVH_CLAUSE(dvsec_sys_pgsz_two,
	.id = "SIOV.DVSEC.9", .level = SIOVH_MUST, .facet = "pci",
	.title = "system page size ignores a value with more than one bit set, even of supported sizes",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pos = parent_siov_dvsec(check);
	uint32_t sup = p->parent.dvsec.supported_page_sizes;
	uint32_t hi = sup & ~1u;

	if (!hi)
		hi = 2;
	expect_sps_ignored(check, pos, 1u | (hi & -hi), "two bits");
	expect_sps_ignored(check, pos, 0xffffffff, "all bits");
}

SIOVH_CLAUSE(dvsec_sys_pgsz_unsup,
	.id = "SIOV.DVSEC.10", .level = SIOVH_MUST, .facet = "pci",
	.title = "system page size ignores an unsupported size and zero",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pos = parent_siov_dvsec(check);
	uint32_t unsup = ~p->parent.dvsec.supported_page_sizes;

	expect_sps_ignored(check, pos, 0, "zero");
	if (unsup)
		expect_sps_ignored(check, pos, unsup & -unsup, "unsupported");
	if (unsup & 0x80000000u)
		expect_sps_ignored(check, pos, 0x80000000u, "unsupported");
}

SIOVH_CLAUSE(dvsec_caps,
	.id = "SIOV.DVSEC.11", .level = SIOVH_MUST, .facet = "pci",
	.title = "capabilities (+0x14) read the profile's value; bit 0 (IMS) is set exactly when the parent has IMS",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t cap = pcfg_rd(check, parent_siov_dvsec(check) + DV_CAP, 4);

	EXPECT_EQ(cap, p->parent.dvsec.capabilities);
	EXPECT_EQ(cap & 1, p->parent.ims_entries ? 1 : 0);
}

/* Write v (len bytes) at off; the dword around it must not change. */
static void expect_ro(struct siovh_check *check, uint32_t off, uint32_t v,
		      size_t len, const char *what)
{
	uint32_t dw = off & ~3u;
	uint32_t before = pcfg_rd(check, dw, 4), after;
	struct siovh_target *t = siovh_check_target(check);

	t->pci->cfg_write(t, &v, len, off);
	after = pcfg_rd(check, dw, 4);
	if (after != before)
		FAIL("%s (RO) took a %zu-byte write of %#x at %#x: dword %#x "
		     "went from %#x to %#x", what, len, v, off, dw, before,
		     after);
}

SIOVH_CLAUSE(dvsec_ro,
	.id = "SIOV.DVSEC.12", .level = SIOVH_MUST, .facet = "pci",
	.title = "the DVSEC's RO fields (headers, ID, dependency link, flags, supported sizes, capabilities) ignore writes of any size",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	uint32_t pos, off;

	must_profile(check);
	pos = parent_siov_dvsec(check);
	for (off = DV_HDR; off <= DV_CAP; off += 4) {
		uint32_t v = pcfg_rd(check, pos + off, 4);

		if (off == DV_SYS_PGSZ)
			continue;
		expect_ro(check, pos + off, ~v, 4, "DVSEC dword");
		expect_ro(check, pos + off, 0, 4, "DVSEC dword");
	}
	expect_ro(check, pos + DV_FDL, 0xff, 1, "function dependency link");
	expect_ro(check, pos + DV_FLAGS,
		  ~pcfg_rd(check, pos + DV_FLAGS, 1) & 0xff, 1, "flags");
	expect_ro(check, pos + DV_FDL, 0xa5a5, 2, "link + flags");
	expect_ro(check, pos + DV_CAP, ~pcfg_rd(check, pos + DV_CAP, 1) & 0xff,
		  1, "capabilities");
	expect_ro(check, pos + DV_SUP_PGSZ + 2, 0xffff, 2, "supported sizes");
}

SIOVH_CLAUSE(dvsec_chain_after_writes,
	.id = "SIOV.DVSEC.13", .level = SIOVH_MUST, .facet = "pci",
	.title = "writing all-ones and zero over every extended capability header leaves the chain as it was",
	.source = SRC_DVSEC,
	.needs = NEEDS_PCI)
{
	uint32_t before[64], after[64], hdr[64];
	unsigned int n, m, i;

	must_profile(check);
	n = ecap_list(check, before, 64);
	for (i = 0; i < n; i++) {
		hdr[i] = pcfg_rd(check, before[i], 4);
		expect_ro(check, before[i], 0xffffffff, 4, "ext cap header");
		expect_ro(check, before[i], 0, 4, "ext cap header");
		expect_ro(check, before[i] + 2, 0, 2, "ext cap version/next");
	}
	m = ecap_list(check, after, 64);
	ASSERT_EQ(m, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(after[i], before[i]);
		EXPECT_EQ(pcfg_rd(check, after[i], 4), hdr[i]);
	}
}

SIOVH_CLAUSE(dvsec_pasid_cap,
	.id = "SIOV.DVSEC.14", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent has a PASID capability whose max width and execute/privileged support are the profile's",
	.source = SRC_HW,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pos = parent_find_ecap(check, PASID_ECAP), cap;

	ASSERT_NE(pos, 0);
	cap = pcfg_rd(check, pos + PASID_CAPREG, 2);
	EXPECT_EQ((cap >> 8) & 0x1f, p->parent.pasid_width);
	EXPECT_EQ((cap >> 1) & 1, p->parent.pasid_exec);
	EXPECT_EQ((cap >> 2) & 1, p->parent.pasid_priv);
	expect_ro(check, pos + PASID_CAPREG, ~cap & 0xffff, 2,
		  "PASID capability register");
}

SIOVH_CLAUSE(dvsec_pasid_enabled,
	.id = "SIOV.DVSEC.15", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent's PASID capability is enabled before any ADI is handed out, and stays enabled while VDEVs hold ADIs",
	.source = SRC_HW,
	.needs = NEEDS_PCI | SIOVH_FEAT_VFIO_DEVICE)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pos = parent_find_ecap(check, PASID_ECAP);
	struct vd d;

	ASSERT_NE(pos, 0);
	EXPECT_EQ(pcfg_rd(check, pos + PASID_CTRL, 2) & 1, 1);
	vd_create(check, &p->types[0], &d, 1);
	EXPECT_EQ(pcfg_rd(check, pos + PASID_CTRL, 2) & 1, 1);
	vd_open(check, &d, true);
	EXPECT_EQ(pcfg_rd(check, pos + PASID_CTRL, 2) & 1, 1);
	if (siovh_check_target(check)->features & SIOVH_FEAT_TEST_VDEV)
		EXPECT_EQ(parent_probe(check).pasid_enabled, 1);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dvsec_pasid_enable_rw,
	.id = "SIOV.DVSEC.16", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent's PASID enable bit is read-write (it is what the host enables before handing out ADIs)",
	.source = SRC_HW,
	.needs = NEEDS_PCI)
{
	uint32_t pos, ctrl;

	must_profile(check);
	pos = parent_find_ecap(check, PASID_ECAP);
	ASSERT_NE(pos, 0);
	ctrl = pcfg_rd(check, pos + PASID_CTRL, 2);
	pcfg_wr(check, pos + PASID_CTRL, ctrl & ~1u, 2);
	EXPECT_EQ(pcfg_rd(check, pos + PASID_CTRL, 2) & 1, 0);
	pcfg_wr(check, pos + PASID_CTRL, ctrl | 1u, 2);
	EXPECT_EQ(pcfg_rd(check, pos + PASID_CTRL, 2) & 1, 1);
	pcfg_wr(check, pos + PASID_CTRL, ctrl, 2);
}

SIOVH_CLAUSE(dvsec_caps_listed,
	.id = "SIOV.DVSEC.17", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent shows every capability and extended capability its profile lists (PCIe, MSI-X, PASID, ATS, PRI)",
	.source = SRC_HW,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t bit;

	EXPECT_TRUE(pcfg_rd(check, CFG_STATUS, 2) & STATUS_CAP_LIST);
	for (bit = 1; bit; bit <<= 1) {
		if ((p->parent.caps & bit) &&
		    !parent_find_cap(check, (uint8_t)siovh_profile_cap_id(bit)))
			FAIL("capability %#x is missing from the parent's list",
			     siovh_profile_cap_id(bit));
		if ((p->parent.ext_caps & bit) &&
		    !parent_find_ecap(check, siovh_profile_ext_cap_id(bit)))
			FAIL("extended capability %#x is missing from the "
			     "parent's chain", siovh_profile_ext_cap_id(bit));
	}
}

SIOVH_CLAUSE(dvsec_ids,
	.id = "SIOV.DVSEC.18", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent's vendor and device IDs are the profile's and ignore writes",
	.source = "derived: the profile names the parent; IDs are RO in every PCI header",
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);

	EXPECT_EQ(pcfg_rd(check, CFG_VENDOR, 2), p->parent.vendor_id);
	EXPECT_EQ(pcfg_rd(check, CFG_DEVICE, 2), p->parent.device_id);
	expect_ro(check, CFG_VENDOR, 0x1234, 2, "vendor ID");
	expect_ro(check, CFG_DEVICE, 0x4321, 2, "device ID");
	expect_ro(check, CFG_VENDOR, 0xffffffff, 4, "vendor/device ID");
}

SIOVH_CLAUSE(dvsec_command_reserved,
	.id = "SIOV.DVSEC.19", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent's COMMAND bits that do not apply to PCIe (3, 4, 5, 7, 9) stay 0 when written",
	.source = "derived: PCIe hardwires COMMAND bits 3-5, 7, 9 to 0 (Command register); I/O Space Enable (bit 0) is only permitted, not required, to be hardwired to 0 on a function without I/O space, so it is noted, not judged",
	.needs = NEEDS_PCI)
{
	uint32_t cmd, got;

	must_profile(check);
	cmd = pcfg_rd(check, CFG_COMMAND, 2);
	pcfg_wr(check, CFG_COMMAND, cmd | 0x2b9, 2);
	got = pcfg_rd(check, CFG_COMMAND, 2);
	pcfg_wr(check, CFG_COMMAND, cmd, 2);
	EXPECT_EQ(got & 0x2b8, 0);
	if (got & 1)
		siovh_note(check, "I/O Space Enable took a write although the "
			   "profile lists memory BARs only (permitted)");
}

SIOVH_CLAUSE(dvsec_bar_sizing,
	.id = "SIOV.DVSEC.20", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent's BARs follow the sizing protocol: all-ones reads back ~(size - 1) with the profile's type bits",
	.source = "derived: PCI BAR sizing; the ADI portals of the profile's BAR are 4 KiB-aligned pages of it (" SRC_SIOV002 ")",
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t i, off, lo, hi, old_lo, old_hi = 0;
	uint64_t got, want;

	if (!p->parent.nr_bars)
		SKIP("the profile lists no parent BARs");
	for (i = 0; i < p->parent.nr_bars; i++) {
		const struct siovh_profile_bar *b = &p->parent.bars[i];

		off = CFG_BAR0 + 4 * b->bar;
		old_lo = pcfg_rd(check, off, 4);
		if (b->mem64)
			old_hi = pcfg_rd(check, off + 4, 4);
		pcfg_wr(check, off, 0xffffffff, 4);
		if (b->mem64)
			pcfg_wr(check, off + 4, 0xffffffff, 4);
		lo = pcfg_rd(check, off, 4);
		hi = b->mem64 ? pcfg_rd(check, off + 4, 4) : 0xffffffff;
		pcfg_wr(check, off, old_lo, 4);
		if (b->mem64)
			pcfg_wr(check, off + 4, old_hi, 4);
		got = (uint64_t)hi << 32 | lo;
		want = ~(b->size - 1) | (b->mem64 ? 4 : 0) |
		       (b->prefetchable ? 8 : 0);
		if (got != want)
			FAIL("BAR%u sized %#llx: expected %#llx (size %#llx)",
			     b->bar, (unsigned long long)got,
			     (unsigned long long)want,
			     (unsigned long long)b->size);
	}
}

SIOVH_CLAUSE(dvsec_status_rw1c,
	.id = "SIOV.DVSEC.21", .level = SIOVH_MUST, .facet = "pci",
	.title = "a failed DMA of an ADI sets the parent's STATUS received-master-abort bit, and writing 1 to it clears it",
	.source = "derived: PCI STATUS error bits are RW1C; an ADI's DMA is the parent function's (" SRC_HW ")",
	.needs = NEEDS_PCI | SIOVH_FEAT_VFIO_DEVICE | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	struct dma_buf b;
	struct vd d;

	must_portal(check, ty);
	vd_up(check, ty, &d, 1);
	q_enable(check, &d, 0);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	EXPECT_EQ(run_copy(check, &d, 0, &b, 0x7000000, b.iova, 64,
			   b.iova + 0xf00, 0), SIOVDEV_CS_PAGE_FAULT);
	ASSERT_TRUE(pcfg_rd(check, CFG_STATUS, 2) & (1u << 13));
	pcfg_wr(check, CFG_STATUS, 1u << 13, 2);
	EXPECT_EQ(pcfg_rd(check, CFG_STATUS, 2) & (1u << 13), 0);
	EXPECT_TRUE(pcfg_rd(check, CFG_STATUS, 2) & STATUS_CAP_LIST);
	vd_down(check, &d);
}

SIOVH_CLAUSE(dvsec_image,
	.id = "SIOV.DVSEC.27", .level = SIOVH_MUST, .facet = "pci",
	.title = "the parent's whole config space passes the config-image checker: both capability lists bounded and non-overlapping, PCIe, MSI or MSI-X, and PASID (max width 1..20) present, one SIOV DVSEC with every field as the DVSEC table gives",
	.source = SRC_DVSEC " (the DVSEC table); " "\"What's new in hardware?\" (\"PASID capability is required\"); the capability list rules and MSI or MSI-X: PCI Express Base, \"Capabilities List\"",
	.needs = NEEDS_PCI)
{
	uint8_t img[CFG_IMAGE_SIZE];
	char why[160];

	must_profile(check);
	parent_image(check, img);
	if (cfg_image_validate(img, why, sizeof(why)))
		FAIL("the parent's config space fails the checker "
		     "(specs/dvsec/cfg_image.h): %s", why);
}
