/* SPDX-License-Identifier: MIT */
/*
 * The host's side of a config write to a real PCI function through its
 * sysfs config file, shared by the kernel target's pci facet
 * (kernel_pci.c) and the reference VDCM's VFIO parent (vfio_parent.c).
 */
#ifndef SIOVH_BACKENDS_PCI_HOST_H
#define SIOVH_BACKENDS_PCI_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * pwrite(fd, buf, len, off) of a config write to a function's sysfs config
 * file, as the host does it: the write goes to the device as it is, and an
 * FLR (a write that sets PCIe Device Control's Initiate FLR bit) is
 * followed by the host's part of it, as the PCI core does around the
 * resets it starts: the 100 ms the function has, then the BAR addresses
 * put back (the reset cleared them; without them the function's memory
 * space is gone for every later user, vfio-pci and its user included).
 * Everything else stays at its reset value, for the clauses to judge (and
 * bring up again: SIOV.DVSEC.22/.23). Bytes written or -errno.
 */
ssize_t siovh_pci_host_pwrite(int fd, const void *buf, size_t len,
			      uint64_t off);

#endif /* SIOVH_BACKENDS_PCI_HOST_H */
