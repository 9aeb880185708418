#include "store/matching.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/areas.h"
#include "store/sqlb.h"

#define NEED_COLS                                                                                  \
	"SELECT n.id, n.area_id, n.created_at, n.status, n.category, n.urgency, n.area_path, "     \
	"n.title, n.beneficiaries FROM needs n"

static void need_read(struct db_stmt *st, struct match_need_row *r)
{
	r->id = db_col_i64(st, 0);
	r->area_id = db_col_i64(st, 1);
	r->created_at = db_col_i64(st, 2);
	snprintf(r->status, sizeof r->status, "%s", db_col_text(st, 3));
	snprintf(r->category, sizeof r->category, "%s", db_col_text(st, 4));
	snprintf(r->urgency, sizeof r->urgency, "%s", db_col_text(st, 5));
	snprintf(r->area_path, sizeof r->area_path, "%s", db_col_text(st, 6));
	snprintf(r->title, sizeof r->title, "%s", db_col_text(st, 7));
	snprintf(r->beneficiaries, sizeof r->beneficiaries, "%s", db_col_text(st, 8));
}

static int by_id(const void *a, const void *b)
{
	int64_t x = ((const struct match_need_row *)a)->id,
		y = ((const struct match_need_row *)b)->id;
	return (x > y) - (x < y);
}

/* The given needs, sorted by id like every list the matcher reads. */
static enum xy_kind needs_given(struct db *db, const struct actor *who, const int64_t *ids, int n,
				struct match_data *d, struct xy_err *e)
{
	d->needs = xy_calloc((size_t)n, sizeof *d->needs);
	for (int i = 0; i < n; i++) {
		struct db_stmt *st = db_stmt_sql(db, NEED_COLS " WHERE n.id = $1");
		if (!st)
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, ids[i]);
		int rc = db_step(st);
		if (rc == DB_ROW)
			need_read(st, &d->needs[d->nneeds]);
		db_reset(st);
		if (rc == DB_DONE)
			return xy_fail(e, XY_EINVALID, "need_not_found", "need_ids",
				       "need %lld does not exist", (long long)ids[i]);
		if (rc != DB_ROW)
			return db_fail(db, rc, e);
		const char *path = d->needs[d->nneeds].area_path;
		if (!actor_may(who, ACT_NEED_TRIAGE, path) || !area_path_within(d->area_path, path))
			return xy_fail(e, XY_EFORBIDDEN, "out_of_scope", "need_ids",
				       "need %lld is outside your area", (long long)ids[i]);
		for (int j = 0; j < d->nneeds; j++)
			if (d->needs[j].id == ids[i])
				return xy_fail(e, XY_EINVALID, "duplicate_need", "need_ids",
					       "need %lld is listed twice", (long long)ids[i]);
		d->nneeds++;
	}
	qsort(d->needs, (size_t)d->nneeds, sizeof *d->needs, by_id);
	return XY_OK;
}

static enum xy_kind needs_open(struct db *db, struct match_data *d, struct xy_err *e)
{
	char upper[AREA_PATH_MAX];
	area_path_upper(d->area_path, upper, sizeof upper);
	struct sqlb b;
	sqlb_init(&b, NEED_COLS);
	sqlb_text(&b, " WHERE n.area_path >= ?", d->area_path);
	sqlb_text(&b, " AND n.area_path < ?", upper);
	sqlb_raw(&b, " AND n.status IN ('submitted', 'accepted', 'wish_open')");
	sqlb_int(&b, " ORDER BY n.id LIMIT ?", MATCH_AREA_NEEDS_MAX);
	struct db_stmt *st = sqlb_stmt(&b, db);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	d->needs = xy_calloc(64, sizeof *d->needs);
	int cap = 64, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (d->nneeds == cap) {
			cap *= 2;
			d->needs = xy_realloc(d->needs, (size_t)cap * sizeof *d->needs);
		}
		need_read(st, &d->needs[d->nneeds++]);
	}
	db_reset(st);
	return rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
}

/* Providers that may serve needs of the area at path: inside the area (or, below community
 * level, inside its community) or registered above it. One row per provider and skill. */
static enum xy_kind providers_load(struct db *db, struct match_data *d, struct xy_err *e)
{
	char lo[AREA_PATH_MAX], hi[AREA_PATH_MAX];
	if (area_path_depth(d->area_path) > AREA_DEPTH_COMMUNITY)
		area_path_prefix(d->area_path, AREA_DEPTH_COMMUNITY, lo, sizeof lo);
	else
		snprintf(lo, sizeof lo, "%s", d->area_path);
	area_path_upper(lo, hi, sizeof hi);
	struct sqlb b;
	sqlb_init(&b, "SELECT p.id, p.kind, p.name, p.area_path, p.capacity, (SELECT COUNT(*) "
		      "FROM needs c WHERE c.provider_id = p.id AND c.status = 'claimed'), "
		      "s.category FROM providers p JOIN provider_skills s ON s.provider_id = p.id");
	sqlb_text(&b, " WHERE ((p.area_path >= ?", lo);
	sqlb_text(&b, " AND p.area_path < ?)", hi);
	sqlb_text(&b, " OR substr(?, 1, length(p.area_path)) = p.area_path)", d->area_path);
	sqlb_raw(&b, " ORDER BY p.id, s.category");
	struct db_stmt *st = sqlb_stmt(&b, db);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	int cap = 16, rc;
	d->providers = xy_calloc((size_t)cap, sizeof *d->providers);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_i64(st, 0);
		struct match_provider_row *p =
			d->nproviders ? &d->providers[d->nproviders - 1] : NULL;
		if (!p || p->id != id) {
			if (d->nproviders == MATCH_PROVIDERS_MAX)
				break;
			if (d->nproviders == cap) {
				cap *= 2;
				d->providers = xy_realloc(d->providers,
							  (size_t)cap * sizeof *d->providers);
			}
			p = &d->providers[d->nproviders++];
			memset(p, 0, sizeof *p);
			p->id = id;
			snprintf(p->kind, sizeof p->kind, "%s", db_col_text(st, 1));
			snprintf(p->name, sizeof p->name, "%s", db_col_text(st, 2));
			snprintf(p->area_path, sizeof p->area_path, "%s", db_col_text(st, 3));
			p->capacity = db_col_i64(st, 4);
			p->open_claims = db_col_i64(st, 5);
		}
		size_t len = strlen(p->skills);
		snprintf(p->skills + len, sizeof p->skills - len, "%s%s", len ? "," : "",
			 db_col_text(st, 6));
	}
	db_reset(st);
	return rc == DB_DONE || rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

enum xy_kind match_data_load(struct store *s, const struct actor *who, int64_t area_id,
			     const int64_t *need_ids, int nids, struct match_data *out,
			     struct xy_err *e)
{
	memset(out, 0, sizeof *out);
	if (nids > MATCH_GIVEN_MAX)
		return xy_fail(e, XY_EINVALID, "too_many_items", "need_ids",
			       "need_ids holds at most %d needs", MATCH_GIVEN_MAX);
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	enum xy_kind k = area_scope(db, who, ACT_NEED_TRIAGE, area_id, out->area_path, e);
	if (k)
		return k;
	if (db_begin_read(db) != DB_OK)
		return db_fail(db, DB_RETRY, e);
	k = nids ? needs_given(db, who, need_ids, nids, out, e) : needs_open(db, out, e);
	if (!k)
		k = providers_load(db, out, e);
	db_rollback(db);
	if (k)
		match_data_release(out);
	return k;
}

void match_data_release(struct match_data *d)
{
	free(d->needs);
	free(d->providers);
	d->needs = NULL;
	d->providers = NULL;
	d->nneeds = d->nproviders = 0;
}
