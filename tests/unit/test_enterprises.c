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
#include "text_names.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_PATH_MAX 4096
#define WIRESHARK_ENTERPRISES "/usr/share/wireshark/enterprises.tsv"
#define ENT_DIFF_NAME 160 /* bytes of a name the differential test compares */

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

/* ---- names eight bytes at a time, and lines eight bytes at a time ---- */

/* Every name of 1 to NAME_LEN_MAX bytes with one insert at every position,
 * and the good names: the table takes a line when the plain byte-by-byte
 * rule does and refuses it, saying why, when it does not. The bad byte
 * lands at every offset of the eight-byte steps, first and last included. */
START_TEST(test_names_bytewise)
{
	const size_t n_ins = sizeof(name_inserts) / sizeof(name_inserts[0]);
	char name[NAME_LEN_MAX + 8], line[NAME_LEN_MAX + 64], path[TEST_PATH_MAX];
	size_t n_ok = 0, n_bad = 0;

	for (size_t len = 1; len <= NAME_LEN_MAX; len++) {
		/* k == n_ins: the good name alone (pos len: no insert) */
		for (size_t k = 0; k <= n_ins; k++) {
			for (size_t pos = k < n_ins ? 0 : len; pos <= len; pos++) {
				const char *ins = k < n_ins ? name_inserts[k] : "";
				const char *err;
				size_t n;
				bool want;

				if (pos == len && ins[0])
					continue;
				/* blanks around a name are separators and trimmed */
				if (ins[0] == ' ' && (pos == 0 || pos == len - 1))
					continue;
				n = make_name(name, len, pos, ins);
				want = plain_name_valid((const unsigned char *)name, n);
				snprintf(line, sizeof(line), "9\t%s\n", name);
				err = load_text(line, path, sizeof(path));
				ck_assert_msg((err == NULL) == want,
					      "name of %zu bytes, insert %zu at %zu: %s, want %s (%s)", len, k, pos,
					      err ? "refused" : "accepted", want ? "accepted" : "refused", err ? err : "");
				if (err) {
					ck_assert_msg(strstr(err, ":1: organisation name is not printable UTF-8"), "%s",
						      err);
					n_bad++;
				} else {
					n_ok++;
				}
			}
		}
	}
	/* both answers are exercised, many times */
	ck_assert_uint_gt(n_ok, 5000);
	ck_assert_uint_gt(n_bad, 15000);
}
END_TEST

/* Lines of every length 10..26 (names of 1..17 bytes), in every rotation
 * of that order, with and without a final newline: the newlines fall at
 * every offset mod 8. The entry array is sized by counting them and every
 * line is an entry, so one newline missed is one entry written past the
 * array. Each table has all its entries, and the first and last names. */
START_TEST(test_lines_every_offset)
{
	enum { N_LEN = TEXT_LINE_NAME_MAX, N_LINES = 8 * N_LEN + 3 };
	static char text[N_LINES * 40];
	char name[N_LEN + 1], first[N_LEN + 1] = "", last[N_LEN + 1] = "", path[TEST_PATH_MAX];

	for (size_t rot = 0; rot < N_LEN; rot++) {
		for (int final_nl = 0; final_nl < 2; final_nl++) {
			size_t used = 0;
			struct ent_db *db;
			char err[512] = "";
			FILE *f;
			int fd;

			for (size_t i = 0; i < N_LINES; i++) {
				size_t nlen = rotation_name(name, rot, i);

				used += (size_t)snprintf(text + used, sizeof(text) - used, "%zu\t%s\n", 1000000 + i,
							 name);
				if (i == 0)
					memcpy(first, name, nlen + 1);
				if (i == N_LINES - 1)
					memcpy(last, name, nlen + 1);
			}
			if (!final_nl)
				text[--used] = '\0';
			snprintf(path, sizeof(path), "/tmp/hk-test-enterprises-XXXXXX");
			fd = mkstemp(path);
			ck_assert_int_ge(fd, 0);
			f = fdopen(fd, "w");
			ck_assert_ptr_nonnull(f);
			ck_assert_int_ge(fputs(text, f), 0);
			ck_assert_int_eq(fclose(f), 0);
			db = ent_db_open(path, err, sizeof(err));
			unlink(path);
			ck_assert_msg(db != NULL, "rotation %zu: %s", rot, err);
			ck_assert_uint_eq(ent_db_count(db), N_LINES);
			ck_assert_str_eq(ent_db_name(db, 1000000), first);
			ck_assert_str_eq(ent_db_name(db, 1000000 + N_LINES - 1), last);
			ck_assert_ptr_null(ent_db_name(db, 1000000 + N_LINES));
			ent_db_free(db);
		}
	}
}
END_TEST

/*
 * The loader reads the usual line in one pass and leaves any other to the
 * strict path (cut the line, then parse it): both must say the same of every
 * line. Lines of the table, each byte replaced by, or preceded by, each of
 * a set of bytes that matter to one of the two (NUL, TAB, CR, LF, space,
 * '#', digits, DEL, UTF-8 lead and continuation bytes, bytes never in
 * UTF-8), or left out; in the middle of a file and as its last line, with
 * and without CR. Read both ways: the same error message, or the same count
 * and the same names for the numbers around.
 */
struct ent_outcome {
	bool ok;
	char err[1024];
	size_t n;
	char names[8][ENT_DIFF_NAME];
};

static void ent_outcome(bool fast, const char *path, const uint32_t *nums, size_t n_nums, struct ent_outcome *o)
{
	struct ent_db *db;

	memset(o, 0, sizeof(*o));
	ent_fast_lines_set(fast);
	db = ent_db_open(path, o->err, sizeof(o->err));
	ent_fast_lines_set(true);
	o->ok = db != NULL;
	if (!db)
		return;
	o->n = ent_db_count(db);
	for (size_t i = 0; i < n_nums; i++) {
		const char *name = ent_db_name(db, nums[i]);
		snprintf(o->names[i], sizeof(o->names[i]), "%s", name ? name : "(none)");
	}
	ent_db_free(db);
}

START_TEST(test_fast_lines_equal_strict)
{
	static const char *const seeds[] = {
		"4329\tSiemens AG",
		"95\tRockwell Automation, Inc.\t# formerly 'Allen-Bradley Company'",
		"1240\tSilex Technology America, Inc. \t# formerly 'XCD'",
		"31337   Union & Comstar",
		"35230\tSiemens AG \xc3\x96sterreich, CMT",
		"8606\tVancouver School District # 37\t",
		"4294967295\tThe Last Number",
	};
	static const char before[] = "# head\n9\tciscoSystems\n";
	static const char after[] = "99999\tZulu\n";
	static const char bytes[] = { '\0', '\t', '\r', '\n', ' ', '#', '0', '7', 'x', (char)0x7f, (char)0x80,
				      (char)0xc3, (char)0xff };
	static char text[512];
	char path[TEST_PATH_MAX];
	size_t n_tried = 0, n_ok = 0;

	snprintf(path, sizeof(path), "%s/hk-test-enterprises-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	for (size_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
		const char *seed = seeds[k];
		size_t len = strlen(seed);

		for (size_t i = 0; i <= len; i++) {
			for (size_t b = 0; b <= 2 * sizeof(bytes); b++) {
				char line[128];
				size_t n;

				if (b == 0 && i == len)
					continue;
				if (b == 0) {
					memcpy(line, seed, i);
					memcpy(line + i, seed + i + 1, len - i - 1);
					n = len - 1;
				} else if (b <= sizeof(bytes)) {
					if (i == len)
						continue;
					memcpy(line, seed, len);
					line[i] = bytes[b - 1];
					n = len;
				} else {
					memcpy(line, seed, i);
					line[i] = bytes[b - 1 - sizeof(bytes)];
					memcpy(line + i + 1, seed + i, len - i);
					n = len + 1;
				}
				for (int shape = 0; shape < 3; shape++) {
					/* middle LF, middle CR LF, last without LF */
					size_t used = 0;
					uint32_t nums[4] = { 9, 99999, 0, 0 };
					struct ent_outcome fast, strict;
					char tmpl[TEST_PATH_MAX];
					FILE *f;
					int fd;

					memcpy(text, before, sizeof(before) - 1);
					used = sizeof(before) - 1;
					memcpy(text + used, line, n);
					used += n;
					if (shape == 1)
						text[used++] = '\r';
					if (shape < 2) {
						text[used++] = '\n';
						memcpy(text + used, after, sizeof(after) - 1);
						used += sizeof(after) - 1;
					}
					/* the line's own number, as far as it is digits */
					for (size_t d = 0; d < n && line[d] >= '0' && line[d] <= '9' && d < 10; d++)
						nums[2] = nums[2] * 10 + (uint32_t)(line[d] - '0');
					nums[3] = nums[2] + 1;
					snprintf(tmpl, sizeof(tmpl), "%s", path);
					fd = mkstemp(tmpl);
					ck_assert_int_ge(fd, 0);
					f = fdopen(fd, "w");
					ck_assert_ptr_nonnull(f);
					ck_assert_uint_eq(fwrite(text, 1, used, f), used);
					ck_assert_int_eq(fclose(f), 0);
					ent_outcome(true, tmpl, nums, 4, &fast);
					ent_outcome(false, tmpl, nums, 4, &strict);
					unlink(tmpl);
					ck_assert_msg(fast.ok == strict.ok && strcmp(fast.err, strict.err) == 0,
						      "line %.*s: one-pass %s (%s), strict %s (%s)", (int)n, line,
						      fast.ok ? "loads" : "refuses", fast.err, strict.ok ? "loads" : "refuses",
						      strict.err);
					ck_assert_msg(fast.n == strict.n, "line %.*s: one-pass %zu entries, strict %zu", (int)n,
						      line, fast.n, strict.n);
					for (int j = 0; j < 4; j++)
						ck_assert_msg(strcmp(fast.names[j], strict.names[j]) == 0,
							      "line %.*s, number %u: one-pass '%s', strict '%s'", (int)n, line,
							      nums[j], fast.names[j], strict.names[j]);
					n_ok += fast.ok;
					n_tried++;
				}
			}
		}
	}
	/* both answers are exercised, many times */
	ck_assert_uint_gt(n_tried, 5000);
	ck_assert_uint_gt(n_ok, n_tried / 4);
	ck_assert_uint_lt(n_ok, n_tried - n_tried / 10);
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
	tcase_add_test(tc, test_names_bytewise);
	tcase_add_test(tc, test_lines_every_offset);
	tcase_add_test(tc, test_fast_lines_equal_strict);
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
