/* sqlb — composes a statement from fixed SQL fragments with sequential $N parameters.
 * Fragments are string literals of ours, never input; values go through binds only. */
#ifndef XY_STORE_SQLB_H
#define XY_STORE_SQLB_H

#include <stdint.h>

#define SQLB_MAX    2048
#define SQLB_PARAMS 16

struct sqlb {
	char sql[SQLB_MAX];
	int len;
	int n; /* parameters so far */
	struct {
		const char *text;
		int64_t i;
		int is_text;
	} p[SQLB_PARAMS];
};

void sqlb_init(struct sqlb *b, const char *head);
/* Appends frag, replacing each "?" in it with the next $N bound to the text value. */
void sqlb_text(struct sqlb *b, const char *frag, const char *value);
void sqlb_int(struct sqlb *b, const char *frag, int64_t value);
/* Appends frag without parameters. */
void sqlb_raw(struct sqlb *b, const char *frag);

struct db;
struct db_stmt;
/* Prepares (cached per connection) and binds; NULL on failure. */
struct db_stmt *sqlb_stmt(struct sqlb *b, struct db *db);

#endif
