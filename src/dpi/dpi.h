/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nDPI behind a small interface: the only code that includes <ndpi_api.h>.
 * One struct dpi per worker thread (nDPI's module is not thread-safe);
 * dpi_new and dpi_free may be called from several threads at once.
 */
#ifndef HERKOMST_DPI_H
#define HERKOMST_DPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow/flow.h"
#include "herkomst/packet.h"

/* Packets fed to nDPI per flow before it must decide (ndpiReader uses a
 * similar bound). Feeding stops at the first verdict: nDPI's extra
 * dissection gathers metadata that herkomst does not read. */
#define DPI_PKTS_MAX 32

/* Modules dpi_leave_to_exit keeps: one per worker thread of analyze. */
#define DPI_LEFT_MAX 64

struct dpi;

struct dpi *dpi_new(char *errbuf, size_t errsz);
struct dpi *dpi_free(struct dpi *d);

/*
 * Leaves d to the process's exit instead of freeing it, for a command that
 * exits when done: freeing nDPI 4.2's automata and IP trees takes 5-20 ms
 * a module (docs/performance.md, session 5). d stays reachable from
 * dpi.c, so a leak checker does not count it. Past DPI_LEFT_MAX modules d is
 * freed as dpi_free does. Accepts NULL.
 */
void dpi_leave_to_exit(struct dpi *d);

/*
 * Feeds one packet of flow f (which must be FLOW_DPI_PENDING). Returns true
 * when the flow has been decided by this packet: f->proto_name is then set,
 * its nDPI state freed and f->dpi_state is FLOW_DPI_DONE.
 */
bool dpi_process(struct dpi *d, struct flow *f, const struct hk_pkt *p);

/* Ends detection for a flow still pending: guesses from ports, frees state. */
void dpi_giveup(struct dpi *d, struct flow *f);

/*
 * Decides a pending flow without asking nDPI (any more): "Unknown", not
 * guessed, its state freed. For a flow one of herkomst's parsers has
 * understood in a protocol nDPI has no dissector for, where nDPI's answer
 * would be Unknown or a wrong name (docs/parsers.md, "nDPI and the parsers").
 */
void dpi_flow_skip(struct flow *f);

/* Frees a flow's nDPI state without deciding (when the flow is dropped). */
void dpi_flow_release(struct flow *f);

const char *dpi_version(void);
size_t dpi_flow_state_size(void);

#endif
