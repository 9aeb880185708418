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
