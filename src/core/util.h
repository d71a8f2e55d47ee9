/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HERKOMST_UTIL_H
#define HERKOMST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 3339 UTC with microseconds when non-zero: 2026-03-02T08:00:00.123456Z */
#define HK_TIME_STRLEN 32
char *hk_time_fmt(uint64_t ts_usec, char buf[HK_TIME_STRLEN]);

/* A fast 64-bit hash for hash tables keyed by bytes (not keyed, not for persistence) */
uint64_t hk_hash_bytes(const void *p, size_t n, uint64_t seed);

/* Human-readable byte counts: "12.3 MB" */
char *hk_bytes_fmt(uint64_t n, char *buf, size_t sz);

uint64_t hk_now_usec(void); /* wall clock */
uint64_t hk_mono_usec(void);

/* Grows *v (element size esz) to hold at least need elements; doubles. */
int hk_grow(void **v, size_t *cap, size_t need, size_t esz);

/* Copies src (NULL: "") into dst, cut to dstsz - 1 bytes and terminated
 * (dstsz > 0): strlcpy's work, without printf's cost where it is hot. */
void hk_str_copy(char *dst, size_t dstsz, const char *src);

/* Formats a message into a caller's error buffer; ignores a NULL or empty buffer. */
void hk_errbuf_set(char *errbuf, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
