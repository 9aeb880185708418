/* handlers — one function per route; each parses its input, calls the store and encodes the
 * answer. Shared helpers for paging and bodies live in handlers.c. */
#ifndef XY_HTTP_HANDLERS_H
#define XY_HTTP_HANDLERS_H

#include "http/json.h"
#include "http/req.h"
#include "store/store.h"

/* Reads page/per_page from the query (defaults 1 and PAGE_DEFAULT). */
enum xy_kind handler_page(struct req *r, struct page *pg, struct xy_err *e);
/* Parses the body as a JSON object and decodes it by the table; replies on error. */
bool handler_body(struct req *r, json_t **root, const struct jfield *f, int n);
/* The store of the server behind r. */
struct store *handler_store(struct req *r);

void h_health(struct req *r);
void h_session_create(struct req *r);
void h_session_get(struct req *r);
void h_session_delete(struct req *r);
void h_users_create(struct req *r);
void h_register(struct req *r);
void h_areas_list(struct req *r);
void h_areas_create(struct req *r);
void h_categories_list(struct req *r);
void h_needs_create(struct req *r);
void h_needs_list(struct req *r);
void h_needs_get(struct req *r);
void h_needs_support(struct req *r);
void h_needs_transition(struct req *r);
void h_providers_create(struct req *r);
void h_providers_list(struct req *r);
void h_providers_get(struct req *r);
void h_audit_list(struct req *r);
void h_audit_verify(struct req *r);
void h_stats(struct req *r);
void h_funds_create(struct req *r);
void h_funds_list(struct req *r);
void h_funds_get(struct req *r);
void h_funds_allocate(struct req *r);
void h_projects_create(struct req *r);
void h_projects_list(struct req *r);
void h_projects_get(struct req *r);
void h_projects_transition(struct req *r);
void h_projects_spend(struct req *r);
void h_projects_ledger(struct req *r);
void h_match(struct req *r);
void h_needs_candidates(struct req *r);

#endif
