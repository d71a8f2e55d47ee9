/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ownership: manufacturer name → company → controlling company
 * (src/inventory/origin.c). The fixture tests/unit/data/origin/good/ is a
 * small invented world with the real table's traps: Dell and Delta,
 * Siemens and Siemens Healthineers, OUI spellings ("Co.,Ltd.", trailing
 * commas), prefixes that must end at a word, regexes that must match the
 * whole name, parent chains and state grades. Broken tables are built in
 * memory (origin_load_buffer) and must fail with "file:line: what".
 *
 * With the argument "data" (meson suite 'data') it checks the shipped
 * signatures/ownership/ instead: the names the brief and docs/origin.md
 * promise, and that every manufacturer the shipped signature rules and
 * vendor-ID tables can claim resolves to a company.
 */
#include "cli/cmd_check.h"
#include "inventory/origin.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_PATH_MAX 4096
#define TEST_ERR_MAX 1024
#define ISO3166_JSON "/usr/share/iso-codes/json/iso_3166-1.json"

static char *src_path_in(char *buf, const char *rel)
{
	const char *src = getenv("HERKOMST_SOURCE_DIR");

	ck_assert_msg(src != NULL, "HERKOMST_SOURCE_DIR is not set (run the test with meson test)");
	snprintf(buf, TEST_PATH_MAX, "%s/%s", src, rel);
	return buf;
}

static struct origin_db *load_fixture(void)
{
	char path[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct origin_db *db = origin_load_dir(src_path_in(path, "tests/unit/data/origin/good"), err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

/* The company id name resolves to, or "-" */
static const char *rid(const struct origin_db *db, const char *name)
{
	const struct origin_company *c = origin_resolve(db, name, NULL);
	return c ? c->id : "-";
}

START_TEST(test_fixture_loads)
{
	struct origin_db *db = load_fixture();

	ck_assert_uint_eq(origin_company_count(db), 17);
	ck_assert_uint_eq(origin_alias_count(db), 26);
	ck_assert_ptr_null(origin_db_free(db));
	ck_assert_ptr_null(origin_db_free(NULL));
	ck_assert_uint_eq(origin_company_count(NULL), 0);
	ck_assert_uint_eq(origin_alias_count(NULL), 0);
}
END_TEST

START_TEST(test_dell_delta)
{
	struct origin_db *db = load_fixture();

	ck_assert_str_eq(rid(db, "Dell"), "dell");
	ck_assert_str_eq(rid(db, "DELL"), "dell");
	ck_assert_str_eq(rid(db, "Dell Inc."), "dell");
	ck_assert_str_eq(rid(db, "Dell Inc"), "dell");
	ck_assert_str_eq(rid(db, "Delta Electronics, Inc."), "delta");
	ck_assert_str_eq(rid(db, "DELTA ELECTRONICS"), "delta");
	/* "dell" is not a prefix of "delta": prefixes end at a word */
	ck_assert_str_eq(rid(db, "Delta"), "-");
	ck_assert_str_eq(rid(db, "Dellta"), "-");
	ck_assert_str_eq(rid(db, "Dell'Orto S.P.A."), "-");
	ck_assert_str_eq(rid(db, "Delta Elektronika BV"), "-");
	origin_db_free(db);
}
END_TEST

START_TEST(test_siemens_healthineers)
{
	struct origin_db *db = load_fixture();

	ck_assert_str_eq(rid(db, "Siemens"), "siemens");
	ck_assert_str_eq(rid(db, "Siemens AG,"), "siemens");
	ck_assert_str_eq(rid(db, "SIEMENS AG"), "siemens");
	ck_assert_str_eq(rid(db, "Siemens AG Austria"), "siemens");
	ck_assert_str_eq(rid(db, "Siemens AG, Healthcare Sector"), "siemens");
	ck_assert_str_eq(rid(db, "Siemens Healthineers"), "healthineers");
	ck_assert_str_eq(rid(db, "Siemens Healthineers AG"), "healthineers");
	/* no loose matching: an unlisted "Siemens ..." company is not Siemens AG */
	ck_assert_str_eq(rid(db, "Siemens Energy Global GmbH & Co. KG"), "-");
	ck_assert_str_eq(rid(db, "Siemensstadt"), "-");
	origin_db_free(db);
}
END_TEST

START_TEST(test_oui_spellings)
{
	struct origin_db *db = load_fixture();
	const char *rule = NULL;

	/* "Co.,Ltd." and friends fold to "co ltd" */
	ck_assert_str_eq(rid(db, "Hangzhou Camera Maker Co.,Ltd."), "cammaker");
	ck_assert_str_eq(rid(db, "HANGZHOU CAMERA MAKER CO., LTD"), "cammaker");
	ck_assert_str_eq(rid(db, "Hangzhou  Camera-Maker (Co.) Ltd,"), "cammaker");
	ck_assert_str_eq(rid(db, "  Hangzhou\tCamera Maker  "), "cammaker");
	ck_assert_str_eq(rid(db, "Zhejiang Minority Tech Co., Ltd."), "minorco");
	/* exact means the whole folded name */
	ck_assert_str_eq(rid(db, "Intel Corporate"), "intel");
	ck_assert_str_eq(rid(db, "INTEL CORPORATE"), "intel");
	ck_assert_str_eq(rid(db, "Intel Corporate Ltd"), "-");
	ck_assert_str_eq(rid(db, "Intel Corporation"), "intel");
	ck_assert_str_eq(rid(db, "Intelligent Devices Inc."), "-");
	ck_assert_str_eq(rid(db, "Juniper Networks, Inc."), "juniper");
	ck_assert_ptr_nonnull(origin_resolve(db, "CamBrand", &rule));
	ck_assert_str_eq(rule, "aliases.tsv:4");
	origin_db_free(db);
}
END_TEST

START_TEST(test_prefix_words)
{
	struct origin_db *db = load_fixture();
	const char *rule = NULL;

	ck_assert_str_eq(rid(db, "Hangzhou Camera Makers"), "-");
	ck_assert_str_eq(rid(db, "Juniper Networksx"), "-");
	ck_assert_str_eq(rid(db, "Juniper"), "-");
	ck_assert_str_eq(rid(db, "Juniper Networks"), "juniper");
	/* the longest prefix wins, whatever the file order */
	ck_assert_str_eq(rid(db, "Scanner Co. Ltd"), "scanner");
	ck_assert_str_eq(rid(db, "Scanner Co. Parent Ltd"), "scanmid");
	ck_assert_str_eq(rid(db, "Scanner Co Parent"), "scanmid");
	ck_assert_str_eq(rid(db, "Scanner Co Parents"), "scanner");
	/* HP Inc. vs Hewlett Packard Enterprise */
	ck_assert_str_eq(rid(db, "HP"), "hpinc");
	ck_assert_str_eq(rid(db, "HP Inc."), "hpinc");
	ck_assert_str_eq(rid(db, "HPE"), "hpe");
	ck_assert_str_eq(rid(db, "Hewlett Packard Enterprise"), "hpe");
	ck_assert_str_eq(rid(db, "HP Enterprise"), "-");
	ck_assert_ptr_nonnull(origin_resolve(db, "Scanner Co. Parent Ltd", &rule));
	ck_assert_str_eq(rule, "aliases.tsv:7");
	origin_db_free(db);
}
END_TEST

START_TEST(test_regex)
{
	struct origin_db *db = load_fixture();
	const char *rule = NULL;

	ck_assert_ptr_nonnull(origin_resolve(db, "Rockwell Automation/Allen-Bradley", &rule));
	ck_assert_str_eq(rule, "aliases.tsv:17");
	ck_assert_ptr_nonnull(origin_resolve(db, "Rockwell Automation", &rule));
	ck_assert_str_eq(rule, "aliases.tsv:18");
	/* anchored at both ends, alternatives included */
	ck_assert_str_eq(rid(db, "The Rockwell Automation/x"), "-");
	ck_assert_str_eq(rid(db, "Rocket"), "rockwell");
	ck_assert_str_eq(rid(db, "Zzz"), "rockwell");
	ck_assert_str_eq(rid(db, "Zzzx"), "-");
	ck_assert_str_eq(rid(db, "xZzz"), "-");
	/* regexes in file order: the first that matches */
	ck_assert_str_eq(rid(db, "Blue Widget Works"), "delta");
	/* exact, then prefix, before any regex */
	ck_assert_str_eq(rid(db, "Widget"), "dell");
	ck_assert_str_eq(rid(db, "Widget Co. Blue"), "dell");
	ck_assert_str_eq(rid(db, "Widgets"), "delta");
	origin_db_free(db);
}
END_TEST

START_TEST(test_deterministic)
{
	static const char *const names[] = {
		"Dell Inc.", "Delta Electronics, Inc.", "Siemens AG,", "Siemens Healthineers AG", "Blue Widget Works",
		"Rockwell Automation/Allen-Bradley", "Scanner Co. Parent Ltd", "nothing at all", "HP",
	};
	struct origin_db *a = load_fixture(), *b = load_fixture();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *ra = NULL, *rb = NULL;
		const struct origin_company *ca = origin_resolve(a, names[i], &ra);
		const struct origin_company *cb = origin_resolve(b, names[i], &rb);
		const struct origin_company *again = origin_resolve(a, names[i], NULL);
		ck_assert_ptr_eq(ca, again);
		ck_assert_int_eq(ca == NULL, cb == NULL);
		if (ca) {
			ck_assert_str_eq(ca->id, cb->id);
			ck_assert_str_eq(ra, rb);
		}
	}
	origin_db_free(a);
	origin_db_free(b);
}
END_TEST

START_TEST(test_parents_and_grades)
{
	struct origin_db *db = load_fixture();
	const struct origin_company *c;

	c = origin_company(db, "scanner");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->parent_id, "scanmid");
	ck_assert_str_eq(origin_top(db, c)->id, "nuclear");
	ck_assert_int_eq(c->state, ORIGIN_STATE_LINKED_VIA_PARENT);
	ck_assert(c->state_share < 0);
	ck_assert_str_eq(origin_top(db, origin_company(db, "axis"))->id, "canon");
	ck_assert_str_eq(origin_company(db, "axis")->control_country, "JP");
	ck_assert_str_eq(origin_company(db, "axis")->hq_country, "SE");
	ck_assert_str_eq(origin_top(db, origin_company(db, "juniper"))->id, "hpe");
	ck_assert_str_eq(origin_company(db, "juniper")->as_of, "2025-07-02");
	c = origin_company(db, "dell");
	ck_assert_ptr_null(c->parent_id);
	ck_assert_ptr_eq(origin_top(db, c), c);
	c = origin_resolve(db, "Hangzhou Camera Maker Co.,Ltd.", NULL);
	ck_assert_int_eq(c->state, ORIGIN_STATE_CONTROLLED);
	ck_assert(c->state_share > 38.87 && c->state_share < 38.89);
	ck_assert_str_eq(c->controller, "State Holding Group 38.88 %");
	ck_assert_str_eq(origin_top(db, c)->id, "stateco");
	c = origin_company(db, "minorco");
	ck_assert_int_eq(c->state, ORIGIN_STATE_MINORITY);
	ck_assert(c->state_share > 8.79 && c->state_share < 8.81);
	ck_assert_int_eq(origin_company(db, "dell")->state, ORIGIN_STATE_NONE);
	ck_assert_str_eq(origin_state_name(ORIGIN_STATE_NONE), "none");
	ck_assert_str_eq(origin_state_name(ORIGIN_STATE_LINKED_VIA_PARENT), "linked-via-parent");
	ck_assert_str_eq(origin_state_name(ORIGIN_STATE_MINORITY), "minority");
	ck_assert_str_eq(origin_state_name(ORIGIN_STATE_CONTROLLED), "controlled");
	ck_assert_str_eq(origin_state_name((enum origin_state)42), "unknown");
	ck_assert_ptr_null(origin_company(db, "nope"));
	ck_assert_ptr_null(origin_company(db, NULL));
	ck_assert_ptr_null(origin_company(NULL, "dell"));
	ck_assert_ptr_null(origin_top(db, NULL));
	origin_db_free(db);
}
END_TEST

START_TEST(test_resolve_edges)
{
	struct origin_db *db = load_fixture();
	char *longname = malloc(4096);
	const char *rule = "untouched";

	ck_assert_ptr_null(origin_resolve(NULL, "Dell", NULL));
	ck_assert_ptr_null(origin_resolve(db, NULL, NULL));
	ck_assert_ptr_null(origin_resolve(db, "", &rule));
	ck_assert_ptr_null(origin_resolve(db, ",.-()& ", &rule));
	ck_assert_str_eq(rule, "untouched");
	memset(longname, 'a', 4095);
	longname[4095] = '\0';
	memcpy(longname, "Dell ", 5);
	ck_assert_ptr_null(origin_resolve(db, longname, NULL));
	free(longname);
	origin_db_free(db);
}
END_TEST

/* ------------------------------------------------------------- loader errors */

static const char companies_ok[] =
	"id\tname\thq\tparent\tcontrol_country\tcontroller\tstate\tstate_share\tas_of\treference\n"
	"a\tA Corp\tDE\t-\tDE\twidely held\tnone\t-\t2025\tfixture\n"
	"b\tB Corp\tNL\ta\tDE\tA Corp\tnone\t-\t2024-02-29\tfixture\n";
static const char aliases_ok[] = "alias\tmatch\tcompany\treference\nA Corp\tprefix\ta\tfixture\n";

struct bad_case {
	const char *companies; /* NULL: companies_ok */
	const char *aliases;   /* NULL: aliases_ok */
	const char *where;     /* "companies.tsv:3: " */
	const char *what;      /* a part of the message */
};

#define HDR_C "id\tname\thq\tparent\tcontrol_country\tcontroller\tstate\tstate_share\tas_of\treference\n"
#define ROW_A "a\tA Corp\tDE\t-\tDE\twidely held\tnone\t-\t2025\tfixture\n"
#define HDR_A "alias\tmatch\tcompany\treference\n"

static const struct bad_case bad_cases[] = {
	{ "id\tname\n" ROW_A, NULL, "companies.tsv:1: ", "header" },
	{ "# only comments\n", NULL, "companies.tsv: ", "no header line" },
	{ HDR_C "a\tA Corp\tDE\t-\tDE\twidely held\tnone\t-\t2025\n", NULL, "companies.tsv:2: ", "9 columns, want 10" },
	{ HDR_C "a\tA Corp\tDE\t-\tDE\twidely held\tnone\t-\t2025\tfixture\textra\n", NULL, "companies.tsv:2: ",
	  "more than 10 columns" },
	{ HDR_C "A!\tA Corp\tDE\t-\tDE\twidely held\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ", "id \"A!\"" },
	{ HDR_C "a\tA Corp\tde\t-\tDE\twidely held\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ", "hq \"de\"" },
	{ HDR_C "a\tA Corp\tDE\t-\tDEU\twidely held\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ",
	  "control_country \"DEU\"" },
	{ HDR_C ROW_A "b\tB\tDE\tzz\tDE\tx\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:3: ", "parent \"zz\" is not" },
	{ HDR_C "a\tA\tDE\ta\tDE\tx\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ", "its own parent" },
	{ HDR_C ROW_A "b\tB\tDE\tc\tDE\tx\tnone\t-\t2025\tfixture\nc\tC\tDE\tb\tDE\tx\tnone\t-\t2025\tfixture\n", NULL,
	  "companies.tsv:3: ", "a loop or longer than 8 links" },
	{ HDR_C ROW_A "a\tA again\tDE\t-\tDE\tx\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:3: ",
	  "company id a is listed twice (first at line 2)" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tstate-owned\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ", "state \"state-owned\"" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tminority\t101\t2025\tfixture\n", NULL, "companies.tsv:2: ", "state_share \"101\"" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tminority\t-5\t2025\tfixture\n", NULL, "companies.tsv:2: ", "state_share \"-5\"" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tminority\t12.5%\t2025\tfixture\n", NULL, "companies.tsv:2: ", "state_share" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tminority\tnan\t2025\tfixture\n", NULL, "companies.tsv:2: ", "state_share" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tnone\t5\t2025\tfixture\n", NULL, "companies.tsv:2: ", "state is none but" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tnone\t-\t2023-02-29\tfixture\n", NULL, "companies.tsv:2: ", "as_of \"2023-02-29\"" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tnone\t-\t2024-13-01\tfixture\n", NULL, "companies.tsv:2: ", "as_of" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tnone\t-\t2024-07\tfixture\n", NULL, "companies.tsv:2: ", "as_of \"2024-07\"" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tnone\t-\t24\tfixture\n", NULL, "companies.tsv:2: ", "as_of" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tnone\t-\t2025\t-\n", NULL, "companies.tsv:2: ", "every fact needs a source" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tnone\t-\t2025\t\n", NULL, "companies.tsv:2: ", "column reference is empty" },
	{ HDR_C "a\tA\tDE\t-\tDE\t x\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ", "white space" },
	{ HDR_C "a\tA\tDE\t-\tDE\t-\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ", "not '-'" },
	{ HDR_C ROW_A "b\tB\tNL\ta\tNL\tA\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:3: ",
	  "control_country NL differs from DE of the top company a" },
	{ HDR_C "a\tA\tDE\t-\tDE\tx\tnone\t-\t2025\tfixture\r\n", NULL, "companies.tsv:2: ", "CR" },
	{ HDR_C "a\tA\xff\tDE\t-\tDE\tx\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ", "not UTF-8" },
	{ HDR_C "a\tA\x01\tDE\t-\tDE\tx\tnone\t-\t2025\tfixture\n", NULL, "companies.tsv:2: ", "control byte 0x01" },
	/* aliases */
	{ NULL, "alias\tmatch\n", "aliases.tsv:1: ", "header" },
	{ NULL, HDR_A "A Corp\tprefix\tzz\tfixture\n", "aliases.tsv:2: ", "company \"zz\"" },
	{ NULL, HDR_A "A Corp\tfuzzy\ta\tfixture\n", "aliases.tsv:2: ", "match \"fuzzy\"" },
	{ NULL, HDR_A "A Corp\tprefix\ta\t-\n", "aliases.tsv:2: ", "reference" },
	{ NULL, HDR_A ",.-()&\texact\ta\tfixture\n", "aliases.tsv:2: ", "empty after folding" },
	{ NULL, HDR_A "A Corp.\tprefix\ta\tfixture\nA CORP\tprefix\tb\tfixture\n", "aliases.tsv:3: ",
	  "alias \"a corp\" (prefix) names company b, but line 2 gives it to a" },
	{ NULL, HDR_A "A Corp.\tprefix\ta\tfixture\nA CORP\texact\tb\tfixture\n", "aliases.tsv:3: ",
	  "names company b, but line 2 gives it to a" },
	{ NULL, HDR_A "A Corp.\tprefix\ta\tfixture\nA  Corp\tprefix\ta\tfixture\n", "aliases.tsv:3: ",
	  "listed twice (first at line 2)" },
	{ NULL, HDR_A "A Corp.*\tregex\ta\tfixture\n", "aliases.tsv:2: ", "must start with '^'" },
	{ NULL, HDR_A "^A Corp.*\tregex\ta\tfixture\n", "aliases.tsv:2: ", "end with an unescaped '$'" },
	{ NULL, HDR_A "^A Corp\\$\tregex\ta\tfixture\n", "aliases.tsv:2: ", "end with an unescaped '$'" },
	{ NULL, HDR_A "^(A Corp$\tregex\ta\tfixture\n", "aliases.tsv:2: ", "regex does not compile" },
	{ NULL, HDR_A "A Corp\tprefix\ta\n", "aliases.tsv:2: ", "3 columns, want 4" },
};

START_TEST(test_loader_errors)
{
	const struct bad_case *bc = &bad_cases[_i];
	const char *c = bc->companies ? bc->companies : companies_ok;
	const char *a = bc->aliases ? bc->aliases : aliases_ok;
	char err[TEST_ERR_MAX] = "";
	struct origin_db *db = origin_load_buffer(c, strlen(c), a, strlen(a), err, sizeof(err));

	ck_assert_msg(db == NULL, "case %d loaded", _i);
	ck_assert_msg(strncmp(err, bc->where, strlen(bc->where)) == 0, "case %d: \"%s\" does not start with \"%s\"", _i,
		      err, bc->where);
	ck_assert_msg(strstr(err, bc->what) != NULL, "case %d: \"%s\" does not say \"%s\"", _i, err, bc->what);
}
END_TEST

START_TEST(test_loader_limits)
{
	char err[TEST_ERR_MAX] = "";
	struct origin_db *db;
	char *buf = malloc(65536), *p = buf;
	char line[8192];

	/* the good pair loads */
	db = origin_load_buffer(companies_ok, strlen(companies_ok), aliases_ok, strlen(aliases_ok), err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_str_eq(origin_resolve(db, "A Corp. GmbH", NULL)->id, "a");
	ck_assert_str_eq(origin_top(db, origin_company(db, "b"))->id, "a");
	origin_db_free(db);

	/* a chain of 9 links: longer than ORIGIN_PARENT_DEPTH_MAX */
	p += sprintf(p, HDR_C "c0\tC0\tDE\t-\tDE\tx\tnone\t-\t2025\tf\n");
	for (int i = 1; i <= 9; i++)
		p += sprintf(p, "c%d\tC%d\tDE\tc%d\tDE\tx\tnone\t-\t2025\tf\n", i, i, i - 1);
	db = origin_load_buffer(buf, strlen(buf), HDR_A, strlen(HDR_A), err, sizeof(err));
	ck_assert_ptr_null(db);
	ck_assert_msg(strncmp(err, "companies.tsv:11: ", 18) == 0, "%s", err);
	ck_assert_msg(strstr(err, "c9 -> c8 -> c7") != NULL, "%s", err);
	/* 8 links load */
	*strstr(buf, "c9\t") = '\0';
	db = origin_load_buffer(buf, strlen(buf), HDR_A, strlen(HDR_A), err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_str_eq(origin_top(db, origin_company(db, "c8"))->id, "c0");
	origin_db_free(db);

	/* a line past ORIGIN_LINE_MAX */
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	snprintf(buf, 65536, HDR_C "%s\n", line);
	db = origin_load_buffer(buf, strlen(buf), aliases_ok, strlen(aliases_ok), err, sizeof(err));
	ck_assert_ptr_null(db);
	ck_assert_msg(strncmp(err, "companies.tsv:2: line longer than", 33) == 0, "%s", err);

	/* NUL, and an empty buffer */
	db = origin_load_buffer("id\0x", 4, aliases_ok, strlen(aliases_ok), err, sizeof(err));
	ck_assert_ptr_null(db);
	ck_assert_msg(strstr(err, "companies.tsv:1: NUL") != NULL, "%s", err);
	db = origin_load_buffer(NULL, 0, NULL, 0, err, sizeof(err));
	ck_assert_ptr_null(db);
	ck_assert_msg(strstr(err, "companies.tsv: no header line") != NULL, "%s", err);
	/* no room for a message is not a crash */
	ck_assert_ptr_null(origin_load_buffer("x", 1, "y", 1, NULL, 0));
	ck_assert_ptr_null(origin_load_buffer("x", 1, "y", 1, err, 1));
	free(buf);
}
END_TEST

START_TEST(test_countries)
{
	char err[TEST_ERR_MAX] = "";
	static const char c_xx[] = HDR_C "a\tA\tXX\t-\tXX\tx\tnone\t-\t2025\tfixture\n";
	struct origin_db *db;

	ck_assert(origin_country_valid("NL"));
	ck_assert(origin_country_valid("CN"));
	ck_assert(origin_country_valid("HK"));
	ck_assert(!origin_country_valid("nl"));
	ck_assert(!origin_country_valid("N"));
	ck_assert(!origin_country_valid("NLD"));
	ck_assert(!origin_country_valid(""));
	ck_assert(!origin_country_valid(NULL));
	db = origin_load_buffer(c_xx, strlen(c_xx), HDR_A, strlen(HDR_A), err, sizeof(err));
	if (access(ISO3166_JSON, R_OK) == 0) {
		/* with iso-codes installed, only assigned codes pass */
		ck_assert(!origin_country_valid("XX"));
		ck_assert(!origin_country_valid("EU"));
		ck_assert_ptr_null(db);
		ck_assert_msg(strstr(err, "hq \"XX\"") != NULL, "%s", err);
	} else {
		fprintf(stderr, "test_origin: %s missing: country codes are checked as [A-Z]{2} only\n", ISO3166_JSON);
		ck_assert(origin_country_valid("XX"));
		ck_assert_ptr_nonnull(db);
		origin_db_free(db);
	}
}
END_TEST

START_TEST(test_load_dir_errors)
{
	char path[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";

	ck_assert_ptr_null(origin_load_dir("/nonexistent-herkomst", err, sizeof(err)));
	ck_assert_msg(strstr(err, "/nonexistent-herkomst/ownership/companies.tsv: cannot read") != NULL, "%s", err);
	ck_assert_ptr_null(origin_load_dir(NULL, err, sizeof(err)));
	ck_assert_ptr_null(origin_load_dir(src_path_in(path, "tests/unit/data/origin/bad-ownership"), err, sizeof(err)));
	ck_assert_msg(strstr(err, "bad-ownership/ownership/companies.tsv:10: parent \"scanmidd\"") != NULL, "%s", err);
}
END_TEST

/* herkomst check signatures on fixtures with a broken ownership table and a
 * broken policy: exit 1, and the file:line on standard error. */
static int run_check(const char *rel, char *out, size_t outsz)
{
	char path[TEST_PATH_MAX], tmpl[] = "/tmp/hk-test-origin-XXXXXX";
	char *argv[] = { "check", "signatures", src_path_in(path, rel), NULL };
	int fd = mkstemp(tmpl), save_out, save_err, st;
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	fflush(stderr);
	save_out = dup(STDOUT_FILENO);
	save_err = dup(STDERR_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	st = cmd_check(3, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(save_out, STDOUT_FILENO);
	dup2(save_err, STDERR_FILENO);
	close(save_out);
	close(save_err);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, outsz - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(tmpl);
	return st;
}

START_TEST(test_check_command)
{
	char out[8192];

	ck_assert_int_eq(run_check("tests/unit/data/origin/good", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "17 companies, 26 aliases: OK") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "policy default.tsv \"Test policy (fixture)\" (as of 2025-12-08): 1 countries for "
				  "criterion 1, 3 for criterion 2: OK") != NULL, "%s", out);
	ck_assert_int_eq(run_check("tests/unit/data/origin/bad-ownership", out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "bad-ownership/ownership/companies.tsv:10: parent \"scanmidd\" is not a company id") !=
			      NULL, "%s", out);
	ck_assert_msg(strstr(out, "the ownership tables were not loaded") != NULL, "%s", out);
	ck_assert_int_eq(run_check("tests/unit/data/origin/bad-policy", out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "bad-policy/policy/default.tsv:7: criterion \"3\" is neither 1 nor 2") != NULL, "%s",
		      out);
	ck_assert_msg(strstr(out, "the policy was not loaded") != NULL, "%s", out);
	/* the fingerprints part still reports as before */
	ck_assert_msg(strstr(out, "1 rules in 1 files: OK") != NULL, "%s", out);
}
END_TEST

/* --- the shipped data (suite 'data') ------------------------------------------ */

static struct origin_db *load_shipped(void)
{
	char path[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct origin_db *db = origin_load_dir(src_path_in(path, "signatures"), err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

struct expect {
	const char *name;
	const char *id;      /* "-": must not resolve */
	const char *control; /* control country */
	const char *top;     /* origin_top's id */
};

static const struct expect shipped_expect[] = {
	{ "Hangzhou Hikvision Digital Technology Co.,Ltd.", "hikvision", "CN", "cetc" },
	{ "Hikvision", "hikvision", "CN", "cetc" },
	{ "Ezviz", "hikvision", "CN", "cetc" },
	{ "HiLook", "hikvision", "CN", "cetc" },
	{ "HiWatch", "hikvision", "CN", "cetc" },
	{ "Zhejiang Dahua Technology Co., Ltd.", "dahua", "CN", "dahua" },
	{ "Imou", "dahua", "CN", "dahua" },
	{ "Shanghai Dahua Scale Factory", "-", NULL, NULL },
	{ "Huawei Technologies Co.,Ltd", "huawei", "CN", "huawei" },
	{ "HUAWEI TECHNOLOGIES CO.,LTD", "huawei", "CN", "huawei" },
	{ "Huawei Device Co., Ltd.", "huawei", "CN", "huawei" },
	{ "Siemens AG,", "siemens", "DE", "siemens" },
	{ "Siemens AG", "siemens", "DE", "siemens" },
	{ "SIEMENS AG", "siemens", "DE", "siemens" },
	{ "Siemens Healthineers", "siemens-healthineers", "DE", "siemens-healthineers" },
	{ "Siemens Healthcare Diagnostics, Inc", "siemens-healthineers", "DE", "siemens-healthineers" },
	{ "Siemens Energy Global GmbH & Co. KG", "siemens-energy", "DE", "siemens-energy" },
	{ "Siemens Energy & Automation, Inc.", "siemens", "DE", "siemens" },
	{ "RuggedCom Inc.", "ruggedcom", "DE", "siemens" },
	{ "Rockwell Automation", "rockwell", "US", "rockwell" },
	{ "Rockwell Automation/Allen-Bradley", "rockwell", "US", "rockwell" },
	{ "Allen-Bradley", "rockwell", "US", "rockwell" },
	{ "Intel Corporate", "intel", "US", "intel" },
	{ "INTELLIGENCE TECHNOLOGY OF CEC CO., LTD", "-", NULL, NULL },
	{ "Dell Inc.", "dell", "US", "dell" },
	{ "Delta Electronics", "delta", "TW", "delta" },
	{ "Delta Electronics, Inc.", "delta", "TW", "delta" },
	{ "Delta Elektronika BV", "-", NULL, NULL },
	{ "Hewlett Packard", "hewlett-packard", "US", "hewlett-packard" },
	{ "HP", "hp-inc", "US", "hp-inc" },
	{ "HP Inc.", "hp-inc", "US", "hp-inc" },
	{ "Hewlett Packard Enterprise", "hpe", "US", "hpe" },
	{ "HPE", "hpe", "US", "hpe" },
	{ "HPE Aruba Networking", "aruba", "US", "hpe" },
	{ "Aruba, a Hewlett Packard Enterprise Company", "aruba", "US", "hpe" },
	{ "Juniper Networks", "juniper", "US", "hpe" },
	{ "Cisco Systems, Inc", "cisco", "US", "cisco" },
	{ "Cisco Meraki", "cisco", "US", "cisco" },
	{ "VMware, Inc.", "vmware", "US", "broadcom" },
	{ "Axis Communications AB", "axis", "JP", "canon" },
	{ "AXIS CORPORATION", "-", NULL, NULL },
	{ "Hirschmann Automation and Control GmbH", "hirschmann", "US", "belden" },
	{ "Westermo Network Technologies AB", "westermo", "SE", "beijer" },
	{ "Hitachi Energy Switzerland Ltd", "hitachi-energy", "JP", "hitachi" },
	{ "Moxa", "moxa", "TW", "moxa" },
	{ "Schneider Electric", "schneider", "FR", "schneider" },
	{ "Beckhoff Automation GmbH", "beckhoff", "DE", "beckhoff" },
	{ "Fortinet, Inc.", "fortinet", "US", "fortinet" },
	{ "Apple, Inc.", "apple", "US", "apple" },
	{ "Motorola Mobility LLC, a Lenovo Company", "motorola-mobility", "CN", "legend" },
	{ "Motorola", "-", NULL, NULL },
	{ "Nuctech Company Limited", "nuctech", "CN", "cnnc" },
	{ "New H3C Technologies Co., Ltd", "h3c", "CN", "unisplendour" },
	{ "Ruijie Networks Co.,LTD", "ruijie", "CN", "star-net" },
	{ "ZTE", "zte", "CN", "zte" },
	{ "TP-LINK TECHNOLOGIES CO.,LTD.", "tp-link-cn", "CN", "tp-link-cn" },
	{ "TP-Link Systems Inc.", "tp-link-us", "US", "tp-link-us" },
	{ "Hangzhou Hollysys Automation Co., Ltd", "hollysys", "HK", "ascendent" },
	{ "SHENZHEN KAIFA TECHNOLOGY CO.,LTD.", "kaifa", "CN", "kaifa" },
	{ "Inspur Group Co., Ltd.", "inspur", "CN", "inspur" },
	{ "China Mobile IOT Company Limited", "china-mobile", "CN", "china-mobile" },
	{ "Milestone Systems A/S", "milestone", "JP", "canon" },
	{ "Avigilon", "avigilon", "US", "motorola-solutions" },
	{ "Sophos Ltd", "sophos", "US", "thoma-bravo" },
	{ "Kaspersky Lab ZAO", "kaspersky", "RU", "kaspersky" },
	{ "KUKA Roboter GmbH", "kuka", "CN", "midea" },
	{ "Hitron Technologies. Inc", "-", NULL, NULL },
	{ "Itron Inc.", "itron", "US", "itron" },
	{ "SMC Corporation", "smc-corp", "JP", "smc-corp" },
	{ "SMC Networks", "smc-networks", "US", "smc-networks" },
	{ "Carrier Access Corporation", "-", NULL, NULL },
};

START_TEST(test_shipped_names)
{
	struct origin_db *db = load_shipped();

	for (size_t i = 0; i < sizeof(shipped_expect) / sizeof(shipped_expect[0]); i++) {
		const struct expect *x = &shipped_expect[i];
		const struct origin_company *c = origin_resolve(db, x->name, NULL);
		if (strcmp(x->id, "-") == 0) {
			ck_assert_msg(c == NULL, "\"%s\" resolves to %s", x->name, c ? c->id : "");
			continue;
		}
		ck_assert_msg(c != NULL, "\"%s\" does not resolve", x->name);
		ck_assert_msg(strcmp(c->id, x->id) == 0, "\"%s\" → %s, want %s", x->name, c->id, x->id);
		ck_assert_msg(strcmp(c->control_country, x->control) == 0, "\"%s\" control %s, want %s", x->name,
			      c->control_country, x->control);
		ck_assert_msg(strcmp(origin_top(db, c)->id, x->top) == 0, "\"%s\" top %s, want %s", x->name,
			      origin_top(db, c)->id, x->top);
	}
	origin_db_free(db);
}
END_TEST

START_TEST(test_shipped_grades)
{
	struct origin_db *db = load_shipped();
	const struct origin_company *c;

	c = origin_company(db, "hikvision");
	ck_assert_int_eq(c->state, ORIGIN_STATE_CONTROLLED);
	ck_assert(c->state_share > 38.87 && c->state_share < 38.89);
	c = origin_company(db, "dahua");
	ck_assert_int_eq(c->state, ORIGIN_STATE_MINORITY);
	ck_assert(c->state_share > 8.79 && c->state_share < 8.81);
	c = origin_company(db, "kaifa");
	ck_assert_int_eq(c->state, ORIGIN_STATE_MINORITY);
	ck_assert(c->state_share > 34.99 && c->state_share < 35.01);
	ck_assert_int_eq(origin_company(db, "inspur")->state, ORIGIN_STATE_CONTROLLED);
	ck_assert_int_eq(origin_company(db, "china-mobile")->state, ORIGIN_STATE_CONTROLLED);
	ck_assert_int_eq(origin_company(db, "nuctech")->state, ORIGIN_STATE_LINKED_VIA_PARENT);
	ck_assert_int_eq(origin_company(db, "lenovo")->state, ORIGIN_STATE_LINKED_VIA_PARENT);
	ck_assert_int_eq(origin_company(db, "zte")->state, ORIGIN_STATE_LINKED_VIA_PARENT);
	ck_assert_int_eq(origin_company(db, "h3c")->state, ORIGIN_STATE_LINKED_VIA_PARENT);
	ck_assert_int_eq(origin_company(db, "huawei")->state, ORIGIN_STATE_NONE);
	ck_assert_str_eq(origin_company(db, "juniper")->as_of, "2025-07-02");
	ck_assert_str_eq(origin_company(db, "vmware")->as_of, "2023-11-22");
	ck_assert_str_eq(origin_company(db, "hollysys")->as_of, "2024-07-25");
	ck_assert_msg(strstr(origin_company(db, "tp-link-us")->reference, "UNCERTAIN") != NULL, "the TP-Link Systems "
		      "row must carry its uncertainty");
	origin_db_free(db);
}
END_TEST

/* Every manufacturer column value of the shipped signature rules (without
 * $n templates) and every vendor-ID table name resolves to a company. */
static size_t check_column(struct origin_db *db, const char *path, size_t col, const char *skip_header)
{
	FILE *fp = fopen(path, "r");
	char line[4096];
	size_t n = 0;

	ck_assert_msg(fp != NULL, "%s", path);
	while (fgets(line, sizeof(line), fp)) {
		char *f[16];
		size_t k = 0;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#' || strncmp(line, skip_header, strlen(skip_header)) == 0)
			continue;
		f[k++] = line;
		for (char *p = line; *p && k < 16; p++)
			if (*p == '\t') {
				*p = '\0';
				f[k++] = p + 1;
			}
		if (k <= col || strcmp(f[col], "-") == 0 || strchr(f[col], '$'))
			continue;
		/* names that are not makers (signatures/vendor-ids/not-vendors.tsv) */
		if (strcmp(f[col], "ASHRAE") == 0 || strcmp(f[col], "BACnet Stack at SourceForge") == 0)
			continue;
		ck_assert_msg(origin_resolve(db, f[col], NULL) != NULL,
			      "%s: manufacturer \"%s\" has no alias in signatures/ownership/aliases.tsv", path, f[col]);
		n++;
	}
	fclose(fp);
	return n;
}

START_TEST(test_shipped_manufacturers_resolve)
{
	struct origin_db *db = load_shipped();
	char dir[TEST_PATH_MAX], path[TEST_PATH_MAX + 300];
	struct dirent *de;
	DIR *d = opendir(src_path_in(dir, "signatures/fingerprints"));
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".tsv") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n += check_column(db, path, 3, "id\t");
	}
	closedir(d);
	n += check_column(db, src_path_in(dir, "signatures/vendor-ids/cip.tsv"), 1, "id\t");
	n += check_column(db, src_path_in(dir, "signatures/vendor-ids/bacnet.tsv"), 1, "id\t");
	ck_assert_uint_ge(n, 300);
	origin_db_free(db);
}
END_TEST

START_TEST(test_shipped_check)
{
	char out[8192];

	ck_assert_int_eq(run_check("signatures", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "companies, ") != NULL && strstr(out, "aliases: OK") != NULL, "%s", out);
}
END_TEST

static Suite *origin_suite(bool data)
{
	Suite *s = suite_create("origin");
	TCase *tc = tcase_create(data ? "shipped" : "origin");

	if (data) {
		tcase_add_test(tc, test_shipped_names);
		tcase_add_test(tc, test_shipped_grades);
		tcase_add_test(tc, test_shipped_manufacturers_resolve);
		tcase_add_test(tc, test_shipped_check);
	} else {
		tcase_add_test(tc, test_fixture_loads);
		tcase_add_test(tc, test_dell_delta);
		tcase_add_test(tc, test_siemens_healthineers);
		tcase_add_test(tc, test_oui_spellings);
		tcase_add_test(tc, test_prefix_words);
		tcase_add_test(tc, test_regex);
		tcase_add_test(tc, test_deterministic);
		tcase_add_test(tc, test_parents_and_grades);
		tcase_add_test(tc, test_resolve_edges);
		tcase_add_loop_test(tc, test_loader_errors, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
		tcase_add_test(tc, test_loader_limits);
		tcase_add_test(tc, test_countries);
		tcase_add_test(tc, test_load_dir_errors);
		tcase_add_test(tc, test_check_command);
	}
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	bool data = argc > 1 && strcmp(argv[1], "data") == 0;
	SRunner *sr = srunner_create(origin_suite(data));
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
