/* Tests for src/core/audit.c: the canonical event line and the SHA-256 hash chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/secret.h"

#define DATA1 "{\"from\":\"submitted\",\"to\":\"accepted\"}"

static int setup(void **state)
{
	(void)state;
	return secret_init();
}

static struct audit_event sample(void)
{
	struct audit_event ev;
	memset(&ev, 0, sizeof ev);
	ev.id = 1;
	ev.at = 1700000000;
	ev.actor_id = 7;
	ev.area_id = 42;
	ev.area_path = "/1/42/";
	ev.action = "need.transition";
	ev.entity = "need";
	ev.entity_id = 99;
	ev.data = DATA1;
	memcpy(ev.prev_hash, AUDIT_GENESIS, sizeof ev.prev_hash);
	return ev;
}

/* SHA-256(prev_hash ‖ canonical) in lowercase hex, computed here without audit.c. */
static void independent_hash(const char *prev, const char *canon, char out[65])
{
	size_t lp = strlen(prev), lc = strlen(canon);
	unsigned char *buf = malloc(lp + lc);
	assert_non_null(buf);
	memcpy(buf, prev, lp);
	memcpy(buf + lp, canon, lc);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, buf, lp + lc);
	free(buf);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static bool is_lower_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* ---- canonical ------------------------------------------------------------------------ */

static void test_canonical_format(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	char *c = audit_canonical(&ev);
	assert_string_equal(c,
			    "v2|1|1700000000|7|42|6:/1/42/|15:need.transition|4:need|99|36:" DATA1);
	free(c);
}

static void test_canonical_zeros_and_extremes(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	ev.id = INT64_MAX;
	ev.at = -1;
	ev.actor_id = 0;
	ev.area_id = 0;
	ev.entity_id = INT64_MIN;
	ev.area_path = NULL;
	ev.data = "{}";
	char *c = audit_canonical(&ev);
	assert_string_equal(c, "v2|9223372036854775807|-1|0|0|0:|15:need.transition|4:need|"
			       "-9223372036854775808|2:{}");
	free(c);
}

static void test_canonical_excludes_hashes(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	char *a = audit_canonical(&ev);
	memset(ev.prev_hash, 'f', AUDIT_HASH_LEN);
	memset(ev.hash, 'e', AUDIT_HASH_LEN);
	char *b = audit_canonical(&ev);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_canonical_utf8_data(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	ev.data = "{\"name\":\"九眼桥社区\"}";
	char *c = audit_canonical(&ev);
	assert_string_equal(c, "v2|1|1700000000|7|42|6:/1/42/|15:need.transition|4:need|99|26:"
			       "{\"name\":\"九眼桥社区\"}");
	free(c);
}

/* ---- seal and check ------------------------------------------------------------------- */

static void test_seal_then_check(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	assert_true(is_lower_hex(ev.hash, AUDIT_HASH_LEN));
	assert_true(audit_check(&ev));
}

static void test_known_vector_literal(void **state)
{
	(void)state;
	/* printf '%s' "$GENESIS"'v2|1|...' | sha256sum */
	struct audit_event ev = sample();
	audit_seal(&ev);
	assert_string_equal(ev.hash,
			    "c053461da6cc78abf2a849f07a5057fb8b51ca179bb401ac77cd36465863b0d3");
}

static void test_known_vector_independent(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	ev.prev_hash[0] = '9';
	ev.data = "{\"reason\":\"不在服务范围\"}";
	audit_seal(&ev);
	char want[65];
	independent_hash(ev.prev_hash,
			 "v2|1|1700000000|7|42|6:/1/42/|15:need.transition|4:need|99|31:"
			 "{\"reason\":\"不在服务范围\"}",
			 want);
	assert_string_equal(ev.hash, want);
}

static void test_seal_deterministic(void **state)
{
	(void)state;
	struct audit_event a = sample(), b = sample();
	audit_seal(&a);
	audit_seal(&b);
	assert_string_equal(a.hash, b.hash);
}

static void test_check_rejects_uppercase_hash(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	for (int i = 0; i < AUDIT_HASH_LEN; i++)
		if (ev.hash[i] >= 'a' && ev.hash[i] <= 'f') {
			ev.hash[i] = (char)(ev.hash[i] - 'a' + 'A');
			break;
		}
	assert_false(audit_check(&ev));
}

static void test_check_rejects_empty_hash(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	assert_false(audit_check(&ev));
}

/* Each field on its own: changing it after sealing breaks the check. */
static void test_change_id(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.id = 2;
	assert_false(audit_check(&ev));
}

static void test_change_at(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.at += 1;
	assert_false(audit_check(&ev));
}

static void test_change_actor(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.actor_id = 0;
	assert_false(audit_check(&ev));
}

static void test_change_area(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.area_id = 43;
	assert_false(audit_check(&ev));
}

static void test_change_area_path(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.area_path = "/999/";
	assert_false(audit_check(&ev));
}

static void test_change_action(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.action = "need.submitted";
	assert_false(audit_check(&ev));
}

static void test_change_entity(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.entity = "project";
	assert_false(audit_check(&ev));
}

static void test_change_entity_id(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.entity_id = 98;
	assert_false(audit_check(&ev));
}

static void test_change_data(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	ev.data = "{\"from\":\"submitted\",\"to\":\"rejected\"}";
	assert_false(audit_check(&ev));
	/* even a whitespace-only difference */
	ev.data = "{\"from\": \"submitted\",\"to\":\"accepted\"}";
	assert_false(audit_check(&ev));
}

static void test_change_prev_hash(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	for (int i = 0; i < AUDIT_HASH_LEN; i++) {
		struct audit_event t = ev;
		t.prev_hash[i] = '1';
		assert_false(audit_check(&t));
	}
}

static void test_change_hash(void **state)
{
	(void)state;
	struct audit_event ev = sample();
	audit_seal(&ev);
	for (int i = 0; i < AUDIT_HASH_LEN; i++) {
		struct audit_event t = ev;
		t.hash[i] = t.hash[i] == '0' ? '1' : '0';
		assert_false(audit_check(&t));
	}
}

/* Moving a '|' between adjacent text columns is an edit of stored columns too; the canonical
 * line must not make two different events look the same. */
static void test_columns_not_ambiguous(void **state)
{
	(void)state;
	struct audit_event a = sample(), b = sample();
	a.action = "need.transition|need";
	a.entity = "x";
	b.action = "need.transition";
	b.entity = "need|x";
	char *ca = audit_canonical(&a), *cb = audit_canonical(&b);
	bool same = strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	audit_seal(&a);
	memcpy(b.hash, a.hash, sizeof b.hash);
	if (same || audit_check(&b))
		fail_msg("action/entity \"need.transition|need\"/\"x\" and "
			 "\"need.transition\"/\"need|x\" seal to the same hash");
}

static void test_chain_links(void **state)
{
	(void)state;
	struct audit_event ev[4];
	char prev[AUDIT_HASH_LEN + 1] = AUDIT_GENESIS;
	for (int i = 0; i < 4; i++) {
		ev[i] = sample();
		ev[i].id = i + 1;
		ev[i].entity_id = 100 + i;
		memcpy(ev[i].prev_hash, prev, sizeof prev);
		audit_seal(&ev[i]);
		memcpy(prev, ev[i].hash, sizeof prev);
	}
	for (int i = 0; i < 4; i++) {
		assert_true(audit_check(&ev[i]));
		if (i > 0) {
			assert_string_equal(ev[i].prev_hash, ev[i - 1].hash);
			assert_string_not_equal(ev[i].hash, ev[i - 1].hash);
		}
	}
	/* resealing event 2 with new data changes its hash, so event 3 no longer links */
	ev[1].data = "{}";
	audit_seal(&ev[1]);
	assert_true(audit_check(&ev[1]));
	assert_string_not_equal(ev[2].prev_hash, ev[1].hash);
}

static void test_same_content_different_prev(void **state)
{
	(void)state;
	struct audit_event a = sample(), b = sample();
	b.prev_hash[63] = '1';
	audit_seal(&a);
	audit_seal(&b);
	assert_string_not_equal(a.hash, b.hash);
}

static void test_large_data(void **state)
{
	(void)state;
	size_t n = 100000;
	char *data = malloc(n + 3);
	assert_non_null(data);
	data[0] = '{';
	memset(data + 1, ' ', n);
	data[n + 1] = '}';
	data[n + 2] = '\0';
	struct audit_event ev = sample();
	ev.data = data;
	audit_seal(&ev);
	assert_true(audit_check(&ev));
	char *c = audit_canonical(&ev);
	char want[65];
	independent_hash(ev.prev_hash, c, want);
	assert_string_equal(ev.hash, want);
	assert_int_equal(strlen(c),
			 strlen("v2|1|1700000000|7|42|6:/1/42/|15:need.transition|4:need|"
				"99|100002:") +
				 n + 2);
	free(c);
	data[500] = 'x';
	assert_false(audit_check(&ev));
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_format),
		cmocka_unit_test(test_canonical_zeros_and_extremes),
		cmocka_unit_test(test_canonical_excludes_hashes),
		cmocka_unit_test(test_canonical_utf8_data),
		cmocka_unit_test(test_seal_then_check),
		cmocka_unit_test(test_known_vector_literal),
		cmocka_unit_test(test_known_vector_independent),
		cmocka_unit_test(test_seal_deterministic),
		cmocka_unit_test(test_check_rejects_uppercase_hash),
		cmocka_unit_test(test_check_rejects_empty_hash),
		cmocka_unit_test(test_change_id),
		cmocka_unit_test(test_change_at),
		cmocka_unit_test(test_change_actor),
		cmocka_unit_test(test_change_area),
		cmocka_unit_test(test_change_area_path),
		cmocka_unit_test(test_change_action),
		cmocka_unit_test(test_change_entity),
		cmocka_unit_test(test_change_entity_id),
		cmocka_unit_test(test_change_data),
		cmocka_unit_test(test_change_prev_hash),
		cmocka_unit_test(test_change_hash),
		cmocka_unit_test(test_columns_not_ambiguous),
		cmocka_unit_test(test_chain_links),
		cmocka_unit_test(test_same_content_different_prev),
		cmocka_unit_test(test_large_data),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
