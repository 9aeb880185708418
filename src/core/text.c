#include "core/text.h"

#include <string.h>

size_t text_utf8_decode(const char *str, size_t avail, uint32_t *out)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80) {
		*out = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > avail)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*out = cp;
	return len;
}

/* Length of the well-formed UTF-8 sequence at s (1..4, within avail bytes), or 0. */
static size_t seq_len(const unsigned char *s, size_t avail)
{
	uint32_t cp;
	return text_utf8_decode((const char *)s, avail, &cp);
}

long text_utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	long count = 0;
	for (size_t i = 0; i < n; count++) {
		unsigned c = s[i];
		if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return -1;
		size_t len = seq_len(s + i, n - i);
		if (len == 0)
			return -1;
		i += len;
	}
	return count;
}

void text_sanitize(char *str)
{
	unsigned char *s = (unsigned char *)str;
	size_t left = strlen(str);
	while (left) {
		size_t n = seq_len(s, left);
		if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7f))) {
			*s = n == 0 ? '?' : ' ';
			n = 1;
		}
		s += n;
		left -= n;
	}
}

bool text_len_ok(const char *s, long min, long max)
{
	if (!s)
		return false;
	long n = text_utf8_len(s, strlen(s));
	return n >= min && n <= max;
}

bool text_is_code(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

bool text_is_username(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 3 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '@' || c == '-'))
			return false;
	}
	return true;
}

bool text_is_phone(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int digits = 0;
	if (n < 5 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (c == '+' && i == 0)
			continue;
		else if ((c == ' ' || c == '-') && i > 0 && i + 1 < n)
			continue;
		else
			return false;
	}
	return digits >= 5;
}
