/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCP and BOOTP for IPv4 (UDP 67 server, 68 client).
 *
 * References: RFC 2131 (DHCP, March 1997) sections 2 (message format) and
 * 4.1 (relay agents and giaddr; options, then file, then sname); RFC 2132
 * (options) sections 3.2 (end), 3.14 (12 host name), 9.3 (52 overload), 9.6
 * (53 message type), 9.7 (54 server identifier), 9.8 (55 parameter request
 * list), 9.13 (60 vendor class), 9.14 (61 client identifier); RFC 951
 * (BOOTP); RFC 3004 (77 user class); RFC 4702 section 2 (81 client FQDN);
 * RFC 3925 section 4 (125 V-I vendor-specific information); Broadband Forum
 * TR-111 part 1 (enterprise 3561, sub-options 1-3 device, 4-6 gateway: OUI,
 * serial number, product class); RFC 4388 (leasequery types).
 *
 *    0       1       2       3
 *   +-------+-------+-------+-------+
 *   |  op   | htype | hlen  | hops  |    op 1 BOOTREQUEST, 2 BOOTREPLY
 *   +-------+-------+-------+-------+
 *   |             xid               |
 *   +---------------+---------------+
 *   |     secs      |     flags     |
 *   +---------------+---------------+
 *   | ciaddr | yiaddr | siaddr | giaddr    (4 bytes each)
 *   +-------------------------------+
 *   | chaddr (16)                   |    the client's MAC when htype 1, hlen 6
 *   | sname (64)                    |    options too when 52 has bit 2
 *   | file (128)                    |    options too when 52 has bit 1
 *   +-------------------------------+    offset 236
 *   |  63   |  82   |  53   |  63   |    magic cookie
 *   +-------+-------+-------+-------+
 *   | code | len | data (len) | ... | 255 |   0 is a one-byte pad
 *
 * Identity: the observations are about the CLIENT, named by chaddr (plus
 * ciaddr), whoever sends the packet: the client's own requests, a server's
 * OFFER/ACK (often to a broadcast MAC), or a relay agent in between. Only the
 * role, the server identifier and TR-111 gateway fields are about the sender,
 * and only when the sender is the server, not a relay handing a reply on to
 * the client (giaddr set and sent to port 68). A chaddr that is not an
 * Ethernet address (htype != 1 or hlen != 6, e.g. InfiniBand) names nobody:
 * a request sent directly (giaddr 0) is then about its sender, anything else
 * about ciaddr (or an ACK's yiaddr), or about nobody.
 *
 * Observations (source → kind, confidence):
 *   about the client:  dhcp.hostname → HOSTNAME 70 (60 in a reply),
 *     dhcp.fqdn → HOSTNAME 75 (60 in a reply), dhcp.vendor_class → SOFTWARE
 *     50, dhcp.user_class → SOFTWARE 50, dhcp.prl → RAW 50 ("1,3,6,15"),
 *     dhcp.client_id → RAW 50, dhcp.vivso_enterprise → RAW 50,
 *     dhcp.tr111_oui → RAW 50, dhcp.tr111_serial → SERIAL 70,
 *     dhcp.tr111_product_class → PRODUCT 70, dhcp.yiaddr → IP 90 (ACK);
 *   about the server (side SRC): dhcp.server_id → IP 80, dhcp.server →
 *     ROLE "dhcp-server" 60 (OFFER, ACK, NAK), and the dhcp.tr111_* fields
 *     of a gateway's reply.
 *   Options 55, 60, 61, 77 and 125's enterprises are read from client
 *   messages only: in a reply they are the server's configuration for the
 *   client (a proxyDHCP's "PXEClient"), not a self-description.
 *
 * Decisions:
 * - No magic cookie: plain BOOTP (RFC 951). With a sane header and the
 *   300-byte BOOTP minimum it is OK with no observations (its 64-byte vend
 *   field carries nothing we read); otherwise NOMATCH.
 * - Two passes over the options: the first checks the framing of every area
 *   and finds 53 and 52 (an observation depends on the message type, which
 *   may come last); only a message whose framing holds is read again to
 *   emit. TRUNCATED or MALFORMED therefore never comes with observations.
 * - An option running past the datagram is TRUNCATED (a short capture looks
 *   the same); one running past the fixed sname/file fields is MALFORMED.
 *   The options field must end with END (RFC 2132 section 3.2; every stack
 *   in the shared captures sends it): without it the message is TRUNCATED, as a
 *   capture cut at an option boundary would look. In sname and file, which
 *   cannot be cut short, a missing END is accepted.
 * - A message type that contradicts op, a 53 or 52 of the wrong length, or
 *   an overload value other than 1-3 is MALFORMED. Contradictions inside one
 *   variable option (a bad FQDN label, a broken option 125) drop only that
 *   option's observations.
 * - The first instance of an option wins; RFC 3396 concatenation of split
 *   long options is not done (no client we know splits 12, 55, 60 or 81).
 * - Trailing NUL bytes of a string option are dropped (a common quirk);
 *   other NULs and non-ASCII bytes are escaped as \xNN.
 * - Option 81's name loses its final root dot ("host." → "host").
 *
 * Hostile input: every length and count is checked through the cursor and
 * bounded by the *_MAX below; a sub-cursor per option and per area keeps
 * one option from reading its neighbour; the walk consumes at least one byte
 * per step so it always ends; nothing is allocated.
 */
#include <stdio.h>
#include <string.h>

#include "proto/proto.h"
#include "proto/strbuf.h"

#define DHCP_BOOTP_MIN_LEN 300u /* RFC 951: the 64-byte vend field included */
#define DHCP_COOKIE 0x63825363u
#define DHCP_SNAME_LEN 64u
#define DHCP_FILE_LEN 128u
#define DHCP_CHADDR_LEN 16u

#define DHCP_OPTIONS_MAX 255u      /* option TLVs in one message, all areas */
#define DHCP_PRL_MAX 64u           /* codes in 55: "255," x 64 fits a value */
#define DHCP_CLIENT_ID_MAX 84u     /* bytes of 61 shown as hex */
#define DHCP_USER_CLASS_MAX 16u    /* RFC 3004 instances in 77 */
#define DHCP_FQDN_LABELS_MAX 127u  /* labels of an RFC 1035 name */
#define DHCP_VIVSO_MAX 8u          /* enterprises in one 125 */
#define DHCP_VIVSO_SUBOPTS_MAX 32u /* sub-options of one enterprise in 125 */

#define DHCP_ENT_BBF 3561u /* Broadband Forum (TR-111) */

#define CONF_HOSTNAME 70
#define CONF_HOSTNAME_REPLY 60
#define CONF_FQDN 75
#define CONF_FQDN_REPLY 60
#define CONF_FINGERPRINT 50
#define CONF_SOFTWARE 50
#define CONF_YIADDR 90
#define CONF_SERVER_ID 80
#define CONF_ROLE 60
#define CONF_TR111 70

enum {
	OPT_PAD = 0,
	OPT_HOSTNAME = 12,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PRL = 55,
	OPT_VENDOR_CLASS = 60,
	OPT_CLIENT_ID = 61,
	OPT_USER_CLASS = 77,
	OPT_FQDN = 81,
	OPT_VIVSO = 125,
	OPT_END = 255,
};

enum dhcp_area { AREA_OPTIONS, AREA_FILE, AREA_SNAME };

/* What the second pass needs to know to emit. */
struct dhcp_emit {
	struct hk_obs_sink *out;
	bool client_msg;      /* sent by the client (or a relay on its behalf) */
	bool server_side;     /* the sender is the server itself */
	bool subject_is_src;  /* no usable chaddr: the sender is the client */
	bool has_subject;     /* else: about subj, if any */
	struct hk_endpoint subj;
};

struct dhcp_walk {
	int type;         /* option 53, -1 when absent */
	uint8_t overload; /* option 52 */
	unsigned n_opts;
	const struct dhcp_emit *em; /* NULL in the first pass */
	uint8_t seen[32];           /* second pass: codes already used */
};

/* --- option values -------------------------------------------------------- */

/* Length of what is left in c without its trailing NUL bytes. */
static size_t len_without_nuls(struct hk_cur *c)
{
	size_t n = hk_cur_left(c);

	while (n && hk_cur_peek_u8(c, n - 1) == 0)
		n--;
	return n;
}

static bool read_text(struct hk_cur *c, char *dst, size_t dstsz)
{
	return hk_cur_str(c, len_without_nuls(c), dst, dstsz);
}

/*
 * An RFC 1035 wire-format name without compression, possibly partial (no
 * final zero), as dotted text. False when it breaks the rules.
 */
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
			break; /* the root: the name is complete */
		if (len > 63 || ++n_labels > DHCP_FQDN_LABELS_MAX)
			return false; /* compression pointers are not allowed here */
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

static void fmt_ipv4(struct hk_cur *c, char *dst)
{
	struct hk_addr a = {.family = 4};

	hk_cur_copy(c, a.a, 4);
	hk_addr_fmt(&a, dst);
}

static bool ipv4_zero(const uint8_t a[4])
{
	return !(a[0] | a[1] | a[2] | a[3]);
}

/* --- emitting -------------------------------------------------------------- */

static void emit_client(const struct dhcp_emit *e, enum hk_obs_kind kind, uint8_t conf, const char *source,
			const char *value)
{
	if (e->subject_is_src)
		hk_obs_emit(e->out, kind, HK_SIDE_SRC, conf, source, value);
	else if (e->has_subject)
		hk_obs_emit_about(e->out, kind, &e->subj, conf, source, value);
}

static void emit_server(const struct dhcp_emit *e, enum hk_obs_kind kind, uint8_t conf, const char *source,
			const char *value)
{
	if (e->server_side)
		hk_obs_emit(e->out, kind, HK_SIDE_SRC, conf, source, value);
}

static void opt_fqdn(const struct dhcp_emit *e, struct hk_cur *o)
{
	char name[HK_OBS_VALUE_MAX];
	uint8_t flags = hk_cur_u8(o);
	size_t n;

	hk_cur_skip(o, 2); /* RCODE1, RCODE2: deprecated */
	if (!hk_cur_ok(o))
		return;
	if (flags & 0x04) {
		if (!read_wire_name(o, name, sizeof(name)))
			return;
	} else {
		read_text(o, name, sizeof(name));
		n = strlen(name);
		if (n && name[n - 1] == '.')
			name[n - 1] = '\0';
	}
	emit_client(e, HK_OBS_HOSTNAME, e->client_msg ? CONF_FQDN : CONF_FQDN_REPLY, "dhcp.fqdn", name);
}

static void opt_prl(const struct dhcp_emit *e, struct hk_cur *o)
{
	char v[HK_OBS_VALUE_MAX];
	struct sb b;
	size_t n = hk_cur_left(o);

	if (n > DHCP_PRL_MAX)
		return;
	sb_init(&b, v, sizeof(v));
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_add(&b, ",");
		sb_addu(&b, hk_cur_u8(o));
	}
	if (hk_cur_ok(o) && !b.full)
		emit_client(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcp.prl", v);
}

/* RFC 3004 instances joined by ","; a value that does not parse as such (many
 * clients send plain text, e.g. iPXE) is taken as one string. */
static void opt_user_class(const struct dhcp_emit *e, struct hk_cur *o)
{
	char v[HK_OBS_VALUE_MAX];
	struct hk_cur w = *o;
	unsigned n = 0;
	bool rfc3004 = hk_cur_left(&w) > 0;

	while (rfc3004 && hk_cur_left(&w)) {
		uint8_t len = hk_cur_u8(&w);
		hk_cur_skip(&w, len);
		if (!hk_cur_ok(&w) || len == 0 || ++n > DHCP_USER_CLASS_MAX)
			rfc3004 = false;
	}
	if (rfc3004) {
		struct sb b;
		sb_init(&b, v, sizeof(v));
		while (hk_cur_left(o)) {
			char item[HK_OBS_VALUE_MAX];
			uint8_t len = hk_cur_u8(o);
			hk_cur_str(o, len, item, sizeof(item));
			if (b.len)
				sb_add(&b, ",");
			sb_add(&b, item);
		}
	} else {
		read_text(o, v, sizeof(v));
	}
	emit_client(e, HK_OBS_SOFTWARE, CONF_SOFTWARE, "dhcp.user_class", v);
}

/* Type 0 carries text (RFC 2132 9.14); any other type is shown as hex. */
static void opt_client_id(const struct dhcp_emit *e, struct hk_cur *o)
{
	char v[HK_OBS_VALUE_MAX];
	size_t n = hk_cur_left(o);

	if (n < 2)
		return;
	if (hk_cur_peek_u8(o, 0) == 0) {
		hk_cur_skip(o, 1);
		read_text(o, v, sizeof(v));
	} else {
		struct sb b;
		if (n > DHCP_CLIENT_ID_MAX)
			return;
		sb_init(&b, v, sizeof(v));
		for (size_t i = 0; i < n; i++) {
			char hex[4];
			snprintf(hex, sizeof(hex), i ? ":%02x" : "%02x", hk_cur_u8(o));
			sb_add(&b, hex);
		}
		if (!hk_cur_ok(o) || b.full)
			return;
	}
	emit_client(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcp.client_id", v);
}

/* TR-111: in a request the device names itself (1-3), in a reply the
 * gateway that is the server (4-6). */
static void vivso_bbf(const struct dhcp_emit *e, struct hk_cur d)
{
	unsigned n = 0;
	uint8_t base = e->client_msg ? 1 : 4;

	while (hk_cur_left(&d) && ++n <= DHCP_VIVSO_SUBOPTS_MAX) {
		char v[HK_OBS_VALUE_MAX];
		uint8_t code = hk_cur_u8(&d);
		uint8_t len = hk_cur_u8(&d);
		struct hk_cur s = hk_cur_sub(&d, len);
		void (*emit)(const struct dhcp_emit *, enum hk_obs_kind, uint8_t, const char *, const char *) =
			e->client_msg ? emit_client : emit_server;

		if (!hk_cur_ok(&d) || code < base || code > base + 2)
			continue; /* a broken sub-option ends the walk: d is failed */
		read_text(&s, v, sizeof(v));
		if (code == base)
			emit(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcp.tr111_oui", v);
		else if (code == base + 1)
			emit(e, HK_OBS_SERIAL, CONF_TR111, "dhcp.tr111_serial", v);
		else
			emit(e, HK_OBS_PRODUCT, CONF_TR111, "dhcp.tr111_product_class", v);
	}
}

/* enterprise(4) len(1) data(len), repeated (RFC 3925 section 4). */
static void opt_vivso(const struct dhcp_emit *e, struct hk_cur *o)
{
	struct hk_cur w = *o;
	unsigned n = 0;

	/* check the whole option before saying anything of it */
	while (hk_cur_left(&w)) {
		hk_cur_skip(&w, 4);
		hk_cur_skip(&w, hk_cur_u8(&w));
		if (!hk_cur_ok(&w) || ++n > DHCP_VIVSO_MAX)
			return;
	}
	while (hk_cur_left(o)) {
		char v[16];
		uint32_t ent = hk_cur_be32(o);
		struct hk_cur d = hk_cur_sub(o, hk_cur_u8(o));

		/* in a reply the enterprise says what the client is, not the server */
		if (e->client_msg) {
			snprintf(v, sizeof(v), "%lu", (unsigned long)ent);
			emit_client(e, HK_OBS_RAW, CONF_FINGERPRINT, "dhcp.vivso_enterprise", v);
		}
		if (ent == DHCP_ENT_BBF)
			vivso_bbf(e, d);
	}
}

static void emit_option(struct dhcp_walk *w, uint8_t code, struct hk_cur *o)
{
	const struct dhcp_emit *e = w->em;
	char v[HK_OBS_VALUE_MAX];

	if (w->seen[code >> 3] & (1u << (code & 7)))
		return; /* the first instance wins */
	w->seen[code >> 3] |= (uint8_t)(1u << (code & 7));

	switch (code) {
	case OPT_HOSTNAME:
		read_text(o, v, sizeof(v));
		emit_client(e, HK_OBS_HOSTNAME, e->client_msg ? CONF_HOSTNAME : CONF_HOSTNAME_REPLY,
			    "dhcp.hostname", v);
		break;
	case OPT_FQDN:
		opt_fqdn(e, o);
		break;
	case OPT_VENDOR_CLASS:
		if (e->client_msg && read_text(o, v, sizeof(v)))
			emit_client(e, HK_OBS_SOFTWARE, CONF_SOFTWARE, "dhcp.vendor_class", v);
		break;
	case OPT_PRL:
		if (e->client_msg)
			opt_prl(e, o);
		break;
	case OPT_USER_CLASS:
		if (e->client_msg)
			opt_user_class(e, o);
		break;
	case OPT_CLIENT_ID:
		if (e->client_msg)
			opt_client_id(e, o);
		break;
	case OPT_VIVSO:
		opt_vivso(e, o);
		break;
	case OPT_SERVER_ID:
		if (!e->client_msg && hk_cur_left(o) == 4) {
			char ip[HK_ADDR_STRLEN];
			fmt_ipv4(o, ip);
			emit_server(e, HK_OBS_IP, CONF_SERVER_ID, "dhcp.server_id", ip);
		}
		break;
	default:
		break;
	}
}

/* --- the walk ------------------------------------------------------------- */

/* One option area; the first pass (w->em == NULL) checks it and finds 53/52. */
static enum hk_parse_result walk_area(struct hk_cur a, enum dhcp_area area, struct dhcp_walk *w)
{
	/* the options field ends the datagram; sname and file are fixed fields */
	enum hk_parse_result short_read = area == AREA_OPTIONS ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;

	for (;;) {
		uint8_t code, len;
		struct hk_cur o;

		/* no END: the datagram was cut short; sname and file are whole */
		if (!hk_cur_left(&a))
			return area == AREA_OPTIONS ? HK_PARSE_TRUNCATED : HK_PARSE_OK;
		code = hk_cur_u8(&a);
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			break; /* what follows is padding, often not zero */
		len = hk_cur_u8(&a);
		o = hk_cur_sub(&a, len);
		if (!hk_cur_ok(&a))
			return short_read;
		if (++w->n_opts > DHCP_OPTIONS_MAX)
			return HK_PARSE_MALFORMED;
		if (w->em) {
			emit_option(w, code, &o);
			continue;
		}
		if (code == OPT_MSG_TYPE) {
			if (len != 1)
				return HK_PARSE_MALFORMED;
			if (w->type < 0)
				w->type = hk_cur_u8(&o);
		} else if (code == OPT_OVERLOAD && area == AREA_OPTIONS) {
			uint8_t v = hk_cur_u8(&o);
			if (len != 1 || v < 1 || v > 3)
				return HK_PARSE_MALFORMED;
			if (!w->overload)
				w->overload = v;
		}
	}
	return HK_PARSE_OK;
}

/* RFC 2131 section 4.1: the options field, then file, then sname. */
static enum hk_parse_result walk_all(struct hk_cur opts, struct hk_cur file, struct hk_cur sname,
				     struct dhcp_walk *w)
{
	enum hk_parse_result r = walk_area(opts, AREA_OPTIONS, w);

	if (r == HK_PARSE_OK && (w->overload & 1))
		r = walk_area(file, AREA_FILE, w);
	if (r == HK_PARSE_OK && (w->overload & 2))
		r = walk_area(sname, AREA_SNAME, w);
	return r;
}

static bool type_from_client(int type)
{
	/* DISCOVER, REQUEST, DECLINE, RELEASE, INFORM */
	return type == 1 || type == 3 || type == 4 || type == 7 || type == 8;
}

static bool type_from_server(int type)
{
	/* OFFER, ACK, NAK */
	return type == 2 || type == 5 || type == 6;
}

enum hk_parse_result proto_dhcp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	uint8_t op, htype, hlen, ciaddr[4], yiaddr[4], giaddr[4], chaddr[DHCP_CHADDR_LEN];
	struct hk_cur sname, file, opts;
	struct dhcp_walk w = {.type = -1};
	struct dhcp_emit e = {.out = out};
	enum hk_parse_result r;
	size_t total = hk_cur_left(c);
	char ip[HK_ADDR_STRLEN];

	op = hk_cur_u8(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (op != 1 && op != 2)
		return HK_PARSE_NOMATCH;
	htype = hk_cur_u8(c);
	hlen = hk_cur_u8(c);
	hk_cur_skip(c, 1 + 4 + 2 + 2); /* hops, xid, secs, flags */
	hk_cur_copy(c, ciaddr, 4);
	hk_cur_copy(c, yiaddr, 4);
	hk_cur_skip(c, 4); /* siaddr */
	hk_cur_copy(c, giaddr, 4);
	hk_cur_copy(c, chaddr, sizeof(chaddr));
	sname = hk_cur_sub(c, DHCP_SNAME_LEN);
	file = hk_cur_sub(c, DHCP_FILE_LEN);
	if (!hk_cur_ok(c) || !hk_cur_has(c, 4))
		return HK_PARSE_TRUNCATED;
	if (hk_cur_be32(c) != DHCP_COOKIE) {
		/* plain BOOTP: nothing to read in its vend field */
		if (total >= DHCP_BOOTP_MIN_LEN && htype != 0 && hlen >= 1 && hlen <= DHCP_CHADDR_LEN)
			return HK_PARSE_OK;
		return HK_PARSE_NOMATCH;
	}
	opts = hk_cur_rest(c);

	r = walk_all(opts, file, sname, &w);
	if (r != HK_PARSE_OK)
		return r;
	if ((type_from_client(w.type) && op != 1) || (type_from_server(w.type) && op != 2))
		return HK_PARSE_MALFORMED;

	if (w.type < 0) {
		/* BOOTP with RFC 1497 vendor extensions: only what a client says */
		if (op != 1)
			return HK_PARSE_OK;
		e.client_msg = true;
	} else if (type_from_client(w.type)) {
		e.client_msg = true;
	} else if (type_from_server(w.type)) {
		/* a relay hands replies on to the client (port 68) from itself */
		e.server_side = ipv4_zero(giaddr) || ctx->dport != 68;
	} else {
		return HK_PARSE_OK; /* leasequery, forcerenew, unknown: no client here */
	}

	if (htype == 1 && hlen == 6) {
		e.has_subject = true;
		e.subj.has_mac = true;
		memcpy(e.subj.mac, chaddr, 6);
		if (!ipv4_zero(ciaddr)) {
			e.subj.ip.family = 4;
			memcpy(e.subj.ip.a, ciaddr, 4);
		}
	} else if (e.client_msg && ipv4_zero(giaddr)) {
		e.subject_is_src = true;
	} else if (!ipv4_zero(ciaddr) || (w.type == 5 && !ipv4_zero(yiaddr))) {
		e.has_subject = true;
		e.subj.ip.family = 4;
		memcpy(e.subj.ip.a, ipv4_zero(ciaddr) ? yiaddr : ciaddr, 4);
	}

	w.em = &e;
	w.n_opts = 0;
	walk_all(opts, file, sname, &w);

	if (w.type == 5 && !ipv4_zero(yiaddr)) {
		struct hk_addr a = {.family = 4};
		memcpy(a.a, yiaddr, 4);
		emit_client(&e, HK_OBS_IP, CONF_YIADDR, "dhcp.yiaddr", hk_addr_fmt(&a, ip));
	}
	if (type_from_server(w.type))
		emit_server(&e, HK_OBS_ROLE, CONF_ROLE, "dhcp.server", "dhcp-server");
	return HK_PARSE_OK;
}
