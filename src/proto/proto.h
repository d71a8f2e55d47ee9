/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parser registry: which parser sees which bytes. Each parser is one
 * file in this folder exporting one hk_parse_fn named proto_<name>_parse;
 * registry.c lists how it is reached (UDP/TCP ports, ethertype, LLC/SNAP,
 * nDPI protocol names) and, for TCP, how its stream is framed.
 */
#ifndef HERKOMST_PROTO_H
#define HERKOMST_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/parser.h"

#define PROTO_PORTS_MAX 8
#define PROTO_NDPI_MAX 4

enum proto_transport {
	PROTO_L2 = 0, /* by ethertype, or LLC/SNAP */
	PROTO_UDP,
	PROTO_TCP,
};

struct proto_entry {
	const char *name;                  /* "dhcp": the counter and evidence prefix */
	hk_parse_fn parse;
	enum proto_transport transport;
	uint16_t ports[PROTO_PORTS_MAX];   /* UDP/TCP: either port of the packet; 0 ends */
	uint16_t ethertype;                /* PROTO_L2 */
	uint32_t snap_oui;                 /* PROTO_L2 via LLC/SNAP (ethertype 0) */
	uint16_t snap_pid;
	const char *ndpi[PROTO_NDPI_MAX];  /* nDPI names that route a flow here on any port */
	bool ndpi_blind;                   /* nDPI 4.2 has no dissector for the protocol: a flow this
					      parser has understood is not fed to nDPI any more (its
					      answer could only be a wrong name or Unknown) */
	enum hk_framing framing;           /* TCP */
	uint32_t window;                   /* TCP: bytes kept per direction; banner mode: the window from the
					      stream start (<= HK_STREAM_WINDOW_MAX); framed: at least the
					      largest PDU to read (at most 64 KiB) */
};

extern const struct proto_entry proto_table[];
extern const size_t proto_count;

/* Lookups; NULL when no parser wants it. */
const struct proto_entry *proto_for_ethertype(uint16_t ethertype);
const struct proto_entry *proto_for_snap(uint32_t oui, uint16_t pid);
const struct proto_entry *proto_for_port(enum proto_transport t, uint16_t sport, uint16_t dport);
const struct proto_entry *proto_for_ndpi(enum proto_transport t, const char *ndpi_name);
size_t proto_index(const struct proto_entry *e);

/* The parsers (one per file). */
enum hk_parse_result proto_opcua_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_fins_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_melsec_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_enip_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_bacnet_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_pndcp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_iso_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_s7comm_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_mms_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_goose_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_modbus_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_dnp3_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_iec104_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_tls_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_snmp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
/* (none yet: the fingerprint issues add them here and in registry.c) */
enum hk_parse_result proto_dhcp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_dhcpv6_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_lldp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_cdp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_mdns_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_llmnr_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_nbns_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_ssdp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_http_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_ssh_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_ftp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_telnet_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);
enum hk_parse_result proto_smtp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out);

#endif
