/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "herkomst/cursor.h"

#include <string.h>

static inline bool take(struct hk_cur *c, size_t n)
{
	return hk_cur__take(c, n);
}

void hk_cur_fail(struct hk_cur *c, int err)
{
	if (c->err == 0)
		c->err = err;
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
