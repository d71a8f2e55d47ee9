/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IP address → country of its location, from Debian's tor-geoipdb text files
 * (geoip.h; docs/origin.md says why this source and how dev.sh gets it
 * without installing the tor daemon):
 *
 *   geoip    IPv4  "start,end,CC"  start/end as decimal 32-bit integers
 *                  16777216,16777471,AU
 *   geoip6   IPv6  "start,end,CC"  start/end as IPv6 text
 *                  2001:2::,2001:2:0:ffff:ffff:ffff:ffff:ffff,JP
 *
 * '#' lines are comments; the header names the generator, the vendor and
 * the date ("# Generated: Thu, 25 Jun 2026 04:33:59 GMT"), which become
 * geoip_source(). The loader is strict: ranges must be ascending and must not
 * overlap, each line exactly three fields, "file:line: what is wrong"
 * otherwise.
 *
 * The files are not kept in memory: geoip_open() checks every line in one
 * pass over a small read buffer and keeps a sparse index (the start and file
 * offset of every GEOIP_BLOCK_LINES-th range); a lookup binary-searches the
 * index, then reads and parses that one block of lines (pread). Parsing all
 * 660,000 ranges into arrays took 70-170 ms and 12.4 MB; lookups are few
 * (external peers), so a block read per lookup costs less than any table.
 * Lines in the common form ("start,end,CC\n", IPv6 hex groups with at most
 * one "::") take a fast path (line_fast) that only accepts what the general
 * parse (line_parse) accepts, with the same values; every other line, and so
 * every error, goes the general way: 32 -> 20 ms CPU per open.
 *
 * Not a country: "??" (unknown), the region codes "EU" and "AP", anything
 * that is not ISO 3166-1 alpha-2 (origin_country_valid); such ranges answer
 * NULL. Private, loopback, link-local, multicast, documentation and other
 * special-purpose addresses answer NULL without a lookup: they have no
 * location.
 *
 * Each file is checked and indexed only when its family is asked for
 * (geoip_open_families, geoip_load): most captures have external IPv4 peers
 * and no IPv6 one, and the IPv6 file costs more to check than the IPv4 one.
 *
 * Cost, measured on the 2026-06-25 data (385,602 + 276,626 ranges): see
 * docs/origin.md ("IP to country").
 */
#include "inventory/geoip.h"

#include "core/util.h"
#include "inventory/origin.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define GEOIP_ENV "HERKOMST_GEOIP_DIR"
#define GEOIP_DEFAULT_DIR "/usr/share/tor"
#define GEOIP_LINE_MAX 255u        /* bytes of one line */
#define GEOIP_RANGES_MAX 4000000u  /* ranges per file */
#define GEOIP_PATH_MAX 4096u
#define GEOIP_SOURCE_MAX 200u
#define GEOIP_NO_CC 0xffffu
#define GEOIP_READ_BUF (256u * 1024u) /* the checking pass reads this much at a time */
#define GEOIP_BLOCK_LINES 16u         /* ranges per index entry: a lookup parses at most this many */
#define GEOIP_BLOCK_BYTES 4096u       /* and reads at most this many bytes (comments in between) */
#define GEOIP_V6_TEXT_MAX 63u         /* an IPv6 address in text is at most 45 bytes */

struct v6 {
	uint64_t hi, lo;
};

/* A range line, parsed. */
struct range {
	uint32_t s4, e4;
	struct v6 s6, e6;
	int cc; /* country index, GEOIP_NO_CC */
};

/* One file: its descriptor and the sparse index over its ranges. */
struct gfile {
	int fd;
	bool v6;
	size_t n_blocks, cap_blocks;
	off_t *off;    /* file offset of the block's first range line */
	uint16_t *len; /* bytes from there to the end of its last range line */
	uint32_t *s4;  /* start of the block's first range */
	struct v6 *s6;
};

struct geoip {
	struct gfile f4, f6;
	unsigned families;         /* GEOIP_FAMILY_* loaded */
	char dir[GEOIP_PATH_MAX];  /* where later families are loaded from */
	char codes[26 * 26][3];    /* index → "NL" */
	uint16_t code_idx[26][26]; /* letters → index + 1; 0 not seen; GEOIP_NO_CC not a country */
	size_t n_codes;
	char source[GEOIP_SOURCE_MAX];
	char vendor[24];
	char generated[16];
	bool tor_tool;
};

struct gerr {
	char *buf;
	size_t sz;
	bool set;
};

static void fail(struct gerr *e, const char *file, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(struct gerr *e, const char *file, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (e->set || !e->buf || e->sz == 0)
		return;
	e->set = true;
	n = line ? snprintf(e->buf, e->sz, "%s:%zu: ", file, line) : snprintf(e->buf, e->sz, "%s: ", file);
	if (n < 0 || (size_t)n >= e->sz)
		return;
	va_start(ap, fmt);
	vsnprintf(e->buf + n, e->sz - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The first range of a country seen: is it one (and which index), or not. */
static uint16_t cc_learn(struct geoip *g, const char *cc)
{
	char c[3] = { cc[0], cc[1], '\0' };

	/* EU and AP are regions; the iso-codes list (when installed) has
	 * neither, but the fallback check would pass them */
	if (strcmp(c, "EU") == 0 || strcmp(c, "AP") == 0 || !origin_country_valid(c))
		return GEOIP_NO_CC;
	memcpy(g->codes[g->n_codes], c, 3);
	return (uint16_t)(++g->n_codes);
}

/* The country index for two letters, GEOIP_NO_CC for "??" and non-countries,
 * or -1 when cc is not two capital letters or "??". */
static inline int cc_index(struct geoip *g, const char *cc, size_t n)
{
	uint16_t *slot;

	if (n == 2 && cc[0] == '?' && cc[1] == '?')
		return GEOIP_NO_CC;
	if (n != 2 || !(cc[0] >= 'A' && cc[0] <= 'Z') || !(cc[1] >= 'A' && cc[1] <= 'Z'))
		return -1;
	slot = &g->code_idx[cc[0] - 'A'][cc[1] - 'A'];
	if (*slot == 0)
		*slot = cc_learn(g, cc);
	return *slot == GEOIP_NO_CC ? (int)GEOIP_NO_CC : (int)*slot - 1;
}

/* The same without learning new codes: for lookups, after the check has seen them all. */
static int cc_known(const struct geoip *g, const char *cc, size_t n)
{
	uint16_t slot;

	if (n != 2 || !(cc[0] >= 'A' && cc[0] <= 'Z') || !(cc[1] >= 'A' && cc[1] <= 'Z'))
		return GEOIP_NO_CC;
	slot = g->code_idx[cc[0] - 'A'][cc[1] - 'A'];
	return slot == 0 || slot == GEOIP_NO_CC ? (int)GEOIP_NO_CC : (int)slot - 1;
}

/* "# Generated: Thu, 25 Jun 2026 04:33:59 GMT", "# Vendor: IPFire Project" */
static void header_line(struct geoip *g, const char *line, size_t len)
{
	char s[GEOIP_LINE_MAX + 1];
	const char *v;
	struct tm tm;

	memcpy(s, line, len); /* len <= GEOIP_LINE_MAX */
	s[len] = '\0';
	if (strstr(s, "geoip-db-tool"))
		g->tor_tool = true;
	if ((v = strstr(s, "Generated:")) != NULL && !g->generated[0]) {
		v += strlen("Generated:");
		while (*v == ' ')
			v++;
		memset(&tm, 0, sizeof(tm));
		if (strptime(v, "%a, %d %b %Y %H:%M:%S", &tm))
			strftime(g->generated, sizeof(g->generated), "%Y-%m-%d", &tm);
	}
	if ((v = strstr(s, "Vendor:")) != NULL && !g->vendor[0]) {
		size_t n;
		v += strlen("Vendor:");
		while (*v == ' ')
			v++;
		n = strcspn(v, " \r\n"); /* "IPFire Project" → "IPFire" */
		if (n >= sizeof(g->vendor))
			n = sizeof(g->vendor) - 1;
		memcpy(g->vendor, v, n);
		g->vendor[n] = '\0';
	}
}

static bool parse_u32(const char *s, size_t n, uint32_t *ret)
{
	uint64_t v = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*ret = (uint32_t)v;
	return true;
}

/* hex digit → value + 1, 0 for anything else */
static const uint8_t hex_tab[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hex_value(char c)
{
	return (int)hex_tab[(uint8_t)c] - 1;
}

static void v6_from_bytes(const uint8_t b[16], struct v6 *ret)
{
	uint64_t hi, lo;

	memcpy(&hi, b, 8);
	memcpy(&lo, b + 8, 8);
	ret->hi = be64toh(hi);
	ret->lo = be64toh(lo);
}

/* An address with an embedded dotted quad (::ffff:1.2.3.4): inet_pton itself. */
static bool parse_v6_pton(const char *s, size_t n, struct v6 *ret)
{
	char t[GEOIP_V6_TEXT_MAX + 1];
	uint8_t b[16];

	if (n > GEOIP_V6_TEXT_MAX)
		return false;
	memcpy(t, s, n);
	t[n] = '\0';
	if (inet_pton(AF_INET6, t, b) != 1)
		return false;
	v6_from_bytes(b, ret);
	return true;
}

/*
 * inet_pton(AF_INET6) over s[0..n), without the copy and the call: the same
 * steps as glibc's inet_pton6 for the hexadecimal forms. The checking pass
 * parses 550,000 addresses; this is where its time goes.
 */
static bool parse_v6(const char *s, size_t n, struct v6 *ret)
{
	uint8_t b[16] = { 0 };
	size_t tp = 0, colonp = SIZE_MAX, i = 0;
	unsigned val = 0, digits = 0;

	if (n == 0)
		return false;
	if (s[0] == ':') {
		if (n < 2 || s[1] != ':')
			return false;
		i = 1;
	}
	while (i < n) {
		char ch = s[i++];
		int d = hex_value(ch);
		if (d >= 0) {
			if (digits == 4)
				return false;
			val = (val << 4) | (unsigned)d;
			digits++;
			continue;
		}
		if (ch == '.')
			return parse_v6_pton(s, n, ret);
		if (ch != ':')
			return false;
		if (digits == 0) {
			if (colonp != SIZE_MAX)
				return false;
			colonp = tp;
			continue;
		}
		if (i == n || tp + 2 > 16)
			return false;
		b[tp++] = (uint8_t)(val >> 8);
		b[tp++] = (uint8_t)val;
		digits = 0;
		val = 0;
	}
	if (digits > 0) {
		if (tp + 2 > 16)
			return false;
		b[tp++] = (uint8_t)(val >> 8);
		b[tp++] = (uint8_t)val;
	}
	if (colonp != SIZE_MAX) {
		size_t k = tp - colonp;
		if (tp == 16)
			return false; /* "::" would stand for no group at all */
		memmove(b + 16 - k, b + colonp, k);
		memset(b + colonp, 0, 16 - k - colonp);
		tp = 16;
	}
	if (tp != 16)
		return false;
	v6_from_bytes(b, ret);
	return true;
}

/* a shifted left by m groups of 16 bits, m at most 8 */
static void v6_shl_groups(struct v6 *a, size_t m)
{
	unsigned bits = 16u * (unsigned)m;

	if (bits >= 128) {
		a->hi = a->lo = 0;
	} else if (bits >= 64) {
		a->hi = a->lo << (bits - 64);
		a->lo = 0;
	} else if (bits > 0) {
		a->hi = a->hi << bits | a->lo >> (64 - bits);
		a->lo <<= bits;
	}
}

/*
 * The form tor-geoipdb writes (2001:2::, 2a01:4000:8:ffff:ffff:ffff:ffff:ffff)
 * without the general loop and its memmove: one to eight groups of one to
 * four hex digits, at most one "::", up to the ',' that ends the field.
 * Returns the field's length (s[len] is that ','), or 0 for anything else
 * (an embedded dotted quad, an error, fewer than five bytes left at a
 * group's start): the line then goes the general way, which decides with its own
 * messages. test_geoip checks what this accepts against inet_pton.
 */
static size_t v6_fast(const char *s, size_t n, struct v6 *ret)
{
	struct v6 head = { 0, 0 }, acc = { 0, 0 }; /* groups before "::", groups since */
	size_t i = 0, ng = 0, gap = SIZE_MAX;      /* gap: the number of groups before "::" */

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	}
	while (i < n && s[i] != ',') {
		unsigned digits = 0, val = 0;
		int d;

		if (n - i < 5 || ng == 8)
			return 0;
		for (; digits < 4 && (d = hex_value(s[i])) >= 0; digits++, i++)
			val = val << 4 | (unsigned)d;
		if (digits == 0)
			return 0;
		acc.hi = acc.hi << 16 | acc.lo >> 48;
		acc.lo = acc.lo << 16 | val;
		ng++;
		if (s[i] == ',')
			break;
		if (s[i] != ':') /* a fifth digit, a '.', anything else */
			return 0;
		i++;
		if (i < n && s[i] == ':') {
			if (gap != SIZE_MAX)
				return 0;
			gap = ng;
			head = acc;
			acc.hi = acc.lo = 0;
			i++;
		} else if (i == n || hex_value(s[i]) < 0) {
			return 0; /* a single ':' wants a group after it */
		}
	}
	if (i == n || (gap == SIZE_MAX ? ng != 8 : ng > 7))
		return 0;
	if (gap != SIZE_MAX) {
		v6_shl_groups(&head, 8 - gap);
		acc.hi |= head.hi;
		acc.lo |= head.lo;
	}
	*ret = acc;
	return i;
}

static int v6_cmp(const struct v6 *a, const struct v6 *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

enum line_kind {
	LINE_BLANK,
	LINE_COMMENT,
	LINE_RANGE,
	LINE_EFIELDS,  /* not three fields */
	LINE_ECOUNTRY, /* country neither two capitals nor "??" */
	LINE_ENUMBER,  /* start or end unparsable */
	LINE_EORDER,   /* start above end */
};

/*
 * One line without its '\n' (a trailing '\r' is dropped). The checking pass
 * passes g, which learns the country codes it meets; lookups pass only cg
 * and read them. *ret_cc gets the country text of a LINE_ECOUNTRY.
 */
static enum line_kind line_parse(struct geoip *g, const struct geoip *cg, bool v6, const char *s, size_t len,
				 struct range *r, const char **ret_cc, size_t *ret_cclen)
{
	const char *c1, *c2, *cc;
	size_t cclen;

	if (len && s[len - 1] == '\r')
		len--;
	if (len == 0)
		return LINE_BLANK;
	if (s[0] == '#')
		return LINE_COMMENT;
	/* one pass for the commas: a memchr call per field costs more on lines this short */
	c1 = c2 = NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != ',')
			continue;
		if (c2)
			return LINE_EFIELDS;
		if (c1)
			c2 = s + i;
		else
			c1 = s + i;
	}
	if (!c2)
		return LINE_EFIELDS;
	cc = c2 + 1;
	cclen = len - (size_t)(cc - s);
	r->cc = g ? cc_index(g, cc, cclen) : cc_known(cg, cc, cclen);
	if (r->cc < 0) {
		*ret_cc = cc;
		*ret_cclen = cclen;
		return LINE_ECOUNTRY;
	}
	if (!v6) {
		if (!parse_u32(s, (size_t)(c1 - s), &r->s4) || !parse_u32(c1 + 1, (size_t)(c2 - c1 - 1), &r->e4))
			return LINE_ENUMBER;
		return r->s4 > r->e4 ? LINE_EORDER : LINE_RANGE;
	}
	if (!parse_v6(s, (size_t)(c1 - s), &r->s6) || !parse_v6(c1 + 1, (size_t)(c2 - c1 - 1), &r->e6))
		return LINE_ENUMBER;
	return v6_cmp(&r->s6, &r->e6) > 0 ? LINE_EORDER : LINE_RANGE;
}

/*
 * The value of the first k (1..8) digits of x, eight bytes read little-endian
 * from the text (x's first byte is the first digit): the digits moved to the
 * top, zeros (leading zeros) below, then summed in pairs, fours and eights
 * with three multiplications instead of eight multiply-adds.
 */
static uint64_t digits8_value(uint64_t x, size_t k)
{
	uint64_t d = x & 0x0f0f0f0f0f0f0f0full; /* '0'..'9' -> 0..9 */

	if (k < 8)
		d <<= 8 * (8 - k);
	d = d * 10 + (d >> 8);
	return (((d & 0x000000ff000000ffull) * (100 + (1000000ull << 32))) +
		(((d >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32)))) >> 32;
}

/*
 * A decimal start or end of at most 10 digits up to its ','; 0 for anything
 * else. The IPv4 file is 770,000 such numbers, most of ten digits: eight
 * bytes are tested and converted at once (digits8_value) when at least 11
 * are left, one at a time otherwise; test_geoip checks the answers against
 * the plain loop's on every length and byte.
 */
static size_t dec_fast(const char *s, size_t n, uint32_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n >= 11) {
		uint64_t x, nd;
		memcpy(&x, s, 8);
		x = le64toh(x);
		/* per byte, nonzero unless a digit: its high nibble is 3 and
		 * stays 3 when 6 is added (0x30..0x39). A carry out of a byte
		 * (0xfa..0xff, itself no digit) reaches only later bytes. */
		nd = ((x & 0xf0f0f0f0f0f0f0f0ull) ^ 0x3030303030303030ull) |
		     (((x + 0x0606060606060606ull) & 0xf0f0f0f0f0f0f0f0ull) ^ 0x3030303030303030ull);
		i = nd ? (size_t)__builtin_ctzll(nd) / 8 : 8;
		if (i == 0)
			return 0;
		v = digits8_value(x, i);
		if (i < 8)
			goto end;
		/* the ninth and tenth digits (s[8], s[9] are there: n >= 11)
		 * without the loop's bounds tests: most numbers have ten */
		if (s[8] >= '0' && s[8] <= '9') {
			v = v * 10 + (uint64_t)(s[8] - '0');
			i = 9;
			if (s[9] >= '0' && s[9] <= '9') {
				v = v * 10 + (uint64_t)(s[9] - '0');
				i = 10;
			}
		}
		goto end;
	}
	for (; i < 10 && i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
end:
	if (i == 0 || i == n || s[i] != ',' || v > UINT32_MAX)
		return 0;
	*ret = (uint32_t)v;
	return i;
}

/*
 * The checking pass's fast path: a range line in the common form
 * ("start,end,CC\n", CC two capitals or "??", "\r\n" allowed) at the start of
 * s[0..n). Returns its length without the '\n' (with a '\r'), r filled, or 0
 * when it is anything else or not complete in the buffer: line_parse then
 * decides, with the same answer for every line this accepts. At most 84
 * bytes, so never beyond GEOIP_LINE_MAX.
 */
static size_t line_fast(struct geoip *g, bool v6, const char *s, size_t n, struct range *r)
{
	size_t p, k;

	k = v6 ? v6_fast(s, n, &r->s6) : dec_fast(s, n, &r->s4);
	if (k == 0)
		return 0;
	p = k + 1;
	k = v6 ? v6_fast(s + p, n - p, &r->e6) : dec_fast(s + p, n - p, &r->e4);
	if (k == 0)
		return 0;
	p += k + 1;
	if (n - p < 3)
		return 0;
	if (s[p + 2] == '\r') {
		if (n - p < 4 || s[p + 3] != '\n')
			return 0;
	} else if (s[p + 2] != '\n') {
		return 0;
	}
	r->cc = cc_index(g, s + p, 2);
	if (r->cc < 0)
		return 0;
	return p + (s[p + 2] == '\r' ? 3 : 2);
}

static int block_add(struct gfile *f, off_t off, const struct range *r)
{
	if (f->n_blocks == f->cap_blocks) {
		size_t cap = f->cap_blocks ? f->cap_blocks * 2 : 1024;
		off_t *o = realloc(f->off, cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		f->off = o;
		uint16_t *l = realloc(f->len, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		f->len = l;
		if (f->v6) {
			struct v6 *s = realloc(f->s6, cap * sizeof(*s));
			if (!s)
				return -ENOMEM;
			f->s6 = s;
		} else {
			uint32_t *s = realloc(f->s4, cap * sizeof(*s));
			if (!s)
				return -ENOMEM;
			f->s4 = s;
		}
		f->cap_blocks = cap;
	}
	f->off[f->n_blocks] = off;
	f->len[f->n_blocks] = 0;
	if (f->v6)
		f->s6[f->n_blocks] = r->s6;
	else
		f->s4[f->n_blocks] = r->s4;
	f->n_blocks++;
	return 0;
}

/* The checking pass: every line, as strictly as a full load, keeping only the index. */
static bool load_file(struct geoip *g, struct gfile *f, const char *path, struct gerr *e)
{
	char *buf = NULL;
	size_t line = 0, n_ranges = 0, have = 0, in_block = 0;
	off_t base = 0; /* file offset of buf[0] */
	bool have_prev = false, ok = false, eof = false;
	struct range prev = { 0 };

	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		fail(e, path, 0, "cannot read: %s (Debian package tor-geoipdb; packaging/dev.sh deps extracts it "
			"without tor)", strerror(errno));
		return false;
	}
	buf = malloc(GEOIP_READ_BUF);
	if (!buf) {
		fail(e, path, 0, "out of memory");
		return false;
	}
	while (!eof || have) {
		size_t pos = 0;
		if (!eof) {
			ssize_t got = read(f->fd, buf + have, GEOIP_READ_BUF - have);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				fail(e, path, 0, "read error: %s", strerror(errno));
				goto out;
			}
			if (got == 0)
				eof = true;
			have += (size_t)got;
		}
		for (;;) {
			const char *s = buf + pos, *nl;
			size_t len;
			struct range r;
			const char *cc = NULL;
			size_t cclen = 0;
			enum line_kind k;

			len = line_fast(g, f->v6, s, have - pos, &r);
			if (len > 0) {
				nl = s + len;
				line++;
				if (f->v6 ? v6_cmp(&r.s6, &r.e6) > 0 : r.s4 > r.e4)
					k = LINE_EORDER;
				else
					k = LINE_RANGE;
			} else {
				nl = memchr(s, '\n', have - pos);
				if (!nl && !eof) {
					if (have - pos > GEOIP_LINE_MAX) {
						fail(e, path, line + 1, "line longer than %u bytes", GEOIP_LINE_MAX);
						goto out;
					}
					break; /* the rest of the line is in the next read */
				}
				if (pos == have)
					break;
				len = nl ? (size_t)(nl - s) : have - pos;
				line++;
				if (len > GEOIP_LINE_MAX) {
					fail(e, path, line, "line longer than %u bytes", GEOIP_LINE_MAX);
					goto out;
				}
				k = line_parse(g, NULL, f->v6, s, len, &r, &cc, &cclen);
			}
			switch (k) {
			case LINE_BLANK:
				break;
			case LINE_COMMENT:
				header_line(g, s, len);
				break;
			case LINE_EFIELDS:
				fail(e, path, line, "want three comma-separated fields: start,end,CC");
				goto out;
			case LINE_ECOUNTRY:
				fail(e, path, line, "country \"%.*s\" is neither two capital letters nor \"??\"", (int)cclen,
				     cc);
				goto out;
			case LINE_ENUMBER:
			case LINE_EORDER:
			case LINE_RANGE:
				if (++n_ranges > GEOIP_RANGES_MAX) {
					fail(e, path, line, "more than %u ranges", GEOIP_RANGES_MAX);
					goto out;
				}
				if (k == LINE_ENUMBER) {
					fail(e, path, line, f->v6 ? "start and end must be IPv6 addresses"
								  : "start and end must be decimal numbers below 2^32");
					goto out;
				}
				if (k == LINE_EORDER) {
					fail(e, path, line, "start is above end");
					goto out;
				}
				if (have_prev && (f->v6 ? v6_cmp(&r.s6, &prev.e6) <= 0 : r.s4 <= prev.e4)) {
					fail(e, path, line, "range overlaps or precedes the one before (the file must be sorted)");
					goto out;
				}
				prev = r;
				have_prev = true;
				{
					off_t at = base + (off_t)pos;
					size_t end = (size_t)(at - (f->n_blocks ? f->off[f->n_blocks - 1] : 0)) + len;
					if (!f->n_blocks || in_block == GEOIP_BLOCK_LINES || end > GEOIP_BLOCK_BYTES) {
						if (block_add(f, at, &r) < 0) {
							fail(e, path, line, "out of memory");
							goto out;
						}
						in_block = 0;
						end = len;
					}
					f->len[f->n_blocks - 1] = (uint16_t)end;
					in_block++;
				}
				break;
			}
			pos += len + (nl ? 1 : 0);
		}
		memmove(buf, buf + pos, have - pos);
		base += (off_t)pos;
		have -= pos;
	}
	if (n_ranges == 0) {
		fail(e, path, 0, "no ranges");
		goto out;
	}
	ok = true;
out:
	free(buf);
	return ok;
}

/* Back to not loaded (a failed check leaves nothing behind). */
static void gfile_close(struct gfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->off);
	free(f->len);
	free(f->s4);
	free(f->s6);
	f->off = NULL;
	f->len = NULL;
	f->s4 = NULL;
	f->s6 = NULL;
	f->n_blocks = f->cap_blocks = 0;
}

/* Checks and indexes the files of the families asked for and not loaded yet. */
static int load_families(struct geoip *g, unsigned families, struct gerr *e)
{
	static const struct {
		unsigned family;
		const char *name;
	} files[] = { { GEOIP_FAMILY_V4, "geoip" }, { GEOIP_FAMILY_V6, "geoip6" } };
	char path[GEOIP_PATH_MAX + sizeof("/geoip6")];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct gfile *f = files[i].family == GEOIP_FAMILY_V4 ? &g->f4 : &g->f6;
		if (!(families & files[i].family) || (g->families & files[i].family))
			continue;
		/* geoip_open_families checked that dir + "/geoip6" fits GEOIP_PATH_MAX */
		snprintf(path, sizeof(path), "%s/%s", g->dir, files[i].name);
		if (!load_file(g, f, path, e)) {
			gfile_close(f);
			return -EINVAL;
		}
		g->families |= files[i].family;
	}
	return 0;
}

struct geoip *geoip_open(const char *dir, char *errbuf, size_t errsz)
{
	return geoip_open_families(dir, GEOIP_FAMILY_ALL, errbuf, errsz);
}

struct geoip *geoip_open_families(const char *dir, unsigned families, char *errbuf, size_t errsz)
{
	struct gerr e = { .buf = errbuf, .sz = errsz };
	char p6[GEOIP_PATH_MAX];
	struct geoip *g;

	if (errbuf && errsz)
		errbuf[0] = '\0';
	if (!dir) {
		dir = getenv(GEOIP_ENV);
		if (!dir || !*dir)
			dir = GEOIP_DEFAULT_DIR;
	}
	if ((size_t)snprintf(p6, sizeof(p6), "%s/geoip6", dir) >= sizeof(p6)) {
		fail(&e, "geoip", 0, "the directory's name is too long");
		return NULL;
	}
	if (!(families & GEOIP_FAMILY_ALL)) {
		fail(&e, "geoip", 0, "no address family asked for (GEOIP_FAMILY_V4, GEOIP_FAMILY_V6)");
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		fail(&e, dir, 0, "out of memory");
		return NULL;
	}
	g->f4.fd = g->f6.fd = -1;
	g->f6.v6 = true;
	snprintf(g->dir, sizeof(g->dir), "%s", dir);
	if (load_families(g, families, &e) < 0)
		return geoip_free(g);
	if (g->tor_tool)
		snprintf(g->source, sizeof(g->source), "tor-geoipdb (%s, %s)", g->vendor[0] ? g->vendor : "?",
			 g->generated[0] ? g->generated : "undated");
	else
		snprintf(g->source, sizeof(g->source), "geoip files in %.100s (%s, %s)", dir,
			 g->vendor[0] ? g->vendor : "?", g->generated[0] ? g->generated : "undated");
	return g;
}

int geoip_load(struct geoip *g, unsigned families, char *errbuf, size_t errsz)
{
	struct gerr e = { .buf = errbuf, .sz = errsz };

	if (errbuf && errsz)
		errbuf[0] = '\0';
	if (!g) {
		fail(&e, "geoip", 0, "not open");
		return -EINVAL;
	}
	return load_families(g, families, &e);
}

unsigned geoip_families(const struct geoip *g)
{
	return g ? g->families : 0;
}

struct geoip *geoip_free(struct geoip *g)
{
	if (!g)
		return NULL;
	gfile_close(&g->f4);
	gfile_close(&g->f6);
	free(g);
	return NULL;
}

const char *geoip_source(const struct geoip *g)
{
	return g ? g->source : NULL;
}

/* Special-purpose IPv4 (RFC 6890 and friends) beyond what core/addr.c
 * already classifies: no location. */
static bool v4_special(uint32_t a)
{
	return (a >> 24) == 0 ||                 /* 0/8 this network */
	       (a >> 24) == 127 ||               /* loopback */
	       (a >> 8) == 0xc00000 ||           /* 192.0.0/24 protocol assignments */
	       (a >> 8) == 0xc00002 ||           /* 192.0.2/24 TEST-NET-1 */
	       (a >> 17) == (0xc612u >> 1) ||    /* 198.18/15 benchmarking */
	       (a >> 8) == 0xc63364 ||           /* 198.51.100/24 TEST-NET-2 */
	       (a >> 8) == 0xcb0071 ||           /* 203.0.113/24 TEST-NET-3 */
	       (a >> 28) >= 0xe;                 /* 224/4 multicast, 240/4 reserved, broadcast */
}

/*
 * The range holding an address: the index names the block whose first range
 * starts at or below it; the last range of that block starting at or below
 * it is the only one that can hold it (the check saw them sorted and
 * disjoint).
 */
static const char *lookup(const struct geoip *g, const struct gfile *f, uint32_t a4, const struct v6 *a6)
{
	char buf[GEOIP_BLOCK_BYTES];
	size_t lo = 0, hi = f->n_blocks, pos = 0, got, cand_len = 0;
	const char *cand = NULL; /* the last range line at or below the address, not parsed yet */
	struct range best;
	bool found = false;
	ssize_t n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->v6 ? v6_cmp(&f->s6[mid], a6) <= 0 : f->s4[mid] <= a4)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	lo--;
	do
		n = pread(f->fd, buf, f->len[lo], f->off[lo]);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return NULL;
	got = (size_t)n;
	/*
	 * The block's lines passed the check when the file was opened: a line
	 * whose start reads the fast way (dec_fast, v6_fast) is a range, and
	 * only the start decides whether to go on. The one line that answers
	 * is parsed whole; any other line (a comment, a form the fast way does
	 * not take) the whole way, as before.
	 */
	while (pos < got) {
		const char *s = buf + pos, *nl = memchr(s, '\n', got - pos);
		size_t len = nl ? (size_t)(nl - s) : got - pos;
		struct range r;
		const char *cc;
		size_t cclen;

		pos += len + 1;
		if (f->v6 ? v6_fast(s, len, &r.s6) > 0 : dec_fast(s, len, &r.s4) > 0) {
			if (f->v6 ? v6_cmp(&r.s6, a6) > 0 : r.s4 > a4)
				break;
			cand = s;
			cand_len = len;
			continue;
		}
		if (line_parse(NULL, g, f->v6, s, len, &r, &cc, &cclen) != LINE_RANGE)
			continue;
		if (f->v6 ? v6_cmp(&r.s6, a6) > 0 : r.s4 > a4)
			break;
		best = r;
		found = true;
		cand = NULL;
	}
	if (cand) {
		struct range r;
		const char *cc;
		size_t cclen;
		if (line_parse(NULL, g, f->v6, cand, cand_len, &r, &cc, &cclen) == LINE_RANGE) {
			best = r;
			found = true;
		}
	}
	if (!found || (f->v6 ? v6_cmp(a6, &best.e6) > 0 : a4 > best.e4) || best.cc == GEOIP_NO_CC)
		return NULL;
	return g->codes[best.cc];
}

/* Which file a lookup of a reads, with its key there; 0 for none. */
static unsigned addr_key(const struct hk_addr *a, uint32_t *ret4, struct v6 *ret6)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct v6 k = { 0, 0 };

	if (!a || (a->family != 4 && a->family != 6))
		return 0;
	if (hk_addr_is_private(a) || hk_addr_is_linklocal(a) || hk_addr_is_multicast(a) ||
	    hk_addr_is_unspecified(a))
		return 0;
	if (a->family == 4 || memcmp(a->a, v4mapped, 12) == 0 || memcmp(a->a, nat64, 12) == 0) {
		const uint8_t *b = a->family == 4 ? a->a : a->a + 12;
		uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		if (v4_special(v))
			return 0;
		*ret4 = v;
		return GEOIP_FAMILY_V4;
	}
	for (int i = 0; i < 8; i++) {
		k.hi = (k.hi << 8) | a->a[i];
		k.lo = (k.lo << 8) | a->a[8 + i];
	}
	if ((k.hi == 0 && k.lo <= 1) ||    /* :: and ::1 */
	    (k.hi >> 32) == 0x20010db8u || /* 2001:db8::/32 documentation */
	    k.hi == 0x0100000000000000ull) /* 100::/64 discard */
		return 0;
	*ret6 = k;
	return GEOIP_FAMILY_V6;
}

unsigned geoip_family_of(const struct hk_addr *a)
{
	uint32_t k4;
	struct v6 k6;

	return addr_key(a, &k4, &k6);
}

const char *geoip_country(const struct geoip *g, const struct hk_addr *a)
{
	uint32_t k4 = 0;
	struct v6 k6 = { 0, 0 };
	unsigned family;

	if (!g)
		return NULL;
	family = addr_key(a, &k4, &k6);
	if (!(family & g->families))
		return NULL;
	return family == GEOIP_FAMILY_V4 ? lookup(g, &g->f4, k4, NULL) : lookup(g, &g->f6, 0, &k6);
}
