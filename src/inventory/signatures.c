/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signature rules: a strict loader for signatures/fingerprints/ *.tsv and
 * the matcher the inventory runs on software observations. The format is
 * in docs/signatures.md; what each check guards against is said where it
 * is made.
 *
 * Every rule file is read whole (bounded by SIG_FILE_SIZE_MAX), split into
 * lines (each bounded by SIG_LINE_MAX), and every line is checked; errors
 * are collected, not fatal one by one, so `herkomst check signatures`
 * shows every mistake in one run. A db is returned only when there were
 * none.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "core/text.h"
#include "inventory/signatures.h"

#include "core/util.h"
#include "hk_config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIG_COLUMNS 11
#define SIG_ID_SLOTS (1u << 15) /* > 2 x SIG_RULES_MAX: the id index stays sparse */
#define SIG_NAME_MAX 4096       /* a file's name as messages show it */

static const char *const column_names[SIG_COLUMNS] = {
	"id", "field", "pattern", "manufacturer", "product", "model",
	"firmware", "os", "role", "confidence", "reference",
};
enum { COL_ID = 0, COL_FIELD, COL_PATTERN, COL_ATTR0, COL_ROLE = COL_ATTR0 + SIG_ATTR_ROLE,
       COL_CONFIDENCE, COL_REFERENCE };

static const char header_line[] =
	"id\tfield\tpattern\tmanufacturer\tproduct\tmodel\tfirmware\tos\trole\tconfidence\treference";

static const char *const attr_names[SIG_ATTR__MAX] = {
	"manufacturer", "product", "model", "firmware", "os", "role",
};

/* The role vocabulary; docs/signatures.md explains each word. */
static const char *const roles[] = {
	"router", "switch", "firewall", "access-point", "wireless-controller", "gateway",
	"serial-server", "modem", "load-balancer", "camera", "nvr", "plc", "rtu", "ied", "hmi",
	"ews", "scada-server", "historian", "bms-controller", "inverter", "ups", "pdu", "meter",
	"printer", "phone", "server", "workstation", "nas", "hypervisor", "mobile", "iot",
	"media", "dhcp-server", "domain-controller",
};

struct sig_rule {
	char id[SIG_ID_MAX + 1];
	pcre2_code *re;
	char *tmpl[SIG_ATTR__MAX]; /* NULL for '-' */
	char *reference;
	uint8_t confidence;
	uint32_t n_caps;
};

struct sig_origin {
	uint32_t file; /* index into db->file_names */
	uint32_t line;
};

struct sig_field {
	char name[SIG_FIELD_MAX + 1];
	uint32_t *rules; /* indexes into db->rules, in load order */
	size_t n, cap;
};

/* What sig_match changes: reached through a pointer so the db stays const.
 * The db holds one for sig_match; each thread that matches beside it brings
 * its own (sig_scratch_new). */
struct sig_scratch {
	pcre2_match_data *md; /* SIG_CAPTURES_MAX + 1 pairs: enough for every db */
	struct sig_stats stats;
};

/*
 * The JIT compiles a field's patterns when the first value of that field is
 * matched (a JIT compile costs ~54,000 instructions a pattern, 23 M for the
 * shipped rules, and a capture has values of only some of the fields).
 * Every value of a field is matched by the same code, JIT or not, as
 * before. ready says a field's patterns are done; its lock keeps two
 * threads from compiling them at once, and the others from matching them
 * meanwhile; threads that need different fields compile them side by side.
 */
struct sig_field_jit {
	pthread_mutex_t lock;
	atomic_bool ready;
};

struct sig_lazy_jit {
	atomic_bool any;               /* some pattern was JIT-compiled: sig_jit */
	size_t n;                      /* locks initialised */
	struct sig_field_jit field[];  /* in db->fields order */
};

struct sig_db {
	struct sig_rule *rules;
	size_t n_rules, cap_rules;
	struct sig_field *fields; /* sorted by name once loading is done */
	size_t n_fields, cap_fields;
	size_t n_files;
	uint32_t *id_slots;       /* index + 1 of the rule with that id; 0 empty */
	struct sig_origin *origin; /* where each rule was read: for duplicate-id messages */
	size_t cap_origin;
	char **file_names;        /* as messages name them */
	size_t cap_files;
	uint32_t max_caps;
	struct sig_lazy_jit *jit; /* NULL: no JIT (the library has none, or no memory) */
	bool full_reported;       /* SIG_RULES_MAX was reported once */
	pcre2_match_context *mctx; /* the limits; pcre2_match only reads it */
	struct sig_scratch *scratch; /* sig_match's */
	struct sig_stats folded;  /* from freed thread scratches (atomic adds) */
};

/* --- reporting ----------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void report(struct sig_report *rep, const char *file, size_t line, const char *fmt, ...)
{
	va_list ap;
	char *m;
	int n;

	rep->n_errors++;
	if (rep->n_kept >= SIG_ERRORS_MAX)
		return;
	m = rep->msg[rep->n_kept++];
	n = snprintf(m, SIG_MSG_MAX, "%s:%zu: ", file, line);
	if (n < 0 || (size_t)n >= SIG_MSG_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(m + n, SIG_MSG_MAX - (size_t)n, fmt, ap);
	va_end(ap);
}

/* --- character classes ----------------------------------------------------- */

static bool is_lower_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9][a-z0-9._-]* */
static bool id_valid(const char *s)
{
	if (!is_lower_digit(s[0]))
		return false;
	for (size_t i = 1; s[i]; i++)
		if (!is_lower_digit(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* [a-z0-9]+(\.[a-z0-9_]+)+ */
static bool field_valid(const char *s)
{
	size_t i = 0, n_parts = 0;

	while (is_lower_digit(s[i]))
		i++;
	if (i == 0)
		return false;
	while (s[i] == '.') {
		size_t start = ++i;
		while (is_lower_digit(s[i]) || s[i] == '_')
			i++;
		if (i == start)
			return false;
		n_parts++;
	}
	return s[i] == '\0' && n_parts > 0;
}

/*
 * Length of the UTF-8 sequence at s (at most n bytes), or 0 when it is not
 * well-formed (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF).
 */

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

bool sig_role_valid(const char *name)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i], name) == 0)
			return true;
	return false;
}

/* --- the db ------------------------------------------------------------------ */

static uint64_t id_hash(const char *id)
{
	return hk_hash_bytes(id, strlen(id), 0x5167u);
}

static struct sig_db *db_new(void)
{
	struct sig_db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->id_slots = calloc(SIG_ID_SLOTS, sizeof(*db->id_slots));
	db->scratch = calloc(1, sizeof(*db->scratch));
	if (!db->id_slots || !db->scratch) {
		free(db->id_slots);
		free(db->scratch);
		free(db);
		return NULL;
	}
	return db;
}

struct sig_db *sig_db_free(struct sig_db *db)
{
	if (!db)
		return NULL;
	for (size_t i = 0; i < db->n_rules; i++) {
		struct sig_rule *r = &db->rules[i];
		pcre2_code_free(r->re);
		for (int a = 0; a < SIG_ATTR__MAX; a++)
			free(r->tmpl[a]);
		free(r->reference);
	}
	for (size_t i = 0; i < db->n_fields; i++)
		free(db->fields[i].rules);
	if (db->scratch) {
		pcre2_match_data_free(db->scratch->md);
		free(db->scratch);
	}
	pcre2_match_context_free(db->mctx);
	if (db->jit) {
		for (size_t i = 0; i < db->jit->n; i++)
			pthread_mutex_destroy(&db->jit->field[i].lock);
		free(db->jit);
	}
	free(db->fields);
	free(db->rules);
	free(db->id_slots);
	free(db->origin);
	for (size_t i = 0; i < db->n_files; i++)
		free(db->file_names[i]);
	free(db->file_names);
	free(db);
	return NULL;
}

/* The slot of id: where it is, or the empty slot it would go to. */
static uint32_t *id_slot(struct sig_db *db, const char *id)
{
	size_t mask = SIG_ID_SLOTS - 1, i = (size_t)id_hash(id) & mask;

	for (;;) {
		uint32_t *s = &db->id_slots[i];
		if (*s == 0 || strcmp(db->rules[*s - 1].id, id) == 0)
			return s;
		i = (i + 1) & mask;
	}
}

static struct sig_field *field_get(struct sig_db *db, const char *name)
{
	struct sig_field *f;

	for (size_t i = 0; i < db->n_fields; i++)
		if (strcmp(db->fields[i].name, name) == 0)
			return &db->fields[i];
	if (hk_grow((void **)&db->fields, &db->cap_fields, db->n_fields + 1, sizeof(*db->fields)) < 0)
		return NULL;
	f = &db->fields[db->n_fields++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	return f;
}

/* --- one line ---------------------------------------------------------------- */

struct line_ctx {
	struct sig_db *db;
	struct sig_report *rep;
	const char *file;
	size_t line;
};

/*
 * Checks an attribute column: printable ASCII (values are escaped ASCII;
 * a backslash would start an escape the value does not have), and every
 * '$' followed by 1-9 no larger than the capture count, or by '$'.
 */
static bool template_valid(const struct line_ctx *lc, const char *col, const char *t, uint32_t n_caps)
{
	size_t len = strlen(t);

	if (len > SIG_TEMPLATE_MAX) {
		report(lc->rep, lc->file, lc->line, "column '%s' is %zu characters long, more than %d",
		       col, len, SIG_TEMPLATE_MAX);
		return false;
	}
	if (!printable_ascii(t)) {
		report(lc->rep, lc->file, lc->line,
		       "column '%s' has a character that is not printable ASCII (values are escaped "
		       "ASCII text)", col);
		return false;
	}
	for (size_t i = 0; t[i]; i++) {
		if (t[i] == '\\') {
			report(lc->rep, lc->file, lc->line,
			       "column '%s' has a backslash; values are escaped text, so it would "
			       "start an escape the value does not have", col);
			return false;
		}
		if (t[i] != '$')
			continue;
		if (t[i + 1] == '$') {
			i++;
		} else if (t[i + 1] >= '1' && t[i + 1] <= '9') {
			unsigned n = (unsigned)(t[i + 1] - '0');
			if (n > n_caps) {
				report(lc->rep, lc->file, lc->line,
				       "column '%s' uses $%u but the pattern has %u capture group%s", col,
				       n, n_caps, n_caps == 1 ? "" : "s");
				return false;
			}
			i++;
		} else {
			report(lc->rep, lc->file, lc->line,
			       "column '%s': '$' must be followed by a digit 1-9 (a capture group) "
			       "or by '$' (a literal '$')", col);
			return false;
		}
	}
	return true;
}

static pcre2_code *compile_pattern(const struct line_ctx *lc, const char *pat, uint32_t *ret_caps)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off = 0;
	pcre2_match_data *md;
	pcre2_code *re;
	uint32_t n_caps = 0;
	size_t len = strlen(pat);
	int err = 0, rc;

	if (len > SIG_PATTERN_MAX) {
		report(lc->rep, lc->file, lc->line, "pattern is %zu characters long, more than %d", len,
		       SIG_PATTERN_MAX);
		return NULL;
	}
	if (!printable_ascii(pat)) {
		report(lc->rep, lc->file, lc->line,
		       "pattern has a character that is not printable ASCII; values are escaped ASCII "
		       "(a byte 0xe9 arrives as the text \\xe9: match it with \\\\xe9)");
		return NULL;
	}
	/* Values are ASCII, so no UTF mode, and a pattern cannot switch it on. */
	re = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_NEVER_UTF | PCRE2_NEVER_UCP | PCRE2_DOLLAR_ENDONLY,
			   &err, &off, NULL);
	if (!re) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		report(lc->rep, lc->file, lc->line, "pattern does not compile: %s at offset %zu",
		       (const char *)msg, (size_t)off);
		return NULL;
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &n_caps);
	if (n_caps > SIG_CAPTURES_MAX) {
		report(lc->rep, lc->file, lc->line,
		       "pattern has %u capture groups, more than %d ($1..$9); make the others (?:...)",
		       n_caps, SIG_CAPTURES_MAX);
		pcre2_code_free(re);
		return NULL;
	}
	/* A pattern that matches the empty string matches every value. */
	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (!md) {
		pcre2_code_free(re);
		report(lc->rep, lc->file, lc->line, "out of memory");
		return NULL;
	}
	rc = pcre2_match(re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	if (rc >= 0) {
		report(lc->rep, lc->file, lc->line,
		       "pattern matches the empty string, so it would claim every value");
		pcre2_code_free(re);
		return NULL;
	}
	*ret_caps = n_caps;
	return re;
}

/* Whole number 1..100 without sign or leading zeros. */
static bool parse_confidence(const char *s, uint8_t *ret)
{
	unsigned v = 0;
	size_t i;

	if (s[0] == '0' || s[0] == '\0')
		return false;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 3)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > 100)
		return false;
	*ret = (uint8_t)v;
	return true;
}

/* One rule line, split into its columns; the line is already known to be
 * UTF-8 without control characters other than TAB. */
static void parse_rule(struct line_ctx *lc, char **col)
{
	struct sig_db *db = lc->db;
	struct sig_rule r;
	struct sig_field *f;
	uint32_t *slot, n_caps = 0;
	bool ok = true, any_attr = false;
	int a;

	memset(&r, 0, sizeof(r));
	for (int c = 0; c < SIG_COLUMNS; c++) {
		size_t n = strlen(col[c]);
		if (n == 0) {
			report(lc->rep, lc->file, lc->line, "column '%s' is empty%s", column_names[c],
			       c >= COL_ATTR0 && c <= COL_ROLE ? " (write '-' for none)" : "");
			ok = false;
		} else if (col[c][0] == ' ' || col[c][n - 1] == ' ') {
			report(lc->rep, lc->file, lc->line, "column '%s' has leading or trailing spaces",
			       column_names[c]);
			ok = false;
		}
	}
	if (!ok)
		return;

	if (strlen(col[COL_ID]) > SIG_ID_MAX) {
		report(lc->rep, lc->file, lc->line, "id '%.*s...' is longer than %d characters",
		       SIG_ID_MAX, col[COL_ID], SIG_ID_MAX);
		ok = false;
	} else if (!id_valid(col[COL_ID])) {
		report(lc->rep, lc->file, lc->line,
		       "id '%.64s' is not [a-z0-9][a-z0-9._-]* (lower case letters, digits, '.', '_', '-')",
		       col[COL_ID]);
		ok = false;
	}
	if (strlen(col[COL_FIELD]) > SIG_FIELD_MAX || !field_valid(col[COL_FIELD])) {
		report(lc->rep, lc->file, lc->line,
		       "field '%.64s' is not an observation source like http.server "
		       "([a-z0-9]+(.[a-z0-9_]+)+, at most %d characters)",
		       col[COL_FIELD], SIG_FIELD_MAX);
		ok = false;
	}
	r.re = compile_pattern(lc, col[COL_PATTERN], &n_caps);
	if (!r.re)
		ok = false;
	for (a = 0; a < SIG_ATTR__MAX; a++) {
		const char *t = col[COL_ATTR0 + a];
		if (strcmp(t, "-") == 0)
			continue;
		any_attr = true;
		if (a == SIG_ATTR_ROLE) {
			if (!sig_role_valid(t)) {
				report(lc->rep, lc->file, lc->line,
				       "unknown role '%.64s' (the vocabulary is in docs/signatures.md)", t);
				ok = false;
			}
			continue;
		}
		if (!template_valid(lc, attr_names[a], t, r.re ? n_caps : SIG_CAPTURES_MAX))
			ok = false;
	}
	if (!any_attr) {
		report(lc->rep, lc->file, lc->line,
		       "no attribute set: a rule claims at least one of manufacturer, product, model, "
		       "firmware, os, role");
		ok = false;
	}
	if (!parse_confidence(col[COL_CONFIDENCE], &r.confidence)) {
		report(lc->rep, lc->file, lc->line,
		       "confidence '%.16s' is not a whole number from 1 to 100", col[COL_CONFIDENCE]);
		ok = false;
	}
	if (strcmp(col[COL_REFERENCE], "-") == 0) {
		report(lc->rep, lc->file, lc->line,
		       "reference is '-': say where the fact comes from (a vendor document URL, an "
		       "RFC, or observed: CAPTURE frame N)");
		ok = false;
	} else if (strlen(col[COL_REFERENCE]) > SIG_REFERENCE_MAX) {
		report(lc->rep, lc->file, lc->line, "reference is longer than %d characters",
		       SIG_REFERENCE_MAX);
		ok = false;
	}

	if (ok && db->n_rules >= SIG_RULES_MAX) {
		if (!db->full_reported)
			report(lc->rep, lc->file, lc->line, "more than %d rules (SIG_RULES_MAX)",
			       SIG_RULES_MAX);
		db->full_reported = true;
		ok = false;
	}
	if (ok) {
		slot = id_slot(db, col[COL_ID]);
		if (*slot) {
			const struct sig_origin *first = &db->origin[*slot - 1];
			report(lc->rep, lc->file, lc->line, "duplicate id '%s' (first at %s:%u)",
			       col[COL_ID], db->file_names[first->file], first->line);
			ok = false;
		}
	}
	if (!ok) {
		pcre2_code_free(r.re);
		return;
	}

	snprintf(r.id, sizeof(r.id), "%s", col[COL_ID]);
	r.n_caps = n_caps;
	for (a = 0; a < SIG_ATTR__MAX; a++)
		if (strcmp(col[COL_ATTR0 + a], "-") != 0 && !(r.tmpl[a] = strdup(col[COL_ATTR0 + a])))
			goto oom;
	if (!(r.reference = strdup(col[COL_REFERENCE])))
		goto oom;
	if (hk_grow((void **)&db->rules, &db->cap_rules, db->n_rules + 1, sizeof(*db->rules)) < 0)
		goto oom;
	if (hk_grow((void **)&db->origin, &db->cap_origin, db->n_rules + 1, sizeof(*db->origin)) < 0)
		goto oom;
	f = field_get(db, col[COL_FIELD]);
	if (!f || hk_grow((void **)&f->rules, &f->cap, f->n + 1, sizeof(*f->rules)) < 0)
		goto oom;
	f->rules[f->n++] = (uint32_t)db->n_rules;
	db->origin[db->n_rules].file = (uint32_t)(db->n_files - 1);
	db->origin[db->n_rules].line = (uint32_t)lc->line;
	db->rules[db->n_rules++] = r;
	*slot = (uint32_t)db->n_rules;
	if (n_caps > db->max_caps)
		db->max_caps = n_caps;
	return;
oom:
	report(lc->rep, lc->file, lc->line, "out of memory");
	pcre2_code_free(r.re);
	for (a = 0; a < SIG_ATTR__MAX; a++)
		free(r.tmpl[a]);
	free(r.reference);
}

/* Checks the bytes of one line; false (reported) when it cannot be a rule. */
static bool line_bytes_ok(const struct line_ctx *lc, const char *s, size_t n)
{
	size_t i = 0, k;

	if (n > 0 && s[n - 1] == '\r') {
		report(lc->rep, lc->file, lc->line,
		       "line ends in CR (CRLF line ends); rule files use LF only");
		return false;
	}
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0) {
			report(lc->rep, lc->file, lc->line, "NUL byte at column %zu", i + 1);
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			report(lc->rep, lc->file, lc->line, "control character 0x%02x at column %zu", c,
			       i + 1);
			return false;
		}
		if (c < 0x80) { /* ASCII, nearly every byte: no call */
			i++;
			continue;
		}
		k = hk_utf8_len((const unsigned char *)s + i, n - i);
		if (k == 0) {
			report(lc->rep, lc->file, lc->line, "not UTF-8: byte 0x%02x at column %zu", c,
			       i + 1);
			return false;
		}
		i += k;
	}
	if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
		report(lc->rep, lc->file, lc->line, "trailing whitespace");
		return false;
	}
	return true;
}

/* Parses one file's bytes into db; errors go to rep. */
static void load_into(struct sig_db *db, const char *name, const char *data, size_t len,
		      struct sig_report *rep)
{
	struct line_ctx lc = { .db = db, .rep = rep, .file = name, .line = 0 };
	char buf[SIG_LINE_MAX + 1];
	bool header_seen = false;
	size_t off = 0;

	rep->n_files++;
	if (hk_grow((void **)&db->file_names, &db->cap_files, db->n_files + 1,
		    sizeof(*db->file_names)) < 0 ||
	    !(db->file_names[db->n_files] = strdup(name))) {
		report(rep, name, 0, "out of memory");
		return;
	}
	db->n_files++;
	while (off < len) {
		const char *s = data + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;
		char *col[SIG_COLUMNS];
		size_t n_cols;
		char *p;

		off += n + (nl ? 1 : 0);
		lc.line++;
		if (n > SIG_LINE_MAX) {
			report(rep, name, lc.line, "line is %zu bytes long, more than %d (SIG_LINE_MAX)",
			       n, SIG_LINE_MAX);
			continue;
		}
		if (!line_bytes_ok(&lc, s, n)) {
			/* a damaged header is still the header: do not take the first
			 * rule for it and report every rule after it */
			if (!header_seen && n >= 9 && memcmp(s, "id\tfield\t", 9) == 0)
				header_seen = true;
			continue;
		}
		if (n == 0 || s[0] == '#')
			continue;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (!header_seen) {
			header_seen = true;
			if (strcmp(buf, header_line) != 0)
				report(rep, name, lc.line,
				       "expected the header line before the first rule: the 11 column "
				       "names id, field, pattern, manufacturer, product, model, firmware, "
				       "os, role, confidence, reference, separated by single tabs");
			continue;
		}
		n_cols = 0;
		col[n_cols++] = buf;
		for (p = buf; *p; p++) {
			if (*p != '\t')
				continue;
			*p = '\0';
			if (n_cols < SIG_COLUMNS)
				col[n_cols] = p + 1;
			n_cols++;
		}
		if (n_cols != SIG_COLUMNS) {
			report(rep, name, lc.line,
			       "%zu column%s, expected %d (id, field, pattern, manufacturer, product, "
			       "model, firmware, os, role, confidence, reference) separated by tabs",
			       n_cols, n_cols == 1 ? "" : "s", SIG_COLUMNS);
			continue;
		}
		rep->n_rules++;
		parse_rule(&lc, col);
	}
	if (!header_seen)
		report(rep, name, lc.line ? lc.line : 1,
		       "no header line (the file has no rules and no header: is it empty?)");
}

/* JIT when the library has it (the interpreter gives the same answers):
 * the state for compiling each field's patterns on first use. */
static void jit_prepare(struct sig_db *db)
{
	uint32_t have = 0;
	struct sig_lazy_jit *j;

	if (pcre2_config(PCRE2_CONFIG_JIT, &have) < 0 || !have)
		return;
	j = calloc(1, sizeof(*j) + db->n_fields * sizeof(j->field[0]));
	if (!j)
		return;
	for (; j->n < db->n_fields; j->n++) {
		if (pthread_mutex_init(&j->field[j->n].lock, NULL) != 0) {
			while (j->n > 0)
				pthread_mutex_destroy(&j->field[--j->n].lock);
			free(j);
			return;
		}
	}
	db->jit = j;
}

/* Before field f's first match: its patterns JIT-compiled (those the JIT
 * refuses stay interpreted). */
static void jit_field(const struct sig_db *db, const struct sig_field *f)
{
	struct sig_field_jit *fj;

	if (!db->jit)
		return;
	fj = &db->jit->field[f - db->fields];
	if (atomic_load_explicit(&fj->ready, memory_order_acquire))
		return;
	pthread_mutex_lock(&fj->lock);
	if (!atomic_load_explicit(&fj->ready, memory_order_relaxed)) {
		for (size_t k = 0; k < f->n; k++)
			if (pcre2_jit_compile(db->rules[f->rules[k]].re, PCRE2_JIT_COMPLETE) == 0)
				atomic_store_explicit(&db->jit->any, true, memory_order_relaxed);
		atomic_store_explicit(&fj->ready, true, memory_order_release);
	}
	pthread_mutex_unlock(&fj->lock);
}

static int field_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sig_field *)a)->name, ((const struct sig_field *)b)->name);
}

/* Once every file is in: the index, the scratch space; NULL on errors. */
static struct sig_db *finish(struct sig_db *db, struct sig_report *rep)
{
	if (rep->n_errors) {
		sig_db_free(db);
		return NULL;
	}
	if (db->n_fields)
		qsort(db->fields, db->n_fields, sizeof(*db->fields), field_cmp);
	db->scratch->md = pcre2_match_data_create(db->max_caps + 1, NULL);
	db->mctx = pcre2_match_context_create(NULL);
	if (!db->scratch->md || !db->mctx) {
		report(rep, "signatures", 0, "out of memory");
		sig_db_free(db);
		return NULL;
	}
	pcre2_set_match_limit(db->mctx, SIG_MATCH_LIMIT);
	pcre2_set_depth_limit(db->mctx, SIG_DEPTH_LIMIT);
	jit_prepare(db);
	return db;
}

struct sig_db *sig_load_buffer(const char *name, const char *data, size_t len, struct sig_report *rep)
{
	struct sig_db *db = db_new();

	if (!db) {
		report(rep, name, 0, "out of memory");
		return NULL;
	}
	if (len > SIG_FILE_SIZE_MAX)
		report(rep, name, 1, "file is %zu bytes, more than %u (SIG_FILE_SIZE_MAX)", len,
		       SIG_FILE_SIZE_MAX);
	else
		load_into(db, name, data, len, rep);
	return finish(db, rep);
}

static int tsv_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".tsv") == 0;
}

/* Reads path into a new buffer; a message in rep when it cannot. */
static char *read_file(const char *path, size_t *ret_len, struct sig_report *rep)
{
	struct stat st;
	char *buf = NULL;
	size_t len, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		report(rep, path, 0, "cannot open it: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		report(rep, path, 0, "not a regular file");
		goto out;
	}
	if (st.st_size > (off_t)SIG_FILE_SIZE_MAX) {
		report(rep, path, 1, "file is %lld bytes, more than %u (SIG_FILE_SIZE_MAX)",
		       (long long)st.st_size, SIG_FILE_SIZE_MAX);
		goto out;
	}
	len = (size_t)st.st_size;
	buf = malloc(len ? len : 1);
	if (!buf) {
		report(rep, path, 0, "out of memory");
		goto out;
	}
	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			report(rep, path, 0, "cannot read it: %s", r < 0 ? strerror(errno) : "short read");
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)r;
	}
	*ret_len = len;
out:
	close(fd);
	return buf;
}

struct sig_db *sig_load_dir(const char *dir, struct sig_report *rep)
{
	char sub[SIG_NAME_MAX], path[SIG_NAME_MAX];
	struct dirent **names = NULL;
	struct sig_db *db;
	int n, i;

	if ((size_t)snprintf(sub, sizeof(sub), "%s/fingerprints", dir) >= sizeof(sub)) {
		report(rep, dir, 0, "directory name too long");
		return NULL;
	}
	n = scandir(sub, &names, tsv_filter, alphasort);
	if (n < 0) {
		report(rep, sub, 0, "cannot read the directory: %s", strerror(errno));
		return NULL;
	}
	db = db_new();
	if (!db)
		report(rep, sub, 0, "out of memory");
	else if (n == 0)
		report(rep, sub, 0, "no rule files (*.tsv) in it");
	else if (n > SIG_FILES_MAX)
		report(rep, sub, 0, "%d rule files, more than %d (SIG_FILES_MAX)", n, SIG_FILES_MAX);
	for (i = 0; i < n; i++) {
		if (db && n <= SIG_FILES_MAX &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", sub, names[i]->d_name) < sizeof(path)) {
			size_t len = 0;
			char *data = read_file(path, &len, rep);
			if (data)
				load_into(db, path, data, len, rep);
			free(data);
		}
		free(names[i]);
	}
	free(names);
	return db ? finish(db, rep) : NULL;
}

size_t sig_count(const struct sig_db *db)
{
	return db ? db->n_rules : 0;
}

size_t sig_file_count(const struct sig_db *db)
{
	return db ? db->n_files : 0;
}

bool sig_jit(const struct sig_db *db)
{
	return db && db->jit && atomic_load_explicit(&db->jit->any, memory_order_relaxed);
}

void sig_stats(const struct sig_db *db, struct sig_stats *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!db)
		return;
	*ret = db->scratch->stats;
	ret->n_matches += __atomic_load_n(&db->folded.n_matches, __ATOMIC_RELAXED);
	ret->n_claims_dropped += __atomic_load_n(&db->folded.n_claims_dropped, __ATOMIC_RELAXED);
	ret->n_match_errors += __atomic_load_n(&db->folded.n_match_errors, __ATOMIC_RELAXED);
}

struct sig_scratch *sig_scratch_new(void)
{
	struct sig_scratch *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return NULL;
	/* sized for any db: compile_pattern refuses more than SIG_CAPTURES_MAX */
	sc->md = pcre2_match_data_create(SIG_CAPTURES_MAX + 1, NULL);
	if (!sc->md) {
		free(sc);
		return NULL;
	}
	return sc;
}

struct sig_scratch *sig_scratch_free(struct sig_db *db, struct sig_scratch *sc)
{
	if (!sc)
		return NULL;
	if (db) {
		/* several threads may hand theirs back at once */
		struct sig_stats *f = &db->folded;
		__atomic_fetch_add(&f->n_matches, sc->stats.n_matches, __ATOMIC_RELAXED);
		__atomic_fetch_add(&f->n_claims_dropped, sc->stats.n_claims_dropped, __ATOMIC_RELAXED);
		__atomic_fetch_add(&f->n_match_errors, sc->stats.n_match_errors, __ATOMIC_RELAXED);
	}
	pcre2_match_data_free(sc->md);
	free(sc);
	return NULL;
}

const char *sig_rule_reference(const struct sig_db *db, const char *rule_id)
{
	if (!db)
		return NULL;
	for (size_t i = 0; i < db->n_rules; i++)
		if (strcmp(db->rules[i].id, rule_id) == 0)
			return db->rules[i].reference;
	return NULL;
}

/* --- matching ------------------------------------------------------------------ */

/* Length of the escape ("\\\\" or "\\xNN") or plain character at s[i]. */
static size_t escape_len(const char *s, size_t i)
{
	if (s[i] != '\\')
		return 1;
	return s[i + 1] == 'x' ? 4 : 2;
}

/*
 * Appends n bytes to dst (at *o; dstsz holds the NUL). When they do not
 * fit, fills what is left and cuts at the last point that does not split
 * an escape of the value's text; false then.
 */
static bool out_add(char *dst, size_t dstsz, size_t *o, const char *src, size_t n)
{
	size_t room = dstsz - 1 - *o, i = 0, cut = 0;

	if (n <= room) {
		memcpy(dst + *o, src, n);
		*o += n;
		return true;
	}
	memcpy(dst + *o, src, room);
	*o += room;
	dst[*o] = '\0';
	/* Templates hold no backslash, so every escape in dst is the value's. */
	while (i < *o) {
		size_t k = escape_len(dst, i);
		if (i + k > *o)
			break;
		i += k;
		cut = i;
	}
	*o = cut;
	return false;
}

static void substitute(const char *tmpl, const char *value, const PCRE2_SIZE *ov, int rc, char *dst,
		       size_t dstsz)
{
	size_t o = 0, lit;

	while (*tmpl) {
		if (tmpl[0] == '$' && tmpl[1] == '$') {
			if (!out_add(dst, dstsz, &o, "$", 1))
				break;
			tmpl += 2;
		} else if (tmpl[0] == '$') {
			int g = tmpl[1] - '0';
			/* an unset group inserts nothing; so does a \K oddity with end < start */
			if (g < rc && ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] > ov[2 * g] &&
			    !out_add(dst, dstsz, &o, value + ov[2 * g], ov[2 * g + 1] - ov[2 * g]))
				break;
			tmpl += 2;
		} else {
			const char *d = strchr(tmpl, '$');
			lit = d ? (size_t)(d - tmpl) : strlen(tmpl);
			if (!out_add(dst, dstsz, &o, tmpl, lit))
				break;
			tmpl += lit;
		}
	}
	dst[o] = '\0';
}

size_t sig_match(const struct sig_db *db, const char *field, const char *value,
		 struct sig_claim *out, size_t max)
{
	return sig_match_with(db, NULL, field, value, out, max);
}

/* bsearch's key is the field name itself: no copy into a struct per match */
static int field_name_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sig_field *)elem)->name);
}

size_t sig_match_with(const struct sig_db *db, struct sig_scratch *sc, const char *field, const char *value,
		      struct sig_claim *out, size_t max)
{
	const struct sig_field *f;
	size_t n_out = 0, len;

	if (!db || !field || !value)
		return 0;
	if (!sc)
		sc = db->scratch;
	sc->stats.n_matches++;
	if (strlen(field) > SIG_FIELD_MAX)
		return 0;
	if (!db->n_fields)
		return 0;
	f = bsearch(field, db->fields, db->n_fields, sizeof(*db->fields), field_name_cmp);
	if (!f)
		return 0;
	jit_field(db, f);
	len = strnlen(value, HK_OBS_VALUE_MAX);
	for (size_t i = 0; i < f->n; i++) {
		const struct sig_rule *r = &db->rules[f->rules[i]];
		const PCRE2_SIZE *ov;
		int rc = pcre2_match(r->re, (PCRE2_SPTR)value, len, 0, 0, sc->md, db->mctx);

		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc <= 0) {
			sc->stats.n_match_errors++;
			continue;
		}
		ov = pcre2_get_ovector_pointer(sc->md);
		for (int a = 0; a < SIG_ATTR__MAX; a++) {
			struct sig_claim *c;
			if (!r->tmpl[a])
				continue;
			if (n_out >= max) {
				sc->stats.n_claims_dropped++;
				continue;
			}
			c = &out[n_out];
			substitute(r->tmpl[a], value, ov, rc, c->value, sizeof(c->value));
			if (!c->value[0])
				continue;
			c->attribute = attr_names[a];
			c->confidence = r->confidence;
			c->rule_id = r->id;
			n_out++;
		}
	}
	return n_out;
}

/* --- where the rules are ---------------------------------------------------- */

/* Is this binary inside the build tree (the parent of HK_BUILD_DATADIR)? */
static bool running_from_build_tree(void)
{
	char root[PATH_MAX], exe[PATH_MAX], rroot[PATH_MAX];
	char *slash;
	size_t n;

	if ((size_t)snprintf(root, sizeof(root), "%s", HK_BUILD_DATADIR) >= sizeof(root))
		return false;
	slash = strrchr(root, '/');
	if (!slash || slash == root)
		return false;
	*slash = '\0';
	if (!realpath("/proc/self/exe", exe) || !realpath(root, rroot))
		return false;
	n = strlen(rroot);
	return strncmp(exe, rroot, n) == 0 && exe[n] == '/';
}

char *sig_default_dir(char *buf, size_t bufsz)
{
	const char *env = getenv("HERKOMST_SIGDIR");
	const char *dir = HK_INSTALL_SIGDIR;
	struct stat st;

	if (env && env[0])
		dir = env;
	else if (running_from_build_tree() && stat(HK_SOURCE_SIGDIR, &st) == 0)
		dir = HK_SOURCE_SIGDIR;
	if ((size_t)snprintf(buf, bufsz, "%s", dir) >= bufsz)
		return NULL;
	return buf;
}
