#include "http/json.h"

#include <stdio.h>
#include <string.h>

enum xy_kind json_parse_object(const char *body, size_t len, json_t **root, struct xy_err *e)
{
	json_error_t je;
	*root = NULL;
	if (!body || len == 0)
		return xy_fail(e, XY_EMALFORMED, "malformed_json", NULL,
			       "the request needs a JSON object body");
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return xy_fail(e, XY_EMALFORMED, "malformed_json", NULL,
			       "malformed JSON at line %d column %d: %s", je.line, je.column,
			       je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return xy_fail(e, XY_EMALFORMED, "malformed_json", NULL,
			       "the body must be a JSON object");
	}
	*root = j;
	return XY_OK;
}

static const char *type_name(enum jf_type t)
{
	switch (t) {
	case JF_STR:
		return "a string";
	case JF_INT:
		return "an integer";
	case JF_BOOL:
		return "true or false";
	case JF_STRS:
		return "an array of strings";
	case JF_OBJECT:
		return "an object";
	case JF_ARRAY:
		return "an array";
	case JF_INTS:
		return "an array of integers";
	}
	return "?";
}

static enum xy_kind wrong(struct xy_err *e, const char *field, enum jf_type t)
{
	return xy_fail(e, XY_EMALFORMED, "wrong_type", field, "%s must be %s", field, type_name(t));
}

enum xy_kind json_fields(json_t *obj, const struct jfield *f, int n, const char *prefix,
			 struct xy_err *e)
{
	char name[96];
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		int i;
		for (i = 0; i < n; i++)
			if (strcmp(f[i].name, key) == 0)
				break;
		if (i == n) {
			snprintf(name, sizeof name, "%s%s%s", prefix ? prefix : "",
				 prefix ? "." : "", key);
			return xy_fail(e, XY_EMALFORMED, "unknown_field", name,
				       "unknown field '%s'", name);
		}
	}
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s%s%s", prefix ? prefix : "", prefix ? "." : "",
			 f[i].name);
		v = json_object_get(obj, f[i].name);
		if (f[i].seen)
			*f[i].seen = v != NULL;
		if (!v || json_is_null(v)) {
			if (f[i].required)
				return xy_fail(e, XY_EINVALID, "missing_field", name,
					       "%s is required", name);
			continue;
		}
		switch (f[i].type) {
		case JF_STR:
			if (!json_is_string(v))
				return wrong(e, name, f[i].type);
			*(const char **)f[i].out = json_string_value(v);
			break;
		case JF_INT:
			if (!json_is_integer(v))
				return wrong(e, name, f[i].type);
			*(int64_t *)f[i].out = json_integer_value(v);
			break;
		case JF_BOOL:
			if (!json_is_boolean(v))
				return wrong(e, name, f[i].type);
			*(bool *)f[i].out = json_is_true(v);
			break;
		case JF_STRS: {
			if (!json_is_array(v))
				return wrong(e, name, f[i].type);
			if ((int)json_array_size(v) > f[i].max)
				return xy_fail(e, XY_EINVALID, "too_many_items", name,
					       "%s holds at most %d items", name, f[i].max);
			const char **out = f[i].out;
			size_t k;
			json_t *item;
			json_array_foreach(v, k, item)
			{
				if (!json_is_string(item))
					return wrong(e, name, f[i].type);
				out[k] = json_string_value(item);
			}
			*f[i].count = (int)json_array_size(v);
			break;
		}
		case JF_INTS: {
			if (!json_is_array(v))
				return wrong(e, name, f[i].type);
			if ((int)json_array_size(v) > f[i].max)
				return xy_fail(e, XY_EINVALID, "too_many_items", name,
					       "%s holds at most %d items", name, f[i].max);
			int64_t *out = f[i].out;
			size_t k;
			json_t *item;
			json_array_foreach(v, k, item)
			{
				if (!json_is_integer(item))
					return wrong(e, name, f[i].type);
				if (json_integer_value(item) <= 0)
					return xy_fail(e, XY_EINVALID, "invalid_id", name,
						       "%s holds ids: positive integers", name);
				out[k] = json_integer_value(item);
			}
			*f[i].count = (int)json_array_size(v);
			break;
		}
		case JF_OBJECT:
			if (!json_is_object(v))
				return wrong(e, name, f[i].type);
			*(json_t **)f[i].out = v;
			break;
		case JF_ARRAY:
			if (!json_is_array(v))
				return wrong(e, name, f[i].type);
			*(json_t **)f[i].out = v;
			break;
		}
	}
	return XY_OK;
}
