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

/* dir NULL: $HERKOMST_GEOIP_DIR, else /usr/share/tor. NULL with a message on failure. */
struct geoip *geoip_open(const char *dir, char *errbuf, size_t errsz);
struct geoip *geoip_free(struct geoip *g);

/* ISO code ("NL"), or NULL when unknown ("??", private, not covered). */
const char *geoip_country(const struct geoip *g, const struct hk_addr *a);
const char *geoip_source(const struct geoip *g); /* "tor-geoipdb (IPFire, 2026-06-25)" */

#endif
