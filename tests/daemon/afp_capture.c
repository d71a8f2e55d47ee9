/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper for the AF_PACKET source (src/capture/afpacket.c), driven by
 * daemon_e2e.py inside a network namespace: opens N sockets of one fanout
 * group on an interface, the way N workers of herkomst run would, and writes
 * what each socket delivers through cap_next() to a pcap file of its own,
 * byte for byte (so the test can compare them with the capture it replayed:
 * the union, the VLAN tags put back, the flows each socket got).
 *
 *   afp_capture IFACE N OUTPREFIX [--ring-mb M] [--snaplen S] [--no-defrag] [--stall]
 *
 * Prints "ready group G blocks B size K" once every socket is open, then reads
 * until SIGTERM or SIGINT, drains what is left, and prints one line per socket:
 * "socket I frames F received R drops D freezes Z" (cap_live_stats).
 * --stall reads nothing until SIGUSR1, so that a small ring overflows.
 * Exit 0, or 1 with a message.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"

#define AFP_TEST_SOCKETS_MAX 16

static volatile sig_atomic_t stop, go;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		go = 1;
	else
		stop = 1;
}

/* Everything each socket has now; -1 on a capture error. */
static int drain(struct cap_source **src, pcap_dumper_t **out, uint64_t *n_frames, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct cap_frame fr;
		enum cap_next_result r;

		while ((r = cap_next(src[i], &fr)) == CAP_FRAME) {
			struct pcap_pkthdr h;

			h.ts.tv_sec = (time_t)(fr.ts_usec / 1000000u);
			h.ts.tv_usec = (suseconds_t)(fr.ts_usec % 1000000u);
			h.caplen = fr.caplen;
			h.len = fr.wirelen;
			pcap_dump((u_char *)out[i], &h, fr.data);
			n_frames[i]++;
		}
		if (r != CAP_AGAIN) {
			fprintf(stderr, "afp_capture: socket %u: %s\n", i, cap_error(src[i]));
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cap_afpacket_opts o = {.snaplen = 65535, .promisc = true, .ring_mb = 16, .defrag = true};
	struct cap_source *src[AFP_TEST_SOCKETS_MAX] = {0};
	pcap_dumper_t *out[AFP_TEST_SOCKETS_MAX] = {0};
	uint64_t n_frames[AFP_TEST_SOCKETS_MAX] = {0};
	struct pollfd pfd[AFP_TEST_SOCKETS_MAX];
	struct cap_afpacket_info ai = {0};
	struct sigaction sa;
	bool stall = false;
	pcap_t *dead = NULL;
	unsigned n;
	char err[1024];
	int status = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: afp_capture IFACE N OUTPREFIX [--ring-mb M] [--snaplen S] [--no-defrag] "
				"[--stall]\n");
		return 2;
	}
	n = (unsigned)atoi(argv[2]);
	if (n < 1 || n > AFP_TEST_SOCKETS_MAX) {
		fprintf(stderr, "afp_capture: N must be 1 to %d\n", AFP_TEST_SOCKETS_MAX);
		return 2;
	}
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--ring-mb") == 0 && i + 1 < argc)
			o.ring_mb = (unsigned)atoi(argv[++i]);
		else if (strcmp(argv[i], "--snaplen") == 0 && i + 1 < argc)
			o.snaplen = (unsigned)atoi(argv[++i]);
		else if (strcmp(argv[i], "--no-defrag") == 0)
			o.defrag = false;
		else if (strcmp(argv[i], "--stall") == 0)
			stall = true;
		else {
			fprintf(stderr, "afp_capture: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	dead = pcap_open_dead(DLT_EN10MB, (int)o.snaplen + 4);
	for (unsigned i = 0; i < n; i++) {
		char path[4096];

		o.worker = i;
		o.fanout_group = i == 0 ? 0 : ai.fanout_group;
		src[i] = cap_open_afpacket(argv[1], &o, err, sizeof(err));
		if (!src[i]) {
			fprintf(stderr, "afp_capture: %s\n", err);
			goto out;
		}
		if (i == 0 && cap_afpacket_info(src[0], &ai) != 0) {
			fprintf(stderr, "afp_capture: no fanout information\n");
			goto out;
		}
		snprintf(path, sizeof(path), "%s.%u.pcap", argv[3], i);
		out[i] = pcap_dump_open(dead, path);
		if (!out[i]) {
			fprintf(stderr, "afp_capture: %s: %s\n", path, pcap_geterr(dead));
			goto out;
		}
		pfd[i].fd = cap_fd(src[i]);
		pfd[i].events = POLLIN;
	}
	printf("ready group %u blocks %u size %u\n", (unsigned)ai.fanout_group, ai.n_blocks, ai.block_size);
	fflush(stdout);
	while (!stop) {
		if (stall && !go) {
			poll(NULL, 0, 50);
			continue;
		}
		if (poll(pfd, n, 100) < 0 && errno != EINTR) {
			perror("afp_capture: poll");
			goto out;
		}
		if (drain(src, out, n_frames, n) < 0)
			goto out;
	}
	/* the last blocks: handed over within CAP_AFP_BLOCK_TIMEOUT_MS */
	for (int k = 0; k < 3; k++) {
		poll(NULL, 0, CAP_AFP_BLOCK_TIMEOUT_MS);
		if (drain(src, out, n_frames, n) < 0)
			goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		struct cap_live_stats st;

		if (cap_live_stats(src[i], &st) != 0) {
			fprintf(stderr, "afp_capture: %s\n", cap_error(src[i]));
			goto out;
		}
		printf("socket %u frames %llu received %llu drops %llu freezes %llu\n", i,
		       (unsigned long long)n_frames[i], (unsigned long long)st.received,
		       (unsigned long long)st.drops_ring, (unsigned long long)st.ring_freezes);
	}
	status = 0;
out:
	for (unsigned i = 0; i < n; i++) {
		if (out[i])
			pcap_dump_close(out[i]);
		cap_close(src[i]);
	}
	if (dead)
		pcap_close(dead);
	fflush(stdout);
	return status;
}
