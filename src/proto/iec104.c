/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IEC 60870-5-104: which end is the controlling station (SCADA) and which
 * the controlled station (RTU, IED, gateway), and the common address of the
 * controlled station's ASDUs.
 *
 * References: IEC 60870-5-104:2006, clause 5 (APCI: start 0x68, APDU
 * length <= 253, four control octets; I-, S- and U-format control fields;
 * STARTDT, STOPDT, TESTFR act and con) and clause 9 (the ASDU with a cause
 * of transmission of two octets and a common address of two octets);
 * IEC 60870-5-101:2003, 7.2 (data unit identifier: type identification,
 * 1..44 process information in monitor direction, 45..69 in control
 * direction, 70 end of initialisation, 100..109 system information in
 * control direction, 110..119 parameters, 120..127 file transfer; the
 * variable structure qualifier; the cause of transmission with its T and
 * P/N bits, causes 1..47; the common address, 0 unused, 0xFFFF global).
 *
 *   APCI  +------+-----+------+------+------+------+
 *         | 0x68 | len | ctl1 | ctl2 | ctl3 | ctl4 |   len = 4 + ASDU (4..253)
 *         +------+-----+------+------+------+------+
 *           I: ctl1 bit0 0 (N(S)), ctl3 bit0 0 (N(R)), then an ASDU
 *           S: ctl1 = 0x01, ctl2 = 0, ctl3 bit0 0, no ASDU
 *           U: ctl1 = 0x07 STARTDT act, 0x0B con, 0x13 STOPDT act, 0x23 con,
 *                     0x43 TESTFR act, 0x83 con; ctl2..4 = 0, no ASDU
 *   ASDU  | type | VSQ | COT: T|PN|cause | originator | CA 2 (LE) | objects ...
 *
 * Identity direction: each APDU says something of its sender (side SRC):
 * STARTDT/STOPDT act and activations/deactivations (cause 6, 8) and read
 * commands (cause 5 with a control-direction type) come from the
 * controlling station; STARTDT/STOPDT con, monitor-direction types (1..44,
 * 70) and confirmations/terminations/negative replies (cause 7, 9, 10,
 * 44..47), interrogated data (20..41) come from the controlled station.
 * TESTFR, S-format and file transfer (120..127) go both ways: no role. The
 * common address names the controlled station: the sender when it is
 * controlled, the receiver (side DST) when the sender controls.
 *
 * The flow layer gives the stream from its first byte (banner mode): APDUs
 * are walked from the start, at most IEC104_APDUS_MAX, all that the window
 * holds. What is found is said on every call; the result is TRUNCATED (call
 * again with more) until the window has shown a role and a common address,
 * or IEC104_APDUS_MAX APDUs were read, then OK. (Were the flow layer to
 * frame APDUs itself, one per call, TRUNCATED would only mean "nothing
 * decisive in this APDU".)
 *
 * Hostile input this defends against: each APDU is a sub-cursor of its
 * length octet (4..253), so the ASDU never reads the next APDU; S- and
 * U-format must be exactly four octets with their fixed bits right, an
 * I-format APDU must hold an ASDU header and name a type (else
 * MALFORMED); at most IEC104_CAS_MAX distinct common addresses are said
 * per call. A first octet other than 0x68, or a first length out of range,
 * is NOMATCH.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/proto.h"

#define IEC104_START 0x68
#define IEC104_LEN_MIN 4   /* the control field alone */
#define IEC104_LEN_MAX 253
#define IEC104_ASDU_HDR 6  /* type, VSQ, COT 2, CA 2 */
#define IEC104_APDUS_MAX 32
#define IEC104_CAS_MAX 4
#define IEC104_CA_GLOBAL 0xffff

#define IEC104_U_STARTDT_ACT 0x07
#define IEC104_U_STARTDT_CON 0x0b
#define IEC104_U_STOPDT_ACT 0x13
#define IEC104_U_STOPDT_CON 0x23
#define IEC104_U_TESTFR_ACT 0x43
#define IEC104_U_TESTFR_CON 0x83

#define IEC104_COT_CAUSE 0x3f

#define CONF_RAW 50

enum iec104_role {
	IEC104_ROLE_NONE = 0,
	IEC104_ROLE_CONTROLLING,
	IEC104_ROLE_CONTROLLED,
};

struct iec104_said {
	bool controlling, controlled;
	struct {
		enum hk_side side;
		uint16_t ca;
	} cas[IEC104_CAS_MAX];
	size_t n_cas;
};

/* The role of the sender of an ASDU of type t with cause (COT low six bits). */
static enum iec104_role asdu_role(uint8_t type, uint8_t cause)
{
	if ((type >= 1 && type <= 44) || type == 70)
		return IEC104_ROLE_CONTROLLED; /* monitor direction */
	if (type >= 120 && type <= 127)
		return IEC104_ROLE_NONE; /* file transfer goes both ways */
	switch (cause) {
	case 6: case 8: /* activation, deactivation */
		return IEC104_ROLE_CONTROLLING;
	case 5: /* request: C_RD_NA_1 asks, monitor types answer (above) */
		return IEC104_ROLE_CONTROLLING;
	case 4: case 7: case 9: case 10: case 11: case 12:
		/* initialised, confirmations, termination, return information */
		return IEC104_ROLE_CONTROLLED;
	default:
		if ((cause >= 20 && cause <= 41) || (cause >= 44 && cause <= 47))
			return IEC104_ROLE_CONTROLLED; /* interrogated; negative replies */
		return IEC104_ROLE_NONE;
	}
}

static void say_role(struct iec104_said *said, enum iec104_role role, struct hk_obs_sink *out)
{
	if (role == IEC104_ROLE_CONTROLLING && !said->controlling) {
		said->controlling = true;
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "iec104.role", "controlling");
	} else if (role == IEC104_ROLE_CONTROLLED && !said->controlled) {
		said->controlled = true;
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "iec104.role", "controlled");
	}
}

static void say_ca(struct iec104_said *said, enum hk_side side, uint16_t ca, struct hk_obs_sink *out)
{
	char val[8];

	if (ca == 0 || ca == IEC104_CA_GLOBAL)
		return;
	for (size_t i = 0; i < said->n_cas; i++)
		if (said->cas[i].side == side && said->cas[i].ca == ca)
			return;
	if (said->n_cas >= IEC104_CAS_MAX)
		return;
	said->cas[said->n_cas].side = side;
	said->cas[said->n_cas].ca = ca;
	said->n_cas++;
	snprintf(val, sizeof(val), "%u", ca);
	hk_obs_emit(out, HK_OBS_RAW, side, CONF_RAW, "iec104.common_address", val);
}

static enum hk_parse_result i_format(struct hk_cur *a, struct iec104_said *said, struct hk_obs_sink *out)
{
	uint8_t type, cot;
	uint16_t ca;
	enum iec104_role role;

	if (hk_cur_left(a) < IEC104_ASDU_HDR)
		return HK_PARSE_MALFORMED;
	type = hk_cur_u8(a);
	hk_cur_skip(a, 1); /* VSQ */
	cot = hk_cur_u8(a);
	hk_cur_skip(a, 1); /* originator address */
	ca = hk_cur_le16(a);
	if (!hk_cur_ok(a) || type == 0)
		return HK_PARSE_MALFORMED;
	role = asdu_role(type, cot & IEC104_COT_CAUSE);
	say_role(said, role, out);
	if (role != IEC104_ROLE_NONE)
		say_ca(said, role == IEC104_ROLE_CONTROLLED ? HK_SIDE_SRC : HK_SIDE_DST, ca, out);
	return HK_PARSE_OK;
}

/* One APDU at c; first: the first of the call (not IEC 104 is then NOMATCH). */
static enum hk_parse_result apdu(struct hk_cur *c, bool first, struct iec104_said *said, struct hk_obs_sink *out)
{
	struct hk_cur a;
	uint8_t len, c1, c2, c3, c4;

	if (hk_cur_left(c) < 1)
		return HK_PARSE_TRUNCATED;
	if (hk_cur_peek_u8(c, 0) != IEC104_START)
		return first ? HK_PARSE_NOMATCH : HK_PARSE_MALFORMED;
	if (hk_cur_left(c) < 2)
		return HK_PARSE_TRUNCATED;
	len = hk_cur_peek_u8(c, 1);
	if (len < IEC104_LEN_MIN || len > IEC104_LEN_MAX)
		return first ? HK_PARSE_NOMATCH : HK_PARSE_MALFORMED;
	if (!hk_cur_has(c, 2u + len))
		return HK_PARSE_TRUNCATED;
	hk_cur_skip(c, 2);
	a = hk_cur_sub(c, len);
	c1 = hk_cur_u8(&a);
	c2 = hk_cur_u8(&a);
	c3 = hk_cur_u8(&a);
	c4 = hk_cur_u8(&a);
	if (!hk_cur_ok(&a))
		return HK_PARSE_MALFORMED; /* cannot happen: len >= 4 */
	if ((c1 & 0x01) == 0) {
		if (c3 & 0x01)
			return HK_PARSE_MALFORMED;
		return i_format(&a, said, out);
	}
	if ((c1 & 0x03) == 0x01) {
		/* S-format: receive sequence number only */
		if (len != IEC104_LEN_MIN || c1 != 0x01 || c2 != 0 || (c3 & 0x01))
			return HK_PARSE_MALFORMED;
		return HK_PARSE_OK;
	}
	if (len != IEC104_LEN_MIN || c2 != 0 || c3 != 0 || c4 != 0)
		return HK_PARSE_MALFORMED;
	switch (c1) {
	case IEC104_U_STARTDT_ACT:
	case IEC104_U_STOPDT_ACT:
		say_role(said, IEC104_ROLE_CONTROLLING, out);
		return HK_PARSE_OK;
	case IEC104_U_STARTDT_CON:
	case IEC104_U_STOPDT_CON:
		say_role(said, IEC104_ROLE_CONTROLLED, out);
		return HK_PARSE_OK;
	case IEC104_U_TESTFR_ACT:
	case IEC104_U_TESTFR_CON:
		return HK_PARSE_OK;
	default:
		return HK_PARSE_MALFORMED; /* none or more than one function */
	}
}

enum hk_parse_result proto_iec104_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct iec104_said said = {.n_cas = 0};
	enum hk_parse_result r = HK_PARSE_OK;

	(void)ctx;
	for (unsigned i = 0; i < IEC104_APDUS_MAX; i++) {
		r = apdu(c, i == 0, &said, out);
		if (r != HK_PARSE_OK)
			break;
	}
	if (r == HK_PARSE_NOMATCH || r == HK_PARSE_MALFORMED)
		return r;
	if (r == HK_PARSE_OK)
		return HK_PARSE_OK; /* IEC104_APDUS_MAX read: enough of this stream */
	/* the window ends (inside an APDU or between two) */
	if ((said.controlling || said.controlled) && said.n_cas > 0)
		return HK_PARSE_OK;
	return HK_PARSE_TRUNCATED;
}
