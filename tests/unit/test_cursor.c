/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bounded cursor (include/herkomst/cursor.h): every accessor, the sticky
 * error, sub-cursors that cannot see their siblings, string escaping, and
 * lengths near SIZE_MAX that must fail rather than wrap. Windows are
 * exactly-sized heap copies, so an over-read is an AddressSanitizer report.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"

static const uint8_t seq[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
			      0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

static uint8_t *heap;

static struct hk_cur cur_over(const void *bytes, size_t n)
{
	free(heap);
	heap = malloc(n);
	ck_assert(heap != NULL || n == 0);
	if (n)
		memcpy(heap, bytes, n);
	return hk_cur_init(heap, n);
}

static void teardown(void)
{
	free(heap);
	heap = NULL;
}

START_TEST(test_init)
{
	struct hk_cur c = hk_cur_init(NULL, 100);

	/* no base, no window, whatever the length says */
	ck_assert_uint_eq(c.len, 0);
	ck_assert_uint_eq(hk_cur_left(&c), 0);
	ck_assert(hk_cur_ok(&c));
	ck_assert(!hk_cur_has(&c, 1));
	ck_assert_uint_eq(hk_cur_u8(&c), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	c = cur_over(seq, sizeof(seq));
	ck_assert_ptr_eq(c.base, heap);
	ck_assert_uint_eq(c.len, sizeof(seq));
	ck_assert_uint_eq(c.off, 0);
	ck_assert_int_eq(c.err, HK_CUR_OK);
	ck_assert_uint_eq(hk_cur_left(&c), sizeof(seq));
}
END_TEST

START_TEST(test_integers)
{
	struct hk_cur c = cur_over(seq, sizeof(seq));

	ck_assert_uint_eq(hk_cur_u8(&c), 0x01);
	ck_assert_uint_eq(hk_cur_be16(&c), 0x0203);
	ck_assert_uint_eq(hk_cur_le16(&c), 0x0504);
	ck_assert_uint_eq(hk_cur_be24(&c), 0x060708);
	ck_assert_uint_eq(hk_cur_be32(&c), 0x090a0b0c);
	ck_assert_uint_eq(hk_cur_le32(&c), 0x100f0e0d);
	ck_assert(hk_cur_ok(&c));
	ck_assert_uint_eq(hk_cur_left(&c), 0);

	c = cur_over(seq, 8);
	ck_assert_uint_eq(hk_cur_be64(&c), 0x0102030405060708ull);
	c = cur_over(seq, 8);
	ck_assert_uint_eq(hk_cur_le64(&c), 0x0807060504030201ull);
	ck_assert(hk_cur_ok(&c));

	/* high bits survive: no sign extension */
	c = cur_over("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", 8);
	ck_assert_uint_eq(hk_cur_be32(&c), 0xfffefdfcu);
	ck_assert_uint_eq(hk_cur_le32(&c), 0xf8f9fafbu);
}
END_TEST

/* Each width, one byte short: 0, error, nothing consumed. */
START_TEST(test_short_reads)
{
	struct hk_cur c;

	c = cur_over(seq, 0);
	ck_assert_uint_eq(hk_cur_u8(&c), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over(seq, 1);
	ck_assert_uint_eq(hk_cur_be16(&c), 0);
	ck_assert_uint_eq(c.off, 0);
	c = cur_over(seq, 1);
	ck_assert_uint_eq(hk_cur_le16(&c), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over(seq, 2);
	ck_assert_uint_eq(hk_cur_be24(&c), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over(seq, 3);
	ck_assert_uint_eq(hk_cur_be32(&c), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over(seq, 3);
	ck_assert_uint_eq(hk_cur_le32(&c), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over(seq, 7);
	ck_assert_uint_eq(hk_cur_be64(&c), 0);
	ck_assert_uint_eq(c.off, 0);
	c = cur_over(seq, 7);
	ck_assert_uint_eq(hk_cur_le64(&c), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
}
END_TEST

START_TEST(test_sticky_error)
{
	struct hk_cur c = cur_over(seq, 3);

	ck_assert_uint_eq(hk_cur_be16(&c), 0x0102);
	ck_assert_uint_eq(hk_cur_be16(&c), 0); /* one byte left: fails */
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	ck_assert_uint_eq(c.off, 2);
	/* a byte is there, but the cursor has failed: still nothing */
	ck_assert_uint_eq(hk_cur_u8(&c), 0);
	ck_assert_uint_eq(c.off, 2);
	ck_assert_uint_eq(hk_cur_left(&c), 0);
	ck_assert(!hk_cur_has(&c, 0));
	ck_assert(!hk_cur_ok(&c));

	/* the first error wins */
	hk_cur_fail(&c, HK_CUR_EINVAL);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over(seq, 3);
	hk_cur_fail(&c, HK_CUR_EINVAL);
	ck_assert_int_eq(c.err, HK_CUR_EINVAL);
	ck_assert_uint_eq(hk_cur_u8(&c), 0);
	hk_cur_skip(&c, 1);
	ck_assert_int_eq(c.err, HK_CUR_EINVAL);
	ck_assert_uint_eq(c.off, 0);
}
END_TEST

START_TEST(test_has_and_left)
{
	struct hk_cur c = cur_over(seq, 4);

	ck_assert(hk_cur_has(&c, 0));
	ck_assert(hk_cur_has(&c, 4));
	ck_assert(!hk_cur_has(&c, 5));
	ck_assert(!hk_cur_has(&c, SIZE_MAX));
	ck_assert(hk_cur_ok(&c)); /* has() sets no error */
	hk_cur_skip(&c, 3);
	ck_assert_uint_eq(hk_cur_left(&c), 1);
	ck_assert(hk_cur_has(&c, 1));
	ck_assert(!hk_cur_has(&c, 2));
}
END_TEST

START_TEST(test_peek)
{
	struct hk_cur c = cur_over(seq, 4);

	hk_cur_skip(&c, 1);
	ck_assert_uint_eq(hk_cur_peek_u8(&c, 0), 0x02);
	ck_assert_uint_eq(hk_cur_peek_u8(&c, 2), 0x04);
	ck_assert_uint_eq(hk_cur_peek_be16(&c, 0), 0x0203);
	ck_assert_uint_eq(hk_cur_peek_be16(&c, 1), 0x0304);
	ck_assert_uint_eq(c.off, 1); /* peeks do not move */
	ck_assert(hk_cur_ok(&c));

	ck_assert_uint_eq(hk_cur_peek_u8(&c, 3), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	c = cur_over(seq, 4);
	hk_cur_skip(&c, 1);
	ck_assert_uint_eq(hk_cur_peek_be16(&c, 2), 0); /* the second byte is past the end */
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	c = cur_over(seq, 4);
	ck_assert_uint_eq(hk_cur_peek_be16(&c, 3), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	c = cur_over(seq, 4);
	ck_assert_uint_eq(hk_cur_peek_u8(&c, SIZE_MAX), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over(seq, 4);
	ck_assert_uint_eq(hk_cur_peek_be16(&c, SIZE_MAX), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	c = cur_over(seq, 4);
	ck_assert_uint_eq(hk_cur_peek_be16(&c, SIZE_MAX - 1), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	/* a failed cursor peeks nothing */
	c = cur_over(seq, 4);
	hk_cur_fail(&c, HK_CUR_EINVAL);
	ck_assert_uint_eq(hk_cur_peek_u8(&c, 0), 0);
	ck_assert_uint_eq(hk_cur_peek_be16(&c, 0), 0);
	ck_assert_int_eq(c.err, HK_CUR_EINVAL);
}
END_TEST

START_TEST(test_skip_and_copy)
{
	uint8_t dst[4];
	struct hk_cur c = cur_over(seq, 6);

	hk_cur_skip(&c, 0);
	ck_assert(hk_cur_ok(&c));
	hk_cur_skip(&c, 2);
	ck_assert(hk_cur_copy(&c, dst, 4));
	ck_assert(memcmp(dst, &seq[2], 4) == 0);
	ck_assert_uint_eq(hk_cur_left(&c), 0);
	hk_cur_skip(&c, 0); /* at the end, zero is still fine */
	ck_assert(hk_cur_ok(&c));
	hk_cur_skip(&c, 1);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	c = cur_over(seq, 3);
	memset(dst, 0xaa, sizeof(dst));
	ck_assert(!hk_cur_copy(&c, dst, 4));
	ck_assert(memcmp(dst, "\0\0\0\0", 4) == 0); /* zero-filled on error */
	ck_assert_uint_eq(c.off, 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	c = cur_over(seq, 3);
	ck_assert(hk_cur_copy(&c, dst, 0));
	ck_assert(hk_cur_ok(&c));
}
END_TEST

/*
 * Offsets whose sum with the request would wrap past SIZE_MAX to a small
 * number: a test written "off + n > len" would pass them; ours cannot.
 */
START_TEST(test_bounds_near_size_max)
{
	char s[8];
	struct hk_cur c, sub;

	for (size_t n = SIZE_MAX - 8; n != 0; n++) {
		c = cur_over(seq, 8);
		hk_cur_skip(&c, 4);
		hk_cur_skip(&c, n);
		ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
		ck_assert_uint_eq(c.off, 4);

		c = cur_over(seq, 8);
		hk_cur_skip(&c, 4);
		sub = hk_cur_sub(&c, n);
		ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
		ck_assert_int_eq(sub.err, HK_CUR_ETRUNC);
		ck_assert_uint_eq(sub.len, 0);
		/* an empty window still has a base, so that base + 0 is defined */
		ck_assert_ptr_nonnull(sub.base);
		ck_assert_uint_eq(hk_cur_left(&sub), 0);

		c = cur_over(seq, 8);
		hk_cur_skip(&c, 4);
		ck_assert_ptr_null(hk_cur_view(&c, n));
		ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

		c = cur_over(seq, 8);
		hk_cur_skip(&c, 4);
		ck_assert(!hk_cur_str(&c, n, s, sizeof(s)));
		ck_assert_str_eq(s, "");

		c = cur_over(seq, 8);
		hk_cur_skip(&c, 4);
		ck_assert_uint_eq(hk_cur_peek_u8(&c, n), 0);
		ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

		c = cur_over(seq, 8);
		hk_cur_skip(&c, 4);
		ck_assert_uint_eq(hk_cur_peek_be16(&c, n), 0);
		ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	}
	c = cur_over(seq, 8);
	hk_cur_skip(&c, 4);
	ck_assert(!hk_cur_has(&c, SIZE_MAX - 2));
	ck_assert(hk_cur_ok(&c));
}
END_TEST

START_TEST(test_sub_cursors)
{
	struct hk_cur c = cur_over(seq, 10), a, b;

	hk_cur_skip(&c, 1);
	a = hk_cur_sub(&c, 3); /* bytes 1..3 */
	b = hk_cur_sub(&c, 4); /* bytes 4..7 */
	ck_assert_uint_eq(c.off, 8);
	ck_assert(hk_cur_ok(&c));
	ck_assert_uint_eq(a.len, 3);
	ck_assert_uint_eq(a.off, 0);

	/* a ends where b begins: reading on fails, b stays untouched */
	ck_assert_uint_eq(hk_cur_be16(&a), 0x0203);
	ck_assert_uint_eq(hk_cur_be16(&a), 0);
	ck_assert_int_eq(a.err, HK_CUR_ETRUNC);
	ck_assert_uint_eq(hk_cur_be32(&b), 0x05060708);
	ck_assert(hk_cur_ok(&b));
	ck_assert(hk_cur_ok(&c)); /* a child's error is its own */

	/* peeking past a child's end fails even though the parent has bytes */
	a = hk_cur_sub(&c, 1);
	ck_assert_uint_eq(hk_cur_peek_u8(&a, 1), 0);
	ck_assert_int_eq(a.err, HK_CUR_ETRUNC);
	ck_assert_uint_eq(hk_cur_left(&c), 1);

	/* nested */
	c = cur_over(seq, 10);
	a = hk_cur_sub(&c, 6);
	b = hk_cur_sub(&a, 2);
	ck_assert_uint_eq(hk_cur_u8(&b), 0x01);
	ck_assert_uint_eq(hk_cur_u8(&b), 0x02);
	ck_assert_uint_eq(hk_cur_u8(&b), 0);
	ck_assert_uint_eq(hk_cur_u8(&a), 0x03);

	/* a short parent fails both; the child is empty */
	c = cur_over(seq, 4);
	a = hk_cur_sub(&c, 5);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	ck_assert_int_eq(a.err, HK_CUR_ETRUNC);
	ck_assert_uint_eq(a.len, 0);
	ck_assert_uint_eq(hk_cur_u8(&a), 0);

	/* a failed parent gives failed children, even of length 0 */
	a = hk_cur_sub(&c, 0);
	ck_assert_int_eq(a.err, HK_CUR_ETRUNC);

	/* zero-length child of a good parent: fine, and empty */
	c = cur_over(seq, 4);
	a = hk_cur_sub(&c, 0);
	ck_assert(hk_cur_ok(&a));
	ck_assert_uint_eq(hk_cur_left(&a), 0);
	ck_assert_uint_eq(hk_cur_u8(&a), 0);
	ck_assert(hk_cur_ok(&c));
	ck_assert_uint_eq(c.off, 0);
}
END_TEST

START_TEST(test_rest)
{
	struct hk_cur c = cur_over(seq, 6), r;

	hk_cur_skip(&c, 2);
	r = hk_cur_rest(&c);
	ck_assert_uint_eq(r.len, 4);
	ck_assert_uint_eq(hk_cur_left(&c), 0);
	ck_assert(hk_cur_ok(&c));
	ck_assert_uint_eq(hk_cur_be32(&r), 0x03040506);

	r = hk_cur_rest(&c); /* at the end: an empty, good child */
	ck_assert(hk_cur_ok(&r));
	ck_assert_uint_eq(r.len, 0);

	hk_cur_fail(&c, HK_CUR_EINVAL);
	r = hk_cur_rest(&c);
	ck_assert(!hk_cur_ok(&r));
}
END_TEST

START_TEST(test_str_escaping)
{
	static const uint8_t mixed[] = {'a', 0x00, '\\', 0xff, 'z', '\n', 0x7f, ' '};
	char s[64];
	struct hk_cur c = cur_over(mixed, sizeof(mixed));

	ck_assert(hk_cur_str(&c, sizeof(mixed), s, sizeof(s)));
	ck_assert_str_eq(s, "a\\x00\\\\\\xffz\\x0a\\x7f ");
	ck_assert_uint_eq(hk_cur_left(&c), 0);

	/* n = 0 */
	c = cur_over(mixed, sizeof(mixed));
	strcpy(s, "junk");
	ck_assert(hk_cur_str(&c, 0, s, sizeof(s)));
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(c.off, 0);

	/* fewer bytes than n: false, "", error, nothing consumed */
	c = cur_over(mixed, 3);
	strcpy(s, "junk");
	ck_assert(!hk_cur_str(&c, 4, s, sizeof(s)));
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	ck_assert_uint_eq(c.off, 0);
}
END_TEST

/* A string that does not fit is cut between characters, never inside an escape. */
START_TEST(test_str_cut)
{
	static const uint8_t in[] = {'a', 'b', 0x01, 'c'};
	static const struct {
		size_t dstsz;
		const char *want;
	} cuts[] = {
		{1, ""}, {2, "a"}, {3, "ab"}, {4, "ab"}, {5, "ab"}, {6, "ab"},
		{7, "ab\\x01"}, {8, "ab\\x01c"}, {9, "ab\\x01c"},
	};
	char *s;

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct hk_cur c = cur_over(in, sizeof(in));

		s = malloc(cuts[i].dstsz); /* exactly sized: ASan checks the writes */
		ck_assert(s != NULL);
		ck_assert(hk_cur_str(&c, sizeof(in), s, cuts[i].dstsz));
		ck_assert_msg(strcmp(s, cuts[i].want) == 0, "dstsz %zu: \"%s\"", cuts[i].dstsz, s);
		ck_assert_uint_eq(hk_cur_left(&c), 0); /* consumed even when cut */
		free(s);
	}

	/* backslash needs 2 output bytes */
	{
		struct hk_cur c = cur_over("a\\", 2);

		s = malloc(3);
		ck_assert(s != NULL);
		ck_assert(hk_cur_str(&c, 2, s, 3));
		ck_assert_str_eq(s, "a");
		free(s);
	}

	/* dstsz 0: nothing written, the bytes are still consumed */
	{
		struct hk_cur c = cur_over(in, sizeof(in));
		char guard = 'G';

		ck_assert(hk_cur_str(&c, sizeof(in), &guard, 0));
		ck_assert_int_eq(guard, 'G');
		ck_assert_uint_eq(hk_cur_left(&c), 0);
	}
}
END_TEST

START_TEST(test_cstr)
{
	static const uint8_t two[] = {'a', 'b', 0, 'c', 0xe9, 0, 'd'};
	char s[32];
	struct hk_cur c = cur_over(two, sizeof(two));

	ck_assert(hk_cur_cstr(&c, 16, s, sizeof(s)));
	ck_assert_str_eq(s, "ab");
	ck_assert_uint_eq(c.off, 3); /* the NUL is consumed */
	ck_assert(hk_cur_cstr(&c, 16, s, sizeof(s)));
	ck_assert_str_eq(s, "c\\xe9");
	ck_assert_uint_eq(c.off, 6);
	/* no NUL before the end: the rest is the string */
	ck_assert(hk_cur_cstr(&c, 16, s, sizeof(s)));
	ck_assert_str_eq(s, "d");
	ck_assert_uint_eq(hk_cur_left(&c), 0);
	/* at the end: an empty string, not an error */
	ck_assert(hk_cur_cstr(&c, 16, s, sizeof(s)));
	ck_assert_str_eq(s, "");
	ck_assert(hk_cur_ok(&c));

	/* n stops before the NUL: n bytes, NUL left in place */
	c = cur_over(two, sizeof(two));
	ck_assert(hk_cur_cstr(&c, 1, s, sizeof(s)));
	ck_assert_str_eq(s, "a");
	ck_assert_uint_eq(c.off, 1);

	/* NUL exactly at n-1 is consumed */
	c = cur_over(two, sizeof(two));
	ck_assert(hk_cur_cstr(&c, 3, s, sizeof(s)));
	ck_assert_uint_eq(c.off, 3);

	/* a leading NUL: empty string, one byte consumed */
	c = cur_over("\0x", 2);
	ck_assert(hk_cur_cstr(&c, 2, s, sizeof(s)));
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(c.off, 1);

	/* a failed cursor */
	c = cur_over(two, sizeof(two));
	hk_cur_fail(&c, HK_CUR_ETRUNC);
	strcpy(s, "junk");
	ck_assert(!hk_cur_cstr(&c, 4, s, sizeof(s)));
	ck_assert_str_eq(s, "");

	/* n = SIZE_MAX is bounded by the window */
	c = cur_over("abc", 3);
	ck_assert(hk_cur_cstr(&c, SIZE_MAX, s, sizeof(s)));
	ck_assert_str_eq(s, "abc");
}
END_TEST

START_TEST(test_find)
{
	struct hk_cur c = cur_over("ab:cd:", 6);

	ck_assert_int_eq(hk_cur_find(&c, ':'), 2);
	ck_assert_int_eq(hk_cur_find(&c, 'a'), 0);
	ck_assert_int_eq(hk_cur_find(&c, 'x'), -1);
	hk_cur_skip(&c, 3);
	ck_assert_int_eq(hk_cur_find(&c, ':'), 2); /* relative to the position */
	ck_assert_int_eq(hk_cur_find(&c, 'a'), -1);
	ck_assert_uint_eq(c.off, 3);               /* find does not move */
	hk_cur_skip(&c, 3);
	ck_assert_int_eq(hk_cur_find(&c, ':'), -1); /* at the end */

	/* a child window hides what follows it */
	c = cur_over("ab:cd:", 6);
	{
		struct hk_cur a = hk_cur_sub(&c, 2);

		ck_assert_int_eq(hk_cur_find(&a, ':'), -1);
	}

	c = cur_over("ab:", 3);
	hk_cur_fail(&c, HK_CUR_EINVAL);
	ck_assert_int_eq(hk_cur_find(&c, ':'), -1);
}
END_TEST

START_TEST(test_view)
{
	struct hk_cur c = cur_over(seq, 8);
	const uint8_t *v;

	hk_cur_skip(&c, 2);
	v = hk_cur_view(&c, 3);
	ck_assert_ptr_eq(v, heap + 2);
	ck_assert_uint_eq(c.off, 5);
	v = hk_cur_view(&c, 0); /* a zero-length view at the position */
	ck_assert_ptr_eq(v, heap + 5);
	ck_assert(hk_cur_ok(&c));
	v = hk_cur_view(&c, 4);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);
	ck_assert_uint_eq(c.off, 5);
	/* the whole rest at the very end */
	c = cur_over(seq, 8);
	hk_cur_skip(&c, 8);
	ck_assert_ptr_eq(hk_cur_view(&c, 0), heap + 8);
	ck_assert_ptr_null(hk_cur_view(&c, 1));
}
END_TEST

/* A window of 0 bytes over a real buffer: every read fails, zero-length ops do not. */
START_TEST(test_zero_window)
{
	struct hk_cur c;
	char s[4];

	c = cur_over(seq, 0);
	ck_assert(hk_cur_has(&c, 0));
	ck_assert(!hk_cur_has(&c, 1));
	ck_assert_uint_eq(hk_cur_left(&c), 0);
	hk_cur_skip(&c, 0);
	ck_assert(hk_cur_ok(&c));
	ck_assert(hk_cur_str(&c, 0, s, sizeof(s)));
	ck_assert_str_eq(s, "");
	ck_assert(hk_cur_cstr(&c, 10, s, sizeof(s)));
	ck_assert_int_eq(hk_cur_find(&c, 0), -1);
	ck_assert(hk_cur_ok(&c));
	ck_assert_uint_eq(hk_cur_peek_u8(&c, 0), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	c = cur_over(seq, 0);
	ck_assert_uint_eq(hk_cur_be16(&c), 0);
	ck_assert_int_eq(c.err, HK_CUR_ETRUNC);

	/* a window over the first 2 bytes of a longer buffer cannot see byte 2 */
	c = hk_cur_init(seq, 2);
	ck_assert_uint_eq(hk_cur_be16(&c), 0x0102);
	ck_assert_uint_eq(hk_cur_u8(&c), 0);
}
END_TEST

START_TEST(test_escape)
{
	char s[16];

	hk_escape((const uint8_t *)"ok", 2, s, sizeof(s));
	ck_assert_str_eq(s, "ok");
	hk_escape((const uint8_t *)"\x80\\", 2, s, sizeof(s));
	ck_assert_str_eq(s, "\\x80\\\\");
	hk_escape((const uint8_t *)"abc", 3, s, 1);
	ck_assert_str_eq(s, "");
	hk_escape((const uint8_t *)"abc", 0, s, sizeof(s));
	ck_assert_str_eq(s, "");
	s[0] = 'G';
	hk_escape((const uint8_t *)"abc", 3, s, 0);
	ck_assert_int_eq(s[0], 'G');
}
END_TEST


START_TEST(test_line)
{
	static const uint8_t text[] = "ab\r\ncd\n\r\nef";
	struct hk_cur c = hk_cur_init(text, sizeof(text) - 1), line;

	ck_assert_int_eq(hk_cur_line(&c, 64, &line), 1);
	ck_assert_uint_eq(line.len, 2);
	ck_assert_mem_eq(line.base, "ab", 2);
	ck_assert_int_eq(hk_cur_line(&c, 64, &line), 1);
	ck_assert_uint_eq(line.len, 2);
	ck_assert_mem_eq(line.base, "cd", 2);
	ck_assert_int_eq(hk_cur_line(&c, 64, &line), 1); /* an empty CR LF line */
	ck_assert_uint_eq(line.len, 0);
	/* "ef" has no LF yet: wait, and c stays where it is */
	ck_assert_int_eq(hk_cur_line(&c, 64, &line), 0);
	ck_assert_uint_eq(hk_cur_left(&c), 2);
	ck_assert_int_eq(c.err, 0);
	/* longer than max, with or without its LF in the window */
	c = hk_cur_init(text, sizeof(text) - 1);
	ck_assert_int_eq(hk_cur_line(&c, 3, &line), -1); /* "ab\r\n" is 4 bytes */
	ck_assert_uint_eq(c.off, 0);
	ck_assert_int_eq(hk_cur_line(&c, 4, &line), 1);
	c = hk_cur_init((const uint8_t *)"abcdef", 6);
	ck_assert_int_eq(hk_cur_line(&c, 6, &line), -1);
	ck_assert_int_eq(hk_cur_line(&c, 7, &line), 0);
}
END_TEST

static Suite *cursor_suite(void)
{
	Suite *s = suite_create("cursor");
	TCase *tc = tcase_create("cursor");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_integers);
	tcase_add_test(tc, test_short_reads);
	tcase_add_test(tc, test_sticky_error);
	tcase_add_test(tc, test_has_and_left);
	tcase_add_test(tc, test_peek);
	tcase_add_test(tc, test_skip_and_copy);
	tcase_add_test(tc, test_bounds_near_size_max);
	tcase_add_test(tc, test_sub_cursors);
	tcase_add_test(tc, test_rest);
	tcase_add_test(tc, test_str_escaping);
	tcase_add_test(tc, test_str_cut);
	tcase_add_test(tc, test_cstr);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_view);
	tcase_add_test(tc, test_zero_window);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cursor_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
