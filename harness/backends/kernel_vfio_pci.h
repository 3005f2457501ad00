/* SPDX-License-Identifier: MIT */
/*
 * Claiming one named PCI function for vfio-pci, and giving it back: the
 * driver side of "--target kernel:device=BDF,vfio=cdev|group", done once
 * per `siovh run` by the CLI (not per check: every check opens its own
 * target, and a rebind per check would reset the device hundreds of times).
 *
 * Safety rules (issue 7): only the function the user named is touched;
 *  - bound to vfio-pci already: nothing is written, nothing restored;
 *  - unbound: "vfio-pci" to devices/BDF/driver_override, then BDF to
 *    bus/pci/drivers_probe; at release BDF to drivers/vfio-pci/unbind and
 *    "\n" to driver_override (cleared): left unbound, as it was;
 *  - bound to another driver: refused (-EBUSY, the message names the
 *    driver) unless force, in which case BDF goes to drivers/DRV/unbind
 *    first and, at release, after vfio-pci's unbind and the override's
 *    clearing, to drivers/DRV/bind: the original driver back.
 * A dry run prints every write it would make ("would write 'V' to PATH")
 * and makes none. Every write is checked; a failed one names its file.
 * After the probe the function must be bound to vfio-pci (its driver link
 * is polled for up to a second: sysfs answers at once, a test's fake
 * sysfs is a user-space process), or the claim is undone and fails.
 *
 * Env: SIOVH_SYSFS_ROOT replaces /sys (tests).
 */
#ifndef SIOVH_BACKENDS_KERNEL_VFIO_PCI_H
#define SIOVH_BACKENDS_KERNEL_VFIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KVPCI_DRIVER	"vfio-pci"

struct kvpci_claim {
	char bdf[16];
	char orig[64];			/* the driver it had; "" none */
	bool bound;			/* we bound it to vfio-pci */
	bool dry_run;
	FILE *log;			/* what is written (or would be) */
};

/*
 * The driver bdf is bound to, its name into drv ("" when unbound): 0 or
 * -errno (-ENOENT: no such device).
 */
int kvpci_driver_of(const char *bdf, char *drv, size_t len);

/*
 * Bind bdf to vfio-pci under the rules above, logging each write (or, with
 * dry_run, each write it would make) to log. 0, or -errno with a one-line
 * reason in err (nothing left changed).
 */
int kvpci_claim(const char *bdf, bool force, bool dry_run, FILE *log,
		struct kvpci_claim *c, char *err, size_t errlen);

/* Give bdf back as kvpci_claim() found it. 0, or -errno with the reason
 * in err (every step is still tried). */
int kvpci_release(struct kvpci_claim *c, char *err, size_t errlen);

#endif /* SIOVH_BACKENDS_KERNEL_VFIO_PCI_H */
