/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCPv6 (UDP 546 client, 547 server and relay agent).
 *
 * References: RFC 8415 (DHCPv6, November 2018) sections 8 (client/server
 * message format), 9 (relay agent/server message format), 11 (DUIDs), 21.1
 * (option format), 21.2 (1 client identifier), 21.4 (3 IA_NA), 21.6 (5 IA
 * address), 21.7 (6 option request), 21.10 (9 relay message), 21.16 (16
 * vendor class), 21.17 (17 vendor-specific information), 7.6 (HOP_COUNT_LIMIT);
 * RFC 6355 (DUID-UUID); RFC 4704 section 4 (39 client FQDN); CableLabs
 * CL-SP-CANN-DHCP-Reg (enterprise 4491: the sub-options of option 17, 2-byte
 * code and length, that a cable modem names itself with).
 *
 *   client/server message:
 *   +--------+--------+--------+--------+
 *   |msg-type|      transaction-id      |   then options to the end
 *   +--------+--------+--------+--------+
 *   relay message (12 Relay-forw, 13 Relay-repl):
 *   +--------+--------+------------------------+------------------------+
 *   |msg-type|hop-cnt | link-address (16)      | peer-address (16)      | options
 *   +--------+--------+------------------------+------------------------+
 *   option:  code (2) | len (2) | data (len)        option 9 holds the relayed message
 *   DUID:    type (2), then 1 LLT: hwtype (2) time (4) link-layer address;
 *            2 EN: enterprise (4) identifier; 3 LL: hwtype (2) link-layer
 *            address; 4 UUID: uuid (16)
 *
 * Identity: the observations are about the CLIENT. A message straight from a
 * client (Solicit, Request, Confirm, Renew, Rebind, Release, Decline,
 * Information-request) is about its sender (side SRC), one straight from a
 * server (Advertise, Reply, Reconfigure) about its receiver (side DST): the
 * packet's own addresses are the best evidence there is. The MAC inside a
 * DUID-LL/LLT is not used for them: a DUID-LLT is made once from whichever
 * interface was there first and then kept, so it often names another (or a
 * cloned machine's) interface — iti_addroute.pcapng frame 98 is sent by
 * b8:ae:ed:7e:1b:4c with a DUID-LLT of 00:21:5c:c3:05:be. Inside relay
 * messages the packet's ends are a relay and a server, so there the client is
 * named by its DUID's Ethernet address (hwtype 1) or, without one, by the
 * innermost peer-address when that is a global unicast address; otherwise the
 * client observations are dropped. The role and nothing else is about the
 * sender, when it is a server (Advertise, Reply, Reconfigure, Relay-repl).
 * Limitation: a relay agent that hands a Relay-repl's Reply on to the client
 * looks exactly like a server, so the role may land on such a relay.
 *
 * Observations (source → kind, confidence), about the client:
 *   dhcpv6.duid → RAW 50 (the client DUID as hex), dhcpv6.duid_enterprise →
 *   RAW 50 (DUID-EN), dhcpv6.fqdn → HOSTNAME 75 (60 in a server's message),
 *   dhcpv6.vendor_class → SOFTWARE 50 (its data items joined by ","),
 *   dhcpv6.vendor_class_enterprise → RAW 50, dhcpv6.oro → RAW 50
 *   ("23,24,39"), dhcpv6.vendor_opts → RAW 50 (enterprise of option 17),
 *   dhcpv6.cablelabs_vendor → VENDOR 70, dhcpv6.cablelabs_model → MODEL 70,
 *   dhcpv6.cablelabs_serial → SERIAL 70, dhcpv6.cablelabs_sw_version →
 *   FIRMWARE 70, dhcpv6.iaaddr → IP 90 (Reply); about the server (side
 *   SRC): dhcpv6.server → ROLE "dhcp-server" 60. Options 6, 16 and 17 are
 *   read from client messages only.
 *
 * Decisions:
 * - The first byte must be a known message type (1..DHCPV6_TYPE_LAST), else
 *   NOMATCH.
 * - Relay messages are walked down to the relayed client/server message, at
 *   most DHCPV6_RELAY_DEPTH_MAX levels; the relay's own options (interface-id,
 *   remote-id, its vendor options) are not about the client and are skipped.
 *   A relay message without option 9, or nested deeper, is MALFORMED.
 * - Two passes: the first checks the framing of every option of the message
 *   read; only then does the second emit, so TRUNCATED or MALFORMED never
 *   comes with observations. An option running past the datagram is
 *   TRUNCATED; one running past an enclosing option (option 9) is MALFORMED.
 *   A contradiction inside one option (an odd ORO length, a bad FQDN label)
 *   only drops that option's observations.
 * - Options 1, 6, 16 and 39: the first instance wins. 3 (IA_NA) and 17 may
 *   repeat and are all read.
 * - Addresses are claimed (IP, dhcpv6.iaaddr) only from a Reply's IA_NA with
 *   a valid lifetime above zero; temporary addresses (IA_TA) are not.
 *
 * Hostile input: every length and count through the cursor and bounded by a
 * *_MAX below; a sub-cursor per option, per DUID, per sub-option; the relay
 * walk is a bounded loop, not recursion; nothing is allocated.
 */
#include <stdio.h>
#include <string.h>

#include "proto/proto.h"
#include "proto/strbuf.h"

#define DHCPV6_TYPE_LAST 37u       /* the last type assigned (ADDR-REG-REPLY, RFC 9686) */
#define DHCPV6_OPTIONS_MAX 128u    /* options of one message (and of one IA) */
#define DHCPV6_RELAY_DEPTH_MAX 8u  /* RFC 8415 HOP_COUNT_LIMIT */
#define DHCPV6_ORO_MAX 64u         /* codes in option 6 */
#define DHCPV6_DUID_MAX 130u       /* type + 128 bytes (RFC 8415 section 11.1) */
#define DHCPV6_VENDOR_CLASS_MAX 8u /* vendor-class-data items in option 16 */
#define DHCPV6_IAADDR_MAX 8u       /* addresses claimed from one message */
#define DHCPV6_SUBOPTS_MAX 64u     /* sub-options of one option 17 */
#define DHCPV6_FQDN_LABELS_MAX 127u

#define DHCPV6_ENT_CABLELABS 4491u

#define CONF_FQDN 75
#define CONF_FQDN_REPLY 60
#define CONF_FINGERPRINT 50
#define CONF_SOFTWARE 50
#define CONF_IAADDR 90
#define CONF_ROLE 60
#define CONF_CABLELABS 70

enum {
	MSG_RELAY_FORW = 12,
	MSG_RELAY_REPL = 13,
	MSG_REPLY = 7,
};

enum {
	OPT_CLIENTID = 1,
	OPT_IA_NA = 3,
	OPT_IAADDR = 5,
	OPT_ORO = 6,
	OPT_RELAY_MSG = 9,
	OPT_VENDOR_CLASS = 16,
	OPT_VENDOR_OPTS = 17,
	OPT_FQDN = 39,
};

struct v6_emit {
	struct hk_obs_sink *out;
	int type;
	bool client_msg;  /* sent by the client */
	bool server_side; /* the sender is a server */
	bool relayed;     /* the client is not an end of this packet */
	enum hk_side side; /* unrelayed: where the client is */
	bool has_subject;  /* relayed: subj names the client */
	struct hk_endpoint subj;
	unsigned n_iaaddr;
	bool seen_duid, seen_oro, seen_vclass, seen_fqdn;
};

/* --- framing -------------------------------------------------------------- */

/*
 * Checks that opts is a whole number of options, at most DHCPV6_OPTIONS_MAX;
 * returns the first option 9 in *ret_relay and the first option 1 in
 * *ret_duid (either may be NULL). short_read is the verdict for an option
 * that runs past the end.
 */
static enum hk_parse_result check_options(struct hk_cur opts, enum hk_parse_result short_read,
					  struct hk_cur *ret_relay, struct hk_cur *ret_duid)
{
	unsigned n = 0;
	bool have_relay = false, have_duid = false;

	while (hk_cur_left(&opts)) {
		uint16_t code = hk_cur_be16(&opts);
		uint16_t len = hk_cur_be16(&opts);
		struct hk_cur o = hk_cur_sub(&opts, len);

		if (!hk_cur_ok(&opts))
			return short_read;
		if (++n > DHCPV6_OPTIONS_MAX)
			return HK_PARSE_MALFORMED;
		if (code == OPT_RELAY_MSG && ret_relay && !have_relay) {
			*ret_relay = o;
			have_relay = true;
		} else if (code == OPT_CLIENTID && ret_duid && !have_duid) {
			*ret_duid = o;
			have_duid = true;
		}
	}
	if (ret_relay && !have_relay)
		return HK_PARSE_MALFORMED; /* RFC 8415 9: a relay message carries one */
	return HK_PARSE_OK;
}

/* --- option values -------------------------------------------------------- */

/* An RFC 1035 wire-format name without compression, possibly partial. */
static bool read_wire_name(struct hk_cur *c, char *dst, size_t dstsz)
{
	struct sb b;
	unsigned n_labels = 0;

	sb_init(&b, dst, dstsz);
	while (hk_cur_left(c)) {
		char label[HK_OBS_VALUE_MAX];
		uint8_t len = hk_cur_u8(c);
		struct hk_cur l;

		if (len == 0)
			break;
		if (len > 63 || ++n_labels > DHCPV6_FQDN_LABELS_MAX)
			return false;
		l = hk_cur_sub(c, len);
		if (!hk_cur_ok(c))
			return false;
		hk_cur_str(&l, len, label, sizeof(label));
		if (n_labels > 1)
			sb_add(&b, ".");
		sb_add(&b, label);
	}
	return hk_cur_ok(c);
}

static bool hex_value(struct hk_cur o, size_t max, char *dst, size_t dstsz)
{
	struct sb b;
	size_t n = hk_cur_left(&o);

	if (n == 0 || n > max)
		return false;
	sb_init(&b, dst, dstsz);
	for (size_t i = 0; i < n; i++) {
		char hex[4];
		snprintf(hex, sizeof(hex), i ? ":%02x" : "%02x", hk_cur_u8(&o));
		sb_add(&b, hex);
	}
	return hk_cur_ok(&o) && !b.full;
}

/* The Ethernet address inside a DUID-LLT or DUID-LL, if there is one. */
static bool duid_mac(struct hk_cur d, uint8_t mac[6])
{
	uint16_t type = hk_cur_be16(&d);
	uint16_t hwtype;

	if (type != 1 && type != 3)
		return false;
	hwtype = hk_cur_be16(&d);
	if (type == 1)
		hk_cur_skip(&d, 4); /* time */
	if (!hk_cur_ok(&d) || hwtype != 1 || hk_cur_left(&d) != 6)
		return false;
	return hk_cur_copy(&d, mac, 6);
}

/* --- emitting -------------------------------------------------------------- */

static void emit_client(const struct v6_emit *e, enum hk_obs_kind kind, uint8_t conf, const char *source,
			const char *value)
{
	if (!e->relayed)
		hk_obs_emit(e->out, kind, e->side, conf, source, value);
	else if (e->has_subject)
		hk_obs_emit_about(e->out, kind, &e->subj, conf, source, value);
}

static void opt_duid(struct v6_emit *e, struct hk_cur o)
{
	char v[HK_OBS_VALUE_MAX];
	struct hk_cur d = o;

	if (hex_value(o, DHCPV6_DUID_MAX, v, sizeof(v)))
		emit_client(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcpv6.duid", v);
	if (hk_cur_be16(&d) == 2) {
		uint32_t ent = hk_cur_be32(&d);
		if (hk_cur_ok(&d)) {
			snprintf(v, sizeof(v), "%lu", (unsigned long)ent);
			emit_client(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcpv6.duid_enterprise", v);
		}
	}
}

static void opt_oro(struct v6_emit *e, struct hk_cur o)
{
	char v[HK_OBS_VALUE_MAX];
	struct sb b;
	size_t n = hk_cur_left(&o);

	if (n % 2 || n / 2 > DHCPV6_ORO_MAX)
		return;
	sb_init(&b, v, sizeof(v));
	for (size_t i = 0; i < n / 2; i++) {
		if (i)
			sb_add(&b, ",");
		sb_addu(&b, hk_cur_be16(&o));
	}
	if (hk_cur_ok(&o) && !b.full)
		emit_client(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcpv6.oro", v);
}

/* enterprise (4), then vendor-class-data items: len (2) data (len). */
static void opt_vendor_class(struct v6_emit *e, struct hk_cur o)
{
	char v[HK_OBS_VALUE_MAX];
	struct sb b;
	struct hk_cur w;
	uint32_t ent = hk_cur_be32(&o);
	unsigned n = 0;

	if (!hk_cur_ok(&o))
		return;
	for (w = o; hk_cur_left(&w);) {
		hk_cur_skip(&w, hk_cur_be16(&w));
		if (!hk_cur_ok(&w) || ++n > DHCPV6_VENDOR_CLASS_MAX)
			return;
	}
	sb_init(&b, v, sizeof(v));
	while (hk_cur_left(&o)) {
		char item[HK_OBS_VALUE_MAX];
		hk_cur_str(&o, hk_cur_be16(&o), item, sizeof(item));
		if (!item[0])
			continue;
		if (b.len)
			sb_add(&b, ",");
		sb_add(&b, item);
	}
	emit_client(e, HK_OBS_SOFTWARE, CONF_SOFTWARE, "dhcpv6.vendor_class", v);
	snprintf(v, sizeof(v), "%lu", (unsigned long)ent);
	emit_client(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcpv6.vendor_class_enterprise", v);
}

/* CableLabs device identification (CL-SP-CANN-DHCP-Reg, CL_OPTION_*). */
static void cablelabs(struct v6_emit *e, struct hk_cur d)
{
	while (hk_cur_left(&d)) {
		char v[HK_OBS_VALUE_MAX];
		uint16_t code = hk_cur_be16(&d);
		struct hk_cur s = hk_cur_sub(&d, hk_cur_be16(&d));

		hk_cur_str(&s, hk_cur_left(&s), v, sizeof(v));
		switch (code) {
		case 4:
			emit_client(e, HK_OBS_SERIAL, CONF_CABLELABS, "dhcpv6.cablelabs_serial", v);
			break;
		case 6:
			emit_client(e, HK_OBS_FIRMWARE, CONF_CABLELABS, "dhcpv6.cablelabs_sw_version", v);
			break;
		case 9:
			emit_client(e, HK_OBS_MODEL, CONF_CABLELABS, "dhcpv6.cablelabs_model", v);
			break;
		case 10:
			emit_client(e, HK_OBS_VENDOR, CONF_CABLELABS, "dhcpv6.cablelabs_vendor", v);
			break;
		default:
			break;
		}
	}
}

/* enterprise (4), then sub-options: code (2) len (2) data (len). */
static void opt_vendor_opts(struct v6_emit *e, struct hk_cur o)
{
	char v[16];
	struct hk_cur w;
	uint32_t ent = hk_cur_be32(&o);
	unsigned n = 0;

	if (!hk_cur_ok(&o))
		return;
	snprintf(v, sizeof(v), "%lu", (unsigned long)ent);
	emit_client(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcpv6.vendor_opts", v);
	if (ent != DHCPV6_ENT_CABLELABS)
		return;
	for (w = o; hk_cur_left(&w);) {
		hk_cur_skip(&w, 2);
		hk_cur_skip(&w, hk_cur_be16(&w));
		if (!hk_cur_ok(&w) || ++n > DHCPV6_SUBOPTS_MAX)
			return;
	}
	cablelabs(e, o);
}

static void opt_fqdn(struct v6_emit *e, struct hk_cur o)
{
	char name[HK_OBS_VALUE_MAX];

	hk_cur_skip(&o, 1); /* flags */
	if (!hk_cur_ok(&o) || !read_wire_name(&o, name, sizeof(name)))
		return;
	emit_client(e, HK_OBS_HOSTNAME, e->client_msg ? CONF_FQDN : CONF_FQDN_REPLY, "dhcpv6.fqdn", name);
}

/* IAID (4) T1 (4) T2 (4), then options; 5 is addr (16) preferred (4) valid (4). */
static void opt_ia_na(struct v6_emit *e, struct hk_cur o)
{
	hk_cur_skip(&o, 12);
	if (!hk_cur_ok(&o) || check_options(o, HK_PARSE_MALFORMED, NULL, NULL) != HK_PARSE_OK)
		return;
	while (hk_cur_left(&o)) {
		uint16_t code = hk_cur_be16(&o);
		struct hk_cur a = hk_cur_sub(&o, hk_cur_be16(&o));
		struct hk_addr ip = {.family = 6};
		char buf[HK_ADDR_STRLEN];
		uint32_t valid;

		if (code != OPT_IAADDR)
			continue;
		hk_cur_copy(&a, ip.a, 16);
		hk_cur_skip(&a, 4); /* preferred lifetime */
		valid = hk_cur_be32(&a);
		if (!hk_cur_ok(&a) || valid == 0 || !hk_addr_is_unicast(&ip))
			continue;
		if (++e->n_iaaddr > DHCPV6_IAADDR_MAX)
			return;
		emit_client(e, HK_OBS_IP, CONF_IAADDR, "dhcpv6.iaaddr", hk_addr_fmt(&ip, buf));
	}
}

static void emit_options(struct v6_emit *e, struct hk_cur opts)
{
	while (hk_cur_left(&opts)) {
		uint16_t code = hk_cur_be16(&opts);
		struct hk_cur o = hk_cur_sub(&opts, hk_cur_be16(&opts));

		switch (code) {
		case OPT_CLIENTID:
			if (!e->seen_duid)
				opt_duid(e, o);
			e->seen_duid = true;
			break;
		case OPT_ORO:
			if (e->client_msg && !e->seen_oro)
				opt_oro(e, o);
			e->seen_oro = true;
			break;
		case OPT_VENDOR_CLASS:
			if (e->client_msg && !e->seen_vclass)
				opt_vendor_class(e, o);
			e->seen_vclass = true;
			break;
		case OPT_VENDOR_OPTS:
			/* in a reply these configure the client; they describe nobody */
			if (e->client_msg)
				opt_vendor_opts(e, o);
			break;
		case OPT_FQDN:
			if (!e->seen_fqdn)
				opt_fqdn(e, o);
			e->seen_fqdn = true;
			break;
		case OPT_IA_NA:
			if (e->type == MSG_REPLY)
				opt_ia_na(e, o);
			break;
		default:
			break;
		}
	}
}

static bool type_from_client(unsigned type)
{
	/* Solicit, Request, Confirm, Renew, Rebind, Release, Decline, Information-request */
	return type == 1 || type == 3 || type == 4 || type == 5 || type == 6 || type == 8 || type == 9 ||
	       type == 11;
}

static bool type_from_server(unsigned type)
{
	/* Advertise, Reply, Reconfigure */
	return type == 2 || type == 7 || type == 10;
}

enum hk_parse_result proto_dhcpv6_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct hk_cur msg = hk_cur_rest(c), opts, duid = {0};
	struct v6_emit e = {.out = out};
	struct hk_addr peer = {0};
	unsigned type, outer, depth = 0;
	bool have_duid = false;
	enum hk_parse_result r;

	(void)ctx;
	type = outer = hk_cur_peek_u8(&msg, 0);
	if (!hk_cur_ok(&msg))
		return HK_PARSE_TRUNCATED;
	if (type == 0 || type > DHCPV6_TYPE_LAST)
		return HK_PARSE_NOMATCH;

	/* down the relay messages to what the client or server said */
	while (type == MSG_RELAY_FORW || type == MSG_RELAY_REPL) {
		enum hk_parse_result short_read = depth ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
		struct hk_cur inner;

		if (++depth > DHCPV6_RELAY_DEPTH_MAX)
			return HK_PARSE_MALFORMED;
		hk_cur_skip(&msg, 1 + 1 + 16); /* type, hop count, link-address */
		peer.family = 6;
		hk_cur_copy(&msg, peer.a, 16);
		if (!hk_cur_ok(&msg))
			return short_read;
		r = check_options(hk_cur_rest(&msg), short_read, &inner, NULL);
		if (r != HK_PARSE_OK)
			return r;
		msg = inner;
		type = hk_cur_peek_u8(&msg, 0);
		if (!hk_cur_ok(&msg) || type == 0 || type > DHCPV6_TYPE_LAST)
			return HK_PARSE_MALFORMED;
	}

	hk_cur_skip(&msg, 4); /* type, transaction id */
	if (!hk_cur_ok(&msg))
		return depth ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
	opts = hk_cur_rest(&msg);
	r = check_options(opts, depth ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED, NULL, &duid);
	if (r != HK_PARSE_OK)
		return r;
	have_duid = duid.base != NULL;

	e.type = (int)type;
	e.client_msg = type_from_client(type);
	e.relayed = depth > 0;
	e.server_side = depth ? outer == MSG_RELAY_REPL : type_from_server(type);
	if (!e.client_msg && !type_from_server(type))
		return HK_PARSE_OK; /* leasequery, DHCPv4-over-DHCPv6, ...: no client named here */
	e.side = e.client_msg ? HK_SIDE_SRC : HK_SIDE_DST;
	if (e.relayed) {
		if (have_duid && duid_mac(duid, e.subj.mac)) {
			e.has_subject = e.subj.has_mac = true;
		} else if (hk_addr_is_unicast(&peer) && !hk_addr_is_linklocal(&peer)) {
			e.has_subject = true;
			e.subj.ip = peer;
		}
	}
	emit_options(&e, opts);
	if (e.server_side && type_from_server(type))
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_ROLE, "dhcpv6.server", "dhcp-server");
	return HK_PARSE_OK;
}
