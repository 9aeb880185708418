#include "http/match_run.h"

#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"
#include "engine/match.h"
#include "store/matching.h"

/* The engine's view of the loaded rows; paths are borrowed from d. */
struct view {
	struct match_need *needs;
	struct match_provider *providers;
};

static enum xy_kind view_build(const struct match_data *d, struct view *v, struct xy_err *e)
{
	v->needs = xy_calloc((size_t)d->nneeds + 1, sizeof *v->needs);
	v->providers = xy_calloc((size_t)d->nproviders + 1, sizeof *v->providers);
	int64_t now = time_now();
	for (int i = 0; i < d->nneeds; i++) {
		const struct match_need_row *r = &d->needs[i];
		struct match_need *n = &v->needs[i];
		n->id = r->id;
		n->category = match_category_parse(r->category);
		n->area_path = r->area_path;
		int u = need_urgency_parse(r->urgency);
		n->urgency = u < 0 ? URG_NORMAL : (enum need_urgency)u;
		int64_t days = (now - r->created_at) / 86400;
		n->days_waiting = (int32_t)(days < 0 ? 0 : days > 36500 ? 36500 : days);
		json_t *groups = json_loads(r->beneficiaries, 0, NULL);
		size_t k;
		json_t *g;
		json_array_foreach(groups, k, g)
		{
			if (json_is_string(g))
				match_need_add_group(n, json_string_value(g));
		}
		json_decref(groups);
		if (n->category < 0)
			return xy_fail(e, XY_EINTERNAL, "unknown_category", NULL,
				       "need %lld has a category the matcher does not know (%s)",
				       (long long)r->id, r->category);
	}
	for (int i = 0; i < d->nproviders; i++) {
		const struct match_provider_row *r = &d->providers[i];
		struct match_provider *p = &v->providers[i];
		p->id = r->id;
		p->area_path = r->area_path;
		p->kind = match_kind_parse(r->kind);
		/* capacity 0 means no limit: as many as there are needs */
		int64_t left = r->capacity ? r->capacity - r->open_claims : d->nneeds;
		p->capacity = left < 0 ? 0 : left;
		char skills[sizeof r->skills];
		snprintf(skills, sizeof skills, "%s", r->skills);
		for (char *save = NULL, *t = strtok_r(skills, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			match_provider_add_skill(p, t);
	}
	return XY_OK;
}

static void view_release(struct view *v)
{
	free(v->needs);
	free(v->providers);
}

static json_t *reasons_json(const struct match_reasons *why)
{
	json_t *a = json_array();
	for (int i = 0; i < why->n; i++)
		json_array_append_new(a, json_string(why->text[i]));
	return a;
}

/* The rows are sorted by id (match_data_load): binary search. */
#define FIND_BY_ID(rows, n, want)                                                                  \
	do {                                                                                       \
		int lo = 0, hi = (n)-1;                                                            \
		while (lo <= hi) {                                                                 \
			int mid = lo + (hi - lo) / 2;                                              \
			if ((rows)[mid].id == (want))                                              \
				return mid;                                                        \
			if ((rows)[mid].id < (want))                                               \
				lo = mid + 1;                                                      \
			else                                                                       \
				hi = mid - 1;                                                      \
		}                                                                                  \
		return -1;                                                                         \
	} while (0)

static int need_index(const struct match_data *d, int64_t id)
{
	FIND_BY_ID(d->needs, d->nneeds, id);
}

static int provider_index(const struct match_data *d, int64_t id)
{
	FIND_BY_ID(d->providers, d->nproviders, id);
}

/* Keeps the edges whose provider serves the need's area (area_provider_serves). */
static size_t edges_in_reach(const struct match_data *d, struct match_edge *edges, size_t n)
{
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		int ni = need_index(d, edges[i].need), pi = provider_index(d, edges[i].provider);
		if (ni >= 0 && pi >= 0 &&
		    area_provider_serves(d->providers[pi].area_path, d->needs[ni].area_path))
			edges[kept++] = edges[i];
	}
	return kept;
}

static enum xy_kind solve(const struct match_data *d, const struct view *v, json_t *out,
			  struct xy_err *e)
{
	struct match_edge *edges = NULL;
	size_t nedges = 0;
	enum xy_kind k =
		match_build_edges(v->needs, (size_t)d->nneeds, v->providers, (size_t)d->nproviders,
				  MATCH_REACH_ANY, &edges, &nedges, e);
	if (k)
		return k;
	nedges = edges_in_reach(d, edges, nedges);
	int64_t *nid = xy_calloc((size_t)d->nneeds + 1, sizeof *nid);
	int64_t *pid = xy_calloc((size_t)d->nproviders + 1, sizeof *pid);
	int64_t *cap = xy_calloc((size_t)d->nproviders + 1, sizeof *cap);
	for (int i = 0; i < d->nneeds; i++)
		nid[i] = v->needs[i].id;
	for (int i = 0; i < d->nproviders; i++) {
		pid[i] = v->providers[i].id;
		cap[i] = v->providers[i].capacity;
	}
	struct match_instance in = { .nneeds = (size_t)d->nneeds,
				     .nproviders = (size_t)d->nproviders,
				     .nedges = nedges,
				     .needs = nid,
				     .providers = pid,
				     .capacity = cap,
				     .edges = edges };
	struct match_result r = { 0 };
	k = match_solve(&in, &r, e);
	if (!k) {
		json_t *matches = json_array(), *unmatched = json_array();
		char *served = xy_calloc((size_t)d->nneeds + 1, 1);
		for (size_t i = 0; i < r.npairs; i++) {
			int ni = need_index(d, r.pairs[i].need);
			int pi = provider_index(d, r.pairs[i].provider);
			struct match_reasons why = { 0 };
			match_score(&v->needs[ni], &v->providers[pi], &why);
			served[ni] = 1;
			json_array_append_new(matches,
					      json_pack("{s:I, s:s, s:I, s:s, s:i, s:o}", "need_id",
							(json_int_t)r.pairs[i].need, "need_title",
							d->needs[ni].title, "provider_id",
							(json_int_t)r.pairs[i].provider,
							"provider_name", d->providers[pi].name,
							"score", (int)r.pairs[i].score, "reasons",
							reasons_json(&why)));
		}
		for (int i = 0; i < d->nneeds; i++)
			if (!served[i])
				json_array_append_new(unmatched, json_integer(d->needs[i].id));
		free(served);
		json_object_set_new(out, "objective", json_integer(r.objective));
		json_object_set_new(out, "matches", matches);
		json_object_set_new(out, "unmatched", unmatched);
	}
	match_result_release(&r);
	free(nid);
	free(pid);
	free(cap);
	free(edges);
	return k;
}

enum xy_kind match_run_area(struct store *s, const struct actor *who, int64_t area_id,
			    const int64_t *need_ids, int nids, json_t **out, struct xy_err *e)
{
	struct match_data d;
	enum xy_kind k = match_data_load(s, who, area_id, need_ids, nids, &d, e);
	if (k)
		return k;
	struct view v = { 0 };
	json_t *o = json_pack("{s:i, s:i}", "needs", d.nneeds, "providers", d.nproviders);
	if (!(k = view_build(&d, &v, e)))
		k = solve(&d, &v, o, e);
	view_release(&v);
	match_data_release(&d);
	if (k) {
		json_decref(o);
		return k;
	}
	*out = o;
	return XY_OK;
}

enum xy_kind match_run_candidates(struct store *s, const struct actor *who, int64_t need_id, int k,
				  json_t **out, struct xy_err *e)
{
	if (k < 1 || k > MATCH_TOPK_MAX)
		return xy_fail(e, XY_EINVALID, "invalid_parameter", "k", "k must be 1 to %d",
			       MATCH_TOPK_MAX);
	struct match_data d;
	enum xy_kind rc = match_data_load(s, who, 0, &need_id, 1, &d, e);
	if (rc) {
		if (rc == XY_EINVALID && strcmp(e->code, "need_not_found") == 0)
			return xy_fail(e, XY_ENOTFOUND, "need_not_found", NULL,
				       "need %lld does not exist", (long long)need_id);
		if (rc == XY_EFORBIDDEN)
			e->field[0] = '\0';
		return rc;
	}
	struct view v = { 0 };
	struct match_candidate *cand = xy_calloc((size_t)k, sizeof *cand);
	size_t n = 0;
	if (!(rc = view_build(&d, &v, e))) {
		/* only providers that serve the need's area are candidates */
		int m = 0;
		for (int i = 0; i < d.nproviders; i++)
			if (area_provider_serves(d.providers[i].area_path, d.needs[0].area_path)) {
				v.providers[m++] = v.providers[i];
			}
		rc = match_topk(&v.needs[0], v.providers, (size_t)m, MATCH_REACH_ANY, (size_t)k,
				cand, &n, e);
	}
	if (!rc) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			int pi = provider_index(&d, cand[i].provider);
			const struct match_provider_row *p = &d.providers[pi];
			json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:o}", "provider_id",
					      (json_int_t)p->id, "name", p->name, "kind", p->kind,
					      "score", (int)cand[i].score, "reasons",
					      reasons_json(&cand[i].why));
			/* null: no limit */
			json_object_set_new(o, "remaining_capacity",
					    p->capacity ? json_integer(p->capacity - p->open_claims)
							: json_null());
			json_array_append_new(arr, o);
		}
		*out = json_pack("{s:I, s:o}", "need_id", (json_int_t)need_id, "candidates", arr);
	}
	free(cand);
	view_release(&v);
	match_data_release(&d);
	return rc;
}
