/* matching — what the matching engine needs from the database: the open needs of an area
 * (or given needs) and the providers that may serve them, with what is left of each
 * provider's capacity. Plain rows; src/http/match_run.c turns them into the engine's input.
 * Scope: the caller must be allowed to triage needs (ACT_NEED_TRIAGE) in the area. */
#ifndef XY_STORE_MATCHING_H
#define XY_STORE_MATCHING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/area.h"
#include "store/store.h"

/* At most this many needs take part in one area-wide match; the oldest come first. */
#define MATCH_AREA_NEEDS_MAX 5000
#define MATCH_PROVIDERS_MAX  5000
#define MATCH_GIVEN_MAX      200

struct match_need_row {
	int64_t id, area_id, created_at;
	char status[16], category[32], urgency[8];
	char area_path[AREA_PATH_MAX];
	char title[404];
	char beneficiaries[256]; /* JSON array text */
};

struct match_provider_row {
	int64_t id, capacity, open_claims; /* capacity 0 = no limit */
	char kind[12];
	char name[404];
	char area_path[AREA_PATH_MAX];
	char skills[400]; /* category codes, comma-separated */
};

/* Needs and providers are each sorted by id. */
struct match_data {
	char area_path[AREA_PATH_MAX];
	struct match_need_row *needs;
	int nneeds;
	struct match_provider_row *providers;
	int nproviders;
};

/* Loads the open needs (submitted, accepted, wish_open) of area_id's subtree, or the needs
 * need_ids (any status; each must lie in the caller's triage scope), and every provider that
 * may serve the area: registered inside it, above it, or (for an area inside a community) in
 * the same community. area_id 0 = the caller's scope. Release with match_data_release. */
enum xy_kind match_data_load(struct store *s, const struct actor *who, int64_t area_id,
			     const int64_t *need_ids, int nids, struct match_data *out,
			     struct xy_err *e);

void match_data_release(struct match_data *d);

#endif
