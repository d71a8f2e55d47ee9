/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HERKOMST_CLI_H
#define HERKOMST_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Each command takes its own argv (argv[0] is the command name) and returns
 * the exit status: 0 success, 1 failure, 2 usage error. */
int cmd_analyze(int argc, char **argv);
int cmd_oui(int argc, char **argv);
int cmd_unknown(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_annotate(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_ship(int argc, char **argv);  /* cmd_fleet.c */
int cmd_fleet(int argc, char **argv);

/*
 * serve and report --config FILE: the fleet's central database from the
 * [central] section of a configuration file (conninfo, password_file; the
 * rest of the file is checked, not used). *ret_conninfo and
 * *ret_password_file are malloc'ed (the latter NULL when not set). 0, or 1
 * after printing why (cmd_report.c).
 */
int cli_central_config(const char *cmd, const char *path, char **ret_conninfo, char **ret_password_file);

struct run_config;
struct ship_config;

/*
 * The shipper's settings from a configuration's [central] section, for
 * herkomst ship and the daemon's shipping thread alike (cmd_fleet.c).
 * password: the password file's content (NULL: none); sensor_id: the
 * configured one or ship_sensor_id_default()'s. ret points into c and them.
 */
void cli_ship_config(const struct run_config *c, const char *password, const char *sensor_id,
		     struct ship_config *ret);

/* Prints the manual of a command (NULL: the overview). false if unknown. */
bool help_print(FILE *f, const char *command);

#endif
