/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSDP parser (src/proto/ssdp.c): real NOTIFY and M-SEARCH datagrams and
 * a search response built from UPnP DA 2.0, with exact observations; every
 * truncated prefix in an exactly-sized heap buffer; lines and header counts
 * at and past their MAX; CRLF and bare LF; NUL and non-ASCII bytes in
 * values; bytes that are not SSDP.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "proto_check.h"

/* as in src/proto/ssdp.c: the boundary tests below fail if they drift */
#define SSDP_LINE_MAX 1024
#define SSDP_HEADERS_MAX 32

static struct pc_result res;
static const struct hk_parse_ctx ssdp_ctx = {.l4 = 17, .sport = 1900, .dport = 1900, .ndpi = "SSDP"};

static enum hk_parse_result run_n(const void *bytes, size_t n)
{
	return pc_run(proto_ssdp_parse, bytes, n, &ssdp_ctx, &res);
}

static enum hk_parse_result run(const char *s)
{
	return run_n(s, strlen(s));
}

#define expect(i, kind, source, value, conf) PC_EXPECT(&res, i, kind, HK_SIDE_SRC, conf, source, value)

/*
 * suri_ssdp.pcap frame 1: 192.168.1.1 (a Netgear router running Tomato)
 * UDP 9489 -> 239.255.255.250:1900. tshark shows the same header lines
 * (note "lOCATION": names are case-insensitive).
 */
static const char pdu_notify[] = "NOTIFY * HTTP/1.1\r\n"
				 "HOST: 239.255.255.250:1900\r\n"
				 "CACHE-CONTROL: max-age=120\r\n"
				 "lOCATION: http://192.168.1.1:7406/rootDesc.xml\r\n"
				 "SERVER: UPnP/Tomato 1.28.7500 MIPSR2Toastman-RT K26 USB Ext UPnP/1.0 MiniUPnPd/1.6\r\n"
				 "NT: upnp:rootdevice\r\n"
				 "USN: uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f::upnp:rootdevice\r\n"
				 "NTS: ssdp:alive\r\n"
				 "OPT: \"http://schemas.upnp.org/upnp/1/0/\";\r\n"
				 "01-NLS: 1\r\n"
				 "BOOTID.UPNP.ORG: 1\r\n"
				 "CONFIGID.UPNP.ORG: 1337\r\n"
				 "\r\n";

/* ndpi_ssdp-m-search-ua.pcap frame 1: 192.168.242.50 UDP 56446 -> 239.255.255.250:1900 */
static const char pdu_msearch_ua[] = "M-SEARCH * HTTP/1.1\r\n"
				     "HOST: 239.255.255.250:1900\r\n"
				     "MAN: \"ssdp:discover\"\r\n"
				     "MX: 1\r\n"
				     "ST: urn:dial-multiscreen-org:service:dial:1\r\n"
				     "USER-AGENT: Google Chrome/99.0.4844.74 Mac OS X\r\n"
				     "\r\n";

/* ndpi_1kxun.pcap frame 3: 192.168.5.57 UDP 55809 -> 1900, no space after the colons */
static const char pdu_msearch_igd[] = "M-SEARCH * HTTP/1.1\r\n"
				      "Host:239.255.255.250:1900\r\n"
				      "ST:urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
				      "Man:\"ssdp:discover\"\r\n"
				      "MX:3\r\n"
				      "\r\n";

/*
 * A search response as UPnP DA 2.0 1.3.3 lays it out, from a Philips Hue
 * bridge answering for an Internet gateway device (made up: the shared
 * captures hold no 200 OK). tshark (text2pcap -u 1900,50000) reads it as
 * "HTTP/1.1 200 OK" with http.server "Linux/3.14 UPnP/1.0 IpBridge/1.26.0".
 */
static const char pdu_response[] = "HTTP/1.1 200 OK\r\n"
				   "CACHE-CONTROL: max-age=100\r\n"
				   "EXT:\r\n"
				   "LOCATION: http://192.168.1.2:80/description.xml\r\n"
				   "SERVER: Linux/3.14 UPnP/1.0 IpBridge/1.26.0\r\n"
				   "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
				   "USN: uuid:2f402f80-da50-11e1-9b23-001788255acc::"
				   "urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
				   "\r\n";

START_TEST(test_real_notify)
{
	ck_assert_int_eq(run(pdu_notify), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3); /* NT upnp:rootdevice is no device type */
	expect(0, HK_OBS_SOFTWARE, "ssdp.server",
	       "UPnP/Tomato 1.28.7500 MIPSR2Toastman-RT K26 USB Ext UPnP/1.0 MiniUPnPd/1.6", 50);
	expect(1, HK_OBS_RAW, "ssdp.location", "http://192.168.1.1:7406/rootDesc.xml", 50);
	expect(2, HK_OBS_RAW, "ssdp.usn", "uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f", 50);
}
END_TEST

START_TEST(test_real_msearch)
{
	ck_assert_int_eq(run(pdu_msearch_ua), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1); /* ST names what it looks for: not said */
	expect(0, HK_OBS_SOFTWARE, "ssdp.user_agent", "Google Chrome/99.0.4844.74 Mac OS X", 50);

	ck_assert_int_eq(run(pdu_msearch_igd), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0); /* looking for a router is not being one */
}
END_TEST

START_TEST(test_response)
{
	ck_assert_int_eq(run(pdu_response), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 5);
	expect(0, HK_OBS_SOFTWARE, "ssdp.server", "Linux/3.14 UPnP/1.0 IpBridge/1.26.0", 50);
	expect(1, HK_OBS_RAW, "ssdp.location", "http://192.168.1.2:80/description.xml", 50);
	expect(2, HK_OBS_RAW, "ssdp.device_type", "urn:schemas-upnp-org:device:InternetGatewayDevice:1", 50);
	expect(3, HK_OBS_ROLE, "ssdp.device_type", "router", 60);
	expect(4, HK_OBS_RAW, "ssdp.usn", "uuid:2f402f80-da50-11e1-9b23-001788255acc", 50);

	/* other statuses say nothing */
	ck_assert_int_eq(run("HTTP/1.1 404 Not Found\r\nSERVER: x\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run("HTTP/1.1 2000\r\nSERVER: x\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(run("HTTP/1.1 20\r\nSERVER: x\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* no reason phrase */
	ck_assert_int_eq(run("HTTP/1.0 200\r\nSERVER: x\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
}
END_TEST

START_TEST(test_truncated_prefixes)
{
	const char *pdus[] = {pdu_notify, pdu_msearch_ua, pdu_msearch_igd, pdu_response};

	for (size_t k = 0; k < sizeof(pdus) / sizeof(pdus[0]); k++) {
		pc_every_prefix(proto_ssdp_parse, (const uint8_t *)pdus[k], strlen(pdus[k]), &ssdp_ctx, PC_TRUNCATED,
				false, "pdu %zu", k);
	}
	/* ndpi_ssdp-m-search.pcap frames 1-19: a request line alone, never finished */
	ck_assert_int_eq(run("M-SEARCH * HTTP/1.1\r\n"), HK_PARSE_TRUNCATED);
}
END_TEST

START_TEST(test_not_ssdp)
{
	static const uint8_t dns[] = {0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01};

	ck_assert_int_eq(run("GET / HTTP/1.1\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("NOTIFYX * HTTP/1.1\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("notify * HTTP/1.1\r\n\r\n"), HK_PARSE_NOMATCH); /* methods are case-sensitive */
	ck_assert_int_eq(run("<?xml version=\"1.0\"?><soap:Envelope/>"), HK_PARSE_NOMATCH); /* WS-Discovery */
	ck_assert_int_eq(run_n(dns, sizeof(dns)), HK_PARSE_NOMATCH);
	ck_assert_int_eq(run("NOT"), HK_PARSE_TRUNCATED); /* could still be */
	ck_assert_int_eq(run("NOX"), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_line_endings_and_body)
{
	/* bare LF; a NUL after the empty line (ndpi_telegram.pcap frame 2 ends so) */
	static const char lf[] = "NOTIFY * HTTP/1.1\nNT: urn:dial-multiscreen-org:service:dial:1\n"
				 "Server:  Linux UPnP/1.0 Sonos/57.3  \t\nUSN: uuid:RINCON_1\n\n\0tail";

	ck_assert_int_eq(run_n(lf, sizeof(lf) - 1), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 3);
	expect(0, HK_OBS_SOFTWARE, "ssdp.server", "Linux UPnP/1.0 Sonos/57.3", 50);
	expect(1, HK_OBS_RAW, "ssdp.device_type", "urn:dial-multiscreen-org:service:dial:1", 50);
	expect(2, HK_OBS_RAW, "ssdp.usn", "uuid:RINCON_1", 50);
}
END_TEST

START_TEST(test_header_forms)
{
	/* spaces before the colon, an empty value, no colon, a colon first, duplicates: first wins */
	ck_assert_int_eq(run("NOTIFY * HTTP/1.1\r\n"
			     "SERVER :  first  \r\n"
			     "LOCATION:\r\n"
			     "no colon here\r\n"
			     ": value without a name\r\n"
			     "server: second\r\n"
			     "NT: urn:schemas-upnp-org:service:WANIPConnection:2\r\n"
			     "\r\n"),
			 HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	expect(0, HK_OBS_SOFTWARE, "ssdp.server", "first", 50);
	expect(1, HK_OBS_ROLE, "ssdp.device_type", "router", 60); /* a WAN service, no device type */

	/* a header name longer than any we want is skipped whole */
	ck_assert_int_eq(run("NOTIFY * HTTP/1.1\r\n"
			     "X-AN-EXTREMELY-LONG-HEADER-NAME-WELL-PAST-32: SERVER: x\r\n"
			     "\r\n"),
			 HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_nul_and_non_ascii)
{
	static const char s[] = "NOTIFY * HTTP/1.1\r\nSERVER: a\0b\xc3\xa9\\\x7f\r\n\r\n";

	ck_assert_int_eq(run_n(s, sizeof(s) - 1), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_SOFTWARE, "ssdp.server", "a\\x00b\\xc3\\xa9\\\\\\x7f", 50);
}
END_TEST

static char big[SSDP_LINE_MAX * 3 + 64 * (SSDP_HEADERS_MAX + 2)];

START_TEST(test_line_max)
{
	size_t n;
	const char *start = "NOTIFY * HTTP/1.1\r\n";

	/* a SERVER line of exactly SSDP_LINE_MAX bytes before its LF (CR included) */
	n = (size_t)snprintf(big, sizeof(big), "%sSERVER: ", start);
	while (n < strlen(start) + SSDP_LINE_MAX - 1)
		big[n++] = 'x';
	memcpy(big + n, "\r\n\r\n", 5);
	ck_assert_int_eq(run(big), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	ck_assert_uint_eq(strlen(res.sink.v[0].value), HK_OBS_VALUE_MAX - 1); /* cut to fit */

	/* one byte more */
	n = (size_t)snprintf(big, sizeof(big), "%sSERVER: ", start);
	while (n < strlen(start) + SSDP_LINE_MAX)
		big[n++] = 'x';
	memcpy(big + n, "\r\n\r\n", 5);
	ck_assert_int_eq(run(big), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);

	/* a line without its end, longer than any line may be */
	n = (size_t)snprintf(big, sizeof(big), "%sSERVER: ", start);
	while (n < strlen(start) + SSDP_LINE_MAX + 10)
		big[n++] = 'x';
	big[n] = '\0';
	ck_assert_int_eq(run(big), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_headers_max)
{
	size_t n;

	/* SERVER is header number SSDP_HEADERS_MAX: read */
	n = (size_t)snprintf(big, sizeof(big), "NOTIFY * HTTP/1.1\r\n");
	for (int i = 0; i < SSDP_HEADERS_MAX - 1; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-%d: y\r\n", i);
	snprintf(big + n, sizeof(big) - n, "SERVER: last\r\n\r\n");
	ck_assert_int_eq(run(big), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
	expect(0, HK_OBS_SOFTWARE, "ssdp.server", "last", 50);

	/* header number SSDP_HEADERS_MAX + 1: not read */
	n = (size_t)snprintf(big, sizeof(big), "NOTIFY * HTTP/1.1\r\n");
	for (int i = 0; i < SSDP_HEADERS_MAX; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-%d: y\r\n", i);
	snprintf(big + n, sizeof(big) - n, "SERVER: past\r\n\r\n");
	ck_assert_int_eq(run(big), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);

	/* no headers at all */
	ck_assert_int_eq(run("NOTIFY * HTTP/1.1\r\n\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_types)
{
	static const struct {
		const char *nt;
		bool device_type, router;
	} cases[] = {
		{"urn:schemas-upnp-org:device:MediaRenderer:1", true, false},
		{"URN:SCHEMAS-UPNP-ORG:DEVICE:WANDevice:1", true, true},
		{"urn:schemas-upnp-org:device:WANConnectionDevice:2", true, true},
		{"urn:schemas-upnp-org:service:WANPPPConnection:1", false, true},
		{"urn:schemas-upnp-org:service:Layer3Forwarding:1", false, true},
		{"urn:schemas-upnp-org:service:ContentDirectory:1", false, false},
		{"urn:beckhoff.com:service:cxconfig:1", false, false},
		{"uuid:887aeaef-a028-f2ac-0000-000000000000", false, false},
		{"upnp:rootdevice", false, false},
		{"device:InternetGatewayDevice:1", false, false}, /* not a URN */
	};
	char msg[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t k = 0;

		snprintf(msg, sizeof(msg), "NOTIFY * HTTP/1.1\r\nNT: %s\r\n\r\n", cases[i].nt);
		ck_assert_int_eq(run(msg), HK_PARSE_OK);
		ck_assert_uint_eq(res.sink.n, (size_t)cases[i].device_type + cases[i].router);
		if (cases[i].device_type)
			expect(k++, HK_OBS_RAW, "ssdp.device_type", cases[i].nt, 50);
		if (cases[i].router)
			expect(k, HK_OBS_ROLE, "ssdp.device_type", "router", 60);
	}
}
END_TEST

static Suite *ssdp_suite(void)
{
	Suite *s = suite_create("proto_ssdp");
	TCase *tc = tcase_create("ssdp");

	tcase_add_test(tc, test_real_notify);
	tcase_add_test(tc, test_real_msearch);
	tcase_add_test(tc, test_response);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_not_ssdp);
	tcase_add_test(tc, test_line_endings_and_body);
	tcase_add_test(tc, test_header_forms);
	tcase_add_test(tc, test_nul_and_non_ascii);
	tcase_add_test(tc, test_line_max);
	tcase_add_test(tc, test_headers_max);
	tcase_add_test(tc, test_types);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(ssdp_suite());
}
