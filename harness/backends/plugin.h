/* SPDX-License-Identifier: MIT */
/*
 * The plugin backend: "plugin:PATH[:ARG]", a vendor's target API in a
 * shared object (harness/include/siovh/plugin.h).
 */
#ifndef SIOVH_BACKENDS_PLUGIN_H
#define SIOVH_BACKENDS_PLUGIN_H

#include <stddef.h>

#include <siovh/target.h>

extern const struct siovh_backend siovh_plugin_backend;

/*
 * Parse the part of a plugin target after "plugin:" into spec->arg and
 * load the object: 0, or -EINVAL with a one-line message naming the path
 * in err (missing file, not loadable, no entry point, ABI mismatch).
 */
int siovh_plugin_check(struct siovh_target_spec *spec, const char *rest,
		       char *err, size_t errlen);

#endif /* SIOVH_BACKENDS_PLUGIN_H */
