/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MAC address → IEEE registrant and country (see oui.h).
 *
 * A table is the file's bytes kept as one arena, its names NUL-terminated in
 * place, and one array of fixed-size entries sorted by (prefix length, key):
 * a few allocations per table whatever its size, and loading is a single
 * pass over the file, which keeps `herkomst oui` well under 100 ms at
 * start-up. The usual line is read in that pass byte by byte (tsv_fast_line,
 * manuf_fast_line); any other is cut and split and checked the strict way,
 * which says what is wrong with it. A lookup tries /36, /28 and /24 in turn,
 * each a binary search.
 *
 * Lookups are not thread-safe: the first miss loads Wireshark's manuf into
 * the db. The inventory, its only runtime user, is single-writer.
 */
#include "core/text.h"
#include "inventory/oui.h"

#include "hk_config.h"
#include "herkomst/packet.h"
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUI_FILE_MAX (64u << 20)   /* oui.tsv is 2 MB, manuf 2.3 MB (2024) */
#define OUI_ENTRIES_MAX 2000000u   /* 46,521 blocks in oui.tsv, 52,417 in manuf */
#define OUI_BITS_N 3               /* /24, /28, /36 */
#define OUI_PATHS_MAX 3            /* places oui_db_open_default() looks */

/* The registry that sub-allocates MA-M and MA-S blocks out of its MA-L ones. */
#define OUI_IEEE_RA "IEEE Registration Authority"

static const uint8_t bits_of[OUI_BITS_N] = { 24, 28, 36 };

/* oui_fast_lines_set: the tests compare the one-pass reading with the strict one */
static bool fast_lines = true;

void oui_fast_lines_set(bool on)
{
	fast_lines = on;
}

struct oui_entry {
	uint64_t key;      /* the top `bits` bits of the address */
	uint32_t name_off; /* into the arena; increases in file order */
	uint8_t bits;
	uint8_t registry;  /* enum oui_registry */
	char country[2];   /* country[0] == 0: none */
};

struct oui_table {
	char *arena;
	struct oui_entry *ent; /* sorted by (bits, key) */
	size_t n;
	size_t first[OUI_BITS_N], end[OUI_BITS_N];
};

struct oui_db {
	struct oui_table tsv;
	struct oui_table manuf;
	char *manuf_path; /* NULL: no fallback */
	bool manuf_tried;
	int manuf_err;            /* 0 or the negative errno of the manuf load */
	size_t n_manuf_skipped;   /* manuf lines we cannot use (other masks, no name) */
};

const char *oui_registry_name(enum oui_registry r)
{
	switch (r) {
	case OUI_REG_MA_L: return "MA-L";
	case OUI_REG_MA_M: return "MA-M";
	case OUI_REG_MA_S: return "MA-S";
	case OUI_REG_IAB: return "IAB";
	case OUI_REG_MANUF: return "manuf";
	case OUI_REG_NONE: break;
	}
	return "none";
}

const char *oui_status_reason(enum oui_status s)
{
	switch (s) {
	case OUI_FOUND: return "registered";
	case OUI_LOCAL: return "locally administered address (randomised or virtual): it names no vendor";
	case OUI_MULTICAST: return "group (multicast or broadcast) address: it names no vendor";
	case OUI_UNREGISTERED: return "prefix in no registry we have (IEEE via ieee-data, Wireshark manuf)";
	}
	return "unknown status";
}

/* A hex digit's value + 1 (0: not one), the octet separators of a manuf
 * prefix and its mask's '/': one load per byte where the loaders read
 * 100,000 prefixes. Any non-zero class is a byte a prefix is written with. */
#define CLASS_SEP 0x20
#define CLASS_SLASH 0x40
static const uint8_t char_class[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	[':'] = CLASS_SEP, ['-'] = CLASS_SEP, ['.'] = CLASS_SEP, ['/'] = CLASS_SLASH,
};

static int hex_val(char c)
{
	return (int)(char_class[(unsigned char)c] & 0x1f) - 1;
}

/* Copies at most dstsz-1 bytes, never cutting a UTF-8 sequence in two. */
static void copy_name(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstsz) {
		n = dstsz - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int entry_cmp(const void *a, const void *b)
{
	const struct oui_entry *x = a, *y = b;

	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->name_off < y->name_off ? -1 : x->name_off > y->name_off;
}

static size_t bits_index(unsigned bits)
{
	return bits == 24 ? 0 : bits == 28 ? 1 : 2;
}

static bool table_sorted(const struct oui_table *t)
{
	for (size_t i = 1; i < t->n; i++)
		if (entry_cmp(&t->ent[i - 1], &t->ent[i]) >= 0)
			return false;
	return true;
}

/*
 * Sorts the entries by (bits, key, file order). Both files list each prefix
 * length's blocks in key order, but the lengths interleaved (mkoui sorts by
 * prefix text, manuf by address), so a stable split by prefix length is all
 * the sorting they need: one pass instead of a qsort (8 ms a file). Anything
 * else is sorted with qsort, to the same order (entry_cmp is a total order:
 * name_off is unique).
 */
static void table_sort(struct oui_table *t)
{
	size_t count[OUI_BITS_N] = { 0 }, at[OUI_BITS_N];
	struct oui_entry *o;

	if (t->n < 2 || table_sorted(t))
		return;
	for (size_t i = 0; i < t->n; i++)
		count[bits_index(t->ent[i].bits)]++;
	o = malloc(t->n * sizeof(*o));
	if (o) {
		at[0] = 0;
		for (size_t b = 1; b < OUI_BITS_N; b++)
			at[b] = at[b - 1] + count[b - 1];
		for (size_t i = 0; i < t->n; i++)
			o[at[bits_index(t->ent[i].bits)]++] = t->ent[i];
		free(t->ent);
		t->ent = o;
		if (table_sorted(t))
			return;
	}
	qsort(t->ent, t->n, sizeof(*t->ent), entry_cmp);
}

/*
 * The files' usual order (see table_sort) in one split and one pass: the
 * entries split by prefix length, in file order, and each length's keys
 * strictly increasing, so the order is entry_cmp's and there is no
 * duplicate: the ranges are set and true. false (t unchanged) when a
 * length's keys are not so, for the general way.
 */
static bool table_split_increasing(struct oui_table *t)
{
	size_t count[OUI_BITS_N] = { 0 }, start[OUI_BITS_N], at[OUI_BITS_N];
	struct oui_entry *o;

	for (size_t i = 0; i < t->n; i++)
		count[bits_index(t->ent[i].bits)]++;
	o = malloc((t->n ? t->n : 1) * sizeof(*o));
	if (!o)
		return false;
	start[0] = at[0] = 0;
	for (size_t b = 1; b < OUI_BITS_N; b++)
		start[b] = at[b] = at[b - 1] + count[b - 1];
	for (size_t i = 0; i < t->n; i++) {
		size_t b = bits_index(t->ent[i].bits);

		if (at[b] > start[b] && o[at[b] - 1].key >= t->ent[i].key) {
			free(o);
			return false;
		}
		o[at[b]++] = t->ent[i];
	}
	for (size_t b = 0; b < OUI_BITS_N; b++) {
		t->first[b] = count[b] ? start[b] : 0;
		t->end[b] = count[b] ? start[b] + count[b] : 0;
	}
	free(t->ent);
	t->ent = o;
	return true;
}

/*
 * Sorts the entries (table_sort), then finds each prefix length's range.
 * With keep_first, later duplicates are dropped; otherwise a duplicate is an
 * error and *ret_dup says which.
 */
static int table_index(struct oui_table *t, bool keep_first, const struct oui_entry **ret_dup)
{
	size_t i, o;

	if (table_split_increasing(t))
		return 0;
	table_sort(t);
	for (i = 0, o = 0; i < t->n; i++) {
		if (o > 0 && t->ent[o - 1].bits == t->ent[i].bits && t->ent[o - 1].key == t->ent[i].key) {
			if (!keep_first) {
				*ret_dup = &t->ent[i];
				return -EINVAL;
			}
			continue;
		}
		t->ent[o++] = t->ent[i];
	}
	t->n = o;
	for (i = 0; i < OUI_BITS_N; i++)
		t->first[i] = t->end[i] = 0;
	for (i = 0; i < t->n; i++) {
		size_t b = bits_index(t->ent[i].bits);

		if (t->end[b] == 0)
			t->first[b] = i;
		t->end[b] = i + 1;
	}
	return 0;
}

static void table_release(struct oui_table *t)
{
	free(t->arena);
	free(t->ent);
	memset(t, 0, sizeof(*t));
}

static enum oui_registry registry_parse(const char *s)
{
	if (strcmp(s, "MA-L") == 0)
		return OUI_REG_MA_L;
	if (strcmp(s, "MA-M") == 0)
		return OUI_REG_MA_M;
	if (strcmp(s, "MA-S") == 0)
		return OUI_REG_MA_S;
	if (strcmp(s, "IAB") == 0)
		return OUI_REG_IAB;
	return OUI_REG_NONE;
}

/* One oui.tsv line: "PREFIX\tREGISTRY\tCOUNTRY\tNAME". NULL or what is wrong. */
static const char *tsv_parse_line(char *line, char *arena, struct oui_entry *e)
{
	char *field[4];
	size_t n = 0, i, nhex, nname;
	char *p = line, *tab;
	enum oui_registry reg;
	int v;

	for (;;) {
		if (n == 4)
			return "more than 4 tab-separated fields";
		field[n++] = p;
		tab = strchr(p, '\t');
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	if (n != 4)
		return "expected 4 tab-separated fields: prefix, registry, country, registrant";
	nname = strlen(field[3]);

	nhex = strlen(field[0]);
	if (nhex != 6 && nhex != 7 && nhex != 9)
		return "prefix must be 6, 7 or 9 hex digits";
	e->key = 0;
	for (i = 0; i < nhex; i++) {
		v = hex_val(field[0][i]);
		if (v < 0)
			return "prefix must be 6, 7 or 9 hex digits";
		e->key = (e->key << 4) | (uint64_t)v;
	}
	e->bits = (uint8_t)(nhex * 4);

	reg = registry_parse(field[1]);
	if (reg == OUI_REG_NONE)
		return "registry must be MA-L, MA-M, MA-S or IAB";
	if ((reg == OUI_REG_MA_L && nhex != 6) || (reg == OUI_REG_MA_M && nhex != 7) ||
	    ((reg == OUI_REG_MA_S || reg == OUI_REG_IAB) && nhex != 9))
		return "prefix length does not fit the registry (MA-L 6, MA-M 7, MA-S/IAB 9 digits)";
	e->registry = (uint8_t)reg;

	if (field[2][0] == '\0') {
		e->country[0] = e->country[1] = '\0';
	} else if (strlen(field[2]) == 2 && field[2][0] >= 'A' && field[2][0] <= 'Z' &&
		   field[2][1] >= 'A' && field[2][1] <= 'Z') {
		e->country[0] = field[2][0];
		e->country[1] = field[2][1];
	} else {
		return "country must be empty or two capital letters (ISO 3166-1 alpha-2)";
	}

	if (field[3][0] == '\0')
		return "registrant name is empty";
	if (nname >= OUI_NAME_MAX)
		return "registrant name longer than OUI_NAME_MAX";
	if (!hk_text_printable(field[3], nname))
		return "registrant name is not printable UTF-8";
	e->name_off = (uint32_t)(field[3] - arena);
	return NULL;
}

/*
 * Where the line whose last field ends at stop (the first byte that is not
 * printable text) ends, as hk_text_next_line would cut it: the offset of
 * the next line, and the byte to cut at (a CR before the LF is cut off
 * too). false when the field ends at anything else (a TAB, a NUL, bad
 * UTF-8): the slow path says what that line is.
 */
static bool line_end(const char *arena, size_t len, const char *stop, size_t *ret_next)
{
	const char *end = arena + len;

	if (stop == end || *stop == '\n') {
		*ret_next = (size_t)(stop - arena) + (stop < end);
		return true;
	}
	if (*stop == '\r' && (stop + 1 == end || stop[1] == '\n')) {
		*ret_next = (size_t)(stop - arena) + 1 + (stop + 1 < end);
		return true;
	}
	return false;
}

/*
 * The usual oui.tsv line ("001B1B\tMA-L\tDE\tName\n"), read in one pass
 * over its bytes: no line cut first, no field split, no strlen. Only a line
 * tsv_parse_line would accept, to the same entry, is taken (then *off
 * moves past it); any other (a comment, a blank, anything odd or wrong)
 * returns false untouched, for the slow path to read or report.
 */
static bool tsv_fast_line(char *arena, size_t len, size_t *off, struct oui_entry *e)
{
	char *s = arena + *off, *p = s, *name;
	const char *stop;
	uint64_t key = 0;
	size_t nhex, next;
	enum oui_registry reg;
	int v, d[6];

	/* six digits and a TAB (the MA-L blocks, 80 % of the lines) unrolled;
	 * each byte is read only when the ones before it are digits, not the
	 * NUL at the end of the buffer */
	if ((d[0] = hex_val(s[0])) >= 0 && (d[1] = hex_val(s[1])) >= 0 && (d[2] = hex_val(s[2])) >= 0 &&
	    (d[3] = hex_val(s[3])) >= 0 && (d[4] = hex_val(s[4])) >= 0 && (d[5] = hex_val(s[5])) >= 0 &&
	    s[6] == '\t') {
		key = (uint64_t)(d[0] << 20 | d[1] << 16 | d[2] << 12 | d[3] << 8 | d[4] << 4 | d[5]);
		p = s + 6;
	} else {
		for (; p - s < 9 && (v = hex_val(*p)) >= 0; p++)
			key = (key << 4) | (uint64_t)v;
	}
	nhex = (size_t)(p - s);
	if (*p++ != '\t')
		return false;
	if (p[0] == 'M' && p[1] == 'A' && p[2] == '-' && p[3] != '\0' && p[4] == '\t') {
		reg = p[3] == 'L' ? OUI_REG_MA_L : p[3] == 'M' ? OUI_REG_MA_M : p[3] == 'S' ? OUI_REG_MA_S : OUI_REG_NONE;
		p += 5;
	} else if (p[0] == 'I' && p[1] == 'A' && p[2] == 'B' && p[3] == '\t') {
		reg = OUI_REG_IAB;
		p += 4;
	} else {
		return false;
	}
	if ((reg == OUI_REG_MA_L && nhex != 6) || (reg == OUI_REG_MA_M && nhex != 7) ||
	    ((reg == OUI_REG_MA_S || reg == OUI_REG_IAB) && nhex != 9) || reg == OUI_REG_NONE)
		return false;
	if (p[0] == '\t') {
		e->country[0] = e->country[1] = '\0';
		p++;
	} else if (p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z' && p[2] == '\t') {
		e->country[0] = p[0];
		e->country[1] = p[1];
		p += 3;
	} else {
		return false;
	}
	name = p;
	stop = hk_text_printable_span(name, arena + len);
	if (stop == name || (size_t)(stop - name) >= OUI_NAME_MAX || !line_end(arena, len, stop, &next))
		return false;
	arena[stop - arena] = '\0';
	e->key = key;
	e->bits = (uint8_t)(nhex * 4);
	e->registry = (uint8_t)reg;
	e->name_off = (uint32_t)(name - arena);
	*off = next;
	return true;
}

static int table_load_tsv(struct oui_table *t, const char *path, char *errbuf, size_t errsz)
{
	const struct oui_entry *dup = NULL;
	const char *what;
	char *line;
	size_t len, off = 0, cap;
	unsigned lineno = 0;
	int r;

	memset(t, 0, sizeof(*t));
	r = hk_read_file(path, OUI_FILE_MAX, &t->arena, &len);
	if (r < 0) {
		if (r == -EFBIG)
			hk_errbuf_set(errbuf, errsz, "%s: larger than %u bytes", path, OUI_FILE_MAX);
		else if (r == -ENOENT)
			hk_errbuf_set(errbuf, errsz,
				"%s: %s (oui.tsv is generated when herkomst is built with meson, "
				"from Debian's ieee-data: apt-get install ieee-data)",
				path, strerror(-r));
		else
			hk_errbuf_set(errbuf, errsz, "%s: %s", path, strerror(-r));
		return r;
	}
	/* the array grows as the lines are read (≈38 bytes each): no pass
	 * that counts them first */
	cap = 0;
	if (hk_grow((void **)&t->ent, &cap, len / 32 + 16, sizeof(*t->ent)) < 0)
		goto oom;
	while (off < len) {
		if (++lineno > OUI_ENTRIES_MAX) {
			hk_errbuf_set(errbuf, errsz, "%s: more than %u lines", path, OUI_ENTRIES_MAX);
			r = -EFBIG;
			goto fail;
		}
		if (t->n == cap && hk_grow((void **)&t->ent, &cap, t->n + 1, sizeof(*t->ent)) < 0)
			goto oom;
		if (fast_lines && tsv_fast_line(t->arena, len, &off, &t->ent[t->n])) {
			t->n++;
			continue;
		}
		line = hk_text_next_line(t->arena, len, &off);
		if (line[0] == '\0' || line[0] == '#')
			continue;
		what = tsv_parse_line(line, t->arena, &t->ent[t->n]);
		if (what) {
			hk_errbuf_set(errbuf, errsz,
				"%s:%u: %s (the file is generated by db/mkoui: rebuild it with ninja)",
				path, lineno, what);
			r = -EINVAL;
			goto fail;
		}
		t->n++;
	}
	if (t->n == 0) {
		hk_errbuf_set(errbuf, errsz, "%s: no entries (rebuild it with ninja from ieee-data)", path);
		r = -EINVAL;
		goto fail;
	}
	if (table_index(t, false, &dup) < 0) {
		hk_errbuf_set(errbuf, errsz, "%s: prefix %0*llX/%u is listed twice", path, dup->bits / 4,
			(unsigned long long)dup->key, dup->bits);
		r = -EINVAL;
		goto fail;
	}
	return 0;
oom:
	hk_errbuf_set(errbuf, errsz, "%s: out of memory", path);
	r = -ENOMEM;
fail:
	table_release(t);
	return r;
}

/*
 * A manuf prefix: "XX:XX:XX", or "XX:XX:XX:XX:XX:XX/NN" (':' '-' or '.'
 * between octets). Only /24, /28 and /36 are blocks; other masks (well-known
 * addresses in older files) are not vendors and are skipped.
 */
static bool manuf_parse_prefix(const char *s, const char *stop, struct oui_entry *e)
{
	size_t n_oct = 0;
	unsigned bits;
	uint64_t mac = 0;
	int hi, lo;

	for (;;) {
		if (n_oct == 6 || stop - s < 2)
			return false;
		hi = hex_val(s[0]);
		lo = hex_val(s[1]);
		if (hi < 0 || lo < 0)
			return false;
		mac = (mac << 8) | (uint64_t)(hi << 4 | lo);
		n_oct++;
		s += 2;
		if (s == stop || char_class[(unsigned char)*s] != CLASS_SEP)
			break;
		s++;
	}
	mac <<= 8 * (6 - n_oct);
	bits = (unsigned)n_oct * 8;
	if (s < stop && *s == '/' && stop - s >= 2 && s[1] >= '0' && s[1] <= '9') {
		unsigned long ul = 0;

		/* digits only (what strtoul takes besides is read below): a
		 * value past 48 is refused whatever it is, so it stops there */
		for (s++; s < stop && *s >= '0' && *s <= '9'; s++)
			if ((ul = ul * 10 + (unsigned long)(*s - '0')) > 48)
				ul = 49;
		if (s != stop || ul > n_oct * 8)
			return false;
		bits = (unsigned)ul;
	} else if (s < stop && *s == '/') {
		char *end;
		unsigned long ul;

		/* blanks or a sign before the number, as strtoul reads them (the
		 * byte at stop is a NUL or a TAB, where its digits end) */
		errno = 0;
		ul = strtoul(s + 1, &end, 10);
		if (errno || end == s + 1 || end != stop || ul > n_oct * 8)
			return false;
		bits = (unsigned)ul;
	} else if (s != stop) {
		return false;
	}
	if (bits != 24 && bits != 28 && bits != 36)
		return false;
	e->key = mac >> (48 - bits);
	e->bits = (uint8_t)bits;
	return true;
}

/* "PREFIX\tShort[\tLong][\t# comment]"; the long name when there is one. */
static bool manuf_parse_line(char *line, char *arena, struct oui_entry *e)
{
	char *field[4] = { NULL };
	char *p = line, *tab, *name;
	size_t n = 0;

	for (;;) {
		tab = strchr(p, '\t');
		if (tab)
			*tab = '\0';
		if (p[0] == '#')
			break;
		/* An empty column (a doubled tab) is not a field. */
		if (p[0] != '\0' && n < 4)
			field[n++] = p;
		if (!tab)
			break;
		p = tab + 1;
	}
	if (n < 2 || !manuf_parse_prefix(field[0], field[0] + strlen(field[0]), e))
		return false;
	name = n >= 3 ? field[2] : field[1];
	if (!hk_text_printable(name, strlen(name)))
		return false;
	e->name_off = (uint32_t)(name - arena);
	e->registry = OUI_REG_MANUF;
	e->country[0] = e->country[1] = '\0';
	return true;
}

/*
 * "00:1B:1B\t" or "00:55:DA:B0:00:00/28\t", nearly every manuf line's
 * prefix, read at fixed places (no scan to the TAB first): its length, with
 * e's key and bits as manuf_parse_prefix sets them, or 0 to leave it to that.
 */
static size_t manuf_prefix_fixed(const char *s, struct oui_entry *e)
{
	uint64_t mac = 0;
	unsigned bits;
	size_t i;

	/* each byte is read only when the one before it is not the NUL */
	for (i = 0; i < 6; i++) {
		int hi = hex_val(s[3 * i]), lo = hi < 0 ? -1 : hex_val(s[3 * i + 1]);

		if (lo < 0)
			return 0;
		mac = (mac << 8) | (uint64_t)(hi << 4 | lo);
		if (s[3 * i + 2] != ':')
			break;
	}
	if (i == 2 && s[8] == '\t') {
		e->key = mac;
		e->bits = 24;
		return 8;
	}
	if (i != 5 || s[17] != '/' || s[18] < '0' || s[18] > '9' || s[19] < '0' || s[19] > '9' || s[20] != '\t')
		return 0;
	bits = (unsigned)(s[18] - '0') * 10 + (unsigned)(s[19] - '0');
	if (bits != 24 && bits != 28 && bits != 36)
		return 0;
	e->key = mac >> (48 - bits);
	e->bits = (uint8_t)bits;
	return 20;
}

/*
 * The usual manuf line ("00:00:18\tShort\tLong Name[\t# comment]\n", or
 * with a /28 or /36 prefix), in one pass as tsv_fast_line: taken only when
 * manuf_parse_line would take it, to the same entry; false leaves it to
 * the slow path (comments, doubled tabs, more columns, odd bytes, lines
 * it skips).
 */
static bool manuf_fast_line(char *arena, size_t len, size_t *off, struct oui_entry *e)
{
	char *s = arena + *off, *p = s, *name, *f1, *f2;
	const char *end = arena + len, *stop1, *stop2, *stop;
	size_t next;

	/* the prefix: hex digits, separators and a mask, up to its TAB */
	p += manuf_prefix_fixed(s, e);
	if (p == s) {
		while (char_class[(unsigned char)*p])
			p++;
		if (*p != '\t' || p == s || !manuf_parse_prefix(s, p, e))
			return false;
	}
	f1 = p + 1;
	if (*f1 == '#' || *f1 == '\t')
		return false;
	/* the short name is checked only when it is the name: to its first
	 * control byte (TAB, LF, CR, NUL) first */
	for (stop1 = f1; (unsigned char)*stop1 >= 0x20; stop1++)
		;
	if (stop1 == f1)
		return false;
	if (*stop1 != '\t') {
		name = f1; /* the short name alone */
		stop = stop1;
		if (!hk_text_printable(f1, (size_t)(stop1 - f1)) || !line_end(arena, len, stop, &next))
			return false;
	} else {
		f2 = f1 + (stop1 - f1) + 1;
		if (*f2 == '#' || *f2 == '\t') /* a comment, or a doubled tab */
			return false;
		stop2 = hk_text_printable_span(f2, end);
		if (stop2 == f2)
			return false;
		name = f2;
		stop = stop2;
		if (*stop == '\t' && stop[1] == '#') {
			/* a comment after the long name: read to the line's end */
			const char *nl = memchr(stop, '\n', (size_t)(end - stop));

			next = nl ? (size_t)(nl - arena) + 1 : len;
		} else if (!line_end(arena, len, stop, &next)) {
			return false;
		}
	}
	arena[stop - arena] = '\0';
	e->name_off = (uint32_t)(name - arena);
	e->registry = OUI_REG_MANUF;
	e->country[0] = e->country[1] = '\0';
	*off = next;
	return true;
}

static int table_load_manuf(struct oui_table *t, const char *path, size_t *ret_skipped)
{
	const struct oui_entry *dup = NULL;
	char *line;
	size_t len, off = 0, cap, skipped = 0, lineno = 0;
	int r;

	memset(t, 0, sizeof(*t));
	r = hk_read_file(path, OUI_FILE_MAX, &t->arena, &len);
	if (r < 0)
		return r;
	cap = 0;
	if (hk_grow((void **)&t->ent, &cap, len / 32 + 16, sizeof(*t->ent)) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	while (off < len) {
		if (++lineno > OUI_ENTRIES_MAX) {
			r = -EFBIG;
			goto fail;
		}
		if (t->n == cap && hk_grow((void **)&t->ent, &cap, t->n + 1, sizeof(*t->ent)) < 0) {
			r = -ENOMEM;
			goto fail;
		}
		if (fast_lines && manuf_fast_line(t->arena, len, &off, &t->ent[t->n])) {
			t->n++;
			continue;
		}
		line = hk_text_next_line(t->arena, len, &off);
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (manuf_parse_line(line, t->arena, &t->ent[t->n]))
			t->n++;
		else
			skipped++;
	}
	/* Wireshark's own entries come first and take precedence (its header
	 * says so), hence the first of a duplicate wins. */
	(void)table_index(t, true, &dup);
	*ret_skipped = skipped;
	return 0;
fail:
	table_release(t);
	return r;
}

struct oui_db *oui_db_open(const char *path, const char *manuf_path, char *errbuf, size_t errsz)
{
	struct oui_db *db;

	db = calloc(1, sizeof(*db));
	if (!db) {
		hk_errbuf_set(errbuf, errsz, "out of memory");
		return NULL;
	}
	if (table_load_tsv(&db->tsv, path, errbuf, errsz) < 0)
		return oui_db_free(db);
	if (manuf_path && manuf_path[0]) {
		db->manuf_path = strdup(manuf_path);
		if (!db->manuf_path) {
			hk_errbuf_set(errbuf, errsz, "out of memory");
			return oui_db_free(db);
		}
	}
	return db;
}

struct oui_db *oui_db_free(struct oui_db *db)
{
	if (!db)
		return NULL;
	table_release(&db->tsv);
	table_release(&db->manuf);
	free(db->manuf_path);
	free(db);
	return NULL;
}

size_t oui_db_count(const struct oui_db *db)
{
	return db ? db->tsv.n : 0;
}

int oui_db_load_manuf(struct oui_db *db)
{
	if (!db->manuf_tried) {
		db->manuf_tried = true;
		db->manuf_err = db->manuf_path
			? table_load_manuf(&db->manuf, db->manuf_path, &db->n_manuf_skipped)
			: -ENOENT;
	}
	return db->manuf_err < 0 ? db->manuf_err : (int)db->manuf.n;
}

/* Is path's directory (after symlinks) dir or below it? */
static bool path_is_below(const char *path, const char *dir)
{
	char rp[PATH_MAX], rd[PATH_MAX];
	size_t n;

	if (!realpath(path, rp) || !realpath(dir, rd))
		return false;
	n = strlen(rd);
	return strncmp(rp, rd, n) == 0 && (rp[n] == '/' || (n == 1 && rd[0] == '/'));
}

/*
 * The build tree's table is used only by binaries inside the build tree
 * (herkomst, the tests): an installed herkomst must not pick up whatever
 * build directory happened to produce it.
 */
static bool running_from_build_tree(void)
{
	char root[PATH_MAX];
	char *slash;

	if ((size_t)snprintf(root, sizeof(root), "%s", HK_BUILD_DATADIR) >= sizeof(root))
		return false;
	slash = strrchr(root, '/');
	if (!slash || slash == root)
		return false;
	*slash = '\0';
	return path_is_below("/proc/self/exe", root);
}

struct oui_db *oui_db_open_default(char *errbuf, size_t errsz)
{
	char paths[OUI_PATHS_MAX][PATH_MAX];
	const char *why[OUI_PATHS_MAX];
	const char *env = getenv("HERKOMST_DATADIR");
	char tried[OUI_PATHS_MAX * (PATH_MAX + 32)];
	size_t n = 0, i, off = 0;
	bool build_skipped = false;
	struct stat st;

	if (env && env[0] && (size_t)snprintf(paths[n], PATH_MAX, "%s/oui.tsv", env) < PATH_MAX)
		why[n++] = "$HERKOMST_DATADIR";
	if (running_from_build_tree()) {
		snprintf(paths[n], PATH_MAX, "%s/oui.tsv", HK_BUILD_DATADIR);
		why[n++] = "build tree";
	} else {
		build_skipped = true;
	}
	snprintf(paths[n], PATH_MAX, "%s/oui.tsv", HK_INSTALL_DATADIR);
	why[n++] = "install dir";

	tried[0] = '\0';
	for (i = 0; i < n; i++) {
		/* The first file that exists decides: a damaged table is an
		 * error to fix, not a reason to fall back to an older one. */
		if (stat(paths[i], &st) == 0)
			return oui_db_open(paths[i], HK_MANUF_PATH, errbuf, errsz);
		off += (size_t)snprintf(tried + off, sizeof(tried) - off, "%s%s (%s: %s)",
					i ? ", " : "", paths[i], why[i], strerror(errno));
		if (off >= sizeof(tried))
			off = sizeof(tried) - 1;
	}
	hk_errbuf_set(errbuf, errsz,
		"no OUI database found; tried %s%s. Build herkomst with meson, which generates "
		"db/oui.tsv from Debian's ieee-data (apt-get install ieee-data), then run it from "
		"the build tree or `meson install`; or set HERKOMST_DATADIR to the directory "
		"holding oui.tsv",
		tried, build_skipped ? " (the build tree's " HK_BUILD_DATADIR
				       " is used only by binaries inside that build tree)" : "");
	return NULL;
}

static const struct oui_entry *table_find(const struct oui_table *t, uint64_t mac48,
					  unsigned min_bits, unsigned max_bits)
{
	size_t b, lo, hi, mid;
	uint64_t key;
	int i;

	for (i = OUI_BITS_N - 1; i >= 0; i--) {
		if (bits_of[i] > max_bits || bits_of[i] <= min_bits)
			continue;
		b = (size_t)i;
		key = mac48 >> (48 - bits_of[i]);
		lo = t->first[b];
		hi = t->end[b];
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (t->ent[mid].key == key)
				return &t->ent[mid];
			if (t->ent[mid].key < key)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return NULL;
}

static void format_prefix(uint64_t mac48, unsigned bits, char *buf, size_t bufsz)
{
	char text[HK_MAC_STRLEN];
	uint8_t o[6];
	int i;

	for (i = 5; i >= 0; i--) {
		o[i] = (uint8_t)mac48;
		mac48 >>= 8;
	}
	/* hk_mac_fmt, not snprintf: a device's OUI is formatted in every snapshot */
	hk_mac_fmt(o, text);
	if (bits == 24 && bufsz > 8) {
		memcpy(buf, text, 8);
		buf[8] = '\0';
	} else if (bits == 24) {
		snprintf(buf, bufsz, "%.8s", text);
	} else
		snprintf(buf, bufsz, "%s/%u", text, bits);
}

void oui_db_lookup_bits(struct oui_db *db, const uint8_t mac[6], unsigned max_bits,
			struct oui_result *ret)
{
	const struct oui_entry *e, *m;
	const struct oui_table *from = &db->tsv;
	uint64_t mac48 = 0;
	int i;

	memset(ret, 0, sizeof(*ret));
	if (hk_mac_is_multicast(mac)) {
		ret->status = OUI_MULTICAST;
		return;
	}
	if (hk_mac_is_local(mac)) {
		ret->status = OUI_LOCAL;
		return;
	}
	for (i = 0; i < 6; i++)
		mac48 = (mac48 << 8) | mac[i];

	e = table_find(&db->tsv, mac48, 0, max_bits);
	/* Blocks assigned after the ieee-data snapshot are only in manuf: a miss,
	 * or a hit on a registration authority's MA-L whose sub-block is newer
	 * than the snapshot, is looked up there for a longer prefix. */
	if (!e || (e->bits < max_bits && strcmp(db->tsv.arena + e->name_off, OUI_IEEE_RA) == 0)) {
		if (oui_db_load_manuf(db) > 0) {
			m = table_find(&db->manuf, mac48, e ? e->bits : 0, max_bits);
			if (m) {
				e = m;
				from = &db->manuf;
			}
		}
	}
	if (!e) {
		ret->status = OUI_UNREGISTERED;
		return;
	}
	ret->status = OUI_FOUND;
	ret->registry = (enum oui_registry)e->registry;
	ret->bits = e->bits;
	format_prefix(e->key << (48 - e->bits), e->bits, ret->prefix, sizeof(ret->prefix));
	copy_name(ret->registrant, sizeof(ret->registrant), from->arena + e->name_off);
	if (e->country[0]) {
		ret->country[0] = e->country[0];
		ret->country[1] = e->country[1];
		ret->country[2] = '\0';
	}
}

void oui_db_lookup(struct oui_db *db, const uint8_t mac[6], struct oui_result *ret)
{
	oui_db_lookup_bits(db, mac, 48, ret);
}
