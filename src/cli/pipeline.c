/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpi/dpi.h"

/* Confidence of nDPI's verdicts as evidence for a device's services. */
#define CONF_NDPI 80
#define CONF_NDPI_GUESS 40
#define CONF_PORT_ONLY 30

static void drain(struct pipeline *pl, const struct hk_endpoint *ep, uint64_t ts)
{
	for (size_t i = 0; i < pl->sink.n; i++) {
		struct hk_obs *o = &pl->sink.v[i];
		o->subject = ep[o->side];
		o->ts_usec = ts;
		inv_obs(pl->inv, o);
	}
	pl->obs_dropped += pl->sink.n_dropped;
	pl->sink.n = 0;
	pl->sink.n_dropped = 0;
}

/* What a decided flow says about its two ends. */
static void flow_report(struct pipeline *pl, struct flow *f)
{
	struct hk_endpoint ep[2];
	char value[HK_OBS_VALUE_MAX];
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
	if (!unknown)
		hk_obs_emit(&pl->sink, HK_OBS_CLIENT, HK_SIDE_SRC, conf, src, f->proto_name);
	/* a service is claimed only for a server that answered */
	if (f->ep_sent[srv]) {
		snprintf(value, sizeof(value), "%s/%u/%s", flow_proto_l4_name(f->key.proto), flow_server_port(f),
			 unknown ? "Unknown" : f->proto_name);
		hk_obs_emit(&pl->sink, HK_OBS_SERVICE, HK_SIDE_DST, unknown ? CONF_PORT_ONLY : conf,
			    unknown ? "flow" : src, value);
	}
	drain(pl, ep, f->first_seen);
}

static void on_flow_end(struct flow *f, void *userdata)
{
	struct pipeline *pl = userdata;
	if (f->dpi_state == FLOW_DPI_PENDING) {
		dpi_giveup(pl->dpi, f);
		flow_report(pl, f);
	}
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
	pl->inv = inv_new(o ? &o->inv : NULL);
	pl->ft = flow_table_new(o ? o->flows_max : 0, o ? o->flow_idle_usec : 0, on_flow_end, pl);
	if (!pl->inv || !pl->ft) {
		snprintf(errbuf, errsz, "out of memory");
		return pipeline_free(pl);
	}
	return pl;
}

struct pipeline *pipeline_free(struct pipeline *pl)
{
	if (!pl)
		return NULL;
	/* flows end before the nDPI module they point into */
	flow_table_free(pl->ft);
	inv_free(pl->inv);
	dpi_free(pl->dpi);
	free(pl);
	return NULL;
}

int pipeline_frame(struct pipeline *pl, const struct cap_frame *fr)
{
	struct hk_pkt p;
	struct flow *f;
	int dir;
	bool is_new;

	if (decode_frame(fr->linktype, fr->data, fr->caplen, fr->wirelen, fr->ts_usec, &p, &pl->dstats) < 0)
		return -1;
	pl->packets++;
	pl->bytes += fr->wirelen;
	inv_packet(pl->inv, &p);
	flow_table_expire(pl->ft, p.ts_usec);
	f = flow_table_get(pl->ft, &p, &dir, &is_new);
	if (f && f->dpi_state == FLOW_DPI_PENDING && p.l3_base && p.l3_len &&
	    !(p.flags & HK_PKT_F_FRAGMENT && !(p.flags & HK_PKT_F_FRAG_FIRST))) {
		if (dpi_process(pl->dpi, f, &p))
			flow_report(pl, f);
	}
	return 0;
}

void pipeline_finish(struct pipeline *pl)
{
	flow_table_flush(pl->ft);
}
