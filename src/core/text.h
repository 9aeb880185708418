/* text — UTF-8 validation and the length rules for user-entered text. Pure functions. */
#ifndef XY_CORE_TEXT_H
#define XY_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the well-formed UTF-8 sequence at s (overlongs, surrogates and code points above
 * U+10FFFF are not) of at most avail bytes into *cp; returns its length (1..4), or 0 when there
 * is none (*cp untouched). A NUL ends a cut-off sequence before any byte past it is read. */
size_t text_utf8_decode(const char *s, size_t avail, uint32_t *cp);

/* Number of code points in s[0..n), or -1 when s is not valid UTF-8 (overlongs, surrogates and
 * code points above U+10FFFF are invalid) or contains a NUL or an ASCII control character other
 * than tab, LF and CR. */
long text_utf8_len(const char *s, size_t n);

/* Makes s valid UTF-8 in place: every byte that does not start a complete, well-formed
 * sequence (an invalid byte, or a character cut off at the end) becomes '?'; control
 * characters become ' '. Used on error messages that quote input. */
void text_sanitize(char *s);

/* true when s is valid text (as above) with min..max code points after trimming nothing. */
bool text_len_ok(const char *s, long min, long max);

/* true when s is a snake_case identifier [a-z][a-z0-9_]* of at most max bytes. */
bool text_is_code(const char *s, size_t max);

/* Usernames: 3..64 bytes of [A-Za-z0-9_.@-]. */
bool text_is_username(const char *s);

/* Phone numbers: 5..20 bytes of digits, optionally a leading '+', spaces and dashes inside. */
bool text_is_phone(const char *s);

#endif
