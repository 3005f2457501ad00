/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the fuzz targets in fuzz/<name>/<name>.c.
 *
 * Contract of every target: one LLVMFuzzerTestOneInput() that starts from
 * a known state, runs the input and leaves that state behind when it
 * returns, so that nothing (and no leak) carries from one input to the
 * next: the same input gives the same result whatever ran before it. What
 * it builds per input it frees; the ref target is the exception, kept
 * across inputs by fz_ref_get/fz_ref_put, which verify that each input
 * gets it in its initial state (ref_cache.c says why that is sound).
 * A finding is a sanitizer report or an abort() through fz_fail(),
 * whose message says what the oracle expected; returning normally means
 * the input found nothing. The same object links with three drivers:
 * libFuzzer's, AFL++'s persistent loop (afl_driver.c) and the plain replay
 * driver of `make check` (replay.c).
 *
 * struct fz reads the input front to back; past its end every read is
 * zero, so any byte string decodes (a fuzzer never wastes an input on a
 * parse error).
 */
#ifndef SIOVH_FUZZ_H
#define SIOVH_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siovh/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Oracle code, which the fuzzer should not see: no coverage counters and
 * no comparison hooks (libFuzzer's, or AFL++'s where its pass honours the
 * attribute). What an oracle compares is not the reference's code; its
 * edges would only steer the fuzzer towards the oracle, and they cost:
 * perf on the libFuzzer binary of ioasid_ops put the comparison hooks of
 * ref_cache.c's state check alone at 6% of the time. Sanitizers still
 * apply. (gcc, which builds the replay drivers, has no such attribute
 * and no coverage instrumentation there either.)
 */
#ifdef __clang__
#define FZ_ORACLE	__attribute__((no_sanitize("coverage")))
#else
#define FZ_ORACLE
#endif

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline struct fz fz_init(const uint8_t *data, size_t size)
{
	return (struct fz){ data, size };
}

static inline bool fz_empty(const struct fz *f)
{
	return f->n == 0;
}

uint8_t fz_u8(struct fz *f);
uint16_t fz_u16(struct fz *f);
uint32_t fz_u32(struct fz *f);
uint64_t fz_u64(struct fz *f);
/* Copy len bytes into dst, zero-filled past the end of the input. */
void fz_bytes(struct fz *f, void *dst, size_t len);
/* One of n table entries (n > 0), chosen by the next byte. */
#define fz_pick(f, table) \
	((table)[fz_u8(f) % (sizeof(table) / sizeof((table)[0]))])

/* Print "siovh-fuzz: what" and abort(): the oracle's verdict. */
__attribute__((noreturn, format(printf, 1, 2)))
void fz_fail(const char *fmt, ...);

/*
 * The fault a unit-level target creates its unit with: SIOVH_FUZZ_FAULT
 * (fuzz/oracle_check.sh) looked up in names[0..n) (a unit's X-list of
 * faults with its prefix, e.g. "viommu-"), 1 + its index; 0 (the unit's
 * NONE) when unset. Any other name fz_fail()s the way fz_ref_open refuses
 * a bad spec, naming unit. Looked up once; later calls return the same.
 */
int fz_unit_fault(const char *const *names, size_t n, const char *unit);

/* The reference profile (specs/profiles/ref.json, compiled in by
 * fuzz/common/embed.sh), parsed on first use; fz_fail() if it does not
 * parse. Read-only, the same for every input. */
struct siovh_profile;
const struct siovh_profile *fz_ref_profile_get(void);

/*
 * Open a faultless ref target into t (or, with SIOVH_FUZZ_FAULT=NAME in
 * the environment, one with that fault injected: fuzz/oracle_check.sh);
 * fz_fail() if that fails.
 */
void fz_ref_open(struct siovh_target *t);

/*
 * The faultless ref target of this process, in its initial state (opened
 * on first use). Hand it back with fz_ref_put() before the input returns:
 * clean when the input's own oracle says it undid everything it did; the
 * target is kept for the next input only if clean and its probed state
 * equals a fresh target's, else it is replaced by a fresh one at once.
 *
 * warm: the initial state is a fresh target on which one VDEV has been
 * created, opened, released and removed, so that what the VDCM makes at
 * its first assignment and keeps (its PASID set) is there before the
 * input, not made by it. One process uses one kind.
 */
struct siovh_target *fz_ref_get(bool warm);
void fz_ref_put(struct siovh_target *t, bool clean);
/* Changes whenever fz_ref_get hands out a newly opened target: what a
 * caller keeps on the target (an engine) is stale once it has changed. */
unsigned long fz_ref_generation(void);

/*
 * More than one kept target, each with a set-up of its own: slot (below
 * FZ_REF_SLOTS; fz_ref_get is slot 0 without one) names a target whose
 * initial state is a fresh target, warmed up if asked, then up() (an
 * engine opened on it, whose objects stay); down() runs before that
 * target is closed (the engine closed). The state fz_ref_put compares is
 * then the state with the set-up in place, so a set-up that leaves the
 * same state after every input (an engine whose runs restore what they
 * change) is kept with its target. A slot keeps the warm and setup of
 * its first get. fz_ref_put takes a target of any slot.
 */
#define FZ_REF_SLOTS	4
struct fz_ref_setup {
	void (*up)(struct siovh_target *t, void *data);
	void (*down)(struct siovh_target *t, void *data);
	void *data;
};
struct siovh_target *fz_ref_get_slot(unsigned int slot, bool warm,
				     const struct fz_ref_setup *setup);

/*
 * The target under fuzz other than the reference: SIOVH_FUZZ_TARGET=SPEC
 * (a siovh target spec: "kernel" in the VM), or NULL for the reference.
 * When set, fz_ref_get, fz_ref_get_slot and fz_ref_put open that target
 * for each input and close it (kernel_target.c: the warm flag and the
 * slot do not apply, a set-up is opened and closed with every target),
 * with KCOV feedback from the kernel (kcov.h) when the kernel has it.
 * Targets that need a facet the target may lack check t's facets.
 * The one reference spec taken, ref:parent=vfio:BDF (the reference VDCM
 * over a real SIOV endpoint through the kernel's VFIO and iommufd), is
 * returned too, but fz_target_is_ref(): ref_cache.c keeps it across
 * inputs like the in-process reference, with KCOV around each input.
 * Any other reference option (fault=, profile=) fz_fail()s.
 */
const char *fz_target_spec(void);
/* The target runs the reference's code (no spec, or ref:parent=vfio):
 * the reference-only expectations of the oracles hold on it. */
bool fz_target_is_ref(void);
/*
 * The input about to run, kept where a kernel crash cannot take it: with
 * SIOVH_FUZZ_INPUT_MAP=PATH in the environment (a file mapped shared; in
 * the VM the ivshmem BAR, /sys/bus/pci/devices/BDF/resource2, whose memory
 * is a file on the host) each input is written there before it runs
 * (layout in kernel_target.c); a no-op without it. Targets that can crash
 * a kernel call it first thing.
 */
void fz_input_keep(const uint8_t *data, size_t size);
struct siovh_target *fz_other_get(const struct fz_ref_setup *setup);
void fz_other_put(struct siovh_target *t);
unsigned long fz_other_generation(void);

/*
 * Determinism digest (replay --digest, fuzz/determinism.sh): targets fold
 * what an input observes (results, IDs, the state it leaves) into a hash,
 * so that runs of the same input in different orders and processes can be
 * compared. Off, and free but for a test, unless the replay driver asks.
 */
extern bool fz_digest_on;
void fz_note_bytes(const void *p, size_t len);
uint64_t fz_digest_take(void);	/* the digest so far, then reset it */

static inline void fz_note(const void *p, size_t len)
{
	if (fz_digest_on)
		fz_note_bytes(p, len);
}

static inline void fz_note_u64(uint64_t v)
{
	if (fz_digest_on)
		fz_note_bytes(&v, sizeof(v));
}

#endif /* SIOVH_FUZZ_H */
