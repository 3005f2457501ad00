/* SPDX-License-Identifier: MIT */
/*
 * Selective pinning (seeds/002, "Memory Footprint": "Mediate for pinning
 * guest DMA pages", "tracks the status of guest DMA pages, e.g. scanning
 * ring descriptors", "vfio_pin_pages for selectively pinning a set of guest
 * PFNs"). Mapping guest memory pins nothing; the VDCM reads each descriptor
 * on its way to the portal, pins the mapped pages it will DMA (completion
 * record, source, destination) and unpins them when the ADI is done with
 * the descriptor. Pages outside the container are not pinned: the DMA to
 * them faults in the IOMMU, which is the isolation a check looks for.
 *
 * A pin is a count per IOVA page per VDEV; the parent's count is the sum.
 *
 * The records of the descriptors in flight are also where completions are
 * counted (each virtual queue's DONE register) and where the descriptors a
 * held ADI is keeping are found when the device state is saved.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ref/alloc/alloc.h"
#include "harness/ref/siovdev/siovdev.h"
#include "vdcm_internal.h"

static struct vdcm_pin *pin_find(struct vdcm_pins *pins, uint64_t page)
{
	uint32_t i;

	for (i = 0; i < pins->nr; i++)
		if (pins->pin[i].iova == page)
			return &pins->pin[i];
	return NULL;
}

static int pin_page(struct vdcm_vdev *vdev, uint64_t page)
{
	struct vdcm_pins *pins = &vdev->pins;
	struct vdcm_pin *p = pin_find(pins, page), *grown;
	uint32_t cap;

	if (p) {
		p->count++;
		return 0;
	}
	if (pins->nr == pins->cap) {
		cap = pins->cap ? 2 * pins->cap : 64;
		grown = ref_realloc(pins->pin, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		pins->pin = grown;
		pins->cap = cap;
	}
	pins->pin[pins->nr++] = (struct vdcm_pin) { .iova = page, .count = 1 };
	vdev->vdcm->pinned_pages++;
	return 0;
}

static void unpin_page(struct vdcm_vdev *vdev, uint64_t page)
{
	struct vdcm_pins *pins = &vdev->pins;
	struct vdcm_pin *p = pin_find(pins, page);

	if (!p || --p->count)
		return;
	*p = pins->pin[--pins->nr];
	vdev->vdcm->pinned_pages--;
}

/*
 * Pin (or unpin) every mapped page of the span. The loop stops at the
 * span's last page rather than at page >= end: a span in the top page of
 * the 64-bit IOVA space made page wrap to 0 and the loop walk 2^52 pages
 * (a descriptor's completion record there hung the portal write; found by
 * the vfio_device_ops fuzz target, regressions/pin-top-page).
 */
static int span_pin(struct vdcm_vdev *vdev, const struct vdcm_span *s,
		    bool pin)
{
	const uint64_t mask = ~(uint64_t)(VDEV_PAGE_SIZE - 1);
	uint64_t page, last, end = s->iova + s->len;
	int ret;

	if (!s->len || end < s->iova)
		return 0;
	last = (end - 1) & mask;
	for (page = s->iova & mask;; page += VDEV_PAGE_SIZE) {
		if (vdcm_container_find(vdev, page)) {
			if (!pin) {
				unpin_page(vdev, page);
			} else {
				ret = pin_page(vdev, page);
				if (ret)
					return ret;
			}
		}
		if (page == last)
			return 0;
	}
}

/* What the descriptor will touch, as the device will read it. */
static void desc_spans(const void *raw, struct vdcm_inflight *f)
{
	struct siovdev_desc d;
	uint64_t size;

	memcpy(&d, raw, sizeof(d));
	size = d.size <= SIOVDEV_MAX_XFER ? d.size : 0;
	f->nr = 0;
	if (d.flags & SIOVDEV_DF_COMPLETION)
		f->span[f->nr++] = (struct vdcm_span) { d.completion,
							SIOVDEV_CR_SIZE };
	if (d.opcode == SIOVDEV_OP_MEMCOPY)
		f->span[f->nr++] = (struct vdcm_span) { d.src, size };
	if (d.opcode == SIOVDEV_OP_MEMCOPY || d.opcode == SIOVDEV_OP_MEMFILL)
		f->span[f->nr++] = (struct vdcm_span) { d.dst, size };
}

static void inflight_unpin(struct vdcm_vdev *vdev,
			   const struct vdcm_inflight *f)
{
	uint32_t i;

	for (i = 0; i < f->nr; i++)
		span_pin(vdev, &f->span[i], false);
}

/*
 * Room for every descriptor the VDEV's ADIs can hold at once (maxQ queues
 * of the parent's depth) and the one a full queue is about to drop.
 */
int vdcm_pin_init(struct vdcm_vdev *vdev)
{
	uint32_t n = vdev_max_queues(vdev) * vdev->vdcm->queue_depth + 1;

	vdev->inflight = ref_calloc(n, sizeof(*vdev->inflight));
	if (!vdev->inflight)
		return -ENOMEM;
	vdev->max_inflight = n;
	vdev->nr_inflight = 0;
	return 0;
}

void vdcm_pin_fini(struct vdcm_vdev *vdev)
{
	free(vdev->inflight);
	vdev->inflight = NULL;
	free(vdev->pins.pin);
	vdev->pins.pin = NULL;
}

/* Pin a descriptor's pages before it reaches the ADI behind queue q. */
int vdcm_pin_submit(struct vdcm_vdev *vdev, uint32_t q, uint32_t adi,
		    const void *desc)
{
	struct vdcm_inflight *f;
	uint32_t i;
	int ret;

	if (vdev->nr_inflight == vdev->max_inflight)
		return -EBUSY;
	f = &vdev->inflight[vdev->nr_inflight];
	f->adi = adi;
	f->q = q;
	f->ticket = vdcm_hw_adi_ticket(vdev->vdcm, adi);
	memcpy(f->desc, desc, sizeof(f->desc));
	desc_spans(desc, f);
	for (i = 0; i < f->nr; i++) {
		ret = span_pin(vdev, &f->span[i], true);
		if (ret)
			goto err_unpin;
	}
	vdev->nr_inflight++;
	return 0;

err_unpin:
	f->nr = i + 1;		/* the failed span unpins what it pinned */
	if (vdcm_fault(vdev->vdcm, VDCM_FAULT_PIN_ENOMEM_KEEPS_PARTIAL))
		f->nr = i;	/* the bug: only the spans before it */
	inflight_unpin(vdev, f);
	return ret;
}

/*
 * What VDCM_FAULT_MAP_PINS does wrong: pin a whole mapping at MAP_DMA, as a
 * VDCM without selective pinning would; only release drops these.
 */
/* LCOV_EXCL_START: an injected fault's body (README.md, "Coverage") */
int vdcm_pin_mapping(struct vdcm_vdev *vdev, uint64_t iova, uint64_t size)
{
	struct vdcm_span s = { iova, size };

	return span_pin(vdev, &s, true);
}
/* LCOV_EXCL_STOP */

/* The descriptor pinned last never reached the ADI. */
void vdcm_pin_cancel(struct vdcm_vdev *vdev)
{
	if (vdev->nr_inflight)
		inflight_unpin(vdev, &vdev->inflight[--vdev->nr_inflight]);
}

static void inflight_remove(struct vdcm_vdev *vdev, uint32_t i)
{
	struct vdcm_inflight *f = &vdev->inflight[i];

	memmove(f, f + 1, (vdev->nr_inflight - i - 1) * sizeof(*f));
	vdev->nr_inflight--;
}

/*
 * The ADI has run what it could (a portal write to an unheld ADI, HOLD
 * cleared): unpin what it has finished and count what it executed into
 * the DONE registers of the queues those descriptors came through.
 * completed_before is the ADI's executed count before it ran. The records
 * are in submission order, as the ADI runs them; a descriptor dropped when
 * its turn came (no PASID, bad completion address) is finished but was not
 * executed, and the count cannot say which one that was: the executions
 * are credited to the oldest finished records. That is exact unless queues
 * share the ADI (guest-transparent re-allocation) and one was dropped.
 */
void vdcm_pin_complete(struct vdcm_vdev *vdev, uint32_t adi,
		       uint64_t completed_before)
{
	uint64_t retired = vdcm_hw_adi_retired(vdev->vdcm, adi);
	uint64_t ran = vdcm_hw_adi_completed(vdev->vdcm, adi) -
		       completed_before;
	uint32_t i = 0;

	while (i < vdev->nr_inflight) {
		struct vdcm_inflight *f = &vdev->inflight[i];

		if (f->adi != adi || retired < f->ticket) {
			i++;
			continue;
		}
		if (ran) {
			vdev->regs.q[f->q].done++;
			ran--;
		}
		if (!vdcm_fault(vdev->vdcm, VDCM_FAULT_PIN_LEAK))
			inflight_unpin(vdev, f);
		inflight_remove(vdev, i);
	}
}

/*
 * The ADI is about to be reset and so will finish nothing more: unpin
 * everything it has in flight and forget it.
 */
void vdcm_pin_retire_all(struct vdcm_vdev *vdev, uint32_t adi)
{
	uint32_t i = 0;

	while (i < vdev->nr_inflight) {
		if (vdev->inflight[i].adi != adi) {
			i++;
			continue;
		}
		inflight_unpin(vdev, &vdev->inflight[i]);
		inflight_remove(vdev, i);
	}
}

/* Release: every pin of the VDEV goes. */
void vdcm_pin_release(struct vdcm_vdev *vdev)
{
	vdev->vdcm->pinned_pages -= vdev->pins.nr;
	free(vdev->pins.pin);
	memset(&vdev->pins, 0, sizeof(vdev->pins));
	vdev->nr_inflight = 0;
}
