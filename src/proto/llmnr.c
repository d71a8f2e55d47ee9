/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link-Local Multicast Name Resolution: RFC 4795 (January 2007), section 2.1
 * (message format: the DNS header of RFC 1035 4.1 with C, TC and T flags in
 * place of AA/RD/RA), section 2.1.1 (QDCOUNT is 1), UDP 5355.
 *
 *   +------+------+------+------+------+------+
 *   |  ID  |FLAGS |QDCNT |ANCNT |NSCNT |ARCNT |  FLAGS: QR OPCODE(4) C TC T 0000 RCODE(4)
 *   +------+------+------+------+------+------+
 *   | question: NAME TYPE CLASS                |  the name asked for
 *   | answers:  NAME TYPE CLASS TTL RDLEN RDATA|  A/AAAA for that same name
 *   +-----------------------------------------+
 *
 * Identity: an LLMNR responder answers only for names it is authoritative
 * for (RFC 4795 2.3), i.e. its own: in a response (QR=1, RCODE 0) an A/AAAA
 * answer for the question's name names the sender (HK_SIDE_SRC). A query
 * names whom the asker looks for and yields nothing. Spoofing tools
 * (Responder) answer every name; the evidence then shows one device with
 * many names, which is itself worth seeing.
 *
 * Hostile input: QDCOUNT other than 1 or a nonzero opcode is not LLMNR
 * (NOMATCH); at most LLMNR_RECORDS_MAX records are read; names go through
 * dns_name_read (pointer loops, jump cap, 255 octets); the message is
 * validated whole before anything is emitted.
 */
#include "proto/dnswire.h"
#include "proto/proto.h"

#define CONF_LLMNR 60

static enum hk_parse_result cur_result(const struct hk_cur *c)
{
	return c->err == HK_CUR_ETRUNC ? HK_PARSE_TRUNCATED : HK_PARSE_MALFORMED;
}

static enum hk_parse_result walk(const struct hk_cur *msg, bool emit, struct hk_obs_sink *out)
{
	struct hk_cur c = *msg;
	struct dns_hdr h;
	struct dns_name qname;
	struct dns_rr rr;
	uint16_t qtype, qclass;
	size_t n_rr;
	bool named = false;

	if (dns_hdr_read(&c, &h))
		return HK_PARSE_TRUNCATED;
	if (DNS_OPCODE(h.flags) != 0 || h.n_qd != 1)
		return HK_PARSE_NOMATCH;
	if (dns_question_read(&c, msg, &qname, &qtype, &qclass))
		return cur_result(&c);
	n_rr = (size_t)h.n_an + h.n_ns + h.n_ar;
	if (n_rr > LLMNR_RECORDS_MAX)
		n_rr = LLMNR_RECORDS_MAX; /* the rest is not read */
	for (size_t i = 0; i < n_rr; i++) {
		if (dns_rr_read(&c, msg, &rr))
			return cur_result(&c);
		if (!emit || named || i >= h.n_an || !(h.flags & DNS_F_QR) || DNS_RCODE(h.flags) != 0)
			continue;
		if ((rr.type == DNS_T_A || rr.type == DNS_T_AAAA) && qname.n_labels > 0 &&
		    dns_name_eq(&rr.name, &qname)) {
			char v[HK_OBS_VALUE_MAX];

			dns_name_fmt(&qname, 0, qname.n_labels, v, sizeof(v));
			named = hk_obs_emit(out, HK_OBS_HOSTNAME, HK_SIDE_SRC, CONF_LLMNR, "llmnr.name", v);
		}
	}
	return HK_PARSE_OK;
}

enum hk_parse_result proto_llmnr_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
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
