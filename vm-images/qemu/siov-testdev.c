/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * siov-testdev: the siovh reference SIOV endpoint as a QEMU PCIe device
 * (siovh issue 8; DESIGN.md "Real kernels", "Emulated SIOV hardware").
 *
 * A thin adapter: all device behaviour (config space with the PCIe, MSI-X,
 * PASID, ATS, PRI capabilities and the SIOV DVSEC; BAR0 control registers;
 * BAR2 ADI portals; ADIs, the descriptor engine, IMS) lives in the host-
 * independent core harness/ref/siovdev (siovdev.h is the register-level
 * contract), compiled into QEMU next to this file by
 * vm-images/qemu/build-qemu.sh. Its configuration is the reference's
 * (siovdev_config_default: specs/profiles/ref.json's parent), so the guest
 * sees the same device the in-process reference is.
 *
 * What this file adds is the host side:
 *  - Config space: the type-0 header (BARs, COMMAND, interrupt line) is
 *    QEMU's, so QEMU maps the BARs; its initial bytes come from the core,
 *    COMMAND writes are mirrored into the core (memory space and bus
 *    master gate the core's MMIO and DMA), and STATUS reads show the core's
 *    bits (it sets "received master abort" on a failed DMA) plus Immediate
 *    Readiness (bit 0): this binding completes an FLR within the config
 *    write that starts it (pci_device_reset below), so the function is
 *    ready at once, and Linux then skips its fixed 100 ms wait after an
 *    FLR (pcie_flr), which vfio-pci does at every open and close. Everything
 *    from 0x40 up, capabilities and extended capabilities, is the core's,
 *    read and written through siovdev_cfg_read/write. A write of DEVCTL's
 *    Initiate FLR bit resets the function (pci_device_reset, which resets
 *    the header and calls our reset, which is siovdev_flr).
 *  - BAR0 (32 KiB, 4- and 8-byte accesses) and BAR2 (the portals) forward
 *    to siovdev_bar_read/write. A failed read returns all-ones.
 *  - Portal writes: the core takes a descriptor as one 64-byte write (a
 *    MOVDIR64B). A CPU under TCG, and vfio-pci's region writes, store at
 *    most 8 bytes at a time, so the adapter assembles a 64-byte-aligned
 *    chunk of BAR2 from its pieces and submits it once all 64 bytes were
 *    written, in any order. A write to another chunk before the first one
 *    is complete discards the partial one (counted in the trace, like a
 *    torn posted write: the device never sees half a descriptor).
 *  - DMA (siovdev_host_ops.dma): every ADI request carries the ADI's PASID.
 *    PASID 0 is the RID's PASID (RID_PASID, as Linux programs VT-d: PASID
 *    0 is never handed out), so it goes through the PCI DMA API, i.e. the
 *    requester ID's address space. Any other PASID goes through the
 *    per-PASID address space of the machine's intel-iommu
 *    (vtd_find_add_as(iommu, bus, devfn, pasid)), translated by that
 *    PASID's entry in the guest's scalable-mode PASID table, so a PASID
 *    the guest never attached faults. Without a VT-d that supports PASIDs
 *    (no intel-iommu, or x-pasid-mode=off) a PASID-tagged request is an
 *    unsupported request and fails. A failed request is a page fault to the
 *    core (CS_PAGE_FAULT in the completion record).
 *  - Interrupts (siovdev_host_ops.msi): the core owns its MSI-X table and
 *    IMS in BAR0 and says when a message goes out; it is written as the
 *    device's upstream DWORD write (msi_send_message: through the bus-master
 *    address space, so VT-d interrupt remapping applies).
 *  - No page requests: QEMU's VT-d has no page request queue, so the core
 *    gets no page_request op and a BLOCK_ON_FAULT descriptor completes with
 *    the fault.
 *
 * Property: fault=<name> switches on one of the core's injected faults
 * (harness/ref/siovdev/faults.h, e.g. dvsec-length, dma-pasid-zero), so
 * the harness can show its clauses fail on wrong hardware. "none" or
 * unset: the faithful device. An unknown name fails realize with the list.
 *
 * Locking: every entry point runs under the BQL (MMIO, config, reset), which
 * serialises the core as it requires; DMA and MSI callbacks run inside
 * those calls and never call back into the core.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/bswap.h"
#include "qemu/module.h"
#include "qemu/log.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/msi.h"
#include "hw/qdev-properties.h"
#include "hw/i386/x86-iommu.h"
#include "hw/i386/intel_iommu.h"
#include "migration/vmstate.h"

#include "siovdev.h"

#define TYPE_SIOV_TESTDEV "siov-testdev"
OBJECT_DECLARE_SIMPLE_TYPE(SiovTestdevState, SIOV_TESTDEV)

#define SIOV_HDR_END		0x40	/* the core owns config from here */
#define SIOV_CHUNK		SIOVDEV_DESC_SIZE

struct SiovTestdevState {
	PCIDevice parent_obj;

	struct siovdev *core;
	MemoryRegion bar0;
	MemoryRegion bar2;
	char *fault;		/* property: a faults.h name */

	IntelIOMMUState *vtd;	/* looked up at the first PASID request */
	bool vtd_looked_up;

	/* The 64-byte portal chunk being assembled (see the header). */
	uint64_t chunk_off;
	uint64_t chunk_mask;	/* bit i: byte i written */
	uint8_t chunk[SIOV_CHUNK];
	uint64_t torn;		/* partial chunks discarded */
};

static const char *const siov_fault_names[] = {
	[SIOVDEV_FAULT_NONE] = "none",
#define SIOV_FAULT_NAME(code, name, reach, summary) \
	[SIOVDEV_FAULT_##code] = name,
	SIOVDEV_FAULT_LIST(SIOV_FAULT_NAME)
#undef SIOV_FAULT_NAME
};

/* ---- host side of the core: DMA and interrupts ---- */

/* The machine's VT-d if it translates PASID-tagged requests, else NULL. */
static IntelIOMMUState *siov_vtd(SiovTestdevState *s)
{
	X86IOMMUState *x86;
	Object *obj;

	if (!s->vtd_looked_up) {
		s->vtd_looked_up = true;
		x86 = x86_iommu_get_default();
		obj = x86 ? object_dynamic_cast(OBJECT(x86),
						TYPE_INTEL_IOMMU_DEVICE) : NULL;
		s->vtd = obj ? INTEL_IOMMU_DEVICE(obj) : NULL;
	}
	return s->vtd && s->vtd->pasid ? s->vtd : NULL;
}

static int siov_dma(void *host, uint32_t pasid, uint64_t addr, void *buf,
		    size_t len, bool write)
{
	SiovTestdevState *s = host;
	PCIDevice *pdev = PCI_DEVICE(s);
	DMADirection dir = write ? DMA_DIRECTION_FROM_DEVICE :
				   DMA_DIRECTION_TO_DEVICE;
	IntelIOMMUState *vtd;
	VTDAddressSpace *vas;
	MemTxResult r;

	if (pasid == 0) {
		r = pci_dma_rw(pdev, addr, buf, len, dir,
			       MEMTXATTRS_UNSPECIFIED);
	} else {
		vtd = siov_vtd(s);
		if (!vtd) {
			qemu_log_mask(LOG_GUEST_ERROR, "siov-testdev: PASID %u "
				      "DMA without a PASID-capable VT-d\n",
				      pasid);
			return -EIO;
		}
		vas = vtd_find_add_as(vtd, pci_get_bus(pdev), pdev->devfn,
				      pasid);
		r = dma_memory_rw(&vas->as, addr, buf, len, dir,
				  MEMTXATTRS_UNSPECIFIED);
	}
	return r == MEMTX_OK ? 0 : -EFAULT;
}

static void siov_msi(void *host, uint64_t addr, uint32_t data)
{
	SiovTestdevState *s = host;

	msi_send_message(PCI_DEVICE(s),
			 (MSIMessage) { .address = addr, .data = data });
}

static const struct siovdev_host_ops siov_host_ops = {
	.dma = siov_dma,
	.msi = siov_msi,
	/* .page_request: none, QEMU's VT-d takes no page requests */
};

/* ---- config space ---- */

static uint32_t siov_config_read(PCIDevice *pdev, uint32_t addr, int len)
{
	SiovTestdevState *s = SIOV_TESTDEV(pdev);
	uint32_t val, core_sts;
	int i;

	if (addr >= SIOV_HDR_END) {
		if (siovdev_cfg_read(s->core, addr, len, &val)) {
			return ~0u >> (32 - 8 * len);
		}
		return val;
	}
	val = pci_default_read_config(pdev, addr, len);
	/* STATUS (0x06, 0x07) is the core's: it records master aborts; this
	 * binding adds Immediate Readiness (RO; see the header comment). */
	if (addr < PCI_STATUS + 2 && addr + len > PCI_STATUS &&
	    !siovdev_cfg_read(s->core, PCI_STATUS, 2, &core_sts)) {
		core_sts |= PCI_STATUS_IMM_READY;
		for (i = 0; i < len; i++) {
			uint32_t off = addr + i;

			if (off == PCI_STATUS || off == PCI_STATUS + 1) {
				val &= ~(0xffu << (8 * i));
				val |= ((core_sts >> (8 * (off - PCI_STATUS))) &
					0xff) << (8 * i);
			}
		}
	}
	return val;
}

/* Did this write set DEVCTL's Initiate FLR bit (bit 15, byte 0x49)? */
static bool siov_flr_written(uint32_t addr, uint32_t val, int len)
{
	uint32_t byte = SIOVDEV_CFG_PCIE + PCI_EXP_DEVCTL + 1;

	if (addr > byte || addr + len <= byte) {
		return false;
	}
	return (val >> (8 * (byte - addr))) & 0x80;
}

static void siov_config_write(PCIDevice *pdev, uint32_t addr, uint32_t val,
			      int len)
{
	SiovTestdevState *s = SIOV_TESTDEV(pdev);

	if (addr >= SIOV_HDR_END) {
		if (siovdev_cfg_write(s->core, addr, len, val)) {
			return;
		}
		/* The core has reset itself; the header follows. */
		if (siov_flr_written(addr, val, len)) {
			pci_device_reset(pdev);
		}
		return;
	}
	pci_default_write_config(pdev, addr, val, len);
	if (addr < PCI_COMMAND + 2 && addr + len > PCI_COMMAND) {
		siovdev_cfg_write(s->core, PCI_COMMAND, 2,
				  pci_get_word(pdev->config + PCI_COMMAND));
	}
	if (addr < PCI_STATUS + 2 && addr + len > PCI_STATUS) {
		/* RW1C bits: the core clears what the guest wrote 1 to. */
		uint32_t sts = addr <= PCI_STATUS ?
			val >> (8 * (PCI_STATUS - addr)) :
			val << (8 * (addr - PCI_STATUS));

		siovdev_cfg_write(s->core, PCI_STATUS, 2, sts & 0xffff);
	}
}

/* ---- BARs ---- */

static uint64_t siov_bar_read(SiovTestdevState *s, unsigned int bar,
			      hwaddr off, unsigned int size)
{
	uint8_t buf[8];

	if (siovdev_bar_read(s->core, bar, off, buf, size)) {
		return ~0ull >> (64 - 8 * size);
	}
	return ldn_le_p(buf, size);
}

static uint64_t siov_bar0_read(void *opaque, hwaddr off, unsigned int size)
{
	return siov_bar_read(opaque, 0, off, size);
}

static void siov_bar0_write(void *opaque, hwaddr off, uint64_t val,
			    unsigned int size)
{
	SiovTestdevState *s = opaque;
	uint8_t buf[8];

	stn_le_p(buf, size, val);
	if (siovdev_bar_write(s->core, 0, off, buf, size)) {
		qemu_log_mask(LOG_GUEST_ERROR, "siov-testdev: BAR0 write of %u "
			      "bytes at 0x%" HWADDR_PRIx " refused\n", size, off);
	}
}

static uint64_t siov_bar2_read(void *opaque, hwaddr off, unsigned int size)
{
	return siov_bar_read(opaque, 2, off, size);
}

static void siov_chunk_reset(SiovTestdevState *s)
{
	s->chunk_mask = 0;
	memset(s->chunk, 0, sizeof(s->chunk));
}

/* A piece of a portal write: gather the 64-byte chunk, submit it whole. */
static void siov_bar2_write(void *opaque, hwaddr off, uint64_t val,
			    unsigned int size)
{
	SiovTestdevState *s = opaque;
	uint64_t base = off & ~(uint64_t)(SIOV_CHUNK - 1);
	unsigned int at = off - base, i;

	if (at + size > SIOV_CHUNK) {
		return;		/* crosses a chunk: not a descriptor piece */
	}
	if (s->chunk_mask && s->chunk_off != base) {
		s->torn++;
		qemu_log_mask(LOG_GUEST_ERROR, "siov-testdev: portal chunk at "
			      "0x%" PRIx64 " discarded half written\n",
			      s->chunk_off);
		siov_chunk_reset(s);
	}
	s->chunk_off = base;
	stn_le_p(s->chunk + at, size, val);
	for (i = 0; i < size; i++) {
		s->chunk_mask |= 1ull << (at + i);
	}
	if (s->chunk_mask != ~0ull) {
		return;
	}
	/* Posted: the core reports a refused descriptor in the ADI. */
	siovdev_bar_write(s->core, 2, base, s->chunk, SIOV_CHUNK);
	siov_chunk_reset(s);
}

static const MemoryRegionOps siov_bar0_ops = {
	.read = siov_bar0_read,
	.write = siov_bar0_write,
	.endianness = DEVICE_LITTLE_ENDIAN,
	.valid = { .min_access_size = 4, .max_access_size = 8 },
	.impl = { .min_access_size = 4, .max_access_size = 8 },
};

static const MemoryRegionOps siov_bar2_ops = {
	.read = siov_bar2_read,
	.write = siov_bar2_write,
	.endianness = DEVICE_LITTLE_ENDIAN,
	.valid = { .min_access_size = 1, .max_access_size = 8 },
	.impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- lifecycle ---- */

static int siov_fault_lookup(const char *name, Error **errp)
{
	g_autoptr(GString) all = g_string_new(NULL);
	size_t i;

	if (!name || !*name) {
		return SIOVDEV_FAULT_NONE;
	}
	for (i = 0; i < ARRAY_SIZE(siov_fault_names); i++) {
		if (!strcmp(name, siov_fault_names[i])) {
			return i;
		}
		g_string_append_printf(all, "%s%s", i ? ", " : "",
				       siov_fault_names[i]);
	}
	error_setg(errp, "siov-testdev: unknown fault '%s' (one of: %s)",
		   name, all->str);
	return -1;
}

static void siov_realize(PCIDevice *pdev, Error **errp)
{
	SiovTestdevState *s = SIOV_TESTDEV(pdev);
	struct siovdev_config cfg;
	uint8_t image[SIOVDEV_CFG_SIZE];
	int fault;

	fault = siov_fault_lookup(s->fault, errp);
	if (fault < 0) {
		return;
	}
	siovdev_config_default(&cfg);
	s->core = siovdev_create(&cfg, &siov_host_ops, s, fault);
	if (!s->core) {
		error_setg_errno(errp, errno, "siov-testdev: creating the "
				 "device core failed");
		return;
	}
	/*
	 * The header as the core has it, BARs aside (pci_register_bar owns
	 * them): IDs, class, revision, status with the capability list, the
	 * capability pointer, subsystem IDs, no interrupt pin.
	 */
	siovdev_cfg_image(s->core, image);
	memcpy(pdev->config, image, PCI_BASE_ADDRESS_0);
	memcpy(pdev->config + PCI_CARDBUS_CIS, image + PCI_CARDBUS_CIS,
	       SIOV_HDR_END - PCI_CARDBUS_CIS);
	pdev->config[PCI_COMMAND] = 0;
	pdev->config[PCI_COMMAND + 1] = 0;

	memory_region_init_io(&s->bar0, OBJECT(s), &siov_bar0_ops, s,
			      "siov-testdev-bar0",
			      siovdev_bar_size(s->core, 0));
	memory_region_init_io(&s->bar2, OBJECT(s), &siov_bar2_ops, s,
			      "siov-testdev-portals",
			      siovdev_bar_size(s->core, 2));
	pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
			 PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar0);
	pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
			 PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar2);
}

static void siov_exit(PCIDevice *pdev)
{
	SiovTestdevState *s = SIOV_TESTDEV(pdev);

	siovdev_destroy(s->core);
	s->core = NULL;
}

/* Machine reset and FLR (pci_device_reset): the core's FLR. */
static void siov_reset(DeviceState *dev)
{
	SiovTestdevState *s = SIOV_TESTDEV(dev);

	if (s->core) {
		siovdev_flr(s->core);
	}
	siov_chunk_reset(s);
}

static const Property siov_properties[] = {
	DEFINE_PROP_STRING("fault", SiovTestdevState, fault),
};

static const VMStateDescription siov_vmstate = {
	.name = TYPE_SIOV_TESTDEV,
	.unmigratable = 1,	/* the core's state has no VMState */
};

/* QEMU 10.1 made class_init's data const. */
#if QEMU_VERSION_MAJOR * 100 + QEMU_VERSION_MINOR >= 1001
#define SIOV_CLASS_DATA const void *data
#else
#define SIOV_CLASS_DATA void *data
#endif

static void siov_class_init(ObjectClass *klass, SIOV_CLASS_DATA)
{
	DeviceClass *dc = DEVICE_CLASS(klass);
	PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

	k->realize = siov_realize;
	k->exit = siov_exit;
	k->config_read = siov_config_read;
	k->config_write = siov_config_write;
	k->vendor_id = SIOVDEV_VENDOR_ID;
	k->device_id = SIOVDEV_DEVICE_ID;
	k->revision = SIOVDEV_REVISION;
	k->class_id = SIOVDEV_CLASS >> 8;
	k->subsystem_vendor_id = SIOVDEV_VENDOR_ID;
	k->subsystem_id = SIOVDEV_DEVICE_ID;
	dc->desc = "siovh reference SIOV endpoint (SIOV DVSEC, ADIs, PASID DMA)";
	dc->vmsd = &siov_vmstate;
	device_class_set_legacy_reset(dc, siov_reset);
	device_class_set_props(dc, siov_properties);
	set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo siov_info = {
	.name = TYPE_SIOV_TESTDEV,
	.parent = TYPE_PCI_DEVICE,
	.instance_size = sizeof(SiovTestdevState),
	.class_init = siov_class_init,
	.interfaces = (InterfaceInfo[]) {
		{ INTERFACE_PCIE_DEVICE },
		{ },
	},
};

static void siov_register_types(void)
{
	type_register_static(&siov_info);
}

type_init(siov_register_types)
