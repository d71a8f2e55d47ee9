/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report as one self-contained HTML file: inline CSS, inline SVG, no
 * script, no font, image or style fetched from anywhere, so it can be mailed,
 * archived and opened on an air-gapped machine. It prints to PDF (A4; each
 * section starts a page; rows and device cards are not cut; a running header
 * and page numbers where the browser supports page margin boxes).
 *
 * Every string from the database came from the wire and goes through esc():
 * HTML metacharacters become entities, control characters and invalid UTF-8
 * become visible "\xNN" text.
 */
#include "report/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "hk_config.h"
#include "inventory/signatures.h"

#define ISO_3166_JSON "/usr/share/iso-codes/json/iso_3166-1.json"
#define HTML_CAPTURES_MAX 25      /* captures listed on the title block */
#define HTML_SENSORS_MAX 50       /* sensors listed on the title block (fleet mode) */
#define HTML_CELL_SITES_MAX 4     /* sites named per device (fleet mode) */
#define HTML_EVIDENCE_MAX 400     /* evidence rows shown per flagged device */
#define HTML_SEEN_MAX 6           /* self-descriptions listed per unknown device */
#define HTML_CELL_IPS_MAX 3       /* addresses in an inventory cell */
#define HTML_CHART_BARS_MAX 24    /* countries in the chart; the rest are summed */
#define HTML_COUNT_KEYS_MAX 4096  /* distinct keys in one summary table */

struct html {
	FILE *f;
	const struct report *r;
	json_t *iso; /* alpha_2 → name, or NULL */
};

/* --- escaping ---------------------------------------------------------------- */

static size_t utf8_len(const unsigned char *s, unsigned *ret_cp)
{
	unsigned c = s[0], cp;
	size_t n;
	if (c < 0x80) {
		*ret_cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

/* Text or attribute content (always written inside double quotes). */
static void esc(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned cp;
		size_t n = utf8_len(p, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			/* invalid, or a control character: shown, never interpreted */
			size_t k = n ? n : 1;
			for (size_t i = 0; i < k; i++)
				fprintf(f, "\\x%c%c", hex[p[i] >> 4], hex[p[i] & 15]);
			p += k;
			continue;
		}
		switch (cp) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fwrite(p, 1, n, f);
		}
		p += n;
	}
}

/* A CSS string's content (inside double quotes): anything but letters, digits
 * and spaces as a hex escape, so no text can end the string or the style. */
static void css_esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned cp;
		size_t n = utf8_len(p, &cp);
		if (n == 0) {
			fputs("\\fffd ", f);
			p++;
			continue;
		}
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == ' ')
			fputc((int)cp, f);
		else
			fprintf(f, "\\%x ", cp < 0x20 ? 0xfffd : cp);
		p += n;
	}
}

/* --- small views ---------------------------------------------------------------- */

static const char *country_name(const struct html *h, const char *cc)
{
	json_t *v;
	if (!cc || !cc[0])
		return NULL;
	v = h->iso ? json_object_get(h->iso, cc) : NULL;
	return v ? json_string_value(v) : NULL;
}

static json_t *iso_load(void)
{
	json_error_t jerr;
	json_t *root = json_load_file(ISO_3166_JSON, 0, &jerr), *list, *map, *e;
	size_t i;
	if (!root)
		return NULL;
	list = json_object_get(root, "3166-1");
	map = json_object();
	json_array_foreach(list, i, e)
	{
		const char *cc = json_string_value(json_object_get(e, "alpha_2"));
		const char *name = json_string_value(json_object_get(e, "common_name"));
		if (!name)
			name = json_string_value(json_object_get(e, "name"));
		if (cc && name)
			json_object_set_new(map, cc, json_string(name));
	}
	json_decref(root);
	return map;
}

/* "CN China" or "CN" or "unknown" */
static void country(const struct html *h, const char *cc)
{
	const char *name = country_name(h, cc);
	if (!cc || !cc[0]) {
		fputs("<span class=\"muted\">unknown</span>", h->f);
		return;
	}
	fputs("<span class=\"cc\">", h->f);
	esc(h->f, cc);
	fputs("</span>", h->f);
	if (name) {
		fputc(' ', h->f);
		esc(h->f, name);
	}
}

static const char *verdict_class(enum assess_verdict v)
{
	switch (v) {
	case ASSESS_FLAGGED:
		return "flagged";
	case ASSESS_PARTIAL:
		return "partial";
	case ASSESS_CLEAR:
		return "clear";
	default:
		return "unknown";
	}
}

static void verdict_badge(FILE *f, enum assess_verdict v)
{
	fprintf(f, "<span class=\"badge v-%s\">%s</span>", verdict_class(v), verdict_class(v));
}

static void yesno(FILE *f, bool holds, const char *yes, const char *no)
{
	fprintf(f, "<span class=\"yn %s\">%s</span>", holds ? "yes" : "no", holds ? yes : no);
}

/* "2026-03-02 08:00:40" (UTC; the tables say so) */
static const char *fmt_sec(uint64_t ts, char *buf, size_t bufsz)
{
	time_t t = (time_t)(ts / 1000000u);
	struct tm tm;
	if (!ts) {
		snprintf(buf, bufsz, "-");
		return buf;
	}
	gmtime_r(&t, &tm);
	strftime(buf, bufsz, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static void fmt_date(uint64_t ts, char *buf, size_t bufsz)
{
	time_t t = (time_t)(ts / 1000000u);
	struct tm tm;
	if (!ts) {
		snprintf(buf, bufsz, "-");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, bufsz, "%Y-%m-%d %H:%M UTC", &tm);
}

/* Fleet mode: "seen at north, south" (every site that saw the device). */
static void sites_of(FILE *f, const struct hk_device *d)
{
	const struct hk_fleet *fl = d->fleet;
	size_t shown = 0, more = 0;

	fputs("<span class=\"muted\">seen at ", f);
	/* sightings are in sensor order: a site is new when no earlier sighting had it */
	for (size_t i = 0; i < fl->n_sightings; i++) {
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = strcmp(fl->sighting[k].site, fl->sighting[i].site) == 0;
		if (dup)
			continue;
		if (shown == HTML_CELL_SITES_MAX) {
			more++;
			continue;
		}
		fputs(shown++ ? ", " : "", f);
		esc(f, fl->sighting[i].site);
	}
	if (more)
		fprintf(f, " +%zu", more);
	fputs("</span>", f);
}

/* "#9 · bc:ad:28:5e:90:3b · 10.10.1.50" (fleet mode: " · seen at north") */
static void device_ident(const struct html *h, const struct hk_device *d)
{
	struct report_list ips;
	char mac[HK_MAC_STRLEN];
	report_values(d, HK_A_IP, &ips);
	fprintf(h->f, "<span class=\"id\">#%" PRId64 "</span>", d->id);
	if (d->has_mac)
		fprintf(h->f, " <span class=\"mono\">%s</span>", hk_mac_fmt(d->mac, mac));
	for (size_t i = 0; i < ips.n && i < HTML_CELL_IPS_MAX; i++) {
		fputs(i ? ", " : " · ", h->f);
		fputs("<span class=\"mono\">", h->f);
		esc(h->f, ips.v[i]);
		fputs("</span>", h->f);
	}
	if (ips.n + ips.n_more > HTML_CELL_IPS_MAX)
		fprintf(h->f, " <span class=\"muted\">+%zu</span>", ips.n + ips.n_more - HTML_CELL_IPS_MAX);
	if (d->fleet) {
		fputs(" · ", h->f);
		sites_of(h->f, d);
	}
}

/* A short human name: manufacturer and model/product, or the hostname. */
static void device_title(const struct html *h, const struct report_device *rd)
{
	const struct hk_device *d = rd->dev;
	const char *m = rd->a.manufacturer[0] ? rd->a.manufacturer : report_best(d, HK_A_MANUFACTURER);
	const char *model = report_best(d, HK_A_MODEL), *prod = report_best(d, HK_A_PRODUCT);
	const char *role = report_best(d, HK_A_ROLE), *host = report_best(d, HK_A_HOSTNAME);

	if (m)
		esc(h->f, m);
	if (model || prod) {
		fputs(m ? " " : "", h->f);
		esc(h->f, model ? model : prod);
	}
	if (!m && !model && !prod)
		esc(h->f, host ? host : "unidentified device");
	if (role) {
		fputs(" <span class=\"role\">", h->f);
		esc(h->f, role);
		fputs("</span>", h->f);
	}
}

static void list_cell(FILE *f, const struct report_list *l, size_t max, const char *sep, bool mono)
{
	if (l->n == 0) {
		fputs("<span class=\"muted\">-</span>", f);
		return;
	}
	for (size_t i = 0; i < l->n && i < max; i++) {
		fputs(i ? sep : "", f);
		if (mono)
			fputs("<span class=\"mono\">", f);
		esc(f, l->v[i]);
		if (mono)
			fputs("</span>", f);
	}
	if (l->n + l->n_more > max)
		fprintf(f, " <span class=\"muted\">+%zu</span>", l->n + l->n_more - max);
}

/* --- counting for the summary ---------------------------------------------------- */

struct count {
	const char *key;
	size_t n;
};

struct counts {
	struct count v[HTML_COUNT_KEYS_MAX];
	size_t n;
	size_t other; /* devices whose key did not fit */
};

static void count_add(struct counts *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0) {
			c->v[i].n++;
			return;
		}
	if (c->n < HTML_COUNT_KEYS_MAX)
		c->v[c->n++] = (struct count){.key = key, .n = 1};
	else
		c->other++;
}

static int count_cmp(const void *pa, const void *pb)
{
	const struct count *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* --- the style --------------------------------------------------------------------- */

static const char css[] =
	":root{--ink:#1d2433;--muted:#5b6474;--line:#d9dee7;--soft:#f4f6f9;--navy:#14325c;--accent:#2e5c9a;"
	"--red:#b42318;--red-bg:#fdecea;--amber:#a15c07;--amber-bg:#fef3d7;--green:#067647;--green-bg:#dcf5e6;"
	"--grey:#475467;--grey-bg:#eceff3}\n"
	"*{box-sizing:border-box}\n"
	"html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"body{margin:0;color:var(--ink);background:#fff;font:13px/1.45 'DejaVu Sans','Liberation Sans',"
	"'Helvetica Neue',Arial,sans-serif}\n"
	"main{max-width:1180px;margin:0 auto;padding:28px 36px 48px}\n"
	"h1,h2,h3{color:var(--navy);line-height:1.2;margin:0}\n"
	"h1{font-size:30px;margin:4px 0 6px}\n"
	"h2{font-size:20px;margin:0 0 4px;padding-bottom:6px;border-bottom:2px solid var(--navy)}\n"
	"h2 .n{color:var(--accent);margin-right:8px}\n"
	"h3{font-size:15px;margin:0}\n"
	"p{margin:6px 0 10px}\n"
	"a{color:var(--accent);text-decoration:none}\n"
	"section{margin-top:34px}\n"
	".lead{color:var(--muted);max-width:900px}\n"
	".mono,code{font-family:'DejaVu Sans Mono','Liberation Mono',Menlo,Consolas,monospace;font-size:11.5px}\n"
	".muted{color:var(--muted)}\n"
	".cc{display:inline-block;min-width:22px;padding:0 4px;border:1px solid var(--line);border-radius:3px;"
	"font:600 11px 'DejaVu Sans Mono','Liberation Mono',monospace;text-align:center;background:var(--soft)}\n"
	".role{display:inline-block;margin-left:6px;padding:0 6px;border-radius:9px;background:var(--soft);"
	"border:1px solid var(--line);color:var(--grey);font-size:11px;font-weight:600;vertical-align:2px}\n"
	".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:700;"
	"text-transform:uppercase;letter-spacing:.04em;white-space:nowrap}\n"
	".v-flagged{color:var(--red);background:var(--red-bg);border:1px solid #f4b8b2}\n"
	".v-partial{color:var(--amber);background:var(--amber-bg);border:1px solid #f3d58a}\n"
	".v-clear{color:var(--green);background:var(--green-bg);border:1px solid #9fdcb8}\n"
	".v-unknown{color:var(--grey);background:var(--grey-bg);border:1px solid #cfd5de}\n"
	".yn{font-weight:700;font-size:11px}.yn.yes{color:var(--red)}.yn.no{color:var(--muted);font-weight:400}\n"
	/* title block */
	".cover{border-top:6px solid var(--navy);padding-top:18px}\n"
	".kicker{font-size:12px;letter-spacing:.12em;text-transform:uppercase;color:var(--accent);font-weight:700}\n"
	".subtitle{font-size:15px;color:var(--muted);margin:0 0 18px}\n"
	".facts{display:grid;grid-template-columns:190px 1fr;gap:4px 18px;margin:0 0 18px;padding:14px 18px;"
	"background:var(--soft);border:1px solid var(--line);border-radius:6px}\n"
	".facts dt{color:var(--muted);font-weight:600}.facts dd{margin:0;overflow-wrap:anywhere}\n"
	".kpis{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin:18px 0}\n"
	".kpi{border:1px solid var(--line);border-radius:6px;padding:10px 14px;border-top-width:4px}\n"
	".kpi b{display:block;font-size:28px;line-height:1.1}.kpi span{color:var(--muted);font-size:12px}\n"
	".kpi.total{border-top-color:var(--navy)}.kpi.flagged{border-top-color:var(--red)}"
	".kpi.flagged b{color:var(--red)}.kpi.partial{border-top-color:#e0a526}.kpi.partial b{color:var(--amber)}"
	".kpi.clear{border-top-color:#3aa76d}.kpi.clear b{color:var(--green)}.kpi.unknown{border-top-color:#98a2b3}\n"
	".toc{columns:2;margin:8px 0 0;padding-left:18px}\n"
	".note{border-left:4px solid var(--accent);background:#f0f5fc;padding:8px 14px;margin:12px 0;"
	"border-radius:0 6px 6px 0}\n"
	/* tables */
	"table{width:100%;border-collapse:collapse;margin:8px 0 14px}\n"
	"th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line);"
	"overflow-wrap:anywhere}\n"
	"th{background:var(--soft);color:var(--navy);font-size:11.5px;text-transform:uppercase;letter-spacing:.03em;"
	"border-bottom:2px solid var(--line);overflow-wrap:normal}\n"
	"thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"table.inv{font-size:11.5px}table.inv td{padding:4px 6px}table.inv th{padding:5px 6px}\n"
	"table.inv tr.v-row-flagged td:first-child{box-shadow:inset 4px 0 var(--red)}\n"
	"table.inv tr.v-row-partial td:first-child{box-shadow:inset 4px 0 #e0a526}\n"
	".grid{display:grid;grid-template-columns:1fr 1fr;gap:8px 28px}\n"
	".grid h3{margin-top:10px}\n"
	".chart{margin:10px 0 4px}\n"
	".legend span{display:inline-block;margin-right:16px;font-size:12px;color:var(--muted)}\n"
	".legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}\n"
	/* device cards */
	".device{border:1px solid var(--line);border-radius:6px;margin:16px 0}\n"
	".device.partial{break-inside:avoid;page-break-inside:avoid}\n"
	".device>header{break-after:avoid;page-break-after:avoid}\n"
	"h3{break-after:avoid;page-break-after:avoid}\n"
	".device>header{display:flex;justify-content:space-between;align-items:baseline;gap:12px;padding:10px 14px;"
	"border-bottom:1px solid var(--line);background:var(--soft);border-radius:6px 6px 0 0}\n"
	".device.flagged{border-left:5px solid var(--red)}.device.partial{border-left:5px solid #e0a526}\n"
	".device .ident{color:var(--muted);font-size:12px;margin-top:2px}\n"
	".device .body{padding:8px 14px 10px}\n"
	".device dl{display:grid;grid-template-columns:150px 1fr;gap:2px 14px;margin:4px 0 8px}\n"
	".device dt{color:var(--muted)}.device dd{margin:0;overflow-wrap:anywhere}\n"
	".chain{list-style:none;margin:8px 0 10px;padding:0;counter-reset:step}\n"
	".chain>li{position:relative;padding:4px 0 8px 34px;counter-increment:step;break-inside:avoid}\n"
	".chain>li:before{content:counter(step);position:absolute;left:0;top:3px;width:22px;height:22px;"
	"border-radius:50%;background:var(--navy);color:#fff;font-size:11px;font-weight:700;text-align:center;"
	"line-height:22px}\n"
	".chain>li:not(:last-child):after{content:'';position:absolute;left:10px;top:27px;bottom:-2px;"
	"border-left:2px solid var(--line)}\n"
	".chain .k{display:block;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);"
	"font-weight:700}\n"
	".why{margin:2px 0 0;padding-left:18px;color:var(--ink)}.why li{margin:1px 0}\n"
	"table.crit td:first-child{white-space:nowrap;font-weight:700;color:var(--navy);width:48px}\n"
	"table.crit td:nth-child(2){white-space:nowrap;width:90px}\n"
	"table.ev{font-size:11px}table.ev td{padding:3px 6px}table.ev td.t{white-space:nowrap}\n"
	"table.ev td:first-child{white-space:nowrap}\n"
	"tr.used td{background:#fff8e6}\n"
	"footer{margin-top:36px;padding-top:10px;border-top:1px solid var(--line);color:var(--muted);font-size:11.5px}\n"
	"@page{size:A4;margin:16mm 12mm 16mm 12mm}\n"
	"@page wide{size:A4 landscape;margin:14mm 10mm}\n"
	"@media print{body{font-size:10.5px}main{max-width:none;padding:0}"
	"section{margin-top:0;break-before:page;page-break-before:always}"
	"section.inventory{page:wide}"
	".kpis{gap:8px}.kpi b{font-size:22px}h1{font-size:26px}"
	"a{color:inherit}.device{margin:10px 0}}\n";

/* The running header and page numbers: CSS page margin boxes. */
#define MARGIN_FONT ";font:8pt 'DejaVu Sans','Liberation Sans',Arial,sans-serif;color:#5b6474}"

static void page_css(const struct html *h, const char *when)
{
	FILE *f = h->f;
	const char *boxes[] = {"", " wide"};
	for (size_t i = 0; i < 2; i++) {
		fprintf(f, "@page%s{@top-left{content:\"herkomst report  \\b7  ", boxes[i]);
		css_esc(f, h->r->meta.site);
		fputs("\"" MARGIN_FONT "@top-right{content:\"newest capture ", f);
		css_esc(f, when);
		fputs("\"" MARGIN_FONT "@bottom-right{content:\"page \" counter(page) \" of \" counter(pages)" MARGIN_FONT
		      "@bottom-left{content:\"assessment per letter 26643-1007\"" MARGIN_FONT "}\n",
		      f);
	}
}

/* --- sections ------------------------------------------------------------------------ */

struct tally {
	size_t n, flagged, partial, clear, unknown;
	size_t c1, c2, c3a, c3b;
};

static void tally(const struct report *r, struct tally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < r->n_devs; i++) {
		const struct assess_result *a = &r->devs[i].a;
		t->n++;
		switch (a->verdict) {
		case ASSESS_FLAGGED:
			t->flagged++;
			break;
		case ASSESS_PARTIAL:
			t->partial++;
			break;
		case ASSESS_CLEAR:
			t->clear++;
			break;
		default:
			t->unknown++;
		}
		t->c1 += a->c1.holds;
		t->c2 += a->c2.holds;
		t->c3a += a->c3a.holds;
		t->c3b += a->c3b.holds;
	}
}

static void fact(FILE *f, const char *dt)
{
	fprintf(f, "<dt>%s</dt><dd>", dt);
}

/* Fleet mode: where the devices come from instead of captures. */
static void fleet_facts(const struct html *h, const char *newest)
{
	const struct report *r = h->r;
	FILE *f = h->f;
	uint64_t last = 0;
	size_t sites = 0;
	char a[40];

	for (size_t i = 0; i < r->n_sensors; i++) {
		/* sensors come ordered by site */
		if (i == 0 || strcmp(r->sensors[i].site, r->sensors[i - 1].site) != 0)
			sites++;
		if (r->sensors[i].last_seen > last)
			last = r->sensors[i].last_seen;
	}
	if (r->filter_site || r->filter_sensor) {
		fact(f, "Filter");
		if (r->filter_site) {
			fputs("site ", f);
			esc(f, r->filter_site);
		}
		if (r->filter_sensor) {
			fputs(r->filter_site ? ", sensor " : "sensor ", f);
			esc(f, r->filter_sensor);
		}
		fputs(" <span class=\"muted\">(each device with what these sensors saw of it)</span></dd>\n", f);
	}
	fact(f, "Newest sighting");
	esc(f, newest);
	fputs("</dd>\n", f);
	fact(f, "Sensors");
	fmt_date(last, a, sizeof(a));
	fprintf(f, "%zu sensor%s at %zu site%s, last shipment %s</dd>\n", r->n_sensors, r->n_sensors == 1 ? "" : "s",
		sites, sites == 1 ? "" : "s", a);
}

static void sensor_table(const struct html *h)
{
	const struct report *r = h->r;
	FILE *f = h->f;
	char a[40], b[40];

	if (!r->n_sensors)
		return;
	fputs("<table class=\"caps\"><thead><tr><th>Site</th><th>Sensor</th><th class=\"num\">Devices</th>"
	      "<th>Newest sighting</th><th>Last shipment</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < r->n_sensors && i < HTML_SENSORS_MAX; i++) {
		const struct fleet_sensor *s = &r->sensors[i];
		fmt_date(s->newest_sighting, a, sizeof(a));
		fmt_date(s->last_seen, b, sizeof(b));
		fputs("<tr><td>", f);
		esc(f, s->site);
		fputs("</td><td class=\"mono\">", f);
		esc(f, s->sensor);
		fprintf(f, "</td><td class=\"num\">%" PRIu64 "</td><td>%s</td><td>%s</td></tr>\n", s->devices, a, b);
	}
	if (r->n_sensors > HTML_SENSORS_MAX)
		fprintf(f, "<tr><td colspan=\"5\" class=\"muted\">and %zu more sensors</td></tr>\n",
			r->n_sensors - HTML_SENSORS_MAX);
	fputs("</tbody></table>\n", f);
}

static void title_block(const struct html *h, const struct tally *t, const char *newest)
{
	const struct report *r = h->r;
	const struct report_meta *m = &r->meta;
	FILE *f = h->f;
	uint64_t packets = 0, first = 0, last = 0;
	char a[40], b[40];

	for (size_t i = 0; i < r->n_caps; i++) {
		packets += r->caps[i].packets;
		if (r->caps[i].first_seen && (!first || r->caps[i].first_seen < first))
			first = r->caps[i].first_seen;
		if (r->caps[i].last_seen > last)
			last = r->caps[i].last_seen;
	}
	fputs("<header class=\"cover\">\n<div class=\"kicker\">herkomst &middot; supplier origin of network "
	      "devices</div>\n<h1>",
	      f);
	esc(f, m->site);
	fputs("</h1>\n<p class=\"subtitle\">Self-scan of vital infrastructure: who makes and who controls the devices "
	      "on this network, assessed against the four considerations of letter 26643-1007</p>\n",
	      f);

	fputs("<dl class=\"facts\">\n", f);
	fact(f, r->fleet ? "Central database" : "Database");
	fputs("<span class=\"mono\">", f);
	esc(f, m->db_path);
	fputs("</span></dd>\n", f);
	if (r->fleet) {
		fleet_facts(h, newest);
	} else {
		fact(f, "Newest capture");
		esc(f, newest);
		fputs("</dd>\n", f);
		fact(f, "Traffic analysed");
		fmt_date(first, a, sizeof(a));
		fmt_date(last, b, sizeof(b));
		fprintf(f, "%zu capture%s, %" PRIu64 " packets, %s &ndash; %s</dd>\n", r->n_caps,
			r->n_caps == 1 ? "" : "s", packets, a, b);
	}
	fact(f, "herkomst");
	fputs("version " HK_VERSION "</dd>\n", f);
	fact(f, "Country policy");
	if (m->policy_name || m->policy_path) {
		esc(f, m->policy_name ? m->policy_name : "(unnamed)");
		if (m->policy_as_of) {
			fputs(", as of ", f);
			esc(f, m->policy_as_of);
		}
		if (m->policy_path) {
			fputs(" &middot; <span class=\"mono\">", f);
			esc(f, m->policy_path);
			fputs("</span>", f);
		}
	} else {
		fputs("<b>none loaded</b>: criteria 1 and 2 hold only through state ownership", f);
	}
	fputs("</dd>\n", f);
	fact(f, "Data versions");
	if (m->ieee_date) {
		fputs("IEEE registries (ieee-data) ", f);
		esc(f, m->ieee_date);
	} else {
		fputs("IEEE registries: <span class=\"muted\">date unknown</span>", f);
	}
	fprintf(f, " &middot; %zu signatures in %zu files", m->n_signatures, m->n_signature_files);
	if (m->n_companies) {
		const char *lo = NULL, *hi = NULL;
		/* the table has no date of its own: its rows that attribute these devices have */
		for (size_t i = 0; i < r->n_devs; i++) {
			const char *d = r->devs[i].a.as_of;
			if (!r->devs[i].a.origin_known || !d[0])
				continue;
			if (!lo || strcmp(d, lo) < 0)
				lo = d;
			if (!hi || strcmp(d, hi) > 0)
				hi = d;
		}
		fprintf(f, " &middot; ownership table: %zu companies, %zu aliases", m->n_companies, m->n_aliases);
		if (lo) {
			fputs(", the rows used here as of ", f);
			esc(f, lo);
			if (strcmp(lo, hi) != 0) {
				fputs(" to ", f);
				esc(f, hi);
			}
		}
	} else
		fputs(" &middot; ownership table: <b>not loaded</b>", f);
	fputs("</dd>\n", f);
	if (m->geoip_source) {
		fact(f, "IP geolocation");
		esc(f, m->geoip_source);
		fputs(" <span class=\"muted\">(where an address is, never who controls it)</span></dd>\n", f);
	}
	fputs("</dl>\n", f);

	fputs("<div class=\"kpis\">", f);
	fprintf(f, "<div class=\"kpi total\"><b>%zu</b><span>devices</span></div>", t->n);
	fprintf(f, "<div class=\"kpi flagged\"><b>%zu</b><span>flagged: 1, 2 and 3A hold, not mitigated</span></div>",
		t->flagged);
	fprintf(f, "<div class=\"kpi partial\"><b>%zu</b><span>partial: some criteria hold</span></div>", t->partial);
	fprintf(f, "<div class=\"kpi clear\"><b>%zu</b><span>clear: none holds</span></div>", t->clear);
	fprintf(f, "<div class=\"kpi unknown\"><b>%zu</b><span>origin unknown</span></div>", t->unknown);
	fputs("</div>\n", f);

	fputs("<nav><b>Contents</b><ol class=\"toc\">"
	      "<li><a href=\"#summary\">Summary</a></li>"
	      "<li><a href=\"#flagged\">Flagged devices</a></li>"
	      "<li><a href=\"#partial\">Partially matching devices</a></li>"
	      "<li><a href=\"#unknown\">Devices of unknown origin</a></li>"
	      "<li><a href=\"#inventory\">Full inventory</a></li>"
	      "<li><a href=\"#method\">Method and sources</a></li></ol></nav>\n",
	      f);

	if (r->n_caps) {
		fputs("<table class=\"caps\"><thead><tr><th>Capture</th><th class=\"num\">Packets</th><th>First "
		      "frame</th><th>Last frame</th></tr></thead><tbody>\n",
		      f);
		for (size_t i = 0; i < r->n_caps && i < HTML_CAPTURES_MAX; i++) {
			const struct store_capture *c = &r->caps[i];
			fmt_date(c->first_seen, a, sizeof(a));
			fmt_date(c->last_seen, b, sizeof(b));
			fputs("<tr><td class=\"mono\">", f);
			esc(f, c->path);
			fprintf(f, "%s</td><td class=\"num\">%" PRIu64 "</td><td>%s</td><td>%s</td></tr>\n",
				c->truncated ? " <span class=\"muted\">(truncated)</span>" : "", c->packets, a, b);
		}
		if (r->n_caps > HTML_CAPTURES_MAX)
			fprintf(f, "<tr><td colspan=\"4\" class=\"muted\">and %zu more captures</td></tr>\n",
				r->n_caps - HTML_CAPTURES_MAX);
		fputs("</tbody></table>\n", f);
	}
	if (r->fleet)
		sensor_table(h);
	fputs("</header>\n", f);
}

static bool policy_lists(const struct report_meta *m, int criterion, const char *cc)
{
	const char *const *v = criterion == 1 ? m->policy_c1 : m->policy_c2;
	size_t n = criterion == 1 ? m->n_policy_c1 : m->n_policy_c2;
	for (size_t i = 0; cc && i < n; i++)
		if (v[i] && strcmp(v[i], cc) == 0)
			return true;
	return false;
}

static const char *bar_colour(const struct report_meta *m, const char *cc)
{
	bool p1 = policy_lists(m, 1, cc), p2 = policy_lists(m, 2, cc);
	if (!cc || !cc[0])
		return "#98a2b3";
	if (p1 && p2)
		return "#c0392b";
	if (p1 || p2)
		return "#e0a526";
	return "#2e5c9a";
}

/* Horizontal bars of devices per controlling country. */
static void chart(const struct html *h, struct counts *cc, size_t n_unknown)
{
	FILE *f = h->f;
	size_t n = cc->n < HTML_CHART_BARS_MAX ? cc->n : HTML_CHART_BARS_MAX, rest = 0, max = n_unknown, rows;
	const int label_w = 230, bar_w = 560, row_h = 26, top = 8;
	int height;

	for (size_t i = HTML_CHART_BARS_MAX; i < cc->n; i++)
		rest += cc->v[i].n;
	for (size_t i = 0; i < n; i++)
		if (cc->v[i].n > max)
			max = cc->v[i].n;
	if (rest > max)
		max = rest;
	rows = n + (rest ? 1 : 0) + (n_unknown ? 1 : 0);
	if (rows == 0) {
		fputs("<p class=\"muted\">No devices.</p>\n", f);
		return;
	}
	height = top * 2 + (int)rows * row_h;
	fprintf(f,
		"<svg class=\"chart\" role=\"img\" aria-label=\"Devices per controlling country\" "
		"xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"12\">\n",
		label_w + bar_w + 60, height, label_w + bar_w + 60, height);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d9dee7\"/>\n", label_w, top, label_w,
		height - top);
	for (size_t i = 0; i < rows; i++) {
		const char *cc_key = NULL, *label = NULL;
		size_t v;
		int y = top + (int)i * row_h, w;
		char buf[160];
		if (i < n) {
			const char *name;
			cc_key = cc->v[i].key;
			v = cc->v[i].n;
			name = country_name(h, cc_key);
			snprintf(buf, sizeof(buf), "%s%s%s", cc_key, name ? "  " : "", name ? name : "");
			label = buf;
		} else if (rest && i == n) {
			v = rest;
			label = "other countries";
			cc_key = "";
		} else {
			v = n_unknown;
			label = "origin unknown";
		}
		w = max ? (int)((double)bar_w * (double)v / (double)max + 0.5) : 0;
		if (w < 2)
			w = 2;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#1d2433\">", label_w - 10,
			y + row_h / 2 + 4);
		esc(f, label);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"2\" fill=\"%s\"/>", label_w,
			y + 4, w, row_h - 8, cc_key && cc_key[0] ? bar_colour(&h->r->meta, cc_key) : "#98a2b3");
		fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#1d2433\" font-weight=\"bold\">%zu</text>\n",
			label_w + w + 6, y + row_h / 2 + 4, v);
	}
	fputs("</svg>\n", f);
	fputs("<div class=\"legend\"><span><i style=\"background:#c0392b\"></i>on the policy's lists for criteria 1 "
	      "and 2</span><span><i style=\"background:#e0a526\"></i>on one of them</span><span><i "
	      "style=\"background:#2e5c9a\"></i>on neither</span><span><i style=\"background:#98a2b3\"></i>origin "
	      "not established</span></div>\n",
	      f);
}

static void count_table(const struct html *h, const char *title, const char *col, struct counts *c, bool is_cc)
{
	FILE *f = h->f;
	fprintf(f, "<div><h3>%s</h3><table><thead><tr><th>%s</th><th class=\"num\">Devices</th></tr></thead><tbody>\n",
		title, col);
	for (size_t i = 0; i < c->n; i++) {
		fputs("<tr><td>", f);
		if (is_cc)
			country(h, c->v[i].key);
		else
			esc(f, c->v[i].key);
		fprintf(f, "</td><td class=\"num\">%zu</td></tr>\n", c->v[i].n);
	}
	if (c->other)
		fprintf(f, "<tr><td class=\"muted\">others</td><td class=\"num\">%zu</td></tr>\n", c->other);
	if (!c->n)
		fputs("<tr><td colspan=\"2\" class=\"muted\">none</td></tr>\n", f);
	fputs("</tbody></table></div>\n", f);
}

static void summary(const struct html *h, const struct tally *t)
{
	const struct report *r = h->r;
	FILE *f = h->f;
	struct counts *cc = calloc(1, sizeof(*cc)), *roles = calloc(1, sizeof(*roles));
	size_t n_unknown = 0;

	if (!cc || !roles) {
		free(cc);
		free(roles);
		return;
	}
	for (size_t i = 0; i < r->n_devs; i++) {
		const struct report_device *rd = &r->devs[i];
		const char *role = report_best(rd->dev, HK_A_ROLE);
		if (rd->a.origin_known && rd->a.control_country[0])
			count_add(cc, rd->a.control_country);
		else
			n_unknown++;
		count_add(roles, role ? role : "(no role seen)");
	}
	qsort(cc->v, cc->n, sizeof(cc->v[0]), count_cmp);
	qsort(roles->v, roles->n, sizeof(roles->v[0]), count_cmp);

	fputs("<section id=\"summary\" class=\"summary\">\n<h2><span class=\"n\">1</span>Summary</h2>\n", f);
	fputs("<p class=\"lead\">A device is <b>flagged</b> only when considerations 1, 2 and 3A of letter 26643-1007 "
	      "all hold and no sufficient mitigation (3B) is recorded; <b>partial</b> when some hold; "
	      "<b>clear</b> when none does; <b>unknown</b> when its controlling company could not be established "
	      "from what it said on the network. A verdict is an input for the operator's own weighing, not a "
	      "decision.</p>\n",
	      f);
	fputs("<h3>Devices per country of control</h3>\n", f);
	chart(h, cc, n_unknown);

	fputs("<div class=\"grid\">\n", f);
	fputs("<div><h3>Verdicts</h3><table><thead><tr><th>Verdict</th><th class=\"num\">Devices</th></tr></thead>"
	      "<tbody>\n",
	      f);
	fprintf(f, "<tr><td><span class=\"badge v-flagged\">flagged</span></td><td class=\"num\">%zu</td></tr>\n",
		t->flagged);
	fprintf(f, "<tr><td><span class=\"badge v-partial\">partial</span></td><td class=\"num\">%zu</td></tr>\n",
		t->partial);
	fprintf(f, "<tr><td><span class=\"badge v-clear\">clear</span></td><td class=\"num\">%zu</td></tr>\n", t->clear);
	fprintf(f, "<tr><td><span class=\"badge v-unknown\">unknown</span></td><td class=\"num\">%zu</td></tr>\n",
		t->unknown);
	fputs("</tbody></table></div>\n", f);

	fputs("<div><h3>Criteria</h3><table><thead><tr><th>Consideration</th><th class=\"num\">Holds "
	      "for</th></tr></thead><tbody>\n",
	      f);
	fprintf(f, "<tr><td><b>1</b> supplier from or controlled from a country whose law obliges cooperation with "
		   "its services, or state-owned</td><td class=\"num\">%zu</td></tr>\n",
		t->c1);
	fprintf(f, "<tr><td><b>2</b> country with an offensive cyber programme against the Netherlands</td>"
		   "<td class=\"num\">%zu</td></tr>\n",
		t->c2);
	fprintf(f, "<tr><td><b>3A</b> extensive access to sensitive systems or vital installations</td>"
		   "<td class=\"num\">%zu</td></tr>\n",
		t->c3a);
	fprintf(f, "<tr><td><b>3B</b> a sufficient mitigation is recorded</td><td class=\"num\">%zu</td></tr>\n",
		t->c3b);
	fputs("</tbody></table></div>\n", f);

	count_table(h, "Countries of control", "Country", cc, true);
	count_table(h, "Roles seen on the network", "Role", roles, false);
	fputs("</div>\n</section>\n", f);
	free(cc);
	free(roles);
}

static void why_list(FILE *f, const struct assess_criterion *c)
{
	if (!c->n_why)
		return;
	fputs("<ul class=\"why\">", f);
	for (size_t i = 0; i < c->n_why && i < ASSESS_WHY_MAX; i++) {
		fputs("<li>", f);
		esc(f, c->why[i]);
		fputs("</li>", f);
	}
	fputs("</ul>", f);
}

static void criteria_table(FILE *f, const struct assess_result *a)
{
	static const char *const label[4] = {"1", "2", "3A", "3B"};
	static const char *const what[4] = {
		"law obliging cooperation, or state ownership",
		"offensive programme against the Netherlands",
		"extensive access",
		"mitigation recorded",
	};
	const struct assess_criterion *c[4] = {&a->c1, &a->c2, &a->c3a, &a->c3b};

	fputs("<table class=\"crit\"><thead><tr><th>#</th><th>Holds</th><th>Consideration and evidence</th></tr>"
	      "</thead><tbody>\n",
	      f);
	for (int i = 0; i < 4; i++) {
		fprintf(f, "<tr><td>%s</td><td>", label[i]);
		yesno(f, c[i]->holds, "holds", "does not hold");
		fprintf(f, "</td><td>%s", what[i]);
		why_list(f, c[i]);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static const struct hk_evidence *claim_used(const struct report_device *rd)
{
	const struct hk_device *d = rd->dev;
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		if (strcmp(e->attribute, HK_A_MANUFACTURER) == 0 && strcmp(e->value, rd->a.manufacturer) == 0 &&
		    (!rd->a.manufacturer_source[0] || strcmp(e->source, rd->a.manufacturer_source) == 0))
			return e;
	}
	return NULL;
}

static void ev_line(FILE *f, const struct hk_evidence *e)
{
	char t[HK_TIME_STRLEN];
	fputs("<code>", f);
	esc(f, e->source);
	fputs("</code> &ldquo;", f);
	esc(f, e->value);
	fprintf(f, "&rdquo; <span class=\"muted\">&middot; seen %" PRIu64 "&times;, first %s UTC</span>", e->count,
		fmt_sec(e->first_seen, t, sizeof(t)));
}

static void company_line(FILE *f, const struct html *h, const struct assess_result *a)
{
	esc(f, a->company[0] ? a->company : a->company_id);
	if (a->hq_country[0]) {
		fputs(" &middot; headquarters ", f);
		country(h, a->hq_country);
	}
}

static void controller_line(FILE *f, const struct assess_result *a)
{
	esc(f, a->controller[0] ? a->controller : "(no controlling party recorded: the company itself)");
	if (a->state && a->state[0] && strcmp(a->state, "none") != 0) {
		fputs(" &middot; state ownership: <b>", f);
		esc(f, a->state);
		fputs("</b>", f);
		if (a->state_share >= 0)
			fprintf(f, " (%.1f %%)", a->state_share);
	}
	if (a->as_of[0]) {
		fputs(" <span class=\"muted\">&middot; as of ", f);
		esc(f, a->as_of);
		fputs("</span>", f);
	}
}

static void evidence_table(const struct html *h, const struct report_device *rd, const struct hk_evidence *used,
			   const struct hk_evidence *origin)
{
	const struct hk_device *d = rd->dev;
	FILE *f = h->f;
	size_t shown = 0;
	char t1[HK_TIME_STRLEN], t2[HK_TIME_STRLEN];

	fputs("<table class=\"ev\"><thead><tr><th>Attribute</th><th>Value</th><th>Source</th><th class=\"num\">Conf."
	      "</th><th class=\"num\">Count</th><th>First seen (UTC)</th><th>Last seen (UTC)</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < d->n_ev && shown < HTML_EVIDENCE_MAX; i++, shown++) {
		const struct hk_evidence *e = &d->ev[i];
		fprintf(f, "<tr%s><td>", e == used || e == origin ? " class=\"used\"" : "");
		esc(f, e->attribute);
		fputs("</td><td>", f);
		esc(f, e->value);
		fputs("</td><td class=\"mono\">", f);
		esc(f, e->source);
		fprintf(f,
			"</td><td class=\"num\">%u</td><td class=\"num\">%" PRIu64
			"</td><td class=\"t\">%s</td><td class=\"t\">%s</td></tr>\n",
			e->confidence, e->count, fmt_sec(e->first_seen, t1, sizeof(t1)),
			fmt_sec(e->last_seen, t2, sizeof(t2)));
	}
	if (d->n_ev > HTML_EVIDENCE_MAX)
		fprintf(f, "<tr><td colspan=\"7\" class=\"muted\">and %zu more evidence items (the JSON report has all)"
			   "</td></tr>\n",
			d->n_ev - HTML_EVIDENCE_MAX);
	fputs("</tbody></table>\n", f);
}

static void card_header(const struct html *h, const struct report_device *rd)
{
	FILE *f = h->f;
	fprintf(f, "<article class=\"device %s\" id=\"dev-%" PRId64 "\">\n<header><div><h3>",
		verdict_class(rd->a.verdict), rd->dev->id);
	device_title(h, rd);
	fputs("</h3><div class=\"ident\">", f);
	device_ident(h, rd->dev);
	fputs("</div></div>", f);
	verdict_badge(f, rd->a.verdict);
	fputs("</header>\n<div class=\"body\">\n", f);
}

/* The analyst's annotations of a device (herkomst annotate), if any. */
static void annotations(const struct html *h, const struct report_device *rd)
{
	const struct report *r = h->r;
	size_t i = (size_t)(rd - r->devs);
	const struct out_assessed *od;
	FILE *f = h->f;

	if (!r->as || !r->as->dev || i >= r->n_devs)
		return;
	od = &r->as->dev[i];
	if (!od->n_ann)
		return;
	fputs("<dl class=\"ann\">", f);
	for (size_t k = 0; k < od->n_ann; k++) {
		const struct store_annotation *a = &od->ann[k];
		fputs("<dt>Analyst: ", f);
		esc(f, a->kind);
		fputs("</dt><dd>", f);
		esc(f, a->value);
		if (strcmp(a->kind, "mitigation") == 0)
			fputs(a->sufficient ? " <b>(sufficient)</b>" : " <b>(not sufficient)</b>", f);
		fputs("</dd>", f);
	}
	fputs("</dl>\n", f);
}

static void flagged_card(const struct html *h, const struct report_device *rd)
{
	const struct assess_result *a = &rd->a;
	const struct hk_evidence *used = claim_used(rd), *origin = NULL;
	FILE *f = h->f;

	if (used)
		origin = report_claim_origin(h->r, rd->dev, used);
	card_header(h, rd);
	fputs("<ol class=\"chain\">\n", f);

	fputs("<li><span class=\"k\">Seen on the wire</span>", f);
	if (origin)
		ev_line(f, origin);
	else if (used && !report_claim_is_derived(used))
		ev_line(f, used);
	else if (strcmp(a->manufacturer_source, "annotation") == 0)
		fputs("<span class=\"muted\">the owner was set by an analyst's annotation (below)</span>", f);
	else
		fputs("<span class=\"muted\">the observation behind the claim is not in the database</span>", f);
	fputs("</li>\n", f);

	fputs("<li><span class=\"k\">Manufacturer claim</span>", f);
	if (a->manufacturer[0]) {
		fputs("&ldquo;", f);
		esc(f, a->manufacturer);
		fputs("&rdquo;", f);
	} else {
		fputs("<span class=\"muted\">none seen</span>", f);
	}
	if (used) {
		fprintf(f, " <span class=\"muted\">&middot; confidence %u, from</span> <code>", used->confidence);
		esc(f, used->source);
		fputs("</code>", f);
		if (h->r->know && h->r->know->sigs && strncmp(used->source, "sig.", 4) == 0) {
			const char *ref = sig_rule_reference(h->r->know->sigs, used->source + 4);
			if (ref && ref[0]) {
				fputs(" <span class=\"muted\">(rule reference: ", f);
				esc(f, ref);
				fputs(")</span>", f);
			}
		}
	} else if (strcmp(a->manufacturer_source, "annotation") == 0) {
		fputs(" <span class=\"muted\">&middot; overridden: the owner comes from the analyst's annotation</span>", f);
	} else if (a->manufacturer_source[0]) {
		fputs(" <span class=\"muted\">from</span> <code>", f);
		esc(f, a->manufacturer_source);
		fputs("</code>", f);
	}
	fputs("</li>\n", f);

	fputs("<li><span class=\"k\">Alias &rarr; company</span>", f);
	company_line(f, h, a);
	if (a->basis[0]) {
		fputs("<br><span class=\"muted\">", f);
		esc(f, a->basis);
		fputs("</span>", f);
	}
	fputs("</li>\n", f);

	fputs("<li><span class=\"k\">Controlled by</span>", f);
	controller_line(f, a);
	fputs("</li>\n", f);

	fputs("<li><span class=\"k\">Country of control</span>", f);
	country(h, a->control_country);
	fputs("</li>\n", f);

	fputs("<li><span class=\"k\">Considerations of letter 26643-1007</span>", f);
	criteria_table(f, a);
	fputs("</li>\n</ol>\n", f);
	annotations(h, rd);

	fputs("<h3>All evidence for this device</h3>\n", f);
	evidence_table(h, rd, used, origin);
	fputs("</div></article>\n", f);
}

static void partial_card(const struct html *h, const struct report_device *rd)
{
	const struct assess_result *a = &rd->a;
	FILE *f = h->f;
	char held[32];
	struct report_list protos;

	card_header(h, rd);
	report_criteria_held(a, ", ", held, sizeof(held));
	fputs("<p><b>", f);
	if (held[0]) {
		fprintf(f, "Holds: %s.", held);
		if (a->c1.holds && a->c2.holds && a->c3a.holds)
			fputs(" All three hold, but a sufficient mitigation is recorded (3B).", f);
	} else {
		fputs("None of 1, 2, 3A holds.", f);
	}
	fputs("</b></p>\n<dl>", f);
	fact(f, "Manufacturer claim");
	esc(f, a->manufacturer[0] ? a->manufacturer : "?");
	if (a->manufacturer_source[0]) {
		fputs(" <span class=\"muted\">from</span> <code>", f);
		esc(f, a->manufacturer_source);
		fputs("</code>", f);
	}
	fputs("</dd>", f);
	fact(f, "Company");
	company_line(f, h, a);
	fputs("</dd>", f);
	fact(f, "Controlled by");
	controller_line(f, a);
	fputs("</dd>", f);
	fact(f, "Country of control");
	country(h, a->control_country);
	fputs("</dd>", f);
	report_protocols(rd->dev, &protos);
	fact(f, "Protocols");
	list_cell(f, &protos, 12, ", ", false);
	fputs("</dd></dl>\n", f);
	annotations(h, rd);
	criteria_table(f, a);
	fputs("</div></article>\n", f);
}

static void unknown_row(const struct html *h, const struct report_device *rd)
{
	const struct hk_device *d = rd->dev;
	FILE *f = h->f;
	struct report_list l;
	size_t seen = 0;
	char why[600];

	fprintf(f, "<tr id=\"dev-%" PRId64 "\"><td>", d->id);
	device_ident(h, d);
	fputs("</td><td>", f);
	if (d->has_mac) {
		fputs("MAC block: ", f);
		if (d->oui_state == HK_OUI_REGISTERED) {
			esc(f, d->oui_registrant[0] ? d->oui_registrant : "?");
			if (d->oui_country[0]) {
				fputs(" ", f);
				country(h, d->oui_country);
			}
		} else {
			fputs(d->oui_state == HK_OUI_LOCAL ? "locally administered" : "unregistered", f);
		}
		fputs("<br>", f);
	} else if (d->via_mac[0]) {
		fputs("behind gateway <span class=\"mono\">", f);
		esc(f, d->via_mac);
		fputs("</span><br>", f);
	}
	report_values(d, HK_A_HOSTNAME, &l);
	if (l.n) {
		fputs("Names: ", f);
		list_cell(f, &l, 4, ", ", false);
		fputs("<br>", f);
	}
	report_protocols(d, &l);
	if (l.n) {
		fputs("Protocols: ", f);
		list_cell(f, &l, 8, ", ", false);
		fputs("<br>", f);
	}
	for (size_t i = 0; i < d->n_ev && seen < HTML_SEEN_MAX; i++) {
		const struct hk_evidence *e = &d->ev[i];
		if (strcmp(e->attribute, "software") != 0 && strcmp(e->attribute, HK_A_MODEL) != 0 &&
		    strcmp(e->attribute, HK_A_PRODUCT) != 0 && strcmp(e->attribute, HK_A_OS) != 0)
			continue;
		fputs(seen ? "<br>" : "Said: ", f);
		fputs("<code>", f);
		esc(f, e->source);
		fputs("</code> &ldquo;", f);
		esc(f, e->value);
		fputs("&rdquo;", f);
		seen++;
	}
	fputs("</td><td>", f);
	esc(f, report_unknown_reason(rd, why, sizeof(why)));
	if (rd->a.basis[0]) {
		fputs("<br><span class=\"muted\">assessment: ", f);
		esc(f, rd->a.basis);
		fputs("</span>", f);
	}
	fputs("</td></tr>\n", f);
}

static void section_head(FILE *f, const char *id, int n, const char *title)
{
	fprintf(f, "<section id=\"%s\" class=\"%s\">\n<h2><span class=\"n\">%d</span>%s</h2>\n", id, id, n, title);
}

static void inventory(const struct html *h)
{
	const struct report *r = h->r;
	FILE *f = h->f;

	section_head(f, "inventory", 5, "Full inventory");
	fputs("<p class=\"lead\">Every device in the database, in order of first appearance. Criteria columns: "
	      "<b>1</b> law or state ownership, <b>2</b> offensive programme, <b>3A</b> extensive access, "
	      "<b>3B</b> mitigation recorded.</p>\n",
	      f);
	fputs("<table class=\"inv\"><thead><tr><th>#</th><th>MAC</th><th>IP</th><th>Name</th><th>Manufacturer / "
	      "model</th><th>Role</th><th>Company (controller)</th><th>Country</th><th>1</th><th>2</th><th>3A</th>"
	      "<th>3B</th><th>Verdict</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < r->n_devs; i++) {
		const struct report_device *rd = &r->devs[i];
		const struct hk_device *d = rd->dev;
		const struct assess_result *a = &rd->a;
		const char *m = report_best(d, HK_A_MANUFACTURER), *model = report_best(d, HK_A_MODEL);
		const char *role = report_best(d, HK_A_ROLE);
		struct report_list l;
		char mac[HK_MAC_STRLEN];

		if (!model)
			model = report_best(d, HK_A_PRODUCT);
		fprintf(f, "<tr class=\"v-row-%s\"><td class=\"num\">%" PRId64 "</td><td class=\"mono\">%s</td><td>",
			verdict_class(a->verdict), d->id, d->has_mac ? hk_mac_fmt(d->mac, mac) : "-");
		report_values(d, HK_A_IP, &l);
		list_cell(f, &l, HTML_CELL_IPS_MAX, "<br>", true);
		if (d->fleet) {
			fputs("<br>", f);
			sites_of(f, d);
		}
		fputs("</td><td>", f);
		report_values(d, HK_A_HOSTNAME, &l);
		list_cell(f, &l, 2, "<br>", false);
		fputs("</td><td>", f);
		if (m)
			esc(f, m);
		else
			fputs("<span class=\"muted\">-</span>", f);
		if (model) {
			fputs("<br><span class=\"muted\">", f);
			esc(f, model);
			fputs("</span>", f);
		}
		fputs("</td><td>", f);
		esc(f, role ? role : "-");
		fputs("</td><td>", f);
		if (a->origin_known) {
			esc(f, a->company[0] ? a->company : a->company_id);
			if (a->controller[0]) {
				fputs("<br><span class=\"muted\">", f);
				esc(f, a->controller);
				fputs("</span>", f);
			}
		} else {
			fputs("<span class=\"muted\">-</span>", f);
		}
		fputs("</td><td>", f);
		if (a->control_country[0]) {
			fputs("<span class=\"cc\">", f);
			esc(f, a->control_country);
			fputs("</span>", f);
		} else {
			fputs("<span class=\"muted\">-</span>", f);
		}
		fputs("</td><td>", f);
		yesno(f, a->c1.holds, "yes", "no");
		fputs("</td><td>", f);
		yesno(f, a->c2.holds, "yes", "no");
		fputs("</td><td>", f);
		yesno(f, a->c3a.holds, "yes", "no");
		fputs("</td><td>", f);
		yesno(f, a->c3b.holds, "yes", "no");
		fputs("</td><td>", f);
		verdict_badge(f, a->verdict);
		fputs("</td></tr>\n", f);
	}
	if (!r->n_devs)
		fputs("<tr><td colspan=\"13\" class=\"muted\">The database holds no devices.</td></tr>\n", f);
	fputs("</tbody></table>\n</section>\n", f);
}

static void method(const struct html *h)
{
	FILE *f = h->f;
	fputs("<footer id=\"method\">\n<h3>Method and sources</h3>\n"
	      "<p>herkomst only listens: it sent no packet to any device. Each device's manufacturer is its best "
	      "claim from its own identity messages (industrial identity services, discovery protocols, banners, "
	      "certificates) or, weakest, the registrant of its MAC address block. The manufacturer is matched to a "
	      "company through the alias table, and the company to its controlling party and that party's country "
	      "through the ownership table (each row with its source and an &ldquo;as of&rdquo; date). The country "
	      "lists for considerations 1 and 2 come from the policy file named on the first page, which the operator "
	      "can change. Consideration 3A is read from the network: the device's role, the industrial and "
	      "remote-access protocols it speaks and its links to external hosts. 3B is the operator's own input.</p>\n"
	      "<p>A device of unknown origin is not a cleared device: it said too little about itself on the captured "
	      "traffic. Capturing where engineering stations and SCADA servers poll devices usually identifies more of "
	      "them.</p>\n",
	      f);
	fputs("<p>Generated by herkomst " HK_VERSION " from ", f);
	esc(f, h->r->meta.db_path);
	fputs(". Strings seen on the network are shown as received, with control characters and invalid UTF-8 as "
	      "<code>\\xNN</code>.</p>\n</footer>\n",
	      f);
}

int report_write_html(FILE *f, const struct report *r)
{
	struct html h = {.f = f, .r = r};
	struct tally t;
	char newest[40];
	size_t n;

	h.iso = iso_load();
	tally(r, &t);
	fmt_date(report_newest_capture(r), newest, sizeof(newest));

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"herkomst " HK_VERSION "\">\n<title>herkomst report: ",
	      f);
	esc(f, r->meta.site);
	fputs("</title>\n<style>\n", f);
	fputs(css, f);
	page_css(&h, newest);
	fputs("</style>\n</head>\n<body>\n<main>\n", f);

	title_block(&h, &t, newest);
	summary(&h, &t);

	section_head(f, "flagged", 2, "Flagged devices");
	fputs("<p class=\"lead\">Considerations 1, 2 and 3A hold and no sufficient mitigation is recorded. Each card "
	      "shows the chain from what was seen on the wire to the country of control, and the evidence for each "
	      "consideration.</p>\n",
	      f);
	n = 0;
	for (size_t i = 0; i < r->n_devs; i++)
		if (r->devs[i].a.verdict == ASSESS_FLAGGED) {
			flagged_card(&h, &r->devs[i]);
			n++;
		}
	if (!n)
		fputs("<p class=\"note\">No device is flagged.</p>\n", f);
	fputs("</section>\n", f);

	section_head(f, "partial", 3, "Partially matching devices");
	fputs("<p class=\"lead\">Some of considerations 1, 2 and 3A hold (or all hold and a mitigation is recorded). "
	      "Worth a look when the missing consideration could change: a new role, a new link, a policy update."
	      "</p>\n",
	      f);
	n = 0;
	for (size_t i = 0; i < r->n_devs; i++)
		if (r->devs[i].a.verdict == ASSESS_PARTIAL) {
			partial_card(&h, &r->devs[i]);
			n++;
		}
	if (!n)
		fputs("<p class=\"note\">No device matches partially.</p>\n", f);
	fputs("</section>\n", f);

	section_head(f, "unknown", 4, "Devices of unknown origin");
	fputs("<p class=\"lead\">For these devices no controlling company could be established. What was seen of "
	      "each, and why that was not enough.</p>\n",
	      f);
	n = 0;
	for (size_t i = 0; i < r->n_devs; i++) {
		if (r->devs[i].a.verdict != ASSESS_UNKNOWN)
			continue;
		if (n++ == 0)
			fputs("<table class=\"unk\"><thead><tr><th style=\"width:24%\">Device</th><th>What was seen</th>"
			      "<th style=\"width:34%\">Why no origin</th></tr></thead><tbody>\n",
			      f);
		unknown_row(&h, &r->devs[i]);
	}
	if (n)
		fputs("</tbody></table>\n", f);
	else
		fputs("<p class=\"note\">The origin of every device was established.</p>\n", f);
	fputs("</section>\n", f);

	inventory(&h);
	method(&h);
	fputs("</main>\n</body>\n</html>\n", f);
	json_decref(h.iso);
	return ferror(f) ? -EIO : 0;
}
