#include "store/feedback.h"

#include <stdio.h>
#include <string.h>

#include "core/mask.h"
#include "core/project.h"
#include "core/text.h"
#include "core/timefmt.h"
#include "store/areas.h"
#include "store/projects.h"
#include "store/rowjson.h"

static bool rating_ok(const char *r)
{
	return r && (strcmp(r, "satisfied") == 0 || strcmp(r, "basically_satisfied") == 0 ||
		     strcmp(r, "unsatisfied") == 0);
}

/* Loads the project and checks the actor may take act on it. */
static enum xy_kind project_open(struct db *db, const struct actor *who, int64_t project_id,
				 enum action act, const char *forbidden, struct project_facts *p,
				 struct xy_err *e)
{
	enum xy_kind k = project_facts_load(db, project_id, p, e);
	if (k)
		return k;
	return area_allow(who, act, p->area_path, forbidden, e);
}

/* The calling thread's connection and the project, which the actor may read. */
static enum xy_kind project_read(struct store *s, const struct actor *who, int64_t project_id,
				 struct db **db, struct project_facts *p, struct xy_err *e)
{
	if (!(*db = store_conn(s, e)))
		return e->kind;
	return project_open(*db, who, project_id, ACT_PROJECT_READ,
			    "your role may not see projects", p, e);
}

/* ---- feedback -------------------------------------------------------------------------- */

struct rate {
	const struct actor *who;
	int64_t project_id;
	const struct feedback_input *in;
	int64_t id, at;
};

static enum xy_kind beneficiary_check(struct db *db, int64_t project_id, int64_t user_id,
				      struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_FEEDBACK_BENEFICIARY);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, project_id);
	db_bind_i64(st, 2, user_id);
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_DONE)
		return xy_fail(e, XY_EFORBIDDEN, "not_a_beneficiary", NULL,
			       "only residents who raised or supported one of the project's needs, "
			       "or signed up for one of its activities, rate it");
	return rc == DB_ROW ? XY_OK : db_fail(db, rc, e);
}

static enum xy_kind rate_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct rate *c = arg;
	struct project_facts p;
	enum xy_kind k = project_open(db, c->who, c->project_id, ACT_FEEDBACK,
				      "only residents rate projects", &p, e);
	if (k)
		return k;
	if (p.status != PROJECT_IN_PROGRESS && p.status != PROJECT_EVALUATING &&
	    p.status != PROJECT_CLOSED)
		return xy_fail(e, XY_ECONFLICT, "feedback_not_open", NULL,
			       "project %lld is %s; it is rated once it is in progress",
			       (long long)p.id, project_status_name(p.status));
	if ((k = beneficiary_check(db, p.id, c->who->user_id, e)))
		return k;
	c->at = time_now();
	struct db_stmt *st = db_stmt(db, STMT_FEEDBACK_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, p.id);
	db_bind_i64(st, 2, c->who->user_id);
	db_bind_text(st, 3, p.area_path);
	db_bind_text(st, 4, c->in->rating);
	if (c->in->has_score)
		db_bind_i64(st, 5, c->in->score);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, c->in->comment);
	db_bind_i64(st, 7, c->at);
	int rc = db_step(st);
	if (rc == DB_ROW)
		c->id = db_col_i64(st, 0);
	db_reset(st);
	if (rc == DB_CONFLICT)
		return xy_fail(e, XY_ECONFLICT, "already_rated", NULL,
			       "you have already rated this project");
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	json_t *data =
		json_pack("{s:I, s:s}", "project_id", (json_int_t)p.id, "rating", c->in->rating);
	json_object_set_new(data, "score",
			    c->in->has_score ? json_integer(c->in->score) : json_null());
	json_object_set_new(data, "comment", json_boolean(c->in->comment != NULL));
	k = store_audit_append(db, c->who->user_id, p.area_id, "feedback.created", "feedback",
			       c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind feedback_create(struct store *s, const struct actor *who, int64_t project_id,
			     const struct feedback_input *in, json_t **out, struct xy_err *e)
{
	if (!rating_ok(in->rating))
		return xy_fail(e, XY_EINVALID, "invalid_rating", "rating",
			       "rating must be satisfied, basically_satisfied or unsatisfied");
	if (in->has_score && (in->score < 1 || in->score > 5))
		return xy_fail(e, XY_EINVALID, "invalid_score", "score", "score must be 1 to 5");
	if (in->comment && !text_len_ok(in->comment, 1, FEEDBACK_COMMENT_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_comment", "comment",
			       "comment must be 1 to %d characters", FEEDBACK_COMMENT_MAX);
	struct rate c = { .who = who, .project_id = project_id, .in = in };
	enum xy_kind k = store_tx(s, rate_tx, &c, e);
	if (k)
		return k;
	json_t *o = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)c.id, "project_id",
			      (json_int_t)project_id, "rating", in->rating);
	json_object_set_new(o, "score", in->has_score ? json_integer(in->score) : json_null());
	json_object_set_new(o, "comment", rowjson_text(in->comment));
	json_object_set_new(o, "created_at", rowjson_time(c.at));
	*out = o;
	return XY_OK;
}

/* The figures over all of a project's ratings, and the actor's own rating, into o. */
static enum xy_kind feedback_figures(struct db *db, const struct actor *who, int64_t project_id,
				     json_t *o, struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_FEEDBACK_SUMMARY);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, project_id);
	int rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return db_fail(db, rc, e);
	}
	int64_t v[6];
	for (int i = 0; i < 6; i++)
		v[i] = db_col_i64(st, i);
	db_reset(st);
	json_object_set_new(o, "total", json_integer(v[0]));
	json_object_set_new(o, "satisfied", json_integer(v[1]));
	json_object_set_new(o, "basically_satisfied", json_integer(v[2]));
	json_object_set_new(o, "unsatisfied", json_integer(v[3]));
	json_object_set_new(o, "satisfaction_rate", rowjson_ratio(v[1] + v[2], v[0]));
	json_object_set_new(o, "average_score", rowjson_ratio(v[5], v[4]));
	if (!(st = db_stmt(db, STMT_FEEDBACK_MINE)))
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, project_id);
	db_bind_i64(st, 2, who->user_id);
	rc = db_step(st);
	json_object_set_new(o, "my_rating",
			    rc == DB_ROW ? json_string(db_col_text(st, 0)) : json_null());
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? XY_OK : db_fail(db, rc, e);
}

struct reader {
	const struct actor *who;
	bool pii; /* may read personal data in the project's area */
};

/* One rating as the reader may see it: the rater's name masked unless it is their own or they
 * may read personal data there. */
static json_t *feedback_row(struct db_stmt *st, const void *ctx)
{
	const struct reader *r = ctx;
	int64_t user = db_col_i64(st, 1);
	bool full = r->pii || user == r->who->user_id;
	const char *name = db_col_text(st, 2);
	char masked[64];
	if (!full)
		mask_name(name, masked, sizeof masked);
	json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)db_col_i64(st, 0), "rating",
			      db_col_text(st, 3));
	json_object_set_new(o, "score", rowjson_int_or_null(st, 4));
	json_object_set_new(o, "comment", rowjson_text(db_col_text(st, 5)));
	json_object_set_new(o, "created_at", rowjson_time(db_col_i64(st, 6)));
	json_object_set_new(o, "user",
			    json_pack("{s:o, s:s, s:b}", "user_id",
				      full ? json_integer(user) : json_null(), "name",
				      full ? name : masked, "masked", !full));
	return o;
}

enum xy_kind project_feedback(struct store *s, const struct actor *who, int64_t project_id,
			      const struct page *pg, json_t **out, struct xy_err *e)
{
	struct db *db;
	struct project_facts p;
	enum xy_kind k = project_read(s, who, project_id, &db, &p, e);
	if (k)
		return k;
	struct reader r = { .who = who, .pii = actor_may(who, ACT_PII_READ, p.area_path) };
	const struct rowjson_param par[] = { { .i = project_id } };
	json_t *o;
	if ((k = rowjson_list(db, STMT_FEEDBACK_SUMMARY, STMT_FEEDBACK_LIST, par, 1, 1, pg,
			      feedback_row, &r, &o, e)))
		return k;
	if ((k = feedback_figures(db, who, project_id, o, e))) {
		json_decref(o);
		return k;
	}
	*out = o;
	return XY_OK;
}

/* ---- evaluations ----------------------------------------------------------------------- */

/* A scorecard is an object of at most SCORECARD_MAX criteria (1..CRITERION_MAX characters)
 * each scored 0..100. */
static enum xy_kind scorecard_check(json_t *card, struct xy_err *e)
{
	if (json_object_size(card) > SCORECARD_MAX)
		return xy_fail(e, XY_EINVALID, "invalid_scorecard", "scorecard",
			       "a scorecard holds at most %d criteria", SCORECARD_MAX);
	const char *key;
	json_t *v;
	json_object_foreach(card, key, v)
	{
		if (!text_len_ok(key, 1, CRITERION_MAX))
			return xy_fail(e, XY_EINVALID, "invalid_scorecard", "scorecard",
				       "a criterion's name must be 1 to %d characters",
				       CRITERION_MAX);
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100)
			return xy_fail(e, XY_EINVALID, "invalid_scorecard", "scorecard",
				       "each criterion is scored with an integer 0 to 100");
	}
	return XY_OK;
}

struct file {
	const struct actor *who;
	int64_t project_id;
	const struct evaluation_input *in;
	const char *card; /* canonical JSON of the scorecard */
	int64_t id, at;
};

static enum xy_kind file_tx(struct db *db, void *arg, struct xy_err *e)
{
	struct file *c = arg;
	struct project_facts p;
	enum xy_kind k = project_open(db, c->who, c->project_id, ACT_EVALUATE,
				      "only third-party evaluators evaluate projects", &p, e);
	if (k)
		return k;
	if (actor_may(c->who, ACT_PROJECT_DRAFT, p.area_path) ||
	    actor_may(c->who, ACT_PROJECT_DECIDE, p.area_path) || p.created_by == c->who->user_id)
		return xy_fail(e, XY_EFORBIDDEN, "conflict_of_interest", NULL,
			       "you run or decide projects in this area (or made this one): "
			       "evaluation must be independent");
	if (p.status != PROJECT_EVALUATING)
		return xy_fail(e, XY_ECONFLICT, "project_not_evaluating", NULL,
			       "project %lld is %s; evaluations are filed while it is evaluating",
			       (long long)p.id, project_status_name(p.status));
	c->at = time_now();
	struct db_stmt *st = db_stmt(db, STMT_EVALUATION_INSERT);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, p.id);
	db_bind_i64(st, 2, c->who->user_id);
	db_bind_i64(st, 3, c->in->score);
	db_bind_text(st, 4, c->card);
	db_bind_text(st, 5, c->in->report);
	db_bind_i64(st, 6, c->at);
	int rc = db_step(st);
	if (rc == DB_ROW)
		c->id = db_col_i64(st, 0);
	db_reset(st);
	if (rc == DB_CONFLICT)
		return xy_fail(e, XY_ECONFLICT, "already_evaluated", NULL,
			       "you have already evaluated this project");
	if (rc != DB_ROW)
		return db_fail(db, rc, e);
	json_t *data =
		json_pack("{s:I, s:I, s:o}", "project_id", (json_int_t)p.id, "score",
			  (json_int_t)c->in->score, "scorecard", json_loads(c->card, 0, NULL));
	k = store_audit_append(db, c->who->user_id, p.area_id, "evaluation.filed", "evaluation",
			       c->id, data, e);
	json_decref(data);
	return k;
}

enum xy_kind evaluation_file(struct store *s, const struct actor *who, int64_t project_id,
			     const struct evaluation_input *in, json_t **out, struct xy_err *e)
{
	if (in->score < 0 || in->score > 100)
		return xy_fail(e, XY_EINVALID, "invalid_score", "score", "score must be 0 to 100");
	if (!text_len_ok(in->report, 1, EVALUATION_REPORT_MAX))
		return xy_fail(e, XY_EINVALID, "invalid_report", "report",
			       "report must be 1 to %d characters", EVALUATION_REPORT_MAX);
	enum xy_kind k;
	if (in->scorecard && (k = scorecard_check(in->scorecard, e)))
		return k;
	char *card = in->scorecard ? json_dumps(in->scorecard, JSON_COMPACT | JSON_SORT_KEYS)
				   : xy_strdup("{}");
	struct file c = { .who = who, .project_id = project_id, .in = in, .card = card };
	k = store_tx(s, file_tx, &c, e);
	if (!k) {
		json_t *o =
			json_pack("{s:I, s:I, s:I, s:I, s:s}", "id", (json_int_t)c.id, "project_id",
				  (json_int_t)project_id, "evaluator_id", (json_int_t)who->user_id,
				  "score", (json_int_t)in->score, "report", in->report);
		json_object_set_new(o, "scorecard", json_loads(card, 0, NULL));
		json_object_set_new(o, "created_at", rowjson_time(c.at));
		*out = o;
	}
	free(card);
	return k;
}

enum xy_kind project_evaluation_count(struct db *db, int64_t project_id, int64_t *n,
				      struct xy_err *e)
{
	struct db_stmt *st = db_stmt(db, STMT_EVALUATION_SUMMARY);
	if (!st)
		return db_fail(db, DB_FAIL, e);
	db_bind_i64(st, 1, project_id);
	int rc = rowjson_scalar(st, n);
	return rc == DB_OK ? XY_OK : db_fail(db, rc, e);
}

static json_t *evaluation_row(struct db_stmt *st, const void *ctx)
{
	(void)ctx;
	json_t *card = json_loads(db_col_text(st, 4), 0, NULL);
	json_t *o =
		json_pack("{s:I, s:{s:I, s:s}, s:I, s:o, s:s}", "id", (json_int_t)db_col_i64(st, 0),
			  "evaluator", "id", (json_int_t)db_col_i64(st, 1), "name",
			  db_col_text(st, 2), "score", (json_int_t)db_col_i64(st, 3), "scorecard",
			  card ? card : json_object(), "report", db_col_text(st, 5));
	json_object_set_new(o, "created_at", rowjson_time(db_col_i64(st, 6)));
	return o;
}

enum xy_kind project_evaluations(struct store *s, const struct actor *who, int64_t project_id,
				 const struct page *pg, json_t **out, struct xy_err *e)
{
	struct db *db;
	struct project_facts p;
	enum xy_kind k = project_read(s, who, project_id, &db, &p, e);
	if (k)
		return k;
	const struct rowjson_param par[] = { { .i = project_id } };
	json_t *o;
	if ((k = rowjson_list(db, STMT_EVALUATION_SUMMARY, STMT_EVALUATION_LIST, par, 1, 1, pg,
			      evaluation_row, NULL, &o, e)))
		return k;
	struct db_stmt *st = db_stmt(db, STMT_EVALUATION_SUMMARY);
	int rc = DB_FAIL;
	if (st) {
		db_bind_i64(st, 1, project_id);
		rc = db_step(st);
		if (rc == DB_ROW)
			json_object_set_new(o, "average_score",
					    rowjson_ratio(db_col_i64(st, 1), db_col_i64(st, 0)));
		db_reset(st);
	}
	if (rc != DB_ROW) {
		json_decref(o);
		return db_fail(db, rc, e);
	}
	*out = o;
	return XY_OK;
}
