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

#define FINS_TCP_FRAMES_MAX 16 /* as in src/proto/fins.c */
#define FINS_FRAME_MAX 2012
#define FINS_TCP_LEN_MAX (8 + FINS_FRAME_MAX)

#define VEC(a) (a), (sizeof(a) - 1)

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

static uint8_t *heap;
static struct hk_obs obs[HK_OBS_PER_PACKET_MAX];
static struct hk_obs_sink sink;

static const struct hk_parse_ctx udp_ctx = {.l4 = 17, .sport = 9600, .dport = 54855, .ndpi = ""};
static const struct hk_parse_ctx tcp_ctx = {
	.l4 = 6, .sport = 9600, .dport = 17134, .from_client = false, .client_known = true, .ndpi = ""};

static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	struct hk_cur c;
	enum hk_parse_result r;

	free(heap);
	heap = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(heap);
	if (n)
		memcpy(heap, bytes, n);
	c = hk_cur_init(heap, n);
	memset(obs, 0, sizeof(obs));
	sink = (struct hk_obs_sink){.v = obs, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	r = proto_fins_parse(&c, ctx, &sink);
	ck_assert_uint_le(c.off, c.len);
	ck_assert_int_lt(r, HK_PARSE__MAX);
	if (r == HK_PARSE_NOMATCH)
		ck_assert_uint_eq(sink.n, 0);
	for (size_t i = 0; i < sink.n; i++) {
		size_t len = strlen(obs[i].value);
		ck_assert_uint_gt(len, 0);
		ck_assert_int_eq(strncmp(obs[i].source, "fins.", 5), 0);
		for (size_t k = 0; k < len; k++)
			ck_assert(obs[i].value[k] >= 0x20 && obs[i].value[k] < 0x7f);
	}
	return r;
}

static enum hk_parse_result udp(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &udp_ctx);
}

static enum hk_parse_result tcp(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &tcp_ctx);
}

static void teardown(void)
{
	free(heap);
	heap = NULL;
}

#define EXPECT(i, k, sd, conf, src, val)                                                              \
	do {                                                                                          \
		ck_assert_uint_gt(sink.n, (i));                                                       \
		ck_assert_str_eq(obs[i].source, (src));                                               \
		ck_assert_str_eq(obs[i].value, (val));                                                \
		ck_assert_int_eq(obs[i].kind, (k));                                                   \
		ck_assert_int_eq(obs[i].side, (sd));                                                  \
		ck_assert_uint_eq(obs[i].confidence, (conf));                                         \
	} while (0)

static const char *find(const char *source)
{
	for (size_t i = 0; i < sink.n; i++)
		if (strcmp(obs[i].source, source) == 0)
			return obs[i].value;
	return NULL;
}

/* ---- a frame builder --------------------------------------------------------- */

struct buf {
	uint8_t b[8192];
	size_t n;
};

static void put(struct buf *a, const void *v, size_t n)
{
	ck_assert_uint_le(n, sizeof(a->b) - a->n);
	memcpy(a->b + a->n, v, n);
	a->n += n;
}

static void be32(struct buf *a, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	put(a, b, 4);
}

/* a Controller Data Read response with these 20-byte model and version fields */
static void cdr(struct buf *a, const char *end_code, const void *model, const void *version)
{
	put(a, "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x05\x01", 12);
	put(a, end_code, 2);
	put(a, model, 20);
	if (version)
		put(a, version, 20);
}

/* a FINS/TCP frame send around n bytes of a FINS frame */
static void frame_send(struct buf *a, const void *frame, size_t n)
{
	put(a, "FINS", 4);
	be32(a, (uint32_t)(8 + n));
	be32(a, 2);
	be32(a, 0);
	put(a, frame, n);
}

/* ---- real frames --------------------------------------------------------------- */

START_TEST(test_udp_controller_data)
{
	ck_assert_int_eq(udp(VEC(cdr_resp)), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 5);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "fins.node", "200");
	EXPECT(1, HK_OBS_RAW, HK_SIDE_DST, 50, "fins.node", "99");
	EXPECT(2, HK_OBS_MODEL, HK_SIDE_SRC, 90, "fins.controller_model", "CP1L-EL20DR-D");
	EXPECT(3, HK_OBS_FIRMWARE, HK_SIDE_SRC, 85, "fins.controller_version", "01.00");
	EXPECT(4, HK_OBS_ROLE, HK_SIDE_SRC, 80, "fins.controller", "plc");

	/* the command names its sender's node; DA1 0 is "this node" */
	ck_assert_int_eq(udp(VEC(cdr_cmd)), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 1);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "fins.node", "99");
}
END_TEST

START_TEST(test_tcp_controller_data)
{
	ck_assert_int_eq(tcp(VEC(tcp_srv)), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 5);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "fins.node", "200");
	EXPECT(1, HK_OBS_RAW, HK_SIDE_DST, 50, "fins.node", "251");
	EXPECT(2, HK_OBS_MODEL, HK_SIDE_SRC, 90, "fins.controller_model", "CP1L-EL20DR-D");
	EXPECT(3, HK_OBS_FIRMWARE, HK_SIDE_SRC, 85, "fins.controller_version", "01.00");
	EXPECT(4, HK_OBS_ROLE, HK_SIDE_SRC, 80, "fins.controller", "plc");

	/* the client's direction: no model, so the stream may say more later */
	ck_assert_int_eq(tcp(VEC(tcp_cli)), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(sink.n, 1);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_DST, 50, "fins.node", "200");
}
END_TEST

static bool said_in(const struct hk_obs *o, const struct hk_obs *full, size_t n_full)
{
	for (size_t j = 0; j < n_full; j++)
		if (o->kind == full[j].kind && o->side == full[j].side && strcmp(o->source, full[j].source) == 0 &&
		    strcmp(o->value, full[j].value) == 0)
			return true;
	return false;
}

START_TEST(test_truncated_prefixes)
{
	struct hk_obs full[HK_OBS_PER_PACKET_MAX];
	size_t n_full;

	/* TCP: every proper prefix waits for more, and says nothing it would not */
	tcp(VEC(tcp_srv));
	memcpy(full, obs, sizeof(full));
	n_full = sink.n;
	for (size_t k = 0; k < sizeof(tcp_srv) - 1; k++) {
		ck_assert_msg(tcp(tcp_srv, k) == HK_PARSE_TRUNCATED, "prefix %zu", k);
		for (size_t i = 0; i < sink.n; i++)
			ck_assert(said_in(&obs[i], full, n_full));
	}
	/* UDP: a cut datagram is TRUNCATED before the end code; after it, what
	 * the fields that are whole say, never more */
	udp(VEC(cdr_resp));
	memcpy(full, obs, sizeof(full));
	n_full = sink.n;
	for (size_t k = 0; k < sizeof(cdr_resp) - 1; k++) {
		enum hk_parse_result r = udp(cdr_resp, k);
		if (k < 14)
			ck_assert_msg(r == HK_PARSE_TRUNCATED, "prefix %zu", k);
		else
			ck_assert_msg(r == HK_PARSE_OK, "prefix %zu", k);
		if (k < 34)
			ck_assert_ptr_null(find("fins.controller_model"));
		for (size_t i = 0; i < sink.n; i++)
			ck_assert(said_in(&obs[i], full, n_full));
	}
}
END_TEST

/* ---- built frames -------------------------------------------------------------- */

START_TEST(test_fields)
{
	struct buf a = {.n = 0};

	/* space padded without NUL, a version of 20 characters */
	cdr(&a, "\x00\x00", "CJ2M-CPU31          ", "V2.01.00.00.1234567X");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(find("fins.controller_model"), "CJ2M-CPU31");
	ck_assert_str_eq(find("fins.controller_version"), "V2.01.00.00.1234567X");
	/* no version field at all */
	a.n = 0;
	cdr(&a, "\x00\x00", "CS1G-CPU42H\0\0\0\0\0\0\0\0\0", NULL);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(find("fins.controller_model"), "CS1G-CPU42H");
	ck_assert_ptr_null(find("fins.controller_version"));
	ck_assert_str_eq(find("fins.controller"), "plc");
	/* a version that is not text is not said; the model is */
	a.n = 0;
	cdr(&a, "\x00\x00", "NJ501-1300\0\0\0\0\0\0\0\0\0\0", "\x01\x02\x03\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(find("fins.controller_model"), "NJ501-1300");
	ck_assert_ptr_null(find("fins.controller_version"));
	/* non-ASCII in the model: not a model */
	a.n = 0;
	cdr(&a, "\x00\x00", "CJ2M-\xc3\xa9PU31\0\0\0\0\0\0\0\0\0", "01.00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_ptr_null(find("fins.controller_model"));
	ck_assert_ptr_null(find("fins.controller"));
	/* NUL first: nothing (the response to data 01 starts with binary area data) */
	a.n = 0;
	cdr(&a, "\x00\x00", "\x00\x0a\x17\x2a\x10\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", NULL);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_ptr_null(find("fins.controller_model"));
	ck_assert_uint_eq(sink.n, 2);
	/* the model cut short by the datagram: not said */
	a.n = 0;
	cdr(&a, "\x00\x00", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", NULL);
	ck_assert_int_eq(udp(a.b, a.n - 1), HK_PARSE_OK);
	ck_assert_ptr_null(find("fins.controller_model"));
	/* a space inside is kept, a leading space is not a model */
	a.n = 0;
	cdr(&a, "\x00\x00", "CP1E N30\0\0\0\0\0\0\0\0\0\0\0\0", NULL);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(find("fins.controller_model"), "CP1E N30");
	a.n = 0;
	cdr(&a, "\x00\x00", " CP1E\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", NULL);
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_ptr_null(find("fins.controller_model"));
}
END_TEST

START_TEST(test_end_codes)
{
	struct buf a = {.n = 0};

	/* relay error flag and non-fatal CPU error flag: the data is still there */
	cdr(&a, "\x80\x40", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", "01.00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(find("fins.controller_model"), "CJ2M-CPU31");
	/* an error (0x1001 command too long): nothing but the nodes */
	a.n = 0;
	cdr(&a, "\x10\x01", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", "01.00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_ptr_null(find("fins.controller_model"));
	ck_assert_uint_eq(sink.n, 2);
	/* a command (not a response) with the same bytes says no model */
	a.n = 0;
	cdr(&a, "\x00\x00", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", NULL);
	a.b[0] = 0x80;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_ptr_null(find("fins.controller_model"));
	/* another command's response (05 02 connection data read) neither */
	a.n = 0;
	cdr(&a, "\x00\x00", "CJ2M-CPU31\0\0\0\0\0\0\0\0\0\0", NULL);
	a.b[11] = 0x02;
	ck_assert_int_eq(udp(a.b, a.n), HK_PARSE_OK);
	ck_assert_ptr_null(find("fins.controller_model"));
}
END_TEST

START_TEST(test_nodes)
{
	/* node 0 (this node) and 255 (broadcast) name nobody */
	static const uint8_t bcast[] = "\x80\x00\x02\x00\xff\x00\x00\x00\x00\x01\x01\x01\x82\x00\x00\x00\x01";
	static const uint8_t n254[] = "\x80\x00\x07\x01\xfe\x00\x01\x01\x00\x01\x01\x01";

	ck_assert_int_eq(udp(VEC(bcast)), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 0);
	ck_assert_int_eq(udp(VEC(n254)), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 2);
	EXPECT(0, HK_OBS_RAW, HK_SIDE_SRC, 50, "fins.node", "1");
	EXPECT(1, HK_OBS_RAW, HK_SIDE_DST, 50, "fins.node", "254");
}
END_TEST

START_TEST(test_tcp_lengths)
{
	struct buf a = {.n = 0};
	uint8_t big[FINS_TCP_LEN_MAX + 8];

	/* FINS/TCP lengths below 8 and above the largest frame: not FINS/TCP */
	put(&a, "FINS\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00", 15);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_NOMATCH);
	a.n = 0;
	put(&a, "FINS", 4);
	be32(&a, FINS_TCP_LEN_MAX + 1);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_NOMATCH);
	/* the largest is waited for */
	a.n = 0;
	put(&a, "FINS", 4);
	be32(&a, FINS_TCP_LEN_MAX);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	/* and read when whole */
	memset(big, 0, sizeof(big));
	memcpy(big, "FINS\x00\x00\x07\xe4\x00\x00\x00\x02\x00\x00\x00\x00", 16);
	memcpy(big + 16, "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x01\x01\x00\x00", 14);
	ck_assert_int_eq(tcp(big, sizeof(big)), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(sink.n, 2);
	/* a length longer than what follows: wait */
	a.n = 0;
	put(&a, tcp_srv, 24);
	a.b[7] = 0x11;
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	/* a length shorter than the frame inside: the rest is the next "frame" */
	a.n = 0;
	put(&a, tcp_srv, sizeof(tcp_srv) - 1);
	a.b[24 + 7] = 0x20; /* the model is cut by its frame: not said */
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_ptr_null(find("fins.controller_model"));
	a.b[24 + 7] = 0x0c; /* not even the FINS header fits */
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	/* an unknown FINS/TCP command: first frame NOMATCH, later MALFORMED */
	a.n = 0;
	put(&a, "FINS\x00\x00\x00\x08\x00\x00\x00\x09\x00\x00\x00\x00", 16);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_NOMATCH);
	a.n = 0;
	put(&a, tcp_cli, 20);
	put(&a, "FINS\x00\x00\x00\x08\x00\x00\x00\x09\x00\x00\x00\x00", 16);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	/* a frame send whose frame is not FINS */
	a.n = 0;
	frame_send(&a, "\xc2\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x05\x01", 12);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	a.n = 0;
	frame_send(&a, "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x05\x01", 12); /* no end code */
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(sink.n, 0);
	/* a frame send with an error code carries nothing to read */
	a.n = 0;
	put(&a, "FINS\x00\x00\x00\x08\x00\x00\x00\x02\x00\x00\x00\x03", 16);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(sink.n, 0);
}
END_TEST

START_TEST(test_frame_counts)
{
	static const uint8_t mem_read[] = "\xc0\x00\x02\x00\x63\x00\x00\xc8\x00\xef\x01\x01\x00\x00\x12\x34";
	struct buf a = {.n = 0};

	for (int i = 0; i < FINS_TCP_FRAMES_MAX - 1; i++)
		frame_send(&a, VEC(mem_read));
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(sink.n, 2); /* the nodes, once */
	frame_send(&a, VEC(mem_read));
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	/* the model after MAX frames is not reached */
	frame_send(&a, cdr_resp, sizeof(cdr_resp) - 1);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	ck_assert_ptr_null(find("fins.controller_model"));
	/* before it, it is */
	a.n = 0;
	for (int i = 0; i < FINS_TCP_FRAMES_MAX - 1; i++)
		frame_send(&a, VEC(mem_read));
	frame_send(&a, cdr_resp, sizeof(cdr_resp) - 1);
	ck_assert_int_eq(tcp(a.b, a.n), HK_PARSE_OK);
	ck_assert_str_eq(find("fins.controller_model"), "CP1L-EL20DR-D");
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

static bool tshark_fields(const char *pcap, int frame, const char *fields, char *out, size_t outsz)
{
	const char *shared = getenv("HERKOMST_SHARED_DIR");
	char cmd[2048], path[512];
	size_t n;
	FILE *f;

	if (!shared || system("command -v tshark >/dev/null 2>&1") != 0)
		return false;
	snprintf(path, sizeof(path), "%s/pcaps/%s", shared, pcap);
	f = fopen(path, "rb");
	if (!f)
		return false;
	fclose(f);
	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -Y 'frame.number==%d' -T fields %s 2>/dev/null", path, frame,
		 fields);
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

static void hex_of(const uint8_t *b, size_t n, char *out, size_t outsz)
{
	for (size_t k = 0; k < n && 2 * k + 2 < outsz; k++)
		snprintf(out + 2 * k, outsz - 2 * k, "%02x", b[k]);
}

START_TEST(test_against_tshark)
{
	char line[4096], hex[1024], want[2048];

	if (!tshark_fields("iti_omron_test.pcap", 18,
			   "-e udp.payload -e omron.sa1 -e omron.da1 -e omron.controller.model -e omron.controller.version",
			   line, sizeof(line)))
		return; /* no tshark or no captures here: nothing to compare */
	hex_of(cdr_resp, sizeof(cdr_resp) - 1, hex, sizeof(hex));
	snprintf(want, sizeof(want), "%s\t0xc8\t0x63\tCP1L-EL20DR-D\t01.00", hex);
	ck_assert_msg(strcmp(line, want) == 0, "tshark '%s', we expect '%s'", line, want);
	ck_assert_int_eq(udp(VEC(cdr_resp)), HK_PARSE_OK);
	ck_assert_str_eq(find("fins.controller_model"), "CP1L-EL20DR-D");
	ck_assert_str_eq(find("fins.controller_version"), "01.00");

	ck_assert(tshark_fields("iti_omron_test.pcap", 7,
				"-e omron.tcp.client_node_address -e omron.tcp.server_node_address", line, sizeof(line)));
	ck_assert_str_eq(line, "251\t200");
	ck_assert(tshark_fields("iti_omron_test.pcap", 9, "-e tcp.payload", line, sizeof(line)));
	hex_of(tcp_srv + 24, sizeof(tcp_srv) - 1 - 24, hex, sizeof(hex));
	ck_assert_str_eq(line, hex);
}
END_TEST

static Suite *fins_suite(void)
{
	Suite *s = suite_create("proto_fins");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_checked_fixture(tc, NULL, teardown);
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
	tcase_add_checked_fixture(ts, NULL, teardown);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fins_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
