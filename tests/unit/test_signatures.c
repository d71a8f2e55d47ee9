/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signatures: the strict loader (every error class, with its exact
 * "file:line: message"), the matcher ($1..$9 substitution, bounds, claim
 * order, limits), the directory loader over fixtures in
 * tests/unit/data/signatures/, and `herkomst check`.
 *
 * Run with the argument "data" it tests the shipped signatures/ instead
 * (meson suite 'data'): the directory loads, and every row of
 * tests/unit/data/signatures/banners.tsv (real banners from the shared
 * captures and vendor documentation, with negative cases) gives exactly
 * the claims it lists.
 */
#include "cli/cmd_check.h"
#include "inventory/signatures.h"

#include <check.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_PATH_MAX 4096
#define TEST_BUF_MAX (1u << 20)
#define TEST_CLAIMS_MAX 64
#define TEST_EXPECT_MAX 1024

#define HDR "id\tfield\tpattern\tmanufacturer\tproduct\tmodel\tfirmware\tos\troles\n"
#define HEADER "id\tfield\tpattern\tmanufacturer\tproduct\tmodel\tfirmware\tos\trole\tconfidence\treference\n"
/* A rule line: id, field, pattern, then the 8 remaining columns given whole. */
#define RULE(id, field, pat, rest) id "\t" field "\t" pat "\t" rest "\n"
#define ATTRS_OK "Maker\t-\t-\t-\t-\t-\t60\tfixture"

/* rel under the source tree, in buf (TEST_PATH_MAX bytes) */
static char *src_path_in(char *buf, const char *rel)
{
	const char *src = getenv("HERKOMST_SOURCE_DIR");

	ck_assert_msg(src != NULL, "HERKOMST_SOURCE_DIR is not set (run the test with meson test)");
	snprintf(buf, TEST_PATH_MAX, "%s/%s", src, rel);
	return buf;
}

static char *src_path(const char *rel)
{
	static char path[TEST_PATH_MAX];

	return src_path_in(path, rel);
}

static struct sig_report *report_new(void)
{
	struct sig_report *rep = calloc(1, sizeof(*rep));

	ck_assert_ptr_nonnull(rep);
	return rep;
}

/* Loads body as "t.tsv" and expects exactly one error, msg. */
static void expect_one_error(const char *body, size_t len, const char *msg)
{
	struct sig_report *rep = report_new();
	struct sig_db *db = sig_load_buffer("t.tsv", body, len, rep);

	ck_assert_ptr_null(db);
	ck_assert_msg(rep->n_errors == 1, "expected 1 error (%s), got %zu, first: %s", msg, rep->n_errors,
		      rep->n_kept ? rep->msg[0] : "(none)");
	ck_assert_str_eq(rep->msg[0], msg);
	free(rep);
}

static void expect_error_str(const char *body, const char *msg)
{
	expect_one_error(body, strlen(body), msg);
}

static struct sig_db *load_ok(const char *body)
{
	struct sig_report *rep = report_new();
	struct sig_db *db = sig_load_buffer("t.tsv", body, strlen(body), rep);

	ck_assert_msg(db != NULL, "load failed: %s", rep->n_kept ? rep->msg[0] : "?");
	ck_assert_uint_eq(rep->n_errors, 0);
	free(rep);
	return db;
}

/* --- the loader: accepted input ------------------------------------------ */

START_TEST(test_minimal)
{
	struct sig_db *db = load_ok("# a comment\n\n" HEADER "\n# another\n" RULE("r1", "http.server", "^X$", ATTRS_OK));

	ck_assert_uint_eq(sig_count(db), 1);
	ck_assert_uint_eq(sig_file_count(db), 1);
	ck_assert_str_eq(sig_rule_reference(db, "r1"), "fixture");
	ck_assert_ptr_null(sig_rule_reference(db, "r2"));
	sig_db_free(db);
	/* the last line without its LF is still a line */
	db = load_ok(HEADER "r1\thttp.server\t^X$\t" ATTRS_OK);
	ck_assert_uint_eq(sig_count(db), 1);
	sig_db_free(db);
	/* a file with only a header is allowed: no rules yet */
	db = load_ok("# nothing yet\n" HEADER);
	ck_assert_uint_eq(sig_count(db), 0);
	sig_db_free(db);
	ck_assert_ptr_null(sig_db_free(NULL));
}
END_TEST

START_TEST(test_roles)
{
	ck_assert(sig_role_valid("plc"));
	ck_assert(sig_role_valid("access-point"));
	ck_assert(sig_role_valid("inverter"));
	ck_assert(!sig_role_valid("PLC"));
	ck_assert(!sig_role_valid(""));
	ck_assert(!sig_role_valid("plc "));
}
END_TEST

/* --- the loader: every error class ------------------------------------------- */

START_TEST(test_err_columns)
{
	expect_error_str(HEADER "r1\thttp.server\t^X$\n",
			 "t.tsv:2: 3 columns, expected 11 (id, field, pattern, manufacturer, product, model, "
			 "firmware, os, role, confidence, reference) separated by tabs");
	expect_error_str(HEADER "r1\thttp.server\t^X$\t" ATTRS_OK "\textra\n",
			 "t.tsv:2: 12 columns, expected 11 (id, field, pattern, manufacturer, product, model, "
			 "firmware, os, role, confidence, reference) separated by tabs");
	expect_error_str(HEADER "r1\thttp.server\t\t" ATTRS_OK "\n", "t.tsv:2: column 'pattern' is empty");
	expect_error_str(HEADER "r1\thttp.server\t^X$\t\t-\t-\t-\t-\t-\t60\tfixture\n",
			 "t.tsv:2: column 'manufacturer' is empty (write '-' for none)");
	expect_error_str(HEADER "r1\thttp.server\t^X$\t Maker\t-\t-\t-\t-\t-\t60\tfixture\n",
			 "t.tsv:2: column 'manufacturer' has leading or trailing spaces");
	expect_error_str(HEADER "r1\thttp.server\t^X$ \t" ATTRS_OK "\n",
			 "t.tsv:2: column 'pattern' has leading or trailing spaces");
}
END_TEST

START_TEST(test_err_header)
{
	expect_error_str(HDR RULE("r1", "http.server", "^X$", ATTRS_OK),
			 "t.tsv:1: expected the header line before the first rule: the 11 column names id, "
			 "field, pattern, manufacturer, product, model, firmware, os, role, confidence, "
			 "reference, separated by single tabs");
	expect_error_str("", "t.tsv:1: no header line (the file has no rules and no header: is it empty?)");
	expect_error_str("# only\n# comments\n",
			 "t.tsv:2: no header line (the file has no rules and no header: is it empty?)");
}
END_TEST

START_TEST(test_err_id)
{
	expect_error_str(HEADER RULE("Bad", "http.server", "^X$", ATTRS_OK),
			 "t.tsv:2: id 'Bad' is not [a-z0-9][a-z0-9._-]* (lower case letters, digits, '.', "
			 "'_', '-')");
	expect_error_str(HEADER RULE(".x", "http.server", "^X$", ATTRS_OK),
			 "t.tsv:2: id '.x' is not [a-z0-9][a-z0-9._-]* (lower case letters, digits, '.', "
			 "'_', '-')");
	expect_error_str(HEADER RULE("a123456789b123456789c123456789d123456789e", "http.server", "^X$", ATTRS_OK),
			 "t.tsv:2: id 'a123456789b123456789c123456789d123456789...' is longer than 40 "
			 "characters");
	/* a duplicate names both lines */
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", ATTRS_OK) "# between\n"
				RULE("r1", "ssh.banner", "^Y$", ATTRS_OK),
			 "t.tsv:4: duplicate id 'r1' (first at t.tsv:2)");
}
END_TEST

START_TEST(test_err_field)
{
	static const char *const bad[] = { "http", "HTTP.server", "http.", ".server", "http..server",
					   "http.ser-ver" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char body[512], msg[512];
		snprintf(body, sizeof(body), HEADER "r1\t%s\t^X$\t" ATTRS_OK "\n", bad[i]);
		snprintf(msg, sizeof(msg),
			 "t.tsv:2: field '%s' is not an observation source like http.server "
			 "([a-z0-9]+(.[a-z0-9_]+)+, at most 47 characters)", bad[i]);
		expect_error_str(body, msg);
	}
	/* the allowed shapes */
	sig_db_free(load_ok(HEADER RULE("r1", "tls.cert.subject", "^X$", ATTRS_OK)
				RULE("r2", "dhcp.vendor_class", "^X$", ATTRS_OK)));
}
END_TEST

START_TEST(test_err_pattern)
{
	expect_error_str(HEADER RULE("r1", "http.server", "^(X", ATTRS_OK),
			 "t.tsv:2: pattern does not compile: missing closing parenthesis at offset 3");
	expect_error_str(HEADER RULE("r1", "http.server", "a{2,1}", ATTRS_OK),
			 "t.tsv:2: pattern does not compile: numbers out of order in {} quantifier at offset 5");
	expect_error_str(HEADER RULE("r1", "http.server", "(*UTF)x", ATTRS_OK),
			 "t.tsv:2: pattern does not compile: using UTF is disabled by the application at "
			 "offset 6");
	expect_error_str(HEADER RULE("r1", "http.server", "^X?$", ATTRS_OK),
			 "t.tsv:2: pattern matches the empty string, so it would claim every value");
	expect_error_str(HEADER RULE("r1", "http.server", "caf\xc3\xa9", ATTRS_OK),
			 "t.tsv:2: pattern has a character that is not printable ASCII; values are escaped "
			 "ASCII (a byte 0xe9 arrives as the text \\xe9: match it with \\\\xe9)");
	expect_error_str(HEADER RULE("r1", "http.server", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)", ATTRS_OK),
			 "t.tsv:2: pattern has 10 capture groups, more than 9 ($1..$9); make the others "
			 "(?:...)");
	/* a pattern for an escaped byte: the value holds the text \x0d */
	sig_db_free(load_ok(HEADER RULE("r1", "snmp.sysdescr", "\\\\x0d\\\\x0aHUAWEI", ATTRS_OK)));
}
END_TEST

START_TEST(test_err_templates)
{
	expect_error_str(HEADER RULE("r1", "http.server", "^(X)$", "M\t-\t$2\t-\t-\t-\t60\tfixture"),
			 "t.tsv:2: column 'model' uses $2 but the pattern has 1 capture group");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t$1\t-\t-\t60\tfixture"),
			 "t.tsv:2: column 'firmware' uses $1 but the pattern has 0 capture groups");
	expect_error_str(HEADER RULE("r1", "http.server", "^(X)$", "M\t-\t$x\t-\t-\t-\t60\tfixture"),
			 "t.tsv:2: column 'model': '$' must be followed by a digit 1-9 (a capture group) or "
			 "by '$' (a literal '$')");
	expect_error_str(HEADER RULE("r1", "http.server", "^(X)$", "M\t-\t$0\t-\t-\t-\t60\tfixture"),
			 "t.tsv:2: column 'model': '$' must be followed by a digit 1-9 (a capture group) or "
			 "by '$' (a literal '$')");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "M\\x\t-\t-\t-\t-\t-\t60\tfixture"),
			 "t.tsv:2: column 'manufacturer' has a backslash; values are escaped text, so it "
			 "would start an escape the value does not have");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "Soci\xc3\xa9t\xc3\xa9\t-\t-\t-\t-\t-\t60\tfixture"),
			 "t.tsv:2: column 'manufacturer' has a character that is not printable ASCII (values "
			 "are escaped ASCII text)");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "-\t-\t-\t-\t-\t-\t60\tfixture"),
			 "t.tsv:2: no attribute set: a rule claims at least one of manufacturer, product, "
			 "model, firmware, os, role");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "-\t-\t-\t-\t-\tplcc\t60\tfixture"),
			 "t.tsv:2: unknown role 'plcc' (the vocabulary is in docs/signatures.md)");
	expect_error_str(HEADER RULE("r1", "http.server", "^(X)$", "-\t-\t-\t-\t-\t$1\t60\tfixture"),
			 "t.tsv:2: unknown role '$1' (the vocabulary is in docs/signatures.md)");
	/* "$$" is a literal dollar and needs no group */
	sig_db_free(load_ok(HEADER RULE("r1", "http.server", "^X$", "M$$\t-\t-\t-\t-\t-\t60\tfixture")));
}
END_TEST

START_TEST(test_err_confidence_reference)
{
	static const char *const bad[] = { "0", "101", "050", "-5", "+5", "abc", "1000", "5.5" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char body[512], msg[512];
		snprintf(body, sizeof(body), HEADER "r1\thttp.server\t^X$\tM\t-\t-\t-\t-\t-\t%s\tfixture\n",
			 bad[i]);
		snprintf(msg, sizeof(msg), "t.tsv:2: confidence '%s' is not a whole number from 1 to 100",
			 bad[i]);
		expect_error_str(body, msg);
	}
	sig_db_free(load_ok(HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t-\t-\t-\t1\tfixture")
				RULE("r2", "http.server", "^Y$", "M\t-\t-\t-\t-\t-\t100\tfixture")));
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t-\t-\t-\t60\t-"),
			 "t.tsv:2: reference is '-': say where the fact comes from (a vendor document URL, an "
			 "RFC, or observed: CAPTURE frame N)");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t-\t-\t-\t60\t"),
			 "t.tsv:2: trailing whitespace"); /* an empty last column leaves a tab at the end */
}
END_TEST

START_TEST(test_err_bytes)
{
	static const char nul[] = HEADER "r1\thttp.server\t^X\0$\t" ATTRS_OK "\n";

	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t-\t-\t-\t60\tfixture\r"),
			 "t.tsv:2: line ends in CR (CRLF line ends); rule files use LF only");
	expect_error_str("# comment\r\n" HEADER, "t.tsv:1: line ends in CR (CRLF line ends); rule files use LF only");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t-\t-\t-\t60\tfixture "),
			 "t.tsv:2: trailing whitespace");
	expect_error_str(HEADER "# comment \n", "t.tsv:2: trailing whitespace");
	/* a damaged header still counts as the header: one error, not one per rule */
	expect_error_str("id\tfield\tpattern\tmanufacturer\tproduct\tmodel\tfirmware\tos\trole\t"
			 "confidence\treference \n" RULE("r1", "http.server", "^X$", ATTRS_OK)
			 RULE("r2", "http.server", "^Y$", ATTRS_OK),
			 "t.tsv:1: trailing whitespace");
	expect_error_str(HEADER "\t\n", "t.tsv:2: trailing whitespace");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t-\t-\t-\t60\tfix\xfftures"),
			 "t.tsv:2: not UTF-8: byte 0xff at column 38");
	expect_error_str(HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t-\t-\t-\t60\t\xc0\xaf"),
			 "t.tsv:2: not UTF-8: byte 0xc0 at column 35");
	expect_error_str(HEADER "# \xed\xa0\x80 a surrogate\n", "t.tsv:2: not UTF-8: byte 0xed at column 3");
	expect_error_str(HEADER RULE("r1", "http.server", "^X\x01$", ATTRS_OK),
			 "t.tsv:2: control character 0x01 at column 18");
	expect_one_error(nul, sizeof(nul) - 1, "t.tsv:2: NUL byte at column 18");
	/* UTF-8 is fine in a reference (and a comment) */
	sig_db_free(load_ok("# Société\n" HEADER RULE("r1", "http.server", "^X$", "M\t-\t-\t-\t-\t-\t60\tSociété générale, manuel")));
}
END_TEST

START_TEST(test_err_limits)
{
	char *body = malloc(TEST_BUF_MAX * 4);
	struct sig_report *rep = report_new();
	struct sig_db *db;
	size_t off;

	ck_assert_ptr_nonnull(body);
	/* a line over SIG_LINE_MAX */
	off = (size_t)snprintf(body, TEST_BUF_MAX, HEADER "# ");
	memset(body + off, 'x', SIG_LINE_MAX);
	off += SIG_LINE_MAX;
	body[off++] = '\n';
	expect_one_error(body, off, "t.tsv:2: line is 2050 bytes long, more than 2048 (SIG_LINE_MAX)");

	/* more than SIG_RULES_MAX rules: reported once, at the first rule past it */
	off = (size_t)snprintf(body, TEST_BUF_MAX, HEADER);
	for (unsigned i = 0; i <= SIG_RULES_MAX; i++)
		off += (size_t)snprintf(body + off, TEST_BUF_MAX * 4 - off,
					"r%u\thttp.server\t^X%u$\tM\t-\t-\t-\t-\t-\t60\tfixture\n", i, i);
	off += (size_t)snprintf(body + off, TEST_BUF_MAX * 4 - off,
				"late\thttp.server\t^Late$\tM\t-\t-\t-\t-\t-\t60\tfixture\n");
	db = sig_load_buffer("t.tsv", body, off, rep);
	ck_assert_ptr_null(db);
	ck_assert_uint_eq(rep->n_errors, 1);
	ck_assert_str_eq(rep->msg[0], "t.tsv:10002: more than 10000 rules (SIG_RULES_MAX)");
	free(rep);

	/* errors are collected up to SIG_ERRORS_MAX messages, and all counted */
	rep = report_new();
	off = (size_t)snprintf(body, TEST_BUF_MAX, HEADER);
	for (unsigned i = 0; i < 100; i++)
		off += (size_t)snprintf(body + off, TEST_BUF_MAX - off, "r%u\tbad\t^X$\t" ATTRS_OK "\n", i);
	db = sig_load_buffer("t.tsv", body, off, rep);
	ck_assert_ptr_null(db);
	ck_assert_uint_eq(rep->n_errors, 100);
	ck_assert_uint_eq(rep->n_kept, SIG_ERRORS_MAX);
	ck_assert_str_eq(rep->msg[0], "t.tsv:2: field 'bad' is not an observation source like http.server "
				      "([a-z0-9]+(.[a-z0-9_]+)+, at most 47 characters)");
	ck_assert(strncmp(rep->msg[SIG_ERRORS_MAX - 1], "t.tsv:65: ", 10) == 0);
	free(rep);

	/* several errors on one line are all reported, and so are other lines' */
	rep = report_new();
	off = (size_t)snprintf(body, TEST_BUF_MAX,
			       HEADER "Bad\thttp\t(\tM\t-\t-\t-\t-\tnope\t0\tfixture\n" RULE("ok", "http.server", "^X$", ATTRS_OK) "x\n");
	db = sig_load_buffer("t.tsv", body, off, rep);
	ck_assert_ptr_null(db);
	ck_assert_uint_eq(rep->n_errors, 6);
	ck_assert(strncmp(rep->msg[0], "t.tsv:2: id 'Bad'", 17) == 0);
	ck_assert(strncmp(rep->msg[1], "t.tsv:2: field 'http'", 21) == 0);
	ck_assert(strncmp(rep->msg[2], "t.tsv:2: pattern does not compile", 33) == 0);
	ck_assert(strncmp(rep->msg[3], "t.tsv:2: unknown role 'nope'", 28) == 0);
	ck_assert(strncmp(rep->msg[4], "t.tsv:2: confidence '0'", 23) == 0);
	ck_assert(strncmp(rep->msg[5], "t.tsv:4: 1 column, expected 11", 30) == 0);
	free(rep);
	free(body);
}
END_TEST

/* --- the matcher ------------------------------------------------------------- */

START_TEST(test_substitution)
{
	struct sig_db *db = load_ok(HEADER
		RULE("s1", "http.server", "^(a+)-(b+)(?:-(c+))?$", "x$2y$1$$\t$3\tm$3\t-\t-\t-\t70\tfixture")
		RULE("s2", "http.server", "^(1)(2)(3)(4)(5)(6)(7)(8)(9)$", "$9$8$7$6$5$4$3$2$1\t-\t-\t-\t-\t-\t60\tfixture"));
	struct sig_claim c[TEST_CLAIMS_MAX];
	size_t n;

	n = sig_match(db, "http.server", "aa-bbb", c, TEST_CLAIMS_MAX);
	/* product is "$3" alone: the group did not take part, so no claim */
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(c[0].attribute, "manufacturer");
	ck_assert_str_eq(c[0].value, "xbbbyaa$");
	ck_assert_str_eq(c[1].attribute, "model");
	ck_assert_str_eq(c[1].value, "m");
	ck_assert_uint_eq(c[0].confidence, 70);
	ck_assert_str_eq(c[0].rule_id, "s1");

	n = sig_match(db, "http.server", "aa-bbb-cc", c, TEST_CLAIMS_MAX);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(c[1].attribute, "product");
	ck_assert_str_eq(c[1].value, "cc");
	ck_assert_str_eq(c[2].value, "mcc");

	n = sig_match(db, "http.server", "123456789", c, TEST_CLAIMS_MAX);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(c[0].value, "987654321");

	ck_assert_uint_eq(sig_match(db, "http.server", "aa-bbbx", c, TEST_CLAIMS_MAX), 0);
	ck_assert_uint_eq(sig_match(db, "ssh.banner", "aa-bbb", c, TEST_CLAIMS_MAX), 0);
	ck_assert_uint_eq(sig_match(db, "no.such", "aa-bbb", c, TEST_CLAIMS_MAX), 0);
	ck_assert_uint_eq(sig_match(db, "http.server", "", c, TEST_CLAIMS_MAX), 0);
	ck_assert_uint_eq(sig_match(NULL, "http.server", "aa-bbb", c, TEST_CLAIMS_MAX), 0);
	sig_db_free(db);
}
END_TEST

/* An escape (\\ or \xNN) is never cut in half at the end of a value. */
static bool escapes_whole(const char *s)
{
	for (size_t i = 0; s[i];) {
		if (s[i] != '\\') {
			i++;
			continue;
		}
		if (s[i + 1] == '\\') {
			i += 2;
			continue;
		}
		if (s[i + 1] != 'x' || !s[i + 2] || !s[i + 3])
			return false;
		i += 4;
	}
	return true;
}

START_TEST(test_bounds)
{
	struct sig_db *db = load_ok(HEADER
		RULE("b1", "http.server", "^(.+)$", "$1$1$1\t-\t-\t-\t-\t-\t60\tfixture"));
	struct sig_claim *c = calloc(TEST_CLAIMS_MAX, sizeof(*c));
	char value[HK_OBS_VALUE_MAX];

	ck_assert_ptr_nonnull(c);
	/* 200 bytes three times: cut at HK_OBS_VALUE_MAX - 1, not overflowed */
	memset(value, 'v', 200);
	value[200] = '\0';
	ck_assert_uint_eq(sig_match(db, "http.server", value, c, TEST_CLAIMS_MAX), 1);
	ck_assert_uint_eq(strlen(c[0].value), HK_OBS_VALUE_MAX - 1);

	/* escapes at every offset near the cut: the cut backs off to a whole one */
	for (size_t pad = 0; pad < 8; pad++) {
		size_t o = 0;
		memset(value, 0, sizeof(value));
		for (size_t i = 0; i < pad; i++)
			value[o++] = 'p';
		while (o + 6 < 127) {
			memcpy(value + o, (o / 4) % 2 ? "\\x0a" : "\\\\q", (o / 4) % 2 ? 4 : 3);
			o += (o / 4) % 2 ? 4 : 3;
		}
		ck_assert_uint_eq(sig_match(db, "http.server", value, c, TEST_CLAIMS_MAX), 1);
		ck_assert_uint_lt(strlen(c[0].value), HK_OBS_VALUE_MAX);
		ck_assert_msg(escapes_whole(c[0].value), "pad %zu: cut inside an escape: ...%s", pad,
			      c[0].value + strlen(c[0].value) - 8);
	}

	/* a value longer than HK_OBS_VALUE_MAX is only read that far */
	{
		char *big = malloc(4096);
		ck_assert_ptr_nonnull(big);
		memset(big, 'w', 4095);
		big[4095] = '\0';
		ck_assert_uint_eq(sig_match(db, "http.server", big, c, TEST_CLAIMS_MAX), 1);
		ck_assert_uint_eq(strlen(c[0].value), HK_OBS_VALUE_MAX - 1);
		free(big);
	}
	free(c);
	sig_db_free(db);
}
END_TEST

START_TEST(test_order_and_max)
{
	struct sig_db *db = load_ok(HEADER
		RULE("o.first", "ssh.banner", "^SSH-", "-\t-\t-\t-\tAnyOS\t-\t20\tfixture")
		RULE("o.other-field", "http.server", "^SSH-", "X\t-\t-\t-\t-\t-\t90\tfixture")
		RULE("o.second", "ssh.banner", "^SSH-2\\.0-Vendor_([0-9.]+)", "Vendor\tSSHd\t-\t$1\t-\trouter\t80\tfixture")
		RULE("o.third", "ssh.banner", "Vendor", "Vendor Inc\t-\t-\t-\t-\t-\t50\tfixture"));
	struct sig_claim c[TEST_CLAIMS_MAX];
	struct sig_stats st;
	size_t n;

	for (int round = 0; round < 3; round++) {
		n = sig_match(db, "ssh.banner", "SSH-2.0-Vendor_1.2", c, TEST_CLAIMS_MAX);
		ck_assert_uint_eq(n, 6);
		/* rule order, then manufacturer, product, model, firmware, os, role */
		ck_assert_str_eq(c[0].rule_id, "o.first");
		ck_assert_str_eq(c[0].attribute, "os");
		ck_assert_str_eq(c[1].rule_id, "o.second");
		ck_assert_str_eq(c[1].attribute, "manufacturer");
		ck_assert_str_eq(c[2].attribute, "product");
		ck_assert_str_eq(c[3].attribute, "firmware");
		ck_assert_str_eq(c[3].value, "1.2");
		ck_assert_str_eq(c[4].attribute, "role");
		ck_assert_str_eq(c[4].value, "router");
		ck_assert_uint_eq(c[4].confidence, 80);
		ck_assert_str_eq(c[5].rule_id, "o.third");
	}
	/* at most max claims; the rest are counted */
	n = sig_match(db, "ssh.banner", "SSH-2.0-Vendor_1.2", c, 2);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(c[1].rule_id, "o.second");
	n = sig_match(db, "ssh.banner", "SSH-2.0-Vendor_1.2", c, 0);
	ck_assert_uint_eq(n, 0);
	sig_stats(db, &st);
	ck_assert_uint_eq(st.n_matches, 5);
	ck_assert_uint_eq(st.n_claims_dropped, 4 + 6);
	ck_assert_uint_eq(st.n_match_errors, 0);
	sig_db_free(db);
}
END_TEST

START_TEST(test_match_limit)
{
	/* catastrophic backtracking stops at the match limit and is counted */
	struct sig_db *db = load_ok(HEADER RULE("slow", "http.server", "^(a+)+$", ATTRS_OK)
					   RULE("fast", "http.server", "^a", "Fast\t-\t-\t-\t-\t-\t60\tfixture"));
	struct sig_claim c[TEST_CLAIMS_MAX];
	struct sig_stats st;
	char value[64];
	size_t n;

	memset(value, 'a', 40);
	value[40] = 'b';
	value[41] = '\0';
	n = sig_match(db, "http.server", value, c, TEST_CLAIMS_MAX);
	/* the slow rule fails (with or without JIT), the next one still runs */
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(c[0].rule_id, "fast");
	sig_stats(db, &st);
	ck_assert_uint_le(st.n_match_errors, 1);
	sig_db_free(db);
}
END_TEST

/* --- the directory loader ------------------------------------------------------ */

START_TEST(test_dir_good)
{
	struct sig_report *rep = report_new();
	struct sig_db *db = sig_load_dir(src_path("tests/unit/data/signatures/good"), rep);
	struct sig_claim c[TEST_CLAIMS_MAX];
	size_t n;

	ck_assert_msg(db != NULL, "%s", rep->n_kept ? rep->msg[0] : "?");
	ck_assert_uint_eq(sig_count(db), 2);
	ck_assert_uint_eq(sig_file_count(db), 2);
	ck_assert_uint_eq(rep->n_files, 2);
	n = sig_match(db, "ssh.banner", "SSH-2.0-Test_42", c, TEST_CLAIMS_MAX);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(c[0].rule_id, "g.first"); /* a.tsv before b.tsv */
	ck_assert_str_eq(c[1].value, "42");
	ck_assert_str_eq(c[2].rule_id, "g.second");
	sig_db_free(db);
	free(rep);
}
END_TEST

START_TEST(test_dir_bad)
{
	/* file, message; "@" in a message stands for the fingerprints directory */
	static const char *const expect[][2] = {
		{ "10-first.tsv", "4: unknown role 'plcc' (the vocabulary is in docs/signatures.md)" },
		{ "10-first.tsv", "5: 3 columns, expected 11 (id, field, pattern, manufacturer, product, "
				  "model, firmware, os, role, confidence, reference) separated by tabs" },
		{ "10-first.tsv", "6: pattern does not compile: missing closing parenthesis at offset 3" },
		{ "10-first.tsv", "7: confidence '101' is not a whole number from 1 to 100" },
		{ "10-first.tsv", "8: column 'model' uses $2 but the pattern has 1 capture group" },
		{ "20-second.tsv", "3: duplicate id 'a.ok' (first at @/10-first.tsv:3)" },
		{ "20-second.tsv", "4: field 'HTTP' is not an observation source like http.server "
				   "([a-z0-9]+(.[a-z0-9_]+)+, at most 47 characters)" },
		{ "20-second.tsv", "5: line ends in CR (CRLF line ends); rule files use LF only" },
	};
	static char fp[TEST_PATH_MAX + 32], want[3 * TEST_PATH_MAX];
	struct sig_report *rep = report_new();
	struct sig_db *db;

	snprintf(fp, sizeof(fp), "%s/fingerprints", src_path("tests/unit/data/signatures/bad"));
	db = sig_load_dir(src_path("tests/unit/data/signatures/bad"), rep);
	ck_assert_ptr_null(db);
	ck_assert_uint_eq(rep->n_files, 2); /* README is not a *.tsv */
	ck_assert_uint_eq(rep->n_errors, sizeof(expect) / sizeof(expect[0]));
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		const char *at = strchr(expect[i][1], '@');
		if (at)
			snprintf(want, sizeof(want), "%s/%s:%.*s%s%s", fp, expect[i][0],
				 (int)(at - expect[i][1]), expect[i][1], fp, at + 1);
		else
			snprintf(want, sizeof(want), "%s/%s:%s", fp, expect[i][0], expect[i][1]);
		ck_assert_str_eq(rep->msg[i], want);
	}
	free(rep);

	rep = report_new();
	ck_assert_ptr_null(sig_load_dir(src_path("tests/unit/data/signatures/empty"), rep));
	snprintf(want, sizeof(want), "%s/fingerprints:0: no rule files (*.tsv) in it",
		 src_path("tests/unit/data/signatures/empty"));
	ck_assert_str_eq(rep->msg[0], want);
	free(rep);

	rep = report_new();
	ck_assert_ptr_null(sig_load_dir(src_path("tests/unit/data/signatures/nonexistent"), rep));
	snprintf(want, sizeof(want), "%s/fingerprints:0: cannot read the directory: No such file or directory",
		 src_path("tests/unit/data/signatures/nonexistent"));
	ck_assert_str_eq(rep->msg[0], want);
	free(rep);
}
END_TEST

START_TEST(test_default_dir)
{
	char buf[TEST_PATH_MAX], small[4];

	setenv("HERKOMST_SIGDIR", "/some/where", 1);
	ck_assert_str_eq(sig_default_dir(buf, sizeof(buf)), "/some/where");
	ck_assert_ptr_null(sig_default_dir(small, sizeof(small)));
	unsetenv("HERKOMST_SIGDIR");
	/* the test binary runs from the build tree: the source tree's rules */
	ck_assert_ptr_nonnull(sig_default_dir(buf, sizeof(buf)));
	ck_assert_msg(strstr(buf, "signatures") != NULL, "%s", buf);
}
END_TEST

START_TEST(test_cmd_check)
{
	char p_good[TEST_PATH_MAX], p_bad[TEST_PATH_MAX];
	char *ok[] = { "check", "signatures", "-q", src_path_in(p_good, "tests/unit/data/signatures/good"), NULL };
	char *bad[] = { "check", "signatures", src_path_in(p_bad, "tests/unit/data/signatures/bad"), NULL };
	char *none[] = { "check", NULL };
	char *what[] = { "check", "oui", NULL };
	char *two[] = { "check", "signatures", "a", "b", NULL };
	char *opt[] = { "check", "--bogus", NULL };
	char *help[] = { "check", "--help", NULL };
	int null_fd = open("/dev/null", O_WRONLY), out_fd, err_fd;
	int st[6];

	ck_assert_int_ge(null_fd, 0);
	/* the messages are not the point here: only the exit status */
	fflush(stdout);
	fflush(stderr);
	out_fd = dup(STDOUT_FILENO);
	err_fd = dup(STDERR_FILENO);
	dup2(null_fd, STDOUT_FILENO);
	dup2(null_fd, STDERR_FILENO);
	st[0] = cmd_check(4, ok);
	st[1] = cmd_check(3, bad);
	st[2] = cmd_check(1, none);
	st[3] = cmd_check(2, what);
	st[4] = cmd_check(4, two) + 10 * cmd_check(2, opt);
	st[5] = cmd_check(2, help);
	fflush(stdout);
	fflush(stderr);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	close(out_fd);
	close(err_fd);
	close(null_fd);
	ck_assert_int_eq(st[0], 0);
	ck_assert_int_eq(st[1], 1);
	ck_assert_int_eq(st[2], 2);
	ck_assert_int_eq(st[3], 2);
	ck_assert_int_eq(st[4], 22);
	ck_assert_int_eq(st[5], 0);
}
END_TEST

/* --- the shipped data (suite 'data') ------------------------------------------ */

static struct sig_db *load_shipped(void)
{
	struct sig_report *rep = report_new();
	struct sig_db *db = sig_load_dir(src_path("signatures"), rep);

	for (size_t i = 0; i < rep->n_kept; i++)
		fprintf(stderr, "%s\n", rep->msg[i]);
	ck_assert_msg(db != NULL, "the shipped signatures do not load (%zu errors)", rep->n_errors);
	free(rep);
	return db;
}

START_TEST(test_shipped_loads)
{
	struct sig_db *db = load_shipped();
	char path[TEST_PATH_MAX];
	char *argv[] = { "check", "signatures", "-q", src_path_in(path, "signatures"), NULL };

	ck_assert_uint_ge(sig_count(db), 150);
	ck_assert_uint_ge(sig_file_count(db), 8);
	sig_db_free(db);
	ck_assert_int_eq(cmd_check(4, argv), 0);
}
END_TEST

/* Splits s at tabs in place; the number of fields. */
static size_t split_tabs(char *s, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = s;
	for (char *p = s; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

START_TEST(test_shipped_banners)
{
	struct sig_db *db = load_shipped();
	struct sig_claim *c = calloc(TEST_CLAIMS_MAX, sizeof(*c));
	FILE *fp = fopen(src_path("tests/unit/data/signatures/banners.tsv"), "r");
	char line[2048], got[TEST_EXPECT_MAX];
	size_t lineno = 0, n_rows = 0, n_failed = 0, n_negative = 0;
	bool header = false;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		char *f[4];
		size_t n, o = 0;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!header) {
			header = true;
			ck_assert_str_eq(line, "field\tvalue\texpected\tsource");
			continue;
		}
		ck_assert_msg(split_tabs(line, f, 4) == 4, "banners.tsv:%zu: 4 columns expected", lineno);
		n = sig_match(db, f[0], f[1], c, TEST_CLAIMS_MAX);
		got[0] = '\0';
		for (size_t i = 0; i < n; i++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s=%s", i ? "|" : "",
					      c[i].attribute, c[i].value);
		if (n == 0)
			snprintf(got, sizeof(got), "-");
		if (strcmp(f[2], "-") == 0)
			n_negative++;
		if (strcmp(got, f[2]) != 0) {
			fprintf(stderr, "banners.tsv:%zu: %s '%s'\n  expected %s\n  got      %s\n", lineno,
				f[0], f[1], f[2], got);
			n_failed++;
		}
		n_rows++;
	}
	fclose(fp);
	ck_assert_uint_ge(n_rows, 80);
	ck_assert_uint_ge(n_negative, 8);
	ck_assert_msg(n_failed == 0, "%zu of %zu banners gave other claims (see above)", n_failed, n_rows);
	free(c);
	sig_db_free(db);
}
END_TEST

static Suite *loader_suite(void)
{
	Suite *s = suite_create("signatures");
	TCase *tc = tcase_create("loader");

	tcase_add_test(tc, test_minimal);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_err_columns);
	tcase_add_test(tc, test_err_header);
	tcase_add_test(tc, test_err_id);
	tcase_add_test(tc, test_err_field);
	tcase_add_test(tc, test_err_pattern);
	tcase_add_test(tc, test_err_templates);
	tcase_add_test(tc, test_err_confidence_reference);
	tcase_add_test(tc, test_err_bytes);
	tcase_add_test(tc, test_err_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("matcher");
	tcase_add_test(tc, test_substitution);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_order_and_max);
	tcase_add_test(tc, test_match_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("dir");
	tcase_add_test(tc, test_dir_good);
	tcase_add_test(tc, test_dir_bad);
	tcase_add_test(tc, test_default_dir);
	tcase_add_test(tc, test_cmd_check);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *data_suite(void)
{
	Suite *s = suite_create("signatures-data");
	TCase *tc = tcase_create("shipped");

	tcase_add_test(tc, test_shipped_loads);
	tcase_add_test(tc, test_shipped_banners);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	bool data = argc > 1 && strcmp(argv[1], "data") == 0;
	SRunner *sr = srunner_create(data ? data_suite() : loader_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
