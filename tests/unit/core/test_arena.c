/* Tests for src/core/arena.c: the capped per-request memory pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"

static bool aligned16(const void *p)
{
	return ((uintptr_t)p & 15u) == 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- allocation ----------------------------------------------------------------------- */

static void test_alloc_zeroed_and_aligned(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	static const size_t sizes[] = { 1, 3, 15, 16, 17, 31, 100, 1000, 4097 };
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		unsigned char *p = arena_alloc(&a, sizes[i]);
		assert_non_null(p);
		assert_true(aligned16(p));
		assert_true(all_zero(p, sizes[i]));
		memset(p, 0xab, sizes[i]);
	}
	arena_release(&a);
}

static void test_alloc_distinct_blocks(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	unsigned char *p[200];
	for (int i = 0; i < 200; i++) {
		p[i] = arena_alloc(&a, 37);
		assert_non_null(p[i]);
		memset(p[i], i, 37);
	}
	/* spans several chunks; nothing overwrote anything */
	for (int i = 0; i < 200; i++)
		for (int k = 0; k < 37; k++)
			assert_int_equal(p[i][k], (unsigned char)i);
	arena_release(&a);
}

static void test_alloc_reuses_dirty_memory_zeroed(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 16);
	unsigned char *p = arena_alloc(&a, 64);
	memset(p, 0xff, 64);
	arena_release(&a);
	for (int i = 0; i < 10; i++) {
		unsigned char *q = arena_alloc(&a, 64);
		assert_non_null(q);
		assert_true(all_zero(q, 64));
		memset(q, 0xff, 64);
	}
	arena_release(&a);
}

static void test_alloc_bigger_than_chunk(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	unsigned char *small = arena_alloc(&a, 10);
	unsigned char *big = arena_alloc(&a, 100000);
	unsigned char *small2 = arena_alloc(&a, 10);
	assert_non_null(small);
	assert_non_null(big);
	assert_non_null(small2);
	assert_true(aligned16(big));
	assert_true(all_zero(big, 100000));
	memset(big, 1, 100000);
	memset(small2, 2, 10);
	assert_int_equal(small[0], 0);
	assert_int_equal(big[99999], 1);
	arena_release(&a);
}

/* ---- the cap -------------------------------------------------------------------------- */

static void test_cap_exact(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 64);
	assert_non_null(arena_alloc(&a, 64));
	assert_null(arena_alloc(&a, 1));
	assert_true(a.used <= a.cap);
	arena_release(&a);
}

static void test_cap_counts_rounding(void **state)
{
	(void)state;
	/* each 1-byte allocation takes a 16-byte slot */
	struct arena a;
	arena_init(&a, 32);
	assert_non_null(arena_alloc(&a, 1));
	assert_non_null(arena_alloc(&a, 1));
	assert_null(arena_alloc(&a, 1));
	assert_int_equal(a.used, 32);
	arena_release(&a);
}

static void test_cap_refusal_changes_nothing(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1000);
	assert_non_null(arena_alloc(&a, 500));
	size_t used = a.used;
	assert_null(arena_alloc(&a, 600));
	assert_int_equal(a.used, used);
	/* what still fits is still given */
	assert_non_null(arena_alloc(&a, 400));
	arena_release(&a);
}

static void test_cap_zero(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 0);
	assert_null(arena_alloc(&a, 1));
	assert_null(arena_strdup(&a, "x"));
	assert_null(arena_printf(&a, "%d", 1));
	arena_release(&a);
}

static void test_cap_large_request(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 20);
	assert_null(arena_alloc(&a, (1 << 20) + 1));
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_alloc(&a, SIZE_MAX - 15));
	assert_null(arena_alloc(&a, SIZE_MAX / 2));
	assert_int_equal(a.used, 0);
	arena_release(&a);
}

/* Runs an allocation of n bytes after a small one in a child process (a wrapped size check
 * may crash) and reports whether it was refused cleanly. */
static void expect_refused_after_small(size_t n)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* die of the signal itself, not through the test runner's handlers */
		static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
			signal(sigs[i], SIG_DFL);
		struct arena a;
		arena_init(&a, 1 << 20);
		if (!arena_alloc(&a, 16))
			_exit(3);
		void *p = arena_alloc(&a, n);
		arena_release(&a);
		_exit(p ? 1 : 0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("arena_alloc(%zu) after a 16-byte allocation crashed (signal %d)", n,
			 WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("arena_alloc(%zu) after a 16-byte allocation was not refused cleanly "
			 "(exit status %d)",
			 n, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void test_cap_no_wraparound(void **state)
{
	(void)state;
	/* used + need must not wrap past SIZE_MAX and slip under the cap */
	expect_refused_after_small(SIZE_MAX - 31);
	expect_refused_after_small(SIZE_MAX - 15);
}

static void test_release_resets(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 256);
	assert_non_null(arena_alloc(&a, 256));
	assert_null(arena_alloc(&a, 1));
	arena_release(&a);
	assert_int_equal(a.used, 0);
	assert_null(a.head);
	assert_non_null(arena_alloc(&a, 256));
	arena_release(&a);
	arena_release(&a); /* twice is harmless */
}

/* ---- strings -------------------------------------------------------------------------- */

static void test_strdup(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1024);
	char src[] = "九眼桥社区";
	char *s = arena_strdup(&a, src);
	assert_non_null(s);
	assert_string_equal(s, "九眼桥社区");
	assert_ptr_not_equal(s, src);
	src[0] = 'x';
	assert_string_equal(s, "九眼桥社区");
	char *e = arena_strdup(&a, "");
	assert_non_null(e);
	assert_string_equal(e, "");
	arena_release(&a);
}

static void test_strndup(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1024);
	char *s = arena_strndup(&a, "abcdef", 3);
	assert_string_equal(s, "abc");
	s = arena_strndup(&a, "abcdef", 0);
	assert_string_equal(s, "");
	/* copies exactly n bytes, even without a NUL after them */
	char raw[4] = { 'w', 'x', 'y', 'z' };
	s = arena_strndup(&a, raw, 4);
	assert_string_equal(s, "wxyz");
	arena_release(&a);
}

static void test_strdup_over_cap(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 16);
	assert_non_null(arena_strdup(&a, "123456789012345")); /* 15 + NUL */
	assert_null(arena_strdup(&a, "x"));
	arena_release(&a);
	arena_init(&a, 16);
	assert_null(arena_strdup(&a, "1234567890123456")); /* 16 + NUL */
	arena_release(&a);
}

static void test_printf(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 16);
	char *s = arena_printf(&a, "%s-%d-%lld", "need", 42, (long long)INT64_MAX);
	assert_string_equal(s, "need-42-9223372036854775807");
	s = arena_printf(&a, "%s", "");
	assert_non_null(s);
	assert_string_equal(s, "");
	s = arena_printf(&a, "%5.2f|%-4s|%04x", 3.14159, "ab", 0xbeef);
	assert_string_equal(s, " 3.14|ab  |beef");
	arena_release(&a);
}

static void test_printf_long(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1 << 16);
	char *s = arena_printf(&a, "%20000d", 7);
	assert_non_null(s);
	assert_int_equal(strlen(s), 20000);
	assert_int_equal(s[19999], '7');
	assert_int_equal(s[0], ' ');
	arena_release(&a);
}

static void test_printf_over_cap(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 64);
	assert_null(arena_printf(&a, "%100d", 1));
	assert_int_equal(a.used, 0);
	char *s = arena_printf(&a, "%s", "fits");
	assert_string_equal(s, "fits");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_zeroed_and_aligned),
		cmocka_unit_test(test_alloc_distinct_blocks),
		cmocka_unit_test(test_alloc_reuses_dirty_memory_zeroed),
		cmocka_unit_test(test_alloc_bigger_than_chunk),
		cmocka_unit_test(test_cap_exact),
		cmocka_unit_test(test_cap_counts_rounding),
		cmocka_unit_test(test_cap_refusal_changes_nothing),
		cmocka_unit_test(test_cap_zero),
		cmocka_unit_test(test_cap_large_request),
		cmocka_unit_test(test_cap_no_wraparound),
		cmocka_unit_test(test_release_resets),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_strndup),
		cmocka_unit_test(test_strdup_over_cap),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_printf_long),
		cmocka_unit_test(test_printf_over_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
