/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "core/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

#define PROGRESS_INTERVAL_USEC 100000u
#define PROGRESS_BAR_WIDTH 30

bool progress_wanted(void)
{
	const char *term = getenv("TERM");
	return isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

void progress_start(struct progress *p, const char *label, uint64_t total_bytes, bool enabled)
{
	memset(p, 0, sizeof(*p));
	p->enabled = enabled;
	p->label = label;
	p->total_bytes = total_bytes;
	p->start_usec = hk_mono_usec();
}

static void draw(struct progress *p, uint64_t bytes_done, uint64_t packets, uint64_t now)
{
	double secs = (double)(now - p->start_usec) / 1e6;
	double pps = secs > 0 ? (double)packets / secs : 0;
	char done[32];
	const char *name = p->label ? strrchr(p->label, '/') : NULL;

	name = name ? name + 1 : (p->label ? p->label : "");
	hk_bytes_fmt(bytes_done, done, sizeof(done));
	if (p->total_bytes) {
		double frac = (double)bytes_done / (double)p->total_bytes;
		int fill;
		char bar[PROGRESS_BAR_WIDTH + 1];
		if (frac > 1)
			frac = 1;
		fill = (int)(frac * PROGRESS_BAR_WIDTH);
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '.', (size_t)(PROGRESS_BAR_WIDTH - fill));
		bar[PROGRESS_BAR_WIDTH] = '\0';
		fprintf(stderr, "\r%-24.24s [%s] %5.1f%% %10s %9.0f pkt/s", name, bar, frac * 100, done, pps);
	} else {
		fprintf(stderr, "\r%-24.24s %10s %12llu pkts %9.0f pkt/s", name, done,
			(unsigned long long)packets, pps);
	}
	fflush(stderr);
}

void progress_update(struct progress *p, uint64_t bytes_done, uint64_t packets)
{
	uint64_t now;
	if (!p->enabled)
		return;
	now = hk_mono_usec();
	if (now - p->last_draw_usec < PROGRESS_INTERVAL_USEC)
		return;
	p->last_draw_usec = now;
	draw(p, bytes_done, packets, now);
}

void progress_end(struct progress *p)
{
	if (!p->enabled)
		return;
	/* erase the line so the output that follows starts clean */
	fprintf(stderr, "\r%*s\r", 80, "");
	fflush(stderr);
}
