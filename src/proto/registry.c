/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "proto/proto.h"

#include <string.h>

/*
 * How each parser is reached. Ports are the registered ones; nDPI names catch
 * the same protocol on other ports.
 */
const struct proto_entry proto_table[] = {
	{.name = "lldp", .parse = proto_lldp_parse, .transport = PROTO_L2, .ethertype = 0x88cc},
	{.name = "cdp", .parse = proto_cdp_parse, .transport = PROTO_L2, .snap_oui = 0x00000c, .snap_pid = 0x2000},
	{.name = "mdns", .parse = proto_mdns_parse, .transport = PROTO_UDP, .ports = {5353}, .ndpi = {"MDNS"}},
	{.name = "llmnr", .parse = proto_llmnr_parse, .transport = PROTO_UDP, .ports = {5355}, .ndpi = {"LLMNR"}},
	/* not nDPI's "NetBIOS": it also names the datagram (138) and session (139) services */
	{.name = "nbns", .parse = proto_nbns_parse, .transport = PROTO_UDP, .ports = {137}},
	{.name = "ssdp", .parse = proto_ssdp_parse, .transport = PROTO_UDP, .ports = {1900}, .ndpi = {"SSDP"}},
	{.name = "dhcp", .parse = proto_dhcp_parse, .transport = PROTO_UDP, .ports = {67, 68}, .ndpi = {"DHCP"}},
	{.name = "dhcpv6", .parse = proto_dhcpv6_parse, .transport = PROTO_UDP, .ports = {546, 547}, .ndpi = {"DHCPV6"}},
	{.name = "http", .parse = proto_http_parse, .transport = PROTO_TCP, .ports = {80, 8080, 8000, 8008, 8081, 8888, 631},
	 .ndpi = {"HTTP", "HTTP_Proxy", "HTTP_Connect", "IPP"}, .framing = HK_FRAME_NONE, .window = 4096},
	{.name = "ssh", .parse = proto_ssh_parse, .transport = PROTO_TCP, .ports = {22, 2222}, .ndpi = {"SSH"},
	 .framing = HK_FRAME_NONE, .window = 512},
	{.name = "ftp", .parse = proto_ftp_parse, .transport = PROTO_TCP, .ports = {21}, .ndpi = {"FTP_CONTROL"},
	 .framing = HK_FRAME_NONE, .window = 1024},
	{.name = "telnet", .parse = proto_telnet_parse, .transport = PROTO_TCP, .ports = {23}, .ndpi = {"Telnet"},
	 .framing = HK_FRAME_NONE, .window = 1024},
	{.name = "smtp", .parse = proto_smtp_parse, .transport = PROTO_TCP, .ports = {25, 587}, .ndpi = {"SMTP"},
	 .framing = HK_FRAME_NONE, .window = 1024},
	{.name = "snmp", .parse = proto_snmp_parse, .transport = PROTO_UDP, .ports = {161, 162}, .ndpi = {"SNMP"}},
	/* banner mode: handshake messages span records, so tls.c walks them itself */
	{.name = "tls", .parse = proto_tls_parse, .transport = PROTO_TCP, .ports = {443, 8443, 4443, 993, 995, 465, 636, 5061},
	 .ndpi = {"TLS", "IMAPS", "SMTPS", "DoH_DoT"}, .framing = HK_FRAME_NONE, .window = HK_STREAM_WINDOW_MAX},
	/* framed: one ADU per call; 2048 holds a full-size segment plus a partial ADU */
	{.name = "modbus", .parse = proto_modbus_parse, .transport = PROTO_TCP, .ports = {502}, .ndpi = {"Modbus"},
	 .framing = HK_FRAME_MBAP, .window = 2048},
	/* banner mode: dnp3.c walks the link frames itself (no DNP3 framing in the stream yet) */
	{.name = "dnp3", .parse = proto_dnp3_parse, .transport = PROTO_TCP, .ports = {20000}, .ndpi = {"DNP3"},
	 .framing = HK_FRAME_NONE, .window = 4096},
	{.name = "dnp3-udp", .parse = proto_dnp3_parse, .transport = PROTO_UDP, .ports = {20000}, .ndpi = {"DNP3"}},
	/* banner mode: iec104.c walks the APDUs itself */
	{.name = "iec104", .parse = proto_iec104_parse, .transport = PROTO_TCP, .ports = {2404}, .ndpi = {"IEC60870"},
	 .framing = HK_FRAME_NONE, .window = 4096},
	/* RFC 1006 on port 102: iso.c hands S7comm, S7comm-plus and MMS to their parsers;
	 * 16384 holds the largest TPDU class 0 allows (8192 octets, ISO 8073) with its TPKT
	 * header and a full-size segment behind it. nDPI 4.2 calls all of it "s7comm". */
	{.name = "tpkt", .parse = proto_iso_parse, .transport = PROTO_TCP, .ports = {102}, .ndpi = {"s7comm"},
	 .framing = HK_FRAME_TPKT, .window = 16384},
	{.name = "goose", .parse = proto_goose_parse, .transport = PROTO_L2, .ethertype = 0x88b8},
	/* framed: one encapsulation message per call; a message longer than the window
	 * (larger than any ListIdentity or Get_Attributes_All reply) ends the direction */
	{.name = "enip", .parse = proto_enip_parse, .transport = PROTO_TCP, .ports = {44818}, .ndpi = {"EthernetIP"},
	 .framing = HK_FRAME_ENIP, .window = HK_STREAM_WINDOW_MAX},
	/* UDP 44818: ListIdentity; UDP 2222: class 0/1 implicit I/O, recognised only */
	{.name = "enip-udp", .parse = proto_enip_parse, .transport = PROTO_UDP, .ports = {44818, 2222}, .ndpi = {"EthernetIP"}},
	/* 0xBAC0..0xBAC7: a host with several B/IP networks uses the ports after 47808; nDPI 4.2 has no BACnet */
	{.name = "bacnet", .parse = proto_bacnet_parse, .transport = PROTO_UDP,
	 .ports = {47808, 47809, 47810, 47811, 47812, 47813, 47814, 47815}, .ndpi_blind = true},
	/* PROFINET real-time frames; pndcp.c keeps the DCP FrameIDs */
	{.name = "pndcp", .parse = proto_pndcp_parse, .transport = PROTO_L2, .ethertype = 0x8892},
	/* banner mode: opcua.c walks the UACP messages itself (no OPC UA framing yet); nDPI 4.2
	 * has no OPC UA. 4840 IANA; 48010 Unified Automation, 51210 and 62541 OPC Foundation
	 * .NET samples, 53530 Prosys, 12001 the OPC Foundation ANSI C stack test server.
	 * Not 4843 (opc.tcp over TLS: the TLS parser's) */
	{.name = "opcua", .parse = proto_opcua_parse, .transport = PROTO_TCP,
	 .ports = {4840, 48010, 51210, 62541, 53530, 12001}, .framing = HK_FRAME_NONE, .window = HK_STREAM_WINDOW_MAX,
	 .ndpi_blind = true},
	/* banner mode: fins.c walks the FINS/TCP frames itself; nDPI 4.2 has no FINS */
	{.name = "fins", .parse = proto_fins_parse, .transport = PROTO_TCP, .ports = {9600},
	 .framing = HK_FRAME_NONE, .window = 4096, .ndpi_blind = true},
	{.name = "fins-udp", .parse = proto_fins_parse, .transport = PROTO_UDP, .ports = {9600}, .ndpi_blind = true},
	/* MC protocol (no fixed port: 5000-5002 are the usual settings) and MELSOFT (5006/5007
	 * Q/L/iQ-R, 5560/5562 iQ-F); banner mode, melsec.c walks the frames; nDPI 4.2 has neither */
	{.name = "melsec", .parse = proto_melsec_parse, .transport = PROTO_TCP, .ports = {5000, 5001, 5002, 5007, 5562},
	 .framing = HK_FRAME_NONE, .window = 4096, .ndpi_blind = true},
	{.name = "melsec-udp", .parse = proto_melsec_parse, .transport = PROTO_UDP, .ports = {5000, 5001, 5002, 5006, 5560},
	 .ndpi_blind = true},
	{.name = NULL},
};
const size_t proto_count = sizeof(proto_table) / sizeof(proto_table[0]) - 1;

const struct proto_entry *proto_for_ethertype(uint16_t ethertype)
{
	for (size_t i = 0; i < proto_count; i++)
		if (proto_table[i].transport == PROTO_L2 && proto_table[i].ethertype &&
		    proto_table[i].ethertype == ethertype)
			return &proto_table[i];
	return NULL;
}

const struct proto_entry *proto_for_snap(uint32_t oui, uint16_t pid)
{
	for (size_t i = 0; i < proto_count; i++)
		if (proto_table[i].transport == PROTO_L2 && !proto_table[i].ethertype &&
		    proto_table[i].snap_oui == oui && proto_table[i].snap_pid == pid)
			return &proto_table[i];
	return NULL;
}

static bool has_port(const struct proto_entry *e, uint16_t port)
{
	for (size_t k = 0; k < PROTO_PORTS_MAX && e->ports[k]; k++)
		if (e->ports[k] == port)
			return true;
	return false;
}

const struct proto_entry *proto_for_port(enum proto_transport t, uint16_t sport, uint16_t dport)
{
	/* the lower port is the likelier service port: try it first */
	uint16_t first = sport < dport ? sport : dport, second = sport < dport ? dport : sport;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < proto_count; i++)
			if (proto_table[i].transport == t && has_port(&proto_table[i], pass ? second : first))
				return &proto_table[i];
	return NULL;
}

const struct proto_entry *proto_for_ndpi(enum proto_transport t, const char *ndpi_name)
{
	if (!ndpi_name || !ndpi_name[0])
		return NULL;
	for (size_t i = 0; i < proto_count; i++) {
		if (proto_table[i].transport != t)
			continue;
		for (size_t k = 0; k < PROTO_NDPI_MAX && proto_table[i].ndpi[k]; k++)
			if (strcmp(proto_table[i].ndpi[k], ndpi_name) == 0)
				return &proto_table[i];
	}
	return NULL;
}

size_t proto_index(const struct proto_entry *e)
{
	return (size_t)(e - proto_table);
}
