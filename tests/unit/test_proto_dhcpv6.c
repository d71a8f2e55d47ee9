/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCPv6 parser (src/proto/dhcpv6.c): real messages from the shared
 * captures with their exact observations, every truncated prefix of each in
 * an exactly-sized heap buffer, relay messages (nested to the limit and one
 * past it), lying lengths, counts at 0, MAX and MAX+1, strings with NUL and
 * non-ASCII bytes, other bytes on the port, and tshark's reading of the same
 * frames when tshark and the captures are there.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"
#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define MSG_MAX 4096

static struct pc_result res;

static const struct hk_parse_ctx ctx_client = {.l4 = 17, .sport = 546, .dport = 547, .ndpi = ""};
static const struct hk_parse_ctx ctx_server = {.l4 = 17, .sport = 547, .dport = 546, .ndpi = ""};
static const struct hk_parse_ctx ctx_relay = {.l4 = 17, .sport = 547, .dport = 547, .ndpi = ""};

static enum hk_parse_result run(const uint8_t *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_dhcpv6_parse, bytes, n, ctx, &res);
}

/* Appends printf-formatted hex to a growing string. */
static void cat(char *dst, size_t dstsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char *dst, size_t dstsz, const char *fmt, ...)
{
	size_t o = strlen(dst);
	va_list ap;

	ck_assert_uint_lt(o, dstsz);
	va_start(ap, fmt);
	vsnprintf(dst + o, dstsz - o, fmt, ap);
	va_end(ap);
}

/*
 * DHCPv6 has no END: a message cut at an option boundary is a shorter whole
 * message. Every prefix must therefore either fail without observations, or
 * (at an option boundary) be OK with observations that are all among the
 * whole message's: never anything else.
 */
static void check_prefixes(const uint8_t *msg, size_t len, const struct hk_parse_ctx *ctx, const struct pc_expect *w,
			   size_t n_want)
{
	for (size_t n = 0; n < len; n++) {
		enum hk_parse_result r = run(msg, n, ctx);
		char what[32];

		if (r != HK_PARSE_OK) {
			ck_assert_msg(r == HK_PARSE_TRUNCATED || r == HK_PARSE_MALFORMED || r == HK_PARSE_NOMATCH,
				      "prefix %zu: %s", n, hk_parse_result_name(r));
			ck_assert_msg(res.sink.n == 0, "prefix %zu: %s with %zu observations", n,
				      hk_parse_result_name(r), res.sink.n);
			continue;
		}
		snprintf(what, sizeof(what), "prefix %zu", n);
		pc_assert_obs_among(&res, w, n_want, what);
	}
}

/* --- real messages ---------------------------------------------------------- */

/*
 * iti_addroute.pcapng frame 98, UDP 546 → 547, 92 bytes: a Windows Solicit,
 * sent by b8:ae:ed:7e:1b:4c with a DUID-LLT of another interface. tshark:
 * DUID-LLT link-layer address 00:21:5c:c3:05:be, Client Domain
 * "ShenhuaJ6-PC", Vendor Class enterprise 311 "MSFT 5.0", Requested Option
 * codes 24,23,17,39.
 */
static const char solicit_hex[] =
	"01 9c b4 27"                               /* Solicit, transaction id */
	"00 08 00 02 18 9c"                         /* 8 elapsed time */
	"00 01 00 0e 00 01 00 01 1e 71 8f 34 00 21 5c c3 05 be" /* 1 client id: DUID-LLT, hw 1 */
	"00 03 00 0c 20 b8 ae ed 00 00 00 00 00 00 00 00" /* 3 IA_NA: IAID, T1, T2, no address */
	"00 27 00 0e 00"                            /* 39 FQDN, flags 0 */
	"0c 53 68 65 6e 68 75 61 4a 36 2d 50 43"     /* "ShenhuaJ6-PC", partial (no root) */
	"00 10 00 0e 00 00 01 37"                   /* 16 vendor class, enterprise 311 */
	"00 08 4d 53 46 54 20 35 2e 30"             /* "MSFT 5.0" */
	"00 06 00 08 00 18 00 17 00 11 00 27";      /* 6 ORO: 24, 23, 17, 39 */
static const struct pc_expect solicit_want[] = {
	{HK_OBS_RAW, HK_SIDE_SRC, 50, "dhcpv6.duid", "00:01:00:01:1e:71:8f:34:00:21:5c:c3:05:be", NULL, NULL},
	{HK_OBS_HOSTNAME, HK_SIDE_SRC, 75, "dhcpv6.fqdn", "ShenhuaJ6-PC", NULL, NULL},
	{HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "dhcpv6.vendor_class", "MSFT 5.0", NULL, NULL},
	{HK_OBS_RAW, HK_SIDE_SRC, 50, "dhcpv6.vendor_class_enterprise", "311", NULL, NULL},
	{HK_OBS_RAW, HK_SIDE_SRC, 50, "dhcpv6.oro", "24,23,17,39", NULL, NULL},
};

START_TEST(test_solicit)
{
	uint8_t m[MSG_MAX];
	size_t len = pc_unhex(solicit_hex, m, sizeof(m));

	ck_assert_uint_eq(len, 92);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	/* about the sender: not the DUID's 00:21:5c:c3:05:be */
	pc_assert_obs(&res, solicit_want, 5);
	check_prefixes(m, len, &ctx_client, solicit_want, 5);
}
END_TEST

/*
 * tcpdump_dhcpv6-ia-na.pcap frame 4, UDP 547 → 546, 80 bytes: the Reply
 * that gives 00:01:02:03:04:05 its address. tshark: IA Address
 * 2a00:1:1:200:38e6:b22e:c440:acdf, valid lifetime 7200; client DUID-LL
 * 00:01:02:03:04:05.
 */
static const char reply_hex[] =
	"07 2f fd d1"                                  /* Reply */
	"00 03 00 28 02 03 04 05 00 00 0e 10 00 00 15 18" /* IA_NA: IAID, T1 3600, T2 5400 */
	"00 05 00 18 2a 00 00 01 00 01 02 00 38 e6 b2 2e c4 40 ac df" /* IA address */
	"00 00 11 94 00 00 1c 20"                      /* preferred 4500, valid 7200 */
	"00 01 00 0a 00 03 00 01 00 01 02 03 04 05"    /* client id: DUID-LL */
	"00 02 00 0e 00 01 00 01 18 46 48 8c 00 11 22 33 44 55"; /* server id */
static const struct pc_expect reply_want[] = {
	{HK_OBS_IP, HK_SIDE_DST, 90, "dhcpv6.iaaddr", "2a00:1:1:200:38e6:b22e:c440:acdf", NULL, NULL},
	{HK_OBS_RAW, HK_SIDE_DST, 50, "dhcpv6.duid", "00:03:00:01:00:01:02:03:04:05", NULL, NULL},
	{HK_OBS_ROLE, HK_SIDE_SRC, 60, "dhcpv6.server", "dhcp-server", NULL, NULL},
};

START_TEST(test_reply)
{
	uint8_t m[MSG_MAX];
	size_t len = pc_unhex(reply_hex, m, sizeof(m));

	ck_assert_uint_eq(len, 80);
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	pc_assert_obs(&res, reply_want, 3);
	check_prefixes(m, len, &ctx_server, reply_want, 3);

	/* an Advertise offers the same address: not claimed */
	m[0] = 2;
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	pc_assert_obs(&res, reply_want + 1, 2);
	/* valid lifetime 0 (released): not claimed */
	m[0] = 7;
	m[44] = m[45] = m[46] = m[47] = 0;
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	pc_assert_obs(&res, reply_want + 1, 2);
}
END_TEST

/*
 * tcpdump_dhcpv6-rfc6355-duid-uuid.pcap frame 1, UDP 546 → 547, 104 bytes: a
 * Renew from a client with a DUID-UUID. tshark: DUID Type UUID (4), Requested
 * Option codes 23,24,23,24,1. Its IA_NA address is not claimed (not a Reply).
 */
static const char renew_hex[] =
	"05 09 f5 6b"                                       /* Renew */
	"00 01 00 12 00 04 a2 56 e9 2e 40 ab d0 d2 a3 ab 3b 3f f2 ff 89 98" /* DUID-UUID */
	"00 02 00 0a 00 03 00 01 a0 21 b7 e0 d8 71"         /* server id */
	"00 06 00 0a 00 17 00 18 00 17 00 18 00 01"         /* ORO */
	"00 08 00 02 00 00"                                 /* elapsed */
	"00 03 00 28 39 e7 14 84 00 00 0e 10 00 00 15 18"   /* IA_NA */
	"00 05 00 18 2a 02 27 88 07 c8 04 dd 4a 5b 39 ff fe e7 14 84 00 00 1c 20 00 00 1d 4c";
static const struct pc_expect renew_want[] = {
	{HK_OBS_RAW, HK_SIDE_SRC, 50, "dhcpv6.duid", "00:04:a2:56:e9:2e:40:ab:d0:d2:a3:ab:3b:3f:f2:ff:89:98", NULL,
	 NULL},
	{HK_OBS_RAW, HK_SIDE_SRC, 50, "dhcpv6.oro", "23,24,23,24,1", NULL, NULL},
};

START_TEST(test_renew_uuid)
{
	uint8_t m[MSG_MAX];
	size_t len = pc_unhex(renew_hex, m, sizeof(m));

	ck_assert_uint_eq(len, 104);
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	pc_assert_obs(&res, renew_want, 2);
	check_prefixes(m, len, &ctx_client, renew_want, 2);
}
END_TEST

/*
 * tcpdump_dhcpv6-vendor-specific-information.pcap frame 1, 587 bytes: a
 * Relay-forw carrying a cable modem's Request. tshark: Relay-forw, hop count
 * 1, peer fc00:502:411:1::1; options Interface-Id, Vendor-specific (the
 * relay's, 4491), Relay Message: Request with Vendor Class 4491 "docsis3.0",
 * ORO 17, Vendor-specific 4491 (Serial Number "DRG7908-53", Software
 * Version "drg7908-P15-14-v302r12111a", Model Number "DRG7908", Vendor Name
 * "Cisco", ...), client DUID-LL 54:d4:6f:fa:10:9a, server DUID-LLT, IA_NA.
 */
static const char relay_hex[] =
	"0c 01"                                            /* Relay-forw, hop count 1 */
	"fc 00 05 02 04 11 00 01 00 00 00 00 00 00 00 01"  /* link-address */
	"fc 00 05 02 04 11 00 01 00 00 00 00 00 00 00 01"  /* peer-address */
	"00 12 00 06 54 d4 6f fa 10 9a"                    /* 18 interface-id */
	"00 11 00 16 00 00 11 8b 00 26 00 04 01 02 03 00 00 27 00 06 54 d4 6f fa 10 9a" /* relay's 17 */
	"00 09 02 01"                                      /* 9 relay message, 513 bytes */
	"03 d9 8c 5d"                                      /* Request */
	"00 14 00 00"                                      /* 20 reconfigure accept */
	"00 10 00 0f 00 00 11 8b 00 09 64 6f 63 73 69 73 33 2e 30" /* 16: 4491 "docsis3.0" */
	"00 06 00 02 00 11"                                /* 6 ORO: 17 */
	"00 11 01 11 00 00 11 8b"                          /* 17, 273 bytes, enterprise 4491 */
	"00 01 00 10 00 20 00 21 00 22 00 25 00 26 08 7a 08 7b 00 27" /* 1 ORO */
	"00 02 00 03 45 43 4d"                             /* 2 device type "ECM" */
	"00 03 00 0c 45 43 4d 3a 45 4d 54 41 3a 45 50 53"  /* 3 "ECM:EMTA:EPS" */
	"00 04 00 0a 44 52 47 37 39 30 38 2d 35 33"        /* 4 serial "DRG7908-53" */
	"00 05 00 03 31 2e 30"                             /* 5 hardware version */
	"00 06 00 1a 64 72 67 37 39 30 38 2d 50 31 35 2d 31 34 2d 76 33 30 32 72 31 32 31 31 31 61" /* 6 */
	"00 07 00 05 32 2e 33 2e 31"                       /* 7 boot ROM */
	"00 08 00 06 35 34 44 34 36 46"                    /* 8 OUI "54D46F" */
	"00 09 00 07 44 52 47 37 39 30 38"                 /* 9 model "DRG7908" */
	"00 0a 00 05 43 69 73 63 6f"                       /* 10 vendor "Cisco" */
	"00 23 00 7a 05 78 01 01 01 02 01 03 03 01 01 04 01 01 05 01 01 06 01 01 07 01 0f 08 01 10 09 01"
	"00 0a 01 01 0b 01 18 0c 01 01 0d 02 00 40 0e 02 00 0a 0f 01 01 10 04 00 00 00 06 11 01 00 14 01"
	"00 15 01 3f 16 01 01 17 01 01 18 01 04 19 01 04 1a 01 04 1b 01 20 1c 01 02 1d 01 08 1e 01 20 1f"
	"01 10 20 01 10 21 01 02 22 01 01 23 01 00 24 01 00 25 01 01 26 02 00 ff 27 01 01 28 01 00" /* 35 TLV5 */
	"00 24 00 06 54 d4 6f fa 10 9a"                    /* 36 device id */
	"00 01 00 0a 00 03 00 01 54 d4 6f fa 10 9a"        /* client id: DUID-LL */
	"00 02 00 0e 00 01 00 01 14 08 58 82 00 0c 29 0f 1c 3b" /* server id */
	"00 03 00 a1 6f fa 10 9a 00 00 00 00 00 00 00 00"  /* IA_NA, 161 bytes */
	"00 05 00 18 fc 00 05 02 04 11 00 01 00 00 00 00 00 00 00 31 00 00 69 78 00 00 a8 c0"
	"00 11 00 75 00 00 11 8b 00 20 00 10 fc 00 05 02 04 00 00 00 00 10 00 32 00 00 00 69 08 7a 00 10"
	"00 02 00 04 0a 20 00 45 00 01 00 04 0a 20 00 45 00 03 00 04 00 00 00 01 00 25 00 10 fc 00 05 02"
	"04 00 00 00 00 10 00 32 00 00 00 69 00 26 00 04 00 00 00 00 00 21 00 0d 73 61 6d 70 6c 65 63 6d"
	"36 2e 62 69 6e 00 22 00 10 fc 00 05 02 04 00 00 00 00 10 00 32 00 00 00 69"
	"00 08 00 02 00 00";                               /* elapsed */
#define CM_MAC "54:d4:6f:fa:10:9a"
static const struct pc_expect relay_want[] = {
	{HK_OBS_SOFTWARE, HK_SIDE_OTHER, 50, "dhcpv6.vendor_class", "docsis3.0", CM_MAC, NULL},
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcpv6.vendor_class_enterprise", "4491", CM_MAC, NULL},
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcpv6.oro", "17", CM_MAC, NULL},
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcpv6.vendor_opts", "4491", CM_MAC, NULL},
	{HK_OBS_SERIAL, HK_SIDE_OTHER, 70, "dhcpv6.cablelabs_serial", "DRG7908-53", CM_MAC, NULL},
	{HK_OBS_FIRMWARE, HK_SIDE_OTHER, 70, "dhcpv6.cablelabs_sw_version", "drg7908-P15-14-v302r12111a", CM_MAC,
	 NULL},
	{HK_OBS_MODEL, HK_SIDE_OTHER, 70, "dhcpv6.cablelabs_model", "DRG7908", CM_MAC, NULL},
	{HK_OBS_VENDOR, HK_SIDE_OTHER, 70, "dhcpv6.cablelabs_vendor", "Cisco", CM_MAC, NULL},
	{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcpv6.duid", "00:03:00:01:54:d4:6f:fa:10:9a", CM_MAC, NULL},
};

START_TEST(test_relay_forw)
{
	uint8_t m[MSG_MAX];
	size_t len = pc_unhex(relay_hex, m, sizeof(m));

	ck_assert_uint_eq(len, 587);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_OK);
	pc_assert_obs(&res, relay_want, 9);
	/* a relay message must hold all of option 9: no prefix is OK */
	for (size_t n = 0; n < len; n++) {
		enum hk_parse_result r = run(m, n, &ctx_relay);
		ck_assert_msg(r == HK_PARSE_TRUNCATED || r == HK_PARSE_MALFORMED, "prefix %zu: %s", n,
			      hk_parse_result_name(r));
		ck_assert_uint_eq(res.sink.n, 0);
	}
}
END_TEST

/* --- relays, by hand -------------------------------------------------------- */

/* Wraps hex message `inner` in `depth` relay messages of type `type`. */
static size_t relay_wrap(uint8_t *out, const char *inner, unsigned depth, uint8_t type, const char *peer)
{
	uint8_t in[MSG_MAX], tmp[MSG_MAX];
	size_t len = pc_unhex(inner, in, sizeof(in));

	for (unsigned d = 0; d < depth; d++) {
		size_t o = 0;
		tmp[o++] = type;
		tmp[o++] = (uint8_t)(depth - 1 - d);
		memset(tmp + o, 0, 16); /* link-address */
		o += 16;
		ck_assert_uint_eq(pc_unhex(peer, tmp + o, 16), 16);
		o += 16;
		tmp[o++] = 0, tmp[o++] = 9;
		tmp[o++] = (uint8_t)(len >> 8), tmp[o++] = (uint8_t)len;
		ck_assert_uint_le(o + len, sizeof(tmp));
		memcpy(tmp + o, in, len);
		len += o;
		memcpy(in, tmp, len);
	}
	memcpy(out, in, len);
	return len;
}

#define PEER_LL "fe80 0000 0000 0000 0201 02ff fe03 0405"
#define PEER_GLOBAL "2001 0db8 0000 0000 0000 0000 0000 0042"

START_TEST(test_relay_repl)
{
	uint8_t m[MSG_MAX];
	size_t len = relay_wrap(m, reply_hex, 1, 13, PEER_LL);
	static const struct pc_expect w[] = {
		{HK_OBS_IP, HK_SIDE_OTHER, 90, "dhcpv6.iaaddr", "2a00:1:1:200:38e6:b22e:c440:acdf", "00:01:02:03:04:05",
		 NULL},
		{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcpv6.duid", "00:03:00:01:00:01:02:03:04:05", "00:01:02:03:04:05",
		 NULL},
		{HK_OBS_ROLE, HK_SIDE_SRC, 60, "dhcpv6.server", "dhcp-server", NULL, NULL},
	};

	/* the server sends Relay-repl to the relay: the client is its DUID's MAC */
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_OK);
	pc_assert_obs(&res, w, 3);
	/* nested to the limit, and one past it */
	len = relay_wrap(m, reply_hex, 8, 13, PEER_LL);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_OK);
	pc_assert_obs(&res, w, 3);
	len = relay_wrap(m, reply_hex, 9, 13, PEER_LL);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_relay_subject)
{
	uint8_t m[MSG_MAX];
	size_t len;
	/* a Solicit from a client with a DUID-EN (no MAC) and a host name */
	static const char solicit_en[] = "01 00 00 01"
					 "00 01 00 0a 00 02 00 00 01 37 01 02 03 04" /* DUID-EN 311 */
					 "00 27 00 05 00 03 61 62 63";               /* FQDN "abc" */
	static const struct pc_expect w[] = {
		{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcpv6.duid", "00:02:00:00:01:37:01:02:03:04", NULL,
		 "2001:db8::42"},
		{HK_OBS_RAW, HK_SIDE_OTHER, 50, "dhcpv6.duid_enterprise", "311", NULL, "2001:db8::42"},
		{HK_OBS_HOSTNAME, HK_SIDE_OTHER, 75, "dhcpv6.fqdn", "abc", NULL, "2001:db8::42"},
	};

	/* unrelayed: about the sender */
	len = pc_unhex(solicit_en, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	ck_assert_int_eq(res.sink.v[1].side, HK_SIDE_SRC);
	ck_assert_str_eq(res.sink.v[1].value, "311");
	/* relayed, global peer-address: about that address */
	len = relay_wrap(m, solicit_en, 1, 12, PEER_GLOBAL);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_OK);
	pc_assert_obs(&res, w, 3);
	/* relayed, link-local peer (ambiguous beyond its link): about nobody */
	len = relay_wrap(m, solicit_en, 1, 12, PEER_LL);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* a relay message without option 9 */
	len = relay_wrap(m, solicit_en, 1, 12, PEER_LL);
	m[34] = 0, m[35] = 8; /* option 9 → 8 */
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_MALFORMED);
	/* option 9 holding a cut message, or no message at all, or type 0 */
	len = relay_wrap(m, "01 00 00 01 00 27 00 09 00 03 61 62 63", 1, 12, PEER_LL);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_MALFORMED);
	len = relay_wrap(m, "01 00 00", 1, 12, PEER_LL);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_MALFORMED);
	len = relay_wrap(m, "", 1, 12, PEER_LL);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_MALFORMED);
	len = relay_wrap(m, "00 00 00 01", 1, 12, PEER_LL);
	ck_assert_int_eq(run(m, len, &ctx_relay), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* a relay header cut short */
	len = relay_wrap(m, solicit_en, 1, 12, PEER_LL);
	ck_assert_int_eq(run(m, 20, &ctx_relay), HK_PARSE_TRUNCATED);
}
END_TEST

/* --- hand-made edge cases --------------------------------------------------- */

START_TEST(test_not_dhcpv6)
{
	uint8_t m[MSG_MAX];
	size_t len = pc_unhex("00 12 34 56 00 08 00 02 00 00", m, sizeof(m));

	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_NOMATCH);
	m[0] = 38;
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_NOMATCH);
	m[0] = 0xff;
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run((const uint8_t *)"GET / HTTP/1.1\r\n", 16, &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run(m, 0, &ctx_client), HK_PARSE_TRUNCATED);
	/* a known type with less than a header */
	m[0] = 1;
	ck_assert_int_eq(run(m, 3, &ctx_client), HK_PARSE_TRUNCATED);
	/* a header alone is a message */
	ck_assert_int_eq(run(m, 4, &ctx_client), HK_PARSE_OK);
	/* types the parser does not read are OK and say nothing */
	len = pc_unhex("0e 00 00 01 00 27 00 05 00 03 61 62 63", m, sizeof(m)); /* LEASEQUERY */
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_uint_eq(res.sink.n_dropped, 0);
}
END_TEST

START_TEST(test_lying_lengths)
{
	uint8_t m[MSG_MAX];
	size_t len;

	/* an option longer than the datagram: TRUNCATED, and the FQDN before
	 * it says nothing */
	len = pc_unhex("01 00 00 01 00 27 00 05 00 03 61 62 63 00 10 00 20 00 00", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* half an option header */
	len = pc_unhex("01 00 00 01 00 27 00", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_TRUNCATED);
	/* an odd ORO, a short DUID, a short vendor class, a vendor class item
	 * past its option: each says nothing, the message is still OK */
	len = pc_unhex("01 00 00 01 00 06 00 03 00 17 00"
		    "00 01 00 01 00"
		    "00 10 00 08 00 00 01 37 00 09 41 42",
		    m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1); /* the one-byte DUID as hex */
	ck_assert_str_eq(res.sink.v[0].source, "dhcpv6.duid");
	/* IA_NA shorter than its 12 bytes; an IA address running past the IA */
	len = pc_unhex("07 00 00 01 00 03 00 08 00 00 00 01 00 00 00 00"
		    "00 03 00 14 00 00 00 01 00 00 00 00 00 00 00 00 00 05 00 18 20 01 0d b8",
		    m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1); /* the role only */
	/* an IA address with a multicast address: not claimed */
	len = pc_unhex("07 00 00 01 00 03 00 28 00 00 00 01 00 00 00 00 00 00 00 00"
		    "00 05 00 18 ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00 01",
		    m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	/* a CableLabs sub-option past its option: only the enterprise */
	len = pc_unhex("01 00 00 01 00 11 00 0b 00 00 11 8b 00 04 00 09 41 42 43", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_str_eq(res.sink.v[0].value, "4491");
	/* vendor options shorter than the enterprise number: nothing */
	len = pc_unhex("01 00 00 01 00 11 00 02 00 00", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_counts)
{
	uint8_t m[MSG_MAX];
	char hex[4 * MSG_MAX];
	size_t len;

	/* 128 options are read, 129 are too many */
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01");
	for (int i = 0; i < 128; i++)
		cat(hex, sizeof(hex), " 00 08 00 00");
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	cat(hex, sizeof(hex), " 00 08 00 00");
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_MALFORMED);

	/* ORO: 0 codes say nothing, 64 are a value, 65 too many */
	len = pc_unhex("01 00 00 01 00 06 00 00", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 06 00 80");
	for (int i = 0; i < 64; i++)
		cat(hex, sizeof(hex), " 00 %02x", i + 1);
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert(strncmp(res.sink.v[0].value, "1,2,3,", 6) == 0);
	ck_assert(strstr(res.sink.v[0].value, ",64") != NULL);
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 06 00 82");
	for (int i = 0; i < 65; i++)
		cat(hex, sizeof(hex), " 00 01");
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* 64 five-digit codes do not fit a value: nothing rather than a cut list */
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 06 00 80");
	for (int i = 0; i < 64; i++)
		cat(hex, sizeof(hex), " ff ff");
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* vendor class: 8 items, and 9 */
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 10 00 1c 00 00 01 37");
	for (int i = 0; i < 8; i++)
		cat(hex, sizeof(hex), " 00 01 %02x", 'a' + i);
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(pc_value(&res, "dhcpv6.vendor_class", 0), "a,b,c,d,e,f,g,h");
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 10 00 1f 00 00 01 37");
	for (int i = 0; i < 9; i++)
		cat(hex, sizeof(hex), " 00 01 %02x", 'a' + i);
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* no items: the enterprise alone */
	len = pc_unhex("01 00 00 01 00 10 00 04 00 00 01 37", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_str_eq(res.sink.v[0].source, "dhcpv6.vendor_class_enterprise");

	/* a Reply with 9 addresses in one IA: 8 are claimed */
	hex[0] = '\0';
	cat(hex, sizeof(hex), "07 00 00 01 00 03 %02x %02x 00 00 00 01 00 00 00 00 00 00 00 00", (12 + 9 * 28) >> 8,
	    (12 + 9 * 28) & 255);
	for (int i = 0; i < 9; i++)
		cat(hex, sizeof(hex),
		    " 00 05 00 18 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 %02x 00 00 00 01 00 00 00 01", i + 1);
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 8 + 1);
	ck_assert_str_eq(res.sink.v[7].value, "2001:db8::8");

	/* CableLabs: 64 sub-options are read, 65 are too many */
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 11 %02x %02x 00 00 11 8b", (4 + 63 * 4 + 6) >> 8, (4 + 63 * 4 + 6) & 255);
	for (int i = 0; i < 63; i++)
		cat(hex, sizeof(hex), " 00 63 00 00");
	cat(hex, sizeof(hex), " 00 09 00 02 4d 31");
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(pc_value(&res, "dhcpv6.cablelabs_model", 0), "M1");
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 11 %02x %02x 00 00 11 8b", (4 + 64 * 4 + 6) >> 8, (4 + 64 * 4 + 6) & 255);
	for (int i = 0; i < 64; i++)
		cat(hex, sizeof(hex), " 00 63 00 00");
	cat(hex, sizeof(hex), " 00 09 00 02 4d 31");
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(pc_value(&res, "dhcpv6.cablelabs_model", 0), "");
	ck_assert_str_eq(pc_value(&res, "dhcpv6.vendor_opts", 0), "4491");

	/* a DUID is shown as hex only if all of it fits a value: 86 bytes do not */
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 01 00 56 00 02 00 00 01 37");
	for (int i = 0; i < 86 - 6; i++)
		cat(hex, sizeof(hex), " 11");
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(pc_value(&res, "dhcpv6.duid", 0), "");
	ck_assert_str_eq(pc_value(&res, "dhcpv6.duid_enterprise", 0), "311");
	hex[0] = '\0';
	cat(hex, sizeof(hex), "01 00 00 01 00 01 00 55 00 02 00 00 01 37");
	for (int i = 0; i < 85 - 6; i++)
		cat(hex, sizeof(hex), " 11");
	len = pc_unhex(hex, m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(strlen(pc_value(&res, "dhcpv6.duid", 0)), 85 * 3 - 1);
}
END_TEST

START_TEST(test_strings)
{
	uint8_t m[MSG_MAX];
	size_t len;

	/* FQDN labels with a NUL, UTF-8 and a backslash; full name with root */
	len = pc_unhex("01 00 00 01 00 27 00 0c 01 05 61 00 c3 a9 5c 03 63 6f 6d 00", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(pc_value(&res, "dhcpv6.fqdn", 0), "a\\x00\\xc3\\xa9\\\\.com");
	/* a compression pointer, a label past the option, root only: nothing */
	len = pc_unhex("01 00 00 01 00 27 00 03 00 c0 0c", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	len = pc_unhex("01 00 00 01 00 27 00 04 00 05 61 62", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	len = pc_unhex("01 00 00 01 00 27 00 02 00 00", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* in a Reply the server's word for the name: confidence 60, about DST */
	len = pc_unhex("07 00 00 01 00 27 00 05 00 03 61 62 63", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	ck_assert_uint_eq(res.sink.v[0].confidence, 60);
	ck_assert_int_eq(res.sink.v[0].side, HK_SIDE_DST);
	/* vendor class data with NUL and high bytes, and an empty item */
	len = pc_unhex("01 00 00 01 00 10 00 0e 00 00 01 37 00 03 41 00 ff 00 00 00 01 42", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(pc_value(&res, "dhcpv6.vendor_class", 0), "A\\x00\\xff,B");
	/* the first client id wins */
	len = pc_unhex("01 00 00 01 00 01 00 02 00 09 00 01 00 02 00 0a", m, sizeof(m));
	ck_assert_int_eq(run(m, len, &ctx_client), HK_PARSE_OK);
	ck_assert_str_eq(pc_value(&res, "dhcpv6.duid", 0), "00:09");
}
END_TEST

/* --- tshark ------------------------------------------------------------------ */

enum { TS_PAYLOAD, TS_FQDN, TS_VENDOR_CLASS, TS_ORO, TS_IAADDR, TS__N };

/* tshark's fields of a frame; several occurrences of one are joined by "," */
#define TS_ARGS                                                                                                     \
	"-T fields -E separator=/t -E aggregator=, -e udp.payload -e dhcpv6.client_domain "                         \
	"-e dhcpv6.vendorclass.data -e dhcpv6.requested_option_code -e dhcpv6.iaaddr.ip"

/* The vectors are the captures' bytes; our FQDN, vendor class, ORO and
 * claimed addresses are tshark's. */
START_TEST(test_tshark)
{
	static const struct {
		const char *hex;
		const char *file;
		int frame;
		const struct hk_parse_ctx *ctx;
	} v[] = {
		{solicit_hex, "iti_addroute.pcapng", 98, &ctx_client},
		{reply_hex, "tcpdump_dhcpv6-ia-na.pcap", 4, &ctx_server},
		{renew_hex, "tcpdump_dhcpv6-rfc6355-duid-uuid.pcap", 1, &ctx_client},
		{relay_hex, "tcpdump_dhcpv6-vendor-specific-information.pcap", 1, &ctx_relay},
		{NULL, "tcpdump_dhcpv6-ia-na.pcap", 1, &ctx_client},
		{NULL, "tcpdump_dhcpv6-ia-na.pcap", 3, &ctx_client},
		{NULL, "tcpdump_dhcpv6-rfc6355-duid-uuid.pcap", 2, &ctx_server},
		{NULL, "ndpi_android.pcap", 69, &ctx_client},
	};
	static char line[8192];
	char shared[1024], *f[TS__N];
	uint8_t m[MSG_MAX], real[MSG_MAX];
	size_t n_checked = 0;

	if (!pc_shared_dir(shared, sizeof(shared)) || !pc_have_tshark()) {
		printf("SKIP: tshark or HERKOMST_SHARED_DIR missing\n");
		return;
	}
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n;
		if (!pc_tshark_row(v[i].file, v[i].frame, TS_ARGS, line, sizeof(line), f, TS__N) || !f[TS_PAYLOAD][0])
			continue;
		n = pc_unhex(f[TS_PAYLOAD], real, sizeof(real));
		if (v[i].hex) {
			size_t len = pc_unhex(v[i].hex, m, sizeof(m));
			ck_assert_msg(n == len && memcmp(m, real, n) == 0, "%s frame %d differs from the vector",
				      v[i].file, v[i].frame);
		}
		ck_assert_int_eq(run(real, n, v[i].ctx), HK_PARSE_OK);
		ck_assert_str_eq(pc_value(&res, "dhcpv6.fqdn", 0), f[TS_FQDN]);
		ck_assert_str_eq(pc_value(&res, "dhcpv6.vendor_class", 0), f[TS_VENDOR_CLASS]);
		ck_assert_str_eq(pc_value(&res, "dhcpv6.oro", 0), f[TS_ORO]);
		/* addresses are claimed from a Reply only */
		ck_assert_str_eq(pc_value(&res, "dhcpv6.iaaddr", 0),
				 v[i].ctx == &ctx_server && real[0] == 7 ? f[TS_IAADDR] : "");
		n_checked++;
	}
	ck_assert_msg(n_checked > 0, "tshark ran but compared nothing");
	printf("tshark: %zu frames compared\n", n_checked);
}
END_TEST

static Suite *dhcpv6_suite(void)
{
	Suite *s = suite_create("proto_dhcpv6");
	TCase *tc = tcase_create("dhcpv6");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_solicit);
	tcase_add_test(tc, test_reply);
	tcase_add_test(tc, test_renew_uuid);
	tcase_add_test(tc, test_relay_forw);
	tcase_add_test(tc, test_relay_repl);
	tcase_add_test(tc, test_relay_subject);
	tcase_add_test(tc, test_not_dhcpv6);
	tcase_add_test(tc, test_lying_lengths);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_tshark);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(dhcpv6_suite());
}
