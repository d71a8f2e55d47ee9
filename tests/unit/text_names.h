/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The names and lines that test the data loaders' eight-bytes-at-a-time
 * checks (hk_text_printable, hk_text_count_lines in src/core/text.c), for
 * test_oui and test_enterprises: a plain byte-by-byte rule to compare with,
 * the bytes put into names at every position, and the names of the lines
 * whose newlines fall at every offset mod 8.
 */
#ifndef HERKOMST_TEST_TEXT_NAMES_H
#define HERKOMST_TEST_TEXT_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The plain rule the loaders' names follow, one byte after the other:
 * UTF-8 (no overlong form, no surrogate, nothing above U+10FFFF) without
 * ASCII control characters or DEL. */
static bool plain_name_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = s[i] & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* What goes into a name at one position: the edges of the printable range,
 * controls, DEL, lone continuation and lead bytes, bytes UTF-8 never has,
 * good sequences of 2 to 4 bytes and bad ones (overlong, surrogate, above
 * U+10FFFF, cut short). Not TAB, LF or CR: they are the file's syntax. */
static const char *const name_inserts[] = {
	"\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", " ", "!", "~", "\x7f",
	"\x80", "\x9f", "\xbf", "\xc0", "\xc1", "\xc2", "\xdf", "\xe0", "\xed", "\xef",
	"\xf0", "\xf4", "\xf5", "\xf8", "\xfe", "\xff", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
	"\xc2\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"\xe2\x82", "\xf0\x9f\x98", "\x7f\x7f", "\x01\x80",
};
#define NAME_LEN_MAX 40

/* A name of len printable bytes (no space: the tables trim it), the one
 * at pos (len = none) replaced by ins; returns its length. */
static size_t make_name(char *buf, size_t len, size_t pos, const char *ins)
{
	size_t n = 0;

	for (size_t j = 0; j < len; j++) {
		if (j == pos) {
			memcpy(buf + n, ins, strlen(ins));
			n += strlen(ins);
		} else {
			buf[n++] = (char)(0x21 + (j * 7 + len) % 94); /* '!' .. '~' */
		}
	}
	buf[n] = '\0';
	return n;
}

/* Lines of names 1..TEXT_LINE_NAME_MAX bytes long, in rotation rot: the
 * name of line i, returned NUL-terminated with its length. */
#define TEXT_LINE_NAME_MAX 17

static size_t rotation_name(char *name, size_t rot, size_t i)
{
	size_t nlen = (rot + i) % TEXT_LINE_NAME_MAX + 1;

	for (size_t j = 0; j < nlen; j++)
		name[j] = (char)('a' + (i + j) % 26);
	name[nlen] = '\0';
	return nlen;
}

#endif
