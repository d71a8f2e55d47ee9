/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LLMNR parser (src/proto/llmnr.c): a response built from RFC 4795 and a
 * real query, with exact observations; every truncated prefix in an
 * exactly-sized heap buffer; lying counts and lengths; records at 0, MAX and
 * MAX+1; names with NUL and non-ASCII bytes; bytes that are not LLMNR.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dnswire.h"
#include "proto/proto.h"
#include "proto_check.h"

static struct pc_result res;
static const struct hk_parse_ctx llmnr_ctx = {.l4 = 17, .sport = 5355, .dport = 51234, .ndpi = "LLMNR"};

static enum hk_parse_result run(const uint8_t *bytes, size_t n)
{
	return pc_run(proto_llmnr_parse, bytes, n, &llmnr_ctx, &res);
}

#define expect_name(i, value) PC_EXPECT(&res, i, HK_OBS_HOSTNAME, HK_SIDE_SRC, 60, "llmnr.name", value)

/*
 * iti_addroute.pcapng frame 3: 192.168.1.99 -> 224.0.0.252, UDP 5355, a
 * query for "isatap" type A. tshark: "Standard query 0xe701 A isatap".
 */
static const uint8_t pdu_query[] = {
	0xe7, 0x01,             /* ID */
	0x00, 0x00,             /* QR=0 opcode 0 C=0 TC=0 T=0 rcode 0 */
	0x00, 0x01, 0x00, 0x00, /* QDCOUNT 1, ANCOUNT 0 */
	0x00, 0x00, 0x00, 0x00, /* NSCOUNT 0, ARCOUNT 0 */
	0x06, 'i', 's', 'a', 't', 'a', 'p', 0x00, /* @12 "isatap" */
	0x00, 0x01, 0x00, 0x01, /* A, IN */
};

/*
 * The answer a host named "isatap" gives to that query, built from RFC 4795
 * 2.1 (the question copied, the answer's name a pointer to it). No capture
 * in the shared set holds an LLMNR response. tshark reads these bytes (as
 * text2pcap -u 5355,49855) as "Standard query response 0xe701 A isatap A
 * 192.168.1.8", dns.resp.name "isatap", dns.a 192.168.1.8.
 */
static const uint8_t pdu_answer[] = {
	0xe7, 0x01,             /* ID, as the query's */
	0x80, 0x00,             /* QR=1 opcode 0 C=0 TC=0 T=0 rcode 0 */
	0x00, 0x01, 0x00, 0x01, /* QDCOUNT 1, ANCOUNT 1 */
	0x00, 0x00, 0x00, 0x00, /* NSCOUNT 0, ARCOUNT 0 */
	0x06, 'i', 's', 'a', 't', 'a', 'p', 0x00, /* @12 question "isatap" */
	0x00, 0x01, 0x00, 0x01,                   /* A, IN */
	0xc0, 0x0c,                               /* answer name -> @12 */
	0x00, 0x01, 0x00, 0x01,                   /* A, IN */
	0x00, 0x00, 0x00, 0x1e,                   /* TTL 30 (RFC 4795 2.8 default) */
	0x00, 0x04, 0xc0, 0xa8, 0x01, 0x08,       /* RDLENGTH 4, 192.168.1.8 */
};

/* header, question "qname" A IN */
static void start(struct pc_buf *m, uint16_t flags, uint16_t an, uint16_t ns, uint16_t ar, const char *qname)
{
	m->n = 0;
	pc_put16(m, 0x1234);
	pc_put16(m, flags);
	pc_put16(m, 1);
	pc_put16(m, an);
	pc_put16(m, ns);
	pc_put16(m, ar);
	pc_put_dns_name(m, qname);
	pc_put16(m, DNS_T_A);
	pc_put16(m, 1);
}

static void answer(struct pc_buf *m, const char *name, uint16_t type)
{
	pc_put_dns_name(m, name);
	pc_put16(m, type);
	pc_put16(m, 1);
	pc_put16(m, 0);
	pc_put16(m, 30);
	if (type == DNS_T_AAAA) {
		pc_put16(m, 16);
		for (int i = 0; i < 16; i++)
			pc_put8(m, (uint8_t)i);
	} else {
		pc_put16(m, 4);
		pc_put16(m, 0xc0a8);
		pc_put16(m, 0x0108);
	}
}

START_TEST(test_real_query)
{
	ck_assert_int_eq(run(pdu_query, sizeof(pdu_query)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0); /* the asker looks for isatap; it is not isatap */
}
END_TEST

START_TEST(test_answer)
{
	ck_assert_int_eq(run(pdu_answer, sizeof(pdu_answer)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect_name(0, "isatap");
}
END_TEST

START_TEST(test_truncated_prefixes)
{
	const struct {
		const uint8_t *p;
		size_t n;
	} pdus[] = {{pdu_query, sizeof(pdu_query)}, {pdu_answer, sizeof(pdu_answer)}};

	for (size_t k = 0; k < 2; k++)
		pc_every_prefix(proto_llmnr_parse, pdus[k].p, pdus[k].n, &llmnr_ctx, PC_TRUNCATED | PC_MALFORMED, false,
				"pdu %zu", k);
}
END_TEST

START_TEST(test_not_llmnr)
{
	static const char text[] = "M-SEARCH * HTTP/1.1\r\n\r\n";
	struct pc_buf m;

	ck_assert_int_eq(run((const uint8_t *)text, sizeof(text) - 1), HK_PARSE_NOMATCH);
	/* RFC 4795 2.1.1: one question, opcode 0 */
	start(&m, 0x8000, 1, 0, 0, "host");
	answer(&m, "host", DNS_T_A);
	m.b[5] = 2;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_NOMATCH);
	m.b[5] = 0;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_NOMATCH);
	m.b[5] = 1;
	m.b[2] = 0x88; /* opcode 1 */
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_which_answers_count)
{
	struct pc_buf m;

	/* AAAA for the name, a name differing only in case */
	start(&m, 0x8000, 1, 0, 0, "WKS-01");
	answer(&m, "wks-01", DNS_T_AAAA);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect_name(0, "WKS-01");

	/* once per message */
	start(&m, 0x8000, 2, 0, 0, "wks-01");
	answer(&m, "wks-01", DNS_T_A);
	answer(&m, "wks-01", DNS_T_AAAA);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* another name, another type, an error response, a query, an additional record */
	start(&m, 0x8000, 1, 0, 0, "wks-01");
	answer(&m, "wks-02", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	start(&m, 0x8000, 1, 0, 0, "wks-01");
	answer(&m, "wks-01", DNS_T_TXT);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	start(&m, 0x8003, 1, 0, 0, "wks-01");
	answer(&m, "wks-01", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	start(&m, 0x0000, 1, 0, 0, "wks-01");
	answer(&m, "wks-01", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	start(&m, 0x8000, 0, 0, 1, "wks-01");
	answer(&m, "wks-01", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a root question names nobody */
	start(&m, 0x8000, 1, 0, 0, "");
	answer(&m, "", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_records_max)
{
	struct pc_buf m;

	/* 0 records */
	start(&m, 0x8000, 0, 0, 0, "h");
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* the match is record MAX: read */
	start(&m, 0x8000, LLMNR_RECORDS_MAX, 0, 0, "h");
	for (int i = 0; i < LLMNR_RECORDS_MAX - 1; i++)
		answer(&m, "other", DNS_T_A);
	answer(&m, "h", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect_name(0, "h");

	/* the match is record MAX+1: not read */
	start(&m, 0x8000, LLMNR_RECORDS_MAX + 1, 0, 0, "h");
	for (int i = 0; i < LLMNR_RECORDS_MAX; i++)
		answer(&m, "other", DNS_T_A);
	answer(&m, "h", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_lying_lengths)
{
	struct pc_buf m;

	/* an answer promised, not present */
	start(&m, 0x8000, 2, 0, 0, "h");
	answer(&m, "h", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* RDLENGTH past the end */
	start(&m, 0x8000, 1, 0, 0, "h");
	answer(&m, "h", DNS_T_A);
	m.b[m.n - 6] = 0x01;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a question label longer than the message */
	start(&m, 0x8000, 0, 0, 0, "h");
	m.b[12] = 60;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	/* a pointer loop in the answer name */
	start(&m, 0x8000, 1, 0, 0, "h");
	pc_put16(&m, 0xc000 | (uint16_t)m.n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_nul_and_non_ascii)
{
	struct pc_buf m;
	static const uint8_t label[] = {'p', 'c', 0x00, 0xc3, 0xa9, '.'};

	m.n = 0;
	pc_put16(&m, 1);
	pc_put16(&m, 0x8000);
	pc_put16(&m, 1);
	pc_put16(&m, 1);
	pc_put16(&m, 0);
	pc_put16(&m, 0);
	pc_put8(&m, sizeof(label));
	pc_put(&m, label, sizeof(label));
	pc_put_dns_name(&m, "lan");
	pc_put16(&m, DNS_T_A);
	pc_put16(&m, 1);
	pc_put16(&m, 0xc00c);
	pc_put16(&m, DNS_T_A);
	pc_put16(&m, 1);
	pc_put16(&m, 0);
	pc_put16(&m, 30);
	pc_put16(&m, 4);
	pc_put16(&m, 0x0a00);
	pc_put16(&m, 0x0001);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect_name(0, "pc\\x00\\xc3\\xa9\\x2e.lan");
}
END_TEST

static Suite *llmnr_suite(void)
{
	Suite *s = suite_create("proto_llmnr");
	TCase *tc = tcase_create("llmnr");

	tcase_add_test(tc, test_real_query);
	tcase_add_test(tc, test_answer);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_not_llmnr);
	tcase_add_test(tc, test_which_answers_count);
	tcase_add_test(tc, test_records_max);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_nul_and_non_ascii);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(llmnr_suite());
}
