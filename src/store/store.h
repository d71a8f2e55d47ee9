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
/* The id of an earlier capture with this digest, 0 if none, <0 on error. */
int64_t store_capture_find(struct store *s, const char *digest, char *ret_path, size_t pathsz);
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

#endif
