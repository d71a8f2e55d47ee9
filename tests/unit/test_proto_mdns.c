/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mDNS / DNS-SD parser (src/proto/mdns.c) and the DNS wire helpers it
 * shares (src/proto/dnswire.c): real responses with their exact
 * observations, every truncated prefix in an exactly-sized heap buffer,
 * lying lengths and counts, compression pointer loops and chains, names at
 * and past 255 octets, counts at 0, MAX and MAX+1, NUL and non-ASCII bytes.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dnswire.h"
#include "proto/proto.h"
#include "proto_check.h"

static struct pc_result res;
static const struct hk_parse_ctx mdns_ctx = {.l4 = 17, .sport = 5353, .dport = 5353, .ndpi = "MDNS"};

/* The bytes in an exactly-sized heap buffer, through the parser. */
static enum hk_parse_result run(const uint8_t *bytes, size_t n)
{
	return pc_run(proto_mdns_parse, bytes, n, &mdns_ctx, &res);
}

#define expect(i, kind, source, value, conf) PC_EXPECT(&res, i, kind, HK_SIDE_SRC, conf, source, value)

/* --- a small message builder for made-up messages ------------------------- */

static void header(struct pc_buf *m, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar)
{
	m->n = 0;
	pc_put16(m, 0);
	pc_put16(m, flags);
	pc_put16(m, qd);
	pc_put16(m, an);
	pc_put16(m, ns);
	pc_put16(m, ar);
}

/* record header after its name; returns nothing, rdata follows */
static void rr_head(struct pc_buf *m, uint16_t type, uint16_t rdlen)
{
	pc_put16(m, type);
	pc_put16(m, 0x8001); /* cache-flush, IN */
	pc_put32(m, 120);
	pc_put16(m, rdlen);
}

static void put_a(struct pc_buf *m, const char *owner)
{
	pc_put_dns_name(m, owner);
	rr_head(m, DNS_T_A, 4);
	pc_put32(m, 0xc0a80101);
}

/* --- real PDUs --------------------------------------------------------------- */

/*
 * ndpi_telegram.pcap frame 11: 192.168.1.77 (an iMac) -> 224.0.0.251, UDP
 * 5353 -> 5353, an unsolicited response. tshark: 1 answer, 4 additional;
 * PTR _companion-link._tcp.local -> "Luca’s iMac._companion-link._tcp.local",
 * SRV ... target Lucas-iMac.local, two TXT (the second "model=iMac11,3",
 * "osxvers=17" of _device-info._tcp), A Lucas-iMac.local 192.168.1.77.
 */
static const uint8_t pdu_imac[] = {
	0x00, 0x00,             /* ID 0 */
	0x84, 0x00,             /* QR=1 AA=1 opcode 0 rcode 0 */
	0x00, 0x00, 0x00, 0x01, /* QDCOUNT 0, ANCOUNT 1 */
	0x00, 0x00, 0x00, 0x04, /* NSCOUNT 0, ARCOUNT 4 */
	/* @12 answer: "_companion-link" "_tcp" "local" */
	0x0f, '_', 'c', 'o', 'm', 'p', 'a', 'n', 'i', 'o', 'n', '-', 'l', 'i', 'n', 'k',
	0x04, '_', 't', 'c', 'p', /* @28 */
	0x05, 'l', 'o', 'c', 'a', 'l', 0x00, /* @33 "local" */
	0x00, 0x0c, 0x00, 0x01, /* PTR, IN */
	0x00, 0x00, 0x11, 0x94, /* TTL 4500 */
	0x00, 0x10,             /* RDLENGTH 16 */
	/* @50 rdata: "Luca’s iMac" (U+2019 as e2 80 99) + pointer to @12 */
	0x0d, 'L', 'u', 'c', 'a', 0xe2, 0x80, 0x99, 's', ' ', 'i', 'M', 'a', 'c', 0xc0, 0x0c,
	/* additional 1: owner -> @50, SRV */
	0xc0, 0x32, 0x00, 0x21, 0x80, 0x01, /* SRV, cache-flush IN */
	0x00, 0x00, 0x00, 0x78, 0x00, 0x13, /* TTL 120, RDLENGTH 19 */
	0x00, 0x00, 0x00, 0x00, 0xc0, 0x05, /* priority 0, weight 0, port 49157 */
	/* @84 target "Lucas-iMac" + pointer to @33 "local" */
	0x0a, 'L', 'u', 'c', 'a', 's', '-', 'i', 'M', 'a', 'c', 0xc0, 0x21,
	/* additional 2: owner -> @50, TXT, 88 bytes of rp* keys */
	0xc0, 0x32, 0x00, 0x10, 0x80, 0x01, 0x00, 0x00, 0x11, 0x94, 0x00, 0x58,
	0x16, 'r', 'p', 'B', 'A', '=', '3', '9', ':', '2', 'A', ':', '8', '8', ':', 'A', 'C', ':', '4', '1', ':',
	'A', 'B',
	0x0a, 'r', 'p', 'V', 'r', '=', '1', '5', '2', '.', '1',
	0x11, 'r', 'p', 'H', 'I', '=', 'f', '9', 'c', '4', '6', 'c', '6', 'd', 'd', '0', '7', 'd',
	0x11, 'r', 'p', 'H', 'N', '=', '3', 'c', '5', 'd', 'c', '5', 'c', 'e', '9', '5', '7', '8',
	0x11, 'r', 'p', 'H', 'A', '=', '8', 'c', 'a', '8', 'c', 'b', '7', '3', '1', 'c', '1', 'c',
	/* additional 3: "Luca’s iMac" "_device-info" + pointer to @28 "_tcp.local", TXT */
	0x0d, 'L', 'u', 'c', 'a', 0xe2, 0x80, 0x99, 's', ' ', 'i', 'M', 'a', 'c',
	0x0c, '_', 'd', 'e', 'v', 'i', 'c', 'e', '-', 'i', 'n', 'f', 'o', 0xc0, 0x1c,
	0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x11, 0x94, 0x00, 0x1a, /* TXT IN TTL 4500 RDLENGTH 26 */
	0x0e, 'm', 'o', 'd', 'e', 'l', '=', 'i', 'M', 'a', 'c', '1', '1', ',', '3',
	0x0a, 'o', 's', 'x', 'v', 'e', 'r', 's', '=', '1', '7',
	/* additional 4: owner -> @84 "Lucas-iMac.local", A 192.168.1.77 */
	0xc0, 0x54, 0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 0xc0, 0xa8, 0x01, 0x4d,
};

/*
 * ndpi_telegram.pcap frame 4: 192.168.1.69 (a Sonos) -> 224.0.0.251, an
 * uncompressed response: PTR _spotify-connect._tcp.local ->
 * sonos7828CA05FACC._spotify-connect._tcp.local; TXT VERSION=1.0
 * CPath=/spotifyzc; SRV port 1400 target sonos7828CA05FACC.local; A
 * 192.168.1.69.
 */
static const uint8_t pdu_sonos[] = {
	0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x10, 0x5f, 0x73, 0x70, 0x6f,
	0x74, 0x69, 0x66, 0x79, 0x2d, 0x63, 0x6f, 0x6e, 0x6e, 0x65, 0x63, 0x74, 0x04, 0x5f, 0x74, 0x63, 0x70,
	0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x2f,
	0x11, 0x73, 0x6f, 0x6e, 0x6f, 0x73, 0x37, 0x38, 0x32, 0x38, 0x43, 0x41, 0x30, 0x35, 0x46, 0x41, 0x43,
	0x43, 0x10, 0x5f, 0x73, 0x70, 0x6f, 0x74, 0x69, 0x66, 0x79, 0x2d, 0x63, 0x6f, 0x6e, 0x6e, 0x65, 0x63,
	0x74, 0x04, 0x5f, 0x74, 0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x11, 0x73, 0x6f, 0x6e,
	0x6f, 0x73, 0x37, 0x38, 0x32, 0x38, 0x43, 0x41, 0x30, 0x35, 0x46, 0x41, 0x43, 0x43, 0x10, 0x5f, 0x73,
	0x70, 0x6f, 0x74, 0x69, 0x66, 0x79, 0x2d, 0x63, 0x6f, 0x6e, 0x6e, 0x65, 0x63, 0x74, 0x04, 0x5f, 0x74,
	0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x10, 0x80, 0x01, 0x00, 0x00, 0x11, 0x94,
	0x00, 0x1d, 0x0b, 0x56, 0x45, 0x52, 0x53, 0x49, 0x4f, 0x4e, 0x3d, 0x31, 0x2e, 0x30, 0x10, 0x43, 0x50,
	0x61, 0x74, 0x68, 0x3d, 0x2f, 0x73, 0x70, 0x6f, 0x74, 0x69, 0x66, 0x79, 0x7a, 0x63, 0x11, 0x73, 0x6f,
	0x6e, 0x6f, 0x73, 0x37, 0x38, 0x32, 0x38, 0x43, 0x41, 0x30, 0x35, 0x46, 0x41, 0x43, 0x43, 0x10, 0x5f,
	0x73, 0x70, 0x6f, 0x74, 0x69, 0x66, 0x79, 0x2d, 0x63, 0x6f, 0x6e, 0x6e, 0x65, 0x63, 0x74, 0x04, 0x5f,
	0x74, 0x63, 0x70, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x21, 0x80, 0x01, 0x00, 0x00, 0x00,
	0x78, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x05, 0x78, 0x11, 0x73, 0x6f, 0x6e, 0x6f, 0x73, 0x37, 0x38,
	0x32, 0x38, 0x43, 0x41, 0x30, 0x35, 0x46, 0x41, 0x43, 0x43, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00,
	0x11, 0x73, 0x6f, 0x6e, 0x6f, 0x73, 0x37, 0x38, 0x32, 0x38, 0x43, 0x41, 0x30, 0x35, 0x46, 0x41, 0x43,
	0x43, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00, 0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00,
	0x04, 0xc0, 0xa8, 0x01, 0x45,
};

/*
 * zeek_mdns.pcap frame 2: 10.0.2.7 -> 224.0.0.251, a query for
 * _ipp._tcp.local PTR and _ipps._tcp.local PTR (the second compressed: "_ipps"
 * + pointer to @21 "_tcp.local").
 */
static const uint8_t pdu_query[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* QR=0, QDCOUNT 2 */
	0x04, '_', 'i', 'p', 'p', 0x04, '_', 't', 'c', 'p', 0x05, 'l', 'o', 'c', 'a', 'l', 0x00,
	0x00, 0x0c, 0x00, 0x01,
	0x05, '_', 'i', 'p', 'p', 's', 0xc0, 0x11, 0x00, 0x0c, 0x00, 0x01,
};

START_TEST(test_real_imac)
{
	ck_assert_int_eq(run(pdu_imac, sizeof(pdu_imac)), HK_PARSE_OK);
	/* in record order, each value once */
	ck_assert_uint_eq(res.sink.n, 4);
	expect(0, HK_OBS_RAW, "mdns.service", "_companion-link._tcp", 50);
	expect(1, HK_OBS_HOSTNAME, "mdns.hostname", "Lucas-iMac", 70);
	expect(2, HK_OBS_MODEL, "mdns.model", "iMac11,3", 70);
	expect(3, HK_OBS_RAW, "mdns.service", "_device-info._tcp", 50);
	ck_assert_uint_eq(res.sink.n_dropped, 0);
}
END_TEST

START_TEST(test_real_sonos)
{
	ck_assert_int_eq(run(pdu_sonos, sizeof(pdu_sonos)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_RAW, "mdns.service", "_spotify-connect._tcp", 50);
	expect(1, HK_OBS_HOSTNAME, "mdns.hostname", "sonos7828CA05FACC", 70);
}
END_TEST

START_TEST(test_query_says_nothing)
{
	ck_assert_int_eq(run(pdu_query, sizeof(pdu_query)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

static void all_prefixes(const uint8_t *pdu, size_t len)
{
	pc_every_prefix(proto_mdns_parse, pdu, len, &mdns_ctx, PC_TRUNCATED | PC_MALFORMED | PC_NOMATCH, false,
			"%zu bytes:", len);
}

START_TEST(test_truncated_prefixes)
{
	all_prefixes(pdu_imac, sizeof(pdu_imac));
	all_prefixes(pdu_sonos, sizeof(pdu_sonos));
	all_prefixes(pdu_query, sizeof(pdu_query));
	ck_assert_int_eq(run(pdu_imac, 11), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run(pdu_imac, 12), HK_PARSE_TRUNCATED); /* records promised */
}
END_TEST

START_TEST(test_not_mdns)
{
	static const char ssdp[] = "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n";
	struct pc_buf m;

	ck_assert_int_eq(run((const uint8_t *)ssdp, sizeof(ssdp) - 1), HK_PARSE_NOMATCH);
	/* opcode 5 (UPDATE) and a nonzero rcode are dropped by mDNS receivers */
	header(&m, 0x2800, 0, 0, 0, 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_NOMATCH);
	header(&m, 0x8403, 0, 0, 0, 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_counts_zero_and_lying)
{
	struct pc_buf m;

	header(&m, 0x8400, 0, 0, 0, 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* two answers promised, one present */
	header(&m, 0x8400, 0, 2, 0, 0);
	put_a(&m, "host.local");
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* ANCOUNT 65535 on an empty body */
	header(&m, 0x8400, 0xffff, 0xffff, 0xffff, 0xffff);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
}
END_TEST

/* MAX records are read, the one past it is not */
START_TEST(test_records_max)
{
	struct pc_buf m;

	header(&m, 0x8400, 0, MDNS_RECORDS_MAX, 0, 0);
	for (int i = 0; i < MDNS_RECORDS_MAX - 1; i++) {
		pc_put_dns_name(&m, "_x._tcp.arpa"); /* nothing to say about it */
		rr_head(&m, 99, 0);
	}
	put_a(&m, "last.local");
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_HOSTNAME, "mdns.hostname", "last", 70);

	/* one question takes a place of the budget as well */
	header(&m, 0x8400, 1, MDNS_RECORDS_MAX, 0, 0);
	pc_put_dns_name(&m, "q.local");
	pc_put16(&m, DNS_T_A);
	pc_put16(&m, 1);
	for (int i = 0; i < MDNS_RECORDS_MAX - 1; i++) {
		pc_put_dns_name(&m, "_x._tcp.arpa");
		rr_head(&m, 99, 0);
	}
	put_a(&m, "past.local");
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* authority records and queries' known answers are not the sender's */
START_TEST(test_sections)
{
	struct pc_buf m;

	header(&m, 0x8400, 0, 1, 1, 1);
	put_a(&m, "answer.local");
	put_a(&m, "authority.local");
	put_a(&m, "additional.local");
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_HOSTNAME, "mdns.hostname", "answer", 70);
	expect(1, HK_OBS_HOSTNAME, "mdns.hostname", "additional", 70);

	header(&m, 0x0000, 0, 1, 0, 0); /* a query with a known answer */
	put_a(&m, "someone-else.local");
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_lying_rdlength)
{
	struct pc_buf m;

	header(&m, 0x8400, 0, 1, 0, 0);
	pc_put_dns_name(&m, "host.local");
	rr_head(&m, DNS_T_A, 0xffff);
	pc_put32(&m, 0xc0a80101);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* a TXT string longer than its RDATA: the record lies about itself */
	header(&m, 0x8400, 0, 1, 0, 0);
	pc_put_dns_name(&m, "x._ipp._tcp.local");
	rr_head(&m, DNS_T_TXT, 6);
	pc_put8(&m, 9);
	pc_put(&m, "ty=ab", 5);
	put_a(&m, "next.local"); /* what the string would otherwise read */
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* an SRV shorter than its fixed fields */
	header(&m, 0x8400, 0, 1, 0, 0);
	pc_put_dns_name(&m, "x._ipp._tcp.local");
	rr_head(&m, DNS_T_SRV, 4);
	pc_put32(&m, 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_pointer_loops)
{
	struct pc_buf m;

	/* owner name @12 is a pointer to itself */
	header(&m, 0x8400, 0, 1, 0, 0);
	pc_put16(&m, 0xc00c);
	rr_head(&m, DNS_T_A, 4);
	pc_put32(&m, 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);

	/* @12 label "a" then a pointer back to @12: a -> a -> a ... */
	header(&m, 0x8400, 0, 1, 0, 0);
	pc_put8(&m, 1);
	pc_put8(&m, 'a');
	pc_put16(&m, 0xc00c);
	rr_head(&m, DNS_T_A, 4);
	pc_put32(&m, 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);

	/* two pointers pointing at each other (@12 -> @14 -> @12) */
	header(&m, 0x8400, 1, 0, 0, 0);
	pc_put16(&m, 0xc00e);
	pc_put16(&m, 0xc00c);
	pc_put16(&m, 1);
	pc_put16(&m, 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);

	/* a pointer past the message */
	header(&m, 0x8400, 0, 1, 0, 0);
	pc_put16(&m, 0xc000 | 0x3fff);
	rr_head(&m, DNS_T_A, 4);
	pc_put32(&m, 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);

	/* the reserved label types 01 and 10 */
	header(&m, 0x8400, 0, 1, 0, 0);
	pc_put8(&m, 0x41);
	pc_put8(&m, 'x');
	pc_put8(&m, 0);
	rr_head(&m, DNS_T_A, 4);
	pc_put32(&m, 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	m.b[12] = 0x81;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/*
 * A chain of k backward pointers ending at "host.local": the owner name of
 * the answer record takes k jumps.
 */
static void chain(struct pc_buf *m, int k)
{
	size_t prev = 12;

	header(m, 0x8400, 0, 1, 0, 0);
	pc_put_dns_name(m, "host.local"); /* @12 */
	for (int i = 1; i < k; i++) {
		size_t here = m->n;

		pc_put16(m, (uint16_t)(0xc000 | prev));
		prev = here;
	}
	/* the record's owner: the k-th pointer (not reachable by the header's counts) */
	pc_put16(m, (uint16_t)(0xc000 | prev));
	rr_head(m, DNS_T_A, 4);
	pc_put32(m, 1);
}

START_TEST(test_jumps_max)
{
	struct pc_buf m;
	struct dns_name name;
	struct hk_cur msgc, c;

	/* straight through dnswire: k pointers from the record's owner */
	for (int k = 1; k <= DNS_PTR_JUMPS_MAX + 1; k++) {
		chain(&m, k);
		msgc = hk_cur_init(m.b, m.n);
		c = msgc;
		/* the last pointer sits 2 + 10 + 4 bytes before the end */
		hk_cur_skip(&c, m.n - 16);
		if (k <= DNS_PTR_JUMPS_MAX) {
			ck_assert_int_eq(dns_name_read(&c, &msgc, &name), 0);
			ck_assert_uint_eq(name.n_labels, 2);
			ck_assert(dns_label_is(&name, 0, "HOST"));
			ck_assert_uint_eq(hk_cur_left(&c), 14);
		} else {
			ck_assert_int_eq(dns_name_read(&c, &msgc, &name), HK_CUR_EINVAL);
			ck_assert_int_eq(c.err, HK_CUR_EINVAL);
		}
	}
}
END_TEST

START_TEST(test_name_length)
{
	struct pc_buf m;
	char label[64];
	struct dns_name name;
	struct hk_cur msgc, c;

	memset(label, 'a', 63);
	label[63] = '\0';
	/* 3 x (1 + 63) + (1 + 61) + 1 = 255 octets: the longest legal name */
	header(&m, 0x8400, 0, 0, 0, 0);
	for (int i = 0; i < 3; i++) {
		pc_put8(&m, 63);
		pc_put(&m, label, 63);
	}
	pc_put8(&m, 61);
	pc_put(&m, label, 61);
	pc_put8(&m, 0);
	msgc = hk_cur_init(m.b, m.n);
	c = msgc;
	hk_cur_skip(&c, 12);
	ck_assert_int_eq(dns_name_read(&c, &msgc, &name), 0);
	ck_assert_uint_eq(name.n_labels, 4);
	ck_assert_uint_eq(name.len, 250);
	ck_assert_uint_eq(hk_cur_left(&c), 0);

	/* one more octet: 256 */
	header(&m, 0x8400, 0, 0, 0, 0);
	for (int i = 0; i < 3; i++) {
		pc_put8(&m, 63);
		pc_put(&m, label, 63);
	}
	pc_put8(&m, 62);
	pc_put(&m, label, 62);
	pc_put8(&m, 0);
	msgc = hk_cur_init(m.b, m.n);
	c = msgc;
	hk_cur_skip(&c, 12);
	ck_assert_int_eq(dns_name_read(&c, &msgc, &name), HK_CUR_EINVAL);

	/* 128 one-byte labels: 257 octets, past the label table as well */
	header(&m, 0x8400, 0, 1, 0, 0);
	for (int i = 0; i < 128; i++) {
		pc_put8(&m, 1);
		pc_put8(&m, 'x');
	}
	pc_put8(&m, 0);
	rr_head(&m, DNS_T_A, 4);
	pc_put32(&m, 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_nul_and_non_ascii)
{
	struct pc_buf m;
	static const uint8_t host[] = {'a', 0x00, 'b', 0xe2, '.', '\\'};
	static const uint8_t txt[] = {'m', 'o', 'd', 'e', 'l', '=', 'X', 0x00, 'Y', 0xff};

	header(&m, 0x8400, 0, 2, 0, 0);
	pc_put8(&m, sizeof(host));
	pc_put(&m, host, sizeof(host));
	pc_put_dns_name(&m, "local");
	rr_head(&m, DNS_T_A, 4);
	pc_put32(&m, 1);
	pc_put_dns_name(&m, "x._device-info._tcp.local");
	rr_head(&m, DNS_T_TXT, sizeof(txt) + 1);
	pc_put8(&m, sizeof(txt));
	pc_put(&m, txt, sizeof(txt));
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	/* a '.' inside a label is not a separator */
	expect(0, HK_OBS_HOSTNAME, "mdns.hostname", "a\\x00b\\xe2\\x2e\\\\", 70);
	expect(1, HK_OBS_MODEL, "mdns.model", "X\\x00Y\\xff", 70);
	expect(2, HK_OBS_RAW, "mdns.service", "_device-info._tcp", 50);
}
END_TEST

static void txt_record(struct pc_buf *m, const char *owner, const char *const *strs, size_t n)
{
	size_t rdlen = 0;

	for (size_t i = 0; i < n; i++)
		rdlen += 1 + strlen(strs[i]);
	pc_put_dns_name(m, owner);
	rr_head(m, DNS_T_TXT, (uint16_t)rdlen);
	for (size_t i = 0; i < n; i++) {
		pc_put8(m, (uint8_t)strlen(strs[i]));
		pc_put(m, strs[i], strlen(strs[i]));
	}
}

START_TEST(test_txt_keys)
{
	static const char *const printer[] = {
		"txtvers=1", "ty=HP LaserJet 400 M401dne", "usb_MFG=HP", "usb_MDL=LaserJet 400", "note=",
		"=nokey", "MFG=Hewlett-Packard", "noequals", "",
	};
	static const char *const cast[] = {"id=abc", "md=Chromecast", "fn=Living Room"};
	struct pc_buf m;

	header(&m, 0x8400, 0, 2, 0, 0);
	txt_record(&m, "HP._ipp._tcp.local", printer, sizeof(printer) / sizeof(printer[0]));
	txt_record(&m, "Chromecast-1._googlecast._tcp.local", cast, 3);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 7);
	expect(0, HK_OBS_MODEL, "mdns.model", "HP LaserJet 400 M401dne", 70);
	expect(1, HK_OBS_VENDOR, "mdns.vendor", "HP", 70);
	expect(2, HK_OBS_MODEL, "mdns.model", "LaserJet 400", 70);
	expect(3, HK_OBS_VENDOR, "mdns.vendor", "Hewlett-Packard", 70); /* keys ignore case */
	expect(4, HK_OBS_RAW, "mdns.service", "_ipp._tcp", 50);
	expect(5, HK_OBS_MODEL, "mdns.model", "Chromecast", 70);
	expect(6, HK_OBS_RAW, "mdns.service", "_googlecast._tcp", 50);
}
END_TEST

/* MDNS_TXT_MAX strings are read, the one past it is not */
START_TEST(test_txt_max)
{
	const char *strs[MDNS_TXT_MAX + 1];
	struct pc_buf m;

	for (int i = 0; i < MDNS_TXT_MAX + 1; i++)
		strs[i] = "k=v";
	strs[MDNS_TXT_MAX - 1] = "model=last";
	header(&m, 0x8400, 0, 1, 0, 0);
	txt_record(&m, "x._device-info._tcp.local", strs, MDNS_TXT_MAX);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_MODEL, "mdns.model", "last", 70);

	strs[MDNS_TXT_MAX - 1] = "k=v";
	strs[MDNS_TXT_MAX] = "model=past";
	header(&m, 0x8400, 0, 1, 0, 0);
	txt_record(&m, "x._device-info._tcp.local", strs, MDNS_TXT_MAX + 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_RAW, "mdns.service", "_device-info._tcp", 50);
}
END_TEST

START_TEST(test_ptr_kinds)
{
	struct pc_buf m;

	header(&m, 0x8400, 0, 5, 0, 0);
	/* service type enumeration: the RDATA is the type */
	pc_put_dns_name(&m, "_services._dns-sd._udp.local");
	rr_head(&m, DNS_T_PTR, 17);
	pc_put_dns_name(&m, "_hap._tcp.local");
	/* a reverse mapping: the RDATA is the host */
	pc_put_dns_name(&m, "77.1.168.192.in-addr.arpa");
	rr_head(&m, DNS_T_PTR, 12);
	pc_put_dns_name(&m, "imac.local");
	/* subtype: the type is the tail */
	pc_put_dns_name(&m, "_printer._sub._http._tcp.local");
	rr_head(&m, DNS_T_PTR, 2);
	pc_put16(&m, 0xc000 | 12); /* any name; not read for this */
	/* not services */
	pc_put_dns_name(&m, "b._dns-sd._udp.local");
	rr_head(&m, DNS_T_PTR, 2);
	pc_put16(&m, 0xc00c);
	pc_put_dns_name(&m, "_tcp.local");
	rr_head(&m, DNS_T_PTR, 2);
	pc_put16(&m, 0xc00c);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	expect(0, HK_OBS_RAW, "mdns.service", "_hap._tcp", 50);
	expect(1, HK_OBS_HOSTNAME, "mdns.hostname", "imac", 70);
	expect(2, HK_OBS_RAW, "mdns.service", "_http._tcp", 50);
}
END_TEST

/* host names: under local or bare; never service instance names */
START_TEST(test_host_names)
{
	struct pc_buf m;

	header(&m, 0x8400, 0, 6, 0, 0);
	put_a(&m, "Maui-16714");                          /* open62541's LDS: bare */
	put_a(&m, "LDS-Maui-16714._opcua-tcp._tcp.local"); /* its instance name: no */
	put_a(&m, "local");
	put_a(&m, "www.example.com");
	put_a(&m, "a.b.local");
	put_a(&m, "MAUI-16714"); /* case differs: a value of its own */
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	expect(0, HK_OBS_HOSTNAME, "mdns.hostname", "Maui-16714", 70);
	expect(1, HK_OBS_HOSTNAME, "mdns.hostname", "a.b", 70);
	expect(2, HK_OBS_HOSTNAME, "mdns.hostname", "MAUI-16714", 70);
}
END_TEST

/* more distinct names than the sink holds: counted, not kept */
START_TEST(test_sink_full)
{
	struct pc_buf m;
	char name[32];

	header(&m, 0x8400, 0, 40, 0, 0);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "h%d.local", i);
		put_a(&m, name);
	}
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, HK_OBS_PER_PACKET_MAX);
	ck_assert_uint_eq(res.sink.n_dropped, 40 - HK_OBS_PER_PACKET_MAX);
}
END_TEST

START_TEST(test_name_fmt_cut)
{
	struct pc_buf m;
	struct dns_name name;
	struct hk_cur msgc, c;
	char out[8];

	header(&m, 0, 0, 0, 0, 0);
	pc_put_dns_name(&m, "abc.d\xe9");
	msgc = hk_cur_init(m.b, m.n);
	c = msgc;
	hk_cur_skip(&c, 12);
	ck_assert_int_eq(dns_name_read(&c, &msgc, &name), 0);
	dns_name_fmt(&name, 0, 2, out, sizeof(out));
	ck_assert_str_eq(out, "abc.d"); /* "\xe9" does not fit whole */
	dns_name_fmt(&name, 1, 1, out, sizeof(out));
	ck_assert_str_eq(out, "d\\xe9");
	dns_name_fmt(&name, 0, 99, out, 1);
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *mdns_suite(void)
{
	Suite *s = suite_create("proto_mdns");
	TCase *tc = tcase_create("mdns");

	tcase_add_test(tc, test_real_imac);
	tcase_add_test(tc, test_real_sonos);
	tcase_add_test(tc, test_query_says_nothing);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_not_mdns);
	tcase_add_test(tc, test_counts_zero_and_lying);
	tcase_add_test(tc, test_records_max);
	tcase_add_test(tc, test_sections);
	tcase_add_test(tc, test_lying_rdlength);
	tcase_add_test(tc, test_pointer_loops);
	tcase_add_test(tc, test_jumps_max);
	tcase_add_test(tc, test_name_length);
	tcase_add_test(tc, test_nul_and_non_ascii);
	tcase_add_test(tc, test_txt_keys);
	tcase_add_test(tc, test_txt_max);
	tcase_add_test(tc, test_ptr_kinds);
	tcase_add_test(tc, test_host_names);
	tcase_add_test(tc, test_sink_full);
	tcase_add_test(tc, test_name_fmt_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(mdns_suite());
}
