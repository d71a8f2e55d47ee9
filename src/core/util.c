/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
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

uint64_t hk_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ull ^ seed;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
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
