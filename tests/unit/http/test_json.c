/* Tests for src/http/json.c: strict decoding of request bodies by a table of fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/json.h"

static enum xy_kind parse(const char *body, json_t **root, struct xy_err *e)
{
	xy_err_clear(e);
	return json_parse_object(body, body ? strlen(body) : 0, root, e);
}

static void expect_malformed(const char *body)
{
	json_t *root = (json_t *)1;
	struct xy_err e;
	enum xy_kind k = parse(body, &root, &e);
	if (k != XY_EMALFORMED)
		fail_msg("body %s: kind %d, want XY_EMALFORMED", body ? body : "(null)", k);
	assert_string_equal(e.code, "malformed_json");
	assert_null(root);
	assert_true(strlen(e.message) > 0);
}

/* Parses body (which must be an object) and decodes it by f; returns the kind, keeps root in
 * *root for the caller to release. */
static enum xy_kind decode(const char *body, const struct jfield *f, int n, json_t **root,
			   struct xy_err *e)
{
	assert_int_equal(parse(body, root, e), XY_OK);
	assert_non_null(*root);
	return json_fields(*root, f, n, NULL, e);
}

static void expect_decode_err(const char *body, const struct jfield *f, int n, enum xy_kind kind,
			      const char *code, const char *field)
{
	json_t *root = NULL;
	struct xy_err e;
	enum xy_kind k = decode(body, f, n, &root, &e);
	json_decref(root);
	if (k != kind || strcmp(e.code, code) != 0 || strcmp(e.field, field) != 0)
		fail_msg("%s: got %d %s field '%s', want %d %s field '%s'", body, k, e.code,
			 e.field, kind, code, field);
	assert_int_equal(e.kind, kind);
	assert_true(strlen(e.message) > 0);
}

/* ---- json_parse_object ---------------------------------------------------------------- */

static void test_parse_object_ok(void **state)
{
	(void)state;
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(parse("{\"a\": 1, \"b\": [true, null]}", &root, &e), XY_OK);
	assert_non_null(root);
	assert_true(json_is_object(root));
	json_decref(root);
	assert_int_equal(parse("  {}  \n", &root, &e), XY_OK);
	json_decref(root);
}

static void test_parse_empty(void **state)
{
	(void)state;
	expect_malformed(NULL);
	expect_malformed("");
	expect_malformed("   ");
}

static void test_parse_syntax_errors(void **state)
{
	(void)state;
	expect_malformed("{");
	expect_malformed("}");
	expect_malformed("{\"a\":}");
	expect_malformed("{\"a\":1,}");
	expect_malformed("{'a':1}");
	expect_malformed("{a:1}");
	expect_malformed("{\"a\":01}");
	expect_malformed("{\"a\":NaN}");
	expect_malformed("{\"a\":\"unterminated}");
	expect_malformed("{\"a\":1} trailing");
	expect_malformed("{} {}");
	expect_malformed("{\"a\":1}/* comment */");
}

static void test_parse_not_object(void **state)
{
	(void)state;
	expect_malformed("[]");
	expect_malformed("[{\"a\":1}]");
	expect_malformed("\"string\"");
	expect_malformed("42");
	expect_malformed("true");
	expect_malformed("null");
}

static void test_parse_duplicate_keys(void **state)
{
	(void)state;
	expect_malformed("{\"a\":1,\"a\":2}");
	expect_malformed("{\"title\":\"x\",\"b\":1,\"title\":\"y\"}");
	expect_malformed("{\"o\":{\"k\":1,\"k\":1}}");
}

static void test_parse_bad_text(void **state)
{
	(void)state;
	expect_malformed("{\"a\":\"\xff\"}");             /* invalid UTF-8 */
	expect_malformed("{\"a\":\"\xed\xa0\x80\"}");     /* encoded surrogate */
	expect_malformed("{\"a\":\"x\\u0000y\"}");        /* NUL inside a string */
	expect_malformed("{\"a\":\"\\ud800\"}");          /* lone surrogate escape */
	expect_malformed("{\"a\":99999999999999999999}"); /* beyond int64 */
	expect_malformed("{\"a\":1e400}");                /* beyond double */
}

static void test_parse_embedded_nul_byte(void **state)
{
	(void)state;
	static const char body[] = "{\"a\":1}\0{\"b\":2}";
	json_t *root = NULL;
	struct xy_err e;
	xy_err_clear(&e);
	enum xy_kind k = json_parse_object(body, sizeof body - 1, &root, &e);
	json_decref(root);
	assert_int_equal(k, XY_EMALFORMED);
}

static void test_parse_deep_nesting(void **state)
{
	(void)state;
	size_t depth = 100000;
	char *body = malloc(2 * depth + 8);
	assert_non_null(body);
	size_t n = 0;
	body[n++] = '{';
	body[n++] = '"';
	body[n++] = 'a';
	body[n++] = '"';
	body[n++] = ':';
	for (size_t i = 0; i < depth; i++)
		body[n++] = '[';
	for (size_t i = 0; i < depth; i++)
		body[n++] = ']';
	body[n++] = '}';
	body[n] = '\0';
	expect_malformed(body);
	free(body);
}

static void test_parse_len_respected(void **state)
{
	(void)state;
	/* only len bytes are read: the object ends before the garbage */
	const char *body = "{\"a\":1}garbage";
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(json_parse_object(body, 7, &root, &e), XY_OK);
	json_decref(root);
	assert_int_equal(json_parse_object(body, 6, &root, &e), XY_EMALFORMED);
	assert_null(root);
}

/* ---- json_fields: success ------------------------------------------------------------- */

static void test_fields_all_types(void **state)
{
	(void)state;
	const char *title = NULL;
	int64_t area = 0;
	bool flag = false;
	const char *items[4] = { 0 };
	int nitems = -1;
	json_t *obj = NULL, *arr = NULL;
	struct jfield f[] = {
		{ "title", JF_STR, true, &title, 0, NULL, NULL },
		{ "area_id", JF_INT, true, &area, 0, NULL, NULL },
		{ "urgent", JF_BOOL, false, &flag, 0, NULL, NULL },
		{ "tags", JF_STRS, false, items, 4, &nitems, NULL },
		{ "on_behalf_of", JF_OBJECT, false, &obj, 0, NULL, NULL },
		{ "need_ids", JF_ARRAY, false, &arr, 0, NULL, NULL },
	};
	json_t *root = NULL;
	struct xy_err e;
	enum xy_kind k = decode("{\"title\":\"修路灯\",\"area_id\":9007199254740993,"
				"\"urgent\":true,\"tags\":[\"elderly\",\"all\"],"
				"\"on_behalf_of\":{\"name\":\"王\"},\"need_ids\":[1,2,3]}",
				f, 6, &root, &e);
	assert_int_equal(k, XY_OK);
	assert_string_equal(title, "修路灯");
	assert_true(area == INT64_C(9007199254740993));
	assert_true(flag);
	assert_int_equal(nitems, 2);
	assert_string_equal(items[0], "elderly");
	assert_string_equal(items[1], "all");
	assert_non_null(obj);
	assert_string_equal(json_string_value(json_object_get(obj, "name")), "王");
	assert_int_equal(json_array_size(arr), 3);
	json_decref(root);
}

static void test_fields_int_extremes(void **state)
{
	(void)state;
	int64_t v = 0;
	struct jfield f[] = { { "v", JF_INT, true, &v, 0, NULL, NULL } };
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{\"v\":9223372036854775807}", f, 1, &root, &e), XY_OK);
	assert_true(v == INT64_MAX);
	json_decref(root);
	assert_int_equal(decode("{\"v\":-9223372036854775808}", f, 1, &root, &e), XY_OK);
	assert_true(v == INT64_MIN);
	json_decref(root);
	assert_int_equal(decode("{\"v\":-1}", f, 1, &root, &e), XY_OK);
	assert_true(v == -1);
	json_decref(root);
}

static void test_fields_bool_false(void **state)
{
	(void)state;
	bool b = true;
	struct jfield f[] = { { "b", JF_BOOL, true, &b, 0, NULL, NULL } };
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{\"b\":false}", f, 1, &root, &e), XY_OK);
	assert_false(b);
	json_decref(root);
}

static void test_fields_optional_absent_untouched(void **state)
{
	(void)state;
	const char *s = "sentinel";
	int64_t i = 77;
	bool b = true;
	struct jfield f[] = {
		{ "s", JF_STR, false, &s, 0, NULL, NULL },
		{ "i", JF_INT, false, &i, 0, NULL, NULL },
		{ "b", JF_BOOL, false, &b, 0, NULL, NULL },
	};
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{}", f, 3, &root, &e), XY_OK);
	assert_string_equal(s, "sentinel");
	assert_int_equal(i, 77);
	assert_true(b);
	json_decref(root);
}

static void test_fields_empty_table_empty_object(void **state)
{
	(void)state;
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{}", NULL, 0, &root, &e), XY_OK);
	json_decref(root);
	expect_decode_err("{\"x\":1}", NULL, 0, XY_EMALFORMED, "unknown_field", "x");
}

/* ---- json_fields: unknown fields ------------------------------------------------------ */

static void test_fields_unknown(void **state)
{
	(void)state;
	const char *t = NULL;
	struct jfield f[] = { { "title", JF_STR, false, &t, 0, NULL, NULL } };
	expect_decode_err("{\"title\":\"x\",\"bogus\":1}", f, 1, XY_EMALFORMED, "unknown_field",
			  "bogus");
	expect_decode_err("{\"Title\":\"x\"}", f, 1, XY_EMALFORMED, "unknown_field", "Title");
	expect_decode_err("{\"title \":\"x\"}", f, 1, XY_EMALFORMED, "unknown_field", "title ");
}

static void test_fields_unknown_message_names_field(void **state)
{
	(void)state;
	const char *t = NULL;
	struct jfield f[] = { { "title", JF_STR, false, &t, 0, NULL, NULL } };
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{\"colour\":\"red\"}", f, 1, &root, &e), XY_EMALFORMED);
	assert_non_null(strstr(e.message, "colour"));
	json_decref(root);
}

static void test_fields_unknown_beats_missing(void **state)
{
	(void)state;
	const char *t = NULL;
	struct jfield f[] = { { "title", JF_STR, true, &t, 0, NULL, NULL } };
	expect_decode_err("{\"bogus\":1}", f, 1, XY_EMALFORMED, "unknown_field", "bogus");
}

static void test_fields_nested_prefix(void **state)
{
	(void)state;
	const char *name = NULL, *phone = NULL;
	json_t *sub = NULL;
	struct jfield outer[] = { { "on_behalf_of", JF_OBJECT, true, &sub, 0, NULL, NULL } };
	struct jfield inner[] = {
		{ "name", JF_STR, true, &name, 0, NULL, NULL },
		{ "phone", JF_STR, false, &phone, 0, NULL, NULL },
	};
	json_t *root = NULL;
	struct xy_err e;

	assert_int_equal(
		decode("{\"on_behalf_of\":{\"name\":\"王\",\"x\":1}}", outer, 1, &root, &e), XY_OK);
	assert_int_equal(json_fields(sub, inner, 2, "on_behalf_of", &e), XY_EMALFORMED);
	assert_string_equal(e.code, "unknown_field");
	assert_string_equal(e.field, "on_behalf_of.x");
	json_decref(root);

	assert_int_equal(decode("{\"on_behalf_of\":{\"phone\":\"123\"}}", outer, 1, &root, &e),
			 XY_OK);
	assert_int_equal(json_fields(sub, inner, 2, "on_behalf_of", &e), XY_EINVALID);
	assert_string_equal(e.code, "missing_field");
	assert_string_equal(e.field, "on_behalf_of.name");
	json_decref(root);

	assert_int_equal(decode("{\"on_behalf_of\":{\"name\":5}}", outer, 1, &root, &e), XY_OK);
	assert_int_equal(json_fields(sub, inner, 2, "on_behalf_of", &e), XY_EMALFORMED);
	assert_string_equal(e.code, "wrong_type");
	assert_string_equal(e.field, "on_behalf_of.name");
	json_decref(root);

	assert_int_equal(decode("{\"on_behalf_of\":{\"name\":\"王\",\"phone\":\"138\"}}", outer, 1,
				&root, &e),
			 XY_OK);
	assert_int_equal(json_fields(sub, inner, 2, "on_behalf_of", &e), XY_OK);
	assert_string_equal(name, "王");
	assert_string_equal(phone, "138");
	json_decref(root);
}

/* ---- json_fields: wrong types --------------------------------------------------------- */

static void test_fields_string_wrong_types(void **state)
{
	(void)state;
	const char *t = NULL;
	struct jfield f[] = { { "title", JF_STR, true, &t, 0, NULL, NULL } };
	static const char *const bodies[] = {
		"{\"title\":5}",  "{\"title\":1.5}", "{\"title\":true}",    "{\"title\":false}",
		"{\"title\":[]}", "{\"title\":{}}",  "{\"title\":[\"x\"]}",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
		expect_decode_err(bodies[i], f, 1, XY_EMALFORMED, "wrong_type", "title");
}

static void test_fields_int_wrong_types(void **state)
{
	(void)state;
	int64_t v = 0;
	struct jfield f[] = { { "area_id", JF_INT, true, &v, 0, NULL, NULL } };
	static const char *const bodies[] = {
		"{\"area_id\":\"5\"}", "{\"area_id\":1.5}",  "{\"area_id\":1.0}",
		"{\"area_id\":1e3}",   "{\"area_id\":true}", "{\"area_id\":[5]}",
		"{\"area_id\":{}}",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
		expect_decode_err(bodies[i], f, 1, XY_EMALFORMED, "wrong_type", "area_id");
}

static void test_fields_bool_wrong_types(void **state)
{
	(void)state;
	bool b = false;
	struct jfield f[] = { { "urgent", JF_BOOL, true, &b, 0, NULL, NULL } };
	static const char *const bodies[] = {
		"{\"urgent\":1}",
		"{\"urgent\":0}",
		"{\"urgent\":\"true\"}",
		"{\"urgent\":[]}",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
		expect_decode_err(bodies[i], f, 1, XY_EMALFORMED, "wrong_type", "urgent");
}

static void test_fields_object_array_wrong_types(void **state)
{
	(void)state;
	json_t *o = NULL, *a = NULL;
	struct jfield fo[] = { { "o", JF_OBJECT, true, &o, 0, NULL, NULL } };
	struct jfield fa[] = { { "a", JF_ARRAY, true, &a, 0, NULL, NULL } };
	expect_decode_err("{\"o\":[]}", fo, 1, XY_EMALFORMED, "wrong_type", "o");
	expect_decode_err("{\"o\":\"{}\"}", fo, 1, XY_EMALFORMED, "wrong_type", "o");
	expect_decode_err("{\"a\":{}}", fa, 1, XY_EMALFORMED, "wrong_type", "a");
	expect_decode_err("{\"a\":\"[]\"}", fa, 1, XY_EMALFORMED, "wrong_type", "a");
}

static void test_fields_wrong_type_message(void **state)
{
	(void)state;
	int64_t v = 0;
	struct jfield f[] = { { "capacity", JF_INT, true, &v, 0, NULL, NULL } };
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{\"capacity\":\"ten\"}", f, 1, &root, &e), XY_EMALFORMED);
	assert_non_null(strstr(e.message, "capacity"));
	assert_non_null(strstr(e.message, "integer"));
	json_decref(root);
}

/* ---- json_fields: required and null --------------------------------------------------- */

static void test_fields_missing_required(void **state)
{
	(void)state;
	const char *t = NULL;
	int64_t v = 0;
	struct jfield f[] = {
		{ "title", JF_STR, true, &t, 0, NULL, NULL },
		{ "area_id", JF_INT, true, &v, 0, NULL, NULL },
	};
	expect_decode_err("{}", f, 2, XY_EINVALID, "missing_field", "title");
	expect_decode_err("{\"title\":\"x\"}", f, 2, XY_EINVALID, "missing_field", "area_id");
}

static void test_fields_null_is_absent(void **state)
{
	(void)state;
	const char *t = "sentinel";
	int64_t v = 3;
	struct jfield req[] = { { "title", JF_STR, true, &t, 0, NULL, NULL } };
	expect_decode_err("{\"title\":null}", req, 1, XY_EINVALID, "missing_field", "title");
	struct jfield opt[] = {
		{ "title", JF_STR, false, &t, 0, NULL, NULL },
		{ "v", JF_INT, false, &v, 0, NULL, NULL },
	};
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{\"title\":null,\"v\":null}", opt, 2, &root, &e), XY_OK);
	assert_string_equal(t, "sentinel");
	assert_int_equal(v, 3);
	json_decref(root);
}

static void test_fields_seen(void **state)
{
	(void)state;
	const char *t = NULL;
	int64_t v = 0;
	bool seen_t = true, seen_v = true;
	struct jfield f[] = {
		{ "title", JF_STR, false, &t, 0, NULL, &seen_t },
		{ "v", JF_INT, false, &v, 0, NULL, &seen_v },
	};
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{}", f, 2, &root, &e), XY_OK);
	assert_false(seen_t);
	assert_false(seen_v);
	json_decref(root);
	assert_int_equal(decode("{\"title\":\"x\"}", f, 2, &root, &e), XY_OK);
	assert_true(seen_t);
	assert_false(seen_v);
	json_decref(root);
	/* null counts as seen (the client cleared it on purpose) but gives no value */
	t = "old";
	assert_int_equal(decode("{\"title\":null,\"v\":7}", f, 2, &root, &e), XY_OK);
	assert_true(seen_t);
	assert_string_equal(t, "old");
	assert_true(seen_v);
	assert_int_equal(v, 7);
	json_decref(root);
}

/* ---- json_fields: JF_STRS ------------------------------------------------------------- */

static void test_strs_ok_and_empty(void **state)
{
	(void)state;
	const char *out[3] = { 0 };
	int n = -1;
	struct jfield f[] = { { "b", JF_STRS, true, out, 3, &n, NULL } };
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{\"b\":[\"x\",\"y\",\"z\"]}", f, 1, &root, &e), XY_OK);
	assert_int_equal(n, 3);
	assert_string_equal(out[2], "z");
	json_decref(root);
	assert_int_equal(decode("{\"b\":[]}", f, 1, &root, &e), XY_OK);
	assert_int_equal(n, 0);
	json_decref(root);
}

static void test_strs_too_many(void **state)
{
	(void)state;
	const char *out[2] = { 0 };
	int n = -1;
	struct jfield f[] = { { "beneficiaries", JF_STRS, true, out, 2, &n, NULL } };
	expect_decode_err("{\"beneficiaries\":[\"a\",\"b\",\"c\"]}", f, 1, XY_EINVALID,
			  "too_many_items", "beneficiaries");
	assert_int_equal(n, -1);
	assert_null(out[0]);
}

static void test_strs_non_string_items(void **state)
{
	(void)state;
	const char *out[4] = { 0 };
	int n = -1;
	struct jfield f[] = { { "skills", JF_STRS, true, out, 4, &n, NULL } };
	static const char *const bodies[] = {
		"{\"skills\":[1]}",       "{\"skills\":[\"a\",2]}", "{\"skills\":[null]}",
		"{\"skills\":[[\"a\"]]}", "{\"skills\":[{}]}",      "{\"skills\":[true]}",
		"{\"skills\":\"a\"}",     "{\"skills\":{}}",        "{\"skills\":5}",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
		expect_decode_err(bodies[i], f, 1, XY_EMALFORMED, "wrong_type", "skills");
	assert_int_equal(n, -1);
}

static void test_strs_max_zero(void **state)
{
	(void)state;
	int n = -1;
	struct jfield f[] = { { "s", JF_STRS, false, NULL, 0, &n, NULL } };
	json_t *root = NULL;
	struct xy_err e;
	assert_int_equal(decode("{\"s\":[]}", f, 1, &root, &e), XY_OK);
	assert_int_equal(n, 0);
	json_decref(root);
	expect_decode_err("{\"s\":[\"a\"]}", f, 1, XY_EINVALID, "too_many_items", "s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_object_ok),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_syntax_errors),
		cmocka_unit_test(test_parse_not_object),
		cmocka_unit_test(test_parse_duplicate_keys),
		cmocka_unit_test(test_parse_bad_text),
		cmocka_unit_test(test_parse_embedded_nul_byte),
		cmocka_unit_test(test_parse_deep_nesting),
		cmocka_unit_test(test_parse_len_respected),
		cmocka_unit_test(test_fields_all_types),
		cmocka_unit_test(test_fields_int_extremes),
		cmocka_unit_test(test_fields_bool_false),
		cmocka_unit_test(test_fields_optional_absent_untouched),
		cmocka_unit_test(test_fields_empty_table_empty_object),
		cmocka_unit_test(test_fields_unknown),
		cmocka_unit_test(test_fields_unknown_message_names_field),
		cmocka_unit_test(test_fields_unknown_beats_missing),
		cmocka_unit_test(test_fields_nested_prefix),
		cmocka_unit_test(test_fields_string_wrong_types),
		cmocka_unit_test(test_fields_int_wrong_types),
		cmocka_unit_test(test_fields_bool_wrong_types),
		cmocka_unit_test(test_fields_object_array_wrong_types),
		cmocka_unit_test(test_fields_wrong_type_message),
		cmocka_unit_test(test_fields_missing_required),
		cmocka_unit_test(test_fields_null_is_absent),
		cmocka_unit_test(test_fields_seen),
		cmocka_unit_test(test_strs_ok_and_empty),
		cmocka_unit_test(test_strs_too_many),
		cmocka_unit_test(test_strs_non_string_items),
		cmocka_unit_test(test_strs_max_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
