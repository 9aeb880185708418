/* pabulib — the Pabulib .pb format (pabulib.org), read from and written to memory buffers.
 *
 * A file has three sections, each a `;`-separated table whose first row names the columns:
 * META (key;value), PROJECTS (project_id;cost;...) and VOTES (voter_id;vote;[points;]...).
 * Fields may be quoted with "..." ("" is a quote inside); lines end in LF or CRLF; a UTF-8 byte
 * order mark is skipped; blank lines are ignored; a cell reading "none" is absent. A quoted
 * field cannot span lines.
 *
 * Parsing keeps every table as strings (so that a file can be written back) and derives what the
 * rules need: the budget and costs as integers in units of 10^-decimals of the currency (the
 * fewest decimals that make them whole, "100000.0" has none; a decimal comma counts as a point),
 * and the ballots. Faults are XY_EINVALID with "line N: ..." in the message and the line number
 * in `line`.
 *
 * No I/O: the caller reads and writes files.
 */
#ifndef XY_ENGINE_PABULIB_H
#define XY_ENGINE_PABULIB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "engine/pb.h"

#define PABULIB_DECIMALS_MAX 6

enum pabulib_vote_type {
	PABULIB_APPROVAL, /* also "choose-1" */
	PABULIB_CUMULATIVE,
	PABULIB_SCORING,
	PABULIB_ORDINAL,
};

/* A table: ncols names, then nrows × ncols cells (row-major); a NULL cell is absent. */
struct pabulib_table {
	size_t ncols, nrows;
	const char **cols;
	const char **cells;
};

struct pabulib {
	size_t nmeta;
	const char **meta_key, **meta_value;
	struct pabulib_table projects, votes;

	/* derived by pabulib_parse */
	enum pabulib_vote_type vote_type;
	int decimals;
	struct pb_instance inst; /* ballots list projects by their row in `projects` */
	size_t line;             /* the line of the fault after a failed parse */

	/* storage owned by a parsed file */
	char *text_;
	const char **store_[3]; /* meta, project and vote cells */
	size_t *rowline_[2];    /* the line of each project and vote row */
	int64_t *amounts_;
	size_t *starts_;
	uint32_t *entries_;
	int64_t *points_;
};

/* Parses len bytes of buf into out (release it with pabulib_release, also after an error). */
enum xy_kind pabulib_parse(const char *buf, size_t len, struct pabulib *out, struct xy_err *e);

void pabulib_release(struct pabulib *pb);

/* The value of META key (trimmed), or NULL. */
const char *pabulib_meta(const struct pabulib *pb, const char *key);

/* The column named name, or -1. */
int pabulib_col(const struct pabulib_table *t, const char *name);

const char *pabulib_vote_type_name(enum pabulib_vote_type t);

/* Parses a decimal amount ("740793.05", "1,5", "100000.0") scaled by 10^decimals into *out;
 * false when it is not a non-negative decimal, has more decimals, or exceeds PB_AMOUNT_MAX. */
bool pabulib_parse_amount(const char *s, int decimals, int64_t *out);

/* Writes v / 10^decimals with exactly the decimals needed ("740793.05", "250000"). */
void pabulib_format_amount(int64_t v, int decimals, char *buf, size_t cap);

/* Writes the META, PROJECTS and VOTES tables of pb (only the tables are read, so a caller may
 * fill them by hand) as a .pb file: LF line ends, fields quoted when they hold ; " or line ends
 * or start or end with a space. *out is owned by the caller (free). XY_ETOOBIG past maxlen. */
enum xy_kind pabulib_write(const struct pabulib *pb, size_t maxlen, char **out, size_t *len,
			   struct xy_err *e);

#endif
