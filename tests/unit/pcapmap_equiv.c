/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cap_map against libpcap over every file of the shared captures directory
 * ($HERKOMST_SHARED_DIR/pcaps), or over the files given as arguments: each
 * is read by both (pcapmap_diff.h) and must give the same frames and the
 * same end. Files cap_map leaves to libpcap (-ENOTSUP) are counted and
 * listed; so are files both refuse at open (MANIFEST.tsv, README.md).
 *
 * Exit status 0 when every file agrees, 1 on a difference, 77 (skip) when
 * the shared directory is absent.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "pcapmap_diff.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct tally {
	unsigned compared, same, differ, notsup, refused;
	unsigned long frames;
};

static void one(const char *path, struct tally *t)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "", map_err[1024] = "";
	struct cap_map *m = NULL;
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, pcap_err);
	int map_r = cap_map_open(path, &m, map_err, sizeof(map_err));
	struct pmd_result r = pmd_compare(p, pcap_err, map_r, m, map_err);
	const char *end = r.end == CAP_EERROR ? "refused" : r.end == CAP_ETRUNCATED ? "truncated" : "clean";
	switch (r.status) {
	case PMD_SAME:
		if (r.both_refused) {
			t->refused++;
			printf("refused  %s (both: %s)\n", path, pcap_err);
		} else {
			t->compared++;
			t->same++;
			t->frames += r.frames;
			printf("same     %s: %lu frames, end %s\n", path, r.frames, end);
		}
		break;
	case PMD_NOTSUP:
		t->notsup++;
		printf("libpcap  %s: left to libpcap (-ENOTSUP)\n", path);
		break;
	case PMD_DIFFER:
		t->compared++;
		t->differ++;
		printf("DIFFER   %s: %s\n", path, r.why);
		break;
	}
	if (p)
		pcap_close(p);
	cap_map_close(m);
}

int main(int argc, char **argv)
{
	struct tally t = {0};
	char dir[4096];
	const char *shared;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			one(argv[i], &t);
	} else {
		char **names = NULL;
		size_t n = 0, cap = 0;
		struct dirent *e;
		DIR *d;

		shared = getenv("HERKOMST_SHARED_DIR");
		if (!shared || !*shared) {
			printf("HERKOMST_SHARED_DIR is not set: skipped\n");
			return 77;
		}
		snprintf(dir, sizeof(dir), "%s/pcaps", shared);
		d = opendir(dir);
		if (!d) {
			printf("%s: absent: skipped\n", dir);
			return 77;
		}
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				names = realloc(names, cap * sizeof(*names));
				if (!names)
					return 1;
			}
			if (asprintf(&names[n], "%s/%s", dir, e->d_name) < 0)
				return 1;
			n++;
		}
		closedir(d);
		qsort(names, n, sizeof(*names), by_name);
		for (size_t i = 0; i < n; i++) {
			one(names[i], &t);
			free(names[i]);
		}
		free(names);
	}
	printf("compared %u captures (%lu frames): %u identical, %u differ; %u left to libpcap; "
	       "%u refused by both\n",
	       t.compared, t.frames, t.same, t.differ, t.notsup, t.refused);
	if (t.compared == 0) {
		printf("no capture compared\n");
		return 1;
	}
	return t.differ ? 1 : 0;
}
