/* store — the persistence interface the front ends (http, cli) use.
 *
 * A struct store is one database (SQLite file or, later, PostgreSQL URL). Each thread reads
 * through its own connection (store_conn). Writes go through store_tx: the function runs inside
 * a transaction together with its audit events and either all of it commits or none of it does.
 * In the server, store_writer_start() routes every store_tx through one writer thread that
 * commits concurrent requests together (group commit): each request's work runs in its own
 * savepoint, so one refusal never undoes another, and a request returns only after the commit
 * that contains it is durable.
 *
 * The domain operations (users, areas, needs, providers, audit, stats) are declared in their
 * own headers below and implemented in store/<entity>.c; they take the acting struct actor and
 * apply the rules of core/ before writing anything.
 */
#ifndef XY_STORE_STORE_H
#define XY_STORE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/role.h"
#include "store/db.h"

struct store;

/* A list page: page >= 1, 1 <= per_page <= PAGE_MAX. */
struct page {
	int page, per_page;
};
#define PAGE_DEFAULT 20
#define PAGE_MAX     100

/* Opens the database and checks it can be reached; does not migrate. */
struct store *store_open(const char *target, struct xy_err *e);
/* Stops the writer (if any) and closes every connection. No thread may use the store after. */
void store_close(struct store *s);
const char *store_target(const struct store *s);

/* The calling thread's connection, opened on first use; NULL (e filled) if it cannot open. */
struct db *store_conn(struct store *s, struct xy_err *e);

/* Applies pending migrations. */
enum xy_kind store_migrate(struct store *s, int *applied, struct xy_err *e);

typedef enum xy_kind (*store_tx_fn)(struct db *db, void *ctx, struct xy_err *e);

/* Runs fn(db, ctx, e) in a write transaction and commits it durably. fn returns XY_OK to keep
 * its changes; anything else undoes them and is returned. Busy databases are retried. */
enum xy_kind store_tx(struct store *s, store_tx_fn fn, void *ctx, struct xy_err *e);

/* From now on store_tx goes through the group-commit writer thread. */
int store_writer_start(struct store *s);

/* Writes one audit event in the current transaction (call only inside a store_tx function):
 * takes the next id, links it to the head of the chain and advances the head. data is a JSON
 * object (borrowed) serialised compactly with sorted keys. */
enum xy_kind store_audit_append(struct db *db, int64_t actor_id, int64_t area_id,
				const char *action, const char *entity, int64_t entity_id,
				json_t *data, struct xy_err *e);

#endif
