#include "store/fund_split.h"

#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"
#include "store/areas.h"

struct pop_set {
	const struct actor *who;
	int64_t area_id;
	const struct population_input *in;
};

static enum xy_kind pop_set_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct pop_set *c = arg;
	struct area_row a;
	enum xy_kind k = area_load(db, c->area_id, "area_id", &a, e);
	if (k)
		return k;
	if ((k = area_allow(c->who, ACT_FUND_ALLOCATE, a.path,
			    "your role may not keep the population register", e)))
		return k;
	if (a.kind != AREA_COMPOUND)
		return xy_fail(e, XY_EINVALID, "not_a_courtyard", "area_id",
			       "the population register is kept per courtyard (compound)");
	struct db_stmt *st = db_stmt(db, STMT_POPULATION_SET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	const struct population_input *in = c->in;
	db_bind_i64(st, 1, a.id);
	db_bind_i64(st, 2, in->residents);
	db_bind_i64(st, 3, in->elderly);
	db_bind_i64(st, 4, in->children);
	db_bind_i64(st, 5, in->disabled);
	db_bind_i64(st, 6, in->low_income);
	db_bind_id(st, 7, c->who->user_id);
	db_bind_i64(st, 8, time_now());
	int rc = db_run(st);
	if (rc != DB_OK)
		return db_fail(db, rc, e);
	json_t *data = json_pack(
		"{s:I, s:I, s:I, s:I, s:I}", "residents", (json_int_t)in->residents, "elderly",
		(json_int_t)in->elderly, "children", (json_int_t)in->children, "disabled",
		(json_int_t)in->disabled, "low_income", (json_int_t)in->low_income);
	k = store_audit_append(db, c->who->user_id, a.id, "area.population_set", "area", a.id, data,
			       e);
	json_decref(data);
	return k;
}

enum xy_kind area_population_set(struct store *s, const struct actor *who, int64_t area_id,
				 const struct population_input *in, struct xy_err *e)
{
	const struct {
		const char *name;
		int64_t v;
	} f[] = { { "residents", in->residents },
		  { "elderly", in->elderly },
		  { "children", in->children },
		  { "disabled", in->disabled },
		  { "low_income", in->low_income } };
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (f[i].v < 0 || f[i].v > POPULATION_MAX)
			return xy_fail(e, XY_EINVALID, "invalid_count", f[i].name,
				       "%s must be 0 to %d", f[i].name, POPULATION_MAX);
		if (i && f[i].v > in->residents)
			return xy_fail(e, XY_EINVALID, "more_than_residents", f[i].name,
				       "%s cannot exceed the residents", f[i].name);
	}
	struct pop_set c = { who, area_id, in };
	return store_tx(s, pop_set_tx, &c, e);
}

/* Adds the open needs of the subtree to the courtyards whose path they lie in. */
static enum xy_kind add_needs(struct db *db, const char *path, const char *upper,
			      struct split_figures *f, char (*paths)[AREA_PATH_MAX],
			      struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_SPLIT_NEEDS);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, path);
	db_bind_text(st, 2, upper);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *np = db_col_text(st, 0), *urgency = db_col_text(st, 1);
		for (size_t i = 0; i < f->n; i++) {
			if (!area_path_within(paths[i], np))
				continue;
			struct split_courtyard *c = &f->c[i];
			int64_t n = db_col_i64(st, 2);
			if (strcmp(urgency, "high") == 0)
				c->needs_high += n;
			else if (strcmp(urgency, "low") == 0)
				c->needs_low += n;
			else
				c->needs_normal += n;
			c->supporters += db_col_i64(st, 3);
			break;
		}
	}
	db_reset(st);
	return rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
}

static enum xy_kind figures_read(struct db *db, const struct actor *who, int64_t fund_id,
				 struct split_figures *f, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_FUND_GET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, fund_id);
	int rc = db_step(st);
	char path[AREA_PATH_MAX], upper[AREA_PATH_MAX];
	if (rc == DB_ROW) {
		f->fund_id = db_col_i64(st, 0);
		f->area_id = db_col_i64(st, 1);
		snprintf(path, sizeof path, "%s", db_col_text(st, 2));
		f->amount_fen = db_col_i64(st, 5);
		f->allocated_fen = db_col_i64(st, 6);
		snprintf(f->area_name, sizeof f->area_name, "%s", db_col_text(st, 8));
	}
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_ENOTFOUND, "fund_not_found", NULL, "fund %lld does not exist",
			       (long long)fund_id);
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	enum xy_kind k = area_allow(who, ACT_FUND_ALLOCATE, path,
				    "your role may not allocate special funds", e);
	if (k)
		return k;
	area_path_upper(path, upper, sizeof upper);
	if (!(st = db_stmt(db, STMT_SPLIT_COURTYARDS)))
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, path);
	db_bind_text(st, 2, upper);
	size_t cap = 0;
	char(*paths)[AREA_PATH_MAX] = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		if (f->n == cap) {
			cap = cap ? 2 * cap : 16;
			f->c = xy_realloc(f->c, cap * sizeof *f->c);
			paths = xy_realloc(paths, cap * sizeof *paths);
		}
		struct split_courtyard *c = &f->c[f->n];
		memset(c, 0, sizeof *c);
		c->area_id = db_col_i64(st, 0);
		snprintf(c->name, sizeof c->name, "%s", db_col_text(st, 1));
		snprintf(paths[f->n], AREA_PATH_MAX, "%s", db_col_text(st, 2));
		c->registered = db_col_i64(st, 3) != 0;
		c->accounts = db_col_i64(st, 9);
		c->residents = c->registered ? db_col_i64(st, 4) : c->accounts;
		c->elderly = db_col_i64(st, 5);
		c->children = db_col_i64(st, 6);
		c->disabled = db_col_i64(st, 7);
		c->low_income = db_col_i64(st, 8);
		f->n++;
	}
	db_reset(st);
	k = rc == DB_DONE ? add_needs(db, path, upper, f, paths, e) : db_fail(db, rc, e);
	free(paths);
	return k;
}

enum xy_kind split_figures_load(struct store *s, const struct actor *who, int64_t fund_id,
				struct split_figures *out, struct xy_err *e)
{
	memset(out, 0, sizeof *out);
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	if (db_begin_read(db) != DB_OK)
		return db_fail(db, DB_RETRY, e);
	enum xy_kind k = figures_read(db, who, fund_id, out, e);
	db_rollback(db);
	return k;
}

void split_figures_release(struct split_figures *f)
{
	free(f->c);
	memset(f, 0, sizeof *f);
}
