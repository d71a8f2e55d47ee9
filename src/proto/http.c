/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP/1.x: what the first message of each stream direction says about its
 * sender (and, for Host, its receiver).
 *
 * References:
 *   RFC 9112 (HTTP/1.1, June 2022) 2.1-2.2 (message format, bare LF, leading
 *   empty lines), 3 (request line, origin/absolute/authority/asterisk form),
 *   4 (status line), 5 (field lines; 5.2 obs-fold), 6.3 (message body
 *   length), 7.1 (chunked coding);
 *   RFC 9110 (HTTP semantics) 7.2 Host, 8.3 Content-Type, 8.4
 *   Content-Encoding, 8.6 Content-Length, 10.1.5 User-Agent, 10.2.4 Server,
 *   11.2-11.6 challenges (auth-param, "realm", WWW-Authenticate), 15.2
 *   (1xx interim responses), 15.3.5/15.4.5 (204, 304: no content);
 *   WHATWG HTML Living Standard 4.2.2 (the title element).
 *   X-Powered-By is a de-facto header (PHP, ASP.NET, Express), no standard.
 *
 * The bytes read, one stream direction from its first byte (the banner
 * window of the registry row, HTTP_WINDOW):
 *
 *   request                                   response
 *   [CRLF]... (ignored, at most 4 bytes)
 *   METHOD SP request-target SP HTTP/1.d CRLF  HTTP/1.d SP 3DIGIT [SP reason] CRLF
 *   Host: name[:port] CRLF                    (1xx: its own header block, then
 *   User-Agent: product/1.0 (comment) CRLF      the final status line again)
 *   other-field: value CRLF                   Server: product/1.0 CRLF
 *    SP/HT continuation (obs-fold) CRLF       X-Powered-By: PHP/5.4 CRLF
 *   CRLF                                      WWW-Authenticate: Basic realm="x" CRLF
 *                                             Content-Type: text/html CRLF
 *                                             Content-Length: n | Transfer-Encoding:
 *                                               chunked CRLF
 *                                             CRLF
 *                                             <html><head><title> text </title>...
 *
 * Identity direction: the direction is read from the bytes, not from
 * ctx->from_client: a request describes its sender, the client (User-Agent,
 * side SRC) and names its receiver, the server (Host, side DST, only for an
 * origin-form target: a proxy's absolute-form or CONNECT target names some
 * other host). A response describes its sender, the server (Server,
 * X-Powered-By, the realm of WWW-Authenticate, the HTML title: side SRC).
 *
 * When observations are emitted: a banner parser is called again with the
 * whole (grown) window for as long as it answers TRUNCATED, so everything
 * is emitted once, with the final OK: when the header block (and, for a
 * 2xx response labelled text/html, the title or the end of the head or of
 * the body) is in the window, or when the window is full (HTTP_WINDOW,
 * which must equal the registry row's window) and no more bytes will come.
 * Other bodies (redirects, error pages, unlabelled) are searched only as
 * far as they are already in the window. Nothing is emitted with
 * TRUNCATED. The pipeline gives no last call when a stream ends short of
 * the window, so a 2xx HTML response whose body never comes (the answer to
 * a HEAD) says nothing.
 *
 * Hostile input this defends against: every line is found with a bounded
 * search in the window and read through a sub-cursor; field lines are
 * counted against HTTP_HEADERS_MAX (MALFORMED past it), a line longer than
 * HTTP_LINE_MAX is skipped whole, a method token is at most HTTP_METHOD_MAX
 * bytes, values are copied into fixed buffers of HTTP_FIELD_RAW_MAX bytes
 * (the rest is cut), interim responses (HTTP_INTERIM_MAX), chunks
 * (HTTP_CHUNKS_MAX) and auth-params (HTTP_AUTH_PARAMS_MAX) are bounded, a
 * Content-Length that does not fit 15 digits or a chunk size of more than
 * 15 hex digits is not believed (we stop waiting for the body instead), and
 * the title is collected up to HTTP_TITLE_RAW_MAX bytes. All strings are
 * escaped (\xNN) by the cursor's escaper.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/proto.h"

#define HTTP_WINDOW 4096         /* = the registry row's window */
#define HTTP_LINE_MAX 2048       /* a field line longer than this is skipped whole */
#define HTTP_HEADERS_MAX 100     /* field lines per header block (Apache's LimitRequestFields) */
#define HTTP_METHOD_MAX 24       /* bytes of a method token */
#define HTTP_LEADING_EMPTY_MAX 4 /* CR/LF bytes ignored before the start line */
#define HTTP_INTERIM_MAX 4       /* 1xx responses skipped before the final one */
#define HTTP_CHUNKS_MAX 64       /* chunks followed looking for the last one */
#define HTTP_AUTH_PARAMS_MAX 32  /* tokens and auth-params looked at per challenge field */
#define HTTP_FIELD_RAW_MAX 255   /* raw bytes kept of one field value (obs-fold joined) */
#define HTTP_TITLE_RAW_MAX 192   /* raw bytes kept of a title, whitespace collapsed */
#define HTTP_NUM_DIGITS_MAX 15   /* digits of a Content-Length or chunk size we believe */

#define CONF_HTTP 50

enum http_field_id {
	F_USER_AGENT = 0,
	F_HOST,
	F_SERVER,
	F_POWERED_BY,
	F_WWW_AUTH,
	F_CONTENT_TYPE,
	F_CONTENT_LENGTH,
	F_TRANSFER_ENCODING,
	F_CONTENT_ENCODING,
	F__MAX
};

static const char *const field_names[F__MAX] = {
	[F_USER_AGENT] = "user-agent",
	[F_HOST] = "host",
	[F_SERVER] = "server",
	[F_POWERED_BY] = "x-powered-by",
	[F_WWW_AUTH] = "www-authenticate",
	[F_CONTENT_TYPE] = "content-type",
	[F_CONTENT_LENGTH] = "content-length",
	[F_TRANSFER_ENCODING] = "transfer-encoding",
	[F_CONTENT_ENCODING] = "content-encoding",
};

/* One field value, copied out of the window through the cursor. */
struct http_field {
	bool seen;
	size_t n;
	uint8_t b[HTTP_FIELD_RAW_MAX];
};

struct http_msg {
	bool is_request;
	bool origin_form; /* request target is a path (or "*"): Host names the receiver */
	unsigned status;
	struct http_field f[F__MAX];
	size_t title_n;
	uint8_t title[HTTP_TITLE_RAW_MAX];
};

enum title_scan {
	TITLE_NOT_YET = 0, /* neither a title nor the end of the head in the window */
	TITLE_FOUND,       /* <title>...</title> complete */
	TITLE_NONE,        /* </head> or <body> came first: no title */
};

static uint8_t lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + ('a' - 'A')) : b;
}

static bool is_ows(uint8_t b)
{
	return b == ' ' || b == '\t';
}

static bool is_space(uint8_t b)
{
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == '\v';
}

static bool is_digit(uint8_t b)
{
	return b >= '0' && b <= '9';
}

/* true if the bytes at offset at of c begin with the lower-case ASCII s,
 * compared case-insensitively; moves nothing, sets no error on c */
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

/* true if all available bytes of c (at most strlen(s)) agree with s exactly */
static bool prefix_agrees(const struct hk_cur *c, const char *s)
{
	struct hk_cur t = *c;
	size_t n = strlen(s), left = hk_cur_left(c);

	for (size_t i = 0; i < n && i < left; i++)
		if (hk_cur_peek_u8(&t, i) != (uint8_t)s[i])
			return false;
	return hk_cur_ok(&t);
}

/*
 * The next line as a sub-cursor without its line end (CR LF, or a bare LF as
 * RFC 9112 2.2 allows); c moves past the LF. false when no LF is in the
 * window yet (c does not move).
 */
static bool next_line(struct hk_cur *c, struct hk_cur *ret_line)
{
	/* the header block is bounded by the window, not per line, here */
	return hk_cur_line(c, SIZE_MAX, ret_line) > 0;
}

/* Drops leading and trailing OWS of the region c covers. */
static void trim_ows(struct hk_cur *c)
{
	size_t n;

	while (hk_cur_left(c) && is_ows(hk_cur_peek_u8(c, 0)))
		hk_cur_skip(c, 1);
	n = hk_cur_left(c);
	while (n && is_ows(hk_cur_peek_u8(c, n - 1)))
		n--;
	*c = hk_cur_sub(c, n);
}

/* Appends (cut at the buffer's end) the bytes of c to f. */
static void field_append(struct http_field *f, struct hk_cur *c)
{
	size_t n = hk_cur_left(c), room = sizeof(f->b) - f->n;

	if (n > room)
		n = room;
	if (hk_cur_copy(c, f->b + f->n, n))
		f->n += n;
}

/*
 * A value is emitted as its escaped bytes; hk_obs_emit ignores an empty one.
 */
static void emit_raw(struct hk_obs_sink *out, enum hk_obs_kind kind, enum hk_side side, const char *source,
		     const uint8_t *raw, size_t n)
{
	char v[HK_OBS_VALUE_MAX];

	hk_escape(raw, n, v, sizeof(v));
	hk_obs_emit(out, kind, side, CONF_HTTP, source, v);
}

/* ---- the start line ----------------------------------------------------- */

static bool is_method_char(uint8_t b)
{
	/* registered methods are upper-case tokens; CCM_POST, VERSION-CONTROL */
	return (b >= 'A' && b <= 'Z') || b == '_' || b == '-';
}

/*
 * Whether the window starts like an HTTP/1.x message, before its first line
 * is complete: NOMATCH, TRUNCATED (too few bytes to tell), or OK (the
 * prefix is a response "HTTP/" or a method token followed by SP).
 */
static enum hk_parse_result start_prefix(const struct hk_cur *c, bool *ret_response)
{
	struct hk_cur t = *c;
	size_t left = hk_cur_left(c);

	if (left == 0)
		return HK_PARSE_TRUNCATED;
	if (prefix_agrees(c, "HTTP/")) {
		if (left < 5)
			return HK_PARSE_TRUNCATED;
		*ret_response = true;
		return HK_PARSE_OK;
	}
	for (size_t i = 0; i <= HTTP_METHOD_MAX; i++) {
		uint8_t b;

		if (i == left)
			return HK_PARSE_TRUNCATED;
		b = hk_cur_peek_u8(&t, i);
		if (!hk_cur_ok(&t))
			return HK_PARSE_TRUNCATED;
		if (b == ' ' && i > 0) {
			*ret_response = false;
			return HK_PARSE_OK;
		}
		if (!is_method_char(b))
			return HK_PARSE_NOMATCH;
	}
	return HK_PARSE_NOMATCH; /* a token longer than any method */
}

/* "HTTP/1." DIGIT: the version of RFC 9112 2.3; 2.x and 0.9 are not ours */
static bool is_version(struct hk_cur *c)
{
	uint8_t d;

	if (hk_cur_left(c) < 8 || !prefix_agrees(c, "HTTP/1."))
		return false;
	hk_cur_skip(c, 7);
	d = hk_cur_u8(c);
	return hk_cur_ok(c) && is_digit(d);
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 3) */
static enum hk_parse_result request_line(struct hk_cur *line, struct http_msg *m)
{
	long sp = hk_cur_find(line, ' ');
	size_t left, tlen;
	struct hk_cur target, version;
	uint8_t first;

	if (sp <= 0)
		return HK_PARSE_NOMATCH;
	hk_cur_skip(line, (size_t)sp + 1);
	left = hk_cur_left(line);
	/* the version is the line's last 8 bytes, after a SP */
	if (left < 10)
		return HK_PARSE_NOMATCH;
	tlen = left - 9;
	target = hk_cur_sub(line, tlen);
	if (hk_cur_u8(line) != ' ' || !hk_cur_ok(line))
		return HK_PARSE_NOMATCH;
	version = hk_cur_rest(line);
	if (!is_version(&version) || hk_cur_left(&version) != 0)
		return HK_PARSE_NOMATCH;
	first = hk_cur_peek_u8(&target, 0);
	if (!hk_cur_ok(&target))
		return HK_PARSE_NOMATCH;
	/* "/path" (origin-form) or "*" (asterisk-form) are asked of the receiver itself */
	m->origin_form = first == '/' || (first == '*' && tlen == 1);
	m->is_request = true;
	return HK_PARSE_OK;
}

/* status-line = HTTP-version SP status-code SP [reason-phrase] (RFC 9112 4) */
static enum hk_parse_result status_line(struct hk_cur *line, struct http_msg *m)
{
	unsigned code = 0;
	uint8_t b;

	if (!is_version(line))
		return HK_PARSE_NOMATCH;
	if (hk_cur_u8(line) != ' ' || !hk_cur_ok(line))
		return HK_PARSE_NOMATCH;
	for (int i = 0; i < 3; i++) {
		b = hk_cur_u8(line);
		if (!hk_cur_ok(line) || !is_digit(b))
			return HK_PARSE_NOMATCH;
		code = code * 10 + (unsigned)(b - '0');
	}
	/* a reason phrase follows a SP; many servers omit both */
	if (hk_cur_left(line) && hk_cur_peek_u8(line, 0) != ' ')
		return HK_PARSE_NOMATCH;
	if (code < 100 || code > 599)
		return HK_PARSE_MALFORMED;
	m->is_request = false;
	m->status = code;
	return HK_PARSE_OK;
}

/* ---- field lines -------------------------------------------------------- */

/*
 * One field line: name ":" OWS value OWS. Returns the field it filled (for
 * an obs-fold continuation), or NULL for a field we do not keep. A line
 * without a colon, or with whitespace before it (RFC 9112 5.1 forbids
 * both), is not interpreted.
 */
static struct http_field *field_line(struct hk_cur *line, struct http_msg *m)
{
	long colon = hk_cur_find(line, ':');
	struct hk_cur name;
	size_t nlen;

	if (colon <= 0)
		return NULL;
	nlen = (size_t)colon;
	name = hk_cur_sub(line, nlen);
	hk_cur_skip(line, 1);
	if (!hk_cur_ok(line) || is_ows(hk_cur_peek_u8(&name, nlen - 1)))
		return NULL;
	for (int i = 0; i < F__MAX; i++) {
		struct http_field *f = &m->f[i];

		if (strlen(field_names[i]) != nlen || !at_ci(&name, 0, field_names[i]))
			continue;
		if (f->seen)
			return NULL; /* the first of repeated fields wins */
		f->seen = true;
		trim_ows(line);
		field_append(f, line);
		return f;
	}
	return NULL;
}

/* obs-fold (RFC 9112 5.2): a line starting with SP/HT continues the last field */
static void field_continue(struct http_field *f, struct hk_cur *line)
{
	trim_ows(line);
	if (!hk_cur_left(line))
		return;
	if (f->n && f->n < sizeof(f->b))
		f->b[f->n++] = ' ';
	field_append(f, line);
}

/*
 * The header block after the start line, up to and including its empty
 * line. TRUNCATED when its end is not in the window (fields seen so far are
 * kept in m).
 */
static enum hk_parse_result header_block(struct hk_cur *c, struct http_msg *m)
{
	struct http_field *last = NULL;
	struct hk_cur line;

	for (unsigned n_lines = 0;; n_lines++) {
		if (!next_line(c, &line))
			return HK_PARSE_TRUNCATED;
		if (hk_cur_left(&line) == 0)
			return HK_PARSE_OK;
		if (n_lines >= HTTP_HEADERS_MAX)
			return HK_PARSE_MALFORMED;
		if (hk_cur_left(&line) > HTTP_LINE_MAX) {
			last = NULL;
			continue;
		}
		if (is_ows(hk_cur_peek_u8(&line, 0))) {
			if (last)
				field_continue(last, &line);
			continue;
		}
		last = field_line(&line, m);
	}
}

/* ---- what a response's field values mean -------------------------------- */

/* Content-Length as a number; false when absent or not 1*DIGIT we believe */
static bool content_length(const struct http_field *f, uint64_t *ret_len)
{
	struct hk_cur v = hk_cur_init(f->b, f->n);
	uint64_t n = 0;
	size_t digits = 0;

	if (!f->seen)
		return false;
	while (hk_cur_left(&v)) {
		uint8_t b = hk_cur_u8(&v);
		if (!is_digit(b) || ++digits > HTTP_NUM_DIGITS_MAX)
			return false;
		n = n * 10 + (uint64_t)(b - '0');
	}
	if (!digits)
		return false;
	*ret_len = n;
	return true;
}

/* true if the field's comma-separated list contains the token (case-insensitive) */
static bool list_has(const struct http_field *f, const char *token)
{
	struct hk_cur v = hk_cur_init(f->b, f->n);
	size_t tlen = strlen(token);

	while (hk_cur_left(&v)) {
		long comma = hk_cur_find(&v, ',');
		struct hk_cur item = hk_cur_sub(&v, comma < 0 ? hk_cur_left(&v) : (size_t)comma);

		if (comma >= 0)
			hk_cur_skip(&v, 1);
		trim_ows(&item);
		if (hk_cur_left(&item) == tlen && at_ci(&item, 0, token))
			return true;
	}
	return false;
}

enum body_kind {
	BODY_OTHER = 0, /* no body, not HTML, or compressed: no title */
	BODY_WAIT,      /* a 2xx labelled HTML: worth waiting for its title */
	BODY_LOOK,      /* a title already in the window is taken, none awaited */
};

/*
 * Whether to look for a title, and whether to wait for one. Waiting is
 * only worth it where titles name things (a 2xx HTML page); a redirect or
 * an error page, or a body without a Content-Type, often has no body at
 * all (a 302 to /login.htm, then the connection closes), and waiting for
 * bytes that never come would lose the fields already seen.
 */
static enum body_kind body_kind(const struct http_msg *m)
{
	const struct http_field *ct = &m->f[F_CONTENT_TYPE], *ce = &m->f[F_CONTENT_ENCODING];
	struct hk_cur v = hk_cur_init(ct->b, ct->n);

	if (m->status == 204 || m->status == 304 || m->status < 200)
		return BODY_OTHER;
	if (ce->seen && !list_has(ce, "identity"))
		return BODY_OTHER;
	if (!ct->seen)
		return BODY_LOOK; /* embedded servers often send HTML unlabelled */
	if (!at_ci(&v, 0, "text/html") && !at_ci(&v, 0, "application/xhtml+xml"))
		return BODY_OTHER;
	return m->status < 300 ? BODY_WAIT : BODY_LOOK;
}

static bool is_hex(uint8_t b, unsigned *ret_v)
{
	if (is_digit(b))
		*ret_v = (unsigned)(b - '0');
	else if (lower(b) >= 'a' && lower(b) <= 'f')
		*ret_v = (unsigned)(lower(b) - 'a' + 10);
	else
		return false;
	return true;
}

/*
 * true once the chunked body (RFC 9112 7.1) ends within the window, or
 * when it does not parse as chunks (then waiting for more would not help
 * either); false while chunks are still coming.
 */
static bool chunks_end(struct hk_cur b)
{
	for (unsigned i = 0; i < HTTP_CHUNKS_MAX; i++) {
		struct hk_cur line, crlf;
		uint64_t size = 0;
		size_t digits = 0;
		unsigned v;

		if (!next_line(&b, &line))
			return false;
		while (hk_cur_left(&line) && is_hex(hk_cur_peek_u8(&line, 0), &v)) {
			hk_cur_skip(&line, 1);
			if (++digits > HTTP_NUM_DIGITS_MAX)
				return true;
			size = size * 16 + v;
		}
		if (!digits || size == 0)
			return true; /* not a chunk size, or the last chunk */
		if (size > hk_cur_left(&b))
			return false;
		hk_cur_skip(&b, (size_t)size);
		if (!next_line(&b, &crlf))
			return false;
		if (hk_cur_left(&crlf))
			return true; /* data longer than its size said */
	}
	return true;
}

/* Appends b to the title, whitespace runs collapsed to one SP, none leading. */
static void title_add(struct http_msg *m, uint8_t b, bool *space)
{
	if (is_space(b)) {
		*space = m->title_n > 0;
		return;
	}
	if (*space && m->title_n < sizeof(m->title))
		m->title[m->title_n++] = ' ';
	*space = false;
	if (m->title_n < sizeof(m->title))
		m->title[m->title_n++] = b;
}

/*
 * Looks for <title ...>text</title> in the body, before </head> or <body.
 * Tags are matched case-insensitively; entities stay as they are.
 */
static enum title_scan title_scan(struct hk_cur body, struct http_msg *m)
{
	long lt;
	bool space = false;

	while ((lt = hk_cur_find(&body, '<')) >= 0) {
		uint8_t after;

		hk_cur_skip(&body, (size_t)lt);
		if (at_ci(&body, 0, "</head") || at_ci(&body, 0, "<body"))
			return TITLE_NONE;
		if (!at_ci(&body, 0, "<title")) {
			hk_cur_skip(&body, 1);
			continue;
		}
		after = hk_cur_peek_u8(&body, 6);
		if (!hk_cur_ok(&body))
			return TITLE_NOT_YET;
		if (after != '>' && !is_space(after)) {
			hk_cur_skip(&body, 1); /* <titlefoo>: another tag */
			continue;
		}
		lt = hk_cur_find(&body, '>');
		if (lt < 0)
			return TITLE_NOT_YET;
		hk_cur_skip(&body, (size_t)lt + 1);
		m->title_n = 0;
		while (hk_cur_left(&body)) {
			if (at_ci(&body, 0, "</title"))
				return TITLE_FOUND;
			title_add(m, hk_cur_u8(&body), &space);
		}
		m->title_n = 0;
		return TITLE_NOT_YET;
	}
	return TITLE_NOT_YET;
}

/*
 * For a response: whether all that the window can tell is in it. The title
 * of a 2xx HTML body is waited for until it is found, the head ends, the
 * body ends (Content-Length, the last chunk), or the window is full; other
 * bodies are searched only as far as they are in the window now.
 */
static bool response_done(struct hk_cur *c, struct http_msg *m, bool window_full)
{
	enum body_kind kind = body_kind(m);
	struct hk_cur body;
	uint64_t clen;
	bool complete;

	if (kind == BODY_OTHER)
		return true;
	if (!m->f[F_TRANSFER_ENCODING].seen && content_length(&m->f[F_CONTENT_LENGTH], &clen)) {
		complete = clen <= hk_cur_left(c);
		body = hk_cur_sub(c, complete ? (size_t)clen : hk_cur_left(c));
	} else if (m->f[F_TRANSFER_ENCODING].seen && list_has(&m->f[F_TRANSFER_ENCODING], "chunked")) {
		body = hk_cur_rest(c);
		complete = chunks_end(body);
	} else {
		body = hk_cur_rest(c); /* delimited by the connection's close */
		complete = false;
	}
	switch (title_scan(body, m)) {
	case TITLE_FOUND:
	case TITLE_NONE:
		return true;
	case TITLE_NOT_YET:
		break;
	}
	return complete || window_full || kind == BODY_LOOK;
}

/* ---- emitting ----------------------------------------------------------- */

static bool is_name_char(uint8_t b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || is_digit(b) || b == '-' || b == '.' ||
	       b == '_';
}

/*
 * Host = uri-host [":" port] (RFC 9110 7.2). A name is emitted; an IP
 * literal ("[v6]", dotted v4, anything without a letter), a name with
 * bytes no DNS name has, or localhost is not.
 */
static void emit_host(struct hk_obs_sink *out, const struct http_field *f)
{
	struct hk_cur v = hk_cur_init(f->b, f->n), name;
	long colon = hk_cur_find(&v, ':');
	size_t n = colon < 0 ? f->n : (size_t)colon;
	bool letter = false;

	if (!f->seen || n == 0 || n > 253)
		return;
	name = hk_cur_sub(&v, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t b = hk_cur_peek_u8(&name, i);
		if (!is_name_char(b))
			return;
		letter |= !is_digit(b) && b != '.' && b != '-' && b != '_';
	}
	if (!letter || (n == 9 && at_ci(&name, 0, "localhost")) ||
	    (n == 21 && at_ci(&name, 0, "localhost.localdomain")))
		return;
	emit_raw(out, HK_OBS_HOSTNAME, HK_SIDE_DST, "http.host", f->b, n);
}

static bool is_tchar(uint8_t b)
{
	return b > 0x20 && b < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", b);
}

/*
 * The realm auth-param of a challenge (RFC 9110 11.2, 11.5):
 *   WWW-Authenticate: Basic realm="x", charset="UTF-8"
 *   WWW-Authenticate: Digest realm="x", qop="auth", nonce="..."
 * The field is a list of schemes and auth-params; the first realm wins.
 */
static void emit_realm(struct hk_obs_sink *out, const struct http_field *f)
{
	struct hk_cur v = hk_cur_init(f->b, f->n);
	uint8_t realm[HTTP_FIELD_RAW_MAX];

	for (unsigned i = 0; i < HTTP_AUTH_PARAMS_MAX && hk_cur_left(&v); i++) {
		struct hk_cur token;
		size_t tlen, n = 0;
		bool is_realm;

		while (hk_cur_left(&v) && (is_ows(hk_cur_peek_u8(&v, 0)) || hk_cur_peek_u8(&v, 0) == ','))
			hk_cur_skip(&v, 1);
		token = v;
		while (hk_cur_left(&v) && is_tchar(hk_cur_peek_u8(&v, 0)))
			hk_cur_skip(&v, 1);
		tlen = v.off - token.off;
		is_realm = tlen == 5 && at_ci(&token, 0, "realm");
		while (hk_cur_left(&v) && is_ows(hk_cur_peek_u8(&v, 0)))
			hk_cur_skip(&v, 1);
		if (tlen == 0 || !hk_cur_left(&v) || hk_cur_peek_u8(&v, 0) != '=') {
			if (tlen == 0 && hk_cur_left(&v))
				hk_cur_skip(&v, 1); /* a byte no token holds */
			continue; /* an auth-scheme (or token68) */
		}
		hk_cur_skip(&v, 1);
		while (hk_cur_left(&v) && is_ows(hk_cur_peek_u8(&v, 0)))
			hk_cur_skip(&v, 1);
		if (hk_cur_left(&v) && hk_cur_peek_u8(&v, 0) == '"') {
			/* quoted-string: "\" escapes the next byte */
			hk_cur_skip(&v, 1);
			while (hk_cur_left(&v)) {
				uint8_t b = hk_cur_u8(&v);
				if (b == '"')
					break;
				if (b == '\\' && hk_cur_left(&v))
					b = hk_cur_u8(&v);
				if (n < sizeof(realm))
					realm[n++] = b;
			}
		} else {
			while (hk_cur_left(&v) && is_tchar(hk_cur_peek_u8(&v, 0))) {
				uint8_t b = hk_cur_u8(&v);
				if (n < sizeof(realm))
					realm[n++] = b;
			}
		}
		if (is_realm) {
			emit_raw(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.realm", realm, n);
			return;
		}
	}
}

static void emit_msg(struct hk_obs_sink *out, const struct http_msg *m)
{
	const struct http_field *f = m->f;

	if (m->is_request) {
		if (f[F_USER_AGENT].seen)
			emit_raw(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.user_agent", f[F_USER_AGENT].b,
				 f[F_USER_AGENT].n);
		if (m->origin_form)
			emit_host(out, &f[F_HOST]);
		return;
	}
	if (f[F_SERVER].seen)
		emit_raw(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.server", f[F_SERVER].b, f[F_SERVER].n);
	if (f[F_POWERED_BY].seen)
		emit_raw(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.powered_by", f[F_POWERED_BY].b,
			 f[F_POWERED_BY].n);
	if (f[F_WWW_AUTH].seen)
		emit_realm(out, &f[F_WWW_AUTH]);
	if (m->title_n)
		emit_raw(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, "http.title", m->title, m->title_n);
}

/* ---- the message -------------------------------------------------------- */

enum hk_parse_result proto_http_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx,
				      struct hk_obs_sink *out)
{
	bool window_full = c->len >= HTTP_WINDOW;
	struct http_msg m;

	for (unsigned i = 0; i < HTTP_LEADING_EMPTY_MAX && hk_cur_left(c); i++) {
		uint8_t b = hk_cur_peek_u8(c, 0);
		if (b != '\r' && b != '\n')
			break;
		hk_cur_skip(c, 1);
	}
	for (unsigned n_interim = 0;; n_interim++) {
		enum hk_parse_result r;
		struct hk_cur line;
		bool response = false;

		memset(&m, 0, sizeof(m));
		r = start_prefix(c, &response);
		if (r != HK_PARSE_OK) /* NOMATCH, or too short to tell */
			return (r == HK_PARSE_TRUNCATED || n_interim == 0) ? r : HK_PARSE_MALFORMED;
		if (n_interim > 0 && !response)
			return HK_PARSE_MALFORMED; /* only a response follows a 1xx */
		if (!next_line(c, &line))
			return HK_PARSE_TRUNCATED; /* the start line is not complete */
		r = response ? status_line(&line, &m) : request_line(&line, &m);
		if (r != HK_PARSE_OK)
			return (r == HK_PARSE_NOMATCH && n_interim > 0) ? HK_PARSE_MALFORMED : r;
		r = header_block(c, &m);
		if (r == HK_PARSE_MALFORMED)
			return r;
		if (r == HK_PARSE_TRUNCATED) {
			if (!window_full)
				return r;
			emit_msg(out, &m); /* all the window holds: what we saw */
			return HK_PARSE_OK;
		}
		if (m.is_request || m.status >= 200 || m.status == 101)
			break;
		/* 100 Continue, 102, 103: the final response follows */
		if (n_interim >= HTTP_INTERIM_MAX)
			return HK_PARSE_MALFORMED;
	}
	if (!m.is_request && !response_done(c, &m, window_full))
		return HK_PARSE_TRUNCATED;
	emit_msg(out, &m);
	return HK_PARSE_OK;
}
