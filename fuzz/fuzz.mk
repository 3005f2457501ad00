# SPDX-License-Identifier: MIT
#
# Fuzzing (fuzz/README in README.md, "Fuzzing"). Included from the Makefile,
# after its source lists; nothing here is part of the normal build variants.
#
#   make fuzz-build   libFuzzer binaries   build/fuzz/libfuzzer/NAME
#                     AFL++ (ASan+UBSan)   build/fuzz/afl/NAME
#                     AFL++ CmpLog         build/fuzz/afl-cmplog/NAME
#                     and the empty target of each, for bench-fuzz
#   make fuzz         campaign: FUZZ_TIME=60s JOBS=N ENGINE=libfuzzer|afl|both
#                     TARGETS="a b" (fuzz/campaign.sh); corpora in fuzz-work/,
#                     reports in reports/fuzz/
#   make bench-fuzz   execs/s of each target (TARGETS="a b": those only, and
#                     only they are built) and of the empty one, under both
#                     engines (fuzz/bench.sh): reports/bench-fuzz.json;
#                     with BENCH_COVERAGE=10m also make fuzz-coverage
#   make fuzz-coverage  harness/ref/ coverage each target reaches from its
#                     seeds in FUZZ_TIME on one core (fuzz/coverage.sh):
#                     reports/fuzz/coverage-$(FUZZ_TIME).json
#   make fuzz-kernel  a KCOV-guided run of an op-stream target (FUZZ_KTARGET:
#                     iommufd_ops, vfio_device_ops) against a VM's kernel
#                     (vm-images/fuzz-kernel.sh): reports/fuzz-kernel/;
#                     FUZZ_DIFF=1 also compares each boot's new inputs on
#                     the reference and the kernel (siovh replay --diff)
#   make fuzz-kernel-replay REPLAY=FILE|DIR [FUZZ_DIFF=1]  one boot that
#                     replays them on the kernel (or compares)
#   make fuzz-kernel-coverage [CORPUS=DIR]  the kernel's gcov coverage that
#                     corpus (default: the kept one and the kernel seeds)
#                     reaches, next to the clauses' (vm-images/fuzz-kernel-
#                     coverage.sh): reports/fuzz-kernel/coverage/
#   make fuzz-kernel-seeds [CORPUS=DIR]  fuzz/iommufd_ops/kernel-seeds/
#                     distilled from that corpus (vm-images/kernel-seeds.sh)
#   make fuzz-replay  NAME_replay in build/$(VARIANT)/fuzz/: the plain replay
#                     driver (fuzz/common/replay.c) over the variant's objects,
#                     which `make check` runs on the seeds and reproducers
#
# A target is a directory fuzz/NAME/ with NAME.c (LLVMFuzzerTestOneInput),
# NAME.dict, NAME.options and seeds/.

FUZZ_NAMES := $(sort $(patsubst fuzz/%/,%,$(dir $(wildcard fuzz/*/*.options))))
TARGETS ?= $(FUZZ_NAMES)
ENGINE ?= both
FUZZ_TIME ?= 60s

FUZZ_OUT := build/fuzz
# The reference profile, compiled in (fuzz/common/embed.sh).
FUZZ_GEN := $(FUZZ_OUT)/gen/ref_profile.c
FUZZ_LIB_SRC := $(CORE_SRC) $(BACKEND_SRC) $(REF_SRC) $(MODEL_SRC) $(CHECKER_SRC) \
		fuzz/common/fuzz_util.c fuzz/common/ref_cache.c \
		fuzz/common/kernel_target.c fuzz/common/kcov.c \
		fuzz/common/trace.c $(FUZZ_GEN)
FUZZ_CFLAGS := -std=c17 -Wall -Wextra -Werror -pthread -O1 -g \
	       -fno-omit-frame-pointer $(CCACHE_PREFIX_MAP) \
	       $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# afl-clang-lto (collision-free edge IDs) when it can link a program here:
# with bookworm's AFL++ 4.04c and clang/lld 14 it does, and measured ~25%
# more execs/s and 60% more edges than afl-clang-fast on ioasid_ops.
# afl-clang-fast is the fallback. Probed once, on first use. (Not AFL_CC:
# afl-cc reads that name from the environment as its own compiler.)
FUZZ_AFL_CC_PROBE = $(shell printf 'int main(void){return 0;}\n' | \
	AFL_QUIET=1 afl-clang-lto -x c - -o /dev/null >/dev/null 2>&1 && \
	echo afl-clang-lto || echo afl-clang-fast)
FUZZ_AFL_CC ?= $(eval FUZZ_AFL_CC := $(FUZZ_AFL_CC_PROBE))$(FUZZ_AFL_CC)
FUZZ_QUIET_AFL := AFL_QUIET=1
# afl-clang-lto warns about dlopen() (the plugin backend) on every link;
# the fuzzers never load plug-ins (fuzz/profile/profile.c), so drop it.
FUZZ_AFL_FILTER := { grep -v 'dlopen() detected' >&2 || true; }

# fuzz_objs DIR: the library objects of one engine build.
fuzz_objs = $(patsubst %.c,$(1)/obj/%.o,$(FUZZ_LIB_SRC))

LF_DIR := $(FUZZ_OUT)/libfuzzer
AFL_DIR := $(FUZZ_OUT)/afl
CMPLOG_DIR := $(FUZZ_OUT)/afl-cmplog

$(FUZZ_GEN): specs/profiles/ref.json fuzz/common/embed.sh
	@mkdir -p $(@D)
	$(Q)fuzz/common/embed.sh $< $@ fz_ref_profile

$(LF_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) "CC fuzz" $<
	$(Q)$(CCACHE) clang $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SAN) \
		-fsanitize=fuzzer-no-link -c $< -o $@

$(AFL_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) "CC afl" $<
	$(Q)$(FUZZ_QUIET_AFL) $(FUZZ_AFL_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SAN) \
		-c $< -o $@

$(CMPLOG_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) "CC cmplog" $<
	$(Q)$(FUZZ_QUIET_AFL) AFL_LLVM_CMPLOG=1 $(FUZZ_AFL_CC) $(CPPFLAGS) \
		$(FUZZ_CFLAGS) -c $< -o $@

# AFL++'s map for the kernel's edges (fuzz/common/afl_map.h): compiled
# without the AFL++ pass, which renames the runtime's globals it meets.
FUZZ_AFL_MAP := $(FUZZ_OUT)/plain/fuzz/common/afl_map.o
$(FUZZ_AFL_MAP): fuzz/common/afl_map.c fuzz/common/afl_map.h
	@mkdir -p $(@D)
	$(quiet) "CC plain" $<
	$(Q)clang $(CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

# fuzz_rules NAME SOURCES: the engine binaries and the replay driver of
# one target.
define fuzz_rules
$(LF_DIR)/$(1): $(patsubst %.c,$(LF_DIR)/obj/%.o,$(2)) $(call fuzz_objs,$(LF_DIR))
	$$(quiet) "LD fuzz" $$@
	$$(Q)clang $(FUZZ_SAN) -fsanitize=fuzzer $$^ $$(LDLIBS) -pthread -o $$@
$(AFL_DIR)/$(1): $(patsubst %.c,$(AFL_DIR)/obj/%.o,$(2)) \
		 $(AFL_DIR)/obj/fuzz/common/afl_driver.o $(FUZZ_AFL_MAP) \
		 $(call fuzz_objs,$(AFL_DIR))
	$$(quiet) "LD afl" $$@
	$$(Q)set -o pipefail; $(FUZZ_QUIET_AFL) $(FUZZ_AFL_CC) $(FUZZ_SAN) $$^ \
		$$(LDLIBS) -pthread -o $$@ 2>&1 | $(FUZZ_AFL_FILTER)
$(CMPLOG_DIR)/$(1): $(patsubst %.c,$(CMPLOG_DIR)/obj/%.o,$(2)) \
		    $(CMPLOG_DIR)/obj/fuzz/common/afl_driver.o $(FUZZ_AFL_MAP) \
		    $(call fuzz_objs,$(CMPLOG_DIR))
	$$(quiet) "LD cmplog" $$@
	$$(Q)set -o pipefail; $(FUZZ_QUIET_AFL) AFL_LLVM_CMPLOG=1 $(FUZZ_AFL_CC) \
		$$^ $$(LDLIBS) -pthread -o $$@ 2>&1 | $(FUZZ_AFL_FILTER)
$(BUILD)/fuzz/$(1)_replay: $(patsubst %.c,$(BUILD)/%.o,$(2)) \
			   $(BUILD)/fuzz/common/replay.o \
			   $(BUILD)/fuzz/common/fuzz_util.o \
			   $(BUILD)/fuzz/common/ref_cache.o \
			   $(BUILD)/fuzz/common/kernel_target.o \
			   $(BUILD)/fuzz/common/kcov.o \
			   $(BUILD)/fuzz/common/trace.o \
			   $(BUILD)/$(FUZZ_GEN:.c=.o) $$(LIB_OBJ)
	$$(LINK)
endef
$(foreach t,$(FUZZ_NAMES),$(eval $(call fuzz_rules,$(t),$(wildcard fuzz/$(t)/*.c))))
$(eval $(call fuzz_rules,empty,fuzz/common/empty.c))

FUZZ_BINS := $(foreach d,$(LF_DIR) $(AFL_DIR) $(CMPLOG_DIR), \
		$(addprefix $(d)/,$(FUZZ_NAMES) empty))

# The op-stream targets for a VM's kernel (make fuzz-kernel,
# vm-images/fuzz-kernel.sh): libFuzzer binaries compiled against that
# kernel's uAPI headers (VM_HEADERS, vm.mk) into FUZZ_VM_DIR, without ASan:
# what is fuzzed is the kernel, whose KASAN is the sanitizer that matters,
# and ASan's shadow would halve the rate under TCG. Feedback: the
# harness's edges and the kernel's through KCOV (fuzz/common/kcov.h).
FUZZ_VM_DIR ?= $(FUZZ_OUT)/vm
FUZZ_VM_NAMES := iommufd_ops vfio_device_ops
FUZZ_VM_CFLAGS := $(filter-out -Werror,$(FUZZ_CFLAGS)) -Werror -O2

$(FUZZ_VM_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) "CC vmfuzz" $<
	$(Q)$(CCACHE) clang $(CPPFLAGS) $(FUZZ_VM_CFLAGS) -fsanitize=fuzzer-no-link \
		-c $< -o $@

define fuzz_vm_rules
$(FUZZ_VM_DIR)/$(1): $(patsubst %.c,$(FUZZ_VM_DIR)/obj/%.o,$(2)) \
		     $(call fuzz_objs,$(FUZZ_VM_DIR))
	$$(quiet) "LD vmfuzz" $$@
	$$(Q)clang -fsanitize=fuzzer $$^ $$(LDLIBS) -pthread -o $$@
endef
$(foreach t,$(FUZZ_VM_NAMES),$(eval $(call fuzz_vm_rules,$(t),$(wildcard fuzz/$(t)/*.c))))

.PHONY: fuzz-vm-build fuzz-kernel fuzz-kernel-coverage fuzz-kernel-seeds
fuzz-vm-build: $(addprefix $(FUZZ_VM_DIR)/,$(FUZZ_VM_NAMES))

# make fuzz-kernel FUZZ_TIME=10m [FUZZ_DIFF=1]: vm-images/fuzz-kernel.sh
# (FUZZ_DIFF=1: each boot's new inputs also replayed on the reference and
# the kernel and compared, siovh replay --diff)
fuzz-kernel:
	$(Q)FUZZ_TIME=$(FUZZ_TIME) FUZZ_DIFF=$(FUZZ_DIFF) vm-images/fuzz-kernel.sh

# make fuzz-kernel-replay REPLAY=FILE|DIR [FUZZ_DIFF=1]: one boot of the
# fuzzing kernel that replays REPLAY with siovh replay --target kernel
# (or --diff ref,kernel), a finding's one-line reproducer
.PHONY: fuzz-kernel-replay
fuzz-kernel-replay:
	$(if $(REPLAY),,$(error REPLAY=FILE|DIR names the input(s) to replay))
	$(Q)FUZZ_REPLAY=$(REPLAY) FUZZ_DIFF=$(FUZZ_DIFF) vm-images/fuzz-kernel.sh

fuzz-kernel-coverage:
	$(Q)REPORT_DIR=$(REPORT_DIR) vm-images/fuzz-kernel-coverage.sh $(CORPUS)

fuzz-kernel-seeds:
	$(Q)vm-images/kernel-seeds.sh $(CORPUS)

# The replay drivers, in the current VARIANT (check uses asan).
FUZZ_REPLAY := $(patsubst %,$(BUILD)/fuzz/%_replay,$(FUZZ_NAMES))

.PHONY: fuzz-build fuzz-bins fuzz-libfuzzer fuzz fuzz-replay bench-fuzz \
	fuzz-coverage fuzz-clean
fuzz-build:
	@harness/scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-bins

fuzz-bins: $(FUZZ_BINS)

# libFuzzer binaries only (no AFL++ needed): what `make check` runs.
fuzz-libfuzzer: $(addprefix $(LF_DIR)/,$(FUZZ_NAMES))

fuzz-replay: $(FUZZ_REPLAY)

fuzz: fuzz-build
	@FUZZ_TIME=$(FUZZ_TIME) JOBS=$(JOBS) ENGINE=$(ENGINE) \
		TARGETS="$(TARGETS)" REPORT_DIR=$(REPORT_DIR)/fuzz \
		fuzz/campaign.sh

# bench-fuzz builds only what it measures: the libFuzzer and AFL++ binaries
# of TARGETS (default: every target) and of the empty target.
BENCH_FUZZ_NAMES := $(or $(TARGETS),$(FUZZ_NAMES)) empty
bench-fuzz:
	$(if $(filter-out $(FUZZ_NAMES),$(TARGETS)),$(error TARGETS: no fuzz target \
		named $(filter-out $(FUZZ_NAMES),$(TARGETS)) (fuzz/*/: $(FUZZ_NAMES))))
	@harness/scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory -j$(JOBS) \
		$(foreach d,$(LF_DIR) $(AFL_DIR),$(addprefix $(d)/,$(BENCH_FUZZ_NAMES)))
	@BENCH_TIME=$(or $(BENCH_TIME),10) TARGETS="$(TARGETS)" \
		REPORT_DIR=$(REPORT_DIR) fuzz/bench.sh
	$(if $(BENCH_COVERAGE),@$(MAKE) --no-print-directory fuzz-coverage \
		FUZZ_TIME=$(BENCH_COVERAGE))

fuzz-coverage: fuzz-libfuzzer
	@harness/scripts/deps.sh --coverage
	@$(MAKE) --no-print-directory VARIANT=coverage fuzz-replay
	@FUZZ_TIME=$(FUZZ_TIME) TARGETS="$(TARGETS)" KEEP="$(KEEP)" \
		REPORT_DIR=$(REPORT_DIR)/fuzz fuzz/coverage.sh

fuzz-clean:
	rm -rf $(FUZZ_OUT)
