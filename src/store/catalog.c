#include "store/catalog.h"

#include <stddef.h>

static const char *const sql_common[STMT_COUNT] = {
#define STMT(id, sql) [STMT_##id] = sql,
#include "store/catalog.def"
#undef STMT
};

/* Statements whose PostgreSQL form differs. */
static const struct {
	enum stmt_id id;
	const char *sql;
} pg_overrides[] = {
	/* several instances append to one chain: the head row is the lock that orders them */
	{ STMT_AUDIT_HEAD, "SELECT last_id, last_hash FROM audit_head WHERE id = 1 FOR UPDATE" },
	/* bookings of a zone queue behind its row lock, so an overlap check sees every
	 * booking committed before it */
	{ STMT_ZONE_LOCK, "SELECT id FROM venue_zones WHERE id = $1 FOR UPDATE" },
	/* (SQLite: OR IGNORE, which opens no statement journal and so no savepoint on the FTS5
	 * tables) */
	{ STMT_SEARCH_SIG_INSERT,
	  "INSERT INTO need_sigs(band, skey) VALUES ($1, $2) ON CONFLICT DO NOTHING" },
	/* JSON arrays of keys and ids */
	{ STMT_SEARCH_NEED_TITLES,
	  "SELECT id, title FROM needs WHERE id IN (SELECT CAST(value AS BIGINT) FROM "
	  "json_array_elements_text(CAST($1 AS json)))" },
	{ STMT_SEARCH_CANDIDATES,
	  "SELECT skey, title, body, category, area_id FROM need_text WHERE skey IN (SELECT "
	  "CAST(value AS BIGINT) FROM json_array_elements_text(CAST($1 AS json)))" },
};

const char *catalog_sql(enum stmt_id id, int dialect)
{
	if ((unsigned)id >= STMT_COUNT)
		return NULL;
	if (dialect == 1)
		for (size_t i = 0; i < sizeof pg_overrides / sizeof *pg_overrides; i++)
			if (pg_overrides[i].id == id)
				return pg_overrides[i].sql;
	return sql_common[id];
}
