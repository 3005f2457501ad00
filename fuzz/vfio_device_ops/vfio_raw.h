/* SPDX-License-Identifier: MIT */
/*
 * The raw half of the vfio_device_ops target (vfio_device_ops.c says what
 * it does and what it checks): decode ops from data and run them on t's
 * vfio_device facet; abort through fz_fail() on a finding. Leaves t with
 * no VDEVs.
 */
#ifndef SIOVH_FUZZ_VFIO_RAW_H
#define SIOVH_FUZZ_VFIO_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "siovh/target.h"

void vfio_raw_run(struct siovh_target *t, const uint8_t *data, size_t size);

/* The reference profile (build/fuzz/gen/ref_profile.c, fuzz/common/embed.sh). */
extern const char fz_ref_profile[];
extern const size_t fz_ref_profile_len;

#endif /* SIOVH_FUZZ_VFIO_RAW_H */
