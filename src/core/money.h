/* money — amounts in integer fen (分). Never floating point: an amount is an int64 between 1 and
 * MONEY_MAX_FEN, and sums are checked for overflow before they are stored. */
#ifndef XY_CORE_MONEY_H
#define XY_CORE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 10^13 fen = 100 billion yuan: more than any fund the platform will hold. */
#define MONEY_MAX_FEN 10000000000000LL

/* Is v a valid positive amount (1 .. MONEY_MAX_FEN)? */
bool money_amount_ok(int64_t v);

/* *out = a + b when the sum stays within 0 .. MONEY_MAX_FEN; false otherwise. */
bool money_add(int64_t a, int64_t b, int64_t *out);

/* "1,234.56" style yuan for reports (¥ not included); always NUL-terminated. */
void money_format_yuan(int64_t fen, char *buf, size_t cap);

#endif
