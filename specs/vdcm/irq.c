// SPDX-License-Identifier: MIT
/*
 * VDCM.IRQ: the VDEV's interrupts (seed 000, "Design the VDCM": ADI
 * interrupts from IMS and virtual interrupts) as VFIO_DEVICE_GET_IRQ_INFO
 * and VFIO_DEVICE_SET_IRQS present them: each vector reaches its own
 * eventfd, a masked vector does not signal, and what arrived while masked is
 * delivered once on unmask; SET_IRQS refuses a malformed header, honours
 * DATA_BOOL's selection and disables an index with count 0.
 */
#include <limits.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine.h"

#define MSIX VFIO_PCI_MSIX_IRQ_INDEX
#define MAXV 16

/*
 * The mask clauses need MSI-X vectors that take ACTION_MASK/UNMASK: vfio.h
 * offers them only on an index with VFIO_IRQ_INFO_MASKABLE (vfio-pci's
 * MSI-X has none: masking is not exported, the ioctl is -ENOTTY).
 */
static void need_maskable(struct siovh_check *check,
			  const struct siovh_profile_type *ty)
{
	const struct siovh_profile_irq *q = siovh_profile_irq(ty, MSIX);

	if (q && q->count && !(q->flags & VFIO_IRQ_INFO_MASKABLE))
		SKIP("type %s's MSI-X vectors are not maskable (no "
		     "VFIO_IRQ_INFO_MASKABLE in the profile): ACTION_MASK "
		     "and UNMASK are not offered", ty->name);
}

/* Open a VDEV of ty and arm n MSI-X vectors, each with its own eventfd. */
static uint32_t arm_all(struct siovh_check *check,
			const struct siovh_profile_type *ty, struct vd *d,
			int *fds)
{
	const struct siovh_profile_irq *q = siovh_profile_irq(ty, MSIX);
	uint32_t n, i;

	if (!q || !q->count)
		SKIP("type %s has no MSI-X vectors in the profile", ty->name);
	n = q->count < MAXV ? q->count : MAXV;
	vd_up(check, ty, d, 1);
	for (i = 0; i < n; i++)
		fds[i] = must_eventfd(check);
	ASSERT_OK(irq_trigger(d, MSIX, 0, n, fds));
	return n;
}

SIOVH_CLAUSE(irq_info,
	.id = "VDCM.IRQ.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_DEVICE_GET_IRQ_INFO reports the profile's count and flags per IRQ index; unlisted indices have no vectors",
	.source = SRC_DESIGN " (The interrupts)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_irq *q;
	struct vfio_irq_info ii;
	uint32_t i, k;
	struct vd d;

	for (i = 0; i < p->nr_types; i++) {
		vd_up(check, &p->types[i], &d, 1 + i);
		for (k = 0; k < d.ty->num_irqs; k++) {
			memset(&ii, 0, sizeof(ii));
			ii.argsz = sizeof(ii);
			ii.index = k;
			ASSERT_OK(d.t->vfio_device->ioctl(
				d.t, d.v, VFIO_DEVICE_GET_IRQ_INFO, &ii));
			q = siovh_profile_irq(d.ty, k);
			if (q && (ii.count != q->count || ii.flags != q->flags))
				FAIL("%s IRQ index %u: count %u flags %#x, "
				     "expected %u %#x", d.ty->name, k, ii.count,
				     ii.flags, q->count, q->flags);
			if (!q && ii.count)
				FAIL("%s IRQ index %u (not in the profile) has "
				     "%u vectors", d.ty->name, k, ii.count);
		}
		memset(&ii, 0, sizeof(ii));
		ii.argsz = sizeof(ii);
		ii.index = d.ty->num_irqs;
		EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v,
						     VFIO_DEVICE_GET_IRQ_INFO,
						     &ii), -EINVAL);
		vd_down(check, &d);
	}
}

SIOVH_CLAUSE(irq_right_fd,
	.id = "VDCM.IRQ.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "each fired MSI-X vector signals its own eventfd once and no other",
	.source = SRC_DESIGN " (The interrupts)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	int fds[MAXV];
	uint32_t n, i, k;
	uint64_t got;
	struct vd d;

	n = arm_all(check, &p->types[p->nr_types - 1], &d, fds);
	for (i = 0; i < n; i++) {
		ASSERT_OK(irq_fire(&d, MSIX, i));
		for (k = 0; k < n; k++) {
			got = efd_take(fds[k]);
			if (got != (k == i))
				FAIL("firing vector %u: eventfd of vector %u "
				     "counted %llu, expected %u", i, k,
				     (unsigned long long)got, k == i);
		}
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_masked,
	.id = "VDCM.IRQ.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a masked vector does not signal its eventfd",
	.source = SRC_VFIO("VFIO_DEVICE_SET_IRQS (ACTION_MASK)"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	int fds[MAXV];
	uint32_t n, i;
	struct vd d;

	need_maskable(check, &p->types[0]);
	n = arm_all(check, &p->types[0], &d, fds);
	for (i = 0; i < n; i++) {
		ASSERT_OK(irq_mask(&d, MSIX, i, true));
		ASSERT_OK(irq_fire(&d, MSIX, i));
		EXPECT_EQ(efd_take(fds[i]), 0);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_pending,
	.id = "VDCM.IRQ.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "an interrupt that arrives while its vector is masked is delivered exactly once on unmask",
	.source = SRC_VFIO("VFIO_DEVICE_SET_IRQS (ACTION_UNMASK)"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	int fds[MAXV];
	uint32_t n, i;
	struct vd d;

	need_maskable(check, &p->types[0]);
	n = arm_all(check, &p->types[0], &d, fds);
	for (i = 0; i < n; i++) {
		ASSERT_OK(irq_mask(&d, MSIX, i, true));
		ASSERT_OK(irq_fire(&d, MSIX, i));
		ASSERT_OK(irq_fire(&d, MSIX, i));
		ASSERT_OK(irq_mask(&d, MSIX, i, false));
		EXPECT_EQ(efd_take(fds[i]), 1);
		ASSERT_OK(irq_mask(&d, MSIX, i, false));
		EXPECT_EQ(efd_take(fds[i]), 0);
		ASSERT_OK(irq_fire(&d, MSIX, i));
		EXPECT_EQ(efd_take(fds[i]), 1);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_disarm,
	.id = "VDCM.IRQ.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "SET_IRQS beyond the index's vectors (a range running past the last, or starting past it) fails with -EINVAL; a vector disarmed with fd -1 signals nothing",
	.source = SRC_VFIO("VFIO_DEVICE_SET_IRQS"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	int fds[MAXV], none = -1;
	uint32_t n;
	struct vd d;

	n = arm_all(check, &p->types[0], &d, fds);
	EXPECT_ERRNO(irq_trigger(&d, MSIX, n, 1, fds), -EINVAL);
	EXPECT_ERRNO(irq_trigger(&d, MSIX, n - 1, 2, fds), -EINVAL);
	EXPECT_ERRNO(irq_mask(&d, MSIX, n, true), -EINVAL);
	/* a start past the last vector, whatever the count */
	EXPECT_ERRNO(irq_mask(&d, MSIX, n + 1, true), -EINVAL);
	EXPECT_ERRNO(irq_fire(&d, MSIX, n + 1), -EINVAL);
	ASSERT_OK(irq_trigger(&d, MSIX, 0, 1, &none));
	irq_fire(&d, MSIX, 0);
	EXPECT_EQ(efd_take(fds[0]), 0);
	vd_down(check, &d);
}

/* Queue q completes a NOP-sized copy with INTERRUPT; the record's status. */
static uint8_t irq_copy(struct siovh_check *check, struct vd *d, uint32_t q,
			struct dma_buf *b)
{
	return run_copy(check, d, q, b, b->iova, b->iova + 0x800, 64,
			b->iova + 0xf00, SIOVDEV_DF_INTERRUPT);
}

SIOVH_CLAUSE(irq_queue_vector,
	.id = "VDCM.IRQ.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a queue's completion interrupt (ADI interrupt through IMS) reaches that queue's vector's eventfd, and no other",
	.source = SRC_DESIGN " (ADI Interrupt from IMS)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	int fds[MAXV];
	uint32_t n, q, k;
	struct dma_buf b;
	uint64_t got;
	struct vd d;

	must_portal(check, ty);
	n = arm_all(check, ty, &d, fds);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	for (q = 0; q < ty->adis && VEC_QUEUE(q) < n; q++) {
		q_enable(check, &d, q);
		EXPECT_EQ(irq_copy(check, &d, q, &b), SIOVDEV_CS_SUCCESS);
		for (k = 0; k < n; k++) {
			got = efd_take(fds[k]);
			if (got != (k == VEC_QUEUE(q)))
				FAIL("completion on queue %u: vector %u "
				     "counted %llu, expected %u", q, k,
				     (unsigned long long)got,
				     k == VEC_QUEUE(q));
		}
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_queue_masked,
	.id = "VDCM.IRQ.7", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a queue completion while its vector is masked is not signalled, and is delivered once on unmask",
	.source = SRC_DESIGN " (ADI Interrupt from IMS)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	int fds[MAXV];
	struct dma_buf b;
	struct vd d;

	must_portal(check, ty);
	arm_all(check, ty, &d, fds);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	q_enable(check, &d, 0);
	ASSERT_OK(irq_mask(&d, MSIX, VEC_QUEUE(0), true));
	EXPECT_EQ(irq_copy(check, &d, 0, &b), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 0);
	ASSERT_OK(irq_mask(&d, MSIX, VEC_QUEUE(0), false));
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 1);
	EXPECT_EQ(irq_copy(check, &d, 0, &b), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 1);
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_queue_pba,
	.id = "VDCM.IRQ.17", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a queue completion latched while its vector is masked (held by the ADI's IMS entry) shows as that vector's PBA bit, and only that one, until unmask delivers it",
	.source = SRC_DESIGN " (ADI Interrupt from IMS, Virtual interrupt)" "; derived: PCI Local Bus 3.0, 6.8.2 (Pending Bit Array)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	int fds[MAXV];
	struct dma_buf b;
	uint32_t n, k;
	struct vd d;

	must_portal(check, ty);
	need_maskable(check, ty);
	n = arm_all(check, ty, &d, fds);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	q_enable(check, &d, 0);
	ASSERT_OK(irq_mask(&d, MSIX, VEC_QUEUE(0), true));
	EXPECT_EQ(irq_copy(check, &d, 0, &b), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 0);
	for (k = 0; k < n; k++)
		if (vd_pba_pending(check, &d, k) != (k == VEC_QUEUE(0)))
			FAIL("a completion latched behind masked vector %u: "
			     "the PBA bit of vector %u reads %s", VEC_QUEUE(0),
			     k, k == VEC_QUEUE(0) ? "clear" : "set");
	ASSERT_OK(irq_mask(&d, MSIX, VEC_QUEUE(0), false));
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 1);
	EXPECT_FALSE(vd_pba_pending(check, &d, VEC_QUEUE(0)));
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_returned_adi,
	.id = "VDCM.IRQ.18", .level = SIOVH_MUST, .facet = "vdev",
	.title = "an ADI a VDEV gives back (SET_QUEUES shrinking) while its IMS entry holds a completion latched behind a masked vector takes none of it to the next VDEV: that VDEV's PBA is clear and none of its vectors signals once armed and unmasked",
	.source = SRC_DESIGN " (ADI Interrupt from IMS)" "; " SRC_SCALING,
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	const struct siovh_profile_type *small = &p->types[0];
	const struct siovh_profile_irq *irq;
	struct siovh_vdev_probe xp, yp;
	int xfds[MAXV], yfds[MAXV];
	uint32_t n, k, gone;
	struct dma_buf b;
	struct vd x, y;

	if (!ty->max_queues || !ty->has_mailbox)
		SKIP("type %s has no mailbox SET_QUEUES in the profile",
		     ty->name);
	must_portal(check, ty);
	need_maskable(check, ty);
	arm_all(check, ty, &x, xfds);
	ASSERT_EQ(mbox(check, &x, MBOX_SET_QUEUES, 2, NULL), MBOX_DONE);
	efd_take(xfds[VEC_MBOX]);
	dma_map(check, &x, &b, 0x100000, PAGE_4K);
	q_enable(check, &x, 1);
	ASSERT_OK(irq_mask(&x, MSIX, VEC_QUEUE(1), true));
	EXPECT_EQ(irq_copy(check, &x, 1, &b), SIOVDEV_CS_SUCCESS);
	ASSERT_TRUE(vd_pba_pending(check, &x, VEC_QUEUE(1)));
	xp = vdev_probe(check, &x);
	ASSERT_EQ(xp.nr_adis, 2);
	gone = xp.adis[1];
	ASSERT_EQ(mbox(check, &x, MBOX_SET_QUEUES, 1, NULL), MBOX_DONE);

	vd_create(check, small, &y, 2);
	vd_open(check, &y, true);
	yp = vdev_probe(check, &y);
	for (k = 0; k < yp.nr_adis && yp.adis[k] != gone; k++)
		;
	if (k == yp.nr_adis)
		SKIP("the parent gave the next VDEV other ADIs than the one "
		     "given back (%u)", gone);
	irq = siovh_profile_irq(small, MSIX);
	n = !irq ? 0 : irq->count < MAXV ? irq->count : MAXV;
	for (k = 0; k < n; k++)
		yfds[k] = must_eventfd(check);
	ASSERT_OK(irq_trigger(&y, MSIX, 0, n, yfds));
	for (k = 0; k < n; k++) {
		EXPECT_FALSE(vd_pba_pending(check, &y, k));
		ASSERT_OK(irq_mask(&y, MSIX, k, false));
		if (efd_take(yfds[k]))
			FAIL("vector %u of the VDEV that took ADI %u signalled "
			     "an interrupt the VDEV before latched", k, gone);
	}
	vd_down(check, &y);
	vd_down(check, &x);
}

SIOVH_CLAUSE(irq_only_when_asked,
	.id = "VDCM.IRQ.8", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a descriptor without the INTERRUPT flag completes without signalling any vector",
	.source = SRC_DESIGN " (ADI Interrupt from IMS)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	int fds[MAXV];
	struct dma_buf b;
	uint32_t n, k;
	struct vd d;

	must_portal(check, ty);
	n = arm_all(check, ty, &d, fds);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	q_enable(check, &d, 0);
	EXPECT_EQ(run_copy(check, &d, 0, &b, b.iova, b.iova + 0x800, 64,
			   b.iova + 0xf00, 0), SIOVDEV_CS_SUCCESS);
	for (k = 0; k < n; k++)
		EXPECT_EQ(efd_take(fds[k]), 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_vector_reg,
	.id = "VDCM.IRQ.9", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a queue's completions follow its vector register: moved to another valid vector, they signal that vector's eventfd",
	.source = SRC_DESIGN " (ADI Interrupt from IMS)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	int fds[MAXV];
	struct dma_buf b;
	uint32_t n, q, v, k;
	struct vd d;

	must_portal(check, ty);
	n = arm_all(check, ty, &d, fds);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	for (q = 0; q < ty->adis && q < 4; q++) {
		v = VEC_QUEUE((q + 1) % ty->adis);
		reg_wr(check, &d, must_reg(check, ty, "q%u_vector", q), v);
		q_enable(check, &d, q);
		EXPECT_EQ(irq_copy(check, &d, q, &b), SIOVDEV_CS_SUCCESS);
		for (k = 0; k < n; k++)
			if (efd_take(fds[k]) != (k == v))
				FAIL("queue %u routed to vector %u: vector %u "
				     "signalled %s", q, v, k,
				     k == v ? "nothing" : "too");
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_pba,
	.id = "VDCM.IRQ.10", .level = SIOVH_MUST, .facet = "vdev",
	.title = "the MSI-X table and PBA the MSI-X capability points at are readable, and the PBA shows a vector's pending bit while an interrupt is latched behind its mask and clears it once unmask delivers it",
	.source = SRC_VFIO("VFIO_DEVICE_SET_IRQS (ACTION_MASK/UNMASK)") "; derived: PCI Local Bus 3.0, 6.8.2 (MSI-X Table and Pending Bit Array, located by Table/PBA Offset and BIR)",
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	uint32_t n, i, cap, tbl, val;
	int fds[MAXV];
	struct vd d;

	need_maskable(check, &p->types[0]);
	n = arm_all(check, &p->types[0], &d, fds);
	cap = vd_find_cap(check, &d, 0x11);	/* PCI_CAP_ID_MSIX */
	if (!cap)
		SKIP("the VDEV has no MSI-X capability");
	tbl = cfg_rd(check, &d, cap + 4, 4);
	ASSERT_OK(vd_read(&d, tbl & 7, (tbl & ~7u) + 12, &val, 4));
	for (i = 0; i < n; i++) {
		EXPECT_FALSE(vd_pba_pending(check, &d, i));
		ASSERT_OK(irq_mask(&d, MSIX, i, true));
		ASSERT_OK(irq_fire(&d, MSIX, i));
		EXPECT_TRUE(vd_pba_pending(check, &d, i));
		ASSERT_OK(irq_mask(&d, MSIX, i, false));
		EXPECT_EQ(efd_take(fds[i]), 1);
		EXPECT_FALSE(vd_pba_pending(check, &d, i));
	}
	vd_down(check, &d);
}

#define NONE_TRIGGER (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)

SIOVH_CLAUSE(irq_set_header,
	.id = "VDCM.IRQ.11", .level = SIOVH_MUST, .facet = "vdev",
	.title = "SET_IRQS is -EINVAL for an unknown flag bit, not exactly one data type or one action, an argsz shorter than the header and its data, an index past the device's, any range (count 0 too) on an index that has no vectors, or count 0 at a start one past the last vector (count 0 disables an index only from a start inside it); GET_IRQ_INFO for a short argsz or an index past the device's; none of them changes what is armed",
	.source = SRC_VFIO("VFIO_DEVICE_SET_IRQS (\"'start' and 'count' indicate the range of subindexes\"), VFIO_DEVICE_GET_IRQ_INFO; Linux's vfio_set_irqs_validate_and_prepare, common to the VFIO bus drivers, refuses a start that is not a vector"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	struct siovh_target *t = siovh_check_target(check);
	struct vfio_irq_info info;
	struct vfio_irq_set hdr;
	int fds[MAXV];
	uint32_t n;
	struct vd d;

	n = arm_all(check, &p->types[0], &d, fds);
	/* shorter than the header itself (a loopback of vector 0 if taken) */
	hdr = (struct vfio_irq_set) {
		.argsz = sizeof(hdr) - 4, .flags = NONE_TRIGGER,
		.index = MSIX, .start = 0, .count = 1,
	};
	EXPECT_ERRNO(t->vfio_device->ioctl(t, d.v, VFIO_DEVICE_SET_IRQS,
					   &hdr), -EINVAL);
	EXPECT_ERRNO(set_irqs_raw(&d, NONE_TRIGGER | 1u << 31, MSIX, 0, 1,
				  NULL, 0, 0), -EINVAL);
	EXPECT_ERRNO(set_irqs_raw(&d, VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_DATA_BOOL |
				  VFIO_IRQ_SET_ACTION_TRIGGER, MSIX, 0, 1,
				  "\1", 1, 1), -EINVAL);
	EXPECT_ERRNO(set_irqs_raw(&d, VFIO_IRQ_SET_ACTION_TRIGGER, MSIX, 0, 1,
				  NULL, 0, 0), -EINVAL);
	EXPECT_ERRNO(set_irqs_raw(&d, VFIO_IRQ_SET_DATA_NONE |
				  VFIO_IRQ_SET_ACTION_MASK |
				  VFIO_IRQ_SET_ACTION_UNMASK, MSIX, 0, 1,
				  NULL, 0, 0), -EINVAL);
	/* two eventfds promised, room for one */
	EXPECT_ERRNO(set_irqs_raw(&d, VFIO_IRQ_SET_DATA_EVENTFD |
				  VFIO_IRQ_SET_ACTION_TRIGGER, MSIX, 0, 2,
				  fds, 2 * sizeof(int), sizeof(int)), -EINVAL);
	EXPECT_ERRNO(set_irqs_raw(&d, NONE_TRIGGER, VFIO_PCI_NUM_IRQS, 0, 1,
				  NULL, 0, 0), -EINVAL);
	if (!siovh_profile_irq(&p->types[0], VFIO_PCI_INTX_IRQ_INDEX)) {
		EXPECT_ERRNO(set_irqs_raw(&d, NONE_TRIGGER,
					  VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL,
					  0, 0), -EINVAL);
		EXPECT_ERRNO(set_irqs_raw(&d, NONE_TRIGGER,
					  VFIO_PCI_INTX_IRQ_INDEX, 0, 0, NULL,
					  0, 0), -EINVAL);
	}
	/* an empty range one past the last vector is no disable of MSI-X */
	EXPECT_ERRNO(set_irqs_raw(&d, NONE_TRIGGER, MSIX,
				  siovh_profile_irq(&p->types[0], MSIX)->count,
				  0, NULL, 0, 0), -EINVAL);
	info = (struct vfio_irq_info) {
		.argsz = sizeof(info) - 1, .index = MSIX,
	};
	EXPECT_ERRNO(t->vfio_device->ioctl(t, d.v, VFIO_DEVICE_GET_IRQ_INFO,
					   &info), -EINVAL);
	info = (struct vfio_irq_info) {
		.argsz = sizeof(info), .index = VFIO_PCI_NUM_IRQS,
	};
	EXPECT_ERRNO(t->vfio_device->ioctl(t, d.v, VFIO_DEVICE_GET_IRQ_INFO,
					   &info), -EINVAL);
	/* every vector is still armed, unmasked, and signals once */
	for (n = n ? n : 1; n--;) {
		ASSERT_OK(irq_fire(&d, MSIX, n));
		EXPECT_EQ(efd_take(fds[n]), 1);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_set_bool,
	.id = "VDCM.IRQ.12", .level = SIOVH_MUST, .facet = "vdev",
	.title = "SET_IRQS with DATA_BOOL acts only on the vectors whose byte is nonzero (trigger, mask, unmask); DATA_NONE|ACTION_TRIGGER with count 0 disables the whole index",
	.source = SRC_VFIO("VFIO_DEVICE_SET_IRQS (\"DATA_BOOL allows sparse support\"; \"disabled as a whole with: flags = (DATA_NONE|ACTION_TRIGGER), count = 0\")"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const uint8_t on_off_on[3] = { 1, 0, 1 }, off_on[2] = { 0, 1 };
	const uint32_t bool_trigger = VFIO_IRQ_SET_DATA_BOOL |
				      VFIO_IRQ_SET_ACTION_TRIGGER;
	const struct siovh_profile_type *ty = NULL;
	const struct siovh_profile_irq *q;
	int fds[MAXV];
	uint32_t n, i;
	struct vd d;

	for (i = 0; i < p->nr_types && !ty; i++) {
		q = siovh_profile_irq(&p->types[i], MSIX);
		if (q && q->count >= 3)
			ty = &p->types[i];
	}
	if (!ty)
		SKIP("no type of the profile has 3 MSI-X vectors");
	n = arm_all(check, ty, &d, fds);
	ASSERT_OK(set_irqs_raw(&d, bool_trigger, MSIX, 0, 3, on_off_on, 3, 3));
	EXPECT_EQ(efd_take(fds[0]), 1);
	EXPECT_EQ(efd_take(fds[1]), 0);
	EXPECT_EQ(efd_take(fds[2]), 1);
	ASSERT_OK(set_irqs_raw(&d, VFIO_IRQ_SET_DATA_BOOL |
			       VFIO_IRQ_SET_ACTION_MASK, MSIX, 0, 2, off_on, 2,
			       2));
	ASSERT_OK(irq_fire(&d, MSIX, 0));
	ASSERT_OK(irq_fire(&d, MSIX, 1));
	EXPECT_EQ(efd_take(fds[0]), 1);		/* its byte was 0: unmasked */
	EXPECT_EQ(efd_take(fds[1]), 0);		/* masked, latched */
	ASSERT_OK(set_irqs_raw(&d, VFIO_IRQ_SET_DATA_BOOL |
			       VFIO_IRQ_SET_ACTION_UNMASK, MSIX, 0, 2, off_on,
			       2, 2));
	EXPECT_EQ(efd_take(fds[1]), 1);
	/* count 0: the index is off, nothing signals any more */
	ASSERT_OK(set_irqs_raw(&d, NONE_TRIGGER, MSIX, 0, 0, NULL, 0, 0));
	for (i = 0; i < n; i++) {
		irq_fire(&d, MSIX, i);
		EXPECT_EQ(efd_take(fds[i]), 0);
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_vector_range,
	.id = "VDCM.IRQ.13", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a queue's vector register ignores 0 (the mailbox's vector) and values beyond maxQ: it reads back its old vector, and the queue's completions still signal that vector alone",
	.source = SRC_DESIGN " (ADI interrupts and the VDCM's virtual interrupt); derived: vector 0 is the mailbox's and queue vectors are 1..maxQ (harness/ref/vdcm/vdev_regs.h, VDEV_Q_VECTOR)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	const struct siovh_profile_reg *vec = must_reg(check, ty, "q0_vector");
	const uint32_t bad[2] = { 0, ty->max_queues ? ty->max_queues + 1 : 2 };
	int fds[MAXV];
	struct dma_buf b;
	uint32_t n, i, k, old;
	struct vd d;

	must_portal(check, ty);
	n = arm_all(check, ty, &d, fds);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	q_enable(check, &d, 0);
	old = reg_rd(check, &d, vec);
	for (i = 0; i < 2; i++) {
		reg_wr(check, &d, vec, bad[i]);
		EXPECT_EQ(reg_rd(check, &d, vec), old);
		EXPECT_EQ(irq_copy(check, &d, 0, &b), SIOVDEV_CS_SUCCESS);
		for (k = 0; k < n; k++)
			if (efd_take(fds[k]) != (k == old))
				FAIL("after vector %u was written, vector %u "
				     "signalled %s", bad[i], k,
				     k == old ? "nothing" : "too");
	}
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_bad_fd_arms_none,
	.id = "VDCM.IRQ.14", .level = SIOVH_MUST, .facet = "vdev",
	.title = "SET_IRQS ACTION_TRIGGER DATA_EVENTFD whose list holds a bad descriptor (below -1, or beyond the open-file limit) after a good one or a -1 fails and changes no vector: the vector before it keeps its old eventfd, armed",
	.source = SRC_VFIO("VFIO_DEVICE_SET_IRQS (DATA_EVENTFD: -1 de-assigns, any other value is an eventfd)"),
	.needs = NEEDS_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	int fds[MAXV], fresh[2], gone;
	struct rlimit lim;
	struct vd d;

	if (arm_all(check, &p->types[0], &d, fds) < 2)
		SKIP("type %s has fewer than 2 MSI-X vectors", p->types[0].name);
	/* a de-assign (-1) is an entry like any other: not done either */
	fresh[0] = -1;
	fresh[1] = -5;
	EXPECT_LT(irq_trigger(&d, MSIX, 0, 2, fresh), 0);
	irq_fire(&d, MSIX, 0);
	EXPECT_EQ(efd_take(fds[0]), 1);
	fresh[0] = must_eventfd(check);
	/* a descriptor number that cannot be open: the process's limit */
	ASSERT_OK(getrlimit(RLIMIT_NOFILE, &lim));
	gone = lim.rlim_cur < INT_MAX ? (int)lim.rlim_cur : INT_MAX;
	fresh[1] = -5;
	EXPECT_LT(irq_trigger(&d, MSIX, 0, 2, fresh), 0);
	irq_fire(&d, MSIX, 0);
	EXPECT_EQ(efd_take(fds[0]), 1);
	EXPECT_EQ(efd_take(fresh[0]), 0);
	fresh[1] = gone;
	EXPECT_LT(irq_trigger(&d, MSIX, 0, 2, fresh), 0);
	irq_fire(&d, MSIX, 0);
	EXPECT_EQ(efd_take(fds[0]), 1);
	EXPECT_EQ(efd_take(fresh[0]), 0);
	close(fresh[0]);
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_parent_bme_off,
	.id = "VDCM.IRQ.15", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a queue completion latched behind a masked vector is not signalled when the guest unmasks it while the parent's Bus Master Enable is clear; with it set again, a new completion is signalled",
	.source = "PCIe Base 7.5.1.1.3 (Command register, Bus Master Enable: \"as MSI/MSI-X interrupt Messages are in-band memory writes, setting the Bus Master Enable bit to 0b disables MSI/MSI-X interrupt Messages as well\"); " SRC_DESIGN " (ADI Interrupt from IMS)",
	.needs = NEEDS_ENGINE | NEEDS_PCI)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	const int v = VEC_QUEUE(0);
	int fds[MAXV];
	struct dma_buf b;
	uint32_t cmd;
	struct vd d;

	must_portal(check, ty);
	arm_all(check, ty, &d, fds);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	q_enable(check, &d, 0);
	ASSERT_OK(irq_mask(&d, MSIX, v, true));
	EXPECT_EQ(irq_copy(check, &d, 0, &b), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(efd_take(fds[v]), 0);

	cmd = pcfg_rd(check, CFG_COMMAND, 2);
	ASSERT_TRUE(cmd & CMD_MASTER);	/* the VDCM turned it on */
	pcfg_wr(check, CFG_COMMAND, cmd & ~CMD_MASTER, 2);
	ASSERT_OK(irq_mask(&d, MSIX, v, false));
	EXPECT_EQ(efd_take(fds[v]), 0);
	pcfg_wr(check, CFG_COMMAND, cmd, 2);
	/* Whether the latched message goes once the bit is back is the
	 * device's business; a new completion must be signalled. */
	siovh_note(check, "after Bus Master Enable was set again, the latched "
		   "interrupt was signalled %llu times",
		   (unsigned long long)efd_take(fds[v]));
	EXPECT_EQ(irq_copy(check, &d, 0, &b), SIOVDEV_CS_SUCCESS);
	EXPECT_GT(efd_take(fds[v]), 0);
	vd_down(check, &d);
}

SIOVH_CLAUSE(irq_msix_disabled,
	.id = "VDCM.IRQ.16", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a queue completion is not signalled while the guest has cleared the MSI-X Enable bit in the VDEV's config space; with the bit set again, a new completion is signalled on the queue's vector",
	.source = "PCIe Base 7.7.2.2 (MSI-X Message Control, MSI-X Enable: \"If 0b, the Function is prohibited from using MSI-X to request service\"); " SRC_DESIGN " (ADI Interrupt from IMS)",
	.needs = NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = &p->types[0];
	const int v = VEC_QUEUE(0);
	uint32_t cap, ctrl;
	int fds[MAXV];
	struct dma_buf b;
	struct vd d;

	must_portal(check, ty);
	arm_all(check, ty, &d, fds);
	cap = vd_find_cap(check, &d, 0x11);
	ASSERT_NE(cap, 0);
	dma_map(check, &d, &b, 0x100000, PAGE_4K);
	q_enable(check, &d, 0);
	ctrl = cfg_rd(check, &d, cap + 2, 2);
	ASSERT_TRUE(ctrl & 0x8000);	/* arming the vectors enabled MSI-X */
	cfg_wr(check, &d, cap + 2, ctrl & ~0x8000u, 2);
	EXPECT_EQ(irq_copy(check, &d, 0, &b), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(efd_take(fds[v]), 0);
	cfg_wr(check, &d, cap + 2, ctrl, 2);
	/* What becomes of the completion made while MSI-X was off is the
	 * device's business (the PBA may hold it); a new one is signalled. */
	siovh_note(check, "after MSI-X Enable was set again, the interrupt "
		   "raised while it was clear was signalled %llu times",
		   (unsigned long long)efd_take(fds[v]));
	EXPECT_EQ(irq_copy(check, &d, 0, &b), SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(efd_take(fds[v]), 1);
	vd_down(check, &d);
}
