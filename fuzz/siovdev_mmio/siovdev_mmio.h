/* SPDX-License-Identifier: MIT */
/*
 * What the two files of the siovdev_mmio fuzz target share: the state of
 * the input in flight (the device, the fake host, the shadows of what the
 * guest wrote) and the oracle's entry points (oracle.c). The input
 * format, the accesses and the contract checked are in siovdev_mmio.c.
 */
#ifndef SIOVDEV_MMIO_H
#define SIOVDEV_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include <stddef.h>

#include "harness/ref/siovdev/siovdev.h"

#define PAGE		4096u
#define MEM_PAGES	16
#define MEM_SIZE	(MEM_PAGES * PAGE)
#define MAX_MAPS	4
#define MAX_MSGS	64
#define MAX_MSIX	(1 + SIOVDEV_MAX_ADIS)

/* Config-space offsets the oracle looks at (siovdev.h). */
#define CFG_COMMAND	0x04
#define CMD_MEMORY	(1u << 1)
#define CMD_MASTER	(1u << 2)
#define CFG_DEVCTL	(SIOVDEV_CFG_PCIE + 0x08)
#define CFG_MSIX_CTRL	(SIOVDEV_CFG_MSIX + 0x02)
#define MSIX_MASKALL	(1u << 14)
#define MSIX_ENABLE	(1u << 15)

struct map {
	uint32_t pasid;
	uint16_t present, writable;	/* one bit per page */
};

struct entry {				/* an MSI-X or IMS entry as written */
	uint32_t addr_lo, addr_hi, data;
	bool masked;
};

/* What the access in flight may do by DMA. */
struct inflight {
	int32_t adi;			/* whose queue may run; -1: none */
	bool gate;			/* BME, PASID enable, PASID_VALID */
	const char *shut;		/* ... else which of them is off */
	uint32_t pasid;
	bool single;			/* exactly desc runs */
	bool strict;			/* ... and its ranges do not overlap */
	struct siovdev_desc desc;
	bool desc_valid;
	bool dma_failed, record_seen, record_ok;
};

/* The state of one input (one device), shared by the two files. */
struct mmio_state {
	struct siovdev *d;
	struct siovdev_config cfg;
	uint32_t nr_ims, nr_msix, width;
	uint8_t fresh[SIOVDEV_CFG_SIZE];	/* the power-on image */
	uint8_t mem[MEM_SIZE];
	struct map maps[MAX_MAPS];
	unsigned int nmaps;
	struct { uint64_t addr; uint32_t data; } msg[MAX_MSGS];
	unsigned int nmsg;
	struct entry msix[MAX_MSIX], ims[SIOVDEV_MAX_IMS];
	uint32_t irq[SIOVDEV_MAX_ADIS];		/* ADI IRQ registers */
	uint32_t asked[SIOVDEV_MAX_ADIS];	/* INTERRUPT descriptors */
	uint64_t seq;			/* newest event of the ADI at begin */
	bool mem_on, bme, pasid_on, msix_on, msix_mask;
	struct inflight cur;
	struct siovdev_adi_probe p0[SIOVDEV_MAX_ADIS];
	struct siovdev_adi_probe p1[SIOVDEV_MAX_ADIS];
	struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];
};
extern struct mmio_state mm;

static inline bool overlaps(uint64_t a, uint64_t alen, uint64_t b,
			    uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static inline bool inside(uint64_t a, uint64_t alen, uint64_t b,
			  uint64_t blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

/* siovdev_mmio.c: the guest's tables and what unmasks an entry. */
struct entry *mm_entry(bool ims, uint32_t idx);
bool mm_unmasked(bool ims, const struct entry *e);

/*
 * oracle.c. Each fz_fail()s with what the contract expected; "before" is
 * mm.p0 (probes at the start of the access), "after" mm.p1.
 */
/* A DMA request of the access in flight (mm.cur), from the host's dma. */
void mo_dma_check(uint32_t pasid, uint64_t addr, size_t len, bool write);
void mo_probe_all(struct siovdev_adi_probe *p);
uint64_t mo_newest_event(uint32_t n);
/* After every access: probes into mm.p1, other ADIs unchanged, messages
 * from unmasked entries, the ADI's interrupts (adi < 0: none ran). */
void mo_after(int32_t adi);
void mo_msgs(void);
void mo_reset_values(uint32_t n, const char *what);
void mo_counters(uint32_t n, unsigned int sub, bool gate);
void mo_bar0_read32(uint32_t off, uint32_t got);
void mo_unmask(bool ims, uint32_t idx, bool was_pending);
void mo_adi_write(uint32_t n, uint32_t reg, uint32_t val);
void mo_single(uint32_t n);

#endif /* SIOVDEV_MMIO_H */
