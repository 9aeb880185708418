#include "core/mask.h"

#include <stdio.h>
#include <string.h>

void mask_phone(const char *phone, char *out, size_t n)
{
	size_t len = strlen(phone);
	if (n == 0)
		return;
	if (len >= 11) {
		snprintf(out, n, "%.3s****%s", phone, phone + len - 4);
	} else if (len >= 2) {
		snprintf(out, n, "%c***%c", phone[0], phone[len - 1]);
	} else {
		snprintf(out, n, "***");
	}
}

void mask_name(const char *name, char *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t first = 0, rest = 0;
	if (n == 0)
		return;
	if (!s[0]) {
		out[0] = '\0';
		return;
	}
	first = 1;
	while (s[first] && (s[first] & 0xc0) == 0x80)
		first++;
	for (size_t i = first; s[i]; i++)
		rest += (s[i] & 0xc0) != 0x80;
	if (rest > 3)
		rest = 3;
	snprintf(out, n, "%.*s%.*s", (int)first, name, (int)rest, "***");
}
