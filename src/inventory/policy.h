/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The country policy: which countries meet criterion 1 (a law obliging
 * companies to cooperate with intelligence or military services) and
 * criterion 2 (an active offensive intelligence programme against the
 * Netherlands). Data, never code: signatures/policy/default.tsv follows Dutch
 * public sources; an operator points --policy at their own file.
 *
 *   country  criterion  reference
 *   CN       1          China National Intelligence Law (2017) art. 7, 14; ...
 *   CN       2          AIVD/MIVD/NCTV Dreigingsbeeld Statelijke Actoren 2 (2022) ...
 *
 * plus a header comment block naming the policy ("# policy: ...", "# as-of: ...").
 */
#ifndef HERKOMST_POLICY_H
#define HERKOMST_POLICY_H

#include <stdbool.h>
#include <stddef.h>

struct policy;

struct policy *policy_load(const char *path, char *errbuf, size_t errsz);
struct policy *policy_free(struct policy *p);
/* The default file: $HERKOMST_POLICY, else <sigdir>/policy/default.tsv. */
struct policy *policy_load_default(const char *sigdir, char *errbuf, size_t errsz);

/* Does country cc meet criterion n (1 or 2)? *ret_reference: the line's source. */
bool policy_holds(const struct policy *p, int criterion, const char *cc, const char **ret_reference);

const char *policy_name(const struct policy *p);  /* from "# policy:" */
const char *policy_as_of(const struct policy *p); /* from "# as-of:" */
const char *policy_path(const struct policy *p);
/* The countries of criterion n, sorted by code, into ret[0..max); returns how
 * many were written. With ret NULL: how many there are. */
size_t policy_countries(const struct policy *p, int criterion, const char **ret, size_t max);

#endif
