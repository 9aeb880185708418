/* transfer — copies a whole installation from one store to another (SQLite -> PostgreSQL),
 * every table and row with its ids, the audit chain included, in one target transaction.
 * The table list here must name every table of the schema; tests check it against the
 * SQLite schema so a new migration cannot be forgotten. */
#ifndef XY_STORE_TRANSFER_H
#define XY_STORE_TRANSFER_H

#include <stdint.h>

#include "store/store.h"

struct transfer_table {
	const char *name;
	const char *cols; /* column list in the order copied */
	int ncols;
};

extern const struct transfer_table transfer_tables[];
extern const int transfer_tables_count;

struct transfer_report {
	int64_t rows[48]; /* per transfer_tables entry */
	int64_t total;
};

/* Copies everything from `from` into `to`, which must be migrated to the same schema version
 * and hold no users or needs yet (409 target_not_empty otherwise). All or nothing. */
enum xy_kind transfer_copy(struct store *from, struct store *to, struct transfer_report *r,
			   struct xy_err *e);

#endif
