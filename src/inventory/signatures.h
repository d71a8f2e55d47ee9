/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signatures: banner patterns that turn a self-description (an HTTP Server
 * header, an SSH banner, an SNMP sysDescr, a DHCP vendor class, ...) into
 * manufacturer, product, model, firmware, OS and role claims.
 *
 * The rules are data: signatures/fingerprints/ *.tsv in the source tree,
 * installed to $datadir/herkomst/signatures/. docs/signatures.md describes
 * the format. The loader is strict: every bad line is reported as
 * "file:line: what is wrong" (up to SIG_ERRORS_MAX of them) and nothing is
 * loaded, so a typo in a rule file stops the service instead of silently
 * dropping a rule.
 *
 * Matching is by field (the observation source, "http.server"): only the
 * rules written for that field run, in load order (files in name order,
 * then line order), each a JIT-compiled PCRE2 pattern. The db is read-only
 * once loaded except for the matcher's scratch space (the PCRE2 match data
 * and the counters): sig_match uses the db's own, so one thread at a time;
 * threads that match at the same time each bring one of their own
 * (sig_scratch_new, sig_match_with).
 */
#ifndef HERKOMST_SIGNATURES_H
#define HERKOMST_SIGNATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/obs.h"

#define SIG_LINE_MAX 2048        /* bytes of one line, without its LF */
#define SIG_RULES_MAX 10000      /* rules in one db, all files together */
#define SIG_FILES_MAX 256        /* *.tsv files in one directory */
#define SIG_FILE_SIZE_MAX (4u << 20) /* bytes of one rule file */
#define SIG_ERRORS_MAX 64        /* messages kept in a report; the rest are counted */
#define SIG_MSG_MAX 512          /* bytes of one message, with its NUL */
#define SIG_ID_MAX 40            /* characters of a rule id: "sig." + id fits a source */
#define SIG_FIELD_MAX (HK_OBS_SOURCE_MAX - 1)
#define SIG_PATTERN_MAX 1024     /* characters of a pattern */
#define SIG_TEMPLATE_MAX 128     /* characters of an attribute column */
#define SIG_REFERENCE_MAX 512    /* characters of a reference */
#define SIG_CAPTURES_MAX 9       /* $1..$9 */
#define SIG_MATCH_LIMIT 100000   /* PCRE2 match limit per pattern and value */
#define SIG_DEPTH_LIMIT 1000     /* PCRE2 backtracking depth limit */

/* The attribute columns, in the order their claims come out of sig_match. */
enum sig_attr {
	SIG_ATTR_MANUFACTURER = 0,
	SIG_ATTR_PRODUCT,
	SIG_ATTR_MODEL,
	SIG_ATTR_FIRMWARE,
	SIG_ATTR_OS,
	SIG_ATTR_ROLE,
	SIG_ATTR__MAX
};

/* What a load said. Zero it before use; sig_load_* fill it. */
struct sig_report {
	size_t n_errors;   /* every error found, also those past SIG_ERRORS_MAX */
	size_t n_kept;     /* messages in msg[] */
	size_t n_files;    /* files read */
	size_t n_rules;    /* rules read (also when errors made the load fail) */
	char msg[SIG_ERRORS_MAX][SIG_MSG_MAX]; /* "file:line: what is wrong" */
};

/* One claim a matching rule makes about the subject of an observation. */
struct sig_claim {
	const char *attribute; /* "manufacturer", "product", "model", "firmware", "os", "role" (static) */
	char value[HK_OBS_VALUE_MAX]; /* the column with $1..$9 substituted; escaped like the input */
	uint8_t confidence;    /* 1..100, the rule's */
	const char *rule_id;   /* owned by the db: valid while it lives */
};

struct sig_db;

/*
 * Loads every *.tsv file directly in dir/fingerprints/ (name order; other
 * files and hidden files are ignored). NULL on any error, with the messages
 * in rep; a directory without rule files is an error too.
 */
struct sig_db *sig_load_dir(const char *dir, struct sig_report *rep);

/*
 * Loads one rule file from memory; name is used in messages ("http.tsv").
 * The directory loader reads each file and goes through the same code.
 * NULL on any error, with the messages in rep.
 */
struct sig_db *sig_load_buffer(const char *name, const char *data, size_t len, struct sig_report *rep);

struct sig_db *sig_db_free(struct sig_db *db);

size_t sig_count(const struct sig_db *db);      /* rules */
size_t sig_file_count(const struct sig_db *db); /* files they came from */
bool sig_jit(const struct sig_db *db);          /* was a pattern JIT-compiled (a field's are, on its first match)? */

/*
 * Runs the rules written for field against value (an escaped observation
 * value). Writes up to max claims to out: for each matching rule in load
 * order, one claim per attribute column that is set, in enum sig_attr
 * order; a claim whose substituted value is empty is left out. Returns the
 * number written. Claims past max, and patterns that hit the match limits,
 * are counted in the db (sig_dropped).
 */
size_t sig_match(const struct sig_db *db, const char *field, const char *value,
		 struct sig_claim *out, size_t max);

/*
 * A thread's scratch space for sig_match_with: any db's patterns fit it.
 * sig_scratch_free adds its counters to db's (atomically: threads may free
 * theirs at the same time; db may be NULL) and returns NULL.
 */
struct sig_scratch;
struct sig_scratch *sig_scratch_new(void);
struct sig_scratch *sig_scratch_free(struct sig_db *db, struct sig_scratch *sc);

/* sig_match with sc's scratch space (NULL: the db's own, as sig_match). */
size_t sig_match_with(const struct sig_db *db, struct sig_scratch *sc, const char *field, const char *value,
		      struct sig_claim *out, size_t max);

struct sig_stats {
	uint64_t n_matches;       /* sig_match calls */
	uint64_t n_claims_dropped; /* past the caller's max */
	uint64_t n_match_errors;  /* match limit, depth limit or another PCRE2 error */
};
/* The db's own counters and those of the scratches freed into it. */
void sig_stats(const struct sig_db *db, struct sig_stats *ret);

/* The reference column of a rule, or NULL when there is no such id. */
const char *sig_rule_reference(const struct sig_db *db, const char *rule_id);

/* Is name in the role vocabulary (docs/signatures.md)? */
bool sig_role_valid(const char *name);

/*
 * The signature directory to use: $HERKOMST_SIGDIR when set; the source
 * tree's signatures/ when this binary runs from its build tree; else the
 * install directory. Writes it to buf and returns buf, or NULL when it does
 * not fit.
 */
char *sig_default_dir(char *buf, size_t bufsz);

#endif
