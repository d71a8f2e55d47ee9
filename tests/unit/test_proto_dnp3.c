/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNP3 parser (src/proto/dnp3.c): real link frames from the shared
 * captures with their exact observations, the largest frame, every
 * truncated prefix, header CRCs that are wrong, lengths that lie or are
 * below the minimum, frames and addresses at their MAX and MAX+1, a stream
 * joined in the middle of a frame, reserved addresses, not-DNP3 input.
 * Every input is an exactly-sized heap copy, so a one-byte over-read is an
 * AddressSanitizer report. Where tshark and the captures are at hand, the
 * same frames are compared with tshark's reading (source, DIR, header CRC).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define DNP3_FRAMES_MAX 16 /* as in src/proto/dnp3.c */
#define DNP3_ADDRS_MAX 4
#define DNP3_RESYNC_MAX 292

/*
 * iti_read_and_response.pcap frame 4, TCP 50594 -> 20000: the master's
 * class 0123 read. tshark: len 20, control 0xc4, destination 10, source 1,
 * header CRC 0xed8f.
 */
static const uint8_t read_req[] =
	/* start 05 64; LEN 20 (0x14): CTRL, DEST, SRC and 15 bytes of user data */
	"\x05\x64" "\x14"
	/* CTRL 0xc4: DIR 1 (from the master), PRM 1, function 4 (unconfirmed user data) */
	"\xc4"
	/* DEST 10, SRC 1 (little-endian), header CRC 0xed8f (LE) */
	"\x0a\x00" "\x01\x00" "\x8f\xed"
	/* one block of 15 bytes: transport c0, application c0 01 (read), objects
	 * 60/2, 60/3, 60/4, 60/1 all (qualifier 06); then its CRC */
	"\xc0\xc0\x01\x3c\x02\x06\x3c\x03\x06\x3c\x04\x06\x3c\x01\x06" "\x8a\x51";

/*
 * iti_read_and_response.pcap frame 8, 20000 -> 50594: the outstation's
 * last response fragment. tshark: len 26, control 0x44, destination 1,
 * source 10, header CRC 0x5daf.
 */
static const uint8_t read_resp[] =
	/* LEN 26, CTRL 0x44: DIR 0 (from the outstation), PRM 1, function 4 */
	"\x05\x64\x1a\x44"
	/* DEST 1, SRC 10, header CRC */
	"\x01\x00\x0a\x00\xaf\x5d"
	/* 21 bytes of user data: a block of 16 + CRC, a block of 5 + CRC */
	"\x94\x02\x00\x00\x00\x00\x02\x00\x00\x00\x00\x02\x00\x00\x00\x00" "\x66\x42"
	"\x02\x00\x00\x00\x00" "\xf3\xb9";

/*
 * iti_read_and_response.pcap frame 6, 20000 -> 50594: a frame of the
 * largest size (LEN 255: 250 bytes of user data in 15 blocks of 16 and one
 * of 10, 292 bytes). tshark: control 0x44, destination 1, source 10,
 * header CRC 0xeb5a.
 */
static const char max_frame_hex[] =
	"0564ff4401000a005aeb53c081000001020000090202020202022d3a02020202"
	"03020000090202020202020270da02020214010000090200000000020000e30b"
	"000002000000000200000000020000004dba0002000000000200000000020000"
	"00007eae02000000000200000000150100000902d34200000000020000000002"
	"00000000020069ce00000002000000000200000000020000dd5e000002000000"
	"000200000000020000004dba001e0100000902000000000200000000cd630200"
	"0000000200000000020000000002f00300000000020000000002000000000200"
	"69ce00000002000000000a020000090202021710020202020202022801000009"
	"0200000058e4000200000000020000000002000000007eae0200000000020000"
	"00004e72";

/*
 * zeek_dnp3_udp_read.pcap frames 1 and 2, UDP: link-layer frames without
 * user data (LEN 5). Frame 1, 20000 -> 1128: CTRL 0x49 (DIR 0, PRM 1,
 * request link status), DEST 100, SRC 1. Frame 2, 1128 -> 20000: CTRL 0x8b
 * (DIR 1, PRM 0, link status), DEST 1, SRC 100.
 */
static const uint8_t link_status_req[] = "\x05\x64\x05\x49" "\x64\x00\x01\x00" "\x7e\x5f";
static const uint8_t link_status[] = "\x05\x64\x05\x8b" "\x01\x00\x64\x00" "\xa0\x97";

/* ndpi_dnp3.pcap frame 55, 2803 -> 20000: a frame whose start octets are
 * 05 05 (tshark does not call it DNP3) */
static const uint8_t bad_start[] = "\x05\x05\x11\xc4\x04\x00\x03\x00\x46\xa2\xc2\xc2\x14\x3c\x02\x06\x3c\x03\x06"
				   "\x3c\x04\x06\xd3\x2f";


static struct pc_result res;
static const struct hk_parse_ctx tcp_ctx = {.l4 = 6, .sport = 50594, .dport = 20000, .client_known = true,
					     .from_client = true, .ndpi = "DNP3"};
static const struct hk_parse_ctx udp_ctx = {.l4 = 17, .sport = 20000, .dport = 1128, .ndpi = ""};

static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_dnp3_parse, bytes, n, ctx, &res);
}

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &tcp_ctx);
}

#define EXPECT(i, val_src, val) PC_EXPECT(&res, i, HK_OBS_RAW, HK_SIDE_SRC, 50, val_src, val)

/* ---- a frame builder for the synthetic cases ----------------------------- */

/* CRC-16/DNP (IEEE 1815-2012 9.2.5), written from the polynomial: x^16 +
 * x^13 + x^12 + x^11 + x^10 + x^8 + x^6 + x^5 + x^2 + 1 (0x3d65), bits
 * taken least significant first, the result complemented. */
static uint16_t crc_dnp(const uint8_t *p, size_t n)
{
	uint16_t crc = 0;
	const uint16_t rev = 0xa6bc; /* 0x3d65 bit-reversed */

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (uint16_t)((crc & 1) ? (crc >> 1) ^ rev : crc >> 1);
	}
	return (uint16_t)~crc;
}

static void put_crc(struct pc_buf *p, const uint8_t *from, size_t n)
{
	uint16_t crc = crc_dnp(from, n);
	uint8_t le[2] = {(uint8_t)crc, (uint8_t)(crc >> 8)};

	pc_put(p, le, 2);
}

/* a whole frame with len_octet (may lie) and n bytes of user data, right CRCs */
static void frame_raw(struct pc_buf *p, uint8_t len_octet, uint8_t ctrl, uint16_t dest, uint16_t src,
		      const uint8_t *data, size_t n)
{
	size_t at = p->n;
	uint8_t h[8] = {0x05, 0x64, len_octet, ctrl, (uint8_t)dest, (uint8_t)(dest >> 8), (uint8_t)src,
			(uint8_t)(src >> 8)};

	pc_put(p, h, 8);
	put_crc(p, p->b + at, 8);
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off < 16 ? n - off : 16;
		size_t block = p->n;

		pc_put(p, data + off, k);
		put_crc(p, p->b + block, k);
	}
}

static void frame(struct pc_buf *p, uint8_t ctrl, uint16_t dest, uint16_t src, const uint8_t *data, size_t n)
{
	frame_raw(p, (uint8_t)(5 + n), ctrl, dest, src, data, n);
}

START_TEST(test_master_request)
{
	ck_assert_int_eq(run(VEC(read_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "master");
	EXPECT(1, "dnp3.address", "1");
}
END_TEST

START_TEST(test_outstation_response)
{
	ck_assert_int_eq(run(VEC(read_resp)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "outstation");
	EXPECT(1, "dnp3.address", "10");
}
END_TEST

START_TEST(test_max_frame)
{
	uint8_t b[400];
	size_t n = pc_unhex(max_frame_hex, b, sizeof(b));

	ck_assert_uint_eq(n, 292);
	ck_assert_int_eq(run(b, n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "outstation");
	EXPECT(1, "dnp3.address", "10");
}
END_TEST

START_TEST(test_link_frames_udp)
{
	struct pc_buf p = {.n = 0};

	/* the link status request comes from the outstation though it is primary */
	ck_assert_int_eq(run_ctx(VEC(link_status_req), &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "outstation");
	EXPECT(1, "dnp3.address", "1");
	/* the master's secondary answer */
	ck_assert_int_eq(run_ctx(VEC(link_status), &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "master");
	EXPECT(1, "dnp3.address", "100");

	/* two frames of one sender in one datagram: said once */
	pc_put(&p, VEC(read_resp));
	pc_put(&p, VEC(read_resp));
	ck_assert_int_eq(run_ctx(p.b, p.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
}
END_TEST

/*
 * Every prefix of each real frame, in an exactly-sized buffer: TRUNCATED
 * (the frame is not whole yet) and nothing said.
 */
START_TEST(test_truncated_prefixes)
{
	uint8_t big[400];
	size_t n_big = pc_unhex(max_frame_hex, big, sizeof(big));
	const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {{VEC(read_req)}, {VEC(read_resp)}, {big, n_big}, {VEC(link_status_req)}, {VEC(link_status)}};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		ck_assert_int_eq(run(vec[v].b, vec[v].n), HK_PARSE_OK);
		pc_every_prefix(proto_dnp3_parse, vec[v].b, vec[v].n, &tcp_ctx, PC_TRUNCATED, false, "vector %zu", v);
	}
}
END_TEST

/* ---- CRC and lengths ----------------------------------------------------- */

START_TEST(test_crc)
{
	uint8_t b[sizeof(read_req)];

	/* the builder's CRC agrees with the captures' */
	ck_assert_uint_eq(crc_dnp(read_req, 8), 0xed8f);
	ck_assert_uint_eq(crc_dnp(read_resp, 8), 0x5daf);
	ck_assert_uint_eq(crc_dnp(link_status, 8), 0x97a0);
	/* any bit flipped in LEN, CTRL, DEST, SRC or the CRC: MALFORMED, nothing said */
	for (size_t i = 2; i < 10; i++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(b, read_req, sizeof(b));
			b[i] ^= (uint8_t)(1u << bit);
			ck_assert_int_eq(run(b, sizeof(b) - 1), HK_PARSE_MALFORMED);
			ck_assert_uint_eq(res.sink.n, 0);
		}
	}
	/* data block CRCs are not what identity rests on: a wrong one is let be */
	memcpy(b, read_req, sizeof(b));
	b[sizeof(read_req) - 2] ^= 0xff;
	ck_assert_int_eq(run(b, sizeof(b) - 1), HK_PARSE_OK);
}
END_TEST

START_TEST(test_lengths)
{
	struct pc_buf p = {.n = 0};
	uint8_t data[250];

	memset(data, 0x5a, sizeof(data));
	/* LEN below 5, with a right CRC */
	for (unsigned len = 0; len < 5; len++) {
		p.n = 0;
		frame_raw(&p, (uint8_t)len, 0xc4, 10, 1, NULL, 0);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 0);
	}
	/* LEN 255 with only one block there: waits for the rest */
	p.n = 0;
	frame_raw(&p, 255, 0xc4, 10, 1, data, 16);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* block sizes at the edges: 16 bytes (one full block), 17 (a block of one more) */
	for (size_t n = 0; n <= 250; n++) {
		p.n = 0;
		frame(&p, 0x44, 1, 7, data, n);
		ck_assert_uint_eq(p.n, 10 + n + 2 * ((n + 15) / 16));
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 2);
		ck_assert_int_eq(run(p.b, p.n - 1), HK_PARSE_TRUNCATED);
	}
	/* a LEN smaller than the data there: the next frame starts too early */
	p.n = 0;
	frame_raw(&p, 6, 0xc4, 10, 1, data, 16);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 2); /* the first frame (LEN 6) was whole and right */
}
END_TEST

/* ---- several frames ------------------------------------------------------ */

START_TEST(test_frames_and_addresses)
{
	struct pc_buf p = {.n = 0};

	/* MAX + 1 distinct source addresses: MAX said */
	for (uint16_t a = 1; a <= DNP3_ADDRS_MAX + 1; a++)
		frame(&p, 0xc0, 10, a, NULL, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1 + DNP3_ADDRS_MAX);
	EXPECT(0, "dnp3.role", "master");
	EXPECT(1, "dnp3.address", "1");
	EXPECT(DNP3_ADDRS_MAX, "dnp3.address", "4");

	/* the MAXth frame is read, the one after it not */
	p.n = 0;
	for (int i = 0; i < DNP3_FRAMES_MAX - 1; i++)
		frame(&p, 0xc0, 10, 1, NULL, 0);
	frame(&p, 0x40, 1, 10, NULL, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(2, "dnp3.role", "outstation");
	p.n = 0;
	for (int i = 0; i < DNP3_FRAMES_MAX; i++)
		frame(&p, 0xc0, 10, 1, NULL, 0);
	frame(&p, 0x40, 1, 10, NULL, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);

	/* reserved and broadcast source addresses: the role alone */
	p.n = 0;
	frame(&p, 0xc0, 10, 0xfffd, NULL, 0);
	frame(&p, 0xc0, 10, 0xfff0, NULL, 0);
	frame(&p, 0xc0, 0xffff, 0xffef, NULL, 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "master");
	EXPECT(1, "dnp3.address", "65519");

	/* a second frame cut short: the first is said, OK */
	p.n = 0;
	pc_put(&p, VEC(read_req));
	pc_put(&p, read_resp, 20);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	/* a second frame with a wrong CRC, or not a frame: MALFORMED, the first said */
	p.n = 0;
	pc_put(&p, VEC(read_req));
	pc_put(&p, VEC(read_resp));
	p.b[sizeof(read_req) - 1 + 5] ^= 1;
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "master");
	p.n = 0;
	pc_put(&p, VEC(read_req));
	pc_put(&p, "\x00\x01\x02\x03", 4);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 2);
}
END_TEST

/* ---- joined in the middle ------------------------------------------------ */

START_TEST(test_resync)
{
	struct pc_buf p = {.n = 0};
	uint8_t junk[DNP3_RESYNC_MAX + 1];

	/* the tail of an earlier frame, then a whole one */
	pc_put(&p, read_resp + 20, sizeof(read_resp) - 1 - 20);
	pc_put(&p, VEC(read_req));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "master");

	/* a "05 64" with a wrong CRC on the way is not taken for a start */
	p.n = 0;
	pc_put(&p, "\x00\x05\x64\x05\xc4\x0a\x00\x01\x00\x00\x00\x11", 12);
	pc_put(&p, VEC(read_resp));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, "dnp3.role", "outstation");

	/* a start right at DNP3_RESYNC_MAX is found, one byte later not */
	memset(junk, 0xaa, sizeof(junk));
	p.n = 0;
	pc_put(&p, junk, DNP3_RESYNC_MAX);
	pc_put(&p, VEC(read_req));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	p.n = 0;
	pc_put(&p, junk, DNP3_RESYNC_MAX + 1);
	pc_put(&p, VEC(read_req));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);

	/* a found start whose frame is not whole yet */
	p.n = 0;
	pc_put(&p, "\x11\x22", 2);
	pc_put(&p, read_req, 15);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- not DNP3 ------------------------------------------------------------ */

START_TEST(test_nomatch)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: rtu\r\n\r\n";
	static const uint8_t modbus[] = "\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a";

	ck_assert_int_eq(run(http, sizeof(http) - 1), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run(VEC(modbus)), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run(VEC(bad_start)), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\x06", 1), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\x05\x65", 2), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* too little to tell */
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("\x05", 1), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- against tshark ------------------------------------------------------ */

START_TEST(test_against_tshark)
{
	static const struct {
		const char *pcap;
		int frame;
		const char *payload_field;
	} cmp[] = {
		{"iti_read_and_response.pcap", 4, "tcp.payload"}, {"iti_read_and_response.pcap", 6, "tcp.payload"},
		{"iti_read_and_response.pcap", 8, "tcp.payload"}, {"zeek_dnp3_udp_read.pcap", 1, "udp.payload"},
		{"zeek_dnp3_udp_read.pcap", 2, "udp.payload"},    {"zeek_dnp3_udp_read.pcap", 14, "udp.payload"},
	};
	char line[4096], fields[256], want[128];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		uint8_t b[2048];
		size_t n;
		char *tab, *dir, *src, *crc;

		snprintf(fields, sizeof(fields), "-T fields -e %s -e dnp3.ctl.dir -e dnp3.src -e dnp3.hdr.CRC",
			 cmp[i].payload_field);
		if (!pc_tshark_frame(cmp[i].pcap, cmp[i].frame, fields, line, sizeof(line)))
			return; /* no tshark or no captures here: nothing to compare */
		tab = strchr(line, '\t');
		ck_assert_ptr_nonnull(tab);
		*tab = '\0';
		dir = tab + 1;
		src = strchr(dir, '\t');
		ck_assert_ptr_nonnull(src);
		*src++ = '\0';
		crc = strchr(src, '\t');
		ck_assert_ptr_nonnull(crc);
		*crc++ = '\0';
		n = pc_unhex(line, b, sizeof(b));
		snprintf(want, sizeof(want), "0x%04x", crc_dnp(b, 8));
		ck_assert_str_eq(crc, want);
		ck_assert_int_eq(run(b, n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 2);
		EXPECT(0, "dnp3.role", strcmp(dir, "1") == 0 ? "master" : "outstation");
		EXPECT(1, "dnp3.address", src);
	}
}
END_TEST

static Suite *dnp3_suite(void)
{
	Suite *s = suite_create("proto_dnp3");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_master_request);
	tcase_add_test(tc, test_outstation_response);
	tcase_add_test(tc, test_max_frame);
	tcase_add_test(tc, test_link_frames_udp);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_crc);
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_frames_and_addresses);
	tcase_add_test(tc, test_resync);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(dnp3_suite());
}
