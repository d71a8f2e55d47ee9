/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "hk_config.h"
#include "store/migrations.h"

#define STORE_BUSY_TIMEOUT_MS 5000

enum {
	ST_DEV_UPSERT,
	ST_EV_UPDATE,
	ST_EV_INSERT,
	ST_EV_COUNT,
	ST_CAP_FIND,
	ST_EV_OF_DEV,
	ST_DEV_RESOLVE,
	ST_CAP_ADD,
	ST_ANN_SET,
	ST_ANN_CLEAR,
	ST_ANN_OF_DEV,
	ST_ANN_ALL,
	ST_REV_GET,
	ST_REV_SET,
	ST_CHANGE_MARK,
	ST_CHANGES_AFTER,
	ST_CHANGES_COUNT,
	ST_DEV_BY_KEY,
	ST_WM_GET,
	ST_WM_ADVANCE,
	ST_WM_RESET,
	ST__MAX
};

#define DEV_COLUMNS \
	"id, key, mac, ip, via_mac, oui_state, oui_prefix, oui_registry, oui_registrant, oui_country," \
	" first_seen, last_seen, packets, bytes"

static const char *const stmt_sql[ST__MAX] = {
	[ST_DEV_UPSERT] =
		"INSERT INTO devices (key, mac, ip, via_mac, oui_state, oui_prefix, oui_registry,"
		" oui_registrant, oui_country, first_seen, last_seen, packets, bytes)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		" ON CONFLICT (key) DO UPDATE SET"
		"  via_mac = coalesce(excluded.via_mac, via_mac),"
		"  oui_state = excluded.oui_state, oui_prefix = excluded.oui_prefix,"
		"  oui_registry = excluded.oui_registry, oui_registrant = excluded.oui_registrant,"
		"  oui_country = excluded.oui_country,"
		"  first_seen = CASE WHEN first_seen = 0 THEN excluded.first_seen"
		"   WHEN excluded.first_seen = 0 THEN first_seen ELSE min(first_seen, excluded.first_seen) END,"
		"  last_seen = max(last_seen, excluded.last_seen),"
		"  packets = packets + excluded.packets, bytes = bytes + excluded.bytes"
		" RETURNING id",
	[ST_EV_UPDATE] =
		"UPDATE evidence SET confidence = max(confidence, ?5),"
		"  first_seen = CASE WHEN first_seen = 0 THEN ?6 WHEN ?6 = 0 THEN first_seen"
		"   ELSE min(first_seen, ?6) END,"
		"  last_seen = max(last_seen, ?7), count = count + ?8"
		" WHERE device_id = ?1 AND attribute = ?2 AND value = ?3 AND source = ?4",
	[ST_EV_INSERT] =
		"INSERT INTO evidence (device_id, attribute, value, source, confidence, first_seen,"
		" last_seen, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_EV_COUNT] = "SELECT count(*) FROM evidence WHERE device_id = ?1",
	[ST_CAP_FIND] = "SELECT id, path, truncated FROM captures WHERE digest = ?1 ORDER BY id LIMIT 1",
	[ST_EV_OF_DEV] = "SELECT attribute, value, source, confidence, first_seen, last_seen, count"
			 " FROM evidence WHERE device_id = ?1",
	[ST_DEV_RESOLVE] = "UPDATE devices SET manufacturer = ?2, model = ?3, firmware = ?4,"
			   " serial = ?5, role = ?6 WHERE id = ?1",
	[ST_CAP_ADD] = "INSERT INTO captures (path, format, linktype, size, packets, bytes,"
		       " first_seen, last_seen, truncated, analyzed_at, digest)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_ANN_SET] = "INSERT INTO annotations (device_key, kind, value, sufficient, created_at)"
		       " VALUES (?1, ?2, ?3, ?4, ?5)"
		       " ON CONFLICT (device_key, kind) DO UPDATE SET value = excluded.value,"
		       "  sufficient = excluded.sufficient, created_at = excluded.created_at",
	[ST_ANN_CLEAR] = "DELETE FROM annotations WHERE device_key = ?1 AND kind = ?2",
	[ST_ANN_OF_DEV] = "SELECT device_key, kind, value, sufficient, created_at FROM annotations"
			  " WHERE device_key = ?1 ORDER BY kind",
	[ST_ANN_ALL] = "SELECT device_key, kind, value, sufficient, created_at FROM annotations"
		       " ORDER BY device_key, kind",
	/* change tracking for shipping (db/migrations/0004_changes.sql) */
	[ST_REV_GET] = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rev'",
	[ST_REV_SET] = "INSERT INTO meta (key, value) VALUES ('rev', ?1)"
		       " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_CHANGE_MARK] = "INSERT INTO changes (device_key, rev) VALUES (?1, ?2)"
			   " ON CONFLICT (device_key) DO UPDATE SET rev = excluded.rev",
	[ST_CHANGES_AFTER] = "SELECT device_key, rev FROM changes WHERE rev > ?1 ORDER BY rev LIMIT ?2",
	[ST_CHANGES_COUNT] = "SELECT count(*), coalesce(max(rev), 0) FROM changes WHERE rev > ?1",
	[ST_DEV_BY_KEY] = "SELECT " DEV_COLUMNS " FROM devices WHERE key = ?1",
	[ST_WM_GET] = "SELECT watermark, coalesce(database_id, '') FROM ship_targets WHERE target = ?1",
	[ST_WM_ADVANCE] = "INSERT INTO ship_targets (target, database_id, watermark, shipped_at, rows)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)"
			  " ON CONFLICT (target) DO UPDATE SET watermark = CASE"
			  "   WHEN database_id IS excluded.database_id THEN max(watermark, excluded.watermark)"
			  "   ELSE excluded.watermark END,"
			  "  database_id = excluded.database_id, shipped_at = excluded.shipped_at,"
			  "  rows = rows + excluded.rows",
	[ST_WM_RESET] = "UPDATE ship_targets SET watermark = 0 WHERE target = ?1",
};

struct store {
	sqlite3 *db;
	char path[STORE_PATH_MAX];
	sqlite3_stmt *st[ST__MAX];
	uint64_t evidence_dropped;
	hk_derive_fn derive;
	void *derive_ud;
};

void store_set_deriver(struct store *s, hk_derive_fn fn, void *userdata)
{
	s->derive = fn;
	s->derive_ud = userdata;
}

unsigned store_schema_version(void)
{
	return store_n_migrations;
}

const char *store_errmsg(const struct store *s)
{
	return sqlite3_errmsg(s->db);
}

static int exec1(struct store *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	return rc == SQLITE_OK ? 0 : -EIO;
}

static int user_version(struct store *s, int *ret)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

static int table_count(struct store *s, int *ret)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

static int validate(struct store *s, char *errbuf, size_t errsz)
{
	int ver = 0, tables = 0;
	const char *name = s->path[0] ? s->path : ":memory:";

	if (user_version(s, &ver) < 0 || table_count(s, &tables) < 0) {
		snprintf(errbuf, errsz, "%s is not a herkomst database (%s); choose another --db file",
			 name, sqlite3_errmsg(s->db));
		return -EINVAL;
	}
	if (ver > (int)store_n_migrations) {
		snprintf(errbuf, errsz,
			 "%s was written by a newer herkomst (schema version %d; this herkomst %s knows up to %u): "
			 "upgrade herkomst, or use another --db file",
			 name, ver, HK_VERSION, store_n_migrations);
		return -EPROTO;
	}
	if (ver == 0 && tables > 0) {
		snprintf(errbuf, errsz,
			 "%s is an SQLite database but not a herkomst one (it has tables and no schema version); "
			 "choose another --db file",
			 name);
		return -EINVAL;
	}
	return 0;
}

static int migrate(struct store *s, char *errbuf, size_t errsz)
{
	int ver = 0;
	const char *name = s->path[0] ? s->path : ":memory:";

	if (user_version(s, &ver) < 0) {
		snprintf(errbuf, errsz, "%s: %s", name, sqlite3_errmsg(s->db));
		return -EIO;
	}
	for (unsigned v = (unsigned)ver; v < store_n_migrations; v++) {
		const struct store_migration *m = &store_migrations[v];
		char *msg = NULL;
		char pragma[64];
		if (exec1(s, "BEGIN IMMEDIATE") < 0)
			goto fail;
		if (sqlite3_exec(s->db, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(errbuf, errsz, "%s: migration %s failed: %s", name, m->name, msg ? msg : "?");
			sqlite3_free(msg);
			exec1(s, "ROLLBACK");
			return -EIO;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %u", m->version);
		if (exec1(s, pragma) < 0 || exec1(s, "COMMIT") < 0) {
			exec1(s, "ROLLBACK");
			goto fail;
		}
	}
	return 0;
fail:
	snprintf(errbuf, errsz, "%s: cannot update the schema: %s", name, sqlite3_errmsg(s->db));
	return -EIO;
}

struct store *store_open(const char *path, char *errbuf, size_t errsz)
{
	struct store *s = calloc(1, sizeof(*s));
	int rc;

	if (!s) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	if (path)
		snprintf(s->path, sizeof(s->path), "%s", path);
	rc = sqlite3_open_v2(path ? path : ":memory:", &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errsz,
			 "cannot open database %s: %s; check that its directory exists and is writable, "
			 "or choose another --db file",
			 path ? path : ":memory:", s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		return store_close(s);
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/* is it ours? asked before anything writes to the file */
	if (validate(s, errbuf, errsz) < 0)
		return store_close(s);
	if (path && exec1(s, "PRAGMA journal_mode = WAL") < 0) {
		snprintf(errbuf, errsz,
			 "cannot use database %s: %s; check that the file and its directory are writable, "
			 "or choose another --db file",
			 path, sqlite3_errmsg(s->db));
		return store_close(s);
	}
	if (exec1(s, "PRAGMA foreign_keys = ON") < 0 || exec1(s, "PRAGMA synchronous = NORMAL") < 0) {
		snprintf(errbuf, errsz, "%s: %s", path ? path : ":memory:", sqlite3_errmsg(s->db));
		return store_close(s);
	}
	if (migrate(s, errbuf, errsz) < 0)
		return store_close(s);
	for (int i = 0; i < ST__MAX; i++) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) !=
		    SQLITE_OK) {
			snprintf(errbuf, errsz, "%s: cannot prepare statement %d: %s", path ? path : ":memory:",
				 i, sqlite3_errmsg(s->db));
			return store_close(s);
		}
	}
	return s;
}

struct store *store_close(struct store *s)
{
	if (!s)
		return NULL;
	for (int i = 0; i < ST__MAX; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db)
		sqlite3_close(s->db);
	free(s);
	return NULL;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void copy_col(char *dst, size_t dstsz, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, dstsz, "%s", t ? (const char *)t : "");
}

static int step_done(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	(void)s;
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int store_capture_add(struct store *s, const struct store_capture *c)
{
	sqlite3_stmt *st = s->st[ST_CAP_ADD];
	sqlite3_bind_text(st, 1, c->path, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 2, c->format);
	bind_text_or_null(st, 3, c->linktype);
	if (c->size >= 0)
		sqlite3_bind_int64(st, 4, c->size);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)c->packets);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)c->bytes);
	if (c->packets) {
		sqlite3_bind_int64(st, 7, (sqlite3_int64)c->first_seen);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)c->last_seen);
	}
	sqlite3_bind_int(st, 9, c->truncated);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)c->analyzed_at);
	bind_text_or_null(st, 11, c->digest);
	return step_done(s, st);
}

int64_t store_capture_find(struct store *s, const char *digest, char *ret_path, size_t pathsz, bool *ret_truncated)
{
	sqlite3_stmt *st = s->st[ST_CAP_FIND];
	int64_t id = 0;
	int rc;

	if (!digest || !digest[0])
		return 0;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		copy_col(ret_path, pathsz, st, 1);
		if (ret_truncated)
			*ret_truncated = sqlite3_column_int(st, 2) != 0;
	} else if (rc != SQLITE_DONE) {
		id = -EIO;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return id;
}

uint64_t store_evidence_dropped(const struct store *s)
{
	return s->evidence_dropped;
}

static int64_t device_upsert(struct store *s, const struct hk_device *d)
{
	sqlite3_stmt *st = s->st[ST_DEV_UPSERT];
	char mac[HK_MAC_STRLEN], ip[HK_ADDR_STRLEN];
	int64_t id = -1;

	sqlite3_bind_text(st, 1, d->key, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 2, d->has_mac ? hk_mac_fmt(d->mac, mac) : NULL);
	bind_text_or_null(st, 3, d->ip.family ? hk_addr_fmt(&d->ip, ip) : NULL);
	bind_text_or_null(st, 4, d->via_mac);
	sqlite3_bind_text(st, 5, hk_oui_state_name(d->oui_state), -1, SQLITE_STATIC);
	bind_text_or_null(st, 6, d->oui_prefix);
	bind_text_or_null(st, 7, d->oui_registry);
	bind_text_or_null(st, 8, d->oui_registrant);
	bind_text_or_null(st, 9, d->oui_country);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)d->first_seen);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)d->last_seen);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)d->packets);
	sqlite3_bind_int64(st, 13, (sqlite3_int64)d->bytes);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	/* RETURNING needs the statement run to completion before reset */
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return id;
}

static void bind_evidence(sqlite3_stmt *st, int64_t id, const struct hk_evidence *e)
{
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, e->attribute, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, e->value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, e->source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, e->confidence);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)e->first_seen);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)e->last_seen);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)(e->count ? e->count : 1));
}

static int64_t evidence_count(struct store *s, int64_t id)
{
	sqlite3_stmt *st = s->st[ST_EV_COUNT];
	int64_t n = -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return n;
}

/* Merges one claim; a new one only while the device is under its bound. */
static int evidence_merge(struct store *s, int64_t id, const struct hk_evidence *e, int64_t *n_rows)
{
	sqlite3_stmt *up = s->st[ST_EV_UPDATE];

	bind_evidence(up, id, e);
	if (step_done(s, up) < 0)
		return -EIO;
	if (sqlite3_changes(s->db) > 0)
		return 0;
	if (*n_rows >= HK_DEV_EVIDENCE_MAX) {
		s->evidence_dropped++;
		return 0;
	}
	bind_evidence(s->st[ST_EV_INSERT], id, e);
	if (step_done(s, s->st[ST_EV_INSERT]) < 0)
		return -EIO;
	(*n_rows)++;
	return 0;
}


static int evidence_load(struct store *s, int64_t id, struct hk_device *d)
{
	sqlite3_stmt *st = s->st[ST_EV_OF_DEV];
	int rc;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hk_evidence e;
		memset(&e, 0, sizeof(e));
		copy_col(e.attribute, sizeof(e.attribute), st, 0);
		copy_col(e.value, sizeof(e.value), st, 1);
		copy_col(e.source, sizeof(e.source), st, 2);
		e.confidence = (uint8_t)sqlite3_column_int(st, 3);
		e.first_seen = (uint64_t)sqlite3_column_int64(st, 4);
		e.last_seen = (uint64_t)sqlite3_column_int64(st, 5);
		e.count = (uint64_t)sqlite3_column_int64(st, 6);
		if (hk_grow((void **)&d->ev, &d->cap_ev, d->n_ev + 1, sizeof(*d->ev)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		d->ev[d->n_ev++] = e;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static const char *best_value(const struct hk_device *d, const char *attr)
{
	const struct hk_evidence *e = hk_device_best(d, attr);
	return e ? e->value : NULL;
}

static int device_resolve(struct store *s, int64_t id)
{
	struct hk_device d;
	sqlite3_stmt *st = s->st[ST_DEV_RESOLVE];
	int rc;

	memset(&d, 0, sizeof(d));
	rc = evidence_load(s, id, &d);
	if (rc == 0 && s->derive)
		s->derive(&d, s->derive_ud);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		bind_text_or_null(st, 2, best_value(&d, HK_A_MANUFACTURER));
		bind_text_or_null(st, 3, best_value(&d, HK_A_MODEL));
		bind_text_or_null(st, 4, best_value(&d, HK_A_FIRMWARE));
		bind_text_or_null(st, 5, best_value(&d, HK_A_SERIAL));
		bind_text_or_null(st, 6, best_value(&d, HK_A_ROLE));
		rc = step_done(s, st);
	}
	hk_device_clear(&d);
	return rc;
}

/*
 * Change tracking (docs/fleet.md): every write transaction that changes a
 * device or its annotations reads the sequence (meta 'rev') once, gives each
 * changed device key the next number in the changes table, and writes the
 * sequence back before it commits. Writers are serialized by BEGIN
 * IMMEDIATE, so the numbers grow in commit order and a reader that has seen
 * number N has seen every change up to N.
 */
static int rev_read(struct store *s, int64_t *ret)
{
	sqlite3_stmt *st = s->st[ST_REV_GET];
	int rc = sqlite3_step(st);

	*ret = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

static int rev_write(struct store *s, int64_t rev)
{
	sqlite3_bind_int64(s->st[ST_REV_SET], 1, rev);
	return step_done(s, s->st[ST_REV_SET]);
}

static int change_mark(struct store *s, const char *key, int64_t *rev)
{
	sqlite3_stmt *st = s->st[ST_CHANGE_MARK];

	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, ++*rev);
	return step_done(s, st);
}

int store_devices_merge(struct store *s, const struct hk_device *devs, size_t n)
{
	int64_t rev;

	if (exec1(s, "BEGIN IMMEDIATE") < 0)
		return -EIO;
	if (rev_read(s, &rev) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct hk_device *d = &devs[i];
		int64_t id = device_upsert(s, d), n_rows;
		if (id < 0)
			goto fail;
		n_rows = evidence_count(s, id);
		if (n_rows < 0)
			goto fail;
		for (size_t j = 0; j < d->n_ev; j++)
			if (evidence_merge(s, id, &d->ev[j], &n_rows) < 0)
				goto fail;
		if (device_resolve(s, id) < 0 || change_mark(s, d->key, &rev) < 0)
			goto fail;
	}
	if (rev_write(s, rev) < 0 || exec1(s, "COMMIT") < 0)
		goto fail;
	return 0;
fail:
	exec1(s, "ROLLBACK");
	return -EIO;
}

static int dev_order(const void *a, const void *b)
{
	return hk_device_cmp(a, b);
}

/* One row of SELECT DEV_COLUMNS into d (zeroed first). */
static void device_row(sqlite3_stmt *st, struct hk_device *d)
{
	char buf[HK_ADDR_STRLEN];

	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	copy_col(d->key, sizeof(d->key), st, 1);
	copy_col(buf, sizeof(buf), st, 2);
	d->has_mac = buf[0] && hk_mac_parse(buf, d->mac);
	copy_col(buf, sizeof(buf), st, 3);
	if (buf[0])
		hk_addr_parse(buf, &d->ip);
	copy_col(d->via_mac, sizeof(d->via_mac), st, 4);
	copy_col(buf, sizeof(buf), st, 5);
	d->oui_state = hk_oui_state_parse(buf);
	copy_col(d->oui_prefix, sizeof(d->oui_prefix), st, 6);
	copy_col(d->oui_registry, sizeof(d->oui_registry), st, 7);
	copy_col(d->oui_registrant, sizeof(d->oui_registrant), st, 8);
	copy_col(d->oui_country, sizeof(d->oui_country), st, 9);
	d->first_seen = (uint64_t)sqlite3_column_int64(st, 10);
	d->last_seen = (uint64_t)sqlite3_column_int64(st, 11);
	d->packets = (uint64_t)sqlite3_column_int64(st, 12);
	d->bytes = (uint64_t)sqlite3_column_int64(st, 13);
}

int store_devices_load(struct store *s, struct hk_device **ret, size_t *ret_n)
{
	sqlite3_stmt *st;
	struct hk_device *devs = NULL;
	size_t n = 0, cap = 0;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "SELECT " DEV_COLUMNS " FROM devices ORDER BY id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (hk_grow((void **)&devs, &cap, n + 1, sizeof(*devs)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		device_row(st, &devs[n++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (evidence_load(s, devs[i].id, &devs[i]) < 0)
			goto fail;
		if (s->derive)
			s->derive(&devs[i], s->derive_ud);
		hk_device_sort_evidence(&devs[i]);
	}
	if (n > 1)
		qsort(devs, n, sizeof(*devs), dev_order);
	*ret = devs;
	*ret_n = n;
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		hk_device_clear(&devs[i]);
	free(devs);
	return -EIO;
}

int store_captures_load(struct store *s, struct store_capture **ret, size_t *ret_n)
{
	sqlite3_stmt *st;
	struct store_capture *v = NULL;
	size_t n = 0, cap = 0;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT id, path, format, linktype, coalesce(size, -1), packets, bytes,"
				    " coalesce(first_seen, 0), coalesce(last_seen, 0), truncated, analyzed_at,"
				    " coalesce(digest, '')"
				    " FROM captures ORDER BY id",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_capture *c;
		if (hk_grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		c = &v[n++];
		memset(c, 0, sizeof(*c));
		c->id = sqlite3_column_int64(st, 0);
		copy_col(c->path, sizeof(c->path), st, 1);
		copy_col(c->format, sizeof(c->format), st, 2);
		copy_col(c->linktype, sizeof(c->linktype), st, 3);
		c->size = sqlite3_column_int64(st, 4);
		c->packets = (uint64_t)sqlite3_column_int64(st, 5);
		c->bytes = (uint64_t)sqlite3_column_int64(st, 6);
		c->first_seen = (uint64_t)sqlite3_column_int64(st, 7);
		c->last_seen = (uint64_t)sqlite3_column_int64(st, 8);
		c->truncated = sqlite3_column_int(st, 9) != 0;
		c->analyzed_at = (uint64_t)sqlite3_column_int64(st, 10);
		copy_col(c->digest, sizeof(c->digest), st, 11);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return -EIO;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* --- annotations ------------------------------------------------------------ */

bool store_annotation_kind_valid(const char *kind)
{
	return kind && (strcmp(kind, "mitigation") == 0 || strcmp(kind, "owner") == 0 || strcmp(kind, "note") == 0);
}

int store_annotation_set(struct store *s, const char *device_key, const char *kind, const char *value,
			 bool sufficient)
{
	sqlite3_stmt *st = s->st[ST_ANN_SET];
	int64_t rev;

	if (!device_key || !device_key[0] || strlen(device_key) >= HK_DEV_KEY_MAX ||
	    !store_annotation_kind_valid(kind) || !value || !value[0] || strlen(value) >= STORE_ANNOTATION_VALUE_MAX)
		return -EINVAL;
	if (exec1(s, "BEGIN IMMEDIATE") < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, device_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_TRANSIENT);
	if (strcmp(kind, "mitigation") == 0)
		sqlite3_bind_int(st, 4, sufficient ? 1 : 0);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)hk_now_usec());
	if (step_done(s, st) < 0 || rev_read(s, &rev) < 0 || change_mark(s, device_key, &rev) < 0 ||
	    rev_write(s, rev) < 0 || exec1(s, "COMMIT") < 0) {
		exec1(s, "ROLLBACK");
		return -EIO;
	}
	return 0;
}

int store_annotation_clear(struct store *s, const char *device_key, const char *kind)
{
	sqlite3_stmt *st = s->st[ST_ANN_CLEAR];
	int64_t rev;
	int removed;

	if (!device_key || !store_annotation_kind_valid(kind))
		return -EINVAL;
	if (exec1(s, "BEGIN IMMEDIATE") < 0)
		return -EIO;
	sqlite3_bind_text(st, 1, device_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	if (step_done(s, st) < 0)
		goto fail;
	removed = sqlite3_changes(s->db) > 0;
	/* a removal is a change too: the central copy must lose it */
	if (removed && (rev_read(s, &rev) < 0 || change_mark(s, device_key, &rev) < 0 || rev_write(s, rev) < 0))
		goto fail;
	if (exec1(s, "COMMIT") < 0)
		goto fail;
	return removed;
fail:
	exec1(s, "ROLLBACK");
	return -EIO;
}

int store_annotation_load(struct store *s, const char *device_key, struct store_annotation **ret, size_t *ret_n)
{
	sqlite3_stmt *st = s->st[device_key ? ST_ANN_OF_DEV : ST_ANN_ALL];
	struct store_annotation *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (device_key)
		sqlite3_bind_text(st, 1, device_key, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_annotation *a;
		if (hk_grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		a = &v[n++];
		memset(a, 0, sizeof(*a));
		copy_col(a->device_key, sizeof(a->device_key), st, 0);
		copy_col(a->kind, sizeof(a->kind), st, 1);
		copy_col(a->value, sizeof(a->value), st, 2);
		a->sufficient = sqlite3_column_int(st, 3) != 0;
		a->created_at = (uint64_t)sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return -EIO;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* --- shipping to a central database (docs/fleet.md) --------------------------- */

int store_read_begin(struct store *s)
{
	return exec1(s, "BEGIN");
}

int store_read_end(struct store *s)
{
	return exec1(s, "COMMIT");
}

int store_changes_after(struct store *s, int64_t after, size_t max, struct store_change **ret, size_t *ret_n)
{
	sqlite3_stmt *st = s->st[ST_CHANGES_AFTER];
	struct store_change *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(max > INT64_MAX ? INT64_MAX : max));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (hk_grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		copy_col(v[n].device_key, sizeof(v[n].device_key), st, 0);
		v[n].rev = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return -EIO;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int store_changes_count(struct store *s, int64_t after, uint64_t *ret_n, int64_t *ret_max)
{
	sqlite3_stmt *st = s->st[ST_CHANGES_COUNT];
	int rc;

	sqlite3_bind_int64(st, 1, after);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (ret_n)
			*ret_n = (uint64_t)sqlite3_column_int64(st, 0);
		if (ret_max)
			*ret_max = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

int store_device_get(struct store *s, const char *key, struct hk_device *ret)
{
	sqlite3_stmt *st = s->st[ST_DEV_BY_KEY];
	struct hk_device d;
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		device_row(st, &d);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return -ENOENT;
	if (rc != SQLITE_ROW)
		return -EIO;
	if (evidence_load(s, d.id, &d) < 0) {
		hk_device_clear(&d);
		return -EIO;
	}
	if (s->derive)
		s->derive(&d, s->derive_ud);
	hk_device_sort_evidence(&d);
	*ret = d;
	return 0;
}

int store_ship_watermark(struct store *s, const char *target, int64_t *ret, char *ret_dbid, size_t dbidsz)
{
	sqlite3_stmt *st = s->st[ST_WM_GET];
	int rc;

	sqlite3_bind_text(st, 1, target, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	*ret = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (rc == SQLITE_ROW)
		copy_col(ret_dbid, dbidsz, st, 1);
	else if (dbidsz)
		ret_dbid[0] = '\0';
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

int store_ship_advance(struct store *s, const char *target, const char *database_id, int64_t watermark,
		       uint64_t rows)
{
	sqlite3_stmt *st = s->st[ST_WM_ADVANCE];

	sqlite3_bind_text(st, 1, target, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 2, database_id);
	sqlite3_bind_int64(st, 3, watermark);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)hk_now_usec());
	sqlite3_bind_int64(st, 5, (sqlite3_int64)rows);
	return step_done(s, st);
}

int store_ship_reset(struct store *s, const char *target)
{
	sqlite3_bind_text(s->st[ST_WM_RESET], 1, target, -1, SQLITE_TRANSIENT);
	return step_done(s, s->st[ST_WM_RESET]);
}
