/* rowjson — how stored values look in the API's JSON: times as ISO 8601 with offset, absent
 * ids and texts as null, list pages as {items, total, page, per_page}. Each function returns a
 * new reference the caller owns (or steals into an object with json_object_set_new). */
#ifndef XY_STORE_ROWJSON_H
#define XY_STORE_ROWJSON_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* "2026-11-29T10:04:05+08:00". */
json_t *rowjson_time(int64_t t);

/* The id, or null for 0 (an optional foreign key). */
json_t *rowjson_id(int64_t id);

/* The text, or null for NULL. */
json_t *rowjson_text(const char *s);

/* A column read as an integer, or null when it is SQL NULL. */
json_t *rowjson_int_or_null(struct db_stmt *st, int col);

/* num / den as a JSON real (a rate, an average), or null when den is 0. */
json_t *rowjson_ratio(int64_t num, int64_t den);

/* {items, total, page, per_page}; steals items. */
json_t *rowjson_page(json_t *items, int64_t total, const struct page *pg);

/* Steps st (bound) for one row and reads its first column (a count or a sum); resets st.
 * DB_OK, or the failing step's code. */
int rowjson_scalar(struct db_stmt *st, int64_t *out);

/* Binds a page as LIMIT (parameter idx) and OFFSET (idx + 1). */
void rowjson_bind_page(struct db_stmt *st, int idx, const struct page *pg);

/* Encodes the current row of st; ctx is the caller's. */
typedef json_t *(*rowjson_row_fn)(struct db_stmt *st, const void *ctx);

/* Steps st (bound) to its end and collects fn's value of each row in an array; resets st.
 * NULL (nothing to free) when a step fails. */
json_t *rowjson_rows(struct db_stmt *st, rowjson_row_fn fn, const void *ctx);

/* A parameter of rowjson_list: text when text is not NULL, else the integer i. */
struct rowjson_param {
	const char *text;
	int64_t i;
};

/* One list page: the statement `count` bound with p[0..ncount) gives the total; the
 * statement `list` bound with p[0..np), then LIMIT and OFFSET (parameters np+1 and np+2),
 * gives the rows, each encoded by fn. *out = {items, total, page, per_page}. */
enum xy_kind rowjson_list(struct db *db, enum stmt_id count, enum stmt_id list,
			  const struct rowjson_param *p, int ncount, int np, const struct page *pg,
			  rowjson_row_fn fn, const void *ctx, json_t **out, struct xy_err *e);

#endif
