// SPDX-License-Identifier: MIT
/*
 * profile: the file and command-line parsers of siovh. Byte 0 picks one;
 * the rest of the input is the document:
 *  0  a device profile (siovh_profile_parse, harness/core/profile.c);
 *  1  a target spec ("ref:fault=...", siovh_target_parse), opened and
 *     closed again when it parses (once per process for each backend,
 *     fault and argument: see opened());
 *  2  a results.json (siovh_results_load, harness/core/report_read.c),
 *     read through a memfd since the reader takes a path.
 *
 * Oracle, besides the sanitizers: each parser is deterministic (the same
 * document twice, the same verdict and, for profiles, the same struct);
 * a refusal says why in a NUL-terminated message; an accepted profile
 * keeps the promises of siovh/profile.h (counts within their maxima,
 * names NUL-terminated and unique, so that every lookup by a type's or
 * register's own name finds it; register widths 1, 2, 4 or 8; BAR sizes
 * powers of two; fast areas inside their region).
 *
 * Target specs naming the plugin backend are not parsed: parsing one
 * dlopen()s its path, and a fuzzer must not load arbitrary objects.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>

#include "siovh/profile.h"
#include "siovh/report.h"
#include "fuzz/common/fuzz.h"

#define ERR	256
#define SPEC	320

static void check_err(int ret, const char *err, const char *what)
{
	if (ret >= 0)
		return;
	if (!memchr(err, 0, ERR) || !err[0])
		fz_fail("%s refused (%d) without a NUL-terminated reason", what,
			ret);
}

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void check_bars(const struct siovh_profile_bar *b, uint32_t n)
{
	uint32_t i;

	if (n > SIOVH_PROFILE_MAX_BARS)
		fz_fail("profile: %u BARs", n);
	for (i = 0; i < n; i++)
		if (b[i].bar > 5 || !pow2(b[i].size))
			fz_fail("profile: BAR %u of size %#llx", b[i].bar,
				(unsigned long long)b[i].size);
}

static void check_region(const struct siovh_profile_type *ty,
			 const struct siovh_profile_region *r)
{
	uint32_t i;

	if (!memchr(r->name, 0, sizeof(r->name)) ||
	    r->nr_fast > SIOVH_PROFILE_MAX_AREAS ||
	    siovh_profile_region(ty, r->index) != r)
		fz_fail("profile: region %u is not found by its index or has "
			"a bad name or area count", r->index);
	for (i = 0; i < r->nr_fast; i++) {
		const struct siovh_profile_area *a = &r->fast[i];

		if (a->offset > r->size || a->size > r->size - a->offset ||
		    !siovh_profile_is_fast(r, a->offset, a->size))
			fz_fail("profile: region %u fast area %u [%#llx, +%#llx) "
				"outside the region or not fast", r->index, i,
				(unsigned long long)a->offset,
				(unsigned long long)a->size);
	}
}

static void check_type(const struct siovh_profile *p,
		       const struct siovh_profile_type *ty)
{
	uint32_t i;

	if (!memchr(ty->name, 0, sizeof(ty->name)) ||
	    siovh_profile_type(p, ty->name) != ty)
		fz_fail("profile: type \"%.64s\" not found by its name",
			ty->name);
	if (ty->nr_regions > SIOVH_PROFILE_MAX_REGIONS ||
	    ty->nr_irqs > SIOVH_PROFILE_MAX_IRQS ||
	    ty->nr_regs > SIOVH_PROFILE_MAX_REGS)
		fz_fail("profile: type %s has %u regions, %u IRQs, %u regs",
			ty->name, ty->nr_regions, ty->nr_irqs, ty->nr_regs);
	for (i = 0; i < ty->nr_regions; i++)
		check_region(ty, &ty->regions[i]);
	for (i = 0; i < ty->nr_irqs; i++)
		if (siovh_profile_irq(ty, ty->irqs[i].index) != &ty->irqs[i])
			fz_fail("profile: IRQ %u not found by its index",
				ty->irqs[i].index);
	for (i = 0; i < ty->nr_regs; i++) {
		const struct siovh_profile_reg *g = &ty->regs[i];

		if (!memchr(g->name, 0, sizeof(g->name)) ||
		    siovh_profile_reg(ty, g->name) != g ||
		    (g->width != 1 && g->width != 2 && g->width != 4 &&
		     g->width != 8))
			fz_fail("profile: register \"%.64s\" (width %u) not "
				"found by its name", g->name, g->width);
	}
	check_bars(ty->bars, ty->nr_bars);
}

static void fuzz_profile(const uint8_t *doc, size_t len)
{
	struct siovh_profile *a = NULL, *b = NULL;
	char err[ERR], err2[ERR];
	int ra, rb;
	uint32_t i;

	ra = siovh_profile_parse((const char *)doc, len, "fuzz.json", &a, err,
				 sizeof(err));
	rb = siovh_profile_parse((const char *)doc, len, "fuzz.json", &b,
				 err2, sizeof(err2));
	if (ra != rb || (ra && strcmp(err, err2)))
		fz_fail("profile parsed twice: %d (%s), then %d (%s)", ra,
			ra ? err : "", rb, rb ? err2 : "");
	check_err(ra, err, "profile");
	fz_note_u64((uint64_t)(int64_t)ra);
	if (!ra) {
		if (memcmp(a, b, sizeof(*a)))
			fz_fail("profile parsed twice into different structs");
		if (a->nr_types > SIOVH_PROFILE_MAX_TYPES)
			fz_fail("profile: %u types", a->nr_types);
		check_bars(a->parent.bars, a->parent.nr_bars);
		for (i = 0; i < a->nr_types; i++)
			check_type(a, &a->types[i]);
	}
	siovh_profile_free(a);
	siovh_profile_free(b);
}

/*
 * Has a spec with this backend, fault and argument been opened already in
 * this process? Opening is a pure function of those three (a ref target
 * with that fault, a kernel or plug-in target on that argument) and costs
 * ~140 us for a ref target, against a few us for the parse this mode is
 * about; so each is opened and closed once, where a leak or a sanitizer
 * report in open or close shows on the first input that names it, which
 * is the reproducer. The table has room for every fault of every backend;
 * past that, specs are opened every time.
 */
#define OPENED		512

struct opened {
	const struct siovh_backend *backend;
	int fault;
	char arg[sizeof(((struct siovh_target_spec *)0)->arg)];
};

static bool opened(const struct siovh_target_spec *spec)
{
	static struct opened seen[OPENED];
	static size_t n;
	size_t i;

	for (i = 0; i < n; i++)
		if (seen[i].backend == spec->backend &&
		    seen[i].fault == spec->fault &&
		    !strcmp(seen[i].arg, spec->arg))
			return true;
	if (n < OPENED) {
		seen[n].backend = spec->backend;
		seen[n].fault = spec->fault;
		snprintf(seen[n].arg, sizeof(seen[n].arg), "%s", spec->arg);
		n++;
	}
	return false;
}

static void fuzz_target_spec(const uint8_t *doc, size_t len)
{
	struct siovh_target_spec spec;
	struct siovh_target t;
	char text[SPEC], err[ERR];
	int ret;

	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	memcpy(text, doc, len);
	text[len] = '\0';
	if (!strncmp(text, "plugin", 6))
		return;
	ret = siovh_target_parse(text, &spec, err, sizeof(err));
	check_err(ret, err, "target spec");
	fz_note_u64((uint64_t)(int64_t)ret);
	if (ret || opened(&spec))
		return;
	memset(&t, 0, sizeof(t));
	if (!siovh_target_open(&spec, &t))
		siovh_target_close(&t);
}

/* The results reader takes a path: the document goes into a memfd. */
static void fuzz_results(const uint8_t *doc, size_t len)
{
	static int fd = -1;
	char path[64], err[ERR], err2[ERR];
	json_t *a = NULL, *b = NULL;
	int ra, rb;

	if (fd < 0)
		fd = memfd_create("siovh-fuzz-results", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) ||
	    pwrite(fd, doc, len, 0) != (ssize_t)len)
		fz_fail("memfd: %s", strerror(errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ra = siovh_results_load(path, &a, err, sizeof(err));
	rb = siovh_results_load(path, &b, err2, sizeof(err2));
	if (ra != rb || (ra && strcmp(err, err2)))
		fz_fail("results read twice: %d (%s), then %d (%s)", ra,
			ra ? err : "", rb, rb ? err2 : "");
	check_err(ra, err, "results.json");
	fz_note_u64((uint64_t)(int64_t)ra);
	if (!ra && !json_equal(a, b))
		fz_fail("results read twice into different documents");
	json_decref(a);
	json_decref(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_profile(data + 1, size - 1);
		break;
	case 1:
		fuzz_target_spec(data + 1, size - 1);
		break;
	default:
		fuzz_results(data + 1, size - 1);
		break;
	}
	return 0;
}
