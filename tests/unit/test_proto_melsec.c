/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MELSEC parser (src/proto/melsec.c): real MELSOFT frames of a GX Works
 * session with an FX5U (its CPU model answer, requests, the UDP search)
 * with their exact observations; MC protocol "Read CPU model" (0101) in 3E
 * and 4E frames, binary and ASCII, built from SH-080008 and the MELSEC iQ-R
 * manual's Q02UCPU example; every truncated prefix; lying lengths; frame
 * counts at MAX and MAX-1; model fields that are register data, with NUL,
 * non-ASCII and odd characters; bytes that are not MELSEC. Every input is an
 * exactly-sized heap copy, so a one-byte over-read is an AddressSanitizer
 * report. tshark 4.0 dissects neither MC nor MELSOFT: where it and the
 * captures are at hand, the test checks that the bytes here are the
 * captures' payloads.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define MELSEC_FRAMES_MAX 16 /* as in src/proto/melsec.c */
#define MELSEC_LEN_MAX 8192


/*
 * iti_melsoft_UDP_clean_2.pcap (ITI/ICS-Security-Tools pcaps/MELSEC), a GX
 * Works 3 station 192.168.3.101 and an FX5U PLC 192.168.3.250, broadcast on
 * UDP 5560. Frame 5, 62659 -> 5560: a MELSOFT request, command 01 21.
 */
static const uint8_t msoft_req[] =
	"\x57" "\x01" "\x00\x00\x00" "\x11\x11" "\x07" /* request, over UDP, mark 11 11 */
	"\x00\x00\xff\xff\x03\x00\x00\xfe\x03\x00\x00" /* (routing, not read) */
	"\x20\x00"                                     /* 32 bytes follow */
	"\x1c\x0a\x16\x14"                             /* body: 0x80 bit clear (request) */
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x01\x21" "\x01" "\x00\x00\x00"               /* command 01 21, sequence 1 */
	"\x00\x01";                                    /* data */

/* frame 6, 5560 -> 62659: the answer: model name and model code */
static const uint8_t msoft_resp[] =
	"\xd7" "\x01" "\x00\x00\x00" "\x11\x11" "\x7f"   /* response */
	"\x00\x00\x00\xa8\x03\x00\xff\xff\x03\x00\x00"
	"\x38\x00"                                       /* 56 bytes follow */
	"\x9c\x0a\x18\x14"                               /* body: 0x80 bit set */
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00"                                       /* end code 0 */
	"\x01\x21" "\x01" "\x00\x00\x00"                 /* command 01 21, sequence 1 */
	"FX5U-32MT/ES" "\x00\x00\x00\x00"                /* model name, 16 bytes */
	"\x29\x4a"                                       /* model code 0x4A29 */
	"\x00\x08\x00\x00\x00\x00";

/* frames 1 and 2: the search (5A 00 00 01) and a PLC's answer (DA 00 00 01 ...) */
static const uint8_t search_req[] = "\x5a\x00\x00\x01";
static const uint8_t search_resp[] = "\xda\x00\x00\x01\x14\x00\xc0\xa8\x03\x65\xc0\xa8\x03\x65";

/* iti_melsoft_129_clean.pcap frame 3, TCP 5001 -> 5562: a MELSOFT request
 * (command 04 11) over TCP (transport byte 00) */
static const uint8_t tcp_req[] =
	"\x57\x00\x00\x00\x00\x11\x11\x07\x00\x00\xff\xff\x03\x00\x00\x00\x00\x00\x00\x5a\x00"
	"\x1c\x02\x16\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x04\x11\xf3\x3f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x04\x00"
	"\x00\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20\x00\x01\x00\x00\x00\x00\x00\x00\x00\x20\x00"
	"\x03\x00\x00\x00\x00\x00\x00\x00\x20\x00\xc8\x00\x00\x00\x00\x00\x00\x00";

/* frame 1, TCP 5562 -> 5001: a MELSOFT response (command 04 10), no model */
static const uint8_t tcp_resp[] =
	"\xd7\x00\x00\x00\x00\x11\x11\x7f\x00\x00\x00\xa8\x03\x00\xff\xff\x03\x00\x00\x24\x00"
	"\x9c\x02\x18\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x04\x10\xf2\x3f\x00\x00\x00\x00\x00\x00";

/*
 * MC protocol 3E binary, built from SH-080008 and the MELSEC iQ-R manual's
 * communication example for command 0101 with a Q02UCPU (model code 0263H).
 */
static const uint8_t mc3e_req[] =
	"\x50\x00"     /* subheader: 3E request */
	"\x00" "\xff"  /* network 0, PC 0xFF */
	"\xff\x03"     /* request destination module I/O 0x03FF */
	"\x00"         /* station 0 */
	"\x06\x00"     /* 6 bytes follow */
	"\x10\x00"     /* monitoring timer */
	"\x01\x01"     /* command 0x0101 Read CPU model */
	"\x00\x00";    /* subcommand 0 */
static const uint8_t mc3e_resp[] =
	"\xd0\x00" "\x00" "\xff" "\xff\x03" "\x00"
	"\x14\x00"                  /* 20 bytes follow */
	"\x00\x00"                  /* end code 0 */
	"Q02UCPU         "          /* model name, space padded */
	"\x63\x02";                 /* model code 0x0263 */

/* the same in 4E (serial 0x1234) and in ASCII */
static const uint8_t mc4e_resp[] =
	"\xd4\x00" "\x34\x12" "\x00\x00" "\x00" "\xff" "\xff\x03" "\x00" "\x14\x00" "\x00\x00"
	"Q03UDVCPU       " "\x6b\x03";
static const uint8_t mc3e_ascii_req[] = "5000" "00" "FF" "03FF" "00" "000C" "0010" "0101" "0000";
static const uint8_t mc3e_ascii_resp[] = "D000" "00" "FF" "03FF" "00" "0018" "0000" "Q02UCPU         " "0263";
static const uint8_t mc4e_ascii_resp[] =
	"D400" "ABCD" "0000" "00" "FF" "03FF" "00" "0018" "0000" "R04CPU          " "4800";

/* a batch read response of 9 words (18 bytes), register data */
static const uint8_t mc3e_words[] =
	"\xd0\x00\x00\xff\xff\x03\x00\x14\x00\x00\x00"
	"\x01\x00\x02\x00\x03\x00\x04\x00\x05\x00\x06\x00\x07\x00\x08\x00\x09\x00";

static struct pc_result res;

static const struct hk_parse_ctx udp_ctx = {.l4 = 17, .sport = 5560, .dport = 62659, .ndpi = ""};
static const struct hk_parse_ctx tcp_ctx = {.l4 = 6, .sport = 5562, .dport = 5001, .ndpi = ""};

/* pc_run, then: nothing said with NOMATCH, every observation about the sender, with a non-empty, printable
 * value and a "melsec." source */
static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	pc_run(proto_melsec_parse, bytes, n, ctx, &res);
	if (res.rc == HK_PARSE_NOMATCH)
		ck_assert_uint_eq(res.sink.n, 0);
	for (size_t i = 0; i < res.sink.n; i++) {
		size_t len = strlen(res.obs[i].value);
		ck_assert_uint_gt(len, 0);
		ck_assert_int_eq(strncmp(res.obs[i].source, "melsec.", 7), 0);
		ck_assert_int_eq(res.obs[i].side, HK_SIDE_SRC);
		for (size_t k = 0; k < len; k++)
			ck_assert(res.obs[i].value[k] >= 0x20 && res.obs[i].value[k] < 0x7f);
	}
	return res.rc;
}

static enum hk_parse_result udp(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &udp_ctx);
}

static enum hk_parse_result tcp(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &tcp_ctx);
}

/* every observation is about the sender (run_ctx checks it) */
#define EXPECT(i, k, conf, src, val) PC_EXPECT(&res, i, k, HK_SIDE_SRC, conf, src, val)

/* the first value from source, NULL when there is none */
static const char *find(const char *source)
{
	return pc_count(&res, source) ? pc_value(&res, source, 0) : NULL;
}

/* a 3E binary response whose 16-byte model field is m */
static void mc_model(struct pc_buf *a, const void *m, const char *end_code)
{
	pc_put(a, "\xd0\x00\x00\xff\xff\x03\x00\x14\x00", 9);
	pc_put(a, end_code, 2);
	pc_put(a, m, 16);
	pc_put(a, "\x63\x02", 2);
}

/* ---- real frames ---------------------------------------------------------------- */

START_TEST(test_melsoft_udp)
{
	ck_assert_int_eq(udp(VEC(msoft_resp)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_MODEL, 80, "melsec.melsoft.cpu_model", "FX5U-32MT/ES");
	EXPECT(1, HK_OBS_RAW, 50, "melsec.model_code", "0x4A29");
	EXPECT(2, HK_OBS_ROLE, 80, "melsec.cpu", "plc");

	ck_assert_int_eq(udp(VEC(msoft_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "melsec.melsoft", "yes");

	/* the search: recognised, nothing said */
	ck_assert_int_eq(udp(VEC(search_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(udp(VEC(search_resp)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* on TCP there is no search */
	ck_assert_int_eq(tcp(VEC(search_req)), HK_PARSE_NOMATCH);
	/* a search request is exactly four bytes */
	ck_assert_int_eq(udp("\x5a\x00\x00\x01\x00", 5), HK_PARSE_NOMATCH);
}
END_TEST

START_TEST(test_melsoft_tcp)
{
	struct pc_buf a = {.n = 0};

	/* a request says all its sender will */
	ck_assert_int_eq(tcp(VEC(tcp_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "melsec.melsoft", "yes");
	/* responses without a model: the stream may still hold one */
	ck_assert_int_eq(tcp(VEC(tcp_resp)), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* ... and here it does (the UDP answer with the TCP transport byte) */
	pc_put(&a, VEC(tcp_resp));
	pc_put(&a, VEC(msoft_resp));
	a.b[sizeof(tcp_resp) - 1 + 1] = 0x00;
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_MODEL, 80, "melsec.melsoft.cpu_model", "FX5U-32MT/ES");
}
END_TEST

START_TEST(test_mc_cpu_model)
{
	static const struct {
		const uint8_t *b;
		size_t n;
		const char *model, *code;
	} cases[] = {
		{VEC(mc3e_resp), "Q02UCPU", "0x0263"},
		{VEC(mc4e_resp), "Q03UDVCPU", "0x036B"},
		{VEC(mc3e_ascii_resp), "Q02UCPU", "0x0263"},
		{VEC(mc4e_ascii_resp), "R04CPU", "0x4800"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(udp(cases[i].b, cases[i].n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 3);
		EXPECT(0, HK_OBS_MODEL, 90, "melsec.cpu_model", cases[i].model);
		EXPECT(1, HK_OBS_RAW, 50, "melsec.model_code", cases[i].code);
		EXPECT(2, HK_OBS_ROLE, 80, "melsec.cpu", "plc");
		ck_assert_int_eq(tcp(cases[i].b, cases[i].n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 3);
	}
	/* requests say nothing, and are all a request stream will say */
	ck_assert_int_eq(udp(VEC(mc3e_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(udp(VEC(mc3e_ascii_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(tcp(VEC(mc3e_req)), HK_PARSE_OK);
	/* register data of the same size is no model */
	ck_assert_int_eq(udp(VEC(mc3e_words)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(tcp(VEC(mc3e_words)), HK_PARSE_TRUNCATED);
}
END_TEST

/* the whole says what it says (run_ctx checks it); every prefix is TRUNCATED and says a leading part of it */
static void check_prefixes(const uint8_t *b, size_t n, const struct hk_parse_ctx *ctx)
{
	run_ctx(b, n, ctx);
	pc_every_prefix(proto_melsec_parse, b, n, ctx, PC_TRUNCATED, true, "%zu bytes on %s", n,
			ctx->l4 == 6 ? "tcp" : "udp");
}

START_TEST(test_truncated_prefixes)
{
	struct pc_buf a = {.n = 0};

	check_prefixes(VEC(msoft_resp), &udp_ctx);
	check_prefixes(VEC(msoft_req), &udp_ctx);
	check_prefixes(VEC(mc3e_resp), &udp_ctx);
	check_prefixes(VEC(mc4e_resp), &udp_ctx);
	check_prefixes(VEC(mc3e_ascii_resp), &udp_ctx);
	check_prefixes(VEC(mc4e_ascii_resp), &udp_ctx);
	check_prefixes(VEC(mc3e_req), &udp_ctx);
	check_prefixes(VEC(search_req), &udp_ctx);
	pc_put(&a, VEC(mc3e_words));
	pc_put(&a, VEC(mc3e_resp));
	check_prefixes(a.b, a.n, &tcp_ctx);
	a.n = 0;
	pc_put(&a, VEC(tcp_resp));
	pc_put(&a, VEC(tcp_resp));
	check_prefixes(a.b, a.n, &tcp_ctx);
	check_prefixes(VEC(tcp_req), &tcp_ctx);
}
END_TEST

/* ---- built frames --------------------------------------------------------------- */

START_TEST(test_model_names)
{
	static const struct {
		const char *field;
		const char *model; /* NULL: not a model */
	} cases[] = {
		{"Q03UDVCPU       ", "Q03UDVCPU"},
		{"FX5U-32MT/ES\0\0\0\0", "FX5U-32MT/ES"},
		{"R08PCPU \0 \0 \0 \0", "R08PCPU"},
		{"L02CPU-P(A)+x_1.", "L02CPU-P(A)+x_1."},
		{"ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOP"}, /* the risk: a 16-character word string */
		{"Q0 UCPU         ", NULL},               /* a space inside */
		{"Q02UCPU\0garbage\0", NULL},             /* text after the padding */
		{"Q02U\xc3\xa9PU        ", NULL},         /* non-ASCII */
		{"Q02U\x01PU         ", NULL},            /* control byte */
		{"-Q02UCPU        ", NULL},               /* not a letter or digit first */
		{"Q               ", NULL},               /* one character */
		{"                ", NULL},
		{"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pc_buf a = {.n = 0};
		const char *m;

		mc_model(&a, cases[i].field, "\x00\x00");
		ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
		m = find("melsec.cpu_model");
		if (cases[i].model)
			ck_assert_msg(m && strcmp(m, cases[i].model) == 0, "%zu: %s", i, m ? m : "(none)");
		else
			ck_assert_msg(!m && res.sink.n == 0, "%zu: %s", i, m);
	}
	/* an error end code: no model */
	{
		struct pc_buf a = {.n = 0};
		mc_model(&a, "Q02UCPU         ", "\x51\xc0");
		ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 0);
	}
	/* ASCII: an error end code, a model code that is not hex */
	ck_assert_int_eq(udp("D00000FF03FF0000180051Q02UCPU         0263", 42), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(udp("D00000FF03FF0000180000Q02UCPU         02G3", 42), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_melsoft_fields)
{
	struct pc_buf a = {.n = 0};

	/* another command's answer: no model */
	pc_put(&a, VEC(msoft_resp));
	a.b[48] = 0x22;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* an error end code */
	a.b[48] = 0x21;
	a.b[45] = 0x50;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the body's direction bit disagrees with the header's */
	a.b[45] = 0x00;
	a.b[21] = 0x1c;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_MALFORMED);
	/* an answer to 01 21 too short for the model code */
	a.n = 0;
	pc_put(&a, msoft_resp, 21 + 32 + 16);
	a.b[19] = 32 + 16;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

static void set_le16(struct pc_buf *a, size_t at, uint16_t v)
{
	a->b[at] = (uint8_t)v;
	a->b[at + 1] = (uint8_t)(v >> 8);
}

START_TEST(test_lying_lengths)
{
	struct pc_buf a = {.n = 0};

	/* MC: longer than the datagram waits, shorter leaves bytes over (not MC) */
	pc_put(&a, VEC(mc3e_resp));
	set_le16(&a, 7, 21);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_TRUNCATED);
	set_le16(&a, 7, 19);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_NOMATCH);
	/* below the end code, past MELSEC_LEN_MAX */
	set_le16(&a, 7, 1);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_NOMATCH);
	set_le16(&a, 7, MELSEC_LEN_MAX + 1);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_NOMATCH);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_NOMATCH);
	set_le16(&a, 7, MELSEC_LEN_MAX);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	/* a request shorter than timer, command and subcommand */
	a.n = 0;
	pc_put(&a, "\x50\x00\x00\xff\xff\x03\x00\x05\x00\x10\x00\x01\x01\x00", 14);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_NOMATCH);
	/* 4E with a non-zero reserved word */
	a.n = 0;
	pc_put(&a, VEC(mc4e_resp));
	a.b[4] = 1;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_NOMATCH);
	/* MELSOFT: bytes over, a body below its fixed part, past MAX */
	a.n = 0;
	pc_put(&a, VEC(msoft_resp));
	set_le16(&a, 19, 55);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_MALFORMED);
	set_le16(&a, 19, 57);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_TRUNCATED);
	set_le16(&a, 19, 3);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_MALFORMED);
	set_le16(&a, 19, MELSEC_LEN_MAX + 1);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	/* TCP: a second frame that is none of ours */
	a.n = 0;
	pc_put(&a, VEC(tcp_resp));
	pc_put(&a, "GET / HTTP/1.1\r\n", 16);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	/* ASCII: the length is hex */
	ck_assert_int_eq(udp("D00000FF03FF00001G0000Q02UCPU         0263", 42), HK_PARSE_NOMATCH);
	ck_assert_int_eq(udp("D00000FF03FF0000190000Q02UCPU         0263", 42), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(udp("D00000FF03FF0000170000Q02UCPU         0263", 42), HK_PARSE_NOMATCH);
	ck_assert_int_eq(udp("D400ABCD000100FF03FF000018", 26), HK_PARSE_NOMATCH);
	ck_assert_int_eq(udp("D000X0FF03FF000018", 18), HK_PARSE_NOMATCH);
}
END_TEST

START_TEST(test_frame_counts)
{
	struct pc_buf a = {.n = 0};

	for (int i = 0; i < MELSEC_FRAMES_MAX - 1; i++)
		pc_put(&a, VEC(mc3e_words));
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	pc_put(&a, VEC(mc3e_resp));
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(find("melsec.cpu_model"), "Q02UCPU");
	a.n = 0;
	for (int i = 0; i < MELSEC_FRAMES_MAX; i++)
		pc_put(&a, VEC(mc3e_words));
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	pc_put(&a, VEC(mc3e_resp));
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	ck_assert_ptr_null(find("melsec.cpu_model"));
}
END_TEST

START_TEST(test_nomatch)
{
	static const struct {
		const char *b;
		size_t n;
	} not_melsec[] = {
		{"GET / HTTP/1.1\r\n\r\n", 18},
		{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11},
		{"\x57\x01\x00\x00\x00\x12\x11\x07\x00\x00\xff\xff\x03\x00\x00\xfe\x03\x00\x00\x04\x00\x1c\x0a\x16\x14", 25},
		{"\x50\x01\x00\xff\xff\x03\x00\x06\x00\x10\x00\x01\x01\x00\x00", 15},
		{"5001", 4},
		{"M-SEARCH * HTTP/1.1\r\n", 21},
		{"\x00\x00\x00\x00", 4},
	};

	for (size_t i = 0; i < sizeof(not_melsec) / sizeof(not_melsec[0]); i++) {
		ck_assert_msg(udp(not_melsec[i].b, not_melsec[i].n) == HK_PARSE_NOMATCH, "udp %zu", i);
		ck_assert_msg(tcp(not_melsec[i].b, not_melsec[i].n) == HK_PARSE_NOMATCH, "tcp %zu", i);
	}
	ck_assert_int_eq(tcp("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(udp("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(tcp("\xd0", 1), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(tcp("D0", 2), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- against the captures -------------------------------------------------------- */

/*
 * pc_tshark_frame with "-T fields FIELDS", but whatever tshark's exit status:
 * iti_melsoft_129_clean.pcap is cut short in the middle of its last packet,
 * and tshark prints the frames asked for and then exits 2, which pc_tshark
 * takes for a failure.
 */
static bool tshark_fields(const char *pcap, int frame, const char *fields, char *out, size_t outsz)
{
	char shared[1024], cmd[4096];
	size_t n;
	FILE *f;

	if (!pc_shared_dir(shared, sizeof(shared)) || !pc_have_tshark())
		return false;
	ck_assert_uint_lt((size_t)snprintf(cmd, sizeof(cmd), "%s/pcaps/%s", shared, pcap), sizeof(cmd));
	f = fopen(cmd, "rb");
	if (!f)
		return false;
	fclose(f);
	snprintf(cmd, sizeof(cmd), "tshark -r '%s/pcaps/%s' -Y 'frame.number==%d' -T fields %s 2>/dev/null", shared,
		 pcap, frame, fields);
	f = popen(cmd, "r");
	if (!f)
		return false;
	n = fread(out, 1, outsz - 1, f);
	pclose(f);
	out[n] = '\0';
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return true;
}

START_TEST(test_against_captures)
{
	static const struct {
		const char *pcap;
		int frame;
		const char *field;
		const uint8_t *b;
		size_t n;
	} cmp[] = {
		{"iti_melsoft_UDP_clean_2.pcap", 1, "-e udp.payload", VEC(search_req)},
		{"iti_melsoft_UDP_clean_2.pcap", 2, "-e udp.payload", VEC(search_resp)},
		{"iti_melsoft_UDP_clean_2.pcap", 5, "-e udp.payload", VEC(msoft_req)},
		{"iti_melsoft_UDP_clean_2.pcap", 6, "-e udp.payload", VEC(msoft_resp)},
		{"iti_melsoft_129_clean.pcap", 1, "-e tcp.payload", VEC(tcp_resp)},
		{"iti_melsoft_129_clean.pcap", 3, "-e tcp.payload", VEC(tcp_req)},
	};
	char line[4096], hex[2048];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		if (!tshark_fields(cmp[i].pcap, cmp[i].frame, cmp[i].field, line, sizeof(line)))
			return; /* no tshark or no captures here: nothing to compare */
		pc_hex(cmp[i].b, cmp[i].n, hex, sizeof(hex));
		ck_assert_msg(strcmp(line, hex) == 0, "%s frame %d: '%s', we have '%s'", cmp[i].pcap, cmp[i].frame,
			      line, hex);
	}
	/* tshark 4.0 has no dissector for these bytes: it calls them data */
	ck_assert(pc_tshark_frame("iti_melsoft_UDP_clean_2.pcap", 6, "-T fields -e frame.protocols", line, sizeof(line)));
	ck_assert_str_eq(line, "eth:ethertype:ip:udp:data");
}
END_TEST

static Suite *melsec_suite(void)
{
	Suite *s = suite_create("proto_melsec");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_melsoft_udp);
	tcase_add_test(tc, test_melsoft_tcp);
	tcase_add_test(tc, test_mc_cpu_model);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_model_names);
	tcase_add_test(tc, test_melsoft_fields);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_frame_counts);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_captures);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(melsec_suite());
}
