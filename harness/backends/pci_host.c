/* SPDX-License-Identifier: MIT */
/* A config write as the host makes it: see pci_host.h. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/backends/pci_host.h"

#define CFG_CAP_PTR		0x34
#define CFG_BAR0		0x10
#define CFG_NR_BARS		6
#define CAP_ID_PCIE		0x10
#define PCIE_DEVCTL		0x08
#define DEVCTL_FLR_HI		0x80	/* bit 15: bit 7 of the high byte */

/* The PCI Express capability's offset (standard list of fd), 0 if none. */
static uint32_t pcie_cap(int fd)
{
	uint8_t pos = 0, hdr[2];
	int guard;

	if (pread(fd, &pos, 1, CFG_CAP_PTR) != 1)
		return 0;
	for (guard = 0; pos >= 0x40 && guard < 48; guard++) {
		pos &= ~3u;
		if (pread(fd, hdr, 2, pos) != 2)
			return 0;
		if (hdr[0] == CAP_ID_PCIE)
			return pos;
		pos = hdr[1];
	}
	return 0;
}

/* Does this write set the Initiate FLR bit? */
static bool sets_flr(int fd, const void *buf, size_t len, uint64_t off)
{
	uint32_t val = 0, pcie, hi;

	if (len > sizeof(val))
		return false;
	pcie = pcie_cap(fd);
	hi = pcie + PCIE_DEVCTL + 1;
	if (!pcie || off > hi || off + len <= hi)
		return false;
	memcpy(&val, buf, len);
	return (val >> (8 * (hi - off))) & DEVCTL_FLR_HI;
}

ssize_t siovh_pci_host_pwrite(int fd, const void *buf, size_t len,
			      uint64_t off)
{
	const struct timespec wait = { .tv_nsec = 100 * 1000 * 1000 };
	uint32_t bars[CFG_NR_BARS];
	bool flr = sets_flr(fd, buf, len, off);
	ssize_t n;
	int i;

	if (flr && pread(fd, bars, sizeof(bars), CFG_BAR0) !=
		   (ssize_t)sizeof(bars))
		return -EIO;
	n = pwrite(fd, buf, len, (off_t)off);
	if (n < 0)
		return -errno;
	if (flr) {
		nanosleep(&wait, NULL);
		for (i = 0; i < CFG_NR_BARS; i++)
			if (pwrite(fd, &bars[i], 4, CFG_BAR0 + 4 * i) != 4)
				return -EIO;
	}
	return n;
}

