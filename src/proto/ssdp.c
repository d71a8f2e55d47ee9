/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Simple Service Discovery Protocol: UPnP Device Architecture 2.0 (April
 * 2020), section 1 (Discovery: 1.2 NOTIFY ssdp:alive/byebye, 1.3 M-SEARCH
 * and its 200 OK response), HTTP over UDP (HTTPU) to 239.255.255.250 /
 * ff0X::c port 1900; header syntax after RFC 7230 section 3.
 *
 *   NOTIFY * HTTP/1.1\r\n          | M-SEARCH * HTTP/1.1\r\n  | HTTP/1.1 200 OK\r\n
 *   HOST: 239.255.255.250:1900\r\n | HOST: ...\r\n            | CACHE-CONTROL: ...\r\n
 *   NT: <notification type>\r\n    | MAN: "ssdp:discover"\r\n | ST: <search target>\r\n
 *   NTS: ssdp:alive\r\n            | ST: <search target>\r\n  | USN: uuid:...::<type>\r\n
 *   USN: uuid:<uuid>::<type>\r\n   | USER-AGENT: <os> UPnP/2.0 <product>\r\n
 *   LOCATION: <description URL>\r\n|                          | LOCATION: ...\r\n
 *   SERVER: <os> UPnP/2.0 <product>\r\n                       | SERVER: ...\r\n
 *   \r\n                           | \r\n                     | \r\n
 *
 * Identity: a NOTIFY and a 200 OK search response are the device describing
 * itself, its SERVER, LOCATION, NT/ST type and USN uuid about the sender
 * (HK_SIDE_SRC); an M-SEARCH is the control point describing itself in
 * USER-AGENT (its ST names what it looks for: not read). Device types
 * (":device:" URNs, DIAL) are kept as fingerprints; an Internet gateway
 * device or its WAN services make the sender a router.
 *
 * Hostile input: lines end in LF or CRLF and are at most SSDP_LINE_MAX
 * bytes; at most SSDP_HEADERS_MAX header lines are read, the rest ignored;
 * each line is a child cursor, so a header never reads its neighbour; a
 * message counts only once its empty line arrived, so a cut datagram says
 * nothing; values are escaped and cut to HK_OBS_VALUE_MAX. Anything not
 * starting with NOTIFY, M-SEARCH or HTTP/1. is not SSDP (NOMATCH).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/proto.h"

#define SSDP_LINE_MAX 1024
#define SSDP_HEADERS_MAX 32
#define SSDP_NAME_MAX 32 /* header names we want are shorter */

#define CONF_SSDP 50
#define CONF_SSDP_ROLE 60

enum ssdp_kind {
	SSDP_NOTIFY,
	SSDP_MSEARCH,
	SSDP_RESPONSE,
};

struct ssdp_msg {
	enum ssdp_kind kind;
	char server[HK_OBS_VALUE_MAX];
	char location[HK_OBS_VALUE_MAX];
	char nt[HK_OBS_VALUE_MAX];
	char st[HK_OBS_VALUE_MAX];
	char usn[HK_OBS_VALUE_MAX];
	char user_agent[HK_OBS_VALUE_MAX];
};

static const struct {
	const char *token;
	enum ssdp_kind kind;
} starts[] = {
	{"NOTIFY ", SSDP_NOTIFY},
	{"M-SEARCH ", SSDP_MSEARCH},
	{"HTTP/1.", SSDP_RESPONSE},
};

/* URNs that make the sender a router (UPnP IGD:1/IGD:2 device and service types). */
static const char *const router_types[] = {
	"device:InternetGatewayDevice:", "device:WANDevice:",	     "device:WANConnectionDevice:",
	"service:WANIPConnection:",	 "service:WANPPPConnection:", "service:Layer3Forwarding:",
};

static bool is_ws(uint8_t b)
{
	return b == ' ' || b == '\t';
}

/*
 * Which start line the message has: 1 a match, 0 not SSDP, -1 too short to
 * tell (every byte present is a prefix of a start token).
 */
static int start_kind(const struct hk_cur *c, enum ssdp_kind *ret)
{
	uint8_t head[9];
	size_t n = hk_cur_left(c) < sizeof(head) ? hk_cur_left(c) : sizeof(head);
	struct hk_cur p = *c;
	bool partial = false;

	hk_cur_copy(&p, head, n);
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		size_t tl = strlen(starts[i].token);

		if (n >= tl && memcmp(head, starts[i].token, tl) == 0) {
			*ret = starts[i].kind;
			return 1;
		}
		if (n < tl && memcmp(head, starts[i].token, n) == 0)
			partial = true;
	}
	return partial ? -1 : 0;
}

/* "HTTP/1.x 200[ reason]" */
static bool status_ok(struct hk_cur *line, size_t len)
{
	char code[4];

	if (len < 12)
		return false;
	hk_cur_skip(line, 8); /* "HTTP/1.x" */
	if (!is_ws(hk_cur_u8(line)))
		return false;
	if (!hk_cur_str(line, 3, code, sizeof(code)) || strcmp(code, "200") != 0)
		return false;
	return len == 12 || is_ws(hk_cur_u8(line));
}

/* One "Name: value" line of len bytes (CR removed). */
static void header(struct hk_cur *line, size_t len, struct ssdp_msg *m)
{
	static const struct {
		const char *name;
		size_t off;
	} wanted[] = {
		{"SERVER", offsetof(struct ssdp_msg, server)},
		{"LOCATION", offsetof(struct ssdp_msg, location)},
		{"NT", offsetof(struct ssdp_msg, nt)},
		{"ST", offsetof(struct ssdp_msg, st)},
		{"USN", offsetof(struct ssdp_msg, usn)},
		{"USER-AGENT", offsetof(struct ssdp_msg, user_agent)},
	};
	char name[SSDP_NAME_MAX * 4 + 1];
	long colon = hk_cur_find(line, ':');
	size_t nlen, vlen;

	if (colon <= 0 || (size_t)colon >= len || colon > SSDP_NAME_MAX)
		return;
	nlen = (size_t)colon;
	while (nlen > 0 && is_ws(hk_cur_peek_u8(line, nlen - 1)))
		nlen--;
	hk_cur_str(line, nlen, name, sizeof(name));
	hk_cur_skip(line, (size_t)colon - nlen + 1);
	vlen = len - (size_t)colon - 1;
	while (vlen > 0 && is_ws(hk_cur_peek_u8(line, 0))) {
		hk_cur_skip(line, 1);
		vlen--;
	}
	while (vlen > 0 && is_ws(hk_cur_peek_u8(line, vlen - 1)))
		vlen--;
	if (!hk_cur_ok(line))
		return;
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		char *dst = (char *)m + wanted[i].off;

		if (strcasecmp(name, wanted[i].name) == 0 && !dst[0]) {
			hk_cur_str(line, vlen, dst, HK_OBS_VALUE_MAX);
			return;
		}
	}
}

static void emit_type(struct hk_obs_sink *out, const char *type)
{
	if (strncasecmp(type, "urn:", 4) != 0)
		return;
	if (strcasestr(type, ":device:") || strncasecmp(type, "urn:dial-multiscreen-org:", 25) == 0)
		hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_SSDP, "ssdp.device_type", type);
	for (size_t i = 0; i < sizeof(router_types) / sizeof(router_types[0]); i++)
		if (strcasestr(type, router_types[i])) {
			hk_obs_emit(out, HK_OBS_ROLE, HK_SIDE_SRC, CONF_SSDP_ROLE, "ssdp.device_type", "router");
			return;
		}
}

static void emit_usn(struct hk_obs_sink *out, const char *usn)
{
	char v[HK_OBS_VALUE_MAX];
	const char *end;

	if (strncasecmp(usn, "uuid:", 5) != 0)
		return;
	snprintf(v, sizeof(v), "%s", usn);
	end = strstr(v, "::");
	if (end)
		v[end - v] = '\0';
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_SSDP, "ssdp.usn", v);
}

enum hk_parse_result proto_ssdp_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct ssdp_msg m;
	bool ok_status = true;
	int s;

	(void)ctx;
	memset(&m, 0, sizeof(m));
	s = start_kind(c, &m.kind);
	if (s <= 0)
		return s < 0 ? HK_PARSE_TRUNCATED : HK_PARSE_NOMATCH;
	for (size_t n_lines = 0;; n_lines++) {
		long nl = hk_cur_find(c, '\n');
		struct hk_cur line;
		size_t len;

		if (nl < 0)
			return hk_cur_left(c) > SSDP_LINE_MAX ? HK_PARSE_MALFORMED : HK_PARSE_TRUNCATED;
		if (nl > (long)SSDP_LINE_MAX)
			return HK_PARSE_MALFORMED;
		len = (size_t)nl;
		line = hk_cur_sub(c, len);
		hk_cur_skip(c, 1);
		if (!hk_cur_ok(c))
			return HK_PARSE_TRUNCATED;
		if (len > 0 && hk_cur_peek_u8(&line, len - 1) == '\r')
			len--;
		if (n_lines == 0) {
			if (m.kind == SSDP_RESPONSE)
				ok_status = status_ok(&line, len);
			continue;
		}
		if (len == 0 || n_lines > SSDP_HEADERS_MAX)
			break; /* the end of the headers; a body is not read */
		header(&line, len, &m);
	}
	if (!ok_status)
		return HK_PARSE_OK;
	if (m.kind == SSDP_MSEARCH) {
		hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_SSDP, "ssdp.user_agent", m.user_agent);
		return HK_PARSE_OK;
	}
	hk_obs_emit(out, HK_OBS_SOFTWARE, HK_SIDE_SRC, CONF_SSDP, "ssdp.server", m.server);
	hk_obs_emit(out, HK_OBS_RAW, HK_SIDE_SRC, CONF_SSDP, "ssdp.location", m.location);
	emit_type(out, m.kind == SSDP_NOTIFY ? m.nt : m.st);
	emit_usn(out, m.usn);
	return HK_PARSE_OK;
}
