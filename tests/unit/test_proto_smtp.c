/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMTP parser (src/proto/smtp.c). No capture of the shared set carries
 * SMTP, so the PDUs are built from RFC 5321: the session of its appendix
 * D.1 and the greeting forms of 4.2 and 4.3.1, with their exact
 * observations; every truncated prefix (each in an exactly-sized heap
 * buffer, so AddressSanitizer sees a one-byte over-read); EHLO/HELO
 * arguments that are names and those that are not (address literals, bare
 * addresses, localhost, too long, bytes no domain has); line and verb
 * lengths at MAX and MAX+1; NUL and non-ASCII bytes; bytes of other
 * protocols on port 25.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "proto_check.h"

#define LIT(s) (s), (sizeof(s) - 1)

static struct pc_result res;

static const struct hk_parse_ctx ctx_server = {
	.l4 = 6, .sport = 25, .dport = 41000, .from_client = false, .client_known = true, .ndpi = "SMTP"};
static const struct hk_parse_ctx ctx_client = {
	.l4 = 6, .sport = 41000, .dport = 25, .from_client = true, .client_known = true, .ndpi = "SMTP"};
static const struct hk_parse_ctx ctx_unknown = {.l4 = 6, .sport = 587, .dport = 41000, .ndpi = ""};

static enum hk_parse_result parse(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	enum hk_parse_result r = pc_run(proto_smtp_parse, bytes, n, ctx, &res);

	if (r != HK_PARSE_OK)
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
	const struct pc_expect banner = {HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "smtp.banner", value, NULL, NULL};

	pc_assert_obs(&res, &banner, 1);
}

static void expect_helo(const char *line, const char *name)
{
	ck_assert_int_eq(client(line), HK_PARSE_OK);
	if (!name) {
		ck_assert_uint_eq(res.sink.n, 0);
		return;
	}
	pc_assert_obs(&res, &(const struct pc_expect){HK_OBS_HOSTNAME, HK_SIDE_SRC, 50, "smtp.helo", name, NULL, NULL},
		      1);
}

/*
 * RFC 5321 D.1 (a typical SMTP transaction scenario), the server's first
 * reply and the client's first command:
 *   S: 220 foo.com Simple Mail Transfer Service Ready
 *        "220"  Reply-code: service ready (4.2.3)
 *        SP     the last (here only) line of the reply
 *        text   Domain, then free text (4.3.1 greeting)
 *        CR LF
 *   C: EHLO bar.com
 *        "EHLO" SP Domain CR LF (4.1.1.1)
 *   S: 250-foo.com greets bar.com   (not read: only the first reply is)
 */
static const char d1_greeting[] = "220 foo.com Simple Mail Transfer Service Ready\r\n";
static const char d1_ehlo[] = "EHLO bar.com\r\n";

START_TEST(test_rfc5321_d1)
{
	ck_assert_int_eq(server(d1_greeting), HK_PARSE_OK);
	expect_banner("foo.com Simple Mail Transfer Service Ready");
	expect_helo(d1_ehlo, "bar.com");
	/* the rest of the server's direction is never read */
	ck_assert_int_eq(server("220 foo.com Simple Mail Transfer Service Ready\r\n"
				"250-foo.com greets bar.com\r\n250-8BITMIME\r\n250 HELP\r\n"),
			 HK_PARSE_OK);
	expect_banner("foo.com Simple Mail Transfer Service Ready");
	/* without ctx the bytes tell the direction */
	ck_assert_int_eq(parse(d1_greeting, strlen(d1_greeting), &ctx_unknown), HK_PARSE_OK);
	expect_banner("foo.com Simple Mail Transfer Service Ready");
	ck_assert_int_eq(parse(d1_ehlo, strlen(d1_ehlo), &ctx_unknown), HK_PARSE_OK);
	ck_assert_str_eq(res.sink.v[0].value, "bar.com");
}
END_TEST

START_TEST(test_prefixes)
{
	pc_every_prefix(proto_smtp_parse, (const uint8_t *)d1_greeting, strlen(d1_greeting), &ctx_server, PC_TRUNCATED,
			false, "greeting");
	pc_every_prefix(proto_smtp_parse, (const uint8_t *)d1_ehlo, strlen(d1_ehlo), &ctx_client, PC_TRUNCATED, false,
			"EHLO");
}
END_TEST

/* 4.2.1: multi-line replies; 4.3.1: 220, or 554 when there is no service */
START_TEST(test_greetings)
{
	ck_assert_int_eq(server("220-mail.example.com ESMTP Postfix (Debian/GNU)\r\n220 ready\r\n"), HK_PARSE_OK);
	expect_banner("mail.example.com ESMTP Postfix (Debian/GNU)");
	ck_assert_int_eq(server("220-mail.example.com ESMTP Postfix (Debian/GNU)\r\n"), HK_PARSE_OK);
	expect_banner("mail.example.com ESMTP Postfix (Debian/GNU)");
	ck_assert_int_eq(server("220   exch01.corp.example Microsoft ESMTP MAIL Service ready  \r\n"), HK_PARSE_OK);
	expect_banner("exch01.corp.example Microsoft ESMTP MAIL Service ready");
	ck_assert_int_eq(server("220\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(server("220 x\n"), HK_PARSE_OK); /* a bare LF */
	expect_banner("x");
	ck_assert_int_eq(server("554 no SMTP service here\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(server("250 OK\r\n"), HK_PARSE_OK); /* joined mid-session */
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_helo)
{
	expect_helo("HELO bar.com\r\n", "bar.com");
	expect_helo("ehlo Mail-GW_01.Corp.Example\r\n", "Mail-GW_01.Corp.Example");
	expect_helo("EHLO DESKTOP-7K2M9QX\r\n", "DESKTOP-7K2M9QX");
	expect_helo("EHLO   spaced.example   \r\n", "spaced.example");
	expect_helo("EHLO first.example second\r\n", "first.example");
	expect_helo("EHLO bare.lf.example\n", "bare.lf.example");
	/* 4.1.3 address literals, bare addresses, localhost: not names */
	expect_helo("EHLO [192.0.2.7]\r\n", NULL);
	expect_helo("EHLO [IPv6:2001:db8::1]\r\n", NULL);
	expect_helo("HELO 192.0.2.7\r\n", NULL);
	expect_helo("EHLO localhost\r\n", NULL);
	expect_helo("EHLO LocalHost.LocalDomain\r\n", NULL);
	expect_helo("EHLO\r\n", NULL);
	expect_helo("EHLO \r\n", NULL);
	expect_helo("EHLO bad/name\r\n", NULL);
	ck_assert_int_eq(parse(LIT("EHLO na\0me\r\n"), &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(parse(LIT("EHLO caf\xc3\xa9.example\r\n"), &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* SMTP_DOMAIN_MAX: 253 bytes is a name, 254 is not */
	{
		char buf[400], name[300];

		memset(name, 'd', sizeof(name));
		name[253] = '\0';
		snprintf(buf, sizeof(buf), "EHLO %s\r\n", name);
		expect_helo(buf, name);
		name[253] = 'd';
		name[254] = '\0';
		snprintf(buf, sizeof(buf), "EHLO %s\r\n", name);
		expect_helo(buf, NULL);
	}
}
END_TEST

/* Other first commands are SMTP but say nothing, and are not read past the verb. */
START_TEST(test_other_commands)
{
	ck_assert_int_eq(client("QUIT\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(client("MAIL FROM:<Smith@bar.com>"), HK_PARSE_OK); /* no line end needed */
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(client("AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ="), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	/* SMTP_VERB_MAX: an 8-letter verb is one, 9 is not */
	ck_assert_int_eq(client("STARTTLS\r\n"), HK_PARSE_OK);
	ck_assert_int_eq(client("STARTTLSX\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(client("HELOX bar.com\r\n"), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	ck_assert_int_eq(client("EHL"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(client("EHLO"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(client("EHLO bar"), HK_PARSE_TRUNCATED);
}
END_TEST

/* SMTP_LINE_MAX: 512 bytes with CR LF (RFC 5321 4.5.3.1.4-5) */
START_TEST(test_line_max)
{
	char buf[1024];

	memset(buf, 'n', sizeof(buf));
	memcpy(buf, "EHLO ", 5);
	memcpy(buf + 510, "\r\n", 2);
	ck_assert_int_eq(parse(buf, 512, &ctx_client), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0); /* too long for a domain */
	memcpy(buf + 510, "nn\r\n", 4);
	ck_assert_int_eq(parse(buf, 513, &ctx_client), HK_PARSE_MALFORMED);
	memset(buf, 'n', sizeof(buf));
	memcpy(buf, "EHLO ", 5);
	ck_assert_int_eq(parse(buf, 511, &ctx_client), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(parse(buf, 512, &ctx_client), HK_PARSE_MALFORMED);
	ck_assert_int_eq(parse(buf, sizeof(buf), &ctx_client), HK_PARSE_MALFORMED);

	memset(buf, 'g', sizeof(buf));
	memcpy(buf, "220 ", 4);
	memcpy(buf + 510, "\r\n", 2);
	ck_assert_int_eq(parse(buf, 512, &ctx_server), HK_PARSE_OK);
	ck_assert_uint_eq(strlen(res.sink.v[0].value), 255);
	memcpy(buf + 510, "gg\r\n", 4);
	ck_assert_int_eq(parse(buf, 513, &ctx_server), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_nul_and_non_ascii)
{
	ck_assert_int_eq(parse(LIT("220 mx\0\xe9\\ ESMTP\r\n"), &ctx_server), HK_PARSE_OK);
	expect_banner("mx\\x00\\xe9\\\\ ESMTP");
}
END_TEST

START_TEST(test_not_smtp)
{
	ck_assert_int_eq(server("SSH-2.0-OpenSSH_5.3\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("HTTP/1.1 200 OK\r\n\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("220x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("2x0 x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("199 x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("600 x\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(server("22"), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(server(""), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(parse(LIT("\x16\x03\x01\x00\xa5"), &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(client("220 foo.com ready\r\n"), HK_PARSE_NOMATCH);
	ck_assert_int_eq(client(" EHLO x\r\n"), HK_PARSE_NOMATCH);
}
END_TEST

static Suite *smtp_suite(void)
{
	Suite *s = suite_create("proto_smtp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rfc5321_d1);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_greetings);
	tcase_add_test(tc, test_helo);
	tcase_add_test(tc, test_other_commands);
	tcase_add_test(tc, test_line_max);
	tcase_add_test(tc, test_nul_and_non_ascii);
	tcase_add_test(tc, test_not_smtp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(smtp_suite());
}
