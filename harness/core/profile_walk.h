/* SPDX-License-Identifier: MIT */
/*
 * The device-profile reader's JSON walk (profile_walk.c), shared with
 * profile.c: typed accessors that take the JSON path of the value they read
 * and write an error naming the file and that path.
 */
#ifndef SIOVH_CORE_PROFILE_WALK_H
#define SIOVH_CORE_PROFILE_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define PATH_MAX_LEN 160

struct pctx {
	const char *file;
	char *err;
	size_t errlen;
};

struct flag_name {
	const char *name;
	uint32_t bit;
};

__attribute__((format(printf, 3, 4)))
int pw_perr(struct pctx *c, const char *path, const char *fmt, ...);
__attribute__((format(printf, 4, 5)))
int pw_expected(struct pctx *c, const char *path, const json_t *got,
	     const char *fmt, ...);
void pw_child(char *out, const char *path, const char *key);
void pw_elem(char *out, const char *path, size_t i);
bool pw_is_pow2(uint64_t x);
/* obj must be an object with only the allowed keys (NULL-terminated). */
int pw_object_of(struct pctx *c, const json_t *obj, const char *path,
	      const char *const allowed[]);
/* The member or NULL (p gets its path); required: missing is an error. */
int pw_member(struct pctx *c, const json_t *obj, const char *path,
	   const char *key, bool required, json_t **out, char *p);
int pw_get_uint(struct pctx *c, const json_t *obj, const char *path,
	     const char *key, uint64_t min, uint64_t max, bool required,
	     uint64_t def, uint64_t *out);
int pw_get_bool(struct pctx *c, const json_t *obj, const char *path,
	     const char *key, bool def, bool *out);
int pw_get_name(struct pctx *c, const json_t *obj, const char *path,
	     const char *key, bool required, char *out);
/* An array of names from table, each at most once, as a mask. */
int pw_get_flags(struct pctx *c, const json_t *obj, const char *path,
	      const char *key, bool required, const struct flag_name *table,
	      uint32_t *out);
/* An array of min..max elements. */
int pw_get_array(struct pctx *c, const json_t *obj, const char *path,
	      const char *key, bool required, size_t min, size_t max,
	      json_t **out, char *p);

/* get_uint into a narrower field. */
#define GET_U32(c, obj, path, key, min, max, req, def, dst) ({		\
	uint64_t v_;							\
	int e_ = pw_get_uint(c, obj, path, key, min, max, req, def, &v_);	\
	if (!e_)							\
		(dst) = (uint32_t)v_;					\
	e_; })

#endif /* SIOVH_CORE_PROFILE_WALK_H */
