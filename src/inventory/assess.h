/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The assessment of letter 26643-1007, per device, with the evidence behind
 * each criterion (docs/assessment.md):
 *
 *   1   the controlling country is on the policy's criterion-1 list (a law
 *       obliging cooperation with intelligence/military services), or the
 *       company is state-owned (any grade other than none);
 *   2   the controlling country is on the policy's criterion-2 list (an active
 *       offensive programme against the Netherlands);
 *   3A  the device gets extensive access, read from the network: its role
 *       (PLC, RTU, IED, HMI, EWS, SCADA server, network gear, camera,
 *       inverter, ...), the industrial protocols it speaks, remote-access
 *       protocols, and flows to external hosts (with their countries);
 *   3B  mitigation: analyst input (herkomst annotate); a recorded sufficient
 *       mitigation means the risk is mitigated.
 *
 * Verdict: FLAGGED only when 1, 2 and 3A hold and no sufficient mitigation is
 * recorded; PARTIAL when some but not all of 1, 2, 3A hold (or all hold and a
 * mitigation is recorded), naming which; CLEAR when none holds; UNKNOWN when
 * the origin could not be established — never silently "fine".
 */
#ifndef HERKOMST_ASSESS_H
#define HERKOMST_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/device.h"

struct origin_db;
struct policy;
struct geoip;

#define ASSESS_WHY_MAX 16     /* evidence lines kept per criterion */
#define ASSESS_WHY_LEN 320

enum assess_verdict {
	ASSESS_UNKNOWN = 0, /* origin not established */
	ASSESS_CLEAR,
	ASSESS_PARTIAL,
	ASSESS_FLAGGED,
};

struct assess_criterion {
	bool holds;
	size_t n_why; /* at most ASSESS_WHY_MAX */
	/* "role plc (s7comm.setup, 70)" ..., at most ASSESS_WHY_LEN - 1 bytes
	 * each; the pointers and the lines are in the result's text (NULL when
	 * n_why is 0) */
	const char *const *why;
};

/* Analyst input for one device (from the store). */
struct assess_annotations {
	const char *mitigation;    /* NULL: none recorded */
	bool mitigation_sufficient;
	const char *owner_company; /* an ownership correction: a company id, or NULL */
	const char *note;
};

/*
 * The texts are read-only strings in the result's one allocation, each at its
 * length ("" when empty, never NULL after assess_device): most devices are of
 * unknown origin, and a result holds only the bytes its texts use. The
 * bounds are those of the texts' sources, which cut longer ones.
 */
#define ASSESS_MANUFACTURER_MAX 128
#define ASSESS_SOURCE_MAX 64
#define ASSESS_COMPANY_ID_MAX 64
#define ASSESS_NAME_MAX 160 /* company, controller */
#define ASSESS_AS_OF_MAX 16

struct assess_result {
	bool origin_known;
	bool origin_weak;            /* resolved from the OUI registrant only (registrant is not owner) */
	const char *manufacturer;    /* the manufacturer claim that was resolved */
	const char *manufacturer_source;
	const char *company_id;
	const char *company;
	const char *controller;
	const char *control_country; /* 2 letters or "" */
	const char *hq_country;
	const char *state;           /* origin_state_name() */
	double state_share;          /* < 0 unknown */
	const char *as_of;
	const char *basis;           /* how the chain went: claim → alias → company → controller */
	struct assess_criterion c1, c2, c3a, c3b;
	enum assess_verdict verdict;
	/* The texts above and every why line with its pointer: one allocation,
	 * owned, freed by assess_result_clear(). */
	char *text;
};

struct assess_ctx {
	const struct origin_db *origin; /* may be NULL: every origin is unknown */
	const struct policy *policy;    /* may be NULL: criteria 1/2 hold only by state ownership */
	const struct geoip *geo;        /* may be NULL: external peers without country */
};

/* Fills out (its earlier contents are not freed: clear it first when it is
 * reused). -ENOMEM when the texts found no memory: out then holds the verdict,
 * empty texts and no why lines; assess_result_clear() it all the same. The
 * inputs are only read, so devices may be assessed on several threads. */
int assess_device(const struct hk_device *d, const struct assess_annotations *ann, const struct assess_ctx *ctx,
		  struct assess_result *out);

/*
 * What one evidence item is to criterion 3A, as assess_device reads it once
 * per item: kind 1 manufacturer, 2 role, 3 service, 4 client, 0 any other
 * attribute; peer: its source is "flow.peer"; per family table (0 industrial,
 * 1 remote access) bit f set when the item serves family f (a service whose
 * protocol, folded, is one of its nDPI names), uses it (a client protocol of
 * those names), or speaks it (its source starts with one of the family's
 * parser prefixes). Exposed for the unit test, which holds it to the string
 * comparisons it replaces.
 */
struct assess_ev_bits {
	int kind;
	bool peer;
	uint32_t serves[2], uses[2], speaks[2];
};
void assess_classify(const struct hk_evidence *e, struct assess_ev_bits *ret);

/* Frees the why lines and zeroes r; r may be NULL. */
void assess_result_clear(struct assess_result *r);

const char *assess_verdict_name(enum assess_verdict v); /* "unknown", "clear", "partial", "flagged" */

#endif
