/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Observations: plain values that cross from packet work (workers, parsers)
 * to the inventory. A parser says what it saw and about which side of the
 * packet (sender or receiver); the pipeline stamps the subject's addresses
 * and the time. The inventory keeps every observation as evidence.
 */
#ifndef HERKOMST_OBS_H
#define HERKOMST_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/packet.h"

enum hk_obs_kind {
	HK_OBS_VENDOR = 0, /* manufacturer named by the device itself */
	HK_OBS_PRODUCT,
	HK_OBS_MODEL,
	HK_OBS_FIRMWARE,
	HK_OBS_SERIAL,
	HK_OBS_HOSTNAME,
	HK_OBS_OS,
	HK_OBS_ROLE,     /* router, switch, plc, hmi, ... */
	HK_OBS_SERVICE,  /* a protocol the subject serves (value: nDPI name) */
	HK_OBS_CLIENT,   /* a protocol the subject uses as a client */
	HK_OBS_IP,       /* the subject owns this address (ARP, DHCP) */
	HK_OBS_RAW,      /* a fingerprint (DHCP option list, JA3, JA4), kept for analysts */
	HK_OBS_SOFTWARE, /* a self-description to match signatures against: Server:, SSH banner, sysDescr */
	HK_OBS__MAX
};

/* Which endpoint of the packet an observation describes. */
enum hk_side {
	HK_SIDE_SRC = 0,
	HK_SIDE_DST = 1,
	HK_SIDE_OTHER = 2, /* the parser names the subject itself (hk_obs_emit_about) */
};

#define HK_OBS_VALUE_MAX 256  /* bytes, including the NUL; values are escaped */
#define HK_OBS_SOURCE_MAX 48  /* "proto.field", e.g. "dhcp.hostname" */
#define HK_OBS_PER_PACKET_MAX 32

/* Whom an observation is about: what the pipeline knows of one endpoint. */
struct hk_endpoint {
	bool has_mac;
	uint8_t mac[6];
	struct hk_addr ip; /* family 0 when none */
};

struct hk_obs {
	enum hk_obs_kind kind;
	enum hk_side side;
	uint8_t confidence; /* 0..100 */
	struct hk_endpoint subject; /* stamped by the pipeline */
	uint64_t ts_usec;           /* stamped by the pipeline */
	char source[HK_OBS_SOURCE_MAX];
	char value[HK_OBS_VALUE_MAX];
};

/* A bounded, caller-owned array that a parser appends to. */
struct hk_obs_sink {
	struct hk_obs *v;
	size_t n;
	size_t cap;
	uint64_t n_dropped; /* emits past cap */
};

/*
 * Appends one observation. value is copied (cut at HK_OBS_VALUE_MAX-1 bytes;
 * callers pass escaped strings). Empty values are ignored. Returns false when
 * the sink is full (counted) or the value is empty.
 */
bool hk_obs_emit(struct hk_obs_sink *s, enum hk_obs_kind kind, enum hk_side side,
		 uint8_t confidence, const char *source, const char *value);

/* Like hk_obs_emit, about a subject the parser names (DHCP chaddr, ...):
 * side HK_SIDE_OTHER, and the pipeline leaves the subject alone. */
bool hk_obs_emit_about(struct hk_obs_sink *s, enum hk_obs_kind kind, const struct hk_endpoint *subject,
		       uint8_t confidence, const char *source, const char *value);

/* A parser that emits while it walks a message and then finds the message
 * contradicts itself takes back what it said: a mark before, a rewind after. */
struct hk_obs_mark {
	size_t n;
	uint64_t n_dropped;
};

static inline struct hk_obs_mark hk_obs_sink_mark(const struct hk_obs_sink *s)
{
	return (struct hk_obs_mark){.n = s->n, .n_dropped = s->n_dropped};
}

static inline void hk_obs_sink_rewind(struct hk_obs_sink *s, struct hk_obs_mark m)
{
	s->n = m.n;
	s->n_dropped = m.n_dropped;
}

const char *hk_obs_kind_name(enum hk_obs_kind k);
/* the attribute name used in evidence (manufacturer, model, ...) */
const char *hk_obs_attribute(enum hk_obs_kind k);

#endif
