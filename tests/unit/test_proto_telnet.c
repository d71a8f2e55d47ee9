/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Telnet banner parser (src/proto/telnet.c): the server's side of
 * ndpi_telnet.pcap up to its login prompt, with the exact observation;
 * every truncated prefix (each in an exactly-sized heap buffer, so
 * AddressSanitizer sees a one-byte over-read); option negotiation and
 * subnegotiation at TELNET_SB_MAX and MAX+1; prompts; colour sequences;
 * IAC IAC; the text bound; NUL and non-ASCII bytes; a full window; the
 * client's direction (never reported); bytes that are not Telnet.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "proto_check.h"

#define TELNET_WINDOW 1024 /* the registry row's window */
#define LIT(s) (s), (sizeof(s) - 1)

static struct pc_result res;

static const struct hk_parse_ctx ctx_server = {
	.l4 = 6, .sport = 23, .dport = 1550, .from_client = false, .client_known = true, .ndpi = "Telnet"};
static const struct hk_parse_ctx ctx_client = {
	.l4 = 6, .sport = 1550, .dport = 23, .from_client = true, .client_known = true, .ndpi = "Telnet"};
static const struct hk_parse_ctx ctx_unknown_server = {.l4 = 6, .sport = 23, .dport = 1550, .ndpi = ""};
static const struct hk_parse_ctx ctx_unknown_client = {.l4 = 6, .sport = 1550, .dport = 23, .ndpi = ""};

static enum hk_parse_result parse(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	enum hk_parse_result r = pc_run(proto_telnet_parse, bytes, n, ctx, &res);

	if (r != HK_PARSE_OK || ctx == &ctx_client || ctx == &ctx_unknown_client)
		ck_assert_uint_eq(res.sink.n, 0);
	return r;
}

static void expect_banner(const char *value)
{
	const struct pc_expect banner = {HK_OBS_SOFTWARE, HK_SIDE_SRC, 50, "telnet.banner", value, NULL, NULL};

	pc_assert_obs(&res, &banner, 1);
}

static void expect_server(const void *b, size_t n, enum hk_parse_result r, const char *value)
{
	ck_assert_int_eq(parse(b, n, &ctx_server), r);
	if (r != HK_PARSE_OK)
		return;
	if (value)
		expect_banner(value);
	else
		ck_assert_uint_eq(res.sink.n, 0);
}

/*
 * ndpi_telnet.pcap, the server 192.168.0.1:23 (an OpenBSD telnetd) to
 * 192.168.0.2:1550, frames 5, 9, 12, 15, 19, 22, 25, 27 and 29 in order
 * (tshark: telnet.cmd / telnet.subcmd as noted; telnet.data for 27 and 29):
 */
static const uint8_t openbsd[] = {
	/* frame 5 */
	0xff, 0xfd, 0x25, /* IAC DO AUTHENTICATION-OPTION (37) */
	/* frame 9 */
	0xff, 0xfb, 0x03, /* IAC WILL SUPPRESS-GO-AHEAD */
	0xff, 0xfd, 0x18, /* IAC DO TERMINAL-TYPE */
	0xff, 0xfd, 0x1f, /* IAC DO NAWS */
	0xff, 0xfd, 0x20, /* IAC DO TERMINAL-SPEED */
	0xff, 0xfd, 0x21, /* IAC DO REMOTE-FLOW-CONTROL */
	0xff, 0xfd, 0x22, /* IAC DO LINEMODE */
	0xff, 0xfa, 0x22, 0x01, 0x0b, 0xff, 0xf0, /* IAC SB LINEMODE MODE 0x0b IAC SE */
	/* frame 12 */
	0xff, 0xfd, 0x27, /* IAC DO NEW-ENVIRON */
	0xff, 0xfb, 0x05, /* IAC WILL STATUS */
	0xff, 0xfd, 0x23, /* IAC DO X-DISPLAY-LOCATION */
	0xff, 0xfb, 0x26, /* IAC WILL ENCRYPT */
	0xff, 0xfd, 0x26, /* IAC DO ENCRYPT */
	0xff, 0xfd, 0x24, /* IAC DO OLD-ENVIRON */
	/* frame 15: four IAC SB opt SEND IAC SE */
	0xff, 0xfa, 0x20, 0x01, 0xff, 0xf0, 0xff, 0xfa, 0x23, 0x01, 0xff, 0xf0, 0xff, 0xfa, 0x27, 0x01, 0xff, 0xf0,
	0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0,
	/* frame 19 */
	0xff, 0xfd, 0x01, /* IAC DO ECHO */
	/* frame 22 */
	0xff, 0xfb, 0x01,		    /* IAC WILL ECHO */
	0xff, 0xfa, 0x21, 0x02, 0xff, 0xf0, /* IAC SB REMOTE-FLOW-CONTROL 2 IAC SE */
	0xff, 0xfc, 0x01,		    /* IAC WONT ECHO */
	/* frame 25: IAC SB LINEMODE SLC ... IAC SE */
	0xff, 0xfa, 0x22, 0x03, 0x05, 0x80, 0x00, 0x11, 0x80, 0x00, 0x12, 0x80, 0x00, 0xff, 0xf0,
	/* frame 27: "\r\nOpenBSD/i386 (oof) (ttyp2)\r\n\r\n" */
	0x0d, 0x0a, 0x4f, 0x70, 0x65, 0x6e, 0x42, 0x53, 0x44, 0x2f, 0x69, 0x33, 0x38, 0x36, 0x20, 0x28, 0x6f,
	0x6f, 0x66, 0x29, 0x20, 0x28, 0x74, 0x74, 0x79, 0x70, 0x32, 0x29, 0x0d, 0x0a, 0x0d, 0x0a,
	/* frame 29: "login: " */
	0x6c, 0x6f, 0x67, 0x69, 0x6e, 0x3a, 0x20};

START_TEST(test_real)
{
	expect_server(openbsd, sizeof(openbsd), HK_PARSE_OK, "OpenBSD/i386 (oof) (ttyp2) login:");
	ck_assert_int_eq(parse(openbsd, sizeof(openbsd), &ctx_unknown_server), HK_PARSE_OK);
	expect_banner("OpenBSD/i386 (oof) (ttyp2) login:");
	/* the same bytes in the client's direction say nothing */
	ck_assert_int_eq(parse(openbsd, sizeof(openbsd), &ctx_client), HK_PARSE_OK);
	ck_assert_int_eq(parse(openbsd, sizeof(openbsd), &ctx_unknown_client), HK_PARSE_OK);
}
END_TEST

/* Nothing before the prompt's colon; the same banner from there on. */
START_TEST(test_prefixes)
{
	size_t done = sizeof(openbsd) - 1; /* "login:" ends one byte before the end */

	pc_every_prefix(proto_telnet_parse, openbsd, done, &ctx_server, PC_TRUNCATED, false, "openbsd");
	for (size_t n = done; n <= sizeof(openbsd); n++)
		expect_server(openbsd, n, HK_PARSE_OK, "OpenBSD/i386 (oof) (ttyp2) login:");
	/* cut inside a command or a subnegotiation */
	expect_server(LIT("Hi\xff"), HK_PARSE_TRUNCATED, NULL);
	expect_server(LIT("Hi\xff\xfd"), HK_PARSE_TRUNCATED, NULL);
	expect_server(LIT("Hi\xff\xfa\x18\x01"), HK_PARSE_TRUNCATED, NULL);
	expect_server(LIT("Hi\xff\xfa\x18\x01\xff"), HK_PARSE_TRUNCATED, NULL);
}
END_TEST

START_TEST(test_prompts)
{
	/* Cisco IOS with "aaa new-model": the banner, then Username: */
	expect_server(LIT("\r\n\r\nUser Access Verification\r\n\r\nUsername: "), HK_PARSE_OK,
		      "User Access Verification Username:");
	/* a line password only */
	expect_server(LIT("\r\n\r\nUser Access Verification\r\n\r\nPassword: "), HK_PARSE_OK,
		      "User Access Verification Password:");
	/* a ZTE ZXR10 style banner between star lines, after negotiation */
	expect_server(LIT("\xff\xfb\x01\xff\xfb\x03\r\n****************\r\nWelcome to ZXR10 ZXCTN 6120 of ZTE "
			  "Corporation\r\n****************\r\nUsername:"),
		      HK_PARSE_OK,
		      "**************** Welcome to ZXR10 ZXCTN 6120 of ZTE Corporation **************** Username:");
	expect_server(LIT("Switch\r\nUser Name:"), HK_PARSE_OK, "Switch User Name:");
	expect_server(LIT("NETGEAR GS108T\r\nUser:"), HK_PARSE_OK, "NETGEAR GS108T User:");
	expect_server(LIT("Debian GNU/Linux 12\r\nhost7 LOGIN:"), HK_PARSE_OK, "Debian GNU/Linux 12 host7 LOGIN:");
	/* nothing but a prompt says nothing */
	expect_server(LIT("\r\nlogin: "), HK_PARSE_OK, NULL);
	expect_server(LIT("\xff\xfb\x01Password:"), HK_PARSE_OK, NULL);
	/* what follows the prompt (the echoed user name) is never read */
	expect_server(LIT("Banner\r\nlogin: admin\r\nPassword:"), HK_PARSE_OK, "Banner login:");
	/* no prompt yet */
	expect_server(LIT("Welcome\r\nlogin"), HK_PARSE_TRUNCATED, NULL);
}
END_TEST

START_TEST(test_escapes_and_bytes)
{
	/* ECMA-48 colours are not text */
	expect_server(LIT("\x1b[1;32mWelcome\x1b[0m to \x1b" "cBusyBox\r\nlogin: "), HK_PARSE_OK,
		      "Welcome to BusyBox login:");
	/* a control sequence is at most TELNET_ESC_MAX (32) bytes after ESC [ */
	{
		char buf[64];

		memcpy(buf, "\x1b[", 2);
		memset(buf + 2, '0', 31);
		memcpy(buf + 33, "mX login:", 9);
		expect_server(buf, 42, HK_PARSE_OK, "X login:");
		memset(buf + 2, '0', 33);
		memcpy(buf + 35, "mX login:", 9);
		expect_server(buf, 44, HK_PARSE_OK, "0mX login:");
	}
	expect_server(LIT("\x1b[12\x01" "A login:"), HK_PARSE_OK, "A login:");
	/* IAC IAC is a data byte 255; NUL (CR NUL) and controls are spaces; non-ASCII escaped */
	expect_server(LIT("Caf\xc3\xa9\r\0\xff\xff\x07z\\ login:"), HK_PARSE_OK, "Caf\\xc3\\xa9 \\xff z\\\\ login:");
	/* other commands: NOP, GA, DM, AYT, EOF, SUSP, ABORT, EOR */
	expect_server(LIT("\xff\xf1" "A\xff\xf9" "B\xff\xf2\xff\xf6\xff\xec\xff\xed\xff\xee\xff\xef login:"),
		      HK_PARSE_OK, "AB login:");
}
END_TEST

/* TELNET_SB_MAX (256) bytes read in one subnegotiation */
START_TEST(test_sb_max)
{
	uint8_t buf[400];
	size_t o;

	for (size_t k = 253; k <= 256; k++) {
		o = 0;
		buf[o++] = 0xff;
		buf[o++] = 0xfa;
		buf[o++] = 0x18; /* TERMINAL-TYPE */
		memset(buf + o, 'x', k);
		o += k;
		buf[o++] = 0xff;
		buf[o++] = 0xf0;
		memcpy(buf + o, "Hi login:", 9);
		o += 9;
		/* option + k data bytes + IAC SE: k + 3 bytes, k + 2 steps */
		expect_server(buf, o, k + 2 <= 256 ? HK_PARSE_OK : HK_PARSE_MALFORMED, "Hi login:");
	}
	/* IAC IAC inside a subnegotiation is data, not its end */
	expect_server(LIT("\xff\xfa\x18\xff\xff\xff\xf0Hi login:"), HK_PARSE_OK, "Hi login:");
	expect_server(LIT("\xff\xfa\x18\xff\x01\xff\xf0Hi login:"), HK_PARSE_OK, "Hi login:");
}
END_TEST

/* TELNET_TEXT_MAX (192) raw bytes of text: then said without a prompt */
START_TEST(test_text_max)
{
	char buf[300], want[300];

	memset(buf, 'b', sizeof(buf));
	memset(want, 'b', sizeof(want));
	want[192] = '\0';
	expect_server(buf, 191, HK_PARSE_TRUNCATED, NULL);
	expect_server(buf, 192, HK_PARSE_OK, want);
	expect_server(buf, 193, HK_PARSE_OK, want);
	/* collapsed whitespace counts once */
	memset(buf, ' ', 100);
	expect_server(buf, 291, HK_PARSE_TRUNCATED, NULL);
	expect_server(buf, 292, HK_PARSE_OK, want);
}
END_TEST

/* With the window full, what it held is said. */
START_TEST(test_window_full)
{
	uint8_t buf[TELNET_WINDOW];

	for (size_t i = 0; i + 1 < sizeof(buf); i += 2) {
		buf[i] = 0xff;
		buf[i + 1] = 0xf1; /* IAC NOP */
	}
	expect_server(buf, sizeof(buf), HK_PARSE_OK, NULL);
	expect_server(buf, sizeof(buf) - 2, HK_PARSE_TRUNCATED, NULL);
	memcpy(buf + 100, "Menu\r\n1) status ", 16);
	expect_server(buf, sizeof(buf), HK_PARSE_OK, "Menu 1) status");
	expect_server(buf, sizeof(buf) - 2, HK_PARSE_TRUNCATED, NULL);
}
END_TEST

START_TEST(test_not_telnet)
{
	/* IAC followed by a byte that is no command */
	expect_server(LIT("\xff\x41login:"), HK_PARSE_NOMATCH, NULL);
	expect_server(LIT("Hello\xff\xeblogin:"), HK_PARSE_NOMATCH, NULL);
	expect_server(LIT(""), HK_PARSE_TRUNCATED, NULL);
	/* the client: one byte tells, nothing is read or said */
	ck_assert_int_eq(parse(LIT("\x01\x02"), &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(parse(LIT("\x16\x03\x01"), &ctx_client), HK_PARSE_NOMATCH);
	ck_assert_int_eq(parse(LIT("\xff\xfc\x25"), &ctx_client), HK_PARSE_OK);
	ck_assert_int_eq(parse(LIT("admin\r\n"), &ctx_client), HK_PARSE_OK);
	ck_assert_int_eq(parse(LIT("\x03"), &ctx_client), HK_PARSE_OK);
	ck_assert_int_eq(parse(LIT(""), &ctx_client), HK_PARSE_TRUNCATED);
}
END_TEST

static Suite *telnet_suite(void)
{
	Suite *s = suite_create("proto_telnet");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_real);
	tcase_add_test(tc, test_prefixes);
	tcase_add_test(tc, test_prompts);
	tcase_add_test(tc, test_escapes_and_bytes);
	tcase_add_test(tc, test_sb_max);
	tcase_add_test(tc, test_text_max);
	tcase_add_test(tc, test_window_full);
	tcase_add_test(tc, test_not_telnet);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pc_main(telnet_suite());
}
