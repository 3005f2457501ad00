// SPDX-License-Identifier: MIT
/*
 * vfio_device_ops: bytes -> operations on reference VDEVs through the
 * ref backend's vfio_device facet. Byte 0 picks the driver:
 *
 *  even  the VDEV sequence engine of the VDCM.SEQ clauses
 *        (specs/models/vdev_seq.h) runs the rest of the input on the
 *        target and on the VDEV lifecycle model, compared after every
 *        step; any divergence aborts with the engine's report. Bit 1 of
 *        byte 0 picks VDCM.SEQ.2's tight configuration (6 slots, 3 UUIDs).
 *        The engines are kept across inputs (engine.c).
 *  odd   raw facet operations on three VDEV slots (vfio_raw.c): region
 *        reads and writes of any offset and size, the device ioctls with
 *        fuzzed argsz, flags, indexes and payloads (IRQ set-up, reset,
 *        migration states, DMA logging), mmap of any range, type1
 *        container maps, and any VFIO ioctl number with a random struct.
 *        Oracle: the sanitizers, every call returns 0, a count no larger
 *        than asked, or -errno; and after everything is released and
 *        removed, the parent has all its ADIs back, no VDEVs, and every
 *        type its idle available_instances (nothing leaked).
 *
 * Both run on the ref target in its initial state (fz_ref_get: no VDEVs,
 * every ADI free) and leave it so, or fail; fz_ref_put then compares what
 * the probes see with a fresh target's before keeping it for the next
 * input.
 *
 * Other targets (SIOVH_FUZZ_TARGET, fuzz.h), in a VM with KCOV feedback:
 *  ref:parent=vfio:BDF  the reference VDCM over the QEMU SIOV endpoint
 *        (fz_target_is_ref): both drivers and every oracle as above; the
 *        kernel is behind each VDEV open (VFIO_DEVICE_ATTACH_PASID of its
 *        AUX domain), release (detach), container map (IOMMU_IOAS_MAP)
 *        and BAR access (vfio-pci region I/O), with the endpoint's
 *        PASID-tagged DMA from the queues the VDEVs program.
 *  kernel:mdev=NAME[,vfio=...]  the kernel's VFIO device uAPI on an mdev
 *        (mtty in the VM): the raw driver for every input, whatever byte
 *        0 says, because the engine judges the target by the compiled-in
 *        reference profile (its mailbox and queue registers), which a
 *        kernel mdev is not; and its oracle without the ADI accounting,
 *        which only the reference's test facet reports (vfio_raw.c).
 * Each input is kept first (fz_input_keep), so a kernel crash does not
 * lose it.
 *
 * The reference profile is compiled in (build/fuzz/gen/ref_profile.c,
 * from specs/profiles/ref.json), so the binary runs from any directory.
 */
#include <string.h>

#include "siovh/profile.h"
#include "specs/models/vdev_seq.h"
#include "fuzz/common/fuzz.h"
#include "engine.h"
#include "vfio_raw.h"

/* The engine is kept across inputs while it can be shown clean (engine.c). */
static struct siovh_vdev_seq *run_model(struct siovh_target *t,
					const uint8_t *data, size_t size,
					bool tight)
{
	struct siovh_vdev_seq *s = engine_get(t, fz_ref_profile_get(), tight);
	uint64_t ops = siovh_vdev_seq_ops(s);
	int ret;

	ret = siovh_vdev_seq_run(s, data, size);
	if (ret)
		fz_fail("reference and VDEV model diverged (%d): %s", ret,
			ret > 0 ? siovh_vdev_seq_report(s) : "engine error");
	fz_note_u64(siovh_vdev_seq_ops(s) - ops);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siovh_vdev_seq *s = NULL;
	struct siovh_target *t;

	fz_input_keep(data, size);
	if (!size)
		return 0;
	t = fz_ref_get(true);
	if (!t->vfio_device)
		fz_fail("the %s target has no vfio_device facet",
			fz_target_spec() ? fz_target_spec() : "ref");
	if ((data[0] & 1) || !fz_target_is_ref())
		vfio_raw_run(t, data + 1, size - 1);
	else
		s = run_model(t, data + 1, size - 1, data[0] & 2);
	/* Either driver's teardown released and removed every VDEV and
	 * checked the parent has all its ADIs back, or failed the input. */
	fz_ref_put(t, true);
	engine_put(t, fz_ref_profile_get(), s);
	return 0;
}
