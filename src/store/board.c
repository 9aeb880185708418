#include "store/board.h"

#include <stdio.h>

#include "store/areas.h"
#include "store/rowjson.h"
#include "store/stats.h"

/* A catalogue statement bound to the subtree range ($1, $2) and a limit ($3). */
static struct db_stmt *subtree_stmt(struct db *db, enum stmt_id id, const char *path,
				    const char *upper, int64_t limit)
{
	struct db_stmt *st = db_stmt(db, id);
	if (!st)
		return NULL;
	db_bind_text(st, 1, path);
	db_bind_text(st, 2, upper);
	db_bind_i64(st, 3, limit);
	return st;
}

/* The rows of st (bound) encoded by row, in a new array in *out. */
static enum xy_kind rows_json(struct db *db, struct db_stmt *st, rowjson_row_fn row, json_t **out,
			      struct xy_err *e)
{
	*out = st ? rowjson_rows(st, row, NULL) : NULL;
	return *out ? XY_OK : db_fail(db, DB_FAIL, e);
}

static json_t *need_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *o = json_pack("{s:s?, s:s, s:s, s:s, s:s, s:o, s:I}", "tracking_no",
			      db_col_text(st, 0), "category", db_col_text(st, 1), "title",
			      db_col_text(st, 2), "status", db_col_text(st, 3), "area_name",
			      db_col_text(st, 4), "created_at", rowjson_time(db_col_i64(st, 5)),
			      "supporters", (json_int_t)db_col_i64(st, 6));
	json_object_set_new(o, "reason", rowjson_text(db_col_text(st, 7)));
	if (!db_col_null(st, 8))
		json_object_set_new(o, "merged_into_tracking_no", json_string(db_col_text(st, 8)));
	return o;
}

static json_t *decision_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *o = json_pack("{s:s, s:s, s:o, s:s}", "kind", db_col_text(st, 0), "decision",
			      db_col_text(st, 1), "at", rowjson_time(db_col_i64(st, 2)), "title",
			      db_col_text(st, 5));
	json_object_set_new(o, "reason", rowjson_text(db_col_text(st, 3)));
	if (!db_col_null(st, 4))
		json_object_set_new(o, "tracking_no", json_string(db_col_text(st, 4)));
	if (!db_col_null(st, 6))
		json_object_set_new(o, "merged_into_tracking_no", json_string(db_col_text(st, 6)));
	if (db_col_i64(st, 7))
		json_object_set_new(o, "project_id", json_integer(db_col_i64(st, 7)));
	return o;
}

static json_t *project_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	int64_t ratings = db_col_i64(st, 11), evaluations = db_col_i64(st, 13);
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I}", "id",
		(json_int_t)db_col_i64(st, 0), "title", db_col_text(st, 1), "status",
		db_col_text(st, 2), "area_name", db_col_text(st, 3), "budget_fen",
		(json_int_t)db_col_i64(st, 4), "allocated_fen", (json_int_t)db_col_i64(st, 5),
		"spent_fen", (json_int_t)db_col_i64(st, 6), "created_at",
		rowjson_time(db_col_i64(st, 7)), "needs", (json_int_t)db_col_i64(st, 8),
		"activities", (json_int_t)db_col_i64(st, 9), "person_times",
		(json_int_t)db_col_i64(st, 10), "ratings", (json_int_t)ratings);
	json_object_set_new(o, "satisfaction_rate", rowjson_ratio(db_col_i64(st, 12), ratings));
	json_object_set_new(o, "evaluation_score", rowjson_ratio(db_col_i64(st, 14), evaluations));
	return o;
}

static json_t *expenditure_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:o}", "project_id",
			 (json_int_t)db_col_i64(st, 0), "project_title", db_col_text(st, 1),
			 "amount_fen", (json_int_t)db_col_i64(st, 2), "payee", db_col_text(st, 3),
			 "receipt_no", db_col_text(st, 4), "at", rowjson_time(db_col_i64(st, 5)));
}

static enum xy_kind board_fill(struct db *db, const struct area_row *a, struct page pg, json_t *o,
			       struct xy_err *e)
{
	char upper[AREA_PATH_MAX];
	area_path_upper(a->path, upper, sizeof upper);
	const struct rowjson_param range[] = { { .text = a->path }, { .text = upper } };
	json_t *v = NULL, *fig = NULL;
	enum xy_kind k = rowjson_list(db, STMT_BOARD_NEEDS_TOTAL, STMT_BOARD_NEEDS, range, 2, 2,
				      &pg, need_row, NULL, &v, e);
	if (k)
		return k;
	json_object_set_new(o, "needs", v);
	if ((k = rows_json(
		     db,
		     subtree_stmt(db, STMT_BOARD_DECISIONS, a->path, upper, BOARD_DECISIONS_MAX),
		     decision_row, &v, e)))
		return k;
	json_object_set_new(o, "decisions", v);
	if ((k = rows_json(
		     db, subtree_stmt(db, STMT_BOARD_PROJECTS, a->path, upper, BOARD_PROJECTS_MAX),
		     project_row, &v, e)))
		return k;
	json_object_set_new(o, "projects", v);
	if ((k = rows_json(db,
			   subtree_stmt(db, STMT_BOARD_EXPENDITURES, a->path, upper,
					BOARD_EXPENDITURES_MAX),
			   expenditure_row, &v, e)))
		return k;
	if ((k = stats_area(db, a->path, 0, &fig, e))) {
		json_decref(v);
		return k;
	}
	json_t *money =
		json_pack("{s:O, s:O, s:O, s:o}", "funds_fen", json_object_get(fig, "funds_fen"),
			  "allocated_fen", json_object_get(fig, "allocated_fen"), "spent_fen",
			  json_object_get(fig, "spent_fen"), "expenditures", v);
	json_object_set_new(o, "money", money);
	static const char *const results[] = {
		"events",  "person_times",      "activity_categories", "projects",       "needs",
		"ratings", "satisfaction_rate", "response_rate",       "resolution_rate"
	};
	json_t *res = json_object();
	for (size_t i = 0; i < sizeof results / sizeof *results; i++)
		json_object_set(res, results[i], json_object_get(fig, results[i]));
	json_object_set_new(o, "results", res);
	json_decref(fig);
	return XY_OK;
}

enum xy_kind board_get(struct store *s, int64_t area_id, struct page pg, json_t **out,
		       struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	struct area_row a;
	enum xy_kind k = area_load(db, area_id, "area_id", &a, e);
	if (k)
		return k;
	json_t *o = json_pack("{s:{s:I, s:s, s:s}}", "area", "id", (json_int_t)a.id, "name", a.name,
			      "kind", area_kind_name((enum area_kind)a.kind));
	/* one snapshot, so the needs, the ledger and the figures agree with each other */
	if (db_begin_read(db) != DB_OK) {
		json_decref(o);
		return db_fail(db, DB_FAIL, e);
	}
	k = board_fill(db, &a, pg, o, e);
	db_rollback(db);
	if (k) {
		json_decref(o);
		return k;
	}
	*out = o;
	return XY_OK;
}
