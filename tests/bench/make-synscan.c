/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make-synscan: a deterministic capture of a TCP SYN scan, for the memory
 * benchmark: every SYN opens a flow of its own, so the flow table fills at
 * the scan's rate and only its cap (herkomst analyze --flows-max) and idle
 * expiry (--flow-timeout, in capture time) hold it.
 *
 * Usage: make-synscan [-n FLOWS] [-t TARGETS] [-r SYNS_PER_SEC] -o FILE
 *   -n FLOWS   distinct flows (SYNs), 1..16777216, default 1000000
 *   -t TARGETS distinct target addresses, 1..65536, default 65536
 *   -r RATE    SYNs per second of capture time, 1..100000, default 20000
 *   -o FILE    the pcap to write ('-': standard output)
 * Prints one summary line on standard error. Exit status 0, 1 when FILE
 * cannot be written, 2 on a usage error.
 *
 * What is in it (classic pcap, Ethernet, microsecond timestamps, snaplen
 * 65535; the same bytes on every run and platform: no clock, a fixed seed):
 *
 *   scanner 192.168.7.50, MAC c8:f7:50:1d:62:9a (Dell OUI), on the segment;
 *   the first TARGETS addresses of 10.128.0.0/16, behind the gateway
 *   00:09:0f:5a:21:01 (Fortinet OUI), so their frames carry the gateway's MAC.
 *
 *   Flow i (0 <= i < FLOWS) is a SYN at start + i/RATE s (start
 *   2026-03-02T08:00:00Z) from the scanner. With d = i mod TARGETS,
 *   r = i / TARGETS, p = r mod 16 and s = r / 16 it goes to
 *     destination  10.128.0.0 + d
 *     port         PORTS[p]  (16 ports, among them 102 S7 and 502 Modbus)
 *     source port  1024 + (s + 97 d + 31 p) mod 64000
 *   Two flows with the same destination and port have the same d and p and
 *   differ in s, and s -> (s + c) mod 64000 is one-to-one for s < 64000,
 *   which FLOWS <= 16 * 64000 * TARGETS ensures. So the FLOWS 5-tuples are
 *   distinct, and the source ports vary as a scanner's do.
 *
 *   Answers, drawn from a splitmix64 hash of i: 1 in 32 targets answer
 *   SYN-ACK 2 ms later (open port) and the scanner resets 10 us after that;
 *   1 in 4 answer RST-ACK 2 ms later (closed port); the rest stay silent
 *   (filtered). A SYN carries MSS 1460 as nmap's do (24-byte TCP header,
 *   58-byte frames; answers 54 bytes). IPv4 and TCP checksums are right.
 *
 * RATE is at most 100000 so that SYNs are at least 10 us apart: answers wait
 * in a FIFO in the order they were sent, and with that spacing the FIFO's
 * order is time order.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_FLOWS_MAX (16u << 20)
#define SCAN_RATE_MAX 100000u
#define SCAN_START_SEC 1772438400u /* 2026-03-02T08:00:00Z */
#define SCAN_RTT_USEC 2000u
#define SCAN_RST_USEC 10u
#define SCAN_SEED 0x6865726b6f6d7374u /* "herkomst" */
#define FIFO_LEN 2048u              /* > 2 * (RTT + RST) / 10 us answers in flight */

static const uint16_t scan_ports[16] = {21, 22, 23, 25, 53, 80, 102, 110, 135, 139, 143, 443, 445, 502, 3389, 8080};
static const uint8_t mac_scanner[6] = {0xc8, 0xf7, 0x50, 0x1d, 0x62, 0x9a};
static const uint8_t mac_gateway[6] = {0x00, 0x09, 0x0f, 0x5a, 0x21, 0x01};
static const uint8_t ip_scanner[4] = {192, 168, 7, 50};

enum kind { K_SYN, K_SYNACK, K_RST_ACK, K_RST };

struct pkt {
	uint64_t ts_usec;
	uint32_t i;
	uint8_t kind;
};

struct fifo {
	struct pkt q[FIFO_LEN];
	size_t head, n;
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Builds the frame of p into f; returns its length. */
static size_t build(const struct pkt *p, uint32_t n_targets, uint8_t f[64])
{
	uint32_t i = p->i, d = i % n_targets, r = i / n_targets, pi = r % 16, s = r / 16;
	uint64_t h = splitmix64(SCAN_SEED ^ i);
	uint8_t target[4] = {10, 128, (uint8_t)(d >> 8), (uint8_t)d};
	uint16_t dport = scan_ports[pi];
	uint16_t sport = (uint16_t)(1024 + (s + 97 * d + 31 * pi) % 64000);
	uint32_t seq = (uint32_t)h, their_seq = (uint32_t)(h >> 32);
	bool from_scanner = p->kind == K_SYN || p->kind == K_RST;
	size_t tcp_len = p->kind == K_SYN ? 24 : 20;
	uint8_t *ip = f + 14, *tcp = f + 34, pseudo[12];
	uint32_t sum;

	memset(f, 0, 64);
	memcpy(f, from_scanner ? mac_gateway : mac_scanner, 6);
	memcpy(f + 6, from_scanner ? mac_scanner : mac_gateway, 6);
	put16(f + 12, 0x0800);

	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + tcp_len));
	put16(ip + 4, (uint16_t)(h >> 16)); /* IP ID */
	ip[8] = from_scanner ? 64 : 57;   /* the targets are 7 hops away */
	ip[9] = 6;
	memcpy(ip + 12, from_scanner ? ip_scanner : target, 4);
	memcpy(ip + 16, from_scanner ? target : ip_scanner, 4);
	put16(ip + 10, fold(sum16(ip, 20, 0)));

	put16(tcp, from_scanner ? sport : dport);
	put16(tcp + 2, from_scanner ? dport : sport);
	switch (p->kind) {
	case K_SYN:
		put32(tcp + 4, seq);
		tcp[13] = 0x02;
		put16(tcp + 14, 1024);
		tcp[20] = 2; /* MSS 1460 */
		tcp[21] = 4;
		put16(tcp + 22, 1460);
		break;
	case K_SYNACK:
		put32(tcp + 4, their_seq);
		put32(tcp + 8, seq + 1);
		tcp[13] = 0x12;
		put16(tcp + 14, 29200);
		break;
	case K_RST_ACK:
		put32(tcp + 8, seq + 1);
		tcp[13] = 0x14;
		break;
	case K_RST:
		put32(tcp + 4, seq + 1);
		tcp[13] = 0x04;
		break;
	}
	tcp[12] = (uint8_t)((tcp_len / 4) << 4);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, (uint16_t)tcp_len);
	sum = sum16(pseudo, 12, 0);
	put16(tcp + 16, fold(sum16(tcp, tcp_len, sum)));
	return 34 + tcp_len;
}

static int emit(FILE *out, const struct pkt *p, uint32_t n_targets)
{
	uint8_t rec[16], f[64];
	size_t len = build(p, n_targets, f);

	le32(rec, (uint32_t)(p->ts_usec / 1000000u));
	le32(rec + 4, (uint32_t)(p->ts_usec % 1000000u));
	le32(rec + 8, (uint32_t)len);
	le32(rec + 12, (uint32_t)len);
	if (fwrite(rec, 1, 16, out) != 16 || fwrite(f, 1, len, out) != len)
		return -EIO;
	return 0;
}

static void fifo_push(struct fifo *q, uint64_t ts, uint32_t i, uint8_t kind)
{
	/* FIFO_LEN is larger than the answers in flight at SCAN_RATE_MAX */
	q->q[(q->head + q->n) % FIFO_LEN] = (struct pkt){.ts_usec = ts, .i = i, .kind = kind};
	q->n++;
}

static bool parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno || v < lo || v > hi)
		return false;
	*ret = (uint32_t)v;
	return true;
}

int main(int argc, char **argv)
{
	static struct fifo q;
	uint32_t n_flows = 1000000, rate = 20000, n_targets = 65536;
	uint64_t n_pkts = 0, n_open = 0, n_closed = 0, start = (uint64_t)SCAN_START_SEC * 1000000u;
	const char *path = NULL;
	uint8_t gh[24];
	FILE *out;

	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];
		if (a + 1 >= argc || (strcmp(o, "-n") && strcmp(o, "-t") && strcmp(o, "-r") && strcmp(o, "-o"))) {
			fprintf(stderr, "usage: %s [-n FLOWS] [-t TARGETS] [-r SYNS_PER_SEC] -o FILE\n", argv[0]);
			return 2;
		}
		a++;
		if (strcmp(o, "-o") == 0) {
			path = argv[a];
		} else if (strcmp(o, "-n") == 0 && !parse_u32(argv[a], 1, SCAN_FLOWS_MAX, &n_flows)) {
			fprintf(stderr, "%s: -n wants a number of flows from 1 to %u, not '%s'\n", argv[0],
				SCAN_FLOWS_MAX, argv[a]);
			return 2;
		} else if (strcmp(o, "-t") == 0 && !parse_u32(argv[a], 1, 65536, &n_targets)) {
			fprintf(stderr, "%s: -t wants a number of targets from 1 to 65536, not '%s'\n", argv[0], argv[a]);
			return 2;
		} else if (strcmp(o, "-r") == 0 && !parse_u32(argv[a], 1, SCAN_RATE_MAX, &rate)) {
			fprintf(stderr, "%s: -r wants SYNs per second from 1 to %u, not '%s'\n", argv[0],
				SCAN_RATE_MAX, argv[a]);
			return 2;
		}
	}
	if ((uint64_t)n_flows > (uint64_t)16 * 64000 * n_targets) {
		fprintf(stderr, "%s: %" PRIu32 " targets give at most %" PRIu64 " distinct flows; raise -t or lower -n\n",
			argv[0], n_targets, (uint64_t)16 * 64000 * n_targets);
		return 2;
	}
	if (!path) {
		fprintf(stderr, "%s: no output file: give -o FILE\n", argv[0]);
		return 2;
	}
	out = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (!out) {
		fprintf(stderr, "%s: cannot create %s: %s\n", argv[0], path, strerror(errno));
		return 1;
	}
	le32(gh, 0xa1b2c3d4);
	gh[4] = 2, gh[5] = 0, gh[6] = 4, gh[7] = 0; /* version 2.4, little-endian */
	memset(gh + 8, 0, 8);
	le32(gh + 16, 65535);
	le32(gh + 20, 1); /* LINKTYPE_ETHERNET */
	if (fwrite(gh, 1, 24, out) != 24)
		goto fail;

	for (uint32_t i = 0; i <= n_flows; i++) {
		uint64_t t = i < n_flows ? start + (uint64_t)i * 1000000u / rate : UINT64_MAX;

		/* the answers due before this SYN go first */
		while (q.n && q.q[q.head].ts_usec <= t) {
			if (emit(out, &q.q[q.head], n_targets) < 0)
				goto fail;
			q.head = (q.head + 1) % FIFO_LEN;
			q.n--;
			n_pkts++;
		}
		if (i == n_flows)
			break;
		if (emit(out, &(struct pkt){.ts_usec = t, .i = i, .kind = K_SYN}, n_targets) < 0)
			goto fail;
		n_pkts++;
		switch (splitmix64(SCAN_SEED ^ i) >> 59) { /* 0..31 */
		case 0:
			fifo_push(&q, t + SCAN_RTT_USEC, i, K_SYNACK);
			fifo_push(&q, t + SCAN_RTT_USEC + SCAN_RST_USEC, i, K_RST);
			n_open++;
			break;
		case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8:
			fifo_push(&q, t + SCAN_RTT_USEC, i, K_RST_ACK);
			n_closed++;
			break;
		default:
			break;
		}
	}
	if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out) != 0))
		goto fail_closed;
	fprintf(stderr,
		"%s: %" PRIu32 " flows (SYNs) to %" PRIu32 " targets at %" PRIu32 "/s over %.3f s, %" PRIu64
		" open, %" PRIu64 " closed, %" PRIu64 " packets\n",
		path, n_flows, n_targets < n_flows ? n_targets : n_flows, rate, (double)(n_flows - 1) / rate, n_open,
		n_closed, n_pkts);
	return 0;
fail:
	if (out != stdout)
		fclose(out);
fail_closed:
	fprintf(stderr, "%s: cannot write %s: %s; check free space\n", argv[0], path, strerror(errno ? errno : EIO));
	return 1;
}
