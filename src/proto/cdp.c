/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CDP: the Cisco Discovery Protocol, versions 1 and 2.
 *
 * References: there is no published standard. Cisco, "Cisco Discovery
 * Protocol Configuration Guide" (the CDP TLVs it lists), CISCO-CDP-MIB
 * (cdpCacheCapabilities bits, cdpCacheAddress encoding), RFC 1042 (SNAP),
 * ISO/IEC TR 9577 (NLPID 0xcc = IPv4). Layouts and capability bits checked
 * against tshark's decode of the shared captures.
 *
 * Reached by LLC/SNAP OUI 00-00-0c, PID 0x2000; the decoder hands us the
 * bytes after the SNAP header, bounded by the 802.3 length:
 *   +-----------+-------+------------+
 *   | version 1 | TTL 1 | checksum 2 |  then TLVs:
 *   +-----------+-------+------------+
 *   | type 2 | length 2 (includes these 4 bytes) | value (length - 4) |
 *   The PDU ends with the frame; there is no end TLV.
 *   0x0001 Device ID, 0x0003 Port ID, 0x0005 Software version, 0x0006
 *   Platform, 0x0009 VTP domain, 0x0014 System name: strings
 *   0x0002 Addresses, 0x0016 Management addresses:
 *     | count 4 | count x ( | ptype 1 | plen 1 | protocol plen | alen 2 | addr alen | ) |
 *     ptype 1 (NLPID), plen 1, protocol 0xcc: IPv4, alen 4
 *     ptype 2 (802.2), plen 8, protocol aa aa 03 00 00 00 86 dd: IPv6, alen 16
 *     (ethertype 08 00 at the end: IPv4)
 *   0x0004 Capabilities: | bits 4 | (0x01 router, 0x02 transparent bridge,
 *     0x04 source-route bridge, 0x08 switch, 0x10 host, 0x20 IGMP,
 *     0x40 repeater, 0x80 phone, 0x100 remotely managed, ...)
 *   0x000a Native VLAN: | vlan 2 |
 *
 * Identity direction: every CDP frame describes its sender (side SRC); it is
 * a periodic one-way advertisement.
 *
 * Hostile input this defends against: a TLV length below its own 4-byte
 * header (which would loop forever or step backwards) is MALFORMED; each TLV
 * value is a sub-cursor, and so is every protocol and address inside an
 * address list, whose count is bounded by CDP_ADDRS_MAX; a PDU of more than
 * CDP_TLVS_MAX TLVs is MALFORMED. The framing is checked before anything is
 * said: a PDU whose framing fails says nothing. A PDU cut inside a TLV says
 * what its complete TLVs said and is TRUNCATED (a cut exactly between TLVs
 * cannot be told from the end). A TLV whose fields contradict each other
 * (an address list checked whole before any address is said) is dropped
 * alone and the PDU is MALFORMED. Strings are escaped and cut by the cursor;
 * trailing NULs are dropped, inner ones escaped. The checksum is not
 * verified (Cisco computes it oddly for odd lengths; an inventory learns
 * nothing from it).
 */
#include <stdio.h>
#include <string.h>

#include "herkomst/packet.h"
#include "proto/proto.h"

#define CDP_TLVS_MAX 64   /* real PDUs carry 10 to 20 */
#define CDP_ADDRS_MAX 16  /* addresses in one address TLV */
#define CDP_HDR_LEN 4     /* version, TTL, checksum */
#define CDP_TLV_HDR_LEN 4 /* type, length */

enum cdp_tlv {
	CDP_TLV_DEVICE_ID = 0x0001,
	CDP_TLV_ADDRESSES = 0x0002,
	CDP_TLV_PORT_ID = 0x0003,
	CDP_TLV_CAPABILITIES = 0x0004,
	CDP_TLV_SOFTWARE = 0x0005,
	CDP_TLV_PLATFORM = 0x0006,
	CDP_TLV_VTP_DOMAIN = 0x0009,
	CDP_TLV_NATIVE_VLAN = 0x000a,
	CDP_TLV_SYSTEM_NAME = 0x0014,
	CDP_TLV_MGMT_ADDRESSES = 0x0016,
};

#define CDP_CAP_ROUTER 0x01
#define CDP_CAP_SWITCH 0x08
#define CDP_CAP_PHONE 0x80

#define CDP_PTYPE_NLPID 1
#define CDP_PTYPE_8022 2
#define NLPID_IPV4 0xcc
#define CDP_8022_PROTO_LEN 8 /* LLC aa aa 03 + SNAP 00 00 00 + ethertype */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

/* Which IP family an address entry's protocol names; 0 for others. */
static uint8_t cdp_addr_family(uint8_t ptype, struct hk_cur *proto)
{
	size_t plen = hk_cur_left(proto);

	if (ptype == CDP_PTYPE_NLPID && plen == 1)
		return hk_cur_u8(proto) == NLPID_IPV4 ? 4 : 0;
	if (ptype == CDP_PTYPE_8022 && plen == CDP_8022_PROTO_LEN) {
		uint32_t llc = hk_cur_be24(proto);
		uint32_t oui = hk_cur_be24(proto);
		uint16_t type = hk_cur_be16(proto);

		if (!hk_cur_ok(proto) || llc != 0xaaaa03 || oui != 0)
			return 0;
		return type == ETHERTYPE_IPV4 ? 4 : type == ETHERTYPE_IPV6 ? 6 : 0;
	}
	return 0;
}

/*
 * One walk over an address list (0x0002, 0x0016): false when it contradicts
 * itself. Called once to check, then again to emit, so a list that breaks
 * half-way says nothing.
 */
static bool cdp_addr_walk(struct hk_cur v, const char *source, struct hk_obs_sink *out)
{
	uint32_t count = hk_cur_be32(&v);

	if (!hk_cur_ok(&v) || count > CDP_ADDRS_MAX)
		return false;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t ptype, plen, family;
		uint16_t alen;
		struct hk_cur proto, addr;
		struct hk_addr a;
		char buf[HK_ADDR_STRLEN];

		ptype = hk_cur_u8(&v);
		plen = hk_cur_u8(&v);
		proto = hk_cur_sub(&v, plen);
		alen = hk_cur_be16(&v);
		addr = hk_cur_sub(&v, alen);
		if (!hk_cur_ok(&v))
			return false;
		family = cdp_addr_family(ptype, &proto);
		if (!family)
			continue; /* CLNS, DECnet, AppleTalk, ...: no IP */
		if (alen != (family == 4 ? 4 : 16))
			return false;
		memset(&a, 0, sizeof(a));
		a.family = family;
		if (!hk_cur_copy(&addr, a.a, alen))
			return false;
		if (out && hk_addr_is_unicast(&a))
			hk_obs_emit(out, HK_OBS_IP, HK_SIDE_SRC, 80, source, hk_addr_fmt(&a, buf));
	}
	return true; /* bytes after the last entry are tolerated */
}

static bool cdp_addresses(struct hk_cur *v, const char *source, struct hk_obs_sink *out)
{
	if (!cdp_addr_walk(*v, source, NULL))
		return false;
	return cdp_addr_walk(*v, source, out);
}

static bool cdp_capabilities(struct hk_cur *v, struct hk_obs_sink *out)
{
	uint32_t caps;

	if (hk_cur_left(v) != 4)
		return false;
	caps = hk_cur_be32(v);
	if (!hk_cur_ok(v))
		return false;
	if (caps & CDP_CAP_ROUTER)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, 70, "cdp.capabilities", "router");
	if (caps & CDP_CAP_SWITCH)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, 70, "cdp.capabilities", "switch");
	if (caps & CDP_CAP_PHONE)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, 70, "cdp.capabilities", "phone");
	/* bridges (APs and hosts set them too), host, IGMP, repeater: no role */
	return true;
}

/*
 * All of v as an escaped string. Trailing NULs (a C terminator or padding
 * some senders include; tshark drops them too) are left out; any other NUL
 * is escaped like every non-printable byte.
 */
static bool read_text(struct hk_cur *v, char *dst, size_t dstsz)
{
	struct hk_cur t = *v;
	size_t n = 0, i = 0;
	bool ok;

	while (hk_cur_left(&t) > 0) {
		i++;
		if (hk_cur_u8(&t) != 0)
			n = i;
	}
	ok = hk_cur_str(v, n, dst, dstsz);
	hk_cur_skip(v, hk_cur_left(v));
	return ok;
}

static void emit_str(struct hk_cur *v, enum hk_obs_kind kind, uint8_t conf, const char *source,
		     struct hk_obs_sink *out)
{
	char val[HK_OBS_VALUE_MAX];

	if (read_text(v, val, sizeof(val)))
		hk_obs_emit(out, kind, HK_SIDE_SRC, conf, source, val);
}

/* One TLV's value; false when its own fields contradict each other. */
static bool cdp_tlv(uint16_t type, struct hk_cur *v, struct hk_obs_sink *out)
{
	char val[HK_OBS_VALUE_MAX];
	uint16_t vlan;

	switch (type) {
	case CDP_TLV_DEVICE_ID:
		emit_str(v, HK_OBS_HOSTNAME, 80, "cdp.device_id", out);
		return true;
	case CDP_TLV_ADDRESSES:
		return cdp_addresses(v, "cdp.address", out);
	case CDP_TLV_PORT_ID:
		emit_str(v, HK_OBS_RAW, 50, "cdp.port_id", out);
		return true;
	case CDP_TLV_CAPABILITIES:
		return cdp_capabilities(v, out);
	case CDP_TLV_SOFTWARE:
		/* several lines: the newlines are escaped, the tail cut */
		emit_str(v, HK_OBS_SOFTWARE, 50, "cdp.software", out);
		return true;
	case CDP_TLV_PLATFORM:
		emit_str(v, HK_OBS_MODEL, 70, "cdp.platform", out);
		return true;
	case CDP_TLV_VTP_DOMAIN:
		emit_str(v, HK_OBS_RAW, 50, "cdp.vtp_domain", out);
		return true;
	case CDP_TLV_NATIVE_VLAN:
		if (hk_cur_left(v) != 2)
			return false;
		vlan = hk_cur_be16(v);
		if (!hk_cur_ok(v))
			return false;
		snprintf(val, sizeof(val), "%u", (unsigned)vlan);
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, 50, "cdp.native_vlan", val);
		return true;
	case CDP_TLV_SYSTEM_NAME:
		emit_str(v, HK_OBS_HOSTNAME, 80, "cdp.sysname", out);
		return true;
	case CDP_TLV_MGMT_ADDRESSES:
		return cdp_addresses(v, "cdp.mgmt_addr", out);
	default:
		return true; /* duplex, power, VoIP VLAN, prefixes, ...: no identity */
	}
}

/*
 * Checks the TLV framing after the header without emitting anything: OK
 * when the TLVs fill the PDU exactly, TRUNCATED when one is cut, MALFORMED
 * for a length below the TLV header or more than CDP_TLVS_MAX TLVs.
 * *ret_n is the number of complete TLVs (not written on MALFORMED).
 */
static enum hk_parse_result cdp_framing(struct hk_cur w, size_t *ret_n)
{
	size_t n;

	for (n = 0; hk_cur_left(&w) > 0; n++) {
		uint16_t len;

		if (n == CDP_TLVS_MAX)
			return HK_PARSE_MALFORMED;
		hk_cur_skip(&w, 2); /* type */
		len = hk_cur_be16(&w);
		if (!hk_cur_ok(&w))
			break;
		if (len < CDP_TLV_HDR_LEN)
			return HK_PARSE_MALFORMED;
		hk_cur_skip(&w, len - CDP_TLV_HDR_LEN);
		if (!hk_cur_ok(&w))
			break;
	}
	*ret_n = n;
	return hk_cur_ok(&w) ? HK_PARSE_OK : HK_PARSE_TRUNCATED;
}

enum hk_parse_result proto_cdp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	enum hk_parse_result r;
	size_t n_tlvs = 0;
	uint8_t version;
	bool bad = false;

	if (ctx->l4 != 0 || ctx->ethertype != 0)
		return HK_PARSE_NOMATCH;
	version = hk_cur_u8(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (version != 1 && version != 2)
		return HK_PARSE_NOMATCH;
	hk_cur_skip(c, CDP_HDR_LEN - 1); /* TTL, checksum */
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	r = cdp_framing(*c, &n_tlvs);
	if (r == HK_PARSE_MALFORMED)
		return r;
	for (size_t i = 0; i < n_tlvs; i++) {
		uint16_t type = hk_cur_be16(c);
		uint16_t len = hk_cur_be16(c);
		struct hk_cur v;

		if (!hk_cur_ok(c) || len < CDP_TLV_HDR_LEN)
			return HK_PARSE_TRUNCATED; /* not reached: the framing pass saw it whole */
		v = hk_cur_sub(c, len - CDP_TLV_HDR_LEN);
		if (!hk_cur_ok(c))
			return HK_PARSE_TRUNCATED;
		if (!cdp_tlv(type, &v, out))
			bad = true;
	}
	if (r == HK_PARSE_TRUNCATED)
		return r;
	return bad ? HK_PARSE_MALFORMED : HK_PARSE_OK;
}
