/* SPDX-License-Identifier: MIT */
/*
 * The example plug-in: the siovh reference (IOASID core, SIOV endpoint,
 * IOMMU and VDCM) packaged behind the plug-in ABI, exactly as a vendor would
 * package their own VDCM (harness/include/siovh/plugin.h). It exposes the
 * same facets and features as `--target ref`, without injected faults:
 *
 *	siovh run --target plugin:build/release/libsiovh-example.so
 *
 * A vendor replaces example_open() with code that fills the target's
 * facets from their implementation; the rest of this file stays.
 */
#include <siovh/plugin.h>

#include "harness/backends/ref.h"

/* ARG is not used: the reference has nothing to configure. */
static int example_open(const char *arg, struct siovh_target *t)
{
	struct siovh_target_spec spec = {
		.backend = &siovh_ref_backend,
		.fault = -1,
	};

	(void)arg;
	return siovh_ref_backend.open(&spec, t);
}

static void example_close(struct siovh_target *t)
{
	siovh_ref_backend.close(t);
}

static const struct siovh_plugin example_plugin = {
	.abi_version = SIOVH_TARGET_ABI_VERSION,
	.name = "example",
	.summary = "the siovh reference as a plug-in",
	.open = example_open,
	.close = example_close,
};

__attribute__((visibility("default")))
const struct siovh_plugin *siovh_plugin_entry(void)
{
	return &example_plugin;
}
