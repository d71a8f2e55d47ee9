/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "flow/stream.h"

#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"

#define STREAM_ALLOC_MIN 256u /* the first buffer of a stream: a whole Modbus PDU */

struct flow_stream *stream_new(uint32_t cap)
{
	struct flow_stream *s;
	if (cap == 0 || cap > 65536 + 16)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s)
		s->cap = cap;
	return s;
}

struct flow_stream *stream_free(struct flow_stream *s)
{
	if (s)
		free(s->buf);
	free(s);
	return NULL;
}

/* Room for need bytes (need <= cap); false when memory ran out. */
static bool reserve(struct flow_stream *s, size_t need)
{
	size_t n = s->alloc ? s->alloc : STREAM_ALLOC_MIN;
	uint8_t *b;

	if (need <= s->alloc)
		return true;
	while (n < need)
		n *= 2;
	if (n > s->cap)
		n = s->cap;
	b = realloc(s->buf, n);
	if (!b)
		return false;
	s->buf = b;
	s->alloc = (uint32_t)n;
	return true;
}

size_t stream_add(struct flow_stream *s, uint32_t seq, bool syn, const uint8_t *data, size_t len)
{
	uint32_t start = syn ? seq + 1 : seq;
	size_t skip = 0, room;

	if (!s->seq_known) {
		s->next_seq = start;
		s->seq_known = true;
	}
	if (syn && len == 0)
		return 0;
	if (s->gap || len == 0)
		return 0;
	/* serial-number arithmetic: the segment starts before, at or after next_seq */
	if ((int32_t)(start - s->next_seq) > 0) {
		s->gap = true;
		return 0;
	}
	skip = (uint32_t)(s->next_seq - start);
	if (skip >= len)
		return 0; /* a pure retransmission */
	data += skip;
	len -= skip;
	room = s->cap - s->len;
	if (len > room) {
		len = room;
		s->full = true;
	}
	if (!reserve(s, s->len + len)) {
		/* out of memory: the stream ends where its buffer does */
		len = s->alloc - s->len;
		s->full = true;
		if (len == 0)
			return 0;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += (uint32_t)len;
	if (s->len == s->cap)
		s->full = true; /* exactly filled: no byte more will fit */
	s->next_seq += (uint32_t)len;
	s->total += len;
	return len;
}

struct flow_stream *stream_resize(struct flow_stream *s, uint32_t cap)
{
	if (cap <= s->cap)
		return s;
	if (cap > 65536 + 16)
		return NULL;
	/* the buffer grows when bytes need it */
	s->cap = cap;
	s->full = false;
	return s;
}

/* stream_pdu_len over data[0..len), with a window of cap */
static long pdu_len(const uint8_t *data, size_t len, uint32_t cap, enum hk_framing f)
{
	struct hk_cur c = hk_cur_init(data, len);
	long need;

	switch (f) {
	case HK_FRAME_TPKT: {
		uint8_t v = hk_cur_u8(&c);
		hk_cur_u8(&c);
		need = hk_cur_be16(&c);
		if (c.err)
			return 0;
		/* RFC 1006: a TPKT holds at least a 3-byte TPDU header */
		if (v != 3 || need < 7)
			return -1;
		break;
	}
	case HK_FRAME_MBAP:
		hk_cur_skip(&c, 2);
		if (hk_cur_be16(&c) != 0 && !c.err)
			return -1; /* protocol identifier 0 = Modbus */
		need = (long)hk_cur_be16(&c) + 6;
		if (c.err)
			return 0;
		if (need < 8)
			return -1;
		break;
	case HK_FRAME_ENIP:
		hk_cur_skip(&c, 2);
		need = (long)hk_cur_le16(&c) + 24;
		if (c.err)
			return 0;
		break;
	case HK_FRAME_TLS: {
		uint8_t type = hk_cur_u8(&c);
		hk_cur_skip(&c, 2);
		need = (long)hk_cur_be16(&c) + 5;
		if (c.err)
			return 0;
		if (type < 20 || type > 24)
			return -1;
		break;
	}
	case HK_FRAME_BE32:
		need = (long)hk_cur_be32(&c) + 4;
		if (c.err)
			return 0;
		break;
	default:
		return -1;
	}
	if (need > (long)cap)
		return -1; /* a PDU we could never hold */
	return need <= (long)len ? need : 0;
}

long stream_pdu_len(const struct flow_stream *s, enum hk_framing f)
{
	return pdu_len(s->buf, s->len, s->cap, f);
}

long stream_pdu_len_at(const struct flow_stream *s, const uint8_t *data, size_t len, enum hk_framing f)
{
	return pdu_len(data, len, s->cap, f);
}

bool stream_whole_pdus(const struct flow_stream *s, uint32_t seq, bool syn, const uint8_t *data, size_t len,
		       enum hk_framing f)
{
	size_t off = 0;

	/* with SYN the data starts at seq + 1: left to stream_add */
	if (syn || s->len || s->gap || len == 0 || (s->seq_known && seq != s->next_seq))
		return false;
	while (off < len) {
		long n = pdu_len(data + off, len - off, s->cap, f);

		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

void stream_took(struct flow_stream *s, uint32_t seq, size_t len)
{
	/* what stream_add and a stream_consume of each PDU leave: the bytes
	 * counted, nothing held, not full, no buffer */
	s->seq_known = true;
	s->next_seq = seq + (uint32_t)len;
	s->total += len;
}

void stream_consume(struct flow_stream *s, size_t n)
{
	if (n >= s->len) {
		s->len = 0;
		s->full = false;
		free(s->buf);
		s->buf = NULL;
		s->alloc = 0;
		return;
	}
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= (uint32_t)n;
	s->full = false;
}
