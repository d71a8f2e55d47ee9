/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multicast DNS and DNS-Based Service Discovery: RFC 6762 (February 2013),
 * section 18 (message format, = RFC 1035 4.1 with the class top bit as
 * cache-flush/unicast-response), RFC 6763 (February 2013), sections 4-7 (the
 * PTR/SRV/TXT service records) and 6.3-6.4 (TXT key=value strings), UDP 5353.
 *
 *   +------+------+------+------+------+------+
 *   |  ID  |FLAGS |QDCNT |ANCNT |NSCNT |ARCNT |  12-byte DNS header (dnswire.c)
 *   +------+------+------+------+------+------+
 *   | questions: NAME TYPE CLASS              |  walked, not read
 *   | records:   NAME TYPE CLASS TTL RDLEN RDATA
 *   |   A/AAAA   owner "host.local" or "host" -> hostname "host"
 *   |   SRV      PRIO WEIGHT PORT TARGET     -> target "host.local"; owner's service type
 *   |   PTR      "_ipp._tcp.local" -> "Inst._ipp._tcp.local"     -> service "_ipp._tcp"
 *   |            "_services._dns-sd._udp.local" -> "_ipp._tcp.local"
 *   |            "x.in-addr.arpa" -> "host.local"                -> hostname "host"
 *   |   TXT      LEN(1) "key=value" LEN(1) ...                   -> model=, md=, ty=,
 *   |                                                 usb_MDL=, usb_MFG=, mfg=
 *   +-----------------------------------------+
 *
 * Identity: a response (QR=1) is the responder speaking of its own records,
 * so every observation is about the sender (HK_SIDE_SRC), from the answer
 * and additional sections (authority records are walked, not read). Queries
 * (QR=0) name what the asker looks for, and their known-answer records are
 * other hosts' data: they are validated and yield nothing. A Bonjour sleep
 * proxy answering for a sleeping host is the one case where this is wrong.
 *
 * Hostile input: header counts are only a promise; at most MDNS_RECORDS_MAX
 * questions and records are read per message and MDNS_TXT_MAX strings per
 * TXT record. Names go through dns_name_read (pointer loops, jump cap, 255
 * octets). Each RDATA and each TXT string is a child cursor. The whole
 * message is walked once to validate before anything is emitted, so a
 * truncated or malformed message says nothing.
 */
#include <string.h>
#include <strings.h>

#include "proto/dnswire.h"
#include "proto/proto.h"

#define MDNS_TXT_KEY_MAX 16 /* a key longer than this is none of ours */

#define CONF_MDNS 70 /* structured discovery field */
#define CONF_MDNS_RAW 50

struct txt_key {
	const char *key;
	enum hk_obs_kind kind;
	const char *source;
};

/* RFC 6763 6.4: keys compare case-insensitively */
static const struct txt_key txt_keys[] = {
	/* _device-info._tcp, _airplay._tcp: the Apple model identifier */
	{"model", HK_OBS_MODEL, "mdns.model"},
	/* _googlecast._tcp, _hap._tcp: the model name */
	{"md", HK_OBS_MODEL, "mdns.model"},
	/* printers (Bonjour Printing 1.2): make and model; IEEE 1284 device ID fields */
	{"ty", HK_OBS_MODEL, "mdns.model"},
	{"usb_MDL", HK_OBS_MODEL, "mdns.model"},
	{"usb_MFG", HK_OBS_VENDOR, "mdns.vendor"},
	{"mfg", HK_OBS_VENDOR, "mdns.vendor"},
};

/* Emits once per message: a response repeats a name in many records. */
static void emit_once(struct hk_obs_sink *out, enum hk_obs_kind kind, const char *source, uint8_t conf,
		      const char *value)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].kind == kind && out->v[i].side == HK_SIDE_SRC &&
		    strcmp(out->v[i].source, source) == 0 && strcmp(out->v[i].value, value) == 0)
			return;
	hk_obs_emit(out, kind, HK_SIDE_SRC, conf, source, value);
}

/*
 * "host.local" -> "host" (any depth under local). A bare single label is
 * taken as it is: open62541's LDS announces "Maui-16714" so. A name with a
 * service label ("Inst._opcua-tcp._tcp.local", which open62541 also gives A
 * records) is no host name.
 */
static void emit_host(struct hk_obs_sink *out, const struct dns_name *n)
{
	char v[HK_OBS_VALUE_MAX];
	size_t n_host = n->n_labels;

	if (n_host >= 2 && dns_label_is(n, n_host - 1, "local"))
		n_host--;
	else if (n_host != 1 || dns_label_is(n, 0, "local"))
		return;
	for (size_t i = 0; i < n_host; i++)
		if (dns_label_first(n, i) == '_')
			return;
	dns_name_fmt(n, 0, n_host, v, sizeof(v));
	emit_once(out, HK_OBS_HOSTNAME, "mdns.hostname", CONF_MDNS, v);
}

/* "[Instance.]_svc._tcp.local" -> "_svc._tcp"; the DNS-SD meta names are not services */
static void emit_service(struct hk_obs_sink *out, const struct dns_name *n)
{
	char v[HK_OBS_VALUE_MAX];
	size_t k;

	if (n->n_labels < 3)
		return;
	k = n->n_labels - 3u;
	if (dns_label_first(n, k) != '_' || !(dns_label_is(n, k + 1, "_tcp") || dns_label_is(n, k + 1, "_udp")) ||
	    !dns_label_is(n, k + 2, "local") || dns_label_is(n, k, "_dns-sd"))
		return;
	dns_name_fmt(n, k, 2, v, sizeof(v));
	emit_once(out, HK_OBS_RAW, "mdns.service", CONF_MDNS_RAW, v);
}

static bool is_reverse(const struct dns_name *n)
{
	return n->n_labels >= 2 && dns_label_is(n, n->n_labels - 1u, "arpa") &&
	       (dns_label_is(n, n->n_labels - 2u, "in-addr") || dns_label_is(n, n->n_labels - 2u, "ip6"));
}

/* One TXT string "key=value"; s is a child over exactly its bytes. */
static void txt_string(struct hk_cur *s, bool emit, struct hk_obs_sink *out)
{
	char key[MDNS_TXT_KEY_MAX * 4 + 1], v[HK_OBS_VALUE_MAX];
	long eq = hk_cur_find(s, '=');

	if (eq <= 0 || eq > MDNS_TXT_KEY_MAX || !emit)
		return;
	hk_cur_str(s, (size_t)eq, key, sizeof(key));
	hk_cur_skip(s, 1);
	for (size_t i = 0; i < sizeof(txt_keys) / sizeof(txt_keys[0]); i++) {
		if (strcasecmp(key, txt_keys[i].key) != 0)
			continue;
		if (hk_cur_str(s, hk_cur_left(s), v, sizeof(v)))
			emit_once(out, txt_keys[i].kind, txt_keys[i].source, CONF_MDNS, v);
		return;
	}
}

/*
 * What one answer/additional record of a response says. RDATA was read
 * whole, so any error inside it is a lie about its own length: MALFORMED.
 */
static enum hk_parse_result record(struct dns_rr *rr, const struct hk_cur *msg, bool emit,
				   struct hk_obs_sink *out)
{
	struct dns_name target;

	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (emit)
			emit_host(out, &rr->name);
		break;
	case DNS_T_SRV:
		hk_cur_skip(&rr->rdata, 6); /* priority, weight, port */
		if (dns_name_read(&rr->rdata, msg, &target))
			return HK_PARSE_MALFORMED;
		if (emit) {
			emit_host(out, &target);
			emit_service(out, &rr->name);
		}
		break;
	case DNS_T_PTR:
		if (dns_name_read(&rr->rdata, msg, &target))
			return HK_PARSE_MALFORMED;
		if (!emit)
			break;
		if (is_reverse(&rr->name))
			emit_host(out, &target);
		else if (rr->name.n_labels == 4 && dns_label_is(&rr->name, 0, "_services") &&
			 dns_label_is(&rr->name, 1, "_dns-sd"))
			emit_service(out, &target); /* service type enumeration, RFC 6763 9 */
		else
			emit_service(out, &rr->name);
		break;
	case DNS_T_TXT:
		for (size_t i = 0; i < MDNS_TXT_MAX && hk_cur_left(&rr->rdata); i++) {
			uint8_t len = hk_cur_u8(&rr->rdata);
			struct hk_cur s = hk_cur_sub(&rr->rdata, len);

			if (!hk_cur_ok(&rr->rdata))
				return HK_PARSE_MALFORMED;
			txt_string(&s, emit, out);
		}
		if (emit)
			emit_service(out, &rr->name);
		break;
	default:
		break;
	}
	return HK_PARSE_OK;
}

static enum hk_parse_result cur_result(const struct hk_cur *c)
{
	return c->err == HK_CUR_ETRUNC ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
}

/* Walks the message; emits only when emit is set (after a clean walk). */
static enum hk_parse_result walk(const struct hk_cur *msg, bool emit, struct hk_obs_sink *out)
{
	struct hk_cur c = *msg;
	struct dns_hdr h;
	struct dns_name qname;
	struct dns_rr rr;
	uint16_t qtype, qclass;
	size_t budget = MDNS_RECORDS_MAX, n_rr;
	bool response;

	if (dns_hdr_read(&c, &h))
		return HK_PARSE_TRUNCATED;
	/* RFC 6762 18.3, 18.11: opcode and rcode are zero; others are dropped */
	if (DNS_OPCODE(h.flags) != 0 || DNS_RCODE(h.flags) != 0)
		return HK_PARSE_NOMATCH;
	response = (h.flags & DNS_F_QR) != 0;
	for (size_t i = 0; i < h.n_qd && budget; i++, budget--)
		if (dns_question_read(&c, msg, &qname, &qtype, &qclass))
			return cur_result(&c);
	n_rr = (size_t)h.n_an + h.n_ns + h.n_ar;
	for (size_t i = 0; i < n_rr && budget; i++, budget--) {
		enum hk_parse_result r;

		if (dns_rr_read(&c, msg, &rr))
			return cur_result(&c);
		if (!response || (i >= h.n_an && i < (size_t)h.n_an + h.n_ns))
			continue; /* queries' known answers, authority records */
		r = record(&rr, msg, emit, out);
		if (r != HK_PARSE_OK)
			return r;
	}
	return HK_PARSE_OK;
}

enum hk_parse_result proto_mdns_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct hk_cur msg = hk_cur_rest(c);
	enum hk_parse_result r;

	(void)ctx;
	if (!hk_cur_ok(&msg))
		return HK_PARSE_TRUNCATED;
	r = walk(&msg, false, out);
	if (r != HK_PARSE_OK)
		return r;
	return walk(&msg, true, out);
}
