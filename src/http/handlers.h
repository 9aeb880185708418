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
/* Answers with out (stolen) and status when k is XY_OK, else with the error e. */
void handler_reply(struct req *r, enum xy_kind k, int status, json_t *out, const struct xy_err *e);
/* Accepts an empty body or an empty JSON object (actions that take no input); replies on
 * error. */
bool handler_no_body(struct req *r);
/* A list of the record named by the path's id, paged by the query. */
typedef enum xy_kind (*handler_list_fn)(struct store *s, const struct actor *who, int64_t id,
					const struct page *pg, json_t **out, struct xy_err *e);
void handler_list_of(struct req *r, handler_list_fn fn);

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
void h_needs_similar(struct req *r);
void h_needs_get(struct req *r);
void h_needs_support(struct req *r);
void h_needs_transition(struct req *r);
void h_providers_create(struct req *r);
void h_providers_list(struct req *r);
void h_providers_get(struct req *r);
void h_audit_list(struct req *r);
void h_audit_verify(struct req *r);
void h_stats(struct req *r);
void h_stats_communities(struct req *r);
void h_public_board(struct req *r);
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
void h_venues_create(struct req *r);
void h_venues_list(struct req *r);
void h_venues_get(struct req *r);
void h_zones_create(struct req *r);
void h_zones_book(struct req *r);
void h_zones_bookings(struct req *r);
void h_activities_create(struct req *r);
void h_activities_list(struct req *r);
void h_activities_get(struct req *r);
void h_activities_signup(struct req *r);
void h_activities_attendance(struct req *r);
void h_feedback_create(struct req *r);
void h_feedback_list(struct req *r);
void h_evaluation_create(struct req *r);
void h_evaluations_list(struct req *r);
void h_funds_split(struct req *r);
void h_population_set(struct req *r);
void h_pb_rounds_create(struct req *r);
void h_pb_rounds_list(struct req *r);
void h_pb_rounds_get(struct req *r);
void h_pb_rounds_ballot(struct req *r);
void h_pb_rounds_close(struct req *r);
void h_public_pb_round(struct req *r);
void h_public_pb_rounds(struct req *r);

#endif
