#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/secret.h"
#include "core/text.h"
#include "store/areas.h"
#include "store/identity.h"

int cli_parse(int argc, char **argv, const struct opt *opts, int n, const char *usage)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
		int k;
		for (k = 0; k < n; k++)
			if (strcmp(argv[i], opts[k].name) == 0)
				break;
		if (k == n) {
			fprintf(stderr, "xinyuan: unknown option '%s'\n%s", argv[i], usage);
			return -1;
		}
		if (opts[k].takes_value) {
			if (i + 1 >= argc) {
				fprintf(stderr, "xinyuan: %s needs a value\n%s", argv[i], usage);
				return -1;
			}
			*opts[k].value = argv[++i];
		} else {
			*opts[k].flag = true;
		}
	}
	return 0;
}

char *cli_read_file(const char *path, size_t cap, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	*len = 0;
	if (!f) {
		fprintf(stderr, "xinyuan: cannot read %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t room = 1 << 16, n = 0;
	char *buf = malloc(room);
	while (buf) {
		if (n == room) {
			size_t grow = room * 2 > cap + 1 ? cap + 1 : room * 2;
			char *more = room > cap ? NULL : realloc(buf, grow);
			if (!more) {
				if (room > cap)
					fprintf(stderr, "xinyuan: %s is larger than %zu bytes\n",
						path, cap);
				else
					fprintf(stderr, "xinyuan: out of memory reading %s\n",
						path);
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			room = grow;
		}
		size_t got = fread(buf + n, 1, room - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				fprintf(stderr, "xinyuan: error reading %s\n", path);
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	*len = buf ? n : 0;
	return buf;
}

const char *cli_db(const char *given)
{
	if (given)
		return given;
	const char *env = getenv("XINYUAN_DB");
	if (env && *env)
		return env;
	fputs("xinyuan: say which database: --db PATH (or set XINYUAN_DB)\n", stderr);
	return NULL;
}

static bool is_url(const char *db)
{
	return strstr(db, "://") != NULL;
}

void cli_redact(const char *db, char *out, size_t n)
{
	const char *scheme = strstr(db, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (at && colon && colon < at)
		snprintf(out, n, "%.*s:***%s", (int)(colon - db), db, at);
	else
		snprintf(out, n, "%s", db);
}

struct store *cli_open(const char *db, enum cli_open_mode mode)
{
	struct xy_err e = { 0 };
	char shown[512];
	cli_redact(db, shown, sizeof shown);
	if (mode != OPEN_CREATE && !is_url(db) && access(db, F_OK) != 0) {
		fprintf(stderr,
			"xinyuan: no database at %s; create it with `xinyuan init --db %s`\n", db,
			db);
		return NULL;
	}
	struct store *s = store_open(db, &e);
	if (!s) {
		fprintf(stderr, "xinyuan: %s\n", e.message);
		return NULL;
	}
	if (mode == OPEN_AS_IS)
		return s;
	int applied = 0;
	if (store_migrate(s, &applied, &e) != XY_OK) {
		fprintf(stderr, "xinyuan: %s\n", e.message);
		store_close(s);
		return NULL;
	}
	if (applied)
		fprintf(stderr, "xinyuan: applied %d migration(s) to %s\n", applied, shown);
	return s;
}

void cli_system_actor(struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->ngrants = 1;
	a->grants[0].role = ROLE_ADMIN;
	snprintf(a->grants[0].path, sizeof a->grants[0].path, "/");
	snprintf(a->grants[0].scope, sizeof a->grants[0].scope, "/");
}

/* The id of the first root area (0 when there is none). */
static int64_t root_area(struct store *s)
{
	json_t *areas;
	struct xy_err e = { 0 };
	int64_t id = 0;
	if (areas_list(s, &areas, &e))
		return 0;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(areas, "items"), i, a)
	{
		if (json_is_null(json_object_get(a, "parent_id"))) {
			id = json_integer_value(json_object_get(a, "id"));
			break;
		}
	}
	json_decref(areas);
	return id;
}

int cli_ensure_admin(struct store *s)
{
	struct xy_err e = { 0 };
	struct db *db = store_conn(s, &e);
	if (!db)
		return -1;
	struct db_stmt *st = db_stmt(db, STMT_USER_EXISTS);
	if (!st)
		return -1;
	db_bind_text(st, 1, "admin");
	int rc = db_step(st);
	db_reset(st);
	if (rc == DB_ROW)
		return 0;
	const char *pw = getenv("XINYUAN_ADMIN_PASSWORD");
	char generated[33];
	if (!pw || !*pw) {
		secret_random_hex(generated, 8);
		pw = generated;
	}
	if (!text_len_ok(pw, PASSWORD_MIN, PASSWORD_MAX)) {
		fprintf(stderr, "xinyuan: XINYUAN_ADMIN_PASSWORD must be %d to %d characters\n",
			PASSWORD_MIN, PASSWORD_MAX);
		return -1;
	}
	struct actor system;
	cli_system_actor(&system);
	int64_t root = root_area(s);
	if (!root) {
		if (area_create(s, &system, "四川省", "province", 0, &root, &e)) {
			fprintf(stderr, "xinyuan: cannot create the root area: %s\n", e.message);
			return -1;
		}
	}
	struct user_input in = { .username = "admin",
				 .password = pw,
				 .display_name = "系统管理员",
				 .ngrants = 1,
				 .grants = { { "admin", root } } };
	if (user_create(s, NULL, &in, NULL, &e)) {
		fprintf(stderr, "xinyuan: cannot create admin: %s\n", e.message);
		return -1;
	}
	if (pw == generated)
		printf("admin password (shown once): %s\n", generated);
	else
		printf("admin password taken from XINYUAN_ADMIN_PASSWORD\n");
	return 0;
}
