/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Manufacturer name → company → controlling company and country, from
 * signatures/ownership/companies.tsv and aliases.tsv. origin.h has the
 * contract; signatures/ownership/README.md the format; docs/origin.md the
 * sources and the decisions.
 *
 * Both files are read whole (ORIGIN_FILE_SIZE_MAX) and parsed from memory,
 * so origin_load_buffer() (the fuzz target) runs the same code as the
 * service. The loader is strict and stops at the first error, reported as
 * "file:line: what is wrong": first the errors of a line on its own (in
 * file order), then those between lines (duplicates, unknown parents,
 * loops), the earliest line first.
 *
 * What it defends against: a typo that silently moves a vendor to another
 * country (an unknown parent id, a country code that is not one, two
 * companies for one alias), a parent loop that would hang a lookup, a
 * regex that matches more than the whole name (patterns are compiled
 * anchored at both ends), a regex that backtracks forever (match and depth
 * limits), and hostile file contents (NUL, control bytes, bad UTF-8, lines
 * and files past their limits).
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "core/text.h"
#include "inventory/origin.h"

#include "core/util.h"

#include <errno.h>
#include <jansson.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN_FILE_SIZE_MAX (8u << 20) /* bytes of one file */
#define ORIGIN_LINE_MAX 4096u           /* bytes of one line, without its LF */
#define ORIGIN_ID_MAX 63u               /* characters of a company id */
#define ORIGIN_TEXT_MAX 159u            /* characters of a name or a controller (reports keep 160) */
#define ORIGIN_ALIAS_LEN_MAX 255u       /* characters of an alias or a pattern */
#define ORIGIN_REFERENCE_MAX 2048u      /* characters of a reference */
#define ORIGIN_RESOLVE_MAX 512u         /* bytes of a name origin_resolve folds; longer ones never match */
#define ORIGIN_MATCH_LIMIT 100000u      /* PCRE2 match limit per pattern and name */
#define ORIGIN_DEPTH_LIMIT 1000u        /* PCRE2 backtracking depth limit */
#define ORIGIN_MSG_MAX 512u
#define ORIGIN_PATH_MAX 4096u
#define ORIGIN_ISO_CODES_MAX 400u

#define ORIGIN_ISO3166_JSON "/usr/share/iso-codes/json/iso_3166-1.json"
#define ORIGIN_ISO_FILE_MAX (4u << 20) /* bytes of that file (43 KB in 2023); larger: not the expected file */

static const char companies_header[] =
	"id\tname\thq\tparent\tcontrol_country\tcontroller\tstate\tstate_share\tas_of\treference";
static const char aliases_header[] = "alias\tmatch\tcompany\treference";

enum { CO_ID = 0, CO_NAME, CO_HQ, CO_PARENT, CO_CONTROL, CO_CONTROLLER, CO_STATE, CO_SHARE, CO_AS_OF,
       CO_REFERENCE, CO__N };
enum { AL_ALIAS = 0, AL_MATCH, AL_COMPANY, AL_REFERENCE, AL__N };
#define ORIGIN_COLUMNS_MAX CO__N

enum alias_kind { ALIAS_EXACT = 0, ALIAS_PREFIX, ALIAS_REGEX };
static const char *const alias_kind_names[] = { "exact", "prefix", "regex" };

static const char *const state_names[] = {
	[ORIGIN_STATE_NONE] = "none",
	[ORIGIN_STATE_LINKED_VIA_PARENT] = "linked-via-parent",
	[ORIGIN_STATE_MINORITY] = "minority",
	[ORIGIN_STATE_CONTROLLED] = "controlled",
};
#define ORIGIN_N_STATES (sizeof(state_names) / sizeof(state_names[0]))

struct co {
	struct origin_company pub; /* strings point into mem */
	char *mem;                 /* one block with every string of the row */
	const char *parent_name;   /* as written (in mem), until the parents are resolved */
	size_t line;
};

struct al {
	char *key; /* folded alias (exact, prefix), or the pattern (regex) */
	enum alias_kind kind;
	size_t co;  /* index into db->cos */
	size_t line;
	pcre2_code *re;
	char rule[48]; /* "aliases.tsv:12" */
};

struct origin_db {
	struct co *cos; /* file order */
	size_t n_cos, cap_cos;
	size_t *by_id; /* indices into cos, sorted by id */
	struct al *als; /* file order while loading */
	size_t n_als, cap_als;
	struct al **exact, **prefix, **regex; /* views: by key, by key, file order */
	size_t n_exact, n_prefix, n_regex;
	pcre2_match_context *mctx;
};

struct oerr {
	char *buf;
	size_t sz;
	bool set;
};

/* A cross-line error: the earliest line wins. */
struct later {
	bool set;
	size_t line;
	char msg[ORIGIN_MSG_MAX];
};

static void fail(struct oerr *e, const char *file, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(struct oerr *e, const char *file, size_t line, const char *fmt, ...)
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

static void later_set(struct later *l, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void later_set(struct later *l, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (l->set && l->line <= line)
		return;
	l->set = true;
	l->line = line;
	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ countries */

static struct {
	pthread_once_t once;
	bool have_list;
	size_t n;
	char codes[ORIGIN_ISO_CODES_MAX][3]; /* sorted */
} iso = { .once = PTHREAD_ONCE_INIT };

static int code_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* The list from iso-codes; when it cannot be read (not installed, not the
 * expected layout), any two capital letters pass. */
static void iso_load(void)
{
	json_error_t jerr;
	json_t *root, *arr, *item;
	char *buf = NULL;
	size_t i, len = 0;

	/* read whole, then parsed: json_load_file reads a byte per getc */
	if (hk_read_file(ORIGIN_ISO3166_JSON, ORIGIN_ISO_FILE_MAX, &buf, &len) < 0)
		return;
	root = json_loadb(buf, len, 0, &jerr);
	free(buf);
	if (!root)
		return;
	arr = json_object_get(root, "3166-1");
	if (!json_is_array(arr))
		goto out;
	json_array_foreach(arr, i, item) {
		const char *a2 = json_string_value(json_object_get(item, "alpha_2"));
		if (!a2 || strlen(a2) != 2 || iso.n >= ORIGIN_ISO_CODES_MAX)
			continue;
		memcpy(iso.codes[iso.n], a2, 3);
		iso.n++;
	}
	if (iso.n > 0) {
		qsort(iso.codes, iso.n, sizeof(iso.codes[0]), code_cmp);
		iso.have_list = true;
	}
out:
	json_decref(root);
}

bool origin_country_valid(const char *cc)
{
	if (!cc || !(cc[0] >= 'A' && cc[0] <= 'Z') || !(cc[1] >= 'A' && cc[1] <= 'Z') || cc[2])
		return false;
	pthread_once(&iso.once, iso_load);
	if (!iso.have_list)
		return true;
	return bsearch(cc, iso.codes, iso.n, sizeof(iso.codes[0]), code_cmp) != NULL;
}

/* ------------------------------------------------------------- folding */

static bool fold_sep(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == ',' ||
	       c == '.' || c == '-' || c == '(' || c == ')' || c == '&';
}

/* origin.h's folding into out; false when it does not fit. */
static bool fold(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	bool sep = false;

	if (outsz == 0)
		return false;
	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		if (fold_sep(c)) {
			sep = o > 0;
			continue;
		}
		if (sep) {
			if (o + 1 >= outsz)
				return false;
			out[o++] = ' ';
			sep = false;
		}
		if (o + 1 >= outsz)
			return false;
		out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
	}
	out[o] = '\0';
	return true;
}

/* ------------------------------------------------------- line checking */


/* A line: UTF-8, no control bytes but TAB, no CR. */
static bool line_ok(const char *file, size_t line, const char *s, size_t n, struct oerr *e)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k;
		if (c == '\r') {
			fail(e, file, line, "CR before the line end: save the file with LF line ends");
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			fail(e, file, line, "control byte 0x%02x at column %zu", c, i + 1);
			return false;
		}
		k = hk_utf8_len((const unsigned char *)s + i, n - i);
		if (k == 0) {
			fail(e, file, line, "not UTF-8: byte 0x%02x at column %zu", c, i + 1);
			return false;
		}
		i += k;
	}
	return true;
}

/* Splits a line in place at TABs; returns the column count, or max + 1 when
 * there are more. */
static size_t split(char *s, char **col, size_t max)
{
	size_t n = 0;

	col[n++] = s;
	for (char *p = s; *p; p++) {
		if (*p != '\t')
			continue;
		if (n == max)
			return max + 1;
		*p = '\0';
		col[n++] = p + 1;
	}
	return n;
}

/* Every column: not empty, no white space at either end, bounded. */
static bool columns_ok(const char *file, size_t line, char **col, const char *const *names, size_t n,
		       struct oerr *e)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(col[i]);
		if (len == 0) {
			fail(e, file, line, "column %s is empty (write '-' where the format allows it)", names[i]);
			return false;
		}
		if (col[i][0] == ' ' || col[i][len - 1] == ' ') {
			fail(e, file, line, "column %s has white space at its start or end", names[i]);
			return false;
		}
	}
	return true;
}

typedef bool (*row_fn)(struct origin_db *db, const char *file, size_t line, char **col, struct oerr *e);

/*
 * Walks a file's bytes: '#' comment lines and empty lines are skipped, the
 * first other line must be the header, every later one has exactly ncol
 * TAB-separated columns.
 */
static bool parse_buffer(struct origin_db *db, const char *file, const char *buf, size_t len, const char *header,
			 const char *const *names, size_t ncol, row_fn fn, struct oerr *e)
{
	char tmp[ORIGIN_LINE_MAX + 1];
	size_t off = 0, line = 0;
	bool seen_header = false;

	if (len > ORIGIN_FILE_SIZE_MAX) {
		fail(e, file, 0, "larger than %u bytes", ORIGIN_FILE_SIZE_MAX);
		return false;
	}
	if (len > 0 && memchr(buf, '\0', len)) {
		const char *z = memchr(buf, '\0', len);
		size_t zl = 1;
		for (const char *p = buf; p < z; p++)
			zl += *p == '\n';
		fail(e, file, zl, "NUL byte");
		return false;
	}
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;
		char *col[ORIGIN_COLUMNS_MAX + 1];
		size_t got;

		line++;
		if (n > ORIGIN_LINE_MAX) {
			fail(e, file, line, "line longer than %u bytes", ORIGIN_LINE_MAX);
			return false;
		}
		memcpy(tmp, buf + off, n);
		tmp[n] = '\0';
		off += n + (nl ? 1 : 0);
		if (!line_ok(file, line, tmp, n, e))
			return false;
		if (n == 0 || tmp[0] == '#')
			continue;
		if (!seen_header) {
			if (strcmp(tmp, header) != 0) {
				fail(e, file, line, "the first line that is not a comment must be the header \"%s\" "
					"(TAB-separated)", header);
				return false;
			}
			seen_header = true;
			continue;
		}
		got = split(tmp, col, ncol);
		if (got != ncol) {
			fail(e, file, line, "%s%zu columns, want %zu (%s)", got > ncol ? "more than " : "",
			     got > ncol ? ncol : got, ncol, header);
			return false;
		}
		if (!columns_ok(file, line, col, names, ncol, e) || !fn(db, file, line, col, e))
			return false;
	}
	if (!seen_header) {
		fail(e, file, 0, "no header line \"%s\"", header);
		return false;
	}
	return true;
}

/* ---------------------------------------------------------- companies */

static const char *const company_columns[CO__N] = {
	"id", "name", "hq", "parent", "control_country", "controller", "state", "state_share", "as_of", "reference",
};
static const char *const alias_columns[AL__N] = { "alias", "match", "company", "reference" };

static bool id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ORIGIN_ID_MAX || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == '_'))
			return false;
	return true;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* YYYY or YYYY-MM-DD, a real calendar date between 1900 and 2100. */
static bool date_ok(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t n = strlen(s);
	int y, m, d;

	if ((n != 4 && n != 10) || !all_digits(s, 4))
		return false;
	y = atoi(s);
	if (y < 1900 || y > 2100)
		return false;
	if (n == 4)
		return true;
	if (s[4] != '-' || s[7] != '-' || !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
		return false;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	return true;
}

/* "-" (unknown) or a percentage: 1 to 3 digits, optionally '.' and 1 to 4
 * digits, 0 to 100. */
static bool share_parse(const char *s, double *ret)
{
	const char *dot = strchr(s, '.');
	size_t ip = dot ? (size_t)(dot - s) : strlen(s);
	double v;

	if (strcmp(s, "-") == 0) {
		*ret = -1.0;
		return true;
	}
	if (ip < 1 || ip > 3 || !all_digits(s, ip))
		return false;
	if (dot && (strlen(dot + 1) < 1 || strlen(dot + 1) > 4 || !all_digits(dot + 1, strlen(dot + 1))))
		return false;
	/* by hand, not strtod: the locale's decimal point may not be '.' */
	v = 0.0;
	for (size_t i = 0; i < ip; i++)
		v = v * 10.0 + (s[i] - '0');
	if (dot) {
		double scale = 0.1;
		for (const char *f = dot + 1; *f; f++, scale /= 10.0)
			v += (*f - '0') * scale;
	}
	if (v > 100.0)
		return false;
	*ret = v;
	return true;
}

static bool state_parse(const char *s, enum origin_state *ret)
{
	for (size_t i = 0; i < ORIGIN_N_STATES; i++)
		if (strcmp(s, state_names[i]) == 0) {
			*ret = (enum origin_state)i;
			return true;
		}
	return false;
}

static bool text_ok(const char *file, size_t line, const char *what, const char *s, size_t max, struct oerr *e)
{
	if (strlen(s) > max) {
		fail(e, file, line, "%s longer than %zu bytes", what, max);
		return false;
	}
	return true;
}

static void co_free(struct co *c)
{
	free(c->mem);
}

/* Copies the row's strings into one block; pub's strings point into it. */
static bool co_strings(struct co *c, char **col)
{
	static const int keep[] = { CO_ID, CO_NAME, CO_HQ, CO_PARENT, CO_CONTROL, CO_CONTROLLER, CO_AS_OF,
				    CO_REFERENCE };
	const char *at[CO__N] = { 0 };
	size_t total = 0;
	char *p;

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		total += strlen(col[keep[i]]) + 1;
	p = c->mem = malloc(total);
	if (!p)
		return false;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		size_t n = strlen(col[keep[i]]) + 1;
		memcpy(p, col[keep[i]], n);
		at[keep[i]] = p;
		p += n;
	}
	c->pub.id = at[CO_ID];
	c->pub.name = at[CO_NAME];
	c->pub.hq_country = at[CO_HQ];
	c->pub.control_country = at[CO_CONTROL];
	c->pub.controller = at[CO_CONTROLLER];
	c->pub.as_of = at[CO_AS_OF];
	c->pub.reference = at[CO_REFERENCE];
	c->pub.parent_id = NULL; /* set once the parent is found */
	c->parent_name = strcmp(at[CO_PARENT], "-") == 0 ? NULL : at[CO_PARENT];
	return true;
}

static bool row_company(struct origin_db *db, const char *file, size_t line, char **col, struct oerr *e)
{
	struct co c;
	enum origin_state st;
	double share;

	memset(&c, 0, sizeof(c));
	if (!id_ok(col[CO_ID])) {
		fail(e, file, line, "id \"%s\" must be 1 to %u characters of a-z, 0-9, '-', '.', '_', starting "
			"with a letter or digit", col[CO_ID], ORIGIN_ID_MAX);
		return false;
	}
	if (!text_ok(file, line, "name", col[CO_NAME], ORIGIN_TEXT_MAX, e) ||
	    !text_ok(file, line, "controller", col[CO_CONTROLLER], ORIGIN_TEXT_MAX, e) ||
	    !text_ok(file, line, "reference", col[CO_REFERENCE], ORIGIN_REFERENCE_MAX, e))
		return false;
	if (strcmp(col[CO_NAME], "-") == 0 || strcmp(col[CO_CONTROLLER], "-") == 0) {
		fail(e, file, line, "name and controller must be text, not '-' (write \"widely held\", "
			"\"founder-controlled\", \"not researched\", ...)");
		return false;
	}
	if (!origin_country_valid(col[CO_HQ])) {
		fail(e, file, line, "hq \"%s\" is not an ISO 3166-1 alpha-2 country code", col[CO_HQ]);
		return false;
	}
	if (!origin_country_valid(col[CO_CONTROL])) {
		fail(e, file, line, "control_country \"%s\" is not an ISO 3166-1 alpha-2 country code",
		     col[CO_CONTROL]);
		return false;
	}
	if (strcmp(col[CO_PARENT], "-") != 0 && !id_ok(col[CO_PARENT])) {
		fail(e, file, line, "parent \"%s\" is neither '-' nor a company id", col[CO_PARENT]);
		return false;
	}
	if (strcmp(col[CO_PARENT], col[CO_ID]) == 0) {
		fail(e, file, line, "company %s is its own parent", col[CO_ID]);
		return false;
	}
	if (!state_parse(col[CO_STATE], &st)) {
		fail(e, file, line, "state \"%s\" is not one of none, linked-via-parent, minority, controlled",
		     col[CO_STATE]);
		return false;
	}
	if (!share_parse(col[CO_SHARE], &share)) {
		fail(e, file, line, "state_share \"%s\" is neither '-' nor a percentage from 0 to 100 "
			"(digits, at most 4 decimals)", col[CO_SHARE]);
		return false;
	}
	if (st == ORIGIN_STATE_NONE && share > 0.0) {
		fail(e, file, line, "state is none but state_share is %s", col[CO_SHARE]);
		return false;
	}
	if (!date_ok(col[CO_AS_OF])) {
		fail(e, file, line, "as_of \"%s\" is not a date YYYY-MM-DD or a year YYYY (1900..2100)",
		     col[CO_AS_OF]);
		return false;
	}
	if (strcmp(col[CO_REFERENCE], "-") == 0) {
		fail(e, file, line, "reference is '-': every fact needs a source (or \"unverified: ...\")");
		return false;
	}
	if (db->n_cos >= ORIGIN_COMPANIES_MAX) {
		fail(e, file, line, "more than %u companies", ORIGIN_COMPANIES_MAX);
		return false;
	}
	c.line = line;
	c.pub.state = st;
	c.pub.state_share = share;
	if (!co_strings(&c, col) || hk_grow((void **)&db->cos, &db->cap_cos, db->n_cos + 1, sizeof(*db->cos)) < 0) {
		co_free(&c);
		fail(e, file, line, "out of memory");
		return false;
	}
	db->cos[db->n_cos++] = c;
	return true;
}

static int by_id_cmp(const void *a, const void *b, void *ctx)
{
	const struct origin_db *db = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(db->cos[x].pub.id, db->cos[y].pub.id);
	if (r)
		return r;
	return (db->cos[x].line > db->cos[y].line) - (db->cos[x].line < db->cos[y].line);
}

static struct co *find_co(const struct origin_db *db, const char *id)
{
	size_t lo = 0, hi = db->n_cos;

	if (!db->by_id)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(db->cos[db->by_id[mid]].pub.id, id);
		if (r == 0) {
			/* the first of equal ids: duplicates are an error anyway */
			while (mid > 0 && strcmp(db->cos[db->by_id[mid - 1]].pub.id, id) == 0)
				mid--;
			return &db->cos[db->by_id[mid]];
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Duplicate ids, unknown parents, loops and chains past the depth limit, and
 * a control country that differs from the top company's. */
static bool companies_link(struct origin_db *db, const char *file, struct oerr *e)
{
	struct later l = { 0 };

	db->by_id = malloc((db->n_cos ? db->n_cos : 1) * sizeof(*db->by_id));
	if (!db->by_id) {
		fail(e, file, 0, "out of memory");
		return false;
	}
	for (size_t i = 0; i < db->n_cos; i++)
		db->by_id[i] = i;
	qsort_r(db->by_id, db->n_cos, sizeof(*db->by_id), by_id_cmp, db);
	for (size_t i = 1; i < db->n_cos; i++) {
		const struct co *a = &db->cos[db->by_id[i - 1]], *b = &db->cos[db->by_id[i]];
		if (strcmp(a->pub.id, b->pub.id) == 0)
			later_set(&l, b->line, "company id %s is listed twice (first at line %zu)", b->pub.id,
				  a->line);
	}
	for (size_t i = 0; i < db->n_cos; i++) {
		struct co *c = &db->cos[i];
		const struct co *p;
		if (!c->parent_name)
			continue;
		p = find_co(db, c->parent_name);
		if (!p) {
			later_set(&l, c->line, "parent \"%s\" is not a company id in this file", c->parent_name);
			continue;
		}
		c->pub.parent_id = p->pub.id;
	}
	if (!l.set) {
		for (size_t i = 0; i < db->n_cos; i++) {
			const struct co *c = &db->cos[i];
			const struct origin_company *t = &c->pub;
			char chain[ORIGIN_MSG_MAX / 2];
			size_t hops = 0, off;

			off = (size_t)snprintf(chain, sizeof(chain), "%s", c->pub.id);
			while (t->parent_id && hops < ORIGIN_PARENT_DEPTH_MAX) {
				t = &find_co(db, t->parent_id)->pub;
				hops++;
				if (off < sizeof(chain))
					off += (size_t)snprintf(chain + off, sizeof(chain) - off, " -> %s", t->id);
			}
			if (t->parent_id) {
				later_set(&l, c->line, "parent chain %s... is a loop or longer than %u links", chain,
					  ORIGIN_PARENT_DEPTH_MAX);
				continue;
			}
			if (t != &c->pub && strcmp(t->control_country, c->pub.control_country) != 0)
				later_set(&l, c->line, "control_country %s differs from %s of the top company %s (%s); "
					  "a parent is the controlling owner, so they must agree",
					  c->pub.control_country, t->control_country, t->id, chain);
		}
	}
	if (l.set) {
		fail(e, file, l.line, "%s", l.msg);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------- aliases */

static bool regex_anchored_text(const char *p)
{
	size_t n = strlen(p), bs = 0;

	if (n < 2 || p[0] != '^' || p[n - 1] != '$')
		return false;
	/* the '$' must not be escaped: count the backslashes before it */
	for (size_t i = n - 1; i > 0 && p[i - 1] == '\\'; i--)
		bs++;
	return bs % 2 == 0;
}

static bool row_alias(struct origin_db *db, const char *file, size_t line, char **col, struct oerr *e)
{
	struct al a;
	char folded[ORIGIN_ALIAS_LEN_MAX + 1];
	const struct co *c;
	const char *base = strrchr(file, '/');

	memset(&a, 0, sizeof(a));
	if (!text_ok(file, line, "alias", col[AL_ALIAS], ORIGIN_ALIAS_LEN_MAX, e) ||
	    !text_ok(file, line, "reference", col[AL_REFERENCE], ORIGIN_REFERENCE_MAX, e))
		return false;
	if (strcmp(col[AL_MATCH], "exact") == 0)
		a.kind = ALIAS_EXACT;
	else if (strcmp(col[AL_MATCH], "prefix") == 0)
		a.kind = ALIAS_PREFIX;
	else if (strcmp(col[AL_MATCH], "regex") == 0)
		a.kind = ALIAS_REGEX;
	else {
		fail(e, file, line, "match \"%s\" is not one of exact, prefix, regex", col[AL_MATCH]);
		return false;
	}
	c = find_co(db, col[AL_COMPANY]);
	if (!c) {
		fail(e, file, line, "company \"%s\" is not an id in companies.tsv", col[AL_COMPANY]);
		return false;
	}
	if (strcmp(col[AL_REFERENCE], "-") == 0) {
		fail(e, file, line, "reference is '-': say where the name comes from");
		return false;
	}
	if (db->n_als >= ORIGIN_ALIASES_MAX) {
		fail(e, file, line, "more than %u aliases", ORIGIN_ALIASES_MAX);
		return false;
	}
	if (a.kind == ALIAS_REGEX) {
		int ec;
		PCRE2_SIZE eo;
		if (!regex_anchored_text(col[AL_ALIAS])) {
			fail(e, file, line, "a regex alias must start with '^' and end with an unescaped '$' "
				"(it is matched against the whole name)");
			return false;
		}
		/* Names are ASCII (observations are escaped), so no UTF mode, and a
		 * pattern cannot switch it on. Anchored at both ends whatever the
		 * pattern's alternatives say. */
		a.re = pcre2_compile((PCRE2_SPTR)col[AL_ALIAS], PCRE2_ZERO_TERMINATED,
				     PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP |
					     PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
				     &ec, &eo, NULL);
		if (!a.re) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			fail(e, file, line, "regex does not compile at offset %zu: %s", (size_t)eo, (char *)msg);
			return false;
		}
		a.key = strdup(col[AL_ALIAS]);
	} else {
		if (!fold(col[AL_ALIAS], folded, sizeof(folded)) || folded[0] == '\0') {
			fail(e, file, line, "alias \"%s\" is empty after folding (case, white space, \",.-()&\")",
			     col[AL_ALIAS]);
			return false;
		}
		a.key = strdup(folded);
	}
	a.co = (size_t)(c - db->cos);
	a.line = line;
	snprintf(a.rule, sizeof(a.rule), "%.32s:%zu", base ? base + 1 : file, line);
	if (!a.key || hk_grow((void **)&db->als, &db->cap_als, db->n_als + 1, sizeof(*db->als)) < 0) {
		free(a.key);
		pcre2_code_free(a.re);
		fail(e, file, line, "out of memory");
		return false;
	}
	db->als[db->n_als++] = a;
	return true;
}

static int al_key_cmp(const void *a, const void *b)
{
	const struct al *x = *(const struct al *const *)a, *y = *(const struct al *const *)b;
	int r = strcmp(x->key, y->key);
	if (r)
		return r;
	return (x->line > y->line) - (x->line < y->line);
}

/* Builds the lookup views and refuses one folded alias for two companies
 * (whatever the match kinds), and the same alias twice. */
static bool aliases_index(struct origin_db *db, const char *file, struct oerr *e)
{
	struct later l = { 0 };
	struct al **all;
	size_t n_all = 0;

	db->exact = calloc(db->n_als + 1, sizeof(*db->exact));
	db->prefix = calloc(db->n_als + 1, sizeof(*db->prefix));
	db->regex = calloc(db->n_als + 1, sizeof(*db->regex));
	all = calloc(db->n_als + 1, sizeof(*all));
	if (!db->exact || !db->prefix || !db->regex || !all) {
		free(all);
		fail(e, file, 0, "out of memory");
		return false;
	}
	for (size_t i = 0; i < db->n_als; i++) {
		struct al *a = &db->als[i];
		if (a->kind == ALIAS_EXACT)
			db->exact[db->n_exact++] = a;
		else if (a->kind == ALIAS_PREFIX)
			db->prefix[db->n_prefix++] = a;
		else
			db->regex[db->n_regex++] = a;
		all[n_all++] = a; /* regexes too: the same pattern twice is a mistake */
	}
	qsort(all, n_all, sizeof(*all), al_key_cmp);
	for (size_t i = 1; i < n_all; i++) {
		/* compare with the first line of the run of equal keys */
		size_t j = i;
		while (j > 0 && strcmp(all[j - 1]->key, all[i]->key) == 0)
			j--;
		if (j == i)
			continue;
		if ((all[i]->kind == ALIAS_REGEX) != (all[j]->kind == ALIAS_REGEX))
			continue; /* a pattern and a folded name that happen to be the same text */
		if (all[i]->co != all[j]->co)
			later_set(&l, all[i]->line, "alias \"%s\" (%s) names company %s, but line %zu gives it to %s",
				  all[i]->key, alias_kind_names[all[i]->kind], db->cos[all[i]->co].pub.id, all[j]->line,
				  db->cos[all[j]->co].pub.id);
		else if (all[i]->kind == all[j]->kind)
			later_set(&l, all[i]->line, "alias \"%s\" (%s) is listed twice (first at line %zu)", all[i]->key,
				  alias_kind_names[all[i]->kind], all[j]->line);
	}
	free(all);
	if (l.set) {
		fail(e, file, l.line, "%s", l.msg);
		return false;
	}
	qsort(db->exact, db->n_exact, sizeof(*db->exact), al_key_cmp);
	qsort(db->prefix, db->n_prefix, sizeof(*db->prefix), al_key_cmp);
	db->mctx = pcre2_match_context_create(NULL);
	if (!db->mctx) {
		fail(e, file, 0, "out of memory");
		return false;
	}
	pcre2_set_match_limit(db->mctx, ORIGIN_MATCH_LIMIT);
	pcre2_set_depth_limit(db->mctx, ORIGIN_DEPTH_LIMIT);
	return true;
}

/* ---------------------------------------------------------- loading */

static struct origin_db *load(const char *cfile, const char *cbuf, size_t clen, const char *afile,
			      const char *abuf, size_t alen, char *errbuf, size_t errsz)
{
	struct origin_db *db = calloc(1, sizeof(*db));
	struct oerr e = { .buf = errbuf, .sz = errsz };

	if (errbuf && errsz)
		errbuf[0] = '\0';
	if (!db) {
		fail(&e, cfile, 0, "out of memory");
		return NULL;
	}
	if (!parse_buffer(db, cfile, cbuf, clen, companies_header, company_columns, CO__N, row_company, &e) ||
	    !companies_link(db, cfile, &e) ||
	    !parse_buffer(db, afile, abuf, alen, aliases_header, alias_columns, AL__N, row_alias, &e) ||
	    !aliases_index(db, afile, &e))
		return origin_db_free(db);
	return db;
}

struct origin_db *origin_load_buffer(const char *companies, size_t companies_len, const char *aliases,
				     size_t aliases_len, char *errbuf, size_t errsz)
{
	return load("companies.tsv", companies ? companies : "", companies ? companies_len : 0, "aliases.tsv",
		    aliases ? aliases : "", aliases ? aliases_len : 0, errbuf, errsz);
}

/* Reads a whole file of at most ORIGIN_FILE_SIZE_MAX bytes. */
static char *read_all(const char *path, size_t *ret_len, struct oerr *e)
{
	char *buf = NULL;
	int r = hk_read_file(path, ORIGIN_FILE_SIZE_MAX, &buf, ret_len);

	if (r == 0)
		return buf;
	if (r == -EFBIG)
		fail(e, path, 0, "larger than %u bytes", ORIGIN_FILE_SIZE_MAX);
	else if (r == -EINVAL)
		fail(e, path, 0, "not a regular file");
	else
		fail(e, path, 0, "cannot read: %s", strerror(-r));
	return NULL;
}

struct origin_db *origin_load_dir(const char *sigdir, char *errbuf, size_t errsz)
{
	char cpath[ORIGIN_PATH_MAX], apath[ORIGIN_PATH_MAX];
	struct oerr e = { .buf = errbuf, .sz = errsz };
	char *cbuf = NULL, *abuf = NULL;
	size_t clen = 0, alen = 0;
	struct origin_db *db = NULL;

	if (errbuf && errsz)
		errbuf[0] = '\0';
	if (!sigdir || (size_t)snprintf(cpath, sizeof(cpath), "%s/ownership/companies.tsv", sigdir) >= sizeof(cpath) ||
	    (size_t)snprintf(apath, sizeof(apath), "%s/ownership/aliases.tsv", sigdir) >= sizeof(apath)) {
		fail(&e, sigdir ? "ownership" : "(null)", 0, "the signature directory's name is too long or missing");
		return NULL;
	}
	cbuf = read_all(cpath, &clen, &e);
	if (cbuf)
		abuf = read_all(apath, &alen, &e);
	if (cbuf && abuf)
		db = load(cpath, cbuf, clen, apath, abuf, alen, errbuf, errsz);
	free(cbuf);
	free(abuf);
	return db;
}

struct origin_db *origin_db_free(struct origin_db *db)
{
	if (!db)
		return NULL;
	for (size_t i = 0; i < db->n_cos; i++)
		co_free(&db->cos[i]);
	for (size_t i = 0; i < db->n_als; i++) {
		free(db->als[i].key);
		pcre2_code_free(db->als[i].re);
	}
	pcre2_match_context_free(db->mctx);
	free(db->cos);
	free(db->by_id);
	free(db->als);
	free(db->exact);
	free(db->prefix);
	free(db->regex);
	free(db);
	return NULL;
}

size_t origin_company_count(const struct origin_db *db)
{
	return db ? db->n_cos : 0;
}

size_t origin_alias_count(const struct origin_db *db)
{
	return db ? db->n_als : 0;
}

/* ----------------------------------------------------------- lookups */

/* The alias whose key equals s[0..n), in a view sorted by key. */
static const struct al *find_key(struct al *const *v, size_t nv, const char *s, size_t n)
{
	size_t lo = 0, hi = nv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strncmp(v[mid]->key, s, n);
		if (r == 0 && v[mid]->key[n] != '\0')
			r = 1; /* the key is longer than s[0..n) */
		if (r == 0)
			return v[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct origin_company *hit(const struct origin_db *db, const struct al *a, const char **ret_rule)
{
	if (ret_rule)
		*ret_rule = a->rule;
	return &db->cos[a->co].pub;
}

const struct origin_company *origin_resolve(const struct origin_db *db, const char *name, const char **ret_rule)
{
	char f[ORIGIN_RESOLVE_MAX];
	size_t len;
	pcre2_match_data *md;

	if (!db || !name || strlen(name) >= ORIGIN_RESOLVE_MAX || !fold(name, f, sizeof(f)))
		return NULL;
	len = strlen(f);
	if (len > 0) {
		const struct al *a = find_key(db->exact, db->n_exact, f, len);
		if (a)
			return hit(db, a, ret_rule);
		/* the longest prefix that ends at a word boundary: the whole name,
		 * then up to each space from the right */
		for (size_t i = len;;) {
			a = find_key(db->prefix, db->n_prefix, f, i);
			if (a)
				return hit(db, a, ret_rule);
			while (i > 0 && f[i - 1] != ' ')
				i--;
			if (i == 0)
				break;
			i--; /* f[i] is the space */
		}
	}
	if (db->n_regex == 0)
		return NULL;
	md = pcre2_match_data_create(1, NULL);
	if (!md)
		return NULL;
	for (size_t i = 0; i < db->n_regex; i++) {
		int rc = pcre2_match(db->regex[i]->re, (PCRE2_SPTR)name, strlen(name), 0, 0, md, db->mctx);
		if (rc >= 0) {
			pcre2_match_data_free(md);
			return hit(db, db->regex[i], ret_rule);
		}
	}
	pcre2_match_data_free(md);
	return NULL;
}

const struct origin_company *origin_top(const struct origin_db *db, const struct origin_company *c)
{
	/* the loader refused loops and chains past the limit; the bound stays */
	for (size_t hops = 0; db && c && c->parent_id && hops < ORIGIN_PARENT_DEPTH_MAX; hops++) {
		const struct co *p = find_co(db, c->parent_id);
		if (!p)
			break;
		c = &p->pub;
	}
	return c;
}

const struct origin_company *origin_company(const struct origin_db *db, const char *id)
{
	const struct co *c;

	if (!db || !id)
		return NULL;
	c = find_co(db, id);
	return c ? &c->pub : NULL;
}

const char *origin_state_name(enum origin_state s)
{
	return (size_t)s < ORIGIN_N_STATES ? state_names[s] : "unknown";
}
