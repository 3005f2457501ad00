/* SPDX-License-Identifier: MIT */
/*
 * The plugin backend: a vendor's implementation of the target API loaded
 * from a shared object ("plugin:PATH[:ARG]"). The ABI is in
 * harness/include/siovh/plugin.h.
 *
 * siovh_plugin_check() runs when the target spec is parsed, in the
 * runner's parent: it loads the object and checks its entry point and ABI
 * version, so that every problem is a usage error naming the path. The
 * object stays loaded, so the checks' children (forked from that parent)
 * find it already mapped when plugin_open() looks it up again.
 *
 * The spec's arg holds "PATH\0ARG": the path, its terminator, then the
 * plug-in's argument (empty when none).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <siovh/plugin.h>

#include "harness/backends/plugin.h"

/* Load path and find its descriptor; on error, one line in err. */
static const struct siovh_plugin *plugin_load(const char *path, char *err,
					      size_t errlen)
{
	const struct siovh_plugin *p;
	siovh_plugin_entry_fn entry;
	void *h;

	if (access(path, R_OK)) {
		snprintf(err, errlen, "plugin '%s': %s", path, strerror(errno));
		return NULL;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen, "plugin '%s': cannot load: %s", path,
			 dlerror());
		return NULL;
	}
	*(void **)&entry = dlsym(h, SIOVH_PLUGIN_ENTRY);
	if (!entry) {
		snprintf(err, errlen, "plugin '%s': no symbol %s()", path,
			 SIOVH_PLUGIN_ENTRY);
		return NULL;
	}
	p = entry();
	if (!p) {
		snprintf(err, errlen, "plugin '%s': %s() returned NULL", path,
			 SIOVH_PLUGIN_ENTRY);
		return NULL;
	}
	if (p->abi_version != SIOVH_TARGET_ABI_VERSION) {
		snprintf(err, errlen, "plugin '%s': ABI version %u, siovh needs %u",
			 path, p->abi_version, SIOVH_TARGET_ABI_VERSION);
		return NULL;
	}
	if (!p->open || !p->close) {
		snprintf(err, errlen, "plugin '%s': descriptor lacks open or close",
			 path);
		return NULL;
	}
	return p;
}

int siovh_plugin_check(struct siovh_target_spec *spec, const char *rest,
		       char *err, size_t errlen)
{
	const char *colon = strchr(rest, ':');
	size_t plen = colon ? (size_t)(colon - rest) : strlen(rest);
	const char *arg = colon ? colon + 1 : "";

	if (!plen) {
		snprintf(err, errlen, "target 'plugin' needs a path: plugin:PATH.so");
		return -EINVAL;
	}
	if (plen + 1 + strlen(arg) + 1 > sizeof(spec->arg)) {
		snprintf(err, errlen, "plugin path '%.*s' is too long",
			 (int)plen, rest);
		return -EINVAL;
	}
	memcpy(spec->arg, rest, plen);
	spec->arg[plen] = '\0';
	strcpy(spec->arg + plen + 1, arg);
	return plugin_load(spec->arg, err, errlen) ? 0 : -EINVAL;
}

static int plugin_open(const struct siovh_target_spec *spec,
		       struct siovh_target *t)
{
	const char *arg = spec->arg + strlen(spec->arg) + 1;
	const struct siovh_plugin *p;
	char err[512];
	int ret;

	p = plugin_load(spec->arg, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "%s\n", err);
		return -ENOENT;
	}
	ret = p->open(arg, t);
	if (ret)
		return ret < 0 ? ret : -EIO;
	return 0;
}

/*
 * The plug-in that filled t: the object one of its facet tables lives in.
 * Looking it up keeps no state of ours beside the plug-in's own.
 */
static const struct siovh_plugin *plugin_of(struct siovh_target *t)
{
	const void *facets[] = { t->vfio_device, t->ioasid, t->test, t->pci,
				 t->iommufd };
	siovh_plugin_entry_fn entry;
	Dl_info info;
	size_t i;
	void *h;

	for (i = 0; i < sizeof(facets) / sizeof(facets[0]); i++) {
		if (!facets[i] || !dladdr(facets[i], &info) || !info.dli_fname)
			continue;
		h = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
		if (!h)
			continue;
		*(void **)&entry = dlsym(h, SIOVH_PLUGIN_ENTRY);
		dlclose(h);		/* drop the reference NOLOAD took */
		if (entry)
			return entry();
	}
	return NULL;
}

static void plugin_close(struct siovh_target *t)
{
	const struct siovh_plugin *p = plugin_of(t);

	if (p)
		p->close(t);
}

const struct siovh_backend siovh_plugin_backend = {
	.name = "plugin",
	.summary = "a vendor's target API in a shared object (plugin:PATH[:ARG])",
	.faults = NULL,
	.open = plugin_open,
	.close = plugin_close,
};
