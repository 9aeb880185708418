/* text_norm — the one folding of Chinese text for search and duplicate detection.
 *
 * text_fold maps text to a canonical form so that the same words written differently compare
 * equal: Traditional characters become Simplified (OpenCC's t2s, one character at a time),
 * full-width ASCII becomes ASCII (Ａ１％ -> a1%), ASCII letters become lower case and
 * whitespace (ASCII, no-break, ideographic and zero-width spaces) is dropped. Punctuation is
 * kept, full-width forms folded to ASCII.
 *
 * Why character by character: the folding must be the same for the text and for a query of
 * one character, so context-dependent phrase conversion (OpenCC maps 乾 to 干 in 乾燥 but keeps
 * 乾隆) would make 乾 unfindable in one of them. The table is built once per process from
 * OpenCC's t2s configuration (each CJK code point of the BMP converted on its own, chains
 * followed to a fixed point, so folding is idempotent) and then used without OpenCC; it is
 * read-only after text_norm_init and safe for any number of threads. A mapping that would
 * make the UTF-8 longer is left out, so the folded text is never longer than the input.
 *
 * OpenCC's configuration is looked up as "t2s.json" in OpenCC's data directory (Debian:
 * /usr/share/opencc/t2s.json, package libopencc-data, installed with libopencc1.1), or taken
 * from the path in the environment variable XINYUAN_OPENCC_T2S.
 */
#ifndef XY_ENGINE_TEXT_NORM_H
#define XY_ENGINE_TEXT_NORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Loads the folding table (once per process; later calls return the first result). Fails
 * with code opencc_unavailable when OpenCC's t2s configuration cannot be loaded. */
enum xy_kind text_norm_init(struct xy_err *e);

/* Folds s[0..n) into out, which holds at least n + 1 bytes; returns the length written (out is
 * NUL-terminated). When src is not NULL (n + 1 entries) src[k] is the byte offset in s of the
 * character that output byte k comes from, and src[return value] = n. Bytes that are not valid
 * UTF-8 are dropped. text_norm_init must have succeeded. */
size_t text_fold(const char *s, size_t n, char *out, uint32_t *src);

/* The code point at s (valid UTF-8 of at least one byte, as text_fold writes it) and its
 * length in bytes in *len. */
uint32_t text_norm_decode(const char *s, size_t *len);

/* Writes the UTF-8 of cp into out (4 bytes room); returns the length. */
size_t text_norm_encode(uint32_t cp, char *out);

/* The number of code points of s (valid UTF-8, NUL-terminated). */
size_t text_norm_chars(const char *s);

/* true for characters that carry words: letters, digits and CJK ideographs (not punctuation,
 * symbols or spaces). */
bool text_norm_is_word(uint32_t cp);

#endif
