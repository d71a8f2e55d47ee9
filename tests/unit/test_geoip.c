/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IP → country (src/inventory/geoip.c). The fixture
 * tests/unit/data/origin/geoip/ has Tor's layout with invented ranges that
 * agree with the real data on the addresses looked up here; broken files are
 * written at run time. The last test reads the real tor-geoipdb files
 * ($HERKOMST_GEOIP_DIR, else /usr/share/tor; packaging/dev.sh extracts the
 * package without installing tor) and is skipped, with a message, when they
 * are absent; it also prints the load time.
 */
#include "inventory/geoip.h"

#include "report/assessed.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TEST_PATH_MAX 4096
#define TEST_ERR_MAX 1024

static char *src_path_in(char *buf, const char *rel)
{
	const char *src = getenv("HERKOMST_SOURCE_DIR");

	ck_assert_msg(src != NULL, "HERKOMST_SOURCE_DIR is not set (run the test with meson test)");
	snprintf(buf, TEST_PATH_MAX, "%s/%s", src, rel);
	return buf;
}

/* The country of a textual address, or "-" */
static const char *cc(const struct geoip *g, const char *ip)
{
	struct hk_addr a;
	const char *c;

	ck_assert_msg(hk_addr_parse(ip, &a), "%s", ip);
	c = geoip_country(g, &a);
	return c ? c : "-";
}

static struct geoip *open_fixture(void)
{
	char dir[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct geoip *g = geoip_open(src_path_in(dir, "tests/unit/data/origin/geoip"), err, sizeof(err));

	ck_assert_msg(g != NULL, "%s", err);
	return g;
}

START_TEST(test_fixture_lookups)
{
	struct geoip *g = open_fixture();
	struct hk_addr none = { 0 };

	ck_assert_str_eq(geoip_source(g), "tor-geoipdb (IPFire, 2026-06-25)");
	ck_assert_str_eq(cc(g, "1.0.0.1"), "AU");
	ck_assert_str_eq(cc(g, "1.0.0.0"), "AU");     /* first address of a range */
	ck_assert_str_eq(cc(g, "1.0.0.255"), "AU");   /* last */
	ck_assert_str_eq(cc(g, "1.0.1.5"), "CN");
	ck_assert_str_eq(cc(g, "8.8.8.8"), "US");
	ck_assert_str_eq(cc(g, "8.8.9.1"), "US");     /* the next, merged range */
	ck_assert_str_eq(cc(g, "8.8.10.0"), "-");     /* a gap */
	ck_assert_str_eq(cc(g, "0.255.255.255"), "-");
	ck_assert_str_eq(cc(g, "255.255.255.254"), "-");
	ck_assert_str_eq(cc(g, "145.97.0.1"), "NL");
	ck_assert_str_eq(cc(g, "81.116.0.28"), "-");  /* "EU" is a region, not a country */
	/* private and special addresses never get a country, whatever the data says */
	ck_assert_str_eq(cc(g, "10.1.2.3"), "-");
	ck_assert_str_eq(cc(g, "192.168.0.1"), "-");
	ck_assert_str_eq(cc(g, "127.0.0.1"), "-");
	ck_assert_str_eq(cc(g, "169.254.1.1"), "-");
	ck_assert_str_eq(cc(g, "224.0.0.251"), "-");
	ck_assert_str_eq(cc(g, "0.0.0.0"), "-");
	ck_assert_str_eq(cc(g, "192.0.2.1"), "-");
	/* IPv6 */
	ck_assert_str_eq(cc(g, "2001:610::1"), "NL");
	ck_assert_str_eq(cc(g, "2001:611:ffff::1"), "NL");
	ck_assert_str_eq(cc(g, "2001:2::1"), "JP");
	ck_assert_str_eq(cc(g, "2a00:1450:4001:81c::200e"), "IE");
	ck_assert_str_eq(cc(g, "2a01::1"), "-");      /* EU */
	ck_assert_str_eq(cc(g, "2001:db8::1"), "-");  /* documentation, although the fixture says US */
	ck_assert_str_eq(cc(g, "2001:612::1"), "-");  /* a gap */
	ck_assert_str_eq(cc(g, "::1"), "-");
	ck_assert_str_eq(cc(g, "::"), "-");
	ck_assert_str_eq(cc(g, "fe80::1"), "-");
	ck_assert_str_eq(cc(g, "fd00::1"), "-");
	ck_assert_str_eq(cc(g, "ff02::fb"), "-");
	ck_assert_str_eq(cc(g, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "-");
	/* IPv4 inside IPv6 */
	ck_assert_str_eq(cc(g, "::ffff:8.8.8.8"), "US");
	ck_assert_str_eq(cc(g, "::ffff:10.0.0.1"), "-");
	ck_assert_str_eq(cc(g, "64:ff9b::808:808"), "US");
	ck_assert_ptr_null(geoip_country(g, &none));
	ck_assert_ptr_null(geoip_country(g, NULL));
	ck_assert_ptr_null(geoip_country(NULL, &none));
	ck_assert_ptr_null(geoip_source(NULL));
	ck_assert_ptr_null(geoip_free(g));
	ck_assert_ptr_null(geoip_free(NULL));
}
END_TEST

START_TEST(test_env_dir)
{
	char dir[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct geoip *g;

	ck_assert_int_eq(setenv("HERKOMST_GEOIP_DIR", src_path_in(dir, "tests/unit/data/origin/geoip"), 1), 0);
	g = geoip_open(NULL, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_str_eq(cc(g, "145.97.0.1"), "NL");
	geoip_free(g);
	ck_assert_int_eq(setenv("HERKOMST_GEOIP_DIR", "/nonexistent-geoip", 1), 0);
	ck_assert_ptr_null(geoip_open(NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "/nonexistent-geoip/geoip: cannot read") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "tor-geoipdb") != NULL, "%s", err);
	unsetenv("HERKOMST_GEOIP_DIR");
}
END_TEST

/* Each file is loaded when its family is asked for, and only then. */
START_TEST(test_families)
{
	char dir[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct geoip *g;
	struct hk_addr a;
	static const struct {
		const char *ip;
		unsigned family;
	} fam[] = {
		{ "8.8.8.8", GEOIP_FAMILY_V4 },        { "::ffff:8.8.8.8", GEOIP_FAMILY_V4 },
		{ "64:ff9b::808:808", GEOIP_FAMILY_V4 }, { "2001:610::1", GEOIP_FAMILY_V6 },
		{ "10.0.0.1", 0 },                      { "192.0.2.1", 0 },
		{ "fe80::1", 0 },                       { "2001:db8::1", 0 },
		{ "::1", 0 },                           { "ff02::fb", 0 },
	};

	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		ck_assert(hk_addr_parse(fam[i].ip, &a));
		ck_assert_msg(geoip_family_of(&a) == fam[i].family, "%s: %u", fam[i].ip, geoip_family_of(&a));
	}
	ck_assert_uint_eq(geoip_family_of(NULL), 0);

	g = geoip_open_families(src_path_in(dir, "tests/unit/data/origin/geoip"), GEOIP_FAMILY_V4, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_uint_eq(geoip_families(g), GEOIP_FAMILY_V4);
	ck_assert_str_eq(geoip_source(g), "tor-geoipdb (IPFire, 2026-06-25)");
	ck_assert_str_eq(cc(g, "8.8.8.8"), "US");
	ck_assert_str_eq(cc(g, "::ffff:8.8.8.8"), "US");
	ck_assert_str_eq(cc(g, "2001:610::1"), "-"); /* not loaded */
	ck_assert_int_eq(geoip_load(g, GEOIP_FAMILY_V6, err, sizeof(err)), 0);
	ck_assert_uint_eq(geoip_families(g), GEOIP_FAMILY_ALL);
	ck_assert_str_eq(cc(g, "2001:610::1"), "NL");
	ck_assert_str_eq(cc(g, "8.8.8.8"), "US");
	ck_assert_int_eq(geoip_load(g, GEOIP_FAMILY_ALL, err, sizeof(err)), 0); /* loaded: nothing to do */
	ck_assert_str_eq(cc(g, "2a00:1450:4001:81c::200e"), "IE");
	geoip_free(g);

	g = geoip_open_families(dir, GEOIP_FAMILY_V6, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_uint_eq(geoip_families(g), GEOIP_FAMILY_V6);
	ck_assert_str_eq(cc(g, "2001:610::1"), "NL");
	ck_assert_str_eq(cc(g, "8.8.8.8"), "-");
	geoip_free(g);

	ck_assert_ptr_null(geoip_open_families(dir, 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no address family") != NULL, "%s", err);
	ck_assert_uint_eq(geoip_families(NULL), 0);
	ck_assert_int_lt(geoip_load(NULL, GEOIP_FAMILY_V4, err, sizeof(err)), 0);
}
END_TEST

/* A device of the fixture's test: an external peer claim, as pipeline.c makes it. */
static void device_with_peer(struct hk_device *d, const char *peer)
{
	struct hk_evidence e;

	memset(d, 0, sizeof(*d));
	snprintf(d->key, sizeof(d->key), "ip:10.0.0.%zu", strlen(peer));
	memset(&e, 0, sizeof(e));
	snprintf(e.attribute, sizeof(e.attribute), "raw");
	snprintf(e.value, sizeof(e.value), "out %s tcp/443 TLS", peer);
	snprintf(e.source, sizeof(e.source), "flow.peer");
	e.confidence = 50;
	e.count = 1;
	ck_assert(hk_device_add_evidence(d, &e));
}

/* Does device d's access criterion name this peer with this country? */
static bool assessed_with(const struct assess_inputs *k, const struct hk_device *d, const char *want)
{
	struct assess_ctx ctx = assess_inputs_ctx(k);
	struct assess_result r;
	bool found = false;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(assess_device(d, NULL, &ctx, &r), 0);
	for (size_t i = 0; i < r.c3a.n_why; i++)
		if (strstr(r.c3a.why[i], want))
			found = true;
	assess_result_clear(&r);
	return found;
}

static int n_warnings;
static char last_warning[TEST_ERR_MAX + 256];

static void count_warning(void *userdata, const char *message)
{
	(void)userdata;
	fprintf(stderr, "test_geoip: warning: %s\n", message);
	snprintf(last_warning, sizeof(last_warning), "%s", message);
	n_warnings++;
}

/* analyze, report and the API load only the families their external peers need. */
START_TEST(test_assessed_families)
{
	char dir[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct assess_inputs k;
	struct hk_device v4[2], v6, local;

	ck_assert_int_eq(setenv("HERKOMST_GEOIP_DIR", src_path_in(dir, "tests/unit/data/origin/geoip"), 1), 0);
	device_with_peer(&v4[0], "8.8.8.8");
	device_with_peer(&v4[1], "::ffff:145.97.0.1");
	device_with_peer(&v6, "2001:610::1");
	memset(&local, 0, sizeof(local));
	snprintf(local.key, sizeof(local.key), "ip:10.0.0.1");

	ck_assert_uint_eq(assess_geoip_families(&local, 1), 0);
	ck_assert_uint_eq(assess_geoip_families(v4, 2), GEOIP_FAMILY_V4);
	ck_assert_uint_eq(assess_geoip_families(&v6, 1), GEOIP_FAMILY_ALL); /* V4 too: it names the source */

	n_warnings = 0;
	ck_assert_int_eq(assess_inputs_open(&k, NULL, NULL, count_warning, NULL, err, sizeof(err)), 0);
	assess_inputs_geoip(&k, &local, 1);
	ck_assert_ptr_null(k.geo); /* no external peer: nothing read */
	assess_inputs_geoip(&k, v4, 2);
	ck_assert_ptr_nonnull(k.geo);
	ck_assert_uint_eq(geoip_families(k.geo), GEOIP_FAMILY_V4);
	ck_assert(assessed_with(&k, &v4[0], "out 8.8.8.8 (US) tcp/443"));
	ck_assert(assessed_with(&k, &v4[1], "out ::ffff:145.97.0.1 (NL) tcp/443"));
	/* a later request (the API's) with an IPv6 peer adds the IPv6 file */
	assess_inputs_geoip(&k, &v6, 1);
	ck_assert_uint_eq(geoip_families(k.geo), GEOIP_FAMILY_ALL);
	ck_assert(assessed_with(&k, &v6, "out 2001:610::1 (NL) tcp/443"));
	assess_inputs_close(&k);

	/* analyze's plan, loaded on its thread, then the devices assessed */
	ck_assert_int_eq(assess_inputs_open(&k, NULL, NULL, count_warning, NULL, err, sizeof(err)), 0);
	ck_assert(assess_inputs_geoip_plan(&k, v4, 2));
	assess_inputs_geoip_load(&k);
	ck_assert_uint_eq(geoip_families(k.geo), GEOIP_FAMILY_V4);
	assess_inputs_geoip(&k, v4, 2);
	ck_assert_uint_eq(geoip_families(k.geo), GEOIP_FAMILY_V4);
	assess_inputs_close(&k);

	/* analyze --db: the plan is made from this run's devices (IPv4 peers
	 * only), the stored ones assessed after it have an IPv6 peer */
	ck_assert_int_eq(assess_inputs_open(&k, NULL, NULL, count_warning, NULL, err, sizeof(err)), 0);
	ck_assert(assess_inputs_geoip_plan(&k, v4, 2));
	assess_inputs_geoip_load(&k);
	ck_assert_uint_eq(geoip_families(k.geo), GEOIP_FAMILY_V4);
	assess_inputs_geoip(&k, &v6, 1);
	ck_assert_uint_eq(geoip_families(k.geo), GEOIP_FAMILY_ALL);
	ck_assert(assessed_with(&k, &v6, "out 2001:610::1 (NL) tcp/443"));
	ck_assert(assessed_with(&k, &v4[0], "out 8.8.8.8 (US) tcp/443"));
	assess_inputs_close(&k);

	/* a plan whose thread did not run: loaded when the devices are assessed */
	ck_assert_int_eq(assess_inputs_open(&k, NULL, NULL, count_warning, NULL, err, sizeof(err)), 0);
	ck_assert(assess_inputs_geoip_plan(&k, &v6, 1));
	assess_inputs_geoip(&k, &local, 1);
	ck_assert_uint_eq(geoip_families(k.geo), GEOIP_FAMILY_ALL);
	ck_assert(assessed_with(&k, &v6, "out 2001:610::1 (NL) tcp/443"));
	assess_inputs_close(&k);
	ck_assert_int_eq(n_warnings, 0);

	/* no data: one warning, asked once */
	ck_assert_int_eq(setenv("HERKOMST_GEOIP_DIR", "/nonexistent-geoip", 1), 0);
	ck_assert_int_eq(assess_inputs_open(&k, NULL, NULL, count_warning, NULL, err, sizeof(err)), 0);
	n_warnings = 0;
	assess_inputs_geoip(&k, v4, 2);
	assess_inputs_geoip(&k, &v6, 1);
	assess_inputs_geoip(&k, v4, 2);
	ck_assert_ptr_null(k.geo);
	ck_assert_int_eq(n_warnings, 1);
	ck_assert(assessed_with(&k, &v4[0], "out 8.8.8.8 tcp/443"));
	assess_inputs_close(&k);
	unsetenv("HERKOMST_GEOIP_DIR");
	hk_device_clear(&v4[0]);
	hk_device_clear(&v4[1]);
	hk_device_clear(&v6);
}
END_TEST

static char tmpdir[] = "/tmp/hk-test-geoip-XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char path[TEST_PATH_MAX];

	snprintf(path, sizeof(path), "%s/geoip", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/geoip6", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	strcpy(tmpdir, "/tmp/hk-test-geoip-XXXXXX");
}

static void write_pair(const char *v4, const char *v6)
{
	char path[TEST_PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/geoip", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(v4, fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/geoip6", tmpdir);
	unlink(path);
	if (!v6)
		return;
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(v6, fp);
	fclose(fp);
}

#define V6OK "2001:2::,2001:2:0:ffff:ffff:ffff:ffff:ffff,JP\n"
#define V4OK "16777216,16777471,AU\n"

struct bad_case {
	const char *v4, *v6;
	const char *where; /* "geoip:2: " */
	const char *what;
};

static const struct bad_case bad_cases[] = {
	{ "# x\n16777216,16777471\n", V6OK, "geoip:2: ", "three comma-separated fields" },
	{ "16777216,16777471,AU,x\n", V6OK, "geoip:1: ", "three comma-separated fields" },
	{ "16777216,16777471,au\n", V6OK, "geoip:1: ", "country \"au\"" },
	{ "16777216,16777471,AUS\n", V6OK, "geoip:1: ", "country \"AUS\"" },
	{ "16777216,x,AU\n", V6OK, "geoip:1: ", "decimal numbers" },
	{ "-1,16777471,AU\n", V6OK, "geoip:1: ", "decimal numbers" },
	{ "16777216,4294967296,AU\n", V6OK, "geoip:1: ", "below 2^32" },
	{ "16777471,16777216,AU\n", V6OK, "geoip:1: ", "start is above end" },
	{ V4OK "16777000,16777100,AU\n", V6OK, "geoip:2: ", "the file must be sorted" },
	{ V4OK "16777471,16777500,AU\n", V6OK, "geoip:2: ", "overlaps" },
	{ "# only a comment\n", V6OK, "geoip: ", "no ranges" },
	{ V4OK, NULL, "geoip6: ", "cannot read" },
	{ V4OK, "2001:2::,nonsense,JP\n", "geoip6:1: ", "IPv6 addresses" },
	{ V4OK, "2001:3::,2001:2::,JP\n", "geoip6:1: ", "start is above end" },
	{ V4OK, V6OK "2001:1::,2001:1::ff,JP\n", "geoip6:2: ", "sorted" },
	{ V4OK, "2001:2::,2001:2::ff,J\n", "geoip6:1: ", "country \"J\"" },
	/* lines the checking pass's fast path must hand to the general one */
	{ "16777216,16777471,A?\n", V6OK, "geoip:1: ", "country \"A?\"" },
	{ V4OK "16777472,16777500,AU\r\r\n", V6OK, "geoip:2: ", "country \"AU\r\"" },
	{ "16777216,,AU\n", V6OK, "geoip:1: ", "decimal numbers" },
	{ "16777216, 16777471,AU\n", V6OK, "geoip:1: ", "decimal numbers" },
	{ "16777216,42949672950,AU\n", V6OK, "geoip:1: ", "below 2^32" },
	{ "16777216,16777471,AU,\n", V6OK, "geoip:1: ", "three comma-separated fields" },
	{ V4OK, "2001:2::,2001:2::ff,JP,\n", "geoip6:1: ", "three comma-separated fields" },
	{ V4OK, "2001:2::,2001:2::ff,JPN\n", "geoip6:1: ", "country \"JPN\"" },
	{ V4OK, "2001:2::,2001:2::ff:,JP\n", "geoip6:1: ", "IPv6 addresses" },
	{ V4OK, "2001:2::,2001:2::ffff:", "geoip6:1: ", "three comma-separated fields" }, /* the file's end */
	{ V4OK, "2001:2::,2001:2::ffff,J", "geoip6:1: ", "country \"J\"" },
	{ "16777216,16777471,A", V6OK, "geoip:1: ", "country \"A\"" },
};

/* A run that needs only IPv4 does not read geoip6: it may be missing or broken. */
START_TEST(test_family_files)
{
	char err[TEST_ERR_MAX] = "", want[TEST_PATH_MAX + 32];
	struct geoip *g;

	write_pair(V4OK, NULL);
	g = geoip_open_families(tmpdir, GEOIP_FAMILY_V4, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_str_eq(cc(g, "1.0.0.1"), "AU");
	ck_assert_int_lt(geoip_load(g, GEOIP_FAMILY_V6, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/geoip6: cannot read", tmpdir);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_uint_eq(geoip_families(g), GEOIP_FAMILY_V4); /* what it had */
	ck_assert_str_eq(cc(g, "1.0.0.1"), "AU");
	geoip_free(g);

	write_pair(V4OK, V6OK "2001:1::,2001:1::ff,JP\n");
	g = geoip_open_families(tmpdir, GEOIP_FAMILY_V4, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_int_lt(geoip_load(g, GEOIP_FAMILY_V6, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/geoip6:2: ", tmpdir);
	ck_assert_msg(strstr(err, want) != NULL && strstr(err, "sorted") != NULL, "%s", err);
	ck_assert_uint_eq(geoip_families(g), GEOIP_FAMILY_V4);
	ck_assert_str_eq(cc(g, "2001:2::1"), "-");
	ck_assert_str_eq(cc(g, "1.0.0.1"), "AU");
	geoip_free(g);
	/* both asked for: the broken one fails the open, as before */
	ck_assert_ptr_null(geoip_open_families(tmpdir, GEOIP_FAMILY_ALL, err, sizeof(err)));
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);

	write_pair("16777216,16777471,AU,x\n", V6OK);
	g = geoip_open_families(tmpdir, GEOIP_FAMILY_V6, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_str_eq(cc(g, "2001:2::1"), "JP");
	geoip_free(g);
}
END_TEST

/* A broken geoip6 costs the IPv6 peers their country, not the IPv4 ones, and
 * is reported as such — whether the first load asks for both files or not. */
START_TEST(test_assessed_broken_v6)
{
	char err[TEST_ERR_MAX] = "";
	struct assess_inputs k;
	struct hk_device devs[2];

	write_pair("134744064,134744319,US\n", V6OK "2001:1::,2001:1::ff,JP\n");
	ck_assert_int_eq(setenv("HERKOMST_GEOIP_DIR", tmpdir, 1), 0);
	device_with_peer(&devs[0], "8.8.8.8");
	device_with_peer(&devs[1], "2001:2::1");
	ck_assert_uint_eq(assess_geoip_families(devs, 2), GEOIP_FAMILY_ALL);

	for (int planned = 0; planned < 2; planned++) {
		n_warnings = 0;
		last_warning[0] = '\0';
		ck_assert_int_eq(assess_inputs_open(&k, NULL, NULL, count_warning, NULL, err, sizeof(err)), 0);
		if (planned) {
			ck_assert(assess_inputs_geoip_plan(&k, devs, 2));
			assess_inputs_geoip_load(&k);
		}
		assess_inputs_geoip(&k, devs, 2);
		assess_inputs_geoip(&k, devs, 2); /* asked once */
		ck_assert_ptr_nonnull(k.geo);
		ck_assert_uint_eq(geoip_families(k.geo), GEOIP_FAMILY_V4);
		ck_assert(assessed_with(&k, &devs[0], "out 8.8.8.8 (US) tcp/443"));
		ck_assert(assessed_with(&k, &devs[1], "out 2001:2::1 tcp/443"));
		ck_assert_int_eq(n_warnings, 1);
		ck_assert_msg(strncmp(last_warning, "no IPv6 geolocation (", 21) == 0, "%s", last_warning);
		ck_assert_msg(strstr(last_warning, "geoip6:2: ") != NULL, "%s", last_warning);
		assess_inputs_close(&k);
	}
	unsetenv("HERKOMST_GEOIP_DIR");
	hk_device_clear(&devs[0]);
	hk_device_clear(&devs[1]);
}
END_TEST

START_TEST(test_errors)
{
	const struct bad_case *bc = &bad_cases[_i];
	char err[TEST_ERR_MAX] = "", want[TEST_PATH_MAX + 32];

	write_pair(bc->v4, bc->v6);
	ck_assert_msg(geoip_open(tmpdir, err, sizeof(err)) == NULL, "case %d loaded", _i);
	snprintf(want, sizeof(want), "%s/%s", tmpdir, bc->where);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "case %d: \"%s\" does not start with \"%s\"", _i, err,
		      want);
	ck_assert_msg(strstr(err, bc->what) != NULL, "case %d: \"%s\" does not say \"%s\"", _i, err, bc->what);
}
END_TEST

START_TEST(test_line_limit_and_plain_source)
{
	char err[TEST_ERR_MAX] = "", line[600];
	struct geoip *g;

	memset(line, '1', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	write_pair(line, V6OK);
	ck_assert_ptr_null(geoip_open(tmpdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "geoip:1: line longer than") != NULL, "%s", err);
	/* files without Tor's header: the source says where they came from */
	write_pair(V4OK "16777472,16778239,??\n", "# Generated: Mon, 01 Jan 2024 00:00:00 GMT\n" V6OK);
	g = geoip_open(tmpdir, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_msg(strstr(geoip_source(g), "geoip files in /tmp/hk-test-geoip-") == geoip_source(g), "%s",
		      geoip_source(g));
	ck_assert_msg(strstr(geoip_source(g), "2024-01-01") != NULL, "%s", geoip_source(g));
	ck_assert_str_eq(cc(g, "1.0.0.9"), "AU");
	ck_assert_str_eq(cc(g, "1.0.1.9"), "-"); /* "??" */
	geoip_free(g);
	/* numbers longer than ten digits (leading zeros) and a last line without '\n' */
	write_pair("000000000016777216,16777471,AU\n16777472,16778239,CN", V6OK "2001:3::,2001:3::ff,NL");
	g = geoip_open(tmpdir, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_str_eq(cc(g, "1.0.0.9"), "AU");
	ck_assert_str_eq(cc(g, "1.0.1.9"), "CN");
	ck_assert_str_eq(cc(g, "2001:3::9"), "NL");
	geoip_free(g);
}
END_TEST

/*
 * The IPv6 text of the checking pass (a fast path for the common form, the
 * general parser for the rest) against inet_pton: many generated addresses in
 * every written form (each run of zero groups compressed or not, leading
 * zeros, upper and lower case, an embedded dotted quad) must load as the
 * address inet_pton reads, each looked up by its bytes; mutated and
 * hand-written texts that inet_pton refuses must be refused, as start and as
 * end of a range.
 */
#define V6_TEXTS 4000
#define V6_TEXT_MAX 64

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* text appended at buf[*len], bounded by V6_TEXT_MAX */
static void append_text(char *buf, size_t *len, const char *t)
{
	size_t n = strlen(t);

	ck_assert(*len + n < V6_TEXT_MAX);
	memcpy(buf + *len, t, n + 1);
	*len += n;
}

/* One written form of the address in groups[8], chosen at random. */
static void v6_render(const uint16_t groups[8], char buf[V6_TEXT_MAX])
{
	bool quad = rng() % 4 == 0, upper = rng() % 3 == 0;
	size_t n_hex = quad ? 6 : 8, len = 0, cs = SIZE_MAX, cl = 0, starts[8], n_starts = 0;
	char t[16];

	/* "::" for a random part of a random run of zero groups, or none */
	for (size_t k = 0; k < n_hex; k++)
		if (groups[k] == 0)
			starts[n_starts++] = k;
	if (n_starts && rng() % 5 != 0) {
		cs = starts[rng() % n_starts];
		while (cs + cl < n_hex && groups[cs + cl] == 0)
			cl++;
		cl = 1 + rng() % cl;
	}
	buf[0] = '\0';
	for (size_t k = 0; k < n_hex; k++) {
		if (k == cs) {
			append_text(buf, &len, "::");
			k += cl - 1;
			continue;
		}
		if (k > 0 && !(cs != SIZE_MAX && k == cs + cl))
			append_text(buf, &len, ":");
		if (rng() % 4 == 0) /* leading zeros */
			snprintf(t, sizeof(t), upper ? "%04X" : "%04x", groups[k]);
		else
			snprintf(t, sizeof(t), upper ? "%X" : "%x", groups[k]);
		append_text(buf, &len, t);
	}
	if (quad) {
		if (len < 2 || buf[len - 1] != ':' || buf[len - 2] != ':')
			append_text(buf, &len, ":");
		snprintf(t, sizeof(t), "%u.%u.%u.%u", groups[6] >> 8, groups[6] & 255u, groups[7] >> 8,
			 groups[7] & 255u);
		append_text(buf, &len, t);
	}
}

static int v6_cmp_groups(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static const char *const bad_texts[] = {
	"", ":", ":::", "1:::2", ":1::", "1:", "1::2:", "::1:", "1::2::3", "::1::", "12345::", "1:2:3:4:5:6:7",
	"1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "1:2:3:4:5:6:7:8:",
	":1:2:3:4:5:6:7:8", "::g", "g::", "2400:: ", " 2400::", "2400::0x1", "00000::", "2400::1.2.3",
	"2400::1.2.3.4.5", "2400::256.1.1.1", "2400::01.2.3.4", "2400:1:2:3:4:5:6:1.2.3.4", "1.2.3.4",
	"2400::1.2.3.4:5", "2400::-1", "2400:+1::", "2400::1%eth0", "2400::/32", "[2400::]",
};

/* The bytes inet_pton makes of a text, or false */
static bool pton(const char *t, uint8_t b[16])
{
	return inet_pton(AF_INET6, t, b) == 1;
}

static void expect_refused(const char *bad)
{
	char v6[3 * V6_TEXT_MAX], err[TEST_ERR_MAX] = "", want[TEST_PATH_MAX + 32];

	for (int as_end = 0; as_end < 2; as_end++) {
		snprintf(v6, sizeof(v6), "2400::,2400::1,NL\n%s,%s,JP\n", as_end ? "2400::2" : bad,
			 as_end ? bad : "3fff::");
		write_pair(V4OK, v6);
		ck_assert_msg(geoip_open(tmpdir, err, sizeof(err)) == NULL, "\"%s\" (refused by inet_pton) loaded",
			      bad);
		snprintf(want, sizeof(want), "%s/geoip6:2: start and end must be IPv6 addresses", tmpdir);
		ck_assert_msg(strcmp(err, want) == 0, "\"%s\": \"%s\", want \"%s\"", bad, err, want);
	}
}

#define V4_RANGES 4000

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A decimal number as the file may have it: 0 to 3 leading zeros, so that
 * every length from 1 to 13 digits is written (above 10 the general parse
 * reads it). */
static void dec_render(uint32_t v, char *buf, size_t sz)
{
	int pad = rng() % 3 == 0 ? (int)(rng() % 4) : 0;

	snprintf(buf, sz, "%.*s%u", pad, "000", v);
}

/*
 * The checking pass reads IPv4 starts and ends eight digits at a time:
 * numbers of every length, with leading zeros, the extremes, a range ending
 * at 2^32-1; each range's first and last address answer its country, the
 * address after it a gap. Then numbers it must refuse, in either field.
 */
START_TEST(test_v4_numbers)
{
	static uint32_t v[2 * V4_RANGES];
	static const char *const ccs[] = {"NL", "DE", "US", "FR", "JP", "AU", "GB", "IT", "ES", "SE"};
	static const char *const bad[] = {
		"4294967296", "04294967296", "9999999999", "10000000000", "42949672950", "12a", "1 2", "+1", "-0",
		"1.5", "0x10", "\xff" "1", "1\xff", "12345678\xfa", "1234567\xff", "123456789\xff", "",
	};
	char path[TEST_PATH_MAX], err[TEST_ERR_MAX] = "", t1[32], t2[32], ip[INET_ADDRSTRLEN], line[128];
	size_t n = 0, n_long = 0;
	struct geoip *g;
	struct hk_addr a;
	FILE *fp;

	for (size_t i = 0; i < 2 * V4_RANGES; i++) {
		uint32_t digits = 1 + rng() % 10, mod = 1;
		for (uint32_t d = 0; d < digits && d < 9; d++)
			mod *= 10;
		v[i] = digits == 10 ? rng() : rng() % mod;
	}
	v[0] = 0;
	v[1] = UINT32_MAX;
	qsort(v, 2 * V4_RANGES, sizeof(v[0]), u32_cmp);
	for (size_t i = 0; i < 2 * V4_RANGES; i++)
		if (n == 0 || v[n - 1] != v[i])
			v[n++] = v[i];
	n &= ~(size_t)1; /* pairs: start v[2i], end v[2i+1] */
	v[n - 1] = UINT32_MAX;
	snprintf(path, sizeof(path), "%s/geoip", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	for (size_t i = 0; i < n; i += 2) {
		dec_render(v[i], t1, sizeof(t1));
		dec_render(v[i + 1], t2, sizeof(t2));
		n_long += strlen(t1) > 10;
		fprintf(fp, "%s,%s,%s\n", t1, t2, ccs[(i / 2) % 10]);
	}
	fclose(fp);
	ck_assert_uint_gt(n_long, 10);
	g = geoip_open_families(tmpdir, GEOIP_FAMILY_V4, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	for (size_t i = 0; i < n; i += 2) {
		uint32_t probe[3] = { v[i], v[i + 1], v[i + 1] + 1 };
		for (int k = 0; k < 3; k++) {
			const char *want = k < 2 ? ccs[(i / 2) % 10] : "-";
			if (k == 2 && (v[i + 1] == UINT32_MAX || (i + 2 < n && v[i + 2] == probe[2])))
				continue;
			uint32_t p = probe[k];
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u", p >> 24, p >> 16 & 255, p >> 8 & 255, p & 255);
			ck_assert(hk_addr_parse(ip, &a));
			if (geoip_family_of(&a) == 0)
				want = "-"; /* no location by rule */
			ck_assert_msg(strcmp(cc(g, ip), want) == 0, "%s (range %u-%u): %s, want %s", ip, v[i], v[i + 1],
				      cc(g, ip), want);
		}
	}
	geoip_free(g);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (int as_end = 0; as_end < 2; as_end++) {
			char want[TEST_PATH_MAX + 32];
			const char *start = as_end ? "2" : bad[i], *end = as_end ? bad[i] : "2";
			snprintf(line, sizeof(line), "0,1,NL\n%s,%s,AU\n", start, end);
			write_pair(line, V6OK);
			ck_assert_msg(geoip_open_families(tmpdir, GEOIP_FAMILY_V4, err, sizeof(err)) == NULL,
				      "\"%s\" loaded", bad[i]);
			snprintf(want, sizeof(want), "%s/geoip:2: start and end must be decimal numbers below 2^32",
				 tmpdir);
			ck_assert_msg(strcmp(err, want) == 0 || (bad[i][0] == '\0' && strstr(err, "geoip:2: ")),
				      "\"%s\": %s", bad[i], err);
		}
}
END_TEST

START_TEST(test_v6_text_vs_inet_pton)
{
	static uint16_t addr[V6_TEXTS][8];
	static const char *const ccs[] = {"NL", "DE", "US", "FR", "JP", "AU", "GB", "IT", "ES", "SE"};
	char path[TEST_PATH_MAX], err[TEST_ERR_MAX] = "", t1[V6_TEXT_MAX], t2[V6_TEXT_MAX], ip[INET6_ADDRSTRLEN];
	uint8_t b[16], want[16];
	size_t n = 0, n_quad = 0, n_short = 0, n_bad = 0;
	struct geoip *g;
	FILE *fp;

	/* addresses with many zero groups; the first group 0 (leading "::") or
	 * global unicast outside 2001:db8::/32 (no address answers "-" by rule) */
	for (size_t i = 0; i < V6_TEXTS; i++) {
		for (int k = 0; k < 8; k++)
			addr[i][k] = rng() % 2 ? 0 : (uint16_t)(rng() % 3 == 0 ? rng() % 16 : rng());
		addr[i][0] = rng() % 4 == 0 ? 0 : (uint16_t)(0x2400 + rng() % 0x1c00);
		if (addr[i][0] == 0) {
			addr[i][5] = (uint16_t)(addr[i][5] == 0xffff ? 1 : addr[i][5]); /* not ::ffff:0:0/96 */
			addr[i][7] |= 2;                                             /* not :: or ::1 */
		}
		for (int k = 0; k < 8; k++) /* big-endian, so that memcmp sorts */
			addr[i][k] = htons(addr[i][k]);
	}
	qsort(addr, V6_TEXTS, sizeof(addr[0]), v6_cmp_groups);
	for (size_t i = 0; i < V6_TEXTS; i++)
		if (n == 0 || memcmp(addr[n - 1], addr[i], 16) != 0)
			memmove(addr[n++], addr[i], 16);
	snprintf(path, sizeof(path), "%s/geoip6", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	for (size_t i = 0; i < n; i++) {
		uint16_t host[8];
		for (int k = 0; k < 8; k++)
			host[k] = ntohs(addr[i][k]);
		v6_render(host, t1);
		v6_render(host, t2);
		memcpy(want, addr[i], 16);
		ck_assert_msg(pton(t1, b) && memcmp(b, want, 16) == 0, "generator: %s", t1);
		ck_assert_msg(pton(t2, b) && memcmp(b, want, 16) == 0, "generator: %s", t2);
		n_quad += strchr(t1, '.') != NULL;
		n_short += strstr(t1, "::") != NULL;
		fprintf(fp, "%s,%s,%s\n", t1, t2, ccs[i % 10]);
	}
	fclose(fp);
	/* every form was written */
	ck_assert_uint_gt(n_quad, n / 8);
	ck_assert_uint_gt(n_short, n / 2);
	snprintf(path, sizeof(path), "%s/geoip", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(V4OK, fp);
	fclose(fp);
	g = geoip_open(tmpdir, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	for (size_t i = 0; i < n; i++) {
		uint8_t next[16];
		memcpy(next, addr[i], 16);
		for (int k = 15; k >= 0 && ++next[k] == 0; k--)
			;
		ck_assert_ptr_nonnull(inet_ntop(AF_INET6, addr[i], ip, sizeof(ip)));
		ck_assert_msg(strcmp(cc(g, ip), ccs[i % 10]) == 0, "%s: %s, want %s", ip, cc(g, ip), ccs[i % 10]);
		if (i + 1 < n && memcmp(next, addr[i + 1], 16) == 0)
			continue;
		ck_assert_ptr_nonnull(inet_ntop(AF_INET6, next, ip, sizeof(ip)));
		ck_assert_msg(strcmp(cc(g, ip), "-") == 0, "%s (a gap): %s", ip, cc(g, ip));
	}
	geoip_free(g);
	/* refused: the hand-written texts, and valid ones mutated */
	for (size_t i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++) {
		ck_assert_msg(!pton(bad_texts[i], b), "\"%s\" is valid", bad_texts[i]);
		expect_refused(bad_texts[i]);
	}
	for (int i = 0; i < 600; i++) {
		static const char ins[] = ":0fF.g ";
		uint16_t host[8];
		size_t len, at;
		for (int k = 0; k < 8; k++)
			host[k] = ntohs(addr[rng() % n][k]);
		v6_render(host, t1);
		len = strlen(t1);
		at = rng() % (len + 1);
		switch (rng() % 4) {
		case 0: /* a character more */
		case 1:
			memmove(t1 + at + 1, t1 + at, len - at + 1);
			t1[at] = ins[rng() % (sizeof(ins) - 1)];
			break;
		case 2: /* one less */
			if (at < len)
				memmove(t1 + at, t1 + at + 1, len - at);
			break;
		default: /* one replaced */
			if (at < len)
				t1[at] = ins[rng() % (sizeof(ins) - 1)];
			break;
		}
		if (pton(t1, b))
			continue;
		n_bad++;
		expect_refused(t1);
	}
	ck_assert_uint_gt(n_bad, 200);
}
END_TEST

/*
 * Many ranges, so that lookups cross the sparse index (a block per 16
 * ranges or 4 KiB of file): every range's first, middle and last address,
 * and the gap after it, with comment lines in between (one run of them
 * longer than a block), CRLF line ends, "??" and "EU" ranges, upper-case and
 * dotted-quad IPv6 text.
 */
#define BLOCK_RANGES 1000
#define BLOCK_RANGES6 300

static const char *block_cc(int i)
{
	static const char *const cc[] = {"NL", "DE", "US", "FR", "JP", "AU", "GB", "IT", "ES", "SE"};

	if (i % 37 == 0)
		return "??";
	if (i % 41 == 0)
		return "EU";
	return cc[i % 10];
}

static const char *block_want(int i)
{
	const char *c = block_cc(i);

	return strcmp(c, "??") == 0 || strcmp(c, "EU") == 0 ? "-" : c;
}

START_TEST(test_index_blocks)
{
	char path[TEST_PATH_MAX], err[TEST_ERR_MAX] = "", ip[64];
	struct geoip *g;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/geoip", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("# Generated: Mon, 01 Jan 2024 00:00:00 GMT\n", fp);
	for (int i = 0; i < BLOCK_RANGES; i++) {
		uint32_t start = 0x0b000000u + (uint32_t)i * 512u;
		if (i % 7 == 3)
			fputs("# a comment between ranges\n", fp);
		if (i == 500)
			for (int k = 0; k < 40; k++)
				fprintf(fp, "# %0200d\n", k);
		fprintf(fp, "%u,%u,%s%s", start, start + 255, block_cc(i), i % 13 == 5 ? "\r\n" : "\n");
	}
	fclose(fp);
	snprintf(path, sizeof(path), "%s/geoip6", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	for (int i = 0; i < BLOCK_RANGES6; i++) {
		if (i % 10 == 4)
			fprintf(fp, "2a01:4000:%x::0.0.0.0,2a01:4000:%x:ffff:ffff:ffff:255.255.255.255,%s\n", 2 * i,
				2 * i, block_cc(i));
		else if (i % 10 == 7)
			fprintf(fp, "2A01:4000:%X::,2A01:4000:%X:FFFF:FFFF:FFFF:FFFF:FFFF,%s\n", 2 * i, 2 * i,
				block_cc(i));
		else
			fprintf(fp, "2a01:4000:%x::,2a01:4000:%x:ffff:ffff:ffff:ffff:ffff,%s\n", 2 * i, 2 * i,
				block_cc(i));
	}
	fclose(fp);
	g = geoip_open(tmpdir, err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_str_eq(cc(g, "10.255.255.255"), "-"); /* below the first range */
	for (int i = 0; i < BLOCK_RANGES; i++) {
		uint32_t start = 0x0b000000u + (uint32_t)i * 512u;
		const uint32_t probe[3] = {start, start + 100, start + 255};
		for (int k = 0; k < 3; k++) {
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u", probe[k] >> 24, (probe[k] >> 16) & 255,
				 (probe[k] >> 8) & 255, probe[k] & 255);
			ck_assert_msg(strcmp(cc(g, ip), block_want(i)) == 0, "%s: %s, want %s", ip, cc(g, ip),
				      block_want(i));
		}
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", (start + 256) >> 24, ((start + 256) >> 16) & 255,
			 ((start + 256) >> 8) & 255, (start + 256) & 255);
		ck_assert_msg(strcmp(cc(g, ip), "-") == 0, "%s (a gap): %s", ip, cc(g, ip));
	}
	for (int i = 0; i < BLOCK_RANGES6; i++) {
		snprintf(ip, sizeof(ip), "2a01:4000:%x::", 2 * i);
		ck_assert_msg(strcmp(cc(g, ip), block_want(i)) == 0, "%s: %s, want %s", ip, cc(g, ip), block_want(i));
		snprintf(ip, sizeof(ip), "2a01:4000:%x:ffff:ffff:ffff:ffff:ffff", 2 * i);
		ck_assert_msg(strcmp(cc(g, ip), block_want(i)) == 0, "%s: %s, want %s", ip, cc(g, ip), block_want(i));
		snprintf(ip, sizeof(ip), "2a01:4000:%x::1", 2 * i + 1);
		ck_assert_msg(strcmp(cc(g, ip), "-") == 0, "%s (a gap): %s", ip, cc(g, ip));
	}
	geoip_free(g);
}
END_TEST

/* The real data, when installed or extracted. */
START_TEST(test_real_data)
{
	const char *dir = getenv("HERKOMST_GEOIP_DIR");
	char path[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct timespec t0, t1;
	struct geoip *g;

	if (!dir || !*dir)
		dir = "/usr/share/tor";
	snprintf(path, sizeof(path), "%s/geoip", dir);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "test_geoip: %s missing: the real-data test is skipped (packaging/dev.sh deps "
				"extracts tor-geoipdb)\n", path);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	g = geoip_open(dir, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(g != NULL, "%s", err);
	fprintf(stderr, "test_geoip: %s loaded in %.0f ms (%s)\n", dir,
		(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, geoip_source(g));
	ck_assert_str_eq(cc(g, "145.97.0.1"), "NL");  /* SURF */
	ck_assert_str_eq(cc(g, "8.8.8.8"), "US");
	ck_assert_str_eq(cc(g, "2001:610::1"), "NL"); /* SURF's IPv6 block */
	ck_assert_str_eq(cc(g, "10.0.0.1"), "-");
	ck_assert_str_eq(cc(g, "::ffff:145.97.0.1"), "NL");
	ck_assert_msg(strncmp(geoip_source(g), "tor-geoipdb (IPFire, ", 21) == 0, "%s", geoip_source(g));
	geoip_free(g);
}
END_TEST

static Suite *geoip_suite(void)
{
	Suite *s = suite_create("geoip");
	TCase *tc = tcase_create("geoip");
	TCase *files = tcase_create("files");

	tcase_add_test(tc, test_fixture_lookups);
	tcase_add_test(tc, test_env_dir);
	tcase_add_test(tc, test_families);
	tcase_add_test(tc, test_assessed_families);
	tcase_add_test(tc, test_real_data);
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_loop_test(files, test_errors, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(files, test_family_files);
	tcase_add_test(files, test_assessed_broken_v6);
	tcase_add_test(files, test_line_limit_and_plain_source);
	tcase_add_test(files, test_index_blocks);
	tcase_add_test(files, test_v6_text_vs_inet_pton);
	tcase_add_test(files, test_v4_numbers);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, files);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(geoip_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
