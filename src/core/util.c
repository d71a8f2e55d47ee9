/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *hk_time_fmt(uint64_t ts_usec, char buf[HK_TIME_STRLEN])
{
	time_t t = (time_t)(ts_usec / 1000000u);
	unsigned us = (unsigned)(ts_usec % 1000000u);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(buf, HK_TIME_STRLEN, "%Y-%m-%dT%H:%M:%S", &tm);
	if (us)
		snprintf(buf + n, HK_TIME_STRLEN - n, ".%06uZ", us);
	else
		snprintf(buf + n, HK_TIME_STRLEN - n, "Z");
	return buf;
}

static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t rd32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/*
 * Eight bytes per step (a multiply and a rotate), the tail read as whole
 * words that may overlap bytes already taken (wyhash's trick: bytes copied
 * one by one into a word stall the load that follows), then murmur3's fmix64
 * so that the low bits the hash tables index by depend on every input bit.
 * FNV-1a took a dependent multiply per byte: 40 for the flow key of every
 * packet (docs/performance.md). Not keyed: the tables it serves hold what
 * the capture's sender chose, as they did with FNV.
 */
uint64_t hk_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ull ^ ((uint64_t)n * 0xff51afd7ed558ccdull);
	uint64_t w;

	if (n > 8) {
		const unsigned char *last = b + n - 8;
		for (; b < last; b += 8) {
			h = (h ^ rd64(b)) * 0xc4ceb9fe1a85ec53ull;
			h = (h << 29) | (h >> 35);
		}
		w = rd64(last);
	} else if (n >= 4) {
		w = rd32(b) << 32 | rd32(b + n - 4);
	} else if (n) {
		w = (uint64_t)b[0] << 16 | (uint64_t)b[n >> 1] << 8 | b[n - 1];
	} else {
		w = 0;
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

char *hk_bytes_fmt(uint64_t n, char *buf, size_t sz)
{
	static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)n;
	int u = 0;
	while (v >= 1000.0 && u < 4) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, sz, "%" PRIu64 " B", n);
	else
		snprintf(buf, sz, "%.1f %s", v, unit[u]);
	return buf;
}

static uint64_t clock_usec(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t hk_now_usec(void) { return clock_usec(CLOCK_REALTIME); }
uint64_t hk_mono_usec(void) { return clock_usec(CLOCK_MONOTONIC); }

int hk_grow(void **v, size_t *cap, size_t need, size_t esz)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	nv = realloc(*v, ncap * esz);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

void hk_errbuf_set(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errsz, fmt, ap);
	va_end(ap);
}

void hk_str_copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = 0;

	/* a byte loop rather than strnlen(src, dstsz - 1): callers copy from
	 * arrays shorter than dst (always terminated), which GCC's link-time
	 * optimisation reports as a possible over-read of src */
	if (src)
		while (n + 1 < dstsz && src[n])
			n++;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void hk_str_cat(char *dst, size_t dstsz, size_t *used, const char *s)
{
	size_t n;

	if (*used + 1 >= dstsz) {
		/* full: what is there stays, terminated where it ends */
		if (dstsz) {
			*used = dstsz - 1;
			dst[*used] = '\0';
		}
		return;
	}
	n = strnlen(s, dstsz - 1 - *used);
	memcpy(dst + *used, s, n);
	*used += n;
	dst[*used] = '\0';
}

char *hk_u64_text(uint64_t v, char buf[HK_U64_STRLEN])
{
	char *p = buf + HK_U64_STRLEN - 1;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}
