/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HERKOMST_CMD_CHECK_H
#define HERKOMST_CMD_CHECK_H

/*
 * `herkomst check signatures [DIR]`: loads the signature rules the way the
 * service does and prints "N rules in M files: OK", or every error as
 * "file:line: what is wrong". argv[0] is "check". Returns the exit status:
 * 0 the data is good, 1 it has errors, 2 usage error.
 */
int cmd_check(int argc, char **argv);

#endif
