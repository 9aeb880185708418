/* match_instance — the JSON form of a bare matching instance, as `xinyuan match --instance`
 * reads it and the fuzz target feeds it (docs/matching.md):
 *
 *   {"needs": [{"id": 1}],
 *    "providers": [{"id": 7, "capacity": 3}],
 *    "edges": [{"need": 1, "provider": 7, "score": 42}]}
 *
 * All three keys are required (arrays may be empty), every value is an integer, and unknown
 * keys, wrong types and duplicate keys are refused, naming the field ("edges[3].score"). What
 * the values mean (a negative capacity, an edge to an unknown id, a duplicate id) is
 * match_solve's to judge. The answer is {"objective": N, "assignment": [{"need": 1,
 * "provider": 7}, ...]}, sorted by need id.
 */
#ifndef XY_CLI_MATCH_INSTANCE_H
#define XY_CLI_MATCH_INSTANCE_H

#include <stddef.h>

#include "core/err.h"
#include "engine/match.h"

/* The largest instance document read. */
#define MATCH_INSTANCE_MAX_BYTES ((size_t)256 << 20)

/* A parsed instance: in points into the arrays the document owns. */
struct match_instance_doc {
	struct match_instance in;
	int64_t *ids; /* need ids, provider ids, capacities */
	struct match_edge *edges;
};

/* Parses len bytes of JSON into doc (release it with match_instance_release, also after an
 * error). XY_EMALFORMED for bad JSON, unknown keys and wrong types; XY_EINVALID for a missing
 * key; XY_ETOOBIG past MATCH_INSTANCE_MAX_BYTES. */
enum xy_kind match_instance_parse(const char *buf, size_t len, struct match_instance_doc *doc,
				  struct xy_err *e);

void match_instance_release(struct match_instance_doc *doc);

/* The answer as compact JSON text, malloc'ed (the caller frees it); NULL when memory runs out. */
char *match_instance_answer(const struct match_result *r);

#endif
