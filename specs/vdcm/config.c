// SPDX-License-Identifier: MIT
/*
 * VDCM.CFG: the VDEV's virtual config space, fully emulated by the VDCM
 * (seed 000, "Design the VDCM": the virtual config space): identity from the
 * profile, RO bits, the BAR sizing protocol, the command register, a
 * well-formed capability list, and PASID/ATS/PRI shown only while the
 * parent has them enabled ("VDCM to support vSVA (Cont.)").
 */
#include <string.h>

#include "common.h"

#define PCIE_DEVCTL	0x08

/* Write v at off (len bytes): the dword around it must not change. */
static void expect_vro(struct siovh_check *check, struct vd *d, uint32_t off,
		       uint32_t v, size_t len, const char *what)
{
	uint32_t dw = off & ~3u, before, after;

	before = cfg_rd(check, d, dw, 4);
	vd_write(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v, len);
	after = cfg_rd(check, d, dw, 4);
	if (before != after)
		FAIL("%s (RO) of the VDEV took a %zu-byte write of %#x at %#x: "
		     "%#x -> %#x", what, len, v, off, before, after);
}

SIOVH_CLAUSE(cfg_identity,
	.id = "VDCM.CFG.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the VDEV's vendor, device and class codes are the profile's, and ignore writes",
	.source = SRC_DESIGN " (The virtual config space)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t i;
	struct vd d;

	for (i = 0; i < p->nr_types; i++) {
		const struct siovh_profile_type *ty = &p->types[i];

		vd_up(check, ty, &d, 1 + i);
		EXPECT_EQ(cfg_rd(check, &d, CFG_VENDOR, 2), ty->vendor_id);
		EXPECT_EQ(cfg_rd(check, &d, CFG_DEVICE, 2), ty->device_id);
		EXPECT_EQ(cfg_rd(check, &d, CFG_REVISION, 4) >> 8,
			  ty->class_code);
		expect_vro(check, &d, CFG_VENDOR, 0xffffffff, 4, "vendor/device");
		expect_vro(check, &d, CFG_DEVICE, 0x1234, 2, "device ID");
		expect_vro(check, &d, CFG_REVISION, 0, 4, "revision/class");
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(cfg_command,
	.id = "VDCM.CFG.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the VDEV's command register starts at 0; MEMORY and BUS MASTER are read-write; I/O and PCIe-hardwired bits stay 0",
	.source = SRC_DESIGN " (The virtual config space)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct vd d;

	vd_create(check, &p->types[0], &d, 1);
	vd_open(check, &d, false);
	/*
	 * A passed-through function's COMMAND is its own: vfio-pci enables
	 * it at open (pci_enable_device sets MEMORY) and lets the function
	 * decide which bits are writable, and vfio.h promises neither. Only
	 * MEMORY and BUS MASTER being read-write is judged there.
	 */
	if (d.ty->cfg_passthrough)
		siovh_note(check, "config space passed through (profile): "
			   "COMMAND's value at open and its I/O bit are the "
			   "function's, not judged");
	else
		EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) &
			  (CMD_MEMORY | CMD_MASTER), 0);
	cfg_wr(check, &d, CFG_COMMAND, 0xffff, 2);
	EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & (CMD_MEMORY | CMD_MASTER),
		  CMD_MEMORY | CMD_MASTER);
	if (!d.ty->cfg_passthrough)
		EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & 0x2b9, 0);
	cfg_wr(check, &d, CFG_COMMAND, CMD_MASTER, 2);
	EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & (CMD_MEMORY | CMD_MASTER),
		  CMD_MASTER);
	vd_down(check, &d);
}

SIOVH_CLAUSE(cfg_bar_sizing,
	.id = "VDCM.CFG.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "every virtual BAR follows the sizing protocol: all-ones reads back ~(size - 1) with its type bits; the address then reads back",
	.source = SRC_DESIGN " (The virtual bar regions)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t i, k, off, lo, hi;
	uint64_t got, want;
	struct vd d;

	for (i = 0; i < p->nr_types; i++) {
		const struct siovh_profile_type *ty = &p->types[i];

		vd_create(check, ty, &d, 1 + i);
		vd_open(check, &d, false);
		for (k = 0; k < ty->nr_bars; k++) {
			const struct siovh_profile_bar *b = &ty->bars[k];
			uint32_t type = (b->mem64 ? 4 : 0) |
					(b->prefetchable ? 8 : 0) |
					(b->io ? 1 : 0);

			off = CFG_BAR0 + 4 * b->bar;
			cfg_wr(check, &d, off, 0xffffffff, 4);
			if (b->mem64)
				cfg_wr(check, &d, off + 4, 0xffffffff, 4);
			lo = cfg_rd(check, &d, off, 4);
			hi = b->mem64 ? cfg_rd(check, &d, off + 4, 4) :
					0xffffffff;
			got = (uint64_t)hi << 32 | lo;
			want = ~(b->size - 1) | type;
			if (got != want)
				FAIL("%s BAR%u sized %#llx, expected %#llx "
				     "(size %#llx)", ty->name, b->bar,
				     (unsigned long long)got,
				     (unsigned long long)want,
				     (unsigned long long)b->size);
			/* A size-aligned address is kept. */
			cfg_wr(check, &d, off, (uint32_t)(b->size << 4) & ~0xfu,
			       4);
			if (b->mem64)
				cfg_wr(check, &d, off + 4, 0x12, 4);
			EXPECT_EQ(cfg_rd(check, &d, off, 4),
				  ((uint32_t)(b->size << 4) & ~0xfu) | type);
			if (b->mem64)
				EXPECT_EQ(cfg_rd(check, &d, off + 4, 4), 0x12);
		}
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(cfg_bar_absent,
	.id = "VDCM.CFG.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "BAR registers the profile does not list (and the ROM BAR) read 0 and ignore writes",
	.source = SRC_DESIGN " (The virtual bar regions)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	uint32_t bar, k;
	bool used;
	struct vd d;

	vd_create(check, ty, &d, 1);
	vd_open(check, &d, false);
	for (bar = 0; bar < 6; bar++) {
		used = false;
		for (k = 0; k < ty->nr_bars; k++)
			if (ty->bars[k].bar == bar ||
			    (ty->bars[k].mem64 && ty->bars[k].bar + 1 == bar))
				used = true;
		if (used)
			continue;
		cfg_wr(check, &d, CFG_BAR0 + 4 * bar, 0xffffffff, 4);
		if (cfg_rd(check, &d, CFG_BAR0 + 4 * bar, 4))
			FAIL("unlisted BAR%u reads %#x after all-ones, "
			     "expected 0", bar,
			     cfg_rd(check, &d, CFG_BAR0 + 4 * bar, 4));
	}
	cfg_wr(check, &d, 0x30, 0xffffffff, 4);
	EXPECT_EQ(cfg_rd(check, &d, 0x30, 4), 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(cfg_cap_list,
	.id = "VDCM.CFG.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the VDEV's capability list is well formed (CAP_LIST set, aligned pointers at 0x40 or above, no loop) and has the profile's capabilities (a VDEV whose profile lists none may have no list)",
	.source = SRC_DESIGN " (The virtual config space)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	uint32_t pos, n = 0, bit;
	uint8_t seen[256] = { 0 };
	struct vd d;

	vd_up(check, ty, &d, 1);
	/* a VDEV with no capabilities (the profile lists none) may have no
	 * list at all: CAP_LIST clear, as PCI has it for such a function */
	if (!ty->caps && !(cfg_rd(check, &d, CFG_STATUS, 2) & STATUS_CAP_LIST)) {
		siovh_note(check, "no capability list (the profile lists no capabilities)");
		vd_down(check, &d);
		return;
	}
	ASSERT_TRUE(cfg_rd(check, &d, CFG_STATUS, 2) & STATUS_CAP_LIST);
	pos = cfg_rd(check, &d, CFG_CAP_PTR, 1);
	while (pos) {
		if (pos < 0x40 || (pos & 3) || pos > 0xfc) {
			FAIL("capability pointer %#x: expected a dword-aligned "
			     "offset in [0x40, 0xfc]", pos);
			break;
		}
		if (seen[pos]++) {
			FAIL("capability list loops back to %#x", pos);
			break;
		}
		n++;
		pos = cfg_rd(check, &d, pos + 1, 1);
	}
	for (bit = 1; bit && bit <= SIOVH_PROFILE_CAP_MSIX; bit <<= 1)
		if ((ty->caps & bit) &&
		    !vd_find_cap(check, &d, (uint8_t)siovh_profile_cap_id(bit)))
			FAIL("capability %#x of the profile is missing",
			     siovh_profile_cap_id(bit));
	expect_vro(check, &d, CFG_CAP_PTR, 0, 1, "capability pointer");
	siovh_note(check, "%u capabilities", n);
	vd_down(check, &d);
}

/* Parent control register of ext cap id: offset and enable mask. */
static bool parent_ecap_ctrl(struct siovh_check *check, uint16_t id,
			     uint32_t *off, uint32_t *bit)
{
	uint32_t pos = parent_find_ecap(check, id);

	if (!pos)
		return false;
	switch (id) {
	case 0x001b: *off = pos + 6; *bit = 1; break;	/* PASID control */
	case 0x000f: *off = pos + 6; *bit = 0x8000; break; /* ATS control */
	case 0x0013: *off = pos + 4; *bit = 1; break;	/* PRI control */
	default: return false;
	}
	return true;
}

SIOVH_CLAUSE(cfg_sva_caps_shown,
	.id = "VDCM.CFG.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the VDEV shows each PASID/ATS/PRI capability of its profile while the parent has that capability enabled",
	.source = SRC_VSVA_CAPS,
	.needs = NEEDS_VDEV | NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	uint32_t bit, off, en;
	uint16_t id;
	struct vd d;

	vd_up(check, ty, &d, 1);
	for (bit = 1; bit <= SIOVH_PROFILE_EXT_PASID; bit <<= 1) {
		if (!(ty->ext_caps & bit))
			continue;
		id = siovh_profile_ext_cap_id(bit);
		if (!parent_ecap_ctrl(check, id, &off, &en)) {
			FAIL("the profile shows ext cap %#x on the VDEV, but "
			     "the parent has none", id);
			continue;
		}
		if (!(pcfg_rd(check, off, 2) & en))
			pcfg_wr(check, off, pcfg_rd(check, off, 2) | en, 2);
		if (!vd_find_ecap(check, &d, id))
			FAIL("ext cap %#x is enabled on the parent but missing "
			     "from the VDEV", id);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(cfg_sva_caps_hidden,
	.id = "VDCM.CFG.7", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the VDEV hides its PASID/ATS/PRI capability while the parent's is disabled, and shows it again once re-enabled",
	.source = SRC_VSVA_CAPS,
	.needs = NEEDS_VDEV | NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	uint32_t bit, off, en, old;
	uint16_t id;
	struct vd d;

	if (ty->cfg_passthrough)
		SKIP("type %s passes its function's config space through "
		     "(profile config.passthrough): the parent and the VDEV "
		     "are one function, whose capability list is its own",
		     ty->name);
	vd_up(check, ty, &d, 1);
	for (bit = 1; bit <= SIOVH_PROFILE_EXT_PASID; bit <<= 1) {
		if (!(ty->ext_caps & bit))
			continue;
		id = siovh_profile_ext_cap_id(bit);
		if (!parent_ecap_ctrl(check, id, &off, &en))
			continue;
		old = pcfg_rd(check, off, 2);
		pcfg_wr(check, off, old & ~en, 2);
		if (vd_find_ecap(check, &d, id))
			FAIL("ext cap %#x is disabled on the parent but shown "
			     "by the VDEV", id);
		pcfg_wr(check, off, old | en, 2);
		if (!vd_find_ecap(check, &d, id))
			FAIL("ext cap %#x re-enabled on the parent but missing "
			     "from the VDEV", id);
		pcfg_wr(check, off, old, 2);
	}
	vd_down(check, &d);
}

/*
 * CFG.8 on a passed-through config space (profile): vfio.h gives the region
 * its size and promises nothing of an access's alignment or errno, and
 * vfio-pci splits any access inside the region into naturally aligned ones
 * of the function's own (vfio_pci_config_rw). Judged: accesses at or past
 * the end, or straddling it, fail and write nothing; a misaligned read
 * inside, unless refused, returns the same bytes as an aligned read.
 */
static void cfg_bounds_passthrough(struct siovh_check *check, struct vd *d,
				   uint64_t size)
{
	uint32_t ci = VFIO_PCI_CONFIG_REGION_INDEX;
	uint8_t buf[8] = { 0 };
	uint32_t dw, last;
	int ret;

	last = cfg_rd(check, d, size - 4, 4);
	if ((ret = vd_read(d, ci, size, buf, 4)) >= 0)
		FAIL("a 4-byte config read at the end (%#llx) returned %d",
		     (unsigned long long)size, ret);
	if ((ret = vd_read(d, ci, size - 2, buf, 4)) >= 0)
		FAIL("a 4-byte config read straddling the end (%#llx) "
		     "returned %d", (unsigned long long)size - 2, ret);
	if ((ret = vd_write(d, ci, size - 2, buf, 4)) >= 0)
		FAIL("a 4-byte config write straddling the end (%#llx) "
		     "returned %d", (unsigned long long)size - 2, ret);
	EXPECT_EQ(cfg_rd(check, d, size - 4, 4), last);
	siovh_note(check, "config space passed through (profile): accesses "
		   "past the end fail (errno %d)", vd_read(d, ci, size, buf, 4));
	/* A misaligned read may be refused; one that is not reads the
	 * space's bytes (vfio-pci splits it). */
	dw = cfg_rd(check, d, 0, 4);
	memset(buf, 0, sizeof(buf));
	ret = vd_read(d, ci, 1, buf, 2);
	if (ret)
		siovh_note(check, "a 2-byte config read at 1 is refused (%d)",
			   ret);
	else
		EXPECT_EQ(buf[0] | (uint32_t)buf[1] << 8, (dw >> 8) & 0xffff);
}

SIOVH_CLAUSE(cfg_bounds,
	.id = "VDCM.CFG.8", .level = SIOVH_MUST, .facet = "vdev",
	.title = "config accesses beyond the config region, misaligned, or of a size other than 1, 2 or 4 fail with -EINVAL",
	.source = "derived: PCI config accesses are naturally aligned 1/2/4-byte reads and writes inside the space",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_region *r;
	uint32_t ci = VFIO_PCI_CONFIG_REGION_INDEX;
	uint8_t buf[8] = { 0 };
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	r = siovh_profile_region(d.ty, ci);
	if (!r)
		SKIP("the profile lists no config region");
	if (d.ty->cfg_passthrough) {
		cfg_bounds_passthrough(check, &d, r->size);
		vd_down(check, &d);
		return;
	}
	EXPECT_ERRNO(vd_read(&d, ci, r->size, buf, 4), -EINVAL);
	EXPECT_ERRNO(vd_read(&d, ci, r->size - 2, buf, 4), -EINVAL);
	EXPECT_ERRNO(vd_read(&d, ci, 1, buf, 2), -EINVAL);
	EXPECT_ERRNO(vd_read(&d, ci, 2, buf, 4), -EINVAL);
	EXPECT_ERRNO(vd_read(&d, ci, 0, buf, 3), -EINVAL);
	EXPECT_ERRNO(vd_write(&d, ci, r->size, buf, 1), -EINVAL);
	EXPECT_ERRNO(vd_write(&d, ci, 3, buf, 2), -EINVAL);
	vd_down(check, &d);
}

SIOVH_CLAUSE(cfg_msix_size,
	.id = "VDCM.CFG.9", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the VDEV's MSI-X table size agrees with the vector count of VFIO_DEVICE_GET_IRQ_INFO(MSIX) and the profile",
	.source = SRC_DESIGN " (The interrupts)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_irq *q;
	struct vfio_irq_info ii = { .argsz = sizeof(ii),
				    .index = VFIO_PCI_MSIX_IRQ_INDEX };
	uint32_t pos;
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	q = siovh_profile_irq(d.ty, VFIO_PCI_MSIX_IRQ_INDEX);
	pos = vd_find_cap(check, &d, 0x11);
	if (!q || !pos)
		SKIP("no MSI-X in the profile or the VDEV");
	ASSERT_OK(d.t->vfio_device->ioctl(d.t, d.v, VFIO_DEVICE_GET_IRQ_INFO,
					  &ii));
	EXPECT_EQ((cfg_rd(check, &d, pos + 2, 2) & 0x7ff) + 1, ii.count);
	EXPECT_EQ(ii.count, q->count);
	vd_down(check, &d);
}

SIOVH_CLAUSE(cfg_flr,
	.id = "VDCM.CFG.10", .level = SIOVH_SHOULD, .facet = "vdev",
	.title = "a virtual FLR (PCIe device control bit 15) resets the VDEV like VFIO_DEVICE_RESET: the command register returns to 0; a device control write with bit 15 clear resets nothing",
	.source = SRC_LIFE("Reset"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pcie;
	struct vd d;

	vd_up(check, &p->types[0], &d, 1);
	pcie = vd_find_cap(check, &d, 0x10);
	if (!pcie || !(cfg_rd(check, &d, pcie + 4, 4) & (1u << 28)))
		SKIP("the VDEV does not advertise FLR");
	ASSERT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & CMD_MEMORY, CMD_MEMORY);
	/* writing back what it holds (bit 15 reads 0): no reset */
	cfg_wr(check, &d, pcie + PCIE_DEVCTL,
	       cfg_rd(check, &d, pcie + PCIE_DEVCTL, 2), 2);
	EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & (CMD_MEMORY | CMD_MASTER),
		  CMD_MEMORY | CMD_MASTER);
	cfg_wr(check, &d, pcie + PCIE_DEVCTL,
	       cfg_rd(check, &d, pcie + PCIE_DEVCTL, 2) | 0x8000, 2);
	/* a passed-through function's command register is its own, which
	 * vfio-pci saves and restores around the reset it does
	 * (pci_try_reset_function): only a VDEV's returns to 0 */
	if (!d.ty->cfg_passthrough)
		EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) &
			  (CMD_MEMORY | CMD_MASTER), 0);
	EXPECT_EQ(cfg_rd(check, &d, pcie + PCIE_DEVCTL, 2) & 0x8000, 0);
	vd_down(check, &d);
}
