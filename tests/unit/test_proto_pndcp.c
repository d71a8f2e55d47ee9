/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PROFINET DCP parser (src/proto/pndcp.c): the DCP frames of the shared
 * captures (Identify request and response, Set NameOfStation, Set IP, their
 * responses) and Hello and Get frames built from IEC 61158-6-10, with their
 * exact observations and sides; every truncated prefix; lying DCPDataLength
 * and block lengths; block counts at 0, MAX and MAX+1; names with NUL and
 * non-ASCII bytes; other PROFINET frames (NOMATCH). Every input is an
 * exactly-sized heap copy, so a one-byte over-read is an AddressSanitizer
 * report. Where tshark and the captures are at hand, the same frames are
 * compared with tshark's reading.
 *
 * Each vector is the layer-2 payload the pipeline hands the parser: the
 * bytes after ethertype 0x8892 (after the VLAN tag where there is one), up
 * to the end of the frame, Ethernet padding included.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define PNDCP_BLOCKS_MAX 32 /* as in src/proto/pndcp.c */

/*
 * iti_ChangeIPUsingDCP.pcap frame 2, 08:00:06:93:cf:32 (Siemens) ->
 * 00:0c:29:ba:09:ea: the Identify response of a SCALANCE X208.
 * tshark: DeviceVendorValue "INC", NameOfStation "X208-BORD", VendorID
 * 0x002a, DeviceID 0x0a01, IO-Device, IP 192.168.0.6/24 gateway 192.168.0.1.
 */
static const uint8_t ip_ident_res[] =
	/* FrameID 0xfeff; Identify (5), response success (1); Xid 0x01000001;
	 * reserved; DCPDataLength 94 */
	"\xfe\xff" "\x05\x01" "\x01\x00\x00\x01" "\x00\x00" "\x00\x5e"
	/* Device (2) / DeviceOptions (5), length 28: BlockInfo 0, 13 option pairs */
	"\x02\x05\x00\x1c" "\x00\x00"
	"\x01\x01\x01\x02\x02\x01\x02\x02\x02\x03\x02\x04\x02\x05\x03\x3d\x05\x01\x05\x02\x05\x03\x05\x04\xff\xff"
	/* Device / DeviceVendorValue (1), length 5: BlockInfo 0, "INC", padding */
	"\x02\x01\x00\x05" "\x00\x00" "INC" "\x00"
	/* Device / NameOfStation (2), length 11: BlockInfo 0, "X208-BORD", padding */
	"\x02\x02\x00\x0b" "\x00\x00" "X208-BORD" "\x00"
	/* Device / DeviceID (3), length 6: BlockInfo 0, VendorID 0x002a, DeviceID 0x0a01 */
	"\x02\x03\x00\x06" "\x00\x00" "\x00\x2a" "\x0a\x01"
	/* Device / DeviceRole (4), length 4: BlockInfo 0, role 0x01 IO-Device, reserved */
	"\x02\x04\x00\x04" "\x00\x00" "\x01\x00"
	/* IP (1) / IP parameter (2), length 14: BlockInfo 1 (IP set), IP, mask, gateway */
	"\x01\x02\x00\x0e" "\x00\x01" "\xc0\xa8\x00\x06" "\xff\xff\xff\x00" "\xc0\xa8\x00\x01";

/* iti_ChangeIPUsingDCP.pcap frame 1, 00:0c:29:ba:09:ea -> 08:00:06:93:cf:32:
 * | fefe | 05 00 | Xid | ResponseDelay 1 | length 4 | ff ff 00 00 (All) |
 * and 26 bytes of Ethernet padding */
static const uint8_t ip_ident_req[] =
	"\xfe\xfe\x05\x00\x01\x00\x00\x01\x00\x01\x00\x04\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

/* frame 3: | fefd | 04 00 (Set request) | Xid | 0000 | length 18 |
 * 01 02 000e (IP parameter) | 0001 (qualifier: permanent) | 192.168.0.10 |
 * 255.255.255.0 | 192.168.0.1 | and padding. tshark: IP 192.168.0.10 */
static const uint8_t ip_set_req[] =
	"\xfe\xfd\x04\x00\x01\x00\x00\x01\x00\x00\x00\x12\x01\x02\x00\x0e\x00\x01\xc0\xa8\x00\x0a\xff\xff"
	"\xff\x00\xc0\xa8\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

/* frame 4: the Set response: | 05 04 0003 (Control/Response) | 01 02 00 (IP
 * parameter: no error) | padding | */
static const uint8_t ip_set_res[] =
	"\xfe\xfd\x04\x01\x01\x00\x00\x01\x00\x00\x00\x08\x05\x04\x00\x03\x01\x02\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

/*
 * iti_profinet-wireshark-bug.pcap (in 802.1Q VLAN 0), 00:80:c8:38:a4:8b
 * asks 00:02:e3:17:c7:50. Frame 2, the Identify response: DeviceOptions;
 * DeviceVendorValue "S7-300EC"; NameOfStation of block length 110, "%n%n%n "
 * and 100 NULs; DeviceID 0x002a/0x0101; DeviceRole 0x02 IO-Controller; IP
 * 192.168.0.11/24 gateway 192.168.0.11. tshark: NameOfStation "%n%n%n ".
 */
static const uint8_t wb_ident_res[] =
	"\xfe\xff\x05\x01\x01\x00\x00\x01\x00\x00\x00\xb8\x02\x05\x00\x10\x00\x00\x02\x01\x02\x02\x02\x03"
	"\x02\x04\x02\x05\x01\x01\x01\x02\x02\x01\x00\x0a\x00\x00\x53\x37\x2d\x33\x30\x30\x45\x43\x02\x02"
	"\x00\x6e\x00\x00\x25\x6e\x25\x6e\x25\x6e\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x03\x00\x06\x00\x00\x00\x2a"
	"\x01\x01\x02\x04\x00\x04\x00\x00\x02\x00\x01\x02\x00\x0e\x00\x01\xc0\xa8\x00\x0b\xff\xff\xff\x00"
	"\xc0\xa8\x00\x0b";

/* frame 1: Identify request (All), unicast */
static const uint8_t wb_ident_req[] =
	"\xfe\xfe\x05\x00\x01\x00\x00\x01\x00\x01\x00\x04\xff\xff\x00\x00";

/* frame 3: Set request: | 02 02 0009 | 0001 | "%n%n%n " | pad | 05 02 0002 0000
 * (Control / End Transaction) | */
static const uint8_t wb_set_req[] =
	"\xfe\xfd\x04\x00\x01\x00\x00\x01\x00\x00\x00\x14\x02\x02\x00\x09\x00\x01\x25\x6e\x25\x6e\x25\x6e"
	"\x20\x00\x05\x02\x00\x02\x00\x00";

/* frame 4: the Set response, two Control/Response blocks */
static const uint8_t wb_set_res[] =
	"\xfe\xfd\x04\x01\x01\x00\x00\x01\x00\x00\x00\x10\x05\x04\x00\x03\x02\x02\x00\x00\x05\x04\x00\x03"
	"\x05\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";


static struct pc_result res;

static const struct hk_parse_ctx ctx = {.l4 = 0, .ethertype = 0x8892, .ndpi = ""};

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return pc_run(proto_pndcp_parse, bytes, n, &ctx, &res);
}

#define EXPECT_SIDE(i, k, sd, conf, src, val) PC_EXPECT(&res, i, k, sd, conf, src, val)
#define EXPECT(i, k, conf, src, val) EXPECT_SIDE(i, k, HK_SIDE_SRC, conf, src, val)

/* ---- a frame builder for the synthetic cases ----------------------------- */

/* FrameID, service, type, Xid, reserved; the length is set by finish() */
static void begin(struct pc_buf *f, uint16_t frame_id, uint8_t service, uint8_t type)
{
	f->n = 0;
	pc_put8(f, (uint8_t)(frame_id >> 8));
	pc_put8(f, (uint8_t)frame_id);
	pc_put8(f, service);
	pc_put8(f, type);
	pc_put(f, "\x00\x00\x00\x2a\x00\x00\x00\x00", 8);
}

static void finish(struct pc_buf *f)
{
	size_t len = f->n - 12;

	f->b[10] = (uint8_t)(len >> 8);
	f->b[11] = (uint8_t)len;
}

/* a block with BlockInfo/BlockQualifier 0 and its data, padded to even */
static void block(struct pc_buf *f, uint8_t opt, uint8_t sub, const void *data, size_t n)
{
	size_t len = n + 2;

	pc_put8(f, opt);
	pc_put8(f, sub);
	pc_put8(f, (uint8_t)(len >> 8));
	pc_put8(f, (uint8_t)len);
	pc_put(f, "\x00\x00", 2);
	pc_put(f, data, n);
	if (len & 1)
		pc_put8(f, 0);
}

/* ---- real frames --------------------------------------------------------- */

START_TEST(test_identify_response)
{
	ck_assert_int_eq(run(VEC(ip_ident_res)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 6);
	EXPECT(0, HK_OBS_MODEL, 80, "pndcp.vendor_value", "INC");
	EXPECT(1, HK_OBS_HOSTNAME, 80, "pndcp.name_of_station", "X208-BORD");
	EXPECT(2, HK_OBS_RAW, 50, "pndcp.vendor_id", "0x002a");
	EXPECT(3, HK_OBS_RAW, 50, "pndcp.device_id", "0x0a01");
	EXPECT(4, HK_OBS_RAW, 50, "pndcp.role", "io-device");
	EXPECT(5, HK_OBS_IP, 85, "pndcp.ip", "192.168.0.6");

	/* an IO controller, with a NameOfStation padded by 100 NULs */
	ck_assert_int_eq(run(VEC(wb_ident_res)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 7);
	EXPECT(0, HK_OBS_MODEL, 80, "pndcp.vendor_value", "S7-300EC");
	EXPECT(1, HK_OBS_HOSTNAME, 80, "pndcp.name_of_station", "%n%n%n ");
	EXPECT(2, HK_OBS_RAW, 50, "pndcp.vendor_id", "0x002a");
	EXPECT(3, HK_OBS_RAW, 50, "pndcp.device_id", "0x0101");
	EXPECT(4, HK_OBS_RAW, 50, "pndcp.role", "io-controller");
	EXPECT(5, HK_OBS_ROLE, 70, "pndcp.role", "plc");
	EXPECT(6, HK_OBS_IP, 85, "pndcp.ip", "192.168.0.11");
}
END_TEST

START_TEST(test_requests_and_set)
{
	/* Identify requests: the sender is a DCP client; the All selector says nothing more */
	ck_assert_int_eq(run(VEC(ip_ident_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "pndcp.role", "dcp-client");
	ck_assert_int_eq(run(VEC(wb_ident_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* Set IP: about the target (DST), less sure */
	ck_assert_int_eq(run(VEC(ip_set_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT_SIDE(0, HK_OBS_IP, HK_SIDE_DST, 60, "pndcp.set.ip", "192.168.0.10");
	EXPECT(1, HK_OBS_RAW, 50, "pndcp.role", "dcp-client");

	/* Set NameOfStation, then End Transaction */
	ck_assert_int_eq(run(VEC(wb_set_req)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT_SIDE(0, HK_OBS_HOSTNAME, HK_SIDE_DST, 60, "pndcp.set.name_of_station", "%n%n%n ");
	EXPECT(1, HK_OBS_RAW, 50, "pndcp.role", "dcp-client");

	/* the Set responses: control blocks only */
	ck_assert_int_eq(run(VEC(ip_set_res)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run(VEC(wb_set_res)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- built from the spec ------------------------------------------------- */

START_TEST(test_hello_get_and_more)
{
	struct pc_buf f;

	/* Hello (FrameID 0xfefc, service 6, request): about the sender, with BlockInfo */
	begin(&f, 0xfefc, 6, 0);
	block(&f, 2, 2, "et200sp-7", 9);
	block(&f, 1, 2, "\x0a\x00\x00\x17\xff\x00\x00\x00\x0a\x00\x00\x01", 12);
	block(&f, 2, 3, "\x00\x2a\x03\x13", 4);
	block(&f, 2, 8, "\x01\x1e\x40\x01", 4);      /* OEM DeviceID */
	block(&f, 2, 7, "\x00\x01", 2);              /* DeviceInstance 0.1 */
	block(&f, 1, 1, "\x00\x1b\x1b\x12\x34\x56", 6); /* MAC */
	block(&f, 2, 6, "port-001.sw1", 12);         /* AliasName: not read */
	block(&f, 3, 61, "\x00" "abc", 4);             /* DHCP: not read */
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 8);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "pndcp.name_of_station", "et200sp-7");
	EXPECT(1, HK_OBS_IP, 85, "pndcp.ip", "10.0.0.23");
	EXPECT(2, HK_OBS_RAW, 50, "pndcp.vendor_id", "0x002a");
	EXPECT(3, HK_OBS_RAW, 50, "pndcp.device_id", "0x0313");
	EXPECT(4, HK_OBS_RAW, 50, "pndcp.oem_vendor_id", "0x011e");
	EXPECT(5, HK_OBS_RAW, 50, "pndcp.oem_device_id", "0x4001");
	EXPECT(6, HK_OBS_RAW, 50, "pndcp.device_instance", "0.1");
	EXPECT(7, HK_OBS_RAW, 50, "pndcp.mac", "00:1b:1b:12:34:56");

	/* Get request (a list of options) and Get response (blocks with BlockInfo) */
	begin(&f, 0xfefd, 3, 0);
	pc_put(&f, "\x02\x02\x01\x02", 4);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "pndcp.role", "dcp-client");
	begin(&f, 0xfefd, 3, 1);
	block(&f, 2, 2, "plc-1", 5);
	block(&f, 1, 3, "\xc0\xa8\x00\x02\xff\xff\xff\x00\xc0\xa8\x00\x01"
		       "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 28); /* full IP suite */
	block(&f, 2, 4, "\x0a\x00", 2); /* IO-Controller and IO-Supervisor */
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "pndcp.name_of_station", "plc-1");
	EXPECT(1, HK_OBS_IP, 85, "pndcp.ip", "192.168.0.2");
	EXPECT(2, HK_OBS_RAW, 50, "pndcp.role", "io-controller");
	EXPECT(3, HK_OBS_RAW, 50, "pndcp.role", "io-supervisor");
	EXPECT(4, HK_OBS_ROLE, 70, "pndcp.role", "plc");

	/* an IP the device reports a conflict on (BlockInfo 0x81), and 0.0.0.0: not said */
	begin(&f, 0xfeff, 5, 1);
	pc_put(&f, "\x01\x02\x00\x0e\x00\x81\x0a\x00\x00\x05\xff\x00\x00\x00\x00\x00\x00\x00", 18);
	pc_put(&f, "\x01\x02\x00\x0e\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 18);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a Set of IP 0.0.0.0 (reset): not said either */
	begin(&f, 0xfefd, 4, 0);
	block(&f, 1, 2, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 12);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, 50, "pndcp.role", "dcp-client");
	/* a Set of other settings (DeviceVendorValue cannot be set; signal; reset) */
	begin(&f, 0xfefd, 4, 0);
	block(&f, 2, 1, "X", 1);
	block(&f, 5, 3, "\x01\x00", 2);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);

	/* "request not supported" responses: nothing */
	begin(&f, 0xfeff, 5, 5);
	block(&f, 2, 2, "x", 1);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	begin(&f, 0xfefd, 3, 5);
	block(&f, 2, 2, "x", 1);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* no blocks at all */
	begin(&f, 0xfeff, 5, 1);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- truncated prefixes -------------------------------------------------- */

START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
		size_t end; /* where the DCP data ends: past it is Ethernet padding */
	} vec[] = {
		{VEC(ip_ident_res), 106}, {VEC(ip_ident_req), 16}, {VEC(ip_set_req), 30}, {VEC(ip_set_res), 20},
		{VEC(wb_ident_res), 196}, {VEC(wb_ident_req), 16}, {VEC(wb_set_req), 32}, {VEC(wb_set_res), 28},
	};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		size_t full;

		ck_assert_int_eq(run(vec[v].b, vec[v].n), HK_PARSE_OK);
		full = res.sink.n;
		ck_assert_uint_le(vec[v].end, vec[v].n);
		pc_every_prefix(proto_pndcp_parse, vec[v].b, vec[v].end, &ctx, PC_TRUNCATED, false, "vector %zu", v);
		for (size_t k = vec[v].end; k < vec[v].n; k++) {
			/* only padding is missing */
			ck_assert_int_eq(run(vec[v].b, k), HK_PARSE_OK);
			ck_assert_uint_eq(res.sink.n, full);
		}
	}
}
END_TEST

/* ---- lengths that lie ---------------------------------------------------- */

START_TEST(test_lying_lengths)
{
	struct pc_buf f;
	uint8_t b[256];

	/* DCPDataLength past the frame */
	memcpy(b, ip_ident_res, sizeof(ip_ident_res));
	b[11] = 0x5f;
	ck_assert_int_eq(run(b, sizeof(ip_ident_res) - 1), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* DCPDataLength shorter than the blocks: the last block does not fit */
	b[11] = 0x5d;
	ck_assert_int_eq(run(b, sizeof(ip_ident_res) - 1), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a block length past the data */
	memcpy(b, ip_ident_res, sizeof(ip_ident_res));
	b[15] = 0x1d;
	ck_assert_int_eq(run(b, sizeof(ip_ident_res) - 1), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* blocks too short for their fixed fields: DeviceID, DeviceRole, IP, MAC, instance */
	static const struct {
		uint8_t sub_opt, sub;
		size_t n;
	} shorts[] = {{2, 3, 3}, {2, 4, 0}, {1, 2, 11}, {1, 3, 27}, {1, 1, 5}, {2, 7, 1}, {2, 8, 2}};
	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++) {
		begin(&f, 0xfeff, 5, 1);
		block(&f, 2, 2, "ok-name", 7);
		block(&f, shorts[i].sub_opt, shorts[i].sub, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"
							   "\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b",
		      shorts[i].n);
		finish(&f);
		ck_assert_msg(run(f.b, f.n) == HK_PARSE_MALFORMED, "short block %zu", i);
		ck_assert_uint_eq(res.sink.n, 0);
	}
	/* a block shorter than its BlockInfo */
	begin(&f, 0xfeff, 5, 1);
	pc_put(&f, "\x02\x02\x00\x01\x00\x00", 6);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_MALFORMED);
	/* a block header cut inside the data */
	begin(&f, 0xfeff, 5, 1);
	pc_put(&f, "\x02\x02\x00", 3);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_MALFORMED);
	/* the last block of odd length without its padding: fine */
	begin(&f, 0xfeff, 5, 1);
	pc_put(&f, "\x02\x02\x00\x05\x00\x00" "abc", 9);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "pndcp.name_of_station", "abc");
	/* services that do not suit their FrameID */
	begin(&f, 0xfeff, 5, 0); /* an Identify request on the response FrameID */
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_MALFORMED);
	begin(&f, 0xfefe, 5, 1);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_MALFORMED);
	begin(&f, 0xfefe, 4, 0);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_MALFORMED);
	begin(&f, 0xfefc, 6, 1);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_MALFORMED);
	begin(&f, 0xfefd, 5, 0);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_MALFORMED);
	begin(&f, 0xfeff, 5, 0x81); /* reserved ServiceType bits */
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- counts -------------------------------------------------------------- */

START_TEST(test_block_counts)
{
	struct pc_buf f;

	/* MAX blocks, the name last: read */
	begin(&f, 0xfeff, 5, 1);
	for (int i = 0; i < PNDCP_BLOCKS_MAX - 1; i++)
		block(&f, 2, 5, "\x02\x02", 2); /* DeviceOptions: not read */
	block(&f, 2, 2, "last", 4);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "pndcp.name_of_station", "last");
	/* MAX + 1: the last is not read (nor checked) */
	begin(&f, 0xfeff, 5, 1);
	for (int i = 0; i < PNDCP_BLOCKS_MAX; i++)
		block(&f, 2, 5, "\x02\x02", 2);
	block(&f, 2, 2, "last", 4);
	pc_put(&f, "\x02\x02\xff", 3);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a DeviceRole of all bits: each role, the PLC once */
	begin(&f, 0xfeff, 5, 1);
	block(&f, 2, 4, "\xff\x00", 2);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	EXPECT(2, HK_OBS_RAW, 50, "pndcp.role", "io-multidevice");
	EXPECT(4, HK_OBS_ROLE, 70, "pndcp.role", "plc");
	/* role 0: nothing */
	begin(&f, 0xfeff, 5, 1);
	block(&f, 2, 4, "\x00\x00", 2);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- strings ------------------------------------------------------------- */

START_TEST(test_strings)
{
	struct pc_buf f;
	uint8_t big[300];

	begin(&f, 0xfeff, 5, 1);
	block(&f, 2, 1, "S7\x00" "1500\xe9\\", 9);
	block(&f, 2, 2, "\x00\x00", 2); /* NULs only: nothing */
	block(&f, 2, 2, "", 0);
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_MODEL, 80, "pndcp.vendor_value", "S7\\x001500\\xe9\\\\");

	memset(big, 0x80, sizeof(big));
	begin(&f, 0xfeff, 5, 1);
	block(&f, 2, 2, big, sizeof(big));
	finish(&f);
	ck_assert_int_eq(run(f.b, f.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_uint_le(strlen(res.obs[0].value), HK_OBS_VALUE_MAX - 1);
	ck_assert_uint_eq(strlen(res.obs[0].value) % 4, 0);
}
END_TEST

/* ---- not DCP ------------------------------------------------------------- */

START_TEST(test_not_dcp)
{
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("\xfe", 1), HK_PARSE_TRUNCATED);
	/* cyclic RT data (FrameID 0x8000), an alarm (0xfc01), PTCP (0xff40): other PROFINET */
	ck_assert_int_eq(run("\x80\x00\x01\x02\x03\x04\x05\x06\x00\x00\x35\x00", 12), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\xfc\x01\x00\x01\x02", 5), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\xff\x40\x00\x00", 4), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("\xfe\xfb\x05\x01", 4), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- against tshark ------------------------------------------------------ */

START_TEST(test_against_tshark)
{
	static const struct {
		const char *pcap;
		int frame;
		const char *want; /* devicevendorvalue, nameofstation, vendor_id, device_id, role, ip */
	} cmp[] = {
		{"iti_ChangeIPUsingDCP.pcap", 2, "INC\tX208-BORD\t0x002a\t0x0a01\t0x01\t192.168.0.6"},
		{"iti_ChangeIPUsingDCP.pcap", 3, "\t\t\t\t\t192.168.0.10"},
		{"iti_profinet-wireshark-bug.pcap", 2, "S7-300EC\t%n%n%n \t0x002a\t0x0101\t0x02\t192.168.0.11"},
		{"iti_profinet-wireshark-bug.pcap", 3, "\t%n%n%n \t\t\t\t"},
	};
	char line[1024];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		if (!pc_tshark_frame(cmp[i].pcap, cmp[i].frame,
				     "-T fields -e pn_dcp.suboption_device_devicevendorvalue "
				     "-e pn_dcp.suboption_device_nameofstation -e pn_dcp.suboption_vendor_id "
				     "-e pn_dcp.suboption_device_id -e pn_dcp.suboption_device_role "
				     "-e pn_dcp.suboption_ip_ip",
				     line, sizeof(line)))
			return; /* no tshark or no captures here */
		ck_assert_msg(strcmp(line, cmp[i].want) == 0, "%s frame %d: tshark '%s'", cmp[i].pcap, cmp[i].frame,
			      line);
	}
	/* and our vectors are those frames' bytes after the ethertype */
	{
		static const struct {
			const char *pcap;
			int frame;
			const uint8_t *b;
			size_t n;
		} raw[] = {
			{"iti_ChangeIPUsingDCP.pcap", 1, VEC(ip_ident_req)},
			{"iti_ChangeIPUsingDCP.pcap", 2, VEC(ip_ident_res)},
			{"iti_ChangeIPUsingDCP.pcap", 3, VEC(ip_set_req)},
			{"iti_ChangeIPUsingDCP.pcap", 4, VEC(ip_set_res)},
			{"iti_profinet-wireshark-bug.pcap", 1, VEC(wb_ident_req)},
			{"iti_profinet-wireshark-bug.pcap", 2, VEC(wb_ident_res)},
			{"iti_profinet-wireshark-bug.pcap", 3, VEC(wb_set_req)},
			{"iti_profinet-wireshark-bug.pcap", 4, VEC(wb_set_res)},
		};
		char dump[8192];

		for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
			uint8_t bytes[512];
			size_t nb = 0;

			ck_assert(pc_tshark_frame(raw[i].pcap, raw[i].frame, "-x", dump, sizeof(dump)));
			/* "0000  aa bb ...  ascii": up to 16 hex pairs after the offset */
			for (char *ln = strtok(dump, "\n"); ln; ln = strtok(NULL, "\n")) {
				unsigned off, x;
				if (sscanf(ln, "%4x", &off) != 1 || strlen(ln) < 6 || off != nb)
					continue;
				for (const char *q = ln + 6; nb < sizeof(bytes) && q[0] && q[0] != ' ' &&
							     sscanf(q, "%2x", &x) == 1;
				     q += 3)
					bytes[nb++] = (uint8_t)x;
			}
			ck_assert_uint_ge(nb, raw[i].n);
			ck_assert_msg(memcmp(bytes + nb - raw[i].n, raw[i].b, raw[i].n) == 0, "%s frame %d",
				      raw[i].pcap, raw[i].frame);
		}
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("proto_pndcp");
	TCase *tc = tcase_create("pndcp");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_identify_response);
	tcase_add_test(tc, test_requests_and_set);
	tcase_add_test(tc, test_hello_get_and_more);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_block_counts);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_not_dcp);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(suite());
}
