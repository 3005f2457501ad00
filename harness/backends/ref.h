/* SPDX-License-Identifier: MIT */
/*
 * The ref backend: the in-process reference implementations behind the
 * target API, with named injected faults ("ref:fault=ioasid-put-underflow").
 */
#ifndef SIOVH_BACKENDS_REF_H
#define SIOVH_BACKENDS_REF_H

#include <siovh/target.h>

#include "harness/ref/siovdev/siovdev.h"

extern const struct siovh_backend siovh_ref_backend;

/* Path of the reference device profile (specs/profiles/ref.json). */
void siovh_ref_profile_path(char *buf, size_t len);

/*
 * ref:profile=PATH (ref_profile.c). The spec's arg is "PATH\0CONFIG":
 * siovh_ref_profile_check, given arg holding PATH, loads the profile,
 * refuses (-EINVAL, err naming the file and field) a parent the reference
 * cannot build as stated, else appends CONFIG, the parent's siovdev
 * configuration and the IOMMU's first-stage width (the profile's "iommu")
 * in the text siovh_ref_config_format writes (-1: no room) and
 * siovh_ref_config_parse reads back (-EINVAL: not such a text).
 */
#define REF_ARG_MAX 256		/* sizeof(struct siovh_target_spec.arg) */
struct siovh_ref_config {
	struct siovdev_config parent;
	uint32_t fs_addr_width;	/* viommu_config.fs_addr_width: 57 or 48 */
	uint32_t dirty;		/* iommufd_platform.dirty_tracking: 1 or 0 */
};
int siovh_ref_profile_check(char arg[REF_ARG_MAX], char *err, size_t errlen);
int siovh_ref_config_format(const struct siovh_ref_config *cfg, char *buf,
			    size_t len);
int siovh_ref_config_parse(const char *text, struct siovh_ref_config *cfg);

/*
 * ref:parent=vfio:BDF (target.c parses it): the reference VDCM over the
 * real endpoint BDF through VFIO (vfio_parent.h). The spec's arg is then
 * "\0BDF" (arg[0] empty: no profile). The canonical BDF, or NULL when the
 * spec names no such parent.
 */
const char *siovh_ref_parent_bdf(const struct siovh_target_spec *spec);

#endif /* SIOVH_BACKENDS_REF_H */
