/* SPDX-License-Identifier: MIT */
/*
 * What the two siovdev unit-test programs share: a fake host (flat
 * in-memory DMA with a deny window, a log of every request and message),
 * register helpers, a device set up as a parent driver would, and the
 * scenario runner: each scenario returns false at the first thing that is
 * not as siovdev.h says (the line lands in `tap_why`), so one scenario checks
 * the faithful device and, run again per injected fault, proves the fault
 * observable.
 */
#ifndef SIOVDEV_TEST_HELPERS_H
#define SIOVDEV_TEST_HELPERS_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <siovh/test.h>

#include "harness/ref/tap.h"
#include "specs/dvsec/cfg_image.h"
#include "siovdev.h"

/* The event kinds are the test facet's. */
_Static_assert((int)SIOVDEV_EV_PASID_SET == (int)SIOVH_ADI_EV_PASID_SET,
	       "event kinds");
_Static_assert((int)SIOVDEV_EV_RESET == (int)SIOVH_ADI_EV_RESET,
	       "event kinds");
_Static_assert((int)SIOVDEV_EV_IRQ == (int)SIOVH_ADI_EV_IRQ, "event kinds");
_Static_assert(sizeof(struct siovdev_desc) == SIOVDEV_DESC_SIZE, "desc");
_Static_assert(sizeof(struct siovdev_completion) == SIOVDEV_CR_SIZE, "cr");

#define MEM_BASE	0x10000u
#define MEM_SIZE	0x10000u
#define MAX_LOG		512

struct dma_req {
	uint32_t pasid;
	uint64_t addr;
	size_t len;
	bool write;
};

struct host {
	uint8_t mem[MEM_SIZE];
	uint64_t deny_lo, deny_hi;	/* DMA here fails */
	struct dma_req log[MAX_LOG];
	size_t nlog;
	struct { uint64_t addr; uint32_t data; } msi[MAX_LOG];
	size_t nmsi;
	struct pr_req {
		uint32_t pasid, perm;
		uint64_t addr;
		uint16_t prg;
		bool last;
	} pr[MAX_LOG];
	size_t npr;
	int pr_ret;			/* what page_request returns */
};

static inline int host_dma(void *h, uint32_t pasid, uint64_t addr, void *buf,
		    size_t len, bool write)
{
	struct host *host = h;

	if (host->nlog < MAX_LOG)
		host->log[host->nlog++] = (struct dma_req){ pasid, addr, len,
							    write };
	if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE)
		return -EFAULT;
	if (addr < host->deny_hi && addr + len > host->deny_lo)
		return -EFAULT;
	if (write)
		memcpy(&host->mem[addr - MEM_BASE], buf, len);
	else
		memcpy(buf, &host->mem[addr - MEM_BASE], len);
	return 0;
}

static inline void host_msi(void *h, uint64_t addr, uint32_t data)
{
	struct host *host = h;

	if (host->nmsi < MAX_LOG) {
		host->msi[host->nmsi].addr = addr;
		host->msi[host->nmsi++].data = data;
	}
}

static inline int host_page_request(void *h, uint32_t pasid, uint64_t addr,
				    uint32_t perm, uint16_t prg, bool last)
{
	struct host *host = h;

	if (host->npr < MAX_LOG)
		host->pr[host->npr++] = (struct pr_req){ pasid, perm, addr,
							 prg, last };
	return host->pr_ret;
}

static const struct siovdev_host_ops ops = { host_dma, host_msi,
					     host_page_request };

/* ---- Helpers ---- */

static inline uint32_t cr(struct siovdev *d, uint32_t off, unsigned int size)
{
	uint32_t v = 0xdeadbeef;

	siovdev_cfg_read(d, off, size, &v);
	return v;
}

static inline void cw(struct siovdev *d, uint32_t off, unsigned int size,
	       uint32_t v)
{
	siovdev_cfg_write(d, off, size, v);
}

static inline uint32_t rr(struct siovdev *d, uint32_t off)
{
	uint8_t b[4] = { 0 };

	siovdev_bar_read(d, 0, off, b, 4);
	return (uint32_t)b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline void rw(struct siovdev *d, uint32_t off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	siovdev_bar_write(d, 0, off, b, 4);
}

#define ADI(n, reg)	SIOVDEV_REG_ADI(n, SIOVDEV_ADI_##reg)
#define IMS(i, reg)	(SIOVDEV_IMS_TABLE + (i) * 16 + SIOVDEV_IRQ_##reg)
#define PASID_OF(n)	(0x1230u + (n))

/* The device's config space passes the specs' checker (the checker's own
 * tests are specs/dvsec/cfg_image_test.c). */
static inline bool valid(struct siovdev *d)
{
	uint8_t img[SIOVDEV_CFG_SIZE];

	siovdev_cfg_image(d, img);
	return cfg_image_validate(img, tap_why, sizeof(tap_why)) == 0;
}

/* A device set up as a parent driver would: memory and bus master on,
 * PASID enabled, ADI n with PASID_OF(n) and enabled, its IMS entry
 * programmed and unmasked. */
static inline struct siovdev *setup(struct host *h, int fault)
{
	struct siovdev_config cfg;
	struct siovdev *d;
	uint32_t n;

	memset(h, 0, sizeof(*h));
	siovdev_config_default(&cfg);
	d = siovdev_create(&cfg, &ops, h, fault);
	if (!d)
		return NULL;
	cw(d, 0x04, 2, 0x6);
	cw(d, siovdev_cfg_ext_offset(d, SIOVDEV_EXT_ID_PASID) + 6, 2, 1);
	for (n = 0; n < cfg.nr_adis; n++) {
		rw(d, IMS(n, ADDR_LO), 0xfee00000 + n * 4);
		rw(d, IMS(n, DATA), 0x100 + n);
		rw(d, IMS(n, CTRL), 0);
		rw(d, ADI(n, PASID), SIOVDEV_ADI_PASID_VALID | PASID_OF(n));
		rw(d, ADI(n, CTRL), SIOVDEV_ADI_CTRL_ENABLE);
	}
	return d;
}

static inline struct siovdev_desc copy_desc(uint64_t src, uint64_t dst,
				     uint32_t size, uint8_t flags)
{
	return (struct siovdev_desc){
		.opcode = SIOVDEV_OP_MEMCOPY,
		.flags = flags,
		.size = size,
		.completion = MEM_BASE + 0xff00,
		.src = src,
		.dst = dst,
		.tag = 0x7a6,
	};
}

static inline const uint8_t *crec(const struct host *h)
{
	return &h->mem[0xff00];
}

static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static const char *const fault_names[] = {
	"none",
#define NAME(code, name, reach, summary) name,
	SIOVDEV_FAULT_LIST(NAME)
#undef NAME
};

/* Each fault's reach (faults.h) as a word: "PCI", "VDEV" or "UNIT". */
static const char *const fault_reach[] = {
	"",
#define REACH(code, name, reach, summary) #reach,
	SIOVDEV_FAULT_LIST(REACH)
#undef REACH
};

static bool proves_pci(int fault)
{
	return !strcmp(fault_reach[fault], "PCI");
}

static bool proves_others(int fault)
{
	return !proves_pci(fault);
}

/*
 * TAP: the fixed tests, each scenario on the faithful device, then this
 * part's faults (pci: those of reach PCI, else all others) against all
 * scenarios (tap_run_matrix). The exit status.
 */
static inline int run_all(const struct tap_test *fixed, size_t nfixed,
			  const struct tap_scenario *scen, size_t nscen,
			  bool pci)
{
	const struct tap_fault_matrix m = {
		.scen = scen, .nscen = nscen,
		.nr_faults = SIOVDEV_FAULT_COUNT,
		.proves = pci ? proves_pci : proves_others,
		.names = fault_names, .reach = fault_reach, .why = tap_why,
		.title = "every injected fault of this part is observable",
	};

	return tap_run_matrix(fixed, nfixed, &m);
}

#endif /* SIOVDEV_TEST_HELPERS_H */
