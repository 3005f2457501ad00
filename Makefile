# SPDX-License-Identifier: MIT
#
# siovh: conformance and fuzzing harness for SIOV and vSVA.
#
#   make deps      install missing Debian packages (idempotent)
#   make all       build siovh (release) into build/release/
#   make run       deps + build + run every clause on the reference, with the
#                  fault-kill table; reports in reports/
#   make check     deps + gcc ASan/UBSan build + clang -Werror build + every test;
#                  ends with "N passed, N failed, N skipped"
#   make bench     benchmarks (optimised build); reports/bench.json
#   make coverage  gcc --coverage build (build/coverage/), every clause on the
#                  reference, lcov line/function/branch report and per-clause
#                  traceability in reports/coverage/ (harness/scripts/coverage.sh)
#
# Variables: JOBS (parallel checks, default: nproc), SEED, REPORT_DIR, V=1 (show
# every command).

SHELL := /bin/bash
.DEFAULT_GOAL := all

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SEED ?= 1
REPORT_DIR ?= reports
VARIANT ?= release

BUILD := build/$(VARIANT)

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

ifeq ($(VARIANT),asan)
CC := gcc
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
       -fno-sanitize-recover=all
else ifeq ($(VARIANT),clang)
CC := clang
OPT := -O2 -g
else ifeq ($(VARIANT),coverage)
# -u: libgcov's dump/reset are only weakly referenced (harness/core/check.c),
# which would not pull them out of the static libgcov.
# SIOVH_NO_FAULT_HOOKS: the reference's injected-fault hooks fold to false,
# so lcov counts the reference's own branches (README.md, "Coverage").
CC := gcc
OPT := -O0 -g --coverage -DSIOVH_NO_FAULT_HOOKS
COV_LDFLAGS := -Wl,-u,__gcov_dump -Wl,-u,__gcov_reset
else
CC := gcc
OPT := -O2 -g
endif

# ccache (deps.sh installs it): a fresh clone's make check compiles every
# variant again (clang, asan, the fuzz and VM builds) from the same sources.
# The cache sits beside the kernels ($SIOVH_CACHE/ccache) and is shared by
# clones: paths are relative to CCACHE_BASEDIR, and -fdebug-prefix-map
# takes the clone's directory out of the debug info (and so out of the
# hash). Not for --coverage builds, whose notes record absolute paths; not
# when the cache directory cannot be written (then plain compiles).
SIOVH_CACHE ?= /var/cache/siovh
ifneq ($(VARIANT),coverage)
CCACHE := $(shell command -v ccache >/dev/null 2>&1 && \
	mkdir -p $(SIOVH_CACHE)/ccache 2>/dev/null && \
	test -w $(SIOVH_CACHE)/ccache && echo ccache)
endif
ifneq ($(CCACHE),)
export CCACHE_DIR := $(SIOVH_CACHE)/ccache
export CCACHE_BASEDIR := $(CURDIR)
CCACHE_PREFIX_MAP := -fdebug-prefix-map=$(CURDIR)=.
OPT += $(CCACHE_PREFIX_MAP)
endif

PKGS := jansson libxml-2.0
CPPFLAGS := -D_GNU_SOURCE -Iharness/include -I. -MMD -MP
CFLAGS := -std=c17 -Wall -Wextra -Werror -pthread $(OPT) \
	  $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS := -pthread $(OPT) $(COV_LDFLAGS)
LDLIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Sources. Files named *_test.c are test programs (one binary each);
# harness/core/main.c is siovh's entry point.
notest = $(filter-out %_test.c,$(1))
CORE_SRC := $(call notest,$(filter-out harness/core/main.c,$(wildcard harness/core/*.c)))
BACKEND_SRC := $(call notest,$(wildcard harness/backends/*.c))
REF_SRC := $(call notest,$(wildcard harness/ref/*/*.c))
MODEL_SRC := $(call notest,$(wildcard specs/models/*.c))
# Checkers: spec code that the unit tests, fuzz targets and the VM guest
# test link too (specs/dvsec/cfg_image.h), so it is in the library.
CHECKER_SRC := specs/dvsec/cfg_image.c
SPEC_SRC := $(call notest,$(filter-out specs/models/% $(CHECKER_SRC),$(wildcard specs/*/*.c)))
SELFTEST_SRC := $(wildcard harness/core/tests/*.c)
BENCH_SRC := $(wildcard harness/bench/*.c)
UNIT_SRC := $(wildcard harness/ref/*/*_test.c specs/models/*_test.c specs/dvsec/*_test.c \
	    harness/core/*_test.c)

# The library every program links: runner, backends, reference, models,
# checkers. Clauses (specs/) register themselves at start-up, so only siovh
# links them.
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRC) $(BACKEND_SRC) $(REF_SRC) $(MODEL_SRC) \
	   $(CHECKER_SRC))
SPEC_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(SPEC_SRC))
SIOVH := $(BUILD)/siovh
SELFTEST := $(BUILD)/runner_selftest
BENCH := $(BUILD)/siovh-bench
UNIT_BIN := $(patsubst %.c,$(BUILD)/%,$(UNIT_SRC))

# The example plug-in (harness/include/siovh/plugin.h): the reference and
# the ref backend packaged as a shared object. Its objects are built apart,
# position-independent, with every symbol hidden but the entry point.
PLUGIN_SRC := $(wildcard harness/plugins/example/*.c) harness/backends/ref.c \
	      harness/backends/ref_vfio.c harness/backends/ref_viommu.c \
	      harness/backends/vfio_parent.c harness/backends/pci_host.c \
	      $(REF_SRC)
PLUGIN_OBJ := $(patsubst %.c,$(BUILD)/pic/%.o,$(PLUGIN_SRC))
PLUGIN := $(BUILD)/libsiovh-example.so

.PHONY: all build deps run check bench coverage clean distclean
# Keep the objects of test programs: they are not intermediate files to delete.
.SECONDARY:
all: build
build: $(SIOVH) $(SELFTEST) $(UNIT_BIN) $(if $(BENCH_SRC),$(BENCH)) $(PLUGIN)

deps:
	@harness/scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) "CC $(VARIANT)" $<
	$(Q)$(CCACHE) $(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) "CC pic" $<
	$(Q)$(CCACHE) $(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

define LINK
$(quiet) "LD $(VARIANT)" $@
$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@
endef

$(SIOVH): $(LIB_OBJ) $(SPEC_OBJ) $(BUILD)/harness/core/main.o
	$(LINK)

$(SELFTEST): $(LIB_OBJ) $(patsubst %.c,$(BUILD)/%.o,$(SELFTEST_SRC))
	$(LINK)

$(BENCH): $(LIB_OBJ) $(patsubst %.c,$(BUILD)/%.o,$(BENCH_SRC))
	$(LINK)

$(BUILD)/%_test: $(BUILD)/%_test.o $(LIB_OBJ)
	$(LINK)

$(PLUGIN): $(PLUGIN_OBJ)
	$(quiet) "LD $(VARIANT)" $@
	$(Q)$(CC) -shared $(LDFLAGS) $^ -o $@

GIT_REVISION = $(shell git describe --always --dirty 2>/dev/null)

# The second reference parent (REF_LITE: fewer ADIs, no ATS or PRI) runs
# every clause too, without faults: its report goes to REPORT_DIR/ref-lite.
REF_LITE := ref:profile=specs/profiles/ref-lite.json

run: deps
	@$(MAKE) --no-print-directory -j$(JOBS) VARIANT=release build
	SIOVH_GIT_REVISION=$(GIT_REVISION) build/release/siovh run --target ref --faults all --jobs $(JOBS) \
		--seed $(SEED) --report $(REPORT_DIR)
	SIOVH_GIT_REVISION=$(GIT_REVISION) build/release/siovh run --target $(REF_LITE) --jobs $(JOBS) \
		--seed $(SEED) --report $(REPORT_DIR)/ref-lite

check: deps
	@$(MAKE) --no-print-directory -j$(JOBS) VARIANT=clang build
	@$(MAKE) --no-print-directory -j$(JOBS) VARIANT=asan build
	@harness/scripts/check.sh build/asan build/clang

bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) VARIANT=release build
	SIOVH_GIT_REVISION=$$(git describe --always --dirty 2>/dev/null) \
		build/release/siovh-bench --report $(REPORT_DIR)
	@build/release/siovh report index $(REPORT_DIR) >/dev/null

# Coverage: only siovh is built with --coverage (the reference, the
# backends, the runner and the clauses); see harness/scripts/coverage.sh.
coverage:
	@harness/scripts/deps.sh --coverage
	@$(MAKE) --no-print-directory -j$(JOBS) VARIANT=coverage build/coverage/siovh
	SIOVH_GIT_REVISION=$(GIT_REVISION) JOBS=$(JOBS) SEED=$(SEED) \
		harness/scripts/coverage.sh build/coverage $(REPORT_DIR)

clean:
	rm -rf build

distclean: clean
	rm -rf reports/*.json reports/*.xml reports/*.ktap reports/*.html \
		reports/conformance reports/coverage

include fuzz/fuzz.mk
include vm-images/vm.mk

-include $(shell find build -name '*.d' 2>/dev/null)
