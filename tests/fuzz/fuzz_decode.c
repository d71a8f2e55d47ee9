/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: whole frames through decode_frame(). The first input byte
 * picks the link type (modulo the table, so every byte value is useful); the
 * rest is the frame. Besides crashes and sanitizer reports it checks the
 * contract of struct hk_pkt: every borrowed region lies inside the frame and
 * is read byte by byte, so a region that points astray is a report too.
 */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>

#include "decode/decode.h"
#include "herkomst/cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int fuzz_linktypes[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, 101 /* LINKTYPE_RAW */,
	DLT_IPV4,   DLT_IPV6,      DLT_NULL,       DLT_LOOP,
	DLT_PPP, /* not supported: must be refused and counted */
};
#define FUZZ_N_LINKTYPES (sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0]))

static volatile uint8_t fuzz_sink;

/* Aborts unless [p, p+len) lies within [frame, frame+frame_len); reads it all. */
static void fuzz_check_region(const uint8_t *frame, size_t frame_len, const uint8_t *p, size_t len)
{
	uintptr_t lo = (uintptr_t)frame, at = (uintptr_t)p;
	struct hk_cur c;
	uint8_t x = 0;

	if (!p) {
		if (len)
			abort();
		return;
	}
	if (at < lo || at - lo > frame_len || len > frame_len - (at - lo))
		abort();
	c = hk_cur_init(p, len);
	while (hk_cur_left(&c))
		x ^= hk_cur_u8(&c);
	fuzz_sink = x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hk_cur in = hk_cur_init(data, size);
	struct decode_stats st = {.frames = 0};
	struct hk_pkt pkt;
	const uint8_t *frame;
	size_t len;
	uint8_t sel;
	int lt, r;

	sel = hk_cur_u8(&in);
	if (!hk_cur_ok(&in))
		return 0;
	len = hk_cur_left(&in);
	if (len > UINT32_MAX)
		return 0;
	frame = hk_cur_view(&in, len);
	lt = fuzz_linktypes[sel % FUZZ_N_LINKTYPES];

	r = decode_frame(lt, frame, (uint32_t)len, (uint32_t)len, 1, &pkt, &st);
	if (st.frames != 1 || (r != 0 && r != -1))
		abort();
	if ((r == -1) != !decode_linktype_supported(lt))
		abort();
	if (r == -1 && st.events[DEC_EV_LINKTYPE_UNSUPPORTED] != 1)
		abort();
	if (pkt.n_vlan > HK_VLAN_MAX)
		abort();
	if (pkt.has_l4 && pkt.l3 != HK_L3_IPV4 && pkt.l3 != HK_L3_IPV6)
		abort();
	if ((pkt.l3 == HK_L3_IPV4 || pkt.l3 == HK_L3_IPV6) && !pkt.l3_base)
		abort();
	fuzz_check_region(frame, len, pkt.l2_payload, pkt.l2_len);
	fuzz_check_region(frame, len, pkt.l3_base, pkt.l3_len);
	fuzz_check_region(frame, len, pkt.payload, pkt.payload_len);
	/* an IP packet's payload lies within its IP datagram */
	if (pkt.l3_base && pkt.payload)
		fuzz_check_region(pkt.l3_base, pkt.l3_len, pkt.payload, pkt.payload_len);
	return 0;
}
