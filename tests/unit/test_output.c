/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON writers (src/report/output.c): analyze's streamed writer, which
 * renders the devices in pieces and shares recurring
 * values between device objects, must give the bytes json_dumpf gives for
 * out_json()'s tree; a device object built on its own (the API's
 * out_device_json) must render as the same device inside the document; and
 * the CSV's own number, MAC and time texts must be those of snprintf,
 * hk_mac_fmt and hk_time_fmt. The streamed writer writes the devices as
 * text (src/report/jsonw.c), the tree is jansson's: the devices carry what
 * is hard to render: every escape class, 2-, 3- and 4-byte UTF-8, each
 * kind of invalid UTF-8 jansson refuses, empty lists, annotations (a kind
 * twice, a kind that is not UTF-8, one to escape), reals and integers at
 * their edges, fleet sightings on some, none on most, times that share
 * seconds. The table,
 * whose rows the writer formats by hand, must give the
 * bytes of printf's formats, as the writer had them before.
 */
#include <check.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "fleet/seen.h"
#include "herkomst/device.h"
#include "report/output.h"
#include "claim.h"

#define N_DEVS 301 /* several pieces of 64 devices, the last one short */
#define T0 1772438400000000ull /* 2026-03-02T08:00:00Z */

static const char *const VALUES[] = {
	"plain",
	"quote \" backslash \\ slash / tab \t newline \n cr \r ctl \x01 del \x7f",
	"M\xc3\xbcller \xe4\xb8\xad \xf0\x9f\x98\x80", /* ü, a CJK ideograph, an emoji (a surrogate pair) */
	"\xff\xfe not UTF-8",                          /* json_string() refuses it: the member is left out */
	"",
	"tcp/502/Modbus",
	"udp/47808/BACnet",
	"tcp/1/Unknown",
	/* every escape class: \b \f, the other control characters as \u00XX */
	"bs \b ff \f vt \x0b esc \x1b us \x1f nul-less \x02",
	/* 2-, 3- and 4-byte UTF-8 at the edges of their ranges */
	"\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf",
	/* what jansson refuses: overlong, a surrogate half, above U+10FFFF, cut
	 * short, a lone continuation byte, a byte never in UTF-8 */
	"overlong \xc0\xaf",
	"overlong \xe0\x80\xaf",
	"surrogate \xed\xa0\x80",
	"above \xf4\x90\x80\x80",
	"cut \xe4\xb8",
	"lone \x80 byte",
	"never \xf5\x80\x80\x80",
	"not a continuation \xc3\x41 inside",
	"a/b", /* '/' not escaped (in a string too short to be copied eight bytes at a time) */
};
#define N_VALUES (sizeof(VALUES) / sizeof(VALUES[0]))

static const char *const ATTRS[] = {
	HK_A_IP, HK_A_HOSTNAME, HK_A_MANUFACTURER, HK_A_MODEL, HK_A_PRODUCT, HK_A_FIRMWARE, HK_A_SERIAL,
	HK_A_OS, HK_A_ROLE, HK_A_SERVICE, HK_A_CLIENT, HK_A_FINGERPRINT, HK_A_VLAN,
};
#define N_ATTRS (sizeof(ATTRS) / sizeof(ATTRS[0]))

struct fixture {
	struct hk_device devs[N_DEVS];
	struct assess_result res[N_DEVS];
	struct out_assessed dev_as[N_DEVS];
	char why_text[N_DEVS][48];
	const char *why_line[N_DEVS][2];
	struct store_annotation ann[3];
	struct store_annotation ann2[7]; /* kinds twice, not UTF-8, escaped */
	struct store_capture cap;
	struct unknown_fp unknown[2];
	struct out_run run;
	struct out_assessment as;
};

static const char *const WHY_A[] = {"role plc (s7comm.setup, 70)", "state owned \"quoted\" \xc3\xa9"};
static const char *const WHY_B[] = {"no mitigation recorded"};
static const char *const EVENTS[] = {"truncated", "bad_ip"};

/* A time: the seconds repeat across devices (the writer keeps a few
 * seconds' text), some on the second exactly (no fraction). */
static uint64_t when(size_t i, size_t k)
{
	uint64_t sec = (i * 7 + k * 3) % 11;
	uint64_t us = (i + k) % 5 == 0 ? 0 : (i * 131 + k * 977) % 1000000u;
	return T0 + sec * 1000000u + us;
}

static void add_ev(struct hk_device *d, const char *attr, const char *value, const char *source, uint8_t conf,
		   uint64_t count, uint64_t first, uint64_t last)
{
	struct hk_evidence e = test_claim(attr, value, source, conf, first, last, count);

	ck_assert(hk_device_add_evidence(d, &e));
}

static struct hk_fleet *fleet_new(size_t i)
{
	struct hk_fleet *fl = calloc(1, sizeof(*fl) + 3 * sizeof(struct fleet_sighting));

	ck_assert_ptr_nonnull(fl);
	snprintf(fl->scope, sizeof(fl->scope), "%s", i % 2 ? "" : "site \"b\"");
	fl->n_sightings = 3;
	for (size_t k = 0; k < 3; k++) {
		struct fleet_sighting *s = &fl->sighting[k];
		snprintf(s->sensor, sizeof(s->sensor), "sensor-%zu", k);
		snprintf(s->site, sizeof(s->site), "%s", k == 2 ? "site \xc3\xa5" : "site-a");
		s->first_seen = when(i, k);
		s->last_seen = k ? when(i, k + 1) : 0;
		s->packets = 300 + k;
		s->bytes = k * 100000;
		s->shipped_at = when(i, 9);
		s->used = k != 1;
	}
	return fl;
}

static void fixture_init(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	for (size_t i = 0; i < N_DEVS; i++) {
		struct hk_device *d = &fx->devs[i];
		struct assess_result *r = &fx->res[i];

		d->id = (int64_t)i + 1;
		if (i % 13 == 4)
			d->id = i == 4 ? INT64_MIN : -(int64_t)i * 1000000007; /* negative ids, the smallest */
		d->has_mac = i % 3 != 0;
		for (int k = 0; k < 6; k++)
			d->mac[k] = (uint8_t)(i * 37 + (size_t)k * 0x5b + (i % 2 ? 2 : 0));
		if (!d->has_mac && i % 2)
			snprintf(d->via_mac, sizeof(d->via_mac), "0a:1b:2c:3d:4e:5f");
		d->oui_state = (enum hk_oui_state)(i % 4);
		if (d->oui_state == HK_OUI_REGISTERED) {
			snprintf(d->oui_prefix, sizeof(d->oui_prefix), "00:1B:1B");
			snprintf(d->oui_registry, sizeof(d->oui_registry), "MA-L");
			snprintf(d->oui_registrant, sizeof(d->oui_registrant), "%s", i % 8 == 1 ? VALUES[2] : "Siemens AG");
			snprintf(d->oui_country, sizeof(d->oui_country), "%s", i % 5 ? "DE" : "");
		}
		d->first_seen = when(i, 0);
		d->last_seen = i % 7 ? when(i, 1) : 0;
		d->packets = i % 17 == 3 ? UINT64_MAX : i * 1000003u; /* a counter past INT64_MAX: -1 as jansson's */
		d->bytes = i % 2 ? (uint64_t)INT64_MAX : i * 250;
		/* every sixth device has no evidence at all: empty lists */
		for (size_t k = 0; i % 6 != 5 && k < 2 + i % 9; k++) {
			const char *attr = ATTRS[(i + k * 5) % N_ATTRS];
			const char *value = VALUES[(i * 3 + k) % N_VALUES];
			char num[64], source[40];
			if (strcmp(attr, HK_A_IP) == 0) {
				snprintf(num, sizeof(num), "10.%zu.%zu.%zu", i % 3, k, i % 251);
				value = num;
			} else if (strcmp(attr, HK_A_SERVICE) == 0 && k % 2) {
				snprintf(num, sizeof(num), "tcp/%zu/S7comm", 100 + k);
				value = num;
			}
			/* recurring sources, and more distinct ones than the writer shares */
			snprintf(source, sizeof(source), "%s", k % 3 ? "lldp.sysname" : "proto.\"src\"");
			if (k % 3 == 2 || (k % 3 == 1 && i % 2))
				snprintf(source, sizeof(source), "src.%zu.%zu", i, k);
			add_ev(d, attr, value, source, (uint8_t)(k * 37 % 256),
			       k % 4 ? k : (uint64_t)1 << 40, when(i, k), k % 2 ? when(i, k) : when(i, k + 4));
		}
		hk_device_sort_evidence(d);
		if (i % 50 == 7)
			d->fleet = fleet_new(i);

		r->verdict = (enum assess_verdict)(i % 4);
		r->origin_known = i % 3 != 1;
		r->origin_weak = i % 2;
		r->manufacturer = i % 4 ? "Siemens" : VALUES[1];
		r->manufacturer_source = "oui";
		r->company = "Siemens AG";
		r->company_id = "siemens";
		r->controller = i % 5 ? NULL : "";
		r->control_country = "DE";
		r->hq_country = VALUES[2];
		r->state = "none";
		{
			/* reals as jansson writes them; infinite: the member is left out */
			static const double shares[] = {-1.0, 0.0, 0.5, 1.0 / 3.0, 1e-7, 100.0, 0.25, 1e22, INFINITY, NAN};
			r->state_share = shares[i % (sizeof(shares) / sizeof(shares[0]))];
		}
		r->as_of = "2026-01-01";
		r->basis = "claim \xe2\x86\x92 company";
		r->c1.holds = i % 2;
		r->c1.n_why = 2;
		r->c1.why = WHY_A;
		/* more distinct criteria than the writer shares */
		snprintf(fx->why_text[i], sizeof(fx->why_text[i]), "role plc (s7comm.setup, %zu)", i % 150);
		fx->why_line[i][0] = fx->why_text[i];
		fx->why_line[i][1] = WHY_B[0];
		r->c2.holds = i % 3 == 0;
		r->c2.n_why = i % 11 ? 2 : 0;
		r->c2.why = fx->why_line[i];
		r->c3a.holds = true;
		r->c3a.n_why = 1;
		r->c3a.why = WHY_B;
		r->c3b.n_why = 1;
		r->c3b.why = i % 2 ? WHY_A : WHY_B;
		fx->dev_as[i].res = i % 10 == 9 ? NULL : r; /* some not assessed */
		if (i % 4 == 2) {
			fx->dev_as[i].ann = fx->ann;
			fx->dev_as[i].n_ann = 3;
		} else if (i % 8 == 3) {
			fx->dev_as[i].ann = fx->ann2;
			fx->dev_as[i].n_ann = 7;
		}
	}
	snprintf(fx->ann[0].kind, sizeof(fx->ann[0].kind), "mitigation");
	snprintf(fx->ann[0].value, sizeof(fx->ann[0].value), "firewalled \"zone\" \xc3\xa4");
	fx->ann[0].sufficient = true;
	fx->ann[0].created_at = T0;
	snprintf(fx->ann[1].kind, sizeof(fx->ann[1].kind), "note");
	snprintf(fx->ann[1].value, sizeof(fx->ann[1].value), "%s", VALUES[3]);
	snprintf(fx->ann[2].kind, sizeof(fx->ann[2].kind), "owner");
	snprintf(fx->ann[2].value, sizeof(fx->ann[2].value), "ops\tteam");
	fx->ann[2].created_at = T0 + 1;

	/* a kind twice (the first place, the last value: json_object_set_new
	 * replaces in place), three times, one that is not UTF-8 (refused as a
	 * key), one with escapes and non-ASCII in the key */
	{
		static const char *const kinds[7] = {"note", "mitigation", "bad \xff", "note", "q\"k\t\xc3\xa9", "mitigation", "note"};
		for (size_t k = 0; k < 7; k++) {
			snprintf(fx->ann2[k].kind, sizeof(fx->ann2[k].kind), "%s", kinds[k]);
			snprintf(fx->ann2[k].value, sizeof(fx->ann2[k].value), "value %zu %s", k, k == 6 ? VALUES[11] : "");
			fx->ann2[k].sufficient = k == 5;
			fx->ann2[k].created_at = T0 + k * 1000001u;
		}
	}
	fx->cap.id = 1;
	snprintf(fx->cap.path, sizeof(fx->cap.path), "/captures/plant \"1\".pcap");
	snprintf(fx->cap.format, sizeof(fx->cap.format), "pcap");
	snprintf(fx->cap.linktype, sizeof(fx->cap.linktype), "EN10MB");
	fx->cap.size = -1;
	fx->cap.packets = 5;
	fx->cap.first_seen = T0;
	fx->cap.last_seen = T0 + 5;
	for (size_t k = 0; k < 2; k++) {
		snprintf(fx->unknown[k].source, sizeof(fx->unknown[k].source), "http.server");
		snprintf(fx->unknown[k].value, sizeof(fx->unknown[k].value), "%s", VALUES[1 + k]);
		fx->unknown[k].count = 3;
		fx->unknown[k].devices = 2;
		fx->unknown[k].first_seen = T0;
		fx->unknown[k].example_device = 4;
	}
	fx->run.packets = 12;
	fx->run.flows = 3;
	fx->run.decode_event_names = EVENTS;
	fx->run.n_decode_events = 2;
	fx->run.decode_events[1] = 4;
	fx->run.n_parsers = 2;
	fx->run.parser_names[0] = "modbus";
	fx->run.parser_names[1] = "s7comm";
	fx->run.parser_results[1][0] = 9;
	fx->as.dev = fx->dev_as;
	fx->as.policy_name = "EU \"strict\"";
	fx->as.policy_as_of = "2026-01-01";
	fx->as.policy_path = "/etc/herkomst/policy.ini";
}

static void fixture_free(struct fixture *fx)
{
	for (size_t i = 0; i < N_DEVS; i++)
		hk_device_clear(&fx->devs[i]);
}

struct membuf {
	char *p;
	size_t len;
	FILE *f;
};

static FILE *mem_open(struct membuf *m)
{
	memset(m, 0, sizeof(*m));
	m->f = open_memstream(&m->p, &m->len);
	ck_assert_ptr_nonnull(m->f);
	return m->f;
}

static void mem_close(struct membuf *m)
{
	ck_assert_int_eq(fclose(m->f), 0);
}

static void check_same(const struct membuf *want, const struct membuf *got, const char *what)
{
	size_t i = 0;

	while (i < want->len && i < got->len && want->p[i] == got->p[i])
		i++;
	ck_assert_msg(want->len == got->len && i == want->len,
		      "%s: differs from json_dumpf(out_json()) at byte %zu of %zu/%zu: want \"%.40s\", got \"%.40s\"",
		      what, i, want->len, got->len, want->p + i, got->p + i);
}

/* The streamed writer, with and without assessment, for
 * all the devices and for counts around the piece size. */
START_TEST(test_streamed_equals_tree)
{
	static struct fixture fx;
	static const size_t counts[] = {N_DEVS, 0, 1, 63, 64, 65, 128, 129, 200};

	fixture_init(&fx);
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		for (int with_as = 0; with_as < 2; with_as++) {
			const struct out_assessment *as = with_as ? &fx.as : NULL;
			struct membuf want;
			json_t *root;

			root = out_json(fx.devs, counts[c], &fx.cap, 1, &fx.run, fx.unknown, 2, as);
			ck_assert_ptr_nonnull(root);
			ck_assert_int_eq(out_json_dump(mem_open(&want), root), 0);
			mem_close(&want);
			ck_assert_uint_gt(want.len, 100);
			if (counts[c] == N_DEVS) {
				/* the fixture does reach what is hard to render */
				static const char *const reach[] = {
					"bs \\b ff \\f vt \\u000B esc \\u001B us \\u001F nul-less \\u0002", "\\u0080", "\\u07FF",
					"\\u0800", "\\uFFFF", "\\uD800\\uDC00", "\\uDBFF\\uDFFF", "\\uD83D\\uDE00",
					"del \x7f", "\"id\": -9223372036854775808", "\"packets\": -1,",
					"\"bytes\": 9223372036854775807", "\"state_share\": 0.0,", "\"state_share\": 0.5,",
					"\"state_share\": 0.33333333333333331,", "\"state_share\": 9.9999999999999995e-8,",
					"\"state_share\": 100.0,", "\"state_share\": 1e22,", "\"q\\\"k\\t\\u00E9\": {",
					"\"annotations\": {\n        \"note\": {\n          \"created_at\"",
				};
				for (size_t k = 0; with_as && k < sizeof(reach) / sizeof(reach[0]); k++)
					ck_assert_msg(strstr(want.p, reach[k]) != NULL, "the fixture does not reach %s", reach[k]);
				/* left out: the refused kind, the infinite share's member */
				ck_assert(strstr(want.p, "bad ") == NULL);
				ck_assert(!with_as || strstr(want.p, "\"state\": \"none\",\n        \"as_of\"") != NULL);
			}
			{
				struct membuf got;
				char what[64];
				snprintf(what, sizeof(what), "%zu devices%s", counts[c], with_as ? ", assessed" : "");
				ck_assert_int_eq(out_write(mem_open(&got), OUT_JSON, fx.devs, counts[c], &fx.cap, 1, &fx.run,
							   fx.unknown, 2, as),
						 0);
				mem_close(&got);
				check_same(&want, &got, what);
				free(got.p);
			}
			free(want.p);
		}
	}
	fixture_free(&fx);
}
END_TEST

/* A device object built on its own renders as the same device inside the
 * document (where the writer shares strings, numbers and times between
 * devices); its MAC is hk_mac_fmt's, its times hk_time_fmt's. */
START_TEST(test_device_alone_equals_in_document)
{
	static struct fixture fx;
	json_t *root, *devs;
	size_t n_emoji = 0, n_ctl = 0, n_missing = 0;

	fixture_init(&fx);
	root = out_json(fx.devs, N_DEVS, &fx.cap, 1, &fx.run, fx.unknown, 2, &fx.as);
	devs = json_object_get(root, "devices");
	ck_assert_uint_eq(json_array_size(devs), N_DEVS);
	for (size_t i = 0; i < N_DEVS; i++) {
		const struct hk_device *d = &fx.devs[i];
		json_t *alone = out_device_json(d);
		char *a, *b, mac[HK_MAC_STRLEN], t[HK_TIME_STRLEN];
		const char *flags;

		out_device_json_assessed(alone, &fx.dev_as[i]);
		a = json_dumps(alone, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		b = json_dumps(json_array_get(devs, i), JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_msg(strcmp(a, b) == 0, "device %zu alone:\n%s\nin the document:\n%s", i, a, b);
		n_emoji += strstr(b, "\\uD83D\\uDE00") != NULL;
		n_ctl += strstr(b, "tab \\t newline \\n cr \\r ctl \\u0001 del \x7f") != NULL;
		free(a);
		free(b);
		if (d->has_mac)
			ck_assert_str_eq(json_string_value(json_object_get(alone, "mac")), hk_mac_fmt(d->mac, mac));
		ck_assert_str_eq(json_string_value(json_object_get(alone, "first_seen")), hk_time_fmt(d->first_seen, t));
		for (size_t k = 0; k < d->n_ev; k++) {
			json_t *e = json_array_get(json_object_get(alone, "evidence"), k);
			ck_assert_str_eq(json_string_value(json_object_get(e, "last_seen")),
					 hk_time_fmt(d->ev[k].last_seen, t));
			if (!json_object_get(e, "value"))
				n_missing++;
		}
		flags = json_string_value(json_object_get(alone, "verdict"));
		ck_assert(fx.dev_as[i].res ? flags != NULL : flags == NULL);
		json_decref(alone);
	}
	/* the fixture does reach the escapes and the refused string */
	ck_assert_uint_gt(n_emoji, 0);
	ck_assert_uint_gt(n_ctl, 0);
	ck_assert_uint_gt(n_missing, 0);
	json_decref(root);
	fixture_free(&fx);
}
END_TEST

/* The annotations as jansson made them from json_object_set_new per
 * annotation: a kind set twice keeps its first place and takes the last
 * value, a kind that is not UTF-8 is refused. The writer, which sees each
 * kind once, must give the same object (tree and text: the streamed
 * comparison holds the text to the tree). */
START_TEST(test_annotations_as_jansson_sets_them)
{
	static struct fixture fx;
	const struct out_assessed *a = NULL;
	json_t *want = json_object(), *dev, *got;
	char *w, *g;

	fixture_init(&fx);
	for (size_t i = 0; i < N_DEVS && !a; i++)
		if (fx.dev_as[i].ann == fx.ann2 && fx.dev_as[i].res)
			a = &fx.dev_as[i];
	ck_assert_ptr_nonnull(a);
	for (size_t k = 0; k < a->n_ann; k++) {
		json_t *x = json_object();
		char t[HK_TIME_STRLEN];

		json_object_set_new(x, "value", json_string(a->ann[k].value));
		if (strcmp(a->ann[k].kind, "mitigation") == 0)
			json_object_set_new(x, "sufficient", json_boolean(a->ann[k].sufficient));
		json_object_set_new(x, "created_at", a->ann[k].created_at ? json_string(hk_time_fmt(a->ann[k].created_at, t))
									  : json_null());
		json_object_set_new(want, a->ann[k].kind, x);
	}
	dev = json_object();
	out_device_json_assessed(dev, a);
	got = json_object_get(dev, "annotations");
	ck_assert_ptr_nonnull(got);
	w = json_dumps(want, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	g = json_dumps(got, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	ck_assert_msg(strcmp(w, g) == 0, "annotations:\n%s\nwant\n%s", g, w);
	/* what it holds: note first, its last value (not UTF-8: no "value"),
	 * the last mitigation's sufficient, the refused kind absent */
	ck_assert_uint_eq(json_object_size(got), 3);
	ck_assert_str_eq(json_object_iter_key(json_object_iter(got)), "note");
	ck_assert_ptr_null(json_object_get(json_object_get(got, "note"), "value"));
	ck_assert(json_is_true(json_object_get(json_object_get(got, "mitigation"), "sufficient")));
	free(w);
	free(g);
	json_decref(want);
	json_decref(dev);
	fixture_free(&fx);
}
END_TEST

/* The CSV's id, MAC, times and counters: snprintf's, hk_mac_fmt's and
 * hk_time_fmt's texts. */
START_TEST(test_csv_texts)
{
	static struct fixture fx;
	struct membuf got;
	char *line, *save = NULL;
	size_t row = 0;

	fixture_init(&fx);
	fx.devs[3].id = -5; /* negative ids are printed too */
	/* no evidence: its values' commas and line breaks would need a CSV parser here */
	for (size_t i = 0; i < N_DEVS; i++)
		fx.devs[i].n_ev = 0;
	ck_assert_int_eq(out_write(mem_open(&got), OUT_CSV, fx.devs, N_DEVS, NULL, 0, NULL, NULL, 0, NULL), 0);
	mem_close(&got);
	for (line = strtok_r(got.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save), row++) {
		char want[256], mac[HK_MAC_STRLEN], t1[HK_TIME_STRLEN], t2[HK_TIME_STRLEN];
		const struct hk_device *d;
		const char *p;

		if (row == 0)
			continue; /* the header */
		d = &fx.devs[row - 1];
		snprintf(want, sizeof(want), "%" PRId64 ",%s,", d->id, d->has_mac ? hk_mac_fmt(d->mac, mac) : "");
		ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "row %zu: want \"%s...\", got \"%s\"", row, want,
			      line);
		snprintf(want, sizeof(want), ",%s,%s,%" PRIu64 ",%" PRIu64 "\r", hk_time_fmt(d->first_seen, t1),
			 hk_time_fmt(d->last_seen, t2), d->packets, d->bytes);
		p = line + strlen(line) - strlen(want);
		ck_assert_msg(p >= line && strcmp(p, want) == 0, "row %zu: want \"...%s\", got \"%s\"", row, want, line);
	}
	ck_assert_uint_eq(row, N_DEVS + 1);
	free(got.p);
	fixture_free(&fx);
}
END_TEST

/* --- the table as printf wrote it (the writer before it formatted rows by
 * hand): the reference the writer's bytes are checked against ------------- */

struct ref_list {
	const char *v[64];
	size_t n;
};

static void ref_add_unique(struct ref_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return;
	ck_assert_uint_lt(l->n, 64);
	l->v[l->n++] = s;
}

static int ref_ip_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	struct hk_addr x, y;
	if (hk_addr_parse(a, &x) && hk_addr_parse(b, &y))
		return hk_addr_cmp(&x, &y);
	return strcmp(a, b);
}

static int ref_str_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static void ref_protocols(const struct hk_device *d, struct ref_list *all)
{
	for (size_t i = 0; i < d->n_ev; i++) {
		const struct hk_evidence *e = &d->ev[i];
		const char *a = strchr(e->value, '/'), *b = a ? strchr(a + 1, '/') : NULL;
		char *end;
		if (strcmp(e->attribute, HK_A_CLIENT) == 0)
			ref_add_unique(all, e->value);
		else if (strcmp(e->attribute, HK_A_SERVICE) == 0 && b && strtoul(a + 1, &end, 10) <= 65535 &&
			 end == b && strcmp(b + 1, "Unknown") != 0)
			ref_add_unique(all, b + 1);
	}
	for (size_t i = 0; i < all->n; i++)
		if (strcmp(all->v[i], "Unknown") == 0) {
			all->v[i] = all->v[--all->n];
			break;
		}
	if (all->n > 1)
		qsort(all->v, all->n, sizeof(*all->v), ref_str_cmp);
}

static void ref_cut(char *dst, size_t dstsz, const char *s, size_t width)
{
	if (strlen(s) <= width)
		snprintf(dst, dstsz, "%s", s);
	else
		snprintf(dst, dstsz, "%.*s~", (int)(width - 1), s);
}

static const char *ref_flag(const struct assess_result *r, char *buf, size_t sz)
{
	static const char *const names[4] = {"1", "2", "3A", "3B"};
	const struct assess_criterion *c[4] = {&r->c1, &r->c2, &r->c3a, &r->c3b};
	size_t used;

	if (r->verdict != ASSESS_PARTIAL) {
		snprintf(buf, sz, "%s", r->verdict == ASSESS_FLAGGED ? "FLAGGED" : r->verdict == ASSESS_CLEAR ? "-" : "?");
		return buf;
	}
	used = (size_t)snprintf(buf, sz, "partial:");
	for (int i = 0, k = 0; i < 4 && used < sz; i++)
		if (c[i]->holds)
			used += (size_t)snprintf(buf + used, sz - used, "%s%s", k++ ? "," : "", names[i]);
	return buf;
}

/* The rows only (the header and the summary are still printf's); the
 * summary's counts in sum: vendors, local MACs, routers, IP-only, weak
 * origins (assessed only). */
static void ref_rows(FILE *f, const struct hk_device *devs, size_t n, const struct out_assessment *as, size_t sum[5])
{
	memset(sum, 0, 5 * sizeof(*sum));
	for (size_t i = 0; i < n; i++) {
		const struct hk_device *d = &devs[i];
		struct ref_list ips = {0}, protos = {0};
		char mac[HK_MAC_STRLEN], ipcol[64], vend[64], protocol[128], pcol[64];
		const struct hk_evidence *me = hk_device_best(d, HK_A_MANUFACTURER), *re = hk_device_best(d, HK_A_ROLE);
		const char *m = me ? me->value : NULL, *role = re ? re->value : NULL;

		for (size_t k = 0; k < d->n_ev; k++)
			if (strcmp(d->ev[k].attribute, HK_A_IP) == 0)
				ref_add_unique(&ips, d->ev[k].value);
		if (ips.n > 1)
			qsort(ips.v, ips.n, sizeof(*ips.v), ref_ip_cmp);
		ref_protocols(d, &protos);
		if (ips.n > 1)
			snprintf(ipcol, sizeof(ipcol), "%s +%zu", ips.v[0], ips.n - 1);
		else
			snprintf(ipcol, sizeof(ipcol), "%s", ips.n ? ips.v[0] : "-");
		if (m)
			ref_cut(vend, sizeof(vend), m, 28);
		else if (d->has_mac && hk_mac_is_local(d->mac))
			snprintf(vend, sizeof(vend), "(locally administered)");
		else if (!d->has_mac)
			snprintf(vend, sizeof(vend), "%s", d->via_mac[0] ? "(behind a gateway)" : "(no MAC seen)");
		else
			snprintf(vend, sizeof(vend), "(unknown)");
		protocol[0] = '\0';
		for (size_t k = 0; k < protos.n && k < 4; k++) {
			size_t used = strlen(protocol);
			snprintf(protocol + used, sizeof(protocol) - used, "%s%s", k ? "," : "", protos.v[k]);
		}
		if (protos.n > 4) {
			size_t used = strlen(protocol);
			snprintf(protocol + used, sizeof(protocol) - used, ",+%zu", protos.n - 4);
		}
		ref_cut(pcol, sizeof(pcol), protocol[0] ? protocol : "-", 26);
		fprintf(f, "%4" PRId64 "  %-17s  %-22.22s  %-28s  %-2s  %-8.8s  %-26s  %9" PRIu64, d->id,
			d->has_mac ? hk_mac_fmt(d->mac, mac) : "-", ipcol, vend,
			d->oui_country[0] ? d->oui_country : "-", role ? role : "-", pcol, d->packets);
		if (as) {
			const struct assess_result *r = as->dev[i].res;
			char flag[32], cc[8];
			snprintf(cc, sizeof(cc), "%s%s", r && r->origin_known ? r->control_country : "?",
				 r && r->origin_known && r->origin_weak ? "*" : "");
			fprintf(f, "  %-6s  %s", cc, r ? ref_flag(r, flag, sizeof(flag)) : "?");
			sum[4] += r && r->origin_known && r->origin_weak;
		}
		fputc('\n', f);
		sum[0] += m != NULL;
		sum[1] += d->has_mac && hk_mac_is_local(d->mac);
		sum[2] += role && strcmp(role, "router") == 0;
		sum[3] += !d->has_mac;
	}
}

/* The fixture, plus what only the table's columns cut or count: long and
 * many addresses, more protocols than the column lists, long roles and
 * manufacturers, routers, a negative id, a locally administered MAC. */
static void table_extras(struct fixture *fx)
{
	static const char *const protos[] = {"Modbus", "BACnet", "DNP3", "S7comm", "OPC-UA", "Unknown", "HTTP"};
	char v[64];

	fx->devs[3].id = -5;
	fx->devs[4].id = 123456;
	fx->devs[5].packets = UINT64_MAX;
	for (size_t k = 0; k < 5; k++) {
		snprintf(v, sizeof(v), "2001:db8:aaaa:bbbb:cccc:dddd:eeee:%zu", 9 - k);
		add_ev(&fx->devs[10], HK_A_IP, v, "traffic", 60, 1, T0, T0);
		snprintf(v, sizeof(v), "10.0.0.%zu", 20 - k);
		add_ev(&fx->devs[11], HK_A_IP, v, "arp", 90, 1, T0, T0);
	}
	for (size_t k = 0; k < sizeof(protos) / sizeof(protos[0]); k++) {
		add_ev(&fx->devs[12], HK_A_CLIENT, protos[k], "dpi", 50, 1, T0, T0);
		snprintf(v, sizeof(v), "tcp/%zu/%s", 100 + k, protos[k]);
		add_ev(&fx->devs[13], HK_A_SERVICE, v, "dpi", 50, 1, T0, T0);
	}
	add_ev(&fx->devs[14], HK_A_CLIENT, "AVeryLongProtocolNameThatIsCut", "dpi", 50, 1, T0, T0);
	add_ev(&fx->devs[15], HK_A_ROLE, "router", "traffic.gateway.many-ips", 99, 1, T0, T0);
	add_ev(&fx->devs[16], HK_A_ROLE, "scada-server", "sig.x", 99, 1, T0, T0);
	add_ev(&fx->devs[17], HK_A_MANUFACTURER, "Exactly Twenty-Eight Bytes!!", "sig.x", 99, 1, T0, T0);
	add_ev(&fx->devs[18], HK_A_MANUFACTURER, "Twenty-Nine Bytes, one too many", "sig.x", 99, 1, T0, T0);
	fx->devs[19].has_mac = true;
	fx->devs[19].mac[0] = 0x02; /* locally administered */
	fx->devs[19].n_ev = 0;
	for (size_t i = 10; i < 20; i++)
		hk_device_sort_evidence(&fx->devs[i]);
}

/* The table, with and without assessment, for counts
 * around the piece size: the rows are ref_rows' bytes, the summary counts
 * the devices' routers, vendors and weak origins. */
START_TEST(test_table_equals_printf)
{
	static struct fixture fx;
	static const size_t counts[] = {N_DEVS, 0, 1, 63, 64, 65, 128, 129, 200};
	size_t n_long = 0;

	fixture_init(&fx);
	table_extras(&fx);
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		for (int with_as = 0; with_as < 2; with_as++) {
			const struct out_assessment *as = with_as ? &fx.as : NULL;
			struct membuf rows;
			const char *body;
			size_t sum[5];
			char want[256];

			ref_rows(mem_open(&rows), fx.devs, counts[c], as, sum);
			mem_close(&rows);
			{
				struct membuf got;
				char what[64];
				size_t at;
				snprintf(what, sizeof(what), "table, %zu devices%s", counts[c], with_as ? ", assessed" : "");
				ck_assert_int_eq(out_write(mem_open(&got), OUT_TABLE, fx.devs, counts[c], &fx.cap, 1, &fx.run,
							   fx.unknown, 2, as),
						 0);
				mem_close(&got);
				/* the header line, then the rows */
				body = strchr(got.p, '\n');
				ck_assert_ptr_nonnull(body);
				body++;
				for (at = 0; at < rows.len && body[at] == rows.p[at]; at++)
					;
				ck_assert_msg(at == rows.len && body[rows.len] == '\n',
					      "%s: the rows differ from printf's at byte %zu: got \"%.60s\", want \"%.60s\"",
					      what, at, body + at, rows.p + at);
				snprintf(want, sizeof(want),
					 "\n%zu devices: %zu with a manufacturer, %zu locally administered MACs, %zu "
					 "gateways, %zu IP-only",
					 counts[c], sum[0], sum[1], sum[2], sum[3]);
				ck_assert_msg(strncmp(body + rows.len, want, strlen(want)) == 0, "%s: summary \"%.120s\", want \"%s\"",
					      what, body + rows.len, want);
				/* the weak origins, counted per piece: the line right
				 * after the assessment's, and only when there are any */
				if (as) {
					const char *line = strstr(body + rows.len, "\nassessment: ");

					ck_assert_msg(line != NULL, "%s: no assessment line", what);
					line = strchr(line + 1, '\n');
					ck_assert_ptr_nonnull(line);
					line++;
					if (sum[4]) {
						snprintf(want, sizeof(want),
							 "* %zu origin%s from the MAC block's registrant only: the "
							 "registrant is not the brand or its owner, so treat %s as "
							 "a lead\n",
							 sum[4], sum[4] == 1 ? "" : "s", sum[4] == 1 ? "it" : "them");
						ck_assert_msg(strncmp(line, want, strlen(want)) == 0,
							      "%s: weak line \"%.120s\", want \"%s\"", what, line,
							      want);
					} else {
						ck_assert_msg(line[0] != '*', "%s: a weak line with no weak origin: \"%.120s\"",
							      what, line);
					}
				}
				ck_assert_msg(as || strstr(body + rows.len, "registrant only") == NULL,
					      "%s: a weak line without assessment", what);
				free(got.p);
			}
			if (counts[c] == N_DEVS) {
				ck_assert_uint_gt(sum[2], 0); /* a router */
				ck_assert_uint_gt(sum[1], 0); /* a local MAC */
				if (as)
					ck_assert_uint_gt(sum[4], 1); /* weak origins, plural */
				n_long += strstr(rows.p, "Twenty-Nine Bytes, one too ~") != NULL;
				n_long += strstr(rows.p, "BACnet,DNP3,HTTP,Modbus,+2") != NULL;
				n_long += strstr(rows.p, "10.0.0.16 +4") != NULL;
			}
			free(rows.p);
		}
	}
	/* the extras do reach the cuts */
	ck_assert_uint_eq(n_long, 6);
	fixture_free(&fx);
}
END_TEST

/* The appender and the decimal text the writers (and the pipeline, the
 * assessment) build their texts with give what snprintf gives: the same
 * bytes, the same cut at dstsz - 1, terminated, at every size and split. */
START_TEST(test_str_cat_equals_snprintf)
{
	static const char *const parts[] = {"out ", "203.0.113.77", " ", "tcp", "/", "", "443 TLS"};
	const size_t n_parts = sizeof(parts) / sizeof(parts[0]);
	const uint64_t nums[] = {0, 7, 10, 65535, 4294967295u, UINT64_MAX};
	char want[64], got[64], num[HK_U64_STRLEN];

	for (size_t sz = 1; sz <= sizeof(got); sz++) {
		size_t used = 0;

		memset(got, 'x', sizeof(got));
		got[0] = '\0';
		for (size_t k = 0; k < n_parts; k++) {
			hk_str_cat(got, sz, &used, parts[k]);
			ck_assert_uint_lt(used, sz);
			ck_assert_uint_eq(got[used], '\0');
		}
		snprintf(want, sz, "%s%s%s%s%s%s%s", parts[0], parts[1], parts[2], parts[3], parts[4], parts[5],
			 parts[6]);
		ck_assert_msg(strcmp(got, want) == 0, "size %zu: \"%s\", want \"%s\"", sz, got, want);
	}
	for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
		snprintf(want, sizeof(want), "%" PRIu64, nums[k]);
		ck_assert_str_eq(hk_u64_text(nums[k], num), want);
	}
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("json");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_streamed_equals_tree);
	tcase_add_test(tc, test_device_alone_equals_in_document);
	tcase_add_test(tc, test_annotations_as_jansson_sets_them);
	tcase_add_test(tc, test_csv_texts);
	tcase_add_test(tc, test_table_equals_printf);
	tcase_add_test(tc, test_str_cat_equals_snprintf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(output_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
