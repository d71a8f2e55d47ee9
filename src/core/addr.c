/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MAC and IP address helpers declared in herkomst/packet.h.
 *
 * These work on values already copied out of a packet (struct hk_addr, a
 * 6-byte array) or on text from the user (config, signatures), never on
 * packet memory, so plain array access is fine here.
 *
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are classified by their IPv4
 * part: a dual-stack socket reports IPv4 peers that way, and a device must
 * not change class because of how a capture spelled its address.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "herkomst/packet.h"

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool hk_mac_is_zero(const uint8_t mac[6])
{
	static const uint8_t zero[6];
	return memcmp(mac, zero, 6) == 0;
}

bool hk_mac_is_broadcast(const uint8_t mac[6])
{
	static const uint8_t ff[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	return memcmp(mac, ff, 6) == 0;
}

/* "%02x:%02x:..." by hand: snprintf took about 2,800 instructions a MAC,
 * and the snapshot, the store and every output format a MAC per device. */
char *hk_mac_fmt(const uint8_t mac[6], char buf[HK_MAC_STRLEN])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 6; i++) {
		buf[3 * i] = hex[mac[i] >> 4];
		buf[3 * i + 1] = hex[mac[i] & 15];
		buf[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	return buf;
}

/* One byte in decimal at p; returns the end. */
static char *put_dec8(char *p, uint8_t v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = (char)('0' + v / 10);
	} else if (v >= 10) {
		*p++ = (char)('0' + v / 10);
	}
	*p++ = (char)('0' + v % 10);
	return p;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Reads 12 hex digits; after digit i (counting from 1) a separator sep is
 * required when i is a multiple of every (every 0: no separators). The
 * string must end right after the last digit.
 */
static bool mac_parse_layout(const char *s, char sep, unsigned every, uint8_t out[6])
{
	size_t pos = 0;

	for (unsigned i = 0; i < 12; i++) {
		int v = hex_value(s[pos]);
		if (v < 0)
			return false;
		pos++;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
		if (every && i < 11 && (i + 1) % every == 0) {
			if (s[pos] != sep)
				return false;
			pos++;
		}
	}
	return s[pos] == '\0';
}

bool hk_mac_parse(const char *s, uint8_t ret_mac[6])
{
	uint8_t mac[6];
	size_t n;

	if (!s)
		return false;
	n = strlen(s);
	/* The length tells the layout apart; each layout is then read strictly. */
	if (n == 17 && (s[2] == ':' || s[2] == '-')) {
		if (!mac_parse_layout(s, s[2], 2, mac))
			return false;
	} else if (n == 14) {
		if (!mac_parse_layout(s, '.', 4, mac))
			return false;
	} else if (n == 12) {
		if (!mac_parse_layout(s, 0, 0, mac))
			return false;
	} else {
		return false;
	}
	memcpy(ret_mac, mac, 6);
	return true;
}

char *hk_addr_fmt(const struct hk_addr *a, char buf[HK_ADDR_STRLEN])
{
	buf[0] = '\0';
	if (!a)
		return buf;
	if (a->family == 4) {
		/* inet_ntop's dotted quad is a sprintf inside glibc */
		char *p = buf;
		for (int i = 0; i < 4; i++) {
			p = put_dec8(p, a->a[i]);
			*p++ = i < 3 ? '.' : '\0';
		}
	} else if (a->family == 6) {
		if (!inet_ntop(AF_INET6, a->a, buf, HK_ADDR_STRLEN))
			buf[0] = '\0';
	}
	return buf;
}

bool hk_addr_parse(const char *s, struct hk_addr *ret)
{
	struct hk_addr a;

	if (!s)
		return false;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, a.a) == 1) {
		a.family = 4;
	} else if (inet_pton(AF_INET6, s, a.a) == 1) {
		a.family = 6;
	} else {
		return false;
	}
	*ret = a;
	return true;
}

static size_t addr_size(uint8_t family)
{
	return family == 4 ? 4 : family == 6 ? 16 : 0;
}

/*
 * Orders by family, then by the address bytes of that family only: bytes past
 * a[3] of an IPv4 address are not part of it and may hold anything.
 */
int hk_addr_cmp(const struct hk_addr *x, const struct hk_addr *y)
{
	int r;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	r = memcmp(x->a, y->a, addr_size(x->family));
	return r < 0 ? -1 : r > 0 ? 1 : 0;
}

/* The IPv4 address behind a, if any: family 4, or an IPv4-mapped IPv6. */
static const uint8_t *addr_v4(const struct hk_addr *a)
{
	if (a->family == 4)
		return a->a;
	if (a->family == 6 && memcmp(a->a, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0)
		return a->a + sizeof(v4mapped_prefix);
	return NULL;
}

bool hk_addr_is_linklocal(const struct hk_addr *a)
{
	const uint8_t *v4 = addr_v4(a);

	if (v4)
		return v4[0] == 169 && v4[1] == 254;
	return a->family == 6 && a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;
}

bool hk_addr_is_private(const struct hk_addr *a)
{
	const uint8_t *v4 = addr_v4(a);

	if (v4) {
		if (v4[0] == 10)
			return true;
		if (v4[0] == 172 && (v4[1] & 0xf0) == 16)
			return true;
		if (v4[0] == 192 && v4[1] == 168)
			return true;
		if (v4[0] == 100 && (v4[1] & 0xc0) == 64) /* RFC 6598 carrier-grade NAT */
			return true;
		return hk_addr_is_linklocal(a);
	}
	if (a->family != 6)
		return false;
	if ((a->a[0] & 0xfe) == 0xfc) /* RFC 4193 unique local */
		return true;
	return hk_addr_is_linklocal(a);
}

bool hk_addr_is_multicast(const struct hk_addr *a)
{
	const uint8_t *v4 = addr_v4(a);

	if (v4)
		return (v4[0] & 0xf0) == 224;
	return a->family == 6 && a->a[0] == 0xff;
}

bool hk_addr_is_unspecified(const struct hk_addr *a)
{
	/* asked of most addresses of every packet: no memcmp call */
	if (a->family == 4)
		return (a->a[0] | a->a[1] | a->a[2] | a->a[3]) == 0;
	if (a->family == 6) {
		uint64_t w[2];

		memcpy(w, a->a, sizeof(w));
		return (w[0] | w[1]) == 0;
	}
	return false;
}

bool hk_addr_is_limited_broadcast(const struct hk_addr *a)
{
	const uint8_t *v4 = addr_v4(a);

	return v4 && v4[0] == 255 && v4[1] == 255 && v4[2] == 255 && v4[3] == 255;
}

bool hk_addr_is_unicast(const struct hk_addr *a)
{
	if (a->family != 4 && a->family != 6)
		return false;
	return !hk_addr_is_multicast(a) && !hk_addr_is_unspecified(a) &&
	       !hk_addr_is_limited_broadcast(a);
}
