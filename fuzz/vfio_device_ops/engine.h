/* SPDX-License-Identifier: MIT */
/*
 * VDEV sequence engines kept across the inputs of a vfio_device_ops
 * process (engine.c says why and why that is sound).
 */
#ifndef SIOVH_FUZZ_VFIO_ENGINE_H
#define SIOVH_FUZZ_VFIO_ENGINE_H

#include <stdbool.h>

#include "siovh/profile.h"
#include "specs/models/vdev_seq.h"

/*
 * The engine of the default (tight false) or tight configuration on t,
 * which must be the target fz_ref_get handed out, in its initial state.
 */
struct siovh_vdev_seq *engine_get(struct siovh_target *t,
				  const struct siovh_profile *p, bool tight);
/*
 * After a run of s that returned 0 and after fz_ref_put(t): replace s if
 * it cannot be shown to be as a new engine would be, and any engine left
 * on a target fz_ref_put has replaced.
 */
void engine_put(struct siovh_target *t, const struct siovh_profile *p,
		struct siovh_vdev_seq *s);

#endif /* SIOVH_FUZZ_VFIO_ENGINE_H */
