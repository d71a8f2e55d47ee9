/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bounded cursor: the only way protocol code reads packet bytes.
 *
 * Modelled on the sticky-error wire context of Knot DNS: do a run of reads,
 * check c->err once before a value drives control flow. Once err is set every
 * read returns 0 and moves nothing. The bounds test is written once, as
 * "n > len - off" (never "p + n > end", which a compiler may fold away).
 */
#ifndef HERKOMST_CURSOR_H
#define HERKOMST_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum hk_cur_err {
	HK_CUR_OK = 0,
	HK_CUR_ETRUNC = 1, /* ran out of bytes */
	HK_CUR_EINVAL = 2, /* bytes present but self-contradictory */
};

struct hk_cur {
	const uint8_t *base; /* borrowed; valid for one callback */
	size_t len;          /* window size */
	size_t off;          /* invariant: off <= len */
	int err;             /* enum hk_cur_err; sticky */
};

/*
 * The readers below are inline: decoding and the parsers call them a few
 * dozen times per packet, and a call each cost more than the read
 * (docs/performance.md). They all go through hk_cur__take.
 */

/* An empty window still points somewhere, so that base + 0 is defined. */
#define HK_CUR__EMPTY ((const uint8_t *)"")

static inline struct hk_cur hk_cur_init(const uint8_t *base, size_t len)
{
	struct hk_cur c = {.base = base ? base : HK_CUR__EMPTY, .len = base ? len : 0, .off = 0, .err = 0};
	return c;
}

/* The one bounds test. */
static inline bool hk_cur__take(struct hk_cur *c, size_t n)
{
	if (c->err)
		return false;
	if (n > c->len - c->off) {
		c->err = HK_CUR_ETRUNC;
		return false;
	}
	return true;
}

static inline size_t hk_cur_left(const struct hk_cur *c)
{
	return c->err ? 0 : c->len - c->off;
}

static inline bool hk_cur_ok(const struct hk_cur *c) { return c->err == 0; }

/* Marks the cursor failed; the first error wins. */
void hk_cur_fail(struct hk_cur *c, int err);

/* true if n more bytes are readable; sets no error */
static inline bool hk_cur_has(const struct hk_cur *c, size_t n)
{
	return c->err == 0 && n <= c->len - c->off;
}

static inline uint8_t hk_cur_u8(struct hk_cur *c)
{
	if (!hk_cur__take(c, 1))
		return 0;
	return c->base[c->off++];
}

static inline uint64_t hk_cur__be(struct hk_cur *c, size_t n)
{
	uint64_t v = 0;
	if (!hk_cur__take(c, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | c->base[c->off + i];
	c->off += n;
	return v;
}

static inline uint64_t hk_cur__le(struct hk_cur *c, size_t n)
{
	uint64_t v = 0;
	if (!hk_cur__take(c, n))
		return 0;
	for (size_t i = n; i > 0; i--)
		v = (v << 8) | c->base[c->off + i - 1];
	c->off += n;
	return v;
}

static inline uint16_t hk_cur_be16(struct hk_cur *c) { return (uint16_t)hk_cur__be(c, 2); }
static inline uint16_t hk_cur_le16(struct hk_cur *c) { return (uint16_t)hk_cur__le(c, 2); }
static inline uint32_t hk_cur_be24(struct hk_cur *c) { return (uint32_t)hk_cur__be(c, 3); }
static inline uint32_t hk_cur_be32(struct hk_cur *c) { return (uint32_t)hk_cur__be(c, 4); }
static inline uint32_t hk_cur_le32(struct hk_cur *c) { return (uint32_t)hk_cur__le(c, 4); }
static inline uint64_t hk_cur_be64(struct hk_cur *c) { return hk_cur__be(c, 8); }
static inline uint64_t hk_cur_le64(struct hk_cur *c) { return hk_cur__le(c, 8); }

/* Peeks without moving; returns 0 and sets ETRUNC when past the end. */
static inline uint8_t hk_cur_peek_u8(struct hk_cur *c, size_t at)
{
	if (c->err)
		return 0;
	if (at >= c->len - c->off) {
		c->err = HK_CUR_ETRUNC;
		return 0;
	}
	return c->base[c->off + at];
}

static inline uint16_t hk_cur_peek_be16(struct hk_cur *c, size_t at)
{
	if (c->err)
		return 0;
	if (at > c->len - c->off || 2 > c->len - c->off - at) {
		c->err = HK_CUR_ETRUNC;
		return 0;
	}
	return (uint16_t)((c->base[c->off + at] << 8) | c->base[c->off + at + 1]);
}

static inline void hk_cur_skip(struct hk_cur *c, size_t n)
{
	if (hk_cur__take(c, n))
		c->off += n;
}

/* Copies n raw bytes to dst (dst must hold n); zero-fills dst on error. */
static inline bool hk_cur_copy(struct hk_cur *c, void *dst, size_t n)
{
	if (!hk_cur__take(c, n)) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, c->base + c->off, n);
	c->off += n;
	return true;
}

/*
 * A child cursor over the next n bytes; the parent moves past them. On a short
 * parent both are failed with ETRUNC, and the child is empty.
 */
static inline struct hk_cur hk_cur_sub(struct hk_cur *c, size_t n)
{
	struct hk_cur s = {.base = HK_CUR__EMPTY, .len = 0, .off = 0, .err = 0};
	if (!hk_cur__take(c, n)) {
		s.err = HK_CUR_ETRUNC;
		return s;
	}
	s.base = c->base + c->off;
	s.len = n;
	c->off += n;
	return s;
}

/* A child over everything left; the parent is left at its end. */
struct hk_cur hk_cur_rest(struct hk_cur *c);

/*
 * Reads n bytes as a string into dst (NUL-terminated, at most dstsz-1 output
 * bytes). Bytes outside printable ASCII are written as \xNN; a string that
 * does not fit is cut at a character boundary. Returns false (and sets
 * ETRUNC) when fewer than n bytes are left; dst is then "".
 */
bool hk_cur_str(struct hk_cur *c, size_t n, char *dst, size_t dstsz);

/* Like hk_cur_str over the bytes up to (not including) the first NUL, at most
 * n bytes, and consumes the NUL if present within n. */
bool hk_cur_cstr(struct hk_cur *c, size_t n, char *dst, size_t dstsz);

/*
 * The next text line as a child cursor, without its line end (CR LF, or a
 * bare LF); c moves past the LF. Returns 1 for a line; 0 when no LF is in
 * the window yet (c does not move, a stream parser waits for more); -1 when
 * the line, LF included, would be longer than max bytes (c does not move).
 */
int hk_cur_line(struct hk_cur *c, size_t max, struct hk_cur *ret_line);

/* Offset of the first byte equal to b at or after the current position, or
 * -1 when absent. Does not move. */
long hk_cur_find(const struct hk_cur *c, uint8_t b);

/*
 * Borrowed view of the next n bytes for code that hands a region to a
 * library (nDPI, a hash): returns NULL and sets ETRUNC when short. Protocol
 * parsers must not index the result.
 */
static inline const uint8_t *hk_cur_view(struct hk_cur *c, size_t n)
{
	const uint8_t *p;
	if (!hk_cur__take(c, n))
		return NULL;
	p = c->base + c->off;
	c->off += n;
	return p;
}

/* Escapes raw bytes the way hk_cur_str does (for values that are not read
 * through a cursor, e.g. config). */
void hk_escape(const uint8_t *src, size_t n, char *dst, size_t dstsz);

#endif
