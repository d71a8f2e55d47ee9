/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "report/output.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "fleet/seen.h"
#include "hk_config.h"

#define OUT_TABLE_PROTOS_MAX 4

int out_format_parse(const char *s, enum out_format *ret)
{
	if (strcmp(s, "table") == 0)
		*ret = OUT_TABLE;
	else if (strcmp(s, "json") == 0)
		*ret = OUT_JSON;
	else if (strcmp(s, "csv") == 0)
		*ret = OUT_CSV;
	else
		return -EINVAL;
	return 0;
}

/* --- views of a device derived from its evidence ------------------------ */

struct strlist {
	const char **v;
	size_t n, cap;
};

static void strlist_add_unique(struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return;
	if (hk_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)) == 0)
		l->v[l->n++] = s;
}

static int ip_str_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	struct hk_addr x, y;
	if (hk_addr_parse(a, &x) && hk_addr_parse(b, &y))
		return hk_addr_cmp(&x, &y);
	return strcmp(a, b);
}

static int str_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Distinct values of one attribute; sorted as addresses for "ip". */
static void values_of(const struct hk_device *d, const char *attr, struct strlist *out)
{
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, attr) == 0)
			strlist_add_unique(out, d->ev[i].value);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), strcmp(attr, HK_A_IP) == 0 ? ip_str_cmp : str_cmp);
}

/* "tcp/502/Modbus" → parts; false when the value is not of that shape. */
static bool service_split(const char *v, char *l4, size_t l4sz, unsigned *port, const char **proto)
{
	const char *a = strchr(v, '/'), *b;
	char *end;
	unsigned long p;
	if (!a)
		return false;
	b = strchr(a + 1, '/');
	if (!b)
		return false;
	p = strtoul(a + 1, &end, 10);
	if (end != b || p > 65535)
		return false;
	snprintf(l4, l4sz, "%.*s", (int)(a - v), v);
	*port = (unsigned)p;
	*proto = b + 1;
	return true;
}

static void protocols_of(const struct hk_device *d, struct strlist *all)
{
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		char l4[8];
		unsigned port;
		const char *proto;
		if (strcmp(e->attribute, HK_A_CLIENT) == 0)
			strlist_add_unique(all, e->value);
		else if (strcmp(e->attribute, HK_A_SERVICE) == 0 &&
			 service_split(e->value, l4, sizeof(l4), &port, &proto) && strcmp(proto, "Unknown") != 0)
			strlist_add_unique(all, proto);
	}
	for (size_t i = 0; i < all->n; i++)
		if (strcmp(all->v[i], "Unknown") == 0) {
			all->v[i] = all->v[--all->n];
			break;
		}
	if (all->n > 1)
		qsort(all->v, all->n, sizeof(*all->v), str_cmp);
}

static const char *best(const struct hk_device *d, const char *attr)
{
	const struct hk_evidence *e = hk_device_best(d, attr);
	return e ? e->value : NULL;
}

static const char *oui_state_name(enum hk_oui_state s)
{
	switch (s) {
	case HK_OUI_REGISTERED:
		return "registered";
	case HK_OUI_LOCAL:
		return "locally administered";
	case HK_OUI_UNREGISTERED:
		return "unregistered";
	default:
		return "none";
	}
}

/* --- JSON ----------------------------------------------------------------- */

static json_t *jstr_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *jtime(uint64_t ts)
{
	char buf[HK_TIME_STRLEN];
	return ts ? json_string(hk_time_fmt(ts, buf)) : json_null();
}

static json_t *jlist(const struct strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

/* Distinct names of the sightings (site or sensor), sorted. */
static json_t *fleet_names(const struct hk_fleet *fl, bool site)
{
	json_t *a = json_array();
	const char **v = calloc(fl->n_sightings ? fl->n_sightings : 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return a;
	for (size_t i = 0; i < fl->n_sightings; i++)
		v[n++] = site ? fl->sighting[i].site : fl->sighting[i].sensor;
	if (n > 1)
		qsort(v, n, sizeof(*v), str_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			json_array_append_new(a, json_string(v[i]));
	free(v);
	return a;
}

/* Fleet mode only (d->fleet): where the device was seen. "sites" and
 * "sensors" name every one that saw it; "sightings" are the ones its facts
 * come from (all of them, or those a site/sensor filter kept). */
static void fleet_json(json_t *o, const struct hk_device *d)
{
	const struct hk_fleet *fl = d->fleet;
	json_t *sg = json_array();

	json_object_set_new(o, "scope", jstr_or_null(fl->scope));
	json_object_set_new(o, "sites", fleet_names(fl, true));
	json_object_set_new(o, "sensors", fleet_names(fl, false));
	for (size_t i = 0; i < fl->n_sightings; i++) {
		const struct fleet_sighting *s = &fl->sighting[i];
		json_t *x;
		if (!s->used)
			continue;
		x = json_object();
		json_object_set_new(x, "sensor", json_string(s->sensor));
		json_object_set_new(x, "site", json_string(s->site));
		json_object_set_new(x, "first_seen", jtime(s->first_seen));
		json_object_set_new(x, "last_seen", jtime(s->last_seen));
		json_object_set_new(x, "packets", json_integer((json_int_t)s->packets));
		json_object_set_new(x, "bytes", json_integer((json_int_t)s->bytes));
		json_object_set_new(x, "shipped_at", jtime(s->shipped_at));
		json_array_append_new(sg, x);
	}
	json_object_set_new(o, "sightings", sg);
}

json_t *out_device_json(const struct hk_device *d)
{
	json_t *o = json_object(), *ev = json_array(), *svc = json_array(), *cli;
	struct strlist ips = {0}, names = {0}, protos = {0}, clients = {0}, vlans = {0};
	char mac[HK_MAC_STRLEN];

	values_of(d, HK_A_IP, &ips);
	values_of(d, HK_A_HOSTNAME, &names);
	values_of(d, HK_A_CLIENT, &clients);
	values_of(d, HK_A_VLAN, &vlans);
	protocols_of(d, &protos);

	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "mac", d->has_mac ? json_string(hk_mac_fmt(d->mac, mac)) : json_null());
	json_object_set_new(o, "mac_local", json_boolean(d->has_mac && hk_mac_is_local(d->mac)));
	json_object_set_new(o, "ips", jlist(&ips));
	json_object_set_new(o, "hostnames", jlist(&names));
	if (d->oui_state == HK_OUI_REGISTERED) {
		json_t *oui = json_object();
		json_object_set_new(oui, "prefix", jstr_or_null(d->oui_prefix));
		json_object_set_new(oui, "registry", jstr_or_null(d->oui_registry));
		json_object_set_new(oui, "registrant", jstr_or_null(d->oui_registrant));
		json_object_set_new(oui, "country", jstr_or_null(d->oui_country));
		json_object_set_new(o, "oui", oui);
	} else {
		json_object_set_new(o, "oui", json_null());
	}
	json_object_set_new(o, "oui_status", json_string(oui_state_name(d->oui_state)));
	json_object_set_new(o, "manufacturer", jstr_or_null(best(d, HK_A_MANUFACTURER)));
	json_object_set_new(o, "product", jstr_or_null(best(d, HK_A_PRODUCT)));
	json_object_set_new(o, "model", jstr_or_null(best(d, HK_A_MODEL)));
	json_object_set_new(o, "firmware", jstr_or_null(best(d, HK_A_FIRMWARE)));
	json_object_set_new(o, "serial", jstr_or_null(best(d, HK_A_SERIAL)));
	json_object_set_new(o, "os", jstr_or_null(best(d, HK_A_OS)));
	json_object_set_new(o, "role", jstr_or_null(best(d, HK_A_ROLE)));
	json_object_set_new(o, "via", jstr_or_null(d->via_mac));
	json_object_set_new(o, "vlans", jlist(&vlans));
	json_object_set_new(o, "protocols", jlist(&protos));
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		char l4[8];
		unsigned port;
		const char *proto;
		json_t *s;
		if (strcmp(e->attribute, HK_A_SERVICE) != 0 || !service_split(e->value, l4, sizeof(l4), &port, &proto))
			continue;
		s = json_object();
		json_object_set_new(s, "transport", json_string(l4));
		json_object_set_new(s, "port", json_integer(port));
		json_object_set_new(s, "protocol", json_string(proto));
		json_array_append_new(svc, s);
	}
	json_object_set_new(o, "services", svc);
	cli = jlist(&clients);
	json_object_set_new(o, "client_protocols", cli);
	json_object_set_new(o, "first_seen", jtime(d->first_seen));
	json_object_set_new(o, "last_seen", jtime(d->last_seen));
	json_object_set_new(o, "packets", json_integer((json_int_t)d->packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)d->bytes));
	if (d->fleet)
		fleet_json(o, d);
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		json_t *x = json_object();
		json_object_set_new(x, "attribute", json_string(e->attribute));
		json_object_set_new(x, "value", json_string(e->value));
		json_object_set_new(x, "source", json_string(e->source));
		json_object_set_new(x, "confidence", json_integer(e->confidence));
		json_object_set_new(x, "count", json_integer((json_int_t)e->count));
		json_object_set_new(x, "first_seen", jtime(e->first_seen));
		json_object_set_new(x, "last_seen", jtime(e->last_seen));
		json_array_append_new(ev, x);
	}
	json_object_set_new(o, "evidence", ev);
	free(ips.v);
	free(names.v);
	free(protos.v);
	free(clients.v);
	free(vlans.v);
	return o;
}

/* --- the assessment ------------------------------------------------------- */

const char *out_flag_text(const struct assess_result *r, char *buf, size_t sz)
{
	const struct assess_criterion *c[4] = {&r->c1, &r->c2, &r->c3a, &r->c3b};
	static const char *const names[4] = {"1", "2", "3A", "3B"};
	size_t used;

	switch (r->verdict) {
	case ASSESS_FLAGGED:
		snprintf(buf, sz, "FLAGGED");
		return buf;
	case ASSESS_CLEAR:
		snprintf(buf, sz, "-");
		return buf;
	case ASSESS_PARTIAL:
		break;
	default:
		snprintf(buf, sz, "?");
		return buf;
	}
	used = (size_t)snprintf(buf, sz, "partial:");
	for (int i = 0, k = 0; i < 4 && used < sz; i++) {
		if (!c[i]->holds)
			continue;
		used += (size_t)snprintf(buf + used, sz - used, "%s%s", k++ ? "," : "", names[i]);
	}
	return buf;
}

static json_t *criterion_json(const struct assess_criterion *c)
{
	json_t *o = json_object(), *ev = json_array();
	json_object_set_new(o, "holds", json_boolean(c->holds));
	for (size_t i = 0; i < c->n_why && i < ASSESS_WHY_MAX; i++)
		json_array_append_new(ev, json_string(c->why[i]));
	json_object_set_new(o, "evidence", ev);
	return o;
}

static json_t *origin_json(const struct assess_result *r)
{
	json_t *o;
	if (!r->origin_known)
		return json_null();
	o = json_object();
	json_object_set_new(o, "manufacturer", jstr_or_null(r->manufacturer));
	json_object_set_new(o, "manufacturer_source", jstr_or_null(r->manufacturer_source));
	json_object_set_new(o, "company", jstr_or_null(r->company));
	json_object_set_new(o, "company_id", jstr_or_null(r->company_id));
	json_object_set_new(o, "controller", jstr_or_null(r->controller));
	json_object_set_new(o, "control_country", jstr_or_null(r->control_country));
	json_object_set_new(o, "weak", json_boolean(r->origin_weak));
	json_object_set_new(o, "hq_country", jstr_or_null(r->hq_country));
	json_object_set_new(o, "state", jstr_or_null(r->state));
	json_object_set_new(o, "state_share", r->state_share >= 0 ? json_real(r->state_share) : json_null());
	json_object_set_new(o, "as_of", jstr_or_null(r->as_of));
	json_object_set_new(o, "basis", jstr_or_null(r->basis));
	return o;
}

static json_t *annotations_json(const struct store_annotation *a, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "value", json_string(a[i].value));
		if (strcmp(a[i].kind, "mitigation") == 0)
			json_object_set_new(x, "sufficient", json_boolean(a[i].sufficient));
		json_object_set_new(x, "created_at", jtime(a[i].created_at));
		json_object_set_new(o, a[i].kind, x);
	}
	return o;
}

void out_device_json_assessed(json_t *o, const struct out_assessed *a)
{
	const struct assess_result *r = a ? a->res : NULL;
	json_t *crit;

	if (!r)
		return;
	crit = json_object();
	json_object_set_new(crit, "1", criterion_json(&r->c1));
	json_object_set_new(crit, "2", criterion_json(&r->c2));
	json_object_set_new(crit, "3A", criterion_json(&r->c3a));
	json_object_set_new(crit, "3B", criterion_json(&r->c3b));
	json_object_set_new(o, "origin", origin_json(r));
	json_object_set_new(o, "criteria", crit);
	json_object_set_new(o, "verdict", json_string(assess_verdict_name(r->verdict)));
	json_object_set_new(o, "flagged", json_boolean(r->verdict == ASSESS_FLAGGED));
	json_object_set_new(o, "annotations", annotations_json(a->ann, a->n_ann));
}

struct verdict_counts {
	size_t n[4]; /* by enum assess_verdict */
	size_t mitigated; /* 1, 2 and 3A hold, a sufficient mitigation is recorded */
};

static void count_verdicts(const struct out_assessment *as, size_t n, struct verdict_counts *vc)
{
	memset(vc, 0, sizeof(*vc));
	for (size_t i = 0; i < n; i++) {
		const struct assess_result *r = as->dev[i].res;
		if (!r)
			continue;
		if ((unsigned)r->verdict < 4)
			vc->n[r->verdict]++;
		if (r->verdict == ASSESS_PARTIAL && r->c1.holds && r->c2.holds && r->c3a.holds)
			vc->mitigated++;
	}
}

static json_t *assessment_json(const struct out_assessment *as, size_t n)
{
	struct verdict_counts vc;
	json_t *o = json_object();

	count_verdicts(as, n, &vc);
	json_object_set_new(o, "devices", json_integer((json_int_t)n));
	json_object_set_new(o, "flagged", json_integer((json_int_t)vc.n[ASSESS_FLAGGED]));
	json_object_set_new(o, "partial", json_integer((json_int_t)vc.n[ASSESS_PARTIAL]));
	json_object_set_new(o, "clear", json_integer((json_int_t)vc.n[ASSESS_CLEAR]));
	json_object_set_new(o, "unknown", json_integer((json_int_t)vc.n[ASSESS_UNKNOWN]));
	json_object_set_new(o, "mitigated", json_integer((json_int_t)vc.mitigated));
	json_object_set_new(o, "geoip", jstr_or_null(as->geoip_source));
	return o;
}

static json_t *policy_json(const struct out_assessment *as)
{
	json_t *o;
	if (!as->policy_path)
		return json_null();
	o = json_object();
	json_object_set_new(o, "name", jstr_or_null(as->policy_name));
	json_object_set_new(o, "as_of", jstr_or_null(as->policy_as_of));
	json_object_set_new(o, "path", jstr_or_null(as->policy_path));
	return o;
}

static json_t *capture_json(const struct store_capture *c)
{
	json_t *o = json_object();
	const char *base = strrchr(c->path, '/');
	json_object_set_new(o, "file", json_string(base ? base + 1 : c->path));
	json_object_set_new(o, "path", json_string(c->path));
	json_object_set_new(o, "format", jstr_or_null(c->format));
	json_object_set_new(o, "linktype", jstr_or_null(c->linktype));
	json_object_set_new(o, "size", c->size >= 0 ? json_integer(c->size) : json_null());
	json_object_set_new(o, "packets", json_integer((json_int_t)c->packets));
	json_object_set_new(o, "bytes", json_integer((json_int_t)c->bytes));
	json_object_set_new(o, "first_seen", jtime(c->first_seen));
	json_object_set_new(o, "last_seen", jtime(c->last_seen));
	json_object_set_new(o, "truncated", json_boolean(c->truncated));
	return o;
}

static void csv_field(FILE *f, const char *s, bool last);

json_t *out_unknown_json(const struct unknown_fp *u, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "source", json_string(u[i].source));
		json_object_set_new(o, "value", json_string(u[i].value));
		json_object_set_new(o, "count", json_integer((json_int_t)u[i].count));
		json_object_set_new(o, "devices", json_integer((json_int_t)u[i].devices));
		json_object_set_new(o, "example_device", json_integer(u[i].example_device));
		json_object_set_new(o, "first_seen", jtime(u[i].first_seen));
		json_object_set_new(o, "last_seen", jtime(u[i].last_seen));
		json_array_append_new(a, o);
	}
	return a;
}

int out_unknown_write(FILE *f, enum out_format fmt, const struct unknown_fp *u, size_t n)
{
	if (fmt == OUT_JSON) {
		json_t *a = out_unknown_json(u, n);
		int rc = json_dumpf(a, f, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		fputc('\n', f);
		json_decref(a);
		return rc == 0 ? 0 : -EIO;
	}
	if (fmt == OUT_CSV) {
		char buf[32];
		csv_field(f, "source", false);
		csv_field(f, "value", false);
		csv_field(f, "devices", false);
		csv_field(f, "count", false);
		csv_field(f, "example_device", true);
		for (size_t i = 0; i < n; i++) {
			csv_field(f, u[i].source, false);
			csv_field(f, u[i].value, false);
			snprintf(buf, sizeof(buf), "%" PRIu64, u[i].devices);
			csv_field(f, buf, false);
			snprintf(buf, sizeof(buf), "%" PRIu64, u[i].count);
			csv_field(f, buf, false);
			snprintf(buf, sizeof(buf), "%" PRId64, u[i].example_device);
			csv_field(f, buf, true);
		}
		return ferror(f) ? -EIO : 0;
	}
	fprintf(f, "%7s %8s  %-22s  %s\n", "DEVICES", "COUNT", "SOURCE", "VALUE");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%7" PRIu64 " %8" PRIu64 "  %-22s  %s\n", u[i].devices, u[i].count, u[i].source,
			u[i].value);
	fprintf(f, "\n%zu fingerprints and banners no signature knows; docs/signatures.md says how to add one\n", n);
	return ferror(f) ? -EIO : 0;
}

json_t *out_json(const struct hk_device *devs, size_t n, const struct store_capture *caps, size_t n_caps,
		 const struct out_run *run, const struct unknown_fp *unknown, size_t n_unknown,
		 const struct out_assessment *as)
{
	json_t *root = json_object(), *jc = json_array(), *jd = json_array();

	json_object_set_new(root, "herkomst", json_string(HK_VERSION));
	for (size_t i = 0; i < n_caps; i++)
		json_array_append_new(jc, capture_json(&caps[i]));
	json_object_set_new(root, "captures", jc);
	if (run) {
		json_t *r = json_object(), *ev = json_object();
		json_object_set_new(r, "packets", json_integer((json_int_t)run->packets));
		json_object_set_new(r, "bytes", json_integer((json_int_t)run->bytes));
		json_object_set_new(r, "flows", json_integer((json_int_t)run->flows));
		json_object_set_new(r, "flows_expired", json_integer((json_int_t)run->flows_expired));
		json_object_set_new(r, "flows_evicted", json_integer((json_int_t)run->flows_evicted));
		for (size_t i = 0; i < run->n_decode_events; i++)
			if (run->decode_events[i])
				json_object_set_new(ev, run->decode_event_names[i],
						    json_integer((json_int_t)run->decode_events[i]));
		json_object_set_new(r, "decode_events", ev);
		{
			json_t *ps = json_object();
			static const char *const rn[4] = {"ok", "nomatch", "truncated", "malformed"};
			for (size_t i = 0; i < run->n_parsers; i++) {
				json_t *one = json_object();
				uint64_t sum = 0;
				for (int k = 0; k < 4; k++) {
					sum += run->parser_results[i][k];
					if (run->parser_results[i][k])
						json_object_set_new(one, rn[k],
								    json_integer((json_int_t)run->parser_results[i][k]));
				}
				if (sum)
					json_object_set_new(ps, run->parser_names[i], one);
				else
					json_decref(one);
			}
			json_object_set_new(r, "parsers", ps);
		}
		json_object_set_new(r, "stream_gaps", json_integer((json_int_t)run->stream_gaps));
		json_object_set_new(r, "observations_dropped", json_integer((json_int_t)run->obs_dropped));
		json_object_set_new(root, "run", r);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = out_device_json(&devs[i]);
		if (as)
			out_device_json_assessed(o, &as->dev[i]);
		json_array_append_new(jd, o);
	}
	json_object_set_new(root, "devices", jd);
	json_object_set_new(root, "unknown", out_unknown_json(unknown, n_unknown));
	if (as) {
		json_object_set_new(root, "policy", policy_json(as));
		json_object_set_new(root, "assessment", assessment_json(as, n));
	}
	return root;
}

int out_json_dump(FILE *f, json_t *root)
{
	int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	fputc('\n', f);
	json_decref(root);
	return rc == 0 ? 0 : -EIO;
}

/*
 * analyze's JSON, streamed: the same bytes json_dumpf gives for out_json()'s
 * tree, but the devices are built, rendered and freed one at a time, and
 * jansson renders into a buffer that is written in large blocks. The whole
 * tree took ~10 MB and a tenth of the run time for the 850 devices of the
 * mixed bench capture (docs/performance.md). A value rendered on its own
 * starts at depth 0: each of its line breaks gets the indent of the depth it
 * really sits at.
 */
#define JOUT_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_ENCODE_ANY)
#define JOUT_FLUSH (64u * 1024u) /* bytes buffered before a write */

struct jout {
	FILE *f;
	char *buf;
	size_t len, cap;
	unsigned indent; /* spaces after each line break of the value being rendered */
	bool failed;
};

static int jout_raw(struct jout *o, const char *s, size_t n)
{
	if (o->failed)
		return -1;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 2 * JOUT_FLUSH;
		char *b;
		while (cap < o->len + n)
			cap *= 2;
		b = realloc(o->buf, cap);
		if (!b) {
			o->failed = true;
			return -1;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	return 0;
}

static int jout_str(struct jout *o, const char *s)
{
	return jout_raw(o, s, strlen(s));
}

static int jout_flush(struct jout *o)
{
	if (!o->failed && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = true;
	o->len = 0;
	return o->failed ? -1 : 0;
}

/* jansson's output callback: its line breaks come with the indent of depth 0 */
static int jout_put(const char *s, size_t n, void *data)
{
	static const char spaces[] = "                ";
	struct jout *o = data;

	/* jansson hands over most tokens, and every line break, on their own */
	if (n == 1)
		return jout_raw(o, s, 1) < 0 || (*s == '\n' && jout_raw(o, spaces, o->indent) < 0) ? -1 : 0;
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;
		if (jout_raw(o, s, k) < 0 || (nl && jout_raw(o, spaces, o->indent) < 0))
			return -1;
		s += k;
		n -= k;
	}
	return 0;
}

/* Renders v (then freed) as a value at the given depth of the document. */
static int jout_value(struct jout *o, json_t *v, unsigned depth)
{
	int rc;

	o->indent = 2 * depth;
	rc = json_dump_callback(v, jout_put, o, JOUT_FLAGS);
	json_decref(v);
	if (rc < 0)
		o->failed = true;
	/* a piece rendered on a thread (no file) is written whole by the writer */
	return o->f && o->len >= JOUT_FLUSH ? jout_flush(o) : (o->failed ? -1 : 0);
}

/* Devices [from, to) of the "devices" array, each after its separator. */
static void jout_devices(struct jout *o, const struct hk_device *devs, size_t from, size_t to,
			 const struct out_assessment *as)
{
	for (size_t i = from; i < to && !o->failed; i++) {
		json_t *d = out_device_json(&devs[i]);
		if (!d) {
			o->failed = true;
			break;
		}
		if (as)
			out_device_json_assessed(d, &as->dev[i]);
		jout_str(o, i ? ",\n    " : "\n    ");
		jout_value(o, d, 2);
	}
}

/*
 * With threads, the devices are built and rendered (the larger part of the
 * output's work, and independent per device) in pieces of JOUT_PIECE
 * devices by the threads, while the calling thread writes the pieces in
 * order. A thread renders at most JOUT_AHEAD pieces ahead of the writer, so
 * the memory held stays a few pieces per thread, not the whole document.
 * The bytes are those of the single-threaded loop.
 */
#define JOUT_PIECE 64
#define JOUT_AHEAD 4
#define JOUT_THREADS_MAX 64

struct jpiece {
	struct jout o;
	bool done;
};

struct jpar {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct hk_device *devs;
	size_t n;
	const struct out_assessment *as;
	size_t n_pieces, next, written; /* pieces: all, the next to render, written */
	struct jpiece *slot;
	size_t n_slots;
	bool stop;
};

static void *jpar_main(void *arg)
{
	struct jpar *p = arg;

	pthread_setname_np(pthread_self(), "hk-json");
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct jpiece *s;
		size_t k, from, to;

		while (!p->stop && p->next < p->n_pieces && p->next >= p->written + p->n_slots)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || p->next >= p->n_pieces)
			break;
		k = p->next++;
		s = &p->slot[k % p->n_slots];
		pthread_mutex_unlock(&p->mu);
		from = k * JOUT_PIECE;
		to = from + JOUT_PIECE < p->n ? from + JOUT_PIECE : p->n;
		s->o.len = 0;
		jout_devices(&s->o, p->devs, from, to, p->as);
		pthread_mutex_lock(&p->mu);
		s->done = true;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Returns false when no thread could be started (nothing written then). */
static bool jout_devices_threads(struct jout *o, const struct hk_device *devs, size_t n,
				 const struct out_assessment *as, unsigned threads)
{
	pthread_t tid[JOUT_THREADS_MAX];
	struct jpar p = {.devs = devs, .n = n, .as = as};
	size_t n_tid = 0;

	if (threads > JOUT_THREADS_MAX)
		threads = JOUT_THREADS_MAX;
	p.n_pieces = (n + JOUT_PIECE - 1) / JOUT_PIECE;
	p.n_slots = (size_t)threads * JOUT_AHEAD;
	p.slot = calloc(p.n_slots, sizeof(*p.slot));
	if (!p.slot)
		return false;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	while (n_tid < threads && pthread_create(&tid[n_tid], NULL, jpar_main, &p) == 0)
		n_tid++;
	for (size_t k = 0; n_tid && k < p.n_pieces; k++) {
		struct jpiece *s = &p.slot[k % p.n_slots];

		pthread_mutex_lock(&p.mu);
		while (!s->done)
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
		if (s->o.failed)
			o->failed = true;
		else if (jout_flush(o) == 0 && s->o.len && fwrite(s->o.buf, 1, s->o.len, o->f) != s->o.len)
			o->failed = true;
		pthread_mutex_lock(&p.mu);
		s->done = false;
		p.written++;
		p.stop = o->failed;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		if (o->failed)
			break;
	}
	for (size_t i = 0; i < n_tid; i++)
		pthread_join(tid[i], NULL);
	for (size_t i = 0; i < p.n_slots; i++)
		free(p.slot[i].o.buf);
	free(p.slot);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return n_tid > 0;
}

static int write_json(FILE *f, const struct hk_device *devs, size_t n, const struct store_capture *caps,
		      size_t n_caps, const struct out_run *run, const struct unknown_fp *unknown,
		      size_t n_unknown, const struct out_assessment *as, unsigned threads)
{
	/* everything but the devices; the one member that counts them is redone */
	json_t *root = out_json(devs, 0, caps, n_caps, run, unknown, n_unknown, as);
	struct jout o = {.f = f};
	const char *key;
	json_t *value;
	bool first = true;

	if (as)
		json_object_set_new(root, "assessment", assessment_json(as, n));
	jout_str(&o, "{");
	json_object_foreach(root, key, value) {
		/* the keys are out_json()'s own: plain ASCII, nothing to escape */
		jout_str(&o, first ? "\n  \"" : ",\n  \"");
		jout_str(&o, key);
		jout_str(&o, "\": ");
		first = false;
		if (strcmp(key, "devices") != 0) {
			jout_value(&o, json_incref(value), 1);
			continue;
		}
		jout_str(&o, n ? "[" : "[]");
		if (threads < 2 || n < 2 * JOUT_PIECE || !jout_devices_threads(&o, devs, n, as, threads))
			jout_devices(&o, devs, 0, n, as);
		if (n)
			jout_str(&o, "\n  ]");
	}
	jout_str(&o, first ? "}\n" : "\n}\n");
	jout_flush(&o);
	json_decref(root);
	free(o.buf);
	return o.failed ? -EIO : 0;
}

/* --- CSV (RFC 4180) -------------------------------------------------------- */

static void csv_field(FILE *f, const char *s, bool last)
{
	bool quote = s && strpbrk(s, ",\"\r\n") != NULL;
	if (s) {
		if (quote) {
			fputc('"', f);
			for (const char *p = s; *p; p++) {
				if (*p == '"')
					fputc('"', f);
				fputc(*p, f);
			}
			fputc('"', f);
		} else {
			fputs(s, f);
		}
	}
	fputs(last ? "\r\n" : ",", f);
}

static void csv_list(FILE *f, const struct strlist *l, bool last)
{
	size_t len = 1;
	char *buf;
	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 1;
	buf = calloc(1, len);
	if (!buf) {
		csv_field(f, "", last);
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, l->v[i]);
	}
	csv_field(f, buf, last);
	free(buf);
}

static int write_csv(FILE *f, const struct hk_device *devs, size_t n, const struct out_assessment *as)
{
	static const char *const cols[] = {
		"id", "mac", "mac_local", "ips", "hostnames", "manufacturer", "model", "firmware",
		"serial", "role", "oui_prefix", "oui_registry", "oui_registrant", "oui_country",
		"oui_status", "via", "protocols", "first_seen", "last_seen", "packets", "bytes",
		"origin", "flag", /* only with an assessment */
	};
	size_t nc = sizeof(cols) / sizeof(cols[0]) - (as ? 0 : 2);

	for (size_t i = 0; i < nc; i++)
		csv_field(f, cols[i], i + 1 == nc);
	for (size_t i = 0; i < n; i++) {
		const struct hk_device *d = &devs[i];
		struct strlist ips = {0}, names = {0}, protos = {0};
		char buf[64], mac[HK_MAC_STRLEN], t1[HK_TIME_STRLEN], t2[HK_TIME_STRLEN];

		values_of(d, HK_A_IP, &ips);
		values_of(d, HK_A_HOSTNAME, &names);
		protocols_of(d, &protos);
		snprintf(buf, sizeof(buf), "%" PRId64, d->id);
		csv_field(f, buf, false);
		csv_field(f, d->has_mac ? hk_mac_fmt(d->mac, mac) : "", false);
		csv_field(f, d->has_mac && hk_mac_is_local(d->mac) ? "true" : "false", false);
		csv_list(f, &ips, false);
		csv_list(f, &names, false);
		csv_field(f, best(d, HK_A_MANUFACTURER), false);
		csv_field(f, best(d, HK_A_MODEL), false);
		csv_field(f, best(d, HK_A_FIRMWARE), false);
		csv_field(f, best(d, HK_A_SERIAL), false);
		csv_field(f, best(d, HK_A_ROLE), false);
		csv_field(f, d->oui_prefix, false);
		csv_field(f, d->oui_registry, false);
		csv_field(f, d->oui_registrant, false);
		csv_field(f, d->oui_country, false);
		csv_field(f, oui_state_name(d->oui_state), false);
		csv_field(f, d->via_mac, false);
		csv_list(f, &protos, false);
		csv_field(f, hk_time_fmt(d->first_seen, t1), false);
		csv_field(f, hk_time_fmt(d->last_seen, t2), false);
		snprintf(buf, sizeof(buf), "%" PRIu64, d->packets);
		csv_field(f, buf, false);
		snprintf(buf, sizeof(buf), "%" PRIu64, d->bytes);
		csv_field(f, buf, !as);
		if (as) {
			const struct assess_result *r = as->dev[i].res;
			char flag[32];
			csv_field(f, r && r->origin_known ? r->control_country : "?", false);
			csv_field(f, r ? out_flag_text(r, flag, sizeof(flag)) : "?", true);
		}
		free(ips.v);
		free(names.v);
		free(protos.v);
	}
	return ferror(f) ? -EIO : 0;
}

/* --- table ------------------------------------------------------------------ */

static void cut(char *dst, size_t dstsz, const char *s, size_t width)
{
	size_t n = strlen(s);
	if (width >= dstsz)
		width = dstsz - 1;
	if (n <= width) {
		snprintf(dst, dstsz, "%s", s);
		return;
	}
	snprintf(dst, dstsz, "%.*s~", (int)(width - 1), s);
}

static int write_table(FILE *f, const struct hk_device *devs, size_t n, const struct store_capture *caps,
		       size_t n_caps, const struct out_run *run, const struct out_assessment *as)
{
	size_t n_vendor = 0, n_local = 0, n_router = 0, n_iponly = 0, n_weak = 0;

	fprintf(f, "%4s  %-17s  %-22s  %-28s  %-2s  %-8s  %-26s  %9s", "ID", "MAC", "IP", "MANUFACTURER", "CC",
		"ROLE", "PROTOCOLS", "PACKETS");
	if (as)
		fprintf(f, "  %-6s  %s", "ORIGIN", "FLAG");
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		const struct hk_device *d = &devs[i];
		struct strlist ips = {0}, protos = {0};
		char mac[HK_MAC_STRLEN], ipcol[64], vend[64], protocol[128], pcol[64];
		const char *m = best(d, HK_A_MANUFACTURER), *role = best(d, HK_A_ROLE);

		values_of(d, HK_A_IP, &ips);
		protocols_of(d, &protos);
		if (ips.n > 1)
			snprintf(ipcol, sizeof(ipcol), "%s +%zu", ips.v[0], ips.n - 1);
		else
			snprintf(ipcol, sizeof(ipcol), "%s", ips.n ? ips.v[0] : "-");
		if (m)
			cut(vend, sizeof(vend), m, 28);
		else if (d->has_mac && hk_mac_is_local(d->mac))
			snprintf(vend, sizeof(vend), "(locally administered)");
		else if (!d->has_mac)
			snprintf(vend, sizeof(vend), d->via_mac[0] ? "(behind a gateway)" : "(no MAC seen)");
		else
			snprintf(vend, sizeof(vend), "(unknown)");
		protocol[0] = '\0';
		for (size_t k = 0; k < protos.n && k < OUT_TABLE_PROTOS_MAX; k++) {
			size_t used = strlen(protocol);
			snprintf(protocol + used, sizeof(protocol) - used, "%s%s", k ? "," : "", protos.v[k]);
		}
		if (protos.n > OUT_TABLE_PROTOS_MAX) {
			size_t used = strlen(protocol);
			snprintf(protocol + used, sizeof(protocol) - used, ",+%zu", protos.n - OUT_TABLE_PROTOS_MAX);
		}
		cut(pcol, sizeof(pcol), protocol[0] ? protocol : "-", 26);
		fprintf(f, "%4" PRId64 "  %-17s  %-22.22s  %-28s  %-2s  %-8.8s  %-26s  %9" PRIu64, d->id,
			d->has_mac ? hk_mac_fmt(d->mac, mac) : "-", ipcol, vend,
			d->oui_country[0] ? d->oui_country : "-", role ? role : "-", pcol, d->packets);
		if (as) {
			const struct assess_result *r = as->dev[i].res;
			char flag[32];
			char cc[8];
			snprintf(cc, sizeof(cc), "%s%s", r && r->origin_known ? r->control_country : "?",
				 r && r->origin_known && r->origin_weak ? "*" : "");
			if (r && r->origin_known && r->origin_weak)
				n_weak++;
			fprintf(f, "  %-6s  %s", cc, r ? out_flag_text(r, flag, sizeof(flag)) : "?");
		}
		fputc('\n', f);
		if (m)
			n_vendor++;
		if (d->has_mac && hk_mac_is_local(d->mac))
			n_local++;
		if (role && strcmp(role, "router") == 0)
			n_router++;
		if (!d->has_mac)
			n_iponly++;
		free(ips.v);
		free(protos.v);
	}
	fprintf(f, "\n%zu devices: %zu with a manufacturer, %zu locally administered MACs, %zu gateways, "
		   "%zu IP-only (remote or behind a gateway)\n",
		n, n_vendor, n_local, n_router, n_iponly);
	if (as) {
		struct verdict_counts vc;
		size_t n_unknown_iponly = 0;

		count_verdicts(as, n, &vc);
		for (size_t i = 0; i < n; i++)
			if (as->dev[i].res && as->dev[i].res->verdict == ASSESS_UNKNOWN && !devs[i].has_mac)
				n_unknown_iponly++;
		fprintf(f,
			"assessment: %zu flagged, %zu partial (%zu of them mitigated), %zu clear, %zu unknown origin "
			"(%zu of them IP-only)",
			vc.n[ASSESS_FLAGGED], vc.n[ASSESS_PARTIAL], vc.mitigated, vc.n[ASSESS_CLEAR],
			vc.n[ASSESS_UNKNOWN], n_unknown_iponly);
		if (as->policy_path)
			fprintf(f, "; policy \"%s\"%s%s", as->policy_name ? as->policy_name : as->policy_path,
				as->policy_as_of ? " as of " : "", as->policy_as_of ? as->policy_as_of : "");
		else
			fprintf(f, "; no country policy");
		fputc('\n', f);
		if (n_weak)
			fprintf(f, "* %zu origin%s from the MAC block's registrant only: the registrant is not the brand or "
				   "its owner, so treat %s as a lead\n",
				n_weak, n_weak == 1 ? "" : "s", n_weak == 1 ? "it" : "them");
	}
	if (run)
		fprintf(f, "this run: %" PRIu64 " packets, %" PRIu64 " flows from %zu capture%s in the inventory\n",
			run->packets, run->flows, n_caps, n_caps == 1 ? "" : "s");
	if (run && run->flows_evicted)
		fprintf(f, "%" PRIu64 " of them evicted before they ended, the flow table being full: what they would "
			   "still have shown is missing; raise --flows-max\n",
			run->flows_evicted);
	(void)caps;
	return ferror(f) ? -EIO : 0;
}

int out_write(FILE *f, enum out_format fmt, const struct hk_device *devs, size_t n,
	      const struct store_capture *caps, size_t n_caps, const struct out_run *run,
	      const struct unknown_fp *unknown, size_t n_unknown, const struct out_assessment *as)
{
	return out_write_threads(f, fmt, devs, n, caps, n_caps, run, unknown, n_unknown, as, 1);
}

int out_write_threads(FILE *f, enum out_format fmt, const struct hk_device *devs, size_t n,
		      const struct store_capture *caps, size_t n_caps, const struct out_run *run,
		      const struct unknown_fp *unknown, size_t n_unknown, const struct out_assessment *as,
		      unsigned threads)
{
	switch (fmt) {
	case OUT_JSON:
		return write_json(f, devs, n, caps, n_caps, run, unknown, n_unknown, as, threads);
	case OUT_CSV:
		return write_csv(f, devs, n, as);
	default:
		return write_table(f, devs, n, caps, n_caps, run, as);
	}
}
