/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data of one request: the database opened read-only, read, and closed
 * again; the devices derived and assessed with the knowledge the server
 * holds, exactly as herkomst analyze does it, so a device object here is
 * the device object of analyze's JSON.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "inventory/assess.h"
#include "inventory/geoip.h"
#include "inventory/origin.h"
#include "inventory/policy.h"
#include "inventory/signatures.h"
#include "report/output.h"

#define API_DB_BUSY_MS 5000

__attribute__((format(printf, 2, 3))) static void warn(struct api_knowledge *k, const char *fmt, ...)
{
	va_list ap;
	if (k->n_warnings >= API_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(k->warnings[k->n_warnings++], API_WARNING_LEN, fmt, ap);
	va_end(ap);
}

static void warn_collect(void *userdata, const char *message)
{
	warn(userdata, "%s", message);
}

/* The same sources, defaults and fallbacks as herkomst analyze. */
int api_knowledge_open(struct api_knowledge *k, const char *sigdir, const char *policy_path, char *errbuf,
		       size_t errsz)
{
	char err[1024];

	memset(k, 0, sizeof(*k));
	if (inv_knowledge_open(&k->inv, sigdir, err, sizeof(err)) > 0)
		warn(k, "%s", err);
	if (assess_inputs_open(&k->in, sigdir, policy_path, warn_collect, k, errbuf, errsz) < 0) {
		inv_knowledge_close(&k->inv);
		return -EINVAL;
	}
	return 0;
}

void api_knowledge_close(struct api_knowledge *k)
{
	inv_knowledge_close(&k->inv);
	assess_inputs_close(&k->in);
}

/* Derives, assesses and turns into JSON every device (or the one with
 * only_id); under klock. */
static int devices_json(struct api_knowledge *k, struct api_view *v, int64_t only_id,
			const struct store_annotation *ann, size_t n_ann)
{
	struct assess_ctx ctx;

	v->obj = calloc(v->n ? v->n : 1, sizeof(*v->obj));
	if (!v->obj)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		if (only_id > 0 && v->devs[i].id != only_id)
			continue;
		inv_derive(&v->devs[i], &k->inv);
		hk_device_sort_evidence(&v->devs[i]);
	}
	assess_inputs_geoip(&k->in, v->devs, v->n);
	ctx = assess_inputs_ctx(&k->in);
	for (size_t i = 0; i < v->n; i++) {
		struct assess_annotations aa;
		struct assess_result res;
		struct out_assessed od;

		if (only_id > 0 && v->devs[i].id != only_id)
			continue;
		assess_annotations_of(v->devs[i].key, ann, n_ann, &od.ann, &od.n_ann, &aa);
		assess_device(&v->devs[i], &aa, &ctx, &res);
		od.res = &res;
		v->obj[i] = out_device_json(&v->devs[i]);
		if (!v->obj[i])
			return -ENOMEM;
		out_device_json_assessed(v->obj[i], &od);
	}
	v->assessed = true;
	return 0;
}

int api_view_load(struct api *a, unsigned what, int64_t only_id, struct api_view *v, char *errbuf, size_t errsz)
{
	struct store_annotation *ann = NULL;
	size_t n_ann = 0;
	struct store *st;
	char err[1024];
	int rc = 0;

	memset(v, 0, sizeof(*v));
	st = store_open(a->db_uri, err, sizeof(err));
	if (!st) {
		snprintf(errbuf, errsz, "cannot read the database: %s", err);
		return -EIO;
	}
	/* raw: the derivation needs the knowledge lock, the reading does not */
	if (store_devices_load(st, &v->devs, &v->n) < 0 ||
	    ((what & API_VIEW_CAPTURES) && store_captures_load(st, &v->caps, &v->n_caps) < 0) ||
	    ((what & API_VIEW_DEVICES) && store_annotation_load(st, NULL, &ann, &n_ann) < 0)) {
		snprintf(errbuf, errsz, "cannot read the database: %s", store_errmsg(st));
		rc = -EIO;
	}
	store_close(st);
	if (rc == 0 && (what & API_VIEW_DEVICES)) {
		pthread_mutex_lock(&a->klock);
		rc = devices_json(&a->kn, v, only_id, ann, n_ann);
		pthread_mutex_unlock(&a->klock);
		if (rc < 0)
			snprintf(errbuf, errsz, "out of memory");
	}
	free(ann);
	if (rc < 0)
		api_view_free(v);
	return rc;
}

void api_view_free(struct api_view *v)
{
	for (size_t i = 0; v->obj && i < v->n; i++)
		json_decref(v->obj[i]);
	free(v->obj);
	for (size_t i = 0; v->devs && i < v->n; i++)
		hk_device_clear(&v->devs[i]);
	free(v->devs);
	free(v->caps);
	memset(v, 0, sizeof(*v));
}

/* --- counts without the store (health checks and scrapes are frequent) ----- */

static int64_t count_of(sqlite3 *db, const char *sql, uint64_t *sum1, uint64_t *sum2)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		if (sum1)
			*sum1 = (uint64_t)sqlite3_column_int64(st, 1);
		if (sum2)
			*sum2 = (uint64_t)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return n;
}

int api_counts_read(struct api *a, struct api_counts *c, char *errbuf, size_t errsz)
{
	sqlite3 *db = NULL;
	int64_t ver;
	int rc;

	memset(c, 0, sizeof(*c));
	/* without SQLITE_OPEN_URI: store_open() cannot pass it either, so this
	 * also proves that SQLite takes URI file names here */
	rc = sqlite3_open_v2(a->db_uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3 *probe = NULL;
		bool uri_off = sqlite3_open_v2(a->db_uri, &probe, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) ==
			       SQLITE_OK;
		sqlite3_close(probe);
		if (uri_off)
			snprintf(errbuf, errsz,
				 "this SQLite does not take URI file names, which the read-only API needs "
				 "(build it with SQLITE_USE_URI=1, as Debian does)");
		else
			snprintf(errbuf, errsz, "cannot open database %s: %s", a->db_path,
				 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return -EIO;
	}
	sqlite3_busy_timeout(db, API_DB_BUSY_MS);
	ver = count_of(db, "PRAGMA user_version", NULL, NULL);
	if (ver < 0) {
		snprintf(errbuf, errsz, "%s is not a herkomst database (%s)", a->db_path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -EIO;
	}
	c->schema = (int)ver;
	if (ver > 0) {
		c->devices = count_of(db, "SELECT count(*) FROM devices", NULL, NULL);
		c->captures = count_of(db,
				       "SELECT count(*), coalesce(sum(packets), 0), coalesce(sum(bytes), 0)"
				       " FROM captures",
				       &c->packets, &c->bytes);
		if (c->devices < 0 || c->captures < 0) {
			snprintf(errbuf, errsz, "cannot read database %s: %s", a->db_path, sqlite3_errmsg(db));
			sqlite3_close(db);
			return -EIO;
		}
	}
	sqlite3_close(db);
	return 0;
}

char *api_db_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), used = 0;
	char *uri = malloc(n * 3 + 32);

	if (!uri)
		return NULL;
	used += (size_t)sprintf(uri, "file:");
	/* a relative path stays relative; "//" would start an authority */
	if (path[0] == '/' && path[1] == '/')
		while (path[1] == '/')
			path++;
	for (const char *p = path; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
			     c == '.' || c == '_' || c == '~' || c == '/';
		if (plain) {
			uri[used++] = (char)c;
		} else {
			uri[used++] = '%';
			uri[used++] = hex[c >> 4];
			uri[used++] = hex[c & 15];
		}
	}
	snprintf(uri + used, n * 3 + 32 - used, "?mode=ro");
	return uri;
}
