/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The country policy (policy.h): which countries meet criterion 1 and 2 of
 * letter 26643-1007. Data, never code: signatures/policy/default.tsv and
 * its README say what the default holds and why; docs/origin.md the
 * decisions.
 *
 *   # policy: Dutch public sources (default)
 *   # as-of: 2025-12-08
 *   country	criterion	reference
 *   CN	2	AIVD/MIVD/NCTV Dreigingsbeeld Statelijke Actoren 2 (2022) ...
 *
 * The loader is strict and stops at the first error, "file:line: what is
 * wrong": the "# policy:" and "# as-of:" comments are required (once each,
 * before the header), the header line exactly, three TAB-separated columns,
 * an ISO 3166-1 alpha-2 code (origin_country_valid), criterion 1 or 2, a
 * reference, no country twice for one criterion. A file without rows is a
 * valid policy (criteria 1 and 2 then hold only through state ownership).
 */
#include "core/text.h"
#include "inventory/policy.h"

#include "core/util.h"
#include "inventory/origin.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POLICY_FILE_SIZE_MAX (1u << 20) /* bytes of a policy file */
#define POLICY_LINE_MAX 4096u           /* bytes of one line, without its LF */
#define POLICY_ROWS_MAX 1024u           /* rows of a policy: 2 criteria x every country, with room */
#define POLICY_NAME_MAX 160u            /* bytes of "# policy:" text */
#define POLICY_PATH_MAX 4096u
#define POLICY_ENV "HERKOMST_POLICY"

static const char policy_header[] = "country\tcriterion\treference";

struct policy_row {
	char cc[3];
	int criterion;
	char *reference;
	size_t line;
};

struct policy {
	char *path;
	char *name;
	char *as_of;
	struct policy_row *rows; /* sorted by criterion, then country */
	size_t n_rows, cap_rows;
};

struct perr {
	char *buf;
	size_t sz;
	bool set;
};

static void fail(struct perr *e, const char *file, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(struct perr *e, const char *file, size_t line, const char *fmt, ...)
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


static bool date_ok(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = atoi(s);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* "# key: value" → value (trimmed), or NULL when the comment is another. */
static const char *meta(const char *line, const char *key)
{
	size_t k = strlen(key);
	const char *v;

	if (line[0] != '#')
		return NULL;
	line++;
	while (*line == ' ')
		line++;
	if (strncasecmp(line, key, k) != 0 || line[k] != ':')
		return NULL;
	v = line + k + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return v;
}

static bool rtrim_copy(const char *v, char **ret)
{
	size_t n = strlen(v);

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	*ret = strndup(v, n);
	return *ret != NULL;
}

static int row_cmp(const void *a, const void *b)
{
	const struct policy_row *x = a, *y = b;
	if (x->criterion != y->criterion)
		return x->criterion - y->criterion;
	return strcmp(x->cc, y->cc);
}

static bool parse_row(struct policy *p, const char *file, size_t line, char *s, struct perr *e)
{
	char *col[4];
	size_t n = 0;
	struct policy_row r;

	col[n++] = s;
	for (char *q = s; *q; q++)
		if (*q == '\t') {
			*q = '\0';
			if (n == 3) {
				fail(e, file, line, "more than 3 columns, want 3 (%s)", policy_header);
				return false;
			}
			col[n++] = q + 1;
		}
	if (n != 3) {
		fail(e, file, line, "%zu columns, want 3 (%s)", n, policy_header);
		return false;
	}
	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(col[i]);
		if (len == 0 || col[i][0] == ' ' || col[i][len - 1] == ' ') {
			fail(e, file, line, "column %zu is empty or has white space at its start or end", i + 1);
			return false;
		}
	}
	if (!origin_country_valid(col[0])) {
		fail(e, file, line, "country \"%s\" is not an ISO 3166-1 alpha-2 code (two capital letters)", col[0]);
		return false;
	}
	if (strcmp(col[1], "1") != 0 && strcmp(col[1], "2") != 0) {
		fail(e, file, line, "criterion \"%s\" is neither 1 nor 2", col[1]);
		return false;
	}
	if (strcmp(col[2], "-") == 0) {
		fail(e, file, line, "reference is '-': every line needs its source");
		return false;
	}
	memcpy(r.cc, col[0], 3);
	r.criterion = col[1][0] - '0';
	r.line = line;
	for (size_t i = 0; i < p->n_rows; i++)
		if (p->rows[i].criterion == r.criterion && strcmp(p->rows[i].cc, r.cc) == 0) {
			fail(e, file, line, "%s is listed twice for criterion %d (first at line %zu)", r.cc,
			     r.criterion, p->rows[i].line);
			return false;
		}
	if (p->n_rows >= POLICY_ROWS_MAX) {
		fail(e, file, line, "more than %u rows", POLICY_ROWS_MAX);
		return false;
	}
	r.reference = strdup(col[2]);
	if (!r.reference || hk_grow((void **)&p->rows, &p->cap_rows, p->n_rows + 1, sizeof(*p->rows)) < 0) {
		free(r.reference);
		fail(e, file, line, "out of memory");
		return false;
	}
	p->rows[p->n_rows++] = r;
	return true;
}

static bool parse(struct policy *p, const char *file, const char *buf, size_t len, struct perr *e)
{
	char tmp[POLICY_LINE_MAX + 1];
	size_t off = 0, line = 0, name_line = 0, asof_line = 0;
	bool seen_header = false;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;
		const char *v;

		line++;
		if (n > POLICY_LINE_MAX) {
			fail(e, file, line, "line longer than %u bytes", POLICY_LINE_MAX);
			return false;
		}
		memcpy(tmp, buf + off, n);
		tmp[n] = '\0';
		off += n + (nl ? 1 : 0);
		for (size_t i = 0; i < n;) {
			unsigned char c = (unsigned char)tmp[i];
			size_t k;
			if (c == '\r') {
				fail(e, file, line, "CR before the line end: save the file with LF line ends");
				return false;
			}
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				fail(e, file, line, "control byte 0x%02x at column %zu", c, i + 1);
				return false;
			}
			k = hk_utf8_len((const unsigned char *)tmp + i, n - i);
			if (k == 0) {
				fail(e, file, line, "not UTF-8: byte 0x%02x at column %zu", c, i + 1);
				return false;
			}
			i += k;
		}
		if (n == 0)
			continue;
		if (tmp[0] == '#') {
			if ((v = meta(tmp, "policy")) != NULL) {
				if (seen_header || name_line) {
					fail(e, file, line, "\"# policy:\" %s", seen_header ?
					     "must come before the header line" : "appears twice");
					return false;
				}
				if (!*v || strlen(v) > POLICY_NAME_MAX) {
					fail(e, file, line, "\"# policy:\" needs a name of 1 to %u bytes", POLICY_NAME_MAX);
					return false;
				}
				if (!rtrim_copy(v, &p->name)) {
					fail(e, file, line, "out of memory");
					return false;
				}
				name_line = line;
			} else if ((v = meta(tmp, "as-of")) != NULL) {
				if (seen_header || asof_line) {
					fail(e, file, line, "\"# as-of:\" %s", seen_header ?
					     "must come before the header line" : "appears twice");
					return false;
				}
				if (!rtrim_copy(v, &p->as_of)) {
					fail(e, file, line, "out of memory");
					return false;
				}
				if (!date_ok(p->as_of)) {
					fail(e, file, line, "\"# as-of:\" \"%s\" is not a date YYYY-MM-DD", p->as_of);
					return false;
				}
				asof_line = line;
			}
			continue;
		}
		if (!seen_header) {
			if (strcmp(tmp, policy_header) != 0) {
				fail(e, file, line, "the first line that is not a comment must be the header \"%s\" "
					"(TAB-separated)", policy_header);
				return false;
			}
			if (!name_line) {
				fail(e, file, line, "no \"# policy: NAME\" comment before the header");
				return false;
			}
			if (!asof_line) {
				fail(e, file, line, "no \"# as-of: YYYY-MM-DD\" comment before the header");
				return false;
			}
			seen_header = true;
			continue;
		}
		if (!parse_row(p, file, line, tmp, e))
			return false;
	}
	if (!seen_header) {
		fail(e, file, 0, "no header line \"%s\"", policy_header);
		return false;
	}
	if (p->n_rows > 1)
		qsort(p->rows, p->n_rows, sizeof(*p->rows), row_cmp);
	return true;
}

struct policy *policy_load(const char *path, char *errbuf, size_t errsz)
{
	struct perr e = { .buf = errbuf, .sz = errsz };
	struct policy *p;
	FILE *f;
	char *buf = NULL;
	size_t len = 0;

	if (errbuf && errsz)
		errbuf[0] = '\0';
	if (!path || !*path) {
		fail(&e, "policy", 0, "no file name");
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		fail(&e, path, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	buf = malloc(POLICY_FILE_SIZE_MAX + 1);
	if (buf)
		len = fread(buf, 1, POLICY_FILE_SIZE_MAX + 1, f);
	if (!buf || ferror(f) || len > POLICY_FILE_SIZE_MAX) {
		fail(&e, path, 0, "%s", !buf ? "out of memory" : ferror(f) ? "read error" : "larger than 1 MiB");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if (memchr(buf, '\0', len)) {
		size_t zl = 1;
		for (const char *q = buf; *q; q++)
			zl += *q == '\n';
		fail(&e, path, zl, "NUL byte");
		free(buf);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->path = strdup(path))) {
		fail(&e, path, 0, "out of memory");
		free(buf);
		return policy_free(p);
	}
	if (!parse(p, path, buf, len, &e)) {
		free(buf);
		return policy_free(p);
	}
	free(buf);
	return p;
}

struct policy *policy_load_default(const char *sigdir, char *errbuf, size_t errsz)
{
	const char *env = getenv(POLICY_ENV);
	char path[POLICY_PATH_MAX];

	if (env && *env)
		return policy_load(env, errbuf, errsz);
	if (!sigdir || (size_t)snprintf(path, sizeof(path), "%s/policy/default.tsv", sigdir) >= sizeof(path)) {
		if (errbuf && errsz)
			snprintf(errbuf, errsz, "policy: the signature directory's name is too long or missing");
		return NULL;
	}
	return policy_load(path, errbuf, errsz);
}

struct policy *policy_free(struct policy *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n_rows; i++)
		free(p->rows[i].reference);
	free(p->rows);
	free(p->path);
	free(p->name);
	free(p->as_of);
	free(p);
	return NULL;
}

bool policy_holds(const struct policy *p, int criterion, const char *cc, const char **ret_reference)
{
	if (!p || !cc || (criterion != 1 && criterion != 2))
		return false;
	for (size_t i = 0; i < p->n_rows; i++)
		if (p->rows[i].criterion == criterion && strcasecmp(p->rows[i].cc, cc) == 0) {
			if (ret_reference)
				*ret_reference = p->rows[i].reference;
			return true;
		}
	return false;
}

const char *policy_name(const struct policy *p)
{
	return p ? p->name : NULL;
}

const char *policy_as_of(const struct policy *p)
{
	return p ? p->as_of : NULL;
}

const char *policy_path(const struct policy *p)
{
	return p ? p->path : NULL;
}

/* The countries of criterion n, sorted by code, into ret[0..max): returns how
 * many were written (so a caller's array is never read past what was
 * filled). With ret NULL: how many there are, to size an array. */
size_t policy_countries(const struct policy *p, int criterion, const char **ret, size_t max)
{
	size_t n = 0;

	if (!p)
		return 0;
	for (size_t i = 0; i < p->n_rows; i++) {
		if (p->rows[i].criterion != criterion)
			continue;
		if (ret) {
			if (n == max)
				break;
			ret[n] = p->rows[i].cc;
		}
		n++;
	}
	return n;
}
