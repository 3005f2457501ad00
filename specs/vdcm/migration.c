// SPDX-License-Identifier: MIT
/*
 * VDCM.MIG: live migration of a VDEV (seed 002, "Live Migration": state
 * transitions, get/set device state) with the VFIO migration v2 uAPI of
 * linux/vfio.h: the FSM's arcs table-driven over every state pair, a
 * save/restore round trip, streams that must not load. DMA logging (the
 * dirty page bitmap) is in dirty.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

#define NSTATES VFIO_DEVICE_STATE_NR
#define NEEDS_MIG (NEEDS_VDEV | SIOVH_FEAT_VDEV_MIGRATION)

enum { ST, RU, SC, RE, P2, PC, PP };	/* table columns, states 1..7 */

/* The base arcs of linux/vfio.h (enum vfio_device_mig_state comments). */
static bool base_arc(uint32_t from, uint32_t to)
{
	static const uint32_t arcs[][2] = {
		{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP },
		{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P },
		{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_STOP },
		{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_RUNNING },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING_P2P },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RESUMING },
		{ VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP },
		{ VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_STOP },
		{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_PRE_COPY },
		{ VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_RUNNING },
		{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_PRE_COPY_P2P },
		{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_RUNNING_P2P },
		{ VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P },
		{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_PRE_COPY },
		{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_STOP_COPY },
	};
	size_t i;

	for (i = 0; i < sizeof(arcs) / sizeof(arcs[0]); i++)
		if (arcs[i][0] == from && arcs[i][1] == to)
			return true;
	return false;
}

/* Is state s one the device supports (migration flags)? */
static bool supported(uint32_t flags, uint32_t s)
{
	switch (s) {
	case VFIO_DEVICE_STATE_STOP:
	case VFIO_DEVICE_STATE_RUNNING:
	case VFIO_DEVICE_STATE_STOP_COPY:
	case VFIO_DEVICE_STATE_RESUMING:
		return true;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return flags & VFIO_MIGRATION_P2P;
	case VFIO_DEVICE_STATE_PRE_COPY:
		return flags & VFIO_MIGRATION_PRE_COPY;
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return (flags & VFIO_MIGRATION_PRE_COPY) &&
		       (flags & VFIO_MIGRATION_P2P);
	}
	return false;
}

/* A request linux/vfio.h forbids outright (not reachable by any path). */
static bool forbidden(uint32_t flags, uint32_t from, uint32_t to)
{
	if (!supported(flags, to))
		return true;
	return from == VFIO_DEVICE_STATE_STOP_COPY &&
	       (to == VFIO_DEVICE_STATE_PRE_COPY ||
		to == VFIO_DEVICE_STATE_PRE_COPY_P2P);
}

static const struct siovh_profile_type *mig_type(struct siovh_check *check,
						  const struct siovh_profile *p)
{
	if (!p->types[0].migration_flags)
		SKIP("type %s has no migration in the profile",
		     p->types[0].name);
	return &p->types[0];
}

/* A saved state of d (STOP_COPY's stream), back in STOP; *len bytes. */
static uint8_t *save_state(struct siovh_check *check, struct vd *d,
			   ssize_t *len)
{
	uint8_t *blob = malloc(1 << 20);
	ssize_t r;
	int fd = -1;

	ASSERT_TRUE(blob != NULL);
	*len = 0;
	ASSERT_OK(mig_set(d, VFIO_DEVICE_STATE_STOP_COPY, &fd));
	ASSERT_GE(fd, 0);
	while ((r = read(fd, blob + *len, (1 << 20) - *len)) > 0)
		*len += r;
	close(fd);
	ASSERT_OK(mig_set(d, VFIO_DEVICE_STATE_STOP, NULL));
	return blob;
}

/* Load blob (len bytes) into d through RESUMING; d ends in STOP. */
static void load_state(struct siovh_check *check, struct vd *d,
		       const uint8_t *blob, ssize_t len)
{
	int fd = -1;

	ASSERT_OK(mig_set(d, VFIO_DEVICE_STATE_RESUMING, &fd));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, blob, len), len);
	close(fd);
	ASSERT_OK(mig_set(d, VFIO_DEVICE_STATE_STOP, NULL));
}

/* Drive d from RUNNING to s along base arcs; end the check if it fails.
 * RESUMING is entered with a complete stream (d's own saved state), so
 * that leaving it is legal. */
static void goto_state(struct siovh_check *check, struct vd *d, uint32_t s)
{
	static const uint32_t path[NSTATES][3] = {
		[VFIO_DEVICE_STATE_STOP] = { VFIO_DEVICE_STATE_STOP },
		[VFIO_DEVICE_STATE_RUNNING] = { 0 },
		[VFIO_DEVICE_STATE_STOP_COPY] = { VFIO_DEVICE_STATE_STOP,
						  VFIO_DEVICE_STATE_STOP_COPY },
		[VFIO_DEVICE_STATE_RESUMING] = { VFIO_DEVICE_STATE_STOP },
		[VFIO_DEVICE_STATE_RUNNING_P2P] = {
			VFIO_DEVICE_STATE_RUNNING_P2P },
		[VFIO_DEVICE_STATE_PRE_COPY] = { VFIO_DEVICE_STATE_PRE_COPY },
		[VFIO_DEVICE_STATE_PRE_COPY_P2P] = {
			VFIO_DEVICE_STATE_PRE_COPY,
			VFIO_DEVICE_STATE_PRE_COPY_P2P },
	};
	uint32_t i, got = 0;
	uint8_t *blob;
	ssize_t len;
	int fd = -1;

	for (i = 0; i < 3 && path[s][i]; i++)
		ASSERT_OK(mig_set(d, path[s][i], NULL));
	if (s == VFIO_DEVICE_STATE_RESUMING) {
		blob = save_state(check, d, &len);
		ASSERT_OK(mig_set(d, VFIO_DEVICE_STATE_RESUMING, &fd));
		ASSERT_GE(fd, 0);
		ASSERT_EQ(write(fd, blob, len), len);
		close(fd);
		free(blob);
	}
	ASSERT_OK(mig_get(d, &got));
	ASSERT_EQ(got, s);
}

/* Run one request from every supported state: fn decides per pair. */
static void for_pairs(struct siovh_check *check,
		      const struct siovh_profile_type *ty,
		      bool (*want)(uint32_t flags, uint32_t from, uint32_t to),
		      const char *what)
{
	uint32_t from, to, got;
	struct vd d;
	int ret;

	for (from = 1; from < NSTATES; from++) {
		if (!supported(ty->migration_flags, from))
			continue;
		for (to = 0; to <= NSTATES; to++) {
			if (!want(ty->migration_flags, from, to))
				continue;
			vd_up(check, ty, &d, 1);
			goto_state(check, &d, from);
			ret = mig_set(&d, to, NULL);
			got = 0xff;
			mig_get(&d, &got);
			if (!strcmp(what, "legal") ? (ret || got != to) :
			    (ret != -EINVAL || got != from))
				FAIL("%s -> %s (%s): returned %d, now in %s; "
				     "expected %s", siovh_mig_state_name(from), siovh_mig_state_name(to),
				     what, ret, siovh_mig_state_name(got),
				     !strcmp(what, "legal") ? "0, in the new state" :
				     "-EINVAL, in the old state");
			vd_down(check, &d);
		}
	}
}

static bool want_base(uint32_t flags, uint32_t from, uint32_t to)
{
	return to < NSTATES && supported(flags, to) && base_arc(from, to);
}

static bool want_forbidden(uint32_t flags, uint32_t from, uint32_t to)
{
	return to >= NSTATES || to == VFIO_DEVICE_STATE_ERROR ||
	       forbidden(flags, from, to);
}

static bool want_combination(uint32_t flags, uint32_t from, uint32_t to)
{
	return to != from && to && to < NSTATES && !base_arc(from, to) &&
	       !forbidden(flags, from, to);
}

SIOVH_CLAUSE(mig_flags,
	.id = "VDCM.MIG.1", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_DEVICE_FEATURE_MIGRATION reports the profile's migration flags, and a new VDEV is RUNNING",
	.source = SRC_VFIO("VFIO_DEVICE_FEATURE_MIGRATION"),
	.needs = NEEDS_MIG)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = mig_type(check, p);
	uint8_t buf[sizeof(struct vfio_device_feature) +
		    sizeof(struct vfio_device_feature_migration)];
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	uint32_t st = 0;
	struct vd d;

	vd_up(check, ty, &d, 1);
	memset(buf, 0, sizeof(buf));
	f->argsz = sizeof(buf);
	f->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION;
	ASSERT_OK(d.t->vfio_device->ioctl(d.t, d.v, VFIO_DEVICE_FEATURE, f));
	EXPECT_EQ(((struct vfio_device_feature_migration *)f->data)->flags,
		  ty->migration_flags);
	ASSERT_OK(mig_get(&d, &st));
	EXPECT_EQ(st, VFIO_DEVICE_STATE_RUNNING);
	vd_down(check, &d);
}

SIOVH_CLAUSE(mig_base_arcs,
	.id = "VDCM.MIG.2", .level = SIOVH_MUST, .facet = "vdev",
	.title = "every base arc of the migration v2 FSM between supported states succeeds and lands in the requested state",
	.source = SRC_VFIO("enum vfio_device_mig_state (FSM arcs)"),
	.needs = NEEDS_MIG)
{
	for_pairs(check, mig_type(check, must_profile(check)), want_base,
		  "legal");
}

SIOVH_CLAUSE(mig_illegal,
	.id = "VDCM.MIG.3", .level = SIOVH_MUST, .facet = "vdev",
	.title = "requests to ERROR, to unsupported or unknown states, and STOP_COPY -> PRE_COPY* fail with -EINVAL from every state and leave the state as it was",
	.source = SRC_VFIO("enum vfio_device_mig_state (any -> ERROR, STOP_COPY -> PRE_COPY)"),
	.needs = NEEDS_MIG)
{
	for_pairs(check, mig_type(check, must_profile(check)), want_forbidden,
		  "illegal");
}

SIOVH_CLAUSE(mig_combination,
	.id = "VDCM.MIG.4", .level = SIOVH_MUST, .facet = "vdev",
	.title = "every other pair of distinct supported states is a combination arc: the request succeeds and lands in the requested state",
	.source = SRC_VFIO("enum vfio_device_mig_state (\"The remaining possible transitions are interpreted as combinations of the above FSM arcs\")"),
	.needs = NEEDS_MIG)
{
	for_pairs(check, mig_type(check, must_profile(check)),
		  want_combination, "legal");
}

/* Queue 1's vector, mailbox arg, MSI-X masks: the state a round trip keeps. */
struct guest_state {
	uint32_t arg, vec;
	uint32_t ims_masked[SIOVH_VDEV_MAX_ADIS];
};

SIOVH_CLAUSE(mig_round_trip,
	.id = "VDCM.MIG.5", .level = SIOVH_MUST, .facet = "vdev",
	.title = "save (STOP_COPY) on one VDEV and restore (RESUMING) on another resumes identically: registers, IMS programming, interrupts to the queue's vector",
	.source = SRC_MIGRATION,
	.needs = NEEDS_MIG | SIOVH_FEAT_REF_ENGINE | SIOVH_FEAT_TEST_VDEV)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	const struct siovh_profile_reg *arg = must_reg(check, ty, "mbox_arg");
	const struct siovh_profile_reg *vec = must_reg(check, ty, "q0_vector");
	struct siovh_vdev_probe sp, dp;
	int fds[3];
	uint8_t *blob;
	ssize_t len = 0;
	struct dma_buf b;
	struct vd s, d;
	uint32_t a;

	if (!ty->migration_flags)
		SKIP("type %s has no migration in the profile", ty->name);
	if (ty->max_instances < 2)
		SKIP("type %s has one instance in the profile: no second VDEV to restore on",
		     ty->name);
	must_portal(check, ty);
	vd_up(check, ty, &s, 1);
	reg_wr(check, &s, arg, 0x5eed1234);
	/* Queue 0 moved off its reset vector: a register to carry. */
	reg_wr(check, &s, vec, VEC_QUEUE(1));
	fds[0] = must_eventfd(check);
	fds[1] = must_eventfd(check);
	fds[2] = must_eventfd(check);
	ASSERT_OK(irq_trigger(&s, VFIO_PCI_MSIX_IRQ_INDEX, 0, 3, fds));
	q_enable(check, &s, 0);
	sp = vdev_probe(check, &s);
	ASSERT_OK(mig_set(&s, VFIO_DEVICE_STATE_STOP, NULL));
	blob = save_state(check, &s, &len);
	ASSERT_GT(len, 0);

	vd_up(check, ty, &d, 2);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
	load_state(check, &d, blob, len);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	EXPECT_EQ(reg_rd(check, &d, arg), 0x5eed1234);
	EXPECT_EQ(reg_rd(check, &d, vec), VEC_QUEUE(1));
	EXPECT_EQ(cfg_rd(check, &d, CFG_COMMAND, 2) & (CMD_MEMORY | CMD_MASTER),
		  CMD_MEMORY | CMD_MASTER);
	dp = vdev_probe(check, &d);
	for (a = 0; a < sp.nr_adis && a < dp.nr_adis; a++)
		EXPECT_EQ(adi_probe(check, dp.adis[a]).ims_masked,
			  adi_probe(check, sp.adis[a]).ims_masked);
	/* The VMM re-arms its eventfds on the destination. */
	ASSERT_OK(irq_trigger(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 3, fds));
	efd_take(fds[0]);
	efd_take(fds[1]);
	efd_take(fds[2]);
	dma_map(check, &d, &b, 0x900000, PAGE_4K);
	EXPECT_EQ(run_copy(check, &d, 0, &b, b.iova, b.iova + 0x400, 64,
			   b.iova + 0xf00, SIOVDEV_DF_INTERRUPT),
		  SIOVDEV_CS_SUCCESS);
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(1)]), 1);
	EXPECT_EQ(efd_take(fds[VEC_QUEUE(0)]), 0);
	vd_down(check, &d);
	vd_down(check, &s);
	free(blob);
}

SIOVH_CLAUSE(mig_stopped,
	.id = "VDCM.MIG.6", .level = SIOVH_MUST, .facet = "vdev",
	.title = "in STOP the device does not change state: register writes are refused and a descriptor does no DMA; config space still works",
	.source = SRC_VFIO("enum vfio_device_mig_state (RUNNING -> STOP)"),
	.needs = NEEDS_MIG | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = mig_type(check, p);
	const struct siovh_profile_reg *arg = must_reg(check, ty, "mbox_arg");
	struct siovdev_desc x;
	uint32_t v = 0x99;
	struct dma_buf b;
	struct vd d;

	must_portal(check, ty);
	vd_up(check, ty, &d, 1);
	q_enable(check, &d, 0);
	dma_map(check, &d, &b, 0xa00000, PAGE_4K);
	memset(b.va, 0x21, 64);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
	vd_write(&d, arg->region, arg->offset, &v, 4);
	desc_copy(&x, b.iova, b.iova + 0x400, 64, b.iova + 0xf00,
		  SIOVDEV_DF_COMPLETION, 1);
	desc_submit(&d, 0, &x);
	EXPECT_NE(b.va[0x400], 0x21);
	EXPECT_EQ(cr_at(&b, b.iova + 0xf00)->status, SIOVDEV_CS_NONE);
	EXPECT_EQ(cfg_rd(check, &d, CFG_VENDOR, 2), ty->vendor_id);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	EXPECT_EQ(reg_rd(check, &d, arg), arg->reset);
	vd_down(check, &d);
}

SIOVH_CLAUSE(mig_bad_stream,
	.id = "VDCM.MIG.7", .level = SIOVH_MUST, .facet = "vdev",
	.title = "RESUMING -> STOP with a malformed state stream (256 bytes of junk, or junk exactly as long as the stream STOP_COPY yields) fails and does not land in STOP",
	.source = SRC_VFIO("enum vfio_device_mig_state (RESUMING -> STOP)"),
	.needs = NEEDS_MIG)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = mig_type(check, p);
	uint8_t *junk, *blob;
	ssize_t len = 0, size[2];
	uint32_t st = 0;
	unsigned int i;
	struct vd d;
	int fd = -1;

	/* the size of a real stream: a device that looks at the length only
	 * takes it */
	vd_up(check, ty, &d, 1);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
	blob = save_state(check, &d, &len);
	vd_down(check, &d);
	free(blob);
	ASSERT_GT(len, 0);
	size[0] = 256;
	size[1] = len;
	junk = malloc(len > 256 ? len : 256);
	ASSERT_TRUE(junk != NULL);
	memset(junk, 0xc3, len > 256 ? len : 256);
	for (i = 0; i < 2; i++) {
		vd_up(check, ty, &d, 2 + i);
		ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
		ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RESUMING, &fd));
		ASSERT_GE(fd, 0);
		if (write(fd, junk, size[i]) != size[i])
			siovh_note(check, "the data fd refused %zd bytes of junk "
				   "outright", size[i]);
		close(fd);
		EXPECT_LT(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL), 0);
		ASSERT_OK(mig_get(&d, &st));
		EXPECT_NE(st, VFIO_DEVICE_STATE_STOP);
		vd_down(check, &d);
	}
	free(junk);
}

SIOVH_CLAUSE(mig_stream_length,
	.id = "VDCM.MIG.13", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a VDEV's saved state stream one byte short, or with one byte too many, does not load: the data fd's write refuses it, or RESUMING -> STOP fails and does not land in STOP",
	.source = SRC_VFIO("enum vfio_device_mig_state (RESUMING -> STOP)") "; " SRC_MIGRATION,
	.needs = NEEDS_MIG)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = mig_type(check, p);
	ssize_t len, cut[2], n;
	uint32_t st = 0;
	uint8_t *blob;
	unsigned int i;
	struct vd d;
	int fd = -1;

	vd_up(check, ty, &d, 1);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
	blob = save_state(check, &d, &len);
	vd_down(check, &d);
	ASSERT_GT(len, 1);
	blob[len] = 0;		/* the byte too many */
	cut[0] = len - 1;
	cut[1] = len + 1;
	for (i = 0; i < 2; i++) {
		/* a VDEV of its own each time: a failed RESUMING -> STOP
		 * leaves the state to the device */
		vd_up(check, ty, &d, 2 + i);
		ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
		ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RESUMING, &fd));
		ASSERT_GE(fd, 0);
		/* a device may refuse the stream as it is written (mtty
		 * checks each write); one that takes it whole must refuse
		 * the arc that would load it */
		n = write(fd, blob, cut[i]);
		close(fd);
		if (n == cut[i]) {
			EXPECT_LT(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL), 0);
			ASSERT_OK(mig_get(&d, &st));
			EXPECT_NE(st, VFIO_DEVICE_STATE_STOP);
		} else {
			siovh_note(check, "the %s stream's write was refused (%zd)",
				   i ? "long" : "short", n);
		}
		vd_down(check, &d);
	}
	free(blob);
}

/*
 * Load blob into a fresh VDEV of type ty (UUID uuid): true when it was
 * refused, by the data fd's write or by RESUMING -> STOP, which then does
 * not land in STOP.
 */
static bool load_refused(struct siovh_check *check,
			 const struct siovh_profile_type *ty, unsigned int uuid,
			 const uint8_t *blob, ssize_t len)
{
	uint32_t st = 0;
	struct vd d;
	ssize_t n;
	int fd = -1, ret;

	vd_up(check, ty, &d, uuid);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RESUMING, &fd));
	ASSERT_GE(fd, 0);
	n = write(fd, blob, len);
	close(fd);
	if (n != len) {
		vd_down(check, &d);
		return true;
	}
	ret = mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL);
	ASSERT_OK(mig_get(&d, &st));
	vd_down(check, &d);
	return ret < 0 && st != VFIO_DEVICE_STATE_STOP;
}

SIOVH_CLAUSE(mig_other_type,
	.id = "VDCM.MIG.14", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a state stream saved from a VDEV of another type (another number of ADIs) does not load, in either direction: the data fd's write refuses it, or RESUMING -> STOP fails and does not land in STOP",
	.source = SRC_VFIO("enum vfio_device_mig_state (RESUMING -> STOP: \"If the user provided data is found to be incomplete, inconsistent, or otherwise invalid, the migration driver must fail the SET_STATE ioctl\")") "; " SRC_MIGRATION,
	.needs = NEEDS_MIG)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty[2] = { NULL, NULL };
	uint8_t *blob[2];
	ssize_t len[2];
	unsigned int i, n = 0;
	struct vd d;

	for (i = 0; i < p->nr_types && n < 2; i++)
		if (p->types[i].migration_flags &&
		    (!n || p->types[i].adis != ty[0]->adis))
			ty[n++] = &p->types[i];
	if (n < 2)
		SKIP("the profile has no two migratable types with different ADI counts");
	for (i = 0; i < 2; i++) {
		vd_up(check, ty[i], &d, 1 + i);
		ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
		blob[i] = save_state(check, &d, &len[i]);
		vd_down(check, &d);
	}
	for (i = 0; i < 2; i++)
		if (!load_refused(check, ty[1 - i], 3 + i, blob[i], len[i]))
			FAIL("the state of a %s VDEV loaded into a %s VDEV",
			     ty[i]->name, ty[1 - i]->name);
	free(blob[0]);
	free(blob[1]);
}

/*
 * A state needs the queues it was saved with: a destination of the same
 * type that has given ADIs back (SET_QUEUES) must take them again from
 * the parent to load it. With the parent's pool used up it cannot: the
 * load must fail rather than land in STOP with a state it does not hold.
 */
SIOVH_CLAUSE(mig_no_adis,
	.id = "VDCM.MIG.15", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a state saved with more queues than the destination VDEV holds, loaded while the parent has no free ADI to grow it, does not load: RESUMING -> STOP fails and does not land in STOP, and once every VDEV is removed the parent has all its ADIs back",
	.source = SRC_VFIO("enum vfio_device_mig_state (RESUMING -> STOP: \"the migration driver must fail the SET_STATE ioctl\")") "; " SRC_MIGRATION "; " SRC_SCALING,
	.needs = NEEDS_MIG | NEEDS_VDEV_PROBE | SIOVH_FEAT_REF_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	const struct siovh_profile_type *small = &p->types[0];
	struct leak_snap before;
	struct vd s, d, fill[64];
	uint32_t n = 0, st = 0;
	uint8_t *blob;
	ssize_t len = 0;
	int fd = -1;

	if (!ty->migration_flags)
		SKIP("type %s has no migration in the profile", ty->name);
	if (!ty->max_queues || !ty->has_mailbox)
		SKIP("type %s has no queue re-allocation through the mailbox in the profile",
		     ty->name);
	leak_snap(check, p, &before);
	vd_up(check, ty, &s, 1);
	ASSERT_GT(vdev_probe(check, &s).cur_queues, 1);
	ASSERT_OK(mig_set(&s, VFIO_DEVICE_STATE_STOP, NULL));
	blob = save_state(check, &s, &len);
	vd_down(check, &s);

	/* The destination keeps one queue; the parent's other ADIs go to
	 * VDEVs of the smallest type. */
	vd_up(check, ty, &d, 2);
	ASSERT_EQ(mbox(check, &d, MBOX_SET_QUEUES, 1, NULL), MBOX_DONE);
	while (parent_probe(check).free_adis >= small->adis && n < 64) {
		vd_create(check, small, &fill[n], 100 + n);
		n++;
	}
	if (parent_probe(check).free_adis)
		SKIP("cannot use up the parent's free ADIs with %s", small->name);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RESUMING, &fd));
	ASSERT_GE(fd, 0);
	if (write(fd, blob, len) != len) {
		siovh_note(check, "the data fd refused the stream as it was written");
	} else {
		close(fd);
		fd = -1;
		EXPECT_LT(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL), 0);
		ASSERT_OK(mig_get(&d, &st));
		EXPECT_NE(st, VFIO_DEVICE_STATE_STOP);
	}
	if (fd >= 0)
		close(fd);
	while (n--)
		vd_down(check, &fill[n]);
	vd_down(check, &d);
	leak_expect(check, p, &before, "a load that found no ADIs");
	free(blob);
}

SIOVH_CLAUSE(mig_feature_framing,
	.id = "VDCM.MIG.11", .level = SIOVH_MUST, .facet = "vdev",
	.title = "VFIO_DEVICE_FEATURE is -EINVAL with an unknown flag bit, with GET and SET together but no PROBE, with neither GET nor SET nor PROBE, for a SET of the GET-only MIGRATION feature, or with an argsz too short for the feature's data or for the header itself; -ENOTTY for a feature the device lacks; a PROBE succeeds and changes nothing; the device state is what it was",
	.source = SRC_VFIO("VFIO_DEVICE_FEATURE (\"GET and SET are mutually exclusive, except for use with PROBE\"; argsz), VFIO_DEVICE_FEATURE_MIGRATION (GET only)"),
	.needs = NEEDS_MIG)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = mig_type(check, p);
	const uint32_t state = VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	struct vfio_device_feature_mig_state ms;
	struct vfio_device_feature_migration mf = { 0 };
	struct vfio_device_feature hdr;
	uint32_t st = 0;
	struct vd d;

	vd_up(check, ty, &d, 1);
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_GET |
				 VFIO_DEVICE_FEATURE_MIGRATION | 1u << 31, &mf,
				 sizeof(mf), sizeof(mf)), -EINVAL);
	ms = (struct vfio_device_feature_mig_state) {
		.device_state = VFIO_DEVICE_STATE_STOP, .data_fd = -1,
	};
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_GET |
				 VFIO_DEVICE_FEATURE_SET | state, &ms,
				 sizeof(ms), sizeof(ms)), -EINVAL);
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_MIGRATION, &mf,
				 sizeof(mf), sizeof(mf)), -EINVAL);
	ms.device_state = VFIO_DEVICE_STATE_STOP;
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_SET | state, &ms,
				 sizeof(ms), sizeof(ms) - 1), -EINVAL);
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_GET |
				 VFIO_DEVICE_FEATURE_MASK, &mf, sizeof(mf),
				 sizeof(mf)), -ENOTTY);
	/* neither GET nor SET (nor PROBE): nothing asked */
	EXPECT_ERRNO(feature_raw(&d, state, &ms, sizeof(ms), sizeof(ms)),
		     -EINVAL);
	/* an argsz that does not cover the header's argsz and flags */
	hdr = (struct vfio_device_feature) {
		.argsz = sizeof(hdr.argsz),
		.flags = VFIO_DEVICE_FEATURE_GET | state,
	};
	EXPECT_ERRNO(d.t->vfio_device->ioctl(d.t, d.v, VFIO_DEVICE_FEATURE,
					     &hdr), -EINVAL);
	ms.device_state = VFIO_DEVICE_STATE_STOP;
	EXPECT_OK(feature_raw(&d, VFIO_DEVICE_FEATURE_PROBE |
			      VFIO_DEVICE_FEATURE_GET |
			      VFIO_DEVICE_FEATURE_SET | state, &ms, sizeof(ms),
			      sizeof(ms)));
	ASSERT_OK(mig_get(&d, &st));
	EXPECT_EQ(st, VFIO_DEVICE_STATE_RUNNING);
	vd_down(check, &d);
}

SIOVH_CLAUSE(mig_data_size,
	.id = "VDCM.MIG.12", .level = SIOVH_SHOULD, .facet = "vdev",
	.title = "MIG_DATA_SIZE (GET only: a SET is -EINVAL) estimates stop_copy_length no smaller than the stream STOP_COPY then yields",
	.source = SRC_VFIO("VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (\"the estimated data length that will be required to complete stop copy\")"),
	.needs = NEEDS_MIG)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = mig_type(check, p);
	struct vfio_device_feature_mig_data_size sz = { 0 };
	const uint32_t get = VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_MIG_DATA_SIZE;
	uint8_t *blob;
	ssize_t len = 0;
	struct vd d;
	int ret;

	vd_up(check, ty, &d, 1);
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_STOP, NULL));
	ret = feature_raw(&d, get, &sz, sizeof(sz), sizeof(sz));
	if (ret == -ENOTTY) {
		vd_down(check, &d);
		SKIP("the VDEV does not implement VFIO_DEVICE_FEATURE_MIG_DATA_SIZE");
	}
	ASSERT_OK(ret);
	EXPECT_ERRNO(feature_raw(&d, VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &sz,
				 sizeof(sz), sizeof(sz)), -EINVAL);
	blob = save_state(check, &d, &len);
	ASSERT_GT(len, 0);
	EXPECT_GE(sz.stop_copy_length, (uint64_t)len);
	free(blob);
	vd_down(check, &d);
}

/* Every register of ty's profile in region 0 (BAR0), read from d. */
static void read_regs(struct siovh_check *check,
		      const struct siovh_profile_type *ty, struct vd *d,
		      uint64_t *val)
{
	uint32_t i;

	for (i = 0; i < ty->nr_regs; i++)
		val[i] = reg_rd(check, d, &ty->regs[i]);
}

SIOVH_CLAUSE(mig_registers_kept,
	.id = "VDCM.MIG.16", .level = SIOVH_MUST, .facet = "vdev",
	.title = "a VDEV restored from a saved state reads, in every register of its profile, what the source read when it was saved, a queue's STATUS after the guest's enable of it was refused (CURQ set to 1) included",
	.source = SRC_MIGRATION " (\"Mediate for composing device state\"); " SRC_SCALING,
	.needs = NEEDS_MIG)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	const struct siovh_profile_reg *q1 = must_reg(check, ty, "q1_ctrl");
	uint64_t src[SIOVH_PROFILE_MAX_REGS], dst[SIOVH_PROFILE_MAX_REGS];
	struct vd s, d;
	uint8_t *blob;
	ssize_t len = 0;
	uint32_t i;

	if (!ty->migration_flags || ty->max_instances < 2)
		SKIP("type %s has no migration, or one instance, in the profile",
		     ty->name);
	vd_up(check, ty, &s, 1);
	ASSERT_EQ(mbox(check, &s, MBOX_SET_QUEUES, 1, NULL), MBOX_DONE);
	reg_wr(check, &s, q1, 1);	/* queue 1 is beyond CURQ now */
	read_regs(check, ty, &s, src);
	ASSERT_OK(mig_set(&s, VFIO_DEVICE_STATE_STOP, NULL));
	blob = save_state(check, &s, &len);

	vd_up(check, ty, &d, 2);
	load_state(check, &d, blob, len);
	free(blob);
	read_regs(check, ty, &d, dst);
	for (i = 0; i < ty->nr_regs; i++)
		if (src[i] != dst[i])
			FAIL("register %s: the source read %#llx when saved, "
			     "the restored VDEV reads %#llx", ty->regs[i].name,
			     (unsigned long long)src[i],
			     (unsigned long long)dst[i]);
	vd_down(check, &d);
	vd_down(check, &s);
}

/* Arm vectors 0..2 of d (mailbox, queues 0 and 1) with fds. */
static void arm3(struct siovh_check *check, struct vd *d, int *fds)
{
	ASSERT_OK(irq_trigger(d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 3, fds));
}

SIOVH_CLAUSE(mig_pending_kept,
	.id = "VDCM.MIG.17", .level = SIOVH_MUST, .facet = "vdev",
	.title = "interrupts latched behind masked vectors when the state is saved (one the VDCM signalled, one a queue completion held by an IMS entry) are pending on the VDEV it is loaded into, through the VMM's re-arming of its eventfds, and each is delivered once on unmask; what the destination had latched before the load is gone",
	.source = SRC_MIGRATION " (\"Mediate for composing device state\"); " SRC_DESIGN " (ADI Interrupt from IMS, Virtual interrupt)",
	.needs = NEEDS_MIG | NEEDS_ENGINE)
{
	const struct siovh_profile *p = must_profile(check);
	const struct siovh_profile_type *ty = must_type(check, p, 2);
	const uint32_t vq0 = VEC_QUEUE(0), vq1 = VEC_QUEUE(1);
	int sfds[3], dfds[3], i;
	struct dma_buf sb, db;
	uint8_t *blob;
	ssize_t len = 0;
	struct vd s, d;

	if (!ty->migration_flags || ty->max_instances < 2)
		SKIP("type %s has no migration, or one instance, in the profile",
		     ty->name);
	must_portal(check, ty);
	for (i = 0; i < 3; i++) {
		sfds[i] = must_eventfd(check);
		dfds[i] = must_eventfd(check);
	}
	/* The source: vector 0 latched by the VDCM, queue 0's by its IMS entry. */
	vd_up(check, ty, &s, 1);
	arm3(check, &s, sfds);
	dma_map(check, &s, &sb, 0x100000, PAGE_4K);
	q_enable(check, &s, 0);
	ASSERT_OK(irq_mask(&s, VFIO_PCI_MSIX_IRQ_INDEX, 0, true));
	ASSERT_OK(irq_mask(&s, VFIO_PCI_MSIX_IRQ_INDEX, vq0, true));
	ASSERT_OK(irq_fire(&s, VFIO_PCI_MSIX_IRQ_INDEX, 0));
	ASSERT_EQ(run_copy(check, &s, 0, &sb, sb.iova, sb.iova + 0x400, 64,
			   sb.iova + 0xf00, SIOVDEV_DF_INTERRUPT),
		  SIOVDEV_CS_SUCCESS);
	ASSERT_TRUE(vd_pba_pending(check, &s, 0) &&
		    vd_pba_pending(check, &s, vq0));
	ASSERT_OK(mig_set(&s, VFIO_DEVICE_STATE_STOP, NULL));
	blob = save_state(check, &s, &len);

	/* The destination latched its own: queue 0's completion in its IMS
	 * entry, vector vq1 by the VDCM (unmasked in the state it takes). */
	vd_up(check, ty, &d, 2);
	arm3(check, &d, dfds);
	dma_map(check, &d, &db, 0x200000, PAGE_4K);
	q_enable(check, &d, 0);
	ASSERT_OK(irq_mask(&d, VFIO_PCI_MSIX_IRQ_INDEX, vq0, true));
	ASSERT_OK(irq_mask(&d, VFIO_PCI_MSIX_IRQ_INDEX, vq1, true));
	ASSERT_OK(irq_fire(&d, VFIO_PCI_MSIX_IRQ_INDEX, vq1));
	ASSERT_EQ(run_copy(check, &d, 0, &db, db.iova, db.iova + 0x400, 64,
			   db.iova + 0xf00, SIOVDEV_DF_INTERRUPT),
		  SIOVDEV_CS_SUCCESS);
	load_state(check, &d, blob, len);
	free(blob);
	EXPECT_TRUE(vd_pba_pending(check, &d, 0));
	EXPECT_TRUE(vd_pba_pending(check, &d, vq0));
	EXPECT_FALSE(vd_pba_pending(check, &d, vq1));
	ASSERT_OK(mig_set(&d, VFIO_DEVICE_STATE_RUNNING, NULL));
	arm3(check, &d, dfds);		/* the VMM arms its eventfds again */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(efd_take(dfds[i]), 0);
	ASSERT_OK(irq_mask(&d, VFIO_PCI_MSIX_IRQ_INDEX, 0, false));
	ASSERT_OK(irq_mask(&d, VFIO_PCI_MSIX_IRQ_INDEX, vq0, false));
	ASSERT_OK(irq_mask(&d, VFIO_PCI_MSIX_IRQ_INDEX, vq1, true));
	ASSERT_OK(irq_mask(&d, VFIO_PCI_MSIX_IRQ_INDEX, vq1, false));
	EXPECT_EQ(efd_take(dfds[0]), 1);
	EXPECT_EQ(efd_take(dfds[vq0]), 1);
	EXPECT_EQ(efd_take(dfds[vq1]), 0);
	for (i = 0; i < 3; i++)
		EXPECT_FALSE(vd_pba_pending(check, &d, (uint32_t)i));
	vd_down(check, &d);
	vd_down(check, &s);
}
