/* SPDX-License-Identifier: MIT */
/*
 * Target specs, the backend table, opening and closing targets, feature
 * names (target.h).
 *
 * Spec grammar: NAME[:OPTION[,OPTION...]], OPTION = KEY=VALUE. Keys:
 * `fault`, naming one of the backend's faults, `profile` (ref only), a
 * device profile the reference builds its SIOV parent from (ref.h), loaded
 * and checked here, and `device` (kernel only), the PCI function whose
 * config space the pci facet reads (kernel_pci.h), its address checked and
 * its sysfs entry looked up here, with `vfio=cdev|group` also that
 * function as a VFIO device through vfio-pci (kernel_vfio_pci.h; `siovh
 * run` binds it), and `parent` (ref only): parent=vfio:BDF,
 * the reference VDCM over that real endpoint (vfio_parent.h), with
 * no profile and vdcm faults only. The plugin target
 * has its own: plugin:PATH[:ARG] (harness/include/siovh/plugin.h); the
 * object is loaded here, so that a bad one is reported before anything
 * runs. Everything that does not parse is a one-line error naming the bad
 * part, so the CLI can exit 2 before running anything.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/backends/kernel.h"
#include "harness/backends/kernel_mdev.h"
#include "harness/backends/kernel_pci.h"
#include "harness/backends/plugin.h"
#include "harness/backends/ref.h"
#include "internal.h"

const struct siovh_backend *const siovh_backends[] = {
	&siovh_ref_backend,
	&siovh_kernel_backend,
	&siovh_plugin_backend,
	NULL,
};

const char *siovh_feature_name(uint64_t bit)
{
	switch (bit) {
	case SIOVH_FEAT_IOASID:
		return "ioasid";
	case SIOVH_FEAT_TEST_IOASID:
		return "test-ioasid";
	case SIOVH_FEAT_IOASID_THREADS:
		return "ioasid-threads";
	case SIOVH_FEAT_VFIO_DEVICE:
		return "vfio-device";
	case SIOVH_FEAT_PCI_CONFIG:
		return "pci-config";
	case SIOVH_FEAT_TEST_VDEV:
		return "test-vdev";
	case SIOVH_FEAT_VDEV_MIGRATION:
		return "vdev-migration";
	case SIOVH_FEAT_VDEV_DIRTY:
		return "vdev-dirty";
	case SIOVH_FEAT_REF_ENGINE:
		return "ref-engine";
	case SIOVH_FEAT_PAGE_REQUEST:
		return "page-request";
	case SIOVH_FEAT_FAIL_NTH:
		return "fail-nth";
	case SIOVH_FEAT_IOMMUFD:
		return "iommufd";
	case SIOVH_FEAT_PARENT_REPROBE:
		return "parent-reprobe";
	}
	return NULL;
}

const char *siovh_mig_state_name(uint32_t state)
{
	/* in the order of enum vfio_device_mig_state (linux/vfio.h) */
	static const char *const names[] = {
		"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING",
		"RUNNING_P2P", "PRE_COPY", "PRE_COPY_P2P",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

static const struct siovh_backend *backend_find(const char *name, size_t len)
{
	const struct siovh_backend *const *b;

	for (b = siovh_backends; *b; b++)
		if (strlen((*b)->name) == len && !strncmp((*b)->name, name, len))
			return *b;
	return NULL;
}

static void unknown_backend(const char *name, size_t len, char *err,
			    size_t errlen)
{
	const struct siovh_backend *const *b;
	size_t off;
	int n;

	n = snprintf(err, errlen, "unknown target '%.*s' (known:", (int)len,
		     name);
	off = n > 0 ? (size_t)n : 0;
	for (b = siovh_backends; *b && off < errlen; b++) {
		n = snprintf(err + off, errlen - off, "%s %s",
			     b == siovh_backends ? "" : ",", (*b)->name);
		off += n > 0 ? (size_t)n : 0;
	}
	if (off < errlen)
		snprintf(err + off, errlen - off, ")");
}

int siovh_fault_find(const struct siovh_backend *b, const char *name,
		     size_t len)
{
	int i;

	for (i = 0; b->faults && b->faults[i].name; i++)
		if (strlen(b->faults[i].name) == len &&
		    !strncmp(b->faults[i].name, name, len))
			return i;
	return -1;
}

/*
 * profile=PATH: the reference builds its parent from PATH's "parent"
 * (siovh_ref_profile_check says why one it cannot build is refused).
 * PATH goes to spec->arg, which the ref backend has no other use for.
 */
static int parse_profile(struct siovh_target_spec *spec, const char *val,
			 size_t vlen, char *err, size_t errlen)
{
	if (spec->backend != &siovh_ref_backend) {
		snprintf(err, errlen, "target '%s' takes no profile option (only ref does)",
			 spec->backend->name);
		return -EINVAL;
	}
	if (spec->arg[0] || spec->arg[1]) {
		snprintf(err, errlen, "target '%s' names more than one profile, or a profile and a parent",
			 spec->text);
		return -EINVAL;
	}
	if (!vlen || vlen >= sizeof(spec->arg)) {
		snprintf(err, errlen, "target '%s': profile path is %s",
			 spec->text, vlen ? "too long" : "empty");
		return -EINVAL;
	}
	memcpy(spec->arg, val, vlen);
	spec->arg[vlen] = '\0';
	return siovh_ref_profile_check(spec->arg, err, errlen);
}

/* device=BDF: the kernel's pci facet; the canonical address to spec->arg. */
static int parse_device(struct siovh_target_spec *spec, const char *val,
			size_t vlen, char *err, size_t errlen)
{
	if (spec->backend != &siovh_kernel_backend) {
		snprintf(err, errlen, "target '%s' takes no device option (only kernel does)",
			 spec->backend->name);
		return -EINVAL;
	}
	if (spec->arg[0]) {
		snprintf(err, errlen, "target '%s' names more than one device",
			 spec->text);
		return -EINVAL;
	}
	return siovh_kernel_pci_check(val, vlen, spec->arg, sizeof(spec->arg),
				      err, errlen) ? -EINVAL : 0;
}

/*
 * parent=vfio:BDF (ref only): "\0BDF" to spec->arg (ref.h). Excludes
 * profile= (the real endpoint is the reference configuration's).
 */
static int parse_parent(struct siovh_target_spec *spec, const char *val,
			size_t vlen, char *err, size_t errlen)
{
	char msg[256];

	if (spec->backend != &siovh_ref_backend) {
		snprintf(err, errlen, "target '%s' takes no parent option (only ref does)",
			 spec->backend->name);
		return -EINVAL;
	}
	if (spec->arg[0] || spec->arg[1]) {
		snprintf(err, errlen, "target '%s': parent= cannot be combined with profile= or another parent=",
			 spec->text);
		return -EINVAL;
	}
	if (vlen < 5 || strncmp(val, "vfio:", 5)) {
		snprintf(err, errlen, "target '%s': parent='%.*s' is not vfio:BDF (the only kind of parent)",
			 spec->text, (int)(vlen > 64 ? 64 : vlen), val);
		return -EINVAL;
	}
	if (siovh_kernel_pci_check(val + 5, vlen - 5, spec->arg + 1,
				   sizeof(spec->arg) - 1, msg, sizeof(msg))) {
		snprintf(err, errlen, "target '%s': parent=vfio:%.*s is not a PCI function here (%s)",
			 spec->text, (int)(vlen - 5 > 64 ? 64 : vlen - 5),
			 val + 5, msg);
		return -EINVAL;
	}
	return 0;
}

/* mdev=PARENT: the kernel's vfio_device facet over that mdev parent; its
 * name to spec->arg + SIOVH_KERNEL_ARG_MDEV (device= keeps offset 0). */
static int parse_mdev(struct siovh_target_spec *spec, const char *val,
		      size_t vlen, char *err, size_t errlen)
{
	char *parent = spec->arg + SIOVH_KERNEL_ARG_MDEV;

	if (spec->backend != &siovh_kernel_backend) {
		snprintf(err, errlen, "target '%s' takes no mdev option (only kernel does)",
			 spec->backend->name);
		return -EINVAL;
	}
	if (parent[0]) {
		snprintf(err, errlen, "target '%s' names more than one mdev parent",
			 spec->text);
		return -EINVAL;
	}
	return siovh_kernel_mdev_check(val, vlen, parent,
				       SIOVH_KERNEL_ARG_VFIO - SIOVH_KERNEL_ARG_MDEV,
				       err, errlen) ? -EINVAL : 0;
}

/* vfio=cdev|group: the path the mdev facet opens VDEVs on. */
static int parse_vfio(struct siovh_target_spec *spec, const char *val,
		      size_t vlen, char *err, size_t errlen)
{
	char *path = spec->arg + SIOVH_KERNEL_ARG_VFIO;

	if (spec->backend != &siovh_kernel_backend) {
		snprintf(err, errlen, "target '%s' takes no vfio option (only kernel does)",
			 spec->backend->name);
		return -EINVAL;
	}
	if (!((vlen == 4 && !strncmp(val, "cdev", 4)) ||
	      (vlen == 5 && !strncmp(val, "group", 5))) || path[0]) {
		snprintf(err, errlen, "target '%s': vfio='%.*s': expected one vfio=cdev or vfio=group",
			 spec->text, (int)(vlen > 16 ? 16 : vlen), val);
		return -EINVAL;
	}
	memcpy(path, val, vlen);
	path[vlen] = '\0';
	return 0;
}

static int parse_option(struct siovh_target_spec *spec, const char *opt,
			size_t len, char *err, size_t errlen)
{
	const char *eq = memchr(opt, '=', len);
	const char *val = eq ? eq + 1 : NULL;
	size_t klen = eq ? (size_t)(eq - opt) : len;
	size_t vlen = eq ? len - klen - 1 : 0;

	if (eq && klen == 7 && !strncmp(opt, "profile", 7))
		return parse_profile(spec, val, vlen, err, errlen);
	if (eq && klen == 6 && !strncmp(opt, "parent", 6))
		return parse_parent(spec, val, vlen, err, errlen);
	if (eq && klen == 6 && !strncmp(opt, "device", 6))
		return parse_device(spec, val, vlen, err, errlen);
	if (eq && klen == 4 && !strncmp(opt, "mdev", 4))
		return parse_mdev(spec, val, vlen, err, errlen);
	if (eq && klen == 4 && !strncmp(opt, "vfio", 4))
		return parse_vfio(spec, val, vlen, err, errlen);
	if (!eq || klen != 5 || strncmp(opt, "fault", 5)) {
		snprintf(err, errlen, "unknown option '%.*s' in target '%s' (known: fault=NAME, profile=PATH, device=BDF, parent=vfio:BDF, mdev=PARENT, vfio=cdev|group)",
			 (int)len, opt, spec->text);
		return -EINVAL;
	}
	if (!spec->backend->faults) {
		snprintf(err, errlen, "target '%s' has no faults to inject",
			 spec->backend->name);
		return -EINVAL;
	}
#ifdef SIOVH_NO_FAULT_HOOKS
	if (!strcmp(spec->backend->name, "ref")) {
		snprintf(err, errlen, "target '%s': this siovh is the coverage build, whose reference has its fault hooks compiled out; inject faults with build/clang/siovh or build/asan/siovh",
			 spec->text);
		return -EINVAL;
	}
#endif
	if (spec->fault >= 0) {
		snprintf(err, errlen, "target '%s' names more than one fault",
			 spec->text);
		return -EINVAL;
	}
	spec->fault = siovh_fault_find(spec->backend, val, vlen);
	if (spec->fault < 0) {
		snprintf(err, errlen, "unknown fault '%.*s' for target '%s' (see 'siovh faults')",
			 (int)vlen, val, spec->backend->name);
		return -EINVAL;
	}
	return 0;
}

int siovh_target_parse(const char *text, struct siovh_target_spec *spec,
		       char *err, size_t errlen)
{
	const char *colon, *opt, *end;
	size_t nlen;
	int ret;

	memset(spec, 0, sizeof(*spec));
	spec->fault = -1;
	if (!text || !*text) {
		snprintf(err, errlen, "empty target (known: see 'siovh --help')");
		return -EINVAL;
	}
	if (strlen(text) >= sizeof(spec->text)) {
		snprintf(err, errlen, "target '%.40s...' is too long", text);
		return -EINVAL;
	}
	strcpy(spec->text, text);
	colon = strchr(text, ':');
	nlen = colon ? (size_t)(colon - text) : strlen(text);
	spec->backend = backend_find(text, nlen);
	if (!spec->backend) {
		unknown_backend(text, nlen, err, errlen);
		return -EINVAL;
	}
	if (spec->backend == &siovh_plugin_backend)
		return siovh_plugin_check(spec, colon ? colon + 1 : "", err,
					  errlen);
	for (opt = colon; opt; opt = *end ? end : NULL) {
		opt++;
		end = strchrnul(opt, ',');
		if (end == opt) {
			snprintf(err, errlen, "empty option in target '%s'",
				 text);
			return -EINVAL;
		}
		ret = parse_option(spec, opt, (size_t)(end - opt), err, errlen);
		if (ret)
			return ret;
	}
	/* Over a real parent only the VDCM's own faults can be injected. */
	if (siovh_ref_parent_bdf(spec) && spec->fault >= 0 &&
	    strncmp(spec->backend->faults[spec->fault].name, "vdcm-", 5)) {
		snprintf(err, errlen, "target '%s': with parent=vfio only vdcm-* faults apply (the device and the IOMMU are real)",
			 spec->text);
		return -EINVAL;
	}
	if (spec->backend == &siovh_kernel_backend &&
	    spec->arg[SIOVH_KERNEL_ARG_VFIO] &&
	    !spec->arg[SIOVH_KERNEL_ARG_MDEV] == !spec->arg[0]) {
		snprintf(err, errlen, "target '%s': vfio= chooses the path of the mdev= VDEVs or of the device= function through vfio-pci: name exactly one of them",
			 text);
		return -EINVAL;
	}
	return 0;
}

int siovh_target_open(const struct siovh_target_spec *spec,
		      struct siovh_target *t)
{
	int ret;

	memset(t, 0, sizeof(*t));
	if (!spec->backend || !spec->backend->open)
		return -EINVAL;
	t->backend = spec->backend;
	ret = spec->backend->open(spec, t);
	if (ret) {
		memset(t, 0, sizeof(*t));
		return ret < 0 ? ret : -EIO;
	}
	t->backend = spec->backend;
	return 0;
}

void siovh_target_close(struct siovh_target *t)
{
	if (t->backend && t->backend->close)
		t->backend->close(t);
	memset(t, 0, sizeof(*t));
}
