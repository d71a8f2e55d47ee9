/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BACnet/IP: who a building-automation device says it is, in its I-Am and
 * when a workstation reads its Device object.
 *
 * References:
 *   ANSI/ASHRAE Standard 135-2020, BACnet: Annex J (BACnet/IP, J.2 BVLL:
 *   type 0x81, function, length of the whole BVLL message; J.2.9
 *   Forwarded-NPDU carries the original source B/IP address, 4 + 2 bytes),
 *   clause 6.2 (NPDU: version 1, control bits 7 network-layer message,
 *   5 DNET/DLEN/DADR present, 3 SNET/SLEN/SADR present, hop count after
 *   the source when a destination is present; 6.2.2: only a router inserts
 *   a source specifier), 6.4 (network-layer messages, 0x01
 *   I-Am-Router-To-Network), clause 20.1 (APDU types and headers: 0
 *   Confirmed-Request, 1 Unconfirmed-Request, 2 SimpleACK, 3 ComplexACK
 *   with a segment sequence number and window when segmented, 4..7 the
 *   others), 20.2 (tag encoding: tag number, class, length/value/type;
 *   extended tag numbers and lengths; context opening 6 / closing 7),
 *   20.2.9 (CharacterString: a character-set byte, 0 UTF-8 (formerly ANSI
 *   X3.4), 1 IBM/Microsoft DBCS with a 2-byte code page, 2 JIS X 0208,
 *   3 UCS-4, 4 UCS-2, 5 ISO 8859-1), 16.1 I-Am / I-Have / Who-Has /
 *   Who-Is, 16.x Who-Am-I (13) and You-Are (14) (Addendum 135-2020bi),
 *   15.5 ReadProperty-ACK, 15.7 ReadPropertyMultiple-ACK, 12.11 the Device
 *   object's properties (75 object-identifier, 77 object-name, 121
 *   vendor-name, 120 vendor-identifier, 70 model-name, 44 firmware-
 *   revision, 12 application-software-version, 58 location, 28
 *   description, 372 serial-number).
 *
 *   BVLL  | 0x81 | function 1 | length 2 (the whole datagram) |
 *         [ Forwarded-NPDU (0x04): | original IPv4 4 | original port 2 | ]
 *   NPDU  | version 1 (=1) | control 1 | [DNET 2 | DLEN 1 | DADR] |
 *         [SNET 2 | SLEN 1 | SADR] | [hop count 1] |
 *         network message: | type 1 | [vendor 2 if type >= 0x80] | ...
 *   APDU  | type<<4 | flags ...
 *     Unconfirmed: | 0x10 | service 1 | tagged parameters |
 *       I-Am:      | C4 objectid(device,n) | 2x max APDU | 91 segmentation |
 *                  | 2x vendor id |
 *       Who-Am-I:  | 2x vendor id | 7x model name | 7x serial number |
 *     ComplexACK:  | 0x3? | invoke 1 | [seq 1 | window 1] | service 1 | ...
 *       ReadProperty-ACK: | 0C objectid | 19 property | [29 index] |
 *                         | 3E value(s) 3F |
 *       ReadPropertyMultiple-ACK: { | 0C objectid | 1E | { | 29 property |
 *                         [39 index] | 4E value(s) 4F or 5E error 5F | } | 1F | }
 *   tag: | num 4 | class 1 | lvt 3 | [num 1 if 15] | [len 1/3/5 if lvt 5] |
 *
 * Identity direction: an I-Am, I-Have, Who-Am-I and a ComplexACK describe
 * their sender (side SRC), a Who-Is or Who-Has says its sender is a client
 * (a workstation, or a controller binding its peers). Two exceptions: a
 * Forwarded-NPDU is relayed by a BBMD, and what it carries is about the
 * original source address in the BVLL (hk_obs_emit_about, IP only; the
 * BBMD itself is a "bbmd"); an NPDU with a source specifier was relayed by
 * a BACnet router from another network (MS/TP, ...), so its APDU is about
 * a device that has no IP of its own here: the sender is said to be a
 * "router" and the identity is not pinned on it (an I-Am is kept as a
 * bacnet.routed_i_am fingerprint of the router). A You-Are echoes a
 * Who-Am-I to the device it configures and is not read.
 *
 * Emitted:
 *   bacnet.device_instance RAW 50 (I-Am, I-Have, property 75)
 *   bacnet.vendor_id       RAW 50 decimal (I-Am, Who-Am-I, property 120);
 *                          signatures/vendor-ids/bacnet.tsv names it
 *   bacnet.i_am            ROLE "bms-controller" 50
 *   bacnet.vendor_name     VENDOR 90     bacnet.model_name  MODEL 90
 *   bacnet.firmware        FIRMWARE 90   bacnet.app_version FIRMWARE 80
 *   bacnet.object_name     HOSTNAME 70   bacnet.serial      SERIAL 90
 *   bacnet.location, bacnet.description RAW 50
 *   bacnet.role            RAW 50 "client", "router", "bbmd"
 *   bacnet.routed_i_am     RAW 50 "snet=N sadr=HEX device=N vendor=N"
 * Properties are read only from the Device object (type 8) and without an
 * array index. Character strings become UTF-8 (UCS-2, UCS-4 and ISO 8859-1
 * are converted), then escaped: non-ASCII as \xNN per UTF-8 byte; DBCS and
 * JIS strings are escaped byte by byte. A segmented ComplexACK is read from
 * its first segment only, as far as it goes; later segments are skipped.
 *
 * Hostile input this defends against: the BVLL length must equal the
 * datagram; DLEN and SLEN are bounded by BACNET_ADDR_LEN_MAX; every tag's
 * content is a sub-cursor of its (extended) length; tags walked per APDU
 * are bounded by BACNET_TAGS_MAX and property results per
 * ReadPropertyMultiple-ACK by BACNET_PROPS_MAX (the rest is not read), the
 * nesting of opening tags by BACNET_DEPTH_MAX (deeper is MALFORMED); an
 * APDU that contradicts itself is MALFORMED and says nothing (it is walked
 * whole before anything is emitted). Not-BVLL (a first byte other than
 * 0x81, e.g. BACnet/IPv6's 0x82) is NOMATCH.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "herkomst/packet.h"
#include "proto/proto.h"

#define BACNET_BVLL_TYPE 0x81
#define BACNET_BVLL_HDR 4
#define BACNET_ADDR_LEN_MAX 18 /* DLEN/SLEN: the longest MAC of any data link (B/IPv6 + port) */
#define BACNET_TAGS_MAX 512    /* tags walked per APDU */
#define BACNET_DEPTH_MAX 8     /* nested opening tags inside one value */
#define BACNET_PROPS_MAX 64    /* property results read from one ReadPropertyMultiple-ACK */

#define BVLC_READ_BDT_ACK 0x03
#define BVLC_FORWARDED_NPDU 0x04
#define BVLC_DISTRIBUTE_BROADCAST 0x09
#define BVLC_ORIGINAL_UNICAST 0x0a
#define BVLC_ORIGINAL_BROADCAST 0x0b
#define BVLC_FUNCTION_LAST 0x0c /* Secure-BVLL */

#define NPCI_NETWORK_MSG 0x80
#define NPCI_DNET 0x20
#define NPCI_SNET 0x08
#define NET_I_AM_ROUTER 0x01

#define APDU_CONFIRMED 0
#define APDU_UNCONFIRMED 1
#define APDU_COMPLEX_ACK 3
#define APDU_ABORT 7
#define APDU_SEGMENTED 0x08

#define SVC_I_AM 0
#define SVC_I_HAVE 1
#define SVC_WHO_HAS 7
#define SVC_WHO_IS 8
#define SVC_WHO_AM_I 13
#define SVC_READ_PROPERTY 12
#define SVC_READ_PROPERTY_MULTIPLE 14

#define TAG_BOOLEAN 1
#define TAG_UNSIGNED 2
#define TAG_ENUMERATED 9
#define TAG_CHARSTRING 7
#define TAG_OBJECT_ID 12
#define LVT_EXTENDED 5
#define LVT_OPEN 6
#define LVT_CLOSE 7

#define OBJ_DEVICE 8
#define INSTANCE_MASK 0x3fffffu

#define PROP_APP_VERSION 12
#define PROP_DESCRIPTION 28
#define PROP_FIRMWARE 44
#define PROP_LOCATION 58
#define PROP_MODEL_NAME 70
#define PROP_OBJECT_ID 75
#define PROP_OBJECT_NAME 77
#define PROP_VENDOR_ID 120
#define PROP_VENDOR_NAME 121
#define PROP_SERIAL 372

#define CHARSET_UTF8 0
#define CHARSET_DBCS 1
#define CHARSET_UCS4 3
#define CHARSET_UCS2 4
#define CHARSET_LATIN1 5

#define CONF_RAW 50
#define CONF_ROLE 50
#define CONF_IDENTITY 90
#define CONF_APP_VERSION 80
#define CONF_OBJECT_NAME 70

/* How a walk ended. */
enum bac_walk {
	WALK_OK = 0,
	WALK_END,       /* ran out of bytes */
	WALK_STOP,      /* a bound was reached: the rest is not read */
	WALK_MALFORMED, /* bytes present but self-contradictory */
};

struct bac_tag {
	uint32_t num;
	bool context;
	bool open, close;
	uint8_t lvt;  /* the boolean's value for application tag 1 */
	struct hk_cur v; /* the content */
};

/* One call's state: where observations go and the tag budget. */
struct bac {
	struct hk_obs_sink *out;   /* NULL while validating */
	bool about_other;          /* a Forwarded-NPDU: about orig, not the sender */
	bool silent;               /* no subject we can name: nothing is said */
	struct hk_endpoint orig;
	unsigned n_tags;
};

static void say(struct bac *b, enum hk_obs_kind kind, uint8_t conf, const char *src, const char *val)
{
	if (!b->out || b->silent)
		return;
	if (b->about_other)
		hk_obs_emit_about(b->out, kind, &b->orig, conf, src, val);
	else
		hk_obs_emit(b->out, kind, HK_SIDE_SRC, conf, src, val);
}

/* Reads one tag and takes its content as a sub-cursor. */
static enum bac_walk tag_read(struct bac *b, struct hk_cur *c, struct bac_tag *t)
{
	uint8_t first;
	uint32_t len = 0;

	if (hk_cur_left(c) == 0)
		return WALK_END;
	if (++b->n_tags > BACNET_TAGS_MAX)
		return WALK_STOP;
	first = hk_cur_u8(c);
	t->num = first >> 4;
	t->context = (first & 0x08) != 0;
	t->lvt = first & 0x07;
	t->open = t->close = false;
	t->v = hk_cur_sub(c, 0);
	if (t->num == 15)
		t->num = hk_cur_u8(c);
	if (t->context && t->lvt == LVT_OPEN) {
		t->open = true;
	} else if (t->context && t->lvt == LVT_CLOSE) {
		t->close = true;
	} else if (!t->context && t->num == TAG_BOOLEAN) {
		len = 0; /* the value is in the tag */
	} else if (t->lvt < LVT_EXTENDED) {
		len = t->lvt;
	} else if (t->lvt == LVT_EXTENDED) {
		uint8_t x = hk_cur_u8(c);
		if (x < 254)
			len = x;
		else if (x == 254)
			len = hk_cur_be16(c);
		else
			len = hk_cur_be32(c);
	} else {
		return hk_cur_ok(c) ? WALK_MALFORMED : WALK_END; /* application tag with lvt 6/7 */
	}
	if (!hk_cur_ok(c))
		return WALK_END;
	if (len > hk_cur_left(c))
		return WALK_END;
	t->v = hk_cur_sub(c, len);
	return hk_cur_ok(c) ? WALK_OK : WALK_END;
}

/* Reads a tag only when it is the context tag num (open/close/primitive as
 * asked); otherwise leaves c where it was. */
static enum bac_walk ctx_tag(struct bac *b, struct hk_cur *c, uint32_t num, int kind, struct bac_tag *t)
{
	struct hk_cur save = *c;
	unsigned n_tags = b->n_tags;
	enum bac_walk w = tag_read(b, c, t);

	if (w != WALK_OK)
		return w;
	if (t->context && t->num == num &&
	    ((kind == LVT_OPEN && t->open) || (kind == LVT_CLOSE && t->close) || (kind == 0 && !t->open && !t->close)))
		return WALK_OK;
	*c = save;
	b->n_tags = n_tags;
	return WALK_MALFORMED;
}

static bool unsigned_value(struct hk_cur v, uint32_t *ret)
{
	size_t n = hk_cur_left(&v);
	uint32_t x = 0;

	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++)
		x = x << 8 | hk_cur_u8(&v);
	if (!hk_cur_ok(&v))
		return false;
	*ret = x;
	return true;
}

static size_t utf8_put(uint8_t *dst, size_t o, size_t cap, uint32_t cp)
{
	uint8_t tmp[4];
	size_t n;

	if (cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		tmp[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (uint8_t)(0xc0 | cp >> 6);
		tmp[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (uint8_t)(0xe0 | cp >> 12);
		tmp[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		tmp[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		tmp[0] = (uint8_t)(0xf0 | cp >> 18);
		tmp[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		tmp[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		tmp[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (n > cap - o)
		return o; /* full: the escape would cut it anyway */
	memcpy(dst + o, tmp, n);
	return o + n;
}

/*
 * A CharacterString's content as an escaped value; false when it is empty
 * or its length does not suit its character set. Trailing NULs (C
 * terminators some devices send) are dropped.
 */
static bool charstring(struct hk_cur v, char *dst, size_t dstsz)
{
	uint8_t raw[HK_OBS_VALUE_MAX];
	size_t o = 0, unit = 1;
	uint8_t set = hk_cur_u8(&v);

	if (!hk_cur_ok(&v))
		return false;
	if (set == CHARSET_DBCS)
		hk_cur_skip(&v, 2); /* code page */
	if (set == CHARSET_UCS2)
		unit = 2;
	else if (set == CHARSET_UCS4)
		unit = 4;
	if (!hk_cur_ok(&v) || hk_cur_left(&v) % unit != 0)
		return false;
	while (hk_cur_left(&v) >= unit && o < sizeof(raw)) {
		uint32_t cp = 0;

		for (size_t i = 0; i < unit; i++)
			cp = cp << 8 | hk_cur_u8(&v);
		if (set == CHARSET_UCS2 || set == CHARSET_UCS4 || set == CHARSET_LATIN1)
			o = utf8_put(raw, o, sizeof(raw), cp);
		else
			raw[o++] = (uint8_t)cp; /* UTF-8 as is; DBCS, JIS: bytes, escaped */
	}
	while (o > 0 && raw[o - 1] == 0)
		o--;
	if (o == 0)
		return false;
	hk_escape(raw, o, dst, dstsz);
	return dst[0] != '\0';
}

/* What a Device object property says (v: the first application-tagged value). */
static void property_emit(struct bac *b, uint32_t prop, const struct bac_tag *t)
{
	char val[HK_OBS_VALUE_MAX];
	uint32_t x;

	if (!b->out || t->context)
		return;
	if (t->num == TAG_UNSIGNED && prop == PROP_VENDOR_ID && unsigned_value(t->v, &x)) {
		snprintf(val, sizeof(val), "%u", (unsigned)x);
		say(b, HK_OBS_RAW, CONF_RAW, "bacnet.vendor_id", val);
		return;
	}
	if (t->num == TAG_OBJECT_ID && prop == PROP_OBJECT_ID && unsigned_value(t->v, &x) &&
	    hk_cur_left(&t->v) == 4 && x >> 22 == OBJ_DEVICE) {
		snprintf(val, sizeof(val), "%u", (unsigned)(x & INSTANCE_MASK));
		say(b, HK_OBS_RAW, CONF_RAW, "bacnet.device_instance", val);
		return;
	}
	if (t->num != TAG_CHARSTRING || !charstring(t->v, val, sizeof(val)))
		return;
	switch (prop) {
	case PROP_VENDOR_NAME:
		say(b, HK_OBS_VENDOR, CONF_IDENTITY, "bacnet.vendor_name", val);
		break;
	case PROP_MODEL_NAME:
		say(b, HK_OBS_MODEL, CONF_IDENTITY, "bacnet.model_name", val);
		break;
	case PROP_FIRMWARE:
		say(b, HK_OBS_FIRMWARE, CONF_IDENTITY, "bacnet.firmware", val);
		break;
	case PROP_APP_VERSION:
		say(b, HK_OBS_FIRMWARE, CONF_APP_VERSION, "bacnet.app_version", val);
		break;
	case PROP_OBJECT_NAME:
		say(b, HK_OBS_HOSTNAME, CONF_OBJECT_NAME, "bacnet.object_name", val);
		break;
	case PROP_SERIAL:
		say(b, HK_OBS_SERIAL, CONF_IDENTITY, "bacnet.serial", val);
		break;
	case PROP_LOCATION:
		say(b, HK_OBS_RAW, CONF_RAW, "bacnet.location", val);
		break;
	case PROP_DESCRIPTION:
		say(b, HK_OBS_RAW, CONF_RAW, "bacnet.description", val);
		break;
	default:
		break;
	}
}

/*
 * The values between an opening tag (already read) and its closing tag
 * close_num; the first primitive application value goes to first (num 0
 * and context true when there is none).
 */
static enum bac_walk values(struct bac *b, struct hk_cur *c, uint32_t close_num, struct bac_tag *first)
{
	unsigned depth = 0;
	bool have = false;

	first->context = true;
	first->num = 0;
	for (;;) {
		struct bac_tag t;
		enum bac_walk w = tag_read(b, c, &t);

		if (w != WALK_OK)
			return w;
		if (t.open) {
			if (++depth > BACNET_DEPTH_MAX)
				return WALK_MALFORMED;
		} else if (t.close) {
			if (depth == 0)
				return t.num == close_num ? WALK_OK : WALK_MALFORMED;
			depth--;
		} else if (!have && !t.context && depth == 0) {
			*first = t;
			have = true;
		}
	}
}

static bool object_id(const struct bac_tag *t, uint32_t *ret)
{
	return hk_cur_left(&t->v) == 4 && unsigned_value(t->v, ret);
}

/* ReadProperty-ACK: | [0] object | [1] property | [2] index? | [3] values [3] | */
static enum bac_walk rp_ack(struct bac *b, struct hk_cur *c)
{
	struct bac_tag t, first;
	uint32_t obj, prop;
	bool indexed;
	enum bac_walk w;

	if ((w = ctx_tag(b, c, 0, 0, &t)) != WALK_OK)
		return w;
	if (!object_id(&t, &obj))
		return WALK_MALFORMED;
	if ((w = ctx_tag(b, c, 1, 0, &t)) != WALK_OK)
		return w;
	if (!unsigned_value(t.v, &prop))
		return WALK_MALFORMED;
	w = ctx_tag(b, c, 2, 0, &t);
	if (w == WALK_END || w == WALK_STOP)
		return w;
	indexed = w == WALK_OK;
	if ((w = ctx_tag(b, c, 3, LVT_OPEN, &t)) != WALK_OK)
		return w;
	w = values(b, c, 3, &first);
	if (w != WALK_OK)
		return w;
	if (obj >> 22 == OBJ_DEVICE && !indexed)
		property_emit(b, prop, &first);
	return WALK_OK;
}

/* ReadPropertyMultiple-ACK: a list of ReadAccessResults. */
static enum bac_walk rpm_ack(struct bac *b, struct hk_cur *c)
{
	unsigned n_props = 0;

	while (hk_cur_left(c) > 0) {
		struct bac_tag t;
		uint32_t obj;
		enum bac_walk w;

		if ((w = ctx_tag(b, c, 0, 0, &t)) != WALK_OK)
			return w;
		if (!object_id(&t, &obj))
			return WALK_MALFORMED;
		if ((w = ctx_tag(b, c, 1, LVT_OPEN, &t)) != WALK_OK)
			return w;
		for (;;) {
			struct bac_tag first;
			uint32_t prop;
			bool indexed;

			w = ctx_tag(b, c, 1, LVT_CLOSE, &t);
			if (w == WALK_OK)
				break;
			if (w != WALK_MALFORMED)
				return w;
			if (++n_props > BACNET_PROPS_MAX)
				return WALK_STOP;
			if ((w = ctx_tag(b, c, 2, 0, &t)) != WALK_OK)
				return w;
			if (!unsigned_value(t.v, &prop))
				return WALK_MALFORMED;
			w = ctx_tag(b, c, 3, 0, &t);
			if (w == WALK_END || w == WALK_STOP)
				return w;
			indexed = w == WALK_OK;
			w = ctx_tag(b, c, 4, LVT_OPEN, &t);
			if (w == WALK_OK) {
				if ((w = values(b, c, 4, &first)) != WALK_OK)
					return w;
				if (obj >> 22 == OBJ_DEVICE && !indexed)
					property_emit(b, prop, &first);
				continue;
			}
			if (w != WALK_MALFORMED)
				return w;
			/* an error: | [5] error class, error code [5] | */
			if ((w = ctx_tag(b, c, 5, LVT_OPEN, &t)) != WALK_OK)
				return w;
			if ((w = values(b, c, 5, &first)) != WALK_OK)
				return w;
		}
	}
	return WALK_OK;
}

/* Reads the next tag, which must be application tag num. */
static enum bac_walk app_tag(struct bac *b, struct hk_cur *c, uint32_t num, struct bac_tag *t)
{
	enum bac_walk w = tag_read(b, c, t);

	if (w != WALK_OK)
		return w;
	return !t->context && t->num == num ? WALK_OK : WALK_MALFORMED;
}

static enum bac_walk i_am(struct bac *b, struct hk_cur *c, bool routed, const char *routed_from)
{
	struct bac_tag obj, max_apdu, seg, vendor;
	uint32_t id, vid;
	enum bac_walk w;
	char val[HK_OBS_VALUE_MAX];

	if ((w = app_tag(b, c, TAG_OBJECT_ID, &obj)) != WALK_OK ||
	    (w = app_tag(b, c, TAG_UNSIGNED, &max_apdu)) != WALK_OK ||
	    (w = app_tag(b, c, TAG_ENUMERATED, &seg)) != WALK_OK ||
	    (w = app_tag(b, c, TAG_UNSIGNED, &vendor)) != WALK_OK)
		return w;
	if (!object_id(&obj, &id) || id >> 22 != OBJ_DEVICE || !unsigned_value(vendor.v, &vid))
		return WALK_MALFORMED;
	if (routed) {
		snprintf(val, sizeof(val), "%s device=%u vendor=%u", routed_from, (unsigned)(id & INSTANCE_MASK),
			 (unsigned)vid);
		say(b, HK_OBS_RAW, CONF_RAW, "bacnet.routed_i_am", val);
		return WALK_OK;
	}
	snprintf(val, sizeof(val), "%u", (unsigned)(id & INSTANCE_MASK));
	say(b, HK_OBS_RAW, CONF_RAW, "bacnet.device_instance", val);
	snprintf(val, sizeof(val), "%u", (unsigned)vid);
	say(b, HK_OBS_RAW, CONF_RAW, "bacnet.vendor_id", val);
	say(b, HK_OBS_ROLE, CONF_ROLE, "bacnet.i_am", "bms-controller");
	return WALK_OK;
}

static enum bac_walk i_have(struct bac *b, struct hk_cur *c, bool routed)
{
	struct bac_tag dev, obj, name;
	uint32_t id;
	enum bac_walk w;
	char val[16];

	if ((w = app_tag(b, c, TAG_OBJECT_ID, &dev)) != WALK_OK ||
	    (w = app_tag(b, c, TAG_OBJECT_ID, &obj)) != WALK_OK ||
	    (w = app_tag(b, c, TAG_CHARSTRING, &name)) != WALK_OK)
		return w;
	if (!object_id(&dev, &id) || id >> 22 != OBJ_DEVICE)
		return WALK_MALFORMED;
	if (!routed) {
		snprintf(val, sizeof(val), "%u", (unsigned)(id & INSTANCE_MASK));
		say(b, HK_OBS_RAW, CONF_RAW, "bacnet.device_instance", val);
	}
	return WALK_OK;
}

/* Who-Am-I: | vendor id | model name | serial number | */
static enum bac_walk who_am_i(struct bac *b, struct hk_cur *c, bool routed)
{
	struct bac_tag vendor, model, serial;
	uint32_t vid;
	enum bac_walk w;
	char val[HK_OBS_VALUE_MAX];

	if ((w = app_tag(b, c, TAG_UNSIGNED, &vendor)) != WALK_OK ||
	    (w = app_tag(b, c, TAG_CHARSTRING, &model)) != WALK_OK ||
	    (w = app_tag(b, c, TAG_CHARSTRING, &serial)) != WALK_OK)
		return w;
	if (!unsigned_value(vendor.v, &vid))
		return WALK_MALFORMED;
	if (routed)
		return WALK_OK;
	snprintf(val, sizeof(val), "%u", (unsigned)vid);
	say(b, HK_OBS_RAW, CONF_RAW, "bacnet.vendor_id", val);
	if (charstring(model.v, val, sizeof(val)))
		say(b, HK_OBS_MODEL, CONF_IDENTITY, "bacnet.model_name", val);
	if (charstring(serial.v, val, sizeof(val)))
		say(b, HK_OBS_SERIAL, CONF_IDENTITY, "bacnet.serial", val);
	return WALK_OK;
}

static enum hk_parse_result result_of(enum bac_walk w, bool cut_ok)
{
	switch (w) {
	case WALK_OK:
	case WALK_STOP:
		return HK_PARSE_OK;
	case WALK_END:
		/* the BVLL length covered the datagram: running out inside it is
		 * a contradiction, except in a first segment, which continues */
		return cut_ok ? HK_PARSE_OK : HK_PARSE_MALFORMED;
	default:
		return HK_PARSE_MALFORMED;
	}
}

static enum hk_parse_result apdu(struct bac *b, struct hk_cur *c, bool routed, const char *routed_from)
{
	uint8_t first = hk_cur_u8(c), type = first >> 4, service;
	bool segmented = (first & APDU_SEGMENTED) != 0;

	if (!hk_cur_ok(c))
		return HK_PARSE_MALFORMED; /* an NPDU without its APDU */
	switch (type) {
	case APDU_UNCONFIRMED:
		service = hk_cur_u8(c);
		if (!hk_cur_ok(c))
			return HK_PARSE_MALFORMED;
		switch (service) {
		case SVC_I_AM:
			return result_of(i_am(b, c, routed, routed_from), false);
		case SVC_I_HAVE:
			return result_of(i_have(b, c, routed), false);
		case SVC_WHO_AM_I:
			return result_of(who_am_i(b, c, routed), false);
		case SVC_WHO_IS:
		case SVC_WHO_HAS:
			if (!routed)
				say(b, HK_OBS_RAW, CONF_RAW, "bacnet.role", "client");
			return HK_PARSE_OK;
		default:
			return HK_PARSE_OK;
		}
	case APDU_COMPLEX_ACK: {
		uint8_t seq = 0;

		hk_cur_skip(c, 1); /* invoke id */
		if (segmented) {
			seq = hk_cur_u8(c);
			hk_cur_skip(c, 1); /* proposed window size */
		}
		service = hk_cur_u8(c);
		if (!hk_cur_ok(c))
			return HK_PARSE_MALFORMED;
		if (seq != 0 || routed)
			return HK_PARSE_OK; /* a later segment; or about a device behind a router */
		if (service == SVC_READ_PROPERTY)
			return result_of(rp_ack(b, c), segmented);
		if (service == SVC_READ_PROPERTY_MULTIPLE)
			return result_of(rpm_ack(b, c), segmented);
		return HK_PARSE_OK;
	}
	default:
		/* Confirmed-Request, SimpleACK, SegmentACK, Error, Reject, Abort:
		 * nothing about identity; 8..15 are not APDU types */
		return type <= APDU_ABORT ? HK_PARSE_OK : HK_PARSE_MALFORMED;
	}
}

static enum hk_parse_result npdu(struct bac *b, struct hk_cur *c)
{
	uint8_t version = hk_cur_u8(c), control = hk_cur_u8(c);
	bool routed = false;
	char from[3 * BACNET_ADDR_LEN_MAX + 24] = "";

	if (!hk_cur_ok(c) || version != 1)
		return HK_PARSE_MALFORMED;
	if (control & NPCI_DNET) {
		uint8_t dlen;

		hk_cur_skip(c, 2); /* DNET */
		dlen = hk_cur_u8(c);
		if (hk_cur_ok(c) && dlen > BACNET_ADDR_LEN_MAX)
			return HK_PARSE_MALFORMED;
		hk_cur_skip(c, dlen);
	}
	if (control & NPCI_SNET) {
		uint16_t snet = hk_cur_be16(c);
		uint8_t slen = hk_cur_u8(c);
		size_t o;

		if (!hk_cur_ok(c) || slen == 0 || slen > BACNET_ADDR_LEN_MAX)
			return HK_PARSE_MALFORMED;
		o = (size_t)snprintf(from, sizeof(from), "snet=%u sadr=", snet);
		for (unsigned i = 0; i < slen; i++) {
			uint8_t x = hk_cur_u8(c);
			if (o + 3 <= sizeof(from)) /* always: SLEN is bounded */
				o += (size_t)snprintf(from + o, sizeof(from) - o, "%02x", x);
		}
		routed = true;
	}
	if (control & NPCI_DNET)
		hk_cur_skip(c, 1); /* hop count */
	if (!hk_cur_ok(c))
		return HK_PARSE_MALFORMED;
	if (routed)
		say(b, HK_OBS_RAW, CONF_RAW, "bacnet.role", "router");
	if (control & NPCI_NETWORK_MSG) {
		uint8_t msg = hk_cur_u8(c);

		if (hk_cur_ok(c) && msg >= 0x80)
			hk_cur_skip(c, 2); /* vendor id */
		if (!hk_cur_ok(c))
			return HK_PARSE_MALFORMED;
		if (msg == NET_I_AM_ROUTER && !routed)
			say(b, HK_OBS_RAW, CONF_RAW, "bacnet.role", "router");
		return HK_PARSE_OK;
	}
	return apdu(b, c, routed, from);
}

static enum hk_parse_result bvll_body(struct bac *b, uint8_t function, struct hk_cur d)
{
	switch (function) {
	case BVLC_FORWARDED_NPDU: {
		struct hk_endpoint sender_of_bvll = {.has_mac = false};
		struct bac inner = *b;

		inner.orig = sender_of_bvll;
		inner.orig.ip.family = 4;
		hk_cur_copy(&d, inner.orig.ip.a, 4);
		hk_cur_skip(&d, 2); /* port */
		if (!hk_cur_ok(&d))
			return HK_PARSE_MALFORMED;
		/* the BBMD that relays it; what it relays is about the original */
		if (b->out)
			hk_obs_emit(b->out, HK_OBS_RAW, HK_SIDE_SRC, CONF_RAW, "bacnet.role", "bbmd");
		inner.about_other = true;
		inner.silent = !hk_addr_is_unicast(&inner.orig.ip);
		return npdu(&inner, &d);
	}
	case BVLC_DISTRIBUTE_BROADCAST:
	case BVLC_ORIGINAL_UNICAST:
	case BVLC_ORIGINAL_BROADCAST:
		return npdu(b, &d);
	case BVLC_READ_BDT_ACK:
		say(b, HK_OBS_RAW, CONF_RAW, "bacnet.role", "bbmd");
		return HK_PARSE_OK;
	default:
		return HK_PARSE_OK; /* results, table management, Secure-BVLL */
	}
}

enum hk_parse_result proto_bacnet_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	uint8_t type, function;
	uint16_t len;
	struct hk_cur d;
	struct bac b = {.out = NULL};
	enum hk_parse_result r;

	(void)ctx;
	type = hk_cur_u8(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (type != BACNET_BVLL_TYPE)
		return HK_PARSE_NOMATCH;
	function = hk_cur_u8(c);
	len = hk_cur_be16(c);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	if (function > BVLC_FUNCTION_LAST)
		return HK_PARSE_NOMATCH;
	if (len < BACNET_BVLL_HDR)
		return HK_PARSE_MALFORMED;
	if ((size_t)len - BACNET_BVLL_HDR > hk_cur_left(c))
		return HK_PARSE_TRUNCATED;
	if ((size_t)len - BACNET_BVLL_HDR < hk_cur_left(c))
		return HK_PARSE_MALFORMED; /* J.2: the length is the whole datagram's */
	d = hk_cur_sub(c, len - BACNET_BVLL_HDR);
	if (!hk_cur_ok(c))
		return HK_PARSE_TRUNCATED;
	/* walked whole first: a message that lies says nothing */
	r = bvll_body(&b, function, d);
	if (r != HK_PARSE_OK)
		return r;
	b = (struct bac){.out = out};
	return bvll_body(&b, function, d);
}
