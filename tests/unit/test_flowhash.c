/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader's flow hash (src/decode/flowhash.c): both directions of a flow
 * hash alike; the fast path gives what decoding the whole frame gives, on
 * hand-built frames, on every truncation of them (each prefix copied into an
 * exactly-sized heap buffer, for AddressSanitizer), and on every frame of
 * the plant capture and of the shared captures.
 */
#include <check.h>
#include <dirent.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "decode/flowhash.h"

static uint64_t by_decode(int lt, const uint8_t *data, size_t len)
{
	struct hk_pkt p;

	decode_frame(lt, data, (uint32_t)len, (uint32_t)len, 0, &p, NULL);
	return decode_pkt_flow_hash(&p);
}

/* The fast path against the full decode, on data copied to an exactly-sized
 * heap buffer. */
static void check_same(int lt, const uint8_t *data, size_t len, const char *what)
{
	uint8_t *copy = malloc(len ? len : 1);
	uint64_t fast, slow;

	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, data, len);
	fast = decode_flow_hash(lt, copy, (uint32_t)len);
	slow = by_decode(lt, copy, len);
	ck_assert_msg(fast == slow, "%s (%zu bytes): fast path %016llx, decoded %016llx", what, len,
		      (unsigned long long)fast, (unsigned long long)slow);
	free(copy);
}

static void check_prefixes(int lt, const uint8_t *data, size_t len, const char *what)
{
	for (size_t n = 0; n <= len; n++)
		check_same(lt, data, n, what);
}

/* ---- frame builder ---- */

struct frame {
	uint8_t b[256];
	size_t n;
};

static void put(struct frame *f, const void *p, size_t n)
{
	ck_assert_uint_le(f->n + n, sizeof(f->b));
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(f, b, 2);
}

static const uint8_t MAC_A[6] = {0x00, 0x1b, 0x1b, 0x11, 0x22, 0x33};
static const uint8_t MAC_B[6] = {0x00, 0x0e, 0x8c, 0x44, 0x55, 0x66};

static void eth(struct frame *f, const uint8_t *src, const uint8_t *dst, const uint16_t *vlans, size_t n_vlans,
		uint16_t type)
{
	f->n = 0;
	put(f, dst, 6);
	put(f, src, 6);
	for (size_t i = 0; i < n_vlans; i++) {
		put16(f, i == 0 && n_vlans > 1 ? 0x88a8 : 0x8100);
		put16(f, vlans[i]);
	}
	put16(f, type);
}

/* IPv4 with ihl_words * 4 header bytes and l4len bytes after it. */
static void ipv4(struct frame *f, const uint8_t src[4], const uint8_t dst[4], uint8_t proto, size_t l4len,
		 uint8_t ihl_words, uint16_t frag)
{
	uint8_t h[60] = {0};
	size_t hlen = (size_t)ihl_words * 4;

	h[0] = (uint8_t)(0x40 | ihl_words);
	h[2] = (uint8_t)((hlen + l4len) >> 8);
	h[3] = (uint8_t)(hlen + l4len);
	h[6] = (uint8_t)(frag >> 8);
	h[7] = (uint8_t)frag;
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	put(f, h, hlen);
}

static void ipv6(struct frame *f, const uint8_t src[16], const uint8_t dst[16], uint8_t nh, size_t plen)
{
	uint8_t h[40] = {0};

	h[0] = 0x60;
	h[4] = (uint8_t)(plen >> 8);
	h[5] = (uint8_t)plen;
	h[6] = nh;
	h[7] = 64;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
	put(f, h, sizeof(h));
}

static void tcp(struct frame *f, uint16_t sport, uint16_t dport, size_t payload)
{
	uint8_t h[20] = {0};

	h[0] = (uint8_t)(sport >> 8);
	h[1] = (uint8_t)sport;
	h[2] = (uint8_t)(dport >> 8);
	h[3] = (uint8_t)dport;
	h[12] = 0x50;
	h[13] = 0x18;
	put(f, h, sizeof(h));
	for (size_t i = 0; i < payload; i++)
		put(f, "x", 1);
}

static void udp(struct frame *f, uint16_t sport, uint16_t dport, size_t payload)
{
	uint8_t h[8] = {0};

	h[0] = (uint8_t)(sport >> 8);
	h[1] = (uint8_t)sport;
	h[2] = (uint8_t)(dport >> 8);
	h[3] = (uint8_t)dport;
	h[4] = (uint8_t)((8 + payload) >> 8);
	h[5] = (uint8_t)(8 + payload);
	put(f, h, sizeof(h));
	for (size_t i = 0; i < payload; i++)
		put(f, "y", 1);
}

static const uint8_t IP_A[4] = {10, 0, 0, 5}, IP_B[4] = {10, 0, 0, 77};
static const uint8_t IP6_A[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
static const uint8_t IP6_B[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77};

static void tcp4(struct frame *f, bool reply, const uint16_t *vlans, size_t n_vlans, uint16_t a_port)
{
	eth(f, reply ? MAC_B : MAC_A, reply ? MAC_A : MAC_B, vlans, n_vlans, 0x0800);
	ipv4(f, reply ? IP_B : IP_A, reply ? IP_A : IP_B, 6, 20 + 10, 5, 0);
	tcp(f, reply ? 502 : a_port, reply ? a_port : 502, 10);
}

START_TEST(both_directions_hash_alike)
{
	static const uint16_t vl[2] = {10, 20};
	struct frame q, r;

	for (size_t nv = 0; nv <= 2; nv++) {
		tcp4(&q, false, vl, nv, 49152);
		tcp4(&r, true, vl, nv, 49152);
		ck_assert_uint_eq(decode_flow_hash(DLT_EN10MB, q.b, (uint32_t)q.n),
				  decode_flow_hash(DLT_EN10MB, r.b, (uint32_t)r.n));
		check_same(DLT_EN10MB, q.b, q.n, "tcp4");
		check_same(DLT_EN10MB, r.b, r.n, "tcp4 reply");
	}
	/* IPv6 UDP, the same two ports both ways, and same address both ends */
	eth(&q, MAC_A, MAC_B, NULL, 0, 0x86dd);
	ipv6(&q, IP6_A, IP6_B, 17, 8 + 4);
	udp(&q, 47808, 47808, 4);
	eth(&r, MAC_B, MAC_A, NULL, 0, 0x86dd);
	ipv6(&r, IP6_B, IP6_A, 17, 8 + 4);
	udp(&r, 47808, 47808, 4);
	ck_assert_uint_eq(decode_flow_hash(DLT_EN10MB, q.b, (uint32_t)q.n),
			  decode_flow_hash(DLT_EN10MB, r.b, (uint32_t)r.n));
	/* addresses that differ only in their first 8 bytes, and in both
	 * halves the other way round (the address order compares both) */
	{
		static const uint8_t hi_a[16] = {0xfd, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5};
		static const uint8_t hi_b[16] = {0xfd, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5};
		static const uint8_t both_a[16] = {0xfd, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9};
		static const uint8_t both_b[16] = {0xfd, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
		const uint8_t *pairs[2][2] = {{hi_a, hi_b}, {both_a, both_b}};

		for (size_t i = 0; i < 2; i++) {
			eth(&q, MAC_A, MAC_B, NULL, 0, 0x86dd);
			ipv6(&q, pairs[i][0], pairs[i][1], 17, 8 + 4);
			udp(&q, 47808, 47808, 4);
			eth(&r, MAC_B, MAC_A, NULL, 0, 0x86dd);
			ipv6(&r, pairs[i][1], pairs[i][0], 17, 8 + 4);
			udp(&r, 47808, 47808, 4);
			ck_assert_uint_eq(decode_flow_hash(DLT_EN10MB, q.b, (uint32_t)q.n),
					  decode_flow_hash(DLT_EN10MB, r.b, (uint32_t)r.n));
			check_same(DLT_EN10MB, q.b, q.n, "ipv6 pair");
		}
	}
	eth(&q, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&q, IP_A, IP_A, 17, 8, 5, 0);
	udp(&q, 1000, 2000, 0);
	eth(&r, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&r, IP_A, IP_A, 17, 8, 5, 0);
	udp(&r, 2000, 1000, 0);
	ck_assert_uint_eq(decode_flow_hash(DLT_EN10MB, q.b, (uint32_t)q.n),
			  decode_flow_hash(DLT_EN10MB, r.b, (uint32_t)r.n));
	/* ARP both ways: the MAC pair */
	eth(&q, MAC_A, MAC_B, NULL, 0, 0x0806);
	put(&q, "\x00\x01\x08\x00\x06\x04\x00\x02", 8);
	eth(&r, MAC_B, MAC_A, NULL, 0, 0x0806);
	put(&r, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	ck_assert_uint_eq(decode_flow_hash(DLT_EN10MB, q.b, (uint32_t)q.n),
			  decode_flow_hash(DLT_EN10MB, r.b, (uint32_t)r.n));
}
END_TEST

/* What is in the flow key tells flows apart: ports, VLAN, protocol. */
START_TEST(different_flows_differ)
{
	static const uint16_t v1 = 10, v2 = 11;
	uint64_t h[2048];
	size_t n = 0;
	struct frame f;

	for (uint16_t port = 40000; port < 42000; port++) {
		tcp4(&f, false, NULL, 0, port);
		h[n++] = decode_flow_hash(DLT_EN10MB, f.b, (uint32_t)f.n);
	}
	tcp4(&f, false, &v1, 1, 40000);
	h[n++] = decode_flow_hash(DLT_EN10MB, f.b, (uint32_t)f.n);
	tcp4(&f, false, &v2, 1, 40000);
	h[n++] = decode_flow_hash(DLT_EN10MB, f.b, (uint32_t)f.n);
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&f, IP_A, IP_B, 17, 8, 5, 0);
	udp(&f, 40000, 502, 0);
	h[n++] = decode_flow_hash(DLT_EN10MB, f.b, (uint32_t)f.n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			ck_assert_msg(h[i] != h[j], "flows %zu and %zu hash alike", i, j);
	/* and the high bits (which pick the worker) spread: both halves used */
	{
		size_t hi = 0;
		for (size_t i = 0; i < 2000; i++)
			hi += h[i] >> 63;
		ck_assert_uint_gt(hi, 800);
		ck_assert_uint_lt(hi, 1200);
	}
}
END_TEST

/* Frames off the fast path, and every truncation of each. */
START_TEST(odd_frames_and_truncations)
{
	static const uint16_t vl[3] = {5, 6, 7};
	struct frame f;

	tcp4(&f, false, vl, 2, 49152);
	check_prefixes(DLT_EN10MB, f.b, f.n, "QinQ tcp4");
	/* three tags: too deep for decode.c */
	eth(&f, MAC_A, MAC_B, vl, 3, 0x0800);
	ipv4(&f, IP_A, IP_B, 6, 20, 5, 0);
	tcp(&f, 1, 2, 0);
	check_prefixes(DLT_EN10MB, f.b, f.n, "three VLAN tags");
	/* IPv4 options */
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&f, IP_A, IP_B, 17, 8 + 3, 7, 0);
	udp(&f, 161, 50000, 3);
	check_prefixes(DLT_EN10MB, f.b, f.n, "ipv4 options");
	/* a first fragment and a later one */
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&f, IP_A, IP_B, 17, 8 + 8, 5, 0x2000);
	udp(&f, 5000, 6000, 8);
	check_prefixes(DLT_EN10MB, f.b, f.n, "first fragment");
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&f, IP_A, IP_B, 17, 16, 5, 0x0003);
	udp(&f, 5000, 6000, 8);
	check_prefixes(DLT_EN10MB, f.b, f.n, "later fragment");
	/* a total length longer than the frame (snapped), and shorter than the header */
	tcp4(&f, false, NULL, 0, 40000);
	f.b[16] = 0x05;
	check_same(DLT_EN10MB, f.b, f.n, "ipv4 total length past the capture");
	f.b[16] = 0;
	f.b[17] = 10;
	check_same(DLT_EN10MB, f.b, f.n, "ipv4 total length below the header");
	f.b[17] = 0;
	check_same(DLT_EN10MB, f.b, f.n, "ipv4 total length 0 (TSO)");
	/* TCP header cut by the IP total length */
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&f, IP_A, IP_B, 6, 12, 5, 0);
	tcp(&f, 1, 2, 0);
	check_same(DLT_EN10MB, f.b, f.n, "tcp header past the total length");
	/* ICMP, and an IP protocol without ports */
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&f, IP_A, IP_B, 1, 8, 5, 0);
	put(&f, "\x08\x00\x00\x00\x00\x01\x00\x01", 8);
	check_prefixes(DLT_EN10MB, f.b, f.n, "icmp");
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x0800);
	ipv4(&f, IP_A, IP_B, 89, 4, 5, 0);
	put(&f, "ospf", 4);
	check_prefixes(DLT_EN10MB, f.b, f.n, "ospf");
	/* IPv6: a hop-by-hop header, a fragment header, plain TCP */
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x86dd);
	ipv6(&f, IP6_A, IP6_B, 0, 8 + 8);
	put(&f, "\x11\x00\x00\x00\x00\x00\x00\x00", 8);
	udp(&f, 546, 547, 0);
	check_prefixes(DLT_EN10MB, f.b, f.n, "ipv6 hop-by-hop");
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x86dd);
	ipv6(&f, IP6_A, IP6_B, 44, 8 + 8);
	put(&f, "\x11\x00\x00\x01\x00\x00\x00\x01", 8);
	udp(&f, 546, 547, 0);
	check_prefixes(DLT_EN10MB, f.b, f.n, "ipv6 fragment header");
	eth(&f, MAC_A, MAC_B, NULL, 0, 0x86dd);
	ipv6(&f, IP6_A, IP6_B, 6, 20 + 5);
	tcp(&f, 443, 50001, 5);
	check_prefixes(DLT_EN10MB, f.b, f.n, "ipv6 tcp");
	f.b[14] = 0x40;
	check_same(DLT_EN10MB, f.b, f.n, "ipv6 ethertype with a version 4 header");
	/* LLC (802.3 length), and other link types */
	eth(&f, MAC_A, MAC_B, NULL, 0, 20);
	put(&f, "\xaa\xaa\x03\x00\x00\x0c\x20\x00", 8);
	check_prefixes(DLT_EN10MB, f.b, f.n, "llc snap");
	tcp4(&f, false, NULL, 0, 40000);
	check_prefixes(DLT_RAW, f.b + 14, f.n - 14, "raw ip");
	check_prefixes(DLT_LINUX_SLL, f.b, f.n, "bytes read as linux cooked");
	check_same(DLT_EN10MB, NULL, 0, "no data");
	check_same(147, f.b, f.n, "unsupported link type");
}
END_TEST

static size_t frames_checked;

static void check_capture(const char *path)
{
	char err[512];
	struct cap_source *src = cap_open_file(path, err, sizeof(err));
	struct cap_frame fr;

	ck_assert_msg(src != NULL, "%s", err);
	while (cap_next(src, &fr) == CAP_FRAME) {
		uint64_t fast = decode_flow_hash(fr.linktype, fr.data, fr.caplen);
		uint64_t slow = by_decode(fr.linktype, fr.data, fr.caplen);
		ck_assert_msg(fast == slow, "%s: frame %zu: fast path %016llx, decoded %016llx", path,
			      frames_checked, (unsigned long long)fast, (unsigned long long)slow);
		frames_checked++;
	}
	cap_close(src);
}

START_TEST(plant_capture)
{
	const char *build = getenv("HERKOMST_BUILD_DIR");
	char path[4096];

	ck_assert_msg(build != NULL, "HERKOMST_BUILD_DIR is not set (run through meson test)");
	snprintf(path, sizeof(path), "%s/tests/gen/plant.pcap", build);
	frames_checked = 0;
	check_capture(path);
	ck_assert_uint_gt(frames_checked, 1000);
}
END_TEST

/* Every shared capture, when ../shared is there (else nothing to do). */
START_TEST(shared_captures)
{
	const char *shared = getenv("HERKOMST_SHARED_DIR");
	char dir[4096], path[8192];
	struct dirent *de;
	size_t files = 0;
	DIR *d;

	if (!shared)
		return;
	snprintf(dir, sizeof(dir), "%s/pcaps", shared);
	d = opendir(dir);
	if (!d)
		return;
	frames_checked = 0;
	while ((de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		if (!dot || (strcmp(dot, ".pcap") != 0 && strcmp(dot, ".pcapng") != 0 && strcmp(dot, ".cap") != 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		check_capture(path);
		files++;
	}
	closedir(d);
	ck_assert_uint_gt(files, 0);
	printf("flowhash: %zu frames of %zu shared captures agree\n", frames_checked, files);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("flowhash");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, both_directions_hash_alike);
	tcase_add_test(tc, different_flows_differ);
	tcase_add_test(tc, odd_frames_and_truncations);
	tcase_add_test(tc, plant_capture);
	tcase_add_test(tc, shared_captures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
