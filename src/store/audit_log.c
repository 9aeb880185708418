#include "store/audit_log.h"

#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/timefmt.h"
#include "store/store.h"

#define AUDIT_SCAN_BATCH 2000

enum xy_kind store_audit_append(struct db *db, int64_t actor_id, int64_t area_id,
				const char *action, const char *entity, int64_t entity_id,
				json_t *data, struct xy_err *e)
{
	struct audit_event ev = { .actor_id = actor_id,
				  .area_id = area_id,
				  .action = action,
				  .entity = entity,
				  .entity_id = entity_id };
	char path[AREA_PATH_MAX] = "/";
	int rc;
	struct db_stmt *st = db_stmt(db, STMT_AUDIT_HEAD);
	if (!st || (rc = db_step(st)) != DB_ROW)
		return db_fail(db, st ? rc : DB_FAIL, e);
	ev.id = db_col_i64(st, 0) + 1;
	snprintf(ev.prev_hash, sizeof ev.prev_hash, "%s", db_col_text(st, 1));
	db_reset(st);
	if (area_id > 0) {
		st = db_stmt(db, STMT_AREA_PATH);
		if (!st)
			return db_fail(db, DB_FAIL, e);
		db_bind_i64(st, 1, area_id);
		if ((rc = db_step(st)) != DB_ROW)
			return db_fail(db, rc == DB_DONE ? DB_FAIL : rc, e);
		snprintf(path, sizeof path, "%s", db_col_text(st, 0));
		db_reset(st);
	}
	ev.at = time_now();
	ev.area_path = path;
	char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return xy_fail(e, XY_EINTERNAL, "audit_encode", NULL, "cannot encode audit data");
	ev.data = text;
	audit_seal(&ev);

	st = db_stmt(db, STMT_AUDIT_INSERT);
	if (st) {
		db_bind_i64(st, 1, ev.id);
		db_bind_i64(st, 2, ev.at);
		db_bind_i64(st, 3, ev.actor_id);
		db_bind_i64(st, 4, ev.area_id);
		db_bind_text(st, 5, path);
		db_bind_text(st, 6, ev.action);
		db_bind_text(st, 7, ev.entity);
		db_bind_i64(st, 8, ev.entity_id);
		db_bind_text(st, 9, ev.data);
		db_bind_text(st, 10, ev.prev_hash);
		db_bind_text(st, 11, ev.hash);
		rc = db_run(st);
	} else {
		rc = DB_FAIL;
	}
	free(text);
	if (rc != DB_OK)
		return db_fail(db, rc, e);
	st = db_stmt(db, STMT_AUDIT_HEAD_SET);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, ev.id);
	db_bind_text(st, 2, ev.hash);
	rc = db_run(st);
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

static void read_event(struct db_stmt *st, struct audit_event *ev)
{
	ev->id = db_col_i64(st, 0);
	ev->at = db_col_i64(st, 1);
	ev->actor_id = db_col_i64(st, 2);
	ev->area_id = db_col_i64(st, 3);
	ev->action = db_col_text(st, 4);
	ev->entity = db_col_text(st, 5);
	ev->entity_id = db_col_i64(st, 6);
	ev->data = db_col_text(st, 7);
	snprintf(ev->prev_hash, sizeof ev->prev_hash, "%s", db_col_text(st, 8));
	snprintf(ev->hash, sizeof ev->hash, "%s", db_col_text(st, 9));
	ev->area_path = db_col_text(st, 10);
}

static void bad(struct audit_report *r, int64_t id, const char *what)
{
	if (!r->ok)
		return;
	r->ok = false;
	r->bad_id = id;
	snprintf(r->problem, sizeof r->problem, "%s", what);
}

enum xy_kind audit_log_verify(struct store *s, struct audit_report *r, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	memset(r, 0, sizeof *r);
	r->ok = true;
	if (db_begin_read(db) != DB_OK)
		return db_fail(db, DB_RETRY, e);
	int rc;
	struct db_stmt *st = db_stmt(db, STMT_AUDIT_HEAD_READ);
	if (!st || (rc = db_step(st)) != DB_ROW) {
		db_rollback(db);
		return db_fail(db, st ? rc : DB_FAIL, e);
	}
	int64_t head_id = db_col_i64(st, 0);
	char head_hash[AUDIT_HASH_LEN + 1];
	snprintf(head_hash, sizeof head_hash, "%s", db_col_text(st, 1));
	db_reset(st);

	char running[AUDIT_HASH_LEN + 1] = AUDIT_GENESIS;
	int64_t last = 0;
	for (;;) {
		st = db_stmt(db, STMT_AUDIT_SCAN);
		if (!st) {
			db_rollback(db);
			return db_fail(db, DB_FAIL, e);
		}
		db_bind_i64(st, 1, last);
		db_bind_i64(st, 2, AUDIT_SCAN_BATCH);
		int n = 0;
		while ((rc = db_step(st)) == DB_ROW) {
			struct audit_event ev;
			read_event(st, &ev);
			n++;
			r->count++;
			if (ev.id != last + 1)
				bad(r, last + 1, "event is missing (removed from the chain)");
			else if (strcmp(ev.prev_hash, running) != 0)
				bad(r, ev.id, "prev_hash does not link to the previous event");
			else if (!audit_check(&ev))
				bad(r, ev.id, "hash does not match the event's contents (altered)");
			snprintf(running, sizeof running, "%s", ev.hash);
			last = ev.id;
		}
		db_reset(st);
		if (rc != DB_DONE) {
			db_rollback(db);
			return db_fail(db, rc, e);
		}
		if (n < AUDIT_SCAN_BATCH)
			break;
	}
	db_rollback(db);
	if (last != head_id)
		bad(r, last < head_id ? last + 1 : head_id + 1,
		    "the chain ends before its recorded head (events removed)");
	else if (strcmp(running, head_hash) != 0)
		bad(r, last, "the last event's hash differs from the recorded head");
	snprintf(r->head, sizeof r->head, "%s", running);
	return XY_OK;
}

static json_t *event_json(const struct audit_event *ev)
{
	char at[40];
	time_iso(ev->at, at, sizeof at);
	json_t *data = json_loads(ev->data, 0, NULL);
	return json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:I, s:o, s:s, s:s}", "id",
			 (json_int_t)ev->id, "at", at, "actor_id", (json_int_t)ev->actor_id,
			 "area_id", (json_int_t)ev->area_id, "action", ev->action, "entity",
			 ev->entity, "entity_id", (json_int_t)ev->entity_id, "data",
			 data ? data : json_object(), "prev_hash", ev->prev_hash, "hash", ev->hash);
}

enum xy_kind audit_log_list(struct store *s, const struct actor *who, const char *entity,
			    int64_t entity_id, struct page pg, json_t **out, struct xy_err *e)
{
	const struct grant *g = actor_grant_any(who, ACT_AUDIT_READ);
	if (!g)
		return xy_fail(e, XY_EFORBIDDEN, "forbidden", NULL,
			       "your role may not read the audit trail");
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	char upper[AREA_PATH_MAX];
	area_path_upper(g->scope, upper, sizeof upper);
	int rc;
	struct db_stmt *st = db_stmt(db, STMT_AUDIT_COUNT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, g->scope);
	db_bind_text(st, 2, upper);
	db_bind_text(st, 3, entity);
	db_bind_id(st, 4, entity_id);
	if ((rc = db_step(st)) != DB_ROW)
		return db_fail(db, rc, e);
	json_int_t total = db_col_i64(st, 0);
	db_reset(st);

	st = db_stmt(db, STMT_AUDIT_LIST);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_text(st, 1, g->scope);
	db_bind_text(st, 2, upper);
	db_bind_text(st, 3, entity);
	db_bind_id(st, 4, entity_id);
	db_bind_i64(st, 5, pg.per_page);
	db_bind_i64(st, 6, (int64_t)(pg.page - 1) * pg.per_page);
	json_t *items = json_array();
	while ((rc = db_step(st)) == DB_ROW) {
		struct audit_event ev;
		read_event(st, &ev);
		json_array_append_new(items, event_json(&ev));
	}
	db_reset(st);
	if (rc != DB_DONE) {
		json_decref(items);
		return db_fail(db, rc, e);
	}
	*out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "page", pg.page,
			 "per_page", pg.per_page);
	return XY_OK;
}
