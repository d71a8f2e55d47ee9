/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shipper: a sensor's store into the central PostgreSQL; see ship.h.
 *
 * A batch goes over in a handful of statements whatever its size: the rows
 * travel as one JSON document per table (a bound parameter, read on the
 * server with json_to_recordset), so a distant central costs a few round
 * trips per batch, not one per evidence item. Every upsert has a WHERE that
 * compares the stored row with the new one, so an unchanged row is not
 * written again (no new row version, nothing counted): a replay writes
 * nothing, and shipping the same device again and again does not bloat the
 * central tables.
 */
#include "fleet/ship.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "core/util.h"
#include "hk_config.h"
#include "inventory/assess.h"
#include "inventory/derive.h"
#include "inventory/policy.h"
#include "report/assessed.h"
#include "report/output.h"
#include "store/store.h"

#define SHIP_DBID_MAX 64
#define SHIP_MSG_MAX 1024
#define SHIP_REMIND_USEC (15u * 60u * 1000000u) /* between two log lines while the central stays down */

/* ---- identity ---- */

bool ship_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= SHIP_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-' || c == ':'))
			return false;
	}
	return true;
}

int ship_sensor_id_default(char *buf, size_t bufsz, char *errbuf, size_t errsz)
{
	static const char salt[] = "herkomst sensor id\n";
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx h;
	char id[64];
	FILE *f = fopen("/etc/machine-id", "re");
	size_t n;

	if (!f) {
		snprintf(errbuf, errsz,
			 "no /etc/machine-id (%s) to derive a sensor id from; set [central] sensor_id", strerror(errno));
		return -ENOENT;
	}
	n = fread(id, 1, sizeof(id) - 1, f);
	fclose(f);
	id[n] = '\0';
	n = strcspn(id, "\r\n");
	if (n < 16) {
		snprintf(errbuf, errsz, "/etc/machine-id is empty or short; set [central] sensor_id");
		return -EINVAL;
	}
	/* the machine id itself is not for every database to see */
	sha256_init(&h);
	sha256_update(&h, sizeof(salt) - 1, (const uint8_t *)salt);
	sha256_update(&h, n, (const uint8_t *)id);
	sha256_digest(&h, sizeof(digest), digest);
	if (bufsz < 17) {
		snprintf(errbuf, errsz, "no room for a sensor id");
		return -ENOSPC;
	}
	for (int i = 0; i < 8; i++)
		snprintf(buf + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

/* ---- JSON values ---- */

/* A JSON string; jansson refuses invalid UTF-8, PostgreSQL too: such bytes
 * are written \xNN, the way the parsers escape what they read. */
static json_t *jstr(const char *s)
{
	char buf[4 * HK_OBS_VALUE_MAX + 1];
	const unsigned char *p = (const unsigned char *)s;
	size_t n, o = 0;
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	n = strlen(s);
	for (size_t i = 0; i < n && o + 5 < sizeof(buf);) {
		size_t k = hk_utf8_len(p + i, n - i);
		if (k && o + k < sizeof(buf)) {
			memcpy(buf + o, p + i, k);
			o += k;
			i += k;
		} else {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", p[i]);
			i++;
		}
	}
	buf[o] = '\0';
	return json_string(buf);
}

static json_t *jstr_or_null(const char *s)
{
	return s && s[0] ? jstr(s) : json_null();
}

static json_t *jint(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

/* ---- the shipper ---- */

struct shipper {
	char *conninfo, *password;
	char sensor_id[SHIP_ID_MAX], site[SHIP_ID_MAX];
	char hostname[256];
	char target[2 * SHIP_ID_MAX + 2];
	size_t batch_max;
	char *sigdir, *policy_path;

	struct store *st;
	struct inv_knowledge know;
	struct assess_inputs ain;
	bool have_know, have_ain;
	volatile bool reload;

	PGconn *pg;
	char dbid[SHIP_DBID_MAX];
};

static char *dup_or_null(const char *s)
{
	return s && s[0] ? strdup(s) : NULL;
}

static int knowledge_open(struct shipper *s, char *errbuf, size_t errsz)
{
	char err[2048];

	if (s->have_ain)
		assess_inputs_close(&s->ain);
	if (s->have_know)
		inv_knowledge_close(&s->know);
	s->have_ain = s->have_know = false;
	/* missing pieces are warnings for analyze too: the assessment then says
	 * "unknown", which is what the sensor would report itself */
	inv_knowledge_open(&s->know, s->sigdir, err, sizeof(err));
	s->have_know = true;
	if (assess_inputs_open(&s->ain, s->sigdir, s->policy_path, NULL, NULL, err, sizeof(err)) < 0) {
		snprintf(errbuf, errsz, "the assessment policy does not load: %s", err);
		return -EINVAL;
	}
	s->have_ain = true;
	return 0;
}

struct shipper *shipper_new(const struct ship_config *cfg, const char *db_path, char *errbuf, size_t errsz)
{
	struct shipper *s;

	if (!ship_id_valid(cfg->sensor_id) || !ship_id_valid(cfg->site)) {
		snprintf(errbuf, errsz, "sensor_id '%s' and site '%s' must be 1 to %d letters, digits, '.', '_', '-' or ':'",
			 cfg->sensor_id ? cfg->sensor_id : "", cfg->site ? cfg->site : "", SHIP_ID_MAX - 1);
		return NULL;
	}
	if (fleet_conninfo_check(cfg->conninfo, errbuf, errsz) < 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	s->conninfo = strdup(cfg->conninfo);
	s->password = dup_or_null(cfg->password);
	s->sigdir = dup_or_null(cfg->sigdir);
	s->policy_path = dup_or_null(cfg->policy_path);
	snprintf(s->sensor_id, sizeof(s->sensor_id), "%s", cfg->sensor_id);
	snprintf(s->site, sizeof(s->site), "%s", cfg->site);
	snprintf(s->target, sizeof(s->target), "%s/%s", s->sensor_id, s->site);
	if (cfg->hostname && cfg->hostname[0])
		snprintf(s->hostname, sizeof(s->hostname), "%s", cfg->hostname);
	else if (gethostname(s->hostname, sizeof(s->hostname) - 1) != 0)
		s->hostname[0] = '\0';
	s->batch_max = cfg->batch_max ? cfg->batch_max : SHIP_BATCH_MAX_DEFAULT;
	if (!s->conninfo || (cfg->password && cfg->password[0] && !s->password)) {
		snprintf(errbuf, errsz, "out of memory");
		return shipper_free(s);
	}
	s->st = store_open(db_path, errbuf, errsz);
	if (!s->st)
		return shipper_free(s);
	if (knowledge_open(s, errbuf, errsz) < 0)
		return shipper_free(s);
	return s;
}

struct shipper *shipper_free(struct shipper *s)
{
	if (!s)
		return NULL;
	s->pg = fleet_pg_close(s->pg);
	s->st = store_close(s->st);
	if (s->have_ain)
		assess_inputs_close(&s->ain);
	if (s->have_know)
		inv_knowledge_close(&s->know);
	if (s->password) {
		explicit_bzero(s->password, strlen(s->password));
		free(s->password);
	}
	free(s->conninfo);
	free(s->sigdir);
	free(s->policy_path);
	free(s);
	return NULL;
}

void shipper_reload(struct shipper *s)
{
	s->reload = true;
}

int shipper_backlog(struct shipper *s, uint64_t *ret)
{
	char dbid[SHIP_DBID_MAX];
	int64_t wm;

	if (store_ship_watermark(s->st, s->target, &wm, dbid, sizeof(dbid)) < 0)
		return -EIO;
	/* connected to another database than the watermark's: all of it */
	if (s->dbid[0] && strcmp(dbid, s->dbid) != 0)
		wm = 0;
	return store_changes_count(s->st, wm, ret, NULL);
}

/* ---- PostgreSQL ---- */

static void pg_msg(PGconn *c, PGresult *r, const char *what, char *errbuf, size_t errsz)
{
	char m[SHIP_MSG_MAX];
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	fleet_pg_errmsg(c, r, m, sizeof(m));
	if (state && strcmp(state, "42501") == 0)
		snprintf(errbuf, errsz, "%s: %s; the sensor's role lacks a privilege (docs/fleet.md lists the grants)",
			 what, m);
	else
		snprintf(errbuf, errsz, "%s: %s", what, m);
}

/* Runs one statement; rows written are added to *rows (may be NULL).
 * ret (may be NULL) gets a result with rows, the caller's to PQclear. */
static int pg_run(struct shipper *s, const char *what, const char *sql, int n, const char *const *params,
		  uint64_t *rows, PGresult **ret, char *errbuf, size_t errsz)
{
	PGresult *r = PQexecParams(s->pg, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pg_msg(s->pg, r, what, errbuf, errsz);
		PQclear(r);
		return -EIO;
	}
	if (rows && st == PGRES_COMMAND_OK)
		*rows += strtoull(PQcmdTuples(r), NULL, 10);
	if (ret)
		*ret = r;
	else
		PQclear(r);
	return 0;
}

static void pg_drop(struct shipper *s)
{
	s->pg = fleet_pg_close(s->pg);
}

static int pg_ensure(struct shipper *s, char *errbuf, size_t errsz)
{
	char err[SHIP_MSG_MAX];

	if (s->pg && PQstatus(s->pg) == CONNECTION_OK && PQtransactionStatus(s->pg) == PQTRANS_IDLE)
		return 0;
	pg_drop(s);
	s->pg = fleet_pg_connect_pw(s->conninfo, s->password, errbuf, errsz);
	if (!s->pg)
		return -ECONNREFUSED;
	if (fleet_pg_schema_check(s->pg, err, sizeof(err)) < 0 ||
	    fleet_pg_database_id(s->pg, s->dbid, sizeof(s->dbid), err, sizeof(err)) < 0) {
		char where[FLEET_CONNINFO_MAX + 128];
		fleet_conninfo_describe(s->conninfo, where, sizeof(where));
		snprintf(errbuf, errsz, "central PostgreSQL (%s): %s", where, err);
		pg_drop(s);
		return -EPROTO;
	}
	return 0;
}

static const char SQL_SENSOR[] =
	"INSERT INTO sensors (sensor_id, site, hostname, version, first_seen, last_seen)"
	" VALUES ($1, $2, $3, $4, $5, $5)"
	" ON CONFLICT (sensor_id) DO UPDATE SET site = excluded.site, hostname = excluded.hostname,"
	"  version = excluded.version, last_seen = excluded.last_seen,"
	"  shipped_rev = CASE WHEN sensors.site = excluded.site THEN sensors.shipped_rev ELSE 0 END"
	" RETURNING shipped_rev";

/* In the batch's transaction: the central's own record of the watermark. */
static const char SQL_SENSOR_REV[] = "UPDATE sensors SET shipped_rev = $2 WHERE sensor_id = $1";

static const char SQL_DEVICES_ADD[] =
	"INSERT INTO devices (scope, key)"
	" SELECT x.scope, x.key FROM json_to_recordset($1::json) AS x(scope text, key text)"
	" WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.scope = x.scope AND d.key = x.key)"
	" ON CONFLICT (scope, key) DO NOTHING";

static const char SQL_DEVICES_IDS[] =
	"SELECT x.i, d.id FROM json_to_recordset($1::json) AS x(i int, scope text, key text)"
	" JOIN devices d ON d.scope = x.scope AND d.key = x.key";

static const char SQL_SIGHTINGS[] =
	"INSERT INTO device_sightings AS t (device_id, sensor_id, site, mac, ip, via_mac, oui_state, oui_prefix,"
	"  oui_registry, oui_registrant, oui_country, first_seen, last_seen, packets, bytes, shipped_at)"
	" SELECT x.device_id, $2, $3, x.mac, x.ip, x.via_mac, x.oui_state, x.oui_prefix, x.oui_registry,"
	"  x.oui_registrant, x.oui_country, x.first_seen, x.last_seen, x.packets, x.bytes, $4"
	" FROM json_to_recordset($1::json) AS x(device_id bigint, mac text, ip text, via_mac text,"
	"  oui_state text, oui_prefix text, oui_registry text, oui_registrant text, oui_country text,"
	"  first_seen bigint, last_seen bigint, packets bigint, bytes bigint)"
	" ON CONFLICT (device_id, sensor_id) DO UPDATE SET site = excluded.site, mac = excluded.mac,"
	"  ip = excluded.ip, via_mac = excluded.via_mac, oui_state = excluded.oui_state,"
	"  oui_prefix = excluded.oui_prefix, oui_registry = excluded.oui_registry,"
	"  oui_registrant = excluded.oui_registrant, oui_country = excluded.oui_country,"
	"  first_seen = excluded.first_seen, last_seen = excluded.last_seen, packets = excluded.packets,"
	"  bytes = excluded.bytes, shipped_at = excluded.shipped_at"
	" WHERE (t.site, t.mac, t.ip, t.via_mac, t.oui_state, t.oui_prefix, t.oui_registry, t.oui_registrant,"
	"  t.oui_country, t.first_seen, t.last_seen, t.packets, t.bytes)"
	"  IS DISTINCT FROM (excluded.site, excluded.mac, excluded.ip, excluded.via_mac, excluded.oui_state,"
	"  excluded.oui_prefix, excluded.oui_registry, excluded.oui_registrant, excluded.oui_country,"
	"  excluded.first_seen, excluded.last_seen, excluded.packets, excluded.bytes)";

static const char SQL_EVIDENCE[] =
	"INSERT INTO evidence AS t (device_id, sensor_id, attribute, value, source, confidence, first_seen,"
	"  last_seen, count)"
	" SELECT x.device_id, $2, x.attribute, x.value, x.source, x.confidence, x.first_seen, x.last_seen, x.count"
	" FROM json_to_recordset($1::json) AS x(device_id bigint, attribute text, value text, source text,"
	"  confidence int, first_seen bigint, last_seen bigint, count bigint)"
	" ON CONFLICT (device_id, sensor_id, attribute, value, source) DO UPDATE SET"
	"  confidence = excluded.confidence, first_seen = excluded.first_seen, last_seen = excluded.last_seen,"
	"  count = excluded.count"
	" WHERE (t.confidence, t.first_seen, t.last_seen, t.count)"
	"  IS DISTINCT FROM (excluded.confidence, excluded.first_seen, excluded.last_seen, excluded.count)";

static const char SQL_ANNOTATIONS[] =
	"INSERT INTO annotations AS t (device_id, sensor_id, kind, value, sufficient, created_at)"
	" SELECT x.device_id, $2, x.kind, x.value, x.sufficient, x.created_at"
	" FROM json_to_recordset($1::json) AS x(device_id bigint, kind text, value text, sufficient boolean,"
	"  created_at bigint)"
	" ON CONFLICT (device_id, sensor_id, kind) DO UPDATE SET value = excluded.value,"
	"  sufficient = excluded.sufficient, created_at = excluded.created_at"
	" WHERE (t.value, t.sufficient, t.created_at)"
	"  IS DISTINCT FROM (excluded.value, excluded.sufficient, excluded.created_at)";

/* The sensor's annotations of the batch's devices that it no longer has. */
static const char SQL_ANNOTATIONS_GONE[] =
	"DELETE FROM annotations t WHERE t.sensor_id = $2"
	" AND t.device_id IN (SELECT v::bigint FROM json_array_elements_text($3::json) AS v)"
	" AND NOT EXISTS (SELECT 1 FROM json_to_recordset($1::json) AS x(device_id bigint, kind text)"
	"  WHERE x.device_id = t.device_id AND x.kind = t.kind)";

static const char SQL_ASSESSMENTS[] =
	"INSERT INTO assessments AS t (device_id, sensor_id, verdict, country, controller, criteria, policy,"
	"  assessed_at)"
	" SELECT x.device_id, $2, x.verdict, x.country, x.controller, x.criteria, x.policy, $3"
	" FROM json_to_recordset($1::json) AS x(device_id bigint, verdict text, country text, controller text,"
	"  criteria text, policy text)"
	" ON CONFLICT (device_id, sensor_id) DO UPDATE SET verdict = excluded.verdict,"
	"  country = excluded.country, controller = excluded.controller, criteria = excluded.criteria,"
	"  policy = excluded.policy, assessed_at = excluded.assessed_at"
	" WHERE (t.verdict, t.country, t.controller, t.criteria, t.policy)"
	"  IS DISTINCT FROM (excluded.verdict, excluded.country, excluded.controller, excluded.criteria,"
	"  excluded.policy)";

/* ---- one batch ---- */

struct ship_item {
	char key[HK_DEV_KEY_MAX];
	bool have_dev;
	struct hk_device dev;
	struct store_annotation *ann;
	size_t n_ann;
	int64_t id; /* central devices.id */
};

struct batch {
	struct ship_item *it;
	size_t n;
	int64_t watermark; /* the rev of the last key taken */
	uint64_t rows;     /* sensor-side rows: devices, evidence, annotations */
};

static void batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		hk_device_clear(&b->it[i].dev);
		free(b->it[i].ann);
	}
	free(b->it);
	memset(b, 0, sizeof(*b));
}

/* Reads the next batch above wm: whole devices until batch_max rows. */
static int batch_read(struct shipper *s, int64_t wm, struct batch *b, char *errbuf, size_t errsz)
{
	struct store_change *ch = NULL;
	size_t n_ch = 0;
	int rc;

	memset(b, 0, sizeof(*b));
	if (store_read_begin(s->st) < 0) {
		snprintf(errbuf, errsz, "cannot read the sensor's database: %s", store_errmsg(s->st));
		return -EIO;
	}
	rc = store_changes_after(s->st, wm, s->batch_max, &ch, &n_ch);
	if (rc == 0 && n_ch) {
		b->it = calloc(n_ch, sizeof(*b->it));
		if (!b->it)
			rc = -ENOMEM;
	}
	for (size_t i = 0; rc == 0 && i < n_ch && (b->n == 0 || b->rows < s->batch_max); i++) {
		struct ship_item *it = &b->it[b->n];

		snprintf(it->key, sizeof(it->key), "%s", ch[i].device_key);
		rc = store_device_get(s->st, it->key, &it->dev);
		if (rc == 0)
			it->have_dev = true;
		else if (rc != -ENOENT)
			break;
		rc = store_annotation_load(s->st, it->key, &it->ann, &it->n_ann);
		if (rc < 0)
			break;
		b->n++;
		b->rows += (it->have_dev ? 1 + it->dev.n_ev : 0) + it->n_ann;
		b->watermark = ch[i].rev;
	}
	free(ch);
	store_read_end(s->st);
	if (rc < 0) {
		snprintf(errbuf, errsz, "cannot read the sensor's changes: %s",
			 rc == -ENOMEM ? "out of memory" : store_errmsg(s->st));
		batch_clear(b);
	}
	return rc;
}

static char *dumps(json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(j);
	return t;
}

/* The sensor's verdict on one device, as analyze would print it. */
static void assessment_row(struct shipper *s, struct ship_item *it, json_t *arr)
{
	struct assess_result res;
	struct assess_annotations aa;
	struct out_assessed od;
	struct assess_ctx ctx = assess_inputs_ctx(&s->ain);
	const struct store_annotation *first = NULL;
	size_t n_first = 0;
	char polbuf[256];
	const char *pol = NULL;
	json_t *o, *crit;
	char *text;

	inv_derive(&it->dev, &s->know);
	assess_annotations_of(it->key, it->ann, it->n_ann, &first, &n_first, &aa);
	if (assess_device(&it->dev, &aa, &ctx, &res) < 0) {
		/* out of memory: no row, as when the JSON below finds none */
		assess_result_clear(&res);
		return;
	}
	memset(&od, 0, sizeof(od));
	od.res = &res;
	od.ann = first;
	od.n_ann = n_first;
	crit = json_object();
	out_device_json_assessed(crit, &od);
	text = dumps(crit);
	if (s->ain.policy) {
		const char *name = policy_name(s->ain.policy), *asof = policy_as_of(s->ain.policy);
		snprintf(polbuf, sizeof(polbuf), "%s%s%s", name ? name : "(unnamed)", asof ? " as of " : "",
			 asof ? asof : "");
		pol = polbuf;
	}
	o = json_object();
	json_object_set_new(o, "device_id", json_integer(it->id));
	json_object_set_new(o, "verdict", json_string(assess_verdict_name(res.verdict)));
	json_object_set_new(o, "country", jstr_or_null(res.origin_known ? res.control_country : NULL));
	json_object_set_new(o, "controller", jstr_or_null(res.origin_known ? res.controller : NULL));
	json_object_set_new(o, "criteria", text ? json_string(text) : json_string("{}"));
	json_object_set_new(o, "policy", jstr_or_null(pol));
	json_array_append_new(arr, o);
	free(text);
	assess_result_clear(&res);
}

/* The central ids of the batch's devices (added when new). */
static int batch_ids(struct shipper *s, struct batch *b, char *errbuf, size_t errsz)
{
	json_t *arr = json_array();
	PGresult *r = NULL;
	const char *p[1];
	char *doc;
	int rc;

	for (size_t i = 0; i < b->n; i++) {
		json_t *o = json_object();
		bool mac = strncmp(b->it[i].key, "mac:", 4) == 0;

		/* a MAC is the same station wherever it is seen; an IP address is
		 * only meaningful inside its site */
		json_object_set_new(o, "i", json_integer((json_int_t)i));
		json_object_set_new(o, "scope", json_string(mac ? "" : s->site));
		json_object_set_new(o, "key", jstr(b->it[i].key));
		json_array_append_new(arr, o);
		b->it[i].id = -1;
	}
	doc = dumps(arr);
	if (!doc) {
		snprintf(errbuf, errsz, "out of memory");
		return -ENOMEM;
	}
	p[0] = doc;
	rc = pg_run(s, "adding devices", SQL_DEVICES_ADD, 1, p, NULL, NULL, errbuf, errsz);
	if (rc == 0)
		rc = pg_run(s, "reading device ids", SQL_DEVICES_IDS, 1, p, NULL, &r, errbuf, errsz);
	free(doc);
	if (rc < 0)
		return rc;
	for (int k = 0; k < PQntuples(r); k++) {
		long i = strtol(PQgetvalue(r, k, 0), NULL, 10);
		if (i >= 0 && (size_t)i < b->n)
			b->it[i].id = strtoll(PQgetvalue(r, k, 1), NULL, 10);
	}
	PQclear(r);
	for (size_t i = 0; i < b->n; i++) {
		if (b->it[i].id < 0) {
			snprintf(errbuf, errsz, "device %s has no central id after adding it", b->it[i].key);
			return -EIO;
		}
	}
	return 0;
}

static int batch_ship(struct shipper *s, struct batch *b, uint64_t *rows, char *errbuf, size_t errsz)
{
	json_t *sight = json_array(), *ev = json_array(), *ann = json_array(), *ids = json_array(),
	       *as = json_array();
	char now[24], *d_sight = NULL, *d_ev = NULL, *d_ann = NULL, *d_ids = NULL, *d_as = NULL;
	const char *p[4];
	int rc;

	snprintf(now, sizeof(now), "%" PRIu64, hk_now_usec());
	rc = batch_ids(s, b, errbuf, errsz);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < b->n; i++) {
		struct ship_item *it = &b->it[i];
		const struct hk_device *d = &it->dev;
		char mac[HK_MAC_STRLEN], ip[HK_ADDR_STRLEN];
		json_t *o;

		json_array_append_new(ids, json_integer(it->id));
		for (size_t k = 0; k < it->n_ann; k++) {
			const struct store_annotation *a = &it->ann[k];
			o = json_object();
			json_object_set_new(o, "device_id", json_integer(it->id));
			json_object_set_new(o, "kind", jstr(a->kind));
			json_object_set_new(o, "value", jstr(a->value));
			json_object_set_new(o, "sufficient",
					    strcmp(a->kind, "mitigation") == 0 ? json_boolean(a->sufficient) : json_null());
			json_object_set_new(o, "created_at", jint(a->created_at));
			json_array_append_new(ann, o);
		}
		if (!it->have_dev)
			continue;
		o = json_object();
		json_object_set_new(o, "device_id", json_integer(it->id));
		json_object_set_new(o, "mac", d->has_mac ? json_string(hk_mac_fmt(d->mac, mac)) : json_null());
		json_object_set_new(o, "ip", d->ip.family ? json_string(hk_addr_fmt(&d->ip, ip)) : json_null());
		json_object_set_new(o, "via_mac", jstr_or_null(d->via_mac));
		json_object_set_new(o, "oui_state", json_string(hk_oui_state_name(d->oui_state)));
		json_object_set_new(o, "oui_prefix", jstr_or_null(d->oui_prefix));
		json_object_set_new(o, "oui_registry", jstr_or_null(d->oui_registry));
		json_object_set_new(o, "oui_registrant", jstr_or_null(d->oui_registrant));
		json_object_set_new(o, "oui_country", jstr_or_null(d->oui_country));
		json_object_set_new(o, "first_seen", jint(d->first_seen));
		json_object_set_new(o, "last_seen", jint(d->last_seen));
		json_object_set_new(o, "packets", jint(d->packets));
		json_object_set_new(o, "bytes", jint(d->bytes));
		json_array_append_new(sight, o);
		/* the stored claims only: the central derives its own */
		for (size_t k = 0; k < d->n_ev; k++) {
			const struct hk_evidence *e = &d->ev[k];
			o = json_object();
			json_object_set_new(o, "device_id", json_integer(it->id));
			json_object_set_new(o, "attribute", jstr(e->attribute));
			json_object_set_new(o, "value", jstr(e->value));
			json_object_set_new(o, "source", jstr(e->source));
			json_object_set_new(o, "confidence", json_integer(e->confidence));
			json_object_set_new(o, "first_seen", jint(e->first_seen));
			json_object_set_new(o, "last_seen", jint(e->last_seen));
			json_object_set_new(o, "count", jint(e->count));
			json_array_append_new(ev, o);
		}
		assess_inputs_geoip(&s->ain, d, 1);
		assessment_row(s, it, as); /* derives into it->dev: after its evidence went out */
	}
	d_sight = dumps(sight);
	d_ev = dumps(ev);
	d_ann = dumps(ann);
	d_ids = dumps(ids);
	d_as = dumps(as);
	sight = ev = ann = ids = as = NULL;
	if (!d_sight || !d_ev || !d_ann || !d_ids || !d_as) {
		snprintf(errbuf, errsz, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	p[1] = s->sensor_id;
	p[2] = s->site;
	p[3] = now;
	p[0] = d_sight;
	rc = pg_run(s, "shipping device sightings", SQL_SIGHTINGS, 4, p, rows, NULL, errbuf, errsz);
	p[0] = d_ev;
	if (rc == 0)
		rc = pg_run(s, "shipping evidence", SQL_EVIDENCE, 2, p, rows, NULL, errbuf, errsz);
	p[0] = d_ann;
	if (rc == 0)
		rc = pg_run(s, "shipping annotations", SQL_ANNOTATIONS, 2, p, rows, NULL, errbuf, errsz);
	p[2] = d_ids;
	if (rc == 0)
		rc = pg_run(s, "removing annotations", SQL_ANNOTATIONS_GONE, 3, p, rows, NULL, errbuf, errsz);
	p[0] = d_as;
	p[2] = now;
	if (rc == 0)
		rc = pg_run(s, "shipping assessments", SQL_ASSESSMENTS, 3, p, rows, NULL, errbuf, errsz);
out:
	json_decref(sight);
	json_decref(ev);
	json_decref(ann);
	json_decref(ids);
	json_decref(as);
	free(d_sight);
	free(d_ev);
	free(d_ann);
	free(d_ids);
	free(d_as);
	return rc;
}

/* Upserts the sensor's row; *ret_rev (may be NULL) gets the watermark the
 * central has recorded for it. */
static int register_sensor(struct shipper *s, int64_t *ret_rev, char *errbuf, size_t errsz)
{
	char now[24];
	const char *p[5];
	PGresult *r = NULL;
	int rc;

	snprintf(now, sizeof(now), "%" PRIu64, hk_now_usec());
	p[0] = s->sensor_id;
	p[1] = s->site;
	p[2] = s->hostname[0] ? s->hostname : NULL;
	p[3] = HK_VERSION;
	p[4] = now;
	rc = pg_run(s, "registering the sensor", SQL_SENSOR, 5, p, NULL, &r, errbuf, errsz);
	if (rc < 0)
		return rc;
	if (ret_rev)
		*ret_rev = PQntuples(r) == 1 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return 0;
}

static int record_rev(struct shipper *s, int64_t rev, char *errbuf, size_t errsz)
{
	char v[24];
	const char *p[2] = {s->sensor_id, v};

	snprintf(v, sizeof(v), "%" PRId64, rev);
	return pg_run(s, "recording the shipment", SQL_SENSOR_REV, 2, p, NULL, NULL, errbuf, errsz);
}

int shipper_ship(struct shipper *s, bool full, const volatile bool *stop, ship_progress_fn progress, void *ud,
		 struct ship_result *ret, char *errbuf, size_t errsz)
{
	struct ship_result res;
	char dbid[SHIP_DBID_MAX];
	int64_t wm, central_wm = 0;
	int rc;

	memset(&res, 0, sizeof(res));
	if (ret)
		*ret = res;
	if (s->reload) {
		s->reload = false;
		if (knowledge_open(s, errbuf, errsz) < 0)
			return -EINVAL;
	}
	rc = pg_ensure(s, errbuf, errsz);
	if (rc < 0)
		return rc;
	if (full && store_ship_reset(s->st, s->target) < 0) {
		snprintf(errbuf, errsz, "cannot reset the watermark: %s", store_errmsg(s->st));
		return -EIO;
	}
	if (store_ship_watermark(s->st, s->target, &wm, dbid, sizeof(dbid)) < 0) {
		snprintf(errbuf, errsz, "cannot read the watermark: %s", store_errmsg(s->st));
		return -EIO;
	}
	if (strcmp(dbid, s->dbid) != 0)
		wm = 0; /* another central database than last time: all of it */
	/* a round registers the sensor even with nothing to ship: its
	 * last_seen tells the central that the sensor is alive */
	rc = pg_run(s, "starting a transaction", "BEGIN", 0, NULL, NULL, NULL, errbuf, errsz);
	if (rc == 0)
		rc = register_sensor(s, &central_wm, errbuf, errsz);
	if (rc == 0)
		rc = pg_run(s, "committing", "COMMIT", 0, NULL, NULL, NULL, errbuf, errsz);
	if (rc < 0)
		goto fail;
	/* the central lost what it had committed (a failover to a standby
	 * that was behind, a restore): ship again from what it has */
	if (central_wm < wm) {
		wm = central_wm;
		if (store_ship_reset(s->st, s->target) < 0 ||
		    store_ship_advance(s->st, s->target, s->dbid, wm, 0) < 0) {
			snprintf(errbuf, errsz, "cannot lower the watermark: %s", store_errmsg(s->st));
			rc = -EIO;
			goto fail;
		}
	}
	res.watermark = wm;
	while (!(stop && *stop)) {
		struct batch b;
		uint64_t rows = 0;

		rc = batch_read(s, wm, &b, errbuf, errsz);
		if (rc < 0)
			goto fail;
		if (b.n == 0) {
			batch_clear(&b);
			break;
		}
		rc = pg_run(s, "starting a transaction", "BEGIN", 0, NULL, NULL, NULL, errbuf, errsz);
		if (rc == 0)
			rc = register_sensor(s, NULL, errbuf, errsz);
		if (rc == 0)
			rc = batch_ship(s, &b, &rows, errbuf, errsz);
		if (rc == 0)
			rc = record_rev(s, b.watermark, errbuf, errsz);
		if (rc == 0)
			rc = pg_run(s, "committing", "COMMIT", 0, NULL, NULL, NULL, errbuf, errsz);
		if (rc < 0) {
			batch_clear(&b);
			goto fail;
		}
		/* only now: a crash before this line ships the batch again,
		 * which changes nothing centrally */
		if (store_ship_advance(s->st, s->target, s->dbid, b.watermark, rows) < 0) {
			snprintf(errbuf, errsz,
				 "shipped, but cannot record it in the sensor's database (%s); the batch will be "
				 "shipped again",
				 store_errmsg(s->st));
			batch_clear(&b);
			rc = -EIO;
			goto fail;
		}
		wm = b.watermark;
		res.watermark = wm;
		res.devices += b.n;
		res.rows += rows;
		res.batches++;
		batch_clear(&b);
		if (progress)
			progress(ud, &res);
	}
	store_changes_count(s->st, wm, &res.backlog, NULL);
	if (ret)
		*ret = res;
	return 0;
fail:
	if (ret) {
		store_changes_count(s->st, wm, &res.backlog, NULL);
		*ret = res;
	}
	pg_drop(s);
	return rc;
}

/* ---- the daemon's thread ---- */

struct ship_daemon {
	struct shipper *sh;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, stop, final;
	volatile bool abort_round; /* stop between batches */
	uint64_t interval_usec;
	ship_log_fn log;
	void *log_ud;
	struct ship_stats st;
	bool ever_tried;
	uint64_t down_since, next_reminder; /* wall clock, while down */
};

__attribute__((format(printf, 3, 4))) static void dlog(struct ship_daemon *d, int prio, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!d->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->log(d->log_ud, prio, msg);
}

static void daemon_progress(void *ud, const struct ship_result *so_far)
{
	struct ship_daemon *d = ud;
	(void)so_far;
	pthread_mutex_lock(&d->lock);
	d->st.last_success_usec = hk_now_usec();
	pthread_mutex_unlock(&d->lock);
}

/* One round, with the logging of state changes. 0 when it succeeded. */
static int daemon_round(struct ship_daemon *d)
{
	struct ship_result res;
	char err[SHIP_MSG_MAX];
	uint64_t backlog = 0;
	bool was_up;
	int rc;

	err[0] = '\0';
	rc = shipper_ship(d->sh, false, &d->abort_round, daemon_progress, d, &res, err, sizeof(err));
	pthread_mutex_lock(&d->lock);
	was_up = d->st.up;
	d->st.shipped_rows += res.rows;
	d->st.shipped_devices += res.devices;
	if (rc == 0) {
		d->st.up = true;
		d->st.backlog = res.backlog;
		d->st.last_success_usec = hk_now_usec();
	} else {
		d->st.up = false;
		d->st.errors++;
		if (shipper_backlog(d->sh, &backlog) == 0)
			d->st.backlog = backlog;
	}
	pthread_mutex_unlock(&d->lock);
	/* once per change of state, not per attempt; a reminder every
	 * SHIP_REMIND_USEC while it stays down */
	if (rc == 0) {
		if (!was_up)
			dlog(d, LOG_INFO,
			     "central PostgreSQL %s: shipped %" PRIu64 " devices (%" PRIu64 " rows written), %" PRIu64
			     " waiting",
			     d->ever_tried ? "reachable again" : "connected", res.devices, res.rows, res.backlog);
	} else if (was_up || !d->ever_tried) {
		d->down_since = hk_now_usec();
		d->next_reminder = d->down_since + SHIP_REMIND_USEC;
		dlog(d, LOG_WARNING, "central shipping stopped: %s; capture goes on, %" PRIu64
				     " changed devices wait in the sensor's database and are shipped when it is back",
		     err, d->st.backlog);
	} else if (hk_now_usec() >= d->next_reminder) {
		d->next_reminder = hk_now_usec() + SHIP_REMIND_USEC;
		dlog(d, LOG_WARNING, "central shipping still stopped (for %" PRIu64 " min): %s; %" PRIu64
				     " changed devices wait",
		     (hk_now_usec() - d->down_since) / 60000000u, err, d->st.backlog);
	}
	d->ever_tried = true;
	return rc;
}

static void *daemon_main(void *arg)
{
	struct ship_daemon *d = arg;
	uint64_t backoff = 1000000u;

	for (;;) {
		uint64_t wait;
		struct timespec ts;
		bool final;

		pthread_mutex_lock(&d->lock);
		final = d->stop;
		pthread_mutex_unlock(&d->lock);
		if (final) {
			/* the daemon's last flush is in: one last round if the
			 * central is there (a dead one is not waited for) */
			if (d->final && d->st.up) {
				d->abort_round = false;
				daemon_round(d);
			}
			break;
		}
		if (daemon_round(d) == 0) {
			backoff = 1000000u;
			wait = d->interval_usec;
		} else {
			/* down: try again after 1, 2, 4 ... s, at most a minute apart */
			wait = backoff;
			if (backoff < SHIP_BACKOFF_MAX_USEC)
				backoff = backoff * 2 < SHIP_BACKOFF_MAX_USEC ? backoff * 2 : SHIP_BACKOFF_MAX_USEC;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(wait / 1000000u);
		ts.tv_nsec += (long)(wait % 1000000u) * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&d->lock);
		while (!d->stop && pthread_cond_timedwait(&d->cond, &d->lock, &ts) == 0)
			;
		pthread_mutex_unlock(&d->lock);
	}
	return NULL;
}

struct ship_daemon *ship_daemon_start(const struct ship_config *cfg, const char *db_path, unsigned interval_sec,
				      ship_log_fn log, void *log_ud, char *errbuf, size_t errsz)
{
	struct ship_daemon *d = calloc(1, sizeof(*d));

	if (!d) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	d->sh = shipper_new(cfg, db_path, errbuf, errsz);
	if (!d->sh) {
		free(d);
		return NULL;
	}
	d->interval_usec = (uint64_t)(interval_sec ? interval_sec : SHIP_INTERVAL_DEFAULT) * 1000000u;
	d->log = log;
	d->log_ud = log_ud;
	shipper_backlog(d->sh, &d->st.backlog);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	if (pthread_create(&d->thread, NULL, daemon_main, d) != 0) {
		snprintf(errbuf, errsz, "cannot start the shipping thread: %s", strerror(errno));
		pthread_mutex_destroy(&d->lock);
		pthread_cond_destroy(&d->cond);
		shipper_free(d->sh);
		free(d);
		return NULL;
	}
	d->running = true;
	return d;
}

void ship_daemon_stats(struct ship_daemon *d, struct ship_stats *ret)
{
	pthread_mutex_lock(&d->lock);
	*ret = d->st;
	pthread_mutex_unlock(&d->lock);
}

void ship_daemon_reload(struct ship_daemon *d)
{
	shipper_reload(d->sh);
}

struct ship_daemon *ship_daemon_stop(struct ship_daemon *d, bool final)
{
	if (!d)
		return NULL;
	if (d->running) {
		pthread_mutex_lock(&d->lock);
		d->stop = true;
		d->final = final;
		d->abort_round = !final;
		pthread_cond_broadcast(&d->cond);
		pthread_mutex_unlock(&d->lock);
		pthread_join(d->thread, NULL);
	}
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	shipper_free(d->sh);
	free(d);
	return NULL;
}
