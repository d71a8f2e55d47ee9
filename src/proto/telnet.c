/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Telnet: the text a server prints before it asks who you are.
 *
 * Reference: RFC 854 (Telnet protocol, May 1983): the NVT, commands
 * (IAC = 255 followed by a command byte: SE 240, NOP 241, DM 242, BRK 243,
 * IP 244, AO 245, AYT 246, EC 247, EL 248, GA 249, SB 250, WILL 251,
 * WONT 252, DO 253, DONT 254, IAC 255 = a data byte 255) and "CR NUL"; RFC
 * 855 (option subnegotiation: IAC SB option ... IAC SE); RFC 1184 (EOF
 * 236, SUSP 237, ABORT 238) and RFC 885 (EOR 239). ECMA-48 5.4 (control
 * sequences ESC [ params intermediates final) for the colours many devices
 * print.
 *
 * The bytes read, the server's direction from its first byte:
 *
 *   IAC DO|DONT|WILL|WONT opt                    3 bytes, skipped
 *   IAC SB opt ... IAC SE                        skipped (IAC IAC inside = 255)
 *   IAC other-command                            2 bytes, skipped
 *   ESC [ 0x30-0x3f* 0x20-0x2f* 0x40-0x7e        skipped
 *   text CR LF text ...                          collected, whitespace collapsed
 *   "login:" | "username:" | "user name:" | "user:" | "password:"   ends it
 *
 *   e.g. FF FD 18 FF FD 20 ... "\r\nOpenBSD/i386 (oof) (ttyp2)\r\n\r\nlogin: "
 *        -> "OpenBSD/i386 (oof) (ttyp2) login:"
 *
 * Identity direction: the server's (telnet.banner, SOFTWARE, side SRC):
 * the printable text up to and including the first login prompt
 * (case-insensitive), or what TELNET_TEXT_MAX holds, or what the window
 * holds once it is full. Text that is nothing but the prompt says nothing
 * and is not emitted. The client's direction is what a user typed
 * (names, passwords): it is never read past its first byte and never
 * reported; nor is anything the server sends after the prompt (the echo of
 * the user name). Which direction is the client's comes from ctx; without
 * it, the side that is not port 23 is taken for the client.
 *
 * Emitted once, with OK; TRUNCATED (nothing emitted) while neither a
 * prompt nor the end of the window has been reached.
 *
 * Hostile input this defends against: every byte is read through the
 * cursor; a subnegotiation longer than TELNET_SB_MAX is MALFORMED, an
 * escape sequence longer than TELNET_ESC_MAX ends where it stands, the text
 * kept is bounded by TELNET_TEXT_MAX, and an IAC followed by a byte that is
 * no command is not Telnet (NOMATCH). The value is escaped (\xNN) when it
 * is emitted.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/proto.h"

#define TELNET_WINDOW 1024  /* = the registry row's window */
#define TELNET_PORT 23
#define TELNET_SB_MAX 256   /* bytes of one subnegotiation */
#define TELNET_ESC_MAX 32   /* bytes of one ECMA-48 control sequence */
#define TELNET_TEXT_MAX 192 /* raw bytes of banner text kept */

#define CONF_TELNET 50

enum telnet_byte {
	TN_SE = 240,
	TN_SB = 250,
	TN_WILL = 251,
	TN_DONT = 254,
	TN_IAC = 255,
	TN_CMD_MIN = 236, /* EOF (RFC 1184): the lowest command code */
};

#define ASCII_ESC 0x1b

/* what the banner collected so far */
struct tn_text {
	size_t n;
	bool space;
	size_t prompt_at; /* where the text before the prompt ends */
	uint8_t b[TELNET_TEXT_MAX];
};

static const char *const tn_prompts[] = {"login:", "username:", "user name:", "user:", "password:"};

static uint8_t lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + ('a' - 'A')) : b;
}

static bool text_ends_with(const struct tn_text *t, const char *s, size_t len)
{
	struct hk_cur c = hk_cur_init(t->b, t->n);

	if (t->n < len)
		return false;
	hk_cur_skip(&c, t->n - len);
	for (size_t i = 0; i < len; i++)
		if (lower(hk_cur_u8(&c)) != (uint8_t)s[i])
			return false;
	return hk_cur_ok(&c);
}

/* Whether the text now ends with a login prompt; notes where it starts. */
static bool at_prompt(struct tn_text *t)
{
	for (size_t i = 0; i < sizeof(tn_prompts) / sizeof(tn_prompts[0]); i++) {
		size_t len = 0;

		while (tn_prompts[i][len])
			len++;
		if (text_ends_with(t, tn_prompts[i], len)) {
			t->prompt_at = t->n - len;
			return true;
		}
	}
	return false;
}

/* One byte of text: controls and whitespace are collapsed to one SP */
static void text_add(struct tn_text *t, uint8_t b)
{
	if (b <= 0x20 || b == 0x7f) {
		t->space = t->n > 0;
		return;
	}
	if (t->space && t->n < sizeof(t->b))
		t->b[t->n++] = ' ';
	t->space = false;
	if (t->n < sizeof(t->b))
		t->b[t->n++] = b;
}

/* IAC SB ... IAC SE: TRUNCATED while its end is not in the window */
static enum hk_parse_result skip_sb(struct hk_cur *c)
{
	for (size_t n = 0; n < TELNET_SB_MAX; n++) {
		uint8_t b = hk_cur_u8(c);

		if (!hk_cur_ok(c))
			return HK_PARSE_TRUNCATED;
		if (b != TN_IAC)
			continue;
		b = hk_cur_u8(c);
		if (!hk_cur_ok(c))
			return HK_PARSE_TRUNCATED;
		if (b == TN_SE)
			return HK_PARSE_OK;
		/* IAC IAC is a data 255; anything else is tolerated inside */
	}
	return HK_PARSE_MALFORMED;
}

/* ESC [ params intermediates final, or ESC and one byte; bounded */
static void skip_escape(struct hk_cur *c)
{
	uint8_t b = hk_cur_u8(c);

	if (!hk_cur_ok(c) || b != '[')
		return;
	for (size_t n = 0; n < TELNET_ESC_MAX && hk_cur_left(c); n++) {
		b = hk_cur_u8(c);
		if (b >= 0x40 && b <= 0x7e)
			return;
		if (b < 0x20 || b > 0x3f)
			return; /* not a control sequence byte: give up on it */
	}
}

/*
 * IAC and the command after it (c is past the IAC). NOMATCH when the byte
 * after IAC is no command (not Telnet).
 */
static enum hk_parse_result command(struct hk_cur *c, struct tn_text *t)
{
	uint8_t cmd = hk_cur_u8(c);

	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (cmd == TN_IAC) {
		text_add(t, TN_IAC);
		return HK_PARSE_OK;
	}
	if (cmd >= TN_WILL && cmd <= TN_DONT) {
		hk_cur_u8(c); /* the option */
		return hk_cur_ok(c) ? HK_PARSE_OK : HK_PARSE_TRUNCATED;
	}
	if (cmd == TN_SB)
		return skip_sb(c);
	if (cmd < TN_CMD_MIN)
		return HK_PARSE_NOMATCH;
	return HK_PARSE_OK; /* SE, NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, EOF, SUSP, ABORT, EOR */
}

static void emit(struct hk_obs_sink *out, const struct tn_text *t)
{
	char v[HK_OBS_VALUE_MAX];

	if (t->prompt_at == 0)
		return; /* nothing but a prompt (or nothing) */
	hk_escape(t->b, t->n, v, sizeof(v));
	hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_TELNET, "telnet.banner", v);
}

static enum hk_parse_result server(struct hk_cur *c, struct hk_obs_sink *out)
{
	bool window_full = c->len >= TELNET_WINDOW;
	struct tn_text t = {.n = 0};

	while (hk_cur_left(c)) {
		uint8_t b = hk_cur_u8(c);

		if (b == TN_IAC) {
			enum hk_parse_result r = command(c, &t);
			if (r == HK_PARSE_TRUNCATED)
				break;
			if (r != HK_PARSE_OK)
				return r;
		} else if (b == ASCII_ESC) {
			skip_escape(c);
		} else {
			text_add(&t, b);
		}
		/* every prompt ends in ':' */
		if (b == ':' && at_prompt(&t)) {
			emit(out, &t);
			return HK_PARSE_OK;
		}
		if (t.n >= sizeof(t.b)) {
			t.prompt_at = t.n;
			emit(out, &t);
			return HK_PARSE_OK;
		}
	}
	if (!window_full)
		return HK_PARSE_TRUNCATED;
	t.prompt_at = t.n;
	emit(out, &t);
	return HK_PARSE_OK;
}

enum hk_parse_result proto_telnet_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx,
					struct hk_obs_sink *out)
{
	bool from_client = ctx->client_known ? ctx->from_client : ctx->dport == TELNET_PORT;

	if (!hk_cur_left(c))
		return HK_PARSE_TRUNCATED;
	if (from_client) {
		/* what a user types is never read; one byte tells it is not binary junk */
		uint8_t b = hk_cur_peek_u8(c, 0);
		return (b == TN_IAC || b >= 0x20 || b == '\r' || b == '\n' || b == '\t' || b == 0x03 ||
			b == 0x04) ? HK_PARSE_OK : HK_PARSE_NOMATCH;
	}
	return server(c, out);
}
