/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the API parses from a client or an operator (src/api/query.c): listen
 * addresses and which are loopback, the constant-time token comparison,
 * tokens from files, query parameters, integers, booleans, RFC 3339 times,
 * URL encoding of "next" links and the read-only database URI. Strings are
 * exactly-sized heap copies, so an over-read is an AddressSanitizer report.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"

static char *heap;

/* s in a buffer of exactly strlen(s) + 1 bytes */
static const char *exact(const char *s)
{
	size_t n = strlen(s) + 1;
	free(heap);
	heap = malloc(n);
	ck_assert(heap != NULL);
	memcpy(heap, s, n);
	return heap;
}

static void teardown(void)
{
	free(heap);
	heap = NULL;
}

START_TEST(test_listen)
{
	struct api_listen l;
	char err[256];
	static const struct {
		const char *s;
		int ok;
		int loopback;
		unsigned port;
	} cases[] = {
		{"127.0.0.1:9470", 1, 1, 9470},
		{"127.1.2.3:1", 1, 1, 1},
		{"localhost:65535", 1, 1, 65535},
		{"[::1]:9470", 1, 1, 9470},
		{"[::ffff:127.0.0.1]:80", 1, 1, 80},
		{"0.0.0.0:9470", 1, 0, 9470},
		{"[::]:9470", 1, 0, 9470},
		{"10.0.0.5:9470", 1, 0, 9470},
		{"[::ffff:10.0.0.1]:80", 1, 0, 80},
		{"128.0.0.1:80", 1, 0, 80},
		{"", 0, 0, 0},
		{"127.0.0.1", 0, 0, 0},
		{"127.0.0.1:", 0, 0, 0},
		{"127.0.0.1:0", 0, 0, 0},
		{"127.0.0.1:65536", 0, 0, 0},
		{"127.0.0.1:-1", 0, 0, 0},
		{"127.0.0.1:+80", 0, 0, 0},
		{"127.0.0.1:80x", 0, 0, 0},
		{"127.0.0.1:99999999999999999999", 0, 0, 0},
		{"::1:80", 0, 0, 0},
		{"[::1]80", 0, 0, 0},
		{"[::1]:", 0, 0, 0},
		{"[]:80", 0, 0, 0},
		{"[::1:80", 0, 0, 0},
		{"example.org:80", 0, 0, 0},
		{"256.0.0.1:80", 0, 0, 0},
		{":80", 0, 0, 0},
		{"[127.0.0.1]:80", 0, 0, 0},
		{"[0123456789012345678901234567890123456789012345678901234567890]:80", 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = api_listen_parse(exact(cases[i].s), &l, err, sizeof(err));
		ck_assert_msg((rc == 0) == cases[i].ok, "%s: rc %d (%s)", cases[i].s, rc, err);
		if (!cases[i].ok) {
			ck_assert_msg(strstr(err, "ADDR:PORT") || strstr(err, "65535"), "%s: message %s", cases[i].s,
				      err);
			continue;
		}
		ck_assert_msg(l.loopback == (cases[i].loopback == 1), "%s: loopback %d", cases[i].s, l.loopback);
		ck_assert_uint_eq(l.port, cases[i].port);
	}
	ck_assert_int_eq(api_listen_parse(NULL, &l, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(api_listen_parse("[::1]:8080", &l, err, sizeof(err)), 0);
	ck_assert(l.v6 && l.len == sizeof(struct sockaddr_in6));
	ck_assert_int_eq(ntohs(((struct sockaddr_in6 *)&l.ss)->sin6_port), 8080);
}
END_TEST

START_TEST(test_token_equal)
{
	static const char tok[] = "0123456789abcdef";
	ck_assert(api_token_equal(tok, 16, "0123456789abcdef", 16));
	ck_assert(!api_token_equal(tok, 16, "0123456789abcdeX", 16));
	ck_assert(!api_token_equal(tok, 16, "X123456789abcdef", 16));
	ck_assert(!api_token_equal(tok, 16, "0123456789abcde", 15));
	ck_assert(!api_token_equal(tok, 16, "0123456789abcdef0", 17));
	ck_assert(!api_token_equal(tok, 16, "", 0));
	/* a longer answer is never read past the expected length's loop, only its length counts */
	ck_assert(!api_token_equal(tok, 16, "0123456789abcdef\0", 17));
}
END_TEST

START_TEST(test_token_check)
{
	char err[256];
	ck_assert_int_eq(api_token_check(exact("0123456789abcdef"), err, sizeof(err)), 0);
	ck_assert_int_eq(api_token_check(exact("0123456789abcde"), err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "16") != NULL);
	ck_assert_int_eq(api_token_check(exact("0123456789 abcdef"), err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(api_token_check(exact("0123456789abcdef\t"), err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(api_token_check(exact("0123456789abcdef\xc3\xa9"), err, sizeof(err)), -EINVAL);
	{
		char big[API_TOKEN_LEN_MAX + 2];
		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ck_assert_int_eq(api_token_check(big, err, sizeof(err)), -EINVAL);
		big[API_TOKEN_LEN_MAX] = '\0';
		ck_assert_int_eq(api_token_check(big, err, sizeof(err)), 0);
	}
}
END_TEST

START_TEST(test_params)
{
	static const char *const allowed[] = {"limit", "role", NULL};
	struct api_params p = {0};
	char err[512], longv[API_PARAM_LEN_MAX + 2];

	ck_assert_int_eq(api_params_allow(&p, NULL, err, sizeof(err)), 0);
	p.v[0] = (struct api_param){"limit", "5"};
	p.v[1] = (struct api_param){"role", "plc"};
	p.n = 2;
	ck_assert_int_eq(api_params_allow(&p, allowed, err, sizeof(err)), 0);
	ck_assert_str_eq(api_param_get(&p, "role"), "plc");
	ck_assert_ptr_null(api_param_get(&p, "country"));
	ck_assert_int_eq(api_params_allow(&p, NULL, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "takes none") != NULL);
	p.v[2] = (struct api_param){"nosuch", ""};
	p.n = 3;
	ck_assert_int_eq(api_params_allow(&p, allowed, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "'nosuch'") && strstr(err, "limit role"));
	p.v[2] = (struct api_param){"limit", "6"};
	ck_assert_int_eq(api_params_allow(&p, allowed, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "more than once") != NULL);
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	p.v[2] = (struct api_param){"role", longv};
	p.v[1] = (struct api_param){"limit", "1"};
	p.v[0] = (struct api_param){"role", "x"};
	p.n = 2;
	p.v[1] = (struct api_param){"limit", longv};
	ck_assert_int_eq(api_params_allow(&p, allowed, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "longer than") != NULL);
	p.n = 1;
	p.overflow = true;
	ck_assert_int_eq(api_params_allow(&p, allowed, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "too many") != NULL);
}
END_TEST

START_TEST(test_uint_bool)
{
	uint64_t v = 7;
	bool b = false;
	char err[256];

	ck_assert_int_eq(api_parse_uint("limit", exact("1"), 1, 1000, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(api_parse_uint("limit", exact("1000"), 1, 1000, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 1000);
	ck_assert_int_eq(api_parse_uint("limit", exact("007"), 1, 1000, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 7);
	v = 42;
	static const char *const bad[] = {"", "0", "1001", "-1", "+1", " 1", "1 ", "1e3", "0x10", "abc",
					  "18446744073709551616", "99999999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(api_parse_uint("limit", exact(bad[i]), 1, 1000, &v, err, sizeof(err)) == -EINVAL, "%s",
			      bad[i]);
		ck_assert(strstr(err, "limit must be") != NULL);
	}
	ck_assert_uint_eq(v, 42); /* written only on success */
	ck_assert_int_eq(api_parse_uint("id", exact("9223372036854775807"), 1, INT64_MAX, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(api_parse_uint("id", exact("9223372036854775808"), 1, INT64_MAX, &v, err, sizeof(err)),
			 -EINVAL);

	ck_assert_int_eq(api_parse_bool("flagged", exact("true"), &b, err, sizeof(err)), 0);
	ck_assert(b);
	ck_assert_int_eq(api_parse_bool("flagged", exact("0"), &b, err, sizeof(err)), 0);
	ck_assert(!b);
	ck_assert_int_eq(api_parse_bool("flagged", exact("maybe"), &b, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(api_parse_bool("flagged", exact("TRUE"), &b, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(api_parse_bool("flagged", exact(""), &b, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_time)
{
	static const struct {
		const char *s;
		uint64_t usec;
	} good[] = {
		{"1970-01-01T00:00:00Z", 0},
		{"2026-03-02T08:00:00Z", 1772438400000000ull},
		{"2026-03-02t08:00:00z", 1772438400000000ull},
		{"2026-03-02 08:00:00Z", 1772438400000000ull},
		{"2026-03-02T09:00:00+01:00", 1772438400000000ull},
		{"2026-03-02T09:00:00 01:00", 1772438400000000ull}, /* '+' decoded as a space */
		{"2026-03-02T03:30:00-04:30", 1772438400000000ull},
		{"2026-03-02T08:00:00.5Z", 1772438400500000ull},
		{"2026-03-02T08:00:00.123456Z", 1772438400123456ull},
		{"2026-03-02T08:00:00.1234567Z", 1772438400123456ull},
		{"2024-02-29T00:00:00Z", 1709164800000000ull},
		{"2000-02-29T00:00:00Z", 951782400000000ull},
		{"2016-12-31T23:59:60Z", 1483228799000000ull},
		{"9999-12-31T23:59:59Z", 253402300799000000ull},
	};
	static const char *const bad[] = {
		"", "2026", "2026-03-02", "2026-03-02T08:00:00", "2026-03-02T08:00Z", "2026-03-02T08:00:00+0100",
		"2026-03-02T08:00:00+01", "2026-03-02T08:00:00+01:", "2026-03-02T08:00:00+24:00",
		"2026-03-02T08:00:00+01:60",
		"2026-13-02T08:00:00Z", "2026-00-02T08:00:00Z", "2026-02-29T08:00:00Z", "1900-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-03-00T08:00:00Z", "2026-03-02T24:00:00Z", "2026-03-02T08:60:00Z",
		"2026-03-02T08:00:61Z", "2026-03-02X08:00:00Z", "2026/03/02T08:00:00Z", "2026-03-02T08:00:00.Z",
		"2026-03-02T08:00:00ZZ", "2026-03-02T08:00:00Z ", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00+00:01",
		"+2026-03-02T08:00:00Z", "2026-3-02T08:00:00Z", "2026-03-02T08:00:00\xc3\xa9",
	};
	uint64_t v;
	char err[512];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(api_parse_time("since", exact(good[i].s), &v, err, sizeof(err)) == 0, "%s: %s", good[i].s,
			      err);
		ck_assert_msg(v == good[i].usec, "%s: %llu, want %llu", good[i].s, (unsigned long long)v,
			      (unsigned long long)good[i].usec);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(api_parse_time("since", exact(bad[i]), &v, err, sizeof(err)) == -EINVAL, "%s parsed",
			      bad[i]);
		ck_assert(strstr(err, "RFC 3339") != NULL);
	}
	/* every prefix of a good time is rejected without reading past its end */
	{
		const char *full = "2026-03-02T09:00:00.25+01:00";
		char buf[64];
		for (size_t n = 0; n < strlen(full); n++) {
			memcpy(buf, full, n);
			buf[n] = '\0';
			ck_assert_msg(api_parse_time("since", exact(buf), &v, err, sizeof(err)) == -EINVAL, "%s", buf);
		}
		ck_assert_int_eq(api_parse_time("since", exact(full), &v, err, sizeof(err)), 0);
	}
}
END_TEST

START_TEST(test_query_append)
{
	char buf[64];
	size_t used = 0;

	buf[0] = '\0';
	ck_assert(api_query_append(buf, sizeof(buf), &used, "q", "a b&c=d"));
	ck_assert(api_query_append(buf, sizeof(buf), &used, "since", "2026-03-02T09:00:00+01:00"));
	ck_assert_str_eq(buf, "q=a%20b%26c%3Dd&since=2026-03-02T09%3A00%3A00%2B01%3A00");
	ck_assert_uint_eq(used, strlen(buf));
	{
		char small[8];
		size_t u = 0;
		small[0] = '\0';
		ck_assert(!api_query_append(small, sizeof(small), &u, "limit", "100"));
		ck_assert(u < sizeof(small) && strlen(small) == u);
	}
	used = 0;
	ck_assert(api_query_append(buf, sizeof(buf), &used, "m", "\xc3\xa9\x01"));
	ck_assert_str_eq(buf, "m=%C3%A9%01");
}
END_TEST

START_TEST(test_contains_ci)
{
	ck_assert(api_contains_ci("Siemens AG", "siemens"));
	ck_assert(api_contains_ci("Siemens AG", "ENS A"));
	ck_assert(api_contains_ci("Siemens AG", ""));
	ck_assert(!api_contains_ci("Siemens AG", "siemensx"));
	ck_assert(!api_contains_ci(NULL, "x"));
	ck_assert(api_contains_ci("aab", "ab"));
}
END_TEST

START_TEST(test_db_uri)
{
	char *u = api_db_uri("/var/lib/herkomst/site.sqlite");
	ck_assert_str_eq(u, "file:/var/lib/herkomst/site.sqlite?mode=ro");
	free(u);
	u = api_db_uri("my dir/a?b#c%d.sqlite");
	ck_assert_str_eq(u, "file:my%20dir/a%3Fb%23c%25d.sqlite?mode=ro");
	free(u);
	u = api_db_uri("//srv/x.db");
	ck_assert_str_eq(u, "file:/srv/x.db?mode=ro");
	free(u);
}
END_TEST

static Suite *api_query_suite(void)
{
	Suite *s = suite_create("api_query");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_listen);
	tcase_add_test(tc, test_token_equal);
	tcase_add_test(tc, test_token_check);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_uint_bool);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_query_append);
	tcase_add_test(tc, test_contains_ci);
	tcase_add_test(tc, test_db_uri);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(api_query_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
