/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the data loaders (OUI table, enterprise numbers, signatures,
 * ownership, policy) share: reading a whole bounded file, and checking UTF-8.
 */
#ifndef HERKOMST_TEXT_H
#define HERKOMST_TEXT_H

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

#endif
