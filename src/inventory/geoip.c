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
 * geoip_source(). Both files are loaded whole into sorted arrays (adjacent
 * ranges of one country merged) and looked up by binary search. The loader
 * is strict: ranges must be ascending and must not overlap, each line
 * exactly three fields, "file:line: what is wrong" otherwise.
 *
 * Not a country: "??" (unknown), the region codes "EU" and "AP", anything
 * that is not ISO 3166-1 alpha-2 (origin_country_valid); such ranges are
 * dropped and their addresses answer NULL. Private, loopback, link-local,
 * multicast, documentation and other special-purpose addresses answer NULL
 * without a lookup: they have no location.
 *
 * Cost, measured on the 2026-06-25 data (385,602 + 276,626 ranges): see
 * docs/origin.md ("IP to country").
 */
#include "inventory/geoip.h"

#include "core/util.h"
#include "inventory/origin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GEOIP_ENV "HERKOMST_GEOIP_DIR"
#define GEOIP_DEFAULT_DIR "/usr/share/tor"
#define GEOIP_LINE_MAX 255u        /* bytes of one line */
#define GEOIP_RANGES_MAX 4000000u  /* ranges per file */
#define GEOIP_PATH_MAX 4096u
#define GEOIP_SOURCE_MAX 200u
#define GEOIP_NO_CC 0xffffu

struct v6 {
	uint64_t hi, lo;
};

struct geoip {
	uint32_t *v4_start, *v4_end;
	uint16_t *v4_cc;
	size_t n4, cap4;
	struct v6 *v6_start, *v6_end;
	uint16_t *v6_cc;
	size_t n6, cap6;
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

/* The country index for two letters, GEOIP_NO_CC for "??" and non-countries,
 * or -1 when cc is not two capital letters or "??". */
static int cc_index(struct geoip *g, const char *cc)
{
	uint16_t *slot;

	if (cc[0] == '?' && cc[1] == '?' && cc[2] == '\0')
		return GEOIP_NO_CC;
	if (!(cc[0] >= 'A' && cc[0] <= 'Z') || !(cc[1] >= 'A' && cc[1] <= 'Z') || cc[2] != '\0')
		return -1;
	slot = &g->code_idx[cc[0] - 'A'][cc[1] - 'A'];
	if (*slot == 0) {
		/* EU and AP are regions; the iso-codes list (when installed) has
		 * neither, but the fallback check would pass them */
		if (strcmp(cc, "EU") == 0 || strcmp(cc, "AP") == 0 || !origin_country_valid(cc)) {
			*slot = GEOIP_NO_CC;
		} else {
			memcpy(g->codes[g->n_codes], cc, 3);
			*slot = (uint16_t)(++g->n_codes);
		}
	}
	return *slot == GEOIP_NO_CC ? (int)GEOIP_NO_CC : (int)*slot - 1;
}

/* "# Generated: Thu, 25 Jun 2026 04:33:59 GMT", "# Vendor: IPFire Project" */
static void header_line(struct geoip *g, const char *s)
{
	const char *v;
	struct tm tm;

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

static bool parse_u32(const char *s, uint32_t *ret)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*ret = (uint32_t)v;
	return true;
}

static bool parse_v6(const char *s, struct v6 *ret)
{
	uint8_t b[16];

	if (inet_pton(AF_INET6, s, b) != 1)
		return false;
	ret->hi = ret->lo = 0;
	for (int i = 0; i < 8; i++) {
		ret->hi = (ret->hi << 8) | b[i];
		ret->lo = (ret->lo << 8) | b[8 + i];
	}
	return true;
}

static int v6_cmp(const struct v6 *a, const struct v6 *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

/* a + 1 == b (no wrap) */
static bool v6_adjacent(const struct v6 *a, const struct v6 *b)
{
	struct v6 n = *a;

	if (++n.lo == 0) {
		if (++n.hi == 0)
			return false;
	}
	return v6_cmp(&n, b) == 0;
}

static int grow4(struct geoip *g)
{
	size_t cap = g->cap4;
	if (g->n4 < cap)
		return 0;
	cap = cap ? cap * 2 : 65536;
	uint32_t *s = realloc(g->v4_start, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	g->v4_start = s;
	uint32_t *e = realloc(g->v4_end, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	g->v4_end = e;
	uint16_t *c = realloc(g->v4_cc, cap * sizeof(*c));
	if (!c)
		return -ENOMEM;
	g->v4_cc = c;
	g->cap4 = cap;
	return 0;
}

static int grow6(struct geoip *g)
{
	size_t cap = g->cap6;
	if (g->n6 < cap)
		return 0;
	cap = cap ? cap * 2 : 65536;
	struct v6 *s = realloc(g->v6_start, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	g->v6_start = s;
	struct v6 *e = realloc(g->v6_end, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	g->v6_end = e;
	uint16_t *c = realloc(g->v6_cc, cap * sizeof(*c));
	if (!c)
		return -ENOMEM;
	g->v6_cc = c;
	g->cap6 = cap;
	return 0;
}

static bool load_file(struct geoip *g, const char *path, bool v6, struct gerr *e)
{
	FILE *f = fopen(path, "r");
	char buf[GEOIP_LINE_MAX + 2];
	size_t line = 0, n_ranges = 0;
	bool have_prev = false, ok = false;
	uint32_t prev4 = 0;
	struct v6 prev6 = { 0, 0 };

	if (!f) {
		fail(e, path, 0, "cannot read: %s (Debian package tor-geoipdb; packaging/dev.sh deps extracts it "
			"without tor)", strerror(errno));
		return false;
	}
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		char *c1, *c2;
		int ci;

		line++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(f)) {
			fail(e, path, line, "line longer than %u bytes", GEOIP_LINE_MAX);
			goto out;
		}
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (len == 0)
			continue;
		if (buf[0] == '#') {
			header_line(g, buf);
			continue;
		}
		c1 = strchr(buf, ',');
		c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c1 || !c2 || strchr(c2 + 1, ',')) {
			fail(e, path, line, "want three comma-separated fields: start,end,CC");
			goto out;
		}
		*c1 = *c2 = '\0';
		ci = cc_index(g, c2 + 1);
		if (ci < 0) {
			fail(e, path, line, "country \"%s\" is neither two capital letters nor \"??\"", c2 + 1);
			goto out;
		}
		if (++n_ranges > GEOIP_RANGES_MAX) {
			fail(e, path, line, "more than %u ranges", GEOIP_RANGES_MAX);
			goto out;
		}
		if (!v6) {
			uint32_t s, t;
			if (!parse_u32(buf, &s) || !parse_u32(c1 + 1, &t)) {
				fail(e, path, line, "start and end must be decimal numbers below 2^32");
				goto out;
			}
			if (s > t || (have_prev && s <= prev4)) {
				fail(e, path, line, s > t ? "start is above end" :
				     "range overlaps or precedes the one before (the file must be sorted)");
				goto out;
			}
			prev4 = t;
			have_prev = true;
			if (ci == GEOIP_NO_CC)
				continue;
			if (g->n4 && g->v4_cc[g->n4 - 1] == ci && g->v4_end[g->n4 - 1] + 1 == s) {
				g->v4_end[g->n4 - 1] = t;
				continue;
			}
			if (grow4(g) < 0) {
				fail(e, path, line, "out of memory");
				goto out;
			}
			g->v4_start[g->n4] = s;
			g->v4_end[g->n4] = t;
			g->v4_cc[g->n4++] = (uint16_t)ci;
		} else {
			struct v6 s, t;
			if (!parse_v6(buf, &s) || !parse_v6(c1 + 1, &t)) {
				fail(e, path, line, "start and end must be IPv6 addresses");
				goto out;
			}
			if (v6_cmp(&s, &t) > 0 || (have_prev && v6_cmp(&s, &prev6) <= 0)) {
				fail(e, path, line, v6_cmp(&s, &t) > 0 ? "start is above end" :
				     "range overlaps or precedes the one before (the file must be sorted)");
				goto out;
			}
			prev6 = t;
			have_prev = true;
			if (ci == GEOIP_NO_CC)
				continue;
			if (g->n6 && g->v6_cc[g->n6 - 1] == ci && v6_adjacent(&g->v6_end[g->n6 - 1], &s)) {
				g->v6_end[g->n6 - 1] = t;
				continue;
			}
			if (grow6(g) < 0) {
				fail(e, path, line, "out of memory");
				goto out;
			}
			g->v6_start[g->n6] = s;
			g->v6_end[g->n6] = t;
			g->v6_cc[g->n6++] = (uint16_t)ci;
		}
	}
	if (ferror(f)) {
		fail(e, path, 0, "read error");
		goto out;
	}
	if (n_ranges == 0) {
		fail(e, path, 0, "no ranges");
		goto out;
	}
	ok = true;
out:
	fclose(f);
	return ok;
}

struct geoip *geoip_open(const char *dir, char *errbuf, size_t errsz)
{
	struct gerr e = { .buf = errbuf, .sz = errsz };
	char p4[GEOIP_PATH_MAX], p6[GEOIP_PATH_MAX];
	struct geoip *g;

	if (errbuf && errsz)
		errbuf[0] = '\0';
	if (!dir) {
		dir = getenv(GEOIP_ENV);
		if (!dir || !*dir)
			dir = GEOIP_DEFAULT_DIR;
	}
	if ((size_t)snprintf(p4, sizeof(p4), "%s/geoip", dir) >= sizeof(p4) ||
	    (size_t)snprintf(p6, sizeof(p6), "%s/geoip6", dir) >= sizeof(p6)) {
		fail(&e, "geoip", 0, "the directory's name is too long");
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		fail(&e, p4, 0, "out of memory");
		return NULL;
	}
	if (!load_file(g, p4, false, &e) || !load_file(g, p6, true, &e))
		return geoip_free(g);
	if (g->tor_tool)
		snprintf(g->source, sizeof(g->source), "tor-geoipdb (%s, %s)", g->vendor[0] ? g->vendor : "?",
			 g->generated[0] ? g->generated : "undated");
	else
		snprintf(g->source, sizeof(g->source), "geoip files in %.100s (%s, %s)", dir,
			 g->vendor[0] ? g->vendor : "?", g->generated[0] ? g->generated : "undated");
	return g;
}

struct geoip *geoip_free(struct geoip *g)
{
	if (!g)
		return NULL;
	free(g->v4_start);
	free(g->v4_end);
	free(g->v4_cc);
	free(g->v6_start);
	free(g->v6_end);
	free(g->v6_cc);
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

static const char *lookup4(const struct geoip *g, uint32_t a)
{
	size_t lo = 0, hi = g->n4;

	if (v4_special(a))
		return NULL;
	/* the last range starting at or below a */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->v4_start[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || a > g->v4_end[lo - 1])
		return NULL;
	return g->codes[g->v4_cc[lo - 1]];
}

static const char *lookup6(const struct geoip *g, const struct v6 *a)
{
	size_t lo = 0, hi = g->n6;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v6_cmp(&g->v6_start[mid], a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || v6_cmp(a, &g->v6_end[lo - 1]) > 0)
		return NULL;
	return g->codes[g->v6_cc[lo - 1]];
}

const char *geoip_country(const struct geoip *g, const struct hk_addr *a)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct v6 k = { 0, 0 };

	if (!g || !a || (a->family != 4 && a->family != 6))
		return NULL;
	if (hk_addr_is_private(a) || hk_addr_is_linklocal(a) || hk_addr_is_multicast(a) ||
	    hk_addr_is_unspecified(a))
		return NULL;
	if (a->family == 4 || memcmp(a->a, v4mapped, 12) == 0 || memcmp(a->a, nat64, 12) == 0) {
		const uint8_t *b = a->family == 4 ? a->a : a->a + 12;
		return lookup4(g, (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
	}
	for (int i = 0; i < 8; i++) {
		k.hi = (k.hi << 8) | a->a[i];
		k.lo = (k.lo << 8) | a->a[8 + i];
	}
	if ((k.hi == 0 && k.lo <= 1) ||    /* :: and ::1 */
	    (k.hi >> 32) == 0x20010db8u || /* 2001:db8::/32 documentation */
	    k.hi == 0x0100000000000000ull) /* 100::/64 discard */
		return NULL;
	return lookup6(g, &k);
}
