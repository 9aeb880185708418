#include "store/catalog.h"

#include <stddef.h>

static const char *const sql_common[STMT_COUNT] = {
#define STMT(id, sql) [STMT_##id] = sql,
#include "store/catalog.def"
#undef STMT
};

const char *catalog_sql(enum stmt_id id, int dialect)
{
	(void)dialect; /* the PostgreSQL driver adds its overrides here */
	return (unsigned)id < STMT_COUNT ? sql_common[id] : NULL;
}
