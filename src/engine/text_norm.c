#include "engine/text_norm.h"

#include <opencc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

/* The code points OpenCC is asked about: CJK Extension A, the Unified Ideographs and the
 * compatibility ideographs. Traditional forms outside the BMP are rare and stay as they are. */
#define FOLD_LO 0x3400u
#define FOLD_HI 0xfb00u /* exclusive */

static const struct {
	uint32_t lo, hi; /* inclusive */
} fold_ranges[] = { { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xf900, 0xfaff } };

/* fold_tab[cp - FOLD_LO] is the Simplified form of cp, or 0 when cp stays. */
static uint16_t fold_tab[FOLD_HI - FOLD_LO];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;
static struct xy_err fold_err; /* kind XY_OK until fold_build fails */
static bool fold_ready;

size_t text_norm_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

uint32_t text_norm_decode(const char *s, size_t *len)
{
	uint32_t cp = 0;
	size_t n = text_utf8_decode(s, 4, &cp);
	*len = n ? n : 1;
	return n ? cp : 0xfffd;
}

static size_t utf8_size(uint32_t cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Asks OpenCC for every code point of fold_ranges, one per line, so that no phrase spans two
 * of them, and keeps the answers that are one other code point of no longer UTF-8. */
static void fold_build(void)
{
	const char *conf = getenv("XINYUAN_OPENCC_T2S");
	if (!conf || !*conf)
		conf = "t2s.json";
	opencc_t cc = opencc_open(conf);
	if (cc == (opencc_t)-1) {
		const char *why = opencc_error();
		xy_fail(&fold_err, XY_EINTERNAL, "opencc_unavailable", NULL,
			"cannot load OpenCC configuration %s (%s): install libopencc1.1 and "
			"libopencc-data, or set XINYUAN_OPENCC_T2S to the path of t2s.json",
			conf, why ? why : "unknown error");
		return;
	}
	size_t count = 0;
	for (size_t r = 0; r < sizeof fold_ranges / sizeof *fold_ranges; r++)
		count += fold_ranges[r].hi - fold_ranges[r].lo + 1;
	char *in = xy_malloc(count * 4 + 1);
	size_t n = 0;
	for (size_t r = 0; r < sizeof fold_ranges / sizeof *fold_ranges; r++)
		for (uint32_t cp = fold_ranges[r].lo; cp <= fold_ranges[r].hi; cp++) {
			n += text_norm_encode(cp, in + n);
			in[n++] = '\n';
		}
	char *out = opencc_convert_utf8(cc, in, n);
	free(in);
	if (!out) {
		const char *why = opencc_error();
		xy_fail(&fold_err, XY_EINTERNAL, "opencc_unavailable", NULL,
			"OpenCC could not convert with %s: %s", conf, why ? why : "unknown error");
		opencc_close(cc);
		return;
	}
	const char *p = out;
	for (size_t r = 0; r < sizeof fold_ranges / sizeof *fold_ranges; r++)
		for (uint32_t cp = fold_ranges[r].lo; cp <= fold_ranges[r].hi && *p; cp++) {
			const char *eol = strchr(p, '\n');
			size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
			uint32_t to = 0;
			size_t k = text_utf8_decode(p, linelen, &to);
			if (k && k == linelen && to != cp && utf8_size(to) <= utf8_size(cp) &&
			    to >= FOLD_LO && to < FOLD_HI)
				fold_tab[cp - FOLD_LO] = (uint16_t)to;
			p = eol ? eol + 1 : p + linelen;
		}
	opencc_convert_utf8_free(out);
	opencc_close(cc);
	/* follow chains (a -> b -> c) to their end and break cycles (a -> b -> a: a stays), so
	 * that folding twice changes nothing */
	for (uint32_t i = 0; i < FOLD_HI - FOLD_LO; i++) {
		uint32_t to = fold_tab[i];
		int step = 0;
		while (to && fold_tab[to - FOLD_LO] && step++ < 8)
			to = fold_tab[to - FOLD_LO];
		fold_tab[i] = (uint16_t)(to == i + FOLD_LO || step >= 8 ? 0 : to);
	}
	fold_ready = true;
}

enum xy_kind text_norm_init(struct xy_err *e)
{
	pthread_once(&fold_once, fold_build);
	if (fold_err.kind != XY_OK && e)
		*e = fold_err;
	return fold_err.kind;
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200d) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
	       cp == 0x205f || cp == 0x3000 || cp == 0xfeff;
}

static uint32_t fold_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + ('a' - 'A');
	if (cp >= 0xff01 && cp <= 0xff5e) { /* full-width ASCII */
		cp -= 0xff01 - 0x21;
		return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
	}
	if (cp >= FOLD_LO && cp < FOLD_HI && fold_tab[cp - FOLD_LO])
		return fold_tab[cp - FOLD_LO];
	return cp;
}

size_t text_fold(const char *s, size_t n, char *out, uint32_t *src)
{
	XY_ASSERT(fold_ready);
	size_t i = 0, o = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = text_utf8_decode(s + i, n - i, &cp);
		if (len == 0) {
			i++;
			continue;
		}
		if (!is_space(cp)) {
			size_t w = text_norm_encode(fold_cp(cp), out + o);
			if (src)
				for (size_t k = 0; k < w; k++)
					src[o + k] = (uint32_t)i;
			o += w;
		}
		i += len;
	}
	out[o] = '\0';
	if (src)
		src[o] = (uint32_t)n;
	return o;
}

size_t text_norm_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

bool text_norm_is_word(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z');
	return (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
	       (cp >= 0x370 && cp <= 0x52f) || (cp >= 0x3040 && cp <= 0x30ff) ||
	       (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	       (cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0x20000 && cp <= 0x3134f);
}
