/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "report/output.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "fleet/seen.h"
#include "hk_config.h"
#include "inventory/merge.h"
#include "report/jsonw.h"

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

/* "tcp/502/Modbus" → parts; false when the value is not of that shape.
 * l4 may be NULL: not wanted. */
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
	if (l4)
		snprintf(l4, l4sz, "%.*s", (int)(a - v), v);
	*port = (unsigned)p;
	*proto = b + 1;
	return true;
}

/* A device's protocol list as shown: without "Unknown", sorted. */
static void protocols_finish(struct strlist *all)
{
	for (size_t i = 0; i < all->n; i++)
		if (strcmp(all->v[i], "Unknown") == 0) {
			all->v[i] = all->v[--all->n];
			break;
		}
	if (all->n > 1)
		qsort(all->v, all->n, sizeof(*all->v), str_cmp);
}

static void protocols_of(const struct hk_device *d, struct strlist *all)
{
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		unsigned port;
		const char *proto;
		if (strcmp(e->attribute, HK_A_CLIENT) == 0)
			strlist_add_unique(all, e->value);
		else if (strcmp(e->attribute, HK_A_SERVICE) == 0 &&
			 service_split(e->value, NULL, 0, &port, &proto) && strcmp(proto, "Unknown") != 0)
			strlist_add_unique(all, proto);
	}
	protocols_finish(all);
}

/*
 * What a table row shows of the evidence, in one pass instead of four (the
 * addresses, the protocols, the best manufacturer and role claims): the
 * same lists in the same order as values_of(d, HK_A_IP) and protocols_of,
 * the same claims as hk_device_best.
 */
static void tab_views(const struct hk_device *d, struct strlist *ips, struct strlist *protos, const char **ret_m,
		      const char **ret_role)
{
	const struct hk_evidence *m = NULL, *role = NULL;

	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		unsigned port;
		const char *proto;

		switch (e->attribute[0]) {
		case 'i':
			if (strcmp(e->attribute, HK_A_IP) == 0)
				strlist_add_unique(ips, e->value);
			break;
		case 'c':
			if (strcmp(e->attribute, HK_A_CLIENT) == 0)
				strlist_add_unique(protos, e->value);
			break;
		case 's':
			if (strcmp(e->attribute, HK_A_SERVICE) == 0 && service_split(e->value, NULL, 0, &port, &proto) &&
			    strcmp(proto, "Unknown") != 0)
				strlist_add_unique(protos, proto);
			break;
		case 'm':
			if (strcmp(e->attribute, HK_A_MANUFACTURER) == 0 && (!m || hk_evidence_beats(e, m)))
				m = e;
			break;
		case 'r':
			if (strcmp(e->attribute, HK_A_ROLE) == 0 && (!role || hk_evidence_beats(e, role)))
				role = e;
			break;
		default:
			break;
		}
	}
	if (ips->n > 1)
		qsort(ips->v, ips->n, sizeof(*ips->v), ip_str_cmp);
	protocols_finish(protos);
	*ret_m = m ? m->value : NULL;
	*ret_role = role ? role->value : NULL;
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

/*
 * A device's JSON is described once (device_desc and what it calls), to a
 * writer (jsonw.h) that either builds jansson's tree of it (out_json,
 * out_device_json: the API, the reports, the fleet) or appends its text
 * straight to the output (write_json: analyze's devices). A member added
 * here is added to both.
 */
#define TIME_SECS_MAX 4 /* seconds whose text is kept (a device's times are in a few) */

/* The text up to the fraction of a few seconds recently formatted. */
struct time_cache {
	struct {
		uint64_t sec;
		size_t len; /* 0: none */
		char text[HK_TIME_STRLEN];
	} sec[TIME_SECS_MAX];
	unsigned next; /* the one to replace */
};

/*
 * hk_time_fmt()'s text of ts; its length. The text up to the fraction of a
 * few seconds recently formatted is kept (tc, may be NULL), as the times of
 * one device and its evidence are mostly in a few seconds: then only the
 * fraction is written (hk_time_fmt took 2,000 instructions, the most of the
 * cost of a time in the output).
 */
static size_t time_text(struct time_cache *tc, uint64_t ts, char buf[HK_TIME_STRLEN])
{
	uint64_t sec = ts / 1000000u;
	unsigned us = (unsigned)(ts % 1000000u), k = 0;
	size_t n, tail = us ? 8 : 1; /* ".123456Z" or "Z" */

	while (tc && k < TIME_SECS_MAX && !(tc->sec[k].len && tc->sec[k].sec == sec))
		k++;
	if (!tc || k == TIME_SECS_MAX) {
		n = strlen(hk_time_fmt(ts, buf));
		/* kept only when the text has the expected tail */
		if (tc && n > tail && n - tail + 8 < HK_TIME_STRLEN && buf[n - 1] == 'Z' && (!us || buf[n - 8] == '.')) {
			k = tc->next;
			tc->next = (k + 1) % TIME_SECS_MAX;
			tc->sec[k].sec = sec;
			tc->sec[k].len = n - tail;
			memcpy(tc->sec[k].text, buf, n - tail);
		}
		return n;
	}
	memcpy(buf, tc->sec[k].text, tc->sec[k].len);
	n = tc->sec[k].len;
	if (us) {
		buf[n] = '.';
		for (int i = 6; i > 0; i--, us /= 10)
			buf[n + (size_t)i] = (char)('0' + us % 10);
		n += 7;
	}
	buf[n++] = 'Z';
	buf[n] = '\0';
	return n;
}

/* Values of the rest of the document (captures, run, unknown, policy,
 * assessment: small), built as jansson's tree. */
static json_t *jstr_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *jtime(uint64_t ts)
{
	char buf[HK_TIME_STRLEN];

	return ts ? json_string(hk_time_fmt(ts, buf)) : json_null();
}

/* The description's values. A "name" is a string that recurs from device
 * to device (evidence attributes and sources, protocol names, verdicts): a
 * tree shares one value for it. */
static void d_str_or_null(struct jw *w, const char *s)
{
	if (s && s[0])
		jw_str(w, s);
	else
		jw_null(w);
}

static void d_name_or_null(struct jw *w, const char *s)
{
	if (s && s[0])
		jw_name(w, s);
	else
		jw_null(w);
}

static void d_time(struct jw *w, struct time_cache *tc, uint64_t ts)
{
	char buf[HK_TIME_STRLEN];

	if (ts)
		jw_strn(w, buf, time_text(tc, ts, buf));
	else
		jw_null(w);
}

static void d_list(struct jw *w, const struct strlist *l, bool names)
{
	jw_arr_begin(w);
	for (size_t i = 0; i < l->n; i++) {
		if (names)
			jw_name(w, l->v[i]);
		else
			jw_str(w, l->v[i]);
	}
	jw_end(w);
}

/* Distinct names of the sightings (site or sensor), sorted. */
static void fleet_names(struct jw *w, const struct hk_fleet *fl, bool site)
{
	const char **v = calloc(fl->n_sightings ? fl->n_sightings : 1, sizeof(*v));
	size_t n = 0;

	jw_arr_begin(w);
	for (size_t i = 0; v && i < fl->n_sightings; i++)
		v[n++] = site ? fl->sighting[i].site : fl->sighting[i].sensor;
	if (n > 1)
		qsort(v, n, sizeof(*v), str_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			jw_name(w, v[i]);
	jw_end(w);
	free(v);
}

/* Fleet mode only (d->fleet): where the device was seen. "sites" and
 * "sensors" name every one that saw it; "sightings" are the ones its facts
 * come from (all of them, or those a site/sensor filter kept). */
static void fleet_desc(struct jw *w, struct time_cache *tc, const struct hk_device *d)
{
	const struct hk_fleet *fl = d->fleet;

	JW_KEY(w, "scope");
	d_name_or_null(w, fl->scope);
	JW_KEY(w, "sites");
	fleet_names(w, fl, true);
	JW_KEY(w, "sensors");
	fleet_names(w, fl, false);
	JW_KEY(w, "sightings");
	jw_arr_begin(w);
	for (size_t i = 0; i < fl->n_sightings; i++) {
		const struct fleet_sighting *s = &fl->sighting[i];
		if (!s->used)
			continue;
		jw_obj_begin(w);
		JW_KEY(w, "sensor");
		jw_name(w, s->sensor);
		JW_KEY(w, "site");
		jw_name(w, s->site);
		JW_KEY(w, "first_seen");
		d_time(w, tc, s->first_seen);
		JW_KEY(w, "last_seen");
		d_time(w, tc, s->last_seen);
		JW_KEY(w, "packets");
		jw_int(w, (int64_t)s->packets);
		JW_KEY(w, "bytes");
		jw_int(w, (int64_t)s->bytes);
		JW_KEY(w, "shipped_at");
		d_time(w, tc, s->shipped_at);
		jw_end(w);
	}
	jw_end(w);
}

static void evidence_desc(struct jw *w, struct time_cache *tc, const struct hk_evidence *e)
{
	char first[HK_TIME_STRLEN];
	size_t n_first = e->first_seen ? time_text(tc, e->first_seen, first) : 0;

	jw_obj_begin(w);
	JW_KEY(w, "attribute");
	jw_name(w, e->attribute);
	JW_KEY(w, "value");
	jw_str(w, e->value);
	JW_KEY(w, "source");
	jw_name(w, e->source);
	JW_KEY(w, "confidence");
	jw_int(w, e->confidence);
	JW_KEY(w, "count");
	jw_int(w, (int64_t)e->count);
	JW_KEY(w, "first_seen");
	if (n_first)
		jw_strn(w, first, n_first);
	else
		jw_null(w);
	JW_KEY(w, "last_seen");
	/* often the same time: its text once */
	if (e->last_seen == e->first_seen && n_first)
		jw_strn(w, first, n_first);
	else
		d_time(w, tc, e->last_seen);
	jw_end(w);
}

/* The members of a device object, up to "evidence". */
static void device_members(struct jw *w, struct time_cache *tc, const struct hk_device *d)
{
	struct strlist ips = {0}, names = {0}, protos = {0}, clients = {0}, vlans = {0};
	char mac[HK_MAC_STRLEN];

	values_of(d, HK_A_IP, &ips);
	values_of(d, HK_A_HOSTNAME, &names);
	values_of(d, HK_A_CLIENT, &clients);
	values_of(d, HK_A_VLAN, &vlans);
	protocols_of(d, &protos);

	JW_KEY(w, "id");
	jw_int(w, d->id);
	JW_KEY(w, "mac");
	if (d->has_mac)
		jw_strn(w, hk_mac_fmt(d->mac, mac), HK_MAC_STRLEN - 1);
	else
		jw_null(w);
	JW_KEY(w, "mac_local");
	jw_bool(w, d->has_mac && hk_mac_is_local(d->mac));
	JW_KEY(w, "ips");
	d_list(w, &ips, false);
	JW_KEY(w, "hostnames");
	d_list(w, &names, false);
	JW_KEY(w, "oui");
	if (d->oui_state == HK_OUI_REGISTERED) {
		jw_obj_begin(w);
		JW_KEY(w, "prefix");
		d_name_or_null(w, d->oui_prefix);
		JW_KEY(w, "registry");
		d_name_or_null(w, d->oui_registry);
		JW_KEY(w, "registrant");
		d_name_or_null(w, d->oui_registrant);
		JW_KEY(w, "country");
		d_name_or_null(w, d->oui_country);
		jw_end(w);
	} else {
		jw_null(w);
	}
	JW_KEY(w, "oui_status");
	jw_name(w, oui_state_name(d->oui_state));
	JW_KEY(w, "manufacturer");
	d_name_or_null(w, best(d, HK_A_MANUFACTURER));
	JW_KEY(w, "product");
	d_name_or_null(w, best(d, HK_A_PRODUCT));
	JW_KEY(w, "model");
	d_name_or_null(w, best(d, HK_A_MODEL));
	JW_KEY(w, "firmware");
	d_name_or_null(w, best(d, HK_A_FIRMWARE));
	JW_KEY(w, "serial");
	d_str_or_null(w, best(d, HK_A_SERIAL));
	JW_KEY(w, "os");
	d_name_or_null(w, best(d, HK_A_OS));
	JW_KEY(w, "role");
	d_name_or_null(w, best(d, HK_A_ROLE));
	JW_KEY(w, "via");
	d_name_or_null(w, d->via_mac);
	JW_KEY(w, "vlans");
	d_list(w, &vlans, true);
	JW_KEY(w, "protocols");
	d_list(w, &protos, true);
	JW_KEY(w, "services");
	jw_arr_begin(w);
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		char l4[8];
		unsigned port;
		const char *proto;
		if (strcmp(e->attribute, HK_A_SERVICE) != 0 || !service_split(e->value, l4, sizeof(l4), &port, &proto))
			continue;
		jw_obj_begin(w);
		JW_KEY(w, "transport");
		jw_name(w, l4);
		JW_KEY(w, "port");
		jw_int(w, port);
		JW_KEY(w, "protocol");
		jw_name(w, proto);
		jw_end(w);
	}
	jw_end(w);
	JW_KEY(w, "client_protocols");
	d_list(w, &clients, true);
	JW_KEY(w, "first_seen");
	d_time(w, tc, d->first_seen);
	JW_KEY(w, "last_seen");
	d_time(w, tc, d->last_seen);
	JW_KEY(w, "packets");
	jw_int(w, (int64_t)d->packets);
	JW_KEY(w, "bytes");
	jw_int(w, (int64_t)d->bytes);
	if (d->fleet)
		fleet_desc(w, tc, d);
	JW_KEY(w, "evidence");
	jw_arr_begin(w);
	for (size_t i = 0; i < d->n_ev; i++)
		evidence_desc(w, tc, &d->ev[i]);
	jw_end(w);
	free(ips.v);
	free(names.v);
	free(protos.v);
	free(clients.v);
	free(vlans.v);
}

static void assessed_members(struct jw *w, struct time_cache *tc, const struct out_assessed *a);

/* One device of the "devices" array; a: its assessment's members too
 * (NULL, or a->res NULL: none). */
static void device_desc(struct jw *w, struct time_cache *tc, const struct hk_device *d, const struct out_assessed *a)
{
	jw_obj_begin(w);
	device_members(w, tc, d);
	if (a)
		assessed_members(w, tc, a);
	jw_end(w);
}

json_t *out_device_json(const struct hk_device *d)
{
	struct time_cache tc = {0};
	struct jw w;

	jw_tree_init(&w, NULL);
	device_desc(&w, &tc, d, NULL);
	return jw_tree_root(&w);
}

/* --- the assessment ------------------------------------------------------- */

/* snprintf(buf + *used, sz - *used, "%s", s) as out_flag_text chains it:
 * *used counts what would have been written */
static void flag_cat(char *buf, size_t sz, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used < sz) {
		size_t k = n < sz - *used - 1 ? n : sz - *used - 1;
		memcpy(buf + *used, s, k);
		buf[*used + k] = '\0';
	}
	*used += n;
}

const char *out_flag_text(const struct assess_result *r, char *buf, size_t sz)
{
	const struct assess_criterion *c[4] = {&r->c1, &r->c2, &r->c3a, &r->c3b};
	static const char *const names[4] = {"1", "2", "3A", "3B"};
	size_t used = 0;

	switch (r->verdict) {
	case ASSESS_FLAGGED:
		flag_cat(buf, sz, &used, "FLAGGED");
		return buf;
	case ASSESS_CLEAR:
		flag_cat(buf, sz, &used, "-");
		return buf;
	case ASSESS_PARTIAL:
		break;
	default:
		flag_cat(buf, sz, &used, "?");
		return buf;
	}
	flag_cat(buf, sz, &used, "partial:");
	for (int i = 0, k = 0; i < 4 && used < sz; i++) {
		if (!c[i]->holds)
			continue;
		if (k++)
			flag_cat(buf, sz, &used, ",");
		flag_cat(buf, sz, &used, names[i]);
	}
	return buf;
}

static void criterion_desc(struct jw *w, const struct assess_criterion *c)
{
	size_t n_why = c->n_why < ASSESS_WHY_MAX ? c->n_why : ASSESS_WHY_MAX;

	jw_obj_begin(w);
	JW_KEY(w, "holds");
	jw_bool(w, c->holds);
	JW_KEY(w, "evidence");
	jw_arr_begin(w);
	for (size_t k = 0; k < n_why; k++)
		jw_name(w, c->why[k]);
	jw_end(w);
	jw_end(w);
}

static void origin_desc(struct jw *w, const struct assess_result *r)
{
	if (!r->origin_known) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	JW_KEY(w, "manufacturer");
	d_name_or_null(w, r->manufacturer);
	JW_KEY(w, "manufacturer_source");
	d_name_or_null(w, r->manufacturer_source);
	JW_KEY(w, "company");
	d_name_or_null(w, r->company);
	JW_KEY(w, "company_id");
	d_name_or_null(w, r->company_id);
	JW_KEY(w, "controller");
	d_name_or_null(w, r->controller);
	JW_KEY(w, "control_country");
	d_name_or_null(w, r->control_country);
	JW_KEY(w, "weak");
	jw_bool(w, r->origin_weak);
	JW_KEY(w, "hq_country");
	d_name_or_null(w, r->hq_country);
	JW_KEY(w, "state");
	d_name_or_null(w, r->state);
	JW_KEY(w, "state_share");
	if (r->state_share >= 0)
		jw_real(w, r->state_share);
	else
		jw_null(w);
	JW_KEY(w, "as_of");
	d_name_or_null(w, r->as_of);
	JW_KEY(w, "basis");
	d_name_or_null(w, r->basis);
	jw_end(w);
}

/*
 * The annotations by kind. The tree was built with json_object_set_new per
 * annotation, so a kind that comes twice kept its first place and its last
 * value (jansson replaces a member's value in place), and a kind that is
 * not UTF-8 was refused (jw_key_any): the same here, each kind once.
 */
static void annotations_desc(struct jw *w, struct time_cache *tc, const struct store_annotation *a, size_t n)
{
	jw_obj_begin(w);
	for (size_t i = 0; i < n; i++) {
		const struct store_annotation *x = &a[i];
		bool again = false;

		for (size_t k = 0; k < i && !again; k++)
			again = strcmp(a[k].kind, a[i].kind) == 0;
		if (again)
			continue;
		for (size_t k = i + 1; k < n; k++)
			if (strcmp(a[k].kind, a[i].kind) == 0)
				x = &a[k];
		/* the kind comes from the store: checked as a key */
		jw_key_any(w, a[i].kind, strlen(a[i].kind));
		jw_obj_begin(w);
		JW_KEY(w, "value");
		jw_str(w, x->value);
		if (strcmp(x->kind, "mitigation") == 0) {
			JW_KEY(w, "sufficient");
			jw_bool(w, x->sufficient);
		}
		JW_KEY(w, "created_at");
		d_time(w, tc, x->created_at);
		jw_end(w);
	}
	jw_end(w);
}

static void assessed_members(struct jw *w, struct time_cache *tc, const struct out_assessed *a)
{
	const struct assess_result *r = a->res;

	if (!r)
		return;
	JW_KEY(w, "origin");
	origin_desc(w, r);
	JW_KEY(w, "criteria");
	jw_obj_begin(w);
	JW_KEY(w, "1");
	criterion_desc(w, &r->c1);
	JW_KEY(w, "2");
	criterion_desc(w, &r->c2);
	JW_KEY(w, "3A");
	criterion_desc(w, &r->c3a);
	JW_KEY(w, "3B");
	criterion_desc(w, &r->c3b);
	jw_end(w);
	JW_KEY(w, "verdict");
	jw_name(w, assess_verdict_name(r->verdict));
	JW_KEY(w, "flagged");
	jw_bool(w, r->verdict == ASSESS_FLAGGED);
	JW_KEY(w, "annotations");
	annotations_desc(w, tc, a->ann, a->n_ann);
}

void out_device_json_assessed(json_t *o, const struct out_assessed *a)
{
	struct time_cache tc = {0};
	struct jw w;

	if (!a)
		return;
	jw_tree_init_in(&w, o, NULL);
	assessed_members(&w, &tc, a);
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
	if (n) {
		struct jw_shared *sh = jw_shared_new(); /* NULL: nothing shared, the same tree */
		struct time_cache tc = {0};
		struct jw w;

		jw_tree_init_in(&w, jd, sh);
		for (size_t i = 0; i < n; i++)
			device_desc(&w, &tc, &devs[i], as ? &as->dev[i] : NULL);
		jw_shared_free(sh);
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
 * tree, written into a buffer (struct jout, jsonw.h) that goes to the file
 * in large blocks. The devices, nearly all of the document (44 MB for the
 * 13,607 devices of bench-mixed300), are written as text straight from
 * their description (device_desc to a jw_text_init writer): no jansson tree
 * is built, dumped and freed for them, which was 90 % of the output's
 * instructions, jansson's dump alone 70 % (docs/performance.md). They are
 * written a piece of JOUT_PIECE at a time.
 *
 * The rest of the document (captures, run, unknown, policy, assessment) is
 * small and still rendered by jansson, member by member. jansson indents a
 * value by its depth in the tree it renders, so a value that sits at depth
 * k of the document is rendered inside k arrays, whose bytes (known:
 * "[\n  " ... before, "\n]" ... after) are cut off again.
 */
#define JOUT_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)
#define JOUT_FLUSH (64u * 1024u) /* bytes buffered before a write */
#define JOUT_DEPTH_MAX 4         /* the deepest value rendered on its own */
#define JOUT_PIECE 64            /* devices rendered between two checks of the buffer's fill */

static int jout_flush(struct jout *o)
{
	if (!o->failed && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = true;
	o->len = 0;
	return o->failed ? -1 : 0;
}

/* jansson's output callback, once per token: appends, nothing else */
static int jout_put(const char *s, size_t n, void *data)
{
	return jout_raw(data, s, n);
}

/* The bytes of depth nested arrays around a value: before it (head) or
 * after it; their length. */
static size_t jout_frame(char *p, unsigned depth, bool head)
{
	size_t n = 0;

	for (unsigned i = 0; i < depth; i++) {
		unsigned k = head ? i + 1 : depth - 1 - i; /* the depth of the line that follows */
		if (head)
			p[n++] = '[';
		p[n++] = '\n';
		memset(p + n, ' ', 2 * k);
		n += 2 * k;
		if (!head)
			p[n++] = ']';
	}
	return n;
}

/* Renders v (then freed) as it sits at the given depth of the document. */
static int jout_value(struct jout *o, json_t *v, unsigned depth)
{
	char head[4 * JOUT_DEPTH_MAX * (JOUT_DEPTH_MAX + 2)], tail[sizeof(head)];
	size_t start = o->len, n_head, n_tail;
	json_t *w = v;
	int rc = 0;

	if (!v || depth > JOUT_DEPTH_MAX) {
		json_decref(v);
		o->failed = true;
		return -1;
	}
	for (unsigned i = 0; i < depth && w; i++) {
		json_t *a = json_array();
		if (a && json_array_append_new(a, w) < 0) {
			json_decref(a);
			a = NULL;
		} else if (!a) {
			json_decref(w);
		}
		w = a;
	}
	n_head = jout_frame(head, depth, true);
	n_tail = jout_frame(tail, depth, false);
	if (!w || o->failed || json_dump_callback(w, jout_put, o, JOUT_FLAGS) < 0)
		rc = -1;
	json_decref(w);
	/* the frame must be what jansson wrote: anything else is a failure, not output */
	if (rc == 0 && (o->len - start < n_head + n_tail || memcmp(o->buf + start, head, n_head) != 0 ||
			memcmp(o->buf + o->len - n_tail, tail, n_tail) != 0))
		rc = -1;
	if (rc < 0) {
		o->failed = true;
		return -1;
	}
	memmove(o->buf + start, o->buf + start + n_head, o->len - start - n_head - n_tail);
	o->len -= n_head + n_tail;
	return o->len >= JOUT_FLUSH ? jout_flush(o) : 0;
}

/* Devices [from, to) of the "devices" array (at depth 1 of the document),
 * each after its separator; tc: the times formatted last. */
static void jout_devices(struct jout *o, struct time_cache *tc, const struct hk_device *devs, size_t from,
			 size_t to, const struct out_assessment *as)
{
	struct jw w;

	jw_text_init(&w, o, 1, from == 0);
	for (size_t i = from; i < to && !o->failed; i++)
		device_desc(&w, tc, &devs[i], as ? &as->dev[i] : NULL);
}

/*
 * The devices are rendered a piece of JOUT_PIECE at a time into o, which
 * writes to its file as it fills. The JSON and the table share the loop;
 * what differs is how a piece is rendered (struct jwork). This runs on the
 * calling thread: with the JSON written as text (jsonw.c, ~35 ms for the
 * 13,607 devices of bench-mixed300), rendering pieces on the --threads
 * threads cost more than it saved (-j 2: 40-41 against 31 ms for the JSON,
 * 7-17 against 6-10 ms for the table; docs/performance.md, session 8).
 */
struct jwork {
	size_t n; /* devices */
	/* renders devices [from, to) into o */
	void (*render)(struct jout *o, void *ctx, size_t from, size_t to);
	void *ctx;
};

static void jout_pieces(struct jout *o, const struct jwork *w)
{
	for (size_t from = 0; from < w->n && !o->failed; from += JOUT_PIECE) {
		w->render(o, w->ctx, from, w->n - from > JOUT_PIECE ? from + JOUT_PIECE : w->n);
		if (o->len >= JOUT_FLUSH)
			jout_flush(o);
	}
}

struct json_ctx {
	const struct hk_device *devs;
	const struct out_assessment *as;
	struct time_cache tc; /* the text of the seconds formatted last */
};

static void json_render(struct jout *o, void *ctx, size_t from, size_t to)
{
	struct json_ctx *c = ctx;

	jout_devices(o, &c->tc, c->devs, from, to, c->as);
}

static int write_json(FILE *f, const struct hk_device *devs, size_t n, const struct store_capture *caps,
		      size_t n_caps, const struct out_run *run, const struct unknown_fp *unknown,
		      size_t n_unknown, const struct out_assessment *as)
{
	/* everything but the devices; the one member that counts them is redone */
	json_t *root = out_json(devs, 0, caps, n_caps, run, unknown, n_unknown, as);
	struct jout o = {.f = f};
	struct json_ctx c = {.devs = devs, .as = as};
	struct jwork w = {.n = n, .render = json_render, .ctx = &c};
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
		jout_pieces(&o, &w);
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
	struct time_cache tc = {0};

	for (size_t i = 0; i < nc; i++)
		csv_field(f, cols[i], i + 1 == nc);
	for (size_t i = 0; i < n; i++) {
		const struct hk_device *d = &devs[i];
		struct strlist ips = {0}, names = {0}, protos = {0};
		char buf[64], mac[HK_MAC_STRLEN], t1[HK_TIME_STRLEN], t2[HK_TIME_STRLEN];

		values_of(d, HK_A_IP, &ips);
		values_of(d, HK_A_HOSTNAME, &names);
		protocols_of(d, &protos);
		if (d->id >= 0) {
			csv_field(f, hk_u64_text((uint64_t)d->id, buf), false);
		} else {
			snprintf(buf, sizeof(buf), "%" PRId64, d->id);
			csv_field(f, buf, false);
		}
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
		time_text(&tc, d->first_seen, t1);
		time_text(&tc, d->last_seen, t2);
		csv_field(f, t1, false);
		csv_field(f, t2, false);
		csv_field(f, hk_u64_text(d->packets, buf), false);
		csv_field(f, hk_u64_text(d->bytes, buf), !as);
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

/*
 * A row is formatted by hand into the piece's buffer rather than by
 * fprintf (two thirds of the table's instructions went to printf's
 * padding): each column is the bytes "%-Ns", "%-N.Ns" or "%Nd" give, which
 * tests/unit/test_output checks against printf's own. The rows are
 * rendered in pieces like the JSON's.
 */

/* s (n bytes) and spaces up to width: "%-Ns" with n = strlen(s) */
static void tab_left(struct jout *o, const char *s, size_t n, size_t width)
{
	size_t pad = n < width ? width - n : 0;

	if (o->failed || (n + pad > o->cap - o->len && jout_grow(o, n + pad) < 0))
		return;
	memcpy(o->buf + o->len, s, n);
	memset(o->buf + o->len + n, ' ', pad);
	o->len += n + pad;
}

/* "%Ns": spaces, then s (n bytes) */
static void tab_right(struct jout *o, const char *s, size_t n, size_t width)
{
	size_t pad = n < width ? width - n : 0;

	if (o->failed || (n + pad > o->cap - o->len && jout_grow(o, n + pad) < 0))
		return;
	memset(o->buf + o->len, ' ', pad);
	memcpy(o->buf + o->len + pad, s, n);
	o->len += n + pad;
}

/* s left-aligned in width, cut to width - 1 bytes and a '~' when longer */
static void tab_cut(struct jout *o, const char *s, size_t width)
{
	size_t n = strlen(s);

	if (n > width) {
		tab_left(o, s, width - 1, width - 1);
		jout_raw(o, "~", 1);
	} else {
		tab_left(o, s, n, width);
	}
}

/* "%" PRId64 */
static char *i64_text(int64_t v, char buf[HK_U64_STRLEN])
{
	char *p;

	if (v >= 0)
		return hk_u64_text((uint64_t)v, buf);
	p = hk_u64_text(-(uint64_t)v, buf);
	*--p = '-';
	return p;
}

/* The devices' counts for the summary under the table. */
struct tab_counts {
	size_t vendor, local, router, iponly, weak;
};

struct tab_ctx {
	const struct hk_device *devs;
	const struct out_assessment *as;
	struct tab_counts *counts;
};

/* One device's line; its counts in *c. */
static void tab_row(struct jout *o, const struct hk_device *d, const struct out_assessed *a, size_t c[5])
{
	struct strlist ips = {0}, protos = {0};
	char mac[HK_MAC_STRLEN], ipcol[64], protocol[128], num[HK_U64_STRLEN];
	const char *m, *role, *vend, *p;
	size_t used;

	tab_views(d, &ips, &protos, &m, &role);
	p = i64_text(d->id, num);
	tab_right(o, p, strlen(p), 4);
	jout_raw(o, "  ", 2);
	p = d->has_mac ? hk_mac_fmt(d->mac, mac) : "-";
	tab_left(o, p, strlen(p), 17);
	jout_raw(o, "  ", 2);
	/* "%s +%zu" in 64 bytes, then "%-22.22s" */
	used = 0;
	ipcol[0] = '\0';
	hk_str_cat(ipcol, sizeof(ipcol), &used, ips.n ? ips.v[0] : "-");
	if (ips.n > 1) {
		hk_str_cat(ipcol, sizeof(ipcol), &used, " +");
		hk_str_cat(ipcol, sizeof(ipcol), &used, hk_u64_text(ips.n - 1, num));
	}
	tab_left(o, ipcol, strnlen(ipcol, 22), 22);
	jout_raw(o, "  ", 2);
	/* the manufacturer cut to 28 with a '~', "%-28s" */
	if (m)
		vend = m;
	else if (d->has_mac && hk_mac_is_local(d->mac))
		vend = "(locally administered)";
	else if (!d->has_mac)
		vend = d->via_mac[0] ? "(behind a gateway)" : "(no MAC seen)";
	else
		vend = "(unknown)";
	tab_cut(o, vend, 28);
	jout_raw(o, "  ", 2);
	p = d->oui_country[0] ? d->oui_country : "-";
	tab_left(o, p, strlen(p), 2);
	jout_raw(o, "  ", 2);
	p = role ? role : "-";
	tab_left(o, p, strnlen(p, 8), 8);
	jout_raw(o, "  ", 2);
	/* the first protocols, ",+N" more, in 128 bytes; then cut to 26, "%-26s" */
	used = 0;
	protocol[0] = '\0';
	for (size_t k = 0; k < protos.n && k < OUT_TABLE_PROTOS_MAX; k++) {
		if (k)
			hk_str_cat(protocol, sizeof(protocol), &used, ",");
		hk_str_cat(protocol, sizeof(protocol), &used, protos.v[k]);
	}
	if (protos.n > OUT_TABLE_PROTOS_MAX) {
		hk_str_cat(protocol, sizeof(protocol), &used, ",+");
		hk_str_cat(protocol, sizeof(protocol), &used, hk_u64_text(protos.n - OUT_TABLE_PROTOS_MAX, num));
	}
	tab_cut(o, protocol[0] ? protocol : "-", 26);
	jout_raw(o, "  ", 2);
	p = hk_u64_text(d->packets, num);
	tab_right(o, p, strlen(p), 9);
	if (a) {
		const struct assess_result *r = a->res;
		char flag[32], cc[8];
		bool weak = r && r->origin_known && r->origin_weak;

		used = 0;
		cc[0] = '\0';
		hk_str_cat(cc, sizeof(cc), &used, r && r->origin_known ? r->control_country : "?");
		hk_str_cat(cc, sizeof(cc), &used, weak ? "*" : "");
		c[4] += weak;
		jout_raw(o, "  ", 2);
		tab_left(o, cc, used, 6);
		jout_raw(o, "  ", 2);
		jout_str(o, r ? out_flag_text(r, flag, sizeof(flag)) : "?");
	}
	jout_raw(o, "\n", 1);
	c[0] += m != NULL;
	c[1] += d->has_mac && hk_mac_is_local(d->mac);
	c[2] += role && strcmp(role, "router") == 0;
	c[3] += !d->has_mac;
	free(ips.v);
	free(protos.v);
}

static void tab_render(struct jout *o, void *ctx, size_t from, size_t to)
{
	const struct tab_ctx *t = ctx;
	size_t c[5] = {0};

	for (size_t i = from; i < to; i++)
		tab_row(o, &t->devs[i], t->as ? &t->as->dev[i] : NULL, c);
	t->counts->vendor += c[0];
	t->counts->local += c[1];
	t->counts->router += c[2];
	t->counts->iponly += c[3];
	t->counts->weak += c[4];
}

static int write_table(FILE *f, const struct hk_device *devs, size_t n, const struct store_capture *caps,
		       size_t n_caps, const struct out_run *run, const struct out_assessment *as)
{
	struct tab_counts counts = {0};
	struct tab_ctx t = {.devs = devs, .as = as, .counts = &counts};
	struct jwork w = {.n = n, .render = tab_render, .ctx = &t};
	struct jout o = {.f = f};
	fprintf(f, "%4s  %-17s  %-22s  %-28s  %-2s  %-8s  %-26s  %9s", "ID", "MAC", "IP", "MANUFACTURER", "CC",
		"ROLE", "PROTOCOLS", "PACKETS");
	if (as)
		fprintf(f, "  %-6s  %s", "ORIGIN", "FLAG");
	fputc('\n', f);
	jout_pieces(&o, &w);
	jout_flush(&o);
	free(o.buf);
	if (o.failed)
		return -EIO;
	fprintf(f, "\n%zu devices: %zu with a manufacturer, %zu locally administered MACs, %zu gateways, "
		   "%zu IP-only (remote or behind a gateway)\n",
		n, counts.vendor, counts.local, counts.router, counts.iponly);
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
		if (counts.weak)
			fprintf(f, "* %zu origin%s from the MAC block's registrant only: the registrant is not the brand or "
				   "its owner, so treat %s as a lead\n",
				counts.weak, counts.weak == 1 ? "" : "s", counts.weak == 1 ? "it" : "them");
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
	switch (fmt) {
	case OUT_JSON:
		return write_json(f, devs, n, caps, n_caps, run, unknown, n_unknown, as);
	case OUT_CSV:
		return write_csv(f, devs, n, as);
	default:
		return write_table(f, devs, n, caps, n_caps, run, as);
	}
}
