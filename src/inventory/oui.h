/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MAC address → IEEE registrant and its country.
 *
 * The origin database (db/oui.tsv in the build tree, installed to
 * $datadir/herkomst/oui.tsv) is generated at build time by db/mkoui from
 * Debian's ieee-data TXT files: MA-L (/24), MA-M (/28), MA-S (/36) and IAB
 * (/36); the longest matching prefix wins, so an MA-M block inside an MA-L
 * registered to "IEEE Registration Authority" names the real registrant.
 * Wireshark's manuf file is read lazily at run time, on the first miss, for
 * blocks newer than ieee-data (registrant name only, no country).
 */
#ifndef HERKOMST_OUI_H
#define HERKOMST_OUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum oui_registry {
	OUI_REG_NONE = 0,
	OUI_REG_MA_L, /* "MA-L" */
	OUI_REG_MA_M, /* "MA-M" */
	OUI_REG_MA_S, /* "MA-S" */
	OUI_REG_IAB,  /* "IAB" */
	OUI_REG_MANUF, /* "manuf": Wireshark's file, name only */
};

enum oui_status {
	OUI_FOUND = 0,
	OUI_LOCAL,        /* locally administered (randomised, virtual): no vendor */
	OUI_MULTICAST,    /* group address: no vendor */
	OUI_UNREGISTERED, /* in no registry we have */
};

#define OUI_NAME_MAX 128

struct oui_result {
	enum oui_status status;
	enum oui_registry registry;
	uint8_t bits;       /* 24, 28 or 36 */
	char prefix[24];    /* "00:1b:1b" for /24; "70:b3:d5:0c:70:00/36" otherwise */
	char registrant[OUI_NAME_MAX];
	char country[3];    /* ISO 3166-1 alpha-2, or "" when the record has none */
};

struct oui_db;

/*
 * Loads the generated table at path, and remembers manuf_path (may be NULL)
 * for lazy fallback. NULL on failure, with a message naming the file and what
 * to do in errbuf.
 */
struct oui_db *oui_db_open(const char *path, const char *manuf_path, char *errbuf, size_t errsz);
struct oui_db *oui_db_free(struct oui_db *db);

/* Finds the default table: $HERKOMST_DATADIR, the build tree, then the install dir. */
struct oui_db *oui_db_open_default(char *errbuf, size_t errsz);

/* Always fills *ret (status says why there is no registrant). */
void oui_db_lookup(struct oui_db *db, const uint8_t mac[6], struct oui_result *ret);
/* The same, for prefixes of at most max_bits: a query for the 24-bit block
 * 70:b3:d5 must not answer with the MA-S block 70:b3:d5:00:00:00/36. */
void oui_db_lookup_bits(struct oui_db *db, const uint8_t mac[6], unsigned max_bits,
			struct oui_result *ret);
/* Loads the manuf fallback now instead of on the first miss. The number of
 * its entries, or a negative errno (-ENOENT when there is none). */
int oui_db_load_manuf(struct oui_db *db);

/* For the tests: false makes the loaders read every line the strict way
 * (cut the line, split its fields), which the one-pass reading of the
 * usual lines must equal; true (the default) again. Not thread-safe. */
void oui_fast_lines_set(bool on);

const char *oui_registry_name(enum oui_registry r);
const char *oui_status_reason(enum oui_status s);
size_t oui_db_count(const struct oui_db *db);

#endif
