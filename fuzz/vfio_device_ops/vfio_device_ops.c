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
 * The reference profile is compiled in (build/fuzz/gen/ref_profile.c,
 * from specs/profiles/ref.json), so the binary runs from any directory.
 */
#include <string.h>

#include "siovh/profile.h"
#include "specs/models/vdev_seq.h"
#include "fuzz/common/fuzz.h"
#include "vfio_raw.h"

/* The profile, parsed once: it is read-only and the same for every input. */
static const struct siovh_profile *profile(void)
{
	static struct siovh_profile *p;
	char err[256];

	if (!p && siovh_profile_parse(fz_ref_profile, fz_ref_profile_len,
				      "ref.json", &p, err, sizeof(err)))
		fz_fail("the compiled-in reference profile: %s", err);
	return p;
}

static void run_model(struct siovh_target *t, const uint8_t *data,
		      size_t size, bool tight)
{
	static const struct siovh_vdev_seq_config tight_cfg = {
		.slots = 6, .uuids = 3,
	};
	struct siovh_vdev_seq *s = NULL;
	int ret;

	ret = siovh_vdev_seq_open(t, profile(), tight ? &tight_cfg : NULL, &s);
	if (ret)
		fz_fail("opening the VDEV sequence engine: %d", ret);
	ret = siovh_vdev_seq_run(s, data, size);
	if (ret)
		fz_fail("reference and VDEV model diverged (%d): %s", ret,
			ret > 0 ? siovh_vdev_seq_report(s) : "engine error");
	siovh_vdev_seq_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siovh_target t;

	if (!size)
		return 0;
	profile();
	fz_ref_open(&t);
	if (!t.vfio_device)
		fz_fail("the ref target has no vfio_device facet");
	if (data[0] & 1)
		vfio_raw_run(&t, data + 1, size - 1);
	else
		run_model(&t, data + 1, size - 1, data[0] & 2);
	siovh_target_close(&t);
	return 0;
}
