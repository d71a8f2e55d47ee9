/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON writer (src/report/jsonw.c): its text must be the bytes jansson
 * gives for the same value with JSON_INDENT(2) | JSON_PRESERVE_ORDER |
 * JSON_ENSURE_ASCII, and its tree must be jansson's own. Checked against
 * jansson itself: random byte strings (escapes, control characters, DEL,
 * 2-, 3- and 4-byte UTF-8, every kind of sequence jansson refuses) as
 * values and as keys, json_stringn() + json_dumps() the reference; reals
 * and integers against json_real()/json_integer(); and random documents
 * written to a tree writer and a text writer at once, at depths 0 to 3,
 * the tree dumped by json_dumps the reference for the text.
 */
#include <check.h>
#include <float.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/jsonw.h"

#define FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII)
#define N_STRINGS 40000
#define N_DOCS 3000
#define STR_MAX 40 /* random strings: bytes at most */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	/* xorshift64*: the same sequence every run */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* Pieces the random strings are made of: every class dump_string treats
 * apart, and every way a sequence is not UTF-8 for jansson. */
static const char *const PIECES[] = {
	"a", "Z", "0", " ", "/", "~", "\x7f",                       /* plain, '/', DEL */
	"\"", "\\",                                                 /* escaped as such */
	"\b", "\f", "\n", "\r", "\t",                              /* short escapes */
	"\x01", "\x1f", "\x0b", "\x1b",                            /* \u00XX */
	"\xc2\x80", "\xc3\xbc", "\xdf\xbf",                        /* 2 bytes: U+0080, ü, U+07FF */
	"\xe0\xa0\x80", "\xe4\xb8\xad", "\xef\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80", /* 3 bytes */
	"\xf0\x90\x80\x80", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", /* 4 bytes: surrogate pairs */
	"\x80", "\xbf",                                             /* a continuation first */
	"\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", /* overlong */
	"\xed\xa0\x80", "\xed\xbf\xbf",                             /* surrogate halves */
	"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xfe",     /* above U+10FFFF, never UTF-8 */
	"\xc3", "\xe4\xb8", "\xf0\x9f\x98",                         /* cut short */
	"\xc3\x41", "\xe4\x41\xad",                                 /* not a continuation inside */
};
#define N_PIECES (sizeof(PIECES) / sizeof(PIECES[0]))
#define N_VALID 29 /* the pieces before "\x80" are UTF-8, the others not (checked) */

/* A random string into buf (STR_MAX + 4 bytes); its length. Mostly made of
 * pieces, some of random bytes; a few invalid pieces, so that about half
 * of the strings are UTF-8. */
static size_t random_string(char *buf)
{
	size_t len = 0, n = rnd() % 8;

	if (rnd() % 4 == 1) {
		/* plain text with one piece in it: the writer copies plain bytes
		 * eight at a time, the piece must be found wherever it sits */
		const char *p = PIECES[rnd() % N_PIECES];
		size_t k = strlen(p), at;

		n = k + rnd() % (STR_MAX + 1 - k);
		at = rnd() % (n - k + 1);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)('a' + rnd() % 26);
		memcpy(buf + at, p, k);
		return n;
	}
	if (rnd() % 4 == 0) {
		n = rnd() % (STR_MAX + 1);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(rnd() % 256);
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		/* invalid pieces one time in 6 */
		const char *p = PIECES[rnd() % 6 ? rnd() % N_VALID : rnd() % N_PIECES];
		size_t k = strlen(p);
		if (len + k > STR_MAX)
			break;
		memcpy(buf + len, p, k);
		len += k;
	}
	return len;
}

static void jout_reset(struct jout *o)
{
	o->len = 0;
	o->failed = false;
}

/* The text writer's bytes as a C string (o's buffer, terminated). */
static const char *jout_text(struct jout *o)
{
	ck_assert(!o->failed);
	ck_assert_int_eq(jout_raw(o, "", 1), 0);
	o->len--;
	return o->buf;
}

/* A string as an array item and as an object's key and value, against
 * jansson's json_stringn, json_object_setn_new and json_dumps. */
START_TEST(test_strings_against_jansson)
{
	struct jout o = {0};
	size_t n_valid = 0, n_invalid = 0, n_escaped = 0, n_pair = 0;

	for (size_t i = 0; i < N_PIECES; i++) {
		json_t *v = json_stringn(PIECES[i], strlen(PIECES[i]));
		ck_assert_msg((v != NULL) == (i < N_VALID), "piece %zu: UTF-8 for jansson: %d", i, v != NULL);
		json_decref(v);
	}

	for (size_t t = 0; t < N_STRINGS; t++) {
		char s[STR_MAX + 4], want[16 * STR_MAX + 64];
		size_t len = random_string(s);
		json_t *v, *obj, *arr;
		char *dump;
		struct jw w;

		if (len == 1 && s[0] == 'k')
			s[0] = 'j'; /* not the key of the other member below */
		v = json_stringn(s, len);

		/* an item at depth 1: "\n  " then the string, or nothing */
		jout_reset(&o);
		jw_text_init(&w, &o, 0, true);
		jw_strn(&w, s, len);
		if (v) {
			dump = json_dumps(v, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
			ck_assert_ptr_nonnull(dump);
			snprintf(want, sizeof(want), "\n  %s", dump);
			n_valid++;
			n_escaped += strchr(dump, '\\') != NULL;
			n_pair += strstr(dump, "\\uD") != NULL;
			free(dump);
		} else {
			want[0] = '\0';
			n_invalid++;
		}
		ck_assert_msg(strcmp(jout_text(&o), want) == 0, "string %zu (%zu bytes): \"%s\", want \"%s\"", t, len,
			      o.buf, want);

		/* a member keyed by the string and one whose value it is, in an
		 * object that is an item at depth 1 */
		obj = json_object();
		json_object_setn_new(obj, s, len, json_integer(-7));
		json_object_set_new(obj, "k", json_incref(v));
		arr = json_array();
		json_array_append_new(arr, obj);
		dump = json_dumps(arr, FLAGS);
		ck_assert_ptr_nonnull(dump);
		/* without the outer array's "[" and "\n]" */
		ck_assert_uint_gt(strlen(dump), 3);
		dump[strlen(dump) - 2] = '\0';
		jout_reset(&o);
		jw_text_init(&w, &o, 0, true);
		jw_obj_begin(&w);
		jw_key_any(&w, s, len);
		jw_int(&w, -7);
		JW_KEY(&w, "k");
		jw_strn(&w, s, len);
		jw_end(&w);
		ck_assert_msg(strcmp(jout_text(&o), dump + 1) == 0, "string %zu as key and value:\n%s\nwant\n%s", t, o.buf,
			      dump + 1);
		free(dump);
		json_decref(arr);
		json_decref(v);
	}
	/* the strings do reach both sides and the escapes */
	ck_assert_uint_gt(n_valid, N_STRINGS / 4);
	ck_assert_uint_gt(n_invalid, N_STRINGS / 10);
	ck_assert_uint_gt(n_escaped, N_STRINGS / 10);
	ck_assert_uint_gt(n_pair, 100);
	free(o.buf);
}
END_TEST

/* Each class on its own, so that a broken class names itself. */
START_TEST(test_string_classes)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} cases[] = {
		{"plain / slash ~", "\"plain / slash ~\""},
		{"01234567\"abcdefgh", "\"01234567\\\"abcdefgh\""},
		{"0123456\\abcdefgh", "\"0123456\\\\abcdefgh\""},
		{"abcdefgh\x01ijklmnop\x1f", "\"abcdefgh\\u0001ijklmnop\\u001F\""},
		{"abcdefghijklmno\xc3\xbc", "\"abcdefghijklmno\\u00FC\""},
		{"\"", "\"\\\"\""},
		{"\\", "\"\\\\\""},
		{"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
		{"\x01\x0b\x1f\x1b", "\"\\u0001\\u000B\\u001F\\u001B\""},
		{"\x7f", "\"\x7f\""},
		{"\xc3\xbc\xdf\xbf", "\"\\u00FC\\u07FF\""},
		{"\xe4\xb8\xad\xef\xbf\xbf", "\"\\u4E2D\\uFFFF\""},
		{"\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", "\"\\uD83D\\uDE00\\uDBFF\\uDFFF\""},
		{"x\xc0\xaf", NULL},
		{"\xe0\x80\xaf", NULL},
		{"\xf0\x80\x80\xaf", NULL},
		{"\xed\xa0\x80", NULL},
		{"\xf4\x90\x80\x80", NULL},
		{"\xf5\x80\x80\x80", NULL},
		{"\x80", NULL},
		{"ab\xe4\xb8", NULL},
		{"\xc3\x41", NULL},
	};
	struct jout o = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[128];
		struct jw w;

		jout_reset(&o);
		jw_text_init(&w, &o, 0, true);
		jw_str(&w, cases[i].in);
		snprintf(want, sizeof(want), "%s%s", cases[i].out ? "\n  " : "", cases[i].out ? cases[i].out : "");
		ck_assert_msg(strcmp(jout_text(&o), want) == 0, "case %zu: \"%s\", want \"%s\"", i, o.buf, want);
	}
	free(o.buf);
}
END_TEST

/* Integers and reals: json_integer's and json_real's dumps; a real that
 * is not finite is refused as json_real refuses it. */
START_TEST(test_numbers_against_jansson)
{
	static const double reals[] = {
		0.0, -0.0, 0.5, 1.0 / 3.0, 1e-7, 100.0, 0.25, 1.0, -2.5, 1e16, 1e17, 1e21, 123456789012345678.0,
		1e300, -1e-300, 5e-324, DBL_MAX, DBL_MIN, 0.1, 2.0 / 3.0, 1e-5, 1e-4, 12345.678,
	};
	static const int64_t ints[] = {0, 1, -1, 255, 256, 1000000, INT64_MAX, INT64_MIN, INT64_MIN + 1, -1234567890123};
	struct jout o = {0};
	size_t n = sizeof(reals) / sizeof(reals[0]) + sizeof(ints) / sizeof(ints[0]) + 2000;

	for (size_t i = 0; i < n; i++) {
		json_t *v;
		char *dump, want[128];
		struct jw w;

		jout_reset(&o);
		jw_text_init(&w, &o, 0, true);
		if (i < sizeof(reals) / sizeof(reals[0])) {
			v = json_real(reals[i]);
			jw_real(&w, reals[i]);
		} else if (i < sizeof(reals) / sizeof(reals[0]) + sizeof(ints) / sizeof(ints[0])) {
			int64_t x = ints[i - sizeof(reals) / sizeof(reals[0])];
			v = json_integer(x);
			jw_int(&w, x);
		} else if (i % 2) {
			uint64_t bits = (uint64_t)rnd() << 32 | rnd();
			double d;
			memcpy(&d, &bits, sizeof(d)); /* any double, NaN and infinities too */
			v = json_real(d);
			jw_real(&w, d);
		} else {
			int64_t x = (int64_t)((uint64_t)rnd() << 32 | rnd()) >> (rnd() % 64);
			v = json_integer(x);
			jw_int(&w, x);
		}
		want[0] = '\0';
		if (v) {
			dump = json_dumps(v, JSON_ENCODE_ANY | FLAGS);
			ck_assert_ptr_nonnull(dump);
			snprintf(want, sizeof(want), "\n  %s", dump);
			free(dump);
			json_decref(v);
		}
		ck_assert_msg(strcmp(jout_text(&o), want) == 0, "number %zu: \"%s\", want \"%s\"", i, o.buf, want);
	}
	/* not finite, in an object: nothing, the key neither */
	{
		struct jw w;

		jout_reset(&o);
		jw_text_init(&w, &o, 0, true);
		jw_obj_begin(&w);
		JW_KEY(&w, "a");
		jw_real(&w, NAN);
		JW_KEY(&w, "b");
		jw_real(&w, INFINITY);
		JW_KEY(&w, "c");
		jw_real(&w, -INFINITY);
		jw_end(&w);
		ck_assert_str_eq(jout_text(&o), "\n  {}");
	}
	free(o.buf);
}
END_TEST

/* --- random documents, to a tree and to the text at once ------------------ */

struct pair {
	struct jw tree, text;
};

static void both_key_any(struct pair *p, const char *k, size_t n)
{
	jw_key_any(&p->tree, k, n);
	jw_key_any(&p->text, k, n);
}

/* A random value (depth: the containers it may still open). */
static void random_value(struct pair *p, unsigned depth, size_t *n_dropped)
{
	char s[STR_MAX + 4];
	size_t len;
	unsigned kind = rnd() % (depth ? 11 : 9);

	switch (kind) {
	case 0:
	case 1: {
		json_t *v;

		len = random_string(s);
		v = json_stringn(s, len);
		*n_dropped += !v;
		json_decref(v);
		jw_strn(&p->tree, s, len);
		jw_strn(&p->text, s, len);
		break;
	}
	case 2: {
		static const char *const names[] = {"Modbus", "s7comm.setup", "M\xc3\xbcller", "\xff bad", "tcp"};
		const char *nm = names[rnd() % 5];
		jw_name(&p->tree, nm);
		jw_name(&p->text, nm);
		break;
	}
	case 3: {
		int64_t x = (int64_t)((uint64_t)rnd() << 32 | rnd()) >> (rnd() % 64);
		if (rnd() % 3 == 0)
			x = (int64_t)(rnd() % 300); /* shared in a tree */
		jw_int(&p->tree, x);
		jw_int(&p->text, x);
		break;
	}
	case 4: {
		static const double reals[] = {0.0, 0.5, 1.0 / 3.0, 1e-7, 100.0, NAN, INFINITY, -1e300, 0.1};
		double d = reals[rnd() % 9];
		jw_real(&p->tree, d);
		jw_real(&p->text, d);
		break;
	}
	case 5:
	case 6: {
		bool b = rnd() % 2;
		jw_bool(&p->tree, b);
		jw_bool(&p->text, b);
		break;
	}
	case 7:
	case 8:
		jw_null(&p->tree);
		jw_null(&p->text);
		break;
	case 9: {
		/* an object: literal keys, and any-byte keys (some refused, their
		 * value with them, containers too) */
		size_t n = rnd() % 5;
		char used[8][STR_MAX + 4];
		size_t used_len[8], n_used = 0;

		jw_obj_begin(&p->tree);
		jw_obj_begin(&p->text);
		for (size_t i = 0; i < n; i++) {
			bool dup = false;

			if (rnd() % 2) {
				len = (size_t)snprintf(s, sizeof(s), "key%u", rnd() % 6);
			} else {
				len = random_string(s);
			}
			/* a key twice is the caller's to avoid (jsonw.h) */
			for (size_t k = 0; k < n_used; k++)
				dup |= used_len[k] == len && memcmp(used[k], s, len) == 0;
			if (dup)
				continue;
			memcpy(used[n_used], s, len);
			used_len[n_used++] = len;
			if (s[0] == 'k' && len > 3 && memcmp(s, "key", 3) == 0) {
				jw_key(&p->tree, s, len);
				jw_key(&p->text, s, len);
			} else {
				both_key_any(p, s, len);
			}
			random_value(p, depth - 1, n_dropped);
		}
		jw_end(&p->tree);
		jw_end(&p->text);
		break;
	}
	default: {
		size_t n = rnd() % 5;

		jw_arr_begin(&p->tree);
		jw_arr_begin(&p->text);
		for (size_t i = 0; i < n; i++)
			random_value(p, depth - 1, n_dropped);
		jw_end(&p->tree);
		jw_end(&p->text);
		break;
	}
	}
}

/* "[\n  " ... k times, the bytes before a value at depth k that jansson
 * writes for it inside k arrays; tail: those after it */
static size_t frame(char *p, unsigned k, bool head)
{
	size_t n = 0;

	for (unsigned i = 0; i < k; i++) {
		unsigned d = head ? i + 1 : k - 1 - i;
		if (head)
			p[n++] = '[';
		p[n++] = '\n';
		memset(p + n, ' ', 2 * d);
		n += 2 * d;
		if (!head)
			p[n++] = ']';
	}
	p[n] = '\0';
	return n;
}

START_TEST(test_documents_tree_and_text)
{
	struct jout o = {0};
	struct jw_shared *sh = jw_shared_new();
	size_t n_dropped = 0, n_nonempty = 0;

	ck_assert_ptr_nonnull(sh);
	for (size_t t = 0; t < N_DOCS; t++) {
		unsigned depth = (unsigned)(t % 4);
		struct pair p;
		json_t *root, *wrapped;
		char head[64], tail[64], *dump;
		size_t n_items = rnd() % 4, n_head, n_tail, len;

		/* the tree: an array holding the items, wrapped in depth arrays;
		 * the text: the items of an array at that depth */
		jw_tree_init(&p.tree, t % 2 ? sh : NULL);
		jout_reset(&o);
		/* every third document from an exact-size buffer of 1..48 bytes,
		 * so that each append's room is checked (an append that reserves
		 * too little is a heap overflow for AddressSanitizer) */
		if (t % 3 == 0) {
			free(o.buf);
			o.cap = 1 + t % 48;
			o.buf = malloc(o.cap);
			ck_assert_ptr_nonnull(o.buf);
		}
		jw_text_init(&p.text, &o, depth, true);
		jw_arr_begin(&p.tree);
		for (size_t i = 0; i < n_items; i++)
			random_value(&p, 3, &n_dropped);
		jw_end(&p.tree);
		root = jw_tree_root(&p.tree);
		ck_assert_ptr_nonnull(root);
		ck_assert(!p.tree.failed);
		ck_assert_uint_eq(p.tree.depth, 0);
		ck_assert_uint_eq(p.text.depth, 1);
		ck_assert_uint_eq(p.text.skip, 0);
		wrapped = root;
		for (unsigned i = 0; i < depth; i++) {
			json_t *a = json_array();
			json_array_append_new(a, wrapped);
			wrapped = a;
		}
		dump = json_dumps(wrapped, FLAGS);
		ck_assert_ptr_nonnull(dump);
		len = strlen(dump);
		n_head = frame(head, depth, true);
		n_tail = frame(tail, depth, false);
		ck_assert_uint_ge(len, n_head + n_tail + 2);
		ck_assert(memcmp(dump, head, n_head) == 0 && memcmp(dump + len - n_tail, tail, n_tail) == 0);
		dump[len - n_tail] = '\0';
		if (json_array_size(root)) {
			/* the items without "[" and "\n" + indent + "]" */
			dump[len - n_tail - 2 - 2 * depth] = '\0';
			n_nonempty++;
		} else {
			dump[n_head + 1] = '\0'; /* "[]": no items */
			dump[n_head] = '\0';
		}
		ck_assert_msg(strcmp(jout_text(&o), dump + n_head + (json_array_size(root) ? 1 : 0)) == 0,
			      "document %zu at depth %u:\n%s\nwant\n%s", t, depth, o.buf,
			      dump + n_head + (json_array_size(root) ? 1 : 0));
		free(dump);
		json_decref(wrapped);
	}
	ck_assert_uint_gt(n_nonempty, N_DOCS / 2);
	ck_assert_uint_gt(n_dropped, 100); /* strings refused, in objects and arrays */
	jw_shared_free(sh);
	free(o.buf);
}
END_TEST

/* A writer adding to an existing object (the API's assessment members) and
 * misuse: a key in an array, an end too many, too deep: failed, nothing
 * else written. */
START_TEST(test_tree_in_and_misuse)
{
	json_t *o = json_object(), *v;
	struct jw w;
	struct jout out = {0};

	json_object_set_new(o, "first", json_true());
	jw_tree_init_in(&w, o, NULL);
	JW_KEY(&w, "second");
	jw_arr_begin(&w);
	jw_int(&w, 2);
	jw_end(&w);
	jw_key_any(&w, "\xff", 1); /* refused: its container with it */
	jw_obj_begin(&w);
	JW_KEY(&w, "x");
	jw_int(&w, 1);
	jw_end(&w);
	ck_assert(!w.failed);
	jw_end(&w); /* the object is the caller's */
	ck_assert(w.failed);
	v = json_object_get(o, "second");
	ck_assert_uint_eq(json_object_size(o), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(v, 0)), 2);
	json_decref(o);

	jw_text_init(&w, &out, 1, false);
	JW_KEY(&w, "k"); /* a key in an array */
	jw_int(&w, 1);
	ck_assert(out.failed);

	out.failed = false;
	out.len = 0;
	jw_text_init(&w, &out, 0, true);
	for (int i = 0; i < JW_DEPTH_MAX + 2; i++)
		jw_arr_begin(&w);
	ck_assert(out.failed);
	free(out.buf);
}
END_TEST

static Suite *jsonw_suite(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("jsonw");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_strings_against_jansson);
	tcase_add_test(tc, test_string_classes);
	tcase_add_test(tc, test_numbers_against_jansson);
	tcase_add_test(tc, test_documents_tree_and_text);
	tcase_add_test(tc, test_tree_in_and_misuse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonw_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
