/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the VDCM clauses (specs/vdcm) and the DVSEC clauses
 * (specs/dvsec): the device profile, VDEV handles that create/open from a
 * profile type, region and config access by region index, probes, IRQ
 * eventfds, DMA buffers, descriptors of the reference engine, migration and
 * dirty tracking. Expectations come from the profile (siovh/profile.h).
 *
 * Every helper takes the check as `check`, so the EXPECT/ASSERT macros of
 * spec.h work inside them; helpers named vd_* / must_* end the check when
 * the set-up itself fails.
 */
#ifndef SIOVH_SPECS_VDCM_COMMON_H
#define SIOVH_SPECS_VDCM_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/vfio.h>

#include "siovh/profile.h"
#include "siovh/spec.h"

#define SEED000 "000_6bc20b151d18e797.txt, "
#define SEED002 "002_8f8460c655ed46df.txt, "
#define SRC_LIFE(s) SEED000 "\"VDEV lifecycle management with VDCM\" (" s ")"
#define SRC_DESIGN SEED000 "\"Design the VDCM\""
#define SRC_DESIGN2 SEED000 "\"Design the VDCM (Cont'd)\""
#define SRC_DVSEC SEED000 \
	"\"What's missing? - Discover Intel(R) scalable IOV capability!\""
#define SRC_HW SEED000 "\"What's new in hardware?\""
#define SRC_VSVA_CAPS SEED000 "\"VDCM to support vSVA (Cont.)\""
#define SRC_SCALING SEED002 "\"Resource Scaling\""
#define SRC_MIGRATION SEED002 "\"Live Migration\""
#define SRC_PINNING SEED002 "\"Memory Footprint\""
#define SRC_SIOV002 SEED002 "\"Hardware Assistance\""
#define SRC_VFIO(x) "linux/vfio.h, " x

/* A VDEV of the profile's types; clauses that also read or write the
 * parent's config space add NEEDS_PCI (a software mdev parent has none). */
#define NEEDS_VDEV SIOVH_FEAT_VFIO_DEVICE
#define NEEDS_VDEV_PROBE (NEEDS_VDEV | SIOVH_FEAT_TEST_VDEV)
#define NEEDS_ENGINE (NEEDS_VDEV_PROBE | SIOVH_FEAT_REF_ENGINE)
#define NEEDS_PCI SIOVH_FEAT_PCI_CONFIG

#define VD_REGIONS 16			/* region indices the handle caches */
#define PAGE_4K 4096u

/* PCI config space (standard layout; values from the PCI spec). */
#define CFG_VENDOR	0x00
#define CFG_DEVICE	0x02
#define CFG_COMMAND	0x04
#define CFG_STATUS	0x06
#define CFG_REVISION	0x08
#define CFG_BAR0	0x10
#define CFG_CAP_PTR	0x34
#define CMD_MEMORY	(1u << 1)
#define CMD_MASTER	(1u << 2)
#define STATUS_CAP_LIST	(1u << 4)
#define ECAP_START	0x100

/* The device profile; SKIP without one, fail the check if it is invalid. */
struct siovh_profile *must_profile(struct siovh_check *check);
/* The first type with at least min_adis ADIs per instance, or SKIP. */
const struct siovh_profile_type *must_type(struct siovh_check *check,
					   const struct siovh_profile *p,
					   uint32_t min_adis);

/* --- VDEV handles -------------------------------------------------------- */

struct vd {
	struct siovh_target *t;
	const struct siovh_profile_type *ty;
	struct siovh_vdev *v;
	uint8_t uuid[16];
	bool open;
	uint64_t off[VD_REGIONS];	/* region offsets (after open) */
	uint64_t size[VD_REGIONS];
	/* GET_REGION_INFO refused the index (a hole the profile does not
	 * list, vd_open): no offset to reach it at, off and size are 0. */
	bool hole[VD_REGIONS];
};

/* UUID number n (distinct n, distinct UUIDs). */
void make_uuid(uint8_t uuid[16], unsigned int n);
/* create(ty, uuid n); ends the check on failure. */
void vd_create(struct siovh_check *check, const struct siovh_profile_type *ty,
	       struct vd *d, unsigned int n);
/* open, read every region's info, and (with mem) set MEMORY | MASTER. */
void vd_open(struct siovh_check *check, struct vd *d, bool mem);
/* create + open + MEMORY | MASTER. */
void vd_up(struct siovh_check *check, const struct siovh_profile_type *ty,
	   struct vd *d, unsigned int n);
/* release (if open) and remove, each expected to succeed. */
void vd_down(struct siovh_check *check, struct vd *d);

/* --- region access ------------------------------------------------------- */

/* pread/pwrite of len (1, 2, 4, 8) bytes at a region offset: 0 or -errno. */
int vd_read(struct vd *d, uint32_t region, uint64_t off, void *val,
	    size_t len);
int vd_write(struct vd *d, uint32_t region, uint64_t off, const void *val,
	     size_t len);
/* Config space (region VFIO_PCI_CONFIG_REGION_INDEX); end the check on
 * error. */
uint32_t cfg_rd(struct siovh_check *check, struct vd *d, uint32_t off,
		size_t len);
void cfg_wr(struct siovh_check *check, struct vd *d, uint32_t off,
	    uint32_t val, size_t len);
/* A profile register by name: SKIP if the profile lacks it. */
const struct siovh_profile_reg *must_reg(struct siovh_check *check,
					 const struct siovh_profile_type *ty,
					 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint64_t reg_rd(struct siovh_check *check, struct vd *d,
		const struct siovh_profile_reg *r);
void reg_wr(struct siovh_check *check, struct vd *d,
	    const struct siovh_profile_reg *r, uint64_t val);
/* Find a capability in the VDEV's config space: offset or 0. */
uint32_t vd_find_cap(struct siovh_check *check, struct vd *d, uint8_t id);
uint32_t vd_find_ecap(struct siovh_check *check, struct vd *d, uint16_t id);
/* The PBA bit of MSI-X vector vec, where the MSI-X capability locates the
 * PBA (SKIPs without the capability, fails the check if the read does). */
bool vd_pba_pending(struct siovh_check *check, struct vd *d, uint32_t vec);

/* VFIO_DEVICE_GET_REGION_INFO with its capability chain; free() it. */
struct vfio_region_info *vd_region_info(struct siovh_check *check,
					struct vd *d, uint32_t index);
/* The sparse-mmap capability of info, or NULL. */
const struct vfio_region_info_cap_sparse_mmap *
sparse_of(const struct vfio_region_info *info);

/* --- parent config space (pci facet) ------------------------------------ */

uint32_t pcfg_rd(struct siovh_check *check, uint32_t off, size_t len);
void pcfg_wr(struct siovh_check *check, uint32_t off, uint32_t val,
	     size_t len);
/* Walk the parent's extended capabilities: offset of the first with id
 * (and, for DVSEC 0x23, vendor 0x8086 and DVSEC ID 5), or 0. */
uint32_t parent_find_ecap(struct siovh_check *check, uint16_t id);
uint32_t parent_find_cap(struct siovh_check *check, uint8_t id);
uint32_t parent_siov_dvsec(struct siovh_check *check);

/* --- probes (SIOVH_FEAT_TEST_VDEV); end the check on error --------------- */

struct siovh_parent_probe parent_probe(struct siovh_check *check);
struct siovh_vdev_probe vdev_probe(struct siovh_check *check, struct vd *d);
struct siovh_adi_probe adi_probe(struct siovh_check *check, uint32_t adi);
/* The ADI's event log; returns the count (up to max). */
/*
 * The IOMMU's oldest fault record into *f (ASSERTs there is one): true;
 * false, with a note, on a target whose IOMMU does not expose its records
 * (test facet without dma_fault_pop), where the caller judges the fault by
 * what the device and memory show. drain_faults() is 0 there.
 */
bool dma_fault_record(struct siovh_check *check, struct siovh_dma_fault *f);
/* SKIPs on a target that cannot read the ADI's event log. */
size_t adi_trace(struct siovh_check *check, uint32_t adi,
		 struct siovh_adi_event *ev, size_t max);
/* Drop every recorded DMA fault; returns how many. */
unsigned int drain_faults(struct siovh_check *check);
/* Sum over probes that must come back to where they started. */
struct leak_snap {
	uint32_t free_adis, nr_vdevs;
	uint64_t pinned;
	unsigned int avail[SIOVH_PROFILE_MAX_TYPES];
};
void leak_snap(struct siovh_check *check, const struct siovh_profile *p,
	       struct leak_snap *s);
/* EXPECT the state to equal before (what says when). */
void leak_expect(struct siovh_check *check, const struct siovh_profile *p,
		 const struct leak_snap *before, const char *what);

/* --- interrupts ---------------------------------------------------------- */

/* An eventfd (nonblocking); ends the check on failure. */
int must_eventfd(struct siovh_check *check);
/* The eventfd's count (read and reset), 0 if not signalled. */
uint64_t efd_take(int fd);
/* A raw VFIO_DEVICE_SET_IRQS: the header, then dlen bytes of data (at most
 * 64 ints, else -E2BIG), with argsz the header plus argsz_data (which may
 * say less than dlen). */
int set_irqs_raw(struct vd *d, uint32_t flags, uint32_t index,
		 uint32_t start, uint32_t count, const void *data, size_t dlen,
		 size_t argsz_data);
/* SET_IRQS on index: ACTION_TRIGGER with eventfds (fd -1 disarms). */
int irq_trigger(struct vd *d, uint32_t index, uint32_t start, uint32_t count,
		const int *fds);
/* SET_IRQS ACTION_MASK / ACTION_UNMASK (DATA_NONE) of one vector. */
int irq_mask(struct vd *d, uint32_t index, uint32_t vec, bool mask);
/* SET_IRQS ACTION_TRIGGER DATA_NONE count 1: fire vector vec (loopback). */
int irq_fire(struct vd *d, uint32_t index, uint32_t vec);

/* --- DMA ----------------------------------------------------------------- */

struct dma_buf {
	uint8_t *va;
	uint64_t iova, size;
};
/* Page-aligned memory mapped at iova in d's container (MAP_DMA RW). */
void dma_map(struct siovh_check *check, struct vd *d, struct dma_buf *b,
	     uint64_t iova, uint64_t size);
int dma_unmap(struct vd *d, uint64_t iova, uint64_t size);

/* --- migration and dirty tracking --------------------------------------- */

/* VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE: get the state / set it (data_fd
 * may be NULL; the returned fd, if any, is closed when not asked for). */
int mig_get(struct vd *d, uint32_t *state);
int mig_set(struct vd *d, uint32_t state, int *data_fd);
int dma_log_start(struct vd *d, uint64_t iova, uint64_t len,
		  uint64_t page_size);
int dma_log_stop(struct vd *d);
int dma_log_report(struct vd *d, uint64_t iova, uint64_t len,
		   uint64_t page_size, uint64_t *bitmap);
/*
 * One VFIO_DEVICE_FEATURE with flags and len (<= 64) bytes of data, argsz
 * covering argsz_data bytes of it (less, to test a short argsz); the data
 * comes back.
 */
int feature_raw(struct vd *d, uint32_t flags, void *data, size_t len,
		size_t argsz_data);

#endif /* SIOVH_SPECS_VDCM_COMMON_H */
