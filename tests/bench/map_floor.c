/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap_floor's loop through herkomst's own reader (cap_map,
 * src/capture/pcapmap.h) instead of libpcap: opens the capture, walks every
 * frame, loads its first byte and sums the captured lengths; prints the same
 * line as pcap_floor, so the two can be compared and timed side by side
 * (docs/performance.md).
 *
 * Usage: map_floor [-j N] CAPTURE. With -j N, N threads each walk the whole
 * file with their own iterator; each must see the same frames, and one line
 * is printed. Exit status 0; 1 when the reader does not take the file
 * (-ENOTSUP included: pcap_floor reads those) or the threads disagree. A truncated last frame ends the walk with a warning,
 * as in pcap_floor.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pcapmap.h"

#define MAP_FLOOR_THREADS_MAX 64

struct walk {
	const struct cap_map *m;
	uint64_t n_packets, caplen_sum, first_sum;
	enum cap_next_result end;
	char err[1024];
};

static void *walk_all(void *arg)
{
	struct walk *w = arg;
	struct cap_map_it *it = malloc(sizeof(*it));
	struct cap_frame f;

	if (!it) {
		w->end = CAP_EERROR;
		snprintf(w->err, sizeof(w->err), "out of memory");
		return NULL;
	}
	cap_map_it_init(it, w->m);
	while ((w->end = cap_map_next(it, &f)) == CAP_FRAME) {
		w->n_packets++;
		w->caplen_sum += f.caplen;
		if (f.caplen > 0)
			w->first_sum += f.data[0];
	}
	snprintf(w->err, sizeof(w->err), "%s", cap_map_it_error(it));
	cap_map_it_release(it);
	free(it);
	return NULL;
}

int main(int argc, char **argv)
{
	struct walk w[MAP_FLOOR_THREADS_MAX];
	pthread_t tid[MAP_FLOOR_THREADS_MAX];
	char err[1024] = "";
	struct cap_map *m = NULL;
	const char *path;
	unsigned n = 1;
	int r;

	if (argc == 4 && strcmp(argv[1], "-j") == 0) {
		n = (unsigned)strtoul(argv[2], NULL, 10);
		path = argv[3];
	} else if (argc == 2) {
		path = argv[1];
	} else {
		fprintf(stderr, "usage: %s [-j N] CAPTURE\n", argv[0]);
		return 2;
	}
	if (n < 1 || n > MAP_FLOOR_THREADS_MAX) {
		fprintf(stderr, "%s: -j takes 1..%d\n", argv[0], MAP_FLOOR_THREADS_MAX);
		return 2;
	}
	r = cap_map_open(path, &m, err, sizeof(err));
	if (r == -ENOTSUP) {
		fprintf(stderr, "%s: not a file cap_map reads; pcap_floor reads it through libpcap\n", path);
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	memset(w, 0, sizeof(w));
	for (unsigned i = 0; i < n; i++) {
		w[i].m = m;
		if (n > 1 && pthread_create(&tid[i], NULL, walk_all, &w[i]) != 0) {
			fprintf(stderr, "%s: cannot start thread %u\n", path, i);
			return 1;
		}
	}
	if (n == 1)
		walk_all(&w[0]);
	else
		for (unsigned i = 0; i < n; i++)
			pthread_join(tid[i], NULL);
	for (unsigned i = 1; i < n; i++)
		if (w[i].n_packets != w[0].n_packets || w[i].first_sum != w[0].first_sum ||
		    w[i].caplen_sum != w[0].caplen_sum || w[i].end != w[0].end) {
			fprintf(stderr, "%s: thread %u saw other frames than thread 0\n", path, i);
			return 1;
		}
	if (w[0].end != CAP_EOF)
		fprintf(stderr, "%s: warning: stopped after %" PRIu64 " packets: %s\n", path, w[0].n_packets,
			w[0].err);
	cap_map_close(m);
	printf("%" PRIu64 " packets %" PRIu64 " bytes %" PRIu64 " first-byte-sum\n", w[0].n_packets,
	       w[0].caplen_sum, w[0].first_sum);
	return 0;
}
