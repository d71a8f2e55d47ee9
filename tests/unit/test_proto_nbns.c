/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NetBIOS name service parser (src/proto/nbns.c): real registrations, a
 * positive name query response and a node status response with their exact
 * observations (about the NB_ADDRESS, or the sender); every truncated prefix
 * in an exactly-sized heap buffer; lying RDLENGTH and NUM_NAMES; counts at
 * 0, MAX and MAX+1; bad first-level encodings; NUL and non-ASCII name bytes;
 * bytes that are not NBNS.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dnswire.h"
#include "proto/proto.h"
#include "proto_check.h"

static struct pc_result res;
static const struct hk_parse_ctx nbns_ctx = {.l4 = 17, .sport = 137, .dport = 137, .ndpi = "NetBIOS"};

static enum hk_parse_result run(const uint8_t *bytes, size_t n)
{
	return pc_run(proto_nbns_parse, bytes, n, &nbns_ctx, &res);
}

/* about NULL: the sender (HK_SIDE_SRC); else the IPv4 address, no MAC */
static void expect(size_t i, enum hk_obs_kind kind, const char *source, const char *value, uint8_t conf,
		   const char *about)
{
	const struct pc_expect e = {kind, about ? HK_SIDE_OTHER : HK_SIDE_SRC, conf, source, value, NULL, about};

	pc_assert_obs_at(&res, i, &e, __FILE__, __LINE__);
}

/*
 * arkime_nbns.pcap frame 3: 192.168.239.129 -> 192.168.239.255, UDP 137 ->
 * 137; tshark: "Registration NB MDJR98<00>".
 */
static const uint8_t pdu_reg[] = {
	0x00, 0x08,             /* NAME_TRN_ID */
	0x29, 0x00,             /* R=0 OPCODE 5 (registration) RD=1 B=1 RCODE 0 */
	0x00, 0x01, 0x00, 0x00, /* QDCOUNT 1, ANCOUNT 0 */
	0x00, 0x00, 0x00, 0x01, /* NSCOUNT 0, ARCOUNT 1 */
	/* @12 question name: 0x20 + "MDJR98" + 9 spaces + suffix 0x00, first-level encoded */
	0x20, 'E', 'N', 'E', 'E', 'E', 'K', 'F', 'C', 'D', 'J', 'D', 'I', 'C', 'A', 'C', 'A', 'C', 'A', 'C',
	'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'A', 'A', 0x00,
	0x00, 0x20, 0x00, 0x01, /* NB, IN */
	/* additional record */
	0xc0, 0x0c,             /* name -> @12 */
	0x00, 0x20, 0x00, 0x01, /* NB, IN */
	0x00, 0x04, 0x93, 0xe0, /* TTL 300000 */
	0x00, 0x06,             /* RDLENGTH 6 */
	0x60, 0x00,             /* NB_FLAGS: G=0, ONT=3 (H node) */
	0xc0, 0xa8, 0xef, 0x81, /* NB_ADDRESS 192.168.239.129 */
};

/* arkime_nbns.pcap frame 2: "Registration NB WORKGROUP<00>", a group name (NB_FLAGS 0xe000) */
static const uint8_t pdu_reg_group[] = {
	0x00, 0x02, 0x29, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x46, 0x48, 0x45,
	0x50, 0x46, 0x43, 0x45, 0x4c, 0x45, 0x48, 0x46, 0x43, 0x45, 0x50, 0x46, 0x46, 0x46, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00, 0x00, 0x20,
	0x00, 0x01, 0xc0, 0x0c, 0x00, 0x20, 0x00, 0x01, 0x00, 0x04, 0x93, 0xe0, 0x00, 0x06, 0xe0, 0x00,
	0xc0, 0xa8, 0xef, 0x81,
};

/*
 * ndpi_netbios.pcap frame 69: 10.0.4.24 -> 10.0.4.165; tshark: "Name query
 * response NB 10.0.4.24", the name GUNNAR<00>.
 */
static const uint8_t pdu_answer[] = {
	0x84, 0x86,             /* NAME_TRN_ID */
	0x85, 0x00,             /* R=1 OPCODE 0 AA=1 RD=1 RCODE 0 */
	0x00, 0x00, 0x00, 0x01, /* QDCOUNT 0, ANCOUNT 1 */
	0x00, 0x00, 0x00, 0x00,
	/* "GUNNAR" + 10 spaces + 0x00 */
	0x20, 'E', 'H', 'F', 'F', 'E', 'O', 'E', 'O', 'E', 'B', 'F', 'C', 'C', 'A', 'C', 'A', 'C', 'A', 'C',
	'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'A', 'A', 0x00,
	0x00, 0x20, 0x00, 0x01, /* NB, IN */
	0x00, 0x04, 0x93, 0xe0, /* TTL */
	0x00, 0x06, 0x00, 0x00, /* RDLENGTH 6, NB_FLAGS unique B node */
	0x0a, 0x00, 0x04, 0x18, /* 10.0.4.24 */
};

/*
 * ndpi_netbios.pcap frame 55: 10.0.4.24 -> 10.0.1.87, "Name query response
 * NBSTAT". tshark: 4 names GUNNAR<00>, VIGILANT_GROUP<00> (group),
 * GUNNAR<20>, VIGILANT_GROUP<1e> (group); unit ID 00:1c:c4:10:79:0f.
 */
static const uint8_t pdu_nbstat[] = {
	0x20, 0xa8, 0x84, 0x00, /* ID, R=1 OPCODE 0 AA=1 RCODE 0 */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, /* ANCOUNT 1 */
	/* "*" + 15 NULs: CK AAAA... */
	0x20, 'C', 'K', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
	'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 0x00,
	0x00, 0x21, 0x00, 0x01, /* NBSTAT, IN */
	0x00, 0x00, 0x00, 0x00, /* TTL 0 */
	0x00, 0x77,             /* RDLENGTH 119 */
	0x04,                   /* NUM_NAMES */
	'G', 'U', 'N', 'N', 'A', 'R', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 0x00, 0x04, 0x00,
	'V', 'I', 'G', 'I', 'L', 'A', 'N', 'T', '_', 'G', 'R', 'O', 'U', 'P', ' ', 0x00, 0x84, 0x00,
	'G', 'U', 'N', 'N', 'A', 'R', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 0x20, 0x04, 0x00,
	'V', 'I', 'G', 'I', 'L', 'A', 'N', 'T', '_', 'G', 'R', 'O', 'U', 'P', ' ', 0x1e, 0x84, 0x00,
	0x00, 0x1c, 0xc4, 0x10, 0x79, 0x0f, /* unit ID */
	/* 40 bytes of statistics, all zero */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* ndpi_netbios.pcap frame 56: 10.0.4.101 broadcast "Name query NB MULI<00>" */
static const uint8_t pdu_query[] = {
	0x97, 0x35, 0x01, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x45, 0x4e, 0x46,
	0x46, 0x45, 0x4d, 0x45, 0x4a, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00, 0x00, 0x20,
	0x00, 0x01,
};

START_TEST(test_real_registration)
{
	ck_assert_int_eq(run(pdu_reg, sizeof(pdu_reg)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_HOSTNAME, "nbns.name", "MDJR98", 70, "192.168.239.129");

	ck_assert_int_eq(run(pdu_reg_group, sizeof(pdu_reg_group)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_RAW, "nbns.group", "WORKGROUP", 50, "192.168.239.129");
}
END_TEST

START_TEST(test_real_answer)
{
	ck_assert_int_eq(run(pdu_answer, sizeof(pdu_answer)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_HOSTNAME, "nbns.name", "GUNNAR", 70, "10.0.4.24");
}
END_TEST

START_TEST(test_real_node_status)
{
	ck_assert_int_eq(run(pdu_nbstat, sizeof(pdu_nbstat)), HK_PARSE_OK);
	/* GUNNAR<20> and VIGILANT_GROUP<1e> repeat what is already said */
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_HOSTNAME, "nbns.name", "GUNNAR", 70, NULL);
	expect(1, HK_OBS_RAW, "nbns.group", "VIGILANT_GROUP", 50, NULL);
}
END_TEST

START_TEST(test_real_query)
{
	ck_assert_int_eq(run(pdu_query, sizeof(pdu_query)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_truncated_prefixes)
{
	const struct {
		const uint8_t *p;
		size_t n;
	} pdus[] = {
		{pdu_reg, sizeof(pdu_reg)},
		{pdu_reg_group, sizeof(pdu_reg_group)},
		{pdu_answer, sizeof(pdu_answer)},
		{pdu_nbstat, sizeof(pdu_nbstat)},
		{pdu_query, sizeof(pdu_query)},
	};

	for (size_t k = 0; k < sizeof(pdus) / sizeof(pdus[0]); k++)
		pc_every_prefix(proto_nbns_parse, pdus[k].p, pdus[k].n, &nbns_ctx, PC_TRUNCATED | PC_MALFORMED, false,
				"pdu %zu", k);
}
END_TEST

/* --- made-up packets ------------------------------------------------------- */

static void header(struct pc_buf *m, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar)
{
	m->n = 0;
	pc_put16(m, 1);
	pc_put16(m, flags);
	pc_put16(m, qd);
	pc_put16(m, an);
	pc_put16(m, ns);
	pc_put16(m, ar);
}

/* 16 raw name bytes, first-level encoded (RFC 1001 14.1), no scope */
static void putnbraw(struct pc_buf *m, const uint8_t raw[16])
{
	pc_put8(m, 32);
	for (int i = 0; i < 16; i++) {
		pc_put8(m, (uint8_t)('A' + (raw[i] >> 4)));
		pc_put8(m, (uint8_t)('A' + (raw[i] & 15)));
	}
	pc_put8(m, 0);
}

/* a name padded with spaces to 15 bytes, then the suffix */
static void putnbname(struct pc_buf *m, const void *name, size_t n, uint8_t suffix)
{
	uint8_t raw[16];

	memset(raw, ' ', 15);
	memcpy(raw, name, n);
	raw[15] = suffix;
	putnbraw(m, raw);
}

/* an NB record head; RDLENGTH from the number of entries */
static void nb_rr(struct pc_buf *m, const char *name, uint8_t suffix, uint16_t n_entries)
{
	putnbname(m, name, strlen(name), suffix);
	pc_put16(m, 0x0020);
	pc_put16(m, 1);
	pc_put32(m, 300000);
	pc_put16(m, (uint16_t)(6 * n_entries));
}

START_TEST(test_suffixes_and_roles)
{
	struct pc_buf m;

	/* a positive answer listing several names' addresses */
	header(&m, 0x8500, 0, 4, 0, 0);
	nb_rr(&m, "PDC", 0x1b, 1); /* domain master browser: the PDC */
	pc_put16(&m, 0x0000);
	pc_put32(&m, 0x0a000001);
	nb_rr(&m, "CORP", 0x1c, 2); /* domain controllers: a group name */
	pc_put16(&m, 0x8000);
	pc_put32(&m, 0x0a000001);
	pc_put16(&m, 0x8000);
	pc_put32(&m, 0x0a000002);
	nb_rr(&m, "FILES", 0x20, 1);
	pc_put16(&m, 0x0000);
	pc_put32(&m, 0x0a000003);
	nb_rr(&m, "USER", 0x03, 1); /* messenger: a user name, not said */
	pc_put16(&m, 0x0000);
	pc_put32(&m, 0x0a000004);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	expect(0, HK_OBS_ROLE, "nbns.name", "domain-controller", 60, "10.0.0.1");
	expect(1, HK_OBS_RAW, "nbns.group", "CORP", 50, "10.0.0.1");
	expect(2, HK_OBS_RAW, "nbns.group", "CORP", 50, "10.0.0.2");
	expect(3, HK_OBS_HOSTNAME, "nbns.name", "FILES", 70, "10.0.0.3");
}
END_TEST

START_TEST(test_what_says_nothing)
{
	struct pc_buf m;
	static const uint8_t msbrowse[] = {0x01, 0x02, '_', '_', 'M', 'S', 'B', 'R', 'O', 'W', 'S', 'E', '_', '_', 0x02};
	static const uint16_t flags[] = {
		0x8503, /* negative answer */
		0x3000, /* release request */
		0xb800, /* WACK */
		0x0110, /* a query with an answer record */
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		header(&m, flags[i], 0, 1, 0, 0);
		nb_rr(&m, "HOST", 0x00, 1);
		pc_put16(&m, 0);
		pc_put32(&m, 0x0a000001);
		ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 0);
	}
	/* __MSBROWSE__, unspecified and broadcast addresses */
	header(&m, 0x8500, 0, 1, 0, 0);
	putnbname(&m, msbrowse, sizeof(msbrowse), 0x01);
	pc_put16(&m, 0x0020);
	pc_put16(&m, 1);
	pc_put32(&m, 0);
	pc_put16(&m, 6);
	pc_put16(&m, 0x8000);
	pc_put32(&m, 0x0a000001);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	header(&m, 0x8500, 0, 1, 0, 0);
	nb_rr(&m, "HOST", 0x00, 2);
	pc_put16(&m, 0);
	pc_put32(&m, 0);
	pc_put16(&m, 0);
	pc_put32(&m, 0xffffffff);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a blank name */
	header(&m, 0x8500, 0, 1, 0, 0);
	nb_rr(&m, "", 0x00, 1);
	pc_put16(&m, 0);
	pc_put32(&m, 0x0a000001);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_not_nbns)
{
	struct pc_buf m;

	/* opcodes 1-4 and 10-14 are not NBNS */
	header(&m, 0x0800, 1, 0, 0, 0);
	putnbname(&m, "X", 1, 0);
	pc_put16(&m, 0x20);
	pc_put16(&m, 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_NOMATCH);
	/* no question, no record */
	header(&m, 0x0000, 0, 0, 0, 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_NOMATCH);
	/* an NBDGM datagram (UDP 138) header */
	{
		static const uint8_t dgm[] = {0x11, 0x02, 0x8a, 0x4f, 0xc0, 0xa8, 0xef, 0x81, 0x00, 0x8a,
					      0x00, 0xbb, 0x00, 0x00, 0x20, 0x45, 0x4e, 0x45};
		ck_assert_int_eq(run(dgm, sizeof(dgm)), HK_PARSE_NOMATCH);
	}
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_counts_max)
{
	struct pc_buf m;

	/* NBNS_RECORDS_MAX records: read; the last one speaks */
	header(&m, 0x8500, 0, NBNS_RECORDS_MAX, 0, 0);
	for (int i = 0; i < NBNS_RECORDS_MAX; i++) {
		nb_rr(&m, i == NBNS_RECORDS_MAX - 1 ? "LAST" : "ZERO", 0x00, 1);
		pc_put16(&m, 0);
		pc_put32(&m, i == NBNS_RECORDS_MAX - 1 ? 0x0a000009 : 0);
	}
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_HOSTNAME, "nbns.name", "LAST", 70, "10.0.0.9");
	/* one more: not an RFC 1002 packet */
	m.b[7] = NBNS_RECORDS_MAX + 1;
	nb_rr(&m, "MORE", 0x00, 1);
	pc_put16(&m, 0);
	pc_put32(&m, 0x0a000008);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);

	/* NBNS_ADDRS_MAX entries are read, the one past it is not */
	header(&m, 0x8500, 0, 1, 0, 0);
	nb_rr(&m, "MULTI", 0x00, NBNS_ADDRS_MAX + 1);
	for (int i = 0; i < NBNS_ADDRS_MAX + 1; i++) {
		pc_put16(&m, 0);
		pc_put32(&m, 0x0a000100u + (uint32_t)i);
	}
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, NBNS_ADDRS_MAX);
	expect(NBNS_ADDRS_MAX - 1, HK_OBS_HOSTNAME, "nbns.name", "MULTI", 70, "10.0.1.7");
}
END_TEST

/* a node status response with n names (NUM_NAMES claimed), the last "LAST" */
static void nbstat(struct pc_buf *m, uint8_t claimed, int n)
{
	static const uint8_t star[16] = {'*'}; /* "*" then NULs: CKAAAA... */

	header(m, 0x8400, 0, 1, 0, 0);
	putnbraw(m, star);
	pc_put16(m, 0x0021);
	pc_put16(m, 1);
	pc_put32(m, 0);
	pc_put16(m, (uint16_t)(1 + 18 * n + 6));
	pc_put8(m, claimed);
	for (int i = 0; i < n; i++) {
		const char *name = i == n - 1 ? "LAST           " : "HOST           ";

		for (int k = 0; k < 15; k++)
			pc_put8(m, (uint8_t)name[k]);
		pc_put8(m, 0x00);
		pc_put16(m, 0x0400);
	}
	for (int i = 0; i < 6; i++)
		pc_put8(m, 0);
}

START_TEST(test_nbstat_counts)
{
	struct pc_buf m;

	nbstat(&m, 0, 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	nbstat(&m, NBNS_NAMES_MAX, NBNS_NAMES_MAX);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_HOSTNAME, "nbns.name", "HOST", 70, NULL);
	expect(1, HK_OBS_HOSTNAME, "nbns.name", "LAST", 70, NULL);

	nbstat(&m, NBNS_NAMES_MAX + 1, NBNS_NAMES_MAX + 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1); /* LAST is name MAX+1: not read */

	/* NUM_NAMES larger than RDLENGTH holds */
	nbstat(&m, 3, 2);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	nbstat(&m, 255, 2);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_lying_lengths)
{
	struct pc_buf m;

	/* RDLENGTH not a multiple of 6 */
	header(&m, 0x8500, 0, 1, 0, 0);
	nb_rr(&m, "HOST", 0x00, 1);
	m.b[m.n - 1] = 7;
	pc_put16(&m, 0);
	pc_put32(&m, 0x0a000001);
	pc_put8(&m, 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	/* RDLENGTH past the end */
	header(&m, 0x8500, 0, 1, 0, 0);
	nb_rr(&m, "HOST", 0x00, 2);
	pc_put16(&m, 0);
	pc_put32(&m, 0x0a000001);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	/* an encoded name of 31 or 33 bytes, and bytes outside 'A'..'P' */
	memcpy(m.b, pdu_answer, sizeof(pdu_answer));
	m.b[12] = 31;
	ck_assert_int_eq(run(m.b, sizeof(pdu_answer)), HK_PARSE_MALFORMED);
	m.b[12] = 32;
	m.b[13] = 'Q';
	ck_assert_int_eq(run(m.b, sizeof(pdu_answer)), HK_PARSE_MALFORMED);
	m.b[13] = 'a';
	ck_assert_int_eq(run(m.b, sizeof(pdu_answer)), HK_PARSE_MALFORMED);
	/* a question name of 33 encoded bytes */
	header(&m, 0x0110, 1, 0, 0, 0);
	pc_put8(&m, 33);
	for (int i = 0; i < 33; i++)
		pc_put8(&m, 'A');
	pc_put8(&m, 0);
	pc_put16(&m, 0x20);
	pc_put16(&m, 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_nul_and_non_ascii)
{
	struct pc_buf m;
	static const uint8_t name[] = {'P', 'C', 0x00, 0x8e, '\\', 'X'};

	header(&m, 0x8500, 0, 1, 0, 0);
	putnbname(&m, name, sizeof(name), 0x00);
	pc_put16(&m, 0x0020);
	pc_put16(&m, 1);
	pc_put32(&m, 0);
	pc_put16(&m, 6);
	pc_put16(&m, 0);
	pc_put32(&m, 0xc0a80001);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_HOSTNAME, "nbns.name", "PC\\x00\\x8e\\\\X", 70, "192.168.0.1");
}
END_TEST

static Suite *nbns_suite(void)
{
	Suite *s = suite_create("proto_nbns");
	TCase *tc = tcase_create("nbns");

	tcase_add_test(tc, test_real_registration);
	tcase_add_test(tc, test_real_answer);
	tcase_add_test(tc, test_real_node_status);
	tcase_add_test(tc, test_real_query);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_suffixes_and_roles);
	tcase_add_test(tc, test_what_says_nothing);
	tcase_add_test(tc, test_not_nbns);
	tcase_add_test(tc, test_counts_max);
	tcase_add_test(tc, test_nbstat_counts);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_nul_and_non_ascii);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(nbns_suite());
}
