/* SPDX-License-Identifier: MIT */
/*
 * Bounded output capture and text sanitizing.
 *
 * A check may print megabytes; the parent keeps the first SIOVH_OUTPUT_HEAD
 * bytes (where the story starts) and the last SIOVH_OUTPUT_TAIL bytes (where
 * a crash report ends) and counts the rest, so memory stays bounded and the
 * child is never blocked on a full pipe.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

int siovh_capture_init(struct siovh_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->head = malloc(SIOVH_OUTPUT_HEAD);
	c->tail = malloc(SIOVH_OUTPUT_TAIL);
	if (!c->head || !c->tail) {
		siovh_capture_free(c);
		return -ENOMEM;
	}
	return 0;
}

void siovh_capture_reset(struct siovh_capture *c)
{
	c->head_len = 0;
	c->tail_pos = 0;
	c->tail_len = 0;
	c->dropped = 0;
}

void siovh_capture_free(struct siovh_capture *c)
{
	free(c->head);
	free(c->tail);
	c->head = NULL;
	c->tail = NULL;
}

static void tail_add(struct siovh_capture *c, const char *buf, size_t len)
{
	size_t n;

	/* Only the last SIOVH_OUTPUT_TAIL bytes of buf can survive. */
	if (len > SIOVH_OUTPUT_TAIL) {
		c->dropped += len - SIOVH_OUTPUT_TAIL + c->tail_len;
		c->tail_len = 0;
		c->tail_pos = 0;
		buf += len - SIOVH_OUTPUT_TAIL;
		len = SIOVH_OUTPUT_TAIL;
	}
	if (c->tail_len + len > SIOVH_OUTPUT_TAIL) {
		size_t over = c->tail_len + len - SIOVH_OUTPUT_TAIL;

		c->dropped += over;
		c->tail_len -= over;
	}
	while (len) {
		n = SIOVH_OUTPUT_TAIL - c->tail_pos;
		if (n > len)
			n = len;
		memcpy(c->tail + c->tail_pos, buf, n);
		c->tail_pos = (c->tail_pos + n) % SIOVH_OUTPUT_TAIL;
		c->tail_len += n;
		buf += n;
		len -= n;
	}
}

void siovh_capture_add(struct siovh_capture *c, const char *buf, size_t len)
{
	size_t n = SIOVH_OUTPUT_HEAD - c->head_len;

	if (n > len)
		n = len;
	memcpy(c->head + c->head_len, buf, n);
	c->head_len += n;
	if (len > n)
		tail_add(c, buf + n, len - n);
}

char *siovh_capture_text(const struct siovh_capture *c, size_t *len)
{
	size_t start = (c->tail_pos + SIOVH_OUTPUT_TAIL - c->tail_len) %
		       SIOVH_OUTPUT_TAIL;
	size_t first = SIOVH_OUTPUT_TAIL - start;
	char marker[96], *raw, *text;
	size_t raw_len = 0;
	int mlen = 0;

	if (c->dropped)
		mlen = snprintf(marker, sizeof(marker),
				"%s[siovh: %llu bytes dropped]\n",
				c->head_len && c->head[c->head_len - 1] != '\n' ?
				"\n" : "", (unsigned long long)c->dropped);
	raw = malloc(c->head_len + (size_t)mlen + c->tail_len + 1);
	if (!raw)
		return NULL;
	memcpy(raw, c->head, c->head_len);
	raw_len = c->head_len;
	memcpy(raw + raw_len, marker, (size_t)mlen);
	raw_len += (size_t)mlen;
	if (first > c->tail_len)
		first = c->tail_len;
	memcpy(raw + raw_len, c->tail + start, first);
	memcpy(raw + raw_len + first, c->tail, c->tail_len - first);
	raw_len += c->tail_len;
	text = siovh_text_sanitize(raw, raw_len, len);
	free(raw);
	return text;
}

/* Length of the well-formed UTF-8 sequence at s, 0 if malformed. */
static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t v, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		n = 2, v = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, v = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, v = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

static bool xml_char_ok(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp != 0x7f && cp != 0xfffe && cp != 0xffff;
}

char *siovh_text_sanitize(const char *buf, size_t len, size_t *outlen)
{
	static const char repl[] = "\xef\xbf\xbd";	/* U+FFFD */
	const unsigned char *s = (const unsigned char *)buf;
	char *out = malloc(len * 3 + 1), *p = out;
	size_t i = 0, n;
	uint32_t cp;

	if (!out)
		return NULL;
	while (i < len) {
		n = utf8_seq(s + i, len - i, &cp);
		if (n && xml_char_ok(cp)) {
			memcpy(p, s + i, n);
			p += n;
			i += n;
		} else {
			memcpy(p, repl, 3);
			p += 3;
			i += n ? n : 1;
		}
	}
	*p = '\0';
	if (outlen)
		*outlen = (size_t)(p - out);
	return out;
}

char *siovh_vstrfmt(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

char *siovh_strfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = siovh_vstrfmt(fmt, ap);
	va_end(ap);
	return s;
}

uint64_t siovh_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
