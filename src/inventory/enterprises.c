/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IANA Private Enterprise Numbers → organisation (see enterprises.h).
 *
 * The file (Wireshark's tools/make-sminmpec.py output, from
 * https://www.iana.org/assignments/enterprise-numbers) reads:
 *   # comment
 *   9<TAB>ciscoSystems
 *   95<TAB>Rockwell Automation, Inc.<TAB># formerly 'Allen-Bradley Company'
 * Its header allows any run of spaces and tabs after the number. A name may
 * itself contain '#' ("Grant County PUD #2") and spaces, so a comment starts
 * only after a TAB that ends the name; trailing spaces of a name (a few IANA
 * entries have them) are dropped.
 *
 * Like oui.c the table is the file's bytes kept as one arena, names
 * NUL-terminated in place, plus one sorted array of (number, offset): a few
 * allocations, a single pass (the file is sorted; it is sorted here if not),
 * and a binary search per lookup. 62,000 entries, 1.7 MB (2024). The usual
 * line is read in that pass byte by byte (fast_line); any other is cut and
 * parsed the strict way (parse_line), which says what is wrong with it.
 */
#include "core/text.h"
#include "core/util.h"
#include "inventory/enterprises.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ENT_DB_DEFAULT_PATH "/usr/share/wireshark/enterprises.tsv"
#define ENT_FILE_MAX (64u << 20)    /* 1.7 MB in 2024 */
#define ENT_ENTRIES_MAX 4000000u    /* 62,240 in 2024 */
#define ENT_NAME_MAX 512            /* bytes; the longest in 2024 is 182 */

struct ent_entry {
	uint32_t number;
	uint32_t name_off; /* into the arena */
};

struct ent_db {
	char *arena;
	struct ent_entry *ent; /* sorted by number, unique */
	size_t n;
	char *path;
};

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* "NUMBER<blanks>NAME[<TAB>...# comment]": NULL, or what is wrong. */
static const char *parse_line(char *line, const char *arena, struct ent_entry *e)
{
	uint64_t v = 0;
	char *p = line, *name, *end;
	size_t n;

	if (*p < '0' || *p > '9')
		return "expected an enterprise number at the start of the line";
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return "enterprise number above 4294967295";
	}
	if (!is_blank(*p))
		return "expected spaces or tabs between the number and the name";
	while (is_blank(*p))
		p++;
	name = p;
	end = strchrnul(name, '\t'); /* the name's end either way: no strlen after */
	if (*end) {
		char *q = end;

		while (is_blank(*q))
			q++;
		if (*q != '\0' && *q != '#')
			return "text after the name that is not a '#' comment";
		*end = '\0';
	}
	n = (size_t)(end - name);
	while (n > 0 && name[n - 1] == ' ')
		name[--n] = '\0';
	if (n == 0)
		return "the organisation name is empty"; /* a name may start with '#': "#B4mad ..." */
	if (n >= ENT_NAME_MAX)
		return "organisation name longer than ENT_NAME_MAX bytes";
	if (!hk_text_printable(name, n))
		return "organisation name is not printable UTF-8";
	e->number = (uint32_t)v;
	e->name_off = (uint32_t)(name - arena);
	return NULL;
}

/* ent_fast_lines_set: the tests compare the one-pass reading with the strict one */
static bool fast_lines = true;

void ent_fast_lines_set(bool on)
{
	fast_lines = on;
}

/*
 * The usual line ("9\tciscoSystems\n", "95\tRockwell ...\t# formerly ...")
 * read in one pass over its bytes: no line count first, no line cut, no
 * strchrnul. Taken (*off moves past it) only when parse_line would take it,
 * to the same entry; any other line (a comment, a blank, leading blanks,
 * anything odd or wrong) returns false untouched, for the strict path to
 * read or report.
 */
static bool fast_line(char *arena, size_t len, size_t *off, struct ent_entry *e)
{
	char *s = arena + *off, *p = s, *name;
	const char *end = arena + len, *stop, *q;
	uint64_t v = 0;
	size_t n, next;

	/* at most 10 digits: 4294967295 (longer or larger: the strict path) */
	while (*p >= '0' && *p <= '9' && p - s < 10)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == s || v > UINT32_MAX || !is_blank(*p))
		return false;
	while (is_blank(*p))
		p++;
	name = p;
	stop = hk_text_printable_span(name, end);
	q = stop;
	if (*q == '\t') { /* blanks, then a '#' comment or the line's end */
		while (is_blank(*q))
			q++;
		if (*q == '#') {
			const char *nl = memchr(q, '\n', (size_t)(end - q));

			next = nl ? (size_t)(nl - arena) + 1 : len;
		} else if (q == end || *q == '\n' || (*q == '\r' && (q + 1 == end || q[1] == '\n'))) {
			next = (size_t)(q - arena) + (q < end) + (*q == '\r' && q + 1 < end);
		} else {
			return false;
		}
	} else if (stop == end || *stop == '\n' || (*stop == '\r' && (stop + 1 == end || stop[1] == '\n'))) {
		next = (size_t)(stop - arena) + (stop < end) + (*stop == '\r' && stop + 1 < end);
	} else {
		return false;
	}
	n = (size_t)(stop - name);
	while (n > 0 && name[n - 1] == ' ')
		n--;
	if (n == 0 || n >= ENT_NAME_MAX)
		return false;
	name[n] = '\0';
	e->number = (uint32_t)v;
	e->name_off = (uint32_t)(name - arena);
	*off = next;
	return true;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct ent_entry *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->name_off < y->name_off ? -1 : x->name_off > y->name_off;
}

struct ent_db *ent_db_free(struct ent_db *db)
{
	if (!db)
		return NULL;
	free(db->arena);
	free(db->ent);
	free(db->path);
	free(db);
	return NULL;
}

struct ent_db *ent_db_open(const char *path, char *err, size_t errsz)
{
	struct ent_db *db;
	const char *what;
	char *line;
	size_t len = 0, off = 0, cap, i;
	unsigned lineno = 0;
	bool sorted = true;
	int r;

	if (!path) {
		path = getenv(ENT_DB_ENV);
		if (!path || !path[0])
			path = ENT_DB_DEFAULT_PATH;
	}
	db = calloc(1, sizeof(*db));
	if (!db || !(db->path = strdup(path))) {
		set_err(err, errsz, "%s: out of memory", path);
		return ent_db_free(db);
	}
	r = hk_read_file(path, ENT_FILE_MAX, &db->arena, &len);
	if (r < 0) {
		if (r == -EFBIG)
			set_err(err, errsz, "%s: larger than %u bytes", path, ENT_FILE_MAX);
		else if (r == -ENOENT)
			set_err(err, errsz,
				"%s: %s (Wireshark's IANA enterprise numbers: apt-get install "
				"libwireshark-data, or set " ENT_DB_ENV " to a file in its format)",
				path, strerror(-r));
		else
			set_err(err, errsz, "%s: %s", path, strerror(-r));
		return ent_db_free(db);
	}
	/* the array grows as the lines are read (≈27 bytes each): no pass
	 * that counts them first */
	cap = 0;
	if (hk_grow((void **)&db->ent, &cap, len / 24 + 16, sizeof(*db->ent)) < 0) {
		set_err(err, errsz, "%s: out of memory", path);
		return ent_db_free(db);
	}
	while (off < len) {
		if (++lineno > ENT_ENTRIES_MAX) {
			set_err(err, errsz, "%s: more than %u lines", path, ENT_ENTRIES_MAX);
			return ent_db_free(db);
		}
		if (db->n == cap && hk_grow((void **)&db->ent, &cap, db->n + 1, sizeof(*db->ent)) < 0) {
			set_err(err, errsz, "%s: out of memory", path);
			return ent_db_free(db);
		}
		if (!fast_lines || !fast_line(db->arena, len, &off, &db->ent[db->n])) {
			char *p;

			line = hk_text_next_line(db->arena, len, &off);
			p = line;
			while (is_blank(*p))
				p++;
			if (*p == '\0' || *p == '#')
				continue;
			what = parse_line(p, db->arena, &db->ent[db->n]);
			if (what) {
				set_err(err, errsz, "%s:%u: %s", path, lineno, what);
				return ent_db_free(db);
			}
		}
		if (db->n > 0 && db->ent[db->n - 1].number >= db->ent[db->n].number)
			sorted = false;
		db->n++;
	}
	if (db->n == 0) {
		set_err(err, errsz, "%s: no entries", path);
		return ent_db_free(db);
	}
	if (!sorted)
		qsort(db->ent, db->n, sizeof(*db->ent), entry_cmp);
	for (i = 1; i < db->n; i++) {
		if (db->ent[i - 1].number == db->ent[i].number) {
			set_err(err, errsz, "%s: enterprise number %u is listed twice", path,
				db->ent[i].number);
			return ent_db_free(db);
		}
	}
	return db;
}

const char *ent_db_name(const struct ent_db *db, uint32_t n)
{
	size_t lo = 0, hi;

	if (!db)
		return NULL;
	hi = db->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (db->ent[mid].number == n)
			return db->arena + db->ent[mid].name_off;
		if (db->ent[mid].number < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t ent_db_count(const struct ent_db *db)
{
	return db ? db->n : 0;
}

const char *ent_db_path(const struct ent_db *db)
{
	return db ? db->path : NULL;
}
