/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "cli/cli.h"
#include "hk_config.h"

static const char help_main[] =
	"NAME\n"
	"    herkomst - passive inventory of network devices and where they come from\n"
	"\n"
	"SYNOPSIS\n"
	"    herkomst COMMAND [OPTIONS] [ARGUMENTS]\n"
	"    herkomst help [COMMAND]\n"
	"    herkomst --version\n"
	"\n"
	"DESCRIPTION\n"
	"    herkomst reads network traffic (pcap/pcapng captures from a tap or SPAN port),\n"
	"    finds every device on it, and attributes each to a manufacturer and that\n"
	"    manufacturer's country, keeping the evidence for every claim. It never sends a\n"
	"    packet: fragile OT devices are only listened to.\n"
	"\n"
	"COMMANDS\n"
	"    analyze   read captures and print (and optionally store) the device inventory\n"
	"    oui       look up MAC addresses in the IEEE registries\n"
	"    unknown   list the banners and fingerprints no signature knows yet\n"
	"    check     validate data files: herkomst check signatures [DIR]\n"
	"    help      show the manual of a command\n"
	"\n"
	"ENVIRONMENT\n"
	"    HERKOMST_DATADIR   directory holding oui.tsv (the generated origin database)\n"
	"    HERKOMST_SIGDIR    the signature directory (default: the installed signatures/)\n"
	"\n"
	"SEE ALSO\n"
	"    herkomst help analyze, herkomst help oui, README.md, docs/\n";

static const char help_analyze[] =
	"NAME\n"
	"    herkomst analyze - captures in, an attributed device inventory out\n"
	"\n"
	"SYNOPSIS\n"
	"    herkomst analyze [--db FILE] [--format table|json|csv] [-o OUT] [--strict]\n"
	"                     [--flows-max N] [--flow-timeout SECS] CAPTURE...\n"
	"\n"
	"DESCRIPTION\n"
	"    Reads each CAPTURE (pcap or pcapng; '-' is standard input) through the\n"
	"    decoder, the flow table and nDPI, and builds the inventory: a device per MAC\n"
	"    address on the local segment with the IP addresses it owns, gateways (a MAC\n"
	"    that fronts many or off-subnet addresses) as routers, and the hosts behind\n"
	"    them as IP-only devices that do not inherit the router's vendor. Every\n"
	"    attribute carries the evidence it was derived from.\n"
	"\n"
	"    Without --db the inventory lives in memory and is printed. With --db it is\n"
	"    merged into an SQLite file (created if needed): runs over several captures\n"
	"    accumulate first/last seen, counters and evidence, and the printed inventory\n"
	"    is the whole database.\n"
	"\n"
	"    On a terminal a progress line is drawn on standard error while reading.\n"
	"\n"
	"OPTIONS\n"
	"    -d, --db FILE          merge into this SQLite database (WAL mode)\n"
	"    -f, --format FORMAT    table (default), json or csv\n"
	"    -o, --output OUT       write the inventory to OUT instead of standard output\n"
	"    -s, --strict           a truncated capture is an error (exit status 1)\n"
	"        --signatures DIR   signature directory (default: $HERKOMST_SIGDIR or the installed one)\n"
	"        --force            merge a capture even if the database already holds it\n"
	"                           (recognised by a SHA-256 of its size and first MiB)\n"
	"    -q, --quiet            fewer warnings\n"
	"        --progress         always draw progress; --no-progress never\n"
	"        --flows-max N      flows tracked at once (default 262144); the least\n"
	"                           recently seen flow is evicted past it\n"
	"        --flow-timeout S   a flow idle for S seconds of capture time ends (default 120)\n"
	"    -h, --help             this text\n"
	"\n"
	"LINK TYPES\n"
	"    Ethernet (802.1Q, QinQ, 802.3 LLC/SNAP), Linux cooked v1 and v2, raw IPv4/IPv6,\n"
	"    BSD loopback. Frames of other link types are skipped with one warning per file.\n"
	"\n"
	"EXIT STATUS\n"
	"    0   the inventory was built (a truncated capture only warns, unless --strict)\n"
	"    1   a capture could not be read, or the database or output could not be written\n"
	"    2   usage error\n"
	"\n"
	"EXAMPLES\n"
	"    herkomst analyze plant.pcap\n"
	"    herkomst analyze --db site.sqlite --format json -o site.json monday.pcapng tuesday.pcapng\n"
	"    tcpdump -i eth1 -w - | herkomst analyze --db site.sqlite -\n";

static const char help_unknown[] =
	"NAME\n"
	"    herkomst unknown - banners and fingerprints no signature knows yet\n"
	"\n"
	"SYNOPSIS\n"
	"    herkomst unknown --db FILE [--format table|json|csv] [--signatures DIR]\n"
	"\n"
	"DESCRIPTION\n"
	"    Lists every software banner (HTTP Server, SSH, SNMP sysDescr, ...) and\n"
	"    fingerprint (DHCP option list, JA3, JA4) in the database that no signature\n"
	"    turns into a manufacturer, model, firmware, OS or role claim, with how many\n"
	"    devices said it and how often, most widespread first. Each is a candidate\n"
	"    for a new rule in signatures/fingerprints/ (see docs/signatures.md). The\n"
	"    current signatures are applied, so a rule added since the capture was\n"
	"    analysed takes its banner off the list.\n"
	"\n"
	"OPTIONS\n"
	"    -d, --db FILE          the database written by herkomst analyze --db\n"
	"    -f, --format FORMAT    table (default), json or csv\n"
	"        --signatures DIR   signature directory to apply\n"
	"\n"
	"EXIT STATUS\n"
	"    0 listed (also when empty), 1 the database could not be read, 2 usage error\n"
	"\n"
	"EXAMPLES\n"
	"    herkomst unknown --db site.sqlite\n"
	"    herkomst unknown --db site.sqlite --format csv > to-review.csv\n";

bool help_print(FILE *f, const char *command)
{
	if (!command) {
		fputs(help_main, f);
		return true;
	}
	if (strcmp(command, "analyze") == 0) {
		fputs(help_analyze, f);
		return true;
	}
	if (strcmp(command, "oui") == 0) {
		char *args[] = {(char *)"oui", (char *)"--help", NULL};
		/* cmd_oui owns its manual so that `oui --help` and `help oui` agree */
		if (f == stdout)
			return cmd_oui(2, args) == 0;
		fputs("herkomst oui MAC...: see 'herkomst help oui'\n", f);
		return true;
	}
	if (strcmp(command, "unknown") == 0) {
		fputs(help_unknown, f);
		return true;
	}
	if (strcmp(command, "check") == 0) {
		char *args[] = {(char *)"check", (char *)"--help", NULL};
		if (f == stdout)
			return cmd_check(2, args) == 0;
		fputs("herkomst check signatures [DIR]: see 'herkomst help check'\n", f);
		return true;
	}
	if (strcmp(command, "help") == 0) {
		fputs("herkomst help [COMMAND]: show the manual of COMMAND, or the overview\n", f);
		return true;
	}
	return false;
}
