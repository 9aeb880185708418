/* venues — activity spaces (e.g. 七彩空间) of a community, their colour-coded zones and the
 * bookings of each zone.
 *
 * A venue belongs to a community or a compound; staff with ACT_VENUE_WRITE in its area add
 * zones and book them; whoever may read projects there (ACT_PROJECT_READ) sees them.
 * Invariant: the bookings of one zone never overlap ([a,b) and [c,d) overlap iff a < d and
 * c < b). A booking takes the zone's row lock first (FOR UPDATE on PostgreSQL; SQLite has one
 * writer), then looks for a clash and inserts in the same transaction, so two parallel
 * requests cannot both pass the check. Every change writes its audit event (venue.created,
 * zone.created, booking.created) in its transaction. */
#ifndef XY_STORE_VENUES_H
#define XY_STORE_VENUES_H

#include <jansson.h>
#include <stdbool.h>

#include "core/area.h"
#include "store/store.h"

/* Text limits, in code points. */
#define VENUE_NAME_MAX      60
#define VENUE_ADDRESS_MAX   200
#define ZONE_NAME_MAX       40
#define ZONE_PURPOSE_MAX    200
#define BOOKING_PURPOSE_MAX 200
#define CAPACITY_MAX        100000
/* The longest a booking (or an activity) may last. */
#define BOOKING_SPAN_MAX (31 * 86400)

struct venue_input {
	int64_t area_id;
	const char *name;
	const char *address; /* may be NULL */
};

enum xy_kind venue_create(struct store *s, const struct actor *who, const struct venue_input *in,
			  int64_t *id, struct xy_err *e);

struct venue_filter {
	int64_t area_id; /* 0 = the actor's ACT_PROJECT_READ scope */
	struct page pg;
};

/* {items, total, page, per_page} in id order; each item counts its zones. */
enum xy_kind venues_list(struct store *s, const struct actor *who, const struct venue_filter *f,
			 json_t **out, struct xy_err *e);

/* One venue with its zones. Caller owns *out. */
enum xy_kind venue_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
		       struct xy_err *e);

struct zone_input {
	const char *name;
	const char
		*colour; /* red, blue, white, silver, green, orange, purple, yellow, cyan, other */
	const char *purpose; /* may be NULL */
	int64_t capacity;
	bool has_capacity; /* capacity was given (else: no limit) */
};

/* true when colour is one of the zone colours (七彩空间: red party-member activities, blue
 * safety education, white medical services, silver elderly services, green environmental
 * education, orange science classroom, purple children; also yellow, cyan, other). */
bool zone_colour_ok(const char *colour);

/* Adds a zone to a venue; 409 zone_exists when the venue already has a zone of that name.
 * *out is the zone (caller owns). */
enum xy_kind zone_create(struct store *s, const struct actor *who, int64_t venue_id,
			 const struct zone_input *in, json_t **out, struct xy_err *e);

/* A zone as the other rings check it. */
struct zone_facts {
	int64_t id, venue_id, venue_area_id, capacity; /* capacity 0 = no limit */
	char venue_path[AREA_PATH_MAX];
};

/* Loads a zone and its venue's area; 404 zone_not_found. */
enum xy_kind zone_facts_load(struct db *db, int64_t id, struct zone_facts *out, struct xy_err *e);

/* Reads a booking's (or an activity's) times: both ISO 8601 with an offset (422 invalid_time
 * on the field), between 2000 and 2099, ends after starts (422 invalid_time_range) and at most
 * BOOKING_SPAN_MAX long (422 span_too_long). */
enum xy_kind booking_times_parse(const char *starts_at, const char *ends_at, int64_t *starts,
				 int64_t *ends, struct xy_err *e);

/* Books a zone inside the caller's transaction: takes the zone's lock, refuses an overlap
 * with 409 booking_overlap (naming the booking it clashes with), inserts the booking and
 * writes booking.created. The zone (z) was loaded in this transaction. */
enum xy_kind zone_book_tx(struct db *db, const struct actor *who, const struct zone_facts *z,
			  int64_t starts, int64_t ends, const char *purpose, int64_t activity_id,
			  int64_t *booking_id, struct xy_err *e);

struct booking_input {
	const char *starts_at, *ends_at, *purpose;
	int64_t activity_id; /* 0 = none: an activity of a project in the venue's community */
};

/* Books a zone (ACT_VENUE_WRITE in the venue's area); *out is the booking (caller owns). */
enum xy_kind zone_book(struct store *s, const struct actor *who, int64_t zone_id,
		       const struct booking_input *in, json_t **out, struct xy_err *e);

struct booking_filter {
	const char *from, *to; /* ISO 8601; NULL = open. Bookings overlapping [from, to). */
	struct page pg;
};

/* {items, total, page, per_page} of a zone's bookings in time order. */
enum xy_kind zone_bookings(struct store *s, const struct actor *who, int64_t zone_id,
			   const struct booking_filter *f, json_t **out, struct xy_err *e);

#endif
