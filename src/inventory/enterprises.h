/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IANA Private Enterprise Numbers → organisation name.
 *
 * An SNMP agent's sysObjectID (1.3.6.1.4.1.N...) names the enterprise N that
 * wrote its MIB, usually its manufacturer; the SNMP parser reports N as a
 * fingerprint (snmp.enterprise) and the inventory asks this table for the
 * name. The table is Wireshark's copy of the IANA registry,
 * /usr/share/wireshark/enterprises.tsv (Debian package libwireshark-data,
 * pulled in by wireshark-common and tshark), read at run time and never copied
 * into this repository. HERKOMST_ENTERPRISES names another file in the same
 * format.
 */
#ifndef HERKOMST_ENTERPRISES_H
#define HERKOMST_ENTERPRISES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENT_DB_ENV "HERKOMST_ENTERPRISES"

struct ent_db;

/*
 * Loads the table at path; path NULL means $HERKOMST_ENTERPRISES when set,
 * else Wireshark's file. NULL on failure, with "file:line: what is wrong" (or
 * the system error and what to install) in err. The loader is strict: a line
 * that is not "NUMBER<spaces or tabs>NAME[<tab># comment]", a number above
 * 2^32-1, a name that is empty or not printable UTF-8, or a number listed
 * twice refuses the whole file.
 */
struct ent_db *ent_db_open(const char *path, char *err, size_t errsz);

/* The organisation registered for enterprise number n, or NULL. The string
 * lives as long as db. */
const char *ent_db_name(const struct ent_db *db, uint32_t n);

size_t ent_db_count(const struct ent_db *db);

/* The file db was loaded from. */
const char *ent_db_path(const struct ent_db *db);

/* Accepts NULL; returns NULL. */
struct ent_db *ent_db_free(struct ent_db *db);

/* For the tests: false makes the loader read every line the strict way
 * (cut the line, then parse it), which the one-pass reading of the usual
 * lines must equal; true (the default) again. Not thread-safe. */
void ent_fast_lines_set(bool on);

#endif
