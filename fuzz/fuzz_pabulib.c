/* Fuzz target: a Pabulib .pb file through the reader, the rules and the writer
 * (src/engine/pabulib.c, src/engine/pb.c).
 *
 * Any input must end in a clean error, or in an instance on which the rules keep their
 * promises (the selection within the budget, no project twice, Equal Shares buying only
 * supported projects) and which writes back to a file that reads as the same instance. A
 * broken promise aborts.
 *
 * libFuzzer (clang), from the top of the tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_DEFAULT_SOURCE -Isrc \
 *     fuzz/fuzz_pabulib.c src/engine/pabulib.c src/engine/pb.c src/core/err.c \
 *     src/core/text.c -lgmp -o /tmp/fuzz-pabulib
 *   /tmp/fuzz-pabulib -max_total_time=600 /tmp/new-corpus fuzz/corpus/pabulib
 * `make unit` builds the replay of the committed corpus (fuzz/replay.c) as
 * BUILD/tests/fuzz/pabulib, which tests/run.sh runs with the unit tests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pabulib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SMALL 200000 /* ballot entries: bigger instances are only parsed and written */

static void check_rule(const struct pb_instance *in, const char *name)
{
	struct pb_rule r;
	if (!pb_rule_parse(name, &r))
		abort();
	if (pb_rule_needs_points(&r) && !in->points)
		return;
	struct pb_result res;
	struct xy_err e;
	if (pb_run(in, &r, &res, &e) == XY_OK) {
		int64_t total = 0;
		char *seen = calloc(in->nprojects + 1, 1);
		for (size_t i = 0; i < res.nselected; i++) {
			size_t p = res.selected[i];
			if (p >= in->nprojects || seen[p])
				abort();
			seen[p] = 1;
			total += in->cost[p];
			if (i < res.nmes &&
			    (r.utility == PB_UTIL_POINTS ? res.points[p] : res.supporters[p]) <= 0)
				abort();
		}
		if (total != res.total_cost || total > in->budget)
			abort();
		free(seen);
	}
	pb_result_release(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pabulib pb, back;
	struct xy_err e;
	if (pabulib_parse((const char *)data, size, &pb, &e) != XY_OK) {
		if (e.kind != XY_EINVALID || strncmp(e.message, "line ", 5) != 0)
			abort();
		pabulib_release(&pb);
		return 0;
	}
	const struct pb_instance *in = &pb.inst;
	if (in->ballot_start[in->nvoters] <= SMALL && in->unit <= 1000) {
		check_rule(in, "greedy_cost");
		check_rule(in, "greedy_points");
		check_rule(in, "mes_cost");
		check_rule(in, "mes_points_greedy");
	}
	char *text;
	size_t len;
	if (pabulib_write(&pb, (size_t)1 << 30, &text, &len, &e) != XY_OK)
		abort();
	if (pabulib_parse(text, len, &back, &e) != XY_OK)
		abort();
	if (back.inst.budget != in->budget || back.inst.nprojects != in->nprojects ||
	    back.inst.nvoters != in->nvoters)
		abort();
	for (size_t p = 0; p < in->nprojects; p++)
		if (strcmp(back.inst.project_id[p], in->project_id[p]) != 0 ||
		    back.inst.cost[p] != in->cost[p])
			abort();
	free(text);
	pabulib_release(&back);
	pabulib_release(&pb);
	return 0;
}
