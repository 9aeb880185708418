/* demo — what the two files of `xinyuan demo` share.
 *
 * demo_data.c loads the area tree, the people and the pools at the start of the demo history
 * and, at its end, the needs list of the last DEMO_HISTORY_DAYS days. demo_projects.c loads
 * the year in between: the calendar year before the demo's end, with the funds, projects,
 * venues, activities, feedback and evaluations of PRODUCT.md (and the needs the projects take),
 * all of it dated before the needs window so that the audit chain runs forward in time.
 * Lookups take the keys of demo_data.c's tables; an unknown key is a bug in the tables and
 * aborts. */
#ifndef XY_CLI_DEMO_H
#define XY_CLI_DEMO_H

#include "store/store.h"

struct demo;

struct store *demo_store(const struct demo *d);
/* The system acting as admin everywhere (areas, the districts' funds). */
const struct actor *demo_system(const struct demo *d);
int64_t demo_area(const struct demo *d, const char *key);
const struct actor *demo_user(const struct demo *d, const char *username);
int64_t demo_provider(const struct demo *d, const char *key);
/* The demo password and its Argon2id hash, computed once for every demo account. */
const char *demo_password(const struct demo *d);
const char *demo_password_hash(const struct demo *d);

/* Prints "xinyuan: demo: WHAT 'NAME': message (code)" and returns -1. */
int demo_fail(const char *what, const char *name, const struct xy_err *e);

/* Loads the project year `year` (demo_projects.c); 0 or -1 after printing why. */
int demo_projects_load(struct demo *d, int year);
/* Prints the year's figures and the report command that reproduces them. */
void demo_projects_summary(struct demo *d, int year);

#endif
