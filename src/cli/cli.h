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

/* Prints the manual of a command (NULL: the overview). false if unknown. */
bool help_print(FILE *f, const char *command);

#endif
