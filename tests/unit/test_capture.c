/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/capture: real captures from $HERKOMST_SHARED_DIR/pcaps (frame counts
 * against MANIFEST.tsv), a truncated copy made at run time, standard input
 * through a pipe, and each refusal a user can meet, whose message must name
 * the file. Captures are read where they are, never copied into the tree.
 *
 * Exits 77 (skipped) when the shared directory is absent: checked before the
 * runner starts, since Check runs each test in a forked child.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/capture.h"

#define EXIT_SKIP 77

static char pcap_dir[4096];
static char tmp_dir[4096];

/* ---- helpers ------------------------------------------------------------ */

static void shared_path(const char *name, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s", pcap_dir, name);
}

static void tmp_path(const char *name, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s", tmp_dir, name);
}

/* The packets column of MANIFEST.tsv for one file, or -1. */
static long manifest_packets(const char *file)
{
	char path[4200], *line = NULL;
	size_t cap = 0;
	long packets = -1;
	FILE *fp;

	shared_path("MANIFEST.tsv", path, sizeof(path));
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while (getline(&line, &cap, fp) > 0) {
		char *save = NULL, *field = strtok_r(line, "\t", &save);

		if (!field || strcmp(field, file) != 0)
			continue;
		for (int col = 2; col <= 7 && field; col++)
			field = strtok_r(NULL, "\t", &save);
		if (field)
			packets = strtol(field, NULL, 10);
		break;
	}
	free(line);
	fclose(fp);
	return packets;
}

static uint8_t *slurp(const char *path, size_t *ret_len)
{
	struct stat st;
	uint8_t *buf;
	FILE *fp = fopen(path, "rb");

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	ck_assert(fstat(fileno(fp), &st) == 0);
	buf = malloc((size_t)st.st_size ? (size_t)st.st_size : 1);
	ck_assert(buf != NULL);
	ck_assert_uint_eq(fread(buf, 1, (size_t)st.st_size, fp), (size_t)st.st_size);
	fclose(fp);
	*ret_len = (size_t)st.st_size;
	return buf;
}

static void write_file(const char *path, const void *bytes, size_t len)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_msg(fp != NULL, "cannot create %s", path);
	if (len)
		ck_assert_uint_eq(fwrite(bytes, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

struct read_result {
	long frames;
	enum cap_next_result end;
	uint32_t last_caplen;
	bool progress_ok; /* bytes_read never went backwards nor past the total */
};

static struct read_result read_all(struct cap_source *s)
{
	struct read_result r = {.frames = 0, .progress_ok = true};
	struct cap_frame f;
	uint64_t last = 0;

	while ((r.end = cap_next(s, &f)) == CAP_FRAME) {
		uint64_t now = cap_bytes_read(s);

		ck_assert(f.data != NULL || f.caplen == 0);
		ck_assert_int_eq(f.linktype, cap_linktype(s));
		if (now < last || (cap_bytes_total(s) && now > cap_bytes_total(s)))
			r.progress_ok = false;
		last = now;
		r.last_caplen = f.caplen;
		r.frames++;
	}
	return r;
}

/*
 * The flags of every cap_open_file here: main runs the suite with 0 (a
 * regular file read by herkomst's reader) and again with CAP_OPEN_LIBPCAP
 * (every file through libpcap), since both must behave alike.
 */
static unsigned g_flags;

static struct cap_source *open_ok(const char *path)
{
	char err[512];
	struct cap_source *s = cap_open_file_flags(path, g_flags, err, sizeof(err));

	ck_assert_msg(s != NULL, "%s: %s", path, err);
	if (g_flags & CAP_OPEN_LIBPCAP)
		ck_assert_msg(!cap_own_reader(s), "%s: read by herkomst's reader under CAP_OPEN_LIBPCAP", path);
	return s;
}

/* Opening must fail with a message naming the file and saying what is wrong. */
static void assert_open_fails(const char *path, const char *name_in_msg, const char *why)
{
	char err[512];
	struct cap_source *s = cap_open_file_flags(path, g_flags, err, sizeof(err));

	ck_assert_msg(s == NULL, "%s opened", path);
	ck_assert_msg(strstr(err, name_in_msg) != NULL, "message lacks the name: %s", err);
	ck_assert_msg(strstr(err, why) != NULL, "message lacks \"%s\": %s", why, err);
}

/* ---- real captures ------------------------------------------------------ */

static const struct {
	const char *file;
	const char *format;
	int linktype;
} real_files[] = {
	{"arkime_wireshark-dhcp.pcap", "pcap", DLT_EN10MB},
	{"iti_addroute.pcapng", "pcapng", DLT_EN10MB},
	{"ndpi_knxip.pcapng", "pcapng", DLT_EN10MB}, /* two interfaces, same type */
	{"zeek_linuxsll-arp.pcap", "pcap", DLT_LINUX_SLL},
	{"ndpi_bjnp.pcap", "pcap", DLT_RAW},
	{"icsnpp-opcua_python_opcua-client-server_minimal.pcap", "pcap", DLT_NULL},
	{"icsnpp-fins_omron_fins_tcp_commands_responses.pcap", "pcap", DLT_IPV4},
	{"iti_control4-sample.pcap", "pcap", DLT_IEEE802_15_4_WITHFCS},
};

START_TEST(test_real_capture)
{
	char path[4200];
	struct cap_source *s;
	struct read_result r;
	long want = manifest_packets(real_files[_i].file);

	shared_path(real_files[_i].file, path, sizeof(path));
	ck_assert_msg(want > 0, "%s not in MANIFEST.tsv", real_files[_i].file);
	s = open_ok(path);
	ck_assert_str_eq(cap_format(s), real_files[_i].format);
	ck_assert_int_eq(cap_linktype(s), real_files[_i].linktype);
	ck_assert_uint_le(cap_bytes_read(s), cap_bytes_total(s)); /* the file header is read at open */
	r = read_all(s);
	ck_assert_msg(r.end == CAP_EOF, "%s: %s", path, cap_error(s));
	ck_assert_int_eq(r.frames, want);
	ck_assert(r.progress_ok);
	ck_assert_uint_gt(cap_bytes_total(s), 0);
	ck_assert_uint_eq(cap_bytes_read(s), cap_bytes_total(s));
	/* EOF is sticky */
	{
		struct cap_frame f;
		ck_assert_int_eq(cap_next(s, &f), CAP_EOF);
	}
	ck_assert_str_eq(cap_error(s), "");
	ck_assert_ptr_null(cap_close(s));
}
END_TEST

/* A real capture that ends inside its last record. */
START_TEST(test_real_truncated_capture)
{
	static const char file[] = "iti_melsoft_129_clean.pcap";
	char path[4200];
	struct cap_source *s;
	struct read_result r;

	shared_path(file, path, sizeof(path));
	s = open_ok(path);
	r = read_all(s);
	ck_assert_int_eq(r.end, CAP_ETRUNCATED);
	ck_assert_int_eq(r.frames, manifest_packets(file));
	ck_assert_msg(strstr(cap_error(s), path) != NULL, "%s", cap_error(s));
	ck_assert_msg(strstr(cap_error(s), "2041 complete frames") != NULL, "%s", cap_error(s));
	cap_close(s);
}
END_TEST

/* Prefixes of a real capture written at run time: cut in a record's data, in
 * a record's header, and (pcapng) one byte short of the last block. */
START_TEST(test_truncated_copy)
{
	static const char file[] = "arkime_wireshark-dhcp.pcap";
	char path[4200], cut[4200];
	struct cap_source *s;
	struct read_result full, r;
	size_t len;
	uint8_t *bytes;
	struct cap_frame f;

	shared_path(file, path, sizeof(path));
	tmp_path("cut.pcap", cut, sizeof(cut));
	bytes = slurp(path, &len);
	s = open_ok(path);
	full = read_all(s);
	cap_close(s);
	ck_assert_int_eq(full.end, CAP_EOF);
	ck_assert_int_gt(full.last_caplen, 1);

	/* one byte short of the last record's data */
	write_file(cut, bytes, len - 1);
	s = open_ok(cut);
	r = read_all(s);
	ck_assert_int_eq(r.end, CAP_ETRUNCATED);
	ck_assert_int_eq(r.frames, full.frames - 1);
	ck_assert_msg(strstr(cap_error(s), cut) != NULL, "%s", cap_error(s));
	ck_assert_msg(strstr(cap_error(s), "middle of a record") != NULL, "%s", cap_error(s));
	ck_assert_int_eq(cap_next(s, &f), CAP_ETRUNCATED); /* sticky */
	cap_close(s);

	/* inside the last record's 16-byte header */
	write_file(cut, bytes, len - full.last_caplen - 8);
	s = open_ok(cut);
	r = read_all(s);
	ck_assert_int_eq(r.end, CAP_ETRUNCATED);
	ck_assert_int_eq(r.frames, full.frames - 1);
	cap_close(s);

	/* exactly at a record boundary: a clean end, one frame fewer */
	write_file(cut, bytes, len - full.last_caplen - 16);
	s = open_ok(cut);
	r = read_all(s);
	ck_assert_int_eq(r.end, CAP_EOF);
	ck_assert_int_eq(r.frames, full.frames - 1);
	cap_close(s);

	/* only the 24-byte file header: a capture with no frames */
	write_file(cut, bytes, 24);
	s = open_ok(cut);
	r = read_all(s);
	ck_assert_int_eq(r.end, CAP_EOF);
	ck_assert_int_eq(r.frames, 0);
	cap_close(s);

	/* a file header cut short is refused at open */
	write_file(cut, bytes, 10);
	assert_open_fails(cut, cut, "cut short");
	unlink(cut);
	free(bytes);

	/* pcapng: one byte short of the end */
	shared_path("iti_addroute.pcapng", path, sizeof(path));
	tmp_path("cut.pcapng", cut, sizeof(cut));
	bytes = slurp(path, &len);
	write_file(cut, bytes, len - 1);
	s = open_ok(cut);
	r = read_all(s);
	ck_assert_int_eq(r.end, CAP_ETRUNCATED);
	ck_assert_int_le(r.frames, manifest_packets("iti_addroute.pcapng"));
	ck_assert_int_ge(r.frames, manifest_packets("iti_addroute.pcapng") - 1);
	ck_assert_msg(strstr(cap_error(s), cut) != NULL, "%s", cap_error(s));
	cap_close(s);
	unlink(cut);
	free(bytes);
}
END_TEST

/* ---- refusals ----------------------------------------------------------- */

START_TEST(test_missing_file)
{
	char path[4200];

	tmp_path("does-not-exist.pcap", path, sizeof(path));
	assert_open_fails(path, path, "no such file");
	/* no error buffer at all is allowed */
	ck_assert_ptr_null(cap_open_file_flags(path, g_flags, NULL, 0));
}
END_TEST

START_TEST(test_not_a_capture)
{
	static const uint8_t zip[] = {0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00};
	static const uint8_t gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03};
	char path[4200];

	tmp_path("export.zip", path, sizeof(path));
	write_file(path, zip, sizeof(zip));
	assert_open_fails(path, path, "is not a pcap or pcapng file");
	assert_open_fails(path, path, "starts with bytes 50 4b 03 04 14 00 00 00");
	assert_open_fails(path, path, "export it from Wireshark as pcap/pcapng");
	unlink(path);

	tmp_path("capture.pcap.gz", path, sizeof(path));
	write_file(path, gz, sizeof(gz));
	assert_open_fails(path, path, "gzip");
	unlink(path);

	tmp_path("tiny", path, sizeof(path));
	write_file(path, "\xd4\xc3", 2);
	assert_open_fails(path, path, "only 2 bytes long");
	unlink(path);

	/* a real text file from the shared directory */
	shared_path("MANIFEST.tsv", path, sizeof(path));
	assert_open_fails(path, path, "starts with bytes 66 69 6c 65");
}
END_TEST

START_TEST(test_empty_file_and_directory)
{
	char path[4200];

	tmp_path("empty.pcap", path, sizeof(path));
	write_file(path, NULL, 0);
	assert_open_fails(path, path, "is empty");
	unlink(path);

	assert_open_fails(tmp_dir, tmp_dir, "is a directory");
	assert_open_fails("", "", "no capture file given");
}
END_TEST

START_TEST(test_permission_denied)
{
	char path[4200];

	if (geteuid() == 0)
		return; /* root reads anything: nothing to test */
	tmp_path("secret.pcap", path, sizeof(path));
	write_file(path, "\xd4\xc3\xb2\xa1", 4);
	ck_assert_int_eq(chmod(path, 0), 0);
	assert_open_fails(path, path, "permission denied");
	unlink(path);
}
END_TEST

/* A pcapng whose second interface has another link type (libpcap 1.10 stops there). */
START_TEST(test_mixed_linktypes)
{
	static const uint8_t ng[] = {
		/* Section Header Block, little-endian, 28 bytes */
		0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0x00, 0x00, 0x00, /* type, total length 28 */
		0x4d, 0x3c, 0x2b, 0x1a, 0x01, 0x00, 0x00, 0x00, /* byte-order magic, version 1.0 */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* section length unknown */
		0x1c, 0x00, 0x00, 0x00,                         /* total length again */
		/* Interface Description Block 0: Ethernet */
		0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, /* type 1, length 20 */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, /* linktype 1, snaplen 262144 */
		0x14, 0x00, 0x00, 0x00,
		/* Enhanced Packet Block on interface 0: 16 bytes of frame */
		0x06, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, /* type 6, length 48 */
		0x00, 0x00, 0x00, 0x00,                         /* interface 0 */
		0x00, 0x00, 0x00, 0x00, 0x40, 0x42, 0x0f, 0x00, /* timestamp 1 s */
		0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, /* captured 16, original 16 */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1b,
		0x1b, 0x12, 0x34, 0x56, 0x88, 0xcc, 0x00, 0x00,
		0x30, 0x00, 0x00, 0x00,
		/* Interface Description Block 1: BSD loopback */
		0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, /* linktype 0 */
		0x14, 0x00, 0x00, 0x00,
	};
	char path[4200];
	struct cap_source *s;
	struct read_result r;

	tmp_path("mixed.pcapng", path, sizeof(path));
	write_file(path, ng, sizeof(ng));
	s = open_ok(path);
	ck_assert_str_eq(cap_format(s), "pcapng");
	ck_assert_int_eq(cap_linktype(s), DLT_EN10MB);
	r = read_all(s);
	ck_assert_int_eq(r.frames, 1);
	ck_assert_int_eq(r.end, CAP_EERROR);
	ck_assert_msg(strstr(cap_error(s), path) != NULL, "%s", cap_error(s));
	ck_assert_msg(strstr(cap_error(s), "different link types") != NULL, "%s", cap_error(s));
	cap_close(s);
	unlink(path);
}
END_TEST

/* ---- standard input ------------------------------------------------------ */

/* Feeds bytes into a pipe from a child process and makes the pipe our stdin. */
static pid_t feed_stdin(const uint8_t *bytes, size_t len)
{
	int fds[2];
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t off = 0;

		close(fds[0]);
		while (off < len) {
			ssize_t w = write(fds[1], &bytes[off], len - off);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	ck_assert_int_ge(dup2(fds[0], STDIN_FILENO), 0);
	close(fds[0]);
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
}

START_TEST(test_stdin_pipe)
{
	static const char file[] = "ja4_dhcp.pcapng";
	char path[4200];
	struct cap_source *s;
	struct read_result r;
	size_t len;
	uint8_t *bytes;
	pid_t pid;

	shared_path(file, path, sizeof(path));
	bytes = slurp(path, &len);
	pid = feed_stdin(bytes, len);
	s = open_ok("-");
	ck_assert_str_eq(cap_format(s), "pcapng");
	ck_assert_uint_eq(cap_bytes_total(s), 0); /* a pipe has no size */
	r = read_all(s);
	ck_assert_int_eq(r.end, CAP_EOF);
	ck_assert_int_eq(r.frames, manifest_packets(file));
	ck_assert_uint_eq(cap_bytes_read(s), len);
	cap_close(s);
	reap(pid);

	/* a truncated capture through the pipe */
	pid = feed_stdin(bytes, len - 3);
	s = open_ok("-");
	r = read_all(s);
	ck_assert_int_eq(r.end, CAP_ETRUNCATED);
	ck_assert_msg(strstr(cap_error(s), "standard input") != NULL, "%s", cap_error(s));
	cap_close(s);
	reap(pid);
	free(bytes);

	/* not a capture, and nothing at all */
	pid = feed_stdin((const uint8_t *)"hello world\n", 12);
	assert_open_fails("-", "standard input", "starts with bytes 68 65 6c 6c 6f 20 77 6f");
	reap(pid);
	pid = feed_stdin(NULL, 0);
	assert_open_fails("-", "standard input", "is empty");
	reap(pid);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(cap_linktype_name(DLT_EN10MB), "EN10MB");
	ck_assert_str_eq(cap_linktype_name(DLT_LINUX_SLL), "LINUX_SLL");
	ck_assert_str_eq(cap_linktype_name(99999), "unknown");
	ck_assert_ptr_null(cap_close(NULL));
	ck_assert_str_eq(cap_error(NULL), "");
}
END_TEST

/*
 * cap_open_afpacket's refusals that need no privileges and no interface of
 * ours: each is decided before a socket exists, and says what to change.
 * (The sockets themselves are tested in a network namespace:
 * tests/daemon/daemon_e2e.py, afpacket-*.)
 */
static void assert_afp_fails(const char *ifname, const struct cap_afpacket_opts *o, const char *want)
{
	char err[1024];
	struct cap_source *s = cap_open_afpacket(ifname, o, err, sizeof(err));

	ck_assert_msg(s == NULL, "cap_open_afpacket(%s) opened", ifname);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' does not say '%s'", err, want);
}

START_TEST(test_afpacket_refusals)
{
	struct cap_afpacket_opts o = {.snaplen = 65535, .promisc = true, .ring_mb = 4, .defrag = true};
	struct cap_afpacket_opts bad;

	bad = o;
	bad.snaplen = 0;
	assert_afp_fails("lo", &bad, "lo: snaplen 0 is not from 1 to 262144");
	bad.snaplen = CAP_LIVE_SNAPLEN_MAX + 1;
	assert_afp_fails("lo", &bad, "is not from 1 to 262144");
	bad = o;
	bad.ring_mb = 0;
	assert_afp_fails("lo", &bad, "lo: a ring of 0 MiB is not from 1 to 2047; fix [capture] ring_mb");
	bad.ring_mb = CAP_AFP_RING_MB_MAX + 1;
	assert_afp_fails("lo", &bad, "a ring of 2048 MiB is not from 1 to 2047");
	bad = o;
	bad.worker = 1;
	assert_afp_fails("lo", &bad, "worker 1 needs the fanout group of worker 0");
	bad = o;
	bad.bpf = "tcp port";
	assert_afp_fails("lo", &bad, "lo: the BPF filter 'tcp port' does not compile: ");
	bad.bpf = "vlan 10 and tcp port 502";
	assert_afp_fails("lo", &bad, "the BPF filter 'vlan 10 and tcp port 502' uses 'vlan', which cannot match");
	assert_afp_fails("", &o, "is not an interface name");
	assert_afp_fails("averyveryverylongname0", &o, "is not an interface name");
	assert_afp_fails("hk-nosuch0", &o, "interface hk-nosuch0 does not exist ('ip link' lists the interfaces)");
	if (geteuid() == 0) {
		/* the loopback device is not Ethernet: refused before bind, nothing captured */
		assert_afp_fails("lo", &o, "lo is not an Ethernet interface (ARPHRD 772); capture = afpacket reads "
					   "Ethernet only: set [capture] capture = pcap for it");
	}
	{
		struct cap_afpacket_info ai;

		ck_assert_int_eq(cap_afpacket_info(NULL, &ai), -ENOTSUP);
	}
}
END_TEST

/* ---- setup -------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void tmp_setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp_dir, sizeof(tmp_dir), "%s/hk-test-capture-XXXXXX",
		 base && *base ? base : "/tmp");
	ck_assert(mkdtemp(tmp_dir) != NULL);
}

static void tmp_teardown(void)
{
	nftw(tmp_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static Suite *capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("capture");

	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_loop_test(tc, test_real_capture, 0,
			    (int)(sizeof(real_files) / sizeof(real_files[0])));
	tcase_add_test(tc, test_real_truncated_capture);
	tcase_add_test(tc, test_truncated_copy);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_not_a_capture);
	tcase_add_test(tc, test_empty_file_and_directory);
	tcase_add_test(tc, test_permission_denied);
	tcase_add_test(tc, test_mixed_linktypes);
	tcase_add_test(tc, test_stdin_pipe);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_afpacket_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *shared = getenv("HERKOMST_SHARED_DIR");
	struct stat st;
	SRunner *sr;
	int failed;

	if (!shared || !*shared) {
		printf("SKIP: HERKOMST_SHARED_DIR is not set; the capture tests read real "
		       "captures from $HERKOMST_SHARED_DIR/pcaps\n");
		return EXIT_SKIP;
	}
	snprintf(pcap_dir, sizeof(pcap_dir), "%s/pcaps", shared);
	if (stat(pcap_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("SKIP: %s is not a directory; the capture tests need the shared "
		       "captures\n", pcap_dir);
		return EXIT_SKIP;
	}

	failed = 0;
	for (int k = 0; k < 2; k++) {
		g_flags = k ? CAP_OPEN_LIBPCAP : 0;
		printf("files read by %s\n", k ? "libpcap (CAP_OPEN_LIBPCAP)" : "herkomst's reader");
		sr = srunner_create(capture_suite());
		srunner_run_all(sr, CK_NORMAL);
		failed += srunner_ntests_failed(sr);
		srunner_free(sr);
	}
	return failed ? 1 : 0;
}
