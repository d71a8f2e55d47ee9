/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the parser unit tests (test_proto_*.c) share: running a parser on an
 * exactly-sized heap copy of some bytes, checking its observations against
 * expected ones, running it on every truncated prefix of a PDU, building
 * PDUs, hex, and asking tshark about frames of the shared captures.
 *
 * The checks are Check assertions: a failure ends the test with a message
 * that names the observation's index and field, what the parser said and
 * what was expected (and, for the PC_EXPECT macros, the test's file:line).
 */
#ifndef HERKOMST_TESTS_PROTO_CHECK_H
#define HERKOMST_TESTS_PROTO_CHECK_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "herkomst/obs.h"
#include "herkomst/parser.h"

/* Runs the suite (CK_NORMAL output); the exit status for main. */
int pc_main(Suite *s);

/* ---- running a parser ---- */

/* One run of a parser. sink.v points into the struct: do not copy it. */
struct pc_result {
	enum hk_parse_result rc;
	struct hk_obs obs[HK_OBS_PER_PACKET_MAX];
	struct hk_obs_sink sink; /* .v = obs, .cap = HK_OBS_PER_PACKET_MAX */
};

/*
 * Runs fn on len bytes copied into a heap buffer of exactly len bytes (so
 * AddressSanitizer reports a one-byte over-read), with a fresh, zeroed sink
 * of HK_OBS_PER_PACKET_MAX. Asserts that the cursor stayed within the bytes
 * and that the result is one of enum hk_parse_result. Returns the result
 * (also in out->rc).
 */
enum hk_parse_result pc_run(hk_parse_fn fn, const void *bytes, size_t len, const struct hk_parse_ctx *ctx,
			    struct pc_result *out);

/* pc_run with the caller's sink (a small one: what does the parser do when it is full?). */
enum hk_parse_result pc_run_sink(hk_parse_fn fn, const void *bytes, size_t len, const struct hk_parse_ctx *ctx,
				 struct hk_obs_sink *sink);

/*
 * For code that is not an hk_parse_fn (x509_cert_names, ...): an
 * exactly-sized heap copy of bytes, valid until the next call.
 */
const uint8_t *pc_copy(const void *bytes, size_t len);

/* ---- what a run said ---- */

/* One expected observation. */
struct pc_expect {
	enum hk_obs_kind kind;
	enum hk_side side;
	uint8_t conf;
	const char *source;
	const char *value;
	const char *mac; /* HK_SIDE_OTHER: the subject's MAC, NULL for none, PC_ANY for any */
	const char *ip;  /* HK_SIDE_OTHER: the subject's IP, NULL for none, PC_ANY for any */
};

/* As pc_expect.mac or .ip: not checked. */
extern const char pc_any[];
#define PC_ANY pc_any

/* Does observation o say exactly what e says (for HK_SIDE_OTHER: about e's subject)? */
bool pc_obs_is(const struct hk_obs *o, const struct pc_expect *e);

/* Observation i of r is exactly e (and r has more than i); file and line go into a failure's message. */
void pc_assert_obs_at(const struct pc_result *r, size_t i, const struct pc_expect *e, const char *file, int line);
/* Observation i of r, whatever its subject. */
#define PC_EXPECT(r, i, kind, side, conf, src, val)                                                                \
	pc_assert_obs_at((r), (i), &(const struct pc_expect){(kind), (side), (conf), (src), (val), PC_ANY, PC_ANY}, \
			 __FILE__, __LINE__)

/* r said exactly n observations, exp[0..n-1], in that order. */
void pc_assert_obs(const struct pc_result *r, const struct pc_expect *exp, size_t n);

/* Each observation of r is one of exp[0..n-1] (in any order); what names the run in a failure. */
void pc_assert_obs_among(const struct pc_result *r, const struct pc_expect *exp, size_t n, const char *what);

/* The value of the nth (from 0) observation from source, "" when there is none. */
const char *pc_value(const struct pc_result *r, const char *source, unsigned nth);
/* How many observations come from source. */
size_t pc_count(const struct pc_result *r, const char *source);

/* What part says is a leading part of what whole says, observation by observation, field by field. */
void pc_assert_obs_lead(const struct pc_result *part, const struct pc_result *whole, const char *label_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- every truncated prefix ---- */

/* Sets of parse results, for pc_every_prefix. */
#define PC_OK (1u << HK_PARSE_OK)
#define PC_NOMATCH (1u << HK_PARSE_NOMATCH)
#define PC_TRUNCATED (1u << HK_PARSE_TRUNCATED)
#define PC_MALFORMED (1u << HK_PARSE_MALFORMED)

/*
 * Runs fn on each prefix of bytes shorter than len (0 to len - 1 bytes), each
 * in its own exactly-sized heap buffer. Each result must be in
 * allowed_results_mask (PC_TRUNCATED | ...). Without allow_observations a
 * prefix says nothing; with it, what a prefix says is a leading part of what
 * the whole len bytes say (which the function runs first), observation by
 * observation and field by field. A failure names the prefix, after the
 * printf-style label.
 */
void pc_every_prefix(hk_parse_fn fn, const uint8_t *bytes, size_t len, const struct hk_parse_ctx *ctx,
		     unsigned allowed_results_mask, bool allow_observations, const char *label_fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* ---- building PDUs, hex ---- */

/* A PDU being built for a synthetic case. */
#define PC_BUF_MAX 8192
struct pc_buf {
	uint8_t b[PC_BUF_MAX];
	size_t n;
};

/* Appends to p (asserts that it fits). 16 and 32 bits go big-endian. */
void pc_put(struct pc_buf *p, const void *v, size_t n);
void pc_put8(struct pc_buf *p, unsigned v);
void pc_put16(struct pc_buf *p, unsigned v);
void pc_put32(struct pc_buf *p, uint32_t v);

/* "a.b.local" as uncompressed DNS labels and the root */
void pc_put_dns_name(struct pc_buf *p, const char *dotted);
/* BER: tag, definite length (short, or 82 xx xx), contents */
void pc_put_ber(struct pc_buf *p, unsigned tag, const void *v, size_t n);

/*
 * Hex digits to bytes; any other character (spaces, line breaks, ':') is
 * skipped. Asserts an even number of digits and at most cap bytes. Returns
 * the number of bytes.
 */
size_t pc_unhex(const char *hex, uint8_t *out, size_t cap);

/* Bytes to lowercase hex without separators (as tshark prints a payload); asserts it fits. */
void pc_hex(const uint8_t *b, size_t n, char *out, size_t outsz);

/* ---- the shared captures and tshark ---- */

/* $HERKOMST_SHARED_DIR into buf; false when it is not set (or does not fit). */
bool pc_shared_dir(char *buf, size_t sz);

/* Is tshark on the PATH? */
bool pc_have_tshark(void);

/*
 * Runs `tshark -r CAPTURE ARGS 2>/dev/null` and puts what it prints into out
 * (NUL-terminated, at most outsz - 1 bytes, line ends at the end cut off).
 * CAPTURE is pcap under $HERKOMST_SHARED_DIR/pcaps/, or pcap itself when it
 * starts with '/'. False, with nothing run, when tshark, $HERKOMST_SHARED_DIR
 * or the capture is missing; a test then has nothing to compare against.
 * Asserts that tshark, once run, succeeds (a field name it does not know
 * makes it fail).
 */
bool pc_tshark(const char *pcap, const char *args, char *out, size_t outsz);
/* The same for one frame: ARGS after -Y 'frame.number==frame'. */
bool pc_tshark_frame(const char *pcap, int frame, const char *args, char *out, size_t outsz);

/*
 * pc_tshark_frame, then the first line of what tshark printed cut at its
 * tabs: fields[k] points into line at the kth field ("" past the last).
 * False also when tshark printed nothing.
 */
bool pc_tshark_row(const char *pcap, int frame, const char *args, char *line, size_t linesz, char **fields,
		   size_t n_fields);

/*
 * One frame's TCP payload (into out, its length into ret_len) and the value
 * of one field (into want). False when tshark, the capture or the frame is
 * missing, the field is empty, or the payload is empty or longer than outsz.
 */
bool pc_tshark_tcp_payload(const char *pcap, int frame, const char *field, uint8_t *out, size_t outsz,
			   size_t *ret_len, char *want, size_t wantsz);

/* pc_tshark_frame with ARGS "-T fields -e FIELD[0] -e FIELD[1] ...": tab-separated values. */
bool pc_tshark_fields(const char *pcap, int frame, const char *const *fields, size_t n_fields, char *out,
		      size_t outsz);

/*
 * line: what pc_tshark_fields printed for fields[0..n-1] of frame of pcap.
 * Asserts that tshark's value of fields[k] is the value of the nth[k]
 * (nth NULL: the first) observation of r from sources[k]. Cuts line up.
 */
void pc_assert_tshark_values(const struct pc_result *r, char *line, const char *pcap, int frame,
			     const char *const *fields, const char *const *sources, const unsigned *nth, size_t n);

/* A string literal vector and its length without the terminating NUL. */
#define VEC(a) (a), (sizeof(a) - 1)

#endif
