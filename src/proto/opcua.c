/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OPC UA over TCP (opc.tcp, UA Binary): what a server says of itself when a
 * client asks for its endpoints or opens a session, and what a client says
 * of itself when it opens one.
 *
 * References: OPC 10000-6 (IEC 62541-6) UA Part 6 Mappings, 1.04/1.05:
 * 7.1.2 (UA Connection Protocol: message header, Hello, Acknowledge, Error,
 * ReverseHello), 6.7.2 (UA Secure Conversation: chunk types F/C/A, the
 * asymmetric security header of OpenSecureChannel, the symmetric header,
 * the sequence header), 5.2.2 (UA Binary: Int32-length String/ByteString
 * with -1 for null, NodeId 5.2.2.9 and ExpandedNodeId 5.2.2.10,
 * DiagnosticInfo 5.2.2.12, LocalizedText 5.2.2.14, ExtensionObject
 * 5.2.2.15, arrays 5.2.5 with -1 for null); OPC 10000-4 (IEC 62541-4)
 * 7.1 ApplicationDescription, 7.10 EndpointDescription, 7.32 RegisteredServer,
 * 7.37/7.38 Request/ResponseHeader, 5.4.2 FindServers, 5.4.4 GetEndpoints,
 * 5.4.5/5.4.6 RegisterServer(2), 5.6.2 CreateSession; binary encoding ids
 * from the OPC Foundation NodeIds.csv (checked against tshark 4.0's names).
 *
 *   message  +-----+-----+---+---+------+-------------+
 *            | 'H' | 'E' |'L'|'F'| size | body ...    |  size: LE32, whole message
 *            +-----+-----+---+---+------+-------------+
 *     type: HEL ACK ERR RHE (chunk 'F' only), OPN MSG CLO (F final,
 *           C intermediate, A abort)
 *   HEL  version, receive/send buffer, max message, max chunks (5 x LE32),
 *        EndpointUrl String                                 (client -> server)
 *   RHE  ServerUri String, EndpointUrl String               (server -> client)
 *   ERR  error LE32, reason String
 *   OPN  channel id LE32, SecurityPolicyUri String, SenderCertificate
 *        ByteString, ReceiverThumbprint ByteString, then (policy #None only)
 *        sequence number LE32, request id LE32, body
 *   MSG  channel id LE32, token id LE32, then (in clear only) sequence
 *   CLO  number LE32, request id LE32, body
 *   body TypeId (NodeId: 01 ns id16 / 02 ns16 id32 / ...) and the service:
 *     431 GetEndpointsResponse   ResponseHeader, EndpointDescription[]
 *     464 CreateSessionResponse  ResponseHeader, SessionId, AuthToken,
 *                                timeout Double, nonce, ServerCertificate,
 *                                EndpointDescription[], ...
 *     425 FindServersResponse    ResponseHeader, ApplicationDescription[]
 *     461 CreateSessionRequest   RequestHeader, ApplicationDescription,
 *                                ServerUri, EndpointUrl, SessionName,
 *                                nonce, ClientCertificate, ...
 *     437 RegisterServerRequest, 12211 RegisterServer2Request
 *                                RequestHeader, RegisteredServer, ...
 *   EndpointDescription  EndpointUrl, ApplicationDescription, ServerCertificate
 *                        ByteString, SecurityMode LE32, SecurityPolicyUri,
 *                        UserTokenPolicy[], TransportProfileUri, level Byte
 *   ApplicationDescription  ApplicationUri, ProductUri, ApplicationName
 *                        LocalizedText, ApplicationType LE32, GatewayServerUri,
 *                        DiscoveryProfileUri, DiscoveryUrls String[]
 *   RegisteredServer     ServerUri, ProductUri, ServerNames LocalizedText[],
 *                        ServerType LE32, GatewayServerUri, DiscoveryUrls
 *                        String[], SemaphoreFilePath, IsOnline Boolean
 *
 * Identity direction. Endpoint and application descriptions in responses
 * describe the server that sends them (side SRC); a FindServers answer
 * listing several servers describes its sender only in its
 * DiscoveryServer entry (the others are servers registered with it,
 * anywhere). The Hello's and CreateSession's EndpointUrl name the receiver
 * (side DST). CreateSession and RegisterServer requests describe their
 * sender (opcua.client.* for a session's client). A certificate describes
 * the sender of the message that carries it. What is said, all 50:
 *   opcua.endpoint_url          RAW       the URL (HEL, CreateSession: DST)
 *   opcua.endpoint_host         HOSTNAME  its host part when it is a name
 *   opcua.security_policy       RAW       OPN's policy URI, each endpoint's
 *   opcua.security_mode         RAW       None, Sign, SignAndEncrypt per endpoint
 *   opcua.application_uri       RAW       (also from ReverseHello's ServerUri)
 *   opcua.product_uri           SOFTWARE  for signatures ("http://open62541.org")
 *   opcua.application_name      SOFTWARE  the LocalizedText's text
 *   opcua.application_type      RAW       Server, Client, ClientAndServer, DiscoveryServer
 *   opcua.cert.subject, .issuer SOFTWARE  certificates (x509.c); opcua.cert_present
 *                               RAW "yes" when one does not read as X.509
 *   opcua.client.*              the same, of a CreateSession's client
 *   opcua.encrypted             RAW "yes": the channel's policy is not #None,
 *                               its messages are not read (Sign-only ones
 *                               would be readable, but OPN's mode is itself
 *                               encrypted: there is no telling them apart)
 *
 * The flow layer gives the stream from its first byte (banner mode, no
 * OPC UA framing yet): messages are walked from the start, at most
 * OPCUA_MESSAGES_MAX. A message cut by the end of the window is read as far
 * as it goes (the first endpoints of a long GetEndpoints answer are worth
 * having), then the result is TRUNCATED. The result is OK once a message
 * that identifies the sender has been read, the channel turned out to be
 * secured, the channel was closed (CLO, ERR) or OPCUA_MESSAGES_MAX were
 * read; TRUNCATED while the window ends before that. The first chunk of a
 * multi-chunk message is read as far as it goes; the chunks after it (same
 * request id) are skipped.
 *
 * Hostile input this defends against: every message, String, ByteString and
 * certificate is a sub-cursor of its container, so no field reads past its
 * message; a message size below its type's fixed part or above
 * OPCUA_MESSAGE_SIZE_MAX is MALFORMED (NOMATCH for the first message);
 * lengths below -1 are MALFORMED; endpoint and server arrays are read up to
 * OPCUA_ENDPOINTS_MAX / OPCUA_SERVERS_MAX, nested arrays we must step over
 * are bounded by OPCUA_ARRAY_MAX (more is MALFORMED); nested DiagnosticInfo
 * by OPCUA_DIAG_DEPTH_MAX; unknown NodeId or ExtensionObject encodings are
 * MALFORMED; what is said is deduplicated against the sink, so a server
 * repeating itself in every endpoint is said once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/proto.h"
#include "proto/x509.h"

#define OPCUA_HDR_LEN 8
#define OPCUA_MESSAGE_SIZE_MAX 0x1000000u /* 16 MiB: far above any negotiated chunk size */
#define OPCUA_MESSAGES_MAX 32
#define OPCUA_ENDPOINTS_MAX 16
#define OPCUA_SERVERS_MAX 16
#define OPCUA_ARRAY_MAX 64       /* discovery URLs, user token policies, string table, names */
#define OPCUA_DIAG_DEPTH_MAX 4   /* nested inner DiagnosticInfo */
#define OPCUA_STRING_MAX (HK_OBS_VALUE_MAX - 1) /* bytes of a String kept (escaped) */

#define OPCUA_POLICY_NONE "http://opcfoundation.org/UA/SecurityPolicy#None"

/* binary encoding ids (namespace 0) */
#define OPCUA_ID_FIND_SERVERS_RESP 425
#define OPCUA_ID_GET_ENDPOINTS_RESP 431
#define OPCUA_ID_REGISTER_SERVER_REQ 437
#define OPCUA_ID_CREATE_SESSION_REQ 461
#define OPCUA_ID_CREATE_SESSION_RESP 464
#define OPCUA_ID_REGISTER_SERVER2_REQ 12211

#define OPCUA_APP_DISCOVERY_SERVER 3

#define CONF 50

enum ua_type {
	UA_HEL = 0,
	UA_ACK,
	UA_ERR,
	UA_RHE,
	UA_OPN,
	UA_MSG,
	UA_CLO,
	UA__N,
};

static const struct {
	char name[4];
	uint32_t min_size; /* header and the fixed part of the body */
} ua_types[UA__N] = {
	[UA_HEL] = {"HEL", OPCUA_HDR_LEN + 20 + 4},
	[UA_ACK] = {"ACK", OPCUA_HDR_LEN + 20},
	[UA_ERR] = {"ERR", OPCUA_HDR_LEN + 4 + 4},
	[UA_RHE] = {"RHE", OPCUA_HDR_LEN + 4 + 4},
	[UA_OPN] = {"OPN", OPCUA_HDR_LEN + 4 + 4 + 4 + 4},
	[UA_MSG] = {"MSG", OPCUA_HDR_LEN + 4 + 4},
	[UA_CLO] = {"CLO", OPCUA_HDR_LEN + 4 + 4},
};

enum ua_policy {
	UA_POLICY_UNKNOWN = 0, /* joined after the OPN */
	UA_POLICY_NONE,
	UA_POLICY_SECURED,
};

struct ua_walk {
	struct hk_obs_sink *out;
	enum ua_policy policy;
	bool multi_open; /* a message's first chunk was 'C' */
	uint32_t multi_request;
	bool done;
};

struct ua_app {
	char uri[OPCUA_STRING_MAX + 1];
	char product[OPCUA_STRING_MAX + 1];
	char name[OPCUA_STRING_MAX + 1];
	uint32_t type;
};

/* ---- saying things, once ------------------------------------------------ */

static void say(struct ua_walk *w, enum hk_obs_kind kind, enum hk_side side, const char *source, const char *value)
{
	struct hk_obs_sink *out = w->out;

	if (!value[0])
		return;
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].kind == kind && out->v[i].side == side && strcmp(out->v[i].source, source) == 0 &&
		    strcmp(out->v[i].value, value) == 0)
			return;
	hk_obs_emit(out, kind, side, CONF, source, value);
}

static void say_field(struct ua_walk *w, enum hk_obs_kind kind, enum hk_side side, const char *prefix,
		      const char *field, const char *value)
{
	char source[HK_OBS_SOURCE_MAX];

	snprintf(source, sizeof(source), "%s%s", prefix, field);
	say(w, kind, side, source, value);
}

/*
 * The host of "scheme://host[:port][/path]" when it is a name (not an
 * address literal, not localhost), else "". url is escaped already: a
 * backslash means bytes that no host name holds.
 */
static void url_host(const char *url, char *host, size_t hostsz)
{
	const char *p = strstr(url, "://");
	size_t n = 0;
	bool name = false;

	host[0] = '\0';
	if (!p)
		return;
	p += 3;
	while (p[n] && p[n] != ':' && p[n] != '/' && p[n] != '?' && p[n] != '#')
		n++;
	if (n == 0 || n >= hostsz)
		return;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_')
			name = true;
		else if (!(ch >= '0' && ch <= '9') && ch != '.')
			return; /* '[' of an IPv6 literal, '@', '\\', ... */
	}
	if (!name)
		return; /* a dotted IPv4 address or a number */
	if ((n == 9 || (n > 9 && p[9] == '.')) && strncasecmp(p, "localhost", 9) == 0)
		return;
	memcpy(host, p, n);
	host[n] = '\0';
}

static void say_url(struct ua_walk *w, enum hk_side side, const char *url)
{
	char host[OPCUA_STRING_MAX + 1];

	say(w, HK_OBS_RAW, side, "opcua.endpoint_url", url);
	url_host(url, host, sizeof(host));
	say(w, HK_OBS_HOSTNAME, side, "opcua.endpoint_host", host);
}

static const char *app_type_name(uint32_t t, char *buf, size_t bufsz)
{
	static const char *const names[] = {"Server", "Client", "ClientAndServer", "DiscoveryServer"};

	if (t < sizeof(names) / sizeof(names[0]))
		return names[t];
	snprintf(buf, bufsz, "%u", t);
	return buf;
}

static const char *security_mode_name(uint32_t m, char *buf, size_t bufsz)
{
	static const char *const names[] = {"Invalid", "None", "Sign", "SignAndEncrypt"};

	if (m < sizeof(names) / sizeof(names[0]))
		return names[m];
	snprintf(buf, bufsz, "%u", m);
	return buf;
}

static void say_app(struct ua_walk *w, const struct ua_app *a, const char *prefix)
{
	char num[12];

	say_field(w, HK_OBS_RAW, HK_SIDE_SRC, prefix, "application_uri", a->uri);
	say_field(w, HK_OBS_SOFTWARE, HK_SIDE_SRC, prefix, "product_uri", a->product);
	say_field(w, HK_OBS_SOFTWARE, HK_SIDE_SRC, prefix, "application_name", a->name);
	say_field(w, HK_OBS_RAW, HK_SIDE_SRC, prefix, "application_type", app_type_name(a->type, num, sizeof(num)));
}

/* A certificate (or a chain: its first element) the sender carries. */
static void say_cert(struct ua_walk *w, struct hk_cur *der, const char *prefix)
{
	struct x509_names names;
	struct hk_cur probe = *der, one;
	struct der_tlv t;

	if (hk_cur_left(der) == 0)
		return; /* null or empty: no certificate */
	if (x509_der_next(&probe, &t)) {
		one = hk_cur_sub(der, probe.off - der->off);
		if (x509_cert_names(&one, &names) == HK_PARSE_OK && names.subject[0]) {
			say_field(w, HK_OBS_SOFTWARE, HK_SIDE_SRC, prefix, "cert.subject", names.subject);
			say_field(w, HK_OBS_SOFTWARE, HK_SIDE_SRC, prefix, "cert.issuer", names.issuer);
			return;
		}
	}
	say_field(w, HK_OBS_RAW, HK_SIDE_SRC, prefix, "cert_present", "yes");
}

/* ---- UA Binary ------------------------------------------------------------ */

/* A String or ByteString: a sub-cursor over its bytes (empty when null). */
static bool ua_bytes(struct hk_cur *c, struct hk_cur *val)
{
	int32_t n = (int32_t)hk_cur_le32(c);

	*val = hk_cur_sub(c, 0);
	if (!hk_cur_ok(c))
		return false;
	if (n < -1) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	*val = hk_cur_sub(c, n == -1 ? 0 : (size_t)n);
	return hk_cur_ok(c);
}

static bool ua_string(struct hk_cur *c, char *dst, size_t dstsz)
{
	struct hk_cur v;

	dst[0] = '\0';
	if (!ua_bytes(c, &v))
		return false;
	return hk_cur_str(&v, hk_cur_left(&v), dst, dstsz);
}

/* An array's length (null is 0); more than max is MALFORMED. */
static bool ua_count(struct hk_cur *c, uint32_t max, uint32_t *ret_n)
{
	int32_t n = (int32_t)hk_cur_le32(c);

	if (!hk_cur_ok(c))
		return false;
	if (n < -1 || (n > 0 && (uint32_t)n > max)) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	*ret_n = n > 0 ? (uint32_t)n : 0;
	return true;
}

static bool ua_skip_strings(struct hk_cur *c)
{
	struct hk_cur v;
	uint32_t n;

	if (!ua_count(c, OPCUA_ARRAY_MAX, &n))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (!ua_bytes(c, &v))
			return false;
	return true;
}

/* A NodeId, or an ExpandedNodeId when expanded; *numeric when it is a
 * numeric one (then ns and id are set). */
static bool ua_nodeid(struct hk_cur *c, bool expanded, bool *numeric, uint16_t *ns, uint32_t *id)
{
	struct hk_cur v;
	uint8_t enc = hk_cur_u8(c);

	*numeric = false;
	*ns = 0;
	*id = 0;
	if (!hk_cur_ok(c))
		return false;
	if (!expanded && (enc & 0xc0)) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	switch (enc & 0x3f) {
	case 0: /* two-byte */
		*id = hk_cur_u8(c);
		*numeric = true;
		break;
	case 1: /* four-byte */
		*ns = hk_cur_u8(c);
		*id = hk_cur_le16(c);
		*numeric = true;
		break;
	case 2: /* numeric */
		*ns = hk_cur_le16(c);
		*id = hk_cur_le32(c);
		*numeric = true;
		break;
	case 3: /* string */
	case 5: /* opaque */
		*ns = hk_cur_le16(c);
		ua_bytes(c, &v);
		break;
	case 4: /* guid */
		*ns = hk_cur_le16(c);
		hk_cur_skip(c, 16);
		break;
	default:
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	if (enc & 0x80)
		ua_bytes(c, &v); /* namespace URI */
	if (enc & 0x40)
		hk_cur_skip(c, 4); /* server index */
	return hk_cur_ok(c);
}

static bool ua_skip_nodeid(struct hk_cur *c, bool expanded)
{
	bool numeric;
	uint16_t ns;
	uint32_t id;

	return ua_nodeid(c, expanded, &numeric, &ns, &id);
}

static bool ua_skip_extobj(struct hk_cur *c)
{
	struct hk_cur v;
	uint8_t enc;

	if (!ua_skip_nodeid(c, true))
		return false;
	enc = hk_cur_u8(c);
	if (!hk_cur_ok(c))
		return false;
	if (enc == 1 || enc == 2)
		return ua_bytes(c, &v); /* binary or XML body */
	if (enc != 0) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	return true;
}

static bool ua_skip_diag(struct hk_cur *c)
{
	struct hk_cur v;

	for (unsigned depth = 0; depth < OPCUA_DIAG_DEPTH_MAX; depth++) {
		uint8_t m = hk_cur_u8(c);

		if (m & 0x01)
			hk_cur_skip(c, 4); /* symbolic id */
		if (m & 0x02)
			hk_cur_skip(c, 4); /* namespace URI */
		if (m & 0x04)
			hk_cur_skip(c, 4); /* localized text */
		if (m & 0x08)
			hk_cur_skip(c, 4); /* locale */
		if (m & 0x10)
			ua_bytes(c, &v); /* additional info */
		if (m & 0x20)
			hk_cur_skip(c, 4); /* inner status code */
		if (!hk_cur_ok(c))
			return false;
		if (!(m & 0x40))
			return true;
	}
	hk_cur_fail(c, HK_CUR_EINVAL);
	return false;
}

static bool ua_skip_request_header(struct hk_cur *c)
{
	struct hk_cur v;

	if (!ua_skip_nodeid(c, false)) /* authentication token */
		return false;
	hk_cur_skip(c, 8 + 4 + 4); /* timestamp, handle, return diagnostics */
	ua_bytes(c, &v);          /* audit entry id */
	hk_cur_skip(c, 4);        /* timeout hint */
	return hk_cur_ok(c) && ua_skip_extobj(c);
}

static bool ua_skip_response_header(struct hk_cur *c)
{
	hk_cur_skip(c, 8 + 4 + 4); /* timestamp, handle, service result */
	return hk_cur_ok(c) && ua_skip_diag(c) && ua_skip_strings(c) && ua_skip_extobj(c);
}

static bool ua_loctext(struct hk_cur *c, char *text, size_t textsz)
{
	struct hk_cur v;
	uint8_t m = hk_cur_u8(c);

	text[0] = '\0';
	if (!hk_cur_ok(c))
		return false;
	if (m & ~0x03) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return false;
	}
	if ((m & 0x01) && !ua_bytes(c, &v)) /* locale */
		return false;
	if (m & 0x02)
		return ua_string(c, text, textsz);
	return true;
}

static bool ua_app(struct hk_cur *c, struct ua_app *a)
{
	struct hk_cur v;

	a->type = 0;
	a->product[0] = a->name[0] = '\0';
	if (!ua_string(c, a->uri, sizeof(a->uri)) || !ua_string(c, a->product, sizeof(a->product)) ||
	    !ua_loctext(c, a->name, sizeof(a->name)))
		return false;
	a->type = hk_cur_le32(c);
	ua_bytes(c, &v); /* gateway server URI */
	ua_bytes(c, &v); /* discovery profile URI */
	return hk_cur_ok(c) && ua_skip_strings(c);
}

/* ---- services ------------------------------------------------------------- */

static void endpoint(struct ua_walk *w, struct hk_cur *c)
{
	char url[OPCUA_STRING_MAX + 1], policy[OPCUA_STRING_MAX + 1], num[12];
	struct ua_app app;
	struct hk_cur cert, v;
	uint32_t mode, n;

	if (!ua_string(c, url, sizeof(url)) || !ua_app(c, &app) || !ua_bytes(c, &cert))
		return;
	mode = hk_cur_le32(c);
	if (!ua_string(c, policy, sizeof(policy)))
		return;
	say_url(w, HK_SIDE_SRC, url);
	say_app(w, &app, "opcua.");
	say_cert(w, &cert, "opcua.");
	say(w, HK_OBS_RAW, HK_SIDE_SRC, "opcua.security_mode", security_mode_name(mode, num, sizeof(num)));
	say(w, HK_OBS_RAW, HK_SIDE_SRC, "opcua.security_policy", policy);
	/* user token policies: id, type, issued token type, issuer URL, policy */
	if (!ua_count(c, OPCUA_ARRAY_MAX, &n))
		return;
	for (uint32_t i = 0; i < n && hk_cur_ok(c); i++) {
		ua_bytes(c, &v);
		hk_cur_skip(c, 4);
		ua_bytes(c, &v);
		ua_bytes(c, &v);
		ua_bytes(c, &v);
	}
	ua_bytes(c, &v);   /* transport profile URI */
	hk_cur_skip(c, 1); /* security level */
}

static void endpoints(struct ua_walk *w, struct hk_cur *c)
{
	int32_t n = (int32_t)hk_cur_le32(c);

	if (!hk_cur_ok(c))
		return;
	if (n < -1) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return;
	}
	/* nothing after the array is needed: read the first MAX, leave the rest */
	for (int32_t i = 0; i < n && i < OPCUA_ENDPOINTS_MAX && hk_cur_ok(c); i++)
		endpoint(w, c);
}

static void find_servers(struct ua_walk *w, struct hk_cur *c)
{
	struct ua_app app;
	int32_t n = (int32_t)hk_cur_le32(c);

	if (!hk_cur_ok(c))
		return;
	if (n < -1) {
		hk_cur_fail(c, HK_CUR_EINVAL);
		return;
	}
	for (int32_t i = 0; i < n && i < OPCUA_SERVERS_MAX; i++) {
		if (!ua_app(c, &app))
			return;
		/* alone it is the sender; in a list, the sender is the discovery server */
		if (n == 1 || app.type == OPCUA_APP_DISCOVERY_SERVER)
			say_app(w, &app, "opcua.");
	}
}

static void create_session_request(struct ua_walk *w, struct hk_cur *c)
{
	char url[OPCUA_STRING_MAX + 1];
	struct ua_app app;
	struct hk_cur v, cert;

	if (!ua_skip_request_header(c) || !ua_app(c, &app))
		return;
	say_app(w, &app, "opcua.client.");
	ua_bytes(c, &v); /* server URI */
	if (!ua_string(c, url, sizeof(url)))
		return;
	say_url(w, HK_SIDE_DST, url);
	ua_bytes(c, &v); /* session name */
	ua_bytes(c, &v); /* client nonce */
	if (ua_bytes(c, &cert))
		say_cert(w, &cert, "opcua.client.");
}

static void create_session_response(struct ua_walk *w, struct hk_cur *c)
{
	struct hk_cur v, cert;

	if (!ua_skip_response_header(c) || !ua_skip_nodeid(c, false) || !ua_skip_nodeid(c, false))
		return;
	hk_cur_skip(c, 8); /* revised session timeout */
	ua_bytes(c, &v);   /* server nonce */
	if (!ua_bytes(c, &cert))
		return;
	say_cert(w, &cert, "opcua.");
	endpoints(w, c);
}

static void register_server(struct ua_walk *w, struct hk_cur *c)
{
	char name[OPCUA_STRING_MAX + 1];
	struct ua_app app = {.name = ""};
	uint32_t n;

	if (!ua_skip_request_header(c) || !ua_string(c, app.uri, sizeof(app.uri)) ||
	    !ua_string(c, app.product, sizeof(app.product)) || !ua_count(c, OPCUA_ARRAY_MAX, &n))
		return;
	for (uint32_t i = 0; i < n; i++) {
		if (!ua_loctext(c, name, sizeof(name)))
			return;
		if (!app.name[0])
			memcpy(app.name, name, sizeof(name));
	}
	app.type = hk_cur_le32(c);
	if (hk_cur_ok(c))
		say_app(w, &app, "opcua.");
}

/* The body of a message's first chunk: its type id and the service. */
static void service(struct ua_walk *w, struct hk_cur *b)
{
	bool numeric;
	uint16_t ns;
	uint32_t id;

	if (!ua_nodeid(b, true, &numeric, &ns, &id) || !numeric || ns != 0)
		return;
	switch (id) {
	case OPCUA_ID_GET_ENDPOINTS_RESP:
		if (ua_skip_response_header(b))
			endpoints(w, b);
		break;
	case OPCUA_ID_CREATE_SESSION_RESP:
		create_session_response(w, b);
		break;
	case OPCUA_ID_FIND_SERVERS_RESP:
		if (ua_skip_response_header(b))
			find_servers(w, b);
		break;
	case OPCUA_ID_CREATE_SESSION_REQ:
		create_session_request(w, b);
		break;
	case OPCUA_ID_REGISTER_SERVER_REQ:
	case OPCUA_ID_REGISTER_SERVER2_REQ:
		register_server(w, b);
		break;
	default:
		return;
	}
	w->done = true;
}

/* ---- messages ------------------------------------------------------------- */

static void hello(struct ua_walk *w, struct hk_cur *b)
{
	char url[OPCUA_STRING_MAX + 1];

	hk_cur_skip(b, 20); /* version, buffer sizes, limits */
	if (ua_string(b, url, sizeof(url)))
		say_url(w, HK_SIDE_DST, url);
}

static void reverse_hello(struct ua_walk *w, struct hk_cur *b)
{
	char uri[OPCUA_STRING_MAX + 1], url[OPCUA_STRING_MAX + 1];

	if (!ua_string(b, uri, sizeof(uri)) || !ua_string(b, url, sizeof(url)))
		return;
	say(w, HK_OBS_RAW, HK_SIDE_SRC, "opcua.application_uri", uri);
	say_url(w, HK_SIDE_SRC, url);
}

static void open_channel(struct ua_walk *w, struct hk_cur *b)
{
	char policy[OPCUA_STRING_MAX + 1];
	struct hk_cur cert, v;

	hk_cur_skip(b, 4); /* secure channel id */
	if (!ua_string(b, policy, sizeof(policy)) || !ua_bytes(b, &cert) || !ua_bytes(b, &v))
		return;
	w->policy = strcmp(policy, OPCUA_POLICY_NONE) == 0 ? UA_POLICY_NONE : UA_POLICY_SECURED;
	say(w, HK_OBS_RAW, HK_SIDE_SRC, "opcua.security_policy", policy);
	say_cert(w, &cert, "opcua.");
	/* a #None OPN body (OpenSecureChannel request/response) names nobody */
}

static void chunk(struct ua_walk *w, struct hk_cur *b, enum ua_type type, uint8_t kind)
{
	uint32_t request;
	bool continued;

	hk_cur_skip(b, 4 + 4); /* secure channel id, token id */
	if (w->policy == UA_POLICY_SECURED) {
		say(w, HK_OBS_RAW, HK_SIDE_SRC, "opcua.encrypted", "yes");
		w->done = true;
		return;
	}
	hk_cur_skip(b, 4); /* sequence number */
	request = hk_cur_le32(b);
	if (!hk_cur_ok(b))
		return;
	continued = w->multi_open && request == w->multi_request;
	w->multi_open = kind == 'C';
	w->multi_request = request;
	if (type == UA_CLO) {
		w->done = true;
		return;
	}
	if (kind == 'A' || continued)
		return; /* an abort's error and reason; the rest of a message */
	service(w, b);
}

/* true when some message type starts with the n bytes at name */
static bool type_prefix(const uint8_t *name, size_t n)
{
	for (int t = 0; t < UA__N; t++)
		if (memcmp(name, ua_types[t].name, n) == 0)
			return true;
	return false;
}

static bool type_of(const uint8_t name[3], enum ua_type *ret)
{
	for (int t = 0; t < UA__N; t++)
		if (memcmp(name, ua_types[t].name, 3) == 0) {
			*ret = (enum ua_type)t;
			return true;
		}
	return false;
}

/* One message at c; first: the stream's first (not OPC UA is then NOMATCH). */
static enum hk_parse_result message(struct ua_walk *w, struct hk_cur *c, bool first)
{
	enum hk_parse_result bad = first ? HK_PARSE_NOMATCH : HK_PARSE_MALFORMED;
	uint8_t name[3], kind;
	enum ua_type type;
	uint32_t size;
	size_t have;
	bool whole;
	struct hk_cur b;

	/* what the window holds of the type is checked before asking for more */
	for (size_t i = 0; i < 3; i++) {
		if (!hk_cur_has(c, i + 1))
			return HK_PARSE_TRUNCATED;
		name[i] = hk_cur_peek_u8(c, i);
		if (!type_prefix(name, i + 1))
			return bad;
	}
	if (!type_of(name, &type))
		return bad;
	if (!hk_cur_has(c, 4))
		return HK_PARSE_TRUNCATED;
	kind = hk_cur_peek_u8(c, 3);
	if (kind != 'F' && (type < UA_OPN || (kind != 'C' && kind != 'A')))
		return bad;
	if (!hk_cur_has(c, OPCUA_HDR_LEN))
		return HK_PARSE_TRUNCATED;
	hk_cur_skip(c, 4);
	size = hk_cur_le32(c);
	if (size < ua_types[type].min_size || size > OPCUA_MESSAGE_SIZE_MAX)
		return bad;
	have = hk_cur_left(c);
	whole = size - OPCUA_HDR_LEN <= have;
	b = hk_cur_sub(c, whole ? size - OPCUA_HDR_LEN : have);

	switch (type) {
	case UA_HEL:
		hello(w, &b);
		break;
	case UA_RHE:
		reverse_hello(w, &b);
		break;
	case UA_ERR:
		w->done = true;
		break;
	case UA_OPN:
		open_channel(w, &b);
		break;
	case UA_MSG:
	case UA_CLO:
		chunk(w, &b, type, kind);
		break;
	case UA_ACK:
	default:
		break;
	}
	if (b.err == HK_CUR_EINVAL)
		return HK_PARSE_MALFORMED;
	if (!whole)
		return HK_PARSE_TRUNCATED; /* read as far as the window goes */
	/* past the end of a whole message: the first chunk of several is cut by design */
	if (b.err && !(type == UA_MSG && kind == 'C'))
		return HK_PARSE_MALFORMED;
	return HK_PARSE_OK;
}

enum hk_parse_result proto_opcua_parse(struct hk_cur *c, const struct hk_parse_ctx *ctx, struct hk_obs_sink *out)
{
	struct ua_walk w = {.out = out, .policy = UA_POLICY_UNKNOWN};
	enum hk_parse_result r;

	(void)ctx;
	for (unsigned i = 0; i < OPCUA_MESSAGES_MAX; i++) {
		if (hk_cur_left(c) == 0)
			return HK_PARSE_TRUNCATED; /* between messages: more may come */
		r = message(&w, c, i == 0);
		if (r != HK_PARSE_OK)
			return r;
		if (w.done)
			return HK_PARSE_OK;
	}
	return HK_PARSE_OK; /* OPCUA_MESSAGES_MAX read: enough of this stream */
}
