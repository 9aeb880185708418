/* feedback — the fourth ring: beneficiaries rate a project (满意 satisfied / 基本满意
 * basically_satisfied / 不满意 unsatisfied, an optional 1..5 score and comment) and third-party
 * evaluators file a scorecard and report.
 *
 * Feedback: a resident of the project's community (ACT_FEEDBACK) who benefited from it — they
 * submitted or supported one of its needs (or a need merged into one), or signed up for one of
 * its activities — rates it once, while it is in_progress, evaluating or closed.
 * Satisfaction rate = (satisfied + basically_satisfied) / all ratings.
 * Evaluation: an evaluator (ACT_EVALUATE in the project's area) files once per project while it
 * is evaluating. Nobody evaluates a project of their own area's making: a user who also holds
 * a grant that may draft or decide projects in the project's area, or who created the project,
 * is refused (403 conflict_of_interest). Audit: feedback.created, evaluation.filed. */
#ifndef XY_STORE_FEEDBACK_H
#define XY_STORE_FEEDBACK_H

#include <jansson.h>
#include <stdbool.h>

#include "store/store.h"

#define FEEDBACK_COMMENT_MAX  500
#define EVALUATION_REPORT_MAX 20000
#define SCORECARD_MAX         20 /* criteria */
#define CRITERION_MAX         60 /* characters of a criterion's name */

struct feedback_input {
	const char *rating; /* satisfied | basically_satisfied | unsatisfied */
	int64_t score;      /* 1..5 when has_score */
	bool has_score;
	const char *comment; /* may be NULL */
};

/* The actor rates the project; *out is the stored rating (caller owns). */
enum xy_kind feedback_create(struct store *s, const struct actor *who, int64_t project_id,
			     const struct feedback_input *in, json_t **out, struct xy_err *e);

/* {satisfied, basically_satisfied, unsatisfied, total, satisfaction_rate, average_score,
 * my_rating, items, page, per_page}: the figures over all ratings and one page of them, newest
 * first, with names masked unless the actor may read personal data (or it is their own). */
enum xy_kind project_feedback(struct store *s, const struct actor *who, int64_t project_id,
			      const struct page *pg, json_t **out, struct xy_err *e);

struct evaluation_input {
	int64_t score;      /* 0..100 */
	const char *report; /* 1..EVALUATION_REPORT_MAX characters */
	json_t *scorecard;  /* borrowed; NULL or an object of criterion -> integer 0..100 */
};

/* The evaluator files; *out is the stored evaluation (caller owns). */
enum xy_kind evaluation_file(struct store *s, const struct actor *who, int64_t project_id,
			     const struct evaluation_input *in, json_t **out, struct xy_err *e);

/* {items, total, page, per_page, average_score}: a project's evaluations, oldest first. */
enum xy_kind project_evaluations(struct store *s, const struct actor *who, int64_t project_id,
				 const struct page *pg, json_t **out, struct xy_err *e);

/* The number of evaluations filed for a project, inside the caller's transaction (closing a
 * project needs one). */
enum xy_kind project_evaluation_count(struct db *db, int64_t project_id, int64_t *n,
				      struct xy_err *e);

#endif
