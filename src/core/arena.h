/* arena — a per-request memory pool (STYLE.md §5).
 *
 * Everything a request allocates comes from one arena, released in one call when the response
 * has been sent, so error branches cannot leak. An arena has a cap fixed at creation; an
 * allocation past it returns NULL (the caller turns that into a 413 or 500), never a partial
 * result.
 */
#ifndef XY_CORE_ARENA_H
#define XY_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used; /* bytes handed out, for the cap */
	size_t cap;
};

void arena_init(struct arena *a, size_t cap);
/* Frees every chunk; the arena may be reused afterwards. */
void arena_release(struct arena *a);
/* Zeroed memory owned by the arena, or NULL past the cap. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
