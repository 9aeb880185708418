#include "core/money.h"

#include <stdio.h>

bool money_amount_ok(int64_t v)
{
	return v >= 1 && v <= MONEY_MAX_FEN;
}

bool money_add(int64_t a, int64_t b, int64_t *out)
{
	if (a < 0 || b < 0 || a > MONEY_MAX_FEN || b > MONEY_MAX_FEN || a + b > MONEY_MAX_FEN)
		return false;
	*out = a + b;
	return true;
}

void money_format_yuan(int64_t fen, char *buf, size_t cap)
{
	if (!cap)
		return;
	const char *sign = fen < 0 ? "-" : "";
	uint64_t v = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	uint64_t yuan = v / 100, cents = v % 100;
	char digits[32], grouped[48];
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)yuan);
	int j = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(buf, cap, "%s%s.%02llu", sign, grouped, (unsigned long long)cents);
}
