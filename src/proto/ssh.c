/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSH: the identification string each side sends first.
 *
 * Reference: RFC 4253 (SSH transport layer, January 2006) 4.2 (protocol
 * version exchange), 5.1 (compatibility with old versions: "1.99");
 * RFC 4251 (SSH architecture) 4.4 "protoversion".
 *
 * The bytes read, one stream direction from its first byte:
 *
 *   [other line CR LF] ...        server only, before the identification
 *   "SSH-" protoversion "-" softwareversion [SP comments] CR LF
 *    e.g. SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7
 *         SSH-1.99-Cisco-1.25          (1.99: speaks 1 and 2, RFC 4253 5.1)
 *   then binary packets (KEXINIT ...), not read
 *
 * The identification string is at most 255 bytes with its CR LF. Old and
 * embedded implementations end it with a bare LF; "softwareversion" is
 * supposed to hold no '-' but Cisco's does: both are accepted.
 *
 * Identity direction: both. Each side's identification string describes
 * its sender (side SRC): the server's is the usual fingerprint, the
 * client's names the client software. ssh.banner is the whole line
 * without its line end.
 *
 * Emitted once, with OK, when the identification line is complete.
 *
 * Hostile input this defends against: lines are found with bounded
 * searches and read through sub-cursors; the identification is refused
 * (MALFORMED) when it runs past SSH_ID_MAX, and so is a protoversion
 * that is not digits and dots or longer than SSH_PROTO_MAX; lines before it
 * are allowed only from the server, only as text, at most SSH_PRELINES_MAX
 * of them and SSH_PRELINE_MAX bytes each (else NOMATCH: not SSH). The
 * value is escaped by the cursor (\xNN for NUL and non-ASCII).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/proto.h"

#define SSH_WINDOW 512       /* = the registry row's window */
#define SSH_ID_MAX 255       /* identification string with CR LF (RFC 4253 4.2) */
#define SSH_PROTO_MAX 8      /* bytes of protoversion: "2.0", "1.99", "1.5" */
#define SSH_PRELINES_MAX 16  /* server lines before the identification */
#define SSH_PRELINE_MAX 255  /* bytes of one such line with its line end */

#define CONF_SSH 50

static const char ssh_magic[] = "SSH-";

/* true if all available bytes of c (at most 4) agree with "SSH-" */
static bool magic_agrees(const struct hk_cur *c)
{
	struct hk_cur t = *c;
	size_t left = hk_cur_left(c);

	for (size_t i = 0; i < 4 && i < left; i++)
		if (hk_cur_peek_u8(&t, i) != (uint8_t)ssh_magic[i])
			return false;
	return hk_cur_ok(&t);
}

/* Lines before the identification are text: UTF-8 (RFC 4253 4.2), no controls */
static bool is_text_byte(uint8_t b)
{
	return b >= 0x20 || b == '\t' || b == '\r';
}

/*
 * Skips one server line that is not the identification. NOMATCH when it is
 * not a text line of at most SSH_PRELINE_MAX bytes; TRUNCATED while its end
 * is not in the window.
 */
static enum hk_parse_result skip_preline(struct hk_cur *c)
{
	long lf = hk_cur_find(c, '\n');
	size_t n = lf < 0 ? hk_cur_left(c) : (size_t)lf;
	struct hk_cur t = *c;

	if (n >= SSH_PRELINE_MAX)
		return HK_PARSE_NOMATCH;
	for (size_t i = 0; i < n; i++)
		if (!is_text_byte(hk_cur_peek_u8(&t, i)))
			return HK_PARSE_NOMATCH;
	if (lf < 0)
		return HK_PARSE_TRUNCATED;
	hk_cur_skip(c, n + 1);
	return hk_cur_ok(c) ? HK_PARSE_OK : HK_PARSE_TRUNCATED;
}

/* "SSH-" protoversion "-": digits and dots, at least one digit */
static bool valid_proto(struct hk_cur line)
{
	size_t n = 0;
	bool digit = false;

	hk_cur_skip(&line, 4);
	while (hk_cur_left(&line)) {
		uint8_t b = hk_cur_u8(&line);
		if (b == '-')
			return digit && n <= SSH_PROTO_MAX && hk_cur_left(&line) > 0;
		if (!(b >= '0' && b <= '9') && b != '.')
			return false;
		digit |= b != '.';
		n++;
	}
	return false;
}

/* The identification line at c: emitted and OK, or TRUNCATED / MALFORMED. */
static enum hk_parse_result ident(struct hk_cur *c, struct hk_obs_sink *out)
{
	char v[HK_OBS_VALUE_MAX];
	long lf = hk_cur_find(c, '\n');
	struct hk_cur line;
	size_t n;

	if (lf < 0)
		return hk_cur_left(c) >= SSH_ID_MAX ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
	n = (size_t)lf + 1; /* with its LF */
	if (n > SSH_ID_MAX)
		return HK_PARSE_MALFORMED;
	n--;
	if (n > 0 && hk_cur_peek_u8(c, n - 1) == '\r')
		n--;
	line = hk_cur_sub(c, n);
	if (!hk_cur_ok(c) || !valid_proto(line))
		return HK_PARSE_MALFORMED;
	if (!hk_cur_str(&line, n, v, sizeof(v)))
		return HK_PARSE_MALFORMED;
	hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_SSH, "ssh.banner", v);
	return HK_PARSE_OK;
}

enum hk_parse_result proto_ssh_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	/* only a server may say something first (RFC 4253 4.2) */
	bool may_prelude = !(ctx->client_known && ctx->from_client);
	bool window_full = c->len >= SSH_WINDOW;

	for (unsigned n_pre = 0;; n_pre++) {
		enum hk_parse_result r;

		if (hk_cur_left(c) == 0)
			return window_full ? HK_PARSE_NOMATCH : HK_PARSE_TRUNCATED;
		if (magic_agrees(c)) {
			if (hk_cur_left(c) < 4)
				return window_full ? HK_PARSE_NOMATCH : HK_PARSE_TRUNCATED;
			r = ident(c, out);
			if (r == HK_PARSE_TRUNCATED && window_full)
				return HK_PARSE_MALFORMED; /* no line end in the whole window */
			return r;
		}
		if (!may_prelude || n_pre >= SSH_PRELINES_MAX)
			return HK_PARSE_NOMATCH;
		r = skip_preline(c);
		if (r == HK_PARSE_TRUNCATED && window_full)
			return HK_PARSE_NOMATCH;
		if (r != HK_PARSE_OK)
			return r;
	}
}
