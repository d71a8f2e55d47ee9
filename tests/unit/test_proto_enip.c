/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The EtherNet/IP + CIP parser (src/proto/enip.c): a ListIdentity reply and
 * an Identity Get_Attributes_All reply built from the spec (the shared
 * captures hold neither), real SendRRData/SendUnitData frames and implicit
 * I/O from the captures, with their exact observations; every truncated
 * prefix; lying encapsulation, item, name, status and offset lengths; item
 * and service counts at 0, MAX and MAX+1; names with NUL and non-ASCII
 * bytes; not-ENIP input. Every input is an exactly-sized heap copy, so a
 * one-byte over-read is an AddressSanitizer report. Where tshark is at
 * hand, the built messages are written into a capture and compared with
 * tshark's reading; the real frames are compared with the captures.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define ENIP_ITEMS_MAX 8    /* as in src/proto/enip.c */
#define CIP_SERVICES_MAX 64

/*
 * A ListIdentity reply, built byte by byte from CIP Vol. 2 2-4.3 (the shared
 * captures hold none), shaped like a ControlLogix 1756-L61's.
 * tshark 4.0.17 reads it (test_against_tshark): vendor 0x0001, devtype 14,
 * prodcode 54, revision 5131 (0x140b: 20.11), status 0x3060, serial
 * 0x00a1b2c3, name "1756-L61/B LOGIX5561", enip.sinaddr 192.168.1.10.
 */
static const uint8_t list_identity[] =
	/* encapsulation: command 0x0063 ListIdentity, length 60 */
	"\x63\x00" "\x3c\x00"
	/* session handle 0, status 0, sender context 0 x 8, options 0 */
	"\x00\x00\x00\x00" "\x00\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\x00\x00" "\x00\x00\x00\x00"
	/* item count 1; item type 0x000c CIP Identity, length 54 */
	"\x01\x00" "\x0c\x00" "\x36\x00"
	/* encapsulation protocol version 1 */
	"\x01\x00"
	/* socket address (big-endian): sin_family 2, sin_port 44818, 192.168.1.10, sin_zero */
	"\x00\x02" "\xaf\x12" "\xc0\xa8\x01\x0a" "\x00\x00\x00\x00\x00\x00\x00\x00"
	/* vendor 1 (Rockwell), device type 14 (PLC), product code 54 */
	"\x01\x00" "\x0e\x00" "\x36\x00"
	/* revision 20.11, status 0x3060, serial 0x00a1b2c3 */
	"\x14\x0b" "\x60\x30" "\xc3\xb2\xa1\x00"
	/* product name: SHORT_STRING of 20 */
	"\x14" "1756-L61/B LOGIX5561"
	/* state 3 */
	"\x03";

/* The request: ListIdentity with no data (a scanner's broadcast). */
static const uint8_t list_identity_req[] =
	"\x63\x00\x00\x00" "\x00\x00\x00\x00" "\x00\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00";

/*
 * SendRRData carrying Get_Attributes_All to the Identity object (class 1,
 * instance 1), and its reply, built from CIP Vol. 1 2-4 and 5-2 (the shared
 * captures hold no Identity reply). tshark pairs them by sender context and
 * reads the reply as cip.id.*: vendor 0x0001, device type 0x000e, product
 * code 153, revision 30.14, status 0x3060, serial 0x604f8b2c, name
 * "1769-L33ER/A LOGIX5333ER".
 */
static const uint8_t gaa_req[] =
	/* SendRRData, length 22, session 0x12345678, status 0, context 11 x 8, options 0 */
	"\x6f\x00\x16\x00" "\x78\x56\x34\x12" "\x00\x00\x00\x00" "\x11\x11\x11\x11\x11\x11\x11\x11"
	"\x00\x00\x00\x00"
	/* interface handle 0, timeout 0, 2 items: null address; unconnected data of 6 */
	"\x00\x00\x00\x00" "\x00\x00" "\x02\x00" "\x00\x00\x00\x00" "\xb2\x00\x06\x00"
	/* service 0x01, path 2 words: class 0x01, instance 0x01 */
	"\x01\x02\x20\x01\x24\x01";

static const uint8_t gaa_reply[] =
	/* SendRRData, length 59 */
	"\x6f\x00\x3b\x00" "\x78\x56\x34\x12" "\x00\x00\x00\x00" "\x11\x11\x11\x11\x11\x11\x11\x11"
	"\x00\x00\x00\x00"
	/* interface 0, timeout 0, 2 items: null address; unconnected data of 43 */
	"\x00\x00\x00\x00" "\x00\x00" "\x02\x00" "\x00\x00\x00\x00" "\xb2\x00\x2b\x00"
	/* service 0x81, reserved, general status 0, no additional status */
	"\x81\x00\x00\x00"
	/* vendor 1, device type 14, product code 153, revision 30.14 */
	"\x01\x00" "\x0e\x00" "\x99\x00" "\x1e\x0e"
	/* status 0x3060, serial 0x604f8b2c, name of 24 */
	"\x60\x30" "\x2c\x8b\x4f\x60" "\x18" "1769-L33ER/A LOGIX5333ER";

/*
 * iti_EthernetIP-CIP.pcap frame 29 (141.81.0.10 -> .63, TCP 52593 ->
 * 44818): SendRRData, an Unconnected Send (0x52) to the Connection Manager
 * wrapping Get_Attributes_All (0x01) to class 0xAC instance 1.
 */
static const uint8_t iti_29[] =
	"\x6f\x00\x26\x00\x00\x05\x02\x13\x00\x00\x00\x00\x6a\xc0\xbe\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x14\x00\x02\x00\x00\x00\x00\x00\xb2\x00\x16\x00\x52\x02\x20\x06\x24\x01\x07\xe9"
	"\x08\x00\x01\x02\x20\xac\x24\x01\x01\x00\x01\x00\x01\x00";

/*
 * iti_EthernetIP-CIP.pcap frame 31, the reply (44818 -> 52593): 32 bytes of
 * class 0xAC attributes. Read as Identity its "name length" would be 0xe8,
 * past the data: not identity, only the server role is said.
 */
static const uint8_t iti_31[] =
	"\x6f\x00\x34\x00\x00\x05\x02\x13\x00\x00\x00\x00\x6a\xc0\xbe\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x14\x00\x02\x00\x00\x00\x00\x00\xb2\x00\x24\x00"
	"\x81\x00\x00\x00"
	"\xe8\x00\x01\x00\xe3\x02\xb2\xa4\xc1\xd1\xaf\xa4\x00\x00\xe8\x03\x02\x00\x00\x00\x94\x53\xd3\x3d"
	"\x01\x00\x01\x00\xe2\xfc\x20\x30";

/*
 * iti_EthernetIP-CIP.pcap frame 10097 (141.81.0.63:44818 -> .10): SendUnitData,
 * connected address 0x8000c68d, connected data with sequence 0x4b58: a
 * Multiple Service Packet reply of 1 service at offset 4, a 0x4e reply.
 */
static const uint8_t iti_10097[] =
	"\x70\x00\x22\x00\x00\x05\x02\x13\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x02\x00\xa1\x00\x04\x00\x8d\xc6\x00\x80\xb1\x00\x0e\x00\x58\x4b"
	"\x8a\x00\x00\x00" "\x01\x00" "\x04\x00" "\xce\x00\x00\x00";

/* iti_EthernetIP-CIP.pcap frame 10011 (.10:62717 -> 44818): the request side,
 * a Multiple Service Packet of 2 requests (0x01 to class 0x72 and a 0x4c) */
static const uint8_t iti_10011[] =
	"\x70\x00\x2c\x00\x00\x01\x02\x10\x00\x00\x00\x00\x03\xad\x93\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x0a\x00\x02\x00\xa1\x00\x04\x00\x01\x03\x8b\x00\xb1\x00\x18\x00\x60\xee"
	"\x0a\x02\x20\x02\x24\x01\x01\x00\x04\x00\x4c\x02\x20\x72\x24\x00\x9c\x67\x07\x00\x09\x00";

/* iti_cip_stop_plc.pcap frame 1 (49271 -> 44818): SendUnitData, a 0x07 (Stop)
 * request to class 0x8e instance 1 */
static const uint8_t stop_plc[] =
	"\x70\x00\x1c\x00\x01\x00\x2a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x01\x00\x02\x00\xa1\x00\x04\x00\x22\x40\x95\xff\xb1\x00\x08\x00\x06\x01\x07\x02"
	"\x20\x8e\x24\x01";

/* icsnpp-enip_set_attribute_single_service_cip.pcapng frame 1 (37844 -> 44818):
 * Set_Attribute_Single (0x10) to class 1 instance 0 */
static const uint8_t set_attr[] =
	"\x70\x00\x1c\x00\xf4\xff\xca\xb4\x00\x00\x00\x00\x5f\x70\x79\x63\x6f\x6d\x6d\x5f\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x0a\x00\x02\x00\xa1\x00\x04\x00\xba\x62\x9a\xda\xb1\x00\x08\x00\x0d\x00"
	"\x10\x02\x20\x01\x24\x00";

/* ndpi_cip_io.pcap frame 1 (UDP 2222 -> 2222): sequenced address item
 * (connection 0x003a7b78, sequence 0x045ecbe8) and 12 bytes of I/O data */
static const uint8_t cip_io[] =
	"\x02\x00" "\x02\x80\x08\x00\x78\x7b\x3a\x00\xe8\xcb\x5e\x04"
	"\xb1\x00\x0c\x00\x03\x00\xfd\xff\xff\xff\xff\xff\xff\xff\x00\x00";


static struct pc_result res;

static const struct hk_parse_ctx udp_ctx = {
	.l4 = 17, .sport = 44818, .dport = 50000, .from_client = false, .client_known = true, .ndpi = ""};
static const struct hk_parse_ctx tcp_srv = {
	.l4 = 6, .sport = 44818, .dport = 52593, .from_client = false, .client_known = true, .ndpi = "EthernetIP"};
static const struct hk_parse_ctx tcp_cli = {
	.l4 = 6, .sport = 52593, .dport = 44818, .from_client = true, .client_known = true, .ndpi = "EthernetIP"};
static const struct hk_parse_ctx io_ctx = {.l4 = 17, .sport = 2222, .dport = 2222, .ndpi = ""};

static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_enip_parse, bytes, n, ctx, &res);
}

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &tcp_srv);
}

#define EXPECT(i, k, conf, src, val) PC_EXPECT(&res, i, k, HK_SIDE_SRC, conf, src, val)

/* ---- a message builder for the synthetic cases -------------------------- */

struct msg {
	uint8_t b[8192];
	size_t n;
	size_t len_at; /* the encapsulation length */
};

static void put(struct msg *m, const void *v, size_t n)
{
	ck_assert_uint_le(n, sizeof(m->b) - m->n);
	memcpy(m->b + m->n, v, n);
	m->n += n;
}

static void put_u8(struct msg *m, uint8_t v)
{
	put(m, &v, 1);
}

static void put_le16(struct msg *m, uint16_t v)
{
	put_u8(m, (uint8_t)v);
	put_u8(m, (uint8_t)(v >> 8));
}

static void set_le16(struct msg *m, size_t at, uint16_t v)
{
	m->b[at] = (uint8_t)v;
	m->b[at + 1] = (uint8_t)(v >> 8);
}

/* an encapsulation header with the length left open */
static void begin(struct msg *m, uint16_t cmd)
{
	m->n = 0;
	put_le16(m, cmd);
	m->len_at = m->n;
	put(m, "\x00\x00" "\x00\x00\x00\x00" "\x00\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\x00\x00"
	       "\x00\x00\x00\x00", 22);
}

static void finish(struct msg *m)
{
	set_le16(m, m->len_at, (uint16_t)(m->n - 24));
}

/* a CIP Identity item (type 0x0c) with this name */
static void identity_item(struct msg *m, const void *name, uint8_t n)
{
	put_le16(m, 0x0c);
	put_le16(m, (uint16_t)(34 + n));
	put(m, "\x01\x00" "\x00\x02\xaf\x12\x0a\x00\x00\x07" "\x00\x00\x00\x00\x00\x00\x00\x00", 18);
	put(m, "\x2f\x00" "\x0c\x00" "\x05\x00" "\x02\x01" "\x00\x00" "\x78\x56\x34\x12", 14);
	put_u8(m, n);
	put(m, name, n);
	put_u8(m, 3);
}

/* SendRRData with one unconnected data item holding cip (n bytes) */
static void rr_data(struct msg *m, const void *cip, size_t n)
{
	begin(m, 0x6f);
	put(m, "\x00\x00\x00\x00" "\x00\x00" "\x02\x00" "\x00\x00\x00\x00", 12);
	put_le16(m, 0xb2);
	put_le16(m, (uint16_t)n);
	put(m, cip, n);
	finish(m);
}

/* Identity attributes 1..7 (name n bytes) */
static size_t identity_attrs(uint8_t *b, const char *name, uint8_t n, uint8_t major)
{
	static const uint8_t fixed[] = {0x01, 0x00, 0x0e, 0x00, 0x99, 0x00, 0x00, 0x0e, 0x60, 0x30, 0x2c, 0x8b, 0x4f, 0x60};

	memcpy(b, fixed, sizeof(fixed));
	b[6] = major;
	b[14] = n;
	memcpy(b + 15, name, n);
	return 15u + n;
}

/* ---- built from the spec ------------------------------------------------- */

START_TEST(test_list_identity)
{
	ck_assert_int_eq(run_ctx(VEC(list_identity), &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 10);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "server");
	EXPECT(1, HK_OBS_IP, 80, "enip.socket_addr", "192.168.1.10");
	EXPECT(2, HK_OBS_RAW, 50, "enip.vendor_id", "1");
	EXPECT(3, HK_OBS_RAW, 50, "enip.device_type", "14");
	EXPECT(4, HK_OBS_ROLE, 80, "enip.device_type", "plc");
	EXPECT(5, HK_OBS_RAW, 50, "enip.product_code", "54");
	EXPECT(6, HK_OBS_FIRMWARE, 85, "enip.revision", "20.11");
	EXPECT(7, HK_OBS_RAW, 50, "enip.status", "0x3060");
	EXPECT(8, HK_OBS_SERIAL, 90, "enip.serial", "0x00a1b2c3");
	EXPECT(9, HK_OBS_MODEL, 90, "enip.product_name", "1756-L61/B LOGIX5561");

	/* the same on TCP (one framed message) */
	ck_assert_int_eq(run(VEC(list_identity)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 10);

	/* the request: a client */
	ck_assert_int_eq(run_ctx(VEC(list_identity_req), &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "client");
}
END_TEST

START_TEST(test_get_attributes_all)
{
	ck_assert_int_eq(run(VEC(gaa_reply)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "enip.cip.vendor_id", "1");
	EXPECT(2, HK_OBS_RAW, 50, "enip.cip.device_type", "14");
	EXPECT(3, HK_OBS_ROLE, 70, "enip.cip.device_type", "plc");
	EXPECT(4, HK_OBS_RAW, 50, "enip.cip.product_code", "153");
	EXPECT(5, HK_OBS_FIRMWARE, 75, "enip.cip.revision", "30.14");
	EXPECT(6, HK_OBS_RAW, 50, "enip.cip.status", "0x3060");
	EXPECT(7, HK_OBS_SERIAL, 80, "enip.cip.serial", "0x604f8b2c");
	EXPECT(8, HK_OBS_MODEL, 80, "enip.cip.product_name", "1769-L33ER/A LOGIX5333ER");

	ck_assert_int_eq(run_ctx(VEC(gaa_req), &tcp_cli), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "client");
}
END_TEST

/* What makes a Get_Attributes_All reply the Identity object's, and what not. */
START_TEST(test_identity_layout)
{
	struct msg m;
	uint8_t cip[128] = {0x81, 0x00, 0x00, 0x00};
	size_t n;

	/* trailing attributes 8 (1 byte), 8..9 (3) and 8..10 (4): still identity */
	static const size_t ok_tails[] = {0, 1, 3, 4};
	for (size_t i = 0; i < 4; i++) {
		n = 4 + identity_attrs(cip + 4, "HMI-1", 5, 3);
		memset(cip + n, 0, ok_tails[i]);
		rr_data(&m, cip, n + ok_tails[i]);
		ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 9);
		EXPECT(8, HK_OBS_MODEL, 80, "enip.cip.product_name", "HMI-1");
	}
	/* 2 or 5 trailing bytes: not a layout of the Identity object */
	static const size_t bad_tails[] = {2, 5, 40};
	for (size_t i = 0; i < 3; i++) {
		n = 4 + identity_attrs(cip + 4, "HMI-1", 5, 3);
		memset(cip + n, 0, bad_tails[i]);
		rr_data(&m, cip, n + bad_tails[i]);
		ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 1);
	}
	/* major revision 0 or 128: not identity */
	n = 4 + identity_attrs(cip + 4, "HMI-1", 5, 0);
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	n = 4 + identity_attrs(cip + 4, "HMI-1", 5, 128);
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* an empty or unprintable name: not identity */
	n = 4 + identity_attrs(cip + 4, "", 0, 3);
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	n = 4 + identity_attrs(cip + 4, "AB\x00" "C", 4, 3);
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* 14 bytes only: no name length */
	n = 4 + identity_attrs(cip + 4, "", 0, 3) - 1;
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* an error reply (general status 0x08, service not supported): nothing but the role */
	n = 4 + identity_attrs(cip + 4, "HMI-1", 5, 3);
	cip[2] = 0x08;
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	cip[2] = 0;
	/* additional status words are skipped: | 81 00 00 01 | 2 bytes | data | */
	{
		uint8_t x[128] = {0x81, 0x00, 0x00, 0x01, 0xaa, 0xbb};
		n = 6 + identity_attrs(x + 6, "HMI-1", 5, 3);
		rr_data(&m, x, n);
		ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 9);
	}
	/* a Get_Attribute_Single reply (0x8e) of the same bytes: never read as identity */
	n = 4 + identity_attrs(cip + 4, "HMI-1", 5, 3);
	cip[0] = 0x8e;
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* a device profile that names no role (0x0c communications adapter) */
	cip[0] = 0x81;
	n = 4 + identity_attrs(cip + 4, "1734-AENT", 9, 3);
	cip[6] = 0x0c;
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 8);
	EXPECT(2, HK_OBS_RAW, 50, "enip.cip.device_type", "12");
	EXPECT(3, HK_OBS_RAW, 50, "enip.cip.product_code", "153");
	/* 0x18 HMI and 0x2c managed switch do */
	cip[6] = 0x18;
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	EXPECT(3, HK_OBS_ROLE, 70, "enip.cip.device_type", "hmi");
	cip[6] = 0x2c;
	rr_data(&m, cip, n);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	EXPECT(3, HK_OBS_ROLE, 70, "enip.cip.device_type", "switch");
}
END_TEST

/* ---- real frames --------------------------------------------------------- */

START_TEST(test_real_frames)
{
	ck_assert_int_eq(run_ctx(VEC(iti_29), &tcp_cli), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "client");

	/* a Get_Attributes_All reply of class 0xAC: not the Identity layout */
	ck_assert_int_eq(run(VEC(iti_31)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "server");

	ck_assert_int_eq(run(VEC(iti_10097)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "server");

	ck_assert_int_eq(run_ctx(VEC(iti_10011), &tcp_cli), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "client");

	ck_assert_int_eq(run_ctx(VEC(stop_plc), &tcp_cli), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "client");

	ck_assert_int_eq(run_ctx(VEC(set_attr), &tcp_cli), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "client");
}
END_TEST

START_TEST(test_implicit_io)
{
	struct hk_parse_ctx other = io_ctx;

	ck_assert_int_eq(run_ctx(VEC(cip_io), &io_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* from an ephemeral port to 2222 too */
	other.sport = 50123;
	ck_assert_int_eq(run_ctx(VEC(cip_io), &other), HK_PARSE_OK);
	/* not CPF on 2222: no item, or a first item that is no address item */
	ck_assert_int_eq(run_ctx("\x00\x00\x02\x80", 4, &io_ctx), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run_ctx("GET / HTTP/1.0\r\n", 16, &io_ctx), HK_PARSE_NOMATCH);
	/* an item longer than the datagram */
	ck_assert_int_eq(run_ctx("\x02\x00\x02\x80\x08\x00\x01\x02", 8, &io_ctx), HK_PARSE_TRUNCATED);
	/* 2222 on TCP is not implicit I/O: read as encapsulation, which it is not */
	other = io_ctx;
	other.l4 = 6;
	ck_assert_int_eq(run_ctx(VEC(cip_io), &other), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/*
 * Every prefix of each message, in an exactly-sized buffer: never OK, and
 * nothing said.
 */
START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
		const struct hk_parse_ctx *ctx;
	} vec[] = {
		{VEC(list_identity), &udp_ctx}, {VEC(list_identity_req), &udp_ctx}, {VEC(gaa_req), &tcp_cli},
		{VEC(gaa_reply), &tcp_srv},     {VEC(iti_29), &tcp_cli},            {VEC(iti_31), &tcp_srv},
		{VEC(iti_10097), &tcp_srv},     {VEC(iti_10011), &tcp_cli},         {VEC(stop_plc), &tcp_cli},
		{VEC(set_attr), &tcp_cli},      {VEC(cip_io), &io_ctx},
	};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		ck_assert_int_eq(run_ctx(vec[v].b, vec[v].n, vec[v].ctx), HK_PARSE_OK);
		pc_every_prefix(proto_enip_parse, vec[v].b, vec[v].n, vec[v].ctx, PC_TRUNCATED, false, "vector %zu", v);
	}
}
END_TEST

/* ---- lengths that lie ---------------------------------------------------- */

START_TEST(test_lying_lengths)
{
	struct msg m;
	uint8_t b[256];

	/* the encapsulation length says more than the datagram holds */
	memcpy(b, list_identity, sizeof(list_identity) - 1);
	b[2] = 0x3d;
	ck_assert_int_eq(run_ctx(b, sizeof(list_identity) - 1, &udp_ctx), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* ... or less: the item no longer fits in it */
	b[2] = 0x3b;
	ck_assert_int_eq(run_ctx(b, sizeof(list_identity) - 1, &udp_ctx), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the item length says more than the message */
	memcpy(b, list_identity, sizeof(list_identity) - 1);
	b[28] = 0x37;
	ck_assert_int_eq(run_ctx(b, sizeof(list_identity) - 1, &udp_ctx), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the item is shorter than the identity in it (name cut) */
	begin(&m, 0x63);
	put_le16(&m, 1);
	identity_item(&m, "PLC", 3);
	set_le16(&m, 28, 33 + 2); /* name length 3, room for 2 */
	m.n = 24 + 6 + 35;
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the state byte missing: tolerated */
	begin(&m, 0x63);
	put_le16(&m, 1);
	identity_item(&m, "PLC", 3);
	set_le16(&m, 28, 33 + 3);
	m.n--;
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9); /* role, IP, vendor, type, product, revision, status, serial, name */
	EXPECT(1, HK_OBS_IP, 80, "enip.socket_addr", "10.0.0.7");
	EXPECT(2, HK_OBS_RAW, 50, "enip.vendor_id", "47");
	EXPECT(3, HK_OBS_RAW, 50, "enip.device_type", "12");
	EXPECT(5, HK_OBS_FIRMWARE, 85, "enip.revision", "2.1");
	EXPECT(7, HK_OBS_SERIAL, 90, "enip.serial", "0x12345678");
	EXPECT(8, HK_OBS_MODEL, 90, "enip.product_name", "PLC");
	/* an item count without room for it */
	begin(&m, 0x63);
	put_u8(&m, 1);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_MALFORMED);

	/* the CIP data item longer than the message */
	memcpy(b, gaa_reply, sizeof(gaa_reply) - 1);
	b[38] = 0x2c;
	ck_assert_int_eq(run(b, sizeof(gaa_reply) - 1), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* additional status words past the data */
	rr_data(&m, "\x81\x00\x00\x05\x00\x00", 6);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a request path past the data */
	rr_data(&m, "\x01\x03\x20\x01", 4);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* an empty data item */
	rr_data(&m, "", 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	/* a connected data item too short for its sequence count */
	begin(&m, 0x70);
	put(&m, "\x00\x00\x00\x00" "\x00\x00" "\x01\x00" "\xb1\x00\x01\x00\x00", 13);
	finish(&m);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	/* a SendRRData without its interface handle, timeout and count */
	begin(&m, 0x6f);
	put(&m, "\x00\x00\x00", 3);
	finish(&m);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
}
END_TEST

/* A Multiple Service Packet reply whose replies are given (n of them). */
static void msp_reply(struct msg *m, const uint8_t *const *replies, const size_t *lens, size_t n)
{
	uint8_t cip[8192];
	size_t o = 0, off;

	cip[o++] = 0x8a;
	cip[o++] = 0;
	cip[o++] = 0;
	cip[o++] = 0;
	cip[o++] = (uint8_t)n;
	cip[o++] = (uint8_t)(n >> 8);
	off = 2 + 2 * n;
	for (size_t i = 0; i < n; i++) {
		cip[o++] = (uint8_t)off;
		cip[o++] = (uint8_t)(off >> 8);
		off += lens[i];
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(cip + o, replies[i], lens[i]);
		o += lens[i];
	}
	rr_data(m, cip, o);
}

START_TEST(test_multiple_service)
{
	struct msg m;
	uint8_t id[64] = {0x81, 0, 0, 0};
	static const uint8_t tag[] = {0xcc, 0, 0, 0, 0xc4, 0x00, 0x01, 0x00, 0x00, 0x00};
	const uint8_t *rep[CIP_SERVICES_MAX + 1];
	size_t len[CIP_SERVICES_MAX + 1];
	size_t idn = 4 + identity_attrs(id + 4, "1756-EN2T", 9, 5);

	/* a Read Tag reply and an Identity reply: the identity is read */
	rep[0] = tag;
	len[0] = sizeof(tag);
	rep[1] = id;
	len[1] = idn;
	msp_reply(&m, rep, len, 2);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "server");
	EXPECT(8, HK_OBS_MODEL, 80, "enip.cip.product_name", "1756-EN2T");

	/* count 0 */
	msp_reply(&m, rep, len, 0);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* MAX replies, the identity last: read */
	for (int i = 0; i < CIP_SERVICES_MAX; i++) {
		rep[i] = tag;
		len[i] = sizeof(tag);
	}
	rep[CIP_SERVICES_MAX - 1] = id;
	len[CIP_SERVICES_MAX - 1] = idn;
	msp_reply(&m, rep, len, CIP_SERVICES_MAX);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9);
	/* MAX + 1, the identity last: not read */
	rep[CIP_SERVICES_MAX - 1] = tag;
	len[CIP_SERVICES_MAX - 1] = sizeof(tag);
	rep[CIP_SERVICES_MAX] = id;
	len[CIP_SERVICES_MAX] = idn;
	msp_reply(&m, rep, len, CIP_SERVICES_MAX + 1);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* offsets that lie: into the offset table, backwards, past the end */
	rep[0] = tag;
	len[0] = sizeof(tag);
	rep[1] = id;
	len[1] = idn;
	msp_reply(&m, rep, len, 2);
	m.b[24 + 16 + 4 + 2] = 2; /* first offset inside the table */
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	msp_reply(&m, rep, len, 2);
	m.b[24 + 16 + 4 + 4] = 4; /* second offset before the first */
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	msp_reply(&m, rep, len, 2);
	m.b[24 + 16 + 4 + 4] = 0xff; /* second offset past the data */
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	/* a count whose offset table does not fit */
	msp_reply(&m, rep, len, 2);
	m.b[24 + 16 + 4] = 0x40;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* an embedded reply cut short (its additional status size lies) */
	{
		static const uint8_t bad[] = {0xcc, 0, 0, 9};
		rep[0] = bad;
		len[0] = sizeof(bad);
		msp_reply(&m, rep, len, 2);
		ck_assert_int_eq(run(m.b, m.n), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 0);
	}
	/* general status 0x1e (some embedded services failed): the others are read */
	rep[0] = tag;
	len[0] = sizeof(tag);
	msp_reply(&m, rep, len, 2);
	m.b[24 + 16 + 2] = 0x1e;
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9);
	/* a Multiple Service Packet inside one is not read */
	{
		uint8_t inner[128];
		struct msg tmp;
		rep[0] = tag;
		len[0] = sizeof(tag);
		rep[1] = id;
		len[1] = idn;
		msp_reply(&tmp, rep, len, 2);
		memcpy(inner, tmp.b + 40, tmp.n - 40);
		rep[0] = inner;
		len[0] = tmp.n - 40;
		msp_reply(&m, rep, len, 1);
		ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 1);
	}
}
END_TEST

/* ---- counts -------------------------------------------------------------- */

START_TEST(test_item_counts)
{
	struct msg m;

	/* count 0: a reply with nothing in it */
	begin(&m, 0x63);
	put_le16(&m, 0);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "enip.role", "server");

	/* MAX items, the identity last: read */
	begin(&m, 0x63);
	put_le16(&m, ENIP_ITEMS_MAX);
	for (int i = 0; i < ENIP_ITEMS_MAX - 1; i++)
		put(&m, "\x86\x00\x02\x00\x01\x02", 6); /* another item type, skipped */
	identity_item(&m, "PLC", 3);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9); /* device type 12: no role */;

	/* MAX + 1, the identity last: not read */
	begin(&m, 0x63);
	put_le16(&m, ENIP_ITEMS_MAX + 1);
	for (int i = 0; i < ENIP_ITEMS_MAX; i++)
		put(&m, "\x86\x00\x02\x00\x01\x02", 6);
	identity_item(&m, "PLC", 3);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* 65535 announced, one there: the next item is missing */
	begin(&m, 0x63);
	put_le16(&m, 0xffff);
	identity_item(&m, "PLC", 3);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* SendRRData with 0 items */
	begin(&m, 0x6f);
	put(&m, "\x00\x00\x00\x00\x00\x00\x00\x00", 8);
	finish(&m);
	ck_assert_int_eq(run(m.b, m.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- strings ------------------------------------------------------------- */

START_TEST(test_strings)
{
	struct msg m;
	uint8_t big[255];

	/* NUL, non-ASCII and a backslash: escaped */
	begin(&m, 0x63);
	put_le16(&m, 1);
	identity_item(&m, "AB\x00" "C\xe9\\", 6);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9);
	EXPECT(8, HK_OBS_MODEL, 90, "enip.product_name", "AB\\x00C\\xe9\\\\");

	/* an empty name says nothing */
	begin(&m, 0x63);
	put_le16(&m, 1);
	identity_item(&m, "", 0);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 8);

	/* 255 bytes of escapes: cut whole at the value size */
	memset(big, 0xff, sizeof(big));
	begin(&m, 0x63);
	put_le16(&m, 1);
	identity_item(&m, big, 255);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9);
	ck_assert_uint_le(strlen(res.obs[8].value), HK_OBS_VALUE_MAX - 1);
	ck_assert_uint_eq(strlen(res.obs[8].value) % 4, 0);

	/* a socket address that is not a host's (0.0.0.0) or not AF_INET: no IP */
	begin(&m, 0x63);
	put_le16(&m, 1);
	identity_item(&m, "X", 1);
	memset(m.b + 24 + 2 + 4 + 2 + 4, 0, 4);
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 8);
	ck_assert_str_eq(res.obs[1].source, "enip.vendor_id");
	begin(&m, 0x63);
	put_le16(&m, 1);
	identity_item(&m, "X", 1);
	m.b[24 + 2 + 4 + 2 + 1] = 0x17; /* AF_INET6 on Windows */
	finish(&m);
	ck_assert_int_eq(run_ctx(m.b, m.n, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 8);
}
END_TEST

/* ---- not EtherNet/IP ---------------------------------------------------- */

START_TEST(test_not_enip)
{
	uint8_t b[128];

	ck_assert_int_eq(run("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03", 10), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("\x63", 1), HK_PARSE_TRUNCATED);
	/* a known command with options set: the spec has receivers drop it */
	memcpy(b, list_identity_req, 24);
	b[20] = 1;
	ck_assert_int_eq(run_ctx(b, 24, &udp_ctx), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* an error status in the header: a reply that says nothing */
	memcpy(b, list_identity, sizeof(list_identity) - 1);
	b[8] = 0x01;
	ck_assert_int_eq(run_ctx(b, sizeof(list_identity) - 1, &udp_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* RegisterSession, ListServices, NOP: understood, nothing said */
	ck_assert_int_eq(run("\x65\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			     "\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00", 28),
			 HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run("\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			     "\x00\x00\x00\x00\x00\x00\x00\x00", 24),
			 HK_PARSE_OK);
}
END_TEST

/* ---- against tshark ------------------------------------------------------ */

/* Writes one UDP (17) datagram in Ethernet into a classic pcap file. */
static bool write_pcap(const char *path, const uint8_t *const *payloads, const size_t *lens, const int *to_server,
		       size_t n)
{
	FILE *f = fopen(path, "wb");
	static const uint8_t ghdr[] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
				       0,    0,    0,    0,    0xff, 0xff, 0, 0, 1, 0, 0, 0};

	if (!f)
		return false;
	fwrite(ghdr, 1, sizeof(ghdr), f);
	for (size_t i = 0; i < n; i++) {
		uint8_t h[16 + 14 + 20 + 8];
		size_t caplen = 14 + 20 + 8 + lens[i], iplen = 20 + 8 + lens[i];
		uint16_t sp = to_server[i] ? 50000 : 44818, dp = to_server[i] ? 44818 : 50000;

		memset(h, 0, sizeof(h));
		h[0] = (uint8_t)i; /* seconds: frames in order */
		memcpy(h + 8, (uint32_t[]){(uint32_t)caplen}, 4);
		memcpy(h + 12, (uint32_t[]){(uint32_t)caplen}, 4);
		memcpy(h + 16, "\x00\x00\xbc\x11\x22\x33\x00\x0c\x29\x44\x55\x66\x08\x00", 14);
		h[30] = 0x45;
		h[32] = (uint8_t)(iplen >> 8);
		h[33] = (uint8_t)iplen;
		h[38] = 64;
		h[39] = 17;
		memcpy(h + 42, to_server[i] ? "\xc0\xa8\x01\x02\xc0\xa8\x01\x14" : "\xc0\xa8\x01\x14\xc0\xa8\x01\x02", 8);
		h[50] = (uint8_t)(sp >> 8);
		h[51] = (uint8_t)sp;
		h[52] = (uint8_t)(dp >> 8);
		h[53] = (uint8_t)dp;
		h[54] = (uint8_t)((8 + lens[i]) >> 8);
		h[55] = (uint8_t)(8 + lens[i]);
		fwrite(h, 1, sizeof(h), f);
		fwrite(payloads[i], 1, lens[i], f);
	}
	return fclose(f) == 0;
}

START_TEST(test_against_tshark)
{
	char path[] = "/tmp/test_proto_enip.XXXXXX";
	char line[1024];
	const uint8_t *p[] = {list_identity, gaa_req, gaa_reply};
	const size_t l[] = {sizeof(list_identity) - 1, sizeof(gaa_req) - 1, sizeof(gaa_reply) - 1};
	const int up[] = {0, 1, 0};
	int fd;

	if (!pc_have_tshark())
		return;
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert(write_pcap(path, p, l, up, 3));

	ck_assert(pc_tshark_frame(path, 1,
				  "-T fields -e enip.sinaddr -e enip.lir.vendor -e enip.lir.devtype "
				  "-e enip.lir.prodcode -e enip.lir.revision -e enip.lir.status -e enip.lir.serial "
				  "-e enip.lir.name",
				  line, sizeof(line)));
	/* revision 5131 = 0x140b: major 20 (low byte), minor 11 */
	ck_assert_str_eq(line, "192.168.1.10\t0x0001\t14\t54\t5131\t0x3060\t0x00a1b2c3\t1756-L61/B LOGIX5561");
	ck_assert_int_eq(run_ctx(VEC(list_identity), &udp_ctx), HK_PARSE_OK);
	EXPECT(1, HK_OBS_IP, 80, "enip.socket_addr", "192.168.1.10");
	EXPECT(6, HK_OBS_FIRMWARE, 85, "enip.revision", "20.11");
	EXPECT(8, HK_OBS_SERIAL, 90, "enip.serial", "0x00a1b2c3");

	/* tshark reads the reply as the Identity object because it saw the request */
	ck_assert(pc_tshark_frame(path, 3,
				  "-T fields -e cip.id.vendor_id -e cip.id.device_type -e cip.id.product_code "
				  "-e cip.id.major_rev -e cip.id.minor_rev -e cip.id.status -e cip.id.serial_number "
				  "-e cip.id.product_name",
				  line, sizeof(line)));
	ck_assert_str_eq(line, "0x0001\t0x000e\t153\t30\t14\t0x3060\t0x604f8b2c\t1769-L33ER/A LOGIX5333ER");
	unlink(path);
}
END_TEST

/* The real frames above are byte for byte tshark's payload of those frames. */
START_TEST(test_frames_match_captures)
{
	static const struct {
		const char *pcap;
		int frame;
		const uint8_t *b;
		size_t n;
	} cmp[] = {
		{"iti_EthernetIP-CIP.pcap", 29, VEC(iti_29)},
		{"iti_EthernetIP-CIP.pcap", 31, VEC(iti_31)},
		{"iti_EthernetIP-CIP.pcap", 10097, VEC(iti_10097)},
		{"iti_EthernetIP-CIP.pcap", 10011, VEC(iti_10011)},
		{"iti_cip_stop_plc.pcap", 1, VEC(stop_plc)},
		{"icsnpp-enip_set_attribute_single_service_cip.pcapng", 1, VEC(set_attr)},
		{"ndpi_cip_io.pcap", 1, VEC(cip_io)},
	};
	char line[1024], want[1024];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		if (!pc_tshark_frame(cmp[i].pcap, cmp[i].frame, "-T fields -e tcp.payload -e udp.payload", line,
				     sizeof(line)))
			return; /* no tshark or no captures here */
		pc_hex(cmp[i].b, cmp[i].n, want, sizeof(want));
		ck_assert_msg(strstr(line, want) != NULL, "%s frame %d: '%s'", cmp[i].pcap, cmp[i].frame, line);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("proto_enip");
	TCase *tc = tcase_create("enip");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_list_identity);
	tcase_add_test(tc, test_get_attributes_all);
	tcase_add_test(tc, test_identity_layout);
	tcase_add_test(tc, test_real_frames);
	tcase_add_test(tc, test_implicit_io);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_multiple_service);
	tcase_add_test(tc, test_item_counts);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_not_enip);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	tcase_add_test(ts, test_frames_match_captures);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(suite());
}
