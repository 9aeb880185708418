#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timefmt.h"
#include "engine/text_norm.h"
#include "store/migrate.h"
#include "store/search.h"

#define STORE_MAX_CONNS 256
#define WRITER_BATCH    256
#define TX_RETRIES      50

struct tx_job {
	store_tx_fn fn;
	void *ctx;
	struct xy_err *err;
	enum xy_kind result;
	bool done;
	pthread_cond_t cv; /* signalled when done: each waiter wakes only for its own job */
	struct tx_job *next;
};

struct store {
	char *target;
	pthread_mutex_t mu;
	struct db *conns[STORE_MAX_CONNS];
	int nconns;
	/* group-commit writer */
	bool writer_on, writer_stop;
	pthread_t writer;
	pthread_cond_t work;
	struct tx_job *queue_head, *queue_tail;
	struct db *wdb;
};

static _Thread_local struct db *tl_db;
static _Thread_local const struct store *tl_store;

struct store *store_open(const char *target, struct xy_err *e)
{
	struct store *s = xy_calloc(1, sizeof *s);
	s->target = xy_strdup(target);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	if (text_norm_init(e) != XY_OK || !store_conn(s, e)) {
		store_close(s);
		return NULL;
	}
	return s;
}

const char *store_target(const struct store *s)
{
	return s->target;
}

struct db *store_conn(struct store *s, struct xy_err *e)
{
	if (tl_store == s && tl_db)
		return tl_db;
	struct db *db = db_open(s->target, e);
	if (!db)
		return NULL;
	pthread_mutex_lock(&s->mu);
	if (s->nconns == STORE_MAX_CONNS) {
		pthread_mutex_unlock(&s->mu);
		db_close(db);
		xy_fail(e, XY_EUNAVAIL, "too_many_connections", NULL,
			"too many database connections");
		return NULL;
	}
	s->conns[s->nconns++] = db;
	pthread_mutex_unlock(&s->mu);
	tl_db = db;
	tl_store = s;
	return db;
}

static void writer_stop(struct store *s)
{
	if (!s->writer_on)
		return;
	pthread_mutex_lock(&s->mu);
	s->writer_stop = true;
	pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->writer, NULL);
	s->writer_on = false;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	writer_stop(s);
	for (int i = 0; i < s->nconns; i++)
		db_close(s->conns[i]);
	if (tl_store == s) {
		tl_db = NULL;
		tl_store = NULL;
	}
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->mu);
	free(s->target);
	free(s);
}

enum xy_kind store_migrate(struct store *s, int *applied, struct xy_err *e)
{
	struct db *db = store_conn(s, e);
	if (!db)
		return e->kind;
	enum xy_kind k = migrate_run(db, applied, e);
	/* needs without search rows (older than migration 0004, or copied in) get them now */
	return k ? k : search_backfill(db, NULL, e);
}

static void nap(int attempt)
{
	struct timespec ts = { 0, (long)(1 + attempt) * 2000000L };
	nanosleep(&ts, NULL);
}

/* One transaction around fn, retried while the database reports it busy. */
/* A write transaction. On PostgreSQL it first takes the audit chain's head row: every write
 * appends to the chain, and taking that lock before any other row lock (need counts, a need)
 * orders the writers of all instances the same way, so they queue instead of deadlocking. */
static int begin_write(struct db *db)
{
	int rc = db_begin(db);
	if (rc == DB_OK && db_dialect(db) == DB_PG) {
		rc = db_exec(db, "SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE");
		if (rc != DB_OK)
			db_rollback(db);
	}
	return rc;
}

static enum xy_kind tx_inline(struct db *db, store_tx_fn fn, void *ctx, struct xy_err *e)
{
	for (int attempt = 0;; attempt++) {
		int rc = begin_write(db);
		if (rc == DB_OK) {
			xy_err_clear(e);
			enum xy_kind k = fn(db, ctx, e);
			if (k != XY_OK) {
				db_rollback(db);
				if (k != XY_EUNAVAIL || attempt >= TX_RETRIES)
					return k;
				rc = DB_RETRY;
			} else if ((rc = db_commit(db)) == DB_OK) {
				return XY_OK;
			} else {
				db_rollback(db);
			}
		}
		if (rc != DB_RETRY)
			return db_fail(db, rc, e);
		if (attempt >= TX_RETRIES)
			return db_fail(db, DB_RETRY, e);
		nap(attempt);
	}
}

/* Runs a batch of jobs in one transaction, each in its own savepoint. */
static void writer_batch(struct store *s, struct tx_job *jobs)
{
	struct db *db = s->wdb;
	int rc = DB_FAIL;
	for (int attempt = 0; attempt <= TX_RETRIES; attempt++) {
		rc = begin_write(db);
		if (rc == DB_OK)
			break;
		nap(attempt);
	}
	if (rc != DB_OK) {
		for (struct tx_job *j = jobs; j; j = j->next)
			j->result = db_fail(db, rc, j->err);
		return;
	}
	for (struct tx_job *j = jobs; j; j = j->next) {
		xy_err_clear(j->err);
		if (db_savepoint(db) != DB_OK) {
			j->result = db_fail(db, DB_FAIL, j->err);
			continue;
		}
		j->result = j->fn(db, j->ctx, j->err);
		if (j->result == XY_OK)
			rc = db_release(db);
		else
			rc = db_rollback_to(db);
		if (rc != DB_OK && j->result == XY_OK)
			j->result = db_fail(db, rc, j->err);
	}
	for (int attempt = 0; attempt <= TX_RETRIES; attempt++) {
		rc = db_commit(db);
		if (rc != DB_RETRY)
			break;
		nap(attempt);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		for (struct tx_job *j = jobs; j; j = j->next)
			if (j->result == XY_OK)
				j->result = db_fail(db, rc, j->err);
	}
}

static void *writer_main(void *arg)
{
	struct store *s = arg;
	struct xy_err e;
	s->wdb = store_conn(s, &e);
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->queue_head && !s->writer_stop)
			pthread_cond_wait(&s->work, &s->mu);
		if (!s->queue_head && s->writer_stop)
			break;
		/* take up to WRITER_BATCH jobs */
		struct tx_job *batch = s->queue_head, *last = batch;
		for (int n = 1; n < WRITER_BATCH && last->next; n++)
			last = last->next;
		s->queue_head = last->next;
		if (!s->queue_head)
			s->queue_tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&s->mu);

		if (s->wdb) {
			writer_batch(s, batch);
		} else {
			for (struct tx_job *j = batch; j; j = j->next)
				j->result = xy_fail(j->err, XY_EUNAVAIL, "db_unavailable", NULL,
						    "the database cannot be opened");
		}

		pthread_mutex_lock(&s->mu);
		for (struct tx_job *j = batch, *n; j; j = n) {
			n = j->next; /* j belongs to its waiter and may vanish once done is set */
			j->done = true;
			pthread_cond_signal(&j->cv);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int store_writer_start(struct store *s)
{
	if (s->writer_on)
		return 0;
	s->writer_stop = false;
	if (pthread_create(&s->writer, NULL, writer_main, s) != 0)
		return -1;
	s->writer_on = true;
	return 0;
}

enum xy_kind store_tx(struct store *s, store_tx_fn fn, void *ctx, struct xy_err *e)
{
	struct xy_err scratch;
	if (!e)
		e = &scratch;
	if (!s->writer_on) {
		struct db *db = store_conn(s, e);
		if (!db)
			return e->kind;
		return tx_inline(db, fn, ctx, e);
	}
	struct tx_job job = { .fn = fn, .ctx = ctx, .err = e };
	pthread_cond_init(&job.cv, NULL);
	pthread_mutex_lock(&s->mu);
	if (s->queue_tail)
		s->queue_tail->next = &job;
	else
		s->queue_head = &job;
	s->queue_tail = &job;
	pthread_cond_signal(&s->work);
	while (!job.done)
		pthread_cond_wait(&job.cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	pthread_cond_destroy(&job.cv);
	return job.result;
}
