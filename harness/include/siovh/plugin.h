/* SPDX-License-Identifier: MIT */
/*
 * The plug-in ABI: how a vendor's own implementation of the target API (a
 * userspace VDCM core, a device model, a shim over their driver) becomes a
 * siovh target without being compiled into siovh:
 *
 *	siovh run --target plugin:./libmyvdcm.so
 *	siovh run --target plugin:./libmyvdcm.so:ARG
 *
 * The shared object exports one function,
 *
 *	const struct siovh_plugin *siovh_plugin_entry(void);
 *
 * returning a static descriptor. siovh loads the object with dlopen()
 * (RTLD_NOW | RTLD_LOCAL) when it parses the target, so a missing file, a
 * missing entry point or an ABI mismatch is a one-line usage error naming
 * the path (exit status 2) before anything runs. Then, once per check, in
 * the check's own child process, it calls open() on a zeroed target and
 * close() when the check is done; a crash or hang in the plug-in is that
 * check's failure, not siovh's.
 *
 * Contract for open(arg, t):
 *  - arg is the text after "PATH:" in the target spec, or "" when none: the
 *    plug-in's own configuration (a device to bind, a profile, a mode).
 *  - Fill t->features (SIOVH_FEAT_*), the facets you implement (t->ioasid,
 *    t->test, t->vfio_device, t->iommufd, t->pci; NULL for the others) and
 *    t->priv. Do not touch t->backend. Return 0, or -errno: the check is
 *    then reported failed with that error.
 *  - Every facet op gets t back, and follows target.h (and test.h,
 *    ioasid.h) exactly: argument and struct layouts, return values and
 *    errno values; the VFIO-device facet has the struct layouts of the
 *    kernel's linux/vfio.h.
 *  - Declare SIOVH_FEAT_PCI_CONFIG and implement pci->profile_path to point
 *    the DVSEC and VDCM clauses at your device profile (specs/profiles/
 *    README.md); $SIOVH_PROFILE overrides it.
 * close(t) frees everything open() made; the process exits right after.
 *
 * Versioning: abi_version must equal the SIOVH_TARGET_ABI_VERSION that
 * siovh was built with (target.h); it changes whenever struct siovh_target
 * or a facet ops table changes layout, so a plug-in built against another
 * target.h is refused rather than called with the wrong layout.
 *
 * Build: compile with -fPIC against this header and target.h, link with
 * -shared, and keep your other symbols hidden (-fvisibility=hidden) so
 * they cannot clash with the harness's. harness/plugins/example/ is a
 * complete plug-in: the siovh reference, packaged this way.
 */
#ifndef SIOVH_PLUGIN_H
#define SIOVH_PLUGIN_H

#include <stdint.h>

#include "target.h"

#define SIOVH_PLUGIN_ENTRY	"siovh_plugin_entry"

struct siovh_plugin {
	uint32_t abi_version;		/* SIOVH_TARGET_ABI_VERSION */
	const char *name;		/* short name, for reports */
	const char *summary;		/* one line */
	int (*open)(const char *arg, struct siovh_target *t);
	void (*close)(struct siovh_target *t);
};

typedef const struct siovh_plugin *(*siovh_plugin_entry_fn)(void);

/* What the shared object defines (visibility default). */
const struct siovh_plugin *siovh_plugin_entry(void);

#endif /* SIOVH_PLUGIN_H */
