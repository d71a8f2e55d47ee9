/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An output file (-o) written whole or not at all. A regular file, or one
 * that does not exist yet, is written under a temporary name in its own
 * directory and renamed onto its name only when everything was written: a
 * run that fails leaves an existing file as it was and no half-written
 * one, and opening it first tells at once that the file cannot be written
 * (before any capture is read or anything stored). Anything else — a
 * device such as /dev/null, a FIFO, /dev/stdout — is written in place,
 * never replaced. A symbolic link is followed: the file it names is the
 * one replaced, the link stays. As fopen(path, "w") would, a file that may
 * not be written is refused at once; one that may be written but not
 * replaced (another user's, or in a directory where no file may be made)
 * is written in place. Ctrl-C, SIGTERM or SIGHUP while the temporary file
 * is written removes it (where the program has no handler of its own).
 */
#ifndef HERKOMST_OUTFILE_H
#define HERKOMST_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

#define OUTFILE_TRIES_MAX 16 /* temporary names tried before giving up */

struct outfile {
	FILE *f;     /* where to write: standard output, the file itself or the temporary one */
	char *path;  /* the file replaced (a link resolved); NULL: standard output */
	char *tmp;   /* the temporary file renamed onto path; NULL: written in place */
	bool closed; /* committed or aborted */
};

/*
 * Opens path (NULL or "-": standard output). 0, or a negative errno with
 * what was wrong in errbuf ("cannot write PATH: REASON").
 */
int outfile_open(struct outfile *o, const char *path, char *errbuf, size_t errsz);

/*
 * Everything is written: flushes and closes, then renames the temporary
 * file onto its name. 0, or a negative errno with the reason in errbuf
 * (the temporary file is removed then; the file itself is left as it was).
 */
int outfile_commit(struct outfile *o, char *errbuf, size_t errsz);

/* The run failed: closes and removes the temporary file, if any. An
 * output written in place stays as far as it got. Safe to call after
 * outfile_commit, and on a zeroed struct, or twice. */
void outfile_abort(struct outfile *o);

#endif
