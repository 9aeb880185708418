#include "store/sqlb.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "store/db.h"

void sqlb_init(struct sqlb *b, const char *head)
{
	b->len = 0;
	b->n = 0;
	b->sql[0] = '\0';
	sqlb_raw(b, head);
}

void sqlb_raw(struct sqlb *b, const char *frag)
{
	int w = snprintf(b->sql + b->len, sizeof b->sql - (size_t)b->len, "%s", frag);
	XY_ASSERT(w >= 0 && b->len + w < (int)sizeof b->sql);
	b->len += w;
}

static void add(struct sqlb *b, const char *frag, const char *text, int64_t i, int is_text)
{
	XY_ASSERT(b->n < SQLB_PARAMS);
	int idx = ++b->n;
	b->p[idx - 1].text = text;
	b->p[idx - 1].i = i;
	b->p[idx - 1].is_text = is_text;
	for (const char *c = frag; *c; c++) {
		if (*c == '?') {
			char num[16];
			snprintf(num, sizeof num, "$%d", idx);
			sqlb_raw(b, num);
		} else {
			char one[2] = { *c, 0 };
			sqlb_raw(b, one);
		}
	}
}

void sqlb_text(struct sqlb *b, const char *frag, const char *value)
{
	add(b, frag, value, 0, 1);
}

void sqlb_int(struct sqlb *b, const char *frag, int64_t value)
{
	add(b, frag, NULL, value, 0);
}

struct db_stmt *sqlb_stmt(struct sqlb *b, struct db *db)
{
	struct db_stmt *st = db_stmt_sql(db, b->sql);
	if (!st)
		return NULL;
	for (int i = 0; i < b->n; i++) {
		if (b->p[i].is_text)
			db_bind_text(st, i + 1, b->p[i].text);
		else
			db_bind_i64(st, i + 1, b->p[i].i);
	}
	return st;
}
