/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The routes of /api/v1 and /metrics (docs/api.md). Every list, filter and
 * count is computed from the device objects of analyze's JSON, so what a
 * filter matches is what the client sees in the object.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_internal.h"
#include "core/util.h"
#include "hk_config.h"
#include "inventory/policy.h"
#include "report/output.h"

#define NEXT_URL_MAX 4096

/* A string for JSON from text that may not be UTF-8 (a path): bytes
 * outside printable ASCII become '?' when it is not. */
static json_t *text_json(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j)
		return j;
	copy = strdup(s);
	if (!copy)
		return json_null();
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j ? j : json_null();
}

/* --- reading device objects ---------------------------------------------------- */

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char *api_device_country(const json_t *dev, const char **ret_basis)
{
	const json_t *origin = json_object_get(dev, "origin");
	const char *cc = json_is_object(origin) ? jstr(origin, "control_country") : NULL;

	if (cc && cc[0]) {
		if (ret_basis)
			*ret_basis = "control";
		return cc;
	}
	cc = json_is_object(json_object_get(dev, "oui")) ? jstr(json_object_get(dev, "oui"), "country") : NULL;
	if (cc && cc[0]) {
		if (ret_basis)
			*ret_basis = "oui";
		return cc;
	}
	if (ret_basis)
		*ret_basis = NULL;
	return NULL;
}

static bool in_string_array(const json_t *a, const char *s)
{
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
		if (json_is_string(x) && strcasecmp(json_string_value(x), s) == 0)
			return true;
	return false;
}

static bool array_contains_ci(const json_t *a, const char *needle)
{
	size_t i;
	json_t *x;
	json_array_foreach(a, i, x)
		if (api_contains_ci(json_string_value(x), needle))
			return true;
	return false;
}

/* Free text: what a person searching the inventory would type. */
static bool text_match(const json_t *d, const char *q)
{
	static const char *const fields[] = {"mac", "manufacturer", "product", "model", "firmware",
					     "serial", "os", "role", "via", "verdict", NULL};
	static const char *const lists[] = {"ips", "hostnames", "protocols", "vlans", NULL};
	static const char *const origin_fields[] = {"company", "controller", "control_country", NULL};
	const json_t *origin = json_object_get(d, "origin"), *oui = json_object_get(d, "oui");

	for (size_t i = 0; fields[i]; i++)
		if (api_contains_ci(jstr(d, fields[i]), q))
			return true;
	for (size_t i = 0; lists[i]; i++)
		if (array_contains_ci(json_object_get(d, lists[i]), q))
			return true;
	if (json_is_object(oui) &&
	    (api_contains_ci(jstr(oui, "registrant"), q) || api_contains_ci(jstr(oui, "country"), q)))
		return true;
	for (size_t i = 0; json_is_object(origin) && origin_fields[i]; i++)
		if (api_contains_ci(jstr(origin, origin_fields[i]), q))
			return true;
	return false;
}

/* --- /api/v1/devices ------------------------------------------------------------ */

struct dev_filter {
	const char *country; /* two letters, or "none" */
	const char *manufacturer, *role, *protocol, *q;
	int flagged; /* -1 any */
	bool has_since;
	uint64_t since;
	bool evidence;
	uint64_t limit, offset;
};

static const char *nonempty(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* The routes that take only the fleet filters. */
static const char *const scope_params[] = {"site", "sensor", NULL};

/*
 * ?site=NAME and ?sensor=ID: a device is listed when a sensor of that site
 * (or that sensor) saw it, with the facts of those sightings only (docs/api.md).
 * Only a fleet has sites; a sensor's own database refuses them rather than
 * answer unfiltered. An empty value is no filter.
 */
static int scope_parse(const struct api *a, const struct api_params *p, struct fleet_filter *f, char *err,
		       size_t errsz)
{
	memset(f, 0, sizeof(*f));
	f->site = nonempty(api_param_get(p, "site"));
	f->sensor = nonempty(api_param_get(p, "sensor"));
	if ((f->site || f->sensor) && !api_fleet(a)) {
		snprintf(err, errsz,
			 "%s filters a fleet, and this server reads one sensor's database (--db); "
			 "herkomst serve --pg serves the fleet's central database",
			 f->site ? "site" : "sensor");
		return -EINVAL;
	}
	return 0;
}

/* Parameters, then the fleet filters (both 400 on error). */
static int scope_only(const struct api *a, const struct api_params *p, struct fleet_filter *f, char *err,
		      size_t errsz)
{
	if (api_params_allow(p, scope_params, err, errsz) < 0)
		return -EINVAL;
	return scope_parse(a, p, f, err, errsz);
}

static int filter_parse(const struct api_params *p, struct dev_filter *f, char *err, size_t errsz)
{
	static const char *const allowed[] = {"country", "manufacturer", "role", "protocol", "flagged", "since",
					      "q", "limit", "offset", "evidence", "site", "sensor", NULL};
	const char *s;
	bool b;

	memset(f, 0, sizeof(*f));
	f->flagged = -1;
	f->limit = API_LIMIT_DEFAULT;
	if (api_params_allow(p, allowed, err, errsz) < 0)
		return -EINVAL;
	s = api_param_get(p, "country");
	if (s) {
		bool two = strlen(s) == 2 && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') &&
			   ((s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'z');
		if (!two && strcasecmp(s, "none") != 0) {
			snprintf(err, errsz,
				 "country must be an ISO 3166-1 alpha-2 code (NL, DE, CN, ...) or none, not '%.64s'", s);
			return -EINVAL;
		}
		f->country = s;
	}
	f->manufacturer = nonempty(api_param_get(p, "manufacturer"));
	f->role = nonempty(api_param_get(p, "role"));
	f->protocol = nonempty(api_param_get(p, "protocol"));
	f->q = nonempty(api_param_get(p, "q"));
	s = api_param_get(p, "flagged");
	if (s) {
		if (api_parse_bool("flagged", s, &b, err, errsz) < 0)
			return -EINVAL;
		f->flagged = b;
	}
	s = api_param_get(p, "evidence");
	if (s && api_parse_bool("evidence", s, &f->evidence, err, errsz) < 0)
		return -EINVAL;
	s = api_param_get(p, "since");
	if (s) {
		if (api_parse_time("since", s, &f->since, err, errsz) < 0)
			return -EINVAL;
		f->has_since = true;
	}
	s = api_param_get(p, "limit");
	if (s && api_parse_uint("limit", s, 1, API_LIMIT_MAX, &f->limit, err, errsz) < 0)
		return -EINVAL;
	s = api_param_get(p, "offset");
	if (s && api_parse_uint("offset", s, 0, API_OFFSET_MAX, &f->offset, err, errsz) < 0)
		return -EINVAL;
	return 0;
}

static bool filter_match(const struct dev_filter *f, const struct hk_device *dev, const json_t *d)
{
	if (f->country) {
		const char *cc = api_device_country(d, NULL);
		if (strcasecmp(f->country, "none") == 0 ? cc != NULL : !cc || strcasecmp(cc, f->country) != 0)
			return false;
	}
	if (f->manufacturer && !api_contains_ci(jstr(d, "manufacturer"), f->manufacturer))
		return false;
	if (f->role && (!jstr(d, "role") || strcasecmp(jstr(d, "role"), f->role) != 0))
		return false;
	if (f->protocol && !in_string_array(json_object_get(d, "protocols"), f->protocol))
		return false;
	if (f->flagged >= 0 && json_is_true(json_object_get(d, "flagged")) != (f->flagged == 1))
		return false;
	if (f->has_since && dev->last_seen < f->since)
		return false;
	if (f->q && !text_match(d, f->q))
		return false;
	return true;
}

/* The URL of the next page: the same filters, offset moved on. */
static json_t *next_url(const struct api_params *p, const struct dev_filter *f)
{
	static const char *const keep[] = {"country", "manufacturer", "role", "protocol", "flagged",
					   "since", "q", "evidence", "site", "sensor", NULL};
	char buf[NEXT_URL_MAX], num[24];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; keep[i]; i++) {
		const char *v = api_param_get(p, keep[i]);
		if (v && !api_query_append(buf, sizeof(buf), &used, keep[i], v))
			return json_null();
	}
	snprintf(num, sizeof(num), "%" PRIu64, f->limit);
	if (!api_query_append(buf, sizeof(buf), &used, "limit", num))
		return json_null();
	snprintf(num, sizeof(num), "%" PRIu64, f->offset + f->limit);
	if (!api_query_append(buf, sizeof(buf), &used, "offset", num))
		return json_null();
	return json_sprintf("/api/v1/devices?%s", buf);
}

static void view_error(struct api_resp *r, int rc, const char *err)
{
	if (rc == -ENOMEM)
		api_error(r, 500, "internal", "%s", err);
	else
		api_error(r, 503, "unavailable", "%s", err);
}

void api_route_devices(struct api *a, const struct api_params *p, struct api_resp *r)
{
	struct fleet_filter scope;
	struct dev_filter f;
	struct api_view v;
	json_t *out, *list;
	uint64_t total = 0;
	char err[API_WARNING_LEN];
	int rc;

	if (filter_parse(p, &f, err, sizeof(err)) < 0 || scope_parse(a, p, &scope, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		return;
	}
	rc = api_view_load(a, API_VIEW_DEVICES, 0, &scope, &v, err, sizeof(err));
	if (rc < 0) {
		view_error(r, rc, err);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < v.n; i++) {
		json_t *o;
		if (!filter_match(&f, &v.devs[i], v.obj[i]))
			continue;
		total++;
		if (total <= f.offset || total > f.offset + f.limit)
			continue;
		if (f.evidence) {
			o = json_incref(v.obj[i]);
		} else {
			o = json_copy(v.obj[i]); /* shallow: the members are shared */
			json_object_del(o, "evidence");
		}
		json_array_append_new(list, o);
	}
	out = json_object();
	json_object_set_new(out, "total", json_integer((json_int_t)total));
	json_object_set_new(out, "offset", json_integer((json_int_t)f.offset));
	json_object_set_new(out, "limit", json_integer((json_int_t)f.limit));
	json_object_set_new(out, "next", f.offset + f.limit < total ? next_url(p, &f) : json_null());
	json_object_set_new(out, "devices", list);
	api_json(r, 200, out);
	api_view_free(&v);
}

void api_route_device(struct api *a, const char *id_s, const struct api_params *p, struct api_resp *r)
{
	struct fleet_filter scope;
	struct api_view v;
	uint64_t id;
	char err[API_WARNING_LEN];
	int rc;

	if (scope_only(a, p, &scope, err, sizeof(err)) < 0 ||
	    api_parse_uint("the device id", id_s, 1, INT64_MAX, &id, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		return;
	}
	rc = api_view_load(a, API_VIEW_DEVICES, (int64_t)id, &scope, &v, err, sizeof(err));
	if (rc < 0) {
		view_error(r, rc, err);
		return;
	}
	for (size_t i = 0; i < v.n; i++)
		if (v.devs[i].id == (int64_t)id) {
			api_json(r, 200, json_incref(v.obj[i]));
			api_view_free(&v);
			return;
		}
	api_view_free(&v);
	if (scope.site || scope.sensor)
		api_error(r, 404, "not_found", "no device %" PRIu64 " seen by %s %.100s", id,
			  scope.sensor ? "sensor" : "site", scope.sensor ? scope.sensor : scope.site);
	else
		api_error(r, 404, "not_found", "no device %" PRIu64 " in this database", id);
}

/* --- counting --------------------------------------------------------------------- */

/* Counts by a name, with a row for "none" (null); rows are JSON objects
 * {"<field>": name, "devices": n, ...} kept in a JSON object as the map. */
struct tally {
	const char *field;
	json_t *map;
	json_t *none;
};

static json_t *tally_row(struct tally *t, const char *name)
{
	json_t *row;

	if (!name) {
		if (!t->none) {
			t->none = json_object();
			json_object_set_new(t->none, t->field, json_null());
			json_object_set_new(t->none, "devices", json_integer(0));
		}
		return t->none;
	}
	row = json_object_get(t->map, name);
	if (!row) {
		row = json_object();
		json_object_set_new(row, t->field, json_string(name));
		json_object_set_new(row, "devices", json_integer(0));
		json_object_set_new(t->map, name, row);
	}
	return row;
}

static void bump(json_t *row, const char *key)
{
	json_t *n = json_object_get(row, key);
	if (n)
		json_integer_set(n, json_integer_value(n) + 1);
	else
		json_object_set_new(row, key, json_integer(1));
}

static int row_cmp(const void *pa, const void *pb, const char *field)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t na = json_integer_value(json_object_get(a, "devices"));
	json_int_t nb = json_integer_value(json_object_get(b, "devices"));
	const char *sa = jstr(a, field), *sb = jstr(b, field);

	if (na != nb)
		return na > nb ? -1 : 1;
	if (!sa || !sb) /* the "none" row last among equals */
		return sa ? -1 : sb ? 1 : 0;
	return strcmp(sa, sb);
}

/* qsort has no context argument; the field is the same for a whole sort */
static __thread const char *sort_field;

static int row_cmp_tls(const void *pa, const void *pb)
{
	return row_cmp(pa, pb, sort_field);
}

/* The rows, most devices first, then by name; "none" last among equals. Frees t. */
static json_t *tally_array(struct tally *t)
{
	json_t **rows, *out = json_array(), *v;
	const char *k;
	size_t n = json_object_size(t->map) + (t->none ? 1 : 0), i = 0;

	rows = calloc(n ? n : 1, sizeof(*rows));
	if (rows) {
		json_object_foreach(t->map, k, v)
			rows[i++] = json_incref(v);
		if (t->none)
			rows[i++] = json_incref(t->none);
		sort_field = t->field;
		qsort(rows, i, sizeof(*rows), row_cmp_tls);
		for (size_t j = 0; j < i; j++)
			json_array_append_new(out, rows[j]);
		free(rows);
	}
	json_decref(t->map);
	json_decref(t->none);
	t->map = t->none = NULL;
	return out;
}

/* The country policy the assessment used, as analyze's "policy". */
static json_t *policy_json(struct api *a)
{
	json_t *o = json_null();

	pthread_mutex_lock(&a->klock);
	if (a->kn.in.policy) {
		const char *name = policy_name(a->kn.in.policy), *as_of = policy_as_of(a->kn.in.policy);
		o = json_object();
		json_object_set_new(o, "name", name ? text_json(name) : json_null());
		json_object_set_new(o, "as_of", as_of ? text_json(as_of) : json_null());
		json_object_set_new(o, "path", text_json(policy_path(a->kn.in.policy)));
	}
	pthread_mutex_unlock(&a->klock);
	return o;
}

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *const criteria_names[] = {"1", "2", "3A", "3B", NULL};
static const char *const verdict_names[] = {"flagged", "partial", "clear", "unknown", NULL};

void api_route_summary(struct api *a, const struct api_params *p, struct api_resp *r)
{
	struct tally countries = {"country", json_object(), NULL}, roles = {"role", json_object(), NULL},
		     protos = {"protocol", json_object(), NULL};
	json_t *crit = json_object(), *verd = json_object(), *out;
	struct fleet_filter scope;
	struct api_view v;
	size_t flagged = 0, assessed = 0;
	char err[API_WARNING_LEN];
	int rc;

	if (scope_only(a, p, &scope, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		goto out;
	}
	rc = api_view_load(a, API_VIEW_DEVICES, 0, &scope, &v, err, sizeof(err));
	if (rc < 0) {
		view_error(r, rc, err);
		goto out;
	}
	for (size_t i = 0; criteria_names[i]; i++)
		json_object_set_new(crit, criteria_names[i], json_integer(0));
	for (size_t i = 0; verdict_names[i]; i++)
		json_object_set_new(verd, verdict_names[i], json_integer(0));
	for (size_t i = 0; i < v.n; i++) {
		const json_t *d = v.obj[i], *c = json_object_get(d, "criteria"), *x;
		const char *basis, *cc = api_device_country(d, &basis), *verdict = jstr(d, "verdict");
		json_t *row = tally_row(&countries, cc);
		size_t k;

		bump(row, "devices");
		if (basis)
			bump(row, basis);
		bump(tally_row(&roles, jstr(d, "role")), "devices");
		json_array_foreach(json_object_get(d, "protocols"), k, x)
			if (json_is_string(x))
				bump(tally_row(&protos, json_string_value(x)), "devices");
		if (json_is_true(json_object_get(d, "flagged")))
			flagged++;
		if (verdict) {
			assessed++;
			if (json_object_get(verd, verdict))
				bump(verd, verdict);
		}
		for (size_t j = 0; json_is_object(c) && criteria_names[j]; j++)
			if (json_is_true(json_object_get(json_object_get(c, criteria_names[j]), "holds")))
				bump(crit, criteria_names[j]);
	}
	out = json_object();
	json_object_set_new(out, "devices", json_integer((json_int_t)v.n));
	json_object_set_new(out, "assessed", json_integer((json_int_t)assessed));
	json_object_set_new(out, "flagged", json_integer((json_int_t)flagged));
	json_object_set_new(out, "countries", tally_array(&countries));
	json_object_set_new(out, "roles", tally_array(&roles));
	json_object_set_new(out, "protocols", tally_array(&protos));
	json_object_set_new(out, "criteria", crit);
	json_object_set_new(out, "verdicts", verd);
	crit = verd = NULL;
	json_object_set_new(out, "policy", policy_json(a));
	api_json(r, 200, out);
	api_view_free(&v);
out:
	json_decref(countries.map);
	json_decref(roles.map);
	json_decref(protos.map);
	json_decref(countries.none);
	json_decref(roles.none);
	json_decref(protos.none);
	json_decref(crit);
	json_decref(verd);
}

void api_route_vendors(struct api *a, const struct api_params *p, struct api_resp *r)
{
	struct tally vendors = {"manufacturer", json_object(), NULL};
	struct fleet_filter scope;
	struct api_view v;
	json_t *rows, *row, *out;
	char err[API_WARNING_LEN];
	size_t i;
	int rc;

	if (scope_only(a, p, &scope, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		goto fail;
	}
	rc = api_view_load(a, API_VIEW_DEVICES, 0, &scope, &v, err, sizeof(err));
	if (rc < 0) {
		view_error(r, rc, err);
		goto fail;
	}
	for (i = 0; i < v.n; i++) {
		const json_t *d = v.obj[i];
		const char *cc = api_device_country(d, NULL);
		json_t *set;

		row = tally_row(&vendors, jstr(d, "manufacturer"));
		bump(row, "devices");
		if (!json_object_get(row, "flagged"))
			json_object_set_new(row, "flagged", json_integer(0));
		if (json_is_true(json_object_get(d, "flagged")))
			bump(row, "flagged");
		set = json_object_get(row, "countries");
		if (!set) {
			set = json_object(); /* a set until it is printed */
			json_object_set_new(row, "countries", set);
		}
		if (cc)
			json_object_set_new(set, cc, json_true());
	}
	rows = tally_array(&vendors);
	json_array_foreach(rows, i, row)
	{
		json_t *set = json_object_get(row, "countries"), *list = json_array(), *x;
		const char **keys = calloc(json_object_size(set) + 1, sizeof(*keys));
		const char *k;
		size_t n = 0;

		json_object_foreach(set, k, x)
			if (keys)
				keys[n++] = k;
		if (keys) {
			qsort(keys, n, sizeof(*keys), strp_cmp);
			for (size_t j = 0; j < n; j++)
				json_array_append_new(list, json_string(keys[j]));
		}
		free(keys);
		json_object_set_new(row, "countries", list);
	}
	out = json_object();
	json_object_set_new(out, "vendors", rows);
	api_json(r, 200, out);
	api_view_free(&v);
	return;
fail:
	json_decref(vendors.map);
}

void api_route_protocols(struct api *a, const struct api_params *p, struct api_resp *r)
{
	struct tally protos = {"protocol", json_object(), NULL};
	struct fleet_filter scope;
	struct api_view v;
	json_t *out;
	char err[API_WARNING_LEN];
	int rc;

	if (scope_only(a, p, &scope, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		json_decref(protos.map);
		return;
	}
	rc = api_view_load(a, API_VIEW_DEVICES, 0, &scope, &v, err, sizeof(err));
	if (rc < 0) {
		view_error(r, rc, err);
		json_decref(protos.map);
		return;
	}
	for (size_t i = 0; i < v.n; i++) {
		const json_t *d = v.obj[i], *x, *svc = json_object_get(d, "services");
		size_t k;
		json_array_foreach(json_object_get(d, "protocols"), k, x)
		{
			const char *name = json_string_value(x);
			json_t *row;
			bool served = false;
			size_t j;
			json_t *s;

			if (!name)
				continue;
			row = tally_row(&protos, name);
			bump(row, "devices");
			if (!json_object_get(row, "served"))
				json_object_set_new(row, "served", json_integer(0));
			if (!json_object_get(row, "used"))
				json_object_set_new(row, "used", json_integer(0));
			json_array_foreach(svc, j, s)
				served = served || (jstr(s, "protocol") && strcmp(jstr(s, "protocol"), name) == 0);
			if (served)
				bump(row, "served");
			if (in_string_array(json_object_get(d, "client_protocols"), name))
				bump(row, "used");
		}
	}
	out = json_object();
	json_object_set_new(out, "protocols", tally_array(&protos));
	api_json(r, 200, out);
	api_view_free(&v);
}

void api_route_unknown(struct api *a, const struct api_params *p, struct api_resp *r)
{
	struct unknown_fp *u = NULL;
	struct fleet_filter scope;
	struct api_view v;
	size_t nu = 0;
	json_t *out;
	char err[API_WARNING_LEN];
	int rc;

	if (scope_only(a, p, &scope, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		return;
	}
	rc = api_view_load(a, API_VIEW_RAW, 0, &scope, &v, err, sizeof(err));
	if (rc < 0) {
		view_error(r, rc, err);
		return;
	}
	/* as herkomst unknown: raw devices, the current signatures applied */
	pthread_mutex_lock(&a->klock);
	rc = inv_unknown_collect(v.devs, v.n, &a->kn.inv, &u, &nu);
	pthread_mutex_unlock(&a->klock);
	api_view_free(&v);
	if (rc < 0) {
		api_error(r, 500, "internal", "out of memory");
		return;
	}
	out = json_object();
	json_object_set_new(out, "total", json_integer((json_int_t)nu));
	json_object_set_new(out, "unknown", out_unknown_json(u, nu));
	free(u);
	api_json(r, 200, out);
}

void api_route_health(struct api *a, const struct api_params *p, struct api_resp *r)
{
	struct api_counts c;
	json_t *out, *warn;
	char err[API_WARNING_LEN];

	if (api_params_allow(p, NULL, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		return;
	}
	if (api_counts_read(a, &c, err, sizeof(err)) < 0) {
		/* an error object, and what a health checker looks for */
		json_t *e;
		api_error(r, 503, "unavailable", "%s", err);
		e = json_loads(r->body, 0, NULL);
		if (!e)
			return;
		json_object_set_new(e, "status", json_string("unavailable"));
		json_object_set_new(e, "database", text_json(api_source_name(a)));
		json_object_set_new(e, "fleet", json_boolean(api_fleet(a)));
		api_json(r, 503, e);
		return;
	}
	out = json_object();
	json_object_set_new(out, "status", json_string("ok"));
	json_object_set_new(out, "database", text_json(api_source_name(a)));
	json_object_set_new(out, "devices", json_integer(c.devices));
	json_object_set_new(out, "captures", json_integer(c.captures));
	json_object_set_new(out, "schema", json_integer(c.schema));
	json_object_set_new(out, "fleet", json_boolean(api_fleet(a)));
	if (api_fleet(a)) {
		json_object_set_new(out, "sites", json_integer(c.sites));
		json_object_set_new(out, "sensors", json_integer(c.sensors));
	}
	json_object_set_new(out, "version", json_string(HK_VERSION));
	json_object_set_new(out, "tls", json_boolean(a->tls));
	json_object_set_new(out, "auth", json_boolean(a->token != NULL));
	json_object_set_new(out, "uptime_seconds",
			    json_integer((json_int_t)((hk_now_usec() - a->started_usec) / 1000000u)));
	warn = json_array();
	pthread_mutex_lock(&a->klock);
	for (size_t i = 0; i < a->kn.n_warnings; i++)
		json_array_append_new(warn, text_json(a->kn.warnings[i]));
	pthread_mutex_unlock(&a->klock);
	json_object_set_new(out, "warnings", warn);
	api_json(r, 200, out);
}

/* --- /api/v1/sites (fleet mode) ------------------------------------------------------ */

static json_t *time_json(uint64_t ts)
{
	char buf[HK_TIME_STRLEN];
	return ts ? json_string(hk_time_fmt(ts, buf)) : json_null();
}

static json_t *sensor_json(const struct fleet_sensor *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "sensor", text_json(s->sensor));
	json_object_set_new(o, "hostname", s->hostname[0] ? text_json(s->hostname) : json_null());
	json_object_set_new(o, "version", s->version[0] ? text_json(s->version) : json_null());
	json_object_set_new(o, "first_shipment", time_json(s->first_seen));
	json_object_set_new(o, "last_shipment", time_json(s->last_seen));
	json_object_set_new(o, "devices", json_integer((json_int_t)s->devices));
	json_object_set_new(o, "last_seen", time_json(s->newest_sighting));
	return o;
}

void api_route_sites(struct api *a, const struct api_params *p, struct api_resp *r)
{
	struct fleet_sensor *sensors = NULL;
	struct fleet_site *sites = NULL;
	size_t n_sensors = 0, n_sites = 0, k = 0;
	json_t *list, *out;
	char err[API_WARNING_LEN];
	int rc;

	if (api_params_allow(p, NULL, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		return;
	}
	if (!api_fleet(a)) {
		api_error(r, 404, "not_found",
			  "this server reads one sensor's database (--db), which has no sites; /api/v1/sites answers "
			  "under herkomst serve --pg");
		return;
	}
	rc = api_sensors_read(a, NULL, &sensors, &n_sensors, &sites, &n_sites, err, sizeof(err));
	if (rc < 0) {
		view_error(r, rc, err);
		return;
	}
	list = json_array();
	/* both lists are in site order (byte order): one walk pairs them */
	for (size_t i = 0; i < n_sites; i++) {
		json_t *o = json_object(), *ss = json_array();
		while (k < n_sensors && strcmp(sensors[k].site, sites[i].site) < 0)
			k++;
		for (; k < n_sensors && strcmp(sensors[k].site, sites[i].site) == 0; k++)
			json_array_append_new(ss, sensor_json(&sensors[k]));
		json_object_set_new(o, "site", text_json(sites[i].site));
		json_object_set_new(o, "devices", json_integer((json_int_t)sites[i].devices));
		json_object_set_new(o, "last_shipment", time_json(sites[i].last_shipment));
		json_object_set_new(o, "sensors", ss);
		json_array_append_new(list, o);
	}
	free(sensors);
	free(sites);
	out = json_object();
	json_object_set_new(out, "sites", list);
	api_json(r, 200, out);
}

/* --- /metrics (Prometheus text exposition format 0.0.4) --------------------------- */

static void metric_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP herkomst_%s %s\n# TYPE herkomst_%s %s\n", name, help, name, type);
}

static void metric(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
	metric_head(f, name, type, help);
	fprintf(f, "herkomst_%s %" PRIu64 "\n", name, v);
}

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* One sample of a per-interface metric: name{interface="IF"[,where="W"]} value. */
static void iface_sample(FILE *f, const char *name, const char *iface, const char *where, uint64_t v)
{
	fprintf(f, "herkomst_%s{interface=", name);
	label_value(f, iface);
	if (where)
		fprintf(f, ",where=\"%s\"", where);
	fprintf(f, "} %" PRIu64 "\n", v);
}

static void daemon_metrics(FILE *f, const struct api_metrics *m)
{
	static const char *const results[4] = {"ok", "nomatch", "truncated", "malformed"};

	metric(f, "packets_total", "counter", "Frames read from the capture sources.", m->packets);
	metric(f, "bytes_total", "counter", "Bytes (wire length) of the frames read.", m->bytes);
	metric_head(f, "drops_total", "counter", "Frames lost before herkomst saw them, by where.");
	fprintf(f, "herkomst_drops_total{where=\"kernel\"} %" PRIu64 "\n", m->drops_kernel);
	fprintf(f, "herkomst_drops_total{where=\"ring\"} %" PRIu64 "\n", m->drops_ring);
	fprintf(f, "herkomst_drops_total{where=\"interface\"} %" PRIu64 "\n", m->drops_if);
	metric(f, "ring_freezes_total", "counter",
	       "Times every block of a capture ring was full and the kernel stopped filling it (it drops meanwhile).",
	       m->ring_freezes);
	if (m->n_ifaces) {
		/* the same per interface (all of its capture sockets summed) */
		metric_head(f, "interface_received_total", "counter",
			    "Frames the capture filter passed on an interface, those dropped in the kernel included.");
		for (size_t i = 0; i < m->n_ifaces && i < API_METRICS_IFACES_MAX; i++)
			iface_sample(f, "interface_received_total", m->ifaces[i].name, NULL, m->ifaces[i].received);
		metric_head(f, "interface_drops_total", "counter",
			    "Frames lost on an interface before herkomst saw them, by where.");
		for (size_t i = 0; i < m->n_ifaces && i < API_METRICS_IFACES_MAX; i++) {
			iface_sample(f, "interface_drops_total", m->ifaces[i].name, "kernel", m->ifaces[i].drops_kernel);
			iface_sample(f, "interface_drops_total", m->ifaces[i].name, "interface", m->ifaces[i].drops_if);
		}
		metric_head(f, "interface_ring_freezes_total", "counter",
			    "Times every block of an interface's capture ring was full.");
		for (size_t i = 0; i < m->n_ifaces && i < API_METRICS_IFACES_MAX; i++)
			iface_sample(f, "interface_ring_freezes_total", m->ifaces[i].name, NULL, m->ifaces[i].ring_freezes);
	}
	metric(f, "flows_active", "gauge", "Flows in the flow table.", m->flows_active);
	metric(f, "flows_created_total", "counter", "Flows created.", m->flows_created);
	metric(f, "flows_evicted_total", "counter", "Flows evicted because the table was full.", m->flows_evicted);
	metric(f, "flows_expired_total", "counter", "Flows ended by idle time.", m->flows_expired);
	metric(f, "devices", "gauge", "Devices in the inventory.", m->devices);
	metric_head(f, "parser_results_total", "counter", "Protocol parser calls by parser and result.");
	for (size_t i = 0; i < m->n_parsers && i < 64; i++) {
		for (int k = 0; k < 4; k++) {
			fputs("herkomst_parser_results_total{parser=", f);
			label_value(f, m->parser_names[i] ? m->parser_names[i] : "?");
			fprintf(f, ",result=\"%s\"} %" PRIu64 "\n", results[k], m->parser_results[i][k]);
		}
	}
	metric(f, "observations_dropped_total", "counter", "Observations dropped at the per-packet limit.",
	       m->observations_dropped);
	metric(f, "flushes_total", "counter", "Inventory flushes into the database.", m->flushes);
	metric(f, "flush_errors_total", "counter", "Inventory flushes that failed.", m->flush_errors);
	if (m->central) {
		metric(f, "central_up", "gauge", "1 when the last round of shipping to the central PostgreSQL worked.",
		       m->central_up);
		metric(f, "central_backlog_devices", "gauge",
		       "Devices changed since the last shipment to the central PostgreSQL (kept in the sensor's "
		       "database; at most one per device).",
		       m->central_backlog);
		metric(f, "central_shipped_rows_total", "counter",
		       "Rows the central PostgreSQL took (inserted, updated, deleted); an unchanged row is not written.",
		       m->central_shipped_rows);
		metric(f, "central_errors_total", "counter", "Rounds of shipping to the central PostgreSQL that failed.",
		       m->central_errors);
		if (m->central_last_success_usec) {
			metric_head(f, "central_last_success_seconds", "gauge",
				    "When a shipment to the central PostgreSQL last succeeded, in seconds since the epoch.");
			fprintf(f, "herkomst_central_last_success_seconds %" PRIu64 "\n",
				m->central_last_success_usec / 1000000u);
		}
	}
	if (m->started_usec) {
		metric_head(f, "start_time_seconds", "gauge", "When the daemon started, in seconds since the epoch.");
		fprintf(f, "herkomst_start_time_seconds %" PRIu64 "\n", m->started_usec / 1000000u);
	}
}

/* The fleet: how many sensors, and when each last shipped (an alert on a
 * silent sensor is `time() - herkomst_fleet_last_shipment_seconds > ...`). */
static void fleet_metrics(struct api *a, FILE *f, const struct api_counts *c)
{
	struct fleet_load_stats dropped;
	struct fleet_sensor *s = NULL;
	size_t n = 0;
	char err[API_WARNING_LEN];

	pthread_mutex_lock(&a->mlock);
	dropped = a->fleet_dropped;
	pthread_mutex_unlock(&a->mlock);
	metric_head(f, "fleet_dropped_total", "counter",
		    "What answers left out of the central database's devices, by what (limits in docs/fleet.md).");
	fprintf(f, "herkomst_fleet_dropped_total{what=\"evidence\"} %" PRIu64 "\n", dropped.evidence_dropped);
	fprintf(f, "herkomst_fleet_dropped_total{what=\"sightings\"} %" PRIu64 "\n", dropped.sightings_dropped);
	fprintf(f, "herkomst_fleet_dropped_total{what=\"truncated\"} %" PRIu64 "\n", dropped.fields_truncated);

	metric(f, "fleet_sites", "gauge", "Sites in the fleet's central database.", (uint64_t)c->sites);
	metric(f, "fleet_sensors", "gauge", "Sensors that have shipped to the central database.", (uint64_t)c->sensors);
	if (api_sensors_read(a, NULL, &s, &n, NULL, NULL, err, sizeof(err)) < 0)
		return;
	metric_head(f, "fleet_last_shipment_seconds", "gauge",
		    "When each sensor last shipped, in seconds since the epoch.");
	for (size_t i = 0; i < n; i++) {
		fputs("herkomst_fleet_last_shipment_seconds{site=", f);
		label_value(f, s[i].site);
		fputs(",sensor=", f);
		label_value(f, s[i].sensor);
		fprintf(f, "} %" PRIu64 "\n", s[i].last_seen / 1000000u);
	}
	metric_head(f, "fleet_sensor_devices", "gauge", "Devices each sensor has shipped.");
	for (size_t i = 0; i < n; i++) {
		fputs("herkomst_fleet_sensor_devices{site=", f);
		label_value(f, s[i].site);
		fputs(",sensor=", f);
		label_value(f, s[i].sensor);
		fprintf(f, "} %" PRIu64 "\n", s[i].devices);
	}
	free(s);
}

void api_route_metrics(struct api *a, const struct api_params *p, struct api_resp *r)
{
	static const char *const classes[6] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
	struct api_metrics m;
	struct api_counts c;
	uint64_t requests[6];
	bool have, db_ok;
	char err[API_WARNING_LEN], *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (api_params_allow(p, NULL, err, sizeof(err)) < 0) {
		api_error(r, 400, "bad_parameter", "%s", err);
		return;
	}
	pthread_mutex_lock(&a->mlock);
	m = a->m;
	have = a->have_metrics;
	memcpy(requests, a->requests, sizeof(requests));
	pthread_mutex_unlock(&a->mlock);
	db_ok = api_counts_read(a, &c, err, sizeof(err)) == 0;

	f = open_memstream(&buf, &len);
	if (!f) {
		api_error(r, 500, "internal", "out of memory");
		return;
	}
	metric_head(f, "build_info", "gauge", "The herkomst version answering.");
	fprintf(f, "herkomst_build_info{version=\"%s\"} 1\n", HK_VERSION);
	metric(f, "database_up", "gauge", "1 when the database could be read for this scrape.", db_ok);
	if (have) {
		daemon_metrics(f, &m);
	} else if (db_ok && api_fleet(a)) {
		metric(f, "devices", "gauge", "Devices in the fleet's central database.", (uint64_t)c.devices);
	} else if (db_ok) {
		/* herkomst serve alone: what the database knows */
		metric(f, "packets_total", "counter", "Frames read from the captures in the database.", c.packets);
		metric(f, "bytes_total", "counter", "Bytes (wire length) of the frames in the database's captures.",
		       c.bytes);
		metric(f, "devices", "gauge", "Devices in the inventory.", (uint64_t)c.devices);
	}
	if (db_ok && !api_fleet(a))
		metric(f, "captures", "gauge", "Captures recorded in the database.", (uint64_t)c.captures);
	if (db_ok && api_fleet(a))
		fleet_metrics(a, f, &c);
	metric_head(f, "api_requests_total", "counter", "API requests answered, by status class.");
	for (int i = 1; i < 6; i++)
		fprintf(f, "herkomst_api_requests_total{code=\"%s\"} %" PRIu64 "\n", classes[i], requests[i]);
	if (fclose(f) != 0 || !buf) {
		free(buf);
		api_error(r, 500, "internal", "out of memory");
		return;
	}
	r->status = 200;
	r->body = buf;
	r->len = len;
	r->type = "text/plain; version=0.0.4; charset=utf-8";
}
