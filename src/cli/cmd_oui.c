/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst oui: who registered a MAC address's block, and in which country.
 * A front end to the inventory's OUI database, for analysts checking one
 * address by hand and for scripts (--json).
 */
#include "cli/cmd_oui.h"

#include "hk_config.h"
#include "herkomst/packet.h"
#include "inventory/oui.h"

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CMD_OUI_ERR_MAX 16384  /* the default search names three paths */
#define CMD_OUI_ARG_SHOW_MAX 64 /* bytes of a bad argument echoed back */

enum cmd_oui_kind {
	CMD_OUI_MAC,    /* a whole address: all prefix lengths */
	CMD_OUI_PREFIX, /* a 24-bit prefix: the MA-L block only */
};

static void print_help(FILE *out)
{
	fprintf(out,
"NAME\n"
"    herkomst oui - look up the IEEE registrant and country of MAC addresses\n"
"\n"
"SYNOPSIS\n"
"    herkomst oui [--json] [--db FILE] MAC...\n"
"    herkomst oui --help\n"
"\n"
"DESCRIPTION\n"
"    For each MAC address, prints the IEEE block it falls in (registry and\n"
"    prefix/length), the organisation that registered the block, and the\n"
"    country of that organisation's registered address. The longest matching\n"
"    prefix wins: MA-S and IAB (/36), then MA-M (/28), then MA-L (/24), so a\n"
"    sub-block of an MA-L registered to \"IEEE Registration Authority\" names\n"
"    its real registrant.\n"
"\n"
"    The registrant is whoever registered the network interface's address\n"
"    block: not necessarily the brand on the box, and not who controls the\n"
"    company. Treat its country as a weak signal.\n"
"\n"
"    Locally administered addresses (bit 0x02 of the first octet: randomised\n"
"    phone and laptop addresses, virtual machines) and group addresses (bit\n"
"    0x01: multicast, broadcast) name no vendor, and are reported as such.\n"
"\n"
"    The blocks come from oui.tsv, generated at build time from Debian's\n"
"    ieee-data (the IEEE MA-L, MA-M, MA-S and IAB registries with postal\n"
"    addresses; the country is the ISO 3166-1 code on the last address line).\n"
"    Prefixes newer than ieee-data are looked up in Wireshark's manuf file\n"
"    (%s), which gives a name but no country.\n"
"\n"
"    A MAC may be written aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff\n"
"    or aabbccddeeff, in either case. A 24-bit prefix (001b1b, 00:1b:1b or\n"
"    00-1b-1b) is looked up as an MA-L block only.\n"
"\n"
"OPTIONS\n"
"    --json\n"
"        Print one JSON array with one object per argument, in order:\n"
"        mac, status (found, local, multicast, unregistered or invalid),\n"
"        prefix, bits, registry (MA-L, MA-M, MA-S, IAB or manuf), registrant,\n"
"        country (ISO 3166-1 alpha-2) and reason (why a field is missing);\n"
"        a field that does not apply is null.\n"
"\n"
"    --db FILE\n"
"        Read this oui.tsv instead of searching $HERKOMST_DATADIR/oui.tsv,\n"
"        the build tree's db/oui.tsv (only when herkomst runs from the build\n"
"        tree) and %s/oui.tsv, in that order.\n"
"\n"
"    -h, --help\n"
"        Print this help and exit.\n"
"\n"
"EXIT STATUS\n"
"    0   every argument was a MAC address or prefix, registered or not\n"
"    1   at least one argument was not a MAC address (the others are printed)\n"
"    2   usage error, or the OUI database could not be loaded\n"
"\n"
"ENVIRONMENT\n"
"    HERKOMST_DATADIR\n"
"        Directory searched first for oui.tsv.\n"
"\n"
"EXAMPLES\n"
"    herkomst oui 00:1b:1b:00:00:01\n"
"        00:1b:1b:00:00:01  MA-L  00:1b:1b/24           DE  Siemens AG,\n"
"\n"
"    herkomst oui 70-B3-D5-0C-70-05 da:a1:19:6b:2c:01\n"
"        An MA-S block, then a randomised (locally administered) address.\n"
"\n"
"    herkomst oui --json 001b1b | jq -r '.[].country'\n"
"        DE\n",
		HK_MANUF_PATH, HK_INSTALL_DATADIR);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A 24-bit prefix: "001b1b", "00:1b:1b" or "00-1b-1b". */
static bool parse_prefix(const char *s, uint8_t ret_mac[6])
{
	uint8_t mac[6] = { 0 };
	size_t i, n = strlen(s), step = 2;
	int hi, lo;

	if (n == 8) {
		if ((s[2] != ':' && s[2] != '-') || s[5] != s[2])
			return false;
		step = 3;
	} else if (n != 6) {
		return false;
	}
	for (i = 0; i < 3; i++) {
		hi = hex_digit(s[i * step]);
		lo = hex_digit(s[i * step + 1]);
		if (hi < 0 || lo < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(ret_mac, mac, 6);
	return true;
}

/* A bad argument echoed back: printable ASCII only, bounded. */
static void show_arg(const char *in, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; in[i] && o + 4 < outsz && i < CMD_OUI_ARG_SHOW_MAX; i++)
		out[o++] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	if (in[i] && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static const char *status_name(enum oui_status s)
{
	switch (s) {
	case OUI_FOUND: return "found";
	case OUI_LOCAL: return "local";
	case OUI_MULTICAST: return "multicast";
	case OUI_UNREGISTERED: return "unregistered";
	}
	return "unknown";
}

/* Why a found block has a gap: no country, or only the authority's name. */
static const char *found_gap_reason(const struct oui_result *r, enum cmd_oui_kind kind)
{
	if (strcmp(r->registrant, "IEEE Registration Authority") == 0)
		return kind == CMD_OUI_PREFIX
			? "the block is sub-allocated in MA-M/MA-S blocks; give a whole address "
			  "for the sub-block's registrant"
			: "the block is sub-allocated in MA-M/MA-S blocks, and this address's "
			  "sub-block is in neither ieee-data nor manuf";
	if (r->country[0])
		return NULL;
	if (r->registry == OUI_REG_MANUF)
		return "no country: the block is newer than ieee-data, and Wireshark's manuf "
		       "gives names only";
	if (strcmp(r->registrant, "Private") == 0)
		return "no country: a private registration publishes no name or address";
	return "no country: the IEEE record's address does not end in an ISO 3166-1 code";
}

static void print_text(const char *shown, const struct oui_result *r, enum cmd_oui_kind kind)
{
	char block[sizeof(r->prefix) + 8];
	const char *gap;

	if (r->status != OUI_FOUND) {
		printf("%-17s  %s\n", shown, oui_status_reason(r->status));
		return;
	}
	if (r->bits == 24)
		snprintf(block, sizeof(block), "%s/24", r->prefix);
	else
		snprintf(block, sizeof(block), "%s", r->prefix);
	gap = found_gap_reason(r, kind);
	printf("%-17s  %-5s %-21s %-2s  %s%s%s%s\n", shown, oui_registry_name(r->registry), block,
	       r->country[0] ? r->country : "--", r->registrant, gap ? " (" : "", gap ? gap : "",
	       gap ? ")" : "");
}

static json_t *str_or_null(const char *s)
{
	json_t *j;

	if (!s || !s[0])
		return json_null();
	/* Names are checked to be UTF-8 when the table loads; this stays a
	 * fallback so a bad byte can never drop a whole object. */
	j = json_string(s);
	return j ? j : json_string("?");
}

static json_t *json_result(const char *shown, const struct oui_result *r, enum cmd_oui_kind kind)
{
	json_t *o = json_object();
	bool found = r->status == OUI_FOUND;
	char block[sizeof(r->prefix) + 8];

	if (!o)
		return NULL;
	if (found && r->bits == 24)
		snprintf(block, sizeof(block), "%s/24", r->prefix);
	else
		snprintf(block, sizeof(block), "%s", r->prefix);
	json_object_set_new(o, "mac", str_or_null(shown));
	json_object_set_new(o, "status", json_string(status_name(r->status)));
	json_object_set_new(o, "prefix", found ? str_or_null(block) : json_null());
	json_object_set_new(o, "bits", found ? json_integer(r->bits) : json_null());
	json_object_set_new(o, "registry", found ? json_string(oui_registry_name(r->registry))
						 : json_null());
	json_object_set_new(o, "registrant", found ? str_or_null(r->registrant) : json_null());
	json_object_set_new(o, "country", found ? str_or_null(r->country) : json_null());
	json_object_set_new(o, "reason", found ? str_or_null(found_gap_reason(r, kind))
					       : json_string(oui_status_reason(r->status)));
	return o;
}

static json_t *json_invalid(const char *shown)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "mac", json_string(shown));
	json_object_set_new(o, "status", json_string("invalid"));
	json_object_set_new(o, "prefix", json_null());
	json_object_set_new(o, "bits", json_null());
	json_object_set_new(o, "registry", json_null());
	json_object_set_new(o, "registrant", json_null());
	json_object_set_new(o, "country", json_null());
	json_object_set_new(o, "reason", json_string("not a MAC address or 24-bit prefix"));
	return o;
}

int cmd_oui(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char errbuf[CMD_OUI_ERR_MAX];
	char shown[CMD_OUI_ARG_SHOW_MAX + 8];
	char macbuf[HK_MAC_STRLEN];
	const char *db_path = NULL;
	struct oui_db *db;
	struct oui_result res;
	json_t *arr = NULL, *o;
	bool json = false;
	uint8_t mac[6];
	int c, i, status = 0;

	/* main may have run getopt already; 0 makes glibc start afresh. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hj", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'd':
			db_path = optarg;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			show_arg(argv[optind - 1], shown, sizeof(shown));
			fprintf(stderr, "herkomst oui: %s option '%s'; see 'herkomst oui --help'\n",
				c == ':' ? "missing argument to" : "unknown", shown);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "herkomst oui: no MAC address given; see 'herkomst oui --help'\n");
		return 2;
	}

	db = db_path ? oui_db_open(db_path, HK_MANUF_PATH, errbuf, sizeof(errbuf))
		     : oui_db_open_default(errbuf, sizeof(errbuf));
	if (!db) {
		fprintf(stderr, "herkomst oui: %s\n", errbuf);
		return 2;
	}
	if (json) {
		arr = json_array();
		if (!arr) {
			fprintf(stderr, "herkomst oui: out of memory\n");
			oui_db_free(db);
			return 2;
		}
	}

	for (i = optind; i < argc; i++) {
		enum cmd_oui_kind kind;

		if (hk_mac_parse(argv[i], mac)) {
			kind = CMD_OUI_MAC;
		} else if (parse_prefix(argv[i], mac)) {
			kind = CMD_OUI_PREFIX;
		} else {
			show_arg(argv[i], shown, sizeof(shown));
			fprintf(stderr,
				"herkomst oui: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff, "
				"aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff, aabbccddeeff) or 24-bit prefix "
				"(001b1b)\n",
				shown);
			status = 1;
			if (arr && (o = json_invalid(shown)) != NULL)
				json_array_append_new(arr, o);
			continue;
		}
		if (kind == CMD_OUI_MAC) {
			hk_mac_fmt(mac, macbuf);
			oui_db_lookup(db, mac, &res);
		} else {
			snprintf(macbuf, sizeof(macbuf), "%02x:%02x:%02x", mac[0], mac[1], mac[2]);
			oui_db_lookup_bits(db, mac, 24, &res);
		}
		if (arr) {
			o = json_result(macbuf, &res, kind);
			if (!o || json_array_append_new(arr, o) < 0) {
				fprintf(stderr, "herkomst oui: out of memory\n");
				status = 2;
				break;
			}
		} else {
			print_text(macbuf, &res, kind);
		}
	}

	if (arr && status != 2) {
		if (json_dumpf(arr, stdout, JSON_INDENT(2)) < 0)
			status = 2;
		fputc('\n', stdout);
	}
	json_decref(arr);
	oui_db_free(db);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "herkomst oui: cannot write the output\n");
		status = 2;
	}
	return status;
}
