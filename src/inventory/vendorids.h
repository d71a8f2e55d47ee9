/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Numeric vendor IDs that industrial protocols carry (the ODVA/CIP vendor ID
 * of an EtherNet/IP ListIdentity, the ASHRAE vendor identifier of a BACnet
 * I-Am) turned into vendor names, from data in signatures/vendor-ids/:
 *
 *   index.tsv   field  table  confidence  reference
 *               which observation source is looked up in which table
 *   <table>.tsv id  vendor  reference
 *   not-vendors.tsv  field  id  reason  reference
 *               numbers that name no maker (net-snmp's enterprise number is
 *               any Linux agent's; "Reserved")
 *
 * The loader is strict like the signature loader: file:line: what is wrong.
 */
#ifndef HERKOMST_VENDORIDS_H
#define HERKOMST_VENDORIDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VID_ROWS_MAX 100000u
#define VID_TABLES_MAX 32u
#define VID_LINE_MAX 1024u

struct vid_db;

/* Loads dir/vendor-ids/. NULL on error with "file:line: what" in errbuf. */
struct vid_db *vid_load_dir(const char *sigdir, char *errbuf, size_t errsz);
struct vid_db *vid_db_free(struct vid_db *db);
size_t vid_count(const struct vid_db *db);

/*
 * The vendor for a numeric value observed in field (decimal, or 0x hex), or
 * NULL. *ret_conf is the confidence the index gives that field.
 */
const char *vid_lookup(const struct vid_db *db, const char *field, const char *value, uint8_t *ret_conf);

/* Is this number listed as naming no maker for field? */
bool vid_not_vendor(const struct vid_db *db, const char *field, uint32_t id);

#endif
