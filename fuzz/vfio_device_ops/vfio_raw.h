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

#endif /* SIOVH_FUZZ_VFIO_RAW_H */
