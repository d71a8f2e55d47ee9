/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Modbus/TCP parser (src/proto/modbus.c): real ADUs from the shared
 * captures and Read Device Identification responses built from the spec,
 * with their exact observations; every truncated prefix; lying MBAP, object
 * and byte-count lengths; object counts at 0, MAX and MAX+1; strings with
 * NUL and non-ASCII bytes; which way an ADU goes with and without port 502;
 * not-Modbus input. Every input is an exactly-sized heap copy, so a
 * one-byte over-read is an AddressSanitizer report. Where tshark and the
 * captures are at hand, the same frames are compared with tshark's reading.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define MODBUS_DEVID_OBJECTS_MAX 24 /* as in src/proto/modbus.c */
#define MODBUS_UNITS_MAX 4
#define MODBUS_ADUS_MAX 16

/*
 * arkime_modbus.pcap frame 41 (also iti_modbus_test_data_part1.pcap and
 * suri_modbus.pcap frame 41), TCP 502 -> 2578: Report Server ID response.
 * tshark: unit 10, function 17, "Data: 1200ff57696e6770617468204c696d69746564".
 */
static const uint8_t rsid_resp[] =
	/* MBAP: transaction 0, protocol 0, length 21, unit 10 */
	"\x00\x00" "\x00\x00" "\x00\x15" "\x0a"
	/* function 17 (0x11), byte count 18 */
	"\x11" "\x12"
	/* server id 0x00, run indicator 0xff (ON), vendor data */
	"\x00" "\xff" "Wingpath Limited";

/* frame 40 of the same capture, 2578 -> 502: the request (no data) */
static const uint8_t rsid_req[] = "\x00\x00\x00\x00\x00\x02\x0a\x11";

/*
 * zeek_modbus-eit.pcap frame 2, 502 -> 54297: a 43/14 response with no
 * objects, a conformity level of 0 and a More Follows of 0x4d (neither 00
 * nor FF), four bytes after the (empty) list. tshark: "Conformity Level:
 * Unknown (0x00)", "More Follows: 0x4d", "Next Object ID: 183",
 * "Number of Objects: 0".
 */
static const uint8_t eit_resp[] =
	/* MBAP: transaction 0, protocol 0, length 12, unit 0 */
	"\x00\x00\x00\x00\x00\x0c\x00"
	/* 43, MEI 14, read code 1 (basic), conformity 0, more follows 0x4d,
	 * next object id 0xb7, 0 objects, then 00 00 00 00 */
	"\x2b\x0e\x01\x00\x4d\xb7\x00" "\x00\x00\x00\x00";

/* zeek_modbus-eit.pcap frame 4, 502 -> 54298: exception 4 (server device
 * failure) to function 43, from unit 255. tshark: exception code 4 */
static const uint8_t eit_exc[] = "\x00\x00\x00\x00\x00\x03\xff" "\xab\x04";

/* zeek_modbus-eit.pcap frame 1: the request, 43/14 read code 1, object 0 */
static const uint8_t eit_req[] = "\x00\x00\x00\x00\x00\x05\x00" "\x2b\x0e\x01\x00";

/*
 * Built from MODBUS Application Protocol V1.1b3 6.21 (the example of a
 * basic Read Device Identification response; the spec's example gives
 * "Product code XX" a length of 0x0D, its 15 bytes are used here). The
 * shared captures hold no 43/14 response with objects.
 */
static const uint8_t devid_basic[] =
	/* MBAP: transaction 1, protocol 0, length 56, unit 1 */
	"\x00\x01\x00\x00\x00\x38\x01"
	/* 43, MEI 14, read code 1, conformity 0x01, more follows 0, next 0, 3 objects */
	"\x2b\x0e\x01\x01\x00\x00\x03"
	/* object 0 VendorName, 22 bytes */
	"\x00\x16" "Company identification"
	/* object 1 ProductCode, 15 bytes */
	"\x01\x0f" "Product code XX"
	/* object 2 MajorMinorRevision, 5 bytes */
	"\x02\x05" "V2.11";

/*
 * Built from the spec (6.21, extended identification, read code 3,
 * conformity 0x83): every regular object, a reserved one and a private
 * one with binary bytes.
 */
static const uint8_t devid_ext[] =
	/* MBAP: transaction 2, protocol 0, length 123 (0x7b), unit 7 */
	"\x00\x02\x00\x00\x00\x7b\x07"
	/* 43, MEI 14, read code 3, conformity 0x83, more follows 0, next 0, 9 objects */
	"\x2b\x0e\x03\x83\x00\x00\x09"
	"\x00\x0f" "Acme Automation"     /* VendorName */
	"\x01\x07" "AC-4400"             /* ProductCode */
	"\x02\x06" "V3.2.1"              /* MajorMinorRevision */
	"\x03\x13" "http://acme.example" /* VendorUrl */
	"\x04\x0d" "Acme PLC 4400"       /* ProductName */
	"\x05\x0c" "AC-4400-CPU2"        /* ModelName */
	"\x06\x0e" "Pump station 7"      /* UserApplicationName */
	"\x07\x08" "reserved"            /* 0x07: reserved, not said */
	"\x80\x03" "\x01\x02Z";          /* private 0x80 */

/* ndpi_umas.pcap frame 8, 502 -> 7718: a UMAS (function 90) response,
 * pairing key 0, status 0xfe (OK), then UMAS data */
static const uint8_t umas_resp[] =
	"\x00\x01\x00\x00\x00\x11\x00"
	"\x5a" "\x00" "\xfe" "\xfd\x00\x01\x04\x00\x00\x32\x00\x00\x00\x00\x00\x00";

/* ndpi_umas.pcap frame 7, 7718 -> 502: the request, UMAS function 0x01 */
static const uint8_t umas_req[] = "\x00\x01\x00\x00\x00\x05\x00" "\x5a\x00\x01\x00";

/* zeek_4SICS-GeekLounge-151022-min.pcap frame 2, 502 -> 1987: exception
 * 0x0a (gateway path unavailable) to function 23 */
static const uint8_t exc23[] = "\x00\x0b\x00\x00\x00\x03\x01" "\x97\x0a";


static struct pc_result res;

/* a response from the server's port 502, a request to it; both with the flow's idea */
static const struct hk_parse_ctx srv_ctx = {
	.l4 = 6, .sport = 502, .dport = 2578, .from_client = false, .client_known = true, .ndpi = "Modbus"};
static const struct hk_parse_ctx cli_ctx = {
	.l4 = 6, .sport = 2578, .dport = 502, .from_client = true, .client_known = true, .ndpi = "Modbus"};
/* Modbus found by nDPI on other ports, the client not known */
static const struct hk_parse_ctx any_ctx = {
	.l4 = 6, .sport = 1502, .dport = 40000, .from_client = false, .client_known = false, .ndpi = "Modbus"};

static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_modbus_parse, bytes, n, ctx, &res);
}

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &srv_ctx);
}

#define EXPECT(i, k, conf, src, val) PC_EXPECT(&res, i, k, HK_SIDE_SRC, conf, src, val)

/* ---- an ADU builder for the synthetic cases ------------------------------ */

struct adu {
	uint8_t b[4096];
	size_t n;
	size_t len_at; /* where the MBAP length of the ADU being built is */
};

static void put(struct adu *a, const void *v, size_t n)
{
	ck_assert_uint_le(n, sizeof(a->b) - a->n);
	memcpy(a->b + a->n, v, n);
	a->n += n;
}

static void put_u8(struct adu *a, uint8_t v)
{
	put(a, &v, 1);
}

/* MBAP with the length left open, then unit and function code */
static void begin(struct adu *a, uint8_t unit, uint8_t fc)
{
	put(a, "\x00\x07\x00\x00", 4);
	a->len_at = a->n;
	put(a, "\x00\x00", 2);
	put_u8(a, unit);
	put_u8(a, fc);
}

/* sets the MBAP length to what was put since (unit id included) */
static void finish(struct adu *a)
{
	size_t len = a->n - a->len_at - 2;

	a->b[a->len_at] = (uint8_t)(len >> 8);
	a->b[a->len_at + 1] = (uint8_t)len;
}

/* a 43/14 response header announcing n objects */
static void devid_head(struct adu *a, uint8_t unit, uint8_t n)
{
	begin(a, unit, 0x2b);
	put(a, "\x0e\x03\x83\x00\x00", 5);
	put_u8(a, n);
}

static void object(struct adu *a, uint8_t id, const void *v, uint8_t len)
{
	put_u8(a, id);
	put_u8(a, len);
	put(a, v, len);
}

/* ---- real ADUs ----------------------------------------------------------- */

START_TEST(test_report_server_id)
{
	ck_assert_int_eq(run(VEC(rsid_resp)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "modbus.unit_id", "10");
	/* server id 00 and run indicator ff are not printable: the vendor data is */
	EXPECT(2, HK_OBS_RAW, 50, "modbus.server_id", "Wingpath Limited");

	ck_assert_int_eq(run_ctx(VEC(rsid_req), &cli_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "client");
}
END_TEST

START_TEST(test_devid_no_objects)
{
	/* odd conformity and More Follows, trailing bytes: understood, nothing to say but the server */
	ck_assert_int_eq(run(VEC(eit_resp)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "modbus.unit_id", "0");

	ck_assert_int_eq(run_ctx(VEC(eit_req), &cli_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "client");
}
END_TEST

START_TEST(test_exceptions)
{
	ck_assert_int_eq(run(VEC(eit_exc)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "modbus.unit_id", "255");
	EXPECT(2, HK_OBS_RAW, 50, "modbus.devid.exception", "server-device-failure");

	/* an exception to another function says no more than who answered */
	ck_assert_int_eq(run(VEC(exc23)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "modbus.unit_id", "1");

	/* an exception code without a name */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x03\x01\xab\x42", 9), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(2, HK_OBS_RAW, 50, "modbus.devid.exception", "0x42");
	/* and an exception without a code */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x02\x01\xab", 8), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_devid_basic)
{
	ck_assert_int_eq(run(VEC(devid_basic)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "modbus.unit_id", "1");
	EXPECT(2, HK_OBS_VENDOR, 90, "modbus.devid.vendor", "Company identification");
	EXPECT(3, HK_OBS_MODEL, 85, "modbus.devid.product_code", "Product code XX");
	EXPECT(4, HK_OBS_FIRMWARE, 85, "modbus.devid.revision", "V2.11");
}
END_TEST

START_TEST(test_devid_extended)
{
	ck_assert_int_eq(run(VEC(devid_ext)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 10);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "modbus.unit_id", "7");
	EXPECT(2, HK_OBS_VENDOR, 90, "modbus.devid.vendor", "Acme Automation");
	EXPECT(3, HK_OBS_MODEL, 85, "modbus.devid.product_code", "AC-4400");
	EXPECT(4, HK_OBS_FIRMWARE, 85, "modbus.devid.revision", "V3.2.1");
	EXPECT(5, HK_OBS_RAW, 50, "modbus.devid.url", "http://acme.example");
	EXPECT(6, HK_OBS_PRODUCT, 85, "modbus.devid.product_name", "Acme PLC 4400");
	EXPECT(7, HK_OBS_MODEL, 90, "modbus.devid.model", "AC-4400-CPU2");
	EXPECT(8, HK_OBS_HOSTNAME, 60, "modbus.devid.app_name", "Pump station 7");
	EXPECT(9, HK_OBS_RAW, 50, "modbus.devid.private.80", "\\x01\\x02Z");
}
END_TEST

START_TEST(test_umas)
{
	ck_assert_int_eq(run(VEC(umas_resp)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "modbus.unit_id", "0");
	EXPECT(2, HK_OBS_RAW, 50, "modbus.fc90", "umas");

	ck_assert_int_eq(run_ctx(VEC(umas_req), &cli_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "client");

	/* a UMAS error status (0xfd) or an exception to 90: not a UMAS server */
	ck_assert_int_eq(run("\x00\x01\x00\x00\x00\x04\x00\x5a\x00\xfd", 10), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	ck_assert_int_eq(run("\x00\x01\x00\x00\x00\x03\x00\xda\x01", 9), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
}
END_TEST

/*
 * Every prefix of each real ADU, in an exactly-sized buffer: TRUNCATED (the
 * MBAP length says more is coming) and nothing said.
 */
START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
		const struct hk_parse_ctx *ctx;
	} vec[] = {{VEC(rsid_resp), &srv_ctx},   {VEC(rsid_req), &cli_ctx},  {VEC(eit_resp), &srv_ctx},
		   {VEC(eit_req), &cli_ctx},     {VEC(eit_exc), &srv_ctx},   {VEC(devid_basic), &srv_ctx},
		   {VEC(devid_ext), &srv_ctx},   {VEC(umas_resp), &srv_ctx}, {VEC(umas_req), &cli_ctx},
		   {VEC(exc23), &srv_ctx},       {VEC(devid_ext), &any_ctx}};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		ck_assert_int_eq(run_ctx(vec[v].b, vec[v].n, vec[v].ctx), HK_PARSE_OK);
		pc_every_prefix(proto_modbus_parse, vec[v].b, vec[v].n, vec[v].ctx, PC_TRUNCATED, false, "vector %zu",
				v);
	}
}
END_TEST

/* ---- lengths that lie ---------------------------------------------------- */

START_TEST(test_mbap_lengths)
{
	struct adu a = {.n = 0};

	/* length 0 and 1: no room for unit and function */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x00", 6), HK_PARSE_MALFORMED);
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x01\x01", 7), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* length 2: unit and function alone (a request of 17) */
	ck_assert_int_eq(run_ctx("\x00\x00\x00\x00\x00\x02\x01\x11", 8, &cli_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* a length that says more than there is */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x30\x01\x03\x02\x00\x01", 11), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* 254 is the most a standard function may have; 255 is too much */
	begin(&a, 1, 0x03);
	put_u8(&a, 251);
	for (int i = 0; i < 251; i++)
		put_u8(&a, (uint8_t)i);
	finish(&a);
	ck_assert_uint_eq(a.n, 6 + 254);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	a.n = 0;
	begin(&a, 1, 0x03);
	put_u8(&a, 252);
	for (int i = 0; i < 252; i++)
		put_u8(&a, (uint8_t)i);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* UMAS may go past it (ndpi_umas.pcap frame 20 has length 255) ... */
	a.n = 0;
	begin(&a, 0, 0x5a);
	put(&a, "\x00\xfe", 2);
	for (int i = 0; i < 1000; i++)
		put_u8(&a, (uint8_t)i);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(2, HK_OBS_RAW, 50, "modbus.fc90", "umas");
	/* ... up to its own bound */
	a.n = 0;
	begin(&a, 0, 0x5a);
	put(&a, "\x00\xfe", 2);
	for (int i = 0; i < 1100; i++)
		put_u8(&a, (uint8_t)i);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_devid_lying_lengths)
{
	struct adu a = {.n = 0};

	/* an object longer than the ADU: the whole response is refused */
	devid_head(&a, 1, 2);
	object(&a, 0, "Acme", 4);
	put(&a, "\x01\x40" "AC", 4);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* more objects announced than there are */
	a.n = 0;
	devid_head(&a, 1, 3);
	object(&a, 0, "Acme", 4);
	object(&a, 1, "AC", 2);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* an object id without its length byte */
	a.n = 0;
	devid_head(&a, 1, 1);
	put_u8(&a, 0);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_MALFORMED);

	/* a header cut short (5 of 6 bytes) */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x07\x01\x2b\x0e\x01\x01\x00\x00", 13), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* the object list lies, but the MBAP length says where the ADU ends:
	 * the next ADU is not read as objects */
	a.n = 0;
	devid_head(&a, 1, 2);
	object(&a, 0, "Acme", 4);
	finish(&a);
	put(&a, VEC(devid_basic));
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* an object of length 0, and one of NULs only: nothing to say */
	a.n = 0;
	devid_head(&a, 1, 2);
	object(&a, 0, "", 0);
	object(&a, 1, "\x00\x00\x00", 3);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
}
END_TEST

START_TEST(test_rsid_lying_lengths)
{
	/* byte count 18, 5 bytes there */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x08\x0a\x11\x12\x00\xff" "Win", 14), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a response with no byte count */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x02\x0a\x11", 8), HK_PARSE_MALFORMED);
	/* byte count 0: nothing printable */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x03\x0a\x11\x00", 9), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	/* the byte count ends the data: what follows it in the ADU is not read */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x0b\x0a\x11\x02\x00\xff" "Acme 1", 17), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	/* short runs (< 4) are noise, several long ones are joined */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x15\x0a\x11\x12\x01\xff" "ab\x01" "Acme\x00" "PLC-9 v2", 27),
			 HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(2, HK_OBS_RAW, 50, "modbus.server_id", "Acme PLC-9 v2");
}
END_TEST

/* ---- counts -------------------------------------------------------------- */

START_TEST(test_object_counts)
{
	struct adu a = {.n = 0};
	uint8_t v = 'a';

	/* MAX objects: all said */
	devid_head(&a, 1, MODBUS_DEVID_OBJECTS_MAX);
	for (int i = 0; i < MODBUS_DEVID_OBJECTS_MAX; i++)
		object(&a, (uint8_t)(0x80 + i), &v, 1);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2 + MODBUS_DEVID_OBJECTS_MAX);
	EXPECT(2, HK_OBS_RAW, 50, "modbus.devid.private.80", "a");
	EXPECT(2 + MODBUS_DEVID_OBJECTS_MAX - 1, HK_OBS_RAW, 50, "modbus.devid.private.97", "a");
	ck_assert_uint_eq(res.sink.n_dropped, 0);

	/* MAX + 1: the last is not read */
	a.n = 0;
	devid_head(&a, 1, MODBUS_DEVID_OBJECTS_MAX + 1);
	for (int i = 0; i < MODBUS_DEVID_OBJECTS_MAX + 1; i++)
		object(&a, (uint8_t)(0x80 + i), &v, 1);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2 + MODBUS_DEVID_OBJECTS_MAX);
	ck_assert_str_eq(res.obs[res.sink.n - 1].source, "modbus.devid.private.97");

	/* 255 announced, MAX there: what is read is whole, the rest unread */
	a.n = 0;
	devid_head(&a, 1, 255);
	for (int i = 0; i < MODBUS_DEVID_OBJECTS_MAX; i++)
		object(&a, (uint8_t)(0x80 + i), &v, 1);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2 + MODBUS_DEVID_OBJECTS_MAX);
}
END_TEST

START_TEST(test_adus_and_units)
{
	struct adu a = {.n = 0};

	/* MAX + 1 responses from distinct units in one buffer: MAX units said, role once */
	for (int u = 1; u <= MODBUS_UNITS_MAX + 1; u++) {
		begin(&a, (uint8_t)u, 0x03);
		put(&a, "\x02\x00\x01", 3);
		finish(&a);
	}
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1 + MODBUS_UNITS_MAX);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	EXPECT(1, HK_OBS_RAW, 50, "modbus.unit_id", "1");
	EXPECT(MODBUS_UNITS_MAX, HK_OBS_RAW, 50, "modbus.unit_id", "4");

	/* the same unit again and again: said once */
	a.n = 0;
	for (int i = 0; i < 3; i++) {
		begin(&a, 9, 0x03);
		put(&a, "\x02\x00\x01", 3);
		finish(&a);
	}
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);

	/* MODBUS_ADUS_MAX ADUs are read, the next one not */
	a.n = 0;
	for (int i = 0; i < MODBUS_ADUS_MAX; i++) {
		begin(&a, 9, 0x03);
		put(&a, "\x02\x00\x01", 3);
		finish(&a);
	}
	put(&a, VEC(devid_basic));
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);

	/* a second ADU cut short: TRUNCATED, the first is still said */
	a.n = 0;
	put(&a, VEC(rsid_resp));
	put(&a, devid_basic, 20);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 3);
	/* a second ADU that is not Modbus: MALFORMED, the first still said */
	a.n = 0;
	put(&a, VEC(rsid_resp));
	put(&a, "\x00\x00\x00\x01\x00\x02\x01\x03", 8);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 3);
}
END_TEST

/* ---- strings ------------------------------------------------------------- */

START_TEST(test_strings)
{
	struct adu a = {.n = 0};
	uint8_t big[255];

	/* inner NUL and non-ASCII escaped, trailing NUL padding dropped, backslash doubled */
	devid_head(&a, 1, 3);
	object(&a, 0, "AB\x00" "C\xe9\x00\x00", 7);
	object(&a, 1, "\xc3\xa9t\xc3\xa9", 6);
	object(&a, 2, "v1\\2", 4);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	EXPECT(2, HK_OBS_VENDOR, 90, "modbus.devid.vendor", "AB\\x00C\\xe9");
	EXPECT(3, HK_OBS_MODEL, 85, "modbus.devid.product_code", "\\xc3\\xa9t\\xc3\\xa9");
	EXPECT(4, HK_OBS_FIRMWARE, 85, "modbus.devid.revision", "v1\\\\2");

	/* a 240-byte value of escapes: cut whole at the value size, never mid-escape */
	memset(big, 0xff, sizeof(big));
	a.n = 0;
	devid_head(&a, 1, 1);
	object(&a, 0x05, big, 240);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	ck_assert_uint_le(strlen(res.obs[2].value), HK_OBS_VALUE_MAX - 1);
	ck_assert_uint_eq(strlen(res.obs[2].value) % 4, 0);

	/* a server-id run of 240 printable bytes: cut to the value size */
	memset(big, 'x', sizeof(big));
	a.n = 0;
	begin(&a, 1, 0x11);
	put_u8(&a, 242);
	put(&a, "\x01\xff", 2);
	put(&a, big, 240);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	ck_assert_uint_eq(strlen(res.obs[2].value), 240);
	/* and of 250 bytes with a backslash: escaped, cut at a character */
	a.n = 0;
	begin(&a, 1, 0x11);
	put_u8(&a, 250);
	put(&a, big, 200);
	put(&a, "\\\\\\\\\\\\\\\\\\\\", 10);
	put(&a, big, 40);
	finish(&a);
	ck_assert_int_eq(run(a.b, a.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	ck_assert_uint_eq(strlen(res.obs[2].value), HK_OBS_VALUE_MAX - 1);
	ck_assert_int_ne(res.obs[2].value[HK_OBS_VALUE_MAX - 2], '\\');
}
END_TEST

/* ---- direction ----------------------------------------------------------- */

START_TEST(test_direction)
{
	/* without port 502: the shape decides when only one side can look like it */
	ck_assert_int_eq(run_ctx(VEC(rsid_resp), &any_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	ck_assert_int_eq(run_ctx(VEC(rsid_req), &any_ctx), HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "client");
	ck_assert_int_eq(run_ctx(VEC(eit_req), &any_ctx), HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "client");
	ck_assert_int_eq(run_ctx(VEC(devid_basic), &any_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	ck_assert_int_eq(run_ctx(VEC(eit_exc), &any_ctx), HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	/* read holding registers: request address 2 + quantity 2; response byte count + values */
	ck_assert_int_eq(run_ctx("\x00\x01\x00\x00\x00\x06\x01\x03\x00\x6b\x00\x03", 12, &any_ctx), HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "client");
	ck_assert_int_eq(run_ctx("\x00\x01\x00\x00\x00\x09\x01\x03\x06\x02\x2b\x00\x00\x00\x64", 15, &any_ctx),
			 HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	/* write single register echoes its request: the flow's client decides ... */
	{
		struct hk_parse_ctx known = any_ctx;

		known.client_known = true;
		known.from_client = true;
		ck_assert_int_eq(run_ctx("\x00\x01\x00\x00\x00\x06\x01\x06\x00\x01\x00\x03", 12, &known), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 1);
		EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "client");
	}
	/* ... and without it nothing is said, though it is Modbus */
	ck_assert_int_eq(run_ctx("\x00\x01\x00\x00\x00\x06\x01\x06\x00\x01\x00\x03", 12, &any_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* port 502 wins over the flow's guess (a capture joined late) */
	{
		struct hk_parse_ctx wrong = srv_ctx;

		wrong.from_client = true;
		ck_assert_int_eq(run_ctx(VEC(rsid_resp), &wrong), HK_PARSE_OK);
		EXPECT(0, HK_OBS_RAW, 50, "modbus.role", "server");
	}
}
END_TEST

/* ---- not Modbus ---------------------------------------------------------- */

START_TEST(test_nomatch)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: plc\r\n\r\n";
	static const uint8_t tls[] = "\x16\x03\x01\x00\x2e\x01\x00\x00\x2a\x03\x03";
	static const uint8_t tpkt[] = "\x03\x00\x00\x16\x11\xe0\x00\x00\x00\x01\x00";

	ck_assert_int_eq(run(http, sizeof(http) - 1), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run(VEC(tls)), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run(VEC(tpkt)), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* too short to tell */
	ck_assert_int_eq(run("\x00\x01\x00", 3), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
}
END_TEST

START_TEST(test_sink_full)
{
	struct hk_obs small[3];
	struct hk_obs_sink s = {.v = small, .n = 0, .cap = 3};

	ck_assert_int_eq(pc_run_sink(proto_modbus_parse, devid_ext, sizeof(devid_ext) - 1, &srv_ctx, &s), HK_PARSE_OK);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(s.n_dropped, 7);
}
END_TEST

/* ---- against tshark ------------------------------------------------------ */

START_TEST(test_against_tshark)
{
	/* the bytes above are tshark's tcp.payload of these frames; unit ids agree */
	static const struct {
		const char *pcap;
		int frame;
		const uint8_t *b;
		size_t n;
		const char *unit, *extra_field, *extra_want;
	} cmp[] = {
		{"arkime_modbus.pcap", 41, VEC(rsid_resp), "10", "-e modbus.func_code", "17"},
		{"zeek_modbus-eit.pcap", 2, VEC(eit_resp), "0", "-e modbus.num_objects", "0"},
		{"zeek_modbus-eit.pcap", 4, VEC(eit_exc), "255", "-e modbus.exception_code", "4"},
		{"zeek_4SICS-GeekLounge-151022-min.pcap", 2, VEC(exc23), "1", "-e modbus.exception_code", "10"},
		{"ndpi_umas.pcap", 8, VEC(umas_resp), "0", "-e modbus.func_code", "90"},
	};
	char line[4096], fields[256], want[1200], hex[1024];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		snprintf(fields, sizeof(fields), "-T fields -e tcp.payload -e mbtcp.unit_id %s", cmp[i].extra_field);
		if (!pc_tshark_frame(cmp[i].pcap, cmp[i].frame, fields, line, sizeof(line)))
			return; /* no tshark or no captures here: nothing to compare */
		pc_hex(cmp[i].b, cmp[i].n, hex, sizeof(hex));
		snprintf(want, sizeof(want), "%s\t%s\t%s", hex, cmp[i].unit, cmp[i].extra_want);
		ck_assert_msg(strcmp(line, want) == 0, "%s frame %d: tshark '%s', we expect '%s'", cmp[i].pcap,
			      cmp[i].frame, line, want);
		ck_assert_int_eq(run(cmp[i].b, cmp[i].n), HK_PARSE_OK);
		ck_assert_str_eq(pc_value(&res, "modbus.unit_id", 0), cmp[i].unit);
	}
}
END_TEST

static Suite *modbus_suite(void)
{
	Suite *s = suite_create("proto_modbus");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_report_server_id);
	tcase_add_test(tc, test_devid_no_objects);
	tcase_add_test(tc, test_exceptions);
	tcase_add_test(tc, test_devid_basic);
	tcase_add_test(tc, test_devid_extended);
	tcase_add_test(tc, test_umas);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_mbap_lengths);
	tcase_add_test(tc, test_devid_lying_lengths);
	tcase_add_test(tc, test_rsid_lying_lengths);
	tcase_add_test(tc, test_object_counts);
	tcase_add_test(tc, test_adus_and_units);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_direction);
	tcase_add_test(tc, test_nomatch);
	tcase_add_test(tc, test_sink_full);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(modbus_suite());
}
