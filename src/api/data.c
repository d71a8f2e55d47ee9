/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data of one request: the database opened read-only, read, and closed
 * again; the devices derived and assessed with the knowledge the server
 * holds, exactly as herkomst analyze does it, so a device object here is
 * the device object of analyze's JSON.
 *
 * In fleet mode the devices come from the central PostgreSQL instead
 * (src/fleet/load.c), over connections kept between requests: a TLS
 * handshake and a password check per request would cost more than the
 * read. A connection is used by one request at a time.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "fleet/pg.h"
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
		if (v->devs[i].fleet) /* its own, combined over its sensors */
			assess_annotations_of(v->devs[i].key, v->devs[i].fleet->ann, v->devs[i].fleet->n_ann, &od.ann,
					      &od.n_ann, &aa);
		else
			assess_annotations_of(v->devs[i].key, ann, n_ann, &od.ann, &od.n_ann, &aa);
		if (assess_device(&v->devs[i], &aa, &ctx, &res) < 0) {
			assess_result_clear(&res);
			return -ENOMEM;
		}
		od.res = &res;
		v->obj[i] = out_device_json(&v->devs[i]);
		if (v->obj[i])
			out_device_json_assessed(v->obj[i], &od);
		assess_result_clear(&res);
		if (!v->obj[i])
			return -ENOMEM;
	}
	v->assessed = true;
	return 0;
}

/* --- fleet mode: connections to the central database ------------------------ */

const char *api_source_name(const struct api *a)
{
	return api_fleet(a) ? a->pg_name : a->db_path;
}

static PGconn *fleet_connect(struct api *a, char *errbuf, size_t errsz)
{
	char err[1024];
	PGconn *c = fleet_pg_connect(a->pg_conninfo, a->pg_password_file, err, sizeof(err));

	if (!c) {
		snprintf(errbuf, errsz, "%s", err);
		return NULL;
	}
	if (fleet_session_readonly(c, err, sizeof(err)) < 0) {
		snprintf(errbuf, errsz, "%s", err);
		return fleet_pg_close(c);
	}
	return c;
}

/* A connection for one request: a kept one, or a new one. */
static PGconn *fleet_acquire(struct api *a, bool *ret_kept, char *errbuf, size_t errsz)
{
	PGconn *c = NULL;

	pthread_mutex_lock(&a->plock);
	if (a->n_pool > 0)
		c = a->pool[--a->n_pool];
	pthread_mutex_unlock(&a->plock);
	*ret_kept = c != NULL;
	return c ? c : fleet_connect(a, errbuf, errsz);
}

/* Keeps a healthy connection for the next request. */
static void fleet_release(struct api *a, PGconn *c)
{
	if (!c)
		return;
	if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_IDLE) {
		pthread_mutex_lock(&a->plock);
		if (a->n_pool < API_WORKERS) {
			a->pool[a->n_pool++] = c;
			c = NULL;
		}
		pthread_mutex_unlock(&a->plock);
	}
	fleet_pg_close(c);
}

/*
 * Runs fn on a connection. A kept connection may have died meanwhile (the
 * server restarted, an idle timeout): then once more on a new one.
 */
typedef int (*fleet_fn)(PGconn *c, void *ud, char *errbuf, size_t errsz);

static int fleet_run(struct api *a, fleet_fn fn, void *ud, char *errbuf, size_t errsz)
{
	bool kept;
	PGconn *c = fleet_acquire(a, &kept, errbuf, errsz);
	int rc;

	if (!c)
		return -EIO;
	rc = fn(c, ud, errbuf, errsz);
	if (rc < 0 && kept && PQstatus(c) != CONNECTION_OK) {
		fleet_pg_close(c);
		c = fleet_connect(a, errbuf, errsz);
		if (!c)
			return -EIO;
		rc = fn(c, ud, errbuf, errsz);
	}
	fleet_release(a, c);
	return rc;
}

int api_fleet_open(struct api *a, char *errbuf, size_t errsz)
{
	struct fleet_counts cnt;
	char err[1024];
	PGconn *c;

	fleet_conninfo_describe(a->pg_conninfo, a->pg_name, sizeof(a->pg_name));
	c = fleet_connect(a, errbuf, errsz);
	if (!c)
		return -EIO;
	if (fleet_pg_schema_check(c, err, sizeof(err)) < 0) {
		snprintf(errbuf, errsz, "%s", err);
		fleet_pg_close(c);
		return -EPROTO;
	}
	/* the tables exist and this role may read them */
	if (fleet_counts_read(c, &cnt, err, sizeof(err)) < 0) {
		snprintf(errbuf, errsz, "%s; a dashboard's role needs GRANT SELECT on the herkomst tables (docs/fleet.md)",
			 err);
		fleet_pg_close(c);
		return -EACCES;
	}
	fleet_release(a, c);
	return 0;
}

void api_fleet_close(struct api *a)
{
	if (!api_fleet(a))
		return;
	for (size_t i = 0; i < a->n_pool; i++)
		fleet_pg_close(a->pool[i]);
	a->n_pool = 0;
}

struct view_job {
	const struct fleet_filter *f;
	struct api_view *v;
	struct fleet_load_stats stats;
};

static int view_fleet(PGconn *c, void *ud, char *errbuf, size_t errsz)
{
	struct view_job *j = ud;
	return fleet_devices_load(c, j->f, &j->v->devs, &j->v->n, &j->stats, errbuf, errsz);
}

int api_view_load(struct api *a, unsigned what, int64_t only_id, const struct fleet_filter *scope,
		  struct api_view *v, char *errbuf, size_t errsz)
{
	struct store_annotation *ann = NULL;
	size_t n_ann = 0;
	struct store *st;
	char err[1024];
	int rc = 0;

	memset(v, 0, sizeof(*v));
	if (api_fleet(a)) {
		struct fleet_filter f = {0};
		struct view_job j = {&f, v, {0}};
		if (scope)
			f = *scope;
		f.device_id = only_id > 0 ? only_id : 0;
		/* no captures in the central database: the sensors keep them */
		rc = fleet_run(a, view_fleet, &j, errbuf, errsz);
		pthread_mutex_lock(&a->mlock);
		a->fleet_dropped.evidence_dropped += j.stats.evidence_dropped;
		a->fleet_dropped.sightings_dropped += j.stats.sightings_dropped;
		a->fleet_dropped.fields_truncated += j.stats.fields_truncated;
		pthread_mutex_unlock(&a->mlock);
		if (rc < 0) {
			api_view_free(v);
			return rc == -ENOMEM ? -ENOMEM : -EIO;
		}
	} else {
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
	}
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

struct sensors_job {
	const struct fleet_filter *f;
	struct fleet_sensor **sensors;
	size_t *n_sensors;
	struct fleet_site **sites;
	size_t *n_sites;
};

static int sensors_fleet(PGconn *c, void *ud, char *errbuf, size_t errsz)
{
	struct sensors_job *j = ud;
	int rc = fleet_sensors_load(c, j->f, j->sensors, j->n_sensors, errbuf, errsz);

	if (rc == 0 && j->sites) {
		rc = fleet_sites_load(c, j->sites, j->n_sites, errbuf, errsz);
		if (rc < 0) {
			free(*j->sensors);
			*j->sensors = NULL;
		}
	}
	return rc;
}

int api_sensors_read(struct api *a, const struct fleet_filter *scope, struct fleet_sensor **ret_sensors,
		     size_t *ret_n_sensors, struct fleet_site **ret_sites, size_t *ret_n_sites, char *errbuf,
		     size_t errsz)
{
	struct sensors_job j = {scope, ret_sensors, ret_n_sensors, ret_sites, ret_n_sites};

	*ret_sensors = NULL;
	*ret_n_sensors = 0;
	if (ret_sites) {
		*ret_sites = NULL;
		*ret_n_sites = 0;
	}
	return fleet_run(a, sensors_fleet, &j, errbuf, errsz);
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

static int counts_fleet(PGconn *c, void *ud, char *errbuf, size_t errsz)
{
	struct api_counts *out = ud;
	struct fleet_counts fc;
	int rc = fleet_counts_read(c, &fc, errbuf, errsz);

	if (rc == 0) {
		out->devices = fc.devices;
		out->sensors = fc.sensors;
		out->sites = fc.sites;
		out->schema = fc.schema;
	}
	return rc;
}

int api_counts_read(struct api *a, struct api_counts *c, char *errbuf, size_t errsz)
{
	sqlite3 *db = NULL;
	int64_t ver;
	int rc;

	memset(c, 0, sizeof(*c));
	if (api_fleet(a))
		return fleet_run(a, counts_fleet, c, errbuf, errsz);
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
