/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reader for the IEEE registry text files of Debian's ieee-data
 * (/usr/share/ieee-data/{oui,mam,oui36,iab}.txt), and the table that db/mkoui
 * writes from them as oui.tsv. Kept apart from mkoui's main() so the unit
 * test can feed it fixtures.
 *
 * A record in the text files (CRLF line ends; IAB pads with spaces where the
 * others use tabs):
 *
 *   70-B3-D5   (hex)\t\tTELEPLATFORMS            <- 24-bit prefix, registrant
 *   F2F000-F2FFFF     (base 16)\t\tTELEPLATFORMS <- MA-L: "70B3D5"; others a range
 *   \t\t\t\tPolbina st., 3/1                     <- address lines, indented
 *   \t\t\t\tMoscow    109388
 *   \t\t\t\tRU                                   <- ISO 3166-1 alpha-2, own line
 *   (empty line)
 *
 * The country is taken only from the last address line, and only when that
 * whole line is a two-letter ISO code: the CSV files put the country before
 * the postcode, so reading a "last token" there turns the Dutch postcode
 * "1016 TR" into Turkey.
 */
#ifndef HERKOMST_DB_OUI_TXT_H
#define HERKOMST_DB_OUI_TXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OUI_TXT_FILE_MAX (64u << 20) /* the largest real file (oui.txt) is 5 MiB */
#define OUI_TXT_LINE_MAX 1024        /* real lines are at most 254 bytes */
#define OUI_TXT_NAME_MAX 128         /* bytes with NUL; equals OUI_NAME_MAX of the loader */
#define OUI_TXT_RECORDS_MAX 1000000  /* all four files hold 46,524 records in 2022 */
#define OUI_TXT_HEX_MAX 10           /* 9 hex digits of an MA-S/IAB key and a NUL */
#define OUI_TXT_PATH_MAX 4096        /* directory + file name */

enum oui_txt_registry {
	OUI_TXT_MA_L = 0,
	OUI_TXT_MA_M,
	OUI_TXT_MA_S,
	OUI_TXT_IAB,
	OUI_TXT_REGISTRY_COUNT,
};

struct oui_txt_rec {
	char key[OUI_TXT_HEX_MAX]; /* 6, 7 or 9 upper-case hex digits */
	enum oui_txt_registry registry;
	char country[3];              /* ISO 3166-1 alpha-2, or "" */
	char name[OUI_TXT_NAME_MAX];  /* never empty; tabs and controls made spaces */
	unsigned line;                /* line of the "(hex)" line */
	bool truncated_name;          /* name was cut to fit OUI_TXT_NAME_MAX */
};

/* The set of valid ISO 3166-1 alpha-2 codes, one bit per AA..ZZ. */
struct oui_iso {
	bool loaded; /* false: accept any [A-Z]{2} */
	size_t n_codes;
	uint8_t ok[26 * 26];
};

/* Reads iso-codes' iso_3166-1.json. 0 or a negative errno with errbuf set. */
int oui_iso_load(struct oui_iso *iso, const char *path, char *errbuf, size_t errsz);
bool oui_iso_valid(const struct oui_iso *iso, const char *code);

const char *oui_txt_registry_name(enum oui_txt_registry r); /* "MA-L", ... */
const char *oui_txt_registry_file(enum oui_txt_registry r); /* "oui.txt", ... */
unsigned oui_txt_registry_digits(enum oui_txt_registry r);  /* 6, 7 or 9 */

/* Called once per record in file order; a negative return stops the parse
 * and is returned (the callback fills errbuf then). */
typedef int (*oui_txt_fn)(const struct oui_txt_rec *rec, void *ctx, char *errbuf, size_t errsz);

/*
 * Parses one registry file already in memory; path only names it in errors.
 * iso may be NULL (any [A-Z]{2} is a country). Returns the number of records
 * or a negative errno, with "path:line: what" in errbuf.
 */
int oui_txt_parse(const char *path, const char *buf, size_t len, enum oui_txt_registry reg,
		  const struct oui_iso *iso, oui_txt_fn fn, void *ctx, char *errbuf, size_t errsz);
int oui_txt_parse_file(const char *path, enum oui_txt_registry reg, const struct oui_iso *iso,
		       oui_txt_fn fn, void *ctx, char *errbuf, size_t errsz);

/* The records of all files, sorted by key, first occurrence of a key kept. */
struct oui_table {
	struct oui_txt_rec *recs;
	size_t n, cap;
	struct oui_txt_rec *dups; /* dropped later duplicates, for the header */
	size_t n_dups, cap_dups;
	/* filled by oui_table_finish(), over the records kept */
	size_t n_reg[OUI_TXT_REGISTRY_COUNT];
	size_t n_country[OUI_TXT_REGISTRY_COUNT];
	size_t n_truncated_names;
};

void oui_table_init(struct oui_table *t);
void oui_table_release(struct oui_table *t);
/* An oui_txt_fn whose ctx is a struct oui_table. */
int oui_table_add(const struct oui_txt_rec *rec, void *ctx, char *errbuf, size_t errsz);
/* Reads the four files of dir in the order MA-L, MA-M, MA-S, IAB. */
int oui_table_read_dir(struct oui_table *t, const char *dir, const struct oui_iso *iso,
		       char *errbuf, size_t errsz);
/* Sorts and drops duplicates (the first in file order wins). */
void oui_table_finish(struct oui_table *t);
/* The kept record with this key, or NULL (after oui_table_finish). */
const struct oui_txt_rec *oui_table_find(const struct oui_table *t, const char *key);
/* Writes the TSV body: "KEY\tREGISTRY\tCC\tNAME\n" per record. */
int oui_table_write(const struct oui_table *t, FILE *out);

#endif
