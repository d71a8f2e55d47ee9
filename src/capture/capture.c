/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capture files (pcap, pcapng, standard input): a regular file through
 * herkomst's own reader (pcapmap.c), which gives libpcap's frames with one
 * copy fewer; standard input, pipes, what that reader leaves to libpcap and
 * everything with CAP_OPEN_LIBPCAP through libpcap.
 *
 * We look at the first bytes ourselves before handing the stream to libpcap,
 * because libpcap's "unknown file format" does not tell a user what they
 * gave us or what to do instead. A non-seekable input (a pipe, standard
 * input) cannot be rewound after that look, so it is wrapped in a stdio
 * cookie stream that replays the sniffed bytes and then reads on; the same
 * wrapper counts bytes for progress, where ftell() cannot.
 *
 * libpcap 1.10 gives one link type per file. A pcapng file whose interfaces
 * have different link types is refused by libpcap when it reaches the second
 * interface block; that surfaces here as CAP_EERROR with a message saying how
 * to split the file, and every frame we do return carries the file's type.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/capture_int.h"
#include "herkomst/cursor.h"
#include "core/util.h"

#define CAP_STDIN_NAME "standard input"



static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
	struct cap_cookie *k = cookie;
	ssize_t r;

	if (k->head_off < k->head_len) {
		size_t n = k->head_len - k->head_off;

		if (n > size)
			n = size;
		memcpy(buf, &k->head[k->head_off], n);
		k->head_off += n;
		k->delivered += n;
		return (ssize_t)n;
	}
	do {
		r = read(k->fd, buf, size);
	} while (r < 0 && errno == EINTR);
	if (r > 0)
		k->delivered += (uint64_t)r;
	return r;
}

static int cookie_close(void *cookie)
{
	struct cap_cookie *k = cookie;
	int r = close(k->fd);

	free(k);
	return r;
}

/* Reads up to len bytes at the current position (a pipe may deliver less per read). */
static ssize_t read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, &buf[got], len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static const char *magic_format(const uint8_t *head, size_t len)
{
	struct hk_cur c = hk_cur_init(head, len);
	uint32_t v = hk_cur_be32(&c);

	if (!hk_cur_ok(&c))
		return NULL;
	switch (v) {
	case 0xa1b2c3d4: /* microseconds, either byte order */
	case 0xd4c3b2a1:
	case 0xa1b23c4d: /* nanoseconds */
	case 0x4d3cb2a1:
	case 0xa1b2cd34: /* Kuznetzov's patched format, still read by libpcap */
	case 0x34cdb2a1:
		return "pcap";
	case 0x0a0d0d0a: /* Section Header Block, the same in both byte orders */
		return "pcapng";
	default:
		return NULL;
	}
}

static void hexdump(const uint8_t *p, size_t len, char *out, size_t outsz)
{
	struct hk_cur c = hk_cur_init(p, len);
	size_t o = 0;

	out[0] = '\0';
	while (hk_cur_left(&c) && o + 4 <= outsz) {
		uint8_t b = hk_cur_u8(&c);

		o += (size_t)snprintf(&out[o], outsz - o, o ? " %02x" : "%02x", b);
	}
}

static bool magic_is_gzip(const uint8_t *head, size_t len)
{
	struct hk_cur c = hk_cur_init(head, len);

	return hk_cur_be16(&c) == 0x1f8b && hk_cur_ok(&c);
}

static void errno_message(const char *name, int e, char *errbuf, size_t errsz)
{
	switch (e) {
	case ENOENT:
		hk_errbuf_set(errbuf, errsz, "%s: no such file", name);
		break;
	case EACCES:
	case EPERM:
		hk_errbuf_set(errbuf, errsz,
			"%s: permission denied; make the file readable for this user", name);
		break;
	case EISDIR:
		hk_errbuf_set(errbuf, errsz, "%s is a directory, not a capture file", name);
		break;
	default:
		hk_errbuf_set(errbuf, errsz, "%s: cannot read: %s", name, strerror(e));
		break;
	}
}

/*
 * Checks the first bytes and explains a refusal. Returns the format name, or
 * NULL with errbuf filled.
 */
static const char *check_head(const char *name, const uint8_t *head, size_t len,
			      char *errbuf, size_t errsz)
{
	const char *fmt = magic_format(head, len);
	char hex[3 * CAP_SNIFF_LEN + 1];

	if (fmt)
		return fmt;
	if (len == 0) {
		hk_errbuf_set(errbuf, errsz, "%s is empty (0 bytes); there is no capture to read", name);
		return NULL;
	}
	hexdump(head, len, hex, sizeof(hex));
	if (len < 4)
		hk_errbuf_set(errbuf, errsz,
			"%s is not a pcap or pcapng file (only %zu bytes long: %s)", name, len,
			hex);
	else if (magic_is_gzip(head, len))
		hk_errbuf_set(errbuf, errsz,
			"%s is not a pcap or pcapng file (starts with bytes %s, a gzip header); "
			"decompress it first",
			name, hex);
	else
		hk_errbuf_set(errbuf, errsz,
			"%s is not a pcap or pcapng file (starts with bytes %s); "
			"export it from Wireshark as pcap/pcapng",
			name, hex);
	return NULL;
}

/* A stream that first replays the sniffed bytes; takes fd on success. */
static FILE *open_replay_stream(int fd, const uint8_t *head, size_t len,
				struct cap_cookie **ret_cookie)
{
	static const cookie_io_functions_t io = {
		.read = cookie_read, .write = NULL, .seek = NULL, .close = cookie_close};
	struct cap_cookie *k = calloc(1, sizeof(*k));
	FILE *fp;

	if (!k)
		return NULL;
	k->fd = fd;
	memcpy(k->head, head, len);
	k->head_len = len;
	fp = fopencookie(k, "rb", io);
	if (!fp) {
		free(k);
		return NULL;
	}
	*ret_cookie = k;
	return fp;
}

struct cap_source *cap_open_file(const char *path, char *errbuf, size_t errsz)
{
	return cap_open_file_flags(path, 0, errbuf, errsz);
}

/* A regular file through herkomst's reader, from the descriptor opened
 * once in cap_open_file_flags (the reader keeps a duplicate; fd stays ours
 * and its offset where it was, for libpcap after a 0): 1 (s set up), 0
 * (leave it to libpcap), -1 (a message in errbuf). */
static int open_own(struct cap_source *s, int fd, char *errbuf, size_t errsz)
{
	int rc = cap_map_open_fd(fd, s->name, &s->map, errbuf, errsz);

	if (rc == -ENOTSUP) {
		hk_errbuf_set(errbuf, errsz, "%s", "");
		return 0;
	}
	if (rc < 0)
		return -1;
	s->it = malloc(sizeof(*s->it));
	if (!s->it) {
		s->map = cap_map_close(s->map);
		hk_errbuf_set(errbuf, errsz, "%s: out of memory", s->name);
		return -1;
	}
	cap_map_it_init(s->it, s->map);
	s->format = cap_map_format(s->map);
	s->linktype = cap_map_linktype(s->map);
	s->state = CAP_FRAME;
	return 1;
}

struct cap_source *cap_open_file_flags(const char *path, unsigned flags, char *errbuf, size_t errsz)
{
	struct cap_source *s = NULL;
	struct cap_cookie *cookie = NULL;
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	uint8_t head[CAP_SNIFF_LEN];
	const char *name, *format;
	struct stat st;
	bool is_stdin;
	ssize_t n_head;
	FILE *fp = NULL;
	int fd = -1;

	hk_errbuf_set(errbuf, errsz, "%s", "");
	if (!path || !*path) {
		hk_errbuf_set(errbuf, errsz, "no capture file given");
		return NULL;
	}
	is_stdin = strcmp(path, "-") == 0;
	name = is_stdin ? CAP_STDIN_NAME : path;

	if (is_stdin) {
		if (isatty(STDIN_FILENO)) {
			hk_errbuf_set(errbuf, errsz,
				"%s is a terminal; pipe a capture into it (tcpdump -w - | ...)",
				name);
			return NULL;
		}
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		errno_message(name, errno, errbuf, errsz);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		errno_message(name, errno, errbuf, errsz);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		errno_message(name, EISDIR, errbuf, errsz);
		goto fail;
	}

	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name))) {
		hk_errbuf_set(errbuf, errsz, "%s: out of memory", name);
		goto fail;
	}
	s->bytes_total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;

	if (S_ISREG(st.st_mode) && !is_stdin) {
		/* pread leaves the offset at 0 for libpcap. */
		do {
			n_head = pread(fd, head, sizeof(head), 0);
		} while (n_head < 0 && errno == EINTR);
		if (n_head < 0)
			n_head = -errno;
	} else {
		n_head = read_full(fd, head, sizeof(head));
	}
	if (n_head < 0) {
		errno_message(name, (int)-n_head, errbuf, errsz);
		goto fail;
	}
	format = check_head(name, head, (size_t)n_head, errbuf, errsz);
	if (!format)
		goto fail;
	if (S_ISREG(st.st_mode) && !is_stdin && !(flags & CAP_OPEN_LIBPCAP)) {
		int m = open_own(s, fd, errbuf, errsz);

		if (m < 0)
			goto fail;
		if (m > 0) {
			close(fd); /* the reader has its own duplicate */
			return s;
		}
	}

	if (S_ISREG(st.st_mode) && !is_stdin) {
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		fp = fdopen(fd, "rb");
	} else
		fp = open_replay_stream(fd, head, (size_t)n_head, &cookie);
	if (!fp) {
		errno_message(name, errno ? errno : ENOMEM, errbuf, errsz);
		goto fail;
	}
	fd = -1; /* the FILE owns it now */
	/* stdio's default buffer is the file system's block (4 KiB): a read(2)
	 * every few frames. A large one makes the syscalls rare (72,200 -> 492
	 * on a 300 MB file, docs/performance.md). glibc ignores the size unless
	 * it is given the buffer; without memory the default stays. */
	s->iobuf = malloc(CAP_FILE_BUFFER);
	if (s->iobuf && setvbuf(fp, s->iobuf, _IOFBF, CAP_FILE_BUFFER) != 0) {
		free(s->iobuf);
		s->iobuf = NULL;
	}
	/* Only the thread that reads the source touches this FILE, but once the
	 * process has threads glibc locks it around each of libpcap's two freads
	 * per frame; the caller-locks mode leaves that out. */
	(void)__fsetlocking(fp, FSETLOCKING_BYCALLER);

	s->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO,
							   pcap_err);
	if (!s->pcap) {
		if (strncmp(pcap_err, "truncated", 9) == 0)
			hk_errbuf_set(errbuf, errsz,
				"%s: the %s file header is cut short (%s); the file is damaged",
				name, format, pcap_err);
		else
			hk_errbuf_set(errbuf, errsz, "%s: cannot read it as %s: %s", name, format,
				pcap_err);
		goto fail;
	}
	s->cookie = cookie;
	s->format = format;
	s->linktype = pcap_datalink(s->pcap);
	s->state = CAP_FRAME;
	return s;

fail:
	if (fp)
		fclose(fp); /* closes fd, and frees the cookie when there is one */
	else if (fd >= 0)
		close(fd);
	if (s) {
		free(s->iobuf); /* after the FILE that used it */
		free(s->name);
	}
	free(s);
	return NULL;
}

/* cap_next's end of a file cut short or refused, whichever reader read it:
 * detail is the reader's own words */
static enum cap_next_result walk_end(struct cap_source *s, enum cap_next_result r, const char *detail)
{
	if (r == CAP_ETRUNCATED)
		snprintf(s->err, sizeof(s->err),
			 "%s ends in the middle of a record after %llu complete frames (%s); "
			 "the frames before it were read",
			 s->name, (unsigned long long)s->n_frames, detail);
	else if (r == CAP_EERROR)
		snprintf(s->err, sizeof(s->err), "%s: stopped after %llu frames: %s", s->name,
			 (unsigned long long)s->n_frames, detail);
	s->state = r;
	return r;
}

bool cap_own_reader(const struct cap_source *s)
{
	return s->map != NULL;
}

enum cap_next_result cap_next(struct cap_source *s, struct cap_frame *ret_frame)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	const char *e;
	int r;

	if (s->state != CAP_FRAME)
		return s->state;
	if (s->afp)
		return cap_afp_next(s, ret_frame);
	if (s->map) {
		enum cap_next_result m = cap_map_next(s->it, ret_frame);

		if (m == CAP_FRAME) {
			s->n_frames++;
			return m;
		}
		return walk_end(s, m, cap_map_it_error(s->it));
	}
	r = pcap_next_ex(s->pcap, &h, &data);
	if (r == 1) {
		ret_frame->ts_usec = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		ret_frame->caplen = h->caplen;
		ret_frame->wirelen = h->len;
		ret_frame->linktype = s->linktype;
		ret_frame->data = data;
		s->n_frames++;
		return CAP_FRAME;
	}
	if (r == PCAP_ERROR_BREAK) {
		s->state = CAP_EOF;
		return s->state;
	}
	if (r == 0 && s->live)
		return CAP_AGAIN; /* live.c: nothing within the read timeout */

	e = r == PCAP_ERROR ? pcap_geterr(s->pcap) : "unexpected result from libpcap";
	/* libpcap words every short read of a record this way, for pcap
	 * ("truncated dump file; ...") and pcapng ("truncated pcapng dump file; ..."). */
	if (strncmp(e, "truncated", 9) == 0) {
		walk_end(s, CAP_ETRUNCATED, e);
	} else if (strstr(e, "different from the type of the first interface") ||
		   strstr(e, "different from the snapshot length of the first interface")) {
		snprintf(s->err, sizeof(s->err),
			 "%s: stopped after %llu frames: its pcapng interfaces have different "
			 "link types or snapshot lengths (%s), which libpcap reads only one at a time; split it per "
			 "interface (tshark -r FILE -Y frame.interface_id==N -w PART.pcapng)",
			 s->name, (unsigned long long)s->n_frames, e);
		s->state = CAP_EERROR;
	} else {
		snprintf(s->err, sizeof(s->err), "%s: read error after %llu frames: %s",
			 s->name, (unsigned long long)s->n_frames, e);
		s->state = CAP_EERROR;
	}
	return s->state;
}

const char *cap_error(const struct cap_source *s)
{
	return s ? s->err : "";
}

int cap_linktype(const struct cap_source *s)
{
	return s->linktype;
}

const char *cap_linktype_name(int linktype)
{
	const char *n = pcap_datalink_val_to_name(linktype);

	return n ? n : "unknown";
}

const char *cap_format(const struct cap_source *s)
{
	return s->format;
}

uint64_t cap_bytes_read(const struct cap_source *s)
{
	long pos;

	if (s->cookie)
		return s->cookie->delivered;
	if (s->map)
		return cap_map_it_offset(s->it);
	if (s->live)
		return 0;
	pos = ftell(pcap_file(s->pcap));
	return pos > 0 ? (uint64_t)pos : 0;
}

uint64_t cap_bytes_total(const struct cap_source *s)
{
	return s->bytes_total;
}

struct cap_source *cap_close(struct cap_source *s)
{
	if (!s)
		return NULL;
	cap_afp_close(s);
	if (s->it)
		cap_map_it_release(s->it);
	free(s->it);
	cap_map_close(s->map);
	if (s->pcap)
		pcap_close(s->pcap); /* closes the FILE, and with it our fd */
	free(s->iobuf);
	free(s->name);
	free(s);
	return NULL;
}
