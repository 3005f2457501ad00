/* SPDX-License-Identifier: MIT */
/*
 * cfg_image: what a careful driver, or a conformance check, verifies of a
 * SIOV endpoint's 4 KiB config-space image before it trusts it.
 *
 * A checker, not device behaviour: it reads nothing but the bytes it is
 * given, so it judges any function's space the same way: the parent's as
 * the pci facet reads it (SIOV.DVSEC.1 and SIOV.DVSEC.27), the reference
 * device's own image (its unit tests, fuzz/config_space), or a real
 * device's sysfs config file (the VM guest test
 * vm-images/guest/siov-pasid-test.c). The rules are the DVSEC table of
 * seed 000 ("What's missing? - Discover Intel(R) scalable IOV
 * capability!": ext cap ID 0x23 version 1, vendor 0x8086, revision 0,
 * length 0x18, DVSEC ID 5, flags bit 0 only, supported page sizes with
 * 4 KiB, system page size exactly one supported bit, capabilities bit 0
 * only), its hardware slide (a PASID capability, max width 1..20), and the
 * PCI rules for both capability lists: pointers aligned and in bounds, no
 * loop, every capability fits in its space and no byte belongs to two of
 * them (the sizes the spec gives PCIe 0x3c, MSI-X 12, MSI 10..24 by its
 * Message Control, PASID and ATS 8, PRI 16, a DVSEC its length field; at
 * least the header for the rest), and a PCI Express capability and an MSI
 * or MSI-X capability present (PCI Express Base requires one of the two
 * of a function that interrupts; the seeds name neither).
 *
 * Contract: pure functions of the image. No allocation, no global state,
 * nothing but libc (vsnprintf), so the static guest binary and the fuzz
 * targets link this file alone. Every walk is bounded; any 4 KiB of bytes
 * gets an answer.
 */
#ifndef SIOVH_SPECS_DVSEC_CFG_IMAGE_H
#define SIOVH_SPECS_DVSEC_CFG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define CFG_IMAGE_SIZE	4096	/* PCI Express extended config space */

/*
 * The whole image: the header (a function, type 0), the capability list
 * and the extended chain well formed, PCIe and MSI or MSI-X present, exactly one
 * SIOV DVSEC with every field as above, and a PASID capability. 0 when
 * valid; -EINVAL and the first problem, in words, in why (always
 * NUL-terminated when len > 0; why may be NULL when len is 0).
 */
int cfg_image_validate(const uint8_t img[CFG_IMAGE_SIZE], char *why,
		       size_t len);

/*
 * The extended capability chain from 0x100 alone (the part of
 * cfg_image_validate about it): present, every offset dword-aligned in
 * [0x100, 0xffc], no loop, every capability fits below 4 KiB and overlaps
 * no other, at most one SIOV DVSEC. Same return and why.
 */
int cfg_image_ext_chain(const uint8_t img[CFG_IMAGE_SIZE], char *why,
			size_t len);

#endif /* SIOVH_SPECS_DVSEC_CFG_IMAGE_H */
