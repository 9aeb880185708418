/* providers — the talent pool (能人智囊库) and resource pool (资源对接库): create, list, read. */
#ifndef XY_STORE_PROVIDERS_H
#define XY_STORE_PROVIDERS_H

#include <jansson.h>

#include "store/store.h"

#define PROVIDER_SKILLS_MAX 12

struct provider_input {
	const char *kind; /* talent | resource */
	const char *name;
	int64_t area_id;
	const char *skills[PROVIDER_SKILLS_MAX];
	int nskills;
	int64_t capacity;
	const char *contact; /* may be NULL */
	int64_t user_id;     /* the provider's or volunteer's account, 0 if none */
};

enum xy_kind provider_create(struct store *s, const struct actor *who,
			     const struct provider_input *in, int64_t *id, struct xy_err *e);

struct provider_filter {
	int64_t area_id;
	const char *kind, *skill;
	struct page pg;
};

enum xy_kind providers_list(struct store *s, const struct actor *who,
			    const struct provider_filter *f, json_t **out, struct xy_err *e);

enum xy_kind provider_get(struct store *s, const struct actor *who, int64_t id, json_t **out,
			  struct xy_err *e);

#endif
