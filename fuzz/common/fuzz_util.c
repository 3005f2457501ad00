// SPDX-License-Identifier: MIT
/* Helpers shared by the fuzz targets (fuzz.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FNV_OFFSET	0xcbf29ce484222325ull
#define FNV_PRIME	0x100000001b3ull

bool fz_digest_on;
static uint64_t digest = FNV_OFFSET;

uint8_t fz_u8(struct fz *f)
{
	uint8_t v = 0;

	fz_bytes(f, &v, 1);
	return v;
}

uint16_t fz_u16(struct fz *f)
{
	uint16_t v;

	fz_bytes(f, &v, sizeof(v));
	return v;
}

uint32_t fz_u32(struct fz *f)
{
	uint32_t v;

	fz_bytes(f, &v, sizeof(v));
	return v;
}

uint64_t fz_u64(struct fz *f)
{
	uint64_t v;

	fz_bytes(f, &v, sizeof(v));
	return v;
}

void fz_bytes(struct fz *f, void *dst, size_t len)
{
	size_t take = len < f->n ? len : f->n;

	if (take)
		memcpy(dst, f->p, take);
	if (take < len)
		memset((uint8_t *)dst + take, 0, len - take);
	f->p += take;
	f->n -= take;
}

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("siovh-fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

int fz_unit_fault(const char *const *names, size_t n, const char *unit)
{
	static int fault = -1;
	const char *name;
	size_t i;

	if (fault >= 0)
		return fault;
	fault = 0;
	name = getenv("SIOVH_FUZZ_FAULT");
	if (!name || !*name)
		return fault;
	for (i = 0; i < n && !fault; i++)
		if (!strcmp(name, names[i]))
			fault = (int)i + 1;
	if (!fault)
		fz_fail("target spec \"ref:fault=%s\": not a fault of the %s",
			name, unit);
	fprintf(stderr, "siovh-fuzz: injected fault %s (SIOVH_FUZZ_FAULT)\n",
		name);
	return fault;
}

/*
 * SIOVH_FUZZ_FAULT=NAME opens "ref:fault=NAME" instead: how
 * fuzz/oracle_check.sh shows that a target's oracle catches an injected
 * fault of the reference. Never set by a campaign; said on stderr once so
 * that a finding made with it cannot pass for one of the faultless ref.
 */
void fz_ref_open(struct siovh_target *t)
{
	static bool said;
	const char *fault = getenv("SIOVH_FUZZ_FAULT");
	/* The reference, or the one reference spec taken (kernel_target.c):
	 * ref:parent=vfio:BDF, which a fault is appended to. */
	const char *base = fz_target_spec() && fz_target_is_ref() ?
			   fz_target_spec() : "ref";
	struct siovh_target_spec spec;
	char text[320], err[256];
	int ret;

	if (fault && *fault) {
		if ((size_t)snprintf(text, sizeof(text), "%s%cfault=%s", base,
				     strchr(base, ':') ? ',' : ':',
				     fault) >= sizeof(text))
			fz_fail("SIOVH_FUZZ_FAULT: name too long");
		if (!said)
			fprintf(stderr, "siovh-fuzz: injected fault %s "
				"(SIOVH_FUZZ_FAULT)\n", fault);
		said = true;
	} else {
		snprintf(text, sizeof(text), "%s", base);
	}
	ret = siovh_target_parse(text, &spec, err, sizeof(err));
	if (ret)
		fz_fail("target spec \"%s\": %s", text, err);
	memset(t, 0, sizeof(*t));
	ret = siovh_target_open(&spec, t);
	if (ret)
		fz_fail("opening the %s target: %s", text, strerror(-ret));
}

/* FNV-1a: order-sensitive, which is what a trace of events needs. */
void fz_note_bytes(const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		digest = (digest ^ b[i]) * FNV_PRIME;
}

uint64_t fz_digest_take(void)
{
	uint64_t d = digest;

	digest = FNV_OFFSET;
	return d;
}
