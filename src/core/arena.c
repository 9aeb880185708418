#include "core/arena.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

#define ARENA_CHUNK 8192

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, off;
	_Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a, size_t cap)
{
	a->head = NULL;
	a->used = 0;
	a->cap = cap;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
	a->used = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	if (need < n || need > a->cap - a->used)
		return NULL;
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->off < need) {
		size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		c = xy_malloc(sizeof *c + size);
		c->size = size;
		c->off = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->off;
	c->off += need;
	a->used += need;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = n < 0 ? NULL : arena_alloc(a, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}
