/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The country policy (src/inventory/policy.c). Fixtures:
 * tests/unit/data/origin/good/policy/default.tsv (a small policy) and
 * tests/unit/data/origin/operator-policy.tsv (an operator's file that
 * replaces it). Broken files are written at run time into a temporary
 * directory; each must fail with "path:line: what is wrong".
 *
 * With the argument "data" (meson suite 'data') it checks the shipped
 * signatures/policy/default.tsv: what docs/origin.md says it holds.
 */
#include "inventory/policy.h"

#include <check.h>
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

START_TEST(test_fixture)
{
	char path[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct policy *p = policy_load(src_path_in(path, "tests/unit/data/origin/good/policy/default.tsv"), err,
				       sizeof(err));
	const char *ref = NULL, *cc[8];

	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(policy_name(p), "Test policy (fixture)");
	ck_assert_str_eq(policy_as_of(p), "2025-12-08");
	ck_assert_str_eq(policy_path(p), path);
	ck_assert(policy_holds(p, 1, "CN", &ref));
	ck_assert_str_eq(ref, "fixture: law A");
	ck_assert(policy_holds(p, 2, "CN", &ref));
	ck_assert_str_eq(ref, "fixture: threat report B");
	ck_assert(policy_holds(p, 2, "KP", NULL));
	ck_assert(policy_holds(p, 2, "cn", NULL)); /* codes compare without case */
	ref = "untouched";
	ck_assert(!policy_holds(p, 1, "KP", &ref));
	ck_assert_str_eq(ref, "untouched");
	ck_assert(!policy_holds(p, 1, "NL", NULL));
	ck_assert(!policy_holds(p, 3, "CN", NULL));
	ck_assert(!policy_holds(p, 0, "CN", NULL));
	ck_assert(!policy_holds(p, 1, NULL, NULL));
	ck_assert(!policy_holds(NULL, 1, "CN", NULL));
	/* countries per criterion, sorted by code; never more than max written */
	ck_assert_uint_eq(policy_countries(p, 1, cc, 8), 1);
	ck_assert_str_eq(cc[0], "CN");
	ck_assert_uint_eq(policy_countries(p, 2, cc, 8), 3);
	ck_assert_str_eq(cc[0], "CN");
	ck_assert_str_eq(cc[1], "KP");
	ck_assert_str_eq(cc[2], "RU");
	cc[1] = "unchanged";
	ck_assert_uint_eq(policy_countries(p, 2, cc, 1), 1);
	ck_assert_str_eq(cc[0], "CN");
	ck_assert_str_eq(cc[1], "unchanged");
	ck_assert_uint_eq(policy_countries(p, 2, cc, 0), 0);
	ck_assert_uint_eq(policy_countries(p, 2, NULL, 0), 3); /* without an array: how many */
	ck_assert_uint_eq(policy_countries(p, 3, cc, 8), 0);
	ck_assert_uint_eq(policy_countries(NULL, 1, cc, 8), 0);
	ck_assert_ptr_null(policy_name(NULL));
	ck_assert_ptr_null(policy_free(p));
	ck_assert_ptr_null(policy_free(NULL));
}
END_TEST

START_TEST(test_operator_replaces_default)
{
	char sigdir[TEST_PATH_MAX], op[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	struct policy *p;

	src_path_in(sigdir, "tests/unit/data/origin/good");
	src_path_in(op, "tests/unit/data/origin/operator-policy.tsv");
	unsetenv("HERKOMST_POLICY");
	p = policy_load_default(sigdir, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(policy_name(p), "Test policy (fixture)");
	ck_assert(policy_holds(p, 2, "CN", NULL));
	policy_free(p);

	/* $HERKOMST_POLICY replaces the default file as a whole: nothing of it
	 * stays */
	ck_assert_int_eq(setenv("HERKOMST_POLICY", op, 1), 0);
	p = policy_load_default(sigdir, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(policy_name(p), "Operator policy (fixture)");
	ck_assert_str_eq(policy_as_of(p), "2026-01-31");
	ck_assert_str_eq(policy_path(p), op);
	ck_assert(policy_holds(p, 2, "TR", NULL));
	ck_assert(policy_holds(p, 1, "IR", NULL));
	ck_assert(!policy_holds(p, 2, "CN", NULL));
	ck_assert(!policy_holds(p, 1, "CN", NULL));
	policy_free(p);
	/* an empty variable means: not set */
	ck_assert_int_eq(setenv("HERKOMST_POLICY", "", 1), 0);
	p = policy_load_default(sigdir, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert(policy_holds(p, 2, "CN", NULL));
	policy_free(p);
	/* a named file that is missing is an error, not a silent default */
	ck_assert_int_eq(setenv("HERKOMST_POLICY", "/nonexistent/policy.tsv", 1), 0);
	ck_assert_ptr_null(policy_load_default(sigdir, err, sizeof(err)));
	ck_assert_msg(strstr(err, "/nonexistent/policy.tsv: cannot read") != NULL, "%s", err);
	unsetenv("HERKOMST_POLICY");
	ck_assert_ptr_null(policy_load_default("/nonexistent", err, sizeof(err)));
	ck_assert_msg(strstr(err, "/nonexistent/policy/default.tsv: cannot read") != NULL, "%s", err);
}
END_TEST

#define HEAD "# policy: T\n# as-of: 2025-01-01\ncountry\tcriterion\treference\n"

struct bad_case {
	const char *text;
	int line; /* 0: "path: " */
	const char *what;
};

static const struct bad_case bad_cases[] = {
	{ "country\tcriterion\treference\nCN\t1\tx\n", 1, "no \"# policy: NAME\" comment" },
	{ "# policy: T\ncountry\tcriterion\treference\n", 2, "no \"# as-of: YYYY-MM-DD\" comment" },
	{ "# policy: T\n# as-of: 2025-02-30\ncountry\tcriterion\treference\n", 2, "\"2025-02-30\" is not a date" },
	{ "# policy: T\n# as-of: 2025\ncountry\tcriterion\treference\n", 2, "is not a date" },
	{ "# policy: T\n# policy: U\n", 2, "\"# policy:\" appears twice" },
	{ "# policy:\n", 1, "needs a name" },
	{ HEAD "# policy: late\n", 4, "must come before the header line" },
	{ HEAD "# as-of: 2025-01-02\n", 4, "must come before the header line" },
	{ "# policy: T\n# as-of: 2025-01-01\ncountry\tcriterion\n", 3, "the header" },
	{ HEAD "CN\t1\n", 4, "2 columns, want 3" },
	{ HEAD "CN\t1\tx\ty\n", 4, "more than 3 columns" },
	{ HEAD "cn\t1\tx\n", 4, "country \"cn\"" },
	{ HEAD "C1\t1\tx\n", 4, "country \"C1\"" },
	{ HEAD "CHN\t1\tx\n", 4, "country \"CHN\"" },
	{ HEAD "CN\t3\tx\n", 4, "criterion \"3\" is neither 1 nor 2" },
	{ HEAD "CN\t1.0\tx\n", 4, "criterion \"1.0\"" },
	{ HEAD "CN\t1\t-\n", 4, "reference is '-'" },
	{ HEAD "CN\t1\t\n", 4, "empty" },
	{ HEAD "CN\t1\t x\n", 4, "white space" },
	{ HEAD "CN\t2\tx\nRU\t2\ty\nCN\t2\tz\n", 6, "CN is listed twice for criterion 2 (first at line 4)" },
	{ HEAD "CN\t1\tx\r\n", 4, "CR before the line end" },
	{ HEAD "CN\t1\t\xc3\x28\n", 4, "not UTF-8" },
	{ HEAD "CN\t1\tx\x07\n", 4, "control byte 0x07" },
	{ "", 0, "no header line" },
	{ "# policy: T\n# as-of: 2025-01-01\n", 0, "no header line" },
};

static char tmpdir[] = "/tmp/hk-test-policy-XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char path[TEST_PATH_MAX];
	snprintf(path, sizeof(path), "%s/p.tsv", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	strcpy(tmpdir, "/tmp/hk-test-policy-XXXXXX");
}

static char *write_file(const char *text, size_t len)
{
	static char path[TEST_PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/p.tsv", tmpdir);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	fclose(fp);
	return path;
}

START_TEST(test_errors)
{
	const struct bad_case *bc = &bad_cases[_i];
	char err[TEST_ERR_MAX] = "", want[TEST_PATH_MAX + 32];
	char *path = write_file(bc->text, strlen(bc->text));
	struct policy *p = policy_load(path, err, sizeof(err));

	ck_assert_msg(p == NULL, "case %d loaded", _i);
	if (bc->line)
		snprintf(want, sizeof(want), "%s:%d: ", path, bc->line);
	else
		snprintf(want, sizeof(want), "%s: ", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "case %d: \"%s\" does not start with \"%s\"", _i, err,
		      want);
	ck_assert_msg(strstr(err, bc->what) != NULL, "case %d: \"%s\" does not say \"%s\"", _i, err, bc->what);
}
END_TEST

START_TEST(test_edges)
{
	char err[TEST_ERR_MAX] = "";
	static const char with_nul[] = HEAD "CN\t1\tx\0y\n";
	static const char no_rows[] = "# policy: Nothing\n# as-of: 2025-01-01\n# an operator may list no country\n"
				      "country\tcriterion\treference\n";
	static const char spaced[] = "#policy:   Spaced name  \n#  As-Of: 2025-01-01\ncountry\tcriterion\treference\n"
				     "NL\t2\tx\n";
	static const char no_lf[] = HEAD "CN\t1\tno line end";
	struct policy *p;
	char *path;

	path = write_file(with_nul, sizeof(with_nul) - 1);
	ck_assert_ptr_null(policy_load(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, ":4: NUL byte") != NULL, "%s", err);
	/* a policy without rows is valid: criteria 1 and 2 then hold for no country */
	path = write_file(no_rows, sizeof(no_rows) - 1);
	p = policy_load(path, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_uint_eq(policy_countries(p, 1, NULL, 0) + policy_countries(p, 2, NULL, 0), 0);
	policy_free(p);
	/* the header comments tolerate spacing and case */
	path = write_file(spaced, sizeof(spaced) - 1);
	p = policy_load(path, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(policy_name(p), "Spaced name");
	ck_assert(policy_holds(p, 2, "NL", NULL));
	policy_free(p);
	path = write_file(no_lf, sizeof(no_lf) - 1);
	p = policy_load(path, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert(policy_holds(p, 1, "CN", NULL));
	policy_free(p);
	ck_assert_ptr_null(policy_load(NULL, err, sizeof(err)));
	ck_assert_ptr_null(policy_load("", err, sizeof(err)));
	ck_assert_ptr_null(policy_load("/nonexistent/x.tsv", NULL, 0));
	if (access(ISO3166_JSON, R_OK) == 0) {
		static const char xx[] = HEAD "XX\t2\tx\n";
		path = write_file(xx, sizeof(xx) - 1);
		ck_assert_ptr_null(policy_load(path, err, sizeof(err)));
		ck_assert_msg(strstr(err, ":4: country \"XX\"") != NULL, "%s", err);
	}
}
END_TEST

/* --- the shipped default (suite 'data') ------------------------------------------ */

START_TEST(test_shipped_default)
{
	char sigdir[TEST_PATH_MAX], err[TEST_ERR_MAX] = "";
	const char *cc[16], *ref = NULL;
	struct policy *p;

	unsetenv("HERKOMST_POLICY");
	p = policy_load_default(src_path_in(sigdir, "signatures"), err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(policy_name(p), "Dutch public sources (default)");
	ck_assert_str_eq(policy_as_of(p), "2025-12-08");
	ck_assert_uint_eq(policy_countries(p, 2, cc, 16), 4);
	ck_assert_str_eq(cc[0], "CN");
	ck_assert_str_eq(cc[1], "IR");
	ck_assert_str_eq(cc[2], "KP");
	ck_assert_str_eq(cc[3], "RU");
	ck_assert_uint_eq(policy_countries(p, 1, cc, 16), 2);
	ck_assert_str_eq(cc[0], "CN");
	ck_assert_str_eq(cc[1], "RU");
	/* docs/origin.md: TR is not on the default list, IR and KP not for criterion 1 */
	ck_assert(!policy_holds(p, 2, "TR", NULL));
	ck_assert(!policy_holds(p, 1, "IR", NULL));
	ck_assert(!policy_holds(p, 1, "KP", NULL));
	ck_assert(!policy_holds(p, 2, "HK", NULL));
	ck_assert(policy_holds(p, 1, "CN", &ref));
	ck_assert_msg(strstr(ref, "art. 7") && strstr(ref, "art. 28"), "%s", ref);
	ck_assert(policy_holds(p, 1, "RU", &ref));
	ck_assert_msg(strstr(ref, "374-FZ") && strstr(ref, "SOURCE QUALITY"), "%s", ref);
	ck_assert(policy_holds(p, 2, "KP", &ref));
	ck_assert_msg(strstr(ref, "Dreigingsbeeld Statelijke Actoren 2"), "%s", ref);
	policy_free(p);
}
END_TEST

static Suite *policy_suite(bool data)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create(data ? "shipped" : "policy");

	if (data) {
		tcase_add_test(tc, test_shipped_default);
	} else {
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, test_fixture);
		tcase_add_test(tc, test_operator_replaces_default);
		tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
		tcase_add_test(tc, test_edges);
	}
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	bool data = argc > 1 && strcmp(argv[1], "data") == 0;
	SRunner *sr = srunner_create(policy_suite(data));
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
