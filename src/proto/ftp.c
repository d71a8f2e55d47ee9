/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FTP: the server's greeting on the control connection.
 *
 * Reference: RFC 959 (FTP, October 1985) 4.2 (FTP replies, multi-line
 * replies), 5.4 (connection establishment: 120 then 220, or 220, or 421);
 * RFC 1123 4.1.2.1 (a multi-line reply's inner lines need not start with
 * the code).
 *
 * The bytes read, one stream direction from its first byte:
 *
 *   server:  [120 SP text CR LF]                 service ready in nnn minutes
 *            "220" SP text CR LF                 e.g. 220 (vsFTPd 3.0.3)
 *     or     "220-" text CR LF                   multi-line greeting:
 *            [any line CR LF] ...                  inner lines, free text
 *            "220" SP text CR LF                   the last line
 *   client:  command [SP argument] CR LF         USER, AUTH, ... (3-4 letters)
 *
 * Identity direction: the server's. ftp.banner is the text of the
 * greeting's first line after "220 " or "220-" (the first non-empty line of
 * a multi-line greeting whose first line is empty), trimmed: "ProFTPD
 * 1.3.5 Server", "Microsoft FTP Service", "(vsFTPd 3.0.3)". The client's
 * direction carries user names and passwords: it is only checked to look
 * like FTP commands (the verb), never reported, and not read past the verb.
 * Which direction is the client's comes from ctx; without it, from the
 * bytes (a reply starts with a digit, a command with a letter).
 *
 * Emitted once, with OK, when the greeting's first line is complete.
 *
 * Hostile input this defends against: lines are found with bounded
 * searches and read through sub-cursors; a reply line longer than
 * FTP_LINE_MAX is MALFORMED; at most FTP_REPLIES_MAX 120 replies before the
 * 220 and FTP_REPLY_LINES_MAX lines of a multi-line reply are read; the
 * value is escaped by the cursor and cut at the observation's size.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/proto.h"

#define FTP_WINDOW 1024          /* = the registry row's window */
#define FTP_LINE_MAX 512         /* bytes of one reply line with its line end */
#define FTP_REPLIES_MAX 4        /* replies (120) skipped before the greeting */
#define FTP_REPLY_LINES_MAX 32   /* lines of one multi-line reply */
#define FTP_VERB_MAX 4           /* RFC 959 commands are 3 or 4 letters */

#define CONF_FTP 50

#define FTP_CODE_PRELIM 120
#define FTP_CODE_READY 220

static bool is_digit(uint8_t b)
{
	return b >= '0' && b <= '9';
}

static bool is_alpha(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

static bool is_ws(uint8_t b)
{
	return b == ' ' || b == '\t';
}

/*
 * The next line as a sub-cursor without its line end; c moves past the LF.
 * TRUNCATED while no LF is in the window, MALFORMED past FTP_LINE_MAX.
 */
static enum hk_parse_result next_line(struct hk_cur *c, struct hk_cur *ret_line)
{
	int r = hk_cur_line(c, FTP_LINE_MAX, ret_line);
	return r > 0 ? HK_PARSE_OK : (r < 0 ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED);
}

/*
 * A reply line's "ddd" and separator (SP, or '-' for the first line of a
 * multi-line reply). false when the line does not start that way.
 */
static bool reply_code(struct hk_cur *line, unsigned *ret_code, bool *ret_more)
{
	unsigned code = 0;
	uint8_t sep;

	for (int i = 0; i < 3; i++) {
		uint8_t b = hk_cur_u8(line);
		if (!hk_cur_ok(line) || !is_digit(b))
			return false;
		code = code * 10 + (unsigned)(b - '0');
	}
	if (!hk_cur_left(line)) {
		sep = ' '; /* "220" alone: a single-line reply without text */
	} else {
		sep = hk_cur_u8(line);
		if (sep != ' ' && sep != '-')
			return false;
	}
	if (code < 100 || code > 599)
		return false;
	*ret_code = code;
	*ret_more = sep == '-';
	return true;
}

/* The line's text, trimmed, escaped into v; "" when it has none. */
static void line_text(struct hk_cur *line, char *v, size_t vsz)
{
	size_t n;

	while (hk_cur_left(line) && is_ws(hk_cur_peek_u8(line, 0)))
		hk_cur_skip(line, 1);
	n = hk_cur_left(line);
	while (n && is_ws(hk_cur_peek_u8(line, n - 1)))
		n--;
	hk_cur_str(line, n, v, vsz);
}

/* Whether the window holds all of the prefix "ddd" + SP/'-' it can */
static enum hk_parse_result reply_prefix(const struct hk_cur *c)
{
	struct hk_cur t = *c;
	size_t left = hk_cur_left(c);

	for (size_t i = 0; i < 4 && i < left; i++) {
		uint8_t b = hk_cur_peek_u8(&t, i);
		if (i < 3 ? !is_digit(b) : (b != ' ' && b != '-' && b != '\r' && b != '\n'))
			return HK_PARSE_NOMATCH;
	}
	return left < 4 ? HK_PARSE_TRUNCATED : HK_PARSE_OK;
}

/*
 * The rest of a multi-line reply after its first line: up to the line that
 * starts with the same code and a SP (RFC 959 4.2). With want set, the
 * first non-empty line's text goes to v.
 */
static enum hk_parse_result reply_rest(struct hk_cur *c, unsigned code, bool want, char *v, size_t vsz)
{
	for (unsigned i = 0; i < FTP_REPLY_LINES_MAX; i++) {
		struct hk_cur line, probe;
		enum hk_parse_result r = next_line(c, &line);
		unsigned lcode;
		bool more;

		if (r != HK_PARSE_OK)
			return r;
		probe = line;
		if (reply_code(&probe, &lcode, &more) && lcode == code) {
			line = probe; /* the code is not part of the text */
			if (want && !v[0])
				line_text(&line, v, vsz);
			if (!more)
				return HK_PARSE_OK;
			continue;
		}
		if (want && !v[0])
			line_text(&line, v, vsz);
	}
	return HK_PARSE_MALFORMED;
}

static enum hk_parse_result server(struct hk_cur *c, struct hk_obs_sink *out)
{
	for (unsigned n_replies = 0; n_replies <= FTP_REPLIES_MAX; n_replies++) {
		char v[HK_OBS_VALUE_MAX] = "";
		enum hk_parse_result r = reply_prefix(c);
		struct hk_cur line;
		unsigned code;
		bool more;

		if (r != HK_PARSE_OK)
			return r == HK_PARSE_NOMATCH && n_replies > 0 ? HK_PARSE_MALFORMED : r;
		r = next_line(c, &line);
		if (r != HK_PARSE_OK)
			return r;
		if (!reply_code(&line, &code, &more))
			return n_replies ? HK_PARSE_MALFORMED : HK_PARSE_NOMATCH;
		if (code == FTP_CODE_READY) {
			line_text(&line, v, sizeof(v));
			if (more && !v[0]) {
				/* "220-" then the text on the following lines */
				r = reply_rest(c, code, true, v, sizeof(v));
				if (r != HK_PARSE_OK && !v[0])
					return r;
			}
			hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_FTP, "ftp.banner", v);
			return HK_PARSE_OK;
		}
		if (code != FTP_CODE_PRELIM)
			return HK_PARSE_OK; /* 421, or a reply from the middle: FTP, no greeting */
		if (more) {
			r = reply_rest(c, code, false, v, sizeof(v));
			if (r != HK_PARSE_OK)
				return r;
		}
	}
	return HK_PARSE_MALFORMED;
}

/*
 * The client's first bytes: a command verb (RFC 959 5.3.1: 3 or 4 letters)
 * then SP or the line end. Nothing of the argument is read.
 */
static enum hk_parse_result client(struct hk_cur *c)
{
	struct hk_cur t = *c;
	size_t left = hk_cur_left(c);

	for (size_t i = 0; i <= FTP_VERB_MAX; i++) {
		uint8_t b;

		if (i == left)
			return HK_PARSE_TRUNCATED;
		b = hk_cur_peek_u8(&t, i);
		if (!hk_cur_ok(&t))
			return HK_PARSE_TRUNCATED;
		if (i >= 3 && (b == ' ' || b == '\r' || b == '\n'))
			return HK_PARSE_OK;
		if (i == FTP_VERB_MAX || !is_alpha(b))
			return HK_PARSE_NOMATCH;
	}
	return HK_PARSE_NOMATCH;
}

enum hk_parse_result proto_ftp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	bool window_full = c->len >= FTP_WINDOW;
	bool from_client;
	enum hk_parse_result r;

	if (!hk_cur_left(c))
		return HK_PARSE_TRUNCATED;
	if (ctx->client_known)
		from_client = ctx->from_client;
	else
		from_client = !is_digit(hk_cur_peek_u8(c, 0));
	r = from_client ? client(c) : server(c, out);
	if (r == HK_PARSE_TRUNCATED && window_full)
		return HK_PARSE_MALFORMED; /* the window is full of a line that does not end */
	return r;
}
