/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/capture/pcapmap.c: pcap and pcapng files built here byte by byte and
 * read through cap_map_open_mem (and a few as files through cap_map_open and
 * cap_map_open_fd, the pread path): each variant of header, record and block
 * the reader takes, and each refusal, with the result libpcap 1.10.3 gives
 * for the same bytes (the comments say which of its checks a case mirrors;
 * the file cases here also run libpcap over the same file). pcapmap_equiv.c
 * compares the two readers over the shared captures.
 *
 * Each buffer is copied into an exactly-sized heap block before it is read,
 * so AddressSanitizer catches a read one byte past the end.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pcap/dlt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/pcapmap.h"

/* ---- building files ----------------------------------------------------- */

#define B_MAX 8192

struct b {
	uint8_t d[B_MAX];
	size_t n;
	bool big; /* the byte order fields are written in */
};

static void put8(struct b *b, uint8_t v)
{
	if (b->n >= B_MAX)
		ck_abort_msg("test file longer than %u bytes", B_MAX);
	b->d[b->n++] = v;
}

static void put16(struct b *b, uint16_t v)
{
	for (int i = 0; i < 2; i++)
		put8(b, (uint8_t)(b->big ? v >> (8 * (1 - i)) : v >> (8 * i)));
}

static void put32(struct b *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		put8(b, (uint8_t)(b->big ? v >> (8 * (3 - i)) : v >> (8 * i)));
}

static void put64(struct b *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		put8(b, (uint8_t)(b->big ? v >> (8 * (7 - i)) : v >> (8 * i)));
}

/* n bytes counting up from seed: frames are told apart by their bytes */
static void put_frame(struct b *b, uint32_t n, uint8_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		put8(b, (uint8_t)(seed + i));
}

static void set32(struct b *b, size_t at, uint32_t v)
{
	size_t n = b->n;

	b->n = at;
	put32(b, v);
	b->n = n;
}

/* pcap file header; magic as it reads big-endian (a1b2c3d4 or a1b23c4d) */
static void pcap_hdr(struct b *b, uint32_t magic, uint16_t major, uint16_t minor, uint32_t snaplen, uint32_t lt)
{
	put32(b, magic);
	put16(b, major);
	put16(b, minor);
	put32(b, 0);
	put32(b, 0);
	put32(b, snaplen);
	put32(b, lt);
}

static void pcap_rec(struct b *b, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len, uint8_t seed)
{
	put32(b, sec);
	put32(b, frac);
	put32(b, caplen);
	put32(b, len);
	put_frame(b, caplen, seed);
}

/* pcapng: a block is started, its body written, then ended (lengths filled in) */
static size_t ng_begin(struct b *b, uint32_t type)
{
	size_t at = b->n;

	put32(b, type);
	put32(b, 0);
	return at;
}

static void ng_end(struct b *b, size_t at)
{
	while (b->n % 4)
		put8(b, 0);
	set32(b, at + 4, (uint32_t)(b->n - at + 4));
	put32(b, (uint32_t)(b->n - at + 4));
}

static void ng_shb(struct b *b, uint16_t major, uint16_t minor)
{
	size_t at = ng_begin(b, 0x0a0d0d0a);

	put32(b, 0x1a2b3c4d);
	put16(b, major);
	put16(b, minor);
	put64(b, UINT64_MAX);
	ng_end(b, at);
}

/* tsresol: the if_tsresol byte, or -1 for none; tsoffset written when != 0 */
static void ng_idb(struct b *b, uint16_t lt, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
	size_t at = ng_begin(b, 1);

	put16(b, lt);
	put16(b, 0);
	put32(b, snaplen);
	put16(b, 2); /* if_name "eth0", an option that is skipped */
	put16(b, 4);
	put32(b, 0x65746830);
	if (tsresol >= 0) {
		put16(b, 9);
		put16(b, 1);
		put8(b, (uint8_t)tsresol);
		put8(b, 0);
		put8(b, 0);
		put8(b, 0);
	}
	if (tsoffset) {
		put16(b, 14);
		put16(b, 8);
		put64(b, (uint64_t)tsoffset);
	}
	put16(b, 0);
	put16(b, 0);
	ng_end(b, at);
}

static void ng_epb(struct b *b, uint32_t ifid, uint64_t ts, uint32_t caplen, uint32_t len, uint8_t seed)
{
	size_t at = ng_begin(b, 6);

	put32(b, ifid);
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, caplen);
	put32(b, len);
	put_frame(b, caplen, seed);
	ng_end(b, at);
}

static void ng_spb(struct b *b, uint32_t len, uint32_t stored, uint8_t seed)
{
	size_t at = ng_begin(b, 3);

	put32(b, len);
	put_frame(b, stored, seed);
	ng_end(b, at);
}

static void ng_pb(struct b *b, uint16_t ifid, uint64_t ts, uint32_t caplen, uint32_t len, uint8_t seed)
{
	size_t at = ng_begin(b, 2);

	put16(b, ifid);
	put16(b, 0);
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, caplen);
	put32(b, len);
	put_frame(b, caplen, seed);
	ng_end(b, at);
}

static void ng_other(struct b *b, uint32_t type, uint32_t body_len)
{
	size_t at = ng_begin(b, type);

	put_frame(b, body_len, 0x55);
	ng_end(b, at);
}

/* ---- reading them ------------------------------------------------------- */

/*
 * The read window of the iterators of the in-memory tests: 0 reads in place;
 * main runs the suite again with a window of 7 bytes (every record and
 * block crosses a window: refills, growth, the kept tail) and of 4 KiB, as
 * a file is read (cap_map_open_mem_window).
 */
static size_t g_window;

struct opened {
	uint8_t *copy;
	size_t len;
	struct cap_map *m;
	struct cap_map_it *it;
	int r;
	char err[1024];
};

/* first n bytes of b (all when n is SIZE_MAX), in a heap block of that size */
static struct opened open_n(const struct b *b, size_t n)
{
	struct opened o = {0};

	o.len = n == SIZE_MAX ? b->n : n;
	o.copy = malloc(o.len ? o.len : 1);
	ck_assert_ptr_nonnull(o.copy);
	memcpy(o.copy, b->d, o.len);
	o.r = cap_map_open_mem_window(o.copy, o.len, "test.cap", g_window, &o.m, o.err, sizeof(o.err));
	if (o.r == 0) {
		o.it = malloc(sizeof(*o.it));
		ck_assert_ptr_nonnull(o.it);
		cap_map_it_init(o.it, o.m);
	}
	return o;
}

static struct opened open_ok(const struct b *b)
{
	struct opened o = open_n(b, SIZE_MAX);

	ck_assert_msg(o.r == 0, "open: %d %s", o.r, o.err);
	return o;
}

static void closed(struct opened *o)
{
	if (o->it)
		cap_map_it_release(o->it);
	free(o->it);
	ck_assert_ptr_null(cap_map_close(o->m));
	free(o->copy);
}

/* The next frame must be one of caplen bytes counting up from seed. */
static struct cap_frame frame_ok(struct opened *o, uint32_t caplen, uint8_t seed)
{
	struct cap_frame f;
	enum cap_next_result r = cap_map_next(o->it, &f);

	ck_assert_msg(r == CAP_FRAME, "wanted a frame, got %d: %s", r, cap_map_it_error(o->it));
	ck_assert_uint_eq(f.caplen, caplen);
	ck_assert_int_eq(f.linktype, cap_map_linktype(o->m));
	/* read in place: inside the buffer; and the bytes it should be */
	if (g_window == 0)
		ck_assert(f.data >= o->copy && (size_t)(f.data - o->copy) + f.caplen <= o->len);
	/* one assertion per frame: Check writes one record per assertion */
	for (uint32_t i = 0; i < caplen; i++)
		if (f.data[i] != (uint8_t)(seed + i))
			ck_abort_msg("byte %u of the frame is %u, not %u", i, f.data[i], (uint8_t)(seed + i));
	return f;
}

/* The walk must end with r, sticky, with a message holding each of the words. */
static void end_is(struct opened *o, enum cap_next_result want, const char *w1, const char *w2)
{
	struct cap_frame f;
	enum cap_next_result r = cap_map_next(o->it, &f);

	ck_assert_msg(r == want, "wanted end %d, got %d: %s", want, r, cap_map_it_error(o->it));
	ck_assert_int_eq(cap_map_next(o->it, &f), want);
	if (want == CAP_EOF) {
		ck_assert_str_eq(cap_map_it_error(o->it), "");
		ck_assert_uint_eq(cap_map_it_offset(o->it), o->len);
		return;
	}
	ck_assert_msg(strstr(cap_map_it_error(o->it), "at byte ") != NULL, "%s", cap_map_it_error(o->it));
	if (w1)
		ck_assert_msg(strstr(cap_map_it_error(o->it), w1) != NULL, "no \"%s\" in: %s", w1,
			      cap_map_it_error(o->it));
	if (w2)
		ck_assert_msg(strstr(cap_map_it_error(o->it), w2) != NULL, "no \"%s\" in: %s", w2,
			      cap_map_it_error(o->it));
}

static void open_fails(const struct b *b, int want, const char *word)
{
	struct opened o = open_n(b, SIZE_MAX);

	ck_assert_msg(o.r == want, "open gave %d (%s), wanted %d", o.r, o.err, want);
	if (want == -ENOTSUP)
		ck_assert_str_eq(o.err, "");
	else {
		ck_assert_msg(strstr(o.err, "test.cap") != NULL, "%s", o.err);
		ck_assert_msg(strstr(o.err, word) != NULL, "no \"%s\" in: %s", word, o.err);
	}
	free(o.copy);
}

#define TS(sec, usec) ((uint64_t)(sec) * 1000000u + (usec))

/* ---- pcap --------------------------------------------------------------- */

/* Microsecond and nanosecond files in both byte orders give the same frames. */
START_TEST(test_pcap_variants)
{
	static const struct {
		bool big, nsec;
	} v[] = {{false, false}, {true, false}, {false, true}, {true, true}};
	struct b b = {.big = v[_i].big};
	struct opened o;
	struct cap_frame f;

	pcap_hdr(&b, v[_i].nsec ? 0xa1b23c4d : 0xa1b2c3d4, 2, 4, 65535, 1);
	pcap_rec(&b, 1700000000, v[_i].nsec ? 123456789 : 123456, 60, 60, 1);
	pcap_rec(&b, 1700000001, v[_i].nsec ? 999 : 0, 14, 1514, 2);
	pcap_rec(&b, 1700000002, 0, 0, 0, 0); /* an empty record is a frame */
	o = open_ok(&b);
	ck_assert_str_eq(cap_map_format(o.m), "pcap");
	ck_assert_int_eq(cap_map_linktype(o.m), DLT_EN10MB);
	ck_assert_uint_eq(cap_map_size(o.m), b.n);
	ck_assert_str_eq(cap_map_name(o.m), "test.cap");
	ck_assert_uint_eq(cap_map_it_offset(o.it), 24);
	f = frame_ok(&o, 60, 1);
	ck_assert_uint_eq(f.ts_usec, TS(1700000000, 123456));
	ck_assert_uint_eq(f.wirelen, 60);
	f = frame_ok(&o, 14, 2);
	ck_assert_uint_eq(f.ts_usec, TS(1700000001, 0)); /* 999 ns is 0 us */
	ck_assert_uint_eq(f.wirelen, 1514);
	f = frame_ok(&o, 0, 0);
	ck_assert_uint_eq(f.ts_usec, TS(1700000002, 0));
	end_is(&o, CAP_EOF, NULL, NULL);
	closed(&o);
}
END_TEST

/*
 * libpcap reads a timestamp as a signed 32-bit number but byte-swaps it as
 * an unsigned one: 0x80000000 seconds is before 1970 in a file of the host's
 * byte order and after 2038 in the other.
 */
START_TEST(test_pcap_timestamp_sign)
{
	for (int big = 0; big < 2; big++) {
		struct b b = {.big = big};
		bool swapped = big != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
		struct opened o;
		struct cap_frame f;

		pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, 1);
		pcap_rec(&b, 0x80000000u, 0xfffffc18u /* -1000 */, 4, 4, 0);
		o = open_ok(&b);
		f = frame_ok(&o, 4, 0);
		if (swapped)
			ck_assert_uint_eq(f.ts_usec, 2147483648ull * 1000000u + 0xfffffc18ull);
		else
			ck_assert_uint_eq(f.ts_usec, (uint64_t)(-2147483648ll * 1000000 - 1000));
		closed(&o);
	}
}
END_TEST

/* Every cut of a file: a clean end only at a record boundary, otherwise cut short. */
START_TEST(test_pcap_truncated)
{
	struct b b = {.big = false};
	size_t rec2;

	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, 1);
	pcap_rec(&b, 1, 0, 20, 20, 1);
	rec2 = b.n;
	pcap_rec(&b, 2, 0, 30, 30, 2);
	for (size_t n = 24; n <= b.n; n++) {
		struct opened o = open_n(&b, n);

		ck_assert_int_eq(o.r, 0);
		if (n >= rec2)
			frame_ok(&o, 20, 1);
		if (n == 24 || n == rec2)
			end_is(&o, CAP_EOF, NULL, NULL);
		else if (n == b.n) {
			frame_ok(&o, 30, 2);
			end_is(&o, CAP_EOF, NULL, NULL);
		} else
			end_is(&o, CAP_ETRUNCATED, n - (n < rec2 ? 24 : rec2) < 16 ? "record header is cut short" : "has only",
			       n < rec2 ? "at byte 24" : "at byte 60");
		closed(&o);
	}
	/* a header cut short is refused at open; libpcap does too */
	for (size_t n = 4; n < 24; n++) {
		struct opened o = open_n(&b, n);

		ck_assert_int_eq(o.r, -EINVAL);
		ck_assert_msg(strstr(o.err, "cut short") != NULL, "%s", o.err);
		free(o.copy);
	}
}
END_TEST

/*
 * A record longer than the snapshot length but within libpcap's maximum:
 * the first snapshot-length bytes are the frame, the rest is skipped. One
 * longer than the maximum (262144) is refused.
 */
START_TEST(test_pcap_caplen_over_snaplen)
{
	struct b b = {.big = false};
	struct opened o;
	struct cap_frame f;

	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 64, 1);
	pcap_rec(&b, 1, 0, 100, 100, 1);
	pcap_rec(&b, 2, 0, 64, 64, 7);
	put32(&b, 3);
	put32(&b, 0);
	put32(&b, 262145);
	put32(&b, 262145);
	o = open_ok(&b);
	f = frame_ok(&o, 64, 1);
	ck_assert_uint_eq(f.wirelen, 100);
	f = frame_ok(&o, 64, 7);
	ck_assert_uint_eq(f.ts_usec, TS(2, 0));
	end_is(&o, CAP_EERROR, "262145", "at byte 220");
	ck_assert_uint_eq(o.it->n_frames, 2);
	closed(&o);

	/* snaplen 0 (and above INT_MAX) means the maximum */
	b.n = 0;
	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 0, 1);
	pcap_rec(&b, 1, 0, 3000, 3000, 1);
	o = open_ok(&b);
	frame_ok(&o, 3000, 1);
	end_is(&o, CAP_EOF, NULL, NULL);
	closed(&o);
}
END_TEST

/* Before 2.3 caplen and len were the other way round; 2.3 files may be either. */
START_TEST(test_pcap_old_versions)
{
	struct b b = {.big = true};
	struct opened o;
	struct cap_frame f;

	pcap_hdr(&b, 0xa1b2c3d4, 2, 2, 65535, 1);
	pcap_rec(&b, 1, 0, 100, 10, 1); /* len 100, caplen 10 */
	b.n -= 100;
	put_frame(&b, 10, 1);
	o = open_ok(&b);
	f = frame_ok(&o, 10, 1);
	ck_assert_uint_eq(f.wirelen, 100);
	end_is(&o, CAP_EOF, NULL, NULL);
	closed(&o);

	b.n = 0;
	pcap_hdr(&b, 0xa1b2c3d4, 2, 3, 65535, 1);
	pcap_rec(&b, 1, 0, 10, 100, 1); /* right way round: kept */
	pcap_rec(&b, 2, 0, 100, 10, 2); /* caplen > len: swapped */
	b.n -= 100;
	put_frame(&b, 10, 2);
	o = open_ok(&b);
	f = frame_ok(&o, 10, 1);
	ck_assert_uint_eq(f.wirelen, 100);
	f = frame_ok(&o, 10, 2);
	ck_assert_uint_eq(f.wirelen, 100);
	end_is(&o, CAP_EOF, NULL, NULL);
	closed(&o);

	/* DG/UX's 543.0 has the old order too */
	b.n = 0;
	pcap_hdr(&b, 0xa1b2c3d4, 543, 0, 65535, 1);
	pcap_rec(&b, 1, 0, 100, 10, 1);
	b.n -= 100;
	put_frame(&b, 10, 1);
	o = open_ok(&b);
	f = frame_ok(&o, 10, 1);
	ck_assert_uint_eq(f.wirelen, 100);
	closed(&o);
}
END_TEST

START_TEST(test_pcap_refusals)
{
	struct b b = {.big = false};

	/* not a capture, or too short to say: capture.c's libpcap path explains */
	put32(&b, 0x04034b50);
	put_frame(&b, 30, 0);
	open_fails(&b, -ENOTSUP, NULL);
	b.n = 0;
	put16(&b, 0xc3d4);
	open_fails(&b, -ENOTSUP, NULL);
	b.n = 0;
	open_fails(&b, -ENOTSUP, NULL);
	/* Kuznetzov's patched format: libpcap's */
	b.n = 0;
	pcap_hdr(&b, 0xa1b2cd34, 2, 4, 65535, 1);
	open_fails(&b, -ENOTSUP, NULL);
	/* versions libpcap refuses */
	b.n = 0;
	pcap_hdr(&b, 0xa1b2c3d4, 1, 0, 65535, 1);
	open_fails(&b, -EINVAL, "archaic");
	b.n = 0;
	pcap_hdr(&b, 0xa1b2c3d4, 2, 5, 65535, 1);
	open_fails(&b, -EINVAL, "version 2.5");
	b.n = 0;
	pcap_hdr(&b, 0xa1b2c3d4, 3, 0, 65535, 1);
	open_fails(&b, -EINVAL, "version 3.0");
	/* frames libpcap rewrites: left to it */
	b.n = 0;
	b.big = __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__;
	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, DLT_LINUX_SLL);
	open_fails(&b, -ENOTSUP, NULL);
	b.n = 0;
	b.big = !b.big;
	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, DLT_USB_LINUX_MMAPPED);
	open_fails(&b, -ENOTSUP, NULL);
}
END_TEST

/* LINKTYPE_ values libpcap maps to other DLT_ numbers; FCS bits ignored. */
START_TEST(test_pcap_linktypes)
{
	static const struct {
		uint32_t file;
		int dlt;
	} v[] = {
		{101, DLT_RAW}, {100, DLT_ATM_RFC1483}, {106, DLT_ATM_CLIP}, {1, DLT_EN10MB},
		{0x04000000u | 1, DLT_EN10MB}, {113, DLT_LINUX_SLL}, {228, 228}, {147, 147},
	};
	struct b b = {.big = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__};
	struct opened o;

	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, v[_i].file);
	pcap_rec(&b, 1, 0, 4, 4, 0);
	o = open_ok(&b);
	ck_assert_int_eq(cap_map_linktype(o.m), v[_i].dlt);
	ck_assert_int_eq(frame_ok(&o, 4, 0).linktype, v[_i].dlt);
	closed(&o);
}
END_TEST

/* ---- pcapng ------------------------------------------------------------- */

/* EPB, SPB and the obsolete PB; other blocks skipped; both byte orders. */
START_TEST(test_ng_blocks)
{
	struct b b = {.big = _i == 1};
	struct opened o;
	struct cap_frame f;

	ng_shb(&b, 1, 0);
	ng_other(&b, 0x80000001, 6);   /* a custom block before the first IDB */
	ng_idb(&b, 1, 1500, -1, 0);
	ng_epb(&b, 0, 1700000000123456ull, 60, 60, 1);
	ng_other(&b, 4, 12);           /* name resolution */
	ng_other(&b, 5, 20);           /* interface statistics */
	ng_spb(&b, 70, 70, 2);
	ng_spb(&b, 2000, 1500, 3);     /* longer than the snapshot length: cut to it */
	ng_pb(&b, 0, 1700000001000001ull, 30, 40, 4);
	ng_other(&b, 0x0bad, 0);
	o = open_ok(&b);
	ck_assert_str_eq(cap_map_format(o.m), "pcapng");
	ck_assert_int_eq(cap_map_linktype(o.m), DLT_EN10MB);
	f = frame_ok(&o, 60, 1);
	ck_assert_uint_eq(f.ts_usec, 1700000000123456ull);
	f = frame_ok(&o, 70, 2);
	ck_assert_uint_eq(f.ts_usec, 0); /* an SPB has no timestamp */
	ck_assert_uint_eq(f.wirelen, 70);
	f = frame_ok(&o, 1500, 3);
	ck_assert_uint_eq(f.wirelen, 2000);
	f = frame_ok(&o, 30, 4);
	ck_assert_uint_eq(f.ts_usec, 1700000001000001ull);
	ck_assert_uint_eq(f.wirelen, 40);
	end_is(&o, CAP_EOF, NULL, NULL);
	closed(&o);
}
END_TEST

/* if_tsresol (powers of 10 and 2, up and down) and if_tsoffset, per interface. */
START_TEST(test_ng_timestamps)
{
	struct b b = {.big = false};
	struct opened o;
	struct cap_frame f;

	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, 9, 0);          /* 0: nanoseconds */
	ng_idb(&b, 1, 65535, 0x80 | 20, 0);  /* 1: 2^-20 s */
	ng_idb(&b, 1, 65535, 6, 1000);       /* 2: microseconds, 1000 s later */
	ng_idb(&b, 1, 65535, 3, -10);        /* 3: milliseconds, 10 s earlier */
	ng_idb(&b, 1, 65535, 0x80 | 3, 0);   /* 4: 1/8 s */
	ng_idb(&b, 1, 65535, 0, 0);          /* 5: seconds */
	ng_epb(&b, 0, 1500000000123456789ull, 4, 4, 0);
	ng_epb(&b, 1, (5ull << 20) | (1ull << 19) | 1, 4, 4, 0);
	ng_epb(&b, 2, 7000001, 4, 4, 0);
	ng_epb(&b, 3, 20999, 4, 4, 0);
	ng_epb(&b, 4, 8 * 3 + 5, 4, 4, 0);
	ng_epb(&b, 5, 42, 4, 4, 0);
	o = open_ok(&b);
	f = frame_ok(&o, 4, 0);
	ck_assert_uint_eq(f.ts_usec, TS(1500000000, 123456));
	f = frame_ok(&o, 4, 0);
	ck_assert_uint_eq(f.ts_usec, TS(5, 500000)); /* (2^19 + 1) * 10^6 / 2^20, rounded down */
	f = frame_ok(&o, 4, 0);
	ck_assert_uint_eq(f.ts_usec, TS(1007, 1));
	f = frame_ok(&o, 4, 0);
	ck_assert_uint_eq(f.ts_usec, TS(10, 999000));
	f = frame_ok(&o, 4, 0);
	ck_assert_uint_eq(f.ts_usec, TS(3, 625000));
	f = frame_ok(&o, 4, 0);
	ck_assert_uint_eq(f.ts_usec, TS(42, 0));
	end_is(&o, CAP_EOF, NULL, NULL);
	closed(&o);
}
END_TEST

/* A new section has its own interfaces; the first IDB's type and snaplen stay the file's. */
START_TEST(test_ng_sections)
{
	struct b b = {.big = false};
	struct opened o;
	struct cap_frame f;

	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_epb(&b, 1, 1000000, 4, 4, 1);
	ng_shb(&b, 1, 2);             /* minor version 2 is taken too */
	ng_idb(&b, 1, 65535, 9, 0);   /* interface 0 of section 2: nanoseconds */
	ng_epb(&b, 0, 2000000000, 4, 4, 2);
	ng_epb(&b, 1, 0, 4, 4, 3);    /* interface 1 is gone with section 1 */
	o = open_ok(&b);
	frame_ok(&o, 4, 1);
	f = frame_ok(&o, 4, 2);
	ck_assert_uint_eq(f.ts_usec, TS(2, 0));
	end_is(&o, CAP_EERROR, "interface 1", NULL);
	ck_assert_uint_eq(o.it->n_frames, 2);
	closed(&o);
}
END_TEST

/*
 * libpcap 1.10.3 reads one byte order per file: a section in the other order
 * is refused. Its SHB length, read in the first order, decides how: 28 bytes
 * read the other way round are more than the largest block.
 */
START_TEST(test_ng_sections_byte_order)
{
	struct b b = {.big = true};
	struct opened o;

	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_epb(&b, 0, 1, 4, 4, 1);
	b.big = false;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_epb(&b, 0, 1, 4, 4, 2);
	o = open_ok(&b);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EERROR, "more than", NULL);
	ck_assert_uint_eq(o.it->n_frames, 1);
	closed(&o);

	/* a second SHB whose length is written in the first order but whose
	 * byte-order magic says the other */
	b.n = 0;
	b.big = false;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	{
		size_t at = ng_begin(&b, 0x0a0d0d0a);

		b.big = true; /* the magic in the other order */
		put32(&b, 0x1a2b3c4d);
		b.big = false;
		put16(&b, 1);
		put16(&b, 0);
		put64(&b, UINT64_MAX);
		ng_end(&b, at);
	}
	o = open_ok(&b);
	end_is(&o, CAP_EERROR, "other byte order", NULL);
	ck_assert_uint_eq(o.it->n_frames, 0);
	closed(&o);

	/* a section of major version 2 */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_shb(&b, 2, 0);
	o = open_ok(&b);
	end_is(&o, CAP_EERROR, "major version 2", NULL);
	closed(&o);
}
END_TEST

START_TEST(test_ng_interface_refusals)
{
	struct b b = {.big = false};
	struct opened o;

	/* a packet on an interface with no IDB */
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_epb(&b, 0, 1, 4, 4, 1);
	ng_epb(&b, 3, 1, 4, 4, 2);
	o = open_ok(&b);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EERROR, "interface 3", NULL);
	ck_assert_uint_eq(o.it->n_frames, 1);
	closed(&o);

	/* a second link type: libpcap 1.10 stops there */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_epb(&b, 0, 1, 4, 4, 1);
	ng_idb(&b, 0, 65535, -1, 0);
	ng_epb(&b, 1, 1, 4, 4, 2);
	o = open_ok(&b);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EERROR, "different link types", "split it per interface");
	closed(&o);

	/* ... and compares the first IDB's DLT_ value with the next one's
	 * LINKTYPE_ value: two LINKTYPE_RAW (101, DLT_RAW 12) interfaces differ */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 101, 65535, -1, 0);
	ng_epb(&b, 0, 1, 4, 4, 1);
	ng_idb(&b, 101, 65535, -1, 0);
	o = open_ok(&b);
	ck_assert_int_eq(cap_map_linktype(o.m), DLT_RAW);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EERROR, "different link types", NULL);
	closed(&o);

	/* another snapshot length */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_idb(&b, 1, 1500, -1, 0);
	o = open_ok(&b);
	end_is(&o, CAP_EERROR, "snapshot lengths", NULL);
	closed(&o);

	/* an if_tsresol that does not fit, in a later IDB */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_idb(&b, 1, 65535, 20, 0);
	o = open_ok(&b);
	end_is(&o, CAP_EERROR, "10^-20", NULL);
	closed(&o);
}
END_TEST

START_TEST(test_ng_packet_refusals)
{
	struct b b = {.big = false};
	struct opened o;
	size_t at;

	/* EPB caplen over the snapshot length */
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 64, -1, 0);
	ng_epb(&b, 0, 1, 65, 65, 1);
	o = open_ok(&b);
	end_is(&o, CAP_EERROR, "65 captured bytes", "snapshot length 64");
	closed(&o);

	/* EPB caplen over the block */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	at = b.n;
	ng_epb(&b, 0, 1, 40, 40, 1);
	set32(&b, at + 8 + 12, 44);
	o = open_ok(&b);
	end_is(&o, CAP_EERROR, "more than the block", NULL);
	closed(&o);

	/* SPB: libpcap takes min(len, snaplen), not what the block holds */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_spb(&b, 100, 40, 1);
	o = open_ok(&b);
	end_is(&o, CAP_EERROR, "more than the block", NULL);
	closed(&o);

	/* an EPB too short for its fixed fields */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_other(&b, 6, 16);
	o = open_ok(&b);
	end_is(&o, CAP_EERROR, "too short", NULL);
	closed(&o);
}
END_TEST

START_TEST(test_ng_block_refusals)
{
	struct b b = {.big = false};
	struct opened o;
	size_t at;

	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	ng_epb(&b, 0, 1, 4, 4, 1);
	at = b.n;
	ng_epb(&b, 0, 2, 4, 4, 2);

	set32(&b, at + 4, 34); /* not a multiple of 4 */
	o = open_ok(&b);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EERROR, "not a multiple of 4", NULL);
	ck_assert_uint_eq(o.it->n_frames, 1);
	closed(&o);

	set32(&b, at + 4, 8); /* less than header and trailer */
	o = open_ok(&b);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EERROR, "less than", NULL);
	closed(&o);

	set32(&b, at + 4, 16u * 1024 * 1024 + 4); /* more than libpcap's largest */
	o = open_ok(&b);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EERROR, "more than the 16777216", NULL);
	closed(&o);

	set32(&b, at + 4, 36); /* trailer disagrees */
	set32(&b, b.n - 4, 40);
	o = open_ok(&b);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EERROR, "at its end", NULL);
	closed(&o);
	set32(&b, b.n - 4, 36);

	/* every cut inside the last block: cut short, not refused */
	for (size_t n = at + 1; n < b.n; n++) {
		o = open_n(&b, n);
		ck_assert_int_eq(o.r, 0);
		frame_ok(&o, 4, 1);
		end_is(&o, CAP_ETRUNCATED, n - at < 8 ? "block header is cut short" : "has only", NULL);
		ck_assert_uint_eq(o.it->n_frames, 1);
		closed(&o);
	}
	o = open_n(&b, at);
	frame_ok(&o, 4, 1);
	end_is(&o, CAP_EOF, NULL, NULL);
	closed(&o);
}
END_TEST

/* Refused at open, as libpcap refuses them when it opens the file. */
START_TEST(test_ng_open_refusals)
{
	struct b b = {.big = false};

	ng_shb(&b, 1, 0);
	open_fails(&b, -EINVAL, "no interface description block");
	ng_epb(&b, 0, 1, 4, 4, 1);
	open_fails(&b, -EINVAL, "before any interface description block");

	b.n = 0;
	ng_shb(&b, 1, 1);
	ng_idb(&b, 1, 65535, -1, 0);
	open_fails(&b, -EINVAL, "version 1.1");

	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, 0x80 | 64, 0);
	open_fails(&b, -EINVAL, "2^-64");

	b.n = 0;
	ng_shb(&b, 1, 0);
	set32(&b, 4, 2u * 1024 * 1024);
	open_fails(&b, -EINVAL, "outside");

	b.n = 0;
	ng_shb(&b, 1, 0);
	set32(&b, 4, 64); /* longer than the file */
	open_fails(&b, -EINVAL, "cut short");

	/* a byte-order magic that is none: libpcap says "unknown file format" */
	b.n = 0;
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	set32(&b, 8, 0x12345678);
	open_fails(&b, -ENOTSUP, NULL);

	/* pseudo-headers in the other byte order: libpcap rewrites them */
	b.n = 0;
	b.big = __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__;
	ng_shb(&b, 1, 0);
	ng_idb(&b, DLT_NFLOG, 65535, -1, 0);
	open_fails(&b, -ENOTSUP, NULL);
}
END_TEST

/* Two iterators over one map walk it independently. */
START_TEST(test_two_iterators)
{
	struct b b = {.big = false};
	struct opened o;
	struct cap_map_it *it2 = malloc(sizeof(*it2));
	struct cap_frame f1, f2;

	ck_assert_ptr_nonnull(it2);
	ng_shb(&b, 1, 0);
	ng_idb(&b, 1, 65535, -1, 0);
	for (int i = 0; i < 5; i++)
		ng_epb(&b, 0, (uint64_t)i * 1000000u, 10 + i, 10 + i, (uint8_t)i);
	o = open_ok(&b);
	frame_ok(&o, 10, 0);
	frame_ok(&o, 11, 1);
	cap_map_it_init(it2, o.m);
	ck_assert_int_eq(cap_map_next(it2, &f2), CAP_FRAME);
	ck_assert_uint_eq(f2.caplen, 10);
	f1 = frame_ok(&o, 12, 2);
	ck_assert_int_eq(cap_map_next(it2, &f2), CAP_FRAME);
	ck_assert_uint_eq(f2.caplen, 11);
	frame_ok(&o, 13, 3);
	frame_ok(&o, 14, 4);
	end_is(&o, CAP_EOF, NULL, NULL);
	for (int i = 2; i < 5; i++) {
		ck_assert_int_eq(cap_map_next(it2, &f2), CAP_FRAME);
		ck_assert_uint_eq(f2.caplen, 10u + (unsigned)i);
		/* in place: the same bytes, not a copy; through windows: each its own */
		if (i == 2 && g_window == 0)
			ck_assert_ptr_eq(f2.data, f1.data);
		else if (i == 2)
			ck_assert_ptr_ne(f2.data, f1.data);
	}
	ck_assert_int_eq(cap_map_next(it2, &f2), CAP_EOF);
	cap_map_it_release(it2);
	free(it2);
	closed(&o);
}
END_TEST

/* ---- files -------------------------------------------------------------- */

static char tmp_dir[] = "/tmp/test_pcapmap.XXXXXX";

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(p, 1, n, fp), n);
	ck_assert_int_eq(fclose(fp), 0);
}

START_TEST(test_files)
{
	char path[512], err[1024];
	struct cap_map *m = NULL;
	struct cap_map_it *it = malloc(sizeof(*it));
	struct b b = {.big = false};
	struct cap_frame f;

	ck_assert_ptr_nonnull(it);
	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, 1);
	pcap_rec(&b, 1, 2, 50, 50, 9);
	snprintf(path, sizeof(path), "%s/a.pcap", tmp_dir);
	write_file(path, b.d, b.n);
	ck_assert_int_eq(cap_map_open(path, &m, err, sizeof(err)), 0);
	ck_assert_str_eq(cap_map_name(m), path);
	cap_map_it_init(it, m);
	ck_assert_int_eq(cap_map_next(it, &f), CAP_FRAME);
	ck_assert_uint_eq(f.caplen, 50);
	ck_assert_uint_eq(f.data[49], 9 + 49);
	ck_assert_int_eq(cap_map_next(it, &f), CAP_EOF);
	cap_map_it_release(it);
	m = cap_map_close(m);

	snprintf(path, sizeof(path), "%s/none.pcap", tmp_dir);
	ck_assert_int_eq(cap_map_open(path, &m, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, path) && strstr(err, "no such file"), "%s", err);
	ck_assert_int_eq(cap_map_open(tmp_dir, &m, err, sizeof(err)), -ENOTSUP);
	ck_assert_int_eq(cap_map_open("-", &m, err, sizeof(err)), -ENOTSUP);
	snprintf(path, sizeof(path), "%s/empty.pcap", tmp_dir);
	write_file(path, "", 0);
	ck_assert_int_eq(cap_map_open(path, &m, err, sizeof(err)), -ENOTSUP);
	ck_assert_int_eq(cap_map_open("/dev/null", &m, err, sizeof(err)), -ENOTSUP);
	free(it);
}
END_TEST

/*
 * More than 4 GiB of capture (16,400 records of 262,144 bytes): offsets past
 * 2^32 must hold. The bytes are an anonymous mapping that is never touched
 * but where the record headers are written (64 MiB of the 4.3 GB), read
 * in place through cap_map_open_mem: through a window, or as a sparse file,
 * a walk would copy 4.3 GB of zero pages (8 s). The window's offsets are
 * 64-bit like these.
 */
START_TEST(test_large_input)
{
	const uint32_t n_rec = 16400, caplen = 262144;
	const size_t size = 24 + (size_t)n_rec * (16u + caplen);
	char err[1024];
	struct cap_map *m = NULL;
	struct cap_map_it *it = malloc(sizeof(*it));
	struct b b = {.big = false};
	struct cap_frame f;
	uint64_t n = 0, last_ts = 0;
	uint8_t *mem;
	size_t off = 24;

	ck_assert_ptr_nonnull(it);
	ck_assert_uint_gt(size, 1ull << 32);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert(mem != MAP_FAILED);
	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, caplen, 1);
	memcpy(mem, b.d, b.n);
	for (uint32_t i = 0; i < n_rec; i++) {
		b.n = 0;
		pcap_rec(&b, i, 0, 1, caplen, (uint8_t)i); /* header + first byte */
		set32(&b, 8, caplen);
		memcpy(mem + off, b.d, b.n);
		off += 16u + caplen;
	}
	ck_assert_uint_eq(off, size);

	ck_assert_int_eq(cap_map_open_mem(mem, size, "test.cap", &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(cap_map_size(m), size);
	cap_map_it_init(it, m);
	while (cap_map_next(it, &f) == CAP_FRAME) {
		if (f.caplen != caplen || f.data[0] != (uint8_t)n ||
		    (size_t)(f.data - mem) != 24 + n * (16u + caplen) + 16)
			ck_abort_msg("frame %llu: caplen %u, first byte %u, at %zu", (unsigned long long)n, f.caplen,
				     f.data[0], (size_t)(f.data - mem));
		last_ts = f.ts_usec;
		n++;
	}
	ck_assert_str_eq(cap_map_it_error(it), "");
	ck_assert_uint_eq(n, n_rec);
	ck_assert_uint_eq(last_ts, TS(n_rec - 1, 0));
	ck_assert_uint_eq(cap_map_it_offset(it), size);
	cap_map_close(m);
	munmap(mem, size);
	free(it);
}
END_TEST

/* A file walked twice, by two iterators at once, with more frames than
 * their read windows hold (1 MiB; 18 MB of frames that do not end where a
 * window does). */
START_TEST(test_file_windows)
{
	const uint32_t n_rec = 12000, caplen = 1500;
	char path[512], err[1024];
	struct cap_map *m = NULL;
	struct cap_map_it *it = malloc(sizeof(*it)), *it2 = malloc(sizeof(*it2));
	struct b b = {.big = false};
	struct cap_frame f, f2;
	FILE *fp;

	ck_assert_ptr_nonnull(it);
	ck_assert_ptr_nonnull(it2);
	snprintf(path, sizeof(path), "%s/windows.pcap", tmp_dir);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, 1);
	ck_assert_uint_eq(fwrite(b.d, 1, b.n, fp), b.n);
	for (uint32_t i = 0; i < n_rec; i++) {
		b.n = 0;
		pcap_rec(&b, i, 0, caplen, caplen, (uint8_t)i);
		ck_assert_uint_eq(fwrite(b.d, 1, b.n, fp), b.n);
	}
	ck_assert_int_eq(fclose(fp), 0);

	ck_assert_int_eq(cap_map_open(path, &m, err, sizeof(err)), 0);
	cap_map_it_init(it, m);
	cap_map_it_init(it2, m);
	for (uint32_t i = 0; i < n_rec; i++) {
		if (cap_map_next(it, &f) != CAP_FRAME || f.caplen != caplen || f.data[0] != (uint8_t)i ||
		    f.data[caplen - 1] != (uint8_t)(i + caplen - 1))
			ck_abort_msg("frame %u: %s", i, cap_map_it_error(it));
		/* the second iterator two frames behind, in a window of its own */
		if (i >= 2 && (cap_map_next(it2, &f2) != CAP_FRAME || f2.data[0] != (uint8_t)(i - 2) ||
			       f2.data[caplen - 1] != (uint8_t)(i - 2 + caplen - 1)))
			ck_abort_msg("second walk, frame %u: %s", i - 2, cap_map_it_error(it2));
		/* each frame stays whole until its iterator's next call */
		if (f.data[1] != (uint8_t)(i + 1))
			ck_abort_msg("frame %u changed under the other iterator", i);
	}
	ck_assert_int_eq(cap_map_next(it, &f), CAP_EOF);
	for (uint32_t i = n_rec - 2; i < n_rec; i++)
		if (cap_map_next(it2, &f) != CAP_FRAME || f.data[0] != (uint8_t)i)
			ck_abort_msg("second walk, frame %u: %s", i, cap_map_it_error(it2));
	ck_assert_int_eq(cap_map_next(it2, &f), CAP_EOF);
	/* read ahead a window at a time: a refill per window, not per frame
	 * (18 MB through 1 MiB windows: ~18 reads each, not 12,000) */
	ck_assert_msg(it->n_reads <= (24u + (uint64_t)n_rec * (16u + caplen)) / (512u * 1024u) + 2,
		      "%llu reads", (unsigned long long)it->n_reads);
	ck_assert_uint_eq(it2->n_reads, it->n_reads);
	cap_map_it_release(it);
	cap_map_it_release(it2);
	cap_map_close(m);
	unlink(path);
	free(it);
	free(it2);
}
END_TEST

/* ---- files that change under the reader, and big headers ------------------ */

/* A pcap file of n records of caplen bytes (record i: seconds i, bytes from
 * seed i) at path; returns its size. */
static size_t write_records(const char *path, uint32_t n, uint32_t caplen)
{
	struct b b = {.big = false};
	FILE *fp = fopen(path, "wb");
	size_t size = 0;

	ck_assert_ptr_nonnull(fp);
	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, 1);
	for (uint32_t i = 0; i <= n; i++) {
		ck_assert_uint_eq(fwrite(b.d, 1, b.n, fp), b.n);
		size += b.n;
		b.n = 0;
		if (i < n)
			pcap_rec(&b, i, 0, caplen, caplen, (uint8_t)i);
	}
	ck_assert_int_eq(fclose(fp), 0);
	return size;
}

/* the next frame of a file walk must be record i of write_records */
static void file_frame_ok(struct cap_map_it *it, uint32_t i, uint32_t caplen)
{
	struct cap_frame f;
	enum cap_next_result r = cap_map_next(it, &f);

	if (r != CAP_FRAME || f.caplen != caplen || f.ts_usec != TS(i, 0) || f.data[0] != (uint8_t)i ||
	    f.data[caplen - 1] != (uint8_t)(i + caplen - 1))
		ck_abort_msg("record %u: result %d, caplen %u: %s", i, r, r == CAP_FRAME ? f.caplen : 0,
			     cap_map_it_error(it));
}

/* libpcap over path: the number of frames, or -1 and its error in err */
static long libpcap_count(const char *path, char *err)
{
	pcap_t *p = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	long n = 0;
	int r;

	if (!p)
		return -1;
	while ((r = pcap_next_ex(p, &h, &d)) == 1)
		n++;
	if (r != PCAP_ERROR_BREAK) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
		n = -1;
	}
	pcap_close(p);
	return n;
}

/*
 * A file that shrinks while it is walked (3 MB of records, cut inside
 * record 1500 once the walk has read its first window): the walk ends as
 * a capture cut short at the new end, every record before the cut read
 * whole; no SIGBUS (a mapping of the file would take one here).
 */
START_TEST(test_file_shrinks)
{
	const uint32_t n_rec = 2000, caplen = 1500, cut_rec = 1500;
	char path[512], err[1024];
	struct cap_map *m = NULL;
	struct cap_map_it *it = malloc(sizeof(*it));
	struct cap_frame f;
	off_t cut = 24 + (off_t)cut_rec * (16 + caplen) + 16 + 100;

	ck_assert_ptr_nonnull(it);
	snprintf(path, sizeof(path), "%s/shrinks.pcap", tmp_dir);
	ck_assert_uint_gt(write_records(path, n_rec, caplen), 2u << 20);
	ck_assert_int_eq(cap_map_open(path, &m, err, sizeof(err)), 0);
	cap_map_it_init(it, m);
	for (uint32_t i = 0; i < 100; i++)
		file_frame_ok(it, i, caplen);
	ck_assert_int_eq(truncate(path, cut), 0);
	for (uint32_t i = 100; i < cut_rec; i++)
		file_frame_ok(it, i, caplen);
	ck_assert_int_eq(cap_map_next(it, &f), CAP_ETRUNCATED);
	ck_assert_int_eq(cap_map_next(it, &f), CAP_ETRUNCATED);
	ck_assert_msg(strstr(cap_map_it_error(it), "a record of 1500 captured bytes has only 100") != NULL, "%s",
		      cap_map_it_error(it));
	ck_assert_uint_eq(it->n_frames, cut_rec);
	/* the size at open is kept for progress; the walk went by the file */
	ck_assert_uint_gt(cap_map_size(m), (uint64_t)cut);
	cap_map_it_release(it);
	/* cut inside the header now: a header cut short, as libpcap says */
	ck_assert_int_eq(truncate(path, 20), 0);
	m = cap_map_close(m);
	ck_assert_int_eq(cap_map_open(path, &m, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, path) && strstr(err, "header is cut short (20 of 24 bytes)"), "%s", err);
	unlink(path);
	free(it);
}
END_TEST

/*
 * A file that grows while it is walked: 10 records and the first half of
 * the 11th at open (its first window reads them all and meets the end),
 * then the rest of the 11th and 10 more appended while the walk is at
 * record 5. The walk reads all 21, as libpcap's fread does over the same
 * file written the same way (a short read is not an end while the file
 * has more when it is read again).
 */
START_TEST(test_file_grows)
{
	const uint32_t caplen = 100;
	char path[512], err[1024], perr[PCAP_ERRBUF_SIZE];
	struct cap_map *m = NULL;
	struct cap_map_it *it = malloc(sizeof(*it));
	struct b b = {.big = false};
	struct cap_frame f;
	pcap_t *p;
	struct pcap_pkthdr *h;
	const u_char *d;
	size_t half;
	FILE *fp;
	long n_pcap = 0;
	int r;

	ck_assert_ptr_nonnull(it);
	snprintf(path, sizeof(path), "%s/grows.pcap", tmp_dir);
	write_records(path, 10, caplen);
	b.n = 0;
	for (uint32_t i = 10; i < 21; i++)
		pcap_rec(&b, i, 0, caplen, caplen, (uint8_t)i);
	half = 16 + caplen / 2;
	fp = fopen(path, "ab");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(b.d, 1, half, fp), half);
	ck_assert_int_eq(fclose(fp), 0);

	ck_assert_int_eq(cap_map_open(path, &m, err, sizeof(err)), 0);
	p = pcap_open_offline(path, perr);
	ck_assert_msg(p != NULL, "%s", perr);
	cap_map_it_init(it, m);
	for (uint32_t i = 0; i < 5; i++) {
		file_frame_ok(it, i, caplen);
		ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
		n_pcap++;
	}
	ck_assert_uint_eq(it->n_reads, 1); /* the whole file so far, in one read */
	fp = fopen(path, "ab");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(b.d + half, 1, b.n - half, fp), b.n - half);
	ck_assert_int_eq(fclose(fp), 0);
	for (uint32_t i = 5; i < 21; i++)
		file_frame_ok(it, i, caplen);
	ck_assert_int_eq(cap_map_next(it, &f), CAP_EOF);
	ck_assert_str_eq(cap_map_it_error(it), "");
	ck_assert_uint_eq(cap_map_it_offset(it), 24 + 21 * (16 + caplen));
	while ((r = pcap_next_ex(p, &h, &d)) == 1)
		n_pcap++;
	ck_assert_int_eq(r, PCAP_ERROR_BREAK);
	ck_assert_int_eq(n_pcap, 21);
	pcap_close(p);
	cap_map_it_release(it);
	cap_map_close(m);
	unlink(path);
	free(it);
}
END_TEST

/*
 * pcapng whose first IDB comes after a block bigger than the 1 MiB read
 * window (libpcap reads a block before the first IDB whole up to 16 MiB;
 * more it refuses). SHB, a block of type 0x0bad and total length blen, an
 * IDB, 3 EPBs; *len its size, heap memory of exactly that size.
 */
static uint8_t *ng_after_big_block(uint32_t blen, size_t *len)
{
	struct b head = {.big = false}, tail = {.big = false};
	uint8_t *p;
	size_t at;

	ng_shb(&head, 1, 0);
	ck_assert_uint_eq(blen % 4, 0);
	at = head.n;
	put32(&head, 0x0bad);
	put32(&head, blen);
	ng_idb(&tail, 1, 65535, -1, 0);
	for (uint8_t i = 0; i < 3; i++)
		ng_epb(&tail, 0, TS(1700000000 + i, 0), 60 + i, 60 + i, (uint8_t)(10 * i));
	*len = at + blen + tail.n;
	p = malloc(*len);
	ck_assert_ptr_nonnull(p);
	memcpy(p, head.d, head.n);
	memset(p + head.n, 0x5a, blen - 12u);
	for (int i = 0; i < 4; i++) /* the trailer, little-endian */
		p[at + blen - 4 + (size_t)i] = (uint8_t)(blen >> (8 * i));
	memcpy(p + at + blen, tail.d, tail.n);
	return p;
}

START_TEST(test_ng_idb_after_big_block)
{
	/* 3 MiB, exactly libpcap's 16 MiB, and 4 bytes more */
	static const uint32_t blens[] = {3u << 20, 16u << 20, (16u << 20) + 4};
	char path[512], err[1024], perr[PCAP_ERRBUF_SIZE];

	snprintf(path, sizeof(path), "%s/bigblock.pcapng", tmp_dir);
	for (unsigned k = 0; k < 3; k++) {
		size_t len;
		uint8_t *p = ng_after_big_block(blens[k], &len);
		struct cap_map *m = NULL;
		struct opened o = {0};
		long n_pcap;
		int r;

		write_file(path, p, len);
		n_pcap = libpcap_count(path, perr);
		r = cap_map_open(path, &m, err, sizeof(err));
		if (k < 2) {
			struct cap_map_it *it = malloc(sizeof(*it));
			struct cap_frame f;

			ck_assert_ptr_nonnull(it);
			ck_assert_msg(n_pcap == 3, "libpcap: %ld %s", n_pcap, perr);
			ck_assert_msg(r == 0, "block of %u: %d %s", blens[k], r, err);
			ck_assert_int_eq(cap_map_linktype(m), DLT_EN10MB);
			cap_map_it_init(it, m);
			for (uint32_t i = 0; i < 3; i++) {
				ck_assert_int_eq(cap_map_next(it, &f), CAP_FRAME);
				ck_assert_uint_eq(f.caplen, 60 + i);
				ck_assert_uint_eq(f.ts_usec, TS(1700000000 + i, 0));
				ck_assert_uint_eq(f.data[1], 10 * i + 1);
			}
			ck_assert_int_eq(cap_map_next(it, &f), CAP_EOF);
			ck_assert_uint_eq(cap_map_it_offset(it), len);
			/* the walk starts after the IDB: the big block is not read
			 * again (one read for the rest, one that meets the end) */
			ck_assert_uint_eq(it->n_reads, 2);
			cap_map_it_release(it);
			free(it);
		} else {
			ck_assert_msg(n_pcap == -1 && strstr(perr, "block size"), "libpcap: %ld %s", n_pcap, perr);
			ck_assert_int_eq(r, -EINVAL);
			ck_assert_msg(strstr(err, path) && strstr(err, "more than the 16777216 libpcap accepts"), "%s",
				      err);
		}
		m = cap_map_close(m);

		/* the same bytes in memory, through this run's window */
		o.copy = p;
		o.len = len;
		o.r = cap_map_open_mem_window(p, len, "test.cap", g_window, &o.m, o.err, sizeof(o.err));
		ck_assert_int_eq(o.r, k < 2 ? 0 : -EINVAL);
		if (k < 2) {
			o.it = malloc(sizeof(*o.it));
			ck_assert_ptr_nonnull(o.it);
			cap_map_it_init(o.it, o.m);
			for (uint32_t i = 0; i < 3; i++)
				frame_ok(&o, 60 + i, (uint8_t)(10 * i));
			end_is(&o, CAP_EOF, NULL, NULL);
		}
		closed(&o); /* frees p */

		/* cut inside the big block: a header cut short, naming the file */
		if (k == 0) {
			ck_assert_int_eq(truncate(path, (off_t)(2u << 20)), 0);
			ck_assert_int_eq(cap_map_open(path, &m, err, sizeof(err)), -EINVAL);
			ck_assert_msg(strstr(err, path) && strstr(err, "header is cut short") &&
					      strstr(err, "of 3145728 bytes has only"),
				      "%s", err);
			ck_assert_int_eq(libpcap_count(path, perr), -1);
			ck_assert_msg(strstr(perr, "truncated"), "libpcap: %s", perr);
		}
	}
	unlink(path);
}
END_TEST

/*
 * cap_map_open_fd: the caller's descriptor, duplicated (it stays open and
 * at its offset); a header that cannot be read is an error naming the file,
 * never a silent hand-over to libpcap.
 */
START_TEST(test_open_fd)
{
	char path[512], err[1024];
	struct cap_map *m = NULL;
	struct cap_map_it *it = malloc(sizeof(*it));
	struct b b = {.big = false};
	struct cap_frame f;
	uint8_t head[4];
	int fd;

	ck_assert_ptr_nonnull(it);
	snprintf(path, sizeof(path), "%s/fd.pcap", tmp_dir);
	pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, 1);
	pcap_rec(&b, 1, 2, 50, 50, 9);
	write_file(path, b.d, b.n);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cap_map_open_fd(fd, "capture one", &m, err, sizeof(err)), 0);
	ck_assert_str_eq(cap_map_name(m), "capture one");
	ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), 0);
	ck_assert_int_eq(close(fd), 0); /* the map reads through its own */
	/* the path now names another file: the map still reads the one it opened */
	ck_assert_int_eq(unlink(path), 0);
	write_file(path, "not a capture", 13);
	cap_map_it_init(it, m);
	ck_assert_int_eq(cap_map_next(it, &f), CAP_FRAME);
	ck_assert_uint_eq(f.caplen, 50);
	ck_assert_uint_eq(f.data[49], 9 + 49);
	ck_assert_int_eq(cap_map_next(it, &f), CAP_EOF);
	cap_map_it_release(it);
	m = cap_map_close(m);

	/* -ENOTSUP leaves the descriptor as it was, for libpcap */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cap_map_open_fd(fd, path, &m, err, sizeof(err)), -ENOTSUP);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(read(fd, head, 4), 4);
	ck_assert_int_eq(memcmp(head, "not ", 4), 0);
	close(fd);

	/* a header read error (pread on a descriptor open for writing only:
	 * EBADF), pcap and pcapng: the error, with the file's name */
	for (int ng = 0; ng < 2; ng++) {
		b.n = 0;
		if (ng) {
			ng_shb(&b, 1, 0);
			ng_idb(&b, 1, 65535, -1, 0);
		} else {
			pcap_hdr(&b, 0xa1b2c3d4, 2, 4, 65535, 1);
		}
		write_file(path, b.d, b.n);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(cap_map_open_fd(fd, path, &m, err, sizeof(err)), -EBADF);
		ck_assert_ptr_null(m);
		ck_assert_msg(strstr(err, path) && strstr(err, "cannot read its header at byte 0") &&
				      strstr(err, strerror(EBADF)),
			      "%s", err);
		close(fd);
	}
	/* not a regular file: libpcap's */
	fd = open(tmp_dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(cap_map_open_fd(fd, tmp_dir, &m, err, sizeof(err)), -ENOTSUP);
	ck_assert_str_eq(err, "");
	close(fd);
	unlink(path);
	free(it);
}
END_TEST

static Suite *pcapmap_suite(void)
{
	Suite *s = suite_create("pcapmap");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_pcap_variants, 0, 4);
	tcase_add_test(tc, test_pcap_timestamp_sign);
	tcase_add_test(tc, test_pcap_truncated);
	tcase_add_test(tc, test_pcap_caplen_over_snaplen);
	tcase_add_test(tc, test_pcap_old_versions);
	tcase_add_test(tc, test_pcap_refusals);
	tcase_add_loop_test(tc, test_pcap_linktypes, 0, 8);
	tcase_add_loop_test(tc, test_ng_blocks, 0, 2);
	tcase_add_test(tc, test_ng_timestamps);
	tcase_add_test(tc, test_ng_sections);
	tcase_add_test(tc, test_ng_sections_byte_order);
	tcase_add_test(tc, test_ng_interface_refusals);
	tcase_add_test(tc, test_ng_packet_refusals);
	tcase_add_test(tc, test_ng_block_refusals);
	tcase_add_test(tc, test_ng_open_refusals);
	tcase_add_test(tc, test_two_iterators);
	tcase_add_test(tc, test_files);
	tcase_add_test(tc, test_large_input);
	tcase_add_test(tc, test_file_windows);
	tcase_add_test(tc, test_file_shrinks);
	tcase_add_test(tc, test_file_grows);
	tcase_add_test(tc, test_ng_idb_after_big_block);
	tcase_add_test(tc, test_open_fd);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (!mkdtemp(tmp_dir)) {
		perror("mkdtemp");
		return 1;
	}
	failed = 0;
	for (int w = 0; w < 3; w++) {
		static const size_t windows[] = {0, 7, 4096};

		g_window = windows[w];
		printf("read window: %zu bytes%s\n", g_window, g_window ? "" : " (in place)");
		sr = srunner_create(pcapmap_suite());
		srunner_run_all(sr, CK_NORMAL);
		failed += srunner_ntests_failed(sr);
		srunner_free(sr);
	}
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmp_dir);
	}
	return failed ? 1 : 0;
}
