/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the central database (load.h has the combining rules). Each load
 * is one read-only transaction; rows come one at a time (libpq single-row
 * mode), so memory grows with the devices kept, not with a result set held
 * twice. The SQL is fixed text with bound parameters: a NULL parameter is
 * "no restriction".
 */
#include "fleet/load.h"
#include "fleet/pg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* $1 site, $2 sensor, $3 device id: each NULL for no restriction. */
#define FILTER_SIGHTING(s)                                                                              \
	"($1::text IS NULL OR " s ".site = $1) AND ($2::text IS NULL OR " s ".sensor_id = $2)"

/* Every sighting of each device that has at least one sighting matching the
 * filter; "used" says which match. */
static const char sql_sightings[] =
	"SELECT s.device_id, d.scope, d.key, s.sensor_id, s.site, s.mac, s.ip, s.via_mac, s.oui_state,"
	" s.oui_prefix, s.oui_registry, s.oui_registrant, s.oui_country, s.first_seen, s.last_seen,"
	" s.packets, s.bytes, s.shipped_at, " FILTER_SIGHTING("s") " AS used"
	" FROM device_sightings s JOIN devices d ON d.id = s.device_id"
	" WHERE ($3::bigint IS NULL OR s.device_id = $3)"
	"  AND EXISTS (SELECT 1 FROM device_sightings m WHERE m.device_id = s.device_id"
	"   AND " FILTER_SIGHTING("m") ")"
	" ORDER BY s.device_id, s.sensor_id COLLATE \"C\"";

/* The claims of the matching sightings, merged over sensors. Ordered in
 * byte order, so that a device over HK_DEV_EVIDENCE_MAX keeps the same
 * claims whatever order the rows were written in. */
static const char sql_evidence[] =
	"SELECT e.device_id, e.attribute, e.value, e.source, max(e.confidence),"
	" coalesce(min(nullif(e.first_seen, 0)), 0), coalesce(max(e.last_seen), 0), sum(e.count)::bigint"
	" FROM evidence e JOIN device_sightings s ON s.device_id = e.device_id AND s.sensor_id = e.sensor_id"
	" WHERE " FILTER_SIGHTING("s") " AND ($3::bigint IS NULL OR e.device_id = $3)"
	" GROUP BY e.device_id, e.attribute, e.value, e.source"
	" ORDER BY e.device_id, e.attribute COLLATE \"C\", e.value COLLATE \"C\", e.source COLLATE \"C\"";

/* One annotation per device and kind: the newest, a tie to the smallest
 * sensor id. The site is the sensor's. */
static const char sql_annotations[] =
	"SELECT DISTINCT ON (a.device_id, a.kind) a.device_id, a.kind, a.value, a.sufficient, a.created_at"
	" FROM annotations a JOIN sensors s ON s.sensor_id = a.sensor_id"
	" WHERE " FILTER_SIGHTING("s") " AND ($3::bigint IS NULL OR a.device_id = $3)"
	" ORDER BY a.device_id, a.kind, a.created_at DESC, a.sensor_id COLLATE \"C\"";

static const char sql_sensors[] =
	"SELECT n.sensor_id, n.site, n.hostname, n.version, n.first_seen, n.last_seen,"
	" count(s.device_id), coalesce(max(s.last_seen), 0)"
	" FROM sensors n LEFT JOIN device_sightings s ON s.sensor_id = n.sensor_id"
	" WHERE ($1::text IS NULL OR n.site = $1) AND ($2::text IS NULL OR n.sensor_id = $2)"
	" GROUP BY n.sensor_id"
	" ORDER BY n.site COLLATE \"C\", n.sensor_id COLLATE \"C\"";

static const char sql_sites[] =
	"SELECT n.site, count(*), max(n.last_seen),"
	" (SELECT count(DISTINCT s.device_id) FROM device_sightings s WHERE s.site = n.site)"
	" FROM sensors n GROUP BY n.site ORDER BY n.site COLLATE \"C\"";

static const char sql_counts[] =
	"SELECT (SELECT count(*) FROM devices), (SELECT count(*) FROM sensors),"
	" (SELECT count(DISTINCT site) FROM sensors),"
	" (SELECT value FROM hk_meta WHERE key = 'schema_version')";

/* --- small helpers ---------------------------------------------------------- */

static const char *nonempty(const char *s)
{
	return s && s[0] ? s : NULL;
}

static uint64_t col_u64(const PGresult *r, int row, int col)
{
	const char *s;
	char *end;
	long long v;

	if (PQgetisnull(r, row, col))
		return 0;
	s = PQgetvalue(r, row, col);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return 0; /* times and counters are never negative; a negative one means nothing */
	return (uint64_t)v;
}

static int64_t col_i64(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* Copies a text column; true when it fitted. */
static bool col_str(char *dst, size_t dstsz, const PGresult *r, int row, int col)
{
	const char *s = PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
	size_t n = strlen(s);

	if (n >= dstsz) {
		n = dstsz - 1;
		memcpy(dst, s, n);
		dst[n] = '\0';
		return false;
	}
	memcpy(dst, s, n + 1);
	return true;
}

static void pg_message(PGconn *c, const PGresult *r, const char *what, char *errbuf, size_t errsz)
{
	char m[FLEET_PG_MSG_MAX];

	fleet_pg_errmsg(c, r, m, sizeof(m));
	snprintf(errbuf, errsz, "cannot read the central database (%s): %s", what, m);
}

static int exec_simple(PGconn *c, const char *sql, char *errbuf, size_t errsz)
{
	PGresult *r = PQexec(c, sql);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_message(c, r, sql, errbuf, errsz);
		rc = -EIO;
	}
	PQclear(r);
	return rc;
}

int fleet_session_readonly(PGconn *c, char *errbuf, size_t errsz)
{
	return exec_simple(c, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", errbuf, errsz);
}

static int begin_snapshot(PGconn *c, char *errbuf, size_t errsz)
{
	return exec_simple(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", errbuf, errsz);
}

static void end_snapshot(PGconn *c)
{
	/* nothing was written: a failed COMMIT loses nothing, and ROLLBACK also
	 * ends a transaction an error has aborted */
	PQclear(PQexec(c, "ROLLBACK"));
}

/* Runs sql with the filter's parameters, handing each row to fn. */
typedef int (*row_fn)(const PGresult *r, int row, void *ud);

static int query_rows(PGconn *c, const char *what, const char *sql, int n_params, const struct fleet_filter *f,
		      row_fn fn, void *ud, char *errbuf, size_t errsz)
{
	const char *params[3];
	char idbuf[24];
	PGresult *r;
	int rc = 0;

	params[0] = f ? nonempty(f->site) : NULL;
	params[1] = f ? nonempty(f->sensor) : NULL;
	params[2] = NULL;
	if (f && f->device_id > 0) {
		snprintf(idbuf, sizeof(idbuf), "%" PRId64, f->device_id);
		params[2] = idbuf;
	}
	if (!PQsendQueryParams(c, sql, n_params, NULL, params, NULL, NULL, 0)) {
		pg_message(c, NULL, what, errbuf, errsz);
		return -EIO;
	}
	/* one row per result; should it be refused, the last result holds them
	 * all, which the loop below reads the same way */
	(void)PQsetSingleRowMode(c);
	/* every result is read, also after a failure: the connection is then
	 * ready for the next query */
	while ((r = PQgetResult(c)) != NULL) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
			for (int i = 0; i < PQntuples(r) && rc == 0; i++)
				rc = fn(r, i, ud);
		} else if (rc == 0) {
			pg_message(c, r, what, errbuf, errsz);
			rc = -EIO;
		}
		PQclear(r);
	}
	if (rc == -ENOMEM)
		snprintf(errbuf, errsz, "out of memory reading the central database (%s)", what);
	return rc;
}

/* --- devices ----------------------------------------------------------------- */

/* One device_sightings row while its device is being put together. */
struct srow {
	struct fleet_sighting s;
	char mac[HK_MAC_STRLEN], ip[HK_ADDR_STRLEN], via[HK_MAC_STRLEN];
	char oui_state[16], oui_prefix[24], oui_registry[8], oui_registrant[128], oui_country[3];
};

struct load {
	struct hk_device *devs;
	size_t n, cap;
	int64_t cur_id; /* the device of rows[] */
	char scope[FLEET_NAME_MAX], key[HK_DEV_KEY_MAX];
	struct srow *rows;
	size_t n_rows, cap_rows;
	size_t cursor; /* evidence and annotations walk devs in id order */
	struct fleet_load_stats *stats;
};

static void str_field(struct load *l, char *dst, size_t dstsz, const PGresult *r, int row, int col)
{
	if (!col_str(dst, dstsz, r, row, col))
		l->stats->fields_truncated++;
}

static int srow_cmp(const void *pa, const void *pb)
{
	const struct srow *a = pa, *b = pb;
	return strcmp(a->s.sensor, b->s.sensor);
}

/* Does a win over b as "the newest sighting"? Newest last_seen, then the
 * smallest sensor id: a function of the set, not of the row order. */
static bool newer(const struct srow *a, const struct srow *b)
{
	if (!b)
		return true;
	if (a->s.last_seen != b->s.last_seen)
		return a->s.last_seen > b->s.last_seen;
	return strcmp(a->s.sensor, b->s.sensor) < 0;
}

/* Puts the device of rows[] together and appends it. */
static int device_finish(struct load *l)
{
	const struct srow *newest = NULL, *via = NULL;
	struct hk_device *d;
	struct hk_fleet *fl;
	size_t keep = l->n_rows;

	if (l->n_rows == 0)
		return 0;
	qsort(l->rows, l->n_rows, sizeof(*l->rows), srow_cmp);
	for (size_t i = 0; i < l->n_rows; i++) {
		const struct srow *s = &l->rows[i];
		if (!s->s.used)
			continue;
		if (newer(s, newest))
			newest = s;
		if (s->via[0] && newer(s, via))
			via = s;
	}
	if (!newest) {
		l->n_rows = 0; /* no sighting matches (the device's rows changed under us?): not listed */
		return 0;
	}
	if (keep > FLEET_SIGHTINGS_MAX) {
		l->stats->sightings_dropped += keep - FLEET_SIGHTINGS_MAX;
		keep = FLEET_SIGHTINGS_MAX;
	}
	if (hk_grow((void **)&l->devs, &l->cap, l->n + 1, sizeof(*l->devs)) < 0)
		return -ENOMEM;
	fl = calloc(1, sizeof(*fl) + keep * sizeof(fl->sighting[0]));
	if (!fl)
		return -ENOMEM;
	d = &l->devs[l->n++];
	memset(d, 0, sizeof(*d));
	d->fleet = fl;
	d->id = l->cur_id;
	memcpy(d->key, l->key, sizeof(d->key));
	memcpy(fl->scope, l->scope, sizeof(fl->scope));
	d->has_mac = newest->mac[0] && hk_mac_parse(newest->mac, d->mac);
	if (newest->ip[0])
		hk_addr_parse(newest->ip, &d->ip);
	if (via)
		memcpy(d->via_mac, via->via, sizeof(d->via_mac));
	d->oui_state = hk_oui_state_parse(newest->oui_state);
	memcpy(d->oui_prefix, newest->oui_prefix, sizeof(d->oui_prefix));
	memcpy(d->oui_registry, newest->oui_registry, sizeof(d->oui_registry));
	memcpy(d->oui_registrant, newest->oui_registrant, sizeof(d->oui_registrant));
	memcpy(d->oui_country, newest->oui_country, sizeof(d->oui_country));
	for (size_t i = 0; i < l->n_rows; i++) {
		const struct fleet_sighting *s = &l->rows[i].s;
		if (i < keep)
			fl->sighting[i] = *s;
		if (!s->used)
			continue;
		if (s->first_seen && (!d->first_seen || s->first_seen < d->first_seen))
			d->first_seen = s->first_seen;
		if (s->last_seen > d->last_seen)
			d->last_seen = s->last_seen;
		d->packets += s->packets;
		d->bytes += s->bytes;
	}
	fl->n_sightings = keep;
	fl->ann = NULL; /* annotation_row grows the allocation */
	l->n_rows = 0;
	return 0;
}

static int sighting_row(const PGresult *r, int row, void *ud)
{
	struct load *l = ud;
	int64_t id = col_i64(r, row, 0);
	struct srow *s;
	int rc;

	if (id != l->cur_id) {
		rc = device_finish(l);
		if (rc < 0)
			return rc;
		l->cur_id = id;
		str_field(l, l->scope, sizeof(l->scope), r, row, 1);
		str_field(l, l->key, sizeof(l->key), r, row, 2);
	}
	if (hk_grow((void **)&l->rows, &l->cap_rows, l->n_rows + 1, sizeof(*l->rows)) < 0)
		return -ENOMEM;
	s = &l->rows[l->n_rows++];
	memset(s, 0, sizeof(*s));
	str_field(l, s->s.sensor, sizeof(s->s.sensor), r, row, 3);
	str_field(l, s->s.site, sizeof(s->s.site), r, row, 4);
	str_field(l, s->mac, sizeof(s->mac), r, row, 5);
	str_field(l, s->ip, sizeof(s->ip), r, row, 6);
	str_field(l, s->via, sizeof(s->via), r, row, 7);
	str_field(l, s->oui_state, sizeof(s->oui_state), r, row, 8);
	str_field(l, s->oui_prefix, sizeof(s->oui_prefix), r, row, 9);
	str_field(l, s->oui_registry, sizeof(s->oui_registry), r, row, 10);
	str_field(l, s->oui_registrant, sizeof(s->oui_registrant), r, row, 11);
	str_field(l, s->oui_country, sizeof(s->oui_country), r, row, 12);
	s->s.first_seen = col_u64(r, row, 13);
	s->s.last_seen = col_u64(r, row, 14);
	s->s.packets = col_u64(r, row, 15);
	s->s.bytes = col_u64(r, row, 16);
	s->s.shipped_at = col_u64(r, row, 17);
	s->s.used = strcmp(PQgetvalue(r, row, 18), "t") == 0;
	return 0;
}

/* The device with this id, walking forward: rows come in id order. */
static struct hk_device *device_at(struct load *l, int64_t id)
{
	while (l->cursor < l->n && l->devs[l->cursor].id < id)
		l->cursor++;
	return l->cursor < l->n && l->devs[l->cursor].id == id ? &l->devs[l->cursor] : NULL;
}

static int evidence_row(const PGresult *r, int row, void *ud)
{
	struct load *l = ud;
	struct hk_device *d = device_at(l, col_i64(r, row, 0));
	struct hk_evidence *e;
	uint64_t conf;

	if (!d)
		return 0; /* a device whose sightings changed since they were read: not in this load */
	if (d->n_ev >= HK_DEV_EVIDENCE_MAX) {
		l->stats->evidence_dropped++;
		return 0;
	}
	if (hk_grow((void **)&d->ev, &d->cap_ev, d->n_ev + 1, sizeof(*d->ev)) < 0)
		return -ENOMEM;
	e = &d->ev[d->n_ev++];
	memset(e, 0, sizeof(*e));
	str_field(l, e->attribute, sizeof(e->attribute), r, row, 1);
	str_field(l, e->value, sizeof(e->value), r, row, 2);
	str_field(l, e->source, sizeof(e->source), r, row, 3);
	conf = col_u64(r, row, 4);
	e->confidence = (uint8_t)(conf > 255 ? 255 : conf);
	e->first_seen = col_u64(r, row, 5);
	e->last_seen = col_u64(r, row, 6);
	e->count = col_u64(r, row, 7);
	return 0;
}

static int annotation_row(const PGresult *r, int row, void *ud)
{
	struct load *l = ud;
	struct hk_device *d = device_at(l, col_i64(r, row, 0));
	struct hk_fleet *fl;
	struct store_annotation *a;
	size_t base;

	if (!d)
		return 0;
	fl = d->fleet;
	base = sizeof(*fl) + fl->n_sightings * sizeof(fl->sighting[0]);
	fl = realloc(fl, base + (fl->n_ann + 1) * sizeof(*fl->ann));
	if (!fl)
		return -ENOMEM;
	d->fleet = fl;
	fl->ann = (struct store_annotation *)(void *)((char *)fl + base);
	a = &fl->ann[fl->n_ann++];
	memset(a, 0, sizeof(*a));
	memcpy(a->device_key, d->key, sizeof(a->device_key));
	str_field(l, a->kind, sizeof(a->kind), r, row, 1);
	str_field(l, a->value, sizeof(a->value), r, row, 2);
	a->sufficient = !PQgetisnull(r, row, 3) && strcmp(PQgetvalue(r, row, 3), "t") == 0;
	a->created_at = col_u64(r, row, 4);
	return 0;
}

static int scope_cmp(const struct hk_device *a, const struct hk_device *b)
{
	int c = hk_device_cmp(a, b);
	if (c)
		return c;
	c = strcmp(a->fleet->scope, b->fleet->scope);
	if (c)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int dev_order(const void *a, const void *b)
{
	return scope_cmp(a, b);
}

void fleet_devices_free(struct hk_device *devs, size_t n)
{
	for (size_t i = 0; devs && i < n; i++)
		hk_device_clear(&devs[i]);
	free(devs);
}

int fleet_devices_load(PGconn *c, const struct fleet_filter *f, struct hk_device **ret, size_t *ret_n,
		       struct fleet_load_stats *stats, char *errbuf, size_t errsz)
{
	struct fleet_load_stats scratch;
	struct load l;
	int rc;

	memset(&l, 0, sizeof(l));
	memset(&scratch, 0, sizeof(scratch));
	l.stats = stats ? stats : &scratch;
	rc = begin_snapshot(c, errbuf, errsz);
	if (rc < 0)
		return rc;
	rc = query_rows(c, "device sightings", sql_sightings, 3, f, sighting_row, &l, errbuf, errsz);
	if (rc == 0)
		rc = device_finish(&l);
	if (rc == -ENOMEM)
		snprintf(errbuf, errsz, "out of memory reading the central database (device sightings)");
	if (rc == 0) {
		l.cursor = 0;
		rc = query_rows(c, "evidence", sql_evidence, 3, f, evidence_row, &l, errbuf, errsz);
	}
	if (rc == 0) {
		l.cursor = 0;
		rc = query_rows(c, "annotations", sql_annotations, 3, f, annotation_row, &l, errbuf, errsz);
	}
	end_snapshot(c);
	free(l.rows);
	if (rc < 0) {
		fleet_devices_free(l.devs, l.n);
		return rc;
	}
	for (size_t i = 0; i < l.n; i++)
		hk_device_sort_evidence(&l.devs[i]);
	if (l.n > 1)
		qsort(l.devs, l.n, sizeof(*l.devs), dev_order);
	*ret = l.devs;
	*ret_n = l.n;
	return 0;
}

/* --- sensors and counts ------------------------------------------------------- */

struct sensors {
	struct fleet_sensor *v;
	size_t n, cap;
};

static int sensor_row(const PGresult *r, int row, void *ud)
{
	struct sensors *s = ud;
	struct fleet_sensor *x;

	if (hk_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		return -ENOMEM;
	x = &s->v[s->n++];
	memset(x, 0, sizeof(*x));
	col_str(x->sensor, sizeof(x->sensor), r, row, 0);
	col_str(x->site, sizeof(x->site), r, row, 1);
	col_str(x->hostname, sizeof(x->hostname), r, row, 2);
	col_str(x->version, sizeof(x->version), r, row, 3);
	x->first_seen = col_u64(r, row, 4);
	x->last_seen = col_u64(r, row, 5);
	x->devices = col_u64(r, row, 6);
	x->newest_sighting = col_u64(r, row, 7);
	return 0;
}

int fleet_sensors_load(PGconn *c, const struct fleet_filter *f, struct fleet_sensor **ret, size_t *ret_n,
		       char *errbuf, size_t errsz)
{
	struct sensors s = {0};
	int rc = begin_snapshot(c, errbuf, errsz);

	if (rc < 0)
		return rc;
	rc = query_rows(c, "sensors", sql_sensors, 2, f, sensor_row, &s, errbuf, errsz);
	end_snapshot(c);
	if (rc < 0) {
		free(s.v);
		return rc;
	}
	*ret = s.v;
	*ret_n = s.n;
	return 0;
}

struct sites {
	struct fleet_site *v;
	size_t n, cap;
};

static int site_row(const PGresult *r, int row, void *ud)
{
	struct sites *s = ud;
	struct fleet_site *x;

	if (hk_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		return -ENOMEM;
	x = &s->v[s->n++];
	memset(x, 0, sizeof(*x));
	col_str(x->site, sizeof(x->site), r, row, 0);
	x->sensors = col_u64(r, row, 1);
	x->last_shipment = col_u64(r, row, 2);
	x->devices = col_u64(r, row, 3);
	return 0;
}

int fleet_sites_load(PGconn *c, struct fleet_site **ret, size_t *ret_n, char *errbuf, size_t errsz)
{
	struct sites s = {0};
	int rc = begin_snapshot(c, errbuf, errsz);

	if (rc < 0)
		return rc;
	rc = query_rows(c, "sites", sql_sites, 0, NULL, site_row, &s, errbuf, errsz);
	end_snapshot(c);
	if (rc < 0) {
		free(s.v);
		return rc;
	}
	*ret = s.v;
	*ret_n = s.n;
	return 0;
}

int fleet_counts_read(PGconn *c, struct fleet_counts *ret, char *errbuf, size_t errsz)
{
	PGresult *r = PQexec(c, sql_counts);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		pg_message(c, r, "counts", errbuf, errsz);
		rc = -EIO;
	} else {
		memset(ret, 0, sizeof(*ret));
		ret->devices = col_i64(r, 0, 0);
		ret->sensors = col_i64(r, 0, 1);
		ret->sites = col_i64(r, 0, 2);
		ret->schema = (int)col_i64(r, 0, 3);
	}
	PQclear(r);
	return rc;
}
