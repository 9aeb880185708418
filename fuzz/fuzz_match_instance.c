/* Fuzz target: the JSON instance of `xinyuan match --instance` through the parser, the
 * solver and the answer encoder (src/cli/match_instance.c, src/engine/match.c).
 *
 * Any input must end in a clean error or a result that keeps the solver's promises: pairs
 * sorted by need id, every need once, every pair an edge of positive score with that score,
 * no provider past its capacity, the objective the sum. A broken promise aborts.
 *
 * libFuzzer (clang), from the top of the tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_DEFAULT_SOURCE -Isrc \
 *     fuzz/fuzz_match_instance.c src/cli/match_instance.c src/http/json.c \
 *     src/engine/match.c src/engine/match_score.c src/core/area.c src/core/err.c \
 *     src/core/need.c src/core/role.c src/core/text.c -ljansson -o /tmp/fuzz-match
 *   /tmp/fuzz-match -max_total_time=600 /tmp/new-corpus fuzz/corpus/match_instance
 * `make unit` builds the replay of the committed corpus (fuzz/replay.c) as
 * BUILD/tests/fuzz/match_instance, which tests/run.sh runs with the unit tests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/match_instance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The position of id in the sorted ids[0..n), or n. */
static size_t find(const int64_t *ids, size_t n, int64_t id)
{
	const int64_t *hit = bsearch(&id, ids, n, sizeof *ids, cmp_i64);
	return hit ? (size_t)(hit - ids) : n;
}

static void check(const struct match_instance *in, const struct match_result *r)
{
	/* providers by id, then their capacities in the same order; each pair's edge is found by
	 * a linear scan (fuzz inputs are small) */
	size_t np = in->nproviders;
	int64_t *prov = malloc((2 * np + 1) * sizeof *prov);
	int64_t *used = calloc(np + 1, sizeof *used);
	XY_ASSERT(prov && used);
	memcpy(prov, in->providers, np * sizeof *prov);
	qsort(prov, np, sizeof *prov, cmp_i64);
	for (size_t k = 0; k < np; k++)
		prov[np + find(prov, np, in->providers[k])] = in->capacity[k];
	int64_t sum = 0;
	for (size_t k = 0; k < r->npairs; k++) {
		const struct match_pair *pr = &r->pairs[k];
		XY_ASSERT(k == 0 || r->pairs[k - 1].need < pr->need);
		XY_ASSERT(pr->score > 0);
		size_t q = find(prov, np, pr->provider);
		XY_ASSERT(q < np);
		XY_ASSERT(++used[q] <= prov[np + q]);
		size_t x = 0;
		while (x < in->nedges &&
		       (in->edges[x].need != pr->need || in->edges[x].provider != pr->provider))
			x++;
		XY_ASSERT(x < in->nedges && in->edges[x].score == pr->score);
		sum += pr->score;
	}
	XY_ASSERT(sum == r->objective);
	free(prov);
	free(used);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct match_instance_doc doc;
	struct xy_err e = { 0 };
	if (match_instance_parse((const char *)data, size, &doc, &e) == XY_OK) {
		struct match_result r;
		if (match_solve(&doc.in, &r, &e) == XY_OK) {
			check(&doc.in, &r);
			free(match_instance_answer(&r));
		} else {
			XY_ASSERT(e.code[0] && e.message[0]);
		}
		match_result_release(&r);
	} else {
		XY_ASSERT(e.code[0] && e.message[0]);
	}
	match_instance_release(&doc);
	return 0;
}
