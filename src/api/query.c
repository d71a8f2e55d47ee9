/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a client sends besides the path: listen addresses, tokens and query
 * parameters, each parsed strictly. Anything that does not parse is a 400
 * with a message naming the parameter, never a guess.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"

/* --- listen addresses ------------------------------------------------------ */

static bool v6_loopback(const struct in6_addr *a)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (IN6_IS_ADDR_LOOPBACK(a))
		return true;
	return memcmp(a->s6_addr, mapped, sizeof(mapped)) == 0 && a->s6_addr[12] == 127;
}

int api_listen_parse(const char *s, struct api_listen *ret, char *errbuf, size_t errsz)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *port_s;
	struct api_listen l;
	size_t hlen;
	char *end;
	unsigned long port;

	memset(&l, 0, sizeof(l));
	if (!s || !s[0])
		goto bad;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			goto bad;
		hlen = (size_t)(close - s - 1);
		if (hlen == 0 || hlen >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		port_s = close + 2;
		l.v6 = true;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			goto bad; /* an IPv6 address needs brackets */
		hlen = (size_t)(colon - s);
		if (hlen == 0 || hlen >= sizeof(host))
			goto bad;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		port_s = colon + 1;
	}
	if (port_s[0] < '0' || port_s[0] > '9')
		goto bad_port;
	errno = 0;
	port = strtoul(port_s, &end, 10);
	if (errno || *end || port == 0 || port > 65535)
		goto bad_port;
	l.port = (unsigned)port;

	if (l.v6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&l.ss;
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			goto bad;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		l.len = sizeof(*a6);
		l.loopback = v6_loopback(&a6->sin6_addr);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&l.ss;
		if (strcmp(host, "localhost") == 0)
			snprintf(host, sizeof(host), "127.0.0.1");
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			goto bad;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		l.len = sizeof(*a4);
		l.loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	}
	*ret = l;
	return 0;
bad:
	snprintf(errbuf, errsz,
		 "listen address '%s' is not ADDR:PORT (a numeric IPv4 address, [IPv6] in brackets, or "
		 "localhost; e.g. 127.0.0.1:9470, [::1]:9470, 0.0.0.0:9470)",
		 s ? s : "");
	return -EINVAL;
bad_port:
	snprintf(errbuf, errsz, "listen address '%s': the port must be a number from 1 to 65535", s);
	return -EINVAL;
}

/* --- tokens ---------------------------------------------------------------- */

bool api_token_equal(const char *expected, size_t expected_len, const char *given, size_t given_len)
{
	volatile unsigned char diff = 0;
	size_t i;

	/* every byte of expected is looked at, whatever the client sent; a
	 * shorter or longer answer differs without leaving the loop early */
	diff |= (unsigned char)(expected_len != given_len);
	for (i = 0; i < expected_len; i++) {
		unsigned char g = i < given_len ? (unsigned char)given[i] : 0;
		diff |= (unsigned char)((unsigned char)expected[i] ^ g);
	}
	return diff == 0;
}

int api_token_check(const char *tok, char *errbuf, size_t errsz)
{
	size_t n = strlen(tok);

	if (n < API_TOKEN_LEN_MIN || n > API_TOKEN_LEN_MAX) {
		snprintf(errbuf, errsz,
			 "the API token must be %u to %u characters (it is %zu); make one with "
			 "'head -c 32 /dev/urandom | base64'",
			 API_TOKEN_LEN_MIN, API_TOKEN_LEN_MAX, n);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tok[i];
		if (c <= 0x20 || c >= 0x7f) {
			snprintf(errbuf, errsz,
				 "the API token may hold only printable ASCII without spaces (character %zu is not)",
				 i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

/* --- query parameters ------------------------------------------------------ */

const char *api_param_get(const struct api_params *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return p->v[i].value;
	return NULL;
}

int api_params_allow(const struct api_params *p, const char *const *allowed, char *errbuf, size_t errsz)
{
	if (p->overflow) {
		snprintf(errbuf, errsz, "too many query parameters (at most %u)", API_PARAMS_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < p->n; i++) {
		bool ok = false;
		for (size_t k = 0; allowed && allowed[k] && !ok; k++)
			ok = strcmp(p->v[i].key, allowed[k]) == 0;
		if (!ok) {
			size_t used;
			used = (size_t)snprintf(errbuf, errsz, "unknown query parameter '%.64s'", p->v[i].key);
			if (allowed && allowed[0] && used < errsz) {
				used += (size_t)snprintf(errbuf + used, errsz - used, " (this route takes:");
				for (size_t k = 0; allowed[k] && used < errsz; k++)
					used += (size_t)snprintf(errbuf + used, errsz - used, " %s", allowed[k]);
				if (used < errsz)
					snprintf(errbuf + used, errsz - used, ")");
			} else if (used < errsz) {
				snprintf(errbuf + used, errsz - used, " (this route takes none)");
			}
			return -EINVAL;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(p->v[i].key, p->v[k].key) == 0) {
				snprintf(errbuf, errsz, "query parameter '%.64s' is given more than once",
					 p->v[i].key);
				return -EINVAL;
			}
		if (strlen(p->v[i].value) > API_PARAM_LEN_MAX) {
			snprintf(errbuf, errsz, "query parameter '%.64s' is longer than %u bytes", p->v[i].key,
				 API_PARAM_LEN_MAX);
			return -EINVAL;
		}
	}
	return 0;
}

int api_parse_uint(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *ret, char *errbuf,
		   size_t errsz)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 19)
			goto bad;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0 || v < min || v > max)
		goto bad;
	*ret = v;
	return 0;
bad:
	snprintf(errbuf, errsz, "%s must be a whole number from %llu to %llu, not '%.64s'", name,
		 (unsigned long long)min, (unsigned long long)max, s);
	return -EINVAL;
}

int api_parse_bool(const char *name, const char *s, bool *ret, char *errbuf, size_t errsz)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
		*ret = true;
		return 0;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0) {
		*ret = false;
		return 0;
	}
	snprintf(errbuf, errsz, "%s must be true or false, not '%.64s'", name, s);
	return -EINVAL;
}

/* n digits at s as a number; -1 if any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
	static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : md[m - 1];
}

int api_parse_time(const char *name, const char *s, uint64_t *ret, char *errbuf, size_t errsz)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t usec = 0, t;
	const char *p;

	/* YYYY-MM-DDTHH:MM:SS is 19 characters; the string is NUL-terminated,
	 * so a short one fails at its NUL before any read past it */
	for (int i = 0; i < 19; i++)
		if (!s[i])
			goto bad;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60 ||
	    s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || d > month_days(y, mo))
		goto bad;
	if (sec == 60)
		sec = 59; /* a leap second sorts with the second before it */
	p = s + 19;
	if (*p == '.') {
		int n = 0;
		p++;
		while (*p >= '0' && *p <= '9') {
			if (n < 6)
				usec = usec * 10 + (*p - '0');
			n++;
			p++;
		}
		if (n == 0)
			goto bad;
		for (; n < 6; n++)
			usec *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-' || *p == ' ') {
		/* a '+' sent unencoded in a query string arrives as a space */
		sign = *p == '-' ? -1 : 1;
		oh = digits(p + 1, 2);
		if (oh < 0 || p[3] != ':')
			goto bad;
		om = digits(p + 4, 2);
		if (om < 0 || oh > 23 || om > 59)
			goto bad;
		p += 6;
	} else {
		goto bad; /* RFC 3339 requires the offset */
	}
	if (*p)
		goto bad;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	if (t < 0)
		goto bad;
	*ret = (uint64_t)t * 1000000u + (uint64_t)usec;
	return 0;
bad:
	snprintf(errbuf, errsz,
		 "%s must be an RFC 3339 date-time such as 2026-03-02T08:00:00Z or 2026-03-02T09:00:00%%2B01:00 "
		 "(year 1970 or later), not '%.64s'",
		 name, s);
	return -EINVAL;
}

static bool put(char *buf, size_t sz, size_t *used, char c)
{
	if (*used + 1 >= sz)
		return false;
	buf[(*used)++] = c;
	buf[*used] = '\0';
	return true;
}

static bool put_enc(char *buf, size_t sz, size_t *used, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
			     c == '.' || c == '_' || c == '~';
		if (plain) {
			if (!put(buf, sz, used, (char)c))
				return false;
		} else if (!put(buf, sz, used, '%') || !put(buf, sz, used, hex[c >> 4]) ||
			   !put(buf, sz, used, hex[c & 15])) {
			return false;
		}
	}
	return true;
}

bool api_query_append(char *buf, size_t sz, size_t *used, const char *key, const char *value)
{
	if (*used > 0 && !put(buf, sz, used, '&'))
		return false;
	return put_enc(buf, sz, used, key) && put(buf, sz, used, '=') && put_enc(buf, sz, used, value);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool api_contains_ci(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	if (!haystack)
		return false;
	if (n == 0)
		return true;
	for (const char *h = haystack; *h; h++) {
		size_t i = 0;
		while (i < n && h[i] && lower(h[i]) == lower(needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}
