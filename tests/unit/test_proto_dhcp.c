/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCP/BOOTP parser (src/proto/dhcp.c): real messages from the shared
 * captures with their exact observations, every truncated prefix of each in
 * an exactly-sized heap buffer (AddressSanitizer sees a one-byte over-read),
 * option overload, relays, lying lengths, counts at 0, MAX and MAX+1, strings
 * with NUL and non-ASCII bytes, other protocols on the port, and a comparison
 * with tshark's reading of the same frames when tshark and the captures are
 * there.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"
#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define MSG_MAX 1500

static struct pc_result res;

static const struct hk_parse_ctx ctx_client = {.l4 = 17, .sport = 68, .dport = 67, .ndpi = ""};
static const struct hk_parse_ctx ctx_server = {.l4 = 17, .sport = 67, .dport = 68, .ndpi = ""};
static const struct hk_parse_ctx ctx_relay = {.l4 = 17, .sport = 67, .dport = 67, .ndpi = ""};

/* Parses n bytes copied into an exactly-sized heap buffer. */
static enum hk_parse_result run(const uint8_t *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_dhcp_parse, bytes, n, ctx, &res);
}

/*
 * A message: the 44 bytes op..chaddr, sname and file (zero-padded to 64 and
 * 128), then the magic cookie and options; zero-padded to total if that is
 * longer (the UDP payload's length in the capture).
 */
static size_t v4_msg(uint8_t *out, const char *hdr, const char *sname, const char *file, const char *opts,
		     size_t total)
{
	size_t n;

	memset(out, 0, MSG_MAX);
	ck_assert_uint_eq(pc_unhex(hdr, out, 44), 44);
	ck_assert_uint_le(pc_unhex(sname, out + 44, 64), 64);
	ck_assert_uint_le(pc_unhex(file, out + 108, 128), 128);
	n = 236 + pc_unhex(opts, out + 236, MSG_MAX - 236);
	return total > n ? total : n;
}

/*
 * Every prefix shorter than `whole` (the message up to and with END) must
 * fail without observations; every longer one (padding after END) must give
 * the same observations as the whole.
 */
static void check_prefixes(const uint8_t *msg, size_t len, size_t whole, const struct hk_parse_ctx *ctx,
			   const struct pc_expect *w, size_t n_want)
{
	pc_every_prefix(proto_dhcp_parse, msg, whole < len ? whole : len, ctx, PC_TRUNCATED | PC_MALFORMED | PC_NOMATCH,
			false, "message of %zu bytes:", len);
	for (size_t n = whole; n < len; n++) {
		enum hk_parse_result r = run(msg, n, ctx);

		ck_assert_msg(r == HK_PARSE_OK, "prefix %zu: %s", n, hk_parse_result_name(r));
		pc_assert_obs(&res, w, n_want);
	}
}

/* --- real messages ---------------------------------------------------------- */

/*
 * suri_public-ex1_section8_Sofacy.pcap frame 3, UDP 68 → 67, 331 bytes: a
 * Windows client's DHCPREQUEST. tshark: Host Name "public-ea8367e7", Client
 * FQDN "public-ea8367e7." (ASCII encoding), Vendor class "MSFT 5.0",
 * Parameter Request List 1,15,3,6,44,46,47,31,33,249,43, Client identifier
 * Ethernet 00:c0:a8:85:0c:23.
 */
static const char sofacy3_hdr[] =
	"01 01 06 00"  /* op BOOTREQUEST, htype Ethernet, hlen 6, hops 0 */
	"b6 4d c1 28"  /* xid */
	"00 00 00 00"  /* secs, flags */
	"00 00 00 00"  /* ciaddr 0.0.0.0 */
	"00 00 00 00"  /* yiaddr */
	"00 00 00 00"  /* siaddr */
	"00 00 00 00"  /* giaddr */
	"00 c0 a8 85 0c 23 00 00 00 00 00 00 00 00 00 00"; /* chaddr 00:c0:a8:85:0c:23 */
static const char sofacy3_opts[] =
	"63 82 53 63"                      /* magic cookie */
	"35 01 03"                         /* 53 message type: REQUEST */
	"3d 07 01 00 c0 a8 85 0c 23"       /* 61 client id: type 1, the MAC */
	"32 04 c0 a8 23 0a"                /* 50 requested address 192.168.35.10 */
	"36 04 c0 a8 23 01"                /* 54 server id (in a request: not about the sender) */
	"0c 0f 70 75 62 6c 69 63 2d 65 61 38 33 36 37 65 37" /* 12 "public-ea8367e7" */
	"51 13 00 00 00"                   /* 81 FQDN: flags 0 (ASCII), RCODE1, RCODE2 */
	"70 75 62 6c 69 63 2d 65 61 38 33 36 37 65 37 2e"    /* "public-ea8367e7." */
	"3c 08 4d 53 46 54 20 35 2e 30"    /* 60 "MSFT 5.0" */
	"37 0b 01 0f 03 06 2c 2e 2f 1f 21 f9 2b" /* 55 PRL */
	"2b 03 dc 01 00"                   /* 43 vendor-specific (not read) */
	"ff";                              /* END */
#define SOFACY_MAC "00:c0:a8:85:0c:23"
static const struct pc_expect sofacy3_want[] = {
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcp.client_id", "01:00:c0:a8:85:0c:23", SOFACY_MAC, NULL},
	{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 70, "dhcp.hostname", "public-ea8367e7", SOFACY_MAC, NULL},
	{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 75, "dhcp.fqdn", "public-ea8367e7", SOFACY_MAC, NULL},
	{HK_OBS_SOFTWARE, HK_SIDE_OTHER, 50, "dhcp.vendor_class", "MSFT 5.0", SOFACY_MAC, NULL},
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcp.prl", "1,15,3,6,44,46,47,31,33,249,43", SOFACY_MAC, NULL},
};

START_TEST(test_request)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, sofacy3_hdr, "", "", sofacy3_opts, 331);

	ck_assert_uint_eq(len, 331);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	pc_assert_obs(&res, sofacy3_want, 5);
	check_prefixes(m, len, len, &ctx_client, sofacy3_want, 5);
}
END_TEST

/*
 * suri-dhcp-eve-extended_input.pcap frame 2, UDP 67 → 68, 308 bytes: the
 * DHCPACK to a NAS. tshark: Your (client) IP 10.16.1.4, Client IP 10.16.1.4,
 * Server Identifier 10.16.1.1, Host Name "nas1" (sent with a final NUL).
 */
static const char eve2_hdr[] =
	"02 01 06 00"  /* op BOOTREPLY, Ethernet, 6, hops 0 */
	"ef 64 57 44"  /* xid */
	"00 00 00 00"  /* secs, flags */
	"0a 10 01 04"  /* ciaddr 10.16.1.4 */
	"0a 10 01 04"  /* yiaddr 10.16.1.4 */
	"0a 10 01 01"  /* siaddr 10.16.1.1 */
	"00 00 00 00"  /* giaddr: not relayed */
	"00 11 32 17 49 f0 00 00 00 00 00 00 00 00 00 00"; /* chaddr */
static const char eve2_opts[] =
	"63 82 53 63"
	"35 01 05"             /* ACK */
	"36 04 0a 10 01 01"    /* 54 server id 10.16.1.1 */
	"33 04 00 00 0e 10"    /* 51 lease 3600 s */
	"3a 04 00 00 06 91"    /* 58 T1 */
	"3b 04 00 00 0b d7"    /* 59 T2 */
	"01 04 ff ff 00 00"    /* 1 netmask */
	"1c 04 0a 10 ff ff"    /* 28 broadcast */
	"06 04 0a 10 01 01"    /* 6 DNS */
	"0f 07 75 6e 78 2e 63 61 00" /* 15 domain "unx.ca\0" */
	"0c 05 6e 61 73 31 00" /* 12 "nas1\0": the NUL is dropped */
	"03 04 0a 10 01 01"    /* 3 router */
	"ff";
#define EVE_MAC "00:11:32:17:49:f0"
static const struct pc_expect eve2_want[] = {
	{HK_OBS_IP, HK_SIDE_SRC, 80, "dhcp.server_id", "10.16.1.1", NULL, NULL},
	{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 60, "dhcp.hostname", "nas1", EVE_MAC, "10.16.1.4"},
	{HK_OBS_IP, HK_SIDE_OTHER, 90, "dhcp.yiaddr", "10.16.1.4", EVE_MAC, "10.16.1.4"},
	{HK_OBS_ROLE, HK_SIDE_SRC, 60, "dhcp.server", "dhcp-server", NULL, NULL},
};

START_TEST(test_ack)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, eve2_hdr, "", "", eve2_opts, 308);

	ck_assert_uint_eq(len, 308);
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	pc_assert_obs(&res, eve2_want, 4);
	check_prefixes(m, len, len, &ctx_server, eve2_want, 4);
}
END_TEST

/* A relay agent hands the ACK on to the client from itself: the sender is
 * not the server. The server's copy to the relay (port 67) is. */
START_TEST(test_ack_relayed)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, eve2_hdr, "", "", eve2_opts, 308);

	m[24] = 10, m[25] = 16, m[26] = 1, m[27] = 254; /* giaddr */
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	pc_assert_obs(&res, eve2_want + 1, 2);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_OK);
	pc_assert_obs(&res, eve2_want, 4);
}
END_TEST

/*
 * suri-dhcp-option-52-overload_input.pcap frame 7, 265 bytes: an ACK whose
 * sname field holds options (52 = 2). tshark: "Server name option overloaded
 * by DHCP", in it 6 DNS, 3 router, 15 "evil.corp", END.
 */
static const char ovl7_hdr[] =
	"02 01 06 00 24 59 3b 3e 00 00 00 00"
	"00 00 00 00"  /* ciaddr */
	"0a 64 00 32"  /* yiaddr 10.100.0.50 */
	"0a 64 00 02"  /* siaddr */
	"00 00 00 00"  /* giaddr */
	"92 dd a4 8d 5f de 00 00 00 00 00 00 00 00 00 00";
static const char ovl7_sname[] =
	"06 04 0a 64 00 02"  /* 6 DNS */
	"03 04 0a 64 00 02"  /* 3 router */
	"0f 09 65 76 69 6c 2e 63 6f 72 70" /* 15 "evil.corp" */
	"ff";
static const char ovl7_opts[] =
	"63 82 53 63"
	"35 01 05"           /* ACK */
	"36 04 0a 64 00 02"  /* server id 10.100.0.2 */
	"33 04 00 00 01 2c"  /* lease */
	"01 04 ff ff ff 00"  /* netmask */
	"34 01 02"           /* 52 overload: sname holds options */
	"ff";
static const struct pc_expect ovl7_want[] = {
	{HK_OBS_IP, HK_SIDE_SRC, 80, "dhcp.server_id", "10.100.0.2", NULL, NULL},
	{HK_OBS_IP, HK_SIDE_OTHER, 90, "dhcp.yiaddr", "10.100.0.50", "92:dd:a4:8d:5f:de", NULL},
	{HK_OBS_ROLE, HK_SIDE_SRC, 60, "dhcp.server", "dhcp-server", NULL, NULL},
};

START_TEST(test_overload)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, ovl7_hdr, ovl7_sname, "", ovl7_opts, 265);

	ck_assert_uint_eq(len, 265);
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	pc_assert_obs(&res, ovl7_want, 3);
	check_prefixes(m, len, len, &ctx_server, ovl7_want, 3);

	/* a host name in sname is read; the same option in file, which comes
	 * first (RFC 2131 section 4.1), wins when both are overloaded */
	{
		static const struct pc_expect w_sname[] = {
			{HK_OBS_IP, HK_SIDE_SRC, 80, "dhcp.server_id", "10.100.0.2", NULL, NULL},
			{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 60, "dhcp.hostname", "evil", "92:dd:a4:8d:5f:de", NULL},
			{HK_OBS_IP, HK_SIDE_OTHER, 90, "dhcp.yiaddr", "10.100.0.50", "92:dd:a4:8d:5f:de", NULL},
			{HK_OBS_ROLE, HK_SIDE_SRC, 60, "dhcp.server", "dhcp-server", NULL, NULL},
		};
		static const struct pc_expect w_file[] = {
			{HK_OBS_IP, HK_SIDE_SRC, 80, "dhcp.server_id", "10.100.0.2", NULL, NULL},
			{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 60, "dhcp.hostname", "good", "92:dd:a4:8d:5f:de", NULL},
			{HK_OBS_IP, HK_SIDE_OTHER, 90, "dhcp.yiaddr", "10.100.0.50", "92:dd:a4:8d:5f:de", NULL},
			{HK_OBS_ROLE, HK_SIDE_SRC, 60, "dhcp.server", "dhcp-server", NULL, NULL},
		};
		len = v4_msg(m, ovl7_hdr, "0c 04 65 76 69 6c ff", "", ovl7_opts, 0);
		ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
		pc_assert_obs(&res, w_sname, 4);
		/* not overloaded: sname is a server name, not options */
		len = v4_msg(m, ovl7_hdr, "0c 04 65 76 69 6c ff", "",
			     "63 82 53 63 35 01 05 36 04 0a 64 00 02 ff", 0);
		ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 3);
		ck_assert_str_eq(pc_value(&res, "dhcp.hostname", 0), "");
		/* both overloaded: file first */
		len = v4_msg(m, ovl7_hdr, "0c 04 65 76 69 6c ff", "0c 04 67 6f 6f 64",
			     "63 82 53 63 35 01 05 36 04 0a 64 00 02 34 01 03 ff", 0);
		ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
		pc_assert_obs(&res, w_file, 4);
		/* file only (52 = 1); file without END is accepted: it is whole */
		len = v4_msg(m, ovl7_hdr, "0c 04 65 76 69 6c ff", "0c 04 67 6f 6f 64",
			     "63 82 53 63 35 01 05 36 04 0a 64 00 02 34 01 01 ff", 0);
		ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
		pc_assert_obs(&res, w_file, 4);
	}

	/* an option running past the 64 bytes of sname: MALFORMED, not TRUNCATED */
	len = v4_msg(m, ovl7_hdr, "", "", ovl7_opts, 265);
	m[44 + 62] = 12, m[44 + 63] = 4;
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* 52 with a value other than 1-3, or of the wrong length */
	len = v4_msg(m, ovl7_hdr, ovl7_sname, "", "63 82 53 63 35 01 05 34 01 04 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_MALFORMED);
	len = v4_msg(m, ovl7_hdr, ovl7_sname, "", "63 82 53 63 35 01 05 34 01 00 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_MALFORMED);
	len = v4_msg(m, ovl7_hdr, ovl7_sname, "", "63 82 53 63 35 01 05 34 02 02 00 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_MALFORMED);
	/* 52 inside sname is not an overload: file stays a file name */
	len = v4_msg(m, ovl7_hdr, "34 01 01 ff", "0c 04 67 6f 6f 64 ff",
		     "63 82 53 63 35 01 05 34 01 02 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2); /* yiaddr, role */
}
END_TEST

/*
 * pcapplusplus_Dhcp3.pcap frame 1, UDP 67 → 68, 548 bytes: an ACK from a
 * home gateway naming itself in option 125, enterprise 3561 (Broadband
 * Forum, TR-111). tshark: GatewayManufacturerOUI 002682, GatewaySerialNumber
 * WECO10KH05005695, GatewayProductClass VDSL2CPE.
 */
static const char tr111_hdr[] =
	"02 01 06 00 e7 28 c4 63 00 00 00 00"
	"c0 a8 02 14"  /* ciaddr 192.168.2.20 */
	"c0 a8 02 14"  /* yiaddr 192.168.2.20 */
	"00 00 00 00 00 00 00 00"
	"c0 cb 38 42 db 58 00 00 00 00 00 00 00 00 00 00";
static const char tr111_opts[] =
	"63 82 53 63"
	"35 01 05"
	"36 04 c0 a8 02 01"
	"33 04 00 00 a8 c0"
	"7d 29"                    /* 125, 41 bytes */
	"00 00 0d e9 24"           /* enterprise 3561, 36 bytes of sub-options */
	"04 06 30 30 32 36 38 32"  /* 4 GatewayManufacturerOUI "002682" */
	"05 10 57 45 43 4f 31 30 4b 48 30 35 30 30 35 36 39 35" /* 5 serial */
	"06 08 56 44 53 4c 32 43 50 45" /* 6 GatewayProductClass "VDSL2CPE" */
	"01 04 ff ff ff 00"
	"03 04 c0 a8 02 01"
	"06 04 c0 a8 02 01"
	"0f 06 61 74 68 6f 6d 65"
	"ff";
static const struct pc_expect tr111_want[] = {
	{HK_OBS_IP, HK_SIDE_SRC, 80, "dhcp.server_id", "192.168.2.1", NULL, NULL},
	{HK_OBS_RAW, HK_SIDE_SRC, 50, "dhcp.tr111_oui", "002682", NULL, NULL},
	{HK_OBS_SERIAL, HK_SIDE_SRC, 70, "dhcp.tr111_serial", "WECO10KH05005695", NULL, NULL},
	{HK_OBS_PRODUCT, HK_SIDE_SRC, 70, "dhcp.tr111_product_class", "VDSL2CPE", NULL, NULL},
	{HK_OBS_IP, HK_SIDE_OTHER, 90, "dhcp.yiaddr", "192.168.2.20", "c0:cb:38:42:db:58", "192.168.2.20"},
	{HK_OBS_ROLE, HK_SIDE_SRC, 60, "dhcp.server", "dhcp-server", NULL, NULL},
};

START_TEST(test_vivso)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, tr111_hdr, "", "", tr111_opts, 548);
	size_t whole = 236 + pc_unhex(tr111_opts, m + 236, MSG_MAX - 236);

	ck_assert_uint_eq(len, 548);
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	pc_assert_obs(&res, tr111_want, 6);
	check_prefixes(m, len, whole, &ctx_server, tr111_want, 6);

	/* a device names itself (sub-options 1-3) in a DISCOVER, and says
	 * which enterprises it is; a broken 125 says nothing */
	{
		static const struct pc_expect w[] = {
			{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcp.vivso_enterprise", "3561", "c0:cb:38:42:db:58", NULL},
			{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcp.tr111_oui", "00D09E", "c0:cb:38:42:db:58", NULL},
			{HK_OBS_SERIAL, HK_SIDE_OTHER, 70, "dhcp.tr111_serial", "S1", "c0:cb:38:42:db:58", NULL},
			{HK_OBS_PRODUCT, HK_SIDE_OTHER, 70, "dhcp.tr111_product_class", "STB", "c0:cb:38:42:db:58",
			 NULL},
			{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcp.vivso_enterprise", "4491", "c0:cb:38:42:db:58", NULL},
		};
		const char *hdr = "01 01 06 00 00 00 00 01 00 00 00 00 00000000 00000000 00000000 00000000"
				  "c0 cb 38 42 db 58 00 00 00 00 00 00 00 00 00 00";
		len = v4_msg(m, hdr, "", "",
			     "63 82 53 63 35 01 01"
			     "7d 1f 00 00 0d e9 15"
			     "   01 06 30 30 44 30 39 45"  /* DeviceManufacturerOUI */
			     "   02 03 53 31 00"           /* serial "S1\0": the final NUL is dropped */
			     "   04 01 58"                 /* a gateway field: not in a request */
			     "   03 03 53 54 42"           /* DeviceProductClass "STB" */
			     "   00 00 11 8b 00"           /* enterprise 4491, no data */
			     "ff",
			     0);
		ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
		pc_assert_obs(&res, w, 5);

		/* enterprise data running past the option: nothing of 125 */
		len = v4_msg(m, hdr, "", "", "63 82 53 63 35 01 01 7d 06 00 00 0d e9 05 01 ff", 0);
		ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 0);

		/* 8 enterprises are read, 9 are too many: the option is dropped */
		len = v4_msg(m, hdr, "", "",
			     "63 82 53 63 35 01 01 7d 28"
			     "00000001 00 00000002 00 00000003 00 00000004 00"
			     "00000005 00 00000006 00 00000007 00 00000008 00 ff",
			     0);
		ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 8);
		ck_assert_str_eq(res.sink.v[7].value, "8");
		len = v4_msg(m, hdr, "", "",
			     "63 82 53 63 35 01 01 7d 2d"
			     "00000001 00 00000002 00 00000003 00 00000004 00"
			     "00000005 00 00000006 00 00000007 00 00000008 00 00000009 00 ff",
			     0);
		ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 0);
	}
}
END_TEST

/*
 * tcpdump_dhcp-rfc3004.pcap frame 1, 300 bytes: a DISCOVER with an RFC 3004
 * user class of three instances. tshark: User Class Data "subopt1",
 * "subopt2-123456789", "subopt3-12"; PRL 1,28,2,3,15,6,12.
 */
static const char uc_hdr[] = "01 01 06 00 06 e3 28 64 00 00 00 00 00000000 00000000 00000000 00000000"
			     "00 0c 29 1f 74 06 00 00 00 00 00 00 00 00 00 00";
static const char uc_opts[] =
	"63 82 53 63"
	"35 01 01"
	"32 04 c0 a8 01 04"
	"37 07 01 1c 02 03 0f 06 0c"
	"4d 25"                                          /* 77, 37 bytes */
	"07 73 75 62 6f 70 74 31"                        /* "subopt1" */
	"11 73 75 62 6f 70 74 32 2d 31 32 33 34 35 36 37 38 39" /* "subopt2-123456789" */
	"0a 73 75 62 6f 70 74 33 2d 31 32"               /* "subopt3-12" */
	"ff 00 00";
static const struct pc_expect uc_want[] = {
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcp.prl", "1,28,2,3,15,6,12", "00:0c:29:1f:74:06", NULL},
	{HK_OBS_SOFTWARE, HK_SIDE_OTHER, 50, "dhcp.user_class", "subopt1,subopt2-123456789,subopt3-12",
	 "00:0c:29:1f:74:06", NULL},
};

START_TEST(test_user_class)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, uc_hdr, "", "", uc_opts, 300);

	ck_assert_uint_eq(len, 300);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	pc_assert_obs(&res, uc_want, 2);
	check_prefixes(m, len, len - 2, &ctx_client, uc_want, 2);

	/* plain text (iPXE sends "iPXE"): one string */
	len = v4_msg(m, uc_hdr, "", "", "63 82 53 63 35 01 01 4d 04 69 50 58 45 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_str_eq(res.sink.v[0].value, "iPXE");
	/* 16 instances are RFC 3004, 17 too many: then it is taken as text */
	len = v4_msg(m, uc_hdr, "", "",
		     "63 82 53 63 35 01 01 4d 20"
		     "01 61 01 62 01 63 01 64 01 65 01 66 01 67 01 68"
		     "01 69 01 6a 01 6b 01 6c 01 6d 01 6e 01 6f 01 70 ff",
		     0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(res.sink.v[0].value, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p");
	len = v4_msg(m, uc_hdr, "", "",
		     "63 82 53 63 35 01 01 4d 22"
		     "01 61 01 62 01 63 01 64 01 65 01 66 01 67 01 68"
		     "01 69 01 6a 01 6b 01 6c 01 6d 01 6e 01 6f 01 70 01 71 ff",
		     0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(res.sink.v[0].value, "\\x01a\\x01b\\x01c\\x01d\\x01e\\x01f\\x01g\\x01h\\x01i\\x01j"
					  "\\x01k\\x01l\\x01m\\x01n\\x01o\\x01p\\x01q");
}
END_TEST

/*
 * zeek_hw-type0.pcap frame 1, 576 bytes: a Cisco router's REQUEST with a
 * type-0 (text) client identifier. tshark: Client Identifier
 * "cisco-cc00.0ac4.0000-Fa0/0", Host Name "R0", Client IP 192.168.0.3.
 */
static const char cisco_hdr[] = "01 01 06 00 00 00 15 5c 00 00 00 00"
				"c0 a8 00 03" /* ciaddr 192.168.0.3 */
				"00000000 00000000 00000000"
				"cc 00 0a c4 00 00 00 00 00 00 00 00 00 00 00 00";
static const char cisco_opts[] =
	"63 82 53 63"
	"35 01 03"
	"39 02 04 80"  /* 57 max message size: not read */
	"3d 1b 00 63 69 73 63 6f 2d 63 63 30 30 2e 30 61 63 34 2e 30 30 30 30 2d 46 61 30 2f 30"
	"33 04 00 00 00 3c"
	"0c 02 52 30"
	"37 08 01 06 0f 2c 03 21 96 2b"
	"ff";
#define CISCO_MAC "cc:00:0a:c4:00:00"
static const struct pc_expect cisco_want[] = {
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcp.client_id", "cisco-cc00.0ac4.0000-Fa0/0", CISCO_MAC, "192.168.0.3"},
	{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 70, "dhcp.hostname", "R0", CISCO_MAC, "192.168.0.3"},
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcp.prl", "1,6,15,44,3,33,150,43", CISCO_MAC, "192.168.0.3"},
};

START_TEST(test_client_id_text)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, cisco_hdr, "", "", cisco_opts, 576);
	size_t whole = 236 + pc_unhex(cisco_opts, m + 236, MSG_MAX - 236);

	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	pc_assert_obs(&res, cisco_want, 3);
	check_prefixes(m, len, whole, &ctx_client, cisco_want, 3);
}
END_TEST

/*
 * ndpi_dhcp-fuzz.pcapng frame 1, 300 bytes: nDPI's fuzzed DHCP. Message type
 * 106, and option 60 says 49 bytes where 30 are left: tshark reports it as a
 * malformed packet. Here: TRUNCATED (a short capture looks the same), and
 * nothing of the host name "MK03862" before it.
 */
START_TEST(test_fuzzed_capture)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m,
			    "01 01 06 00 c9 79 b9 60 00 00 00 00 c0 a8 01 68 00000000 00000000 00000000"
			    "00 1f 29 da 2d 79 00 00 00 00 00 00 00 00 00 00",
			    "", "",
			    "63 82 53 63 35 01 6a 3d 07 01 00 1f 29 da 2d 79 0c 07 4d 4b 30 33 38 36 32"
			    "3c 31 4d 53 46 54 20 35 2e 30 37 0c 01 0f 03 06 2c 2e 2f 1f 21 f9 2b fc 2b 03"
			    "dc 01 00 ff 00 00 00 00 25 00 00 00 00",
			    300);

	m[108 + 45] = 0xd7, m[108 + 52] = 0x53, m[108 + 117] = 0x65; /* the fuzzer's bytes in file */
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* --- hand-made edge cases --------------------------------------------------- */

static const char plain_hdr[] = "01 01 06 00 00 00 00 01 00 00 00 00 00000000 00000000 00000000 00000000"
				"02 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00";

/* A DISCOVER with one option (given as hex) and END. */
static size_t discover_with(uint8_t *m, const char *opt)
{
	char opts[4096 + 64];

	snprintf(opts, sizeof(opts), "63 82 53 63 35 01 01 %s ff", opt);
	return v4_msg(m, plain_hdr, "", "", opts, 0);
}

START_TEST(test_not_dhcp)
{
	uint8_t m[MSG_MAX];
	size_t len;

	/* op 3, op 0, a DNS query, text */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 01 ff", 0);
	m[0] = 3;
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_NOMATCH);
	m[0] = 0;
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_NOMATCH);
	len = pc_unhex("12 34 01 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01", m,
		    MSG_MAX);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run((const uint8_t *)"GET / HTTP/1.1\r\n", 16, &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);

	/* no cookie: plain BOOTP (OK, nothing to say) from 300 bytes with a sane
	 * header, else not this protocol */
	len = v4_msg(m, plain_hdr, "", "", "00 00 00 00", 300);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run(m, 299, &ctx_client), HK_PARSE_NOMATCH);
	m[2] = 17; /* hlen beyond chaddr */
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_NOMATCH);
	m[2] = 6, m[1] = 0; /* htype 0 */
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_NOMATCH);
	/* shorter than header and cookie: cannot tell yet */
	ck_assert_int_eq(run(m, 239, &ctx_client), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run(m, 0, &ctx_client), HK_PARSE_TRUNCATED);
}
END_TEST

START_TEST(test_contradictions)
{
	uint8_t m[MSG_MAX];
	size_t len;

	/* a server type from a BOOTREQUEST, a client type in a BOOTREPLY */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 05 0c 01 61 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 03 0c 01 61 ff", 0);
	m[0] = 2;
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_MALFORMED);
	/* 53 of length 0 or 2 */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 0c 01 61 35 00 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_MALFORMED);
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 02 01 01 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a length lying past the datagram: TRUNCATED, and nothing of the
	 * options before it */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 01 0c 01 61 3c 05 61 62", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a code with no length byte */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 01 0c", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_TRUNCATED);
	/* no END */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 01 0c 01 61", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_TRUNCATED);
	/* bytes after END are padding, whatever they are */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 01 0c 01 61 ff 3c 99 00 12", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* a second 53 does not change the first; types the parser does not
	 * know (leasequery) are OK and say nothing */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 01 35 01 05 0c 01 61 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 0a 0c 01 61 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the first instance of an option wins */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 01 0c 01 61 0c 01 62 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_str_eq(res.sink.v[0].value, "a");
	/* BOOTP with vendor extensions (no 53): a request's options are read,
	 * a reply says nothing */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 0c 01 61 ff", 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	m[0] = 2;
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* Not Ethernet (InfiniBand: htype 32, hlen 0): chaddr names nobody. */
START_TEST(test_no_chaddr)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 01 0c 01 61 ff", 0);

	m[1] = 32, m[2] = 0;
	/* sent by the client itself: about the sender */
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_int_eq(res.sink.v[0].side, HK_SIDE_SRC);
	/* relayed, no ciaddr: about nobody */
	m[24] = 10, m[27] = 1;
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* relayed with ciaddr: about that address */
	m[12] = 10, m[15] = 7;
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_OK);
	{
		static const struct pc_expect w[] = {
			{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 70, "dhcp.hostname", "a", NULL, "10.0.0.7"},
		};
		pc_assert_obs(&res, w, 1);
	}
	/* an ACK: about yiaddr */
	len = v4_msg(m, plain_hdr, "", "", "63 82 53 63 35 01 05 0c 01 61 ff", 0);
	m[0] = 2, m[1] = 32, m[2] = 0, m[16] = 10, m[19] = 9;
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	{
		static const struct pc_expect w[] = {
			{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 60, "dhcp.hostname", "a", NULL, "10.0.0.9"},
			{HK_OBS_IP, HK_SIDE_OTHER, 90, "dhcp.yiaddr", "10.0.0.9", NULL, "10.0.0.9"},
			{HK_OBS_ROLE, HK_SIDE_SRC, 60, "dhcp.server", "dhcp-server", NULL, NULL},
		};
		pc_assert_obs(&res, w, 3);
	}
}
END_TEST

START_TEST(test_counts)
{
	uint8_t m[MSG_MAX];
	char opts[4096];
	size_t len, o;

	/* 255 options (53 and 254 empty 224s) are read, 256 are too many */
	o = (size_t)snprintf(opts, sizeof(opts), "63 82 53 63 35 01 01");
	for (int i = 0; i < 254; i++)
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, " e0 00");
	snprintf(opts + o, sizeof(opts) - o, " ff");
	len = v4_msg(m, plain_hdr, "", "", opts, 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	snprintf(opts + o, sizeof(opts) - o, " e0 00 ff");
	len = v4_msg(m, plain_hdr, "", "", opts, 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_MALFORMED);
	/* pads do not count */
	o = (size_t)snprintf(opts, sizeof(opts), "63 82 53 63 35 01 01");
	for (int i = 0; i < 400; i++)
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, " 00");
	snprintf(opts + o, sizeof(opts) - o, " ff");
	len = v4_msg(m, plain_hdr, "", "", opts, 0);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);

	/* PRL: 0 codes say nothing, 64 are a value, 65 are too many */
	len = discover_with(m, "37 00");
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	o = (size_t)snprintf(opts, sizeof(opts), "37 40");
	for (int i = 0; i < 64; i++)
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, " ff");
	len = discover_with(m, opts);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_uint_eq(strlen(res.sink.v[0].value), 64 * 4 - 1); /* "255,...,255" fits exactly */
	o = (size_t)snprintf(opts, sizeof(opts), "37 41");
	for (int i = 0; i < 65; i++)
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, " 01");
	len = discover_with(m, opts);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* client id: 84 bytes of hex are a value, 85 are not; 1 byte is too short */
	o = (size_t)snprintf(opts, sizeof(opts), "3d 54");
	for (int i = 0; i < 84; i++)
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, " 01");
	len = discover_with(m, opts);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_uint_eq(strlen(res.sink.v[0].value), 84 * 3 - 1);
	o = (size_t)snprintf(opts, sizeof(opts), "3d 55");
	for (int i = 0; i < 85; i++)
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, " 01");
	len = discover_with(m, opts);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	len = discover_with(m, "3d 01 01");
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* empty strings say nothing */
	len = discover_with(m, "0c 00 3c 00 0c 02 00 00");
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_strings)
{
	uint8_t m[MSG_MAX];
	char opts[4096];
	size_t len, o;

	/* an inner NUL, UTF-8 "é", a backslash and a final NUL */
	len = discover_with(m, "0c 09 68 6f 00 73 74 c3 a9 5c 00");
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_str_eq(res.sink.v[0].value, "ho\\x00st\\xc3\\xa9\\\\");
	/* a vendor class of 255 bytes that escape to four each: cut to fit */
	o = (size_t)snprintf(opts, sizeof(opts), "3c ff");
	for (int i = 0; i < 255; i++)
		o += (size_t)snprintf(opts + o, sizeof(opts) - o, " 80");
	len = discover_with(m, opts);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_uint_le(strlen(res.sink.v[0].value), HK_OBS_VALUE_MAX - 1);
	ck_assert(strncmp(res.sink.v[0].value, "\\x80\\x80", 8) == 0);
	ck_assert_uint_eq(strlen(res.sink.v[0].value) % 4, 0); /* cut at a character */
}
END_TEST

START_TEST(test_fqdn)
{
	uint8_t m[MSG_MAX];
	size_t len;
	static const struct {
		const char *opt;
		const char *value; /* NULL: nothing */
	} cases[] = {
		/* E flag: wire format, with and without the root */
		{"51 15 05 00 00 04 68 6f 73 74 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00", "host.example.com"},
		{"51 0a 05 ff ff 04 68 6f 73 74 01 61", "host.a"},
		/* a label with a NUL and a dot in it, escaped / kept */
		{"51 08 04 00 00 04 61 00 2e c3", "a\\x00.\\xc3"},
		/* compression pointers are not allowed; a label past the end */
		{"51 07 04 00 00 c0 0c 00 00", NULL},
		{"51 07 04 00 00 06 61 62 63", NULL},
		{"51 06 04 00 00 40 61 62", NULL},
		/* ASCII: trailing NUL and root dot dropped */
		{"51 07 00 00 00 61 62 2e 00", "ab"},
		/* only flags, or not even the RCODEs */
		{"51 03 01 00 00", NULL},
		{"51 02 01 00", NULL},
		{"51 04 04 00 00 00", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = discover_with(m, cases[i].opt);
		ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
		if (!cases[i].value) {
			ck_assert_msg(res.sink.n == 0, "case %zu: %s", i, res.sink.n ? res.sink.v[0].value : "");
			continue;
		}
		ck_assert_uint_eq(res.sink.n, 1);
		ck_assert_str_eq(res.sink.v[0].source, "dhcp.fqdn");
		ck_assert_uint_eq(res.sink.v[0].confidence, 75);
		ck_assert_str_eq(res.sink.v[0].value, cases[i].value);
	}
	/* 126 one-byte labels, the most 252 bytes hold: every one is there */
	{
		char opts[4096];
		size_t o = (size_t)snprintf(opts, sizeof(opts), "51 ff 04 00 00");
		for (int i = 0; i < 126; i++)
			o += (size_t)snprintf(opts + o, sizeof(opts) - o, " 01 78");
		len = discover_with(m, opts);
		ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, 1);
		ck_assert_uint_eq(strlen(res.sink.v[0].value), 126 * 2 - 1);
	}
}
END_TEST

/* The sink holds HK_OBS_PER_PACKET_MAX; more are counted, not kept. */
START_TEST(test_sink_full)
{
	uint8_t m[MSG_MAX];
	size_t len = v4_msg(m, sofacy3_hdr, "", "", sofacy3_opts, 331);
	struct hk_obs two[2];
	struct hk_obs_sink sink = {.v = two, .cap = 2};

	ck_assert_int_eq(pc_run_sink(proto_dhcp_parse, m, len, &ctx_client, &sink), HK_PARSE_OK);
	ck_assert_uint_eq(sink.n, 2);
	ck_assert_uint_eq(sink.n_dropped, 3);
}
END_TEST

/* --- tshark ------------------------------------------------------------------ */

enum { TS_PAYLOAD, TS_HOSTNAME, TS_VENDOR_CLASS, TS_PRL, TS_TYPE, TS_YIADDR, TS__N };

/* tshark's fields of a frame; several occurrences of one are joined by "," */
#define TS_ARGS                                                                                                     \
	"-T fields -E separator=/t -E aggregator=, -e udp.payload -e dhcp.option.hostname "                         \
	"-e dhcp.option.vendor_class_id -e dhcp.option.request_list_item -e dhcp.option.dhcp -e dhcp.ip.your"

/*
 * Frame by frame (payload taken from tshark): the unit-test vectors above
 * are the captures' bytes, and our host name, vendor class, PRL and yiaddr
 * are tshark's.
 */
START_TEST(test_tshark)
{
	static const struct {
		const char *file;
		int frame;
		bool client;
		const char *hdr, *sname, *opts; /* a vector above, or NULL */
		size_t total;
	} frames[] = {
		{"suri_public-ex1_section8_Sofacy.pcap", 3, true, sofacy3_hdr, "", sofacy3_opts, 331},
		{"suri-dhcp-eve-extended_input.pcap", 2, false, eve2_hdr, "", eve2_opts, 308},
		{"suri-dhcp-option-52-overload_input.pcap", 7, false, ovl7_hdr, ovl7_sname, ovl7_opts, 265},
		{"pcapplusplus_Dhcp3.pcap", 1, false, tr111_hdr, "", tr111_opts, 548},
		{"tcpdump_dhcp-rfc3004.pcap", 1, true, uc_hdr, "", uc_opts, 300},
		{"zeek_hw-type0.pcap", 1, true, cisco_hdr, "", cisco_opts, 576},
		{"suri_public-ex1_section8_Sofacy.pcap", 4, false, NULL, NULL, NULL, 0},
		{"ndpi_alexa-app.pcapng", 7, true, NULL, NULL, NULL, 0},
		{"ndpi_teams.pcap", 250, true, NULL, NULL, NULL, 0},
		{"tcpdump_dhcp-mud.pcap", 1, true, NULL, NULL, NULL, 0},
		{"tcpdump_dhcp-option-108.pcapng", 2, false, NULL, NULL, NULL, 0},
		{"pcapplusplus_sll.pcap", 516, true, NULL, NULL, NULL, 0},
		{"zeek_dhcp_time_and_nameserver.pcap", 2, false, NULL, NULL, NULL, 0},
	};
	static char line[8192];
	char shared[1024], *f[TS__N];
	uint8_t m[MSG_MAX], real[MSG_MAX];
	size_t n_checked = 0;

	if (!pc_shared_dir(shared, sizeof(shared)) || !pc_have_tshark()) {
		printf("SKIP: tshark or HERKOMST_SHARED_DIR missing\n");
		return;
	}
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		size_t n;
		if (!pc_tshark_row(frames[i].file, frames[i].frame, TS_ARGS, line, sizeof(line), f, TS__N) ||
		    !f[TS_PAYLOAD][0])
			continue; /* capture not there */
		n = pc_unhex(f[TS_PAYLOAD], real, sizeof(real));
		if (frames[i].hdr) {
			size_t len = v4_msg(m, frames[i].hdr, frames[i].sname, "", frames[i].opts, frames[i].total);
			ck_assert_msg(n == len && memcmp(m, real, n) == 0, "%s frame %d differs from the vector",
				      frames[i].file, frames[i].frame);
		}
		ck_assert_int_eq(run(real, n, frames[i].client ? &ctx_client : &ctx_server), HK_PARSE_OK);
		ck_assert_str_eq(pc_value(&res, "dhcp.hostname", 0), f[TS_HOSTNAME]);
		/* vendor class and PRL are read from clients only */
		ck_assert_str_eq(pc_value(&res, "dhcp.vendor_class", 0), frames[i].client ? f[TS_VENDOR_CLASS] : "");
		ck_assert_str_eq(pc_value(&res, "dhcp.prl", 0), frames[i].client ? f[TS_PRL] : "");
		ck_assert_str_eq(pc_value(&res, "dhcp.yiaddr", 0), strcmp(f[TS_TYPE], "5") == 0 ? f[TS_YIADDR] : "");
		n_checked++;
	}
	ck_assert_msg(n_checked > 0, "tshark ran but compared nothing");
	printf("tshark: %zu frames compared\n", n_checked);
}
END_TEST

static Suite *dhcp_suite(void)
{
	Suite *s = suite_create("proto_dhcp");
	TCase *tc = tcase_create("dhcp");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_request);
	tcase_add_test(tc, test_ack);
	tcase_add_test(tc, test_ack_relayed);
	tcase_add_test(tc, test_overload);
	tcase_add_test(tc, test_vivso);
	tcase_add_test(tc, test_user_class);
	tcase_add_test(tc, test_client_id_text);
	tcase_add_test(tc, test_fuzzed_capture);
	tcase_add_test(tc, test_not_dhcp);
	tcase_add_test(tc, test_contradictions);
	tcase_add_test(tc, test_no_chaddr);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_fqdn);
	tcase_add_test(tc, test_sink_full);
	tcase_add_test(tc, test_tshark);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(dhcp_suite());
}
