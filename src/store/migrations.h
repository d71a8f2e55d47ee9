/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HERKOMST_STORE_MIGRATIONS_H
#define HERKOMST_STORE_MIGRATIONS_H

struct store_migration {
	unsigned version;
	const char *name;
	const char *sql;
};

extern const struct store_migration store_migrations[];
extern const unsigned store_n_migrations;

#endif
