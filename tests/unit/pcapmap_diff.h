/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One capture read twice, by libpcap (pcap_next_ex, microsecond precision,
 * as capture.c reads files) and by cap_map, and the two sequences compared:
 * the same open or refusal, then frame by frame the timestamp, caplen, len,
 * link type and bytes, then the same end (clean, cut short, refused) after
 * the same number of frames. Used by pcapmap_equiv.c over the shared
 * captures and by fuzz_pcapmap.c over every input the fuzzer makes.
 */
#ifndef HERKOMST_PCAPMAP_DIFF_H
#define HERKOMST_PCAPMAP_DIFF_H

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "capture/pcapmap.h"

enum pmd_status {
	PMD_SAME = 0,     /* both read it, identically (or both refused it at open) */
	PMD_DIFFER = 1,   /* why says where */
	PMD_NOTSUP = 2,   /* cap_map leaves it to libpcap (-ENOTSUP), libpcap reads it */
};

struct pmd_result {
	enum pmd_status status;
	bool both_refused;        /* neither opened it */
	unsigned long frames;     /* compared */
	enum cap_next_result end; /* cap_map's */
	char why[1024];
};

/* libpcap's end as cap_next() words it. */
static inline enum cap_next_result pmd_pcap_end(pcap_t *p, int r)
{
	if (r == PCAP_ERROR_BREAK)
		return CAP_EOF;
	if (r == PCAP_ERROR && strncmp(pcap_geterr(p), "truncated", 9) == 0)
		return CAP_ETRUNCATED;
	return CAP_EERROR;
}

/*
 * p: libpcap's handle on the capture (NULL when libpcap refused it at open,
 * pcap_err then says why); map_r and m: cap_map's open result. Consumes
 * neither.
 */
static inline struct pmd_result pmd_compare(pcap_t *p, const char *pcap_err, int map_r, const struct cap_map *m,
					    const char *map_err)
{
	struct pmd_result res = {.status = PMD_SAME, .end = CAP_EOF};
	struct cap_map_it *it;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct cap_frame f;
	int lt, r;

	if (!p) {
		if (map_r == 0) {
			snprintf(res.why, sizeof(res.why), "libpcap refuses it at open (%.400s), cap_map opens it",
				 pcap_err);
			res.status = PMD_DIFFER;
		} else
			res.both_refused = true;
		return res;
	}
	if (map_r == -ENOTSUP) {
		res.status = PMD_NOTSUP;
		return res;
	}
	if (map_r < 0) {
		snprintf(res.why, sizeof(res.why), "libpcap opens it, cap_map refuses it at open (%d: %.400s)", map_r,
			 map_err);
		res.status = PMD_DIFFER;
		return res;
	}
	lt = pcap_datalink(p);
	if (lt != cap_map_linktype(m)) {
		snprintf(res.why, sizeof(res.why), "link type: libpcap %d, cap_map %d", lt, cap_map_linktype(m));
		res.status = PMD_DIFFER;
		return res;
	}
	it = malloc(sizeof(*it));
	if (!it) {
		snprintf(res.why, sizeof(res.why), "out of memory");
		res.status = PMD_DIFFER;
		return res;
	}
	cap_map_it_init(it, m);
	for (;;) {
		enum cap_next_result mr = cap_map_next(it, &f), pr;

		r = pcap_next_ex(p, &h, &data);
		if (r != 1 || mr != CAP_FRAME) {
			pr = r == 1 ? CAP_FRAME : pmd_pcap_end(p, r);
			res.end = mr;
			if (pr != mr) {
				snprintf(res.why, sizeof(res.why),
					 "after %lu frames: libpcap %d (%.300s), cap_map %d (%.400s)", res.frames, (int)pr,
					 r == 1 ? "a frame" : pcap_geterr(p), (int)mr,
					 mr == CAP_FRAME ? "a frame" : cap_map_it_error(it));
				res.status = PMD_DIFFER;
			} else if (mr != CAP_EOF && cap_map_it_error(it)[0] == '\0') {
				snprintf(res.why, sizeof(res.why), "after %lu frames: cap_map ends %d with no message",
					 res.frames, (int)mr);
				res.status = PMD_DIFFER;
			}
			break;
		}
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;

		if (ts != f.ts_usec || h->caplen != f.caplen || h->len != f.wirelen || f.linktype != lt ||
		    (h->caplen && memcmp(data, f.data, h->caplen) != 0)) {
			snprintf(res.why, sizeof(res.why),
				 "frame %lu: libpcap ts %llu caplen %u len %u, cap_map ts %llu caplen %u len %u "
				 "linktype %d%s",
				 res.frames + 1, (unsigned long long)ts, h->caplen, h->len,
				 (unsigned long long)f.ts_usec, f.caplen, f.wirelen, f.linktype,
				 ts == f.ts_usec && h->caplen == f.caplen && h->len == f.wirelen ? " (bytes differ)"
												 : "");
			res.status = PMD_DIFFER;
			break;
		}
		res.frames++;
	}
	cap_map_it_release(it);
	free(it);
	return res;
}

#endif
