/* routes — the route table: every path the server answers. docs/openapi.yaml documents each
 * one (tests/api/test_openapi.py checks it against `xinyuan routes`). */
#include "http/handlers.h"
#include "http/server.h"

const struct route routes[] = {
	{ "GET", "/api/v1/health", h_health, ROUTE_PUBLIC, "liveness and version" },
	{ "POST", "/api/v1/session", h_session_create, ROUTE_PUBLIC, "log in" },
	{ "GET", "/api/v1/session", h_session_get, 0, "current session, user and CSRF token" },
	{ "DELETE", "/api/v1/session", h_session_delete, 0, "log out" },
	{ "POST", "/api/v1/users", h_users_create, 0, "create a user with role grants" },
	{ "POST", "/api/v1/register", h_register, ROUTE_PUBLIC, "resident self-registration" },
	{ "GET", "/api/v1/areas", h_areas_list, ROUTE_PUBLIC, "the area tree" },
	{ "POST", "/api/v1/areas", h_areas_create, 0, "add an area (admin)" },
	{ "GET", "/api/v1/categories", h_categories_list, ROUTE_PUBLIC, "need categories" },
	{ "POST", "/api/v1/needs", h_needs_create, 0, "submit or record a need" },
	{ "GET", "/api/v1/needs", h_needs_list, 0, "list needs" },
	{ "GET", "/api/v1/needs/{id}", h_needs_get, 0, "one need with supporters and history" },
	{ "POST", "/api/v1/needs/{id}/support", h_needs_support, 0, "+1 a need" },
	{ "POST", "/api/v1/needs/{id}/transitions", h_needs_transition, 0, "move a need" },
	{ "POST", "/api/v1/providers", h_providers_create, 0, "add a provider to a pool" },
	{ "GET", "/api/v1/providers", h_providers_list, 0, "list providers" },
	{ "GET", "/api/v1/providers/{id}", h_providers_get, 0, "one provider" },
	{ "GET", "/api/v1/audit", h_audit_list, 0, "audit events" },
	{ "GET", "/api/v1/audit/verify", h_audit_verify, 0, "verify the audit chain" },
	{ "GET", "/api/v1/stats", h_stats, 0, "supervision figures" },
	{ "POST", "/api/v1/funds", h_funds_create, 0, "set up a special fund (admin)" },
	{ "GET", "/api/v1/funds", h_funds_list, 0, "list special funds" },
	{ "GET", "/api/v1/funds/{id}", h_funds_get, 0, "one fund with its ledger" },
	{ "POST", "/api/v1/funds/{id}/allocations", h_funds_allocate, 0,
	  "allocate a fund to an area or a project" },
	{ "POST", "/api/v1/projects", h_projects_create, 0, "draft a project from accepted needs" },
	{ "GET", "/api/v1/projects", h_projects_list, 0, "list projects" },
	{ "GET", "/api/v1/projects/{id}", h_projects_get, 0, "one project with needs and history" },
	{ "POST", "/api/v1/projects/{id}/transitions", h_projects_transition, 0, "move a project" },
	{ "POST", "/api/v1/projects/{id}/expenditures", h_projects_spend, 0,
	  "record a project's expenditure" },
	{ "GET", "/api/v1/projects/{id}/ledger", h_projects_ledger, 0,
	  "a project's allocations and expenditures" },
	{ "POST", "/api/v1/match", h_match, 0, "the matching engine's suggestion for an area" },
	{ "GET", "/api/v1/needs/{id}/candidates", h_needs_candidates, 0,
	  "the best providers for one need, with reasons" },
};

const int routes_count = (int)(sizeof routes / sizeof routes[0]);
