/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Omron FINS parser (src/proto/fins.c): a real Controller Data Read
 * exchange over UDP and over FINS/TCP (an Omron CP1L) with its exact
 * observations; every truncated prefix; lying FINS/TCP lengths and commands;
 * frame counts at MAX and MAX-1; end codes with relay and CPU error flags
 * and with errors; model and version fields with padding, NUL, non-ASCII
 * and binary bytes; frames that are not FINS. Every input is an exactly-
 * sized heap copy, so a one-byte over-read is an AddressSanitizer report.
 * Where tshark and the captures are at hand, the frames are compared with
 * tshark's reading.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define FINS_TCP_FRAMES_MAX 16 /* as in src/proto/fins.c */
#define FINS_FRAME_MAX 2012
#define FINS_TCP_LEN_MAX (8 + FINS_FRAME_MAX)


/*
 * iti_omron_test.pcap (ITI/ICS-Security-Tools pcaps/omron/omron_test.pcap;
 * also ndpi_fins.pcap frame 257), frame 18, UDP 9600 -> 54855: Controller
 * Data Read response from an Omron CP1L. tshark: omron.icf 0xc0,
 * omron.da1 0x63, omron.sa1 0xc8, omron.command 0x0501, response code
 * 0x0000, controller model "CP1L-EL20DR-D", controller version "01.00".
 */
static const uint8_t cdr_resp[] =
	"\xc0"             /* ICF: gateway, response, response wanted */
	"\x00" "\x02"      /* RSV 0, GCT 2 */
	"\x00" "\x63" "\x00" /* DNA 0 (local), DA1 99 (the client), DA2 0 */
	"\x00" "\xc8" "\x00" /* SNA 0, SA1 200 (the PLC), SA2 0 (CPU unit) */
	"\xef"             /* SID */
	"\x05\x01"         /* MRC/SRC: Controller Data Read */
	"\x00\x00"         /* end code: normal completion */
	"CP1L-EL20DR-D" "\x00\x00\x00" "    " /* controller model, 20 bytes */
	"01.00" "\x00\x00\x00\x00\x00" "01.06" "\x00\x00\x00\x00\x00" /* controller version, 20 */
	/* for system use, 40 bytes */
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x03"
	/* area data: program area 10, IOM 23, DM words 10768, timers 8, ... */
	"\x00\x0a\x17\x2a\x10\x08\x00\x00\x00\x00\x00\x00";

/* frame 17, UDP 54855 -> 9600: the command (data 00: model and version) */
static const uint8_t cdr_cmd[] = "\x80\x00\x02\x00\x00\x00\x00\x63\x00\xef\x05\x01\x00";

/* frames 6 and 8, TCP 17134 -> 9600: node address data send (asking for a
 * node: 0), then the command in a FINS/TCP frame send */
static const uint8_t tcp_cli[] =
	"FINS" "\x00\x00\x00\x0c" "\x00\x00\x00\x00" "\x00\x00\x00\x00" "\x00\x00\x00\x00"
	"FINS" "\x00\x00\x00\x15" "\x00\x00\x00\x02" "\x00\x00\x00\x00"
	"\x80\x00\x02\x00\xc8\x00\x00\x00\xef\x05\x05\x01\x00";

/*
 * frames 7 and 9, TCP 9600 -> 17134: node address data send (client node
 * 251, server node 200), then the response in a frame send (length 114).
 * tshark: omron.tcp.client_node_address 251, omron.tcp.server_node_address
 * 200; the same model and version as frame 18.
 */
static const uint8_t tcp_srv[] =
	"FINS" "\x00\x00\x00\x10" "\x00\x00\x00\x01" "\x00\x00\x00\x00"
	"\x00\x00\x00\xfb" "\x00\x00\x00\xc8"
	"FINS" "\x00\x00\x00\x72" "\x00\x00\x00\x02" "\x00\x00\x00\x00"
	"\xc0\x00\x02\x00\xfb\xef\x00\xc8\x00\x05\x05\x01\x00\x00"
	"CP1L-EL20DR-D\x00\x00\x00    " "01.00\x00\x00\x00\x00\x00" "01.06\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x03"
	"\x00\x0a\x17\x2a\x10\x08\x00\x00\x00\x00\x00\x00";

static struct pc_result res;

static const struct hk_parse_ctx udp_ctx = {.l4 = 17, .sport = 9600, .dport = 54855, .ndpi = ""};
static const struct hk_parse_ctx tcp_ctx = {
	.l4 = 6, .sport = 9600, .dport = 17134, .from_client = false, .client_known = true, .ndpi = ""};

/* pc_run into r, then: nothing said with NOMATCH, every value non-empty and printable, every source "fins." */
static enum hk_parse_result run_into(struct pc_result *r, const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	pc_run(proto_fins_parse, bytes, n, ctx, r);
	if (r->rc == HK_PARSE_NOMATCH)
		ck_assert_uint_eq(r->sink.n, 0);
	for (size_t i = 0; i < r->sink.n; i++) {
		size_t len = strlen(r->obs[i].value);
		ck_assert_uint_gt(len, 0);
		ck_assert_int_eq(strncmp(r->obs[i].source, "fins.", 5), 0);
		for (size_t k = 0; k < len; k++)
			ck_assert(r->obs[i].value[k] >= 0x20 && r->obs[i].value[k] < 0x7f);
	}
	return r->rc;
}

static enum hk_parse_result udp(const void *bytes, size_t n)
{
	return run_into(&res, bytes, n, &udp_ctx);
}

static enum hk_parse_result tcp(const void *bytes, size_t n)
{
	return run_into(&res, bytes, n, &tcp_ctx);
}

#define EXPECT(i, k, sd, conf, src, val) PC_EXPECT(&res, i, k, sd, conf, src, val)
#define NONE(src) ck_assert_uint_eq(pc_count(&res, (src)), 0)
#define VALUE(src) pc_value(&res, (src), 0)

/* ---- a frame builder --------------------------------------------------------- */

/* a Controller Data Read response with these 20-byte model and version fields */
static void cdr(struct pc_buf *a, const char *end_code, const void *model, const void *version)
{
	pc_put(a, "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x05\x01", 12);
	pc_put(a, end_code, 2);
	pc_put(a, model, 20);
	if (version)
		pc_put(a, version, 20);
}

/* a FINS/TCP frame send around n bytes of a FINS frame */
static void frame_send(struct pc_buf *a, const void *frame, size_t n)
{
	pc_put(a, "FINS", 4);
	pc_put32(a, (uint32_t)(8 + n));
	pc_put32(a, 2);
	pc_put32(a, 0);
	pc_put(a, frame, n);
}

/* ---- real frames --------------------------------------------------------------- */

START_TEST(test_udp_controller_data)
{
	ck_assert_int_eq(udp(VEC(cdr_resp)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "fins.node", "200");
	EXPECT(1, HK_OBS_RAW, HK_SIDE_DST, 50, "fins.node", "99");
	EXPECT(2, HK_OBS_MODEL, HK_SIDE_SRC, 90, "fins.controller_model", "CP1L-EL20DR-D");
	EXPECT(3, HK_OBS_FIRMWARE, HK_SIDE_SRC, 85, "fins.controller_version", "01.00");
	EXPECT(4, HK_OBS_ROLE, HK_SIDE_SRC, 80, "fins.controller", "plc");

	/* the command names its sender's node; DA1 0 is "this node" */
	ck_assert_int_eq(udp(VEC(cdr_cmd)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "fins.node", "99");
}
END_TEST

START_TEST(test_tcp_controller_data)
{
	ck_assert_int_eq(tcp(VEC(tcp_srv)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "fins.node", "200");
	EXPECT(1, HK_OBS_RAW, HK_SIDE_DST, 50, "fins.node", "251");
	EXPECT(2, HK_OBS_MODEL, HK_SIDE_SRC, 90, "fins.controller_model", "CP1L-EL20DR-D");
	EXPECT(3, HK_OBS_FIRMWARE, HK_SIDE_SRC, 85, "fins.controller_version", "01.00");
	EXPECT(4, HK_OBS_ROLE, HK_SIDE_SRC, 80, "fins.controller", "plc");

	/* the client's direction: no model, so the stream may say more later */
	ck_assert_int_eq(tcp(VEC(tcp_cli)), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_DST, 50, "fins.node", "200");
}
END_TEST

START_TEST(test_truncated_prefixes)
{
	static struct pc_result full;
	struct pc_expect said[HK_OBS_PER_PACKET_MAX];
	char label[32];

	/* TCP: every proper prefix waits for more, and says nothing it would not */
	tcp(VEC(tcp_srv));
	pc_every_prefix(proto_fins_parse, VEC(tcp_srv), &tcp_ctx, PC_TRUNCATED, true, "tcp_srv");
	/* UDP: a cut datagram is TRUNCATED before the end code; after it, what
	 * the fields that are whole say, never more */
	run_into(&full, VEC(cdr_resp), &udp_ctx);
	for (size_t i = 0; i < full.sink.n; i++)
		said[i] = (struct pc_expect){full.obs[i].kind, full.obs[i].side, full.obs[i].confidence,
					     full.obs[i].source, full.obs[i].value, PC_ANY, PC_ANY};
	for (size_t k = 0; k < sizeof(cdr_resp) - 1; k++) {
		enum hk_parse_result r = udp(cdr_resp, k);
		if (k < 14)
			ck_assert_msg(r == HK_PARSE_TRUNCATED, "prefix %zu", k);
		else
			ck_assert_msg(r == HK_PARSE_OK, "prefix %zu", k);
		if (k < 34)
			NONE("fins.controller_model");
		snprintf(label, sizeof(label), "cdr_resp prefix %zu", k);
		pc_assert_obs_among(&res, said, full.sink.n, label);
	}
}
END_TEST

/* ---- built frames -------------------------------------------------------------- */

START_TEST(test_fields)
{
	struct pc_buf a = {.n = 0};

	/* space padded without NUL, a version of 20 characters */
	cdr(&a, "\x00\x00", "CJ2M-CPU31          ", "V2.01.00.00.1234567X");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(VALUE("fins.controller_model"), "CJ2M-CPU31");
	ck_assert_str_eq(VALUE("fins.controller_version"), "V2.01.00.00.1234567X");
	/* no version field at all */
	a.n = 0;
	cdr(&a, "\x00\x00", "CS1G-CPU42H\0\0\0\0\0\0\0\0\0", NULL);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(VALUE("fins.controller_model"), "CS1G-CPU42H");
	NONE("fins.controller_version");
	ck_assert_str_eq(VALUE("fins.controller"), "plc");
	/* a version that is not text is not said; the model is */
	a.n = 0;
	cdr(&a, "\x00\x00", "NJ501-1300\0\0\0\0\0\0\0\0\0\0", "\x01\x02\x03\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(VALUE("fins.controller_model"), "NJ501-1300");
	NONE("fins.controller_version");
	/* non-ASCII in the model: not a model */
	a.n = 0;
	cdr(&a, "\x00\x00", "CJ2M-\xc3\xa9PU31\0\0\0\0\0\0\0\0\0", "01.00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	NONE("fins.controller_model");
	NONE("fins.controller");
	/* NUL first: nothing (the response to data 01 starts with binary area data) */
	a.n = 0;
	cdr(&a, "\x00\x00", "\x00\x0a\x17\x2a\x10\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", NULL);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	NONE("fins.controller_model");
	ck_assert_uint_eq(res.sink.n, 2);
	/* the model cut short by the datagram: not said */
	a.n = 0;
	cdr(&a, "\x00\x00", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", NULL);
	ck_assert_int_eq(udp(a.b, a.n - 1), HK_PARSE_OK);
	NONE("fins.controller_model");
	/* a space inside is kept, a leading space is not a model */
	a.n = 0;
	cdr(&a, "\x00\x00", "CP1E N30\0\0\0\0\0\0\0\0\0\0\0\0", NULL);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(VALUE("fins.controller_model"), "CP1E N30");
	a.n = 0;
	cdr(&a, "\x00\x00", " CP1E\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", NULL);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	NONE("fins.controller_model");
}
END_TEST

START_TEST(test_end_codes)
{
	struct pc_buf a = {.n = 0};

	/* relay error flag and non-fatal CPU error flag: the data is still there */
	cdr(&a, "\x80\x40", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", "01.00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(VALUE("fins.controller_model"), "CJ2M-CPU31");
	/* an error (0x1001 command too long): nothing but the nodes */
	a.n = 0;
	cdr(&a, "\x10\x01", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", "01.00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	NONE("fins.controller_model");
	ck_assert_uint_eq(res.sink.n, 2);
	/* a command (not a response) with the same bytes says no model */
	a.n = 0;
	cdr(&a, "\x00\x00", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", NULL);
	a.b[0] = 0x80;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	NONE("fins.controller_model");
	/* another command's response (05 02 connection data read) neither */
	a.n = 0;
	cdr(&a, "\x00\x00", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", NULL);
	a.b[11] = 0x02;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	NONE("fins.controller_model");
}
END_TEST

START_TEST(test_nodes)
{
	/* node 0 (this node) and 255 (broadcast) name nobody */
	static const uint8_t bcast[] = "\x80\x00\x02\x00\xff\x00\x00\x00\x00\x01\x01\x01\x82\x00\x00\x00\x01";
	static const uint8_t n254[] = "\x80\x00\x07\x01\xfe\x00\x01\x01\x00\x01\x01\x01";

	ck_assert_int_eq(udp(VEC(bcast)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(udp(VEC(n254)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "fins.node", "1");
	EXPECT(1, HK_OBS_RAW, HK_SIDE_DST, 50, "fins.node", "254");
}
END_TEST

START_TEST(test_tcp_lengths)
{
	struct pc_buf a = {.n = 0};
	uint8_t big[FINS_TCP_LEN_MAX + 8];

	/* FINS/TCP lengths below 8 and above the largest frame: not FINS/TCP */
	pc_put(&a, "FINS\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00", 15);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_NOMATCH);
	a.n = 0;
	pc_put(&a, "FINS", 4);
	pc_put32(&a, FINS_TCP_LEN_MAX + 1);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_NOMATCH);
	/* the largest is waited for */
	a.n = 0;
	pc_put(&a, "FINS", 4);
	pc_put32(&a, FINS_TCP_LEN_MAX);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	/* and read when whole */
	memset(big, 0, sizeof(big));
	memcpy(big, "FINS\x00\x00\x07\xe4\x00\x00\x00\x02\x00\x00\x00\x00", 16);
	memcpy(big + 16, "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x01\x01\x00\x00", 14);
	ck_assert_int_eq(tcp(big, sizeof(big)), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 2);
	/* a length longer than what follows: wait */
	a.n = 0;
	pc_put(&a, tcp_srv, 24);
	a.b[7] = 0x11;
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	/* a length shorter than the frame inside: the rest is the next "frame" */
	a.n = 0;
	pc_put(&a, tcp_srv, sizeof(tcp_srv) - 1);
	a.b[24 + 7] = 0x20; /* the model is cut by its frame: not said */
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	NONE("fins.controller_model");
	a.b[24 + 7] = 0x0c; /* not even the FINS header fits */
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	/* an unknown FINS/TCP command: first frame NOMATCH, later MALFORMED */
	a.n = 0;
	pc_put(&a, "FINS\x00\x00\x00\x08\x00\x00\x00\x09\x00\x00\x00\x00", 16);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_NOMATCH);
	a.n = 0;
	pc_put(&a, tcp_cli, 20);
	pc_put(&a, "FINS\x00\x00\x00\x08\x00\x00\x00\x09\x00\x00\x00\x00", 16);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	/* a frame send whose frame is not FINS */
	a.n = 0;
	frame_send(&a, "\xc2\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x05\x01", 12);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	a.n = 0;
	frame_send(&a, "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x05\x01", 12); /* no end code */
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a frame send with an error code carries nothing to read */
	a.n = 0;
	pc_put(&a, "FINS\x00\x00\x00\x08\x00\x00\x00\x02\x00\x00\x00\x03", 16);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_frame_counts)
{
	static const uint8_t mem_read[] = "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x01\x01\x00\x00\x12\x34";
	struct pc_buf a = {.n = 0};

	for (int i = 0; i < FINS_TCP_FRAMES_MAX - 1; i++)
		frame_send(&a, VEC(mem_read));
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 2); /* the nodes, once */
	frame_send(&a, VEC(mem_read));
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	/* the model after MAX frames is not reached */
	frame_send(&a, cdr_resp, sizeof(cdr_resp) - 1);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	NONE("fins.controller_model");
	/* before it, it is */
	a.n = 0;
	for (int i = 0; i < FINS_TCP_FRAMES_MAX - 1; i++)
		frame_send(&a, VEC(mem_read));
	frame_send(&a, cdr_resp, sizeof(cdr_resp) - 1);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(VALUE("fins.controller_model"), "CP1L-EL20DR-D");
}
END_TEST

START_TEST(test_nomatch)
{
	static const struct {
		const char *b;
		size_t n;
	} not_fins[] = {
		{"\xc4\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x05\x01\x00\x00", 14}, /* ICF reserved bit */
		{"\xc0\x01\x02\x00\x63\x00\x00\xc8\x00\xef\x05\x01\x00\x00", 14}, /* RSV */
		{"\xc0\x00\x08\x00\x63\x00\x00\xc8\x00\xef\x05\x01\x00\x00", 14}, /* GCT */
		{"\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x40\x01\x00\x00", 14}, /* MRC */
		{"GET / HTTP/1.1\r\n\r\n", 18},
		{"\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12},
	};

	for (size_t i = 0; i < sizeof(not_fins) / sizeof(not_fins[0]); i++)
		ck_assert_msg(udp(not_fins[i].b, not_fins[i].n) == HK_PARSE_NOMATCH, "%zu", i);
	ck_assert_int_eq(tcp("GET / HTTP/1.1\r\n\r\n", 18), HK_PARSE_NOMATCH);
	ck_assert_int_eq(tcp("FINX", 4), HK_PARSE_NOMATCH);
	ck_assert_int_eq(tcp("FI", 2), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(tcp("", 0), HK_PARSE_TRUNCATED);
	/* a raw FINS frame on TCP is no FINS/TCP */
	ck_assert_int_eq(tcp(VEC(cdr_resp)), HK_PARSE_NOMATCH);
	/* a datagram larger than any FINS frame */
	{
		uint8_t big[FINS_FRAME_MAX + 1];
		memset(big, 0, sizeof(big));
		memcpy(big, cdr_resp, sizeof(cdr_resp) - 1);
		ck_assert_int_eq(udp(big, sizeof(big)), HK_PARSE_NOMATCH);
		ck_assert_int_eq(udp(big, sizeof(big) - 1), HK_PARSE_OK);
	}
	/* short datagrams: a header start that may be FINS, or one that is not */
	ck_assert_int_eq(udp("\xc0\x00", 2), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(udp("\xc0\x00\x02\x00\x63", 5), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(udp("\xc0\x00\x09", 3), HK_PARSE_NOMATCH);
}
END_TEST

/* ---- against tshark ------------------------------------------------------------ */

START_TEST(test_against_tshark)
{
	char line[4096], hex[1024], want[2048];

	if (!pc_tshark_frame("iti_omron_test.pcap", 18,
			     "-T fields -e udp.payload -e omron.sa1 -e omron.da1 -e omron.controller.model "
			     "-e omron.controller.version",
			     line, sizeof(line)))
		return; /* no tshark or no captures here: nothing to compare */
	pc_hex(cdr_resp, sizeof(cdr_resp) - 1, hex, sizeof(hex));
	snprintf(want, sizeof(want), "%s\t0xc8\t0x63\tCP1L-EL20DR-D\t01.00", hex);
	ck_assert_msg(strcmp(line, want) == 0, "tshark '%s', we expect '%s'", line, want);
	ck_assert_int_eq(udp(VEC(cdr_resp)), HK_PARSE_OK);
	ck_assert_str_eq(VALUE("fins.controller_model"), "CP1L-EL20DR-D");
	ck_assert_str_eq(VALUE("fins.controller_version"), "01.00");

	ck_assert(pc_tshark_frame("iti_omron_test.pcap", 7,
				  "-T fields -e omron.tcp.client_node_address -e omron.tcp.server_node_address", line,
				  sizeof(line)));
	ck_assert_str_eq(line, "251\t200");
	ck_assert(pc_tshark_frame("iti_omron_test.pcap", 9, "-T fields -e tcp.payload", line, sizeof(line)));
	pc_hex(tcp_srv + 24, sizeof(tcp_srv) - 1 - 24, hex, sizeof(hex));
	ck_assert_str_eq(line, hex);
}
END_TEST

static Suite *fins_suite(void)
{
	Suite *s = suite_create("proto_fins");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_udp_controller_data);
	tcase_add_test(tc, test_tcp_controller_data);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_end_codes);
	tcase_add_test(tc, test_nodes);
	tcase_add_test(tc, test_tcp_lengths);
	tcase_add_test(tc, test_frame_counts);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(fins_suite());
}
