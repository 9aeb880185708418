#include "engine/match.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/area.h"

/* ---- the model -----------------------------------------------------------------------------
 *
 * As a linear programme: maximise sum w_e x_e subject to sum_{e at need i} x_e <= 1 and
 * sum_{e at provider p} x_e <= cap_p, x >= 0. Its dual: minimise sum u_i + sum cap_p v_p subject
 * to u_i + v_p >= w_ip, u >= 0, v >= 0. The solver keeps x integral and (u, v) feasible with
 * complementary slackness (x_ip = 1 => u_i + v_p = w_ip; u_i > 0 => i matched; v_p > 0 => p
 * full), which proves x optimal.
 *
 * Needs are inserted one at a time. A new need i starts with u_i = max(0, max_p w_ip - v_p). In
 * the residual graph (need -> provider for an unused edge, reduced cost u_i + v_p - w_ip; full
 * provider -> each need it serves, reduced cost 0) Dijkstra from i looks for the cheapest way
 * out, which is one of: stopping at a provider with room (its distance), dropping a matched
 * need j (distance + u_j), or leaving i unmatched (u_i). The gain of the path is u_i minus its
 * length. The nodes settled before the best exit get their duals moved by (best - distance),
 * which keeps every reduced cost >= 0, and the path is flipped. The assignment is then optimal
 * for the needs inserted so far (a successive-shortest-path step of the min-cost flow
 * source -> needs -> providers -> sink with a free source -> sink bypass).
 *
 * What keeps it fast: rows sorted by score, so that a search stops reading a row as soon as
 * no later edge can beat the best exit (v >= 0 bounds every reduced cost from below); a new
 * need whose best provider has room is served without a search; the search stops at the
 * first exit it cannot improve on and touches only what it reached; needs are stored and
 * inserted grouped by their best provider, so that consecutive searches stay in one warm part
 * of memory; the rows of the needs a full provider serves are fetched together.
 */

/* malloc of n elements of size bytes, NULL on overflow or when memory runs out. */
static void *alloc_n(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	return malloc(bytes ? bytes : 1);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* ---- id -> rank lookup ---------------------------------------------------------------------- */

/* Sorted distinct ids; dense id ranges get a direct table instead of a binary search. */
struct idmap {
	const int64_t *ids;
	int32_t n;
	int64_t lo;
	uint64_t range;
	int32_t *table; /* NULL: binary search */
};

static int idmap_init(struct idmap *m, const int64_t *sorted, int32_t n)
{
	m->ids = sorted;
	m->n = n;
	m->table = NULL;
	m->lo = n ? sorted[0] : 0;
	m->range = 0;
	if (n == 0 || (uint64_t)sorted[n - 1] - (uint64_t)sorted[0] >= 4 * (uint64_t)n + 1024)
		return 0;
	m->range = (uint64_t)sorted[n - 1] - (uint64_t)sorted[0] + 1;
	m->table = alloc_n((size_t)m->range, sizeof *m->table);
	if (!m->table)
		return -1;
	for (uint64_t k = 0; k < m->range; k++)
		m->table[k] = -1;
	for (int32_t k = 0; k < n; k++)
		m->table[(uint64_t)sorted[k] - (uint64_t)m->lo] = k;
	return 0;
}

/* The rank of id, or -1. */
static int32_t idmap_find(const struct idmap *m, int64_t id)
{
	if (m->table) {
		uint64_t off = (uint64_t)id - (uint64_t)m->lo;
		return off < m->range ? m->table[off] : -1;
	}
	int32_t lo = 0, hi = m->n;
	while (lo < hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (m->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->ids[lo] == id ? lo : -1;
}

/* An edge of a row: (INT32_MAX - score) << 32 | provider rank, so that a row sorted in
 * ascending order runs from the highest score down (ties by provider rank). Scores are within
 * ±MATCH_SCORE_MAX, so INT32_MAX - score fits in 32 unsigned bits. */
#define ADJ_PACK(q, w) ((uint64_t)(uint32_t)(INT32_MAX - (int64_t)(w)) << 32 | (uint32_t)(q))
#define ADJ_COL(a)     ((int32_t)(uint32_t)(a))
#define ADJ_W(a)       ((int32_t)(INT32_MAX - (int64_t)((a) >> 32)))

/* ---- the solver state ----------------------------------------------------------------------- */

struct solver {
	int32_t n, p; /* needs, providers (ranked by id) */
	int64_t *need_id, *prov_id;
	int32_t *cap; /* effective capacity, <= n */
	/* the edges of need i: adj[row[i] .. row[i+1]) (ADJ_PACK), highest score first */
	int32_t *row;
	uint64_t *adj;
	int32_t *inv; /* need rank -> internal index (the order of the rows) */
	/* assignment */
	int32_t *match;  /* provider of need i, or -1 */
	int32_t *mscore; /* score of that edge */
	int32_t *load;   /* needs served by provider p */
	int32_t *first;  /* p -> first need it serves, -1 */
	int32_t *next;   /* i -> next need served by the same provider, -1 */
	int32_t *prev;
	/* duals */
	int64_t *u, *v;
	/* search workspace; nodes 0..n-1 are needs, n..n+p-1 providers */
	int64_t *dist;
	int32_t *pos; /* heap position; -1 untouched, -2 settled */
	int32_t *heap;
	int32_t hsize;
	int32_t *touched;
	int32_t ntouched;
	int32_t *pred_need; /* provider -> the need it was reached from */
	int32_t *pred_edge; /* provider -> that edge */
};

static void solver_free(struct solver *s)
{
	free(s->need_id);
	free(s->prov_id);
	free(s->cap);
	free(s->row);
	free(s->adj);
	free(s->inv);
	free(s->match);
	free(s->mscore);
	free(s->load);
	free(s->first);
	free(s->next);
	free(s->prev);
	free(s->u);
	free(s->v);
	free(s->dist);
	free(s->pos);
	free(s->heap);
	free(s->touched);
	free(s->pred_need);
	free(s->pred_edge);
}

/* ---- binary heap on (dist, node) ------------------------------------------------------------ */

static bool heap_less(const struct solver *s, int32_t a, int32_t b)
{
	return s->dist[a] < s->dist[b] || (s->dist[a] == s->dist[b] && a < b);
}

static void heap_up(struct solver *s, int32_t k)
{
	int32_t x = s->heap[k];
	while (k > 0) {
		int32_t parent = (k - 1) / 2;
		int32_t y = s->heap[parent];
		if (!heap_less(s, x, y))
			break;
		s->heap[k] = y;
		s->pos[y] = k;
		k = parent;
	}
	s->heap[k] = x;
	s->pos[x] = k;
}

static int32_t heap_pop(struct solver *s)
{
	int32_t top = s->heap[0];
	int32_t x = s->heap[--s->hsize];
	int32_t k = 0;
	for (;;) {
		int32_t c = 2 * k + 1;
		if (c >= s->hsize)
			break;
		if (c + 1 < s->hsize && heap_less(s, s->heap[c + 1], s->heap[c]))
			c++;
		if (!heap_less(s, s->heap[c], x))
			break;
		s->heap[k] = s->heap[c];
		s->pos[s->heap[k]] = k;
		k = c;
	}
	if (s->hsize > 0) {
		s->heap[k] = x;
		s->pos[x] = k;
	}
	s->pos[top] = -2;
	return top;
}

/* Lowers node x to distance d if that is shorter; true when it did. */
static bool relax(struct solver *s, int32_t x, int64_t d)
{
	if (s->pos[x] == -1) {
		s->touched[s->ntouched++] = x;
		s->dist[x] = d;
		s->heap[s->hsize] = x;
		heap_up(s, s->hsize++);
		return true;
	}
	if (s->pos[x] < 0 || d >= s->dist[x])
		return false;
	s->dist[x] = d;
	heap_up(s, s->pos[x]);
	return true;
}

/* ---- assignment lists ----------------------------------------------------------------------- */

static void serve(struct solver *s, int32_t i, int32_t q, int32_t score)
{
	s->match[i] = q;
	s->mscore[i] = score;
	s->prev[i] = -1;
	s->next[i] = s->first[q];
	if (s->first[q] >= 0)
		s->prev[s->first[q]] = i;
	s->first[q] = i;
	s->load[q]++;
}

static void unserve(struct solver *s, int32_t i)
{
	int32_t q = s->match[i];
	if (s->prev[i] >= 0)
		s->next[s->prev[i]] = s->next[i];
	else
		s->first[q] = s->next[i];
	if (s->next[i] >= 0)
		s->prev[s->next[i]] = s->prev[i];
	s->match[i] = -1;
	s->load[q]--;
}

/* Asks for the rows of the needs provider q serves, all at once: the search is about to visit
 * them, and waiting for each in turn is most of its time. */
static void prefetch_rows(const struct solver *s, int32_t q)
{
#if defined(__GNUC__)
	for (int32_t j = s->first[q]; j >= 0; j = s->next[j])
		__builtin_prefetch(&s->row[j]);
	for (int32_t j = s->first[q]; j >= 0; j = s->next[j])
		__builtin_prefetch(&s->adj[s->row[j]]);
#else
	(void)s;
	(void)q;
#endif
}

/* ---- one insertion -------------------------------------------------------------------------- */

static void insert_need(struct solver *s, int32_t i)
{
	const int32_t n = s->n;
	int64_t ui = 0;
	int32_t first_best = -1;
	for (int32_t e = s->row[i]; e < s->row[i + 1]; e++) {
		int32_t w = ADJ_W(s->adj[e]);
		if (w <= ui)
			break; /* v >= 0: no later edge gains more than its score */
		int64_t gain = w - s->v[ADJ_COL(s->adj[e])];
		if (gain > ui) {
			ui = gain;
			first_best = e;
		}
	}
	s->u[i] = ui;
	if (ui == 0)
		return; /* nothing to gain: i stays unmatched */
	int32_t q0 = ADJ_COL(s->adj[first_best]);
	if (s->load[q0] < s->cap[q0]) {
		/* the path the search would take first: length 0, no dual moves */
		serve(s, i, q0, ADJ_W(s->adj[first_best]));
		return;
	}

	int64_t best = ui; /* leaving i unmatched */
	int32_t end = -1;  /* -1: unmatched; < n: drop that need; >= n: provider with room */
	relax(s, i, 0);
	while (s->hsize > 0 && s->dist[s->heap[0]] < best) {
		int32_t x = heap_pop(s);
		int64_t dx = s->dist[x];
		if (x < n) {
			int64_t base = dx + s->u[x];
			for (int32_t e = s->row[x]; e < s->row[x + 1]; e++) {
				int32_t w = ADJ_W(s->adj[e]);
				if (base - w >= best)
					break; /* v >= 0: this and every later edge end past best */
				int32_t q = ADJ_COL(s->adj[e]);
				if (q == s->match[x])
					continue;
				int64_t d = base + s->v[q] - w;
				if (!relax(s, n + q, d))
					continue;
				s->pred_need[q] = x;
				s->pred_edge[q] = e;
				if (s->load[q] < s->cap[q] && d < best) {
					best = d;
					end = n + q;
				}
			}
		} else {
			/* a provider is only settled when full: one with room ends the search */
			int32_t q = x - n;
			prefetch_rows(s, q);
			for (int32_t j = s->first[q]; j >= 0; j = s->next[j]) {
				int64_t d = dx + s->mscore[j] - s->v[q] - s->u[j];
				if (relax(s, j, d) && d + s->u[j] < best) {
					best = d + s->u[j];
					end = j;
				}
			}
		}
	}

	/* duals of the settled nodes; the rest keep theirs */
	for (int32_t k = 0; k < s->ntouched; k++) {
		int32_t x = s->touched[k];
		if (s->pos[x] == -2) {
			int64_t delta = best - s->dist[x];
			if (x < n)
				s->u[x] -= delta;
			else
				s->v[x - n] += delta;
		}
		s->pos[x] = -1;
	}
	s->ntouched = 0;
	s->hsize = 0;

	if (end < 0)
		return;
	int32_t q;
	if (end < n) {
		q = s->match[end];
		unserve(s, end);
	} else {
		q = end - n;
	}
	for (;;) {
		int32_t x = s->pred_need[q];
		int32_t old = s->match[x];
		if (old >= 0)
			unserve(s, x);
		serve(s, x, q, ADJ_W(s->adj[s->pred_edge[q]]));
		if (x == i)
			break;
		q = old;
	}
}

/* ---- building the graph --------------------------------------------------------------------- */

struct prov_rank {
	int64_t id, capacity;
};

static int cmp_prov(const void *a, const void *b)
{
	return cmp_i64(&((const struct prov_rank *)a)->id, &((const struct prov_rank *)b)->id);
}

static enum xy_kind oom(struct xy_err *e)
{
	return xy_fail(e, XY_EINTERNAL, "out_of_memory", NULL,
		       "not enough memory for the instance");
}

/* Ranks needs and providers by id; refuses duplicates and negative capacities. */
static enum xy_kind rank_nodes(struct solver *s, const struct match_instance *in, struct xy_err *e)
{
	s->n = (int32_t)in->nneeds;
	s->p = (int32_t)in->nproviders;
	s->need_id = alloc_n(in->nneeds, sizeof *s->need_id);
	s->prov_id = alloc_n(in->nproviders, sizeof *s->prov_id);
	s->cap = alloc_n(in->nproviders, sizeof *s->cap);
	struct prov_rank *pr = alloc_n(in->nproviders, sizeof *pr);
	if (!s->need_id || !s->prov_id || !s->cap || !pr) {
		free(pr);
		return oom(e);
	}
	for (size_t k = 0; k < in->nproviders; k++) {
		if (in->capacity[k] < 0) {
			free(pr);
			return xy_fail(e, XY_EINVALID, "negative_capacity", "providers",
				       "provider %lld has a negative capacity (%lld)",
				       (long long)in->providers[k], (long long)in->capacity[k]);
		}
		pr[k].id = in->providers[k];
		pr[k].capacity = in->capacity[k];
	}
	if (in->nneeds)
		memcpy(s->need_id, in->needs, in->nneeds * sizeof *s->need_id);
	qsort(s->need_id, in->nneeds, sizeof *s->need_id, cmp_i64);
	qsort(pr, in->nproviders, sizeof *pr, cmp_prov);
	for (int32_t k = 1; k < s->n; k++)
		if (s->need_id[k] == s->need_id[k - 1]) {
			free(pr);
			return xy_fail(e, XY_EINVALID, "duplicate_need", "needs",
				       "need %lld appears more than once",
				       (long long)s->need_id[k]);
		}
	for (int32_t k = 0; k < s->p; k++) {
		if (k > 0 && pr[k].id == pr[k - 1].id) {
			int64_t id = pr[k].id;
			free(pr);
			return xy_fail(e, XY_EINVALID, "duplicate_provider", "providers",
				       "provider %lld appears more than once", (long long)id);
		}
		s->prov_id[k] = pr[k].id;
		s->cap[k] = (int32_t)(pr[k].capacity < s->n ? pr[k].capacity : s->n);
	}
	free(pr);
	return XY_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Sorts the edges of one need (ADJ_PACK: highest score first, then provider rank); rows are
 * short, long ones go to qsort. */
static void sort_row(uint64_t *adj, int32_t len)
{
	if (len > 16) {
		qsort(adj, (size_t)len, sizeof *adj, cmp_u64);
		return;
	}
	for (int32_t a = 1; a < len; a++) {
		uint64_t x = adj[a];
		int32_t b = a;
		for (; b > 0 && adj[b - 1] > x; b--)
			adj[b] = adj[b - 1];
		adj[b] = x;
	}
}

/* Validates the edges and lays them out by need (validate_edges, then lay_out). */
struct layout {
	int32_t *ends;  /* per edge: need rank, provider rank */
	int32_t *count; /* per need rank: its edges */
	int32_t *top;   /* per need rank: its best useful score, 0 if none */
	int32_t *best;  /* per need rank: the provider of that score (lowest rank among equals) */
	uint64_t *key;  /* per need: best provider << 32 | rank, sorted: the internal order */
};

static void layout_free(struct layout *l)
{
	free(l->ends);
	free(l->count);
	free(l->top);
	free(l->best);
	free(l->key);
}

static enum xy_kind validate_edges(struct solver *s, const struct match_instance *in,
				   struct layout *l, struct xy_err *e)
{
	enum xy_kind k = XY_OK;
	struct idmap nm = { 0 }, pm = { 0 };
	if (idmap_init(&nm, s->need_id, s->n) || idmap_init(&pm, s->prov_id, s->p)) {
		k = oom(e);
		goto out;
	}
	for (int32_t i = 0; i < s->n; i++) {
		l->count[i] = 0;
		l->top[i] = 0;
		l->best[i] = INT32_MAX;
	}
	for (size_t x = 0; x < in->nedges; x++) {
		const struct match_edge *ed = &in->edges[x];
		int32_t i = idmap_find(&nm, ed->need);
		int32_t q = idmap_find(&pm, ed->provider);
		char field[64];
		if (i < 0 || q < 0) {
			snprintf(field, sizeof field, "edges[%zu].%s", x,
				 i < 0 ? "need" : "provider");
			k = xy_fail(e, XY_EINVALID, i < 0 ? "unknown_need" : "unknown_provider",
				    field, "edge %zu names %s %lld, which is not in the instance",
				    x, i < 0 ? "need" : "provider",
				    (long long)(i < 0 ? ed->need : ed->provider));
			goto out;
		}
		if (ed->score > MATCH_SCORE_MAX || ed->score < -MATCH_SCORE_MAX) {
			snprintf(field, sizeof field, "edges[%zu].score", x);
			k = xy_fail(e, XY_EINVALID, "score_out_of_range", field,
				    "edge %zu: score %ld is outside ±%d", x, (long)ed->score,
				    MATCH_SCORE_MAX);
			goto out;
		}
		l->ends[2 * x] = i;
		l->ends[2 * x + 1] = q;
		l->count[i]++;
		if (s->cap[q] > 0 &&
		    (ed->score > l->top[i] || (ed->score == l->top[i] && q < l->best[i]))) {
			l->top[i] = ed->score;
			l->best[i] = q;
		}
	}
out:
	free(nm.table);
	free(pm.table);
	return k;
}

/* Lays the edges out in rows, one per need, each sorted by provider rank, and keeps the
 * useful ones (score > 0, capacity > 0). The rows go in an internal order that groups the
 * needs by their best provider: the needs one search visits then lie close in memory. */
static enum xy_kind lay_out(struct solver *s, const struct match_instance *in, struct layout *l,
			    struct xy_err *e)
{
	int32_t n = s->n;
	for (int32_t i = 0; i < n; i++)
		l->key[i] = (uint64_t)(uint32_t)l->best[i] << 32 | (uint32_t)i;
	qsort(l->key, (size_t)n, sizeof *l->key, cmp_u64);
	int32_t at = 0;
	for (int32_t k = 0; k < n; k++) {
		int32_t i = (int32_t)(uint32_t)l->key[k];
		s->inv[i] = k;
		s->row[k] = at;
		at += l->count[i];
	}
	s->row[n] = at;
	s->adj = alloc_n(in->nedges, sizeof *s->adj);
	if (!s->adj)
		return oom(e);
	/* row[k] is the start of row k; filling advances it to the end, then shift back */
	for (size_t x = 0; x < in->nedges; x++) {
		int32_t k = s->inv[l->ends[2 * x]];
		s->adj[s->row[k]++] = ADJ_PACK(l->ends[2 * x + 1], in->edges[x].score);
	}
	for (int32_t k = n; k > 0; k--)
		s->row[k] = s->row[k - 1];
	s->row[0] = 0;

	/* seen[q] = the last row with an edge to q: a second one in the same row is a duplicate */
	int32_t *seen = alloc_n((size_t)s->p, sizeof *seen);
	if (!seen)
		return oom(e);
	for (int32_t q = 0; q < s->p; q++)
		seen[q] = -1;
	int32_t kept = 0;
	enum xy_kind kind = XY_OK;
	for (int32_t k = 0; k < n && !kind; k++) {
		int32_t a = s->row[k], b = s->row[k + 1];
		sort_row(s->adj + a, b - a);
		s->row[k] = kept;
		for (int32_t x = a; x < b; x++) {
			int32_t q = ADJ_COL(s->adj[x]);
			if (seen[q] == k) {
				kind = xy_fail(
					e, XY_EINVALID, "duplicate_edge", "edges",
					"need %lld and provider %lld have more than one edge",
					(long long)s->need_id[(uint32_t)l->key[k]],
					(long long)s->prov_id[q]);
				break;
			}
			seen[q] = k;
			if (ADJ_W(s->adj[x]) > 0 && s->cap[q] > 0)
				s->adj[kept++] = s->adj[x];
		}
	}
	s->row[n] = kept;
	free(seen);
	return kind;
}

static enum xy_kind build_rows(struct solver *s, const struct match_instance *in, struct xy_err *e)
{
	size_t n = (size_t)s->n;
	struct layout l = { 0 };
	l.ends = alloc_n(in->nedges, 2 * sizeof *l.ends);
	l.count = alloc_n(n, sizeof *l.count);
	l.top = alloc_n(n, sizeof *l.top);
	l.best = alloc_n(n, sizeof *l.best);
	l.key = alloc_n(n, sizeof *l.key);
	s->row = alloc_n(n + 1, sizeof *s->row);
	s->inv = alloc_n(n, sizeof *s->inv);
	enum xy_kind k;
	if (!l.ends || !l.count || !l.top || !l.best || !l.key || !s->row || !s->inv)
		k = oom(e);
	else if (!(k = validate_edges(s, in, &l, e)))
		k = lay_out(s, in, &l, e);
	layout_free(&l);
	return k;
}

/* ---- solving -------------------------------------------------------------------------------- */

static enum xy_kind check_counts(const struct match_instance *in, struct xy_err *e)
{
	if (in->nneeds > MATCH_NODES_MAX || in->nproviders > MATCH_NODES_MAX ||
	    in->nedges > MATCH_EDGES_MAX)
		return xy_fail(e, XY_ETOOBIG, "instance_too_big", NULL,
			       "an instance holds at most %d needs, %d providers and %d edges",
			       MATCH_NODES_MAX, MATCH_NODES_MAX, MATCH_EDGES_MAX);
	XY_ASSERT(in->nneeds == 0 || in->needs);
	XY_ASSERT(in->nproviders == 0 || (in->providers && in->capacity));
	XY_ASSERT(in->nedges == 0 || in->edges);
	return XY_OK;
}

static enum xy_kind solver_alloc(struct solver *s, struct xy_err *e)
{
	size_t n = (size_t)s->n, p = (size_t)s->p, nodes = n + p;
	s->match = alloc_n(n, sizeof *s->match);
	s->mscore = alloc_n(n, sizeof *s->mscore);
	s->next = alloc_n(n, sizeof *s->next);
	s->prev = alloc_n(n, sizeof *s->prev);
	s->u = alloc_n(n, sizeof *s->u);
	s->load = alloc_n(p, sizeof *s->load);
	s->first = alloc_n(p, sizeof *s->first);
	s->v = alloc_n(p, sizeof *s->v);
	s->pred_need = alloc_n(p, sizeof *s->pred_need);
	s->pred_edge = alloc_n(p, sizeof *s->pred_edge);
	s->dist = alloc_n(nodes, sizeof *s->dist);
	s->pos = alloc_n(nodes, sizeof *s->pos);
	s->heap = alloc_n(nodes, sizeof *s->heap);
	s->touched = alloc_n(nodes, sizeof *s->touched);
	if (!s->match || !s->mscore || !s->next || !s->prev || !s->u || !s->load || !s->first ||
	    !s->v || !s->pred_need || !s->pred_edge || !s->dist || !s->pos || !s->heap ||
	    !s->touched)
		return oom(e);
	for (size_t i = 0; i < n; i++) {
		s->match[i] = -1;
		s->u[i] = 0;
	}
	for (size_t q = 0; q < p; q++) {
		s->load[q] = 0;
		s->first[q] = -1;
		s->v[q] = 0;
	}
	for (size_t x = 0; x < nodes; x++)
		s->pos[x] = -1;
	return XY_OK;
}

enum xy_kind match_solve(const struct match_instance *in, struct match_result *out,
			 struct xy_err *e)
{
	memset(out, 0, sizeof *out);
	enum xy_kind k = check_counts(in, e);
	if (k)
		return k;
	struct solver s;
	memset(&s, 0, sizeof s);
	if ((k = rank_nodes(&s, in, e)) || (k = build_rows(&s, in, e)) || (k = solver_alloc(&s, e)))
		goto done;
	/* in the internal order: the needs sharing a best provider one after the other, so that
	 * consecutive searches work on the same part of the graph, warm in the cache (any order
	 * gives an optimum) */
	for (int32_t x = 0; x < s.n; x++)
		insert_need(&s, x);

	size_t npairs = 0;
	for (int32_t x = 0; x < s.n; x++)
		npairs += s.match[x] >= 0;
	out->pairs = alloc_n(npairs, sizeof *out->pairs);
	if (!out->pairs) {
		k = oom(e);
		goto done;
	}
	for (int32_t i = 0; i < s.n; i++) {
		int32_t x = s.inv[i];
		if (s.match[x] < 0)
			continue;
		struct match_pair *pr = &out->pairs[out->npairs++];
		pr->need = s.need_id[i];
		pr->provider = s.prov_id[s.match[x]];
		pr->score = s.mscore[x];
		out->objective += pr->score;
	}
done:
	solver_free(&s);
	return k;
}

void match_result_release(struct match_result *r)
{
	free(r->pairs);
	memset(r, 0, sizeof *r);
}

/* ---- from attributes to edges --------------------------------------------------------------- */

static enum xy_kind check_need(const struct match_need *n, size_t x, struct xy_err *e)
{
	char field[64];
	if (n->category < 0 || n->category >= MATCH_CAT_COUNT) {
		snprintf(field, sizeof field, "needs[%zu].category", x);
		return xy_fail(e, XY_EINVALID, "unknown_category", field,
			       "need %lld has an unknown category", (long long)n->id);
	}
	if (!n->area_path) {
		snprintf(field, sizeof field, "needs[%zu].area", x);
		return xy_fail(e, XY_EINVALID, "area_required", field, "need %lld has no area",
			       (long long)n->id);
	}
	return XY_OK;
}

static enum xy_kind check_provider(const struct match_provider *p, size_t x, struct xy_err *e)
{
	char field[64];
	if (p->capacity < 0) {
		snprintf(field, sizeof field, "providers[%zu].capacity", x);
		return xy_fail(e, XY_EINVALID, "negative_capacity", field,
			       "provider %lld has a negative capacity (%lld)", (long long)p->id,
			       (long long)p->capacity);
	}
	if (p->kind < 0 || p->kind >= MATCH_KIND_COUNT) {
		snprintf(field, sizeof field, "providers[%zu].kind", x);
		return xy_fail(e, XY_EINVALID, "unknown_kind", field,
			       "provider %lld has an unknown kind", (long long)p->id);
	}
	if ((p->skills & ~MATCH_CATSET_ALL) != 0) {
		snprintf(field, sizeof field, "providers[%zu].skills", x);
		return xy_fail(e, XY_EINVALID, "unknown_category", field,
			       "provider %lld has an unknown skill", (long long)p->id);
	}
	if (!p->area_path) {
		snprintf(field, sizeof field, "providers[%zu].area", x);
		return xy_fail(e, XY_EINVALID, "area_required", field,
			       "provider %lld has no service area", (long long)p->id);
	}
	return XY_OK;
}

static bool in_reach(const struct match_need *n, const struct match_provider *p,
		     enum match_reach reach)
{
	return p->capacity > 0 &&
	       (reach == MATCH_REACH_ANY || area_path_within(p->area_path, n->area_path));
}

enum xy_kind match_build_edges(const struct match_need *needs, size_t nneeds,
			       const struct match_provider *providers, size_t nproviders,
			       enum match_reach reach, struct match_edge **edges, size_t *nedges,
			       struct xy_err *e)
{
	*edges = NULL;
	*nedges = 0;
	if (nneeds > MATCH_NODES_MAX || nproviders > MATCH_NODES_MAX)
		return xy_fail(e, XY_ETOOBIG, "instance_too_big", NULL,
			       "at most %d needs and %d providers", MATCH_NODES_MAX,
			       MATCH_NODES_MAX);
	enum xy_kind k;
	for (size_t x = 0; x < nneeds; x++)
		if ((k = check_need(&needs[x], x, e)))
			return k;
	for (size_t x = 0; x < nproviders; x++)
		if ((k = check_provider(&providers[x], x, e)))
			return k;

	/* by_cat[c]: the providers that can serve category c, in the order given */
	size_t start[MATCH_CAT_COUNT + 1] = { 0 };
	for (size_t x = 0; x < nproviders; x++) {
		match_catset serves = match_serves(providers[x].skills);
		for (int c = 0; c < MATCH_CAT_COUNT; c++)
			start[c + 1] += (serves >> c) & 1;
	}
	for (int c = 0; c < MATCH_CAT_COUNT; c++)
		start[c + 1] += start[c];
	int32_t *by_cat = alloc_n(start[MATCH_CAT_COUNT], sizeof *by_cat);
	if (!by_cat)
		return oom(e);
	size_t fill[MATCH_CAT_COUNT];
	memcpy(fill, start, sizeof fill);
	for (size_t x = 0; x < nproviders; x++) {
		match_catset serves = match_serves(providers[x].skills);
		for (int c = 0; c < MATCH_CAT_COUNT; c++)
			if ((serves >> c) & 1)
				by_cat[fill[c]++] = (int32_t)x;
	}

	size_t n = 0, room = 0;
	struct match_edge *out = NULL;
	for (size_t x = 0; x < nneeds; x++) {
		const struct match_need *nd = &needs[x];
		for (size_t y = start[nd->category]; y < start[nd->category + 1]; y++) {
			const struct match_provider *p = &providers[by_cat[y]];
			if (!in_reach(nd, p, reach))
				continue;
			if (n == room) {
				size_t grow = room ? room * 2 : 1024;
				struct match_edge *more =
					grow > MATCH_EDGES_MAX ? NULL
							       : realloc(out, grow * sizeof *out);
				if (!more) {
					free(out);
					free(by_cat);
					return grow > MATCH_EDGES_MAX
						       ? xy_fail(e, XY_ETOOBIG, "instance_too_big",
								 NULL,
								 "more than %d candidate edges",
								 MATCH_EDGES_MAX)
						       : oom(e);
				}
				out = more;
				room = grow;
			}
			out[n].need = nd->id;
			out[n].provider = p->id;
			out[n].score = match_score(nd, p, NULL);
			n++;
		}
	}
	free(by_cat);
	*edges = out;
	*nedges = n;
	return XY_OK;
}

/* ---- suggestions with reasons --------------------------------------------------------------- */

struct by_id {
	int64_t id;
	size_t at;
};

static int cmp_by_id(const void *a, const void *b)
{
	return cmp_i64(&((const struct by_id *)a)->id, &((const struct by_id *)b)->id);
}

static size_t by_id_find(const struct by_id *v, size_t n, int64_t id)
{
	struct by_id key = { id, 0 };
	const struct by_id *hit = bsearch(&key, v, n, sizeof *v, cmp_by_id);
	XY_ASSERT(hit);
	return hit->at;
}

enum xy_kind match_suggest(const struct match_need *needs, size_t nneeds,
			   const struct match_provider *providers, size_t nproviders,
			   enum match_reach reach, struct match_suggestion **out, size_t *nout,
			   int64_t *objective, struct xy_err *e)
{
	*out = NULL;
	*nout = 0;
	*objective = 0;
	struct match_edge *edges = NULL;
	size_t nedges = 0;
	enum xy_kind k =
		match_build_edges(needs, nneeds, providers, nproviders, reach, &edges, &nedges, e);
	if (k)
		return k;
	int64_t *ids = alloc_n(nneeds + 2 * nproviders, sizeof *ids);
	struct by_id *nix = alloc_n(nneeds, sizeof *nix);
	struct by_id *pix = alloc_n(nproviders, sizeof *pix);
	struct match_result r = { 0 };
	if (!ids || !nix || !pix) {
		k = oom(e);
		goto done;
	}
	for (size_t x = 0; x < nneeds; x++) {
		ids[x] = needs[x].id;
		nix[x] = (struct by_id){ needs[x].id, x };
	}
	for (size_t x = 0; x < nproviders; x++) {
		ids[nneeds + x] = providers[x].id;
		ids[nneeds + nproviders + x] = providers[x].capacity;
		pix[x] = (struct by_id){ providers[x].id, x };
	}
	struct match_instance in = { .nneeds = nneeds,
				     .nproviders = nproviders,
				     .nedges = nedges,
				     .needs = ids,
				     .providers = ids + nneeds,
				     .capacity = ids + nneeds + nproviders,
				     .edges = edges };
	if ((k = match_solve(&in, &r, e)))
		goto done;
	qsort(nix, nneeds, sizeof *nix, cmp_by_id);
	qsort(pix, nproviders, sizeof *pix, cmp_by_id);
	*out = alloc_n(r.npairs, sizeof **out);
	if (!*out) {
		k = oom(e);
		goto done;
	}
	for (size_t x = 0; x < r.npairs; x++) {
		struct match_suggestion *sg = &(*out)[x];
		sg->need = r.pairs[x].need;
		sg->provider = r.pairs[x].provider;
		sg->score = match_score(&needs[by_id_find(nix, nneeds, sg->need)],
					&providers[by_id_find(pix, nproviders, sg->provider)],
					&sg->why);
	}
	*nout = r.npairs;
	*objective = r.objective;
done:
	match_result_release(&r);
	free(pix);
	free(nix);
	free(ids);
	free(edges);
	return k;
}

/* ---- top-k for one need --------------------------------------------------------------------- */

/* Does candidate (sa, ia) rank before (sb, ib)? */
static bool ranks_before(int32_t sa, int64_t ia, int32_t sb, int64_t ib)
{
	return sa > sb || (sa == sb && ia < ib);
}

enum xy_kind match_topk(const struct match_need *need, const struct match_provider *providers,
			size_t nproviders, enum match_reach reach, size_t k,
			struct match_candidate *out, size_t *nout, struct xy_err *e)
{
	*nout = 0;
	enum xy_kind kind = check_need(need, 0, e);
	if (kind)
		return kind;
	size_t n = 0;
	size_t *at = k ? alloc_n(k, sizeof *at) : NULL;
	if (k && !at)
		return oom(e);
	for (size_t x = 0; x < nproviders; x++) {
		const struct match_provider *p = &providers[x];
		if ((kind = check_provider(p, x, e))) {
			free(at);
			return kind;
		}
		if (!in_reach(need, p, reach))
			continue;
		int32_t sc = match_score(need, p, NULL);
		if (sc < 0 || k == 0)
			continue;
		if (n == k && !ranks_before(sc, p->id, out[n - 1].score, out[n - 1].provider))
			continue;
		size_t y = n < k ? n++ : n - 1;
		for (; y > 0 && ranks_before(sc, p->id, out[y - 1].score, out[y - 1].provider);
		     y--) {
			out[y].provider = out[y - 1].provider;
			out[y].score = out[y - 1].score;
			at[y] = at[y - 1];
		}
		out[y].provider = p->id;
		out[y].score = sc;
		at[y] = x;
	}
	for (size_t y = 0; y < n; y++)
		match_score(need, &providers[at[y]], &out[y].why);
	free(at);
	*nout = n;
	return XY_OK;
}
