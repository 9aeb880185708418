/* activities — the activities (活动) a project runs: time, category, an optional venue zone,
 * capacity, residents' sign-ups and the person-times served (attendance).
 *
 * Rules: staff with ACT_PROJECT_DRAFT in the project's area add activities to approved or
 * in_progress projects; a zone must be one of a venue inside the project's community, and the
 * activity books it in the same transaction (an overlap is 409 booking_overlap and nothing is
 * written). Residents of the community (ACT_ACTIVITY_JOIN) sign up once each, while there is
 * room and until the activity ends; the count of sign-ups is kept on the activity by one
 * conditional UPDATE, so parallel sign-ups never exceed the capacity. Attendance is recorded
 * once the activity has started. Audit: activity.created, activity.signup,
 * activity.attendance (with the old and new figure). */
#ifndef XY_STORE_ACTIVITIES_H
#define XY_STORE_ACTIVITIES_H

#include <jansson.h>
#include <stdbool.h>

#include "core/area.h"
#include "store/store.h"

#define ACTIVITY_TITLE_MAX 100
#define PERSON_TIMES_MAX   100000

struct activity_input {
	const char *title, *category, *starts_at, *ends_at;
	int64_t zone_id; /* 0 = no venue zone */
	int64_t capacity;
	bool has_capacity; /* else the zone's capacity, or no limit */
};

enum xy_kind activity_create(struct store *s, const struct actor *who, int64_t project_id,
			     const struct activity_input *in, int64_t *id, struct xy_err *e);

/* {items, total, page, per_page}: a project's activities in time order. */
enum xy_kind project_activities(struct store *s, const struct actor *who, int64_t project_id,
				const struct page *pg, json_t **out, struct xy_err *e);

/* One activity; signed_up says whether the actor signed up. Caller owns *out. */
enum xy_kind activity_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
			  struct xy_err *e);

/* The actor signs up; *out = {activity_id, signups, capacity}. */
enum xy_kind activity_signup(struct store *s, const struct actor *who, int64_t id, json_t **out,
			     struct xy_err *e);

/* Sets the person-times served (0..PERSON_TIMES_MAX); *out = {activity_id, person_times,
 * project_person_times}. */
enum xy_kind activity_attendance(struct store *s, const struct actor *who, int64_t id,
				 int64_t count, json_t **out, struct xy_err *e);

/* An activity as the other rings check it. */
struct activity_facts {
	int64_t id, project_id, area_id, starts_at, ends_at;
	int64_t capacity; /* 0 = no limit */
	int64_t signups, person_times;
	char area_path[AREA_PATH_MAX];
};

/* Loads an activity; 404 activity_not_found. */
enum xy_kind activity_facts_load(struct db *db, int64_t id, struct activity_facts *out,
				 struct xy_err *e);

#endif
