/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "proto/proto.h"

#include <string.h>

/*
 * How each parser is reached. Ports are the registered ones; nDPI names catch
 * the same protocol on other ports.
 */
const struct proto_entry proto_table[] = {
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
