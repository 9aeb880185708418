/* match — the matching engine: needs × providers → the assignment of greatest total score.
 *
 * The problem is a maximum-weight bipartite b-matching: every need is served at most once,
 * provider p serves at most capacity(p) needs, an edge (need, provider, score) is a possible
 * match, and the engine returns a set of edges of greatest total score within those limits. A
 * need may stay unmatched: an edge of score <= 0 never raises the total and is never taken,
 * and the engine never adds a match of zero gain.
 *
 * The solver is exact (a primal-dual min-cost flow, docs/matching.md): it inserts the needs one
 * at a time and moves along a shortest augmenting path (Dijkstra over the reduced costs of a
 * compressed graph, stopping as soon as the best path is known), which keeps the assignment
 * optimal for the needs inserted so far.
 *
 * Determinism: the answer is a function of the instance as a set; the order of its arrays does
 * not matter. Needs and providers are ranked by id; each need's edges are ordered by score
 * (highest first) and provider id; needs are inserted grouped by their best provider (the
 * provider of their highest score, lowest id among equals), groups in provider id order and
 * needs by id within a group; equally short paths are told apart by that node order; a path
 * of zero gain is not taken. Where several assignments reach the optimum, the one returned is
 * fixed by these rules (the same every time, on every machine) but not otherwise specified.
 *
 * No I/O. Memory grows with the counts: at its peak match_solve holds 16 bytes per edge and
 * about 100 per node besides the caller's arrays. Input errors (negative capacity, duplicate
 * ids, an edge to an unknown id, a duplicate edge, a score out of range, counts past the
 * limits) are returned, never aborted on.
 */
#ifndef XY_ENGINE_MATCH_H
#define XY_ENGINE_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "engine/match_score.h"

/* Limits of one instance. Scores outside ±MATCH_SCORE_MAX are refused so that every sum the
 * solver forms fits in 64 bits. */
#define MATCH_NODES_MAX (1 << 28) /* needs, and providers, each */
#define MATCH_EDGES_MAX (1 << 30)
#define MATCH_SCORE_MAX 1000000000

struct match_edge {
	int64_t need, provider;
	int32_t score;
};

/* An instance in its bare form: ids, capacities and scored edges. Arrays are borrowed. */
struct match_instance {
	size_t nneeds, nproviders, nedges;
	const int64_t *needs;     /* need ids, distinct */
	const int64_t *providers; /* provider ids, distinct */
	const int64_t *capacity;  /* per provider, >= 0 */
	const struct match_edge *edges;
};

struct match_pair {
	int64_t need, provider;
	int32_t score;
};

/* The assignment: pairs sorted by need id; objective = the sum of their scores. */
struct match_result {
	int64_t objective;
	size_t npairs;
	struct match_pair *pairs; /* owned; match_result_release frees it */
};

/* Solves in; fills out (release it with match_result_release, also after an error). Errors
 * (XY_EINVALID, or XY_ETOOBIG past the limits) name the offending id in the message and the
 * array element in e->field ("edges[12].provider"); XY_EINTERNAL when memory runs out. */
enum xy_kind match_solve(const struct match_instance *in, struct match_result *out,
			 struct xy_err *e);

void match_result_release(struct match_result *r);

/* Which providers may serve a need at all, besides having a fitting skill. */
enum match_reach {
	MATCH_REACH_ANY,          /* anywhere: the area only changes the score */
	MATCH_REACH_SERVICE_AREA, /* only needs inside the provider's service area subtree */
};

/* The candidate edges of needs × providers, scored by match_score: one per pair with an exact
 * or related skill (and within reach), none for a provider of capacity 0. *edges is
 * malloc'ed, ordered by need then provider as given, and the caller frees it. XY_EINVALID for
 * an unknown category or kind, a negative capacity, a missing area path. */
enum xy_kind match_build_edges(const struct match_need *needs, size_t nneeds,
			       const struct match_provider *providers, size_t nproviders,
			       enum match_reach reach, struct match_edge **edges, size_t *nedges,
			       struct xy_err *e);

/* One match of match_suggest, with its reasons. */
struct match_suggestion {
	int64_t need, provider;
	int32_t score;
	struct match_reasons why;
};

/* The optimal assignment of needs to providers with the reasons of every match: the edges of
 * match_build_edges solved by match_solve. *out (sorted by need id, malloc'ed, the caller
 * frees it) holds *nout suggestions; *objective their total score. Ids must be distinct. */
enum xy_kind match_suggest(const struct match_need *needs, size_t nneeds,
			   const struct match_provider *providers, size_t nproviders,
			   enum match_reach reach, struct match_suggestion **out, size_t *nout,
			   int64_t *objective, struct xy_err *e);

/* One candidate of match_topk. */
struct match_candidate {
	int64_t provider;
	int32_t score;
	struct match_reasons why;
};

/* The (at most) k best providers for one need, best first (score descending, then provider id
 * ascending), with reasons, into out[0..k). Providers with no fitting skill, out of reach or
 * with capacity 0 are not candidates. *nout = how many were written. */
enum xy_kind match_topk(const struct match_need *need, const struct match_provider *providers,
			size_t nproviders, enum match_reach reach, size_t k,
			struct match_candidate *out, size_t *nout, struct xy_err *e);

#endif
