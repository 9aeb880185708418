/* stats — the supervision figures of an area subtree and a calendar year. The rules are written
 * here once and serve GET /api/v1/stats, the per-community table, the public board's results and
 * `xinyuan report`.
 *
 * What each figure counts (year 0 = all years):
 *   needs, needs_by_status, response_rate, resolution_rate, overdue_needs
 *                      needs created in the year (store/needs.c: needs_stats_area)
 *   projects, projects_by_status
 *                      projects created in the year
 *   overdue_projects   of those, the ones not final whose stage deadline (due_at) has passed
 *   overdue            overdue_needs + overdue_projects
 *   events, activity_categories, person_times, activities_by_category
 *                      activities starting in the year (events_upcoming: those not started yet)
 *   ratings, satisfied, basically_satisfied, unsatisfied, satisfaction_rate
 *                      feedback given in the year; rate = (satisfied + basically) / ratings
 *   funds_fen          the amounts of the funds of the year whose area lies in the subtree
 *   allocated_fen      money that left a fund of the year for an area or a project in the
 *                      subtree: earmarks and direct project allocations (parent_id NULL), not
 *                      the project allocations drawn from an earmark, which it already counts
 *   spent_fen          expenditures of projects in the subtree paid from funds of the year
 * Money counts by the fund's year, so a year's funds, allocations and spending add up even when
 * the last receipt is booked in January. Rates are fractions 0..1, null with nothing to divide.
 */
#ifndef XY_STORE_STATS_H
#define XY_STORE_STATS_H

#include <jansson.h>

#include "core/area.h"
#include "store/store.h"

/* At most this many rows in the per-community table (a wider scope is refused with 422). */
#define STATS_COMMUNITIES_MAX 1000

/* The figures of the subtree at path, for a caller that has checked the scope (or serves the
 * public). *out is a new object the caller owns. */
enum xy_kind stats_area(struct db *db, const char *path, int year, json_t **out, struct xy_err *e);

/* The figures of area_id's subtree (0 = the actor's scope) with ACT_STATS_READ checked, plus
 * area_id (as given, null for 0) and area {id, name, kind} (the subtree's root, null for the
 * whole tree). 403 out_of_scope / forbidden, 404 area_not_found. */
enum xy_kind stats_get(struct store *s, const struct actor *who, int64_t area_id, int year,
		       json_t **out, struct xy_err *e);

/* One row of figures per community in the subtree (the street office's view):
 * {items:[{area_id, name, street, ...figures}], total, year}, in tree order. */
enum xy_kind stats_communities(struct store *s, const struct actor *who, int64_t area_id, int year,
			       json_t **out, struct xy_err *e);

#endif
