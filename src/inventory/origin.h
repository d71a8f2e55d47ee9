/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From a manufacturer name to a company, its controlling party and the
 * country of control, from data in signatures/ownership/ (facts with sources
 * and "as of" dates; docs/origin.md):
 *
 *   aliases.tsv    alias   match   company   reference
 *                  match "exact": the alias equals the name after folding
 *                  (case, runs of white space and punctuation ",.-()&" become
 *                  one space, trimmed; "Hangzhou Hikvision Digital Technology
 *                  Co.,Ltd." → "hangzhou hikvision digital technology co ltd");
 *                  match "prefix": the folded name starts with the folded alias
 *                  followed by a space or the end (so "dell" never matches
 *                  "delta electronics"); match "regex": an anchored PCRE2
 *                  pattern over the unfolded name (written "^...$"; the
 *                  loader requires both and compiles it anchored at both
 *                  ends, so it matches the whole name or nothing).
 *   companies.tsv  id  name  hq  parent  control_country  controller  state
 *                  state_share  as_of  reference
 *                  state: none | linked-via-parent | minority | controlled
 *                  parent: another company id or "-"; state_share percent or "-"
 *
 * Never loose fuzzy matching: "Siemens Healthineers" needs its own alias, or
 * it is not Siemens.
 */
#ifndef HERKOMST_ORIGIN_H
#define HERKOMST_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

#define ORIGIN_COMPANIES_MAX 4096u
#define ORIGIN_ALIASES_MAX 65536u
#define ORIGIN_PARENT_DEPTH_MAX 8u /* parent links followed before a loop is assumed */

enum origin_state {
	ORIGIN_STATE_NONE = 0,
	ORIGIN_STATE_LINKED_VIA_PARENT, /* state-linked through an owner (Lenovo via CAS) */
	ORIGIN_STATE_MINORITY,          /* significant state minority (Dahua, China Mobile 8.8 %) */
	ORIGIN_STATE_CONTROLLED,        /* state-controlled (Hikvision via CETC) */
};

struct origin_company {
	const char *id;              /* "hikvision" */
	const char *name;            /* "Hangzhou Hikvision Digital Technology Co., Ltd." */
	const char *hq_country;      /* ISO 3166-1 alpha-2 */
	const char *parent_id;       /* NULL when none */
	const char *control_country; /* the ultimate controlling party's country */
	const char *controller;      /* who controls it, as text ("CETC via CETHIK Group (SASAC)") */
	enum origin_state state;
	double state_share;          /* percent; < 0 unknown */
	const char *as_of;           /* YYYY-MM-DD or YYYY */
	const char *reference;
};

struct origin_db;

/* Loads sigdir/ownership/. NULL on error with "file:line: what is wrong". */
struct origin_db *origin_load_dir(const char *sigdir, char *errbuf, size_t errsz);
/* The same from two files' bytes (named "companies.tsv" and "aliases.tsv"
 * in messages): the fuzz target's entry. */
struct origin_db *origin_load_buffer(const char *companies, size_t companies_len, const char *aliases,
				     size_t aliases_len, char *errbuf, size_t errsz);
struct origin_db *origin_db_free(struct origin_db *db);
size_t origin_company_count(const struct origin_db *db);
size_t origin_alias_count(const struct origin_db *db);

/* The company a manufacturer name belongs to, or NULL. *ret_rule (may be NULL)
 * says which alias matched ("aliases.tsv:12"). Deterministic: exact aliases
 * first, then the longest prefix, then regexes in file order. */
const struct origin_company *origin_resolve(const struct origin_db *db, const char *name, const char **ret_rule);

/* Follows parent links to the top (the company itself when it has none). */
const struct origin_company *origin_top(const struct origin_db *db, const struct origin_company *c);
const struct origin_company *origin_company(const struct origin_db *db, const char *id);

const char *origin_state_name(enum origin_state s); /* "controlled", ... */

/* Is cc an ISO 3166-1 alpha-2 code? Checked against iso-codes'
 * /usr/share/iso-codes/json/iso_3166-1.json when it can be read, else any
 * two capital letters. The policy and geoip loaders use it too. */
bool origin_country_valid(const char *cc);

#endif
