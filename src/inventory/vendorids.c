/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "inventory/vendorids.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define VID_FIELD_MAX 48
#define VID_NAME_MAX 128

struct vid_row {
	uint32_t id;
	char vendor[VID_NAME_MAX];
};

struct vid_table {
	char name[64];
	struct vid_row *rows; /* sorted by id */
	size_t n, cap;
};

struct vid_field {
	char field[VID_FIELD_MAX];
	size_t table;
	uint8_t conf;
};

struct vid_skip {
	char field[VID_FIELD_MAX];
	uint32_t id;
};

struct vid_db {
	struct vid_table tables[VID_TABLES_MAX];
	size_t n_tables;
	struct vid_field *fields;
	size_t n_fields, cap_fields;
	struct vid_skip *skips;
	size_t n_skips, cap_skips;
	size_t n_rows;
};

struct vid_err {
	char *buf;
	size_t sz;
	bool set;
};

static void fail(struct vid_err *e, const char *file, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct vid_err *e, const char *file, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (e->set)
		return;
	e->set = true;
	n = line ? snprintf(e->buf, e->sz, "%s:%zu: ", file, line) : snprintf(e->buf, e->sz, "%s: ", file);
	if (n < 0 || (size_t)n >= e->sz)
		return;
	va_start(ap, fmt);
	vsnprintf(e->buf + n, e->sz - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Splits a TSV line in place; returns the column count (at most max). */
static size_t split(char *line, char **col, size_t max)
{
	size_t n = 0;
	col[n++] = line;
	for (char *p = line; *p && n <= max; p++) {
		if (*p == '\t') {
			*p = '\0';
			if (n == max)
				return max + 1;
			col[n++] = p + 1;
		}
	}
	return n;
}

static bool parse_id(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long long v;
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || end == s || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

static bool printable(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

typedef int (*row_fn)(struct vid_db *db, void *ctx, char **col, size_t ncol, const char *file, size_t line,
		      struct vid_err *e);

/* Reads a TSV file: '#' comments and blank lines skipped, the first other line
 * must be the header. */
static int read_tsv(struct vid_db *db, const char *path, const char *file, const char *header, size_t ncol,
		    row_fn fn, void *ctx, struct vid_err *e)
{
	FILE *f = fopen(path, "r");
	char buf[VID_LINE_MAX + 2];
	size_t line = 0;
	bool seen_header = false;

	if (!f) {
		fail(e, file, 0, "cannot read: %s", strerror(errno));
		return -errno;
	}
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		char *col[8];
		size_t n;
		line++;
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(f)) {
			fail(e, file, line, "line longer than %u bytes", VID_LINE_MAX);
			break;
		}
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (len == 0 || buf[0] == '#')
			continue;
		if (!seen_header) {
			if (strcmp(buf, header) != 0) {
				fail(e, file, line, "the header must be \"%s\" (tab-separated)", header);
				break;
			}
			seen_header = true;
			continue;
		}
		n = split(buf, col, 8);
		if (n != ncol) {
			fail(e, file, line, "%zu columns, want %zu (%s)", n, ncol, header);
			break;
		}
		for (size_t i = 0; i < n; i++)
			if (!printable(col[i])) {
				fail(e, file, line, "column %zu is empty or not printable", i + 1);
				break;
			}
		if (e->set || fn(db, ctx, col, n, file, line, e) < 0)
			break;
	}
	if (!e->set && !seen_header)
		fail(e, file, 0, "no header line \"%s\"", header);
	fclose(f);
	return e->set ? -EINVAL : 0;
}

static int row_table(struct vid_db *db, void *ctx, char **col, size_t ncol, const char *file, size_t line,
		     struct vid_err *e)
{
	struct vid_table *t = ctx;
	struct vid_row r;
	(void)ncol;
	if (!parse_id(col[0], &r.id)) {
		fail(e, file, line, "id \"%s\" is not a number", col[0]);
		return -EINVAL;
	}
	if (strlen(col[1]) >= VID_NAME_MAX) {
		fail(e, file, line, "vendor name longer than %d bytes", VID_NAME_MAX - 1);
		return -EINVAL;
	}
	if (db->n_rows >= VID_ROWS_MAX) {
		fail(e, file, line, "more than %u rows in all", VID_ROWS_MAX);
		return -E2BIG;
	}
	snprintf(r.vendor, sizeof(r.vendor), "%s", col[1]);
	if (hk_grow((void **)&t->rows, &t->cap, t->n + 1, sizeof(*t->rows)) < 0)
		return -ENOMEM;
	t->rows[t->n++] = r;
	db->n_rows++;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct vid_row *)a)->id, y = ((const struct vid_row *)b)->id;
	return (x > y) - (x < y);
}

static int load_table(struct vid_db *db, const char *dir, const char *name, struct vid_err *e, size_t *ret)
{
	char path[4096];
	struct vid_table *t;

	for (size_t i = 0; i < db->n_tables; i++)
		if (strcmp(db->tables[i].name, name) == 0) {
			*ret = i;
			return 0;
		}
	if (db->n_tables >= VID_TABLES_MAX) {
		fail(e, name, 0, "more than %u tables", VID_TABLES_MAX);
		return -E2BIG;
	}
	t = &db->tables[db->n_tables];
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (read_tsv(db, path, name, "id\tvendor\treference", 3, row_table, t, e) < 0)
		goto fail;
	qsort(t->rows, t->n, sizeof(*t->rows), row_cmp);
	for (size_t i = 1; i < t->n; i++)
		if (t->rows[i].id == t->rows[i - 1].id) {
			fail(e, name, 0, "id %u is listed twice", t->rows[i].id);
			goto fail;
		}
	*ret = db->n_tables++;
	return 0;
fail:
	/* the table never joined the db: its rows are ours to free */
	free(t->rows);
	memset(t, 0, sizeof(*t));
	return -EINVAL;
}

struct index_ctx {
	const char *dir;
};

static bool field_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= VID_FIELD_MAX || !strchr(s, '.'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_'))
			return false;
	return true;
}

static int row_index(struct vid_db *db, void *ctx, char **col, size_t ncol, const char *file, size_t line,
		     struct vid_err *e)
{
	struct index_ctx *ic = ctx;
	struct vid_field fd;
	uint32_t conf;
	(void)ncol;
	if (!field_ok(col[0])) {
		fail(e, file, line, "field \"%s\" is not an observation source like enip.vendor_id", col[0]);
		return -EINVAL;
	}
	if (strchr(col[1], '/') || col[1][0] == '.' || strlen(col[1]) < 5 ||
	    strcmp(col[1] + strlen(col[1]) - 4, ".tsv") != 0) {
		fail(e, file, line, "table \"%s\" must be a .tsv file name in this directory", col[1]);
		return -EINVAL;
	}
	if (!parse_id(col[2], &conf) || conf < 1 || conf > 100) {
		fail(e, file, line, "confidence \"%s\" is not 1..100", col[2]);
		return -EINVAL;
	}
	for (size_t i = 0; i < db->n_fields; i++)
		if (strcmp(db->fields[i].field, col[0]) == 0) {
			fail(e, file, line, "field %s is indexed twice", col[0]);
			return -EINVAL;
		}
	snprintf(fd.field, sizeof(fd.field), "%s", col[0]);
	fd.conf = (uint8_t)conf;
	if (load_table(db, ic->dir, col[1], e, &fd.table) < 0)
		return -EINVAL;
	if (hk_grow((void **)&db->fields, &db->cap_fields, db->n_fields + 1, sizeof(*db->fields)) < 0)
		return -ENOMEM;
	db->fields[db->n_fields++] = fd;
	return 0;
}

static int row_skip(struct vid_db *db, void *ctx, char **col, size_t ncol, const char *file, size_t line,
		    struct vid_err *e)
{
	struct vid_skip sk;
	(void)ctx;
	(void)ncol;
	if (!field_ok(col[0])) {
		fail(e, file, line, "field \"%s\" is not an observation source", col[0]);
		return -EINVAL;
	}
	if (!parse_id(col[1], &sk.id)) {
		fail(e, file, line, "id \"%s\" is not a number", col[1]);
		return -EINVAL;
	}
	snprintf(sk.field, sizeof(sk.field), "%s", col[0]);
	if (hk_grow((void **)&db->skips, &db->cap_skips, db->n_skips + 1, sizeof(*db->skips)) < 0)
		return -ENOMEM;
	db->skips[db->n_skips++] = sk;
	return 0;
}

struct vid_db *vid_load_dir(const char *sigdir, char *errbuf, size_t errsz)
{
	struct vid_db *db = calloc(1, sizeof(*db));
	struct vid_err e = {.buf = errbuf, .sz = errsz};
	char dir[4096], path[4200];
	struct index_ctx ic;

	errbuf[0] = '\0';
	if (!db) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%s/vendor-ids", sigdir);
	ic.dir = dir;
	snprintf(path, sizeof(path), "%s/index.tsv", dir);
	if (read_tsv(db, path, "index.tsv", "field\ttable\tconfidence\treference", 4, row_index, &ic,
		     &e) < 0)
		return vid_db_free(db);
	snprintf(path, sizeof(path), "%s/not-vendors.tsv", dir);
	if (read_tsv(db, path, "not-vendors.tsv", "field\tid\treason\treference", 4, row_skip, NULL,
		     &e) < 0)
		return vid_db_free(db);
	return db;
}

struct vid_db *vid_db_free(struct vid_db *db)
{
	if (!db)
		return NULL;
	for (size_t i = 0; i < db->n_tables; i++)
		free(db->tables[i].rows);
	free(db->fields);
	free(db->skips);
	free(db);
	return NULL;
}

size_t vid_count(const struct vid_db *db)
{
	return db ? db->n_rows : 0;
}

const char *vid_lookup(const struct vid_db *db, const char *field, const char *value, uint8_t *ret_conf)
{
	uint32_t id;
	if (!db || !parse_id(value, &id))
		return NULL;
	for (size_t i = 0; i < db->n_fields; i++) {
		const struct vid_table *t;
		struct vid_row key = {.id = id};
		const struct vid_row *r;
		if (strcmp(db->fields[i].field, field) != 0)
			continue;
		if (vid_not_vendor(db, field, id))
			return NULL;
		t = &db->tables[db->fields[i].table];
		r = t->n ? bsearch(&key, t->rows, t->n, sizeof(*t->rows), row_cmp) : NULL;
		if (!r)
			return NULL;
		if (ret_conf)
			*ret_conf = db->fields[i].conf;
		return r->vendor;
	}
	return NULL;
}

bool vid_not_vendor(const struct vid_db *db, const char *field, uint32_t id)
{
	if (!db)
		return false;
	for (size_t i = 0; i < db->n_skips; i++)
		if (db->skips[i].id == id && strcmp(db->skips[i].field, field) == 0)
			return true;
	return false;
}
