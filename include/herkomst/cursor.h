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

struct hk_cur hk_cur_init(const uint8_t *base, size_t len);

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

uint8_t hk_cur_u8(struct hk_cur *c);
uint16_t hk_cur_be16(struct hk_cur *c);
uint16_t hk_cur_le16(struct hk_cur *c);
uint32_t hk_cur_be24(struct hk_cur *c);
uint32_t hk_cur_be32(struct hk_cur *c);
uint32_t hk_cur_le32(struct hk_cur *c);
uint64_t hk_cur_be64(struct hk_cur *c);
uint64_t hk_cur_le64(struct hk_cur *c);

/* Peeks without moving; returns 0 and sets ETRUNC when past the end. */
uint8_t hk_cur_peek_u8(struct hk_cur *c, size_t at);
uint16_t hk_cur_peek_be16(struct hk_cur *c, size_t at);

void hk_cur_skip(struct hk_cur *c, size_t n);

/* Copies n raw bytes to dst (dst must hold n); zero-fills dst on error. */
bool hk_cur_copy(struct hk_cur *c, void *dst, size_t n);

/*
 * A child cursor over the next n bytes; the parent moves past them. On a short
 * parent both are failed with ETRUNC, and the child is empty.
 */
struct hk_cur hk_cur_sub(struct hk_cur *c, size_t n);

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
const uint8_t *hk_cur_view(struct hk_cur *c, size_t n);

/* Escapes raw bytes the way hk_cur_str does (for values that are not read
 * through a cursor, e.g. config). */
void hk_escape(const uint8_t *src, size_t n, char *dst, size_t dstsz);

#endif
