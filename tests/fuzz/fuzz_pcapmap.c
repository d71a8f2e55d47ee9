/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the input is a whole capture file, read through
 * cap_map_open_mem and walked to its end, twice. Besides crashes and
 * sanitizer reports it checks what the reader promises: every frame's bytes
 * lie inside the input; no caplen exceeds the largest libpcap hands out
 * (256 KiB, 128 MiB for D-Bus) nor the input; the walk moves forward on
 * every frame, so it ends; an end other than a clean one comes with a
 * message; the second walk gives the same frames (an iterator keeps no
 * state in the map); opened and walked through a small read window (as a
 * file is read, header checks included) it gives the same result, refusal
 * words and frames as in place. And it reads the same bytes through libpcap
 * (fmemopen + pcap_fopen_offline) and requires the same frames and the same
 * end (tests/unit/pcapmap_diff.h), so that any input on which the two
 * readers part ways is a report. Any breach is an abort().
 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/pcapmap_diff.h"
#include "capture/pcapmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FRAMES_MAX 100000u /* more than any input of a few MB can hold */
#define FUZZ_CAPLEN_MAX (128u * 1024u * 1024u)

struct fuzz_walk {
	uint64_t n, sum_caplen, sum_ts, sum_first;
	enum cap_next_result end;
};

static struct fuzz_walk fuzz_walk(const struct cap_map *m, const uint8_t *data, size_t size, bool in_place)
{
	static struct cap_map_it it; /* ~9 KB: not on libFuzzer's stack */
	struct fuzz_walk w = {0};
	uint64_t last_off;
	struct cap_frame f;

	cap_map_it_init(&it, m);
	last_off = cap_map_it_offset(&it);
	while ((w.end = cap_map_next(&it, &f)) == CAP_FRAME) {
		uintptr_t lo = (uintptr_t)data, at = (uintptr_t)f.data;

		if (!f.data || (in_place && (at < lo || at - lo > size || f.caplen > size - (at - lo))))
			abort();
		if (f.caplen > FUZZ_CAPLEN_MAX || f.linktype != cap_map_linktype(m))
			abort();
		if (cap_map_it_offset(&it) <= last_off || cap_map_it_offset(&it) > size)
			abort();
		last_off = cap_map_it_offset(&it);
		if (++w.n > FUZZ_FRAMES_MAX)
			abort();
		w.sum_caplen += f.caplen;
		w.sum_ts += f.ts_usec ^ f.wirelen;
		/* every byte, so that a walk through a window is compared with the
		 * walk in place (which pmd_compare compares with libpcap) byte by byte */
		for (uint32_t i = 0; i < f.caplen; i++)
			w.sum_first = (w.sum_first ^ f.data[i]) * 0x100000001b3ull;
	}
	if (w.end != CAP_EOF && w.end != CAP_ETRUNCATED && w.end != CAP_EERROR)
		abort();
	if ((w.end == CAP_EOF) != (cap_map_it_error(&it)[0] == '\0'))
		abort();
	if (cap_map_next(&it, &f) != w.end) /* sticky */
		abort();
	cap_map_it_release(&it);
	return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024], err_w[1024], pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct cap_map *m = NULL, *mw = NULL;
	struct fuzz_walk w1, w2;
	struct pmd_result d;
	pcap_t *p = NULL;
	FILE *fp;
	int r, rw;

	r = cap_map_open_mem(data, size, "fuzz", &m, err, sizeof(err));
	/* through a read window, as a file is read, header checks included: a
	 * small one of a size the input picks, so records and blocks cross it
	 * everywhere; the same result and the same words as in place */
	rw = cap_map_open_mem_window(data, size, "fuzz", 1 + size % 61, &mw, err_w, sizeof(err_w));
	if (rw != r || strcmp(err_w, err) != 0) {
		fprintf(stderr, "fuzz_pcapmap: open in place %d (%s), through a window %d (%s)\n", r, err, rw, err_w);
		abort();
	}
	if (r == 0) {
		w1 = fuzz_walk(m, data, size, true);
		w2 = fuzz_walk(m, data, size, true);
		if (w1.n != w2.n || w1.sum_caplen != w2.sum_caplen || w1.sum_ts != w2.sum_ts ||
		    w1.sum_first != w2.sum_first || w1.end != w2.end)
			abort();
		w2 = fuzz_walk(mw, data, size, false);
		if (w1.n != w2.n || w1.sum_caplen != w2.sum_caplen || w1.sum_ts != w2.sum_ts ||
		    w1.sum_first != w2.sum_first || w1.end != w2.end)
			abort();
	} else if (r != -ENOTSUP && err[0] == '\0') {
		abort(); /* a refusal says why */
	}

	/* The same bytes through libpcap. */
	/* fmemopen takes a non-const buffer; opened "rb" it only reads it */
	fp = size ? fmemopen((void *)(uintptr_t)data, size, "rb") : NULL;
	if (fp) {
		p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, pcap_err);
		if (!p)
			fclose(fp);
	}
	d = pmd_compare(p, pcap_err, r, m, err);
	if (d.status == PMD_DIFFER) {
		fprintf(stderr, "fuzz_pcapmap: libpcap and cap_map differ: %s\n", d.why);
		abort();
	}
	if (p)
		pcap_close(p); /* closes fp */
	cap_map_close(m);
	cap_map_close(mw);
	return 0;
}
