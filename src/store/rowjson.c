#include "store/rowjson.h"

#include "core/timefmt.h"

json_t *rowjson_time(int64_t t)
{
	char iso[40];
	time_iso(t, iso, sizeof iso);
	return json_string(iso);
}

json_t *rowjson_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *rowjson_text(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *rowjson_int_or_null(struct db_stmt *st, int col)
{
	return db_col_null(st, col) ? json_null() : json_integer(db_col_i64(st, col));
}

json_t *rowjson_ratio(int64_t num, int64_t den)
{
	return den > 0 ? json_real((double)num / (double)den) : json_null();
}

json_t *rowjson_page(json_t *items, int64_t total, const struct page *pg)
{
	return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page",
			 pg->page, "per_page", pg->per_page);
}

int rowjson_scalar(struct db_stmt *st, int64_t *out)
{
	int rc = db_step(st);
	if (rc == DB_ROW)
		*out = db_col_i64(st, 0);
	db_reset(st);
	return rc == DB_ROW ? DB_OK : rc;
}

void rowjson_bind_page(struct db_stmt *st, int idx, const struct page *pg)
{
	db_bind_i64(st, idx, pg->per_page);
	db_bind_i64(st, idx + 1, (int64_t)(pg->page - 1) * pg->per_page);
}

json_t *rowjson_rows(struct db_stmt *st, rowjson_row_fn fn, const void *ctx)
{
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, fn(st, ctx));
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return NULL;
	}
	return items;
}

static void bind_params(struct db_stmt *st, const struct rowjson_param *p, int np)
{
	for (int i = 0; i < np; i++) {
		if (p[i].text)
			db_bind_text(st, i + 1, p[i].text);
		else
			db_bind_i64(st, i + 1, p[i].i);
	}
}

enum xy_kind rowjson_list(struct db *db, enum stmt_id count, enum stmt_id list,
			  const struct rowjson_param *p, int ncount, int np, const struct page *pg,
			  rowjson_row_fn fn, const void *ctx, json_t **out, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, count);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	bind_params(st, p, ncount);
	int64_t total = 0;
	int rc = rowjson_scalar(st, &total);
	if (rc != DB_OK)
		return db_fail(db, rc, e);
	if (!(st = db_stmt(db, list)))
		return db_fail(db, DB_FAIL, e);
	bind_params(st, p, np);
	rowjson_bind_page(st, np + 1, pg);
	json_t *items = rowjson_rows(st, fn, ctx);
	if (!items)
		return db_fail(db, DB_FAIL, e);
	*out = rowjson_page(items, total, pg);
	return XY_OK;
}
