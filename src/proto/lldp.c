/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LLDP: what a station says about itself to its link neighbour.
 *
 * References:
 *   IEEE 802.1AB-2016 clause 8 (LLDPDU and TLV formats: 8.5.2 Chassis ID,
 *   8.5.3 Port ID, 8.5.4 TTL, 8.5.8 System Capabilities, 8.5.9 Management
 *   Address, 8.6 organizationally specific TLVs; the End TLV became optional
 *   in this edition) and clause 9 (receive validation: mandatory TLVs first,
 *   in order, once; a TLV whose own fields are wrong is discarded alone);
 *   IEEE 802.3-2018 clause 79 (802.3 TLVs: MAC/PHY, Power via MDI, Link
 *   Aggregation, Maximum Frame Size); ANSI/TIA-1057-2006 clause 10.2
 *   (LLDP-MED capabilities and device type, inventory TLVs); RFC 8520 4.2
 *   (MUD URL, OUI 00-00-5E subtype 1); IANA address family numbers.
 *
 * The LLDPDU is the Ethernet payload of ethertype 0x88cc, a run of TLVs:
 *   +--------+---------+------------------------+
 *   | type 7b| len 9b  | value (len bytes)      |  ... repeated
 *   +--------+---------+------------------------+
 *   Chassis ID (1), Port ID (2), TTL (3) first, in this order, once each;
 *   then optional TLVs; End (0, len 0), optional since 2016, ends the PDU
 *   (Ethernet padding follows it).
 *   Chassis ID / Port ID:  | subtype 1 | id (1..255) |
 *   System Capabilities:   | capabilities 2 | enabled 2 |
 *   Management Address:    | strlen 1 | subtype 1 | addr (strlen-1) |
 *                          | if subtype 1 | if number 4 | oidlen 1 | oid |
 *   Organizationally specific: | OUI 3 | subtype 1 | info (len-4) |
 *     00-12-0f 802.3:  1 MAC/PHY (5), 2 Power via MDI (>= 3), 3 Link agg (5),
 *                      4 Max frame size (2)
 *     00-12-bb MED:    1 capabilities | caps 2 | class 1 |,
 *                      5..11 hw/fw/sw revision, serial, manufacturer, model,
 *                      asset ID (strings)
 *     00-00-5e IANA:   1 MUD URL (string)
 *
 * Identity direction: every LLDPDU describes its sender (side SRC); it is a
 * one-way advertisement, nobody answers it.
 *
 * Hostile input this defends against: each TLV value is a sub-cursor of its
 * 9-bit length, so no field reads its neighbour; a PDU of more than
 * LLDP_TLVS_MAX TLVs (End included) is MALFORMED. The framing is checked first (mandatory TLVs present, in
 * order, once, with sane lengths): a PDU that fails it is MALFORMED and says
 * nothing. A PDU cut short says what its complete TLVs said and is
 * TRUNCATED; without an End TLV we cannot tell a cut from a 2016-style PDU
 * that omits it, so running out at a TLV boundary is TRUNCATED too. A TLV
 * whose own fields contradict each other (management address lengths, a
 * short organizational header, a wrong fixed size) is dropped alone and
 * the PDU is MALFORMED. Strings are escaped and cut by the cursor; trailing
 * NULs (C terminators some senders add) are dropped, inner ones escaped.
 */
#include <stdio.h>
#include <string.h>

#include "herkomst/packet.h"
#include "proto/proto.h"

#define LLDP_ETHERTYPE 0x88cc
#define LLDP_TLVS_MAX 256   /* a full 1500-byte PDU of real TLVs holds far fewer */
#define LLDP_ID_LEN_MIN 2   /* subtype + at least one byte */
#define LLDP_ID_LEN_MAX 256 /* subtype + 255 */
#define LLDP_TTL_LEN_MIN 2
#define LLDP_MGMT_STR_MIN 2 /* subtype + at least one byte */
#define LLDP_MGMT_STR_MAX 32
#define LLDP_OID_LEN_MAX 128
#define LLDP_ORG_HDR_LEN 4 /* OUI + subtype */

enum lldp_tlv {
	LLDP_TLV_END = 0,
	LLDP_TLV_CHASSIS_ID = 1,
	LLDP_TLV_PORT_ID = 2,
	LLDP_TLV_TTL = 3,
	LLDP_TLV_PORT_DESC = 4,
	LLDP_TLV_SYS_NAME = 5,
	LLDP_TLV_SYS_DESC = 6,
	LLDP_TLV_SYS_CAP = 7,
	LLDP_TLV_MGMT_ADDR = 8,
	LLDP_TLV_ORG = 127,
};

/* Chassis ID subtypes (8.5.2.2) and Port ID subtypes (8.5.3.2) that are not strings */
#define LLDP_CHASSIS_MAC 4
#define LLDP_CHASSIS_NETADDR 5
#define LLDP_PORT_MAC 3
#define LLDP_PORT_NETADDR 4

/* IANA address family numbers (network address subtypes, management address) */
#define IANA_AF_IPV4 1
#define IANA_AF_IPV6 2

/* System capabilities bits (8.5.8.1) */
#define LLDP_CAP_BRIDGE 0x0004
#define LLDP_CAP_WLAN_AP 0x0008
#define LLDP_CAP_ROUTER 0x0010
#define LLDP_CAP_PHONE 0x0020
#define LLDP_CAP_CVLAN 0x0100 /* C-VLAN component of a VLAN bridge */
#define LLDP_CAP_SVLAN 0x0200 /* S-VLAN component of a provider bridge */

#define OUI_IEEE_8023 0x00120f
#define OUI_TIA_MED 0x0012bb
#define OUI_IANA 0x00005e

enum lldp_8023_subtype {
	LLDP_8023_MACPHY = 1,
	LLDP_8023_POWER = 2,
	LLDP_8023_LINKAGG = 3,
	LLDP_8023_MAXFRAME = 4,
};
#define LLDP_8023_MACPHY_LEN 5
#define LLDP_8023_POWER_LEN_MIN 3
#define LLDP_8023_LINKAGG_LEN 5
#define LLDP_8023_MAXFRAME_LEN 2
#define LLDP_POWER_PORT_CLASS_PSE 0x01

enum lldp_med_subtype {
	LLDP_MED_CAPS = 1,
	LLDP_MED_HW_REV = 5,
	LLDP_MED_FW_REV = 6,
	LLDP_MED_SW_REV = 7,
	LLDP_MED_SERIAL = 8,
	LLDP_MED_MFR = 9,
	LLDP_MED_MODEL = 10,
	LLDP_MED_ASSET = 11,
};
#define LLDP_MED_CAPS_LEN 3
#define LLDP_MED_CLASS_III 3 /* communication device endpoint: IP phones */

#define IANA_SUBTYPE_MUD_URL 1

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

/* "aa:bb:cc:..." of everything left in v, cut at a byte boundary. */
static void fmt_hex(struct hk_cur *v, char *dst, size_t dstsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	dst[0] = '\0';
	while (hk_cur_left(v) > 0 && dstsz - o >= 4) {
		uint8_t b = hk_cur_u8(v);
		if (o)
			dst[o++] = ':';
		dst[o++] = hex[b >> 4];
		dst[o++] = hex[b & 15];
	}
	dst[o] = '\0';
}

/* Reads an IPv4 (4 bytes) or IPv6 (16) address filling v exactly. */
static bool read_addr(struct hk_cur *v, uint8_t iana_af, struct hk_addr *ret)
{
	size_t n = iana_af == IANA_AF_IPV4 ? 4 : iana_af == IANA_AF_IPV6 ? 16 : 0;

	memset(ret, 0, sizeof(*ret));
	if (!n || hk_cur_left(v) != n)
		return false;
	if (!hk_cur_copy(v, ret->a, n))
		return false;
	ret->family = n == 4 ? 4 : 6;
	return true;
}

/* A network address ID (| family 1 | address |): the address as text when
 * it is IPv4/IPv6 of the right size, else the bytes in hex. */
static void fmt_netaddr(struct hk_cur *v, char *dst, size_t dstsz)
{
	struct hk_cur save = *v;
	uint8_t af = hk_cur_u8(v);
	struct hk_addr a;
	char buf[HK_ADDR_STRLEN];

	if (hk_cur_ok(v) && read_addr(v, af, &a)) {
		snprintf(dst, dstsz, "%s", hk_addr_fmt(&a, buf));
		return;
	}
	*v = save;
	fmt_hex(v, dst, dstsz);
}

/* Chassis ID and Port ID: | subtype | id |, rendered by subtype. */
static void lldp_id(struct hk_cur *v, uint8_t mac_subtype, uint8_t netaddr_subtype, const char *source,
		    struct hk_obs_sink *out)
{
	char val[HK_OBS_VALUE_MAX];
	uint8_t subtype = hk_cur_u8(v);

	if (subtype == mac_subtype)
		fmt_hex(v, val, sizeof(val));
	else if (subtype == netaddr_subtype)
		fmt_netaddr(v, val, sizeof(val));
	else
		read_text(v, val, sizeof(val));
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, 50, source, val);
}

static void emit_str(struct hk_cur *v, enum hk_obs_kind kind, uint8_t conf, const char *source,
		     struct hk_obs_sink *out)
{
	char val[HK_OBS_VALUE_MAX];

	if (read_text(v, val, sizeof(val)))
		hk_obs_emit(out, kind, HK_SIDE_SRC, conf, source, val);
}

static bool lldp_sys_cap(struct hk_cur *v, struct hk_obs_sink *out)
{
	uint16_t enabled;

	if (hk_cur_left(v) != 4)
		return false;
	hk_cur_skip(v, 2); /* what the system can do; we report what it does */
	enabled = hk_cur_be16(v);
	if (!hk_cur_ok(v))
		return false;
	if (enabled & LLDP_CAP_ROUTER)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, 70, "lldp.capabilities", "router");
	if (enabled & (LLDP_CAP_BRIDGE | LLDP_CAP_CVLAN | LLDP_CAP_SVLAN))
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, 70, "lldp.capabilities", "switch");
	if (enabled & LLDP_CAP_WLAN_AP)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, 70, "lldp.capabilities", "access-point");
	if (enabled & LLDP_CAP_PHONE)
		hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, 70, "lldp.capabilities", "phone");
	/* station only, repeater, DOCSIS, TPMR, other: no role of ours */
	return true;
}

static bool lldp_mgmt_addr(struct hk_cur *v, struct hk_obs_sink *out)
{
	struct hk_cur addr;
	struct hk_addr a;
	uint8_t addr_len, oidlen, subtype;
	char buf[HK_ADDR_STRLEN];

	addr_len = hk_cur_u8(v);
	if (!hk_cur_ok(v) || addr_len < LLDP_MGMT_STR_MIN || addr_len > LLDP_MGMT_STR_MAX)
		return false;
	addr = hk_cur_sub(v, addr_len);
	hk_cur_skip(v, 1 + 4); /* interface numbering subtype, interface number */
	oidlen = hk_cur_u8(v);
	if (!hk_cur_ok(v) || oidlen > LLDP_OID_LEN_MAX)
		return false;
	hk_cur_skip(v, oidlen);
	if (!hk_cur_ok(v) || hk_cur_left(v) != 0)
		return false;
	subtype = hk_cur_u8(&addr);
	if (subtype != IANA_AF_IPV4 && subtype != IANA_AF_IPV6)
		return true; /* MAC (6) and others name no IP */
	if (!read_addr(&addr, subtype, &a))
		return false;
	if (hk_addr_is_unicast(&a))
		hk_obs_emit(out, HK_OBS_IP, HK_SIDE_SRC, 80, "lldp.mgmt_addr", hk_addr_fmt(&a, buf));
	return true;
}

static bool lldp_org_8023(struct hk_cur *v, uint8_t subtype, struct hk_obs_sink *out)
{
	size_t left = hk_cur_left(v);
	uint8_t mdi;

	switch (subtype) {
	case LLDP_8023_MACPHY:
		return left == LLDP_8023_MACPHY_LEN; /* link speed: no identity */
	case LLDP_8023_POWER:
		if (left < LLDP_8023_POWER_LEN_MIN)
			return false;
		mdi = hk_cur_u8(v);
		/* a powered device (PD) is a phone, AP, camera, ...: a hint for analysts */
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, 50, "lldp.poe",
			    (mdi & LLDP_POWER_PORT_CLASS_PSE) ? "pse" : "pd");
		return hk_cur_ok(v);
	case LLDP_8023_LINKAGG:
		return left == LLDP_8023_LINKAGG_LEN;
	case LLDP_8023_MAXFRAME:
		return left == LLDP_8023_MAXFRAME_LEN;
	default:
		return true;
	}
}

static bool lldp_org_med(struct hk_cur *v, uint8_t subtype, struct hk_obs_sink *out)
{
	uint8_t dev_class;

	switch (subtype) {
	case LLDP_MED_CAPS:
		if (hk_cur_left(v) != LLDP_MED_CAPS_LEN)
			return false;
		hk_cur_skip(v, 2);
		dev_class = hk_cur_u8(v);
		if (!hk_cur_ok(v))
			return false;
		/* Class III is "communication device": IP phones, and the odd
		 * softphone; lower than advertised capabilities for that. */
		if (dev_class == LLDP_MED_CLASS_III)
			hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, 60, "lldp.med.class", "phone");
		return true;
	case LLDP_MED_HW_REV:
		emit_str(v, HK_OBS_RAW, 50, "lldp.med.hw_rev", out);
		return true;
	case LLDP_MED_FW_REV:
		emit_str(v, HK_OBS_FIRMWARE, 75, "lldp.med.fw", out);
		return true;
	case LLDP_MED_SW_REV:
		emit_str(v, HK_OBS_FIRMWARE, 70, "lldp.med.sw", out);
		return true;
	case LLDP_MED_SERIAL:
		emit_str(v, HK_OBS_SERIAL, 80, "lldp.med.serial", out);
		return true;
	case LLDP_MED_MFR:
		emit_str(v, HK_OBS_VENDOR, 75, "lldp.med.mfr", out);
		return true;
	case LLDP_MED_MODEL:
		emit_str(v, HK_OBS_MODEL, 75, "lldp.med.model", out);
		return true;
	case LLDP_MED_ASSET:
		emit_str(v, HK_OBS_RAW, 50, "lldp.med.asset_id", out);
		return true;
	default:
		return true; /* network policy, location, power: no identity */
	}
}

static bool lldp_org(struct hk_cur *v, struct hk_obs_sink *out)
{
	uint32_t oui;
	uint8_t subtype;

	oui = hk_cur_be24(v);
	subtype = hk_cur_u8(v);
	if (!hk_cur_ok(v))
		return false;
	switch (oui) {
	case OUI_IEEE_8023:
		return lldp_org_8023(v, subtype, out);
	case OUI_TIA_MED:
		return lldp_org_med(v, subtype, out);
	case OUI_IANA:
		if (subtype == IANA_SUBTYPE_MUD_URL) {
			if (hk_cur_left(v) == 0)
				return false;
			emit_str(v, HK_OBS_RAW, 50, "lldp.mud_url", out);
		}
		return true;
	default:
		return true; /* 802.1 (VLANs, DCB), vendors: nothing about identity */
	}
}

/* One TLV's value; false when its own fields contradict each other. */
static bool lldp_tlv(unsigned type, struct hk_cur *v, struct hk_obs_sink *out)
{
	switch (type) {
	case LLDP_TLV_CHASSIS_ID:
		lldp_id(v, LLDP_CHASSIS_MAC, LLDP_CHASSIS_NETADDR, "lldp.chassis_id", out);
		return true;
	case LLDP_TLV_PORT_ID:
		lldp_id(v, LLDP_PORT_MAC, LLDP_PORT_NETADDR, "lldp.port_id", out);
		return true;
	case LLDP_TLV_PORT_DESC:
		emit_str(v, HK_OBS_RAW, 50, "lldp.port_desc", out);
		return true;
	case LLDP_TLV_SYS_NAME:
		emit_str(v, HK_OBS_HOSTNAME, 80, "lldp.sysname", out);
		return true;
	case LLDP_TLV_SYS_DESC:
		emit_str(v, HK_OBS_SOFTWARE, 50, "lldp.sysdesc", out);
		return true;
	case LLDP_TLV_SYS_CAP:
		return lldp_sys_cap(v, out);
	case LLDP_TLV_MGMT_ADDR:
		return lldp_mgmt_addr(v, out);
	case LLDP_TLV_ORG:
		if (hk_cur_left(v) < LLDP_ORG_HDR_LEN)
			return false;
		return lldp_org(v, out);
	default:
		return true; /* TTL; reserved types 9..126 are skipped */
	}
}

/*
 * Checks the framing of the TLV run without emitting anything: OK when an
 * End TLV closes it, TRUNCATED when the bytes run out first, MALFORMED when
 * the mandatory TLVs are missing, out of order, repeated or of impossible
 * size, or there are more than LLDP_TLVS_MAX. *ret_n is the number of
 * complete TLVs before the End or the cut (not written on MALFORMED).
 */
static enum hk_parse_result lldp_framing(struct hk_cur w, size_t *ret_n)
{
	size_t n;

	for (n = 0;; n++) {
		uint16_t hdr;
		unsigned type, len;

		if (hk_cur_left(&w) == 0)
			break; /* no End TLV: cut, or a PDU that omits it */
		if (n == LLDP_TLVS_MAX)
			return HK_PARSE_MALFORMED;
		hdr = hk_cur_be16(&w);
		if (!hk_cur_ok(&w))
			break;
		type = hdr >> 9;
		len = hdr & 0x1ff;
		if (n < 3 && type != n + 1)
			return HK_PARSE_MALFORMED; /* chassis ID, port ID, TTL first, in order */
		if (n >= 3 && type >= LLDP_TLV_CHASSIS_ID && type <= LLDP_TLV_TTL)
			return HK_PARSE_MALFORMED; /* a second mandatory TLV */
		if (type == LLDP_TLV_END) {
			if (len != 0)
				return HK_PARSE_MALFORMED;
			*ret_n = n;
			return HK_PARSE_OK;
		}
		if ((type == LLDP_TLV_CHASSIS_ID || type == LLDP_TLV_PORT_ID) &&
		    (len < LLDP_ID_LEN_MIN || len > LLDP_ID_LEN_MAX))
			return HK_PARSE_MALFORMED;
		if (type == LLDP_TLV_TTL && len < LLDP_TTL_LEN_MIN)
			return HK_PARSE_MALFORMED;
		hk_cur_skip(&w, len);
		if (!hk_cur_ok(&w))
			break;
	}
	*ret_n = n;
	return HK_PARSE_TRUNCATED;
}

enum hk_parse_result proto_lldp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	enum hk_parse_result r;
	size_t n_tlvs = 0;
	bool bad = false;

	if (ctx->l4 != 0 || (ctx->ethertype && ctx->ethertype != LLDP_ETHERTYPE))
		return HK_PARSE_NOMATCH;
	r = lldp_framing(*c, &n_tlvs);
	if (r == HK_PARSE_MALFORMED)
		return r;
	/* the framing held up to n_tlvs complete TLVs: walk them again and speak */
	for (size_t i = 0; i < n_tlvs; i++) {
		uint16_t hdr = hk_cur_be16(c);
		struct hk_cur v = hk_cur_sub(c, hdr & 0x1ff);

		if (!hk_cur_ok(c))
			return HK_PARSE_TRUNCATED; /* not reached: the framing pass saw it whole */
		if (!lldp_tlv(hdr >> 9, &v, out))
			bad = true;
	}
	if (r == HK_PARSE_OK)
		hk_cur_skip(c, 2); /* the End TLV; padding may follow */
	if (r == HK_PARSE_TRUNCATED)
		return r;
	return bad ? HK_PARSE_MALFORMED : HK_PARSE_OK;
}
