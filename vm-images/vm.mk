# SPDX-License-Identifier: MIT
#
# The VM tier (vm-images/, DESIGN.md "Real kernels"), included by the
# Makefile:
#
#   make vm-check   for each kernel of VM_KERNELS (default: 6.12 booted in
#                   profiles mock and vtd, the newest 7.x in vtd and siov):
#                   build or reuse it, build siovh against its uAPI headers
#                   and the initramfs, boot each profile, run the clauses
#                   with --target kernel in the guest; TAP on stdout,
#                   reports in reports/vm/<kernel>-<profile>/ and the runs
#                   side by side in reports/vm/compare/
#                   (vm-images/vm-check.sh). Profile siov also builds or
#                   reuses the QEMU with the SIOV endpoint
#                   (vm-images/qemu/build-qemu.sh) and runs the guest test
#                   vm-images/guest/siov-pasid-test.c
#   make bench-vm   make vm-check with each run's empty-init boot, the
#                   baseline of reports/vm/bench.json (VM_BENCH=1)
#   make vm-shell   the same kernel and image with an interactive console
#                   (profile VM_PROFILE, default mock; exit the shell to
#                   power off)
#
# Variables: VM_KERNELS ("PACKAGE:PROFILE,... ..."), VM_PROFILES (replaces
# every kernel's profiles), VM_PROFILE, KERNEL_SRC (a kernel tree instead of
# the Debian packages), SIOVH_CACHE (default /var/cache/siovh),
# VM_TIMEOUT (watchdog, seconds), SIOVH_VM_ARGS (siovh run's arguments in
# the guest, default "--target kernel").
#
# VM_HEADERS (set by vm-check.sh for its build/vm-<key>/ variant): compile
# against a kernel's `make headers_install` instead of the host's.

VM_PROFILE ?= mock

ifneq ($(VM_HEADERS),)
CPPFLAGS := -isystem $(VM_HEADERS) $(CPPFLAGS)
endif

# The SIOV endpoint's guest test, static, against the kernel's headers
# (VM_HEADERS) and with the specs' config-image checker (libc only).
SIOV_GUEST_SRC := vm-images/guest/siov-pasid-test.c specs/dvsec/cfg_image.c
$(BUILD)/siov-pasid-test: $(SIOV_GUEST_SRC) harness/ref/siovdev/siovdev.h specs/dvsec/cfg_image.h
	@mkdir -p $(@D)
	$(quiet) "LD $(VARIANT)" $@
	$(Q)$(CC) $(filter-out -MMD -MP,$(CPPFLAGS)) $(CFLAGS) -static \
		$(SIOV_GUEST_SRC) -o $@

.PHONY: vm-check vm-shell bench-vm
vm-check:
	@VM_KERNELS="$(VM_KERNELS)" VM_PROFILES="$(VM_PROFILES)" REPORT_DIR="$(REPORT_DIR)" JOBS="$(JOBS)" \
		vm-images/vm-check.sh

bench-vm:
	@VM_BENCH=1 VM_KERNELS="$(VM_KERNELS)" VM_PROFILES="$(VM_PROFILES)" REPORT_DIR="$(REPORT_DIR)" \
		JOBS="$(JOBS)" vm-images/vm-check.sh

vm-shell:
	@JOBS="$(JOBS)" vm-images/vm-check.sh --shell $(VM_PROFILE)
