/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSH identification-string parser (src/proto/ssh.c): real banners from
 * the shared captures with their exact observations, every truncated prefix
 * (each in an exactly-sized heap buffer, so AddressSanitizer sees a one-byte
 * over-read), lines before the banner at 0, MAX and MAX+1, the 255-byte
 * limit, NUL and non-ASCII bytes, a full window, and bytes of other
 * protocols on port 22. When tshark and the shared captures are there, the
 * banners are also compared with tshark's ssh.protocol field.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "proto_check.h"

#define SSH_WINDOW 512 /* the registry row's window */

static struct pc_result res;

static const struct hk_parse_ctx ctx_server = {
	.l4 = 6, .sport = 22, .dport = 50694, .from_client = false, .client_known = true, .ndpi = ""};
static const struct hk_parse_ctx ctx_client = {
	.l4 = 6, .sport = 50694, .dport = 22, .from_client = true, .client_known = true, .ndpi = ""};
static const struct hk_parse_ctx ctx_unknown = {.l4 = 6, .sport = 2222, .dport = 40000, .ndpi = ""};

/* Parses n bytes from an exactly-sized heap copy. */
static enum hk_parse_result parse(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	return pc_run(proto_ssh_parse, bytes, n, ctx, &res);
}

static enum hk_parse_result parse_str(const char *s, const struct hk_parse_ctx *ctx)
{
	return parse(s, strlen(s), ctx);
}

static void expect_banner(const char *value)
{
	const struct pc_expect banner = {HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "ssh.banner", value, NULL, NULL};

	pc_assert_obs(&res, &banner, 1);
}

/*
 * ndpi_ssh.pcap frame 4, 172.16.238.168:22 -> 172.16.238.1:58395, the
 * server's first 21 payload bytes (tshark ssh.protocol: SSH-2.0-OpenSSH_5.3):
 *   53 53 48 2d          "SSH-"
 *   32 2e 30 2d          protoversion "2.0", '-'
 *   4f ... 33            softwareversion "OpenSSH_5.3"
 *   0d 0a                CR LF
 */
static const uint8_t ndpi_server[] = {0x53, 0x53, 0x48, 0x2d, 0x32, 0x2e, 0x30, 0x2d, 0x4f, 0x70, 0x65,
				      0x6e, 0x53, 0x53, 0x48, 0x5f, 0x35, 0x2e, 0x33, 0x0d, 0x0a};
/* ndpi_ssh.pcap frame 6, the client 172.16.238.1:58395: SSH-2.0-OpenSSH_5.6 CR LF */
static const uint8_t ndpi_client[] = {0x53, 0x53, 0x48, 0x2d, 0x32, 0x2e, 0x30, 0x2d, 0x4f, 0x70, 0x65,
				      0x6e, 0x53, 0x53, 0x48, 0x5f, 0x35, 0x2e, 0x36, 0x0d, 0x0a};
/* zeek_ssh_version_199.pcap frame 4, server 10.0.0.2:22; ends in a bare LF and
 * has a '-' in softwareversion (tshark: SSH-2.0-Cisco-1.25) */
static const char cisco_server[] = "SSH-2.0-Cisco-1.25\n";
/* same capture frame 5, the client 10.0.0.1:59139 (tshark: SSH-1.99-Cisco-1.25) */
static const char cisco_client[] = "SSH-1.99-Cisco-1.25\n";
/* tcpdump_ssh.pcap frame 6, server 223.132.53.222:22: SP comments, bare LF
 * (tshark: SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u3) */
static const char debian_server[] = "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u3\n";

START_TEST(test_real_banners)
{
	ck_assert_int_eq(parse(ndpi_server, sizeof(ndpi_server), &ctx_server), HK_PARSE_OK);
	expect_banner("SSH-2.0-OpenSSH_5.3");
	ck_assert_int_eq(parse(ndpi_client, sizeof(ndpi_client), &ctx_client), HK_PARSE_OK);
	expect_banner("SSH-2.0-OpenSSH_5.6");
	ck_assert_int_eq(parse_str(cisco_server, &ctx_server), HK_PARSE_OK);
	expect_banner("SSH-2.0-Cisco-1.25");
	ck_assert_int_eq(parse_str(cisco_client, &ctx_client), HK_PARSE_OK);
	expect_banner("SSH-1.99-Cisco-1.25");
	ck_assert_int_eq(parse_str(debian_server, &ctx_server), HK_PARSE_OK);
	expect_banner("SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u3");
	/* the direction does not matter for whom it describes: its sender */
	ck_assert_int_eq(parse_str(debian_server, &ctx_unknown), HK_PARSE_OK);
	expect_banner("SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u3");
}
END_TEST

/* The banner followed by the first binary packet (KEXINIT) in the same
 * segment: only the line is read. */
START_TEST(test_banner_then_binary)
{
	static const uint8_t b[] = {'S', 'S', 'H', '-', '2', '.', '0', '-', 'd', 'r', 'o', 'p', 'b', 'e', 'a', 'r',
				    '\r', '\n', 0x00, 0x00, 0x01, 0x4c, 0x07, 0x14, 0xff, 0xfe};

	ck_assert_int_eq(parse(b, sizeof(b), &ctx_server), HK_PARSE_OK);
	expect_banner("SSH-2.0-dropbear");
}
END_TEST

static void all_prefixes_truncated(const uint8_t *b, size_t len, const struct hk_parse_ctx *ctx)
{
	pc_every_prefix(proto_ssh_parse, b, len, ctx, PC_TRUNCATED, false, "%zu bytes:", len);
}

START_TEST(test_prefixes)
{
	all_prefixes_truncated(ndpi_server, sizeof(ndpi_server), &ctx_server);
	all_prefixes_truncated(ndpi_client, sizeof(ndpi_client), &ctx_client);
	all_prefixes_truncated((const uint8_t *)cisco_server, strlen(cisco_server), &ctx_server);
	all_prefixes_truncated((const uint8_t *)debian_server, strlen(debian_server), &ctx_unknown);
}
END_TEST

/* RFC 4253 4.2: the server may send other lines first; the client may not */
START_TEST(test_prelines)
{
	static const char pre[] = "Welcome to the lab\r\nUnauthorised access prohibited\nSSH-2.0-X_1\r\n";
	size_t len = strlen(pre);

	ck_assert_int_eq(parse_str(pre, &ctx_server), HK_PARSE_OK);
	expect_banner("SSH-2.0-X_1");
	ck_assert_int_eq(parse_str(pre, &ctx_unknown), HK_PARSE_OK);
	expect_banner("SSH-2.0-X_1");
	ck_assert_int_eq(parse_str(pre, &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
	for (size_t n = 0; n < len; n++) {
		ck_assert_int_eq(parse(pre, n, &ctx_server), HK_PARSE_TRUNCATED);
		ck_assert_uint_eq(res.sink.n, 0);
	}
	/* an empty line is a line too */
	ck_assert_int_eq(parse_str("\r\nSSH-2.0-X\r\n", &ctx_server), HK_PARSE_OK);
	expect_banner("SSH-2.0-X");
}
END_TEST

/* 0, SSH_PRELINES_MAX (16) and 17 lines before the identification */
START_TEST(test_prelines_max)
{
	char buf[512];
	size_t o;

	for (int k = 0; k <= 17; k++) {
		o = 0;
		for (int i = 0; i < k; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "l%d\r\n", i);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "SSH-2.0-Y\r\n");
		if (k <= 16) {
			ck_assert_int_eq(parse(buf, o, &ctx_server), HK_PARSE_OK);
			expect_banner("SSH-2.0-Y");
		} else {
			ck_assert_int_eq(parse(buf, o, &ctx_server), HK_PARSE_NOMATCH);
			ck_assert_uint_eq(res.sink.n, 0);
		}
	}
	/* a line before the banner of 254 bytes + LF is allowed, 255 + LF is not */
	memset(buf, 'x', sizeof(buf));
	memcpy(buf + 254, "\nSSH-2.0-Z\n", 11);
	ck_assert_int_eq(parse(buf, 254 + 11, &ctx_server), HK_PARSE_OK);
	expect_banner("SSH-2.0-Z");
	memset(buf, 'x', sizeof(buf));
	memcpy(buf + 255, "\nSSH-2.0-Z\n", 11);
	ck_assert_int_eq(parse(buf, 255 + 11, &ctx_server), HK_PARSE_NOMATCH);
	/* a binary line is not an SSH server's greeting */
	ck_assert_int_eq(parse("ab\x01" "c\nSSH-2.0-Z\n", 13, &ctx_server), HK_PARSE_NOMATCH);
}
END_TEST

/* RFC 4253 4.2: at most 255 bytes including CR LF */
START_TEST(test_id_max)
{
	char buf[300], want[300];

	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "SSH-2.0-", 8);
	/* 253 bytes + CR LF = 255: accepted; the value is the 253-byte line */
	memcpy(buf + 253, "\r\n", 2);
	memcpy(want, buf, 253);
	want[253] = '\0';
	ck_assert_int_eq(parse(buf, 255, &ctx_server), HK_PARSE_OK);
	expect_banner(want);
	/* 254 bytes + LF = 255 also */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "SSH-2.0-", 8);
	buf[254] = '\n';
	ck_assert_int_eq(parse(buf, 255, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(strlen(res.sink.v[0].value), 254);
	/* 254 + CR LF = 256: refused */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "SSH-2.0-", 8);
	memcpy(buf + 254, "\r\n", 2);
	ck_assert_int_eq(parse(buf, 256, &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* no line end within 255 bytes: refused without waiting for more */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "SSH-2.0-", 8);
	ck_assert_int_eq(parse(buf, 255, &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse(buf, 254, &ctx_server), HK_PARSE_TRUNCATED);
}
END_TEST

START_TEST(test_nul_and_non_ascii)
{
	static const uint8_t b[] = {'S', 'S', 'H', '-', '2', '.', '0', '-', 'F', 'o', 'o', 0x00, 'B',
				    0xc3, 0xa9, ' ', '\\', 0x7f, '\r', '\n'};

	ck_assert_int_eq(parse(b, sizeof(b), &ctx_server), HK_PARSE_OK);
	expect_banner("SSH-2.0-Foo\\x00B\\xc3\\xa9 \\\\\\x7f");
}
END_TEST

START_TEST(test_bad_identification)
{
	/* protoversion must be digits and dots, and softwareversion present */
	ck_assert_int_eq(parse_str("SSH-abc-x\r\n", &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse_str("SSH-2.0-\r\n", &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse_str("SSH-2.0\r\n", &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse_str("SSH-.-x\r\n", &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse_str("SSH-123456789-x\r\n", &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse_str("SSH-12345678-x\r\n", &ctx_server), HK_PARSE_OK);
	ck_assert_int_eq(parse_str("SSH--x\r\n", &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_not_ssh)
{
	/* a TLS ClientHello, an HTTP request and response, binary junk */
	static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03};

	ck_assert_int_eq(parse(tls, sizeof(tls), &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(parse(tls, sizeof(tls), &ctx_server), HK_PARSE_NOMATCH);
	ck_assert_int_eq(parse_str("GET / HTTP/1.1\r\nHost: x\r\n\r\n", &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(parse_str("SSX-2.0-x\r\n", &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(parse_str("S", &ctx_client), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(parse_str("X", &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* Once the window (512) is full, waiting is over: no TRUNCATED answers. */
START_TEST(test_window_full)
{
	char buf[SSH_WINDOW];

	/* server text lines that never reach an identification */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (i % 100 == 99) ? '\n' : 'w';
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_server), HK_PARSE_NOMATCH);
	/* the window ends inside "SSH-" */
	buf[sizeof(buf) - 3] = '\n';
	memcpy(buf + sizeof(buf) - 2, "SS", 2);
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_server), HK_PARSE_NOMATCH);
	/* ... or inside the identification (79 bytes, no line end) */
	memset(buf + 433, 'w', sizeof(buf) - 433);
	memcpy(buf + 432, "\nSSH-2.0-", 9);
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse(buf, sizeof(buf) - 1, &ctx_server), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* The same frames read by tshark, when it and the shared captures are here. */
START_TEST(test_against_tshark)
{
	static const struct {
		const char *pcap;
		int frame;
		bool server;
	} frames[] = {
		{"ndpi_ssh.pcap", 4, true},		 {"ndpi_ssh.pcap", 6, false},
		{"arkime_ssh2.pcap", 4, true},		 {"tcpdump_ssh.pcap", 6, true},
		{"zeek_ssh_version_199.pcap", 4, true},	 {"zeek_ssh_version_199.pcap", 5, false},
		{"scapy_ssh_ed25519.pcap", 4, false},	 {"suri-ssh-banner-only_input.pcap", 11, false},
		{"suri-ssh-banner-only_input.pcap", 13, true},
	};
	size_t checked = 0;

	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		uint8_t payload[2048];
		char want[512];
		size_t len;

		if (!pc_tshark_tcp_payload(frames[i].pcap, frames[i].frame, "ssh.protocol", payload, sizeof(payload),
					   &len, want, sizeof(want)))
			continue;
		ck_assert_int_eq(parse(payload, len, frames[i].server ? &ctx_server : &ctx_client), HK_PARSE_OK);
		expect_banner(want);
		checked++;
	}
	if (!checked)
		fprintf(stderr, "test_against_tshark: no tshark or no shared captures, nothing compared\n");
}
END_TEST

static Suite *ssh_suite(void)
{
	Suite *s = suite_create("proto_ssh");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_real_banners);
	tcase_add_test(tc, test_banner_then_binary);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_prelines);
	tcase_add_test(tc, test_prelines_max);
	tcase_add_test(tc, test_id_max);
	tcase_add_test(tc, test_nul_and_non_ascii);
	tcase_add_test(tc, test_bad_identification);
	tcase_add_test(tc, test_not_ssh);
	tcase_add_test(tc, test_window_full);
	suite_add_tcase(s, tc);
	/* tshark takes its time to start, once per frame */
	tc = tcase_create("tshark");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_against_tshark);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(ssh_suite());
}
