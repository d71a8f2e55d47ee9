/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IP address → country for external peers, from Debian's tor-geoipdb
 * (/usr/share/tor/geoip and geoip6: "start,end,CC" ranges, IPFire data,
 * CC BY-SA 4.0; the freshest country data in bookworm, and a text format that
 * needs no library). A geolocation country says where an address is, not who
 * controls its operator: it is shown as such, never as origin.
 */
#ifndef HERKOMST_GEOIP_H
#define HERKOMST_GEOIP_H

#include <stdbool.h>
#include <stddef.h>

#include "herkomst/packet.h"

struct geoip;

/*
 * The two files, each loaded (read and checked: ≈5 ms of CPU for geoip, ≈11 ms
 * for geoip6, 2026 data) only when asked for: a run whose external peers are
 * all IPv4 never reads geoip6.
 */
#define GEOIP_FAMILY_V4 1u  /* geoip: IPv4, and IPv4-mapped and NAT64 IPv6 addresses */
#define GEOIP_FAMILY_V6 2u  /* geoip6: every other IPv6 address */
#define GEOIP_FAMILY_ALL (GEOIP_FAMILY_V4 | GEOIP_FAMILY_V6)

/* dir NULL: $HERKOMST_GEOIP_DIR, else /usr/share/tor. NULL with a message on failure. */
struct geoip *geoip_open(const char *dir, char *errbuf, size_t errsz); /* both files */
struct geoip *geoip_open_families(const char *dir, unsigned families, char *errbuf, size_t errsz);
struct geoip *geoip_free(struct geoip *g);

/* Loads the families not loaded yet from the same directory: 0, or negative
 * errno with a message (g then has what it had). Not while lookups run. */
int geoip_load(struct geoip *g, unsigned families, char *errbuf, size_t errsz);
unsigned geoip_families(const struct geoip *g); /* GEOIP_FAMILY_* loaded */

/* The family whose file a lookup of a reads; 0 when it has no location
 * (private, special-purpose, not an address). */
unsigned geoip_family_of(const struct hk_addr *a);

/* ISO code ("NL"), or NULL when unknown ("??", private, not covered, its
 * family not loaded). */
const char *geoip_country(const struct geoip *g, const struct hk_addr *a);
const char *geoip_source(const struct geoip *g); /* "tor-geoipdb (IPFire, 2026-06-25)" */

#endif
