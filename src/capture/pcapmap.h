/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap and pcapng files read by herkomst itself instead of libpcap.
 * libpcap reads a file through read(2) into stdio's buffer and fread(3)
 * into its own: two copies of every byte and two calls per frame. Here each
 * reader (struct cap_map_it) reads the file in 1 MiB windows with pread(2)
 * and hands frames out as pointers into its window (docs/performance.md,
 * session 6, for what that gains and why not a mapping of the file). A file
 * can be walked by several threads at once, each with its own iterator.
 *
 * The map (the opened file, its header checked) is immutable once opened
 * and may be shared by threads; an iterator belongs to one thread. What it
 * reads it checks as libpcap 1.10 does (the same frames, timestamps,
 * lengths and link types for every file libpcap reads; the same refusals),
 * so a file gives one inventory whichever way it is read. What this reader
 * does not take it refuses at open with -ENOTSUP, and the caller reads the
 * file through libpcap: Kuznetzov's pcap; link types whose frames libpcap
 * rewrites after reading (the pseudo-headers of pflog, Linux cooked, USB
 * and nflog captures written on a host of the other byte order, and every
 * DLT_USB_LINUX_MMAPPED capture); pipes, standard input and empty files.
 *
 * Nothing is mapped: the header checks at open read the file with pread(2)
 * too, through a window of their own (grown to a whole block before the
 * first pcapng interface block, up to the 16 MiB libpcap allows there).
 * A file is read to where pread(2) ends, as libpcap reads it: one that
 * shrinks while it is opened or read ends as a header or capture cut short
 * at its new end (never a SIGBUS), one still being written is read as far
 * as it has got when the walk gets there. A read error is reported with
 * the file's name, at open and during a walk.
 */
#ifndef HERKOMST_PCAPMAP_H
#define HERKOMST_PCAPMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"

struct cap_map;

/*
 * Reads the file open on fd, named name in messages, and checks its header
 * (with pread(2), the offset of fd untouched). fd stays the caller's: the
 * map keeps a duplicate of it (the same open file, so the file checked is
 * the file walked, whatever becomes of its path), closed by cap_map_close;
 * the caller closes its own when it likes, and after -ENOTSUP may hand it
 * to libpcap as it is. 0 and *ret; -ENOTSUP (errbuf empty) when the file
 * is not one for this reader (not a regular file, empty, not a pcap or
 * pcapng file, a variant this reader leaves to libpcap): read it through
 * cap_open_file's libpcap path, which also explains a file that is no
 * capture. Other negative errno with a message naming the file and what to
 * do: its header cannot be read (-EIO, -EBADF, ...: "NAME: cannot read its
 * header at byte N: ..."), or it is one libpcap refuses at open too
 * (-EINVAL: a version it does not read, a pcapng file with no interface
 * description block, a header cut short; the message then starts like
 * capture.c's: "NAME: cannot read it as pcapng: ..." or "NAME: the pcap
 * file header is cut short ...").
 */
int cap_map_open_fd(int fd, const char *name, struct cap_map **ret, char *errbuf, size_t errsz);
/* cap_map_open_fd over path, opened here (and closed again: the map has its
 * own descriptor); "-" is -ENOTSUP. A path that cannot be opened is
 * -ENOENT, -EACCES, ... with a message naming it. For tests and tools;
 * capture.c opens the file once itself and uses cap_map_open_fd. */
int cap_map_open(const char *path, struct cap_map **ret, char *errbuf, size_t errsz);
/* The same over bytes in memory (tests, fuzzing): p must outlive the map.
 * Frames point into p. With a window (_window, > 0), iterators copy p
 * through a window of that size as they read a file, so tests and the
 * fuzzer walk the window code too. */
int cap_map_open_mem(const uint8_t *p, size_t len, const char *name, struct cap_map **ret, char *errbuf,
		     size_t errsz);
int cap_map_open_mem_window(const uint8_t *p, size_t len, const char *name, size_t window, struct cap_map **ret,
			    char *errbuf, size_t errsz);
struct cap_map *cap_map_close(struct cap_map *m); /* returns NULL; accepts NULL */

const char *cap_map_format(const struct cap_map *m); /* "pcap", "pcapng" */
int cap_map_linktype(const struct cap_map *m);      /* DLT_*: pcap: the header's; pcapng: the first IDB's */
uint64_t cap_map_size(const struct cap_map *m);     /* bytes (a file's at open; a walk reads to its end then) */
const char *cap_map_name(const struct cap_map *m);  /* the name given to _open_fd or _open_mem, or the path */

/* One reader of the file. Over a file its window is allocated as it reads:
 * cap_map_it_release frees it (over memory there is none). */
#define CAP_MAP_IFACES_MAX 256u /* pcapng interfaces in a section (libpcap has no limit; more: error) */
struct cap_map_iface {
	int linktype;      /* the IDB's LINKTYPE_* value */
	uint32_t snaplen;  /* the IDB's, as written */
	uint64_t tsresol;  /* units per second */
	bool binary;       /* tsresol is a power of 2 (if_tsresol with the top bit set) */
	int64_t tsoffset;  /* seconds */
};
struct cap_map_it {
	const struct cap_map *m;
	uint64_t off;      /* the next record or block */
	uint64_t n_frames; /* frames handed out, for messages */
	/* a file's window: the bytes from win_off, win_len of win_cap (malloc) */
	uint8_t *win;
	size_t win_cap, win_len;
	uint64_t win_off;
	uint64_t n_reads;  /* reads into the window (pread calls), for tests and measurements */
	bool big;          /* the file (pcapng: this section) is big-endian */
	bool swapped;      /* this section's byte order is not the host's */
	/* pcap: the header's */
	int linktype;
	uint32_t snaplen;
	bool nsec;
	/* pcapng: the current section's interfaces */
	unsigned n_ifaces;
	struct cap_map_iface ifaces[CAP_MAP_IFACES_MAX];
	enum cap_next_result state; /* CAP_FRAME while reading; sticky after */
	char err[512];     /* cap_map_it_error */
};

/* At the first record (after the pcap header, or at the first block). */
void cap_map_it_init(struct cap_map_it *it, const struct cap_map *m);
/* Frees the iterator's window; it may be initialised again after. */
void cap_map_it_release(struct cap_map_it *it);
/*
 * The next frame: CAP_FRAME and *fr (fr->data points into the iterator's
 * window and stays valid until its next cap_map_next; over memory, into
 * that memory); CAP_EOF at the clean end;
 * CAP_ETRUNCATED when the file ends inside a record or block (what was read
 * stands); CAP_EERROR on a record libpcap refuses too. Sticky after the
 * first non-frame result.
 */
enum cap_next_result cap_map_next(struct cap_map_it *it, struct cap_frame *fr);
/* After CAP_ETRUNCATED or CAP_EERROR: what is wrong and where (the byte
 * offset), and for a refusal what to do; "" otherwise. Without the file's
 * name and the frame count, which the caller adds (cap_next in capture.c:
 * "NAME: stopped after N frames: ..."; cap_map_name, n_frames). */
const char *cap_map_it_error(const struct cap_map_it *it);
/* Bytes consumed so far, for progress. */
static inline uint64_t cap_map_it_offset(const struct cap_map_it *it)
{
	return it->off;
}

#endif
