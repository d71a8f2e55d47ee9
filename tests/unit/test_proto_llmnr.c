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

static uint8_t *heap;
static struct hk_obs obs_buf[HK_OBS_PER_PACKET_MAX];
static struct hk_obs_sink sink;

static void teardown(void)
{
	free(heap);
	heap = NULL;
}

static enum hk_parse_result run(const uint8_t *bytes, size_t n)
{
	struct hk_parse_ctx ctx = {.l4 = 17, .sport = 5355, .dport = 51234, .ndpi = "LLMNR"};
	struct hk_cur c;

	free(heap);
	heap = malloc(n ? n : 1);
	ck_assert(heap != NULL);
	if (n)
		memcpy(heap, bytes, n);
	c = hk_cur_init(heap, n);
	memset(obs_buf, 0, sizeof(obs_buf));
	sink = (struct hk_obs_sink){.v = obs_buf, .n = 0, .cap = HK_OBS_PER_PACKET_MAX, .n_dropped = 0};
	return proto_llmnr_parse(&c, &ctx, &sink);
}

static void expect_name(size_t i, const char *value)
{
	ck_assert_uint_lt(i, sink.n);
	ck_assert_int_eq(sink.v[i].kind, HK_OBS_HOSTNAME);
	ck_assert_int_eq(sink.v[i].side, HK_SIDE_SRC);
	ck_assert_str_eq(sink.v[i].source, "llmnr.name");
	ck_assert_str_eq(sink.v[i].value, value);
	ck_assert_uint_eq(sink.v[i].confidence, 60);
}

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

struct msg {
	uint8_t b[4096];
	size_t n;
};

static void put8(struct msg *m, uint8_t v)
{
	ck_assert_uint_lt(m->n, sizeof(m->b));
	m->b[m->n++] = v;
}

static void put16(struct msg *m, uint16_t v)
{
	put8(m, (uint8_t)(v >> 8));
	put8(m, (uint8_t)v);
}

static void putmem(struct msg *m, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(m, ((const uint8_t *)p)[i]);
}

static void putname(struct msg *m, const char *dotted)
{
	while (*dotted) {
		const char *dot = strchr(dotted, '.');
		size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);

		put8(m, (uint8_t)n);
		putmem(m, dotted, n);
		dotted += n + (dot ? 1 : 0);
	}
	put8(m, 0);
}

/* header, question "qname" A IN */
static void start(struct msg *m, uint16_t flags, uint16_t an, uint16_t ns, uint16_t ar, const char *qname)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, flags);
	put16(m, 1);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
	putname(m, qname);
	put16(m, DNS_T_A);
	put16(m, 1);
}

static void answer(struct msg *m, const char *name, uint16_t type)
{
	putname(m, name);
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 30);
	if (type == DNS_T_AAAA) {
		put16(m, 16);
		for (int i = 0; i < 16; i++)
			put8(m, (uint8_t)i);
	} else {
		put16(m, 4);
		put16(m, 0xc0a8);
		put16(m, 0x0108);
	}
}

START_TEST(test_real_query)
{
	ck_assert_int_eq(run(pdu_query, sizeof(pdu_query)), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0); /* the asker looks for isatap; it is not isatap */
}
END_TEST

START_TEST(test_answer)
{
	ck_assert_int_eq(run(pdu_answer, sizeof(pdu_answer)), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 1);
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
		for (size_t n = 0; n < pdus[k].n; n++) {
			enum hk_parse_result r = run(pdus[k].p, n);

			ck_assert_msg(r == HK_PARSE_TRUNCATED || r == HK_PARSE_MALFORMED,
				      "pdu %zu prefix %zu: %s", k, n, hk_parse_result_name(r));
			ck_assert_uint_eq(sink.n, 0);
		}
}
END_TEST

START_TEST(test_not_llmnr)
{
	static const char text[] = "M-SEARCH * HTTP/1.1\r\n\r\n";
	struct msg m;

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
	ck_assert_uint_eq(sink.n, 0);
}
END_TEST

START_TEST(test_which_answers_count)
{
	struct msg m;

	/* AAAA for the name, a name differing only in case */
	start(&m, 0x8000, 1, 0, 0, "WKS-01");
	answer(&m, "wks-01", DNS_T_AAAA);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 1);
	expect_name(0, "WKS-01");

	/* once per message */
	start(&m, 0x8000, 2, 0, 0, "wks-01");
	answer(&m, "wks-01", DNS_T_A);
	answer(&m, "wks-01", DNS_T_AAAA);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 1);

	/* another name, another type, an error response, a query, an additional record */
	start(&m, 0x8000, 1, 0, 0, "wks-01");
	answer(&m, "wks-02", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);
	start(&m, 0x8000, 1, 0, 0, "wks-01");
	answer(&m, "wks-01", DNS_T_TXT);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);
	start(&m, 0x8003, 1, 0, 0, "wks-01");
	answer(&m, "wks-01", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);
	start(&m, 0x0000, 1, 0, 0, "wks-01");
	answer(&m, "wks-01", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);
	start(&m, 0x8000, 0, 0, 1, "wks-01");
	answer(&m, "wks-01", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);
	/* a root question names nobody */
	start(&m, 0x8000, 1, 0, 0, "");
	answer(&m, "", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);
}
END_TEST

START_TEST(test_records_max)
{
	struct msg m;

	/* 0 records */
	start(&m, 0x8000, 0, 0, 0, "h");
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);

	/* the match is record MAX: read */
	start(&m, 0x8000, LLMNR_RECORDS_MAX, 0, 0, "h");
	for (int i = 0; i < LLMNR_RECORDS_MAX - 1; i++)
		answer(&m, "other", DNS_T_A);
	answer(&m, "h", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 1);
	expect_name(0, "h");

	/* the match is record MAX+1: not read */
	start(&m, 0x8000, LLMNR_RECORDS_MAX + 1, 0, 0, "h");
	for (int i = 0; i < LLMNR_RECORDS_MAX; i++)
		answer(&m, "other", DNS_T_A);
	answer(&m, "h", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);
}
END_TEST

START_TEST(test_lying_lengths)
{
	struct msg m;

	/* an answer promised, not present */
	start(&m, 0x8000, 2, 0, 0, "h");
	answer(&m, "h", DNS_T_A);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(sink.n, 0);
	/* RDLENGTH past the end */
	start(&m, 0x8000, 1, 0, 0, "h");
	answer(&m, "h", DNS_T_A);
	m.b[m.n - 6] = 0x01;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(sink.n, 0);
	/* a question label longer than the message */
	start(&m, 0x8000, 0, 0, 0, "h");
	m.b[12] = 60;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_TRUNCATED);
	/* a pointer loop in the answer name */
	start(&m, 0x8000, 1, 0, 0, "h");
	put16(&m, 0xc000 | (uint16_t)m.n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_nul_and_non_ascii)
{
	struct msg m;
	static const uint8_t label[] = {'p', 'c', 0x00, 0xc3, 0xa9, '.'};

	m.n = 0;
	put16(&m, 1);
	put16(&m, 0x8000);
	put16(&m, 1);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 0);
	put8(&m, sizeof(label));
	putmem(&m, label, sizeof(label));
	putname(&m, "lan");
	put16(&m, DNS_T_A);
	put16(&m, 1);
	put16(&m, 0xc00c);
	put16(&m, DNS_T_A);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 30);
	put16(&m, 4);
	put16(&m, 0x0a00);
	put16(&m, 0x0001);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 1);
	expect_name(0, "pc\\x00\\xc3\\xa9\\x2e.lan");
}
END_TEST

static Suite *llmnr_suite(void)
{
	Suite *s = suite_create("proto_llmnr");
	TCase *tc = tcase_create("llmnr");

	tcase_add_checked_fixture(tc, NULL, teardown);
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
	SRunner *sr = srunner_create(llmnr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
