/* projects — service projects (服务项目) as stored: drafted from accepted needs, moved along the
 * machine of core/project.h, with their providers, history and deadlines. Approval moves the
 * project's needs to in_project; closing moves them to fulfilled (their residents then see the
 * need done and may confirm it); cancelling an approved project gives them back (accepted).
 * Every change writes its history row and audit event in the same transaction. */
#ifndef XY_STORE_PROJECTS_H
#define XY_STORE_PROJECTS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/area.h"
#include "core/project.h"
#include "store/store.h"

struct project_input {
	int64_t area_id;
	const char *title, *goals, *feasibility;
	int64_t need_ids[PROJECT_NEEDS_MAX];
	int nneeds;
	int64_t budget_fen;
	int64_t fund_id; /* 0 = none yet */
	int64_t provider_ids[PROJECT_PROVIDERS_MAX];
	int nproviders;
};

/* Drafts a project (status draft). The needs must be accepted needs of the project's
 * community not held by another open project; the fund (if given) must cover the project's
 * area; providers must serve it. */
enum xy_kind project_create(struct store *s, const struct actor *who,
			    const struct project_input *in, int64_t *id, struct xy_err *e);

struct project_filter {
	int64_t area_id; /* 0 = the actor's scope */
	const char *status;
	int year; /* 0 = all: projects created in that year */
	struct page pg;
};

/* {items, total, page, per_page}, newest first. */
enum xy_kind projects_list(struct store *s, const struct actor *who, const struct project_filter *f,
			   json_t **out, struct xy_err *e);

/* One project with needs, providers, history, allocations, expenditures and the figures of its
 * activities and feedback. */
enum xy_kind project_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
			 struct xy_err *e);

enum xy_kind project_transition(struct store *s, const struct actor *who, int64_t id,
				const char *to, const char *reason, struct xy_err *e);

/* What the other rings check before they touch a project (inside their own transaction). */
struct project_facts {
	int64_t id, area_id, community_id, fund_id, created_by;
	enum project_status status;
	char area_path[AREA_PATH_MAX];
	int64_t budget_fen, allocated_fen, spent_fen;
};

/* Loads a project; 404 project_not_found. Call inside a store_tx (or a read). */
enum xy_kind project_facts_load(struct db *db, int64_t id, struct project_facts *out,
				struct xy_err *e);

#endif
