/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A device as the inventory hands it to the store and the store hands it to
 * reports: an identity key, counters, the OUI block, and the evidence that
 * explains every attribute. Attributes (manufacturer, role, ...) are always
 * derived from the evidence by hk_device_resolve(), never set by hand.
 */
#ifndef HERKOMST_DEVICE_H
#define HERKOMST_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/obs.h"
#include "herkomst/packet.h"

#define HK_ATTR_MAX 24       /* attribute names: "manufacturer", "ip", ... */
#define HK_DEV_KEY_MAX 64    /* "mac:00:1b:1b:00:00:01" or "ip:10.0.0.1" */

struct hk_evidence {
	char attribute[HK_ATTR_MAX];
	char value[HK_OBS_VALUE_MAX];
	char source[HK_OBS_SOURCE_MAX];
	uint8_t confidence;
	uint64_t first_seen; /* usec */
	uint64_t last_seen;
	uint64_t count;
};

enum hk_oui_state {
	HK_OUI_NONE = 0,         /* no MAC */
	HK_OUI_REGISTERED,
	HK_OUI_LOCAL,            /* locally administered: never a vendor */
	HK_OUI_UNREGISTERED,
};

/* The stored names of the OUI states ("none", "registered", "local",
 * "unregistered"), as the SQLite store and the central database keep them;
 * an unknown name parses as HK_OUI_NONE. */
const char *hk_oui_state_name(enum hk_oui_state s);
enum hk_oui_state hk_oui_state_parse(const char *s);

struct hk_fleet; /* src/fleet/seen.h */

struct hk_device {
	int64_t id;
	char key[HK_DEV_KEY_MAX];
	bool has_mac;
	uint8_t mac[6];
	struct hk_addr ip;  /* the key address of an IP-only device */
	char via_mac[HK_MAC_STRLEN]; /* for IP-only devices: the gateway MAC they were seen behind */

	enum hk_oui_state oui_state;
	char oui_prefix[24];
	char oui_registry[8];
	char oui_registrant[128];
	char oui_country[3];

	uint64_t first_seen, last_seen; /* usec */
	uint64_t packets, bytes;

	struct hk_evidence *ev; /* owned */
	size_t n_ev, cap_ev;

	/* Fleet mode only (herkomst serve/report --pg): the sites and sensors
	 * that saw this device, one allocation, owned (hk_device_clear frees
	 * it). NULL for a device of a sensor's own store: output then carries
	 * no fleet fields. */
	struct hk_fleet *fleet;
};

/* Attribute names used in evidence. */
#define HK_A_IP "ip"
#define HK_A_HOSTNAME "hostname"
#define HK_A_MANUFACTURER "manufacturer"
#define HK_A_MODEL "model"
#define HK_A_PRODUCT "product"
#define HK_A_FIRMWARE "firmware"
#define HK_A_SERIAL "serial"
#define HK_A_OS "os"
#define HK_A_ROLE "role"
#define HK_A_SERVICE "service"   /* value "tcp/502/Modbus" */
#define HK_A_CLIENT "client"     /* value "Modbus" */
#define HK_A_FINGERPRINT "fingerprint"
#define HK_A_VLAN "vlan"

#define HK_DEV_EVIDENCE_MAX 4096 /* per device; further distinct claims are dropped */

/* Adds (or merges into an equal attribute/value/source) one evidence item.
 * Returns false when the device is at HK_DEV_EVIDENCE_MAX or out of memory. */
bool hk_device_add_evidence(struct hk_device *d, const struct hk_evidence *e);

/*
 * Many claims at once, without a search per claim (hk_device_add_evidence
 * compares each new claim with all the device has): reserve room for n more
 * items (exactly: no spare), append them as they come, then fold. The result
 * is what adding them one by one in the same order and then
 * hk_device_sort_evidence() would give: equal attribute/value/source folded,
 * the first HK_DEV_EVIDENCE_MAX distinct claims kept, canonical order, and
 * an array no larger than its items.
 */
#define HK_DEV_EVIDENCE_RESERVE_MAX (1u << 24) /* items one reservation may ask for */
int hk_device_reserve_evidence(struct hk_device *d, size_t n); /* 0, -ENOMEM or -E2BIG */
bool hk_device_append_evidence(struct hk_device *d, const struct hk_evidence *e); /* false: no memory */
/* Never fails: without memory for its index it folds in place, as add would. */
void hk_device_fold_evidence(struct hk_device *d);
void hk_device_clear(struct hk_device *d); /* frees the evidence and fleet, zeroes the rest */

/*
 * The best value of a single-valued attribute: highest confidence; ties
 * broken by source, then value (byte order), so the answer does not depend on
 * the order claims arrived in. NULL when there is no claim.
 */
const struct hk_evidence *hk_device_best(const struct hk_device *d, const char *attribute);

/* Orders evidence canonically (attribute, value, source). */
void hk_device_sort_evidence(struct hk_device *d);

/* Adds claims derived from knowledge (signatures, registries) to a device read
 * from the store; see src/inventory/derive.h. */
typedef void (*hk_derive_fn)(struct hk_device *d, void *userdata);

/* Canonical device order for output: first_seen, mac, ip. */
int hk_device_cmp(const struct hk_device *a, const struct hk_device *b);

#endif
