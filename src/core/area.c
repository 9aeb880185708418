#include "core/area.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[AREA_KIND_COUNT] = {
	"province", "city", "district", "street", "community", "compound",
};

int area_kind_parse(const char *s)
{
	for (int i = 0; s && i < AREA_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -1;
}

const char *area_kind_name(enum area_kind k)
{
	return (unsigned)k < AREA_KIND_COUNT ? kind_names[k] : "unknown";
}

bool area_kind_child_ok(int parent, enum area_kind child)
{
	if (parent < 0)
		return child == AREA_PROVINCE;
	return (int)child == parent + 1;
}

int area_path_make(const char *parent_path, int64_t id, char *out, size_t n)
{
	int w = snprintf(out, n, "%s%lld/", parent_path ? parent_path : "/", (long long)id);
	return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

bool area_path_within(const char *ancestor, const char *path)
{
	size_t n = strlen(ancestor);
	return n > 0 && strncmp(ancestor, path, n) == 0;
}

void area_path_upper(const char *path, char *out, size_t n)
{
	snprintf(out, n, "%s", path);
	size_t len = strlen(out);
	if (len > 0 && out[len - 1] == '/')
		out[len - 1] = '0'; /* '0' is the byte after '/' */
}

int area_path_depth(const char *path)
{
	int d = 0;
	for (const char *p = path; *p; p++)
		d += *p == '/';
	return d > 0 ? d - 1 : 0;
}

int64_t area_path_id_at(const char *path, int depth)
{
	const char *p = path;
	for (int i = 0; i < depth; i++) {
		p = strchr(p, '/');
		if (!p || !p[1])
			return 0;
		p++;
	}
	return strtoll(p, NULL, 10);
}

bool area_path_same_community(const char *a, const char *b)
{
	char ca[AREA_PATH_MAX], cb[AREA_PATH_MAX];
	return area_path_prefix(a, AREA_DEPTH_COMMUNITY, ca, sizeof ca) == 0 &&
	       area_path_prefix(b, AREA_DEPTH_COMMUNITY, cb, sizeof cb) == 0 && strcmp(ca, cb) == 0;
}

bool area_provider_serves(const char *provider_path, const char *path)
{
	return area_path_within(provider_path, path) ||
	       area_path_same_community(provider_path, path);
}

int area_path_prefix(const char *path, int depth, char *out, size_t n)
{
	const char *p = path;
	for (int i = 0; i <= depth; i++) {
		p = strchr(p, '/');
		if (!p)
			return -1;
		p++;
	}
	size_t len = (size_t)(p - path);
	if (len + 1 > n)
		return -1;
	memcpy(out, path, len);
	out[len] = '\0';
	return 0;
}
