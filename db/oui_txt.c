/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IEEE registry text files → records → a sorted table. See oui_txt.h for
 * the record layout. The files are trusted system data, but a changed format
 * must fail the build loudly ("file:line: what") rather than quietly produce
 * a table with wrong countries, so every line is checked against the layout.
 */
#include "db/oui_txt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

static const struct {
	const char *name;
	const char *file;
	unsigned digits;
} registry_info[OUI_TXT_REGISTRY_COUNT] = {
	[OUI_TXT_MA_L] = { "MA-L", "oui.txt", 6 },
	[OUI_TXT_MA_M] = { "MA-M", "mam.txt", 7 },
	[OUI_TXT_MA_S] = { "MA-S", "oui36.txt", 9 },
	[OUI_TXT_IAB] = { "IAB", "iab.txt", 9 },
};

const char *oui_txt_registry_name(enum oui_txt_registry r)
{
	return (unsigned)r < OUI_TXT_REGISTRY_COUNT ? registry_info[r].name : "?";
}

const char *oui_txt_registry_file(enum oui_txt_registry r)
{
	return (unsigned)r < OUI_TXT_REGISTRY_COUNT ? registry_info[r].file : "?";
}

unsigned oui_txt_registry_digits(enum oui_txt_registry r)
{
	return (unsigned)r < OUI_TXT_REGISTRY_COUNT ? registry_info[r].digits : 0;
}

__attribute__((format(printf, 3, 4)))
static int set_err(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (errbuf && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errsz, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool is_upper2(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] == '\0';
}

bool oui_iso_valid(const struct oui_iso *iso, const char *code)
{
	if (!code || !is_upper2(code))
		return false;
	if (!iso || !iso->loaded)
		return true;
	return iso->ok[(code[0] - 'A') * 26 + (code[1] - 'A')] != 0;
}

int oui_iso_load(struct oui_iso *iso, const char *path, char *errbuf, size_t errsz)
{
	json_error_t jerr;
	json_t *root, *list, *item;
	size_t i;
	int r = 0;

	memset(iso, 0, sizeof(*iso));
	root = json_load_file(path, 0, &jerr);
	if (!root)
		return set_err(errbuf, errsz, "%s:%d: %s", path, jerr.line, jerr.text);
	list = json_object_get(root, "3166-1");
	if (!json_is_array(list)) {
		r = set_err(errbuf, errsz, "%s: no \"3166-1\" array (not iso-codes' iso_3166-1.json?)",
			    path);
		goto out;
	}
	json_array_foreach(list, i, item) {
		const char *code = json_string_value(json_object_get(item, "alpha_2"));

		if (!code || !is_upper2(code)) {
			r = set_err(errbuf, errsz, "%s: entry %zu has no two-letter \"alpha_2\"", path, i);
			goto out;
		}
		if (!iso->ok[(code[0] - 'A') * 26 + (code[1] - 'A')]) {
			iso->ok[(code[0] - 'A') * 26 + (code[1] - 'A')] = 1;
			iso->n_codes++;
		}
	}
	/* ISO 3166-1 has 249 codes; far fewer means a wrong or damaged file. */
	if (iso->n_codes < 200) {
		r = set_err(errbuf, errsz, "%s: only %zu alpha-2 codes", path, iso->n_codes);
		goto out;
	}
	iso->loaded = true;
out:
	json_decref(root);
	if (r < 0)
		memset(iso, 0, sizeof(*iso));
	return r;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. Rejects
 * what jansson rejects too: overlong forms, surrogates, > U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Copies a registrant name: controls (a tab would break the TSV) become
 * spaces, bytes that are not UTF-8 become '?', and the result is cut at a
 * character boundary to fit. Returns true when it had to cut.
 */
static bool copy_name(char *dst, size_t dstsz, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, n;

	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		if (n == 0) {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = '?';
			i++;
			continue;
		}
		if (o + n >= dstsz)
			break;
		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7f))
			dst[o] = ' ';
		else
			memcpy(dst + o, s + i, n);
		o += n;
		i += n;
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
	return i < len;
}

/* One physical line at a time, without its CR LF; the whole file is in memory. */
struct line_iter {
	const char *path;
	const char *buf;
	size_t len;
	size_t off;
	unsigned lineno;
};

/* 1 with a line, 0 at the end, negative errno on a malformed line. */
static int line_next(struct line_iter *it, const char **ret, size_t *ret_len, char *errbuf,
		     size_t errsz)
{
	const char *nl;
	size_t n;

	if (it->off >= it->len)
		return 0;
	it->lineno++;
	nl = memchr(it->buf + it->off, '\n', it->len - it->off);
	/* The real files end with CR LF; a last line without one means the
	 * file was cut off, possibly in the middle of a name or country. */
	if (!nl)
		return set_err(errbuf, errsz, "%s:%u: file ends inside a line (truncated?)", it->path,
			       it->lineno);
	n = (size_t)(nl - (it->buf + it->off));
	if (n > OUI_TXT_LINE_MAX)
		return set_err(errbuf, errsz, "%s:%u: line longer than %d bytes", it->path, it->lineno,
			       OUI_TXT_LINE_MAX);
	if (memchr(it->buf + it->off, '\0', n))
		return set_err(errbuf, errsz, "%s:%u: NUL byte in line", it->path, it->lineno);
	*ret = it->buf + it->off;
	it->off += n + 1;
	if (n > 0 && (*ret)[n - 1] == '\r')
		n--;
	*ret_len = n;
	return 1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

static char upper_hex(char c)
{
	return c >= 'a' && c <= 'f' ? (char)(c - 'a' + 'A') : c;
}

/* A bounded view of one line; the parse below never steps past len. */
struct span {
	const char *p;
	size_t len;
	size_t off;
};

static size_t span_skip_blank(struct span *s)
{
	size_t start = s->off;

	while (s->off < s->len && is_blank(s->p[s->off]))
		s->off++;
	return s->off - start;
}

static bool span_hex(struct span *s, size_t n, char *dst)
{
	size_t i;

	if (n > s->len - s->off)
		return false;
	for (i = 0; i < n; i++) {
		if (!is_hex(s->p[s->off + i]))
			return false;
		dst[i] = upper_hex(s->p[s->off + i]);
	}
	s->off += n;
	return true;
}

static bool span_lit(struct span *s, const char *lit)
{
	size_t n = strlen(lit);

	if (n > s->len - s->off || memcmp(s->p + s->off, lit, n) != 0)
		return false;
	s->off += n;
	return true;
}

/* The rest of the line without surrounding blanks. */
static void span_rest(struct span *s, const char **ret, size_t *ret_len)
{
	size_t end = s->len;

	span_skip_blank(s);
	while (end > s->off && is_blank(s->p[end - 1]))
		end--;
	*ret = s->p + s->off;
	*ret_len = end - s->off;
	s->off = s->len;
}

/* "XX-XX-XX<blank>(hex)<blank>Name" */
static bool parse_hex_line(const char *line, size_t len, char key[7], const char **name,
			   size_t *name_len)
{
	struct span s = { line, len, 0 };

	if (!span_hex(&s, 2, key) || !span_lit(&s, "-") || !span_hex(&s, 2, key + 2) ||
	    !span_lit(&s, "-") || !span_hex(&s, 2, key + 4))
		return false;
	key[6] = '\0';
	if (span_skip_blank(&s) == 0 || !span_lit(&s, "(hex)"))
		return false;
	span_rest(&s, name, name_len);
	return true;
}

/*
 * MA-L: "XXXXXX<blank>(base 16)..." repeating the prefix. Others:
 * "LLLLLL-HHHHHH<blank>(base 16)..." where the range is one block: for MA-M
 * the first digit fixed and "00000"-"FFFFF", for MA-S/IAB three digits fixed
 * and "000"-"FFF". The fixed digits extend the key.
 */
static const char *parse_base16_line(const char *line, size_t len, enum oui_txt_registry reg,
				     char *key)
{
	struct span s = { line, len, 0 };
	char lo[6], hi[6];
	unsigned fixed = oui_txt_registry_digits(reg) - 6;
	unsigned i;

	if (reg == OUI_TXT_MA_L) {
		if (!span_hex(&s, 6, lo))
			return "expected \"XXXXXX (base 16)\"";
		if (memcmp(lo, key, 6) != 0)
			return "the (base 16) prefix differs from the (hex) line";
	} else {
		if (!span_hex(&s, 6, lo) || !span_lit(&s, "-") || !span_hex(&s, 6, hi))
			return "expected a \"XXXXXX-XXXXXX (base 16)\" range";
		if (memcmp(lo, hi, fixed) != 0)
			return "range is not one block of this registry's size";
		for (i = fixed; i < 6; i++)
			if (lo[i] != '0' || hi[i] != 'F')
				return "range is not one block of this registry's size";
		memcpy(key + 6, lo, fixed);
	}
	key[6 + fixed] = '\0';
	if (span_skip_blank(&s) == 0 || !span_lit(&s, "(base 16)"))
		return "expected \"(base 16)\" after the prefix";
	return NULL;
}

int oui_txt_parse(const char *path, const char *buf, size_t len, enum oui_txt_registry reg,
		  const struct oui_iso *iso, oui_txt_fn fn, void *ctx, char *errbuf, size_t errsz)
{
	struct line_iter it = { path, buf, len, 0, 0 };
	struct oui_txt_rec rec;
	const char *line, *name, *last, *what;
	size_t line_len, name_len, last_len;
	int n_rec = 0, r;

	if ((unsigned)reg >= OUI_TXT_REGISTRY_COUNT)
		return set_err(errbuf, errsz, "%s: unknown registry %d", path, (int)reg);

	/* The header: a few column-title lines up to the first empty line. The
	 * first says "OUI..." in every registry file; anything else is not one. */
	r = line_next(&it, &line, &line_len, errbuf, errsz);
	if (r <= 0)
		return r < 0 ? r : set_err(errbuf, errsz, "%s: empty file", path);
	if (line_len < 3 || memcmp(line, "OUI", 3) != 0)
		return set_err(errbuf, errsz,
			       "%s:1: not an IEEE registry text file (the header should start with \"OUI\")",
			       path);
	while ((r = line_next(&it, &line, &line_len, errbuf, errsz)) > 0 && line_len > 0)
		;
	if (r < 0)
		return r;

	for (;;) {
		r = line_next(&it, &line, &line_len, errbuf, errsz);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (line_len == 0)
			continue; /* more than one empty line between records */

		memset(&rec, 0, sizeof(rec));
		rec.registry = reg;
		rec.line = it.lineno;
		if (!parse_hex_line(line, line_len, rec.key, &name, &name_len))
			return set_err(errbuf, errsz, "%s:%u: expected a \"XX-XX-XX (hex) Name\" line",
				       path, it.lineno);
		if (name_len == 0)
			return set_err(errbuf, errsz, "%s:%u: no registrant name", path, it.lineno);
		rec.truncated_name = copy_name(rec.name, sizeof(rec.name), name, name_len);
		if (rec.name[0] == '\0')
			return set_err(errbuf, errsz, "%s:%u: registrant name is blank", path, it.lineno);

		r = line_next(&it, &line, &line_len, errbuf, errsz);
		if (r < 0)
			return r;
		if (r == 0 || line_len == 0)
			return set_err(errbuf, errsz,
				       "%s:%u: truncated record: no (base 16) line after the (hex) line %u",
				       path, it.lineno, rec.line);
		what = parse_base16_line(line, line_len, reg, rec.key);
		if (what)
			return set_err(errbuf, errsz, "%s:%u: %s", path, it.lineno, what);

		/* Address lines are indented; some are only blanks, which say nothing. */
		last = NULL;
		last_len = 0;
		while ((r = line_next(&it, &line, &line_len, errbuf, errsz)) > 0 && line_len > 0) {
			struct span s = { line, line_len, 0 };
			const char *text;
			size_t text_len;

			if (!is_blank(line[0]))
				return set_err(errbuf, errsz,
					       "%s:%u: expected an indented address line or an empty line",
					       path, it.lineno);
			span_rest(&s, &text, &text_len);
			if (text_len > 0) {
				last = text;
				last_len = text_len;
			}
		}
		if (r < 0)
			return r;

		/* Only a last line that is a code on its own: "Amsterdam  1016 TR"
		 * has "TR" at its end and is Dutch. "Private" records publish no
		 * address, and their name is not the registrant's either. */
		if (last && last_len == 2 && strcmp(rec.name, "Private") != 0) {
			memcpy(rec.country, last, 2);
			rec.country[2] = '\0';
			if (!oui_iso_valid(iso, rec.country))
				rec.country[0] = '\0';
		}

		if (n_rec >= OUI_TXT_RECORDS_MAX)
			return set_err(errbuf, errsz, "%s:%u: more than %d records", path, rec.line,
				       OUI_TXT_RECORDS_MAX);
		r = fn(&rec, ctx, errbuf, errsz);
		if (r < 0)
			return r;
		n_rec++;
	}
	if (n_rec == 0)
		return set_err(errbuf, errsz, "%s: no records", path);
	return n_rec;
}

int oui_txt_parse_file(const char *path, enum oui_txt_registry reg, const struct oui_iso *iso,
		       oui_txt_fn fn, void *ctx, char *errbuf, size_t errsz)
{
	struct stat st;
	FILE *f;
	char *buf = NULL;
	size_t len;
	int r;

	f = fopen(path, "rb");
	if (!f) {
		r = -errno;
		snprintf(errbuf, errsz, "%s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fileno(f), &st) < 0) {
		r = -errno;
		snprintf(errbuf, errsz, "%s: %s", path, strerror(-r));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)OUI_TXT_FILE_MAX) {
		r = set_err(errbuf, errsz, "%s: not a regular file of at most %u bytes", path,
			    OUI_TXT_FILE_MAX);
		goto out;
	}
	len = (size_t)st.st_size;
	buf = malloc(len + 1);
	if (!buf) {
		r = -ENOMEM;
		snprintf(errbuf, errsz, "%s: out of memory", path);
		goto out;
	}
	if (fread(buf, 1, len, f) != len) {
		r = set_err(errbuf, errsz, "%s: short read", path);
		goto out;
	}
	r = oui_txt_parse(path, buf, len, reg, iso, fn, ctx, errbuf, errsz);
out:
	free(buf);
	fclose(f);
	return r;
}

void oui_table_init(struct oui_table *t)
{
	memset(t, 0, sizeof(*t));
}

void oui_table_release(struct oui_table *t)
{
	free(t->recs);
	free(t->dups);
	memset(t, 0, sizeof(*t));
}

static int rec_push(struct oui_txt_rec **arr, size_t *n, size_t *cap, const struct oui_txt_rec *rec)
{
	struct oui_txt_rec *p;
	size_t ncap;

	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 1024;
		p = realloc(*arr, ncap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = ncap;
	}
	(*arr)[(*n)++] = *rec;
	return 0;
}

int oui_table_add(const struct oui_txt_rec *rec, void *ctx, char *errbuf, size_t errsz)
{
	struct oui_table *t = ctx;

	if (t->n >= OUI_TXT_RECORDS_MAX)
		return set_err(errbuf, errsz, "%s:%u: more than %d records in all",
			       oui_txt_registry_file(rec->registry), rec->line, OUI_TXT_RECORDS_MAX);
	if (rec_push(&t->recs, &t->n, &t->cap, rec) < 0) {
		snprintf(errbuf, errsz, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int oui_table_read_dir(struct oui_table *t, const char *dir, const struct oui_iso *iso,
		       char *errbuf, size_t errsz)
{
	char path[OUI_TXT_PATH_MAX];
	int r, reg;

	for (reg = 0; reg < OUI_TXT_REGISTRY_COUNT; reg++) {
		r = snprintf(path, sizeof(path), "%s/%s", dir, oui_txt_registry_file(reg));
		if (r < 0 || (size_t)r >= sizeof(path))
			return set_err(errbuf, errsz, "%s: path too long", dir);
		r = oui_txt_parse_file(path, reg, iso, oui_table_add, t, errbuf, errsz);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Key order; equal keys in file order (registries are read in enum order). */
static int rec_cmp(const void *a, const void *b)
{
	const struct oui_txt_rec *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	if (x->registry != y->registry)
		return x->registry < y->registry ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

void oui_table_finish(struct oui_table *t)
{
	size_t i, o = 0;

	qsort(t->recs, t->n, sizeof(*t->recs), rec_cmp);
	memset(t->n_reg, 0, sizeof(t->n_reg));
	memset(t->n_country, 0, sizeof(t->n_country));
	t->n_truncated_names = 0;
	for (i = 0; i < t->n; i++) {
		/* IEEE lists some MA-L prefixes more than once (0001C8 twice,
		 * 080030 three times in 2022), each time with another name. A
		 * prefix can name only one registrant and the files do not say
		 * which listing is current, so the first in file order is kept
		 * (deterministic across runs) and mkoui notes the dropped ones
		 * in the table's header. */
		if (o > 0 && strcmp(t->recs[o - 1].key, t->recs[i].key) == 0) {
			/* Out of memory here loses only a note, never a record. */
			(void)rec_push(&t->dups, &t->n_dups, &t->cap_dups, &t->recs[i]);
			continue;
		}
		t->recs[o++] = t->recs[i];
	}
	t->n = o;
	for (i = 0; i < t->n; i++) {
		t->n_reg[t->recs[i].registry]++;
		if (t->recs[i].country[0])
			t->n_country[t->recs[i].registry]++;
		if (t->recs[i].truncated_name)
			t->n_truncated_names++;
	}
}

const struct oui_txt_rec *oui_table_find(const struct oui_table *t, const char *key)
{
	size_t lo = 0, hi = t->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(key, t->recs[mid].key);
		if (c == 0)
			return &t->recs[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int oui_table_write(const struct oui_table *t, FILE *out)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct oui_txt_rec *r = &t->recs[i];

		if (fprintf(out, "%s\t%s\t%s\t%s\n", r->key, oui_txt_registry_name(r->registry),
			    r->country, r->name) < 0)
			return -EIO;
	}
	return 0;
}
