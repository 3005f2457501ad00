/* SPDX-License-Identifier: MIT */
/*
 * The bridge between a kselftest program and siovh's runner: run one clause
 * of the catalog, by ID, against the selftests' target and say how it went.
 *
 * The target is "kernel" (the running kernel's uAPI, harness/backends/
 * kernel.h) unless $SIOV_TARGET names another siovh target spec ("ref",
 * "ref:fault=NAME": how the bridge itself is tested on any machine). The
 * clause runs in siovh's own isolated child with the clause's deadline, so a
 * crash or hang in the check is a FAIL with its reason, never the end of the
 * selftest program. $SIOV_SEED sets siovh_check_seed() (default 1).
 *
 * Evidence (failure messages, notes, the check's captured output) goes to
 * `log`, every line prefixed "# " as KTAP diagnostics.
 *
 * For a "ref" target the bridge sets $SIOVH_PROFILE (unless set) to the
 * reference profile: the bundled copy next to the program, else the one of
 * the siovh tree it was built from.
 *
 * This file does not include kselftest_harness.h, so it stays MIT like the
 * rest of siovh; the programs that do are GPL-2.0-only.
 */
#ifndef SIOV_BRIDGE_H
#define SIOV_BRIDGE_H

#include <stddef.h>
#include <stdio.h>

enum siov_verdict {
	SIOV_PASS = 0,
	SIOV_FAIL = 1,
	SIOV_SKIP = 2,
	SIOV_ERROR = 3,		/* the bridge could not run the clause */
};

/*
 * Run clause `id`. The verdict; for SKIP, FAIL with a runner reason and
 * ERROR, a one-line reason in reason[0..len) (empty otherwise).
 */
enum siov_verdict siov_bridge_run(const char *id, FILE *log, char *reason,
				  size_t len);

#endif /* SIOV_BRIDGE_H */
