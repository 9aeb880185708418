/* json — strict decoding of request bodies into C values, by a table of fields.
 *
 * A body must be one JSON object (400 malformed_json otherwise; duplicate keys are rejected).
 * Every key must be in the table (400 unknown_field), every value of the declared type
 * (400 wrong_type); a missing required field is 422 missing_field. Strings are borrowed from
 * the parsed document, which the caller keeps until it is done with them.
 */
#ifndef XY_HTTP_JSON_H
#define XY_HTTP_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum jf_type {
	JF_STR,    /* const char ** */
	JF_INT,    /* int64_t * */
	JF_BOOL,   /* bool * */
	JF_STRS,   /* const char *out[max], int *count */
	JF_OBJECT, /* json_t ** (borrowed) */
	JF_ARRAY,  /* json_t ** (borrowed) */
	JF_INTS,   /* int64_t out[max], int *count: positive integers (ids) */
};

struct jfield {
	const char *name;
	enum jf_type type;
	bool required;
	void *out;
	int max;    /* JF_STRS, JF_INTS: capacity of out */
	int *count; /* JF_STRS, JF_INTS: items written */
	bool *seen; /* optional: set when the key was present (even if null) */
};

/* Parses body as one JSON object; *root is owned by the caller (json_decref). */
enum xy_kind json_parse_object(const char *body, size_t len, json_t **root, struct xy_err *e);

/* Fills the outputs from obj by the table; prefix names nested objects in errors ("a.b"). */
enum xy_kind json_fields(json_t *obj, const struct jfield *fields, int n, const char *prefix,
			 struct xy_err *e);

#endif
