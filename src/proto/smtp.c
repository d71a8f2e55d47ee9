/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMTP: the server's greeting and the client's EHLO/HELO name.
 *
 * Reference: RFC 5321 (SMTP, October 2008) 3.1 (session initiation), 4.1.1.1
 * (EHLO / HELO), 4.1.3 (address literals), 4.2 (reply codes; 4.2.1 multi-line
 * replies: every line carries the code, '-' after it on all but the last),
 * 4.3.1 (220 greeting, or 554), 4.5.3.1.4-5 (512 bytes per command line and
 * per reply line, CR LF included).
 *
 * The bytes read, one stream direction from its first byte:
 *
 *   server:  "220" SP domain SP text CR LF       220 mail.example.com ESMTP Postfix
 *     or     "220-" text CR LF ... "220" SP text CR LF
 *   client:  "EHLO" / "HELO" SP domain CR LF     EHLO ws17.corp.example
 *            "EHLO" SP "[" address-literal "]"   EHLO [192.0.2.7]: not a name
 *            any other verb [SP ...] CR LF       not read past the verb
 *
 * Identity direction: both. The greeting describes the server (smtp.banner,
 * side SRC: the first line's text after "220 "/"220-"). The EHLO/HELO
 * argument is the name the client gives itself (smtp.helo, HOSTNAME, side
 * SRC) when it is a domain, not an address literal, a bare IP or
 * localhost. Which direction is the client's comes from ctx; without it,
 * from the bytes (a reply starts with a digit, a command with a letter).
 * Later commands (MAIL FROM, AUTH) and the message are never read.
 *
 * Emitted once, with OK, when the line is complete. No capture of the
 * shared set carries SMTP: the unit tests build their PDUs from RFC 5321
 * (its D.1 scenario).
 *
 * Hostile input this defends against: lines are found with bounded
 * searches and read through sub-cursors; a line longer than SMTP_LINE_MAX
 * is MALFORMED; a verb is at most SMTP_VERB_MAX letters; a domain longer
 * than SMTP_DOMAIN_MAX or with bytes no domain has is not reported; the
 * greeting is escaped by the cursor and cut at the observation's size.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/proto.h"

#define SMTP_WINDOW 1024    /* = the registry row's window */
#define SMTP_LINE_MAX 512   /* a command or reply line with CR LF (RFC 5321 4.5.3.1.4-5) */
#define SMTP_VERB_MAX 8     /* "STARTTLS"; the core verbs are 4 letters */
#define SMTP_DOMAIN_MAX 253 /* a domain name in text form */

#define CONF_SMTP 50
#define SMTP_CODE_READY 220

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

static uint8_t lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + ('a' - 'A')) : b;
}

/* true if the bytes at offset at of c begin with lower-case s, ignoring case */
static bool at_ci(const struct hk_cur *c, size_t at, const char *s)
{
	struct hk_cur t = *c;

	for (size_t i = 0; s[i]; i++) {
		uint8_t b = hk_cur_peek_u8(&t, at + i);
		if (!hk_cur_ok(&t) || lower(b) != (uint8_t)s[i])
			return false;
	}
	return true;
}

/*
 * The next line as a sub-cursor without its line end; c moves past the LF.
 * TRUNCATED while no LF is in the window, MALFORMED past SMTP_LINE_MAX.
 */
static enum hk_parse_result next_line(struct hk_cur *c, struct hk_cur *ret_line)
{
	int r = hk_cur_line(c, SMTP_LINE_MAX, ret_line);
	return r > 0 ? HK_PARSE_OK : (r < 0 ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED);
}

/* Leading and trailing SP/HT off the region c covers. */
static void trim(struct hk_cur *c)
{
	size_t n;

	while (hk_cur_left(c) && is_ws(hk_cur_peek_u8(c, 0)))
		hk_cur_skip(c, 1);
	n = hk_cur_left(c);
	while (n && is_ws(hk_cur_peek_u8(c, n - 1)))
		n--;
	*c = hk_cur_sub(c, n);
}

/* ---- server ------------------------------------------------------------- */

static enum hk_parse_result server(struct hk_cur *c, struct hk_obs_sink *out)
{
	struct hk_cur t = *c, line;
	size_t left = hk_cur_left(c);
	char v[HK_OBS_VALUE_MAX];
	unsigned code = 0;
	enum hk_parse_result r;

	/* Reply-code = %x32-35 %x30-35 %x30-39, then SP, '-' or the line end */
	for (size_t i = 0; i < 4 && i < left; i++) {
		uint8_t b = hk_cur_peek_u8(&t, i);
		if (i < 3 ? !is_digit(b) : (b != ' ' && b != '-' && b != '\r' && b != '\n'))
			return HK_PARSE_NOMATCH;
	}
	if (left < 4)
		return HK_PARSE_TRUNCATED;
	r = next_line(c, &line);
	if (r != HK_PARSE_OK)
		return r;
	for (int i = 0; i < 3; i++)
		code = code * 10 + (unsigned)(hk_cur_u8(&line) - '0');
	if (!hk_cur_ok(&line) || code < 200 || code > 599)
		return HK_PARSE_NOMATCH;
	if (code != SMTP_CODE_READY)
		return HK_PARSE_OK; /* 554 "no service here", or a reply from the middle */
	hk_cur_skip(&line, hk_cur_left(&line) ? 1 : 0); /* SP or '-' */
	trim(&line);
	if (!hk_cur_str(&line, hk_cur_left(&line), v, sizeof(v)))
		return HK_PARSE_MALFORMED;
	hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_SMTP, "smtp.banner", v);
	return HK_PARSE_OK;
}

/* ---- client ------------------------------------------------------------- */

static bool is_name_char(uint8_t b)
{
	return is_alpha(b) || is_digit(b) || b == '-' || b == '.' || b == '_';
}

/*
 * The EHLO/HELO argument (up to SP): emitted when it is a domain with at
 * least one letter (so not a bare IPv4 address), not "[...]" and not
 * localhost.
 */
static void emit_helo(struct hk_cur *arg, struct hk_obs_sink *out)
{
	char v[HK_OBS_VALUE_MAX];
	long sp = hk_cur_find(arg, ' ');
	size_t n = sp < 0 ? hk_cur_left(arg) : (size_t)sp;
	struct hk_cur name = hk_cur_sub(arg, n);
	bool letter = false;

	if (n == 0 || n > SMTP_DOMAIN_MAX)
		return;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = hk_cur_peek_u8(&name, i);
		if (!is_name_char(b))
			return; /* "[192.0.2.7]", "[IPv6:...]", or not a domain */
		letter |= is_alpha(b);
	}
	if (!letter || (n == 9 && at_ci(&name, 0, "localhost")) ||
	    (n == 21 && at_ci(&name, 0, "localhost.localdomain")))
		return;
	if (hk_cur_str(&name, n, v, sizeof(v)))
		hk_obs_emit(out, HK_OBS_HOSTNAME, HK_SIDE_SRC, CONF_SMTP, "smtp.helo", v);
}

static enum hk_parse_result client(struct hk_cur *c, struct hk_obs_sink *out)
{
	struct hk_cur t = *c, line;
	size_t left = hk_cur_left(c), verb = 0;
	enum hk_parse_result r;

	/* the verb: letters up to SP or the line end */
	for (;; verb++) {
		uint8_t b;

		if (verb == left)
			return HK_PARSE_TRUNCATED;
		b = hk_cur_peek_u8(&t, verb);
		if (!hk_cur_ok(&t))
			return HK_PARSE_TRUNCATED;
		if (verb > 0 && (b == ' ' || b == '\r' || b == '\n'))
			break;
		if (verb == SMTP_VERB_MAX || !is_alpha(b))
			return HK_PARSE_NOMATCH;
	}
	if (verb != 4 || !(at_ci(c, 0, "ehlo") || at_ci(c, 0, "helo")))
		return HK_PARSE_OK; /* SMTP, but not what names the client */
	r = next_line(c, &line);
	if (r != HK_PARSE_OK)
		return r;
	hk_cur_skip(&line, 4);
	trim(&line);
	emit_helo(&line, out);
	return HK_PARSE_OK;
}

enum hk_parse_result proto_smtp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	bool window_full = c->len >= SMTP_WINDOW;
	bool from_client;
	enum hk_parse_result r;

	if (!hk_cur_left(c))
		return HK_PARSE_TRUNCATED;
	if (ctx->client_known)
		from_client = ctx->from_client;
	else
		from_client = !is_digit(hk_cur_peek_u8(c, 0));
	r = from_client ? client(c, out) : server(c, out);
	if (r == HK_PARSE_TRUNCATED && window_full)
		return HK_PARSE_MALFORMED;
	return r;
}
