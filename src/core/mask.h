/* mask — how personal data looks to roles that may not see it in full. */
#ifndef XY_CORE_MASK_H
#define XY_CORE_MASK_H

#include <stddef.h>

/* "13812345678" -> "138****5678" (11 characters or more); shorter numbers keep only their
 * first and last character: "86123456" -> "8***6". */
void mask_phone(const char *phone, char *out, size_t n);

/* "张小明" -> "张**": the first character (code point) and one '*' per further character, at
 * most three. */
void mask_name(const char *name, char *out, size_t n);

#endif
