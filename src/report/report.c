/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the report writers share: format names, views of a device derived from
 * its evidence, tracing a derived claim back to what was seen, and making
 * strings from the wire safe for JSON.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "inventory/derive.h"
#include "inventory/signatures.h"

static const char *const format_names[] = {
	[REPORT_HTML] = "html",
	[REPORT_CSV] = "csv",
	[REPORT_JSON] = "json",
	[REPORT_CYCLONEDX] = "cyclonedx",
};

int report_format_parse(const char *s, enum report_format *ret)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(s, format_names[i]) == 0) {
			*ret = (enum report_format)i;
			return 0;
		}
	return -EINVAL;
}

const char *report_format_name(enum report_format f)
{
	return (size_t)f < sizeof(format_names) / sizeof(format_names[0]) ? format_names[f] : "?";
}

int report_write(FILE *f, enum report_format fmt, const struct report *r)
{
	switch (fmt) {
	case REPORT_HTML:
		return report_write_html(f, r);
	case REPORT_CSV:
		return report_write_csv(f, r);
	case REPORT_JSON:
		return report_write_json(f, r);
	case REPORT_CYCLONEDX:
		return report_write_cyclonedx(f, r);
	}
	return -EINVAL;
}

/* The analyze JSON (docs/json.md) of the whole database with the assessment:
 * one writer for both commands, so the two cannot drift apart. */
int report_write_json(FILE *f, const struct report *r)
{
	json_t *root;

	if (!r->fleet)
		return out_write(f, OUT_JSON, r->dev_array, r->n_devs, r->caps, r->n_caps, NULL, r->unknown,
				 r->n_unknown, r->as);
	root = out_json(r->dev_array, r->n_devs, r->caps, r->n_caps, NULL, r->unknown, r->n_unknown, r->as);
	if (!root)
		return -ENOMEM;
	json_object_set_new(root, "fleet", report_fleet_json(r));
	return out_json_dump(f, root);
}

static json_t *jtime_or_null(uint64_t ts)
{
	char buf[HK_TIME_STRLEN];
	return ts ? json_string(hk_time_fmt(ts, buf)) : json_null();
}

json_t *report_fleet_json(const struct report *r)
{
	json_t *o = json_object(), *filter = json_object(), *sensors = json_array();

	json_object_set_new(filter, "site", report_jstr(r->filter_site));
	json_object_set_new(filter, "sensor", report_jstr(r->filter_sensor));
	json_object_set_new(o, "filter", filter);
	for (size_t i = 0; i < r->n_sensors; i++) {
		const struct fleet_sensor *s = &r->sensors[i];
		json_t *x = json_object();
		json_object_set_new(x, "sensor", report_jstr(s->sensor));
		json_object_set_new(x, "site", report_jstr(s->site));
		json_object_set_new(x, "hostname", report_jstr(s->hostname));
		json_object_set_new(x, "version", report_jstr(s->version));
		json_object_set_new(x, "first_shipment", jtime_or_null(s->first_seen));
		json_object_set_new(x, "last_shipment", jtime_or_null(s->last_seen));
		json_object_set_new(x, "devices", json_integer((json_int_t)s->devices));
		json_object_set_new(x, "last_seen", jtime_or_null(s->newest_sighting));
		json_array_append_new(sensors, x);
	}
	json_object_set_new(o, "sensors", sensors);
	return o;
}

/* --- views of a device ------------------------------------------------------ */

static int ip_cmp(const void *pa, const void *pb)
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

static void list_add(struct report_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return;
	if (l->n < REPORT_LIST_MAX)
		l->v[l->n++] = s;
	else
		l->n_more++; /* may count a repeated value past the cap twice: it is a hint, not a total */
}

void report_values(const struct hk_device *d, const char *attribute, struct report_list *ret)
{
	ret->n = ret->n_more = 0;
	for (size_t i = 0; i < d->n_ev; i++)
		if (strcmp(d->ev[i].attribute, attribute) == 0)
			list_add(ret, d->ev[i].value);
	if (ret->n > 1)
		qsort(ret->v, ret->n, sizeof(ret->v[0]), strcmp(attribute, HK_A_IP) == 0 ? ip_cmp : str_cmp);
}

void report_protocols(const struct hk_device *d, struct report_list *ret)
{
	ret->n = ret->n_more = 0;
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		const char *p = NULL;
		if (strcmp(e->attribute, HK_A_CLIENT) == 0) {
			p = e->value;
		} else if (strcmp(e->attribute, HK_A_SERVICE) == 0) {
			/* "tcp/502/Modbus": the protocol is after the second slash */
			const char *a = strchr(e->value, '/');
			p = a ? strchr(a + 1, '/') : NULL;
			if (p)
				p++;
		}
		if (p && p[0] && strcmp(p, "Unknown") != 0)
			list_add(ret, p);
	}
	if (ret->n > 1)
		qsort(ret->v, ret->n, sizeof(ret->v[0]), str_cmp);
}

const char *report_best(const struct hk_device *d, const char *attribute)
{
	const struct hk_evidence *e = hk_device_best(d, attribute);
	return e && e->value[0] ? e->value : NULL;
}

uint64_t report_newest_capture(const struct report *r)
{
	uint64_t t = 0;
	for (size_t i = 0; i < r->n_caps; i++)
		if (r->caps[i].last_seen > t)
			t = r->caps[i].last_seen;
	for (size_t i = 0; r->fleet && i < r->n_sensors; i++)
		if (r->sensors[i].newest_sighting > t)
			t = r->sensors[i].newest_sighting;
	return t;
}

bool report_claim_is_derived(const struct hk_evidence *e)
{
	return strncmp(e->source, "sig.", 4) == 0 || strncmp(e->source, "vid.", 4) == 0 ||
	       strncmp(e->source, "oui.", 4) == 0 ||
	       (strcmp(e->source, "snmp.enterprise") == 0 && strcmp(e->attribute, HK_A_MANUFACTURER) == 0);
}

/* Does running the signatures over raw give claim? */
static bool sig_yields(const struct sig_db *sigs, const struct hk_evidence *raw, const struct hk_evidence *claim)
{
	struct sig_claim c[DERIVE_CLAIMS_MAX];
	size_t n = sig_match(sigs, raw->source, raw->value, c, DERIVE_CLAIMS_MAX);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].rule_id, claim->source + 4) == 0 && strcmp(c[i].attribute, claim->attribute) == 0 &&
		    strcmp(c[i].value, claim->value) == 0)
			return true;
	return false;
}

const struct hk_evidence *report_claim_origin(const struct report *r, const struct hk_device *d,
					      const struct hk_evidence *claim)
{
	const struct sig_db *sigs = r && r->know ? r->know->sigs : NULL;
	bool is_sig = strncmp(claim->source, "sig.", 4) == 0;
	bool is_vid = strncmp(claim->source, "vid.", 4) == 0;
	bool is_ent = strcmp(claim->source, "snmp.enterprise") == 0 && strcmp(claim->attribute, HK_A_MANUFACTURER) == 0;
	const struct hk_evidence *fallback = NULL;

	if (!is_sig && !is_vid && !is_ent)
		return NULL;
	/* derive.c gives a claim the times and count of its input */
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		if (e == claim || report_claim_is_derived(e) || e->first_seen != claim->first_seen ||
		    e->last_seen != claim->last_seen || e->count != claim->count)
			continue;
		if (is_vid && strcmp(e->source, claim->source + 4) == 0)
			return e;
		if (is_ent && strcmp(e->source, "snmp.enterprise") == 0)
			return e;
		if (is_sig) {
			if (sigs && sig_yields(sigs, e, claim))
				return e;
			if (!sigs && !fallback)
				fallback = e;
		}
	}
	return fallback;
}

void report_criteria_held(const struct assess_result *a, const char *sep, char *buf, size_t bufsz)
{
	const char *held[3];
	size_t n = 0, used = 0;

	if (a->c1.holds)
		held[n++] = "1";
	if (a->c2.holds)
		held[n++] = "2";
	if (a->c3a.holds)
		held[n++] = "3A";
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < bufsz; i++)
		used += (size_t)snprintf(buf + used, bufsz - used, "%s%s", i ? sep : "", held[i]);
}

const char *report_unknown_reason(const struct report_device *rd, char *buf, size_t bufsz)
{
	const struct hk_device *d = rd->dev;
	const struct hk_evidence *m = hk_device_best(d, HK_A_MANUFACTURER);
	bool oui_only = m && strncmp(m->source, "oui.", 4) == 0;

	if (rd->a.origin_known) {
		snprintf(buf, bufsz, "origin established");
	} else if (rd->a.company_id[0]) {
		snprintf(buf, bufsz,
			 "the claim \"%s\" resolves to the company %s, but the ownership table records no country "
			 "of control for it",
			 rd->a.manufacturer, rd->a.company_id);
	} else if (m && !oui_only) {
		snprintf(buf, bufsz,
			 "the manufacturer claim \"%s\" (%s) matches no alias in the ownership table; if it is a "
			 "known company, an alias in signatures/ownership/aliases.tsv attributes it",
			 m->value, m->source);
	} else if (!d->has_mac && d->via_mac[0]) {
		snprintf(buf, bufsz,
			 "a host behind the gateway %s: the gateway's MAC says nothing about it, and it named no "
			 "manufacturer itself",
			 d->via_mac);
	} else if (!d->has_mac) {
		snprintf(buf, bufsz, "no MAC address was seen and the device named no manufacturer");
	} else if (hk_mac_is_local(d->mac)) {
		snprintf(buf, bufsz,
			 "a locally administered (randomised or virtual) MAC has no registrant, and the device "
			 "named no manufacturer");
	} else if (oui_only) {
		snprintf(buf, bufsz,
			 "only the MAC block's registrant (\"%s\") names a company, and it is not in the ownership "
			 "table; the device named no manufacturer itself",
			 m->value);
	} else if (d->oui_state == HK_OUI_UNREGISTERED) {
		snprintf(buf, bufsz, "the MAC block is in no registry and the device named no manufacturer");
	} else {
		snprintf(buf, bufsz, "the device named no manufacturer");
	}
	return buf;
}

/* --- strings from the wire as JSON ------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

char *report_utf8_clean(const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = malloc(4 * len + 1); /* "\xNN" per byte at worst */
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq((const unsigned char *)s + i);
		if (n == 0) {
			static const char hex[] = "0123456789abcdef";
			unsigned char b = (unsigned char)s[i++];
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[b >> 4];
			out[o++] = hex[b & 15];
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

json_t *report_jstr(const char *s)
{
	char *c;
	json_t *j;
	if (!s || !s[0])
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	c = report_utf8_clean(s);
	j = c ? json_string(c) : NULL;
	free(c);
	return j ? j : json_null();
}
