/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "herkomst/cursor.h"

#include <string.h>

/* An empty window still points somewhere, so that base + 0 is defined. */
static const uint8_t cur_empty[1];

struct hk_cur hk_cur_init(const uint8_t *base, size_t len)
{
	struct hk_cur c = {.base = base ? base : cur_empty, .len = base ? len : 0, .off = 0, .err = 0};
	return c;
}

void hk_cur_fail(struct hk_cur *c, int err)
{
	if (c->err == 0)
		c->err = err;
}

/* The one bounds test. */
static inline bool take(struct hk_cur *c, size_t n)
{
	if (c->err)
		return false;
	if (n > c->len - c->off) {
		c->err = HK_CUR_ETRUNC;
		return false;
	}
	return true;
}

uint8_t hk_cur_u8(struct hk_cur *c)
{
	if (!take(c, 1))
		return 0;
	return c->base[c->off++];
}

static uint64_t be(struct hk_cur *c, size_t n)
{
	uint64_t v = 0;
	if (!take(c, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | c->base[c->off + i];
	c->off += n;
	return v;
}

static uint64_t le(struct hk_cur *c, size_t n)
{
	uint64_t v = 0;
	if (!take(c, n))
		return 0;
	for (size_t i = n; i > 0; i--)
		v = (v << 8) | c->base[c->off + i - 1];
	c->off += n;
	return v;
}

uint16_t hk_cur_be16(struct hk_cur *c) { return (uint16_t)be(c, 2); }
uint16_t hk_cur_le16(struct hk_cur *c) { return (uint16_t)le(c, 2); }
uint32_t hk_cur_be24(struct hk_cur *c) { return (uint32_t)be(c, 3); }
uint32_t hk_cur_be32(struct hk_cur *c) { return (uint32_t)be(c, 4); }
uint32_t hk_cur_le32(struct hk_cur *c) { return (uint32_t)le(c, 4); }
uint64_t hk_cur_be64(struct hk_cur *c) { return be(c, 8); }
uint64_t hk_cur_le64(struct hk_cur *c) { return le(c, 8); }

uint8_t hk_cur_peek_u8(struct hk_cur *c, size_t at)
{
	if (c->err)
		return 0;
	if (at >= c->len - c->off) {
		c->err = HK_CUR_ETRUNC;
		return 0;
	}
	return c->base[c->off + at];
}

uint16_t hk_cur_peek_be16(struct hk_cur *c, size_t at)
{
	if (c->err)
		return 0;
	if (at > c->len - c->off || 2 > c->len - c->off - at) {
		c->err = HK_CUR_ETRUNC;
		return 0;
	}
	return (uint16_t)((c->base[c->off + at] << 8) | c->base[c->off + at + 1]);
}

void hk_cur_skip(struct hk_cur *c, size_t n)
{
	if (take(c, n))
		c->off += n;
}

bool hk_cur_copy(struct hk_cur *c, void *dst, size_t n)
{
	if (!take(c, n)) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, c->base + c->off, n);
	c->off += n;
	return true;
}

struct hk_cur hk_cur_sub(struct hk_cur *c, size_t n)
{
	struct hk_cur s = {.base = cur_empty, .len = 0, .off = 0, .err = 0};
	if (!take(c, n)) {
		s.err = HK_CUR_ETRUNC;
		return s;
	}
	s.base = c->base + c->off;
	s.len = n;
	c->off += n;
	return s;
}

struct hk_cur hk_cur_rest(struct hk_cur *c)
{
	return hk_cur_sub(c, hk_cur_left(c));
}

void hk_escape(const uint8_t *src, size_t n, char *dst, size_t dstsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (dstsz == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = src[i];
		if (b >= 0x20 && b < 0x7f && b != '\\') {
			if (dstsz - o < 2)
				break;
			dst[o++] = (char)b;
		} else if (b == '\\') {
			if (dstsz - o < 3)
				break;
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else {
			if (dstsz - o < 5)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[b >> 4];
			dst[o++] = hex[b & 15];
		}
	}
	dst[o] = '\0';
}

bool hk_cur_str(struct hk_cur *c, size_t n, char *dst, size_t dstsz)
{
	if (dstsz)
		dst[0] = '\0';
	if (!take(c, n))
		return false;
	hk_escape(c->base + c->off, n, dst, dstsz);
	c->off += n;
	return true;
}

bool hk_cur_cstr(struct hk_cur *c, size_t n, char *dst, size_t dstsz)
{
	size_t left = hk_cur_left(c), i;

	if (dstsz)
		dst[0] = '\0';
	if (c->err)
		return false;
	if (n > left)
		n = left;
	for (i = 0; i < n; i++)
		if (c->base[c->off + i] == 0)
			break;
	hk_escape(c->base + c->off, i, dst, dstsz);
	c->off += (i < n) ? i + 1 : i;
	return true;
}

long hk_cur_find(const struct hk_cur *c, uint8_t b)
{
	if (c->err || c->off == c->len)
		return -1;
	const void *p = memchr(c->base + c->off, b, c->len - c->off);
	return p ? (long)((const uint8_t *)p - (c->base + c->off)) : -1;
}

const uint8_t *hk_cur_view(struct hk_cur *c, size_t n)
{
	const uint8_t *p;
	if (!take(c, n))
		return NULL;
	p = c->base + c->off;
	c->off += n;
	return p;
}

int hk_cur_line(struct hk_cur *c, size_t max, struct hk_cur *ret_line)
{
	long lf = hk_cur_find(c, '\n');
	struct hk_cur line;
	size_t n;

	if (lf < 0)
		return hk_cur_left(c) >= max ? -1 : 0;
	n = (size_t)lf;
	if (n + 1 > max)
		return -1;
	if (n > 0 && hk_cur_peek_u8(c, n - 1) == '\r') {
		line = hk_cur_sub(c, n - 1);
		hk_cur_skip(c, 2);
	} else {
		line = hk_cur_sub(c, n);
		hk_cur_skip(c, 1);
	}
	if (!hk_cur_ok(c))
		return 0;
	*ret_line = line;
	return 1;
}
