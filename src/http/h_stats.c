/* h_stats — supervision figures (per area, per community as JSON or CSV) and the public board
 * over HTTP. The figures come from store/stats.c; this file only parses and encodes. */
#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "store/board.h"
#include "store/stats.h"

/* area_id (optional, >= 1) and year (optional, 1970..9999) from the query. */
static enum xy_kind area_year(struct req *r, int64_t *area_id, int64_t *year, struct xy_err *e)
{
	enum xy_kind k = req_query_int(r, "area_id", 0, 1, INT64_MAX, area_id, e);
	return k ? k : req_query_int(r, "year", 0, 1970, 9999, year, e);
}

void h_stats(struct req *r)
{
	int64_t area_id, year;
	struct xy_err e = { 0 };
	json_t *out;
	if (area_year(r, &area_id, &year, &e) ||
	    stats_get(handler_store(r), &r->actor, area_id, (int)year, &out, &e))
		reply_error(r, &e);
	else
		reply_json(r, 200, out);
}

/* ---- the per-community table as CSV ------------------------------------------------------ */

/* A text cell: quoted, quotes doubled, and a leading = + - @ defused so that a spreadsheet
 * shows it as text instead of running it as a formula. */
static void csv_text(FILE *f, const char *s)
{
	fputc('"', f);
	if (s && s[0] && strchr("=+-@", s[0]))
		fputc('\'', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_int(FILE *f, json_t *row, const char *key)
{
	fprintf(f, ",%lld", (long long)json_integer_value(json_object_get(row, key)));
}

static void csv_rate(FILE *f, json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);
	if (json_is_number(v))
		fprintf(f, ",%.4f", json_number_value(v));
	else
		fputc(',', f);
}

static void csv_yuan(FILE *f, json_t *row, const char *key)
{
	long long fen = (long long)json_integer_value(json_object_get(row, key));
	fprintf(f, ",%s%lld.%02lld", fen < 0 ? "-" : "", (fen < 0 ? -fen : fen) / 100,
		(fen < 0 ? -fen : fen) % 100);
}

/* Columns: key, header (Chinese and English), kind. */
static const struct {
	const char *key, *head;
	char kind; /* i integer, r rate, y yuan from fen */
} csv_cols[] = {
	{ "needs", "需求 needs", 'i' },
	{ "response_rate", "响应率 response_rate", 'r' },
	{ "resolution_rate", "解决率 resolution_rate", 'r' },
	{ "overdue_needs", "逾期需求 overdue_needs", 'i' },
	{ "projects", "项目 projects", 'i' },
	{ "overdue_projects", "逾期项目 overdue_projects", 'i' },
	{ "activity_categories", "活动类别 activity_categories", 'i' },
	{ "events", "活动场次 events", 'i' },
	{ "person_times", "服务人次 person_times", 'i' },
	{ "ratings", "评价数 ratings", 'i' },
	{ "satisfaction_rate", "满意率 satisfaction_rate", 'r' },
	{ "funds_fen", "专项资金(元) funds_yuan", 'y' },
	{ "allocated_fen", "已分配(元) allocated_yuan", 'y' },
	{ "spent_fen", "已支出(元) spent_yuan", 'y' },
};

/* UTF-8 with a byte-order mark and CRLF line ends, as Excel opens it without asking. */
static char *communities_csv(json_t *table, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	fputs("\xEF\xBB\xBF", f);
	fputs("\"编号 area_id\",\"街道 street\",\"社区 community\"", f);
	for (size_t c = 0; c < sizeof csv_cols / sizeof *csv_cols; c++) {
		fputc(',', f);
		csv_text(f, csv_cols[c].head);
	}
	fputs("\r\n", f);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(table, "items"), i, row)
	{
		fprintf(f, "%lld,", (long long)json_integer_value(json_object_get(row, "area_id")));
		csv_text(f, json_string_value(json_object_get(row, "street")));
		fputc(',', f);
		csv_text(f, json_string_value(json_object_get(row, "name")));
		for (size_t c = 0; c < sizeof csv_cols / sizeof *csv_cols; c++) {
			if (csv_cols[c].kind == 'i')
				csv_int(f, row, csv_cols[c].key);
			else if (csv_cols[c].kind == 'r')
				csv_rate(f, row, csv_cols[c].key);
			else
				csv_yuan(f, row, csv_cols[c].key);
		}
		fputs("\r\n", f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* CSV when format=csv or the client accepts text/csv (and format is not json). */
static int wants_csv(struct req *r, struct xy_err *e)
{
	const char *format = req_query(r, "format");
	if (format && *format) {
		if (strcmp(format, "csv") == 0)
			return 1;
		if (strcmp(format, "json") == 0)
			return 0;
		xy_fail(e, XY_EINVALID, "invalid_parameter", "format",
			"format must be json or csv");
		return -1;
	}
	const char *accept = req_header(r, "Accept");
	return accept && strstr(accept, "text/csv") ? 1 : 0;
}

void h_stats_communities(struct req *r)
{
	int64_t area_id, year;
	struct xy_err e = { 0 };
	int csv = wants_csv(r, &e);
	json_t *out;
	if (csv < 0 || area_year(r, &area_id, &year, &e) ||
	    stats_communities(handler_store(r), &r->actor, area_id, (int)year, &out, &e)) {
		reply_error(r, &e);
		return;
	}
	if (!csv) {
		reply_json(r, 200, out);
		return;
	}
	size_t len = 0;
	char *text = communities_csv(out, &len);
	json_decref(out);
	if (!text) {
		reply_fail(r, XY_EINTERNAL, "internal", NULL, "cannot write the table");
		return;
	}
	char disposition[96];
	snprintf(disposition, sizeof disposition,
		 "attachment; filename=\"xinyuan-communities-%lld-%lld.csv\"", (long long)area_id,
		 (long long)year);
	req_add_header(r, "Content-Disposition", disposition);
	reply_bytes(r, 200, "text/csv; charset=utf-8", text, len, NULL);
	free(text);
}

/* ---- the public board -------------------------------------------------------------------- */

void h_public_board(struct req *r)
{
	int64_t area_id;
	struct page pg;
	struct xy_err e = { 0 };
	if (req_query_int(r, "area_id", 0, 1, INT64_MAX, &area_id, &e) ||
	    handler_page(r, &pg, &e)) {
		reply_error(r, &e);
		return;
	}
	if (!area_id) {
		reply_fail(r, XY_EINVALID, "invalid_parameter", "area_id",
			   "area_id is required: the board of which area?");
		return;
	}
	json_t *out;
	if (board_get(handler_store(r), area_id, pg, &out, &e)) {
		reply_error(r, &e);
		return;
	}
	char *text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	if (!text) {
		reply_fail(r, XY_EINTERNAL, "internal", NULL, "cannot encode the board");
		return;
	}
	/* public and the same for everybody: a proxy or browser may keep it for a minute */
	reply_bytes(r, 200, "application/json; charset=utf-8", text, strlen(text),
		    "public, max-age=60");
	free(text);
}
