/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OPC UA binary parser (src/proto/opcua.c): both directions of a real
 * session from the shared captures (Hello, OpenSecureChannel, GetEndpoints,
 * CreateSession) with their exact observations, and messages built here
 * from OPC 10000-6 / 10000-4 to reach the rest: a server certificate (the
 * real one of the OPC Foundation's ANSI C stack test server), host names in
 * URLs, ReverseHello, FindServers and RegisterServer2, a secured channel,
 * multi-chunk messages, every truncated prefix, lying sizes and lengths,
 * array counts at 0, MAX and MAX+1, nested DiagnosticInfo past its depth,
 * strings with NUL and non-ASCII bytes, and bytes that are not OPC UA. Every
 * input is an exactly-sized heap copy, so a one-byte over-read is an
 * AddressSanitizer report. Where tshark and the captures are at hand, the
 * frames are compared with tshark's reading.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"
#include "proto/proto.h"
#include "proto_check.h"

#define OPCUA_ENDPOINTS_MAX 16 /* as in src/proto/opcua.c */
#define OPCUA_SERVERS_MAX 16
#define OPCUA_ARRAY_MAX 64
#define OPCUA_DIAG_DEPTH_MAX 4
#define OPCUA_MESSAGES_MAX 32


/*
 * ndpi_opc-ua.pcap (ntop/nDPI tests/cfgs/default/pcap/opc-ua.pcap, an
 * open62541 client and server on 127.0.0.1), frame 5, 57420 -> 4840: Hello.
 * tshark: opcua.transport.type HEL, opcua.transport.endpoint
 * "opc.tcp://localhost:4840".
 */
static const uint8_t hel[] =
	"HEL" "F" "\x38\x00\x00\x00"             /* type, final chunk, size 56 */
	"\x00\x00\x00\x00"                       /* protocol version 0 */
	"\x00\x00\x02\x00" "\x00\x00\x02\x00"    /* receive, send buffer 131072 */
	"\x00\x00\x00\x40" "\x00\x80\x00\x00"    /* max message 1073741824, max chunks 32768 */
	"\x18\x00\x00\x00" "opc.tcp://localhost:4840"; /* EndpointUrl, 24 bytes */

/* frame 7, 4840 -> 57420: Acknowledge (version, buffers, limits) */
static const uint8_t ack[] =
	"\x41\x43\x4b\x46\x1c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x00\x40"
	"\x00\x80\x00\x00";

/* frame 9, 57420 -> 4840: OpenSecureChannel request, policy #None, no
 * certificate, no thumbprint, then the (clear) OpenSecureChannelRequest */
static const uint8_t opn_req[] =
	"\x4f\x50\x4e\x46\x84\x00\x00\x00\x00\x00\x00\x00\x2f\x00\x00\x00\x68\x74\x74\x70\x3a\x2f\x2f\x6f"
	"\x70\x63\x66\x6f\x75\x6e\x64\x61\x74\x69\x6f\x6e\x2e\x6f\x72\x67\x2f\x55\x41\x2f\x53\x65\x63\x75"
	"\x72\x69\x74\x79\x50\x6f\x6c\x69\x63\x79\x23\x4e\x6f\x6e\x65\xff\xff\xff\xff\xff\xff\xff\xff\x01"
	"\x00\x00\x00\x01\x00\x00\x00\x01\x00\xbe\x01\x00\x00\x34\x40\xdf\x99\xa8\xf3\xd8\x01\x00\x00\x00"
	"\x00\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x01\x00\x00\x00\xff\xff\xff\xff\xc0\x27\x09\x00";

/* frame 11, 4840 -> 57420: OpenSecureChannel response, policy #None */
static const uint8_t opn_resp[] =
	"\x4f\x50\x4e\x46\x87\x00\x00\x00\x01\x00\x00\x00\x2f\x00\x00\x00\x68\x74\x74\x70\x3a\x2f\x2f\x6f"
	"\x70\x63\x66\x6f\x75\x6e\x64\x61\x74\x69\x6f\x6e\x2e\x6f\x72\x67\x2f\x55\x41\x2f\x53\x65\x63\x75"
	"\x72\x69\x74\x79\x50\x6f\x6c\x69\x63\x79\x23\x4e\x6f\x6e\x65\xff\xff\xff\xff\xff\xff\xff\xff\x01"
	"\x00\x00\x00\x01\x00\x00\x00\x01\x00\xc1\x01\xb2\x44\xdf\x99\xa8\xf3\xd8\x01\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\xb2"
	"\x44\xdf\x99\xa8\xf3\xd8\x01\xc0\x27\x09\x00\xff\xff\xff\xff";

/* frame 13, 57420 -> 4840: MSG GetEndpointsRequest (428), nothing said */
static const uint8_t gep_req[] =
	"\x4d\x53\x47\x46\x5d\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00"
	"\x01\x00\xac\x01\x00\x00\x82\x4c\xdf\x99\xa8\xf3\xd8\x01\x01\x00\x00\x00\x00\x00\x00\x00\xff\xff"
	"\xff\xff\x10\x27\x00\x00\x00\x00\x00\x18\x00\x00\x00\x6f\x70\x63\x2e\x74\x63\x70\x3a\x2f\x2f\x6c"
	"\x6f\x63\x61\x6c\x68\x6f\x73\x74\x3a\x34\x38\x34\x30\xff\xff\xff\xff\xff\xff\xff\xff";

/*
 * frame 15, 4840 -> 57420: MSG GetEndpointsResponse (431), one endpoint.
 * tshark: ApplicationUri urn:open62541.server.application, ProductUri
 * http://open62541.org, Text "open62541-based OPC UA Application",
 * ApplicationType Server, MessageSecurityMode None (0x00000001).
 */
static const uint8_t gep_resp[] =
	"MSG" "F" "\xf8\x01\x00\x00"            /* size 504 */
	"\x01\x00\x00\x00" "\x01\x00\x00\x00"   /* secure channel 1, token 1 */
	"\x02\x00\x00\x00" "\x02\x00\x00\x00"   /* sequence number 2, request id 2 */
	"\x01\x00\xaf\x01"                      /* TypeId: four-byte NodeId, ns 0, 431 */
	/* ResponseHeader: timestamp, handle 1, Good, DiagnosticInfo 0,
	 * StringTable null, AdditionalHeader: NodeId 00 00, no body */
	"\xec\x50\xdf\x99\xa8\xf3\xd8\x01" "\x01\x00\x00\x00" "\x00\x00\x00\x00"
	"\x00" "\xff\xff\xff\xff" "\x00\x00\x00"
	"\x01\x00\x00\x00"                      /* Endpoints: 1 */
	"\x18\x00\x00\x00" "opc.tcp://localhost:4840" /* EndpointUrl */
	"\x20\x00\x00\x00" "urn:open62541.server.application" /* ApplicationUri */
	"\x14\x00\x00\x00" "http://open62541.org"             /* ProductUri */
	"\x03" "\x02\x00\x00\x00" "en"          /* ApplicationName: locale and text */
	"\x22\x00\x00\x00" "open62541-based OPC UA Application"
	"\x00\x00\x00\x00"                      /* ApplicationType 0 Server */
	"\xff\xff\xff\xff" "\xff\xff\xff\xff"   /* GatewayServerUri, DiscoveryProfileUri null */
	"\x01\x00\x00\x00" "\x18\x00\x00\x00" "opc.tcp://localhost:4840" /* DiscoveryUrls */
	"\xff\xff\xff\xff"                      /* ServerCertificate null */
	"\x01\x00\x00\x00"                      /* SecurityMode 1 None */
	"\x2f\x00\x00\x00" "http://opcfoundation.org/UA/SecurityPolicy#None"
	"\x02\x00\x00\x00"                      /* UserIdentityTokens: 2 */
	"\x1a\x00\x00\x00" "open62541-anonymous-policy" "\x00\x00\x00\x00"
	"\xff\xff\xff\xff" "\xff\xff\xff\xff" "\xff\xff\xff\xff"
	"\x19\x00\x00\x00" "open62541-username-policy" "\x01\x00\x00\x00"
	"\xff\xff\xff\xff" "\xff\xff\xff\xff"
	"\x2f\x00\x00\x00" "http://opcfoundation.org/UA/SecurityPolicy#None"
	"\x41\x00\x00\x00" "http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary"
	"\x01";                                 /* SecurityLevel 1 */

/*
 * frame 17, 57420 -> 4840: MSG CreateSessionRequest (461): RequestHeader,
 * ClientDescription {ApplicationUri "urn:unconfigured:application",
 * ProductUri null, ApplicationName mask 0, ApplicationType 1 Client, ...},
 * ServerUri null, EndpointUrl "opc.tcp://localhost:4840", no certificate.
 */
static const uint8_t cs_req[] =
	"\x4d\x53\x47\x46\xa6\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x03\x00\x00\x00\x03\x00\x00\x00"
	"\x01\x00\xcd\x01\x00\x00\x26\x58\xdf\x99\xa8\xf3\xd8\x01\x03\x00\x00\x00\x00\x00\x00\x00\xff\xff"
	"\xff\xff\x10\x27\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x75\x72\x6e\x3a\x75\x6e\x63\x6f\x6e\x66\x69"
	"\x67\x75\x72\x65\x64\x3a\x61\x70\x70\x6c\x69\x63\x61\x74\x69\x6f\x6e\xff\xff\xff\xff\x00\x01\x00"
	"\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x18\x00\x00\x00\x6f\x70"
	"\x63\x2e\x74\x63\x70\x3a\x2f\x2f\x6c\x6f\x63\x61\x6c\x68\x6f\x73\x74\x3a\x34\x38\x34\x30\xff\xff"
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x80\x4f\x32\x41\xff\xff\xff\x7f";

/*
 * frame 19, 4840 -> 57420: MSG CreateSessionResponse (464): session ids
 * (GUID NodeIds), a 32-byte nonce, no certificate, one endpoint as in frame
 * 15 but with DiscoveryUrls "opc.tcp://Maui-16714:4840/".
 */
static const uint8_t cs_resp[] =
	"\x4d\x53\x47\x46\x60\x02\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x03\x00\x00\x00\x03\x00\x00\x00"
	"\x01\x00\xd0\x01\xaa\x5b\xdf\x99\xa8\xf3\xd8\x01\x03\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff"
	"\xff\x00\x00\x00\x04\x01\x00\x99\xd3\x0e\x1f\xe0\xd1\x4d\xd6\xac\x6a\xb6\x6b\x9b\xa9\xea\x8e\x04"
	"\x01\x00\x5b\x93\x15\xbf\xee\x25\xbf\x67\x28\x12\x11\x61\x2d\x82\x38\xb3\x00\x00\x00\x00\x80\x4f"
	"\x32\x41\x20\x00\x00\x00\x28\x6e\x30\xce\x84\x9b\x2f\xec\x36\xaf\x0e\xe4\xef\xb4\x26\x6e\xb3\x0a"
	"\x40\x7d\x39\x89\x3a\xf5\xe8\xa3\x36\xae\xa4\x65\x6e\x1c\xff\xff\xff\xff\x01\x00\x00\x00\x18\x00"
	"\x00\x00\x6f\x70\x63\x2e\x74\x63\x70\x3a\x2f\x2f\x6c\x6f\x63\x61\x6c\x68\x6f\x73\x74\x3a\x34\x38"
	"\x34\x30\x20\x00\x00\x00\x75\x72\x6e\x3a\x6f\x70\x65\x6e\x36\x32\x35\x34\x31\x2e\x73\x65\x72\x76"
	"\x65\x72\x2e\x61\x70\x70\x6c\x69\x63\x61\x74\x69\x6f\x6e\x14\x00\x00\x00\x68\x74\x74\x70\x3a\x2f"
	"\x2f\x6f\x70\x65\x6e\x36\x32\x35\x34\x31\x2e\x6f\x72\x67\x03\x02\x00\x00\x00\x65\x6e\x22\x00\x00"
	"\x00\x6f\x70\x65\x6e\x36\x32\x35\x34\x31\x2d\x62\x61\x73\x65\x64\x20\x4f\x50\x43\x20\x55\x41\x20"
	"\x41\x70\x70\x6c\x69\x63\x61\x74\x69\x6f\x6e\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x01"
	"\x00\x00\x00\x1a\x00\x00\x00\x6f\x70\x63\x2e\x74\x63\x70\x3a\x2f\x2f\x4d\x61\x75\x69\x2d\x31\x36"
	"\x37\x31\x34\x3a\x34\x38\x34\x30\x2f\xff\xff\xff\xff\x01\x00\x00\x00\x2f\x00\x00\x00\x68\x74\x74"
	"\x70\x3a\x2f\x2f\x6f\x70\x63\x66\x6f\x75\x6e\x64\x61\x74\x69\x6f\x6e\x2e\x6f\x72\x67\x2f\x55\x41"
	"\x2f\x53\x65\x63\x75\x72\x69\x74\x79\x50\x6f\x6c\x69\x63\x79\x23\x4e\x6f\x6e\x65\x02\x00\x00\x00"
	"\x1a\x00\x00\x00\x6f\x70\x65\x6e\x36\x32\x35\x34\x31\x2d\x61\x6e\x6f\x6e\x79\x6d\x6f\x75\x73\x2d"
	"\x70\x6f\x6c\x69\x63\x79\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x19\x00"
	"\x00\x00\x6f\x70\x65\x6e\x36\x32\x35\x34\x31\x2d\x75\x73\x65\x72\x6e\x61\x6d\x65\x2d\x70\x6f\x6c"
	"\x69\x63\x79\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x2f\x00\x00\x00\x68\x74\x74\x70\x3a"
	"\x2f\x2f\x6f\x70\x63\x66\x6f\x75\x6e\x64\x61\x74\x69\x6f\x6e\x2e\x6f\x72\x67\x2f\x55\x41\x2f\x53"
	"\x65\x63\x75\x72\x69\x74\x79\x50\x6f\x6c\x69\x63\x79\x23\x4e\x6f\x6e\x65\x41\x00\x00\x00\x68\x74"
	"\x74\x70\x3a\x2f\x2f\x6f\x70\x63\x66\x6f\x75\x6e\x64\x61\x74\x69\x6f\x6e\x2e\x6f\x72\x67\x2f\x55"
	"\x41\x2d\x50\x72\x6f\x66\x69\x6c\x65\x2f\x54\x72\x61\x6e\x73\x70\x6f\x72\x74\x2f\x75\x61\x74\x63"
	"\x70\x2d\x75\x61\x73\x63\x2d\x75\x61\x62\x69\x6e\x61\x72\x79\x01\xff\xff\xff\xff\xff\xff\xff\xff"
	"\xff\xff\xff\xff\x00\x00\x00\x00";

/*
 * iti_opc-ua-ap-method-wireshark-freeze.pcap (ITI/ICS-Security-Tools
 * pcaps/OPC), frame 20 (reassembled), the ServerCertificate of the OPC
 * Foundation ANSI C stack test server. openssl x509: subject and issuer
 * "DC = vm-xp-steven, CN = UA StackTest Server (AnsiC/2048)".
 */
static const uint8_t stack_cert[1003] = {
	0x30, 0x82, 0x03, 0xe7, 0x30, 0x82, 0x02, 0xd3, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x10, 0x07,
	0x33, 0xad, 0x32, 0x59, 0xaa, 0x9c, 0x83, 0x4b, 0x6b, 0xdc, 0x84, 0x7e, 0xbc, 0x97, 0x56, 0x30,
	0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1d, 0x05, 0x00, 0x30, 0x49, 0x31, 0x1c, 0x30, 0x1a,
	0x06, 0x0a, 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19, 0x16, 0x0c, 0x76, 0x6d,
	0x2d, 0x78, 0x70, 0x2d, 0x73, 0x74, 0x65, 0x76, 0x65, 0x6e, 0x31, 0x29, 0x30, 0x27, 0x06, 0x03,
	0x55, 0x04, 0x03, 0x13, 0x20, 0x55, 0x41, 0x20, 0x53, 0x74, 0x61, 0x63, 0x6b, 0x54, 0x65, 0x73,
	0x74, 0x20, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72, 0x20, 0x28, 0x41, 0x6e, 0x73, 0x69, 0x43, 0x2f,
	0x32, 0x30, 0x34, 0x38, 0x29, 0x30, 0x1e, 0x17, 0x0d, 0x30, 0x39, 0x30, 0x38, 0x31, 0x37, 0x31,
	0x38, 0x31, 0x36, 0x33, 0x36, 0x5a, 0x17, 0x0d, 0x31, 0x39, 0x30, 0x38, 0x31, 0x37, 0x31, 0x38,
	0x31, 0x36, 0x33, 0x36, 0x5a, 0x30, 0x49, 0x31, 0x1c, 0x30, 0x1a, 0x06, 0x0a, 0x09, 0x92, 0x26,
	0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19, 0x16, 0x0c, 0x76, 0x6d, 0x2d, 0x78, 0x70, 0x2d, 0x73,
	0x74, 0x65, 0x76, 0x65, 0x6e, 0x31, 0x29, 0x30, 0x27, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x20,
	0x55, 0x41, 0x20, 0x53, 0x74, 0x61, 0x63, 0x6b, 0x54, 0x65, 0x73, 0x74, 0x20, 0x53, 0x65, 0x72,
	0x76, 0x65, 0x72, 0x20, 0x28, 0x41, 0x6e, 0x73, 0x69, 0x43, 0x2f, 0x32, 0x30, 0x34, 0x38, 0x29,
	0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x01, 0x05, 0x00, 0x03, 0x82, 0x01, 0x0f, 0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01,
	0x00, 0x8c, 0x59, 0x22, 0x67, 0x67, 0x48, 0xf8, 0xdf, 0xfb, 0x65, 0x31, 0x5b, 0x67, 0x8d, 0x9e,
	0xd7, 0x7a, 0xd3, 0x73, 0x22, 0x00, 0x3a, 0x6b, 0xc1, 0xb7, 0xa7, 0x79, 0xfc, 0x79, 0x29, 0x8c,
	0xcc, 0xd3, 0xf5, 0x2a, 0xce, 0xb9, 0xc8, 0x8b, 0xb5, 0xd5, 0xb3, 0x9f, 0x3c, 0xe4, 0x79, 0xc1,
	0xa7, 0x85, 0x2d, 0x4e, 0x4b, 0x1c, 0x08, 0x2e, 0xa0, 0x5a, 0x86, 0x30, 0x07, 0x91, 0x4d, 0x06,
	0x48, 0xb4, 0x1e, 0x14, 0x9e, 0x6b, 0xa3, 0xb2, 0xcf, 0x3d, 0x80, 0x5a, 0x9e, 0xb9, 0x7a, 0xc0,
	0x6b, 0x7d, 0x30, 0x05, 0xaa, 0xb6, 0x4d, 0xce, 0x3e, 0x4e, 0xd2, 0x27, 0xf2, 0x61, 0x5b, 0x2c,
	0xc6, 0x84, 0xfb, 0xf2, 0x8c, 0x49, 0xd0, 0x7e, 0x50, 0x87, 0x82, 0x1f, 0xeb, 0xb0, 0x72, 0x2a,
	0xe5, 0xa3, 0x70, 0xf0, 0x41, 0xf8, 0xde, 0x3d, 0x7c, 0x39, 0x5d, 0xc0, 0xed, 0x05, 0xc2, 0xd2,
	0x9b, 0x6a, 0x54, 0x6f, 0xd7, 0x95, 0xc5, 0x14, 0xc1, 0xd6, 0x7e, 0x09, 0x35, 0xd6, 0xce, 0x4a,
	0x40, 0x31, 0x0b, 0x23, 0xdf, 0x2c, 0xb1, 0xe0, 0x32, 0xc0, 0xa0, 0xc8, 0xcb, 0xb3, 0x4c, 0x04,
	0x88, 0x20, 0xb9, 0x8c, 0x66, 0x1b, 0x93, 0xf6, 0x3a, 0x05, 0xdb, 0x58, 0x30, 0x75, 0x3b, 0x1d,
	0x82, 0x11, 0x38, 0x2f, 0xcb, 0x5d, 0x6b, 0x88, 0xb4, 0x40, 0xa0, 0x3c, 0x9c, 0x83, 0x44, 0x3e,
	0xfb, 0x13, 0x7d, 0xc1, 0xd8, 0x43, 0x36, 0xfa, 0xd5, 0x5b, 0xd8, 0x76, 0x13, 0x99, 0x5f, 0x2e,
	0x48, 0x8a, 0x80, 0x78, 0x6f, 0x7f, 0x6e, 0x52, 0x69, 0xa4, 0x27, 0x2f, 0x77, 0x95, 0xeb, 0x92,
	0x72, 0xbf, 0xd6, 0xef, 0x60, 0xe9, 0x95, 0x2d, 0xc8, 0xbc, 0x7a, 0x0a, 0x71, 0x45, 0x85, 0xef,
	0x85, 0x52, 0x25, 0x27, 0x5a, 0x27, 0x8e, 0x3e, 0x68, 0xb2, 0xda, 0xf2, 0xa6, 0x9f, 0x70, 0xdf,
	0xe5, 0x02, 0x03, 0x01, 0x00, 0x01, 0xa3, 0x81, 0xd2, 0x30, 0x81, 0xcf, 0x30, 0x1d, 0x06, 0x03,
	0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0x32, 0x4f, 0x56, 0xe6, 0x34, 0xd0, 0xb0, 0x01, 0xe3,
	0x90, 0xd2, 0xd5, 0x05, 0x57, 0x99, 0xf1, 0xad, 0x24, 0x15, 0x3c, 0x30, 0x1f, 0x06, 0x03, 0x55,
	0x1d, 0x01, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0x32, 0x4f, 0x56, 0xe6, 0x34, 0xd0, 0xb0, 0x01,
	0xe3, 0x90, 0xd2, 0xd5, 0x05, 0x57, 0x99, 0xf1, 0xad, 0x24, 0x15, 0x3c, 0x30, 0x0c, 0x06, 0x03,
	0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x02, 0x30, 0x00, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d,
	0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x02, 0xf4, 0x30, 0x20, 0x06, 0x03, 0x55, 0x1d,
	0x25, 0x01, 0x01, 0xff, 0x04, 0x16, 0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
	0x03, 0x01, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02, 0x30, 0x4d, 0x06, 0x03,
	0x55, 0x1d, 0x07, 0x04, 0x46, 0x30, 0x44, 0x86, 0x34, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f, 0x2f,
	0x76, 0x6d, 0x2d, 0x78, 0x70, 0x2d, 0x73, 0x74, 0x65, 0x76, 0x65, 0x6e, 0x2f, 0x55, 0x41, 0x20,
	0x53, 0x74, 0x61, 0x63, 0x6b, 0x54, 0x65, 0x73, 0x74, 0x20, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72,
	0x20, 0x28, 0x41, 0x6e, 0x73, 0x69, 0x43, 0x2f, 0x32, 0x30, 0x34, 0x38, 0x29, 0x82, 0x0c, 0x76,
	0x6d, 0x2d, 0x78, 0x70, 0x2d, 0x73, 0x74, 0x65, 0x76, 0x65, 0x6e, 0x30, 0x09, 0x06, 0x05, 0x2b,
	0x0e, 0x03, 0x02, 0x1d, 0x05, 0x00, 0x03, 0x82, 0x01, 0x01, 0x00, 0x1c, 0x90, 0xf3, 0xf4, 0x87,
	0xd8, 0x0a, 0xb4, 0xbe, 0xf6, 0x32, 0x97, 0x71, 0x7a, 0x14, 0x99, 0x8a, 0xb9, 0xa1, 0x73, 0x62,
	0xfd, 0x94, 0x0b, 0x87, 0xa1, 0xba, 0x7f, 0x1e, 0xc7, 0xee, 0xb9, 0x78, 0x78, 0x87, 0x1f, 0x68,
	0x09, 0x98, 0x52, 0xe7, 0x57, 0xf7, 0x56, 0x44, 0xe5, 0xae, 0xd1, 0x67, 0x0e, 0x7a, 0x25, 0xf2,
	0xfa, 0x0e, 0xf0, 0xfe, 0x40, 0x3b, 0x1e, 0x6b, 0x82, 0xb5, 0xdd, 0x52, 0x9c, 0x8e, 0xbe, 0xa9,
	0xc3, 0xcb, 0x94, 0x78, 0x23, 0x70, 0x64, 0xc3, 0xdf, 0x5b, 0xa1, 0x7b, 0xf9, 0x88, 0xcf, 0x7d,
	0x70, 0x8e, 0x64, 0x1a, 0xf4, 0x7f, 0x0a, 0xb3, 0x2a, 0x4f, 0xed, 0x98, 0xa8, 0x84, 0x25, 0xe2,
	0xa1, 0x47, 0x64, 0x7c, 0xf8, 0x8f, 0x25, 0xa6, 0x60, 0x6a, 0xc3, 0x06, 0x93, 0xf5, 0x81, 0xc9,
	0x39, 0x65, 0xbc, 0x40, 0x64, 0xe3, 0x91, 0xb2, 0xea, 0xd5, 0xdf, 0x78, 0x86, 0x9e, 0x8c, 0xe8,
	0x93, 0x42, 0x47, 0xa5, 0xbe, 0xbb, 0x4f, 0x84, 0xc8, 0xf3, 0xbb, 0x93, 0xc3, 0xfc, 0x07, 0x81,
	0x12, 0x8a, 0xfc, 0x0a, 0xdb, 0x09, 0x15, 0x37, 0x52, 0x1a, 0xd3, 0x06, 0xd7, 0x17, 0xeb, 0xb1,
	0x19, 0x12, 0x7a, 0x65, 0x1a, 0xc8, 0x36, 0x11, 0xc3, 0x7f, 0x69, 0x06, 0xaf, 0xcd, 0xdf, 0x8f,
	0x0a, 0x73, 0xe7, 0xd9, 0x73, 0xfe, 0xd3, 0x97, 0x53, 0xa7, 0x74, 0x22, 0x21, 0xb2, 0x0b, 0xb0,
	0x13, 0xcb, 0xc2, 0x76, 0xfc, 0x3f, 0xa0, 0xbc, 0x53, 0x95, 0x6c, 0x5d, 0x41, 0xab, 0x61, 0x3f,
	0x26, 0xaf, 0x3c, 0xd6, 0x9d, 0xa8, 0xd2, 0xf3, 0x0a, 0x89, 0xd3, 0xc4, 0x2e, 0x49, 0xaf, 0x64,
	0xc7, 0x54, 0x16, 0x8a, 0xa4, 0xfd, 0xbd, 0x77, 0x42, 0xce, 0xa0, 0xc1, 0xbf, 0xc5, 0x40, 0x2e,
	0xb5, 0xd1, 0x21, 0x13, 0x10, 0xd9, 0x97, 0x4e, 0xff, 0x6f, 0x4a,
};

static struct pc_result res;

static const struct hk_parse_ctx srv_ctx = {
	.l4 = 6, .sport = 4840, .dport = 57420, .from_client = false, .client_known = true, .ndpi = ""};
static const struct hk_parse_ctx cli_ctx = {
	.l4 = 6, .sport = 57420, .dport = 4840, .from_client = true, .client_known = true, .ndpi = ""};

/* pc_run, then: nothing said with NOMATCH, every observation with confidence 50, a non-empty, printable value
 * and an "opcua." source */
static enum hk_parse_result run_ctx(const void *bytes, size_t n, const struct hk_parse_ctx *ctx)
{
	pc_run(proto_opcua_parse, bytes, n, ctx, &res);
	if (res.rc == HK_PARSE_NOMATCH)
		ck_assert_uint_eq(res.sink.n, 0);
	for (size_t i = 0; i < res.sink.n; i++) {
		size_t len = strlen(res.obs[i].value);
		ck_assert_uint_gt(len, 0);
		ck_assert_uint_eq(res.obs[i].confidence, 50);
		ck_assert_int_eq(strncmp(res.obs[i].source, "opcua.", 6), 0);
		for (size_t k = 0; k < len; k++)
			ck_assert(res.obs[i].value[k] >= 0x20 && res.obs[i].value[k] < 0x7f);
	}
	return res.rc;
}

static enum hk_parse_result run(const void *bytes, size_t n)
{
	return run_ctx(bytes, n, &srv_ctx);
}

#define EXPECT(i, k, sd, src, val) PC_EXPECT(&res, i, k, sd, 50, src, val)

#define SRC HK_SIDE_SRC
#define DST HK_SIDE_DST

/* the first value from source, NULL when there is none */
static const char *find(const char *source)
{
	return pc_count(&res, source) ? pc_value(&res, source, 0) : NULL;
}

/* ---- a message builder ----------------------------------------------------- */

static void le32(struct pc_buf *a, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	pc_put(a, b, 4);
}

/* a String or ByteString of n bytes; NULL is the null string */
static void bytes(struct pc_buf *a, const void *v, size_t n)
{
	if (!v) {
		le32(a, 0xffffffff);
		return;
	}
	le32(a, (uint32_t)n);
	pc_put(a, v, n);
}

static void str(struct pc_buf *a, const char *s)
{
	bytes(a, s, s ? strlen(s) : 0);
}

/* a message header with the size left open; returns where it starts */
static size_t begin(struct pc_buf *a, const char *type, char chunk)
{
	size_t at = a->n;

	pc_put(a, type, 3);
	pc_put8(a, (uint8_t)chunk);
	le32(a, 0);
	return at;
}

static void end(struct pc_buf *a, size_t at)
{
	uint32_t size = (uint32_t)(a->n - at);

	memcpy(a->b + at + 4, (uint8_t[4]){(uint8_t)size, (uint8_t)(size >> 8), (uint8_t)(size >> 16),
					  (uint8_t)(size >> 24)}, 4);
}

/* MSG/CLO: header, channel 1, token 1, sequence, request id, then the TypeId */
static size_t msg(struct pc_buf *a, const char *type, char chunk, uint32_t request, uint16_t type_id)
{
	size_t at = begin(a, type, chunk);

	le32(a, 1);
	le32(a, 1);
	le32(a, request + 1);
	le32(a, request);
	if (type_id) {
		pc_put8(a, 0x01);
		pc_put8(a, 0);
		pc_put8(a, (uint8_t)type_id);
		pc_put8(a, (uint8_t)(type_id >> 8));
	}
	return at;
}

static void opn(struct pc_buf *a, const char *policy, const void *cert, size_t cert_len)
{
	size_t at = begin(a, "OPN", 'F');

	le32(a, 0);
	str(a, policy);
	bytes(a, cert, cert_len);
	bytes(a, NULL, 0);
	le32(a, 1);
	le32(a, 1);
	pc_put(a, "\x01\x00\xc1\x01", 4); /* OpenSecureChannelResponse: the rest is not read */
	pc_put(a, "\x00\x00\x00\x00", 4);
	end(a, at);
}

static void response_header(struct pc_buf *a)
{
	pc_put(a, "\0\0\0\0\0\0\0\0", 8); /* timestamp */
	le32(a, 1);                    /* handle */
	le32(a, 0);                    /* Good */
	pc_put8(a, 0);                      /* DiagnosticInfo: nothing */
	le32(a, 0xffffffff);           /* StringTable null */
	pc_put(a, "\x00\x00\x00", 3);     /* AdditionalHeader: NodeId 0, no body */
}

static void request_header(struct pc_buf *a)
{
	pc_put(a, "\x00\x00", 2);         /* authentication token: NodeId 0 */
	pc_put(a, "\0\0\0\0\0\0\0\0", 8); /* timestamp */
	le32(a, 1);                    /* handle */
	le32(a, 0);                    /* return diagnostics */
	str(a, NULL);                  /* audit entry id */
	le32(a, 10000);                /* timeout hint */
	pc_put(a, "\x00\x00\x00", 3);     /* AdditionalHeader */
}

static void loctext(struct pc_buf *a, const char *text)
{
	if (!text) {
		pc_put8(a, 0);
		return;
	}
	pc_put8(a, 0x03);
	str(a, "en");
	str(a, text);
}

static void app(struct pc_buf *a, const char *uri, const char *product, const char *name, uint32_t type)
{
	str(a, uri);
	str(a, product);
	loctext(a, name);
	le32(a, type);
	str(a, NULL);       /* gateway */
	str(a, NULL);       /* discovery profile */
	le32(a, 1);         /* one discovery URL */
	str(a, "opc.tcp://discovery.example:4840/");
}

static void endpoint(struct pc_buf *a, const char *url, const void *cert, size_t cert_len, uint32_t mode,
		     const char *policy)
{
	str(a, url);
	app(a, "urn:acme:plc", "http://acme.example/ua", "Acme PLC", 0);
	bytes(a, cert, cert_len);
	le32(a, mode);
	str(a, policy);
	le32(a, 1);         /* one user token policy */
	str(a, "anonymous");
	le32(a, 0);
	str(a, NULL);
	str(a, NULL);
	str(a, NULL);
	str(a, "http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary");
	pc_put8(a, 0);
}

#define POLICY_NONE "http://opcfoundation.org/UA/SecurityPolicy#None"
#define POLICY_B256 "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256"

static enum hk_parse_result run_buf(const struct pc_buf *a)
{
	return run(a->b, a->n);
}

/* ---- real messages --------------------------------------------------------- */

START_TEST(test_hello)
{
	/* a Hello alone: the server is named; the stream may go on */
	ck_assert_int_eq(run_ctx(VEC(hel), &cli_ctx), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 1);
	EXPECT(0, HK_OBS_RAW, DST, "opcua.endpoint_url", "opc.tcp://localhost:4840");
	/* localhost is no host name */
	ck_assert_ptr_null(find("opcua.endpoint_host"));
}
END_TEST

START_TEST(test_server_flight)
{
	struct pc_buf a = {.n = 0};

	pc_put(&a, VEC(ack));
	pc_put(&a, VEC(opn_resp));
	pc_put(&a, VEC(gep_resp));
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 7);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.security_policy", POLICY_NONE);
	EXPECT(1, HK_OBS_RAW, SRC, "opcua.endpoint_url", "opc.tcp://localhost:4840");
	EXPECT(2, HK_OBS_RAW, SRC, "opcua.application_uri", "urn:open62541.server.application");
	EXPECT(3, HK_OBS_SOFTWARE, SRC, "opcua.product_uri", "http://open62541.org");
	EXPECT(4, HK_OBS_SOFTWARE, SRC, "opcua.application_name", "open62541-based OPC UA Application");
	EXPECT(5, HK_OBS_RAW, SRC, "opcua.application_type", "Server");
	EXPECT(6, HK_OBS_RAW, SRC, "opcua.security_mode", "None");

	/* the same endpoint in a CreateSessionResponse */
	a.n = 0;
	pc_put(&a, VEC(ack));
	pc_put(&a, VEC(opn_resp));
	pc_put(&a, VEC(cs_resp));
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 7);
	EXPECT(6, HK_OBS_RAW, SRC, "opcua.security_mode", "None");
}
END_TEST

START_TEST(test_client_flight)
{
	struct pc_buf a = {.n = 0};

	pc_put(&a, VEC(hel));
	pc_put(&a, VEC(opn_req));
	pc_put(&a, VEC(gep_req));
	pc_put(&a, VEC(cs_req));
	ck_assert_int_eq(run_ctx(a.b, a.n, &cli_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_RAW, DST, "opcua.endpoint_url", "opc.tcp://localhost:4840");
	EXPECT(1, HK_OBS_RAW, SRC, "opcua.security_policy", POLICY_NONE);
	EXPECT(2, HK_OBS_RAW, SRC, "opcua.client.application_uri", "urn:unconfigured:application");
	/* ProductUri null, ApplicationName empty: not said */
	EXPECT(3, HK_OBS_RAW, SRC, "opcua.client.application_type", "Client");

	/* without the CreateSession the client has said all it will, for now */
	a.n = 0;
	pc_put(&a, VEC(hel));
	pc_put(&a, VEC(opn_req));
	pc_put(&a, VEC(gep_req));
	ck_assert_int_eq(run_ctx(a.b, a.n, &cli_ctx), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 2);
}
END_TEST

/* the whole says what it says (run_ctx checks it); every prefix is TRUNCATED and says a leading part of it */
static void check_prefixes(const uint8_t *b, size_t n, const struct hk_parse_ctx *ctx)
{
	run_ctx(b, n, ctx);
	pc_every_prefix(proto_opcua_parse, b, n, ctx, PC_TRUNCATED, true, "%zu bytes from the %s", n,
			ctx->from_client ? "client" : "server");
}

START_TEST(test_truncated_prefixes)
{
	struct pc_buf a = {.n = 0};

	pc_put(&a, VEC(ack));
	pc_put(&a, VEC(opn_resp));
	pc_put(&a, VEC(cs_resp));
	check_prefixes(a.b, a.n, &srv_ctx);
	a.n = 0;
	pc_put(&a, VEC(hel));
	pc_put(&a, VEC(opn_req));
	pc_put(&a, VEC(gep_req));
	pc_put(&a, VEC(cs_req));
	check_prefixes(a.b, a.n, &cli_ctx);
	check_prefixes(VEC(gep_resp), &srv_ctx);
}
END_TEST

/* ---- built messages --------------------------------------------------------- */

START_TEST(test_certificate_and_host)
{
	struct pc_buf a = {.n = 0};
	size_t at;

	opn(&a, POLICY_NONE, stack_cert, sizeof(stack_cert));
	at = msg(&a, "MSG", 'F', 2, 431);
	response_header(&a);
	le32(&a, 3);
	endpoint(&a, "opc.tcp://vm-xp-steven:12001/StackTestServer/AnsiC/2048", stack_cert, sizeof(stack_cert), 1,
		 POLICY_NONE);
	endpoint(&a, "opc.tcp://vm-xp-steven:12001/StackTestServer/AnsiC/2048", stack_cert, sizeof(stack_cert), 3,
		 POLICY_B256);
	endpoint(&a, "opc.tcp://vm-xp-steven:12001/StackTestServer/AnsiC/2048", stack_cert, sizeof(stack_cert), 2,
		 POLICY_B256);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 13);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.security_policy", POLICY_NONE);
	EXPECT(1, HK_OBS_SOFTWARE, SRC, "opcua.cert.subject", "DC=vm-xp-steven,CN=UA StackTest Server (AnsiC/2048)");
	EXPECT(2, HK_OBS_SOFTWARE, SRC, "opcua.cert.issuer", "DC=vm-xp-steven,CN=UA StackTest Server (AnsiC/2048)");
	EXPECT(3, HK_OBS_RAW, SRC, "opcua.endpoint_url", "opc.tcp://vm-xp-steven:12001/StackTestServer/AnsiC/2048");
	EXPECT(4, HK_OBS_HOSTNAME, SRC, "opcua.endpoint_host", "vm-xp-steven");
	EXPECT(5, HK_OBS_RAW, SRC, "opcua.application_uri", "urn:acme:plc");
	EXPECT(6, HK_OBS_SOFTWARE, SRC, "opcua.product_uri", "http://acme.example/ua");
	EXPECT(7, HK_OBS_SOFTWARE, SRC, "opcua.application_name", "Acme PLC");
	EXPECT(8, HK_OBS_RAW, SRC, "opcua.application_type", "Server");
	EXPECT(9, HK_OBS_RAW, SRC, "opcua.security_mode", "None");
	EXPECT(10, HK_OBS_RAW, SRC, "opcua.security_mode", "SignAndEncrypt");
	EXPECT(11, HK_OBS_RAW, SRC, "opcua.security_policy", POLICY_B256);
	EXPECT(12, HK_OBS_RAW, SRC, "opcua.security_mode", "Sign");

	/* a certificate that is not X.509, and a chain (the first one counts) */
	a.n = 0;
	opn(&a, POLICY_NONE, "\x04\x03xyz", 5);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_TRUNCATED);
	ck_assert_str_eq(find("opcua.cert_present"), "yes");
	ck_assert_ptr_null(find("opcua.cert.subject"));
	a.n = 0;
	{
		uint8_t chain[2 * sizeof(stack_cert)];
		memcpy(chain, stack_cert, sizeof(stack_cert));
		memcpy(chain + sizeof(stack_cert), stack_cert, sizeof(stack_cert));
		opn(&a, POLICY_NONE, chain, sizeof(chain));
	}
	ck_assert_int_eq(run_buf(&a), HK_PARSE_TRUNCATED);
	ck_assert_str_eq(find("opcua.cert.subject"), "DC=vm-xp-steven,CN=UA StackTest Server (AnsiC/2048)");
}
END_TEST

static void hello_with(struct pc_buf *a, const char *url)
{
	size_t at = begin(a, "HEL", 'F');

	le32(a, 0);
	le32(a, 65536);
	le32(a, 65536);
	le32(a, 0);
	le32(a, 0);
	str(a, url);
	end(a, at);
}

START_TEST(test_url_hosts)
{
	static const struct {
		const char *url, *host;
	} cases[] = {
		{"opc.tcp://plc-7.plant.example:4840/UA/Server", "plc-7.plant.example"},
		{"opc.tcp://Maui-16714:4840/", "Maui-16714"},
		{"opc.tcp://srv_1", "srv_1"},
		{"opc.tcp://localhostfoo:4840", "localhostfoo"},
		{"opc.tcp://10.0.0.1:4840", NULL},
		{"opc.tcp://[fe80::1]:4840", NULL},
		{"opc.tcp://LOCALHOST:4840", NULL},
		{"opc.tcp://localhost.localdomain:4840", NULL},
		{"opc.tcp://:4840", NULL},
		{"opc.tcp://user@host:4840", NULL},
		{"plc:4840", NULL},
		{"opc.tcp://h\xc3\xa9:4840", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pc_buf a = {.n = 0};
		const char *host;

		hello_with(&a, cases[i].url);
		ck_assert_int_eq(run_ctx(a.b, a.n, &cli_ctx), HK_PARSE_TRUNCATED);
		host = find("opcua.endpoint_host");
		if (cases[i].host) {
			ck_assert_msg(host && strcmp(host, cases[i].host) == 0, "%s: %s", cases[i].url,
				      host ? host : "(none)");
			EXPECT(1, HK_OBS_HOSTNAME, DST, "opcua.endpoint_host", cases[i].host);
		} else {
			ck_assert_msg(!host, "%s: %s", cases[i].url, host);
		}
	}
	/* a null EndpointUrl says nothing */
	{
		struct pc_buf a = {.n = 0};
		hello_with(&a, NULL);
		ck_assert_int_eq(run_ctx(a.b, a.n, &cli_ctx), HK_PARSE_TRUNCATED);
		ck_assert_uint_eq(res.sink.n, 0);
	}
}
END_TEST

START_TEST(test_reverse_hello)
{
	struct pc_buf a = {.n = 0};
	size_t at = begin(&a, "RHE", 'F');

	str(&a, "urn:acme:gateway");
	str(&a, "opc.tcp://gw-3:4840");
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_TRUNCATED);
	ck_assert_uint_eq(res.sink.n, 3);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.application_uri", "urn:acme:gateway");
	EXPECT(1, HK_OBS_RAW, SRC, "opcua.endpoint_url", "opc.tcp://gw-3:4840");
	EXPECT(2, HK_OBS_HOSTNAME, SRC, "opcua.endpoint_host", "gw-3");
}
END_TEST

START_TEST(test_find_servers)
{
	struct pc_buf a = {.n = 0};
	size_t at;

	/* a discovery server lists itself and a server registered with it */
	at = msg(&a, "MSG", 'F', 2, 425);
	response_header(&a);
	le32(&a, 2);
	app(&a, "urn:lds", "http://open62541.org", "LDS", 3);
	app(&a, "urn:elsewhere", "http://other.example", "Other", 0);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.application_uri", "urn:lds");
	EXPECT(3, HK_OBS_RAW, SRC, "opcua.application_type", "DiscoveryServer");

	/* alone, a server describes itself */
	a.n = 0;
	at = msg(&a, "MSG", 'F', 2, 425);
	response_header(&a);
	le32(&a, 1);
	app(&a, "urn:plc", NULL, NULL, 2);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.application_uri", "urn:plc");
	EXPECT(1, HK_OBS_RAW, SRC, "opcua.application_type", "ClientAndServer");
}
END_TEST

START_TEST(test_register_server2)
{
	struct pc_buf a = {.n = 0};
	size_t at = msg(&a, "MSG", 'F', 2, 12211);

	request_header(&a);
	str(&a, "urn:open62541.example.server_register");
	str(&a, "http://open62541.org");
	le32(&a, 2); /* ServerNames: the first is said */
	loctext(&a, "open62541-based OPC UA Application");
	loctext(&a, "second name");
	le32(&a, 0);
	str(&a, NULL);
	le32(&a, 1);
	str(&a, "opc.tcp://Maui-16714:51944/");
	str(&a, NULL);
	pc_put8(&a, 1);
	le32(&a, 0xffffffff); /* DiscoveryConfiguration null */
	end(&a, at);
	ck_assert_int_eq(run_ctx(a.b, a.n, &cli_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.application_uri", "urn:open62541.example.server_register");
	EXPECT(1, HK_OBS_SOFTWARE, SRC, "opcua.product_uri", "http://open62541.org");
	EXPECT(2, HK_OBS_SOFTWARE, SRC, "opcua.application_name", "open62541-based OPC UA Application");
	EXPECT(3, HK_OBS_RAW, SRC, "opcua.application_type", "Server");
}
END_TEST

START_TEST(test_create_session_client_cert)
{
	struct pc_buf a = {.n = 0};
	size_t at = msg(&a, "MSG", 'F', 3, 461);

	request_header(&a);
	app(&a, "urn:scada:client", "urn:vendor:scada", "SCADA", 1);
	str(&a, NULL);                         /* ServerUri */
	str(&a, "opc.tcp://plc-7:4840");       /* EndpointUrl: the server */
	str(&a, "session");
	bytes(&a, "\x01\x02\x03\x04", 4);        /* nonce */
	bytes(&a, stack_cert, sizeof(stack_cert));
	pc_put(&a, "\0\0\0\0\0\0\0\0\0\0\0\0", 12); /* timeout, max response size */
	end(&a, at);
	ck_assert_int_eq(run_ctx(a.b, a.n, &cli_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 8);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.client.application_uri", "urn:scada:client");
	EXPECT(1, HK_OBS_SOFTWARE, SRC, "opcua.client.product_uri", "urn:vendor:scada");
	EXPECT(2, HK_OBS_SOFTWARE, SRC, "opcua.client.application_name", "SCADA");
	EXPECT(3, HK_OBS_RAW, SRC, "opcua.client.application_type", "Client");
	EXPECT(4, HK_OBS_RAW, DST, "opcua.endpoint_url", "opc.tcp://plc-7:4840");
	EXPECT(5, HK_OBS_HOSTNAME, DST, "opcua.endpoint_host", "plc-7");
	EXPECT(6, HK_OBS_SOFTWARE, SRC, "opcua.client.cert.subject", "DC=vm-xp-steven,CN=UA StackTest Server (AnsiC/2048)");
	EXPECT(7, HK_OBS_SOFTWARE, SRC, "opcua.client.cert.issuer", "DC=vm-xp-steven,CN=UA StackTest Server (AnsiC/2048)");
}
END_TEST

START_TEST(test_secured_channel)
{
	struct pc_buf a = {.n = 0};
	size_t at;

	pc_put(&a, VEC(ack));
	opn(&a, POLICY_B256, NULL, 0);
	at = msg(&a, "MSG", 'F', 2, 431); /* would read, were it in clear */
	response_header(&a);
	le32(&a, 0);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 2);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.security_policy", POLICY_B256);
	EXPECT(1, HK_OBS_RAW, SRC, "opcua.encrypted", "yes");

	/* joined after the OPN: the policy is unknown, a clear message is read */
	a.n = 0;
	at = msg(&a, "MSG", 'F', 9, 431);
	response_header(&a);
	le32(&a, 1);
	endpoint(&a, "opc.tcp://plc-7:4840", NULL, 0, 1, POLICY_NONE);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_str_eq(find("opcua.application_uri"), "urn:acme:plc");
}
END_TEST

START_TEST(test_chunks)
{
	struct pc_buf a = {.n = 0};
	size_t at;

	/* a GetEndpointsResponse in two chunks: the first holds one endpoint and
	 * part of the second; the final chunk (same request id) is skipped */
	at = msg(&a, "MSG", 'C', 5, 431);
	response_header(&a);
	le32(&a, 2);
	endpoint(&a, "opc.tcp://first:4840", NULL, 0, 1, POLICY_NONE);
	str(&a, "opc.tcp://second:4840");
	pc_put(&a, "\x20\x00\x00", 3); /* the second's ApplicationUri length, cut */
	end(&a, at);
	at = msg(&a, "MSG", 'F', 5, 0);
	pc_put(&a, "\x00urn:acme:second...............", 32);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(pc_count(&res, "opcua.endpoint_url"), 1);
	ck_assert_str_eq(find("opcua.endpoint_url"), "opc.tcp://first:4840");
	ck_assert_str_eq(find("opcua.endpoint_host"), "first");

	/* an abort chunk ends the message; the next one is read */
	a.n = 0;
	at = msg(&a, "MSG", 'C', 5, 1);
	pc_put(&a, "\x00", 1);
	end(&a, at);
	at = msg(&a, "MSG", 'A', 5, 0);
	le32(&a, 0x80000000);
	str(&a, "aborted");
	end(&a, at);
	at = msg(&a, "MSG", 'F', 6, 431);
	response_header(&a);
	le32(&a, 1);
	endpoint(&a, "opc.tcp://third:4840", NULL, 0, 1, POLICY_NONE);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_str_eq(find("opcua.endpoint_host"), "third");
}
END_TEST

START_TEST(test_end_of_conversation)
{
	struct pc_buf a = {.n = 0};
	size_t at;

	/* ERR and CLO end what a direction can say */
	at = begin(&a, "ERR", 'F');
	le32(&a, 0x80130000);
	str(&a, "BadSecurityChecksFailed");
	end(&a, at);
	pc_put(&a, VEC(hel));
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	a.n = 0;
	pc_put(&a, VEC(opn_req));
	at = msg(&a, "CLO", 'F', 4, 452);
	request_header(&a);
	end(&a, at);
	ck_assert_int_eq(run_ctx(a.b, a.n, &cli_ctx), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 1);
}
END_TEST

START_TEST(test_messages_max)
{
	struct pc_buf a = {.n = 0};

	/* OPCUA_MESSAGES_MAX messages that say nothing: enough */
	for (int i = 0; i < OPCUA_MESSAGES_MAX; i++)
		pc_put(&a, VEC(ack));
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	a.n = 0;
	for (int i = 0; i < OPCUA_MESSAGES_MAX - 1; i++)
		pc_put(&a, VEC(ack));
	ck_assert_int_eq(run_buf(&a), HK_PARSE_TRUNCATED);
}
END_TEST

/* ---- lying sizes and lengths, counts -------------------------------------- */

static void set_le32(struct pc_buf *a, size_t at, uint32_t v)
{
	a->b[at] = (uint8_t)v;
	a->b[at + 1] = (uint8_t)(v >> 8);
	a->b[at + 2] = (uint8_t)(v >> 16);
	a->b[at + 3] = (uint8_t)(v >> 24);
}

START_TEST(test_lying_sizes)
{
	struct pc_buf a = {.n = 0};

	/* message sizes: below the type's fixed part, absurdly large, past the window */
	pc_put(&a, VEC(hel));
	set_le32(&a, 4, 31);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_NOMATCH);
	set_le32(&a, 4, 0x01000001);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_NOMATCH);
	set_le32(&a, 4, 57);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_TRUNCATED);
	/* smaller than its EndpointUrl: the String runs past the message */
	set_le32(&a, 4, 40);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* the same lie in a second message */
	a.n = 0;
	pc_put(&a, VEC(ack));
	pc_put(&a, VEC(hel));
	set_le32(&a, sizeof(ack) - 1 + 4, 31);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);

	/* a String length past the message, and below -1 */
	a.n = 0;
	pc_put(&a, VEC(hel));
	set_le32(&a, 28, 25);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	set_le32(&a, 28, 0xfffffffe);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	set_le32(&a, 28, 0x7fffffff);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);

	/* an endpoint's String running past a whole GetEndpointsResponse */
	a.n = 0;
	pc_put(&a, VEC(gep_resp));
	set_le32(&a, 56, 0x00010000); /* EndpointUrl length */
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
	/* an unknown NodeId encoding in the TypeId */
	a.n = 0;
	pc_put(&a, VEC(gep_resp));
	a.b[24] = 0x07;
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	/* an unknown ExtensionObject encoding in the ResponseHeader */
	a.n = 0;
	pc_put(&a, VEC(gep_resp));
	a.b[51] = 0x03;
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
}
END_TEST

static void gep_with(struct pc_buf *a, uint32_t n_endpoints, uint32_t n_declared)
{
	size_t at = msg(a, "MSG", 'F', 2, 431);
	char url[64];

	response_header(a);
	le32(a, n_declared);
	for (uint32_t i = 0; i < n_endpoints; i++) {
		snprintf(url, sizeof(url), "opc.tcp://10.0.0.1:%u", 4840 + i);
		endpoint(a, url, NULL, 0, 1, POLICY_NONE);
	}
	end(a, at);
}

START_TEST(test_endpoint_counts)
{
	struct pc_buf a = {.n = 0};

	gep_with(&a, 0, 0);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	a.n = 0;
	gep_with(&a, 0, 0xffffffff); /* null array */
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 0);
	a.n = 0;
	gep_with(&a, OPCUA_ENDPOINTS_MAX, OPCUA_ENDPOINTS_MAX);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(pc_count(&res, "opcua.endpoint_url"), OPCUA_ENDPOINTS_MAX);
	/* MAX + 1: the first MAX are read, the rest left */
	a.n = 0;
	gep_with(&a, OPCUA_ENDPOINTS_MAX + 1, OPCUA_ENDPOINTS_MAX + 1);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(pc_count(&res, "opcua.endpoint_url"), OPCUA_ENDPOINTS_MAX);
	/* a count of -2 */
	a.n = 0;
	gep_with(&a, 0, 0xfffffffe);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	/* more endpoints declared than there are */
	a.n = 0;
	gep_with(&a, 1, 2);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(pc_count(&res, "opcua.endpoint_url"), 1);
}
END_TEST

static void gep_discovery_urls(struct pc_buf *a, uint32_t n)
{
	size_t at = msg(a, "MSG", 'F', 2, 431);

	response_header(a);
	le32(a, 1);
	str(a, "opc.tcp://plc:4840");
	str(a, "urn:plc");
	str(a, NULL);
	loctext(a, NULL);
	le32(a, 0);
	str(a, NULL);
	str(a, NULL);
	le32(a, n);
	for (uint32_t i = 0; i < n; i++)
		str(a, "u");
	bytes(a, NULL, 0);
	le32(a, 1);
	str(a, POLICY_NONE);
	le32(a, 0);
	str(a, NULL);
	pc_put8(a, 0);
	end(a, at);
}

START_TEST(test_nested_counts)
{
	struct pc_buf a = {.n = 0};

	gep_discovery_urls(&a, 0);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_str_eq(find("opcua.application_uri"), "urn:plc");
	a.n = 0;
	gep_discovery_urls(&a, OPCUA_ARRAY_MAX);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_str_eq(find("opcua.application_uri"), "urn:plc");
	a.n = 0;
	gep_discovery_urls(&a, OPCUA_ARRAY_MAX + 1);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	ck_assert_ptr_null(find("opcua.application_uri"));
}
END_TEST

static void gep_diag_depth(struct pc_buf *a, unsigned depth)
{
	size_t at = msg(a, "MSG", 'F', 2, 431);

	pc_put(a, "\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0", 16);
	for (unsigned i = 1; i < depth; i++) {
		pc_put8(a, 0x40 | 0x10 | 0x01); /* inner follows, additional info, symbolic id */
		le32(a, 7);
		str(a, "info");
	}
	pc_put8(a, 0x20); /* the innermost: a status code */
	le32(a, 0x80000000);
	le32(a, 0xffffffff);
	pc_put(a, "\x00\x00\x00", 3);
	le32(a, 1);
	endpoint(a, "opc.tcp://plc:4840", NULL, 0, 1, POLICY_NONE);
	end(a, at);
}

START_TEST(test_diagnostic_depth)
{
	struct pc_buf a = {.n = 0};

	gep_diag_depth(&a, OPCUA_DIAG_DEPTH_MAX);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_str_eq(find("opcua.endpoint_url"), "opc.tcp://plc:4840");
	a.n = 0;
	gep_diag_depth(&a, OPCUA_DIAG_DEPTH_MAX + 1);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	ck_assert_uint_eq(res.sink.n, 0);
}
END_TEST

START_TEST(test_strings)
{
	struct pc_buf a = {.n = 0};
	size_t at = msg(&a, "MSG", 'F', 2, 425);
	char longname[600];

	response_header(&a);
	le32(&a, 1);
	str(&a, "urn:a\\b");
	bytes(&a, "http://x\0y", 10);            /* NUL inside */
	pc_put8(&a, 0x02);
	str(&a, "Pr\xc3\xbc" "fstand \x7f");    /* UTF-8 and DEL */
	le32(&a, 7);                             /* an application type past the enum */
	str(&a, NULL);
	str(&a, NULL);
	le32(&a, 0);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, 4);
	EXPECT(0, HK_OBS_RAW, SRC, "opcua.application_uri", "urn:a\\\\b");
	EXPECT(1, HK_OBS_SOFTWARE, SRC, "opcua.product_uri", "http://x\\x00y");
	EXPECT(2, HK_OBS_SOFTWARE, SRC, "opcua.application_name", "Pr\\xc3\\xbcfstand \\x7f");
	EXPECT(3, HK_OBS_RAW, SRC, "opcua.application_type", "7");

	/* a name longer than an observation is cut, not overrun */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	a.n = 0;
	at = msg(&a, "MSG", 'F', 2, 425);
	response_header(&a);
	le32(&a, 1);
	app(&a, "urn:x", NULL, longname, 0);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(strlen(find("opcua.application_name")), HK_OBS_VALUE_MAX - 1);

	/* LocalizedText with reserved mask bits */
	a.n = 0;
	at = msg(&a, "MSG", 'F', 2, 425);
	response_header(&a);
	le32(&a, 1);
	str(&a, "urn:x");
	str(&a, NULL);
	pc_put8(&a, 0x04);
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_nomatch)
{
	static const char *const not_ua[] = {
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
		"HELO mail.example\r\n",
		"ACKX\x1c\x00\x00\x00",
		"HELC\x38\x00\x00\x00",
		"MSGX\x10\x00\x00\x00",
		"X",
		"SSH-2.0-OpenSSH_9.2\r\n",
	};

	for (size_t i = 0; i < sizeof(not_ua) / sizeof(not_ua[0]); i++)
		ck_assert_msg(run(not_ua[i], strlen(not_ua[i])) == HK_PARSE_NOMATCH, "%zu", i);
	/* the start of a header: more is needed to tell */
	ck_assert_int_eq(run("", 0), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("H", 1), HK_PARSE_TRUNCATED);
	ck_assert_int_eq(run("MSGC\x10\x00", 6), HK_PARSE_TRUNCATED);
	/* an OPC UA message, then something else */
	{
		struct pc_buf a = {.n = 0};
		pc_put(&a, VEC(ack));
		pc_put(&a, "GET / HTTP/1.1\r\n", 16);
		ck_assert_int_eq(run_buf(&a), HK_PARSE_MALFORMED);
	}
}
END_TEST

START_TEST(test_sink_full)
{
	struct pc_buf a = {.n = 0};
	size_t at = msg(&a, "MSG", 'F', 2, 431);
	char url[64];

	/* sixteen endpoints, each with its own host: more than a sink holds */
	response_header(&a);
	le32(&a, OPCUA_ENDPOINTS_MAX);
	for (int i = 0; i < OPCUA_ENDPOINTS_MAX; i++) {
		snprintf(url, sizeof(url), "opc.tcp://host-%d:4840", i);
		endpoint(&a, url, NULL, 0, 1, POLICY_NONE);
	}
	end(&a, at);
	ck_assert_int_eq(run_buf(&a), HK_PARSE_OK);
	ck_assert_uint_eq(res.sink.n, HK_OBS_PER_PACKET_MAX);
	ck_assert_uint_gt(res.sink.n_dropped, 0);
}
END_TEST

/* ---- against tshark --------------------------------------------------------- */

START_TEST(test_against_tshark)
{
	static const struct {
		int frame;
		const uint8_t *b;
		size_t n;
		const char *fields, *want;
	} cmp[] = {
		{5, VEC(hel), "-e opcua.transport.endpoint", "opc.tcp://localhost:4840"},
		{7, VEC(ack), "-e opcua.transport.type", "ACK"},
		{11, VEC(opn_resp), "-e opcua.security.spu", POLICY_NONE},
		{13, VEC(gep_req), "-e opcua.servicenodeid.numeric", "428"},
		{15, VEC(gep_resp), "-e opcua.ApplicationUri -e opcua.ProductUri -e opcua.loctext.Text",
		 "urn:open62541.server.application\thttp://open62541.org\topen62541-based OPC UA Application"},
		{17, VEC(cs_req), "-e opcua.ApplicationUri", "urn:unconfigured:application"},
		{19, VEC(cs_resp), "-e opcua.servicenodeid.numeric -e opcua.ApplicationUri",
		 "464\turn:open62541.server.application"},
	};
	char line[8192], fields[256], want[4096], hex[2048];

	for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++) {
		snprintf(fields, sizeof(fields), "-T fields -e tcp.payload %s", cmp[i].fields);
		if (!pc_tshark_frame("ndpi_opc-ua.pcap", cmp[i].frame, fields, line, sizeof(line)))
			return; /* no tshark or no captures here: nothing to compare */
		pc_hex(cmp[i].b, cmp[i].n, hex, sizeof(hex));
		snprintf(want, sizeof(want), "%s\t%s", hex, cmp[i].want);
		ck_assert_msg(strcmp(line, want) == 0, "frame %d: tshark '%s', we expect '%s'", cmp[i].frame, line,
			      want);
	}
	/* and we read what tshark reads */
	ck_assert_int_eq(run(VEC(gep_resp)), HK_PARSE_OK);
	ck_assert_str_eq(find("opcua.application_uri"), "urn:open62541.server.application");
	ck_assert_str_eq(find("opcua.product_uri"), "http://open62541.org");
	ck_assert_str_eq(find("opcua.application_name"), "open62541-based OPC UA Application");
}
END_TEST

static Suite *opcua_suite(void)
{
	Suite *s = suite_create("proto_opcua");
	TCase *tc = tcase_create("core");
	TCase *ts = tcase_create("tshark");

	tcase_add_test(tc, test_hello);
	tcase_add_test(tc, test_server_flight);
	tcase_add_test(tc, test_client_flight);
	tcase_add_test(tc, test_truncated_prefixes);
	tcase_add_test(tc, test_certificate_and_host);
	tcase_add_test(tc, test_url_hosts);
	tcase_add_test(tc, test_reverse_hello);
	tcase_add_test(tc, test_find_servers);
	tcase_add_test(tc, test_register_server2);
	tcase_add_test(tc, test_create_session_client_cert);
	tcase_add_test(tc, test_secured_channel);
	tcase_add_test(tc, test_chunks);
	tcase_add_test(tc, test_end_of_conversation);
	tcase_add_test(tc, test_messages_max);
	tcase_add_test(tc, test_lying_sizes);
	tcase_add_test(tc, test_endpoint_counts);
	tcase_add_test(tc, test_nested_counts);
	tcase_add_test(tc, test_diagnostic_depth);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_nomatch);
	tcase_add_test(tc, test_sink_full);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 120);
	tcase_add_test(ts, test_against_tshark);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	return pc_main(opcua_suite());
}
