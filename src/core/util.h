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

/* Appends s to dst, which holds *used bytes of dstsz, as far as it fits;
 * dst stays terminated (dstsz > 0) and *used is its length: strlcat's
 * work for texts built piece by piece, in place of snprintf where it is hot. */
void hk_str_cat(char *dst, size_t dstsz, size_t *used, const char *s);

/* v in decimal ("%" PRIu64), written at the end of buf; returns its start. */
#define HK_U64_STRLEN 21
char *hk_u64_text(uint64_t v, char buf[HK_U64_STRLEN]);

/* Formats a message into a caller's error buffer; ignores a NULL or empty buffer. */
void hk_errbuf_set(char *errbuf, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
