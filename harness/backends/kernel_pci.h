/* SPDX-License-Identifier: MIT */
/*
 * The pci facet of the kernel backend ("--target kernel:device=BDF"): the
 * named PCI function's configuration space through its sysfs file,
 * /sys/bus/pci/devices/BDF/config, with pread/pwrite. No driver is bound or
 * unbound: sysfs config access works whatever the function is bound to
 * (vfio-pci included). Reads of the extended space (0x100 and up) need
 * root, like every read past the first 64 bytes; writes need root and go
 * to the device as the clauses issue them (the kernel passes them through),
 * so only ever name a function that is yours to test.
 *
 * There is one device for every check: a check's first config access
 * takes an exclusive flock(2) on the config file, held until its target
 * closes, so the checks that touch the device run one at a time whatever
 * --jobs says (one's FLR never lands inside another's BAR sizing).
 *
 * The device profile the function is judged by is the reference's
 * (specs/profiles/ref.json, as the ref target finds it): the QEMU endpoint
 * of vm-images/qemu is built from the same device core and configuration.
 * $SIOVH_PROFILE overrides it, as for every target.
 *
 * Env: SIOVH_SYSFS_ROOT replaces /sys (tests: a directory holding
 * bus/pci/devices/BDF/config, e.g. a dump of the reference's config space).
 */
#ifndef SIOVH_BACKENDS_KERNEL_PCI_H
#define SIOVH_BACKENDS_KERNEL_PCI_H

#include <stddef.h>

#include <siovh/target.h>

/*
 * Check the value of the device option (val, vlen bytes, not terminated):
 * a PCI address DDDD:BB:DD.F (or BB:DD.F, domain 0), hex, device <= 0x1f,
 * function <= 7, whose sysfs config file exists. On success writes the
 * canonical lower-case DDDD:BB:DD.F into bdf (at least 13 bytes) and
 * returns 0; otherwise -EINVAL (malformed) or -ENODEV (no such device)
 * with a one-line message naming the option in err.
 */
int siovh_kernel_pci_check(const char *val, size_t vlen, char *bdf,
			   size_t bdflen, char *err, size_t errlen);

struct kernel_pci;

/*
 * Open bdf's config file (read-write, or read-only when writes are not
 * allowed: cfg_write then returns -EBADF) and fill t->pci and
 * SIOVH_FEAT_PCI_CONFIG. 0 or -errno (*out NULL).
 */
int kernel_pci_open(struct siovh_target *t, const char *bdf,
		    struct kernel_pci **out);
void kernel_pci_close(struct kernel_pci *p);

/* The target's kernel_pci (kernel.c owns t->priv). */
struct kernel_pci *kernel_pci_of(struct siovh_target *t);

#endif /* SIOVH_BACKENDS_KERNEL_PCI_H */
