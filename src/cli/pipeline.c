/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "dpi/dpi.h"
#include "flow/stream.h"
#include "proto/proto.h"

/* Confidence of nDPI's verdicts as evidence for a device's services. */
#define CONF_NDPI 80
#define CONF_NDPI_GUESS 40
#define CONF_PORT_ONLY 30

/* The memo set of an origin: who said the observations (a flow direction,
 * an L2 sender); 0 for none. */
static struct pipeline_obs_memo *memo_set(struct pipeline *pl, uint64_t origin)
{
	if (!origin)
		return NULL;
	origin *= 0x9e3779b97f4a7c15ull;
	return &pl->obs_memo[(origin >> 40) & (PIPELINE_OBS_MEMO_SETS - 1)];
}

/* A flow direction as a memo origin. */
static uint64_t flow_origin(const struct flow *f, int dir)
{
	return (uint64_t)(uintptr_t)f | (uint64_t)(dir & 1);
}

/*
 * Stamps the sink's observations and hands them to the inventory. With an
 * origin (the parsers that run per PDU or datagram), one that repeats an
 * observation the origin made lately is counted through the memo: a
 * compare instead of three hashed strings and a lookup.
 */
static void drain(struct pipeline *pl, const struct hk_endpoint *ep, uint64_t ts, uint64_t origin)
{
	struct pipeline_obs_memo *m = memo_set(pl, origin);

	for (size_t i = 0; i < pl->sink.n; i++) {
		struct hk_obs *o = &pl->sink.v[i];
		uint64_t sh, vh;
		size_t w;

		if (o->side != HK_SIDE_OTHER)
			o->subject = ep[o->side];
		o->ts_usec = ts;
		if (!m) {
			inv_obs(pl->inv, o);
			continue;
		}
		/* an entry of another kind, or whose source or value differs in
		 * its first 8 bytes, is passed over without a call, and without
		 * reading its evidence (a cache miss when it was counted a while
		 * ago) */
		sh = inv_str_head(o->source);
		vh = inv_str_head(o->value);
		for (w = 0; w < PIPELINE_OBS_MEMO_WAYS; w++) {
			const struct inv_obs_ref *r = &m->ref[w];
			if (r->kind == o->kind && r->source_head == sh && r->value_head == vh &&
			    inv_obs_again(r, o))
				break;
		}
		if (w < PIPELINE_OBS_MEMO_WAYS)
			continue;
		w = m->next;
		if (inv_obs_ref(pl->inv, o, &m->ref[w]))
			m->next = (uint8_t)((w + 1) % PIPELINE_OBS_MEMO_WAYS);
	}
	pl->obs_dropped += pl->sink.n_dropped;
	pl->sink.n = 0;
	pl->sink.n_dropped = 0;
}

static bool is_external(const struct hk_addr *a)
{
	return hk_addr_is_unicast(a) && !hk_addr_is_private(a) && !hk_addr_is_linklocal(a);
}

/*
 * A flow between a local device and an external host (a public address) is
 * evidence for criterion 3A: "out 203.0.113.77 tcp/443 TLS" on the local side
 * when it connected out, "in ..." when the external host connected in.
 */
static void peer_report(struct pipeline *pl, const struct flow *f, const struct hk_endpoint ep[2], int srv)
{
	char v[HK_OBS_VALUE_MAX], ip[HK_ADDR_STRLEN], num[HK_U64_STRLEN];
	const char *name = f->proto_name[0] ? f->proto_name : "Unknown";

	for (int side = HK_SIDE_SRC; side <= HK_SIDE_DST; side++) {
		const struct hk_endpoint *me = &ep[side], *other = &ep[1 - side];
		size_t n = 0;

		if (!is_external(&other->ip) || is_external(&me->ip))
			continue;
		/* "%s %s %s/%u %s" without snprintf (once per flow, 1,400
		 * instructions a value): the same bytes, the same cut */
		hk_str_cat(v, sizeof(v), &n, side == HK_SIDE_SRC ? "out " : "in ");
		hk_str_cat(v, sizeof(v), &n, hk_addr_fmt(&other->ip, ip));
		hk_str_cat(v, sizeof(v), &n, " ");
		hk_str_cat(v, sizeof(v), &n, flow_proto_l4_name(f->key.proto));
		hk_str_cat(v, sizeof(v), &n, "/");
		hk_str_cat(v, sizeof(v), &n, hk_u64_text(f->key.port[srv], num));
		hk_str_cat(v, sizeof(v), &n, " ");
		hk_str_cat(v, sizeof(v), &n, name);
		hk_obs_emit(&pl->sink, HK_OBS_RAW, (enum hk_side)side, 50, "flow.peer", v);
	}
}

/* What a decided flow says about its two ends. */
static void flow_report(struct pipeline *pl, struct flow *f)
{
	struct hk_endpoint ep[2];
	char value[HK_OBS_VALUE_MAX], num[HK_U64_STRLEN];
	int srv;
	bool unknown = strcmp(f->proto_name, "Unknown") == 0 || !f->proto_name[0];
	const char *src = f->dpi_guessed ? "ndpi.guess" : "ndpi";
	uint8_t conf = f->dpi_guessed ? CONF_NDPI_GUESS : CONF_NDPI;

	if (f->client < 0 || (f->key.proto != 6 && f->key.proto != 17))
		return;
	srv = 1 - f->client;
	/* the subject of side SRC is the client, DST the server */
	ep[HK_SIDE_SRC] = f->ep[f->client];
	ep[HK_SIDE_DST] = f->ep[srv];
	if (!unknown && !f->reported_client) {
		hk_obs_emit(&pl->sink, HK_OBS_CLIENT, HK_SIDE_SRC, conf, src, f->proto_name);
		f->reported_client = true;
	}
	/* a service is claimed only for a server that answered: when nDPI decided
	 * on the first request, that is known only later (at the latest when the
	 * flow ends) */
	if (f->ep_sent[srv] && !f->reported_service) {
		size_t n = 0;

		f->reported_service = true;
		/* "%s/%u/%s" */
		hk_str_cat(value, sizeof(value), &n, flow_proto_l4_name(f->key.proto));
		hk_str_cat(value, sizeof(value), &n, "/");
		hk_str_cat(value, sizeof(value), &n, hk_u64_text(flow_server_port(f), num));
		hk_str_cat(value, sizeof(value), &n, "/");
		hk_str_cat(value, sizeof(value), &n, unknown ? "Unknown" : f->proto_name);
		hk_obs_emit(&pl->sink, HK_OBS_SERVICE, HK_SIDE_DST, unknown ? CONF_PORT_ONLY : conf,
			    unknown ? "flow" : src, value);
	}
	if (!f->reported_peer) {
		peer_report(pl, f, ep, srv);
		f->reported_peer = true;
	}
	drain(pl, ep, f->first_seen, 0);
}

static void count_result(struct pipeline *pl, const struct proto_entry *e, enum hk_parse_result r);
static void flow_result(struct pipeline *pl, struct flow *f, const struct proto_entry *e, enum hk_parse_result r);
static struct hk_parse_ctx stream_ctx(const struct flow *f, int dir, uint64_t ts);
static void stream_endpoints(const struct flow *f, int dir, struct hk_endpoint ep[2]);

/* A banner still waiting for bytes when its flow ends is all there will be. */
static void flush_banners(struct pipeline *pl, struct flow *f)
{
	const struct proto_entry *e = f->parser;

	if (!e || e->framing != HK_FRAME_NONE)
		return;
	for (int dir = 0; dir < 2; dir++) {
		struct flow_stream *s = f->stream[dir];
		struct hk_endpoint ep[2];
		struct hk_cur c;
		enum hk_parse_result r;
		struct hk_parse_ctx ctx = stream_ctx(f, dir, f->last_seen);

		if (!s || f->parse_done[dir] || !s->len)
			continue;
		ctx.final = true;
		stream_endpoints(f, dir, ep);
		c = hk_cur_init(s->buf, s->len);
		r = e->parse(&c, &ctx, &pl->sink);
		flow_result(pl, f, e, r);
		drain(pl, ep, ctx.ts_usec, 0);
		f->parse_done[dir] = true;
	}
}

static void on_flow_end(struct flow *f, void *userdata)
{
	struct pipeline *pl = userdata;

	flush_banners(pl, f);
	/* understood at the end (its last PDU, a banner flushed): not nDPI's */
	if (f->parser_understood)
		dpi_flow_skip(f);
	else if (f->dpi_state == FLOW_DPI_PENDING)
		dpi_giveup(pl->dpi, f);
	flow_report(pl, f);
	dpi_flow_release(f);
}

struct pipeline *pipeline_new(const struct pipeline_opts *o, char *errbuf, size_t errsz)
{
	struct pipeline *pl = calloc(1, sizeof(*pl));
	if (!pl) {
		snprintf(errbuf, errsz, "out of memory");
		return NULL;
	}
	pl->sink.v = pl->obs_buf;
	pl->sink.cap = HK_OBS_PER_PACKET_MAX;
	pl->dpi = dpi_new(errbuf, errsz);
	if (!pl->dpi)
		return pipeline_free(pl);
	pl->dpi_left_to_exit = o && o->dpi_left_to_exit;
	pl->inv = inv_new(o ? &o->inv : NULL);
	pl->flow_idle_usec = o && o->flow_idle_usec ? o->flow_idle_usec : FLOW_IDLE_USEC_DEFAULT;
	pl->ft = flow_table_new(o ? o->flows_max : 0, pl->flow_idle_usec, on_flow_end, pl);
	if (!pl->inv || !pl->ft) {
		snprintf(errbuf, errsz, "out of memory");
		return pipeline_free(pl);
	}
	return pl;
}

static void pipeline_release_dpi_module(struct pipeline *pl)
{
	if (pl->dpi_left_to_exit)
		dpi_leave_to_exit(pl->dpi);
	else
		dpi_free(pl->dpi);
	pl->dpi = NULL;
}

struct pipeline *pipeline_free(struct pipeline *pl)
{
	if (!pl)
		return NULL;
	/* flows end before the nDPI module they point into */
	flow_table_free(pl->ft);
	inv_free(pl->inv);
	pipeline_release_dpi_module(pl);
	free(pl);
	return NULL;
}

static void packet_endpoints(const struct hk_pkt *p, struct hk_endpoint ep[2])
{
	memset(ep, 0, 2 * sizeof(*ep));
	ep[HK_SIDE_SRC].has_mac = p->has_mac;
	memcpy(ep[HK_SIDE_SRC].mac, p->src_mac, 6);
	ep[HK_SIDE_SRC].ip = p->src_ip;
	ep[HK_SIDE_DST].has_mac = p->has_dst_mac && !hk_mac_is_multicast(p->dst_mac);
	memcpy(ep[HK_SIDE_DST].mac, p->dst_mac, 6);
	ep[HK_SIDE_DST].ip = p->dst_ip;
}

static void count_result(struct pipeline *pl, const struct proto_entry *e, enum hk_parse_result r)
{
	size_t i = proto_index(e);
	if (i < PIPELINE_PARSERS_MAX && (unsigned)r < HK_PARSE__MAX)
		pl->parse_results[i][r]++;
}

/* Runs a parser and hands its observations to the inventory; the caller
 * counts the result once it is final. */
static enum hk_parse_result run_parser(struct pipeline *pl, const struct proto_entry *e, struct hk_cur *c,
				       const struct hk_parse_ctx *ctx, const struct hk_endpoint ep[2], uint64_t origin)
{
	enum hk_parse_result r = e->parse(c, ctx, &pl->sink);
	drain(pl, ep, ctx->ts_usec, origin);
	return r;
}

/* A banner parser that needs more bytes will see these again from the start
 * of the window: what it said so far is dropped, not counted twice. */
static void discard(struct pipeline *pl)
{
	pl->sink.n = 0;
	pl->sink.n_dropped = 0;
}

static enum hk_parse_result parse_datagram(struct pipeline *pl, const struct proto_entry *e,
					   const struct hk_pkt *p, const uint8_t *data, size_t len,
					   const struct flow *f, int dir)
{
	struct hk_endpoint ep[2];
	struct hk_cur c = hk_cur_init(data, len);
	struct hk_parse_ctx ctx = {
		.l4 = p->l3 == HK_L3_IPV4 || p->l3 == HK_L3_IPV6 ? p->ip_proto : 0,
		.sport = p->sport,
		.dport = p->dport,
		.from_client = f && f->client == dir,
		.client_known = f && f->client >= 0,
		.ethertype = p->ethertype,
		.src_ip = p->src_ip,
		.dst_ip = p->dst_ip,
		.ndpi = f ? f->proto_name : "",
		.ts_usec = p->ts_usec,
	};
	uint64_t origin = 0;
	enum hk_parse_result r;

	if (f)
		origin = flow_origin(f, dir);
	else if (p->has_mac)
		origin = 1ull << 63 | (uint64_t)p->src_mac[0] << 40 | (uint64_t)p->src_mac[1] << 32 |
			 (uint64_t)p->src_mac[2] << 24 | (uint64_t)p->src_mac[3] << 16 |
			 (uint64_t)p->src_mac[4] << 8 | p->src_mac[5];
	packet_endpoints(p, ep);
	r = run_parser(pl, e, &c, &ctx, ep, origin);
	count_result(pl, e, r);
	return r;
}

/*
 * A parser of a protocol nDPI has no dissector for (ndpi_blind) understood
 * the flow's bytes: from now on nDPI is not asked about the flow (packet(),
 * on_flow_end). Its answer could only be Unknown, or a wrong name from a
 * dissector that took the bytes for its own: nDPI 4.2 calls Omron FINS over
 * UDP "RTP" (its first byte, 0x80, is RTP's version 2). Understood is the
 * parser's HK_PARSE_OK: its header checks passed (FINS: ICF's reserved
 * bits, RSV 0, GCT <= 7, a known MRC); the weakest is a MELSOFT search,
 * four fixed bytes (docs/parsers.md).
 */
static void note_understood(struct flow *f, const struct proto_entry *e, enum hk_parse_result r)
{
	if (r == HK_PARSE_OK && e->ndpi_blind)
		f->parser_understood = true;
}

/* A final parse result of a flow's bytes: counted, and noted (above). */
static void flow_result(struct pipeline *pl, struct flow *f, const struct proto_entry *e, enum hk_parse_result r)
{
	count_result(pl, e, r);
	note_understood(f, e, r);
}

/*
 * The parser picked by port said the bytes are not its protocol (TLS on 8888,
 * which the HTTP parser owns): if nDPI names another protocol with a parser,
 * hand the flow to it, with the bytes kept so far. Returns true when the flow
 * changed hands (or lost its parser); false to keep the verdict as it is.
 */
static bool reroute(struct pipeline *pl, struct flow *f)
{
	const struct proto_entry *old = f->parser, *e;

	if (!f->parser_by_port)
		return false;
	f->parser_by_port = false;
	e = f->proto_name[0] ? proto_for_ndpi(PROTO_TCP, f->proto_name) : NULL;
	if (e == old)
		return false;
	if (!e || e->framing != HK_FRAME_NONE) {
		/* nothing yet (or a framed protocol that must start at a PDU): let
		 * nDPI's verdict pick later, from the next bytes on */
		f->parser = NULL;
		f->parser_by_ndpi_checked = false;
		for (int d = 0; d < 2; d++) {
			f->stream[d] = stream_free(f->stream[d]);
			f->parse_done[d] = false;
		}
		return true;
	}
	f->parser = e;
	f->parser_by_ndpi_checked = true;
	for (int d = 0; d < 2; d++) {
		uint32_t cap = e->window ? e->window : HK_STREAM_WINDOW_MAX;
		if (f->stream[d]) {
			struct flow_stream *n = stream_resize(f->stream[d], cap);
			if (n)
				f->stream[d] = n;
		}
		f->parse_done[d] = false;
	}
	(void)pl;
	return true;
}

/* The endpoints of a stream direction: SRC is its sender. */
static void stream_endpoints(const struct flow *f, int dir, struct hk_endpoint ep[2])
{
	ep[HK_SIDE_SRC] = f->ep[dir];
	ep[HK_SIDE_DST] = f->ep[1 - dir];
}

static void stream_done(struct pipeline *pl, struct flow *f, int dir)
{
	struct flow_stream *s = f->stream[dir];
	if (s && s->gap)
		pl->stream_gaps++;
	if (s && s->full)
		pl->stream_full++;
	f->parse_done[dir] = true;
	f->stream[dir] = stream_free(s);
}

/* What a parser is told about a stream direction's bytes. */
static struct hk_parse_ctx stream_ctx(const struct flow *f, int dir, uint64_t ts)
{
	return (struct hk_parse_ctx){
		.l4 = 6,
		.sport = f->key.port[dir],
		.dport = f->key.port[1 - dir],
		.from_client = f->client == dir,
		.client_known = f->client >= 0,
		.src_ip = f->ep[dir].ip,
		.dst_ip = f->ep[1 - dir].ip,
		.ndpi = f->proto_name,
		.ts_usec = ts,
	};
}

/* One whole PDU of a framed stream, where it lies. */
static void stream_pdu(struct pipeline *pl, struct flow *f, int dir, const struct hk_parse_ctx *ctx,
		       const struct hk_endpoint ep[2], const uint8_t *data, size_t n)
{
	const struct proto_entry *e = f->parser;
	struct hk_cur c = hk_cur_init(data, n);
	flow_result(pl, f, e, run_parser(pl, e, &c, ctx, ep, flow_origin(f, dir)));
}

/*
 * Runs the flow's parser over what direction dir holds. Banner mode: the
 * window from the stream start, again each time it grows, until the parser
 * decides or no more bytes can come (final). Framed: every whole PDU.
 */
static void run_stream(struct pipeline *pl, struct flow *f, int dir, uint64_t ts)
{
	const struct proto_entry *e = f->parser;
	struct flow_stream *s = f->stream[dir];
	struct hk_endpoint ep[2];
	struct hk_parse_ctx ctx;

	if (!e || !s || f->parse_done[dir])
		return;
	ctx = stream_ctx(f, dir, ts);
	stream_endpoints(f, dir, ep);
	if (e->framing == HK_FRAME_NONE) {
		struct hk_cur c = hk_cur_init(s->buf, s->len);
		enum hk_parse_result r;

		ctx.final = s->full || s->gap;
		r = e->parse(&c, &ctx, &pl->sink);
		if (r == HK_PARSE_TRUNCATED && !ctx.final) {
			discard(pl);
			return; /* wait for more of the banner */
		}
		if (r == HK_PARSE_NOMATCH && reroute(pl, f)) {
			discard(pl);
			/* the new parser reads what both directions hold so far */
			for (int d = 0; d < 2; d++)
				run_stream(pl, f, d == 0 ? dir : 1 - dir, ts);
			return;
		}
		drain(pl, ep, ts, 0);
		flow_result(pl, f, e, r);
	} else {
		long n;
		while ((n = stream_pdu_len(s, e->framing)) > 0) {
			stream_pdu(pl, f, dir, &ctx, ep, s->buf, (size_t)n);
			stream_consume(s, (size_t)n);
		}
		if (n == 0 && !s->gap)
			return; /* a PDU is still coming */
	}
	stream_done(pl, f, dir);
}

/* Feeds one TCP segment's payload to the flow's parser, through its stream. */
static void parse_tcp(struct pipeline *pl, struct flow *f, const struct hk_pkt *p, int dir)
{
	const struct proto_entry *e = f->parser;
	struct flow_stream *s;

	if (f->parse_done[dir] || !p->payload_len)
		return;
	s = f->stream[dir];
	if (!s) {
		uint32_t cap = e->window ? e->window : HK_STREAM_WINDOW_MAX;
		s = f->stream[dir] = stream_new(cap);
		if (!s) {
			f->parse_done[dir] = true;
			return;
		}
	}
	/*
	 * The common case of a framed protocol: in order, nothing held, and the
	 * segment whole PDUs (a Modbus request or reply, an S7 job). They are
	 * parsed where they lie, without the copy into the stream's buffer and
	 * its malloc and free per PDU: the same PDUs in the same order, and the
	 * same stream state after (stream_whole_pdus).
	 */
	if (e->framing != HK_FRAME_NONE &&
	    stream_whole_pdus(s, p->tcp_seq, (p->tcp_flags & HK_TCP_SYN) != 0, p->payload, p->payload_len,
			      e->framing)) {
		struct hk_parse_ctx ctx = stream_ctx(f, dir, p->ts_usec);
		struct hk_endpoint ep[2];
		size_t off = 0;

		stream_endpoints(f, dir, ep);
		for (long n; off < p->payload_len &&
			     (n = stream_pdu_len_at(s, p->payload + off, p->payload_len - off, e->framing)) > 0;
		     off += (size_t)n)
			stream_pdu(pl, f, dir, &ctx, ep, p->payload + off, (size_t)n);
		stream_took(s, p->tcp_seq, p->payload_len);
		return;
	}
	/*
	 * A framed stream may fill up in the middle of a segment: parse the whole
	 * PDUs it holds (which frees room), then take the rest of the segment
	 * (stream_add skips what it already has). Bounded: a segment is at most
	 * 64 KiB and each round frees at least one PDU or ends the stream.
	 */
	for (int round = 0; round < 64; round++) {
		size_t added = stream_add(s, p->tcp_seq, (p->tcp_flags & HK_TCP_SYN) != 0, p->payload,
					  p->payload_len);
		if (added == 0 && !s->gap && round == 0)
			return;
		run_stream(pl, f, dir, p->ts_usec);
		s = f->stream[dir];
		if (!s || f->parse_done[dir] || e->framing == HK_FRAME_NONE || added == 0)
			break;
	}
}

/* The parser for a flow's ports: its server port first when the client is
 * known (a client's ephemeral port can be lower than the service port). */
static const struct proto_entry *by_port(enum proto_transport t, const struct hk_pkt *p, const struct flow *f)
{
	const struct proto_entry *e = NULL;
	uint16_t srv = flow_server_port(f);

	if (srv && f->client_basis != FLOW_CLIENT_FIRST)
		e = proto_for_port(t, srv, srv);
	return e ? e : proto_for_port(t, p->sport, p->dport);
}

/*
 * A UDP flow's parser by its ports, looked up once per flow: the ports are
 * the flow's (by_port takes either order), and a UDP flow's client is
 * decided by its first packet, for good (no SYN can come).
 */
static const struct proto_entry *udp_parser_by_port(const struct hk_pkt *p, struct flow *f)
{
	if (!f->parser_checked) {
		f->parser_checked = true;
		f->parser = by_port(PROTO_UDP, p, f);
	}
	return f->parser;
}

static void dispatch(struct pipeline *pl, const struct hk_pkt *p, struct flow *f, int dir)
{
	const struct proto_entry *e;

	if (p->l3 == HK_L3_OTHER) {
		if (p->ethertype)
			e = proto_for_ethertype(p->ethertype);
		else if (p->flags & HK_PKT_F_SNAP)
			e = proto_for_snap(p->snap_oui, p->snap_pid);
		else
			e = NULL;
		if (e && p->l2_payload)
			parse_datagram(pl, e, p, p->l2_payload, p->l2_len, NULL, 0);
		return;
	}
	if (!p->has_l4 || !f)
		return;
	if (p->ip_proto == 17 && p->payload_len) {
		/* the parser by port, else by nDPI's name once it is done */
		e = udp_parser_by_port(p, f);
		if (!e && !f->parser_by_ndpi_checked && f->dpi_state == FLOW_DPI_DONE) {
			f->parser_by_ndpi_checked = true;
			f->parser = e = proto_for_ndpi(PROTO_UDP, f->proto_name);
		}
		if (e)
			note_understood(f, e, parse_datagram(pl, e, p, p->payload, p->payload_len, f, dir));
		return;
	}
	if (p->ip_proto != 6)
		return;
	if (!f->parser_checked) {
		f->parser_checked = true;
		f->parser = by_port(PROTO_TCP, p, f);
		f->parser_by_port = f->parser != NULL;
	}
	/* nDPI names the protocol as soon as it knows, often on the very packet
	 * (a ClientHello) the parser needs; it may keep dissecting after that */
	if (!f->parser && !f->parser_by_ndpi_checked && f->proto_name[0]) {
		f->parser_by_ndpi_checked = true;
		f->parser = proto_for_ndpi(PROTO_TCP, f->proto_name);
	}
	if (f->parser)
		parse_tcp(pl, f, p, dir);
}

/* A flow keeps its ends' inventory nodes as opaque pointers (the flow
 * table knows nothing of the inventory, docs/style.md). */
static void station_get(struct inv_station *s, void *const slot[3])
{
	s->mac = slot[0];
	s->ip = slot[1];
	s->assoc = slot[2];
}

static void station_put(void *slot[3], const struct inv_station *s)
{
	slot[0] = s->mac;
	slot[1] = s->ip;
	slot[2] = s->assoc;
}

static void packet(struct pipeline *pl, const struct hk_pkt *p, uint64_t epoch, uint64_t now_usec)
{
	const struct proto_entry *e;
	struct flow *f;
	int dir = 0;
	bool is_new, parse, parse_first;

	pl->packets++;
	pl->bytes += p->wirelen;
	flow_table_advance(pl->ft, epoch, now_usec);
	f = flow_table_get(pl->ft, p, &dir, &is_new);
	/* after the flow lookup (the flows that ended meanwhile said what they
	 * said first: the inventory does not depend on that order while no cap
	 * is reached), so that a flow's packets count into the nodes it keeps */
	if (!f) {
		inv_packet(pl->inv, p);
	} else {
		struct inv_station snd, rcv;

		station_get(&snd, f->inv_ep[dir]);
		station_get(&rcv, f->inv_ep[1 - dir]);
		if (!inv_packet_again(pl->inv, p, &snd, &rcv)) {
			inv_packet_ref(pl->inv, p, &snd, &rcv);
			station_put(f->inv_ep[dir], &snd);
			station_put(f->inv_ep[1 - dir], &rcv);
		}
	}
	parse = !(p->flags & HK_PKT_F_FRAGMENT) || (p->flags & HK_PKT_F_FRAG_FIRST);
	/*
	 * A UDP datagram to the parser of a protocol nDPI cannot name goes to
	 * the parser first: if it understands it, nDPI is not run on it at all
	 * (a sweep of single-datagram MELSOFT flows was a quarter of the packets
	 * nDPI was fed on the bench, docs/performance.md). Other packets reach
	 * nDPI first, as its name may pick the parser for this very packet.
	 */
	parse_first = parse && f && p->has_l4 && p->ip_proto == 17 && p->payload_len &&
		      f->dpi_state == FLOW_DPI_PENDING &&
		      (e = udp_parser_by_port(p, f)) && e->ndpi_blind;
	if (parse_first)
		dispatch(pl, p, f, dir);
	if (f && f->dpi_state == FLOW_DPI_PENDING && p->l3_base && p->l3_len &&
	    !(p->flags & HK_PKT_F_FRAGMENT && !(p->flags & HK_PKT_F_FRAG_FIRST))) {
		if (f->parser_understood) {
			dpi_flow_skip(f);
			flow_report(pl, f);
		} else if (dpi_process(pl->dpi, f, p)) {
			flow_report(pl, f);
		}
	}
	if (parse && !parse_first)
		dispatch(pl, p, f, dir);
}

int pipeline_frame(struct pipeline *pl, const struct cap_frame *fr)
{
	struct hk_pkt p;

	if (decode_frame(fr->linktype, fr->data, fr->caplen, fr->wirelen, fr->ts_usec, &p, &pl->dstats) < 0)
		return -1;
	flow_clock_advance(&pl->clock, fr->ts_usec, pl->flow_idle_usec);
	packet(pl, &p, pl->clock.epoch, pl->clock.now);
	return 0;
}

int pipeline_frame_at(struct pipeline *pl, const struct cap_frame *fr, uint64_t epoch, uint64_t now_usec)
{
	struct hk_pkt p;

	if (decode_frame(fr->linktype, fr->data, fr->caplen, fr->wirelen, fr->ts_usec, &p, &pl->dstats) < 0)
		return -1;
	packet(pl, &p, epoch, now_usec);
	return 0;
}

void pipeline_totals_add(struct pipeline_totals *t, const struct pipeline *pl)
{
	struct pipeline_totals one = {
		.packets = pl->packets,
		.bytes = pl->bytes,
		.obs_dropped = pl->obs_dropped,
		.stream_gaps = pl->stream_gaps,
		.stream_full = pl->stream_full,
		.dstats = pl->dstats,
		.flows = *flow_table_stats(pl->ft),
	};

	memcpy(one.parse_results, pl->parse_results, sizeof(one.parse_results));
	pipeline_totals_sum(t, &one);
}

void pipeline_finish(struct pipeline *pl)
{
	flow_table_flush(pl->ft);
}

void pipeline_finish_at(struct pipeline *pl, uint64_t epoch, uint64_t now_usec)
{
	flow_table_advance(pl->ft, epoch, now_usec);
	flow_table_flush(pl->ft);
}

void pipeline_release_dpi(struct pipeline *pl)
{
	flow_table_flush(pl->ft); /* flows point into the module */
	pipeline_release_dpi_module(pl);
}

void pipeline_totals_sum(struct pipeline_totals *t, const struct pipeline_totals *add)
{
	t->packets += add->packets;
	t->bytes += add->bytes;
	t->obs_dropped += add->obs_dropped;
	t->stream_gaps += add->stream_gaps;
	t->stream_full += add->stream_full;
	t->dstats.frames += add->dstats.frames;
	for (size_t i = 0; i < DEC_EV__MAX; i++)
		t->dstats.events[i] += add->dstats.events[i];
	t->flows.created += add->flows.created;
	t->flows.expired += add->flows.expired;
	t->flows.evicted += add->flows.evicted;
	t->flows.flushed += add->flows.flushed;
	t->flows.active += add->flows.active;
	t->flows.peak_active += add->flows.peak_active;
	for (size_t i = 0; i < PIPELINE_PARSERS_MAX; i++)
		for (size_t k = 0; k < HK_PARSE__MAX; k++)
			t->parse_results[i][k] += add->parse_results[i][k];
}
