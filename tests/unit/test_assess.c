/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The assessment of letter 26643-1007 per device (src/inventory/assess.c):
 * every combination of criteria 1, 2 and 3A with and without a mitigation,
 * state ownership in a country no list names, the owner annotation, the weak
 * OUI-only origin, unknown origins, 3A from roles, protocols and external
 * peers, the exact evidence lines, and the annotations as the store keeps
 * them (set, replace, clear, load).
 *
 * Ownership, policy and geolocation are small tables here, behind the
 * contracts of origin.h, policy.h and geoip.h: this tests the rules, not the
 * loaders (which have tests of their own). The linker takes these
 * definitions before the library's.
 */
#include <check.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "herkomst/device.h"
#include "inventory/assess.h"
#include "inventory/geoip.h"
#include "inventory/origin.h"
#include "inventory/policy.h"
#include "store/store.h"
#include "claim.h"

/* --- the contracts, as tables ---------------------------------------------- */

struct origin_db {
	int unused;
};
struct policy {
	int unused;
};
struct geoip {
	int unused;
};

static const struct origin_company companies[] = {
	{"hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd.", "CN", "cetc", "CN",
	 "CETC via CETHIK Group (SASAC)", ORIGIN_STATE_CONTROLLED, 36.4, "2024-06-30", "Hikvision annual report 2023"},
	{"cetc", "China Electronics Technology Group Corporation", "CN", NULL, "CN", "SASAC",
	 ORIGIN_STATE_CONTROLLED, 100, "2024", "SASAC list of central enterprises"},
	{"acme-cn", "Acme Shenzhen Co., Ltd.", "CN", NULL, "CN", "its founders", ORIGIN_STATE_NONE, -1, "2025",
	 "test"},
	{"acme-ir", "Acme Tehran", "IR", NULL, "IR", "its founders", ORIGIN_STATE_NONE, -1, "2025", "test"},
	{"acme-de", "Acme GmbH", "DE", NULL, "DE", "widely held", ORIGIN_STATE_NONE, -1, "2025", "test"},
	{"kongsberg", "Kongsberg Gruppen ASA", "NO", NULL, "NO", "Norwegian state (Ministry of Trade)",
	 ORIGIN_STATE_CONTROLLED, 50.04, "2024", "Kongsberg annual report 2024"},
	{"axis", "Axis AB", "SE", "canon", "JP", "Canon Inc.", ORIGIN_STATE_NONE, -1, "2024", "test"},
	{"canon", "Canon Inc.", "JP", NULL, "JP", "widely held", ORIGIN_STATE_NONE, -1, "2024", "test"},
	{"nocountry", "Nowhere Ltd", "", NULL, "", "", ORIGIN_STATE_NONE, -1, "2025", "test"},
	{"dahua", "Zhejiang Dahua Technology Co., Ltd.", "CN", NULL, "CN", "Fu Liquan", ORIGIN_STATE_MINORITY, 8.8,
	 "2024", "China Mobile stake 2020"},
};

static const struct {
	const char *name, *company, *rule;
} aliases[] = {
	{"Hikvision", "hikvision", "aliases.tsv:1"},
	{"Hangzhou Hikvision Digital Technology Co.,Ltd.", "hikvision", "aliases.tsv:2"},
	{"Acme CN", "acme-cn", "aliases.tsv:3"},
	{"Acme IR", "acme-ir", "aliases.tsv:4"},
	{"Acme DE", "acme-de", "aliases.tsv:5"},
	{"Kongsberg", "kongsberg", "aliases.tsv:6"},
	{"Axis Communications AB", "axis", "aliases.tsv:7"},
	{"Nowhere", "nocountry", "aliases.tsv:8"},
	{"Dahua", "dahua", "aliases.tsv:9"},
};

static const struct {
	const char *cc;
	int criterion;
	const char *ref;
} policy_rows[] = {
	{"CN", 1, "National Intelligence Law (2017) art. 7, 14"},
	{"CN", 2, "Dreigingsbeeld Statelijke Actoren 2 (2022)"},
	{"IR", 2, "Dreigingsbeeld Statelijke Actoren 2 (2022)"},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const struct origin_company *origin_company(const struct origin_db *db, const char *id)
{
	(void)db;
	for (size_t i = 0; id && i < N_OF(companies); i++)
		if (strcmp(companies[i].id, id) == 0)
			return &companies[i];
	return NULL;
}

const struct origin_company *origin_resolve(const struct origin_db *db, const char *name, const char **ret_rule)
{
	for (size_t i = 0; i < N_OF(aliases); i++)
		if (strcasecmp(aliases[i].name, name) == 0) {
			if (ret_rule)
				*ret_rule = aliases[i].rule;
			return origin_company(db, aliases[i].company);
		}
	return NULL;
}

const struct origin_company *origin_top(const struct origin_db *db, const struct origin_company *c)
{
	for (unsigned d = 0; d < ORIGIN_PARENT_DEPTH_MAX && c->parent_id; d++) {
		const struct origin_company *p = origin_company(db, c->parent_id);
		if (!p)
			break;
		c = p;
	}
	return c;
}

const char *origin_state_name(enum origin_state s)
{
	static const char *const names[] = {"none", "linked-via-parent", "minority", "controlled"};
	return (unsigned)s < N_OF(names) ? names[s] : "none";
}

bool policy_holds(const struct policy *p, int criterion, const char *cc, const char **ret_reference)
{
	(void)p;
	for (size_t i = 0; cc && i < N_OF(policy_rows); i++)
		if (policy_rows[i].criterion == criterion && strcmp(policy_rows[i].cc, cc) == 0) {
			if (ret_reference)
				*ret_reference = policy_rows[i].ref;
			return true;
		}
	return false;
}

const char *policy_name(const struct policy *p)
{
	(void)p;
	return "test policy";
}

const char *geoip_country(const struct geoip *g, const struct hk_addr *a)
{
	struct hk_addr us;
	(void)g;
	hk_addr_parse("203.0.113.77", &us);
	return hk_addr_eq(a, &us) ? "US" : NULL;
}

static struct origin_db the_origin;
static struct policy the_policy;
static struct geoip the_geo;
static const struct assess_ctx ctx = {&the_origin, &the_policy, &the_geo};

/* --- devices ----------------------------------------------------------------- */

static void add(struct hk_device *d, const char *attr, const char *value, const char *source, uint8_t conf)
{
	struct hk_evidence e = test_claim(attr, value, source, conf, 1000, 2000, 1);

	ck_assert(hk_device_add_evidence(d, &e));
}

static void device_init(struct hk_device *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->key, sizeof(d->key), "mac:00:11:22:33:44:55");
	d->has_mac = true;
}

static void expect_lines(const struct assess_criterion *c, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n && i < c->n_why; i++)
		ck_assert_str_eq(c->why[i], want[i]);
	ck_assert_uint_eq(c->n_why, n);
}

#define EXPECT_LINES(c, ...)                                                                                      \
	do {                                                                                                       \
		static const char *const want_[] = {__VA_ARGS__};                                                 \
		expect_lines((c), want_, N_OF(want_));                                                             \
	} while (0)

/* --- the 16 combinations -------------------------------------------------------- */

struct combo {
	bool c1, c2, c3a, mitigated;
	enum assess_verdict verdict;
};

static const struct combo combos[16] = {
	/* 1      2      3A     mitigation  verdict */
	{false, false, false, false, ASSESS_CLEAR},
	{false, false, true, false, ASSESS_PARTIAL},
	{false, true, false, false, ASSESS_PARTIAL},
	{false, true, true, false, ASSESS_PARTIAL},
	{true, false, false, false, ASSESS_PARTIAL},
	{true, false, true, false, ASSESS_PARTIAL},
	{true, true, false, false, ASSESS_PARTIAL},
	{true, true, true, false, ASSESS_FLAGGED},
	{false, false, false, true, ASSESS_CLEAR},
	{false, false, true, true, ASSESS_PARTIAL},
	{false, true, false, true, ASSESS_PARTIAL},
	{false, true, true, true, ASSESS_PARTIAL},
	{true, false, false, true, ASSESS_PARTIAL},
	{true, false, true, true, ASSESS_PARTIAL},
	{true, true, false, true, ASSESS_PARTIAL},
	{true, true, true, true, ASSESS_PARTIAL}, /* all three, but mitigated: not flagged */
};

/* assess_device into r, freeing what r held (r starts zeroed) */
static void assess_into(const struct hk_device *d, const struct assess_annotations *ann, const struct assess_ctx *with,
			struct assess_result *r)
{
	assess_result_clear(r);
	ck_assert_int_eq(assess_device(d, ann, with, r), 0);
}

START_TEST(test_combinations)
{
	const struct combo *k = &combos[_i];
	/* criterion 1 without 2: state-owned in a country no list names;
	 * 2 without 1: a country only on the criterion-2 list */
	const char *maker = k->c1 ? (k->c2 ? "Acme CN" : "Kongsberg") : (k->c2 ? "Acme IR" : "Acme DE");
	struct assess_annotations ann = {0};
	struct assess_result r = {0};
	struct hk_device d;

	device_init(&d);
	add(&d, HK_A_MANUFACTURER, maker, "lldp.sysdesc", 90);
	add(&d, HK_A_ROLE, k->c3a ? "plc" : "printer", "sig.test", 70);
	if (k->mitigated) {
		ann.mitigation = "own VLAN, no route out";
		ann.mitigation_sufficient = true;
	}
	assess_into(&d, &ann, &ctx, &r);
	ck_assert(r.origin_known);
	ck_assert_int_eq(r.c1.holds, k->c1);
	ck_assert_int_eq(r.c2.holds, k->c2);
	ck_assert_int_eq(r.c3a.holds, k->c3a);
	ck_assert_int_eq(r.c3b.holds, k->mitigated);
	ck_assert_msg(r.verdict == k->verdict, "case %d (1=%d 2=%d 3A=%d mitigated=%d): verdict %s, want %s", _i,
		      k->c1, k->c2, k->c3a, k->mitigated, assess_verdict_name(r.verdict),
		      assess_verdict_name(k->verdict));
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

START_TEST(test_insufficient_mitigation)
{
	struct assess_annotations ann = {.mitigation = "firewall rule planned", .mitigation_sufficient = false};
	struct assess_result r = {0};
	struct hk_device d;

	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Acme CN", "lldp.sysdesc", 80);
	add(&d, HK_A_ROLE, "camera", "sig.test", 70);
	assess_into(&d, &ann, &ctx, &r);
	ck_assert(r.c3b.holds);
	ck_assert_int_eq(r.verdict, ASSESS_FLAGGED);
	EXPECT_LINES(&r.c3b, "mitigation recorded (not sufficient): firewall rule planned");

	ann.mitigation_sufficient = true;
	assess_into(&d, &ann, &ctx, &r);
	ck_assert_int_eq(r.verdict, ASSESS_PARTIAL);
	EXPECT_LINES(&r.c3b, "mitigation recorded (sufficient): firewall rule planned");

	assess_into(&d, NULL, &ctx, &r);
	ck_assert(!r.c3b.holds);
	EXPECT_LINES(&r.c3b, "no mitigation recorded");
	ck_assert_int_eq(r.verdict, ASSESS_FLAGGED);
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

/* --- origin ------------------------------------------------------------------ */

START_TEST(test_flagged_lines)
{
	struct assess_result r = {0};
	struct hk_device d;

	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Hikvision", "sig.http.hikvision", 75);
	add(&d, HK_A_MANUFACTURER, "Hangzhou Hikvision Digital Technology Co.,Ltd.", "oui.MA-L", 30);
	add(&d, HK_A_ROLE, "camera", "sig.http.hikvision", 65);
	hk_device_sort_evidence(&d);
	assess_into(&d, NULL, &ctx, &r);

	ck_assert(r.origin_known);
	ck_assert_str_eq(r.manufacturer, "Hikvision");
	ck_assert_str_eq(r.manufacturer_source, "sig.http.hikvision");
	ck_assert_str_eq(r.company_id, "hikvision");
	ck_assert_str_eq(r.company, "Hangzhou Hikvision Digital Technology Co., Ltd.");
	ck_assert_str_eq(r.controller, "SASAC"); /* the top of the chain */
	ck_assert_str_eq(r.control_country, "CN");
	ck_assert_str_eq(r.hq_country, "CN");
	ck_assert_str_eq(r.state, "controlled");
	ck_assert(r.state_share > 36.39 && r.state_share < 36.41); /* the nearest of equal grades */
	ck_assert_str_eq(r.as_of, "2024-06-30");
	ck_assert_str_eq(r.basis, "\"Hikvision\" (sig.http.hikvision, 75) -> aliases.tsv:1 -> hikvision -> cetc");
	EXPECT_LINES(&r.c1,
		     "control country CN is on the criterion-1 list of policy \"test policy\": National Intelligence "
		     "Law (2017) art. 7, 14",
		     "state-owned: controlled, 36.4 % (hikvision, as of 2024-06-30): Hikvision annual report 2023");
	EXPECT_LINES(&r.c2, "control country CN is on the criterion-2 list of policy \"test policy\": "
			    "Dreigingsbeeld Statelijke Actoren 2 (2022)");
	EXPECT_LINES(&r.c3a, "role camera (sig.http.hikvision, 65)");
	EXPECT_LINES(&r.c3b, "no mitigation recorded");
	ck_assert_int_eq(r.verdict, ASSESS_FLAGGED);
	ck_assert_str_eq(assess_verdict_name(r.verdict), "flagged");
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

START_TEST(test_state_owned_unlisted_country)
{
	struct assess_result r = {0};
	struct hk_device d;

	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Kongsberg", "snmp.enterprise", 60);
	add(&d, HK_A_ROLE, "plc", "s7comm.setup", 70);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert_str_eq(r.control_country, "NO");
	ck_assert(r.c1.holds);
	ck_assert(!r.c2.holds);
	EXPECT_LINES(&r.c1, "control country NO is not on the criterion-1 list of policy \"test policy\"",
		     "state-owned: controlled, 50.04 % (kongsberg, as of 2024): Kongsberg annual report 2024");
	EXPECT_LINES(&r.c2, "control country NO is not on the criterion-2 list of policy \"test policy\"");
	/* the role an S7 parser gave says the device speaks S7comm, too */
	EXPECT_LINES(&r.c3a, "role plc (s7comm.setup, 70)", "speaks S7comm (s7comm.setup, 70)");
	ck_assert_int_eq(r.verdict, ASSESS_PARTIAL);

	/* without a policy, state ownership still makes criterion 1 hold */
	{
		const struct assess_ctx nopol = {&the_origin, NULL, NULL};
		assess_into(&d, NULL, &nopol, &r);
		ck_assert(r.c1.holds);
		ck_assert(!r.c2.holds);
		EXPECT_LINES(&r.c2, "no country policy loaded: criterion 2 cannot hold by country");
		ck_assert_int_eq(r.verdict, ASSESS_PARTIAL);
	}
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

START_TEST(test_parent_controls)
{
	struct assess_result r = {0};
	struct hk_device d;

	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Axis Communications AB", "http.server", 70);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert_str_eq(r.company_id, "axis");
	ck_assert_str_eq(r.hq_country, "SE");
	ck_assert_str_eq(r.control_country, "JP");
	ck_assert_str_eq(r.controller, "widely held"); /* Canon's own row */
	ck_assert_str_eq(r.state, "none");
	ck_assert(r.state_share < 0);
	ck_assert_str_eq(r.basis, "\"Axis Communications AB\" (http.server, 70) -> aliases.tsv:7 -> axis -> canon");
	EXPECT_LINES(&r.c1, "control country JP is not on the criterion-1 list of policy \"test policy\"",
		     "no state ownership recorded for axis");
	ck_assert_int_eq(r.verdict, ASSESS_CLEAR);
	EXPECT_LINES(&r.c3a, "no access-giving role, industrial or remote-access protocol, or external peer seen");
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

START_TEST(test_owner_override)
{
	struct assess_annotations ann = {.owner_company = "hikvision"};
	struct assess_result r = {0};
	struct hk_device d;

	/* a white-label camera: the brand on the box says Acme DE */
	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Acme DE", "http.server", 70);
	add(&d, HK_A_ROLE, "camera", "sig.test", 65);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert_str_eq(r.company_id, "acme-de");
	ck_assert_int_eq(r.verdict, ASSESS_PARTIAL);

	assess_into(&d, &ann, &ctx, &r);
	ck_assert(r.origin_known);
	ck_assert_str_eq(r.company_id, "hikvision");
	ck_assert_str_eq(r.control_country, "CN");
	ck_assert_str_eq(r.manufacturer_source, "annotation");
	ck_assert_str_eq(r.basis,
			 "owner set by annotation: hikvision -> cetc (overrides the claim \"Acme DE\" (http.server, 70))");
	ck_assert_int_eq(r.verdict, ASSESS_FLAGGED);

	/* an annotation naming a company the table does not know: unknown, not the claim */
	ann.owner_company = "no-such-company";
	assess_into(&d, &ann, &ctx, &r);
	ck_assert(!r.origin_known);
	ck_assert_int_eq(r.verdict, ASSESS_UNKNOWN);
	EXPECT_LINES(&r.c1, "origin unknown: owner annotation \"no-such-company\" names no company in the ownership "
			    "table");
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

START_TEST(test_oui_only_is_weak)
{
	struct assess_result r = {0};
	struct hk_device d;

	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Hangzhou Hikvision Digital Technology Co.,Ltd.", "oui.MA-L", 30);
	add(&d, HK_A_ROLE, "camera", "sig.test", 65);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert(r.origin_known);
	ck_assert(r.origin_weak);
	ck_assert_str_eq(r.manufacturer_source, "oui.MA-L");
	ck_assert_str_eq(r.basis, "weak: only the OUI registrant resolved (registrant is not brand or owner): "
				  "\"Hangzhou Hikvision Digital Technology Co.,Ltd.\" (oui.MA-L, 30) -> aliases.tsv:2 -> "
				  "hikvision -> cetc");
	ck_assert_int_eq(r.verdict, ASSESS_FLAGGED);

	/* a stronger claim that resolves wins, even at lower rank than one that does not */
	add(&d, HK_A_MANUFACTURER, "Unknown Brand Inc", "modbus.devid.vendor", 90);
	add(&d, HK_A_MANUFACTURER, "Acme DE", "http.server", 70);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert_str_eq(r.company_id, "acme-de");
	ck_assert(!r.origin_weak);
	ck_assert_str_eq(r.basis,
			 "\"Acme DE\" (http.server, 70) -> aliases.tsv:5 -> acme-de (stronger claims match no alias)");
	ck_assert_int_eq(r.verdict, ASSESS_PARTIAL);
	hk_device_clear(&d);

	/* a strong claim that matches nothing leaves the OUI registrant, and says so */
	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Unknown Brand Inc", "modbus.devid.vendor", 90);
	add(&d, HK_A_MANUFACTURER, "Dahua", "oui.manuf", 25);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert_str_eq(r.company_id, "dahua");
	ck_assert_str_eq(r.basis, "weak: only the OUI registrant resolved (registrant is not brand or owner, stronger "
				  "claims match no alias): \"Dahua\" (oui.manuf, 25) -> aliases.tsv:9 -> dahua");
	EXPECT_LINES(&r.c1,
		     "control country CN is on the criterion-1 list of policy \"test policy\": National Intelligence "
		     "Law (2017) art. 7, 14",
		     "state-owned: minority, 8.8 % (dahua, as of 2024): China Mobile stake 2020");
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

START_TEST(test_unknown_is_never_clear)
{
	struct assess_result r = {0};
	struct hk_device d;

	/* no manufacturer at all, nothing that gives access */
	device_init(&d);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert(!r.origin_known);
	ck_assert_int_eq(r.verdict, ASSESS_UNKNOWN);
	ck_assert_str_eq(assess_verdict_name(r.verdict), "unknown");
	ck_assert_str_eq(r.basis, "no manufacturer claim");
	EXPECT_LINES(&r.c1, "origin unknown: no manufacturer claim");
	EXPECT_LINES(&r.c2, "origin unknown: no manufacturer claim");
	ck_assert(!r.c1.holds && !r.c2.holds && !r.c3a.holds);

	/* a manufacturer the table does not know, with a mitigation recorded */
	add(&d, HK_A_MANUFACTURER, "Unknown Brand Inc", "modbus.devid.vendor", 90);
	add(&d, HK_A_MANUFACTURER, "Other Brand", "http.server", 70);
	{
		struct assess_annotations ann = {.mitigation = "isolated", .mitigation_sufficient = true};
		assess_into(&d, &ann, &ctx, &r);
	}
	ck_assert_int_eq(r.verdict, ASSESS_UNKNOWN);
	ck_assert_str_eq(r.basis, "no manufacturer claim matches an alias: \"Unknown Brand Inc\" (modbus.devid.vendor, "
				  "90) and others");

	/* no ownership data */
	{
		const struct assess_ctx none = {NULL, &the_policy, NULL};
		add(&d, HK_A_MANUFACTURER, "Acme DE", "lldp.sysdesc", 95);
		assess_into(&d, NULL, &none, &r);
		ck_assert_int_eq(r.verdict, ASSESS_UNKNOWN);
		ck_assert_str_eq(r.basis, "no ownership data loaded");
		assess_into(&d, NULL, NULL, &r);
		ck_assert_int_eq(r.verdict, ASSESS_UNKNOWN);
	}

	/* a company without a control country in the table */
	hk_device_clear(&d);
	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Nowhere", "lldp.sysdesc", 80);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert(!r.origin_known);
	ck_assert_str_eq(r.company_id, "nocountry");
	ck_assert_int_eq(r.verdict, ASSESS_UNKNOWN);
	ck_assert_str_eq(r.basis, "\"Nowhere\" (lldp.sysdesc, 80) -> aliases.tsv:8 -> nocountry; no control country "
				  "recorded");
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

/* --- criterion 3A ------------------------------------------------------------ */

START_TEST(test_access_lines)
{
	struct assess_result r = {0};
	struct hk_device d;

	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Acme DE", "lldp.sysdesc", 80);
	/* roles: one line per access-giving value, strongest claim first */
	add(&d, HK_A_ROLE, "plc", "sig.ot.modbus.server", 35);
	add(&d, HK_A_ROLE, "plc", "s7comm.setup", 70);
	add(&d, HK_A_ROLE, "hmi", "sig.ot.modbus.client", 30);
	add(&d, HK_A_ROLE, "printer", "sig.test", 80);
	/* industrial: nDPI's service and client names, the strongest source of a value */
	add(&d, HK_A_SERVICE, "tcp/502/Modbus", "ndpi", 80);
	add(&d, HK_A_SERVICE, "tcp/502/Modbus", "ndpi.guess", 40);
	add(&d, HK_A_CLIENT, "DNP3", "ndpi", 80);
	add(&d, HK_A_FINGERPRINT, "server", "modbus.role", 50);
	/* a protocol only our parser saw */
	add(&d, HK_A_FINGERPRINT, "1", "bacnet.device_instance", 50);
	add(&d, HK_A_ROLE, "bms-controller", "bacnet.i_am", 70);
	add(&d, HK_A_FINGERPRINT, "1", "mms.request", 50);
	/* remote access, and protocols that give none */
	add(&d, HK_A_SERVICE, "tcp/22/SSH", "ndpi", 80);
	add(&d, HK_A_SERVICE, "tcp/80/HTTP", "ndpi", 80);
	add(&d, HK_A_CLIENT, "TeamViewer", "ndpi", 80);
	add(&d, HK_A_CLIENT, "DNS", "ndpi", 80);
	/* external peers, with and without a country */
	add(&d, HK_A_FINGERPRINT, "out 203.0.113.77 tcp/443 TLS", "flow.peer", 50);
	add(&d, HK_A_FINGERPRINT, "in 198.51.100.9 tcp/22 SSH", "flow.peer", 50);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert(r.c3a.holds);
	/* equal confidence: the source decides (as hk_device_best does) */
	EXPECT_LINES(&r.c3a, "role bms-controller (bacnet.i_am, 70)", "role plc (s7comm.setup, 70)",
		     "role hmi (sig.ot.modbus.client, 30)", "serves tcp/502/Modbus (ndpi, 80)",
		     "speaks S7comm (s7comm.setup, 70)", "uses DNP3 (ndpi, 80)",
		     "speaks BACnet (bacnet.i_am, 70)", "speaks IEC 61850 (mms.request, 50)",
		     "serves tcp/22/SSH (ndpi, 80)", "uses TeamViewer (ndpi, 80)",
		     "external peer in 198.51.100.9 tcp/22 SSH (flow.peer, 50)",
		     "external peer out 203.0.113.77 (US) tcp/443 TLS (flow.peer, 50)");

	/* the same evidence in another order gives the same lines */
	{
		struct hk_device e;
		struct assess_result r2 = {0};
		device_init(&e);
		for (size_t i = d.n_ev; i-- > 0;)
			ck_assert(hk_device_add_evidence(&e, &d.ev[i]));
		assess_into(&e, NULL, &ctx, &r2);
		ck_assert(r.c3a.holds == r2.c3a.holds);
		ck_assert_uint_eq(r.c3a.n_why, r2.c3a.n_why);
		for (size_t i = 0; i < r.c3a.n_why; i++)
			ck_assert_str_eq(r.c3a.why[i], r2.c3a.why[i]);
		ck_assert_str_eq(r.basis, r2.basis);
		hk_device_clear(&e);
		assess_result_clear(&r2);
	}

	/* without geolocation, peers have no country */
	{
		const struct assess_ctx nogeo = {&the_origin, &the_policy, NULL};
		assess_into(&d, NULL, &nogeo, &r);
		ck_assert_str_eq(r.c3a.why[r.c3a.n_why - 1], "external peer out 203.0.113.77 tcp/443 TLS (flow.peer, 50)");
	}
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

START_TEST(test_access_single_reasons)
{
	static const struct {
		const char *attr, *value, *source, *line;
	} one[] = {
		{HK_A_ROLE, "inverter", "sig.test", "role inverter (sig.test, 70)"},
		{HK_A_ROLE, "router", "traffic.gateway.many-ips", "role router (traffic.gateway.many-ips, 70)"},
		{HK_A_SERVICE, "tcp/102/s7comm", "ndpi", "serves tcp/102/s7comm (ndpi, 70)"},
		{HK_A_SERVICE, "tcp/2404/IEC60870", "ndpi", "serves tcp/2404/IEC60870 (ndpi, 70)"},
		{HK_A_SERVICE, "tcp/44818/EthernetIP", "ndpi", "serves tcp/44818/EthernetIP (ndpi, 70)"},
		{HK_A_SERVICE, "tcp/4840/OPC-UA", "ndpi", "serves tcp/4840/OPC-UA (ndpi, 70)"},
		{HK_A_CLIENT, "s7comm", "ndpi", "uses s7comm (ndpi, 70)"},
		{HK_A_CLIENT, "RDP", "ndpi", "uses RDP (ndpi, 70)"},
		{HK_A_SERVICE, "tcp/5900/VNC", "ndpi", "serves tcp/5900/VNC (ndpi, 70)"},
		{HK_A_SERVICE, "tcp/23/Telnet", "ndpi", "serves tcp/23/Telnet (ndpi, 70)"},
		{HK_A_FINGERPRINT, "0x0111", "s7comm.szl_request", "speaks S7comm (s7comm.szl_request, 70)"},
		{HK_A_FINGERPRINT, "GOOSE", "goose.gocbref", "speaks IEC 61850 (goose.gocbref, 70)"},
		{HK_A_FINGERPRINT, "plc", "pndcp.role", "speaks PROFINET (pndcp.role, 70)"},
		{HK_A_FINGERPRINT, "1", "fins.node", "speaks FINS (fins.node, 70)"},
		{HK_A_MODEL, "Q03UDV", "melsec.cpu_model", "speaks MELSEC (melsec.cpu_model, 70)"},
		{HK_A_FINGERPRINT, "client", "enip.role", "speaks EtherNet/IP (CIP) (enip.role, 70)"},
		{HK_A_FINGERPRINT, "7", "iec104.common_address", "speaks IEC 60870-5-104 (iec104.common_address, 70)"},
		{HK_A_FINGERPRINT, "master", "dnp3.role", "speaks DNP3 (dnp3.role, 70)"},
		{HK_A_FINGERPRINT, "opc.tcp://plc:4840", "opcua.endpoint_url", "speaks OPC UA (opcua.endpoint_url, 70)"},
		{"software", "SSH-2.0-dropbear_2019.78", "ssh.banner", "speaks SSH (ssh.banner, 70)"},
		{HK_A_FINGERPRINT, "out 203.0.113.77 udp/123 NTP", "flow.peer",
		 "external peer out 203.0.113.77 (US) udp/123 NTP (flow.peer, 70)"},
	};
	static const struct {
		const char *attr, *value, *source;
	} none[] = {
		{HK_A_ROLE, "printer", "sig.test"},
		{HK_A_ROLE, "phone", "lldp.capabilities"},
		{HK_A_SERVICE, "tcp/80/HTTP", "ndpi"},
		{HK_A_SERVICE, "tcp/502/Unknown", "flow"},
		{HK_A_CLIENT, "TLS", "ndpi"},
		{HK_A_FINGERPRINT, "abc", "tls.ja3"},
	};

	for (size_t i = 0; i < N_OF(one); i++) {
		struct assess_result r = {0};
		struct hk_device d;
		device_init(&d);
		add(&d, one[i].attr, one[i].value, one[i].source, 70);
		assess_into(&d, NULL, &ctx, &r);
		ck_assert_msg(r.c3a.holds, "%s %s: 3A does not hold", one[i].source, one[i].value);
		ck_assert_uint_eq(r.c3a.n_why, 1);
		ck_assert_str_eq(r.c3a.why[0], one[i].line);
		hk_device_clear(&d);
		assess_result_clear(&r);
	}
	for (size_t i = 0; i < N_OF(none); i++) {
		struct assess_result r = {0};
		struct hk_device d;
		device_init(&d);
		add(&d, none[i].attr, none[i].value, none[i].source, 70);
		assess_into(&d, NULL, &ctx, &r);
		ck_assert_msg(!r.c3a.holds, "%s %s: 3A holds: %s", none[i].source, none[i].value, r.c3a.why[0]);
		hk_device_clear(&d);
		assess_result_clear(&r);
	}
}
END_TEST

START_TEST(test_access_lines_bounded)
{
	struct assess_result r = {0};
	struct hk_device d;
	char v[64];

	device_init(&d);
	for (int i = 0; i < 40; i++) {
		snprintf(v, sizeof(v), "out 198.51.100.%d tcp/443 TLS", 10 + i);
		add(&d, HK_A_FINGERPRINT, v, "flow.peer", 50);
	}
	assess_into(&d, NULL, &ctx, &r);
	ck_assert(r.c3a.holds);
	ck_assert_uint_eq(r.c3a.n_why, ASSESS_WHY_MAX);
	ck_assert_str_eq(r.c3a.why[0], "external peer out 198.51.100.10 tcp/443 TLS (flow.peer, 50)");
	ck_assert_str_eq(r.c3a.why[ASSESS_WHY_MAX - 2], "external peer out 198.51.100.24 tcp/443 TLS (flow.peer, 50)");
	ck_assert_str_eq(r.c3a.why[ASSESS_WHY_MAX - 1], "... and 25 more");
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

/*
 * More items than the view keeps on the stack (64): 150 external peers and
 * 70 manufacturer claims, of which only the weakest names a known company.
 * Every item is seen (the count of peers, the one claim that resolves, at
 * the end of the manufacturer claims); past 64 the view and the claims are
 * allocated (a stack array written past its end shows under ASan).
 */
START_TEST(test_many_items_all_seen)
{
	struct assess_result r = {0};
	struct hk_device d;
	char v[64];

	device_init(&d);
	for (int i = 0; i < 150; i++) {
		snprintf(v, sizeof(v), "out 198.51.%d.%d tcp/443 TLS", 100 + i / 100, 10 + i % 100);
		add(&d, HK_A_FINGERPRINT, v, "flow.peer", 50);
	}
	for (int i = 0; i < 69; i++) {
		snprintf(v, sizeof(v), "No Such Vendor %03d", i);
		add(&d, HK_A_MANUFACTURER, v, "sig.http.nosuch", 60);
	}
	add(&d, HK_A_MANUFACTURER, "Hikvision", "sig.http.hikvision", 55);
	hk_device_sort_evidence(&d);
	ck_assert_uint_eq(d.n_ev, 220);
	assess_into(&d, NULL, &ctx, &r);

	ck_assert(r.c3a.holds);
	ck_assert_uint_eq(r.c3a.n_why, ASSESS_WHY_MAX);
	ck_assert_str_eq(r.c3a.why[ASSESS_WHY_MAX - 1], "... and 135 more");
	ck_assert(r.origin_known);
	ck_assert_str_eq(r.manufacturer, "Hikvision");
	ck_assert_str_eq(r.company_id, "hikvision");
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

START_TEST(test_long_values_are_cut)
{
	struct assess_annotations ann = {.mitigation_sufficient = true};
	struct assess_result r = {0};
	struct hk_device d;
	char big[HK_OBS_VALUE_MAX], text[1000];

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(text, 'm', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ann.mitigation = text;
	device_init(&d);
	add(&d, HK_A_MANUFACTURER, big, big, 70);
	add(&d, HK_A_ROLE, "plc", big, 70);
	assess_into(&d, &ann, &ctx, &r);
	ck_assert_int_eq(r.verdict, ASSESS_UNKNOWN);
	ck_assert_uint_eq(strlen(r.basis), ASSESS_WHY_LEN - 1); /* the basis is cut as a why line is */
	ck_assert_uint_eq(strlen(r.c1.why[0]), ASSESS_WHY_LEN - 1);
	ck_assert_uint_eq(strlen(r.c3b.why[0]), ASSESS_WHY_LEN - 1);
	ck_assert(r.c3a.holds);
	hk_device_clear(&d);
	assess_result_clear(&r);
}
END_TEST

/* --- annotations from the store ------------------------------------------------ */

START_TEST(test_store_annotations)
{
	struct store_annotation *a = NULL;
	struct assess_annotations ann = {0};
	struct assess_result r = {0};
	struct hk_device d;
	char err[512], big[STORE_ANNOTATION_VALUE_MAX + 1];
	struct store *st = store_open(NULL, err, sizeof(err));
	size_t n = 0;

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_annotation_set(st, "mac:00:11:22:33:44:55", "mitigation", "own VLAN", true), 0);
	ck_assert_int_eq(store_annotation_set(st, "mac:00:11:22:33:44:55", "note", "white label", true), 0);
	ck_assert_int_eq(store_annotation_set(st, "ip:10.0.0.9", "owner", "acme-de", false), 0);
	/* a second mitigation replaces the first */
	ck_assert_int_eq(store_annotation_set(st, "mac:00:11:22:33:44:55", "mitigation", "no route out", false), 0);
	ck_assert_int_eq(store_annotation_set(st, "mac:00:11:22:33:44:55", "colour", "red", false), -EINVAL);
	ck_assert_int_eq(store_annotation_set(st, "mac:00:11:22:33:44:55", "note", "", false), -EINVAL);
	ck_assert_int_eq(store_annotation_set(st, "", "note", "x", false), -EINVAL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(store_annotation_set(st, "ip:10.0.0.9", "note", big, false), -EINVAL);
	big[STORE_ANNOTATION_VALUE_MAX - 1] = '\0'; /* the longest that fits */
	ck_assert_int_eq(store_annotation_set(st, "ip:10.0.0.9", "note", big, false), 0);

	ck_assert_int_eq(store_annotation_load(st, NULL, &a, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(a[0].device_key, "ip:10.0.0.9"); /* by key, then kind */
	ck_assert_str_eq(a[0].kind, "note");
	ck_assert_uint_eq(strlen(a[0].value), STORE_ANNOTATION_VALUE_MAX - 1);
	ck_assert_str_eq(a[1].kind, "owner");
	ck_assert_str_eq(a[2].kind, "mitigation");
	ck_assert_str_eq(a[2].value, "no route out");
	ck_assert(!a[2].sufficient);
	ck_assert_uint_gt(a[2].created_at, 0);
	ck_assert_str_eq(a[3].kind, "note");
	ck_assert(!a[3].sufficient); /* only a mitigation is sufficient or not */
	free(a);

	ck_assert_int_eq(store_annotation_clear(st, "mac:00:11:22:33:44:55", "note"), 1);
	ck_assert_int_eq(store_annotation_clear(st, "mac:00:11:22:33:44:55", "note"), 0);
	ck_assert_int_eq(store_annotation_clear(st, "mac:00:11:22:33:44:55", "bogus"), -EINVAL);
	ck_assert_int_eq(store_annotation_load(st, "mac:00:11:22:33:44:55", &a, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(a[0].kind, "mitigation");

	/* what the store holds is what the assessment weighs */
	ann.mitigation = a[0].value;
	ann.mitigation_sufficient = a[0].sufficient;
	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Acme CN", "lldp.sysdesc", 80);
	add(&d, HK_A_ROLE, "plc", "sig.test", 70);
	assess_into(&d, &ann, &ctx, &r);
	ck_assert_int_eq(r.verdict, ASSESS_FLAGGED);
	EXPECT_LINES(&r.c3b, "mitigation recorded (not sufficient): no route out");
	free(a);
	ck_assert_int_eq(store_annotation_load(st, "mac:ff:ff:ff:ff:ff:01", &a, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(a);
	hk_device_clear(&d);
	store_close(st);
	assess_result_clear(&r);
}
END_TEST

/* --- the result's texts ------------------------------------------------------- */

/* Is p inside the result's one allocation? */
static bool in_text(const struct assess_result *r, const char *p)
{
	return r->text && p >= r->text && p + strlen(p) < r->text + malloc_usable_size(r->text);
}

static void expect_packed(const struct assess_result *r)
{
	const char *texts[] = {r->manufacturer, r->manufacturer_source, r->company_id, r->company, r->controller,
			       r->control_country, r->hq_country, r->as_of, r->basis};
	const struct assess_criterion *cs[] = {&r->c1, &r->c2, &r->c3a, &r->c3b};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ck_assert_ptr_nonnull(texts[i]);
		ck_assert_msg(!texts[i][0] || in_text(r, texts[i]), "text %zu \"%s\" is not in the result's text", i,
			      texts[i]);
	}
	for (size_t k = 0; k < 4; k++) {
		ck_assert(cs[k]->n_why > 0 && cs[k]->n_why <= ASSESS_WHY_MAX);
		ck_assert(in_text(r, (const char *)cs[k]->why));
		for (size_t i = 0; i < cs[k]->n_why; i++)
			ck_assert(in_text(r, cs[k]->why[i]));
	}
}

START_TEST(test_texts_in_one_allocation)
{
	struct assess_result r = {0};
	struct hk_device d;

	/* unknown origin: the texts are empty strings, not NULL, and take no room */
	device_init(&d);
	add(&d, HK_A_ROLE, "printer", "sig.test", 70);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert_int_eq(r.verdict, ASSESS_UNKNOWN);
	ck_assert_str_eq(r.manufacturer, "");
	ck_assert_str_eq(r.company, "");
	ck_assert_str_eq(r.controller, "");
	ck_assert_str_eq(r.control_country, "");
	ck_assert_str_eq(r.as_of, "");
	ck_assert_str_eq(r.basis, "no manufacturer claim");
	expect_packed(&r);
	/* a result is a few pointers, not room for the longest texts */
	ck_assert_uint_le(sizeof(r), 256);
	/* the lines and texts at their length (4 lines + the basis, with the
	 * pointers; malloc may round up a little) */
	ck_assert_uint_le(malloc_usable_size(r.text), 400);
	hk_device_clear(&d);

	/* known origin: every text in the one allocation, which a clear frees */
	device_init(&d);
	add(&d, HK_A_MANUFACTURER, "Hikvision", "sig.http.hikvision", 75);
	add(&d, HK_A_ROLE, "camera", "sig.http.hikvision", 65);
	assess_into(&d, NULL, &ctx, &r);
	ck_assert_str_eq(r.company_id, "hikvision");
	ck_assert_str_eq(r.controller, "SASAC");
	expect_packed(&r);
	assess_result_clear(&r);
	ck_assert_ptr_null(r.text);
	ck_assert_uint_eq(r.c1.n_why, 0);
	hk_device_clear(&d);
}
END_TEST


/*
 * assess_classify against the string comparisons it replaced (copied here
 * from assess.c as they were, with the family tables): every attribute,
 * source and protocol name of the tables, in other spellings, cut short,
 * lengthened and with another prefix, must give the same bits.
 */
struct ref_family {
	const char *ndpi[4];
	const char *src[4];
};

static const struct ref_family ref_industrial[] = {
	{{"modbus"}, {"modbus."}},
	{{"s7comm", "s7commplus"}, {"s7comm.", "s7commplus."}},
	{{"dnp3"}, {"dnp3."}},
	{{"iec60870", "iec104", "iec608705104"}, {"iec104."}},
	{{"ethernetip", "cip", "cipio"}, {"enip."}},
	{{"bacnet"}, {"bacnet."}},
	{{"opcua"}, {"opcua."}},
	{{"iec61850", "goose"}, {"mms.", "goose."}},
	{{"profinet", "profinetio", "pndcp"}, {"pndcp."}},
	{{"fins", "omronfins"}, {"fins."}},
	{{"melsec", "melsoft"}, {"melsec."}},
};

static const struct ref_family ref_remote[] = {
	{{"ssh"}, {"ssh."}},       {{"telnet"}, {"telnet."}},   {{"rdp"}, {NULL}},
	{{"vnc", "rfb"}, {NULL}}, {{"teamviewer"}, {NULL}}, {{"anydesk"}, {NULL}},
};

static void ref_fold(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	for (; *s && n + 1 < outsz; s++) {
		char ch = *s;
		if (ch >= 'A' && ch <= 'Z')
			out[n++] = (char)(ch - 'A' + 'a');
		else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[n++] = ch;
	}
	out[n] = '\0';
}

static void ref_classify(const struct hk_evidence *e, struct assess_ev_bits *b)
{
	const struct ref_family *tabs[2] = {ref_industrial, ref_remote};
	const size_t n_tabs[2] = {sizeof(ref_industrial) / sizeof(ref_industrial[0]),
				  sizeof(ref_remote) / sizeof(ref_remote[0])};
	const char *name = NULL;
	char f[64];

	memset(b, 0, sizeof(*b));
	b->kind = strcmp(e->attribute, HK_A_MANUFACTURER) == 0 ? 1
		  : strcmp(e->attribute, HK_A_ROLE) == 0       ? 2
		  : strcmp(e->attribute, HK_A_SERVICE) == 0    ? 3
		  : strcmp(e->attribute, HK_A_CLIENT) == 0     ? 4
							       : 0;
	b->peer = strcmp(e->source, "flow.peer") == 0;
	if (b->kind == 3) {
		const char *a = strchr(e->value, '/'), *c = a ? strchr(a + 1, '/') : NULL;
		name = c ? c + 1 : NULL;
	} else if (b->kind == 4) {
		name = e->value;
	}
	if (name)
		ref_fold(name, f, sizeof(f));
	for (int t = 0; t < 2; t++)
		for (size_t k = 0; k < n_tabs[t]; k++) {
			for (size_t i = 0; i < 4 && tabs[t][k].ndpi[i]; i++)
				if (name && strcmp(f, tabs[t][k].ndpi[i]) == 0) {
					if (b->kind == 3)
						b->serves[t] |= 1u << k;
					else
						b->uses[t] |= 1u << k;
				}
			for (size_t i = 0; i < 4 && tabs[t][k].src[i]; i++)
				if (strncmp(e->source, tabs[t][k].src[i], strlen(tabs[t][k].src[i])) == 0)
					b->speaks[t] |= 1u << k;
		}
}

static size_t classify_checked;

static void classify_one(const char *attr, const char *value, const char *source)
{
	struct hk_evidence e;
	struct assess_ev_bits got, want;

	memset(&e, 0, sizeof(e));
	snprintf(e.attribute, sizeof(e.attribute), "%s", attr);
	snprintf(e.value, sizeof(e.value), "%s", value);
	snprintf(e.source, sizeof(e.source), "%s", source);
	assess_classify(&e, &got);
	ref_classify(&e, &want);
	ck_assert_msg(got.kind == want.kind && got.peer == want.peer, "%s/%s/%s: kind %d/%d peer %d/%d", attr, value,
		      source, got.kind, want.kind, got.peer, want.peer);
	for (int t = 0; t < 2; t++)
		ck_assert_msg(got.serves[t] == want.serves[t] && got.uses[t] == want.uses[t] &&
				      got.speaks[t] == want.speaks[t],
			      "%s / %s / %s, table %d: serves %#x/%#x uses %#x/%#x speaks %#x/%#x", attr, value, source,
			      t, got.serves[t], want.serves[t], got.uses[t], want.uses[t], got.speaks[t],
			      want.speaks[t]);
	classify_checked++;
}

START_TEST(test_classify_equals_string_compares)
{
	static const char *const attrs[] = {HK_A_SERVICE, HK_A_CLIENT, HK_A_MANUFACTURER, HK_A_ROLE, HK_A_IP,
					    "services", "client ", "s", "c", "m", "r", "", "manufacturers", "rol"};
	const struct ref_family *tabs[2] = {ref_industrial, ref_remote};
	const size_t n_tabs[2] = {sizeof(ref_industrial) / sizeof(ref_industrial[0]),
				  sizeof(ref_remote) / sizeof(ref_remote[0])};
	char names[256][64], sources[512][48];
	size_t n_names = 0, n_sources = 0;

	/* names: each nDPI name as is, in capitals with separators, cut by one,
	 * with one more letter, and a few that fold to nothing or to digits */
	for (int t = 0; t < 2; t++)
		for (size_t k = 0; k < n_tabs[t]; k++)
			for (size_t i = 0; i < 4 && tabs[t][k].ndpi[i]; i++) {
				const char *n = tabs[t][k].ndpi[i];
				size_t len = strlen(n);
				snprintf(names[n_names++], 64, "%s", n);
				snprintf(names[n_names], 64, "%s", n);
				for (size_t j = 0; names[n_names][j]; j++)
					if (names[n_names][j] >= 'a' && names[n_names][j] <= 'z')
						names[n_names][j] = (char)(names[n_names][j] - 'a' + 'A');
				n_names++;
				snprintf(names[n_names++], 64, "-%.*s_%s", (int)(len / 2), n, n + len / 2);
				snprintf(names[n_names++], 64, "%.*s", (int)(len - 1), n);
				snprintf(names[n_names++], 64, "%sx", n);
				snprintf(names[n_names++], 64, "x%s", n);
			}
	snprintf(names[n_names++], 64, "%s", "");
	snprintf(names[n_names++], 64, "%s", "-/-");
	snprintf(names[n_names++], 64, "%s", "IEC 60870-5-104");
	snprintf(names[n_names++], 64, "%s", "a-very-long-protocol-name-not-in-any-table-at-all");
	/* sources: each prefix, with a field, without its dot, cut, lengthened
	 * before the dot, with a prefix before it; and common other sources */
	for (int t = 0; t < 2; t++)
		for (size_t k = 0; k < n_tabs[t]; k++)
			for (size_t i = 0; i < 4 && tabs[t][k].src[i]; i++) {
				const char *p = tabs[t][k].src[i];
				size_t len = strlen(p);
				snprintf(sources[n_sources++], 48, "%s", p);
				snprintf(sources[n_sources++], 48, "%sfield", p);
				snprintf(sources[n_sources++], 48, "%ssub.field", p);
				snprintf(sources[n_sources++], 48, "%.*s", (int)(len - 1), p);
				snprintf(sources[n_sources++], 48, "%.*s", (int)(len - 2), p);
				snprintf(sources[n_sources++], 48, "%.*sx.field", (int)(len - 1), p);
				snprintf(sources[n_sources++], 48, "x%s", p);
				snprintf(sources[n_sources++], 48, "%c%s", p[0] == 'a' ? 'b' : 'a', p + 1);
			}
	{
		static const char *const other[] = {"flow.peer", "flow.peerx", "flow.pee", "flow", "ndpi", "ndpi.guess",
						    "oui.MA-L", "traffic.routed", "", ".", "..", ".ssh", "sig.modbus.x",
						    "s7commplus", "s7comm.plus.x"};
		for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
			snprintf(sources[n_sources++], 48, "%s", other[i]);
	}
	ck_assert_uint_le(n_names, 256);
	ck_assert_uint_le(n_sources, 512);
	for (size_t a = 0; a < sizeof(attrs) / sizeof(attrs[0]); a++)
		for (size_t n = 0; n < n_names; n++)
			for (size_t s = 0; s < n_sources; s += (a < 2 ? 1 : 7)) {
				char service[128];
				snprintf(service, sizeof(service), "tcp/502/%.63s", names[n]); /* a name is 63 bytes at most */
				classify_one(attrs[a], a == 0 ? service : names[n], sources[s]);
				if (a == 0 && s % 5 == 0) {
					classify_one(attrs[a], names[n], sources[s]); /* not tcp/port/name */
					snprintf(service, sizeof(service), "tcp/%.63s", names[n]);
					classify_one(attrs[a], service, sources[s]);
				}
			}
	ck_assert_uint_gt(classify_checked, 50000);
}
END_TEST

static Suite *assess_suite(void)
{
	Suite *s = suite_create("assess");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_combinations, 0, 16);
	tcase_add_test(tc, test_insufficient_mitigation);
	tcase_add_test(tc, test_flagged_lines);
	tcase_add_test(tc, test_state_owned_unlisted_country);
	tcase_add_test(tc, test_parent_controls);
	tcase_add_test(tc, test_owner_override);
	tcase_add_test(tc, test_oui_only_is_weak);
	tcase_add_test(tc, test_unknown_is_never_clear);
	tcase_add_test(tc, test_access_lines);
	tcase_add_test(tc, test_access_single_reasons);
	tcase_add_test(tc, test_access_lines_bounded);
	tcase_add_test(tc, test_many_items_all_seen);
	tcase_add_test(tc, test_long_values_are_cut);
	tcase_add_test(tc, test_texts_in_one_allocation);
	tcase_add_test(tc, test_store_annotations);
	tcase_add_test(tc, test_classify_equals_string_compares);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(assess_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
