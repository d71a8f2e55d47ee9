/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A progress line on standard error while reading captures: only when stderr
 * is a terminal, redrawn at most 10 times a second.
 */
#ifndef HERKOMST_PROGRESS_H
#define HERKOMST_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool enabled;
	const char *label;
	uint64_t start_usec;
	uint64_t last_draw_usec;
	uint64_t total_bytes; /* 0: unknown (a pipe) */
};

void progress_start(struct progress *p, const char *label, uint64_t total_bytes, bool enabled);
/* cheap to call per packet: draws only when 100 ms have passed */
void progress_update(struct progress *p, uint64_t bytes_done, uint64_t packets);
void progress_end(struct progress *p);
bool progress_wanted(void); /* stderr is a terminal and TERM is not "dumb" */

#endif
