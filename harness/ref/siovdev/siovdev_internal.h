/* SPDX-License-Identifier: MIT */
/*
 * The reference SIOV endpoint's insides, shared by its modules:
 *
 *   cfg.c          config space: layout, write masks, BARs, DVSEC rules
 *                  (what a config image must look like is judged apart,
 *                  by the specs' checker specs/dvsec/cfg_image.h, which
 *                  the device never calls)
 *   bar.c          BAR0 registers and BAR2 portals
 *   adi.c          ADI registers, queues, drain, reset, event log
 *   engine.c       descriptor execution and its DMA
 *   pri.c          page requests and responses (PRI)
 *   irq.c          MSI-X and IMS tables, masking, delivery
 *   siovdev.c      instances, FLR, names
 */
#ifndef SIOVDEV_INTERNAL_H
#define SIOVDEV_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "siovdev.h"

/* Standard config-space offsets and bits used here. */
#define CFG_VENDOR		0x00
#define CFG_COMMAND		0x04
#define CFG_CMD_MEMORY		(1u << 1)
#define CFG_CMD_MASTER		(1u << 2)
#define CFG_STATUS		0x06
#define CFG_STS_CAP_LIST	(1u << 4)
#define CFG_STS_RMA		(1u << 13)	/* received master abort */
#define CFG_BAR0		0x10
#define CFG_BAR2		0x18
#define CFG_BAR_MEM64		0x4		/* memory, 64-bit, non-pf */
#define CFG_CAP_PTR		0x34
#define PCIE_DEVCTL		0x08
#define PCIE_DEVCTL_FLR		(1u << 15)
#define MSIX_CTRL		0x02
#define MSIX_CTRL_MASKALL	(1u << 14)
#define MSIX_CTRL_ENABLE	(1u << 15)
#define PASID_CTRL		0x06
#define PASID_CTRL_ENABLE	(1u << 0)
#define PRI_CTRL		0x04
#define PRI_CTRL_ENABLE		(1u << 0)
#define PRI_CTRL_RESET		(1u << 1)
#define PRI_STATUS		0x06
#define PRI_STS_RF		(1u << 0)	/* response failure */
#define PRI_STS_STOPPED		(1u << 8)
#define PRI_ALLOC		0x0c
#define PRI_PRG_INDICES		512		/* 9-bit PRG index */

struct cfg_space {
	uint8_t val[SIOVDEV_CFG_SIZE];	/* what reads return */
	uint8_t wmask[SIOVDEV_CFG_SIZE];	/* RW bits */
	uint8_t w1cmask[SIOVDEV_CFG_SIZE];	/* RW1C bits */
	uint32_t pasid, ats, pri, dvsec;	/* ext cap offsets, 0: none */
};

/* One MSI-X or IMS entry (the same 16-byte layout). */
struct irq_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
	bool pending;
	int32_t adi;			/* whose message it holds, -1 none */
};

enum irq_table { IRQ_MSIX, IRQ_IMS };

/* The head descriptor's page request, while it waits for the answer. */
struct adi_page_wait {
	bool waiting;
	uint32_t pasid;
	uint16_t prg;
	uint64_t addr;			/* the faulting address */
	bool write;
	uint32_t bytes;			/* done before the fault */
	uint32_t responses;		/* SUCCESS answers for this descriptor */
};

struct adi {
	uint32_t ctrl, pasid, qsize, irq, error, dropped, completed;
	struct siovdev_desc *queue;	/* a ring of max_queue + 1 */
	uint32_t q_head, q_count;
	struct adi_page_wait pw;
	struct siovdev_event ev[SIOVDEV_EVENT_DEPTH];	/* a ring */
	uint32_t ev_head, ev_count;
};

struct siovdev {
	struct siovdev_config cfg;
	enum siovdev_fault fault;
	struct siovdev_host_ops ops;
	void *host;
	struct cfg_space cs;
	struct adi *adis;
	struct irq_entry *msix;		/* nr_msix */
	uint32_t nr_msix;
	struct irq_entry *ims;		/* cfg.ims_entries (0: no IMS) */
	uint32_t nr_ims;
	uint64_t seq;			/* last event sequence number */
	uint32_t pr_outstanding;	/* ADIs in page wait */
	uint16_t pr_next;		/* next PRG index to try */
	uint64_t pr_unexpected;		/* responses matching nothing */
};

/* Off in the coverage build: README.md, "Coverage". */
#ifdef SIOVH_NO_FAULT_HOOKS
#define siovdev_fault(d, fault)	((void)(d), (void)(fault), false)
#else
static inline bool siovdev_fault(const struct siovdev *d,
				 enum siovdev_fault fault)
{
	return d->fault == fault;
}
#endif

/* Little-endian loads and stores, whatever the host's byte order. */
static inline uint32_t le_get(const uint8_t *p, unsigned int size)
{
	uint32_t v = 0;

	while (size--)
		v = (v << 8) | p[size];
	return v;
}

static inline void le_put(uint8_t *p, unsigned int size, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < size; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static inline uint64_t le_get64(const uint8_t *p)
{
	return le_get(p, 4) | (uint64_t)le_get(p + 4, 4) << 32;
}

/* cfg.c */
void cfg_init(struct siovdev *d);
uint32_t cfg_get(const struct siovdev *d, uint32_t off, unsigned int size);
bool cfg_memory_enabled(const struct siovdev *d);
bool cfg_bus_master(const struct siovdev *d);
bool cfg_pasid_enabled(const struct siovdev *d);
bool cfg_msix_enabled(const struct siovdev *d);
bool cfg_msix_masked(const struct siovdev *d);
void cfg_set_status(struct siovdev *d, uint16_t bits);
/* The PRI capability: enable bit, allocation register, status bits. */
bool cfg_pri_enabled(const struct siovdev *d);
uint32_t cfg_pri_alloc(const struct siovdev *d);
bool cfg_pri_rf(const struct siovdev *d);
void cfg_pri_set_rf(struct siovdev *d);
/* Recompute PRI status "stopped": disabled and nothing outstanding. */
void cfg_pri_update_stopped(struct siovdev *d);
uint64_t cfg_page_size(const struct siovdev *d);	/* DVSEC system */
uint64_t cfg_bar2_size(const struct siovdev *d);

/* adi.c */
int adi_init(struct siovdev *d);
void adi_fini(struct siovdev *d);
void adi_reset(struct siovdev *d, uint32_t n);
uint32_t adi_reg_read(struct siovdev *d, uint32_t n, uint32_t reg);
void adi_reg_write(struct siovdev *d, uint32_t n, uint32_t reg,
		   uint32_t val);
int adi_submit(struct siovdev *d, uint32_t n,
	       const struct siovdev_desc *desc);
void adi_event(struct siovdev *d, uint32_t n, uint32_t kind, uint32_t arg);
/* Record a descriptor that was not executed, with its reason. */
void adi_drop(struct siovdev *d, uint32_t n, uint32_t code);
void adi_error(struct siovdev *d, uint32_t n, uint32_t code);
uint64_t adi_error_summary(const struct siovdev *d);

/* adi.c: run ADI n's queue (unless held or waiting for a page). */
void adi_run(struct siovdev *d, uint32_t n);
/* Remove the head descriptor (after it completed). */
void adi_pop(struct siovdev *d, uint32_t n);

/* engine.c: execute one descriptor; ENGINE_WAIT leaves it at the head,
 * waiting for a page response (pri.c). */
enum engine_result { ENGINE_DONE, ENGINE_WAIT };
enum engine_result engine_execute(struct siovdev *d, uint32_t n,
				  const struct siovdev_desc *desc);
/* Complete ADI n's waiting head descriptor with CS_PAGE_FAULT at the
 * address it waited for; the caller pops it. */
void engine_give_up(struct siovdev *d, uint32_t n,
		    const struct siovdev_desc *desc);

/* pri.c */
/* Send a page request for a fault of ADI n's head descriptor: true when
 * sent (the ADI now waits), false when the fault is unrecoverable. */
bool pri_request(struct siovdev *d, uint32_t n, uint32_t pasid,
		 uint64_t addr, bool write);
/* Stop waiting: complete (DRAIN, disable) or discard (RESET, FLR) the
 * waiting head descriptor. No-op when ADI n does not wait. */
void pri_abandon(struct siovdev *d, uint32_t n, bool complete);
void desc_decode(const uint8_t raw[SIOVDEV_DESC_SIZE],
		 struct siovdev_desc *desc);

/* irq.c */
int irq_init(struct siovdev *d);
void irq_fini(struct siovdev *d);
void irq_reset(struct siovdev *d);
uint32_t irq_reg_read(struct siovdev *d, enum irq_table t, uint32_t off);
void irq_reg_write(struct siovdev *d, enum irq_table t, uint32_t off,
		   uint32_t val);
uint32_t irq_pba_read(struct siovdev *d, uint32_t off);
/* Send (or hold pending) entry idx's message on behalf of ADI adi (-1:
 * the device itself). */
void irq_raise(struct siovdev *d, enum irq_table t, uint32_t idx,
	       int32_t adi);
/* MSI-X enable or function mask changed: send what became unmasked. */
void irq_msix_control_changed(struct siovdev *d);
/* Which table and entry ADI n's completions interrupt through. */
void irq_adi_vector(const struct siovdev *d, uint32_t n, enum irq_table *t,
		    uint32_t *idx);

#endif /* SIOVDEV_INTERNAL_H */
