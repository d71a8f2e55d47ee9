/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "dpi/dpi.h"
#include "hk_config.h"

#include <pcap/pcap.h>
#include <sqlite3.h>

static int print_version(void)
{
	printf("herkomst %s\n", HK_VERSION);
	printf("  nDPI %s, %s, SQLite %s\n", dpi_version(), pcap_lib_version(), sqlite3_libversion());
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		help_print(stderr, NULL);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0)
		return print_version();
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		help_print(stdout, NULL);
		return 0;
	}
	if (strcmp(cmd, "help") == 0) {
		if (argc > 2 && !help_print(stdout, argv[2])) {
			fprintf(stderr, "herkomst: no command '%s'; 'herkomst help' lists them\n", argv[2]);
			return 2;
		}
		if (argc <= 2)
			help_print(stdout, NULL);
		return 0;
	}
	if (strcmp(cmd, "analyze") == 0)
		return cmd_analyze(argc - 1, argv + 1);
	if (strcmp(cmd, "oui") == 0)
		return cmd_oui(argc - 1, argv + 1);
	if (strcmp(cmd, "unknown") == 0)
		return cmd_unknown(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "annotate") == 0)
		return cmd_annotate(argc - 1, argv + 1);
	if (strcmp(cmd, "ship") == 0)
		return cmd_ship(argc - 1, argv + 1);
	if (strcmp(cmd, "fleet") == 0)
		return cmd_fleet(argc - 1, argv + 1);
	fprintf(stderr, "herkomst: unknown command '%s'; 'herkomst help' lists the commands\n", cmd);
	return 2;
}
