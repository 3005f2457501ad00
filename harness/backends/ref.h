/* SPDX-License-Identifier: MIT */
/*
 * The ref backend: the in-process reference implementations behind the
 * target API, with named injected faults ("ref:fault=ioasid-put-underflow").
 */
#ifndef SIOVH_BACKENDS_REF_H
#define SIOVH_BACKENDS_REF_H

#include <siovh/target.h>

extern const struct siovh_backend siovh_ref_backend;

/* Path of the reference device profile (specs/profiles/ref.json). */
void siovh_ref_profile_path(char *buf, size_t len);

#endif /* SIOVH_BACKENDS_REF_H */
