#include "cli/match_instance.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/json.h"

/* Each element of array must be an object; decode(item, k, prefix) reads element k. */
static enum xy_kind each_object(json_t *array, const char *name,
				enum xy_kind (*decode)(json_t *, size_t, const char *, void *),
				void *ctx, struct xy_err *e)
{
	size_t k;
	json_t *item;
	json_array_foreach(array, k, item)
	{
		char prefix[48];
		snprintf(prefix, sizeof prefix, "%s[%zu]", name, k);
		if (!json_is_object(item))
			return xy_fail(e, XY_EMALFORMED, "wrong_type", prefix,
				       "%s must be an object", prefix);
		enum xy_kind kind = decode(item, k, prefix, ctx);
		if (kind)
			return kind;
	}
	return XY_OK;
}

struct decode_ctx {
	struct match_instance_doc *doc;
	struct xy_err *e;
};

static enum xy_kind decode_need(json_t *item, size_t k, const char *prefix, void *ctx)
{
	struct decode_ctx *c = ctx;
	struct jfield f[] = { { "id", JF_INT, true, &c->doc->ids[k], 0, NULL, NULL } };
	return json_fields(item, f, 1, prefix, c->e);
}

static enum xy_kind decode_provider(json_t *item, size_t k, const char *prefix, void *ctx)
{
	struct decode_ctx *c = ctx;
	size_t n = c->doc->in.nneeds, p = c->doc->in.nproviders;
	struct jfield f[] = { { "id", JF_INT, true, &c->doc->ids[n + k], 0, NULL, NULL },
			      { "capacity", JF_INT, true, &c->doc->ids[n + p + k], 0, NULL,
				NULL } };
	return json_fields(item, f, 2, prefix, c->e);
}

static enum xy_kind decode_edge(json_t *item, size_t k, const char *prefix, void *ctx)
{
	struct decode_ctx *c = ctx;
	struct match_edge *ed = &c->doc->edges[k];
	int64_t score = 0;
	struct jfield f[] = { { "need", JF_INT, true, &ed->need, 0, NULL, NULL },
			      { "provider", JF_INT, true, &ed->provider, 0, NULL, NULL },
			      { "score", JF_INT, true, &score, 0, NULL, NULL } };
	enum xy_kind kind = json_fields(item, f, 3, prefix, c->e);
	/* out of int32 range: pinned to it, and match_solve refuses it as out of range */
	ed->score = score > INT32_MAX ? INT32_MAX : score < INT32_MIN ? INT32_MIN : (int32_t)score;
	return kind;
}

enum xy_kind match_instance_parse(const char *buf, size_t len, struct match_instance_doc *doc,
				  struct xy_err *e)
{
	memset(doc, 0, sizeof *doc);
	if (len > MATCH_INSTANCE_MAX_BYTES)
		return xy_fail(e, XY_ETOOBIG, "instance_too_big", NULL,
			       "an instance holds at most %zu MiB of JSON",
			       MATCH_INSTANCE_MAX_BYTES >> 20);
	json_t *root;
	enum xy_kind k = json_parse_object(buf, len, &root, e);
	if (k)
		return k;
	json_t *needs = NULL, *providers = NULL, *edges = NULL;
	struct jfield top[] = { { "needs", JF_ARRAY, true, &needs, 0, NULL, NULL },
				{ "providers", JF_ARRAY, true, &providers, 0, NULL, NULL },
				{ "edges", JF_ARRAY, true, &edges, 0, NULL, NULL } };
	if ((k = json_fields(root, top, 3, NULL, e)))
		goto done;
	size_t n = json_array_size(needs), p = json_array_size(providers);
	size_t m = json_array_size(edges);
	doc->ids = malloc((n + 2 * p) * sizeof *doc->ids + 1);
	doc->edges = malloc(m * sizeof *doc->edges + 1);
	if (!doc->ids || !doc->edges) {
		k = xy_fail(e, XY_EINTERNAL, "out_of_memory", NULL,
			    "not enough memory for the instance");
		goto done;
	}
	doc->in = (struct match_instance){ .nneeds = n,
					   .nproviders = p,
					   .nedges = m,
					   .needs = doc->ids,
					   .providers = doc->ids + n,
					   .capacity = doc->ids + n + p,
					   .edges = doc->edges };
	struct decode_ctx ctx = { doc, e };
	if (!(k = each_object(needs, "needs", decode_need, &ctx, e)) &&
	    !(k = each_object(providers, "providers", decode_provider, &ctx, e)))
		k = each_object(edges, "edges", decode_edge, &ctx, e);
done:
	json_decref(root);
	return k;
}

void match_instance_release(struct match_instance_doc *doc)
{
	free(doc->ids);
	free(doc->edges);
	memset(doc, 0, sizeof *doc);
}

char *match_instance_answer(const struct match_result *r)
{
	/* {"need":<20 digits>,"provider":<20 digits>}, = at most 61 bytes a pair */
	size_t cap = 64 + r->npairs * 64;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	size_t at = (size_t)snprintf(out, cap, "{\"objective\":%" PRId64 ",\"assignment\":[",
				     r->objective);
	for (size_t k = 0; k < r->npairs; k++)
		at += (size_t)snprintf(out + at, cap - at,
				       "%s{\"need\":%" PRId64 ",\"provider\":%" PRId64 "}",
				       k ? "," : "", r->pairs[k].need, r->pairs[k].provider);
	snprintf(out + at, cap - at, "]}");
	return out;
}
