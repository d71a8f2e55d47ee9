/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the capture module only: the source structure that capture.c (files)
 * and live.c (interfaces) share, so both kinds of source go through one
 * cap_next() and one cap_close().
 */
#ifndef HERKOMST_CAPTURE_INT_H
#define HERKOMST_CAPTURE_INT_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "capture/pcapmap.h"

#define CAP_ERR_MAX 1024
#define CAP_SNIFF_LEN 8 /* bytes shown in the "not a capture file" message */
#define CAP_FILE_BUFFER (1u << 20) /* stdio buffer of a capture file */

struct cap_cookie {
	int fd;
	uint8_t head[CAP_SNIFF_LEN];
	size_t head_len, head_off;
	uint64_t delivered; /* bytes handed to stdio: progress for pipes */
};

struct cap_source {
	pcap_t *pcap;               /* NULL with herkomst's reader, or AF_PACKET */
	struct cap_map *map;        /* a file read by herkomst's reader (pcapmap.h) */
	struct cap_map_it *it;      /* its iterator, for cap_next */
	struct cap_cookie *cookie; /* owned by the FILE when set */
	char *iobuf;               /* the FILE's buffer (CAP_FILE_BUFFER), freed after it */
	char *name;                /* for messages: the path, "standard input", or the interface */
	const char *format;
	int linktype;
	uint64_t bytes_total;
	uint64_t n_frames;
	enum cap_next_result state; /* CAP_FRAME while reading; sticky after */
	char err[CAP_ERR_MAX];

	/* live interfaces (live.c) */
	bool live;
	int fd;                     /* selectable; -1 for files */
	uint32_t st_raw[3];         /* libpcap's 32-bit counters as last read */
	uint64_t st_sum[3];         /* the same, accumulated across wraps */

	/* AF_PACKET sources (afpacket.c); pcap is NULL for them */
	struct cap_afp *afp;
};

/* afpacket.c, for capture.c and live.c: the AF_PACKET side of cap_next,
 * cap_live_stats and cap_close. */
enum cap_next_result cap_afp_next(struct cap_source *s, struct cap_frame *ret_frame);
int cap_afp_stats(struct cap_source *s, struct cap_live_stats *ret);
void cap_afp_close(struct cap_source *s);

#endif
