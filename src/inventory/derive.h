/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the project knows turned into claims about a device: signatures over
 * its software and fingerprint evidence, SNMP enterprise numbers to
 * organisations. Derived claims are computed when devices are read (from the
 * store, for output), never stored: the database keeps what was observed,
 * so new or corrected signatures apply to old observations too.
 */
#ifndef HERKOMST_DERIVE_H
#define HERKOMST_DERIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/device.h"

struct sig_db;
struct ent_db;
struct vid_db;

struct inv_ents_later;

struct inv_knowledge {
	struct sig_db *sigs;  /* may be NULL */
	struct ent_db *ents;  /* may be NULL (and is, until needed, with ents_later) */
	struct vid_db *vids;  /* may be NULL */
	struct inv_ents_later *ents_later; /* inv_knowledge_open_lazy: the table to load on first need */
};

#define DERIVE_CLAIMS_MAX 32 /* claims taken from one observation */

/* Appends the derived claims to d's evidence (then sorts it). One thread at
 * a time: the signatures' own scratch space is used. */
void inv_derive(struct hk_device *d, void *knowledge);

/* inv_derive with a thread's scratch space (sig_scratch_new; NULL: the
 * db's), so several threads can derive devices at once: the knowledge is
 * only read, each device is written by the thread deriving it. */
struct sig_scratch;
void inv_derive_with(struct hk_device *d, const struct inv_knowledge *k, struct sig_scratch *sc);

/* Loads what can be loaded; each failure is a message in errbuf (warnings: the
 * inventory works without them). Returns the number of sources that failed. */
int inv_knowledge_open(struct inv_knowledge *k, const char *sigdir, char *errbuf, size_t errsz);

/*
 * inv_knowledge_open without the SNMP enterprise table (62,000 names, a
 * fifth of the loading), which only an snmp.enterprise item needs: the
 * first one derived loads it, once, whichever thread derives it (the
 * others wait for it). Whether that load failed, and why, is
 * inv_knowledge_late_error's to say once the devices are derived.
 */
int inv_knowledge_open_lazy(struct inv_knowledge *k, const char *sigdir, char *errbuf, size_t errsz);

/* NULL, or what went wrong loading what inv_knowledge_open_lazy left for
 * later (the table was needed and did not load): "no SNMP enterprise
 * names: FILE: why (what to install)", as inv_knowledge_open says it. Call
 * it when no thread derives any more. */
const char *inv_knowledge_late_error(const struct inv_knowledge *k);

void inv_knowledge_close(struct inv_knowledge *k);

/* Raw observations no signature turned into a claim, summed over devices. */
struct unknown_fp {
	char source[HK_OBS_SOURCE_MAX];
	char value[HK_OBS_VALUE_MAX];
	uint64_t count;     /* times observed */
	uint64_t devices;   /* devices that said it */
	uint64_t first_seen, last_seen;
	int64_t example_device; /* the id of one of them */
};

int inv_unknown_collect(const struct hk_device *devs, size_t n, const struct inv_knowledge *k,
			struct unknown_fp **ret, size_t *ret_n);

/*
 * The same list from the candidates alone (the items inv_unknown_candidate
 * accepts), found beforehand — by analyze while each device's evidence is
 * at hand anyway, as it derives it — so that the collection does not read
 * every device's evidence once more. refs: every candidate, in device order
 * and each device's evidence order, as inv_unknown_collect would meet them;
 * the result is then the same.
 */
struct inv_ev_ref {
	size_t dev, ev; /* devs[dev].ev[ev] */
};
bool inv_unknown_candidate(const struct hk_evidence *e);
int inv_unknown_collect_refs(const struct hk_device *devs, const struct inv_ev_ref *refs, size_t n_refs,
			     const struct inv_knowledge *k, struct unknown_fp **ret, size_t *ret_n);

/* Is this evidence raw material for signatures (software or fingerprint)? */
bool inv_evidence_is_raw(const struct hk_evidence *e);

#endif
