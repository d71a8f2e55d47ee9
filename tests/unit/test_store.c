/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SQLite store (src/store/store.c): migrations at open, refusing files
 * that are not ours or are newer than us, merging runs into one inventory
 * (counters add up, times widen, evidence is unioned, resolved attributes
 * follow confidence), reading devices and captures back.
 *
 * Every test works in its own mkdtemp() directory and removes it. The
 * database is inspected behind the store's back with a second sqlite3
 * connection, so the tests see what is on disk, not what the store believes.
 */
#include "store/store.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claim.h"

#define TEST_PATH_MAX 4096
#define ERR_MAX 1024

/* 2024-03-01T00:00:00Z */
#define T0 1709251200000000ull
#define SEC 1000000ull

/* One directory per test case (made in the parent process, so that it is
 * removed even when a failing test ends its forked child early), and one
 * per test inside it. */
static char basedir[TEST_PATH_MAX / 2];
static char tmpdir[TEST_PATH_MAX];

/* Removes dir and everything under it. */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[TEST_PATH_MAX];
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			chmod(path, 0700);
			rm_tree(path);
		} else {
			unlink(path);
		}
	}
	closedir(d);
	rmdir(dir);
}

static void case_setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(basedir, sizeof(basedir), "%s/hk-test-store-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_msg(mkdtemp(basedir) != NULL, "mkdtemp %s: %s", basedir, strerror(errno));
}

static void case_teardown(void)
{
	rm_tree(basedir);
}

static void setup(void)
{
	ck_assert_int_lt(snprintf(tmpdir, sizeof(tmpdir), "%s/t-XXXXXX", basedir), (int)sizeof(tmpdir));
	ck_assert_msg(mkdtemp(tmpdir) != NULL, "mkdtemp %s: %s", tmpdir, strerror(errno));
}

static void teardown(void)
{
	rm_tree(tmpdir);
}

static const char *tmp_path(const char *name)
{
	static char path[4][TEST_PATH_MAX];
	static int next;
	char *p = path[next++ % 4];

	ck_assert_int_lt(snprintf(p, TEST_PATH_MAX, "%s/%s", tmpdir, name), TEST_PATH_MAX);
	return p;
}

/* --- a second connection to look at the file ------------------------------ */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row as text ("" for NULL or no row). */
static const char *raw_text(sqlite3 *db, const char *sql)
{
	static char buf[512];
	sqlite3_stmt *st;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	buf[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, sizeof(buf), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static int64_t file_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	int64_t v = raw_int(db, sql);

	sqlite3_close(db);
	return v;
}

static const char *file_text(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	const char *v = raw_text(db, sql);

	sqlite3_close(db);
	return v;
}

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fputs(content, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static size_t read_file(const char *path, char *buf, size_t sz)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sz - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

static struct store *open_ok(const char *path)
{
	char err[ERR_MAX] = "";
	struct store *s = store_open(path, err, sizeof(err));

	ck_assert_msg(s != NULL, "store_open(%s): %s", path ? path : "NULL", err);
	return s;
}

/* Opens a store that must be refused; returns the message. */
static const char *open_refused(const char *path)
{
	static char err[ERR_MAX];
	struct store *s;

	memset(err, 0, sizeof(err));
	s = store_open(path, err, sizeof(err));
	if (s)
		store_close(s);
	ck_assert_msg(s == NULL, "store_open(%s) succeeded but should have been refused", path);
	ck_assert_msg(err[0] != '\0', "store_open(%s) refused without a message", path);
	return err;
}

#define ck_assert_contains(hay, needle)                                                             \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" does not contain \"%s\"", (hay), (needle))

/* --- devices built by hand -------------------------------------------------- */

static void dev_init(struct hk_device *d, const char *mac, uint64_t first, uint64_t last, uint64_t pkts,
		     uint64_t bytes)
{
	memset(d, 0, sizeof(*d));
	if (mac) {
		ck_assert(hk_mac_parse(mac, d->mac));
		d->has_mac = true;
		snprintf(d->key, sizeof(d->key), "mac:%s", mac);
		d->oui_state = HK_OUI_REGISTERED;
	}
	d->first_seen = first;
	d->last_seen = last;
	d->packets = pkts;
	d->bytes = bytes;
}

static void dev_init_ip(struct hk_device *d, const char *ip, uint64_t first, uint64_t last, uint64_t pkts)
{
	dev_init(d, NULL, first, last, pkts, pkts * 100);
	ck_assert(hk_addr_parse(ip, &d->ip));
	snprintf(d->key, sizeof(d->key), "ip:%s", ip);
	d->oui_state = HK_OUI_NONE;
}

static void ev_add(struct hk_device *d, const char *attr, const char *value, const char *source, uint8_t conf,
		   uint64_t first, uint64_t last, uint64_t count)
{
	struct hk_evidence e = test_claim(attr, value, source, conf, first, last, count);

	ck_assert(hk_device_add_evidence(d, &e));
}

static const struct hk_evidence *ev_find(const struct hk_device *d, const char *attr, const char *value,
					 const char *source)
{
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, attr) == 0 && strcmp(d->ev[i].value, value) == 0 &&
		    strcmp(d->ev[i].source, source) == 0)
			return &d->ev[i];
	return NULL;
}

static void devs_free(struct hk_device *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hk_device_clear(&d[i]);
	free(d);
}

static void merge1(struct store *s, struct hk_device *d)
{
	ck_assert_int_eq(store_devices_merge(s, d, 1), 0);
	hk_device_clear(d);
}

/* --- opening ----------------------------------------------------------------- */

START_TEST(open_new_file_migrates)
{
	const char *path = tmp_path("new.sqlite");
	struct store *s;
	int64_t n_schema;

	ck_assert_uint_ge(store_schema_version(), 1);
	s = open_ok(path);
	/* the file exists and is at the newest schema, in WAL mode */
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(file_int(path, "PRAGMA user_version"), (int64_t)store_schema_version());
	ck_assert_str_eq(file_text(path, "PRAGMA journal_mode"), "wal");
	ck_assert_int_eq(file_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
					" ('meta', 'captures', 'devices', 'evidence')"),
			 4);
	n_schema = file_int(path, "SELECT count(*) FROM sqlite_schema");
	store_close(s);

	/* reopening changes nothing: same version, same schema objects */
	s = open_ok(path);
	store_close(s);
	ck_assert_int_eq(file_int(path, "PRAGMA user_version"), (int64_t)store_schema_version());
	ck_assert_int_eq(file_int(path, "SELECT count(*) FROM sqlite_schema"), n_schema);
	ck_assert_str_eq(file_text(path, "PRAGMA journal_mode"), "wal");
}
END_TEST

/* Data written in one session is there in the next; reopening does not
 * migrate over it. */
START_TEST(reopen_keeps_data)
{
	const char *path = tmp_path("keep.sqlite");
	struct store *s = open_ok(path);
	struct hk_device d, *out = NULL;
	size_t n = 0;

	dev_init(&d, "00:1b:1b:00:00:01", T0, T0 + SEC, 10, 1000);
	ev_add(&d, HK_A_IP, "10.0.0.1", "arp", 90, T0, T0 + SEC, 2);
	merge1(s, &d);
	store_close(s);

	s = open_ok(path);
	ck_assert_int_eq(store_devices_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0].key, "mac:00:1b:1b:00:00:01");
	ck_assert_uint_eq(out[0].packets, 10);
	ck_assert_uint_eq(out[0].n_ev, 1);
	devs_free(out, n);
	store_close(s);
}
END_TEST

/* An empty file (e.g. made by touch or mktemp) becomes a herkomst database. */
START_TEST(open_empty_file)
{
	const char *path = tmp_path("empty.sqlite");
	struct store *s;

	write_file(path, "");
	s = open_ok(path);
	store_close(s);
	ck_assert_int_eq(file_int(path, "PRAGMA user_version"), (int64_t)store_schema_version());
}
END_TEST

START_TEST(refuse_newer_schema)
{
	const char *path = tmp_path("newer.sqlite");
	char pragma[64];
	const char *err;
	sqlite3 *db;

	store_close(open_ok(path));
	db = raw_open(path);
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %u", store_schema_version() + 1);
	raw_exec(db, pragma);
	sqlite3_close(db);

	err = open_refused(path);
	ck_assert_contains(err, "newer");
	ck_assert_contains(err, path);
	/* the file is left as it was */
	ck_assert_int_eq(file_int(path, "PRAGMA user_version"), (int64_t)store_schema_version() + 1);

	/* far in the future too */
	db = raw_open(path);
	raw_exec(db, "PRAGMA user_version = 999");
	sqlite3_close(db);
	err = open_refused(path);
	ck_assert_contains(err, "newer");
	ck_assert_contains(err, "999");
}
END_TEST

START_TEST(refuse_not_sqlite)
{
	static const char text[] = "This is not a database.\nIt is a note that happens to be called .sqlite\n";
	const char *path = tmp_path("notes.sqlite");
	char back[sizeof(text) + 16];
	const char *err;

	write_file(path, text);
	err = open_refused(path);
	ck_assert_contains(err, path);
	/* and the file is not touched */
	ck_assert_uint_eq(read_file(path, back, sizeof(back)), strlen(text));
	ck_assert_str_eq(back, text);
	ck_assert_int_ne(access(tmp_path("notes.sqlite-wal"), F_OK), 0);
}
END_TEST

START_TEST(refuse_foreign_sqlite)
{
	const char *path = tmp_path("other.sqlite");
	const char *err;
	sqlite3 *db = raw_open(path);

	raw_exec(db, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);"
		     "INSERT INTO photos (name) VALUES ('cat.jpg');");
	sqlite3_close(db);
	ck_assert_int_eq(file_int(path, "PRAGMA user_version"), 0);

	err = open_refused(path);
	ck_assert_contains(err, path);
	ck_assert_contains(err, "not a herkomst");
	/* nothing of ours was added to it */
	ck_assert_int_eq(file_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'devices'"), 0);
	ck_assert_int_eq(file_int(path, "SELECT count(*) FROM photos"), 1);
	ck_assert_int_eq(file_int(path, "PRAGMA user_version"), 0);
}
END_TEST

START_TEST(refuse_missing_directory)
{
	const char *path = tmp_path("no/such/dir/inv.sqlite");
	const char *err = open_refused(path);

	ck_assert_contains(err, path);
	ck_assert_int_ne(access(tmp_path("no"), F_OK), 0);
}
END_TEST

START_TEST(refuse_readonly_directory)
{
	const char *dir = tmp_path("ro");
	char path[TEST_PATH_MAX];
	const char *err;

	if (geteuid() == 0) {
		/* root writes into a mode-0500 directory anyway; the missing
		 * directory test covers the message */
		fprintf(stderr, "store: refuse_readonly_directory skipped: running as root, "
				"chmod does not stop root\n");
		return;
	}
	ck_assert_int_eq(mkdir(dir, 0500), 0);
	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/inv.sqlite", dir), (int)sizeof(path));
	err = open_refused(path);
	ck_assert_contains(err, path);
	ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* --- merging ------------------------------------------------------------------ */

START_TEST(merge_accumulates)
{
	const char *path = tmp_path("merge.sqlite");
	struct store *s = open_ok(path);
	struct hk_device d, *out = NULL;
	const struct hk_evidence *e;
	size_t n = 0;

	/* run 1 */
	dev_init(&d, "00:1b:1b:00:00:01", T0 + 10 * SEC, T0 + 20 * SEC, 10, 1000);
	snprintf(d.via_mac, sizeof(d.via_mac), "%s", "");
	ev_add(&d, HK_A_IP, "10.0.0.1", "arp", 90, T0 + 10 * SEC, T0 + 20 * SEC, 3);
	ev_add(&d, HK_A_HOSTNAME, "plc-1", "dhcp.hostname", 40, T0 + 12 * SEC, T0 + 12 * SEC, 1);
	merge1(s, &d);

	/* run 2: earlier start, earlier end, the same claims once more with
	 * other confidences, and a new claim */
	dev_init(&d, "00:1b:1b:00:00:01", T0 + 5 * SEC, T0 + 15 * SEC, 7, 300);
	ev_add(&d, HK_A_IP, "10.0.0.1", "arp", 60, T0 + 5 * SEC, T0 + 15 * SEC, 2);
	ev_add(&d, HK_A_HOSTNAME, "plc-1", "dhcp.hostname", 70, T0 + 30 * SEC, T0 + 40 * SEC, 4);
	ev_add(&d, HK_A_SERVICE, "tcp/502/Modbus", "ndpi", 80, T0 + 6 * SEC, T0 + 14 * SEC, 5);
	merge1(s, &d);

	ck_assert_int_eq(store_devices_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(out[0].packets, 17);
	ck_assert_uint_eq(out[0].bytes, 1300);
	ck_assert_uint_eq(out[0].first_seen, T0 + 5 * SEC);
	ck_assert_uint_eq(out[0].last_seen, T0 + 20 * SEC);
	ck_assert_uint_eq(out[0].n_ev, 3);

	e = ev_find(&out[0], HK_A_IP, "10.0.0.1", "arp");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->count, 5);
	ck_assert_uint_eq(e->confidence, 90); /* the max, not the latest */
	ck_assert_uint_eq(e->first_seen, T0 + 5 * SEC);
	ck_assert_uint_eq(e->last_seen, T0 + 20 * SEC);

	e = ev_find(&out[0], HK_A_HOSTNAME, "plc-1", "dhcp.hostname");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->count, 5);
	ck_assert_uint_eq(e->confidence, 70);
	ck_assert_uint_eq(e->first_seen, T0 + 12 * SEC);
	ck_assert_uint_eq(e->last_seen, T0 + 40 * SEC);

	e = ev_find(&out[0], HK_A_SERVICE, "tcp/502/Modbus", "ndpi");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->count, 5);
	ck_assert_uint_eq(e->confidence, 80);
	devs_free(out, n);

	/* the same value from another source is another piece of evidence */
	dev_init(&d, "00:1b:1b:00:00:01", T0 + 50 * SEC, T0 + 60 * SEC, 1, 60);
	ev_add(&d, HK_A_IP, "10.0.0.1", "traffic", 50, T0 + 50 * SEC, T0 + 60 * SEC, 1);
	merge1(s, &d);
	ck_assert_int_eq(store_devices_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(out[0].n_ev, 4);
	ck_assert_ptr_nonnull(ev_find(&out[0], HK_A_IP, "10.0.0.1", "traffic"));
	ck_assert_uint_eq(ev_find(&out[0], HK_A_IP, "10.0.0.1", "arp")->count, 5);
	ck_assert_uint_eq(out[0].packets, 18);
	ck_assert_uint_eq(out[0].last_seen, T0 + 60 * SEC);
	devs_free(out, n);
	store_close(s);

	/* on disk as well: one row per device and per claim */
	ck_assert_int_eq(file_int(path, "SELECT count(*) FROM devices"), 1);
	ck_assert_int_eq(file_int(path, "SELECT count(*) FROM evidence"), 4);
}
END_TEST

/* Several devices in one merge, some new and some known. */
START_TEST(merge_many_devices)
{
	struct store *s = open_ok(NULL);
	struct hk_device d[3], *out = NULL;
	size_t n = 0;

	dev_init(&d[0], "00:1b:1b:00:00:01", T0, T0 + SEC, 1, 100);
	dev_init(&d[1], "00:0e:8c:00:00:02", T0, T0 + SEC, 2, 200);
	ck_assert_int_eq(store_devices_merge(s, d, 2), 0);
	hk_device_clear(&d[0]);
	hk_device_clear(&d[1]);
	dev_init(&d[0], "00:0e:8c:00:00:02", T0, T0 + SEC, 20, 2000);
	dev_init_ip(&d[1], "192.0.2.7", T0, T0 + SEC, 3);
	dev_init(&d[2], "00:1b:1b:00:00:01", T0, T0 + SEC, 10, 1000);
	ck_assert_int_eq(store_devices_merge(s, d, 3), 0);
	for (int i = 0; i < 3; i++)
		hk_device_clear(&d[i]);
	/* an empty merge is fine and changes nothing */
	ck_assert_int_eq(store_devices_merge(s, NULL, 0), 0);

	ck_assert_int_eq(store_devices_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 3);
	/* same first_seen: MAC devices by MAC, then the IP-only one */
	ck_assert_str_eq(out[0].key, "mac:00:0e:8c:00:00:02");
	ck_assert_uint_eq(out[0].packets, 22);
	ck_assert_str_eq(out[1].key, "mac:00:1b:1b:00:00:01");
	ck_assert_uint_eq(out[1].packets, 11);
	ck_assert_str_eq(out[2].key, "ip:192.0.2.7");
	ck_assert_uint_eq(out[2].packets, 3);
	ck_assert(!out[2].has_mac);
	devs_free(out, n);
	store_close(s);
}
END_TEST

/* Claims with the same attribute and confidence: the resolved value is
 * decided by the stable key, not by which run came first. */
static void resolve_two_runs(const char *path, bool weak_first, const char *ret_what)
{
	struct store *s = open_ok(path);
	struct hk_device d;

	for (int run = 0; run < 2; run++) {
		bool weak = (run == 0) == weak_first;

		dev_init(&d, "00:1b:1b:00:00:01", T0 + (uint64_t)run * SEC, T0 + (uint64_t)run * SEC + 1, 1, 64);
		if (weak)
			ev_add(&d, HK_A_MANUFACTURER, "Registrant Inc", "oui", 30, T0, T0, 1);
		else
			ev_add(&d, HK_A_MANUFACTURER, "Siemens AG", "lldp.sysdesc", 80, T0, T0, 1);
		/* a tie at 50 from one source, the other way round in the other order */
		ev_add(&d, HK_A_ROLE, weak ? "plc" : "hmi", "banner", 50, T0, T0, 1);
		merge1(s, &d);
		/* what is resolved is always the best so far */
		ck_assert_str_eq(file_text(path, "SELECT manufacturer FROM devices"),
				 run == 0 && weak ? "Registrant Inc" : "Siemens AG");
	}
	store_close(s);
	ck_assert_str_eq(file_text(path, "SELECT manufacturer FROM devices"), ret_what);
}

START_TEST(resolve_by_confidence)
{
	const char *a = tmp_path("weak-first.sqlite"), *b = tmp_path("strong-first.sqlite");
	struct hk_device *out = NULL;
	struct store *s;
	size_t n = 0;

	resolve_two_runs(a, true, "Siemens AG");
	resolve_two_runs(b, false, "Siemens AG");
	/* the role claims tie at 50 from one source: the value decides ("hmi"
	 * < "plc" in byte order), in either order */
	ck_assert_str_eq(file_text(a, "SELECT role FROM devices"), "hmi");
	ck_assert_str_eq(file_text(b, "SELECT role FROM devices"), "hmi");
	/* attributes nobody claimed stay NULL */
	ck_assert_int_eq(file_int(a, "SELECT model IS NULL AND firmware IS NULL AND serial IS NULL FROM devices"), 1);

	/* the evidence read back resolves the same way, and keeps the loser */
	s = open_ok(a);
	ck_assert_int_eq(store_devices_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_nonnull(hk_device_best(&out[0], HK_A_MANUFACTURER));
	ck_assert_str_eq(hk_device_best(&out[0], HK_A_MANUFACTURER)->value, "Siemens AG");
	ck_assert_ptr_nonnull(ev_find(&out[0], HK_A_MANUFACTURER, "Registrant Inc", "oui"));
	devs_free(out, n);
	store_close(s);
}
END_TEST

/* A later, more confident claim for another value takes over. */
START_TEST(resolve_follows_new_evidence)
{
	const char *path = tmp_path("resolve.sqlite");
	struct store *s = open_ok(path);
	struct hk_device d;

	dev_init(&d, "00:1b:1b:00:00:01", T0, T0, 1, 64);
	ev_add(&d, HK_A_MODEL, "S7-1200", "s7comm.szl", 60, T0, T0, 1);
	ev_add(&d, HK_A_FIRMWARE, "V4.2", "s7comm.szl", 60, T0, T0, 1);
	merge1(s, &d);
	ck_assert_str_eq(file_text(path, "SELECT model FROM devices"), "S7-1200");

	dev_init(&d, "00:1b:1b:00:00:01", T0, T0, 1, 64);
	ev_add(&d, HK_A_MODEL, "CPU 1214C DC/DC/DC", "s7comm.szl", 90, T0, T0, 1);
	merge1(s, &d);
	ck_assert_str_eq(file_text(path, "SELECT model FROM devices"), "CPU 1214C DC/DC/DC");
	ck_assert_str_eq(file_text(path, "SELECT firmware FROM devices"), "V4.2");

	/* a weaker repeat of the old value does not win it back */
	dev_init(&d, "00:1b:1b:00:00:01", T0, T0, 1, 64);
	ev_add(&d, HK_A_MODEL, "S7-1200", "s7comm.szl", 70, T0, T0, 1);
	merge1(s, &d);
	ck_assert_str_eq(file_text(path, "SELECT model FROM devices"), "CPU 1214C DC/DC/DC");
	store_close(s);
}
END_TEST

/* The OUI block is what the latest run says; via_mac, once known, stays. */
START_TEST(merge_identity_fields)
{
	struct store *s = open_ok(NULL);
	struct hk_device d, *out = NULL;
	size_t n = 0;

	dev_init_ip(&d, "192.0.2.7", T0, T0, 1);
	snprintf(d.via_mac, sizeof(d.via_mac), "%s", "00:0e:8c:00:00:02");
	merge1(s, &d);
	dev_init_ip(&d, "192.0.2.7", T0, T0, 1);
	merge1(s, &d);

	dev_init(&d, "00:1b:1b:00:00:01", T0, T0, 1, 64);
	d.oui_state = HK_OUI_UNREGISTERED;
	snprintf(d.oui_prefix, sizeof(d.oui_prefix), "%s", "00:1b:1b");
	merge1(s, &d);
	dev_init(&d, "00:1b:1b:00:00:01", T0, T0, 1, 64);
	snprintf(d.oui_prefix, sizeof(d.oui_prefix), "%s", "00:1b:1b");
	snprintf(d.oui_registry, sizeof(d.oui_registry), "%s", "MA-L");
	snprintf(d.oui_registrant, sizeof(d.oui_registrant), "%s", "Siemens AG");
	snprintf(d.oui_country, sizeof(d.oui_country), "%s", "DE");
	merge1(s, &d);

	ck_assert_int_eq(store_devices_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 2);
	/* same first_seen: the MAC device sorts first */
	ck_assert(out[0].has_mac);
	ck_assert_mem_eq(out[0].mac, ((uint8_t[]){0x00, 0x1b, 0x1b, 0x00, 0x00, 0x01}), 6);
	ck_assert_int_eq(out[0].oui_state, HK_OUI_REGISTERED);
	ck_assert_str_eq(out[0].oui_prefix, "00:1b:1b");
	ck_assert_str_eq(out[0].oui_registry, "MA-L");
	ck_assert_str_eq(out[0].oui_registrant, "Siemens AG");
	ck_assert_str_eq(out[0].oui_country, "DE");
	ck_assert_int_eq(out[0].ip.family, 0);
	ck_assert(!out[1].has_mac);
	ck_assert_int_eq(out[1].ip.family, 4);
	ck_assert_mem_eq(out[1].ip.a, ((uint8_t[]){192, 0, 2, 7}), 4);
	ck_assert_str_eq(out[1].via_mac, "00:0e:8c:00:00:02");
	ck_assert_int_eq(out[1].oui_state, HK_OUI_NONE);
	devs_free(out, n);
	store_close(s);
}
END_TEST

/* --- reading back ---------------------------------------------------------------- */

START_TEST(load_in_canonical_order)
{
	struct store *s = open_ok(tmp_path("order.sqlite"));
	struct hk_device d, *out = NULL;
	size_t n = 0;

	/* inserted out of order: rowids do not follow first_seen */
	dev_init(&d, "00:00:00:00:00:30", T0 + 30 * SEC, T0 + 40 * SEC, 1, 64);
	merge1(s, &d);
	dev_init_ip(&d, "192.0.2.9", T0 + 10 * SEC, T0 + 11 * SEC, 1);
	merge1(s, &d);
	dev_init(&d, "00:00:00:00:00:20", T0 + 10 * SEC, T0 + 11 * SEC, 1, 64);
	merge1(s, &d);
	dev_init(&d, "00:00:00:00:00:10", T0 + 10 * SEC, T0 + 11 * SEC, 1, 64);
	/* evidence given out of order */
	ev_add(&d, HK_A_SERVICE, "udp/161/SNMP", "ndpi", 80, T0, T0, 1);
	ev_add(&d, HK_A_IP, "10.0.0.2", "traffic", 50, T0, T0, 1);
	ev_add(&d, HK_A_IP, "10.0.0.2", "arp", 90, T0, T0, 1);
	ev_add(&d, HK_A_IP, "10.0.0.10", "arp", 90, T0, T0, 1);
	ev_add(&d, HK_A_HOSTNAME, "rtu", "dhcp.hostname", 60, T0, T0, 1);
	merge1(s, &d);
	dev_init(&d, "00:00:00:00:00:40", T0 + 5 * SEC, T0 + 50 * SEC, 1, 64);
	merge1(s, &d);

	ck_assert_int_eq(store_devices_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(out[0].key, "mac:00:00:00:00:00:40");
	ck_assert_str_eq(out[1].key, "mac:00:00:00:00:00:10");
	ck_assert_str_eq(out[2].key, "mac:00:00:00:00:00:20");
	ck_assert_str_eq(out[3].key, "ip:192.0.2.9");
	ck_assert_str_eq(out[4].key, "mac:00:00:00:00:00:30");
	for (size_t i = 1; i < n; i++)
		ck_assert_int_lt(hk_device_cmp(&out[i - 1], &out[i]), 0);
	/* ids are the rowids: distinct, in insertion order */
	ck_assert_int_eq(out[4].id, 1);
	ck_assert_int_eq(out[3].id, 2);
	ck_assert_int_eq(out[2].id, 3);
	ck_assert_int_eq(out[1].id, 4);
	ck_assert_int_eq(out[0].id, 5);

	/* evidence by attribute, value, source (byte order) */
	ck_assert_uint_eq(out[1].n_ev, 5);
	ck_assert_str_eq(out[1].ev[0].attribute, "hostname");
	ck_assert_str_eq(out[1].ev[1].value, "10.0.0.10");
	ck_assert_str_eq(out[1].ev[1].source, "arp");
	ck_assert_str_eq(out[1].ev[2].value, "10.0.0.2");
	ck_assert_str_eq(out[1].ev[2].source, "arp");
	ck_assert_str_eq(out[1].ev[3].value, "10.0.0.2");
	ck_assert_str_eq(out[1].ev[3].source, "traffic");
	ck_assert_str_eq(out[1].ev[4].attribute, "service");
	ck_assert_str_eq(out[1].ev[4].value, "udp/161/SNMP");
	ck_assert_uint_eq(out[1].ev[4].confidence, 80);
	ck_assert_uint_eq(out[0].n_ev, 0);
	devs_free(out, n);
	store_close(s);
}
END_TEST

START_TEST(load_empty)
{
	struct store *s = open_ok(tmp_path("none.sqlite"));
	struct hk_device *out = NULL;
	struct store_capture *caps = NULL;
	size_t n = 99, n_caps = 99;

	ck_assert_int_eq(store_devices_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(store_captures_load(s, &caps, &n_caps), 0);
	ck_assert_uint_eq(n_caps, 0);
	free(out);
	free(caps);
	store_close(s);
}
END_TEST

START_TEST(captures_round_trip)
{
	const char *path = tmp_path("caps.sqlite");
	struct store *s = open_ok(path);
	struct store_capture c, *out = NULL;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	snprintf(c.path, sizeof(c.path), "%s", "/data/monday, \"plant\" 1.pcapng");
	snprintf(c.format, sizeof(c.format), "%s", "pcapng");
	snprintf(c.linktype, sizeof(c.linktype), "%s", "EN10MB");
	c.size = 123456789012;
	c.packets = 4000000000ull;
	c.bytes = 9000000000000ull;
	c.first_seen = T0;
	c.last_seen = T0 + 3600 * SEC;
	c.truncated = true;
	c.analyzed_at = T0 + 7200 * SEC;
	ck_assert_int_eq(store_capture_add(s, &c), 0);

	/* standard input: no size; an empty capture: no times */
	memset(&c, 0, sizeof(c));
	snprintf(c.path, sizeof(c.path), "%s", "-");
	snprintf(c.format, sizeof(c.format), "%s", "pcap");
	c.size = -1;
	c.first_seen = T0; /* ignored without packets */
	c.analyzed_at = T0 + 7201 * SEC;
	ck_assert_int_eq(store_capture_add(s, &c), 0);

	ck_assert_int_eq(store_captures_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(out[0].id, 1);
	ck_assert_str_eq(out[0].path, "/data/monday, \"plant\" 1.pcapng");
	ck_assert_str_eq(out[0].format, "pcapng");
	ck_assert_str_eq(out[0].linktype, "EN10MB");
	ck_assert_int_eq(out[0].size, 123456789012);
	ck_assert_uint_eq(out[0].packets, 4000000000ull);
	ck_assert_uint_eq(out[0].bytes, 9000000000000ull);
	ck_assert_uint_eq(out[0].first_seen, T0);
	ck_assert_uint_eq(out[0].last_seen, T0 + 3600 * SEC);
	ck_assert(out[0].truncated);
	ck_assert_uint_eq(out[0].analyzed_at, T0 + 7200 * SEC);

	ck_assert_int_eq(out[1].id, 2);
	ck_assert_str_eq(out[1].path, "-");
	ck_assert_str_eq(out[1].format, "pcap");
	ck_assert_str_eq(out[1].linktype, "");
	ck_assert_int_eq(out[1].size, -1);
	ck_assert_uint_eq(out[1].packets, 0);
	ck_assert_uint_eq(out[1].first_seen, 0);
	ck_assert_uint_eq(out[1].last_seen, 0);
	ck_assert(!out[1].truncated);
	ck_assert_uint_eq(out[1].analyzed_at, T0 + 7201 * SEC);
	free(out);
	store_close(s);

	/* NULLs on disk where a value is unknown */
	ck_assert_int_eq(file_int(path, "SELECT size IS NULL AND first_seen IS NULL AND linktype IS NULL"
					" FROM captures WHERE id = 2"),
			 1);
	/* and captures survive a reopen */
	s = open_ok(path);
	ck_assert_int_eq(store_captures_load(s, &out, &n), 0);
	ck_assert_uint_eq(n, 2);
	free(out);
	store_close(s);
}
END_TEST

START_TEST(in_memory)
{
	struct store *a = open_ok(NULL), *b = open_ok(NULL);
	struct hk_device d, *out = NULL;
	struct store_capture c, *caps = NULL;
	size_t n = 0;

	dev_init(&d, "00:1b:1b:00:00:01", T0, T0 + SEC, 3, 300);
	ev_add(&d, HK_A_MANUFACTURER, "Siemens AG", "oui", 30, T0, T0, 1);
	merge1(a, &d);
	dev_init(&d, "00:1b:1b:00:00:01", T0, T0 + SEC, 3, 300);
	merge1(a, &d);
	memset(&c, 0, sizeof(c));
	snprintf(c.path, sizeof(c.path), "%s", "x.pcap");
	c.size = -1;
	ck_assert_int_eq(store_capture_add(a, &c), 0);

	ck_assert_int_eq(store_devices_load(a, &out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(out[0].packets, 6);
	ck_assert_uint_eq(out[0].n_ev, 1);
	devs_free(out, n);
	ck_assert_int_eq(store_captures_load(a, &caps, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(caps[0].path, "x.pcap");
	free(caps);

	/* another in-memory store is another database */
	out = NULL;
	ck_assert_int_eq(store_devices_load(b, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(out);
	store_close(a);
	store_close(b);
	/* nothing was written to the working directory */
	ck_assert_int_ne(access(":memory:", F_OK), 0);
	ck_assert_ptr_null(store_close(NULL));
}
END_TEST

/* --- change tracking for shipping (docs/fleet.md) ----------------------------- */

/* The keys changed after rev, in order, as "key,key,..." */
static const char *changed_after(struct store *s, int64_t after)
{
	static char buf[1024];
	struct store_change *ch = NULL;
	size_t n = 0, o = 0;

	ck_assert_int_eq(store_changes_after(s, after, 100, &ch, &n), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			ck_assert_int_gt(ch[i].rev, ch[i - 1].rev);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? "," : "", ch[i].device_key);
	}
	free(ch);
	return buf;
}

/* Every merge and annotation change gives the keys it touched the next
 * numbers; a key changed again moves to the end, once. */
START_TEST(changes_follow_writes)
{
	struct store *s = open_ok(tmp_path("changes.sqlite"));
	struct hk_device d[2];
	uint64_t n = 0;
	int64_t max = 0, rev_b;
	struct store_change *ch = NULL;
	size_t n_ch = 0;

	ck_assert_str_eq(changed_after(s, 0), "");
	dev_init(&d[0], "00:1b:1b:00:00:0a", T0, T0 + SEC, 1, 60);
	dev_init_ip(&d[1], "10.1.2.3", T0, T0 + SEC, 2);
	ck_assert_int_eq(store_devices_merge(s, d, 2), 0);
	hk_device_clear(&d[0]);
	hk_device_clear(&d[1]);
	ck_assert_str_eq(changed_after(s, 0), "mac:00:1b:1b:00:00:0a,ip:10.1.2.3");
	ck_assert_int_eq(store_changes_count(s, 0, &n, &max), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(max, 2);
	ck_assert_str_eq(changed_after(s, 1), "ip:10.1.2.3");
	ck_assert_str_eq(changed_after(s, 2), "");

	/* the MAC device again: it moves past the IP device, still one row */
	dev_init(&d[0], "00:1b:1b:00:00:0a", T0, T0 + 9 * SEC, 1, 60);
	merge1(s, &d[0]);
	ck_assert_str_eq(changed_after(s, 0), "ip:10.1.2.3,mac:00:1b:1b:00:00:0a");
	ck_assert_str_eq(changed_after(s, 2), "mac:00:1b:1b:00:00:0a");

	/* an annotation, also of a key that has no device; its removal too */
	ck_assert_int_eq(store_annotation_set(s, "ip:10.1.2.3", "note", "rack 4", false), 0);
	ck_assert_int_eq(store_annotation_set(s, "ip:10.9.9.9", "owner", "acme", false), 0);
	ck_assert_str_eq(changed_after(s, 3), "ip:10.1.2.3,ip:10.9.9.9");
	ck_assert_int_eq(store_changes_count(s, 0, &n, &max), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(max, 5);
	ck_assert_int_eq(store_annotation_clear(s, "ip:10.9.9.9", "note"), 0); /* nothing removed: no change */
	ck_assert_str_eq(changed_after(s, 5), "");
	ck_assert_int_eq(store_annotation_clear(s, "ip:10.9.9.9", "owner"), 1);
	ck_assert_str_eq(changed_after(s, 5), "ip:10.9.9.9");

	/* one key's device, as the shipper reads it; none for an annotation-only key */
	ck_assert_int_eq(store_device_get(s, "ip:10.1.2.3", &d[0]), 0);
	ck_assert_uint_eq(d[0].packets, 2);
	hk_device_clear(&d[0]);
	ck_assert_int_eq(store_device_get(s, "ip:10.9.9.9", &d[0]), -ENOENT);

	/* max bounds a batch */
	ck_assert_int_eq(store_changes_after(s, 0, 2, &ch, &n_ch), 0);
	ck_assert_uint_eq(n_ch, 2);
	rev_b = ch[1].rev;
	free(ch);
	ck_assert_int_eq(rev_b, 4);
	store_close(s);
}
END_TEST

/* A watermark never moves back within one central database; another
 * database replaces it; a reset starts from 0. */
START_TEST(ship_watermark)
{
	const char *path = tmp_path("wm.sqlite");
	struct store *s = open_ok(path);
	char dbid[64];
	int64_t wm = -1;

	ck_assert_int_eq(store_ship_watermark(s, "s1/north", &wm, dbid, sizeof(dbid)), 0);
	ck_assert_int_eq(wm, 0);
	ck_assert_str_eq(dbid, "");
	ck_assert_int_eq(store_ship_advance(s, "s1/north", "db-1", 10, 7), 0);
	ck_assert_int_eq(store_ship_advance(s, "s1/north", "db-1", 4, 1), 0);
	ck_assert_int_eq(store_ship_watermark(s, "s1/north", &wm, dbid, sizeof(dbid)), 0);
	ck_assert_int_eq(wm, 10);
	ck_assert_str_eq(dbid, "db-1");
	ck_assert_int_eq(file_int(path, "SELECT rows FROM ship_targets WHERE target = 's1/north'"), 8);
	ck_assert_int_eq(store_ship_advance(s, "s1/north", "db-2", 3, 0), 0);
	ck_assert_int_eq(store_ship_watermark(s, "s1/north", &wm, dbid, sizeof(dbid)), 0);
	ck_assert_int_eq(wm, 3);
	ck_assert_str_eq(dbid, "db-2");
	ck_assert_int_eq(store_ship_watermark(s, "s2/south", &wm, dbid, sizeof(dbid)), 0);
	ck_assert_int_eq(wm, 0);
	ck_assert_int_eq(store_ship_reset(s, "s1/north"), 0);
	ck_assert_int_eq(store_ship_watermark(s, "s1/north", &wm, dbid, sizeof(dbid)), 0);
	ck_assert_int_eq(wm, 0);
	store_close(s);
}
END_TEST

/* A database of schema 3 (before change tracking): opening it marks every
 * device and every annotated key as changed, so all of it ships once. */
START_TEST(changes_migration_of_old_store)
{
	const char *path = tmp_path("old.sqlite");
	struct store *s = open_ok(path);
	struct hk_device d[2];
	sqlite3 *db;

	dev_init(&d[0], "00:1b:1b:00:00:0b", T0, T0 + SEC, 1, 60);
	dev_init_ip(&d[1], "10.1.2.4", T0, T0 + SEC, 2);
	ck_assert_int_eq(store_devices_merge(s, d, 2), 0);
	hk_device_clear(&d[0]);
	hk_device_clear(&d[1]);
	ck_assert_int_eq(store_annotation_set(s, "ip:10.7.7.7", "note", "gone", false), 0);
	store_close(s);
	/* back to version 3 */
	db = raw_open(path);
	raw_exec(db, "DROP TABLE changes; DROP TABLE ship_targets; DELETE FROM meta WHERE key = 'rev';"
		     " PRAGMA user_version = 3");
	sqlite3_close(db);

	s = open_ok(path);
	ck_assert_int_eq(file_int(path, "PRAGMA user_version"), (int64_t)store_schema_version());
	ck_assert_str_eq(changed_after(s, 0), "mac:00:1b:1b:00:00:0b,ip:10.1.2.4,ip:10.7.7.7");
	ck_assert_int_eq(file_int(path, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rev'"), 3);
	/* and numbering goes on from there */
	ck_assert_int_eq(store_annotation_set(s, "ip:10.1.2.4", "note", "x", false), 0);
	ck_assert_str_eq(changed_after(s, 3), "ip:10.1.2.4");
	store_close(s);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_new_file_migrates);
	tcase_add_test(tc, reopen_keeps_data);
	tcase_add_test(tc, open_empty_file);
	tcase_add_test(tc, refuse_newer_schema);
	tcase_add_test(tc, refuse_not_sqlite);
	tcase_add_test(tc, refuse_foreign_sqlite);
	tcase_add_test(tc, refuse_missing_directory);
	tcase_add_test(tc, refuse_readonly_directory);
	suite_add_tcase(s, tc);

	tc = tcase_create("merge");
	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, merge_accumulates);
	tcase_add_test(tc, merge_many_devices);
	tcase_add_test(tc, resolve_by_confidence);
	tcase_add_test(tc, resolve_follows_new_evidence);
	tcase_add_test(tc, merge_identity_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, load_in_canonical_order);
	tcase_add_test(tc, load_empty);
	tcase_add_test(tc, captures_round_trip);
	tcase_add_test(tc, in_memory);
	suite_add_tcase(s, tc);

	tc = tcase_create("changes");
	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, changes_follow_writes);
	tcase_add_test(tc, ship_watermark);
	tcase_add_test(tc, changes_migration_of_old_store);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
