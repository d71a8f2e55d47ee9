/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FTP greeting parser (src/proto/ftp.c): the real greeting and first
 * command of ndpi_ftp.pcap with their exact observations (none for the
 * client), multi-line greetings and 120 replies from RFC 959, every truncated
 * prefix (each in an exactly-sized heap buffer, so AddressSanitizer sees a
 * one-byte over-read), replies and lines at 0, MAX and MAX+1, line lengths,
 * NUL and non-ASCII bytes, a full window, and bytes of other protocols on
 * port 21.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "proto_check.h"

#define FTP_WINDOW 1024 /* the registry row's window */
#define LIT(s) (s), (sizeof(s) - 1)

static struct pc_result res;

static const struct hk_parse_ctx ctx_server = {
	.l4 = 6, .sport = 21, .dport = 50694, .from_client = false, .client_known = true, .ndpi = "FTP_CONTROL"};
static const struct hk_parse_ctx ctx_client = {
	.l4 = 6, .sport = 50694, .dport = 21, .from_client = true, .client_known = true, .ndpi = "FTP_CONTROL"};
static const struct hk_parse_ctx ctx_unknown = {.l4 = 6, .sport = 21, .dport = 50694, .ndpi = ""};

static enum hk_parse_result parse(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	enum hk_parse_result r = pc_run(proto_ftp_parse, bytes, n, ctx, &res);

	if (r != HK_PARSE_OK)
		ck_assert_uint_eq(res.sink.n, 0);
	/* nothing is ever said about, or taken from, the client's direction */
	if (ctx->client_known && ctx->from_client)
		ck_assert_uint_eq(res.sink.n, 0);
	return r;
}

static enum hk_parse_result server(const char *s)
{
	return parse(s, strlen(s), &ctx_server);
}

static enum hk_parse_result client(const char *s)
{
	return parse(s, strlen(s), &ctx_client);
}

static void expect_banner(const char *value)
{
	const struct pc_expect banner = {HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "ftp.banner", value, NULL, NULL};

	pc_assert_obs(&res, &banner, 1);
}

/*
 * ndpi_ftp.pcap frame 4, 90.130.70.73:21 -> 192.168.1.212:50694, the
 * server's greeting (tshark: ftp.response.code 220, ftp.response.arg
 * "(vsFTPd 3.0.3)"):
 *   32 32 30          "220"     service ready
 *   20                SP        last line of the reply
 *   28 ... 29         "(vsFTPd 3.0.3)"
 *   0d 0a             CR LF
 */
static const uint8_t vsftpd[] = {0x32, 0x32, 0x30, 0x20, 0x28, 0x76, 0x73, 0x46, 0x54, 0x50,
				 0x64, 0x20, 0x33, 0x2e, 0x30, 0x2e, 0x33, 0x29, 0x0d, 0x0a};
/* ndpi_ftp.pcap frame 6, the client: "USER anonymous" CR LF (tshark:
 * ftp.request.command USER). Only the verb is looked at. */
static const char user_cmd[] = "USER anonymous\r\n";

START_TEST(test_real)
{
	ck_assert_int_eq(parse(vsftpd, sizeof(vsftpd), &ctx_server), HK_PARSE_OK);
	expect_banner("(vsFTPd 3.0.3)");
	ck_assert_int_eq(parse(vsftpd, sizeof(vsftpd), &ctx_unknown), HK_PARSE_OK);
	expect_banner("(vsFTPd 3.0.3)");
	ck_assert_int_eq(client(user_cmd), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the greeting read as the client's direction says nothing */
	ck_assert_int_eq(parse(vsftpd, sizeof(vsftpd), &ctx_client), HK_PARSE_NOMATCH);
}
END_TEST

START_TEST(test_prefixes)
{
	pc_every_prefix(proto_ftp_parse, vsftpd, sizeof(vsftpd), &ctx_server, PC_TRUNCATED, false, "greeting");
	/* the client's verb is judged as soon as it ends; its argument never waited for */
	pc_every_prefix(proto_ftp_parse, (const uint8_t *)user_cmd, 5, &ctx_client, PC_TRUNCATED, false, "USER");
	for (size_t n = 5; n <= strlen(user_cmd); n++)
		ck_assert_int_eq(parse(user_cmd, n, &ctx_client), HK_PARSE_OK);
}
END_TEST

/* RFC 959 4.2: multi-line replies; RFC 1123 4.1.2.1: inner lines are free */
START_TEST(test_multiline)
{
	static const char fz[] = "220-FileZilla Server 0.9.60 beta\r\n"
				 "220-written by Tim Kosse (tim.kosse@filezilla-project.org)\r\n"
				 "220 Please visit https://filezilla-project.org/\r\n";

	ck_assert_int_eq(server(fz), HK_PARSE_OK);
	expect_banner("FileZilla Server 0.9.60 beta");
	/* the first line is enough */
	ck_assert_int_eq(parse(fz, 34, &ctx_server), HK_PARSE_OK);
	expect_banner("FileZilla Server 0.9.60 beta");
	/* an empty first line: the first line with text, coded or not */
	ck_assert_int_eq(server("220-\r\n220-  Welcome to Pure-FTPd  \r\n220 bye\r\n"), HK_PARSE_OK);
	expect_banner("Welcome to Pure-FTPd");
	ck_assert_int_eq(server("220-\r\n\r\n   Microsoft FTP Service\r\n220 \r\n"), HK_PARSE_OK);
	expect_banner("Microsoft FTP Service");
	ck_assert_int_eq(server("220-\r\n\r\n220 last\r\n"), HK_PARSE_OK);
	expect_banner("last");
	ck_assert_int_eq(server("220-\r\n220 \r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(server("220\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* text found on an inner line before the reply ends: said */
	ck_assert_int_eq(server("220-\r\nProFTPD\r\n"), HK_PARSE_OK);
	expect_banner("ProFTPD");
	ck_assert_int_eq(server("220-\r\n\r\n"), HK_PARSE_TRUNCATED);
	/* RFC 959 4.2's example: an inner line that starts with another code */
	ck_assert_int_eq(server("220-\r\n  234 A line beginning with numbers\r\n220 The last line\r\n"), HK_PARSE_OK);
	expect_banner("234 A line beginning with numbers");
}
END_TEST

/* RFC 959 5.4: 120 (ready in nnn minutes) before 220; at most 4 of them */
START_TEST(test_preliminary)
{
	char buf[512];
	size_t o;

	ck_assert_int_eq(server("120 Service ready in 5 minutes.\r\n220 ProFTPD 1.3.5 Server (Debian) "
				"[::ffff:10.0.0.1]\r\n"),
			 HK_PARSE_OK);
	expect_banner("ProFTPD 1.3.5 Server (Debian) [::ffff:10.0.0.1]");
	ck_assert_int_eq(server("120-wait\r\nmore\r\n120 done\r\n220 X\r\n"), HK_PARSE_OK);
	expect_banner("X");
	ck_assert_int_eq(server("120-wait\r\nmore\r\n"), HK_PARSE_TRUNCATED);
	for (int k = 0; k <= 5; k++) {
		o = 0;
		for (int i = 0; i < k; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "120 wait\r\n");
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "220 ready\r\n");
		ck_assert_int_eq(parse(buf, o, &ctx_server), k <= 4 ? HK_PARSE_OK : HK_PARSE_MALFORMED);
		if (k <= 4)
			expect_banner("ready");
	}
	/* a 120 followed by something that is no reply */
	ck_assert_int_eq(server("120 wait\r\nSSH-2.0-x\r\n"), HK_PARSE_MALFORMED);
	ck_assert_int_eq(server("120 wait\r\n220x\r\n"), HK_PARSE_MALFORMED);
	/* other first replies: FTP, no greeting (421, or joined mid-stream) */
	ck_assert_int_eq(server("421 Too many connections\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(server("331 Please specify the password.\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* FTP_REPLY_LINES_MAX (32) lines after a multi-line reply's first */
START_TEST(test_reply_lines_max)
{
	char buf[512];
	size_t o;

	for (int k = 30; k <= 32; k++) {
		o = (size_t)snprintf(buf, sizeof(buf), "220-\r\n");
		for (int i = 0; i < k; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\r\n");
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "220 Text\r\n");
		/* k empty lines and the last: k + 1 lines */
		ck_assert_int_eq(parse(buf, o, &ctx_server), k + 1 <= 32 ? HK_PARSE_OK : HK_PARSE_MALFORMED);
		if (k + 1 <= 32)
			expect_banner("Text");
	}
}
END_TEST

/* FTP_LINE_MAX: 512 bytes with CR LF */
START_TEST(test_line_max)
{
	char buf[FTP_WINDOW];

	memset(buf, 't', sizeof(buf));
	memcpy(buf, "220 ", 4);
	memcpy(buf + 510, "\r\n", 2);
	ck_assert_int_eq(parse(buf, 512, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(strlen(res.sink.v[0].value), 255); /* cut at the value's size */
	memset(buf, 't', sizeof(buf));
	memcpy(buf, "220 ", 4);
	memcpy(buf + 511, "\r\n", 2);
	ck_assert_int_eq(parse(buf, 513, &ctx_server), HK_PARSE_MALFORMED);
	memset(buf, 't', sizeof(buf));
	memcpy(buf, "220 ", 4);
	ck_assert_int_eq(parse(buf, 511, &ctx_server), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(parse(buf, 512, &ctx_server), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_nul_and_non_ascii)
{
	ck_assert_int_eq(parse(LIT("220 A\0B\xe9\\ \t\r\n"), &ctx_server), HK_PARSE_OK);
	expect_banner("A\\x00B\\xe9\\\\");
	ck_assert_int_eq(parse(LIT("220 \x01\x7f\n"), &ctx_server), HK_PARSE_OK);
	expect_banner("\\x01\\x7f");
}
END_TEST

START_TEST(test_not_ftp)
{
	ck_assert_int_eq(server("SSH-2.0-OpenSSH_5.3\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("HTTP/1.1 200 OK\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("22a OK\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("2200 x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("220x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("099 x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("600 x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("22"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(server(""), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(parse(LIT("\x16\x03\x01\x00"), &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(client("USERNAME x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(client("US1R x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(client("US x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(client("PWD\r\n"), HK_PARSE_OK);
	ck_assert_int_eq(client("FEAT\n"), HK_PARSE_OK);
	ck_assert_int_eq(client("auth tls\r\n"), HK_PARSE_OK);
	/* no ctx: the bytes tell */
	ck_assert_int_eq(parse(LIT("USER x\r\n"), &ctx_unknown), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

/* With the window full, a line that has not ended never will. */
START_TEST(test_window_full)
{
	char buf[FTP_WINDOW];
	size_t o = 0;

	for (int i = 0; i < 2; i++) {
		memcpy(buf + o, "120 ", 4);
		memset(buf + o + 4, 'w', 400);
		memcpy(buf + o + 404, "\r\n", 2);
		o += 406;
	}
	memcpy(buf + o, "220 ", 4);
	memset(buf + o + 4, 'z', sizeof(buf) - o - 4);
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_server), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse(buf, sizeof(buf) - 1, &ctx_server), HK_PARSE_TRUNCATED);
}
END_TEST

static Suite *ftp_suite(void)
{
	Suite *s = suite_create("proto_ftp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_real);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_multiline);
	tcase_add_test(tc, test_preliminary);
	tcase_add_test(tc, test_reply_lines_max);
	tcase_add_test(tc, test_line_max);
	tcase_add_test(tc, test_nul_and_non_ascii);
	tcase_add_test(tc, test_not_ftp);
	tcase_add_test(tc, test_window_full);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(ftp_suite());
}
