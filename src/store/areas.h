/* areas — the area tree and the category list as stored. */
#ifndef XY_STORE_AREAS_H
#define XY_STORE_AREAS_H

#include <jansson.h>

#include "core/area.h"
#include "core/role.h"
#include "store/store.h"

struct area_row {
	int64_t id, parent_id;
	char name[128];
	int kind;
	char path[AREA_PATH_MAX];
};

/* Reads one area; XY_ENOTFOUND (code area_not_found, field) when it does not exist. */
enum xy_kind area_load(struct db *db, int64_t id, const char *field, struct area_row *out,
		       struct xy_err *e);

/* The nearest area of `kind` on the path of a (a itself included); XY_ENOTFOUND if none. */
enum xy_kind area_ancestor(struct db *db, const struct area_row *a, int kind, struct area_row *out,
			   struct xy_err *e);

/* The subtree a list covers: area_id (0 = none given) when it lies in a scope where the actor
 * may take act (403 out_of_scope otherwise), else the scope of the actor's most capable grant
 * for act (403 forbidden when there is none). path receives the subtree's path. */
enum xy_kind area_scope(struct db *db, const struct actor *who, enum action act, int64_t area_id,
			char path[AREA_PATH_MAX], struct xy_err *e);

/* XY_OK when some grant of the actor allows act at path (a record's area). Otherwise 403:
 * out_of_scope when the actor may take act elsewhere (the record lies outside their area),
 * forbidden with the message `forbidden` when no role of theirs may take it at all. */
enum xy_kind area_allow(const struct actor *who, enum action act, const char *path,
			const char *forbidden, struct xy_err *e);

/* {items:[{id, name, kind, parent_id}], total}. Areas are public. */
enum xy_kind areas_list(struct store *s, json_t **out, struct xy_err *e);

/* Adds an area under parent_id (0 for a new province); admin only; kind must fit the parent. */
enum xy_kind area_create(struct store *s, const struct actor *who, const char *name,
			 const char *kind, int64_t parent_id, int64_t *id, struct xy_err *e);

/* {items:[{code, name, name_en}], total}. */
enum xy_kind categories_list(struct store *s, json_t **out, struct xy_err *e);

/* XY_OK when code is a known category, else 422 invalid_category on field. */
enum xy_kind category_check(struct db *db, const char *code, const char *field, struct xy_err *e);

#endif
