/* catalog — the statement catalogue: every fixed SQL statement by id, per dialect.
 * The statements themselves live in catalog.def, written once in $1 style. */
#ifndef XY_STORE_CATALOG_H
#define XY_STORE_CATALOG_H

enum stmt_id {
#define STMT(id, sql) STMT_##id,
#include "store/catalog.def"
#undef STMT
	STMT_COUNT
};

/* The SQL of statement id for dialect (0 = SQLite, 1 = PostgreSQL). */
const char *catalog_sql(enum stmt_id id, int dialect);

#endif
