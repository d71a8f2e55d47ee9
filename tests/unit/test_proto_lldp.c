/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LLDP parser (src/proto/lldp.c): real LLDPDUs from the shared captures
 * with their exact observations, every truncated prefix of them, mandatory
 * TLV order and sizes, lying lengths, TLV counts at 0, MAX and MAX+1,
 * strings with NUL and non-ASCII bytes, LLDP-MED inventory and not-LLDP
 * input. Every input is an exactly-sized heap copy, so a one-byte over-read
 * is an AddressSanitizer report. Where tshark and the captures are at hand
 * the same frames are compared with tshark's reading.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define LLDP_TLVS_MAX 256 /* as in src/proto/lldp.c */

/*
 * zeek_lldp.pcap frame 1 (SMC GS8P switch), the bytes after the ethertype.
 * tshark: chassis 00:22:2d:81:db:10, port "1", port desc "Port #1",
 * sysname "SMCGS8P-Smart", sysdesc "SMCGS8P-Smart - SMCGS8P-Smart v3.20",
 * enabled capabilities 0x0004 (bridge), management address 192.168.2.10.
 */
static const uint8_t zeek_lldp[] =
	/* 02 07: type 1 (Chassis ID) << 9 | length 7
	 * 04: subtype 4 (MAC address), 00:22:2d:81:db:10 */
	"\x02\x07\x04\x00\x22\x2d\x81\xdb\x10"
	/* 04 02: type 2 (Port ID), length 2; 07: subtype 7 (locally assigned), "1" */
	"\x04\x02\x07" "1"
	/* 06 02: type 3 (TTL), length 2; 00 78: 120 seconds */
	"\x06\x02\x00\x78"
	/* 08 07: type 4 (Port Description), length 7 */
	"\x08\x07" "Port #1"
	/* 0a 0d: type 5 (System Name), length 13 */
	"\x0a\x0d" "SMCGS8P-Smart"
	/* 0c 23: type 6 (System Description), length 35 */
	"\x0c\x23" "SMCGS8P-Smart - SMCGS8P-Smart v3.20"
	/* 0e 04: type 7 (System Capabilities), length 4;
	 * 00 04: capable of bridge; 00 04: bridge enabled */
	"\x0e\x04\x00\x04\x00\x04"
	/* 10 0c: type 8 (Management Address), length 12;
	 * 05: address string length (subtype + 4); 01: IPv4; c0 a8 02 0a: 192.168.2.10;
	 * 02: interface subtype ifIndex; 00 00 00 01: ifIndex 1; 00: no OID */
	"\x10\x0c\x05\x01\xc0\xa8\x02\x0a\x02\x00\x00\x00\x01\x00"
	/* 00 00: End of LLDPDU */
	"\x00\x00";

/* what follows the End TLV in that frame (the FCS): must be ignored */
static const uint8_t zeek_lldp_trailer[] = "\xbb\x14\x27\x2c";

/*
 * arkime_wireshark-lldp.pcap frame 3 (HP ProCurve 2600-8-PWR): LLDP-MED
 * capabilities with device class 4 (network connectivity), network policy,
 * civic location, extended power. tshark: chassis 00:13:21:57:ca:40,
 * port "1", capabilities 0x0014, enabled 0x0004, management 15.255.122.148.
 */
static const uint8_t procurve[] =
	/* Chassis ID: MAC 00:13:21:57:ca:40 */
	"\x02\x07\x04\x00\x13\x21\x57\xca\x40"
	/* Port ID: locally assigned "1" */
	"\x04\x02\x07" "1"
	/* TTL 120 */
	"\x06\x02\x00\x78"
	/* Port Description "1" */
	"\x08\x01" "1"
	/* System Name */
	"\x0a\x1a" "ProCurve Switch 2600-8-PWR"
	/* System Description (95 bytes) */
	"\x0c\x5f" "ProCurve J8762A Switch 2600-8-PWR, revision H.08.89, ROM H.08.5X "
	"(/sw/code/build/fish(ts_08_5))"
	/* System Capabilities: capable 0x0014 (bridge, router), enabled 0x0004 (bridge) */
	"\x0e\x04\x00\x14\x00\x04"
	/* Management Address: IPv4 15.255.122.148, ifIndex 0, no OID */
	"\x10\x0c\x05\x01\x0f\xff\x7a\x94\x02\x00\x00\x00\x00\x00"
	/* 802.3 (00-12-0f) MAC/PHY: autoneg 03, advertised 6c00, MAU 0010 */
	"\xfe\x09\x00\x12\x0f\x01\x03\x6c\x00\x00\x10"
	/* MED (00-12-bb) capabilities 000f, device class 04 (network connectivity) */
	"\xfe\x07\x00\x12\xbb\x01\x00\x0f\x04"
	/* MED network policy: voice */
	"\xfe\x08\x00\x12\xbb\x02\x01\x40\x65\xae"
	/* MED location: civic address (US, CA, Roseville, Foothills, 8000, R3L) */
	"\xfe\x2e\x00\x12\xbb\x03\x02\x28\x02\x55\x53\x01\x02\x43\x41\x03\x09\x52\x6f\x73\x65\x76"
	"\x69\x6c\x6c\x65\x06\x09\x46\x6f\x6f\x74\x68\x69\x6c\x6c\x73\x13\x04\x38\x30\x30\x30\x1a"
	"\x03\x52\x33\x4c"
	/* MED extended power via MDI: 6500 mW */
	"\xfe\x07\x00\x12\xbb\x04\x03\x00\x41"
	/* End */
	"\x00\x00";

/*
 * arkime_wireshark-lldp.pcap frame 2 (Extreme Summit300-48): strings carry
 * a C terminator, which tshark does not show; 802.3 Power via MDI says PSE.
 */
static const uint8_t extreme[] =
	/* Chassis ID: MAC 00:01:30:f9:ad:a0 */
	"\x02\x07\x04\x00\x01\x30\xf9\xad\xa0"
	/* Port ID: subtype 5 (interface name) "1/1" */
	"\x04\x04\x05" "1/1"
	/* TTL 120 */
	"\x06\x02\x00\x78"
	/* Port Description, NUL-terminated */
	"\x08\x17" "Summit300-48-Port 1001\x00"
	/* System Name, NUL-terminated */
	"\x0a\x0d" "Summit300-48\x00"
	/* System Description, NUL-terminated */
	"\x0c\x4c"
	"Summit300-48 - Version 7.4e.1 (Build 5) by Release_Master 05/27/05 04:53:11\x00"
	/* System Capabilities: capable and enabled 0x0014 (bridge, router) */
	"\x0e\x04\x00\x14\x00\x14"
	/* Management Address: subtype 6 (802 MAC) 00:01:30:f9:ad:a0, ifIndex 1001 */
	"\x10\x0e\x07\x06\x00\x01\x30\xf9\xad\xa0\x02\x00\x00\x03\xe9\x00"
	/* 802.3 Power via MDI: support 07 (port class PSE), pair 1, class 0 */
	"\xfe\x07\x00\x12\x0f\x02\x07\x01\x00"
	/* 802.3 MAC/PHY */
	"\xfe\x09\x00\x12\x0f\x01\x03\x6c\x00\x00\x10"
	/* 802.3 Link Aggregation */
	"\xfe\x09\x00\x12\x0f\x03\x01\x00\x00\x00\x00"
	/* 802.3 Maximum Frame Size 1522 */
	"\xfe\x06\x00\x12\x0f\x04\x05\xf2"
	/* 802.1 (00-80-c2) Port VLAN ID, Port and Protocol VLAN, VLAN name, Protocol identity */
	"\xfe\x06\x00\x80\xc2\x01\x01\xe8"
	"\xfe\x07\x00\x80\xc2\x02\x01\x00\x00"
	"\xfe\x17\x00\x80\xc2\x03\x01\xe8\x10\x76\x32\x2d\x30\x34\x38\x38\x2d\x30\x33\x2d\x30\x35"
	"\x30\x35\x00"
	"\xfe\x05\x00\x80\xc2\x04\x00"
	/* End */
	"\x00\x00";

/*
 * tcpdump_lldp_mudurl.pcap frame 1 (lldpd on Ubuntu): IPv6 management
 * address and an RFC 8520 MUD URL (IANA OUI 00-00-5e, subtype 1).
 * tshark: enabled capabilities 0x0008 (WLAN AP), 62.12.173.114,
 * 2001:8a8:1006:4:223:54ff:fec2:5702.
 */
static const uint8_t mudurl[] =
	/* Chassis ID: MAC 00:23:54:c2:57:02 */
	"\x02\x07\x04\x00\x23\x54\xc2\x57\x02"
	/* Port ID: subtype 3 (MAC address) 00:23:54:c2:57:02 */
	"\x04\x07\x03\x00\x23\x54\xc2\x57\x02"
	/* TTL 120 */
	"\x06\x02\x00\x78"
	/* System Name */
	"\x0a\x1c" "upstairs.ofcourseimright.com"
	/* System Description (92 bytes) */
	"\x0c\x5c" "Ubuntu 14.04.5 LTS Linux 3.13.0-106-generic #153-Ubuntu SMP Tue Dec 6 15:45:13 UTC 2016 "
	"i686"
	/* System Capabilities: capable 0x009c, enabled 0x0008 (WLAN AP) */
	"\x0e\x04\x00\x9c\x00\x08"
	/* Management Address: IPv4 62.12.173.114, ifIndex 2 */
	"\x10\x0c\x05\x01\x3e\x0c\xad\x72\x02\x00\x00\x00\x02\x00"
	/* Management Address: string length 17, IPv6 2001:8a8:1006:4:223:54ff:fec2:5702, ifIndex 2 */
	"\x10\x18\x11\x02\x20\x01\x08\xa8\x10\x06\x00\x04\x02\x23\x54\xff\xfe\xc2\x57\x02\x02\x00"
	"\x00\x00\x02\x00"
	/* Port Description */
	"\x08\x04" "eth0"
	/* 802.3 Link Aggregation, MAC/PHY */
	"\xfe\x09\x00\x12\x0f\x03\x01\x00\x00\x00\x00"
	"\xfe\x09\x00\x12\x0f\x01\x03\xec\xc3\x00\x10"
	/* IANA (00-00-5e) subtype 1: MUD URL */
	"\xfe\x40\x00\x00\x5e\x01" "https://imright.mud.example.com/.well-known/mud/v1/vomitv2.0"
	/* End */
	"\x00\x00";

/* arkime_wireshark-lldp.pcap frame 1: four TTL TLVs (tshark: "Duplicate
 * Time-To-Live TLV"), then End and padding */
static const uint8_t dup_ttl[] =
	"\x02\x07\x04\x00\x04\x96\x1f\xa7\x26"
	"\x04\x04\x05" "1/3"
	"\x06\x02\x00\x78"
	"\x06\x02\x00\x01"
	"\x06\x02\x00\x02"
	"\x06\x02\x00\x03"
	"\x00\x00"
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xaa\xbb";

/* tcpdump_lldp_8021_linkagg.pcap frame 1: an 802.1 link aggregation TLV
 * alone, no mandatory TLVs (tshark: "Invalid Chassis ID (0x7F)") */
static const uint8_t linkagg_only[] = "\xfe\x09\x00\x80\xc2\x07\x03\x00\x00\x00\x64";


static struct pc_result res;
static const struct hk_parse_ctx lldp_ctx = {.l4 = 0, .ethertype = 0x88cc};

static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_lldp_parse, bytes, n, ctx, &res);
}

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &lldp_ctx);
}

#define EXPECT(i, k, conf, src, val) PC_EXPECT(&res, i, k, HK_SIDE_SRC, conf, src, val)

/* ---- a small LLDPDU builder for the synthetic cases --------------------- */

/* a TLV header with any (possibly lying) length, then the bytes given */
static void tlv_raw(struct pc_buf *p, unsigned type, unsigned len, const void *v, size_t n)
{
	uint8_t h[2] = {(uint8_t)((type << 1) | (len >> 8)), (uint8_t)(len & 0xff)};

	pc_put(p, h, 2);
	pc_put(p, v, n);
}

static void tlv(struct pc_buf *p, unsigned type, const void *v, size_t n)
{
	tlv_raw(p, type, (unsigned)n, v, n);
}

/* chassis MAC 02:00:00:00:00:01, port "p1", TTL 120 */
static void mandatory(struct pc_buf *p)
{
	p->n = 0;
	tlv(p, 1, "\x04\x02\x00\x00\x00\x00\x01", 7);
	tlv(p, 2, "\x07p1", 3);
	tlv(p, 3, "\x00\x78", 2);
}

static void end(struct pc_buf *p)
{
	pc_put(p, "\x00\x00", 2);
}

/*
 * A broken TLV of this type between the mandatory ones and a system name:
 * it is dropped on its own, the PDU is MALFORMED, and the TLVs around it
 * still speak.
 */
static void expect_tlv_dropped(unsigned type, const char *v, size_t n, size_t case_no)
{
	struct pc_buf p = {.n = 0};

	mandatory(&p);
	tlv(&p, type, v, n);
	tlv(&p, 5, "sw1", 3);
	end(&p);
	ck_assert_msg(run(p.b, p.n) == HK_PARSE_MALFORMED, "type %u case %zu", type, case_no);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(2, HK_OBS_HOSTNAME, 80, "lldp.sysname", "sw1");
}

/* ---- real PDUs ----------------------------------------------------------- */

START_TEST(test_zeek_lldp)
{
	ck_assert_int_eq(run(VEC(zeek_lldp)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 7);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "00:22:2d:81:db:10");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "1");
	EXPECT(2, HK_OBS_RAW, 50, "lldp.port_desc", "Port #1");
	EXPECT(3, HK_OBS_HOSTNAME, 80, "lldp.sysname", "SMCGS8P-Smart");
	EXPECT(4, HK_OBS_SOFTWARE, 50, "lldp.sysdesc", "SMCGS8P-Smart - SMCGS8P-Smart v3.20");
	EXPECT(5, HK_OBS_ROLE, 70, "lldp.capabilities", "switch");
	EXPECT(6, HK_OBS_IP, 80, "lldp.mgmt_addr", "192.168.2.10");
	ck_assert_uint_eq(res.sink.n_dropped, 0);

	/* the frame's FCS after the End TLV changes nothing */
	{
		struct pc_buf p = {.n = 0};
		pc_put(&p, VEC(zeek_lldp));
		pc_put(&p, VEC(zeek_lldp_trailer));
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 7);
	}
}
END_TEST

START_TEST(test_procurve_med)
{
	ck_assert_int_eq(run(VEC(procurve)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 7);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "00:13:21:57:ca:40");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "1");
	EXPECT(2, HK_OBS_RAW, 50, "lldp.port_desc", "1");
	EXPECT(3, HK_OBS_HOSTNAME, 80, "lldp.sysname", "ProCurve Switch 2600-8-PWR");
	EXPECT(4, HK_OBS_SOFTWARE, 50, "lldp.sysdesc",
	       "ProCurve J8762A Switch 2600-8-PWR, revision H.08.89, ROM H.08.5X (/sw/code/build/fish(ts_08_5))");
	/* capable of routing, but only bridging is enabled */
	EXPECT(5, HK_OBS_ROLE, 70, "lldp.capabilities", "switch");
	EXPECT(6, HK_OBS_IP, 80, "lldp.mgmt_addr", "15.255.122.148");
	/* MED class 4 (network connectivity), policy, location, power: nothing more */
}
END_TEST

START_TEST(test_extreme_nul_terminated)
{
	ck_assert_int_eq(run(VEC(extreme)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 8);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "00:01:30:f9:ad:a0");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "1/1");
	/* the C terminators are dropped, as tshark shows them */
	EXPECT(2, HK_OBS_RAW, 50, "lldp.port_desc", "Summit300-48-Port 1001");
	EXPECT(3, HK_OBS_HOSTNAME, 80, "lldp.sysname", "Summit300-48");
	EXPECT(4, HK_OBS_SOFTWARE, 50, "lldp.sysdesc",
	       "Summit300-48 - Version 7.4e.1 (Build 5) by Release_Master 05/27/05 04:53:11");
	EXPECT(5, HK_OBS_ROLE, 70, "lldp.capabilities", "router");
	EXPECT(6, HK_OBS_ROLE, 70, "lldp.capabilities", "switch");
	/* the MAC management address names no IP; Power via MDI port class PSE */
	EXPECT(7, HK_OBS_RAW, 50, "lldp.poe", "pse");
}
END_TEST

START_TEST(test_mudurl)
{
	ck_assert_int_eq(run(VEC(mudurl)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 9);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "00:23:54:c2:57:02");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "00:23:54:c2:57:02");
	EXPECT(2, HK_OBS_HOSTNAME, 80, "lldp.sysname", "upstairs.ofcourseimright.com");
	EXPECT(3, HK_OBS_SOFTWARE, 50, "lldp.sysdesc",
	       "Ubuntu 14.04.5 LTS Linux 3.13.0-106-generic #153-Ubuntu SMP Tue Dec 6 15:45:13 UTC 2016 i686");
	EXPECT(4, HK_OBS_ROLE, 70, "lldp.capabilities", "access-point");
	EXPECT(5, HK_OBS_IP, 80, "lldp.mgmt_addr", "62.12.173.114");
	EXPECT(6, HK_OBS_IP, 80, "lldp.mgmt_addr", "2001:8a8:1006:4:223:54ff:fec2:5702");
	EXPECT(7, HK_OBS_RAW, 50, "lldp.port_desc", "eth0");
	EXPECT(8, HK_OBS_RAW, 50, "lldp.mud_url", "https://imright.mud.example.com/.well-known/mud/v1/vomitv2.0");
}
END_TEST

START_TEST(test_real_malformed)
{
	/* a repeated mandatory TLV: the whole PDU is refused, nothing is said */
	ck_assert_int_eq(run(VEC(dup_ttl)), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* no chassis ID first */
	ck_assert_int_eq(run(VEC(linkagg_only)), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/*
 * Every prefix of each real PDU, in an exactly-sized buffer: TRUNCATED (the
 * End TLV is what says the PDU is whole), and whatever was said is what the
 * whole PDU says, in the same order: never garbage.
 */
START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {{VEC(zeek_lldp)}, {VEC(procurve)}, {VEC(extreme)}, {VEC(mudurl)}};

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		ck_assert_int_eq(run(vec[v].b, vec[v].n), HK_PARSE_OK);
		pc_every_prefix(proto_lldp_parse, vec[v].b, vec[v].n, &lldp_ctx, PC_TRUNCATED, true, "vector %zu", v);
	}
}
END_TEST

/* ---- framing ------------------------------------------------------------- */

START_TEST(test_mandatory_order)
{
	struct pc_buf p = {.n = 0};

	/* port ID first */
	tlv(&p, 2, "\x07p1", 3);
	tlv(&p, 1, "\x04\x02\x00\x00\x00\x00\x01", 7);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* chassis, TTL, port */
	p.n = 0;
	tlv(&p, 1, "\x04\x02\x00\x00\x00\x00\x01", 7);
	tlv(&p, 3, "\x00\x78", 2);
	tlv(&p, 2, "\x07p1", 3);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);

	/* no TTL: End right after the port ID */
	p.n = 0;
	tlv(&p, 1, "\x04\x02\x00\x00\x00\x00\x01", 7);
	tlv(&p, 2, "\x07p1", 3);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);

	/* a system name before the TTL */
	p.n = 0;
	tlv(&p, 1, "\x04\x02\x00\x00\x00\x00\x01", 7);
	tlv(&p, 2, "\x07p1", 3);
	tlv(&p, 5, "name", 4);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* End alone (Ethernet padding of zeros) */
	ck_assert_int_eq(run("\x00\x00\x00\x00", 4), HK_PARSE_MALFORMED);

	/* a second chassis ID or port ID later on */
	for (unsigned t = 1; t <= 3; t++) {
		mandatory(&p);
		tlv(&p, 5, "name", 4);
		tlv(&p, t, t == 3 ? "\x00\x78" : "\x07x", 2);
		end(&p);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 0);
	}

	/* the minimal valid PDU */
	mandatory(&p);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "02:00:00:00:00:01");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "p1");
}
END_TEST

START_TEST(test_mandatory_lengths)
{
	struct pc_buf p = {.n = 0};
	uint8_t big[300];

	memset(big, 'a', sizeof(big));
	big[0] = 7;

	/* chassis ID of 0 and 1 bytes (no ID after the subtype) */
	for (unsigned len = 0; len < 2; len++) {
		p.n = 0;
		tlv(&p, 1, "\x07", len);
		tlv(&p, 2, "\x07p1", 3);
		tlv(&p, 3, "\x00\x78", 2);
		end(&p);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	}
	/* chassis ID of 256 bytes is the most there can be; 257 is too long */
	p.n = 0;
	tlv(&p, 1, big, 256);
	tlv(&p, 2, "\x07p1", 3);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(strlen(res.obs[0].value), 255);
	p.n = 0;
	tlv(&p, 1, big, 257);
	tlv(&p, 2, "\x07p1", 3);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	/* port ID of 1 byte */
	p.n = 0;
	tlv(&p, 1, "\x04\x02\x00\x00\x00\x00\x01", 7);
	tlv(&p, 2, "\x07", 1);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	/* TTL of 1 byte */
	p.n = 0;
	tlv(&p, 1, "\x04\x02\x00\x00\x00\x00\x01", 7);
	tlv(&p, 2, "\x07p1", 3);
	tlv(&p, 3, "\x00", 1);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	/* End with a length */
	mandatory(&p);
	tlv(&p, 0, "\x00\x00", 2);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_lying_lengths)
{
	struct pc_buf p = {.n = 0};

	/* a system name that says 511 bytes and has 4 */
	mandatory(&p);
	tlv_raw(&p, 5, 511, "name", 4);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
	/* what came before the cut is still said */
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "02:00:00:00:00:01");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "p1");

	/* a chassis ID longer than the PDU */
	p.n = 0;
	tlv_raw(&p, 1, 200, "\x04\x02\x00\x00\x00\x00\x01", 7);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* a PDU that stops cleanly after a TLV but has no End: cut or 2016-style,
	 * we cannot tell; what was read is said */
	mandatory(&p);
	tlv(&p, 5, "name", 4);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(2, HK_OBS_HOSTNAME, 80, "lldp.sysname", "name");
}
END_TEST

START_TEST(test_tlv_counts)
{
	struct pc_buf p = {.n = 0};

	/* no TLV at all */
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* one byte */
	ck_assert_int_eq(run("\x02", 1), HK_PARSE_TRUNCATED);

	/* LLDP_TLVS_MAX TLVs, End included: 3 mandatory, reserved type 9 fillers */
	mandatory(&p);
	for (size_t i = 0; i < LLDP_TLVS_MAX - 4; i++)
		tlv(&p, 9, "", 0);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);

	/* one more */
	mandatory(&p);
	for (size_t i = 0; i < LLDP_TLVS_MAX - 3; i++)
		tlv(&p, 9, "", 0);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- TLV contents -------------------------------------------------------- */

START_TEST(test_id_subtypes)
{
	struct pc_buf p = {.n = 0};

	/* chassis: network address IPv4; port: network address IPv6 */
	tlv(&p, 1, "\x05\x01\xc0\x00\x02\x01", 6);
	tlv(&p, 2, "\x04\x02" "\x20\x01\x0d\xb8\x00\x00\x00\x00" "\x00\x00\x00\x00\x00\x00\x00\x01", 18);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "192.0.2.1");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "2001:db8::1");

	/* chassis: an EUI-64 "MAC"; a network address of unknown family and one of
	 * the wrong size go out as hex; port: MAC subtype 3 */
	p.n = 0;
	tlv(&p, 1, "\x04\x02\x00\x00\xff\xfe\x00\x00\x01", 9);
	tlv(&p, 2, "\x03\x02\x00\x00\x00\x00\x02", 7);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "02:00:00:ff:fe:00:00:01");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "02:00:00:00:00:02");

	p.n = 0;
	tlv(&p, 1, "\x05\x03\x01\x02", 4);
	tlv(&p, 2, "\x04\x01\x0a\x00\x00", 5);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "03:01:02");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "01:0a:00:00");

	/* chassis component (1), interface name (6), locally assigned (7): strings */
	p.n = 0;
	tlv(&p, 1, "\x01" "SN-123", 7);
	tlv(&p, 2, "\x05" "ge-0/0/1", 9);
	tlv(&p, 3, "\x00\x78", 2);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(0, HK_OBS_RAW, 50, "lldp.chassis_id", "SN-123");
	EXPECT(1, HK_OBS_RAW, 50, "lldp.port_id", "ge-0/0/1");

	/* a MAC ID of 255 bytes is cut at a byte boundary within the value */
	{
		uint8_t id[256];
		memset(id, 0xab, sizeof(id));
		id[0] = 4;
		p.n = 0;
		tlv(&p, 1, id, sizeof(id));
		tlv(&p, 2, "\x07p1", 3);
		tlv(&p, 3, "\x00\x78", 2);
		end(&p);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
		ck_assert_uint_le(strlen(res.obs[0].value), HK_OBS_VALUE_MAX - 1);
		ck_assert_uint_eq(strlen(res.obs[0].value) % 3, 2);
		ck_assert(strncmp(res.obs[0].value, "ab:ab:ab", 8) == 0);
	}
}
END_TEST

START_TEST(test_strings)
{
	struct pc_buf p = {.n = 0};
	uint8_t longname[511];

	/* NUL inside, non-ASCII, backslash, newline: escaped */
	mandatory(&p);
	tlv(&p, 5, "ab\x00" "c\xe9\\\n", 7);
	/* trailing NUL padding: dropped */
	tlv(&p, 6, "desc\x00\x00\x00", 7);
	/* NULs only: nothing to say */
	tlv(&p, 4, "\x00\x00", 2);
	/* a NUL with text after it is not padding */
	tlv(&p, 4, "x\x00y\x00", 4);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	EXPECT(2, HK_OBS_HOSTNAME, 80, "lldp.sysname", "ab\\x00c\\xe9\\\\\\x0a");
	EXPECT(3, HK_OBS_SOFTWARE, 50, "lldp.sysdesc", "desc");
	EXPECT(4, HK_OBS_RAW, 50, "lldp.port_desc", "x\\x00y");

	/* the longest TLV: cut to the value size at a character boundary */
	memset(longname, 0xff, sizeof(longname));
	mandatory(&p);
	tlv(&p, 6, longname, sizeof(longname));
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	ck_assert_uint_le(strlen(res.obs[2].value), HK_OBS_VALUE_MAX - 1);
	ck_assert_uint_eq(strlen(res.obs[2].value) % 4, 0);
}
END_TEST

START_TEST(test_capabilities)
{
	struct pc_buf p = {.n = 0};

	/* every enabled role bit: other, repeater, bridge, AP, router, phone, DOCSIS,
	 * station only, C-VLAN, S-VLAN, TPMR */
	mandatory(&p);
	tlv(&p, 7, "\x07\xff\x07\xff", 4);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 6);
	EXPECT(2, HK_OBS_ROLE, 70, "lldp.capabilities", "router");
	EXPECT(3, HK_OBS_ROLE, 70, "lldp.capabilities", "switch");
	EXPECT(4, HK_OBS_ROLE, 70, "lldp.capabilities", "access-point");
	EXPECT(5, HK_OBS_ROLE, 70, "lldp.capabilities", "phone");

	/* station only, repeater, other, DOCSIS, TPMR: no role */
	mandatory(&p);
	tlv(&p, 7, "\x04\xc3\x04\xc3", 4);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);

	/* capable of everything, nothing enabled */
	mandatory(&p);
	tlv(&p, 7, "\xff\xff\x00\x00", 4);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);

	/* a C-VLAN component alone is a switch */
	mandatory(&p);
	tlv(&p, 7, "\x01\x00\x01\x00", 4);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	EXPECT(2, HK_OBS_ROLE, 70, "lldp.capabilities", "switch");

	/* wrong sizes: the TLV is dropped, the rest stands, the PDU is MALFORMED */
	for (unsigned len = 0; len < 7; len++) {
		if (len == 4)
			continue;
		mandatory(&p);
		tlv(&p, 7, "\x00\x10\x00\x10\x00\x10", len);
		tlv(&p, 5, "sw1", 3);
		end(&p);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 3);
		EXPECT(2, HK_OBS_HOSTNAME, 80, "lldp.sysname", "sw1");
	}
}
END_TEST

START_TEST(test_mgmt_addr)
{
	struct pc_buf p = {.n = 0};

	/* IPv4, then the same with a 3-byte OID */
	mandatory(&p);
	tlv(&p, 8, "\x05\x01\x0a\x00\x00\x01\x02\x00\x00\x00\x01\x00", 12);
	tlv(&p, 8, "\x05\x01\x0a\x00\x00\x02\x02\x00\x00\x00\x01\x03\x2b\x06\x01", 15);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(2, HK_OBS_IP, 80, "lldp.mgmt_addr", "10.0.0.1");
	EXPECT(3, HK_OBS_IP, 80, "lldp.mgmt_addr", "10.0.0.2");

	/* unspecified, broadcast and multicast addresses and a MAC name nobody */
	mandatory(&p);
	tlv(&p, 8, "\x05\x01\x00\x00\x00\x00\x02\x00\x00\x00\x01\x00", 12);
	tlv(&p, 8, "\x05\x01\xff\xff\xff\xff\x02\x00\x00\x00\x01\x00", 12);
	tlv(&p, 8, "\x05\x01\xe0\x00\x00\x01\x02\x00\x00\x00\x01\x00", 12);
	tlv(&p, 8, "\x07\x06\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x01\x00", 14);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);

	/* each of these contradicts itself: dropped, the PDU MALFORMED, the
	 * system name after it still said */
	static const struct {
		const char *v;
		size_t n;
	} bad[] = {
		/* string length 20 in a 12-byte TLV */
		{"\x14\x01\x0a\x00\x00\x01\x02\x00\x00\x00\x01\x00", 12},
		/* string length 1 (no address) and 0 */
		{"\x01\x01\x02\x00\x00\x00\x01\x00", 8},
		{"\x00\x02\x00\x00\x00\x01\x00", 7},
		/* string length 33 */
		{"\x21\x02"
		 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		 "\x02\x00\x00\x00\x01\x00", 39},
		/* IPv4 of 5 bytes, IPv6 of 4 bytes */
		{"\x06\x01\x0a\x00\x00\x01\x01\x02\x00\x00\x00\x01\x00", 13},
		{"\x05\x02\x0a\x00\x00\x01\x02\x00\x00\x00\x01\x00", 12},
		/* OID length 4 with 3 bytes, OID length 129 */
		{"\x05\x01\x0a\x00\x00\x01\x02\x00\x00\x00\x01\x04\x2b\x06\x01", 15},
		{"\x05\x01\x0a\x00\x00\x01\x02\x00\x00\x00\x01\x81\x2b\x06\x01", 15},
		/* a byte after the OID */
		{"\x05\x01\x0a\x00\x00\x01\x02\x00\x00\x00\x01\x00\x00", 13},
		/* no interface number */
		{"\x05\x01\x0a\x00\x00\x01", 6},
		/* empty */
		{"", 0},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_tlv_dropped(8, bad[i].v, bad[i].n, i);
}
END_TEST

START_TEST(test_org_specific)
{
	struct pc_buf p = {.n = 0};

	/* unknown OUI, 802.1 TLVs, an unknown 802.3 and MED subtype: nothing, OK */
	mandatory(&p);
	tlv(&p, 127, "\x00\x26\xe1\x01\x01", 5);
	tlv(&p, 127, "\x00\x80\xc2\x01\x00\x01", 6);
	tlv(&p, 127, "\x00\x12\x0f\x09", 4);
	tlv(&p, 127, "\x00\x12\xbb\x63\x01\x02", 6);
	tlv(&p, 127, "\x00\x00\x5e\x02" "x", 5);
	/* Power via MDI from a powered device */
	tlv(&p, 127, "\x00\x12\x0f\x02\x0e\x01\x03", 7);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(2, HK_OBS_RAW, 50, "lldp.poe", "pd");

	/* dropped alone, PDU MALFORMED */
	static const struct {
		const char *v;
		size_t n;
	} bad[] = {
		{"\x00\x12\x0f", 3},                     /* no subtype */
		{"", 0},                                  /* nothing */
		{"\x00\x12\x0f\x01\x03\x6c\x00\x00", 8},  /* MAC/PHY of 4 */
		{"\x00\x12\x0f\x02\x07\x01", 6},          /* Power via MDI of 2 */
		{"\x00\x12\x0f\x03\x01\x00\x00\x00", 8},  /* link aggregation of 4 */
		{"\x00\x12\x0f\x04\x05\xf2\x00", 7},      /* max frame size of 3 */
		{"\x00\x12\xbb\x01\x00\x0f", 6},          /* MED capabilities of 2 */
		{"\x00\x00\x5e\x01", 4},                  /* empty MUD URL */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_tlv_dropped(127, bad[i].v, bad[i].n, i);
}
END_TEST

/* An IP phone's LLDP-MED inventory, built from ANSI/TIA-1057 10.2.6. */
START_TEST(test_med_inventory)
{
	struct pc_buf p = {.n = 0};

	mandatory(&p);
	/* capabilities 0x0033 (caps, policy, PD power, inventory), class III */
	tlv(&p, 127, "\x00\x12\xbb\x01\x00\x33\x03", 7);
	tlv(&p, 127, "\x00\x12\xbb\x05" "1.0", 7);
	tlv(&p, 127, "\x00\x12\xbb\x06" "2.1.3", 9);
	tlv(&p, 127, "\x00\x12\xbb\x07" "SIP75.8-4-2S", 16);
	tlv(&p, 127, "\x00\x12\xbb\x08" "FCH1234ABCD", 15);
	tlv(&p, 127, "\x00\x12\xbb\x09" "Cisco Systems, Inc.", 23);
	tlv(&p, 127, "\x00\x12\xbb\x0a" "CP-7975G", 12);
	tlv(&p, 127, "\x00\x12\xbb\x0b" "A-42", 8);
	/* an empty serial says nothing */
	tlv(&p, 127, "\x00\x12\xbb\x08", 4);
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 10);
	EXPECT(2, HK_OBS_ROLE, 60, "lldp.med.class", "phone");
	EXPECT(3, HK_OBS_RAW, 50, "lldp.med.hw_rev", "1.0");
	EXPECT(4, HK_OBS_FIRMWARE, 75, "lldp.med.fw", "2.1.3");
	EXPECT(5, HK_OBS_FIRMWARE, 70, "lldp.med.sw", "SIP75.8-4-2S");
	EXPECT(6, HK_OBS_SERIAL, 80, "lldp.med.serial", "FCH1234ABCD");
	EXPECT(7, HK_OBS_VENDOR, 75, "lldp.med.mfr", "Cisco Systems, Inc.");
	EXPECT(8, HK_OBS_MODEL, 75, "lldp.med.model", "CP-7975G");
	EXPECT(9, HK_OBS_RAW, 50, "lldp.med.asset_id", "A-42");

	/* classes I, II and network connectivity are no role */
	for (uint8_t cls = 0; cls <= 4; cls++) {
		uint8_t v[7] = {0x00, 0x12, 0xbb, 0x01, 0x00, 0x01, cls};
		if (cls == 3)
			continue;
		mandatory(&p);
		tlv(&p, 127, v, sizeof(v));
		end(&p);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 2);
	}
}
END_TEST

START_TEST(test_sink_full)
{
	struct pc_buf p = {.n = 0};

	/* 40 management addresses: the sink keeps HK_OBS_PER_PACKET_MAX, counts the rest */
	mandatory(&p);
	for (uint8_t i = 1; i <= 40; i++) {
		uint8_t v[12] = {0x05, 0x01, 10, 0, 0, i, 0x02, 0, 0, 0, 1, 0};
		tlv(&p, 8, v, sizeof(v));
	}
	end(&p);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, HK_OBS_PER_PACKET_MAX);
	ck_assert_uint_eq(res.sink.n_dropped, 42 - HK_OBS_PER_PACKET_MAX);
}
END_TEST

START_TEST(test_nomatch)
{
	/* an IPv4 header handed over with its own ethertype */
	static const uint8_t ipv4[] = "\x45\x00\x00\x54\x00\x00\x40\x00\x40\x01\x00\x00\x0a\x00\x00\x01"
				      "\x0a\x00\x00\x02";
	struct hk_parse_ctx ctx = {.l4 = 0, .ethertype = 0x0800};

	ck_assert_int_eq(run_ctx(VEC(ipv4), &ctx), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* even a valid LLDPDU, when the caller says it came over UDP or another ethertype */
	ck_assert_int_eq(run_ctx(VEC(zeek_lldp), &ctx), HK_PARSE_NOMATCH);
	ctx = (struct hk_parse_ctx){.l4 = 17, .sport = 5353, .dport = 5353};
	ck_assert_int_eq(run_ctx(VEC(zeek_lldp), &ctx), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* under its own ethertype, not-LLDP bytes are a broken LLDPDU */
	ck_assert_int_eq(run(VEC(ipv4)), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- against tshark ------------------------------------------------------ */

#define CMP_MAX 8

START_TEST(test_against_tshark)
{
	/* per frame: tshark field, our source, which of our observations of it */
	static const struct {
		const char *pcap;
		int frame;
		const uint8_t *b;
		size_t n;
		const char *field[CMP_MAX], *source[CMP_MAX];
		unsigned nth[CMP_MAX];
	} cmp[] = {
		{"zeek_lldp.pcap", 1, VEC(zeek_lldp),
		 {"lldp.chassis.id.mac", "lldp.port.id", "lldp.port.desc", "lldp.tlv.system.name", "lldp.tlv.system.desc",
		  "lldp.mgn.addr.ip4"},
		 {"lldp.chassis_id", "lldp.port_id", "lldp.port_desc", "lldp.sysname", "lldp.sysdesc", "lldp.mgmt_addr"},
		 {0}},
		{"arkime_wireshark-lldp.pcap", 3, VEC(procurve),
		 {"lldp.chassis.id.mac", "lldp.tlv.system.name", "lldp.tlv.system.desc", "lldp.mgn.addr.ip4"},
		 {"lldp.chassis_id", "lldp.sysname", "lldp.sysdesc", "lldp.mgmt_addr"},
		 {0}},
		{"arkime_wireshark-lldp.pcap", 2, VEC(extreme),
		 {"lldp.port.id", "lldp.port.desc", "lldp.tlv.system.name", "lldp.tlv.system.desc"},
		 {"lldp.port_id", "lldp.port_desc", "lldp.sysname", "lldp.sysdesc"},
		 {0}},
		{"tcpdump_lldp_mudurl.pcap", 1, VEC(mudurl),
		 {"lldp.port.id.mac", "lldp.tlv.system.name", "lldp.mgn.addr.ip4", "lldp.mgn.addr.ip6", "lldp.iana.mudurl"},
		 {"lldp.port_id", "lldp.sysname", "lldp.mgmt_addr", "lldp.mgmt_addr", "lldp.mud_url"},
		 {0, 0, 0, 1, 0}},
	};
	char line[4096];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		size_t n_fields = 0;

		while (n_fields < CMP_MAX && cmp[i].field[n_fields])
			n_fields++;
		if (!pc_tshark_fields(cmp[i].pcap, cmp[i].frame, cmp[i].field, n_fields, line, sizeof(line)))
			return; /* no tshark or no captures here: nothing to compare */
		ck_assert_int_eq(run(cmp[i].b, cmp[i].n), HK_PARSE_OK);
		pc_assert_tshark_values(&res, line, cmp[i].pcap, cmp[i].frame, cmp[i].field, cmp[i].source, cmp[i].nth,
					n_fields);
	}
}
END_TEST

static Suite *lldp_suite(void)
{
	Suite *s = suite_create("proto_lldp");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_zeek_lldp);
	tcase_add_test(tc, test_procurve_med);
	tcase_add_test(tc, test_extreme_nul_terminated);
	tcase_add_test(tc, test_mudurl);
	tcase_add_test(tc, test_real_malformed);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_mandatory_order);
	tcase_add_test(tc, test_mandatory_lengths);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_tlv_counts);
	tcase_add_test(tc, test_id_subtypes);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_capabilities);
	tcase_add_test(tc, test_mgmt_addr);
	tcase_add_test(tc, test_org_specific);
	tcase_add_test(tc, test_med_inventory);
	tcase_add_test(tc, test_sink_full);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(lldp_suite());
}
