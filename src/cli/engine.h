/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet engine of herkomst analyze: N workers, the reader one of them.
 *
 * A worker is a pipeline (pipeline.h): a share of the flows, with its own
 * flow table (flows_max / N flows), nDPI module and partial inventory. With
 * one worker the engine hands each frame straight to it on the caller's
 * thread: no thread, no copy. With N the caller is the reader: for each
 * frame it keeps the flow clock (struct flow_clock), computes the symmetric
 * flow hash (decode_flow_hash) and copies the frame, stamped with the
 * clock, into a batch of the worker the hash picks. Full batches are queued
 * (one mutex for the engine, taken per batch, not per frame); the batches
 * are one pool shared by all workers, so the one a stretch of the capture
 * loads most may hold most of them.
 *
 * N threads do the work: the reader and N - 1 worker threads. Any of them
 * runs any worker's queued batches, one thread at a time per worker and in
 * queue order, so each pipeline has one writer at any moment and sees its
 * frames in capture order; a thread takes its own worker's batches first
 * (worker 0 is the reader's), then another's. The reader keeps
 * ENGINE_AHEAD batches queued per worker thread and runs its own worker's
 * beyond that, and runs any batch rather than wait for a free one or for a
 * worker thread: no thread waits while a batch it may run is queued, and on
 * N CPUs there are N threads, not a reader beside N workers. At the end the partial inventories are merged
 * (inv_merge) into worker 0's by the calling thread.
 *
 * Both directions of a flow reach one worker, and the flow clock is the
 * reader's, so flows begin and end at the same packets with 1 and N workers
 * and the merged inventory equals the one a single worker builds (see
 * docs/architecture.md, "Threads", for the exceptions: flow eviction at the
 * cap and nDPI's shared caches).
 */
#ifndef HERKOMST_ENGINE_H
#define HERKOMST_ENGINE_H

#include <stddef.h>

#include "capture/capture.h"
#include "cli/pipeline.h"

#define ENGINE_WORKERS_MAX 64
#define ENGINE_BATCH_BYTES (256u << 10) /* arena bytes per batch (frames and their records); a bigger frame gets a batch of its own size */
/* A waiting worker is handed a batch that is not full yet once it holds this many frames. */
#define ENGINE_HANDOFF_FRAMES 64u
/* Batches (of any worker) the reader leaves queued for each worker thread
 * before it runs one of its own worker's itself; at most what the pool
 * leaves beside the batches being filled and run (engine.c, ahead()). */
#define ENGINE_AHEAD 8u
/*
 * The batches all workers share: one being filled per worker, the rest
 * queued or being worked on. Flows do not spread evenly over short
 * stretches of a capture (bench-mixed300 has runs of 13,651 frames in a row
 * for one of two workers; over 8,192 frames the share of one worker is
 * anywhere from 0 to 100 %): a pool the worker that is behind can fill
 * absorbs that while the others keep going; a too big one only pushes
 * frames out of the caches before a worker reads them (docs/performance.md).
 * ENGINE_BATCHES_MAX in all (8 MiB), made as they are needed, at least
 * ENGINE_BATCHES_MIN per worker.
 */
#define ENGINE_BATCHES_MAX 32u
#define ENGINE_BATCHES_MIN 4u

struct engine_opts {
	struct pipeline_opts pl; /* flows_max is shared out: each worker gets flows_max / workers */
	unsigned workers;        /* 0 or 1: no threads */
};

struct engine;

/*
 * Builds worker 0's pipeline (and nDPI module) on the calling thread and
 * starts the worker threads, each of which builds its own: the caller can
 * do other work, and pass frames, before engine_ready(). NULL and a message
 * on failure.
 */
struct engine *engine_new(const struct engine_opts *o, char *errbuf, size_t errsz);

/*
 * Waits until every worker has its pipeline. 0, or <0 and the message of
 * the first worker that could not build one. Frames may be passed before:
 * they wait in the batches (engine_batches(), then the reader waits) until
 * their worker is up, and a worker that could not start drops its share, so
 * call this before anything is recorded as read.
 */
int engine_ready(struct engine *e, char *errbuf, size_t errsz);

/* One frame, from the reader's thread. 0; 1 when its link type is not
 * supported (counted, and not passed on); <0 (-ENOMEM) on failure. */
int engine_frame(struct engine *e, const struct cap_frame *fr);

/*
 * The end of the input: the queued batches are run (the caller helps), and
 * each worker ends every flow (worker 0 on the caller's thread); the
 * partial inventories are merged into worker 0's, the counters summed, and
 * the worker threads then free their pipelines on their own threads while
 * the caller goes on (worker 0's, all but the merged inventory, goes with
 * engine_free). 0, or <0 and a message. After this only engine_inventory,
 * engine_totals and engine_free.
 */
int engine_finish(struct engine *e, char *errbuf, size_t errsz);

/* The merged inventory, after engine_finish. */
struct inventory *engine_inventory(struct engine *e);

/* Counters summed over the workers (and the reader's own), as of
 * engine_finish (zero before). */
void engine_totals(const struct engine *e, struct pipeline_totals *ret);

unsigned engine_workers(const struct engine *e);
/* How long engine_finish took to merge the workers' inventories (0 with one). */
uint64_t engine_merge_usec(const struct engine *e);
/* How long the reader waited, in engine_frame, engine_ready or
 * engine_finish, while a worker thread still built its pipeline (its nDPI
 * module): start-up, not packet work. 0 with one worker. */
uint64_t engine_start_wait_usec(const struct engine *e);
/* The frames the reader ran through a pipeline itself (the rest, the
 * worker threads did). 0 with one worker, which has no threads. */
uint64_t engine_reader_frames(struct engine *e);

/* The most batches n workers share. */
unsigned engine_batches(unsigned n);

struct engine *engine_free(struct engine *e);

/* The number of online CPUs (at least 1, at most ENGINE_WORKERS_MAX): what
 * "0 workers" means on the command line and in the configuration. */
unsigned engine_cpus_online(void);

#endif
