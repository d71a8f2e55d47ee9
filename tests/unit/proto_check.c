/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the parser unit tests share (see proto_check.h). */
#include "proto_check.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "herkomst/cursor.h"
#include "herkomst/packet.h"

int pc_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

enum hk_parse_result pc_run_sink(hk_parse_fn fn, const void *bytes, size_t len, const struct hk_parse_ctx *ctx,
				 struct hk_obs_sink *sink)
{
	uint8_t *heap = malloc(len ? len : 1);
	enum hk_parse_result r;
	struct hk_cur c;

	ck_assert_ptr_nonnull(heap);
	if (len)
		memcpy(heap, bytes, len);
	c = hk_cur_init(heap, len);
	r = fn(&c, ctx, sink);
	free(heap);
	ck_assert_uint_le(c.off, c.len);
	ck_assert_msg(r >= HK_PARSE_OK && r < HK_PARSE__MAX, "parse result %d", (int)r);
	return r;
}

enum hk_parse_result pc_run(hk_parse_fn fn, const void *bytes, size_t len, const struct hk_parse_ctx *ctx,
			    struct pc_result *out)
{
	memset(out->obs, 0, sizeof(out->obs));
	out->sink = (struct hk_obs_sink){.v = out->obs, .n = 0, .cap = HK_OBS_PER_PACKET_MAX};
	out->rc = pc_run_sink(fn, bytes, len, ctx, &out->sink);
	return out->rc;
}

const uint8_t *pc_copy(const void *bytes, size_t len)
{
	static uint8_t *heap;

	free(heap);
	heap = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(heap);
	if (len)
		memcpy(heap, bytes, len);
	return heap;
}

void pc_put(struct pc_buf *p, const void *v, size_t n)
{
	ck_assert_uint_le(n, sizeof(p->b) - p->n);
	if (n)
		memcpy(p->b + p->n, v, n);
	p->n += n;
}

void pc_put8(struct pc_buf *p, unsigned v)
{
	uint8_t b = (uint8_t)v;

	pc_put(p, &b, 1);
}

void pc_put16(struct pc_buf *p, unsigned v)
{
	pc_put8(p, v >> 8);
	pc_put8(p, v & 0xff);
}

void pc_put32(struct pc_buf *p, uint32_t v)
{
	pc_put16(p, v >> 16);
	pc_put16(p, v & 0xffff);
}

void pc_put_dns_name(struct pc_buf *p, const char *dotted)
{
	while (*dotted) {
		const char *dot = strchr(dotted, '.');
		size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);

		pc_put8(p, (uint8_t)n);
		pc_put(p, dotted, n);
		dotted += n + (dot ? 1 : 0);
	}
	pc_put8(p, 0);
}

void pc_put_ber(struct pc_buf *p, unsigned tag, const void *v, size_t n)
{
	pc_put8(p, tag);
	if (n < 128) {
		pc_put8(p, (unsigned)n);
	} else {
		pc_put8(p, 0x82);
		pc_put8(p, (unsigned)(n >> 8));
		pc_put8(p, (unsigned)(n & 0xff));
	}
	pc_put(p, v, n);
}

static const char *side_name(enum hk_side side)
{
	switch (side) {
	case HK_SIDE_SRC:
		return "SRC";
	case HK_SIDE_DST:
		return "DST";
	case HK_SIDE_OTHER:
		return "OTHER";
	}
	return "?";
}

static void fmt_mac(const struct hk_obs *o, char mac[18])
{
	mac[0] = '\0';
	if (o->subject.has_mac)
		snprintf(mac, 18, "%02x:%02x:%02x:%02x:%02x:%02x", o->subject.mac[0], o->subject.mac[1],
			 o->subject.mac[2], o->subject.mac[3], o->subject.mac[4], o->subject.mac[5]);
}

const char pc_any[] = "(any)";

/* got: the subject's MAC or IP as text, "" for none */
static bool subject_is(const char *got, const char *want)
{
	return want == pc_any || strcmp(got, want ? want : "") == 0;
}

bool pc_obs_is(const struct hk_obs *o, const struct pc_expect *e)
{
	char mac[18], ip[HK_ADDR_STRLEN];

	if (o->kind != e->kind || o->side != e->side || o->confidence != e->conf ||
	    strcmp(o->source, e->source) != 0 || strcmp(o->value, e->value) != 0)
		return false;
	if (e->side != HK_SIDE_OTHER)
		return true;
	fmt_mac(o, mac);
	hk_addr_fmt(&o->subject.ip, ip);
	return subject_is(mac, e->mac) && subject_is(ip, e->ip);
}

/* where: "" or " (file:line)", for the messages */
static void assert_one(const struct hk_obs *o, size_t i, const struct pc_expect *e, const char *where)
{
	ck_assert_msg(o->kind == e->kind, "obs %zu: kind %s, want %s%s", i, hk_obs_kind_name(o->kind),
		      hk_obs_kind_name(e->kind), where);
	ck_assert_msg(o->side == e->side, "obs %zu (%s): side %s, want %s%s", i, o->source, side_name(o->side),
		      side_name(e->side), where);
	ck_assert_msg(o->confidence == e->conf, "obs %zu (%s): confidence %u, want %u%s", i, o->source,
		      (unsigned)o->confidence, (unsigned)e->conf, where);
	ck_assert_msg(strcmp(o->source, e->source) == 0, "obs %zu: source \"%s\", want \"%s\"%s", i, o->source,
		      e->source, where);
	ck_assert_msg(strcmp(o->value, e->value) == 0, "obs %zu (%s): value \"%s\", want \"%s\"%s", i, o->source,
		      o->value, e->value, where);
	if (e->side == HK_SIDE_OTHER) {
		char mac[18], ip[HK_ADDR_STRLEN];

		fmt_mac(o, mac);
		hk_addr_fmt(&o->subject.ip, ip);
		ck_assert_msg(subject_is(mac, e->mac), "obs %zu (%s): subject MAC \"%s\", want \"%s\"%s", i, o->source,
			      mac, e->mac ? e->mac : "", where);
		ck_assert_msg(subject_is(ip, e->ip), "obs %zu (%s): subject IP \"%s\", want \"%s\"%s", i, o->source, ip,
			      e->ip ? e->ip : "", where);
	}
}

void pc_assert_obs_at(const struct pc_result *r, size_t i, const struct pc_expect *e, const char *file, int line)
{
	char where[256];

	snprintf(where, sizeof(where), " (%s:%d)", file, line);
	ck_assert_msg(r->sink.n > i, "obs %zu: only %zu observations, want %s \"%s\"%s", i, r->sink.n, e->source,
		      e->value, where);
	assert_one(&r->sink.v[i], i, e, where);
}

void pc_assert_obs(const struct pc_result *r, const struct pc_expect *exp, size_t n)
{
	ck_assert_msg(r->sink.n == n, "%zu observations, want %zu", r->sink.n, n);
	for (size_t i = 0; i < n; i++)
		assert_one(&r->sink.v[i], i, &exp[i], "");
}

void pc_assert_obs_among(const struct pc_result *r, const struct pc_expect *exp, size_t n, const char *what)
{
	for (size_t i = 0; i < r->sink.n; i++) {
		bool found = false;

		for (size_t k = 0; k < n && !found; k++)
			found = pc_obs_is(&r->sink.v[i], &exp[k]);
		ck_assert_msg(found, "%s: obs %zu unexpected: %s %s \"%s\" (conf %u, side %s)", what, i,
			      hk_obs_kind_name(r->sink.v[i].kind), r->sink.v[i].source, r->sink.v[i].value,
			      r->sink.v[i].confidence, side_name(r->sink.v[i].side));
	}
}

const char *pc_value(const struct pc_result *r, const char *source, unsigned nth)
{
	for (size_t i = 0; i < r->sink.n; i++)
		if (strcmp(r->sink.v[i].source, source) == 0 && nth-- == 0)
			return r->sink.v[i].value;
	return "";
}

size_t pc_count(const struct pc_result *r, const char *source)
{
	size_t n = 0;

	for (size_t i = 0; i < r->sink.n; i++)
		n += strcmp(r->sink.v[i].source, source) == 0;
	return n;
}

void pc_assert_obs_lead(const struct pc_result *part, const struct pc_result *whole, const char *label_fmt, ...)
{
	char label[160];
	va_list ap;

	va_start(ap, label_fmt);
	vsnprintf(label, sizeof(label), label_fmt, ap);
	va_end(ap);
	ck_assert_msg(part->sink.n <= whole->sink.n, "%s: %zu observations, the whole says %zu", label, part->sink.n,
		      whole->sink.n);
	for (size_t i = 0; i < part->sink.n; i++) {
		const struct hk_obs *o = &part->obs[i], *w = &whole->obs[i];

		ck_assert_msg(o->kind == w->kind && o->side == w->side && o->confidence == w->confidence &&
				      strcmp(o->source, w->source) == 0 && strcmp(o->value, w->value) == 0,
			      "%s: obs %zu is %s %s \"%s\" (conf %u, side %s), the whole says %s %s \"%s\" (conf %u, "
			      "side %s)",
			      label, i, hk_obs_kind_name(o->kind), o->source, o->value, o->confidence, side_name(o->side),
			      hk_obs_kind_name(w->kind), w->source, w->value, w->confidence, side_name(w->side));
	}
}

void pc_every_prefix(hk_parse_fn fn, const uint8_t *bytes, size_t len, const struct hk_parse_ctx *ctx,
		     unsigned allowed_results_mask, bool allow_observations, const char *label_fmt, ...)
{
	static struct pc_result whole, part;
	char label[128];
	va_list ap;

	va_start(ap, label_fmt);
	vsnprintf(label, sizeof(label), label_fmt, ap);
	va_end(ap);
	if (allow_observations)
		pc_run(fn, bytes, len, ctx, &whole);
	for (size_t k = 0; k < len; k++) {
		enum hk_parse_result r = pc_run(fn, bytes, k, ctx, &part);

		ck_assert_msg(allowed_results_mask & (1u << r), "%s prefix %zu: %s", label, k, hk_parse_result_name(r));
		if (!allow_observations) {
			ck_assert_msg(part.sink.n == 0, "%s prefix %zu: %s with %zu observations", label, k,
				      hk_parse_result_name(r), part.sink.n);
			continue;
		}
		pc_assert_obs_lead(&part, &whole, "%s prefix %zu", label, k);
	}
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t pc_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v = hex_digit(*hex);

		if (v < 0)
			continue; /* spaces and line breaks */
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_msg(n < cap, "more than %zu bytes of hex", cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	ck_assert_msg(hi == -1, "an odd number of hex digits");
	return n;
}

void pc_hex(const uint8_t *b, size_t n, char *out, size_t outsz)
{
	ck_assert_uint_lt(2 * n, outsz);
	for (size_t k = 0; k < n; k++)
		snprintf(out + 2 * k, outsz - 2 * k, "%02x", b[k]);
	out[2 * n] = '\0';
}

bool pc_shared_dir(char *buf, size_t sz)
{
	const char *shared = getenv("HERKOMST_SHARED_DIR");
	char pcaps[4096];
	struct stat sb;

	/* meson always names ../shared; a user's clone may not have it */
	if (!shared || (size_t)snprintf(pcaps, sizeof(pcaps), "%s/pcaps", shared) >= sizeof(pcaps) ||
	    stat(pcaps, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return false;
	return (size_t)snprintf(buf, sz, "%s", shared) < sz;
}

bool pc_have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

bool pc_tshark(const char *pcap, const char *args, char *out, size_t outsz)
{
	char shared[1024], path[2048], cmd[8192];
	size_t n;
	FILE *f;

	if (pcap[0] == '/') {
		snprintf(path, sizeof(path), "%s", pcap);
	} else {
		if (!pc_shared_dir(shared, sizeof(shared)))
			return false;
		snprintf(path, sizeof(path), "%s/pcaps/%s", shared, pcap);
	}
	if (!pc_have_tshark())
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	fclose(f);
	ck_assert_uint_lt((size_t)snprintf(cmd, sizeof(cmd), "tshark -r '%s' %s 2>/dev/null", path, args), sizeof(cmd));
	f = popen(cmd, "r");
	if (!f)
		return false;
	n = fread(out, 1, outsz - 1, f);
	while (fread(cmd, 1, sizeof(cmd), f) > 0)
		; /* what does not fit: read, so that tshark is not cut off in the middle */
	ck_assert_msg(pclose(f) == 0, "tshark -r '%s' %s: failed", path, args);
	out[n] = '\0';
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return true;
}

bool pc_tshark_frame(const char *pcap, int frame, const char *args, char *out, size_t outsz)
{
	char a[4096];

	ck_assert_uint_lt((size_t)snprintf(a, sizeof(a), "-Y 'frame.number==%d' %s", frame, args), sizeof(a));
	return pc_tshark(pcap, a, out, outsz);
}

bool pc_tshark_row(const char *pcap, int frame, const char *args, char *line, size_t linesz, char **fields,
		   size_t n_fields)
{
	char *p = line;

	if (!pc_tshark_frame(pcap, frame, args, line, linesz) || !line[0])
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	for (size_t i = 0; i < n_fields; i++) {
		char *tab = strchr(p, '\t');

		if (tab)
			*tab = '\0';
		fields[i] = p;
		p = tab ? tab + 1 : p + strlen(p);
	}
	return true;
}

bool pc_tshark_tcp_payload(const char *pcap, int frame, const char *field, uint8_t *out, size_t outsz,
			   size_t *ret_len, char *want, size_t wantsz)
{
	static char line[65536];
	char args[1024], *f[2];
	size_t n;

	snprintf(args, sizeof(args), "-T fields -e tcp.payload -e %s", field);
	if (!pc_tshark_row(pcap, frame, args, line, sizeof(line), f, 2) || !f[1][0])
		return false;
	n = strlen(f[0]) / 2;
	if (!n || n > outsz)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(f[0][2 * i]), lo = hex_digit(f[0][2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	snprintf(want, wantsz, "%s", f[1]);
	*ret_len = n;
	return true;
}

bool pc_tshark_fields(const char *pcap, int frame, const char *const *fields, size_t n_fields, char *out,
		      size_t outsz)
{
	char args[2048];
	size_t o = (size_t)snprintf(args, sizeof(args), "-T fields");

	for (size_t i = 0; i < n_fields && o < sizeof(args); i++)
		o += (size_t)snprintf(args + o, sizeof(args) - o, " -e %s", fields[i]);
	ck_assert_uint_lt(o, sizeof(args));
	return pc_tshark_frame(pcap, frame, args, out, outsz);
}

void pc_assert_tshark_values(const struct pc_result *r, char *line, const char *pcap, int frame,
			     const char *const *fields, const char *const *sources, const unsigned *nth, size_t n)
{
	char *rest = line, *want = strsep(&rest, "\t");

	for (size_t k = 0; k < n; k++) {
		const char *we = pc_value(r, sources[k], nth ? nth[k] : 0);

		ck_assert_msg(want && strcmp(we, want) == 0, "%s frame %d %s: tshark '%s', we '%s'", pcap, frame,
			      fields[k], want ? want : "(none)", we);
		want = rest ? strsep(&rest, "\t") : NULL;
	}
}
