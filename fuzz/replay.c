/* Replays a fuzz corpus through a libFuzzer-style target without libFuzzer, for the normal
 * test run (under ASan+UBSan there).
 *
 *   BUILD/tests/fuzz/NAME [FILE|DIR ...]    default: the committed corpus FUZZ_CORPUS
 *
 * Feeds every file (a directory's files in name order) to LLVMFuzzerTestOneInput and prints
 * TAP, one "ok" line per input. A crash or sanitizer report ends the run with a non-zero
 * status, which tests/run.sh counts as a failure.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_CORPUS
#error "build with -DFUZZ_CORPUS='\"fuzz/corpus/NAME\"'"
#endif

#define REPLAY_MAX_BYTES (16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int tests;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("not ok %d - %s: cannot open\n", ++tests, path);
		return -1;
	}
	uint8_t *buf = malloc(REPLAY_MAX_BYTES);
	size_t n = buf ? fread(buf, 1, REPLAY_MAX_BYTES, f) : 0;
	int bad = !buf || ferror(f) || !feof(f);
	fclose(f);
	if (bad) {
		printf("not ok %d - %s: unreadable or larger than %d bytes\n", ++tests, path,
		       REPLAY_MAX_BYTES);
		free(buf);
		return -1;
	}
	/* an exact-size copy, so that ASan sees a read past the input */
	uint8_t *data = malloc(n ? n : 1);
	if (!data) {
		free(buf);
		return -1;
	}
	memcpy(data, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	printf("ok %d - %s\n", ++tests, path);
	fflush(stdout);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		printf("not ok %d - %s: missing\n", ++tests, path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	DIR *d = opendir(path);
	if (!d) {
		printf("not ok %d - %s: cannot list\n", ++tests, path);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, room = 0;
	int rc = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		if (n == room) {
			room = room ? room * 2 : 64;
			char **more = realloc(names, room * sizeof *names);
			if (!more) {
				rc = -1;
				break;
			}
			names = more;
		}
		size_t len = strlen(path) + strlen(de->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n]) {
			rc = -1;
			break;
		}
		snprintf(names[n++], len, "%s/%s", path, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t k = 0; k < n; k++) {
		if (replay_file(names[k]) != 0)
			rc = -1;
		free(names[k]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;
	if (argc < 2)
		rc = replay(FUZZ_CORPUS);
	for (int k = 1; k < argc; k++)
		if (replay(argv[k]) != 0)
			rc = 1;
	printf("1..%d\n", tests);
	return rc ? 1 : 0;
}
