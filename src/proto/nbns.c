/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NetBIOS Name Service: RFC 1001 (March 1987), section 14 (first-level
 * name encoding) and 15 (name service); RFC 1002 (March 1987), section 4.2
 * (packet formats: 4.2.2 registration, 4.2.4 refresh, 4.2.13 positive name
 * query response, 4.2.18 node status response), UDP 137. Suffix meanings
 * after Microsoft's "NetBIOS suffixes" (KB 163409).
 *
 *   header    NAME_TRN_ID(2) | R OPCODE(4) AA TC RD RA 0 0 B RCODE(4) |
 *             QDCOUNT(2) ANCOUNT(2) NSCOUNT(2) ARCOUNT(2)      (= DNS, dnswire.c)
 *   name      0x20 + 32 bytes 'A'..'P' (each nibble + 'A') + scope labels + 0x00,
 *             or a pointer 0xC00C; decodes to 15 name bytes + 1 suffix byte
 *   NB RR     NAME TYPE=0x0020 CLASS=1 TTL(4) RDLENGTH=6n
 *             n x { NB_FLAGS(2): G ONT(2) 0(13) | NB_ADDRESS(4) }
 *   NBSTAT RR NAME TYPE=0x0021 CLASS=1 TTL(4) RDLENGTH
 *             NUM_NAMES(1) NUM_NAMES x { NAME(15) SUFFIX(1) NAME_FLAGS(2): G ... }
 *             STATISTICS: UNIT_ID(6, a MAC) ...                 (not read)
 *
 * Identity: a name registration or refresh request (opcode 5, 8, 9, 15) and
 * a positive name query response (R=1, opcode 0, RCODE 0) bind a name to the
 * NB_ADDRESS in their record: the observation is about that address
 * (hk_obs_emit_about, IP only), which is the sender in broadcast mode and
 * another host when a WINS server answers. A node status response lists the
 * responder's own names: about the sender (HK_SIDE_SRC). Unique names with
 * suffix 0x00 (workstation) or 0x20 (file server) are host names; group
 * names are the workgroup or domain (except 0x01 __MSBROWSE__); a unique
 * 0x1b name is held by the domain master browser, i.e. the PDC. Queries,
 * releases and WACKs yield nothing.
 *
 * Hostile input: RFC 1002 packets carry at most one question and one record
 * per section, so more than NBNS_RECORDS_MAX in all (or none) is not NBNS;
 * NB_ADDRESS lists are bounded by NBNS_ADDRS_MAX and node status name lists
 * by NBNS_NAMES_MAX, after checking the claimed NUM_NAMES fits RDLENGTH;
 * names must be exactly 32 encoded bytes of 'A'..'P'; names go through
 * dns_name_read; the message is validated whole before anything is emitted.
 */
#include <string.h>

#include "proto/dnswire.h"
#include "proto/proto.h"


#define NBNS_T_NB 0x0020
#define NBNS_T_NBSTAT 0x0021
#define NBNS_NAME_LEN 16
#define NBNS_ENC_LEN 32
#define NBNS_STAT_ENTRY_LEN 18
#define NBNS_G 0x8000u

#define NBNS_OP_QUERY 0
#define NBNS_OP_REGISTER 5
#define NBNS_OP_RELEASE 6
#define NBNS_OP_WACK 7
#define NBNS_OP_REFRESH 8
#define NBNS_OP_REFRESH_ALT 9
#define NBNS_OP_MH_REGISTER 15

#define CONF_NBNS 70
#define CONF_NBNS_ROLE 60
#define CONF_NBNS_RAW 50

static bool same_subject(const struct hk_obs *o, enum hk_side side, const struct hk_endpoint *about)
{
	if (o->side != side)
		return false;
	return side != HK_SIDE_OTHER || hk_addr_eq(&o->subject.ip, &about->ip);
}

/* about NULL: the sender */
static void emit_once(struct hk_obs_sink *out, enum hk_obs_kind kind, const struct hk_endpoint *about,
		      uint8_t conf, const char *source, const char *value)
{
	enum hk_side side = about ? HK_SIDE_OTHER : HK_SIDE_SRC;

	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].kind == kind && same_subject(&out->v[i], side, about) &&
		    strcmp(out->v[i].source, source) == 0 && strcmp(out->v[i].value, value) == 0)
			return;
	if (about)
		hk_obs_emit_about(out, kind, about, conf, source, value);
	else
		hk_obs_emit(out, kind, HK_SIDE_SRC, conf, source, value);
}

/* One name with its G bit; name[15] is the suffix. */
static void name_obs(struct hk_obs_sink *out, const uint8_t name[NBNS_NAME_LEN], bool group,
		     const struct hk_endpoint *about)
{
	char v[HK_OBS_VALUE_MAX];
	size_t n = NBNS_NAME_LEN - 1;
	uint8_t suffix = name[NBNS_NAME_LEN - 1];

	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == 0))
		n--;
	if (n == 0)
		return;
	hk_escape(name, n, v, sizeof(v));
	if (group) {
		if (suffix != 0x01) /* \x01\x02__MSBROWSE__\x02 is every master browser's */
			emit_once(out, HK_OBS_RAW, about, CONF_NBNS_RAW, "nbns.group", v);
	} else if (suffix == 0x00 || suffix == 0x20) {
		emit_once(out, HK_OBS_HOSTNAME, about, CONF_NBNS, "nbns.name", v);
	} else if (suffix == 0x1b) {
		emit_once(out, HK_OBS_ROLE, about, CONF_NBNS_ROLE, "nbns.name", "domain-controller");
	}
}

/* RFC 1001 14.1: the first label is 32 bytes 'A'..'P', two per name byte. */
static bool name_decode(const struct dns_name *n, uint8_t ret[NBNS_NAME_LEN])
{
	const uint8_t *p;

	if (n->n_labels < 1 || n->lab_len[0] != NBNS_ENC_LEN)
		return false;
	p = n->buf + n->lab_off[0];
	for (size_t i = 0; i < NBNS_NAME_LEN; i++) {
		uint8_t hi = p[2 * i], lo = p[2 * i + 1];

		if (hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P')
			return false;
		ret[i] = (uint8_t)(((hi - 'A') << 4) | (lo - 'A'));
	}
	return true;
}

/* NB_FLAGS + NB_ADDRESS entries of a registration or positive answer. */
static enum hk_parse_result nb_rdata(struct hk_cur *rd, const uint8_t name[NBNS_NAME_LEN], bool emit,
				     const struct hk_addr *sender, struct hk_obs_sink *out)
{
	size_t n = hk_cur_left(rd) / 6;

	if (hk_cur_left(rd) % 6 != 0)
		return HK_PARSE_MALFORMED;
	if (n > NBNS_ADDRS_MAX)
		n = NBNS_ADDRS_MAX;
	for (size_t i = 0; i < n; i++) {
		struct hk_endpoint about = {.has_mac = false};
		uint16_t flags = hk_cur_be16(rd);

		about.ip.family = 4;
		hk_cur_copy(rd, about.ip.a, 4);
		if (!hk_cur_ok(rd))
			return HK_PARSE_MALFORMED;
		/* the sender's own address: about the sender, so its MAC comes along */
		if (emit && hk_addr_is_unicast(&about.ip))
			name_obs(out, name, (flags & NBNS_G) != 0,
				 sender && hk_addr_eq(sender, &about.ip) ? NULL : &about);
	}
	return HK_PARSE_OK;
}

/* NUM_NAMES x { NAME(15) SUFFIX(1) FLAGS(2) } of a node status response. */
static enum hk_parse_result nbstat_rdata(struct hk_cur *rd, bool emit, struct hk_obs_sink *out)
{
	uint8_t n_names = hk_cur_u8(rd);
	size_t n;

	if (!hk_cur_ok(rd) || (size_t)n_names * NBNS_STAT_ENTRY_LEN > hk_cur_left(rd))
		return HK_PARSE_MALFORMED;
	n = n_names < NBNS_NAMES_MAX ? n_names : NBNS_NAMES_MAX;
	for (size_t i = 0; i < n; i++) {
		uint8_t name[NBNS_NAME_LEN];
		uint16_t flags;

		hk_cur_copy(rd, name, NBNS_NAME_LEN);
		flags = hk_cur_be16(rd);
		if (!hk_cur_ok(rd))
			return HK_PARSE_MALFORMED;
		if (emit)
			name_obs(out, name, (flags & NBNS_G) != 0, NULL);
	}
	return HK_PARSE_OK;
}

static enum hk_parse_result cur_result(const struct hk_cur *c)
{
	return c->err == HK_CUR_ETRUNC ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
}

static enum hk_parse_result walk(const struct hk_cur *msg, bool emit, const struct hk_parse_ctx *ctx,
				 struct hk_obs_sink *out)
{
	struct hk_cur c = *msg;
	struct dns_hdr h;
	struct dns_name qname;
	struct dns_rr rr;
	uint8_t name[NBNS_NAME_LEN];
	uint16_t qtype, qclass;
	unsigned op;
	size_t n_all;
	bool response, registers, answers;

	if (dns_hdr_read(&c, &h))
		return HK_PARSE_TRUNCATED;
	op = DNS_OPCODE(h.flags);
	if (op != NBNS_OP_QUERY && op != NBNS_OP_REGISTER && op != NBNS_OP_RELEASE && op != NBNS_OP_WACK &&
	    op != NBNS_OP_REFRESH && op != NBNS_OP_REFRESH_ALT && op != NBNS_OP_MH_REGISTER)
		return HK_PARSE_NOMATCH;
	n_all = (size_t)h.n_qd + h.n_an + h.n_ns + h.n_ar;
	if (n_all == 0 || n_all > NBNS_RECORDS_MAX)
		return HK_PARSE_NOMATCH;
	response = (h.flags & DNS_F_QR) != 0;
	registers = !response && (op == NBNS_OP_REGISTER || op == NBNS_OP_REFRESH || op == NBNS_OP_REFRESH_ALT ||
				  op == NBNS_OP_MH_REGISTER);
	answers = response && op == NBNS_OP_QUERY && DNS_RCODE(h.flags) == 0;

	for (size_t i = 0; i < h.n_qd; i++) {
		if (dns_question_read(&c, msg, &qname, &qtype, &qclass))
			return cur_result(&c);
		if (!name_decode(&qname, name))
			return HK_PARSE_MALFORMED;
	}
	for (size_t i = 0; i < n_all - h.n_qd; i++) {
		enum hk_parse_result r = HK_PARSE_OK;

		if (dns_rr_read(&c, msg, &rr))
			return cur_result(&c);
		if (!name_decode(&rr.name, name))
			return HK_PARSE_MALFORMED;
		if (rr.type == NBNS_T_NB && (registers || (answers && i < h.n_an)))
			r = nb_rdata(&rr.rdata, name, emit, &ctx->src_ip, out);
		else if (rr.type == NBNS_T_NBSTAT && answers && i < h.n_an)
			r = nbstat_rdata(&rr.rdata, emit, out);
		if (r != HK_PARSE_OK)
			return r;
	}
	return HK_PARSE_OK;
}

enum hk_parse_result proto_nbns_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct hk_cur msg = hk_cur_rest(c);
	enum hk_parse_result r;

	(void)ctx;
	if (!hk_cur_ok(&msg))
		return HK_PARSE_TRUNCATED;
	r = walk(&msg, false, ctx, out);
	if (r != HK_PARSE_OK)
		return r;
	return walk(&msg, true, ctx, out);
}
