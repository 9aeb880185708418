/* cli — the subcommands of the xinyuan program and their shared option parsing.
 * Each subcommand is int cmd_NAME(int argc, char **argv) returning the process exit status. */
#ifndef XY_CLI_CLI_H
#define XY_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_migrate_store(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_pb(int argc, char **argv);
int cmd_allocate(int argc, char **argv);

/* One "--name value" or "--flag" option. */
struct opt {
	const char *name;
	bool takes_value;
	const char **value; /* for options with a value */
	bool *flag;         /* for flags */
};

/* Parses argv[1..] against opts; prints usage and returns -1 on an unknown option or a
 * missing value; returns 1 when --help was given (usage printed to stdout). */
int cli_parse(int argc, char **argv, const struct opt *opts, int n, const char *usage);

/* All of the file at path ("-" = stdin), at most cap bytes, malloc'ed (the caller frees it);
 * *len = its length. NULL, with the reason on stderr, when it cannot be read or is larger. */
char *cli_read_file(const char *path, size_t cap, size_t *len);

/* --db or $XINYUAN_DB; NULL (with a message) when neither is set. */
const char *cli_db(const char *given);

enum cli_open_mode {
	OPEN_CREATE,  /* init, demo: create the database if missing, then migrate */
	OPEN_MIGRATE, /* serve: the database must exist; apply pending migrations */
	OPEN_AS_IS,   /* audit, backup: the database must exist; change nothing */
};

/* Opens the store as mode says; NULL (message printed) on failure. */
struct store *cli_open(const char *db, enum cli_open_mode mode);

/* db with any password in a URL replaced by *** (for logs). */
void cli_redact(const char *db, char *out, size_t n);

/* The command line acting as the system: an admin whose scope is the whole tree (whoever may
 * open the database may read all of it). */
void cli_system_actor(struct actor *a);

/* Makes sure the root area and the first admin exist (`init`). Prints the generated password
 * once when XINYUAN_ADMIN_PASSWORD is not set. Returns 0 or prints why not. */
int cli_ensure_admin(struct store *s);

/* demo (demo_data.c, demo_projects.c) — the demo data set of `xinyuan demo`. Its history
 * opens on 2 January of the year before the moment the command runs (demo_start): the areas,
 * people and pools; the project year is that calendar year (demo_year); the needs list spans
 * the last DEMO_HISTORY_DAYS days. */
#define DEMO_HISTORY_DAYS 62
int64_t demo_start(int64_t end);
int demo_year(int64_t end);

/* 0 when the database holds no needs yet; otherwise prints "not a fresh database" (or why it
 * cannot tell) and returns -1. */
int demo_check_fresh(struct store *s);

/* Loads the demo areas, users, providers, the project year and the needs list through the
 * store, each action taken by the right user and dated with time_set_override() between
 * demo_start(end) and end; then prints a summary (figures, usernames, password) to stdout.
 * Call on a fresh database after cli_ensure_admin. The password comes from
 * XINYUAN_DEMO_PASSWORD (default "demo12345"). Returns 0, or prints the step that failed and
 * returns -1 (what was loaded before stays). Clears the time override either way. */
int demo_load(struct store *s, int64_t end);

#endif
