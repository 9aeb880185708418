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

static void append(struct sqlb *b, const char *frag, size_t n)
{
	XY_ASSERT(b->len + n < sizeof b->sql);
	memcpy(b->sql + b->len, frag, n);
	b->len += (int)n;
	b->sql[b->len] = '\0';
}

void sqlb_raw(struct sqlb *b, const char *frag)
{
	append(b, frag, strlen(frag));
}

static void add(struct sqlb *b, const char *frag, const char *text, int64_t i, int is_text)
{
	XY_ASSERT(b->n < SQLB_PARAMS);
	int idx = ++b->n;
	b->p[idx - 1].text = text;
	b->p[idx - 1].i = i;
	b->p[idx - 1].is_text = is_text;
	for (const char *q; (q = strchr(frag, '?')); frag = q + 1) {
		char num[16];
		int w = snprintf(num, sizeof num, "$%d", idx);
		append(b, frag, (size_t)(q - frag));
		append(b, num, (size_t)w);
	}
	sqlb_raw(b, frag);
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
