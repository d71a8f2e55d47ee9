/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The assessed inventory as CSV (RFC 4180): one header line, one row per
 * device, CRLF line ends, a field quoted when it holds a comma, a quote, CR or
 * LF (quotes doubled). The columns are a contract (docs/reports.md): later
 * versions add columns at the end, never rename, reorder or remove one.
 *
 * A text field from the wire that starts with = + - @ TAB or CR gets a leading
 * apostrophe, so a spreadsheet shows it instead of evaluating it as a formula
 * (CSV injection: a hostname "=HYPERLINK(...)" is a hostile device's to pick).
 */
#include "report/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const csv_cols[] = {
	"id", "mac", "ips", "hostnames", "manufacturer", "model", "firmware", "serial", "role",
	"oui_registrant", "oui_country", "company_id", "company", "controller", "control_country", "hq_country",
	"state", "state_share", "c1", "c2", "c3a", "c3b", "verdict", "basis", "why_c1", "why_c2", "why_c3a",
	"why_c3b", "evidence", "first_seen", "last_seen",
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Our own values: quoted when needed, never prefixed. */
static void field(FILE *f, const char *s, bool last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else if (s) {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

/* A value that came from the wire (or from data files). */
static void wire(FILE *f, const char *s, bool last)
{
	char *buf;
	if (!s || !s[0] || !strchr("=+-@\t\r", s[0])) {
		field(f, s, last);
		return;
	}
	buf = malloc(strlen(s) + 2);
	if (!buf) {
		field(f, "", last);
		return;
	}
	buf[0] = '\'';
	strcpy(buf + 1, s);
	field(f, buf, last);
	free(buf);
}

/* Growing text for joined cells. */
struct text {
	char *s;
	size_t len, cap;
	bool oom;
};

static void text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->oom)
		return;
	if (hk_grow((void **)&t->s, &t->cap, t->len + n + 1, 1) < 0) {
		t->oom = true;
		return;
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

static void list_field(FILE *f, const struct report_list *l, const char *sep, bool last)
{
	struct text t = {0};
	text_add(&t, "");
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			text_add(&t, sep);
		text_add(&t, l->v[i]);
	}
	wire(f, t.oom ? "" : t.s, last);
	free(t.s);
}

static void why_field(FILE *f, const struct assess_criterion *c, bool last)
{
	struct text t = {0};
	text_add(&t, "");
	for (size_t i = 0; i < c->n_why && i < ASSESS_WHY_MAX; i++) {
		if (i)
			text_add(&t, " | ");
		text_add(&t, c->why[i]);
	}
	wire(f, t.oom ? "" : t.s, last);
	free(t.s);
}

/* "manufacturer=Hikvision (sig.http.hikvision.app-webs, 65); role=camera (...)": the best claim of each
 * identity attribute with its source and confidence. */
static void evidence_field(FILE *f, const struct hk_device *d, bool last)
{
	static const char *const attrs[] = {
		HK_A_MANUFACTURER, HK_A_PRODUCT, HK_A_MODEL, HK_A_FIRMWARE, HK_A_SERIAL, HK_A_OS, HK_A_ROLE,
	};
	struct text t = {0};
	char conf[16];
	text_add(&t, "");
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const struct hk_evidence *e = hk_device_best(d, attrs[i]);
		if (!e)
			continue;
		if (t.len)
			text_add(&t, "; ");
		text_add(&t, attrs[i]);
		text_add(&t, "=");
		text_add(&t, e->value);
		text_add(&t, " (");
		text_add(&t, e->source);
		snprintf(conf, sizeof(conf), ", %u)", e->confidence);
		text_add(&t, conf);
	}
	wire(f, t.oom ? "" : t.s, last);
	free(t.s);
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* The distinct sites (or sensors) that saw d, space-separated, sorted. */
static void fleet_field(FILE *f, const struct hk_device *d, bool sites, bool last)
{
	struct report_list l = {0};

	for (size_t i = 0; d->fleet && i < d->fleet->n_sightings; i++) {
		const char *v = sites ? d->fleet->sighting[i].site : d->fleet->sighting[i].sensor;
		bool seen = false;
		for (size_t k = 0; k < l.n && !seen; k++)
			seen = strcmp(l.v[k], v) == 0;
		if (seen)
			continue;
		if (l.n < REPORT_LIST_MAX)
			l.v[l.n++] = v;
		else
			l.n_more++;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(l.v[0]), name_cmp);
	list_field(f, &l, " ", last);
}

int report_write_csv(FILE *f, const struct report *r)
{
	size_t nc = sizeof(csv_cols) / sizeof(csv_cols[0]);

	for (size_t i = 0; i < nc; i++)
		field(f, csv_cols[i], i + 1 == nc && !r->fleet);
	if (r->fleet) {
		/* fleet mode only: the columns of a sensor's report stay as they are */
		field(f, "sites", false);
		field(f, "sensors", true);
	}
	for (size_t i = 0; i < r->n_devs; i++) {
		const struct hk_device *d = r->devs[i].dev;
		const struct assess_result *a = &r->devs[i].a;
		struct report_list l;
		char buf[64], mac[HK_MAC_STRLEN], t[HK_TIME_STRLEN];

		snprintf(buf, sizeof(buf), "%" PRId64, d->id);
		field(f, buf, false);
		field(f, d->has_mac ? hk_mac_fmt(d->mac, mac) : "", false);
		report_values(d, HK_A_IP, &l);
		list_field(f, &l, " ", false);
		report_values(d, HK_A_HOSTNAME, &l);
		list_field(f, &l, "; ", false);
		wire(f, report_best(d, HK_A_MANUFACTURER), false);
		wire(f, report_best(d, HK_A_MODEL), false);
		wire(f, report_best(d, HK_A_FIRMWARE), false);
		wire(f, report_best(d, HK_A_SERIAL), false);
		wire(f, report_best(d, HK_A_ROLE), false);
		wire(f, d->oui_state == HK_OUI_REGISTERED ? d->oui_registrant : "", false);
		wire(f, d->oui_state == HK_OUI_REGISTERED ? d->oui_country : "", false);
		wire(f, a->company_id, false);
		wire(f, a->company, false);
		wire(f, a->controller, false);
		wire(f, a->control_country, false);
		wire(f, a->hq_country, false);
		field(f, a->origin_known && a->state ? a->state : "", false);
		if (a->origin_known && a->state_share >= 0)
			snprintf(buf, sizeof(buf), "%g", a->state_share);
		else
			buf[0] = '\0';
		field(f, buf, false);
		field(f, yes_no(a->c1.holds), false);
		field(f, yes_no(a->c2.holds), false);
		field(f, yes_no(a->c3a.holds), false);
		field(f, yes_no(a->c3b.holds), false);
		field(f, assess_verdict_name(a->verdict), false);
		wire(f, a->basis, false);
		why_field(f, &a->c1, false);
		why_field(f, &a->c2, false);
		why_field(f, &a->c3a, false);
		why_field(f, &a->c3b, false);
		evidence_field(f, d, false);
		field(f, d->first_seen ? hk_time_fmt(d->first_seen, t) : "", false);
		field(f, d->last_seen ? hk_time_fmt(d->last_seen, t) : "", !r->fleet);
		if (r->fleet) {
			fleet_field(f, d, true, false);
			fleet_field(f, d, false, true);
		}
	}
	return ferror(f) ? -EIO : 0;
}
