/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP stream windows (src/flow/stream.c): in-order bytes up to the window,
 * retransmissions skipped, a gap ends the stream, PDU framing. The buffer
 * is allocated as bytes arrive and a framed stream gives it back once every
 * PDU has been consumed (docs/performance.md): these tests check that the
 * bytes and the verdicts are those a window-sized buffer would give, and
 * that the memory really goes away.
 */
#include "flow/stream.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define SEQ0 1000u

/* Bytes 0, 1, 2, ... (mod 251) from offset off: any misplaced byte shows. */
static void fill(uint8_t *b, size_t n, size_t off)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)((off + i) % 251);
}

static void check_bytes(const struct flow_stream *s, size_t off)
{
	for (size_t i = 0; i < s->len; i++)
		ck_assert_msg(s->buf[i] == (uint8_t)((off + i) % 251), "byte %zu", i);
}

START_TEST(buffer_comes_with_the_bytes)
{
	struct flow_stream *s = stream_new(16384);
	uint8_t seg[1400];
	uint32_t seq = SEQ0;

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->cap, 16384);
	ck_assert_ptr_null(s->buf); /* nothing held, nothing allocated */
	ck_assert_uint_eq(s->alloc, 0);
	fill(seg, 100, 0);
	ck_assert_uint_eq(stream_add(s, seq, false, seg, 100), 100);
	seq += 100;
	ck_assert_ptr_nonnull(s->buf);
	ck_assert_uint_ge(s->alloc, 100);
	ck_assert_uint_lt(s->alloc, 16384); /* not the whole window */
	/* 100 + 9 x 1400 = 12700 bytes: the buffer grows, the bytes stay in order */
	for (int i = 0; i < 9; i++) {
		fill(seg, sizeof(seg), seq - SEQ0);
		ck_assert_uint_eq(stream_add(s, seq, false, seg, sizeof(seg)), sizeof(seg));
		seq += sizeof(seg);
	}
	ck_assert_uint_eq(s->len, 12700);
	ck_assert_uint_ge(s->alloc, 12700);
	ck_assert_uint_le(s->alloc, s->cap);
	ck_assert(!s->full);
	check_bytes(s, 0);
	ck_assert_ptr_null(stream_free(s));
	ck_assert_ptr_null(stream_free(NULL));
}
END_TEST

/* The window still ends where cap says, whatever has been allocated so far. */
START_TEST(window_full_at_cap)
{
	struct flow_stream *s = stream_new(1000);
	uint8_t seg[1500];

	fill(seg, sizeof(seg), 0);
	ck_assert_uint_eq(stream_add(s, SEQ0, false, seg, 600), 600);
	ck_assert(!s->full);
	ck_assert_uint_eq(stream_add(s, SEQ0 + 600, false, seg + 600, 900), 400);
	ck_assert(s->full);
	ck_assert_uint_eq(s->len, 1000);
	ck_assert_uint_eq(s->alloc, 1000); /* never past the window */
	check_bytes(s, 0);
	ck_assert_uint_eq(stream_add(s, SEQ0 + 1000, false, seg + 1000, 10), 0);
	stream_free(s);
}
END_TEST

START_TEST(retransmission_and_gap)
{
	struct flow_stream *s = stream_new(4096);
	uint8_t seg[300];

	fill(seg, sizeof(seg), 0);
	/* SYN: data starts at seq + 1 */
	ck_assert_uint_eq(stream_add(s, SEQ0 - 1, true, NULL, 0), 0);
	ck_assert_uint_eq(stream_add(s, SEQ0, false, seg, 200), 200);
	/* overlapping retransmission: only the new 100 bytes count */
	ck_assert_uint_eq(stream_add(s, SEQ0 + 100, false, seg + 100, 200), 100);
	ck_assert_uint_eq(stream_add(s, SEQ0, false, seg, 300), 0);
	ck_assert_uint_eq(s->len, 300);
	check_bytes(s, 0);
	/* a hole ends the stream */
	ck_assert_uint_eq(stream_add(s, SEQ0 + 400, false, seg, 10), 0);
	ck_assert(s->gap);
	ck_assert_uint_eq(s->len, 300);
	stream_free(s);
}
END_TEST

/* Modbus/TCP: 6-byte header whose length counts the bytes after it. */
static size_t mbap(uint8_t *b, uint16_t tid, size_t body)
{
	b[0] = (uint8_t)(tid >> 8);
	b[1] = (uint8_t)tid;
	b[2] = b[3] = 0;
	b[4] = (uint8_t)((body + 1) >> 8);
	b[5] = (uint8_t)(body + 1);
	b[6] = 1; /* unit */
	for (size_t i = 0; i < body; i++)
		b[7 + i] = (uint8_t)i;
	return 7 + body;
}

/* Consuming every PDU gives the buffer back; the stream goes on after it. */
START_TEST(consumed_stream_holds_nothing)
{
	struct flow_stream *s = stream_new(2048);
	uint8_t pdu[2048];
	uint32_t seq = SEQ0;
	size_t n1 = mbap(pdu, 1, 5), n2;

	ck_assert_uint_eq(stream_add(s, seq, false, pdu, n1), n1);
	seq += (uint32_t)n1;
	ck_assert_int_eq(stream_pdu_len(s, HK_FRAME_MBAP), (long)n1);
	stream_consume(s, n1);
	ck_assert_uint_eq(s->len, 0);
	ck_assert_ptr_null(s->buf);
	ck_assert_uint_eq(s->alloc, 0);

	/* one PDU and a half: consuming the first keeps the rest, in place */
	n2 = mbap(pdu, 2, 20);
	mbap(pdu + n2, 3, 20);
	ck_assert_uint_eq(stream_add(s, seq, false, pdu, n2 + 10), n2 + 10);
	seq += (uint32_t)(n2 + 10);
	ck_assert_int_eq(stream_pdu_len(s, HK_FRAME_MBAP), (long)n2);
	stream_consume(s, n2);
	ck_assert_uint_eq(s->len, 10);
	ck_assert_ptr_nonnull(s->buf);
	ck_assert_mem_eq(s->buf, pdu + n2, 10);
	ck_assert_int_eq(stream_pdu_len(s, HK_FRAME_MBAP), 0); /* the rest is still coming */
	ck_assert_uint_eq(stream_add(s, seq, false, pdu + n2 + 10, n2 - 10), n2 - 10);
	ck_assert_int_eq(stream_pdu_len(s, HK_FRAME_MBAP), (long)n2);
	ck_assert_mem_eq(s->buf, pdu + n2, n2);
	stream_consume(s, n2);
	ck_assert_ptr_null(s->buf);
	ck_assert_uint_eq(s->total, n1 + 2 * n2);
	stream_free(s);
}
END_TEST

/*
 * Whether a PDU could ever fit is a question about the window, not about
 * what is allocated yet: a 1,000-byte PDU announced in its first 7 bytes
 * waits for more, and one longer than the window is refused.
 */
START_TEST(pdu_bound_is_the_window)
{
	struct flow_stream *s = stream_new(2048);
	uint8_t pdu[2100];

	mbap(pdu, 7, 993); /* 1000 bytes in all */
	ck_assert_uint_eq(stream_add(s, SEQ0, false, pdu, 7), 7);
	ck_assert_uint_lt(s->alloc, 1000);
	ck_assert_int_eq(stream_pdu_len(s, HK_FRAME_MBAP), 0);
	ck_assert_uint_eq(stream_add(s, SEQ0 + 7, false, pdu + 7, 993), 993);
	ck_assert_int_eq(stream_pdu_len(s, HK_FRAME_MBAP), 1000);
	stream_free(s);

	s = stream_new(512);
	mbap(pdu, 8, 993);
	ck_assert_uint_eq(stream_add(s, SEQ0, false, pdu, 7), 7);
	ck_assert_int_lt(stream_pdu_len(s, HK_FRAME_MBAP), 0);
	stream_free(s);
}
END_TEST

/* A parser handed the flow later may want a larger window: bytes stay. */
START_TEST(resize_keeps_bytes)
{
	struct flow_stream *s = stream_new(512);
	uint8_t seg[1024];

	fill(seg, sizeof(seg), 0);
	ck_assert_uint_eq(stream_add(s, SEQ0, false, seg, 600), 512);
	ck_assert(s->full);
	s = stream_resize(s, 1024);
	ck_assert_ptr_nonnull(s);
	ck_assert(!s->full);
	ck_assert_uint_eq(s->cap, 1024);
	ck_assert_uint_eq(stream_add(s, SEQ0 + 512, false, seg + 512, 512), 512);
	ck_assert_uint_eq(s->len, 1024);
	check_bytes(s, 0);
	ck_assert_ptr_eq(stream_resize(s, 100), s); /* never shrinks */
	ck_assert_ptr_null(stream_resize(s, 1u << 20));
	ck_assert_ptr_null(stream_new(0));
	ck_assert_ptr_null(stream_new(1u << 20));
	stream_free(s);
}
END_TEST

/* The state a caller can see of a stream. */
static void check_same_state(const struct flow_stream *a, const struct flow_stream *b)
{
	ck_assert_uint_eq(a->next_seq, b->next_seq);
	ck_assert_uint_eq(a->seq_known, b->seq_known);
	ck_assert_uint_eq(a->gap, b->gap);
	ck_assert_uint_eq(a->full, b->full);
	ck_assert_uint_eq(a->len, b->len);
	ck_assert_uint_eq(a->total, b->total);
	ck_assert_uint_eq(a->alloc, b->alloc);
	ck_assert_uint_eq(a->buf == NULL, b->buf == NULL);
	if (a->len)
		ck_assert_mem_eq(a->buf, b->buf, a->len);
}

/* The buffered path of pipeline.c's parse_tcp: append what fits, consume
 * every whole PDU, again while the segment has more; the PDUs' lengths go
 * to pdus[]. */
static size_t buffered(struct flow_stream *s, uint32_t seq, const uint8_t *seg, size_t len, long *pdus)
{
	size_t n = 0;

	for (int round = 0; round < 64; round++) {
		size_t added = stream_add(s, seq, false, seg, len);
		long l;

		while ((l = stream_pdu_len(s, HK_FRAME_MBAP)) > 0) {
			pdus[n++] = l;
			stream_consume(s, (size_t)l);
		}
		if (added == 0 || l < 0)
			break;
	}
	return n;
}

/*
 * stream_whole_pdus says yes only when the segment is whole PDUs that
 * continue a stream holding nothing, and then taking them in place
 * (stream_pdu_len_at, stream_took) sees the same PDUs and leaves the same
 * state as the buffered path; every other segment takes the buffered path
 * in both. Over a Modbus conversation cut at every place, with a window
 * smaller than some segments.
 */
START_TEST(whole_pdus_in_place_as_buffered)
{
	enum { PDUS = 12 };
	uint8_t conv[PDUS * 300];
	size_t ends[PDUS], len = 0, yes = 0, no = 0;

	for (int i = 0; i < PDUS; i++) {
		len += mbap(conv + len, (uint16_t)i, (size_t)(5 + 23 * i % 250));
		ends[i] = len;
	}
	for (size_t cut = 1; cut < len; cut++) {
		/* segments: [0, cut), then the rest in pieces of cut bytes */
		struct flow_stream *a = stream_new(512), *b = stream_new(512);
		uint32_t seq = SEQ0;

		for (size_t off = 0; off < len; off += cut) {
			size_t n = len - off < cut ? len - off : cut;
			long pa[PDUS + 1], pb[PDUS + 1];
			size_t na = buffered(a, seq, conv + off, n, pa), nb = 0;
			bool whole = false;

			for (int i = 0; i < PDUS; i++)
				whole |= ends[i] == off + n;
			/* whole PDUs end to end from an empty stream, none longer than the window */
			if (stream_whole_pdus(b, seq, false, conv + off, n, HK_FRAME_MBAP)) {
				size_t at = 0;
				long l;

				ck_assert_msg(whole && b->len == 0, "cut %zu off %zu: said whole", cut, off);
				while (at < n && (l = stream_pdu_len_at(b, conv + off + at, n - at, HK_FRAME_MBAP)) > 0) {
					pb[nb++] = l;
					at += (size_t)l;
				}
				ck_assert_uint_eq(at, n);
				stream_took(b, seq, n);
				yes++;
			} else {
				/* in step, a segment ending at a PDU's end is whole PDUs */
				ck_assert_msg(!(whole && b->len == 0), "cut %zu off %zu: whole PDUs refused", cut,
					      off);
				nb = buffered(b, seq, conv + off, n, pb);
				no++;
			}
			ck_assert_uint_eq(na, nb);
			for (size_t k = 0; k < na; k++)
				ck_assert_int_eq(pa[k], pb[k]);
			check_same_state(a, b);
			seq += (uint32_t)n;
		}
		stream_free(a);
		stream_free(b);
	}
	ck_assert_uint_gt(yes, 0);
	ck_assert_uint_gt(no, 0);
}
END_TEST

/* No in place: out of order, a gap, bytes held, a SYN with data, a bad frame. */
START_TEST(whole_pdus_refused)
{
	struct flow_stream *s = stream_new(512);
	uint8_t pdu[600];
	size_t n = mbap(pdu, 1, 10);

	ck_assert(stream_whole_pdus(s, SEQ0, false, pdu, n, HK_FRAME_MBAP)); /* a stream's first bytes */
	ck_assert(!stream_whole_pdus(s, SEQ0 - 1, true, pdu, n, HK_FRAME_MBAP)); /* the same after a SYN */
	ck_assert(!stream_whole_pdus(s, SEQ0, false, pdu, 0, HK_FRAME_MBAP));
	ck_assert(!stream_whole_pdus(s, SEQ0, false, pdu, n - 1, HK_FRAME_MBAP));
	stream_took(s, SEQ0, n);
	ck_assert_uint_eq(s->next_seq, SEQ0 + n);
	ck_assert(!stream_whole_pdus(s, SEQ0, false, pdu, n, HK_FRAME_MBAP));         /* a retransmission */
	ck_assert(!stream_whole_pdus(s, SEQ0 + n + 1, false, pdu, n, HK_FRAME_MBAP)); /* beyond: a gap */
	ck_assert(stream_whole_pdus(s, SEQ0 + n, false, pdu, n, HK_FRAME_MBAP));
	ck_assert_uint_eq(stream_add(s, SEQ0 + n, false, pdu, 3), 3);
	ck_assert(!stream_whole_pdus(s, SEQ0 + n + 3, false, pdu, n, HK_FRAME_MBAP)); /* bytes held */
	stream_free(s);

	s = stream_new(512);
	pdu[2] = 1; /* protocol id 1: not Modbus */
	ck_assert(!stream_whole_pdus(s, SEQ0, false, pdu, n, HK_FRAME_MBAP));
	pdu[2] = 0;
	n = mbap(pdu, 2, 520); /* longer than the window */
	ck_assert(!stream_whole_pdus(s, SEQ0, false, pdu, n, HK_FRAME_MBAP));
	stream_add(s, SEQ0, false, pdu, 600);
	s->len = 0; /* a stream with a gap, nothing held */
	s->gap = true;
	ck_assert(!stream_whole_pdus(s, SEQ0 + 600, false, pdu, 17, HK_FRAME_MBAP));
	stream_free(s);
}
END_TEST

static Suite *stream_suite(void)
{
	Suite *su = suite_create("stream");
	TCase *tc = tcase_create("stream");

	tcase_add_test(tc, buffer_comes_with_the_bytes);
	tcase_add_test(tc, window_full_at_cap);
	tcase_add_test(tc, retransmission_and_gap);
	tcase_add_test(tc, consumed_stream_holds_nothing);
	tcase_add_test(tc, pdu_bound_is_the_window);
	tcase_add_test(tc, resize_keeps_bytes);
	tcase_add_test(tc, whole_pdus_in_place_as_buffered);
	tcase_add_test(tc, whole_pdus_refused);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(stream_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
