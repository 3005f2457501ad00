/* SPDX-License-Identifier: MIT */
/*
 * The ref backend: the in-process reference implementations behind the
 * target API, with named injected faults ("ref:fault=ioasid-put-underflow").
 */
#ifndef SIOVH_BACKENDS_REF_H
#define SIOVH_BACKENDS_REF_H

#include <siovh/target.h>

extern const struct siovh_backend siovh_ref_backend;

#endif /* SIOVH_BACKENDS_REF_H */
