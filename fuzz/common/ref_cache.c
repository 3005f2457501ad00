// SPDX-License-Identifier: MIT
/*
 * The ref targets of a fuzzing process, shared by its inputs (fuzz.h,
 * fz_ref_get / fz_ref_get_slot / fz_ref_put).
 *
 * Why: opening a ref target builds the IOASID core (a 2^20-bit bitmap and
 * its ID directory), the viommu, the SIOV parent, the VDCM and an iommufd
 * context, and closing it walks all of that again; under ASan every large
 * block comes from fresh, never-touched memory (the quarantine holds the
 * last ones back), so one open + close costs ~140 us, more than most
 * inputs spend on their own operations (perf record on the libFuzzer
 * binaries: half of vfio_device_ops' time was closing the viommu alone).
 *
 * Why reuse cannot hide a bug: every input still starts from a state that
 * has been verified to be the fresh target's. After an input the target
 * has two ways back into the cache, both required:
 *  - the input says it undid everything it did (clean): its oracle's
 *    teardown passed (a sequence engine's compared teardown, every VDEV
 *    released and removed, every IOAS unmapped and destroyed) and it made
 *    no call whose effects it cannot account for (a successful generic
 *    ioctl, say);
 *  - the target's observable state equals the fresh target's, probe for
 *    probe (state_of below): the IOASID pool and the IDs the VDCM and the
 *    engines hand out, the parent (ADIs, VDEVs, pinned pages, recorded
 *    faults) and each of its ADIs, every type's available instances, the
 *    DMA fault queue (not the count of faults ever recorded, which no
 *    input can observe: vdcm_state), and the object ID iommufd would
 *    hand out next.
 * Otherwise the target is closed and a new one opened before the input
 * returns (not at the next input's start: libFuzzer counts mallocs against
 * frees per input for -detect_leaks, and an input that opened a target
 * would look like a leak to it; closing and reopening in the same input
 * frees at least what it allocates). A fresh target is compared with the
 * first one too: opening must be deterministic for any of this to hold.
 * A target can also have a set-up (fz_ref_get_slot): an engine opened on
 * every fresh target of its slot before the state is taken, so that its
 * objects are part of the initial state and the engine lives as long as
 * the target; each slot is its own kept target with its own first state.
 * A target the VDEV fuzzer asks for warm has been through one VDEV's life
 * before its state is taken (warm_up), so that the VDCM's PASID set,
 * which the first open makes and nothing frees, is part of the initial
 * state rather than something an input leaves behind.
 *
 * What the probes cannot see is memory the reference keeps on purpose for
 * the life of a module (an ID directory chunk, a PASID table leaf, a
 * context table): a chunk once allocated stays, so an ID lookup takes the
 * "chunk present, entry free" path instead of "no chunk". Both mean free
 * (id_table.h, pasid_table.c), and the replay driver's --digest mode
 * checks that the seeds observe the same thing in any order and in a
 * fresh process each (fuzz/determinism.sh, run by make check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/iommufd.h>

#include "siovh/profile.h"
#include "fuzz.h"
#include "kcov.h"

#define MAX_ADIS	64		/* SIOVDEV_MAX_ADIS */
#define MAX_TYPES	8
#define TYPE_LEN	64
#define LOW_IDS		32		/* VDCM PASIDs are the lowest */
#define ADI_WORDS	7		/* pushed per ADI, by vdcm_state */
#define ID_WORDS	5		/* per ID, by ioasid_state */
#define STATE_WORDS	(16 + MAX_ADIS * ADI_WORDS + 2 * MAX_TYPES + \
			 (LOW_IDS + 1) * ID_WORDS)

struct ref_state {
	uint64_t w[STATE_WORDS];
	size_t n;
};

struct slot {
	struct siovh_target t;
	bool open;
	bool used;			/* fz_ref_get_slot has named it */
	bool warm;			/* what its first fz_ref_get asked */
	const struct fz_ref_setup *setup;	/* ... and its set-up */
	bool have_first;
	struct ref_state first;		/* of its first fresh target */
};

static struct {
	struct slot slots[FZ_REF_SLOTS];
	bool atexit_done;
	unsigned long generation;	/* targets opened so far, all slots */
} cache;

FZ_ORACLE static void push(struct ref_state *s, uint64_t v)
{
	if (s->n == STATE_WORDS)
		fz_fail("ref state: more than %d words (raise STATE_WORDS)",
			STATE_WORDS);
	s->w[s->n++] = v;
}

FZ_ORACLE static void push_ret(struct ref_state *s, int ret)
{
	push(s, (uint64_t)(int64_t)ret);
}

FZ_ORACLE static void ioasid_state(struct siovh_target *t, struct ref_state *s)
{
	struct siovh_ioasid_probe p;
	uint32_t cap = 0, avail = 0, i;

	push_ret(s, t->ioasid->get_capacity(t, &cap, &avail));
	push(s, cap);
	push(s, avail);
	if (!t->test || !t->test->ioasid_probe || !cap)
		return;
	/* The VDCM's PASIDs and the low end of the engines' ranges, and the
	 * top edge. Pointers are compared as NULL or not: the digest must not
	 * depend on where the heap is. */
	for (i = 0; i <= LOW_IDS; i++) {
		siovh_ioasid_t id = i < LOW_IDS ? i : cap - 1;

		memset(&p, 0, sizeof(p));
		push_ret(s, t->test->ioasid_probe(t, id, &p));
		push(s, p.state);
		push(s, p.refs);
		push(s, p.spid);
		push(s, (uint64_t)(p.set != NULL) << 1 | (p.private != NULL));
	}
}

FZ_ORACLE static void vdcm_state(struct siovh_target *t, struct ref_state *s)
{
	char buf[MAX_TYPES * TYPE_LEN + 1];
	struct siovh_parent_probe pp;
	struct siovh_adi_probe ap;
	struct siovh_dma_fault f;
	unsigned int n;
	const char *p;
	uint32_t i;

	memset(&pp, 0, sizeof(pp));
	push_ret(s, t->test->parent_probe(t, &pp));
	push(s, pp.nr_adis);
	push(s, pp.free_adis);
	push(s, pp.nr_vdevs);
	push(s, pp.pasid_enabled);
	push(s, pp.pinned_pages);
	/*
	 * Not pp.iommu_faults: a count of the DMA faults ever recorded, which
	 * the engines' DMA probes raise on purpose. Nothing in the reference
	 * reads it back (viommu/dma.c drops a fault by the queue's occupancy,
	 * which dma_fault_pop below checks, not by the count), and no fuzz
	 * target looks at it, so no later input can see it; comparing it
	 * made every IOAS and page-request engine input reopen the target.
	 */
	if (pp.nr_adis > MAX_ADIS)
		fz_fail("ref state: the parent has %u ADIs, more than %d",
			pp.nr_adis, MAX_ADIS);
	for (i = 0; i < pp.nr_adis && t->test->adi_probe; i++) {
		memset(&ap, 0, sizeof(ap));
		push_ret(s, t->test->adi_probe(t, i, &ap));
		push(s, ap.enabled);
		push(s, ap.pasid_valid);
		push(s, ap.pasid);
		push(s, ap.queued);
		push(s, ap.ims_masked);
		push(s, ap.page_wait);
	}
	/* Destructive, but only when the target is dirty anyway. */
	if (t->test->dma_fault_pop)
		push_ret(s, t->test->dma_fault_pop(t, &f));
	memset(buf, 0, sizeof(buf));
	push_ret(s, t->vfio_device->list_types(t, buf, sizeof(buf) - 1));
	for (p = buf, i = 0; *p && i < MAX_TYPES; p += strlen(p) + 1, i++) {
		n = 0;
		push_ret(s, t->vfio_device->available_instances(t, p, &n));
		push(s, n);
	}
}

/*
 * The object ID iommufd hands out next: the lowest free one (iommufd.h),
 * so 1 on an empty context; anything left behind shows as another number
 * or a failure. Allocating and destroying an IOAS leaves an empty context
 * as it was; were the allocator cyclic, the ID would differ every time and
 * the target would never be reused, which is safe.
 */
FZ_ORACLE static void iommufd_state(struct siovh_target *t, struct ref_state *s)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_destroy d = { .size = sizeof(d) };
	int ret;

	ret = t->iommufd->ioctl(t, IOMMU_IOAS_ALLOC, &a);
	push_ret(s, ret);
	if (ret)
		return;
	push(s, a.out_ioas_id);
	d.id = a.out_ioas_id;
	push_ret(s, t->iommufd->ioctl(t, IOMMU_DESTROY, &d));
}

FZ_ORACLE static void state_of(struct siovh_target *t, struct ref_state *s)
{
	s->n = 0;
	if (t->ioasid)
		ioasid_state(t, s);
	if (t->test && t->test->parent_probe && t->vfio_device)
		vdcm_state(t, s);
	if (t->iommufd)
		iommufd_state(t, s);
}

FZ_ORACLE static bool same(const struct ref_state *a, const struct ref_state *b)
{
	return a->n == b->n && !memcmp(a->w, b->w, a->n * sizeof(a->w[0]));
}

static void close_slot(struct slot *sl)
{
	if (!sl->open)
		return;
	if (sl->setup && sl->setup->down)
		sl->setup->down(&sl->t, sl->setup->data);
	siovh_target_close(&sl->t);
	sl->open = false;
}

static void close_all(void)
{
	unsigned int i;

	for (i = 0; i < FZ_REF_SLOTS; i++)
		close_slot(&cache.slots[i]);
}

/*
 * One VDEV of the first type through create, open, release and remove:
 * the VDCM makes its PASID set at the first open and keeps it (vdcm
 * lifecycle.c, "made at the first open rather than at probe"), which takes
 * its quota out of the IOASID pool for good. Without this every input
 * that opens a VDEV would leave the target different from a fresh one.
 */
FZ_ORACLE static void warm_up(struct siovh_target *t)
{
	static const uint8_t uuid[16] = { 0x5a, 0x0f, 0x22 };
	const struct siovh_vfio_device_ops *ops = t->vfio_device;
	char types[MAX_TYPES * TYPE_LEN + 1];
	struct siovh_vdev *v = NULL;
	int ret;

	if (!ops)
		fz_fail("warm-up: the ref target has no vfio_device facet");
	memset(types, 0, sizeof(types));
	ret = ops->list_types(t, types, sizeof(types) - 1);
	if (ret < 0 || !types[0])
		fz_fail("warm-up: list_types: %d", ret);
	ret = ops->create(t, types, uuid, &v);
	if (!ret)
		ret = ops->open(t, v);
	if (!ret)
		ret = ops->release(t, v);
	if (!ret)
		ret = ops->remove(t, v);
	if (ret)
		fz_fail("warm-up: VDEV of type %s: %d", types, ret);
}

/*
 * Open a fresh target for a slot (warmed up and set up as the slot says)
 * and check it is the same as the slot's first one was.
 */
FZ_ORACLE static void open_fresh(struct slot *sl)
{
	static struct ref_state now;

	fz_ref_open(&sl->t);
	sl->open = true;
	cache.generation++;
	if (sl->warm)
		warm_up(&sl->t);
	if (sl->setup && sl->setup->up)
		sl->setup->up(&sl->t, sl->setup->data);
	state_of(&sl->t, &now);
	if (!sl->have_first) {
		sl->first = now;
		sl->have_first = true;
		/* At exit the targets are closed, so that LeakSanitizer's
		 * exit check sees the reference's close free everything. */
		if (!cache.atexit_done && atexit(close_all))
			fz_fail("atexit failed");
		cache.atexit_done = true;
	} else if (!same(&now, &sl->first)) {
		fz_fail("a fresh ref target differs from the first one opened "
			"in this process: opening is not deterministic");
	}
}

struct siovh_target *fz_ref_get_slot(unsigned int slot, bool warm,
				     const struct fz_ref_setup *setup)
{
	struct slot *sl;

	if (!fz_target_is_ref())
		return fz_other_get(setup);
	/* ref:parent=vfio: the input's kernel PCs (no-op without KCOV). */
	fz_kcov_begin();
	if (slot >= FZ_REF_SLOTS)
		fz_fail("fz_ref_get_slot: no slot %u", slot);
	sl = &cache.slots[slot];
	if (!sl->used) {
		sl->used = true;
		sl->warm = warm;
		sl->setup = setup;
	} else if (warm != sl->warm || setup != sl->setup) {
		fz_fail("fz_ref_get_slot: slot %u asked for with another "
			"warm-up or set-up", slot);
	}
	if (!sl->open)
		open_fresh(sl);
	return &sl->t;
}

struct siovh_target *fz_ref_get(bool warm)
{
	return fz_ref_get_slot(0, warm, NULL);
}

/*
 * SIOVH_FUZZ_REUSE_DEBUG=1: say on stderr why a target was not kept (the
 * first state word that differs from a fresh target's), for whoever makes
 * a target's inputs leave it clean.
 */
static void why_not(const struct slot *sl, bool clean,
		    const struct ref_state *now)
{
	size_t i;

	if (!clean) {
		fprintf(stderr, "ref_cache: the input says it left the "
			"target dirty\n");
		return;
	}
	for (i = 0; i < now->n && i < sl->first.n; i++)
		if (now->w[i] != sl->first.w[i])
			break;
	fprintf(stderr, "ref_cache: state word %zu of %zu is %#llx, a fresh "
		"target's %#llx\n", i, now->n,
		(unsigned long long)(i < now->n ? now->w[i] : 0),
		(unsigned long long)(i < sl->first.n ? sl->first.w[i] : 0));
}

FZ_ORACLE void fz_ref_put(struct siovh_target *t, bool clean)
{
	static struct ref_state now;
	struct slot *sl = NULL;
	unsigned int i;

	if (!fz_target_is_ref()) {
		fz_other_put(t);
		return;
	}
	for (i = 0; i < FZ_REF_SLOTS; i++)
		if (t == &cache.slots[i].t && cache.slots[i].open)
			sl = &cache.slots[i];
	if (!sl)
		fz_fail("fz_ref_put of a target fz_ref_get did not hand out");
	state_of(t, &now);
	/* What the input left is part of what it observed. */
	fz_note(now.w, now.n * sizeof(now.w[0]));
	if (!clean || !same(&now, &sl->first)) {
		if (getenv("SIOVH_FUZZ_REUSE_DEBUG"))
			why_not(sl, clean, &now);
		close_slot(sl);
		open_fresh(sl);
	}
	fz_kcov_end();
}

unsigned long fz_ref_generation(void)
{
	if (!fz_target_is_ref())
		return fz_other_generation();
	return cache.generation;
}

/* build/fuzz/gen/ref_profile.c (fuzz/common/embed.sh) */
extern const char fz_ref_profile[];
extern const size_t fz_ref_profile_len;

const struct siovh_profile *fz_ref_profile_get(void)
{
	static struct siovh_profile *p;
	char err[256];

	if (!p && siovh_profile_parse(fz_ref_profile, fz_ref_profile_len,
				      "ref.json", &p, err, sizeof(err)))
		fz_fail("the compiled-in reference profile: %s", err);
	return p;
}
