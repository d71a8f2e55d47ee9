/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IANA enterprise numbers (src/inventory/enterprises.c). The fixture
 * tests/unit/data/enterprises/enterprises.tsv is hand-made in the layout of
 * Wireshark's file: comments, blank lines, TAB and space separators,
 * trailing "# formerly" comments, a name with a trailing space, names with
 * '#', UTF-8, a CRLF line, the largest number, and one line out of order.
 * Broken files are written at run time into a temporary directory.
 *
 * The last test reads the real /usr/share/wireshark/enterprises.tsv
 * (libwireshark-data) and is skipped, with a message, when it is absent.
 */
#include "inventory/enterprises.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_PATH_MAX 4096
#define WIRESHARK_ENTERPRISES "/usr/share/wireshark/enterprises.tsv"

static const char *fixture(void)
{
	static char path[TEST_PATH_MAX];
	const char *src = getenv("HERKOMST_SOURCE_DIR");

	ck_assert_msg(src != NULL, "HERKOMST_SOURCE_DIR is not set (run the test with meson test)");
	snprintf(path, sizeof(path), "%s/tests/unit/data/enterprises/enterprises.tsv", src);
	return path;
}

START_TEST(test_fixture)
{
	char err[512] = "";
	struct ent_db *db = ent_db_open(fixture(), err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_uint_eq(ent_db_count(db), 11);
	ck_assert_str_eq(ent_db_path(db), fixture());
	ck_assert_str_eq(ent_db_name(db, 0), "Reserved");
	ck_assert_str_eq(ent_db_name(db, 9), "ciscoSystems");
	ck_assert_str_eq(ent_db_name(db, 4329), "Siemens AG");
	/* the "# formerly" comment after a TAB is not part of the name */
	ck_assert_str_eq(ent_db_name(db, 95), "Rockwell Automation, Inc.");
	/* nor is a trailing space */
	ck_assert_str_eq(ent_db_name(db, 1240), "Silex Technology America, Inc.");
	/* '#' inside a name, and leading one */
	ck_assert_str_eq(ent_db_name(db, 8606), "Vancouver School District # 37");
	ck_assert_str_eq(ent_db_name(db, 9230), "#B4mad Research Lab Organization");
	/* spaces as the separator */
	ck_assert_str_eq(ent_db_name(db, 31337), "Union & Comstar");
	ck_assert_str_eq(ent_db_name(db, 35230), "Siemens AG \xc3\x96sterreich, CMT");
	/* CR LF, and a line out of order */
	ck_assert_str_eq(ent_db_name(db, 11), "Hewlett-Packard");
	ck_assert_str_eq(ent_db_name(db, UINT32_MAX), "The Last Number");
	/* absent: below, between, above the entries */
	ck_assert_ptr_null(ent_db_name(db, 1));
	ck_assert_ptr_null(ent_db_name(db, 4330));
	ck_assert_ptr_null(ent_db_name(db, UINT32_MAX - 1));
	ck_assert_ptr_null(ent_db_free(db));
	ck_assert_ptr_null(ent_db_free(NULL));
	ck_assert_ptr_null(ent_db_name(NULL, 9));
	ck_assert_uint_eq(ent_db_count(NULL), 0);
}
END_TEST

START_TEST(test_env_override)
{
	char err[512] = "";
	struct ent_db *db;

	ck_assert_int_eq(setenv(ENT_DB_ENV, fixture(), 1), 0);
	db = ent_db_open(NULL, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_str_eq(ent_db_path(db), fixture());
	ck_assert_str_eq(ent_db_name(db, 9230), "#B4mad Research Lab Organization");
	ent_db_free(db);

	ck_assert_int_eq(setenv(ENT_DB_ENV, "/nonexistent/enterprises.tsv", 1), 0);
	db = ent_db_open(NULL, err, sizeof(err));
	ck_assert_ptr_null(db);
	ck_assert_msg(strstr(err, "/nonexistent/enterprises.tsv: No such file or directory") == err, "%s", err);
	ck_assert_msg(strstr(err, "libwireshark-data") != NULL, "%s", err);
	unsetenv(ENT_DB_ENV);
}
END_TEST

/* Writes text to a temporary file and tries to load it; returns the error. */
static const char *load_text(const char *text, char *path, size_t pathsz)
{
	static char err[1024];
	struct ent_db *db;
	FILE *f;
	int fd;

	snprintf(path, pathsz, "/tmp/hk-test-enterprises-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	err[0] = '\0';
	db = ent_db_open(path, err, sizeof(err));
	unlink(path);
	if (db) {
		ent_db_free(db);
		return NULL;
	}
	return err;
}

static void assert_refused(const char *text, unsigned line, const char *what)
{
	char path[TEST_PATH_MAX], want[TEST_PATH_MAX + 64];
	const char *err = load_text(text, path, sizeof(path));

	ck_assert_msg(err != NULL, "accepted: %s", text);
	if (line)
		snprintf(want, sizeof(want), "%s:%u: ", path, line);
	else
		snprintf(want, sizeof(want), "%s: ", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "'%s' does not start with '%s'", err, want);
	ck_assert_msg(strstr(err, what) != NULL, "'%s' does not say '%s'", err, what);
}

START_TEST(test_strict)
{
	char path[TEST_PATH_MAX];

	assert_refused("# c\n9\tcisco\nciscoSystems\n", 3, "expected an enterprise number");
	assert_refused("4294967296\tToo Far\n", 1, "above 4294967295");
	assert_refused("99999999999999999999999\tWrap\n", 1, "above 4294967295");
	assert_refused("9ciscoSystems\n", 1, "between the number and the name");
	assert_refused("9\n", 1, "between the number and the name");
	assert_refused("9\t\n", 1, "name is empty");
	assert_refused("9\tcisco\tSystems\n", 1, "not a '#' comment");
	assert_refused("9\tcisco\xff\n", 1, "not printable UTF-8");
	assert_refused("9\tcis\x01" "co\n", 1, "not printable UTF-8");
	assert_refused("9\tcisco\xc3\n", 1, "not printable UTF-8");
	assert_refused("9\tA\n4\tB\n9\tC\n", 0, "enterprise number 9 is listed twice");
	assert_refused("# nothing\n\n", 0, "no entries");
	assert_refused("", 0, "no entries");
	{
		static char longname[700];

		memset(longname, 'x', sizeof(longname) - 1);
		memcpy(longname, "1\t", 2);
		longname[sizeof(longname) - 2] = '\n';
		assert_refused(longname, 1, "longer than ENT_NAME_MAX");
	}
	/* a file without a final newline is fine */
	ck_assert_ptr_null(load_text("9\tciscoSystems", path, sizeof(path)));
	/* a directory is no table */
	{
		char err[512];

		ck_assert_ptr_null(ent_db_open("/tmp", err, sizeof(err)));
		ck_assert_str_eq(err, "/tmp: Invalid argument");
	}
}
END_TEST

START_TEST(test_wireshark_file)
{
	char err[512] = "";
	struct ent_db *db;

	if (access(WIRESHARK_ENTERPRISES, R_OK) != 0) {
		fprintf(stderr, "test_wireshark_file: skipped (%s absent: apt-get install libwireshark-data)\n",
			WIRESHARK_ENTERPRISES);
		return;
	}
	unsetenv(ENT_DB_ENV);
	db = ent_db_open(NULL, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_str_eq(ent_db_path(db), WIRESHARK_ENTERPRISES);
	ck_assert_uint_gt(ent_db_count(db), 60000); /* 62,240 in the 2024-08-23 file */
	/* the names as IANA lists them (checked in the Debian 12 file) */
	ck_assert_str_eq(ent_db_name(db, 9), "ciscoSystems");
	ck_assert_str_eq(ent_db_name(db, 11), "Hewlett-Packard");
	ck_assert_str_eq(ent_db_name(db, 311), "Microsoft");
	ck_assert_str_eq(ent_db_name(db, 4329), "Siemens AG");
	ck_assert_str_eq(ent_db_name(db, 8072), "net-snmp");
	ck_assert_str_eq(ent_db_name(db, 95), "Rockwell Automation, Inc.");
	ck_assert_ptr_null(ent_db_name(db, UINT32_MAX));
	ent_db_free(db);
}
END_TEST

static Suite *enterprises_suite(void)
{
	Suite *s = suite_create("enterprises");
	TCase *tc = tcase_create("enterprises");

	tcase_add_test(tc, test_fixture);
	tcase_add_test(tc, test_env_override);
	tcase_add_test(tc, test_strict);
	tcase_add_test(tc, test_wireshark_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(enterprises_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
