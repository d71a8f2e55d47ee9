/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SQLite storage of the inventory. The schema is db/migrations/NNNN_*.sql,
 * embedded in the binary and applied at open (PRAGMA user_version). Every
 * statement is prepared with bound parameters; each merge is one transaction.
 * A run merges into what is there: first/last seen widen, counters add up,
 * evidence is unioned, and resolved attributes are recomputed from all of it.
 */
#ifndef HERKOMST_STORE_H
#define HERKOMST_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/device.h"

#define STORE_PATH_MAX 1024

struct store_capture {
	int64_t id;
	char path[STORE_PATH_MAX];
	char format[8];
	char linktype[32];
	int64_t size; /* -1 when unknown */
	uint64_t packets, bytes;
	uint64_t first_seen, last_seen;
	bool truncated;
	uint64_t analyzed_at;
	char digest[65]; /* hex SHA-256 of the size and first MiB; "" for a pipe */
};

struct store;

/* path NULL: an in-memory database. On failure NULL and a message for the user. */
struct store *store_open(const char *path, char *errbuf, size_t errsz);
struct store *store_close(struct store *s);

unsigned store_schema_version(void); /* the newest migration this binary knows */
const char *store_errmsg(const struct store *s);

int store_capture_add(struct store *s, const struct store_capture *c);
/* The id of an earlier capture with this digest, 0 if none, <0 on error;
 * its path, and whether it was read only in part (cut short, or a record
 * refused: store_capture.truncated). ret_truncated may be NULL. */
int64_t store_capture_find(struct store *s, const char *digest, char *ret_path, size_t pathsz, bool *ret_truncated);
int store_captures_load(struct store *s, struct store_capture **ret, size_t *ret_n);

/* Upserts devices and their evidence in one transaction and re-resolves them.
 * A device keeps at most HK_DEV_EVIDENCE_MAX distinct claims across runs;
 * further new claims are dropped and counted (store_evidence_dropped). */
int store_devices_merge(struct store *s, const struct hk_device *devs, size_t n);

uint64_t store_evidence_dropped(const struct store *s);

/* Every device the store reads (to resolve its columns, or to load it) first
 * goes through fn, which may add derived claims. NULL: none. */
void store_set_deriver(struct store *s, hk_derive_fn fn, void *userdata);

/* Every device with its evidence, in hk_device_cmp order; ids are the rowids. */
int store_devices_load(struct store *s, struct hk_device **ret, size_t *ret_n);

/*
 * Analyst annotations (docs/assessment.md), keyed by the device key so that
 * they survive re-analysis: one per device and kind.
 *   mitigation  criterion 3B: a measure taken ("isolated VLAN, no route out"),
 *               sufficient or not
 *   owner       an ownership correction: a company id of signatures/ownership/
 *   note        free text for the report
 */
#define STORE_ANNOTATION_KIND_MAX 16
#define STORE_ANNOTATION_VALUE_MAX 1024 /* bytes, with the NUL */

struct store_annotation {
	char device_key[HK_DEV_KEY_MAX];
	char kind[STORE_ANNOTATION_KIND_MAX];
	char value[STORE_ANNOTATION_VALUE_MAX];
	bool sufficient; /* mitigation only */
	uint64_t created_at; /* usec */
};

bool store_annotation_kind_valid(const char *kind); /* mitigation, owner or note */

/* Sets (replaces) one annotation; created_at is now. -EINVAL for an unknown
 * kind, an empty key or value, or a value of STORE_ANNOTATION_VALUE_MAX bytes
 * or more. */
int store_annotation_set(struct store *s, const char *device_key, const char *kind, const char *value,
			 bool sufficient);
/* Removes one annotation: 1 when there was one, 0 when not, <0 on error. */
int store_annotation_clear(struct store *s, const char *device_key, const char *kind);
/* The annotations of one device (device_key NULL: of all), ordered by key and
 * kind. *ret is malloc'ed (NULL when none). */
int store_annotation_load(struct store *s, const char *device_key, struct store_annotation **ret, size_t *ret_n);

/*
 * Shipping to a central PostgreSQL (docs/fleet.md, src/fleet/ship.c).
 * Every merge and annotation change gives each device key it touches the
 * next number of one sequence (the changes table, one row per key); a
 * shipper keeps a watermark per central target and ships the keys above it.
 */
struct store_change {
	char device_key[HK_DEV_KEY_MAX];
	int64_t rev;
};

/* A read transaction, so that a batch sees one state of the store. */
int store_read_begin(struct store *s);
int store_read_end(struct store *s);

/* At most max keys changed after rev `after`, in rev order; *ret malloc'ed. */
int store_changes_after(struct store *s, int64_t after, size_t max, struct store_change **ret, size_t *ret_n);
/* How many keys changed after `after`, and the newest rev (0 when none). */
int store_changes_count(struct store *s, int64_t after, uint64_t *ret_n, int64_t *ret_max);

/* One device by key, with its evidence sorted (and derived claims when a
 * deriver is set). -ENOENT when the store has no such device (a key may have
 * only annotations). */
int store_device_get(struct store *s, const char *key, struct hk_device *ret);

/* The watermark of a target (a sensor id and site; 0 when it never shipped)
 * and the central database it belongs to ("" when none). Advancing never
 * moves it back within one database (another database_id replaces it) and
 * adds rows to the target's total; a reset ships everything again. */
int store_ship_watermark(struct store *s, const char *target, int64_t *ret, char *ret_dbid, size_t dbidsz);
int store_ship_advance(struct store *s, const char *target, const char *database_id, int64_t watermark,
		       uint64_t rows);
int store_ship_reset(struct store *s, const char *target);

#endif
