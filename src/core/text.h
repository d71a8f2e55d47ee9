/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the data loaders (OUI table, enterprise numbers, signatures,
 * ownership, policy) share: reading a whole bounded file, and checking UTF-8.
 */
#ifndef HERKOMST_TEXT_H
#define HERKOMST_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reads the regular file at path (at most max bytes) into a new
 * NUL-terminated buffer, the caller's to free. 0, or -errno (-EINVAL: not a
 * regular file; -EFBIG: larger than max; -EIO: a short read).
 */
int hk_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 when invalid:
 * overlong forms, surrogates and code points past U+10FFFF included. */
size_t hk_utf8_len(const unsigned char *s, size_t n);

/*
 * A name the loaders print and put in JSON: valid UTF-8 (as hk_utf8_len)
 * without ASCII control characters or DEL. s is NUL-terminated, n is
 * strlen(s). Mostly printable ASCII, read eight bytes at a time.
 */
bool hk_text_printable(const char *s, size_t n);

/*
 * Where the printable text (as hk_text_printable) that starts at s ends:
 * the first byte before stop that is a control character (a newline, a
 * TAB, the NUL), DEL or not valid UTF-8, else stop. The byte at stop is
 * read and must not be printable ASCII (hk_read_file's NUL, a newline):
 * it ends the byte loop. For loaders that check a line's last field and
 * find its end in one pass.
 */
const char *hk_text_printable_span(const char *s, const char *stop);

/* The number of lines in buf[0..len) (newlines + 1), to size an entry array
 * once; counted eight bytes at a time. */
size_t hk_text_count_lines(const char *buf, size_t len);

/* Cuts the next line out of buf in place, from *off on: returns it
 * NUL-terminated without its CR LF, or NULL at the end; *off moves past it. */
char *hk_text_next_line(char *buf, size_t len, size_t *off);

#endif
