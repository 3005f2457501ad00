/* SPDX-License-Identifier: MIT */
/*
 * Device profiles: what a VDCM under test (and its SIOV parent) is expected
 * to expose, as a JSON document of schema "siovh-profile/1" (see
 * specs/profiles/README.md for the schema, specs/profiles/ref.json for the
 * reference's). The DVSEC and VDCM clauses read their expectations from the
 * profile, never from constants, so the same checks judge any vendor's
 * device.
 *
 * The reader is strict: an unknown key, a value of the wrong type or out of
 * range, a duplicate key or a contradiction (a region listed twice, a fast
 * path area outside its region) is an error naming the file and the JSON
 * path:
 *
 *	ref.json: $.types[1].adis: expected integer 1..16, got "four"
 *
 * Integers may be written as JSON integers or as "0x..." hex strings.
 */
#ifndef SIOVH_PROFILE_H
#define SIOVH_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "test.h"

#define SIOVH_PROFILE_SCHEMA		"siovh-profile/1"
#define SIOVH_PROFILE_ENV		"SIOVH_PROFILE" /* path override */

#define SIOVH_PROFILE_NAME_MAX		64
#define SIOVH_PROFILE_MAX_TYPES		8
#define SIOVH_PROFILE_MAX_REGIONS	16
#define SIOVH_PROFILE_MAX_AREAS		16
#define SIOVH_PROFILE_MAX_IRQS		8
#define SIOVH_PROFILE_MAX_BARS		6
#define SIOVH_PROFILE_MAX_REGS		32
#define SIOVH_PROFILE_MAX_ADIS		4096

/* Capabilities by name, as bits of the caps / ext_caps masks. */
enum siovh_profile_cap {
	SIOVH_PROFILE_CAP_PM = 1u << 0,		/* standard: ID 0x01 */
	SIOVH_PROFILE_CAP_MSI = 1u << 1,	/* 0x05 */
	SIOVH_PROFILE_CAP_PCIE = 1u << 2,	/* 0x10 */
	SIOVH_PROFILE_CAP_MSIX = 1u << 3,	/* 0x11 */
};

enum siovh_profile_ext_cap {
	SIOVH_PROFILE_EXT_ATS = 1u << 0,	/* extended: ID 0x000f */
	SIOVH_PROFILE_EXT_PRI = 1u << 1,	/* 0x0013 */
	SIOVH_PROFILE_EXT_PASID = 1u << 2,	/* 0x001b */
	SIOVH_PROFILE_EXT_DVSEC = 1u << 3,	/* 0x0023 */
};

/* Capability ID of a cap / ext_cap bit (0 if not a single known bit). */
uint16_t siovh_profile_cap_id(uint32_t cap_bit);
uint16_t siovh_profile_ext_cap_id(uint32_t ext_bit);

/* The parent's SIOV DVSEC: the values its RO fields must read back. */
struct siovh_profile_dvsec {
	uint8_t function_dependency_link;
	uint8_t flags;			/* bit 0: homogeneous */
	uint32_t supported_page_sizes;	/* bit n: 2^(n+12); bit 0 always */
	uint32_t system_page_size;	/* value after reset, one bit */
	uint32_t capabilities;		/* bit 0: IMS */
};

/* A BAR of a config space (the parent's or a VDEV's): memory, or I/O. */
struct siovh_profile_bar {
	uint32_t bar;			/* 0..5 */
	uint64_t size;			/* power of two */
	bool mem64, prefetchable;
	bool io;			/* an I/O BAR (4..256 bytes) */
};

struct siovh_profile_parent {
	bool siov;			/* false: a software (mdev) parent with
					 * no PCI function; only adis is set */
	uint16_t vendor_id, device_id;
	uint32_t adis;			/* ADIs the parent has */
	uint32_t caps;			/* enum siovh_profile_cap */
	uint32_t ext_caps;		/* enum siovh_profile_ext_cap */
	uint32_t pasid_width;		/* PASID cap: max PASID width, 1..20 */
	bool pasid_exec, pasid_priv;	/* PASID cap: execute/privileged */
	struct siovh_profile_dvsec dvsec;
	uint32_t ims_entries;		/* the parent's IMS entries (0: none) */
	uint32_t nr_bars;
	struct siovh_profile_bar bars[SIOVH_PROFILE_MAX_BARS];
};

/* A fast-path area: a sparse-mmap area of a region (region offsets). */
struct siovh_profile_area {
	uint64_t offset, size;
};

struct siovh_profile_region {
	uint32_t index;			/* VFIO region index */
	char name[SIOVH_PROFILE_NAME_MAX];
	uint64_t size;
	uint32_t flags;			/* VFIO_REGION_INFO_FLAG_*, exact */
	uint32_t nr_fast;
	struct siovh_profile_area fast[SIOVH_PROFILE_MAX_AREAS];
};

struct siovh_profile_irq {
	uint32_t index;			/* VFIO IRQ index */
	uint32_t count;
	uint32_t flags;			/* VFIO_IRQ_INFO_*, exact */
};

/* A register of a region (slow path unless inside a fast area). */
struct siovh_profile_reg {
	char name[SIOVH_PROFILE_NAME_MAX];
	uint32_t region;
	uint64_t offset;
	uint32_t width;			/* 1, 2, 4 or 8 bytes */
	uint64_t reset;			/* value after create and after reset */
	uint64_t writable;		/* bits that keep what is written */
	bool side_effects;		/* writing it does something: generic
					 * write probes leave it alone */
};

struct siovh_profile_type {
	char name[SIOVH_PROFILE_NAME_MAX];
	uint32_t adis;			/* ADIs per instance */
	uint32_t max_instances;		/* available_instances when idle */

	uint32_t device_flags;		/* VFIO_DEVICE_FLAGS_*, exact */
	uint32_t num_regions, num_irqs;
	uint32_t nr_regions;
	struct siovh_profile_region regions[SIOVH_PROFILE_MAX_REGIONS];
	uint32_t nr_irqs;
	struct siovh_profile_irq irqs[SIOVH_PROFILE_MAX_IRQS];

	/*
	 * The virtual config space. cfg_passthrough: it is a physical
	 * function's, which vfio-pci passes through (vfio_pci_config.c), not
	 * a VDCM's composition: COMMAND is what the function and vfio-pci's
	 * open make it, and accesses of any size and alignment inside the
	 * region are split into the function's own, not refused.
	 */
	bool cfg_passthrough;
	uint16_t vendor_id, device_id;
	uint32_t class_code;		/* 24 bits */
	uint32_t caps, ext_caps;	/* shown when the parent has them */
	uint32_t nr_bars;
	struct siovh_profile_bar bars[SIOVH_PROFILE_MAX_BARS];

	uint32_t nr_regs;
	struct siovh_profile_reg regs[SIOVH_PROFILE_MAX_REGS];

	/* ADI i's portal: region portal_region, offset portal_offset +
	 * i * portal_stride (inside a fast area). has_portal false: none. */
	bool has_portal;
	uint32_t portal_region;
	uint64_t portal_offset, portal_stride;

	bool has_mailbox;		/* register "mailbox_*" are its window */
	uint32_t max_queues;		/* 0: no queue re-allocation */
	uint32_t default_queues;
	uint32_t migration_flags;	/* VFIO_MIGRATION_*; 0: none */
	uint64_t dirty_page_size;	/* 0: no dirty tracking */
	bool pinning;			/* selective pinning accounted */
};

/*
 * "iommu" (optional): the IOMMU the in-process reference builds under its
 * parent. Only the ref backend reads it; any other target's IOMMU reports
 * itself through IOMMU_GET_HW_INFO, which is what the clauses read.
 */
struct siovh_profile_iommu {
	bool first_stage_5level;	/* VT-d cap_reg FL5LP; default true */
	/* Second-stage dirty tracking offered to iommufd users
	 * (IOMMU_HW_CAP_DIRTY_TRACKING); default true */
	bool dirty_tracking;
};

struct siovh_profile {
	char file[256];			/* as given to the loader */
	char name[SIOVH_PROFILE_NAME_MAX];
	struct siovh_profile_parent parent;
	struct siovh_profile_iommu iommu;
	uint32_t nr_types;
	struct siovh_profile_type types[SIOVH_PROFILE_MAX_TYPES];
};

/*
 * Parse a profile. name is what error messages call the document (a file
 * name). 0, or -EINVAL (invalid document), -ENOENT / -EACCES / ... (file
 * cannot be read), -ENOMEM; on error err gets one line naming the file and,
 * for a bad document, the JSON path. *out is the caller's to free.
 */
int siovh_profile_parse(const char *text, size_t len, const char *name,
			struct siovh_profile **out, char *err, size_t errlen);
int siovh_profile_load(const char *path, struct siovh_profile **out,
		       char *err, size_t errlen);
void siovh_profile_free(struct siovh_profile *p);

/* Path of the profile for a target: $SIOVH_PROFILE, else the pci facet's. */
struct siovh_target;
const char *siovh_profile_path_of(struct siovh_target *t);

/* Lookups; NULL when absent. */
const struct siovh_profile_type *
siovh_profile_type(const struct siovh_profile *p, const char *name);
const struct siovh_profile_region *
siovh_profile_region(const struct siovh_profile_type *ty, uint32_t index);
const struct siovh_profile_irq *
siovh_profile_irq(const struct siovh_profile_type *ty, uint32_t index);
const struct siovh_profile_reg *
siovh_profile_reg(const struct siovh_profile_type *ty, const char *name);
const struct siovh_profile_bar *
siovh_profile_bar(const struct siovh_profile_type *ty, uint32_t bar);
/* Is [offset, offset + len) of the region inside one fast-path area? */
bool siovh_profile_is_fast(const struct siovh_profile_region *r,
			   uint64_t offset, uint64_t len);

#endif /* SIOVH_PROFILE_H */
