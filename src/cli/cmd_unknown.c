/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * herkomst unknown: the banners and fingerprints in a database that no
 * signature turns into a claim, most widespread first, so an analyst knows
 * which signature to write next (docs/signatures.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "inventory/derive.h"
#include "report/output.h"
#include "store/store.h"

int cmd_unknown(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"signatures", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *sigdir = NULL;
	enum out_format fmt = OUT_TABLE;
	struct inv_knowledge know = {0};
	struct store *st = NULL;
	struct hk_device *devs = NULL;
	struct unknown_fp *u = NULL;
	size_t n = 0, nu = 0;
	char err[1024];
	int opt, status = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			if (out_format_parse(optarg, &fmt) < 0) {
				fprintf(stderr, "herkomst unknown: unknown --format '%s' (use table, json or csv)\n",
					optarg);
				return 2;
			}
			break;
		case 'S':
			sigdir = optarg;
			break;
		case 'h':
			help_print(stdout, "unknown");
			return 0;
		default:
			fprintf(stderr, "Try 'herkomst help unknown'.\n");
			return 2;
		}
	}
	if (!db || optind != argc) {
		fprintf(stderr, "usage: herkomst unknown --db FILE [--format table|json|csv]\n"
				"Try 'herkomst help unknown'.\n");
		return 2;
	}
	if (inv_knowledge_open(&know, sigdir, err, sizeof(err)) > 0)
		fprintf(stderr, "herkomst: warning: %s\n", err);
	st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "herkomst: %s\n", err);
		status = 1;
		goto out;
	}
	/* devices are read raw: what no signature explains is the point here */
	if (store_devices_load(st, &devs, &n) < 0 || inv_unknown_collect(devs, n, &know, &u, &nu) < 0) {
		fprintf(stderr, "herkomst: %s: cannot read the inventory: %s\n", db, store_errmsg(st));
		status = 1;
		goto out;
	}
	if (out_unknown_write(stdout, fmt, u, nu) < 0 || fflush(stdout) != 0)
		status = 1;
out:
	for (size_t i = 0; i < n; i++)
		hk_device_clear(&devs[i]);
	free(devs);
	free(u);
	store_close(st);
	inv_knowledge_close(&know);
	return status;
}
