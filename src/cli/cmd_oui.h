/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HERKOMST_CMD_OUI_H
#define HERKOMST_CMD_OUI_H

/*
 * `herkomst oui [--json] [--db FILE] MAC...`: the IEEE block, registrant and
 * registrant's country of each MAC address. argv[0] is "oui". Returns the
 * exit status: 0 all arguments parsed, 1 some were not MAC addresses, 2 usage
 * error or no OUI database.
 */
int cmd_oui(int argc, char **argv);

#endif
