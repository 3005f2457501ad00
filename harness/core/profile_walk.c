// SPDX-License-Identifier: MIT
/*
 * The device-profile reader's JSON walk; see profile_walk.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siovh/profile.h"
#include "profile_walk.h"

/* --- errors -------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
int pw_perr(struct pctx *c, const char *path, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;
	int len;

	if (!c->errlen)
		return -EINVAL;
	len = snprintf(c->err, c->errlen, "%s: %s: ", c->file, path);
	if (len > 0)
		n = (size_t)len < c->errlen ? (size_t)len : c->errlen - 1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The value as the error shows it: compact JSON, cut at 40 characters. */
static const char *shown(const json_t *v, char *buf, size_t len)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	if (!s) {
		snprintf(buf, len, "(unprintable)");
		return buf;
	}
	if (strlen(s) > 40)
		snprintf(buf, len, "%.37s...", s);
	else
		snprintf(buf, len, "%s", s);
	free(s);
	return buf;
}

__attribute__((format(printf, 4, 5)))
int pw_expected(struct pctx *c, const char *path, const json_t *got,
		    const char *fmt, ...)
{
	char what[128], val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return pw_perr(c, path, "expected %s, got %s", what,
		    shown(got, val, sizeof(val)));
}

/*
 * JSON paths only name values in error messages: a path too deep for
 * PATH_MAX_LEN is cut short with "..." rather than failing the read.
 */
static void path_fit(char *out, int len)
{
	if (len >= PATH_MAX_LEN)
		memcpy(out + PATH_MAX_LEN - 4, "...", 4);
}

void pw_child(char *out, const char *path, const char *key)
{
	path_fit(out, snprintf(out, PATH_MAX_LEN, "%s.%s", path, key));
}

void pw_elem(char *out, const char *path, size_t i)
{
	path_fit(out, snprintf(out, PATH_MAX_LEN, "%s[%zu]", path, i));
}

/* --- accessors ----------------------------------------------------------- */

bool pw_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* obj must be an object with only the allowed keys (NULL-terminated). */
int pw_object_of(struct pctx *c, const json_t *obj, const char *path,
		     const char *const allowed[])
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return pw_expected(c, path, obj, "object");
	json_object_foreach((json_t *)obj, key, v) {
		for (i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], key))
				break;
		if (!allowed[i]) {
			char p[PATH_MAX_LEN];

			pw_child(p, path, key);
			return pw_perr(c, p, "unknown key \"%s\"", key);
		}
	}
	return 0;
}

/* The member or NULL; with required, a missing member is an error. */
int pw_member(struct pctx *c, const json_t *obj, const char *path,
		  const char *key, bool required, json_t **out, char *p)
{
	pw_child(p, path, key);
	*out = json_object_get(obj, key);
	if (!*out && required)
		return pw_perr(c, p, "missing (required)");
	return 0;
}

static int as_uint(struct pctx *c, const json_t *v, const char *p,
		   uint64_t min, uint64_t max, uint64_t *out)
{
	const char *hex = json_is_string(v) ? json_string_value(v) : "";
	unsigned long long x;
	char *end;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		x = (unsigned long long)json_integer_value(v);
	} else if (!strncmp(hex, "0x", 2) && hex[2] &&
		   !hex[2 + strspn(hex + 2, "0123456789abcdefABCDEF")]) {
		/*
		 * Hex digits only: strtoull() alone would also take blanks,
		 * a sign or a second "0x", which the format (and the JSON
		 * schema) do not allow.
		 */
		errno = 0;
		x = strtoull(hex + 2, &end, 16);
		if (*end || errno)
			goto bad;
	} else {
		goto bad;
	}
	if (x < min || x > max)
		goto bad;
	*out = x;
	return 0;
bad:
	if (max > 0xffffffffull || (max >= 0xff && pw_is_pow2(max + 1)))
		return pw_expected(c, p, v, "integer %#llx..%#llx",
				(unsigned long long)min,
				(unsigned long long)max);
	return pw_expected(c, p, v, "integer %llu..%llu", (unsigned long long)min,
			(unsigned long long)max);
}

int pw_get_uint(struct pctx *c, const json_t *obj, const char *path,
		    const char *key, uint64_t min, uint64_t max, bool required,
		    uint64_t def, uint64_t *out)
{
	char p[PATH_MAX_LEN];
	json_t *v;
	int err;

	err = pw_member(c, obj, path, key, required, &v, p);
	if (err)
		return err;
	if (!v) {
		*out = def;
		return 0;
	}
	return as_uint(c, v, p, min, max, out);
}

int pw_get_bool(struct pctx *c, const json_t *obj, const char *path,
		    const char *key, bool def, bool *out)
{
	char p[PATH_MAX_LEN];
	json_t *v;

	pw_member(c, obj, path, key, false, &v, p);
	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_boolean(v))
		return pw_expected(c, p, v, "true or false");
	*out = json_is_true(v);
	return 0;
}

int pw_get_name(struct pctx *c, const json_t *obj, const char *path,
		    const char *key, bool required, char *out)
{
	char p[PATH_MAX_LEN];
	json_t *v;
	int err;

	err = pw_member(c, obj, path, key, required, &v, p);
	if (err || !v)
		return err;
	if (!json_is_string(v) || !json_string_length(v) ||
	    json_string_length(v) >= SIOVH_PROFILE_NAME_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return pw_expected(c, p, v, "string of 1..%d characters",
				SIOVH_PROFILE_NAME_MAX - 1);
	strcpy(out, json_string_value(v));
	return 0;
}

/* An array of names from table, each at most once, as a mask. */
int pw_get_flags(struct pctx *c, const json_t *obj, const char *path,
		     const char *key, bool required,
		     const struct flag_name *table, uint32_t *out)
{
	char p[PATH_MAX_LEN], pe[PATH_MAX_LEN], names[160] = "";
	size_t i, k, n = 0;
	json_t *v, *e;
	int err;

	err = pw_member(c, obj, path, key, required, &v, p);
	*out = 0;
	if (err || !v)
		return err;
	for (k = 0; table[k].name; k++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
				      k ? ", " : "", table[k].name);
	if (!json_is_array(v))
		return pw_expected(c, p, v, "array of names (%s)", names);
	json_array_foreach(v, i, e) {
		pw_elem(pe, p, i);
		for (k = 0; table[k].name; k++)
			if (json_is_string(e) &&
			    !strcmp(json_string_value(e), table[k].name))
				break;
		if (!table[k].name)
			return pw_expected(c, pe, e, "one of %s", names);
		if (*out & table[k].bit)
			return pw_perr(c, pe, "\"%s\" listed twice", table[k].name);
		*out |= table[k].bit;
	}
	return 0;
}

/* An array of at most max elements (min..max). */
int pw_get_array(struct pctx *c, const json_t *obj, const char *path,
		     const char *key, bool required, size_t min, size_t max,
		     json_t **out, char *p)
{
	int err = pw_member(c, obj, path, key, required, out, p);

	if (err || !*out)
		return err;
	if (!json_is_array(*out) || json_array_size(*out) < min ||
	    json_array_size(*out) > max)
		return pw_expected(c, p, *out, "array of %zu..%zu elements", min,
				max);
	return 0;
}

