/* area — the area tree: kinds, which kind may sit under which, and materialised paths.
 *
 * Every area has a path "/1/4/9/" listing the ids from the root down to itself. A subtree is the
 * half-open string range [path, area_path_upper(path)), so "is X inside Y" is a prefix test in C
 * and an indexable range in SQL.
 */
#ifndef XY_CORE_AREA_H
#define XY_CORE_AREA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AREA_PATH_MAX 128

enum area_kind {
	AREA_PROVINCE,
	AREA_CITY,
	AREA_DISTRICT,
	AREA_STREET,
	AREA_COMMUNITY,
	AREA_COMPOUND,
	AREA_KIND_COUNT
};

/* "province" ... "compound"; -1 for an unknown name. */
int area_kind_parse(const char *s);
const char *area_kind_name(enum area_kind k);

/* May an area of kind child sit directly under one of kind parent? parent < 0 means "no
 * parent" (only a province may be a root). */
bool area_kind_child_ok(int parent, enum area_kind child);

/* Writes parent_path + id + "/" into out; -1 if it would not fit. parent_path NULL = root. */
int area_path_make(const char *parent_path, int64_t id, char *out, size_t n);

/* true when path lies in the subtree rooted at ancestor (or equals it). */
bool area_path_within(const char *ancestor, const char *path);

/* The exclusive upper bound of the subtree range: path with its final '/' replaced by '0'. */
void area_path_upper(const char *path, char *out, size_t n);

/* Number of areas on the path (the depth, root = 1). */
int area_path_depth(const char *path);

/* The id of the area at depth (root = 1) on path, or 0 when the path is shallower. */
int64_t area_path_id_at(const char *path, int depth);

/* The depth of a community in the tree (province 1, city 2, district 3, street 4, community 5,
 * compound 6): area kinds sit at fixed depths because each kind has exactly one parent kind. */
#define AREA_DEPTH_COMMUNITY 5
#define AREA_DEPTH_COMPOUND  6

/* true when both paths lie inside one community (both at community depth or below). */
bool area_path_same_community(const char *a, const char *b);

/* Does a provider registered at provider_path serve a record (a need, a project) at path? It
 * does when it is registered at that area or above it, or anywhere in the same community. */
bool area_provider_serves(const char *provider_path, const char *path);

/* Copies the first depth components of path into out ("/1/4/9/", 2 -> "/1/4/"); -1 if the path
 * is shallower. */
int area_path_prefix(const char *path, int depth, char *out, size_t n);

#endif
