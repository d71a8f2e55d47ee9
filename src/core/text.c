/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/text.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int hk_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	struct stat st;
	FILE *f;
	char *buf;
	size_t len;
	int r = 0;

	f = fopen(path, "rb");
	if (!f)
		return -errno;
	if (fstat(fileno(f), &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if ((uintmax_t)st.st_size > (uintmax_t)max) {
		r = -EFBIG;
		goto out;
	}
	len = (size_t)st.st_size;
	buf = malloc(len + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	if (fread(buf, 1, len, f) != len) {
		free(buf);
		r = -EIO;
		goto out;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
out:
	fclose(f);
	return r;
}

size_t hk_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Eight bytes at a time while they are all printable ASCII: none below
 * 0x20 (the borrow test) and none above 0x7e (the carry test); each test can
 * misjudge only bytes after a true hit, so "none" is exact, and the first
 * byte the tests flag is the first that is not printable ASCII.
 */
const char *hk_text_printable_span(const char *text, const char *stop)
{
	const unsigned char *s = (const unsigned char *)text, *end = (const unsigned char *)stop;
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	size_t len;

	for (;;) {
		while ((size_t)(end - s) >= 8) {
			uint64_t x, hit;
			memcpy(&x, s, 8);
			hit = (((x - ones * 0x20) & ~x) | (x + ones) | x) & high;
			if (hit) {
				/* the first flagged byte: the lowest in memory */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				s += (unsigned)__builtin_ctzll(hit) / 8;
#else
				s += (unsigned)__builtin_clzll(hit) / 8;
#endif
				break;
			}
			s += 8;
		}
		/* printable ASCII, nearly every byte: one compare each
		 * (0x20..0x7e; the NUL, the byte at stop, and the rest wrap above) */
		while ((unsigned)(*s - 0x20u) < 0x5fu)
			s++;
		if (s >= end || *s < 0x80) /* the end, a control character or DEL */
			return (const char *)(s < end ? s : end);
		len = hk_utf8_len(s, (size_t)(end - s));
		if (!len)
			return (const char *)s;
		s += len;
	}
}

bool hk_text_printable(const char *name, size_t n)
{
	return hk_text_printable_span(name, name + n) == name + n;
}

size_t hk_text_count_lines(const char *buf, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull, low7 = 0x7f7f7f7f7f7f7f7full;
	size_t n = 1, i = 0;

	/* eight bytes a step (a memchr call per line costs more on lines this
	 * short): the bytes of t that are zero are the newlines, each counted
	 * exactly (no carry crosses a byte: low7 keeps the sums below 0x100) */
	for (; len - i >= 8; i += 8) {
		uint64_t x, t, y;
		memcpy(&x, buf + i, 8);
		t = x ^ (ones * '\n');
		y = ~(((t & low7) + low7) | t | low7);
		n += (size_t)(((y >> 7) * ones) >> 56); /* the 0/1 bytes summed */
	}
	for (; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

char *hk_text_next_line(char *buf, size_t len, size_t *off)
{
	char *line, *nl;
	size_t n;

	if (*off >= len)
		return NULL;
	line = buf + *off;
	nl = memchr(line, '\n', len - *off);
	n = nl ? (size_t)(nl - line) : len - *off;
	*off += n + (nl ? 1 : 0);
	line[n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	return line;
}
