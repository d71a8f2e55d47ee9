/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CDP parser (src/proto/cdp.c): real CDPv1 and CDPv2 PDUs from the
 * shared captures with their exact observations, every truncated prefix of
 * them, TLV lengths below the header and past the end, address lists with
 * counts at 0, MAX and MAX+1 and lying inner lengths, TLV counts at 0, MAX
 * and MAX+1, strings with NUL and non-ASCII bytes, and not-CDP input. Every
 * input is an exactly-sized heap copy, so a one-byte over-read is an
 * AddressSanitizer report. Where tshark and the captures are at hand the
 * same frames are compared with tshark's reading.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define CDP_TLVS_MAX 64  /* as in src/proto/cdp.c */
#define CDP_ADDRS_MAX 16 /* as in src/proto/cdp.c */

/*
 * zeek_cdp-v1.pcap frame 1 (Cisco 1601 router), the bytes after the SNAP
 * header (OUI 00-00-0c, PID 0x2000). tshark: version 1, TTL 180, device ID
 * "R1", address 192.168.10.1, port "Ethernet0", capabilities 0x00000001,
 * platform "cisco 1601".
 */
static const uint8_t cdp_v1[] =
	/* 01: version 1; b4: TTL 180 s; df f0: checksum */
	"\x01\xb4\xdf\xf0"
	/* 00 01: Device ID; 00 06: length including these 4 bytes; "R1" */
	"\x00\x01\x00\x06" "R1"
	/* 00 02: Addresses; 00 11: length 17; 00 00 00 01: one address;
	 * 01: protocol type NLPID; 01: protocol length 1; cc: IP;
	 * 00 04: address length 4; c0 a8 0a 01: 192.168.10.1 */
	"\x00\x02\x00\x11\x00\x00\x00\x01\x01\x01\xcc\x00\x04\xc0\xa8\x0a\x01"
	/* 00 03: Port ID; 00 0d: length 13 */
	"\x00\x03\x00\x0d" "Ethernet0"
	/* 00 04: Capabilities; 00 08: length 8; 00 00 00 01: router */
	"\x00\x04\x00\x08\x00\x00\x00\x01"
	/* 00 05: Software version; 00 d8: length 216; four lines */
	"\x00\x05\x00\xd8" "Cisco Internetwork Operating System Software \x0a"
	"IOS (tm) 1600 Software (C1600-NY-L), Version 11.2(12)P, RELEASE SOFTWARE (fc1)\x0a"
	"Copyright (c) 1986-1998 by cisco Systems, Inc.\x0a"
	"Compiled Tue 03-Mar-98 06:33 by dschwart"
	/* 00 06: Platform; 00 0e: length 14 */
	"\x00\x06\x00\x0e" "cisco 1601";

/*
 * pcapplusplus_llc_vlan.pcap frame 1 (Cisco 2811, CDPv2 in an 802.1Q-tagged
 * 802.3 frame). tshark: capabilities 0x00000029 (router, switch, IGMP), an
 * empty VTP management domain, IP prefixes, duplex full.
 */
static const uint8_t cdp_2811[] =
	/* version 2, TTL 180, checksum 0xbae2 */
	"\x02\xb4\xba\xe2"
	/* Device ID */
	"\x00\x01\x00\x06" "R1"
	/* Software version (253 bytes): longer than a value once escaped */
	"\x00\x05\x00\xfd" "Cisco IOS Software, 2800 Software (C2800NM-ADVIPSERVICESK9-M), Version 12.4(24)T, "
	"RELEASE SOFTWARE (fc1)\x0a"
	"Technical Support: http://www.cisco.com/techsupport\x0a"
	"Copyright (c) 1986-2009 by Cisco Systems, Inc.\x0a"
	"Compiled Wed 25-Feb-09 17:55 by prod_rel_team"
	/* Platform */
	"\x00\x06\x00\x0e" "Cisco 2811"
	/* Addresses: one, NLPID IP 10.118.10.1 */
	"\x00\x02\x00\x11\x00\x00\x00\x01\x01\x01\xcc\x00\x04\x0a\x76\x0a\x01"
	/* Port ID */
	"\x00\x03\x00\x13" "FastEthernet0/0"
	/* Capabilities 0x29: router, switch, IGMP */
	"\x00\x04\x00\x08\x00\x00\x00\x29"
	/* IP prefixes 10.118.10.0/24, 10.118.20.0/24, 10.118.30.0/24 */
	"\x00\x07\x00\x13\x0a\x76\x0a\x00\x18\x0a\x76\x14\x00\x18\x0a\x76\x1e\x00\x18"
	/* VTP management domain, empty */
	"\x00\x09\x00\x04"
	/* Duplex: full */
	"\x00\x0b\x00\x05\x01";

/*
 * ndpi_capwap.pcap frame 11 (Cisco AIR-CAP2602I access point, CDPv2).
 * tshark: capabilities 0x00000003 (router, transparent bridge), VoIP VLAN
 * query, power consumption 13000 mW, power requested.
 */
static const uint8_t cdp_ap[] =
	/* version 2, TTL 180, checksum 0x725d */
	"\x02\xb4\x72\x5d"
	/* Device ID */
	"\x00\x01\x00\x14" "APb838.61f3.05ac"
	/* Software version (242 bytes) */
	"\x00\x05\x00\xf2" "Cisco IOS Software, C2600 Software (AP3G2-K9W8-M), Version 15.2(4)JA1, RELEASE SOFTWARE "
	"(fc2)\x0a"
	"Technical Support: http://www.cisco.com/techsupport\x0a"
	"Copyright (c) 1986-2013 by Cisco Systems, Inc.\x0a"
	"Compiled Tue 30-Jul-13 22:57 by prod_rel_team"
	/* Platform */
	"\x00\x06\x00\x1b" "cisco AIR-CAP2602I-Q-K9"
	/* Addresses: one, NLPID IP 192.168.10.10 */
	"\x00\x02\x00\x11\x00\x00\x00\x01\x01\x01\xcc\x00\x04\xc0\xa8\x0a\x0a"
	/* Port ID */
	"\x00\x03\x00\x16" "GigabitEthernet0.1"
	/* Capabilities 0x03: router, transparent bridge */
	"\x00\x04\x00\x08\x00\x00\x00\x03"
	/* Duplex full */
	"\x00\x0b\x00\x05\x01"
	/* VoIP VLAN query */
	"\x00\x0f\x00\x08\x20\x00\x00\x00"
	/* Power consumption 13000 mW */
	"\x00\x10\x00\x06\x32\xc8"
	/* Power requested */
	"\x00\x19\x00\x10\xa4\x8d\x00\x00\x00\x00\x3c\x28\x00\x00\x32\xc8";


static struct pc_result res;
static const struct hk_parse_ctx cdp_ctx = {.l4 = 0, .ethertype = 0};

static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_cdp_parse, bytes, n, ctx, &res);
}

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &cdp_ctx);
}

#define EXPECT(i, k, conf, src, val) PC_EXPECT(&res, i, k, HK_SIDE_SRC, conf, src, val)

/* ---- a small CDP builder -------------------------------------------------- */

static void hdr(struct pc_buf *p)
{
	p->n = 0;
	pc_put(p, "\x02\xb4\x00\x00", 4);
}

/* a TLV whose length field says len (the real one is n + 4) */
static void tlv_raw(struct pc_buf *p, uint16_t type, uint16_t len, const void *v, size_t n)
{
	uint8_t h[4] = {(uint8_t)(type >> 8), (uint8_t)type, (uint8_t)(len >> 8), (uint8_t)len};

	pc_put(p, h, 4);
	pc_put(p, v, n);
}

static void tlv(struct pc_buf *p, uint16_t type, const void *v, size_t n)
{
	tlv_raw(p, type, (uint16_t)(n + 4), v, n);
}

/* ---- real PDUs ----------------------------------------------------------- */

START_TEST(test_cdp_v1)
{
	ck_assert_int_eq(run(VEC(cdp_v1)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 6);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "cdp.device_id", "R1");
	EXPECT(1, HK_OBS_IP, 80, "cdp.address", "192.168.10.1");
	EXPECT(2, HK_OBS_RAW, 50, "cdp.port_id", "Ethernet0");
	EXPECT(3, HK_OBS_ROLE, 70, "cdp.capabilities", "router");
	EXPECT(4, HK_OBS_SOFTWARE, 50, "cdp.software",
	       "Cisco Internetwork Operating System Software \\x0aIOS (tm) 1600 Software (C1600-NY-L), Version "
	       "11.2(12)P, RELEASE SOFTWARE (fc1)\\x0aCopyright (c) 1986-1998 by cisco Systems, Inc.\\x0aCompiled "
	       "Tue 03-Mar-98 06:33 by dschwart");
	EXPECT(5, HK_OBS_MODEL, 70, "cdp.platform", "cisco 1601");
	ck_assert_uint_eq(res.sink.n_dropped, 0);
}
END_TEST

START_TEST(test_cdp_2811)
{
	ck_assert_int_eq(run(VEC(cdp_2811)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 7);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "cdp.device_id", "R1");
	/* 253 bytes with three newlines escaped: cut at HK_OBS_VALUE_MAX - 1 */
	EXPECT(1, HK_OBS_SOFTWARE, 50, "cdp.software",
	       "Cisco IOS Software, 2800 Software (C2800NM-ADVIPSERVICESK9-M), Version 12.4(24)T, RELEASE SOFTWARE "
	       "(fc1)\\x0aTechnical Support: http://www.cisco.com/techsupport\\x0aCopyright (c) 1986-2009 by Cisco "
	       "Systems, Inc.\\x0aCompiled Wed 25-Feb-09 17:55 by prod_rel_t");
	ck_assert_uint_eq(strlen(res.obs[1].value), HK_OBS_VALUE_MAX - 1);
	EXPECT(2, HK_OBS_MODEL, 70, "cdp.platform", "Cisco 2811");
	EXPECT(3, HK_OBS_IP, 80, "cdp.address", "10.118.10.1");
	EXPECT(4, HK_OBS_RAW, 50, "cdp.port_id", "FastEthernet0/0");
	EXPECT(5, HK_OBS_ROLE, 70, "cdp.capabilities", "router");
	EXPECT(6, HK_OBS_ROLE, 70, "cdp.capabilities", "switch");
	/* the empty VTP domain says nothing */
}
END_TEST

START_TEST(test_cdp_ap)
{
	ck_assert_int_eq(run(VEC(cdp_ap)), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 6);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "cdp.device_id", "APb838.61f3.05ac");
	EXPECT(1, HK_OBS_SOFTWARE, 50, "cdp.software",
	       "Cisco IOS Software, C2600 Software (AP3G2-K9W8-M), Version 15.2(4)JA1, RELEASE SOFTWARE "
	       "(fc2)\\x0aTechnical Support: http://www.cisco.com/techsupport\\x0aCopyright (c) 1986-2013 by Cisco "
	       "Systems, Inc.\\x0aCompiled Tue 30-Jul-13 22:57 by prod_rel_team");
	EXPECT(2, HK_OBS_MODEL, 70, "cdp.platform", "cisco AIR-CAP2602I-Q-K9");
	EXPECT(3, HK_OBS_IP, 80, "cdp.address", "192.168.10.10");
	EXPECT(4, HK_OBS_RAW, 50, "cdp.port_id", "GigabitEthernet0.1");
	/* router + transparent bridge: what it advertises; bridging is no role */
	EXPECT(5, HK_OBS_ROLE, 70, "cdp.capabilities", "router");
}
END_TEST

/*
 * Every prefix of each real PDU, in an exactly-sized buffer. CDP has no end
 * marker: a cut exactly between two TLVs reads as a complete PDU (OK), any
 * other cut is TRUNCATED. Either way what was said is what the whole PDU
 * says, in the same order: never garbage.
 */
START_TEST(test_truncated_prefixes)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} vec[] = {{VEC(cdp_v1)}, {VEC(cdp_2811)}, {VEC(cdp_ap)}};
	static struct pc_result full;

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]); v++) {
		const uint8_t *b = vec[v].b;
		size_t boundary = 4;

		ck_assert_int_eq(pc_run(proto_cdp_parse, b, vec[v].n, &cdp_ctx, &full), HK_PARSE_OK);
		for (size_t k = 0; k < vec[v].n; k++) {
			enum hk_parse_result r = run(b, k);

			if (k > boundary)
				boundary += (size_t)((b[boundary + 2] << 8) | b[boundary + 3]);
			ck_assert_int_eq(r, k == boundary ? HK_PARSE_OK : HK_PARSE_TRUNCATED);
			pc_assert_obs_lead(&res, &full, "vector %zu prefix %zu", v, k);
		}
	}
}
END_TEST

/* ---- framing ------------------------------------------------------------- */

START_TEST(test_header)
{
	struct pc_buf p = {.n = 0};

	/* nothing, or less than the 4-byte header */
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("\x02", 1), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("\x02\xb4\x00", 3), HK_PARSE_TRUNCATED);
	/* the header and no TLV: a PDU that says nothing */
	ck_assert_int_eq(run("\x02\xb4\x00\x00", 4), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* versions other than 1 and 2 are not ours */
	for (unsigned v = 0; v < 256; v++) {
		uint8_t b[10] = {(uint8_t)v, 0xb4, 0, 0, 0, 1, 0, 6, 'R', '1'};
		enum hk_parse_result r = run(b, sizeof(b));
		ck_assert_int_eq(r, v == 1 || v == 2 ? HK_PARSE_OK : HK_PARSE_NOMATCH);
	}
	/* a TLV header cut in the middle */
	hdr(&p);
	pc_put(&p, "\x00\x01\x00", 3);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
}
END_TEST

START_TEST(test_lying_lengths)
{
	struct pc_buf p = {.n = 0};

	/* a TLV length below its own header: 0..3 */
	for (uint16_t len = 0; len < 4; len++) {
		hdr(&p);
		tlv(&p, 0x0001, "R1", 2);
		tlv_raw(&p, 0x0006, len, "cisco 1601", 10);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 0);
	}
	/* a length of exactly 4: an empty value */
	hdr(&p);
	tlv(&p, 0x0001, "", 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a length past the end: TRUNCATED, what came before is said */
	hdr(&p);
	tlv(&p, 0x0001, "R1", 2);
	tlv_raw(&p, 0x0006, 0xffff, "cisco 1601", 10);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "cdp.device_id", "R1");
}
END_TEST

START_TEST(test_tlv_counts)
{
	struct pc_buf p = {.n = 0};

	/* CDP_TLVS_MAX TLVs */
	hdr(&p);
	tlv(&p, 0x0001, "R1", 2);
	for (size_t i = 1; i < CDP_TLVS_MAX; i++)
		tlv(&p, 0x0011, "", 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* one more */
	tlv(&p, 0x0011, "", 0);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- TLV contents -------------------------------------------------------- */

/* one NLPID IPv4 address entry */
static void entry_v4(struct pc_buf *p, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint8_t e[9] = {0x01, 0x01, 0xcc, 0x00, 0x04, a, b, c, d};

	pc_put(p, e, sizeof(e));
}

/* an address TLV of count (as said) and the entries already in body */
static void addr_tlv(struct pc_buf *p, uint16_t type, uint32_t count, const struct pc_buf *body)
{
	uint8_t cnt[4] = {(uint8_t)(count >> 24), (uint8_t)(count >> 16), (uint8_t)(count >> 8), (uint8_t)count};
	uint8_t h[4] = {(uint8_t)(type >> 8), (uint8_t)type, (uint8_t)((body->n + 8) >> 8), (uint8_t)(body->n + 8)};

	pc_put(p, h, 4);
	pc_put(p, cnt, 4);
	pc_put(p, body->b, body->n);
}

START_TEST(test_addresses)
{
	struct pc_buf p = {.n = 0}, body = {.n = 0};

	/* IPv4 by NLPID, IPv4 and IPv6 by 802.2 SNAP, a CLNS address (skipped),
	 * and an unspecified address (no claim); then the same as management addresses */
	entry_v4(&body, 10, 0, 0, 1);
	pc_put(&body, "\x02\x08\xaa\xaa\x03\x00\x00\x00\x08\x00\x00\x04\x0a\x00\x00\x02", 16);
	pc_put(&body, "\x02\x08\xaa\xaa\x03\x00\x00\x00\x86\xdd\x00\x10"
		   "\xfe\x80\x00\x00\x00\x00\x00\x00\x02\x00\x00\xff\xfe\x00\x00\x01", 28);
	pc_put(&body, "\x01\x01\x81\x00\x03\x49\x00\x01", 8);
	entry_v4(&body, 0, 0, 0, 0);
	hdr(&p);
	addr_tlv(&p, 0x0002, 5, &body);
	addr_tlv(&p, 0x0016, 5, &body);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 6);
	EXPECT(0, HK_OBS_IP, 80, "cdp.address", "10.0.0.1");
	EXPECT(1, HK_OBS_IP, 80, "cdp.address", "10.0.0.2");
	EXPECT(2, HK_OBS_IP, 80, "cdp.address", "fe80::200:ff:fe00:1");
	EXPECT(3, HK_OBS_IP, 80, "cdp.mgmt_addr", "10.0.0.1");
	EXPECT(5, HK_OBS_IP, 80, "cdp.mgmt_addr", "fe80::200:ff:fe00:1");

	/* count 0 */
	body.n = 0;
	hdr(&p);
	addr_tlv(&p, 0x0002, 0, &body);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* count CDP_ADDRS_MAX */
	body.n = 0;
	for (uint8_t i = 1; i <= CDP_ADDRS_MAX; i++)
		entry_v4(&body, 10, 0, 1, i);
	hdr(&p);
	addr_tlv(&p, 0x0002, CDP_ADDRS_MAX, &body);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, CDP_ADDRS_MAX);
	EXPECT(CDP_ADDRS_MAX - 1, HK_OBS_IP, 80, "cdp.address", "10.0.1.16");

	/* count CDP_ADDRS_MAX + 1: the TLV is dropped, the rest stands */
	entry_v4(&body, 10, 0, 1, CDP_ADDRS_MAX + 1);
	hdr(&p);
	tlv(&p, 0x0001, "R1", 2);
	addr_tlv(&p, 0x0002, CDP_ADDRS_MAX + 1, &body);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "cdp.device_id", "R1");

	/* a huge count */
	body.n = 0;
	entry_v4(&body, 10, 0, 0, 1);
	hdr(&p);
	addr_tlv(&p, 0x0002, 0xffffffffu, &body);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* entries that contradict themselves; each TLV is dropped, the device ID after it stands */
	static const struct {
		uint32_t count;
		const char *v;
		size_t n;
	} bad[] = {
		/* count 2, one entry */
		{2, "\x01\x01\xcc\x00\x04\x0a\x00\x00\x01", 9},
		/* protocol length past the TLV */
		{1, "\x01\x20\xcc\x00\x04\x0a\x00\x00\x01", 9},
		/* address length past the TLV */
		{1, "\x01\x01\xcc\x00\x40\x0a\x00\x00\x01", 9},
		/* IPv4 of 16 bytes, IPv6 of 4 */
		{1, "\x01\x01\xcc\x00\x10\x0a\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 21},
		{1, "\x02\x08\xaa\xaa\x03\x00\x00\x00\x86\xdd\x00\x04\x0a\x00\x00\x01", 16},
		/* no count */
		{0, "", 0},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		body.n = 0;
		pc_put(&body, bad[i].v, bad[i].n);
		hdr(&p);
		if (bad[i].n)
			addr_tlv(&p, 0x0002, bad[i].count, &body);
		else
			tlv(&p, 0x0002, "\x00\x00", 2);
		tlv(&p, 0x0001, "R1", 2);
		ck_assert_msg(run(p.b, p.n) == HK_PARSE_MALFORMED, "case %zu", i);
		ck_assert_uint_eq(res.sink.n, 1);
		EXPECT(0, HK_OBS_HOSTNAME, 80, "cdp.device_id", "R1");
	}
}
END_TEST

START_TEST(test_capabilities)
{
	struct pc_buf p = {.n = 0};

	/* every bit */
	hdr(&p);
	tlv(&p, 0x0004, "\xff\xff\xff\xff", 4);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_ROLE, 70, "cdp.capabilities", "router");
	EXPECT(1, HK_OBS_ROLE, 70, "cdp.capabilities", "switch");
	EXPECT(2, HK_OBS_ROLE, 70, "cdp.capabilities", "phone");
	/* an IP phone: host, phone, two-port MAC relay (0x490) */
	hdr(&p);
	tlv(&p, 0x0004, "\x00\x00\x04\x90", 4);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_ROLE, 70, "cdp.capabilities", "phone");
	/* bridges, host, IGMP, repeater: no role */
	hdr(&p);
	tlv(&p, 0x0004, "\x00\x00\x00\x76", 4);
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* wrong sizes */
	for (size_t len = 0; len < 8; len++) {
		if (len == 4)
			continue;
		hdr(&p);
		tlv(&p, 0x0004, "\x00\x00\x00\x01\x00\x00\x00\x01", len);
		tlv(&p, 0x0001, "R1", 2);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 1);
	}
}
END_TEST

START_TEST(test_other_tlvs)
{
	struct pc_buf p = {.n = 0};

	hdr(&p);
	tlv(&p, 0x000a, "\x00\x64", 2);          /* native VLAN 100 */
	tlv(&p, 0x0009, "ENG", 3);               /* VTP domain */
	tlv(&p, 0x0014, "sw1.example.com", 15);  /* system name */
	tlv(&p, 0x0015, "\x06\x08\x2b\x06", 4);  /* system OID: nothing */
	tlv(&p, 0x7777, "\x01\x02", 2);          /* unknown: nothing */
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, 50, "cdp.native_vlan", "100");
	EXPECT(1, HK_OBS_RAW, 50, "cdp.vtp_domain", "ENG");
	EXPECT(2, HK_OBS_HOSTNAME, 80, "cdp.sysname", "sw1.example.com");

	/* native VLAN of 1 and 3 bytes */
	for (size_t len = 1; len <= 3; len += 2) {
		hdr(&p);
		tlv(&p, 0x000a, "\x00\x64\x00", len);
		ck_assert_int_eq(run(p.b, p.n), HK_PARSE_MALFORMED);
		ck_assert_uint_eq(res.sink.n, 0);
	}
}
END_TEST

START_TEST(test_strings)
{
	struct pc_buf p = {.n = 0};
	uint8_t big[1000];

	hdr(&p);
	tlv(&p, 0x0001, "R\x00" "1\xc3\xa9\\", 6); /* NUL inside, UTF-8, backslash */
	tlv(&p, 0x0006, "cisco WS-C2950-12\x00", 18); /* C terminator: dropped */
	tlv(&p, 0x0003, "\x00\x00\x00", 3);          /* NULs only: nothing */
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_HOSTNAME, 80, "cdp.device_id", "R\\x001\\xc3\\xa9\\\\");
	EXPECT(1, HK_OBS_MODEL, 70, "cdp.platform", "cisco WS-C2950-12");

	/* a long software version of control bytes: cut at a character boundary */
	memset(big, 0x01, sizeof(big));
	hdr(&p);
	tlv(&p, 0x0005, big, sizeof(big));
	ck_assert_int_eq(run(p.b, p.n), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_uint_le(strlen(res.obs[0].value), HK_OBS_VALUE_MAX - 1);
	ck_assert_uint_eq(strlen(res.obs[0].value) % 4, 0);
}
END_TEST

START_TEST(test_nomatch)
{
	struct hk_parse_ctx ctx = {.l4 = 0, .ethertype = 0x0800};

	/* a valid CDP PDU, but the caller says it came with an ethertype or over UDP */
	ck_assert_int_eq(run_ctx(VEC(cdp_v1), &ctx), HK_PARSE_NOMATCH);
	ctx = (struct hk_parse_ctx){.l4 = 17, .sport = 2000, .dport = 2000};
	ck_assert_int_eq(run_ctx(VEC(cdp_v1), &ctx), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	/* an STP BPDU (protocol 0000, version 00) is not CDP */
	ck_assert_int_eq(run("\x00\x00\x00\x00\x00\x80\x00\x00\x0c\x00\x00\x01", 12), HK_PARSE_NOMATCH);
	/* an IPv4 header */
	ck_assert_int_eq(run("\x45\x00\x00\x54\x00\x00\x40\x00\x40\x01\x00\x00", 12), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* ---- against tshark ------------------------------------------------------ */

#define CMP_MAX 6

START_TEST(test_against_tshark)
{
	static const struct {
		const char *pcap;
		int frame;
		const uint8_t *b;
		size_t n;
		const char *field[CMP_MAX], *source[CMP_MAX];
	} cmp[] = {
		{"zeek_cdp-v1.pcap", 1, VEC(cdp_v1),
		 {"cdp.deviceid", "cdp.nrgyz.ip_address", "cdp.portid", "cdp.platform"},
		 {"cdp.device_id", "cdp.address", "cdp.port_id", "cdp.platform"}},
		{"pcapplusplus_llc_vlan.pcap", 1, VEC(cdp_2811),
		 {"cdp.deviceid", "cdp.nrgyz.ip_address", "cdp.portid", "cdp.platform"},
		 {"cdp.device_id", "cdp.address", "cdp.port_id", "cdp.platform"}},
		{"ndpi_capwap.pcap", 11, VEC(cdp_ap),
		 {"cdp.deviceid", "cdp.nrgyz.ip_address", "cdp.portid", "cdp.platform"},
		 {"cdp.device_id", "cdp.address", "cdp.port_id", "cdp.platform"}},
	};
	char line[4096];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		size_t n_fields = 0;

		while (n_fields < CMP_MAX && cmp[i].field[n_fields])
			n_fields++;
		if (!pc_tshark_fields(cmp[i].pcap, cmp[i].frame, cmp[i].field, n_fields, line, sizeof(line)))
			return; /* no tshark or no captures here: nothing to compare */
		ck_assert_int_eq(run(cmp[i].b, cmp[i].n), HK_PARSE_OK);
		pc_assert_tshark_values(&res, line, cmp[i].pcap, cmp[i].frame, cmp[i].field, cmp[i].source, NULL,
					n_fields);
	}
}
END_TEST

static Suite *cdp_suite(void)
{
	Suite *s = suite_create("proto_cdp");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_cdp_v1);
	tcase_add_test(tc, test_cdp_2811);
	tcase_add_test(tc, test_cdp_ap);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_tlv_counts);
	tcase_add_test(tc, test_addresses);
	tcase_add_test(tc, test_capabilities);
	tcase_add_test(tc, test_other_tlvs);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_nomatch);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(cdp_suite());
}
