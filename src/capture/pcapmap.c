/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap and pcapng files read by herkomst itself (pcapmap.h): through a
 * pread(2) window per iterator, frames handed out in place in it; the
 * header checks at open read through such a window too (nothing mapped).
 *
 * What is checked, and in which order, follows libpcap 1.10.3 (Debian 12)
 * sf-pcap.c and sf-pcapng.c, so that a file gives the same frames, the same
 * timestamps and the same end (clean, cut short, refused at the same frame)
 * whichever reader takes it; tests/unit/pcapmap_equiv.c compares the
 * two over every shared capture. The code is ours; where libpcap's
 * behaviour is surprising the comment says so, since a reader "fixing" it
 * would make the two disagree.
 *
 * pcap (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html):
 *
 *   file header, 24 bytes             record, 16 bytes + caplen
 *   +-------+-----+-----+--------+    +--------+------------+--------+-----+------
 *   | magic | maj | min | zone   |    | ts sec | ts usec or | caplen | len | data
 *   |   4   |  2  |  2  | sigfig |    |   4    | nsec    4  |   4    |  4  | ...
 *   |       |     |     | 4 + 4  |    +--------+------------+--------+-----+------
 *   | snaplen 4 | linktype 4     |
 *
 * pcapng (draft-ietf-opsawg-pcapng): blocks of type 4, total length 4,
 * body, total length 4 again; SHB (0x0a0d0d0a) opens a section and fixes
 * its byte order, IDB (1) describes an interface, EPB (6), SPB (3) and the
 * obsolete PB (2) carry frames; other blocks are skipped.
 *
 * Hostile input: every length comes from the file. Each is checked against
 * what is left of the file before anything is read through it (all reads
 * go through the bounded cursor), block lengths are capped as libpcap caps
 * them, and a caplen never reaches past its record or block.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/pcapmap.h"
#include "core/util.h"
#include "herkomst/cursor.h"

#define PCAP_HDR_LEN 24u
#define PCAP_REC_LEN 16u
#define PCAP_SNAPLEN_MAX 262144u /* libpcap's MAXIMUM_SNAPLEN */

#define NG_BT_SHB 0x0a0d0d0au
#define NG_BT_IDB 0x00000001u
#define NG_BT_PB 0x00000002u
#define NG_BT_SPB 0x00000003u
#define NG_BT_EPB 0x00000006u
#define NG_BOM 0x1a2b3c4du
#define NG_BOM_SWAPPED 0x4d3c2b1au
#define NG_SHB_MIN 28u              /* header 8 + BOM, versions, section length 16 + trailer 4 */
#define NG_SHB_MAX (1024u * 1024u)  /* libpcap's BT_SHB_INSANE_MAX, first SHB only */
#define NG_BLOCK_MIN 12u
#define NG_BLOCK_MAX_INITIAL (16u * 1024u * 1024u)
#define NG_OPT_ENDOFOPT 0
#define NG_IF_TSRESOL 9
#define NG_IF_TSOFFSET 14
#define USEC_PER_SEC 1000000u

/*
 * A file is read through a window of each iterator's own (pread(2), no
 * shared offset): CAP_MAP_WINDOW bytes at a time, more for a block that
 * does not fit. Measured against mapping the file (docs/performance.md,
 * session 6): the kernel's copy into a buffer that stays in the cache is
 * cheaper on the machines we measured than the page faults of a mapping,
 * and the frames the pipeline reads next are then in the cache already.
 */
#define CAP_MAP_WINDOW (1u << 20)

#define HOST_BIG (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

enum len_order { LENS_KEEP, LENS_SWAP, LENS_MAYBE };

struct cap_map {
	const uint8_t *base;  /* the bytes over memory; NULL over a file */
	uint64_t size;        /* memory's; a file's at open (fstat), which its walks may read past */
	int fd;               /* a file, our duplicate (read with pread(2) only); -1 over memory */
	size_t window;        /* an iterator's window; 0: read in place (memory) */
	char *name;
	const char *format;
	bool ng;
	bool big;             /* pcap: the file's byte order; pcapng: the first section's */
	int linktype;         /* DLT_*, as libpcap maps the file's LINKTYPE_* */
	uint32_t snapshot;    /* the snapshot length libpcap adjusts the header's to */
	/* pcap */
	bool nsec;
	enum len_order lens;
	uint32_t caplen_max;  /* libpcap's max_snaplen_for_dlt */
	/* pcapng */
	uint64_t block_max;   /* libpcap's max_blocksize after the first IDB */
	uint64_t start;       /* where a walk begins: after the pcap header or the first IDB */
	struct cap_map_iface iface0;
};

/* ---- libpcap's tables ---------------------------------------------------- */

/*
 * libpcap's linktype_to_dlt() on Linux: LINKTYPE_* and DLT_* are the same
 * number except for these five (PFSYNC and PKTAP are equal on Linux too);
 * numbers it does not know it passes through, as we do.
 */
static int linktype_to_dlt(uint32_t lt)
{
	switch (lt) {
	case 100:
		return DLT_ATM_RFC1483;
	case 101:
		return DLT_RAW;
	case 102:
		return DLT_SLIP_BSDOS;
	case 103:
		return DLT_PPP_BSDOS;
	case 106:
		return DLT_ATM_CLIP;
	default:
		return (int)lt;
	}
}

static uint32_t max_snaplen_for_dlt(int dlt)
{
	switch (dlt) {
	case DLT_DBUS:
		return 128u * 1024u * 1024u;
	case DLT_EBHSCR:
		return 8u * 1024u * 1024u;
	case DLT_USBPCAP:
		return 1024u * 1024u;
	default:
		return PCAP_SNAPLEN_MAX;
	}
}

/* libpcap's pcap_adjust_snapshot: 0 or more than INT_MAX means "the maximum". */
static uint32_t adjust_snapshot(int dlt, uint32_t snaplen)
{
	if (snaplen == 0 || snaplen > INT_MAX)
		return max_snaplen_for_dlt(dlt);
	return snaplen;
}

/*
 * libpcap rewrites some frames after reading them (pcap_post_process):
 * pseudo-headers in the writer's byte order (pflog, Linux cooked, USB,
 * nflog) are swapped to the reader's, and old memory-mapped USB captures
 * get a length fixed. This reader hands frames out as they are in the
 * file (in place over memory, and the rewrite is not written here); such
 * files are left to libpcap (-ENOTSUP).
 */
static bool needs_rewrite(int dlt, bool swapped)
{
	if (dlt == DLT_USB_LINUX_MMAPPED)
		return true;
	if (!swapped)
		return false;
	switch (dlt) {
	case DLT_PFLOG:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_USB_LINUX:
	case DLT_NFLOG:
		return true;
	default:
		return false;
	}
}

/* ---- reading ------------------------------------------------------------- */

static inline uint32_t rd32(struct hk_cur *c, bool big)
{
	return big ? hk_cur_be32(c) : hk_cur_le32(c);
}

static inline uint16_t rd16(struct hk_cur *c, bool big)
{
	return big ? hk_cur_be16(c) : hk_cur_le16(c);
}

static inline uint64_t rd64(struct hk_cur *c, bool big)
{
	return big ? hk_cur_be64(c) : hk_cur_le64(c);
}

/* A cursor over the whole of memory, at off (off <= size always holds). */
static inline struct hk_cur cur_at(const struct cap_map *m, uint64_t off)
{
	struct hk_cur c = hk_cur_init(m->base, (size_t)m->size);

	hk_cur_skip(&c, (size_t)off);
	return c;
}

/* ---- opening ------------------------------------------------------------- */

static int it_window(struct cap_map_it *it, uint64_t off, uint64_t need, struct hk_cur *ret);
static int block_window(struct cap_map_it *it, uint64_t at, bool big, uint64_t block_max, struct hk_cur *ret);

/*
 * The header checks read the file as a walk does, through an iterator's
 * window (it_window, pread(2) over a file), never through a mapping: a
 * file cut short while it is opened gives a header cut short, not a
 * SIGBUS, and the checks see the bytes libpcap's fread would see. A read
 * error fails the open with a message naming the file.
 */
static int open_read_fail(const struct cap_map *m, uint64_t off, int e, char *errbuf, size_t errsz)
{
	if (e == -ENOMEM)
		hk_errbuf_set(errbuf, errsz,
			      "%s: out of memory for a window to read its header at byte %llu; free memory, or read "
			      "it with --libpcap",
			      m->name, (unsigned long long)off);
	else
		hk_errbuf_set(errbuf, errsz,
			      "%s: cannot read its header at byte %llu: %s; check the file and the disk it is on",
			      m->name, (unsigned long long)off, strerror(-e));
	return e;
}

static int open_read(struct cap_map_it *it, uint64_t off, uint64_t need, struct hk_cur *ret, char *errbuf,
		     size_t errsz)
{
	int e = it_window(it, off, need, ret);

	return e < 0 ? open_read_fail(it->m, off, e, errbuf, errsz) : 0;
}

static int open_pcap(struct cap_map *m, struct cap_map_it *it, char *errbuf, size_t errsz)
{
	struct hk_cur c;
	uint32_t magic, snaplen, lt;
	uint16_t major, minor;
	size_t got;
	int e = open_read(it, 0, PCAP_HDR_LEN, &c, errbuf, errsz);

	if (e < 0)
		return e;
	got = hk_cur_left(&c); /* all of the header, or all the file has */
	magic = hk_cur_be32(&c);

	switch (magic) {
	case 0xa1b2c3d4u:
		m->big = true;
		break;
	case 0xd4c3b2a1u:
		m->big = false;
		break;
	case 0xa1b23c4du:
		m->big = true;
		m->nsec = true;
		break;
	case 0x4d3cb2a1u:
		m->big = false;
		m->nsec = true;
		break;
	default:
		/* Kuznetzov's patched records (a1b2cd34) and anything else: libpcap's path. */
		return -ENOTSUP;
	}
	if (got < PCAP_HDR_LEN) {
		hk_errbuf_set(errbuf, errsz,
			      "%s: the pcap file header is cut short (%zu of %u bytes); the file is damaged",
			      m->name, got, PCAP_HDR_LEN);
		return -EINVAL;
	}
	major = rd16(&c, m->big);
	minor = rd16(&c, m->big);
	hk_cur_skip(&c, 8); /* thiszone, sigfigs: unused, as libpcap */
	snaplen = rd32(&c, m->big);
	lt = rd32(&c, m->big);
	if (major < 2) {
		hk_errbuf_set(errbuf, errsz,
			      "%s: cannot read it as pcap: archaic pcap format version %u.%u; "
			      "convert it with editcap -F pcap",
			      m->name, major, minor);
		return -EINVAL;
	}
	/* 2.0 to 2.4, and DG/UX tcpdump's 543.0 */
	if (!((major == 2 && minor <= 4) || (major == 543 && minor == 0))) {
		hk_errbuf_set(errbuf, errsz,
			      "%s: cannot read it as pcap: unsupported pcap format version %u.%u; "
			      "convert it with editcap -F pcap",
			      m->name, major, minor);
		return -EINVAL;
	}
	/* Before 2.3 caplen and len were the other way round; some 2.3 writers
	 * kept the old order, which libpcap guesses per record. */
	if (major == 543 || minor < 3)
		m->lens = LENS_SWAP;
	else if (minor == 3)
		m->lens = LENS_MAYBE;
	else
		m->lens = LENS_KEEP;
	/* The top 6 bits of the link type carry FCS information libpcap keeps
	 * aside; the frames are not affected. */
	m->linktype = linktype_to_dlt(lt & 0x03ffffffu);
	m->snapshot = adjust_snapshot(m->linktype, snaplen);
	m->caplen_max = max_snaplen_for_dlt(m->linktype);
	if (needs_rewrite(m->linktype, m->big != HOST_BIG))
		return -ENOTSUP;
	m->format = "pcap";
	m->start = PCAP_HDR_LEN;
	return 0;
}

/* Why a block or record is refused, for messages; the caller says where. */
struct why {
	char s[256];
};

static void why_set(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_set(struct why *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->s, sizeof(w->s), fmt, ap);
	va_end(ap);
}

/*
 * Reads the IDB options that matter (if_tsresol, if_tsoffset) from the body
 * after the fixed part into f. false with *why on a refusal libpcap makes:
 * an option cut short, a repeated or mis-sized one, a resolution that does
 * not fit 64 bits. opt_endofopt ends the list, whatever follows.
 */
static bool idb_options(struct hk_cur *b, bool big, struct cap_map_iface *f, struct why *why)
{
	bool saw_resol = false, saw_offset = false;

	f->tsresol = USEC_PER_SEC;
	f->binary = false;
	f->tsoffset = 0;
	while (hk_cur_left(b)) {
		uint16_t code, len;
		size_t padded;
		struct hk_cur v;

		if (!hk_cur_has(b, 4)) {
			why_set(why, "an interface description block's option list is cut short");
			return false;
		}
		code = rd16(b, big);
		len = rd16(b, big);
		padded = ((size_t)len + 3u) & ~(size_t)3u;
		if (!hk_cur_has(b, padded)) {
			why_set(why, "an interface description block's option %u is longer (%u bytes) than the block",
				code, len);
			return false;
		}
		v = hk_cur_sub(b, padded);
		switch (code) {
		case NG_OPT_ENDOFOPT:
			if (len != 0) {
				why_set(why, "an interface description block has opt_endofopt with length %u, not 0",
					len);
				return false;
			}
			return true;
		case NG_IF_TSRESOL: {
			uint8_t r;

			if (len != 1) {
				why_set(why, "an interface description block has if_tsresol of length %u, not 1", len);
				return false;
			}
			if (saw_resol) {
				why_set(why, "an interface description block has if_tsresol twice");
				return false;
			}
			saw_resol = true;
			r = hk_cur_u8(&v);
			if (r & 0x80u) {
				unsigned shift = r & 0x7fu;

				if (shift > 63) {
					why_set(why, "an interface's timestamp resolution 2^-%u does not fit 64 bits",
						shift);
					return false;
				}
				f->binary = true;
				f->tsresol = (uint64_t)1 << shift;
			} else {
				if (r > 19) {
					why_set(why, "an interface's timestamp resolution 10^-%u does not fit 64 bits",
						r);
					return false;
				}
				f->binary = false;
				f->tsresol = 1;
				for (unsigned i = 0; i < r; i++)
					f->tsresol *= 10u;
			}
			break;
		}
		case NG_IF_TSOFFSET:
			if (len != 8) {
				why_set(why, "an interface description block has if_tsoffset of length %u, not 8", len);
				return false;
			}
			if (saw_offset) {
				why_set(why, "an interface description block has if_tsoffset twice");
				return false;
			}
			saw_offset = true;
			f->tsoffset = (int64_t)rd64(&v, big);
			break;
		default:
			break;
		}
	}
	return true;
}

/*
 * The common part of every block at c: type, total length, the body (as a
 * child cursor, without the trailer), with libpcap's checks in its order.
 * Returns CAP_FRAME for a block (c moved past it), CAP_EOF at the clean end,
 * CAP_ETRUNCATED or CAP_EERROR with *why.
 */
static enum cap_next_result ng_block(struct hk_cur *c, bool big, uint64_t block_max, bool check_trailer,
				     uint32_t *ret_type, struct hk_cur *ret_body, struct why *why)
{
	size_t left = hk_cur_left(c);
	uint32_t type, len, trailer;

	if (left == 0)
		return CAP_EOF;
	if (left < 8) {
		why_set(why, "a block header is cut short (%zu of 8 bytes)", left);
		return CAP_ETRUNCATED;
	}
	type = rd32(c, big);
	len = rd32(c, big);
	if (len < NG_BLOCK_MIN) {
		why_set(why, "a block of type 0x%x says it is %u bytes long, less than the %u of an empty block", type,
			len, NG_BLOCK_MIN);
		return CAP_EERROR;
	}
	if (len % 4u) {
		why_set(why, "a block of type 0x%x says it is %u bytes long, not a multiple of 4", type, len);
		return CAP_EERROR;
	}
	if (len > block_max) {
		why_set(why, "a block of type 0x%x says it is %u bytes long, more than the %llu libpcap accepts", type,
			len, (unsigned long long)block_max);
		return CAP_EERROR;
	}
	if (len - 8u > hk_cur_left(c)) {
		why_set(why, "a block of type 0x%x of %u bytes has only %zu", type, len, left);
		return CAP_ETRUNCATED;
	}
	*ret_body = hk_cur_sub(c, len - 12u);
	trailer = rd32(c, big);
	if (check_trailer && trailer != len) {
		why_set(why, "a block of type 0x%x has the length %u at its start and %u at its end", type, len,
			trailer);
		return CAP_EERROR;
	}
	*ret_type = type;
	return CAP_FRAME;
}

static int open_pcapng(struct cap_map *m, struct cap_map_it *it, char *errbuf, size_t errsz)
{
	struct hk_cur c, shb;
	uint32_t len, bom;
	uint16_t major, minor;
	uint64_t at;
	size_t got;
	struct why why = {""};
	int e = open_read(it, 0, 12, &c, errbuf, errsz);

	if (e < 0)
		return e;
	hk_cur_skip(&c, 4);
	len = hk_cur_le32(&c);
	bom = hk_cur_le32(&c);
	if (!hk_cur_ok(&c))
		return -ENOTSUP; /* too short to tell: libpcap says "unknown file format" */
	/* Read as little-endian: the magic says which order the file is in. */
	if (bom == NG_BOM)
		m->big = false;
	else if (bom == NG_BOM_SWAPPED)
		m->big = true;
	else
		return -ENOTSUP; /* libpcap: "unknown file format" */
	if (m->big)
		len = __builtin_bswap32(len);
	if (len < NG_SHB_MIN || len > NG_SHB_MAX) {
		hk_errbuf_set(errbuf, errsz,
			      "%s: cannot read it as pcapng: its section header block says it is %u bytes long, "
			      "outside %u..%u; the file may be corrupt",
			      m->name, len, NG_SHB_MIN, NG_SHB_MAX);
		return -EINVAL;
	}
	e = open_read(it, 0, len, &c, errbuf, errsz);
	if (e < 0)
		return e;
	got = hk_cur_left(&c); /* all of the block, or all the file has */
	if (len > got) {
		hk_errbuf_set(errbuf, errsz,
			      "%s: the pcapng file header is cut short (section header block of %u bytes, file of "
			      "%zu); the file is damaged",
			      m->name, len, got);
		return -EINVAL;
	}
	/* libpcap checks neither the first block's trailer nor that its length
	 * is a multiple of 4; the next block starts where the length says. */
	hk_cur_skip(&c, 12);
	shb = hk_cur_sub(&c, len - 12u);
	major = rd16(&shb, m->big);
	minor = rd16(&shb, m->big);
	if (!(major == 1 && (minor == 0 || minor == 2))) {
		hk_errbuf_set(errbuf, errsz,
			      "%s: cannot read it as pcapng: unsupported pcapng version %u.%u; "
			      "convert it with editcap -F pcapng",
			      m->name, major, minor);
		return -EINVAL;
	}
	/* Up to the first interface description block, as libpcap does at open:
	 * other blocks are skipped (a second SHB too), a packet is refused. Each
	 * is read whole, however far into the file, up to the 16 MiB libpcap
	 * allows a block before the first IDB (the window grows to it). */
	for (at = len;; at += c.off) {
		uint32_t type;
		struct hk_cur body;
		enum cap_next_result r;

		e = block_window(it, at, m->big, NG_BLOCK_MAX_INITIAL, &c);
		if (e < 0)
			return open_read_fail(m, at, e, errbuf, errsz);
		r = ng_block(&c, m->big, NG_BLOCK_MAX_INITIAL, true, &type, &body, &why);
		if (r == CAP_EOF) {
			hk_errbuf_set(errbuf, errsz,
				      "%s: cannot read it as pcapng: the file has no interface description block, so "
				      "no packets",
				      m->name);
			return -EINVAL;
		}
		if (r == CAP_ETRUNCATED) {
			hk_errbuf_set(errbuf, errsz,
				      "%s: the pcapng file header is cut short (%s, at byte %llu); the file is damaged",
				      m->name, why.s, (unsigned long long)at);
			return -EINVAL;
		}
		if (r == CAP_EERROR) {
			hk_errbuf_set(errbuf, errsz, "%s: cannot read it as pcapng: %s at byte %llu; the file may be corrupt",
				      m->name, why.s, (unsigned long long)at);
			return -EINVAL;
		}
		if (type == NG_BT_EPB || type == NG_BT_SPB || type == NG_BT_PB) {
			hk_errbuf_set(errbuf, errsz,
				      "%s: cannot read it as pcapng: a packet block at byte %llu comes before any "
				      "interface description block; the file may be corrupt",
				      m->name, (unsigned long long)at);
			return -EINVAL;
		}
		if (type != NG_BT_IDB)
			continue;
		if (!hk_cur_has(&body, 8)) {
			hk_errbuf_set(errbuf, errsz,
				      "%s: cannot read it as pcapng: the interface description block at byte %llu is too "
				      "short; the file may be corrupt",
				      m->name, (unsigned long long)at);
			return -EINVAL;
		}
		m->iface0.linktype = rd16(&body, m->big);
		hk_cur_skip(&body, 2);
		m->iface0.snaplen = rd32(&body, m->big);
		if (!idb_options(&body, m->big, &m->iface0, &why)) {
			hk_errbuf_set(errbuf, errsz, "%s: cannot read it as pcapng: %s at byte %llu; the file may be corrupt",
				      m->name, why.s, (unsigned long long)at);
			return -EINVAL;
		}
		break;
	}
	m->linktype = linktype_to_dlt((uint32_t)m->iface0.linktype);
	m->snapshot = adjust_snapshot(m->linktype, m->iface0.snaplen);
	/* An EPB with a frame of the link type's largest size and 128 KiB of
	 * options, if that is more than the initial 16 MiB. */
	m->block_max = 8u + 20u + (uint64_t)max_snaplen_for_dlt(m->linktype) + 131072u + 4u;
	if (m->block_max < NG_BLOCK_MAX_INITIAL)
		m->block_max = NG_BLOCK_MAX_INITIAL;
	if (needs_rewrite(m->linktype, m->big != HOST_BIG))
		return -ENOTSUP;
	m->format = "pcapng";
	m->start = at + c.off;
	return 0;
}

/* The header checks of m (its fd or base, window and name set), read
 * through a window of their own that is gone when this returns. */
static int map_parse(struct cap_map *m, char *errbuf, size_t errsz)
{
	struct cap_map_it *it = malloc(sizeof(*it)); /* ~9 KiB of interfaces: not on the stack */
	struct hk_cur c;
	uint32_t magic;
	int r;

	if (!it) {
		hk_errbuf_set(errbuf, errsz, "%s: out of memory", m->name);
		return -ENOMEM;
	}
	cap_map_it_init(it, m); /* only its window is used: m is not parsed yet */
	r = open_read(it, 0, 4, &c, errbuf, errsz);
	if (r == 0) {
		magic = hk_cur_be32(&c);
		if (!hk_cur_ok(&c)) {
			r = -ENOTSUP; /* capture.c explains a file too short to be a capture */
		} else if (magic == NG_BT_SHB) {
			m->ng = true;
			r = open_pcapng(m, it, errbuf, errsz);
		} else {
			r = open_pcap(m, it, errbuf, errsz);
		}
	}
	cap_map_it_release(it);
	free(it);
	return r;
}

static struct cap_map *map_new(const char *name)
{
	struct cap_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->fd = -1;
	m->name = strdup(name ? name : "capture");
	if (!m->name) {
		free(m);
		return NULL;
	}
	return m;
}

int cap_map_open_mem(const uint8_t *p, size_t len, const char *name, struct cap_map **ret, char *errbuf,
		     size_t errsz)
{
	return cap_map_open_mem_window(p, len, name, 0, ret, errbuf, errsz);
}

int cap_map_open_mem_window(const uint8_t *p, size_t len, const char *name, size_t window, struct cap_map **ret,
			    char *errbuf, size_t errsz)
{
	struct cap_map *m;
	int r;

	hk_errbuf_set(errbuf, errsz, "%s", "");
	if (len == 0)
		return -ENOTSUP;
	m = map_new(name);
	if (!m) {
		hk_errbuf_set(errbuf, errsz, "%s: out of memory", name ? name : "capture");
		return -ENOMEM;
	}
	m->base = p;
	m->size = len;
	m->fd = -1;
	m->window = window;
	r = map_parse(m, errbuf, errsz);
	if (r < 0) {
		cap_map_close(m);
		return r;
	}
	*ret = m;
	return 0;
}

int cap_map_open_fd(int fd, const char *name, struct cap_map **ret, char *errbuf, size_t errsz)
{
	struct cap_map *m = NULL;
	struct stat st;
	int r;

	hk_errbuf_set(errbuf, errsz, "%s", "");
	if (!name || !*name)
		name = "capture";
	if (fstat(fd, &st) < 0) {
		r = -errno;
		hk_errbuf_set(errbuf, errsz, "%s: cannot read: %s", name, strerror(-r));
		return r;
	}
	/* Pipes, devices, directories and empty files are libpcap's (capture.c
	 * explains the impossible ones). */
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return -ENOTSUP;
	m = map_new(name);
	if (!m) {
		hk_errbuf_set(errbuf, errsz, "%s: out of memory", name);
		return -ENOMEM;
	}
	m->size = (uint64_t)st.st_size;
	m->window = CAP_MAP_WINDOW;
	/* Our own descriptor of the caller's open file (the same file, not the
	 * path opened again): the caller keeps and closes its own, and may hand
	 * it to libpcap after -ENOTSUP, at the offset it had, since this reader
	 * only ever reads with pread(2). */
	m->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (m->fd < 0) {
		r = -errno;
		hk_errbuf_set(errbuf, errsz, "%s: cannot read: %s", name, strerror(-r));
		cap_map_close(m);
		return r;
	}
	r = map_parse(m, errbuf, errsz);
	if (r < 0) {
		cap_map_close(m);
		return r;
	}
	(void)posix_fadvise(m->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	*ret = m;
	return 0;
}

int cap_map_open(const char *path, struct cap_map **ret, char *errbuf, size_t errsz)
{
	int fd, r;

	hk_errbuf_set(errbuf, errsz, "%s", "");
	if (!path || !*path || strcmp(path, "-") == 0)
		return -ENOTSUP;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			hk_errbuf_set(errbuf, errsz, "%s: no such file", path);
		else if (r == -EACCES || r == -EPERM)
			hk_errbuf_set(errbuf, errsz, "%s: permission denied; make the file readable for this user",
				      path);
		else
			hk_errbuf_set(errbuf, errsz, "%s: cannot read: %s", path, strerror(-r));
		return r;
	}
	r = cap_map_open_fd(fd, path, ret, errbuf, errsz);
	close(fd); /* the map has its own */
	return r;
}

struct cap_map *cap_map_close(struct cap_map *m)
{
	if (!m)
		return NULL;
	if (m->fd >= 0)
		close(m->fd);
	free(m->name);
	free(m);
	return NULL;
}

const char *cap_map_format(const struct cap_map *m)
{
	return m->format;
}

int cap_map_linktype(const struct cap_map *m)
{
	return m->linktype;
}

uint64_t cap_map_size(const struct cap_map *m)
{
	return m->size;
}

const char *cap_map_name(const struct cap_map *m)
{
	return m->name;
}

/* ---- walking ------------------------------------------------------------- */

void cap_map_it_init(struct cap_map_it *it, const struct cap_map *m)
{
	it->m = m;
	it->off = m->start;
	it->win = NULL;
	it->win_cap = 0;
	it->win_off = 0;
	it->win_len = 0;
	it->n_reads = 0;
	it->big = m->big;
	it->swapped = m->big != HOST_BIG;
	it->linktype = m->linktype;
	it->snaplen = m->snapshot;
	it->nsec = m->nsec;
	it->n_frames = 0;
	it->n_ifaces = 0;
	if (m->ng) {
		/* libpcap's walk goes on after the first IDB, which it took at open
		 * without comparing it with itself (with LINKTYPE_RAW, 101, a second
		 * IDB of the same type is refused: 101 is not DLT_RAW, 12). */
		it->ifaces[0] = m->iface0;
		it->n_ifaces = 1;
	}
	it->state = CAP_FRAME;
	it->err[0] = '\0';
}

/*
 * Ends the walk with r and a message: what is wrong, where (the byte
 * offset) and, for a refusal, what to do. The file's name and the frames
 * read so far are the caller's to add (capture.c: "NAME: stopped after N
 * frames: ..."), as cap_next does for libpcap's messages.
 */
static enum cap_next_result it_fail(struct cap_map_it *it, enum cap_next_result r, uint64_t at, const char *what,
				    const char *todo)
{
	if (r == CAP_ETRUNCATED)
		snprintf(it->err, sizeof(it->err), "%s, at byte %llu", what, (unsigned long long)at);
	else
		snprintf(it->err, sizeof(it->err), "%s, at byte %llu; %s", what, (unsigned long long)at, todo);
	it->state = r;
	return r;
}

#define TODO_CORRUPT "the file may be corrupt (the frames before this point were read)"

void cap_map_it_release(struct cap_map_it *it)
{
	free(it->win);
	it->win = NULL;
	it->win_cap = 0;
	it->win_len = 0;
}

/*
 * A cursor over the file from off, holding at least min(need, what the
 * file has from off) bytes (it may hold more): over memory in place; over
 * a file in the iterator's window, read (again) when the bytes asked for
 * are not all in it, the part of them it holds kept. Its offsets count from
 * off. 0, or a negative errno (no memory for a bigger window, a read
 * error); a file that shrank since it was opened gives fewer bytes, and the
 * caller sees a record cut short.
 */
static int it_window(struct cap_map_it *it, uint64_t off, uint64_t need, struct hk_cur *ret)
{
	const struct cap_map *m = it->m;
	size_t keep = 0;

	if (m->window == 0) {
		struct hk_cur all = cur_at(m, off);

		*ret = hk_cur_rest(&all); /* its offsets count from off, as a window's */
		return 0;
	}
	/* memory has its size; a file is read to where pread(2) ends, as
	 * libpcap's fread does: a capture still being written is read as far as
	 * it has got when the walk gets there, not as far as it had at open */
	if (m->fd < 0 && need > m->size - off)
		need = m->size - off;
	if (off < it->win_off || off + need > it->win_off + it->win_len) {
		size_t want = need > m->window ? (size_t)need : m->window;

		if (off >= it->win_off && off < it->win_off + it->win_len) {
			/* the part of the window from off stays, moved to its start */
			struct hk_cur w = hk_cur_init(it->win, it->win_len);

			hk_cur_skip(&w, (size_t)(off - it->win_off));
			keep = hk_cur_left(&w);
			memmove(it->win, hk_cur_view(&w, keep), keep);
		}
		if (keep > want)
			want = keep;
		if (want > it->win_cap) {
			uint8_t *w = realloc(it->win, want);

			if (!w)
				return -ENOMEM;
			it->win = w;
			it->win_cap = want;
		} else if (it->win_cap > m->window && want < it->win_cap) {
			/* back to the usual size after a block bigger than it */
			uint8_t *w = realloc(it->win, want);

			if (w) {
				it->win = w;
				it->win_cap = want;
			}
		}
		it->win_off = off;
		it->win_len = keep;
		while (it->win_len < need) {
			size_t n = it->win_cap - it->win_len;
			ssize_t r;

			it->n_reads++;
			if (m->fd < 0) {
				/* memory read as a file would be (tests, fuzzing) */
				uint64_t left = m->size - off - it->win_len;
				struct hk_cur src = cur_at(m, off + it->win_len);

				if (n > left)
					n = (size_t)left;
				(void)hk_cur_copy(&src, it->win + it->win_len, n);
				it->win_len += n;
				continue;
			}
			r = pread(m->fd, it->win + it->win_len, n, (off_t)(off + it->win_len));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -errno;
			if (r == 0)
				break; /* the end of the file (it may have shrunk since it was opened) */
			it->win_len += (size_t)r;
		}
	}
	{
		struct hk_cur w = hk_cur_init(it->win, it->win_len);

		hk_cur_skip(&w, (size_t)(off - it->win_off)); /* win_off <= off <= win_off + win_len here */
		*ret = hk_cur_rest(&w);
	}
	return 0;
}

/*
 * A cursor over the pcapng block at at (byte order big): its header, and
 * the whole block when it claims no more than block_max (one that claims
 * more is refused on its header alone, as libpcap refuses it before it
 * reads on); what the file has of it when the file ends sooner. Returns as
 * it_window. The walk uses it with the map's block_max, the header checks
 * with libpcap's 16 MiB before the first IDB.
 */
static int block_window(struct cap_map_it *it, uint64_t at, bool big, uint64_t block_max, struct hk_cur *ret)
{
	int e = it_window(it, at, 8, ret);

	if (e == 0 && hk_cur_left(ret) >= 8) {
		struct hk_cur h = *ret;
		uint32_t blen;

		hk_cur_skip(&h, 4);
		blen = rd32(&h, big);
		if (blen > hk_cur_left(ret) && blen <= block_max)
			e = it_window(it, at, blen, ret);
	}
	return e;
}

/* it_window's failure as the walk's end */
static enum cap_next_result it_read_fail(struct cap_map_it *it, uint64_t at, int err)
{
	struct why why;

	if (err == -ENOMEM) {
		why_set(&why, "out of memory for a read window of %zu bytes", it->win_cap);
		return it_fail(it, CAP_EERROR, at, why.s, "free memory, or read it with --libpcap");
	}
	why_set(&why, "cannot read it: %s", strerror(-err));
	return it_fail(it, CAP_EERROR, at, why.s, "check the file and the disk it is on");
}

static enum cap_next_result pcap_next_rec(struct cap_map_it *it, struct cap_frame *fr)
{
	const struct cap_map *m = it->m;
	struct hk_cur c;
	size_t left;
	uint32_t sec, frac, caplen, len, keep;
	int64_t secs, usec;
	struct why why;
	int e = it_window(it, it->off, PCAP_REC_LEN, &c);

	if (e < 0)
		return it_read_fail(it, it->off, e);
	left = hk_cur_left(&c);
	if (left < PCAP_REC_LEN) {
		if (left == 0) {
			it->state = CAP_EOF;
			return CAP_EOF;
		}
		why_set(&why, "a record header is cut short (%zu of %u bytes)", left, PCAP_REC_LEN);
		return it_fail(it, CAP_ETRUNCATED, it->off, why.s, "");
	}
	sec = rd32(&c, it->big);
	frac = rd32(&c, it->big);
	caplen = rd32(&c, it->big);
	len = rd32(&c, it->big);
	if (m->lens == LENS_SWAP || (m->lens == LENS_MAYBE && caplen > len)) {
		uint32_t t = caplen;

		caplen = len;
		len = t;
	}
	if (caplen > m->caplen_max) {
		if (caplen > m->snapshot)
			why_set(&why, "a record says it holds %u captured bytes, more than the file's snapshot length %u",
				caplen, m->snapshot);
		else
			why_set(&why, "a record says it holds %u captured bytes, more than the %u libpcap accepts",
				caplen, m->caplen_max);
		return it_fail(it, CAP_EERROR, it->off, why.s, TODO_CORRUPT);
	}
	if (caplen > hk_cur_left(&c)) {
		/* the rest of the record, if the file has it */
		e = it_window(it, it->off, (uint64_t)PCAP_REC_LEN + caplen, &c);
		if (e < 0)
			return it_read_fail(it, it->off, e);
		hk_cur_skip(&c, PCAP_REC_LEN);
	}
	if (caplen > hk_cur_left(&c)) {
		why_set(&why, "a record of %u captured bytes has only %zu", caplen, hk_cur_left(&c));
		return it_fail(it, CAP_ETRUNCATED, it->off, why.s, "");
	}
	/* A record longer than the snapshot length (old Solaris writers, or a
	 * damaged file): libpcap hands out its first snapshot-length bytes and
	 * skips the rest. */
	keep = caplen > m->snapshot ? m->snapshot : caplen;
	fr->data = hk_cur_view(&c, keep);
	hk_cur_skip(&c, caplen - keep);
	/* libpcap reads the timestamp fields as signed 32-bit numbers, but
	 * byte-swaps them as unsigned ones: a value with the top bit set (a
	 * second after 2038, or garbage) is negative in a file of the host's
	 * byte order and positive in the other. The nanoseconds of a nanosecond
	 * file are divided (towards zero) to microseconds. */
	if (it->swapped) {
		secs = sec;
		usec = frac;
	} else {
		secs = (int64_t)(int32_t)sec;
		usec = (int32_t)frac;
	}
	if (m->nsec)
		usec /= 1000;
	fr->ts_usec = (uint64_t)secs * USEC_PER_SEC + (uint64_t)usec;
	fr->caplen = keep;
	fr->wirelen = len;
	fr->linktype = m->linktype;
	it->off += c.off;
	it->n_frames++;
	return CAP_FRAME;
}

/* libpcap's conversion of a pcapng timestamp to seconds and microseconds. */
static inline uint64_t ng_ts_usec(const struct cap_map_iface *f, uint64_t t)
{
	uint64_t sec, frac;

	if (f->tsresol == USEC_PER_SEC) { /* the common case, with a constant divisor */
		sec = t / USEC_PER_SEC;
		frac = t % USEC_PER_SEC;
	} else if (f->tsresol == 1000000000u && !f->binary) {
		sec = t / 1000000000u;
		frac = t % 1000000000u / 1000u;
	} else {
		sec = t / f->tsresol;
		frac = t % f->tsresol;
		if (f->binary)
			frac = frac * USEC_PER_SEC / f->tsresol; /* may wrap, as libpcap's does */
		else if (f->tsresol > USEC_PER_SEC)
			frac /= f->tsresol / USEC_PER_SEC;
		else
			frac *= USEC_PER_SEC / f->tsresol;
	}
	sec += (uint64_t)f->tsoffset;
	/* libpcap stores the fraction in an int */
	return sec * USEC_PER_SEC + (uint64_t)(int64_t)(int32_t)frac;
}

static enum cap_next_result ng_next(struct cap_map_it *it, struct cap_frame *fr)
{
	const struct cap_map *m = it->m;
	struct why why;

	for (;;) {
		uint32_t type, ifid, caplen, len;
		uint64_t t, at = it->off;
		struct hk_cur c, body;
		enum cap_next_result r;
		int e = block_window(it, at, it->big, m->block_max, &c);

		if (e < 0)
			return it_read_fail(it, at, e);
		r = ng_block(&c, it->big, m->block_max, true, &type, &body, &why);

		if (r == CAP_EOF) {
			it->off = at;
			it->state = CAP_EOF;
			return CAP_EOF;
		}
		if (r != CAP_FRAME)
			return it_fail(it, r, at, why.s, TODO_CORRUPT);
		switch (type) {
		case NG_BT_EPB:
			if (!hk_cur_has(&body, 20))
				goto short_block;
			ifid = rd32(&body, it->big);
			t = (uint64_t)rd32(&body, it->big) << 32;
			t |= rd32(&body, it->big);
			caplen = rd32(&body, it->big);
			len = rd32(&body, it->big);
			break;
		case NG_BT_SPB:
			if (!hk_cur_has(&body, 4))
				goto short_block;
			ifid = 0;
			len = rd32(&body, it->big);
			/* libpcap: the captured length is the packet's, cut to the
			 * snapshot length; not to the block, which may then be too short. */
			caplen = len > m->snapshot ? m->snapshot : len;
			t = 0;
			break;
		case NG_BT_PB:
			if (!hk_cur_has(&body, 20))
				goto short_block;
			ifid = rd16(&body, it->big);
			hk_cur_skip(&body, 2); /* drops count */
			t = (uint64_t)rd32(&body, it->big) << 32;
			t |= rd32(&body, it->big);
			caplen = rd32(&body, it->big);
			len = rd32(&body, it->big);
			break;
		case NG_BT_IDB: {
			uint32_t lt, snaplen;

			if (!hk_cur_has(&body, 8))
				goto short_block;
			lt = rd16(&body, it->big);
			hk_cur_skip(&body, 2);
			snaplen = rd32(&body, it->big);
			/* libpcap 1.10 gives one link type per file, and compares the
			 * first interface's DLT_ value with this one's LINKTYPE_ value. */
			if ((int)lt != m->linktype) {
				why_set(&why,
					"its interfaces have different link types (interface %u of this section has "
					"link type %u, the file's first interface %d)",
					it->n_ifaces, lt, m->linktype);
				return it_fail(it, CAP_EERROR, at, why.s,
					       "libpcap reads only one at a time; split it per interface "
					       "(tshark -r FILE -Y frame.interface_id==N -w PART.pcapng)");
			}
			if (adjust_snapshot(m->linktype, snaplen) != m->snapshot) {
				why_set(&why,
					"its interfaces have different snapshot lengths (interface %u of this section "
					"has %u, the file's first interface %u)",
					it->n_ifaces, snaplen, m->snapshot);
				return it_fail(it, CAP_EERROR, at, why.s,
					       "libpcap reads only one at a time; split it per interface "
					       "(tshark -r FILE -Y frame.interface_id==N -w PART.pcapng)");
			}
			if (it->n_ifaces >= CAP_MAP_IFACES_MAX) {
				why_set(&why, "a section has more than %u interfaces", CAP_MAP_IFACES_MAX);
				return it_fail(it, CAP_EERROR, at, why.s,
					       "this reader keeps at most that many; split the file per interface "
					       "(tshark -r FILE -Y frame.interface_id==N -w PART.pcapng)");
			}
			it->ifaces[it->n_ifaces].linktype = (int)lt;
			it->ifaces[it->n_ifaces].snaplen = snaplen;
			if (!idb_options(&body, it->big, &it->ifaces[it->n_ifaces], &why))
				return it_fail(it, CAP_EERROR, at, why.s, TODO_CORRUPT);
			it->n_ifaces++;
			goto skipped;
		}
		case NG_BT_SHB: {
			uint32_t bom;
			uint16_t major;

			if (!hk_cur_has(&body, 16))
				goto short_block;
			/* Read in the previous section's byte order: libpcap 1.10
			 * refuses a section whose order differs. */
			bom = rd32(&body, it->big);
			major = rd16(&body, it->big);
			if (bom == NG_BOM_SWAPPED) {
				why_set(&why, "a new section has the other byte order than the first");
				return it_fail(it, CAP_EERROR, at, why.s,
					       "libpcap reads one byte order per file; split it per section with "
					       "editcap, or re-save it with editcap -F pcapng");
			}
			if (bom != NG_BOM) {
				why_set(&why, "a section header block has a bad byte-order magic 0x%08x", bom);
				return it_fail(it, CAP_EERROR, at, why.s, TODO_CORRUPT);
			}
			if (major != 1) {
				why_set(&why, "a section has pcapng major version %u", major);
				return it_fail(it, CAP_EERROR, at, why.s,
					       "convert it with editcap -F pcapng");
			}
			it->n_ifaces = 0; /* a section has its own interfaces */
			goto skipped;
		}
		default:
			goto skipped; /* statistics, name resolution, custom, ...: not ours */
		}
		if (ifid >= it->n_ifaces) {
			why_set(&why, "a packet on interface %u, which has no interface description block", ifid);
			return it_fail(it, CAP_EERROR, at, why.s, TODO_CORRUPT);
		}
		if (caplen > m->snapshot) {
			why_set(&why, "a packet says it holds %u captured bytes, more than the snapshot length %u", caplen,
				m->snapshot);
			return it_fail(it, CAP_EERROR, at, why.s, TODO_CORRUPT);
		}
		fr->ts_usec = ng_ts_usec(&it->ifaces[ifid], t);
		fr->data = hk_cur_view(&body, caplen);
		if (!fr->data) {
			why_set(&why, "a packet block of type 0x%x says it holds %u captured bytes, more than the block",
				type, caplen);
			return it_fail(it, CAP_EERROR, at, why.s, TODO_CORRUPT);
		}
		fr->caplen = caplen;
		fr->wirelen = len;
		fr->linktype = m->linktype;
		it->off = at + c.off;
		it->n_frames++;
		return CAP_FRAME;

	short_block:
		why_set(&why, "a block of type 0x%x is too short for its fixed fields", type);
		return it_fail(it, CAP_EERROR, at, why.s, TODO_CORRUPT);
	skipped:
		it->off = at + c.off;
	}
}

enum cap_next_result cap_map_next(struct cap_map_it *it, struct cap_frame *fr)
{
	if (it->state != CAP_FRAME)
		return it->state;
	return it->m->ng ? ng_next(it, fr) : pcap_next_rec(it, fr);
}

const char *cap_map_it_error(const struct cap_map_it *it)
{
	return it->err;
}
