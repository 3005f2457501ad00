// SPDX-License-Identifier: MIT
/*
 * A Function Level Reset of the SIOV parent, started through the pci facet
 * the way a host resets the function (PCIe Device Control bit 15, then the
 * 100 ms the function has to complete it). The ADIs are part of the parent
 * function, not functions of their own, so the reset reaches every one of
 * them (SIOV.DVSEC.22); and the function's config space returns to its
 * reset values, the DVSEC's system page size included (SIOV.DVSEC.23).
 * Both skip on a parent that does not advertise FLR (Device Capabilities
 * bit 28).
 */
#include <string.h>
#include <time.h>

#include "specs/vdcm/engine.h"

#define PCIE_CAP	0x10
#define PCIE_DEVCAP	0x04
#define DEVCAP_FLR	(1u << 28)
#define PCIE_DEVCTL	0x08
#define DEVCTL_FLR	(1u << 15)
#define MSIX_CAP	0x11
#define MSIX_CTRL	0x02
#define MSIX_ON		((1u << 15) | (1u << 14))	/* enable, function mask */
#define PASID_ECAP	0x001b
#define PASID_CTRL	0x06
#define PASID_ENABLE	(1u << 0)
#define DV_SUP_PGSZ	0x0c
#define DV_SYS_PGSZ	0x10

#define HIOVA		0xe00000ull
#define PATTERN		0xa7

#define SRC_FLR_ADI "derived: a Function Level Reset (PCIe Device Control bit 15) resets the whole function and completes no pending request; an ADI is a part of the parent function (" SRC_HW ")"
#define SRC_FLR_CFG "derived: a Function Level Reset (PCIe Device Control bit 15) returns the function's registers to their initial values, and Initiate Function Level Reset reads 0; the system page size is one of them (" SRC_DVSEC ")"

/* The PCIe capability of a parent that can FLR, or SKIP. */
static uint32_t flr_capable(struct siovh_check *check)
{
	uint32_t pcie = parent_find_cap(check, PCIE_CAP);

	if (!pcie || !(pcfg_rd(check, pcie + PCIE_DEVCAP, 4) & DEVCAP_FLR))
		SKIP("the parent does not advertise FLR (Device Capabilities "
		     "bit 28)");
	return pcie;
}

/* Initiate FLR, then give the function the 100 ms PCIe allows it. */
static void parent_flr(struct siovh_check *check, uint32_t pcie)
{
	const struct timespec wait = { .tv_nsec = 100 * 1000 * 1000 };

	pcfg_wr(check, pcie + PCIE_DEVCTL,
		pcfg_rd(check, pcie + PCIE_DEVCTL, 2) | DEVCTL_FLR, 2);
	nanosleep(&wait, NULL);
}

/* Set bits in the 16-bit register at off; ASSERT that they stuck. */
static void pcfg_set16(struct siovh_check *check, uint32_t off, uint32_t bits,
		       const char *what)
{
	pcfg_wr(check, off, pcfg_rd(check, off, 2) | bits, 2);
	if ((pcfg_rd(check, off, 2) & bits) != bits)
		FAIL_FATAL("the parent's %s did not take %#x before the FLR",
			   what, bits);
}

/* The first type with portals and P2P migration (work can wait), or SKIP. */
static const struct siovh_profile_type *held_type(struct siovh_check *check)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t i;

	for (i = 0; i < p->nr_types; i++)
		if (p->types[i].has_portal &&
		    (p->types[i].migration_flags & VFIO_MIGRATION_P2P))
			return &p->types[i];
	SKIP("no type of the profile has portals and P2P migration, so no "
	     "ADI can be made to hold work");
}

SIOVH_CLAUSE(flr_resets_adis,
	.id = "SIOV.DVSEC.22", .level = SIOVH_MUST, .facet = "vdev",
	.title = "an FLR of the parent resets every ADI: work an ADI holds is dropped without DMA and never runs, and no ADI stays enabled or keeps a PASID",
	.source = SRC_FLR_ADI,
	.needs = NEEDS_ENGINE | SIOVH_FEAT_VDEV_MIGRATION)
{
	const struct siovh_profile_type *ty = held_type(check);
	const uint64_t dst = HIOVA + 0x400, cr = HIOVA + 0xf00;
	uint32_t pcie = flr_capable(check), pasid, a, held = 0;
	struct siovh_vdev_probe vp;
	struct siovh_adi_probe ap;
	struct siovdev_desc x;
	struct dma_buf b;
	struct vd d;

	vd_up(check, ty, &d, 1);
	q_enable(check, &d, 0);
	dma_map(check, &d, &b, HIOVA, PAGE_4K);
	memset(b.va, PATTERN, 64);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING_P2P, NULL));
	desc_copy(&x, HIOVA, dst, 64, cr, SIOVDEV_DF_COMPLETION, 0xf1a);
	ASSERT_OK(desc_submit(&d, 0, &x));
	vp = vdev_probe(check, &d);
	for (a = 0; a < vp.nr_adis; a++)
		held += adi_probe(check, vp.adis[a]).queued;
	if (!held)
		SKIP("no ADI holds the descriptor written in RUNNING_P2P "
		     "(run at once, or kept by the VDCM): nothing to drop");

	parent_flr(check, pcie);
	for (a = 0; a < vp.nr_adis; a++) {
		ap = adi_probe(check, vp.adis[a]);
		if (ap.queued)
			FAIL("ADI %u still holds %u descriptors after the FLR",
			     vp.adis[a], ap.queued);
		if (ap.enabled)
			FAIL("ADI %u is still enabled after the FLR",
			     vp.adis[a]);
		if (ap.pasid_valid)
			FAIL("ADI %u still holds PASID %u after the FLR",
			     vp.adis[a], ap.pasid);
	}
	EXPECT_EQ(b.va[dst - b.iova], 0);
	EXPECT_EQ(cr_at(&b, cr)->status, SIOVDEV_CS_NONE);

	/* The host brings the function back up, and the VDEV runs again. */
	pcfg_set16(check, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, "COMMAND");
	pasid = parent_find_ecap(check, PASID_ECAP);
	if (pasid)
		pcfg_set16(check, pasid + PASID_CTRL, PASID_ENABLE,
			   "PASID control");
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	EXPECT_EQ(b.va[dst - b.iova], 0);
	EXPECT_EQ(cr_at(&b, cr)->status, SIOVDEV_CS_NONE);
	vd_down(check, &d);
}

SIOVH_CLAUSE(flr_resets_config,
	.id = "SIOV.DVSEC.23", .level = SIOVH_MUST, .facet = "pci",
	.title = "an FLR of the parent returns COMMAND, PASID control, MSI-X control and the DVSEC system page size to their reset values, and Initiate FLR reads 0",
	.source = SRC_FLR_CFG,
	.needs = NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t pcie = flr_capable(check), dvsec, pasid, msix, sup, sps = 0;
	uint32_t dflt = p->parent.dvsec.system_page_size, bit;

	dvsec = parent_siov_dvsec(check);
	pasid = parent_find_ecap(check, PASID_ECAP);
	msix = parent_find_cap(check, MSIX_CAP);

	/* Move every register away from its reset value first. */
	pcfg_set16(check, CFG_COMMAND, CMD_MEMORY | CMD_MASTER, "COMMAND");
	if (pasid)
		pcfg_set16(check, pasid + PASID_CTRL, PASID_ENABLE,
			   "PASID control");
	if (msix)
		pcfg_set16(check, msix + MSIX_CTRL, MSIX_ON, "MSI-X control");
	sup = pcfg_rd(check, dvsec + DV_SUP_PGSZ, 4);
	for (bit = 0; bit < 32 && !sps; bit++)
		if ((sup & (1u << bit)) && (1u << bit) != dflt)
			sps = 1u << bit;
	if (sps) {
		pcfg_wr(check, dvsec + DV_SYS_PGSZ, sps, 4);
		ASSERT_EQ(pcfg_rd(check, dvsec + DV_SYS_PGSZ, 4), sps);
	} else {
		siovh_note(check, "one supported page size only: the system "
			   "page size cannot be moved off its default");
	}

	parent_flr(check, pcie);
	EXPECT_EQ(pcfg_rd(check, pcie + PCIE_DEVCTL, 2) & DEVCTL_FLR, 0);
	EXPECT_EQ(pcfg_rd(check, CFG_COMMAND, 2) & (CMD_MEMORY | CMD_MASTER),
		  0);
	if (pasid)
		EXPECT_EQ(pcfg_rd(check, pasid + PASID_CTRL, 2) & PASID_ENABLE,
			  0);
	if (msix)
		EXPECT_EQ(pcfg_rd(check, msix + MSIX_CTRL, 2) & MSIX_ON, 0);
	EXPECT_EQ(pcfg_rd(check, dvsec + DV_SYS_PGSZ, 4), dflt);
}
